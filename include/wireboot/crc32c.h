/*
 * crc32c.h - CRC32C (Castagnoli), the iSCSI header and data digest (RFC 7143 §13.1, RFC 3385).
 *
 * Parameters: polynomial 0x1EDC6F41 (bit-reflected: 0x82F63B78), reflected input and output,
 * initial value and final XOR 0xFFFFFFFF. The check value of "123456789" is 0xE3069283; RFC 3720
 * Appendix B.4 gives 0x8A9136AA for 32 zero bytes.
 *
 * Values are plain CRCs (the final XOR applied), so they chain like zlib's crc32():
 * crc32c_update(crc32c(a, n), b, m) equals crc32c() of a followed by b. On the iSCSI wire the
 * digest is sent least significant byte first (RFC 3720 B.4 lists 0x8A9136AA as "aa 36 91 8a");
 * iscsi_pdu.h has the helpers that put and get it.
 *
 * Implementations: the portable one ("slicing-by-8", 8 KiB of tables built on first use) and,
 * when the CPU has them, the CRC32C instructions of x86 SSE4.2 ("sse4.2") and ARMv8 ("armv8-crc").
 * The fastest usable one is chosen on first use by asking the CPU (cpuid on x86; on AArch64 the
 * ID_AA64ISAR0_EL1 register, see crc32c.c), so the same binary runs on CPUs without them.
 * All give identical results. Single-threaded like the rest of the core: the first call must not
 * race with another.
 */
#ifndef WIREBOOT_CRC32C_H
#define WIREBOOT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/**
 * crc32c_update() - continue a CRC over @n more bytes.
 * @crc: the CRC of the bytes so far (0 for none, i.e. crc32c(NULL, 0)).
 * @p: the bytes; any alignment. May be NULL only when @n is 0.
 * Returns the CRC of the old bytes followed by these.
 */
uint32_t crc32c_update(uint32_t crc, const void *p, size_t n);

/** crc32c() - the CRC of @n bytes at @p: crc32c_update(0, p, n). */
uint32_t crc32c(const void *p, size_t n);

/**
 * crc32c_impl_name() - name of the implementation crc32c() uses on this CPU: "sse4.2",
 * "armv8-crc" or "slicing-by-8". A static string, never NULL.
 */
const char *crc32c_impl_name(void);

struct crc32c_impl {
	const char *name;
	/* same contract as crc32c_update() */
	uint32_t (*update)(uint32_t crc, const void *p, size_t n);
};

/**
 * crc32c_impl_get() - the @i-th implementation usable on this CPU, fastest first (index 0 is
 * the one crc32c() uses); the last is always the portable one. For tests and benchmarks that
 * compare them. Returns NULL when @i is past the end. The result is static.
 */
const struct crc32c_impl *crc32c_impl_get(size_t i);

#endif
