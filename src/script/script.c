/* script.c - the line executor and the interactive shell (contract in wireboot/script.h). */
#include "wireboot/script.h"
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/system.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void print_error(struct system *sys, const char *what, int rc)
{
	char text[160];
	errors_format(text, sizeof(text), rc);
	console_printf(&sys->console, "%s: %s\n", what, text);
}

/* Runs one command held in @cmd (modified in place: split into arguments). */
static int exec_command(struct system *sys, char *cmd)
{
	char *argv[SCRIPT_ARGS_MAX + 1];
	int argc = 0;
	char *p = cmd;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (argc == SCRIPT_ARGS_MAX) {
			print_error(sys, argv[0], -WBE_CMD_TOO_MANY_ARGS);
			return -WBE_CMD_TOO_MANY_ARGS;
		}
		argv[argc++] = p;
		while (*p && !is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	const struct command *command = command_find(argv[0]);
	if (!command) {
		print_error(sys, argv[0], -WBE_CMD_UNKNOWN);
		return -WBE_CMD_UNKNOWN;
	}
	int rc = command->exec(sys, argc, argv);
	/* usage errors already printed the usage; `exit` is not an error */
	if (rc && rc != -WBE_CMD_USAGE && rc != -WBE_EXIT)
		print_error(sys, argv[0], rc);
	return rc;
}

int script_exec_line(struct system *sys, const char *line)
{
	char copy[SCRIPT_LINE_MAX];
	size_t n = strlen(line);
	if (n >= sizeof(copy)) {
		print_error(sys, "script", -WBE_CMD_LINE_TOO_LONG);
		return -WBE_CMD_LINE_TOO_LONG;
	}
	memcpy(copy, line, n + 1);
	int rc = 0;
	char *cmd = copy;
	for (;;) {
		char *semicolon = strchr(cmd, ';');
		if (semicolon)
			*semicolon = '\0';
		rc = exec_command(sys, cmd);
		if (rc || sys->exit_requested || !semicolon)
			return rc;
		cmd = semicolon + 1;
	}
}

/* Consumes a pending `exit` for the innermost script or shell and returns its status. */
static int take_exit(struct system *sys)
{
	sys->exit_requested = false;
	return sys->exit_status == 0 ? 0 : -WBE_EXIT;
}

int script_exec(struct system *sys, const char *text, size_t len)
{
	char line[SCRIPT_LINE_MAX];
	size_t pos = 0;
	unsigned lineno = 0;
	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n >= sizeof(line)) {
			console_printf(&sys->console, "script: line %u is longer than %u bytes\n", lineno,
				       SCRIPT_LINE_MAX - 1);
			return -WBE_CMD_LINE_TOO_LONG;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		if (memchr(line, '\0', n)) {
			console_printf(&sys->console, "script: line %u contains a NUL byte\n", lineno);
			return -WBE_INVAL;
		}
		const char *p = line;
		while (is_space(*p))
			p++;
		/* "#!ipxe" and every other '#' line is a comment (iPXE treats the header as one) */
		if (*p == '#' || *p == '\0')
			continue;
		int rc = script_exec_line(sys, p);
		if (sys->exit_requested)
			return take_exit(sys);
		if (rc)
			return rc;
	}
	return 0;
}

int shell_run(struct system *sys)
{
	char line[SCRIPT_LINE_MAX];
	sys->shell_depth++;
	int result = 0;
	for (;;) {
		console_puts(&sys->console, "wireboot> ");
		int n = console_readline(&sys->console, &sys->loop, line, sizeof(line));
		if (n == -WBE_CANCELED)
			continue;
		if (n < 0)
			break; /* console input closed: leave the shell as `exit` would */
		script_exec_line(sys, line);
		if (sys->exit_requested) {
			result = take_exit(sys);
			break;
		}
	}
	sys->shell_depth--;
	return result;
}
