/*
 * menu.h - iPXE's menus: named menus of items (`menu`, `item`) and the interaction that lets
 * the user pick one (`choose`): drawing on the full-screen console, keys, a timeout with a
 * countdown, a default item, gaps, and scrolling for menus longer than the screen.
 *
 * The interaction (struct menu_view) is sans-I/O: keys and the time go in, events come out,
 * and drawing goes through struct screen and the console, so it is unit-tested on a
 * recorded screen.
 *
 * Ownership: a menu_set owns its menus, a menu its items and their strings (copied).
 */
#ifndef WIREBOOT_MENU_H
#define WIREBOOT_MENU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/named.h"

struct console;
struct screen;

#define MENUS_MAX 64
#define MENU_ITEMS_MAX 1024
#define MENU_TEXT_MAX 256 /* title, label and text bytes */
/* Text is shown one column per code point (wide CJK characters are not measured); control
 * characters, which a ${...} expansion of network data could carry, are shown as '?'. */

struct menu_item {
	char *label;  /* what `choose` stores; NULL for a gap (not selectable) */
	char *text;   /* what is shown ("" shows the label) */
	int shortcut; /* key that picks the item at once, 0 for none */
	bool is_default;
};

struct menu {
	struct named named; /* named.name: "" for the unnamed menu */
	char *title;        /* "" for none */
	struct menu_item *items;
	size_t count, capacity;
};

struct menu_set {
	struct named_set menus; /* most recently created first */
};

void menu_set_init(struct menu_set *set);
/** menu_set_fini() - destroy every menu. */
void menu_set_fini(struct menu_set *set);

/**
 * menu_create() - a new empty menu @name (NULL: the unnamed one) titled @title (NULL: none),
 * replacing a menu of the same name, as iPXE does. Returns 0 and *@out (may be NULL),
 * -WBE_RANGE for names or titles longer than MENU_TEXT_MAX, -WBE_MENU_TOO_MANY, -WBE_NOMEM.
 */
int menu_create(struct menu_set *set, const char *name, const char *title, struct menu **out);

/** menu_find() - the menu called @name (NULL: the unnamed one, as in iPXE); NULL if none. */
struct menu *menu_find(struct menu_set *set, const char *name);

/** menu_destroy() - remove @menu from @set and free it. */
void menu_destroy(struct menu_set *set, struct menu *menu);

/**
 * menu_add_item() - append an item; @label NULL makes a gap showing @text (NULL: empty).
 * Returns 0, -WBE_RANGE for over-long strings, -WBE_MENU_TOO_MANY, -WBE_NOMEM.
 */
int menu_add_item(struct menu *menu, const char *label, const char *text, int shortcut, bool is_default);

enum menu_event {
	MENU_WAITING,   /* nothing decided yet */
	MENU_CHOSEN,    /* Enter, a shortcut key, or the timeout: menu_view_selected() */
	MENU_CANCELLED, /* Esc */
};

struct menu_view {
	const struct menu *menu;
	size_t selected;       /* index of a selectable item */
	size_t first;          /* first item on the screen */
	uint64_t deadline_ns;  /* when the timeout chooses; 0: no timeout (or a key stopped it) */
	uint64_t retimeout_ns; /* after a key, the timeout starts again with this (0: it stops) */
	/* what is on the screen, to redraw only what changed */
	bool drawn;
	size_t drawn_selected, drawn_first;
	uint64_t drawn_seconds;
	unsigned cols, rows;
};

/**
 * menu_view_start() - begin choosing from @menu. The selection starts on the item labelled
 * @default_label (NULL or unknown: the item marked default, else the first selectable);
 * @timeout_ns (0: none) counts from @now_ns. Returns 0, or -WBE_MENU_EMPTY when @menu has
 * no selectable item.
 */
int menu_view_start(struct menu_view *view, const struct menu *menu, const char *default_label,
		    uint64_t timeout_ns, uint64_t now_ns);

/**
 * menu_view_key() - one key (a code point or KEY_*) at @now_ns: Up/Down/Page Up/Page
 * Down/Home/End move over gaps, Enter chooses, Esc and Ctrl-C cancel, an item's shortcut
 * selects and chooses it. Any key stops the timeout, or restarts it with view->retimeout_ns
 * (iPXE's `choose --retimeout`).
 */
enum menu_event menu_view_key(struct menu_view *view, int key, uint64_t now_ns);

/** menu_view_tick() - MENU_CHOSEN once the timeout has passed at @now_ns. */
enum menu_event menu_view_tick(struct menu_view *view, uint64_t now_ns);

/** menu_view_selected() - the selected item (never a gap). */
const struct menu_item *menu_view_selected(const struct menu_view *view);

/**
 * menu_view_draw() - bring the screen up to date at @now_ns: everything the first time,
 * afterwards only rows that changed (the countdown, the selection, a scroll).
 * The screen must be usable (screen_usable()).
 */
void menu_view_draw(struct menu_view *view, struct screen *screen, struct console *con, uint64_t now_ns);

#endif
