/*
 * netstack_fuzz.c - libFuzzer harness for everything that parses received frames: Ethernet
 * and 802.1Q, ARP, IPv4 (with fragment reassembly), ICMP, UDP and TCP.
 *
 * The input is a sequence of frames, each prefixed by a 2-byte big-endian length and a
 * 1-byte "milliseconds to advance the clock" (so timers - retransmission, ARP, reassembly,
 * TIME-WAIT - fire between frames). The stack has one interface (10.0.0.2/24, gateway
 * 10.0.0.1) with a VLAN device on tag 100, a UDP socket on port 68, and a TCP connection in
 * SYN-SENT to 10.0.0.1:80 whose initial sequence number is fixed (the harness's entropy
 * source returns zeros), so the fuzzer can complete the handshake and reach the established
 * state's code. Frames the stack sends are discarded. Invariant: nothing leaks once the
 * stack is torn down.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/console.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/platform.h"
#include "wireboot/process.h"
#include "wireboot/rng.h"
#include "wireboot/settings.h"
#include "wireboot/stream.h"
#include "wireboot/tcp.h"
#include "wireboot/udp.h"

#include "fuzz.h"

static uint64_t fake_now;

static uint64_t clock_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static uint64_t plat_ns(const struct platform *p)
{
	(void)p;
	return fake_now;
}

static int zero_entropy(const struct platform *p, void *buf, size_t len)
{
	(void)p;
	memset(buf, 0, len);
	return 0;
}

static void discard_console(const struct platform *p, const char *t, size_t n)
{
	(void)p;
	(void)t;
	(void)n;
}

static int fuzz_transmit(struct netdev *dev, struct iobuf *iob)
{
	(void)dev;
	iobuf_free(iob);
	return 0;
}

static const struct netdev_ops fuzz_ops = {.transmit = fuzz_transmit};

static void udp_drop(struct udp_socket *s, struct iobuf *iob, const struct udp_meta *m)
{
	(void)s;
	(void)m;
	iobuf_free(iob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	if (!initialised) {
		malloc_init(&fuzz_malloc_backend);
		initialised = 1;
	}
	struct malloc_stats before, after;
	malloc_get_stats(&before);
	fake_now = 1000000000ULL;

	struct platform plat = {.name = "fuzz", .arch = "fuzz", .monotonic_ns = plat_ns,
				.hardware_entropy = zero_entropy, .console_write = discard_console};
	struct console con;
	console_init(&con, &plat);
	struct log log;
	log_init(&log, &con);
	struct loop loop;
	loop_init(&loop, clock_now, NULL);
	struct settings settings;
	if (settings_init(&settings, "fuzz", "fuzz", "0"))
		return 0;
	struct rng *rng;
	if (rng_create(&plat, &rng, NULL)) {
		settings_fini(&settings);
		return 0;
	}
	struct net net;
	net_init(&net, &loop, &log, rng, &settings);
	struct netdev dev;
	memset(&dev, 0, sizeof(dev));
	list_init(&dev.link);
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 2};
	memcpy(dev.ll_addr, mac, 6);
	dev.ll_addr_len = 6;
	dev.driver = "fuzz";
	dev.ops = &fuzz_ops;
	dev.link_up = true;
	struct netdev *vlan = NULL;
	struct udp_socket sock = {.rx = udp_drop};
	list_init(&sock.link);
	struct stream *stream = NULL;
	if (netdev_register(&net, &dev) == 0) {
		settings_store_text(&settings, "net0/ip:ipv4", "10.0.0.2");
		settings_store_text(&settings, "net0/netmask:ipv4", "255.255.255.0");
		settings_store_text(&settings, "net0/gateway:ipv4", "10.0.0.1");
		netdev_open(&dev);
		vlan_create(&net, &dev, 100, 0, &vlan);
		if (vlan)
			netdev_open(vlan);
		udp_bind(&net, &sock, 68);
		tcp_connect(&net, 0x0a000001, 80, &stream);

		size_t pos = 0;
		while (pos + 3 <= size) {
			size_t len = (size_t)data[pos] << 8 | data[pos + 1];
			uint8_t advance_ms = data[pos + 2];
			pos += 3;
			if (len > size - pos)
				len = size - pos;
			struct iobuf *iob = iobuf_alloc(64 + len);
			if (!iob)
				break;
			iobuf_reserve(iob, 64);
			memcpy(iobuf_put(iob, len), data + pos, len);
			pos += len;
			netdev_rx(&dev, iob);
			fake_now += (uint64_t)advance_ms * 1000000ULL * 16; /* up to 4 s per frame */
			loop_step(&loop);
			if (stream) {
				size_t n;
				if (stream_peek(stream, &n))
					stream_consume(stream, n);
				if (stream_state(stream) == STREAM_OPEN)
					stream_write(stream, "GET / HTTP/1.0\r\n\r\n", 18);
			}
		}
		if (stream)
			stream_abort(stream);
		udp_unbind(&sock);
		if (vlan)
			vlan_destroy(vlan);
		netdev_unregister(&dev);
	}
	net_fini(&net);
	rng_destroy(rng);
	settings_fini(&settings);
	malloc_get_stats(&after);
	if (after.live_blocks != before.live_blocks) {
		fprintf(stderr, "leak: %zu blocks\n", after.live_blocks - before.live_blocks);
		abort();
	}
	return 0;
}
