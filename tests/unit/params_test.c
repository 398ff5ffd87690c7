/* params_test.c - tests for wireboot/params.h: lists, the form encoding (WHATWG
 * application/x-www-form-urlencoded), header field checks and bounds. */
#include "wireboot/params.h"

#include "test.h"
#include "wireboot/errors.h"

TEST(params_lists)
{
	struct params_set set;
	params_set_init(&set);
	struct params *a, *b, *c;
	REQUIRE(params_create(&set, NULL, &a) == 0);
	REQUIRE(params_create(&set, "b", &b) == 0);
	CHECK(params_find(&set, NULL) == a); /* no name: the unnamed list, as in iPXE */
	CHECK(params_find(&set, "") == a);
	CHECK(params_find(&set, "b") == b);
	REQUIRE(params_add(b, "k", "v", false) == 0);
	REQUIRE(params_create(&set, "b", &c) == 0); /* replaces */
	CHECK_INT(c->count, 0);
	CHECK_INT(set.lists.count, 2);
	params_destroy(&set, c);
	CHECK(params_find(&set, "b") == NULL);
	params_set_fini(&set);
}

TEST(params_form_encoding)
{
	struct params_set set;
	params_set_init(&set);
	struct params *p;
	REQUIRE(params_create(&set, NULL, &p) == 0);
	char out[128];
	CHECK_INT(params_form_encode(p, out, sizeof(out)), 0);
	CHECK_STR(out, "");
	CHECK(!params_has_form(p));
	REQUIRE(params_add(p, "X-Trace", "on", true) == 0);
	CHECK(!params_has_form(p)); /* headers are not form fields */
	REQUIRE(params_add(p, "mac", "52:54:00:ab", false) == 0);
	REQUIRE(params_add(p, "a b", "x&y=z+\xc3\xa9~*-._", false) == 0);
	REQUIRE(params_add(p, "empty", "", false) == 0);
	CHECK(params_has_form(p));
	const char *want = "mac=52%3A54%3A00%3Aab&a+b=x%26y%3Dz%2B%C3%A9%7E*-._&empty=";
	CHECK_INT(params_form_encode(p, NULL, 0), strlen(want));
	CHECK_INT(params_form_encode(p, out, sizeof(out)), strlen(want));
	CHECK_STR(out, want);
	/* a short buffer: cut and terminated, the full length still reported */
	char small[8];
	CHECK_INT(params_form_encode(p, small, sizeof(small)), strlen(want));
	CHECK_STR(small, "mac=52%");
	params_set_fini(&set);
}

TEST(params_header_checks_and_bounds)
{
	struct params_set set;
	params_set_init(&set);
	struct params *p;
	REQUIRE(params_create(&set, "x", &p) == 0);
	CHECK_INT(params_add(p, "X-Ok", "a value\twith tab", true), 0);
	CHECK_INT(params_add(p, "Bad Name", "v", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "Bad:Name", "v", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "", "v", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "X-Inject", "v\r\nHost: evil", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "X-Del", "v\x7f", true), -WBE_INVAL);
	/* fields that frame the request are the HTTP client's own (no smuggling) */
	CHECK_INT(params_add(p, "Host", "evil", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "content-LENGTH", "0", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "Transfer-Encoding", "chunked", true), -WBE_INVAL);
	CHECK_INT(params_add(p, "Hostname", "fine", true), 0); /* a longer name is not Host */
	CHECK_INT(params_add(p, "Authorization", "Bearer token", true), 0);
	CHECK_INT(params_add(p, "form keys are free", "v\r\n", false), 0); /* encoded in the body */
	char long_text[PARAMS_TEXT_MAX + 2];
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	CHECK_INT(params_add(p, long_text, "", false), -WBE_RANGE);
	CHECK_INT(params_add(p, "k", long_text, false), -WBE_RANGE);
	CHECK_INT(params_create(&set, long_text, NULL), -WBE_RANGE);
	while (p->count < PARAMS_ENTRIES_MAX)
		REQUIRE(params_add(p, "k", "v", false) == 0);
	CHECK_INT(params_add(p, "k", "v", false), -WBE_PARAMS_TOO_MANY);
	for (int i = 1; i < PARAMS_LISTS_MAX; i++) {
		char name[8];
		snprintf(name, sizeof(name), "l%d", i);
		REQUIRE(params_create(&set, name, NULL) == 0);
	}
	CHECK_INT(params_create(&set, "one-more", NULL), -WBE_PARAMS_TOO_MANY);
	params_set_fini(&set);
}
