/*
 * screen.h - full-screen text on top of the platform's screen operations, with iPXE's colour
 * model: eight colours (0-7, enum screen_colour) that `colour` may map onto other basic
 * colours, 9 meaning the terminal's default, and eight colour pairs (foreground and
 * background) that menus draw with and `cpair` redefines.
 *
 * The colour tables live in the struct screen (one per system); nothing is global.
 */
#ifndef WIREBOOT_SCREEN_H
#define WIREBOOT_SCREEN_H

#include <stdbool.h>
#include <stdint.h>
#include "wireboot/platform.h"

/* iPXE's colour pair numbers: scripts name them in `cpair`. */
enum screen_pair {
	CPAIR_DEFAULT,   /* the terminal's colours */
	CPAIR_NORMAL,    /* menu background and unselected items */
	CPAIR_SELECT,    /* the selected menu item */
	CPAIR_SEPARATOR, /* gaps (item --gap) */
	CPAIR_EDIT,      /* editable fields (login) */
	CPAIR_ALERT,     /* warnings */
	CPAIR_URL,       /* links */
	CPAIR_PXE,       /* PXE menus */
	SCREEN_PAIRS,
};

#define SCREEN_COLOURS 8 /* colours 0-7 can be redefined; 9 is the default colour */

struct screen {
	const struct platform *platform;
	uint8_t basic[SCREEN_COLOURS]; /* colour N is drawn as basic colour basic[N] (9: default) */
	uint8_t fg[SCREEN_PAIRS], bg[SCREEN_PAIRS];
};

/** screen_init() - iPXE's default colours and pairs (white on blue menus, white on red
 * selection, cyan on blue gaps). */
void screen_init(struct screen *s, const struct platform *platform);

/** screen_usable() - the platform can draw full-screen text (menus need it). */
bool screen_usable(const struct screen *s);

/**
 * screen_set_colour() - draw colour @colour (0-7) as basic colour @basic (0-7, or 9: the
 * terminal's default) from now on. Returns 0 or -WBE_RANGE.
 */
int screen_set_colour(struct screen *s, unsigned colour, unsigned basic);

/**
 * screen_set_pair() - pair @pair (0-7) is foreground @fg on background @bg; colours 0-7 or
 * 9 (default). Returns 0 or -WBE_RANGE.
 */
int screen_set_pair(struct screen *s, unsigned pair, unsigned fg, unsigned bg);

/** screen_use_pair() - text written from now on has the colours of @pair. */
void screen_use_pair(struct screen *s, enum screen_pair pair);

/* Thin wrappers over the platform's operations (must be screen_usable()). */
void screen_size(struct screen *s, unsigned *cols, unsigned *rows);
void screen_clear(struct screen *s);
void screen_move(struct screen *s, unsigned col, unsigned row);
void screen_cursor(struct screen *s, bool visible);

/** screen_colour_valid() - @colour is 0-7 or 9, as `colour` and `cpair` accept. */
bool screen_colour_valid(unsigned long colour);

#endif
