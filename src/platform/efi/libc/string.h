/*
 * string.h - the memory/string functions the freestanding EFI build provides (used by the core
 * and by BearSSL, and emitted implicitly by the compiler for struct copies).
 */
#ifndef WIREBOOT_EFI_STRING_H
#define WIREBOOT_EFI_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/*
 * -ffreestanding implies -fno-builtin, so without these every memcpy(&word, p, 8) the core uses
 * for unaligned loads (checksums, get_be32, header fields) is a real call: measured under TCG,
 * the TCP checksum of one 1460-byte segment cost about 19000 cycles that way. Through the
 * builtins the compiler inlines small fixed sizes and still calls the functions above for the
 * rest. string.c defines them as (memcpy) etc., which these function-like macros leave alone.
 */
#define memcpy(dst, src, n) __builtin_memcpy(dst, src, n)
#define memmove(dst, src, n) __builtin_memmove(dst, src, n)
#define memset(dst, c, n) __builtin_memset(dst, c, n)
#define memcmp(a, b, n) __builtin_memcmp(a, b, n)

#endif
