/*
 * iobuf.h - I/O buffers: one contiguous allocation with head <= data <= tail <= end.
 *
 *   head            data              tail            end
 *    |  headroom     |   payload       |   tailroom    |
 *
 * Layers push headers into the headroom on transmit and pull them off on receive, so a frame
 * is built and parsed without copies. Ownership rule (DESIGN.md §3): a function that receives
 * an iobuf owns it, on success and on failure; it must free it or pass it on.
 * Contract for the inline accessors: callers check room first (iobuf_headroom/tailroom/len);
 * push/put/pull on too little room is a programming error and returns NULL without changing
 * the buffer.
 */
#ifndef WIREBOOT_IOBUF_H
#define WIREBOOT_IOBUF_H

#include <stddef.h>
#include "wireboot/list.h"

struct iobuf {
	struct list_node link; /* for the owner's queues; unlinked when allocated */
	unsigned char *head, *data, *tail, *end;
};

/**
 * iobuf_alloc() - buffer with @len bytes of room, all of it tailroom (data == tail == head).
 * Returns NULL when out of memory. Free with iobuf_free().
 */
struct iobuf *iobuf_alloc(size_t len);

/** iobuf_free() - free the buffer; NULL is ignored. It must not be on a list. */
void iobuf_free(struct iobuf *iob);

static inline size_t iobuf_len(const struct iobuf *iob)
{
	return (size_t)(iob->tail - iob->data);
}
static inline size_t iobuf_headroom(const struct iobuf *iob)
{
	return (size_t)(iob->data - iob->head);
}
static inline size_t iobuf_tailroom(const struct iobuf *iob)
{
	return (size_t)(iob->end - iob->tail);
}

/** iobuf_reserve() - move data/tail forward by @len to make headroom; only on an empty buffer. */
static inline void *iobuf_reserve(struct iobuf *iob, size_t len)
{
	if (iobuf_len(iob) != 0 || iobuf_tailroom(iob) < len)
		return NULL;
	iob->data += len;
	iob->tail += len;
	return iob->data;
}

/** iobuf_put() - grow the payload at the tail by @len; returns where the new bytes go. */
static inline void *iobuf_put(struct iobuf *iob, size_t len)
{
	if (iobuf_tailroom(iob) < len)
		return NULL;
	void *old_tail = iob->tail;
	iob->tail += len;
	return old_tail;
}

/** iobuf_push() - grow the payload at the front by @len (prepend a header); returns new data. */
static inline void *iobuf_push(struct iobuf *iob, size_t len)
{
	if (iobuf_headroom(iob) < len)
		return NULL;
	iob->data -= len;
	return iob->data;
}

/** iobuf_pull() - drop @len bytes from the front (consume a header); returns new data. */
static inline void *iobuf_pull(struct iobuf *iob, size_t len)
{
	if (iobuf_len(iob) < len)
		return NULL;
	iob->data += len;
	return iob->data;
}

/** iobuf_unput() - drop @len bytes from the tail (strip padding or a trailer). */
static inline void *iobuf_unput(struct iobuf *iob, size_t len)
{
	if (iobuf_len(iob) < len)
		return NULL;
	iob->tail -= len;
	return iob->tail;
}

#endif
