/*
 * codesign.h - verify a detached CMS signature over an image (what `imgverify` does), sans
 * I/O: bytes, trust anchors and the time in; a verdict and the reason out.
 *
 * The steps, each failing with its own code:
 *  1. the signature parses as CMS SignedData (cms.h; DER, or PEM "CMS"/"PKCS7" wrapping it)
 *     -WBE_SIG_MALFORMED;
 *  2. the signer: the first SignerInfo, or with @signer_name the first whose certificate's
 *     common name equals it; its certificate is found among the SignedData's certificates by
 *     issuerAndSerialNumber or subjectKeyIdentifier: -WBE_SIG_SIGNER_NAME when no signer has
 *     that name, -WBE_SIG_UNTRUSTED when the certificate is missing;
 *  3. its chain, built from the other certificates in the signature, is validated by
 *     BearSSL's x509_minimal against @anchors at @unix_now: -WBE_SIG_UNTRUSTED,
 *     -WBE_SIG_SIGNER_EXPIRED, -WBE_SIG_UNSUPPORTED (key or algorithm BearSSL refuses);
 *  4. the signer certificate allows signing (keyUsage digitalSignature when present) and has
 *     the extendedKeyUsage id-kp-codeSigning: -WBE_SIG_NOT_CODE_SIGNING;
 *  5. the signature (RSA PKCS#1 v1.5 or ECDSA with SHA-1/256/384/512, BearSSL's primitives)
 *     verifies over the image's digest, or over the signed attributes whose messageDigest
 *     equals the image's digest: -WBE_SIG_BAD; an algorithm outside that list:
 *     -WBE_SIG_UNSUPPORTED.
 * -WBE_NOMEM when memory runs out; -WBE_CLOCK_UNKNOWN when @unix_now is negative (no clock).
 */
#ifndef WIREBOOT_CODESIGN_H
#define WIREBOOT_CODESIGN_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl_x509.h>

#include "wireboot/trust.h"

#define CODESIGN_WHY_MAX 160

struct codesign_request {
	const uint8_t *signature; /* the signature file, @signature_len bytes */
	size_t signature_len;
	const uint8_t *data; /* the image, @data_len bytes (NULL only when 0) */
	size_t data_len;
	const br_x509_trust_anchor *anchors; /* @anchor_count of them (NULL when 0) */
	size_t anchor_count;
	int64_t unix_now;        /* the time certificates are checked at (seconds since 1970) */
	const char *signer_name; /* required signer common name, or NULL for any */
};

struct codesign_result {
	char signer[TRUST_CN_MAX];   /* the chosen signer's common name ("" if not known) */
	char why[CODESIGN_WHY_MAX];  /* on failure: what failed, for the user */
};

/**
 * codesign_verify() - run the steps above. Returns 0 when the image is signed by a trusted
 * code-signing certificate, else a negative rc and the reason in @res->why. Neither input is
 * modified; nothing is kept.
 */
int codesign_verify(const struct codesign_request *req, struct codesign_result *res);

#endif
