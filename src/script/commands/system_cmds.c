/* system_cmds.c - reboot, poweroff, debug, selftest, cpuid. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/cpu.h"
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
	/* reset() returns only on failure */
	rc = sys->platform->reset ? sys->platform->reset(sys->platform, kind) : -WBE_NOTSUP;
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

static void print_feature_names(struct system *sys)
{
	for (size_t i = 0; cpu_feature_name(i); i++)
		console_printf(&sys->console, "%s%s", i ? " " : "", cpu_feature_name(i));
	console_puts(&sys->console, "\n");
}

static int cpuid_exec(struct system *sys, int argc, char **argv);
const struct command cmd_cpuid = {"cpuid", "cpuid [--ext] [--ecx] <bit>  |  cpuid <feature name>",
				  "Succeed if the CPU has a feature (x86 CPUID bit, or a named feature)", cpuid_exec};
WB_REGISTER(commands, cmd_cpuid);

static int cpuid_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"ext", 'e', OPTION_FLAG}, {"ecx", 'c', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_cpuid, specs, 2, argc, argv, 1, 1, &opts);
	if (opts.help) {
		console_puts(&sys->console, "feature names on this CPU architecture: ");
		print_feature_names(sys);
	}
	if (rc || opts.help)
		return rc;
	const char *arg = argv[opts.first_arg];
	bool present = false;
	unsigned long long bit;
	if (arg[0] >= '0' && arg[0] <= '9') {
		/* iPXE's form: a bit of EDX (or with --ecx ECX) of leaf 1, or with --ext 0x80000001 */
		if (command_parse_number(arg, 31, &bit)) {
			console_printf(&sys->console, "cpuid: \"%s\" is not a bit number from 0 to 31\n", arg);
			return -WBE_CMD_USAGE;
		}
		uint32_t regs[4];
		rc = cpu_x86_cpuid(opts.present[0] ? 0x80000001u : 1, 0, regs);
		if (rc) {
			console_printf(&sys->console, "cpuid: a CPUID bit number means an x86 feature; this is %s "
				       "(test features by name: cpuid --help)\n", sys->platform->arch);
			return rc;
		}
		present = regs[opts.present[1] ? CPU_ECX : CPU_EDX] >> bit & 1;
	} else {
		if (opts.present[0] || opts.present[1]) {
			console_printf(&sys->console, "cpuid: --ext and --ecx go with a bit number, not a name\n");
			return -WBE_CMD_USAGE;
		}
		rc = cpu_has_feature(arg, &present);
		if (rc) {
			console_printf(&sys->console, "cpuid: no feature \"%s\" on %s; known: ", arg, sys->platform->arch);
			print_feature_names(sys);
			return rc;
		}
	}
	return present ? 0 : -WBE_SCRIPT_FALSE; /* a silent failure, as iseq's */
}
