/*
 * http_msg_test.c - tests for wireboot/http_msg.h. Every response is fed whole, one byte at a
 * time and in pieces of 2, 3 and 7 bytes, each piece from an exact-size heap copy (ASan
 * catches a read past it, and body spans are checked to lie inside it); all splits must give
 * the same result.
 */
#include "wireboot/http_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct outcome {
	int rc;          /* 0, or the error of feed/eof */
	unsigned headers; /* HTTP_MSG_HEADERS events */
	bool end;
	size_t consumed; /* bytes up to the end of the message */
	char body[256];
	size_t body_len;
};

/*
 * Feeds @len bytes of @text in pieces of @step (0: all at once) into @m, then, if the message
 * has not ended and @eof, reports the connection's close.
 */
static void feed(struct http_msg *m, bool head, const char *text, size_t len, size_t step, bool eof,
		 struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	http_msg_init(m, head);
	size_t pos = 0;
	for (;;) {
		size_t n = len - pos;
		if (step && n > step)
			n = step;
		uint8_t *piece = malloc(n ? n : 1);
		memcpy(piece, text + pos, n);
		size_t off = 0;
		int ev;
		do {
			size_t used = 99999;
			ev = http_msg_feed(m, piece + off, n - off, &used);
			if (ev < 0) {
				o->rc = ev;
				break;
			}
			CHECK(used <= n - off);
			if (ev == HTTP_MSG_BODY) {
				CHECK(m->body_len > 0 && m->body >= piece + off && m->body + m->body_len <= piece + off + used);
				CHECK(o->body_len + m->body_len <= sizeof(o->body));
				if (o->body_len + m->body_len <= sizeof(o->body))
					memcpy(o->body + o->body_len, m->body, m->body_len);
				o->body_len += m->body_len;
			}
			o->headers += ev == HTTP_MSG_HEADERS;
			off += used;
			if (ev == HTTP_MSG_END) {
				o->end = true;
				o->consumed = pos + off;
			}
		} while (ev != HTTP_MSG_MORE && ev != HTTP_MSG_END);
		free(piece);
		pos += n;
		if (o->rc || o->end || n == 0)
			break;
	}
	if (!o->rc && !o->end && eof) {
		int rc = http_msg_eof(m);
		if (rc == HTTP_MSG_END) {
			o->end = true;
			o->consumed = len;
		} else {
			o->rc = rc;
		}
	}
}

static const size_t steps[] = {0, 1, 2, 3, 7};

/* Parses @text with every split; all must agree. Leaves the whole-feed parse in @m, @o. */
static void parse(struct http_msg *m, bool head, const char *text, bool eof, struct outcome *o)
{
	size_t len = strlen(text);
	struct http_msg *m2 = malloc(sizeof(*m2));
	feed(m, head, text, len, 0, eof, o);
	for (size_t i = 1; i < COUNT(steps); i++) {
		struct outcome o2;
		feed(m2, head, text, len, steps[i], eof, &o2);
		if (o2.rc != o->rc || o2.headers != o->headers || o2.end != o->end || o2.consumed != o->consumed ||
		    o2.body_len != o->body_len || memcmp(o2.body, o->body, o->body_len < 256 ? o->body_len : 256) ||
		    m2->status != m->status || m2->keep_alive != m->keep_alive)
			test_fail(__FILE__, __LINE__, "step %zu differs on: %.40s", steps[i], text);
	}
	free(m2);
}

/* A response that parses: its status, body, and where it ended. */
static void expect_ok(struct http_msg *m, bool head, const char *text, unsigned status, const char *body,
		      size_t trailing, bool eof)
{
	struct outcome o;
	parse(m, head, text, eof, &o);
	CHECK_INT(o.rc, 0);
	CHECK_INT(o.headers, 1);
	CHECK(o.end);
	CHECK_INT(m->status, status);
	CHECK_INT(o.body_len, strlen(body));
	CHECK(o.body_len <= sizeof(o.body) && memcmp(o.body, body, o.body_len) == 0);
	CHECK_INT(o.consumed, strlen(text) - trailing);
}

static void expect_error(const char *text, int rc, bool eof)
{
	struct http_msg *m = malloc(sizeof(*m));
	struct outcome o;
	parse(m, false, text, eof, &o);
	if (o.rc != rc)
		test_fail(__FILE__, __LINE__, "%d != %d (%s) for: %.60s", o.rc, rc, errors_name(rc), text);
	if (o.rc < 0) {
		/* errors are sticky */
		size_t used = 1;
		CHECK_INT(http_msg_feed(m, (const uint8_t *)"x", 1, &used), rc);
		CHECK_INT(used, 0);
	}
	free(m);
}

TEST(http_msg_content_length)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false,
		  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nAccept-Ranges: bytes\r\nETag: \"v1\"\r\n\r\nhelloNEXT", 200,
		  "hello", 4, false);
	CHECK_STR(m->reason, "OK");
	CHECK_INT(m->minor_version, 1);
	CHECK_INT(m->framing, HTTP_FRAMING_LENGTH);
	CHECK(m->has_content_length && m->content_length == 5);
	CHECK(m->keep_alive && m->accept_ranges && !m->www_authenticate && !m->has_location);
	CHECK_STR(m->etag, "\"v1\"");
	/* after the end, nothing more is taken */
	size_t used = 7;
	CHECK_INT(http_msg_feed(m, (const uint8_t *)"NEXT", 4, &used), HTTP_MSG_END);
	CHECK_INT(used, 0);
	/* an empty body ends right after the header section, even with no more bytes */
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false);
	/* a list of identical values is one value (RFC 9110 §8.6), as are repeated fields */
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\ncontent-length:3\r\n\r\nabc", 200, "abc", 0,
		  false);
	/* weak tags cannot go in If-Range: not kept */
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nETag: W/\"v1\"\r\nAccept-Ranges: none\r\nContent-Length: 0\r\n\r\n",
		  200, "", 0, false);
	CHECK_STR(m->etag, "");
	CHECK(!m->accept_ranges);
	free(m);
}

TEST(http_msg_names_case_insensitive)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false,
		  "HTTP/1.1 302 Found\r\nLOCATION:   /next/file.efi  \r\ncontent-LENGTH: 2\r\n"
		  "Www-Authenticate: Basic realm=\"x\"\r\nCONNECTION: Close\r\nACCEPT-RANGES: Bytes\r\n\r\nok",
		  302, "ok", 0, false);
	CHECK(m->has_location);
	CHECK_STR(m->location, "/next/file.efi");
	CHECK(m->www_authenticate && m->accept_ranges && !m->keep_alive);
	CHECK_STR(m->reason, "Found");
	free(m);
}

TEST(http_msg_chunked_extensions_trailers)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false,
		  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		  "5;name=value\r\nhello\r\n6 ; a=\"q v\"; b\r\n world\r\n"
		  "000A\r\n0123456789\r\na\r\nabcdefghij\r\n"
		  "0\r\nX-Checksum: 1\r\nContent-Length: 99\r\n\r\nNEXT",
		  200, "hello world0123456789abcdefghij", 4, false);
	CHECK_INT(m->framing, HTTP_FRAMING_CHUNKED);
	/* trailers do not change what the header section said (RFC 9112 §7.1.2) */
	CHECK(!m->has_content_length);
	CHECK(m->keep_alive);
	/* lone LFs, leading zeros, a last chunk with an extension, no trailers */
	expect_ok(m, false, "HTTP/1.1 200 OK\nTransfer-Encoding: Chunked\n\n0003\nabc\n000;x=1\n\n", 200, "abc", 0,
		  false);
	/* Transfer-Encoding given as a list with empty elements */
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: , chunked ,\r\n\r\n1\r\nz\r\n0\r\n\r\n", 200, "z",
		  0, false);
	free(m);
}

TEST(http_msg_close_delimited)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nall of it", 200, "all of it", 0, true);
	CHECK_INT(m->framing, HTTP_FRAMING_CLOSE);
	CHECK(!m->keep_alive);
	/* without the close, the message is not complete */
	struct outcome o;
	parse(m, false, "HTTP/1.1 200 OK\r\n\r\nsome", false, &o);
	CHECK(!o.end && o.rc == 0 && o.body_len == 4);
	free(m);
}

TEST(http_msg_keep_alive_rules)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false);
	CHECK(!m->keep_alive);
	CHECK_INT(m->minor_version, 0);
	expect_ok(m, false, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 200, "", 0,
		  false);
	CHECK(m->keep_alive);
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n", 200, "", 0,
		  false);
	CHECK(!m->keep_alive);
	expect_ok(m, false, "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false);
	CHECK(m->keep_alive);
	free(m);
}

TEST(http_msg_interim_responses_skipped)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false,
		  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\nContent-Length: 7\r\n"
		  "Location: /x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		  200, "ok", 0, false);
	/* the interim responses' fields are not the final one's */
	CHECK(!m->has_location);
	CHECK_INT(m->content_length, 2);
	free(m);
}

TEST(http_msg_no_body)
{
	struct http_msg *m = malloc(sizeof(*m));
	/* HEAD: the length of what GET would send, but no body */
	expect_ok(m, true, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nNEXT", 200, "", 4, false);
	CHECK(m->has_content_length && m->content_length == 100);
	CHECK_INT(m->framing, HTTP_FRAMING_NONE);
	expect_ok(m, true, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 200, "", 0, false);
	expect_ok(m, false, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 204, "", 0, false);
	expect_ok(m, false, "HTTP/1.1 304 Not Modified\r\n\r\nNEXT", 304, "", 4, false);
	CHECK(m->keep_alive);
	free(m);
}

TEST(http_msg_lenient_forms)
{
	struct http_msg *m = malloc(sizeof(*m));
	/* empty lines before the status line; no reason phrase; obs-text in the reason */
	expect_ok(m, false, "\r\n\nHTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx", 200, "x", 0, false);
	CHECK_STR(m->reason, "");
	expect_ok(m, false, "HTTP/1.1 404 Nicht \xc3\xbc\tda\r\nContent-Length: 0\r\n\r\n", 404, "", 0, false);
	CHECK_STR(m->reason, "Nicht ?? da");
	/* obs-fold becomes spaces (RFC 9112 §5.2) */
	expect_ok(m, false, "HTTP/1.1 301 Moved\r\nLocation: /a\r\n b\r\n\tc\r\nContent-Length: 0\r\n\r\n", 301, "", 0,
		  false);
	CHECK_STR(m->location, "/a b c");
	/* HTTP/1.2 is read as 1.x, an empty value is a value */
	expect_ok(m, false, "HTTP/1.2 200 OK\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n", 200, "", 0, false);
	CHECK_INT(m->minor_version, 2);
	/* a long reason phrase is cut for messages */
	char text[300];
	snprintf(text, sizeof(text), "HTTP/1.1 500 %0200d\r\nContent-Length: 0\r\n\r\n", 0);
	expect_ok(m, false, text, 500, "", 0, false);
	CHECK_INT(strlen(m->reason), HTTP_MSG_REASON_MAX);
	free(m);
}

TEST(http_msg_content_range)
{
	struct http_msg *m = malloc(sizeof(*m));
	expect_ok(m, false, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 5\r\n\r\n56789",
		  206, "56789", 0, false);
	CHECK(m->has_content_range && m->range_first == 5 && m->range_last == 9 && m->range_complete == 10);
	expect_ok(m, false, "HTTP/1.1 206 Partial Content\r\nContent-Range: BYTES 0-0/*\r\nContent-Length: 1\r\n\r\n0",
		  206, "0", 0, false);
	CHECK(m->range_complete == UINT64_MAX);
	/* only a 206 is read: the unsatisfied-range form of a 416 is no error */
	expect_ok(m, false, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */10\r\nContent-Length: 0\r\n\r\n",
		  416, "", 0, false);
	CHECK(!m->has_content_range);
	static const char *const bad[] = {
		"bytes 5-3/10", "bytes 0-10/10", "items 0-1/2", "bytes 0-1", "bytes=0-1/2", "bytes -1/2",
		"bytes 0-/2", "bytes 0-1/", "bytes 0-1/2x", "bytes 0-1/18446744073709551615", "bytes",
	};
	char text[200];
	for (size_t i = 0; i < COUNT(bad); i++) {
		snprintf(text, sizeof(text), "HTTP/1.1 206 P\r\nContent-Range: %s\r\nContent-Length: 0\r\n\r\n", bad[i]);
		expect_error(text, -WBE_HTTP_CONTENT_RANGE, false);
	}
	expect_error("HTTP/1.1 206 P\r\nContent-Range: bytes 0-1/2\r\nContent-Range: bytes 0-1/2\r\n\r\n",
		     -WBE_HTTP_CONTENT_RANGE, false);
	free(m);
}

struct error_case {
	const char *text;
	int rc;
};

static const struct error_case error_cases[] = {
	/* status line (RFC 9112 §4) */
	{"HTTP/2 200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/2.0 200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1 20 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1 2000 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1 600 Odd\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1 099 Odd\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"http/1.1 200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1  200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.x 200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"HTTP/1.1 200 O\x01K\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"ICY 200 OK\r\n\r\n", -WBE_HTTP_STATUS_LINE},
	{"<html>hello</html>\n", -WBE_HTTP_STATUS_LINE},
	/* field lines (RFC 9112 §5, RFC 9110 §5.5) */
	{"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nName : value\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\n: value\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nNa(me: value\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nX: a\x01z\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nX: a\x7fz\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\rX: y\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\n X: y\r\n\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 200 OK\r\nX: 1\r\n\r\r\n", -WBE_HTTP_HEADER},
	{"HTTP/1.1 301 M\r\nLocation: /a\r\nLocation: /b\r\n\r\n", -WBE_HTTP_HEADER},
	/* Content-Length (RFC 9110 §8.6) */
	{"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	{"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", -WBE_HTTP_CONTENT_LENGTH},
	/* Transfer-Encoding (RFC 9112 §6.1, §6.3) */
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	 -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	{"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", -WBE_HTTP_TRANSFER_ENCODING},
	/* chunk framing (RFC 9112 §7.1) */
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\ng\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;x\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a\x01\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\rx", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", -WBE_HTTP_CHUNK},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", -WBE_HTTP_HEADER},
	/* the connection closed early */
	{"", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 200 OK\r\nContent-Len", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n", -WBE_HTTP_TRUNCATED},
	{"HTTP/1.1 100 Continue\r\n\r\n", -WBE_HTTP_TRUNCATED},
};

TEST(http_msg_errors)
{
	for (size_t i = 0; i < COUNT(error_cases); i++)
		expect_error(error_cases[i].text, error_cases[i].rc, true);
}

TEST(http_msg_chunk_size_bounds)
{
	struct http_msg *m = malloc(sizeof(*m));
	/* 15 significant digits are accepted, any number of leading zeros within the line */
	struct outcome o;
	parse(m, false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000fffffffffffffff\r\nabc", false, &o);
	CHECK_INT(o.rc, 0);
	CHECK_INT(o.body_len, 3);
	CHECK(m->remaining == 0xfffffffffffffffULL - 3);
	/* extensions count against the line limit */
	size_t n = 64 + HTTP_MSG_LINE_MAX;
	char *text = malloc(n + 1);
	int k = snprintf(text, n, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
	memset(text + k, 'e', n - (size_t)k);
	text[n] = '\0';
	expect_error(text, -WBE_HTTP_LINE_TOO_LONG, false);
	free(text);
	free(m);
}

/* "HTTP/1.1 200 OK\r\n" then fields "X-<i>: vvv..." of @field_len bytes each, then a body. */
static char *big_header(unsigned fields, size_t field_len)
{
	size_t n = 100 + fields * (field_len + 2);
	char *text = malloc(n);
	size_t pos = (size_t)snprintf(text, n, "HTTP/1.1 200 OK\r\n");
	for (unsigned i = 0; i < fields; i++) {
		int k = snprintf(text + pos, n - pos, "X-%u: ", i);
		memset(text + pos + (size_t)k, 'v', field_len - (size_t)k);
		pos += field_len;
		memcpy(text + pos, "\r\n", 2);
		pos += 2;
	}
	snprintf(text + pos, n - pos, "Content-Length: 1\r\n\r\nz");
	return text;
}

TEST(http_msg_size_limits)
{
	struct http_msg *m = malloc(sizeof(*m));
	/* a field line of exactly HTTP_MSG_LINE_MAX bytes passes, one more does not */
	char *text = big_header(1, HTTP_MSG_LINE_MAX);
	expect_ok(m, false, text, 200, "z", 0, false);
	free(text);
	text = big_header(1, HTTP_MSG_LINE_MAX + 1);
	expect_error(text, -WBE_HTTP_LINE_TOO_LONG, false);
	free(text);
	/* ... also when obs-fold makes it long */
	text = big_header(1, HTTP_MSG_LINE_MAX - 10);
	char *folded = malloc(strlen(text) + 40);
	char *body = strstr(text, "Content-Length");
	snprintf(folded, strlen(text) + 40, "%.*s more text, and more\r\n%s", (int)(body - text), text, body);
	expect_error(folded, -WBE_HTTP_LINE_TOO_LONG, false);
	free(folded);
	free(text);
	/* a status line too */
	char *status = malloc(HTTP_MSG_LINE_MAX + 100);
	snprintf(status, HTTP_MSG_LINE_MAX + 100, "HTTP/1.1 200 %0*d\r\n\r\n", HTTP_MSG_LINE_MAX, 0);
	expect_error(status, -WBE_HTTP_LINE_TOO_LONG, false);
	free(status);
	/* the header section as a whole */
	text = big_header(4, 8000);
	expect_ok(m, false, text, 200, "z", 0, false);
	free(text);
	text = big_header(5, 8000);
	expect_error(text, -WBE_HTTP_HEADERS_TOO_LONG, false);
	free(text);
	/* interim responses count towards it: a stream of them cannot go on forever */
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";
	size_t k = sizeof(interim) - 1, count = HTTP_MSG_HEADER_MAX / k + 1;
	text = malloc(count * k + 1);
	for (size_t i = 0; i < count; i++)
		memcpy(text + i * k, interim, k);
	text[count * k] = '\0';
	expect_error(text, -WBE_HTTP_HEADERS_TOO_LONG, false);
	free(text);
	free(m);
}

TEST(http_msg_invalid_arguments)
{
	struct http_msg *m = malloc(sizeof(*m));
	size_t used;
	http_msg_init(m, false);
	CHECK_INT(http_msg_feed(m, (const uint8_t *)"H", 1, NULL), -WBE_INVAL);
	CHECK_INT(http_msg_feed(m, NULL, 1, &used), -WBE_INVAL);
	CHECK_INT(http_msg_feed(m, NULL, 0, &used), HTTP_MSG_MORE);
	CHECK_INT(used, 0);
	free(m);
}
