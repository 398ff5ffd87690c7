/*
 * string.c - memory and string functions for the EFI build (no libc there). memcpy and memset
 * work 8 bytes at a time, since bulk payload copies go through them: a TCP payload sits 2 or 6
 * bytes past an 8-byte boundary in its frame, so memcpy aligns the destination and loads the
 * source unaligned. Unaligned loads are fine on x86-64, and on AArch64 UEFI requires alignment
 * checking off (UEFI 2.10 §2.3.6.1). Built with -fno-builtin so the compiler cannot turn these
 * loops back into calls to themselves.
 */
#include <stdint.h>
#include <string.h>

typedef uint64_t __attribute__((aligned(1), may_alias)) unaligned_u64;
typedef uint64_t __attribute__((may_alias)) aliased_u64;

void *(memcpy)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n >= 2 * sizeof(uint64_t)) {
		for (; (uintptr_t)d & (sizeof(uint64_t) - 1); n--)
			*d++ = *s++;
		for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t), d += sizeof(uint64_t), s += sizeof(uint64_t))
			*(aliased_u64 *)(void *)d = *(const unaligned_u64 *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *(memmove)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return (memcpy)(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *(memset)(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	if (n >= 2 * sizeof(uint64_t)) {
		for (; (uintptr_t)d & (sizeof(uint64_t) - 1); n--)
			*d++ = (unsigned char)c;
		uint64_t word = (unsigned char)c * 0x0101010101010101ull;
		for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t), d += sizeof(uint64_t))
			*(aliased_u64 *)(void *)d = word;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int (memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	return n == 0 ? (char *)haystack : NULL;
}
