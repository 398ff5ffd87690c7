/*
 * log.h - leveled logging with per-module debug switches.
 *
 * Messages at LOG_INFO and above always print; LOG_DEBUG prints only for modules switched on
 * with log_set_debug() (the `debug` command). Each message is prefixed with its module name.
 * Never pass secrets (CHAP secrets, keys, passwords) to the logger: nothing here can tell a
 * secret from other text.
 */
#ifndef WIREBOOT_LOG_H
#define WIREBOOT_LOG_H

#include <stdbool.h>

struct console;

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

#define LOG_MAX_DEBUG_MODULES 16
#define LOG_MODULE_NAME_MAX 16

struct log {
	struct console *console; /* not owned */
	enum log_level level;    /* messages above this level are dropped, except debug ones */
	bool debug_all;
	unsigned debug_count;
	char debug_modules[LOG_MAX_DEBUG_MODULES][LOG_MODULE_NAME_MAX];
};

/** log_init() - log to @console at LOG_INFO with all debug switches off. */
void log_init(struct log *log, struct console *console);

/**
 * log_set_debug() - switch debug output for a comma-separated module list, "all", or "off".
 * Returns 0, -WBE_INVAL for a malformed list (empty or over-long names), -WBE_NOSPC for more
 * than LOG_MAX_DEBUG_MODULES names. On error the previous switches are kept.
 */
int log_set_debug(struct log *log, const char *modules);

/** log_debug_enabled() - would a LOG_DEBUG message of @module print? */
bool log_debug_enabled(const struct log *log, const char *module);

void log_msg(struct log *log, enum log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
