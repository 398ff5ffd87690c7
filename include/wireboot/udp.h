/*
 * udp.h - UDP sockets (RFC 768) over the IPv4 layer.
 *
 * A socket is embedded in its owner (DHCP client, resolver, NTP client) and bound to a local
 * port; received datagrams for that port are handed to its rx callback, which takes the
 * iobuf (payload only, UDP header pulled). udp_send() takes its iobuf too.
 */
#ifndef WIREBOOT_UDP_H
#define WIREBOOT_UDP_H

#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"

struct net;
struct netdev;
struct iobuf;

#define UDP_HLEN 8
/* headroom a UDP payload iobuf needs: Ethernet + 802.1Q + IPv4 + UDP */
#define UDP_HEADROOM (14 + 4 + 20 + UDP_HLEN)

struct udp_meta {
	struct netdev *dev; /* where it arrived */
	uint32_t src, dst;
	uint16_t src_port, dst_port;
};

struct udp_socket {
	struct list_node link;
	struct net *net;
	uint16_t local_port;
	void (*rx)(struct udp_socket *sock, struct iobuf *iob, const struct udp_meta *meta);
};

/**
 * udp_bind() - open @sock on local port @port (0: an unused ephemeral port, 49152..65535).
 * @sock->rx must be set. Returns 0, -WBE_EXIST if the port is taken.
 */
int udp_bind(struct net *net, struct udp_socket *sock, uint16_t port);
/** udp_unbind() - close; safe when not bound. */
void udp_unbind(struct udp_socket *sock);

/**
 * udp_send() - send @iob (payload, with UDP_HEADROOM) to @dst:@dst_port from the socket's
 * port. @dev forces the interface (DHCP before an address exists), NULL routes; @src 0 uses
 * the interface's address. Takes @iob.
 */
int udp_send(struct udp_socket *sock, struct netdev *dev, uint32_t src, uint32_t dst, uint16_t dst_port,
	     struct iobuf *iob);

/** udp_rx() - from the IPv4 layer; takes @iob (positioned at the UDP header). */
void udp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst);

#endif
