/* script_test.c - tests for wireboot/script.h on a whole system (system_init on the test
 * platform): script structure, errors and their text, exit and the shell, and the built-in
 * commands end to end (set/show/clear, help, sleep, echo, debug, reboot, selftest). */
#include "wireboot/script.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/command.h"
#include "wireboot/errors.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct script_fixture {
	struct test_platform tp;
	struct system sys;
};

static int setup(struct script_fixture *f)
{
	test_platform_init(&f->tp);
	f->tp.input_closed = 1; /* a shell ends when the scripted input is used up */
	int rc = system_init(&f->sys, &f->tp.platform);
	test_platform_clear_output(&f->tp);
	return rc;
}

static void teardown(struct script_fixture *f)
{
	system_fini(&f->sys);
}

static int run(struct script_fixture *f, const char *text)
{
	test_platform_clear_output(&f->tp);
	return script_exec(&f->sys, text, strlen(text));
}

static const char *out(struct script_fixture *f)
{
	return test_platform_output(&f->tp);
}

#define UNKNOWN_LINE(cmd) cmd ": Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown\n"

struct script_case {
	const char *script;
	int rc;
	const char *output;
};

static const struct script_case script_cases[] = {
	{"", 0, ""},
	{"#!ipxe\n", 0, ""},
	{"#!ipxe\necho hi\n", 0, "hi\n"},
	{"#!ipxe\n# a comment\n\n   \n\t\necho one\n   # indented comment\necho two\n", 0, "one\ntwo\n"},
	{"echo no newline at the end", 0, "no newline at the end\n"},
	{"time echo timed\n", 0, "timed\necho: 0.000s\n"}, /* the test clock stands still */
	{"time nosuch\n", -WBE_CMD_UNKNOWN, "time: nosuch: no such command\ntime: Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown\n"},
	{"echo a\r\necho b\r\n", 0, "a\nb\n"}, /* CRLF line ends */
	{"  echo   spaced \t out  \n", 0, "spaced out\n"},
	{"echo a ; echo b; echo c", 0, "a\nb\nc\n"},
	/* a ';' inside a token is kept (URLs); one ending a token ends the command */
	{"echo a;b;c", 0, "a;b;c\n"},
	{"echo a;;echo b;", 0, "a;;echo b\n"},
	{";", 0, ""},
	{"echo -n a; echo -n b\necho", 0, "ab\n"},
	{"echo -- -n", 0, "-n\n"},
	{"echo a #comment", 0, "a\n"}, /* a token starting with '#' ends the line, as in iPXE */
	{"echo a#b", 0, "a#b\n"},
	/* unknown command: the error line, and the script stops */
	{"echo a\nfrobnicate x y\necho b\n", -WBE_CMD_UNKNOWN, "a\n" UNKNOWN_LINE("frobnicate")},
	/* after ';' the next command runs anyway; the line's status is the last command's */
	{"echo a; nope; echo b\necho c\n", 0, "a\n" UNKNOWN_LINE("nope") "b\nc\n"},
	{"echo a ; nope\necho c\n", -WBE_CMD_UNKNOWN, "a\n" UNKNOWN_LINE("nope")},
	/* a failing command stops the script; usage errors print the usage, not an error line */
	{"echo a\nclear\necho b\n", -WBE_CMD_USAGE, "a\nclear: missing argument\nusage: clear <[scope/]name>\n"},
	{"echo --bad\necho b", -WBE_CMD_USAGE, "echo: unknown option --bad\nusage: echo [-n] [text...]\n"},
	{"help --help", 0, "usage: help [command]\nList commands, or show one command's usage\n"},
	{"ifstat", 0, "ifstat: no network interfaces\n"},
	{"ifstat net0", -WBE_NOENT,
	 "ifstat: no interface \"net0\" (see ifstat)\nifstat: Error 0x0107 (no such object) - see docs/errors.md#wbe_noent\n"},
	/* exit */
	{"echo a\nexit\necho b\n", 0, "a\n"},
	{"exit 0; echo b", 0, ""},
	{"exit 3\necho b", -WBE_EXIT, ""},
	{"echo x; exit 4; echo y", -WBE_EXIT, "x\n"},
	{"exit 255", -WBE_EXIT, ""},
	{"exit 256\necho b", -WBE_CMD_USAGE, "exit: status must be a number 0..255\nusage: exit [status]\n"},
	{"exit x", -WBE_CMD_USAGE, "exit: status must be a number 0..255\nusage: exit [status]\n"},
	{"exit 1 2", -WBE_CMD_USAGE, "exit: unexpected argument 2\nusage: exit [status]\n"},
	/* sleep argument errors are usage errors */
	{"sleep x", -WBE_CMD_USAGE,
	 "sleep: \"x\" is not a number of seconds (0..86400)\nusage: sleep <seconds>\n"},
	{"sleep -1", -WBE_CMD_USAGE, "sleep: unknown option -1\nusage: sleep <seconds>\n"},
	{"sleep 86401", -WBE_CMD_USAGE,
	 "sleep: \"86401\" is not a number of seconds (0..86400)\nusage: sleep <seconds>\n"},
	{"sleep", -WBE_CMD_USAGE, "sleep: missing argument\nusage: sleep <seconds>\n"},
	{"sleep 0", 0, ""},
	/* debug */
	{"debug dhcp,tcp", 0, ""},
	{"debug a,,b", -WBE_INVAL,
	 "debug: \"a,,b\" is not a comma-separated list of at most 16 module names\n"
	 "debug: Error 0x0102 (invalid argument) - see docs/errors.md#wbe_inval\n"},
};

TEST(script_exec_table)
{
	for (size_t i = 0; i < COUNT(script_cases); i++) {
		const struct script_case *c = &script_cases[i];
		struct script_fixture f;
		REQUIRE(setup(&f) == 0);
		int rc = run(&f, c->script);
		if (rc != c->rc || strcmp(out(&f), c->output) != 0)
			test_fail(__FILE__, __LINE__, "script \"%s\": rc %d output \"%s\"; expected %d \"%s\"", c->script,
				  rc, out(&f), c->rc, c->output);
		CHECK(!f.sys.exit_requested); /* every script consumes its own exit */
		teardown(&f);
	}
}

TEST(script_exit_status)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	CHECK_INT(run(&f, "echo a\nexit 3\necho b\n"), -WBE_EXIT);
	CHECK_INT(f.sys.exit_status, 3);
	CHECK(!f.sys.exit_requested);
	CHECK_STR(out(&f), "a\n");
	/* the next script runs normally */
	CHECK_INT(run(&f, "echo again"), 0);
	CHECK_STR(out(&f), "again\n");
	CHECK_INT(run(&f, "exit"), 0);
	CHECK_INT(f.sys.exit_status, 0);
	teardown(&f);
}

TEST(script_shell_reads_input_until_exit)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	f.tp.input = "echo inside\nexit\n";
	CHECK_INT(run(&f, "echo before\nshell\necho after\n"), 0);
	/* `exit` left only the shell: the script went on */
	CHECK_STR(out(&f), "before\nwireboot> echo inside\ninside\nwireboot> exit\nafter\n");
	CHECK_INT(f.sys.shell_depth, 0);
	CHECK(!f.sys.exit_requested);
	teardown(&f);
}

TEST(script_shell_ends_at_end_of_input)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	f.tp.input = "echo x\nnope\necho y";
	CHECK_INT(run(&f, "shell\necho after"), 0);
	/* errors in the shell are printed, not fatal; the last line needs no newline */
	CHECK_STR(out(&f), "wireboot> echo x\nx\nwireboot> nope\n" UNKNOWN_LINE("nope") "wireboot> echo y\ny\n"
			   "wireboot> after\n");
	CHECK_INT(f.sys.shell_depth, 0);
	/* with the input already closed, a shell returns at once */
	CHECK_INT(run(&f, "shell"), 0);
	CHECK_STR(out(&f), "wireboot> ");
	teardown(&f);
}

TEST(script_shell_exit_status_and_nesting)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	/* an inner shell's exit returns to the outer shell only */
	f.tp.input = "shell\necho inner\nexit\necho outer\nexit\n";
	CHECK_INT(shell_run(&f.sys), 0);
	CHECK_STR(out(&f), "wireboot> shell\nwireboot> echo inner\ninner\nwireboot> exit\nwireboot> echo outer\n"
			   "outer\nwireboot> exit\n");
	CHECK_INT(f.sys.shell_depth, 0);

	/* `exit 5` in a shell: shell_run returns the status; as a command in a script it fails
	 * the script, like any failing command */
	test_platform_clear_output(&f.tp);
	f.tp.input = "exit 5\n";
	CHECK_INT(shell_run(&f.sys), -WBE_EXIT);
	CHECK_INT(f.sys.exit_status, 5);
	CHECK(!f.sys.exit_requested);
	f.tp.input = "exit 5\n";
	CHECK_INT(run(&f, "shell\necho after"), -WBE_EXIT);
	CHECK_STR(out(&f), "wireboot> exit 5\n");
	CHECK_INT(f.sys.exit_status, 5);

	/* Ctrl-C abandons the line being typed and prompts again */
	f.tp.input = "echo lost\x03" "echo kept\n";
	CHECK_INT(run(&f, "shell"), 0);
	CHECK_STR(out(&f), "wireboot> echo lost^C\nwireboot> echo kept\nkept\nwireboot> ");
	teardown(&f);
}

TEST(script_set_show_clear)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	static const struct script_case cases[] = {
		{"set greeting hello   wide world\nshow greeting", 0, "greeting = hello wide world\n"},
		{"set ip:ipv4 10.0.0.1\nshow ip\nshow ip:hex\nshow ip:uint32", 0,
		 "ip = 10.0.0.1\nip:hex = 0a:00:00:01\nip:uint32 = 167772161\n"},
		{"set ip 10.0.0.2; show ip", 0, "ip = 10.0.0.2\n"}, /* keeps its ipv4 type */
		{"set ip 10.0.0.256", -WBE_SETTING_TYPE,
		 "set: \"10.0.0.256\" is not a valid value for ip\n"
		 "set: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"show ip", 0, "ip = 10.0.0.2\n"},
		{"set n:uint8 300", -WBE_SETTING_TYPE,
		 "set: \"300\" is not a valid value for n:uint8\n"
		 "set: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"set n:int8 -128\nshow n\nshow n:hex", 0, "n = -128\nn:hex = 80\n"},
		{"set mac 52:54:00:12:34:56\nshow mac\nshow mac:hexhyp", 0,
		 "mac = 52:54:00:12:34:56\nmac:hexhyp = 52-54-00-12-34-56\n"},
		{"set mac 52-54-00-12-34-56", -WBE_SETTING_TYPE,
		 "set: \"52-54-00-12-34-56\" is not a valid value for mac\n"
		 "set: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"set empty\nshow empty", 0, "empty = \n"},
		{"show builtin/platform\nshow buildarch\nshow version", 0,
		 "builtin/platform = test\nbuildarch = testarch\nversion = " WIREBOOT_VERSION "\n"},
		{"set builtin/platform efi", -WBE_SETTING_READONLY,
		 "set: \"builtin/platform\" is read-only\n"
		 "set: Error 0x0304 (setting is read-only) - see docs/errors.md#wbe_setting_readonly\n"},
		{"clear builtin/version", -WBE_SETTING_READONLY,
		 "clear: \"builtin/version\" is read-only\n"
		 "clear: Error 0x0304 (setting is read-only) - see docs/errors.md#wbe_setting_readonly\n"},
		{"set nowhere/x 1", -WBE_SETTING_SCOPE,
		 "set: no settings scope for \"nowhere/x\"\n"
		 "set: Error 0x0303 (no such settings scope) - see docs/errors.md#wbe_setting_scope\n"},
		{"set x:nosuchtype 1", -WBE_SETTING_TYPE,
		 "set: \"x:nosuchtype\" names no known setting type\n"
		 "set: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"show x:nosuchtype", -WBE_SETTING_TYPE,
		 "show: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"set bad$name 1", -WBE_SETTING_NAME,
		 "set: \"bad$name\" is not a valid setting name\n"
		 "set: Error 0x0305 (malformed setting name) - see docs/errors.md#wbe_setting_name\n"},
		{"show nothing-here", -WBE_SETTING_UNKNOWN,
		 "show: \"nothing-here\" is not set\n"
		 "show: Error 0x0301 (no such setting) - see docs/errors.md#wbe_setting_unknown\n"},
		{"show greeting:ipv4", -WBE_SETTING_TYPE,
		 "show: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"clear greeting\nshow greeting", -WBE_SETTING_UNKNOWN,
		 "show: \"greeting\" is not set\n"
		 "show: Error 0x0301 (no such setting) - see docs/errors.md#wbe_setting_unknown\n"},
		{"clear greeting", 0, ""}, /* clearing what is not set is fine */
		{"set", -WBE_CMD_USAGE, "set: missing argument\nusage: set <[scope/]name[:type]> [value...]\n"},
		{"show a b", -WBE_CMD_USAGE, "show: unexpected argument b\nusage: show [[scope/]name[:type]]\n"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		int rc = run(&f, cases[i].script);
		if (rc != cases[i].rc || strcmp(out(&f), cases[i].output) != 0)
			test_fail(__FILE__, __LINE__, "script \"%s\": rc %d output \"%s\"; expected %d \"%s\"",
				  cases[i].script, rc, out(&f), cases[i].rc, cases[i].output);
	}
	/* `show` lists everything: the root first, then the scopes */
	CHECK_INT(run(&f, "show"), 0);
	CHECK_STR(out(&f), "ip:ipv4 = 10.0.0.2\n"
			   "n:int8 = -128\n"
			   "mac:hex = 52:54:00:12:34:56\n"
			   "empty:string = \n"
			   "builtin/platform:string = test\n"
			   "builtin/buildarch:string = testarch\n"
			   "builtin/version:string = " WIREBOOT_VERSION "\n"
			   "builtin/errno:string = 0x0202\n"); /* the last failure: a usage error */
	teardown(&f);
}

TEST(script_secret_settings)
{
	/* "password" is declared secret (by the DHCP module): its text is never shown */
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	REQUIRE(settings_is_secret("password"));
	CHECK(!settings_is_secret("username"));
	static const struct script_case cases[] = {
		{"set password hunter2\nshow password", 0, "password = <secret, 7 bytes>\n"},
		{"show password:string", 0, "password:string = <secret, 7 bytes>\n"},
		{"show password:hex", 0, "password:hex = <secret, 7 bytes>\n"},
		/* a type error does not echo the value */
		{"set password:ipv4 hunter3", -WBE_SETTING_TYPE,
		 "set: the value is not valid for password:ipv4\n"
		 "set: Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type\n"},
		{"show reverse-password", -WBE_SETTING_UNKNOWN,
		 "show: \"reverse-password\" is not set\n"
		 "show: Error 0x0301 (no such setting) - see docs/errors.md#wbe_setting_unknown\n"},
		{"set username alice\nshow username", 0, "username = alice\n"},
		{"show", 0, "password:string = <secret>\nusername:string = alice\n"
			    "builtin/platform:string = test\nbuiltin/buildarch:string = testarch\n"
			    "builtin/version:string = " WIREBOOT_VERSION "\n"
			    "builtin/errno:string = 0x0301\n"},
		{"clear password\nshow password", -WBE_SETTING_UNKNOWN,
		 "show: \"password\" is not set\n"
		 "show: Error 0x0301 (no such setting) - see docs/errors.md#wbe_setting_unknown\n"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		int rc = run(&f, cases[i].script);
		if (rc != cases[i].rc || strcmp(out(&f), cases[i].output) != 0)
			test_fail(__FILE__, __LINE__, "script \"%s\": rc %d output \"%s\"; expected %d \"%s\"",
				  cases[i].script, rc, out(&f), cases[i].rc, cases[i].output);
		CHECK(strstr(out(&f), "hunter") == NULL);
	}
	teardown(&f);
}

TEST(script_show_long_and_odd_values)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	/* a value longer than one printf buffer (511 bytes) is shown whole */
	char line[1000];
	memcpy(line, "set long ", 9);
	memset(line + 9, 'v', 900);
	line[909] = '\0';
	CHECK_INT(run(&f, line), 0);
	CHECK_INT(run(&f, "show long"), 0);
	CHECK_INT(strlen(out(&f)), strlen("long = ") + 900 + 1);
	CHECK(strncmp(out(&f), "long = vvv", 10) == 0);
	CHECK_INT(run(&f, "show"), 0);
	CHECK_INT(strlen(out(&f)), strlen("long:string = ") + 900 + 1 + strlen("builtin/platform:string = test\n"
										   "builtin/buildarch:string = testarch\n"
										   "builtin/version:string = " WIREBOOT_VERSION "\n"));
	/* a value that does not fit its type is described in the list, not shown */
	CHECK_INT(settings_scope_put(&f.sys.settings.root, "odd", &setting_type_ipv4, "\x01\x02", 2), 0);
	CHECK_INT(run(&f, "show"), 0);
	CHECK(strstr(out(&f), "\nodd:ipv4 = <value does not fit its type>\n") != NULL);
	teardown(&f);
}

TEST(script_help_lists_commands_alphabetically)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	CHECK_INT(run(&f, "help"), 0);
	/* expected: every registered command, sorted, as "  name         summary" */
	const struct command *sorted[128];
	size_t n = 0;
	for (const struct command *const *c = registry_commands; *c && n < COUNT(sorted); c++) {
		size_t k = n++;
		while (k > 0 && strcmp(sorted[k - 1]->name, (*c)->name) > 0) {
			sorted[k] = sorted[k - 1];
			k--;
		}
		sorted[k] = *c;
	}
	CHECK(n >= 13);
	char expect[16384];
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(expect + len, sizeof(expect) - len, "  %-12s %s\n", sorted[i]->name,
					sorted[i]->summary);
	CHECK_STR(out(&f), expect);
	/* spot checks independent of the sort above */
	static const char *const in_order[] = {"  clear        Remove a setting\n", "  debug ", "  echo ", "  exit ",
					       "  help ", "  set ", "  shell ", "  show ", "  sleep "};
	const char *prev = out(&f);
	for (size_t i = 0; i < COUNT(in_order); i++) {
		const char *at = strstr(out(&f), in_order[i]);
		CHECK(at != NULL && at >= prev);
		prev = at ? at : prev;
	}

	CHECK_INT(run(&f, "help echo"), 0);
	CHECK_STR(out(&f), "usage: echo [-n] [text...]\nPrint text\n");
	CHECK_INT(run(&f, "help nope"), -WBE_CMD_UNKNOWN);
	CHECK_STR(out(&f), "help: no command \"nope\"\n"
			   "help: Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown\n");
	teardown(&f);
}

TEST(script_sleep)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	f.tp.auto_advance_ns = 10 * NS_PER_MS;
	f.tp.input_closed = 0;
	uint64_t start = f.tp.now_ns;
	CHECK_INT(run(&f, "sleep 1"), 0);
	uint64_t slept = f.tp.now_ns - start;
	CHECK(slept >= NS_PER_SEC && slept < NS_PER_SEC + 50 * NS_PER_MS);
	CHECK_STR(out(&f), "");
	/* Ctrl-C cancels it; keys typed meanwhile stay for later */
	f.tp.input = "ab\x03";
	start = f.tp.now_ns;
	CHECK_INT(run(&f, "sleep 100\necho not reached"), -WBE_CANCELED);
	CHECK(f.tp.now_ns - start < NS_PER_SEC);
	CHECK_STR(out(&f), "sleep: Error 0x010a (operation cancelled) - see docs/errors.md#wbe_canceled\n");
	CHECK_INT(console_getkey(&f.sys.console), 'a');
	CHECK_INT(console_getkey(&f.sys.console), 'b');
	teardown(&f);
}

TEST(script_line_bounds)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	/* a 1023-byte line is fine: "echo " and 1018 x */
	char *text = wb_malloc(3 * SCRIPT_LINE_MAX);
	REQUIRE(text);
	size_t n = 0;
	n += (size_t)snprintf(text, 16, "echo ");
	memset(text + n, 'x', SCRIPT_LINE_MAX - 1 - n);
	n = SCRIPT_LINE_MAX - 1;
	text[n] = '\0';
	CHECK_INT(script_exec(&f.sys, text, n), 0);
	CHECK_INT(strlen(out(&f)), SCRIPT_LINE_MAX - 1 - 5 + 1);
	CHECK_INT(script_exec_line(&f.sys, text), 0);

	/* one byte more, as line 2 of a script */
	test_platform_clear_output(&f.tp);
	memcpy(text, "echo a\n", 7);
	memcpy(text + 7, "echo ", 5);
	memset(text + 12, 'y', SCRIPT_LINE_MAX - 5);
	n = 7 + SCRIPT_LINE_MAX;
	memcpy(text + n, "\necho b\n", 9);
	CHECK_INT(script_exec(&f.sys, text, strlen(text)), -WBE_CMD_LINE_TOO_LONG);
	CHECK_STR(out(&f), "a\nscript: line 2 is longer than 1023 bytes\n");
	/* script_exec_line refuses it too */
	test_platform_clear_output(&f.tp);
	text[n] = '\0';
	CHECK_INT(script_exec_line(&f.sys, text + 7), -WBE_CMD_LINE_TOO_LONG);
	CHECK_STR(out(&f), "script: Error 0x0203 (command line too long) - see docs/errors.md#wbe_cmd_line_too_long\n");
	wb_free(text);

	/* SCRIPT_ARGS_MAX arguments in all; one more is refused */
	char line[512];
	size_t len = (size_t)snprintf(line, sizeof(line), "echo");
	for (int i = 1; i < SCRIPT_ARGS_MAX; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %d", i % 10);
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec_line(&f.sys, line), 0);
	snprintf(line + len, sizeof(line) - len, " z");
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec_line(&f.sys, line), -WBE_CMD_TOO_MANY_ARGS);
	CHECK_STR(out(&f), "echo: Error 0x0204 (too many arguments on a command line) - see "
			   "docs/errors.md#wbe_cmd_too_many_args\n");
	teardown(&f);
}

TEST(script_nul_byte_rejected)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	static const char text[] = "echo a\necho b\0c\necho d\n";
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec(&f.sys, text, sizeof(text) - 1), -WBE_INVAL);
	CHECK_STR(out(&f), "a\nscript: line 2 contains a NUL byte\n");
	/* a NUL in a comment line is refused as well: the line is checked before anything */
	static const char comment[] = "# x\0y\necho no\n";
	test_platform_clear_output(&f.tp);
	CHECK_INT(script_exec(&f.sys, comment, sizeof(comment) - 1), -WBE_INVAL);
	CHECK_STR(out(&f), "script: line 1 contains a NUL byte\n");
	/* only @len bytes are read: a script need not be NUL-terminated */
	static const char unterminated[4] = {'e', 'x', 'i', 't'};
	CHECK_INT(script_exec(&f.sys, unterminated, sizeof(unterminated)), 0);
	teardown(&f);
}

TEST(script_other_commands)
{
	struct script_fixture f;
	REQUIRE(setup(&f) == 0);
	CHECK_INT(run(&f, "debug dhcp"), 0);
	CHECK(log_debug_enabled(&f.sys.log, "dhcp"));
	CHECK_INT(run(&f, "debug off"), 0);
	CHECK(!log_debug_enabled(&f.sys.log, "dhcp"));

	CHECK_INT(run(&f, "reboot"), -WBE_NOTSUP);
	CHECK_INT(f.tp.reset_calls, 1);
	CHECK_STR(out(&f), "reboot: the test platform cannot do this\n"
			   "reboot: Error 0x0106 (operation not supported on this platform) - see "
			   "docs/errors.md#wbe_notsup\n");
	CHECK_INT(run(&f, "poweroff now"), -WBE_CMD_USAGE);
	CHECK_INT(f.tp.reset_calls, 1);
	/* a platform without the operation at all (found by fuzz/script_fuzz: it crashed) */
	f.tp.platform.reset = NULL;
	CHECK_INT(run(&f, "poweroff"), -WBE_NOTSUP);
	CHECK(strstr(out(&f), "poweroff: the test platform cannot do this\n") != NULL);

	CHECK_INT(run(&f, "selftest"), 0);
	const char *first = "selftest: sha256 ok\nselftest: aes-gcm (portable constant-time) ok\n";
	CHECK(strncmp(out(&f), first, strlen(first)) == 0);
	CHECK(strstr(out(&f), "FAILED") == NULL);
	teardown(&f);
}

TEST(script_system_init_alloc_failures)
{
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct script_fixture f;
		int rc = setup(&f);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			continue;
		}
		teardown(&f);
	}
}

TEST(script_commands_alloc_failures)
{
	/* every command path frees what it allocated when an allocation fails */
	static const char *const scripts[] = {
		"set a:ipv4 10.0.0.1", "set b hello world", "show", "show version", "clear a", "set mac 00:11",
	};
	for (size_t s = 0; s < COUNT(scripts); s++) {
		struct script_fixture f;
		REQUIRE(setup(&f) == 0);
		FOR_EACH_ALLOC_FAILURE(i)
		{
			int rc = run(&f, scripts[s]);
			CHECK(rc == 0 || rc == -WBE_NOMEM);
			if (rc)
				CHECK(strstr(out(&f), "Error 0x0101 (out of memory)") != NULL);
		}
		teardown(&f);
	}
}
