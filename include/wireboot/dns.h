/*
 * dns.h - the DNS resolver (A records) on the codec of dns_msg.h.
 *
 * Servers are the `dns` settings of the root scope and of every interface (DHCP's lease puts
 * one in netN.dhcp); a name without a dot is tried first with the `domain` setting appended
 * (iPXE's rule). Each query is retried across all servers with growing timeouts (1, 2, 4 s);
 * a CNAME chain that leaves the answer is followed with a bounded number of new queries.
 */
#ifndef WIREBOOT_DNS_H
#define WIREBOOT_DNS_H

#include <stdbool.h>
#include <stdint.h>
#include "wireboot/dns_msg.h"
#include "wireboot/process.h"
#include "wireboot/udp.h"

struct net;

#define DNS_MAX_SERVERS 4

struct dns_lookup {
	struct net *net;
	struct udp_socket sock;
	struct timer timer;
	char names[2][DNS_NAME_MAX + 1]; /* with the search domain first, then as given */
	unsigned nnames, name_index;
	char query[DNS_NAME_MAX + 1];     /* name of the query in flight (may be a CNAME target) */
	unsigned requeries;
	uint32_t servers[DNS_MAX_SERVERS];
	unsigned nservers, server_index, round;
	uint16_t id;
	bool done;
	int result;   /* 0 or rc, valid when done */
	uint32_t addr; /* first address, host order */
	int last_error;
};

/**
 * dns_lookup_start() - begin resolving @name (an IPv4 literal completes at once).
 * Returns 0, -WBE_DNS_NAME/-WBE_DNS_NAME_TOO_LONG, -WBE_DNS_NO_SERVER (no `dns` setting).
 */
int dns_lookup_start(struct dns_lookup *l, struct net *net, const char *name);
/** dns_lookup_done() - true when finished (loop_run_until() condition). */
bool dns_lookup_done(void *lookup);
/** dns_lookup_stop() - release socket and timer; safe in any state. */
void dns_lookup_stop(struct dns_lookup *l);

/**
 * dns_resolve() - resolve @name, running @net's loop for at most @timeout_ns.
 * Returns 0 and *@addr (host order), or the lookup's rc, -WBE_TIMEDOUT, -WBE_CANCELED.
 */
int dns_resolve(struct net *net, const char *name, uint32_t *addr, uint64_t timeout_ns);

#endif
