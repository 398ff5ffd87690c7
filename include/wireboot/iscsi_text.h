/*
 * iscsi_text.h - iSCSI login/text key=value data (RFC 7143 §6.1, §6.2, §13): parse a
 * received data segment, build one to send, decode and encode values, and check the target's
 * answers to the operational keys wireboot offers.
 *
 * Sans-I/O: nothing here allocates, logs or keeps state between calls. Parsed pairs point
 * into the caller's buffer.
 *
 * Text format (§6.1): a logical text data segment is a sequence of "key=value" pairs, each
 * followed by one NUL byte. Pairs split over several PDUs (C bit set) must be joined by the
 * caller first; a segment whose last pair lacks its NUL is refused as cut short.
 */
#ifndef WIREBOOT_ISCSI_TEXT_H
#define WIREBOOT_ISCSI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits applied to received and built text. */
#define ISCSI_TEXT_MAX_KEYS 128    /* pairs per segment; a login answer holds about 20 */
#define ISCSI_TEXT_MAX_KEY_LEN 63  /* §6.1: a standard-label "must not exceed 63 characters" */
#define ISCSI_TEXT_MAX_VALUE_LEN 8191
/* CHAP_C and CHAP_R are large-binary-values (§6.1) without a text bound of their own: the
 * text layer lets them carry up to 8 KiB of hex so that the CHAP code, which caps them at
 * 1024 bytes (RFC 7143 §12.1.3), reports its own specific error. */
#define ISCSI_TEXT_MAX_LARGE_BINARY_LEN (2 + 2 * 8192)
#define ISCSI_LIST_ITEM_MAX_LEN 255 /* §6.1: default bound of a simple-value */

struct iscsi_text_pair {
	const char *key;   /* points into the segment; NOT NUL-terminated: use key_len */
	size_t key_len;    /* 1..63 */
	const char *value; /* points into the segment; NUL-terminated (may be "") */
	size_t value_len;
};

struct iscsi_text {
	size_t count;
	struct iscsi_text_pair pairs[ISCSI_TEXT_MAX_KEYS]; /* in the order received */
};

/**
 * iscsi_text_parse() - split a received key=value data segment.
 * @data/@len: the whole logical text data segment, without the PDU's padding. @data may be
 *             NULL when @len is 0 (no pairs). Not modified; must outlive @out's pointers.
 * @out: receives the pairs; never NULL. On error its contents are unspecified.
 *
 * Key names follow §6.1's standard-label: a capital letter first, then letters, digits,
 * '.', '-', '+', '@', '_' (and the '#' of the "X#" registered-extension prefix), at most 63
 * bytes. Values are not interpreted (see the value helpers below) but are bounded:
 * ISCSI_TEXT_MAX_VALUE_LEN bytes, ISCSI_TEXT_MAX_LARGE_BINARY_LEN for CHAP_C and CHAP_R.
 * NUL bytes after the last pair are accepted as padding (some targets count it in the
 * segment length); an empty pair anywhere else is malformed.
 *
 * A key may appear only once per segment (§6.2: a parameter must not be declared or
 * negotiated twice), except TargetAddress, the key §6.2 names as one that may be repeated
 * (a target lists one per portal).
 *
 * Returns 0, or:
 *   -WBE_ISCSI_TEXT_MALFORMED  a pair without '=', an empty or invalid key name, an empty
 *                              pair, or a last pair without its NUL (segment cut short);
 *   -WBE_ISCSI_TEXT_TOO_LONG   a key over 63 bytes or a value over its bound;
 *   -WBE_ISCSI_TEXT_DUPLICATE  the same key twice;
 *   -WBE_ISCSI_TEXT_TOO_MANY   more than ISCSI_TEXT_MAX_KEYS pairs;
 *   -WBE_INVAL                 @out NULL, or @data NULL with @len > 0.
 */
int iscsi_text_parse(const void *data, size_t len, struct iscsi_text *out);

/**
 * iscsi_text_get() - the value of @key (NUL-terminated, compared case-sensitively as §6.1
 * requires) in @text, or NULL when absent. For a repeated TargetAddress, the first one.
 * @text and @key must not be NULL.
 */
const char *iscsi_text_get(const struct iscsi_text *text, const char *key);

/*
 * Building a segment to send: the builder appends "key=value\0" pairs into the caller's
 * buffer, which must outlive it. Each append either completes or changes nothing.
 */
struct iscsi_text_builder {
	char *buf;
	size_t size;
	size_t len; /* bytes used: the segment's DataSegmentLength */
};

/** iscsi_text_builder_init() - start an empty segment in @buf of @size bytes (@buf may be
 * NULL only when @size is 0). */
void iscsi_text_builder_init(struct iscsi_text_builder *b, void *buf, size_t size);

/**
 * iscsi_text_add() - append "@key=@value" and its NUL.
 * @key: a valid key name (as for iscsi_text_parse()); @value: NUL-terminated, within the
 *       key's bound. Neither may be NULL.
 *
 * Returns 0, -WBE_NOSPC when the pair does not fit (nothing is written),
 * -WBE_ISCSI_TEXT_DUPLICATE when @key is already in the segment (we must not send a key
 * twice, §6.2), -WBE_ISCSI_TEXT_MALFORMED for an invalid key name, -WBE_ISCSI_TEXT_TOO_LONG
 * for a value over its bound, -WBE_INVAL for a NULL argument.
 */
int iscsi_text_add(struct iscsi_text_builder *b, const char *key, const char *value);

/** iscsi_text_add_number() - as iscsi_text_add() with @value written in decimal. */
int iscsi_text_add_number(struct iscsi_text_builder *b, const char *key, uint64_t value);

/** iscsi_text_add_bool() - as iscsi_text_add() with "Yes" or "No". */
int iscsi_text_add_bool(struct iscsi_text_builder *b, const char *key, bool value);

/*
 * Value helpers (§6.1). Every one takes a NUL-terminated value (as found in a parsed pair)
 * and accepts exactly the grammar described: no surrounding spaces, no signs.
 */

/**
 * iscsi_value_number() - numerical-value: a decimal-constant or a hex-constant ("0x"/"0X"
 * and 1 or more hex digits), below 2^64. Leading zeros are accepted.
 * Returns 0 and *@out, or -WBE_ISCSI_VALUE (not a number, or 2^64 or more), -WBE_INVAL
 * (NULL argument).
 */
int iscsi_value_number(const char *value, uint64_t *out);

/** iscsi_value_bool() - boolean-value: exactly "Yes" or "No". Returns 0, -WBE_ISCSI_VALUE,
 * -WBE_INVAL. */
int iscsi_value_bool(const char *value, bool *out);

enum iscsi_special_value {
	ISCSI_VALUE_REGULAR,       /* anything else, "None" included (a real digest/auth value) */
	ISCSI_VALUE_REJECT,        /* "Reject": the offer was refused (§6.2) */
	ISCSI_VALUE_IRRELEVANT,    /* "Irrelevant": the key does not apply (§6.2) */
	ISCSI_VALUE_NOT_UNDERSTOOD /* "NotUnderstood": the key is unknown to the peer (§6.2) */
};

/** iscsi_value_special() - classify the reserved answers of §6.2 (exact, case-sensitive).
 * @value must not be NULL. */
enum iscsi_special_value iscsi_value_special(const char *value);

/**
 * iscsi_list_find() - whether @item is one of the comma-separated values of @list
 * (list-of-values, §6.1), compared exactly.
 * Returns 1 (present), 0 (absent), -WBE_ISCSI_VALUE when @list is malformed (empty, an empty
 * element as in "a,,b" or "a,", an element over ISCSI_LIST_ITEM_MAX_LEN bytes) — checked
 * over the whole list even after a match — or -WBE_INVAL for a NULL argument.
 */
int iscsi_list_find(const char *list, const char *item);

/**
 * iscsi_list_first_acceptable() - the first value of @offer that also appears in
 * @acceptable (§6.2.1: the responder picks the first offered value it supports).
 * @item/@item_len: receive the chosen element (pointing into @offer, not NUL-terminated).
 * Returns 0, -WBE_ISCSI_NEGOTIATION when no value is common, -WBE_ISCSI_VALUE when either
 * list is malformed, -WBE_INVAL for a NULL argument.
 */
int iscsi_list_first_acceptable(const char *offer, const char *acceptable, const char **item,
				size_t *item_len);

/**
 * iscsi_value_binary() - binary-value: a hex-constant ("0x"/"0X" + hex digits; an odd
 * number of digits has an implied leading zero, as §6.1 gives a hex-constant of n digits a
 * byte length of (n+1)/2) or a base64-constant ("0b"/"0B" + RFC 4648 §4 base64, '=' padding
 * optional, non-zero bits in the final partial group refused so each value has one
 * encoding).
 * @out/@out_size: receive the decoded bytes; @out_size is the largest length accepted.
 * @out_len: receives the decoded length (>= 1); never NULL.
 *
 * Returns 0, -WBE_ISCSI_VALUE (no prefix, no digits, a bad digit or padding), -WBE_RANGE
 * (decodes to more than @out_size bytes; the length is known before anything is written),
 * -WBE_INVAL (NULL argument). On error @out's contents are unspecified.
 */
int iscsi_value_binary(const char *value, void *out, size_t out_size, size_t *out_len);

/**
 * iscsi_value_encode_hex() - write @data (1 or more bytes) as "0x" and lowercase hex digits
 * plus a NUL into @out of @out_size bytes (needs 2 * @len + 3).
 * Returns 0, -WBE_NOSPC (nothing useful written; @out holds "" when @out_size > 0),
 * -WBE_INVAL (NULL argument or @len 0: a hex-constant needs at least one digit).
 */
int iscsi_value_encode_hex(const void *data, size_t len, char *out, size_t out_size);

/*
 * Negotiation of the operational keys wireboot offers (§13). We are the originator: we send
 * an offer, the target answers, and the answer must be a result the key's function allows.
 */
enum iscsi_key {
	ISCSI_KEY_HEADER_DIGEST,               /* §13.1 list: "CRC32C", "None" */
	ISCSI_KEY_DATA_DIGEST,                 /* §13.1 list */
	ISCSI_KEY_MAX_CONNECTIONS,             /* §13.2 minimum, 1..65535, default 1 */
	ISCSI_KEY_INITIAL_R2T,                 /* §13.10 OR, default Yes */
	ISCSI_KEY_IMMEDIATE_DATA,              /* §13.11 AND, default Yes */
	ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, /* §13.12 declarative, 512..2^24-1, default 8192 */
	ISCSI_KEY_MAX_BURST_LENGTH,            /* §13.13 minimum, 512..2^24-1, default 262144 */
	ISCSI_KEY_FIRST_BURST_LENGTH,          /* §13.14 minimum, 512..2^24-1, default 65536 */
	ISCSI_KEY_DEFAULT_TIME2WAIT,           /* §13.15 maximum, 0..3600, default 2 */
	ISCSI_KEY_DEFAULT_TIME2RETAIN,         /* §13.16 minimum, 0..3600, default 20 */
	ISCSI_KEY_MAX_OUTSTANDING_R2T,         /* §13.17 minimum, 1..65535, default 1 */
	ISCSI_KEY_DATA_PDU_IN_ORDER,           /* §13.18 OR, default Yes */
	ISCSI_KEY_DATA_SEQUENCE_IN_ORDER,      /* §13.19 OR, default Yes */
	ISCSI_KEY_ERROR_RECOVERY_LEVEL,        /* §13.20 minimum, 0..2, default 0 */
	ISCSI_KEY_COUNT
};

enum iscsi_key_kind {
	ISCSI_KIND_LIST,        /* the answer is one value from our offered list */
	ISCSI_KIND_AND,         /* Boolean AND: if we offer No the answer must be No */
	ISCSI_KIND_OR,          /* Boolean OR: if we offer Yes the answer must be Yes */
	ISCSI_KIND_MIN,         /* the answer must not exceed our offer */
	ISCSI_KIND_MAX,         /* the answer must not be below our offer */
	ISCSI_KIND_DECLARATIVE  /* each side declares its own value; no result function */
};

struct iscsi_key_info {
	const char *name;          /* as sent, e.g. "MaxBurstLength" */
	enum iscsi_key_kind kind;
	uint32_t min, max;         /* valid range (numeric kinds) */
	uint32_t default_number;   /* numeric kinds; booleans: 1 = Yes, 0 = No */
	const char *default_text;  /* the default as text ("None", "Yes", "8192") */
};

/** iscsi_key_info() - the table entry of @key, or NULL when @key >= ISCSI_KEY_COUNT. */
const struct iscsi_key_info *iscsi_key_info(enum iscsi_key key);

/** iscsi_key_lookup() - the key named @name (@len bytes, case-sensitive); returns 0 and
 * *@out, or -WBE_NOENT for a key not in the table (-WBE_INVAL for NULL arguments). */
int iscsi_key_lookup(const char *name, size_t len, enum iscsi_key *out);

struct iscsi_negotiated {
	/* The target answered Reject, Irrelevant or NotUnderstood: the key keeps its default
	 * (§6.2: a rejected key "is left at its current value (or default ...)"). The caller
	 * decides whether the default is acceptable. */
	bool defaulted;
	uint32_t number;  /* numeric and boolean kinds (1 = Yes) */
	const char *text; /* the agreed value: @reply itself, or the table's default_text */
};

/**
 * iscsi_negotiate() - the result of @key given what we offered and what the target answered.
 * @offer: our value as sent (list kinds: the comma-separated list; declarative: our own
 *         declaration, only checked for range). Must be valid for the key.
 * @reply: the target's value for the key (from iscsi_text_get()).
 * @out: receives the result; never NULL. Written only on success.
 *
 * Rules (§6.2, §13): a list answer must be a single value that we offered; an AND answer to
 * our No must be No; an OR answer to our Yes must be Yes; a minimum answer must be within
 * the key's range and not above our offer; a maximum answer within range and not below;
 * a declarative answer (the target's MaxRecvDataSegmentLength) within range, whatever we
 * declared. Reject / Irrelevant / NotUnderstood give the default (see struct above).
 *
 * Returns 0, -WBE_ISCSI_NEGOTIATION when the answer breaks those rules, -WBE_ISCSI_VALUE when
 * @reply does not parse as the key's type, -WBE_INVAL when @offer is not a valid value for
 * the key (our bug) or an argument is NULL or out of range.
 */
int iscsi_negotiate(enum iscsi_key key, const char *offer, const char *reply,
		    struct iscsi_negotiated *out);

#endif
