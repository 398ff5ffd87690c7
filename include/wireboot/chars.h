/*
 * chars.h - character classes the parsers share (the freestanding build has no ctype.h, and
 * ctype's answers depend on the locale anyway).
 */
#ifndef WIREBOOT_CHARS_H
#define WIREBOOT_CHARS_H

/** hex_digit_value() - 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
static inline int hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
