/*
 * rng.h - the random number generator for protocol nonces, CHAP challenges, TCP sequence
 * numbers and TLS: an HMAC-DRBG (SHA-256, NIST SP 800-90A via BearSSL) seeded from the
 * platform's hardware source (EFI_RNG_PROTOCOL, getrandom) when there is one, otherwise from
 * CPU timing jitter (see docs/security.md). Never seeded from the time of day alone.
 */
#ifndef WIREBOOT_RNG_H
#define WIREBOOT_RNG_H

#include <stdbool.h>
#include <stddef.h>

struct rng;
struct platform;

/**
 * rng_create() - seed a generator. Returns 0 and *@out, -WBE_ENTROPY when neither source
 * produced usable input (the jitter health check failed), -WBE_NOMEM.
 * *@used_hardware tells which source seeded it (may be NULL).
 */
int rng_create(const struct platform *platform, struct rng **out, bool *used_hardware);

/** rng_destroy() - wipe and free; NULL is ignored. */
void rng_destroy(struct rng *rng);

/** rng_bytes() - fill @buf with @len random bytes. Reseeds from the sources periodically. */
void rng_bytes(struct rng *rng, void *buf, size_t len);

#endif
