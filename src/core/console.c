/* console.c - console helpers over the platform ops (contract in wireboot/console.h). */
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
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
		if (key == KEY_CTRL_B && con->shell_key_armed) {
			con->shell_key_pressed = true;
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

/* Code points in @len bytes of UTF-8 (continuation bytes are 10xxxxxx). */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Start of the character before byte offset @pos. */
static size_t utf8_prev(const char *s, size_t pos)
{
	do
		pos--;
	while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80);
	return pos;
}

static size_t utf8_encode(int key, char *out)
{
	if (key < 0x80) {
		out[0] = (char)key;
		return 1;
	}
	if (key < 0x800) {
		out[0] = (char)(0xc0 | (key >> 6));
		out[1] = (char)(0x80 | (key & 0x3f));
		return 2;
	}
	if (key < 0x10000) {
		out[0] = (char)(0xe0 | (key >> 12));
		out[1] = (char)(0x80 | ((key >> 6) & 0x3f));
		out[2] = (char)(0x80 | (key & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (key >> 18));
	out[1] = (char)(0x80 | ((key >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((key >> 6) & 0x3f));
	out[3] = (char)(0x80 | (key & 0x3f));
	return 4;
}

static void backspaces(struct console *con, size_t n)
{
	while (n--)
		console_puts(con, "\b");
}

/*
 * The line being edited. Only '\b' (cursor left) and re-printing move the cursor, so editing
 * works the same on the EFI text console and on a dumb serial terminal.
 */
struct editor {
	struct console *con;
	char *buf;
	size_t size, len, cur; /* capacity, bytes used, cursor (byte offset) */
	bool hidden;
};

/* Prints @len bytes of the line as the user sees them ('*' for each character when hidden). */
static void show(struct editor *e, const char *text, size_t len)
{
	if (!e->hidden) {
		console_write(e->con, text, len);
		return;
	}
	for (size_t i = utf8_chars(text, len); i; i--)
		console_puts(e->con, "*");
}

/* Redraws from the cursor to the end, blanks @erase stale cells, and returns the cursor. */
static void redraw_tail(struct editor *e, size_t erase)
{
	show(e, e->buf + e->cur, e->len - e->cur);
	for (size_t i = 0; i < erase; i++)
		console_puts(e->con, " ");
	backspaces(e->con, utf8_chars(e->buf + e->cur, e->len - e->cur) + erase);
}

static void insert(struct editor *e, const char *bytes, size_t n)
{
	if (e->len + n >= e->size)
		return; /* line full: ignore further characters, like a bounded terminal */
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur);
	memcpy(e->buf + e->cur, bytes, n);
	e->len += n;
	show(e, bytes, n);
	e->cur += n;
	redraw_tail(e, 0);
}

static void erase_before_cursor(struct editor *e)
{
	if (e->cur == 0)
		return;
	size_t prev = utf8_prev(e->buf, e->cur);
	memmove(e->buf + prev, e->buf + e->cur, e->len - e->cur);
	e->len -= e->cur - prev;
	e->cur = prev;
	console_puts(e->con, "\b");
	redraw_tail(e, 1);
}

static void move_left(struct editor *e)
{
	if (e->cur > 0) {
		e->cur = utf8_prev(e->buf, e->cur);
		console_puts(e->con, "\b");
	}
}

static void move_right(struct editor *e)
{
	if (e->cur < e->len) {
		size_t next = e->cur + 1;
		while (next < e->len && ((unsigned char)e->buf[next] & 0xc0) == 0x80)
			next++;
		show(e, e->buf + e->cur, next - e->cur);
		e->cur = next;
	}
}

/* Replaces the whole line (history recall, Ctrl-U), cursor at the end. */
static void replace_line(struct editor *e, const char *text)
{
	size_t old_chars = utf8_chars(e->buf, e->len);
	backspaces(e->con, utf8_chars(e->buf, e->cur));
	size_t n = strlen(text);
	if (n >= e->size)
		n = e->size - 1;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--; /* never cut a character in half */
	memmove(e->buf, text, n);
	e->len = n;
	size_t new_chars = utf8_chars(e->buf, n);
	show(e, e->buf, n);
	e->cur = n;
	size_t erase = old_chars > new_chars ? old_chars - new_chars : 0;
	redraw_tail(e, erase);
}

struct line_history {
	char *lines[LINE_HISTORY_MAX]; /* oldest first */
	unsigned count;
};

struct line_history *line_history_create(void)
{
	return wb_zalloc(sizeof(struct line_history));
}

void line_history_destroy(struct line_history *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < h->count; i++)
		wb_free(h->lines[i]);
	wb_free(h);
}

void line_history_add(struct line_history *h, const char *line)
{
	if (!h || !*line || (h->count && strcmp(h->lines[h->count - 1], line) == 0))
		return; /* nothing to keep: empty lines and immediate repeats */
	size_t n = strlen(line);
	char *copy = wb_malloc(n + 1);
	if (!copy)
		return; /* history is a convenience: out of memory just forgets */
	memcpy(copy, line, n + 1);
	if (h->count == LINE_HISTORY_MAX) {
		wb_free(h->lines[0]);
		memmove(h->lines, h->lines + 1, (LINE_HISTORY_MAX - 1) * sizeof(h->lines[0]));
		h->count--;
	}
	h->lines[h->count++] = copy;
}

/* Up (@step -1) or down (+1) through the history; position count is the line being typed. */
static void recall(struct editor *e, struct line_history *h, unsigned *pos, char *draft, int step)
{
	if (!h || (step < 0 && *pos == 0) || (step > 0 && *pos >= h->count))
		return;
	if (*pos == h->count) {
		size_t n = e->len < e->size ? e->len : e->size - 1;
		memcpy(draft, e->buf, n); /* keep what was typed, for coming back down */
		draft[n] = '\0';
	}
	*pos = (unsigned)((int)*pos + step);
	replace_line(e, *pos == h->count ? draft : h->lines[*pos]);
}

int console_editline(struct console *con, struct loop *loop, char *buf, size_t len, const struct line_edit *opts)
{
	if (len == 0)
		return -WBE_NOSPC;
	struct editor e = {con, buf, len, 0, 0, opts && opts->hidden};
	struct line_history *history = opts && !e.hidden ? opts->history : NULL;
	unsigned pos = history ? history->count : 0;
	char *draft = NULL;
	if (opts && opts->initial)
		replace_line(&e, opts->initial); /* may be @buf itself */
	int result;
	for (;;) {
		int key = console_getkey(con);
		if (key == -WBE_AGAIN) {
			loop_step(loop);
			continue;
		}
		if (key < 0) {
			if (key == -WBE_CONSOLE_EOF && e.len > 0) {
				console_puts(con, "\n");
				result = (int)e.len; /* last line without a newline */
			} else {
				e.len = 0;
				result = key;
			}
			break;
		}
		if (key == KEY_ENTER || key == '\n') {
			console_puts(con, "\n");
			result = (int)e.len;
			break;
		}
		if (key == KEY_CTRL_C) {
			console_puts(con, "^C\n");
			e.len = 0;
			result = -WBE_CANCELED;
			break;
		}
		if (key == KEY_BACKSPACE || key == KEY_DELETE) {
			erase_before_cursor(&e);
		} else if (key == KEY_LEFT && !e.hidden) {
			move_left(&e);
		} else if (key == KEY_RIGHT && !e.hidden) {
			move_right(&e);
		} else if (key == KEY_HOME && !e.hidden) {
			while (e.cur > 0)
				move_left(&e);
		} else if (key == KEY_END && !e.hidden) {
			while (e.cur < e.len)
				move_right(&e);
		} else if (key == KEY_CTRL_U) {
			replace_line(&e, "");
		} else if ((key == KEY_UP || key == KEY_DOWN) && history) {
			if (!draft && !(draft = wb_malloc(len)))
				continue; /* no memory for the draft: no recall */
			recall(&e, history, &pos, draft, key == KEY_UP ? -1 : 1);
		} else if (key >= 0x20 && key <= 0x10ffff && key != KEY_DELETE) {
			char utf8[4];
			insert(&e, utf8, utf8_encode(key, utf8));
		}
		/* other control and special keys are ignored */
	}
	buf[e.len] = '\0';
	wb_free(draft);
	return result;
}

int console_readline(struct console *con, struct loop *loop, char *buf, size_t len)
{
	return console_editline(con, loop, buf, len, NULL);
}
