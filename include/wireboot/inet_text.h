/*
 * inet_text.h - validating IP addresses written as text (URIs, iSCSI root paths).
 */
#ifndef WIREBOOT_INET_TEXT_H
#define WIREBOOT_INET_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/** inet_text_is_ipv4() - @n bytes at @s are a dotted-quad IPv4 address (RFC 3986 §3.2.2
 *  dec-octets: no leading zeros, each <= 255). */
bool inet_text_is_ipv4(const char *s, size_t n);

/** inet_text_is_ipv6() - @n bytes at @s are an IPv6 address in RFC 4291 §2.2 text form (as
 *  RFC 3986 §3.2.2 IPv6address), without brackets or a zone. */
bool inet_text_is_ipv6(const char *s, size_t n);

#endif
