/*
 * codesign.c - image signature verification (contract in wireboot/codesign.h).
 *
 * The CMS structure is read by cms.c; every cryptographic operation is BearSSL's: the chain
 * is validated by x509_minimal (signatures, names, validity, basicConstraints, keyUsage), the
 * image and attribute digests by its hash classes, the signature by its RSA PKCS#1 v1.5 and
 * ECDSA verifiers. What BearSSL does not check for us is the extended key usage: cms.c reads
 * it from the signer certificate.
 */
#include "wireboot/codesign.h"
#include "wireboot/cms.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"

#include <bearssl.h>
#include <string.h>

#define DAYS_0AD_TO_1970 719528 /* x509_minimal counts days from 0000-01-01 (proleptic Gregorian) */

struct digest_info {
	const br_hash_class *hash;
	const unsigned char *rsa_oid; /* DigestInfo OID for br_rsa_pkcs1_vrfy (BR_HASH_OID_*) */
	const char *name;
};

static bool digest_info(enum cms_digest digest, struct digest_info *out)
{
	switch (digest) {
	case CMS_DIGEST_SHA1:
		*out = (struct digest_info){&br_sha1_vtable, BR_HASH_OID_SHA1, "SHA-1"};
		return true;
	case CMS_DIGEST_SHA256:
		*out = (struct digest_info){&br_sha256_vtable, BR_HASH_OID_SHA256, "SHA-256"};
		return true;
	case CMS_DIGEST_SHA384:
		*out = (struct digest_info){&br_sha384_vtable, BR_HASH_OID_SHA384, "SHA-384"};
		return true;
	case CMS_DIGEST_SHA512:
		*out = (struct digest_info){&br_sha512_vtable, BR_HASH_OID_SHA512, "SHA-512"};
		return true;
	default:
		return false;
	}
}

/* The digest of the byte @prefix (none when negative) followed by @len bytes of @data; returns its length. */
static size_t digest_of(const br_hash_class *hash, int prefix, const uint8_t *data, size_t len, uint8_t *out)
{
	br_hash_compat_context ctx;
	hash->init(&ctx.vtable);
	if (prefix >= 0) {
		uint8_t byte = (uint8_t)prefix;
		hash->update(&ctx.vtable, &byte, 1);
	}
	if (len) /* an empty image may come as NULL */
		hash->update(&ctx.vtable, data, len);
	hash->out(&ctx.vtable, out);
	return (hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* ---------------------------------------------------------------- signer and chain */

static bool cert_is_signer(const struct cms_cert *cert, const struct cms_signer *s)
{
	if (s->key_id.len)
		return cms_bytes_eq(cert->key_id, s->key_id);
	return cms_bytes_eq(cert->serial, s->serial) && cms_bytes_eq(cert->issuer, s->issuer);
}

struct chain {
	size_t order[CMS_CERTS_MAX]; /* indexes into the SignedData's certs: signer first */
	struct cms_cert fields[CMS_CERTS_MAX];
	size_t length;
};

/* The signer's certificate and then each next issuer found among the certificates (by
 * subject name), each used once: x509_minimal wants the chain in that order (RFC 5246
 * §7.4.2's order, which it also uses outside TLS) and stops at the first one an anchor signed. */
static void build_chain(const struct cms_signed_data *sd, const struct cms_cert *fields, size_t signer_index,
			struct chain *chain)
{
	bool used[CMS_CERTS_MAX] = {false};
	chain->order[0] = signer_index;
	chain->fields[0] = fields[signer_index];
	chain->length = 1;
	used[signer_index] = true;
	while (chain->length < sd->cert_count) {
		const struct cms_cert *last = &chain->fields[chain->length - 1];
		if (cms_bytes_eq(last->issuer, last->subject))
			break; /* self-issued: a root, nothing above it */
		size_t next = sd->cert_count;
		for (size_t i = 0; i < sd->cert_count && next == sd->cert_count; i++)
			if (!used[i] && cms_bytes_eq(fields[i].subject, last->issuer))
				next = i;
		if (next == sd->cert_count)
			break;
		used[next] = true;
		chain->order[chain->length] = next;
		chain->fields[chain->length++] = fields[next];
	}
}

/* x509_minimal reports expired and not-yet-valid alike: decode each certificate's dates to
 * say which one, and which way. */
static void explain_dates(const struct cms_signed_data *sd, const struct chain *chain, uint32_t days,
			  uint32_t secs, struct codesign_result *res)
{
	br_x509_decoder_context dc;
	for (size_t i = 0; i < chain->length; i++) {
		const struct cms_bytes *der = &sd->certs[chain->order[i]];
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, der->data, der->len);
		if (br_x509_decoder_last_error(&dc) != 0)
			continue;
		char cn[TRUST_CN_MAX];
		trust_dn_common_name(chain->fields[i].subject.data, chain->fields[i].subject.len, cn, sizeof(cn));
		bool early = days < dc.notbefore_days || (days == dc.notbefore_days && secs < dc.notbefore_seconds);
		bool late = days > dc.notafter_days || (days == dc.notafter_days && secs > dc.notafter_seconds);
		if (early || late) {
			wb_snprintf(res->why, sizeof(res->why), "certificate \"%s\" %s", cn,
				    early ? "is not valid yet (check the clock)" : "has expired");
			return;
		}
	}
	wb_snprintf(res->why, sizeof(res->why), "a certificate of the chain is outside its validity period");
}

static int chain_error(int err, const struct codesign_request *req, struct codesign_result *res)
{
	switch (err) {
	case BR_ERR_X509_NOT_TRUSTED:
		wb_snprintf(res->why, sizeof(res->why), "signer \"%s\": chain does not lead to a trusted CA (%u anchor%s)",
			    res->signer, (unsigned)req->anchor_count, req->anchor_count == 1 ? "" : "s");
		return -WBE_SIG_UNTRUSTED;
	case BR_ERR_X509_BAD_SIGNATURE:
	case BR_ERR_X509_DN_MISMATCH:
	case BR_ERR_X509_NOT_CA:
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
	case BR_ERR_X509_CRITICAL_EXTENSION:
		wb_snprintf(res->why, sizeof(res->why), "signer \"%s\": chain refused (BearSSL error %d: %s)", res->signer,
			    err,
			    err == BR_ERR_X509_BAD_SIGNATURE     ? "a certificate signature does not verify"
			    : err == BR_ERR_X509_CRITICAL_EXTENSION ? "a critical extension BearSSL does not know"
								    : "an issuer is not a CA for it");
		return -WBE_SIG_UNTRUSTED;
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		wb_snprintf(res->why, sizeof(res->why), "signer \"%s\": unsupported or weak key or algorithm in the chain (BearSSL error %d)",
			    res->signer, err);
		return -WBE_SIG_UNSUPPORTED;
	default:
		wb_snprintf(res->why, sizeof(res->why), "signer \"%s\": malformed certificate (BearSSL error %d)", res->signer,
			    err);
		return -WBE_SIG_MALFORMED;
	}
}

/* Feeds the chain to x509_minimal; returns its error (0: trusted) and the signer's key,
 * valid while @xc lives. */
static int validate_chain(br_x509_minimal_context *xc, const struct codesign_request *req,
			  const struct cms_signed_data *sd, const struct chain *chain, struct codesign_result *res,
			  const br_x509_pkey **key, unsigned *usages)
{
	uint32_t days = (uint32_t)(req->unix_now / 86400 + DAYS_0AD_TO_1970);
	uint32_t secs = (uint32_t)(req->unix_now % 86400);
	br_x509_minimal_init_full(xc, req->anchors, req->anchor_count);
	br_x509_minimal_set_time(xc, days, secs);
	const br_x509_class **vt = &xc->vtable;
	(*vt)->start_chain(vt, NULL); /* no server name: nothing to match */
	for (size_t i = 0; i < chain->length; i++) {
		const struct cms_bytes *der = &sd->certs[chain->order[i]];
		(*vt)->start_cert(vt, (uint32_t)der->len);
		(*vt)->append(vt, der->data, der->len);
		(*vt)->end_cert(vt);
	}
	unsigned err = (*vt)->end_chain(vt);
	if (err == BR_ERR_X509_EXPIRED) {
		explain_dates(sd, chain, days, secs, res);
		return -WBE_SIG_SIGNER_EXPIRED;
	}
	if (err)
		return chain_error((int)err, req, res);
	*key = (*vt)->get_pkey(vt, usages);
	return *key ? 0 : chain_error(BR_ERR_X509_UNSUPPORTED, req, res);
}

/* ---------------------------------------------------------------- the signature itself */

static int check_signature(const struct codesign_request *req, const struct cms_signer *s, const br_x509_pkey *key,
			   struct codesign_result *res)
{
	struct digest_info di;
	if (!digest_info(s->digest, &di) || s->sig_alg == CMS_SIG_UNKNOWN ||
	    (s->sig_digest != CMS_DIGEST_NONE && s->sig_digest != s->digest)) {
		wb_snprintf(res->why, sizeof(res->why),
			    "unsupported digest or signature algorithm (RSA or ECDSA with SHA-1/256/384/512 only)");
		return -WBE_SIG_UNSUPPORTED;
	}
	bool rsa = s->sig_alg == CMS_SIG_RSA;
	if (key->key_type != (rsa ? BR_KEYTYPE_RSA : BR_KEYTYPE_EC)) {
		wb_snprintf(res->why, sizeof(res->why), "the signature algorithm (%s) does not fit the signer's key",
			    rsa ? "RSA" : "ECDSA");
		return -WBE_SIG_BAD;
	}
	uint8_t digest[64], image_digest[64];
	size_t dlen = digest_of(di.hash, -1, req->data, req->data_len, image_digest);
	memcpy(digest, image_digest, dlen);
	if (s->signed_attrs.len) {
		/* RFC 5652 §5.4: the digest of the content is the messageDigest attribute, and the
		 * signature covers the DER of the attributes with their EXPLICIT SET OF tag (0x31)
		 * in place of the [0] IMPLICIT one they are sent with */
		if (!cms_bytes_eq(s->message_digest, (struct cms_bytes){image_digest, dlen})) {
			wb_snprintf(res->why, sizeof(res->why), "the image's %s differs from the signed messageDigest: the image was changed",
				    di.name);
			return -WBE_SIG_BAD;
		}
		digest_of(di.hash, 0x31, s->signed_attrs.data + 1, s->signed_attrs.len - 1, digest);
	}
	bool ok;
	if (rsa) {
		uint8_t recovered[64];
		ok = br_rsa_pkcs1_vrfy_get_default()(s->signature.data, s->signature.len, di.rsa_oid, dlen, &key->key.rsa,
						      recovered) == 1 &&
		     memcmp(recovered, digest, dlen) == 0;
	} else {
		ok = br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(), digest, dlen, &key->key.ec, s->signature.data,
						      s->signature.len) == 1;
	}
	if (!ok) {
		wb_snprintf(res->why, sizeof(res->why), "%s signature by \"%s\" does not match the image's %s: the image or the signature was changed",
			    rsa ? "RSA" : "ECDSA", res->signer, di.name);
		return -WBE_SIG_BAD;
	}
	return 0;
}

/* ---------------------------------------------------------------- the steps */

struct work {
	struct cms_signed_data sd;
	struct cms_cert fields[CMS_CERTS_MAX];
	struct chain chain;
	br_x509_minimal_context xc;
};

/* Step 2: the signer to verify and its certificate's index; see codesign.h. */
static int choose_signer(const struct codesign_request *req, struct work *w, const struct cms_signer **signer,
			 size_t *cert_index, struct codesign_result *res)
{
	bool found_any = false;
	for (size_t si = 0; si < w->sd.signer_count; si++) {
		const struct cms_signer *s = &w->sd.signers[si];
		size_t ci = 0;
		while (ci < w->sd.cert_count && !cert_is_signer(&w->fields[ci], s))
			ci++;
		if (ci == w->sd.cert_count)
			continue;
		found_any = true;
		const struct cms_bytes *subject = &w->fields[ci].subject;
		char cn[TRUST_CN_MAX];
		trust_dn_common_name(subject->data, subject->len, cn, sizeof(cn));
		memcpy(res->signer, cn, sizeof(cn));
		if (req->signer_name && strcmp(cn, req->signer_name) != 0)
			continue;
		*signer = s;
		*cert_index = ci;
		return 0;
	}
	if (found_any) {
		wb_snprintf(res->why, sizeof(res->why), "signed by \"%s\", not by the required signer \"%s\"", res->signer,
			    req->signer_name);
		return -WBE_SIG_SIGNER_NAME;
	}
	res->signer[0] = '\0';
	wb_snprintf(res->why, sizeof(res->why), "the signer's certificate is not in the signature (%u certificate%s)",
		    (unsigned)w->sd.cert_count, w->sd.cert_count == 1 ? "" : "s");
	return -WBE_SIG_UNTRUSTED;
}

static int verify(const struct codesign_request *req, struct work *w, struct codesign_result *res)
{
	if (cms_parse(req->signature, req->signature_len, &w->sd)) {
		wb_snprintf(res->why, sizeof(res->why), "not a detached CMS SignedData (%zu bytes of DER)", req->signature_len);
		return -WBE_SIG_MALFORMED;
	}
	for (size_t i = 0; i < w->sd.cert_count; i++) {
		if (cms_cert_parse(w->sd.certs[i].data, w->sd.certs[i].len, &w->fields[i])) {
			wb_snprintf(res->why, sizeof(res->why), "certificate %zu in the signature is malformed", i + 1);
			return -WBE_SIG_MALFORMED;
		}
	}
	const struct cms_signer *signer;
	size_t cert_index;
	int rc = choose_signer(req, w, &signer, &cert_index, res);
	if (rc)
		return rc;
	build_chain(&w->sd, w->fields, cert_index, &w->chain);
	const br_x509_pkey *key;
	unsigned usages;
	rc = validate_chain(&w->xc, req, &w->sd, &w->chain, res, &key, &usages);
	if (rc)
		return rc;
	/* x509_minimal grants BR_KEYTYPE_SIGN unless a keyUsage extension leaves out
	 * digitalSignature (RFC 5280 §4.2.1.3); the extended key usage is ours to check (§4.2.1.12) */
	const struct cms_cert *cert = &w->fields[cert_index];
	if (!(usages & BR_KEYTYPE_SIGN) || !cert->eku_code_signing) {
		wb_snprintf(res->why, sizeof(res->why), "signer \"%s\": %s", res->signer,
			    !(usages & BR_KEYTYPE_SIGN) ? "its keyUsage does not allow digitalSignature"
			    : cert->has_eku         ? "its extendedKeyUsage does not list codeSigning"
						    : "it has no extendedKeyUsage (codeSigning is required)");
		return -WBE_SIG_NOT_CODE_SIGNING;
	}
	return check_signature(req, signer, key, res);
}

/* ---------------------------------------------------------------- PEM */

struct pem_sink {
	uint8_t *data;
	size_t len, cap;
	bool overflow;
};

static void pem_append(void *ctx, const void *buf, size_t len)
{
	struct pem_sink *sink = ctx;
	if (len > sink->cap - sink->len) {
		sink->overflow = true;
		return;
	}
	memcpy(sink->data + sink->len, buf, len);
	sink->len += len;
}

static bool is_pem(const uint8_t *data, size_t len)
{
	static const char begin[] = "-----BEGIN ";
	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	return len >= sizeof(begin) - 1 && memcmp(data, begin, sizeof(begin) - 1) == 0;
}

/*
 * The first PEM block of @pem, which must be labelled "CMS" (RFC 7468 §9, what `openssl cms
 * -outform PEM` writes) or "PKCS7" (OpenSSL's older label), decoded by BearSSL into @sink
 * (capacity: @len, which base64 never exceeds). Returns 0 or -WBE_SIG_MALFORMED.
 */
static int pem_decode(const uint8_t *pem, size_t len, struct pem_sink *sink)
{
	br_pem_decoder_context pc;
	br_pem_decoder_init(&pc);
	bool flushed = false, inside = false;
	/* the decoder needs a line end after the "-----END" line: one is fed at the end */
	while (len > 0 || !flushed) {
		if (len == 0) {
			pem = (const uint8_t *)"\n";
			len = 1;
			flushed = true;
		}
		size_t n = br_pem_decoder_push(&pc, pem, len);
		pem += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			if (strcmp(br_pem_decoder_name(&pc), "CMS") != 0 && strcmp(br_pem_decoder_name(&pc), "PKCS7") != 0)
				return -WBE_SIG_MALFORMED;
			inside = true;
			br_pem_decoder_setdest(&pc, pem_append, sink);
			break;
		case BR_PEM_END_OBJ:
			return inside && !sink->overflow ? 0 : -WBE_SIG_MALFORMED;
		case BR_PEM_ERROR:
			return -WBE_SIG_MALFORMED;
		default:
			break;
		}
	}
	return -WBE_SIG_MALFORMED;
}

int codesign_verify(const struct codesign_request *req, struct codesign_result *res)
{
	res->signer[0] = '\0';
	res->why[0] = '\0';
	if (req->unix_now < 0) {
		wb_snprintf(res->why, sizeof(res->why), "the time of day is unknown: run `ntp <server>` first");
		return -WBE_CLOCK_UNKNOWN;
	}
	/* several KiB (the x509_minimal context above all): on the heap, not the firmware's stack */
	struct work *w = wb_malloc(sizeof(*w));
	struct codesign_request der_req = *req;
	struct pem_sink sink = {NULL, 0, req->signature_len, false};
	bool pem = is_pem(req->signature, req->signature_len);
	if (pem)
		sink.data = wb_malloc(req->signature_len ? req->signature_len : 1);
	int rc = 0;
	if (!w || (pem && !sink.data)) {
		wb_snprintf(res->why, sizeof(res->why), "out of memory");
		rc = -WBE_NOMEM;
	} else if (pem && pem_decode(req->signature, req->signature_len, &sink) != 0) {
		wb_snprintf(res->why, sizeof(res->why), "the PEM signature is malformed or not labelled CMS or PKCS7");
		rc = -WBE_SIG_MALFORMED;
	} else {
		if (pem) {
			der_req.signature = sink.data;
			der_req.signature_len = sink.len;
		}
		rc = verify(&der_req, w, res);
	}
	wb_free(sink.data);
	wb_free(w);
	return rc;
}
