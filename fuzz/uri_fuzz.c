/*
 * uri_fuzz.c - libFuzzer harness for wireboot/uri.h: parse, format, resolve, percent-decode.
 *
 * The input is a URI text (cut at its first NUL). Invariants checked, beyond the sanitizers':
 *  - every struct uri the module makes formats within URI_MAX_LEN, and its text parses back
 *    to a URI with the same components that formats identically;
 *  - a redacted text never differs from the plain one except for "***" in place of a password;
 *  - resolution is idempotent: resolving the text of a resolved URI gives the same text;
 *  - an absolute URI that parses also resolves, against any base;
 *  - percent-decoding never lengthens and never yields a NUL byte;
 *  - nothing leaks: the allocator's live block count is back to its baseline after each input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/uri.h"

#include "fuzz.h"

static void *libc_alloc(size_t size)
{
	return malloc(size);
}

static void libc_free(void *ptr)
{
	free(ptr);
}

static const struct malloc_backend libc_backend = {libc_alloc, libc_free, 0};

static struct uri *fixed_base;
static size_t baseline_blocks;

static bool same_optional(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool is_parse_error(int rc)
{
	return rc == -WBE_URI_SYNTAX || rc == -WBE_URI_PERCENT || rc == -WBE_URI_PORT;
}

/* Formats @uri into @buf (URI_MAX_LEN + 1 bytes), which must succeed. */
static void format_checked(const struct uri *uri, char *buf)
{
	int n = uri_format(uri, buf, URI_MAX_LEN + 1);
	ENSURE(n >= 0 && n <= URI_MAX_LEN);
	ENSURE(strlen(buf) == (size_t)n);
	ENSURE(uri_format(uri, NULL, 0) == n);
}

static void check_redacted(const struct uri *uri, const char *text)
{
	static char redacted[URI_MAX_LEN + 1];
	int n = uri_format_redacted(uri, redacted, sizeof(redacted));
	if (!uri->password) {
		ENSURE(n >= 0 && strcmp(redacted, text) == 0);
		return;
	}
	/* "***" may push a text that was at the limit beyond it */
	ENSURE(n >= 0 || n == -WBE_RANGE);
	if (n < 0)
		return;
	/* identical up to the password, which became "***", then identical again */
	const char *at = strstr(redacted, ":***@");
	ENSURE(at != NULL);
	size_t head = (size_t)(at - redacted) + 1;
	ENSURE(strncmp(redacted, text, head) == 0);
	const char *text_tail = strchr(text + head, '@');
	ENSURE(text_tail != NULL && strcmp(at + 4, text_tail) == 0);
}

/* A struct uri made by uri.c formats, and its text reads back to the same URI. */
static void check_uri(const struct uri *uri)
{
	static char text[URI_MAX_LEN + 1], again_text[URI_MAX_LEN + 1];
	struct uri *again = NULL;

	ENSURE(uri->scheme != NULL && uri->path != NULL);
	ENSURE((uri->host != NULL) == uri->has_authority);
	ENSURE(!uri->password || uri->user);
	format_checked(uri, text);
	ENSURE(uri_parse(text, &again) == 0);
	format_checked(again, again_text);
	ENSURE(strcmp(text, again_text) == 0);
	/* the decoded components survive their re-encoding */
	ENSURE(strcmp(uri->scheme, again->scheme) == 0);
	ENSURE(same_optional(uri->user, again->user));
	ENSURE(same_optional(uri->password, again->password));
	ENSURE(same_optional(uri->host, again->host));
	ENSURE(same_optional(uri->query, again->query));
	ENSURE(same_optional(uri->fragment, again->fragment));
	ENSURE(uri->has_port == again->has_port && (!uri->has_port || uri->port == again->port));
	ENSURE(uri->has_authority == again->has_authority);
	ENSURE(uri->host_is_ip_literal == again->host_is_ip_literal);
	uri_free(again);
	check_redacted(uri, text);
}

/* As check_uri(), plus: resolving the text of a resolved URI changes nothing. */
static void check_resolved(const struct uri *resolved)
{
	static char text[URI_MAX_LEN + 1], again_text[URI_MAX_LEN + 1];
	struct uri *again = NULL;

	check_uri(resolved);
	format_checked(resolved, text);
	ENSURE(uri_resolve(fixed_base, text, &again) == 0);
	format_checked(again, again_text);
	ENSURE(strcmp(text, again_text) == 0);
	uri_free(again);
}

static void check_percent_decode(const uint8_t *data, size_t size)
{
	char *decoded = malloc(size + 1);
	char *in_place = malloc(size + 1);
	size_t decoded_len = 0, in_place_len = 0;
	ENSURE(decoded && in_place);

	int rc = uri_percent_decode((const char *)data, size, decoded, size + 1, &decoded_len);
	ENSURE(rc == 0 || rc == -WBE_URI_PERCENT || rc == -WBE_URI_SYNTAX);
	if (rc == 0) {
		ENSURE(decoded_len <= size && decoded[decoded_len] == '\0');
		ENSURE(memchr(decoded, '\0', decoded_len) == NULL);
		/* decoding in place gives the same bytes */
		memcpy(in_place, data, size);
		ENSURE(uri_percent_decode(in_place, size, in_place, size + 1, &in_place_len) == 0);
		ENSURE(in_place_len == decoded_len && memcmp(in_place, decoded, decoded_len + 1) == 0);
		/* one byte short of room for the NUL is reported, not overrun */
		ENSURE(uri_percent_decode((const char *)data, size, decoded, decoded_len, NULL) ==
		       -WBE_NOSPC);
	}
	free(in_place);
	free(decoded);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fixed_base) {
		struct malloc_stats stats;
		malloc_init(&libc_backend);
		ENSURE(uri_parse("http://user:pw@a/b/c/d;p?q", &fixed_base) == 0);
		malloc_get_stats(&stats);
		baseline_blocks = stats.live_blocks;
	}

	char *text = malloc(size + 1);
	ENSURE(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';

	struct uri *uri = NULL, *resolved = NULL;
	int rc = uri_parse(text, &uri);
	ENSURE(rc == 0 || is_parse_error(rc));
	ENSURE((rc == 0) == (uri != NULL));
	if (rc == 0) {
		check_uri(uri);
		/* an absolute URI is a reference too, here resolved against itself */
		rc = uri_resolve(uri, text, &resolved);
		/* only the "/." that keeps a "//" path from turning into an authority can
		 * push the result past the limit */
		ENSURE(rc == 0 || (rc == -WBE_RANGE && strlen(text) + 2 > URI_MAX_LEN));
		if (rc == 0)
			check_resolved(resolved);
		uri_free(resolved);
		resolved = NULL;
	}

	int base_rc = uri_resolve(fixed_base, text, &resolved);
	ENSURE(base_rc == 0 || is_parse_error(base_rc) || base_rc == -WBE_RANGE);
	/* whether a reference is valid does not depend on the base */
	ENSURE(!uri || base_rc == rc);
	if (base_rc == 0)
		check_resolved(resolved);
	uri_free(resolved);
	uri_free(uri);

	check_percent_decode(data, size);
	(void)uri_default_port(text);
	free(text);

	struct malloc_stats stats;
	malloc_get_stats(&stats);
	ENSURE(stats.live_blocks == baseline_blocks);
	return 0;
}
