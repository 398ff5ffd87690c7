/*
 * console.h - text console on top of the platform (EFI ConOut/ConIn, host stdio).
 *
 * Output is UTF-8 with '\n' line ends; the platform translates. Input is non-blocking key by
 * key; console_readline() runs the poll loop while it waits, so the network stays serviced
 * while the user types. Keys read while checking for Ctrl-C are kept, not lost.
 */
#ifndef WIREBOOT_CONSOLE_H
#define WIREBOOT_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "wireboot/platform.h"

struct loop;

#define CONSOLE_PENDING_KEYS 32

struct console {
	const struct platform *platform;
	int pending[CONSOLE_PENDING_KEYS]; /* keys read ahead by console_interrupted() */
	unsigned pending_head, pending_count;
	bool input_closed;
	/* while the boot script runs: Ctrl-B stops it (like Ctrl-C) and asks for the shell */
	bool shell_key_armed;
	bool shell_key_pressed;
};

void console_init(struct console *con, const struct platform *platform);

void console_write(struct console *con, const char *text, size_t len);
void console_puts(struct console *con, const char *text);
void console_printf(struct console *con, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void console_vprintf(struct console *con, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/**
 * console_getkey() - next key without waiting: a code point or KEY_*, -WBE_AGAIN if none,
 * -WBE_CONSOLE_EOF once input is closed.
 */
int console_getkey(struct console *con);

/**
 * console_interrupted() - true if Ctrl-C is among the keys typed so far, or Ctrl-B while
 * shell_key_armed (which also sets shell_key_pressed); such keys are consumed, the others
 * stay queued for console_getkey(). Suitable as a loop cancel hook.
 */
bool console_interrupted(void *con);

/**
 * console_readline() - read a line into @buf (NUL-terminated, at most @len - 1 bytes), echoing
 * and handling backspace, while stepping @loop. Returns the line length, -WBE_CANCELED on
 * Ctrl-C, -WBE_CONSOLE_EOF when input is closed before anything was typed. A last line
 * that input closes without an Enter is returned as a line; the next call reports the end.
 */
int console_readline(struct console *con, struct loop *loop, char *buf, size_t len);

/* Line editing: cursor keys, Home/End, Backspace, Ctrl-U (clear), Up/Down through history. */
#define LINE_HISTORY_MAX 32

struct line_history;

/** line_history_create() - empty history (NULL when out of memory: editing still works). */
struct line_history *line_history_create(void);
/** line_history_destroy() - free; NULL is ignored. */
void line_history_destroy(struct line_history *h);
/** line_history_add() - remember @line (copied); empty lines and repeats are not kept. */
void line_history_add(struct line_history *h, const char *line);

struct line_edit {
	struct line_history *history; /* NULL: no Up/Down recall */
	const char *initial;          /* text to start with (`read` shows the current value) */
	bool hidden;                  /* passwords: echo '*', no history, no cursor movement */
};

/**
 * console_editline() - console_readline() with line editing as described by @opts (NULL:
 * plain). Same buffer rules and return values as console_readline().
 */
int console_editline(struct console *con, struct loop *loop, char *buf, size_t len, const struct line_edit *opts);

#endif
