/*
 * http.c - the HTTP/1.1 download client (contract in wireboot/http.h). Section numbers are
 * RFC 9110's unless RFC 9112 is named.
 *
 * One fetch is a loop of exchanges: (re)use a connection, send one GET (or a POST of form
 * parameters, see params.h), read the response
 * head, then either follow a redirect, answer an authentication challenge, resume, or deliver
 * the body to the sink and finish. Requests are never pipelined, so a connection carries one
 * exchange at a time and can be given up whenever anything about it is doubtful.
 * Body bytes go from the stream's receive buffer to the sink without a copy: the parser's
 * spans point into stream_peek()'s bytes, which are consumed only after the sink took them.
 */
#include "wireboot/http.h"
#include "wireboot/base64.h"

#include <string.h>

#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/http_msg.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/params.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/tls.h"
#include "wireboot/transport.h"
#include "wireboot/uri.h"

/* Longest host accepted: a DNS name is at most 253 characters (RFC 1035 §3.1). */
#define HOST_MAX 253

struct fetch {
	struct system *sys;
	struct download *dl;
	/* the connection: NULL, or open to conn_host:conn_port (over TLS when conn_https) */
	struct stream *stream;
	char conn_host[HOST_MAX + 1];
	uint16_t conn_port;
	bool conn_https;
	bool conn_reusable; /* the last response ended cleanly and the server keeps it open */
	bool reused;        /* the current request went over a kept connection */
	size_t unconsumed;  /* bytes of the last parser event still to drop from the stream */
	size_t received;    /* bytes of the current response seen so far */
	bool lost;          /* the last error came from the connection (closed, failed, idle) */

	bool send_auth;     /* the server asked for credentials (401): send them */
	uint64_t range_from; /* the current request asks for bytes from here (0: the whole file) */
	/* what the last full (200) response said about the file, for resuming */
	bool resumable;
	uint64_t total;
	char etag[HTTP_MSG_ETAG_MAX + 1];
	uint64_t offset;    /* file offset of the next body byte */
	unsigned redirects, resumes;

	/* iPXE's form parameters (dl->form): header fields go with every request; the form is
	 * POSTed while @post (a 301/302/303 redirect turns the request into a GET) */
	bool post;
	char *form_body; /* application/x-www-form-urlencoded, form_len bytes */
	size_t form_len;

	struct http_msg msg;
	char text[URI_MAX_LEN + 1]; /* the current URI, redacted, for messages */
};

static const char *uri_text(struct fetch *f)
{
	if (uri_format_redacted(f->dl->uri, f->text, sizeof(f->text)) < 0)
		return "(URI)";
	return f->text;
}

static bool is_https(const struct uri *u)
{
	return strcmp(u->scheme, "https") == 0;
}

/* ---- the connection ------------------------------------------------------------------------ */

static void conn_release(struct fetch *f, bool graceful)
{
	if (!f->stream)
		return;
	if (graceful)
		stream_close(f->stream);
	else
		stream_abort(f->stream);
	f->stream = NULL;
	f->conn_reusable = false;
	f->unconsumed = 0;
}

static bool connected(void *arg)
{
	return stream_state(arg) != STREAM_CONNECTING;
}

/* Whether the kept connection can carry another request: open, nothing unexpected buffered
 * (a server that sends more than one response's worth is not trusted with a second). */
static bool conn_usable(struct fetch *f)
{
	size_t len;
	return f->conn_reusable && stream_state(f->stream) == STREAM_OPEN && !stream_eof(f->stream) &&
	       stream_peek(f->stream, &len) == NULL;
}

/*
 * The host as it can go into a request and to the resolver. The URI's host is stored
 * percent-decoded, so "%0d%0a" would smuggle a line break into the Host field: only the
 * characters of DNS names and IP literals are accepted (RFC 3986 §3.2.2 unreserved, plus ':'
 * inside an IPv6 literal).
 */
static bool host_ok(const struct uri *u)
{
	const char *h = u->host;
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.' || c == '_' || c == '~' || (c == ':' && u->host_is_ip_literal)))
			return false;
	}
	return true;
}

/* Makes f->stream a connection to the current URI's origin, reusing the kept one if it fits. */
static int conn_open(struct fetch *f)
{
	struct system *sys = f->sys;
	const struct uri *u = f->dl->uri;
	bool https = is_https(u);
	uint16_t port = u->has_port ? u->port : uri_default_port(u->scheme);
	if (!host_ok(u) || port == 0) {
		console_printf(&sys->console, "%s: cannot make an HTTP request: %s\n", uri_text(f),
			       errors_message(-WBE_HTTP_URI));
		return -WBE_HTTP_URI;
	}
	if (f->stream) {
		if (conn_usable(f) && https == f->conn_https && port == f->conn_port &&
		    strcmp(u->host, f->conn_host) == 0) {
			f->reused = true;
			return 0;
		}
		conn_release(f, true);
	}
	f->reused = false;
	struct stream *s;
	int rc = sys->transport->connect(sys->transport->ctx, u->host, port, &s);
	if (rc == 0 && https)
		rc = tls_client_open(sys, s, u->host, &s); /* takes over the TCP stream either way */
	if (rc) {
		console_printf(&sys->console, "%s: cannot connect to %s port %u: %s\n", uri_text(f), u->host, port,
			       errors_message(rc));
		return rc;
	}
	f->stream = s;
	f->conn_https = https;
	f->conn_port = port;
	memcpy(f->conn_host, u->host, strlen(u->host) + 1);
	rc = loop_run_until(&sys->loop, connected, s, HTTP_CONNECT_TIMEOUT_NS);
	if (rc == -WBE_TIMEDOUT)
		rc = -WBE_TCP_CONNECT_TIMEOUT;
	else if (rc == 0 && stream_state(s) == STREAM_FAILED)
		rc = stream_error(s);
	if (rc) {
		console_printf(&sys->console, "%s: cannot connect to %s port %u: %s\n", uri_text(f), u->host, port,
			       errors_message(rc));
		conn_release(f, false);
	}
	return rc;
}

/* ---- sending ----------------------------------------------------------------------------- */

static bool writable(void *arg)
{
	enum stream_state st = stream_state(arg);
	return st != STREAM_OPEN || stream_write_space(arg) > 0;
}

static int send_all(struct fetch *f, const char *buf, size_t len)
{
	while (len) {
		long n = stream_write(f->stream, buf, len);
		if (n < 0)
			return (int)n;
		buf += n;
		len -= (size_t)n;
		if (!len)
			break;
		int rc = loop_run_until(&f->sys->loop, writable, f->stream, HTTP_IDLE_TIMEOUT_NS);
		if (rc)
			return rc == -WBE_TIMEDOUT ? -WBE_HTTP_TIMEOUT : rc;
		if (stream_state(f->stream) == STREAM_FAILED)
			return stream_error(f->stream);
	}
	return 0;
}

/* Byte @i of the Basic credentials' plain text: user ":" password (RFC 7617 §2). */
/* Length of the Basic credentials in base64 (RFC 4648 §4, padded), without the NUL. */
static size_t credentials_len(const struct uri *u)
{
	return base64_encoded_len(strlen(u->user) + 1 + (u->password ? strlen(u->password) : 0));
}

/*
 * The Basic credentials "user:password" (RFC 7617 §2) in base64 into @out
 * (credentials_len() + 1 bytes). The plain text is wiped once encoded. Returns 0, -WBE_NOMEM.
 */
static int basic_credentials(const struct uri *u, char *out)
{
	const char *pw = u->password ? u->password : "";
	size_t ulen = strlen(u->user), plen = strlen(pw);
	char *plain = wb_malloc(ulen + 1 + plen);
	if (!plain)
		return -WBE_NOMEM;
	memcpy(plain, u->user, ulen);
	plain[ulen] = ':';
	memcpy(plain + ulen + 1, pw, plen);
	base64_encode(plain, ulen + 1 + plen, out, credentials_len(u) + 1);
	volatile char *wipe = plain;
	for (size_t i = 0; i < ulen + 1 + plen; i++)
		wipe[i] = 0;
	wb_free(plain);
	return 0;
}

/* The extra header fields of the form parameter list ("Key: value\r\n" each), NUL-terminated
 * into @out of @size bytes; returns their length whatever @size is. */
static size_t extra_headers(const struct params *form, char *out, size_t size)
{
	size_t len = 0;
	if (size)
		out[0] = '\0'; /* also when there is nothing to add */
	for (size_t i = 0; form && i < form->count; i++) {
		const struct param *e = &form->entries[i];
		if (!e->header)
			continue;
		int n = wb_snprintf(size > len ? out + len : NULL, size > len ? size - len : 0, "%s: %s\r\n", e->key,
				    e->value);
		len += (size_t)n;
	}
	return len;
}

/* The request in origin-form (RFC 9112 §3.2.1): the path (or "/") and query, never the
 * fragment; a POST carries the form (§9.3.3) with its type and length. */
static int send_request(struct fetch *f)
{
	const struct uri *u = f->dl->uri;
	bool auth = f->send_auth && u->user;
	size_t cred_size = auth ? credentials_len(u) + 1 : 1;
	size_t extra_size = extra_headers(f->dl->form, NULL, 0) + 1;
	/* the fixed text below, the port, the Range and the form's Content-* lines add under 400 bytes */
	size_t size = strlen(u->path) + (u->query ? strlen(u->query) : 0) + strlen(u->host) + cred_size +
		      strlen(f->etag) + extra_size + 400;
	char *req = wb_malloc(size);
	char *cred = wb_malloc(cred_size);
	char *extra = wb_malloc(extra_size);
	int rc = req && cred && extra ? 0 : -WBE_NOMEM;
	if (rc == 0 && auth)
		rc = basic_credentials(u, cred);
	else if (rc == 0)
		cred[0] = '\0';
	if (rc == 0) {
		extra_headers(f->dl->form, extra, extra_size);
		char port[8] = "";
		if (u->has_port && u->port != uri_default_port(u->scheme))
			wb_snprintf(port, sizeof(port), ":%u", u->port);
		char range[64] = "";
		if (f->range_from)
			wb_snprintf(range, sizeof(range), "Range: bytes=%llu-\r\n", (unsigned long long)f->range_from);
		/* If-Range (§13.1.5): a file that changed since comes back whole (200), not spliced */
		bool if_range = f->range_from && f->etag[0];
		char content[96] = "";
		if (f->post)
			wb_snprintf(content, sizeof(content),
				    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %llu\r\n",
				    (unsigned long long)f->form_len);
		int n = wb_snprintf(req, size,
				    "%s %s%s%s%s HTTP/1.1\r\nHost: %s%s%s%s\r\nUser-Agent: wireboot/" WIREBOOT_VERSION
				    "\r\n%s%s%s%s%s%s%s%s%s\r\n",
				    f->post ? "POST" : "GET", u->path[0] ? "" : "/", u->path, u->query ? "?" : "",
				    u->query ? u->query : "", u->host_is_ip_literal ? "[" : "", u->host,
				    u->host_is_ip_literal ? "]" : "", port, auth ? "Authorization: Basic " : "", cred,
				    auth ? "\r\n" : "", range, if_range ? "If-Range: " : "", if_range ? f->etag : "",
				    if_range ? "\r\n" : "", content, extra);
		if (n < 0 || (size_t)n >= size) {
			n = (int)size - 1; /* cannot happen with the sizes above; never send a cut request */
			rc = -WBE_RANGE;
		} else {
			rc = send_all(f, req, (size_t)n);
		}
		memset(req, 0, (size_t)n); /* it held the credentials */
		if (rc == 0 && f->post)
			rc = send_all(f, f->form_body, f->form_len);
	}
	if (cred)
		memset(cred, 0, cred_size);
	wb_free(cred);
	wb_free(extra);
	wb_free(req);
	return rc;
}

/* ---- receiving --------------------------------------------------------------------------- */

static bool readable(void *arg)
{
	size_t len;
	enum stream_state st = stream_state(arg);
	return stream_peek(arg, &len) != NULL || stream_eof(arg) || st == STREAM_FAILED || st == STREAM_CLOSED;
}

/*
 * Feeds what the connection has to the parser until it reports something: returns the event
 * or a negative rc. For HTTP_MSG_BODY the span stays valid until the next call (its bytes are
 * consumed then). Waits at most HTTP_IDLE_TIMEOUT_NS for each piece of data.
 */
static int next_event(struct fetch *f)
{
	struct stream *s = f->stream;
	stream_consume(s, f->unconsumed);
	f->unconsumed = 0;
	f->lost = false;
	for (;;) {
		size_t len = 0, used;
		const uint8_t *p = stream_peek(s, &len);
		int ev = http_msg_feed(&f->msg, p, len, &used);
		f->received += ev < 0 ? len : used;
		if (ev != HTTP_MSG_MORE) {
			f->unconsumed = used;
			return ev;
		}
		stream_consume(s, used);
		if (len)
			continue;
		if (stream_state(s) == STREAM_FAILED) {
			f->lost = true;
			return stream_error(s);
		}
		if (stream_eof(s) || stream_state(s) == STREAM_CLOSED) {
			int rc = http_msg_eof(&f->msg);
			f->lost = rc < 0;
			return rc;
		}
		int rc = loop_run_until(&f->sys->loop, readable, s, HTTP_IDLE_TIMEOUT_NS);
		if (rc == -WBE_TIMEDOUT) {
			f->lost = true;
			return -WBE_HTTP_TIMEOUT;
		}
		if (rc)
			return rc;
	}
}

/* The response ended: drop its last bytes and note whether the connection can be kept. */
static void response_end(struct fetch *f)
{
	stream_consume(f->stream, f->unconsumed);
	f->unconsumed = 0;
	f->conn_reusable = f->msg.keep_alive;
}

/*
 * Sends the request and reads the response head. A kept connection may have been closed by
 * the server in the meantime: when it fails before the first byte of the response, the
 * request goes once more over a new connection (RFC 9112 §9.3.1; GET is idempotent; a POST
 * never goes over a kept connection).
 */
static int exchange(struct fetch *f)
{
	/* a POST is not idempotent (§9.2.2): it goes over a new connection, so that the retry
	 * below never sends it twice */
	if (f->post)
		conn_release(f, true);
	for (;;) {
		int rc = conn_open(f);
		if (rc)
			return rc;
		http_msg_init(&f->msg, false);
		f->received = 0;
		f->lost = false;
		rc = send_request(f);
		if (rc == 0) {
			rc = next_event(f);
			if (rc == HTTP_MSG_HEADERS)
				return 0;
		} else {
			f->lost = rc != -WBE_CANCELED && rc != -WBE_NOMEM;
		}
		bool stale = f->reused && f->received == 0 && f->lost;
		conn_release(f, false);
		if (stale) {
			log_msg(&f->sys->log, LOG_DEBUG, "http", "kept connection was closed: reconnecting");
			continue;
		}
		console_printf(&f->sys->console, "%s: %s: %s\n", uri_text(f),
			       f->received ? "bad response from the server" : "no response from the server", errors_message(rc));
		return rc;
	}
}

/*
 * Reads and drops the rest of a response that is not used (a redirect's or a 401's page)
 * so the connection can carry the next request; gives the connection up instead when the
 * body only ends with the connection or is larger than HTTP_DRAIN_MAX.
 */
static void skip_body(struct fetch *f)
{
	struct http_msg *m = &f->msg;
	if (!m->keep_alive || (m->framing == HTTP_FRAMING_LENGTH && m->content_length > HTTP_DRAIN_MAX)) {
		conn_release(f, false);
		return;
	}
	size_t drained = 0;
	for (;;) {
		int ev = next_event(f);
		if (ev == HTTP_MSG_END) {
			response_end(f);
			return;
		}
		if (ev != HTTP_MSG_BODY || (drained += m->body_len) > HTTP_DRAIN_MAX) {
			conn_release(f, false);
			return;
		}
	}
}

/* ---- what the status says ---------------------------------------------------------------- */

static bool is_redirect(unsigned status)
{
	/* §15.4: 300 (a choice), 304 (only for conditional requests, which we do not make)
	 * and 305/306 (obsolete) have no single target to follow */
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int follow_redirect(struct fetch *f)
{
	struct http_msg *m = &f->msg;
	struct uri *next = NULL;
	int rc = 0;
	if (++f->redirects > HTTP_MAX_REDIRECTS) {
		console_printf(&f->sys->console, "%s: HTTP %u: more than %u redirects in a row (a redirection loop?)\n",
			       uri_text(f), m->status, HTTP_MAX_REDIRECTS);
		return -WBE_HTTP_REDIRECT_LOOP;
	}
	/* §10.2.2: Location is a URI-reference, relative to the URI that was requested */
	if (!m->has_location)
		rc = -WBE_HTTP_BAD_REDIRECT;
	else
		rc = uri_resolve(f->dl->uri, m->location, &next);
	if (rc == 0 && strcmp(next->scheme, "http") != 0 && strcmp(next->scheme, "https") != 0) {
		console_printf(&f->sys->console, "%s: HTTP %u redirects to a %s: URI\n", uri_text(f), m->status,
			       next->scheme);
		uri_free(next);
		return -WBE_HTTP_BAD_REDIRECT;
	}
	/* what was asked for over TLS must not silently arrive unauthenticated */
	if (rc == 0 && strcmp(f->dl->uri->scheme, "https") == 0 && strcmp(next->scheme, "http") == 0) {
		console_printf(&f->sys->console, "%s: HTTP %u redirects from https to plain http: refused\n",
			       uri_text(f), m->status);
		uri_free(next);
		return -WBE_HTTP_BAD_REDIRECT;
	}
	if (rc) {
		console_printf(&f->sys->console, "%s: HTTP %u %s: %s\n", uri_text(f), m->status,
			       m->has_location ? "redirects to an unusable Location" : "redirect without a Location",
			       errors_message(rc));
		return -WBE_HTTP_BAD_REDIRECT;
	}
	skip_body(f);
	uri_free(f->dl->uri);
	f->dl->uri = next;
	log_msg(&f->sys->log, LOG_DEBUG, "http", "HTTP %u: redirected to %s", m->status, uri_text(f));
	/* a new resource: nothing of the old one's state applies */
	f->send_auth = false;
	/* §15.4.2-4: after 301 and 302 clients change POST to GET, as 303 asks; 307 and 308
	 * repeat the request as it was */
	if (m->status == 301 || m->status == 302 || m->status == 303)
		f->post = false;
	f->range_from = 0;
	f->resumable = false;
	return 0;
}

static int status_error(struct fetch *f)
{
	const struct uri *u = f->dl->uri;
	unsigned s = f->msg.status;
	int rc = s == 401 ? -WBE_HTTP_UNAUTHORIZED
	       : s == 403 ? -WBE_HTTP_FORBIDDEN
	       : s == 404 || s == 410 ? -WBE_HTTP_NOT_FOUND
	       : s >= 500 ? -WBE_HTTP_SERVER_ERROR
	       : s >= 400 ? -WBE_HTTP_CLIENT_ERROR
			  : -WBE_HTTP_STATUS;
	const char *hint = "";
	if (s == 401 && !u->user)
		hint = " (credentials go in the URI: http://user:password@host/...)";
	else if (s == 401 && f->send_auth)
		hint = " (the user name or password was refused)";
	else if (rc == -WBE_HTTP_STATUS)
		hint = " (not a status a download can use)";
	console_printf(&f->sys->console, "%s: HTTP %u %s%s\n", uri_text(f), s, f->msg.reason, hint);
	return rc;
}

/* A response with the file (200, 203) or the asked-for part of it (206): where it starts. */
static int body_start(struct fetch *f)
{
	struct http_msg *m = &f->msg;
	struct download *dl = f->dl;
	if (m->status == 206) {
		/* §14.4: one range, ours (bytes=N-), of the same file: same length as before */
		bool ok = m->has_content_range && m->range_first == f->range_from &&
			  (m->range_complete == UINT64_MAX || m->range_complete == f->total) &&
			  (!m->has_content_length || m->content_length == m->range_last - m->range_first + 1);
		if (!ok) {
			console_printf(&f->sys->console,
				       "%s: the server's partial answer does not continue at byte %llu of %llu\n",
				       uri_text(f), (unsigned long long)f->range_from, (unsigned long long)f->total);
			return -WBE_HTTP_CONTENT_RANGE;
		}
		f->offset = f->range_from;
		return 0;
	}
	if (f->range_from)
		console_printf(&f->sys->console, "%s: the server sends the whole file again: starting over\n",
			       uri_text(f));
	f->range_from = 0;
	f->offset = 0;
	dl->done = 0;
	f->total = m->has_content_length ? m->content_length : 0;
	dl->total = f->total;
	/* a POST's answer is not a file that a Range request could continue */
	f->resumable = m->accept_ranges && m->framing == HTTP_FRAMING_LENGTH && !f->post;
	memcpy(f->etag, m->etag, sizeof(f->etag));
	if (m->has_content_length && dl->expect) {
		int rc = dl->expect(dl, m->content_length);
		if (rc) {
			console_printf(&f->sys->console, "%s: cannot take a file of %llu bytes: %s\n", uri_text(f),
				       (unsigned long long)m->content_length, errors_message(rc));
			return rc;
		}
	}
	return 0;
}

/* Hands the body to the sink until the response ends. */
static int body(struct fetch *f)
{
	struct http_msg *m = &f->msg;
	for (;;) {
		int ev = next_event(f);
		if (ev == HTTP_MSG_END) {
			response_end(f);
			return 0;
		}
		if (ev < 0) {
			/* a lost connection is reported (or resumed) by the caller */
			if (!f->lost)
				console_printf(&f->sys->console, "%s: %s after %llu bytes: %s\n", uri_text(f),
					       ev == -WBE_CANCELED ? "download stopped" : "bad response body",
					       (unsigned long long)f->offset, errors_message(ev));
			return ev;
		}
		/* HTTP_MSG_BODY: a 206 sent by chunks is bounded by nothing but the file's length */
		if (f->resumable && m->body_len > f->total - f->offset) {
			console_printf(&f->sys->console, "%s: the server sends more than the file's %llu bytes\n",
				       uri_text(f), (unsigned long long)f->total);
			return -WBE_HTTP_CONTENT_RANGE;
		}
		int rc = f->dl->write(f->dl, f->offset, m->body, m->body_len);
		if (rc) {
			console_printf(&f->sys->console, "%s: the file could not be stored at byte %llu: %s\n",
				       uri_text(f), (unsigned long long)f->offset, errors_message(rc));
			return rc;
		}
		download_progress(f->sys, f->dl, f->offset, m->body_len);
		f->offset += m->body_len;
	}
}

static int run(struct fetch *f)
{
	for (;;) {
		int rc = exchange(f);
		if (rc)
			return rc;
		unsigned s = f->msg.status;
		if (is_redirect(s)) {
			rc = follow_redirect(f);
			if (rc)
				return rc;
			continue;
		}
		/* §11.6.1: answer a challenge once, if there is something to answer with */
		if (s == 401 && f->msg.www_authenticate && f->dl->uri->user && !f->send_auth) {
			skip_body(f);
			f->send_auth = true;
			continue;
		}
		if (s != 200 && s != 203 && !(s == 206 && f->range_from))
			return status_error(f);
		rc = body_start(f);
		if (rc == 0)
			rc = body(f);
		if (rc == 0 && !(f->resumable && f->offset < f->total))
			return 0;
		/* the body ended early: resume where it stopped, if the server lets us */
		bool lost = rc == 0 || f->lost;
		conn_release(f, false);
		if (!lost)
			return rc;
		if (!rc)
			rc = -WBE_HTTP_TRUNCATED; /* a 206 that stopped short of the end */
		if (!f->resumable || f->resumes == HTTP_MAX_RESUMES) {
			console_printf(&f->sys->console, "%s: connection lost after %llu of %llu bytes%s: %s\n",
				       uri_text(f), (unsigned long long)f->offset, (unsigned long long)f->total,
				       f->resumable ? ", every resume failed" : "", errors_message(rc));
			return rc;
		}
		f->resumes++;
		console_printf(&f->sys->console, "%s: connection lost after %llu of %llu bytes (%s): resuming (%u of %u)\n",
			       uri_text(f), (unsigned long long)f->offset, (unsigned long long)f->total,
			       errors_message(rc), f->resumes, HTTP_MAX_RESUMES);
		f->range_from = f->offset;
	}
}

static int http_fetch(struct system *sys, struct download *dl)
{
	struct fetch *f = wb_zalloc(sizeof(*f));
	if (!f) {
		console_printf(&sys->console, "%s: no memory for the HTTP client\n", dl->uri->scheme);
		return -WBE_NOMEM;
	}
	f->sys = sys;
	f->dl = dl;
	int rc = 0;
	if (dl->form && params_has_form(dl->form)) {
		f->post = true;
		f->form_len = params_form_encode(dl->form, NULL, 0);
		f->form_body = wb_malloc(f->form_len + 1);
		if (f->form_body)
			params_form_encode(dl->form, f->form_body, f->form_len + 1);
		else
			rc = -WBE_NOMEM;
	}
	if (rc == 0)
		rc = run(f);
	conn_release(f, rc == 0);
	wb_free(f->form_body);
	wb_free(f);
	return rc;
}

const struct uri_scheme scheme_http = {"http", http_fetch, true};
WB_REGISTER(uri_schemes, scheme_http);
const struct uri_scheme scheme_https = {"https", http_fetch, true};
WB_REGISTER(uri_schemes, scheme_https);
