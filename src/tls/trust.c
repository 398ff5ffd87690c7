/*
 * trust.c - the trust anchor store (contract in wireboot/trust.h).
 *
 * Certificates are decoded with BearSSL's own X.509 decoder and PEM decoder: the only parser
 * written here is trust_dn_common_name(), for display, fuzzed by fuzz/trust_fuzz.c.
 */
#include "wireboot/trust.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include <bearssl.h>
#include <string.h>

struct anchor_meta {
	void *owned; /* one block holding the DN and key bytes of an added anchor; NULL: built-in */
	char source[TRUST_SOURCE_MAX];
};

struct trust_store {
	br_x509_trust_anchor *anchors; /* contiguous for br_x509_minimal_init() */
	struct anchor_meta *meta;      /* parallel to anchors */
	size_t count, capacity;
};

/* Grows both arrays together; on failure nothing changes. */
static int reserve(struct trust_store *ts, size_t want)
{
	if (want <= ts->capacity)
		return 0;
	size_t cap = ts->capacity ? ts->capacity * 2 : 8;
	while (cap < want)
		cap *= 2;
	br_x509_trust_anchor *a = wb_realloc(ts->anchors, cap * sizeof(*a));
	if (!a)
		return -WBE_NOMEM;
	ts->anchors = a;
	struct anchor_meta *m = wb_realloc(ts->meta, cap * sizeof(*m));
	if (!m)
		return -WBE_NOMEM; /* anchors grew alone: harmless, capacity is still the old one */
	ts->meta = m;
	ts->capacity = cap;
	return 0;
}

int trust_store_create(struct trust_store **out)
{
	struct trust_store *ts = wb_zalloc(sizeof(*ts));
	if (!ts)
		return -WBE_NOMEM;
	int rc = reserve(ts, trust_builtin_count);
	if (rc) {
		trust_store_destroy(ts);
		return rc;
	}
	for (size_t i = 0; i < trust_builtin_count; i++) {
		ts->anchors[i] = trust_builtin_anchors[i];
		ts->meta[i].owned = NULL;
		ts->meta[i].source[0] = '\0';
	}
	ts->count = trust_builtin_count;
	*out = ts;
	return 0;
}

void trust_store_destroy(struct trust_store *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->count; i++)
		wb_free(ts->meta[i].owned);
	wb_free(ts->anchors);
	wb_free(ts->meta);
	wb_free(ts);
}

size_t trust_count(const struct trust_store *ts)
{
	return ts->count;
}

const br_x509_trust_anchor *trust_anchors(const struct trust_store *ts)
{
	return ts->count ? ts->anchors : NULL;
}

/* ---------------------------------------------------------------- DER certificates */

struct dn_buffer {
	uint8_t data[1024]; /* RFC 5280 puts no bound on names; real CA names are < 300 bytes */
	size_t len;
	bool overflow;
};

static void append_dn(void *ctx, const void *buf, size_t len)
{
	struct dn_buffer *dn = ctx;
	if (len > sizeof(dn->data) - dn->len) {
		dn->overflow = true;
		return;
	}
	memcpy(dn->data + dn->len, buf, len);
	dn->len += len;
}

static bool blob_eq(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static bool same_key(const br_x509_pkey *a, const br_x509_pkey *b)
{
	if (a->key_type != b->key_type)
		return false;
	if (a->key_type == BR_KEYTYPE_RSA)
		return blob_eq(a->key.rsa.n, a->key.rsa.nlen, b->key.rsa.n, b->key.rsa.nlen) &&
		       blob_eq(a->key.rsa.e, a->key.rsa.elen, b->key.rsa.e, b->key.rsa.elen);
	return a->key.ec.curve == b->key.ec.curve && blob_eq(a->key.ec.q, a->key.ec.qlen, b->key.ec.q, b->key.ec.qlen);
}

int trust_add_der(struct trust_store *ts, const void *der, size_t len, const char *source)
{
	if (len > TRUST_CERT_MAX)
		return -WBE_RANGE;
	struct dn_buffer dn = {.len = 0, .overflow = false};
	br_x509_decoder_context dc;
	br_x509_decoder_init(&dc, append_dn, &dn);
	br_x509_decoder_push(&dc, der, len);
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || dn.overflow || dn.len == 0)
		return -WBE_TLS_CERT_INVALID;
	size_t keylen = pk->key_type == BR_KEYTYPE_RSA ? pk->key.rsa.nlen + pk->key.rsa.elen : pk->key.ec.qlen;
	for (size_t i = 0; i < ts->count; i++) {
		const br_x509_trust_anchor *a = &ts->anchors[i];
		if (blob_eq(a->dn.data, a->dn.len, dn.data, dn.len) && same_key(&a->pkey, pk))
			return -WBE_EXIST;
	}
	int rc = reserve(ts, ts->count + 1);
	if (rc)
		return rc;
	uint8_t *block = wb_malloc(dn.len + keylen);
	if (!block)
		return -WBE_NOMEM;
	br_x509_trust_anchor *a = &ts->anchors[ts->count];
	memcpy(block, dn.data, dn.len);
	a->dn.data = block;
	a->dn.len = dn.len;
	a->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	a->pkey = *pk;
	uint8_t *k = block + dn.len;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		memcpy(k, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(k + pk->key.rsa.nlen, pk->key.rsa.e, pk->key.rsa.elen);
		a->pkey.key.rsa.n = k;
		a->pkey.key.rsa.e = k + pk->key.rsa.nlen;
	} else {
		memcpy(k, pk->key.ec.q, pk->key.ec.qlen);
		a->pkey.key.ec.q = k;
	}
	struct anchor_meta *m = &ts->meta[ts->count];
	m->owned = block;
	size_t slen = strlen(source);
	if (slen >= sizeof(m->source))
		slen = sizeof(m->source) - 1;
	memcpy(m->source, source, slen);
	m->source[slen] = '\0';
	ts->count++;
	return 0;
}

/* ---------------------------------------------------------------- PEM */

struct der_buffer {
	uint8_t *data;
	size_t len, cap;
	bool overflow, nomem;
};

static void append_der(void *ctx, const void *buf, size_t len)
{
	struct der_buffer *d = ctx;
	if (d->overflow || d->nomem)
		return;
	if (len > TRUST_CERT_MAX - d->len) {
		d->overflow = true;
		return;
	}
	if (d->len + len > d->cap) {
		size_t cap = d->cap ? d->cap : 2048;
		while (cap < d->len + len)
			cap *= 2;
		uint8_t *p = wb_realloc(d->data, cap);
		if (!p) {
			d->nomem = true;
			return;
		}
		d->data = p;
		d->cap = cap;
	}
	memcpy(d->data + d->len, buf, len);
	d->len += len;
}

/* RFC 7468 §5.1: "CERTIFICATE"; OpenSSL also writes "X509 CERTIFICATE" and "TRUSTED
 * CERTIFICATE" (the latter with trust settings after the certificate, which BearSSL's
 * decoder ignores as trailing bytes). */
static bool is_certificate_label(const char *name)
{
	return strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0 ||
	       strcmp(name, "TRUSTED CERTIFICATE") == 0;
}

int trust_add_pem(struct trust_store *ts, const void *pem, size_t len, const char *source, unsigned *added)
{
	br_pem_decoder_context pc;
	br_pem_decoder_init(&pc);
	struct der_buffer der = {0};
	const uint8_t *p = pem;
	unsigned certs = 0, fresh = 0;
	bool in_cert = false, flushed = false;
	int rc = 0;
	/* The decoder needs a line end after the last "-----END" line: feed one at the end. */
	while (rc == 0 && (len > 0 || !flushed)) {
		if (len == 0) {
			p = (const uint8_t *)"\n";
			len = 1;
			flushed = true;
		}
		size_t n = br_pem_decoder_push(&pc, p, len);
		p += n;
		len -= n;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			in_cert = is_certificate_label(br_pem_decoder_name(&pc));
			der.len = 0;
			br_pem_decoder_setdest(&pc, in_cert ? append_der : NULL, &der);
			break;
		case BR_PEM_END_OBJ:
			if (!in_cert)
				break;
			in_cert = false;
			if (der.nomem)
				rc = -WBE_NOMEM;
			else if (der.overflow)
				rc = -WBE_RANGE;
			else
				rc = trust_add_der(ts, der.data, der.len, source);
			certs++;
			if (rc == 0)
				fresh++;
			else if (rc == -WBE_EXIST)
				rc = 0;
			break;
		case BR_PEM_ERROR:
			rc = -WBE_TLS_PEM;
			break;
		default:
			break;
		}
	}
	wb_free(der.data);
	if (added)
		*added = fresh;
	if (rc == 0 && (certs == 0 || in_cert))
		rc = -WBE_TLS_PEM;
	return rc;
}

/* ---------------------------------------------------------------- display */

/* One DER TLV header at *@p (before @end): the tag and the value's bounds. Definite lengths
 * up to 4 bytes (X.690 §8.1.3); DER forbids the indefinite form. */
static int der_tlv(const uint8_t **p, const uint8_t *end, uint8_t *tag, const uint8_t **value, size_t *vlen)
{
	const uint8_t *q = *p;
	if (end - q < 2)
		return -WBE_INVAL;
	*tag = *q++;
	size_t l = *q++;
	if (l & 0x80) {
		unsigned n = l & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - q) < n)
			return -WBE_INVAL;
		l = 0;
		while (n--)
			l = l << 8 | *q++;
	}
	if (l > (size_t)(end - q))
		return -WBE_INVAL;
	*value = q;
	*vlen = l;
	*p = q + l;
	return 0;
}

int trust_dn_common_name(const uint8_t *dn, size_t len, char *buf, size_t size)
{
	static const uint8_t cn_oid[] = {0x55, 0x04, 0x03}; /* 2.5.4.3, X.520 */
	buf[0] = '\0';
	const uint8_t *p = dn, *end = dn + len, *seq, *set, *atv, *v;
	size_t seqlen, setlen, atvlen, vlen;
	uint8_t tag;
	bool found = false;
	/* Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue) */
	if (der_tlv(&p, end, &tag, &seq, &seqlen) || tag != 0x30)
		return -WBE_INVAL;
	const uint8_t *sp = seq, *send = seq + seqlen;
	while (sp < send) {
		if (der_tlv(&sp, send, &tag, &set, &setlen) || tag != 0x31)
			goto malformed;
		const uint8_t *ap = set, *aend = set + setlen;
		while (ap < aend) {
			if (der_tlv(&ap, aend, &tag, &atv, &atvlen) || tag != 0x30)
				goto malformed;
			const uint8_t *op = atv, *oend = atv + atvlen, *oid;
			size_t oidlen;
			if (der_tlv(&op, oend, &tag, &oid, &oidlen) || tag != 0x06 || der_tlv(&op, oend, &tag, &v, &vlen))
				goto malformed;
			if (oidlen != sizeof(cn_oid) || memcmp(oid, cn_oid, sizeof(cn_oid)) != 0)
				continue;
			/* UTF8String, PrintableString, IA5String, TeletexString: shown byte by byte */
			size_t n = 0;
			for (size_t i = 0; i < vlen && n + 1 < size; i++)
				buf[n++] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
			buf[n] = '\0';
			found = true;
		}
	}
	return found ? 0 : -WBE_NOENT;
malformed:
	buf[0] = '\0';
	return -WBE_INVAL;
}

/* RSA: the modulus size in bits (n is unsigned big-endian, maybe with leading zero bytes) */
static unsigned rsa_bits(const br_rsa_public_key *k)
{
	size_t i = 0;
	while (i < k->nlen && k->n[i] == 0)
		i++;
	if (i == k->nlen)
		return 0;
	unsigned bits = (unsigned)(k->nlen - i) * 8;
	for (uint8_t top = k->n[i]; !(top & 0x80); top = (uint8_t)(top << 1))
		bits--;
	return bits;
}

static const char *curve_name(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1:
		return "EC P-256";
	case BR_EC_secp384r1:
		return "EC P-384";
	case BR_EC_secp521r1:
		return "EC P-521";
	default:
		return "EC (other curve)";
	}
}

int trust_get_info(const struct trust_store *ts, size_t index, struct trust_info *out)
{
	if (index >= ts->count)
		return -WBE_RANGE;
	const br_x509_trust_anchor *a = &ts->anchors[index];
	trust_dn_common_name(a->dn.data, a->dn.len, out->common_name, sizeof(out->common_name));
	out->builtin = ts->meta[index].owned == NULL;
	out->ca = (a->flags & BR_X509_TA_CA) != 0;
	bool rsa = a->pkey.key_type == BR_KEYTYPE_RSA;
	out->key_type = rsa ? "RSA" : curve_name(a->pkey.key.ec.curve);
	out->key_bits = rsa ? rsa_bits(&a->pkey.key.rsa) : 0;
	out->source = ts->meta[index].source;
	return 0;
}
