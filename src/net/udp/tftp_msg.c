/*
 * tftp_msg.c - TFTP packet codec (contract in wireboot/tftp_msg.h). Section names are
 * RFC 1350's unless stated otherwise.
 *
 * Everything a server sends is hostile input: every read is bounded by the packet's end,
 * strings are only used after their NUL has been found inside the packet, numbers are parsed
 * with an explicit digit limit and overflow check, and an OACK may only settle options we
 * asked for, each once (RFC 2347: the server must not add options the client did not send).
 */
#include "wireboot/tftp_msg.h"

#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/errors.h"

/* Longest decimal value accepted in an OACK: UINT64_MAX has 20 digits. */
#define VALUE_DIGITS_MAX 20

/* Appends @s and its NUL at *@pos; false when it does not fit in @size. */
static bool put_string(uint8_t *buf, size_t size, size_t *pos, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > size - *pos)
		return false;
	memcpy(buf + *pos, s, n);
	*pos += n;
	return true;
}

/* Decimal text of @v in @out (at least 6 bytes for a uint16_t). */
static void u16_text(uint16_t v, char out[6])
{
	char tmp[6];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* Appends the option @name with value @v. */
static bool put_option(uint8_t *buf, size_t size, size_t *pos, const char *name, uint16_t v)
{
	char text[6];
	u16_text(v, text);
	return put_string(buf, size, pos, name) && put_string(buf, size, pos, text);
}

int tftp_build_rrq(const char *filename, const struct tftp_options *opts, uint8_t *buf, size_t size)
{
	if (!filename || !buf)
		return -WBE_INVAL;
	if (!*filename)
		return -WBE_TFTP_URI;
	if (opts && opts->blksize && (opts->blksize < TFTP_BLKSIZE_MIN || opts->blksize > TFTP_BLKSIZE_MAX))
		return -WBE_RANGE;
	/* Build into a request-sized scratch buffer first: "too long for any TFTP request"
	 * (-WBE_TFTP_URI) must be told apart from "too long for the caller's buffer". */
	uint8_t pkt[TFTP_REQUEST_MAX];
	size_t pos = 2;
	put_be16(pkt, TFTP_OP_RRQ);
	/* §5: mode "octet": the file's bytes as they are (netascii would rewrite line ends) */
	bool ok = put_string(pkt, sizeof(pkt), &pos, filename) && put_string(pkt, sizeof(pkt), &pos, "octet");
	if (ok && opts && opts->blksize)
		ok = put_option(pkt, sizeof(pkt), &pos, "blksize", opts->blksize);
	/* RFC 2349: "tsize" "0" in a read request asks the server for the size */
	if (ok && opts && opts->tsize)
		ok = put_string(pkt, sizeof(pkt), &pos, "tsize") && put_string(pkt, sizeof(pkt), &pos, "0");
	if (ok && opts && opts->windowsize)
		ok = put_option(pkt, sizeof(pkt), &pos, "windowsize", opts->windowsize);
	if (!ok)
		return -WBE_TFTP_URI;
	if (pos > size)
		return -WBE_NOSPC;
	memcpy(buf, pkt, pos);
	return (int)pos;
}

int tftp_build_ack(uint16_t block, uint8_t buf[TFTP_HEADER_LEN])
{
	put_be16(buf, TFTP_OP_ACK);
	put_be16(buf + 2, block);
	return TFTP_HEADER_LEN;
}

int tftp_build_error(uint16_t code, const char *text, uint8_t *buf, size_t size)
{
	if (!text || !buf)
		return -WBE_INVAL;
	if (size < TFTP_HEADER_LEN + 1)
		return -WBE_NOSPC;
	put_be16(buf, TFTP_OP_ERROR);
	put_be16(buf + 2, code);
	size_t n = strlen(text);
	if (n > size - TFTP_HEADER_LEN - 1)
		n = size - TFTP_HEADER_LEN - 1;
	memcpy(buf + TFTP_HEADER_LEN, text, n);
	buf[TFTP_HEADER_LEN + n] = 0;
	return (int)(TFTP_HEADER_LEN + n + 1);
}

int tftp_parse(const uint8_t *msg, size_t len, struct tftp_packet *out)
{
	if ((!msg && len) || !out)
		return -WBE_INVAL;
	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -WBE_TFTP_MALFORMED;
	out->opcode = get_be16(msg);
	switch (out->opcode) {
	case TFTP_OP_DATA:
		if (len < TFTP_HEADER_LEN)
			return -WBE_TFTP_MALFORMED;
		out->block = get_be16(msg + 2);
		out->data = msg + TFTP_HEADER_LEN;
		out->data_len = len - TFTP_HEADER_LEN;
		return 0;
	case TFTP_OP_OACK:
		out->data = msg + 2;
		out->data_len = len - 2;
		return 0;
	case TFTP_OP_ERROR: {
		if (len < TFTP_HEADER_LEN)
			return -WBE_TFTP_MALFORMED;
		out->error_code = get_be16(msg + 2);
		size_t n = 0;
		for (size_t i = TFTP_HEADER_LEN; i < len && msg[i] && n < TFTP_ERROR_TEXT_MAX; i++)
			out->error_text[n++] = msg[i] >= 0x20 && msg[i] < 0x7f ? (char)msg[i] : '?';
		out->error_text[n] = '\0';
		return 0;
	}
	default:
		return -WBE_TFTP_MALFORMED;
	}
}

/* ASCII case-insensitive comparison of @a (@alen bytes) with the lowercase literal @lit. */
static bool name_is(const uint8_t *a, size_t alen, const char *lit)
{
	if (alen != strlen(lit))
		return false;
	for (size_t i = 0; i < alen; i++) {
		uint8_t c = a[i] >= 'A' && a[i] <= 'Z' ? (uint8_t)(a[i] + 32) : a[i];
		if (c != (uint8_t)lit[i])
			return false;
	}
	return true;
}

/* A decimal value of 1..VALUE_DIGITS_MAX digits that fits in 64 bits. */
static int parse_value(const uint8_t *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > VALUE_DIGITS_MAX)
		return -WBE_TFTP_OACK;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -WBE_TFTP_OACK;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -WBE_TFTP_OACK;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The NUL-terminated string at @p within [@p, @end): its length, or -1 without a NUL. */
static long string_len(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *nul = memchr(p, 0, (size_t)(end - p));
	return nul ? (long)(nul - p) : -1;
}

int tftp_parse_oack(const uint8_t *opts, size_t len, const struct tftp_options *asked, struct tftp_oack *out)
{
	if ((!opts && len) || !asked || !out)
		return -WBE_INVAL;
	struct tftp_oack r = {TFTP_BLKSIZE_DEFAULT, 1, false, 0};
	bool seen_blksize = false, seen_windowsize = false;
	if (len == 0) {
		*out = r; /* an OACK settling nothing (opts may be NULL: no pointer arithmetic on it) */
		return 0;
	}
	const uint8_t *p = opts, *end = opts + len;
	/* each pass consumes at least two bytes (two NULs), so the loop is bounded by @len */
	while (p < end) {
		long nlen = string_len(p, end);
		if (nlen <= 0)
			return -WBE_TFTP_MALFORMED;
		const uint8_t *name = p, *value = p + nlen + 1;
		if (value >= end)
			return -WBE_TFTP_MALFORMED;
		long vlen = string_len(value, end);
		if (vlen < 0)
			return -WBE_TFTP_MALFORMED;
		p = value + vlen + 1;
		uint64_t v;
		int rc = parse_value(value, (size_t)vlen, &v);
		if (rc)
			return rc;
		if (name_is(name, (size_t)nlen, "blksize") && asked->blksize && !seen_blksize) {
			/* RFC 2348: the server may answer a smaller size, never a larger one */
			if (v < TFTP_BLKSIZE_MIN || v > asked->blksize)
				return -WBE_TFTP_OACK;
			r.blksize = (uint16_t)v;
			seen_blksize = true;
		} else if (name_is(name, (size_t)nlen, "windowsize") && asked->windowsize && !seen_windowsize) {
			/* RFC 7440 §3: likewise, the server may only lower the window */
			if (v < 1 || v > asked->windowsize)
				return -WBE_TFTP_OACK;
			r.windowsize = (uint16_t)v;
			seen_windowsize = true;
		} else if (name_is(name, (size_t)nlen, "tsize") && asked->tsize && !r.has_tsize) {
			r.tsize = v;
			r.has_tsize = true;
		} else {
			return -WBE_TFTP_OACK;
		}
	}
	*out = r;
	return 0;
}
