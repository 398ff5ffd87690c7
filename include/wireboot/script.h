/*
 * script.h - running commands: the line executor and the interactive shell.
 *
 * This executor handles the structure that every later script feature builds on: an optional
 * "#!ipxe" first line, '#' comments, blank lines, one command per line or several separated
 * by ';', whitespace-separated arguments. A failing command stops the script (iPXE's rule)
 * and its error is printed with its code. `exit` ends the innermost running script or shell
 * (the rest of its line too); `exit N` with N > 0 makes that script or shell fail with
 * -WBE_EXIT, which, like any failing command, also stops the script that started it.
 */
#ifndef WIREBOOT_SCRIPT_H
#define WIREBOOT_SCRIPT_H

#include <stddef.h>

struct system;

#define SCRIPT_LINE_MAX 1024
#define SCRIPT_ARGS_MAX 64

/**
 * script_exec_line() - run one line (which may hold several ';'-separated commands).
 * @line is not modified. Returns the status of the last command run: 0, or its negative rc.
 */
int script_exec_line(struct system *sys, const char *line);

/**
 * script_exec() - run @len bytes of script text. Returns 0 when every line succeeded or the
 * script ran `exit` / `exit 0`, -WBE_EXIT after `exit N` with N > 0 (N in sys->exit_status),
 * else the failing command's rc.
 */
int script_exec(struct system *sys, const char *text, size_t len);

/**
 * shell_run() - interactive prompt until `exit` or the end of console input. Errors of single
 * commands are printed, not returned. Returns 0 (end of input, `exit`, `exit 0`), or
 * -WBE_EXIT after `exit N` with N > 0 (N in sys->exit_status).
 */
int shell_run(struct system *sys);

#endif
