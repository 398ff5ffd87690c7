/*
 * dns_msg_test.c - tests for wireboot/dns_msg.h: query building, name rules, and response
 * parsing against messages built here byte by byte (CNAME chains, compression, errors).
 * Every response parsed through parse() is also parsed at each shorter length, from an
 * exact-size heap copy, so ASan catches any read past the end.
 */
#include "wireboot/dns_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define ID 0xbeef
#define QNAME "boot.example.com"
#define QNAME_AT 12          /* offset of the question name: "@12" points to it */
#define RESPONSE 0x8180      /* QR, RD, RA, opcode QUERY, RCODE 0 */
#define TYPE_UNKNOWN 99

/* ---- a little message builder ----------------------------------------------------------- */

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct msg *m, unsigned v)
{
	if (m->n >= sizeof(m->b)) {
		test_fail(__FILE__, __LINE__, "test message too long");
		return;
	}
	m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_bytes(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

/*
 * Writes a name from a spec: "a.b.c" (labels then the root byte), "a.b@12" (labels then a
 * compression pointer to offset 12), "@12" (a bare pointer) or "" (the root).
 */
static void put_name(struct msg *m, const char *spec)
{
	const char *p = spec;
	while (*p && *p != '@') {
		const char *e = p;
		while (*e && *e != '.' && *e != '@')
			e++;
		put8(m, (unsigned)(e - p));
		put_bytes(m, p, (size_t)(e - p));
		p = *e == '.' ? e + 1 : e;
	}
	if (*p == '@')
		put16(m, 0xc000 | (unsigned)strtoul(p + 1, NULL, 10));
	else
		put8(m, 0);
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

static void question(struct msg *m, const char *name, unsigned type, unsigned class)
{
	put_name(m, name);
	put16(m, type);
	put16(m, class);
}

/* Header plus the question for QNAME/A/IN, so "@12" names QNAME. */
static void response(struct msg *m, unsigned flags, unsigned an)
{
	header(m, ID, flags, 1, an);
	question(m, QNAME, DNS_TYPE_A, DNS_CLASS_IN);
}

static void rr(struct msg *m, const char *owner, unsigned type, unsigned class, uint32_t ttl,
	       const void *rdata, unsigned rdlen)
{
	put_name(m, owner);
	put16(m, type);
	put16(m, class);
	put32(m, ttl);
	put16(m, rdlen);
	put_bytes(m, rdata, rdlen);
}

static void rr_a(struct msg *m, const char *owner, uint32_t ttl, uint8_t a, uint8_t b, uint8_t c,
		 uint8_t d)
{
	const uint8_t addr[4] = {a, b, c, d};
	rr(m, owner, DNS_TYPE_A, DNS_CLASS_IN, ttl, addr, 4);
}

static void rr_cname(struct msg *m, const char *owner, uint32_t ttl, const char *target)
{
	put_name(m, owner);
	put16(m, DNS_TYPE_CNAME);
	put16(m, DNS_CLASS_IN);
	put32(m, ttl);
	size_t at = m->n;
	put16(m, 0);
	put_name(m, target);
	size_t rdlen = m->n - at - 2;
	m->b[at] = (uint8_t)(rdlen >> 8);
	m->b[at + 1] = (uint8_t)rdlen;
}

static void set_ancount(struct msg *m, unsigned an)
{
	m->b[6] = (uint8_t)(an >> 8);
	m->b[7] = (uint8_t)an;
}

/*
 * Parses @m for (@id, @qname, A), and every prefix of it: a prefix must fail unless TC is set
 * (the test messages end with their answer section), and must never crash or overread.
 */
static int parse_as(const struct msg *m, unsigned id, const char *qname, struct dns_result *res)
{
	bool tc = m->n >= 4 && (m->b[2] & 0x02);
	for (size_t n = 0; n < m->n; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		if (!copy)
			abort();
		memcpy(copy, m->b, n);
		struct dns_result r;
		int rc = dns_parse_response(copy, n, (uint16_t)id, qname, DNS_TYPE_A, &r);
		if (!tc && rc >= 0)
			test_fail(__FILE__, __LINE__, "prefix of %zu/%zu bytes parsed", n, m->n);
		CHECK(rc <= 0);
		CHECK(r.naddrs <= DNS_MAX_ADDRS);
		CHECK(memchr(r.canonical, '\0', sizeof(r.canonical)) != NULL);
		free(copy);
	}
	uint8_t *copy = malloc(m->n);
	if (!copy)
		abort();
	memcpy(copy, m->b, m->n);
	int rc = dns_parse_response(copy, m->n, (uint16_t)id, qname, DNS_TYPE_A, res);
	free(copy);
	return rc;
}

static int parse(const struct msg *m, struct dns_result *res)
{
	return parse_as(m, ID, QNAME, res);
}

#define CHECK_ADDR(res, i, a, b, c, d)                                                         \
	do {                                                                                   \
		const uint8_t want_[4] = {a, b, c, d};                                         \
		CHECK((res).naddrs > (i));                                                     \
		CHECK_MEM((res).addrs[i], want_, 4);                                           \
	} while (0)

/* ---- building queries -------------------------------------------------------------------- */

static const uint8_t boot_query[] = {
	0xbe, 0xef,             /* ID */
	0x01, 0x00,             /* QR=0 opcode=0 RD=1 */
	0x00, 0x01, 0x00, 0x00, /* QDCOUNT 1, ANCOUNT 0 */
	0x00, 0x00, 0x00, 0x00, /* NSCOUNT 0, ARCOUNT 0 */
	4, 'b', 'o', 'o', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, /* QTYPE A */
	0x00, 0x01, /* QCLASS IN */
};

TEST(dns_msg_build_query_bytes)
{
	uint8_t buf[DNS_UDP_MAX];
	memset(buf, 0xaa, sizeof(buf));
	int n = dns_build_query(ID, "boot.example.com", DNS_TYPE_A, buf, sizeof(buf));
	CHECK_INT(n, sizeof(boot_query));
	CHECK_MEM(buf, boot_query, sizeof(boot_query));
	CHECK_INT(buf[sizeof(boot_query)], 0xaa); /* nothing written past the message */

	/* a trailing dot changes nothing; the exact size is enough */
	memset(buf, 0, sizeof(buf));
	n = dns_build_query(ID, "boot.example.com.", DNS_TYPE_A, buf, sizeof(boot_query));
	CHECK_INT(n, sizeof(boot_query));
	CHECK_MEM(buf, boot_query, sizeof(boot_query));

	/* case is kept (RFC 4343 §4.1), and the type is written as given */
	n = dns_build_query(0x0102, "A-b_C", DNS_TYPE_AAAA, buf, sizeof(buf));
	static const uint8_t aaaa[] = {1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				       5, 'A', '-', 'b', '_', 'C', 0, 0, 28, 0, 1};
	CHECK_INT(n, sizeof(aaaa));
	CHECK_MEM(buf, aaaa, sizeof(aaaa));
}

TEST(dns_msg_build_query_nospc)
{
	uint8_t buf[sizeof(boot_query)];
	for (size_t size = 0; size < sizeof(boot_query); size++)
		CHECK_INT(dns_build_query(ID, QNAME, DNS_TYPE_A, buf, size), -WBE_NOSPC);
	CHECK_INT(dns_build_query(ID, QNAME, DNS_TYPE_A, NULL, 0), -WBE_NOSPC);
	CHECK_INT(dns_build_query(ID, QNAME, DNS_TYPE_A, NULL, 10), -WBE_INVAL);
	CHECK_INT(dns_build_query(ID, NULL, DNS_TYPE_A, buf, sizeof(buf)), -WBE_INVAL);
	/* a bad name is reported as such even when the buffer is too small too */
	CHECK_INT(dns_build_query(ID, "a..b", DNS_TYPE_A, buf, 0), -WBE_DNS_NAME);
}

TEST(dns_msg_build_query_longest_name)
{
	/* 63+1+63+1+63+1+61 = 253 characters: 255 bytes encoded */
	char name[300];
	memset(name, 'x', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	uint8_t buf[DNS_UDP_MAX];
	CHECK_INT(dns_build_query(1, name, DNS_TYPE_A, buf, sizeof(buf)), 12 + 255 + 4);
	CHECK_INT(buf[12], 63);
	CHECK_INT(buf[12 + 64 * 3], 61);
	CHECK_INT(buf[12 + 254], 0);
	name[253] = '.';
	name[254] = '\0';
	CHECK_INT(dns_build_query(1, name, DNS_TYPE_A, buf, sizeof(buf)), 12 + 255 + 4);
}

/* ---- names ------------------------------------------------------------------------------ */

struct name_case {
	const char *name;
	int rc; /* encoded length, or error */
};

static char label63[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
static char label64[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

TEST(dns_msg_name_errors)
{
	static const struct name_case cases[] = {
		{"boot", 6},
		{"boot.", 6},
		{"a.b", 5},
		{"_http._tcp.example.com", 24},
		{"0-9.AZ.az", 11},
		{"", -WBE_DNS_NAME},
		{".", -WBE_DNS_NAME},
		{"..", -WBE_DNS_NAME},
		{".a", -WBE_DNS_NAME},
		{"a..b", -WBE_DNS_NAME},
		{"a.b..", -WBE_DNS_NAME},
		{"a b", -WBE_DNS_NAME},
		{"a*b", -WBE_DNS_NAME},
		{"a/b", -WBE_DNS_NAME},
		{"a\\.b", -WBE_DNS_NAME},
		{"caf\xc3\xa9", -WBE_DNS_NAME},
		{"a\tb", -WBE_DNS_NAME},
		{"a:80", -WBE_DNS_NAME},
		{"10.0.0.1", 10}, /* digits are fine: dotted quads are the resolver's business */
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		int rc = dns_name_check(cases[i].name);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "\"%s\": %d != %d", cases[i].name, rc, cases[i].rc);
		uint8_t buf[DNS_UDP_MAX];
		rc = dns_build_query(1, cases[i].name, DNS_TYPE_A, buf, sizeof(buf));
		int want = cases[i].rc < 0 ? cases[i].rc : 12 + cases[i].rc + 4;
		if (rc != want)
			test_fail(__FILE__, __LINE__, "query \"%s\": %d != %d", cases[i].name, rc, want);
	}
	CHECK_INT(dns_name_check(NULL), -WBE_INVAL);

	char name[400];
	/* labels: 63 bytes fits, 64 does not, wherever the label is */
	CHECK_INT(dns_name_check(label63), 65);
	CHECK_INT(dns_name_check(label64), -WBE_DNS_NAME_TOO_LONG);
	snprintf(name, sizeof(name), "a.%s.b", label64);
	CHECK_INT(dns_name_check(name), -WBE_DNS_NAME_TOO_LONG);
	snprintf(name, sizeof(name), "a.%s", label64);
	CHECK_INT(dns_name_check(name), -WBE_DNS_NAME_TOO_LONG);

	/* names: 253 characters fit (255 encoded), 254 do not, nor 256 */
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label63, label63, label63, label63);
	CHECK_INT(strlen(name), 253);
	CHECK_INT(dns_name_check(name), 255);
	strcat(name, ".");
	CHECK_INT(dns_name_check(name), 255); /* the trailing dot is not part of the length */
	snprintf(name, sizeof(name), "%s.%s.%s.%.62s", label63, label63, label63, label63);
	CHECK_INT(dns_name_check(name), -WBE_DNS_NAME_TOO_LONG);
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label63, label63, label63, label63);
	CHECK_INT(strlen(name), 255);
	CHECK_INT(dns_name_check(name), -WBE_DNS_NAME_TOO_LONG);
	/* 128 one-letter labels: 256 encoded bytes */
	for (int i = 0; i < 128; i++)
		memcpy(name + 2 * i, "a.", 2);
	name[255] = '\0';
	CHECK_INT(dns_name_check(name), -WBE_DNS_NAME_TOO_LONG);
	name[253] = '\0'; /* 127 labels: 255 bytes */
	CHECK_INT(dns_name_check(name), 255);
}

TEST(dns_msg_name_equal)
{
	CHECK(dns_name_equal("boot.example.com", "boot.example.com"));
	CHECK(dns_name_equal("Boot.EXAMPLE.com", "boot.example.COM"));
	CHECK(dns_name_equal("boot.example.com.", "boot.example.com"));
	CHECK(dns_name_equal("boot.example.com", "BOOT.example.com."));
	CHECK(dns_name_equal("a.", "a."));
	CHECK(dns_name_equal("", ""));
	CHECK(!dns_name_equal("a..", "a"));
	CHECK(!dns_name_equal("a", ""));
	CHECK(!dns_name_equal("boot.example.com", "boot.example.co"));
	CHECK(!dns_name_equal("boot-example.com", "boot.example.com"));
	/* only ASCII letters fold: '@' (0x40) and '`' (0x60) differ, as do '[' and '{' */
	CHECK(!dns_name_equal("@", "`"));
	CHECK(!dns_name_equal("[", "{"));
	CHECK(!dns_name_equal("\xc3\x89", "\xc3\xa9"));
}

TEST(dns_msg_append_domain)
{
	char out[DNS_NAME_MAX + 1];
	CHECK_INT(dns_name_append_domain("boot", "example.com", out, sizeof(out)), 16);
	CHECK_STR(out, "boot.example.com");
	CHECK_INT(dns_name_append_domain("boot", "example.com.", out, sizeof(out)), 16);
	CHECK_STR(out, "boot.example.com");
	CHECK_INT(dns_name_append_domain("a.b", "c", out, sizeof(out)), 5);
	CHECK_STR(out, "a.b.c");

	/* exactly room for the NUL, then one byte short */
	CHECK_INT(dns_name_append_domain("boot", "example.com", out, 17), 16);
	strcpy(out, "unchanged");
	CHECK_INT(dns_name_append_domain("boot", "example.com", out, 16), -WBE_NOSPC);
	CHECK_STR(out, "unchanged");
	CHECK_INT(dns_name_append_domain("boot", "example.com", NULL, 0), -WBE_NOSPC);

	CHECK_INT(dns_name_append_domain("boot.", "example.com", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain("", "example.com", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain("boot", "", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain("boot", ".", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain("b t", "example.com", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain("boot", "ex!ample.com", out, sizeof(out)), -WBE_DNS_NAME);
	CHECK_INT(dns_name_append_domain(label64, "example.com", out, sizeof(out)),
		  -WBE_DNS_NAME_TOO_LONG);
	CHECK_INT(dns_name_append_domain(NULL, "x", out, sizeof(out)), -WBE_INVAL);
	CHECK_INT(dns_name_append_domain("x", NULL, out, sizeof(out)), -WBE_INVAL);

	/* 63.63.63 (191) + "." + 61 = 253 fits; + 62 does not */
	char name[200], domain[100];
	snprintf(name, sizeof(name), "%s.%s.%s", label63, label63, label63);
	snprintf(domain, sizeof(domain), "%.61s.", label63);
	CHECK_INT(dns_name_append_domain(name, domain, out, sizeof(out)), 253);
	CHECK_INT(dns_name_check(out), 255);
	snprintf(domain, sizeof(domain), "%.62s", label63);
	CHECK_INT(dns_name_append_domain(name, domain, out, sizeof(out)), -WBE_DNS_NAME_TOO_LONG);
}

/* ---- parsing: answers ------------------------------------------------------------------- */

TEST(dns_msg_parse_single_a)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 1);
	rr_a(&m, "@12", 300, 192, 0, 2, 10);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.rcode, 0);
	CHECK(!res.truncated);
	CHECK_INT(res.naddrs, 1);
	CHECK_ADDR(res, 0, 192, 0, 2, 10);
	CHECK_STR(res.canonical, QNAME);
	CHECK_INT(res.ttl, 300);
	CHECK(!res.needs_requery);

	/* owner spelled out and in another case; query name with a trailing dot */
	response(&m, RESPONSE, 1);
	rr_a(&m, "BOOT.Example.COM", 60, 10, 0, 0, 1);
	CHECK_INT(parse_as(&m, ID, "boot.example.com.", &res), 0);
	CHECK_ADDR(res, 0, 10, 0, 0, 1);
	CHECK_STR(res.canonical, QNAME);
}

TEST(dns_msg_parse_several_a)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 4);
	rr_a(&m, "@12", 300, 10, 0, 0, 1);
	rr_a(&m, "@12", 200, 10, 0, 0, 2);
	rr_a(&m, "@12", 300, 10, 0, 0, 1); /* duplicate: dropped */
	rr_a(&m, "@12", 250, 10, 0, 0, 3);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 3);
	CHECK_ADDR(res, 0, 10, 0, 0, 1);
	CHECK_ADDR(res, 1, 10, 0, 0, 2);
	CHECK_ADDR(res, 2, 10, 0, 0, 3);
	CHECK_INT(res.ttl, 200);
}

TEST(dns_msg_parse_more_than_max_addrs)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, DNS_MAX_ADDRS + 3);
	for (unsigned i = 0; i < DNS_MAX_ADDRS + 3; i++)
		rr_a(&m, "@12", 100 + i, 10, 0, 0, (uint8_t)(i + 1));
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, DNS_MAX_ADDRS);
	CHECK_ADDR(res, DNS_MAX_ADDRS - 1, 10, 0, 0, DNS_MAX_ADDRS);
	CHECK_INT(res.ttl, 100);
}

TEST(dns_msg_parse_ttl)
{
	struct msg m;
	struct dns_result res;
	/* RFC 2181 §8: the top bit set means 0 */
	response(&m, RESPONSE, 2);
	rr_a(&m, "@12", 0x7fffffff, 10, 0, 0, 1);
	rr_a(&m, "@12", 0x80000005, 10, 0, 0, 2);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.ttl, 0);
	response(&m, RESPONSE, 1);
	rr_a(&m, "@12", 0x7fffffff, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.ttl, 0x7fffffff);
}

TEST(dns_msg_parse_cname_then_a)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 2);
	size_t target_at = m.n + 12; /* the CNAME's RDATA starts after owner(2)+fixed(10) */
	rr_cname(&m, "@12", 600, "web.cdn.example.net");
	char owner[16];
	snprintf(owner, sizeof(owner), "@%zu", target_at);
	rr_a(&m, owner, 30, 198, 51, 100, 7);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 1);
	CHECK_ADDR(res, 0, 198, 51, 100, 7);
	CHECK_STR(res.canonical, "web.cdn.example.net");
	CHECK_INT(res.ttl, 30);
	CHECK(!res.needs_requery);
}

TEST(dns_msg_parse_cname_chain_of_3)
{
	struct msg m;
	struct dns_result res;
	/* in an order the chain does not follow; A records of other names around */
	response(&m, RESPONSE, 6);
	rr_a(&m, "c.example.net", 50, 10, 9, 9, 9);
	rr_cname(&m, "b.example.net", 400, "c.example.net");
	rr_a(&m, "b.example.net", 50, 10, 8, 8, 8); /* not the final name: ignored */
	rr_cname(&m, "a.example.net", 500, "b.example.net");
	rr_cname(&m, "@12", 600, "a.example.net");
	rr_a(&m, "C.EXAMPLE.NET", 700, 10, 9, 9, 10);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 2);
	CHECK_ADDR(res, 0, 10, 9, 9, 9);
	CHECK_ADDR(res, 1, 10, 9, 9, 10);
	CHECK_STR(res.canonical, "c.example.net");
	CHECK_INT(res.ttl, 50);
}

TEST(dns_msg_parse_cname_loop)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 3);
	rr_cname(&m, "@12", 60, "a.example.net");
	rr_cname(&m, "a.example.net", 60, "b.example.net");
	rr_cname(&m, "b.example.net", 60, "a.example.net");
	CHECK_INT(parse(&m, &res), -WBE_DNS_CNAME_LOOP);

	/* back to the query name, case changed */
	response(&m, RESPONSE, 2);
	rr_cname(&m, "@12", 60, "a.example.net");
	rr_cname(&m, "a.example.net", 60, "Boot.Example.Com");
	CHECK_INT(parse(&m, &res), -WBE_DNS_CNAME_LOOP);

	/* a name that is its own alias */
	response(&m, RESPONSE, 1);
	rr_cname(&m, "@12", 60, "@12");
	CHECK_INT(parse(&m, &res), -WBE_DNS_CNAME_LOOP);
}

/* A chain of @links CNAMEs n0 -> n1 -> ... from QNAME, then an A for the last name. */
static void chain(struct msg *m, unsigned links)
{
	response(m, RESPONSE, links + 1);
	char owner[32], target[32];
	for (unsigned i = 0; i < links; i++) {
		if (i)
			snprintf(owner, sizeof(owner), "n%u.example", i - 1);
		else
			strcpy(owner, "@12");
		snprintf(target, sizeof(target), "n%u.example", i);
		rr_cname(m, owner, 60, target);
	}
	snprintf(owner, sizeof(owner), "n%u.example", links - 1);
	rr_a(m, owner, 60, 10, 1, 2, 3);
}

TEST(dns_msg_parse_cname_chain_limit)
{
	struct msg m;
	struct dns_result res;
	chain(&m, DNS_MAX_CNAME_HOPS);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_ADDR(res, 0, 10, 1, 2, 3);
	CHECK_STR(res.canonical, "n7.example");
	chain(&m, DNS_MAX_CNAME_HOPS + 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_CNAME_LOOP);
}

TEST(dns_msg_parse_cname_needs_requery)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 3);
	rr_cname(&m, "@12", 600, "a.example.net");
	rr_cname(&m, "a.example.net", 500, "Far.Away.Example");
	rr_a(&m, "@12", 60, 10, 0, 0, 1); /* beside a CNAME (RFC 1034 §3.6.2 forbids): ignored */
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 0);
	CHECK(res.needs_requery);
	CHECK_STR(res.canonical, "Far.Away.Example");
	CHECK_INT(res.ttl, 500);
}

TEST(dns_msg_parse_cname_bad)
{
	struct msg m;
	struct dns_result res;
	/* a target that is not a host name cannot be re-queried or printed */
	response(&m, RESPONSE, 1);
	rr_cname(&m, "@12", 60, "bad*name.example");
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	response(&m, RESPONSE, 1);
	rr_cname(&m, "@12", 60, "");
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	/* ... but an A record for it would have been fine had the chain not ended there */
	response(&m, RESPONSE, 2);
	rr_cname(&m, "@12", 60, "a\001b.example");
	rr_a(&m, "a\001b.example", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* RDATA longer than its name */
	response(&m, RESPONSE, 1);
	static const uint8_t rdata[] = {1, 'x', 0, 0};
	rr(&m, "@12", DNS_TYPE_CNAME, DNS_CLASS_IN, 60, rdata, sizeof(rdata));
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	/* RDATA shorter than its name */
	response(&m, RESPONSE, 2);
	rr(&m, "@12", DNS_TYPE_CNAME, DNS_CLASS_IN, 60, rdata, 2);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	/* a CNAME of another class is not followed, nor checked */
	response(&m, RESPONSE, 2);
	rr(&m, "@12", DNS_TYPE_CNAME, 3, 60, rdata, sizeof(rdata));
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_ADDR(res, 0, 10, 0, 0, 1);
}

TEST(dns_msg_parse_skips_unrelated)
{
	struct msg m;
	struct dns_result res;
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	static const uint8_t txt[] = {3, 'a', 'b', 'c'};
	static const uint8_t chaos[5] = {1, 2, 3, 4, 5};
	response(&m, RESPONSE, 6);
	rr(&m, "@12", DNS_TYPE_AAAA, DNS_CLASS_IN, 60, v6, sizeof(v6));
	rr(&m, "@12", TYPE_UNKNOWN, DNS_CLASS_IN, 60, txt, sizeof(txt));
	rr_a(&m, "other.example.com", 60, 10, 0, 0, 9);
	rr_a(&m, "boot.example.com.evil", 60, 10, 0, 0, 8);
	rr(&m, "@12", DNS_TYPE_A, 3, 60, chaos, sizeof(chaos)); /* class CH: not 4 bytes, skipped */
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 1);
	CHECK_ADDR(res, 0, 10, 0, 0, 1);
}

TEST(dns_msg_parse_a_rdlength)
{
	struct msg m;
	struct dns_result res;
	static const uint8_t five[5] = {10, 0, 0, 1, 0};
	/* RFC 1035 §3.4.1: A RDATA is 4 bytes; anything else condemns the whole response */
	response(&m, RESPONSE, 2);
	rr_a(&m, "@12", 60, 10, 0, 0, 2);
	rr(&m, "@12", DNS_TYPE_A, DNS_CLASS_IN, 60, five, 5);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	CHECK_INT(res.naddrs, 0);
	/* even for another owner */
	response(&m, RESPONSE, 2);
	rr(&m, "x.example", DNS_TYPE_A, DNS_CLASS_IN, 60, five, 3);
	rr_a(&m, "@12", 60, 10, 0, 0, 2);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	response(&m, RESPONSE, 1);
	rr(&m, "@12", DNS_TYPE_A, DNS_CLASS_IN, 60, five, 0);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
}

TEST(dns_msg_parse_nodata)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 0);
	CHECK_INT(parse(&m, &res), -WBE_DNS_NODATA);
	CHECK_INT(res.rcode, 0);
	response(&m, RESPONSE, 1);
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	rr(&m, "@12", DNS_TYPE_AAAA, DNS_CLASS_IN, 60, v6, sizeof(v6));
	CHECK_INT(parse(&m, &res), -WBE_DNS_NODATA);
	CHECK(!res.needs_requery);
	CHECK_INT(res.naddrs, 0);

	/* our own query, turned into a response with no answers */
	uint8_t buf[DNS_UDP_MAX];
	int n = dns_build_query(ID, QNAME, DNS_TYPE_A, buf, sizeof(buf));
	REQUIRE(n > 0);
	buf[2] |= 0x80;
	CHECK_INT(dns_parse_response(buf, (size_t)n, ID, QNAME, DNS_TYPE_A, &res), -WBE_DNS_NODATA);
}

/* ---- parsing: header and question ------------------------------------------------------ */

TEST(dns_msg_parse_mismatch)
{
	struct msg m;
	struct dns_result res;

	response(&m, RESPONSE, 1);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse_as(&m, ID + 1, QNAME, &res), -WBE_DNS_MISMATCH);   /* wrong ID */
	CHECK_INT(parse_as(&m, ID, "boot.example.org", &res), -WBE_DNS_MISMATCH);
	CHECK_INT(parse_as(&m, ID, "example.com", &res), -WBE_DNS_MISMATCH);
	CHECK_INT(parse_as(&m, ID, "BOOT.EXAMPLE.COM", &res), 0); /* RFC 4343 */

	response(&m, RESPONSE & ~0x8000, 1); /* QR=0: a query, not a response */
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	response(&m, RESPONSE | 0x2000, 1); /* opcode 4 NOTIFY */
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);

	header(&m, ID, RESPONSE, 1, 1);
	question(&m, QNAME, DNS_TYPE_AAAA, DNS_CLASS_IN); /* wrong type */
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	header(&m, ID, RESPONSE, 1, 1);
	question(&m, QNAME, DNS_TYPE_A, 3); /* wrong class */
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	header(&m, ID, RESPONSE, 1, 1);
	question(&m, "boot.example.com.x", DNS_TYPE_A, DNS_CLASS_IN);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	header(&m, ID, RESPONSE, 2, 0); /* two questions */
	question(&m, QNAME, DNS_TYPE_A, DNS_CLASS_IN);
	question(&m, QNAME, DNS_TYPE_A, DNS_CLASS_IN);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	header(&m, ID, RESPONSE, 0, 1); /* no question, NOERROR */
	rr_a(&m, QNAME, 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MISMATCH);
	CHECK_INT(res.naddrs, 0);
}

TEST(dns_msg_parse_rcodes)
{
	struct msg m;
	struct dns_result res;
	static const struct {
		unsigned rcode;
		int rc;
	} cases[] = {
		{DNS_RCODE_FORMERR, -WBE_DNS_RCODE},    {DNS_RCODE_SERVFAIL, -WBE_DNS_SERVFAIL},
		{DNS_RCODE_NXDOMAIN, -WBE_DNS_NXDOMAIN}, {DNS_RCODE_NOTIMP, -WBE_DNS_RCODE},
		{DNS_RCODE_REFUSED, -WBE_DNS_REFUSED},   {15, -WBE_DNS_RCODE},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		response(&m, RESPONSE | cases[i].rcode, 0);
		CHECK_INT(parse(&m, &res), cases[i].rc);
		CHECK_INT(res.rcode, cases[i].rcode);
		/* a wrong question still makes it someone else's answer */
		CHECK_INT(parse_as(&m, ID, "other.example", &res), -WBE_DNS_MISMATCH);
		/* without a question: believed, except NXDOMAIN */
		header(&m, ID, RESPONSE | cases[i].rcode, 0, 0);
		CHECK_INT(parse(&m, &res), cases[i].rcode == DNS_RCODE_NXDOMAIN ? -WBE_DNS_MISMATCH
									     : cases[i].rc);
	}
	/* NXDOMAIN after a CNAME (RFC 6604): the target does not exist */
	response(&m, RESPONSE | DNS_RCODE_NXDOMAIN, 1);
	rr_cname(&m, "@12", 60, "gone.example");
	CHECK_INT(parse(&m, &res), -WBE_DNS_NXDOMAIN);
}

TEST(dns_msg_parse_truncated_flag)
{
	struct msg m;
	struct dns_result res;
	/* TC with nothing in it */
	response(&m, RESPONSE | 0x0200, 0);
	CHECK_INT(parse(&m, &res), -WBE_DNS_TRUNCATED);
	CHECK(res.truncated);

	/* TC with three records announced, two and a half present: the two are used */
	response(&m, RESPONSE | 0x0200, 3);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	rr_a(&m, "@12", 60, 10, 0, 0, 2);
	rr_a(&m, "@12", 60, 10, 0, 0, 3);
	m.n -= 3;
	CHECK_INT(parse(&m, &res), 0);
	CHECK(res.truncated);
	CHECK_INT(res.naddrs, 2);

	/* TC with a chain that was cut before its A record */
	response(&m, RESPONSE | 0x0200, 2);
	rr_cname(&m, "@12", 60, "a.example.net");
	rr_a(&m, "a.example.net", 60, 10, 0, 0, 1);
	m.n -= 5;
	CHECK_INT(parse(&m, &res), -WBE_DNS_TRUNCATED);
	CHECK(res.needs_requery);
	CHECK_STR(res.canonical, "a.example.net");

	/* a complete but bad record is still bad with TC */
	response(&m, RESPONSE | 0x0200, 2);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	rr(&m, "@12", DNS_TYPE_A, DNS_CLASS_IN, 60, "abcde", 5);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* without TC, a missing record is an error */
	response(&m, RESPONSE, 2);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
}

/* ---- parsing: compression (RFC 1035 §4.1.4) --------------------------------------------- */

TEST(dns_msg_parse_compression_nested)
{
	struct msg m;
	struct dns_result res;
	/* "www@17" is www + "example.com" (inside the question); the A owner points at it */
	response(&m, RESPONSE, 2);
	size_t target_at = m.n + 12;
	rr_cname(&m, "@12", 60, "www@17");
	char owner[16];
	snprintf(owner, sizeof(owner), "edge@%zu", target_at);
	rr_cname(&m, owner, 60, "x.y");
	set_ancount(&m, 3);
	size_t x_at = m.n - 5; /* "x.y" is the last RDATA */
	snprintf(owner, sizeof(owner), "@%zu", x_at);
	rr_a(&m, owner, 60, 10, 0, 0, 42);
	/* the chain goes boot.example.com -> www.example.com, then stops: the second CNAME is
	 * owned by edge.www.example.com */
	CHECK_INT(parse(&m, &res), 0);
	CHECK(res.needs_requery);
	CHECK_STR(res.canonical, "www.example.com");

	response(&m, RESPONSE, 3);
	target_at = m.n + 12;
	rr_cname(&m, "@12", 60, "edge.www@17");
	snprintf(owner, sizeof(owner), "@%zu", target_at);
	rr_cname(&m, owner, 60, "x.y");
	x_at = m.n - 5;
	snprintf(owner, sizeof(owner), "@%zu", x_at);
	rr_a(&m, owner, 60, 10, 0, 0, 42);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_STR(res.canonical, "x.y");
	CHECK_ADDR(res, 0, 10, 0, 0, 42);
}

TEST(dns_msg_parse_pointer_forward_and_self)
{
	struct msg m;
	struct dns_result res;
	/* the A owner points forwards, at a copy of the name further on */
	response(&m, RESPONSE, 2);
	size_t here = m.n;
	char owner[16];
	snprintf(owner, sizeof(owner), "@%zu", here + 2 + 10 + 4);
	rr_a(&m, owner, 60, 10, 0, 0, 1);
	rr_a(&m, QNAME, 60, 10, 0, 0, 2);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* the A owner points at itself */
	response(&m, RESPONSE, 1);
	snprintf(owner, sizeof(owner), "@%zu", m.n);
	rr_a(&m, owner, 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* a label then a pointer back to the start of the same name */
	response(&m, RESPONSE, 1);
	snprintf(owner, sizeof(owner), "x@%zu", m.n);
	rr_a(&m, owner, 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* the question name itself points forwards (at the answer's owner) or at itself */
	header(&m, ID, RESPONSE, 1, 1);
	put16(&m, 0xc000 | 12);
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	rr_a(&m, QNAME, 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	m.b[13] = 18;
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
}

TEST(dns_msg_parse_pointer_into_labels)
{
	/*
	 * Pointers that each point before themselves can still loop through a label that
	 * covers them: the A owner at P points back to T, where a label runs over P's own
	 * bytes to a pointer (the record's TYPE field) that points at P again. The rule that
	 * a pointer must point before the start of its label run rejects this at the second
	 * pointer (the pointer limit alone would also end it, 16 pointers later).
	 */
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 2);
	size_t t = m.n + 2 + 10;
	static const uint8_t rdata[4] = {0, 'a', 'b', 'c'};
	rr(&m, "@12", TYPE_UNKNOWN, DNS_CLASS_IN, 60, rdata, sizeof(rdata));
	size_t p = m.n;
	m.b[t] = (uint8_t)(p + 2 - t - 1); /* the label at T ends just before P's TYPE */
	char owner[16];
	snprintf(owner, sizeof(owner), "@%zu", t);
	put_name(&m, owner);
	put16(&m, 0xc000 | (unsigned)p); /* TYPE: a pointer to P */
	put16(&m, DNS_CLASS_IN);
	put32(&m, 60);
	put16(&m, 0);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
}

TEST(dns_msg_parse_pointer_chain_limit)
{
	/* pointer k points at pointer k-1, pointer 0 at the question name; the A owner at the
	 * last one. Following DNS_MAX_POINTERS pointers is allowed, one more is not. */
	for (unsigned chain_len = DNS_MAX_POINTERS - 2; chain_len <= DNS_MAX_POINTERS + 1;
	     chain_len++) {
		struct msg m;
		struct dns_result res;
		response(&m, RESPONSE, 2);
		uint8_t rdata[2 * (DNS_MAX_POINTERS + 2)];
		size_t base = m.n + 2 + 10;
		for (unsigned k = 0; k < chain_len; k++) {
			unsigned target = k ? (unsigned)(base + 2 * (k - 1)) : QNAME_AT;
			rdata[2 * k] = (uint8_t)(0xc0 | target >> 8);
			rdata[2 * k + 1] = (uint8_t)target;
		}
		rr(&m, "@12", TYPE_UNKNOWN, DNS_CLASS_IN, 60, rdata, 2 * chain_len);
		char owner[16];
		snprintf(owner, sizeof(owner), "@%zu", base + 2 * (chain_len - 1));
		rr_a(&m, owner, 60, 10, 0, 0, 1);
		/* the owner's own pointer plus the chain */
		int want = chain_len + 1 <= DNS_MAX_POINTERS ? 0 : -WBE_DNS_MALFORMED;
		CHECK_INT(parse(&m, &res), want);
		if (want == 0)
			CHECK_ADDR(res, 0, 10, 0, 0, 1);
	}
}

TEST(dns_msg_parse_name_limits)
{
	struct msg m;
	struct dns_result res;
	char name[400];

	/* an owner of exactly 255 bytes decodes (and is unrelated); 257 does not */
	response(&m, RESPONSE, 2);
	snprintf(name, sizeof(name), "%s.%s.%s.%.61s", label63, label63, label63, label63);
	rr_a(&m, name, 60, 10, 0, 0, 9);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), 0);
	CHECK_INT(res.naddrs, 1);

	response(&m, RESPONSE, 2);
	snprintf(name, sizeof(name), "%s.%s.%s.%.62s", label63, label63, label63, label63);
	rr_a(&m, name, 60, 10, 0, 0, 9);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* too long only through a pointer: 3 x 63 labels + "boot.example.com" (18) = 211 ok,
	 * 4 x 63 + ... is not */
	response(&m, RESPONSE, 2);
	snprintf(name, sizeof(name), "%s.%s.%s@12", label63, label63, label63);
	rr_a(&m, name, 60, 10, 0, 0, 9);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), 0);
	response(&m, RESPONSE, 2);
	snprintf(name, sizeof(name), "%s.%s.%s.%s@12", label63, label63, label63, label63);
	rr_a(&m, name, 60, 10, 0, 0, 9);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);

	/* label types 0x40 and 0x80 (RFC 6891 §5) */
	static const uint8_t ext[] = {0x41, 'x'};
	static const uint8_t ext2[] = {0x81, 'x'};
	response(&m, RESPONSE, 1);
	put_bytes(&m, ext, sizeof(ext));
	put8(&m, 0);
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	put32(&m, 60);
	put16(&m, 4);
	put32(&m, 0x0a000001);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
	memcpy(m.b + m.n - 2 - 1 - 10 - 4, ext2, 2);
	CHECK_INT(parse(&m, &res), -WBE_DNS_MALFORMED);
}

/* ---- parsing: arguments and exhaustive truncation ---------------------------------------- */

TEST(dns_msg_parse_args)
{
	struct msg m;
	struct dns_result res;
	response(&m, RESPONSE, 1);
	rr_a(&m, "@12", 60, 10, 0, 0, 1);
	CHECK_INT(dns_parse_response(m.b, m.n, ID, QNAME, DNS_TYPE_A, NULL), -WBE_INVAL);
	CHECK_INT(dns_parse_response(NULL, m.n, ID, QNAME, DNS_TYPE_A, &res), -WBE_INVAL);
	CHECK_INT(dns_parse_response(NULL, 0, ID, QNAME, DNS_TYPE_A, &res), -WBE_DNS_MALFORMED);
	CHECK_INT(dns_parse_response(m.b, m.n, ID, NULL, DNS_TYPE_A, &res), -WBE_INVAL);
	CHECK_INT(dns_parse_response(m.b, m.n, ID, QNAME, DNS_TYPE_AAAA, &res), -WBE_INVAL);
	CHECK_INT(dns_parse_response(m.b, m.n, ID, "a..b", DNS_TYPE_A, &res), -WBE_DNS_NAME);
	CHECK_INT(dns_parse_response(m.b, m.n, ID, label64, DNS_TYPE_A, &res),
		  -WBE_DNS_NAME_TOO_LONG);
	/* out is reset even when the arguments are bad */
	memset(&res, 0xff, sizeof(res));
	CHECK_INT(dns_parse_response(m.b, m.n, ID, QNAME, DNS_TYPE_AAAA, &res), -WBE_INVAL);
	CHECK_INT(res.naddrs, 0);
	CHECK_STR(res.canonical, "");
}

TEST(dns_msg_parse_every_prefix)
{
	/* a response with everything: chain, compression, unrelated records; every prefix of
	 * it, with and without TC, parses without overreading (parse() checks each length) */
	struct msg m;
	struct dns_result res;
	for (int tc = 0; tc < 2; tc++) {
		response(&m, RESPONSE | (tc ? 0x0200 : 0), 6);
		size_t target_at = m.n + 12;
		rr_cname(&m, "@12", 600, "cdn.example.net");
		char owner[16];
		snprintf(owner, sizeof(owner), "@%zu", target_at);
		static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
		rr(&m, owner, DNS_TYPE_AAAA, DNS_CLASS_IN, 60, v6, sizeof(v6));
		rr_a(&m, owner, 90, 203, 0, 113, 1);
		rr_a(&m, "other@17", 60, 203, 0, 113, 99);
		rr_a(&m, owner, 80, 203, 0, 113, 2);
		rr_cname(&m, "other@17", 60, "x@12");
		CHECK_INT(parse(&m, &res), 0);
		CHECK_INT(res.truncated, tc);
		CHECK_INT(res.naddrs, 2);
		CHECK_ADDR(res, 0, 203, 0, 113, 1);
		CHECK_ADDR(res, 1, 203, 0, 113, 2);
		CHECK_STR(res.canonical, "cdn.example.net");
		CHECK_INT(res.ttl, 80);
	}

	/* with TC, a prefix ending after k complete A records yields those k */
	response(&m, RESPONSE | 0x0200, 4);
	size_t ends[4];
	for (unsigned i = 0; i < 4; i++) {
		rr_a(&m, "@12", 60, 10, 0, 0, (uint8_t)(i + 1));
		ends[i] = m.n;
	}
	size_t full = m.n;
	for (unsigned k = 0; k < 4; k++) {
		for (size_t n = ends[k]; n < (k + 1 < 4 ? ends[k + 1] : full + 1); n++) {
			m.n = n;
			CHECK_INT(parse(&m, &res), 0);
			CHECK_INT(res.naddrs, k + 1);
		}
	}
}
