/*
 * chap.c - CHAP responses, challenges and verification (contract in wireboot/chap.h).
 *
 * Nothing here logs, by design: the inputs are secrets and the values derived from them. The
 * hash contexts, which hold the secret in their block buffer, and the expected response in
 * chap_verify() are wiped before returning.
 */
#include "wireboot/chap.h"

#include <bearssl.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/iscsi_text.h"
#include "wireboot/rng.h"

/* A memset the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;
	while (n--)
		*v++ = 0;
}

bool chap_equal(const void *a, const void *b, size_t len)
{
	/* volatile reads keep the compiler from turning the loop into an early-exit memcmp */
	const volatile uint8_t *x = a, *y = b;
	uint8_t diff = 0;
	for (size_t i = 0; i < len; i++)
		diff |= (uint8_t)(x[i] ^ y[i]);
	return diff == 0;
}

void chap_random_from_rng(void *ctx, void *buf, size_t len)
{
	rng_bytes(ctx, buf, len);
}

size_t chap_digest_len(enum chap_algorithm algorithm)
{
	switch (algorithm) {
	case CHAP_MD5:
		return br_md5_SIZE;
	case CHAP_SHA256:
		return br_sha256_SIZE;
	}
	return 0;
}

int chap_select_algorithm(const char *chap_a, enum chap_algorithm *out)
{
	if (!chap_a || !out)
		return -WBE_INVAL;
	/* our preference decides, not the order of the target's list */
	int sha256 = iscsi_list_find(chap_a, "7");
	if (sha256 < 0)
		return -WBE_CHAP_ENCODING;
	if (sha256 || iscsi_list_find(chap_a, "5")) {
		*out = sha256 ? CHAP_SHA256 : CHAP_MD5;
		return 0;
	}
	return -WBE_CHAP_ALGORITHM;
}

int chap_check_secrets(const void *secret, size_t secret_len, const void *reverse_secret,
		       size_t reverse_len, unsigned *warnings)
{
	if ((!secret && secret_len) || (!reverse_secret && reverse_len))
		return -WBE_INVAL;
	if (warnings)
		*warnings = 0;
	if (secret_len == 0)
		return -WBE_CHAP_NO_SECRET;
	if (reverse_len == secret_len && chap_equal(secret, reverse_secret, secret_len))
		return -WBE_CHAP_SAME_SECRETS;
	if (warnings) {
		if (secret_len < CHAP_MIN_SECRET_LEN)
			*warnings |= CHAP_WARN_SHORT_SECRET;
		if (reverse_len && reverse_len < CHAP_MIN_SECRET_LEN)
			*warnings |= CHAP_WARN_SHORT_REVERSE_SECRET;
	}
	return 0;
}

int chap_compute(enum chap_algorithm algorithm, uint8_t id, const void *secret, size_t secret_len,
		 const void *challenge, size_t challenge_len, uint8_t *digest)
{
	if (!challenge || !digest || chap_digest_len(algorithm) == 0)
		return -WBE_INVAL;
	if (secret_len == 0)
		return -WBE_CHAP_NO_SECRET;
	if (!secret)
		return -WBE_INVAL;
	if (challenge_len == 0 || challenge_len > CHAP_MAX_CHALLENGE_LEN)
		return -WBE_CHAP_CHALLENGE_LENGTH;
	/* RFC 1994 §4.1: the hash of Identifier, then secret, then Challenge Value */
	if (algorithm == CHAP_MD5) {
		br_md5_context md5;
		br_md5_init(&md5);
		br_md5_update(&md5, &id, 1);
		br_md5_update(&md5, secret, secret_len);
		br_md5_update(&md5, challenge, challenge_len);
		br_md5_out(&md5, digest);
		wipe(&md5, sizeof(md5));
	} else {
		br_sha256_context sha;
		br_sha256_init(&sha);
		br_sha256_update(&sha, &id, 1);
		br_sha256_update(&sha, secret, secret_len);
		br_sha256_update(&sha, challenge, challenge_len);
		br_sha256_out(&sha, digest);
		wipe(&sha, sizeof(sha));
	}
	return 0;
}

int chap_begin(struct chap *chap, const char *chap_a, chap_random_fn *random, void *random_ctx)
{
	if (!chap)
		return -WBE_INVAL;
	enum chap_algorithm algorithm;
	int rc = chap_select_algorithm(chap_a, &algorithm);
	if (rc)
		return rc;
	memset(chap, 0, sizeof(*chap));
	chap->algorithm = algorithm;
	if (random) {
		/* As long as the digest: a shorter challenge would be the weak link, a longer one
		 * adds nothing the hash keeps. */
		chap->mutual = true;
		random(random_ctx, &chap->id, 1);
		random(random_ctx, chap->challenge, chap_digest_len(algorithm));
	}
	return 0;
}

int chap_respond(const struct chap *chap, const char *chap_i, const char *chap_c,
		 const void *secret, size_t secret_len, char *chap_r, size_t chap_r_size)
{
	if (chap_r && chap_r_size > 0)
		chap_r[0] = '\0';
	if (!chap || !chap_i || !chap_c || !chap_r)
		return -WBE_INVAL;
	if (secret_len == 0)
		return -WBE_CHAP_NO_SECRET;
	if (!secret)
		return -WBE_INVAL;

	uint64_t id;
	if (iscsi_value_number(chap_i, &id) != 0 || id > 255)
		return -WBE_CHAP_ENCODING;
	uint8_t challenge[CHAP_MAX_CHALLENGE_LEN];
	size_t challenge_len;
	int rc = iscsi_value_binary(chap_c, challenge, sizeof(challenge), &challenge_len);
	if (rc == -WBE_RANGE)
		return -WBE_CHAP_CHALLENGE_LENGTH;
	if (rc)
		return -WBE_CHAP_ENCODING;

	/* Reflection: with our own challenge, the target would get from us the very response
	 * it must produce to authenticate itself. */
	size_t digest_len = chap_digest_len(chap->algorithm);
	if (chap->mutual && challenge_len == digest_len &&
	    chap_equal(challenge, chap->challenge, digest_len))
		return -WBE_CHAP_REFLECTION;

	uint8_t digest[CHAP_MAX_DIGEST_LEN];
	rc = chap_compute(chap->algorithm, (uint8_t)id, secret, secret_len, challenge, challenge_len,
			  digest);
	if (rc == 0)
		rc = iscsi_value_encode_hex(digest, digest_len, chap_r, chap_r_size);
	wipe(digest, sizeof(digest));
	return rc;
}

int chap_challenge_text(const struct chap *chap, char *chap_i, size_t chap_i_size, char *chap_c,
			size_t chap_c_size)
{
	if (!chap || !chap_i || !chap_c || !chap->mutual)
		return -WBE_INVAL;
	if (chap_i_size < CHAP_ID_TEXT_SIZE)
		return -WBE_NOSPC;
	wb_snprintf(chap_i, chap_i_size, "%u", (unsigned)chap->id);
	return iscsi_value_encode_hex(chap->challenge, chap_digest_len(chap->algorithm), chap_c,
				      chap_c_size);
}

int chap_verify(const struct chap *chap, const char *chap_r, const void *reverse_secret,
		size_t reverse_len)
{
	if (!chap || !chap_r || !chap->mutual)
		return -WBE_INVAL;
	if (reverse_len == 0)
		return -WBE_CHAP_NO_SECRET;
	if (!reverse_secret)
		return -WBE_INVAL;

	uint8_t got[CHAP_MAX_DIGEST_LEN], expected[CHAP_MAX_DIGEST_LEN];
	size_t got_len;
	int rc = iscsi_value_binary(chap_r, got, sizeof(got), &got_len);
	if (rc == -WBE_RANGE) /* longer than any digest: not a response to our challenge */
		return -WBE_CHAP_TARGET_AUTH;
	if (rc)
		return -WBE_CHAP_ENCODING;

	size_t digest_len = chap_digest_len(chap->algorithm);
	rc = chap_compute(chap->algorithm, chap->id, reverse_secret, reverse_len, chap->challenge,
			  digest_len, expected);
	if (rc == 0 && !(got_len == digest_len && chap_equal(got, expected, digest_len)))
		rc = -WBE_CHAP_TARGET_AUTH;
	wipe(expected, sizeof(expected));
	return rc;
}
