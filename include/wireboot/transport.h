/*
 * transport.h - where streams come from. HTTP and iSCSI open their connections through the
 * system's transport: wireboot's own TCP/IP stack (always, under EFI), or on the Linux host
 * program the host's sockets (its default, so the host tool runs unprivileged against real
 * servers and protocols can be developed and benchmarked apart from our TCP).
 */
#ifndef WIREBOOT_TRANSPORT_H
#define WIREBOOT_TRANSPORT_H

#include <stdint.h>

struct stream;

struct transport {
	const char *name; /* "wireboot TCP/IP", "host sockets" */
	void *ctx;
	/**
	 * Resolve @host (a name or an IPv4 literal) and start connecting to @port. Returns 0 and
	 * a stream in STREAM_CONNECTING or STREAM_OPEN state, or a negative rc (name resolution
	 * and route errors). The caller releases the stream with stream_close()/stream_abort().
	 */
	int (*connect)(void *ctx, const char *host, uint16_t port, struct stream **out);
	/**
	 * Resolve @host (a name or an IPv4 literal) as connect() would, into *@addr (host
	 * order): for a protocol that must reach the very address its first connection went to
	 * (FTP's data connection). Returns 0 or the resolver's negative rc.
	 */
	int (*resolve)(void *ctx, const char *host, uint32_t *addr);
};

#endif
