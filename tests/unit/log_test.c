/* log_test.c - tests for wireboot/log.h: levels, the output prefix, and the per-module debug
 * switches with their error handling. */
#include "wireboot/log.h"

#include "test.h"
#include "test_platform.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct log_fixture {
	struct test_platform tp;
	struct console con;
	struct log log;
};

static void setup(struct log_fixture *f)
{
	test_platform_init(&f->tp);
	console_init(&f->con, &f->tp.platform);
	log_init(&f->log, &f->con);
}

/* Output since the last call, then cleared. */
static const char *take(struct log_fixture *f, char *copy, size_t len)
{
	snprintf(copy, len, "%s", test_platform_output(&f->tp));
	test_platform_clear_output(&f->tp);
	return copy;
}

TEST(log_prefix_format_and_default_level)
{
	struct log_fixture f;
	char out[256];
	setup(&f);
	CHECK_INT(f.log.level, LOG_INFO);
	log_msg(&f.log, LOG_ERROR, "dhcp", "no offer after %d tries", 4);
	CHECK_STR(take(&f, out, sizeof(out)), "dhcp: error: no offer after 4 tries\n");
	log_msg(&f.log, LOG_WARN, "rng", "seeded from %s", "jitter");
	CHECK_STR(take(&f, out, sizeof(out)), "rng: warning: seeded from jitter\n");
	log_msg(&f.log, LOG_INFO, "net0", "link up");
	CHECK_STR(take(&f, out, sizeof(out)), "net0: link up\n");
	log_msg(&f.log, LOG_DEBUG, "tcp", "state %s", "SYN_SENT");
	CHECK_STR(take(&f, out, sizeof(out)), ""); /* debug off by default */
}

TEST(log_levels_filter)
{
	static const struct {
		enum log_level threshold;
		const char *expect;
	} cases[] = {
		{LOG_ERROR, "m: error: e\n"},
		{LOG_WARN, "m: error: e\nm: warning: w\n"},
		{LOG_INFO, "m: error: e\nm: warning: w\nm: i\n"},
		/* the level does not switch debug output on: that takes log_set_debug() */
		{LOG_DEBUG, "m: error: e\nm: warning: w\nm: i\n"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct log_fixture f;
		char out[256];
		setup(&f);
		f.log.level = cases[i].threshold;
		log_msg(&f.log, LOG_ERROR, "m", "e");
		log_msg(&f.log, LOG_WARN, "m", "w");
		log_msg(&f.log, LOG_INFO, "m", "i");
		log_msg(&f.log, LOG_DEBUG, "m", "d");
		CHECK_STR(take(&f, out, sizeof(out)), cases[i].expect);
	}
}

TEST(log_debug_switches)
{
	struct log_fixture f;
	char out[256];
	setup(&f);
	CHECK_INT(log_set_debug(&f.log, "dhcp,tcp"), 0);
	CHECK(log_debug_enabled(&f.log, "dhcp"));
	CHECK(log_debug_enabled(&f.log, "tcp"));
	CHECK(!log_debug_enabled(&f.log, "http"));
	CHECK(!log_debug_enabled(&f.log, "dhc"));
	CHECK(!log_debug_enabled(&f.log, "dhcpv6"));
	log_msg(&f.log, LOG_DEBUG, "tcp", "seq %u", 7u);
	log_msg(&f.log, LOG_DEBUG, "http", "hidden");
	CHECK_STR(take(&f, out, sizeof(out)), "tcp: debug: seq 7\n");
	/* debug messages of a switched-on module print even when the level is lower */
	f.log.level = LOG_ERROR;
	log_msg(&f.log, LOG_DEBUG, "dhcp", "x");
	log_msg(&f.log, LOG_INFO, "dhcp", "y");
	CHECK_STR(take(&f, out, sizeof(out)), "dhcp: debug: x\n");

	/* a new list replaces the old one */
	CHECK_INT(log_set_debug(&f.log, "http"), 0);
	CHECK(!log_debug_enabled(&f.log, "dhcp"));
	CHECK(log_debug_enabled(&f.log, "http"));

	CHECK_INT(log_set_debug(&f.log, "all"), 0);
	CHECK(log_debug_enabled(&f.log, "anything"));
	log_msg(&f.log, LOG_DEBUG, "iscsi", "on");
	CHECK_STR(take(&f, out, sizeof(out)), "iscsi: debug: on\n");

	/* a list after "all" switches back to just those modules */
	CHECK_INT(log_set_debug(&f.log, "dns"), 0);
	CHECK(log_debug_enabled(&f.log, "dns"));
	CHECK(!log_debug_enabled(&f.log, "iscsi"));

	CHECK_INT(log_set_debug(&f.log, "all"), 0);
	CHECK_INT(log_set_debug(&f.log, "off"), 0);
	CHECK(!log_debug_enabled(&f.log, "dns"));
	CHECK(!log_debug_enabled(&f.log, "iscsi"));
	CHECK_INT(log_set_debug(&f.log, "off"), 0);
	log_msg(&f.log, LOG_DEBUG, "dns", "hidden");
	CHECK_STR(take(&f, out, sizeof(out)), "");
}

TEST(log_debug_list_bounds)
{
	static const struct {
		const char *list;
		int rc;
	} cases[] = {
		{"a", 0},
		{"abcdefghijklmno", 0},   /* 15 characters: the longest name */
		{"abcdefghijklmnop", -WBE_INVAL},
		{"", -WBE_INVAL},
		{",", -WBE_INVAL},
		{"a,", -WBE_INVAL},
		{",a", -WBE_INVAL},
		{"a,,b", -WBE_INVAL},
		{"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", 0}, /* 16 names */
		{"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", -WBE_NOSPC},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct log_fixture f;
		setup(&f);
		CHECK_INT(log_set_debug(&f.log, "keep,me"), 0);
		int rc = log_set_debug(&f.log, cases[i].list);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "log_set_debug(\"%s\") = %d, expected %d", cases[i].list, rc,
				  cases[i].rc);
		if (rc == 0) {
			/* the last name of the list is on, the previous switches are gone */
			const char *last = strrchr(cases[i].list, ',');
			last = last ? last + 1 : cases[i].list;
			CHECK(log_debug_enabled(&f.log, last));
			CHECK(!log_debug_enabled(&f.log, "keep"));
		} else {
			/* on error the previous switches stay exactly as they were */
			CHECK(log_debug_enabled(&f.log, "keep"));
			CHECK(log_debug_enabled(&f.log, "me"));
			CHECK_INT(f.log.debug_count, 2);
			CHECK(!f.log.debug_all);
		}
	}
	/* "all" also survives a bad list */
	struct log_fixture f;
	setup(&f);
	CHECK_INT(log_set_debug(&f.log, "all"), 0);
	CHECK_INT(log_set_debug(&f.log, "a,,b"), -WBE_INVAL);
	CHECK(log_debug_enabled(&f.log, "whatever"));
	/* 16 names all switched on */
	CHECK_INT(log_set_debug(&f.log, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p"), 0);
	for (char c = 'a'; c <= 'p'; c++) {
		char name[2] = {c, 0};
		CHECK(log_debug_enabled(&f.log, name));
	}
	CHECK(!log_debug_enabled(&f.log, "q"));
}

TEST(log_long_message_truncated)
{
	struct log_fixture f;
	setup(&f);
	char long_text[1000];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	log_msg(&f.log, LOG_INFO, "mod", "%s", long_text);
	const char *out = test_platform_output(&f.tp);
	/* the console prints one 511-character chunk and marks the cut */
	CHECK_INT(strlen(out), 511 + strlen("...[truncated]\n"));
	CHECK(strncmp(out, "mod: xxx", 8) == 0);
	CHECK_STR(out + 511, "...[truncated]\n");
}
