/*
 * net_stack_test.c - packet-vector tests of the stack below TCP: Ethernet and 802.1Q, ARP,
 * IPv4 (validation, sending, routing, reassembly), ICMP echo and UDP, on the fake interfaces
 * of net_fixture.h. Every frame the stack sends is parsed here and checked field by field or
 * byte for byte; every frame it receives is built here.
 */
#include "net_fixture.h"
#include "test.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/stream.h"
#include "wireboot/tcp.h"
#include "wireboot/udp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS (1000000ULL)
#define SEC (1000000000ULL)

static const uint8_t other_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
static const uint8_t zero_mac[6];
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mcast_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t sibling_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x03};

/* ---------------------------------------------------------------- a recording UDP socket */

struct rec_sock {
	struct udp_socket sock;
	unsigned count;
	struct udp_meta meta;
	size_t len;
	uint8_t data[65536];
};

static struct rec_sock rsock;

static void rec_rx(struct udp_socket *s, struct iobuf *iob, const struct udp_meta *m)
{
	struct rec_sock *r = container_of(s, struct rec_sock, sock);
	r->count++;
	r->meta = *m;
	r->len = iobuf_len(iob);
	memcpy(r->data, iob->data, r->len < sizeof(r->data) ? r->len : sizeof(r->data));
	iobuf_free(iob);
}

static int rec_bind(struct net_fixture *f, struct rec_sock *r, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	list_init(&r->sock.link);
	r->sock.rx = rec_rx;
	return udp_bind(&f->net, &r->sock, port);
}

/* ---------------------------------------------------------------- frame builders */

/* UDP datagram (header + payload) with a correct checksum (or 0 when !csum) into @p. */
static size_t build_udp(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const void *payload,
			size_t len, bool csum)
{
	put_be16(p, sport);
	put_be16(p + 2, dport);
	put_be16(p + 4, (uint16_t)(8 + len));
	put_be16(p + 6, 0);
	if (len)
		memcpy(p + 8, payload, len);
	if (csum) {
		uint16_t c = nf_l4_checksum(src, dst, IP_PROTO_UDP, p, 8 + len);
		put_be16(p + 6, c ? c : 0xffff);
	}
	return 8 + len;
}

/* Ethernet + IPv4 frame carrying @l4 (@l4_len bytes) to our MAC. */
static size_t build_ip_frame(uint8_t *p, const uint8_t *dst_mac, uint32_t src, uint32_t dst, uint8_t proto,
			     uint16_t ident, uint16_t frag, const uint8_t *l4, size_t l4_len)
{
	size_t n = nf_eth(p, dst_mac, nf_peer_mac, ETH_P_IPV4);
	n += nf_ipv4(p + n, src, dst, proto, ident, frag, l4_len);
	memcpy(p + n, l4, l4_len);
	return n + l4_len;
}

static void rx_udp(struct net_fixture *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const void *payload,
		   size_t len)
{
	static uint8_t udp[70000], frame[70000];
	size_t ul = build_udp(udp, src, dst, sport, dport, payload, len, true);
	size_t n = build_ip_frame(frame, f->devs[0].dev.ll_addr, src, dst, IP_PROTO_UDP, 1, 0, udp, ul);
	nf_rx(f, &f->devs[0].dev, frame, n);
}

static uint8_t icmp_echo(uint8_t *p, uint8_t type, uint16_t id, uint16_t seq, size_t len)
{
	p[0] = type;
	p[1] = 0;
	put_be16(p + 2, 0);
	put_be16(p + 4, id);
	put_be16(p + 6, seq);
	for (size_t i = 0; i < len; i++)
		p[8 + i] = (uint8_t)(0xa0 + i);
	put_be16(p + 2, (uint16_t)~nf_inet_sum(p, 8 + len));
	return 0;
}

/* Sends a small UDP datagram from a fresh socket; returns udp_send()'s rc. */
static int send_udp(struct net_fixture *f, struct netdev *dev, uint32_t dst, uint16_t dport, const char *text)
{
	struct udp_socket s = {.rx = NULL};
	list_init(&s.link);
	s.net = &f->net;
	s.local_port = 4000;
	size_t len = strlen(text);
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + len);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, UDP_HEADROOM);
	memcpy(iobuf_put(iob, len), text, len);
	return udp_send(&s, dev, 0, dst, dport, iob);
}

/* Pops the next frame of interface @i, parses it; NULL (and a failure) if there is none. */
static struct iobuf *pop_parsed(struct net_fixture *f, unsigned i, struct nf_frame *fr, int line)
{
	struct iobuf *iob = nf_pop(f, i);
	if (!iob) {
		test_fail(__FILE__, line, "no frame sent on interface %u", i);
		return NULL;
	}
	if (!nf_parse(iob, fr)) {
		test_fail(__FILE__, line, "unparsable frame");
		iobuf_free(iob);
		return NULL;
	}
	return iob;
}
#define POP(f, i, fr) pop_parsed((f), (i), (fr), __LINE__)

/* Expected ARP frame (60 bytes with padding), untagged. */
static size_t expected_arp(uint8_t *p, const uint8_t *eth_dst, const uint8_t *our, uint16_t op, uint32_t our_ip,
			   const uint8_t *tha, uint32_t tpa)
{
	memset(p, 0, 60);
	size_t n = nf_eth(p, eth_dst, our, ETH_P_ARP);
	nf_arp(p + n, op, our, our_ip, tha, tpa);
	return 60;
}

/* ================================================================ Ethernet */

TEST(net_eth_frames_for_other_macs_dropped)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	const struct {
		const uint8_t *dst;
		bool delivered;
	} cases[] = {
		{nf_our_mac, true},
		{other_mac, false},
		{bcast_mac, true},
		{mcast_mac, true}, /* a group address */
		{sibling_mac, false},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t udp[64], frame[128];
		size_t ul = build_udp(udp, NF_PEER_IP, NF_OUR_IP, 5000, 7000, "hi", 2, true);
		size_t n = build_ip_frame(frame, cases[i].dst, NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, 1, 0, udp, ul);
		unsigned before = rsock.count;
		uint64_t dropped = f.devs[0].dev.stats.rx_dropped;
		nf_rx(&f, &f.devs[0].dev, frame, n);
		if ((rsock.count == before + 1) != cases[i].delivered)
			test_fail(__FILE__, __LINE__, "case %zu: delivered %u", i, rsock.count - before);
		CHECK_INT(f.devs[0].dev.stats.rx_dropped, dropped + !cases[i].delivered);
	}
	CHECK_INT(f.devs[0].dev.stats.rx_frames, COUNT(cases));
	CHECK_INT(nf_count(&f, 0), 0);
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

TEST(net_eth_runts_and_unknown_types)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	uint8_t frame[64];
	memset(frame, 0, sizeof(frame));
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_8021Q);
	/* shorter than an Ethernet header, and a tag header cut short */
	static const size_t runts[] = {0, 1, 6, 13, 14 + 3};
	for (size_t i = 0; i < COUNT(runts); i++)
		nf_rx(&f, &f.devs[0].dev, frame, runts[i]);
	CHECK_INT(f.devs[0].dev.stats.rx_errors, COUNT(runts));
	/* unknown ethertypes (IPv6, raw 802.3 length) are dropped */
	nf_eth(frame, nf_our_mac, nf_peer_mac, 0x86dd);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	nf_eth(frame, nf_our_mac, nf_peer_mac, 0x002e);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	CHECK_INT(f.devs[0].dev.stats.rx_dropped, 2);
	/* a bare header: ARP and IPv4 see zero bytes */
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_ARP);
	nf_rx(&f, &f.devs[0].dev, frame, 14);
	CHECK_INT(f.devs[0].dev.stats.rx_dropped, 3);
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_IPV4);
	nf_rx(&f, &f.devs[0].dev, frame, 14);
	CHECK_INT(f.net.ipv4.rx_bad, 1);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

/* A tagged or untagged ARP request for @tpa; returns the frame length. */
static size_t arp_request_frame(uint8_t *p, int tag, uint16_t prio, uint32_t spa, uint32_t tpa)
{
	memset(p, 0, 64);
	size_t n = nf_eth(p, bcast_mac, nf_peer_mac, tag >= 0 ? ETH_P_8021Q : ETH_P_ARP);
	if (tag >= 0) {
		put_be16(p + n, (uint16_t)(prio << 13 | tag));
		put_be16(p + n + 2, ETH_P_ARP);
		n += 4;
	}
	nf_arp(p + n, 1, nf_peer_mac, spa, zero_mac, tpa);
	return 64;
}

TEST(net_vlan_demux_and_tagging)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	struct netdev *parent = &f.devs[0].dev;
	struct netdev *vlan = NULL;
	CHECK_INT(vlan_create(&f.net, parent, 0, 0, &vlan), -WBE_RANGE);
	CHECK_INT(vlan_create(&f.net, parent, 4095, 0, &vlan), -WBE_RANGE);
	CHECK_INT(vlan_create(&f.net, parent, 100, 8, &vlan), -WBE_RANGE);
	REQUIRE(vlan_create(&f.net, parent, 100, 5, &vlan) == 0);
	struct netdev *dup = NULL;
	CHECK_INT(vlan_create(&f.net, parent, 100, 0, &dup), -WBE_EXIST);
	CHECK_INT(vlan_create(&f.net, vlan, 7, 0, &dup), -WBE_RANGE); /* no stacked tags */
	CHECK_INT(vlan_destroy(parent), -WBE_INVAL);
	CHECK_STR(vlan->name, "net0-100");
	CHECK(netdev_find(&f.net, "net0-100") == vlan);
	CHECK_MEM(vlan->ll_addr, parent->ll_addr, 6);
	CHECK_INT(vlan->mtu, 1500); /* the tag rides in ETH_FRAME_MAX, not in the MTU */
	CHECK_INT(vlan->rx_buffer_frames, parent->rx_buffer_frames);
	nf_set(&f, "net0-100/ip:ipv4", "10.1.0.2");
	nf_set(&f, "net0-100/netmask:ipv4", "255.255.255.0");

	uint8_t frame[64], expect[64];
	/* closed VLAN device: tagged frames are not delivered */
	uint64_t dropped = parent->stats.rx_dropped;
	nf_rx(&f, parent, frame, arp_request_frame(frame, 100, 0, NF_IP(10, 1, 0, 1), NF_IP(10, 1, 0, 2)));
	CHECK_INT(parent->stats.rx_dropped, dropped + 1);
	CHECK_INT(nf_count(&f, 0), 0);
	REQUIRE(netdev_open(vlan) == 0);

	/* tagged for VLAN 100: answered on the VLAN, tagged with VID 100 and priority 5 */
	nf_rx(&f, parent, frame, arp_request_frame(frame, 100, 3, NF_IP(10, 1, 0, 1), NF_IP(10, 1, 0, 2)));
	CHECK_INT(vlan->stats.rx_frames, 1);
	CHECK_INT(nf_count(&f, 0), 1);
	struct iobuf *iob = nf_pop(&f, 0);
	REQUIRE(iob);
	CHECK_INT(iobuf_len(iob), 64);
	memset(expect, 0, sizeof(expect));
	nf_eth(expect, nf_peer_mac, nf_our_mac, ETH_P_8021Q);
	put_be16(expect + 14, 5 << 13 | 100);
	put_be16(expect + 16, ETH_P_ARP);
	nf_arp(expect + 18, 2, nf_our_mac, NF_IP(10, 1, 0, 2), nf_peer_mac, NF_IP(10, 1, 0, 1));
	CHECK_MEM(iob->data, expect, 64);
	iobuf_free(iob);
	CHECK_INT(parent->stats.tx_frames, 1);

	/* the parent's address is not the VLAN's: a tagged request for it is not answered */
	nf_rx(&f, parent, frame, arp_request_frame(frame, 100, 0, NF_IP(10, 0, 0, 1), NF_OUR_IP));
	CHECK_INT(nf_count(&f, 0), 0);

	/* untagged: reaches the parent, answered untagged */
	nf_rx(&f, parent, frame, arp_request_frame(frame, -1, 0, NF_PEER_IP, NF_OUR_IP));
	iob = nf_pop(&f, 0);
	REQUIRE(iob);
	CHECK_INT(iobuf_len(iob), 60);
	expected_arp(expect, nf_peer_mac, nf_our_mac, 2, NF_OUR_IP, nf_peer_mac, NF_PEER_IP);
	CHECK_MEM(iob->data, expect, 60);
	iobuf_free(iob);

	/* priority-tagged (VID 0, 802.1Q §9.6): belongs to the untagged network */
	nf_rx(&f, parent, frame, arp_request_frame(frame, 0, 6, NF_PEER_IP, NF_OUR_IP));
	iob = nf_pop(&f, 0);
	CHECK(iob != NULL);
	if (iob) {
		CHECK_MEM(iob->data, expect, 60);
		iobuf_free(iob);
	}

	/* an unknown VLAN is dropped */
	dropped = parent->stats.rx_dropped;
	nf_rx(&f, parent, frame, arp_request_frame(frame, 200, 0, NF_IP(10, 1, 0, 1), NF_IP(10, 1, 0, 2)));
	CHECK_INT(parent->stats.rx_dropped, dropped + 1);
	CHECK_INT(nf_count(&f, 0), 0);

	/* sending on the VLAN: an IPv4 datagram of exactly the MTU goes out as a 1518-byte
	 * tagged frame; one byte more is refused */
	struct udp_socket s = {.rx = NULL};
	list_init(&s.link);
	s.net = &f.net;
	s.local_port = 9;
	struct iobuf *big = iobuf_alloc(UDP_HEADROOM + 1472);
	REQUIRE(big);
	iobuf_reserve(big, UDP_HEADROOM);
	memset(iobuf_put(big, 1472), 0x5a, 1472);
	nf_arp_seed(&f, 0, NF_IP(10, 1, 0, 9), nf_peer_mac); /* learned on net0: not the VLAN's */
	CHECK_INT(udp_send(&s, NULL, 0, NF_IP(10, 1, 0, 9), 9, big), 0);
	/* the VLAN has no cache entry yet: an ARP request goes out tagged */
	struct nf_frame fr;
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK(fr.tagged);
	CHECK_INT(fr.tci, 5 << 13 | 100);
	CHECK_INT(fr.type, ETH_P_ARP);
	CHECK_MEM(fr.dst, bcast_mac, 6);
	CHECK_INT(get_be16(fr.l3 + 6), 1);
	CHECK_INT(get_be32(fr.l3 + 24), NF_IP(10, 1, 0, 9));
	CHECK_INT(get_be32(fr.l3 + 14), NF_IP(10, 1, 0, 2));
	iobuf_free(iob);
	/* the tagged reply releases the datagram */
	memset(frame, 0, sizeof(frame));
	nf_eth(frame, nf_our_mac, nf_peer_mac, ETH_P_8021Q);
	put_be16(frame + 14, 100);
	put_be16(frame + 16, ETH_P_ARP);
	nf_arp(frame + 18, 2, nf_peer_mac, NF_IP(10, 1, 0, 9), nf_our_mac, NF_IP(10, 1, 0, 2));
	nf_rx(&f, parent, frame, 64);
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(iobuf_len(iob), 1518);
	CHECK(fr.tagged);
	CHECK_INT(fr.tci, 5 << 13 | 100);
	CHECK_INT(get_be16(iob->data + 12), ETH_P_8021Q);
	CHECK_INT(fr.type, ETH_P_IPV4);
	CHECK(fr.ip_ok);
	CHECK_INT(fr.ip_total, 1500);
	CHECK_INT(fr.ip_src, NF_IP(10, 1, 0, 2));
	CHECK_MEM(fr.dst, nf_peer_mac, 6);
	iobuf_free(iob);
	big = iobuf_alloc(UDP_HEADROOM + 1473);
	REQUIRE(big);
	iobuf_reserve(big, UDP_HEADROOM);
	memset(iobuf_put(big, 1473), 0x5a, 1473);
	CHECK_INT(udp_send(&s, NULL, 0, NF_IP(10, 1, 0, 9), 9, big), -WBE_NET_TOO_BIG);
	CHECK_INT(nf_count(&f, 0), 0);

	/* closing the parent closes the VLAN device */
	netdev_close(parent);
	CHECK(!vlan->is_open);
	CHECK_INT(vlan_destroy(vlan), 0);
	CHECK(netdev_find(&f.net, "net0-100") == NULL);
	nf_fini(&f);
}

TEST(net_vlan_mtu_follows_parent)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	/* a parent with a smaller MTU (registered before the fixture opened it) */
	netdev_unregister(&f.devs[0].dev);
	f.devs[0].dev.mtu = 1400;
	f.devs[0].dev.rx_buffer_frames = 8;
	f.devs[0].dev.rx_window_max_frames = 6;
	REQUIRE(netdev_register(&f.net, &f.devs[0].dev) == 0);
	struct netdev *vlan = NULL;
	REQUIRE(vlan_create(&f.net, &f.devs[0].dev, 4094, 7, &vlan) == 0);
	CHECK_STR(vlan->name, "net0-4094");
	CHECK_INT(vlan->mtu, 1400);
	CHECK_INT(vlan->rx_buffer_frames, 8);
	CHECK_INT(vlan->rx_window_max_frames, 6); /* U-Boot's ring must not overflow on a VLAN either */
	/* opening the VLAN device opens its parent */
	netdev_close(&f.devs[0].dev);
	REQUIRE(netdev_open(vlan) == 0);
	CHECK(f.devs[0].dev.is_open);
	vlan_destroy_all_on(&f.net, &f.devs[0].dev);
	CHECK(netdev_find(&f.net, "net0-4094") == NULL);
	/* a firmware NIC carries no frame longer than an untagged one: the tag costs payload */
	f.devs[0].dev.vlan_tag_in_mtu = true;
	REQUIRE(vlan_create(&f.net, &f.devs[0].dev, 100, 0, &vlan) == 0);
	CHECK_INT(vlan->mtu, 1396);
	vlan_destroy_all_on(&f.net, &f.devs[0].dev);
	nf_fini(&f);
}

/* ================================================================ ARP */

TEST(net_arp_request_for_us_is_answered)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	uint8_t frame[64], expect[64];
	/* no address yet: nothing to answer */
	nf_rx(&f, &f.devs[0].dev, frame, arp_request_frame(frame, -1, 0, NF_PEER_IP, NF_OUR_IP));
	CHECK_INT(nf_count(&f, 0), 0);
	nf_configure(&f);
	nf_rx(&f, &f.devs[0].dev, frame, arp_request_frame(frame, -1, 0, NF_PEER_IP, NF_OUR_IP));
	REQUIRE(nf_count(&f, 0) == 1);
	struct iobuf *iob = nf_pop(&f, 0);
	CHECK_INT(iobuf_len(iob), 60);
	expected_arp(expect, nf_peer_mac, nf_our_mac, 2, NF_OUR_IP, nf_peer_mac, NF_PEER_IP);
	CHECK_MEM(iob->data, expect, 60);
	iobuf_free(iob);
	/* the requester was learned: a datagram to it goes straight out */
	CHECK_INT(send_udp(&f, NULL, NF_PEER_IP, 53, "x"), 0);
	struct nf_frame fr;
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_IPV4);
	CHECK_MEM(fr.dst, nf_peer_mac, 6);
	CHECK_MEM(fr.src, nf_our_mac, 6);
	iobuf_free(iob);
	nf_fini(&f);
}

TEST(net_arp_request_for_others_ignored)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	uint8_t frame[64];
	static const uint32_t targets[] = {NF_IP(10, 0, 0, 3), NF_IP(10, 0, 0, 255), 0, NF_PEER_IP};
	for (size_t i = 0; i < COUNT(targets); i++)
		nf_rx(&f, &f.devs[0].dev, frame, arp_request_frame(frame, -1, 0, NF_PEER_IP, targets[i]));
	CHECK_INT(nf_count(&f, 0), 0);
	/* and not learned from (only an existing entry would be updated): a send must ask */
	CHECK_INT(send_udp(&f, NULL, NF_PEER_IP, 53, "x"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_ARP);
	iobuf_free(iob);
	/* a malformed ARP packet (hardware length 8) is dropped */
	arp_request_frame(frame, -1, 0, NF_PEER_IP, NF_OUR_IP);
	frame[14 + 4] = 8;
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	/* a short one too */
	arp_request_frame(frame, -1, 0, NF_PEER_IP, NF_OUR_IP);
	nf_rx(&f, &f.devs[0].dev, frame, 14 + 27);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

TEST(net_arp_resolution_releases_queued_packets)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	const uint32_t target = NF_IP(10, 0, 0, 5);
	CHECK_INT(send_udp(&f, NULL, target, 1000, "first"), 0);
	CHECK_INT(send_udp(&f, NULL, target, 1000, "second"), 0);
	/* one request (the second packet waits for the same resolution) */
	REQUIRE(nf_count(&f, 0) == 1);
	struct iobuf *iob = nf_pop(&f, 0);
	uint8_t expect[64];
	expected_arp(expect, bcast_mac, nf_our_mac, 1, NF_OUR_IP, zero_mac, target);
	CHECK_INT(iobuf_len(iob), 60);
	CHECK_MEM(iob->data, expect, 60);
	iobuf_free(iob);
	/* a reply from elsewhere (not an answer for the target) changes nothing */
	uint8_t frame[64] = {0};
	size_t n = nf_eth(frame, nf_our_mac, other_mac, ETH_P_ARP);
	nf_arp(frame + n, 2, other_mac, NF_IP(10, 0, 0, 6), nf_our_mac, NF_IP(10, 0, 0, 9));
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	CHECK_INT(nf_count(&f, 0), 0);
	/* the target's reply releases both, in order, to its MAC */
	n = nf_eth(frame, nf_our_mac, other_mac, ETH_P_ARP);
	nf_arp(frame + n, 2, other_mac, target, nf_our_mac, NF_OUR_IP);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	REQUIRE(nf_count(&f, 0) == 2);
	static const char *const texts[] = {"first", "second"};
	for (int i = 0; i < 2; i++) {
		struct nf_frame fr;
		iob = POP(&f, 0, &fr);
		REQUIRE(iob);
		CHECK_MEM(fr.dst, other_mac, 6);
		CHECK_MEM(fr.src, nf_our_mac, 6);
		CHECK_INT(fr.type, ETH_P_IPV4);
		CHECK(fr.ip_ok);
		CHECK_INT(fr.ip_dst, target);
		CHECK_INT(fr.l4_len, 8 + strlen(texts[i]));
		CHECK_MEM(fr.l4 + 8, texts[i], strlen(texts[i]));
		iobuf_free(iob);
	}
	/* no more requests once resolved */
	nf_run_for(&f, 3 * SEC, 100 * MS);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

TEST(net_arp_retries_then_drops_queued)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	const uint32_t target = NF_IP(10, 0, 0, 7);
	uint64_t t0 = f.tp.now_ns;
	CHECK_INT(send_udp(&f, NULL, target, 1000, "lost"), 0);
	CHECK_INT(send_udp(&f, NULL, target, 1000, "lost too"), 0);
	uint64_t times[16];
	unsigned requests = 0;
	for (int step = 0; step <= 80; step++) { /* 4 s in 50 ms steps */
		struct iobuf *iob;
		while ((iob = nf_pop(&f, 0)) != NULL) {
			uint8_t expect[64];
			expected_arp(expect, bcast_mac, nf_our_mac, 1, NF_OUR_IP, zero_mac, target);
			CHECK_MEM(iob->data, expect, 60);
			if (requests < COUNT(times))
				times[requests] = f.tp.now_ns - t0;
			requests++;
			iobuf_free(iob);
		}
		nf_advance(&f, 50 * MS);
	}
	CHECK_INT(requests, 6);
	for (unsigned i = 0; i < requests && i < 6; i++)
		CHECK_INT(times[i], i * 500 * MS);
	CHECK_INT(nf_count(&f, 0), 0);
	/* the queued packets are gone (the leak check proves they were freed); a late reply
	 * sends nothing */
	uint8_t frame[64] = {0};
	size_t n = nf_eth(frame, nf_our_mac, other_mac, ETH_P_ARP);
	nf_arp(frame + n, 2, other_mac, target, nf_our_mac, NF_OUR_IP);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	CHECK_INT(nf_count(&f, 0), 0);
	/* now resolved: a new packet goes straight out */
	CHECK_INT(send_udp(&f, NULL, target, 1000, "later"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_IPV4);
	CHECK_MEM(fr.dst, other_mac, 6);
	iobuf_free(iob);

	/* another unanswered address: a packet after the give-up starts a new round */
	const uint32_t t2 = NF_IP(10, 0, 0, 8);
	CHECK_INT(send_udp(&f, NULL, t2, 1000, "a"), 0);
	nf_run_for(&f, 4 * SEC, 100 * MS);
	CHECK_INT(nf_drain(&f), 6);
	CHECK_INT(send_udp(&f, NULL, t2, 1000, "b"), 0);
	CHECK_INT(nf_drain(&f), 1);
	nf_fini(&f); /* frees the packet still waiting */
}

TEST(net_arp_pending_queue_bounded)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	const uint32_t target = NF_IP(10, 0, 0, 9);
	int accepted = 0;
	for (int i = 0; i < 12; i++) {
		char text[8];
		snprintf(text, sizeof(text), "p%d", i);
		int rc = send_udp(&f, NULL, target, 1000, text);
		if (rc == 0)
			accepted++;
		else
			CHECK_INT(rc, -WBE_NET_NO_ARP_REPLY);
	}
	CHECK_INT(accepted, 8);
	CHECK_INT(nf_drain(&f), 1); /* one request */
	uint8_t frame[64] = {0};
	size_t n = nf_eth(frame, nf_our_mac, other_mac, ETH_P_ARP);
	nf_arp(frame + n, 2, other_mac, target, nf_our_mac, NF_OUR_IP);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	REQUIRE(nf_count(&f, 0) == 8);
	for (int i = 0; i < 8; i++) {
		struct nf_frame fr;
		struct iobuf *iob = POP(&f, 0, &fr);
		REQUIRE(iob);
		char text[8];
		snprintf(text, sizeof(text), "p%d", i);
		CHECK_MEM(fr.l4 + 8, text, strlen(text));
		iobuf_free(iob);
	}
	nf_fini(&f);
}

TEST(net_arp_entry_expires_after_300s)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	nf_advance(&f, 299 * SEC);
	CHECK_INT(send_udp(&f, NULL, NF_PEER_IP, 53, "fresh"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_IPV4);
	iobuf_free(iob);
	nf_advance(&f, 1 * SEC);
	/* expired: the packet waits while the address is asked for again */
	CHECK_INT(send_udp(&f, NULL, NF_PEER_IP, 53, "stale"), 0);
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_ARP);
	CHECK_INT(get_be16(fr.l3 + 6), 1);
	CHECK_INT(get_be32(fr.l3 + 24), NF_PEER_IP);
	iobuf_free(iob);
	CHECK_INT(nf_count(&f, 0), 0);
	/* the address moved: the new MAC is used */
	uint8_t frame[64] = {0};
	size_t n = nf_eth(frame, nf_our_mac, other_mac, ETH_P_ARP);
	nf_arp(frame + n, 2, other_mac, NF_PEER_IP, nf_our_mac, NF_OUR_IP);
	nf_rx(&f, &f.devs[0].dev, frame, 60);
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.type, ETH_P_IPV4);
	CHECK_MEM(fr.dst, other_mac, 6);
	CHECK_MEM(fr.l4 + 8, "stale", 5);
	iobuf_free(iob);
	nf_fini(&f);
}

TEST(net_arp_cache_full_of_failed_entries_recovers)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	/* ARP_CACHE_SIZE addresses that never answer */
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		CHECK_INT(send_udp(&f, NULL, NF_IP(10, 0, 0, 100 + i), 1000, "x"), 0);
	nf_run_for(&f, 4 * SEC, 250 * MS);
	nf_drain(&f);
	/* every entry gave up: a new neighbour must still be resolvable */
	CHECK_INT(send_udp(&f, NULL, NF_IP(10, 0, 0, 200), 1000, "y"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	if (iob) {
		CHECK_INT(fr.type, ETH_P_ARP);
		CHECK_INT(get_be32(fr.l3 + 24), NF_IP(10, 0, 0, 200));
		iobuf_free(iob);
	}
	nf_fini(&f);
}

/* ================================================================ IPv4 */

TEST(net_ipv4_header_validation)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	enum { GOOD, VERSION6, IHL4, IHL15, TOTAL_SHORT, TOTAL_LONG, BAD_SUM, NOT_OURS, OPTIONS, PADDED, TRUNC };
	static const struct {
		int mutation;
		bool delivered;
		int bad, not_ours;
	} cases[] = {
		{GOOD, true, 0, 0},     {VERSION6, false, 1, 0}, {IHL4, false, 1, 0},    {IHL15, false, 1, 0},
		{TOTAL_SHORT, false, 1, 0}, {TOTAL_LONG, false, 1, 0}, {BAD_SUM, false, 1, 0}, {NOT_OURS, false, 0, 1},
		{OPTIONS, true, 0, 0},  {PADDED, true, 0, 0},    {TRUNC, false, 1, 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t udp[64], frame[128];
		size_t ul = build_udp(udp, NF_PEER_IP, NF_OUR_IP, 5000, 7000, "data", 4, true);
		size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, 1, 0, udp, ul);
		uint8_t *h = frame + 14;
		switch (cases[i].mutation) {
		case VERSION6: h[0] = 0x65; break;
		case IHL4: h[0] = 0x44; break;
		case IHL15: h[0] = 0x4f; break;
		case TOTAL_SHORT: put_be16(h + 2, 19); break;
		case TOTAL_LONG: put_be16(h + 2, (uint16_t)(20 + ul + 1)); break;
		case BAD_SUM: h[8] = 63; break; /* TTL changed after the checksum */
		case NOT_OURS: put_be32(h + 16, NF_IP(10, 0, 0, 3)); break;
		case OPTIONS: /* IHL 6 with a 4-byte option (NOPs) */
			memmove(h + 24, h + 20, ul);
			memset(h + 20, 1, 4);
			h[0] = 0x46;
			put_be16(h + 2, (uint16_t)(24 + ul));
			n += 4;
			break;
		case PADDED: memset(frame + n, 0xee, 64 - n); n = 64; break;
		case TRUNC: n = 14 + 19; break;
		}
		if (cases[i].mutation != BAD_SUM && cases[i].mutation != TRUNC && cases[i].mutation != PADDED) {
			put_be16(h + 10, 0);
			put_be16(h + 10, (uint16_t)~nf_inet_sum(h, (size_t)(h[0] & 15) * 4 <= n - 14 ? (size_t)(h[0] & 15) * 4 : 20));
		}
		unsigned before = rsock.count;
		uint64_t bad = f.net.ipv4.rx_bad, not_ours = f.net.ipv4.rx_not_ours;
		nf_rx(&f, &f.devs[0].dev, frame, n);
		if ((rsock.count == before + 1) != cases[i].delivered)
			test_fail(__FILE__, __LINE__, "case %zu: delivered %u", i, rsock.count - before);
		if (cases[i].delivered) {
			CHECK_INT(rsock.len, 4);
			CHECK_MEM(rsock.data, "data", 4);
		}
		CHECK_INT(f.net.ipv4.rx_bad - bad, cases[i].bad);
		CHECK_INT(f.net.ipv4.rx_not_ours - not_ours, cases[i].not_ours);
	}
	/* an interface without an address accepts whatever reaches its MAC (DHCP offers) */
	nf_clear(&f, "net0/ip");
	rx_udp(&f, NF_PEER_IP, NF_IP(10, 0, 0, 77), 5000, 7000, "offer", 5);
	CHECK_INT(rsock.meta.dst, NF_IP(10, 0, 0, 77));
	CHECK_INT(rsock.len, 5);
	udp_unbind(&rsock.sock);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

TEST(net_ipv4_sent_header_fields)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	static const struct {
		uint32_t dst;
		const uint8_t *mac;
		uint16_t flags;
	} cases[] = {
		{NF_PEER_IP, nf_peer_mac, 0x4000},            /* unicast: DF */
		{NF_IP(10, 0, 0, 255), bcast_mac, 0},         /* subnet broadcast */
		{NF_IP(8, 8, 8, 8), nf_peer_mac, 0x4000},     /* via the gateway 10.0.0.1 */
	};
	uint16_t ident = 0;
	for (size_t i = 0; i < COUNT(cases); i++) {
		CHECK_INT(send_udp(&f, NULL, cases[i].dst, 53, "q"), 0);
		struct nf_frame fr;
		struct iobuf *iob = POP(&f, 0, &fr);
		REQUIRE(iob);
		CHECK(fr.ip_ok);
		CHECK_MEM(fr.dst, cases[i].mac, 6);
		CHECK_INT(fr.l3[0], 0x45);
		CHECK_INT(fr.l3[1], 0);
		CHECK_INT(fr.ip_total, 20 + 8 + 1);
		CHECK_INT(fr.frag, cases[i].flags);
		CHECK_INT(fr.ttl, 64);
		CHECK_INT(fr.proto, IP_PROTO_UDP);
		CHECK_INT(fr.ip_src, NF_OUR_IP);
		CHECK_INT(fr.ip_dst, cases[i].dst);
		if (i)
			CHECK_INT(fr.ident, (uint16_t)(ident + 1));
		ident = fr.ident;
		iobuf_free(iob);
	}
	/* limited broadcast needs a forced interface */
	CHECK_INT(send_udp(&f, NULL, IPV4_BROADCAST, 67, "d"), -WBE_NET_UNREACHABLE);
	CHECK_INT(send_udp(&f, &f.devs[0].dev, IPV4_BROADCAST, 67, "d"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_MEM(fr.dst, bcast_mac, 6);
	CHECK_INT(fr.frag, 0);
	CHECK_INT(fr.ip_dst, IPV4_BROADCAST);
	iobuf_free(iob);
	nf_fini(&f);
}

TEST(net_ipv4_routing_from_settings)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 2) == 0);
	uint32_t hop = 0;
	CHECK(ipv4_route_lookup(&f.net, NF_PEER_IP, &hop) == NULL); /* nothing configured */
	nf_configure(&f);
	nf_set(&f, "net1/ip:ipv4", "192.168.1.10"); /* no netmask: class C */
	struct netdev *d0 = &f.devs[0].dev, *d1 = &f.devs[1].dev;
	static const struct {
		uint32_t dst;
		int dev; /* -1 unreachable */
		uint32_t hop;
	} cases[] = {
		{NF_IP(10, 0, 0, 7), 0, NF_IP(10, 0, 0, 7)},
		{NF_IP(10, 0, 0, 255), 0, NF_IP(10, 0, 0, 255)},
		{NF_IP(10, 0, 1, 7), 0, NF_IP(10, 0, 0, 1)},   /* off-subnet: the gateway */
		{NF_IP(192, 168, 1, 77), 1, NF_IP(192, 168, 1, 77)},
		{NF_IP(192, 168, 2, 77), 0, NF_IP(10, 0, 0, 1)},
		{NF_IP(8, 8, 8, 8), 0, NF_IP(10, 0, 0, 1)},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		hop = 0;
		const struct ipv4_route *r = ipv4_route_lookup(&f.net, cases[i].dst, &hop);
		REQUIRE(r);
		CHECK(r->dev == (cases[i].dev ? d1 : d0));
		CHECK_INT(hop, cases[i].hop);
	}
	const struct ipv4_route *r = ipv4_route_lookup(&f.net, NF_IP(192, 168, 1, 1), &hop);
	REQUIRE(r);
	CHECK_INT(r->netmask, 0xffffff00u);
	CHECK_INT(r->gateway, 0);

	/* changing settings changes the routes */
	unsigned long gen = settings_generation(&f.settings);
	nf_clear(&f, "net0/gateway");
	CHECK(settings_generation(&f.settings) != gen);
	CHECK(ipv4_route_lookup(&f.net, NF_IP(8, 8, 8, 8), &hop) == NULL);
	CHECK_INT(send_udp(&f, NULL, NF_IP(8, 8, 8, 8), 53, "x"), -WBE_NET_UNREACHABLE);
	struct stream *s = NULL;
	CHECK_INT(tcp_connect(&f.net, NF_IP(8, 8, 8, 8), 80, &s), -WBE_NET_UNREACHABLE);
	CHECK_INT(icmp_send_echo(&f.net, NF_IP(8, 8, 8, 8), 1, 1, 8), -WBE_NET_UNREACHABLE);
	nf_set(&f, "net1/gateway:ipv4", "192.168.1.1");
	r = ipv4_route_lookup(&f.net, NF_IP(8, 8, 8, 8), &hop);
	REQUIRE(r);
	CHECK(r->dev == d1);
	CHECK_INT(hop, NF_IP(192, 168, 1, 1));
	/* classful defaults: class A and B */
	nf_clear(&f, "net0/netmask");
	r = ipv4_route_lookup(&f.net, NF_IP(10, 200, 1, 1), &hop);
	REQUIRE(r);
	CHECK(r->dev == d0);
	CHECK_INT(r->netmask, 0xff000000u);
	CHECK_INT(hop, NF_IP(10, 200, 1, 1));
	nf_set(&f, "net0/ip:ipv4", "172.16.5.5");
	r = ipv4_route_lookup(&f.net, NF_IP(172, 16, 200, 1), &hop);
	REQUIRE(r);
	CHECK(r->dev == d0);
	CHECK_INT(r->netmask, 0xffff0000u);
	CHECK(ipv4_route_lookup(&f.net, NF_IP(10, 0, 0, 7), &hop) != NULL); /* via net1's gateway */
	CHECK_INT(hop, NF_IP(192, 168, 1, 1));
	/* the new address is the source of what is sent */
	nf_arp_seed(&f, 0, NF_IP(172, 16, 0, 1), nf_peer_mac);
	CHECK_INT(send_udp(&f, NULL, NF_IP(172, 16, 0, 1), 53, "x"), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.ip_src, NF_IP(172, 16, 5, 5));
	iobuf_free(iob);
	/* a closed interface routes nothing */
	netdev_close(d1);
	CHECK(ipv4_route_lookup(&f.net, NF_IP(192, 168, 1, 77), &hop) == NULL);
	CHECK(ipv4_route_lookup(&f.net, NF_IP(8, 8, 8, 8), &hop) == NULL);
	/* an interface that goes away takes its routes with it */
	netdev_unregister(d0);
	CHECK(ipv4_route_lookup(&f.net, NF_IP(172, 16, 200, 1), &hop) == NULL);
	nf_drain(&f);
	nf_fini(&f);
}

/* ---- fragment reassembly: a UDP datagram of @len payload bytes cut into fragments ---- */

static uint8_t frag_l4[70000];
static size_t frag_l4_len;
static uint8_t frag_proto = IP_PROTO_UDP;

static void make_datagram(size_t payload_len, uint16_t dport)
{
	static uint8_t payload[66000];
	for (size_t i = 0; i < payload_len; i++)
		payload[i] = (uint8_t)(i * 7 + (i >> 8));
	frag_l4_len = build_udp(frag_l4, NF_PEER_IP, NF_OUR_IP, 5000, dport, payload, payload_len, true);
}

/* Sends bytes [@off, @off + @len) of frag_l4 as a fragment; @more: MF set. */
static void send_fragment(struct net_fixture *f, uint16_t ident, size_t off, size_t len, bool more)
{
	static uint8_t frame[2048];
	size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, frag_proto, ident,
				  (uint16_t)((more ? 0x2000 : 0) | off / 8), frag_l4 + off, len);
	nf_rx(f, &f->devs[0].dev, frame, n);
}

static bool got_datagram(size_t payload_len)
{
	return rsock.count == 1 && rsock.len == payload_len && memcmp(rsock.data, frag_l4 + 8, payload_len) == 0;
}

static unsigned reassembly_slots_used(struct net_fixture *f)
{
	unsigned n = 0;
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++)
		n += f->net.ipv4.reassembly[i] != NULL;
	return n;
}

TEST(net_ipv4_reassembly_orders)
{
	/* fragments of a 3000-byte datagram (3008 with the UDP header): offsets in bytes */
	static const struct {
		const char *name;
		struct { size_t off, len; bool more; } frags[6];
		unsigned n;
	} cases[] = {
		{"in order", {{0, 1480, true}, {1480, 1480, true}, {2960, 48, false}}, 3},
		{"reversed", {{2960, 48, false}, {1480, 1480, true}, {0, 1480, true}}, 3},
		{"middle first", {{1480, 1480, true}, {0, 1480, true}, {2960, 48, false}}, 3},
		{"overlapping", {{0, 1600, true}, {1480, 1480, true}, {2000, 1008, false}}, 3},
		{"duplicates", {{0, 1480, true}, {0, 1480, true}, {2960, 48, false}, {2960, 48, false}, {1480, 1480, true}}, 5},
		{"small pieces", {{0, 8, true}, {8, 1000, true}, {1008, 2000, false}}, 3},
	};
	for (size_t c = 0; c < COUNT(cases); c++) {
		struct net_fixture f;
		REQUIRE(nf_init(&f, 1) == 0);
		nf_configure(&f);
		REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
		make_datagram(3000, 7000);
		for (unsigned i = 0; i < cases[c].n; i++) {
			CHECK_INT(rsock.count, 0);
			send_fragment(&f, 0x1234, cases[c].frags[i].off, cases[c].frags[i].len, cases[c].frags[i].more);
		}
		if (!got_datagram(3000))
			test_fail(__FILE__, __LINE__, "%s: count %u len %zu", cases[c].name, rsock.count, rsock.len);
		CHECK_INT(rsock.meta.src, NF_PEER_IP);
		CHECK_INT(rsock.meta.src_port, 5000);
		CHECK_INT(reassembly_slots_used(&f), 0);
		CHECK_INT(f.net.ipv4.rx_bad, 0);
		/* the same fragments again make a second, separate datagram */
		send_fragment(&f, 0x1234, 2960, 48, false);
		CHECK_INT(reassembly_slots_used(&f), 1);
		udp_unbind(&rsock.sock);
		nf_fini(&f); /* frees the partial one */
	}
}

TEST(net_ipv4_reassembly_timeout_frees)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	make_datagram(3000, 7000);
	send_fragment(&f, 7, 0, 1480, true);
	send_fragment(&f, 7, 2960, 48, false);
	CHECK_INT(reassembly_slots_used(&f), 1);
	nf_advance(&f, 29 * SEC);
	CHECK_INT(reassembly_slots_used(&f), 1);
	nf_advance(&f, 1 * SEC);
	CHECK_INT(reassembly_slots_used(&f), 0);
	CHECK_INT(f.net.ipv4.reassembly_timeouts, 1);
	/* the missing piece now starts a new datagram, which never completes */
	send_fragment(&f, 7, 1480, 1480, true);
	CHECK_INT(rsock.count, 0);
	CHECK_INT(reassembly_slots_used(&f), 1);
	nf_advance(&f, 30 * SEC);
	CHECK_INT(reassembly_slots_used(&f), 0);
	CHECK_INT(f.net.ipv4.reassembly_timeouts, 2);
	CHECK_INT(rsock.count, 0);
	CHECK_INT(nf_count(&f, 0), 0); /* no ICMP time exceeded: we are not a router */
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

TEST(net_ipv4_reassembly_slots_bounded)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	make_datagram(3000, 7000);
	for (uint16_t id = 1; id <= IPV4_REASSEMBLY_SLOTS + 1; id++)
		send_fragment(&f, id, 0, 1480, true);
	CHECK_INT(reassembly_slots_used(&f), IPV4_REASSEMBLY_SLOTS);
	CHECK_INT(f.devs[0].dev.stats.rx_dropped, 1);
	/* the one that found no slot cannot complete; the others do */
	for (uint16_t id = 1; id <= IPV4_REASSEMBLY_SLOTS + 1; id++) {
		send_fragment(&f, id, 1480, 1480, true);
		send_fragment(&f, id, 2960, 48, false);
	}
	/* the last id got a slot once the others finished, but its first piece was lost */
	CHECK_INT(rsock.count, IPV4_REASSEMBLY_SLOTS);
	CHECK_INT(reassembly_slots_used(&f), 1);
	nf_advance(&f, 30 * SEC);
	CHECK_INT(reassembly_slots_used(&f), 0);
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

TEST(net_ipv4_reassembly_rejects_bad_fragments)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	make_datagram(3000, 7000);
	/* beyond 65535 bytes in total: offset 65512 + 24 bytes + the 20-byte header */
	static uint8_t frame[128];
	size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, 2, 65512 / 8, frag_l4, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(f.net.ipv4.rx_bad, 1);
	CHECK_INT(reassembly_slots_used(&f), 0);
	/* the largest legal end (65515 payload bytes) is accepted */
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, 3, 65512 / 8, frag_l4, 3);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(f.net.ipv4.rx_bad, 1);
	CHECK_INT(reassembly_slots_used(&f), 1);
	/* a non-final fragment whose length is not a multiple of 8, or empty */
	send_fragment(&f, 4, 0, 1001, true);
	send_fragment(&f, 4, 0, 0, true);
	CHECK_INT(f.net.ipv4.rx_bad, 3);
	/* two different ends: the datagram is discarded */
	send_fragment(&f, 5, 0, 1480, true);
	send_fragment(&f, 5, 2960, 48, false);
	send_fragment(&f, 5, 2960, 40, false);
	CHECK_INT(f.net.ipv4.rx_bad, 4);
	send_fragment(&f, 5, 1480, 1480, true); /* a new datagram now, incomplete */
	CHECK_INT(rsock.count, 0);
	nf_advance(&f, 31 * SEC);
	CHECK_INT(reassembly_slots_used(&f), 0);
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

TEST(net_ipv4_reassembly_largest_datagram)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	/* 65507 bytes of UDP payload: the largest IPv4 datagram (65535 bytes) */
	make_datagram(65507, 7000);
	REQUIRE(frag_l4_len == 65515);
	for (size_t off = 0; off < frag_l4_len; off += 1480) {
		size_t len = frag_l4_len - off < 1480 ? frag_l4_len - off : 1480;
		send_fragment(&f, 99, off, len, off + len < frag_l4_len);
	}
	CHECK(got_datagram(65507));
	CHECK_INT(reassembly_slots_used(&f), 0);
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

/* ================================================================ ICMP */

TEST(net_icmp_echo_request_answered)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	static const size_t sizes[] = {0, 1, 33, 1472};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		uint8_t icmp[1500], frame[1600];
		icmp_echo(icmp, 8, 0x1234, (uint16_t)(7 + i), sizes[i]);
		size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 8 + sizes[i]);
		nf_rx(&f, &f.devs[0].dev, frame, n);
		struct nf_frame fr;
		struct iobuf *iob = POP(&f, 0, &fr);
		REQUIRE(iob);
		CHECK_MEM(fr.dst, nf_peer_mac, 6);
		CHECK(fr.ip_ok);
		CHECK_INT(fr.proto, IP_PROTO_ICMP);
		CHECK_INT(fr.ip_src, NF_OUR_IP);
		CHECK_INT(fr.ip_dst, NF_PEER_IP);
		CHECK_INT(fr.frag, 0x4000);
		CHECK_INT(fr.l4_len, 8 + sizes[i]);
		uint8_t expect[1500];
		icmp_echo(expect, 0, 0x1234, (uint16_t)(7 + i), sizes[i]);
		CHECK_MEM(fr.l4, expect, 8 + sizes[i]);
		CHECK_INT(nf_inet_sum(fr.l4, fr.l4_len), 0xffff);
		iobuf_free(iob);
	}
	/* a fragmented echo request is answered too (the reassembled buffer has no headroom) */
	uint8_t icmp[2008];
	icmp_echo(icmp, 8, 0x55, 1, 2000);
	memcpy(frag_l4, icmp, 2008);
	frag_l4_len = 2008;
	frag_proto = IP_PROTO_ICMP;
	send_fragment(&f, 42, 0, 1480, true);
	send_fragment(&f, 42, 1480, 528, false);
	/* 2028 bytes: more than the MTU, and we never fragment: no reply */
	CHECK_INT(nf_count(&f, 0), 0);
	icmp_echo(icmp, 8, 0x55, 2, 1400);
	memcpy(frag_l4, icmp, 1408);
	send_fragment(&f, 43, 0, 1000, true);
	send_fragment(&f, 43, 1000, 408, false);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	uint8_t expect[1408];
	icmp_echo(expect, 0, 0x55, 2, 1400);
	CHECK_INT(fr.l4_len, 1408);
	CHECK_MEM(fr.l4, expect, 1408);
	iobuf_free(iob);
	frag_proto = IP_PROTO_UDP;
	nf_fini(&f);
}

TEST(net_icmp_echo_not_answered)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	uint8_t icmp[64], frame[128];
	static const uint32_t dsts[] = {NF_IP(10, 0, 0, 255), IPV4_BROADCAST};
	for (size_t i = 0; i < COUNT(dsts); i++) {
		icmp_echo(icmp, 8, 1, 1, 16);
		size_t n = build_ip_frame(frame, bcast_mac, NF_PEER_IP, dsts[i], IP_PROTO_ICMP, 1, 0, icmp, 24);
		nf_rx(&f, &f.devs[0].dev, frame, n);
	}
	CHECK_INT(f.net.ipv4.rx_bad, 0);
	/* bad checksum, too short, unknown type or code */
	uint64_t bad = f.net.ipv4.rx_bad;
	icmp_echo(icmp, 8, 1, 1, 16);
	icmp[10] ^= 1;
	size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(f.net.ipv4.rx_bad, bad + 1);
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 7);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(f.net.ipv4.rx_bad, bad + 2);
	icmp_echo(icmp, 8, 1, 1, 16);
	icmp[1] = 1;
	put_be16(icmp + 2, 0);
	put_be16(icmp + 2, (uint16_t)~nf_inet_sum(icmp, 24));
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	icmp_echo(icmp, 13, 1, 1, 16); /* timestamp request: not implemented */
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

struct echo_rec {
	struct icmp_echo_listener l;
	unsigned count;
	uint32_t from;
	uint16_t seq;
	size_t len;
	uint8_t payload[64];
};

static void echo_reply(struct icmp_echo_listener *l, uint32_t from, uint16_t seq, const uint8_t *payload, size_t len)
{
	struct echo_rec *r = container_of(l, struct echo_rec, l);
	r->count++;
	r->from = from;
	r->seq = seq;
	r->len = len;
	memcpy(r->payload, payload, len < sizeof(r->payload) ? len : sizeof(r->payload));
}

TEST(net_icmp_echo_send_and_listeners)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	CHECK_INT(icmp_send_echo(&f.net, NF_PEER_IP, 0x4242, 3, 4), 0);
	struct nf_frame fr;
	struct iobuf *iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	static const uint8_t expect_req[] = {8, 0, 0xb3, 0xb6, 0x42, 0x42, 0x00, 0x03, 0, 1, 2, 3};
	CHECK_INT(fr.l4_len, sizeof(expect_req));
	CHECK_MEM(fr.l4, expect_req, sizeof(expect_req));
	CHECK_INT(nf_inet_sum(fr.l4, fr.l4_len), 0xffff);
	CHECK_INT(fr.proto, IP_PROTO_ICMP);
	iobuf_free(iob);
	CHECK_INT(icmp_send_echo(&f.net, NF_PEER_IP, 1, 1, 1473), -WBE_NET_TOO_BIG);

	struct echo_rec a = {.l = {.id = 0x4242, .reply = echo_reply}}, b = {.l = {.id = 0x4343, .reply = echo_reply}};
	list_add_tail(&f.net.echo_listeners, &a.l.link);
	list_add_tail(&f.net.echo_listeners, &b.l.link);
	uint8_t icmp[64], frame[128];
	icmp_echo(icmp, 0, 0x4242, 3, 16);
	size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(a.count, 1);
	CHECK_INT(b.count, 0);
	CHECK_INT(a.from, NF_PEER_IP);
	CHECK_INT(a.seq, 3);
	CHECK_INT(a.len, 16);
	CHECK_MEM(a.payload, icmp + 8, 16);
	/* a corrupted reply reaches nobody */
	icmp[9] ^= 0xff;
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 24);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(a.count, 1);
	icmp_echo(icmp, 0, 0x4343, 9, 0);
	n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_ICMP, 1, 0, icmp, 8);
	nf_rx(&f, &f.devs[0].dev, frame, n);
	CHECK_INT(a.count, 1);
	CHECK_INT(b.count, 1);
	CHECK_INT(b.seq, 9);
	CHECK_INT(b.len, 0);
	list_remove(&a.l.link);
	list_remove(&b.l.link);
	CHECK_INT(nf_count(&f, 0), 0);
	nf_fini(&f);
}

/* ================================================================ UDP */

TEST(net_udp_receive_checks)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	REQUIRE(rec_bind(&f, &rsock, 7000) == 0);
	enum { OK, NO_SUM, BAD_SUM, OTHER_PORT, LEN_LONG, LEN_SHORT, LEN_SMALLER, SHORT_HDR };
	static const struct {
		int mutation;
		bool delivered;
		size_t payload_len;
		int bad;
	} cases[] = {
		{OK, true, 10, 0},       {NO_SUM, true, 10, 0},     {BAD_SUM, false, 0, 1}, {OTHER_PORT, false, 0, 0},
		{LEN_LONG, false, 0, 1}, {LEN_SHORT, false, 0, 1},  {LEN_SMALLER, true, 6, 0}, {SHORT_HDR, false, 0, 1},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t udp[64], frame[128];
		size_t ul = build_udp(udp, NF_PEER_IP, NF_OUR_IP, 5000, 7000, "0123456789", 10, cases[i].mutation != NO_SUM);
		switch (cases[i].mutation) {
		case BAD_SUM: udp[9] ^= 0x40; break;
		case OTHER_PORT:
			put_be16(udp + 2, 7001);
			put_be16(udp + 6, 0);
			put_be16(udp + 6, nf_l4_checksum(NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, udp, ul));
			break;
		case LEN_LONG: put_be16(udp + 4, (uint16_t)(ul + 1)); put_be16(udp + 6, 0); break;
		case LEN_SHORT: put_be16(udp + 4, 7); put_be16(udp + 6, 0); break;
		case LEN_SMALLER: /* 4 trailing bytes outside the UDP length: ignored */
			put_be16(udp + 4, 14);
			put_be16(udp + 6, 0);
			put_be16(udp + 6, nf_l4_checksum(NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, udp, 14));
			break;
		case SHORT_HDR: ul = 7; break;
		}
		size_t n = build_ip_frame(frame, nf_our_mac, NF_PEER_IP, NF_OUR_IP, IP_PROTO_UDP, 1, 0, udp, ul);
		unsigned before = rsock.count;
		uint64_t bad = f.net.ipv4.rx_bad, dropped = f.devs[0].dev.stats.rx_dropped;
		nf_rx(&f, &f.devs[0].dev, frame, n);
		if ((rsock.count == before + 1) != cases[i].delivered)
			test_fail(__FILE__, __LINE__, "case %zu: delivered %u", i, rsock.count - before);
		CHECK_INT(f.net.ipv4.rx_bad - bad, cases[i].bad);
		if (cases[i].mutation == OTHER_PORT)
			CHECK_INT(f.devs[0].dev.stats.rx_dropped, dropped + 1);
		if (cases[i].delivered) {
			CHECK_INT(rsock.len, cases[i].payload_len);
			CHECK_MEM(rsock.data, "0123456789", cases[i].payload_len);
			CHECK_INT(rsock.meta.src, NF_PEER_IP);
			CHECK_INT(rsock.meta.dst, NF_OUR_IP);
			CHECK_INT(rsock.meta.src_port, 5000);
			CHECK_INT(rsock.meta.dst_port, 7000);
			CHECK(rsock.meta.dev == &f.devs[0].dev);
		}
	}
	CHECK_INT(nf_count(&f, 0), 0); /* no ICMP port unreachable either */
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}

TEST(net_udp_bind_ports)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	CHECK_INT(rec_bind(&f, &rsock, 68), 0);
	CHECK_INT(rsock.sock.local_port, 68);
	struct udp_socket dup = {.rx = rec_rx};
	list_init(&dup.link);
	CHECK_INT(udp_bind(&f.net, &dup, 68), -WBE_EXIST);
	CHECK(!list_is_linked(&dup.link));
	/* ephemeral ports: in the dynamic range, distinct, not predictable from run to run */
	struct udp_socket eph[8];
	for (int i = 0; i < 8; i++) {
		eph[i] = (struct udp_socket){.rx = rec_rx};
		list_init(&eph[i].link);
		CHECK_INT(udp_bind(&f.net, &eph[i], 0), 0);
		CHECK(eph[i].local_port >= 49152);
		for (int k = 0; k < i; k++)
			CHECK(eph[k].local_port != eph[i].local_port);
	}
	CHECK_INT(udp_bind(&f.net, &dup, eph[3].local_port), -WBE_EXIST);
	/* the ports differ between two stacks (RFC 6056: port randomisation); 8 tries */
	int same = 0;
	for (int t = 0; t < 8; t++) {
		struct net_fixture g;
		REQUIRE(nf_init(&g, 0) == 0);
		struct udp_socket s = {.rx = rec_rx};
		list_init(&s.link);
		CHECK_INT(udp_bind(&g.net, &s, 0), 0);
		same += s.local_port == eph[0].local_port;
		udp_unbind(&s);
		nf_fini(&g);
	}
	CHECK(same < 8);
	for (int i = 0; i < 8; i++) {
		udp_unbind(&eph[i]);
		udp_unbind(&eph[i]); /* twice: safe */
	}
	udp_unbind(&rsock.sock);
	udp_unbind(&dup);
	CHECK(list_empty(&f.net.udp_sockets));
	nf_fini(&f);
}

TEST(net_udp_send_bytes)
{
	struct net_fixture f;
	REQUIRE(nf_init(&f, 1) == 0);
	nf_configure(&f);
	nf_arp_seed(&f, 0, NF_PEER_IP, nf_peer_mac);
	REQUIRE(rec_bind(&f, &rsock, 1234) == 0);
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + 5);
	REQUIRE(iob);
	iobuf_reserve(iob, UDP_HEADROOM);
	memcpy(iobuf_put(iob, 5), "hello", 5);
	CHECK_INT(udp_send(&rsock.sock, NULL, 0, NF_PEER_IP, 53, iob), 0);
	struct nf_frame fr;
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	REQUIRE(fr.ip_ok);
	CHECK_INT(fr.proto, IP_PROTO_UDP);
	CHECK_INT(iobuf_len(iob), 14 + 20 + 8 + 5);
	/* ports 1234 -> 53, length 13, checksum over the pseudo header:
	 * 0a00 0002 0a00 0001 0011 000d | 04d2 0035 000d 0000 | 6865 6c6c 6f00 */
	uint8_t expect[13] = {0x04, 0xd2, 0x00, 0x35, 0x00, 0x0d, 0, 0, 'h', 'e', 'l', 'l', 'o'};
	uint32_t sum = 0x0a00 + 0x0002 + 0x0a00 + 0x0001 + 0x0011 + 0x000d + 0x04d2 + 0x0035 + 0x000d + 0x6865 + 0x6c6c +
		       0x6f00;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(expect + 6, (uint16_t)~sum);
	CHECK_MEM(fr.l4, expect, 13);
	iobuf_free(iob);

	/* a datagram whose checksum computes to 0 carries 0xffff (0 would mean "none") */
	uint8_t tmp[10];
	build_udp(tmp, NF_OUR_IP, NF_PEER_IP, 1234, 53, "\0\0", 2, false);
	uint16_t s0 = nf_inet_sum(tmp, 10);
	uint32_t pseudo = (NF_OUR_IP >> 16) + (NF_OUR_IP & 0xffff) + (NF_PEER_IP >> 16) + (NF_PEER_IP & 0xffff) + 17 + 10;
	uint32_t total = pseudo + s0;
	while (total >> 16)
		total = (total & 0xffff) + (total >> 16);
	uint16_t x = (uint16_t)(0xffff - total);
	iob = iobuf_alloc(UDP_HEADROOM + 2);
	REQUIRE(iob);
	iobuf_reserve(iob, UDP_HEADROOM);
	put_be16(iobuf_put(iob, 2), x);
	CHECK_INT(udp_send(&rsock.sock, NULL, 0, NF_PEER_IP, 53, iob), 0);
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(get_be16(fr.l4 + 6), 0xffff);
	CHECK_INT(nf_l4_checksum(NF_OUR_IP, NF_PEER_IP, IP_PROTO_UDP, fr.l4, fr.l4_len), 0);
	iobuf_free(iob);

	/* a forced interface and source (DHCP before it has an address) */
	iob = iobuf_alloc(UDP_HEADROOM + 1);
	REQUIRE(iob);
	iobuf_reserve(iob, UDP_HEADROOM);
	*(uint8_t *)iobuf_put(iob, 1) = 0x01;
	nf_clear(&f, "net0/ip");
	CHECK_INT(udp_send(&rsock.sock, &f.devs[0].dev, 0, IPV4_BROADCAST, 67, iob), 0);
	iob = POP(&f, 0, &fr);
	REQUIRE(iob);
	CHECK_INT(fr.ip_src, 0);
	CHECK_INT(fr.ip_dst, IPV4_BROADCAST);
	CHECK_MEM(fr.dst, bcast_mac, 6);
	CHECK_INT(get_be16(fr.l4), 1234);
	CHECK_INT(get_be16(fr.l4 + 2), 67);
	CHECK_INT(nf_l4_checksum(0, IPV4_BROADCAST, IP_PROTO_UDP, fr.l4, fr.l4_len), 0);
	iobuf_free(iob);
	/* no headroom: refused, and the buffer freed */
	iob = iobuf_alloc(4);
	REQUIRE(iob);
	iobuf_put(iob, 4);
	CHECK_INT(udp_send(&rsock.sock, NULL, 0, NF_PEER_IP, 53, iob), -WBE_NOSPC);
	udp_unbind(&rsock.sock);
	nf_fini(&f);
}
