/*
 * sockets.c - host TCP sockets as streams (contracts in sockets.h and wireboot/stream.h).
 * Non-blocking throughout: connect completes when the socket becomes writable, reads go
 * through a buffer that peek() fills and consume() drains.
 */
#define _GNU_SOURCE
#include "sockets.h"
#include "wireboot/errors.h"
#include "wireboot/list.h"
#include "wireboot/malloc.h"
#include "wireboot/stream.h"
#include "wireboot/transport.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RX_BUFFER (256 * 1024)

struct host_stream {
	struct stream stream;
	struct list_node link; /* in open_streams, for the idle poll */
	int fd;
	bool connecting, eof, write_shut;
	int error;
	size_t rx_start, rx_end;
	uint8_t rx[RX_BUFFER];
};

/* Open streams, so that the host's idle wait also wakes up for socket data. */
static struct list_node open_streams = LIST_HEAD_INIT(open_streams);

int host_sockets_pollfds(struct pollfd *fds, int max)
{
	int n = 0;
	list_for_each(pos, &open_streams) {
		if (n == max)
			break;
		struct host_stream *h = list_entry(pos, struct host_stream, link);
		fds[n].fd = h->fd;
		fds[n].events = (short)(POLLIN | (h->connecting ? POLLOUT : 0));
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int errno_to_rc(int err)
{
	switch (err) {
	case 0:
		return 0;
	case ECONNREFUSED:
		return -WBE_TCP_REFUSED;
	case ECONNRESET:
	case EPIPE:
		return -WBE_TCP_RESET;
	case ETIMEDOUT:
		return -WBE_TCP_TIMEOUT;
	case EHOSTUNREACH:
	case ENETUNREACH:
		return -WBE_NET_UNREACHABLE;
	case ENOMEM:
	case ENOBUFS:
		return -WBE_NOMEM;
	case EACCES:
	case EPERM:
		return -WBE_PLATFORM_ACCESS;
	case EAGAIN:
		return -WBE_AGAIN;
	default:
		return -WBE_IO;
	}
}

static struct host_stream *hs_of(struct stream *s)
{
	return container_of(s, struct host_stream, stream);
}

static void check_connected(struct host_stream *h)
{
	if (!h->connecting)
		return;
	struct pollfd p = {h->fd, POLLOUT, 0};
	if (poll(&p, 1, 0) <= 0)
		return;
	int err = 0;
	socklen_t len = sizeof(err);
	getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	h->connecting = false;
	if (err)
		h->error = errno_to_rc(err);
}

static enum stream_state hs_state(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	check_connected(h);
	if (h->error)
		return STREAM_FAILED;
	if (h->connecting)
		return STREAM_CONNECTING;
	return h->eof && h->write_shut && h->rx_start == h->rx_end ? STREAM_CLOSED : STREAM_OPEN;
}

static int hs_error(struct stream *s)
{
	return hs_of(s)->error;
}

static long hs_write(struct stream *s, const void *data, size_t len)
{
	struct host_stream *h = hs_of(s);
	check_connected(h);
	if (h->error)
		return h->error;
	if (h->write_shut)
		return -WBE_TCP_SHUTDOWN;
	if (h->connecting)
		return 0;
	ssize_t n = send(h->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		h->error = errno_to_rc(errno);
		return h->error;
	}
	return (long)n;
}

static size_t hs_write_space(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	check_connected(h);
	if (h->error || h->connecting || h->write_shut)
		return 0;
	struct pollfd p = {h->fd, POLLOUT, 0};
	return poll(&p, 1, 0) > 0 ? 65536 : 0;
}

static const uint8_t *hs_peek(struct stream *s, size_t *len)
{
	struct host_stream *h = hs_of(s);
	check_connected(h);
	if (h->rx_start == h->rx_end && !h->eof && !h->error && !h->connecting) {
		h->rx_start = h->rx_end = 0;
		ssize_t n = recv(h->fd, h->rx, sizeof(h->rx), MSG_DONTWAIT);
		if (n > 0)
			h->rx_end = (size_t)n;
		else if (n == 0)
			h->eof = true;
		else if (errno != EAGAIN && errno != EINTR)
			h->error = errno_to_rc(errno);
	}
	*len = h->rx_end - h->rx_start;
	return *len ? h->rx + h->rx_start : NULL;
}

static void hs_consume(struct stream *s, size_t len)
{
	struct host_stream *h = hs_of(s);
	size_t avail = h->rx_end - h->rx_start;
	h->rx_start += len < avail ? len : avail;
}

static bool hs_eof(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	return h->eof && h->rx_start == h->rx_end;
}

static void hs_shutdown_write(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	if (!h->write_shut)
		shutdown(h->fd, SHUT_WR);
	h->write_shut = true;
}

static void hs_close(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	list_remove(&h->link);
	close(h->fd); /* the kernel finishes sending queued bytes and the FIN */
	wb_free(h);
}

static void hs_abort(struct stream *s)
{
	struct host_stream *h = hs_of(s);
	struct linger lg = {1, 0}; /* close with RST */
	setsockopt(h->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	list_remove(&h->link);
	close(h->fd);
	wb_free(h);
}

static const struct stream_ops host_stream_ops = {
	.state = hs_state,
	.error = hs_error,
	.write = hs_write,
	.write_space = hs_write_space,
	.peek = hs_peek,
	.consume = hs_consume,
	.eof = hs_eof,
	.shutdown_write = hs_shutdown_write,
	.close = hs_close,
	.abort = hs_abort,
};

/* The host's resolver: the first IPv4 address of @host, with @port filled in. */
static int lookup(const char *host, uint16_t port, struct addrinfo **res)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	*res = NULL;
	int gai = getaddrinfo(host, service, &hints, res);
	if (gai == 0 && *res)
		return 0;
	if (*res)
		freeaddrinfo(*res);
	return gai == EAI_NONAME ? -WBE_DNS_NXDOMAIN : -WBE_DNS_TIMEOUT;
}

static int host_resolve(void *ctx, const char *host, uint32_t *addr)
{
	(void)ctx;
	struct addrinfo *res;
	int rc = lookup(host, 0, &res);
	if (rc)
		return rc;
	*addr = ntohl(((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static int host_connect(void *ctx, const char *host, uint16_t port, struct stream **out)
{
	(void)ctx;
	struct addrinfo *res;
	int rc = lookup(host, port, &res);
	if (rc)
		return rc;
	struct host_stream *h = wb_zalloc(sizeof(*h));
	if (!h) {
		freeaddrinfo(res);
		return -WBE_NOMEM;
	}
	h->stream.ops = &host_stream_ops;
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (h->fd >= 0)
		setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc = h->fd < 0 ? errno_to_rc(errno) : 0;
	if (rc == 0 && connect(h->fd, res->ai_addr, res->ai_addrlen) != 0) {
		if (errno == EINPROGRESS)
			h->connecting = true;
		else
			rc = errno_to_rc(errno);
	}
	freeaddrinfo(res);
	if (rc) {
		if (h->fd >= 0)
			close(h->fd);
		wb_free(h);
		return rc;
	}
	list_add_tail(&open_streams, &h->link);
	*out = &h->stream;
	return 0;
}

static const struct transport host_transport = {"host sockets", NULL, host_connect, host_resolve};

const struct transport *host_sockets_transport(void)
{
	return &host_transport;
}
