/* log.c - leveled, per-module logging (contract in wireboot/log.h). */
#include "wireboot/log.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"

#include <string.h>

void log_init(struct log *log, struct console *console)
{
	memset(log, 0, sizeof(*log));
	log->console = console;
	log->level = LOG_INFO;
}

int log_set_debug(struct log *log, const char *modules)
{
	if (strcmp(modules, "off") == 0) {
		log->debug_all = false;
		log->debug_count = 0;
		return 0;
	}
	if (strcmp(modules, "all") == 0) {
		log->debug_all = true;
		return 0;
	}
	char parsed[LOG_MAX_DEBUG_MODULES][LOG_MODULE_NAME_MAX];
	unsigned count = 0;
	const char *p = modules;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= LOG_MODULE_NAME_MAX)
			return -WBE_INVAL;
		if (count == LOG_MAX_DEBUG_MODULES)
			return -WBE_NOSPC;
		memcpy(parsed[count], p, n);
		parsed[count][n] = '\0';
		count++;
		if (!comma)
			break;
		p = comma + 1;
	}
	memcpy(log->debug_modules, parsed, sizeof(parsed));
	log->debug_count = count;
	log->debug_all = false;
	return 0;
}

bool log_debug_enabled(const struct log *log, const char *module)
{
	if (log->debug_all)
		return true;
	for (unsigned i = 0; i < log->debug_count; i++) {
		if (strcmp(log->debug_modules[i], module) == 0)
			return true;
	}
	return false;
}

void log_msg(struct log *log, enum log_level level, const char *module, const char *fmt, ...)
{
	static const char *const prefixes[] = {"error: ", "warning: ", "", "debug: "};
	if (level == LOG_DEBUG ? !log_debug_enabled(log, module) : level > log->level)
		return;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	wb_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	console_printf(log->console, "%s: %s%s\n", module, prefixes[level], text);
}
