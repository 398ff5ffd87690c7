/*
 * dns_fuzz.c - libFuzzer harness for wireboot/dns_msg.h: response parsing, query building
 * and the name helpers.
 *
 * The input is used three ways:
 *  1. as a response to a fixed query (FIXED_ID, FIXED_QNAME, A), which reaches the header,
 *     question and RCODE checks;
 *  2. as a response to the query its own header and question describe (its ID, and its
 *     question name when that is uncompressed and valid), which gets past those checks into
 *     the answer section: CNAME chains, compression, A records; the same query asked with
 *     the name in another case or with a trailing dot must give the same result;
 *  3. as a name (cut at its first NUL) for dns_build_query(), dns_name_check(),
 *     dns_name_equal() and dns_name_append_domain(); a query that builds, sent back as an
 *     empty response, must parse as "no data".
 * Invariants checked, beyond the sanitizers': results are consistent with their return code
 * (see check_result()), and nothing leaks (the module does not allocate at all).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/dns_msg.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include "fuzz.h"

#define FIXED_ID 0x1234
#define FIXED_QNAME "boot.example.com"
/* longest name text tried in part 3: a little over the limit */
#define NAME_INPUT_MAX 300

static void *libc_alloc(size_t size)
{
	return malloc(size);
}

static void libc_free(void *ptr)
{
	free(ptr);
}

static const struct malloc_backend libc_backend = {libc_alloc, libc_free, 0};

static bool initialized;
static size_t baseline_blocks;

static bool is_parse_rc(int rc)
{
	switch (rc) {
	case 0:
	case -WBE_DNS_MALFORMED:
	case -WBE_DNS_MISMATCH:
	case -WBE_DNS_NXDOMAIN:
	case -WBE_DNS_SERVFAIL:
	case -WBE_DNS_REFUSED:
	case -WBE_DNS_RCODE:
	case -WBE_DNS_NODATA:
	case -WBE_DNS_CNAME_LOOP:
	case -WBE_DNS_TRUNCATED:
		return true;
	default:
		return false;
	}
}

/* A result agrees with its return code. */
static void check_result(int rc, const struct dns_result *res)
{
	ENSURE(is_parse_rc(rc));
	ENSURE(res->naddrs <= DNS_MAX_ADDRS);
	const char *nul = memchr(res->canonical, '\0', sizeof(res->canonical));
	ENSURE(nul != NULL);
	size_t clen = (size_t)(nul - res->canonical);
	ENSURE(res->ttl <= 0x7fffffffu);
	ENSURE(res->rcode <= 15);
	if (rc == 0 || rc == -WBE_DNS_NODATA || rc == -WBE_DNS_TRUNCATED) {
		/* the canonical name is always a name that could be queried next */
		ENSURE(dns_name_check(res->canonical) == (int)clen + 2);
		ENSURE(res->rcode == 0);
	}
	if (rc == 0)
		ENSURE((res->naddrs > 0) != res->needs_requery);
	if (rc == -WBE_DNS_NODATA)
		ENSURE(res->naddrs == 0 && !res->needs_requery && !res->truncated);
	if (rc == -WBE_DNS_TRUNCATED)
		ENSURE(res->naddrs == 0 && res->truncated);
	if (rc != 0 && rc != -WBE_DNS_TRUNCATED)
		ENSURE(!res->needs_requery);
	if (rc != 0)
		ENSURE(res->naddrs == 0);
	for (unsigned i = 0; i < res->naddrs; i++) {
		for (unsigned k = 0; k < i; k++)
			ENSURE(memcmp(res->addrs[i], res->addrs[k], 4) != 0);
	}
}

static bool same_result(int rc1, const struct dns_result *a, int rc2, const struct dns_result *b)
{
	return rc1 == rc2 && a->rcode == b->rcode && a->truncated == b->truncated &&
	       a->naddrs == b->naddrs && memcmp(a->addrs, b->addrs, sizeof(a->addrs)) == 0 &&
	       a->ttl == b->ttl && a->needs_requery == b->needs_requery;
}

/* The uncompressed, valid question name at offset 12 as text, or false. */
static bool question_name(const uint8_t *data, size_t size, char *text, size_t text_size)
{
	size_t p = 12, out = 0;
	while (p < size && data[p] != 0) {
		size_t n = data[p++];
		if (n > 63 || n > size - p || out + n + 2 > text_size)
			return false;
		if (out)
			text[out++] = '.';
		/* a '.' inside a label would read as a separator in the text */
		if (memchr(data + p, '.', n))
			return false;
		memcpy(text + out, data + p, n);
		out += n;
		p += n;
	}
	if (p >= size || out == 0)
		return false;
	text[out] = '\0';
	return strlen(text) == out && dns_name_check(text) > 0;
}

static void parse_own_question(const uint8_t *data, size_t size)
{
	char qname[DNS_NAME_MAX + 2], variant[DNS_NAME_MAX + 2];
	struct dns_result res, res2;

	if (size < 12 || !question_name(data, size, qname, sizeof(qname) - 1))
		return;
	uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
	int rc = dns_parse_response(data, size, id, qname, DNS_TYPE_A, &res);
	check_result(rc, &res);

	/* RFC 4343: the case of the query name does not matter, nor a trailing dot */
	size_t n = strlen(qname);
	for (size_t i = 0; i <= n; i++) {
		char c = qname[i];
		variant[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A')
			   : c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a')
						  : c;
	}
	variant[n] = '.';
	variant[n + 1] = '\0';
	int rc2 = dns_parse_response(data, size, id, variant, DNS_TYPE_A, &res2);
	ENSURE(same_result(rc, &res, rc2, &res2));
	ENSURE(dns_name_equal(res.canonical, res2.canonical));
}

static void check_name(const uint8_t *data, size_t size)
{
	char name[NAME_INPUT_MAX + 1];
	size_t n = size < NAME_INPUT_MAX ? size : NAME_INPUT_MAX;
	const uint8_t *nul = memchr(data, '\0', n);
	if (nul)
		n = (size_t)(nul - data);
	memcpy(name, data, n);
	name[n] = '\0';

	int wire = dns_name_check(name);
	ENSURE(wire == -WBE_DNS_NAME || wire == -WBE_DNS_NAME_TOO_LONG || (wire >= 2 && wire <= 255));
	ENSURE(dns_name_equal(name, name));

	uint8_t query[DNS_UDP_MAX];
	int len = dns_build_query(FIXED_ID, name, DNS_TYPE_A, query, sizeof(query));
	ENSURE(len == (wire < 0 ? wire : wire + 16));
	if (wire < 0)
		return;
	ENSURE(n - (name[n - 1] == '.') + 2 == (size_t)wire);
	ENSURE(dns_build_query(FIXED_ID, name, DNS_TYPE_A, query, (size_t)len - 1) == -WBE_NOSPC);

	/* our own query, echoed with QR set and no answers: a "no data" response */
	struct dns_result res;
	query[2] |= 0x80;
	int rc = dns_parse_response(query, (size_t)len, FIXED_ID, name, DNS_TYPE_A, &res);
	ENSURE(rc == -WBE_DNS_NODATA);
	check_result(rc, &res);
	ENSURE(dns_name_equal(res.canonical, name));
	/* ... and with TC set, a truncated one */
	query[2] |= 0x02;
	ENSURE(dns_parse_response(query, (size_t)len, FIXED_ID, name, DNS_TYPE_A, &res) ==
	       -WBE_DNS_TRUNCATED);

	/* search domain: valid whenever short enough, and its text is name "." domain */
	char out[DNS_NAME_MAX + 1];
	rc = dns_name_append_domain(name, "example.com.", out, sizeof(out));
	if (name[n - 1] == '.') {
		ENSURE(rc == -WBE_DNS_NAME);
	} else if (n + 12 > DNS_NAME_MAX) {
		ENSURE(rc == -WBE_DNS_NAME_TOO_LONG);
	} else {
		ENSURE(rc == (int)n + 12);
		ENSURE(dns_name_check(out) == rc + 2);
		ENSURE(strncmp(out, name, n) == 0 && strcmp(out + n, ".example.com") == 0);
		ENSURE(dns_name_append_domain(name, "example.com", out, (size_t)rc) == -WBE_NOSPC);
	}
	/* the other way round: the input as the domain */
	rc = dns_name_append_domain("boot", name, out, sizeof(out));
	size_t dlen = n - (name[n - 1] == '.');
	ENSURE(rc == (dlen + 5 > DNS_NAME_MAX ? -WBE_DNS_NAME_TOO_LONG : (int)dlen + 5));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!initialized) {
		struct malloc_stats stats;
		malloc_init(&libc_backend);
		malloc_get_stats(&stats);
		baseline_blocks = stats.live_blocks;
		initialized = true;
	}

	struct dns_result res;
	int rc = dns_parse_response(data, size, FIXED_ID, FIXED_QNAME, DNS_TYPE_A, &res);
	check_result(rc, &res);

	parse_own_question(data, size);
	check_name(data, size);

	struct malloc_stats stats;
	malloc_get_stats(&stats);
	ENSURE(stats.live_blocks == baseline_blocks);
	return 0;
}
