/*
 * malloc.c - accounting, fault injection and a small-block pool over the platform allocator
 * (contract in wireboot/malloc.h). Each block carries a 16-byte header holding its size and
 * size class, which keeps user pointers 16-byte aligned and lets wb_realloc() copy the right
 * amount. Pooled blocks are power-of-two sized (64 B .. 16 KiB including the header), carved
 * from large chunks and recycled through one free list per size: allocation and release are
 * a few instructions, with no firmware call.
 */
#include "wireboot/malloc.h"

#include <stdint.h>
#include <string.h>

#define HEADER_SIZE 16
#define MAX_ALLOC ((size_t)1 << 40) /* refuse absurd sizes before any arithmetic can wrap */
#define POOL_MIN_SHIFT 6            /* 64-byte blocks */
#define POOL_CLASSES 9              /* ... to 16 KiB */
#define DIRECT_CLASS 0xffffffffu    /* the block came straight from the backend */

struct block_header {
	size_t size;
	uint32_t size_class;
};
_Static_assert(sizeof(struct block_header) <= HEADER_SIZE, "block header fits its 16 bytes");

struct free_block {
	struct free_block *next;
};

static const struct malloc_backend *backend;
static struct malloc_stats stats;
static long fail_countdown = -1;
static int fail_sticky;
static struct free_block *free_lists[POOL_CLASSES];
static unsigned char *bump, *bump_end; /* unused rest of the newest chunk */
static void *chunks;                   /* chunk list, linked through each chunk's first word */

void malloc_init(const struct malloc_backend *b)
{
	backend = b;
	memset(&stats, 0, sizeof(stats));
	fail_countdown = -1;
	fail_sticky = 0;
	memset(free_lists, 0, sizeof(free_lists));
	bump = bump_end = NULL;
	chunks = NULL;
}

void malloc_fini(void)
{
	if (stats.live_blocks)
		return;
	while (chunks) {
		void *next;
		memcpy(&next, chunks, sizeof(next));
		backend->free(chunks);
		chunks = next;
	}
	memset(free_lists, 0, sizeof(free_lists));
	bump = bump_end = NULL;
}

/* Size class of a pooled block of @total bytes, or DIRECT_CLASS. */
static uint32_t size_class(size_t total)
{
	if (!backend->pool_chunk_size || total > ((size_t)1 << (POOL_MIN_SHIFT + POOL_CLASSES - 1)))
		return DIRECT_CLASS;
	uint32_t c = 0;
	while (((size_t)1 << (POOL_MIN_SHIFT + c)) < total)
		c++;
	return c;
}

static unsigned char *pool_take(uint32_t c)
{
	if (free_lists[c]) {
		struct free_block *fb = free_lists[c];
		free_lists[c] = fb->next;
		return (unsigned char *)fb;
	}
	size_t bytes = (size_t)1 << (POOL_MIN_SHIFT + c);
	if ((size_t)(bump_end - bump) < bytes) {
		unsigned char *chunk = backend->alloc(backend->pool_chunk_size);
		if (!chunk)
			return NULL;
		memcpy(chunk, &chunks, sizeof(chunks));
		chunks = chunk;
		bump = chunk + HEADER_SIZE; /* the link word, padded to keep blocks aligned */
		bump_end = chunk + backend->pool_chunk_size;
		if ((size_t)(bump_end - bump) < bytes)
			return NULL;
	}
	unsigned char *block = bump;
	bump += bytes;
	return block;
}

void malloc_fail_after(long n, int sticky)
{
	fail_countdown = n;
	fail_sticky = sticky;
}

void malloc_get_stats(struct malloc_stats *out)
{
	*out = stats;
}

static int injected_failure(void)
{
	if (fail_countdown < 0)
		return 0;
	if (fail_countdown > 0) {
		fail_countdown--;
		return 0;
	}
	if (!fail_sticky)
		fail_countdown = -1;
	return 1;
}

void *wb_malloc(size_t size)
{
	if (!backend || size > MAX_ALLOC || injected_failure()) {
		stats.failed_allocs++;
		return NULL;
	}
	struct block_header hdr = {size, size_class(size + HEADER_SIZE)};
	unsigned char *block = hdr.size_class == DIRECT_CLASS ? backend->alloc(size + HEADER_SIZE) : pool_take(hdr.size_class);
	if (!block) {
		stats.failed_allocs++;
		return NULL;
	}
	memcpy(block, &hdr, sizeof(hdr));
	stats.live_blocks++;
	stats.live_bytes += size;
	stats.total_allocs++;
	if (stats.live_bytes > stats.peak_bytes)
		stats.peak_bytes = stats.live_bytes;
	return block + HEADER_SIZE;
}

void *wb_zalloc(size_t size)
{
	void *p = wb_malloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

static struct block_header header_of(void *ptr)
{
	struct block_header hdr;
	memcpy(&hdr, (unsigned char *)ptr - HEADER_SIZE, sizeof(hdr));
	return hdr;
}

static size_t block_size(void *ptr)
{
	return header_of(ptr).size;
}

void wb_free(void *ptr)
{
	if (!ptr)
		return;
	struct block_header hdr = header_of(ptr);
	unsigned char *block = (unsigned char *)ptr - HEADER_SIZE;
	stats.live_blocks--;
	stats.live_bytes -= hdr.size;
	if (hdr.size_class == DIRECT_CLASS) {
		backend->free(block);
		return;
	}
	struct free_block *fb = (struct free_block *)(void *)block;
	fb->next = free_lists[hdr.size_class];
	free_lists[hdr.size_class] = fb;
}

void *wb_realloc(void *ptr, size_t size)
{
	if (!ptr)
		return wb_malloc(size);
	void *fresh = wb_malloc(size);
	if (!fresh)
		return NULL;
	size_t old = block_size(ptr);
	memcpy(fresh, ptr, old < size ? old : size);
	wb_free(ptr);
	return fresh;
}

char *wb_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = wb_malloc(n);
	if (copy)
		memcpy(copy, s, n);
	return copy;
}
