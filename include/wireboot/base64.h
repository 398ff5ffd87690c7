/*
 * base64.h - RFC 4648 §4 base64 (standard alphabet, '=' padding): the `base64` settings type
 * and HTTP Basic credentials (RFC 7617). No allocation; callers size the buffers.
 */
#ifndef WIREBOOT_BASE64_H
#define WIREBOOT_BASE64_H

#include <stddef.h>
#include <stdint.h>

/** base64_encoded_len() - characters needed for @len bytes (without the NUL). */
static inline size_t base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

/**
 * base64_encode() - encode @len bytes of @data into @out (capacity @size, NUL-terminated when
 * @size > 0). Returns the encoded length (like snprintf: may exceed @size - 1, then the text
 * was cut).
 */
size_t base64_encode(const void *data, size_t len, char *out, size_t size);

/**
 * base64_decode() - decode the NUL-terminated @text into @out (capacity @size). Padding is
 * required when the length is not a multiple of 4 (RFC 4648 §3.2); whitespace is not allowed.
 * Returns the decoded length (which may exceed @size: nothing beyond @size is written), or
 * -WBE_INVAL for a character outside the alphabet, misplaced padding or a bad length.
 */
int base64_decode(const char *text, uint8_t *out, size_t size);

#endif
