/*
 * netdev.h - network interfaces as the rest of wireboot sees them.
 *
 * A driver (EFI SNP, Linux TAP, the software VLAN device) embeds a struct netdev in its own
 * state, fills in the link-layer address, driver name and ops, and registers it: the device
 * gets the next free name "netN" (VLAN devices "<parent>-<tag>") and a settings scope of that
 * name holding `mac`. The driver unregisters before freeing it.
 *
 * Frames are complete Ethernet frames in iobufs. Ownership (DESIGN.md §3): netdev_transmit()
 * and ops->transmit take the iobuf in every case; a driver hands each received frame to
 * netdev_rx(), which takes it.
 */
#ifndef WIREBOOT_NETDEV_H
#define WIREBOOT_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"

struct net;
struct netdev;
struct iobuf;
struct settings_scope;

#define NETDEV_NAME_MAX 16
#define NETDEV_ADDR_MAX 32 /* EFI_MAC_ADDRESS is 32 bytes */
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_MTU 1500
#define ETH_FRAME_MAX (ETH_HLEN + 4 + ETH_MTU) /* with room for one 802.1Q tag */

struct netdev_ops {
	/** Bring the device up (start the NIC, allocate receive buffers). 0 or rc. */
	int (*open)(struct netdev *dev);
	/** Bring it down; frames still queued are dropped. */
	void (*close)(struct netdev *dev);
	/** Send one complete Ethernet frame; takes @iob in every case. 0 or rc. */
	int (*transmit)(struct netdev *dev, struct iobuf *iob);
	/** Receive every frame the device has (netdev_rx() each), reap transmit completions,
	 *  update link state. Called on every loop step while open. */
	void (*poll)(struct netdev *dev);
};

struct netdev_stats {
	uint64_t rx_frames, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_frames, tx_bytes, tx_errors;
};

struct netdev {
	struct list_node link;
	char name[NETDEV_NAME_MAX];
	uint8_t ll_addr[NETDEV_ADDR_MAX];
	size_t ll_addr_len;
	const char *driver;   /* "snp", "tap", "vlan" */
	const char *location; /* where the device sits, e.g. a device path; may be NULL */
	const struct netdev_ops *ops;
	struct net *net;      /* set by netdev_register() */
	struct settings_scope *settings;
	bool is_open;
	bool link_up;
	size_t mtu;
	/*
	 * Frames the device can hold between two polls without dropping (U-Boot's SNP keeps a
	 * 32-frame ring). TCP sizes its receive window from this: a window the path cannot
	 * drain only causes loss.
	 */
	unsigned rx_buffer_frames;
	/*
	 * Upper bound, in segments, for the TCP receive window (0: grow while in-order data keeps
	 * arriving). Firmware interfaces set it to rx_buffer_frames: U-Boot's virtio-net stops
	 * receiving for good once its ring overflows (measured), so it must never be risked.
	 */
	unsigned rx_window_max_frames;
	/*
	 * The device carries no frame longer than an untagged one of mtu bytes, so an 802.1Q
	 * tag must come out of the payload: VLAN devices on it get mtu - 4. Firmware NICs are
	 * like that (UEFI promises SNP frames of MediaHeaderSize + MaxPacketSize bytes, and
	 * U-Boot's virtio-net receive buffers hold exactly 1514; a tagged full-size frame is
	 * dropped before anyone sees it).
	 */
	bool vlan_tag_in_mtu;
	/* 802.1Q: a VLAN device sends through its parent with this tag (0: not a VLAN device) */
	struct netdev *vlan_parent;
	uint16_t vlan_tag;
	uint8_t vlan_priority;
	struct netdev_stats stats;
};

/**
 * netdev_register() - name the device (netN, or parent-tag for VLAN devices), create its
 * settings scope with `mac`, and add it to @net. @dev->ll_addr/ll_addr_len/driver/ops must be
 * set; mtu and rx_buffer_frames default to 1500 and 32 when zero.
 * Returns 0, -WBE_INVAL for an address longer than NETDEV_ADDR_MAX, -WBE_EXIST, -WBE_NOMEM.
 */
int netdev_register(struct net *net, struct netdev *dev);

/** netdev_unregister() - close, remove from the list, destroy the settings scope; safe twice. */
void netdev_unregister(struct netdev *dev);

/** netdev_find() - registered device named @name, or NULL. */
struct netdev *netdev_find(struct net *net, const char *name);

/** netdev_open() - open the device (and, for a VLAN device, its parent). 0 if already open. */
int netdev_open(struct netdev *dev);
/** netdev_close() - close the device (and the VLAN devices on it). Safe when closed. */
void netdev_close(struct netdev *dev);

/**
 * netdev_transmit() - send a frame; takes @iob. -WBE_NETDEV_CLOSED when the device is not
 * open. Counts the frame in the device's statistics.
 */
int netdev_transmit(struct netdev *dev, struct iobuf *iob);

/** netdev_rx() - a driver delivers one received frame; takes @iob. */
void netdev_rx(struct netdev *dev, struct iobuf *iob);

/** netdev_poll_all() - poll every open device once (the net process's step). */
void netdev_poll_all(struct net *net);

/** netdev_format_mac() - "52:54:00:12:34:56" into @buf (at least 3 * NETDEV_ADDR_MAX bytes). */
void netdev_format_mac(const struct netdev *dev, char *buf, size_t len);

#endif
