/*
 * rng.c - HMAC-DRBG over the platform's entropy (contract in wireboot/rng.h).
 *
 * Jitter fallback: when the firmware has no EFI_RNG_PROTOCOL (U-Boot arm64 without a
 * virtio-rng device, many boards), we time a short memory-touching loop with the CPU's cycle
 * counter many times and hash the deltas. The low bits of such timings vary with cache,
 * pipeline and emulator state; we credit them conservatively (JITTER_SAMPLES samples for a
 * 256-bit seed) and refuse to seed if the deltas look constant, which is what a counter that
 * does not tick would produce.
 */
#include "wireboot/rng.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/platform.h"

#include <bearssl.h>
#include <stdint.h>
#include <string.h>

#define SEED_BYTES 32
#define JITTER_SAMPLES 4096
#define RESEED_INTERVAL (1u << 20) /* bytes generated between reseeds */

struct rng {
	br_hmac_drbg_context drbg;
	const struct platform *platform;
	size_t since_reseed;
};

static int jitter_seed(const struct platform *p, uint8_t seed[SEED_BYTES])
{
	if (!p->cycle_counter || p->cycle_counter(p) == 0)
		return -WBE_ENTROPY;
	br_sha256_context sha;
	br_sha256_init(&sha);
	volatile uint8_t scratch[256];
	uint64_t prev = p->cycle_counter(p), first_delta = 0;
	unsigned distinct = 0;
	for (unsigned i = 0; i < JITTER_SAMPLES; i++) {
		/* data-dependent work so the timing depends on the previous sample */
		for (unsigned k = 0; k < 16 + (prev & 15); k++)
			scratch[(k * 37 + prev) & 255] += (uint8_t)k;
		uint64_t now = p->cycle_counter(p);
		uint64_t delta = now - prev;
		prev = now;
		if (i == 0)
			first_delta = delta;
		else if (delta != first_delta)
			distinct++;
		br_sha256_update(&sha, &delta, sizeof(delta));
	}
	/* health check: a stuck or coarse counter gives (nearly) constant deltas */
	if (distinct < JITTER_SAMPLES / 4)
		return -WBE_ENTROPY;
	br_sha256_out(&sha, seed);
	return 0;
}

static int gather_seed(const struct platform *p, uint8_t seed[SEED_BYTES], bool *hardware)
{
	if (p->hardware_entropy && p->hardware_entropy(p, seed, SEED_BYTES) == 0) {
		*hardware = true;
		return 0;
	}
	*hardware = false;
	return jitter_seed(p, seed);
}

int rng_create(const struct platform *platform, struct rng **out, bool *used_hardware)
{
	uint8_t seed[SEED_BYTES];
	bool hardware;
	int rc = gather_seed(platform, seed, &hardware);
	if (rc)
		return rc;
	struct rng *rng = wb_zalloc(sizeof(*rng));
	if (!rng) {
		memset(seed, 0, sizeof(seed));
		return -WBE_NOMEM;
	}
	rng->platform = platform;
	br_hmac_drbg_init(&rng->drbg, &br_sha256_vtable, seed, sizeof(seed));
	memset(seed, 0, sizeof(seed));
	if (used_hardware)
		*used_hardware = hardware;
	*out = rng;
	return 0;
}

void rng_destroy(struct rng *rng)
{
	if (!rng)
		return;
	memset(rng, 0, sizeof(*rng));
	wb_free(rng);
}

void rng_bytes(struct rng *rng, void *buf, size_t len)
{
	if (rng->since_reseed >= RESEED_INTERVAL) {
		uint8_t seed[SEED_BYTES];
		bool hardware;
		/* a failed reseed keeps the existing (already seeded) state: still secure */
		if (gather_seed(rng->platform, seed, &hardware) == 0)
			br_hmac_drbg_update(&rng->drbg, seed, sizeof(seed));
		memset(seed, 0, sizeof(seed));
		rng->since_reseed = 0;
	}
	/* SP 800-90A table 2: at most 2^19 bits (64 KiB) per HMAC-DRBG request */
	uint8_t *out = buf;
	for (size_t chunk; len; out += chunk, len -= chunk) {
		chunk = len < 65536 ? len : 65536;
		br_hmac_drbg_generate(&rng->drbg, out, chunk);
	}
	rng->since_reseed += (size_t)(out - (uint8_t *)buf);
}
