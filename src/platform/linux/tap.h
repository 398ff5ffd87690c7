/*
 * tap.h - Linux TAP devices as wireboot interfaces (host program's --tap option).
 */
#ifndef WIREBOOT_LINUX_TAP_H
#define WIREBOOT_LINUX_TAP_H

#include <stdint.h>

struct net;
struct netdev;

/**
 * tap_create() - attach to (or create) TAP interface @ifname and register it with MAC @mac.
 * The caller (a test) configures the host side of the TAP. Returns 0 and *@out, or
 * -WBE_PLATFORM_ACCESS (needs CAP_NET_ADMIN), -WBE_NOENT (no /dev/net/tun), -WBE_IO, -WBE_NOMEM.
 */
int tap_create(struct net *net, const char *ifname, const uint8_t mac[6], struct netdev **out);
/** tap_destroy() - unregister (with its VLAN devices) and close. */
void tap_destroy(struct netdev *dev);

/** tap_fd() - the file descriptor frames arrive on (for the host's idle poll()). */
int tap_fd(struct netdev *dev);

#endif
