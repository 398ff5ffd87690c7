/* settings_cmds.c - show, set, clear, read, inc, login. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#include <string.h>

static void explain(struct system *sys, const char *cmd, const char *name, int rc)
{
	if (rc == -WBE_SETTING_SCOPE)
		console_printf(&sys->console, "%s: no settings scope for \"%s\"\n", cmd, name);
	else if (rc == -WBE_SETTING_NAME)
		console_printf(&sys->console, "%s: \"%s\" is not a valid setting name\n", cmd, name);
	else if (rc == -WBE_SETTING_UNKNOWN)
		console_printf(&sys->console, "%s: \"%s\" is not set\n", cmd, name);
	else if (rc == -WBE_SETTING_READONLY)
		console_printf(&sys->console, "%s: \"%s\" is read-only\n", cmd, name);
}

struct show_all_ctx {
	struct system *sys;
	char *text;
};

#define SHOW_TEXT_MAX (SETTING_VALUE_MAX * 3)

static int show_one(void *vctx, const char *scope_path, const char *name, const struct setting_type *type,
		    const uint8_t *raw, size_t len)
{
	struct show_all_ctx *ctx = vctx;
	const char *text = ctx->text;
	if (settings_is_secret(name))
		text = "<secret>";
	else if (type->format(raw, len, ctx->text, SHOW_TEXT_MAX) < 0)
		text = "<value does not fit its type>";
	/* the value with console_puts: printf output is cut at 511 bytes, values reach 12 KiB */
	console_printf(&ctx->sys->console, "%s%s%s:%s = ", scope_path, *scope_path ? "/" : "", name, type->name);
	console_puts(&ctx->sys->console, text);
	console_puts(&ctx->sys->console, "\n");
	return 0;
}

static int show_exec(struct system *sys, int argc, char **argv);
const struct command cmd_show = {"show", "show [[scope/]name[:type]]", "Show one setting, or all of them",
				 show_exec};
WB_REGISTER(commands, cmd_show);

static int show_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_show, NULL, 0, argc, argv, 0, 1, &opts);
	if (rc || opts.help)
		return rc;
	char *text = wb_malloc(SHOW_TEXT_MAX);
	if (!text)
		return -WBE_NOMEM;
	if (opts.first_arg == argc) {
		struct show_all_ctx ctx = {sys, text};
		rc = settings_for_each(&sys->settings, show_one, &ctx);
	} else {
		const char *name = argv[opts.first_arg];
		struct setting_name parsed;
		rc = settings_parse_name(&sys->settings, name, &parsed);
		if (rc == 0 && settings_is_secret(parsed.name)) {
			/* say whether it is set, never what it is */
			rc = settings_fetch(&sys->settings, &parsed, NULL, 0, NULL);
			if (rc >= 0) {
				console_printf(&sys->console, "%s = <secret, %d bytes>\n", name, rc);
				rc = 0;
			}
		} else if (rc == 0) {
			rc = settings_fetch_text(&sys->settings, name, text, SHOW_TEXT_MAX);
			if (rc >= 0) {
				console_printf(&sys->console, "%s = ", name);
				console_puts(&sys->console, text);
				console_puts(&sys->console, "\n");
				rc = 0;
			}
		}
		explain(sys, "show", name, rc);
	}
	wb_free(text);
	return rc;
}

/* Parses @value by @name's type and stores it, explaining any failure as command @cmd. */
static int store_text(struct system *sys, const char *cmd, const char *name, const char *value)
{
	struct setting_name parsed;
	int rc = settings_parse_name(&sys->settings, name, &parsed);
	if (rc == -WBE_SETTING_TYPE) {
		/* the name's ":type" is unknown; parsed.name is not filled in on failure */
		console_printf(&sys->console, "%s: \"%s\" names no known setting type\n", cmd, name);
		return rc;
	}
	if (rc) {
		explain(sys, cmd, name, rc);
		return rc;
	}
	rc = settings_store_text(&sys->settings, name, value);
	if (rc == -WBE_SETTING_TYPE && settings_is_secret(parsed.name))
		console_printf(&sys->console, "%s: the value is not valid for %s\n", cmd, name);
	else if (rc == -WBE_SETTING_TYPE)
		console_printf(&sys->console, "%s: \"%s\" is not a valid value for %s\n", cmd, value, name);
	else
		explain(sys, cmd, name, rc);
	return rc;
}

static int set_exec(struct system *sys, int argc, char **argv);
const struct command cmd_set = {"set", "set <[scope/]name[:type]> [value...]",
				"Store a setting (words are joined by spaces)", set_exec};
WB_REGISTER(commands, cmd_set);

static int set_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_set, NULL, 0, argc, argv, 1, -1, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = argv[opts.first_arg];
	/* join the remaining words with single spaces, like iPXE's `set` */
	size_t total = 1;
	for (int i = opts.first_arg + 1; i < argc; i++)
		total += strlen(argv[i]) + 1;
	char *value = wb_malloc(total);
	if (!value)
		return -WBE_NOMEM;
	size_t pos = 0;
	for (int i = opts.first_arg + 1; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (pos)
			value[pos++] = ' ';
		memcpy(value + pos, argv[i], n);
		pos += n;
	}
	value[pos] = '\0';
	rc = store_text(sys, "set", name, value);
	wb_free(value);
	return rc;
}

static int clear_exec(struct system *sys, int argc, char **argv);
const struct command cmd_clear = {"clear", "clear <[scope/]name>", "Remove a setting", clear_exec};
WB_REGISTER(commands, cmd_clear);

static int clear_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_clear, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	struct setting_name parsed;
	const char *name = argv[opts.first_arg];
	rc = settings_parse_name(&sys->settings, name, &parsed);
	if (rc == 0)
		rc = settings_clear(&sys->settings, &parsed);
	explain(sys, "clear", name, rc);
	return rc;
}

static int read_exec(struct system *sys, int argc, char **argv);
const struct command cmd_read = {"read", "read <[scope/]name[:type]>",
				 "Let the user edit a setting's value (starts from the current value)", read_exec};
WB_REGISTER(commands, cmd_read);

#define READ_LINE_MAX 1024

static int read_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_read, NULL, 0, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = argv[opts.first_arg];
	char *line = wb_malloc(READ_LINE_MAX);
	if (!line)
		return -WBE_NOMEM;
	struct setting_name parsed;
	bool secret = settings_parse_name(&sys->settings, name, &parsed) == 0 && settings_is_secret(parsed.name);
	if (secret || settings_fetch_text(&sys->settings, name, line, READ_LINE_MAX) < 0)
		line[0] = '\0'; /* never show a secret, not even to edit it */
	struct line_edit edit = {.initial = line, .hidden = secret};
	rc = console_editline(&sys->console, &sys->loop, line, READ_LINE_MAX, &edit);
	if (rc >= 0)
		rc = store_text(sys, "read", name, line);
	wb_free(line);
	return rc;
}

static int inc_exec(struct system *sys, int argc, char **argv);
const struct command cmd_inc = {"inc", "inc <[scope/]name> [increment]",
				"Add to a numeric setting (an unset one counts as 0)", inc_exec};
WB_REGISTER(commands, cmd_inc);

/* Decimal with an optional sign, within +-2^62 (so that the sum cannot overflow). */
static int parse_signed(const char *text, int64_t *out)
{
	bool negative = *text == '-';
	const char *p = text + (negative || *text == '+');
	int64_t v = 0;
	if (!*p)
		return -WBE_INVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_C(1) << 62) / 10)
			return -WBE_INVAL;
		v = v * 10 + (*p - '0');
	}
	*out = negative ? -v : v;
	return 0;
}

static int inc_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_inc, NULL, 0, argc, argv, 1, 2, &opts);
	if (rc || opts.help)
		return rc;
	const char *name = argv[opts.first_arg];
	int64_t step = 1, value = 0;
	if (opts.first_arg + 1 < argc && parse_signed(argv[opts.first_arg + 1], &step)) {
		console_printf(&sys->console, "inc: \"%s\" is not a number\nusage: %s\n", argv[opts.first_arg + 1],
			       cmd_inc.usage);
		return -WBE_CMD_USAGE;
	}
	char text[32];
	rc = settings_fetch_text(&sys->settings, name, text, sizeof(text));
	if (rc >= (int)sizeof(text) || (rc >= 0 && parse_signed(text, &value))) {
		console_printf(&sys->console, "inc: %s is not a number\n", name);
		return -WBE_SETTING_TYPE;
	}
	if (rc < 0 && rc != -WBE_SETTING_UNKNOWN) {
		explain(sys, "inc", name, rc);
		return rc;
	}
	wb_snprintf(text, sizeof(text), "%lld", (long long)(value + step));
	return store_text(sys, "inc", name, text);
}

static int login_exec(struct system *sys, int argc, char **argv);
const struct command cmd_login = {"login", "login", "Ask for the iSCSI username and password (not echoed)",
				  login_exec};
WB_REGISTER(commands, cmd_login);

static int login_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_login, NULL, 0, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	char *line = wb_malloc(READ_LINE_MAX);
	if (!line)
		return -WBE_NOMEM;
	if (settings_fetch_text(&sys->settings, "username", line, READ_LINE_MAX) < 0)
		line[0] = '\0';
	console_puts(&sys->console, "Username: ");
	struct line_edit user_edit = {.initial = line};
	rc = console_editline(&sys->console, &sys->loop, line, READ_LINE_MAX, &user_edit);
	if (rc >= 0)
		rc = store_text(sys, "login", "username", line);
	if (rc >= 0) {
		console_puts(&sys->console, "Password: ");
		struct line_edit password_edit = {.hidden = true};
		rc = console_editline(&sys->console, &sys->loop, line, READ_LINE_MAX, &password_edit);
		if (rc >= 0)
			rc = store_text(sys, "login", "password", line);
	}
	/* the password must not linger in freed memory */
	volatile char *wipe = line;
	for (size_t i = 0; i < READ_LINE_MAX; i++)
		wipe[i] = 0;
	wb_free(line);
	return rc;
}
