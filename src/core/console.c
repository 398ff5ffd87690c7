/* console.c - console helpers over the platform ops (contract in wireboot/console.h). */
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/process.h"

#include <string.h>

void console_init(struct console *con, const struct platform *platform)
{
	memset(con, 0, sizeof(*con));
	con->platform = platform;
}

void console_write(struct console *con, const char *text, size_t len)
{
	con->platform->console_write(con->platform, text, len);
}

void console_puts(struct console *con, const char *text)
{
	console_write(con, text, strlen(text));
}

void console_vprintf(struct console *con, const char *fmt, va_list ap)
{
	char line[512];
	int need = wb_vsnprintf(line, sizeof(line), fmt, ap);
	if (need < (int)sizeof(line)) {
		console_write(con, line, (size_t)need);
	} else {
		/* Output longer than one line buffer: print what fits and mark the cut rather than
		 * allocate, so that printing an error still works when memory has run out. */
		console_write(con, line, sizeof(line) - 1);
		console_puts(con, "...[truncated]\n");
	}
}

void console_printf(struct console *con, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	console_vprintf(con, fmt, ap);
	va_end(ap);
}

static int read_platform_key(struct console *con)
{
	if (con->input_closed)
		return -WBE_CONSOLE_EOF;
	int key = con->platform->console_read_key(con->platform);
	if (key == -WBE_CONSOLE_EOF)
		con->input_closed = true;
	return key;
}

int console_getkey(struct console *con)
{
	if (con->pending_count) {
		int key = con->pending[con->pending_head];
		con->pending_head = (con->pending_head + 1) % CONSOLE_PENDING_KEYS;
		con->pending_count--;
		return key;
	}
	return read_platform_key(con);
}

bool console_interrupted(void *ctx)
{
	struct console *con = ctx;
	bool interrupted = false;
	int key;
	while ((key = read_platform_key(con)) >= 0) {
		if (key == KEY_CTRL_C) {
			interrupted = true;
			continue;
		}
		if (con->pending_count < CONSOLE_PENDING_KEYS) {
			con->pending[(con->pending_head + con->pending_count) % CONSOLE_PENDING_KEYS] = key;
			con->pending_count++;
		}
	}
	return interrupted;
}

int console_readline(struct console *con, struct loop *loop, char *buf, size_t len)
{
	size_t n = 0;
	if (len == 0)
		return -WBE_NOSPC;
	for (;;) {
		int key = console_getkey(con);
		if (key == -WBE_AGAIN) {
			loop_step(loop);
			continue;
		}
		if (key < 0) {
			buf[n] = '\0';
			if (key == -WBE_CONSOLE_EOF && n > 0) {
				console_puts(con, "\n");
				return (int)n; /* last line without a newline */
			}
			return key;
		}
		if (key == KEY_ENTER || key == '\n') {
			console_puts(con, "\n");
			buf[n] = '\0';
			return (int)n;
		}
		if (key == KEY_CTRL_C) {
			console_puts(con, "^C\n");
			buf[0] = '\0';
			return -WBE_CANCELED;
		}
		if (key == KEY_BACKSPACE || key == KEY_DELETE) {
			if (n > 0) {
				/* drop a whole UTF-8 sequence: continuation bytes are 10xxxxxx */
				do
					n--;
				while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80);
				console_puts(con, "\b \b");
			}
			continue;
		}
		if (key < 0x20 || key > 0x10ffff)
			continue; /* other control and special keys: no line editing yet */
		char utf8[4];
		size_t ulen;
		if (key < 0x80) {
			utf8[0] = (char)key;
			ulen = 1;
		} else if (key < 0x800) {
			utf8[0] = (char)(0xc0 | (key >> 6));
			utf8[1] = (char)(0x80 | (key & 0x3f));
			ulen = 2;
		} else if (key < 0x10000) {
			utf8[0] = (char)(0xe0 | (key >> 12));
			utf8[1] = (char)(0x80 | ((key >> 6) & 0x3f));
			utf8[2] = (char)(0x80 | (key & 0x3f));
			ulen = 3;
		} else {
			utf8[0] = (char)(0xf0 | (key >> 18));
			utf8[1] = (char)(0x80 | ((key >> 12) & 0x3f));
			utf8[2] = (char)(0x80 | ((key >> 6) & 0x3f));
			utf8[3] = (char)(0x80 | (key & 0x3f));
			ulen = 4;
		}
		if (n + ulen >= len)
			continue; /* line full: ignore further characters, like a bounded terminal */
		memcpy(buf + n, utf8, ulen);
		n += ulen;
		console_write(con, utf8, ulen);
	}
}
