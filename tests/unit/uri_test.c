/* uri_test.c - tests for wireboot/uri.h: parsing, RFC 3986 §5.4 resolution, formatting. */
#include "wireboot/uri.h"

#include "test.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* CHECK_STR for optional strings: both NULL, or both equal. */
#define CHECK_OPT_STR(a, b)                                                                  \
	do {                                                                                 \
		const char *oa_ = (a), *ob_ = (b);                                           \
		if (oa_ || ob_)                                                              \
			CHECK_STR(oa_, ob_);                                                 \
	} while (0)

/* Formats @uri into @buf (asserting it fits) and returns @buf, or "(error)". */
static const char *format(const struct uri *uri, char *buf, size_t len)
{
	int n = uri_format(uri, buf, len);
	CHECK(n >= 0 && (size_t)n < len);
	return n >= 0 ? buf : "(error)";
}

struct parse_case {
	const char *text;
	const char *scheme, *user, *password, *host, *path, *query, *fragment;
	int port; /* -1: no port */
	bool has_authority, ip_literal;
};

static const struct parse_case parse_cases[] = {
	{"http://user:pass@example.com:8080/dir/file.efi?x=1&y=2#frag", "http", "user", "pass",
	 "example.com", "/dir/file.efi", "x=1&y=2", "frag", 8080, true, false},
	{"https://[2001:db8::1]:8443/boot.ipxe", "https", NULL, NULL, "2001:db8::1", "/boot.ipxe",
	 NULL, NULL, 8443, true, true},
	{"http://[::1]/", "http", NULL, NULL, "::1", "/", NULL, NULL, -1, true, true},
	{"http://[::1]:/", "http", NULL, NULL, "::1", "/", NULL, NULL, -1, true, true},
	{"http://[::FFFF:192.0.2.1]/", "http", NULL, NULL, "::ffff:192.0.2.1", "/", NULL, NULL, -1,
	 true, true},
	/* decoded after splitting: %40 is a data '@', %3A a data ':' in the user */
	{"http://us%65r%3Ax:p%40ss@ex%41mple.com/", "http", "user:x", "p@ss", "example.com", "/", NULL,
	 NULL, -1, true, false},
	{"http://example.com:/x", "http", NULL, NULL, "example.com", "/x", NULL, NULL, -1, true, false},
	{"HTTP://Example.COM/Path", "http", NULL, NULL, "example.com", "/Path", NULL, NULL, -1, true,
	 false},
	{"Coap+TCP.x-y://h", "coap+tcp.x-y", NULL, NULL, "h", "", NULL, NULL, -1, true, false},
	{"http://h/p?q=1/2?3#f?/", "http", NULL, NULL, "h", "/p", "q=1/2?3", "f?/", -1, true, false},
	{"http://h?", "http", NULL, NULL, "h", "", "", NULL, -1, true, false},
	{"http://h#", "http", NULL, NULL, "h", "", NULL, "", -1, true, false},
	{"iscsi:10.0.0.1::::iqn.2010-04.org.ipxe:target", "iscsi", NULL, NULL, NULL,
	 "10.0.0.1::::iqn.2010-04.org.ipxe:target", NULL, NULL, -1, false, false},
	{"iscsi:[fe80::1]:6:3260:0:iqn.x", "iscsi", NULL, NULL, NULL, "[fe80::1]:6:3260:0:iqn.x", NULL,
	 NULL, -1, false, false},
	{"file:///boot/vmlinuz", "file", NULL, NULL, "", "/boot/vmlinuz", NULL, NULL, -1, true, false},
	{"tftp://10.0.0.1/pxelinux.0", "tftp", NULL, NULL, "10.0.0.1", "/pxelinux.0", NULL, NULL, -1,
	 true, false},
	{"http://h/a%2Fb%2f", "http", NULL, NULL, "h", "/a%2Fb%2f", NULL, NULL, -1, true, false},
	{"http://user@h/", "http", "user", NULL, "h", "/", NULL, NULL, -1, true, false},
	{"http://user:@h/", "http", "user", "", "h", "/", NULL, NULL, -1, true, false},
	{"http://:pw:with:colons@h/", "http", "", "pw:with:colons", "h", "/", NULL, NULL, -1, true,
	 false},
	{"http://:0/", "http", NULL, NULL, "", "/", NULL, NULL, 0, true, false},
	{"http://h:65535/", "http", NULL, NULL, "h", "/", NULL, NULL, 65535, true, false},
	{"http://h:00080/", "http", NULL, NULL, "h", "/", NULL, NULL, 80, true, false},
	{"mailto:a@b.example", "mailto", NULL, NULL, NULL, "a@b.example", NULL, NULL, -1, false, false},
	{"x:", "x", NULL, NULL, NULL, "", NULL, NULL, -1, false, false},
	{"x:/a/./b/../c", "x", NULL, NULL, NULL, "/a/./b/../c", NULL, NULL, -1, false, false},
};

TEST(uri_parse_table)
{
	for (size_t i = 0; i < COUNT(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct uri *uri = NULL;
		int rc = uri_parse(c->text, &uri);
		CHECK_INT(rc, 0);
		if (rc != 0) {
			test_fail(__FILE__, __LINE__, "while parsing \"%s\"", c->text);
			continue;
		}
		CHECK_STR(uri->scheme, c->scheme);
		CHECK_OPT_STR(uri->user, c->user);
		CHECK_OPT_STR(uri->password, c->password);
		CHECK_OPT_STR(uri->host, c->host);
		CHECK_STR(uri->path, c->path);
		CHECK_OPT_STR(uri->query, c->query);
		CHECK_OPT_STR(uri->fragment, c->fragment);
		CHECK_INT(uri->has_port, c->port >= 0);
		CHECK_INT(uri->has_port ? uri->port : -1, c->port);
		CHECK_INT(uri->has_authority, c->has_authority);
		CHECK_INT(uri->host_is_ip_literal, c->ip_literal);
		uri_free(uri);
	}
}

struct error_case {
	const char *text;
	int rc;
};

static const struct error_case error_cases[] = {
	{"http://h/%G1", -WBE_URI_PERCENT},
	{"http://h/%4", -WBE_URI_PERCENT},
	{"http://h/?%", -WBE_URI_PERCENT},
	{"http://h/#%4g", -WBE_URI_PERCENT},
	{"http://%zz@h/", -WBE_URI_PERCENT},
	{"http://h%/", -WBE_URI_PERCENT},
	{"http://u%00@h/", -WBE_URI_PERCENT}, /* a decoded NUL would truncate the user */
	{"http://h%00/", -WBE_URI_PERCENT},
	{"http://h:70000/", -WBE_URI_PORT},
	{"http://h:65536/", -WBE_URI_PORT},
	{"http://h:8a/", -WBE_URI_PORT},
	{"http://h:-1/", -WBE_URI_PORT},
	{"http://h:1:2/", -WBE_URI_PORT},
	{"http://h:99999999999999999999999/", -WBE_URI_PORT},
	{"http://[::1]:x/", -WBE_URI_PORT},
	{"http://h/a b", -WBE_URI_SYNTAX},
	{" http://h/", -WBE_URI_SYNTAX},
	{"http://h/\t", -WBE_URI_SYNTAX},
	{"http://h/\x7f", -WBE_URI_SYNTAX},
	{"http://h/caf\xc3\xa9", -WBE_URI_SYNTAX},
	{"http://h/<x>", -WBE_URI_SYNTAX},
	{"http://h/a\\b", -WBE_URI_SYNTAX},
	{"http://h/#a#b", -WBE_URI_SYNTAX},
	{"http://h/[x]", -WBE_URI_SYNTAX}, /* brackets only in an opaque path */
	{"http://[::1/", -WBE_URI_SYNTAX},
	{"http://[::1]x/", -WBE_URI_SYNTAX},
	{"http://[]/", -WBE_URI_SYNTAX},
	{"http://[1:2:3:4:5:6:7:8:9]/", -WBE_URI_SYNTAX},
	{"http://[1:2:3:4:5:6:7]/", -WBE_URI_SYNTAX},
	{"http://[1::2::3]/", -WBE_URI_SYNTAX},
	{"http://[1:2:3:4:5:6:7::8]/", -WBE_URI_SYNTAX}, /* "::" must stand for a group */
	{"http://[12345::]/", -WBE_URI_SYNTAX},
	{"http://[::1:]/", -WBE_URI_SYNTAX},
	{"http://[::256.0.0.1]/", -WBE_URI_SYNTAX},
	{"http://[::01.0.0.1]/", -WBE_URI_SYNTAX},
	{"http://[1.2.3.4]/", -WBE_URI_SYNTAX},
	{"http://[v1.x]/", -WBE_URI_SYNTAX},      /* IPvFuture: unreachable, rejected */
	{"http://[fe80::1%25eth0]/", -WBE_URI_SYNTAX}, /* RFC 6874 zone: rejected */
	{"http://a@b@c/", -WBE_URI_SYNTAX},
	{"", -WBE_URI_SYNTAX},
	{"://x", -WBE_URI_SYNTAX},
	{"1http://h/", -WBE_URI_SYNTAX},
	{"ht tp://h/", -WBE_URI_SYNTAX},
	{"http", -WBE_URI_SYNTAX},
	/* relative references need a base: uri_resolve() */
	{"foo/bar", -WBE_URI_SYNTAX},
	{"/abs/path", -WBE_URI_SYNTAX},
	{"//host/x", -WBE_URI_SYNTAX},
	{"?q", -WBE_URI_SYNTAX},
};

TEST(uri_parse_errors)
{
	static struct uri sentinel; /* *out must stay untouched on failure */
	for (size_t i = 0; i < COUNT(error_cases); i++) {
		struct uri *uri = &sentinel;
		int rc = uri_parse(error_cases[i].text, &uri);
		CHECK_INT(rc, error_cases[i].rc);
		if (rc != error_cases[i].rc)
			test_fail(__FILE__, __LINE__, "while parsing \"%s\"", error_cases[i].text);
		CHECK(uri == &sentinel);
		if (uri != &sentinel)
			uri_free(uri);
	}
}

TEST(uri_parse_null_arguments)
{
	struct uri *uri = NULL;
	CHECK_INT(uri_parse(NULL, &uri), -WBE_INVAL);
	CHECK_INT(uri_parse("http://h/", NULL), -WBE_INVAL);
	CHECK(uri == NULL);
	uri_free(NULL);
}

/* Fills @buf with "http://h/aaa..." of exactly @len bytes. */
static void make_long_uri(char *buf, size_t len)
{
	memcpy(buf, "http://h/", 9);
	memset(buf + 9, 'a', len - 9);
	buf[len] = '\0';
}

TEST(uri_parse_length_limit)
{
	static char text[9001];
	struct uri *uri = NULL;

	make_long_uri(text, 9000);
	CHECK_INT(uri_parse(text, &uri), -WBE_URI_SYNTAX);
	make_long_uri(text, URI_MAX_LEN + 1);
	CHECK_INT(uri_parse(text, &uri), -WBE_URI_SYNTAX);

	make_long_uri(text, URI_MAX_LEN);
	REQUIRE(uri_parse(text, &uri) == 0);
	CHECK_INT(uri_format(uri, NULL, 0), URI_MAX_LEN);
	/* "" resolves to the same text; "?" would make it one past the limit */
	struct uri *resolved = NULL;
	CHECK_INT(uri_resolve(uri, "", &resolved), 0);
	uri_free(resolved);
	resolved = NULL;
	CHECK_INT(uri_resolve(uri, "?", &resolved), -WBE_RANGE);
	CHECK(resolved == NULL);
	uri_free(uri);
}

/* RFC 3986 §5.4: examples resolved against this base. */
static const char rfc_base[] = "http://a/b/c/d;p?q";

struct resolve_case {
	const char *ref, *expected;
};

/* §5.4.1 Normal Examples */
static const struct resolve_case rfc_normal[] = {
	{"g:h", "g:h"},
	{"g", "http://a/b/c/g"},
	{"./g", "http://a/b/c/g"},
	{"g/", "http://a/b/c/g/"},
	{"/g", "http://a/g"},
	{"//g", "http://g"},
	{"?y", "http://a/b/c/d;p?y"},
	{"g?y", "http://a/b/c/g?y"},
	{"#s", "http://a/b/c/d;p?q#s"},
	{"g#s", "http://a/b/c/g#s"},
	{"g?y#s", "http://a/b/c/g?y#s"},
	{";x", "http://a/b/c/;x"},
	{"g;x", "http://a/b/c/g;x"},
	{"g;x?y#s", "http://a/b/c/g;x?y#s"},
	{"", "http://a/b/c/d;p?q"},
	{".", "http://a/b/c/"},
	{"./", "http://a/b/c/"},
	{"..", "http://a/b/"},
	{"../", "http://a/b/"},
	{"../g", "http://a/b/g"},
	{"../..", "http://a/"},
	{"../../", "http://a/"},
	{"../../g", "http://a/g"},
};

/* §5.4.2 Abnormal Examples */
static const struct resolve_case rfc_abnormal[] = {
	{"../../../g", "http://a/g"},
	{"../../../../g", "http://a/g"},
	{"/./g", "http://a/g"},
	{"/../g", "http://a/g"},
	{"g.", "http://a/b/c/g."},
	{".g", "http://a/b/c/.g"},
	{"g..", "http://a/b/c/g.."},
	{"..g", "http://a/b/c/..g"},
	{"./../g", "http://a/b/g"},
	{"./g/.", "http://a/b/c/g/"},
	{"g/./h", "http://a/b/c/g/h"},
	{"g/../h", "http://a/b/c/h"},
	{"g;x=1/./y", "http://a/b/c/g;x=1/y"},
	{"g;x=1/../y", "http://a/b/c/y"},
	{"g?y/./x", "http://a/b/c/g?y/./x"},
	{"g?y/../x", "http://a/b/c/g?y/../x"},
	{"g#s/./x", "http://a/b/c/g#s/./x"},
	{"g#s/../x", "http://a/b/c/g#s/../x"},
	{"http:g", "http:g"}, /* strict parser */
};

static void check_resolve_table(const char *base_text, const struct resolve_case *cases, size_t n)
{
	struct uri *base = NULL;
	REQUIRE(uri_parse(base_text, &base) == 0);
	for (size_t i = 0; i < n; i++) {
		struct uri *resolved = NULL;
		char buf[256];
		int rc = uri_resolve(base, cases[i].ref, &resolved);
		CHECK_INT(rc, 0);
		if (rc == 0)
			CHECK_STR(format(resolved, buf, sizeof(buf)), cases[i].expected);
		if (rc != 0 || strcmp(buf, cases[i].expected) != 0)
			test_fail(__FILE__, __LINE__, "resolving \"%s\" against \"%s\"", cases[i].ref,
				  base_text);
		uri_free(resolved);
	}
	uri_free(base);
}

TEST(uri_resolve_rfc3986_normal)
{
	check_resolve_table(rfc_base, rfc_normal, COUNT(rfc_normal));
}

TEST(uri_resolve_rfc3986_abnormal)
{
	check_resolve_table(rfc_base, rfc_abnormal, COUNT(rfc_abnormal));
}

struct resolve_base_case {
	const char *base, *ref, *expected;
};

static const struct resolve_base_case resolve_cases[] = {
	/* §5.2.4's own walk-throughs */
	{"http://x/", "/a/b/c/./../../g", "http://x/a/g"},
	{"http://x/", "mid/content=5/../6", "http://x/mid/6"},
	/* §5.2.3: empty base path with an authority merges as "/" */
	{"http://a", "g", "http://a/g"},
	{"http://a?q#f", "", "http://a?q"}, /* the base fragment is dropped (§5.1) */
	/* the base's authority (userinfo, IP literal, port) is kept as-is */
	{"http://u:p@[::1]:8080/a/b", "../c?x", "http://u:p@[::1]:8080/c?x"},
	{"http://u:p@h/a/b", "//other/x", "http://other/x"},
	{"https://h/a%2Fb/c", "d", "https://h/a%2Fb/d"},
	{"tftp://10.0.0.1/boot/pxe.cfg", "vmlinuz", "tftp://10.0.0.1/boot/vmlinuz"},
	{"http://h/a/b", "HTTP://H/./x/../y", "http://h/y"},
	/* opaque bases (RFC 4173): no '/' in the path, so the reference replaces it */
	{"iscsi:10.0.0.1::::iqn.x", "foo", "iscsi:foo"},
	{"iscsi:10.0.0.1::::iqn.x", "#f", "iscsi:10.0.0.1::::iqn.x#f"},
	{"iscsi:10.0.0.1::::iqn.x", "iscsi:[fe80::1]::::iqn.y", "iscsi:[fe80::1]::::iqn.y"},
	/* a "//" path without an authority must not turn into one (see uri_format()) */
	{"x:/a/b", "..//g", "x:/.//g"},
	{"x:/a/b", "x:/.//g", "x:/.//g"},
	{"file:///boot/grub/grub.cfg", "../efi/x.efi", "file:///boot/efi/x.efi"},
};

TEST(uri_resolve_more)
{
	for (size_t i = 0; i < COUNT(resolve_cases); i++) {
		const struct resolve_base_case *c = &resolve_cases[i];
		check_resolve_table(c->base, &(struct resolve_case){c->ref, c->expected}, 1);
	}
}

TEST(uri_resolve_errors)
{
	struct uri *base = NULL, *resolved = NULL;
	REQUIRE(uri_parse(rfc_base, &base) == 0);

	CHECK_INT(uri_resolve(base, "%zz", &resolved), -WBE_URI_PERCENT);
	CHECK_INT(uri_resolve(base, "a b", &resolved), -WBE_URI_SYNTAX);
	CHECK_INT(uri_resolve(base, ":x", &resolved), -WBE_URI_SYNTAX); /* §4.2 */
	CHECK_INT(uri_resolve(base, "a:b:c/d:e", &resolved), 0);        /* "a" is a scheme */
	uri_free(resolved);
	resolved = NULL;
	CHECK_INT(uri_resolve(base, "./a:b", &resolved), 0); /* the §4.2 way to write it */
	uri_free(resolved);
	resolved = NULL;
	CHECK_INT(uri_resolve(base, "//h:99999/", &resolved), -WBE_URI_PORT);
	CHECK_INT(uri_resolve(base, "[x]", &resolved), -WBE_URI_SYNTAX);
	CHECK_INT(uri_resolve(base, NULL, &resolved), -WBE_INVAL);
	CHECK_INT(uri_resolve(NULL, "x", &resolved), -WBE_INVAL);
	CHECK_INT(uri_resolve(base, "x", NULL), -WBE_INVAL);
	CHECK(resolved == NULL);

	/* a hand-built base must be absolute */
	struct uri no_scheme = {.path = "/a"};
	CHECK_INT(uri_resolve(&no_scheme, "x", &resolved), -WBE_INVAL);
	/* ... and formattable: an authority followed by a rootless path is not */
	struct uri bad = {.scheme = "http", .host = "h", .path = "a", .has_authority = true};
	CHECK_INT(uri_resolve(&bad, "b", &resolved), -WBE_INVAL);
	CHECK(resolved == NULL);
	uri_free(base);
}

struct round_trip_case {
	const char *text, *formatted;
};

static const struct round_trip_case round_trip_cases[] = {
	{"http://user:pass@example.com:8080/dir/file.efi?x=1#frag", NULL},
	{"HTTP://EXAMPLE.com:/a", "http://example.com/a"},
	{"http://us%65r@h/", "http://user@h/"},
	{"http://a%2fb:c%3ad@h/", "http://a%2Fb:c:d@h/"}, /* ':' needs no encoding in a password */
	{"http://%75:%70@h/", "http://u:p@h/"},
	{"http://u%3A:p@h/", "http://u%3A:p@h/"},
	{"http://H%41/", "http://ha/"},
	{"http://h%2Fx/", "http://h%2Fx/"},
	{"http://h%c3%a9/", "http://h%C3%A9/"},
	{"http://h/a%2Fb%2f?q=%20&r#f%2F", NULL},
	{"http://[2001:DB8::1]:80/", "http://[2001:db8::1]:80/"},
	{"http://h:0080/", "http://h:80/"},
	{"http://h:0/", NULL},
	{"iscsi:10.0.0.1::::iqn.x", NULL},
	{"iscsi:[fe80::1]::3260:0:iqn.2010-04.org.ipxe:t", NULL},
	{"file:///path", NULL},
	{"http://h?", NULL},
	{"http://h#", NULL},
	{"http://h?#", NULL},
	{"http://@h/", NULL},
	{"http://:@h/", NULL},
	{"x:", NULL},
	{"x:/a/../b/./c", NULL}, /* parsing does not remove dot segments; resolving does */
};

TEST(uri_round_trip)
{
	for (size_t i = 0; i < COUNT(round_trip_cases); i++) {
		const struct round_trip_case *c = &round_trip_cases[i];
		const char *expected = c->formatted ? c->formatted : c->text;
		struct uri *uri = NULL, *again = NULL;
		char buf[256], buf2[256];
		REQUIRE(uri_parse(c->text, &uri) == 0);
		CHECK_STR(format(uri, buf, sizeof(buf)), expected);
		/* the formatted text reads back to the same URI */
		CHECK_INT(uri_parse(buf, &again), 0);
		if (again)
			CHECK_STR(format(again, buf2, sizeof(buf2)), expected);
		uri_free(again);
		uri_free(uri);
	}
}

TEST(uri_format_encodes_hand_built)
{
	char buf[256];
	struct uri uri = {
		.scheme = "http",
		.user = "a:b@c",
		.password = "p@ss/w:rd",
		.host = "ex ample",
		.path = "/a b?c#%zz%41%",
		.query = "x=#1",
		.fragment = "f#%2",
		.port = 8080,
		.has_port = true,
		.has_authority = true,
	};
	CHECK_STR(format(&uri, buf, sizeof(buf)),
		  "http://a%3Ab%40c:p%40ss%2Fw:rd@ex%20ample:8080/a%20b%3Fc%23%25zz%41%25?x=%231#f%23%252");

	struct uri opaque = {.scheme = "iscsi", .path = "[::1]::::iqn x"};
	CHECK_STR(format(&opaque, buf, sizeof(buf)), "iscsi:[::1]::::iqn%20x");
	struct uri rooted = {.scheme = "x", .path = "/[::1]"};
	CHECK_STR(format(&rooted, buf, sizeof(buf)), "x:/%5B::1%5D");
	struct uri double_slash = {.scheme = "x", .path = "//g"};
	CHECK_STR(format(&double_slash, buf, sizeof(buf)), "x:/.//g");
	struct uri password_only = {.scheme = "ftp", .password = "pw", .host = "h", .path = "",
				    .has_authority = true};
	CHECK_STR(format(&password_only, buf, sizeof(buf)), "ftp://:pw@h");
}

TEST(uri_format_invalid)
{
	char buf[16] = "unchanged";
	struct uri no_scheme = {.path = "/"};
	struct uri bad_scheme = {.scheme = "1x", .path = "/"};
	struct uri no_path = {.scheme = "x"};
	struct uri no_host = {.scheme = "x", .path = "/", .has_authority = true};
	struct uri rootless = {.scheme = "x", .host = "h", .path = "a", .has_authority = true};
	CHECK_INT(uri_format(NULL, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_STR(buf, "");
	CHECK_INT(uri_format(&no_scheme, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_INT(uri_format(&bad_scheme, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_INT(uri_format(&no_path, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_INT(uri_format(&no_host, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_INT(uri_format(&rootless, buf, sizeof(buf)), -WBE_INVAL);

	static char long_path[URI_MAX_LEN + 1];
	memset(long_path, 'a', URI_MAX_LEN);
	struct uri too_long = {.scheme = "x", .path = long_path};
	CHECK_INT(uri_format(&too_long, buf, sizeof(buf)), -WBE_RANGE);
	CHECK_STR(buf, "");
	long_path[URI_MAX_LEN - 2] = '\0';
	CHECK_INT(uri_format(&too_long, NULL, 0), URI_MAX_LEN);
}

TEST(uri_format_truncates_like_snprintf)
{
	struct uri *uri = NULL;
	char buf[8];
	REQUIRE(uri_parse("http://example.com/", &uri) == 0);
	CHECK_INT(uri_format(uri, NULL, 0), 19);
	CHECK_INT(uri_format(uri, buf, sizeof(buf)), 19);
	CHECK_STR(buf, "http://");
	CHECK_INT(uri_format(uri, buf, 1), 19);
	CHECK_STR(buf, "");
	uri_free(uri);
}

TEST(uri_format_redacted_hides_password)
{
	struct uri *uri = NULL;
	char buf[128];
	REQUIRE(uri_parse("http://admin:s3cr%65t@h/x", &uri) == 0);
	CHECK_STR(format(uri, buf, sizeof(buf)), "http://admin:s3cret@h/x");
	CHECK_INT(uri_format_redacted(uri, buf, sizeof(buf)), 20);
	CHECK_STR(buf, "http://admin:***@h/x");
	CHECK(strstr(buf, "s3cr") == NULL);
	uri_free(uri);

	/* an empty password is still a secret's length: redacted too */
	REQUIRE(uri_parse("ftp://u:@h/", &uri) == 0);
	CHECK(uri_format_redacted(uri, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "ftp://u:***@h/");
	uri_free(uri);

	/* without a password the redacted text is the plain one */
	REQUIRE(uri_parse("ftp://u@h/", &uri) == 0);
	CHECK(uri_format_redacted(uri, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "ftp://u@h/");
	uri_free(uri);
}

TEST(uri_redacted_text_allocates)
{
	struct uri *uri = NULL;
	REQUIRE(uri_parse("ftp://user:pw@h/a%20b", &uri) == 0);
	char *text = NULL;
	CHECK_INT(uri_redacted_text(uri, &text), 0);
	CHECK_STR(text, "ftp://user:***@h/a%20b");
	wb_free(text);
	FOR_EACH_ALLOC_FAILURE(i) {
		text = NULL;
		int rc = uri_redacted_text(uri, &text);
		CHECK(rc == 0 || (rc == -WBE_NOMEM && text == NULL));
		wb_free(text);
	}
	uri_free(uri);
}

struct decode_case {
	const char *in;
	int rc;
	const char *out;
};

static const struct decode_case decode_cases[] = {
	{"", 0, ""},
	{"abc", 0, "abc"},
	{"%41%42c", 0, "ABc"},
	{"%e2%82%AC", 0, "\xe2\x82\xac"},
	{"a+b%2B", 0, "a+b+"}, /* '+' is not a space in RFC 3986 */
	{"%2541", 0, "%41"},   /* decoded once only */
	{"%G1", -WBE_URI_PERCENT, NULL},
	{"%4", -WBE_URI_PERCENT, NULL},
	{"%", -WBE_URI_PERCENT, NULL},
	{"ab%", -WBE_URI_PERCENT, NULL},
	{"%00", -WBE_URI_PERCENT, NULL},
};

TEST(uri_percent_decode_table)
{
	for (size_t i = 0; i < COUNT(decode_cases); i++) {
		const struct decode_case *c = &decode_cases[i];
		char out[32];
		size_t out_len = 999;
		int rc = uri_percent_decode(c->in, strlen(c->in), out, sizeof(out), &out_len);
		CHECK_INT(rc, c->rc);
		if (rc == 0 && c->out) {
			CHECK_STR(out, c->out);
			CHECK_INT(out_len, strlen(c->out));
		} else {
			CHECK_INT(out_len, 999);
		}
	}
}

TEST(uri_percent_decode_edges)
{
	char buf[16];
	size_t len = 0;

	/* in place, and @in need not be NUL-terminated */
	memcpy(buf, "a%2Fbcd", 7);
	CHECK_INT(uri_percent_decode(buf, 5, buf, sizeof(buf), &len), 0);
	CHECK_STR(buf, "a/b");
	CHECK_INT(len, 3);

	/* room for the bytes and the NUL */
	CHECK_INT(uri_percent_decode("%41bc", 5, buf, 4, NULL), 0);
	CHECK_STR(buf, "Abc");
	CHECK_INT(uri_percent_decode("%41bc", 5, buf, 3, NULL), -WBE_NOSPC);
	CHECK_INT(uri_percent_decode("", 0, buf, 0, NULL), -WBE_NOSPC);

	/* a raw NUL inside the length is not URI text */
	CHECK_INT(uri_percent_decode("a\0b", 3, buf, sizeof(buf), NULL), -WBE_URI_SYNTAX);
	CHECK_INT(uri_percent_decode(NULL, 0, buf, sizeof(buf), NULL), -WBE_INVAL);
	CHECK_INT(uri_percent_decode("a", 1, NULL, 0, NULL), -WBE_INVAL);
}

TEST(uri_default_port_table)
{
	static const struct {
		const char *scheme;
		int port;
	} cases[] = {
		{"http", 80}, {"HTTP", 80}, {"hTtPs", 443}, {"tftp", 69},  {"ftp", 21},
		{"iscsi", 3260}, {"nfs", 2049}, {"gopher", 0}, {"http2", 0}, {"htt", 0},
		{"", 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		CHECK_INT(uri_default_port(cases[i].scheme), cases[i].port);
	CHECK_INT(uri_default_port(NULL), 0);
}

/* Every allocation in parse and resolve may fail: each failure must be clean and reported. */
TEST(uri_alloc_failures)
{
	int successes = 0, failures = 0;
	FOR_EACH_ALLOC_FAILURE(i)
	{
		struct uri *base = NULL, *resolved = NULL, *other = NULL;
		char buf[128];
		int rc = uri_parse("http://us%65r:pw@[::1]:8080/a/b/c?q#f", &base);
		if (rc == 0)
			rc = uri_resolve(base, "../d;x?y#z", &resolved);
		if (rc == 0)
			rc = uri_resolve(resolved, "//other:1/e", &other);
		CHECK(rc == 0 || rc == -WBE_NOMEM);
		if (rc == 0) {
			successes++;
			CHECK_STR(format(resolved, buf, sizeof(buf)), "http://user:pw@[::1]:8080/a/d;x?y#z");
			CHECK_STR(format(other, buf, sizeof(buf)), "http://other:1/e");
		} else {
			failures++;
		}
		uri_free(other);
		uri_free(resolved);
		uri_free(base);
	}
	CHECK_INT(successes, 1);
	CHECK(failures >= 10);
}
