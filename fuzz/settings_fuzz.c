/*
 * settings_fuzz.c - libFuzzer harness for the settings store and its type parsers
 * (wireboot/settings.h): the text a script or a DHCP server puts into settings.
 *
 * Input: "name=value" (cut at the first NUL). Invariants beyond the sanitizers':
 *  - a value that stores can be fetched as text, and storing that text again under the same
 *    name gives the same raw bytes (parse and format are inverse);
 *  - every type formats every raw byte string without overrunning, and a type that parses
 *    text reports a length within SETTING_VALUE_MAX;
 *  - nothing leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"

#include "fuzz.h"

static const struct setting_type *const types[] = {
	&setting_type_string, &setting_type_ipv4,  &setting_type_hex,    &setting_type_hexhyp,
	&setting_type_hexraw, &setting_type_int8,  &setting_type_int16,  &setting_type_int32,
	&setting_type_uint8,  &setting_type_uint16, &setting_type_uint32, &setting_type_base64,
	&setting_type_uristring,
};

static void check_types(const char *value, const uint8_t *raw, size_t raw_len)
{
	static uint8_t parsed[SETTING_VALUE_MAX];
	static char text[SETTING_VALUE_MAX * 3 + 1];
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		int len = types[t]->parse(value, parsed, sizeof(parsed));
		ENSURE(len < 0 || len <= SETTING_VALUE_MAX);
		if (raw_len <= SETTING_VALUE_MAX) {
			int n = types[t]->format(raw, raw_len, text, sizeof(text));
			ENSURE(n < 0 || (size_t)n < sizeof(text));
			ENSURE(n < 0 || strlen(text) == (size_t)n);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	if (!initialised) {
		malloc_init(&fuzz_malloc_backend);
		initialised = 1;
	}
	char *input = malloc(size + 1);
	if (!input)
		return 0;
	memcpy(input, data, size);
	input[size] = '\0';
	char *eq = strchr(input, '=');
	const char *value = eq ? eq + 1 : "";
	if (eq)
		*eq = '\0';

	check_types(value, data, size);

	struct malloc_stats before, after;
	malloc_get_stats(&before);
	struct settings s;
	ENSURE(settings_init(&s, "fuzz", "fuzzarch", "0") == 0);
	struct settings_scope *net0, *dhcp;
	ENSURE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	ENSURE(settings_scope_create(&s, net0, "dhcp", &dhcp) == 0);
	struct settings_scope *scratch;
	if (settings_scope_create(&s, NULL, input, &scratch) == 0)
		settings_scope_destroy(scratch);

	int rc = settings_store_text(&s, input, value);
	if (rc == 0) {
		static char text[SETTING_VALUE_MAX * 3 + 1];
		int n = settings_fetch_text(&s, input, text, sizeof(text));
		ENSURE(n >= 0 && (size_t)n < sizeof(text));
		struct setting_name name;
		ENSURE(settings_parse_name(&s, input, &name) == 0);
		static uint8_t first[SETTING_VALUE_MAX], second[SETTING_VALUE_MAX];
		int len1 = settings_fetch(&s, &name, first, sizeof(first), NULL);
		ENSURE(len1 >= 0);
		/* a string with an embedded NUL shows only up to it: no round trip expected then */
		if (!memchr(first, 0, (size_t)len1) && settings_store_text(&s, input, text) == 0) {
			int len2 = settings_fetch(&s, &name, second, sizeof(second), NULL);
			ENSURE(len2 == len1 && memcmp(first, second, (size_t)len1) == 0);
		}
		ENSURE(settings_clear(&s, &name) == 0);
		ENSURE(settings_fetch(&s, &name, NULL, 0, NULL) == -WBE_SETTING_UNKNOWN ||
		       name.scope == NULL); /* unscoped names may still find a builtin */
	}
	settings_fini(&s);
	malloc_get_stats(&after);
	ENSURE(after.live_blocks == before.live_blocks);
	free(input);
	return 0;
}
