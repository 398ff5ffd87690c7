/*
 * tap.c - a Linux TAP device as a wireboot network interface, so the built-in stack runs on
 * the host against real peers (dnsmasq, the kernel's TCP) inside a network namespace.
 * Frames are read without blocking; each poll drains what the kernel has queued.
 */
#define _GNU_SOURCE
#include "tap.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TAP_RX_BATCH 256 /* frames per poll: bounded so one busy device cannot starve the loop */
#define TAP_RX_HEADROOM 32

struct tap_device {
	struct netdev netdev;
	int fd;
	char ifname[IFNAMSIZ];
};

static int tap_open(struct netdev *dev)
{
	(void)dev; /* the file descriptor is open from creation: the kernel queues until we read */
	return 0;
}

static int tap_transmit(struct netdev *dev, struct iobuf *iob)
{
	struct tap_device *tap = container_of(dev, struct tap_device, netdev);
	ssize_t n = write(tap->fd, iob->data, iobuf_len(iob));
	size_t len = iobuf_len(iob);
	iobuf_free(iob);
	/* a full kernel queue drops the frame, as a busy wire would: TCP retransmits */
	return n == (ssize_t)len ? 0 : -WBE_IO;
}

static void tap_poll(struct netdev *dev)
{
	struct tap_device *tap = container_of(dev, struct tap_device, netdev);
	for (unsigned i = 0; i < TAP_RX_BATCH; i++) {
		struct iobuf *iob = iobuf_alloc(TAP_RX_HEADROOM + ETH_FRAME_MAX + 64);
		if (!iob) {
			dev->stats.rx_dropped++;
			return;
		}
		iobuf_reserve(iob, TAP_RX_HEADROOM);
		ssize_t n = read(tap->fd, iob->data, iobuf_tailroom(iob));
		if (n <= 0) {
			iobuf_free(iob);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				dev->stats.rx_errors++;
			return;
		}
		iobuf_put(iob, (size_t)n);
		netdev_rx(dev, iob);
	}
}

static const struct netdev_ops tap_ops = {
	.open = tap_open,
	.transmit = tap_transmit,
	.poll = tap_poll,
};

int tap_create(struct net *net, const char *ifname, const uint8_t mac[6], struct netdev **out)
{
	if (strlen(ifname) >= IFNAMSIZ)
		return -WBE_INVAL;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? -WBE_PLATFORM_ACCESS : -WBE_NOENT;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = errno;
		close(fd);
		return err == EPERM || err == EACCES ? -WBE_PLATFORM_ACCESS : -WBE_IO;
	}
	struct tap_device *tap = wb_zalloc(sizeof(*tap));
	if (!tap) {
		close(fd);
		return -WBE_NOMEM;
	}
	tap->fd = fd;
	memcpy(tap->ifname, ifname, strlen(ifname));
	struct netdev *dev = &tap->netdev;
	list_init(&dev->link);
	memcpy(dev->ll_addr, mac, ETH_ALEN);
	dev->ll_addr_len = ETH_ALEN;
	dev->driver = "tap";
	dev->location = tap->ifname;
	dev->ops = &tap_ops;
	dev->link_up = true;
	/* the kernel queues ~500 frames for a TAP; the window may use them */
	dev->rx_buffer_frames = 256;
	int rc = netdev_register(net, dev);
	if (rc) {
		close(fd);
		wb_free(tap);
		return rc;
	}
	*out = dev;
	return 0;
}

void tap_destroy(struct netdev *dev)
{
	struct tap_device *tap = container_of(dev, struct tap_device, netdev);
	vlan_destroy_all_on(dev->net, dev);
	netdev_unregister(dev);
	close(tap->fd);
	wb_free(tap);
}

int tap_fd(struct netdev *dev)
{
	return container_of(dev, struct tap_device, netdev)->fd;
}
