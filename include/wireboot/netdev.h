/*
 * netdev.h - network interfaces as the rest of wireboot sees them.
 *
 * A driver (EFI SNP, Linux TAP) embeds a struct netdev in its own state, fills the link-layer
 * address and driver name, and registers it: the device gets the next free name "netN" and a
 * settings scope of that name holding `mac`. The driver unregisters before freeing it.
 */
#ifndef WIREBOOT_NETDEV_H
#define WIREBOOT_NETDEV_H

#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"

struct system;
struct settings_scope;

#define NETDEV_NAME_MAX 16
#define NETDEV_ADDR_MAX 32 /* EFI_MAC_ADDRESS is 32 bytes */

struct netdev {
	struct list_node link;
	char name[NETDEV_NAME_MAX];
	uint8_t ll_addr[NETDEV_ADDR_MAX];
	size_t ll_addr_len;
	const char *driver;   /* "snp", "tap" */
	const char *location; /* where the device sits, e.g. a device path; may be NULL */
	struct settings_scope *settings;
};

/**
 * netdev_register() - name the device netN (lowest free N), create its settings scope with
 * `mac`, and add it to the system's list. @dev->ll_addr/ll_addr_len/driver must be set.
 * Returns 0, -WBE_INVAL for an address longer than NETDEV_ADDR_MAX, -WBE_NOMEM.
 */
int netdev_register(struct system *sys, struct netdev *dev);

/** netdev_unregister() - remove from the list and destroy the settings scope; safe twice. */
void netdev_unregister(struct netdev *dev);

/** netdev_find() - registered device named @name, or NULL. */
struct netdev *netdev_find(struct system *sys, const char *name);

#endif
