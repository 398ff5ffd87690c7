/*
 * fuzz.h - what every libFuzzer harness of fuzz/ shares: the entry point's prototype, the
 * invariant check, and a heap backend for wireboot's allocator (aligned as the firmware's pool).
 * Included by exactly one translation unit per harness (each harness is one file).
 */
#ifndef WIREBOOT_FUZZ_H
#define WIREBOOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wireboot/malloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the harness checks beyond the sanitizers': a violation is a crash to report. */
#define ENSURE(cond)                                                                                 \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

static void *fuzz_aligned_malloc(size_t size)
{
	return aligned_alloc(16, (size + 15) & ~(size_t)15);
}

/* For malloc_init() in harnesses whose code allocates through wireboot's allocator. */
static const struct malloc_backend fuzz_malloc_backend = {fuzz_aligned_malloc, free, 0};

#endif
