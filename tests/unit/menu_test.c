/* menu_test.c - tests for wireboot/menu.h (menus, items, the choosing state machine and what it
 * draws, on the test platform's recorded screen) and the menu/item/choose commands end to end
 * in scripts, driven by key presses and the hand-advanced clock. */
#include "wireboot/menu.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/screen.h"
#include "wireboot/script.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NS_PER_S 1000000000ULL

TEST(menu_create_find_replace_delete)
{
	struct menu_set set;
	menu_set_init(&set);
	struct menu *a, *b, *c;
	REQUIRE(menu_create(&set, NULL, "Unnamed", &a) == 0);
	REQUIRE(menu_create(&set, "boot", "Boot", &b) == 0);
	CHECK(menu_find(&set, NULL) == a); /* no name: the unnamed menu, as in iPXE */
	CHECK(menu_find(&set, "") == a);
	CHECK(menu_find(&set, "boot") == b);
	CHECK(menu_find(&set, "nope") == NULL);
	CHECK_INT(menu_add_item(b, "x", "X", 0, false), 0);
	/* same name again: a new, empty menu replaces the old one */
	REQUIRE(menu_create(&set, "boot", "Boot again", &c) == 0);
	CHECK_INT(set.menus.count, 2);
	CHECK(menu_find(&set, "boot") == c);
	CHECK_INT(c->count, 0);
	CHECK_STR(c->title, "Boot again");
	menu_destroy(&set, c);
	CHECK(menu_find(&set, "boot") == NULL);
	CHECK_INT(set.menus.count, 1);
	menu_set_fini(&set);
	CHECK_INT(set.menus.count, 0);
}

TEST(menu_bounds)
{
	struct menu_set set;
	menu_set_init(&set);
	char long_text[MENU_TEXT_MAX + 2];
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	struct menu *m;
	CHECK_INT(menu_create(&set, long_text, NULL, NULL), -WBE_RANGE);
	REQUIRE(menu_create(&set, "m", NULL, &m) == 0);
	CHECK_INT(menu_add_item(m, long_text, NULL, 0, false), -WBE_RANGE);
	CHECK_INT(menu_add_item(m, "ok", long_text, 0, false), -WBE_RANGE);
	for (int i = 0; i < MENU_ITEMS_MAX; i++)
		REQUIRE(menu_add_item(m, "i", "item", 0, false) == 0);
	CHECK_INT(menu_add_item(m, "one-too-many", NULL, 0, false), -WBE_MENU_TOO_MANY);
	for (int i = 1; i < MENUS_MAX; i++) {
		char name[16];
		snprintf(name, sizeof(name), "m%d", i);
		REQUIRE(menu_create(&set, name, NULL, NULL) == 0);
	}
	CHECK_INT(menu_create(&set, "extra", NULL, NULL), -WBE_MENU_TOO_MANY);
	CHECK_INT(menu_create(&set, "m1", NULL, NULL), 0); /* replacing one is always possible */
	menu_set_fini(&set);
}

/* gap, a, b (default), gap, c (key 'c') */
static struct menu *sample_menu(struct menu_set *set)
{
	struct menu *m;
	if (menu_create(set, "s", "Sample menu", &m))
		return NULL;
	menu_add_item(m, NULL, "Section one", 0, false);
	menu_add_item(m, "a", "Item A", 0, false);
	menu_add_item(m, "b", "Item B", 0, true);
	menu_add_item(m, NULL, "", 0, false);
	menu_add_item(m, "c", "", 'c', false);
	return m;
}

TEST(menu_view_default_selection)
{
	struct menu_set set;
	menu_set_init(&set);
	struct menu *m = sample_menu(&set);
	REQUIRE(m);
	struct menu_view v;
	REQUIRE(menu_view_start(&v, m, NULL, 0, 0) == 0);
	CHECK_STR(menu_view_selected(&v)->label, "b"); /* item --default */
	REQUIRE(menu_view_start(&v, m, "c", 0, 0) == 0);
	CHECK_STR(menu_view_selected(&v)->label, "c"); /* choose --default wins */
	REQUIRE(menu_view_start(&v, m, "unknown", 0, 0) == 0);
	CHECK_STR(menu_view_selected(&v)->label, "b");
	m->items[2].is_default = false;
	REQUIRE(menu_view_start(&v, m, NULL, 0, 0) == 0);
	CHECK_STR(menu_view_selected(&v)->label, "a"); /* the first selectable, past the gap */
	struct menu *gaps;
	REQUIRE(menu_create(&set, "gaps", NULL, &gaps) == 0);
	CHECK_INT(menu_view_start(&v, gaps, NULL, 0, 0), -WBE_MENU_EMPTY);
	menu_add_item(gaps, NULL, "only a gap", 0, false);
	CHECK_INT(menu_view_start(&v, gaps, NULL, 0, 0), -WBE_MENU_EMPTY);
	menu_set_fini(&set);
}

TEST(menu_view_keys)
{
	struct menu_set set;
	menu_set_init(&set);
	struct menu *m = sample_menu(&set);
	REQUIRE(m);
	struct menu_view v;
	REQUIRE(menu_view_start(&v, m, "a", 0, 0) == 0);
	CHECK_INT(menu_view_key(&v, KEY_UP, 0), MENU_WAITING); /* the gap above is skipped: stays */
	CHECK_STR(menu_view_selected(&v)->label, "a");
	CHECK_INT(menu_view_key(&v, KEY_DOWN, 0), MENU_WAITING);
	CHECK_STR(menu_view_selected(&v)->label, "b");
	CHECK_INT(menu_view_key(&v, KEY_DOWN, 0), MENU_WAITING); /* over the gap */
	CHECK_STR(menu_view_selected(&v)->label, "c");
	CHECK_INT(menu_view_key(&v, KEY_DOWN, 0), MENU_WAITING); /* the end: stays */
	CHECK_STR(menu_view_selected(&v)->label, "c");
	CHECK_INT(menu_view_key(&v, KEY_HOME, 0), MENU_WAITING);
	CHECK_STR(menu_view_selected(&v)->label, "a");
	CHECK_INT(menu_view_key(&v, KEY_END, 0), MENU_WAITING);
	CHECK_STR(menu_view_selected(&v)->label, "c");
	CHECK_INT(menu_view_key(&v, KEY_PAGE_UP, 0), MENU_WAITING);
	CHECK_STR(menu_view_selected(&v)->label, "a");
	CHECK_INT(menu_view_key(&v, 'x', 0), MENU_WAITING); /* not a shortcut: ignored */
	CHECK_INT(menu_view_key(&v, KEY_ENTER, 0), MENU_CHOSEN);
	CHECK_STR(menu_view_selected(&v)->label, "a");
	CHECK_INT(menu_view_key(&v, 'c', 0), MENU_CHOSEN); /* a shortcut selects and chooses */
	CHECK_STR(menu_view_selected(&v)->label, "c");
	CHECK_INT(menu_view_key(&v, KEY_ESC, 0), MENU_CANCELLED);
	CHECK_INT(menu_view_key(&v, KEY_CTRL_C, 0), MENU_CANCELLED);
	menu_set_fini(&set);
}

TEST(menu_view_timeout)
{
	struct menu_set set;
	menu_set_init(&set);
	struct menu *m = sample_menu(&set);
	REQUIRE(m);
	struct menu_view v;
	REQUIRE(menu_view_start(&v, m, NULL, 3 * NS_PER_S, 10 * NS_PER_S) == 0);
	CHECK_INT(menu_view_tick(&v, 12 * NS_PER_S), MENU_WAITING);
	CHECK_INT(menu_view_tick(&v, 13 * NS_PER_S - 1), MENU_WAITING);
	CHECK_INT(menu_view_tick(&v, 13 * NS_PER_S), MENU_CHOSEN);
	CHECK_STR(menu_view_selected(&v)->label, "b");
	/* a key (even one that does nothing) stops the countdown for good */
	REQUIRE(menu_view_start(&v, m, NULL, 3 * NS_PER_S, 10 * NS_PER_S) == 0);
	CHECK_INT(menu_view_key(&v, 'z', 0), MENU_WAITING);
	CHECK_INT(menu_view_tick(&v, 100 * NS_PER_S), MENU_WAITING);
	/* with --retimeout a key starts the countdown again instead */
	REQUIRE(menu_view_start(&v, m, NULL, 3 * NS_PER_S, 10 * NS_PER_S) == 0);
	v.retimeout_ns = 2 * NS_PER_S;
	CHECK_INT(menu_view_key(&v, KEY_DOWN, 12 * NS_PER_S), MENU_WAITING);
	CHECK_INT(menu_view_tick(&v, 13 * NS_PER_S), MENU_WAITING);
	CHECK_INT(menu_view_tick(&v, 14 * NS_PER_S), MENU_CHOSEN);
	CHECK_STR(menu_view_selected(&v)->label, "c");
	menu_set_fini(&set);
}

struct screen_fixture {
	struct test_platform tp;
	struct console con;
	struct screen screen;
	struct menu_set set;
};

static void screen_setup(struct screen_fixture *f)
{
	test_platform_init(&f->tp);
	console_init(&f->con, &f->tp.platform);
	screen_init(&f->screen, &f->tp.platform);
	menu_set_init(&f->set);
}

TEST(menu_view_draws_title_items_selection_countdown)
{
	struct screen_fixture f;
	screen_setup(&f);
	struct menu *m = sample_menu(&f.set);
	REQUIRE(m);
	struct menu_view v;
	REQUIRE(menu_view_start(&v, m, NULL, 5 * NS_PER_S, 0) == 0);
	menu_view_draw(&v, &f.screen, &f.con, 0);
	/* the title centred on row 1 */
	const char *title = test_screen_row(&f.tp, 1);
	const char *t = strstr(title, "Sample menu");
	REQUIRE(t);
	CHECK_INT(t - title, (80 - 11) / 2);
	/* items from row 3 in order; an item without text shows its label */
	CHECK_INT(test_screen_find(&f.tp, "Section one"), 3);
	CHECK_INT(test_screen_find(&f.tp, "Item A"), 4);
	CHECK_INT(test_screen_find(&f.tp, "Item B"), 5);
	CHECK_INT(test_screen_find(&f.tp, " c "), 7);
	/* colours: the selection in CPAIR_SELECT (red), the rest CPAIR_NORMAL (blue) */
	CHECK_INT(f.tp.cell_bg[5][2], SCREEN_RED);
	CHECK_INT(f.tp.cell_bg[4][2], SCREEN_BLUE);
	/* the countdown at the right end of the selected row */
	const char *row = test_screen_row(&f.tp, 5);
	CHECK(strstr(row, "(5)") && strstr(row, "(5)") - row == 80 - 1 - 3);
	menu_view_draw(&v, &f.screen, &f.con, 1 * NS_PER_S + 1);
	CHECK(strstr(test_screen_row(&f.tp, 5), "(4)") != NULL);
	/* moving redraws the two rows, not the screen */
	menu_view_key(&v, KEY_UP, 0);
	menu_view_draw(&v, &f.screen, &f.con, 2 * NS_PER_S);
	CHECK_INT(f.tp.clears, 1);
	CHECK_INT(f.tp.cell_bg[4][2], SCREEN_RED);
	CHECK_INT(f.tp.cell_bg[5][2], SCREEN_BLUE);
	CHECK(strstr(test_screen_row(&f.tp, 5), "(") == NULL); /* the key stopped the countdown */
	/* nothing changed: nothing is written */
	size_t before = f.tp.output_len;
	menu_view_draw(&v, &f.screen, &f.con, 3 * NS_PER_S);
	CHECK_INT(f.tp.output_len, before);
	menu_set_fini(&f.set);
}

TEST(menu_view_scrolls_long_menus)
{
	struct screen_fixture f;
	screen_setup(&f);
	f.tp.screen_rows = 10; /* items on rows 3..7: five at a time */
	struct menu *m;
	REQUIRE(menu_create(&f.set, NULL, "Long", &m) == 0);
	for (int i = 0; i < 12; i++) {
		char label[8], text[16];
		snprintf(label, sizeof(label), "l%d", i);
		snprintf(text, sizeof(text), "Entry %02d", i);
		REQUIRE(menu_add_item(m, label, text, 0, false) == 0);
	}
	struct menu_view v;
	REQUIRE(menu_view_start(&v, m, NULL, 0, 0) == 0);
	menu_view_draw(&v, &f.screen, &f.con, 0);
	CHECK_INT(test_screen_find(&f.tp, "Entry 04"), 7);
	CHECK_INT(test_screen_find(&f.tp, "Entry 05"), -1);
	CHECK(strchr(test_screen_row(&f.tp, 7), 'v') != NULL); /* more below */
	for (int i = 0; i < 6; i++)
		menu_view_key(&v, KEY_DOWN, 0);
	menu_view_draw(&v, &f.screen, &f.con, 0);
	CHECK_STR(menu_view_selected(&v)->label, "l6");
	CHECK_INT(test_screen_find(&f.tp, "Entry 06"), 7); /* scrolled just enough */
	CHECK_INT(test_screen_find(&f.tp, "Entry 02"), 3);
	CHECK(strchr(test_screen_row(&f.tp, 3), '^') != NULL); /* more above */
	menu_view_key(&v, KEY_PAGE_DOWN, 0);
	menu_view_draw(&v, &f.screen, &f.con, 0);
	CHECK_STR(menu_view_selected(&v)->label, "l11");
	CHECK_INT(test_screen_find(&f.tp, "Entry 11"), 7);
	menu_set_fini(&f.set);
}

/* ---- the commands in scripts --------------------------------------------------------- */

struct choose_fixture {
	struct test_platform tp;
	struct system sys;
};

static int choose_setup(struct choose_fixture *f, const int *keys, size_t nkeys)
{
	test_platform_init(&f->tp);
	f->tp.keys = keys;
	f->tp.keys_len = nkeys;
	f->tp.auto_advance_ns = 10000000; /* 10 ms per clock read: timeouts pass */
	return system_init(&f->sys, &f->tp.platform);
}

static const char menu_script[] = "menu Pick one\n"
				  "item --gap Systems:\n"
				  "item --key d debian Debian\n"
				  "item --default fedora Fedora\n"
				  "item shell Shell\n";

struct choose_case {
	const char *choose; /* the choose line and what follows */
	int keys[4];
	size_t nkeys;
	int rc;
	const char *output; /* expected in the output */
};

static const struct choose_case choose_cases[] = {
	{"choose target && echo got ${target}\n", {KEY_ENTER}, 1, 0, "got fedora\n"},
	{"choose target && echo got ${target}\n", {KEY_DOWN, KEY_ENTER}, 2, 0, "got shell\n"},
	{"choose target && echo got ${target}\n", {KEY_UP, KEY_UP, KEY_ENTER}, 3, 0, "got debian\n"},
	{"choose target && echo got ${target}\n", {'d'}, 1, 0, "got debian\n"},
	{"choose --default shell target && echo got ${target}\n", {KEY_ENTER}, 1, 0, "got shell\n"},
	/* no key: the timeout picks the default */
	{"choose --timeout 500 target && echo got ${target}\n", {0}, 0, 0, "got fedora\n"},
	/* Esc: iPXE's "cancelled", so `|| goto` paths run */
	{"choose target || echo cancelled ${target}\n", {KEY_ESC}, 1, 0, "cancelled \n"},
	{"choose target\n", {KEY_ESC}, 1, -WBE_CANCELED, NULL},
	{"choose target || echo ctrl-c\n", {KEY_CTRL_C}, 1, 0, "ctrl-c\n"},
	/* a key restarts the countdown with --retimeout: the selection then times out */
	{"choose --timeout 60000 --retimeout 300 target && echo got ${target}\n", {KEY_DOWN}, 1, 0, "got shell\n"},
	{"choose --menu nope target\n", {0}, 0, -WBE_MENU_NOT_FOUND, "choose: no menu \"nope\"\n"},
	{"choose --timeout soon target\n", {0}, 0, -WBE_CMD_USAGE, NULL},
};

TEST(menu_choose_in_scripts)
{
	for (size_t i = 0; i < COUNT(choose_cases); i++) {
		const struct choose_case *c = &choose_cases[i];
		struct choose_fixture f;
		REQUIRE(choose_setup(&f, c->keys, c->nkeys) == 0);
		char script[512];
		snprintf(script, sizeof(script), "%s%s", menu_script, c->choose);
		test_platform_clear_output(&f.tp);
		int rc = script_exec(&f.sys, script, strlen(script));
		if (rc != c->rc)
			test_fail(__FILE__, __LINE__, "case %zu: rc %d, expected %d", i, rc, c->rc);
		const char *out = test_platform_output(&f.tp);
		size_t n = strlen(out);
		if (c->output && !strstr(out, c->output))
			test_fail(__FILE__, __LINE__, "case %zu: output ends \"%s\", expected \"%s\" in it", i,
				  n > 60 ? out + n - 60 : out, c->output);
		/* the screen is given back: default colours, cursor on */
		CHECK(f.tp.cursor_visible);
		system_fini(&f.sys);
	}
}

TEST(menu_choose_destroys_menu_unless_keep)
{
	static const int keys[] = {KEY_ENTER, KEY_ENTER};
	struct choose_fixture f;
	REQUIRE(choose_setup(&f, keys, COUNT(keys)) == 0);
	const char script[] = "menu --name m Title\nitem --menu m x X\nchoose --menu m --keep a\nchoose --menu m b\n"
			      "echo ${a} ${b}\nchoose --menu m c\n";
	CHECK_INT(script_exec(&f.sys, script, strlen(script)), -WBE_MENU_NOT_FOUND);
	CHECK(strstr(test_platform_output(&f.tp), "x x\n") != NULL);
	system_fini(&f.sys);
}

TEST(menu_item_and_menu_commands)
{
	struct choose_fixture f;
	REQUIRE(choose_setup(&f, NULL, 0) == 0);
	const char no_menu[] = "item a A\n";
	CHECK_INT(script_exec(&f.sys, no_menu, strlen(no_menu)), -WBE_MENU_NOT_FOUND);
	const char bad_key[] = "menu\nitem --key ^ab a A\n";
	CHECK_INT(script_exec(&f.sys, bad_key, strlen(bad_key)), -WBE_CMD_USAGE);
	const char del[] = "menu --name gone\nmenu --name gone --delete\nitem --menu gone a A\n";
	CHECK_INT(script_exec(&f.sys, del, strlen(del)), -WBE_MENU_NOT_FOUND);
	const char del_missing[] = "menu --name never --delete\n"; /* no error, as in iPXE */
	CHECK_INT(script_exec(&f.sys, del_missing, strlen(del_missing)), 0);
	/* items land in the menu named, else in the unnamed one (not the latest), as in iPXE */
	const char two[] = "menu Main\nmenu --name second\nitem --menu second a A\nitem b B\n";
	CHECK_INT(script_exec(&f.sys, two, strlen(two)), 0);
	CHECK_INT(menu_find(&f.sys.menus, "second")->count, 1);
	CHECK_STR(menu_find(&f.sys.menus, NULL)->items[0].label, "b");
	const char no_unnamed[] = "menu --delete\nitem c C\n";
	CHECK_INT(script_exec(&f.sys, no_unnamed, strlen(no_unnamed)), -WBE_MENU_NOT_FOUND);
	system_fini(&f.sys);
}

struct colour_case {
	const char *setup;  /* colour/cpair lines before the menu */
	unsigned select_bg; /* background of the selected row */
	unsigned normal_bg; /* background of the other rows */
};

static const struct colour_case colour_cases[] = {
	{"", SCREEN_RED, SCREEN_BLUE}, /* iPXE's defaults */
	{"cpair --foreground 0 --background 2 2\n", SCREEN_GREEN, SCREEN_BLUE},
	{"cpair 1\n", SCREEN_RED, SCREEN_DEFAULT}, /* colours not given are the default */
	{"colour --basic 6 1\n", SCREEN_CYAN, SCREEN_BLUE},   /* red now shows as cyan */
	{"colour --rgb 0x00ff00 4\n", SCREEN_RED, SCREEN_GREEN}, /* nearest basic colour */
	{"colour 4\n", SCREEN_RED, SCREEN_DEFAULT},                /* no option: the default colour */
	{"colour --basic 9 1\n", SCREEN_DEFAULT, SCREEN_BLUE},
};

/* The colours set by script lines are the ones a menu draws with. */
TEST(menu_colours_from_cpair_and_colour)
{
	for (size_t i = 0; i < COUNT(colour_cases); i++) {
		struct choose_fixture f;
		REQUIRE(choose_setup(&f, NULL, 0) == 0);
		const char *setup = colour_cases[i].setup;
		REQUIRE(script_exec(&f.sys, setup, strlen(setup)) == 0);
		struct menu_view v;
		struct menu *m;
		REQUIRE(menu_create(&f.sys.menus, NULL, "T", &m) == 0);
		menu_add_item(m, "a", "A", 0, false);
		menu_add_item(m, "b", "B", 0, false);
		REQUIRE(menu_view_start(&v, m, NULL, 0, 0) == 0);
		menu_view_draw(&v, &f.sys.screen, &f.sys.console, 0);
		if (f.tp.cell_bg[3][2] != colour_cases[i].select_bg || f.tp.cell_bg[4][2] != colour_cases[i].normal_bg)
			test_fail(__FILE__, __LINE__, "case %zu: backgrounds %u/%u, expected %u/%u", i, f.tp.cell_bg[3][2],
				  f.tp.cell_bg[4][2], colour_cases[i].select_bg, colour_cases[i].normal_bg);
		system_fini(&f.sys);
	}
}

TEST(menu_console_and_colour_errors)
{
	struct choose_fixture f;
	REQUIRE(choose_setup(&f, NULL, 0) == 0);
	static const struct {
		const char *line;
		int rc;
		const char *output;
	} cases[] = {
		{"console\n", 0, "console: 80 columns, 25 rows\n"},
		{"console --picture http://x/y.png --x 1024\n", 0, "console: --x is not supported"},
		{"console --cols 100\n", -WBE_NOTSUP, "the terminal sets its own size here"},
		{"colour 8\n", -WBE_CMD_USAGE, "colour \"8\" is not a number from 0 to 7"},
		{"colour --basic 8 1\n", -WBE_CMD_USAGE, "--basic is a colour 0-7, or 9 for the default"},
		{"colour --rgb 0x1000000 1\n", -WBE_CMD_USAGE, "--rgb"},
		{"cpair --foreground 8 1\n", -WBE_CMD_USAGE, "colours are 0-7, or 9 for the default"},
		{"cpair 8\n", -WBE_CMD_USAGE, "pair \"8\""},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		test_platform_clear_output(&f.tp);
		int rc = script_exec(&f.sys, cases[i].line, strlen(cases[i].line));
		if (rc != cases[i].rc || !strstr(test_platform_output(&f.tp), cases[i].output))
			test_fail(__FILE__, __LINE__, "%s: rc %d, output \"%s\"", cases[i].line, rc,
				  test_platform_output(&f.tp));
	}
	system_fini(&f.sys);
}
