/* format.c - freestanding vsnprintf (contract in wireboot/format.h). */
#include "wireboot/format.h"

#include <stdint.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters the full output needs so far */
};

static void emit(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* %c, %s and %p: the text padded with spaces to @width. */
static void emit_padded(struct out *o, const char *s, size_t n, int width, int left)
{
	int fill = width > (int)n ? width - (int)n : 0;
	if (!left)
		while (fill-- > 0)
			emit(o, ' ');
	for (size_t i = 0; i < n; i++)
		emit(o, s[i]);
	if (left)
		while (fill-- > 0)
			emit(o, ' ');
}

/*
 * Converts @v to digits ending at @end; returns how many. The digits only: the precision's
 * leading zeros are emitted by emit_number(), never stored, so "%.100d" cannot overrun the
 * caller's buffer. A zero value with precision 0 has no digits at all (C11 7.21.6.1).
 */
static size_t convert(char *end, uintmax_t v, unsigned base, int upper, int precision)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;
	if (v == 0 && precision == 0)
		return 0;
	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return (size_t)(end - p);
}

/* Sign, zeros up to @precision digits, the @n digits; padded to @width with @pad ('0' pads
 * between the sign and the digits: "-0042"). */
/* @sign: 0, '-' or '+' (the '+' flag on a non-negative number). */
static void emit_number(struct out *o, char sign, const char *digits, size_t n, int precision, int width,
			int left, char pad)
{
	size_t zeros = precision > (int)n ? (size_t)precision - n : 0;
	size_t body = (sign ? 1 : 0) + zeros + n;
	size_t fill = width > 0 && (size_t)width > body ? (size_t)width - body : 0;
	if (!left && pad == '0') {
		zeros += fill;
		fill = 0;
	}
	if (!left)
		for (; fill; fill--)
			emit(o, ' ');
	if (sign)
		emit(o, sign);
	for (; zeros; zeros--)
		emit(o, '0');
	for (size_t i = 0; i < n; i++)
		emit(o, digits[i]);
	for (; fill; fill--)
		emit(o, ' ');
}

int wb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			emit(&o, *f);
			continue;
		}
		f++;
		int left = 0, width = 0, precision = -1, plus = 0;
		char pad = ' ';
		for (;; f++) {
			if (*f == '-')
				left = 1;
			else if (*f == '0')
				pad = '0';
			else if (*f == '+')
				plus = 1;
			else
				break;
		}
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				width = width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			precision = 0;
			if (*f == '*') {
				precision = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					precision = precision * 10 + (*f++ - '0');
			}
		}
		/* length modifier: 0 = int, 1 = long, 2 = long long / intmax / size, -1 char, -2 short */
		int length = 0;
		if (*f == 'h') {
			length = -2;
			if (*++f == 'h') {
				length = -1;
				f++;
			}
		} else if (*f == 'l') {
			length = 1;
			if (*++f == 'l') {
				length = 2;
				f++;
			}
		} else if (*f == 'z' || *f == 'j' || *f == 't') {
			length = 2;
			f++;
		}

		char tmp[72];
		char *end = tmp + sizeof(tmp);
		switch (*f) {
		case 'd':
		case 'i': {
			intmax_t v = length == 2 ? va_arg(ap, long long) : length == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (length == -1)
				v = (signed char)v;
			else if (length == -2)
				v = (short)v;
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			size_t n = convert(end, mag, 10, 0, precision);
			emit_number(&o, v < 0 ? '-' : plus ? '+' : 0, end - n, n, precision, width, left,
				    precision >= 0 ? ' ' : pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uintmax_t v = length == 2 ? va_arg(ap, unsigned long long)
				      : length == 1 ? va_arg(ap, unsigned long)
						    : va_arg(ap, unsigned int);
			if (length == -1)
				v = (unsigned char)v;
			else if (length == -2)
				v = (unsigned short)v;
			unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
			size_t n = convert(end, v, base, *f == 'X', precision);
			emit_number(&o, 0, end - n, n, precision, width, left, precision >= 0 ? ' ' : pad);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			size_t n = convert(end, v, 16, 0, -1);
			*(end - n - 1) = 'x';
			*(end - n - 2) = '0';
			emit_padded(&o, end - n - 2, n + 2, width, left);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			emit_padded(&o, &c, 1, width, left);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = 0;
			/* the precision bounds the bytes read too: the array need not hold a NUL */
			while ((precision < 0 || (int)n < precision) && s[n])
				n++;
			emit_padded(&o, s, n, width, left);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			f--; /* lone '%' at the end: stop at the terminator */
			break;
		default:
			/* unknown conversion: print it literally so the mistake is visible */
			emit(&o, '%');
			emit(&o, *f);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int wb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = wb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
