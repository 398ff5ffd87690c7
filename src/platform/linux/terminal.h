/*
 * terminal.h - the host program's console as a terminal: keys from stdin, UTF-8 decoded into
 * code points and ANSI/VT100 escape sequences into KEY_* (arrows, Home/End, Page Up/Down,
 * Delete), and the platform's full-screen operations as ECMA-48 control sequences on stdout.
 * Works the same on a real terminal and on pipes, which is how the tests drive menus.
 */
#ifndef WIREBOOT_LINUX_TERMINAL_H
#define WIREBOOT_LINUX_TERMINAL_H

#include <stdbool.h>
#include "wireboot/platform.h"

/** terminal_read_key() - platform console_read_key for stdin (see platform.h). */
int terminal_read_key(const struct platform *p);

void terminal_screen_size(const struct platform *p, unsigned *cols, unsigned *rows);
void terminal_screen_clear(const struct platform *p);
void terminal_screen_move(const struct platform *p, unsigned col, unsigned row);
void terminal_screen_colours(const struct platform *p, unsigned fg, unsigned bg);
void terminal_screen_cursor(const struct platform *p, bool visible);

#endif
