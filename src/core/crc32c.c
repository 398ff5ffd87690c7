/*
 * crc32c.c - CRC32C: portable slicing-by-8, and the x86 SSE4.2 / ARMv8 CRC32C instructions
 * (contract in wireboot/crc32c.h).
 *
 * Why three streams: the CRC32C instructions take 3 cycles to produce a result but can start
 * one per cycle, so one dependent chain runs at a third of the possible speed. Long inputs are
 * cut into three equal parts whose CRCs are computed side by side and then joined: for the
 * raw register (no pre/post inversion) the CRC of A||B is CRC(A) "shifted" over len(B) zero
 * bytes XOR the CRC of B started from 0. Shifting over a fixed length is multiplication by
 * x^(8*len) mod P, which is linear, so it is four 256-entry table lookups (one per byte of the
 * register), with the tables built on first use.
 */
#include "wireboot/crc32c.h"
#include "wireboot/cpu.h"

#include <stdbool.h>
#include <string.h>

/* 0x1EDC6F41 bit-reflected: bit 31 of a register is the coefficient of x^0. */
#define CRC32C_POLY 0x82f63b78u

static uint32_t sw_table[8][256];

/* Interleaved blocks: three streams of STREAM_LONG (or STREAM_SHORT) bytes each. The long one
 * amortises the two joins over 24 KiB; the short one still wins from 768 bytes up. */
#define STREAM_LONG 8192
#define STREAM_SHORT 256

static uint32_t shift_long[4][256], shift_short[4][256];

/* a * b mod P, both polynomials in the reflected representation */
static uint32_t gf2_multiply(uint32_t a, uint32_t b)
{
	uint32_t product = 0;
	for (uint32_t m = 1u << 31; m; m >>= 1) {
		if (a & m)
			product ^= b;
		b = b & 1 ? (b >> 1) ^ CRC32C_POLY : b >> 1;
	}
	return product;
}

/* x^(8 * bytes) mod P, by square-and-multiply */
static uint32_t x_pow_8n(uint32_t bytes)
{
	uint32_t result = 1u << 31, square = 1u << 30; /* x^0, x^1 */
	for (uint64_t e = (uint64_t)bytes * 8; e; e >>= 1) {
		if (e & 1)
			result = gf2_multiply(result, square);
		square = gf2_multiply(square, square);
	}
	return result;
}

/* table[k][v] = (v << 8k) * x^(8 * bytes) mod P: shifting a register over @bytes zero bytes */
static void build_shift_table(uint32_t table[4][256], uint32_t bytes)
{
	uint32_t factor = x_pow_8n(bytes);
	for (unsigned k = 0; k < 4; k++) {
		for (uint32_t v = 0; v < 256; v++)
			table[k][v] = gf2_multiply(factor, v << (8 * k));
	}
}

static inline uint32_t shift_register(uint32_t table[4][256], uint32_t r)
{
	return table[0][r & 0xff] ^ table[1][(r >> 8) & 0xff] ^ table[2][(r >> 16) & 0xff] ^
	       table[3][r >> 24];
}

static void build_sw_tables(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		sw_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++) {
		for (int t = 1; t < 8; t++)
			sw_table[t][i] = (sw_table[t - 1][i] >> 8) ^ sw_table[0][sw_table[t - 1][i] & 0xff];
	}
}

static inline uint32_t load_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Slicing-by-8 (Intel's 2006 paper): eight bytes per step through eight tables, independent of
 * the host byte order. */
static uint32_t sw_update(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t c = ~crc;
	for (; n >= 8; n -= 8, b += 8) {
		uint32_t lo = c ^ load_le32(b), hi = load_le32(b + 4);
		c = sw_table[7][lo & 0xff] ^ sw_table[6][(lo >> 8) & 0xff] ^
		    sw_table[5][(lo >> 16) & 0xff] ^ sw_table[4][lo >> 24] ^ sw_table[3][hi & 0xff] ^
		    sw_table[2][(hi >> 8) & 0xff] ^ sw_table[1][(hi >> 16) & 0xff] ^ sw_table[0][hi >> 24];
	}
	while (n--)
		c = sw_table[0][(c ^ *b++) & 0xff] ^ (c >> 8);
	return ~c;
}

static const struct crc32c_impl impl_sw = {"slicing-by-8", sw_update};

/* The instructions consume little-endian words; both targets are little-endian. */
static inline uint64_t load_word(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, sizeof(v));
	return v;
}

/*
 * The hardware update for one instruction set: CRC8(c, byte) and CRC64(c, word) are its
 * byte and 8-byte steps on the raw register. Bytes until 8-byte alignment, three interleaved
 * streams while long enough (see the top of the file), then one stream.
 */
#define DEFINE_HW_UPDATE(name, target_attr, CRC8, CRC64)                                      \
	static target_attr uint32_t name##_streams(uint32_t c, const uint8_t **pp, size_t *np,  \
						    size_t len, uint32_t table[4][256])         \
	{                                                                                      \
		const uint8_t *b = *pp;                                                        \
		for (; *np >= 3 * len; *np -= 3 * len) {                                       \
			uint32_t c1 = 0, c2 = 0;                                               \
			for (const uint8_t *end = b + len; b < end; b += 8) {                  \
				c = CRC64(c, load_word(b));                                    \
				c1 = CRC64(c1, load_word(b + len));                            \
				c2 = CRC64(c2, load_word(b + 2 * len));                        \
			}                                                                      \
			c = shift_register(table, c) ^ c1;                                     \
			c = shift_register(table, c) ^ c2;                                     \
			b += 2 * len;                                                          \
		}                                                                              \
		*pp = b;                                                                       \
		return c;                                                                      \
	}                                                                                      \
	static target_attr uint32_t name(uint32_t crc, const void *p, size_t n)                \
	{                                                                                      \
		const uint8_t *b = p;                                                          \
		uint32_t c = ~crc;                                                             \
		for (; n && ((uintptr_t)b & 7); n--)                                           \
			c = CRC8(c, *b++);                                                     \
		c = name##_streams(c, &b, &n, STREAM_LONG, shift_long);                        \
		c = name##_streams(c, &b, &n, STREAM_SHORT, shift_short);                      \
		for (; n >= 8; n -= 8, b += 8)                                                 \
			c = CRC64(c, load_word(b));                                            \
		while (n--)                                                                    \
			c = CRC8(c, *b++);                                                     \
		return ~c;                                                                     \
	}

#if defined(__x86_64__)
#include <nmmintrin.h>

#define SSE42_CRC8(c, v) _mm_crc32_u8((c), (v))
#define SSE42_CRC64(c, v) ((uint32_t)_mm_crc32_u64((c), (v)))
DEFINE_HW_UPDATE(sse42_update, __attribute__((target("sse4.2"))), SSE42_CRC8, SSE42_CRC64)

static const struct crc32c_impl impl_hw = {"sse4.2", sse42_update};
#define HW_CRC_FEATURE "sse4_2"

#define HAVE_HW_CRC 1

#elif defined(__aarch64__)
/* clang 14's <arm_acle.h> declares __crc32cd() only when the whole file is built for +crc; the
 * builtins it wraps work in any function given target("crc"). */
#define ARM_CRC8(c, v) __builtin_arm_crc32cb((c), (v))
#define ARM_CRC64(c, v) __builtin_arm_crc32cd((c), (v))
DEFINE_HW_UPDATE(armv8_update, __attribute__((target("crc"))), ARM_CRC8, ARM_CRC64)

static const struct crc32c_impl impl_hw = {"armv8-crc", armv8_update};
#define HW_CRC_FEATURE "crc32"

#define HAVE_HW_CRC 1
#endif

/* usable implementations, fastest first; empty until the first use */
static const struct crc32c_impl *usable[2];
static size_t usable_count;

static void select_impls(void)
{
	size_t n = 0;
	build_sw_tables();
#ifdef HAVE_HW_CRC
	bool present = false;
	/* x86: SSE4.2 includes the crc32 instruction; arm64: ID_AA64ISAR0_EL1.CRC32 */
	cpu_has_feature(HW_CRC_FEATURE, &present);
	if (present) {
		build_shift_table(shift_long, STREAM_LONG);
		build_shift_table(shift_short, STREAM_SHORT);
		usable[n++] = &impl_hw;
	}
#endif
	usable[n++] = &impl_sw;
	usable_count = n;
}

uint32_t crc32c_update(uint32_t crc, const void *p, size_t n)
{
	if (!usable_count)
		select_impls();
	return usable[0]->update(crc, p, n);
}

uint32_t crc32c(const void *p, size_t n)
{
	return crc32c_update(0, p, n);
}

const char *crc32c_impl_name(void)
{
	if (!usable_count)
		select_impls();
	return usable[0]->name;
}

const struct crc32c_impl *crc32c_impl_get(size_t i)
{
	if (!usable_count)
		select_impls();
	return i < usable_count ? usable[i] : NULL;
}
