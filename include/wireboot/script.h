/*
 * script.h - running commands the way iPXE does: the line executor, scripts and the shell.
 *
 * A line is split at whitespace into tokens (no quoting, as in iPXE). The tokens "||", "&&"
 * and ";" separate commands: after "||" the next command runs only if the previous status
 * was a failure, after "&&" only on success, after ";" always; a token starting with '#'
 * ends the line (comment). As a convenience beyond iPXE, a token ending in ';' ("a; b") also
 * ends its command (a ';' inside a token, as in a URL, is kept). Each token of a command that
 * runs is expanded on its own (${...}, see expand.h), so a value with spaces stays one
 * argument. The line's status is that of the last command that ran.
 *
 * In a script: an optional "#!ipxe" first line; lines ending in '\' continue on the next;
 * lines starting with ':' are labels for `goto`; a line whose status is a failure stops the
 * script with that status (iPXE's rule), so `cmd || goto fallback` is how scripts handle
 * errors. `exit [N]` ends the innermost script or shell; N > 0 is a failure (-WBE_EXIT,
 * N in sys->exit_status). Every failed command's error is printed with its code, except
 * usage errors (the usage was printed), `exit` and false conditions (WBE_SCRIPT_FALSE).
 * The builtin setting `errno` holds the code of the last failure ("0x0302").
 */
#ifndef WIREBOOT_SCRIPT_H
#define WIREBOOT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

struct system;

#define SCRIPT_LINE_MAX 1024 /* a line, after joining '\' continuations */
#define SCRIPT_ARGS_MAX 64
#define SCRIPT_ARG_MAX 8192  /* one argument after expansion */
#define SCRIPT_DEPTH_MAX 16  /* scripts running scripts (chain) */

/* One running script: what `goto` searches and moves. */
struct script_run {
	const char *text;
	size_t len;
	size_t next; /* offset of the next line to run */
	struct script_run *outer;
};

/**
 * script_exec_line() - run one line (several commands joined by "||", "&&", ";").
 * @line is not modified. Returns the status of the last command run: 0 or its negative rc.
 */
int script_exec_line(struct system *sys, const char *line);

/**
 * script_exec() - run @len bytes of script text (not modified, must stay valid while it
 * runs). Returns 0 when it ran to its end or `exit`/`exit 0`, -WBE_EXIT after `exit N` with
 * N > 0 (N in sys->exit_status), else the status of the line that failed.
 */
int script_exec(struct system *sys, const char *text, size_t len);

/**
 * script_goto() - make the innermost running script continue after the line ":@label".
 * Returns 0, -WBE_SCRIPT_NOT_IN_SCRIPT (no script running), -WBE_SCRIPT_LABEL (no such label;
 * the script's position is unchanged).
 */
int script_goto(struct system *sys, const char *label);

/**
 * shell_run() - interactive prompt with line editing and history until `exit` or the end of
 * console input. Errors of single commands are printed, not returned. Returns 0 (end of input,
 * `exit`, `exit 0`), or -WBE_EXIT after `exit N` with N > 0 (N in sys->exit_status).
 */
int shell_run(struct system *sys);

#endif
