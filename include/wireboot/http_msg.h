/*
 * http_msg.h - the HTTP/1.1 response parser (RFC 9112 message syntax, RFC 9110 semantics of
 * the fields a download needs).
 *
 * Sans-I/O: the caller feeds received bytes, split anywhere (one byte at a time works), and
 * the parser reports events: the end of the final response's header section, spans of body
 * bytes, and the end of the message. Body spans point into the caller's bytes (zero-copy:
 * nothing is copied from the receive buffer before the sink). Sending the request, the
 * connection, timers and redirects are the client's job (wireboot/http.h).
 * Nothing here allocates; struct http_msg is about 17 KiB (one line buffer, the Location).
 *
 * Syntax accepted (everything else is an error, and the parser stays failed):
 *  - lines end in CRLF or a lone LF (RFC 9112 §2.2 allows recognising a lone LF); a CR not
 *    followed by LF is an error (-WBE_HTTP_HEADER, or -WBE_HTTP_CHUNK in chunk framing);
 *  - the status line is "HTTP/1.<digit> <3 digits>[ <reason>]", status 100..599;
 *  - a field line is a token name, ':' and a value without control characters other than
 *    HTAB (RFC 9110 §5.5); whitespace between name and colon, or a line starting with
 *    whitespace right after the status line, is an error (RFC 9112 §5.1, §2.2);
 *  - obs-fold (a field line continued on the next line by leading whitespace) is replaced
 *    by one space, as RFC 9112 §5.2 requires of a user agent;
 *  - empty lines before a status line are skipped (leftovers of a previous response);
 *  - interim 1xx responses are parsed and skipped (RFC 9110 §15.2).
 *
 * Bounds: a status or field line (after unfolding, without its line end) and a chunk-size
 * line are at most HTTP_MSG_LINE_MAX bytes (-WBE_HTTP_LINE_TOO_LONG); all header bytes of
 * a response, including interim responses and the trailer section, at most
 * HTTP_MSG_HEADER_MAX (-WBE_HTTP_HEADERS_TOO_LONG).
 *
 * Framing (RFC 9112 §6.3): no body after a HEAD request and for 204 and 304; otherwise
 * Transfer-Encoding: chunked (which must be the only transfer coding, and may not come with
 * Content-Length or in an HTTP/1.0 response: -WBE_HTTP_TRANSFER_ENCODING), else
 * Content-Length, else the body runs until the connection closes.
 */
#ifndef WIREBOOT_HTTP_MSG_H
#define WIREBOOT_HTTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MSG_LINE_MAX 8192
#define HTTP_MSG_HEADER_MAX 32768
/* Reason phrase kept for messages; longer ones are cut, non-printable bytes become '?'. */
#define HTTP_MSG_REASON_MAX 63
/* Longest strong entity tag kept, quotes included (longer ones are dropped). */
#define HTTP_MSG_ETAG_MAX 127

enum http_msg_event {
	HTTP_MSG_MORE,    /* every byte given was consumed: feed more */
	HTTP_MSG_HEADERS, /* the final response's header section ended: the fields below are set */
	HTTP_MSG_BODY,    /* body bytes: msg->body, msg->body_len */
	HTTP_MSG_END,     /* the response ended; bytes after it belong to the next response */
};

enum http_msg_framing {
	HTTP_FRAMING_NONE,    /* no body (HEAD, 204, 304) */
	HTTP_FRAMING_LENGTH,  /* content_length bytes */
	HTTP_FRAMING_CHUNKED, /* RFC 9112 §7.1 */
	HTTP_FRAMING_CLOSE,   /* until the connection closes (call http_msg_eof()) */
};

struct http_msg {
	/* ---- the final response's header section: valid from HTTP_MSG_HEADERS on ---- */
	unsigned status;         /* 200..599 (never 1xx: interim responses are skipped) */
	unsigned minor_version;  /* HTTP/1.x */
	char reason[HTTP_MSG_REASON_MAX + 1];
	enum http_msg_framing framing;
	bool has_content_length;
	uint64_t content_length; /* the Content-Length value (also for HEAD, 204, 304) */
	bool keep_alive;         /* the connection may carry another request after this one */
	bool accept_ranges;      /* Accept-Ranges lists "bytes" (RFC 9110 §14.3) */
	bool www_authenticate;   /* a WWW-Authenticate field was present (RFC 9110 §11.6.1) */
	/* Content-Range of a 206 (RFC 9110 §14.4): bytes first-last/complete; complete is
	 * UINT64_MAX for "*". Parsed only in 206 responses. */
	bool has_content_range;
	uint64_t range_first, range_last, range_complete;
	bool has_location;
	char location[HTTP_MSG_LINE_MAX + 1]; /* the Location value as received */
	char etag[HTTP_MSG_ETAG_MAX + 1];     /* a strong ETag (RFC 9110 §8.8.3), or "" */

	/* ---- the last HTTP_MSG_BODY span: points into the bytes given to http_msg_feed() ---- */
	const uint8_t *body;
	size_t body_len;

	/* ---- private ---- */
	bool head_request;
	int state;
	int error;               /* sticky: the first error */
	bool seen_status;        /* a status line of the current response was read */
	bool cr;                 /* a CR ended the bytes so far: LF must follow */
	bool pending;            /* line[] holds a complete field line (obs-fold may extend it) */
	bool conn_close, conn_keep_alive, te_chunked, trailers;
	size_t line_len;
	size_t header_bytes;
	size_t chunk_line_len;
	unsigned chunk_digits;
	uint64_t remaining;      /* body or chunk bytes still to come */
	char line[HTTP_MSG_LINE_MAX];
};

/**
 * http_msg_init() - prepare @m (never NULL) to parse one response. @head_request: the request
 * was HEAD, so the response has no body whatever its fields say (RFC 9112 §6.3 rule 1).
 * Call again before each response on a kept-alive connection.
 */
void http_msg_init(struct http_msg *m, bool head_request);

/**
 * http_msg_feed() - parse bytes of the response.
 * @data/@len: the next bytes (@data may be NULL only when @len is 0); the parser keeps no
 *             pointer into them except m->body for an HTTP_MSG_BODY event.
 * @used: never NULL; receives how many bytes were consumed (the caller drops them and feeds
 *        the rest on the next call).
 *
 * Returns one event (a value of enum http_msg_event) or a negative rc:
 *   HTTP_MSG_MORE     all @len bytes consumed, nothing to report;
 *   HTTP_MSG_HEADERS  once, when the final response's header section has been read;
 *   HTTP_MSG_BODY     m->body/m->body_len: 1..@len body bytes (de-chunked), within @data;
 *   HTTP_MSG_END      the response is complete (Content-Length reached, last chunk and
 *                     trailer section read, or no body); *@used stops at its end; further
 *                     calls return HTTP_MSG_END and consume nothing.
 * A call with @len 0 still reports what needs no more bytes (END after HEADERS for a body of
 * length 0). Errors (sticky: later calls return the same one):
 *   -WBE_HTTP_STATUS_LINE, -WBE_HTTP_HEADER, -WBE_HTTP_LINE_TOO_LONG,
 *   -WBE_HTTP_HEADERS_TOO_LONG, -WBE_HTTP_CONTENT_LENGTH (not 1*DIGIT, overflow, or two
 *   different values: RFC 9110 §8.6), -WBE_HTTP_TRANSFER_ENCODING (see framing above),
 *   -WBE_HTTP_CHUNK (chunk size missing, not hex, more than 15 hex digits, or chunk data not
 *   followed by a line end), -WBE_HTTP_CONTENT_RANGE (malformed in a 206, or given twice),
 *   -WBE_INVAL (NULL @used or NULL @data with @len > 0).
 */
int http_msg_feed(struct http_msg *m, const uint8_t *data, size_t len, size_t *used);

/**
 * http_msg_eof() - the connection closed after every byte was fed. Returns HTTP_MSG_END when
 * that completes the response (a close-delimited body, or a response already complete), the
 * sticky error if the parser had failed, or -WBE_HTTP_TRUNCATED.
 */
int http_msg_eof(struct http_msg *m);

#endif
