/*
 * net.h - the network stack: one struct net per running wireboot, holding the interfaces and
 * the state of every protocol layer (ARP cache, IPv4 routes and reassembly, UDP sockets).
 * Layers talk only to their neighbours, through the functions of their headers:
 *   netdev -> ethernet (+ 802.1Q) -> arp | ipv4 -> icmp | udp -> dhcp, dns, ntp
 *
 * Addresses: IPv4 addresses are uint32_t in host order everywhere above the wire format.
 */
#ifndef WIREBOOT_NET_H
#define WIREBOOT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"
#include "wireboot/process.h"
#include "wireboot/transport.h"

struct log;
struct rng;
struct settings;
struct netdev;
struct iobuf;

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100

#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

#define VLAN_HLEN 4

#define IPV4_BROADCAST 0xffffffffu
#define IPV4_HLEN 20

/* One route per configured interface: derived from its settings (ip, netmask, gateway). */
struct ipv4_route {
	struct netdev *dev;
	uint32_t addr, netmask, gateway; /* gateway 0: none */
};

#define IPV4_MAX_ROUTES 16
#define IPV4_REASSEMBLY_SLOTS 2 /* concurrent datagrams being reassembled */

struct ipv4_reassembly;

struct ipv4_state {
	struct ipv4_route routes[IPV4_MAX_ROUTES];
	unsigned nroutes;
	unsigned long routes_generation; /* settings generation the routes were built from */
	uint16_t next_ident;
	struct ipv4_reassembly *reassembly[IPV4_REASSEMBLY_SLOTS];
	struct timer reassembly_timer;
	uint64_t rx_bad, rx_not_ours, reassembly_timeouts;
};

#define ARP_CACHE_SIZE 32

struct arp_entry;

struct arp_cache {
	struct arp_entry *entries[ARP_CACHE_SIZE];
};

struct icmp_echo_listener {
	struct list_node link;
	uint16_t id;
	/* called for each echo reply with this id; @payload excludes the ICMP header */
	void (*reply)(struct icmp_echo_listener *l, uint32_t from, uint16_t seq, const uint8_t *payload, size_t len);
};

struct tcp_state {
	struct list_node conns;
	struct process process; /* flushes delayed ACKs and pending output once per loop step */
	uint16_t next_port;
	uint64_t segments_in, segments_out, retransmits, timeouts, fast_retransmits, ooo_segments,
		dup_segments, bad_segments, resets_sent, dropped_overrun;
};

struct net {
	struct loop *loop;
	struct log *log;
	struct rng *rng;
	struct settings *settings;
	struct list_node netdevs;
	struct process poll_process;
	struct arp_cache arp;
	struct ipv4_state ipv4;
	struct list_node udp_sockets;
	struct list_node echo_listeners;
	uint16_t next_ephemeral_port;
	struct tcp_state tcp;
	struct transport transport; /* DNS + TCP on this stack, as a transport */
};

/** net_init() - empty stack; starts polling devices on @loop. 0 or -WBE_NOMEM. */
int net_init(struct net *net, struct loop *loop, struct log *log, struct rng *rng, struct settings *settings);
/** net_fini() - close and forget everything (devices must have been unregistered first). */
void net_fini(struct net *net);

/* ---- Ethernet (ethernet.c) ---- */
/** eth_rx() - a received frame on @dev; takes @iob. Handles 802.1Q tags. */
void eth_rx(struct netdev *dev, struct iobuf *iob);
/**
 * eth_tx() - prepend the Ethernet header (and the 802.1Q tag on a VLAN device) and send;
 * takes @iob, which needs ETH_HLEN + 4 bytes of headroom.
 */
int eth_tx(struct netdev *dev, struct iobuf *iob, const uint8_t dest[6], uint16_t ethertype);
extern const uint8_t eth_broadcast[6];

/* ---- 802.1Q VLAN devices (vlan.c) ---- */
/**
 * vlan_create() - a software VLAN device "<parent>-<tag>" on @parent: frames it sends are
 * tagged with @tag (1..4094) and @priority (0..7), tagged frames received on the parent are
 * delivered to it. Its MTU is the parent's, 4 bytes less when the parent has vlan_tag_in_mtu.
 * Returns 0 and *@out, -WBE_RANGE, -WBE_EXIST, -WBE_NOMEM.
 */
int vlan_create(struct net *net, struct netdev *parent, unsigned tag, unsigned priority, struct netdev **out);
/** vlan_destroy() - unregister and free a device made by vlan_create(); -WBE_INVAL otherwise. */
int vlan_destroy(struct netdev *dev);
/** vlan_destroy_all_on() - destroy every VLAN device on @parent (before it goes away). */
void vlan_destroy_all_on(struct net *net, struct netdev *parent);

/* ---- ARP (arp.c), RFC 826 ---- */
void arp_rx(struct netdev *dev, struct iobuf *iob);
/**
 * arp_tx_ipv4() - send an IPv4 packet to next hop @next_hop on @dev: at once when the address
 * is known, otherwise queued (at most a few packets per address) while requests are sent.
 * Takes @iob. Returns 0 (sent or queued) or rc.
 */
int arp_tx_ipv4(struct netdev *dev, struct iobuf *iob, uint32_t next_hop);
/** arp_forget_device() - drop entries and queued packets of @dev (closed or unregistered). */
void arp_forget_device(struct net *net, struct netdev *dev);
void arp_fini(struct net *net);

/* ---- IPv4 (ipv4.c), RFC 791 ---- */
void ipv4_rx(struct netdev *dev, struct iobuf *iob);
/**
 * ipv4_tx() - send @iob (the transport payload, with IPV4_HLEN + link headroom) to @dst.
 * @dev: the interface to use, or NULL to route by destination. @src: source address, or 0
 * for the interface's. Takes @iob. Returns 0 or -WBE_NET_UNREACHABLE, -WBE_NET_TOO_BIG, ...
 */
int ipv4_tx(struct net *net, struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst, uint8_t proto);
/** ipv4_route_lookup() - the route for @dst (NULL if unreachable); *@next_hop set. */
const struct ipv4_route *ipv4_route_lookup(struct net *net, uint32_t dst, uint32_t *next_hop);
/** ipv4_dev_addr() - the configured address of @dev, 0 if none. */
uint32_t ipv4_dev_addr(struct netdev *dev);
/** ipv4_checksum() - RFC 1071 one's-complement sum over @len bytes, folded, not inverted. */
uint16_t ipv4_checksum_add(uint32_t sum, const void *data, size_t len);
uint16_t ipv4_checksum_finish(uint32_t sum);
/**
 * ipv4_transport_checksum_add() - the sum of ipv4_checksum_add() over the pseudo-header that
 * UDP (RFC 768) and TCP (RFC 9293 §3.1) checksums cover (@src, @dst, zero, @proto, @len) and
 * the @len bytes at @segment: 0xffff for a received segment whose checksum is right.
 */
uint16_t ipv4_transport_checksum_add(uint32_t src, uint32_t dst, uint8_t proto, const void *segment, size_t len);
void ipv4_fini(struct net *net);
/** ipv4_format() - "10.0.0.1" into @buf (at least 16 bytes). */
void ipv4_format(uint32_t addr, char *buf, size_t len);
/** ipv4_parse() - strict dotted decimal; 0 or -WBE_INVAL. */
int ipv4_parse(const char *text, uint32_t *addr);

/* ---- ICMP (icmp.c), RFC 792 ---- */
void icmp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst);
/** icmp_send_echo() - echo request with @len payload bytes. */
int icmp_send_echo(struct net *net, uint32_t dst, uint16_t id, uint16_t seq, size_t len);

#endif
