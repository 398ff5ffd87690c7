/* icmp.c - ICMP echo (RFC 792): answer pings, and deliver echo replies to `ping`. */
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"
#include "wireboot/udp.h"

#include <string.h>

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP_HLEN 8

void icmp_rx(struct netdev *dev, struct iobuf *iob, uint32_t src, uint32_t dst)
{
	struct net *net = dev->net;
	size_t len = iobuf_len(iob);
	uint8_t *h = iob->data;
	if (len < ICMP_HLEN || ipv4_checksum_add(0, h, len) != 0xffff) {
		net->ipv4.rx_bad++;
		iobuf_free(iob);
		return;
	}
	if (h[0] == ICMP_ECHO_REQUEST && h[1] == 0) {
		/* RFC 1122 §3.2.2.6: no replies to requests sent to a broadcast address */
		if (dst != ipv4_dev_addr(dev)) {
			iobuf_free(iob);
			return;
		}
		/* reply in place: same identifier, sequence and data */
		h[0] = ICMP_ECHO_REPLY;
		put_be16(h + 2, 0);
		put_be16(h + 2, ipv4_checksum_finish(ipv4_checksum_add(0, h, len)));
		/* the received buffer may lack headroom for the reply's headers: copy if so */
		if (iobuf_headroom(iob) < UDP_HEADROOM - UDP_HLEN) {
			struct iobuf *copy = iobuf_alloc(UDP_HEADROOM + len);
			if (!copy) {
				iobuf_free(iob);
				return;
			}
			iobuf_reserve(copy, UDP_HEADROOM);
			memcpy(iobuf_put(copy, len), h, len);
			iobuf_free(iob);
			iob = copy;
		}
		ipv4_tx(net, dev, iob, dst, src, IP_PROTO_ICMP);
		return;
	}
	if (h[0] == ICMP_ECHO_REPLY) {
		uint16_t id = get_be16(h + 4), seq = get_be16(h + 6);
		list_for_each_safe(pos, tmp, &net->echo_listeners) {
			struct icmp_echo_listener *l = list_entry(pos, struct icmp_echo_listener, link);
			if (l->id == id)
				l->reply(l, src, seq, h + ICMP_HLEN, len - ICMP_HLEN);
		}
	}
	iobuf_free(iob);
}

int icmp_send_echo(struct net *net, uint32_t dst, uint16_t id, uint16_t seq, size_t len)
{
	if (len > ETH_MTU - IPV4_HLEN - ICMP_HLEN)
		return -WBE_NET_TOO_BIG;
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + ICMP_HLEN + len);
	if (!iob)
		return -WBE_NOMEM;
	iobuf_reserve(iob, UDP_HEADROOM);
	uint8_t *h = iobuf_put(iob, ICMP_HLEN + len);
	h[0] = ICMP_ECHO_REQUEST;
	h[1] = 0;
	put_be16(h + 2, 0);
	put_be16(h + 4, id);
	put_be16(h + 6, seq);
	for (size_t i = 0; i < len; i++)
		h[ICMP_HLEN + i] = (uint8_t)i;
	put_be16(h + 2, ipv4_checksum_finish(ipv4_checksum_add(0, h, ICMP_HLEN + len)));
	return ipv4_tx(net, NULL, iob, 0, dst, IP_PROTO_ICMP);
}
