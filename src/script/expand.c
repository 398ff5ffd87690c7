/* expand.c - ${...} expansion (contract in wireboot/expand.h). */
#include "wireboot/expand.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"

#include <string.h>

/* the longest formatted value: every raw byte as "xx:" (hex types) */
#define VALUE_TEXT_MAX (SETTING_VALUE_MAX * 3 + 1)
/* "scope/name:type": longer names cannot exist, so they expand to nothing */
#define NAME_TEXT_MAX (2 * SETTING_NAME_MAX + 16)

/* Finds the innermost expansion: the last "${" before the first "}" that follows one. */
static bool find_innermost(const char *text, size_t *start, size_t *end)
{
	bool open = false;
	for (size_t i = 0; text[i]; i++) {
		if (text[i] == '$' && text[i + 1] == '{') {
			*start = i;
			open = true;
		} else if (text[i] == '}' && open) {
			*end = i;
			return true;
		}
	}
	return false;
}

int expand_settings(struct settings *s, const char *in, char *out, size_t size)
{
	size_t len = strlen(in);
	if (len >= size)
		return -WBE_SCRIPT_EXPANSION;
	memcpy(out, in, len + 1);
	char *value = NULL;
	int rc = 0;
	for (unsigned steps = 0;; steps++) {
		size_t start, end;
		if (!find_innermost(out, &start, &end))
			break;
		if (steps == EXPAND_STEPS_MAX) {
			rc = -WBE_SCRIPT_EXPANSION;
			break;
		}
		if (!value && !(value = wb_malloc(VALUE_TEXT_MAX))) {
			rc = -WBE_NOMEM;
			break;
		}
		char name[NAME_TEXT_MAX];
		size_t name_len = end - start - 2;
		size_t value_len = 0;
		if (name_len < sizeof(name)) {
			memcpy(name, out + start + 2, name_len);
			name[name_len] = '\0';
			int n = settings_fetch_text(s, name, value, VALUE_TEXT_MAX);
			value_len = n > 0 ? ((size_t)n < VALUE_TEXT_MAX ? (size_t)n : VALUE_TEXT_MAX - 1) : 0;
		}
		size_t tail_len = len - end - 1;
		size_t new_len = start + value_len + tail_len;
		if (new_len >= size) {
			rc = -WBE_SCRIPT_EXPANSION;
			break;
		}
		memmove(out + start + value_len, out + end + 1, tail_len + 1);
		memcpy(out + start, value, value_len);
		len = new_len;
	}
	wb_free(value);
	return rc ? rc : (int)len;
}
