/*
 * chap.h - CHAP for iSCSI login (RFC 1994 §4.1, RFC 7143 §12.1.3), one-way and mutual,
 * with MD5 (CHAP_A=5) and SHA-256 (CHAP_A=7, RFC 7143's hash registry) through BearSSL.
 *
 * The exchange, initiator side (we are the initiator):
 *   we     -> target  CHAP_A=7,5                       (CHAP_ALGORITHMS_OFFER)
 *   target -> we      CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>  chap_begin(), then chap_respond()
 *   we     -> target  CHAP_N=<user> CHAP_R=<R>          (chap_respond()'s text)
 *                     [mutual: CHAP_I=<I'> CHAP_C=<C'>] (chap_challenge_text())
 *   target -> we      [mutual: CHAP_N=<N'> CHAP_R=<R'>] chap_verify()
 * where R = H(I || secret || C), one identifier byte, the secret and the challenge hashed
 * in that order (RFC 1994 §4.1).
 *
 * Security rules this module enforces (see the functions):
 *  - only SHA-256 and MD5; SHA-256 whenever the target allows it;
 *  - our challenge comes from the caller's random source (the platform RNG: never a
 *    time-seeded generator), as long as the digest (16 or 32 bytes);
 *  - a target challenge equal to ours is refused (reflection: the target would be asking
 *    us to compute the answer to our own challenge);
 *  - the target's response is compared in constant time;
 *  - identical forward and reverse secrets are refused (they would make reflection work,
 *    and RFC 7143 §9.2.1 forbids configuring a secret for both directions);
 *  - secrets shorter than 12 bytes are reported as a warning (RFC 7143 §9.2.1 requires IPsec
 *    below 96 random bits; EDK2 refuses them; we warn so existing setups keep booting).
 * Secrets are never logged: this module logs nothing at all, and wipes the hash state that
 * held a secret before returning.
 */
#ifndef WIREBOOT_CHAP_H
#define WIREBOOT_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum chap_algorithm {
	CHAP_MD5 = 5,    /* 16-byte digest */
	CHAP_SHA256 = 7, /* 32-byte digest */
};

/* Our CHAP_A offer, most preferred first. */
#define CHAP_ALGORITHMS_OFFER "7,5"
#define CHAP_MAX_DIGEST_LEN 32
/* Largest target challenge accepted, in bytes (RFC 7143 §12.1.3 bounds CHAP_C at 1024). */
#define CHAP_MAX_CHALLENGE_LEN 1024
/* Secrets shorter than this (bytes) draw a warning. */
#define CHAP_MIN_SECRET_LEN 12
/* Room for a CHAP_R or CHAP_C we send: "0x", two digits per digest byte, NUL. */
#define CHAP_VALUE_TEXT_SIZE (2 + 2 * CHAP_MAX_DIGEST_LEN + 1)
/* Room for a CHAP_I we send: up to "255" and a NUL. */
#define CHAP_ID_TEXT_SIZE 4

/* Bits of chap_check_secrets()'s *warnings. */
#define CHAP_WARN_SHORT_SECRET 0x1u         /* forward secret under CHAP_MIN_SECRET_LEN */
#define CHAP_WARN_SHORT_REVERSE_SECRET 0x2u /* reverse secret under CHAP_MIN_SECRET_LEN */

/*
 * A random source: fill @buf with @len unpredictable bytes. It cannot fail (the platform RNG
 * refuses to exist without entropy, see rng.h).
 */
typedef void chap_random_fn(void *ctx, void *buf, size_t len);

/** chap_random_from_rng() - a chap_random_fn drawing from a struct rng (@ctx) with
 * rng_bytes(): pass it with the rng as ctx. */
void chap_random_from_rng(void *ctx, void *buf, size_t len);

/* One CHAP exchange. Plain data: no allocation, nothing to free. */
struct chap {
	enum chap_algorithm algorithm;
	bool mutual;                            /* we challenge the target too */
	uint8_t id;                             /* our CHAP_I (mutual only) */
	uint8_t challenge[CHAP_MAX_DIGEST_LEN]; /* our CHAP_C: chap_digest_len() bytes (mutual) */
};

/** chap_digest_len() - 16 for CHAP_MD5, 32 for CHAP_SHA256, 0 for anything else. */
size_t chap_digest_len(enum chap_algorithm algorithm);

/**
 * chap_select_algorithm() - choose from the target's CHAP_A value, a list-of-values
 * (normally the single algorithm it picked from our offer): 7 if present, else 5.
 * Returns 0 and *@out, -WBE_CHAP_ALGORITHM when neither is in the list (other algorithms
 * are refused, never negotiated down), -WBE_CHAP_ENCODING for a malformed list, -WBE_INVAL
 * for a NULL argument.
 */
int chap_select_algorithm(const char *chap_a, enum chap_algorithm *out);

/**
 * chap_check_secrets() - check the configured secrets before a login uses them.
 * @secret/@secret_len: forward secret (the target authenticates us with it); required.
 * @reverse_secret/@reverse_len: reverse secret for mutual CHAP; NULL/0 for one-way.
 * @warnings: receives CHAP_WARN_* bits (0 when none); may be NULL.
 * Returns 0 (possibly with warnings), -WBE_CHAP_NO_SECRET (empty forward secret),
 * -WBE_CHAP_SAME_SECRETS (the two are byte-for-byte equal), -WBE_INVAL (NULL with a
 * non-zero length).
 */
int chap_check_secrets(const void *secret, size_t secret_len, const void *reverse_secret,
		       size_t reverse_len, unsigned *warnings);

/**
 * chap_compute() - RFC 1994 §4.1 response H(@id || @secret || @challenge).
 * @digest: receives chap_digest_len(@algorithm) bytes; never NULL.
 * Returns 0, -WBE_CHAP_NO_SECRET (@secret_len 0), -WBE_CHAP_CHALLENGE_LENGTH (@challenge_len
 * 0 or over CHAP_MAX_CHALLENGE_LEN), -WBE_INVAL (unknown algorithm, NULL pointer).
 */
int chap_compute(enum chap_algorithm algorithm, uint8_t id, const void *secret, size_t secret_len,
		 const void *challenge, size_t challenge_len, uint8_t *digest);

/**
 * chap_begin() - start an exchange once the target's CHAP_A has arrived.
 * @chap: receives the state; never NULL. Fully written on success.
 * @chap_a: the target's CHAP_A value (see chap_select_algorithm()).
 * @random/@random_ctx: for mutual CHAP, the source of our CHAP_I and CHAP_C (drawn here,
 *                      before the target's challenge is looked at, so chap_respond() can
 *                      refuse a reflected one); NULL for one-way CHAP.
 * Returns 0 or chap_select_algorithm()'s codes.
 */
int chap_begin(struct chap *chap, const char *chap_a, chap_random_fn *random, void *random_ctx);

/**
 * chap_respond() - our CHAP_R for the target's CHAP_I and CHAP_C.
 * @chap_i: decimal or hex number 0..255; @chap_c: "0x" hex or "0b" base64, 1..1024 bytes.
 * @secret/@secret_len: the forward secret.
 * @chap_r/@chap_r_size: receive "0x" and the digest in hex (CHAP_VALUE_TEXT_SIZE is enough).
 * Returns 0, or:
 *   -WBE_CHAP_ENCODING          @chap_i or @chap_c malformed;
 *   -WBE_CHAP_CHALLENGE_LENGTH  the challenge is longer than CHAP_MAX_CHALLENGE_LEN;
 *   -WBE_CHAP_REFLECTION        (mutual) the challenge equals the one we send;
 *   -WBE_CHAP_NO_SECRET, -WBE_NOSPC (@chap_r_size too small), -WBE_INVAL (NULL argument).
 * On error @chap_r holds "" (when @chap_r_size > 0).
 */
int chap_respond(const struct chap *chap, const char *chap_i, const char *chap_c,
		 const void *secret, size_t secret_len, char *chap_r, size_t chap_r_size);

/**
 * chap_challenge_text() - our CHAP_I (decimal) and CHAP_C ("0x" hex) to send (mutual only).
 * Returns 0, -WBE_NOSPC (a buffer too small; see CHAP_ID_TEXT_SIZE, CHAP_VALUE_TEXT_SIZE),
 * -WBE_INVAL (NULL argument, or a one-way exchange).
 */
int chap_challenge_text(const struct chap *chap, char *chap_i, size_t chap_i_size, char *chap_c,
			size_t chap_c_size);

/**
 * chap_verify() - check the target's CHAP_R against our challenge (mutual only), comparing
 * in constant time.
 * @chap_r: the target's CHAP_R ("0x" hex or "0b" base64).
 * @reverse_secret/@reverse_len: the secret the target must know.
 * Returns 0 when the target proved it knows the secret, -WBE_CHAP_TARGET_AUTH when it did
 * not (wrong value or wrong length), -WBE_CHAP_ENCODING (@chap_r malformed),
 * -WBE_CHAP_NO_SECRET, -WBE_INVAL (NULL argument, or a one-way exchange).
 */
int chap_verify(const struct chap *chap, const char *chap_r, const void *reverse_secret,
		size_t reverse_len);

/**
 * chap_equal() - whether @len bytes at @a and @b are equal, in time that depends only on
 * @len (every byte is read; no early exit), so a response cannot be guessed byte by byte.
 */
bool chap_equal(const void *a, const void *b, size_t len);

#endif
