/*
 * sockets.h - the host's TCP sockets as a wireboot transport (the Linux program's default
 * when it is given no --tap or --dgram interface).
 */
#ifndef WIREBOOT_LINUX_SOCKETS_H
#define WIREBOOT_LINUX_SOCKETS_H

struct transport;

/** host_sockets_transport() - the transport; its streams are non-blocking sockets. */
const struct transport *host_sockets_transport(void);

struct pollfd;

/** host_sockets_pollfds() - add the open host streams' sockets (POLLIN, and POLLOUT while
 *  connecting) to @fds (room for @max); returns how many were added. */
int host_sockets_pollfds(struct pollfd *fds, int max);

/** errno_to_rc() - the one conversion of errno values to wireboot rc codes on Linux. */
int errno_to_rc(int err);

#endif
