/* inet_text.c - textual IP addresses (contract in wireboot/inet_text.h). */
#include "wireboot/inet_text.h"
#include "wireboot/chars.h"

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (§3.2.2): no leading zeros, <= 255. */
bool inet_text_is_ipv4(const char *s, size_t n)
{
	size_t i = 0;
	for (int octet = 0; octet < 4; octet++) {
		if (octet > 0) {
			if (i == n || s[i] != '.')
				return false;
			i++;
		}
		size_t start = i;
		unsigned value = 0;
		while (i < n && i - start < 3 && (s[i] >= '0' && s[i] <= '9'))
			value = value * 10 + (unsigned)(s[i++] - '0');
		size_t digits = i - start;
		if (digits == 0 || value > 255 || (digits > 1 && s[start] == '0'))
			return false;
	}
	return i == n;
}

/*
 * IPv6address (§3.2.2): eight h16 groups of 1-4 hex digits separated by ':', the last two of
 * which may be written as an IPv4 address; "::" once at most, standing for one or more zero
 * groups, so with it at most seven groups are written.
 */
bool inet_text_is_ipv6(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0;
	bool compressed = false;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = true;
		i = 2;
	}
	while (i < n && groups <= 8) {
		size_t start = i;
		while (i < n && i - start < 5 && hex_digit_value((unsigned char)s[i]) >= 0)
			i++;
		if (i < n && s[i] == '.') {
			if (!inet_text_is_ipv4(s + start, n - start))
				return false;
			groups += 2;
			break;
		}
		if (i == start || i - start > 4)
			return false;
		groups++;
		if (i == n)
			break;
		if (s[i++] != ':' || i == n)
			return false;
		if (s[i] == ':') {
			if (compressed)
				return false;
			compressed = true;
			i++;
		}
	}
	return compressed ? groups <= 7 : groups == 8;
}
