/* console_cmds.c - console, colour, cpair: the text console's size and colours (iPXE's
 * commands; wireboot draws on text consoles only, see docs/commands.md). */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/screen.h"
#include "wireboot/system.h"

/* An option's number, or a usage error naming the option. */
static int option_number(struct system *sys, const struct command *cmd, const char *option, const char *text,
			 unsigned long long max, unsigned long long *out)
{
	if (!command_parse_number(text, max, out))
		return 0;
	console_printf(&sys->console, "%s: %s \"%s\" is not a number from 0 to %llu\nusage: %s\n", cmd->name, option,
		       text, max, cmd->usage);
	return -WBE_CMD_USAGE;
}

static int console_exec(struct system *sys, int argc, char **argv);
const struct command cmd_console = {
	"console",
	"console [--cols <n>] [--rows <n>] [--x <px>] [--y <px>] [--left|--right|--top|--bottom <px>] "
	"[--depth <bpp>] [--picture <uri>] [--keep]",
	"Show or choose the text console's size (graphical options are not supported)", console_exec};
WB_REGISTER(commands, cmd_console);

enum { OPT_COLS, OPT_ROWS, OPT_FIRST_GRAPHICAL };

static int console_exec(struct system *sys, int argc, char **argv)
{
	/* iPXE's options beyond --cols/--rows configure its framebuffer console */
	static const struct option_spec specs[] = {
		{"cols", 0, OPTION_VALUE},  {"rows", 0, OPTION_VALUE},  {"x", 'x', OPTION_VALUE},
		{"y", 'y', OPTION_VALUE},   {"left", 'l', OPTION_VALUE}, {"right", 'r', OPTION_VALUE},
		{"top", 't', OPTION_VALUE}, {"bottom", 'b', OPTION_VALUE}, {"depth", 'd', OPTION_VALUE},
		{"picture", 'p', OPTION_VALUE}, {"keep", 'k', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_console, specs, sizeof(specs) / sizeof(specs[0]), argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	/* A script written for iPXE's graphical console still runs: say what is ignored, go on. */
	for (size_t i = OPT_FIRST_GRAPHICAL; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (opts.present[i])
			console_printf(&sys->console,
				       "console: --%s is not supported (wireboot draws on the text console only); ignored\n",
				       specs[i].name);
	if (!screen_usable(&sys->screen)) {
		console_printf(&sys->console, "console: the %s console has no size or colours\n", sys->platform->name);
		return -WBE_SCREEN_UNSUPPORTED;
	}
	unsigned long long cols = 0, rows = 0;
	if ((opts.present[OPT_COLS] && (rc = option_number(sys, &cmd_console, "--cols", opts.value[OPT_COLS], 1000, &cols))) ||
	    (opts.present[OPT_ROWS] && (rc = option_number(sys, &cmd_console, "--rows", opts.value[OPT_ROWS], 1000, &rows))))
		return rc;
	if (cols || rows) {
		const struct platform *p = sys->platform;
		rc = p->screen_set_size ? p->screen_set_size(p, (unsigned)cols, (unsigned)rows) : -WBE_NOTSUP;
		if (rc == -WBE_RANGE) {
			console_printf(&sys->console, "console: no text mode has %llu columns and %llu rows\n", cols, rows);
			return -WBE_CONSOLE_MODE;
		}
		if (rc == -WBE_NOTSUP) {
			console_printf(&sys->console, "console: the terminal sets its own size here\n");
			return rc;
		}
		if (rc) {
			console_printf(&sys->console, "console: the firmware refused the text mode\n");
			return rc;
		}
	}
	unsigned c, r;
	screen_size(&sys->screen, &c, &r);
	console_printf(&sys->console, "console: %u columns, %u rows\n", c, r);
	return 0;
}

static int colour_exec(struct system *sys, int argc, char **argv);
const struct command cmd_colour = {"colour", "colour [--basic <0-7|9>] [--rgb <0xRRGGBB>] <colour 0-7>",
				   "Define which colour a colour number shows", colour_exec};
WB_REGISTER(commands, cmd_colour);

static int colour_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"basic", 'b', OPTION_VALUE}, {"rgb", 'r', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_colour, specs, 2, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long colour, basic = SCREEN_DEFAULT, rgb = 0;
	if ((rc = option_number(sys, &cmd_colour, "colour", argv[opts.first_arg], SCREEN_COLOURS - 1, &colour)) ||
	    (opts.present[0] && (rc = option_number(sys, &cmd_colour, "--basic", opts.value[0], SCREEN_DEFAULT, &basic))) ||
	    (opts.present[1] && (rc = option_number(sys, &cmd_colour, "--rgb", opts.value[1], 0xffffff, &rgb))))
		return rc;
	if (opts.present[0] && !screen_colour_valid(basic)) {
		console_printf(&sys->console, "colour: --basic is a colour 0-7, or 9 for the default\nusage: %s\n",
			       cmd_colour.usage);
		return -WBE_CMD_USAGE;
	}
	/* without options the colour becomes the default colour, as in iPXE */
	if (!opts.present[0] && opts.present[1]) {
		/* A text console has only the basic colours: take the one nearest to the RGB value
		 * (ANSI numbers them red + 2 * green + 4 * blue, each channel on or off). */
		basic = (rgb >> 16 & 0xff) >= 0x80 ? 1 : 0;
		basic |= (rgb >> 8 & 0xff) >= 0x80 ? 2 : 0;
		basic |= (rgb & 0xff) >= 0x80 ? 4 : 0;
	}
	return screen_set_colour(&sys->screen, (unsigned)colour, (unsigned)basic);
}

static int cpair_exec(struct system *sys, int argc, char **argv);
const struct command cmd_cpair = {"cpair", "cpair [--foreground <colour>] [--background <colour>] <pair 0-7>",
				  "Define the colours of a colour pair (menus draw with pairs 1-3)", cpair_exec};
WB_REGISTER(commands, cmd_cpair);

static int cpair_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"foreground", 'f', OPTION_VALUE}, {"background", 'b', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_cpair, specs, 2, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	/* as in iPXE, a colour not given is the terminal's default (9) */
	unsigned long long pair, fg = SCREEN_DEFAULT, bg = SCREEN_DEFAULT;
	if ((rc = option_number(sys, &cmd_cpair, "pair", argv[opts.first_arg], SCREEN_PAIRS - 1, &pair)) ||
	    (opts.present[0] && (rc = option_number(sys, &cmd_cpair, "--foreground", opts.value[0], SCREEN_DEFAULT, &fg))) ||
	    (opts.present[1] && (rc = option_number(sys, &cmd_cpair, "--background", opts.value[1], SCREEN_DEFAULT, &bg))))
		return rc;
	if (!screen_colour_valid(fg) || !screen_colour_valid(bg)) {
		console_printf(&sys->console, "cpair: colours are 0-7, or 9 for the default\nusage: %s\n", cmd_cpair.usage);
		return -WBE_CMD_USAGE;
	}
	return screen_set_pair(&sys->screen, (unsigned)pair, (unsigned)fg, (unsigned)bg);
}
