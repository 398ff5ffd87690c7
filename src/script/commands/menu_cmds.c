/* menu_cmds.c - menu, item, choose: iPXE's menus (see wireboot/menu.h). */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/menu.h"
#include "wireboot/process.h"
#include "wireboot/screen.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#include <string.h>

#define REDRAW_NS (100 * NS_PER_MS) /* the countdown and timeout are checked this often */

static int menu_exec(struct system *sys, int argc, char **argv);
const struct command cmd_menu = {"menu", "menu [--name <name>] [--delete] [title...]",
				  "Create a menu (replacing one of the same name), or delete one", menu_exec};
WB_REGISTER(commands, cmd_menu);

static int menu_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"name", 'n', OPTION_VALUE}, {"delete", 'd', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_menu, specs, 2, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = opts.present[0] ? opts.value[0] : NULL;
	if (opts.present[1]) {
		/* as in iPXE, deleting a menu that does not exist is no error (clean-up lines) */
		struct menu *menu = menu_find(&sys->menus, name);
		if (menu)
			menu_destroy(&sys->menus, menu);
		return 0;
	}
	char *title = command_join_args(argc, argv, opts.first_arg);
	if (!title)
		return -WBE_NOMEM;
	rc = menu_create(&sys->menus, name, title, NULL);
	wb_free(title);
	if (rc == -WBE_RANGE)
		console_printf(&sys->console, "menu: name or title longer than %d bytes\n", MENU_TEXT_MAX);
	else if (rc == -WBE_MENU_TOO_MANY)
		console_printf(&sys->console, "menu: already %d menus (delete some with menu --delete)\n", MENUS_MAX);
	return rc;
}

/* The menu named by a --menu option (@name NULL: the unnamed one), with an error message if none. */
static struct menu *find_menu_or_say(struct system *sys, const char *cmd, const char *name)
{
	struct menu *menu = menu_find(&sys->menus, name);
	if (!menu && name)
		console_printf(&sys->console, "%s: no menu \"%s\"\n", cmd, name);
	else if (!menu)
		console_printf(&sys->console, "%s: no unnamed menu (create one with menu, or name one with --menu)\n", cmd);
	return menu;
}

static int item_exec(struct system *sys, int argc, char **argv);
const struct command cmd_item = {"item", "item [--menu <menu>] [--key <key>] [--default] [--gap] [label [text...]]",
				 "Add an item (or with --gap a separator line) to a menu", item_exec};
WB_REGISTER(commands, cmd_item);

static int item_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"menu", 'm', OPTION_VALUE},
						   {"key", 'k', OPTION_VALUE},
						   {"default", 'd', OPTION_FLAG},
						   {"gap", 'g', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_item, specs, 4, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	int key = 0;
	if (opts.present[1] && (key = command_parse_key(opts.value[1])) < 0) {
		console_printf(&sys->console, "item: \"%s\" is not a key (a character, ^X or a number)\nusage: %s\n",
			       opts.value[1], cmd_item.usage);
		return -WBE_CMD_USAGE;
	}
	struct menu *menu = find_menu_or_say(sys, "item", opts.present[0] ? opts.value[0] : NULL);
	if (!menu)
		return -WBE_MENU_NOT_FOUND;
	int next = opts.first_arg;
	/* as iPXE: a gap has no label, and so has an item without arguments */
	const char *label = !opts.present[3] && next < argc ? argv[next++] : NULL;
	char *text = command_join_args(argc, argv, next);
	if (!text)
		return -WBE_NOMEM;
	rc = menu_add_item(menu, label, text, key, opts.present[2]);
	wb_free(text);
	if (rc == -WBE_RANGE)
		console_printf(&sys->console, "item: label or text longer than %d bytes\n", MENU_TEXT_MAX);
	else if (rc == -WBE_MENU_TOO_MANY)
		console_printf(&sys->console, "item: the menu already has %d items\n", MENU_ITEMS_MAX);
	return rc;
}

struct choice {
	struct system *sys;
	struct menu_view view;
	enum menu_event event;
	bool input_closed;
};

static bool choice_made(void *arg)
{
	struct choice *c = arg;
	struct system *sys = c->sys;
	uint64_t now = loop_now(&sys->loop);
	while (c->event == MENU_WAITING && !c->input_closed) {
		int key = console_getkey(&sys->console);
		if (key == -WBE_CONSOLE_EOF)
			c->input_closed = true;
		if (key < 0)
			break;
		c->event = menu_view_key(&c->view, key, now);
	}
	if (c->event == MENU_WAITING)
		c->event = menu_view_tick(&c->view, now);
	if (c->event == MENU_WAITING && c->input_closed && !c->view.deadline_ns)
		return true; /* nobody can answer and nothing will choose */
	if (c->event == MENU_WAITING)
		menu_view_draw(&c->view, &sys->screen, &sys->console, now);
	return c->event != MENU_WAITING;
}

static int choose_exec(struct system *sys, int argc, char **argv);
const struct command cmd_choose = {"choose",
				   "choose [--menu <menu>] [--default <label>] [--timeout <ms>] [--retimeout <ms>] [--keep] "
				   "<setting>",
				   "Show a menu and store the label of the chosen item in a setting", choose_exec};
WB_REGISTER(commands, cmd_choose);

static int choose_exec(struct system *sys, int argc, char **argv)
{
	enum { OPT_MENU, OPT_DEFAULT, OPT_TIMEOUT, OPT_KEEP, OPT_RETIMEOUT };
	static const struct option_spec specs[] = {{"menu", 'm', OPTION_VALUE},
						   {"default", 'd', OPTION_VALUE},
						   {"timeout", 't', OPTION_VALUE},
						   {"keep", 'k', OPTION_FLAG},
						   {"retimeout", 'r', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_choose, specs, 5, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long timeout_ms = 0, retimeout_ms = 0;
	static const int timeout_options[] = {OPT_TIMEOUT, OPT_RETIMEOUT};
	unsigned long long *timeout_values[] = {&timeout_ms, &retimeout_ms};
	for (size_t i = 0; i < 2; i++) {
		const char *text = opts.value[timeout_options[i]];
		if (opts.present[timeout_options[i]] && command_parse_number(text, 86400000, timeout_values[i])) {
			console_printf(&sys->console, "choose: \"%s\" is not a timeout in ms\nusage: %s\n", text,
				       cmd_choose.usage);
			return -WBE_CMD_USAGE;
		}
	}
	const char *setting = argv[opts.first_arg];
	struct setting_name parsed;
	rc = settings_parse_name(&sys->settings, setting, &parsed);
	if (rc) {
		console_printf(&sys->console, "choose: \"%s\" is not a setting name\n", setting);
		return rc;
	}
	struct menu *menu = find_menu_or_say(sys, "choose", opts.present[OPT_MENU] ? opts.value[OPT_MENU] : NULL);
	if (!menu)
		return -WBE_MENU_NOT_FOUND;
	if (!screen_usable(&sys->screen)) {
		console_printf(&sys->console, "choose: the %s console cannot show menus\n", sys->platform->name);
		return -WBE_SCREEN_UNSUPPORTED;
	}
	struct choice c = {.sys = sys, .event = MENU_WAITING};
	rc = menu_view_start(&c.view, menu, opts.present[OPT_DEFAULT] ? opts.value[OPT_DEFAULT] : NULL,
			     timeout_ms * NS_PER_MS, loop_now(&sys->loop));
	c.view.retimeout_ns = retimeout_ms * NS_PER_MS;
	if (rc) {
		console_printf(&sys->console, "choose: menu \"%s\" has no item to choose\n", menu->named.name);
	} else {
		screen_cursor(&sys->screen, false);
		menu_view_draw(&c.view, &sys->screen, &sys->console, loop_now(&sys->loop)); /* before keys typed ahead act */
		do /* in slices, so that the countdown is redrawn even when nothing else happens */
			rc = loop_run_until(&sys->loop, choice_made, &c, REDRAW_NS);
		while (rc == -WBE_TIMEDOUT);
		screen_use_pair(&sys->screen, CPAIR_DEFAULT);
		screen_clear(&sys->screen);
		screen_cursor(&sys->screen, true);
		if (!rc && c.event == MENU_CANCELLED)
			rc = -WBE_CANCELED;
		else if (!rc && c.event == MENU_WAITING)
			rc = -WBE_CONSOLE_EOF;
		if (!rc) {
			rc = settings_store_text(&sys->settings, setting, menu_view_selected(&c.view)->label);
			if (rc)
				console_printf(&sys->console, "choose: cannot store the choice in %s\n", setting);
		}
	}
	if (!opts.present[OPT_KEEP])
		menu_destroy(&sys->menus, menu); /* as iPXE: a menu is shown once unless --keep */
	return rc;
}
