/* command.c - command lookup and option parsing (contract in wireboot/command.h). */
#include "wireboot/command.h"
#include "wireboot/chars.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/system.h"

#include <string.h>

const struct command *command_find(const char *name)
{
	for (const struct command *const *c = registry_commands; *c; c++) {
		if (strcmp((*c)->name, name) == 0)
			return *c;
	}
	return NULL;
}

static int usage_error(struct system *sys, const struct command *cmd, const char *what, const char *arg)
{
	console_printf(&sys->console, "%s: %s%s\nusage: %s\n", cmd->name, what, arg, cmd->usage);
	return -WBE_CMD_USAGE;
}

static int find_spec(const struct option_spec *specs, size_t nspecs, const char *long_name, size_t len,
		     char short_name)
{
	for (size_t i = 0; i < nspecs; i++) {
		if (long_name ? (strlen(specs[i].name) == len && memcmp(specs[i].name, long_name, len) == 0)
			      : specs[i].short_name == short_name)
			return (int)i;
	}
	return -1;
}

int options_parse(struct system *sys, const struct command *cmd, const struct option_spec *specs, size_t nspecs,
		  int argc, char **argv, int min_args, int max_args, struct parsed_options *out)
{
	memset(out, 0, sizeof(*out));
	if (nspecs > OPTIONS_MAX)
		return -WBE_INVAL;
	int i = 1;
	for (; i < argc; i++) {
		const char *arg = argv[i];
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* first argument ("-" alone is an argument too) */
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			console_printf(&sys->console, "usage: %s\n%s\n", cmd->usage, cmd->summary);
			out->help = true;
			return 0;
		}
		const char *inline_value = NULL;
		int idx;
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			inline_value = eq ? eq + 1 : NULL;
			idx = find_spec(specs, nspecs, name, len, 0);
		} else {
			if (arg[2] != '\0')
				return usage_error(sys, cmd, "unknown option ", arg);
			idx = find_spec(specs, nspecs, NULL, 0, arg[1]);
		}
		if (idx < 0)
			return usage_error(sys, cmd, "unknown option ", arg);
		out->present[idx] = true;
		if (specs[idx].kind == OPTION_VALUE) {
			if (!inline_value) {
				if (i + 1 >= argc)
					return usage_error(sys, cmd, "missing value for ", arg);
				inline_value = argv[++i];
			}
			out->value[idx] = inline_value;
		} else if (inline_value) {
			return usage_error(sys, cmd, "option takes no value: ", arg);
		}
	}
	out->first_arg = i;
	int nargs = argc - i;
	if (nargs < min_args)
		return usage_error(sys, cmd, "missing argument", "");
	if (max_args >= 0 && nargs > max_args)
		return usage_error(sys, cmd, "unexpected argument ", argv[i + max_args]);
	return 0;
}

int command_parse_number(const char *text, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	unsigned base = 10;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
	}
	if (!*text)
		return -WBE_INVAL;
	for (; *text; text++) {
		int d = base == 16 ? hex_digit_value(*text) : *text >= '0' && *text <= '9' ? *text - '0' : -1;
		if (d < 0)
			return -WBE_INVAL;
		if (v > (max - (unsigned)d) / base || v * base + (unsigned)d > max)
			return -WBE_RANGE;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return 0;
}

int command_parse_key(const char *text)
{
	const unsigned char *t = (const unsigned char *)text;
	if (t[0] == '^' && t[1] >= '@' && t[1] <= '_' && !t[2])
		return t[1] - '@';
	if (t[0] && !t[1])
		return t[0];
	if (t[0] >= 0x80) { /* one UTF-8 character */
		int len = t[0] >= 0xf0 ? 4 : t[0] >= 0xe0 ? 3 : 2;
		int cp = t[0] & (0x3f >> (len - 1));
		for (int i = 1; i < len; i++) {
			if ((t[i] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (t[i] & 0x3f);
		}
		return t[len] ? -1 : cp;
	}
	unsigned long long v;
	return command_parse_number(text, 0x10ffff, &v) ? -1 : (int)v;
}

char *command_join_args(int argc, char **argv, int first)
{
	size_t len = 1;
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *text = wb_malloc(len), *p = text;
	if (!text)
		return NULL;
	for (int i = first; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i > first)
			*p++ = ' ';
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = '\0';
	return text;
}
