/*
 * test_platform.h - a platform for unit tests: a clock the test advances by hand (so timer
 * tests are exact, not timed), console output captured into a buffer, and console input fed
 * from a string. Entropy comes from the host's getrandom so the real RNG code runs.
 */
#ifndef WIREBOOT_TEST_PLATFORM_H
#define WIREBOOT_TEST_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include "wireboot/platform.h"

#define TEST_SCREEN_COLS_MAX 132
#define TEST_SCREEN_ROWS_MAX 60

struct test_platform {
	struct platform platform;
	uint64_t now_ns;
	uint64_t auto_advance_ns; /* added to the clock on every read, so waits end */
	char output[65536];
	size_t output_len;
	const int *keys;    /* key codes delivered first (KEY_* or code points), @keys_len of them */
	size_t keys_len;
	const char *input;  /* UTF-8 text still to deliver, one code point per key ('\n' = Enter);
			     * NULL or "" = none */
	int input_closed;   /* report end of input once @keys and @input are used up */
	int hardware_entropy_fails;
	unsigned entropy_calls; /* hardware_entropy() calls, failed ones included */
	unsigned key_reads;     /* console_read_key() calls */
	int reset_calls;
	/* the full screen: what menus drew, cell by cell (ASCII), with colours */
	unsigned screen_cols, screen_rows; /* set by test_platform_init: 80x25 */
	char cells[TEST_SCREEN_ROWS_MAX][TEST_SCREEN_COLS_MAX];
	unsigned char cell_bg[TEST_SCREEN_ROWS_MAX][TEST_SCREEN_COLS_MAX];
	unsigned cursor_col, cursor_row, fg, bg;
	unsigned clears;
	int cursor_visible;
};

/** test_platform_init() - fresh platform; output empty, clock at 1 s. */
void test_platform_init(struct test_platform *tp);

/** test_platform_output() - NUL-terminated output so far. */
const char *test_platform_output(struct test_platform *tp);
void test_platform_clear_output(struct test_platform *tp);

/** test_screen_row() - row @row of the screen as a NUL-terminated string (static buffer). */
const char *test_screen_row(struct test_platform *tp, unsigned row);
/** test_screen_find() - the row whose text contains @text, or -1. */
int test_screen_find(struct test_platform *tp, const char *text);

#endif
