/*
 * selftest.h - known-answer tests of the cryptography wireboot links in (BearSSL's SHA-256 and
 * AES-GCM, including the hardware-accelerated AES implementation when the CPU has one), so a
 * miscompiled or mislinked crypto build is caught before it protects anything.
 */
#ifndef WIREBOOT_SELFTEST_H
#define WIREBOOT_SELFTEST_H

/**
 * crypto_selftest() - run every known-answer test. @report (may be NULL) is called once per
 * test with its name and result (0 or -WBE_CRYPTO_SELFTEST). Returns 0 when all passed,
 * -WBE_CRYPTO_SELFTEST otherwise.
 */
int crypto_selftest(void (*report)(void *ctx, const char *name, int rc), void *ctx);

#endif
