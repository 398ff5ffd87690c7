/*
 * tcp.c - TCP client connections (contract in wireboot/tcp.h).
 *
 * Sequence numbers are compared with serial arithmetic (seq_lt etc.). The send side keeps the
 * unacknowledged and unsent bytes in a ring buffer starting at snd_una; the receive side keeps
 * in-order segments as iobufs (so a consumer copies straight out of the received frame) and
 * out-of-order ones in a sorted, bounded queue. One connection object is shared by the
 * user's stream and the stack: it is freed when the user has closed it and the protocol has
 * reached CLOSED (a reference each).
 */
#include "wireboot/tcp.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/refcnt.h"
#include "wireboot/rng.h"
#include "wireboot/stream.h"
#include "wireboot/udp.h"

#include <string.h>

#define TCP_HLEN 20
#define TCP_MAX_OPTIONS 40
#define TCP_HEADROOM (14 + 4 + 20) /* Ethernet + 802.1Q + IPv4 */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define SND_BUF_SIZE (256 * 1024)
#define RCV_BUF_SIZE (4 * 1024 * 1024) /* bytes queued (in order + out of order), as announced */
/* Keeping a promised window edge while the scaled window field rounds (RFC 7323 appendix F)
 * lets a peer creep past RCV_BUF_SIZE by up to a scale unit per ACK; beyond this much more,
 * data is dropped, so no peer can make us hold more than that. */
#define RCV_OVERRUN_MAX (64 * 1024)
/* An in-order segment this short is copied into a shared buffer of COALESCE_BUF bytes: a
 * peer sending tiny segments would otherwise cost a frame buffer per byte or two. */
#define COALESCE_MAX 512
#define COALESCE_BUF 4096
#define RCV_WSCALE 7                    /* RFC 7323 §2.3: windows up to 8 MiB */
#define OOO_MAX_SEGMENTS 1024
#define MAX_SACKED 16                   /* scoreboard ranges we remember of the peer's SACKs */
#define DEFAULT_MSS 536                 /* RFC 9293 §3.7.1 when the peer sends none */
#define INITIAL_CWND_SEGMENTS 10        /* RFC 6928 */
#define RTO_INITIAL_NS (1000 * NS_PER_MS) /* RFC 6298 §2.1 */
/* RFC 6298 asks for a 1 s minimum; on a boot LAN that turns every tail loss into a one-second
 * stall. Like Linux we use 200 ms: still far above a LAN's RTT and its variance. */
#define RTO_MIN_NS (200 * NS_PER_MS)
#define RTO_MAX_NS (30 * NS_PER_SEC)
#define MAX_RETRIES 12     /* consecutive timeouts before the connection is given up */
#define MAX_SYN_RETRIES 6
#define TIME_WAIT_NS (2 * NS_PER_SEC) /* bounded: random ISNs and ports make reuse safe */
#define PERSIST_MAX_NS (10 * NS_PER_SEC)
/* RFC 5681 §4.2 asks for an ACK at least every second full segment. Every frame we send costs
 * the firmware a slow transmit (synchronous under U-Boot, a virtio notification under QEMU),
 * so we acknowledge every third of the receive window's segments, at most every
 * ACK_EVERY_SEGMENTS_MAX (plus once after each batch of received frames, see tcp_step(), so a
 * sender that pauses is never left waiting): under U-Boot's 24-segment window every eighth
 * segment doubled the throughput measured in bench/tcp_fw_bench.py; under OVMF every 16th
 * instead of every 8th raised it from about 64 to 80 MB/s, and every 44th instead of every 16th
 * raised Block I/O reads (bench/chain_bench.py) from about 69 to 74 MB/s, without
 * retransmissions. 44 full segments fit in one 64 KiB aggregate of Linux's receive offload (GRO),
 * which Linux acknowledges with one ACK: senders already meet ACKs stretched that far. */
#define ACK_EVERY_SEGMENTS_MAX 44

enum tcp_conn_state {
	TCP_CLOSED,
	TCP_SYN_SENT,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSING,
	TCP_TIME_WAIT,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
};

struct seq_range {
	uint32_t start, end;
};

struct ooo_segment {
	struct list_node link;
	uint32_t seq;
	struct iobuf *iob;
};

struct tcp_conn {
	struct stream stream;
	struct refcnt ref;
	struct list_node link;
	struct net *net;
	enum tcp_conn_state state;
	int error;
	bool user_released, write_shutdown, fin_sent;
	uint32_t local_ip, remote_ip;
	uint16_t local_port, remote_port;

	/* send side */
	uint8_t *snd_buf;
	size_t snd_len;  /* bytes in the ring, from snd_una */
	size_t snd_head; /* ring index of snd_una */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2;
	uint8_t snd_wscale;
	uint8_t rcv_wscale; /* RCV_WSCALE once the peer sent a window scale option, else 0 */
	bool ts_ok, sack_ok;
	uint16_t mss;
	uint16_t mss_limit; /* the route's interface MTU less the IPv4 and TCP headers */
	uint32_t cwnd, ssthresh;
	unsigned dupacks;
	bool in_recovery;
	uint32_t recover, rtx_hole;
	struct seq_range sacked[MAX_SACKED];
	unsigned nsacked;
	uint64_t rtt_srtt_ns, rtt_var_ns, rto_ns;
	bool rtt_valid;
	unsigned retries;
	struct timer rtx_timer;
	struct timer wait_timer; /* TIME-WAIT */

	/* receive side */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge of the window we advertised */
	uint32_t ts_recent;
	struct list_node rcv_queue;     /* in-order iobufs, data at the first unread byte */
	size_t rcv_queued;
	struct list_node ooo_queue;     /* struct ooo_segment, sorted by seq */
	size_t ooo_bytes;
	unsigned nooo;
	bool fin_received;
	bool have_fin_seq;
	uint32_t fin_seq;
	uint32_t window_cap;            /* adaptive receive window, see update_window_cap() */
	uint32_t window_floor, window_max;
	uint32_t in_order_since_loss;
	bool window_saw_gap;            /* update_window_cap() has seen a gap: growth is linear */
	unsigned segs_since_ack;
	bool ack_pending, ack_now;
	bool output_corked; /* small writes wait for the end of the loop pass: see tcp_write() */
};

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static bool seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}
static uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static struct tcp_conn *conn_of(struct stream *s)
{
	return container_of(s, struct tcp_conn, stream);
}

static uint32_t now_ms(struct net *net)
{
	return (uint32_t)(loop_now(net->loop) / NS_PER_MS);
}

/* ---------------------------------------------------------------- lifetime */

static void conn_release(struct refcnt *ref)
{
	struct tcp_conn *c = container_of(ref, struct tcp_conn, ref);
	list_for_each_safe(pos, tmp, &c->rcv_queue) {
		list_remove(pos);
		iobuf_free(list_entry(pos, struct iobuf, link));
	}
	list_for_each_safe(pos, tmp, &c->ooo_queue) {
		struct ooo_segment *o = list_entry(pos, struct ooo_segment, link);
		list_remove(pos);
		iobuf_free(o->iob);
		wb_free(o);
	}
	wb_free(c->snd_buf);
	wb_free(c);
}

/* The protocol side is finished: stop timers, leave the connection list, drop its reference. */
static void enter_closed(struct tcp_conn *c, int error)
{
	if (c->state == TCP_CLOSED)
		return;
	c->state = TCP_CLOSED;
	if (error && !c->error)
		c->error = error;
	timer_stop(&c->rtx_timer);
	timer_stop(&c->wait_timer);
	list_remove(&c->link);
	refcnt_put(&c->ref);
}

/* ---------------------------------------------------------------- output */

static uint32_t receive_space(const struct tcp_conn *c)
{
	size_t used = c->rcv_queued + c->ooo_bytes;
	return used >= RCV_BUF_SIZE ? 0 : (uint32_t)(RCV_BUF_SIZE - used);
}

/* The window to advertise: never shrinks the right edge already advertised (RFC 9293 §3.8.6).
 * The scaled window field drops the low bits, so when that would land left of the promised
 * edge the promise is rounded up instead. */
static uint32_t window_to_advertise(struct tcp_conn *c)
{
	uint32_t wnd = receive_space(c);
	if (wnd > c->window_cap)
		wnd = c->window_cap;
	uint32_t promised = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	uint32_t unit = 1u << c->rcv_wscale;
	if ((wnd & ~(unit - 1)) < promised)
		wnd = (promised + unit - 1) & ~(unit - 1);
	uint32_t max = 0xffffu << c->rcv_wscale;
	return wnd > max ? max : wnd;
}

static size_t write_options(struct tcp_conn *c, uint8_t *p, uint8_t flags)
{
	size_t n = 0;
	if (flags & TCP_SYN) {
		p[n++] = 2; /* MSS, RFC 9293 §3.7.1: what our interface's MTU lets the peer send */
		p[n++] = 4;
		put_be16(p + n, c->mss_limit);
		n += 2;
		p[n++] = 1; /* NOP */
		p[n++] = 3; /* window scale */
		p[n++] = 3;
		p[n++] = RCV_WSCALE;
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 4; /* SACK permitted */
		p[n++] = 2;
	}
	if ((flags & TCP_SYN) || c->ts_ok) {
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 8; /* timestamps: TSval, TSecr (RFC 7323 §3) */
		p[n++] = 10;
		put_be32(p + n, now_ms(c->net));
		put_be32(p + n + 4, (flags & TCP_SYN) && !(flags & TCP_ACK) ? 0 : c->ts_recent);
		n += 8;
	}
	if (c->sack_ok && !(flags & TCP_SYN) && !list_empty(&c->ooo_queue)) {
		/* RFC 2018 §4: report the out-of-order ranges, lowest first: those border the
		 * holes the sender must fill next */
		struct seq_range blocks[4];
		unsigned nblocks = 0, room = (unsigned)((TCP_MAX_OPTIONS - n - 4) / 8);
		list_for_each(pos, &c->ooo_queue) {
			struct ooo_segment *o = list_entry(pos, struct ooo_segment, link);
			uint32_t end = o->seq + (uint32_t)iobuf_len(o->iob);
			/* the queue is sorted by start but its segments may overlap: merge every
			 * segment that touches or overlaps the block, so blocks stay disjoint */
			if (nblocks && seq_le(o->seq, blocks[nblocks - 1].end)) {
				if (seq_gt(end, blocks[nblocks - 1].end))
					blocks[nblocks - 1].end = end;
				continue;
			}
			if (nblocks == room || nblocks == 4)
				break;
			blocks[nblocks].start = o->seq;
			blocks[nblocks].end = end;
			nblocks++;
		}
		if (nblocks) {
			p[n++] = 1;
			p[n++] = 1;
			p[n++] = 5;
			p[n++] = (uint8_t)(2 + 8 * nblocks);
			for (unsigned b = 0; b < nblocks; b++) {
				put_be32(p + n, blocks[b].start);
				put_be32(p + n + 4, blocks[b].end);
				n += 8;
			}
		}
	}
	while (n % 4)
		p[n++] = 1; /* NOP padding to a 32-bit boundary */
	return n;
}

/* Copies @len bytes of the send ring starting @offset bytes after snd_una into @dst. */
static void copy_from_ring(const struct tcp_conn *c, size_t offset, uint8_t *dst, size_t len)
{
	size_t start = (c->snd_head + offset) % SND_BUF_SIZE;
	size_t first = len < SND_BUF_SIZE - start ? len : SND_BUF_SIZE - start;
	memcpy(dst, c->snd_buf + start, first);
	memcpy(dst + first, c->snd_buf, len - first);
}

static int send_segment(struct tcp_conn *c, uint32_t seq, size_t len, uint8_t flags)
{
	struct net *net = c->net;
	struct iobuf *iob = iobuf_alloc(TCP_HEADROOM + TCP_HLEN + TCP_MAX_OPTIONS + len);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, TCP_HEADROOM);
	uint8_t *h = iobuf_put(iob, TCP_HLEN);
	uint8_t opts[TCP_MAX_OPTIONS];
	size_t optlen = write_options(c, opts, flags);
	memcpy(iobuf_put(iob, optlen), opts, optlen);
	if (len)
		copy_from_ring(c, seq - c->snd_una, iobuf_put(iob, len), len);
	if (c->state != TCP_SYN_SENT)
		flags |= TCP_ACK;
	uint32_t wnd = window_to_advertise(c);
	put_be16(h, c->local_port);
	put_be16(h + 2, c->remote_port);
	put_be32(h + 4, seq);
	put_be32(h + 8, (flags & TCP_ACK) ? c->rcv_nxt : 0);
	h[12] = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	h[13] = flags;
	/* RFC 7323 §2.2: the window in a SYN is never scaled */
	put_be16(h + 14, (uint16_t)((flags & TCP_SYN) ? (wnd > 0xffff ? 0xffff : wnd) : wnd >> c->rcv_wscale));
	put_be16(h + 16, 0);
	put_be16(h + 18, 0);
	uint16_t sum = ipv4_transport_checksum_add(c->local_ip, c->remote_ip, IP_PROTO_TCP, h, iobuf_len(iob));
	put_be16(h + 16, ipv4_checksum_finish(sum));
	if (flags & TCP_ACK) {
		uint32_t edge = c->rcv_nxt + ((flags & TCP_SYN) ? (wnd > 0xffff ? 0xffff : wnd) : (wnd >> c->rcv_wscale) << c->rcv_wscale);
		if (seq_gt(edge, c->rcv_adv))
			c->rcv_adv = edge;
		c->ack_pending = c->ack_now = false;
		c->segs_since_ack = 0;
	}
	net->tcp.segments_out++;
	return ipv4_tx(net, NULL, iob, c->local_ip, c->remote_ip, IP_PROTO_TCP);
}

static void send_rst_for(struct net *net, uint32_t local_ip, uint32_t remote_ip, uint16_t local_port,
			 uint16_t remote_port, uint32_t seq, uint32_t ack, bool with_ack)
{
	struct iobuf *iob = iobuf_alloc(TCP_HEADROOM + TCP_HLEN);
	if (!iob)
		return;
	iobuf_reserve(iob, TCP_HEADROOM);
	uint8_t *h = iobuf_put(iob, TCP_HLEN);
	memset(h, 0, TCP_HLEN);
	put_be16(h, local_port);
	put_be16(h + 2, remote_port);
	put_be32(h + 4, seq);
	put_be32(h + 8, with_ack ? ack : 0);
	h[12] = 5 << 4;
	h[13] = TCP_RST | (with_ack ? TCP_ACK : 0);
	put_be16(h + 16, ipv4_checksum_finish(ipv4_transport_checksum_add(local_ip, remote_ip, IP_PROTO_TCP, h, TCP_HLEN)));
	net->tcp.resets_sent++;
	ipv4_tx(net, NULL, iob, local_ip, remote_ip, IP_PROTO_TCP);
}

static bool is_sacked(const struct tcp_conn *c, uint32_t seq, uint32_t *range_end)
{
	for (unsigned i = 0; i < c->nsacked; i++) {
		if (seq_ge(seq, c->sacked[i].start) && seq_lt(seq, c->sacked[i].end)) {
			*range_end = c->sacked[i].end;
			return true;
		}
	}
	return false;
}

/* Length of the unsacked run at @seq (at most @max), for retransmissions that skip SACKed data. */
static size_t unsacked_run(const struct tcp_conn *c, uint32_t seq, size_t max)
{
	size_t len = max;
	for (unsigned i = 0; i < c->nsacked; i++) {
		if (seq_gt(c->sacked[i].start, seq) && c->sacked[i].start - seq < len)
			len = c->sacked[i].start - seq;
	}
	return len;
}

static void arm_rtx_timer(struct tcp_conn *c)
{
	uint64_t rto = c->rto_ns << (c->retries < 6 ? c->retries : 6);
	timer_start(c->net->loop, &c->rtx_timer, rto > RTO_MAX_NS ? RTO_MAX_NS : rto);
}

static void tcp_output(struct tcp_conn *c)
{
	if (c->state == TCP_TIME_WAIT && c->ack_now)
		send_segment(c, c->snd_nxt, 0, 0); /* nothing to send but the ACK of the peer's FIN */
	if (c->state == TCP_CLOSED || c->state == TCP_SYN_SENT || c->state == TCP_TIME_WAIT)
		return;
	bool sent = false;
	for (unsigned guard = 0; guard < 4096; guard++) {
		uint32_t flight = c->snd_nxt - c->snd_una;
		uint32_t wnd = c->snd_wnd < c->cwnd ? c->snd_wnd : c->cwnd;
		size_t unsent = c->snd_len > flight ? c->snd_len - flight : 0;
		if (c->fin_sent && seq_gt(c->snd_nxt, c->snd_una + (uint32_t)c->snd_len))
			unsent = 0; /* the FIN is out: nothing after it */
		uint32_t skip_to;
		if (seq_lt(c->snd_nxt, c->snd_max) && is_sacked(c, c->snd_nxt, &skip_to)) {
			/* go-back after a timeout: the receiver already has this range */
			c->snd_nxt = seq_lt(skip_to, c->snd_max) ? skip_to : c->snd_max;
			continue;
		}
		if (unsent && flight < wnd) {
			size_t len = unsent;
			if (len > c->mss)
				len = c->mss;
			if (len > wnd - flight)
				len = wnd - flight;
			if (seq_lt(c->snd_nxt, c->snd_max))
				len = unsacked_run(c, c->snd_nxt, len);
			/* avoid silly-window segments while more data is queued (RFC 9293 §3.8.6.2.1) */
			if (len < c->mss && len < unsent && flight > 0)
				break;
			bool push = len == unsent;
			if (send_segment(c, c->snd_nxt, len, push ? TCP_PSH : 0) != 0)
				break;
			if (seq_lt(c->snd_nxt, c->snd_max))
				c->net->tcp.retransmits++;
			c->snd_nxt += (uint32_t)len;
			c->snd_max = seq_max(c->snd_max, c->snd_nxt);
			sent = true;
			if (!timer_running(&c->rtx_timer))
				arm_rtx_timer(c);
			continue;
		}
		if (c->write_shutdown && !c->fin_sent && unsent == 0 && flight == c->snd_len) {
			/* everything queued is out: send the FIN (it occupies one sequence number) */
			if (send_segment(c, c->snd_nxt, 0, TCP_FIN) != 0)
				break;
			c->fin_sent = true;
			c->snd_nxt++;
			c->snd_max = seq_max(c->snd_max, c->snd_nxt);
			if (c->state == TCP_ESTABLISHED)
				c->state = TCP_FIN_WAIT_1;
			else if (c->state == TCP_CLOSE_WAIT)
				c->state = TCP_LAST_ACK;
			sent = true;
			if (!timer_running(&c->rtx_timer))
				arm_rtx_timer(c);
		}
		break;
	}
	/* zero window with data waiting: the retransmission timer doubles as persist timer and
	 * sends one-byte probes (RFC 9293 §3.8.6.1) */
	if (c->snd_wnd == 0 && c->snd_len > (size_t)(c->snd_nxt - c->snd_una) && !timer_running(&c->rtx_timer))
		arm_rtx_timer(c);
	if (!sent && c->ack_now)
		send_segment(c, c->snd_nxt, 0, 0);
}

/* ---------------------------------------------------------------- timers */

static void rtx_expired(struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, rtx_timer);
	struct net *net = c->net;
	if (c->state == TCP_SYN_SENT) {
		if (++c->retries > MAX_SYN_RETRIES) {
			enter_closed(c, -WBE_TCP_CONNECT_TIMEOUT);
			return;
		}
		send_segment(c, c->iss, 0, TCP_SYN);
		arm_rtx_timer(c);
		return;
	}
	bool outstanding = c->snd_una != c->snd_max;
	/* a shut window: probe (again), also while an earlier probe's byte is unacknowledged;
	 * going back to snd_una would send nothing into a zero window */
	bool probe = c->snd_wnd == 0 && c->snd_len > 0;
	if (!outstanding && !probe)
		return;
	net->tcp.timeouts++;
	if (++c->retries > MAX_RETRIES) {
		log_msg(net->log, LOG_WARN, "tcp", "port %u: the peer stopped answering; giving up", c->local_port);
		send_rst_for(net, c->local_ip, c->remote_ip, c->local_port, c->remote_port, c->snd_nxt, 0, false);
		enter_closed(c, -WBE_TCP_TIMEOUT);
		return;
	}
	if (probe) {
		/* zero-window probe: one byte beyond the window, resent until the window opens */
		send_segment(c, c->snd_una, 1, 0);
		c->snd_nxt = c->snd_una + 1;
		c->snd_max = seq_max(c->snd_max, c->snd_nxt);
		uint64_t delay = c->rto_ns << (c->retries < 6 ? c->retries : 6);
		timer_start(net->loop, &c->rtx_timer, delay > PERSIST_MAX_NS ? PERSIST_MAX_NS : delay);
		c->retries = 0; /* a peer that answers probes is alive */
		return;
	}
	/* RFC 5681 §3.1 equation 4 and RFC 6298 §5: collapse to one segment, go back to snd_una;
	 * segments the peer SACKed are skipped by tcp_output() */
	uint32_t flight = c->snd_max - c->snd_una;
	c->ssthresh = flight / 2 > 2u * c->mss ? flight / 2 : 2u * c->mss;
	c->cwnd = c->mss;
	c->in_recovery = false;
	c->dupacks = 0;
	c->snd_nxt = c->snd_una;
	if (c->fin_sent && c->snd_len == 0) {
		c->fin_sent = false; /* resend the FIN */
		if (c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING)
			c->state = c->state == TCP_CLOSING ? TCP_CLOSING : TCP_ESTABLISHED;
		else if (c->state == TCP_LAST_ACK)
			c->state = TCP_CLOSE_WAIT;
	}
	arm_rtx_timer(c);
	tcp_output(c);
}

static void time_wait_expired(struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, wait_timer);
	enter_closed(c, 0);
}

static void enter_time_wait(struct tcp_conn *c)
{
	c->state = TCP_TIME_WAIT;
	timer_stop(&c->rtx_timer);
	timer_start(c->net->loop, &c->wait_timer, TIME_WAIT_NS);
}

/* ---------------------------------------------------------------- input */

struct seg_options {
	bool has_mss, has_wscale, sack_permitted, has_ts;
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	struct seq_range sack[4];
	unsigned nsack;
};

/* RFC 9293 §3.1 options; every length is checked before reading (bad options: stop parsing). */
static void parse_options(const uint8_t *p, size_t len, struct seg_options *o)
{
	memset(o, 0, sizeof(*o));
	size_t i = 0;
	while (i < len) {
		uint8_t kind = p[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || p[i + 1] < 2 || i + p[i + 1] > len)
			break;
		uint8_t olen = p[i + 1];
		const uint8_t *v = p + i + 2;
		if (kind == 2 && olen == 4) {
			o->has_mss = true;
			o->mss = get_be16(v);
		} else if (kind == 3 && olen == 3) {
			o->has_wscale = true;
			o->wscale = v[0] > 14 ? 14 : v[0]; /* RFC 7323 §2.3: larger values mean 14 */
		} else if (kind == 4 && olen == 2) {
			o->sack_permitted = true;
		} else if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
			for (unsigned b = 0; b < (unsigned)(olen - 2) / 8 && o->nsack < 4; b++) {
				o->sack[o->nsack].start = get_be32(v + 8 * b);
				o->sack[o->nsack].end = get_be32(v + 8 * b + 4);
				o->nsack++;
			}
		} else if (kind == 8 && olen == 10) {
			o->has_ts = true;
			o->tsval = get_be32(v);
			o->tsecr = get_be32(v + 4);
		}
		i += olen;
	}
}

static void update_rtt(struct tcp_conn *c, uint64_t sample_ns)
{
	/* RFC 6298 §2 */
	if (!c->rtt_valid) {
		c->rtt_srtt_ns = sample_ns;
		c->rtt_var_ns = sample_ns / 2;
		c->rtt_valid = true;
	} else {
		uint64_t diff = c->rtt_srtt_ns > sample_ns ? c->rtt_srtt_ns - sample_ns : sample_ns - c->rtt_srtt_ns;
		c->rtt_var_ns = (3 * c->rtt_var_ns + diff) / 4;
		c->rtt_srtt_ns = (7 * c->rtt_srtt_ns + sample_ns) / 8;
	}
	uint64_t rto = c->rtt_srtt_ns + (4 * c->rtt_var_ns > NS_PER_MS ? 4 * c->rtt_var_ns : NS_PER_MS);
	c->rto_ns = rto < RTO_MIN_NS ? RTO_MIN_NS : rto > RTO_MAX_NS ? RTO_MAX_NS : rto;
}

/* Merges the peer's SACK blocks (above snd_una) into the scoreboard, kept sorted and disjoint. */
static void record_sacks(struct tcp_conn *c, const struct seg_options *o)
{
	for (unsigned b = 0; b < o->nsack; b++) {
		struct seq_range r = o->sack[b];
		/* RFC 2018 §3: ignore blocks that are nonsense or below what is acknowledged */
		if (!seq_lt(r.start, r.end) || seq_le(r.end, c->snd_una) || seq_gt(r.end, c->snd_max))
			continue;
		if (seq_lt(r.start, c->snd_una))
			r.start = c->snd_una;
		struct seq_range merged[MAX_SACKED + 1];
		unsigned n = 0;
		bool placed = false;
		for (unsigned i = 0; i < c->nsacked; i++) {
			struct seq_range s = c->sacked[i];
			if (seq_lt(s.end, r.start) || seq_gt(s.start, r.end)) {
				if (!placed && seq_gt(s.start, r.end)) {
					merged[n++] = r;
					placed = true;
				}
				merged[n++] = s;
			} else {
				/* overlapping or touching: absorb into r */
				if (seq_lt(s.start, r.start))
					r.start = s.start;
				if (seq_gt(s.end, r.end))
					r.end = s.end;
			}
		}
		if (!placed)
			merged[n++] = r;
		if (n > MAX_SACKED)
			n = MAX_SACKED; /* forget the highest range: it will be reported again */
		memcpy(c->sacked, merged, n * sizeof(merged[0]));
		c->nsacked = n;
	}
}

static void forget_acked_sacks(struct tcp_conn *c)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->nsacked; i++) {
		if (seq_le(c->sacked[i].end, c->snd_una))
			continue;
		c->sacked[n] = c->sacked[i];
		if (seq_lt(c->sacked[n].start, c->snd_una))
			c->sacked[n].start = c->snd_una;
		n++;
	}
	c->nsacked = n;
}

/* Retransmits the first unSACKed segment at or after @from (below the highest SACKed byte). */
static void retransmit_hole(struct tcp_conn *c, uint32_t from)
{
	uint32_t seq = seq_lt(from, c->snd_una) ? c->snd_una : from;
	uint32_t end;
	while (is_sacked(c, seq, &end))
		seq = end;
	if (!seq_lt(seq, c->snd_max))
		return;
	size_t avail = c->snd_una + (uint32_t)c->snd_len - seq;
	if (seq_ge(seq, c->snd_una + (uint32_t)c->snd_len))
		return; /* only the FIN is outstanding there: the timer resends it */
	size_t len = unsacked_run(c, seq, avail < c->mss ? avail : c->mss);
	if (send_segment(c, seq, len, 0) == 0) {
		c->net->tcp.retransmits++;
		c->rtx_hole = seq + (uint32_t)len;
	}
}

static bool highest_sacked_above(const struct tcp_conn *c, uint32_t seq)
{
	return c->nsacked && seq_gt(c->sacked[c->nsacked - 1].end, seq);
}

/* Returns false when the segment must be dropped (it acknowledges data never sent). */
static bool process_ack(struct tcp_conn *c, uint32_t ack, uint32_t wnd, uint32_t seq, size_t seglen,
			const struct seg_options *o)
{
	struct net *net = c->net;
	if (seq_gt(ack, c->snd_max)) {
		c->ack_now = true; /* acknowledges data never sent: RFC 9293 §3.10.7.4 ACK and drop */
		return false;
	}
	if (c->sack_ok)
		record_sacks(c, o);
	/* RFC 9293 §3.10.7.4: window update when the segment is newer than the last one used */
	bool window_changed = false;
	if (seq_lt(c->snd_wl1, seq) || (c->snd_wl1 == seq && seq_le(c->snd_wl2, ack))) {
		window_changed = c->snd_wnd != wnd;
		c->snd_wnd = wnd;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
	}
	if (seq_le(ack, c->snd_una)) {
		/* RFC 5681 §2 duplicate ACK: no data, no window change, data outstanding */
		if (ack == c->snd_una && seglen == 0 && !window_changed && c->snd_una != c->snd_max && wnd != 0) {
			c->dupacks++;
			if (!c->in_recovery && (c->dupacks == 3 || (c->sack_ok && highest_sacked_above(c, c->snd_una + 3u * c->mss)))) {
				/* RFC 6582 §3.2 step 2: enter fast recovery */
				uint32_t flight = c->snd_max - c->snd_una;
				c->ssthresh = flight / 2 > 2u * c->mss ? flight / 2 : 2u * c->mss;
				c->cwnd = c->ssthresh + 3u * c->mss;
				c->recover = c->snd_max;
				c->in_recovery = true;
				net->tcp.fast_retransmits++;
				retransmit_hole(c, c->snd_una);
			} else if (c->in_recovery) {
				c->cwnd += c->mss; /* each dupack: a segment has left the network */
				if (highest_sacked_above(c, c->rtx_hole))
					retransmit_hole(c, c->rtx_hole);
			}
		}
		return true;
	}
	/* new data acknowledged */
	uint32_t acked = ack - c->snd_una;
	size_t data_acked = acked;
	if (data_acked > c->snd_len)
		data_acked = c->snd_len; /* the rest is our FIN */
	c->snd_head = (c->snd_head + data_acked) % SND_BUF_SIZE;
	c->snd_len -= data_acked;
	c->snd_una = ack;
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	c->retries = 0;
	forget_acked_sacks(c);
	if (c->ts_ok && o->has_ts && o->tsecr) {
		uint32_t rtt_ms = now_ms(net) - o->tsecr;
		if (rtt_ms < 60000)
			update_rtt(c, (uint64_t)rtt_ms * NS_PER_MS + NS_PER_MS / 2);
	}
	if (c->in_recovery) {
		if (seq_ge(ack, c->recover)) {
			c->cwnd = c->ssthresh; /* RFC 6582 §3.2 step 3: full acknowledgment */
			c->in_recovery = false;
			c->dupacks = 0;
		} else {
			/* partial acknowledgment: the next hole is lost too */
			c->cwnd = c->cwnd > acked ? c->cwnd - acked + c->mss : c->mss;
			retransmit_hole(c, c->snd_una);
		}
	} else {
		c->dupacks = 0;
		if (c->cwnd < c->ssthresh)
			c->cwnd += acked < c->mss ? acked : c->mss; /* slow start, RFC 3465 L=1 */
		else
			c->cwnd += (uint32_t)((uint64_t)c->mss * c->mss / c->cwnd) + 1; /* congestion avoidance */
	}
	if (c->snd_una == c->snd_max)
		timer_stop(&c->rtx_timer);
	else
		arm_rtx_timer(c);
	bool fin_acked = c->fin_sent && c->snd_una == c->snd_max && c->snd_len == 0;
	if (fin_acked) {
		if (c->state == TCP_FIN_WAIT_1)
			c->state = TCP_FIN_WAIT_2;
		else if (c->state == TCP_CLOSING)
			enter_time_wait(c);
		else if (c->state == TCP_LAST_ACK)
			enter_closed(c, 0);
	}
	return true;
}

/*
 * Adaptive receive window: until the first gap it grows by every in-order segment, so it
 * doubles per window of data (as a sender's slow start does, RFC 5681 §3.1); after that by one
 * segment per window of in-order data. It halves (not below what the interface buffers) when
 * a gap shows that something was lost or reordered. Starting linear, a 64 KiB window took
 * half a second of a 128 MiB read under OVMF to reach the 256 KiB that its ring takes.
 */
static void update_window_cap(struct tcp_conn *c, bool in_order, size_t len)
{
	if (!in_order) {
		c->window_cap = c->window_cap / 2 > c->window_floor ? c->window_cap / 2 : c->window_floor;
		c->in_order_since_loss = 0;
		c->window_saw_gap = true;
		return;
	}
	if (!c->window_saw_gap) {
		if (c->window_cap < c->window_max)
			c->window_cap = c->window_max - c->window_cap > len ? c->window_cap + (uint32_t)len : c->window_max;
		return;
	}
	c->in_order_since_loss += (uint32_t)len;
	if (c->in_order_since_loss >= c->window_cap && c->window_cap < c->window_max) {
		c->window_cap += c->mss;
		c->in_order_since_loss = 0;
	}
}

/* Segments between two ACKs of in-order data: see ACK_EVERY_SEGMENTS_MAX. */
static unsigned ack_every(const struct tcp_conn *c)
{
	uint32_t third = c->window_cap / (3u * c->mss);
	return third < 2 ? 2 : third > ACK_EVERY_SEGMENTS_MAX ? ACK_EVERY_SEGMENTS_MAX : (unsigned)third;
}

/* Whether @len more bytes would take the queues past what we ever hold (RCV_OVERRUN_MAX). */
static bool receive_overrun(const struct tcp_conn *c, size_t len)
{
	return c->rcv_queued + c->ooo_bytes + len > RCV_BUF_SIZE + RCV_OVERRUN_MAX;
}

/*
 * Queues an in-order segment (takes @iob). A short one is copied onto the end of the last
 * queued buffer, or into a new buffer of COALESCE_BUF bytes that the next short ones fill.
 */
static void queue_in_order(struct tcp_conn *c, struct iobuf *iob)
{
	size_t len = iobuf_len(iob);
	if (len <= COALESCE_MAX) {
		struct iobuf *tail = list_empty(&c->rcv_queue) ? NULL : list_entry(c->rcv_queue.prev, struct iobuf, link);
		if (!tail || iobuf_tailroom(tail) < len) {
			tail = iobuf_alloc(COALESCE_BUF);
			if (tail)
				list_add_tail(&c->rcv_queue, &tail->link);
		}
		if (tail) {
			memcpy(iobuf_put(tail, len), iob->data, len);
			iobuf_free(iob);
			return;
		}
	}
	list_add_tail(&c->rcv_queue, &iob->link);
}

static void deliver_in_order(struct tcp_conn *c)
{
	/* pull out-of-order segments that now continue the stream */
	list_for_each_safe(pos, tmp, &c->ooo_queue) {
		struct ooo_segment *o = list_entry(pos, struct ooo_segment, link);
		if (seq_gt(o->seq, c->rcv_nxt))
			break;
		list_remove(pos);
		c->nooo--;
		size_t len = iobuf_len(o->iob);
		c->ooo_bytes -= len;
		uint32_t end = o->seq + (uint32_t)len;
		if (seq_gt(end, c->rcv_nxt)) {
			iobuf_pull(o->iob, c->rcv_nxt - o->seq);
			c->rcv_queued += iobuf_len(o->iob);
			c->rcv_nxt = end;
			list_add_tail(&c->rcv_queue, &o->iob->link);
		} else {
			iobuf_free(o->iob);
		}
		wb_free(o);
	}
}

/* Queues an out-of-order segment (takes @iob). One entirely inside a queued segment is dropped;
 * partial overlaps are kept as they are (deliver_in_order() and the SACK blocks merge them). */
static void queue_out_of_order(struct tcp_conn *c, uint32_t seq, struct iobuf *iob)
{
	struct list_node *insert_before = &c->ooo_queue;
	list_for_each(pos, &c->ooo_queue) {
		struct ooo_segment *o = list_entry(pos, struct ooo_segment, link);
		uint32_t o_end = o->seq + (uint32_t)iobuf_len(o->iob);
		if (seq_le(o->seq, seq) && seq_le(seq + (uint32_t)iobuf_len(iob), o_end)) {
			c->net->tcp.dup_segments++;
			iobuf_free(iob); /* entirely duplicate */
			return;
		}
		if (seq_gt(o->seq, seq)) {
			insert_before = pos;
			break;
		}
	}
	if (c->nooo >= OOO_MAX_SEGMENTS) {
		iobuf_free(iob);
		return;
	}
	struct ooo_segment *o = wb_malloc(sizeof(*o));
	if (!o) {
		iobuf_free(iob);
		return;
	}
	o->seq = seq;
	o->iob = iob;
	list_insert_before(insert_before, &o->link);
	c->nooo++;
	c->ooo_bytes += iobuf_len(iob);
	c->net->tcp.ooo_segments++;
}

static void handle_fin_if_reached(struct tcp_conn *c)
{
	if (!c->have_fin_seq || c->fin_received || c->rcv_nxt != c->fin_seq)
		return;
	c->fin_received = true;
	c->rcv_nxt++;
	c->ack_now = true;
	switch (c->state) {
	case TCP_ESTABLISHED:
		c->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT_1:
		if (c->fin_sent && c->snd_una == c->snd_max)
			enter_time_wait(c);
		else
			c->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		enter_time_wait(c);
		break;
	default:
		break;
	}
}

static void segment_arrives(struct tcp_conn *c, struct iobuf *iob, const uint8_t *h, size_t hlen,
			    const struct seg_options *o)
{
	struct net *net = c->net;
	uint32_t seq = get_be32(h + 4), ack = get_be32(h + 8);
	uint8_t flags = h[13];
	uint32_t wnd_raw = get_be16(h + 14);
	iobuf_pull(iob, hlen);
	size_t len = iobuf_len(iob);

	if (c->state == TCP_SYN_SENT) {
		if ((flags & TCP_ACK) && ack != c->iss + 1) {
			if (!(flags & TCP_RST))
				send_rst_for(net, c->local_ip, c->remote_ip, c->local_port, c->remote_port, ack, 0, false);
			iobuf_free(iob);
			return;
		}
		if (flags & TCP_RST) {
			iobuf_free(iob);
			if (flags & TCP_ACK)
				enter_closed(c, -WBE_TCP_REFUSED);
			return;
		}
		if (!(flags & TCP_SYN) || !(flags & TCP_ACK)) {
			iobuf_free(iob); /* simultaneous open is not something a boot client needs */
			return;
		}
		c->irs = seq;
		c->rcv_nxt = seq + 1;
		c->rcv_adv = c->rcv_nxt;
		c->snd_una = ack;
		c->snd_nxt = seq_max(c->snd_nxt, ack);
		c->snd_max = c->snd_nxt;
		c->mss = o->has_mss && o->mss >= 64 ? o->mss : DEFAULT_MSS;
		if (c->mss > c->mss_limit)
			c->mss = c->mss_limit;
		c->ts_ok = o->has_ts;
		if (c->ts_ok) {
			c->ts_recent = o->tsval;
			c->mss -= 12; /* every segment carries the 12-byte timestamp option */
		}
		c->sack_ok = o->sack_permitted;
		c->snd_wscale = o->has_wscale ? o->wscale : 0;
		/* RFC 7323 §2.2: scaling is in effect only when both sides sent the option */
		c->rcv_wscale = o->has_wscale ? RCV_WSCALE : 0;
		c->snd_wnd = wnd_raw; /* a SYN's window is not scaled */
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
		c->cwnd = INITIAL_CWND_SEGMENTS * (uint32_t)c->mss;
		c->ssthresh = 0xffffffffu;
		c->retries = 0;
		timer_stop(&c->rtx_timer);
		c->state = TCP_ESTABLISHED;
		/* the receive window starts at what the interface holds between two polls */
		uint32_t frames = 32, max_frames = 0;
		uint32_t next_hop;
		const struct ipv4_route *r = ipv4_route_lookup(net, c->remote_ip, &next_hop);
		if (r && r->dev->rx_buffer_frames)
			frames = r->dev->rx_buffer_frames;
		if (r)
			max_frames = r->dev->rx_window_max_frames;
		c->window_floor = frames * (uint32_t)c->mss;
		c->window_cap = c->window_floor;
		c->window_max = max_frames ? max_frames * (uint32_t)c->mss : RCV_BUF_SIZE;
		c->ack_now = true;
		iobuf_free(iob);
		tcp_output(c);
		return;
	}

	/* RFC 7323 §5.3 PAWS: a segment with an older timestamp is an old duplicate */
	if (c->ts_ok && o->has_ts && !(flags & TCP_RST) && (int32_t)(o->tsval - c->ts_recent) < 0) {
		net->tcp.dup_segments++;
		c->ack_now = true;
		iobuf_free(iob);
		tcp_output(c);
		return;
	}
	/* RFC 9293 §3.10.7.4 acceptability test */
	uint32_t rcv_wnd = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	bool acceptable;
	uint32_t seg_space = (uint32_t)len + ((flags & TCP_FIN) ? 1 : 0);
	if (seg_space == 0)
		acceptable = rcv_wnd == 0 ? seq == c->rcv_nxt : seq_ge(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + rcv_wnd) ? true : seq == c->rcv_nxt;
	else
		acceptable = rcv_wnd > 0 && ((seq_ge(seq, c->rcv_nxt) && seq_lt(seq, c->rcv_nxt + rcv_wnd)) ||
					     (seq_gt(seq + seg_space - 1, c->rcv_nxt - 1) &&
					      seq_lt(seq + seg_space - 1, c->rcv_nxt + rcv_wnd)));
	if (!acceptable) {
		if (!(flags & TCP_RST)) {
			net->tcp.dup_segments++;
			c->ack_now = true; /* tells a retransmitting peer where we are */
			/* RFC 9293 §3.10.7.4: TIME-WAIT acknowledges a retransmitted FIN and restarts */
			if (c->state == TCP_TIME_WAIT && (flags & TCP_FIN))
				timer_start(net->loop, &c->wait_timer, TIME_WAIT_NS);
		}
		iobuf_free(iob);
		tcp_output(c);
		return;
	}
	if (flags & TCP_RST) {
		iobuf_free(iob);
		/* RFC 5961 §3.2: only an exact match resets; others get a challenge ACK */
		if (seq == c->rcv_nxt)
			enter_closed(c, c->state == TCP_TIME_WAIT ? 0 : -WBE_TCP_RESET);
		else {
			c->ack_now = true;
			tcp_output(c);
		}
		return;
	}
	if (flags & TCP_SYN) {
		c->ack_now = true; /* RFC 5961 §4.2 challenge ACK */
		iobuf_free(iob);
		tcp_output(c);
		return;
	}
	if (!(flags & TCP_ACK)) {
		iobuf_free(iob);
		return;
	}
	if (c->ts_ok && o->has_ts && seq_le(seq, c->rcv_nxt))
		c->ts_recent = o->tsval; /* RFC 7323 §4.3 */
	if (!process_ack(c, ack, wnd_raw << c->snd_wscale, seq, len, o)) {
		iobuf_free(iob);
		tcp_output(c);
		return;
	}
	if (c->state == TCP_CLOSED || c->state == TCP_TIME_WAIT) {
		iobuf_free(iob);
		if (c->state == TCP_TIME_WAIT && (flags & TCP_FIN))
			send_segment(c, c->snd_nxt, 0, 0); /* re-acknowledge a retransmitted FIN */
		return;
	}

	if (flags & TCP_FIN) {
		c->have_fin_seq = true;
		c->fin_seq = seq + (uint32_t)len;
	}
	bool accepts_data = c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 || c->state == TCP_FIN_WAIT_2;
	if (len && accepts_data && !c->fin_received) {
		/* trim what we already have and what lies beyond the window */
		if (seq_lt(seq, c->rcv_nxt)) {
			uint32_t old = c->rcv_nxt - seq;
			iobuf_pull(iob, old);
			seq = c->rcv_nxt;
			len -= old;
		}
		uint32_t right = c->rcv_nxt + rcv_wnd;
		if (seq_gt(seq + (uint32_t)len, right)) {
			iobuf_unput(iob, seq + (uint32_t)len - right);
			len = right - seq;
		}
		if (len == 0) {
			iobuf_free(iob);
		} else if (receive_overrun(c, len)) {
			c->net->tcp.dropped_overrun++;
			iobuf_free(iob);
			c->ack_now = true; /* our unchanged position: the peer sends again later */
		} else if (seq == c->rcv_nxt) {
			c->rcv_nxt += (uint32_t)len;
			c->rcv_queued += len;
			queue_in_order(c, iob);
			bool had_gap = !list_empty(&c->ooo_queue);
			deliver_in_order(c);
			update_window_cap(c, true, len);
			if (had_gap)
				c->ack_now = true; /* RFC 5681 §4.2: ACK at once when a gap is filled */
			if (++c->segs_since_ack >= ack_every(c))
				c->ack_now = true; /* stretched RFC 5681 §4.2 ACKs: see ACK_EVERY_SEGMENTS_MAX */
			else
				c->ack_pending = true;
		} else {
			queue_out_of_order(c, seq, iob);
			update_window_cap(c, false, len);
			c->ack_now = true; /* duplicate ACK with SACK blocks: fast retransmit at the peer */
		}
	} else {
		if (len && !accepts_data)
			c->ack_now = true; /* data after the peer's FIN or after we stopped reading */
		iobuf_free(iob);
	}
	handle_fin_if_reached(c);
	tcp_output(c);
}

static struct tcp_conn *find_conn(struct net *net, uint32_t local_ip, uint16_t local_port, uint32_t remote_ip,
				  uint16_t remote_port)
{
	list_for_each(pos, &net->tcp.conns) {
		struct tcp_conn *c = list_entry(pos, struct tcp_conn, link);
		if (c->local_port == local_port && c->remote_port == remote_port && c->remote_ip == remote_ip &&
		    (c->local_ip == local_ip || !local_ip))
			return c;
	}
	return NULL;
}

void tcp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst)
{
	struct net *net = dev->net;
	const uint8_t *h = iob->data;
	size_t len = iobuf_len(iob);
	net->tcp.segments_in++;
	if (len < TCP_HLEN || (size_t)(h[12] >> 4) * 4 < TCP_HLEN || (size_t)(h[12] >> 4) * 4 > len ||
	    ipv4_transport_checksum_add(src, dst, IP_PROTO_TCP, h, len) != 0xffff) {
		net->tcp.bad_segments++;
		iobuf_free(iob);
		return;
	}
	size_t hlen = (size_t)(h[12] >> 4) * 4;
	uint16_t src_port = get_be16(h), dst_port = get_be16(h + 2);
	struct tcp_conn *c = find_conn(net, dst, dst_port, src, src_port);
	if (!c) {
		/* RFC 9293 §3.10.7.1: no connection: answer with a reset (never to a reset, and
		 * only to our unicast address: not to broadcasts, RFC 1122 §4.2.2.12) */
		uint8_t flags = h[13];
		if (!(flags & TCP_RST) && dst == ipv4_dev_addr(dev)) {
			uint32_t seg_len = (uint32_t)(len - hlen) + ((flags & TCP_SYN) ? 1 : 0) + ((flags & TCP_FIN) ? 1 : 0);
			if (flags & TCP_ACK)
				send_rst_for(net, dst, src, dst_port, src_port, get_be32(h + 8), 0, false);
			else
				send_rst_for(net, dst, src, dst_port, src_port, 0, get_be32(h + 4) + seg_len, true);
		}
		iobuf_free(iob);
		return;
	}
	struct seg_options o;
	parse_options(h + TCP_HLEN, hlen - TCP_HLEN, &o);
	refcnt_get(&c->ref); /* the connection may close while we work on it */
	segment_arrives(c, iob, h, hlen, &o);
	refcnt_put(&c->ref);
}

/* ---------------------------------------------------------------- stream interface */

static enum stream_state tcp_stream_state(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	if (c->error)
		return STREAM_FAILED;
	switch (c->state) {
	case TCP_SYN_SENT:
		return STREAM_CONNECTING;
	case TCP_CLOSED:
	case TCP_TIME_WAIT:
		return STREAM_CLOSED;
	default:
		return STREAM_OPEN;
	}
}

static int tcp_stream_error(struct stream *s)
{
	return conn_of(s)->error;
}

static size_t tcp_write_space(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	if (c->write_shutdown || c->error || c->state == TCP_CLOSED)
		return 0;
	return SND_BUF_SIZE - c->snd_len;
}

static long tcp_write(struct stream *s, const void *data, size_t len)
{
	struct tcp_conn *c = conn_of(s);
	if (c->error)
		return c->error;
	if (c->write_shutdown || c->state == TCP_CLOSED)
		return -WBE_TCP_SHUTDOWN;
	size_t space = SND_BUF_SIZE - c->snd_len;
	if (len > space)
		len = space;
	size_t tail = (c->snd_head + c->snd_len) % SND_BUF_SIZE;
	size_t first = len < SND_BUF_SIZE - tail ? len : SND_BUF_SIZE - tail;
	memcpy(c->snd_buf + tail, data, first);
	memcpy(c->snd_buf, (const uint8_t *)data + first, len - first);
	c->snd_len += len;
	/*
	 * Auto-corking (as Linux's tcp_autocorking): a small write while data is in flight waits
	 * for the end of this loop pass, so that commands issued together (an iSCSI initiator's
	 * queue of READs) leave in one segment. Every segment costs a frame from the peer (its
	 * ACK), and frames land in the firmware's receive ring, which on U-Boot holds 32 and
	 * stops working for good when it overflows: 16 separate commands' ACKs on top of a full
	 * receive window did that.
	 */
	if (len < c->mss && c->snd_nxt != c->snd_una)
		c->output_corked = true;
	else
		tcp_output(c);
	return (long)len;
}

static const uint8_t *tcp_peek(struct stream *s, size_t *len)
{
	struct tcp_conn *c = conn_of(s);
	if (list_empty(&c->rcv_queue)) {
		*len = 0;
		return NULL;
	}
	struct iobuf *iob = list_entry(c->rcv_queue.next, struct iobuf, link);
	*len = iobuf_len(iob);
	return iob->data;
}

static void tcp_consume(struct stream *s, size_t len)
{
	struct tcp_conn *c = conn_of(s);
	uint32_t before = window_to_advertise(c);
	while (len && !list_empty(&c->rcv_queue)) {
		struct iobuf *iob = list_entry(c->rcv_queue.next, struct iobuf, link);
		size_t n = iobuf_len(iob) < len ? iobuf_len(iob) : len;
		iobuf_pull(iob, n);
		len -= n;
		c->rcv_queued -= n;
		if (iobuf_len(iob) == 0) {
			list_remove(&iob->link);
			iobuf_free(iob);
		}
	}
	/* RFC 9293 §3.8.6.2.2: announce a window that opened by a segment or more, or from zero */
	uint32_t after = window_to_advertise(c);
	uint32_t advertised = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (after > before && (advertised < c->mss || after - advertised >= 2u * c->mss) && c->state != TCP_CLOSED)
		c->ack_pending = true;
}

static bool tcp_eof(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	return c->fin_received && list_empty(&c->rcv_queue);
}

static void tcp_shutdown_write(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	if (c->write_shutdown)
		return;
	c->write_shutdown = true;
	tcp_output(c);
}

static void tcp_close(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	if (c->user_released)
		return;
	c->user_released = true;
	if (c->state == TCP_SYN_SENT)
		enter_closed(c, 0);
	else
		tcp_shutdown_write(s);
	refcnt_put(&c->ref);
}

static void tcp_abort(struct stream *s)
{
	struct tcp_conn *c = conn_of(s);
	if (c->user_released)
		return;
	c->user_released = true;
	if (c->state != TCP_CLOSED && c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT)
		send_rst_for(c->net, c->local_ip, c->remote_ip, c->local_port, c->remote_port, c->snd_nxt, 0, false);
	enter_closed(c, 0);
	refcnt_put(&c->ref);
}

static const struct stream_ops tcp_stream_ops = {
	.state = tcp_stream_state,
	.error = tcp_stream_error,
	.write = tcp_write,
	.write_space = tcp_write_space,
	.peek = tcp_peek,
	.consume = tcp_consume,
	.eof = tcp_eof,
	.shutdown_write = tcp_shutdown_write,
	.close = tcp_close,
	.abort = tcp_abort,
};

/* ---------------------------------------------------------------- setup */

static uint16_t pick_port(struct net *net, uint32_t dst, uint16_t dst_port)
{
	for (unsigned tries = 0; tries < 16384; tries++) {
		uint16_t p = net->tcp.next_port;
		net->tcp.next_port = p >= 65535 ? 49152 : (uint16_t)(p + 1);
		if (!find_conn(net, 0, p, dst, dst_port))
			return p;
	}
	return 0;
}

int tcp_connect(struct net *net, uint32_t dst, uint16_t port, struct stream **out)
{
	uint32_t next_hop;
	const struct ipv4_route *r = ipv4_route_lookup(net, dst, &next_hop);
	if (!r)
		return -WBE_NET_UNREACHABLE;
	struct tcp_conn *c = wb_zalloc(sizeof(*c));
	if (!c)
		return -WBE_NOMEM;
	c->snd_buf = wb_malloc(SND_BUF_SIZE);
	if (!c->snd_buf) {
		wb_free(c);
		return -WBE_NOMEM;
	}
	c->local_port = pick_port(net, dst, port);
	if (!c->local_port) {
		wb_free(c->snd_buf);
		wb_free(c);
		return -WBE_BUSY;
	}
	c->stream.ops = &tcp_stream_ops;
	refcnt_init(&c->ref, conn_release); /* the user's reference */
	refcnt_get(&c->ref);                /* the protocol's, dropped in enter_closed() */
	c->net = net;
	c->local_ip = r->addr;
	c->remote_ip = dst;
	c->remote_port = port;
	list_init(&c->rcv_queue);
	list_init(&c->ooo_queue);
	timer_init(&c->rtx_timer, rtx_expired);
	timer_init(&c->wait_timer, time_wait_expired);
	/* RFC 6528: an unpredictable initial sequence number */
	rng_bytes(net->rng, &c->iss, sizeof(c->iss));
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->mss = DEFAULT_MSS;
	size_t mtu = r->dev->mtu < ETH_MTU ? r->dev->mtu : ETH_MTU;
	if (mtu < 576) /* RFC 791: every IPv4 host takes 576-byte datagrams */
		mtu = 576;
	c->mss_limit = (uint16_t)(mtu - IPV4_HLEN - TCP_HLEN);
	c->rto_ns = RTO_INITIAL_NS;
	c->window_floor = c->window_cap = c->window_max = 0xffff;
	c->state = TCP_SYN_SENT;
	list_add_tail(&net->tcp.conns, &c->link);
	send_segment(c, c->iss, 0, TCP_SYN);
	c->snd_nxt = c->snd_max = c->iss + 1;
	arm_rtx_timer(c);
	*out = &c->stream;
	return 0;
}

static void tcp_step(struct process *proc)
{
	struct net *net = container_of(proc, struct net, tcp.process);
	list_for_each_safe(pos, tmp, &net->tcp.conns) {
		struct tcp_conn *c = list_entry(pos, struct tcp_conn, link);
		if (c->ack_pending)
			c->ack_now = true;
		if (c->ack_pending || c->output_corked) {
			c->output_corked = false;
			tcp_output(c);
		}
	}
}

void tcp_init(struct net *net)
{
	list_init(&net->tcp.conns);
	list_init(&net->tcp.process.link);
	net->tcp.process.name = "tcp";
	net->tcp.process.step = tcp_step;
	uint16_t r;
	rng_bytes(net->rng, &r, sizeof(r));
	net->tcp.next_port = (uint16_t)(49152 + r % 16384);
	loop_add_process(net->loop, &net->tcp.process);
}

void tcp_fini(struct net *net)
{
	loop_remove_process(net->loop, &net->tcp.process);
	list_for_each_safe(pos, tmp, &net->tcp.conns) {
		struct tcp_conn *c = list_entry(pos, struct tcp_conn, link);
		if (c->state != TCP_TIME_WAIT && c->state != TCP_SYN_SENT)
			send_rst_for(net, c->local_ip, c->remote_ip, c->local_port, c->remote_port, c->snd_nxt, 0, false);
		enter_closed(c, -WBE_CANCELED);
	}
}

void tcp_get_stats(struct net *net, struct tcp_stats *out)
{
	out->segments_in = net->tcp.segments_in;
	out->segments_out = net->tcp.segments_out;
	out->retransmits = net->tcp.retransmits;
	out->timeouts = net->tcp.timeouts;
	out->fast_retransmits = net->tcp.fast_retransmits;
	out->ooo_segments = net->tcp.ooo_segments;
	out->dup_segments = net->tcp.dup_segments;
	out->bad_segments = net->tcp.bad_segments;
	out->resets_sent = net->tcp.resets_sent;
	out->dropped_overrun = net->tcp.dropped_overrun;
}
