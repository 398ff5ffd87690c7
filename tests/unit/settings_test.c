/* settings_test.c - tests for wireboot/settings.h: every setting type's parse and format with
 * their bounds, scopes, name parsing, lookup order, the read-only builtin scope, explicit
 * and kept types, the value size bound, iteration, and allocation failures. */
#include "wireboot/settings.h"

#include <stdint.h>

#include "test.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/registry.h"
#include "wireboot/system.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NO_TEXT NULL /* the format of a rejected parse is not checked */

struct type_case {
	const struct setting_type *type;
	const char *text;
	int rc;            /* parse result: raw length, or -WBE_SETTING_TYPE */
	const char *raw;   /* expected raw bytes (rc of them) */
	const char *shown; /* format of the raw bytes; NO_TEXT = same as @text */
};

#define T(type) &setting_type_##type
#define BAD -WBE_SETTING_TYPE

static const struct type_case type_cases[] = {
	/* string */
	{T(string), "hello", 5, "hello", NO_TEXT},
	{T(string), "", 0, "", NO_TEXT},
	{T(string), "with spaces and UTF-8 \xc3\xa9", 24, "with spaces and UTF-8 \xc3\xa9", NO_TEXT},
	/* ipv4: strict dotted decimal */
	{T(ipv4), "10.0.0.1", 4, "\x0a\x00\x00\x01", NO_TEXT},
	{T(ipv4), "0.0.0.0", 4, "\x00\x00\x00\x00", NO_TEXT},
	{T(ipv4), "255.255.255.255", 4, "\xff\xff\xff\xff", NO_TEXT},
	{T(ipv4), "192.168.100.254", 4, "\xc0\xa8\x64\xfe", NO_TEXT},
	{T(ipv4), "256.0.0.1", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.256", BAD, NULL, NULL},
	{T(ipv4), "1.2.3", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.4.", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.4.5", BAD, NULL, NULL},
	{T(ipv4), "01.2.3.4", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.04", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.00", BAD, NULL, NULL},
	{T(ipv4), "1000.2.3.4", BAD, NULL, NULL},
	{T(ipv4), "0x1.2.3.4", BAD, NULL, NULL},
	{T(ipv4), "1..3.4", BAD, NULL, NULL},
	{T(ipv4), ".1.2.3", BAD, NULL, NULL},
	{T(ipv4), " 1.2.3.4", BAD, NULL, NULL},
	{T(ipv4), "1.2.3.4 ", BAD, NULL, NULL},
	{T(ipv4), "-1.2.3.4", BAD, NULL, NULL},
	{T(ipv4), "16909060", BAD, NULL, NULL},
	{T(ipv4), "", BAD, NULL, NULL},
	/* int8 */
	{T(int8), "0", 1, "\x00", NO_TEXT},
	{T(int8), "127", 1, "\x7f", NO_TEXT},
	{T(int8), "-128", 1, "\x80", NO_TEXT},
	{T(int8), "-1", 1, "\xff", NO_TEXT},
	{T(int8), "-0", 1, "\x00", "0"},
	{T(int8), "007", 1, "\x07", "7"},
	{T(int8), "0x7f", 1, "\x7f", "127"},
	{T(int8), "0X10", 1, "\x10", "16"},
	{T(int8), "-0x80", 1, "\x80", "-128"},
	{T(int8), "128", BAD, NULL, NULL},
	{T(int8), "-129", BAD, NULL, NULL},
	{T(int8), "0x80", BAD, NULL, NULL},
	{T(int8), "", BAD, NULL, NULL},
	{T(int8), "-", BAD, NULL, NULL},
	{T(int8), "0x", BAD, NULL, NULL},
	{T(int8), "+1", BAD, NULL, NULL},
	{T(int8), " 1", BAD, NULL, NULL},
	{T(int8), "1 ", BAD, NULL, NULL},
	{T(int8), "12a", BAD, NULL, NULL},
	{T(int8), "--1", BAD, NULL, NULL},
	/* uint8 */
	{T(uint8), "255", 1, "\xff", NO_TEXT},
	{T(uint8), "0xff", 1, "\xff", "255"},
	{T(uint8), "256", BAD, NULL, NULL},
	{T(uint8), "0x100", BAD, NULL, NULL},
	{T(uint8), "-1", BAD, NULL, NULL},
	{T(uint8), "-0", BAD, NULL, NULL},
	/* int16, uint16: big-endian */
	{T(int16), "-32768", 2, "\x80\x00", NO_TEXT},
	{T(int16), "32767", 2, "\x7f\xff", NO_TEXT},
	{T(int16), "258", 2, "\x01\x02", NO_TEXT},
	{T(int16), "32768", BAD, NULL, NULL},
	{T(int16), "-32769", BAD, NULL, NULL},
	{T(uint16), "65535", 2, "\xff\xff", NO_TEXT},
	{T(uint16), "0x1234", 2, "\x12\x34", "4660"},
	{T(uint16), "65536", BAD, NULL, NULL},
	/* int32, uint32 */
	{T(int32), "-2147483648", 4, "\x80\x00\x00\x00", NO_TEXT},
	{T(int32), "2147483647", 4, "\x7f\xff\xff\xff", NO_TEXT},
	{T(int32), "-1", 4, "\xff\xff\xff\xff", NO_TEXT},
	{T(int32), "0x7fffffff", 4, "\x7f\xff\xff\xff", "2147483647"},
	{T(int32), "-0x80000000", 4, "\x80\x00\x00\x00", "-2147483648"},
	{T(int32), "2147483648", BAD, NULL, NULL},
	{T(int32), "-2147483649", BAD, NULL, NULL},
	{T(int32), "0x80000000", BAD, NULL, NULL},
	{T(uint32), "4294967295", 4, "\xff\xff\xff\xff", NO_TEXT},
	{T(uint32), "0xffffffff", 4, "\xff\xff\xff\xff", "4294967295"},
	{T(uint32), "0xFFFFFFFF", 4, "\xff\xff\xff\xff", "4294967295"},
	{T(uint32), "16909060", 4, "\x01\x02\x03\x04", NO_TEXT},
	{T(uint32), "0", 4, "\x00\x00\x00\x00", NO_TEXT},
	{T(uint32), "4294967296", BAD, NULL, NULL},
	{T(uint32), "0x100000000", BAD, NULL, NULL},
	{T(uint32), "99999999999999999999999", BAD, NULL, NULL},
	{T(uint32), "0x00000000000000000001", 4, "\x00\x00\x00\x01", "1"},
	/* hex: colon-separated byte pairs */
	{T(hex), "52:54:00:12:34:56", 6, "\x52\x54\x00\x12\x34\x56", NO_TEXT},
	{T(hex), "AB:cd:Ef", 3, "\xab\xcd\xef", "ab:cd:ef"},
	{T(hex), "00", 1, "\x00", NO_TEXT},
	{T(hex), "", 0, "", NO_TEXT},
	{T(hex), "1", BAD, NULL, NULL},
	{T(hex), "123", BAD, NULL, NULL},
	{T(hex), "12:3", BAD, NULL, NULL},
	{T(hex), "12:345", BAD, NULL, NULL},
	{T(hex), "12:", BAD, NULL, NULL},
	{T(hex), ":12", BAD, NULL, NULL},
	{T(hex), "12::34", BAD, NULL, NULL},
	{T(hex), "12-34", BAD, NULL, NULL},
	{T(hex), "1234", BAD, NULL, NULL},
	{T(hex), "1g", BAD, NULL, NULL},
	{T(hex), "12 34", BAD, NULL, NULL},
	/* hexhyp */
	{T(hexhyp), "52-54-00-12-34-56", 6, "\x52\x54\x00\x12\x34\x56", NO_TEXT},
	{T(hexhyp), "FF", 1, "\xff", "ff"},
	{T(hexhyp), "52:54", BAD, NULL, NULL},
	{T(hexhyp), "5-2", BAD, NULL, NULL},
	{T(hexhyp), "52-", BAD, NULL, NULL},
	/* hexraw */
	{T(hexraw), "525400123456", 6, "\x52\x54\x00\x12\x34\x56", NO_TEXT},
	{T(hexraw), "DEADbeef", 4, "\xde\xad\xbe\xef", "deadbeef"},
	{T(hexraw), "", 0, "", NO_TEXT},
	{T(hexraw), "52540", BAD, NULL, NULL},
	{T(hexraw), "5", BAD, NULL, NULL},
	{T(hexraw), "52:54", BAD, NULL, NULL},
	{T(hexraw), "0x12", BAD, NULL, NULL},
};

TEST(settings_type_parse_format_table)
{
	for (size_t i = 0; i < COUNT(type_cases); i++) {
		const struct type_case *c = &type_cases[i];
		uint8_t raw[64];
		memset(raw, 0xee, sizeof(raw));
		int rc = c->type->parse(c->text, raw, sizeof(raw));
		if (rc != c->rc) {
			test_fail(__FILE__, __LINE__, "%s parse \"%s\" = %d, expected %d", c->type->name, c->text, rc,
				  c->rc);
			continue;
		}
		if (rc < 0)
			continue;
		if (memcmp(raw, c->raw, (size_t)rc) != 0)
			test_fail(__FILE__, __LINE__, "%s parse \"%s\": wrong raw bytes", c->type->name, c->text);
		CHECK_INT(raw[rc], 0xee); /* nothing written past the value */
		char text[128];
		const char *expect = c->shown ? c->shown : c->text;
		int n = c->type->format(raw, (size_t)rc, text, sizeof(text));
		CHECK_INT(n, strlen(expect));
		if (strcmp(text, expect) != 0)
			test_fail(__FILE__, __LINE__, "%s format of \"%s\" = \"%s\", expected \"%s\"", c->type->name,
				  c->text, text, expect);
		/* the formatted text parses back to the same bytes */
		uint8_t again[64];
		CHECK_INT(c->type->parse(text, again, sizeof(again)), rc);
		CHECK_MEM(again, raw, (size_t)rc);
	}
}

TEST(settings_type_parse_small_buffer)
{
	/* parse reports the length it needs and never writes past @size */
	static const struct {
		const struct setting_type *type;
		const char *text;
		int need;
	} cases[] = {
		{T(string), "abcdef", 6}, {T(ipv4), "1.2.3.4", 4}, {T(hex), "01:02:03:04", 4},
		{T(hexhyp), "01-02-03", 3}, {T(hexraw), "0102030405", 5}, {T(uint32), "7", 4},
		{T(int16), "-2", 2},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		for (size_t size = 0; size < (size_t)cases[i].need; size++) {
			uint8_t raw[8];
			memset(raw, 0xee, sizeof(raw));
			CHECK_INT(cases[i].type->parse(cases[i].text, raw, size), cases[i].need);
			for (size_t k = size; k < sizeof(raw); k++)
				CHECK_INT(raw[k], 0xee);
		}
	}
}

struct format_case {
	const struct setting_type *type;
	const char *raw;
	size_t raw_len;
	int rc;
	const char *text;
};

static const struct format_case format_cases[] = {
	/* raw values of other lengths (from DHCP) */
	{T(ipv4), "\x01\x02\x03", 3, BAD, NULL},
	{T(ipv4), "\x01\x02\x03\x04\x05", 5, BAD, NULL},
	{T(ipv4), "", 0, BAD, NULL},
	{T(int32), "\xff\xfe", 2, 2, "-2"}, /* signed: the top bit of the first byte */
	{T(uint32), "\xff\xfe", 2, 5, "65534"},
	{T(uint8), "\x01\x00", 2, 3, "256"},
	{T(int8), "\x80\x00", 2, 6, "-32768"},
	{T(int32), "\x80\x00\x00\x00\x00\x00\x00\x00", 8, 20, "-9223372036854775808"},
	{T(uint32), "\xff\xff\xff\xff\xff\xff\xff\xff", 8, 20, "18446744073709551615"},
	{T(int32), "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 9, BAD, NULL},
	{T(uint16), "", 0, BAD, NULL},
	{T(string), "ab\0cd", 5, 2, "ab"}, /* a NUL ends the text */
	{T(hex), "", 0, 0, ""},
	{T(hexraw), "\x00\xff", 2, 4, "00ff"},
};

TEST(settings_type_format_table)
{
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		char text[64];
		int rc = c->type->format((const uint8_t *)c->raw, c->raw_len, text, sizeof(text));
		if (rc != c->rc) {
			test_fail(__FILE__, __LINE__, "case %zu: %s format = %d, expected %d", i, c->type->name, rc,
				  c->rc);
			continue;
		}
		if (rc >= 0)
			CHECK_STR(text, c->text);
	}
}

TEST(settings_type_format_truncation)
{
	static const struct {
		const struct setting_type *type;
		const char *raw;
		size_t raw_len;
		const char *full;
	} cases[] = {
		{T(string), "hello", 5, "hello"},
		{T(ipv4), "\x0a\x00\x00\x01", 4, "10.0.0.1"},
		{T(hex), "\x52\x54\x00", 3, "52:54:00"},
		{T(hexhyp), "\x52\x54\x00", 3, "52-54-00"},
		{T(hexraw), "\x52\x54\x00", 3, "525400"},
		{T(int32), "\xff\xff\xff\x85", 4, "-123"},
		{T(uint16), "\x30\x39", 2, "12345"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		int need = (int)strlen(cases[i].full);
		CHECK_INT(cases[i].type->format((const uint8_t *)cases[i].raw, cases[i].raw_len, NULL, 0), need);
		for (size_t len = 1; len <= (size_t)need + 1; len++) {
			char buf[32];
			memset(buf, '#', sizeof(buf));
			CHECK_INT(cases[i].type->format((const uint8_t *)cases[i].raw, cases[i].raw_len, buf, len),
				  need);
			size_t kept = len - 1;
			CHECK_INT(strlen(buf), kept);
			CHECK(strncmp(buf, cases[i].full, kept) == 0);
			CHECK_INT(buf[len], '#');
		}
	}
}

TEST(settings_hex_round_trips)
{
	const struct setting_type *types[] = {T(hex), T(hexhyp), T(hexraw)};
	uint8_t bytes[256];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 167 + 13);
	for (size_t t = 0; t < COUNT(types); t++) {
		for (size_t len = 0; len <= sizeof(bytes); len += len < 8 ? 1 : 31) {
			char text[1024];
			int n = types[t]->format(bytes, len, text, sizeof(text));
			CHECK_INT(n, len * 2 + (t < 2 && len ? len - 1 : 0));
			uint8_t back[256];
			CHECK_INT(types[t]->parse(text, back, sizeof(back)), len);
			CHECK_MEM(back, bytes, len);
		}
	}
	/* the text of one hex type is not accepted by another */
	uint8_t raw[8];
	CHECK_INT(setting_type_hex.parse("01-02", raw, sizeof(raw)), BAD);
	CHECK_INT(setting_type_hexhyp.parse("01:02", raw, sizeof(raw)), BAD);
	CHECK_INT(setting_type_hexraw.parse("01:02", raw, sizeof(raw)), BAD);
}

TEST(settings_type_find_all)
{
	static const char *const names[] = {"string", "ipv4",  "hex",    "hexhyp", "hexraw", "int8",
					    "int16",  "int32", "uint8",  "uint16", "uint32"};
	for (size_t i = 0; i < COUNT(names); i++) {
		const struct setting_type *t = setting_type_find(names[i]);
		REQUIRE(t);
		CHECK_STR(t->name, names[i]);
		CHECK(t->parse && t->format);
	}
	CHECK(setting_type_find("") == NULL);
	CHECK(setting_type_find("int64") == NULL);
	CHECK(setting_type_find("IPV4") == NULL);
	CHECK(setting_type_find("ipv6") == NULL);
}

/* ---- the store ------------------------------------------------------------------------- */

static int init(struct settings *s)
{
	return settings_init(s, "test", "testarch", WIREBOOT_VERSION);
}

/* fetch_text into a static buffer; returns "(rc N)" on error */
static const char *text_of(struct settings *s, const char *name)
{
	static char buf[256];
	int rc = settings_fetch_text(s, name, buf, sizeof(buf));
	if (rc < 0)
		snprintf(buf, sizeof(buf), "(rc %d)", rc);
	return buf;
}

TEST(settings_builtin_scope)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	REQUIRE(s.builtin);
	CHECK(s.builtin->readonly);
	CHECK(settings_scope_find(&s, "builtin") == s.builtin);
	CHECK_STR(text_of(&s, "platform"), "test");
	CHECK_STR(text_of(&s, "buildarch"), "testarch");
	CHECK_STR(text_of(&s, "version"), WIREBOOT_VERSION);
	CHECK_STR(text_of(&s, "builtin/platform"), "test");
	CHECK_STR(text_of(&s, "builtin/version:hex"), "30:2e:31:2e:30");

	/* users cannot change it */
	CHECK_INT(settings_store_text(&s, "builtin/platform", "efi"), -WBE_SETTING_READONLY);
	CHECK_INT(settings_store_text(&s, "builtin/new", "x"), -WBE_SETTING_READONLY);
	struct setting_name name;
	REQUIRE(settings_parse_name(&s, "builtin/version", &name) == 0);
	CHECK_INT(settings_store(&s, &name, "9", 1), -WBE_SETTING_READONLY);
	CHECK_INT(settings_clear(&s, &name), -WBE_SETTING_READONLY);
	CHECK_STR(text_of(&s, "builtin/platform"), "test");
	CHECK_STR(text_of(&s, "version"), WIREBOOT_VERSION);

	/* an unscoped store goes to the root and shadows the builtin for unscoped fetches */
	CHECK_INT(settings_store_text(&s, "platform", "mine"), 0);
	CHECK_STR(text_of(&s, "platform"), "mine");
	CHECK_STR(text_of(&s, "builtin/platform"), "test");
	/* the owner can still put into its read-only scope */
	CHECK_INT(settings_scope_put(s.builtin, "extra", NULL, "v", 1), 0);
	CHECK_STR(text_of(&s, "builtin/extra"), "v");
	settings_fini(&s);
	CHECK(s.builtin == NULL);
}

TEST(settings_scopes_create_find_destroy)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *net0 = NULL, *dhcp = NULL, *other = NULL, *tmp = NULL;
	CHECK_INT(settings_scope_create(&s, NULL, "net0", &net0), 0);
	REQUIRE(net0);
	CHECK(net0->parent == &s.root);
	CHECK_STR(net0->name, "net0");
	CHECK_INT(settings_scope_create(&s, net0, "dhcp", &dhcp), 0);
	REQUIRE(dhcp);
	CHECK(dhcp->parent == net0);
	CHECK_INT(settings_scope_create(&s, NULL, "dhcp", &other), 0); /* same name, other parent */
	CHECK(other && other != dhcp);

	tmp = NULL;
	CHECK_INT(settings_scope_create(&s, NULL, "net0", &tmp), -WBE_EXIST);
	CHECK_INT(settings_scope_create(&s, net0, "dhcp", &tmp), -WBE_EXIST);
	CHECK_INT(settings_scope_create(&s, NULL, "builtin", &tmp), -WBE_EXIST);
	CHECK(tmp == NULL); /* *out untouched on failure */

	static const char *const bad_names[] = {"", "a.b", ".", "a/b", "a b", "a:b", "ä",
						"0123456789012345678901234567890123456789012345678901234567890123"};
	for (size_t i = 0; i < COUNT(bad_names); i++)
		CHECK_INT(settings_scope_create(&s, NULL, bad_names[i], &tmp), -WBE_SETTING_NAME);
	CHECK(tmp == NULL);
	struct settings_scope *longest = NULL;
	CHECK_INT(settings_scope_create(&s, NULL, "012345678901234567890123456789012345678901234567890123456789012",
					&longest),
		  0);

	CHECK(settings_scope_find(&s, "net0") == net0);
	CHECK(settings_scope_find(&s, "net0.dhcp") == dhcp);
	CHECK(settings_scope_find(&s, "dhcp") == other);
	CHECK(settings_scope_find(&s, "net1") == NULL);
	CHECK(settings_scope_find(&s, "net0.nope") == NULL);
	CHECK(settings_scope_find(&s, "nope.dhcp") == NULL);
	CHECK(settings_scope_find(&s, "") == NULL); /* the root is not a named scope */
	CHECK(settings_scope_find(&s, "net0..dhcp") == NULL);
	CHECK(settings_scope_find(&s, ".net0") == NULL);

	/* destroying a scope frees its values and children (the leak check proves it) */
	CHECK_INT(settings_store_text(&s, "net0/ip:ipv4", "10.0.0.1"), 0);
	CHECK_INT(settings_store_text(&s, "net0.dhcp/lease:uint32", "3600"), 0);
	settings_scope_destroy(net0);
	CHECK(settings_scope_find(&s, "net0") == NULL);
	CHECK(settings_scope_find(&s, "net0.dhcp") == NULL);
	CHECK_STR(text_of(&s, "ip"), "(rc -769)"); /* -WBE_SETTING_UNKNOWN */
	settings_scope_destroy(NULL);
	/* the name is free again */
	CHECK_INT(settings_scope_create(&s, NULL, "net0", &net0), 0);
	settings_fini(&s); /* frees the rest */
}

TEST(settings_parse_name_table)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *net0, *dhcp;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	REQUIRE(settings_scope_create(&s, net0, "dhcp", &dhcp) == 0);
	static const struct {
		const char *text;
		int rc;
		const char *scope; /* expected scope name, NULL = unscoped */
		const char *name;
		const char *type; /* NULL = none */
	} cases[] = {
		{"ip", 0, NULL, "ip", NULL},
		{"net0/ip", 0, "net0", "ip", NULL},
		{"net0/mac:hexhyp", 0, "net0", "mac", "hexhyp"},
		{"net0.dhcp/lease:uint32", 0, "dhcp", "lease", "uint32"},
		{"ip:ipv4", 0, NULL, "ip", "ipv4"},
		{"builtin/version", 0, "builtin", "version", NULL},
		{"next-server", 0, NULL, "next-server", NULL},
		{"user_class.x", 0, NULL, "user_class.x", NULL},
		{"012345678901234567890123456789012345678901234567890123456789012", 0, NULL,
		 "012345678901234567890123456789012345678901234567890123456789012", NULL},
		{"0123456789012345678901234567890123456789012345678901234567890123", -WBE_SETTING_NAME, NULL, NULL,
		 NULL},
		{"nope/ip", -WBE_SETTING_SCOPE, NULL, NULL, NULL},
		{"net0.nope/ip", -WBE_SETTING_SCOPE, NULL, NULL, NULL},
		{"ip:nope", -WBE_SETTING_TYPE, NULL, NULL, NULL},
		{"ip:", -WBE_SETTING_TYPE, NULL, NULL, NULL},
		{"", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"/ip", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"net0/", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"net0/:ipv4", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{":ipv4", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"a b", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"a/b/c", -WBE_SETTING_NAME, NULL, NULL, NULL},
		{"ip$", -WBE_SETTING_NAME, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct setting_name out;
		int rc = settings_parse_name(&s, cases[i].text, &out);
		if (rc != cases[i].rc) {
			test_fail(__FILE__, __LINE__, "parse \"%s\" = %d, expected %d", cases[i].text, rc, cases[i].rc);
			continue;
		}
		if (rc)
			continue;
		CHECK_STR(out.name, cases[i].name);
		if (cases[i].scope)
			CHECK(out.scope && strcmp(out.scope->name, cases[i].scope) == 0);
		else
			CHECK(out.scope == NULL);
		if (cases[i].type)
			CHECK(out.type && strcmp(out.type->name, cases[i].type) == 0);
		else
			CHECK(out.type == NULL);
	}
	settings_fini(&s);
}

TEST(settings_unscoped_lookup_order)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *a, *ab, *c;
	REQUIRE(settings_scope_create(&s, NULL, "a", &a) == 0);
	REQUIRE(settings_scope_create(&s, a, "b", &ab) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "c", &c) == 0);
	/* depth-first in creation order: root, builtin, a, a.b, c */
	CHECK_INT(settings_store_text(&s, "c/x", "from c"), 0);
	CHECK_STR(text_of(&s, "x"), "from c");
	CHECK_INT(settings_store_text(&s, "a.b/x", "from a.b"), 0);
	CHECK_STR(text_of(&s, "x"), "from a.b");
	CHECK_INT(settings_store_text(&s, "a/x", "from a"), 0);
	CHECK_STR(text_of(&s, "x"), "from a");
	CHECK_INT(settings_store_text(&s, "x", "from root"), 0);
	CHECK_STR(text_of(&s, "x"), "from root");
	/* scoped fetches search the scope, then its children: never the parent or siblings */
	CHECK_STR(text_of(&s, "c/x"), "from c");
	CHECK_STR(text_of(&s, "a.b/x"), "from a.b");
	CHECK_STR(text_of(&s, "a/x"), "from a");
	CHECK_STR(text_of(&s, "a/y"), "(rc -769)");
	CHECK_INT(settings_store_text(&s, "y", "root only"), 0);
	CHECK_STR(text_of(&s, "a/y"), "(rc -769)");
	CHECK_STR(text_of(&s, "a.b/y"), "(rc -769)");
	CHECK_INT(settings_store_text(&s, "a.b/z", "deep"), 0);
	CHECK_STR(text_of(&s, "a/z"), "deep");
	CHECK_STR(text_of(&s, "c/z"), "(rc -769)");
	/* clearing uncovers the next one in order */
	struct setting_name n;
	REQUIRE(settings_parse_name(&s, "x", &n) == 0);
	CHECK_INT(settings_clear(&s, &n), 0);
	CHECK_STR(text_of(&s, "x"), "from a");
	CHECK_INT(settings_clear(&s, &n), 0); /* clearing what is not set is fine */
	REQUIRE(settings_parse_name(&s, "a/x", &n) == 0);
	CHECK_INT(settings_clear(&s, &n), 0);
	CHECK_STR(text_of(&s, "x"), "from a.b");
	CHECK_STR(text_of(&s, "a/x"), "from a.b"); /* found in the child now */
	CHECK_INT(settings_clear(&s, &n), 0);      /* clearing is exact: a.b/x stays */
	CHECK_STR(text_of(&s, "a.b/x"), "from a.b");
	settings_scope_destroy(ab);
	CHECK_STR(text_of(&s, "x"), "from c");
	settings_fini(&s);
}

TEST(settings_explicit_and_kept_types)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	const struct setting_type *type = NULL;
	struct setting_name n;
	uint8_t raw[16];

	CHECK_INT(settings_store_text(&s, "n:uint16", "258"), 0);
	REQUIRE(settings_parse_name(&s, "n", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 2);
	CHECK(type == &setting_type_uint16);
	CHECK_MEM(raw, "\x01\x02", 2);
	CHECK_STR(text_of(&s, "n"), "258");
	/* an explicit type on fetch only changes how it is shown */
	CHECK_STR(text_of(&s, "n:hex"), "01:02");
	CHECK_STR(text_of(&s, "n:hexraw"), "0102");
	CHECK_STR(text_of(&s, "n:int8"), "258");
	CHECK_STR(text_of(&s, "n:ipv4"), "(rc -770)"); /* -WBE_SETTING_TYPE: 2 bytes are no address */
	CHECK_STR(text_of(&s, "n:string"), "\x01\x02");

	/* a store without a type keeps the stored one */
	CHECK_INT(settings_store_text(&s, "n", "65535"), 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 2);
	CHECK(type == &setting_type_uint16);
	CHECK_INT(settings_store_text(&s, "n", "65536"), -WBE_SETTING_TYPE);
	CHECK_INT(settings_store_text(&s, "n", "abc"), -WBE_SETTING_TYPE);
	CHECK_STR(text_of(&s, "n"), "65535"); /* a failed store changes nothing */
	/* an explicit type replaces it */
	CHECK_INT(settings_store_text(&s, "n:string", "abc"), 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 3);
	CHECK(type == &setting_type_string);
	CHECK_INT(settings_store_text(&s, "n", "65536"), 0);
	CHECK_STR(text_of(&s, "n"), "65536");

	/* no type, no entry: the registered definition's type (mac is hex), else string */
	CHECK_INT(settings_store_text(&s, "mac", "52:54:00:12:34:56"), 0);
	CHECK_STR(text_of(&s, "mac:hexhyp"), "52-54-00-12-34-56");
	REQUIRE(settings_parse_name(&s, "mac", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 6);
	CHECK(type == &setting_type_hex);
	CHECK_INT(settings_store_text(&s, "mac", "not hex"), -WBE_SETTING_TYPE);
	CHECK_INT(settings_store_text(&s, "fresh", "10.0.0.1"), 0);
	REQUIRE(settings_parse_name(&s, "fresh", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 8);
	CHECK(type == &setting_type_string);

	/* settings_scope_put() with a NULL type follows the same rules */
	CHECK_INT(settings_scope_put(&s.root, "mac", NULL, "\x01\x02", 2), 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 8); /* n is still "fresh" */
	REQUIRE(settings_parse_name(&s, "mac", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 2);
	CHECK(type == &setting_type_hex);
	CHECK_INT(settings_scope_put(&s.root, "p", NULL, "x", 1), 0);
	REQUIRE(settings_parse_name(&s, "p", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, raw, sizeof(raw), &type), 1);
	CHECK(type == &setting_type_string);
	CHECK_INT(settings_scope_put(&s.root, "bad name", NULL, "x", 1), -WBE_SETTING_NAME);
	CHECK_INT(settings_scope_put(&s.root, "", NULL, "x", 1), -WBE_SETTING_NAME);
	settings_fini(&s);
}

TEST(settings_fetch_sizes)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	CHECK_INT(settings_store_text(&s, "v", "abcdef"), 0);
	struct setting_name n;
	REQUIRE(settings_parse_name(&s, "v", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, NULL, 0, NULL), 6); /* length only */
	char buf[8];
	memset(buf, '#', sizeof(buf));
	CHECK_INT(settings_fetch(&s, &n, buf, 3, NULL), 6);
	CHECK_MEM(buf, "abc#", 4);
	REQUIRE(settings_parse_name(&s, "unset", &n) == 0);
	CHECK_INT(settings_fetch(&s, &n, buf, sizeof(buf), NULL), -WBE_SETTING_UNKNOWN);
	/* fetch_text: snprintf style */
	char small[4];
	CHECK_INT(settings_fetch_text(&s, "v", small, sizeof(small)), 6);
	CHECK_STR(small, "abc");
	CHECK_INT(settings_fetch_text(&s, "v", NULL, 0), 6);
	CHECK_INT(settings_fetch_text(&s, "nope/v", small, sizeof(small)), -WBE_SETTING_SCOPE);
	CHECK_INT(settings_fetch_text(&s, "v:nope", small, sizeof(small)), -WBE_SETTING_TYPE);
	CHECK_INT(settings_fetch_text(&s, "unset", small, sizeof(small)), -WBE_SETTING_UNKNOWN);
	CHECK_INT(settings_store_text(&s, "nope/v", "x"), -WBE_SETTING_SCOPE);
	CHECK_INT(settings_store_text(&s, "v:nope", "x"), -WBE_SETTING_TYPE);
	CHECK_INT(settings_store_text(&s, "bad name", "x"), -WBE_SETTING_NAME);
	settings_fini(&s);
}

TEST(settings_value_max_bound)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	uint8_t *big = wb_malloc(SETTING_VALUE_MAX + 1);
	REQUIRE(big);
	for (size_t i = 0; i <= SETTING_VALUE_MAX; i++)
		big[i] = (uint8_t)i;
	CHECK_INT(settings_scope_put(&s.root, "big", &setting_type_hexraw, big, SETTING_VALUE_MAX), 0);
	CHECK_INT(settings_scope_put(&s.root, "big", &setting_type_hexraw, big, SETTING_VALUE_MAX + 1), -WBE_RANGE);
	struct setting_name n;
	REQUIRE(settings_parse_name(&s, "big", &n) == 0);
	CHECK_INT(settings_store(&s, &n, big, SETTING_VALUE_MAX + 1), -WBE_RANGE);
	uint8_t *back = wb_malloc(SETTING_VALUE_MAX);
	REQUIRE(back);
	CHECK_INT(settings_fetch(&s, &n, back, SETTING_VALUE_MAX, NULL), SETTING_VALUE_MAX);
	CHECK_MEM(back, big, SETTING_VALUE_MAX);
	/* its text is 8192 hex digits */
	CHECK_INT(settings_fetch_text(&s, "big", NULL, 0), 2 * SETTING_VALUE_MAX);
	CHECK_INT(settings_fetch_text(&s, "big:hex", NULL, 0), 3 * SETTING_VALUE_MAX - 1);

	/* through the text path: exactly the bound stores, one more is out of range */
	char *text = wb_malloc(2 * SETTING_VALUE_MAX + 3);
	REQUIRE(text);
	memset(text, 'a', SETTING_VALUE_MAX + 1);
	text[SETTING_VALUE_MAX] = '\0';
	CHECK_INT(settings_store_text(&s, "s:string", text), 0);
	CHECK_INT(settings_fetch_text(&s, "s", NULL, 0), SETTING_VALUE_MAX);
	text[SETTING_VALUE_MAX] = 'a';
	text[SETTING_VALUE_MAX + 1] = '\0';
	CHECK_INT(settings_store_text(&s, "s:string", text), -WBE_RANGE);
	memset(text, 'f', 2 * SETTING_VALUE_MAX);
	text[2 * SETTING_VALUE_MAX] = '\0';
	CHECK_INT(settings_store_text(&s, "h:hexraw", text), 0);
	CHECK_INT(settings_fetch_text(&s, "h", NULL, 0), 2 * SETTING_VALUE_MAX);
	strcpy(text + 2 * SETTING_VALUE_MAX, "ff");
	CHECK_INT(settings_store_text(&s, "h:hexraw", text), -WBE_RANGE);
	CHECK_INT(settings_fetch_text(&s, "s", NULL, 0), SETTING_VALUE_MAX); /* unchanged */
	wb_free(text);
	wb_free(back);
	wb_free(big);
	settings_fini(&s);
}

/* settings_for_each: "path|name|type|len" lines */
struct walk {
	char text[1024];
	size_t len;
	int stop_at; /* return 7 from this call (1-based), 0 never */
	int calls;
};

static int walk_one(void *ctx, const char *scope_path, const char *name, const struct setting_type *type,
		    const uint8_t *raw, size_t len)
{
	struct walk *w = ctx;
	(void)raw;
	w->calls++;
	w->len += (size_t)snprintf(w->text + w->len, sizeof(w->text) - w->len, "%s|%s|%s|%zu\n", scope_path, name,
				   type->name, len);
	return w->calls == w->stop_at ? 7 : 0;
}

TEST(settings_for_each_paths)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *net0, *dhcp, *net1;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	REQUIRE(settings_scope_create(&s, net0, "dhcp", &dhcp) == 0);
	REQUIRE(settings_scope_create(&s, NULL, "net1", &net1) == 0);
	CHECK_INT(settings_store_text(&s, "net1/mac", "00:11"), 0);
	CHECK_INT(settings_store_text(&s, "net0.dhcp/lease:uint32", "60"), 0);
	CHECK_INT(settings_store_text(&s, "net0/ip:ipv4", "10.0.0.2"), 0);
	CHECK_INT(settings_store_text(&s, "b", "x"), 0);
	CHECK_INT(settings_store_text(&s, "a", "yy"), 0);
	CHECK_INT(settings_store_text(&s, "b", "zzz"), 0); /* replaced in place: keeps its position */
	struct walk w = {0};
	CHECK_INT(settings_for_each(&s, walk_one, &w), 0);
	CHECK_STR(w.text, "|b|string|3\n"
			  "|a|string|2\n"
			  "builtin|platform|string|4\n"
			  "builtin|buildarch|string|8\n"
			  "builtin|version|string|5\n"
			  "net0|ip|ipv4|4\n"
			  "net0.dhcp|lease|uint32|4\n"
			  "net1|mac|hex|2\n");
	struct walk stop = {0};
	stop.stop_at = 3;
	CHECK_INT(settings_for_each(&s, walk_one, &stop), 7);
	CHECK_INT(stop.calls, 3);
	settings_fini(&s);
}

TEST(settings_secret_and_defs)
{
	const struct setting_def *mac = setting_def_find("mac");
	REQUIRE(mac);
	CHECK(mac->type == &setting_type_hex);
	CHECK(!mac->secret);
	CHECK(!settings_is_secret("mac"));
	CHECK(setting_def_find("no-such-setting") == NULL);
	CHECK(!settings_is_secret("no-such-setting"));
	/* every registered definition is well formed */
	for (const struct setting_def *const *d = registry_setting_defs; *d; d++) {
		CHECK((*d)->name && (*d)->name[0]);
		CHECK((*d)->type != NULL);
		CHECK((*d)->description && (*d)->description[0]);
		CHECK(setting_def_find((*d)->name) == *d);
	}
}

TEST(settings_init_alloc_failures)
{
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct settings s;
		int rc = init(&s);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			continue;
		}
		CHECK_STR(text_of(&s, "builtin/version"), WIREBOOT_VERSION);
		settings_fini(&s);
	}
}

TEST(settings_store_alloc_failures)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *net0;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	REQUIRE(settings_store_text(&s, "net0/ip:ipv4", "10.0.0.1") == 0);
	FOR_EACH_ALLOC_FAILURE(i)
	{
		int rc = settings_store_text(&s, "net0/ip", "10.0.0.2");
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			CHECK_STR(text_of(&s, "net0/ip"), "10.0.0.1"); /* a failed store changes nothing */
		} else {
			malloc_fail_after(-1, 0); /* no failure happened: disarm before restoring */
			CHECK_STR(text_of(&s, "net0/ip"), "10.0.0.2");
			REQUIRE(settings_store_text(&s, "net0/ip", "10.0.0.1") == 0);
		}
	}
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct settings_scope *scope = NULL;
		int rc = settings_scope_create(&s, net0, "dhcp", &scope);
		if (rc) {
			CHECK_INT(rc, -WBE_NOMEM);
			CHECK(scope == NULL);
			continue;
		}
		rc = settings_store_text(&s, "net0.dhcp/x", "1");
		CHECK(rc == 0 || rc == -WBE_NOMEM);
		settings_scope_destroy(scope);
	}
	settings_fini(&s);
}

TEST(settings_generation_changes_on_every_change)
{
	struct settings s;
	REQUIRE(init(&s) == 0);
	struct settings_scope *net0;
	REQUIRE(settings_scope_create(&s, NULL, "net0", &net0) == 0);
	unsigned long g = settings_generation(&s);
	CHECK_INT(settings_store_text(&s, "net0/ip:ipv4", "10.0.0.1"), 0);
	CHECK(settings_generation(&s) != g);
	g = settings_generation(&s);
	/* reads and refused changes leave it alone */
	text_of(&s, "net0/ip");
	CHECK_INT(settings_store_text(&s, "net0/ip", "bad"), -WBE_SETTING_TYPE);
	CHECK_INT(settings_store_text(&s, "builtin/platform", "x"), -WBE_SETTING_READONLY);
	struct setting_name n;
	REQUIRE(settings_parse_name(&s, "net0/unset", &n) == 0);
	CHECK_INT(settings_clear(&s, &n), 0);
	CHECK_INT(settings_generation(&s), g);
	/* a clear and a scope destruction change it */
	REQUIRE(settings_parse_name(&s, "net0/ip", &n) == 0);
	CHECK_INT(settings_clear(&s, &n), 0);
	CHECK(settings_generation(&s) != g);
	g = settings_generation(&s);
	settings_scope_destroy(net0);
	CHECK(settings_generation(&s) != g);
	settings_fini(&s);
}
