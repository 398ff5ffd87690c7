/*
 * dns_msg.h - the DNS message codec (RFC 1035): build an A query, parse its response.
 *
 * Sans-I/O: these functions only turn names into bytes and bytes into results. Choosing the
 * query ID (from the RNG), sending over UDP port 53, timers, retries across servers, search
 * domains and re-querying a CNAME target are the resolver's job, built on top of this.
 * Nothing here allocates; every function is safe on hostile input of any length.
 *
 * Names: a name given by the caller is text, "boot.example.com" or "boot.example.com." (a
 * single trailing dot is accepted and ignored). Each label is 1..63 bytes of letters, digits,
 * '-' or '_' (RFC 1123 §2.1 host names, plus '_' for service labels such as "_http._tcp"),
 * and the encoded name (RFC 1035 §3.1: length-prefixed labels plus the root byte) is at most
 * 255 bytes, so the text is at most DNS_NAME_MAX bytes without the trailing dot.
 * Names compare case-insensitively for ASCII letters only (RFC 4343 §3).
 *
 * Rejected names:
 *   -WBE_DNS_NAME           empty name, empty label ("a..b", ".a", "."), or a character other
 *                           than letters, digits, '-' and '_'
 *   -WBE_DNS_NAME_TOO_LONG  a label longer than 63 bytes, or a name longer than DNS_NAME_MAX
 */
#ifndef WIREBOOT_DNS_MSG_H
#define WIREBOOT_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_PORT 53
/* Largest message over UDP without EDNS (RFC 1035 §4.2.1); responses may be longer over TCP. */
#define DNS_UDP_MAX 512
/* Longest name text without the trailing dot: 255 encoded bytes = 253 + first length + root. */
#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63
/* Addresses kept from one response; further A records are ignored. */
#define DNS_MAX_ADDRS 8
/* CNAME records followed in one response before the chain is rejected as too long. */
#define DNS_MAX_CNAME_HOPS 8
/* Compression pointers followed while reading one name (real servers use 1..3). */
#define DNS_MAX_POINTERS 16

/* RR types and class (RFC 1035 §3.2.2, §3.2.4) */
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

/* RCODE values (RFC 1035 §4.1.1) */
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

/**
 * dns_name_check() - validate a name (rules above).
 * @name: NUL-terminated; never NULL.
 * Returns the length of its encoded form (2..255 bytes, RFC 1035 §3.1), or -WBE_DNS_NAME /
 * -WBE_DNS_NAME_TOO_LONG.
 */
int dns_name_check(const char *name);

/**
 * dns_name_equal() - whether @a and @b are the same name: ASCII case-insensitive (RFC 4343),
 * each ignoring one trailing dot ("Boot.Example.com." equals "boot.example.com", but "a.."
 * does not equal "a"). Both NUL-terminated, never NULL; no other validation is done.
 */
bool dns_name_equal(const char *a, const char *b);

/**
 * dns_name_append_domain() - search-domain expansion: "boot" + "example.com" gives
 * "boot.example.com" in @out.
 * @name: a valid name without a trailing dot (a name with one is already absolute: search
 *        domains do not apply, and it is rejected with -WBE_DNS_NAME).
 * @domain: a valid name; its trailing dot, if any, is not copied.
 * @out/@size: destination; written (NUL-terminated) only on success. @out must not overlap
 *        @name or @domain.
 * Returns the length of the result (excluding the NUL), or -WBE_DNS_NAME (either part
 * malformed), -WBE_DNS_NAME_TOO_LONG (the result is longer than DNS_NAME_MAX),
 * -WBE_NOSPC (@size too small for result and NUL), -WBE_INVAL (NULL pointer).
 */
int dns_name_append_domain(const char *name, const char *domain, char *out, size_t size);

/**
 * dns_build_query() - a standard query (RFC 1035 §4.1): header with @id, opcode QUERY,
 * RD=1 (recursion desired, §4.1.1), QDCOUNT=1, and one question (§4.1.2) for @name,
 * @qtype, class IN. The name is written uncompressed.
 * @buf/@size: destination; on error nothing is promised about its contents.
 * Returns the message length (at most 12 + 255 + 4 = 271 bytes), or -WBE_DNS_NAME /
 * -WBE_DNS_NAME_TOO_LONG (bad @name), -WBE_NOSPC (@size too small), -WBE_INVAL (NULL
 * @name, or NULL @buf with a nonzero @size).
 */
int dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size);

struct dns_result {
	uint8_t rcode;  /* RCODE of the response (RFC 1035 §4.1.1) */
	bool truncated; /* TC bit: the server cut the message to fit (§4.1.1, RFC 2181 §9) */
	uint8_t addrs[DNS_MAX_ADDRS][4]; /* IPv4 addresses, network order, in answer order,
					    duplicates removed */
	unsigned naddrs;
	/* The name the addresses belong to after following CNAMEs, without a trailing dot: the
	 * last CNAME target as the server spelled it, or @qname as given when there was none. */
	char canonical[DNS_NAME_MAX + 1];
	/* Smallest TTL of the CNAME and A records used, in seconds; TTLs with the top bit set
	 * count as 0 (RFC 2181 §8). 0 when no record was used. */
	uint32_t ttl;
	/* The CNAME chain ended at a name with no A record in this answer: query `canonical`
	 * (the resolver must bound how often it does so across responses). */
	bool needs_requery;
};

/**
 * dns_parse_response() - check that @msg answers the query made by dns_build_query(@expect_id,
 * @qname, @qtype) and extract the IPv4 addresses of @qname.
 * @msg/@len: the received message (@msg may be NULL only when @len is 0).
 * @qname: the name that was queried; @qtype: must be DNS_TYPE_A (else -WBE_INVAL).
 * @out: never NULL; zeroed first. rcode and truncated are set as soon as the header has been
 *       matched to the query; the other fields are complete on a return of 0 (and also on
 *       -WBE_DNS_TRUNCATED, for a caller that cannot retry over TCP).
 *
 * Checks, in order (RFC 1035 §4.1):
 *  1. the header: ID == @expect_id, QR=1, opcode QUERY; else -WBE_DNS_MISMATCH.
 *  2. the question: QDCOUNT 1 and the question echoes @qname (case-insensitively), @qtype
 *     and class IN; else -WBE_DNS_MISMATCH. Only for error RCODEs other than NXDOMAIN is a
 *     response without a question (QDCOUNT 0) accepted: some servers send FORMERR, SERVFAIL
 *     or REFUSED that way, and believing one costs at most a skipped server, while a forged
 *     NXDOMAIN would abort the lookup.
 *  3. the RCODE: NXDOMAIN -> -WBE_DNS_NXDOMAIN, SERVFAIL -> -WBE_DNS_SERVFAIL,
 *     REFUSED -> -WBE_DNS_REFUSED, any other nonzero RCODE -> -WBE_DNS_RCODE.
 *  4. every answer record (§4.1.3) is read and bounds-checked; a name that does not decode,
 *     a record running past the end, an A record of class IN whose RDLENGTH is not 4, or a
 *     CNAME whose RDATA is not exactly one name gives -WBE_DNS_MALFORMED, even for records
 *     that would not be used: a server that gets these wrong is not trusted for the rest.
 *     When TC is set, records cut off at the end are dropped instead (what arrived is used).
 *     The authority and additional sections are not read.
 *  5. starting at @qname, CNAME records of class IN are followed (the first one for each
 *     owner, wherever it is in the section, RFC 1034 §3.6.2); more than DNS_MAX_CNAME_HOPS
 *     links, or a name reached twice, gives -WBE_DNS_CNAME_LOOP. A final name that is not a
 *     valid host name (rules above) gives -WBE_DNS_MALFORMED.
 *  6. the A records of class IN owned by the final name are collected (up to DNS_MAX_ADDRS);
 *     all other records are skipped.
 *
 * Compressed names (§4.1.4) are followed only backwards: every pointer must point before
 * the start of the label run that contains it, so pointer loops are impossible; at most
 * DNS_MAX_POINTERS pointers per name and 255 decoded bytes, else -WBE_DNS_MALFORMED.
 *
 * Returns 0 when there is at least one address, or when the chain ended in a CNAME
 * (naddrs == 0, needs_requery set). Otherwise, when the response matched and had RCODE 0:
 *   -WBE_DNS_TRUNCATED  TC was set and no address arrived (ask again over TCP or elsewhere)
 *   -WBE_DNS_NODATA     the name exists but has no A record (RFC 2308 §2.2 "NODATA")
 * -WBE_INVAL for a NULL pointer or a @qtype other than A, -WBE_DNS_NAME /
 * -WBE_DNS_NAME_TOO_LONG for an invalid @qname.
 */
int dns_parse_response(const uint8_t *msg, size_t len, uint16_t expect_id, const char *qname,
		       uint16_t qtype, struct dns_result *out);

#endif
