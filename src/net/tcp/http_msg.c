/*
 * http_msg.c - the HTTP/1.1 response parser (contract in wireboot/http_msg.h). Section
 * numbers are RFC 9112's unless RFC 9110 is named.
 *
 * Everything the server sends is hostile input. Status and field lines are collected into a
 * fixed buffer (a field may arrive split over any number of feeds, and only a complete line
 * can be judged) whose size bounds every line; the whole header section is counted against
 * its own limit, interim responses and trailers included, so a server cannot keep us
 * parsing headers forever. Body bytes are never copied: spans point into the caller's data.
 * A complete field line is kept until the first byte of the next line is seen, because a
 * space or tab there makes it an obs-fold continuation (§5.2).
 */
#include "wireboot/http_msg.h"

#include <string.h>

#include "wireboot/chars.h"
#include "wireboot/errors.h"

enum state {
	ST_LINE,          /* status line, field lines, trailer lines */
	ST_LENGTH,        /* Content-Length body */
	ST_CLOSE,         /* body delimited by the connection's close */
	ST_CHUNK_SIZE,    /* hex digits of a chunk-size line */
	ST_CHUNK_WS,      /* whitespace after the digits (BWS before ';', §7.1.1) */
	ST_CHUNK_EXT,     /* chunk extensions: skipped */
	ST_CHUNK_LF,      /* a CR ended the chunk-size line: LF must follow */
	ST_CHUNK_DATA,    /* chunk data */
	ST_CHUNK_DATA_END, /* the line end after chunk data */
	ST_CHUNK_DATA_LF, /* its LF after a CR */
	ST_DONE,
};

void http_msg_init(struct http_msg *m, bool head_request)
{
	/* line[] needs no clearing: line_len says what it holds */
	memset(m, 0, offsetof(struct http_msg, line));
	m->head_request = head_request;
	m->state = ST_LINE;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* tchar, RFC 9110 §5.6.2: the characters of a token (field names, codings, range units) */
static bool is_tchar(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Control characters other than HTAB: never allowed in a value (RFC 9110 §5.5). */
static bool is_ctl(uint8_t c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* @s/@n equals the lowercase @word, ASCII case-insensitively (names and tokens, §5.1). */
static bool equals_word(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (lower((uint8_t)s[i]) != (uint8_t)word[i])
			return false;
	}
	return true;
}

/* 1*DIGIT as a uint64_t; false when empty, not all digits, or too large. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((uint8_t)s[i]) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * One element of a comma-separated list (RFC 9110 §5.6.1) starting at *@pos of @v/@n:
 * returns it without surrounding whitespace in *@elem, *@elen and moves *@pos past its comma.
 * Returns false at the end of the list. Empty elements are returned too (with length 0):
 * recipients must accept them, the callers skip them.
 */
static bool next_element(const char *v, size_t n, size_t *pos, const char **elem, size_t *elen)
{
	if (*pos > n)
		return false;
	size_t start = *pos, end = start;
	while (end < n && v[end] != ',')
		end++;
	*pos = end + 1;
	while (start < end && is_ws((uint8_t)v[start]))
		start++;
	while (end > start && is_ws((uint8_t)v[end - 1]))
		end--;
	*elem = v + start;
	*elen = end - start;
	return true;
}

/* The token at the start of an element, before parameters (";...") and whitespace. */
static size_t token_len(const char *e, size_t n)
{
	size_t i = 0;
	while (i < n && is_tchar((uint8_t)e[i]))
		i++;
	return i;
}

static int status_line(struct http_msg *m)
{
	const char *l = m->line;
	size_t n = m->line_len;
	/* status-line = HTTP-version SP status-code SP [ reason-phrase ] (§4); the name "HTTP"
	 * is case-sensitive (§2.3). A missing SP after the code is tolerated: some servers
	 * send "HTTP/1.1 200" and the reason phrase carries no meaning. */
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || !is_digit((uint8_t)l[7]) || l[8] != ' ' ||
	    !is_digit((uint8_t)l[9]) || !is_digit((uint8_t)l[10]) || !is_digit((uint8_t)l[11]) ||
	    (n > 12 && l[12] != ' '))
		return -WBE_HTTP_STATUS_LINE;
	m->minor_version = (unsigned)(l[7] - '0');
	m->status = (unsigned)((l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0'));
	/* RFC 9110 §15: only the classes 1xx..5xx exist */
	if (m->status < 100 || m->status > 599)
		return -WBE_HTTP_STATUS_LINE;
	size_t r = 0;
	for (size_t i = 13; i < n; i++) {
		uint8_t c = (uint8_t)l[i];
		if (is_ctl(c))
			return -WBE_HTTP_STATUS_LINE;
		/* kept for messages on a terminal: obs-text and tabs are not printed as they are */
		if (r < HTTP_MSG_REASON_MAX)
			m->reason[r++] = c >= 0x80 ? '?' : c == '\t' ? ' ' : (char)c;
	}
	m->reason[r] = '\0';
	return 0;
}

/* Content-Length (RFC 9110 §8.6): a list of identical values counts as one value. */
static int content_length(struct http_msg *m, const char *v, size_t n)
{
	const char *e;
	size_t elen, pos = 0;
	while (next_element(v, n, &pos, &e, &elen)) {
		uint64_t value;
		if (!parse_u64(e, elen, &value) || (m->has_content_length && value != m->content_length))
			return -WBE_HTTP_CONTENT_LENGTH;
		m->content_length = value;
		m->has_content_length = true;
	}
	return 0;
}

/*
 * Transfer-Encoding (§6.1): wireboot decodes only chunked, and chunked must be the last (and
 * so here the only) coding. Any other coding would hand compressed bytes to the sink, and
 * "chunked" twice or not last leaves the framing to the connection's close (§6.3 rule 4),
 * which an attacker on the path could cut at will.
 */
static int transfer_encoding(struct http_msg *m, const char *v, size_t n)
{
	const char *e;
	size_t elen, pos = 0;
	bool any = false;
	while (next_element(v, n, &pos, &e, &elen)) {
		if (elen == 0)
			continue;
		if (m->te_chunked || !equals_word(e, elen, "chunked"))
			return -WBE_HTTP_TRANSFER_ENCODING;
		m->te_chunked = true;
		any = true;
	}
	return any ? 0 : -WBE_HTTP_TRANSFER_ENCODING;
}

/* Connection (§9.6) and Accept-Ranges (RFC 9110 §14.3): token lists. */
static void token_list(struct http_msg *m, const char *v, size_t n, bool is_connection)
{
	const char *e;
	size_t elen, pos = 0;
	while (next_element(v, n, &pos, &e, &elen)) {
		size_t t = token_len(e, elen);
		if (!is_connection)
			m->accept_ranges |= equals_word(e, t, "bytes");
		else if (equals_word(e, t, "close"))
			m->conn_close = true;
		else if (equals_word(e, t, "keep-alive"))
			m->conn_keep_alive = true;
	}
}

/* Content-Range = "bytes" SP first "-" last "/" ( complete / "*" ) (RFC 9110 §14.4) */
static int content_range(struct http_msg *m, const char *v, size_t n)
{
	if (m->has_content_range || n < 6 || !equals_word(v, 5, "bytes") || v[5] != ' ')
		return -WBE_HTTP_CONTENT_RANGE;
	const char *p = v + 6, *end = v + n;
	const char *dash = memchr(p, '-', (size_t)(end - p));
	const char *slash = dash ? memchr(dash, '/', (size_t)(end - dash)) : NULL;
	if (!slash || !parse_u64(p, (size_t)(dash - p), &m->range_first) ||
	    !parse_u64(dash + 1, (size_t)(slash - dash - 1), &m->range_last))
		return -WBE_HTTP_CONTENT_RANGE;
	if (end - slash == 2 && slash[1] == '*')
		m->range_complete = UINT64_MAX;
	else if (!parse_u64(slash + 1, (size_t)(end - slash - 1), &m->range_complete) ||
		 m->range_complete == UINT64_MAX || m->range_last >= m->range_complete)
		return -WBE_HTTP_CONTENT_RANGE;
	if (m->range_first > m->range_last)
		return -WBE_HTTP_CONTENT_RANGE;
	m->has_content_range = true;
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS (§5) */
static int field_line(struct http_msg *m)
{
	const char *l = m->line;
	size_t n = m->line_len;
	const char *colon = memchr(l, ':', n);
	if (!colon || colon == l)
		return -WBE_HTTP_HEADER;
	size_t name_len = (size_t)(colon - l);
	/* also refuses whitespace before the colon (§5.1) and a line that starts with
	 * whitespace where no field line precedes it (after the status line, §2.2) */
	for (size_t i = 0; i < name_len; i++) {
		if (!is_tchar((uint8_t)l[i]))
			return -WBE_HTTP_HEADER;
	}
	const char *v = colon + 1;
	size_t vlen = n - name_len - 1;
	for (size_t i = 0; i < vlen; i++) {
		if (is_ctl((uint8_t)v[i]))
			return -WBE_HTTP_HEADER;
	}
	while (vlen && is_ws((uint8_t)*v)) {
		v++;
		vlen--;
	}
	while (vlen && is_ws((uint8_t)v[vlen - 1]))
		vlen--;
	/* interim responses' fields do not describe the final one, and trailers must not
	 * change the framing or anything else already acted on (§7.1.2) */
	if (m->status < 200 || m->trailers)
		return 0;

	if (equals_word(l, name_len, "content-length"))
		return content_length(m, v, vlen);
	if (equals_word(l, name_len, "transfer-encoding"))
		return transfer_encoding(m, v, vlen);
	if (equals_word(l, name_len, "connection"))
		token_list(m, v, vlen, true);
	else if (equals_word(l, name_len, "accept-ranges"))
		token_list(m, v, vlen, false);
	else if (equals_word(l, name_len, "www-authenticate"))
		m->www_authenticate = true;
	else if (equals_word(l, name_len, "content-range") && m->status == 206)
		return content_range(m, v, vlen);
	else if (equals_word(l, name_len, "location")) {
		/* a singleton field (RFC 9110 §10.2.2): two of them leave the target ambiguous */
		if (m->has_location)
			return -WBE_HTTP_HEADER;
		memcpy(m->location, v, vlen);
		m->location[vlen] = '\0';
		m->has_location = true;
	} else if (equals_word(l, name_len, "etag")) {
		/* only a strong tag may go in If-Range (RFC 9110 §13.1.5) */
		if (vlen >= 2 && vlen <= HTTP_MSG_ETAG_MAX && v[0] == '"' && v[vlen - 1] == '"') {
			memcpy(m->etag, v, vlen);
			m->etag[vlen] = '\0';
		}
	}
	return 0;
}

/* The empty line after the final response's fields: how is the body framed (§6.3)? */
static int framing(struct http_msg *m)
{
	/* §9.3: HTTP/1.1 connections persist unless "close"; HTTP/1.0 ones only on request */
	m->keep_alive = !m->conn_close && (m->minor_version >= 1 || m->conn_keep_alive);
	/* §6.1: both fields may be a smuggling attempt, and Transfer-Encoding in HTTP/1.0 is
	 * faulty framing; neither can be trusted to delimit the body */
	if (m->te_chunked && (m->has_content_length || m->minor_version == 0))
		return -WBE_HTTP_TRANSFER_ENCODING;
	if (m->head_request || m->status == 204 || m->status == 304) {
		m->framing = HTTP_FRAMING_NONE;
		m->state = ST_DONE;
	} else if (m->te_chunked) {
		m->framing = HTTP_FRAMING_CHUNKED;
		m->state = ST_CHUNK_SIZE;
	} else if (m->has_content_length) {
		m->framing = HTTP_FRAMING_LENGTH;
		m->remaining = m->content_length;
		m->state = ST_LENGTH;
	} else {
		m->framing = HTTP_FRAMING_CLOSE;
		m->keep_alive = false;
		m->state = ST_CLOSE;
	}
	return HTTP_MSG_HEADERS;
}

/* An empty line: the end of a header or trailer section. */
static int section_end(struct http_msg *m)
{
	if (m->trailers) {
		m->state = ST_DONE;
		return 0;
	}
	if (m->status < 200) {
		/* an interim response (RFC 9110 §15.2): the final one follows */
		m->seen_status = false;
		m->status = 0;
		return 0;
	}
	return framing(m);
}

static int line_end(struct http_msg *m)
{
	if (!m->seen_status) {
		if (m->line_len == 0)
			return 0; /* an empty line before the status line */
		m->seen_status = true;
		int rc = status_line(m);
		m->line_len = 0;
		return rc;
	}
	if (m->line_len > 0) {
		m->pending = true;
		return 0;
	}
	return section_end(m);
}

/* One byte of a status, field or trailer line. Returns 0, HTTP_MSG_HEADERS or an error. */
static int line_byte(struct http_msg *m, uint8_t c)
{
	if (++m->header_bytes > HTTP_MSG_HEADER_MAX)
		return -WBE_HTTP_HEADERS_TOO_LONG;
	if (m->cr) {
		/* §2.2: a bare CR is an error (or must become SP); we refuse it */
		if (c != '\n')
			return -WBE_HTTP_HEADER;
		m->cr = false;
		return line_end(m);
	}
	if (m->pending) {
		m->pending = false;
		if (is_ws(c)) {
			/* obs-fold (§5.2): the line break and the whitespace become spaces */
			c = ' ';
		} else {
			int rc = field_line(m);
			m->line_len = 0;
			if (rc)
				return rc;
		}
	}
	if (c == '\r') {
		m->cr = true;
		return 0;
	}
	if (c == '\n')
		return line_end(m);
	if (m->line_len == HTTP_MSG_LINE_MAX)
		return -WBE_HTTP_LINE_TOO_LONG;
	m->line[m->line_len++] = (char)c;
	return 0;
}

static void chunk_line_start(struct http_msg *m)
{
	m->state = ST_CHUNK_SIZE;
	m->remaining = 0;
	m->chunk_digits = 0;
	m->chunk_line_len = 0;
}

/* The chunk-size line ended: data follows, or the trailer section after the last chunk. */
static int chunk_line_end(struct http_msg *m)
{
	if (m->chunk_digits == 0)
		return -WBE_HTTP_CHUNK;
	if (m->remaining) {
		m->state = ST_CHUNK_DATA;
		return 0;
	}
	m->trailers = true;
	m->state = ST_LINE;
	m->line_len = 0;
	return 0;
}

/*
 * One byte of chunk framing (§7.1): chunk-size [ chunk-ext ] CRLF before the data, CRLF after
 * it. Extensions are skipped (we know none), but their bytes are bounded with the line.
 */
static int chunk_byte(struct http_msg *m, uint8_t c)
{
	if (m->state == ST_CHUNK_DATA_END || m->state == ST_CHUNK_DATA_LF) {
		if (c == '\r' && m->state == ST_CHUNK_DATA_END)
			m->state = ST_CHUNK_DATA_LF;
		else if (c == '\n')
			chunk_line_start(m);
		else
			return -WBE_HTTP_CHUNK; /* data longer than its size, or no line end */
		return 0;
	}
	if (++m->chunk_line_len > HTTP_MSG_LINE_MAX)
		return -WBE_HTTP_LINE_TOO_LONG;
	if (m->state == ST_CHUNK_LF)
		return c == '\n' ? chunk_line_end(m) : -WBE_HTTP_CHUNK;
	if (c == '\n')
		return chunk_line_end(m);
	if (c == '\r') {
		m->state = ST_CHUNK_LF;
		return 0;
	}
	if (m->state == ST_CHUNK_SIZE) {
		int v = hex_digit_value(c);
		if (v >= 0) {
			/* at most 15 significant digits: sizes stay below 2^60, far from overflow
			 * in any offset arithmetic */
			if (m->remaining >> 56)
				return -WBE_HTTP_CHUNK;
			m->remaining = m->remaining << 4 | (uint64_t)v;
			m->chunk_digits++;
			return 0;
		}
		if (m->chunk_digits == 0)
			return -WBE_HTTP_CHUNK;
		m->state = ST_CHUNK_WS;
	}
	if (m->state == ST_CHUNK_WS) {
		if (is_ws(c))
			return 0;
		if (c != ';')
			return -WBE_HTTP_CHUNK;
		m->state = ST_CHUNK_EXT;
		return 0;
	}
	return is_ctl(c) ? -WBE_HTTP_CHUNK : 0; /* ST_CHUNK_EXT */
}

/* Hands out up to @avail body bytes at @p, counting them off m->remaining if @counted. */
static int body_span(struct http_msg *m, const uint8_t *p, size_t avail, bool counted, size_t *taken)
{
	size_t n = avail;
	if (counted && m->remaining < n)
		n = (size_t)m->remaining;
	m->body = p;
	m->body_len = n;
	if (counted)
		m->remaining -= n;
	*taken = n;
	return HTTP_MSG_BODY;
}

int http_msg_feed(struct http_msg *m, const uint8_t *data, size_t len, size_t *used)
{
	if (!used || (!data && len))
		return -WBE_INVAL;
	*used = 0;
	if (m->error)
		return m->error;
	size_t i = 0, n;
	int rc = 0;
	for (;;) {
		switch (m->state) {
		case ST_DONE:
			*used = i;
			return HTTP_MSG_END;
		case ST_LENGTH:
			if (m->remaining == 0) {
				m->state = ST_DONE;
				continue;
			}
			if (i == len)
				break;
			rc = body_span(m, data + i, len - i, true, &n);
			*used = i + n;
			return rc;
		case ST_CHUNK_DATA:
			if (i == len)
				break;
			rc = body_span(m, data + i, len - i, true, &n);
			if (m->remaining == 0)
				m->state = ST_CHUNK_DATA_END;
			*used = i + n;
			return rc;
		case ST_CLOSE:
			if (i == len)
				break;
			rc = body_span(m, data + i, len - i, false, &n);
			*used = i + n;
			return rc;
		case ST_LINE:
			if (i == len)
				break;
			rc = line_byte(m, data[i++]);
			if (rc == 0)
				continue;
			if (rc < 0)
				return m->error = rc;
			*used = i;
			return rc; /* HTTP_MSG_HEADERS */
		default:
			if (i == len)
				break;
			rc = chunk_byte(m, data[i++]);
			if (rc < 0)
				return m->error = rc;
			continue;
		}
		break; /* every byte consumed */
	}
	*used = len;
	return HTTP_MSG_MORE;
}

int http_msg_eof(struct http_msg *m)
{
	if (m->error)
		return m->error;
	if (m->state == ST_CLOSE || m->state == ST_DONE) {
		m->state = ST_DONE;
		return HTTP_MSG_END;
	}
	return m->error = -WBE_HTTP_TRUNCATED;
}
