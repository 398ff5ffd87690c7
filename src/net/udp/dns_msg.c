/*
 * dns_msg.c - DNS message codec (contract in wireboot/dns_msg.h). Section numbers are
 * RFC 1035's unless stated otherwise.
 *
 * Everything a server sends is hostile input (musl's resolver is the model): every length is
 * checked against the end of the message before the bytes are read, names are decoded into a
 * fixed 255-byte buffer, compression pointers may only go backwards and are counted, and the
 * number of records read is bounded by the message length (each record takes at least 11
 * bytes). Names are compared in their uncompressed wire form (length-prefixed labels), which
 * needs no escaping for odd bytes inside labels; only the final canonical name is turned back
 * into text, and only when it is a valid host name.
 */
#include "wireboot/dns_msg.h"

#include <string.h>

#include "wireboot/errors.h"

#define HEADER_LEN 12
/* Longest encoded name, including the root byte (§3.1, §2.3.4). */
#define WIRE_MAX 255

/* Header flag bits (§4.1.1) */
#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define OPCODE_MASK 0x7800
#define RCODE_MASK 0x000f

/*
 * Internal result of the readers below: the bytes ran out before the item ended. It is not a
 * WBE_* code and never leaves this file: it becomes -WBE_DNS_MALFORMED, except for an answer
 * record cut off at the end of a message with TC set (RFC 2181 §9).
 */
#define SHORT (-1)

static int malformed(int rc)
{
	return rc == SHORT ? -WBE_DNS_MALFORMED : rc;
}

/* A name in uncompressed wire form: labels each preceded by their length, then 0. */
struct wire_name {
	uint8_t b[WIRE_MAX];
	size_t len;
};

/* One resource record's fixed fields (§4.1.3); positions are offsets into the message. */
struct rr {
	size_t owner; /* where the owner name starts */
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata;
	uint16_t rdlen;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint8_t to_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static bool is_name_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * Encodes the text @name into @wire (may be NULL to only validate). Returns the encoded
 * length or a name error. The text is scanned once; lengths are checked before anything
 * is written, so @wire never overflows.
 */
static int encode_name(const char *name, uint8_t *wire)
{
	size_t out = 0, label_start = 0, label_len = 0;
	const unsigned char *p = (const unsigned char *)name;

	if (!*p)
		return -WBE_DNS_NAME;
	for (;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label_len == 0) {
				/* only "x." may end in an empty label; "", "." and "a.." may not */
				if (*p == '\0' && out > 0 && p[-1] == '.')
					break;
				return -WBE_DNS_NAME;
			}
			if (wire)
				wire[label_start] = (uint8_t)label_len;
			label_len = 0;
			if (*p == '\0')
				break;
			continue;
		}
		if (!is_name_char(*p))
			return -WBE_DNS_NAME;
		if (label_len == 0) {
			/* a new label: its length byte, then its first character */
			label_start = out++;
		}
		if (++label_len > DNS_LABEL_MAX)
			return -WBE_DNS_NAME_TOO_LONG;
		/* the label's bytes, its length bytes and the root byte must fit in 255 */
		if (out + 1 + 1 > WIRE_MAX)
			return -WBE_DNS_NAME_TOO_LONG;
		if (wire)
			wire[out] = *p;
		out++;
	}
	if (wire)
		wire[out] = 0;
	return (int)(out + 1);
}

int dns_name_check(const char *name)
{
	if (!name)
		return -WBE_INVAL;
	return encode_name(name, NULL);
}

/* Length of @s ignoring one trailing dot. */
static size_t len_without_dot(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

bool dns_name_equal(const char *a, const char *b)
{
	size_t na = len_without_dot(a), nb = len_without_dot(b);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (to_lower((uint8_t)a[i]) != to_lower((uint8_t)b[i]))
			return false;
	}
	return true;
}

int dns_name_append_domain(const char *name, const char *domain, char *out, size_t size)
{
	if (!name || !domain || (!out && size))
		return -WBE_INVAL;
	int rc = encode_name(name, NULL);
	if (rc < 0)
		return rc;
	size_t nlen = strlen(name);
	if (name[nlen - 1] == '.')
		return -WBE_DNS_NAME; /* absolute already: search domains do not apply */
	rc = encode_name(domain, NULL);
	if (rc < 0)
		return rc;
	size_t dlen = len_without_dot(domain);
	/* both parts are valid, so only the total length can still be wrong */
	if (nlen + 1 + dlen > DNS_NAME_MAX)
		return -WBE_DNS_NAME_TOO_LONG;
	if (nlen + 1 + dlen + 1 > size)
		return -WBE_NOSPC;
	memcpy(out, name, nlen);
	out[nlen] = '.';
	memcpy(out + nlen + 1, domain, dlen);
	out[nlen + 1 + dlen] = '\0';
	return (int)(nlen + 1 + dlen);
}

int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size)
{
	if (!name || (!buf && size))
		return -WBE_INVAL;
	int wire_len = encode_name(name, NULL);
	if (wire_len < 0)
		return wire_len;
	size_t total = HEADER_LEN + (size_t)wire_len + 4;
	if (size < total)
		return -WBE_NOSPC;

	/* §4.1.1: ID, flags (QR=0 query, opcode 0 QUERY, RD=1), QDCOUNT=1, other counts 0 */
	memset(buf, 0, HEADER_LEN);
	put16(buf, id);
	put16(buf + 2, FLAG_RD);
	put16(buf + 4, 1);
	/* §4.1.2: QNAME QTYPE QCLASS */
	encode_name(name, buf + HEADER_LEN);
	put16(buf + HEADER_LEN + wire_len, qtype);
	put16(buf + HEADER_LEN + wire_len + 2, DNS_CLASS_IN);
	return (int)total;
}

/*
 * Reads the (possibly compressed, §4.1.4) name at msg[*pos] into @name (may be NULL to only
 * skip it) and advances *pos past the name's bytes at that place: up to its root byte, or
 * past the first pointer. Returns 0, SHORT or -WBE_DNS_MALFORMED.
 *
 * Loop prevention: a pointer must point strictly before the start of the label run that
 * contains it (the name's own start, or the previous pointer's target). Targets therefore
 * strictly decrease and no loop can form, however the labels overlap. A real encoder only
 * points at names it has already written, which lie wholly before the current one, so it
 * always satisfies this. The pointer count and the 255-byte limit bound the work per name.
 */
static int read_name(const uint8_t *msg, size_t len, size_t *pos, struct wire_name *name)
{
	size_t p = *pos, run_start = *pos, out = 0, end = 0;
	unsigned pointers = 0;

	for (;;) {
		if (p >= len)
			return SHORT;
		uint8_t c = msg[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return SHORT;
			size_t target = (size_t)(c & 0x3f) << 8 | msg[p + 1];
			if (target >= run_start || ++pointers > DNS_MAX_POINTERS)
				return -WBE_DNS_MALFORMED;
			if (pointers == 1)
				end = p + 2;
			p = run_start = target;
			continue;
		}
		if (c & 0xc0) {
			/* 0x40/0x80: extended label types (RFC 6891 §5), not used in answers */
			return -WBE_DNS_MALFORMED;
		}
		/* this label (or the root byte) and a root byte after it must fit in 255 */
		if (out + 1 + c + (c ? 1 : 0) > WIRE_MAX)
			return -WBE_DNS_MALFORMED;
		if (c > len - p - 1)
			return SHORT;
		if (name)
			memcpy(name->b + out, msg + p, 1 + (size_t)c);
		out += 1 + (size_t)c;
		p += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (name)
		name->len = out;
	*pos = pointers ? end : p;
	return 0;
}

/* RFC 4343 §3: ASCII case-insensitive. Length bytes are at most 63, below 'A', so folding
 * every byte of the wire form is safe. */
static bool wire_equal(const struct wire_name *a, const struct wire_name *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		if (to_lower(a->b[i]) != to_lower(b->b[i]))
			return false;
	}
	return true;
}

/*
 * Text of @name without the trailing dot into @text (DNS_NAME_MAX + 1 bytes), or
 * -WBE_DNS_MALFORMED when it is not a valid host name (root, or a byte outside the name
 * characters - such a name could not be re-queried, nor printed unambiguously).
 */
static int wire_to_text(const struct wire_name *name, char *text)
{
	size_t i = 0, out = 0;
	if (name->len < 2)
		return -WBE_DNS_MALFORMED;
	while (name->b[i]) {
		size_t n = name->b[i++];
		if (out)
			text[out++] = '.';
		for (size_t k = 0; k < n; k++, i++) {
			if (!is_name_char(name->b[i]))
				return -WBE_DNS_MALFORMED;
			text[out++] = (char)name->b[i];
		}
	}
	/* 255 wire bytes hold at most 253 text bytes */
	text[out] = '\0';
	return 0;
}

/*
 * Reads the record at *pos (§4.1.3) and advances past it; the RDATA must fit the message.
 * Returns 0, SHORT or -WBE_DNS_MALFORMED.
 */
static int read_rr(const uint8_t *msg, size_t len, size_t *pos, struct rr *rr)
{
	rr->owner = *pos;
	int rc = read_name(msg, len, pos, NULL);
	if (rc < 0)
		return rc;
	size_t p = *pos;
	if (len - p < 10)
		return SHORT;
	rr->type = get16(msg + p);
	rr->class = get16(msg + p + 2);
	rr->ttl = get32(msg + p + 4);
	rr->rdlen = get16(msg + p + 8);
	rr->rdata = p + 10;
	if (rr->rdlen > len - rr->rdata)
		return SHORT;
	*pos = rr->rdata + rr->rdlen;
	return 0;
}

/* Checks the RDATA of the record types we interpret. */
static int check_rdata(const uint8_t *msg, size_t len, const struct rr *rr)
{
	if (rr->class != DNS_CLASS_IN)
		return 0; /* other classes' RDATA formats differ (CH's A is not 4 bytes) */
	if (rr->type == DNS_TYPE_A && rr->rdlen != 4)
		return -WBE_DNS_MALFORMED; /* §3.4.1: exactly one 32-bit address */
	if (rr->type == DNS_TYPE_CNAME) {
		/* §3.3.1: exactly one (possibly compressed, RFC 3597 §4) name */
		size_t p = rr->rdata;
		int rc = read_name(msg, len, &p, NULL);
		if (rc < 0)
			return malformed(rc); /* the RDATA is complete, so this name is bad */
		if (p != rr->rdata + rr->rdlen)
			return -WBE_DNS_MALFORMED;
	}
	return 0;
}

/* RFC 2181 §8: a TTL with the top bit set is treated as zero. */
static uint32_t rr_ttl(const struct rr *rr)
{
	return rr->ttl & 0x80000000u ? 0 : rr->ttl;
}

static int rcode_error(unsigned rcode)
{
	switch (rcode) {
	case DNS_RCODE_NXDOMAIN:
		return -WBE_DNS_NXDOMAIN;
	case DNS_RCODE_SERVFAIL:
		return -WBE_DNS_SERVFAIL;
	case DNS_RCODE_REFUSED:
		return -WBE_DNS_REFUSED;
	default:
		return -WBE_DNS_RCODE;
	}
}

/*
 * Finds the first CNAME of class IN among the @count records at @pos owned by @owner.
 * Returns its index (and its target and TTL), -1 when there is none, or an error.
 */
static long find_cname(const uint8_t *msg, size_t len, size_t pos, unsigned count,
		       const struct wire_name *owner, struct wire_name *target, uint32_t *ttl)
{
	struct wire_name name;
	struct rr rr;
	for (unsigned i = 0; i < count; i++) {
		int rc = read_rr(msg, len, &pos, &rr);
		if (rc < 0)
			return malformed(rc);
		if (rr.type != DNS_TYPE_CNAME || rr.class != DNS_CLASS_IN)
			continue;
		size_t p = rr.owner;
		if ((rc = read_name(msg, len, &p, &name)) < 0)
			return malformed(rc);
		if (!wire_equal(&name, owner))
			continue;
		p = rr.rdata;
		if ((rc = read_name(msg, len, &p, target)) < 0)
			return malformed(rc);
		*ttl = rr_ttl(&rr);
		return i;
	}
	return -1;
}

int dns_parse_response(const uint8_t *msg, size_t len, uint16_t expect_id, const char *qname,
		       uint16_t qtype, struct dns_result *out)
{
	struct wire_name want, name;
	int rc;

	if (!out)
		return -WBE_INVAL;
	memset(out, 0, sizeof(*out));
	if ((!msg && len) || !qname || qtype != DNS_TYPE_A)
		return -WBE_INVAL;
	if ((rc = encode_name(qname, want.b)) < 0)
		return rc;
	want.len = (size_t)rc;

	/* 1. header (§4.1.1) */
	if (len < HEADER_LEN)
		return -WBE_DNS_MALFORMED;
	uint16_t flags = get16(msg + 2);
	if (get16(msg) != expect_id || !(flags & FLAG_QR) || (flags & OPCODE_MASK))
		return -WBE_DNS_MISMATCH;
	unsigned rcode = flags & RCODE_MASK;
	out->rcode = (uint8_t)rcode;
	out->truncated = (flags & FLAG_TC) != 0;
	unsigned qdcount = get16(msg + 4), ancount = get16(msg + 6);

	/* 2. question (§4.1.2): must echo ours, see the header for the QDCOUNT 0 exception */
	if (qdcount == 0 && rcode != DNS_RCODE_NOERROR && rcode != DNS_RCODE_NXDOMAIN)
		return rcode_error(rcode);
	if (qdcount != 1)
		return -WBE_DNS_MISMATCH;
	size_t pos = HEADER_LEN;
	if ((rc = read_name(msg, len, &pos, &name)) < 0)
		return malformed(rc);
	if (len - pos < 4)
		return -WBE_DNS_MALFORMED;
	if (!wire_equal(&name, &want) || get16(msg + pos) != qtype ||
	    get16(msg + pos + 2) != DNS_CLASS_IN)
		return -WBE_DNS_MISMATCH;
	pos += 4;

	/* 3. RCODE */
	if (rcode != DNS_RCODE_NOERROR)
		return rcode_error(rcode);

	/* 4. validate the answer section once; later passes only read complete records */
	size_t answers = pos;
	unsigned count = 0;
	for (; count < ancount; count++) {
		struct rr rr;
		rc = read_rr(msg, len, &pos, &rr);
		/* RFC 2181 §9: a truncated message may end in a partial record */
		if (rc == SHORT && out->truncated)
			break;
		if (rc == 0)
			rc = check_rdata(msg, len, &rr);
		if (rc < 0)
			return malformed(rc);
	}

	/* 5. follow the CNAME chain from the query name (RFC 1034 §3.6.2) */
	uint32_t ttl = UINT32_MAX;
	long chain[DNS_MAX_CNAME_HOPS];
	unsigned hops = 0;
	for (;;) {
		struct wire_name target;
		uint32_t cname_ttl = 0;
		long idx = find_cname(msg, len, answers, count, &want, &target, &cname_ttl);
		if (idx < -1)
			return (int)idx;
		if (idx == -1)
			break;
		/* with first-match lookup a name reached twice means a record used twice */
		for (unsigned k = 0; k < hops; k++) {
			if (chain[k] == idx)
				return -WBE_DNS_CNAME_LOOP;
		}
		if (hops == DNS_MAX_CNAME_HOPS)
			return -WBE_DNS_CNAME_LOOP;
		chain[hops++] = idx;
		if (cname_ttl < ttl)
			ttl = cname_ttl;
		want = target;
	}
	if ((rc = wire_to_text(&want, out->canonical)) < 0)
		return rc;

	/* 6. the A records (§3.4.1) of the final name */
	pos = answers;
	for (unsigned i = 0; i < count; i++) {
		struct rr rr;
		if ((rc = read_rr(msg, len, &pos, &rr)) < 0)
			return malformed(rc);
		if (rr.type != DNS_TYPE_A || rr.class != DNS_CLASS_IN)
			continue;
		size_t p = rr.owner;
		if ((rc = read_name(msg, len, &p, &name)) < 0)
			return malformed(rc);
		if (!wire_equal(&name, &want))
			continue;
		const uint8_t *addr = msg + rr.rdata;
		bool dup = false;
		for (unsigned k = 0; k < out->naddrs; k++)
			dup = dup || memcmp(out->addrs[k], addr, 4) == 0;
		if (dup || out->naddrs == DNS_MAX_ADDRS)
			continue;
		memcpy(out->addrs[out->naddrs++], addr, 4);
		if (rr_ttl(&rr) < ttl)
			ttl = rr_ttl(&rr);
	}
	out->ttl = ttl == UINT32_MAX ? 0 : ttl;
	out->needs_requery = out->naddrs == 0 && hops > 0;

	if (out->naddrs == 0 && out->truncated)
		return -WBE_DNS_TRUNCATED;
	if (out->naddrs == 0 && hops == 0)
		return -WBE_DNS_NODATA;
	return 0;
}
