/*
 * vlan.c - 802.1Q VLAN devices in software (IEEE 802.1Q §9.6 tag format). U-Boot's SNP has no
 * VLAN support (FIELD-NOTES), so wireboot inserts the tag itself and sends the frame through
 * the parent interface; ethernet.c removes tags on receive.
 */
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"

#include <string.h>

struct vlan_device {
	struct netdev netdev;
};

static int vlan_transmit(struct netdev *dev, struct iobuf *iob)
{
	uint8_t *tagged = iobuf_push(iob, VLAN_HLEN);
	if (!tagged) {
		iobuf_free(iob);
		return -WBE_NOSPC;
	}
	/* move the two MAC addresses forward, then TPID 0x8100 and PCP(3) DEI(1)=0 VID(12) */
	memmove(tagged, tagged + VLAN_HLEN, 2 * ETH_ALEN);
	put_be16(tagged + 12, ETH_P_8021Q);
	put_be16(tagged + 14, (uint16_t)((dev->vlan_priority & 7) << 13 | (dev->vlan_tag & 0x0fff)));
	return netdev_transmit(dev->vlan_parent, iob);
}

static const struct netdev_ops vlan_ops = {
	.transmit = vlan_transmit,
	/* open: netdev_open() opens the parent first; receive comes through the parent's poll */
};

int vlan_create(struct net *net, struct netdev *parent, unsigned tag, unsigned priority, struct netdev **out)
{
	/* VID 0 means "priority tag only" and 4095 is reserved (802.1Q Table 9-2) */
	if (tag < 1 || tag > 4094 || priority > 7 || parent->vlan_parent)
		return -WBE_RANGE;
	struct vlan_device *vdev = wb_zalloc(sizeof(*vdev));
	if (!vdev)
		return -WBE_NOMEM;
	struct netdev *dev = &vdev->netdev;
	memcpy(dev->ll_addr, parent->ll_addr, parent->ll_addr_len);
	dev->ll_addr_len = parent->ll_addr_len;
	dev->driver = "vlan";
	dev->ops = &vlan_ops;
	dev->vlan_parent = parent;
	dev->vlan_tag = (uint16_t)tag;
	dev->vlan_priority = (uint8_t)priority;
	dev->mtu = parent->vlan_tag_in_mtu ? parent->mtu - VLAN_HLEN : parent->mtu;
	/* the frames travel through the parent's buffers: its limits are the VLAN's */
	dev->rx_buffer_frames = parent->rx_buffer_frames;
	dev->rx_window_max_frames = parent->rx_window_max_frames;
	list_init(&dev->link);
	int rc = netdev_register(net, dev);
	if (rc) {
		wb_free(vdev);
		return rc;
	}
	dev->link_up = parent->link_up;
	*out = dev;
	return 0;
}

int vlan_destroy(struct netdev *dev)
{
	if (dev->ops != &vlan_ops)
		return -WBE_INVAL;
	netdev_unregister(dev);
	wb_free(container_of(dev, struct vlan_device, netdev));
	return 0;
}

void vlan_destroy_all_on(struct net *net, struct netdev *parent)
{
	list_for_each_safe(pos, tmp, &net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (dev->vlan_parent == parent)
			vlan_destroy(dev);
	}
}
