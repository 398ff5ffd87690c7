/*
 * http_msg_fuzz.c - libFuzzer harness for wireboot/http_msg.h, the HTTP response parser.
 *
 * The first input byte chooses the mode: bit 0 a HEAD request, bits 1..4 a piece size
 * (1..16 bytes); the rest is the server's bytes. They are parsed twice: whole, and in pieces
 * of that size, each piece an exact-size heap copy so ASan sees any read past it, then the
 * connection's close is reported.
 * Invariants checked, beyond the sanitizers':
 *  - both splits give the same events, body bytes, end position and result;
 *  - every body span lies inside the bytes of that call, `used` never exceeds them, and
 *    HTTP_MSG_MORE consumes everything;
 *  - HTTP_MSG_HEADERS comes once, before any body byte, with a final status (200..599), a
 *    NUL-terminated reason and Location, and a framing consistent with the fields;
 *  - a Content-Length body delivers exactly that many bytes; errors are sticky; after the
 *    end nothing more is consumed;
 *  - nothing is allocated (the parser must not allocate at all).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/http_msg.h"
#include "wireboot/malloc.h"

#include "fuzz.h"

struct run {
	int rc;             /* 0, or the error */
	unsigned headers;
	bool end;
	size_t consumed;    /* where the message ended */
	size_t body_len;
	uint32_t body_hash; /* FNV-1a of the body bytes */
	unsigned status;
	bool keep_alive;
	int framing;
};

static bool is_error(int rc)
{
	switch (rc) {
	case -WBE_HTTP_STATUS_LINE:
	case -WBE_HTTP_HEADER:
	case -WBE_HTTP_LINE_TOO_LONG:
	case -WBE_HTTP_HEADERS_TOO_LONG:
	case -WBE_HTTP_CONTENT_LENGTH:
	case -WBE_HTTP_TRANSFER_ENCODING:
	case -WBE_HTTP_CHUNK:
	case -WBE_HTTP_CONTENT_RANGE:
	case -WBE_HTTP_TRUNCATED:
		return true;
	default:
		return false;
	}
}

static void check_headers(const struct http_msg *m, bool head)
{
	ENSURE(m->status >= 200 && m->status <= 599);
	ENSURE(memchr(m->reason, '\0', sizeof(m->reason)) != NULL);
	ENSURE(strlen(m->reason) <= HTTP_MSG_REASON_MAX);
	ENSURE(memchr(m->location, '\0', sizeof(m->location)) != NULL);
	ENSURE(m->has_location || m->location[0] == '\0');
	ENSURE(memchr(m->etag, '\0', sizeof(m->etag)) != NULL);
	if (m->has_content_range)
		ENSURE(m->status == 206 && m->range_first <= m->range_last &&
		       (m->range_complete == UINT64_MAX || m->range_last < m->range_complete));
	if (head || m->status == 204 || m->status == 304)
		ENSURE(m->framing == HTTP_FRAMING_NONE);
	else if (m->framing == HTTP_FRAMING_LENGTH)
		ENSURE(m->has_content_length);
	else if (m->framing == HTTP_FRAMING_CLOSE)
		ENSURE(!m->has_content_length && !m->keep_alive);
	else
		ENSURE(m->framing == HTTP_FRAMING_CHUNKED && !m->has_content_length && m->minor_version > 0);
}

static void parse(struct http_msg *m, bool head, const uint8_t *data, size_t size, size_t step, struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->body_hash = 2166136261u;
	http_msg_init(m, head);
	size_t pos = 0;
	for (;;) {
		size_t n = size - pos < step ? size - pos : step;
		uint8_t *piece = malloc(n ? n : 1);
		memcpy(piece, data + pos, n);
		size_t off = 0;
		int ev;
		do {
			size_t used = SIZE_MAX;
			ev = http_msg_feed(m, piece + off, n - off, &used);
			if (ev < 0) {
				ENSURE(is_error(ev) && used == 0);
				r->rc = ev;
				break;
			}
			ENSURE(used <= n - off);
			ENSURE(ev != HTTP_MSG_MORE || used == n - off);
			if (ev == HTTP_MSG_HEADERS) {
				ENSURE(r->headers == 0 && r->body_len == 0);
				r->headers++;
				check_headers(m, head);
			}
			if (ev == HTTP_MSG_BODY) {
				ENSURE(r->headers == 1 && m->body_len > 0 && m->body_len <= used);
				ENSURE(m->body >= piece + off && m->body + m->body_len <= piece + off + used);
				for (size_t i = 0; i < m->body_len; i++)
					r->body_hash = (r->body_hash ^ m->body[i]) * 16777619u;
				r->body_len += m->body_len;
			}
			off += used;
			if (ev == HTTP_MSG_END) {
				ENSURE(r->headers == 1);
				r->end = true;
				r->consumed = pos + off;
			}
		} while (ev != HTTP_MSG_MORE && ev != HTTP_MSG_END);
		free(piece);
		pos += n;
		if (r->rc || r->end || n == 0)
			break;
	}
	if (!r->rc && !r->end) {
		int rc = http_msg_eof(m);
		if (rc == HTTP_MSG_END) {
			ENSURE(r->headers == 1 && m->framing == HTTP_FRAMING_CLOSE);
			r->end = true;
			r->consumed = size;
		} else {
			ENSURE(is_error(rc));
			r->rc = rc;
		}
	}
	size_t used = 1;
	if (r->rc) {
		ENSURE(http_msg_feed(m, data, size, &used) == r->rc && used == 0);
	} else {
		ENSURE(http_msg_feed(m, data, size, &used) == HTTP_MSG_END && used == 0);
		r->status = m->status;
		r->keep_alive = m->keep_alive;
		r->framing = (int)m->framing;
		if (m->framing == HTTP_FRAMING_LENGTH)
			ENSURE(r->body_len == m->content_length);
		if (m->framing == HTTP_FRAMING_NONE)
			ENSURE(r->body_len == 0);
	}
}

static bool initialized;
static size_t baseline_blocks;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!initialized) {
		struct malloc_stats stats;
		malloc_init(&fuzz_malloc_backend);
		malloc_get_stats(&stats);
		baseline_blocks = stats.live_blocks;
		initialized = true;
	}
	if (size < 1)
		return 0;
	bool head = data[0] & 1;
	size_t step = (size_t)((data[0] >> 1) & 15) + 1;
	data++;
	size--;

	static struct http_msg m1, m2;
	struct run whole, split;
	parse(&m1, head, data, size, size, &whole);
	parse(&m2, head, data, size, step, &split);
	ENSURE(whole.rc == split.rc && whole.headers == split.headers && whole.end == split.end &&
	       whole.consumed == split.consumed && whole.body_len == split.body_len &&
	       whole.body_hash == split.body_hash && whole.status == split.status &&
	       whole.keep_alive == split.keep_alive && whole.framing == split.framing);

	struct malloc_stats stats;
	malloc_get_stats(&stats);
	ENSURE(stats.live_blocks == baseline_blocks);
	return 0;
}
