/*
 * main.c - the unit-test runner: runs every TEST() (or those whose name contains argv[1]),
 * checks the wireboot allocator for leaks after each, and ends with "N passed, N failed".
 */
#include "test.h"
#include "wireboot/malloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct test_case test_cases[];
int test_failures_in_case;
static size_t failed_at_start;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stdout, "    %s:%d: ", file, line);
	vfprintf(stdout, fmt, ap);
	fprintf(stdout, "\n");
	va_end(ap);
	test_failures_in_case++;
}

size_t test_hex(const char *text, uint8_t *out, size_t max)
{
	size_t n = 0;
	for (const char *p = text; *p;) {
		if (*p == ' ' || *p == '|') {
			p++;
			continue;
		}
		unsigned v;
		if (n >= max || sscanf(p, "%2x", &v) != 1) {
			test_fail(__FILE__, __LINE__, "bad hex fixture near \"%s\"", p);
			return n;
		}
		out[n++] = (uint8_t)v;
		p += 2;
	}
	return n;
}

long test_alloc_failure_begin(long i)
{
	if (i < 0) {
		malloc_fail_after(-1, 0);
		return -1;
	}
	struct malloc_stats st;
	malloc_get_stats(&st);
	failed_at_start = st.failed_allocs;
	malloc_fail_after(i, 0);
	return i;
}

int test_alloc_failure_hit(void)
{
	struct malloc_stats st;
	malloc_get_stats(&st);
	malloc_fail_after(-1, 0);
	return st.failed_allocs > failed_at_start;
}

static void *aligned_alloc16(size_t size)
{
	return aligned_alloc(16, (size + 15) & ~(size_t)15);
}

static const struct malloc_backend libc_backend = {aligned_alloc16, free, 0};

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (const struct test_case *t = test_cases; t->name; t++) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		malloc_init(&libc_backend);
		test_failures_in_case = 0;
		t->fn();
		struct malloc_stats st;
		malloc_get_stats(&st);
		if (st.live_blocks) {
			test_fail(t->file, 0, "leak: %zu blocks (%zu bytes) still allocated after %s", st.live_blocks,
				  st.live_bytes, t->name);
		}
		malloc_fini();
		if (test_failures_in_case) {
			printf("FAIL %s (%s)\n", t->name, t->file);
			failed++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
