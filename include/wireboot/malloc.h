/*
 * malloc.h - wireboot's allocator: a thin accounting layer over the platform's memory.
 *
 * Every allocation in the core goes through here so that tests can (a) check that nothing
 * leaks at teardown and (b) make the Nth allocation fail to exercise every error path.
 * The backend (EFI AllocatePool, libc malloc) is installed once by the platform entry point.
 */
#ifndef WIREBOOT_MALLOC_H
#define WIREBOOT_MALLOC_H

#include <stddef.h>

struct malloc_backend {
	/* Returns memory aligned to 16 bytes, or NULL. */
	void *(*alloc)(size_t size);
	/* Frees what alloc returned; never called with NULL. */
	void (*free)(void *ptr);
	/*
	 * 0: every block comes from alloc (libc, and the sanitizer builds, where each block must
	 * be visible to AddressSanitizer). Otherwise blocks of up to 16 KiB are carved from
	 * chunks of this many bytes and recycled through per-size free lists: firmware pool
	 * allocation is slow (U-Boot allocates whole pages and walks its memory map for every
	 * AllocatePool), and the network path allocates a buffer per frame.
	 */
	size_t pool_chunk_size;
};

/** malloc_init() - install the backend (must outlive all allocations). Resets statistics. */
void malloc_init(const struct malloc_backend *backend);

/**
 * malloc_fini() - give the pool's chunks back to the backend. Only when no block is live
 * (otherwise the chunks are kept: freeing them under a live block would corrupt it).
 */
void malloc_fini(void);

/** wb_malloc() - @size bytes (16-byte aligned), or NULL when out of memory or failure injected. */
void *wb_malloc(size_t size);
/** wb_zalloc() - as wb_malloc() but zero-filled. */
void *wb_zalloc(size_t size);
/** wb_realloc() - resize; on failure returns NULL and @ptr stays valid. @ptr may be NULL. */
void *wb_realloc(void *ptr, size_t size);
/** wb_free() - release; NULL is ignored. */
void wb_free(void *ptr);
/** wb_strdup() - copy of a NUL-terminated string, or NULL. @s must not be NULL. */
char *wb_strdup(const char *s);

struct malloc_stats {
	size_t live_blocks;  /* allocations not yet freed */
	size_t live_bytes;
	size_t peak_bytes;
	size_t total_allocs; /* successful allocations since malloc_init() */
	size_t failed_allocs;
};

/** malloc_get_stats() - copy the counters into @stats (never NULL). */
void malloc_get_stats(struct malloc_stats *stats);

/**
 * malloc_fail_after() - fault injection for tests: the allocation after @n more successful
 * ones fails, and so does every later one while @sticky is nonzero (otherwise only that one).
 * malloc_fail_after(-1, 0) disables injection.
 */
void malloc_fail_after(long n, int sticky);

#endif
