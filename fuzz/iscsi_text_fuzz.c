/*
 * iscsi_text_fuzz.c - libFuzzer harness for wireboot/iscsi_text.h: segment parsing, the
 * builder, the value decoders and negotiation.
 *
 * The input is used as:
 *  1. a key=value data segment. When it parses, every pair lies inside the input, keys are
 *     valid and unique (TargetAddress aside), values are NUL-terminated, iscsi_text_get()
 *     finds the first pair of each key, and rebuilding the pairs with the builder gives the
 *     input's bytes back (minus trailing padding). Every value then goes through the value
 *     helpers and, for keys in the negotiation table, iscsi_negotiate() against our default
 *     offers, whose results must obey the key's function (e.g. a minimum never exceeds the
 *     offer);
 *  2. a single value (cut at the first NUL), whatever the segment parse said, so the
 *     decoders see arbitrary text even when the segment is malformed; its first byte picks
 *     the key it is negotiated for.
 * Decoded binary values re-encode to hex and decode back to the same bytes. The module does
 * not allocate, so there is nothing to leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/iscsi_text.h"

#include "fuzz.h"

#define BINARY_MAX 8192

/* What wireboot will offer (any valid offer would do; these exercise every kind). */
static const char *const offers[ISCSI_KEY_COUNT] = {
	[ISCSI_KEY_HEADER_DIGEST] = "CRC32C,None",
	[ISCSI_KEY_DATA_DIGEST] = "None,CRC32C",
	[ISCSI_KEY_MAX_CONNECTIONS] = "1",
	[ISCSI_KEY_INITIAL_R2T] = "No",
	[ISCSI_KEY_IMMEDIATE_DATA] = "Yes",
	[ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH] = "262144",
	[ISCSI_KEY_MAX_BURST_LENGTH] = "1048576",
	[ISCSI_KEY_FIRST_BURST_LENGTH] = "262144",
	[ISCSI_KEY_DEFAULT_TIME2WAIT] = "0",
	[ISCSI_KEY_DEFAULT_TIME2RETAIN] = "0",
	[ISCSI_KEY_MAX_OUTSTANDING_R2T] = "1",
	[ISCSI_KEY_DATA_PDU_IN_ORDER] = "Yes",
	[ISCSI_KEY_DATA_SEQUENCE_IN_ORDER] = "No",
	[ISCSI_KEY_ERROR_RECOVERY_LEVEL] = "0",
};

static bool is_parse_rc(int rc)
{
	return rc == -WBE_ISCSI_TEXT_MALFORMED || rc == -WBE_ISCSI_TEXT_TOO_LONG ||
	       rc == -WBE_ISCSI_TEXT_DUPLICATE || rc == -WBE_ISCSI_TEXT_TOO_MANY;
}

static void check_negotiate(enum iscsi_key key, const char *reply)
{
	const struct iscsi_key_info *info = iscsi_key_info(key);
	struct iscsi_negotiated out;
	int rc = iscsi_negotiate(key, offers[key], reply, &out);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_NEGOTIATION || rc == -WBE_ISCSI_VALUE);
	if (rc != 0)
		return;
	if (out.defaulted) {
		ENSURE(iscsi_value_special(reply) != ISCSI_VALUE_REGULAR);
		ENSURE(out.number == info->default_number && out.text == info->default_text);
		return;
	}
	ENSURE(out.text == reply);
	uint64_t offered;
	bool yes;
	switch (info->kind) {
	case ISCSI_KIND_LIST:
		ENSURE(!strchr(reply, ',') && iscsi_list_find(offers[key], reply) == 1);
		break;
	case ISCSI_KIND_AND:
		ENSURE(iscsi_value_bool(offers[key], &yes) == 0);
		ENSURE(out.number <= 1 && (yes || out.number == 0));
		break;
	case ISCSI_KIND_OR:
		ENSURE(iscsi_value_bool(offers[key], &yes) == 0);
		ENSURE(out.number <= 1 && (!yes || out.number == 1));
		break;
	case ISCSI_KIND_MIN:
	case ISCSI_KIND_MAX:
	case ISCSI_KIND_DECLARATIVE:
		ENSURE(iscsi_value_number(offers[key], &offered) == 0);
		ENSURE(out.number >= info->min && out.number <= info->max);
		ENSURE(info->kind != ISCSI_KIND_MIN || out.number <= offered);
		ENSURE(info->kind != ISCSI_KIND_MAX || out.number >= offered);
		break;
	}
}

/* Every helper on one NUL-terminated value. */
static void check_value(const char *value)
{
	static uint8_t bytes[BINARY_MAX], again[BINARY_MAX];
	static char hex[2 * BINARY_MAX + 3];
	uint64_t n;
	bool b;
	int rc = iscsi_value_number(value, &n);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_VALUE);
	rc = iscsi_value_bool(value, &b);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_VALUE);
	ENSURE(rc != 0 || strcmp(value, b ? "Yes" : "No") == 0);
	(void)iscsi_value_special(value);

	rc = iscsi_list_find(value, "None");
	ENSURE(rc == 0 || rc == 1 || rc == -WBE_ISCSI_VALUE);
	const char *item;
	size_t item_len;
	rc = iscsi_list_first_acceptable(value, "CRC32C,None", &item, &item_len);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_NEGOTIATION || rc == -WBE_ISCSI_VALUE);
	if (rc == 0)
		ENSURE(item >= value && item + item_len <= value + strlen(value) &&
		       (item_len == 4 || item_len == 6));

	size_t len = 0, len2 = 0;
	size_t limit = strlen(value) % 2 ? BINARY_MAX : BINARY_MAX / 2; /* vary the bound */
	rc = iscsi_value_binary(value, bytes, limit, &len);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_VALUE || rc == -WBE_RANGE);
	if (rc == 0) {
		ENSURE(len >= 1 && len <= limit);
		ENSURE(iscsi_value_encode_hex(bytes, len, hex, sizeof(hex)) == 0);
		ENSURE(iscsi_value_binary(hex, again, sizeof(again), &len2) == 0);
		ENSURE(len2 == len && memcmp(bytes, again, len) == 0);
		/* exactly the decoded length is enough room; one byte less is not */
		ENSURE(iscsi_value_binary(value, again, len, &len2) == 0 && len2 == len);
		ENSURE(iscsi_value_binary(value, again, len - 1, &len2) == -WBE_RANGE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iscsi_text text;
	static char rebuilt[1 << 20];
	char key[ISCSI_TEXT_MAX_KEY_LEN + 1];

	/* 1. the input as a data segment */
	int rc = iscsi_text_parse(data, size, &text);
	ENSURE(rc == 0 || is_parse_rc(rc));
	if (rc == 0) {
		struct iscsi_text_builder b;
		iscsi_text_builder_init(&b, rebuilt, sizeof(rebuilt));
		ENSURE(text.count <= ISCSI_TEXT_MAX_KEYS);
		for (size_t i = 0; i < text.count; i++) {
			const struct iscsi_text_pair *p = &text.pairs[i];
			ENSURE(p->key_len >= 1 && p->key_len <= ISCSI_TEXT_MAX_KEY_LEN);
			ENSURE((const uint8_t *)p->key >= data &&
			       (const uint8_t *)p->value + p->value_len < data + size);
			ENSURE(p->key[p->key_len] == '=' && p->value == p->key + p->key_len + 1);
			ENSURE(p->value[p->value_len] == '\0' && strlen(p->value) == p->value_len);
			memcpy(key, p->key, p->key_len);
			key[p->key_len] = '\0';
			/* keys are unique except TargetAddress; get() finds the first */
			const char *first = iscsi_text_get(&text, key);
			ENSURE(first != NULL);
			ENSURE(first == p->value || strcmp(key, "TargetAddress") == 0);
			ENSURE(iscsi_text_add(&b, key, p->value) == 0);

			check_value(p->value);
			enum iscsi_key k;
			if (iscsi_key_lookup(p->key, p->key_len, &k) == 0)
				check_negotiate(k, p->value);
		}
		/* the builder writes what the parser read, padding aside */
		ENSURE(b.len <= size && memcmp(rebuilt, data, b.len) == 0);
		for (size_t i = b.len; i < size; i++)
			ENSURE(data[i] == 0);
		struct iscsi_text back;
		ENSURE(iscsi_text_parse(rebuilt, b.len, &back) == 0 && back.count == text.count);
	}

	/* 2. the input as one value */
	char *value = malloc(size + 1);
	ENSURE(value != NULL);
	memcpy(value, data, size);
	value[size] = '\0';
	check_value(value);
	if (size > 0) {
		check_negotiate((enum iscsi_key)(data[0] % ISCSI_KEY_COUNT), value);
		check_negotiate((enum iscsi_key)(data[0] % ISCSI_KEY_COUNT), value + 1);
	}
	free(value);
	return 0;
}
