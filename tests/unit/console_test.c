/* console_test.c - tests for wireboot/console.h: line editing (backspace over multi-byte
 * characters, Ctrl-C, end of input, the length bound), the Ctrl-C check that keeps other
 * keys queued, and output truncation. */
#include "wireboot/console.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/process.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct console_fixture {
	struct test_platform tp;
	struct console con;
	struct loop loop;
};

static uint64_t fixture_now(void *ctx)
{
	struct test_platform *tp = ctx;
	return tp->platform.monotonic_ns(&tp->platform);
}

static void setup(struct console_fixture *f, const char *input, int closed)
{
	test_platform_init(&f->tp);
	f->tp.input = input;
	f->tp.input_closed = closed;
	console_init(&f->con, &f->tp.platform);
	loop_init(&f->loop, fixture_now, &f->tp);
}

struct readline_case {
	const char *input; /* UTF-8; \b backspace, \x7f delete, \x03 Ctrl-C, \n Enter */
	size_t len;        /* buffer size */
	int rc;
	const char *line;
	const char *echo;
};

static const struct readline_case readline_cases[] = {
	{"hello\n", 64, 5, "hello", "hello\n"},
	{"\n", 64, 0, "", "\n"},
	{"a b  c\n", 64, 6, "a b  c", "a b  c\n"},
	{"ab\bc\n", 64, 2, "ac", "ab\b \bc\n"},
	{"ab\x7f\x7fxy\n", 64, 2, "xy", "ab\b \b\b \bxy\n"},
	{"\b\bx\n", 64, 1, "x", "x\n"}, /* backspace on an empty line does nothing */
	{"x\b\b\n", 64, 0, "", "x\b \b\n"},
	/* backspace removes a whole multi-byte character: 2, 3 and 4 bytes */
	{"a\xc3\xa9\b\n", 64, 1, "a", "a\xc3\xa9\b \b\n"},
	{"a\xe2\x82\xac\bb\n", 64, 2, "ab", "a\xe2\x82\xac\b \bb\n"},
	{"\xf0\x9f\x98\x80z\b\b\n", 64, 0, "", "\xf0\x9f\x98\x80z\b \b\b \b\n"},
	{"\xc3\xa9\xc3\xa8\b\n", 64, 2, "\xc3\xa9", "\xc3\xa9\xc3\xa8\b \b\n"},
	/* Ctrl-C abandons the line */
	{"abc\x03", 64, -WBE_CANCELED, "", "abc^C\n"},
	{"\x03rest\n", 64, -WBE_CANCELED, "", "^C\n"},
	/* other control keys are ignored: tab, escape, Ctrl-B */
	{"a\tb\x1b\x02" "c\n", 64, 3, "abc", "abc\n"},
	/* the length bound: at most len - 1 bytes, further characters ignored (not echoed) */
	{"abcdefghij\n", 8, 7, "abcdefg", "abcdefg\n"},
	{"abcdefghij\bX\n", 8, 7, "abcdefX", "abcdefg\b \bX\n"},
	{"ab\xc3\xa9\n", 4, 2, "ab", "ab\n"},       /* a 2-byte character that does not fit */
	{"a\xe2\x82\xac\n", 5, 4, "a\xe2\x82\xac", "a\xe2\x82\xac\n"}, /* exactly fits */
	{"abc\n", 1, 0, "", "\n"},
};

TEST(console_readline_table)
{
	for (size_t i = 0; i < COUNT(readline_cases); i++) {
		const struct readline_case *c = &readline_cases[i];
		struct console_fixture f;
		setup(&f, c->input, 1);
		char buf[80];
		memset(buf, '#', sizeof(buf));
		int rc = console_readline(&f.con, &f.loop, buf, c->len);
		if (rc != c->rc || strcmp(buf, c->line) != 0 || strcmp(test_platform_output(&f.tp), c->echo) != 0)
			test_fail(__FILE__, __LINE__, "case %zu: rc %d line \"%s\" echo \"%s\"", i, rc, buf,
				  test_platform_output(&f.tp));
		CHECK_INT(buf[c->len], '#'); /* nothing written past @len bytes */
	}
}

/* Renders raw console output as a terminal would: '\b' moves the cursor left, text overwrites,
 * a blank at the end of the line is nothing. */
static void render(const char *raw, char *screen, size_t size)
{
	size_t cur = 0, len = 0;
	for (const char *p = raw; *p && *p != '\n'; p++) {
		if (*p == '\b') {
			cur -= cur > 0;
			continue;
		}
		if (cur < size - 1)
			screen[cur++] = *p;
		if (cur > len)
			len = cur;
	}
	while (len > 0 && screen[len - 1] == ' ')
		len--; /* erased cells are blank */
	screen[len] = '\0';
}

struct edit_case {
	int keys[16];
	const char *history[3];
	const char *initial;
	bool hidden;
	const char *line;   /* the returned line */
	const char *screen; /* what the terminal shows before the Enter */
};

#define END KEY_ENTER, 0
static const struct edit_case edit_cases[] = {
	/* cursor movement and insertion in the middle */
	{{'a', 'c', KEY_LEFT, 'b', END}, {0}, NULL, false, "abc", "abc"},
	{{'b', 'c', KEY_HOME, 'a', KEY_END, 'd', END}, {0}, NULL, false, "abcd", "abcd"},
	{{'a', 'b', 'c', KEY_LEFT, KEY_BACKSPACE, END}, {0}, NULL, false, "ac", "ac"},
	{{'a', KEY_LEFT, KEY_LEFT, KEY_RIGHT, KEY_RIGHT, 'b', END}, {0}, NULL, false, "ab", "ab"},
	/* history: Up recalls newest first, Down comes back to the typed draft */
	{{KEY_UP, END}, {"one", "two"}, NULL, false, "two", "two"},
	{{KEY_UP, KEY_UP, KEY_UP, END}, {"one", "two"}, NULL, false, "one", "one"},
	{{'x', KEY_UP, KEY_UP, KEY_DOWN, KEY_DOWN, END}, {"longer one", "two"}, NULL, false, "x", "x"},
	{{KEY_UP, 'X', END}, {"one"}, NULL, false, "oneX", "oneX"},
	{{KEY_UP, END}, {0}, NULL, false, "", ""}, /* no history: nothing happens */
	/* Ctrl-U clears; an initial value can be edited */
	{{'a', 'b', KEY_CTRL_U, 'c', END}, {0}, NULL, false, "c", "c"},
	{{KEY_BACKSPACE, 'X', END}, {0}, "value", false, "valuX", "valuX"},
	/* hidden input: stars, no cursor movement, no history */
	{{'p', 'w', KEY_LEFT, KEY_UP, '!', END}, {"old"}, NULL, true, "pw!", "***"},
	{{'p', 'w', KEY_BACKSPACE, END}, {0}, NULL, true, "p", "*"},
};

TEST(console_editline_keys)
{
	for (size_t i = 0; i < COUNT(edit_cases); i++) {
		const struct edit_case *c = &edit_cases[i];
		struct console_fixture f;
		setup(&f, NULL, 1);
		size_t nkeys = 0;
		while (c->keys[nkeys])
			nkeys++;
		f.tp.keys = c->keys;
		f.tp.keys_len = nkeys;
		struct line_history *h = line_history_create();
		REQUIRE(h != NULL);
		for (size_t k = 0; k < COUNT(c->history) && c->history[k]; k++)
			line_history_add(h, c->history[k]);
		struct line_edit edit = {h, c->initial, c->hidden};
		char buf[32], screen[64];
		int rc = console_editline(&f.con, &f.loop, buf, sizeof(buf), &edit);
		render(test_platform_output(&f.tp), screen, sizeof(screen));
		if (rc != (int)strlen(c->line) || strcmp(buf, c->line) != 0 || strcmp(screen, c->screen) != 0)
			test_fail(__FILE__, __LINE__, "case %zu: rc %d line \"%s\" screen \"%s\"", i, rc, buf, screen);
		line_history_destroy(h);
	}
}

TEST(console_history_bounds)
{
	struct line_history *h = line_history_create();
	REQUIRE(h != NULL);
	char line[16];
	for (int i = 0; i < LINE_HISTORY_MAX + 5; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		line_history_add(h, line);
		line_history_add(h, line); /* repeats are kept once */
	}
	line_history_add(h, "");
	/* Up LINE_HISTORY_MAX + 3 times stops at the oldest kept line */
	static int keys[LINE_HISTORY_MAX + 4];
	for (int i = 0; i < LINE_HISTORY_MAX + 3; i++)
		keys[i] = KEY_UP;
	keys[LINE_HISTORY_MAX + 3] = KEY_ENTER;
	struct console_fixture f;
	setup(&f, NULL, 1);
	f.tp.keys = keys;
	f.tp.keys_len = COUNT(keys);
	struct line_edit edit = {.history = h};
	char buf[32];
	CHECK_INT(console_editline(&f.con, &f.loop, buf, sizeof(buf), &edit), 4);
	CHECK_STR(buf, "cmd5");
	line_history_destroy(h);
	line_history_destroy(NULL);
}

TEST(console_readline_end_of_input)
{
	struct console_fixture f;
	char buf[16];
	/* closed before anything was typed */
	setup(&f, "", 1);
	memset(buf, '#', sizeof(buf));
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), -WBE_CONSOLE_EOF);
	CHECK_STR(buf, "");
	CHECK_STR(test_platform_output(&f.tp), "");
	/* closed in the middle of a line: the last line counts, then the end is reported */
	setup(&f, "first\nlast", 1);
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "first");
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "last");
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), -WBE_CONSOLE_EOF);
	CHECK_STR(buf, "");
	CHECK_STR(test_platform_output(&f.tp), "first\nlast\n");
	/* after the end, the platform is not asked again */
	unsigned reads = f.tp.key_reads;
	CHECK_INT(console_getkey(&f.con), -WBE_CONSOLE_EOF);
	CHECK_INT(f.tp.key_reads, reads);
	/* a zero-sized buffer is refused */
	setup(&f, "x\n", 1);
	CHECK_INT(console_readline(&f.con, &f.loop, buf, 0), -WBE_NOSPC);
}

/* A process that types a line after a few loop steps: readline keeps the loop running
 * while it waits for keys. */
struct typist {
	struct process proc;
	struct test_platform *tp;
	unsigned steps;
};

static void typist_step(struct process *p)
{
	struct typist *t = list_entry(p, struct typist, proc);
	if (++t->steps == 5)
		t->tp->input = "late\n";
}

TEST(console_readline_steps_loop_while_waiting)
{
	struct console_fixture f;
	setup(&f, NULL, 0);
	struct typist t = {.tp = &f.tp};
	t.proc.step = typist_step;
	t.proc.name = "typist";
	loop_add_process(&f.loop, &t.proc);
	char buf[16];
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "late");
	CHECK_INT(t.steps, 5);
	loop_remove_process(&f.loop, &t.proc);
}

TEST(console_interrupted_keeps_other_keys)
{
	struct console_fixture f;
	setup(&f, "ab\x03" "cd", 0);
	CHECK(console_interrupted(&f.con));
	CHECK(!console_interrupted(&f.con)); /* the Ctrl-C was consumed */
	static const int expect[] = {'a', 'b', 'c', 'd'};
	for (size_t i = 0; i < COUNT(expect); i++)
		CHECK_INT(console_getkey(&f.con), expect[i]);
	CHECK_INT(console_getkey(&f.con), -WBE_AGAIN);

	/* no Ctrl-C: everything stays queued, in order, behind keys queued earlier */
	setup(&f, "xy", 0);
	CHECK(!console_interrupted(&f.con));
	f.tp.input = "z\n";
	CHECK(!console_interrupted(&f.con));
	char buf[8];
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "xyz");

	/* two Ctrl-C in one batch count as one interruption */
	setup(&f, "\x03\x03q", 0);
	CHECK(console_interrupted(&f.con));
	CHECK_INT(console_getkey(&f.con), 'q');
	CHECK_INT(console_getkey(&f.con), -WBE_AGAIN);

	/* end of input: not an interruption, and reported after the queued keys */
	setup(&f, "k", 1);
	CHECK(!console_interrupted(&f.con));
	CHECK_INT(console_getkey(&f.con), 'k');
	CHECK_INT(console_getkey(&f.con), -WBE_CONSOLE_EOF);
}

TEST(console_interrupted_queue_bound)
{
	/* more keys than the queue holds: the first CONSOLE_PENDING_KEYS are kept, a Ctrl-C
	 * after them is still seen */
	char input[CONSOLE_PENDING_KEYS + 12];
	size_t n = 0;
	for (; n < CONSOLE_PENDING_KEYS + 10; n++)
		input[n] = (char)('A' + n % 26);
	input[n++] = '\x03';
	input[n] = '\0';
	struct console_fixture f;
	setup(&f, input, 0);
	CHECK(console_interrupted(&f.con));
	for (size_t i = 0; i < CONSOLE_PENDING_KEYS; i++)
		CHECK_INT(console_getkey(&f.con), 'A' + (int)(i % 26));
	CHECK_INT(console_getkey(&f.con), -WBE_AGAIN);
	/* the ring wraps around correctly */
	for (int round = 0; round < 3; round++) {
		f.tp.input = "0123456789";
		CHECK(!console_interrupted(&f.con));
		for (int i = 0; i < 10; i++)
			CHECK_INT(console_getkey(&f.con), '0' + i);
	}
}

TEST(console_output_and_truncation)
{
	struct console_fixture f;
	setup(&f, NULL, 0);
	console_puts(&f.con, "abc");
	console_write(&f.con, "defgh", 2);
	console_printf(&f.con, "[%d|%s]\n", -5, "x");
	CHECK_STR(test_platform_output(&f.tp), "abcde[-5|x]\n");
	test_platform_clear_output(&f.tp);

	/* exactly 511 characters fit in one line buffer; 512 are cut and marked */
	char text[600];
	memset(text, 'y', sizeof(text));
	text[511] = '\0';
	console_printf(&f.con, "%s", text);
	CHECK_INT(strlen(test_platform_output(&f.tp)), 511);
	test_platform_clear_output(&f.tp);
	text[511] = 'y';
	text[512] = '\0';
	console_printf(&f.con, "%s", text);
	CHECK_INT(strlen(test_platform_output(&f.tp)), 511 + strlen("...[truncated]\n"));
	CHECK_STR(test_platform_output(&f.tp) + 511, "...[truncated]\n");
	/* console_write has no limit */
	test_platform_clear_output(&f.tp);
	console_write(&f.con, text, 512);
	CHECK_INT(strlen(test_platform_output(&f.tp)), 512);
}
