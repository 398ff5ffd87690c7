/*
 * net_fixture.h - a network stack on fake interfaces for the net_ and tcp_ unit tests.
 *
 * The fixture owns a manual-clock platform, console, log, loop, settings, RNG and a struct net
 * with up to NF_MAX_DEVS fake Ethernet interfaces. A fake interface's transmit keeps every
 * frame it is handed in a FIFO, so a test can pop what the stack sent and check it byte by
 * byte with the small parsers below (they check nothing themselves: the tests do).
 * Frames from the "wire" are built by the builders and handed to netdev_rx().
 *
 * nf_fini() frees everything the fixture made (captured frames included), so the runner's
 * leak check sees only what the code under test leaked. Streams, sockets and VLAN devices a
 * test creates are the test's to release before nf_fini().
 */
#ifndef WIREBOOT_NET_FIXTURE_H
#define WIREBOOT_NET_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test_platform.h"
#include "wireboot/console.h"
#include "wireboot/iobuf.h"
#include "wireboot/list.h"
#include "wireboot/log.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/process.h"
#include "wireboot/settings.h"

#define NF_MAX_DEVS 2
#define NF_IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* net0: 02:00:00:00:00:02, 10.0.0.2/24, gateway 10.0.0.1 (when nf_configure() is used) */
#define NF_OUR_IP NF_IP(10, 0, 0, 2)
#define NF_PEER_IP NF_IP(10, 0, 0, 1)
extern const uint8_t nf_our_mac[6], nf_peer_mac[6];

struct nf_dev {
	struct netdev dev;
	struct list_node frames; /* captured transmitted frames (iobufs), oldest first */
	unsigned nframes;
	int transmit_rc;         /* returned by transmit (the frame is still captured) */
};

struct net_fixture {
	struct test_platform tp;
	struct console con;
	struct log log;
	struct loop loop;
	struct settings settings;
	struct rng *rng;
	struct net net;
	struct nf_dev devs[NF_MAX_DEVS];
	unsigned ndevs;
	bool inited;
};

/** nf_init() - platform, loop, settings, rng, net and @ndevs open interfaces (MAC last byte
 *  2, 3, ...). No addresses are configured. 0 or rc. */
int nf_init(struct net_fixture *f, unsigned ndevs);
/** nf_fini() - unregister the interfaces, net_fini, free captures, rng, settings. */
void nf_fini(struct net_fixture *f);

/** nf_set() - settings_store_text() that fails the test when it fails. */
void nf_set(struct net_fixture *f, const char *name, const char *text);
void nf_clear(struct net_fixture *f, const char *name);
/** nf_configure() - net0/ip 10.0.0.2, netmask 255.255.255.0, gateway 10.0.0.1. */
void nf_configure(struct net_fixture *f);

/** nf_step() - one loop step; nf_advance() - clock forward @ns then one step. */
void nf_step(struct net_fixture *f);
void nf_advance(struct net_fixture *f, uint64_t ns);
/** nf_run_for() - advance @total_ns in steps of @step_ns, stepping the loop after each. */
void nf_run_for(struct net_fixture *f, uint64_t total_ns, uint64_t step_ns);

/** nf_rx() - deliver a copy of @len bytes as a received frame on @dev (no headroom). */
void nf_rx(struct net_fixture *f, struct netdev *dev, const uint8_t *frame, size_t len);
/** nf_pop() - the oldest captured frame of interface @i (caller frees), or NULL. */
struct iobuf *nf_pop(struct net_fixture *f, unsigned i);
/** nf_count() - frames captured on interface @i and not yet popped. */
unsigned nf_count(struct net_fixture *f, unsigned i);
/** nf_drain() - free every captured frame of every interface; returns how many. */
unsigned nf_drain(struct net_fixture *f);

/** nf_arp_seed() - teach the stack @ip is at @mac (an ARP reply to us on interface @i). */
void nf_arp_seed(struct net_fixture *f, unsigned i, uint32_t ip, const uint8_t mac[6]);

/* ---- frame builders: each returns the bytes written ---- */
size_t nf_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
size_t nf_arp(uint8_t *p, uint16_t op, const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/** nf_ipv4() - a 20-byte header (checksum filled) for @payload_len bytes; @frag is the flags +
 *  offset field. */
size_t nf_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t ident, uint16_t frag,
	       size_t payload_len);
/** nf_l4_checksum() - TCP/UDP checksum (inverted, ready to store) over pseudo header + @seg. */
uint16_t nf_l4_checksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *seg, size_t len);
/** nf_inet_sum() - RFC 1071 sum of @len bytes, folded (0xffff for a valid checksummed block). */
uint16_t nf_inet_sum(const uint8_t *p, size_t len);

/* ---- parsers of captured frames ---- */
struct nf_frame {
	const uint8_t *dst, *src;
	uint16_t type;            /* after the VLAN tag, if any */
	bool tagged;
	uint16_t tci;
	const uint8_t *l3;        /* after the Ethernet (+ tag) header */
	size_t l3_len;
	/* IPv4 (valid when type == ETH_P_IPV4 and l3_len >= 20) */
	bool ip_ok;               /* version 4, IHL 5, checksum valid, total length fits */
	uint8_t ttl, proto;
	uint16_t ip_total, ident, frag;
	uint32_t ip_src, ip_dst;
	const uint8_t *l4;
	size_t l4_len;            /* from the IPv4 total length */
};
bool nf_parse(const struct iobuf *iob, struct nf_frame *out);

#endif
