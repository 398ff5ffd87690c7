/* system_cmds.c - reboot, poweroff, debug, selftest. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/log.h"
#include "wireboot/selftest.h"
#include "wireboot/system.h"

static int reset_exec(struct system *sys, const struct command *cmd, enum platform_reset kind, int argc,
		      char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, cmd, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	rc = sys->platform->reset(sys->platform, kind);
	/* reset() returns only on failure */
	console_printf(&sys->console, "%s: the %s platform cannot do this\n", cmd->name, sys->platform->name);
	return rc;
}

static int reboot_exec(struct system *sys, int argc, char **argv);
const struct command cmd_reboot = {"reboot", "reboot", "Restart the machine", reboot_exec};
WB_REGISTER(commands, cmd_reboot);

static int reboot_exec(struct system *sys, int argc, char **argv)
{
	return reset_exec(sys, &cmd_reboot, PLATFORM_REBOOT, argc, argv);
}

static int poweroff_exec(struct system *sys, int argc, char **argv);
const struct command cmd_poweroff = {"poweroff", "poweroff", "Turn the machine off", poweroff_exec};
WB_REGISTER(commands, cmd_poweroff);

static int poweroff_exec(struct system *sys, int argc, char **argv)
{
	return reset_exec(sys, &cmd_poweroff, PLATFORM_POWEROFF, argc, argv);
}

static int debug_exec(struct system *sys, int argc, char **argv);
const struct command cmd_debug = {"debug", "debug <module[,module...]|all|off>",
				  "Switch debug messages of modules on or off", debug_exec};
WB_REGISTER(commands, cmd_debug);

static int debug_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_debug, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	rc = log_set_debug(&sys->log, argv[opts.first_arg]);
	if (rc)
		console_printf(&sys->console, "debug: \"%s\" is not a comma-separated list of at most %d module names\n",
			       argv[opts.first_arg], LOG_MAX_DEBUG_MODULES);
	return rc;
}

static void print_result(void *ctx, const char *name, int rc)
{
	struct system *sys = ctx;
	console_printf(&sys->console, "selftest: %s %s\n", name, rc ? "FAILED" : "ok");
}

static int selftest_exec(struct system *sys, int argc, char **argv);
const struct command cmd_selftest = {"selftest", "selftest", "Run the cryptographic known-answer tests",
				     selftest_exec};
WB_REGISTER(commands, cmd_selftest);

static int selftest_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_selftest, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	return crypto_selftest(print_result, sys);
}
