/* menu.c - menus and choosing from them (contract in wireboot/menu.h). */
#include "wireboot/menu.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
#include "wireboot/platform.h"
#include "wireboot/screen.h"

#include <string.h>

/* Screen layout, as iPXE draws its menus: the title centred on row 1, items from row 3 in a
 * band one column in from each edge, two rows kept free at the bottom. */
#define TITLE_ROW 1
#define ITEMS_ROW 3
#define BOTTOM_ROWS 2
#define SIDE_COLS 1
#define NS_PER_S 1000000000ULL

void menu_set_init(struct menu_set *set)
{
	named_set_init(&set->menus);
}

static struct menu *menu_of(struct named *member)
{
	return member ? container_of(member, struct menu, named) : NULL;
}

void menu_destroy(struct menu_set *set, struct menu *menu)
{
	named_remove(&set->menus, &menu->named);
	for (size_t i = 0; i < menu->count; i++) {
		wb_free(menu->items[i].label);
		wb_free(menu->items[i].text);
	}
	wb_free(menu->items);
	wb_free(menu->title);
	wb_free(menu);
}

void menu_set_fini(struct menu_set *set)
{
	while (set->menus.count)
		menu_destroy(set, menu_of(named_newest(&set->menus)));
}

struct menu *menu_find(struct menu_set *set, const char *name)
{
	return menu_of(named_find(&set->menus, name));
}

int menu_create(struct menu_set *set, const char *name, const char *title, struct menu **out)
{
	title = title ? title : "";
	if ((name && strlen(name) > MENU_TEXT_MAX) || strlen(title) > MENU_TEXT_MAX)
		return -WBE_RANGE;
	struct menu *old = menu_find(set, name ? name : "");
	if (old)
		menu_destroy(set, old);
	if (set->menus.count >= MENUS_MAX)
		return -WBE_MENU_TOO_MANY;
	struct menu *menu = wb_zalloc(sizeof(*menu));
	if (!menu)
		return -WBE_NOMEM;
	menu->title = wb_strdup(title);
	if (!menu->title || named_add(&set->menus, &menu->named, name)) {
		wb_free(menu->title);
		wb_free(menu);
		return -WBE_NOMEM;
	}
	if (out)
		*out = menu;
	return 0;
}

int menu_add_item(struct menu *menu, const char *label, const char *text, int shortcut, bool is_default)
{
	text = text ? text : "";
	if ((label && strlen(label) > MENU_TEXT_MAX) || strlen(text) > MENU_TEXT_MAX)
		return -WBE_RANGE;
	if (menu->count >= MENU_ITEMS_MAX)
		return -WBE_MENU_TOO_MANY;
	if (menu->count == menu->capacity) {
		size_t capacity = menu->capacity ? menu->capacity * 2 : 8;
		struct menu_item *items = wb_realloc(menu->items, capacity * sizeof(*items));
		if (!items)
			return -WBE_NOMEM;
		menu->items = items;
		menu->capacity = capacity;
	}
	struct menu_item item = {NULL, wb_strdup(text), shortcut, is_default};
	if (label)
		item.label = wb_strdup(label);
	if (!item.text || (label && !item.label)) {
		wb_free(item.label);
		wb_free(item.text);
		return -WBE_NOMEM;
	}
	menu->items[menu->count++] = item;
	return 0;
}

/* ---- choosing ------------------------------------------------------------------------- */

static bool selectable(const struct menu *menu, size_t i)
{
	return menu->items[i].label != NULL;
}

/* The selectable item nearest to @from (< count) in direction @step (+1/-1), starting at
 * @from itself; if there is none that way, the nearest the other way. The menu has one
 * (menu_view_start() made sure), so @fallback (the current selection) is never returned in
 * practice; it keeps the function total. */
static size_t nearest_selectable(const struct menu *menu, size_t from, int step, size_t fallback)
{
	for (int pass = 0; pass < 2; pass++, step = -step) {
		for (size_t i = from; i < menu->count; i += (size_t)step) { /* 0 - 1 wraps past count */
			if (selectable(menu, i))
				return i;
		}
	}
	return fallback;
}

int menu_view_start(struct menu_view *view, const struct menu *menu, const char *default_label,
		    uint64_t timeout_ns, uint64_t now_ns)
{
	memset(view, 0, sizeof(*view));
	view->menu = menu;
	size_t first = menu->count, marked = menu->count, named = menu->count;
	for (size_t i = 0; i < menu->count; i++) {
		if (!selectable(menu, i))
			continue;
		if (first == menu->count)
			first = i;
		if (menu->items[i].is_default && marked == menu->count)
			marked = i;
		if (default_label && named == menu->count && strcmp(menu->items[i].label, default_label) == 0)
			named = i;
	}
	if (first == menu->count)
		return -WBE_MENU_EMPTY;
	view->selected = named < menu->count ? named : marked < menu->count ? marked : first;
	view->deadline_ns = timeout_ns ? now_ns + timeout_ns : 0;
	return 0;
}

/* Items that fit on the screen (at least one, also on a tiny screen). */
static size_t visible_items(const struct menu_view *view)
{
	unsigned rows = view->rows ? view->rows : 25;
	return rows > ITEMS_ROW + BOTTOM_ROWS ? rows - ITEMS_ROW - BOTTOM_ROWS : 1;
}

static void move_selection(struct menu_view *view, long delta)
{
	const struct menu *menu = view->menu;
	long target = (long)view->selected + delta;
	if (target < 0)
		target = 0;
	if (target >= (long)menu->count)
		target = (long)menu->count - 1;
	view->selected = nearest_selectable(menu, (size_t)target, delta < 0 ? -1 : +1, view->selected);
}

enum menu_event menu_view_key(struct menu_view *view, int key, uint64_t now_ns)
{
	const struct menu *menu = view->menu;
	long page = (long)visible_items(view);
	/* any key: the user is here; stop counting down, or start again with --retimeout */
	view->deadline_ns = view->retimeout_ns ? now_ns + view->retimeout_ns : 0;
	switch (key) {
	case KEY_UP:
		move_selection(view, -1);
		return MENU_WAITING;
	case KEY_DOWN:
		move_selection(view, +1);
		return MENU_WAITING;
	case KEY_PAGE_UP:
		move_selection(view, -page);
		return MENU_WAITING;
	case KEY_PAGE_DOWN:
		move_selection(view, page);
		return MENU_WAITING;
	case KEY_HOME:
		move_selection(view, -(long)menu->count);
		return MENU_WAITING;
	case KEY_END:
		move_selection(view, (long)menu->count);
		return MENU_WAITING;
	case KEY_ENTER:
	case '\n':
		return MENU_CHOSEN;
	case KEY_ESC:
	case KEY_CTRL_C:
		return MENU_CANCELLED;
	default:
		break;
	}
	for (size_t i = 0; i < menu->count; i++) {
		if (selectable(menu, i) && menu->items[i].shortcut && menu->items[i].shortcut == key) {
			view->selected = i;
			return MENU_CHOSEN;
		}
	}
	return MENU_WAITING;
}

enum menu_event menu_view_tick(struct menu_view *view, uint64_t now_ns)
{
	return view->deadline_ns && now_ns >= view->deadline_ns ? MENU_CHOSEN : MENU_WAITING;
}

const struct menu_item *menu_view_selected(const struct menu_view *view)
{
	return &view->menu->items[view->selected];
}

/* Seconds left of the timeout, rounded up (what the countdown shows); 0 without one. */
static uint64_t seconds_left(const struct menu_view *view, uint64_t now_ns)
{
	if (!view->deadline_ns)
		return 0;
	if (now_ns >= view->deadline_ns)
		return 0;
	return (view->deadline_ns - now_ns + NS_PER_S - 1) / NS_PER_S;
}

/* Writes at most @max code points of @text (UTF-8), C0 controls and DEL as '?' so that no
 * text can move the cursor or send the terminal commands; returns how many were written. */
static size_t write_text(struct console *con, const char *text, size_t max)
{
	size_t n = 0;
	const char *p = text;
	while (*p && n < max) {
		const char *start = p++;
		while (((unsigned char)*p & 0xc0) == 0x80)
			p++;
		unsigned char c = (unsigned char)*start;
		if (c < 0x20 || c == 0x7f)
			console_write(con, "?", 1);
		else
			console_write(con, start, (size_t)(p - start));
		n++;
	}
	return n;
}

/* Code points of @text (UTF-8). */
static size_t text_length(const char *text)
{
	size_t n = 0;
	for (; *text; text++)
		n += ((unsigned char)*text & 0xc0) != 0x80;
	return n;
}

static void write_spaces(struct console *con, size_t n)
{
	static const char spaces[] = "                                ";
	while (n) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		console_write(con, spaces, chunk);
		n -= chunk;
	}
}

/* One row of the menu: item @index (or blank when past the end), padded to the band's width,
 * with the countdown at its right end on the selected item. When the menu scrolls, the
 * band's last column is kept for the "^"/"v" that say more items lie above or below. */
static void draw_row(struct menu_view *view, struct screen *screen, struct console *con, size_t index,
		     uint64_t seconds)
{
	const struct menu *menu = view->menu;
	size_t band = view->cols > 2 * SIDE_COLS ? view->cols - 2 * SIDE_COLS : 1;
	bool scrolls = menu->count > visible_items(view);
	size_t width = scrolls && band > 1 ? band - 1 : band;
	unsigned row = ITEMS_ROW + (unsigned)(index - view->first);
	screen_move(screen, SIDE_COLS, row);
	if (index >= menu->count) {
		screen_use_pair(screen, CPAIR_NORMAL);
		write_spaces(con, band);
		return;
	}
	const struct menu_item *item = &menu->items[index];
	screen_use_pair(screen, !item->label ? CPAIR_SEPARATOR : index == view->selected ? CPAIR_SELECT : CPAIR_NORMAL);
	char countdown[24] = "";
	size_t countdown_len = 0;
	if (index == view->selected && seconds) {
		countdown_len = (size_t)wb_snprintf(countdown, sizeof(countdown), "(%llu)", (unsigned long long)seconds);
		if (countdown_len + 2 > width)
			countdown_len = 0;
	}
	const char *text = item->text[0] || !item->label ? item->text : item->label;
	size_t room = width - countdown_len - (countdown_len ? 1 : 0);
	console_write(con, " ", 1); /* a margin inside the highlight, as iPXE draws it */
	size_t shown = write_text(con, text, room > 1 ? room - 1 : 0);
	write_spaces(con, width - 1 - shown - countdown_len);
	console_write(con, countdown, countdown_len);
	if (!scrolls)
		return;
	bool more_above = index == view->first && view->first > 0;
	bool more_below = index + 1 == view->first + visible_items(view) && index + 1 < menu->count;
	screen_use_pair(screen, CPAIR_NORMAL);
	console_write(con, more_above ? "^" : more_below ? "v" : " ", band > width ? 1 : 0);
}

static void draw_all(struct menu_view *view, struct screen *screen, struct console *con, uint64_t seconds)
{
	const struct menu *menu = view->menu;
	screen_use_pair(screen, CPAIR_NORMAL);
	screen_clear(screen);
	size_t length = text_length(menu->title);
	screen_move(screen, (unsigned)(length < view->cols ? (view->cols - length) / 2 : 0), TITLE_ROW);
	write_text(con, menu->title, view->cols);
	for (size_t i = 0; i < visible_items(view); i++)
		draw_row(view, screen, con, view->first + i, seconds);
}

void menu_view_draw(struct menu_view *view, struct screen *screen, struct console *con, uint64_t now_ns)
{
	if (!view->drawn)
		screen_size(screen, &view->cols, &view->rows);
	size_t visible = visible_items(view);
	/* scroll just enough to keep the selection on the screen */
	if (view->selected < view->first)
		view->first = view->selected;
	else if (view->selected >= view->first + visible)
		view->first = view->selected - visible + 1;
	uint64_t seconds = seconds_left(view, now_ns);
	bool whole = !view->drawn || view->first != view->drawn_first;
	bool moved = view->drawn_selected != view->selected;
	if (!whole && !moved && view->drawn_seconds == seconds)
		return; /* nothing changed: keep the serial line quiet */
	if (whole) {
		draw_all(view, screen, con, seconds);
	} else {
		if (moved)
			draw_row(view, screen, con, view->drawn_selected, seconds);
		draw_row(view, screen, con, view->selected, seconds);
	}
	view->drawn = true;
	view->drawn_first = view->first;
	view->drawn_selected = view->selected;
	view->drawn_seconds = seconds;
	screen_move(screen, 0, view->rows ? view->rows - 1 : 0);
}
