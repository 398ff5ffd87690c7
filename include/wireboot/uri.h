/*
 * uri.h - RFC 3986 URIs: parse, resolve relative references, format, percent-decode.
 *
 * Contract: a struct uri comes from uri_parse() or uri_resolve() and is released with
 * uri_free(). Every non-NULL string in it is a separate wb_malloc() block owned by the struct;
 * a caller may replace one by wb_free()-ing the old string and storing a new wb_malloc()'d one.
 *
 * Encoding: user, password and host are stored percent-DECODED: each is a single value handed
 * as-is to DNS, a login or CHAP, and RFC 3986 §2.4 allows decoding once a component has been
 * separated out. path, query and fragment keep their original encoding: they still carry
 * structure ('/' between segments, '&' and '=' in queries), and decoding "/a%2Fb" to "/a/b"
 * would erase the difference between a data '/' and a delimiter '/'. Decode one segment or
 * value with uri_percent_decode() after splitting it out.
 *
 * Only absolute URIs parse: a relative reference ("file.efi", "/boot/x", "//host/x") means
 * nothing without a base, so it is given to uri_resolve() together with that base.
 *
 * Opaque forms such as RFC 4173's "iscsi:10.0.0.1::::iqn.x" have no "//": everything after the
 * scheme is the path (has_authority is false), kept byte for byte. RFC 4173 puts an IPv6 server
 * in brackets ("iscsi:[fe80::1]::3260::iqn.x"), which RFC 3986 §3.3 does not allow in a path;
 * '[' and ']' are accepted in a path that neither follows an authority nor starts with '/'
 * (a path-rootless, §3.3), and only there.
 *
 * Bounds: texts longer than URI_MAX_LEN bytes are rejected, and uri_resolve() refuses results
 * whose text would be longer, so every struct uri made here formats to at most URI_MAX_LEN
 * characters, and that text parses back to a URI that formats identically.
 */
#ifndef WIREBOOT_URI_H
#define WIREBOOT_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest URI text accepted, in bytes (excluding the NUL). */
#define URI_MAX_LEN 8192

struct uri {
	char *scheme;   /* never NULL; lowercased (§3.1: schemes are case-insensitive) */
	char *user;     /* decoded; NULL without userinfo; "" for "http://:pw@h" */
	char *password; /* decoded; NULL when the userinfo has no ':'; "" for "u:@h" */
	char *host;     /* decoded, lowercased (§3.2.2); NULL iff !has_authority; "" in "file:///x";
			   an IP literal without its brackets */
	char *path;     /* still encoded; never NULL, may be "" */
	char *query;    /* still encoded, without the '?'; NULL when absent, "" for a bare "?" */
	char *fragment; /* still encoded, without the '#'; NULL when absent, "" for a bare "#" */
	uint16_t port;  /* meaningful only when has_port */
	bool has_port;  /* false also for an empty port, "http://h:/" (§3.2.3) */
	bool has_authority;      /* the URI has a "//" authority (possibly with an empty host) */
	bool host_is_ip_literal; /* host was in [brackets]: an IPv6 address (§3.2.2) */
};

/**
 * uri_parse() - parse an absolute URI (RFC 3986 §4.3: scheme ":" hier-part, plus fragment).
 * @text: NUL-terminated; never NULL.
 * @out: receives a new struct uri (free with uri_free()); written only on success.
 *
 * Returns 0, or:
 *   -WBE_URI_SYNTAX  no scheme (relative reference, "", "://x"), a character the grammar does
 *                    not allow (controls, space, non-ASCII, "<>\"{}|\\^`"), an unclosed or
 *                    malformed [IPv6] literal, or text longer than URI_MAX_LEN;
 *   -WBE_URI_PERCENT "%" not followed by two hex digits, or "%00" in user, password or host;
 *   -WBE_URI_PORT    a port that is not all digits or is above 65535;
 *   -WBE_NOMEM, -WBE_INVAL (@text or @out NULL).
 * IPv6 zone identifiers (RFC 6874) and IPvFuture literals are rejected as syntax errors:
 * nothing in wireboot can reach such an address.
 */
int uri_parse(const char *text, struct uri **out);

/** uri_free() - release @uri and all its strings; NULL is ignored. */
void uri_free(struct uri *uri);

/**
 * uri_resolve() - resolve a reference against a base URI, RFC 3986 §5.2.2 (strict: a
 * reference with a scheme is used as it is, so "http:g" stays "http:g").
 * @base: an absolute URI (scheme and path non-NULL), typically from uri_parse(); its fragment
 *        is ignored (§5.1). Not modified.
 * @relative: NUL-terminated URI reference (§4.1): an absolute URI or a relative reference,
 *            "" included (it names the base without its fragment).
 * @out: receives a new struct uri (free with uri_free()); written only on success.
 *
 * Returns 0, the uri_parse() codes for a malformed @relative, -WBE_RANGE when the result
 * would format longer than URI_MAX_LEN, -WBE_INVAL for a NULL argument or a base without
 * scheme or path (or one whose authority and path cannot be formatted, see uri_format()),
 * or -WBE_NOMEM.
 */
int uri_resolve(const struct uri *base, const char *relative, struct uri **out);

/**
 * uri_format() - the text of @uri (RFC 3986 §5.3), with the password.
 * @buf/@len: destination, always NUL-terminated when @len > 0 (truncated if too small); @buf
 *            may be NULL when @len is 0, to measure.
 *
 * user, password and host are percent-encoded where their grammar requires (uppercase hex,
 * §2.1); path, query and fragment are written as stored, except that a byte their grammar does
 * not allow, and a '%' that does not start a valid triplet, is encoded, so a hand-built
 * struct uri still yields a valid URI. The port is written only when has_port. A path that
 * starts with "//" without an authority is written as "/.//..." so it cannot read back as an
 * authority (§5.2.4 keeps such paths equivalent).
 *
 * Returns the number of characters the complete text needs (excluding the NUL), like snprintf,
 * or -WBE_INVAL when @uri is NULL, its scheme is missing or malformed, its path is NULL, or
 * it has an authority with a NULL host or a path that is neither empty nor starts with '/'
 * (§3.3); -WBE_RANGE when the text would be longer than URI_MAX_LEN (uri_parse() could not
 * read it back). On error @buf holds "" (when @len > 0).
 */
int uri_format(const struct uri *uri, char *buf, size_t len);

/**
 * uri_format_redacted() - as uri_format(), but a present password is written as "***".
 * Use this for anything that may reach a log or a screen: secrets never appear in logs.
 * The "***" counts towards URI_MAX_LEN.
 */
int uri_format_redacted(const struct uri *uri, char *buf, size_t len);

/**
 * uri_redacted_text() - uri_format_redacted()'s text in a new wb_malloc() string, for the
 * messages of a whole download (free it with wb_free()). Returns 0 and *@out, or
 * uri_format_redacted()'s negative codes, -WBE_NOMEM.
 */
int uri_redacted_text(const struct uri *uri, char **out);

/**
 * uri_percent_decode() - decode %XX triplets (§2.1) of @in_len bytes at @in into @out.
 * @in: need not be NUL-terminated; never NULL.
 * @out/@out_size: receives the decoded bytes and a NUL; never NULL. @out may equal @in
 *                 (decoding never lengthens). On error its contents are unspecified.
 * @out_len: receives the decoded length (excluding the NUL) on success; may be NULL.
 *
 * Returns 0, -WBE_URI_PERCENT for a '%' not followed by two hex digits or a triplet that
 * decodes to NUL (it would silently truncate the C string), -WBE_URI_SYNTAX for a raw NUL
 * within @in_len, -WBE_NOSPC when @out_size < decoded length + 1, -WBE_INVAL for NULL
 * @in or @out.
 */
int uri_percent_decode(const char *in, size_t in_len, char *out, size_t out_size, size_t *out_len);

/**
 * uri_default_port() - the well-known port of @scheme, compared case-insensitively:
 * http 80, https 443, ftp 21, tftp 69, nfs 2049, iscsi 3260. Returns 0 for any other scheme
 * and for NULL.
 */
uint16_t uri_default_port(const char *scheme);

#endif
