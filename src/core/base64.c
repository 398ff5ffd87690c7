/* base64.c - RFC 4648 base64 (contract in wireboot/base64.h). */
#include "wireboot/base64.h"
#include "wireboot/errors.h"

#include <stdbool.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const void *data, size_t len, char *out, size_t size)
{
	const uint8_t *in = data;
	size_t need = base64_encoded_len(len), o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t group = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			group |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			group |= in[i + 2];
		char quad[4] = {alphabet[group >> 18], alphabet[(group >> 12) & 63],
				i + 1 < len ? alphabet[(group >> 6) & 63] : '=', i + 2 < len ? alphabet[group & 63] : '='};
		for (int k = 0; k < 4; k++, o++) {
			if (o + 1 < size)
				out[o] = quad[k];
		}
	}
	if (size)
		out[o < size ? o : size - 1] = '\0';
	return need;
}

static int sextet(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int base64_decode(const char *text, uint8_t *out, size_t size)
{
	size_t len = strlen(text);
	if (len % 4)
		return -WBE_INVAL;
	size_t n = 0;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int pad = 0;
		uint32_t group = 0;
		for (int k = 0; k < 4; k++) {
			char c = text[i + k];
			int v;
			/* '=' only at the end: "xx==" or "xxx=" (§3.3: padding anywhere else is an error) */
			if (c == '=' && last && k >= 2 && (k == 3 || text[i + 3] == '=')) {
				pad++;
				v = 0;
			} else if (pad || (v = sextet(c)) < 0) {
				return -WBE_INVAL;
			}
			group = group << 6 | (uint32_t)v;
		}
		uint8_t bytes[3] = {(uint8_t)(group >> 16), (uint8_t)(group >> 8), (uint8_t)group};
		for (int k = 0; k < 3 - pad; k++, n++) {
			if (n < size)
				out[n] = bytes[k];
		}
	}
	return (int)n;
}
