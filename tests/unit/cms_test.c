/* cms_test.c - tests for wireboot/cms.h: the SignedData forms openssl makes (with and without
 * signed attributes, issuerAndSerialNumber and subjectKeyIdentifier, RSA and ECDSA, SHA-256
 * and SHA-384), certificate fields, and hostile input: every truncation, every single-byte
 * change, BER's indefinite length, lengths past the end. Vectors: tests/unit/cms_vectors.sh. */
#include "wireboot/cms.h"

#include "cms_vectors.h"
#include "test.h"
#include "wireboot/errors.h"

#include <bearssl.h>

static void sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
	br_sha256_context ctx;
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, data, len);
	br_sha256_out(&ctx, out);
}

TEST(cms_parse_ec_without_attributes)
{
	struct cms_signed_data sd;
	REQUIRE(cms_parse(vec_sig_ec_noattr, vec_sig_ec_noattr_len, &sd) == 0);
	CHECK_INT(sd.cert_count, 1);
	REQUIRE(sd.signer_count == 1);
	const struct cms_signer *s = &sd.signers[0];
	CHECK(s->serial.len > 0 && s->issuer.len > 0 && s->key_id.len == 0);
	CHECK_INT(s->digest, CMS_DIGEST_SHA256);
	CHECK_INT(s->sig_alg, CMS_SIG_ECDSA);
	CHECK_INT(s->sig_digest, CMS_DIGEST_SHA256);
	CHECK_INT(s->signed_attrs.len, 0);
	CHECK(s->message_digest.data == NULL);
	CHECK(s->signature.len >= 8 && s->signature.data[0] == 0x30); /* DER Ecdsa-Sig-Value */
	/* the signer is identified by the certificate's own issuer and serial */
	struct cms_cert cert;
	REQUIRE(cms_cert_parse(sd.certs[0].data, sd.certs[0].len, &cert) == 0);
	CHECK(cms_bytes_eq(cert.serial, s->serial));
	CHECK(cms_bytes_eq(cert.issuer, s->issuer));
}

TEST(cms_parse_signed_attributes)
{
	struct cms_signed_data sd;
	REQUIRE(cms_parse(vec_sig_ec_attr, vec_sig_ec_attr_len, &sd) == 0);
	const struct cms_signer *s = &sd.signers[0];
	REQUIRE(s->signed_attrs.len > 2);
	CHECK_INT(s->signed_attrs.data[0], 0xa0); /* [0] IMPLICIT, re-tagged as SET for the hash */
	CHECK(s->signed_attrs.data > vec_sig_ec_attr &&
	      s->signed_attrs.data + s->signed_attrs.len <= vec_sig_ec_attr + vec_sig_ec_attr_len);
	uint8_t digest[32];
	sha256(vec_data, vec_data_len, digest);
	REQUIRE(s->message_digest.len == 32);
	CHECK_MEM(s->message_digest.data, digest, 32);
}

TEST(cms_parse_key_identifier_rsa_sha384)
{
	struct cms_signed_data sd;
	REQUIRE(cms_parse(vec_sig_ec_keyid, vec_sig_ec_keyid_len, &sd) == 0);
	CHECK_INT(sd.signers[0].key_id.len, 20); /* SHA-1 of the key: RFC 5280 §4.2.1.2 (1) */
	CHECK_INT(sd.signers[0].serial.len, 0);
	struct cms_cert cert;
	REQUIRE(cms_cert_parse(sd.certs[0].data, sd.certs[0].len, &cert) == 0);
	CHECK(cms_bytes_eq(cert.key_id, sd.signers[0].key_id));

	REQUIRE(cms_parse(vec_sig_rsa_noattr, vec_sig_rsa_noattr_len, &sd) == 0);
	CHECK_INT(sd.signers[0].sig_alg, CMS_SIG_RSA);
	CHECK_INT(sd.signers[0].sig_digest, CMS_DIGEST_NONE); /* rsaEncryption names no digest */
	CHECK_INT(sd.signers[0].signature.len, 256);
	REQUIRE(cms_parse(vec_sig_rsa_attr384, vec_sig_rsa_attr384_len, &sd) == 0);
	CHECK_INT(sd.signers[0].digest, CMS_DIGEST_SHA384);
	CHECK_INT(sd.signers[0].message_digest.len, 48);
}

TEST(cms_cert_fields)
{
	struct cms_cert cert;
	REQUIRE(cms_cert_parse(vec_cert_ec, vec_cert_ec_len, &cert) == 0);
	CHECK(cert.has_eku && cert.eku_code_signing);
	CHECK_INT(cert.key_id.len, 20);
	CHECK(cert.subject.len > 0 && !cms_bytes_eq(cert.subject, cert.issuer));
	REQUIRE(cms_cert_parse(vec_ca, vec_ca_len, &cert) == 0);
	CHECK(!cert.has_eku && !cert.eku_code_signing);
	CHECK(cms_bytes_eq(cert.subject, cert.issuer)); /* self-issued root */

	struct cms_signed_data sd;
	REQUIRE(cms_parse(vec_sig_noeku, vec_sig_noeku_len, &sd) == 0);
	REQUIRE(cms_cert_parse(sd.certs[0].data, sd.certs[0].len, &cert) == 0);
	CHECK(cert.has_eku && !cert.eku_code_signing); /* serverAuth only */
}

TEST(cms_parse_every_truncation_fails)
{
	struct cms_signed_data sd;
	struct cms_cert cert;
	for (size_t n = 0; n < vec_sig_ec_attr_len; n++)
		CHECK_INT(cms_parse(vec_sig_ec_attr, n, &sd), -WBE_SIG_MALFORMED);
	for (size_t n = 0; n < vec_cert_ec_len; n++)
		CHECK_INT(cms_cert_parse(vec_cert_ec, n, &cert), -WBE_SIG_MALFORMED);
	CHECK_INT(cms_parse(NULL, 0, &sd), -WBE_SIG_MALFORMED);
	/* trailing bytes after the ContentInfo */
	uint8_t longer[2048];
	REQUIRE(vec_sig_ec_attr_len + 1 <= sizeof(longer));
	memcpy(longer, vec_sig_ec_attr, vec_sig_ec_attr_len);
	longer[vec_sig_ec_attr_len] = 0;
	CHECK_INT(cms_parse(longer, vec_sig_ec_attr_len + 1, &sd), -WBE_SIG_MALFORMED);
}

/* Every single-byte change either still parses or fails cleanly, and whatever parses points
 * inside the input (the sanitizers catch any read outside it). */
TEST(cms_parse_every_byte_changed)
{
	static const uint8_t flips[] = {0x01, 0x80, 0xff};
	uint8_t buf[2048];
	REQUIRE(vec_sig_ec_attr_len <= sizeof(buf));
	for (size_t i = 0; i < vec_sig_ec_attr_len; i++) {
		for (size_t f = 0; f < sizeof(flips); f++) {
			memcpy(buf, vec_sig_ec_attr, vec_sig_ec_attr_len);
			buf[i] ^= flips[f];
			struct cms_signed_data sd;
			int rc = cms_parse(buf, vec_sig_ec_attr_len, &sd);
			CHECK(rc == 0 || rc == -WBE_SIG_MALFORMED);
			if (rc == 0) {
				const struct cms_bytes *sig = &sd.signers[0].signature;
				CHECK(sig->data >= buf && sig->data + sig->len <= buf + vec_sig_ec_attr_len);
			}
		}
	}
}

TEST(cms_parse_rejects_ber_and_bad_lengths)
{
	struct cms_signed_data sd;
	uint8_t buf[64];
	/* indefinite length (BER, X.690 §8.1.3.6): DER forbids it */
	size_t n = test_hex("30 80 06 09 2a 86 48 86 f7 0d 01 07 02 00 00", buf, sizeof(buf));
	CHECK_INT(cms_parse(buf, n, &sd), -WBE_SIG_MALFORMED);
	/* a 4-byte length far past the end, and a 5-byte length */
	n = test_hex("30 84 ff ff ff f0 06 09", buf, sizeof(buf));
	CHECK_INT(cms_parse(buf, n, &sd), -WBE_SIG_MALFORMED);
	n = test_hex("30 85 00 00 00 00 02 06 09", buf, sizeof(buf));
	CHECK_INT(cms_parse(buf, n, &sd), -WBE_SIG_MALFORMED);
	/* another content type (id-data instead of id-signedData) */
	n = test_hex("30 0d 06 09 2a 86 48 86 f7 0d 01 07 01 a0 00", buf, sizeof(buf));
	CHECK_INT(cms_parse(buf, n, &sd), -WBE_SIG_MALFORMED);
	/* a high tag number form */
	n = test_hex("3f 01 00", buf, sizeof(buf));
	CHECK_INT(cms_parse(buf, n, &sd), -WBE_SIG_MALFORMED);
}
