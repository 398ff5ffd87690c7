/* crc32c_test.c - tests for wireboot/crc32c.h: known answers, and every implementation usable on
 * this CPU against a bit-at-a-time reference over random lengths, alignments and splits. */
#include "wireboot/crc32c.h"

#include <stdint.h>
#include <stdlib.h>

#include "test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The definition itself, one bit at a time: nothing shared with crc32c.c. */
static uint32_t reference_crc(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	/* xorshift64*: reproducible, so a failure can be replayed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

struct known_answer {
	const char *what;
	uint8_t data[48];
	size_t len;
	uint32_t crc;
};

static struct known_answer answers[] = {
	/* RFC 3720 Appendix B.4 (values checked with an independent bitwise CRC in Python) */
	{"32 zero bytes", {0}, 32, 0x8a9136aa},
	{"32 bytes of 0xff", {0}, 32, 0x62a8ab43},
	{"32 incrementing bytes 0..31", {0}, 32, 0x46dd794e},
	{"32 decrementing bytes 31..0", {0}, 32, 0x113fdb5c},
	{"iSCSI SCSI Read (10) command PDU",
	 {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
	  0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
	  0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	 48, 0xd9963a56},
	/* the catalogue check value of CRC-32C */
	{"\"123456789\"", "123456789", 9, 0xe3069283},
	{"empty", {0}, 0, 0},
};

static void fill_answers(void)
{
	for (int i = 0; i < 32; i++) {
		answers[1].data[i] = 0xff;
		answers[2].data[i] = (uint8_t)i;
		answers[3].data[i] = (uint8_t)(31 - i);
	}
}

TEST(crc32c_known_answers)
{
	fill_answers();
	for (size_t i = 0; i < COUNT(answers); i++) {
		const struct known_answer *a = &answers[i];
		CHECK_INT(reference_crc(0, a->data, a->len), a->crc);
		CHECK_INT(crc32c(a->data, a->len), a->crc);
		for (size_t k = 0; crc32c_impl_get(k); k++) {
			const struct crc32c_impl *impl = crc32c_impl_get(k);
			uint32_t got = impl->update(0, a->data, a->len);
			if (got != a->crc)
				test_fail(__FILE__, __LINE__, "%s of %s: 0x%08x, expected 0x%08x", impl->name,
					  a->what, got, a->crc);
		}
	}
}

TEST(crc32c_impl_list)
{
	size_t n = 0;
	while (crc32c_impl_get(n))
		n++;
	REQUIRE(n >= 1);
	CHECK_STR(crc32c_impl_get(n - 1)->name, "slicing-by-8");
	CHECK_STR(crc32c_impl_get(0)->name, crc32c_impl_name());
	CHECK(crc32c_impl_get(n + 5) == NULL);
#if defined(__x86_64__) && defined(__SSE4_2__)
	/* a build for a CPU with SSE4.2 runs on one: the instruction path must be chosen */
	CHECK_STR(crc32c_impl_name(), "sse4.2");
#endif
	printf("    crc32c implementation: %s (%zu usable)\n", crc32c_impl_name(), n);
}

TEST(crc32c_update_chains)
{
	static const uint8_t text[] = "The quick brown fox jumps over the lazy dog";
	size_t len = sizeof(text) - 1;
	uint32_t whole = crc32c(text, len);
	CHECK_INT(whole, 0x22620404);
	for (size_t cut = 0; cut <= len; cut++)
		CHECK_INT(crc32c_update(crc32c(text, cut), text + cut, len - cut), whole);
	/* nothing added changes nothing, NULL allowed for no bytes */
	CHECK_INT(crc32c_update(whole, NULL, 0), whole);
	CHECK_INT(crc32c(NULL, 0), 0);
}

/* Lengths at and around each boundary of the interleaved paths (3 x 256 and 3 x 8192 bytes),
 * then random ones; each at every alignment 0..15 and split at a random point. */
TEST(crc32c_impls_match_reference)
{
	enum { MAX_LEN = 3 * 8192 * 2 + 1000 };
	uint8_t *buf = malloc(MAX_LEN + 16);
	REQUIRE(buf != NULL);
	for (size_t i = 0; i < MAX_LEN + 16; i++)
		buf[i] = (uint8_t)rng();

	static const size_t edges[] = {0, 1, 7, 8, 9, 15, 16, 767, 768, 769, 775, 776, 1536,
				       24575, 24576, 24577, 24583, 24584, 25343, 25344, 25345,
				       49152, 49152 + 768, MAX_LEN};
	size_t cases = 0;
	for (int round = 0; round < (int)COUNT(edges) + 400; round++) {
		size_t len = round < (int)COUNT(edges) ? edges[round] : rng() % (MAX_LEN + 1);
		if (round >= (int)COUNT(edges) && round % 2)
			len %= 2048; /* short lengths are the common case (headers, small reads) */
		for (size_t align = 0; align < 16; align++) {
			const uint8_t *p = buf + align;
			uint32_t seed = round % 3 ? rng() : 0;
			uint32_t expect = reference_crc(seed, p, len);
			size_t cut = len ? rng() % (len + 1) : 0;
			for (size_t k = 0; crc32c_impl_get(k); k++) {
				const struct crc32c_impl *impl = crc32c_impl_get(k);
				uint32_t whole = impl->update(seed, p, len);
				uint32_t split = impl->update(impl->update(seed, p, cut), p + cut, len - cut);
				if (whole != expect || split != expect) {
					test_fail(__FILE__, __LINE__,
						  "%s: len %zu align %zu cut %zu seed 0x%08x: 0x%08x/0x%08x, expected 0x%08x",
						  impl->name, len, align, cut, seed, whole, split, expect);
					free(buf);
					return;
				}
				cases++;
			}
		}
	}
	CHECK(cases > 0);
	free(buf);
}
