/*
 * test_platform.h - a platform for unit tests: a clock the test advances by hand (so timer
 * tests are exact, not timed), console output captured into a buffer, and console input fed
 * from a string. Entropy comes from the host's getrandom so the real RNG code runs.
 */
#ifndef WIREBOOT_TEST_PLATFORM_H
#define WIREBOOT_TEST_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include "wireboot/platform.h"

struct test_platform {
	struct platform platform;
	uint64_t now_ns;
	uint64_t auto_advance_ns; /* added to the clock on every read, so waits end */
	char output[65536];
	size_t output_len;
	const char *input; /* keys still to deliver; NULL or "" = none */
	int input_closed;  /* report end of input once @input is used up */
	int hardware_entropy_fails;
	int reset_calls;
};

/** test_platform_init() - fresh platform; output empty, clock at 1 s. */
void test_platform_init(struct test_platform *tp);

/** test_platform_take_output() - NUL-terminated output so far; clears it for the next check. */
const char *test_platform_output(struct test_platform *tp);
void test_platform_clear_output(struct test_platform *tp);

#endif
