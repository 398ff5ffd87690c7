/* chap_test.c - tests for wireboot/chap.h: MD5 and SHA-256 known answers, algorithm choice,
 * one-way and mutual exchanges, reflection, secret checks, value encodings, the constant-time
 * comparison, and challenges drawn from the real RNG. */
#include "wireboot/chap.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/errors.h"
#include "wireboot/iscsi_text.h"
#include "wireboot/rng.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Known answers. RFC 1994 has no test vectors, so these were computed independently of
 * BearSSL, with Python's hashlib, when the tests were written:
 *   python3 -c "import hashlib; print(hashlib.md5(bytes([1]) + b'wireboot-secret'
 *               + bytes(range(16))).hexdigest())"
 * and likewise for the others (hashlib.sha256 for SHA-256; base64.b64encode for the "0b" forms).
 */
static const char md5_secret[] = "wireboot-secret";
/* id 1, challenge 00..0f */
static const char md5_expected[] = "0xd99919681cef8361cdb5aecae1242cdf";
static const char md5_expected_b64[] = "0b2ZkZaBzvg2HNta7K4SQs3w==";

static const char sha_secret[] = "mutual-secret-42";
static const char sha_expected[] = /* id 0xa5, challenge 20..3f */
	"0xce169a629484fd9b705ea90ba780e14d9fd471d1a503ef79d542ea603ec954c5";
static const char sha_expected_b64[] = "0bzhaaYpSE/ZtwXqkLp4DhTZ/UcdGlA+951ULqYD7JVMU=";

/* id 0, secret "abc", challenge ff (MD5) */
static const char md5_short_expected[] = "0x9fd6d2a57559960e059c385892142915";
/* id 255, secret "long-challenge-key", 1024-byte challenge i % 251 (SHA-256; istgt sends
 * 1024-byte challenges) */
static const char sha_long_expected[] =
	"0x570ac060ee14803555f90e26422198d1f79ede005c7518e14fb96750df4b9cc5";
/* id 3, secret "odd-challenge-secret", challenge 01 02 (SHA-256): starts with a zero byte */
static const char sha_odd_expected[] =
	"0x0030dc518803e3c563077a08f7ac0e25f5543bccc1e826d69de775e5523c2240";

/* The digest's "0x..." text. */
static void hex_of(const uint8_t *digest, size_t len, char *text)
{
	REQUIRE(iscsi_value_encode_hex(digest, len, text, CHAP_VALUE_TEXT_SIZE) == 0);
}

static void fill_range(uint8_t *p, size_t len, uint8_t first)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(first + i);
}

TEST(chap_known_answers_compute)
{
	uint8_t challenge[1024], digest[CHAP_MAX_DIGEST_LEN];
	char text[CHAP_VALUE_TEXT_SIZE];

	fill_range(challenge, 16, 0x00);
	CHECK_INT(chap_compute(CHAP_MD5, 1, md5_secret, strlen(md5_secret), challenge, 16, digest), 0);
	hex_of(digest, 16, text);
	CHECK_STR(text, md5_expected);

	fill_range(challenge, 32, 0x20);
	CHECK_INT(chap_compute(CHAP_SHA256, 0xa5, sha_secret, strlen(sha_secret), challenge, 32, digest),
		  0);
	hex_of(digest, 32, text);
	CHECK_STR(text, sha_expected);

	challenge[0] = 0xff;
	CHECK_INT(chap_compute(CHAP_MD5, 0, "abc", 3, challenge, 1, digest), 0);
	hex_of(digest, 16, text);
	CHECK_STR(text, md5_short_expected);

	for (size_t i = 0; i < sizeof(challenge); i++)
		challenge[i] = (uint8_t)(i % 251);
	CHECK_INT(chap_compute(CHAP_SHA256, 255, "long-challenge-key", 18, challenge, 1024, digest), 0);
	hex_of(digest, 32, text);
	CHECK_STR(text, sha_long_expected);

	CHECK_INT(chap_digest_len(CHAP_MD5), 16);
	CHECK_INT(chap_digest_len(CHAP_SHA256), 32);
	CHECK_INT(chap_digest_len((enum chap_algorithm)6), 0);
}

TEST(chap_compute_errors)
{
	uint8_t challenge[CHAP_MAX_CHALLENGE_LEN + 1] = {0}, digest[CHAP_MAX_DIGEST_LEN];
	CHECK_INT(chap_compute((enum chap_algorithm)6, 1, "s", 1, challenge, 16, digest), -WBE_INVAL);
	CHECK_INT(chap_compute(CHAP_MD5, 1, "s", 0, challenge, 16, digest), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_compute(CHAP_MD5, 1, NULL, 0, challenge, 16, digest), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_compute(CHAP_MD5, 1, NULL, 1, challenge, 16, digest), -WBE_INVAL);
	CHECK_INT(chap_compute(CHAP_MD5, 1, "s", 1, challenge, 0, digest), -WBE_CHAP_CHALLENGE_LENGTH);
	CHECK_INT(chap_compute(CHAP_MD5, 1, "s", 1, challenge, sizeof(challenge), digest),
		  -WBE_CHAP_CHALLENGE_LENGTH);
	CHECK_INT(chap_compute(CHAP_MD5, 1, "s", 1, NULL, 16, digest), -WBE_INVAL);
	CHECK_INT(chap_compute(CHAP_MD5, 1, "s", 1, challenge, 16, NULL), -WBE_INVAL);
}

struct select_case {
	const char *chap_a;
	int rc;
	enum chap_algorithm algorithm;
};

static const struct select_case select_cases[] = {
	{"7", 0, CHAP_SHA256},
	{"5", 0, CHAP_MD5},
	{"7,5", 0, CHAP_SHA256},
	{"5,7", 0, CHAP_SHA256}, /* our preference, not the list's order */
	{"6,5", 0, CHAP_MD5},
	{"6", -WBE_CHAP_ALGORITHM, 0},
	{"None", -WBE_CHAP_ALGORITHM, 0},
	{"Reject", -WBE_CHAP_ALGORITHM, 0},
	{"05", -WBE_CHAP_ALGORITHM, 0},
	{"75", -WBE_CHAP_ALGORITHM, 0},
	{"", -WBE_CHAP_ENCODING, 0},
	{"5,,7", -WBE_CHAP_ENCODING, 0},
	{"7,", -WBE_CHAP_ENCODING, 0},
};

TEST(chap_select_algorithm_preference)
{
	for (size_t i = 0; i < COUNT(select_cases); i++) {
		const struct select_case *c = &select_cases[i];
		enum chap_algorithm a = (enum chap_algorithm)0;
		int rc = chap_select_algorithm(c->chap_a, &a);
		if (rc != c->rc || (rc == 0 && a != c->algorithm))
			test_fail(__FILE__, __LINE__, "CHAP_A \"%s\": rc %d alg %d", c->chap_a, rc, (int)a);
	}
	enum chap_algorithm a;
	/* a target echoing our whole offer gets SHA-256 */
	CHECK_INT(chap_select_algorithm(CHAP_ALGORITHMS_OFFER, &a), 0);
	CHECK_INT(a, CHAP_SHA256);
	CHECK_INT(chap_select_algorithm(NULL, &a), -WBE_INVAL);
	CHECK_INT(chap_select_algorithm("5", NULL), -WBE_INVAL);
	struct chap chap;
	CHECK_INT(chap_begin(&chap, "6", NULL, NULL), -WBE_CHAP_ALGORITHM);
	CHECK_INT(chap_begin(NULL, "5", NULL, NULL), -WBE_INVAL);
}

TEST(chap_respond_one_way_known_answers)
{
	struct chap chap;
	char r[CHAP_VALUE_TEXT_SIZE];

	REQUIRE(chap_begin(&chap, "5", NULL, NULL) == 0);
	CHECK(!chap.mutual);
	CHECK_INT(chap_respond(&chap, "1", "0x000102030405060708090a0b0c0d0e0f", md5_secret,
			       strlen(md5_secret), r, sizeof(r)),
		  0);
	CHECK_STR(r, md5_expected);
	/* the same challenge in base64 and uppercase hex, the identifier in hex */
	CHECK_INT(chap_respond(&chap, "0x01", "0bAAECAwQFBgcICQoLDA0ODw==", md5_secret,
			       strlen(md5_secret), r, sizeof(r)),
		  0);
	CHECK_STR(r, md5_expected);
	CHECK_INT(chap_respond(&chap, "1", "0X000102030405060708090A0B0C0D0E0F", md5_secret,
			       strlen(md5_secret), r, sizeof(r)),
		  0);
	CHECK_STR(r, md5_expected);

	REQUIRE(chap_begin(&chap, "7", NULL, NULL) == 0);
	CHECK_INT(chap_respond(&chap, "165", "0bICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=", sha_secret,
			       strlen(sha_secret), r, sizeof(r)),
		  0);
	CHECK_STR(r, sha_expected);

	/* an odd number of hex digits has an implied leading zero (RFC 7143 §6.1) */
	CHECK_INT(chap_respond(&chap, "3", "0x102", "odd-challenge-secret", 20, r, sizeof(r)), 0);
	CHECK_STR(r, sha_odd_expected);

	/* a 1024-byte challenge, the largest there is */
	static char big[2 + 2 * 1024 + 1];
	uint8_t challenge[1024];
	for (size_t i = 0; i < sizeof(challenge); i++)
		challenge[i] = (uint8_t)(i % 251);
	REQUIRE(iscsi_value_encode_hex(challenge, sizeof(challenge), big, sizeof(big)) == 0);
	CHECK_INT(chap_respond(&chap, "255", big, "long-challenge-key", 18, r, sizeof(r)), 0);
	CHECK_STR(r, sha_long_expected);
}

struct respond_error_case {
	const char *chap_i, *chap_c;
	int rc;
};

static const struct respond_error_case respond_error_cases[] = {
	{"256", "0x01", -WBE_CHAP_ENCODING},
	{"-1", "0x01", -WBE_CHAP_ENCODING},
	{"", "0x01", -WBE_CHAP_ENCODING},
	{"one", "0x01", -WBE_CHAP_ENCODING},
	{"0x100", "0x01", -WBE_CHAP_ENCODING},
	{"1", "", -WBE_CHAP_ENCODING},
	{"1", "0x", -WBE_CHAP_ENCODING},
	{"1", "0b", -WBE_CHAP_ENCODING},
	{"1", "00102", -WBE_CHAP_ENCODING},
	{"1", "0x01zz", -WBE_CHAP_ENCODING},
	{"1", "0bAQ=", -WBE_CHAP_ENCODING},
	{"1", "0x 01", -WBE_CHAP_ENCODING},
	{"1", "Reject", -WBE_CHAP_ENCODING},
};

TEST(chap_respond_errors)
{
	struct chap chap;
	char r[CHAP_VALUE_TEXT_SIZE];
	REQUIRE(chap_begin(&chap, "7", NULL, NULL) == 0);
	for (size_t i = 0; i < COUNT(respond_error_cases); i++) {
		const struct respond_error_case *c = &respond_error_cases[i];
		strcpy(r, "junk");
		int rc = chap_respond(&chap, c->chap_i, c->chap_c, "secret", 6, r, sizeof(r));
		if (rc != c->rc)
			test_fail(__FILE__, __LINE__, "CHAP_I \"%s\" CHAP_C \"%s\": rc %d", c->chap_i,
				  c->chap_c, rc);
		CHECK_STR(r, "");
	}

	/* over-long challenges: 1025 bytes in hex, and in base64 */
	static char big[2 + 2 * 1025 + 1];
	uint8_t challenge[1025] = {1};
	REQUIRE(iscsi_value_encode_hex(challenge, sizeof(challenge), big, sizeof(big)) == 0);
	CHECK_INT(chap_respond(&chap, "1", big, "secret", 6, r, sizeof(r)), -WBE_CHAP_CHALLENGE_LENGTH);
	static char big64[2 + 1368 + 1] = "0b"; /* 1368 'A's: 1026 zero bytes */
	memset(big64 + 2, 'A', 1368);
	CHECK_INT(chap_respond(&chap, "1", big64, "secret", 6, r, sizeof(r)), -WBE_CHAP_CHALLENGE_LENGTH);
	big64[2 + 1364] = '\0'; /* 1023 bytes: accepted */
	CHECK_INT(chap_respond(&chap, "1", big64, "secret", 6, r, sizeof(r)), 0);

	/* output room, secrets, NULLs */
	CHECK_INT(chap_respond(&chap, "1", "0x01", "secret", 6, r, 2 + 64), -WBE_NOSPC);
	CHECK_STR(r, "");
	CHECK_INT(chap_respond(&chap, "1", "0x01", "secret", 6, r, 2 + 64 + 1), 0);
	CHECK_INT(chap_respond(&chap, "1", "0x01", "", 0, r, sizeof(r)), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_respond(&chap, "1", "0x01", NULL, 0, r, sizeof(r)), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_respond(&chap, "1", "0x01", NULL, 6, r, sizeof(r)), -WBE_INVAL);
	CHECK_INT(chap_respond(NULL, "1", "0x01", "secret", 6, r, sizeof(r)), -WBE_INVAL);
	CHECK_INT(chap_respond(&chap, NULL, "0x01", "secret", 6, r, sizeof(r)), -WBE_INVAL);
	CHECK_INT(chap_respond(&chap, "1", NULL, "secret", 6, r, sizeof(r)), -WBE_INVAL);
	CHECK_INT(chap_respond(&chap, "1", "0x01", "secret", 6, NULL, 0), -WBE_INVAL);
}

/* A predictable "random" source for tests: 0x40, 0x41, 0x42, ... */
struct counter_source {
	uint8_t next;
	unsigned calls;
};

static void counter_bytes(void *ctx, void *buf, size_t len)
{
	struct counter_source *src = ctx;
	uint8_t *p = buf;
	src->calls++;
	for (size_t i = 0; i < len; i++)
		p[i] = src->next++;
}

/* The target's side of mutual CHAP: its response to our CHAP_I/CHAP_C texts. */
static void target_answer(enum chap_algorithm alg, const char *chap_i, const char *chap_c,
			  const char *secret, char *chap_r)
{
	uint64_t id;
	uint8_t challenge[CHAP_MAX_CHALLENGE_LEN], digest[CHAP_MAX_DIGEST_LEN];
	size_t len;
	REQUIRE(iscsi_value_number(chap_i, &id) == 0 && id <= 255);
	REQUIRE(iscsi_value_binary(chap_c, challenge, sizeof(challenge), &len) == 0);
	REQUIRE(chap_compute(alg, (uint8_t)id, secret, strlen(secret), challenge, len, digest) == 0);
	hex_of(digest, chap_digest_len(alg), chap_r);
}

TEST(chap_mutual_exchange)
{
	static const char forward[] = "initiator-secret-1", reverse[] = "target-secret-22";
	const enum chap_algorithm algs[] = {CHAP_MD5, CHAP_SHA256};
	const char *const chap_a[] = {"5", "5,7"};
	for (size_t a = 0; a < COUNT(algs); a++) {
		struct counter_source src = {0x40, 0};
		struct chap chap;
		REQUIRE(chap_begin(&chap, chap_a[a], counter_bytes, &src) == 0);
		CHECK_INT(chap.algorithm, algs[a]);
		CHECK(chap.mutual);
		size_t dlen = chap_digest_len(algs[a]);
		/* our identifier and a challenge as long as the digest, from the source */
		CHECK_INT(chap.id, 0x40);
		uint8_t expected[CHAP_MAX_DIGEST_LEN];
		fill_range(expected, dlen, 0x41);
		CHECK_MEM(chap.challenge, expected, dlen);
		CHECK(dlen >= 16);

		char i_text[CHAP_ID_TEXT_SIZE], c_text[CHAP_VALUE_TEXT_SIZE];
		CHECK_INT(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)), 0);
		CHECK_STR(i_text, "64");
		CHECK_INT(strlen(c_text), 2 + 2 * dlen);

		/* we answer the target's challenge... */
		char our_r[CHAP_VALUE_TEXT_SIZE];
		CHECK_INT(chap_respond(&chap, "7", "0x0123456789abcdef0123456789abcdef", forward,
				       strlen(forward), our_r, sizeof(our_r)),
			  0);
		/* ...and the target proves it knows the reverse secret */
		char target_r[CHAP_VALUE_TEXT_SIZE];
		target_answer(algs[a], i_text, c_text, reverse, target_r);
		CHECK_INT(chap_verify(&chap, target_r, reverse, strlen(reverse)), 0);
		/* a target that only knows the forward secret does not */
		target_answer(algs[a], i_text, c_text, forward, target_r);
		CHECK_INT(chap_verify(&chap, target_r, reverse, strlen(reverse)), -WBE_CHAP_TARGET_AUTH);
	}
}

TEST(chap_verify_known_answers_and_encodings)
{
	struct chap chap = {CHAP_MD5, true, 1, {0}};
	fill_range(chap.challenge, 16, 0x00);
	CHECK_INT(chap_verify(&chap, md5_expected, md5_secret, strlen(md5_secret)), 0);
	CHECK_INT(chap_verify(&chap, md5_expected_b64, md5_secret, strlen(md5_secret)), 0);

	chap = (struct chap){CHAP_SHA256, true, 0xa5, {0}};
	fill_range(chap.challenge, 32, 0x20);
	CHECK_INT(chap_verify(&chap, sha_expected, sha_secret, strlen(sha_secret)), 0);
	CHECK_INT(chap_verify(&chap, sha_expected_b64, sha_secret, strlen(sha_secret)), 0);
	/* uppercase hex digits and prefix */
	char upper[CHAP_VALUE_TEXT_SIZE];
	strcpy(upper, sha_expected);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	CHECK_INT(chap_verify(&chap, upper, sha_secret, strlen(sha_secret)), 0);

	/* odd digit count: 63 digits of a digest that starts with a zero nibble */
	chap = (struct chap){CHAP_SHA256, true, 3, {0x01, 0x02}};
	/* chap_verify hashes the whole digest-length challenge: recompute with it */
	uint8_t digest[CHAP_MAX_DIGEST_LEN];
	char text[CHAP_VALUE_TEXT_SIZE];
	for (unsigned id = 0; id < 256; id++) {
		chap.id = (uint8_t)id;
		REQUIRE(chap_compute(CHAP_SHA256, chap.id, "k", 1, chap.challenge, 32, digest) == 0);
		if (digest[0] < 0x10)
			break;
	}
	REQUIRE(digest[0] < 0x10);
	hex_of(digest, 32, text);
	CHECK_INT(chap_verify(&chap, text, "k", 1), 0);
	memmove(text + 2, text + 3, strlen(text + 3) + 1); /* "0x0d..." -> "0xd..." */
	CHECK_INT(strlen(text), 2 + 63);
	CHECK_INT(chap_verify(&chap, text, "k", 1), 0);
}

TEST(chap_verify_rejections)
{
	struct chap chap = {CHAP_SHA256, true, 0xa5, {0}};
	fill_range(chap.challenge, 32, 0x20);
	const size_t slen = strlen(sha_secret);

	/* wrong secret; one changed digit anywhere */
	CHECK_INT(chap_verify(&chap, sha_expected, "mutual-secret-43", slen), -WBE_CHAP_TARGET_AUTH);
	char text[CHAP_VALUE_TEXT_SIZE + 2];
	for (size_t i = 2; i < strlen(sha_expected); i++) {
		strcpy(text, sha_expected);
		text[i] = text[i] == '0' ? '1' : '0';
		if (chap_verify(&chap, text, sha_secret, slen) != -WBE_CHAP_TARGET_AUTH)
			test_fail(__FILE__, __LINE__, "digit %zu changed but verified", i);
	}
	/* wrong lengths: one byte short, one byte long, far too long */
	strcpy(text, sha_expected);
	text[strlen(text) - 2] = '\0';
	CHECK_INT(chap_verify(&chap, text, sha_secret, slen), -WBE_CHAP_TARGET_AUTH);
	strcpy(text, sha_expected);
	strcat(text, "00");
	CHECK_INT(chap_verify(&chap, text, sha_secret, slen), -WBE_CHAP_TARGET_AUTH);
	static char huge[2 + 2 * 2048 + 1] = "0x";
	memset(huge + 2, '7', 2 * 2048);
	CHECK_INT(chap_verify(&chap, huge, sha_secret, slen), -WBE_CHAP_TARGET_AUTH);
	/* an MD5-length answer to a SHA-256 exchange */
	CHECK_INT(chap_verify(&chap, md5_expected, sha_secret, slen), -WBE_CHAP_TARGET_AUTH);
	/* our own CHAP_C sent back as the response */
	char c_text[CHAP_VALUE_TEXT_SIZE], i_text[CHAP_ID_TEXT_SIZE];
	REQUIRE(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)) == 0);
	CHECK_INT(chap_verify(&chap, c_text, sha_secret, slen), -WBE_CHAP_TARGET_AUTH);

	/* malformed values */
	static const char *const bad[] = {"", "0x", "0xzz", "ce169a62", "0b*", "0bA", "Reject"};
	for (size_t i = 0; i < COUNT(bad); i++)
		if (chap_verify(&chap, bad[i], sha_secret, slen) != -WBE_CHAP_ENCODING)
			test_fail(__FILE__, __LINE__, "\"%s\" not refused as malformed", bad[i]);

	CHECK_INT(chap_verify(&chap, sha_expected, "", 0), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_verify(&chap, sha_expected, NULL, 0), -WBE_CHAP_NO_SECRET);
	CHECK_INT(chap_verify(&chap, sha_expected, NULL, 3), -WBE_INVAL);
	CHECK_INT(chap_verify(&chap, NULL, sha_secret, slen), -WBE_INVAL);
	CHECK_INT(chap_verify(NULL, sha_expected, sha_secret, slen), -WBE_INVAL);
	/* nothing to verify in a one-way exchange */
	chap.mutual = false;
	CHECK_INT(chap_verify(&chap, sha_expected, sha_secret, slen), -WBE_INVAL);
	CHECK_INT(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)), -WBE_INVAL);
}

TEST(chap_reflection_rejected)
{
	struct counter_source src = {0x10, 0};
	struct chap chap;
	REQUIRE(chap_begin(&chap, "7", counter_bytes, &src) == 0);
	char i_text[CHAP_ID_TEXT_SIZE], c_text[CHAP_VALUE_TEXT_SIZE], r[CHAP_VALUE_TEXT_SIZE];
	REQUIRE(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)) == 0);

	/* the target hands our challenge back, in any encoding: refused, nothing computed */
	strcpy(r, "junk");
	CHECK_INT(chap_respond(&chap, i_text, c_text, "secret-forward", 14, r, sizeof(r)),
		  -WBE_CHAP_REFLECTION);
	CHECK_STR(r, "");
	CHECK_INT(chap_respond(&chap, "0", c_text, "secret-forward", 14, r, sizeof(r)),
		  -WBE_CHAP_REFLECTION);
	/* 11 12 ... 30 in base64 */
	CHECK_INT(chap_respond(&chap, "1", "0bERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzA=",
			       "secret-forward", 14, r, sizeof(r)),
		  -WBE_CHAP_REFLECTION);

	/* one byte different, or a prefix of it: an ordinary challenge */
	char other[CHAP_VALUE_TEXT_SIZE];
	strcpy(other, c_text);
	other[strlen(other) - 1] ^= 1;
	CHECK_INT(chap_respond(&chap, "1", other, "secret-forward", 14, r, sizeof(r)), 0);
	other[strlen(other) - 2] = '\0';
	CHECK_INT(chap_respond(&chap, "1", other, "secret-forward", 14, r, sizeof(r)), 0);

	/* one-way: we sent no challenge, so there is nothing to reflect */
	struct chap one_way;
	REQUIRE(chap_begin(&one_way, "7", NULL, NULL) == 0);
	CHECK_INT(chap_respond(&one_way, "1", c_text, "secret-forward", 14, r, sizeof(r)), 0);
}

TEST(chap_base64_reflection_vector_is_our_challenge)
{
	/* the base64 text used above decodes to the counter source's challenge */
	uint8_t out[32], expected[32];
	size_t len;
	REQUIRE(iscsi_value_binary("0bERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzA=", out, sizeof(out),
				   &len) == 0);
	fill_range(expected, 32, 0x11);
	CHECK_INT(len, 32);
	CHECK_MEM(out, expected, 32);
}

struct secrets_case {
	const char *forward, *reverse; /* reverse NULL: one-way */
	int rc;
	unsigned warnings;
};

static const struct secrets_case secrets_cases[] = {
	{"initiator-secret", "target-secret-x", 0, 0},
	{"initiator-secret", NULL, 0, 0},
	{"123456789012", "abcdefghijkl", 0, 0}, /* 12 bytes: enough */
	{"12345678901", "abcdefghijkl", 0, CHAP_WARN_SHORT_SECRET},
	{"123456789012", "abcdefghijk", 0, CHAP_WARN_SHORT_REVERSE_SECRET},
	{"abc", "xyz", 0, CHAP_WARN_SHORT_SECRET | CHAP_WARN_SHORT_REVERSE_SECRET},
	{"abc", NULL, 0, CHAP_WARN_SHORT_SECRET},
	{"same-secret-123", "same-secret-123", -WBE_CHAP_SAME_SECRETS, 0},
	{"abc", "abc", -WBE_CHAP_SAME_SECRETS, 0}, /* refused, not just warned about */
	{"same-secret-123", "same-secret-1234", 0, 0}, /* a prefix is a different secret */
	{"", "target-secret-x", -WBE_CHAP_NO_SECRET, 0},
	{"", NULL, -WBE_CHAP_NO_SECRET, 0},
};

TEST(chap_check_secrets_rules)
{
	for (size_t i = 0; i < COUNT(secrets_cases); i++) {
		const struct secrets_case *c = &secrets_cases[i];
		unsigned w = 0xff;
		int rc = chap_check_secrets(c->forward, strlen(c->forward), c->reverse,
					    c->reverse ? strlen(c->reverse) : 0, &w);
		if (rc != c->rc || (rc == 0 && w != c->warnings))
			test_fail(__FILE__, __LINE__, "\"%s\"/\"%s\": rc %d warnings %#x", c->forward,
				  c->reverse ? c->reverse : "(none)", rc, w);
	}
	CHECK_INT(chap_check_secrets("abc", 3, NULL, 0, NULL), 0);
	CHECK_INT(chap_check_secrets("abc", 3, "abc", 3, NULL), -WBE_CHAP_SAME_SECRETS);
	CHECK_INT(chap_check_secrets(NULL, 3, NULL, 0, NULL), -WBE_INVAL);
	CHECK_INT(chap_check_secrets("abc", 3, NULL, 3, NULL), -WBE_INVAL);
	/* binary secrets with NUL bytes compare by length and content */
	CHECK_INT(chap_check_secrets("a\0b", 3, "a\0c", 3, NULL), 0);
	CHECK_INT(chap_check_secrets("a\0b", 3, "a\0b", 3, NULL), -WBE_CHAP_SAME_SECRETS);
}

/*
 * chap_equal() is tested for its result here; that its time does not depend on the data is
 * a property of the code (no branch on the bytes, volatile reads), not something a unit test
 * under sanitizers can measure reliably.
 */
TEST(chap_equal_constant_time_compare)
{
	uint8_t a[64], b[64];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 7 + 3);
	CHECK(chap_equal(a, b, sizeof(a)));
	CHECK(chap_equal(a, a, sizeof(a)));
	CHECK(chap_equal(a, b, 0));
	/* every single-bit difference, at every position (first, middle, last included) */
	for (size_t i = 0; i < sizeof(b); i++) {
		for (int bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			if (chap_equal(a, b, sizeof(a)))
				test_fail(__FILE__, __LINE__, "byte %zu bit %d difference missed", i, bit);
			/* a shorter comparison that stops before the difference still matches */
			if (!chap_equal(a, b, i))
				test_fail(__FILE__, __LINE__, "prefix of %zu bytes should match", i);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	/* differences everywhere, and differences that cancel in a sum but not in an OR */
	memset(b, 0, sizeof(b));
	CHECK(!chap_equal(a, b, sizeof(a)));
	uint8_t x[2] = {0x01, 0xff}, y[2] = {0x00, 0x00};
	CHECK(!chap_equal(x, y, 2));
}

TEST(chap_challenge_from_platform_rng)
{
	struct test_platform tp;
	test_platform_init(&tp);
	struct rng *rng = NULL;
	REQUIRE(rng_create(&tp.platform, &rng, NULL) == 0);

	struct chap first, second;
	REQUIRE(chap_begin(&first, "7", chap_random_from_rng, rng) == 0);
	REQUIRE(chap_begin(&second, "7", chap_random_from_rng, rng) == 0);
	CHECK(first.mutual && second.mutual);
	/* 32 fresh random bytes each time: equal or all-zero would mean a broken source */
	static const uint8_t zero[CHAP_MAX_DIGEST_LEN];
	CHECK(memcmp(first.challenge, zero, 32) != 0);
	CHECK(memcmp(first.challenge, second.challenge, 32) != 0);
	rng_destroy(rng);
}

TEST(chap_challenge_text_sizes)
{
	struct counter_source src = {0xff, 0};
	struct chap chap;
	REQUIRE(chap_begin(&chap, "5", counter_bytes, &src) == 0);
	CHECK_INT(src.calls, 2);
	char i_text[CHAP_ID_TEXT_SIZE], c_text[CHAP_VALUE_TEXT_SIZE];
	CHECK_INT(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)), 0);
	CHECK_STR(i_text, "255");
	CHECK_STR(c_text, "0x000102030405060708090a0b0c0d0e0f");
	/* MD5: the challenge bytes past the digest length stay zero */
	static const uint8_t zero[16];
	CHECK_MEM(chap.challenge + 16, zero, 16);
	CHECK_INT(chap_challenge_text(&chap, i_text, 3, c_text, sizeof(c_text)), -WBE_NOSPC);
	CHECK_INT(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, 2 + 32), -WBE_NOSPC);
	CHECK_INT(chap_challenge_text(&chap, NULL, 4, c_text, sizeof(c_text)), -WBE_INVAL);
}
