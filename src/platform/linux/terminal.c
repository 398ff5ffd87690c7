/* terminal.c - stdin keys and ECMA-48 screen control for the host program (see terminal.h). */
#include "terminal.h"
#include "wireboot/errors.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* How long the rest of an escape sequence may take after its ESC: a terminal sends the whole
 * sequence at once, so a lone ESC (the Esc key) is told apart by nothing following soon. */
#define ESCAPE_FOLLOW_MS 40

/* One byte from stdin within @wait_ms: the byte, -WBE_AGAIN, or -WBE_CONSOLE_EOF. */
static int read_byte(int wait_ms)
{
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	if (poll(&pfd, 1, wait_ms) <= 0)
		return -WBE_AGAIN;
	unsigned char c;
	ssize_t n = read(STDIN_FILENO, &c, 1);
	if (n == 0)
		return -WBE_CONSOLE_EOF;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -WBE_AGAIN : -WBE_CONSOLE_EOF;
	return c;
}

/* The key of "ESC [ <digits> ~" (VT220 editing keys), or -WBE_AGAIN for one we do not use. */
static int tilde_key(int number)
{
	switch (number) {
	case 1:
	case 7:
		return KEY_HOME;
	case 3:
		return KEY_DELETE;
	case 4:
	case 8:
		return KEY_END;
	case 5:
		return KEY_PAGE_UP;
	case 6:
		return KEY_PAGE_DOWN;
	default:
		return -WBE_AGAIN;
	}
}

/* After ESC: decode CSI ("ESC [") and SS3 ("ESC O") sequences; a lone ESC is the Esc key. */
static int escape_sequence(void)
{
	int intro = read_byte(ESCAPE_FOLLOW_MS);
	if (intro != '[' && intro != 'O')
		return KEY_ESC; /* any byte that came with it is dropped: Alt-x is not a key here */
	int number = 0;
	for (int i = 0; i < 8; i++) { /* parameters are short; bound a garbled sequence */
		int c = read_byte(ESCAPE_FOLLOW_MS);
		if (c < 0)
			return -WBE_AGAIN;
		if (c >= '0' && c <= '9') {
			number = number * 10 + (c - '0');
			continue;
		}
		if (c == ';')
			continue; /* modifiers (Shift, Ctrl) are ignored */
		switch (c) {
		case 'A':
			return KEY_UP;
		case 'B':
			return KEY_DOWN;
		case 'C':
			return KEY_RIGHT;
		case 'D':
			return KEY_LEFT;
		case 'H':
			return KEY_HOME;
		case 'F':
			return KEY_END;
		case '~':
			return tilde_key(number);
		default:
			return -WBE_AGAIN; /* a sequence for a key we do not use */
		}
	}
	return -WBE_AGAIN;
}

/* The rest of a UTF-8 sequence (RFC 3629 §3) whose first byte is @lead: its code point, or
 * U+FFFD for a malformed, overlong or surrogate sequence, so that a key is a code point as
 * platform.h promises. */
static int utf8_key(int lead)
{
	int more = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
	if (more < 0)
		return 0xfffd; /* a continuation byte, or a lead byte that cannot start a sequence */
	int cp = lead & (0x3f >> more);
	for (int i = 0; i < more; i++) {
		int c = read_byte(ESCAPE_FOLLOW_MS);
		if (c < 0 || (c & 0xc0) != 0x80)
			return 0xfffd;
		cp = cp << 6 | (c & 0x3f);
	}
	static const int smallest[4] = {0, 0x80, 0x800, 0x10000};
	if (cp < smallest[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0xfffd;
	return cp;
}

int terminal_read_key(const struct platform *p)
{
	(void)p;
	int c = read_byte(0);
	if (c == '\n')
		return KEY_ENTER;
	if (c == KEY_ESC)
		return escape_sequence();
	if (c >= 0x80)
		return utf8_key(c);
	return c;
}

static void emit(const char *text, int len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, text, (size_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		len -= (int)n;
	}
}

void terminal_screen_size(const struct platform *p, unsigned *cols, unsigned *rows)
{
	(void)p;
	struct winsize ws;
	*cols = 80;
	*rows = 24;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
		return;
	}
	/* not a terminal (tests read the output from a pipe): the shell's idea of the size */
	const char *c = getenv("COLUMNS"), *r = getenv("LINES");
	if (c && atoi(c) >= 20 && atoi(c) <= 1000)
		*cols = (unsigned)atoi(c);
	if (r && atoi(r) >= 5 && atoi(r) <= 1000)
		*rows = (unsigned)atoi(r);
}

void terminal_screen_clear(const struct platform *p)
{
	(void)p;
	emit("\033[2J\033[H", 7); /* ED 2: erase the whole display; CUP: home */
}

void terminal_screen_move(const struct platform *p, unsigned col, unsigned row)
{
	(void)p;
	char seq[32];
	emit(seq, snprintf(seq, sizeof(seq), "\033[%u;%uH", row + 1, col + 1)); /* CUP is 1-based */
}

void terminal_screen_colours(const struct platform *p, unsigned fg, unsigned bg)
{
	(void)p;
	char seq[32];
	/* SGR 30-37/40-47 basic colours, 39/49 the terminal's default */
	emit(seq, snprintf(seq, sizeof(seq), "\033[0;%u;%um", 30 + (fg < 8 ? fg : 9), 40 + (bg < 8 ? bg : 9)));
}

void terminal_screen_cursor(const struct platform *p, bool visible)
{
	(void)p;
	emit(visible ? "\033[?25h" : "\033[?25l", 6); /* DECTCEM */
}
