/*
 * uri.c - RFC 3986 URI parsing, reference resolution and formatting (contract in
 * wireboot/uri.h). Section numbers below are RFC 3986's unless stated otherwise.
 *
 * Parsing splits the text at the delimiters of §3 ("scheme:" "//authority" path "?query"
 * "#fragment"), then checks every component against its ABNF before anything is decoded,
 * so a malformed URI is rejected as a whole rather than half-accepted.
 */
#include "wireboot/uri.h"
#include "wireboot/chars.h"
#include "wireboot/inet_text.h"

#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/malloc.h"

/*
 * The character sets a component may hold literally (pct-encoded triplets are handled by the
 * callers). Each one is unreserved / sub-delims plus the extra characters listed.
 */
enum uri_chars {
	CHARS_USER,        /* §3.2.1 userinfo, minus ':' which separates user from password */
	CHARS_USERINFO,    /* §3.2.1: ":" (everything after the first ':' is the password) */
	CHARS_HOST,        /* §3.2.2 reg-name: nothing extra */
	CHARS_IP_LITERAL,  /* §3.2.2 inside [...]: ":" (validated as IPv6 separately) */
	CHARS_PATH,        /* §3.3 pchar and "/": ":" "@" "/" */
	CHARS_OPAQUE_PATH, /* CHARS_PATH plus "[" "]" for RFC 4173 IPv6 servers (see uri.h) */
	CHARS_QUERY,       /* §3.4, §3.5 query and fragment: ":" "@" "/" "?" */
};

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}


static unsigned char to_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static void lowercase(char *s)
{
	for (; *s; s++)
		*s = (char)to_lower((unsigned char)*s);
}

/* §2.3 */
static bool is_unreserved(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* §2.2 */
static bool is_sub_delim(unsigned char c)
{
	return c != '\0' && memchr("!$&'()*+,;=", c, 11) != NULL;
}

static bool char_allowed(unsigned char c, enum uri_chars set)
{
	if (is_unreserved(c) || is_sub_delim(c))
		return true;
	switch (set) {
	case CHARS_USER:
	case CHARS_HOST:
		return false;
	case CHARS_USERINFO:
	case CHARS_IP_LITERAL:
		return c == ':';
	case CHARS_PATH:
		return c == ':' || c == '@' || c == '/';
	case CHARS_OPAQUE_PATH:
		return c == ':' || c == '@' || c == '/' || c == '[' || c == ']';
	case CHARS_QUERY:
		return c == ':' || c == '@' || c == '/' || c == '?';
	}
	return false;
}

/* §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static bool is_scheme_char(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

/* strcspn(), which the EFI build's string.h does not declare. */
static size_t span_until(const char *s, const char *stops)
{
	size_t n = 0;
	while (s[n] != '\0' && !strchr(stops, s[n]))
		n++;
	return n;
}

/* Length of the scheme at the start of @text when it is followed by ':', else 0. */
static size_t scheme_length(const char *text)
{
	if (!is_alpha((unsigned char)text[0]))
		return 0;
	size_t n = 1;
	while (is_scheme_char((unsigned char)text[n]))
		n++;
	return text[n] == ':' ? n : 0;
}

/* Checks @n bytes at @s against @set, with pct-encoded triplets allowed (§2.1). */
static int check_component(const char *s, size_t n, enum uri_chars set)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3 || hex_digit_value((unsigned char)s[i + 1]) < 0 ||
			    hex_digit_value((unsigned char)s[i + 2]) < 0)
				return -WBE_URI_PERCENT;
			i += 2;
		} else if (!char_allowed(c, set)) {
			return -WBE_URI_SYNTAX;
		}
	}
	return 0;
}

int uri_percent_decode(const char *in, size_t in_len, char *out, size_t out_size, size_t *out_len)
{
	if (!in || !out)
		return -WBE_INVAL;
	if (out_size == 0)
		return -WBE_NOSPC;
	size_t o = 0;
	for (size_t i = 0; i < in_len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\0')
			return -WBE_URI_SYNTAX;
		if (c == '%') {
			int hi = in_len - i >= 3 ? hex_digit_value((unsigned char)in[i + 1]) : -1;
			int lo = hi >= 0 ? hex_digit_value((unsigned char)in[i + 2]) : -1;
			if (lo < 0 || (hi == 0 && lo == 0))
				return -WBE_URI_PERCENT;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		/* room for this byte and the final NUL */
		if (o + 1 >= out_size)
			return -WBE_NOSPC;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return 0;
}

static char *dup_range(const char *s, size_t n)
{
	char *copy = wb_malloc(n + 1);
	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\0';
	}
	return copy;
}

/* A copy of @n bytes at @s, kept encoded, after checking them against @set. */
static int copy_component(const char *s, size_t n, enum uri_chars set, char **out)
{
	int rc = check_component(s, n, set);
	if (rc != 0)
		return rc;
	*out = dup_range(s, n);
	return *out ? 0 : -WBE_NOMEM;
}

/* A decoded copy of @n bytes at @s, already checked by check_component(). */
static int decode_dup(const char *s, size_t n, char **out)
{
	char *copy = dup_range(s, n);
	if (!copy)
		return -WBE_NOMEM;
	int rc = uri_percent_decode(copy, n, copy, n + 1, NULL);
	if (rc != 0) {
		wb_free(copy);
		return rc;
	}
	*out = copy;
	return 0;
}



/* §3.2.3: port = *DIGIT; empty means "no port". */
static int parse_port(const char *s, size_t n, struct uri *uri)
{
	if (n == 0)
		return 0;
	unsigned long value = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -WBE_URI_PORT;
		value = value * 10 + (unsigned long)(s[i] - '0');
		if (value > UINT16_MAX)
			return -WBE_URI_PORT;
	}
	uri->port = (uint16_t)value;
	uri->has_port = true;
	return 0;
}

/* §3.2: authority = [ userinfo "@" ] host [ ":" port ], @n bytes at @s. */
static int parse_authority(const char *s, size_t n, struct uri *uri)
{
	const char *end = s + n;
	const char *at = memchr(s, '@', n);
	int rc;

	uri->has_authority = true;
	if (at) {
		size_t userinfo_len = (size_t)(at - s);
		rc = check_component(s, userinfo_len, CHARS_USERINFO);
		if (rc != 0)
			return rc;
		/* The first ':' separates user from password; later ones belong to the password. */
		const char *colon = memchr(s, ':', userinfo_len);
		rc = decode_dup(s, colon ? (size_t)(colon - s) : userinfo_len, &uri->user);
		if (rc == 0 && colon)
			rc = decode_dup(colon + 1, (size_t)(at - colon - 1), &uri->password);
		if (rc != 0)
			return rc;
		s = at + 1;
	}

	const char *port;
	if (s < end && *s == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		if (!close || !inet_text_is_ipv6(s + 1, (size_t)(close - s - 1)))
			return -WBE_URI_SYNTAX;
		if (close + 1 < end && close[1] != ':')
			return -WBE_URI_SYNTAX;
		uri->host = dup_range(s + 1, (size_t)(close - s - 1));
		if (!uri->host)
			return -WBE_NOMEM;
		uri->host_is_ip_literal = true;
		port = close + 1;
	} else {
		/* reg-name holds no ':', so the first one starts the port */
		const char *colon = memchr(s, ':', (size_t)(end - s));
		port = colon ? colon : end;
		rc = check_component(s, (size_t)(port - s), CHARS_HOST);
		if (rc == 0)
			rc = decode_dup(s, (size_t)(port - s), &uri->host);
		if (rc != 0)
			return rc;
	}
	/* §3.2.2: host names are case-insensitive, and so are IPv6 hex digits (§6.2.2.1). */
	lowercase(uri->host);
	if (port == end)
		return 0;
	return parse_port(port + 1, (size_t)(end - port - 1), uri);
}

/*
 * Parses a URI-reference (§4.1) into a new struct uri. With @require_scheme, only absolute
 * URIs are accepted; otherwise relative references too (scheme left NULL), for uri_resolve().
 */
static int parse_reference(const char *text, bool require_scheme, struct uri **out)
{
	size_t len = 0;
	/*
	 * Bounded scan: never read past URI_MAX_LEN + 1 bytes. No character outside printable
	 * ASCII appears anywhere in the grammar (§2), so reject those up front with one error.
	 */
	while (len <= URI_MAX_LEN && text[len] != '\0') {
		unsigned char c = (unsigned char)text[len];
		if (c <= ' ' || c >= 0x7f)
			return -WBE_URI_SYNTAX;
		len++;
	}
	if (len > URI_MAX_LEN)
		return -WBE_URI_SYNTAX;

	size_t scheme_len = scheme_length(text);
	if (require_scheme && scheme_len == 0)
		return -WBE_URI_SYNTAX;

	struct uri *uri = wb_zalloc(sizeof(*uri));
	if (!uri)
		return -WBE_NOMEM;
	int rc;
	const char *p = text;

	if (scheme_len > 0) {
		uri->scheme = dup_range(text, scheme_len);
		if (!uri->scheme) {
			rc = -WBE_NOMEM;
			goto fail;
		}
		lowercase(uri->scheme);
		p += scheme_len + 1;
	}

	if (p[0] == '/' && p[1] == '/') {
		size_t authority_len = span_until(p + 2, "/?#");
		rc = parse_authority(p + 2, authority_len, uri);
		if (rc != 0)
			goto fail;
		p += 2 + authority_len;
	}

	size_t path_len = span_until(p, "?#");
	enum uri_chars path_chars = CHARS_PATH;
	if (uri->scheme && !uri->has_authority && path_len > 0 && p[0] != '/')
		path_chars = CHARS_OPAQUE_PATH;
	rc = copy_component(p, path_len, path_chars, &uri->path);
	if (rc != 0)
		goto fail;
	/* §4.2: in a relative-path reference the first segment must not contain ':' */
	if (!uri->scheme && !uri->has_authority && memchr(p, ':', span_until(p, "/?#"))) {
		rc = -WBE_URI_SYNTAX;
		goto fail;
	}
	p += path_len;

	if (*p == '?') {
		size_t query_len = span_until(p + 1, "#");
		rc = copy_component(p + 1, query_len, CHARS_QUERY, &uri->query);
		if (rc != 0)
			goto fail;
		p += 1 + query_len;
	}

	/* the fragment may hold '?' but no second '#', which CHARS_QUERY rejects */
	if (*p == '#') {
		rc = copy_component(p + 1, strlen(p + 1), CHARS_QUERY, &uri->fragment);
		if (rc != 0)
			goto fail;
	}

	*out = uri;
	return 0;
fail:
	uri_free(uri);
	return rc;
}

int uri_parse(const char *text, struct uri **out)
{
	if (!text || !out)
		return -WBE_INVAL;
	return parse_reference(text, true, out);
}

void uri_free(struct uri *uri)
{
	if (!uri)
		return;
	wb_free(uri->scheme);
	wb_free(uri->user);
	wb_free(uri->password);
	wb_free(uri->host);
	wb_free(uri->path);
	wb_free(uri->query);
	wb_free(uri->fragment);
	wb_free(uri);
}

/*
 * §5.2.4 remove_dot_segments, in place. The output never grows faster than the input is
 * consumed, so the output buffer is the front of @path and the input is the rest; the two
 * rules that "replace a prefix with '/'" overwrite the last consumed byte with '/'.
 */
static void remove_dot_segments(char *path)
{
	size_t n = strlen(path), in = 0, out = 0;

	while (in < n) {
		const char *s = path + in;
		bool pop = false;

		if (strncmp(s, "../", 3) == 0) { /* A */
			in += 3;
		} else if (strncmp(s, "./", 2) == 0) { /* A */
			in += 2;
		} else if (strncmp(s, "/./", 3) == 0) { /* B: "/./" -> "/" */
			in += 2;
		} else if (strcmp(s, "/.") == 0) { /* B: "/." -> "/" */
			in += 1;
			path[in] = '/';
		} else if (strncmp(s, "/../", 4) == 0) { /* C: "/../" -> "/", drop a segment */
			in += 3;
			pop = true;
		} else if (strcmp(s, "/..") == 0) { /* C: "/.." -> "/" */
			in += 2;
			path[in] = '/';
			pop = true;
		} else if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0) { /* D */
			in = n;
		} else { /* E: move "/segment" or "segment" to the output */
			size_t seg = (s[0] == '/') + span_until(s + (s[0] == '/'), "/");
			memmove(path + out, s, seg);
			out += seg;
			in += seg;
		}
		if (pop) {
			/* remove the last output segment and its preceding '/', if any */
			while (out > 0 && path[out - 1] != '/')
				out--;
			if (out > 0)
				out--;
		}
	}
	path[out] = '\0';
}

/* §5.2.3 merge, before dot removal. */
static char *merge_paths(const struct uri *base, const char *ref_path)
{
	const char *prefix = base->path;
	size_t prefix_len;
	if (base->has_authority && base->path[0] == '\0') {
		prefix = "/";
		prefix_len = 1;
	} else {
		const char *slash = strrchr(base->path, '/');
		prefix_len = slash ? (size_t)(slash - base->path) + 1 : 0;
	}
	size_t ref_len = strlen(ref_path);
	char *merged = wb_malloc(prefix_len + ref_len + 1);
	if (merged) {
		memcpy(merged, prefix, prefix_len);
		memcpy(merged + prefix_len, ref_path, ref_len + 1);
	}
	return merged;
}

/* *@out = copy of @s, or NULL when @s is NULL. */
static int dup_optional(const char *s, char **out)
{
	if (!s)
		return 0;
	*out = wb_strdup(s);
	return *out ? 0 : -WBE_NOMEM;
}

/* Moves an owned string from @from to @to (the reference's parts go to the result as-is). */
static void take(char **to, char **from)
{
	*to = *from;
	*from = NULL;
}

static void take_authority(struct uri *to, struct uri *from)
{
	take(&to->user, &from->user);
	take(&to->password, &from->password);
	take(&to->host, &from->host);
	to->port = from->port;
	to->has_port = from->has_port;
	to->has_authority = from->has_authority;
	to->host_is_ip_literal = from->host_is_ip_literal;
}

static int copy_authority(struct uri *to, const struct uri *from)
{
	to->port = from->port;
	to->has_port = from->has_port;
	to->has_authority = from->has_authority;
	to->host_is_ip_literal = from->host_is_ip_literal;
	int rc = dup_optional(from->user, &to->user);
	if (rc == 0)
		rc = dup_optional(from->password, &to->password);
	if (rc == 0)
		rc = dup_optional(from->host, &to->host);
	return rc;
}

/* §5.2.2, the "T" of the pseudocode from the "R" and "Base" there. */
static int transform_reference(const struct uri *base, struct uri *ref, struct uri *t)
{
	if (ref->scheme || ref->has_authority) {
		if (ref->scheme)
			take(&t->scheme, &ref->scheme);
		else if (dup_optional(base->scheme, &t->scheme) != 0)
			return -WBE_NOMEM;
		take_authority(t, ref);
		take(&t->path, &ref->path);
		remove_dot_segments(t->path);
		take(&t->query, &ref->query);
	} else {
		if (dup_optional(base->scheme, &t->scheme) != 0 || copy_authority(t, base) != 0)
			return -WBE_NOMEM;
		if (ref->path[0] == '\0') {
			if (dup_optional(base->path, &t->path) != 0)
				return -WBE_NOMEM;
			if (ref->query)
				take(&t->query, &ref->query);
			else if (dup_optional(base->query, &t->query) != 0)
				return -WBE_NOMEM;
		} else {
			if (ref->path[0] == '/')
				take(&t->path, &ref->path);
			else if (!(t->path = merge_paths(base, ref->path)))
				return -WBE_NOMEM;
			remove_dot_segments(t->path);
			take(&t->query, &ref->query);
		}
	}
	take(&t->fragment, &ref->fragment);
	return 0;
}

int uri_resolve(const struct uri *base, const char *relative, struct uri **out)
{
	if (!base || !base->scheme || !base->path || !relative || !out)
		return -WBE_INVAL;

	struct uri *ref;
	int rc = parse_reference(relative, false, &ref);
	if (rc != 0)
		return rc;
	struct uri *t = wb_zalloc(sizeof(*t));
	rc = t ? transform_reference(base, ref, t) : -WBE_NOMEM;
	uri_free(ref);
	if (rc == 0) {
		/* uri.h promises that every struct uri made here formats (within URI_MAX_LEN) */
		int len = uri_format(t, NULL, 0);
		rc = len < 0 ? len : 0;
	}
	if (rc != 0) {
		uri_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* snprintf-style output: counts everything, stores what fits, leaves room for the NUL. */
struct sink {
	char *buf;
	size_t size;
	size_t len;
};

static void put_char(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_str(struct sink *s, const char *str)
{
	while (*str)
		put_char(s, *str++);
}

/*
 * Writes @str, percent-encoding (§2.1, uppercase hex) every byte @set does not allow. With
 * @keep_triplets, valid "%XX" triplets pass unchanged: the string is already encoded.
 */
static void put_encoded(struct sink *s, const char *str, enum uri_chars set, bool keep_triplets)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (char_allowed(*p, set) ||
		    (keep_triplets && *p == '%' && hex_digit_value(p[1]) >= 0 && hex_digit_value(p[2]) >= 0)) {
			put_char(s, (char)*p);
		} else {
			put_char(s, '%');
			put_char(s, hex[*p >> 4]);
			put_char(s, hex[*p & 0xf]);
		}
	}
}

static bool is_valid_scheme(const char *scheme)
{
	if (!is_alpha((unsigned char)scheme[0]))
		return false;
	for (const char *p = scheme + 1; *p; p++) {
		if (!is_scheme_char((unsigned char)*p))
			return false;
	}
	return true;
}

/* §5.3 component recomposition. */
static int format_uri(const struct uri *uri, char *buf, size_t len, bool redact)
{
	if (len > 0)
		buf[0] = '\0';
	if (!uri || !uri->scheme || !is_valid_scheme(uri->scheme) || !uri->path)
		return -WBE_INVAL;
	/* §3.3: after an authority the path is empty or starts with '/' */
	if (uri->has_authority && (!uri->host || (uri->path[0] != '\0' && uri->path[0] != '/')))
		return -WBE_INVAL;

	struct sink s = {buf, len, 0};
	put_str(&s, uri->scheme);
	put_char(&s, ':');

	if (uri->has_authority) {
		put_str(&s, "//");
		if (uri->user || uri->password) {
			if (uri->user)
				put_encoded(&s, uri->user, CHARS_USER, false);
			if (uri->password) {
				put_char(&s, ':');
				if (redact)
					put_str(&s, "***");
				else
					put_encoded(&s, uri->password, CHARS_USERINFO, false);
			}
			put_char(&s, '@');
		}
		if (uri->host_is_ip_literal) {
			put_char(&s, '[');
			put_encoded(&s, uri->host, CHARS_IP_LITERAL, false);
			put_char(&s, ']');
		} else {
			put_encoded(&s, uri->host, CHARS_HOST, false);
		}
		if (uri->has_port) {
			char digits[8];
			wb_snprintf(digits, sizeof(digits), ":%u", (unsigned)uri->port);
			put_str(&s, digits);
		}
	} else if (uri->path[0] == '/' && uri->path[1] == '/') {
		/* "//x" would read back as an authority; "/.//x" is the same path (§5.2.4) */
		put_str(&s, "/.");
	}

	enum uri_chars path_chars = CHARS_PATH;
	if (!uri->has_authority && uri->path[0] != '\0' && uri->path[0] != '/')
		path_chars = CHARS_OPAQUE_PATH;
	put_encoded(&s, uri->path, path_chars, true);
	if (uri->query) {
		put_char(&s, '?');
		put_encoded(&s, uri->query, CHARS_QUERY, true);
	}
	if (uri->fragment) {
		put_char(&s, '#');
		put_encoded(&s, uri->fragment, CHARS_QUERY, true);
	}

	/* past URI_MAX_LEN uri_parse() could not read the text back */
	if (s.len > URI_MAX_LEN) {
		if (len > 0)
			buf[0] = '\0';
		return -WBE_RANGE;
	}
	if (len > 0)
		buf[s.len < len ? s.len : len - 1] = '\0';
	return (int)s.len;
}

int uri_format(const struct uri *uri, char *buf, size_t len)
{
	return format_uri(uri, buf, len, false);
}

int uri_format_redacted(const struct uri *uri, char *buf, size_t len)
{
	return format_uri(uri, buf, len, true);
}

int uri_redacted_text(const struct uri *uri, char **out)
{
	int len = format_uri(uri, NULL, 0, true);
	if (len < 0)
		return len;
	char *text = wb_malloc((size_t)len + 1);
	if (!text)
		return -WBE_NOMEM;
	format_uri(uri, text, (size_t)len + 1, true);
	*out = text;
	return 0;
}

static bool equal_ignoring_case(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (to_lower((unsigned char)*a) != to_lower((unsigned char)*b))
			return false;
	}
	return *a == *b;
}

uint16_t uri_default_port(const char *scheme)
{
	static const struct {
		const char *scheme;
		uint16_t port;
	} ports[] = {
		{"http", 80}, {"https", 443}, {"ftp", 21}, {"tftp", 69}, {"nfs", 2049}, {"iscsi", 3260},
	};
	if (!scheme)
		return 0;
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (equal_ignoring_case(scheme, ports[i].scheme))
			return ports[i].port;
	}
	return 0;
}
