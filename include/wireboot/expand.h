/*
 * expand.h - iPXE's ${...} expansion of one script token.
 *
 * "${[scope/]name[:type]}" is replaced by the setting's value formatted by the type (or by its
 * stored type); a setting that is not set, or a name that does not parse, expands to nothing,
 * as in iPXE. Expansion is innermost first: the last "${" before the first "}" is expanded,
 * then the result is scanned again from the start, so "${net${i}/ip}" works. A "${" with no
 * closing "}" and a lone "$" stay as they are.
 *
 * Because a value may itself contain "${...}" (even its own name), the work is bounded:
 * at most EXPAND_STEPS_MAX replacements and @size - 1 bytes of result.
 */
#ifndef WIREBOOT_EXPAND_H
#define WIREBOOT_EXPAND_H

#include <stddef.h>

struct settings;

#define EXPAND_STEPS_MAX 64

/**
 * expand_settings() - expand @in (NUL-terminated, never NULL) into @out (capacity @size > 0).
 * @out is also the work area: @in itself must fit. Returns the length of the result, or
 * -WBE_SCRIPT_EXPANSION when @in, the result or a step in between is longer than @size - 1
 * bytes or it needs more than EXPAND_STEPS_MAX replacements, -WBE_NOMEM.
 */
int expand_settings(struct settings *s, const char *in, char *out, size_t size);

#endif
