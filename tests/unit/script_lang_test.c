/* script_lang_test.c - the iPXE script language on a whole system: command separators and
 * their status rules, labels and goto, ${...} expansion with types and nesting, errno,
 * continuation lines, the condition commands, prompt/read/inc/login with scripted keys, and a
 * corpus of real-world-style scripts (flow control only; downloads are tested elsewhere). */
#include "wireboot/script.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/expand.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct lang_case {
	const char *script;
	int rc;
	const char *output;
};

static void run_cases(const struct lang_case *cases, size_t n, const char *keys_input)
{
	for (size_t i = 0; i < n; i++) {
		struct test_platform tp;
		struct system sys;
		test_platform_init(&tp);
		tp.input = keys_input;
		tp.input_closed = 1;
		REQUIRE(system_init(&sys, &tp.platform) == 0);
		test_platform_clear_output(&tp);
		int rc = script_exec(&sys, cases[i].script, strlen(cases[i].script));
		if (rc != cases[i].rc || strcmp(test_platform_output(&tp), cases[i].output) != 0)
			test_fail(__FILE__, __LINE__, "script \"%s\": rc %d output \"%s\"; expected %d \"%s\"",
				  cases[i].script, rc, test_platform_output(&tp), cases[i].rc, cases[i].output);
		CHECK(sys.script == NULL);
		system_fini(&sys);
	}
}

#define NO_LABEL(l) "goto: no label \":" l "\" in this script\n"
#define LABEL_ERROR "goto: Error 0x0f02 (no such label in the script) - see docs/errors.md#wbe_script_label\n"
#define CANCELLED(cmd) cmd ": Error 0x010a (operation cancelled) - see docs/errors.md#wbe_canceled\n"

static const struct lang_case separator_cases[] = {
	/* || runs the next command only after a failure, && only after success */
	{"isset ${nothing} || echo unset", 0, "unset\n"},
	{"isset x || echo unset", 0, ""},
	{"isset x && echo set", 0, "set\n"},
	{"isset ${nothing} && echo set", -WBE_SCRIPT_FALSE, ""}, /* the failure stops the script */
	{"isset ${nothing} && echo set\necho after", -WBE_SCRIPT_FALSE, ""},
	/* a skipped command keeps the previous status: iPXE's chains */
	{"iseq a b && echo one || echo two", 0, "two\n"},
	{"iseq a a && echo one || echo two", 0, "one\n"},
	{"iseq a b || iseq c d || echo neither", 0, "neither\n"},
	{"iseq a b ; echo always", 0, "always\n"},
	{"echo a && echo b && echo c", 0, "a\nb\nc\n"},
	/* exit statuses flow through || and && */
	{"exit 3 || echo not reached", -WBE_EXIT, ""},
	{"echo x # iseq a b || echo hidden", 0, "x\n"},
	{"# whole-line comment ; echo hidden", 0, ""},
	{"#!ipxe\necho header", 0, "header\n"},
};

static const struct lang_case goto_cases[] = {
	{"goto end\necho skipped\n:end\necho done", 0, "done\n"},
	/* a backward goto with a counter: a loop */
	{"set i 0\n:loop\ninc i\niseq ${i} 3 || goto loop\necho i=${i}", 0, "i=3\n"},
	/* goto ends the rest of its line */
	{"goto x ; echo no\n:x\necho yes", 0, "yes\n"},
	{"goto nowhere\necho no", -WBE_SCRIPT_LABEL, NO_LABEL("nowhere") LABEL_ERROR},
	{"goto nowhere || echo handled", 0, NO_LABEL("nowhere") LABEL_ERROR "handled\n"},
	/* labels in the first column only; CRLF scripts work */
	{"goto a\r\necho no\r\n:a\r\necho yes\r\n", 0, "yes\n"},
	{"goto a\n :a\necho no", -WBE_SCRIPT_LABEL, NO_LABEL("a") LABEL_ERROR},
	/* a label line is never run as a command */
	{":start\necho once", 0, "once\n"},
	/* computed goto, the usual menu-free dispatch */
	{"set target b\ngoto ${target}\n:a\necho a\nexit\n:b\necho b\nexit", 0, "b\n"},
	{"goto", -WBE_CMD_USAGE, "goto: missing argument\nusage: goto <label>\n"},
};

static const struct lang_case expansion_cases[] = {
	{"set x hello\necho ${x} world", 0, "hello world\n"},
	{"echo [${unset}]", 0, "[]\n"},                     /* unknown settings expand empty */
	{"set v a b  c\necho [${v}]", 0, "[a b c]\n"},      /* set joins words with one space */
	{"set v two words\nisset ${v} && echo ok", 0, "ok\n"}, /* still one argument */
	/* nested, innermost first */
	{"set i 1\nset ip1 10.0.0.1\necho ${ip${i}}", 0, "10.0.0.1\n"},
	{"set a b\nset b c\nset c d\necho ${${${a}}}", 0, "d\n"},
	/* types */
	{"set m:hex 52:54:00:ab:cd:ef\necho ${m:hexhyp} ${m:hexraw} ${m}", 0,
	 "52-54-00-ab-cd-ef 525400abcdef 52:54:00:ab:cd:ef\n"},
	{"set s hello\necho ${s:hex} ${s:base64}", 0, "68:65:6c:6c:6f aGVsbG8=\n"},
	{"set p a b/c?d=e&f\necho ${p:uristring}", 0, "a%20b%2Fc%3Fd%3De%26f\n"},
	{"set n:uint16 258\necho ${n:hex} ${n:int32}", 0, "01:02 258\n"},
	{"set ip 192.168.1.2\necho ${ip:hexraw} ${ip:ipv4}", 0, "c0a80102 192.168.1.2\n"},
	{"echo [${no-such-scope/y}] [${x:no-such-type}]", 0, "[] []\n"},
	{"set b:base64 aGk=\necho ${b:string}", 0, "hi\n"},
	/* scoped names */
	{"echo ${builtin/platform}", 0, "test\n"},
	/* unclosed and lone dollars stay */
	{"echo $ ${ ${x a}", 0, "$ ${ ${x a}\n"},
	{"echo cost$5", 0, "cost$5\n"},
	/* errno: the last failure's code */
	{"nope || echo ${errno}", 0, "nope: Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown\n0x0201\n"},
	{"isset ${x} || echo ${errno}", 0, "0x0f04\n"},
	/* a self-referencing value is bounded */
	{"set a ${a}\necho ok", 0, "ok\n"},
};

static const struct lang_case continuation_cases[] = {
	{"echo one \\\ntwo \\\nthree", 0, "one two three\n"},
	{"echo a\\\n\\\nb", 0, "ab\n"},
	{"echo end\\", 0, "end\\\n"}, /* a backslash on the last line has nothing to join */
	{"echo a \\\r\nb\r\n", 0, "a b\n"},
};

static const struct lang_case command_cases[] = {
	{"isset", -WBE_CMD_USAGE, "isset: missing argument\nusage: isset <value>\n"},
	{"iseq a", -WBE_CMD_USAGE, "iseq: missing argument\nusage: iseq <value1> <value2>\n"},
	{"inc n\ninc n 5\ninc n -2\necho ${n}", 0, "4\n"},
	{"set n:uint8 7\ninc n\necho ${n}", 0, "8\n"},
	{"set n:uint8 255\ninc n", -WBE_SETTING_TYPE,
	 "inc: \"256\" is not a valid value for n\n"
	 "inc: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
	{"set s text\ninc s", -WBE_SETTING_TYPE,
	 "inc: s is not a number\ninc: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
	{"inc n x", -WBE_CMD_USAGE, "inc: \"x\" is not a number\nusage: inc <[scope/]name> [increment]\n"},
	{"prompt --key", -WBE_CMD_USAGE, "prompt: missing value for --key\nusage: prompt [--key <key>] [--timeout <ms>] [text...]\n"},
	{"prompt --key ab x", -WBE_CMD_USAGE,
	 "prompt: \"ab\" is not a key (a character, ^X or a number)\nusage: prompt [--key <key>] [--timeout <ms>] [text...]\n"},
};

TEST(script_separators)
{
	run_cases(separator_cases, COUNT(separator_cases), NULL);
}

TEST(script_goto_and_labels)
{
	run_cases(goto_cases, COUNT(goto_cases), NULL);
}

TEST(script_expansion)
{
	run_cases(expansion_cases, COUNT(expansion_cases), NULL);
}

TEST(script_continuation_lines)
{
	run_cases(continuation_cases, COUNT(continuation_cases), NULL);
}

TEST(script_condition_and_counter_commands)
{
	run_cases(command_cases, COUNT(command_cases), NULL);
}

static const struct lang_case key_cases[] = {
	/* prompt: any key; the right --key; a wrong key is a failure (iPXE: cancelled) */
	{"prompt Go\necho went", 0, "Go\nwent\n"},
	{"prompt --key s Press s || echo other", 0, "Press s\n"},
	{"prompt --key ^B Ctrl-B || echo other", 0, "Ctrl-B\n" CANCELLED("prompt") "other\n"},
};

TEST(script_prompt_keys)
{
	run_cases(&key_cases[0], 1, "x");
	run_cases(&key_cases[1], 1, "s");
	run_cases(&key_cases[2], 1, "q");
	static const struct lang_case ctrl_b = {"prompt --key ^B Ctrl-B || echo other\necho ok", 0, "Ctrl-B\nok\n"};
	run_cases(&ctrl_b, 1, "\x02");
	static const struct lang_case number = {"prompt --key 0x41 A && echo yes", 0, "A\nyes\n"};
	run_cases(&number, 1, "A");
}

TEST(script_prompt_timeout)
{
	/* no key typed (input stays open): the timeout ends the prompt with its own status */
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	tp.auto_advance_ns = NS_PER_MS; /* time passes while the loop waits */
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	test_platform_clear_output(&tp);
	static const char script[] = "prompt --timeout 50 Waiting || echo ${errno}";
	CHECK_INT(script_exec(&sys, script, strlen(script)), 0);
	CHECK_STR(test_platform_output(&tp), "Waiting\nprompt: Error 0x0105 (operation timed out) - see "
					     "docs/errors.md#wbe_timedout\n0x0105\n");
	system_fini(&sys);
}

TEST(script_read_and_login)
{
	/* read edits the current value: two backspaces and new text */
	static const struct lang_case read = {"set host old-name\nread host\necho [${host}]", 0,
					      "old-name\b \b\b \bNEW\n[old-naNEW]\n"};
	run_cases(&read, 1, "\b\bNEW\n");
	/* login: the username is echoed, the password only as stars, and it is stored */
	static const struct lang_case login = {"login\necho ${username}\nshow password", 0,
					       "Username: alice\nPassword: *******\nalice\npassword = <secret, 7 bytes>\n"};
	run_cases(&login, 1, "alice\nhunter2\n");
	/* Ctrl-C cancels */
	static const struct lang_case cancel = {"read host || echo cancelled", 0, "ab^C\n" CANCELLED("read") "cancelled\n"};
	run_cases(&cancel, 1, "ab\x03");
}

/* Real-world-style scripts (flow control as people write it around their boot commands). */
static const struct lang_case corpus[] = {
	/* retry loop with a bounded counter and a fallback */
	{"#!ipxe\n"
	 "set attempts 0\n"
	 ":retry\n"
	 "inc attempts\n"
	 "iseq ${attempts} 4 && goto failed ||\n"
	 "isset ${ready} || goto retry\n"
	 ":failed\n"
	 "echo gave up after ${attempts} attempts\n"
	 "exit 1\n",
	 -WBE_EXIT, "gave up after 4 attempts\n"},
	/* per-platform dispatch on builtin settings */
	{"#!ipxe\n"
	 "goto ${builtin/platform}\n"
	 ":efi\n"
	 "echo efi path\n"
	 "goto done\n"
	 ":test\n"
	 "echo test-platform path\n"
	 ":done\n"
	 "echo done\n",
	 0, "test-platform path\ndone\n"},
	/* defaults for unset settings, the `isset || set` idiom */
	{"#!ipxe\n"
	 "isset ${server} || set server 10.0.0.1\n"
	 "isset ${port} || set port 3260\n"
	 "set root-path iscsi:${server}::${port}:0:iqn.2026-11.test:disk\n"
	 "echo ${root-path}\n",
	 0, "iscsi:10.0.0.1::3260:0:iqn.2026-11.test:disk\n"},
	/* a chained condition with a fallback message, then a clean exit */
	{"#!ipxe\n"
	 "set mac:hex 02:00:00:00:00:01\n"
	 "iseq ${mac:hexhyp} 02-00-00-00-00-01 && echo known host || echo unknown host\n"
	 "exit 0\n"
	 "echo not reached\n",
	 0, "known host\n"},
	/* an unhandled failure stops the script at once */
	{"#!ipxe\necho start\nnot-a-command\necho not reached\n", -WBE_CMD_UNKNOWN,
	 "start\nnot-a-command: Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown\n"},
};

TEST(script_corpus)
{
	run_cases(corpus, COUNT(corpus), NULL);
}

TEST(script_goto_outside_a_script)
{
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	tp.input = "goto x\nexit\n";
	tp.input_closed = 1;
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	CHECK_INT(script_exec_line(&sys, "goto x"), -WBE_SCRIPT_NOT_IN_SCRIPT);
	/* and inside a shell started by a script, goto does not move the script */
	static const char script[] = "shell\necho after\n:x\necho x\n";
	CHECK_INT(script_exec(&sys, script, strlen(script)), 0);
	CHECK(strstr(test_platform_output(&tp), "goto: labels exist only in scripts\n") != NULL);
	CHECK(strstr(test_platform_output(&tp), "after\nx\n") != NULL);
	system_fini(&sys);
}

TEST(script_depth_limit)
{
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	struct script_run runs[SCRIPT_DEPTH_MAX];
	for (int i = 0; i < SCRIPT_DEPTH_MAX; i++) {
		runs[i] = (struct script_run){"", 0, 0, sys.script};
		sys.script = &runs[i];
	}
	CHECK_INT(script_exec(&sys, "echo x", 6), -WBE_SCRIPT_DEPTH);
	sys.script = NULL;
	system_fini(&sys);
}

TEST(expand_bounds)
{
	struct test_platform tp;
	struct system sys;
	test_platform_init(&tp);
	REQUIRE(system_init(&sys, &tp.platform) == 0);
	char out[32];
	CHECK_INT(expand_settings(&sys.settings, "plain", out, sizeof(out)), 5);
	CHECK_INT(expand_settings(&sys.settings, "0123456789012345678901234567890123", out, sizeof(out)),
		  -WBE_SCRIPT_EXPANSION);
	REQUIRE(settings_store_text(&sys.settings, "long", "0123456789012345678901234567890123") == 0);
	CHECK_INT(expand_settings(&sys.settings, "${long}", out, sizeof(out)), -WBE_SCRIPT_EXPANSION);
	/* a value naming itself: bounded by the step limit */
	REQUIRE(settings_store_text(&sys.settings, "a", "${a}") == 0);
	CHECK_INT(expand_settings(&sys.settings, "${a}", out, sizeof(out)), -WBE_SCRIPT_EXPANSION);
	/* exactly fits */
	CHECK_INT(expand_settings(&sys.settings, "${b}012345678901234567890123456", out, sizeof(out)), 27);
	REQUIRE(settings_store_text(&sys.settings, "four", "4444") == 0);
	CHECK_INT(expand_settings(&sys.settings, "${four}012345678901234567890123", out, sizeof(out)), 28);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		int rc = expand_settings(&sys.settings, "x${long}", out, sizeof(out));
		CHECK(rc == -WBE_NOMEM || rc == -WBE_SCRIPT_EXPANSION);
	}
	system_fini(&sys);
}

TEST(system_run_offers_the_shell)
{
	static const char script[] = "echo the embedded script ran\n";
	/* no waiting for the key: the script runs at once (the clock ends where it ends without
	 * the offer), and it runs to its end */
	struct test_platform tp;
	test_platform_init(&tp);
	tp.auto_advance_ns = NS_PER_MS;
	int code = -1;
	CHECK_INT(system_run(&tp.platform, script, strlen(script), &code), 0);
	uint64_t without_offer_ns = tp.now_ns;
	test_platform_init(&tp);
	tp.platform.shell_key = true;
	tp.auto_advance_ns = NS_PER_MS;
	tp.input = "x";
	CHECK_INT(system_run(&tp.platform, script, strlen(script), &code), 0);
	CHECK_INT(code, 0);
	CHECK(strstr(test_platform_output(&tp), "Press Ctrl-B for the wireboot command line...\n"
					      "the embedded script ran\n") != NULL);
	CHECK_INT(tp.now_ns, without_offer_ns);
	/* Ctrl-B during a command that waits: it is cancelled, nothing else of the script runs
	 * (not the `|| echo` of its line, not the next line), and the shell opens */
	static const char waits[] = "sleep 5 || echo after the sleep\necho next line\n";
	test_platform_init(&tp);
	tp.platform.shell_key = true;
	tp.auto_advance_ns = NS_PER_MS;
	tp.input = "\x02" "echo in the shell\nexit\n";
	tp.input_closed = 1;
	CHECK_INT(system_run(&tp.platform, waits, strlen(waits), &code), 0);
	CHECK_INT(code, 0);
	const char *out = test_platform_output(&tp);
	CHECK(strstr(out, "Ctrl-B: the boot script was stopped\n") != NULL);
	CHECK(strstr(out, "in the shell\n") != NULL);
	CHECK(strstr(out, "after the sleep") == NULL);
	CHECK(strstr(out, "next line") == NULL);
	CHECK(tp.now_ns < 5 * NS_PER_SEC); /* the sleep did not run out */
	/* Ctrl-B typed during a line that does not wait: the next line does not run */
	static const char quick[] = "echo first\necho second\n";
	test_platform_init(&tp);
	tp.platform.shell_key = true;
	tp.input = "\x02" "exit\n";
	tp.input_closed = 1;
	CHECK_INT(system_run(&tp.platform, quick, strlen(quick), &code), 0);
	out = test_platform_output(&tp);
	CHECK(strstr(out, "first\n") != NULL);
	CHECK(strstr(out, "second") == NULL);
	CHECK(strstr(out, "Ctrl-B: the boot script was stopped\n") != NULL);
	/* in the shell Ctrl-B is an ordinary key; without the offer it is one in the script too */
	static const char to_shell[] = "shell\necho after the shell\n";
	test_platform_init(&tp);
	tp.platform.shell_key = true;
	tp.input = "\x02" "exit\n";
	tp.input_closed = 1;
	CHECK_INT(system_run(&tp.platform, to_shell, strlen(to_shell), &code), 0);
	CHECK(strstr(test_platform_output(&tp), "after the shell\n") != NULL);
	CHECK(strstr(test_platform_output(&tp), "Ctrl-B:") == NULL);
	test_platform_init(&tp);
	tp.input = "\x02";
	CHECK_INT(system_run(&tp.platform, quick, strlen(quick), &code), 0);
	CHECK(strstr(test_platform_output(&tp), "second\n") != NULL);
	CHECK(strstr(test_platform_output(&tp), "Press Ctrl-B") == NULL);
}

TEST(script_goto_loop_yields_to_ctrl_c)
{
	/* an endless loop that never waits: Ctrl-C still ends it at the next backward jump */
	static const struct lang_case loop = {"echo start\n:again\ngoto again\necho not reached", -WBE_CANCELED,
					      "start\nscript: interrupted (Ctrl-C) at line 3\n"};
	run_cases(&loop, 1, "\x03");
}
