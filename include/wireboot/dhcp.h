/*
 * dhcp.h - the DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK on one interface, then
 * the lease's values in the settings scope "<interface>.dhcp" (ip, netmask, gateway, dns,
 * root-path, filename, iSCSI credentials, ...; see dhcp_msg.h for the list).
 *
 * The client is a process of the poll loop: dhcp_start() sends the first DISCOVER and returns;
 * dhcp_result() says when it has finished. The owner calls dhcp_stop() before freeing it.
 */
#ifndef WIREBOOT_DHCP_H
#define WIREBOOT_DHCP_H

#include <stdbool.h>
#include <stdint.h>
#include "wireboot/process.h"
#include "wireboot/udp.h"

struct net;
struct netdev;

#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67

enum dhcp_state {
	DHCP_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
	DHCP_REQUESTING, /* REQUEST sent for an offer, waiting for ACK/NAK */
	DHCP_BOUND,
	DHCP_FAILED,
};

struct dhcp_client {
	struct net *net;
	struct netdev *dev;
	struct udp_socket sock;
	struct timer retransmit;
	enum dhcp_state state;
	int result;               /* 0 when bound, negative rc when failed */
	uint32_t xid;
	uint64_t started_ns;
	unsigned attempts;        /* transmissions in the current state */
	unsigned naks;
	uint8_t offered_ip[4], server_id[4];
	uint16_t client_arch;     /* RFC 4578 option 93 */
	uint64_t bound_ns;        /* when the ACK arrived */
};

/**
 * dhcp_start() - open @dev and begin. @client_arch: RFC 4578 processor type (7 x64 UEFI,
 * 11 arm64 UEFI). Returns 0, or rc when the interface cannot be opened or port 68 is in use.
 */
int dhcp_start(struct dhcp_client *c, struct net *net, struct netdev *dev, uint16_t client_arch);

/** dhcp_done() - true once bound or failed (usable as a loop_run_until() condition). */
bool dhcp_done(void *client);

/** dhcp_stop() - release the socket and timer; safe in every state. */
void dhcp_stop(struct dhcp_client *c);

#endif
