/* malloc_test.c - tests for wireboot/malloc.h: statistics, alignment, zalloc/realloc/strdup,
 * refusal of absurd sizes, and the fault injection the other tests rely on. */
#include "wireboot/malloc.h"

#include <stdint.h>
#include <stdlib.h>

#include "test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A backend that counts calls, fills fresh memory with 0xaa (so zalloc's zeroing is really
 * tested) and can be told to fail. */
static unsigned backend_allocs, backend_frees;
static int backend_fails;

static void *poison_alloc(size_t size)
{
	backend_allocs++;
	if (backend_fails)
		return NULL;
	void *p = aligned_alloc(16, (size + 15) & ~(size_t)15);
	if (p)
		memset(p, 0xaa, size);
	return p;
}

static void poison_free(void *p)
{
	backend_frees++;
	free(p);
}

static const struct malloc_backend poison_backend = {poison_alloc, poison_free, 0};

static void use_poison_backend(void)
{
	backend_allocs = backend_frees = 0;
	backend_fails = 0;
	malloc_init(&poison_backend);
}

static struct malloc_stats stats(void)
{
	struct malloc_stats st;
	malloc_get_stats(&st);
	return st;
}

TEST(malloc_stats_track_blocks_and_bytes)
{
	use_poison_backend();
	struct malloc_stats st = stats();
	CHECK_INT(st.live_blocks, 0);
	CHECK_INT(st.live_bytes, 0);
	CHECK_INT(st.peak_bytes, 0);
	CHECK_INT(st.total_allocs, 0);
	CHECK_INT(st.failed_allocs, 0);

	void *a = wb_malloc(10), *b = wb_malloc(20), *c = wb_malloc(0);
	REQUIRE(a && b && c);
	st = stats();
	CHECK_INT(st.live_blocks, 3);
	CHECK_INT(st.live_bytes, 30);
	CHECK_INT(st.peak_bytes, 30);
	CHECK_INT(st.total_allocs, 3);
	wb_free(a);
	st = stats();
	CHECK_INT(st.live_blocks, 2);
	CHECK_INT(st.live_bytes, 20);
	CHECK_INT(st.peak_bytes, 30);
	void *d = wb_malloc(5);
	REQUIRE(d);
	st = stats();
	CHECK_INT(st.live_bytes, 25);
	CHECK_INT(st.peak_bytes, 30);
	CHECK_INT(st.total_allocs, 4);
	wb_free(b);
	wb_free(c);
	wb_free(d);
	wb_free(NULL);
	st = stats();
	CHECK_INT(st.live_blocks, 0);
	CHECK_INT(st.live_bytes, 0);
	CHECK_INT(st.failed_allocs, 0);
	CHECK_INT(backend_allocs, 4);
	CHECK_INT(backend_frees, 4);

	/* malloc_init() resets the counters */
	malloc_init(&poison_backend);
	st = stats();
	CHECK_INT(st.peak_bytes, 0);
	CHECK_INT(st.total_allocs, 0);
}

TEST(malloc_alignment)
{
	void *blocks[65];
	for (size_t size = 0; size < COUNT(blocks); size++) {
		blocks[size] = wb_malloc(size);
		REQUIRE(blocks[size]);
		CHECK_INT((uintptr_t)blocks[size] % 16, 0);
	}
	for (size_t size = 0; size < COUNT(blocks); size++)
		wb_free(blocks[size]);
}

TEST(malloc_zalloc_zeroes)
{
	use_poison_backend();
	static const size_t sizes[] = {1, 7, 16, 100, 4096};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		unsigned char *plain = wb_malloc(sizes[i]);
		REQUIRE(plain);
		CHECK_INT(plain[0], 0xaa); /* proves the backend hands out dirty memory */
		wb_free(plain);
		unsigned char *z = wb_zalloc(sizes[i]);
		REQUIRE(z);
		for (size_t k = 0; k < sizes[i]; k++) {
			if (z[k] != 0) {
				test_fail(__FILE__, __LINE__, "wb_zalloc(%zu)[%zu] = %#x", sizes[i], k, z[k]);
				break;
			}
		}
		wb_free(z);
	}
}

TEST(malloc_realloc_keeps_content)
{
	unsigned char *p = wb_realloc(NULL, 8); /* NULL: like wb_malloc */
	REQUIRE(p);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)i;
	p = wb_realloc(p, 1000); /* grow */
	REQUIRE(p);
	for (int i = 0; i < 8; i++)
		CHECK_INT(p[i], i);
	for (int i = 8; i < 1000; i++)
		p[i] = (unsigned char)i;
	p = wb_realloc(p, 300); /* shrink */
	REQUIRE(p);
	for (int i = 0; i < 300; i++)
		CHECK_INT(p[i], (unsigned char)i);
	struct malloc_stats st = stats();
	CHECK_INT(st.live_blocks, 1);
	CHECK_INT(st.live_bytes, 300);

	/* failure leaves the old block valid and unchanged */
	malloc_fail_after(0, 0);
	CHECK(wb_realloc(p, 5000) == NULL);
	CHECK(wb_realloc(p, SIZE_MAX) == NULL);
	for (int i = 0; i < 300; i++)
		CHECK_INT(p[i], (unsigned char)i);
	st = stats();
	CHECK_INT(st.live_blocks, 1);
	CHECK_INT(st.live_bytes, 300);
	CHECK_INT(st.failed_allocs, 2);
	wb_free(p);
}

TEST(malloc_fail_after_one_shot)
{
	use_poison_backend();
	malloc_fail_after(2, 0);
	void *a = wb_malloc(1), *b = wb_malloc(1), *c = wb_malloc(1), *d = wb_malloc(1), *e = wb_malloc(1);
	CHECK(a && b);
	CHECK(c == NULL);
	CHECK(d && e); /* one-shot: later allocations work again */
	CHECK_INT(stats().failed_allocs, 1);
	CHECK_INT(stats().total_allocs, 4);
	CHECK_INT(backend_allocs, 4); /* the injected failure never reached the backend */
	wb_free(a);
	wb_free(b);
	wb_free(d);
	wb_free(e);

	malloc_fail_after(0, 0); /* the very next one */
	CHECK(wb_zalloc(4) == NULL);
	void *f = wb_zalloc(4);
	CHECK(f != NULL);
	wb_free(f);
}

TEST(malloc_fail_after_sticky_and_disable)
{
	malloc_fail_after(1, 1);
	void *a = wb_malloc(1);
	CHECK(a != NULL);
	for (int i = 0; i < 5; i++)
		CHECK(wb_malloc(1) == NULL);
	CHECK(wb_strdup("x") == NULL);
	CHECK_INT(stats().failed_allocs, 6);
	malloc_fail_after(-1, 0);
	void *b = wb_malloc(1);
	CHECK(b != NULL);
	wb_free(a);
	wb_free(b);

	/* re-arming replaces the previous countdown */
	malloc_fail_after(0, 1);
	malloc_fail_after(3, 0);
	void *c[4];
	for (int i = 0; i < 4; i++)
		c[i] = wb_malloc(1);
	CHECK(c[0] && c[1] && c[2]);
	CHECK(c[3] == NULL);
	for (int i = 0; i < 3; i++)
		wb_free(c[i]);
}

TEST(malloc_strdup)
{
	static const char *const texts[] = {"", "a", "hello world", "with\ttab and UTF-8 \xc3\xa9"};
	for (size_t i = 0; i < COUNT(texts); i++) {
		char *copy = wb_strdup(texts[i]);
		REQUIRE(copy);
		CHECK(copy != texts[i]);
		CHECK_STR(copy, texts[i]);
		CHECK_INT(stats().live_bytes, strlen(texts[i]) + 1);
		wb_free(copy);
	}
	malloc_fail_after(0, 0);
	CHECK(wb_strdup("lost") == NULL);
}

TEST(malloc_huge_sizes_refused)
{
	use_poison_backend();
	static const size_t sizes[] = {((size_t)1 << 40) + 1, SIZE_MAX / 2, SIZE_MAX - 15, SIZE_MAX - 16, SIZE_MAX};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		CHECK(wb_malloc(sizes[i]) == NULL);
		CHECK(wb_zalloc(sizes[i]) == NULL);
		CHECK(wb_realloc(NULL, sizes[i]) == NULL);
	}
	CHECK_INT(backend_allocs, 0); /* refused before any size arithmetic or backend call */
	CHECK_INT(stats().failed_allocs, 3 * COUNT(sizes));
	CHECK_INT(stats().live_blocks, 0);
}

TEST(malloc_backend_failure)
{
	use_poison_backend();
	backend_fails = 1;
	CHECK(wb_malloc(16) == NULL);
	CHECK(wb_zalloc(16) == NULL);
	struct malloc_stats st = stats();
	CHECK_INT(st.failed_allocs, 2);
	CHECK_INT(st.live_blocks, 0);
	CHECK_INT(st.total_allocs, 0);
	backend_fails = 0;
}

/* ---- the small-block pool (firmware backends) ---- */

static int pool_backend_allocs, pool_backend_frees;

static void *pool_backend_alloc(size_t size)
{
	pool_backend_allocs++;
	return aligned_alloc(16, (size + 15) & ~(size_t)15);
}

static void pool_backend_free(void *p)
{
	pool_backend_frees++;
	free(p);
}

static const struct malloc_backend pooled_backend = {pool_backend_alloc, pool_backend_free, 64 * 1024};

TEST(malloc_pool_recycles_blocks)
{
	pool_backend_allocs = pool_backend_frees = 0;
	malloc_init(&pooled_backend);
	void *small[64];
	for (int i = 0; i < 64; i++) {
		small[i] = wb_malloc((size_t)(i * 37) % 2000 + 1);
		REQUIRE(small[i] != NULL);
		CHECK(((uintptr_t)small[i] & 15) == 0);
		memset(small[i], 0xa5, (size_t)(i * 37) % 2000 + 1);
	}
	CHECK_INT(pool_backend_allocs, 2); /* 64 blocks of up to 2 KiB fit in two 64 KiB chunks */
	void *last_small = small[55]; /* 36 bytes: the last block freed in the 64-byte class */
	for (int i = 0; i < 64; i++)
		wb_free(small[i]);
	void *again = wb_malloc(1);
	CHECK(again == last_small); /* same size class: the freed block is reused (LIFO), no backend call */
	CHECK_INT(pool_backend_allocs, 2);
	void *big = wb_malloc(100000); /* above 16 KiB: straight from the backend */
	REQUIRE(big != NULL);
	CHECK_INT(pool_backend_allocs, 3);
	void *grown = wb_realloc(again, 5000);
	REQUIRE(grown != NULL);
	wb_free(grown);
	wb_free(big);
	CHECK_INT(pool_backend_frees, 1);
	struct malloc_stats st;
	malloc_get_stats(&st);
	CHECK_INT(st.live_blocks, 0);
	malloc_fini();
	CHECK_INT(pool_backend_frees, pool_backend_allocs); /* every chunk went back */
}

TEST(malloc_pool_keeps_chunks_under_live_blocks)
{
	pool_backend_allocs = pool_backend_frees = 0;
	malloc_init(&pooled_backend);
	void *p = wb_malloc(100);
	REQUIRE(p != NULL);
	malloc_fini(); /* a live block: the chunk must stay */
	CHECK_INT(pool_backend_frees, 0);
	memset(p, 1, 100); /* still valid memory */
	wb_free(p);
	malloc_fini();
	CHECK_INT(pool_backend_frees, 1);
}
