/*
 * malloc.c - accounting and fault injection over the platform allocator
 * (contract in wireboot/malloc.h). Each block carries a 16-byte header holding its size,
 * which keeps user pointers 16-byte aligned and lets wb_realloc() copy the right amount.
 */
#include "wireboot/malloc.h"

#include <stdint.h>
#include <string.h>

#define HEADER_SIZE 16
#define MAX_ALLOC ((size_t)1 << 40) /* refuse absurd sizes before any arithmetic can wrap */

static const struct malloc_backend *backend;
static struct malloc_stats stats;
static long fail_countdown = -1;
static int fail_sticky;

void malloc_init(const struct malloc_backend *b)
{
	backend = b;
	memset(&stats, 0, sizeof(stats));
	fail_countdown = -1;
	fail_sticky = 0;
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
	unsigned char *block = backend->alloc(size + HEADER_SIZE);
	if (!block) {
		stats.failed_allocs++;
		return NULL;
	}
	memcpy(block, &size, sizeof(size));
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

static size_t block_size(void *ptr)
{
	size_t size;
	memcpy(&size, (unsigned char *)ptr - HEADER_SIZE, sizeof(size));
	return size;
}

void wb_free(void *ptr)
{
	if (!ptr)
		return;
	stats.live_blocks--;
	stats.live_bytes -= block_size(ptr);
	backend->free((unsigned char *)ptr - HEADER_SIZE);
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
