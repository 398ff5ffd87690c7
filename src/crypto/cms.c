/*
 * cms.c - CMS SignedData and X.509 field reader (contract in wireboot/cms.h).
 *
 * A DER element is read with a cursor (struct der) bounded by its enclosing element: each
 * read checks the header and the length against the cursor's end before moving, so a lie in
 * any length stops the parse instead of reading past the buffer (X.690 §8.1, §10.1).
 */
#include "wireboot/cms.h"
#include "wireboot/errors.h"

#include <string.h>

enum {
	TAG_BOOLEAN = 0x01,
	TAG_INTEGER = 0x02,
	TAG_OCTET_STRING = 0x04,
	TAG_OID = 0x06,
	TAG_SEQUENCE = 0x30,
	TAG_SET = 0x31,
	TAG_CONTEXT_0 = 0xa0,      /* [0] constructed */
	TAG_CONTEXT_1 = 0xa1,      /* [1] constructed: SignedData's crls */
	TAG_CONTEXT_3 = 0xa3,      /* [3] constructed: a certificate's extensions */
	TAG_CONTEXT_0_PRIM = 0x80, /* [0] primitive: SignerIdentifier's subjectKeyIdentifier */
	TAG_HIGH_NUMBER = 0x1f,    /* the tag number continues in later bytes (not used here) */
};

struct der {
	const uint8_t *p, *end;
};

/* One element at the cursor: its tag, the whole element (@tlv) and its contents (@inner).
 * The cursor moves past it. */
static int der_read(struct der *d, uint8_t *tag, struct cms_bytes *tlv, struct der *inner)
{
	const uint8_t *start = d->p;
	size_t avail = (size_t)(d->end - d->p);
	if (avail < 2 || (start[0] & TAG_HIGH_NUMBER) == TAG_HIGH_NUMBER)
		return -WBE_SIG_MALFORMED;
	size_t header = 2, len = start[1];
	if (len & 0x80) {
		/* long form: 1..4 length bytes; 0x80 alone is BER's indefinite length, not DER */
		size_t count = len & 0x7f;
		if (count == 0 || count > 4 || avail - 2 < count)
			return -WBE_SIG_MALFORMED;
		len = 0;
		for (size_t i = 0; i < count; i++)
			len = len << 8 | start[2 + i];
		header += count;
	}
	if (len > avail - header)
		return -WBE_SIG_MALFORMED;
	*tag = start[0];
	if (tlv)
		*tlv = (struct cms_bytes){start, header + len};
	if (inner)
		*inner = (struct der){start + header, start + header + len};
	d->p = start + header + len;
	return 0;
}

/* The next element, which must have tag @want. */
static int der_expect(struct der *d, uint8_t want, struct cms_bytes *tlv, struct der *inner)
{
	uint8_t tag;
	int rc = der_read(d, &tag, tlv, inner);
	return rc ? rc : tag == want ? 0 : -WBE_SIG_MALFORMED;
}

static bool der_at(const struct der *d, uint8_t tag)
{
	return d->p < d->end && d->p[0] == tag;
}

static bool der_done(const struct der *d)
{
	return d->p == d->end;
}

/* @len bytes that are exactly one SEQUENCE (nothing after it): its contents in @inner */
static int der_whole_sequence(const uint8_t *der, size_t len, struct der *inner)
{
	if (!der)
		return -WBE_SIG_MALFORMED;
	struct der top = {der, der + len};
	if (der_expect(&top, TAG_SEQUENCE, NULL, inner) || !der_done(&top))
		return -WBE_SIG_MALFORMED;
	return 0;
}

static struct cms_bytes contents(const struct der *inner)
{
	return (struct cms_bytes){inner->p, (size_t)(inner->end - inner->p)};
}

bool cms_bytes_eq(struct cms_bytes a, struct cms_bytes b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* OIDs, contents octets only (X.690 §8.19) */
#define OID_ENTRY(...) {(const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})}
#define OID(...) ((struct cms_bytes)OID_ENTRY(__VA_ARGS__))
#define OID_SIGNED_DATA OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02)    /* 1.2.840.113549.1.7.2 */
#define OID_DATA OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01)           /* 1.2.840.113549.1.7.1 */
#define OID_CONTENT_TYPE OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03)   /* 1.2.840.113549.1.9.3 */
#define OID_MESSAGE_DIGEST OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04) /* 1.2.840.113549.1.9.4 */
#define OID_SUBJECT_KEY_ID OID(0x55, 0x1d, 0x0e)                                     /* 2.5.29.14 */
#define OID_EXT_KEY_USAGE OID(0x55, 0x1d, 0x25)                                      /* 2.5.29.37 */
#define OID_CODE_SIGNING OID(0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03)         /* 1.3.6.1.5.5.7.3.3 */

struct alg_name {
	enum cms_sig_alg sig;
	enum cms_digest digest;
};

static const struct alg_entry {
	struct cms_bytes oid;
	struct alg_name name;
} algorithms[] = {
	/* digests (RFC 5754 §2) */
	{OID_ENTRY(0x2b, 0x0e, 0x03, 0x02, 0x1a), {CMS_SIG_UNKNOWN, CMS_DIGEST_SHA1}},
	{OID_ENTRY(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01), {CMS_SIG_UNKNOWN, CMS_DIGEST_SHA256}},
	{OID_ENTRY(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02), {CMS_SIG_UNKNOWN, CMS_DIGEST_SHA384}},
	{OID_ENTRY(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03), {CMS_SIG_UNKNOWN, CMS_DIGEST_SHA512}},
	/* RSA PKCS#1 v1.5 (RFC 3370 §3.2: rsaEncryption; RFC 5754 §3.2) */
	{OID_ENTRY(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01), {CMS_SIG_RSA, CMS_DIGEST_NONE}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05), {CMS_SIG_RSA, CMS_DIGEST_SHA1}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b), {CMS_SIG_RSA, CMS_DIGEST_SHA256}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c), {CMS_SIG_RSA, CMS_DIGEST_SHA384}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d), {CMS_SIG_RSA, CMS_DIGEST_SHA512}},
	/* ECDSA (RFC 5758 §3.2; ecdsa-with-SHA1 from RFC 3279 §2.2.3) */
	{OID_ENTRY(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01), {CMS_SIG_ECDSA, CMS_DIGEST_SHA1}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02), {CMS_SIG_ECDSA, CMS_DIGEST_SHA256}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03), {CMS_SIG_ECDSA, CMS_DIGEST_SHA384}},
	{OID_ENTRY(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04), {CMS_SIG_ECDSA, CMS_DIGEST_SHA512}},
};

static struct alg_name lookup(struct cms_bytes oid)
{
	for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++)
		if (cms_bytes_eq(oid, algorithms[i].oid))
			return algorithms[i].name;
	return (struct alg_name){CMS_SIG_UNKNOWN, CMS_DIGEST_UNKNOWN};
}

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (RFC 5280
 * §4.1.1.2); the parameters (NULL or absent for every algorithm here) are skipped. */
static int read_algorithm(struct der *d, struct alg_name *out)
{
	struct der seq, oid;
	int rc = der_expect(d, TAG_SEQUENCE, NULL, &seq);
	if (rc == 0)
		rc = der_expect(&seq, TAG_OID, NULL, &oid);
	if (rc)
		return rc;
	*out = lookup(contents(&oid));
	return 0;
}

/*
 * SignedAttributes (RFC 5652 §5.3, §11): SET OF Attribute { attrType OID, attrValues SET }.
 * messageDigest (one OCTET STRING) is required and must be single; contentType must say id-data,
 * the type of the detached content.
 */
static int read_signed_attrs(struct der attrs, struct cms_signer *s)
{
	bool content_type = false;
	while (!der_done(&attrs)) {
		struct der attr, type, values, value;
		struct cms_bytes oid;
		uint8_t tag;
		int rc = der_expect(&attrs, TAG_SEQUENCE, NULL, &attr);
		if (rc == 0)
			rc = der_expect(&attr, TAG_OID, NULL, &type);
		if (rc == 0)
			rc = der_expect(&attr, TAG_SET, NULL, &values);
		if (rc)
			return rc;
		oid = contents(&type);
		if (cms_bytes_eq(oid, OID_MESSAGE_DIGEST)) {
			if (s->message_digest.data || der_expect(&values, TAG_OCTET_STRING, NULL, &value) ||
			    !der_done(&values))
				return -WBE_SIG_MALFORMED;
			s->message_digest = contents(&value);
			if (s->message_digest.len == 0)
				return -WBE_SIG_MALFORMED;
		} else if (cms_bytes_eq(oid, OID_CONTENT_TYPE)) {
			if (content_type || der_expect(&values, TAG_OID, NULL, &value) || !der_done(&values) ||
			    !cms_bytes_eq(contents(&value), OID_DATA))
				return -WBE_SIG_MALFORMED;
			content_type = true;
		} else if (der_read(&values, &tag, NULL, NULL)) {
			return -WBE_SIG_MALFORMED; /* other attributes (signingTime, ...): not used */
		}
	}
	return s->message_digest.data && content_type ? 0 : -WBE_SIG_MALFORMED;
}

/*
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
 *   signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
 * (RFC 5652 §5.3). version 1 goes with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
 */
static int read_signer(struct der *d, struct cms_signer *s)
{
	struct der si, version, sid, field;
	struct alg_name alg;
	uint8_t tag;
	memset(s, 0, sizeof(*s));
	int rc = der_expect(d, TAG_SEQUENCE, NULL, &si);
	if (rc == 0)
		rc = der_expect(&si, TAG_INTEGER, NULL, &version);
	if (rc == 0)
		rc = der_read(&si, &tag, NULL, &sid);
	if (rc)
		return rc;
	if (tag == TAG_SEQUENCE) {
		rc = der_expect(&sid, TAG_SEQUENCE, &s->issuer, NULL);
		if (rc == 0)
			rc = der_expect(&sid, TAG_INTEGER, NULL, &field);
		if (rc || !der_done(&sid))
			return -WBE_SIG_MALFORMED;
		s->serial = contents(&field);
	} else if (tag == TAG_CONTEXT_0_PRIM) {
		s->key_id = contents(&sid);
	} else {
		return -WBE_SIG_MALFORMED;
	}
	if ((s->serial.len == 0 && s->key_id.len == 0) || read_algorithm(&si, &alg) || alg.sig != CMS_SIG_UNKNOWN)
		return -WBE_SIG_MALFORMED;
	s->digest = alg.digest;
	if (der_at(&si, TAG_CONTEXT_0)) {
		struct der attrs;
		rc = der_expect(&si, TAG_CONTEXT_0, &s->signed_attrs, &attrs);
		if (rc == 0)
			rc = read_signed_attrs(attrs, s);
		if (rc)
			return rc;
	}
	rc = read_algorithm(&si, &alg);
	if (rc == 0)
		rc = der_expect(&si, TAG_OCTET_STRING, NULL, &field);
	if (rc)
		return rc;
	s->sig_alg = alg.sig;
	s->sig_digest = alg.digest;
	s->signature = contents(&field);
	if (s->signature.len == 0)
		return -WBE_SIG_MALFORMED;
	/* unsignedAttrs (countersignatures, timestamps) are not used */
	return 0;
}

/*
 * ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT } (RFC 5652 §3) holding
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
 *   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET } (§5.1).
 */
int cms_parse(const uint8_t *der, size_t len, struct cms_signed_data *out)
{
	struct der info, type, explicit, sd, field, encap;
	uint8_t tag;
	memset(out, 0, sizeof(*out));
	if (der_whole_sequence(der, len, &info) || der_expect(&info, TAG_OID, NULL, &type) || !cms_bytes_eq(contents(&type), OID_SIGNED_DATA) ||
	    der_expect(&info, TAG_CONTEXT_0, NULL, &explicit) || der_expect(&explicit, TAG_SEQUENCE, NULL, &sd) ||
	    !der_done(&explicit))
		return -WBE_SIG_MALFORMED;
	if (der_expect(&sd, TAG_INTEGER, NULL, &field) || der_expect(&sd, TAG_SET, NULL, &field))
		return -WBE_SIG_MALFORMED;
	/* EncapsulatedContentInfo: id-data without eContent, the detached form (§5.2) */
	if (der_expect(&sd, TAG_SEQUENCE, NULL, &encap) || der_expect(&encap, TAG_OID, NULL, &type) ||
	    !cms_bytes_eq(contents(&type), OID_DATA) || !der_done(&encap))
		return -WBE_SIG_MALFORMED;
	if (der_at(&sd, TAG_CONTEXT_0)) {
		struct der certs;
		if (der_expect(&sd, TAG_CONTEXT_0, NULL, &certs))
			return -WBE_SIG_MALFORMED;
		while (!der_done(&certs)) {
			struct cms_bytes cert;
			if (der_read(&certs, &tag, &cert, NULL))
				return -WBE_SIG_MALFORMED;
			if (tag != TAG_SEQUENCE)
				continue; /* attribute certificates and other CertificateChoices (§10.2.2) */
			if (out->cert_count == CMS_CERTS_MAX)
				return -WBE_SIG_MALFORMED;
			out->certs[out->cert_count++] = cert;
		}
	}
	if (der_at(&sd, TAG_CONTEXT_1) && der_read(&sd, &tag, NULL, NULL)) /* crls [1]: not used */
		return -WBE_SIG_MALFORMED;
	struct der signers;
	if (der_expect(&sd, TAG_SET, NULL, &signers) || !der_done(&sd))
		return -WBE_SIG_MALFORMED;
	while (!der_done(&signers)) {
		if (out->signer_count == CMS_SIGNERS_MAX)
			return -WBE_SIG_MALFORMED;
		int rc = read_signer(&signers, &out->signers[out->signer_count]);
		if (rc)
			return rc;
		out->signer_count++;
	}
	return out->signer_count ? 0 : -WBE_SIG_MALFORMED;
}

/* ---------------------------------------------------------------- certificates */

/* extendedKeyUsage ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (RFC 5280 §4.2.1.12) */
static int read_eku(struct der value, struct cms_cert *out)
{
	struct der seq, oid;
	if (der_expect(&value, TAG_SEQUENCE, NULL, &seq) || !der_done(&value) || der_done(&seq))
		return -WBE_SIG_MALFORMED;
	out->has_eku = true;
	while (!der_done(&seq)) {
		if (der_expect(&seq, TAG_OID, NULL, &oid))
			return -WBE_SIG_MALFORMED;
		if (cms_bytes_eq(contents(&oid), OID_CODE_SIGNING))
			out->eku_code_signing = true;
	}
	return 0;
}

/* Extensions ::= SEQUENCE OF Extension { extnID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING } (RFC 5280 §4.1.2.9) */
static int read_extensions(struct der exts, struct cms_cert *out)
{
	struct der seq, ext, oid, value, skid;
	if (der_expect(&exts, TAG_SEQUENCE, NULL, &seq) || !der_done(&exts))
		return -WBE_SIG_MALFORMED;
	while (!der_done(&seq)) {
		if (der_expect(&seq, TAG_SEQUENCE, NULL, &ext) || der_expect(&ext, TAG_OID, NULL, &oid))
			return -WBE_SIG_MALFORMED;
		if (der_at(&ext, TAG_BOOLEAN) && der_expect(&ext, TAG_BOOLEAN, NULL, NULL))
			return -WBE_SIG_MALFORMED;
		if (der_expect(&ext, TAG_OCTET_STRING, NULL, &value) || !der_done(&ext))
			return -WBE_SIG_MALFORMED;
		struct cms_bytes id = contents(&oid);
		if (cms_bytes_eq(id, OID_EXT_KEY_USAGE)) {
			if (out->has_eku || read_eku(value, out))
				return -WBE_SIG_MALFORMED; /* RFC 5280 §4.2: one instance per extension */
		} else if (cms_bytes_eq(id, OID_SUBJECT_KEY_ID)) {
			/* SubjectKeyIdentifier ::= KeyIdentifier (OCTET STRING), §4.2.1.2 */
			if (out->key_id.data || der_expect(&value, TAG_OCTET_STRING, NULL, &skid) || !der_done(&value))
				return -WBE_SIG_MALFORMED;
			out->key_id = contents(&skid);
		}
	}
	return 0;
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue };
 * TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
 *   issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 *   subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL } (RFC 5280 §4.1) */
int cms_cert_parse(const uint8_t *der, size_t len, struct cms_cert *out)
{
	struct der cert, tbs, field;
	uint8_t tag;
	memset(out, 0, sizeof(*out));
	if (der_whole_sequence(der, len, &cert) || der_expect(&cert, TAG_SEQUENCE, NULL, &tbs))
		return -WBE_SIG_MALFORMED;
	if (der_at(&tbs, TAG_CONTEXT_0) && der_expect(&tbs, TAG_CONTEXT_0, NULL, NULL))
		return -WBE_SIG_MALFORMED;
	if (der_expect(&tbs, TAG_INTEGER, NULL, &field))
		return -WBE_SIG_MALFORMED;
	out->serial = contents(&field);
	if (out->serial.len == 0 || der_expect(&tbs, TAG_SEQUENCE, NULL, NULL) ||
	    der_expect(&tbs, TAG_SEQUENCE, &out->issuer, NULL) || der_expect(&tbs, TAG_SEQUENCE, NULL, NULL) ||
	    der_expect(&tbs, TAG_SEQUENCE, &out->subject, NULL) || der_expect(&tbs, TAG_SEQUENCE, NULL, NULL))
		return -WBE_SIG_MALFORMED;
	while (!der_done(&tbs)) {
		if (der_read(&tbs, &tag, NULL, &field))
			return -WBE_SIG_MALFORMED;
		if (tag == TAG_CONTEXT_3)
			return read_extensions(field, out);
	}
	return 0;
}
