/* iscsi_rootpath_test.c - tests for wireboot/iscsi_rootpath.h: RFC 4173 root paths, each
 * field's defaults and errors, IPv6 servers, LUN forms, and the canonical formatter. */
#include "wireboot/iscsi_rootpath.h"

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct parse_case {
	const char *text;
	const char *server;
	bool ipv6;
	uint16_t port;
	uint8_t lun[8];
	const char *target;
	const char *canonical; /* iscsi_rootpath_format() of the result */
};

static const struct parse_case parse_cases[] = {
	/* every optional field empty: TCP, port 3260, LUN 0 */
	{"iscsi:10.0.0.1::::iqn.2010-04.org.ipxe:target", "10.0.0.1", false, 3260, {0},
	 "iqn.2010-04.org.ipxe:target", "iscsi:10.0.0.1::3260:0:iqn.2010-04.org.ipxe:target"},
	{"iscsi:my.target.dns.name:6:3260:0:iqn.2007-08.name.dns.target.my:iscsiboot",
	 "my.target.dns.name", false, 3260, {0}, "iqn.2007-08.name.dns.target.my:iscsiboot",
	 "iscsi:my.target.dns.name::3260:0:iqn.2007-08.name.dns.target.my:iscsiboot"},
	/* IPv6 in brackets, stored without them */
	{"iscsi:[fe80::1]:6:3261:1:iqn.x", "fe80::1", true, 3261, {0, 1}, "iqn.x",
	 "iscsi:[fe80::1]::3261:1:iqn.x"},
	{"iscsi:[2001:db8::10.0.0.1]::::iqn.y", "2001:db8::10.0.0.1", true, 3260, {0}, "iqn.y",
	 "iscsi:[2001:db8::10.0.0.1]::3260:0:iqn.y"},
	{"iscsi:[::]::::t", "::", true, 3260, {0}, "t", "iscsi:[::]::3260:0:t"},
	{"iscsi:[1:2:3:4:5:6:7:8]::::t", "1:2:3:4:5:6:7:8", true, 3260, {0}, "t",
	 "iscsi:[1:2:3:4:5:6:7:8]::3260:0:t"},
	/* RFC 4173's LUN examples: 16-bit levels, most significant first, missing ones zero */
	{"iscsi:h:::4752-3A4F-6b7e-2F99:t", "h", false, 3260,
	 {0x47, 0x52, 0x3a, 0x4f, 0x6b, 0x7e, 0x2f, 0x99}, "t", "iscsi:h::3260:4752-3a4f-6b7e-2f99:t"},
	{"iscsi:h:::6734-9-156f-127:t", "h", false, 3260,
	 {0x67, 0x34, 0x00, 0x09, 0x15, 0x6f, 0x01, 0x27}, "t", "iscsi:h::3260:6734-9-156f-127:t"},
	{"iscsi:h:::4186-9:t", "h", false, 3260, {0x41, 0x86, 0x00, 0x09}, "t",
	 "iscsi:h::3260:4186-9:t"},
	/* hex digits, as iPXE and EDK2 read them: "10" is LUN 16 */
	{"iscsi:h:::10:t", "h", false, 3260, {0x00, 0x10}, "t", "iscsi:h::3260:10:t"},
	{"iscsi:h:::0000-0001:t", "h", false, 3260, {0, 0, 0, 1}, "t", "iscsi:h::3260:0-1:t"},
	{"iscsi:h:::0-0-0-0:t", "h", false, 3260, {0}, "t", "iscsi:h::3260:0:t"},
	/* the target name is everything after the fifth colon, colons included */
	{"iscsi:h::::iqn.2010-04.org.ipxe:disk:a:b", "h", false, 3260, {0},
	 "iqn.2010-04.org.ipxe:disk:a:b", "iscsi:h::3260:0:iqn.2010-04.org.ipxe:disk:a:b"},
	{"iscsi:h:::::", "h", false, 3260, {0}, ":", "iscsi:h::3260:0::"},
	/* scheme in any case; ports with leading zeros; the extremes */
	{"ISCSI:Host_1.example-x:6:00080:ffff-ffff-ffff-ffff:eui.02004567A425678D", "Host_1.example-x",
	 false, 80, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "eui.02004567A425678D",
	 "iscsi:Host_1.example-x::80:ffff-ffff-ffff-ffff:eui.02004567A425678D"},
	{"iscsi:h::1::t", "h", false, 1, {0}, "t", "iscsi:h::1:0:t"},
	{"iscsi:h::65535::t", "h", false, 65535, {0}, "t", "iscsi:h::65535:0:t"},
	/* UTF-8 is kept as given (iSCSI names are stringprep'd UTF-8, RFC 3722) */
	{"iscsi:h::::iqn.2024-01.example:d\xc3\xa9", "h", false, 3260, {0},
	 "iqn.2024-01.example:d\xc3\xa9", "iscsi:h::3260:0:iqn.2024-01.example:d\xc3\xa9"},
};

TEST(iscsi_rootpath_parse_table)
{
	for (size_t i = 0; i < COUNT(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct iscsi_rootpath rp;
		int rc = iscsi_rootpath_parse(c->text, &rp);
		CHECK_INT(rc, 0);
		if (rc != 0) {
			test_fail(__FILE__, __LINE__, "while parsing \"%s\"", c->text);
			continue;
		}
		CHECK_STR(rp.server, c->server);
		CHECK_INT(rp.server_is_ipv6, c->ipv6);
		CHECK_INT(rp.port, c->port);
		CHECK_MEM(rp.lun, c->lun, 8);
		CHECK_STR(rp.target, c->target);

		char buf[ISCSI_ROOTPATH_MAX_LEN + 1];
		int n = iscsi_rootpath_format(&rp, buf, sizeof(buf));
		CHECK(n > 0 && (size_t)n == strlen(buf));
		CHECK_STR(buf, c->canonical);
		/* the canonical text reads back to the same struct */
		struct iscsi_rootpath again;
		CHECK_INT(iscsi_rootpath_parse(buf, &again), 0);
		CHECK(memcmp(&again.lun, &rp.lun, 8) == 0 && again.port == rp.port &&
		      again.server_is_ipv6 == rp.server_is_ipv6);
		CHECK_STR(again.server, rp.server);
		CHECK_STR(again.target, rp.target);
	}
}

struct error_case {
	const char *text;
	int rc;
};

static const struct error_case error_cases[] = {
	/* missing fields / prefix */
	{"", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:10.0.0.1", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:10.0.0.1:::", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:10.0.0.1::3260:0", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"http://10.0.0.1/x", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi//10.0.0.1::::t", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{" iscsi:h::::t", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:[fe80::1::::t", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:[fe80::1]x::::t", -WBE_ISCSI_ROOTPATH_SYNTAX},
	{"iscsi:[fe80::1]", -WBE_ISCSI_ROOTPATH_SYNTAX},
	/* server */
	{"iscsi:::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[fe80::1%eth0]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[1.2.3.4]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[1::2::3]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[1:2:3:4:5:6:7:8:9]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[1:2:3:4:5:6:7]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[12345::]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[::256.0.0.1]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:[::1:]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:ho st::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:user@host::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:host]::::t", -WBE_ISCSI_ROOTPATH_SERVER},
	/* protocol */
	{"iscsi:h:17:::t", -WBE_ISCSI_ROOTPATH_PROTOCOL},
	{"iscsi:h:06:::t", -WBE_ISCSI_ROOTPATH_PROTOCOL},
	{"iscsi:h:tcp:::t", -WBE_ISCSI_ROOTPATH_PROTOCOL},
	/* port */
	{"iscsi:h::0::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h::65536::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h::99999999999999999999::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h::-1::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h::+80::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h::0x50::t", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h:: 80::t", -WBE_ISCSI_ROOTPATH_PORT},
	/* LUN */
	{"iscsi:h:::0x1:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::12345:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::1-2-3-4-5:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::1--2:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::1-:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::-1:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::1-2-3-4-:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h:::g:t", -WBE_ISCSI_ROOTPATH_LUN},
	{"iscsi:h::: 1:t", -WBE_ISCSI_ROOTPATH_LUN},
	/* target */
	{"iscsi:h::::", -WBE_ISCSI_TARGET_NAME_EMPTY},
	{"iscsi:h::::iqn.x y", -WBE_ISCSI_TARGET_NAME_CHARS},
	{"iscsi:h::::iqn.x\n", -WBE_ISCSI_TARGET_NAME_CHARS},
	{"iscsi:h::::iqn.x\x7f", -WBE_ISCSI_TARGET_NAME_CHARS},
	/* fields are checked left to right: the first bad one decides */
	{"iscsi:h h:7:0:zz:", -WBE_ISCSI_ROOTPATH_SERVER},
	{"iscsi:h:7:0:zz:", -WBE_ISCSI_ROOTPATH_PROTOCOL},
	{"iscsi:h::0:zz:", -WBE_ISCSI_ROOTPATH_PORT},
	{"iscsi:h:::zz:", -WBE_ISCSI_ROOTPATH_LUN},
};

TEST(iscsi_rootpath_parse_errors)
{
	for (size_t i = 0; i < COUNT(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		struct iscsi_rootpath rp;
		memset(&rp, 0xa5, sizeof(rp));
		int rc = iscsi_rootpath_parse(c->text, &rp);
		if (rc != c->rc)
			test_fail(__FILE__, __LINE__, "\"%s\": rc %d, expected %d", c->text, rc, c->rc);
		/* @out is written only on success */
		CHECK(rp.port == 0xa5a5 && (uint8_t)rp.server[0] == 0xa5);
	}
	struct iscsi_rootpath rp;
	CHECK_INT(iscsi_rootpath_parse(NULL, &rp), -WBE_INVAL);
	CHECK_INT(iscsi_rootpath_parse("iscsi:h::::t", NULL), -WBE_INVAL);
}

/* Builds "iscsi:<server>::::<target>" with fields of the given lengths. */
static void make_text(char *buf, size_t server_len, size_t target_len)
{
	size_t n = 0;
	memcpy(buf, "iscsi:", 6);
	n = 6;
	memset(buf + n, 'a', server_len);
	n += server_len;
	memcpy(buf + n, "::::", 4);
	n += 4;
	memset(buf + n, 't', target_len);
	n += target_len;
	buf[n] = '\0';
}

TEST(iscsi_rootpath_length_limits)
{
	static char text[2048];
	struct iscsi_rootpath rp;

	/* target name: 223 bytes (RFC 7143 §4.2.7.1) is the limit */
	make_text(text, 1, ISCSI_TARGET_NAME_MAX_LEN);
	REQUIRE(iscsi_rootpath_parse(text, &rp) == 0);
	CHECK_INT(strlen(rp.target), ISCSI_TARGET_NAME_MAX_LEN);
	make_text(text, 1, ISCSI_TARGET_NAME_MAX_LEN + 1);
	CHECK_INT(iscsi_rootpath_parse(text, &rp), -WBE_ISCSI_TARGET_NAME_TOO_LONG);
	make_text(text, 1, 1500);
	CHECK_INT(iscsi_rootpath_parse(text, &rp), -WBE_ISCSI_TARGET_NAME_TOO_LONG);

	/* server: 255 bytes, the size of the field */
	make_text(text, ISCSI_SERVER_MAX_LEN, ISCSI_TARGET_NAME_MAX_LEN);
	REQUIRE(iscsi_rootpath_parse(text, &rp) == 0);
	CHECK_INT(strlen(rp.server), ISCSI_SERVER_MAX_LEN);
	/* the longest canonical text fits the documented bound */
	char buf[ISCSI_ROOTPATH_MAX_LEN + 1];
	int n = iscsi_rootpath_format(&rp, buf, sizeof(buf));
	CHECK(n > 0 && n <= ISCSI_ROOTPATH_MAX_LEN);
	make_text(text, ISCSI_SERVER_MAX_LEN + 1, 1);
	CHECK_INT(iscsi_rootpath_parse(text, &rp), -WBE_ISCSI_ROOTPATH_SERVER);
}

TEST(iscsi_rootpath_format_measure_and_truncate)
{
	struct iscsi_rootpath rp;
	REQUIRE(iscsi_rootpath_parse("iscsi:[::1]::::iqn.a:b", &rp) == 0);
	const char *full = "iscsi:[::1]::3260:0:iqn.a:b";
	CHECK_INT(iscsi_rootpath_format(&rp, NULL, 0), (int)strlen(full));
	char small[10];
	CHECK_INT(iscsi_rootpath_format(&rp, small, sizeof(small)), (int)strlen(full));
	CHECK_STR(small, "iscsi:[::");
}

TEST(iscsi_rootpath_format_rejects_what_would_not_parse)
{
	struct iscsi_rootpath rp;
	char buf[64] = "x";
	REQUIRE(iscsi_rootpath_parse("iscsi:h::::t", &rp) == 0);

	struct iscsi_rootpath bad = rp;
	bad.port = 0;
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_ROOTPATH_PORT);
	CHECK_STR(buf, "");

	bad = rp;
	bad.server[0] = '\0';
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_ROOTPATH_SERVER);
	bad = rp;
	memset(bad.server, 'a', sizeof(bad.server)); /* unterminated */
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_ROOTPATH_SERVER);
	bad = rp;
	strcpy(bad.server, "fe80::1"); /* colons need the IPv6 flag */
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_ROOTPATH_SERVER);
	bad.server_is_ipv6 = true;
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), (int)strlen("iscsi:[fe80::1]::3260:0:t"));
	bad = rp;
	bad.server_is_ipv6 = true; /* "h" is not an IPv6 address */
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_ROOTPATH_SERVER);

	bad = rp;
	bad.target[0] = '\0';
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_TARGET_NAME_EMPTY);
	bad = rp;
	memset(bad.target, 't', sizeof(bad.target)); /* unterminated */
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_TARGET_NAME_TOO_LONG);
	bad = rp;
	strcpy(bad.target, "a b");
	CHECK_INT(iscsi_rootpath_format(&bad, buf, sizeof(buf)), -WBE_ISCSI_TARGET_NAME_CHARS);

	CHECK_INT(iscsi_rootpath_format(NULL, buf, sizeof(buf)), -WBE_INVAL);
}
