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

TEST(console_readline_special_keys)
{
	/* keys beyond the Unicode range (arrows) and the Enter key code itself */
	static const int keys[] = {'a', KEY_UP, KEY_LEFT, 'b', KEY_HOME, KEY_ENTER};
	struct console_fixture f;
	setup(&f, NULL, 1);
	f.tp.keys = keys;
	f.tp.keys_len = COUNT(keys);
	char buf[16];
	CHECK_INT(console_readline(&f.con, &f.loop, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "ab");
	CHECK_STR(test_platform_output(&f.tp), "ab\n");
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
