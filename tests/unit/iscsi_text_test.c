/* iscsi_text_test.c - tests for wireboot/iscsi_text.h: key=value segment parsing and
 * building (RFC 7143 §6.1), the value helpers, and negotiation per key semantics (§13). */
#include "wireboot/iscsi_text.h"

#include "test.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* A segment literal without the NUL the C compiler adds (it is not part of the segment). */
#define SEG(s) (s), (sizeof(s) - 1)

static bool pair_is(const struct iscsi_text_pair *p, const char *key, const char *value)
{
	return p->key_len == strlen(key) && memcmp(p->key, key, p->key_len) == 0 &&
	       p->value_len == strlen(value) && strcmp(p->value, value) == 0;
}

TEST(iscsi_text_parse_pairs)
{
	static struct iscsi_text t;
	CHECK_INT(iscsi_text_parse(SEG("HeaderDigest=None\0MaxBurstLength=262144\0TargetAlias=a=b\0"
				       "X-com.example.Opt=\0X#org.iana.Key=1\0"),
				   &t),
		  0);
	REQUIRE(t.count == 5);
	CHECK(pair_is(&t.pairs[0], "HeaderDigest", "None"));
	CHECK(pair_is(&t.pairs[1], "MaxBurstLength", "262144"));
	CHECK(pair_is(&t.pairs[2], "TargetAlias", "a=b")); /* the first '=' splits */
	CHECK(pair_is(&t.pairs[3], "X-com.example.Opt", ""));
	CHECK(pair_is(&t.pairs[4], "X#org.iana.Key", "1"));
	CHECK_STR(iscsi_text_get(&t, "MaxBurstLength"), "262144");
	CHECK_STR(iscsi_text_get(&t, "X-com.example.Opt"), "");
	CHECK(iscsi_text_get(&t, "MaxBurst") == NULL);
	CHECK(iscsi_text_get(&t, "maxburstlength") == NULL); /* keys are case-sensitive */
	CHECK(iscsi_text_get(&t, "") == NULL);
}

TEST(iscsi_text_parse_empty_and_padding)
{
	static struct iscsi_text t;
	t.count = 99;
	CHECK_INT(iscsi_text_parse(NULL, 0, &t), 0);
	CHECK_INT(t.count, 0);
	CHECK_INT(iscsi_text_parse(SEG("\0\0\0"), &t), 0);
	CHECK_INT(t.count, 0);
	/* NULs after the last pair are padding */
	CHECK_INT(iscsi_text_parse(SEG("A=1\0B=2\0\0\0\0"), &t), 0);
	CHECK_INT(t.count, 2);
	CHECK_STR(iscsi_text_get(&t, "B"), "2");
}

struct text_error_case {
	const char *data;
	size_t len;
	int rc;
};

static const struct text_error_case text_error_cases[] = {
	{SEG("A=1\0B=2"), -WBE_ISCSI_TEXT_MALFORMED},   /* cut: last pair has no NUL */
	{SEG("A"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("A\0"), -WBE_ISCSI_TEXT_MALFORMED},        /* no '=' */
	{SEG("=x\0"), -WBE_ISCSI_TEXT_MALFORMED},       /* empty key */
	{SEG("A=1\0=2\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("A=1\0\0B=2\0"), -WBE_ISCSI_TEXT_MALFORMED}, /* empty pair inside */
	{SEG("\0A=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("lower=1\0"), -WBE_ISCSI_TEXT_MALFORMED},  /* must start with a capital */
	{SEG("1Key=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("Key Name=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("Key$=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("A#b=1\0"), -WBE_ISCSI_TEXT_MALFORMED},    /* '#' only in "X#" */
	{SEG("X-a#b=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("K\xc3\xa9=1\0"), -WBE_ISCSI_TEXT_MALFORMED},
	{SEG("A=1\0A=2\0"), -WBE_ISCSI_TEXT_DUPLICATE},
	{SEG("HeaderDigest=None\0DataDigest=None\0HeaderDigest=None\0"), -WBE_ISCSI_TEXT_DUPLICATE},
};

TEST(iscsi_text_parse_errors)
{
	static struct iscsi_text t;
	for (size_t i = 0; i < COUNT(text_error_cases); i++) {
		const struct text_error_case *c = &text_error_cases[i];
		int rc = iscsi_text_parse(c->data, c->len, &t);
		if (rc != c->rc)
			test_fail(__FILE__, __LINE__, "case %zu: rc %d, expected %d", i, rc, c->rc);
	}
	CHECK_INT(iscsi_text_parse(NULL, 1, &t), -WBE_INVAL);
	CHECK_INT(iscsi_text_parse(SEG("A=1\0"), NULL), -WBE_INVAL);
}

TEST(iscsi_text_parse_repeatable_target_address)
{
	static struct iscsi_text t;
	CHECK_INT(iscsi_text_parse(SEG("TargetAddress=10.0.0.1:3260,1\0TargetAddress=[fe80::1]:3260,1\0"),
				   &t),
		  0);
	CHECK_INT(t.count, 2);
	CHECK_STR(iscsi_text_get(&t, "TargetAddress"), "10.0.0.1:3260,1");
	/* keys differing only in case are different keys */
	CHECK_INT(iscsi_text_parse(SEG("Key=1\0KEY=2\0"), &t), 0);
}

/* Fills @buf with "<key>=<value of @value_len 'v's>\0" and returns its length. */
static size_t make_pair(char *buf, const char *key, size_t value_len)
{
	size_t n = strlen(key);
	memcpy(buf, key, n);
	buf[n++] = '=';
	memset(buf + n, 'v', value_len);
	n += value_len;
	buf[n++] = '\0';
	return n;
}

TEST(iscsi_text_parse_limits)
{
	static struct iscsi_text t;
	static char buf[20000];
	char key[80];

	/* key names: 63 bytes at most (§6.1) */
	memset(key, 'K', 63);
	key[63] = '\0';
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, key, 1), &t), 0);
	CHECK_INT(t.pairs[0].key_len, 63);
	memset(key, 'K', 64);
	key[64] = '\0';
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, key, 1), &t), -WBE_ISCSI_TEXT_TOO_LONG);

	/* values: 8191 bytes, more for CHAP_C / CHAP_R (large binary values) */
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, "TargetAlias", ISCSI_TEXT_MAX_VALUE_LEN), &t), 0);
	CHECK_INT(t.pairs[0].value_len, ISCSI_TEXT_MAX_VALUE_LEN);
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, "TargetAlias", ISCSI_TEXT_MAX_VALUE_LEN + 1), &t),
		  -WBE_ISCSI_TEXT_TOO_LONG);
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, "CHAP_C", ISCSI_TEXT_MAX_LARGE_BINARY_LEN), &t), 0);
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, "CHAP_R", ISCSI_TEXT_MAX_LARGE_BINARY_LEN + 1), &t),
		  -WBE_ISCSI_TEXT_TOO_LONG);
	CHECK_INT(iscsi_text_parse(buf, make_pair(buf, "CHAP_N", ISCSI_TEXT_MAX_VALUE_LEN + 1), &t),
		  -WBE_ISCSI_TEXT_TOO_LONG);

	/* pairs: ISCSI_TEXT_MAX_KEYS at most */
	size_t n = 0;
	for (int i = 0; i < ISCSI_TEXT_MAX_KEYS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "K%d=%d", i, i) + 1;
	CHECK_INT(iscsi_text_parse(buf, n, &t), 0);
	CHECK_INT(t.count, ISCSI_TEXT_MAX_KEYS);
	CHECK_STR(iscsi_text_get(&t, "K127"), "127");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Extra=1") + 1;
	CHECK_INT(iscsi_text_parse(buf, n, &t), -WBE_ISCSI_TEXT_TOO_MANY);
}

TEST(iscsi_text_builder_round_trip)
{
	char buf[256];
	struct iscsi_text_builder b;
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	CHECK_INT(iscsi_text_add(&b, "HeaderDigest", "CRC32C,None"), 0);
	CHECK_INT(iscsi_text_add_bool(&b, "ImmediateData", true), 0);
	CHECK_INT(iscsi_text_add_bool(&b, "InitialR2T", false), 0);
	CHECK_INT(iscsi_text_add_number(&b, "MaxRecvDataSegmentLength", 262144), 0);
	CHECK_INT(iscsi_text_add_number(&b, "X-Big", UINT64_MAX), 0);
	CHECK_INT(iscsi_text_add_number(&b, "X-Zero", 0), 0);
	CHECK_INT(iscsi_text_add(&b, "TargetAlias", ""), 0);

	static const char expected[] = "HeaderDigest=CRC32C,None\0ImmediateData=Yes\0InitialR2T=No\0"
				       "MaxRecvDataSegmentLength=262144\0X-Big=18446744073709551615\0"
				       "X-Zero=0\0TargetAlias=\0";
	CHECK_INT(b.len, sizeof(expected) - 1);
	CHECK_MEM(buf, expected, sizeof(expected) - 1);

	static struct iscsi_text t;
	CHECK_INT(iscsi_text_parse(buf, b.len, &t), 0);
	CHECK_INT(t.count, 7);
	CHECK_STR(iscsi_text_get(&t, "InitialR2T"), "No");
}

TEST(iscsi_text_builder_bounds)
{
	char buf[16];
	struct iscsi_text_builder b;
	/* "A=1234567890123\0" is exactly 16 bytes */
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	CHECK_INT(iscsi_text_add(&b, "A", "1234567890123"), 0);
	CHECK_INT(b.len, 16);
	CHECK_INT(iscsi_text_add(&b, "B", ""), -WBE_NOSPC);
	CHECK_INT(b.len, 16);

	/* one byte short: nothing written */
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(iscsi_text_add(&b, "A", "12345678901234"), -WBE_NOSPC);
	CHECK_INT(b.len, 0);
	CHECK(buf[0] == 'x');

	/* a segment with no buffer at all */
	iscsi_text_builder_init(&b, NULL, 0);
	CHECK_INT(iscsi_text_add(&b, "A", "1"), -WBE_NOSPC);

	char big[ISCSI_TEXT_MAX_VALUE_LEN + 2];
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	CHECK_INT(iscsi_text_add(&b, "A", big), -WBE_ISCSI_TEXT_TOO_LONG);
	CHECK_INT(iscsi_text_add(&b, "lower", "1"), -WBE_ISCSI_TEXT_MALFORMED);
	CHECK_INT(iscsi_text_add(&b, "", "1"), -WBE_ISCSI_TEXT_MALFORMED);
	CHECK_INT(iscsi_text_add(&b, "A=B", "1"), -WBE_ISCSI_TEXT_MALFORMED);
	CHECK_INT(iscsi_text_add(&b, NULL, "1"), -WBE_INVAL);
	CHECK_INT(iscsi_text_add(&b, "A", NULL), -WBE_INVAL);
	CHECK_INT(iscsi_text_add(NULL, "A", "1"), -WBE_INVAL);
	CHECK_INT(b.len, 0);

	/* we never send a key twice */
	CHECK_INT(iscsi_text_add(&b, "A", "1"), 0);
	CHECK_INT(iscsi_text_add(&b, "AB", "1"), 0);
	CHECK_INT(iscsi_text_add(&b, "A", "2"), -WBE_ISCSI_TEXT_DUPLICATE);
	CHECK_INT(iscsi_text_add(&b, "AB", "2"), -WBE_ISCSI_TEXT_DUPLICATE);
	CHECK_INT(b.len, 9);
}

struct number_case {
	const char *text;
	int rc;
	uint64_t value;
};

static const struct number_case number_cases[] = {
	{"0", 0, 0},
	{"262144", 0, 262144},
	{"007", 0, 7},
	{"18446744073709551615", 0, UINT64_MAX},
	{"18446744073709551616", -WBE_ISCSI_VALUE, 0},
	{"99999999999999999999", -WBE_ISCSI_VALUE, 0},
	{"0x10", 0, 16},
	{"0X1f", 0, 31},
	{"0xffffffffffffffff", 0, UINT64_MAX},
	{"0x0000000000000000000001", 0, 1},
	{"0x10000000000000000", -WBE_ISCSI_VALUE, 0},
	{"", -WBE_ISCSI_VALUE, 0},
	{"0x", -WBE_ISCSI_VALUE, 0},
	{"-1", -WBE_ISCSI_VALUE, 0},
	{"+1", -WBE_ISCSI_VALUE, 0},
	{" 1", -WBE_ISCSI_VALUE, 0},
	{"1 ", -WBE_ISCSI_VALUE, 0},
	{"1a", -WBE_ISCSI_VALUE, 0},
	{"0xg", -WBE_ISCSI_VALUE, 0},
	{"0bAQ==", -WBE_ISCSI_VALUE, 0}, /* numbers are decimal or hex */
	{"Reject", -WBE_ISCSI_VALUE, 0},
};

TEST(iscsi_text_value_number)
{
	for (size_t i = 0; i < COUNT(number_cases); i++) {
		const struct number_case *c = &number_cases[i];
		uint64_t v = 12345;
		int rc = iscsi_value_number(c->text, &v);
		if (rc != c->rc || (rc == 0 && v != c->value))
			test_fail(__FILE__, __LINE__, "\"%s\": rc %d value %llu", c->text, rc,
				  (unsigned long long)v);
	}
	uint64_t v;
	CHECK_INT(iscsi_value_number(NULL, &v), -WBE_INVAL);
	CHECK_INT(iscsi_value_number("1", NULL), -WBE_INVAL);
}

TEST(iscsi_text_value_bool_and_special)
{
	bool b = false;
	CHECK_INT(iscsi_value_bool("Yes", &b), 0);
	CHECK(b);
	CHECK_INT(iscsi_value_bool("No", &b), 0);
	CHECK(!b);
	static const char *const bad[] = {"yes", "NO", "", "Yes ", "Y", "1", "true", "Reject"};
	for (size_t i = 0; i < COUNT(bad); i++)
		CHECK_INT(iscsi_value_bool(bad[i], &b), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_value_bool(NULL, &b), -WBE_INVAL);

	CHECK_INT(iscsi_value_special("Reject"), ISCSI_VALUE_REJECT);
	CHECK_INT(iscsi_value_special("Irrelevant"), ISCSI_VALUE_IRRELEVANT);
	CHECK_INT(iscsi_value_special("NotUnderstood"), ISCSI_VALUE_NOT_UNDERSTOOD);
	CHECK_INT(iscsi_value_special("None"), ISCSI_VALUE_REGULAR);
	CHECK_INT(iscsi_value_special("reject"), ISCSI_VALUE_REGULAR);
	CHECK_INT(iscsi_value_special(""), ISCSI_VALUE_REGULAR);
}

TEST(iscsi_text_value_lists)
{
	CHECK_INT(iscsi_list_find("CRC32C,None", "None"), 1);
	CHECK_INT(iscsi_list_find("CRC32C,None", "CRC32C"), 1);
	CHECK_INT(iscsi_list_find("None", "CRC32C"), 0);
	CHECK_INT(iscsi_list_find("CRC32C,None", "CRC32"), 0); /* whole elements only */
	CHECK_INT(iscsi_list_find("CRC32C,None", "C,None"), 0);
	CHECK_INT(iscsi_list_find("7,5", "5"), 1);
	CHECK_INT(iscsi_list_find("", "x"), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_list_find("None,", "None"), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_list_find(",None", "None"), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_list_find("a,,b", "a"), -WBE_ISCSI_VALUE); /* malformed even after a match */
	CHECK_INT(iscsi_list_find(NULL, "a"), -WBE_INVAL);
	CHECK_INT(iscsi_list_find("a", NULL), -WBE_INVAL);

	char long_list[300];
	memset(long_list, 'a', ISCSI_LIST_ITEM_MAX_LEN);
	long_list[ISCSI_LIST_ITEM_MAX_LEN] = '\0';
	CHECK_INT(iscsi_list_find(long_list, "a"), 0);
	long_list[ISCSI_LIST_ITEM_MAX_LEN] = 'a';
	long_list[ISCSI_LIST_ITEM_MAX_LEN + 1] = '\0';
	CHECK_INT(iscsi_list_find(long_list, "a"), -WBE_ISCSI_VALUE);

	/* the first value of the offer that is acceptable (§6.2.1): the offer's order wins */
	const char *item = NULL;
	size_t len = 0;
	CHECK_INT(iscsi_list_first_acceptable("CRC32C,None", "None,CRC32C", &item, &len), 0);
	CHECK(len == 6 && memcmp(item, "CRC32C", 6) == 0);
	CHECK_INT(iscsi_list_first_acceptable("CRC32C,None", "None", &item, &len), 0);
	CHECK(len == 4 && memcmp(item, "None", 4) == 0);
	CHECK_INT(iscsi_list_first_acceptable("CHAP,None", "KRB5,SRP", &item, &len),
		  -WBE_ISCSI_NEGOTIATION);
	CHECK_INT(iscsi_list_first_acceptable("CHAP,,None", "None", &item, &len), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_list_first_acceptable("CHAP", "CHAP,", &item, &len), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_list_first_acceptable(NULL, "a", &item, &len), -WBE_INVAL);
}

struct binary_case {
	const char *text;
	int rc;
	size_t len;
	const uint8_t *bytes;
};

static const uint8_t b_0102[] = {0x01, 0x02}, b_0123[] = {0x01, 0x23}, b_01[] = {0x01},
		     b_abcd[] = {0xab, 0xcd}, b_0001[] = {0x00, 0x01}, b_00[] = {0x00},
		     b_range16[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		     b_abc[] = {'a', 'b', 'c'}, b_ab[] = {'a', 'b'};

static const struct binary_case binary_cases[] = {
	{"0x0102", 0, 2, b_0102},
	{"0x123", 0, 2, b_0123}, /* odd: implied leading zero, (n+1)/2 bytes (§6.1) */
	{"0X1", 0, 1, b_01},
	{"0xABcd", 0, 2, b_abcd},
	{"0x00", 0, 1, b_00},
	{"0bAAECAwQFBgcICQoLDA0ODw==", 0, 16, b_range16},
	{"0BAAECAwQFBgcICQoLDA0ODw", 0, 16, b_range16}, /* padding optional */
	{"0bYWJj", 0, 3, b_abc},
	{"0bYWI=", 0, 2, b_ab},
	{"0bYWI", 0, 2, b_ab},
	{"0bAAE=", 0, 2, b_0001},
	{"0bAQ", 0, 1, b_01},
	{"0bAQ==", 0, 1, b_01},
	{"0x", -WBE_ISCSI_VALUE, 0, NULL},
	{"0b", -WBE_ISCSI_VALUE, 0, NULL},
	{"0xg1", -WBE_ISCSI_VALUE, 0, NULL},
	{"0x12 ", -WBE_ISCSI_VALUE, 0, NULL},
	{"0bAQ=", -WBE_ISCSI_VALUE, 0, NULL},   /* padding that does not complete the group */
	{"0bAAE==", -WBE_ISCSI_VALUE, 0, NULL},
	{"0bAQ===", -WBE_ISCSI_VALUE, 0, NULL},
	{"0b====", -WBE_ISCSI_VALUE, 0, NULL},
	{"0bA", -WBE_ISCSI_VALUE, 0, NULL},     /* 6 bits cannot make a byte */
	{"0bAR==", -WBE_ISCSI_VALUE, 0, NULL},  /* non-zero bits past the last byte */
	{"0bAAF=", -WBE_ISCSI_VALUE, 0, NULL},
	{"0bA=AA", -WBE_ISCSI_VALUE, 0, NULL},
	{"0bYW-j", -WBE_ISCSI_VALUE, 0, NULL},  /* base64url is not base64 */
	{"0102", -WBE_ISCSI_VALUE, 0, NULL},    /* binary values need their prefix */
	{"0y12", -WBE_ISCSI_VALUE, 0, NULL},
	{"", -WBE_ISCSI_VALUE, 0, NULL},
};

TEST(iscsi_text_value_binary)
{
	for (size_t i = 0; i < COUNT(binary_cases); i++) {
		const struct binary_case *c = &binary_cases[i];
		uint8_t out[32];
		size_t len = 999;
		int rc = iscsi_value_binary(c->text, out, sizeof(out), &len);
		if (rc != c->rc || (rc == 0 && (len != c->len || memcmp(out, c->bytes, len) != 0)))
			test_fail(__FILE__, __LINE__, "\"%s\": rc %d len %zu", c->text, rc, len);
	}
}

TEST(iscsi_text_value_binary_length_limit)
{
	uint8_t out[2];
	size_t len;
	CHECK_INT(iscsi_value_binary("0x0102", out, 2, &len), 0);
	CHECK_INT(iscsi_value_binary("0x010203", out, 2, &len), -WBE_RANGE);
	CHECK_INT(iscsi_value_binary("0x10203", out, 2, &len), -WBE_RANGE);
	CHECK_INT(iscsi_value_binary("0bYWI=", out, 2, &len), 0);
	CHECK_INT(iscsi_value_binary("0bYWJj", out, 2, &len), -WBE_RANGE);
	CHECK_INT(iscsi_value_binary("0x01", NULL, 0, &len), -WBE_RANGE);
	/* a malformed value is malformed whatever its length */
	CHECK_INT(iscsi_value_binary("0x01020g", out, 2, &len), -WBE_ISCSI_VALUE);
	CHECK_INT(iscsi_value_binary(NULL, out, 2, &len), -WBE_INVAL);
	CHECK_INT(iscsi_value_binary("0x01", out, 2, NULL), -WBE_INVAL);
	CHECK_INT(iscsi_value_binary("0x01", NULL, 2, &len), -WBE_INVAL);
}

TEST(iscsi_text_value_encode_hex)
{
	const uint8_t data[] = {0x00, 0xab, 0x7f, 0xff};
	char out[11];
	CHECK_INT(iscsi_value_encode_hex(data, sizeof(data), out, sizeof(out)), 0);
	CHECK_STR(out, "0x00ab7fff");
	CHECK_INT(iscsi_value_encode_hex(data, sizeof(data), out, sizeof(out) - 1), -WBE_NOSPC);
	CHECK_STR(out, "");
	CHECK_INT(iscsi_value_encode_hex(data, 0, out, sizeof(out)), -WBE_INVAL);
	CHECK_INT(iscsi_value_encode_hex(NULL, 1, out, sizeof(out)), -WBE_INVAL);
	CHECK_INT(iscsi_value_encode_hex(data, 1, out, 0), -WBE_NOSPC);

	/* encode then decode gives the bytes back */
	uint8_t bytes[200], back[200];
	char text[2 * sizeof(bytes) + 3];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 37 + 11);
	size_t len;
	CHECK_INT(iscsi_value_encode_hex(bytes, sizeof(bytes), text, sizeof(text)), 0);
	CHECK_INT(iscsi_value_binary(text, back, sizeof(back), &len), 0);
	CHECK_INT(len, sizeof(bytes));
	CHECK_MEM(back, bytes, sizeof(bytes));
}

TEST(iscsi_text_key_table)
{
	for (unsigned k = 0; k < ISCSI_KEY_COUNT; k++) {
		const struct iscsi_key_info *info = iscsi_key_info((enum iscsi_key)k);
		REQUIRE(info && info->name && info->default_text);
		enum iscsi_key found = ISCSI_KEY_COUNT;
		CHECK_INT(iscsi_key_lookup(info->name, strlen(info->name), &found), 0);
		CHECK_INT(found, k);
		/* the default as text and as number agree, and lie in the key's range */
		if (info->kind == ISCSI_KIND_AND || info->kind == ISCSI_KIND_OR) {
			bool b;
			CHECK_INT(iscsi_value_bool(info->default_text, &b), 0);
			CHECK_INT(b, info->default_number);
		} else if (info->kind != ISCSI_KIND_LIST) {
			uint64_t n;
			CHECK_INT(iscsi_value_number(info->default_text, &n), 0);
			CHECK_INT(n, info->default_number);
			CHECK(n >= info->min && n <= info->max);
		}
	}
	CHECK(iscsi_key_info(ISCSI_KEY_COUNT) == NULL);
	enum iscsi_key k;
	CHECK_INT(iscsi_key_lookup("MaxBurstLength", 14, &k), 0);
	CHECK_INT(k, ISCSI_KEY_MAX_BURST_LENGTH);
	CHECK_INT(iscsi_key_lookup("MaxBurstLengthX", 14, &k), 0); /* @len bytes only */
	CHECK_INT(iscsi_key_lookup("MaxBurstLength", 13, &k), -WBE_NOENT);
	CHECK_INT(iscsi_key_lookup("SessionType", 11, &k), -WBE_NOENT);
	CHECK_INT(iscsi_key_lookup(NULL, 0, &k), -WBE_INVAL);
}

struct negotiate_case {
	enum iscsi_key key;
	const char *offer, *reply;
	int rc;
	uint32_t number;
	bool defaulted;
};

#define OK(n) 0, (n), false
#define DEFAULT(n) 0, (n), true
#define FAIL(rc) (rc), 0, false

static const struct negotiate_case negotiate_cases[] = {
	/* list: one value, one we offered */
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "None", OK(0)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "CRC32C", OK(0)},
	{ISCSI_KEY_DATA_DIGEST, "None", "None", OK(0)},
	{ISCSI_KEY_DATA_DIGEST, "None", "CRC32C", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "MD5", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "CRC32C,None", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "crc32c", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,None", "", FAIL(-WBE_ISCSI_VALUE)},
	/* AND: our No cannot become Yes */
	{ISCSI_KEY_IMMEDIATE_DATA, "Yes", "Yes", OK(1)},
	{ISCSI_KEY_IMMEDIATE_DATA, "Yes", "No", OK(0)},
	{ISCSI_KEY_IMMEDIATE_DATA, "No", "No", OK(0)},
	{ISCSI_KEY_IMMEDIATE_DATA, "No", "Yes", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_IMMEDIATE_DATA, "Yes", "yes", FAIL(-WBE_ISCSI_VALUE)},
	/* OR: our Yes cannot become No */
	{ISCSI_KEY_INITIAL_R2T, "No", "No", OK(0)},
	{ISCSI_KEY_INITIAL_R2T, "No", "Yes", OK(1)},
	{ISCSI_KEY_INITIAL_R2T, "Yes", "Yes", OK(1)},
	{ISCSI_KEY_INITIAL_R2T, "Yes", "No", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DATA_PDU_IN_ORDER, "Yes", "No", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DATA_PDU_IN_ORDER, "No", "Yes", OK(1)},
	{ISCSI_KEY_DATA_SEQUENCE_IN_ORDER, "Yes", "No", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DATA_SEQUENCE_IN_ORDER, "Yes", "Yes", OK(1)},
	/* minimum: not above our offer, within the key's range */
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "262144", OK(262144)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "1048576", OK(1048576)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "0x40000", OK(262144)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "1048577", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "511", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "16777215", "16777216", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "lots", FAIL(-WBE_ISCSI_VALUE)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "99999999999999999999", FAIL(-WBE_ISCSI_VALUE)},
	{ISCSI_KEY_FIRST_BURST_LENGTH, "262144", "65536", OK(65536)},
	{ISCSI_KEY_FIRST_BURST_LENGTH, "65536", "262144", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_CONNECTIONS, "1", "1", OK(1)},
	{ISCSI_KEY_MAX_CONNECTIONS, "1", "2", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_CONNECTIONS, "4", "0", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DEFAULT_TIME2RETAIN, "0", "0", OK(0)},
	{ISCSI_KEY_DEFAULT_TIME2RETAIN, "0", "20", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DEFAULT_TIME2RETAIN, "3600", "20", OK(20)},
	{ISCSI_KEY_MAX_OUTSTANDING_R2T, "16", "1", OK(1)},
	{ISCSI_KEY_MAX_OUTSTANDING_R2T, "1", "16", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_ERROR_RECOVERY_LEVEL, "0", "0", OK(0)},
	{ISCSI_KEY_ERROR_RECOVERY_LEVEL, "0", "1", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_ERROR_RECOVERY_LEVEL, "2", "1", OK(1)},
	{ISCSI_KEY_ERROR_RECOVERY_LEVEL, "2", "3", FAIL(-WBE_ISCSI_NEGOTIATION)},
	/* maximum: not below our offer, within the key's range */
	{ISCSI_KEY_DEFAULT_TIME2WAIT, "2", "5", OK(5)},
	{ISCSI_KEY_DEFAULT_TIME2WAIT, "2", "2", OK(2)},
	{ISCSI_KEY_DEFAULT_TIME2WAIT, "2", "1", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_DEFAULT_TIME2WAIT, "0", "3601", FAIL(-WBE_ISCSI_NEGOTIATION)},
	/* declarative: the target's own limit, whatever ours is, within range */
	{ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, "262144", "8192", OK(8192)},
	{ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, "8192", "16777215", OK(16777215)},
	{ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, "8192", "511", FAIL(-WBE_ISCSI_NEGOTIATION)},
	{ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, "8192", "16777216", FAIL(-WBE_ISCSI_NEGOTIATION)},
	/* Reject / Irrelevant / NotUnderstood leave the key at its default (§6.2) */
	{ISCSI_KEY_IMMEDIATE_DATA, "No", "Reject", DEFAULT(1)},
	{ISCSI_KEY_INITIAL_R2T, "No", "Irrelevant", DEFAULT(1)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "1048576", "NotUnderstood", DEFAULT(262144)},
	{ISCSI_KEY_FIRST_BURST_LENGTH, "1048576", "Reject", DEFAULT(65536)},
	{ISCSI_KEY_DEFAULT_TIME2WAIT, "0", "Reject", DEFAULT(2)},
	{ISCSI_KEY_DEFAULT_TIME2RETAIN, "0", "Reject", DEFAULT(20)},
	{ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, "262144", "Irrelevant", DEFAULT(8192)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C", "Reject", DEFAULT(0)},
	/* a bad offer is our bug, whatever the answer */
	{ISCSI_KEY_MAX_BURST_LENGTH, "100", "100", FAIL(-WBE_INVAL)},
	{ISCSI_KEY_MAX_BURST_LENGTH, "x", "Reject", FAIL(-WBE_INVAL)},
	{ISCSI_KEY_IMMEDIATE_DATA, "yes", "Yes", FAIL(-WBE_INVAL)},
	{ISCSI_KEY_HEADER_DIGEST, "", "None", FAIL(-WBE_INVAL)},
	{ISCSI_KEY_HEADER_DIGEST, "CRC32C,", "CRC32C", FAIL(-WBE_INVAL)},
	{ISCSI_KEY_ERROR_RECOVERY_LEVEL, "3", "0", FAIL(-WBE_INVAL)},
};

TEST(iscsi_text_negotiate_semantics)
{
	for (size_t i = 0; i < COUNT(negotiate_cases); i++) {
		const struct negotiate_case *c = &negotiate_cases[i];
		struct iscsi_negotiated out = {true, 0xdead, "untouched"};
		int rc = iscsi_negotiate(c->key, c->offer, c->reply, &out);
		if (rc != c->rc) {
			test_fail(__FILE__, __LINE__, "%s offer \"%s\" reply \"%s\": rc %d, expected %d",
				  iscsi_key_info(c->key)->name, c->offer, c->reply, rc, c->rc);
			continue;
		}
		if (rc != 0) {
			/* written only on success */
			CHECK(out.number == 0xdead && strcmp(out.text, "untouched") == 0);
			continue;
		}
		const struct iscsi_key_info *info = iscsi_key_info(c->key);
		CHECK_INT(out.defaulted, c->defaulted);
		if (info->kind != ISCSI_KIND_LIST)
			CHECK_INT(out.number, c->number);
		CHECK_STR(out.text, c->defaulted ? info->default_text : c->reply);
	}
	struct iscsi_negotiated out;
	CHECK_INT(iscsi_negotiate(ISCSI_KEY_COUNT, "1", "1", &out), -WBE_INVAL);
	CHECK_INT(iscsi_negotiate(ISCSI_KEY_MAX_CONNECTIONS, NULL, "1", &out), -WBE_INVAL);
	CHECK_INT(iscsi_negotiate(ISCSI_KEY_MAX_CONNECTIONS, "1", NULL, &out), -WBE_INVAL);
	CHECK_INT(iscsi_negotiate(ISCSI_KEY_MAX_CONNECTIONS, "1", "1", NULL), -WBE_INVAL);
}

/* A whole login answer, parsed and negotiated key by key as the login code will. */
TEST(iscsi_text_negotiate_login_answer)
{
	static const char answer[] = "HeaderDigest=None\0DataDigest=None\0ImmediateData=Yes\0"
				     "InitialR2T=Yes\0MaxRecvDataSegmentLength=8192\0"
				     "MaxBurstLength=262144\0FirstBurstLength=65536\0"
				     "DefaultTime2Wait=2\0DefaultTime2Retain=0\0MaxOutstandingR2T=1\0"
				     "DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
				     "ErrorRecoveryLevel=0\0MaxConnections=1\0";
	static const char *const offers[ISCSI_KEY_COUNT] = {
		[ISCSI_KEY_HEADER_DIGEST] = "CRC32C,None",
		[ISCSI_KEY_DATA_DIGEST] = "CRC32C,None",
		[ISCSI_KEY_MAX_CONNECTIONS] = "1",
		[ISCSI_KEY_INITIAL_R2T] = "No",
		[ISCSI_KEY_IMMEDIATE_DATA] = "Yes",
		[ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH] = "262144",
		[ISCSI_KEY_MAX_BURST_LENGTH] = "1048576",
		[ISCSI_KEY_FIRST_BURST_LENGTH] = "262144",
		[ISCSI_KEY_DEFAULT_TIME2WAIT] = "0",
		[ISCSI_KEY_DEFAULT_TIME2RETAIN] = "0",
		[ISCSI_KEY_MAX_OUTSTANDING_R2T] = "1",
		[ISCSI_KEY_DATA_PDU_IN_ORDER] = "Yes",
		[ISCSI_KEY_DATA_SEQUENCE_IN_ORDER] = "Yes",
		[ISCSI_KEY_ERROR_RECOVERY_LEVEL] = "0",
	};
	static const uint32_t expected[ISCSI_KEY_COUNT] = {
		[ISCSI_KEY_MAX_CONNECTIONS] = 1, [ISCSI_KEY_INITIAL_R2T] = 1,
		[ISCSI_KEY_IMMEDIATE_DATA] = 1, [ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH] = 8192,
		[ISCSI_KEY_MAX_BURST_LENGTH] = 262144, [ISCSI_KEY_FIRST_BURST_LENGTH] = 65536,
		[ISCSI_KEY_DEFAULT_TIME2WAIT] = 2, [ISCSI_KEY_MAX_OUTSTANDING_R2T] = 1,
		[ISCSI_KEY_DATA_PDU_IN_ORDER] = 1, [ISCSI_KEY_DATA_SEQUENCE_IN_ORDER] = 1,
	};
	static struct iscsi_text t;
	REQUIRE(iscsi_text_parse(answer, sizeof(answer) - 1, &t) == 0);
	CHECK_INT(t.count, ISCSI_KEY_COUNT);
	for (size_t i = 0; i < t.count; i++) {
		enum iscsi_key k;
		REQUIRE(iscsi_key_lookup(t.pairs[i].key, t.pairs[i].key_len, &k) == 0);
		struct iscsi_negotiated out;
		CHECK_INT(iscsi_negotiate(k, offers[k], t.pairs[i].value, &out), 0);
		CHECK(!out.defaulted);
		CHECK_INT(out.number, expected[k]);
	}
}
