/*
 * ftp_msg_fuzz.c - libFuzzer harness for wireboot/ftp_msg.h: the FTP reply parser and the
 * PASV, EPSV and SIZE values read from reply texts.
 *
 * The first input byte chooses a piece size (bits 0..3: 1..16 bytes); the rest is what a
 * server sends on the control connection. It is parsed twice, reply after reply: whole, and
 * in pieces of that size, each piece an exact-size heap copy so ASan sees any read past it.
 * Every reply text is handed to ftp_parse_pasv(), ftp_parse_epsv() and ftp_parse_size().
 * Invariants checked, beyond the sanitizers':
 *  - both splits give the same replies (codes and texts), in the same places, and the same
 *    final result;
 *  - `used` never exceeds the bytes given, FTP_REPLY_MORE consumes everything, a reply ends
 *    at an LF; an error is -WBE_FTP_MALFORMED and sticky;
 *  - a reply has a code 100..599 and a NUL-terminated text of printable ASCII within
 *    FTP_REPLY_TEXT_MAX; no reply spans more than FTP_REPLY_BYTES_MAX bytes;
 *  - an accepted PASV/EPSV port is not 0; an accepted text is also accepted (same values)
 *    when parsed from an exact-size copy.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/ftp_msg.h"

#include "fuzz.h"

#define MAX_REPLIES 4096

struct run {
	int rc; /* 0, or the error */
	size_t nreplies;
	unsigned codes[MAX_REPLIES];
	size_t ends[MAX_REPLIES];    /* offset after each reply's last byte */
	uint32_t text_hash;          /* FNV-1a over all texts */
};

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u; /* text boundary */
}

static void check_values(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	memcpy(copy, text, len + 1);
	uint32_t addr, addr2;
	uint16_t port, port2;
	uint64_t size, size2;
	int rc = ftp_parse_pasv(copy, &addr, &port);
	ENSURE(rc == 0 || rc == -WBE_FTP_MALFORMED);
	if (rc == 0) {
		ENSURE(port != 0);
		ENSURE(ftp_parse_pasv(text, &addr2, &port2) == 0 && addr2 == addr && port2 == port);
	}
	rc = ftp_parse_epsv(copy, &port);
	ENSURE(rc == 0 || rc == -WBE_FTP_MALFORMED);
	if (rc == 0) {
		ENSURE(port != 0);
		ENSURE(ftp_parse_epsv(text, &port2) == 0 && port2 == port);
	}
	rc = ftp_parse_size(copy, &size);
	ENSURE(rc == 0 || rc == -WBE_FTP_MALFORMED);
	if (rc == 0)
		ENSURE(ftp_parse_size(text, &size2) == 0 && size2 == size && len >= 1 && len <= 20);
	free(copy);
}

static void check_reply(const struct ftp_reply *r)
{
	ENSURE(r->code >= 100 && r->code <= 599);
	ENSURE(r->text_len <= FTP_REPLY_TEXT_MAX && r->text[r->text_len] == '\0');
	ENSURE(strlen(r->text) == r->text_len);
	for (size_t i = 0; i < r->text_len; i++)
		ENSURE(r->text[i] >= 0x20 && r->text[i] <= 0x7e);
	check_values(r->text);
}

/* Parses @data/@len in pieces of @piece bytes (0: whole). */
static void parse(const uint8_t *data, size_t len, size_t piece, struct run *out)
{
	struct ftp_reply r;
	ftp_reply_init(&r);
	memset(out, 0, sizeof(*out));
	out->text_hash = 2166136261u;
	size_t pos = 0, reply_start = 0;
	while (pos < len) {
		size_t n = piece && piece < len - pos ? piece : len - pos;
		uint8_t *copy = malloc(n);
		memcpy(copy, data + pos, n);
		size_t used = n + 1;
		int rc = ftp_reply_feed(&r, copy, n, &used);
		free(copy);
		ENSURE(used <= n);
		if (rc < 0) {
			ENSURE(rc == -WBE_FTP_MALFORMED && used == 0);
			size_t again = 1;
			ENSURE(ftp_reply_feed(&r, data + pos, n, &again) == rc && again == 0); /* sticky */
			out->rc = rc;
			return;
		}
		if (rc == FTP_REPLY_MORE) {
			ENSURE(used == n);
			pos += n;
			continue;
		}
		ENSURE(rc == FTP_REPLY_DONE && used >= 1 && data[pos + used - 1] == '\n');
		pos += used;
		ENSURE(pos - reply_start <= FTP_REPLY_BYTES_MAX);
		reply_start = pos;
		check_reply(&r);
		if (out->nreplies < MAX_REPLIES) {
			out->codes[out->nreplies] = r.code;
			out->ends[out->nreplies] = pos;
		}
		out->nreplies++;
		out->text_hash = fnv1a(out->text_hash, r.text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)(data[0] & 15) + 1;
	static struct run whole, split;
	parse(data + 1, size - 1, 0, &whole);
	parse(data + 1, size - 1, piece, &split);
	ENSURE(whole.rc == split.rc && whole.nreplies == split.nreplies && whole.text_hash == split.text_hash);
	size_t n = whole.nreplies < MAX_REPLIES ? whole.nreplies : MAX_REPLIES;
	ENSURE(memcmp(whole.codes, split.codes, n * sizeof(whole.codes[0])) == 0);
	ENSURE(memcmp(whole.ends, split.ends, n * sizeof(whole.ends[0])) == 0);
	return 0;
}
