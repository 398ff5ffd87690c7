/*
 * tls.c - TLS 1.2 client streams over any stream, with BearSSL (contract in wireboot/tls.h).
 *
 * Data path: ciphertext is copied once from the transport's receive buffer into BearSSL's
 * record buffer (recvrec), decrypted in place, and the consumer peeks the plaintext there
 * (recvapp). Sending goes the other way: stream_write() copies into sendapp, BearSSL encrypts
 * in place, and the record is written to the transport (sendrec). A poll-loop process pumps
 * the engine; peek/consume/write pump too, so a consumer draining in a loop is not held to
 * one record per loop step. BearSSL's blocking br_sslio is never used (DESIGN.md §3).
 *
 * Certificate validation is BearSSL's x509_minimal (chain to a trust anchor, signatures, key
 * usage, host name against the dNSName entries and the CN) behind a thin x509 class of our own
 * (struct chain_check) that does two things x509_minimal 0.6 cannot:
 *  - tell "expired" from "not yet valid" (x509_minimal reports both as BR_ERR_X509_EXPIRED):
 *    it decodes each certificate's validity first and compares it with the wall clock;
 *  - skip the time check when the user set `tls-skip-time-check` (a machine without a clock
 *    or NTP): it then sets x509_minimal's time to each certificate's own notBefore.
 * Both need the validity before x509_minimal reads it, so each certificate is buffered
 * (at most TRUST_CERT_MAX bytes) and then fed to x509_minimal.
 *
 * Server names that are IPv4 literals: RFC 6066 §3 forbids literal addresses in SNI, so none is
 * sent; the name is still checked (chain_check passes it to x509_minimal, which compares it
 * with the certificate's dNSName entries and its CN). x509_minimal does not
 * read iPAddress entries, so a certificate issued for an address only as an iPAddress entry is
 * refused with WBE_TLS_HOSTNAME: failing closed, never accepting an unchecked name.
 */
#include "wireboot/tls.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/inet_text.h"
#include "wireboot/list.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/registry.h"
#include "wireboot/rng.h"
#include "wireboot/settings.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/trust.h"
#include "wireboot/wallclock.h"

#include <bearssl.h>
#include <string.h>

#define TLS_SERVER_NAME_MAX 255 /* RFC 1035 §2.3.4: a DNS name is at most 255 octets */
#define PUMP_ROUNDS_MAX 64      /* engine transitions per pump: bounds one poll-loop step */
#define DAYS_0AD_TO_1970 719528 /* BearSSL counts days from 0000-01-01 (proleptic Gregorian) */

const struct setting_def tls_setting_skip_time_check = {
	"tls-skip-time-check", &setting_type_uint8,
	"1: accept server certificates without checking their dates (no wall clock; see docs/security.md)",
	false};
WB_REGISTER(setting_defs, tls_setting_skip_time_check);

/* ECDHE only (forward secrecy), AEAD only (RFC 7525 §4.2). On arm64 BearSSL has no AES
 * instructions, so ChaCha20-Poly1305 (about 4x faster there in software) is offered first. */
static const uint16_t cipher_suites[] = {
#if defined(__aarch64__)
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
#else
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/* Why a certificate's dates were refused: decided in chain_end_cert(), read by map_error(). */
enum time_verdict {
	TIME_OK,
	TIME_EXPIRED,
	TIME_NOT_YET_VALID,
	TIME_UNKNOWN,
};

struct chain_check {
	const br_x509_class *vtable; /* first: BearSSL passes &vtable as the context */
	br_x509_minimal_context minimal;
	br_x509_decoder_context decoder;
	struct tls_conn *conn;
	uint8_t *cert; /* the certificate being received */
	size_t cert_len, cert_cap;
	bool too_big, nomem;
	enum time_verdict verdict; /* of the first certificate whose dates were refused */
};

struct tls_conn {
	struct stream stream;
	struct system *sys;
	struct stream *transport;
	struct process process;
	br_ssl_client_context client;
	struct chain_check check;
	br_x509_trust_anchor *anchors; /* a copy of the store's array (it moves when one is added) */
	size_t nanchors;
	uint8_t *iobuf;                /* BR_SSL_BUFSIZE_BIDI bytes: one record each way */
	char server_name[TLS_SERVER_NAME_MAX + 1];
	bool skip_time_check;
	bool handshake_done;
	bool write_shutdown;
	bool peer_closed; /* close_notify received: the engine closed without error */
	int error;        /* negative rc once failed */
};

static struct tls_conn *conn_of(struct stream *s)
{
	return container_of(s, struct tls_conn, stream);
}

static br_ssl_engine_context *engine(struct tls_conn *c)
{
	return &c->client.eng;
}

/* Keys and plaintext must not outlive the connection in freed memory. The volatile store
 * keeps the compiler from dropping the writes as dead before wb_free(). */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

/* ---------------------------------------------------------------- errors, in one place */

static const char *alert_name(unsigned alert)
{
	/* RFC 5246 §7.2, RFC 6066 §3 (unrecognized_name) */
	switch (alert) {
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 112: return "unrecognized_name";
	default: return "see RFC 5246 section 7.2";
	}
}

/*
 * map_error() - BearSSL's error code (br_ssl_engine_last_error()) to our rc, with the reason
 * written into @why for the log line. Every BR_ERR_* goes through here.
 */
static int map_error(const struct tls_conn *c, int err, char *why, size_t size)
{
	const char *text = NULL;
	int rc;
	if (err >= BR_ERR_SEND_FATAL_ALERT) {
		wb_snprintf(why, size, "we aborted the handshake with alert %d (%s)", err - BR_ERR_SEND_FATAL_ALERT,
				alert_name((unsigned)(err - BR_ERR_SEND_FATAL_ALERT)));
		return -WBE_TLS_PROTOCOL;
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT) {
		unsigned alert = (unsigned)(err - BR_ERR_RECV_FATAL_ALERT);
		wb_snprintf(why, size, "the server sent fatal alert %u (%s)%s", alert, alert_name(alert),
				alert == 40 || alert == 70 ? ": no TLS 1.2 ECDHE AEAD cipher suite in common?" : "");
		return -WBE_TLS_ALERT;
	}
	switch (err) {
	case BR_ERR_X509_NOT_TRUSTED:
		wb_snprintf(why, size, "chain does not lead to a trusted CA (missing intermediate or untrusted root; %u anchor%s)",
				(unsigned)c->nanchors, c->nanchors == 1 ? "" : "s");
		return -WBE_TLS_UNTRUSTED;
	case BR_ERR_X509_DN_MISMATCH:
		text = "the chain is out of order (an issuer name does not match the next certificate)";
		rc = -WBE_TLS_UNTRUSTED;
		break;
	case BR_ERR_X509_EXPIRED:
	case BR_ERR_X509_TIME_UNKNOWN:
		if (c->check.verdict == TIME_UNKNOWN || err == BR_ERR_X509_TIME_UNKNOWN) {
			text = "the time of day is unknown: run `ntp <server>` first";
			rc = -WBE_CLOCK_UNKNOWN;
		} else if (c->check.verdict == TIME_NOT_YET_VALID) {
			text = "a certificate is not valid yet (its notBefore is in the future: is the clock right?)";
			rc = -WBE_TLS_CERT_NOT_YET_VALID;
		} else {
			text = "a certificate has expired (its notAfter is in the past)";
			rc = -WBE_TLS_CERT_EXPIRED;
		}
		break;
	case BR_ERR_X509_BAD_SERVER_NAME:
		wb_snprintf(why, size, "the certificate is not valid for the name \"%s\"", c->server_name);
		return -WBE_TLS_HOSTNAME;
	case BR_ERR_X509_BAD_SIGNATURE:
		text = "a certificate signature does not verify with its issuer's key";
		rc = -WBE_TLS_BAD_SIGNATURE;
		break;
	case BR_ERR_BAD_SIGNATURE:
		text = "the server's key exchange signature does not verify with its certificate's key";
		rc = -WBE_TLS_BAD_SIGNATURE;
		break;
	case BR_ERR_X509_LIMIT_EXCEEDED:
		text = c->check.too_big ? "a certificate is larger than 64 KiB" : "the chain exceeds BearSSL's limits";
		rc = -WBE_TLS_CERT_INVALID;
		break;
	case BR_ERR_X509_NOT_CA:
		text = "a certificate that signs another is not a CA certificate";
		rc = -WBE_TLS_CERT_INVALID;
		break;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		text = "a certificate key is too weak (RSA below 1024 bits)";
		rc = -WBE_TLS_CERT_INVALID;
		break;
	case BR_ERR_BAD_CIPHER_SUITE:
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		wb_snprintf(why, size, "the server chose a version or cipher suite we did not offer (BearSSL error %d)", err);
		return -WBE_TLS_PROTOCOL;
	default:
		if (err >= BR_ERR_X509_OK && err < BR_ERR_X509_OK + 32) {
			wb_snprintf(why, size, "a certificate is malformed or unsupported (BearSSL X.509 error %d)", err);
			return -WBE_TLS_CERT_INVALID;
		}
		wb_snprintf(why, size, "protocol error (BearSSL error %d)", err);
		return -WBE_TLS_PROTOCOL;
	}
	wb_snprintf(why, size, "%s", text);
	return rc;
}

static void fail(struct tls_conn *c, int rc, const char *why)
{
	if (c->error)
		return;
	c->error = rc;
	log_msg(&c->sys->log, LOG_ERROR, "tls", "%s: %s", c->server_name, why);
	loop_remove_process(&c->sys->loop, &c->process);
}

/* ---------------------------------------------------------------- certificate chain */

static struct chain_check *check_of(const br_x509_class **ctx)
{
	return container_of(ctx, struct chain_check, vtable);
}

static void chain_start(const br_x509_class **ctx, const char *server_name)
{
	struct chain_check *k = check_of(ctx);
	(void)server_name; /* NULL when SNI is off for an IPv4 literal: the name is ours anyway */
	k->verdict = TIME_OK;
	k->too_big = k->nomem = false;
	k->minimal.vtable->start_chain(&k->minimal.vtable, k->conn->server_name);
}

static void chain_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct chain_check *k = check_of(ctx);
	k->cert_len = 0;
	if (length > TRUST_CERT_MAX) {
		k->too_big = true;
		return;
	}
	if (length > k->cert_cap) {
		uint8_t *p = wb_realloc(k->cert, length);
		if (!p) {
			k->nomem = true;
			return;
		}
		k->cert = p;
		k->cert_cap = length;
	}
}

static void chain_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct chain_check *k = check_of(ctx);
	if (k->too_big || k->nomem || len > k->cert_cap - k->cert_len)
		return; /* the engine never sends more than start_cert announced */
	memcpy(k->cert + k->cert_len, buf, len);
	k->cert_len += len;
}

/* (days, seconds) pairs as BearSSL counts them, compared as one quantity */
static int64_t moment(uint32_t days, uint32_t seconds)
{
	return (int64_t)days * 86400 + seconds;
}

static void chain_end_cert(const br_x509_class **ctx)
{
	struct chain_check *k = check_of(ctx);
	struct tls_conn *c = k->conn;
	if (k->too_big || k->nomem)
		return;
	br_x509_decoder_init(&k->decoder, NULL, NULL);
	br_x509_decoder_push(&k->decoder, k->cert, k->cert_len);
	/* The decoder's validity fields are not part of BearSSL's documented API, but they are
	 * what it decoded; BearSSL is pinned at 0.6 (deps/bearssl). On a decode error they are
	 * meaningless, and x509_minimal reports the malformed certificate itself. */
	bool decoded = br_x509_decoder_last_error(&k->decoder) == 0;
	uint32_t nb_days = k->decoder.notbefore_days, nb_secs = k->decoder.notbefore_seconds;
	uint32_t na_days = k->decoder.notafter_days, na_secs = k->decoder.notafter_seconds;
	int64_t unix_now;
	if (c->skip_time_check && decoded) {
		br_x509_minimal_set_time(&k->minimal, nb_days, nb_secs);
	} else if (wallclock_now(&c->sys->wallclock, loop_now(&c->sys->loop), &unix_now) != 0) {
		if (k->verdict == TIME_OK)
			k->verdict = TIME_UNKNOWN;
		br_x509_minimal_set_time(&k->minimal, 1, 0); /* year 0: every certificate fails */
	} else {
		uint32_t days = (uint32_t)(unix_now / 86400 + DAYS_0AD_TO_1970);
		uint32_t secs = (uint32_t)(unix_now % 86400);
		br_x509_minimal_set_time(&k->minimal, days, secs);
		int64_t now = moment(days, secs);
		if (decoded && k->verdict == TIME_OK && now < moment(nb_days, nb_secs))
			k->verdict = TIME_NOT_YET_VALID;
		else if (decoded && k->verdict == TIME_OK && now > moment(na_days, na_secs))
			k->verdict = TIME_EXPIRED;
	}
	const br_x509_class **m = &k->minimal.vtable;
	(*m)->start_cert(m, (uint32_t)k->cert_len);
	(*m)->append(m, k->cert, k->cert_len);
	(*m)->end_cert(m);
}

static unsigned chain_end(const br_x509_class **ctx)
{
	struct chain_check *k = check_of(ctx);
	unsigned err = k->minimal.vtable->end_chain(&k->minimal.vtable);
	if (k->too_big)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	if (k->nomem) {
		fail(k->conn, -WBE_NOMEM, "out of memory for a server certificate");
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	return err;
}

static const br_x509_pkey *chain_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct chain_check *k = container_of(ctx, struct chain_check, vtable);
	return k->minimal.vtable->get_pkey(&k->minimal.vtable, usages);
}

static const br_x509_class chain_check_class = {
	sizeof(struct chain_check), chain_start, chain_start_cert, chain_append, chain_end_cert, chain_end,
	chain_get_pkey,
};

/* ---------------------------------------------------------------- the engine pump */

/* Engine closed: fine after close_notify (err 0), otherwise the mapped failure. */
static void engine_closed(struct tls_conn *c)
{
	int err = br_ssl_engine_last_error(engine(c));
	if (err == BR_ERR_OK) {
		c->peer_closed = true;
		loop_remove_process(&c->sys->loop, &c->process);
		return;
	}
	char why[160];
	int rc = map_error(c, err, why, sizeof(why));
	fail(c, rc, why);
}

/* Move records between the engine and the transport until nothing moves. */
static void pump(struct tls_conn *c)
{
	br_ssl_engine_context *eng = engine(c);
	for (unsigned round = 0; round < PUMP_ROUNDS_MAX && !c->error && !c->peer_closed; round++) {
		unsigned st = br_ssl_engine_current_state(eng);
		if (st == BR_SSL_CLOSED) {
			engine_closed(c);
			return;
		}
		if (!c->handshake_done && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)))
			c->handshake_done = true; /* application data flows only after Finished */
		bool moved = false;
		if (st & BR_SSL_SENDREC) {
			size_t len;
			unsigned char *buf = br_ssl_engine_sendrec_buf(eng, &len);
			long n = stream_write(c->transport, buf, len);
			if (n < 0) {
				char why[96];
				wb_snprintf(why, sizeof(why), "sending failed: %s", errors_message((int)n));
				fail(c, (int)n, why);
				return;
			}
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				moved = true;
			}
		}
		if (st & BR_SSL_RECVREC) {
			size_t avail, want;
			const uint8_t *data = stream_peek(c->transport, &avail);
			if (data) {
				unsigned char *buf = br_ssl_engine_recvrec_buf(eng, &want);
				size_t n = avail < want ? avail : want;
				memcpy(buf, data, n);
				stream_consume(c->transport, n);
				br_ssl_engine_recvrec_ack(eng, n);
				moved = true;
			} else if (stream_state(c->transport) == STREAM_FAILED) {
				int rc = stream_error(c->transport);
				char why[96];
				wb_snprintf(why, sizeof(why), "connection failed: %s", errors_message(rc));
				fail(c, rc, why);
				return;
			} else if (stream_eof(c->transport) || stream_state(c->transport) == STREAM_CLOSED) {
				/* RFC 5246 §7.2.1: the peer must send close_notify before closing */
				if (c->handshake_done)
					fail(c, -WBE_TLS_TRUNCATED, "the server closed the connection without close_notify");
				else
					fail(c, -WBE_TLS_PROTOCOL, "the server closed the connection during the handshake");
				return;
			}
		}
		if (!moved)
			return;
	}
}

static void tls_step(struct process *proc)
{
	pump(container_of(proc, struct tls_conn, process));
}

/* ---------------------------------------------------------------- stream interface */

static enum stream_state tls_state(struct stream *s)
{
	struct tls_conn *c = conn_of(s);
	if (c->error)
		return STREAM_FAILED;
	if (c->peer_closed)
		return STREAM_CLOSED;
	return c->handshake_done ? STREAM_OPEN : STREAM_CONNECTING;
}

static int tls_error(struct stream *s)
{
	return conn_of(s)->error;
}

static size_t tls_write_space(struct stream *s)
{
	struct tls_conn *c = conn_of(s);
	size_t len = 0;
	if (c->error || c->write_shutdown || !c->handshake_done || c->peer_closed)
		return 0;
	return br_ssl_engine_sendapp_buf(engine(c), &len) ? len : 0;
}

static long tls_write(struct stream *s, const void *data, size_t len)
{
	struct tls_conn *c = conn_of(s);
	if (c->error)
		return c->error;
	if (c->write_shutdown || c->peer_closed)
		return -WBE_TCP_SHUTDOWN;
	size_t space;
	unsigned char *buf = c->handshake_done ? br_ssl_engine_sendapp_buf(engine(c), &space) : NULL;
	if (!buf)
		return 0; /* handshake still running, or the engine is sending a full record */
	if (len > space)
		len = space;
	memcpy(buf, data, len);
	br_ssl_engine_sendapp_ack(engine(c), len);
	br_ssl_engine_flush(engine(c), 0); /* a record now rather than when 16 KiB piled up */
	pump(c);
	return (long)len;
}

static const uint8_t *tls_peek(struct stream *s, size_t *len)
{
	struct tls_conn *c = conn_of(s);
	*len = 0;
	if (c->error || c->peer_closed)
		return NULL;
	return br_ssl_engine_recvapp_buf(engine(c), len);
}

static void tls_consume(struct stream *s, size_t len)
{
	struct tls_conn *c = conn_of(s);
	if (!len || c->error || c->peer_closed)
		return;
	br_ssl_engine_recvapp_ack(engine(c), len);
	pump(c); /* decrypt the next record now: the consumer may be draining in a loop */
}

static bool tls_eof(struct stream *s)
{
	return conn_of(s)->peer_closed;
}

/* TLS 1.2 has no half-close: close_notify ends our sending side, and RFC 5246 §7.2.1 lets the
 * peer answer with its own close_notify, which then ends the stream as EOF. */
static void tls_shutdown_write(struct stream *s)
{
	struct tls_conn *c = conn_of(s);
	if (c->write_shutdown || c->error || c->peer_closed)
		return;
	c->write_shutdown = true;
	br_ssl_engine_close(engine(c));
	pump(c);
}

static void destroy(struct tls_conn *c)
{
	loop_remove_process(&c->sys->loop, &c->process);
	wb_free(c->check.cert);
	wb_free(c->anchors);
	wipe(c->iobuf, BR_SSL_BUFSIZE_BIDI);
	wb_free(c->iobuf);
	wipe(c, sizeof(*c));
	wb_free(c);
}

/* RFC 5246 §7.2.1: send close_notify and close; waiting for the peer's answer is optional. */
static void tls_close(struct stream *s)
{
	struct tls_conn *c = conn_of(s);
	if (!c->error && c->handshake_done && !c->peer_closed) {
		c->write_shutdown = true;
		br_ssl_engine_close(engine(c));
		pump(c); /* the alert record goes into the transport's send buffer */
	}
	stream_close(c->transport);
	destroy(c);
}

static void tls_abort(struct stream *s)
{
	struct tls_conn *c = conn_of(s);
	stream_abort(c->transport);
	destroy(c);
}

static const struct stream_ops tls_stream_ops = {
	.state = tls_state,
	.error = tls_error,
	.write = tls_write,
	.write_space = tls_write_space,
	.peek = tls_peek,
	.consume = tls_consume,
	.eof = tls_eof,
	.shutdown_write = tls_shutdown_write,
	.close = tls_close,
	.abort = tls_abort,
};

/* ---------------------------------------------------------------- setup */

static bool skip_time_check(struct system *sys)
{
	struct setting_name sn = {.scope = NULL, .type = NULL};
	memcpy(sn.name, "tls-skip-time-check", sizeof("tls-skip-time-check"));
	uint8_t v[4] = {0};
	int n = settings_fetch(&sys->settings, &sn, v, sizeof(v), NULL);
	if (n <= 0 || (size_t)n > sizeof(v))
		return false;
	for (int i = 0; i < n; i++) {
		if (v[i])
			return true;
	}
	return false;
}

int tls_client_open(struct system *sys, struct stream *tcp, const char *server_name, struct stream **out)
{
	size_t name_len = strlen(server_name);
	if (name_len == 0 || name_len > TLS_SERVER_NAME_MAX) {
		log_msg(&sys->log, LOG_ERROR, "tls", "server name \"%s\" is empty or longer than 255 bytes", server_name);
		stream_abort(tcp);
		return -WBE_INVAL;
	}
	struct tls_conn *c = wb_zalloc(sizeof(*c));
	uint8_t *iobuf = c ? wb_malloc(BR_SSL_BUFSIZE_BIDI) : NULL;
	size_t nanchors = sys->trust ? trust_count(sys->trust) : 0;
	br_x509_trust_anchor *anchors = nanchors ? wb_malloc(nanchors * sizeof(*anchors)) : NULL;
	if (!c || !iobuf || (nanchors && !anchors)) {
		wb_free(anchors);
		wb_free(iobuf);
		wb_free(c);
		stream_abort(tcp);
		log_msg(&sys->log, LOG_ERROR, "tls", "%s: out of memory for a TLS connection", server_name);
		return -WBE_NOMEM;
	}
	if (nanchors)
		memcpy(anchors, trust_anchors(sys->trust), nanchors * sizeof(*anchors));
	c->stream.ops = &tls_stream_ops;
	c->sys = sys;
	c->transport = tcp;
	c->iobuf = iobuf;
	c->anchors = anchors;
	c->nanchors = nanchors;
	memcpy(c->server_name, server_name, name_len + 1);
	c->skip_time_check = skip_time_check(sys);
	list_init(&c->process.link);
	c->process.name = "tls";
	c->process.step = tls_step;
	*out = &c->stream;

	/* The full client profile (every hash, RSA and ECDSA verification, the fastest AES/GHASH
	 * and ChaCha20 code for this CPU), then narrowed to TLS 1.2 and the suites above. */
	br_ssl_client_init_full(&c->client, &c->check.minimal, c->anchors, c->nanchors);
	br_ssl_engine_set_versions(engine(c), BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(engine(c), cipher_suites, sizeof(cipher_suites) / sizeof(cipher_suites[0]));
	c->check.vtable = &chain_check_class;
	c->check.conn = c;
	br_ssl_engine_set_x509(engine(c), &c->check.vtable);
	br_ssl_engine_set_buffer(engine(c), c->iobuf, BR_SSL_BUFSIZE_BIDI, 1);
	/* BearSSL is built without OS entropy (BR_USE_URANDOM=0 for EFI): seed it from our DRBG */
	uint8_t seed[32];
	rng_bytes(sys->rng, seed, sizeof(seed));
	br_ssl_engine_inject_entropy(engine(c), seed, sizeof(seed));
	wipe(seed, sizeof(seed));

	int64_t unix_now;
	if (!c->skip_time_check && wallclock_now(&sys->wallclock, loop_now(&sys->loop), &unix_now) != 0) {
		fail(c, -WBE_CLOCK_UNKNOWN,
		     "cannot check certificate dates: the time of day is unknown (run `ntp <server>` first, or set tls-skip-time-check 1)");
		return 0;
	}
	bool literal = inet_text_is_ipv4(server_name, name_len) || inet_text_is_ipv6(server_name, name_len);
	if (!br_ssl_client_reset(&c->client, literal ? NULL : c->server_name, 0)) {
		char why[160];
		int rc = map_error(c, br_ssl_engine_last_error(engine(c)), why, sizeof(why));
		fail(c, rc, why);
		return 0;
	}
	loop_add_process(&sys->loop, &c->process);
	pump(c); /* the ClientHello goes out now */
	return 0;
}
