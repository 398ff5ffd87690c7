/*
 * arp.c - ARP for IPv4 over Ethernet (RFC 826), with the request retry and cache lifetime
 * behaviour of RFC 1122 §2.3.2.1: a bounded number of packets wait per unresolved address,
 * requests are retried at intervals, entries expire so that a moved address is relearned.
 */
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"

#include <string.h>

#define ARP_HLEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_RETRY_NS (500 * NS_PER_MS)
#define ARP_MAX_REQUESTS 6           /* 3 s of trying before the waiting packets are dropped */
#define ARP_ENTRY_LIFETIME_NS (300 * NS_PER_SEC)
#define ARP_MAX_PENDING 8            /* packets held per unresolved address */

struct arp_entry {
	struct net *net;
	struct netdev *dev;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	bool resolved;
	unsigned requests_sent;
	uint64_t expires_ns;
	struct list_node pending; /* iobufs waiting for the address */
	unsigned npending;
	struct timer retry;
};

static void free_pending(struct arp_entry *e)
{
	list_for_each_safe(pos, tmp, &e->pending) {
		list_remove(pos);
		iobuf_free(list_entry(pos, struct iobuf, link));
	}
	e->npending = 0;
}

static void entry_free(struct net *net, unsigned slot)
{
	struct arp_entry *e = net->arp.entries[slot];
	timer_stop(&e->retry);
	free_pending(e);
	wb_free(e);
	net->arp.entries[slot] = NULL;
}

static int send_arp(struct netdev *dev, uint16_t op, const uint8_t *target_mac, uint32_t target_ip,
		    const uint8_t *dest_mac)
{
	struct iobuf *iob = iobuf_alloc(ETH_HLEN + VLAN_HLEN + ARP_HLEN + 18);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, ETH_HLEN + VLAN_HLEN);
	uint8_t *p = iobuf_put(iob, ARP_HLEN);
	put_be16(p, 1);           /* hardware type: Ethernet */
	put_be16(p + 2, ETH_P_IPV4);
	p[4] = ETH_ALEN;
	p[5] = 4;
	put_be16(p + 6, op);
	memcpy(p + 8, dev->ll_addr, ETH_ALEN);
	put_be32(p + 14, ipv4_dev_addr(dev));
	memcpy(p + 18, target_mac, ETH_ALEN);
	put_be32(p + 24, target_ip);
	/* pad to the 60-byte Ethernet minimum (without FCS): some NICs do not pad runts */
	memset(iobuf_put(iob, 18), 0, 18);
	return eth_tx(dev, iob, dest_mac, ETH_P_ARP);
}

static void retry_expired(struct timer *t)
{
	struct arp_entry *e = container_of(t, struct arp_entry, retry);
	struct net *net = e->net;
	if (e->resolved)
		return;
	if (e->requests_sent >= ARP_MAX_REQUESTS) {
		char text[16];
		ipv4_format(e->ip, text, sizeof(text));
		log_msg(net->log, LOG_WARN, "arp", "%s: no reply from %s; dropping %u queued packet(s)", e->dev->name,
			text, e->npending);
		free_pending(e);
		e->requests_sent = 0; /* a later packet starts a new round of requests */
		return;
	}
	static const uint8_t zero_mac[ETH_ALEN];
	send_arp(e->dev, ARP_OP_REQUEST, zero_mac, e->ip, eth_broadcast);
	e->requests_sent++;
	timer_start(net->loop, &e->retry, ARP_RETRY_NS);
}

static int find_slot(struct net *net, struct netdev *dev, uint32_t ip)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = net->arp.entries[i];
		if (e && e->dev == dev && e->ip == ip)
			return (int)i;
	}
	return -1;
}

/* A free slot, else one whose resolution gave up (nothing waits on it), else the resolved one
 * that expires first (unresolved ones still trying hold packets). Without the second choice a
 * cache filled by unanswered addresses would refuse every new neighbour for good. */
static int allocate_slot(struct net *net)
{
	int victim = -1;
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		struct arp_entry *e = net->arp.entries[i];
		if (!e)
			return (int)i;
		if (!e->resolved && e->npending == 0 && !timer_running(&e->retry)) {
			victim = (int)i;
			break;
		}
		if (e->resolved && (victim < 0 || e->expires_ns < net->arp.entries[victim]->expires_ns))
			victim = (int)i;
	}
	if (victim >= 0)
		entry_free(net, (unsigned)victim);
	return victim;
}

static struct arp_entry *entry_create(struct net *net, struct netdev *dev, uint32_t ip)
{
	int slot = allocate_slot(net);
	if (slot < 0)
		return NULL;
	struct arp_entry *e = wb_zalloc(sizeof(*e));
	if (!e)
		return NULL;
	e->net = net;
	e->dev = dev;
	e->ip = ip;
	list_init(&e->pending);
	timer_init(&e->retry, retry_expired);
	net->arp.entries[slot] = e;
	return e;
}

static void learn(struct net *net, struct netdev *dev, uint32_t ip, const uint8_t *mac, bool create)
{
	int slot = find_slot(net, dev, ip);
	struct arp_entry *e = slot >= 0 ? net->arp.entries[slot] : NULL;
	if (!e) {
		if (!create)
			return;
		e = entry_create(net, dev, ip);
		if (!e)
			return;
	}
	memcpy(e->mac, mac, ETH_ALEN);
	e->resolved = true;
	e->requests_sent = 0;
	e->expires_ns = loop_now(net->loop) + ARP_ENTRY_LIFETIME_NS;
	timer_stop(&e->retry);
	list_for_each_safe(pos, tmp, &e->pending) {
		list_remove(pos);
		eth_tx(dev, list_entry(pos, struct iobuf, link), e->mac, ETH_P_IPV4);
	}
	e->npending = 0;
}

void arp_rx(struct netdev *dev, struct iobuf *iob)
{
	struct net *net = dev->net;
	const uint8_t *p = iob->data;
	if (iobuf_len(iob) < ARP_HLEN || get_be16(p) != 1 || get_be16(p + 2) != ETH_P_IPV4 || p[4] != ETH_ALEN ||
	    p[5] != 4) {
		dev->stats.rx_dropped++;
		iobuf_free(iob);
		return;
	}
	uint16_t op = get_be16(p + 6);
	uint32_t sender_ip = get_be32(p + 14), target_ip = get_be32(p + 24);
	uint8_t sender_mac[ETH_ALEN];
	memcpy(sender_mac, p + 8, ETH_ALEN);
	iobuf_free(iob);
	uint32_t our_ip = ipv4_dev_addr(dev);
	bool for_us = our_ip && target_ip == our_ip;
	/* RFC 826 "merge": update an existing entry from any packet; create one when the
	 * packet was addressed to us (the sender will talk to us next). */
	if (sender_ip && !(sender_mac[0] & 1))
		learn(net, dev, sender_ip, sender_mac, for_us);
	if (op == ARP_OP_REQUEST && for_us)
		send_arp(dev, ARP_OP_REPLY, sender_mac, sender_ip, sender_mac);
}

int arp_tx_ipv4(struct netdev *dev, struct iobuf *iob, uint32_t next_hop)
{
	struct net *net = dev->net;
	int slot = find_slot(net, dev, next_hop);
	struct arp_entry *e = slot >= 0 ? net->arp.entries[slot] : NULL;
	uint64_t now = loop_now(net->loop);
	if (e && e->resolved && now < e->expires_ns)
		return eth_tx(dev, iob, e->mac, ETH_P_IPV4);
	if (!e) {
		e = entry_create(net, dev, next_hop);
		if (!e) {
			iobuf_free(iob);
			return -WBE_NOMEM;
		}
	} else if (e->resolved) {
		/* expired: relearn before sending again, so a moved address is found */
		e->resolved = false;
		e->requests_sent = 0;
	}
	if (e->npending >= ARP_MAX_PENDING) {
		iobuf_free(iob);
		return -WBE_NET_NO_ARP_REPLY;
	}
	list_add_tail(&e->pending, &iob->link);
	e->npending++;
	if (!timer_running(&e->retry))
		retry_expired(&e->retry);
	return 0;
}

void arp_forget_device(struct net *net, struct netdev *dev)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		if (net->arp.entries[i] && net->arp.entries[i]->dev == dev)
			entry_free(net, i);
	}
}

void arp_fini(struct net *net)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		if (net->arp.entries[i])
			entry_free(net, i);
	}
}
