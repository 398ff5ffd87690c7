/*
 * ipv4.c - IPv4 (RFC 791, RFC 1122 §3): receive with header validation and fragment
 * reassembly in bounded memory, send with routing derived from the interfaces' settings.
 *
 * Routes are rebuilt from the settings `ip`, `netmask` and `gateway` of each open interface
 * scope whenever the settings change, so `dhcp`, `set net0/ip ...` and iPXE scripts that
 * configure addresses by hand all take effect the same way.
 */
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/settings.h"
#include "wireboot/tcp.h"
#include "wireboot/udp.h"

#include <string.h>

#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff
#define IPV4_DEFAULT_TTL 64
#define IPV4_MAX_DATAGRAM 65535
#define REASSEMBLY_TIMEOUT_NS (30 * NS_PER_SEC) /* RFC 1122 §3.3.2: 60 s max; 15-120 common */

struct ipv4_reassembly {
	uint32_t src, dst;
	uint16_t ident;
	uint8_t proto;
	size_t total;           /* payload length, known once the last fragment arrived; 0 before */
	uint64_t expires_ns;
	uint8_t blocks[IPV4_MAX_DATAGRAM / 8 / 8 + 1]; /* one bit per 8-byte block received */
	uint8_t payload[IPV4_MAX_DATAGRAM];
};

/*
 * RFC 1071 §2: the one's complement sum is independent of byte order, so the words are summed
 * as the CPU loads them, eight bytes at a time (a quarter of the instructions of a byte-pair
 * loop, which matters under software emulation), and the folded result is swapped to network
 * order once at the end. Every caller's chunk starts at an even offset of the summed data.
 */
uint16_t ipv4_checksum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, sizeof(w));
		acc += (w & 0xffffffffu) + (w >> 32);
	}
	for (; len >= 2; p += 2, len -= 2) {
		uint16_t h;
		memcpy(&h, p, sizeof(h));
		acc += h;
	}
	const uint16_t probe = 1;
	bool little_endian = *(const uint8_t *)&probe == 1;
	if (len)
		acc += little_endian ? p[0] : (uint32_t)p[0] << 8; /* padded with a zero byte */
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	uint32_t native = (uint32_t)acc;
	uint32_t net = little_endian ? ((native & 0xff) << 8 | native >> 8) : native;
	uint32_t total = sum + net;
	while (total >> 16)
		total = (total & 0xffff) + (total >> 16);
	return (uint16_t)total;
}

uint16_t ipv4_transport_checksum_add(uint32_t src, uint32_t dst, uint8_t proto, const void *segment, size_t len)
{
	uint8_t pseudo[12];
	put_be32(pseudo, src);
	put_be32(pseudo + 4, dst);
	pseudo[8] = 0;
	pseudo[9] = proto;
	put_be16(pseudo + 10, (uint16_t)len);
	return ipv4_checksum_add(ipv4_checksum_add(0, pseudo, sizeof(pseudo)), segment, len);
}

uint16_t ipv4_checksum_finish(uint32_t sum)
{
	return (uint16_t)~sum;
}

void ipv4_format(uint32_t addr, char *buf, size_t len)
{
	wb_snprintf(buf, len, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
}

int ipv4_parse(const char *text, uint32_t *addr)
{
	uint8_t raw[4];
	if (setting_type_ipv4.parse(text, raw, sizeof(raw)) != 4)
		return -WBE_INVAL;
	*addr = get_be32(raw);
	return 0;
}

/* An interface's IPv4 setting: its own scope first, then the DHCP lease below it. */
static uint32_t scope_ipv4(struct netdev *dev, const char *name)
{
	struct setting_name sn = {.scope = dev->settings};
	uint8_t raw[4];
	size_t n = strlen(name);
	if (!dev->settings || n >= sizeof(sn.name))
		return 0;
	memcpy(sn.name, name, n + 1);
	if (settings_fetch(dev->net->settings, &sn, raw, sizeof(raw), NULL) != 4)
		return 0;
	return get_be32(raw);
}

/* RFC 791 address classes, the default when no netmask is configured (as iPXE does). */
static uint32_t classful_netmask(uint32_t addr)
{
	if ((addr >> 31) == 0)
		return 0xff000000u;
	if ((addr >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static void rebuild_routes(struct net *net)
{
	unsigned long generation = settings_generation(net->settings);
	if (generation == net->ipv4.routes_generation && net->ipv4.nroutes)
		return;
	net->ipv4.nroutes = 0;
	list_for_each(pos, &net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		uint32_t addr = scope_ipv4(dev, "ip");
		if (!addr || net->ipv4.nroutes == IPV4_MAX_ROUTES)
			continue;
		struct ipv4_route *r = &net->ipv4.routes[net->ipv4.nroutes++];
		r->dev = dev;
		r->addr = addr;
		r->netmask = scope_ipv4(dev, "netmask");
		if (!r->netmask)
			r->netmask = classful_netmask(addr);
		r->gateway = scope_ipv4(dev, "gateway");
	}
	net->ipv4.routes_generation = generation;
}

uint32_t ipv4_dev_addr(struct netdev *dev)
{
	return scope_ipv4(dev, "ip");
}

const struct ipv4_route *ipv4_route_lookup(struct net *net, uint32_t dst, uint32_t *next_hop)
{
	rebuild_routes(net);
	/* an interface on the destination's subnet first, then the first one with a gateway */
	for (unsigned i = 0; i < net->ipv4.nroutes; i++) {
		const struct ipv4_route *r = &net->ipv4.routes[i];
		if (r->dev->is_open && ((dst ^ r->addr) & r->netmask) == 0) {
			*next_hop = dst;
			return r;
		}
	}
	for (unsigned i = 0; i < net->ipv4.nroutes; i++) {
		const struct ipv4_route *r = &net->ipv4.routes[i];
		if (r->dev->is_open && r->gateway) {
			*next_hop = r->gateway;
			return r;
		}
	}
	return NULL;
}

static bool is_subnet_broadcast(struct net *net, struct netdev *dev, uint32_t dst)
{
	rebuild_routes(net);
	for (unsigned i = 0; i < net->ipv4.nroutes; i++) {
		const struct ipv4_route *r = &net->ipv4.routes[i];
		if (r->dev == dev && (dst | r->netmask) == IPV4_BROADCAST && ((dst ^ r->addr) & r->netmask) == 0)
			return true;
	}
	return false;
}

int ipv4_tx(struct net *net, struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst, uint8_t proto)
{
	uint32_t next_hop = dst;
	if (!dev) {
		const struct ipv4_route *r = dst == IPV4_BROADCAST ? NULL : ipv4_route_lookup(net, dst, &next_hop);
		if (!r) {
			iobuf_free(iob);
			return -WBE_NET_UNREACHABLE;
		}
		dev = r->dev;
	} else if (dst != IPV4_BROADCAST) {
		uint32_t hop;
		const struct ipv4_route *r = ipv4_route_lookup(net, dst, &hop);
		if (r && r->dev == dev)
			next_hop = hop;
	}
	if (!src)
		src = ipv4_dev_addr(dev);
	size_t len = iobuf_len(iob) + IPV4_HLEN;
	if (len > dev->mtu) {
		iobuf_free(iob);
		return -WBE_NET_TOO_BIG;
	}
	uint8_t *h = iobuf_push(iob, IPV4_HLEN);
	if (!h) {
		iobuf_free(iob);
		return -WBE_NOSPC;
	}
	bool broadcast = dst == IPV4_BROADCAST || is_subnet_broadcast(net, dev, dst);
	h[0] = 0x45;
	h[1] = 0;
	put_be16(h + 2, (uint16_t)len);
	put_be16(h + 4, net->ipv4.next_ident++);
	/* we never fragment what we send: DF lets path MTU problems show instead of stalling */
	put_be16(h + 6, broadcast ? 0 : IPV4_FLAG_DF);
	h[8] = IPV4_DEFAULT_TTL;
	h[9] = proto;
	put_be16(h + 10, 0);
	put_be32(h + 12, src);
	put_be32(h + 16, dst);
	put_be16(h + 10, ipv4_checksum_finish(ipv4_checksum_add(0, h, IPV4_HLEN)));
	if (broadcast)
		return eth_tx(dev, iob, eth_broadcast, ETH_P_IPV4);
	return arp_tx_ipv4(dev, iob, next_hop);
}

static void deliver(struct netdev *dev, struct iobuf *iob, uint8_t proto, uint32_t src, uint32_t dst)
{
	switch (proto) {
	case IP_PROTO_ICMP:
		icmp_rx(dev, iob, src, dst);
		break;
	case IP_PROTO_UDP:
		udp_rx(dev, iob, src, dst);
		break;
	case IP_PROTO_TCP:
		tcp_rx(dev, iob, src, dst);
		break;
	default:
		dev->stats.rx_dropped++;
		iobuf_free(iob);
		break;
	}
}

static void reassembly_expired(struct timer *t);

static void schedule_reassembly_timer(struct net *net)
{
	uint64_t earliest = 0;
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++) {
		struct ipv4_reassembly *r = net->ipv4.reassembly[i];
		if (r && (!earliest || r->expires_ns < earliest))
			earliest = r->expires_ns;
	}
	timer_stop(&net->ipv4.reassembly_timer);
	if (earliest) {
		uint64_t now = loop_now(net->loop);
		net->ipv4.reassembly_timer.expired = reassembly_expired;
		timer_start(net->loop, &net->ipv4.reassembly_timer, earliest > now ? earliest - now : 0);
	}
}

static void reassembly_expired(struct timer *t)
{
	struct net *net = container_of(t, struct net, ipv4.reassembly_timer);
	uint64_t now = loop_now(net->loop);
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++) {
		struct ipv4_reassembly *r = net->ipv4.reassembly[i];
		if (r && r->expires_ns <= now) {
			wb_free(r);
			net->ipv4.reassembly[i] = NULL;
			net->ipv4.reassembly_timeouts++;
		}
	}
	schedule_reassembly_timer(net);
}

static bool block_present(const struct ipv4_reassembly *r, size_t block)
{
	return r->blocks[block / 8] & (1u << (block % 8));
}

/* Takes @iob (positioned at the fragment's payload). */
static void reassemble(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst, uint16_t ident,
		       uint8_t proto, size_t offset, bool more)
{
	struct net *net = dev->net;
	size_t len = iobuf_len(iob);
	/* every fragment but the last carries a multiple of 8 bytes (RFC 791 §3.2) */
	if (offset + len > IPV4_MAX_DATAGRAM - IPV4_HLEN || (more && (len % 8 || len == 0))) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	struct ipv4_reassembly *r = NULL;
	int free_slot = -1;
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++) {
		struct ipv4_reassembly *c = net->ipv4.reassembly[i];
		if (c && c->src == src && c->dst == dst && c->ident == ident && c->proto == proto)
			r = c;
		else if (!c && free_slot < 0)
			free_slot = (int)i;
	}
	if (!r) {
		/* all slots busy: drop; the sender retransmits, and busy slots time out */
		r = free_slot >= 0 ? wb_zalloc(sizeof(*r)) : NULL;
		if (!r) {
			dev->stats.rx_dropped++;
			iobuf_free(iob);
			return;
		}
		r->src = src;
		r->dst = dst;
		r->ident = ident;
		r->proto = proto;
		r->expires_ns = loop_now(net->loop) + REASSEMBLY_TIMEOUT_NS;
		net->ipv4.reassembly[free_slot] = r;
		schedule_reassembly_timer(net);
	}
	if (!more) {
		if (r->total && r->total != offset + len) {
			net->ipv4.rx_bad++; /* two different ends: discard the datagram */
			r->expires_ns = 0;
			reassembly_expired(&net->ipv4.reassembly_timer);
			iobuf_free(iob);
			return;
		}
		r->total = offset + len;
	}
	memcpy(r->payload + offset, iob->data, len);
	for (size_t b = offset / 8; b < (offset + len + 7) / 8; b++)
		r->blocks[b / 8] |= (uint8_t)(1u << (b % 8));
	iobuf_free(iob);
	if (!r->total)
		return;
	for (size_t b = 0; b < (r->total + 7) / 8; b++) {
		if (!block_present(r, b))
			return;
	}
	/* complete: hand the whole datagram up and release the slot */
	struct iobuf *whole = iobuf_alloc(r->total);
	if (whole)
		memcpy(iobuf_put(whole, r->total), r->payload, r->total);
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++) {
		if (net->ipv4.reassembly[i] == r)
			net->ipv4.reassembly[i] = NULL;
	}
	wb_free(r);
	schedule_reassembly_timer(net);
	if (whole)
		deliver(dev, whole, proto, src, dst);
	else
		dev->stats.rx_dropped++;
}

void ipv4_rx(struct netdev *dev, struct iobuf *iob)
{
	struct net *net = dev->net;
	const uint8_t *h = iob->data;
	size_t len = iobuf_len(iob);
	if (len < IPV4_HLEN || (h[0] >> 4) != 4) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	size_t hlen = (size_t)(h[0] & 15) * 4;
	size_t total = get_be16(h + 2);
	if (hlen < IPV4_HLEN || hlen > len || total < hlen || total > len ||
	    ipv4_checksum_add(0, h, hlen) != 0xffff) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	uint32_t src = get_be32(h + 12), dst = get_be32(h + 16);
	uint32_t ours = ipv4_dev_addr(dev);
	/* An interface without an address (DHCP in progress) accepts whatever reaches its MAC:
	 * servers may unicast the offer to the address they are about to give us. */
	if (ours && dst != ours && dst != IPV4_BROADCAST && !is_subnet_broadcast(net, dev, dst)) {
		net->ipv4.rx_not_ours++;
		iobuf_free(iob);
		return;
	}
	uint16_t ident = get_be16(h + 4);
	uint16_t frag = get_be16(h + 6);
	uint8_t proto = h[9];
	iobuf_unput(iob, len - total); /* Ethernet padding after the datagram */
	iobuf_pull(iob, hlen);
	size_t offset = (size_t)(frag & IPV4_OFFSET_MASK) * 8;
	bool more = frag & IPV4_FLAG_MF;
	if (offset || more) {
		reassemble(dev, iob, src, dst, ident, proto, offset, more);
		return;
	}
	deliver(dev, iob, proto, src, dst);
}

void ipv4_fini(struct net *net)
{
	timer_stop(&net->ipv4.reassembly_timer);
	for (unsigned i = 0; i < IPV4_REASSEMBLY_SLOTS; i++) {
		wb_free(net->ipv4.reassembly[i]);
		net->ipv4.reassembly[i] = NULL;
	}
}
