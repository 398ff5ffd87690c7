/*
 * tcp.h - TCP (RFC 9293) client connections over the IPv4 layer, as streams (stream.h).
 *
 * Implemented: three-way handshake with MSS, window scaling and timestamps (RFC 7323), SACK
 * (RFC 2018) both ways, retransmission timeout per RFC 6298, slow start / congestion
 * avoidance (RFC 5681) with NewReno fast recovery (RFC 6582) filling SACKed holes, an
 * out-of-order queue, zero-window probes, RST handling with RFC 5961 challenge ACKs, FIN
 * states, and a bounded TIME-WAIT. The receive window starts at what the interface can buffer
 * between two polls (netdev.rx_buffer_frames segments: a larger window on U-Boot's 32-frame
 * ring only causes loss) and grows while segments keep arriving in order.
 */
#ifndef WIREBOOT_TCP_H
#define WIREBOOT_TCP_H

#include <stddef.h>
#include <stdint.h>

struct net;
struct netdev;
struct iobuf;
struct stream;

struct tcp_stats {
	uint64_t segments_in, segments_out, retransmits, timeouts, fast_retransmits, ooo_segments,
		dup_segments, bad_segments, resets_sent,
		dropped_overrun; /* in-window data dropped: the queues were past what we ever hold */
};

/**
 * tcp_connect() - open a connection to @dst:@port. Returns 0 and a stream in
 * STREAM_CONNECTING state (poll the loop until it is open or failed), or
 * -WBE_NET_UNREACHABLE, -WBE_NOMEM. Release the stream with stream_close()/stream_abort().
 */
int tcp_connect(struct net *net, uint32_t dst, uint16_t port, struct stream **out);

/** tcp_rx() - a segment from the IPv4 layer; takes @iob (positioned at the TCP header). */
void tcp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst);

/** tcp_init()/tcp_fini() - the stack's TCP state; fini resets every connection. */
void tcp_init(struct net *net);
void tcp_fini(struct net *net);

/** tcp_get_stats() - counters since start (for `ifstat`-style output and benchmarks). */
void tcp_get_stats(struct net *net, struct tcp_stats *out);

#endif
