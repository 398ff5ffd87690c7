/* netdev.c - the registry of network interfaces and their open/transmit/receive paths
 * (contract in wireboot/netdev.h). */
#include "wireboot/netdev.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/iobuf.h"
#include "wireboot/net.h"
#include "wireboot/registry.h"
#include "wireboot/settings.h"

#include <string.h>

#define DEFAULT_RX_BUFFER_FRAMES 32

const struct setting_def setting_mac = {"mac", &setting_type_hex, "link-layer (MAC) address", false};
WB_REGISTER(setting_defs, setting_mac);

struct netdev *netdev_find(struct net *net, const char *name)
{
	list_for_each(pos, &net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (strcmp(dev->name, name) == 0)
			return dev;
	}
	return NULL;
}

int netdev_register(struct net *net, struct netdev *dev)
{
	if (dev->ll_addr_len > NETDEV_ADDR_MAX)
		return -WBE_INVAL;
	if (dev->vlan_parent) {
		wb_snprintf(dev->name, sizeof(dev->name), "%s-%u", dev->vlan_parent->name, dev->vlan_tag);
		if (netdev_find(net, dev->name))
			return -WBE_EXIST;
	} else {
		for (unsigned n = 0;; n++) {
			wb_snprintf(dev->name, sizeof(dev->name), "net%u", n);
			if (!netdev_find(net, dev->name))
				break;
		}
	}
	if (!dev->mtu)
		dev->mtu = ETH_MTU;
	if (!dev->rx_buffer_frames)
		dev->rx_buffer_frames = DEFAULT_RX_BUFFER_FRAMES;
	int rc = settings_scope_create(net->settings, NULL, dev->name, &dev->settings);
	if (rc)
		return rc;
	rc = settings_scope_put(dev->settings, "mac", &setting_type_hex, dev->ll_addr, dev->ll_addr_len);
	if (rc) {
		settings_scope_destroy(dev->settings);
		dev->settings = NULL;
		return rc;
	}
	dev->net = net;
	list_add_tail(&net->netdevs, &dev->link);
	return 0;
}

void netdev_unregister(struct netdev *dev)
{
	if (!list_is_linked(&dev->link))
		return;
	netdev_close(dev);
	list_remove(&dev->link);
	settings_scope_destroy(dev->settings);
	dev->settings = NULL;
}

int netdev_open(struct netdev *dev)
{
	if (dev->is_open)
		return 0;
	if (dev->vlan_parent) {
		int rc = netdev_open(dev->vlan_parent);
		if (rc)
			return rc;
	}
	int rc = dev->ops->open ? dev->ops->open(dev) : 0;
	if (rc == 0)
		dev->is_open = true;
	return rc;
}

void netdev_close(struct netdev *dev)
{
	if (!dev->is_open)
		return;
	/* VLAN devices on this one go down with it */
	list_for_each(pos, &dev->net->netdevs) {
		struct netdev *child = list_entry(pos, struct netdev, link);
		if (child->vlan_parent == dev)
			netdev_close(child);
	}
	arp_forget_device(dev->net, dev);
	if (dev->ops->close)
		dev->ops->close(dev);
	dev->is_open = false;
}

int netdev_transmit(struct netdev *dev, struct iobuf *iob)
{
	if (!dev->is_open) {
		iobuf_free(iob);
		dev->stats.tx_errors++;
		return -WBE_NETDEV_CLOSED;
	}
	size_t len = iobuf_len(iob);
	int rc = dev->ops->transmit(dev, iob);
	if (rc) {
		dev->stats.tx_errors++;
		return rc;
	}
	dev->stats.tx_frames++;
	dev->stats.tx_bytes += len;
	return 0;
}

void netdev_rx(struct netdev *dev, struct iobuf *iob)
{
	dev->stats.rx_frames++;
	dev->stats.rx_bytes += iobuf_len(iob);
	eth_rx(dev, iob);
}

void netdev_poll_all(struct net *net)
{
	list_for_each_safe(pos, tmp, &net->netdevs) {
		struct netdev *dev = list_entry(pos, struct netdev, link);
		if (dev->is_open && dev->ops->poll)
			dev->ops->poll(dev);
	}
}

void netdev_format_mac(const struct netdev *dev, char *buf, size_t len)
{
	size_t pos = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < dev->ll_addr_len && pos < len; i++)
		pos += (size_t)wb_snprintf(buf + pos, len - pos, "%s%02x", i ? ":" : "", dev->ll_addr[i]);
}
