/* rng_test.c - tests for wireboot/rng.h: seeding from the hardware source and from jitter on
 * the host clock, refusal of a stuck counter, output lengths, reseeding and allocation failure. */
#include "wireboot/rng.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool all_equal(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Fraction of one bits, in per mille. */
static unsigned ones_per_mille(const uint8_t *p, size_t len)
{
	unsigned long ones = 0;
	for (size_t i = 0; i < len; i++)
		ones += (unsigned long)__builtin_popcount(p[i]);
	return (unsigned)(ones * 1000 / (len * 8));
}

TEST(rng_hardware_seed)
{
	struct test_platform tp;
	test_platform_init(&tp);
	struct rng *rng = NULL;
	bool hw = false;
	CHECK_INT(rng_create(&tp.platform, &rng, &hw), 0);
	REQUIRE(rng);
	CHECK(hw);
	CHECK_INT(tp.entropy_calls, 1);
	uint8_t buf[4096];
	memset(buf, 0, sizeof(buf));
	rng_bytes(rng, buf, sizeof(buf));
	CHECK(!all_equal(buf, sizeof(buf), 0));
	unsigned ones = ones_per_mille(buf, sizeof(buf));
	CHECK(ones > 480 && ones < 520);
	rng_destroy(rng);
	rng_destroy(NULL);
	/* used_hardware may be NULL */
	CHECK_INT(rng_create(&tp.platform, &rng, NULL), 0);
	rng_destroy(rng);
}

TEST(rng_jitter_fallback)
{
	struct test_platform tp;
	test_platform_init(&tp);
	tp.hardware_entropy_fails = 1;
	struct rng *rng = NULL;
	bool hw = true;
	CHECK_INT(rng_create(&tp.platform, &rng, &hw), 0);
	REQUIRE(rng);
	CHECK(!hw);
	CHECK_INT(tp.entropy_calls, 1); /* asked, refused, then jitter */
	uint8_t a[64], b[64];
	rng_bytes(rng, a, sizeof(a));
	rng_bytes(rng, b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	rng_destroy(rng);

	/* no hardware source at all */
	tp.platform.hardware_entropy = NULL;
	CHECK_INT(rng_create(&tp.platform, &rng, &hw), 0);
	CHECK(!hw);
	rng_destroy(rng);
}

static uint64_t stuck_counter(const struct platform *p)
{
	(void)p;
	return 12345;
}

static uint64_t zero_counter(const struct platform *p)
{
	(void)p;
	return 0;
}

static uint64_t coarse_counter_value;
static uint64_t coarse_counter(const struct platform *p)
{
	(void)p;
	/* ticks every 64th read: nearly all deltas are 0 */
	return coarse_counter_value++ / 64;
}

TEST(rng_no_entropy_refused)
{
	static uint64_t (*const counters[])(const struct platform *) = {NULL, zero_counter, stuck_counter,
									  coarse_counter};
	for (size_t i = 0; i < COUNT(counters); i++) {
		coarse_counter_value = 64 * 1000; /* nonzero from the first read */
		struct test_platform tp;
		test_platform_init(&tp);
		tp.hardware_entropy_fails = 1;
		tp.platform.cycle_counter = counters[i];
		struct rng *rng = (struct rng *)&tp; /* must stay untouched */
		bool hw = true;
		CHECK_INT(rng_create(&tp.platform, &rng, &hw), -WBE_ENTROPY);
		CHECK(rng == (struct rng *)&tp);
		struct malloc_stats st;
		malloc_get_stats(&st);
		CHECK_INT(st.live_blocks, 0);
	}
}

TEST(rng_generators_differ)
{
	struct test_platform tp;
	test_platform_init(&tp);
	for (int jitter = 0; jitter < 2; jitter++) {
		tp.hardware_entropy_fails = jitter;
		struct rng *r1 = NULL, *r2 = NULL;
		REQUIRE(rng_create(&tp.platform, &r1, NULL) == 0);
		REQUIRE(rng_create(&tp.platform, &r2, NULL) == 0);
		uint8_t a[64], b[64];
		rng_bytes(r1, a, sizeof(a));
		rng_bytes(r2, b, sizeof(b));
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		rng_destroy(r1);
		rng_destroy(r2);
	}
}

TEST(rng_lengths)
{
	struct test_platform tp;
	test_platform_init(&tp);
	struct rng *rng = NULL;
	REQUIRE(rng_create(&tp.platform, &rng, NULL) == 0);
	/* length 0 writes nothing */
	uint8_t guard[8];
	memset(guard, 0xcc, sizeof(guard));
	rng_bytes(rng, guard, 0);
	CHECK(all_equal(guard, sizeof(guard), 0xcc));
	/* one byte writes exactly one byte; 256 single bytes take many values */
	unsigned seen[256] = {0};
	unsigned distinct = 0;
	for (int i = 0; i < 256; i++) {
		memset(guard, 0xcc, sizeof(guard));
		rng_bytes(rng, guard + 1, 1);
		CHECK(guard[0] == 0xcc && all_equal(guard + 2, sizeof(guard) - 2, 0xcc));
		if (!seen[guard[1]]++)
			distinct++;
	}
	CHECK(distinct > 100);
	/* odd and large lengths fill the whole buffer (ASan checks the bounds) */
	static const size_t lens[] = {31, 32, 33, 1000, 65536 + 7};
	for (size_t i = 0; i < COUNT(lens); i++) {
		uint8_t *buf = wb_zalloc(lens[i] + 1);
		REQUIRE(buf);
		buf[lens[i]] = 0xcc;
		rng_bytes(rng, buf, lens[i]);
		CHECK_INT(buf[lens[i]], 0xcc);
		if (lens[i] >= 1000) {
			unsigned ones = ones_per_mille(buf, lens[i]);
			CHECK(ones > 480 && ones < 520);
			/* the end is random too, not left zero */
			CHECK(!all_equal(buf + lens[i] - 32, 32, 0));
		}
		wb_free(buf);
	}
	rng_destroy(rng);
}

TEST(rng_reseeds_after_a_mebibyte)
{
	for (int jitter = 0; jitter < 2; jitter++) {
		struct test_platform tp;
		test_platform_init(&tp);
		struct rng *rng = NULL;
		REQUIRE(rng_create(&tp.platform, &rng, NULL) == 0);
		CHECK_INT(tp.entropy_calls, 1);
		/* the hardware source fails from now on: the reseed falls back to jitter */
		tp.hardware_entropy_fails = jitter;
		size_t chunk = 64 * 1024;
		uint8_t *buf = wb_malloc(chunk);
		REQUIRE(buf);
		for (int i = 0; i < 16; i++) /* exactly 1 MiB */
			rng_bytes(rng, buf, chunk);
		CHECK_INT(tp.entropy_calls, 1);
		rng_bytes(rng, buf, 16); /* the next request reseeds first */
		CHECK_INT(tp.entropy_calls, 2);
		rng_bytes(rng, buf, chunk);
		CHECK_INT(tp.entropy_calls, 2);
		/* a single request larger than the interval: one reseed before the next one */
		uint8_t *big = wb_malloc((1u << 20) + 1);
		REQUIRE(big);
		rng_bytes(rng, big, (1u << 20) + 1);
		CHECK_INT(tp.entropy_calls, 2);
		rng_bytes(rng, buf, 1);
		CHECK_INT(tp.entropy_calls, 3);
		wb_free(big);
		wb_free(buf);
		rng_destroy(rng);
	}
}

TEST(rng_reseed_failure_keeps_working)
{
	struct test_platform tp;
	test_platform_init(&tp);
	struct rng *rng = NULL;
	REQUIRE(rng_create(&tp.platform, &rng, NULL) == 0);
	/* neither source works any more: the generator stays usable on its existing state */
	tp.hardware_entropy_fails = 1;
	tp.platform.cycle_counter = stuck_counter;
	uint8_t *buf = wb_malloc(1u << 20);
	REQUIRE(buf);
	rng_bytes(rng, buf, 1u << 20);
	uint8_t a[32], b[32];
	rng_bytes(rng, a, sizeof(a));
	rng_bytes(rng, b, sizeof(b));
	CHECK_INT(tp.entropy_calls, 2);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	wb_free(buf);
	rng_destroy(rng);
}

TEST(rng_alloc_failure)
{
	struct test_platform tp;
	test_platform_init(&tp);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct rng *rng = NULL;
		int rc = rng_create(&tp.platform, &rng, NULL);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			CHECK(rng == NULL);
			continue;
		}
		uint8_t b[4];
		rng_bytes(rng, b, sizeof(b));
		rng_destroy(rng);
	}
}
