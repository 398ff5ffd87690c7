/* codesign_test.c - tests for wireboot/codesign.h over the vectors of tests/unit/cms_vectors.sh:
 * each signature form verifies, and each failure has its code (tampered image or signature,
 * other CA, no anchor, expired and not yet valid, no codeSigning, --signer mismatch, garbage,
 * unknown time), PEM-wrapped signatures, with allocation failures injected. */
#include "wireboot/codesign.h"

#include "cms_vectors.h"
#include "test.h"
#include "wireboot/base64.h"
#include "wireboot/errors.h"
#include "wireboot/trust.h"

#include <string.h>

#define T2030 1893456000LL /* 2030-01-01: inside every vector's validity */
#define T2036 2082758400LL /* 2036-01-01: the signers (until 2035) have expired, the CA not */
#define T2024 1704067200LL /* 2024-01-01: before every certificate */

static int verify_at(const uint8_t *sig, size_t sig_len, const uint8_t *data, size_t data_len, int64_t now,
		     const char *name, bool with_anchor, struct codesign_result *res)
{
	struct trust_store *ts;
	if (trust_store_create(&ts) != 0)
		return -WBE_NOMEM;
	int rc = with_anchor ? trust_add_der(ts, vec_ca, vec_ca_len, "unit") : 0;
	if (rc == 0) {
		struct codesign_request req = {sig, sig_len, data, data_len, trust_anchors(ts), trust_count(ts), now, name};
		rc = codesign_verify(&req, res);
	}
	trust_store_destroy(ts);
	return rc;
}

static int verify(const uint8_t *sig, size_t sig_len, const char *name, struct codesign_result *res)
{
	return verify_at(sig, sig_len, vec_data, vec_data_len, T2030, name, true, res);
}

TEST(codesign_every_form_verifies)
{
	struct codesign_result res;
	CHECK_INT(verify(vec_sig_ec_noattr, vec_sig_ec_noattr_len, NULL, &res), 0);
	CHECK_STR(res.signer, "unit signer ec");
	CHECK_INT(verify(vec_sig_ec_attr, vec_sig_ec_attr_len, NULL, &res), 0);
	CHECK_INT(verify(vec_sig_ec_keyid, vec_sig_ec_keyid_len, NULL, &res), 0);
	CHECK_INT(verify(vec_sig_rsa_noattr, vec_sig_rsa_noattr_len, NULL, &res), 0);
	CHECK_STR(res.signer, "unit signer rsa");
	CHECK_INT(verify(vec_sig_rsa_attr384, vec_sig_rsa_attr384_len, "unit signer rsa", &res), 0);
}

TEST(codesign_tampered_image_or_signature)
{
	struct codesign_result res;
	uint8_t data[64];
	REQUIRE(vec_data_len <= sizeof(data));
	memcpy(data, vec_data, vec_data_len);
	data[3] ^= 0x20;
	const struct {
		const uint8_t *sig;
		size_t len;
	} sigs[] = {{vec_sig_ec_noattr, vec_sig_ec_noattr_len}, {vec_sig_ec_attr, vec_sig_ec_attr_len},
		    {vec_sig_rsa_noattr, vec_sig_rsa_noattr_len}, {vec_sig_rsa_attr384, vec_sig_rsa_attr384_len}};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		CHECK_INT(verify_at(sigs[i].sig, sigs[i].len, data, vec_data_len, T2030, NULL, true, &res), -WBE_SIG_BAD);
		CHECK_INT(verify_at(sigs[i].sig, sigs[i].len, vec_data, vec_data_len - 1, T2030, NULL, true, &res),
			  -WBE_SIG_BAD);
		CHECK_INT(verify_at(sigs[i].sig, sigs[i].len, NULL, 0, T2030, NULL, true, &res), -WBE_SIG_BAD);
		/* the signature's last byte is inside the signature value (it ends the SignerInfo) */
		uint8_t sig[2048];
		REQUIRE(sigs[i].len <= sizeof(sig));
		memcpy(sig, sigs[i].sig, sigs[i].len);
		sig[sigs[i].len - 1] ^= 0x01;
		CHECK_INT(verify_at(sig, sigs[i].len, vec_data, vec_data_len, T2030, NULL, true, &res), -WBE_SIG_BAD);
	}
	CHECK(strstr(res.why, "does not match") != NULL);
}

TEST(codesign_untrusted_signers)
{
	struct codesign_result res;
	CHECK_INT(verify(vec_sig_stranger, vec_sig_stranger_len, NULL, &res), -WBE_SIG_UNTRUSTED);
	CHECK_STR(res.signer, "unit stranger");
	CHECK_INT(verify_at(vec_sig_ec_noattr, vec_sig_ec_noattr_len, vec_data, vec_data_len, T2030, NULL, false, &res),
		  -WBE_SIG_UNTRUSTED);
	CHECK(strstr(res.why, "0 anchors") != NULL);
	CHECK_INT(verify(vec_sig_noeku, vec_sig_noeku_len, NULL, &res), -WBE_SIG_NOT_CODE_SIGNING);
	CHECK(strstr(res.why, "does not list codeSigning") != NULL);
}

TEST(codesign_validity_period)
{
	struct codesign_result res;
	CHECK_INT(verify_at(vec_sig_ec_noattr, vec_sig_ec_noattr_len, vec_data, vec_data_len, T2036, NULL, true, &res),
		  -WBE_SIG_SIGNER_EXPIRED);
	CHECK_STR(res.why, "certificate \"unit signer ec\" has expired");
	CHECK_INT(verify_at(vec_sig_ec_noattr, vec_sig_ec_noattr_len, vec_data, vec_data_len, T2024, NULL, true, &res),
		  -WBE_SIG_SIGNER_EXPIRED);
	CHECK(strstr(res.why, "is not valid yet") != NULL);
	CHECK_INT(verify_at(vec_sig_ec_noattr, vec_sig_ec_noattr_len, vec_data, vec_data_len, -1, NULL, true, &res),
		  -WBE_CLOCK_UNKNOWN);
}

TEST(codesign_signer_name)
{
	struct codesign_result res;
	CHECK_INT(verify(vec_sig_ec_noattr, vec_sig_ec_noattr_len, "unit signer ec", &res), 0);
	CHECK_INT(verify(vec_sig_ec_noattr, vec_sig_ec_noattr_len, "unit signer", &res), -WBE_SIG_SIGNER_NAME);
	CHECK_STR(res.why, "signed by \"unit signer ec\", not by the required signer \"unit signer\"");
	CHECK_INT(verify(vec_sig_ec_noattr, vec_sig_ec_noattr_len, "", &res), -WBE_SIG_SIGNER_NAME);
}

TEST(codesign_malformed)
{
	struct codesign_result res;
	CHECK_INT(verify(vec_data, vec_data_len, NULL, &res), -WBE_SIG_MALFORMED);
	CHECK_INT(verify(vec_sig_ec_noattr, 100, NULL, &res), -WBE_SIG_MALFORMED);
	/* a certificate alone is no signature */
	CHECK_INT(verify(vec_cert_ec, vec_cert_ec_len, NULL, &res), -WBE_SIG_MALFORMED);
}

/* "-----BEGIN @label-----", the base64 of @der in one line, "-----END @label-----" (+ "\n"
 * when @final_newline) into @out; returns its length. */
static size_t make_pem(const char *label, const uint8_t *der, size_t len, bool final_newline, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "-----BEGIN %s-----\n", label);
	n += base64_encode(der, len, out + n, size - n);
	n += (size_t)snprintf(out + n, size - n, "\n-----END %s-----%s", label, final_newline ? "\n" : "");
	return n;
}

TEST(codesign_pem_signatures)
{
	struct codesign_result res;
	char pem[2048];
	size_t n = make_pem("CMS", vec_sig_ec_attr, vec_sig_ec_attr_len, true, pem, sizeof(pem));
	REQUIRE(n < sizeof(pem));
	CHECK_INT(verify((const uint8_t *)pem, n, NULL, &res), 0);
	n = make_pem("PKCS7", vec_sig_ec_noattr, vec_sig_ec_noattr_len, false, pem, sizeof(pem));
	CHECK_INT(verify((const uint8_t *)pem, n, "unit signer ec", &res), 0);
	/* a tampered image is still caught through PEM */
	CHECK_INT(verify_at((const uint8_t *)pem, n, vec_data, vec_data_len - 1, T2030, NULL, true, &res), -WBE_SIG_BAD);
	n = make_pem("CERTIFICATE", vec_cert_ec, vec_cert_ec_len, true, pem, sizeof(pem));
	CHECK_INT(verify((const uint8_t *)pem, n, NULL, &res), -WBE_SIG_MALFORMED);
	CHECK(strstr(res.why, "not labelled CMS") != NULL);
	n = make_pem("CMS", vec_sig_ec_attr, vec_sig_ec_attr_len, true, pem, sizeof(pem));
	CHECK_INT(verify((const uint8_t *)pem, n / 2, NULL, &res), -WBE_SIG_MALFORMED); /* no END line */
	pem[40] = '*'; /* not base64 */
	CHECK_INT(verify((const uint8_t *)pem, n, NULL, &res), -WBE_SIG_MALFORMED);
}

TEST(codesign_allocation_failures)
{
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct codesign_result res;
		int rc = verify(vec_sig_ec_attr, vec_sig_ec_attr_len, NULL, &res);
		CHECK(rc == 0 || rc == -WBE_NOMEM);
		char pem[2048];
		size_t n = make_pem("CMS", vec_sig_ec_noattr, vec_sig_ec_noattr_len, true, pem, sizeof(pem));
		rc = verify((const uint8_t *)pem, n, NULL, &res);
		CHECK(rc == 0 || rc == -WBE_NOMEM);
	}
}
