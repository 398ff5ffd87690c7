/* screen.c - colours, colour pairs and full-screen text (contract in wireboot/screen.h). */
#include "wireboot/screen.h"
#include "wireboot/errors.h"

void screen_init(struct screen *s, const struct platform *platform)
{
	s->platform = platform;
	for (unsigned i = 0; i < SCREEN_COLOURS; i++)
		s->basic[i] = (uint8_t)i;
	/* iPXE's defaults (its config/colour.h), so scripts that never say `cpair` look the same */
	static const uint8_t fg[SCREEN_PAIRS] = {SCREEN_DEFAULT, SCREEN_WHITE, SCREEN_WHITE, SCREEN_CYAN,
						 SCREEN_BLACK,   SCREEN_WHITE, SCREEN_CYAN,  SCREEN_BLACK};
	static const uint8_t bg[SCREEN_PAIRS] = {SCREEN_DEFAULT, SCREEN_BLUE, SCREEN_RED,  SCREEN_BLUE,
						 SCREEN_CYAN,    SCREEN_RED,  SCREEN_BLUE, SCREEN_WHITE};
	for (unsigned i = 0; i < SCREEN_PAIRS; i++) {
		s->fg[i] = fg[i];
		s->bg[i] = bg[i];
	}
}

bool screen_usable(const struct screen *s)
{
	const struct platform *p = s->platform;
	return p->screen_size && p->screen_clear && p->screen_move && p->screen_colours && p->screen_cursor;
}

bool screen_colour_valid(unsigned long colour)
{
	return colour < SCREEN_COLOURS || colour == SCREEN_DEFAULT;
}

int screen_set_colour(struct screen *s, unsigned colour, unsigned basic)
{
	if (colour >= SCREEN_COLOURS || !screen_colour_valid(basic))
		return -WBE_RANGE;
	s->basic[colour] = (uint8_t)basic;
	return 0;
}

int screen_set_pair(struct screen *s, unsigned pair, unsigned fg, unsigned bg)
{
	if (pair >= SCREEN_PAIRS || !screen_colour_valid(fg) || !screen_colour_valid(bg))
		return -WBE_RANGE;
	s->fg[pair] = (uint8_t)fg;
	s->bg[pair] = (uint8_t)bg;
	return 0;
}

/* What colour @colour is drawn as: its basic colour, or the terminal's default. */
static unsigned basic_of(const struct screen *s, unsigned colour)
{
	return colour < SCREEN_COLOURS ? s->basic[colour] : SCREEN_DEFAULT;
}

void screen_use_pair(struct screen *s, enum screen_pair pair)
{
	s->platform->screen_colours(s->platform, basic_of(s, s->fg[pair]), basic_of(s, s->bg[pair]));
}

void screen_size(struct screen *s, unsigned *cols, unsigned *rows)
{
	s->platform->screen_size(s->platform, cols, rows);
}

void screen_clear(struct screen *s)
{
	s->platform->screen_clear(s->platform);
}

void screen_move(struct screen *s, unsigned col, unsigned row)
{
	s->platform->screen_move(s->platform, col, row);
}

void screen_cursor(struct screen *s, bool visible)
{
	s->platform->screen_cursor(s->platform, visible);
}
