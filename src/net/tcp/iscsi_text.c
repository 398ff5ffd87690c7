/*
 * iscsi_text.c - iSCSI key=value text (contract in wireboot/iscsi_text.h). Section numbers
 * are RFC 7143's.
 *
 * Everything the target sends is hostile input: every pair, key and value is measured
 * before it is used, every count is bounded, and values are decoded only after their whole
 * text has been checked, so a bad value is refused rather than half-read.
 */
#include "wireboot/iscsi_text.h"
#include "wireboot/chars.h"

#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/format.h"

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}


/* §6.1 standard-label; the '#' of "X#" is allowed for IANA-registered extension keys. */
static int check_key(const char *key, size_t n)
{
	if (n == 0 || !is_upper(key[0]))
		return -WBE_ISCSI_TEXT_MALFORMED;
	if (n > ISCSI_TEXT_MAX_KEY_LEN)
		return -WBE_ISCSI_TEXT_TOO_LONG;
	for (size_t i = 1; i < n; i++) {
		char c = key[i];
		bool extension_mark = i == 1 && c == '#' && key[0] == 'X';
		if (!is_alnum(c) && !(c != '\0' && strchr(".-+@_", c)) && !extension_mark)
			return -WBE_ISCSI_TEXT_MALFORMED;
	}
	return 0;
}

static bool key_is(const char *key, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(key, name, n) == 0;
}

static size_t value_bound(const char *key, size_t n)
{
	if (key_is(key, n, "CHAP_C") || key_is(key, n, "CHAP_R"))
		return ISCSI_TEXT_MAX_LARGE_BINARY_LEN;
	return ISCSI_TEXT_MAX_VALUE_LEN;
}

/* §6.2: keys are sent once per negotiation, "except for responses to specific keys that
 * explicitly allow repeated key declarations (e.g., TargetAddress)". */
static bool may_repeat(const char *key, size_t n)
{
	return key_is(key, n, "TargetAddress");
}

int iscsi_text_parse(const void *data, size_t len, struct iscsi_text *out)
{
	if (!out || (!data && len))
		return -WBE_INVAL;
	out->count = 0;
	const char *p = data;

	/* The pairs end where the trailing run of NULs starts: its first NUL terminates the last
	 * pair and the rest is padding. No NUL at all at the end means the last pair was cut. */
	size_t end = len;
	while (end > 0 && p[end - 1] == '\0')
		end--;
	if (end == len && len > 0)
		return -WBE_ISCSI_TEXT_MALFORMED;

	size_t i = 0;
	while (i < end) {
		const char *pair = p + i;
		const char *nul = memchr(pair, '\0', end - i);
		size_t pair_len = nul ? (size_t)(nul - pair) : end - i; /* p[end] is a NUL */
		const char *eq = memchr(pair, '=', pair_len);
		if (!eq)
			return -WBE_ISCSI_TEXT_MALFORMED; /* also the empty pair of "a=1\0\0b=2" */
		size_t key_len = (size_t)(eq - pair), value_len = pair_len - key_len - 1;
		int rc = check_key(pair, key_len);
		if (rc)
			return rc;
		if (value_len > value_bound(pair, key_len))
			return -WBE_ISCSI_TEXT_TOO_LONG;
		if (!may_repeat(pair, key_len)) {
			for (size_t k = 0; k < out->count; k++)
				if (out->pairs[k].key_len == key_len &&
				    memcmp(out->pairs[k].key, pair, key_len) == 0)
					return -WBE_ISCSI_TEXT_DUPLICATE;
		}
		if (out->count == ISCSI_TEXT_MAX_KEYS)
			return -WBE_ISCSI_TEXT_TOO_MANY;
		out->pairs[out->count++] = (struct iscsi_text_pair){pair, key_len, eq + 1, value_len};
		i += pair_len + 1;
	}
	return 0;
}

const char *iscsi_text_get(const struct iscsi_text *text, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < text->count; i++)
		if (text->pairs[i].key_len == n && memcmp(text->pairs[i].key, key, n) == 0)
			return text->pairs[i].value;
	return NULL;
}

void iscsi_text_builder_init(struct iscsi_text_builder *b, void *buf, size_t size)
{
	b->buf = buf;
	b->size = buf ? size : 0;
	b->len = 0;
}

/* Whether the segment built so far (well-formed: we wrote it) already holds @key. */
static bool builder_has(const struct iscsi_text_builder *b, const char *key)
{
	size_t i = 0;
	while (i < b->len) {
		const char *pair = b->buf + i;
		size_t pair_len = strlen(pair);
		const char *eq = memchr(pair, '=', pair_len);
		if (eq && key_is(pair, (size_t)(eq - pair), key))
			return true;
		i += pair_len + 1;
	}
	return false;
}

int iscsi_text_add(struct iscsi_text_builder *b, const char *key, const char *value)
{
	if (!b || !key || !value)
		return -WBE_INVAL;
	size_t key_len = strlen(key), value_len = strlen(value);
	int rc = check_key(key, key_len);
	if (rc)
		return rc;
	if (value_len > value_bound(key, key_len))
		return -WBE_ISCSI_TEXT_TOO_LONG;
	if (!may_repeat(key, key_len) && builder_has(b, key))
		return -WBE_ISCSI_TEXT_DUPLICATE;
	size_t need = key_len + 1 + value_len + 1;
	if (need > b->size - b->len)
		return -WBE_NOSPC;
	char *w = b->buf + b->len;
	memcpy(w, key, key_len);
	w[key_len] = '=';
	memcpy(w + key_len + 1, value, value_len + 1);
	b->len += need;
	return 0;
}

int iscsi_text_add_number(struct iscsi_text_builder *b, const char *key, uint64_t value)
{
	char text[21]; /* 2^64 - 1 has 20 digits */
	wb_snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return iscsi_text_add(b, key, text);
}

int iscsi_text_add_bool(struct iscsi_text_builder *b, const char *key, bool value)
{
	return iscsi_text_add(b, key, value ? "Yes" : "No");
}

int iscsi_value_number(const char *value, uint64_t *out)
{
	if (!value || !out)
		return -WBE_INVAL;
	uint64_t n = 0;
	if (value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
		const char *d = value + 2;
		if (!*d)
			return -WBE_ISCSI_VALUE;
		for (; *d; d++) {
			int v = hex_digit_value(*d);
			if (v < 0 || n >> 60 != 0) /* a 17th significant digit would overflow */
				return -WBE_ISCSI_VALUE;
			n = n << 4 | (uint64_t)v;
		}
	} else {
		if (!*value)
			return -WBE_ISCSI_VALUE;
		for (const char *d = value; *d; d++) {
			if (*d < '0' || *d > '9')
				return -WBE_ISCSI_VALUE;
			uint64_t digit = (uint64_t)(*d - '0');
			if (n > (UINT64_MAX - digit) / 10)
				return -WBE_ISCSI_VALUE;
			n = n * 10 + digit;
		}
	}
	*out = n;
	return 0;
}

int iscsi_value_bool(const char *value, bool *out)
{
	if (!value || !out)
		return -WBE_INVAL;
	if (strcmp(value, "Yes") == 0)
		*out = true;
	else if (strcmp(value, "No") == 0)
		*out = false;
	else
		return -WBE_ISCSI_VALUE;
	return 0;
}

enum iscsi_special_value iscsi_value_special(const char *value)
{
	if (strcmp(value, "Reject") == 0)
		return ISCSI_VALUE_REJECT;
	if (strcmp(value, "Irrelevant") == 0)
		return ISCSI_VALUE_IRRELEVANT;
	if (strcmp(value, "NotUnderstood") == 0)
		return ISCSI_VALUE_NOT_UNDERSTOOD;
	return ISCSI_VALUE_REGULAR;
}

/*
 * The next element of a list-of-values. *@cursor starts at the list and becomes NULL after
 * the last element. Returns 1 with the element, 0 at the end, -WBE_ISCSI_VALUE for an empty
 * or over-long element (so "" and "a," and "a,,b" are malformed).
 */
static int list_next(const char **cursor, const char **item, size_t *len)
{
	const char *p = *cursor;
	if (!p)
		return 0;
	const char *comma = strchr(p, ',');
	size_t n = comma ? (size_t)(comma - p) : strlen(p);
	if (n == 0 || n > ISCSI_LIST_ITEM_MAX_LEN)
		return -WBE_ISCSI_VALUE;
	*item = p;
	*len = n;
	*cursor = comma ? comma + 1 : NULL;
	return 1;
}

/* 1 if @list holds the @n bytes at @s as an element, 0 if not, or the list's error. The
 * whole list is walked so a malformed tail is never overlooked. */
static int list_contains(const char *list, const char *s, size_t n)
{
	const char *cursor = list, *item;
	size_t len;
	int rc, found = 0;
	while ((rc = list_next(&cursor, &item, &len)) > 0)
		if (len == n && memcmp(item, s, n) == 0)
			found = 1;
	return rc < 0 ? rc : found;
}

/* 0 for a well-formed list, else its error: elements are never empty, so "" never matches. */
static int list_check(const char *list)
{
	int rc = list_contains(list, "", 0);
	return rc < 0 ? rc : 0;
}

int iscsi_list_find(const char *list, const char *item)
{
	if (!list || !item)
		return -WBE_INVAL;
	return list_contains(list, item, strlen(item));
}

int iscsi_list_first_acceptable(const char *offer, const char *acceptable, const char **item,
				size_t *item_len)
{
	if (!offer || !acceptable || !item || !item_len)
		return -WBE_INVAL;
	/* both lists are checked in full before either is believed */
	int rc = list_check(acceptable);
	if (rc || (rc = list_check(offer)) != 0)
		return rc;
	const char *cursor = offer, *s;
	size_t n;
	while (list_next(&cursor, &s, &n) > 0) {
		if (list_contains(acceptable, s, n) > 0) {
			*item = s;
			*item_len = n;
			return 0;
		}
	}
	return -WBE_ISCSI_NEGOTIATION;
}

static int base64_value(char c)
{
	if (is_upper(c))
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int decode_hex(const char *d, uint8_t *out, size_t out_size, size_t *out_len)
{
	size_t n = strlen(d);
	if (n == 0)
		return -WBE_ISCSI_VALUE;
	for (size_t i = 0; i < n; i++)
		if (hex_digit_value(d[i]) < 0)
			return -WBE_ISCSI_VALUE;
	size_t bytes = n / 2 + n % 2;
	if (bytes > out_size)
		return -WBE_RANGE;
	/* an odd count has an implied leading zero digit: the first byte takes one digit */
	size_t i = 0, o = 0;
	if (n % 2)
		out[o++] = (uint8_t)hex_digit_value(d[i++]);
	for (; i < n; i += 2)
		out[o++] = (uint8_t)(hex_digit_value(d[i]) << 4 | hex_digit_value(d[i + 1]));
	*out_len = bytes;
	return 0;
}

/* RFC 4648 §4; '=' padding optional but, when present, exactly what completes the group. */
static int decode_base64(const char *d, uint8_t *out, size_t out_size, size_t *out_len)
{
	size_t n = strlen(d), pad = 0;
	while (pad < 2 && n > 0 && d[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4 != 0))
		return -WBE_ISCSI_VALUE;
	for (size_t i = 0; i < n; i++)
		if (base64_value(d[i]) < 0)
			return -WBE_ISCSI_VALUE;
	size_t tail = n % 4, bytes = n / 4 * 3 + (tail ? tail - 1 : 0);
	/* the unused low bits of a final partial group must be zero (RFC 4648 §3.5) */
	if (tail && (base64_value(d[n - 1]) & (tail == 2 ? 0x0f : 0x03)) != 0)
		return -WBE_ISCSI_VALUE;
	if (bytes > out_size)
		return -WBE_RANGE;
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 6 | (uint32_t)base64_value(d[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*out_len = bytes;
	return 0;
}

int iscsi_value_binary(const char *value, void *out, size_t out_size, size_t *out_len)
{
	if (!value || !out_len || (!out && out_size))
		return -WBE_INVAL;
	if (value[0] != '0')
		return -WBE_ISCSI_VALUE;
	if (value[1] == 'x' || value[1] == 'X')
		return decode_hex(value + 2, out, out_size, out_len);
	if (value[1] == 'b' || value[1] == 'B')
		return decode_base64(value + 2, out, out_size, out_len);
	return -WBE_ISCSI_VALUE;
}

int iscsi_value_encode_hex(const void *data, size_t len, char *out, size_t out_size)
{
	if (!data || !out || len == 0)
		return -WBE_INVAL;
	if (out_size < 3 || (out_size - 3) / 2 < len) {
		if (out_size > 0)
			out[0] = '\0';
		return -WBE_NOSPC;
	}
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < len; i++) {
		out[2 + 2 * i] = digits[p[i] >> 4];
		out[3 + 2 * i] = digits[p[i] & 0x0f];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

/* §13: ranges, result functions and defaults of the keys wireboot negotiates. */
static const struct iscsi_key_info key_table[ISCSI_KEY_COUNT] = {
	[ISCSI_KEY_HEADER_DIGEST] = {"HeaderDigest", ISCSI_KIND_LIST, 0, 0, 0, "None"},
	[ISCSI_KEY_DATA_DIGEST] = {"DataDigest", ISCSI_KIND_LIST, 0, 0, 0, "None"},
	[ISCSI_KEY_MAX_CONNECTIONS] = {"MaxConnections", ISCSI_KIND_MIN, 1, 65535, 1, "1"},
	[ISCSI_KEY_INITIAL_R2T] = {"InitialR2T", ISCSI_KIND_OR, 0, 1, 1, "Yes"},
	[ISCSI_KEY_IMMEDIATE_DATA] = {"ImmediateData", ISCSI_KIND_AND, 0, 1, 1, "Yes"},
	[ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH] = {"MaxRecvDataSegmentLength",
						    ISCSI_KIND_DECLARATIVE, 512, 16777215, 8192,
						    "8192"},
	[ISCSI_KEY_MAX_BURST_LENGTH] = {"MaxBurstLength", ISCSI_KIND_MIN, 512, 16777215, 262144,
					"262144"},
	[ISCSI_KEY_FIRST_BURST_LENGTH] = {"FirstBurstLength", ISCSI_KIND_MIN, 512, 16777215, 65536,
					  "65536"},
	[ISCSI_KEY_DEFAULT_TIME2WAIT] = {"DefaultTime2Wait", ISCSI_KIND_MAX, 0, 3600, 2, "2"},
	[ISCSI_KEY_DEFAULT_TIME2RETAIN] = {"DefaultTime2Retain", ISCSI_KIND_MIN, 0, 3600, 20, "20"},
	[ISCSI_KEY_MAX_OUTSTANDING_R2T] = {"MaxOutstandingR2T", ISCSI_KIND_MIN, 1, 65535, 1, "1"},
	[ISCSI_KEY_DATA_PDU_IN_ORDER] = {"DataPDUInOrder", ISCSI_KIND_OR, 0, 1, 1, "Yes"},
	[ISCSI_KEY_DATA_SEQUENCE_IN_ORDER] = {"DataSequenceInOrder", ISCSI_KIND_OR, 0, 1, 1, "Yes"},
	[ISCSI_KEY_ERROR_RECOVERY_LEVEL] = {"ErrorRecoveryLevel", ISCSI_KIND_MIN, 0, 2, 0, "0"},
};

const struct iscsi_key_info *iscsi_key_info(enum iscsi_key key)
{
	return (unsigned)key < ISCSI_KEY_COUNT ? &key_table[key] : NULL;
}

int iscsi_key_lookup(const char *name, size_t len, enum iscsi_key *out)
{
	if (!name || !out)
		return -WBE_INVAL;
	for (unsigned k = 0; k < ISCSI_KEY_COUNT; k++) {
		if (key_is(name, len, key_table[k].name)) {
			*out = (enum iscsi_key)k;
			return 0;
		}
	}
	return -WBE_NOENT;
}

/* A number of the key's type: parses and lies within [min, max]. */
static int key_number(const struct iscsi_key_info *info, const char *text, uint32_t *out,
		      int out_of_range)
{
	uint64_t n;
	int rc = iscsi_value_number(text, &n);
	if (rc)
		return rc;
	if (n < info->min || n > info->max)
		return out_of_range;
	*out = (uint32_t)n;
	return 0;
}

int iscsi_negotiate(enum iscsi_key key, const char *offer, const char *reply,
		    struct iscsi_negotiated *out)
{
	const struct iscsi_key_info *info = iscsi_key_info(key);
	if (!info || !offer || !reply || !out)
		return -WBE_INVAL;

	/* Our offer first: a bad one is our bug, whatever the target said. */
	bool offered_bool = false;
	uint32_t offered = 0;
	switch (info->kind) {
	case ISCSI_KIND_LIST:
		if (list_check(offer) != 0)
			return -WBE_INVAL;
		break;
	case ISCSI_KIND_AND:
	case ISCSI_KIND_OR:
		if (iscsi_value_bool(offer, &offered_bool) != 0)
			return -WBE_INVAL;
		break;
	case ISCSI_KIND_MIN:
	case ISCSI_KIND_MAX:
	case ISCSI_KIND_DECLARATIVE:
		if (key_number(info, offer, &offered, -WBE_INVAL) != 0)
			return -WBE_INVAL;
		break;
	}

	if (iscsi_value_special(reply) != ISCSI_VALUE_REGULAR) {
		*out = (struct iscsi_negotiated){true, info->default_number, info->default_text};
		return 0;
	}

	struct iscsi_negotiated result = {false, 0, reply};
	int rc = 0;
	switch (info->kind) {
	case ISCSI_KIND_LIST: {
		/* one value (§6.2.1: "the first value that it supports"), and one we offered */
		const char *cursor = reply, *item;
		size_t len;
		rc = list_next(&cursor, &item, &len);
		if (rc < 0)
			return rc;
		if (cursor || list_contains(offer, item, len) <= 0)
			return -WBE_ISCSI_NEGOTIATION;
		break;
	}
	case ISCSI_KIND_AND:
	case ISCSI_KIND_OR: {
		bool answer;
		if ((rc = iscsi_value_bool(reply, &answer)) != 0)
			return rc;
		/* AND: No AND anything is No; OR: Yes OR anything is Yes */
		if (info->kind == ISCSI_KIND_AND ? !offered_bool && answer : offered_bool && !answer)
			return -WBE_ISCSI_NEGOTIATION;
		result.number = answer;
		break;
	}
	case ISCSI_KIND_MIN:
	case ISCSI_KIND_MAX:
	case ISCSI_KIND_DECLARATIVE:
		if ((rc = key_number(info, reply, &result.number, -WBE_ISCSI_NEGOTIATION)) != 0)
			return rc;
		if ((info->kind == ISCSI_KIND_MIN && result.number > offered) ||
		    (info->kind == ISCSI_KIND_MAX && result.number < offered))
			return -WBE_ISCSI_NEGOTIATION;
		break;
	}
	*out = result;
	return 0;
}
