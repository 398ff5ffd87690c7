/*
 * ethernet.c - Ethernet II framing (IEEE 802.3) and the receive side of 802.1Q: tagged frames
 * are untagged here and handed to the VLAN device of their tag (vlan.c sends them tagged).
 */
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/log.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"

#include <string.h>

const uint8_t eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct netdev *vlan_child(struct netdev *parent, uint16_t tag)
{
	list_for_each(pos, &parent->net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (dev->vlan_parent == parent && dev->vlan_tag == tag)
			return dev;
	}
	return NULL;
}

static bool frame_is_for_us(const struct netdev *dev, const uint8_t *dest)
{
	/* group addresses (broadcast and multicast) have the low bit of the first byte set */
	return (dest[0] & 1) || memcmp(dest, dev->ll_addr, ETH_ALEN) == 0;
}

void eth_rx(struct netdev *dev, struct iobuf *iob)
{
	if (iobuf_len(iob) < ETH_HLEN) {
		dev->stats.rx_errors++;
		iobuf_free(iob);
		return;
	}
	const uint8_t *hdr = iob->data;
	uint16_t ethertype = get_be16(hdr + 12);
	if (ethertype == ETH_P_8021Q) {
		if (iobuf_len(iob) < ETH_HLEN + VLAN_HLEN) {
			dev->stats.rx_errors++;
			iobuf_free(iob);
			return;
		}
		uint16_t tag = get_be16(hdr + 14) & 0x0fff;
		/* VID 0 is a priority tag only (802.1Q §9.6): the frame belongs to the untagged
		 * network of @dev. A second tag inside it is not ours to interpret. */
		struct netdev *child = tag ? vlan_child(dev, tag) : dev;
		if (!child || !child->is_open || (!tag && get_be16(hdr + 16) == ETH_P_8021Q)) {
			dev->stats.rx_dropped++; /* a VLAN we are not on */
			iobuf_free(iob);
			return;
		}
		/* remove the tag: move the two MAC addresses forward over it */
		memmove(iob->data + VLAN_HLEN, iob->data, 2 * ETH_ALEN);
		iobuf_pull(iob, VLAN_HLEN);
		if (child != dev) {
			child->stats.rx_frames++;
			child->stats.rx_bytes += iobuf_len(iob);
		}
		eth_rx(child, iob);
		return;
	}
	if (!frame_is_for_us(dev, hdr)) {
		dev->stats.rx_dropped++; /* promiscuous firmware may hand us others' frames */
		iobuf_free(iob);
		return;
	}
	iobuf_pull(iob, ETH_HLEN);
	switch (ethertype) {
	case ETH_P_ARP:
		arp_rx(dev, iob);
		break;
	case ETH_P_IPV4:
		ipv4_rx(dev, iob);
		break;
	default:
		dev->stats.rx_dropped++;
		iobuf_free(iob);
		break;
	}
}

int eth_tx(struct netdev *dev, struct iobuf *iob, const uint8_t dest[6], uint16_t ethertype)
{
	uint8_t *hdr = iobuf_push(iob, ETH_HLEN);
	if (!hdr) {
		iobuf_free(iob);
		return -WBE_NOSPC;
	}
	memcpy(hdr, dest, ETH_ALEN);
	memcpy(hdr + ETH_ALEN, dev->ll_addr, ETH_ALEN);
	put_be16(hdr + 12, ethertype);
	return netdev_transmit(dev, iob);
}
