/*
 * iobuf.c - allocation of I/O buffers (contract in wireboot/iobuf.h). The struct and its data
 * share one allocation; the data area starts 16-byte aligned right after the struct so that
 * headers pulled at natural offsets stay aligned.
 */
#include "wireboot/iobuf.h"
#include "wireboot/malloc.h"

#define IOBUF_ALIGN 16
#define IOBUF_MAX ((size_t)1 << 30)

struct iobuf *iobuf_alloc(size_t len)
{
	size_t header = (sizeof(struct iobuf) + IOBUF_ALIGN - 1) & ~(size_t)(IOBUF_ALIGN - 1);
	if (len > IOBUF_MAX)
		return NULL;
	unsigned char *block = wb_malloc(header + len);
	if (!block)
		return NULL;
	struct iobuf *iob = (struct iobuf *)(void *)block;
	list_init(&iob->link);
	iob->head = iob->data = iob->tail = block + header;
	iob->end = iob->head + len;
	return iob;
}

void iobuf_free(struct iobuf *iob)
{
	wb_free(iob);
}
