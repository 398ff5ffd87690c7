/* script.c - the line executor, scripts and the interactive shell (contract in wireboot/script.h). */
#include "wireboot/script.h"
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/expand.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"

#include <string.h>

#define TOKENS_MAX (SCRIPT_LINE_MAX / 2 + 1) /* "a b c ...": every other byte a token */
#define ARENA_SIZE (2 * SCRIPT_ARG_MAX)      /* expanded arguments of one command */

/* The executor's scratch space for one line; on the heap since lines nest (chain). */
struct line_work {
	char line[SCRIPT_LINE_MAX];
	char *tokens[TOKENS_MAX + 1];
	char *argv[SCRIPT_ARGS_MAX + 1];
	char arena[ARENA_SIZE];
};

/* iPXE's isspace(): the separators of split_command() */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void print_error(struct system *sys, const char *what, int rc)
{
	char text[160];
	errors_format(text, sizeof(text), rc);
	console_printf(&sys->console, "%s: %s\n", what, text);
}

/* Remembers the last failure in the builtin setting `errno`, as iPXE does. */
static void set_errno(struct system *sys, int rc)
{
	char text[12];
	int n = wb_snprintf(text, sizeof(text), "0x%04x", (unsigned)-rc);
	if (sys->settings.builtin)
		settings_scope_put(sys->settings.builtin, "errno", &setting_type_string, text, (size_t)n);
}

enum terminator { TERM_END, TERM_OR, TERM_AND, TERM_ALWAYS };

/*
 * Counts the tokens of the next command and says what ends it (iPXE's command_terminator).
 * *@skip is how many tokens after the command belong to the terminator: 1 for "||", "&&" and
 * ";", 0 when the command's last token carried the ';' itself ("a; b").
 */
static int next_command(char **tokens, enum terminator *term, int *skip)
{
	int i;
	*skip = 1;
	for (i = 0; tokens[i]; i++) {
		char *t = tokens[i];
		size_t n = strlen(t);
		if (t[0] == '#')
			break; /* a comment runs to the end of the line */
		if (strcmp(t, "||") == 0 || strcmp(t, "&&") == 0 || strcmp(t, ";") == 0) {
			*term = t[0] == '|' ? TERM_OR : t[0] == '&' ? TERM_AND : TERM_ALWAYS;
			return i;
		}
		if (t[n - 1] == ';') {
			t[n - 1] = '\0';
			*term = TERM_ALWAYS;
			*skip = 0;
			return i + 1;
		}
	}
	*term = TERM_END;
	tokens[i] = NULL; /* drop a comment's tokens */
	return i;
}

static int run_command(struct system *sys, struct line_work *w, char **tokens, int argc)
{
	if (argc == 0)
		return 0;
	if (argc > SCRIPT_ARGS_MAX) {
		print_error(sys, tokens[0], -WBE_CMD_TOO_MANY_ARGS);
		return -WBE_CMD_TOO_MANY_ARGS;
	}
	size_t used = 0;
	for (int i = 0; i < argc; i++) {
		size_t room = ARENA_SIZE - used;
		int n = expand_settings(&sys->settings, tokens[i], w->arena + used,
					room < SCRIPT_ARG_MAX ? room : SCRIPT_ARG_MAX);
		if (n < 0) {
			console_printf(&sys->console, "%s: cannot expand argument %d\n", tokens[0], i);
			print_error(sys, tokens[0], n);
			return n;
		}
		w->argv[i] = w->arena + used;
		used += (size_t)n + 1;
	}
	w->argv[argc] = NULL;
	const struct command *command = command_find(w->argv[0]);
	if (!command) {
		print_error(sys, w->argv[0], -WBE_CMD_UNKNOWN);
		return -WBE_CMD_UNKNOWN;
	}
	int rc = command->exec(sys, argc, w->argv);
	/* usage errors already printed the usage; `exit` and false conditions are not errors */
	if (rc && rc != -WBE_CMD_USAGE && rc != -WBE_EXIT && rc != -WBE_SCRIPT_FALSE)
		print_error(sys, command->name, rc);
	return rc;
}

static int exec_tokens(struct system *sys, struct line_work *w)
{
	char **tokens = w->tokens;
	int rc = 0;
	bool run = true;
	for (;;) {
		enum terminator term;
		int skip;
		int argc = next_command(tokens, &term, &skip);
		if (run)
			rc = run_command(sys, w, tokens, argc);
		if (rc)
			set_errno(sys, rc);
		/* Ctrl-B for the shell: nothing more of the line runs, not even `|| goto failed` */
		if (sys->exit_requested || sys->line_stopped || sys->console.shell_key_pressed || term == TERM_END)
			break;
		tokens += argc + skip;
		run = term == TERM_ALWAYS || (term == TERM_OR ? rc != 0 : rc == 0);
	}
	sys->line_stopped = false;
	return rc;
}

/* Splits w->line in place into w->tokens. */
static void split_tokens(struct line_work *w)
{
	int count = 0;
	char *p = w->line;
	for (;;) {
		while (is_space(*p))
			*p++ = '\0';
		if (!*p)
			break;
		w->tokens[count++] = p;
		while (*p && !is_space(*p))
			p++;
	}
	w->tokens[count] = NULL;
}

static int exec_line(struct system *sys, const char *line, size_t len)
{
	if (len >= SCRIPT_LINE_MAX) {
		print_error(sys, "script", -WBE_CMD_LINE_TOO_LONG);
		return -WBE_CMD_LINE_TOO_LONG;
	}
	struct line_work *w = wb_malloc(sizeof(*w));
	if (!w) {
		print_error(sys, "script", -WBE_NOMEM);
		return -WBE_NOMEM;
	}
	memcpy(w->line, line, len);
	w->line[len] = '\0';
	split_tokens(w);
	int rc = exec_tokens(sys, w);
	wb_free(w);
	return rc;
}

int script_exec_line(struct system *sys, const char *line)
{
	return exec_line(sys, line, strlen(line));
}

/* Consumes a pending `exit` for the innermost script or shell and returns its status. */
static int take_exit(struct system *sys)
{
	sys->exit_requested = false;
	return sys->exit_status == 0 ? 0 : -WBE_EXIT;
}

/*
 * Reads the logical line at run->next into @buf: physical lines ending in '\' are joined
 * (the backslash removed), CR before LF dropped. Returns its length, or a negative rc.
 */
static int read_line(struct system *sys, struct script_run *run, char *buf, unsigned *lineno)
{
	size_t n = 0;
	for (;;) {
		if (run->next >= run->len && n == 0)
			return -WBE_NOENT;
		const char *start = run->text + run->next;
		size_t left = run->len - run->next;
		const char *nl = memchr(start, '\n', left);
		size_t plen = nl ? (size_t)(nl - start) : left;
		run->next += plen + (nl ? 1 : 0);
		(*lineno)++;
		if (plen && start[plen - 1] == '\r')
			plen--;
		if (n + plen >= SCRIPT_LINE_MAX) {
			console_printf(&sys->console, "script: line %u is longer than %u bytes\n", *lineno,
				       SCRIPT_LINE_MAX - 1);
			return -WBE_CMD_LINE_TOO_LONG;
		}
		memcpy(buf + n, start, plen);
		n += plen;
		buf[n] = '\0';
		if (memchr(buf, '\0', n)) {
			console_printf(&sys->console, "script: line %u contains a NUL byte\n", *lineno);
			return -WBE_INVAL;
		}
		if (n == 0 || buf[n - 1] != '\\' || run->next >= run->len)
			return (int)n;
		n--; /* continuation: drop the backslash and append the next line */
	}
}

int script_exec(struct system *sys, const char *text, size_t len)
{
	unsigned depth = 0;
	for (struct script_run *r = sys->script; r; r = r->outer)
		depth++;
	if (depth >= SCRIPT_DEPTH_MAX) {
		print_error(sys, "script", -WBE_SCRIPT_DEPTH);
		return -WBE_SCRIPT_DEPTH;
	}
	char *line = wb_malloc(SCRIPT_LINE_MAX);
	if (!line) {
		print_error(sys, "script", -WBE_NOMEM);
		return -WBE_NOMEM;
	}
	struct script_run run = {text, len, 0, sys->script};
	sys->script = &run;
	unsigned lineno = 0;
	int rc = 0;
	for (;;) {
		int n = read_line(sys, &run, line, &lineno);
		if (n == -WBE_NOENT)
			break;
		if (n < 0) {
			rc = n;
			break;
		}
		if (line[0] == ':')
			continue; /* a label */
		size_t after_line = run.next;
		rc = exec_line(sys, line, (size_t)n);
		/* Ctrl-C typed during a line that did not wait is seen here: on backward jumps (a goto
		 * loop that never waits must still yield), and on every line while Ctrl-B is offered
		 * (that one stops the boot script for the shell). Other keys stay queued. */
		bool look = sys->loop.cancel_requested && !sys->console.shell_key_pressed &&
			    (run.next < after_line || sys->console.shell_key_armed);
		bool interrupted = look && sys->loop.cancel_requested(sys->loop.cancel_ctx);
		if (sys->console.shell_key_pressed) {
			rc = -WBE_CANCELED;
			break;
		}
		if (interrupted) {
			console_printf(&sys->console, "script: interrupted (Ctrl-C) at line %u\n", lineno);
			rc = -WBE_CANCELED;
			break;
		}
		if (sys->exit_requested) {
			rc = take_exit(sys);
			break;
		}
		if (rc)
			break;
	}
	sys->script = run.outer;
	wb_free(line);
	return rc;
}

int script_goto(struct system *sys, const char *label)
{
	struct script_run *run = sys->script;
	if (!run)
		return -WBE_SCRIPT_NOT_IN_SCRIPT;
	size_t label_len = strlen(label);
	size_t pos = 0;
	while (pos < run->len) {
		const char *start = run->text + pos;
		const char *nl = memchr(start, '\n', run->len - pos);
		size_t n = nl ? (size_t)(nl - start) : run->len - pos;
		pos += n + (nl ? 1 : 0);
		while (n && is_space(start[n - 1]))
			n--; /* trailing blanks and the CR of CRLF scripts */
		if (n == label_len + 1 && start[0] == ':' && memcmp(start + 1, label, label_len) == 0) {
			run->next = pos;
			sys->line_stopped = true;
			return 0;
		}
	}
	return -WBE_SCRIPT_LABEL;
}

int shell_run(struct system *sys)
{
	char line[SCRIPT_LINE_MAX];
	struct line_history *history = line_history_create();
	/* commands typed here are not part of any script: `goto` must not move one */
	struct script_run *outer = sys->script;
	sys->script = NULL;
	/* the user is here already: Ctrl-B is an ordinary key until the shell ends */
	bool shell_key_armed = sys->console.shell_key_armed;
	sys->console.shell_key_armed = false;
	sys->shell_depth++;
	int result = 0;
	for (;;) {
		console_puts(&sys->console, "wireboot> ");
		struct line_edit edit = {.history = history};
		int n = console_editline(&sys->console, &sys->loop, line, sizeof(line), &edit);
		if (n == -WBE_CANCELED)
			continue;
		if (n < 0)
			break; /* console input closed: leave the shell as `exit` would */
		line_history_add(history, line);
		script_exec_line(sys, line);
		if (sys->exit_requested) {
			result = take_exit(sys);
			break;
		}
	}
	sys->shell_depth--;
	sys->console.shell_key_armed = shell_key_armed;
	sys->script = outer;
	line_history_destroy(history);
	return result;
}
