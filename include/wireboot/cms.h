/*
 * cms.h - a sans-I/O reader of detached CMS SignedData signatures (RFC 5652) and of the few
 * X.509 certificate fields (RFC 5280) that code signing needs beyond BearSSL's validation.
 *
 * Input is untrusted network data (the signature file of `imgverify`): every length is
 * checked against its enclosing element before anything is read, DER only (definite lengths
 * of at most 4 bytes, single-byte tags), nesting is fixed by the grammar (no recursion).
 *
 * Nothing is copied or allocated: every struct cms_bytes points into the caller's buffer,
 * which must outlive the parsed structure. No signature is checked here (see codesign.h).
 */
#ifndef WIREBOOT_CMS_H
#define WIREBOOT_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMS_CERTS_MAX 16  /* certificates kept from the SignedData's set; more: -WBE_SIG_MALFORMED */
#define CMS_SIGNERS_MAX 4 /* SignerInfos kept; more: -WBE_SIG_MALFORMED */

struct cms_bytes {
	const uint8_t *data;
	size_t len; /* 0 (data NULL) when the field is absent */
};

enum cms_digest {
	CMS_DIGEST_NONE, /* a signature algorithm that names no digest (rsaEncryption) */
	CMS_DIGEST_SHA1,
	CMS_DIGEST_SHA256,
	CMS_DIGEST_SHA384,
	CMS_DIGEST_SHA512,
	CMS_DIGEST_UNKNOWN, /* a well-formed identifier of another algorithm */
};

enum cms_sig_alg {
	CMS_SIG_UNKNOWN,
	CMS_SIG_RSA,   /* RSASSA-PKCS1-v1_5: rsaEncryption or shaNNNWithRSAEncryption */
	CMS_SIG_ECDSA, /* ecdsa-with-SHAnnn (RFC 5758 §3.2), DER Ecdsa-Sig-Value */
};

struct cms_signer {
	/* SignerIdentifier (RFC 5652 §5.3): one of the two forms */
	struct cms_bytes issuer; /* issuerAndSerialNumber: the issuer Name, whole DER element */
	struct cms_bytes serial; /* ... and the serial number, INTEGER contents */
	struct cms_bytes key_id; /* subjectKeyIdentifier form: the key identifier octets */
	enum cms_digest digest;  /* digestAlgorithm */
	enum cms_sig_alg sig_alg;
	enum cms_digest sig_digest; /* the digest the signatureAlgorithm names itself, or NONE */
	/* signedAttrs, whole DER element with its [0] tag (RFC 5652 §5.4: the signature covers
	 * it re-tagged as a SET, 0x31); len 0 when absent */
	struct cms_bytes signed_attrs;
	struct cms_bytes message_digest; /* the messageDigest attribute's octets (when signed_attrs) */
	struct cms_bytes signature;
};

struct cms_signed_data {
	struct cms_bytes certs[CMS_CERTS_MAX]; /* each a whole DER Certificate */
	size_t cert_count;
	struct cms_signer signers[CMS_SIGNERS_MAX];
	size_t signer_count; /* >= 1 after a successful parse */
};

/**
 * cms_parse() - read a DER ContentInfo holding a detached SignedData (@der, @len bytes, not
 * NULL unless @len is 0) into *@out. Rules beyond the grammar: the content type is id-data
 * and absent (detached: the image is the content); with signedAttrs there is exactly one
 * messageDigest attribute and a contentType attribute of id-data (RFC 5652 §5.3, §11.1).
 * Unknown algorithms parse (CMS_DIGEST_UNKNOWN / CMS_SIG_UNKNOWN): the verifier refuses them.
 * Returns 0, or -WBE_SIG_MALFORMED (*@out then undefined).
 */
int cms_parse(const uint8_t *der, size_t len, struct cms_signed_data *out);

struct cms_cert {
	struct cms_bytes serial;  /* INTEGER contents */
	struct cms_bytes issuer;  /* Name, whole DER element */
	struct cms_bytes subject; /* Name, whole DER element */
	struct cms_bytes key_id;  /* subjectKeyIdentifier extension's octets; len 0 if none */
	bool has_eku;             /* an extendedKeyUsage extension is present */
	bool eku_code_signing;    /* ... and lists id-kp-codeSigning (RFC 5280 §4.2.1.12) */
};

/**
 * cms_cert_parse() - read the fields above from one DER Certificate (@der, @len bytes).
 * Returns 0, or -WBE_SIG_MALFORMED. Only these fields are read: the certificate is not
 * validated (BearSSL's x509_minimal does that).
 */
int cms_cert_parse(const uint8_t *der, size_t len, struct cms_cert *out);

/** cms_bytes_eq() - @a and @b hold the same bytes. */
bool cms_bytes_eq(struct cms_bytes a, struct cms_bytes b);

#endif
