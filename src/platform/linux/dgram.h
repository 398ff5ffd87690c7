/*
 * dgram.h - an Ethernet interface whose frames travel as UDP datagrams on loopback, one frame
 * per datagram (the format of QEMU's `-netdev dgram`). Tests connect it to the userspace test
 * switch (tests/tools/netswitch), which can drop, duplicate, reorder and VLAN-tag frames: the
 * kernel here has no netem and no 802.1Q interfaces.
 */
#ifndef WIREBOOT_LINUX_DGRAM_H
#define WIREBOOT_LINUX_DGRAM_H

#include <stdint.h>

struct net;
struct netdev;

/**
 * dgram_create() - bind a UDP socket to @local ("127.0.0.1:7001"), send frames to @remote,
 * and register it as an interface with MAC @mac. Only loopback addresses are accepted.
 * Returns 0 and *@out, -WBE_INVAL (bad or non-loopback address), -WBE_IO, -WBE_NOMEM.
 */
int dgram_create(struct net *net, const char *local, const char *remote, const uint8_t mac[6], struct netdev **out);
/** dgram_destroy() - unregister (with VLAN devices on it) and close. */
void dgram_destroy(struct netdev *dev);

/** dgram_fd() - the file descriptor frames arrive on (for the host's idle poll()). */
int dgram_fd(struct netdev *dev);

#endif
