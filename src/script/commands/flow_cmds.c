/* flow_cmds.c - echo, help, sleep, exit, shell, isset, iseq, goto, prompt. */
#include "wireboot/chars.h"
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

static int sleep_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sleep, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long seconds;
	rc = command_parse_number(argv[opts.first_arg], 86400, &seconds);
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
	unsigned long long status = 0;
	if (opts.first_arg < argc) {
		rc = command_parse_number(argv[opts.first_arg], 255, &status);
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

static int isset_exec(struct system *sys, int argc, char **argv);
const struct command cmd_isset = {"isset", "isset <value>", "Succeed if the (expanded) value is not empty",
				  isset_exec};
WB_REGISTER(commands, cmd_isset);

static int isset_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_isset, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	return argv[opts.first_arg][0] ? 0 : -WBE_SCRIPT_FALSE;
}

static int iseq_exec(struct system *sys, int argc, char **argv);
const struct command cmd_iseq = {"iseq", "iseq <value1> <value2>", "Succeed if the two values are equal",
				 iseq_exec};
WB_REGISTER(commands, cmd_iseq);

static int iseq_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_iseq, NULL, 0, argc, argv, 2, 2, &opts);
	if (rc || opts.help)
		return rc;
	return strcmp(argv[opts.first_arg], argv[opts.first_arg + 1]) == 0 ? 0 : -WBE_SCRIPT_FALSE;
}

static int goto_exec(struct system *sys, int argc, char **argv);
const struct command cmd_goto = {"goto", "goto <label>", "Continue the script after the line :label", goto_exec};
WB_REGISTER(commands, cmd_goto);

static int goto_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_goto, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	rc = script_goto(sys, argv[opts.first_arg]);
	if (rc == -WBE_SCRIPT_LABEL)
		console_printf(&sys->console, "goto: no label \":%s\" in this script\n", argv[opts.first_arg]);
	else if (rc == -WBE_SCRIPT_NOT_IN_SCRIPT)
		console_puts(&sys->console, "goto: labels exist only in scripts\n");
	return rc;
}

static int prompt_exec(struct system *sys, int argc, char **argv);
const struct command cmd_prompt = {"prompt", "prompt [--key <key>] [--timeout <ms>] [text...]",
				   "Wait for a key (any, or the given one) with an optional timeout", prompt_exec};
WB_REGISTER(commands, cmd_prompt);

struct key_wait {
	struct console *con;
	int key;
};

static bool key_arrived(void *arg)
{
	struct key_wait *w = arg;
	int key = console_getkey(w->con);
	if (key == -WBE_AGAIN)
		return false;
	w->key = key;
	return true;
}

static int prompt_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"key", 'k', OPTION_VALUE}, {"timeout", 't', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_prompt, specs, 2, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	int want = -1;
	unsigned long long timeout_ms = 0;
	if (opts.present[0] && (want = command_parse_key(opts.value[0])) < 0) {
		console_printf(&sys->console, "prompt: \"%s\" is not a key (a character, ^X or a number)\nusage: %s\n",
			       opts.value[0], cmd_prompt.usage);
		return -WBE_CMD_USAGE;
	}
	if (opts.present[1] && command_parse_number(opts.value[1], 86400000, &timeout_ms)) {
		console_printf(&sys->console, "prompt: \"%s\" is not a timeout in ms\nusage: %s\n", opts.value[1],
			       cmd_prompt.usage);
		return -WBE_CMD_USAGE;
	}
	if (opts.first_arg == argc) {
		console_puts(&sys->console, "Press any key to continue");
	} else {
		for (int i = opts.first_arg; i < argc; i++) {
			if (i > opts.first_arg)
				console_puts(&sys->console, " ");
			console_puts(&sys->console, argv[i]);
		}
	}
	struct key_wait w = {&sys->console, 0};
	/* no timeout waits for ever, as in iPXE; Ctrl-C still ends it */
	uint64_t limit = timeout_ms ? timeout_ms * NS_PER_MS : ~0ULL / 2;
	rc = loop_run_until(&sys->loop, key_arrived, &w, limit);
	console_puts(&sys->console, "\n");
	if (rc)
		return rc;
	if (w.key < 0)
		return w.key; /* console input closed */
	return want < 0 || w.key == want ? 0 : -WBE_CANCELED;
}

static int time_exec(struct system *sys, int argc, char **argv);
const struct command cmd_time = {"time", "time <command> [arguments...]", "Run a command and show how long it took",
				 time_exec};
WB_REGISTER(commands, cmd_time);

static int time_exec(struct system *sys, int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		console_printf(&sys->console, "usage: %s\n", cmd_time.usage);
		return 0;
	}
	if (argc < 2) {
		console_printf(&sys->console, "time: which command?\nusage: %s\n", cmd_time.usage);
		return -WBE_CMD_USAGE;
	}
	/* the command runs as given: its arguments were expanded once already, with this line */
	const struct command *cmd = command_find(argv[1]);
	if (!cmd) {
		console_printf(&sys->console, "time: %s: no such command\n", argv[1]);
		return -WBE_CMD_UNKNOWN;
	}
	uint64_t start = loop_now(&sys->loop);
	int rc = cmd->exec(sys, argc - 1, argv + 1);
	uint64_t ms = (loop_now(&sys->loop) - start) / NS_PER_MS;
	console_printf(&sys->console, "%s: %llu.%03llus\n", argv[1], (unsigned long long)(ms / 1000),
		       (unsigned long long)(ms % 1000));
	return rc;
}
