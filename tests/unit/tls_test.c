/*
 * tls_test.c - tests for wireboot/tls.h and wireboot/trust.h: our TLS client against a real
 * BearSSL server engine in the same process, over an in-memory stream pair (real crypto on
 * both sides; nothing of the client is mocked).
 *
 * The certificates are made here: P-256 keys from a seeded DRBG (deterministic), X.509 v3
 * certificates DER-encoded by make_cert() and signed with ECDSA-SHA256 — a root CA, an
 * intermediate CA and leaves that are good, expired, not yet valid, for another name, signed
 * by a stranger, or with a broken signature. The wall clock is set to 2026-01-01.
 */
#include "wireboot/tls.h"

#include "test.h"
#include "test_pipe.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/script.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/trust.h"

#include <bearssl.h>
#include <stdlib.h>

#define NOW_UNIX 1767225600LL /* 2026-01-01 00:00:00 UTC */
#define RUN_TIMEOUT_NS (60 * NS_PER_SEC)

/* ---------------------------------------------------------------- certificates */

struct der {
	uint8_t b[2048];
	size_t n;
};

static void put(struct der *d, const void *p, size_t n)
{
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void put_tlv(struct der *d, uint8_t tag, const void *v, size_t n)
{
	d->b[d->n++] = tag;
	if (n >= 256) {
		d->b[d->n++] = 0x82;
		d->b[d->n++] = (uint8_t)(n >> 8);
	} else if (n >= 128) {
		d->b[d->n++] = 0x81;
	}
	d->b[d->n++] = (uint8_t)n;
	put(d, v, n);
}

static void put_name(struct der *d, const char *cn)
{
	static const uint8_t oid_cn[] = {0x06, 0x03, 0x55, 0x04, 0x03};
	struct der atv = {.n = 0}, set = {.n = 0}, seq = {.n = 0};
	put(&atv, oid_cn, sizeof(oid_cn));
	put_tlv(&atv, 0x0c, cn, strlen(cn)); /* UTF8String */
	put_tlv(&set, 0x30, atv.b, atv.n);
	put_tlv(&seq, 0x31, set.b, set.n);
	put_tlv(d, 0x30, seq.b, seq.n);
}

struct key {
	br_ec_private_key sk;
	br_ec_public_key pk;
	uint8_t skbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pkbuf[BR_EC_KBUF_PUB_MAX_SIZE];
};

static void make_key(struct key *k, uint8_t seed)
{
	br_hmac_drbg_context drbg;
	br_hmac_drbg_init(&drbg, &br_sha256_vtable, &seed, 1);
	br_ec_keygen(&drbg.vtable, br_ec_get_default(), &k->sk, k->skbuf, BR_EC_secp256r1);
	br_ec_compute_pub(br_ec_get_default(), &k->pk, k->pkbuf, &k->sk);
}

struct cert_spec {
	const char *cn;
	const char *dns;       /* subjectAltName dNSName, or NULL */
	bool ca;
	const char *not_before, *not_after; /* GeneralizedTime "YYYYMMDDHHMMSSZ" */
	const struct key *subject;
	const char *issuer_cn;
	const struct key *issuer;
	uint8_t serial;
};

struct cert {
	uint8_t der[2048];
	size_t len;
};

static void make_cert(const struct cert_spec *s, struct cert *out)
{
	static const uint8_t version[] = {0xa0, 0x03, 0x02, 0x01, 0x02};
	static const uint8_t ecdsa_sha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
	static const uint8_t ec_p256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
					  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t basic_ca[] = {0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff,
					   0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff};
	struct der tbs = {.n = 0}, body = {.n = 0}, tmp = {.n = 0}, exts = {.n = 0};
	put(&body, version, sizeof(version));
	put_tlv(&body, 0x02, &s->serial, 1);
	put(&body, ecdsa_sha256, sizeof(ecdsa_sha256));
	put_name(&body, s->issuer_cn);
	put_tlv(&tmp, 0x18, s->not_before, 15);
	put_tlv(&tmp, 0x18, s->not_after, 15);
	put_tlv(&body, 0x30, tmp.b, tmp.n);
	put_name(&body, s->cn);
	tmp.n = 0;
	put(&tmp, ec_p256, sizeof(ec_p256));
	uint8_t bits[1 + 65] = {0};
	memcpy(bits + 1, s->subject->pk.q, s->subject->pk.qlen);
	put_tlv(&tmp, 0x03, bits, 1 + s->subject->pk.qlen);
	put_tlv(&body, 0x30, tmp.b, tmp.n);
	if (s->ca)
		put(&exts, basic_ca, sizeof(basic_ca));
	if (s->dns) {
		static const uint8_t oid_san[] = {0x06, 0x03, 0x55, 0x1d, 0x11};
		struct der names = {.n = 0}, seq = {.n = 0}, oct = {.n = 0}, ext = {.n = 0};
		put_tlv(&names, 0x82, s->dns, strlen(s->dns));
		put_tlv(&seq, 0x30, names.b, names.n);
		put_tlv(&oct, 0x04, seq.b, seq.n);
		put(&ext, oid_san, sizeof(oid_san));
		put(&ext, oct.b, oct.n);
		put_tlv(&exts, 0x30, ext.b, ext.n);
	}
	if (exts.n) {
		tmp.n = 0;
		put_tlv(&tmp, 0x30, exts.b, exts.n);
		put_tlv(&body, 0xa3, tmp.b, tmp.n);
	}
	put_tlv(&tbs, 0x30, body.b, body.n);

	uint8_t hash[32], sig[80];
	br_sha256_context sha;
	br_sha256_init(&sha);
	br_sha256_update(&sha, tbs.b, tbs.n);
	br_sha256_out(&sha, hash);
	size_t siglen = br_ecdsa_i31_sign_asn1(br_ec_get_default(), &br_sha256_vtable, hash, &s->issuer->sk, sig);
	struct der cert = {.n = 0}, all = {.n = 0};
	put(&cert, tbs.b, tbs.n);
	put(&cert, ecdsa_sha256, sizeof(ecdsa_sha256));
	uint8_t sigbits[81] = {0};
	memcpy(sigbits + 1, sig, siglen);
	put_tlv(&cert, 0x03, sigbits, siglen + 1);
	put_tlv(&all, 0x30, cert.b, cert.n);
	memcpy(out->der, all.b, all.n);
	out->len = all.n;
}

/* The PKI of every test, made once. */
static struct pki {
	bool made;
	struct key root_key, inter_key, leaf_key, stranger_key;
	struct cert root, inter, leaf, expired, future, other_name, by_stranger, stranger_root, bad_sig, ip_leaf;
} pki;

#define VALID_FROM "20250101000000Z"
#define VALID_TO "20300101000000Z"

static const struct pki *get_pki(void)
{
	if (pki.made)
		return &pki;
	make_key(&pki.root_key, 1);
	make_key(&pki.inter_key, 2);
	make_key(&pki.leaf_key, 3);
	make_key(&pki.stranger_key, 4);
	const char *from = VALID_FROM, *to = VALID_TO;
	struct cert_spec root = {"Test Root CA", NULL, true, from, to, &pki.root_key, "Test Root CA", &pki.root_key, 1};
	make_cert(&root, &pki.root);
	struct cert_spec inter = {"Test Intermediate CA", NULL, true, from, to, &pki.inter_key, "Test Root CA", &pki.root_key, 2};
	make_cert(&inter, &pki.inter);
	struct cert_spec leaf = {"boot.example", "boot.example", false, from, to, &pki.leaf_key,
				 "Test Intermediate CA", &pki.inter_key, 3};
	make_cert(&leaf, &pki.leaf);
	struct cert_spec s = leaf;
	s.not_before = "20200101000000Z";
	s.not_after = "20210101000000Z";
	make_cert(&s, &pki.expired);
	s = leaf;
	s.not_before = "20290101000000Z";
	s.not_after = "20310101000000Z";
	make_cert(&s, &pki.future);
	s = leaf;
	s.cn = s.dns = "other.example";
	make_cert(&s, &pki.other_name);
	s = leaf;
	s.dns = "10.0.0.1";
	make_cert(&s, &pki.ip_leaf);
	/* a root and intermediate of the same names but another key: right names, wrong signer */
	struct cert_spec sroot = root;
	sroot.subject = sroot.issuer = &pki.stranger_key;
	make_cert(&sroot, &pki.stranger_root);
	s = leaf;
	s.issuer = &pki.stranger_key;
	make_cert(&s, &pki.by_stranger);
	pki.bad_sig = pki.leaf;
	pki.bad_sig.der[pki.bad_sig.len - 1] ^= 0x01; /* last byte of the signature's s: still DER */
	pki.made = true;
	return &pki;
}

/* ---------------------------------------------------------------- the BearSSL server */

struct server {
	struct process process;
	struct test_pipe *pipe;
	br_ssl_server_context sc;
	br_x509_certificate chain[2];
	uint8_t buf[BR_SSL_BUFSIZE_BIDI];
	uint8_t received[256];
	size_t received_len;
	const char *reply; /* sent once the request "ping" arrived */
	bool close_after_reply; /* then send close_notify */
};

static void server_pump(struct server *sv)
{
	br_ssl_engine_context *eng = &sv->sc.eng;
	struct test_pipe *p = sv->pipe;
	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		bool moved = false;
		size_t len;
		if (st == BR_SSL_CLOSED)
			return;
		if (st & BR_SSL_SENDREC) {
			uint8_t *b = br_ssl_engine_sendrec_buf(eng, &len);
			len = test_pipe_put(p, b, len);
			br_ssl_engine_sendrec_ack(eng, len);
			moved = len > 0;
		}
		if ((st & BR_SSL_RECVREC) && p->c2s_len) {
			uint8_t *b = br_ssl_engine_recvrec_buf(eng, &len);
			len = test_pipe_take(p, b, len);
			br_ssl_engine_recvrec_ack(eng, len);
			moved = true;
		}
		if (st & BR_SSL_RECVAPP) {
			uint8_t *b = br_ssl_engine_recvapp_buf(eng, &len);
			if (len > sizeof(sv->received) - sv->received_len)
				len = sizeof(sv->received) - sv->received_len;
			memcpy(sv->received + sv->received_len, b, len);
			sv->received_len += len;
			br_ssl_engine_recvapp_ack(eng, len);
			moved = true;
		}
		if ((st & BR_SSL_SENDAPP) && sv->reply && sv->received_len >= 4) {
			uint8_t *b = br_ssl_engine_sendapp_buf(eng, &len);
			size_t n = strlen(sv->reply);
			memcpy(b, sv->reply, n);
			br_ssl_engine_sendapp_ack(eng, n);
			br_ssl_engine_flush(eng, 0);
			sv->reply = NULL;
			if (sv->close_after_reply)
				br_ssl_engine_close(eng);
			moved = true;
		}
		if (!moved)
			return;
	}
}

static void server_step(struct process *proc)
{
	server_pump(container_of(proc, struct server, process));
}

/* ---------------------------------------------------------------- fixture */

struct fixture {
	struct test_platform tp;
	struct system sys;
	struct test_pipe pipe;
	struct server server;
	struct stream *tls;
};

static struct fixture *fx; /* big (two 33 KiB TLS buffers, pipes): on the heap, not the stack */

/* A system with the clock at NOW_UNIX (unless @clock is false) and the root as the one anchor
 * (unless @anchor is NULL), a server presenting @leaf (+ @inter when not NULL). */
static int setup(const struct cert *anchor, const struct cert *leaf, const struct cert *inter, bool clock)
{
	const struct pki *k = get_pki();
	fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -WBE_NOMEM;
	test_platform_init(&fx->tp);
	int rc = system_init(&fx->sys, &fx->tp.platform);
	if (rc) {
		free(fx);
		return rc;
	}
	if (clock)
		wallclock_set(&fx->sys.wallclock, loop_now(&fx->sys.loop), NOW_UNIX * 1000000000LL, "test");
	if (anchor && (rc = trust_add_der(fx->sys.trust, anchor->der, anchor->len, "test")) != 0)
		return rc;
	test_pipe_init(&fx->pipe);
	struct server *sv = &fx->server;
	sv->pipe = &fx->pipe;
	sv->chain[0].data = (unsigned char *)leaf->der;
	sv->chain[0].data_len = leaf->len;
	if (inter) {
		sv->chain[1].data = (unsigned char *)inter->der;
		sv->chain[1].data_len = inter->len;
	}
	br_ssl_server_init_full_ec(&sv->sc, sv->chain, inter ? 2 : 1, BR_KEYTYPE_EC, &k->leaf_key.sk);
	br_ssl_engine_set_buffer(&sv->sc.eng, sv->buf, sizeof(sv->buf), 1);
	static const uint8_t seed[32] = {42};
	br_ssl_engine_inject_entropy(&sv->sc.eng, seed, sizeof(seed));
	sv->reply = "pong";
	list_init(&sv->process.link);
	sv->process.name = "test-server";
	sv->process.step = server_step;
	loop_add_process(&fx->sys.loop, &sv->process);
	fx->tp.auto_advance_ns = NS_PER_MS;
	return 0;
}

static void teardown(void)
{
	loop_remove_process(&fx->sys.loop, &fx->server.process);
	system_fini(&fx->sys);
	free(fx);
	fx = NULL;
}

static bool not_connecting(void *arg)
{
	(void)arg;
	return stream_state(fx->tls) != STREAM_CONNECTING;
}

/* Open the client for @name, run the handshake; returns the stream's error (0: open). */
static int handshake(const char *name)
{
	br_ssl_server_reset(&fx->server.sc);
	int rc = tls_client_open(&fx->sys, &fx->pipe.stream, name, &fx->tls);
	if (rc)
		return rc;
	rc = loop_run_until(&fx->sys.loop, not_connecting, NULL, RUN_TIMEOUT_NS);
	if (rc)
		return rc;
	return stream_state(fx->tls) == STREAM_FAILED ? stream_error(fx->tls) : 0;
}

static bool reply_arrived(void *arg)
{
	size_t len;
	const uint8_t *d = stream_peek(fx->tls, &len);
	(void)arg;
	return (d && len >= 4) || stream_state(fx->tls) == STREAM_FAILED;
}

/* One request/reply over an open connection: "ping" → "pong". */
static void check_exchange(void)
{
	CHECK_INT(stream_write(fx->tls, "ping", 4), 4);
	CHECK_INT(loop_run_until(&fx->sys.loop, reply_arrived, NULL, RUN_TIMEOUT_NS), 0);
	size_t len;
	const uint8_t *d = stream_peek(fx->tls, &len);
	REQUIRE(d && len == 4);
	CHECK_MEM(d, "pong", 4);
	stream_consume(fx->tls, 4);
	CHECK_INT(fx->server.received_len, 4);
	CHECK_MEM(fx->server.received, "ping", 4);
}

/* A full handshake that must fail with @want, and the log line naming the server. */
static void expect_failure(const struct cert *anchor, const struct cert *leaf, const struct cert *inter,
			   const char *name, int want, const char *log_text)
{
	REQUIRE(setup(anchor, leaf, inter, true) == 0);
	CHECK_INT(handshake(name), want);
	CHECK(strstr(test_platform_output(&fx->tp), name) != NULL);
	CHECK(strstr(test_platform_output(&fx->tp), log_text) != NULL);
	stream_close(fx->tls);
	CHECK(fx->pipe.closed);
	teardown();
}

/* ---------------------------------------------------------------- TLS tests */

TEST(tls_handshake_exchange_close_notify)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	CHECK_INT(handshake("boot.example"), 0);
	CHECK_INT(stream_state(fx->tls), STREAM_OPEN);
	/* SNI (RFC 6066 §3) carried the name */
	CHECK_STR(br_ssl_engine_get_server_name(&fx->server.sc.eng), "boot.example");
	CHECK_INT(br_ssl_engine_get_version(&fx->server.sc.eng), BR_TLS12);
	br_ssl_session_parameters params;
	br_ssl_engine_get_session_parameters(&fx->server.sc.eng, &params);
	CHECK(params.cipher_suite == BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ||
	      params.cipher_suite == BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
	check_exchange();
	stream_close(fx->tls);
	CHECK(fx->pipe.closed);
	/* our close_notify reached the server: its engine closes cleanly */
	server_pump(&fx->server);
	CHECK_INT(br_ssl_engine_current_state(&fx->server.sc.eng), BR_SSL_CLOSED);
	CHECK_INT(br_ssl_engine_last_error(&fx->server.sc.eng), BR_ERR_OK);
	teardown();
}

TEST(tls_chacha20_poly1305)
{
	static const uint16_t chacha[] = {BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	br_ssl_engine_set_suites(&fx->server.sc.eng, chacha, 1);
	CHECK_INT(handshake("boot.example"), 0);
	br_ssl_session_parameters params;
	br_ssl_engine_get_session_parameters(&fx->server.sc.eng, &params);
	CHECK_INT(params.cipher_suite, BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256);
	check_exchange();
	stream_close(fx->tls);
	teardown();
}

TEST(tls_peer_close_notify_is_eof)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	fx->server.close_after_reply = true;
	CHECK_INT(handshake("boot.example"), 0);
	check_exchange();
	for (int i = 0; i < 10; i++)
		loop_step(&fx->sys.loop);
	CHECK(stream_eof(fx->tls));
	CHECK_INT(stream_state(fx->tls), STREAM_CLOSED);
	CHECK(stream_write(fx->tls, "x", 1) < 0);
	stream_close(fx->tls);
	teardown();
}

TEST(tls_truncation_without_close_notify)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	CHECK_INT(handshake("boot.example"), 0);
	check_exchange();
	fx->pipe.server_fin = true; /* TCP FIN, no close_notify */
	loop_step(&fx->sys.loop);
	CHECK_INT(stream_state(fx->tls), STREAM_FAILED);
	CHECK_INT(stream_error(fx->tls), -WBE_TLS_TRUNCATED);
	stream_abort(fx->tls);
	CHECK(fx->pipe.aborted);
	teardown();
}

TEST(tls_untrusted_root)
{
	const struct pki *k = get_pki();
	expect_failure(&k->stranger_root, &k->leaf, &k->inter, "boot.example", -WBE_TLS_UNTRUSTED,
		       "missing intermediate or untrusted root");
}

TEST(tls_no_anchors)
{
	const struct pki *k = get_pki();
	expect_failure(NULL, &k->leaf, &k->inter, "boot.example", -WBE_TLS_UNTRUSTED, "0 anchors");
}

TEST(tls_missing_intermediate)
{
	const struct pki *k = get_pki();
	expect_failure(&k->root, &k->leaf, NULL, "boot.example", -WBE_TLS_UNTRUSTED, "missing intermediate");
}

TEST(tls_expired)
{
	const struct pki *k = get_pki();
	expect_failure(&k->root, &k->expired, &k->inter, "boot.example", -WBE_TLS_CERT_EXPIRED, "expired");
}

TEST(tls_not_yet_valid)
{
	const struct pki *k = get_pki();
	expect_failure(&k->root, &k->future, &k->inter, "boot.example", -WBE_TLS_CERT_NOT_YET_VALID, "not valid yet");
}

TEST(tls_wrong_host_name)
{
	const struct pki *k = get_pki();
	expect_failure(&k->root, &k->other_name, &k->inter, "boot.example", -WBE_TLS_HOSTNAME,
		       "not valid for the name");
	expect_failure(&k->root, &k->leaf, &k->inter, "evil.example", -WBE_TLS_HOSTNAME, "not valid for the name");
}

TEST(tls_bad_signature)
{
	const struct pki *k = get_pki();
	expect_failure(&k->root, &k->bad_sig, &k->inter, "boot.example", -WBE_TLS_BAD_SIGNATURE, "signature");
	expect_failure(&k->root, &k->by_stranger, &k->inter, "boot.example", -WBE_TLS_BAD_SIGNATURE, "signature");
}

TEST(tls_server_alert)
{
	static const uint16_t cbc_only[] = {BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256};
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	br_ssl_engine_set_suites(&fx->server.sc.eng, cbc_only, 1);
	CHECK_INT(handshake("boot.example"), -WBE_TLS_ALERT);
	CHECK(strstr(test_platform_output(&fx->tp), "alert 40 (handshake_failure)") != NULL);
	stream_close(fx->tls);
	teardown();
}

TEST(tls_clock_unknown_and_skip_setting)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, false) == 0);
	CHECK_INT(handshake("boot.example"), -WBE_CLOCK_UNKNOWN);
	CHECK(strstr(test_platform_output(&fx->tp), "run `ntp") != NULL);
	CHECK(fx->pipe.c2s_len == 0); /* failed before a ClientHello */
	stream_close(fx->tls);
	teardown();

	/* the setting accepts any dates, even without a clock, but still checks the chain */
	REQUIRE(setup(&k->root, &k->expired, &k->inter, false) == 0);
	CHECK_INT(settings_store_text(&fx->sys.settings, "tls-skip-time-check", "1"), 0);
	CHECK_INT(handshake("boot.example"), 0);
	check_exchange();
	stream_close(fx->tls);
	teardown();
	REQUIRE(setup(&k->stranger_root, &k->future, &k->inter, true) == 0);
	CHECK_INT(settings_store_text(&fx->sys.settings, "tls-skip-time-check", "1"), 0);
	CHECK_INT(handshake("boot.example"), -WBE_TLS_UNTRUSTED);
	stream_close(fx->tls);
	teardown();
}

TEST(tls_ipv4_literal_no_sni_name_still_checked)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->ip_leaf, &k->inter, true) == 0);
	CHECK_INT(handshake("10.0.0.1"), 0);
	CHECK(br_ssl_engine_get_server_name(&fx->server.sc.eng)[0] == '\0'); /* RFC 6066 §3 */
	stream_close(fx->tls);
	teardown();
	expect_failure(&k->root, &k->leaf, &k->inter, "10.0.0.1", -WBE_TLS_HOSTNAME, "not valid for the name");
}

TEST(tls_open_rejects_bad_names_and_alloc_failures)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	CHECK_INT(tls_client_open(&fx->sys, &fx->pipe.stream, "", &fx->tls), -WBE_INVAL);
	CHECK(fx->pipe.aborted);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		fx->pipe.aborted = fx->pipe.closed = false;
		fx->pipe.c2s_len = fx->pipe.s2c_len = 0;
		br_ssl_server_reset(&fx->server.sc);
		int rc = tls_client_open(&fx->sys, &fx->pipe.stream, "boot.example", &fx->tls);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			CHECK(fx->pipe.aborted);
			continue;
		}
		rc = loop_run_until(&fx->sys.loop, not_connecting, NULL, RUN_TIMEOUT_NS);
		CHECK_INT(rc, 0);
		CHECK(stream_state(fx->tls) == STREAM_OPEN || stream_error(fx->tls) == -WBE_NOMEM);
		stream_abort(fx->tls);
	}
	teardown();
}

/* ---------------------------------------------------------------- trust store */

static size_t to_pem(const struct cert *c, char *out, size_t size)
{
	size_t n = br_pem_encode(NULL, c->der, c->len, "CERTIFICATE", BR_PEM_LINE64);
	if (n + 1 > size)
		return 0;
	return br_pem_encode(out, c->der, c->len, "CERTIFICATE", BR_PEM_LINE64);
}

TEST(trust_pem_bundle_duplicates_and_info)
{
	const struct pki *k = get_pki();
	struct trust_store *ts;
	REQUIRE(trust_store_create(&ts) == 0);
	size_t base = trust_count(ts); /* built-in anchors of this build (none by default) */
	char pem[8192];
	size_t n = to_pem(&k->root, pem, sizeof(pem));
	static const char key_block[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	memcpy(pem + n, key_block, sizeof(key_block) - 1); /* skipped, not an error */
	n += sizeof(key_block) - 1;
	n += to_pem(&k->inter, pem + n, sizeof(pem) - n);
	n += to_pem(&k->leaf, pem + n, sizeof(pem) - n);
	unsigned added = 0;
	CHECK_INT(trust_add_pem(ts, pem, n, "http://example/ca.pem", &added), 0);
	CHECK_INT(added, 3);
	CHECK_INT(trust_count(ts), base + 3);
	CHECK_INT(trust_add_pem(ts, pem, n, "again", &added), 0); /* all duplicates */
	CHECK_INT(added, 0);
	CHECK_INT(trust_add_der(ts, k->root.der, k->root.len, "der"), -WBE_EXIST);
	/* same name, other key: a different anchor */
	CHECK_INT(trust_add_der(ts, k->stranger_root.der, k->stranger_root.len, "der"), 0);
	struct trust_info info;
	CHECK_INT(trust_get_info(ts, base, &info), 0);
	CHECK_STR(info.common_name, "Test Root CA");
	CHECK(info.ca && !info.builtin);
	CHECK_STR(info.key_type, "EC P-256");
	CHECK_STR(info.source, "http://example/ca.pem");
	CHECK_INT(trust_get_info(ts, base + 2, &info), 0);
	CHECK_STR(info.common_name, "boot.example");
	CHECK(!info.ca);
	CHECK_INT(trust_get_info(ts, base + 4, &info), -WBE_RANGE);
	CHECK(trust_anchors(ts) != NULL);
	trust_store_destroy(ts);
}

TEST(trust_rejects_garbage)
{
	const struct pki *k = get_pki();
	struct trust_store *ts;
	REQUIRE(trust_store_create(&ts) == 0);
	size_t base = trust_count(ts);
	static const char none[] = "hello\n";
	static const char broken[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	static const char notcert[] = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
	static const char unterminated[] = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n";
	CHECK_INT(trust_add_pem(ts, none, sizeof(none) - 1, "x", NULL), -WBE_TLS_PEM);
	CHECK_INT(trust_add_pem(ts, broken, sizeof(broken) - 1, "x", NULL), -WBE_TLS_PEM);
	CHECK_INT(trust_add_pem(ts, notcert, sizeof(notcert) - 1, "x", NULL), -WBE_TLS_CERT_INVALID);
	CHECK_INT(trust_add_pem(ts, unterminated, sizeof(unterminated) - 1, "x", NULL), -WBE_TLS_PEM);
	CHECK_INT(trust_add_der(ts, k->root.der, k->root.len - 1, "x"), -WBE_TLS_CERT_INVALID);
	CHECK_INT(trust_add_der(ts, k->root.der, TRUST_CERT_MAX + 1, "x"), -WBE_RANGE);
	CHECK_INT(trust_count(ts), base);
	trust_store_destroy(ts);
}

TEST(trust_alloc_failures)
{
	const struct pki *k = get_pki();
	char pem[4096];
	size_t n = to_pem(&k->root, pem, sizeof(pem));
	n += to_pem(&k->inter, pem + n, sizeof(pem) - n);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct trust_store *ts;
		int rc = trust_store_create(&ts);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			continue;
		}
		size_t base = trust_count(ts);
		rc = trust_add_pem(ts, pem, n, "x", NULL);
		CHECK(rc == 0 || rc == -WBE_NOMEM);
		if (rc == 0)
			CHECK_INT(trust_count(ts), base + 2);
		trust_store_destroy(ts);
	}
}

TEST(trust_dn_common_name_cases)
{
	char cn[TRUST_CN_MAX];
	/* SEQUENCE { SET { SEQUENCE { OID O, "Org" } } SET { SEQUENCE { OID CN, "A\x01" } } } */
	static const uint8_t two[] = {0x30, 0x1a, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, 'O', 'r', 'g',
				      0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x01};
	CHECK_INT(trust_dn_common_name(two, sizeof(two), cn, sizeof(cn)), 0);
	CHECK_STR(cn, "?");
	CHECK_INT(trust_dn_common_name(two, 18, cn, sizeof(cn)), -WBE_INVAL); /* truncated */
	CHECK_STR(cn, "");
	static const uint8_t no_cn[] = {0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, 'O', 'r', 'g'};
	CHECK_INT(trust_dn_common_name(no_cn, sizeof(no_cn), cn, sizeof(cn)), -WBE_NOENT);
	static const uint8_t long_len[] = {0x30, 0x85, 1, 0, 0, 0, 0};
	CHECK_INT(trust_dn_common_name(long_len, sizeof(long_len), cn, sizeof(cn)), -WBE_INVAL);
	char tiny[4];
	static const uint8_t longcn[] = {0x30, 0x10, 0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x05, 'a', 'b', 'c', 'd', 'e'};
	CHECK_INT(trust_dn_common_name(longcn, sizeof(longcn), tiny, sizeof(tiny)), 0);
	CHECK_STR(tiny, "abc");
}

TEST(certstat_lists_anchors)
{
	const struct pki *k = get_pki();
	REQUIRE(setup(&k->root, &k->leaf, &k->inter, true) == 0);
	test_platform_clear_output(&fx->tp);
	static const char cmd[] = "certstat";
	CHECK_INT(script_exec(&fx->sys, cmd, sizeof(cmd) - 1), 0);
	CHECK(strstr(test_platform_output(&fx->tp), "CN=Test Root CA  CA EC P-256  added from test") != NULL);
	teardown();
}
