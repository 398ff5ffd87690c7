/*
 * trust_fuzz.c - libFuzzer harness for wireboot/trust.h: the one parser of the trust store
 * that is ours (trust_dn_common_name(), the CN shown by certstat) and the PEM/DER intake of
 * `certadd`, whose decoding BearSSL does but whose buffering and bookkeeping are ours.
 *
 * The input is used three ways: as a DER Name, as PEM text, and as one DER certificate.
 * Invariants checked, beyond the sanitizers':
 *  - the common name is always NUL-terminated within its buffer and printable ASCII;
 *  - a failed PEM or DER add leaves the anchor count unchanged (a PEM bundle may add some
 *    certificates before a bad one, never more than it holds);
 *  - every anchor added describes itself (trust_get_info) and has a non-empty DN;
 *  - nothing leaks: the allocator's live block count is back to its baseline after each input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/trust.h"

#include "fuzz.h"

static bool initialized;
static size_t baseline_blocks;

static void check_cn(const uint8_t *data, size_t size, size_t bufsize)
{
	char cn[TRUST_CN_MAX];
	int rc = trust_dn_common_name(data, size, cn, bufsize);
	ENSURE(rc == 0 || rc == -WBE_NOENT || rc == -WBE_INVAL);
	size_t n = strlen(cn);
	ENSURE(n < bufsize);
	for (size_t i = 0; i < n; i++)
		ENSURE(cn[i] >= 0x20 && cn[i] < 0x7f);
	if (rc == -WBE_INVAL)
		ENSURE(n == 0);
}

static void check_store(struct trust_store *ts, size_t base)
{
	for (size_t i = base; i < trust_count(ts); i++) {
		struct trust_info info;
		ENSURE(trust_get_info(ts, i, &info) == 0);
		ENSURE(!info.builtin && info.key_type != NULL);
		ENSURE(trust_anchors(ts)[i].dn.len > 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!initialized) {
		malloc_init(&fuzz_malloc_backend);
		struct malloc_stats st;
		malloc_get_stats(&st);
		baseline_blocks = st.live_blocks;
		initialized = true;
	}
	check_cn(data, size, TRUST_CN_MAX);
	check_cn(data, size, 3);

	struct trust_store *ts;
	ENSURE(trust_store_create(&ts) == 0);
	size_t base = trust_count(ts);
	unsigned added = 0;
	int rc = trust_add_pem(ts, data, size, "fuzz", &added);
	ENSURE(trust_count(ts) == base + added);
	ENSURE(rc == 0 || rc == -WBE_TLS_PEM || rc == -WBE_TLS_CERT_INVALID || rc == -WBE_RANGE);
	check_store(ts, base);
	size_t before = trust_count(ts);
	rc = trust_add_der(ts, data, size, "fuzz");
	ENSURE(rc == 0 || rc == -WBE_EXIST || rc == -WBE_TLS_CERT_INVALID || rc == -WBE_RANGE);
	ENSURE(trust_count(ts) == before + (rc == 0));
	check_store(ts, base);
	trust_store_destroy(ts);

	struct malloc_stats st;
	malloc_get_stats(&st);
	ENSURE(st.live_blocks == baseline_blocks);
	return 0;
}
