/*
 * cms_fuzz.c - libFuzzer harness for wireboot/cms.h (the CMS SignedData and certificate
 * reader) and wireboot/codesign.h (what imgverify does with a signature from the network).
 *
 * The input is used three ways: as a signature (cms_parse, then cms_cert_parse on each
 * certificate found), as one certificate, and as the signature of the unit tests' image
 * verified against their CA (tests/unit/cms_vectors.h), so mutations of the seeds (made by the
 * same PKI) reach chain validation and the signature check. Invariants, beyond the sanitizers':
 *  - everything cms_parse() returns points inside the input;
 *  - codesign_verify() returns 0 or one of its documented codes, with a NUL-terminated reason
 *    on failure; it succeeds only for a signer the CA issued with codeSigning;
 *  - nothing leaks: the allocator's live block count is back to its baseline after each input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wireboot/cms.h"
#include "wireboot/codesign.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/trust.h"

#include "../tests/unit/cms_vectors.h"
#include "fuzz.h"

#define T2030 1893456000LL /* inside the vectors' validity */

static bool initialized;
static size_t baseline_blocks;
static struct trust_store *anchors;

static void ensure_inside(struct cms_bytes b, const uint8_t *data, size_t size)
{
	if (b.len)
		ENSURE(b.data >= data && b.len <= size && b.data - data <= (ptrdiff_t)(size - b.len));
}

static void check_parse(const uint8_t *data, size_t size)
{
	struct cms_signed_data sd;
	if (cms_parse(data, size, &sd) != 0)
		return;
	ENSURE(sd.signer_count >= 1 && sd.signer_count <= CMS_SIGNERS_MAX && sd.cert_count <= CMS_CERTS_MAX);
	for (size_t i = 0; i < sd.signer_count; i++) {
		const struct cms_signer *s = &sd.signers[i];
		ensure_inside(s->issuer, data, size);
		ensure_inside(s->serial, data, size);
		ensure_inside(s->key_id, data, size);
		ensure_inside(s->signed_attrs, data, size);
		ensure_inside(s->message_digest, data, size);
		ensure_inside(s->signature, data, size);
		ENSURE(s->signature.len > 0 && (s->serial.len > 0 || s->key_id.len > 0));
		ENSURE(s->signed_attrs.len == 0 || s->message_digest.len > 0);
	}
	for (size_t i = 0; i < sd.cert_count; i++) {
		ensure_inside(sd.certs[i], data, size);
		struct cms_cert cert;
		if (cms_cert_parse(sd.certs[i].data, sd.certs[i].len, &cert) == 0) {
			ensure_inside(cert.subject, data, size);
			ensure_inside(cert.issuer, data, size);
			ENSURE(!cert.eku_code_signing || cert.has_eku);
		}
	}
}

static void check_verify(const uint8_t *data, size_t size)
{
	struct codesign_request req = {data, size, vec_data, vec_data_len, trust_anchors(anchors),
				       trust_count(anchors), T2030, NULL};
	struct codesign_result res;
	int rc = codesign_verify(&req, &res);
	ENSURE(rc == 0 || rc == -WBE_SIG_MALFORMED || rc == -WBE_SIG_BAD || rc == -WBE_SIG_UNTRUSTED ||
	       rc == -WBE_SIG_SIGNER_EXPIRED || rc == -WBE_SIG_NOT_CODE_SIGNING || rc == -WBE_SIG_UNSUPPORTED ||
	       rc == -WBE_NOMEM);
	ENSURE(memchr(res.why, '\0', sizeof(res.why)) && memchr(res.signer, '\0', sizeof(res.signer)));
	ENSURE(rc == 0 ? res.why[0] == '\0' : res.why[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!initialized) {
		malloc_init(&fuzz_malloc_backend);
		ENSURE(trust_store_create(&anchors) == 0);
		ENSURE(trust_add_der(anchors, vec_ca, vec_ca_len, "fuzz") == 0);
		struct malloc_stats st;
		malloc_get_stats(&st);
		baseline_blocks = st.live_blocks;
		initialized = true;
	}
	check_parse(data, size);
	struct cms_cert cert;
	int rc = cms_cert_parse(data, size, &cert);
	ENSURE(rc == 0 || rc == -WBE_SIG_MALFORMED);
	check_verify(data, size);

	struct malloc_stats st;
	malloc_get_stats(&st);
	ENSURE(st.live_blocks == baseline_blocks);
	return 0;
}
