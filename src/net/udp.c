/* udp.c - UDP (RFC 768) sockets (contract in wireboot/udp.h). */
#include "wireboot/udp.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/rng.h"

#include <string.h>

#define EPHEMERAL_FIRST 49152 /* RFC 6335 §6: dynamic ports 49152-65535 */

static struct udp_socket *find_socket(struct net *net, uint16_t port)
{
	list_for_each(pos, &net->udp_sockets) {
		struct udp_socket *s = list_entry(pos, struct udp_socket, link);
		if (s->local_port == port)
			return s;
	}
	return NULL;
}

int udp_bind(struct net *net, struct udp_socket *sock, uint16_t port)
{
	if (port == 0) {
		/* start at a random place (RFC 6056 §3.3.1) so a restarted client does not reuse the
		 * last port and an off-path attacker cannot guess a resolver's port (RFC 5452 §9.2) */
		uint16_t r;
		rng_bytes(net->rng, &r, sizeof(r));
		net->next_ephemeral_port = (uint16_t)(EPHEMERAL_FIRST + r % (65536 - EPHEMERAL_FIRST));
		for (unsigned tries = 0; tries < 16384; tries++) {
			uint16_t candidate = net->next_ephemeral_port;
			net->next_ephemeral_port = candidate == 65535 ? EPHEMERAL_FIRST : (uint16_t)(candidate + 1);
			if (!find_socket(net, candidate)) {
				port = candidate;
				break;
			}
		}
		if (port == 0)
			return -WBE_BUSY;
	} else if (find_socket(net, port)) {
		return -WBE_EXIST;
	}
	sock->net = net;
	sock->local_port = port;
	list_add_tail(&net->udp_sockets, &sock->link);
	return 0;
}

void udp_unbind(struct udp_socket *sock)
{
	if (list_is_linked(&sock->link))
		list_remove(&sock->link);
}

int udp_send(struct udp_socket *sock, struct netdev *dev, uint32_t src, uint32_t dst, uint16_t dst_port,
	     struct iobuf *iob)
{
	struct net *net = sock->net;
	if (!src) {
		uint32_t next_hop;
		const struct ipv4_route *r = dev ? NULL : ipv4_route_lookup(net, dst, &next_hop);
		struct netdev *out = dev ? dev : r ? r->dev : NULL;
		src = out ? ipv4_dev_addr(out) : 0;
	}
	size_t len = iobuf_len(iob) + UDP_HLEN;
	uint8_t *h = iobuf_push(iob, UDP_HLEN);
	if (!h || len > 65535) {
		iobuf_free(iob);
		return -WBE_NOSPC;
	}
	put_be16(h, sock->local_port);
	put_be16(h + 2, dst_port);
	put_be16(h + 4, (uint16_t)len);
	put_be16(h + 6, 0);
	uint16_t sum = ipv4_checksum_finish(ipv4_transport_checksum_add(src, dst, IP_PROTO_UDP, h, len));
	put_be16(h + 6, sum ? sum : 0xffff); /* 0 means "no checksum": send all ones instead */
	return ipv4_tx(net, dev, iob, src, dst, IP_PROTO_UDP);
}

void udp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst)
{
	struct net *net = dev->net;
	const uint8_t *h = iob->data;
	size_t len = iobuf_len(iob);
	if (len < UDP_HLEN || get_be16(h + 4) < UDP_HLEN || get_be16(h + 4) > len) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	size_t udp_len = get_be16(h + 4);
	if (get_be16(h + 6) != 0 && ipv4_transport_checksum_add(src, dst, IP_PROTO_UDP, h, udp_len) != 0xffff) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	struct udp_meta meta = {dev, src, dst, get_be16(h), get_be16(h + 2)};
	struct udp_socket *sock = find_socket(net, meta.dst_port);
	if (!sock) {
		dev->stats.rx_dropped++;
		iobuf_free(iob);
		return;
	}
	iobuf_unput(iob, len - udp_len);
	iobuf_pull(iob, UDP_HLEN);
	sock->rx(sock, iob, &meta);
}
