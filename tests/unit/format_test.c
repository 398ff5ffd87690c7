/* format_test.c - tests for wireboot/format.h: wb_snprintf() against the host libc's
 * snprintf() for every supported conversion, flag, width, precision and length modifier,
 * plus truncation, the return value and the documented differences (NULL %s and %p). */
#include "wireboot/format.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "test.h"

/* Some cases pass on purpose what -Wformat flags: '0' with '-' (the '-' wins), and an int
 * for %hhd/%hd (the conversion truncates it). Both are defined behaviour worth comparing. */
#pragma clang diagnostic ignored "-Wformat"

/* Formats the same arguments with both implementations and compares bytes and lengths. */
#define SAME(...)                                                                                 \
	do {                                                                                      \
		char a_[512], b_[512];                                                            \
		memset(a_, 'A', sizeof(a_));                                                      \
		memset(b_, 'B', sizeof(b_));                                                      \
		int ra_ = wb_snprintf(a_, sizeof(a_), __VA_ARGS__);                               \
		int rb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);                                  \
		if (ra_ != rb_ || ra_ < 0 || memcmp(a_, b_, (size_t)ra_ + 1) != 0)                \
			test_fail(__FILE__, __LINE__, "wb_snprintf(%s): \"%s\" (%d), libc \"%s\" (%d)", \
				  #__VA_ARGS__, a_, ra_, b_, rb_);                                  \
	} while (0)

TEST(format_integers_like_libc)
{
	SAME("plain text");
	SAME("");
	SAME("%d", 0);
	SAME("%d", 42);
	SAME("%d", -42);
	SAME("%i", 123456);
	SAME("%d", INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%i", INT_MIN);
	SAME("%u", 0u);
	SAME("%u", UINT_MAX);
	SAME("%x", 0u);
	SAME("%x", 0xdeadbeefu);
	SAME("%X", 0xdeadbeefu);
	SAME("%o", 0u);
	SAME("%o", 8u);
	SAME("%o", UINT_MAX);
	SAME("%d%d%d", 1, -2, 3);
	SAME("a%db%uc%xd%Xe%of", -1, 2u, 10u, 11u, 9u);
}

TEST(format_flags_width_precision_like_libc)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME("[%-05d]", -42);
	SAME("[%0-5d]", 42);
	SAME("[%1d]", 12345);
	SAME("[%012d]", INT_MIN);
	SAME("[%.3d]", 7);
	SAME("[%.3d]", -7);
	SAME("[%8.3d]", -7);
	SAME("[%-8.3d]", -7);
	SAME("[%08.3d]", 7); /* precision given: the 0 flag is ignored */
	SAME("[%.12d]", INT_MIN);
	SAME("[%.0d]", 0);
	SAME("[%5.0d]", 0);
	SAME("[%.0d]", 1);
	SAME("[%.0u]", 0u);
	SAME("[%.0x]", 0u);
	SAME("[%.0o]", 0u);
	SAME("[%.d]", 0);
	SAME("[%.1d]", 0);
	SAME("[%08x]", 0xbeefu);
	SAME("[%-8X]", 0xbeefu);
	SAME("[%08.3x]", 0x1fu);
	SAME("[%.8o]", 0777u);
	SAME("[%10u]", UINT_MAX);
	SAME("[%.100d]", 1);
	SAME("[%.100d]", INT_MIN);
	SAME("[%.80llo]", ULLONG_MAX);
	SAME("[%.70llx]", 0x123456789abcdefULL);
	SAME("[%120.90d]", -5);
	SAME("[%-120.90u]", 5u);
	SAME("[%300d]", 1);
}

TEST(format_plus_flag_like_libc)
{
	SAME("%+d", 0);
	SAME("%+d", 5);
	SAME("%+d", -5);
	SAME("%+i", INT_MAX);
	SAME("%+d", INT_MIN);
	SAME("[%+5d]", 42);
	SAME("[%+-5d]", 42);
	SAME("[%-+5d]", -42);
	SAME("[%+05d]", 42);
	SAME("[%0+5d]", -42);
	SAME("[%+.3d]", 7);
	SAME("[%+.0d]", 0);
	SAME("[%+8.3d]", 7);
	SAME("%+lld", LLONG_MAX);
	SAME("%+hhd", 200);
	SAME("%+u", 5u); /* '+' applies only to signed conversions */
	SAME("%+x", 255u);
}

TEST(format_star_width_precision_like_libc)
{
	SAME("[%*d]", 6, 42);
	SAME("[%-*d]", 6, 42);
	SAME("[%*d]", -6, 42); /* negative width: left-justify */
	SAME("[%0*d]", 6, -42);
	SAME("[%.*d]", 4, 42);
	SAME("[%.*d]", -1, 42); /* negative precision: as if omitted */
	SAME("[%05.*d]", -1, 42);
	SAME("[%05.*d]", 3, 42);
	SAME("[%.*d]", 0, 0);
	SAME("[%*.*d]", 8, 4, -3);
	SAME("[%-*.*x]", 8, 4, 0xabu);
	SAME("[%.*s]", 2, "abcdef");
	SAME("[%.*s]", -1, "abcdef");
	SAME("[%*.*s]", 6, 3, "abcdef");
	SAME("[%*s]", -6, "ab");
	SAME("[%*c]", 3, 'z');
}

TEST(format_length_modifiers_like_libc)
{
	SAME("%hhd", (signed char)-128);
	SAME("%hhd", 200);   /* converted to signed char: -56 */
	SAME("%hhu", 300);   /* converted to unsigned char: 44 */
	SAME("%hhx", 0x1ff); /* ff */
	SAME("%hd", (short)-32768);
	SAME("%hd", 40000);
	SAME("%hu", 70000);
	SAME("%hX", 0x12345);
	SAME("%ld", LONG_MIN);
	SAME("%ld", LONG_MAX);
	SAME("%lu", ULONG_MAX);
	SAME("%lx", ULONG_MAX);
	SAME("%lo", ULONG_MAX);
	SAME("%lld", LLONG_MIN);
	SAME("%lld", LLONG_MAX);
	SAME("%lli", -1LL);
	SAME("%llu", ULLONG_MAX);
	SAME("%llX", 0xfedcba9876543210ULL);
	SAME("%020lld", LLONG_MIN);
	SAME("%-22lld|", LLONG_MIN);
	SAME("%.25lld", LLONG_MIN);
	SAME("%zu", SIZE_MAX);
	SAME("%zu", (size_t)0);
	SAME("%zx", (size_t)0xabcdef);
	SAME("%zd", (ptrdiff_t)-5); /* signed size_t */
	SAME("%jd", INTMAX_MIN);
	SAME("%jd", INTMAX_MAX);
	SAME("%ju", UINTMAX_MAX);
	SAME("%jx", (uintmax_t)0x1234);
	SAME("%td", PTRDIFF_MIN);
	SAME("%td", (ptrdiff_t)-1);
	SAME("%tu", (ptrdiff_t)77);
	SAME("%hhd %hd %d %ld %lld %zu %jd", 1, 2, 3, 4L, 5LL, (size_t)6, (intmax_t)7);
}

TEST(format_chars_strings_pointers_like_libc)
{
	SAME("%c", 'x');
	SAME("[%3c]", 'x');
	SAME("[%-3c]", 'x');
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("a%cb", 0); /* a NUL character counts in the length */
	SAME("%c", 0x141); /* converted to unsigned char */
	SAME("%s", "hello");
	SAME("%s", "");
	SAME("[%10s]", "hello");
	SAME("[%-10s]", "hello");
	SAME("[%2s]", "hello");
	SAME("[%.3s]", "hello");
	SAME("[%.0s]", "hello");
	SAME("[%.10s]", "hello");
	SAME("[%8.2s]", "hello");
	SAME("[%-8.2s]", "hello");
	SAME("%s=%s", "key", "value");
	SAME("%%");
	SAME("100%% done");
	SAME("%%d %d", 5);
	SAME("%s", "UTF-8 \xc3\xa9\xe2\x82\xac");
	static const char unterminated[3] = {'a', 'b', 'c'}; /* precision: never read past */
	SAME("%.3s", unterminated);
	SAME("%.2s", unterminated);
	int x;
	SAME("%p", (void *)&x);
	SAME("[%24p]", (void *)&x);
	SAME("[%-24p]", (void *)&x);
	SAME("%p", (void *)(uintptr_t)0x1234);
}

/* Things libc does differently or leaves undefined: our documented output. */
TEST(format_own_behaviour)
{
	char buf[64];
	const char *null_str = NULL;
	CHECK_INT(wb_snprintf(buf, sizeof(buf), "%s", null_str), 6);
	CHECK_STR(buf, "(null)");
	CHECK_INT(wb_snprintf(buf, sizeof(buf), "[%8s]", null_str), 10);
	CHECK_STR(buf, "[  (null)]");
	CHECK_INT(wb_snprintf(buf, sizeof(buf), "%.3s", null_str), 3);
	CHECK_STR(buf, "(nu");
	CHECK_INT(wb_snprintf(buf, sizeof(buf), "%p", (void *)0), 3);
	CHECK_STR(buf, "0x0");

	/* non-literal formats, so the compiler does not reject what we test on purpose */
	const char *lone = "abc%", *unknown = "a%yb", *width_end = "ab%5";
	CHECK_INT(wb_snprintf(buf, sizeof(buf), lone), 3);
	CHECK_STR(buf, "abc");
	CHECK_INT(wb_snprintf(buf, sizeof(buf), unknown), 4);
	CHECK_STR(buf, "a%yb");
	CHECK_INT(wb_snprintf(buf, sizeof(buf), width_end), 2);
	CHECK_STR(buf, "ab");
}

/* Every buffer size from 0 to beyond the output, compared with libc: return value, content
 * and that nothing is written past @size. */
TEST(format_truncation_like_libc)
{
	static const char *const fmts[] = {"%s-%d", "[%5d|%-3s]"};
	for (size_t f = 0; f < 2; f++) {
		for (size_t size = 0; size <= 20; size++) {
			char a[32], b[32];
			memset(a, '#', sizeof(a));
			memset(b, '#', sizeof(b));
			int ra, rb;
			if (f == 0) {
				ra = wb_snprintf(a, size, "%s-%d", "abc", 12345);
				rb = snprintf(b, size, "%s-%d", "abc", 12345);
			} else {
				ra = wb_snprintf(a, size, "[%5d|%-3s]", -7, "xy");
				rb = snprintf(b, size, "[%5d|%-3s]", -7, "xy");
			}
			CHECK_INT(ra, rb);
			if (memcmp(a, b, sizeof(a)) != 0)
				test_fail(__FILE__, __LINE__, "\"%s\" size %zu: \"%.32s\" != libc \"%.32s\"", fmts[f],
					  size, a, b);
		}
	}
	CHECK_INT(wb_snprintf(NULL, 0, "%d and %s", 12345, "more"), 14);
	CHECK_INT(wb_snprintf(NULL, 0, ""), 0);
	CHECK_INT(wb_snprintf(NULL, 0, "%.100d", 1), 100);
	char one[1] = {'x'};
	CHECK_INT(wb_snprintf(one, 1, "%d", 987), 3);
	CHECK_INT(one[0], '\0');
}

static int via_va_list(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int via_va_list(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = wb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

TEST(format_vsnprintf)
{
	char buf[32];
	CHECK_INT(via_va_list(buf, sizeof(buf), "%s %lld %c", "v", -9LL, '!'), 6);
	CHECK_STR(buf, "v -9 !");
	CHECK_INT(via_va_list(buf, 4, "%s", "truncated"), 9);
	CHECK_STR(buf, "tru");
}
