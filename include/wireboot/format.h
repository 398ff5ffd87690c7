/*
 * format.h - freestanding printf-style formatting (the EFI build has no libc).
 *
 * Supported conversions: %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', width, precision
 * (for %s: max bytes), '*' for width/precision, and length modifiers hh h l ll z j t.
 * No floating point. A NULL %s prints "(null)".
 */
#ifndef WIREBOOT_FORMAT_H
#define WIREBOOT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/**
 * wb_vsnprintf() - format into @buf of @size bytes.
 * The output is always NUL-terminated when @size > 0 (truncated if needed); @buf may be NULL
 * when @size is 0. Returns the length the complete output needs (excluding the NUL).
 */
int wb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int wb_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
