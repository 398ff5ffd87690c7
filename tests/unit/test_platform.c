/* test_platform.c - the unit tests' platform (see test_platform.h). */
#define _GNU_SOURCE
#include "test_platform.h"
#include "wireboot/errors.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

static struct test_platform *tp_of(const struct platform *p)
{
	return p->priv;
}

static uint64_t tp_now(const struct platform *p)
{
	struct test_platform *tp = tp_of(p);
	tp->now_ns += tp->auto_advance_ns;
	return tp->now_ns;
}

static uint64_t tp_cycles(const struct platform *p)
{
	(void)p;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int tp_entropy(const struct platform *p, void *buf, size_t len)
{
	tp_of(p)->entropy_calls++;
	if (tp_of(p)->hardware_entropy_fails)
		return -WBE_NOTSUP;
	return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -WBE_NOTSUP;
}

static int tp_wall(const struct platform *p, int64_t *t)
{
	(void)p;
	(void)t;
	return -WBE_NOTSUP;
}

static void tp_write(const struct platform *p, const char *text, size_t len)
{
	struct test_platform *tp = tp_of(p);
	size_t room = sizeof(tp->output) - 1 - tp->output_len;
	if (len > room)
		len = room;
	for (size_t i = 0; i < len; i++) { /* what lands on the screen, at the cursor */
		if (text[i] == '\n') {
			tp->cursor_col = 0;
			tp->cursor_row++;
		} else if (tp->cursor_row < tp->screen_rows && tp->cursor_col < tp->screen_cols) {
			tp->cells[tp->cursor_row][tp->cursor_col] = text[i];
			tp->cell_bg[tp->cursor_row][tp->cursor_col++] = (unsigned char)tp->bg;
		}
	}
	memcpy(tp->output + tp->output_len, text, len);
	tp->output_len += len;
	tp->output[tp->output_len] = '\0';
}

/* Decodes one UTF-8 sequence at *@s (well-formed input assumed: the tests write it). */
static int next_code_point(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	int cp, more;
	if (p[0] < 0x80) {
		cp = p[0];
		more = 0;
	} else if (p[0] < 0xe0) {
		cp = p[0] & 0x1f;
		more = 1;
	} else if (p[0] < 0xf0) {
		cp = p[0] & 0x0f;
		more = 2;
	} else {
		cp = p[0] & 0x07;
		more = 3;
	}
	int i = 1;
	for (; i <= more && (p[i] & 0xc0) == 0x80; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	*s += i;
	return cp;
}

static int tp_read_key(const struct platform *p)
{
	struct test_platform *tp = tp_of(p);
	tp->key_reads++;
	if (tp->keys_len) {
		tp->keys_len--;
		return *tp->keys++;
	}
	if (tp->input && *tp->input) {
		int c = next_code_point(&tp->input);
		return c == '\n' ? KEY_ENTER : c;
	}
	return tp->input_closed ? -WBE_CONSOLE_EOF : -WBE_AGAIN;
}

static int tp_reset(const struct platform *p, enum platform_reset kind)
{
	(void)kind;
	tp_of(p)->reset_calls++;
	return -WBE_NOTSUP;
}

static void tp_screen_size(const struct platform *p, unsigned *cols, unsigned *rows)
{
	*cols = tp_of(p)->screen_cols;
	*rows = tp_of(p)->screen_rows;
}

static void tp_screen_clear(const struct platform *p)
{
	struct test_platform *tp = tp_of(p);
	memset(tp->cells, ' ', sizeof(tp->cells));
	memset(tp->cell_bg, (int)tp->bg, sizeof(tp->cell_bg));
	tp->cursor_col = tp->cursor_row = 0;
	tp->clears++;
}

static void tp_screen_move(const struct platform *p, unsigned col, unsigned row)
{
	tp_of(p)->cursor_col = col;
	tp_of(p)->cursor_row = row;
}

static void tp_screen_colours(const struct platform *p, unsigned fg, unsigned bg)
{
	tp_of(p)->fg = fg;
	tp_of(p)->bg = bg;
}

static void tp_screen_cursor(const struct platform *p, bool visible)
{
	tp_of(p)->cursor_visible = visible;
}

const char *test_screen_row(struct test_platform *tp, unsigned row)
{
	static char line[TEST_SCREEN_COLS_MAX + 1];
	unsigned n = row < tp->screen_rows ? tp->screen_cols : 0;
	memcpy(line, tp->cells[row < TEST_SCREEN_ROWS_MAX ? row : 0], n);
	line[n] = '\0';
	return line;
}

int test_screen_find(struct test_platform *tp, const char *text)
{
	for (unsigned r = 0; r < tp->screen_rows; r++)
		if (strstr(test_screen_row(tp, r), text))
			return (int)r;
	return -1;
}

void test_platform_init(struct test_platform *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->now_ns = 1000000000ULL;
	tp->screen_cols = 80;
	tp->screen_rows = 25;
	tp->cursor_visible = 1;
	memset(tp->cells, ' ', sizeof(tp->cells));
	tp->platform = (struct platform){
		.name = "test",
		.arch = "testarch",
		.priv = tp,
		.monotonic_ns = tp_now,
		.cycle_counter = tp_cycles,
		.wall_clock = tp_wall,
		.hardware_entropy = tp_entropy,
		.console_write = tp_write,
		.console_read_key = tp_read_key,
		.reset = tp_reset,
		.screen_size = tp_screen_size,
		.screen_clear = tp_screen_clear,
		.screen_move = tp_screen_move,
		.screen_colours = tp_screen_colours,
		.screen_cursor = tp_screen_cursor,
	};
}

const char *test_platform_output(struct test_platform *tp)
{
	return tp->output;
}

void test_platform_clear_output(struct test_platform *tp)
{
	tp->output_len = 0;
	tp->output[0] = '\0';
}
