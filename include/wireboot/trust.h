/*
 * trust.h - the trust anchors TLS validates server chains against (docs/security.md).
 *
 * Two sources, and only these two: the CA certificates embedded at build time with
 * `make TRUST=a.pem,b.pem` (compiled into build/<target>/gen/trust_anchors.c by
 * scripts/trustgen.c), and certificates the user adds explicitly at run time (the `certadd`
 * command calls trust_add_pem()). Nothing adds anchors implicitly (no TOFU, no anchors from
 * DHCP or from a fetched script).
 *
 * An anchor is a subject DN plus a public key (BearSSL's br_x509_trust_anchor). A CA
 * certificate (basicConstraints cA) becomes a CA anchor; any other certificate becomes an
 * end-entity anchor, which BearSSL trusts only as the server's own key (direct trust).
 *
 * Ownership: the store owns the anchors it added; built-in anchors are static data. Anchors
 * are never removed, so the pointers inside one (DN, key) stay valid until
 * trust_store_destroy(), which must come after every TLS stream using the store is closed.
 */
#ifndef WIREBOOT_TRUST_H
#define WIREBOOT_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bearssl_x509.h>

struct trust_store;

/* Defined by the generated build/<target>/gen/trust_anchors.c and read only by trust.c:
 * trust_builtin_count entries (the array has a placeholder element when the count is 0). */
extern const br_x509_trust_anchor trust_builtin_anchors[];
extern const size_t trust_builtin_count;

#define TRUST_CN_MAX 64        /* common names longer than this are cut (display only) */
#define TRUST_SOURCE_MAX 128   /* where an added anchor came from (display only) */
#define TRUST_CERT_MAX 65536   /* largest DER certificate accepted */

/**
 * trust_store_create() - a store holding the built-in anchors. Returns 0 and *@out, or
 * -WBE_NOMEM.
 */
int trust_store_create(struct trust_store **out);

/** trust_store_destroy() - free the store and every added anchor; NULL is ignored. */
void trust_store_destroy(struct trust_store *ts);

/**
 * trust_add_der() - decode one DER certificate (@len bytes, never NULL) and add its subject
 * and public key as an anchor, labelled with @source (a URI or file name, copied; cut at
 * TRUST_SOURCE_MAX). Returns 0, -WBE_EXIST when the same subject and key is already an
 * anchor, -WBE_TLS_CERT_INVALID when the bytes are not a certificate BearSSL can decode
 * (unsupported key type included), -WBE_RANGE when longer than TRUST_CERT_MAX, -WBE_NOMEM.
 */
int trust_add_der(struct trust_store *ts, const void *der, size_t len, const char *source);

/**
 * trust_add_pem() - add every "CERTIFICATE" block of PEM text (@len bytes, need not be
 * NUL-terminated). Other blocks (keys) are skipped unread. *@added (may be NULL) receives
 * how many new anchors were added; certificates already present are skipped.
 * Returns 0 when at least one block was a certificate (even if all were duplicates),
 * -WBE_TLS_PEM when there was none or the PEM is malformed, or trust_add_der()'s error for
 * a certificate that does not decode (anchors added before it are kept).
 */
int trust_add_pem(struct trust_store *ts, const void *pem, size_t len, const char *source, unsigned *added);

/** trust_count() - number of anchors, built-in and added. */
size_t trust_count(const struct trust_store *ts);

/**
 * trust_anchors() - the anchors as one array of trust_count() entries for BearSSL. The
 * array itself moves when an anchor is added (copy it; the DN and key data it points to
 * stay put, see above). NULL when the store is empty.
 */
const br_x509_trust_anchor *trust_anchors(const struct trust_store *ts);

struct trust_info {
	char common_name[TRUST_CN_MAX]; /* subject CN, printable ASCII ('?' for others); "" if none */
	bool builtin;                   /* embedded at build time; else added with certadd */
	bool ca;                        /* a CA anchor (else a directly trusted server key) */
	const char *key_type;           /* "RSA", "EC P-256", ... (static text) */
	unsigned key_bits;              /* RSA modulus size; 0 for EC keys */
	const char *source;             /* the added anchor's source; "" for built-in ones */
};

/** trust_get_info() - describe anchor @index (< trust_count()); -WBE_RANGE otherwise. */
int trust_get_info(const struct trust_store *ts, size_t index, struct trust_info *out);

/**
 * trust_dn_common_name() - the last commonName (OID 2.5.4.3) of a DER-encoded X.501 Name
 * (@dn, @len bytes, untrusted input) into @buf (@size >= 1, always NUL-terminated; cut when
 * too long; bytes outside printable ASCII become '?'). Returns 0, or -WBE_NOENT when the name
 * holds no CN, or -WBE_INVAL when the DER is malformed (then @buf is "").
 */
int trust_dn_common_name(const uint8_t *dn, size_t len, char *buf, size_t size);

#endif
