/* selftest_test.c - tests for wireboot/selftest.h: the known-answer tests pass and each one is
 * reported by name. */
#include "wireboot/selftest.h"

#include <bearssl.h>
#include <stdbool.h>

#include "test.h"
#include "wireboot/errors.h"

struct report_log {
	char names[8][64];
	int rcs[8];
	int count;
};

static void collect(void *ctx, const char *name, int rc)
{
	struct report_log *log = ctx;
	if (log->count < 8) {
		snprintf(log->names[log->count], sizeof(log->names[0]), "%s", name);
		log->rcs[log->count] = rc;
	}
	log->count++;
}

TEST(selftest_passes_and_reports_each_test)
{
	struct report_log log = {0};
	CHECK_INT(crypto_selftest(collect, &log), 0);
	/* the accelerated AES-GCM is tested only where the CPU has AES-NI and PCLMUL */
	bool fast = br_aes_x86ni_ctr_get_vtable() != NULL && br_ghash_pclmul_get() != NULL;
	CHECK_INT(log.count, fast ? 3 : 2);
	CHECK_STR(log.names[0], "sha256");
	CHECK_STR(log.names[1], "aes-gcm (portable constant-time)");
	if (fast)
		CHECK_STR(log.names[2], "aes-gcm (AES-NI + PCLMUL)");
	for (int i = 0; i < log.count && i < 8; i++)
		CHECK_INT(log.rcs[i], 0);
}

TEST(selftest_without_report)
{
	CHECK_INT(crypto_selftest(NULL, NULL), 0);
	/* repeatable: no state carried between runs */
	struct report_log log = {0};
	CHECK_INT(crypto_selftest(collect, &log), 0);
	CHECK_INT(crypto_selftest(collect, &log), 0);
	CHECK(log.count == 4 || log.count == 6);
}
