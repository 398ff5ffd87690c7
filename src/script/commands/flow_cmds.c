/* flow_cmds.c - echo, help, sleep, exit, shell. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/process.h"
#include "wireboot/script.h"
#include "wireboot/system.h"

#include <string.h>

static int echo_exec(struct system *sys, int argc, char **argv);
const struct command cmd_echo = {"echo", "echo [-n] [text...]", "Print text", echo_exec};
WB_REGISTER(commands, cmd_echo);

static int echo_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"no-newline", 'n', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_echo, specs, 1, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	/* console_puts, not printf: printf output is cut at one line buffer (511 bytes), and a
	 * script line may hold up to SCRIPT_LINE_MAX - 1 */
	for (int i = opts.first_arg; i < argc; i++) {
		if (i > opts.first_arg)
			console_puts(&sys->console, " ");
		console_puts(&sys->console, argv[i]);
	}
	if (!opts.present[0])
		console_puts(&sys->console, "\n");
	return 0;
}

static int help_exec(struct system *sys, int argc, char **argv);
const struct command cmd_help = {"help", "help [command]", "List commands, or show one command's usage",
				 help_exec};
WB_REGISTER(commands, cmd_help);

static int help_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_help, NULL, 0, argc, argv, 0, 1, &opts);
	if (rc || opts.help)
		return rc;
	if (opts.first_arg < argc) {
		const struct command *c = command_find(argv[opts.first_arg]);
		if (!c) {
			console_printf(&sys->console, "help: no command \"%s\"\n", argv[opts.first_arg]);
			return -WBE_CMD_UNKNOWN;
		}
		console_printf(&sys->console, "usage: %s\n%s\n", c->usage, c->summary);
		return 0;
	}
	/* alphabetical, whatever order the generated table has */
	const char *last = "";
	for (;;) {
		const struct command *next = NULL;
		for (const struct command *const *c = registry_commands; *c; c++) {
			if (strcmp((*c)->name, last) > 0 && (!next || strcmp((*c)->name, next->name) < 0))
				next = *c;
		}
		if (!next)
			break;
		console_printf(&sys->console, "  %-12s %s\n", next->name, next->summary);
		last = next->name;
	}
	return 0;
}

static int sleep_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sleep = {"sleep", "sleep <seconds>", "Wait (the network keeps running; Ctrl-C cancels)",
				  sleep_exec};
WB_REGISTER(commands, cmd_sleep);

static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*text)
		return -WBE_INVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -WBE_INVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -WBE_RANGE;
	}
	*out = v;
	return 0;
}

static int sleep_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sleep, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long seconds;
	rc = parse_uint(argv[opts.first_arg], 86400, &seconds);
	if (rc) {
		/* a bad argument is a usage error: print the usage, as options_parse() does */
		console_printf(&sys->console, "sleep: \"%s\" is not a number of seconds (0..86400)\nusage: %s\n",
			       argv[opts.first_arg], cmd_sleep.usage);
		return -WBE_CMD_USAGE;
	}
	return loop_run_until(&sys->loop, NULL, NULL, seconds * NS_PER_SEC);
}

static int exit_exec(struct system *sys, int argc, char **argv);
const struct command cmd_exit = {"exit", "exit [status]", "Leave the current script or shell", exit_exec};
WB_REGISTER(commands, cmd_exit);

static int exit_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_exit, NULL, 0, argc, argv, 0, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long status = 0;
	if (opts.first_arg < argc) {
		rc = parse_uint(argv[opts.first_arg], 255, &status);
		if (rc) {
			console_printf(&sys->console, "exit: status must be a number 0..255\nusage: %s\n",
				       cmd_exit.usage);
			return -WBE_CMD_USAGE;
		}
	}
	sys->exit_requested = true;
	sys->exit_status = (int)status;
	return status ? -WBE_EXIT : 0;
}

static int shell_exec(struct system *sys, int argc, char **argv);
const struct command cmd_shell = {"shell", "shell", "Start an interactive command prompt", shell_exec};
WB_REGISTER(commands, cmd_shell);

static int shell_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_shell, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	return shell_run(sys);
}
