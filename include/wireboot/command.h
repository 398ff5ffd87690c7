/*
 * command.h - the command table and the shared option parser.
 *
 * A command is one `const struct command` with external linkage, registered next to its
 * implementation with WB_REGISTER(commands, cmd_x). Commands get the whole system and the
 * argument vector (argv[0] is the command name) and return 0 or a negative rc; they print
 * their own specific error context, and the executor prints the error code line.
 */
#ifndef WIREBOOT_COMMAND_H
#define WIREBOOT_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include "wireboot/registry.h"

struct system;

struct command {
	const char *name;
	const char *usage;   /* "echo [-n] [text...]" */
	const char *summary; /* one line for `help` */
	int (*exec)(struct system *sys, int argc, char **argv);
};

/** command_find() - registered command named @name, or NULL. */
const struct command *command_find(const char *name);

/* Options, iPXE style: "--name value", "--name=value", "-n value"; "--" ends options. */
enum option_kind {
	OPTION_FLAG,
	OPTION_VALUE,
};

struct option_spec {
	const char *name; /* long name without "--" */
	char short_name;  /* 0 if none */
	enum option_kind kind;
};

#define OPTIONS_MAX 16

struct parsed_options {
	bool present[OPTIONS_MAX];
	const char *value[OPTIONS_MAX]; /* for OPTION_VALUE; points into argv */
	int first_arg;                  /* index in argv of the first non-option argument */
	bool help;                      /* --help was given and usage was printed: return 0 */
};

/**
 * options_parse() - parse @argv against @specs (at most OPTIONS_MAX) for @cmd, and check that
 * the number of remaining arguments is within [@min_args, @max_args] (@max_args < 0: any).
 * "--help"/"-h" prints the usage and sets out->help. Returns 0 or -WBE_CMD_USAGE after
 * printing what was wrong and the usage line.
 */
int options_parse(struct system *sys, const struct command *cmd, const struct option_spec *specs, size_t nspecs,
		  int argc, char **argv, int min_args, int max_args, struct parsed_options *out);

/**
 * command_parse_number() - a decimal or "0x" hexadecimal number of at most @max into *@out.
 * Returns 0, -WBE_INVAL when @text is not a number, -WBE_RANGE when it exceeds @max.
 */
int command_parse_number(const char *text, unsigned long long max, unsigned long long *out);

/**
 * command_parse_key() - a key as iPXE's scripts name it (`prompt --key`, `item --key`): one
 * (UTF-8) character, "^X" for Ctrl-X, or a number such as 0x02. Returns the code point, or -1.
 */
int command_parse_key(const char *text);

/**
 * command_join_args() - @argv[@first..@argc) joined by single spaces (iPXE's concat_args):
 * a new string the caller frees with wb_free(), "" when there are none, NULL when out of memory.
 */
char *command_join_args(int argc, char **argv, int first);

#endif
