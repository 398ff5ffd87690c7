/* dgram.c - Ethernet frames over loopback UDP (contract in dgram.h). */
#define _GNU_SOURCE
#include "dgram.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DGRAM_RX_BATCH 256
#define DGRAM_RX_HEADROOM 32
#define DGRAM_SOCKET_BUFFER (4 << 20)

struct dgram_device {
	struct netdev netdev;
	int fd;
	struct sockaddr_in remote;
	char location[64];
};

static int parse_endpoint(const char *text, struct sockaddr_in *sa)
{
	char host[32];
	const char *colon = strrchr(text, ':');
	if (!colon || (size_t)(colon - text) >= sizeof(host))
		return -WBE_INVAL;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (*end || port < 1 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -WBE_INVAL;
	/* only loopback: test traffic must never leave this machine */
	if ((ntohl(sa->sin_addr.s_addr) >> 24) != 127)
		return -WBE_INVAL;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

static int dgram_transmit(struct netdev *dev, struct iobuf *iob)
{
	struct dgram_device *d = container_of(dev, struct dgram_device, netdev);
	ssize_t n = sendto(d->fd, iob->data, iobuf_len(iob), 0, (struct sockaddr *)&d->remote, sizeof(d->remote));
	size_t len = iobuf_len(iob);
	iobuf_free(iob);
	return n == (ssize_t)len ? 0 : -WBE_IO;
}

static void dgram_poll(struct netdev *dev)
{
	struct dgram_device *d = container_of(dev, struct dgram_device, netdev);
	for (unsigned i = 0; i < DGRAM_RX_BATCH; i++) {
		struct iobuf *iob = iobuf_alloc(DGRAM_RX_HEADROOM + ETH_FRAME_MAX + 64);
		if (!iob)
			return;
		iobuf_reserve(iob, DGRAM_RX_HEADROOM);
		ssize_t n = recv(d->fd, iob->data, iobuf_tailroom(iob), MSG_DONTWAIT);
		if (n <= 0) {
			iobuf_free(iob);
			return;
		}
		iobuf_put(iob, (size_t)n);
		netdev_rx(dev, iob);
	}
}

static const struct netdev_ops dgram_ops = {
	.transmit = dgram_transmit,
	.poll = dgram_poll,
};

int dgram_create(struct net *net, const char *local, const char *remote, const uint8_t mac[6], struct netdev **out)
{
	struct sockaddr_in local_sa;
	struct dgram_device *d = wb_zalloc(sizeof(*d));
	if (!d)
		return -WBE_NOMEM;
	if (parse_endpoint(local, &local_sa) || parse_endpoint(remote, &d->remote)) {
		wb_free(d);
		return -WBE_INVAL;
	}
	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int size = DGRAM_SOCKET_BUFFER;
	if (d->fd < 0 || bind(d->fd, (struct sockaddr *)&local_sa, sizeof(local_sa)) != 0) {
		if (d->fd >= 0)
			close(d->fd);
		wb_free(d);
		return -WBE_IO;
	}
	setsockopt(d->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	snprintf(d->location, sizeof(d->location), "udp %s -> %s", local, remote);
	struct netdev *dev = &d->netdev;
	list_init(&dev->link);
	memcpy(dev->ll_addr, mac, ETH_ALEN);
	dev->ll_addr_len = ETH_ALEN;
	dev->driver = "dgram";
	dev->location = d->location;
	dev->ops = &dgram_ops;
	dev->link_up = true;
	dev->rx_buffer_frames = 256;
	int rc = netdev_register(net, dev);
	if (rc) {
		close(d->fd);
		wb_free(d);
		return rc;
	}
	*out = dev;
	return 0;
}

void dgram_destroy(struct netdev *dev)
{
	struct dgram_device *d = container_of(dev, struct dgram_device, netdev);
	vlan_destroy_all_on(dev->net, dev);
	netdev_unregister(dev);
	close(d->fd);
	wb_free(d);
}

int dgram_fd(struct netdev *dev)
{
	return container_of(dev, struct dgram_device, netdev)->fd;
}
