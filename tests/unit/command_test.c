/* command_test.c - tests for wireboot/command.h: the shared option parser (long, long=value,
 * short, "--", errors and --help) on a local command, and the command table. */
#include "wireboot/command.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* not registered: options_parse() only needs its name, usage and summary */
static const struct command cmd_tst = {"tst", "tst [-v] [-n name] [--count n] <arg> [arg]", "A test command",
				       NULL};

static const struct option_spec specs[] = {
	{"verbose", 'v', OPTION_FLAG},
	{"name", 'n', OPTION_VALUE},
	{"count", 0, OPTION_VALUE},
	{"dry-run", 0, OPTION_FLAG},
};

#define USAGE_LINE "usage: tst [-v] [-n name] [--count n] <arg> [arg]\n"

struct option_case {
	const char *line; /* split at spaces into argv */
	int rc;
	const char *present; /* "v" verbose, "n" name, "c" count, "d" dry-run */
	const char *name, *count;
	int first_arg;
	bool help;
	const char *output;
};

static const struct option_case option_cases[] = {
	{"tst a", 0, "", NULL, NULL, 1, false, ""},
	{"tst a b", 0, "", NULL, NULL, 1, false, ""},
	{"tst -v a", 0, "v", NULL, NULL, 2, false, ""},
	{"tst --verbose a", 0, "v", NULL, NULL, 2, false, ""},
	{"tst -v -v a", 0, "v", NULL, NULL, 3, false, ""},
	{"tst --name foo a", 0, "n", "foo", NULL, 3, false, ""},
	{"tst --name=foo a", 0, "n", "foo", NULL, 2, false, ""},
	{"tst --name= a", 0, "n", "", NULL, 2, false, ""},
	{"tst --name=a=b a", 0, "n", "a=b", NULL, 2, false, ""},
	{"tst -n foo a", 0, "n", "foo", NULL, 3, false, ""},
	{"tst --name x --name y a", 0, "n", "y", NULL, 5, false, ""}, /* the last one wins */
	{"tst --name -v a", 0, "n", "-v", NULL, 3, false, ""},          /* a value may look like an option */
	{"tst --count 3 --dry-run a", 0, "cd", NULL, "3", 4, false, ""},
	{"tst -v --name=z --count=9 --dry-run a b", 0, "vncd", "z", "9", 5, false, ""},
	{"tst -- -v", 0, "", NULL, NULL, 2, false, ""},
	{"tst -v -- --name x", 0, "v", NULL, NULL, 3, false, ""},
	{"tst - a", 0, "", NULL, NULL, 1, false, ""},   /* "-" alone is an argument */
	{"tst a -v", 0, "", NULL, NULL, 1, false, ""},  /* options end at the first argument */
	{"tst a --help", 0, "", NULL, NULL, 1, false, ""},
	{"tst --help", 0, "", NULL, NULL, 1, true, USAGE_LINE "A test command\n"},
	{"tst -h", 0, "", NULL, NULL, 1, true, USAGE_LINE "A test command\n"},
	{"tst -v --help a b c d", 0, "v", NULL, NULL, 1, true, USAGE_LINE "A test command\n"},
	{"tst --bogus a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unknown option --bogus\n" USAGE_LINE},
	{"tst -x a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unknown option -x\n" USAGE_LINE},
	{"tst -vn a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unknown option -vn\n" USAGE_LINE},
	{"tst --verb a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unknown option --verb\n" USAGE_LINE},
	{"tst --=x a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unknown option --=x\n" USAGE_LINE},
	{"tst --name", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: missing value for --name\n" USAGE_LINE},
	{"tst a -n", 0, "", NULL, NULL, 1, false, ""},
	{"tst -n", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: missing value for -n\n" USAGE_LINE},
	{"tst --verbose=1 a", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false,
	 "tst: option takes no value: --verbose=1\n" USAGE_LINE},
	{"tst", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: missing argument\n" USAGE_LINE},
	{"tst -v", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: missing argument\n" USAGE_LINE},
	{"tst --", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: missing argument\n" USAGE_LINE},
	{"tst a b c", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unexpected argument c\n" USAGE_LINE},
	{"tst -v a b c d", -WBE_CMD_USAGE, NULL, NULL, NULL, 0, false, "tst: unexpected argument c\n" USAGE_LINE},
};

/* Just enough of a system for options_parse(): its console. */
struct command_fixture {
	struct test_platform tp;
	struct system sys;
};

static void setup(struct command_fixture *f)
{
	test_platform_init(&f->tp);
	memset(&f->sys, 0, sizeof(f->sys));
	f->sys.platform = &f->tp.platform;
	console_init(&f->sys.console, &f->tp.platform);
}

static int split(char *line, char **argv, int max)
{
	int argc = 0;
	for (char *tok = strtok(line, " "); tok && argc < max; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

TEST(command_options_table)
{
	for (size_t i = 0; i < COUNT(option_cases); i++) {
		const struct option_case *c = &option_cases[i];
		struct command_fixture f;
		setup(&f);
		char line[128];
		char *argv[16];
		snprintf(line, sizeof(line), "%s", c->line);
		int argc = split(line, argv, 15);
		struct parsed_options opts;
		memset(&opts, 0x5a, sizeof(opts)); /* options_parse must set every field */
		int rc = options_parse(&f.sys, &cmd_tst, specs, COUNT(specs), argc, argv, 1, 2, &opts);
		if (rc != c->rc) {
			test_fail(__FILE__, __LINE__, "\"%s\": rc %d, expected %d", c->line, rc, c->rc);
			continue;
		}
		if (strcmp(test_platform_output(&f.tp), c->output) != 0)
			test_fail(__FILE__, __LINE__, "\"%s\": printed \"%s\", expected \"%s\"", c->line,
				  test_platform_output(&f.tp), c->output);
		if (rc)
			continue;
		CHECK_INT(opts.help, c->help);
		if (c->help)
			continue;
		static const char letters[] = "vncd";
		for (int k = 0; k < 4; k++) {
			bool want = strchr(c->present, letters[k]) != NULL;
			if (opts.present[k] != want)
				test_fail(__FILE__, __LINE__, "\"%s\": option %c present=%d", c->line, letters[k],
					  opts.present[k]);
		}
		for (int k = 4; k < OPTIONS_MAX; k++)
			CHECK(!opts.present[k]);
		if (c->name)
			CHECK(opts.value[1] && strcmp(opts.value[1], c->name) == 0);
		else
			CHECK(opts.value[1] == NULL);
		if (c->count)
			CHECK(opts.value[2] && strcmp(opts.value[2], c->count) == 0);
		else
			CHECK(opts.value[2] == NULL);
		CHECK(opts.value[0] == NULL && opts.value[3] == NULL);
		if (opts.first_arg != c->first_arg)
			test_fail(__FILE__, __LINE__, "\"%s\": first_arg %d, expected %d", c->line, opts.first_arg,
				  c->first_arg);
	}
}

TEST(command_options_arg_count_bounds)
{
	static const struct {
		const char *line;
		int min, max, rc;
	} cases[] = {
		{"tst", 0, 0, 0},           {"tst a", 0, 0, -WBE_CMD_USAGE}, {"tst", 0, -1, 0},
		{"tst a b c d e f", 0, -1, 0}, {"tst a b", 2, 2, 0},          {"tst a", 2, 2, -WBE_CMD_USAGE},
		{"tst a b c", 2, 2, -WBE_CMD_USAGE}, {"tst a b c", 3, -1, 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct command_fixture f;
		setup(&f);
		char line[64];
		char *argv[16];
		snprintf(line, sizeof(line), "%s", cases[i].line);
		int argc = split(line, argv, 15);
		struct parsed_options opts;
		int rc = options_parse(&f.sys, &cmd_tst, NULL, 0, argc, argv, cases[i].min, cases[i].max, &opts);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "\"%s\" [%d, %d]: rc %d", cases[i].line, cases[i].min,
				  cases[i].max, rc);
	}
}

TEST(command_options_too_many_specs)
{
	struct command_fixture f;
	setup(&f);
	struct option_spec many[OPTIONS_MAX + 1];
	for (int i = 0; i <= OPTIONS_MAX; i++)
		many[i] = (struct option_spec){"x", 0, OPTION_FLAG};
	char arg0[] = "tst";
	char *argv[] = {arg0, NULL};
	struct parsed_options opts;
	CHECK_INT(options_parse(&f.sys, &cmd_tst, many, OPTIONS_MAX + 1, 1, argv, 0, 0, &opts), -WBE_INVAL);
	CHECK_INT(options_parse(&f.sys, &cmd_tst, many, OPTIONS_MAX, 1, argv, 0, 0, &opts), 0);
}

TEST(command_table)
{
	static const char *const expected[] = {"clear", "debug", "echo", "exit",  "help",  "ifstat", "poweroff",
					       "reboot", "selftest", "set", "shell", "show", "sleep"};
	for (size_t i = 0; i < COUNT(expected); i++) {
		const struct command *c = command_find(expected[i]);
		REQUIRE(c);
		CHECK_STR(c->name, expected[i]);
		CHECK(c->exec != NULL);
		/* the usage line starts with the command's name; the summary is one line */
		CHECK(strncmp(c->usage, c->name, strlen(c->name)) == 0);
		CHECK(c->summary[0] && !strchr(c->summary, '\n'));
	}
	CHECK(command_find("") == NULL);
	CHECK(command_find("ech") == NULL);
	CHECK(command_find("ECHO") == NULL);
	CHECK(command_find("tst") == NULL);
	/* names are unique */
	for (const struct command *const *a = registry_commands; *a; a++)
		for (const struct command *const *b = a + 1; *b; b++)
			CHECK(strcmp((*a)->name, (*b)->name) != 0);
}
