/*
 * test.h - the unit-test harness. Each tests/unit/<module>_test.c defines test cases with
 * TEST(name) { ... }; tests/unit/gen_tests.sh collects them into the runner's table.
 * CHECK* record a failure (with file:line and values) and continue; REQUIRE* stop the case.
 * The runner checks after every case that the wireboot allocator has no live blocks left
 * (leak check at teardown) and prints "N passed, N failed" at the end.
 */
#ifndef WIREBOOT_TEST_H
#define WIREBOOT_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	const char *file;
	void (*fn)(void);
};

extern int test_failures_in_case;
void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A hex fixture ("12 01 80 | 00 ..": pairs of digits, spaces and '|' ignored) -> bytes at @out.
 * Returns how many were written (at most @max); a bad fixture fails the test. */
size_t test_hex(const char *text, uint8_t *out, size_t max);

#define TEST(name) void test_##name(void)

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond))                                                            \
			test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);              \
	} while (0)
#define REQUIRE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);            \
			return;                                                         \
		}                                                                       \
	} while (0)
#define CHECK_INT(a, b)                                                                 \
	do {                                                                            \
		long long va_ = (long long)(a), vb_ = (long long)(b);                   \
		if (va_ != vb_)                                                         \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, \
				  va_, vb_);                                            \
	} while (0)
#define CHECK_STR(a, b)                                                                      \
	do {                                                                                 \
		const char *sa_ = (a), *sb_ = (b);                                           \
		if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                                   \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,  \
				  sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");               \
	} while (0)
#define CHECK_MEM(a, b, n)                                                              \
	do {                                                                            \
		if (memcmp((a), (b), (n)) != 0)                                         \
			test_fail(__FILE__, __LINE__, "memcmp(%s, %s, %s) != 0", #a, #b, \
				  #n);                                                  \
	} while (0)

/*
 * FOR_EACH_ALLOC_FAILURE(i) - run the body once per allocation it makes, with the i-th
 * allocation failing, until a run completes with no injected failure. The body must clean up
 * after itself on every path; the runner's leak check then proves every error path frees.
 */
long test_alloc_failure_begin(long i);
int test_alloc_failure_hit(void);
#define FOR_EACH_ALLOC_FAILURE(i) \
	for (long i = 0; test_alloc_failure_begin(i) >= 0; i = test_alloc_failure_hit() ? i + 1 : -1)

#endif
