/*
 * chap_fuzz.c - libFuzzer harness for wireboot/chap.h: the values a target sends (CHAP_A,
 * CHAP_I, CHAP_C, CHAP_R) and the verification path.
 *
 * Input layout: one flags byte (bit 0: mutual CHAP; the whole byte also seeds the
 * deterministic "random" source), then NUL-separated fields, missing ones empty:
 *   CHAP_A, CHAP_I, CHAP_C, CHAP_R, forward secret, reverse secret.
 * Invariants checked, beyond the sanitizers':
 *  - error codes are the documented ones, and outputs are "" on error;
 *  - a response we produce is "0x" + the digest in hex, equal to chap_compute() over the
 *    independently decoded CHAP_I and CHAP_C, and is never produced for our own challenge;
 *  - the target's correct response verifies, a one-bit change does not, and the fuzzed
 *    CHAP_R verifies only if it decodes to exactly the correct digest (no false accept);
 *  - secrets that are equal are refused, an empty forward secret is refused.
 * The module does not allocate, so there is nothing to leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/chap.h"
#include "wireboot/errors.h"
#include "wireboot/iscsi_text.h"

#include "fuzz.h"

enum { F_CHAP_A, F_CHAP_I, F_CHAP_C, F_CHAP_R, F_SECRET, F_REVERSE, F_COUNT };

static void counter_bytes(void *ctx, void *buf, size_t len)
{
	uint8_t *next = ctx, *p = buf;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((*next)++ * 37 + 1);
}

static void check_secrets(const char *secret, const char *reverse)
{
	size_t slen = strlen(secret), rlen = strlen(reverse);
	unsigned warnings = 0;
	int rc = chap_check_secrets(secret, slen, reverse, rlen, &warnings);
	if (slen == 0)
		ENSURE(rc == -WBE_CHAP_NO_SECRET);
	else if (rlen == slen && memcmp(secret, reverse, slen) == 0)
		ENSURE(rc == -WBE_CHAP_SAME_SECRETS);
	else
		ENSURE(rc == 0 && ((warnings & CHAP_WARN_SHORT_SECRET) != 0) ==
					  (slen < CHAP_MIN_SECRET_LEN));
}

/* Our response to the fuzzed CHAP_I/CHAP_C, checked against an independent computation. */
static void check_respond(const struct chap *chap, const char *chap_i, const char *chap_c,
			  const char *secret)
{
	char r[CHAP_VALUE_TEXT_SIZE];
	size_t slen = strlen(secret), dlen = chap_digest_len(chap->algorithm);
	int rc = chap_respond(chap, chap_i, chap_c, secret, slen, r, sizeof(r));
	ENSURE(rc == 0 || rc == -WBE_CHAP_ENCODING || rc == -WBE_CHAP_CHALLENGE_LENGTH ||
	       rc == -WBE_CHAP_REFLECTION || rc == -WBE_CHAP_NO_SECRET);
	if (rc != 0) {
		ENSURE(r[0] == '\0');
		return;
	}
	ENSURE(strlen(r) == 2 + 2 * dlen && r[0] == '0' && r[1] == 'x');

	uint64_t id;
	static uint8_t challenge[CHAP_MAX_CHALLENGE_LEN];
	size_t clen;
	uint8_t expected[CHAP_MAX_DIGEST_LEN], got[CHAP_MAX_DIGEST_LEN];
	size_t got_len;
	ENSURE(iscsi_value_number(chap_i, &id) == 0 && id <= 255);
	ENSURE(iscsi_value_binary(chap_c, challenge, sizeof(challenge), &clen) == 0);
	ENSURE(!chap->mutual || clen != dlen || memcmp(challenge, chap->challenge, dlen) != 0);
	ENSURE(chap_compute(chap->algorithm, (uint8_t)id, secret, slen, challenge, clen, expected) == 0);
	ENSURE(iscsi_value_binary(r, got, sizeof(got), &got_len) == 0 && got_len == dlen);
	ENSURE(memcmp(got, expected, dlen) == 0);
}

static void check_verify(const struct chap *chap, const char *chap_r, const char *reverse)
{
	size_t rlen = strlen(reverse), dlen = chap_digest_len(chap->algorithm);
	int rc = chap_verify(chap, chap_r, reverse, rlen);
	ENSURE(rc == 0 || rc == -WBE_CHAP_TARGET_AUTH || rc == -WBE_CHAP_ENCODING ||
	       rc == -WBE_CHAP_NO_SECRET);
	if (rlen == 0) {
		ENSURE(rc == -WBE_CHAP_NO_SECRET);
		return;
	}

	/* the target that knows the secret */
	char i_text[CHAP_ID_TEXT_SIZE], c_text[CHAP_VALUE_TEXT_SIZE], good[CHAP_VALUE_TEXT_SIZE];
	uint8_t digest[CHAP_MAX_DIGEST_LEN];
	ENSURE(chap_challenge_text(chap, i_text, sizeof(i_text), c_text, sizeof(c_text)) == 0);
	ENSURE(chap_compute(chap->algorithm, chap->id, reverse, rlen, chap->challenge, dlen, digest) == 0);
	ENSURE(iscsi_value_encode_hex(digest, dlen, good, sizeof(good)) == 0);
	ENSURE(chap_verify(chap, good, reverse, rlen) == 0);

	/* no false accept: the fuzzed response verifies only if it is the digest */
	uint8_t got[CHAP_MAX_DIGEST_LEN];
	size_t got_len;
	int drc = iscsi_value_binary(chap_r, got, sizeof(got), &got_len);
	bool correct = drc == 0 && got_len == dlen && memcmp(got, digest, dlen) == 0;
	ENSURE((rc == 0) == correct);
	if (drc != 0 && drc != -WBE_RANGE)
		ENSURE(rc == -WBE_CHAP_ENCODING);

	/* one flipped bit anywhere in the good response fails */
	size_t pos = 2 + strlen(chap_r) % (2 * dlen);
	good[pos] = good[pos] == '0' ? '1' : '0';
	ENSURE(chap_verify(chap, good, reverse, rlen) == -WBE_CHAP_TARGET_AUTH);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t flags = data[0];

	/* split the rest into NUL-terminated fields (copies: the input is not terminated) */
	char *copy = malloc(size);
	ENSURE(copy != NULL);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	const char *field[F_COUNT];
	char *p = copy, *end = copy + size - 1; /* *end is the NUL closing the last field */
	for (int f = 0; f < F_COUNT; f++) {
		field[f] = p;
		p += strlen(p) + 1;
		if (p > end)
			p = end; /* fields past the input are empty */
	}

	check_secrets(field[F_SECRET], field[F_REVERSE]);

	struct chap chap;
	uint8_t seed = flags;
	bool mutual = flags & 1;
	int rc = chap_begin(&chap, field[F_CHAP_A], mutual ? counter_bytes : NULL, &seed);
	ENSURE(rc == 0 || rc == -WBE_CHAP_ALGORITHM || rc == -WBE_CHAP_ENCODING);
	if (rc == 0) {
		ENSURE(chap.mutual == mutual);
		ENSURE(chap.algorithm == CHAP_MD5 || chap.algorithm == CHAP_SHA256);
		ENSURE(chap.algorithm == CHAP_SHA256 || iscsi_list_find(field[F_CHAP_A], "7") == 0);
		check_respond(&chap, field[F_CHAP_I], field[F_CHAP_C], field[F_SECRET]);
		if (mutual) {
			check_verify(&chap, field[F_CHAP_R], field[F_REVERSE]);
			/* our own challenge, reflected, is always refused */
			char i_text[CHAP_ID_TEXT_SIZE], c_text[CHAP_VALUE_TEXT_SIZE], r[CHAP_VALUE_TEXT_SIZE];
			ENSURE(chap_challenge_text(&chap, i_text, sizeof(i_text), c_text, sizeof(c_text)) == 0);
			ENSURE(chap_respond(&chap, field[F_CHAP_I][0] ? "1" : i_text, c_text, "s", 1, r,
					    sizeof(r)) == -WBE_CHAP_REFLECTION);
		}
	}
	free(copy);
	return 0;
}
