/*
 * tcp_test.c - TCP (wireboot/tcp.h) driven from tcp_connect() against a scripted peer: every
 * segment the peer sends is built here (with its options and checksum), every segment the
 * stack sends is parsed and checked field by field. The peer's initial sequence number sits
 * just below 2^32, so the receive side also runs across the sequence-number wrap.
 */
#include "net_fixture.h"
#include "test.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/stream.h"
#include "wireboot/malloc.h"
#include "wireboot/tcp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS (1000000ULL)
#define SEC (1000000000ULL)

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

#define PEER_ISS 0xfffff000u /* the peer's data crosses 2^32 after 4095 bytes */
#define PEER_PORT 80

/* ---------------------------------------------------------------- segments we send */

struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	size_t hlen;
	uint8_t opts[40];
	size_t optlen;
	bool has_mss, has_ws, sack_perm, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	unsigned nsack;
	uint32_t sack[4][2];
	size_t len;
	uint8_t data[2048];
};

struct tcpt {
	struct net_fixture f;
	struct stream *s;
	uint16_t lport;
	uint32_t iss;       /* ours, from the SYN */
	uint32_t snd;       /* the peer's next sequence number */
	uint32_t peer_ack;  /* what the peer acknowledges by default */
	uint16_t peer_wnd;  /* raw window field the peer sends by default */
	bool ts;            /* the peer uses timestamps */
	uint32_t tsval;     /* the peer's next TSval */
	uint32_t last_our_ts;
	uint8_t peer_ws;
};

static void parse_opts(struct seg *s)
{
	const uint8_t *p = s->opts;
	size_t i = 0, n = s->optlen;
	while (i < n) {
		if (p[i] == 0)
			break;
		if (p[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
			break;
		uint8_t kind = p[i], len = p[i + 1];
		if (kind == 2 && len == 4) {
			s->has_mss = true;
			s->mss = get_be16(p + i + 2);
		} else if (kind == 3 && len == 3) {
			s->has_ws = true;
			s->ws = p[i + 2];
		} else if (kind == 4 && len == 2) {
			s->sack_perm = true;
		} else if (kind == 8 && len == 10) {
			s->has_ts = true;
			s->tsval = get_be32(p + i + 2);
			s->tsecr = get_be32(p + i + 6);
		} else if (kind == 5) {
			for (unsigned b = 0; b < (unsigned)(len - 2) / 8 && s->nsack < 4; b++) {
				s->sack[s->nsack][0] = get_be32(p + i + 2 + 8 * b);
				s->sack[s->nsack][1] = get_be32(p + i + 6 + 8 * b);
				s->nsack++;
			}
		}
		i += len;
	}
}

/* Pops the next frame the stack sent; false if there is none. Frame-level checks (addresses,
 * IPv4 header, TCP checksum) are failures of the test. */
static bool next_seg_at(struct tcpt *t, struct seg *s, int line)
{
	memset(s, 0, sizeof(*s));
	struct iobuf *iob = nf_pop(&t->f, 0);
	if (!iob)
		return false;
	struct nf_frame fr;
	bool ok = nf_parse(iob, &fr) && fr.type == ETH_P_IPV4 && fr.ip_ok && fr.proto == IP_PROTO_TCP &&
		  fr.l4_len >= 20;
	if (!ok) {
		test_fail(__FILE__, line, "not a TCP/IPv4 frame");
		iobuf_free(iob);
		return false;
	}
	if (memcmp(fr.dst, nf_peer_mac, 6) != 0 || fr.ip_src != NF_OUR_IP || fr.ip_dst != NF_PEER_IP)
		test_fail(__FILE__, line, "wrong addresses");
	if (fr.ttl != 64 || fr.frag != 0x4000)
		test_fail(__FILE__, line, "TTL %u flags %#x", fr.ttl, fr.frag);
	if (nf_l4_checksum(fr.ip_src, fr.ip_dst, IP_PROTO_TCP, fr.l4, fr.l4_len) != 0)
		test_fail(__FILE__, line, "bad TCP checksum");
	const uint8_t *h = fr.l4;
	s->sport = get_be16(h);
	s->dport = get_be16(h + 2);
	s->seq = get_be32(h + 4);
	s->ack = get_be32(h + 8);
	s->hlen = (size_t)(h[12] >> 4) * 4;
	s->flags = h[13];
	s->wnd = get_be16(h + 14);
	if (s->hlen < 20 || s->hlen > fr.l4_len) {
		test_fail(__FILE__, line, "bad data offset");
		iobuf_free(iob);
		return false;
	}
	s->optlen = s->hlen - 20;
	memcpy(s->opts, h + 20, s->optlen);
	parse_opts(s);
	s->len = fr.l4_len - s->hlen;
	memcpy(s->data, h + s->hlen, s->len < sizeof(s->data) ? s->len : sizeof(s->data));
	if (s->has_ts && s->tsval)
		t->last_our_ts = s->tsval;
	iobuf_free(iob);
	return true;
}
#define NEXT_SEG(t, s) next_seg_at((t), (s), __LINE__)

/* ---------------------------------------------------------------- segments the peer sends */

struct peer_opts {
	uint16_t mss; /* 0: none */
	int ws;       /* -1: none */
	bool sack_perm;
	bool ts;
	const uint32_t (*sack)[2];
	unsigned nsack;
	bool old_ts;  /* TSval older than the last one */
};

static size_t build_opts(struct tcpt *t, uint8_t *p, const struct peer_opts *o, bool syn)
{
	size_t n = 0;
	if (o && o->mss) {
		p[n++] = 2;
		p[n++] = 4;
		put_be16(p + n, o->mss);
		n += 2;
	}
	if (o && o->ws >= 0 && syn) {
		p[n++] = 1;
		p[n++] = 3;
		p[n++] = 3;
		p[n++] = (uint8_t)o->ws;
	}
	if (o && o->sack_perm) {
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 4;
		p[n++] = 2;
	}
	if (syn ? (o && o->ts) : t->ts) {
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 8;
		p[n++] = 10;
		uint32_t v = t->tsval++;
		if (o && o->old_ts)
			v -= 1000;
		put_be32(p + n, v);
		put_be32(p + n + 4, t->last_our_ts);
		n += 8;
	}
	if (o && o->nsack) {
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 5;
		p[n++] = (uint8_t)(2 + 8 * o->nsack);
		for (unsigned b = 0; b < o->nsack; b++) {
			put_be32(p + n, o->sack[b][0]);
			put_be32(p + n + 4, o->sack[b][1]);
			n += 8;
		}
	}
	while (n % 4)
		p[n++] = 0;
	return n;
}

static void peer_raw(struct tcpt *t, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		     uint16_t wnd, const struct peer_opts *o, const void *data, size_t len)
{
	static uint8_t frame[4096];
	uint8_t *tcp = frame + 14 + 20;
	uint8_t opts[40];
	size_t optlen = build_opts(t, opts, o, flags & F_SYN);
	size_t hlen = 20 + optlen;
	put_be16(tcp, sport);
	put_be16(tcp + 2, dport);
	put_be32(tcp + 4, seq);
	put_be32(tcp + 8, ack);
	tcp[12] = (uint8_t)((hlen / 4) << 4);
	tcp[13] = flags;
	put_be16(tcp + 14, wnd);
	put_be16(tcp + 16, 0);
	put_be16(tcp + 18, 0);
	memcpy(tcp + 20, opts, optlen);
	if (len)
		memcpy(tcp + hlen, data, len);
	put_be16(tcp + 16, nf_l4_checksum(NF_PEER_IP, NF_OUR_IP, IP_PROTO_TCP, tcp, hlen + len));
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_IPV4);
	nf_ipv4(frame + 14, NF_PEER_IP, NF_OUR_IP, IP_PROTO_TCP, 1, 0x4000, hlen + len);
	nf_rx(&t->f, &t->f.devs[0].dev, frame, 14 + 20 + hlen + len);
}

/* A segment of the established connection: @flags (ACK added), at @seq, with the peer's
 * current ack and window. */
static void peer_send(struct tcpt *t, uint8_t flags, uint32_t seq, const void *data, size_t len,
		      const struct peer_opts *o)
{
	peer_raw(t, PEER_PORT, t->lport, flags | F_ACK, seq, t->peer_ack, t->peer_wnd, o, data, len);
}

/* In-order data from the peer (advances t->snd). */
static void peer_data(struct tcpt *t, const void *data, size_t len)
{
	peer_send(t, 0, t->snd, data, len, NULL);
	t->snd += (uint32_t)len;
}

static void peer_ack_now(struct tcpt *t, uint32_t ack)
{
	t->peer_ack = ack;
	peer_send(t, 0, t->snd, NULL, 0, NULL);
}

/* ---------------------------------------------------------------- connection setup */

struct conn_cfg {
	uint16_t mss;   /* peer's MSS option, 0 none */
	int ws;         /* peer's window scale, -1 none */
	bool sack, ts;
	uint16_t wnd;   /* window in the SYN-ACK */
	unsigned rx_frames; /* 0: default */
	size_t mtu;         /* the interface's MTU, 0: default (1500) */
	unsigned rx_window_max_frames; /* 0: none (the window may grow to the buffer) */
};

static const struct conn_cfg default_cfg = {1460, 7, true, true, 65535, 0, 0, 0};

/* Connects and returns after the SYN (not yet answered). */
static bool tcpt_connect_max(struct tcpt *t, unsigned rx_frames, size_t mtu, unsigned max_frames, struct seg *syn)
{
	memset(t, 0, sizeof(*t));
	if (nf_init(&t->f, 1) != 0)
		return false;
	if (rx_frames || mtu || max_frames) {
		netdev_unregister(&t->f.devs[0].dev);
		t->f.devs[0].dev.rx_buffer_frames = rx_frames;
		t->f.devs[0].dev.rx_window_max_frames = max_frames;
		t->f.devs[0].dev.mtu = mtu;
		if (netdev_register(&t->f.net, &t->f.devs[0].dev) || netdev_open(&t->f.devs[0].dev))
			return false;
	}
	nf_configure(&t->f);
	nf_arp_seed(&t->f, 0, NF_PEER_IP, nf_peer_mac);
	if (tcp_connect(&t->f.net, NF_PEER_IP, PEER_PORT, &t->s) != 0)
		return false;
	if (!NEXT_SEG(t, syn) || syn->flags != F_SYN)
		return false;
	t->iss = syn->seq;
	t->lport = syn->sport;
	t->tsval = 5000;
	return true;
}

static bool tcpt_connect(struct tcpt *t, unsigned rx_frames, size_t mtu, struct seg *syn)
{
	return tcpt_connect_max(t, rx_frames, mtu, 0, syn);
}

/* Connects and completes the handshake per @cfg; @ack receives our ACK of the SYN-ACK. */
static bool tcpt_open(struct tcpt *t, const struct conn_cfg *cfg, struct seg *ack)
{
	struct seg syn;
	if (!tcpt_connect_max(t, cfg->rx_frames, cfg->mtu, cfg->rx_window_max_frames, &syn))
		return false;
	struct peer_opts o = {.mss = cfg->mss, .ws = cfg->ws, .sack_perm = cfg->sack, .ts = cfg->ts};
	t->ts = cfg->ts;
	t->peer_ws = cfg->ws > 0 ? (uint8_t)cfg->ws : 0;
	peer_raw(t, PEER_PORT, t->lport, F_SYN | F_ACK, PEER_ISS, t->iss + 1, cfg->wnd, &o, NULL, 0);
	t->snd = PEER_ISS + 1;
	t->peer_ack = t->iss + 1;
	t->peer_wnd = cfg->wnd;
	if (!NEXT_SEG(t, ack) || ack->flags != F_ACK)
		return false;
	return stream_state(t->s) == STREAM_OPEN;
}

static void tcpt_fini(struct tcpt *t)
{
	if (t->s)
		stream_abort(t->s);
	t->s = NULL;
	nf_fini(&t->f);
}

/* Ends a test whose connection already failed or finished: a graceful close, then teardown. */
static void tcpt_close(struct tcpt *t)
{
	stream_close(t->s);
	t->s = NULL;
	tcpt_fini(t);
}

static uint8_t pattern_byte(uint32_t i)
{
	return (uint8_t)(i * 31 + (i >> 8) + 7);
}

static void fill_pattern(uint8_t *p, uint32_t start, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pattern_byte(start + (uint32_t)i);
}

/* Reads everything buffered (peek/consume) into @out; returns the byte count. */
static size_t read_all(struct stream *s, uint8_t *out, size_t max)
{
	size_t total = 0, n;
	const uint8_t *p;
	while ((p = stream_peek(s, &n)) != NULL && n) {
		size_t take = n < max - total ? n : max - total;
		memcpy(out + total, p, take);
		total += take;
		stream_consume(s, n);
	}
	return total;
}

static bool conn_list_empty(struct tcpt *t)
{
	return list_empty(&t->f.net.tcp.conns);
}

/* ================================================================ handshake */

TEST(tcp_syn_carries_options)
{
	struct tcpt t;
	struct seg syn;
	REQUIRE(tcpt_connect(&t, 0, 0, &syn));
	CHECK_INT(stream_state(t.s), STREAM_CONNECTING);
	CHECK_INT(syn.dport, PEER_PORT);
	CHECK(syn.sport >= 49152);
	CHECK_INT(syn.ack, 0);
	CHECK_INT(syn.flags, F_SYN);
	CHECK_INT(syn.len, 0);
	CHECK_INT(syn.hlen, 44);
	/* MSS 1460, NOP WS 7, NOP NOP SACK-permitted, NOP NOP TS (TSval = ms clock, TSecr 0) */
	static const uint8_t expect[24] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2, 1, 1, 8, 10,
					   0x00, 0x00, 0x03, 0xe8, 0, 0, 0, 0};
	CHECK_MEM(syn.opts, expect, 24);
	/* the window in a SYN is never scaled (RFC 7323 §2.2): the largest unscaled one */
	CHECK_INT(syn.wnd, 65535);
	/* ISNs are random: a second connection starts elsewhere */
	struct stream *s2 = NULL;
	REQUIRE(tcp_connect(&t.f.net, NF_PEER_IP, PEER_PORT, &s2) == 0);
	struct seg syn2;
	REQUIRE(NEXT_SEG(&t, &syn2));
	CHECK(syn2.seq != syn.seq);
	CHECK(syn2.sport != syn.sport);
	stream_close(s2); /* in SYN-SENT: closes at once, sends nothing */
	stream_close(t.s);
	t.s = NULL;
	CHECK_INT(nf_count(&t.f, 0), 0);
	CHECK(conn_list_empty(&t));
	tcpt_fini(&t);
}

TEST(tcp_syn_mss_follows_interface_mtu)
{
	static const struct {
		size_t mtu;
		uint16_t mss;
	} cases[] = {{0, 1460}, {1496, 1456}, {9000, 1460}, {100, 536}};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct tcpt t;
		struct seg syn;
		REQUIRE(tcpt_connect(&t, 0, cases[i].mtu, &syn));
		CHECK(syn.has_mss);
		if (syn.mss != cases[i].mss)
			test_fail(__FILE__, __LINE__, "MTU %zu: SYN's MSS %u, expected %u", cases[i].mtu, syn.mss,
				  cases[i].mss);
		tcpt_fini(&t);
	}
}

TEST(tcp_handshake_establishes)
{
	static const struct {
		struct conn_cfg cfg;
		uint16_t our_wnd;  /* window field of our ACK */
		size_t hlen;
		uint32_t send_mss; /* segment size we use */
	} cases[] = {
		{{1460, 7, true, true, 65535, 0, 0, 0}, 32 * 1448 >> 7, 32, 1448},
		{{1460, 2, true, true, 65535, 0, 0, 0}, 32 * 1448 >> 7, 32, 1448},
		{{1460, 7, true, true, 65535, 4, 0, 0}, 4 * 1448 >> 7, 32, 1448},
		{{536, 7, false, true, 65535, 0, 0, 0}, 32 * 524 >> 7, 32, 524},
		{{1460, -1, true, true, 65535, 0, 0, 0}, 32 * 1448, 32, 1448}, /* no scaling: ours is off too */
		{{1460, -1, false, false, 65535, 0, 0, 0}, 32 * 1460, 20, 1460},
		{{0, 7, false, false, 65535, 0, 0, 0}, 32 * 536 >> 7, 20, 536}, /* no MSS: 536 */
		{{9000, 7, true, true, 65535, 0, 0, 0}, 32 * 1448 >> 7, 32, 1448}, /* capped by our MTU */
		/* a VLAN device on a firmware NIC (MTU 1496): its MTU caps the peer's MSS too */
		{{1460, 7, true, true, 65535, 0, 1496, 0}, 32 * 1444 >> 7, 32, 1444},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct tcpt t;
		struct seg ack;
		if (!tcpt_open(&t, &cases[i].cfg, &ack)) {
			test_fail(__FILE__, __LINE__, "case %zu: handshake failed", i);
			tcpt_fini(&t);
			continue;
		}
		CHECK_INT(ack.seq, t.iss + 1);
		CHECK_INT(ack.ack, PEER_ISS + 1);
		CHECK_INT(ack.len, 0);
		if (ack.wnd != cases[i].our_wnd)
			test_fail(__FILE__, __LINE__, "case %zu: window %u, expected %u", i, ack.wnd, cases[i].our_wnd);
		CHECK_INT(ack.hlen, cases[i].hlen);
		if (cases[i].cfg.ts) {
			static const uint8_t ts_hdr[4] = {1, 1, 8, 10};
			CHECK_MEM(ack.opts, ts_hdr, 4);
			CHECK_INT(ack.tsecr, 5000);
		}
		CHECK(!ack.has_mss && !ack.has_ws && !ack.sack_perm);
		CHECK_INT(stream_error(t.s), 0);
		CHECK_INT(nf_count(&t.f, 0), 0);
		/* a full-size write goes out in segments of the MSS in use */
		static uint8_t buf[4000];
		fill_pattern(buf, 0, sizeof(buf));
		CHECK_INT(stream_write(t.s, buf, 2 * cases[i].send_mss + 10), (long)(2 * cases[i].send_mss + 10));
		struct seg s;
		uint32_t expect_seq = t.iss + 1;
		static const int sizes_mult[3] = {1, 1, 0};
		for (int k = 0; k < 3; k++) {
			REQUIRE(NEXT_SEG(&t, &s));
			size_t want = sizes_mult[k] ? cases[i].send_mss : 10;
			if (s.len != want || s.seq != expect_seq)
				test_fail(__FILE__, __LINE__, "case %zu seg %d: seq +%u len %zu", i, k, s.seq - t.iss, s.len);
			CHECK_MEM(s.data, buf + (expect_seq - t.iss - 1), s.len);
			CHECK_INT(s.flags, k == 2 ? (F_ACK | F_PSH) : F_ACK);
			expect_seq += (uint32_t)s.len;
		}
		CHECK_INT(nf_count(&t.f, 0), 0);
		tcpt_fini(&t);
	}
}

TEST(tcp_syn_ack_problems)
{
	struct tcpt t;
	struct seg syn, s;
	REQUIRE(tcpt_connect(&t, 0, 0, &syn));
	struct peer_opts o = {.mss = 1460, .ws = -1};
	/* an ACK of something else: answered by a reset carrying that ACK as its seq */
	peer_raw(&t, PEER_PORT, t.lport, F_SYN | F_ACK, PEER_ISS, t.iss + 77, 1000, &o, NULL, 0);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_RST);
	CHECK_INT(s.seq, t.iss + 77);
	CHECK_INT(stream_state(t.s), STREAM_CONNECTING);
	/* resets that do not acknowledge our SYN are ignored */
	peer_raw(&t, PEER_PORT, t.lport, F_RST, 0, 0, 0, NULL, NULL, 0);
	peer_raw(&t, PEER_PORT, t.lport, F_RST | F_ACK, 0, t.iss + 2, 0, NULL, NULL, 0);
	CHECK_INT(stream_state(t.s), STREAM_CONNECTING);
	/* a bare SYN (simultaneous open) is ignored */
	peer_raw(&t, PEER_PORT, t.lport, F_SYN, PEER_ISS, 0, 1000, &o, NULL, 0);
	CHECK_INT(stream_state(t.s), STREAM_CONNECTING);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* RST+ACK of our SYN: refused */
	peer_raw(&t, PEER_PORT, t.lport, F_RST | F_ACK, 0, t.iss + 1, 0, NULL, NULL, 0);
	CHECK_INT(stream_state(t.s), STREAM_FAILED);
	CHECK_INT(stream_error(t.s), -WBE_TCP_REFUSED);
	CHECK(stream_write(t.s, "x", 1) < 0);
	CHECK_INT(nf_count(&t.f, 0), 0);
	CHECK(conn_list_empty(&t));
	tcpt_close(&t);
}

TEST(tcp_syn_timeout)
{
	struct tcpt t;
	struct seg syn, s;
	REQUIRE(tcpt_connect(&t, 0, 0, &syn));
	uint64_t t0 = t.f.tp.now_ns;
	static const uint64_t expect_at[] = {1, 3, 7, 15, 31, 61}; /* seconds: backoff 1, 2, 4, ... 30 */
	unsigned n = 0;
	uint64_t failed_at = 0;
	while (t.f.tp.now_ns - t0 < 100 * SEC) {
		nf_advance(&t.f, 500 * MS);
		while (NEXT_SEG(&t, &s)) {
			if (n < COUNT(expect_at))
				CHECK_INT(t.f.tp.now_ns - t0, expect_at[n] * SEC);
			CHECK_INT(s.flags, F_SYN);
			CHECK_INT(s.seq, t.iss);
			CHECK_INT(s.hlen, 44);
			n++;
		}
		if (!failed_at && stream_state(t.s) == STREAM_FAILED)
			failed_at = t.f.tp.now_ns - t0;
	}
	CHECK_INT(n, 6);
	CHECK_INT(failed_at, 91 * SEC);
	CHECK_INT(stream_error(t.s), -WBE_TCP_CONNECT_TIMEOUT);
	CHECK(conn_list_empty(&t));
	tcpt_close(&t);
}

/* ================================================================ receiving */

TEST(tcp_in_order_data_and_acks)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	peer_data(&t, "hello ", 6);
	/* one segment: the ACK is delayed to the end of the loop step */
	CHECK_INT(nf_count(&t.f, 0), 0);
	nf_step(&t.f);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_ACK);
	CHECK_INT(s.ack, PEER_ISS + 7);
	CHECK_INT(s.seq, t.iss + 1);
	CHECK_INT(s.tsecr, t.tsval - 1);
	/* more segments: ACKed at once or at the end of the step (how often is a policy:
	 * RFC 5681 asks for every second full-sized one), never later, and exactly once per
	 * step at most */
	peer_data(&t, "wor", 3);
	peer_data(&t, "ld", 2);
	nf_step(&t.f);
	uint32_t last = 0;
	unsigned acks = 0;
	while (NEXT_SEG(&t, &s)) {
		last = s.ack;
		acks++;
		CHECK_INT(s.len, 0);
	}
	CHECK(acks >= 1 && acks <= 2);
	CHECK_INT(last, PEER_ISS + 12);
	nf_step(&t.f);
	CHECK_INT(nf_count(&t.f, 0), 0);
	uint8_t buf[64];
	size_t n;
	/* short segments share one buffer (see COALESCE_MAX): the bytes come in one piece */
	const uint8_t *p = stream_peek(t.s, &n);
	REQUIRE(p);
	CHECK_INT(n, 11);
	CHECK_MEM(p, "hello world", 11);
	stream_consume(t.s, 2);
	p = stream_peek(t.s, &n);
	REQUIRE(p);
	CHECK_INT(n, 9);
	CHECK_MEM(p, "llo world", 9);
	stream_consume(t.s, 4);
	CHECK_INT(read_all(t.s, buf, sizeof(buf)), 5);
	CHECK_MEM(buf, "world", 5);
	CHECK(stream_peek(t.s, &n) == NULL);
	CHECK_INT(n, 0);
	CHECK(!stream_eof(t.s));
	/* a duplicate (already received) segment is re-acknowledged, not delivered again */
	peer_send(&t, 0, PEER_ISS + 1, "hello ", 6, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, PEER_ISS + 12);
	CHECK(stream_peek(t.s, &n) == NULL);
	/* a segment overlapping old and new bytes delivers the new ones */
	peer_send(&t, 0, PEER_ISS + 10, "ld!!", 4, NULL);
	t.snd = PEER_ISS + 14;
	CHECK_INT(read_all(t.s, buf, sizeof(buf)), 2);
	CHECK_MEM(buf, "!!", 2);
	tcpt_fini(&t);
}

TEST(tcp_out_of_order_sack_and_fill)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static uint8_t data[6000];
	fill_pattern(data, 0, sizeof(data));
	const uint32_t base = PEER_ISS + 1; /* the data crosses 2^32 at offset 4095 */
	struct {
		uint32_t off;
		uint32_t ack;
		unsigned nsack;
		uint32_t sack[3][2];
	} steps[] = {
		{0, 1000, 0, {{0}}},
		{2000, 1000, 1, {{2000, 3000}}},
		{3000, 1000, 1, {{2000, 4000}}},
		{5000, 1000, 2, {{2000, 4000}, {5000, 6000}}},
		{3000, 1000, 2, {{2000, 4000}, {5000, 6000}}}, /* duplicate of a queued one */
		{1000, 4000, 1, {{5000, 6000}}},               /* the gap is filled */
		{4000, 6000, 0, {{0}}},
	};
	for (size_t i = 0; i < COUNT(steps); i++) {
		peer_send(&t, 0, base + steps[i].off, data + steps[i].off, 1000, NULL);
		if (i == 0)
			nf_step(&t.f); /* in order: delayed ACK */
		if (!NEXT_SEG(&t, &s)) {
			test_fail(__FILE__, __LINE__, "step %zu: no ACK", i);
			continue;
		}
		CHECK_INT(s.len, 0);
		if (s.ack != base + steps[i].ack)
			test_fail(__FILE__, __LINE__, "step %zu: ack +%u", i, s.ack - base);
		CHECK_INT(s.nsack, steps[i].nsack);
		for (unsigned b = 0; b < s.nsack && b < steps[i].nsack; b++) {
			CHECK_INT(s.sack[b][0], base + steps[i].sack[b][0]);
			CHECK_INT(s.sack[b][1], base + steps[i].sack[b][1]);
		}
		CHECK_INT(nf_count(&t.f, 0), 0);
	}
	static uint8_t got[8000];
	CHECK_INT(read_all(t.s, got, sizeof(got)), 6000);
	CHECK_MEM(got, data, 6000);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.ooo_segments, 3);
	tcpt_fini(&t);
}

TEST(tcp_data_beyond_window_trimmed)
{
	struct tcpt t;
	struct seg s;
	struct conn_cfg cfg = default_cfg;
	cfg.rx_frames = 1; /* window 1448 -> advertised 11 << 7 = 1408 */
	REQUIRE(tcpt_open(&t, &cfg, &s));
	CHECK_INT(s.wnd, 11);
	static uint8_t data[3000], got[3000];
	fill_pattern(data, 0, sizeof(data));
	peer_send(&t, F_PSH, t.snd, data, 2000, NULL);
	nf_step(&t.f);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd + 1408);
	CHECK_INT(read_all(t.s, got, sizeof(got)), 1408);
	CHECK_MEM(got, data, 1408);
	t.snd += 1408;
	/* entirely beyond the right edge: dropped, and our position repeated */
	uint32_t edge = s.ack + ((uint32_t)s.wnd << 7);
	peer_send(&t, 0, edge, data, 100, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(s.nsack, 0);
	/* out of order across the right edge: the part inside is kept (SACKed up to the edge) */
	peer_send(&t, 0, edge - 100, data, 300, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	REQUIRE(s.nsack == 1);
	CHECK_INT(s.sack[0][0], edge - 100);
	CHECK_INT(s.sack[0][1], edge);
	tcpt_fini(&t);
}

TEST(tcp_paws_drops_old_timestamps)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	struct peer_opts old = {.ws = -1, .old_ts = true};
	peer_send(&t, 0, t.snd, "old", 3, &old);
	/* dropped as an old duplicate, and acknowledged at once (RFC 7323 §5.3) */
	size_t n;
	CHECK(stream_peek(t.s, &n) == NULL);
	CHECK(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.dup_segments, 1);
	/* with a current timestamp the same bytes are accepted */
	peer_data(&t, "new", 3);
	const uint8_t *p = stream_peek(t.s, &n);
	REQUIRE(p);
	CHECK_INT(n, 3);
	CHECK_MEM(p, "new", 3);
	/* resets are not subject to PAWS */
	peer_raw(&t, PEER_PORT, t.lport, F_RST, t.snd, 0, 0, &old, NULL, 0);
	CHECK_INT(stream_error(t.s), -WBE_TCP_RESET);
	tcpt_fini(&t);
}

/* The right edge of every window we advertise (ack + scaled window) never moves left. */
TEST(tcp_advertised_window_never_shrinks)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	uint32_t edge = s.ack + ((uint32_t)s.wnd << 7);
	static uint8_t data[1448];
	fill_pattern(data, 0, sizeof(data));
	unsigned acks = 0;
	/* 40 full segments in order make the window grow (it doubles until a gap) ... */
	for (int i = 0; i < 40; i++)
		peer_data(&t, data, 1448);
	nf_step(&t.f);
	/* ... then an odd-sized one, and a loss: the window halves */
	peer_data(&t, data, 1000);
	peer_send(&t, 0, t.snd + 1448, data, 1448, NULL);
	peer_send(&t, 0, t.snd + 3 * 1448, data, 1448, NULL);
	peer_data(&t, data, 1448); /* fills the first gap */
	peer_data(&t, data, 1448); /* overlaps what is queued */
	peer_data(&t, data, 1);
	nf_step(&t.f);
	static uint8_t sink[100000];
	read_all(t.s, sink, sizeof(sink));
	nf_step(&t.f);
	for (int i = 0; i < 10; i++)
		peer_data(&t, data, 777);
	nf_step(&t.f);
	uint32_t last_ack = 0;
	while (NEXT_SEG(&t, &s)) {
		acks++;
		last_ack = s.ack;
		uint32_t e = s.ack + ((uint32_t)s.wnd << 7);
		if ((int32_t)(e - edge) < 0)
			test_fail(__FILE__, __LINE__, "ACK %u (ack +%u): right edge moved left by %d", acks,
				  s.ack - PEER_ISS, (int32_t)(edge - e));
		else
			edge = e;
	}
	CHECK(acks >= 4);
	CHECK_INT(last_ack, t.snd);
	tcpt_fini(&t);
}

TEST(tcp_ack_of_unsent_data_dropped)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	/* RFC 9293 §3.10.7.4: an ACK of something not yet sent: ACK and drop the segment */
	t.peer_ack = t.iss + 1000;
	peer_send(&t, F_PSH, t.snd, "bogus", 5, NULL);
	size_t n;
	CHECK(stream_peek(t.s, &n) == NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(s.seq, t.iss + 1);
	CHECK_INT(stream_state(t.s), STREAM_OPEN);
	t.peer_ack = t.iss + 1;
	peer_data(&t, "good", 4);
	const uint8_t *p = stream_peek(t.s, &n);
	REQUIRE(p);
	CHECK_INT(n, 4);
	CHECK_MEM(p, "good", 4);
	tcpt_fini(&t);
}

/* ================================================================ sending */

TEST(tcp_small_writes_in_flight_leave_together)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static const char cmd[48] = "an iSCSI command PDU of 48 bytes...............";
	/* nothing in flight: the first small write leaves at once */
	CHECK_INT(stream_write(t.s, cmd, sizeof(cmd)), 48);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.len, 48);
	/* more while it is unacknowledged: corked until the end of the loop pass, then one segment */
	for (int i = 0; i < 3; i++)
		CHECK_INT(stream_write(t.s, cmd, sizeof(cmd)), 48);
	CHECK_INT(nf_count(&t.f, 0), 0);
	nf_step(&t.f);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.seq, t.iss + 1 + 48);
	CHECK_INT(s.len, 3 * 48);
	CHECK_MEM(s.data + 96, cmd, 48);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* a full segment's worth is never held back */
	static uint8_t big[1448];
	CHECK_INT(stream_write(t.s, big, sizeof(big)), (long)sizeof(big));
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.len, 1448);
	tcpt_fini(&t);
}

TEST(tcp_write_respects_mss_window_and_cwnd)
{
	/* cwnd-limited: 10 segments (RFC 6928), then slow start adds one segment per ACK */
	{
		struct tcpt t;
		struct seg s;
		REQUIRE(tcpt_open(&t, &default_cfg, &s));
		static uint8_t buf[30000];
		fill_pattern(buf, 0, sizeof(buf));
		CHECK_INT(stream_write(t.s, buf, sizeof(buf)), (long)sizeof(buf));
		uint32_t seq = t.iss + 1;
		unsigned n = 0;
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.seq, seq);
			CHECK_INT(s.len, 1448);
			CHECK_INT(s.flags, F_ACK);
			CHECK_MEM(s.data, buf + (seq - t.iss - 1), 1448);
			seq += (uint32_t)s.len;
			n++;
		}
		CHECK_INT(n, 10);
		peer_ack_now(&t, t.iss + 1 + 2 * 1448);
		n = 0;
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.seq, seq);
			CHECK_INT(s.len, 1448);
			seq += (uint32_t)s.len;
			n++;
		}
		CHECK_INT(n, 3); /* cwnd 11 segments, 8 in flight */
		tcpt_fini(&t);
	}
	/* window-limited, with the peer's window scale applied (2: raw 724 = 2896 bytes) */
	{
		struct tcpt t;
		struct seg s;
		struct conn_cfg cfg = {1460, 2, true, true, 65535, 0, 0, 0};
		REQUIRE(tcpt_open(&t, &cfg, &s));
		t.peer_wnd = 724;
		peer_ack_now(&t, t.iss + 1);
		static uint8_t buf[10000];
		fill_pattern(buf, 0, sizeof(buf));
		CHECK_INT(stream_write(t.s, buf, sizeof(buf)), (long)sizeof(buf));
		unsigned n = 0;
		size_t bytes = 0;
		while (NEXT_SEG(&t, &s)) {
			CHECK(s.len <= 1448);
			bytes += s.len;
			n++;
		}
		CHECK_INT(n, 2);
		CHECK_INT(bytes, 2896);
		tcpt_fini(&t);
	}
	/* small MSS and an unscaled small window: no segment beyond the window, none silly */
	{
		struct tcpt t;
		struct seg s;
		struct conn_cfg cfg = {536, -1, false, false, 2000, 0, 0, 0};
		REQUIRE(tcpt_open(&t, &cfg, &s));
		static uint8_t buf[5000];
		fill_pattern(buf, 0, sizeof(buf));
		CHECK_INT(stream_write(t.s, buf, sizeof(buf)), (long)sizeof(buf));
		uint32_t seq = t.iss + 1;
		unsigned n = 0;
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.seq, seq);
			CHECK_INT(s.len, 536);
			CHECK_INT(s.hlen, 20);
			seq += (uint32_t)s.len;
			n++;
		}
		CHECK_INT(n, 3); /* 1608 bytes; the 392 left in the window wait for more room */
		peer_ack_now(&t, seq);
		n = 0;
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.seq, seq);
			seq += (uint32_t)s.len;
			n++;
		}
		CHECK_INT(n, 3);
		tcpt_fini(&t);
	}
}

TEST(tcp_retransmission_timeout_backoff)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	CHECK_INT(stream_write(t.s, "request", 7), 7);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_ACK | F_PSH);
	uint64_t t0 = t.f.tp.now_ns;
	static const uint64_t expect_ms[] = {1000, 3000, 7000, 15000};
	unsigned n = 0;
	while (t.f.tp.now_ns - t0 < 16 * SEC) {
		nf_advance(&t.f, 50 * MS);
		while (NEXT_SEG(&t, &s)) {
			if (n < COUNT(expect_ms))
				CHECK_INT(t.f.tp.now_ns - t0, expect_ms[n] * MS);
			CHECK_INT(s.seq, t.iss + 1);
			CHECK_INT(s.len, 7);
			CHECK_MEM(s.data, "request", 7);
			n++;
		}
	}
	CHECK_INT(n, 4);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.timeouts, 4);
	CHECK_INT(st.retransmits, 4);
	/* acknowledged: no more retransmissions */
	peer_ack_now(&t, t.iss + 8);
	nf_run_for(&t.f, 40 * SEC, 1 * SEC);
	CHECK_INT(nf_count(&t.f, 0), 0);
	CHECK_INT(stream_state(t.s), STREAM_OPEN);
	tcpt_fini(&t);
}

TEST(tcp_gives_up_after_retries)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	CHECK_INT(stream_write(t.s, "x", 1), 1);
	nf_run_for(&t.f, 400 * SEC, 1 * SEC);
	CHECK_INT(stream_state(t.s), STREAM_FAILED);
	CHECK_INT(stream_error(t.s), -WBE_TCP_TIMEOUT);
	/* 1 + 12 retransmissions, then a reset */
	unsigned data = 0, rst = 0;
	while (NEXT_SEG(&t, &s)) {
		if (s.flags & F_RST)
			rst++;
		else
			data++;
	}
	CHECK_INT(data, 13);
	CHECK_INT(rst, 1);
	CHECK(conn_list_empty(&t));
	tcpt_fini(&t);
}

static void write_segments(struct tcpt *t, unsigned nseg, uint8_t *buf)
{
	fill_pattern(buf, 0, nseg * 1448);
	CHECK_INT(stream_write(t->s, buf, nseg * 1448), (long)(nseg * 1448));
	struct seg s;
	unsigned n = 0;
	while (NEXT_SEG(t, &s))
		n++;
	CHECK_INT(n, nseg);
}

TEST(tcp_fast_retransmit_on_three_dupacks)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static uint8_t buf[5 * 1448];
	write_segments(&t, 5, buf);
	const uint32_t una = t.iss + 1 + 1448;
	peer_ack_now(&t, una);
	CHECK_INT(nf_count(&t.f, 0), 0);
	for (int i = 1; i <= 3; i++) {
		peer_ack_now(&t, una);
		if (i < 3) {
			CHECK_INT(nf_count(&t.f, 0), 0);
			continue;
		}
		REQUIRE(NEXT_SEG(&t, &s));
		CHECK_INT(s.seq, una);
		CHECK_INT(s.len, 1448);
		CHECK_MEM(s.data, buf + 1448, 1448);
	}
	CHECK_INT(nf_count(&t.f, 0), 0);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.fast_retransmits, 1);
	/* a partial ACK retransmits the next hole at once (NewReno) */
	peer_ack_now(&t, una + 1448);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.seq, una + 1448);
	CHECK_INT(s.len, 1448);
	/* the full ACK ends recovery: nothing more to send */
	peer_ack_now(&t, t.iss + 1 + 5 * 1448);
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

TEST(tcp_sack_recovery_skips_sacked_data)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static uint8_t buf[6 * 1448];
	write_segments(&t, 6, buf);
	const uint32_t b = t.iss + 1;
	/* segments 1-2 and 4-5 arrived, 0 and 3 were lost */
	const uint32_t sack1[1][2] = {{b + 1448, b + 3 * 1448}};
	const uint32_t sack2[2][2] = {{b + 4 * 1448, b + 6 * 1448}, {b + 1448, b + 3 * 1448}};
	struct peer_opts o1 = {.ws = -1, .sack = sack1, .nsack = 1}, o2 = {.ws = -1, .sack = sack2, .nsack = 2};
	peer_send(&t, 0, t.snd, NULL, 0, &o1);
	CHECK_INT(nf_count(&t.f, 0), 0);
	uint32_t retransmitted[8];
	unsigned n = 0;
	for (int i = 0; i < 4; i++) {
		peer_send(&t, 0, t.snd, NULL, 0, &o2);
		while (NEXT_SEG(&t, &s)) {
			if (n < COUNT(retransmitted))
				retransmitted[n] = s.seq - b;
			n++;
			CHECK_INT(s.len, 1448);
			CHECK_MEM(s.data, buf + (s.seq - b), 1448);
		}
	}
	CHECK_INT(n, 2);
	if (n >= 2) {
		CHECK_INT(retransmitted[0], 0);
		CHECK_INT(retransmitted[1], 3 * 1448);
	}
	peer_ack_now(&t, b + 6 * 1448);
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

TEST(tcp_rto_retransmission_skips_sacked_data)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static uint8_t buf[6 * 1448];
	write_segments(&t, 6, buf);
	const uint32_t b = t.iss + 1;
	/* one dup ACK SACKing segments 1-2: not enough for fast retransmit */
	const uint32_t sack1[1][2] = {{b + 1448, b + 3 * 1448}};
	struct peer_opts o1 = {.ws = -1, .sack = sack1, .nsack = 1};
	peer_send(&t, 0, t.snd, NULL, 0, &o1);
	CHECK_INT(nf_count(&t.f, 0), 0);
	nf_advance(&t.f, 1 * SEC); /* RTO: segment 0 only (cwnd 1) */
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.seq, b);
	CHECK_INT(s.len, 1448);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* the receiver now has 0-2: segments 3 and 4 follow (cwnd 2), never 1-2 again */
	peer_ack_now(&t, b + 3 * 1448);
	uint32_t expect = b + 3 * 1448;
	unsigned n = 0;
	while (NEXT_SEG(&t, &s)) {
		CHECK_INT(s.seq, expect);
		CHECK_INT(s.len, 1448);
		expect += 1448;
		n++;
	}
	CHECK_INT(n, 2);
	tcpt_fini(&t);
}

TEST(tcp_zero_window_probe)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	t.peer_wnd = 0;
	peer_ack_now(&t, t.iss + 1);
	static uint8_t buf[3000];
	fill_pattern(buf, 0, sizeof(buf));
	CHECK_INT(stream_write(t.s, buf, sizeof(buf)), 3000);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* probes of one byte while the window stays shut; each answered with window 0 */
	uint64_t t0 = t.f.tp.now_ns;
	uint64_t probe_at[6];
	unsigned probes = 0;
	while (t.f.tp.now_ns - t0 < 12 * SEC) {
		nf_advance(&t.f, 100 * MS);
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.seq, t.iss + 1);
			CHECK_INT(s.len, 1);
			CHECK_INT(s.data[0], buf[0]);
			if (probes < COUNT(probe_at))
				probe_at[probes] = t.f.tp.now_ns - t0;
			probes++;
			peer_ack_now(&t, t.iss + 1);
		}
	}
	CHECK(probes >= 3);
	if (probes >= 1)
		CHECK_INT(probe_at[0], 1 * SEC);
	CHECK_INT(stream_state(t.s), STREAM_OPEN);
	/* the window opens (the probe byte accepted): the rest flows at once */
	t.peer_wnd = 1000; /* << 7 */
	peer_ack_now(&t, t.iss + 2);
	static const size_t sizes[] = {1448, 1448, 103};
	uint32_t seq = t.iss + 2;
	for (size_t i = 0; i < COUNT(sizes); i++) {
		REQUIRE(NEXT_SEG(&t, &s));
		CHECK_INT(s.seq, seq);
		CHECK_INT(s.len, sizes[i]);
		CHECK_MEM(s.data, buf + (seq - t.iss - 1), s.len);
		seq += (uint32_t)s.len;
	}
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

/* ================================================================ resets */

TEST(tcp_rst_exact_sequence_resets)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	peer_data(&t, "abc", 3);
	peer_raw(&t, PEER_PORT, t.lport, F_RST, t.snd, 0, 0, NULL, NULL, 0);
	CHECK_INT(stream_state(t.s), STREAM_FAILED);
	CHECK_INT(stream_error(t.s), -WBE_TCP_RESET);
	CHECK_INT(stream_write(t.s, "x", 1), -WBE_TCP_RESET);
	CHECK_INT(stream_write_space(t.s), 0);
	CHECK_INT(nf_count(&t.f, 0), 0); /* the delayed ACK is not sent any more */
	nf_step(&t.f);
	CHECK_INT(nf_count(&t.f, 0), 0);
	CHECK(conn_list_empty(&t));
	tcpt_close(&t);
}

TEST(tcp_rst_in_window_gets_challenge_ack)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static const uint32_t offsets[] = {1, 100, 40000};
	for (size_t i = 0; i < COUNT(offsets); i++) {
		peer_raw(&t, PEER_PORT, t.lport, F_RST, t.snd + offsets[i], 0, 0, NULL, NULL, 0);
		REQUIRE(NEXT_SEG(&t, &s));
		CHECK_INT(s.flags, F_ACK);
		CHECK_INT(s.seq, t.iss + 1);
		CHECK_INT(s.ack, t.snd);
		CHECK_INT(s.len, 0);
		CHECK_INT(stream_state(t.s), STREAM_OPEN);
	}
	/* outside the window (before or after): ignored silently */
	peer_raw(&t, PEER_PORT, t.lport, F_RST, t.snd - 1, 0, 0, NULL, NULL, 0);
	peer_raw(&t, PEER_PORT, t.lport, F_RST, t.snd + 1000000, 0, 0, NULL, NULL, 0);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* a SYN on the connection: challenge ACK too (RFC 5961 §4) */
	peer_raw(&t, PEER_PORT, t.lport, F_SYN, t.snd + 5, 0, 1000, NULL, NULL, 0);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_ACK);
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(stream_state(t.s), STREAM_OPEN);
	/* the connection still works */
	peer_data(&t, "ok", 2);
	size_t n;
	CHECK(stream_peek(t.s, &n) != NULL);
	CHECK_INT(n, 2);
	tcpt_fini(&t);
}

TEST(tcp_segment_for_no_connection_gets_rst)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	/* an ACK-bearing segment: RST with seq = its ACK, no ACK flag */
	peer_raw(&t, PEER_PORT, 4444, F_ACK | F_PSH, 1000, 0x12345678, 100, NULL, "data", 4);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.sport, 4444);
	CHECK_INT(s.dport, PEER_PORT);
	CHECK_INT(s.flags, F_RST);
	CHECK_INT(s.seq, 0x12345678);
	CHECK_INT(s.ack, 0);
	CHECK_INT(s.hlen, 20);
	CHECK_INT(s.wnd, 0);
	/* a SYN: RST+ACK acknowledging it */
	peer_raw(&t, 1234, t.lport, F_SYN, 5000, 0, 100, NULL, NULL, 0);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_RST | F_ACK);
	CHECK_INT(s.seq, 0);
	CHECK_INT(s.ack, 5001);
	/* data + FIN without ACK: ack = seq + len + 1 */
	peer_raw(&t, PEER_PORT, 4444, F_FIN, 7000, 0, 100, NULL, "abc", 3);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_RST | F_ACK);
	CHECK_INT(s.ack, 7004);
	/* never a reset for a reset */
	peer_raw(&t, PEER_PORT, 4444, F_RST, 7000, 0, 0, NULL, NULL, 0);
	peer_raw(&t, PEER_PORT, 4444, F_RST | F_ACK, 7000, 1, 0, NULL, NULL, 0);
	CHECK_INT(nf_count(&t.f, 0), 0);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.resets_sent, 3);
	/* a bad checksum is dropped before anything else */
	uint64_t bad = st.bad_segments;
	static uint8_t frame[128];
	memset(frame, 0, sizeof(frame));
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_IPV4);
	nf_ipv4(frame + 14, NF_PEER_IP, NF_OUR_IP, IP_PROTO_TCP, 1, 0, 20);
	put_be16(frame + 34, PEER_PORT);
	put_be16(frame + 36, 4444);
	frame[34 + 12] = 0x50;
	frame[34 + 13] = F_SYN;
	nf_rx(&t.f, &t.f.devs[0].dev, frame, 54);
	tcp_get_stats(&t.f.net, &st);
	CHECK_INT(st.bad_segments, bad + 1);
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

/* ================================================================ closing */

TEST(tcp_peer_fin_then_eof)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	peer_send(&t, F_FIN | F_PSH, t.snd, "abc", 3, NULL);
	t.snd += 4;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(s.flags, F_ACK);
	CHECK_INT(stream_state(t.s), STREAM_OPEN); /* half-closed: we may still send */
	CHECK(!stream_eof(t.s));
	size_t n;
	const uint8_t *p = stream_peek(t.s, &n);
	REQUIRE(p);
	CHECK_INT(n, 3);
	CHECK_MEM(p, "abc", 3);
	stream_consume(t.s, 2);
	CHECK(!stream_eof(t.s));
	stream_consume(t.s, 1);
	CHECK(stream_eof(t.s));
	/* a retransmitted FIN is acknowledged again */
	peer_send(&t, F_FIN, t.snd - 1, NULL, 0, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	/* data after the FIN is not accepted */
	CHECK_INT(stream_write(t.s, "bye", 3), 3);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.len, 3);
	CHECK_INT(s.flags, F_ACK | F_PSH);
	/* our close sends the FIN (LAST-ACK); its ACK frees the connection */
	stream_close(t.s);
	t.s = NULL;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_FIN | F_ACK);
	CHECK_INT(s.seq, t.iss + 4);
	CHECK_INT(s.ack, t.snd);
	CHECK(!conn_list_empty(&t));
	peer_ack_now(&t, t.iss + 5);
	CHECK(conn_list_empty(&t));
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

TEST(tcp_fin_before_missing_data)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	/* the FIN arrives with the second half while the first half is missing */
	peer_send(&t, F_FIN, t.snd + 3, "def", 3, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK(!stream_eof(t.s));
	peer_data(&t, "abc", 3);
	t.snd += 4;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	uint8_t buf[16];
	CHECK_INT(read_all(t.s, buf, sizeof(buf)), 6);
	CHECK_MEM(buf, "abcdef", 6);
	CHECK(stream_eof(t.s));
	tcpt_fini(&t);
}

TEST(tcp_our_close_fin_wait_time_wait)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	CHECK_INT(stream_write(t.s, "GET", 3), 3);
	REQUIRE(NEXT_SEG(&t, &s));
	stream_close(t.s); /* the FIN waits for nothing: the data is already out */
	t.s = NULL;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_FIN | F_ACK);
	CHECK_INT(s.seq, t.iss + 4);
	CHECK_INT(s.len, 0);
	/* FIN-WAIT-1 -> FIN-WAIT-2: the peer acknowledges data and FIN */
	peer_ack_now(&t, t.iss + 5);
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* the peer's data is still accepted (and ACKed) in FIN-WAIT-2 */
	peer_data(&t, "resp", 4);
	nf_step(&t.f);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	/* its FIN: ACKed, TIME-WAIT */
	peer_send(&t, F_FIN, t.snd, NULL, 0, NULL);
	t.snd++;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_ACK);
	CHECK_INT(s.seq, t.iss + 5);
	CHECK_INT(s.ack, t.snd);
	CHECK(!conn_list_empty(&t));
	/* the FIN again (our ACK was lost): acknowledged again (RFC 9293 §3.10.7.4) */
	nf_advance(&t.f, 1 * SEC);
	peer_send(&t, F_FIN, t.snd - 1, NULL, 0, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_ACK);
	CHECK_INT(s.ack, t.snd);
	/* TIME-WAIT lasts 2 s (from the last FIN), then the connection is freed */
	nf_advance(&t.f, 1900 * MS);
	CHECK(!conn_list_empty(&t));
	nf_advance(&t.f, 100 * MS);
	CHECK(conn_list_empty(&t));
	CHECK_INT(nf_count(&t.f, 0), 0);
	/* and then a segment for it is answered with a reset */
	peer_ack_now(&t, t.iss + 5);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_RST);
	CHECK_INT(s.seq, t.iss + 5);
	tcpt_fini(&t);
}

TEST(tcp_close_sends_queued_data_first)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	t.peer_wnd = 0;
	peer_ack_now(&t, t.iss + 1);
	static uint8_t buf[2000];
	fill_pattern(buf, 0, sizeof(buf));
	CHECK_INT(stream_write(t.s, buf, sizeof(buf)), 2000);
	stream_close(t.s);
	t.s = NULL;
	CHECK_INT(nf_count(&t.f, 0), 0); /* no FIN ahead of the data */
	t.peer_wnd = 100;
	peer_ack_now(&t, t.iss + 1);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.len, 1448);
	CHECK_INT(s.flags, F_ACK);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.len, 552);
	CHECK_INT(s.flags & (F_FIN | F_PSH), F_PSH);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_FIN | F_ACK);
	CHECK_INT(s.seq, t.iss + 2001);
	/* peer's FIN and ACK together: straight to TIME-WAIT */
	t.peer_ack = t.iss + 2002;
	peer_send(&t, F_FIN, t.snd, NULL, 0, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd + 1);
	nf_advance(&t.f, 2 * SEC);
	CHECK(conn_list_empty(&t));
	tcpt_fini(&t);
}

TEST(tcp_abort_sends_rst)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	CHECK_INT(stream_write(t.s, "abc", 3), 3);
	REQUIRE(NEXT_SEG(&t, &s));
	stream_abort(t.s);
	t.s = NULL;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_RST);
	CHECK_INT(s.seq, t.iss + 4);
	CHECK_INT(s.hlen, 20);
	CHECK(conn_list_empty(&t));
	/* the stack going away resets what is still open; the stream stays valid until closed */
	struct tcpt u;
	REQUIRE(tcpt_open(&u, &default_cfg, &s));
	struct stream *us = u.s;
	u.s = NULL;
	tcpt_fini(&u);
	CHECK_INT(stream_state(us), STREAM_FAILED);
	CHECK_INT(stream_error(us), -WBE_CANCELED);
	stream_close(us);
	tcpt_fini(&t);
}

TEST(tcp_simultaneous_close_and_fin_retransmission)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	stream_close(t.s);
	t.s = NULL;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_FIN | F_ACK);
	CHECK_INT(s.seq, t.iss + 1);
	/* unacknowledged: the FIN is sent again after the RTO */
	nf_advance(&t.f, 1 * SEC);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.flags, F_FIN | F_ACK);
	CHECK_INT(s.seq, t.iss + 1);
	/* the peer's FIN crosses ours (it has not seen ours): CLOSING, and we ACK its FIN */
	peer_send(&t, F_FIN, t.snd, NULL, 0, NULL);
	t.snd++;
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(s.flags & F_FIN, 0);
	CHECK(!conn_list_empty(&t));
	/* its ACK of our FIN: TIME-WAIT, then gone */
	peer_ack_now(&t, t.iss + 2);
	CHECK_INT(nf_count(&t.f, 0), 0);
	nf_advance(&t.f, 1999 * MS);
	CHECK(!conn_list_empty(&t));
	nf_advance(&t.f, 1 * MS);
	CHECK(conn_list_empty(&t));
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

TEST(tcp_overlapping_out_of_order_segments)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	static uint8_t data[4000], got[4000];
	fill_pattern(data, 0, sizeof(data));
	const uint32_t base = t.snd;
	static const struct {
		uint32_t off, len;
		unsigned nsack;
		uint32_t sack[2][2];
	} steps[] = {
		{2000, 1000, 1, {{2000, 3000}}},
		{2500, 1000, 1, {{2000, 3500}}}, /* overlaps the end of what is queued */
		{1500, 2500, 1, {{1500, 4000}}}, /* covers all of it */
		{1600, 100, 1, {{1500, 4000}}},  /* inside it */
		{0, 1500, 0, {{0}}},
	};
	for (size_t i = 0; i < COUNT(steps); i++) {
		peer_send(&t, 0, base + steps[i].off, data + steps[i].off, steps[i].len, NULL);
		if (i == COUNT(steps) - 1)
			nf_step(&t.f);
		if (!NEXT_SEG(&t, &s)) {
			test_fail(__FILE__, __LINE__, "step %zu: no ACK", i);
			continue;
		}
		if (s.nsack != steps[i].nsack)
			test_fail(__FILE__, __LINE__, "step %zu: %u SACK blocks", i, s.nsack);
		for (unsigned b = 0; b < s.nsack && b < steps[i].nsack; b++) {
			CHECK_INT(s.sack[b][0] - base, steps[i].sack[b][0]);
			CHECK_INT(s.sack[b][1] - base, steps[i].sack[b][1]);
		}
		CHECK_INT(nf_count(&t.f, 0), 0);
	}
	CHECK_INT(s.ack, base + 4000);
	CHECK_INT(read_all(t.s, got, sizeof(got)), 4000);
	CHECK_MEM(got, data, 4000);
	tcpt_fini(&t);
}

TEST(tcp_no_reset_to_broadcast)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	/* RFC 1122 §4.2.2.12 (and §3.2.2): nothing answers a segment sent to a broadcast address */
	static const uint32_t dsts[] = {NF_IP(10, 0, 0, 255), IPV4_BROADCAST};
	for (size_t i = 0; i < COUNT(dsts); i++) {
		static uint8_t frame[128];
		memset(frame, 0, sizeof(frame));
		nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_IPV4);
		nf_ipv4(frame + 14, NF_PEER_IP, dsts[i], IP_PROTO_TCP, 1, 0, 20);
		uint8_t *tcp = frame + 34;
		put_be16(tcp, PEER_PORT);
		put_be16(tcp + 2, 4444);
		put_be32(tcp + 4, 1000);
		tcp[12] = 0x50;
		tcp[13] = F_SYN;
		put_be16(tcp + 16, nf_l4_checksum(NF_PEER_IP, dsts[i], IP_PROTO_TCP, tcp, 20));
		nf_rx(&t.f, &t.f.devs[0].dev, frame, 54);
	}
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}

/* A reader that does not read: the window closes at the receive buffer's size (4 MiB), every
 * right edge on the way at or right of the one before; reading reopens it. */
/* Sends @nseg in-order segments of @len from the peer, reading each; returns the window the
 * last ACK announced. */
static uint32_t stream_segments(struct tcpt *t, unsigned nseg, size_t len)
{
	static uint8_t data[1460], sink[1460];
	struct seg s;
	uint32_t wnd = 0;
	fill_pattern(data, 0, sizeof(data));
	for (unsigned i = 0; i < nseg; i++) {
		peer_data(t, data, len);
		read_all(t->s, sink, sizeof(sink));
		nf_step(&t->f);
		while (NEXT_SEG(t, &s))
			wnd = (uint32_t)s.wnd << 7;
	}
	return wnd;
}

TEST(tcp_receive_window_doubles_until_a_gap_then_grows_linearly)
{
	struct tcpt t;
	struct seg s;
	struct conn_cfg cfg = default_cfg;
	cfg.rx_frames = 8;
	REQUIRE(tcpt_open(&t, &cfg, &s));
	const uint32_t seg = 1448; /* 1460 less the timestamp option */
	uint32_t w0 = (uint32_t)s.wnd << 7;
	CHECK(w0 >= 8 * seg - 127 && w0 <= 8 * seg + 127); /* what the interface buffers */
	/* one window of in-order data doubles it (slow-start-like, RFC 5681 §3.1) */
	uint32_t w1 = stream_segments(&t, 8, seg);
	CHECK(w1 >= 16 * seg - 127 && w1 <= 16 * seg + 127);
	uint32_t w2 = stream_segments(&t, 16, seg);
	CHECK(w2 >= 32 * seg - 127 && w2 <= 32 * seg + 127);
	/* a gap (a segment lost) halves it (the edge already promised stays: RFC 9293 §3.8.6)... */
	static uint8_t data[1460];
	peer_send(&t, 0, t.snd + seg, data, seg, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.nsack, 1);
	peer_send(&t, 0, t.snd, data, seg, NULL); /* the retransmission fills it */
	t.snd += 2 * seg;
	static uint8_t sink[4096];
	read_all(t.s, sink, sizeof(sink));
	nf_step(&t.f);
	while (NEXT_SEG(&t, &s))
		;
	/* ...and from then on it grows by a segment per window of in-order data: once the old
	 * promise of 32 segments is used up, 16 and about 2 more, not 64 */
	uint32_t w3 = stream_segments(&t, 32, seg);
	CHECK(w3 >= 17 * seg - 127 && w3 <= 18 * seg + 127);
	tcpt_fini(&t);
}

/* Full segments without a loop step in between: which one made the first ACK go out. */
static unsigned segments_until_ack(unsigned rx_frames, unsigned max_frames)
{
	struct tcpt t;
	struct seg s;
	struct conn_cfg cfg = default_cfg;
	cfg.rx_frames = rx_frames;
	cfg.rx_window_max_frames = max_frames;
	if (!tcpt_open(&t, &cfg, &s))
		return 0;
	static uint8_t data[1448];
	unsigned n = 0;
	for (unsigned i = 1; i <= 64 && !n; i++) {
		peer_data(&t, data, sizeof(data));
		if (nf_count(&t.f, 0)) {
			n = i;
			CHECK(NEXT_SEG(&t, &s) && s.ack == t.snd);
		}
	}
	tcpt_fini(&t);
	return n;
}

TEST(tcp_stretch_acks_follow_the_window)
{
	/* every third of the window's segments (RFC 5681 §4.2 stretched: each ACK is a slow
	 * firmware transmit), at least every second, at most every 44th */
	CHECK_INT(segments_until_ack(24, 24), 8); /* U-Boot's fixed window */
	CHECK_INT(segments_until_ack(3, 3), 2);
	CHECK_INT(segments_until_ack(96, 96), 32);
	CHECK_INT(segments_until_ack(300, 300), 44);
	/* a window that grows with the data: 24 + 11 segments when the 11th arrives */
	CHECK_INT(segments_until_ack(24, 0), 11);
}

TEST(tcp_tiny_segments_share_buffers_and_the_queue_is_bounded)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	/* 3000 one-byte segments nobody reads: they share frame buffers */
	struct malloc_stats before, after;
	malloc_get_stats(&before);
	for (int i = 0; i < 3000; i++) {
		uint8_t byte = pattern_byte((uint32_t)i);
		peer_data(&t, &byte, 1);
		if (i % 64 == 63)
			nf_step(&t.f);
		while (NEXT_SEG(&t, &s))
			;
	}
	malloc_get_stats(&after);
	CHECK(after.live_bytes - before.live_bytes < 32 * 1024);
	static uint8_t got[4096];
	CHECK_INT(read_all(t.s, got, sizeof(got)), 3000);
	bool same = true;
	for (int i = 0; i < 3000; i++)
		same = same && got[i] == pattern_byte((uint32_t)i);
	CHECK(same);
	tcpt_fini(&t);
}

TEST(tcp_receive_queue_is_bounded_against_window_creep)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	uint32_t edge = s.ack + ((uint32_t)s.wnd << 7);
	static uint8_t data[1001];
	uint64_t sent = 0;
	/* a peer that always leaves the last byte of the window unsent, nobody reading: each ACK
	 * keeps the promise by rounding up to the scale unit (RFC 7323 appendix F), so without a
	 * bound the window would never close */
	for (int round = 0; round < 9000; round++) {
		uint32_t room = edge - t.snd;
		if ((int32_t)room < 2)
			break;
		uint32_t len = room - 1 < sizeof(data) ? room - 1 : (uint32_t)sizeof(data);
		peer_send(&t, 0, t.snd, data, len, NULL);
		nf_step(&t.f);
		bool taken = false;
		while (NEXT_SEG(&t, &s)) {
			taken = taken || s.ack == t.snd + len;
			uint32_t e = s.ack + ((uint32_t)s.wnd << 7);
			if ((int32_t)(e - edge) > 0)
				edge = e;
		}
		if (taken) {
			t.snd += len;
			sent += len;
		}
	}
	CHECK(sent >= 4 * 1024 * 1024);
	CHECK(sent <= 4 * 1024 * 1024 + 64 * 1024);
	struct tcp_stats st;
	tcp_get_stats(&t.f.net, &st);
	CHECK(st.dropped_overrun > 0);
	tcpt_fini(&t);
}

TEST(tcp_window_closes_and_reopens)
{
	struct tcpt t;
	struct seg s;
	REQUIRE(tcpt_open(&t, &default_cfg, &s));
	uint32_t edge = s.ack + ((uint32_t)s.wnd << 7);
	static uint8_t data[1448];
	fill_pattern(data, 0, sizeof(data));
	uint64_t sent = 0;
	unsigned moved_left = 0, rounded_up = 0;
	/* odd-sized segments and an ACK every few of them: most ACKs fall inside the window
	 * promised before, at offsets that are no multiple of the window scale unit */
	for (int round = 0; round < 20000; round++) {
		bool progress = false;
		for (int k = 0; k < 5 && (int32_t)(edge - t.snd) > 0; k++) {
			uint32_t room = edge - t.snd;
			peer_data(&t, data, room < 1001 ? room : 1001);
			sent += room < 1001 ? room : 1001;
			progress = true;
		}
		nf_step(&t.f);
		while (NEXT_SEG(&t, &s)) {
			CHECK_INT(s.len, 0);
			uint32_t e = s.ack + ((uint32_t)s.wnd << 7);
			if ((int32_t)(e - edge) < 0)
				moved_left++;
			else if (e != edge && e - edge < 128)
				rounded_up++; /* a promise kept by rounding up to the scale unit */
			if ((int32_t)(e - edge) >= 0)
				edge = e;
		}
		if (!progress)
			break;
	}
	CHECK_INT(moved_left, 0);
	/* about the 4 MiB buffer: once the window is what the buffer has left (the adaptive cap
	 * doubles past it quickly), the right edge stays put but is no multiple of the scale
	 * unit from rcv_nxt, so each ACK keeps the promise by rounding up: at most 127 bytes */
	CHECK(sent >= 4 * 1024 * 1024 && sent < 4 * 1024 * 1024 + 127 * (uint64_t)(rounded_up + 1));
	CHECK_INT(edge, t.snd); /* closed */
	/* beyond a closed window: nothing is taken, our position is repeated */
	peer_send(&t, 0, t.snd, data, 100, NULL);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK_INT(s.wnd, 0);
	/* reading it all announces the open window */
	static uint8_t sink[4096];
	uint64_t got = 0;
	size_t n;
	const uint8_t *p;
	while ((p = stream_peek(t.s, &n)) != NULL && n) {
		memcpy(sink, p, n < sizeof(sink) ? n : sizeof(sink));
		got += n;
		stream_consume(t.s, n);
	}
	CHECK_INT(got, sent);
	nf_step(&t.f);
	REQUIRE(NEXT_SEG(&t, &s));
	CHECK_INT(s.ack, t.snd);
	CHECK(((uint32_t)s.wnd << 7) >= 32 * 1448 - 127);
	CHECK_INT(nf_count(&t.f, 0), 0);
	tcpt_fini(&t);
}
