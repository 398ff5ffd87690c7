/* dhcp_msg_test.c - tests for wireboot/dhcp_msg.h: building, parsing, applying a lease. */
#include "wireboot/dhcp_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t client_id[7] = {0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t uuid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

/* ---- helpers ------------------------------------------------------------------------------ */

/* The parameter request list every DISCOVER/REQUEST/INFORM carries (option 55). */
#define PRL_BYTES 0x37, 17, 1, 3, 6, 12, 15, 17, 26, 28, 42, 43, 60, 66, 67, 119, 121, 175, 203

static struct dhcp_request_params base_params(uint8_t type)
{
	struct dhcp_request_params p;
	memset(&p, 0, sizeof(p));
	p.msg_type = type;
	p.xid = 0x12345678;
	memcpy(p.chaddr, mac, 6);
	p.chaddr_len = 6;
	return p;
}

/* Checks the fixed part of a built message: everything before the options. */
static void check_request_header(const uint8_t *b, uint32_t xid, uint16_t secs, uint16_t flags,
				 const uint8_t ciaddr[4])
{
	const uint8_t head[12] = {1, 1, 6, 0, (uint8_t)(xid >> 24), (uint8_t)(xid >> 16), (uint8_t)(xid >> 8),
				  (uint8_t)xid, (uint8_t)(secs >> 8), (uint8_t)secs, (uint8_t)(flags >> 8),
				  (uint8_t)flags};
	static const uint8_t zero[236];
	static const uint8_t magic[4] = {99, 130, 83, 99};
	CHECK_MEM(b, head, 12);
	CHECK_MEM(b + 12, ciaddr, 4);
	CHECK_MEM(b + 16, zero, 12); /* yiaddr siaddr giaddr */
	CHECK_MEM(b + 28, mac, 6);
	CHECK_MEM(b + 34, zero, 10);              /* rest of chaddr */
	CHECK_MEM(b + 44, zero, 64 + 128);        /* sname, file */
	CHECK_MEM(b + 236, magic, 4);
}

/* A server message under construction. */
struct pkt {
	uint8_t b[6000];
	size_t len;
};

static void pkt_header(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = DHCP_BOOTREPLY;
	p->b[1] = 1;
	p->b[2] = 6;
	p->b[4] = 0x12, p->b[5] = 0x34, p->b[6] = 0x56, p->b[7] = 0x78;
	memcpy(p->b + 28, mac, 6);
	p->b[236] = 99, p->b[237] = 130, p->b[238] = 83, p->b[239] = 99;
	p->len = DHCP_OPTIONS_OFFSET;
}

static void pkt_bytes(struct pkt *p, const void *data, size_t n)
{
	if (n)
		memcpy(p->b + p->len, data, n);
	p->len += n;
}

static void pkt_opt(struct pkt *p, uint8_t code, const void *data, size_t n)
{
	uint8_t head[2] = {code, (uint8_t)n};
	pkt_bytes(p, head, 2);
	pkt_bytes(p, data, n);
}

static void pkt_str(struct pkt *p, uint8_t code, const char *s)
{
	pkt_opt(p, code, s, strlen(s));
}

static void pkt_byte(struct pkt *p, uint8_t v)
{
	pkt_bytes(p, &v, 1);
}

/* Sub-options of option 175, as dnsmasq sends `dhcp-option=encap:175,190,alice` and so on. */
static const uint8_t ipxe_encap[] = {
	190, 5, 'a', 'l', 'i', 'c', 'e',
	191, 6, 's', '3', 'c', 'r', 'e', 't',
	192, 6, 't', 'a', 'r', 'g', 'e', 't',
	193, 7, 't', 's', 'e', 'c', 'r', 'e', 't',
};

/* RFC 3397 §2-style: "example.com", then "lab" + pointer to offset 0. */
static const uint8_t domain_search[] = {
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	3, 'l', 'a', 'b', 0xc0, 0x00,
};

#define ROOT_PATH "iscsi:10.0.0.1::::iqn.2010-04.org.ipxe:target"
#define IQN "iqn.2010-04.org.example:host1"

/*
 * A DHCPACK as dnsmasq sends it for a host with `dhcp-boot=boot.ipxe,tftpserver,10.0.0.2`,
 * `dhcp-option=17,...`, `dhcp-option=encap:175,190..193,...` and `dhcp-option=203,...`:
 * options in dnsmasq's order, the boot file in the BOOTP file field, END, then padding.
 * Returns the offset just past END.
 */
static size_t make_ack(struct pkt *p)
{
	static const uint8_t ack = DHCPACK;
	static const uint8_t server[4] = {10, 0, 0, 1}, lease[4] = {0, 0, 0x0e, 0x10};
	static const uint8_t t1[4] = {0, 0, 0x07, 0x08}, t2[4] = {0, 0, 0x0c, 0x4e};
	static const uint8_t mask[4] = {255, 255, 255, 0}, bcast[4] = {10, 0, 0, 255};
	static const uint8_t router[4] = {10, 0, 0, 1};
	static const uint8_t dns[8] = {10, 0, 0, 53, 10, 0, 0, 54};
	static const uint8_t ntp[8] = {10, 0, 0, 123, 10, 0, 0, 124};

	pkt_header(p);
	p->b[16] = 10, p->b[17] = 0, p->b[18] = 0, p->b[19] = 42; /* yiaddr */
	p->b[20] = 10, p->b[21] = 0, p->b[22] = 0, p->b[23] = 2;  /* siaddr */
	memcpy(p->b + DHCP_SNAME_OFFSET, "tftpserver", 10);
	memcpy(p->b + DHCP_FILE_OFFSET, "boot.ipxe", 9);
	pkt_opt(p, 53, &ack, 1);
	pkt_opt(p, 54, server, 4);
	pkt_opt(p, 51, lease, 4);
	pkt_opt(p, 58, t1, 4);
	pkt_opt(p, 59, t2, 4);
	pkt_opt(p, 1, mask, 4);
	pkt_opt(p, 28, bcast, 4);
	pkt_opt(p, 3, router, 4);
	pkt_opt(p, 6, dns, 8);
	pkt_str(p, 15, "example.com");
	pkt_str(p, 12, "host1");
	pkt_opt(p, 42, ntp, 8);
	pkt_str(p, 17, ROOT_PATH);
	pkt_opt(p, 175, ipxe_encap, sizeof(ipxe_encap));
	pkt_str(p, 203, IQN);
	pkt_opt(p, 119, domain_search, sizeof(domain_search));
	pkt_byte(p, 255);
	size_t end = p->len;
	memset(p->b + p->len, 0, 12); /* Ethernet minimum-frame padding after END */
	p->len += 12;
	return end;
}

/* dhcp_option() as a string of known length, for CHECK_STR; "(absent)" when absent. */
static const char *opt_text(const struct dhcp_message *m, uint8_t code, char *buf, size_t size)
{
	size_t len = 0;
	const uint8_t *d = dhcp_option(m, code, &len);
	if (!d)
		return "(absent)";
	if (len >= size)
		return "(too long)";
	memcpy(buf, d, len);
	buf[len] = '\0';
	return buf;
}

/* Is option @code present with exactly these @n bytes? */
static bool opt_is(const struct dhcp_message *m, uint8_t code, const void *want, size_t n)
{
	size_t len = 0;
	const uint8_t *d = dhcp_option(m, code, &len);
	return d && len == n && memcmp(d, want, n) == 0;
}

/* ---- building ----------------------------------------------------------------------------- */

TEST(dhcp_msg_build_discover)
{
	struct dhcp_request_params p = base_params(DHCPDISCOVER);
	p.secs = 3;
	p.broadcast = true;
	p.client_id = client_id;
	p.client_id_len = sizeof(client_id);
	p.client_arch = 0x0007;
	p.has_uuid = true;
	memcpy(p.uuid, uuid, 16);
	p.vendor_class = "PXEClient:Arch:00007:UNDI:003016";
	p.user_class = "wireboot";
	p.max_message_size = 1472;

	static const uint8_t options[] = {
		0x35, 1, 1,                                     /* DHCPDISCOVER */
		0x3d, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, /* client id: type 1 + MAC */
		0x39, 2, 0x05, 0xc0,                            /* max size 1472 */
		PRL_BYTES,
		0x3c, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h', ':', '0',
		'0', '0', '0', '7', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '3', '0', '1', '6',
		0x4d, 9, 8, 'w', 'i', 'r', 'e', 'b', 'o', 'o', 't', /* RFC 3004 instance */
		0x5d, 2, 0x00, 0x07,                            /* arch: x64 UEFI */
		0x61, 17, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
		0xbb, 0xcc, 0xdd, 0xee, 0xff,                   /* UUID, type 0 */
		0xff,
	};
	uint8_t buf[DHCP_BUILD_MAX];
	memset(buf, 0xa5, sizeof(buf));
	int n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, DHCP_OPTIONS_OFFSET + sizeof(options)); /* 344: longer than 300, no padding */
	REQUIRE(n > DHCP_OPTIONS_OFFSET);
	static const uint8_t zero4[4];
	check_request_header(buf, 0x12345678, 3, 0x8000, zero4);
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, options, sizeof(options));
}

TEST(dhcp_msg_build_request_pads_to_bootp_minimum)
{
	struct dhcp_request_params p = base_params(DHCPREQUEST);
	p.secs = 0x0102;
	p.has_requested_ip = true;
	memcpy(p.requested_ip, (uint8_t[]){10, 0, 0, 42}, 4);
	p.has_server_id = true;
	memcpy(p.server_id, (uint8_t[]){10, 0, 0, 1}, 4);
	p.hostname = "host1";
	p.client_arch = 0x000b;

	static const uint8_t options[] = {
		0x35, 1, 3,                 /* DHCPREQUEST */
		0x32, 4, 10, 0, 0, 42,      /* requested IP */
		0x36, 4, 10, 0, 0, 1,       /* server id */
		0x0c, 5, 'h', 'o', 's', 't', '1',
		PRL_BYTES,
		0x5d, 2, 0x00, 0x0b,        /* arch: arm64 UEFI */
		0xff,
	};
	uint8_t buf[600];
	memset(buf, 0xa5, sizeof(buf));
	int n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, DHCP_BOOTP_MIN_LEN);
	static const uint8_t zero[300];
	check_request_header(buf, 0x12345678, 0x0102, 0, zero);
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, options, sizeof(options));
	size_t used = DHCP_OPTIONS_OFFSET + sizeof(options);
	CHECK_MEM(buf + used, zero, DHCP_BOOTP_MIN_LEN - used); /* zero padding after END */
	CHECK_INT(buf[DHCP_BOOTP_MIN_LEN], 0xa5);                /* nothing written beyond */

	/* exactly 300 bytes of room is enough; 299 is not */
	CHECK_INT(dhcp_build_request(&p, buf, 300), 300);
	CHECK_INT(dhcp_build_request(&p, buf, 299), -WBE_NOSPC);
}

TEST(dhcp_msg_build_renewing_request_and_inform)
{
	/* RENEWING: ciaddr set, neither option 50 nor 54 (RFC 2131 §4.3.2) */
	struct dhcp_request_params p = base_params(DHCPREQUEST);
	memcpy(p.ciaddr, (uint8_t[]){10, 0, 0, 42}, 4);
	uint8_t buf[600];
	int n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, 300);
	check_request_header(buf, 0x12345678, 0, 0, (uint8_t[]){10, 0, 0, 42});
	static const uint8_t renew[] = {0x35, 1, 3, PRL_BYTES, 0x5d, 2, 0, 0, 0xff};
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, renew, sizeof(renew));

	p.msg_type = DHCPINFORM;
	p.user_class = "wireboot";
	n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, 300);
	static const uint8_t inform[] = {0x35, 1, 8, PRL_BYTES, 0x4d, 9, 8, 'w', 'i', 'r', 'e', 'b',
					 'o', 'o', 't', 0x5d, 2, 0, 0, 0xff};
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, inform, sizeof(inform));
	CHECK_MEM(buf + 12, ((uint8_t[]){10, 0, 0, 42}), 4);
}

TEST(dhcp_msg_build_decline_release)
{
	/* RFC 2131 table 5: only 53, 50 (DECLINE), 54 and 61; everything else is MUST NOT */
	struct dhcp_request_params p = base_params(DHCPDECLINE);
	p.has_requested_ip = true;
	memcpy(p.requested_ip, (uint8_t[]){10, 0, 0, 42}, 4);
	p.has_server_id = true;
	memcpy(p.server_id, (uint8_t[]){10, 0, 0, 1}, 4);
	p.client_id = client_id;
	p.client_id_len = sizeof(client_id);
	p.vendor_class = "PXEClient";
	p.user_class = "wireboot";
	p.hostname = "host1";
	p.max_message_size = 1472;
	p.has_uuid = true;
	uint8_t buf[600];
	int n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, 300);
	static const uint8_t decline[] = {0x35, 1, 4, 0x3d, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
					  0x32, 4, 10, 0, 0, 42, 0x36, 4, 10, 0, 0, 1, 0xff, 0};
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, decline, sizeof(decline));

	p.msg_type = DHCPRELEASE;
	p.has_requested_ip = false;
	memcpy(p.ciaddr, (uint8_t[]){10, 0, 0, 42}, 4);
	n = dhcp_build_request(&p, buf, sizeof(buf));
	CHECK_INT(n, 300);
	static const uint8_t release[] = {0x35, 1, 7, 0x3d, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
					  0x36, 4, 10, 0, 0, 1, 0xff, 0};
	CHECK_MEM(buf + DHCP_OPTIONS_OFFSET, release, sizeof(release));
	CHECK_MEM(buf + 12, ((uint8_t[]){10, 0, 0, 42}), 4);
}

TEST(dhcp_msg_build_invalid)
{
	uint8_t buf[DHCP_BUILD_MAX];
	char long_text[300];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	struct dhcp_request_params p;

	CHECK_INT(dhcp_build_request(NULL, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPDISCOVER);
	CHECK_INT(dhcp_build_request(&p, NULL, sizeof(buf)), -WBE_INVAL);

	static const uint8_t bad_types[] = {0, DHCPOFFER, DHCPACK, DHCPNAK, 9, 255};
	for (size_t i = 0; i < COUNT(bad_types); i++) {
		p = base_params(bad_types[i]);
		CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	}
	p = base_params(DHCPDISCOVER);
	p.chaddr_len = 17;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPDISCOVER);
	p.has_server_id = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPDECLINE);
	p.has_server_id = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL); /* no requested IP */
	p = base_params(DHCPDECLINE);
	p.has_requested_ip = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL); /* no server id */
	p = base_params(DHCPRELEASE);
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL); /* no server id */
	p.has_server_id = true;
	p.has_requested_ip = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPINFORM);
	p.has_requested_ip = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPINFORM);
	p.has_server_id = true;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);

	p = base_params(DHCPDISCOVER);
	p.client_id = client_id;
	p.client_id_len = 1; /* RFC 2132 §9.14: at least 2 */
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p.client_id_len = 256;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p.client_id = NULL;
	p.client_id_len = 7;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);

	p = base_params(DHCPDISCOVER);
	p.max_message_size = 575;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p.max_message_size = 576;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), 300);

	/* strings: 255 bytes fit (254 for the user class, which needs its RFC 3004 length byte) */
	p = base_params(DHCPDISCOVER);
	long_text[256] = '\0';
	p.hostname = long_text;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	long_text[255] = '\0';
	CHECK(dhcp_build_request(&p, buf, sizeof(buf)) > 0);
	p = base_params(DHCPDISCOVER);
	p.vendor_class = long_text;
	CHECK(dhcp_build_request(&p, buf, sizeof(buf)) > 0);
	long_text[255] = 'x';
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	p = base_params(DHCPDISCOVER);
	p.user_class = long_text;
	CHECK_INT(dhcp_build_request(&p, buf, sizeof(buf)), -WBE_INVAL);
	long_text[254] = '\0';
	CHECK(dhcp_build_request(&p, buf, sizeof(buf)) > 0);
}

TEST(dhcp_msg_build_max_and_nospc)
{
	/* every optional option at its longest: exactly DHCP_BUILD_MAX bytes */
	static char h[256], v[256], u[255];
	static uint8_t cid[255];
	memset(h, 'h', 255);
	memset(v, 'v', 255);
	memset(u, 'u', 254);
	memset(cid, 0xff, sizeof(cid));
	struct dhcp_request_params p = base_params(DHCPREQUEST);
	p.has_requested_ip = p.has_server_id = p.has_uuid = true;
	p.client_id = cid;
	p.client_id_len = sizeof(cid);
	p.hostname = h;
	p.vendor_class = v;
	p.user_class = u;
	p.max_message_size = 1500;
	uint8_t *buf = malloc(DHCP_BUILD_MAX);
	REQUIRE(buf);
	CHECK_INT(dhcp_build_request(&p, buf, DHCP_BUILD_MAX), DHCP_BUILD_MAX);
	CHECK_INT(buf[DHCP_BUILD_MAX - 1], 0xff);
	free(buf);

	/* every shorter buffer: -WBE_NOSPC, and never a write beyond it (ASan: exact-size heap) */
	for (size_t size = 0; size < DHCP_BUILD_MAX; size++) {
		buf = malloc(size ? size : 1);
		REQUIRE(buf);
		CHECK_INT(dhcp_build_request(&p, buf, size), -WBE_NOSPC);
		free(buf);
	}
}

TEST(dhcp_msg_build_parses_back)
{
	/* what we build is well-formed: flip op to BOOTREPLY and read it with the parser */
	struct dhcp_request_params p = base_params(DHCPDISCOVER);
	p.client_arch = 7;
	p.user_class = "wireboot";
	p.vendor_class = "PXEClient:Arch:00007:UNDI:003016";
	uint8_t buf[DHCP_BUILD_MAX];
	int n = dhcp_build_request(&p, buf, sizeof(buf));
	REQUIRE(n > 0);
	buf[0] = DHCP_BOOTREPLY;
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	CHECK_INT(dhcp_parse(buf, (size_t)n, m), 0);
	CHECK_INT(m->message_type, DHCPDISCOVER);
	CHECK_INT(m->xid, 0x12345678);
	CHECK_MEM(m->chaddr, mac, 6);
	size_t len = 0;
	const uint8_t *d = dhcp_option(m, DHCP_OPT_PARAM_REQUEST, &len);
	static const uint8_t prl[] = {1, 3, 6, 12, 15, 17, 26, 28, 42, 43, 60, 66, 67, 119, 121, 175, 203};
	REQUIRE(d && len == sizeof(prl));
	CHECK_MEM(d, prl, sizeof(prl));
	d = dhcp_option(m, DHCP_OPT_USER_CLASS, &len);
	REQUIRE(d && len == 9);
	CHECK_MEM(d, "\010wireboot", 9);
	free(m);
}

/* ---- parsing ------------------------------------------------------------------------------ */

TEST(dhcp_msg_parse_dnsmasq_ack)
{
	static struct pkt p;
	make_ack(&p);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	char t[256];
	size_t len = 0;

	CHECK_INT(m->op, DHCP_BOOTREPLY);
	CHECK_INT(m->htype, 1);
	CHECK_INT(m->hlen, 6);
	CHECK_INT(m->xid, 0x12345678);
	CHECK_INT(m->message_type, DHCPACK);
	CHECK_INT(m->overload, 0);
	CHECK_MEM(m->yiaddr, ((uint8_t[]){10, 0, 0, 42}), 4);
	CHECK_MEM(m->siaddr, ((uint8_t[]){10, 0, 0, 2}), 4);
	CHECK_MEM(m->chaddr, mac, 6);
	CHECK_STR(m->sname, "tftpserver");
	CHECK_STR(m->file, "boot.ipxe");

	CHECK(opt_is(m, 54, (uint8_t[]){10, 0, 0, 1}, 4));
	CHECK(opt_is(m, 51, (uint8_t[]){0, 0, 0x0e, 0x10}, 4));
	CHECK(opt_is(m, 6, (uint8_t[]){10, 0, 0, 53, 10, 0, 0, 54}, 8));
	CHECK_STR(opt_text(m, 15, t, sizeof(t)), "example.com");
	CHECK_STR(opt_text(m, 12, t, sizeof(t)), "host1");
	CHECK_STR(opt_text(m, 17, t, sizeof(t)), ROOT_PATH);
	CHECK_STR(opt_text(m, 203, t, sizeof(t)), IQN);
	CHECK_STR(opt_text(m, 67, t, sizeof(t)), "(absent)");
	CHECK(dhcp_option(m, 0, NULL) == NULL);
	CHECK(dhcp_option(m, 255, NULL) == NULL);
	CHECK(dhcp_option(m, 52, NULL) == NULL);

	const uint8_t *encap = dhcp_option(m, 175, &len);
	REQUIRE(encap && len == sizeof(ipxe_encap));
	static const struct {
		uint8_t code;
		const char *value;
	} subs[] = {{190, "alice"}, {191, "s3cret"}, {192, "target"}, {193, "tsecret"}};
	for (size_t i = 0; i < COUNT(subs); i++) {
		size_t sublen = 0;
		const uint8_t *s = dhcp_suboption(encap, len, subs[i].code, &sublen);
		REQUIRE(s);
		CHECK_INT(sublen, strlen(subs[i].value));
		CHECK_MEM(s, subs[i].value, sublen);
	}
	CHECK(dhcp_suboption(encap, len, 194, NULL) == NULL);

	/* walking: every option once, in wire order */
	static const uint8_t order[] = {53, 54, 51, 58, 59, 1, 28, 3, 6, 15, 12, 42, 17, 175, 203, 119};
	size_t cursor = 0, i = 0;
	uint8_t code;
	const uint8_t *data;
	while (dhcp_option_next(m, &cursor, &code, &data, &len)) {
		REQUIRE(i < COUNT(order));
		CHECK_INT(code, order[i]);
		CHECK(data == dhcp_option(m, code, NULL));
		i++;
	}
	CHECK_INT(i, COUNT(order));
	CHECK(!dhcp_option_next(m, &cursor, &code, &data, &len));
	free(m);
}

/* The overload layout shared by the next tests: root path split over options, file and sname. */
static void make_overloaded(struct pkt *p, uint8_t overload)
{
	static const uint8_t ack = DHCPACK;
	pkt_header(p);
	pkt_opt(p, 53, &ack, 1);
	pkt_opt(p, 52, &overload, 1);
	pkt_str(p, 17, "iscsi:10.0");
	pkt_byte(p, 255);
	uint8_t *file = p->b + DHCP_FILE_OFFSET, *sname = p->b + DHCP_SNAME_OFFSET;
	if (overload & DHCP_OVERLOAD_FILE) {
		static const uint8_t area[] = {17, 8, '.', '0', '.', '1', ':', ':', ':', ':',
					       0,                                  /* pad */
					       6, 4, 10, 0, 0, 53,
					       52, 1, 2,                           /* ignored here */
					       15, 3, 'l', 'a', 'b', 255, 17, 1, 'X'}; /* after END: ignored */
		memcpy(file, area, sizeof(area));
	} else {
		memcpy(file, "boot.efi", 8);
	}
	if (overload & DHCP_OVERLOAD_SNAME) {
		static const uint8_t area[] = {17, 3, 'i', 'q', 'n', 12, 2, 'h', '1', 15, 4, '.', 'c', 'o', 'm'};
		memcpy(sname, area, sizeof(area)); /* no END: the field's end ends it */
	} else {
		memcpy(sname, "server-name", 11);
	}
}

TEST(dhcp_msg_parse_overload_both)
{
	static struct pkt p;
	make_overloaded(&p, 3);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	char t[256];
	CHECK_INT(m->overload, 3);
	/* RFC 3396 §5 order: options, then file, then sname */
	CHECK_STR(opt_text(m, 17, t, sizeof(t)), "iscsi:10.0.0.1::::iqn");
	CHECK_STR(opt_text(m, 15, t, sizeof(t)), "lab.com");
	CHECK_STR(opt_text(m, 12, t, sizeof(t)), "h1");
	CHECK(opt_is(m, 6, (uint8_t[]){10, 0, 0, 53}, 4));
	size_t len = 0;
	const uint8_t *ov = dhcp_option(m, 52, &len); /* the file field's 52 is not appended */
	REQUIRE(ov);
	CHECK_INT(len, 1);
	CHECK_INT(ov[0], 3);
	CHECK_STR(m->file, "");
	CHECK_STR(m->sname, "");
	free(m);
}

TEST(dhcp_msg_parse_overload_file_only)
{
	static struct pkt p;
	make_overloaded(&p, DHCP_OVERLOAD_FILE);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	char t[256];
	CHECK_STR(opt_text(m, 17, t, sizeof(t)), "iscsi:10.0.0.1::::");
	CHECK_STR(opt_text(m, 15, t, sizeof(t)), "lab");
	CHECK_STR(opt_text(m, 12, t, sizeof(t)), "(absent)");
	CHECK_STR(m->file, "");
	CHECK_STR(m->sname, "server-name"); /* not overloaded: text */
	free(m);
}

TEST(dhcp_msg_parse_overload_sname_only)
{
	static struct pkt p;
	make_overloaded(&p, DHCP_OVERLOAD_SNAME);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	char t[256];
	CHECK_STR(opt_text(m, 17, t, sizeof(t)), "iscsi:10.0iqn");
	CHECK_STR(opt_text(m, 15, t, sizeof(t)), ".com");
	CHECK_STR(opt_text(m, 12, t, sizeof(t)), "h1");
	CHECK(dhcp_option(m, 6, NULL) == NULL);
	CHECK_STR(m->file, "boot.efi");
	CHECK_STR(m->sname, "");
	free(m);
}

TEST(dhcp_msg_parse_rfc3396_concatenation)
{
	static struct pkt p;
	static const uint8_t offer = DHCPOFFER;
	pkt_header(&p);
	pkt_byte(&p, 0); /* leading pad */
	pkt_str(&p, 17, "abc");
	pkt_opt(&p, 53, &offer, 1);
	pkt_opt(&p, 6, (uint8_t[]){10, 0, 0, 1}, 4);
	pkt_opt(&p, 17, NULL, 0); /* an empty instance adds nothing */
	pkt_byte(&p, 0);
	pkt_str(&p, 17, "def");
	pkt_opt(&p, 80, NULL, 0); /* zero-length option (rapid commit): present */
	pkt_opt(&p, 6, (uint8_t[]){10, 0, 0, 2}, 4);
	pkt_byte(&p, 255);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	char t[256];
	size_t len = 99;
	CHECK_INT(m->message_type, DHCPOFFER);
	CHECK_STR(opt_text(m, 17, t, sizeof(t)), "abcdef");
	CHECK(opt_is(m, 6, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8));
	CHECK(dhcp_option(m, 80, &len) != NULL);
	CHECK_INT(len, 0);
	size_t cursor = 0, i = 0;
	uint8_t code;
	const uint8_t *data;
	static const uint8_t order[] = {17, 53, 6, 80};
	while (dhcp_option_next(m, &cursor, &code, &data, &len) && i < COUNT(order))
		CHECK_INT(code, order[i++]);
	CHECK_INT(i, COUNT(order));

	/* a long option split across the options field and the file field */
	uint8_t ov = DHCP_OVERLOAD_FILE;
	pkt_header(&p);
	pkt_opt(&p, 53, &offer, 1);
	pkt_opt(&p, 52, &ov, 1);
	uint8_t part[255];
	memset(part, 'a', sizeof(part));
	pkt_opt(&p, 17, part, 255);
	pkt_byte(&p, 255);
	p.b[DHCP_FILE_OFFSET] = 17;
	p.b[DHCP_FILE_OFFSET + 1] = 126; /* fills the file field exactly */
	memset(p.b + DHCP_FILE_OFFSET + 2, 'b', 126);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	const uint8_t *rp = dhcp_option(m, 17, &len);
	REQUIRE(rp);
	CHECK_INT(len, 255 + 126);
	CHECK_INT(rp[254], 'a');
	CHECK_INT(rp[255], 'b');
	CHECK_INT(rp[380], 'b');
	free(m);
}

TEST(dhcp_msg_parse_errors)
{
	static struct pkt p;
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	static const uint8_t ack = DHCPACK;

	CHECK_INT(dhcp_parse(NULL, 0, m), -WBE_DHCP_TRUNCATED);
	CHECK_INT(dhcp_parse(NULL, 300, m), -WBE_INVAL);
	make_ack(&p);
	CHECK_INT(dhcp_parse(p.b, p.len, NULL), -WBE_INVAL);
	CHECK_INT(dhcp_parse(p.b, 0, m), -WBE_DHCP_TRUNCATED);
	CHECK_INT(dhcp_parse(p.b, 239, m), -WBE_DHCP_TRUNCATED);

	/* bad cookie, one byte at a time */
	for (size_t i = 236; i < 240; i++) {
		make_ack(&p);
		p.b[i] ^= 0x01;
		CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MAGIC);
	}
	make_ack(&p);
	p.b[0] = DHCP_BOOTREQUEST;
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_NOT_REPLY);
	p.b[0] = 3;
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_NOT_REPLY);

	/* overrun: a code with no length byte, and data running past the end */
	pkt_header(&p);
	pkt_opt(&p, 53, &ack, 1);
	pkt_byte(&p, 12);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OPTION_OVERRUN);
	pkt_byte(&p, 5);
	pkt_bytes(&p, "host", 4);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OPTION_OVERRUN);
	pkt_byte(&p, '1');
	CHECK_INT(dhcp_parse(p.b, p.len, m), 0); /* no END needed at the very end */

	/* overrun inside an overloaded file field, and inside sname */
	make_overloaded(&p, 3);
	p.b[DHCP_FILE_OFFSET + DHCP_FILE_LEN - 2] = 12;
	p.b[DHCP_FILE_OFFSET + DHCP_FILE_LEN - 1] = 2;
	p.b[DHCP_FILE_OFFSET + 25] = 0; /* turn the END in the file field into a pad */
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OPTION_OVERRUN);
	make_overloaded(&p, 3);
	p.b[DHCP_SNAME_OFFSET + DHCP_SNAME_LEN - 1] = 12;
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OPTION_OVERRUN);
	/* the same bytes are harmless text when the field is not overloaded */
	make_overloaded(&p, 1);
	p.b[DHCP_SNAME_OFFSET + DHCP_SNAME_LEN - 1] = 12;
	CHECK_INT(dhcp_parse(p.b, p.len, m), 0);

	/* overload: wrong values and lengths */
	static const struct {
		uint8_t len, value[2];
	} overloads[] = {{1, {0}}, {1, {4}}, {1, {255}}, {0, {0}}, {2, {1, 2}}};
	for (size_t i = 0; i < COUNT(overloads); i++) {
		pkt_header(&p);
		pkt_opt(&p, 53, &ack, 1);
		pkt_opt(&p, 52, overloads[i].value, overloads[i].len);
		pkt_byte(&p, 255);
		CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OVERLOAD);
	}
	pkt_header(&p); /* two valid instances concatenate to two bytes */
	pkt_opt(&p, 53, &ack, 1);
	pkt_opt(&p, 52, (uint8_t[]){1}, 1);
	pkt_opt(&p, 52, (uint8_t[]){1}, 1);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_OVERLOAD);

	/* message type: missing (plain BOOTP), wrong length, zero, only in the sname text */
	pkt_header(&p);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);
	pkt_byte(&p, 255);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);
	pkt_header(&p);
	pkt_opt(&p, 53, (uint8_t[]){5, 5}, 2);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);
	pkt_header(&p);
	pkt_opt(&p, 53, (uint8_t[]){5}, 1);
	pkt_opt(&p, 53, NULL, 0);
	CHECK_INT(dhcp_parse(p.b, p.len, m), 0);
	pkt_opt(&p, 53, (uint8_t[]){5}, 1); /* RFC 3396: now two bytes */
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);
	pkt_header(&p);
	pkt_opt(&p, 53, (uint8_t[]){0}, 1);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);
	pkt_header(&p);
	memcpy(p.b + DHCP_SNAME_OFFSET, (uint8_t[]){53, 1, 5}, 3);
	pkt_byte(&p, 255);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_MSG_TYPE);

	/* size limit: exactly DHCP_OPTION_DATA_MAX bytes of option data parse, one more fails */
	uint8_t big[255];
	memset(big, 'z', sizeof(big));
	pkt_header(&p);
	pkt_opt(&p, 53, &ack, 1);
	for (uint8_t code = 200; code < 216; code++)
		pkt_opt(&p, code, big, 255);
	pkt_opt(&p, 250, big, DHCP_OPTION_DATA_MAX - 1 - 16 * 255);
	size_t at = p.len;
	pkt_byte(&p, 255);
	CHECK_INT(dhcp_parse(p.b, p.len, m), 0);
	size_t len = 0;
	CHECK(dhcp_option(m, 215, &len) != NULL && len == 255);
	p.len = at;
	pkt_opt(&p, 251, big, 1);
	CHECK_INT(dhcp_parse(p.b, p.len, m), -WBE_DHCP_TOO_BIG);
	free(m);
}

/* Every prefix of @p parses or fails with a parse error; the heap copy lets ASan see overreads. */
static void check_prefixes(const struct pkt *p, size_t end_of_options)
{
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	for (size_t n = 0; n <= p->len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		REQUIRE(copy);
		memcpy(copy, p->b, n);
		int rc = dhcp_parse(copy, n, m);
		if (n < DHCP_OPTIONS_OFFSET)
			CHECK_INT(rc, -WBE_DHCP_TRUNCATED);
		else if (n == DHCP_OPTIONS_OFFSET)
			CHECK_INT(rc, -WBE_DHCP_MSG_TYPE);
		else if (n >= end_of_options)
			CHECK_INT(rc, 0);
		else if (rc != 0 && rc != -WBE_DHCP_OPTION_OVERRUN)
			test_fail(__FILE__, __LINE__, "prefix %zu: rc %d", n, rc);
		if (rc == 0) {
			CHECK(m->message_type != 0);
			/* everything parsed lies within the store */
			size_t cursor = 0, total = 0, len;
			uint8_t code;
			const uint8_t *data;
			while (dhcp_option_next(m, &cursor, &code, &data, &len)) {
				CHECK(data >= m->option_data && data + len <= m->option_data + DHCP_OPTION_DATA_MAX);
				total += len;
			}
			CHECK(total <= DHCP_OPTION_DATA_MAX);
		}
		free(copy);
	}
	free(m);
}

TEST(dhcp_msg_parse_every_truncation)
{
	static struct pkt p;
	size_t end = make_ack(&p);
	check_prefixes(&p, end);
	make_overloaded(&p, 3);
	check_prefixes(&p, p.len);
}

TEST(dhcp_msg_suboption_bounds)
{
	static const uint8_t good[] = {0, 190, 1, 'a', 0, 191, 0, 190, 1, 'b', 255, 192, 200};
	size_t len = 99;
	const uint8_t *d = dhcp_suboption(good, sizeof(good), 190, &len);
	CHECK(d == good + 3); /* the first instance */
	CHECK_INT(len, 1);
	d = dhcp_suboption(good, sizeof(good), 191, &len);
	CHECK(d == good + 7);
	CHECK_INT(len, 0);
	CHECK(dhcp_suboption(good, sizeof(good), 192, NULL) == NULL); /* after END */
	CHECK(dhcp_suboption(good, sizeof(good), 0, NULL) == NULL);
	CHECK(dhcp_suboption(good, sizeof(good), 255, NULL) == NULL);
	CHECK(dhcp_suboption(NULL, 0, 190, NULL) == NULL);
	CHECK(dhcp_suboption(NULL, 5, 190, NULL) == NULL);

	/* malformed anywhere before END: nothing is trusted, not even an earlier good entry */
	static const uint8_t bad[] = {190, 1, 'a', 191, 5, 'x'};
	CHECK(dhcp_suboption(bad, sizeof(bad), 190, NULL) == NULL);
	static const uint8_t no_len[] = {190, 1, 'a', 191};
	CHECK(dhcp_suboption(no_len, sizeof(no_len), 190, NULL) == NULL);
	/* every prefix of a good encapsulation: in bounds (ASan, exact-size copies) */
	for (size_t n = 0; n <= sizeof(ipxe_encap); n++) {
		uint8_t *copy = malloc(n ? n : 1);
		REQUIRE(copy);
		memcpy(copy, ipxe_encap, n);
		for (int code = 1; code < 255; code++) {
			d = dhcp_suboption(copy, n, (uint8_t)code, &len);
			if (d)
				CHECK(d >= copy && d + len <= copy + n);
		}
		free(copy);
	}
}

/* ---- applying ------------------------------------------------------------------------------ */

static const char *fetch(struct settings *s, const char *name, char *buf, size_t size)
{
	int n = settings_fetch_text(s, name, buf, size);
	if (n == -WBE_SETTING_UNKNOWN)
		return "(unset)";
	if (n < 0 || (size_t)n >= size)
		return "(error)";
	return buf;
}

static const struct {
	const char *name, *value;
} ack_settings[] = {
	{"net0/ip", "10.0.0.42"},
	{"net0/netmask", "255.255.255.0"},
	{"net0/gateway", "10.0.0.1"},
	{"net0/dns", "10.0.0.53"},
	{"net0/domain", "example.com"},
	{"net0/hostname", "host1"},
	{"net0/ntp", "10.0.0.123"},
	{"net0/root-path", ROOT_PATH},
	{"net0/filename", "boot.ipxe"},
	{"net0/next-server", "10.0.0.2"},
	{"net0/dhcp-server", "10.0.0.1"},
	{"net0/username", "alice"},
	{"net0/password", "s3cret"},
	{"net0/reverse-username", "target"},
	{"net0/reverse-password", "tsecret"},
	{"net0/initiator-iqn", IQN},
	{"net0/domain-search", "example.com lab.example.com"},
};

TEST(dhcp_msg_apply_to_settings)
{
	static struct pkt p;
	make_ack(&p);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);

	struct settings s;
	REQUIRE(settings_init(&s, "test", "x86_64", "0") == 0);
	struct settings_scope *net0;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, net0), 0);
	char buf[256];
	for (size_t i = 0; i < COUNT(ack_settings); i++)
		CHECK_STR(fetch(&s, ack_settings[i].name, buf, sizeof(buf)), ack_settings[i].value);
	/* unscoped names find the interface's values; the types are the registered ones */
	CHECK_STR(fetch(&s, "ip", buf, sizeof(buf)), "10.0.0.42");
	CHECK_STR(fetch(&s, "net0/ip:hex", buf, sizeof(buf)), "0a:00:00:2a");
	struct setting_name name;
	const struct setting_type *type = NULL;
	REQUIRE(settings_parse_name(&s, "net0/gateway", &name) == 0);
	CHECK_INT(settings_fetch(&s, &name, buf, sizeof(buf), &type), 4);
	CHECK(type == &setting_type_ipv4);
	CHECK(setting_def_find("root-path") && setting_def_find("root-path")->type == &setting_type_string);
	CHECK(setting_def_find("next-server") && setting_def_find("next-server")->type == &setting_type_ipv4);
	for (size_t i = 0; i < COUNT(ack_settings); i++) {
		const char *n = ack_settings[i].name + 5;
		CHECK(setting_def_find(n) != NULL);
	}
	CHECK(settings_is_secret("password"));
	CHECK(settings_is_secret("reverse-password"));
	CHECK(!settings_is_secret("username"));
	CHECK(!settings_is_secret("reverse-username"));
	CHECK(!settings_is_secret("root-path"));

	CHECK_INT(dhcp_apply_to_settings(NULL, net0), -WBE_INVAL);
	CHECK_INT(dhcp_apply_to_settings(m, NULL), -WBE_INVAL);
	settings_fini(&s);
	free(m);
}

TEST(dhcp_msg_apply_edge_cases)
{
	static struct pkt p;
	static const uint8_t ack = DHCPACK;
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	struct settings s;
	REQUIRE(settings_init(&s, "test", "x86_64", "0") == 0);
	struct settings_scope *scope;
	char buf[256];

	/* INFORM-style ACK: yiaddr and siaddr zero; malformed lengths ignored; NUL cuts strings;
	 * option 67 wins over the file field */
	pkt_header(&p);
	memcpy(p.b + DHCP_FILE_OFFSET, "from-field.efi", 14);
	pkt_opt(&p, 53, &ack, 1);
	pkt_opt(&p, 1, (uint8_t[]){255, 255, 0}, 3);              /* netmask: 3 bytes */
	pkt_opt(&p, 3, (uint8_t[]){10, 0, 0, 1, 10}, 5);          /* routers: not 4n */
	pkt_opt(&p, 6, (uint8_t[]){10, 0, 0, 53, 10, 0, 0, 54}, 8);
	pkt_opt(&p, 54, (uint8_t[]){10, 0, 0, 1, 0, 0, 0, 0}, 8); /* server id: 8 bytes */
	pkt_opt(&p, 12, "host\0evil", 9);
	pkt_opt(&p, 15, "\0lab", 4);                               /* empty before NUL */
	pkt_str(&p, 67, "from-option.efi");
	pkt_opt(&p, 175, (uint8_t[]){190, 3, 'b', 'o', 'b', 191, 9, 'x'}, 8); /* malformed */
	pkt_opt(&p, 119, (uint8_t[]){3, 'a', 'b', 'c', 0xc0, 0x00}, 6);       /* self-loop */
	pkt_byte(&p, 255);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "net0", &scope) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
	CHECK_STR(fetch(&s, "net0/ip", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/next-server", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/netmask", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/gateway", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/dhcp-server", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/dns", buf, sizeof(buf)), "10.0.0.53");
	CHECK_STR(fetch(&s, "net0/hostname", buf, sizeof(buf)), "host");
	struct setting_name name;
	REQUIRE(settings_parse_name(&s, "net0/hostname", &name) == 0);
	CHECK_INT(settings_fetch(&s, &name, NULL, 0, NULL), 4); /* stored without the tail */
	CHECK_STR(fetch(&s, "net0/domain", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/filename", buf, sizeof(buf)), "from-option.efi");
	CHECK_STR(fetch(&s, "net0/username", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net0/domain-search", buf, sizeof(buf)), "(unset)");
	settings_scope_destroy(scope);

	/* option 67 empty: the file field; file overloaded: no filename at all */
	pkt_header(&p);
	memcpy(p.b + DHCP_FILE_OFFSET, "from-field.efi", 14);
	pkt_opt(&p, 53, &ack, 1);
	pkt_opt(&p, 67, "\0x", 2);
	pkt_byte(&p, 255);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "net1", &scope) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
	CHECK_STR(fetch(&s, "net1/filename", buf, sizeof(buf)), "from-field.efi");
	settings_scope_destroy(scope);

	make_overloaded(&p, DHCP_OVERLOAD_FILE);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "net2", &scope) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
	CHECK_STR(fetch(&s, "net2/filename", buf, sizeof(buf)), "(unset)");
	CHECK_STR(fetch(&s, "net2/root-path", buf, sizeof(buf)), "iscsi:10.0.0.1::::");
	CHECK_STR(fetch(&s, "net2/domain", buf, sizeof(buf)), "lab");
	CHECK_STR(fetch(&s, "net2/dns", buf, sizeof(buf)), "10.0.0.53");
	settings_scope_destroy(scope);

	settings_fini(&s);
	free(m);
}

TEST(dhcp_msg_domain_search_decoding)
{
	static const struct {
		const uint8_t *data;
		size_t len;
		const char *text; /* NULL: not stored */
	} cases[] = {
		/* RFC 3397 §4 example: eng.apple.com. and marketing.apple.com. */
		{(const uint8_t *)"\003eng\005apple\003com\000\011marketing\300\004", 27,
		 "eng.apple.com marketing.apple.com"},
		{(const uint8_t *)"\001a\000", 3, "a"},
		{(const uint8_t *)"\000\001a\000\000", 5, "a"},           /* root names skipped */
		{(const uint8_t *)"\000", 1, NULL},                        /* only the root */
		{(const uint8_t *)"\001a", 2, NULL},                       /* no terminating 0 */
		{(const uint8_t *)"\005ab", 3, NULL},                      /* label overruns */
		{(const uint8_t *)"\001a\300\002", 4, NULL},               /* pointer to itself */
		{(const uint8_t *)"\001a\300\000", 4, NULL},               /* pointer into own name */
		{(const uint8_t *)"\300\002\001a\000", 5, NULL},           /* forward pointer */
		{(const uint8_t *)"\001a\000\300", 4, NULL},               /* half a pointer */
		{(const uint8_t *)"\001a\000\300\000\300\003", 7, "a a a"}, /* chains go backwards */
		{(const uint8_t *)"\001a\000\301\000", 5, NULL},           /* pointer beyond data */
		{(const uint8_t *)"\101a\000", 3, NULL},                   /* reserved label type */
		{(const uint8_t *)"\003a b\000", 5, NULL},                 /* space in a label */
		{(const uint8_t *)"\003a.b\000", 5, NULL},                 /* dot in a label */
	};
	static struct pkt p;
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	struct settings s;
	REQUIRE(settings_init(&s, "test", "x86_64", "0") == 0);
	char buf[256];
	for (size_t i = 0; i < COUNT(cases); i++) {
		int failures = test_failures_in_case;
		pkt_header(&p);
		pkt_opt(&p, 53, (uint8_t[]){DHCPACK}, 1);
		pkt_opt(&p, 119, cases[i].data, cases[i].len);
		REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
		struct settings_scope *scope;
		REQUIRE(settings_scope_create(&s, NULL, "net0", &scope) == 0);
		CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
		const char *got = fetch(&s, "net0/domain-search", buf, sizeof(buf));
		CHECK_STR(got, cases[i].text ? cases[i].text : "(unset)");
		if (test_failures_in_case != failures)
			printf("    (domain-search case %zu)\n", i);
		settings_scope_destroy(scope);
	}

	/* a name longer than 255 octets (RFC 1035 §3.1) is refused */
	uint8_t name[320];
	size_t n = 0;
	for (int l = 0; l < 5; l++) {
		name[n++] = 60;
		memset(name + n, 'x', 60);
		n += 60;
	}
	name[n++] = 0;
	pkt_header(&p);
	pkt_opt(&p, 53, (uint8_t[]){DHCPACK}, 1);
	pkt_opt(&p, 119, name, n - 61 - 1); /* cut to 4 labels (244 octets) */
	pkt_opt(&p, 119, "", 1);            /* continued (RFC 3396) with the final 0 */
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	struct settings_scope *scope;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &scope) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
	CHECK(fetch(&s, "net0/domain-search", buf, sizeof(buf))[0] == 'x');
	settings_scope_destroy(scope);
	pkt_header(&p);
	pkt_opt(&p, 53, (uint8_t[]){DHCPACK}, 1);
	pkt_opt(&p, 119, name, 200);
	pkt_opt(&p, 119, name + 200, n - 200); /* 306 octets, split by RFC 3396 */
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "net0", &scope) == 0);
	CHECK_INT(dhcp_apply_to_settings(m, scope), 0);
	CHECK_STR(fetch(&s, "net0/domain-search", buf, sizeof(buf)), "(unset)");
	settings_scope_destroy(scope);

	settings_fini(&s);
	free(m);
}

TEST(dhcp_msg_apply_alloc_failure)
{
	static struct pkt p;
	make_ack(&p);
	struct dhcp_message *m = malloc(sizeof(*m));
	REQUIRE(m);
	REQUIRE(dhcp_parse(p.b, p.len, m) == 0);
	long runs = 0;
	FOR_EACH_ALLOC_FAILURE(i)
	{
		runs++;
		struct settings s;
		if (settings_init(&s, "test", "x86_64", "0") != 0)
			continue;
		struct settings_scope *net0;
		if (settings_scope_create(&s, NULL, "net0", &net0) == 0) {
			int rc = dhcp_apply_to_settings(m, net0);
			if (rc == 0) {
				char buf[256];
				for (size_t k = 0; k < COUNT(ack_settings); k++)
					CHECK_STR(fetch(&s, ack_settings[k].name, buf, sizeof(buf)),
						  ack_settings[k].value);
			} else {
				CHECK_INT(rc, -WBE_NOMEM);
			}
		}
		settings_fini(&s);
	}
	/* settings_init + scope + 17 values + the domain-search buffer, plus the clean run */
	CHECK(runs >= 20);
	free(m);
}
