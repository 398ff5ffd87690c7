/*
 * stream.h - a reliable byte stream (TCP over our own stack, TLS over a stream, or a host
 * socket on Linux): what HTTP and iSCSI are written against, so the same protocol code runs
 * over the built-in TCP under EFI and over the kernel's TCP when developed and benchmarked on
 * the host.
 *
 * Streams never block. Writers hand bytes to stream_write(), which accepts what fits in the
 * send buffer; readers look at received bytes in place with stream_peek() and drop them with
 * stream_consume() (zero-copy: a consumer copies once, from the receive buffer to where the
 * bytes must go). Progress happens in the poll loop.
 *
 * Ownership: the creator (tcp_connect(), a transport's connect) returns a stream with one
 * reference held by the caller; stream_close() gives that reference back. The stream object
 * stays valid until then even after errors or the peer closing.
 */
#ifndef WIREBOOT_STREAM_H
#define WIREBOOT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream;

enum stream_state {
	STREAM_CONNECTING,
	STREAM_OPEN,   /* bytes flow both ways */
	STREAM_CLOSED, /* closed cleanly by both sides, or after stream_close() */
	STREAM_FAILED, /* see stream_error() */
};

struct stream_ops {
	enum stream_state (*state)(struct stream *s);
	int (*error)(struct stream *s);
	long (*write)(struct stream *s, const void *data, size_t len);
	size_t (*write_space)(struct stream *s);
	const uint8_t *(*peek)(struct stream *s, size_t *len);
	void (*consume)(struct stream *s, size_t len);
	bool (*eof)(struct stream *s);
	void (*shutdown_write)(struct stream *s);
	void (*close)(struct stream *s);
	void (*abort)(struct stream *s);
};

struct stream {
	const struct stream_ops *ops;
};

/** stream_state() - connecting, open, closed or failed. */
static inline enum stream_state stream_state(struct stream *s)
{
	return s->ops->state(s);
}

/** stream_error() - why a STREAM_FAILED stream failed (negative rc), 0 otherwise. */
static inline int stream_error(struct stream *s)
{
	return s->ops->error(s);
}

/**
 * stream_write() - queue up to @len bytes for sending. Returns the number accepted (0 when the
 * send buffer is full: try again after a loop step), or a negative rc when the stream failed
 * or was shut down for writing.
 */
static inline long stream_write(struct stream *s, const void *data, size_t len)
{
	return s->ops->write(s, data, len);
}

/** stream_write_space() - bytes stream_write() would accept now. */
static inline size_t stream_write_space(struct stream *s)
{
	return s->ops->write_space(s);
}

/**
 * stream_peek() - the next received bytes, in place: returns a pointer and sets *@len (NULL
 * and 0 when nothing is buffered). The bytes stay valid until the next consume or loop step.
 * A peek may return fewer bytes than are buffered (one contiguous piece at a time).
 */
static inline const uint8_t *stream_peek(struct stream *s, size_t *len)
{
	return s->ops->peek(s, len);
}

/** stream_consume() - drop @len bytes (at most what peek returned); reopens the window. */
static inline void stream_consume(struct stream *s, size_t len)
{
	s->ops->consume(s, len);
}

/** stream_eof() - the peer closed its side and every byte before it has been consumed. */
static inline bool stream_eof(struct stream *s)
{
	return s->ops->eof(s);
}

/** stream_shutdown_write() - send a FIN after the queued bytes (half-close). */
static inline void stream_shutdown_write(struct stream *s)
{
	s->ops->shutdown_write(s);
}

/**
 * stream_close() - the caller is done: close gracefully (queued bytes are still sent) and
 * release the caller's reference. @s must not be used afterwards.
 */
static inline void stream_close(struct stream *s)
{
	s->ops->close(s);
}

/** stream_abort() - reset the connection at once (TCP RST) and release the reference. */
static inline void stream_abort(struct stream *s)
{
	s->ops->abort(s);
}

#endif
