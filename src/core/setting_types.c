/*
 * setting_types.c - how settings' raw bytes are parsed from and shown as text
 * (contract in wireboot/settings.h). Numbers are stored big-endian, as DHCP carries them,
 * so a value from a DHCP option and one from `set` look the same.
 */
#include "wireboot/base64.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/settings.h"
#include "wireboot/chars.h"

#include <string.h>

static int copy_text(const char *text, size_t n, char *buf, size_t len)
{
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;
		memcpy(buf, text, c);
		buf[c] = '\0';
	}
	return (int)n;
}

/*
 * A value longer than SETTING_VALUE_MAX is not a type error: parsers report it as needing
 * SETTING_VALUE_MAX + 1 bytes (the exact excess does not matter, and stopping there bounds
 * the work), and settings_store_text() turns that into -WBE_RANGE.
 */
#define TOO_LONG (SETTING_VALUE_MAX + 1)

static int parse_string(const char *text, uint8_t *raw, size_t size)
{
	size_t n = strlen(text);
	if (n > SETTING_VALUE_MAX)
		return TOO_LONG;
	memcpy(raw, text, n < size ? n : size);
	return (int)n;
}

static int format_string(const uint8_t *raw, size_t raw_len, char *buf, size_t len)
{
	/* a NUL inside the raw value (from DHCP) ends the text, as C strings must */
	const uint8_t *nul = memchr(raw, 0, raw_len);
	return copy_text((const char *)raw, nul ? (size_t)(nul - raw) : raw_len, buf, len);
}

/* Parses an unsigned decimal number of at most @max; returns the number of characters used
 * or 0 if there is no number or it is too large. */
static size_t parse_decimal(const char *text, uint64_t max, uint64_t *value)
{
	size_t i = 0;
	uint64_t v = 0;
	while (text[i] >= '0' && text[i] <= '9') {
		v = v * 10 + (uint64_t)(text[i] - '0');
		if (v > max)
			return 0;
		i++;
	}
	*value = v;
	return i;
}

static int parse_ipv4(const char *text, uint8_t *raw, size_t size)
{
	uint8_t addr[4];
	const char *p = text;
	for (int i = 0; i < 4; i++) {
		uint64_t octet;
		size_t used = parse_decimal(p, 255, &octet);
		/* RFC 6943 §3.1.1: accept only the strict dotted-decimal form: four parts, no
		 * leading zeros (which some parsers read as octal). */
		if (used == 0 || used > 3 || (used > 1 && p[0] == '0'))
			return -WBE_SETTING_TYPE;
		addr[i] = (uint8_t)octet;
		p += used;
		if (i < 3 && *p++ != '.')
			return -WBE_SETTING_TYPE;
	}
	if (*p)
		return -WBE_SETTING_TYPE;
	memcpy(raw, addr, size < 4 ? size : 4);
	return 4;
}

static int format_ipv4(const uint8_t *raw, size_t raw_len, char *buf, size_t len)
{
	if (raw_len != 4)
		return -WBE_SETTING_TYPE;
	return wb_snprintf(buf, len, "%u.%u.%u.%u", raw[0], raw[1], raw[2], raw[3]);
}


/* Hex bytes with an optional separator between every byte ("52:54:00", "52-54-00", "525400"). */
static int parse_hex_sep(const char *text, uint8_t *raw, size_t size, char sep)
{
	size_t n = 0;
	const char *p = text;
	if (!*p)
		return 0;
	for (;;) {
		int hi = hex_digit_value(p[0]);
		int lo = hi < 0 ? -1 : hex_digit_value(p[1]);
		if (lo < 0)
			return -WBE_SETTING_TYPE;
		if (n == SETTING_VALUE_MAX)
			return TOO_LONG;
		if (n < size)
			raw[n] = (uint8_t)(hi << 4 | lo);
		n++;
		p += 2;
		if (!*p)
			return (int)n;
		if (sep) {
			if (*p != sep || !p[1])
				return -WBE_SETTING_TYPE;
			p++;
		}
	}
}

static int format_hex_sep(const uint8_t *raw, size_t raw_len, char *buf, size_t len, char sep)
{
	static const char digits[] = "0123456789abcdef";
	size_t need = raw_len * 2 + (sep && raw_len ? raw_len - 1 : 0);
	size_t pos = 0;
	for (size_t i = 0; i < raw_len; i++) {
		char chunk[3];
		size_t c = 0;
		if (sep && i)
			chunk[c++] = sep;
		chunk[c++] = digits[raw[i] >> 4];
		chunk[c++] = digits[raw[i] & 15];
		for (size_t k = 0; k < c; k++, pos++) {
			if (pos + 1 < len)
				buf[pos] = chunk[k];
		}
	}
	if (len)
		buf[pos < len ? pos : len - 1] = '\0';
	return (int)need;
}

static int parse_hex(const char *t, uint8_t *r, size_t s) { return parse_hex_sep(t, r, s, ':'); }
static int parse_hexhyp(const char *t, uint8_t *r, size_t s) { return parse_hex_sep(t, r, s, '-'); }
static int parse_hexraw(const char *t, uint8_t *r, size_t s) { return parse_hex_sep(t, r, s, 0); }
static int format_hex(const uint8_t *r, size_t n, char *b, size_t l) { return format_hex_sep(r, n, b, l, ':'); }
static int format_hexhyp(const uint8_t *r, size_t n, char *b, size_t l) { return format_hex_sep(r, n, b, l, '-'); }
static int format_hexraw(const uint8_t *r, size_t n, char *b, size_t l) { return format_hex_sep(r, n, b, l, 0); }

/* Integers: @width bytes big-endian; text is decimal, or hex with a 0x prefix. */
static int parse_integer(const char *text, uint8_t *raw, size_t size, unsigned width, int is_signed)
{
	const char *p = text;
	int negative = 0;
	if (*p == '-' && is_signed) {
		negative = 1;
		p++;
	}
	uint64_t limit = (width == 4 ? 0xffffffffULL : (1ULL << (8 * width)) - 1);
	if (is_signed)
		limit = (limit >> 1) + (uint64_t)negative; /* e.g. int8: 127, or 128 when negative */
	uint64_t v = 0;
	size_t used;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		used = 2;
		while (hex_digit_value(p[used]) >= 0) {
			v = v * 16 + (uint64_t)hex_digit_value(p[used]);
			if (v > limit)
				return -WBE_SETTING_TYPE;
			used++;
		}
		if (used == 2)
			return -WBE_SETTING_TYPE;
	} else {
		used = parse_decimal(p, limit, &v);
		if (used == 0)
			return -WBE_SETTING_TYPE;
	}
	if (p[used])
		return -WBE_SETTING_TYPE;
	if (negative)
		v = (uint64_t)0 - v;
	for (unsigned i = 0; i < width; i++) {
		if (i < size)
			raw[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	}
	return (int)width;
}

/* Formats any raw length from 1 to 8 bytes, so a 2-byte DHCP value shows under int32 too. */
static int format_integer(const uint8_t *raw, size_t raw_len, char *buf, size_t len, int is_signed)
{
	if (raw_len == 0 || raw_len > 8)
		return -WBE_SETTING_TYPE;
	uint64_t v = 0;
	for (size_t i = 0; i < raw_len; i++)
		v = v << 8 | raw[i];
	if (is_signed && (raw[0] & 0x80)) {
		if (raw_len < 8)
			v |= ~0ULL << (8 * raw_len);
		return wb_snprintf(buf, len, "-%llu", (unsigned long long)((uint64_t)0 - v));
	}
	return wb_snprintf(buf, len, "%llu", (unsigned long long)v);
}

#define INTEGER_TYPE(tname, width, is_signed)                                                   \
	static int parse_##tname(const char *t, uint8_t *r, size_t s)                           \
	{                                                                                       \
		return parse_integer(t, r, s, width, is_signed);                                \
	}                                                                                       \
	static int format_##tname(const uint8_t *r, size_t n, char *b, size_t l)                \
	{                                                                                       \
		return format_integer(r, n, b, l, is_signed);                                   \
	}                                                                                       \
	const struct setting_type setting_type_##tname = {#tname, parse_##tname, format_##tname};

INTEGER_TYPE(int8, 1, 1)
INTEGER_TYPE(int16, 2, 1)
INTEGER_TYPE(int32, 4, 1)
INTEGER_TYPE(uint8, 1, 0)
INTEGER_TYPE(uint16, 2, 0)
INTEGER_TYPE(uint32, 4, 0)

static int parse_base64(const char *text, uint8_t *raw, size_t size)
{
	if (strlen(text) > base64_encoded_len(SETTING_VALUE_MAX))
		return TOO_LONG;
	int n = base64_decode(text, raw, size);
	return n < 0 ? -WBE_SETTING_TYPE : n;
}

static int format_base64(const uint8_t *raw, size_t raw_len, char *buf, size_t len)
{
	return (int)base64_encode(raw, raw_len, buf, len);
}

/* RFC 3986 §2.3: everything but the unreserved characters is percent-encoded, so a value
 * (a password, a MAC with ':') can be pasted into any part of a URI. */
static int parse_uristring(const char *text, uint8_t *raw, size_t size)
{
	size_t n = 0;
	for (const char *p = text; *p; n++) {
		if (n > SETTING_VALUE_MAX)
			return TOO_LONG;
		uint8_t c = (uint8_t)*p++;
		if (c == '%') {
			int hi = hex_digit_value(p[0]), lo = hi < 0 ? -1 : hex_digit_value(p[1]);
			if (lo < 0)
				return -WBE_SETTING_TYPE;
			c = (uint8_t)(hi << 4 | lo);
			p += 2;
		}
		if (n < size)
			raw[n] = c;
	}
	return (int)n;
}

static int format_uristring(const uint8_t *raw, size_t raw_len, char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < raw_len; i++) {
		uint8_t c = raw[i];
		bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				  c == '-' || c == '.' || c == '_' || c == '~';
		char enc[4] = {(char)c, 0, 0, 0};
		size_t elen = 1;
		if (!unreserved) {
			enc[0] = '%';
			enc[1] = "0123456789ABCDEF"[c >> 4];
			enc[2] = "0123456789ABCDEF"[c & 15];
			elen = 3;
		}
		for (size_t k = 0; k < elen; k++, n++) {
			if (n + 1 < len)
				buf[n] = enc[k];
		}
	}
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return (int)n;
}

const struct setting_type setting_type_string = {"string", parse_string, format_string};
const struct setting_type setting_type_ipv4 = {"ipv4", parse_ipv4, format_ipv4};
const struct setting_type setting_type_hex = {"hex", parse_hex, format_hex};
const struct setting_type setting_type_hexhyp = {"hexhyp", parse_hexhyp, format_hexhyp};
const struct setting_type setting_type_hexraw = {"hexraw", parse_hexraw, format_hexraw};
const struct setting_type setting_type_base64 = {"base64", parse_base64, format_base64};
const struct setting_type setting_type_uristring = {"uristring", parse_uristring, format_uristring};

static const struct setting_type *const all_types[] = {
	&setting_type_string, &setting_type_ipv4,  &setting_type_hex,    &setting_type_hexhyp,
	&setting_type_hexraw, &setting_type_int8,  &setting_type_int16,  &setting_type_int32,
	&setting_type_uint8,  &setting_type_uint16, &setting_type_uint32, &setting_type_base64,
	&setting_type_uristring,
};

const struct setting_type *setting_type_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all_types) / sizeof(all_types[0]); i++) {
		if (strcmp(all_types[i]->name, name) == 0)
			return all_types[i];
	}
	return NULL;
}
