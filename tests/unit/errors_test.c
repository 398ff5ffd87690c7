/* errors_test.c - tests for wireboot/errors.h: the code table, names, messages and the
 * "Error 0x... (...) - see docs/errors.md#..." line with truncation. */
#include "wireboot/errors.h"

#include <limits.h>

#include "test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct code {
	int value;
	const char *name, *message;
};

static const struct code codes[] = {
#define CODE(name, value, message) {value, #name, message},
	WB_ERROR_LIST(CODE)
#undef CODE
};

TEST(errors_table_complete_and_unique)
{
	CHECK(COUNT(codes) >= 30);
	for (size_t i = 0; i < COUNT(codes); i++) {
		const struct code *c = &codes[i];
		CHECK(c->value > 0 && c->value <= 0xffff);
		CHECK(c->message[0] != '\0');
		CHECK(strncmp(c->name, "WBE_", 4) == 0);
		for (size_t k = 0; k < i; k++) {
			if (codes[k].value == c->value)
				test_fail(__FILE__, __LINE__, "%s and %s share 0x%04x", codes[k].name, c->name,
					  c->value);
			if (strcmp(codes[k].name, c->name) == 0)
				test_fail(__FILE__, __LINE__, "duplicate name %s", c->name);
		}
		/* both signs find the entry; functions return the negative form */
		CHECK_STR(errors_message(-c->value), c->message);
		CHECK_STR(errors_message(c->value), c->message);
		CHECK_STR(errors_name(-c->value), c->name);
		CHECK_STR(errors_name(c->value), c->name);
		/* a one-line message: no newline, and no trailing period or space */
		CHECK(strchr(c->message, '\n') == NULL);
		size_t n = strlen(c->message);
		CHECK(c->message[n - 1] != '.' && c->message[n - 1] != ' ');
	}
}

TEST(errors_zero_and_unknown)
{
	CHECK_STR(errors_message(0), "success");
	CHECK_STR(errors_name(0), "OK");
	static const int unknown[] = {-1, 1, -0x100, -0x9999, -0xffff, 0x7fffffff, -0x7fffffff, INT_MIN};
	for (size_t i = 0; i < COUNT(unknown); i++) {
		CHECK_STR(errors_message(unknown[i]), "unknown error");
		CHECK_STR(errors_name(unknown[i]), "WBE_UNKNOWN");
	}
}

struct format_case {
	int rc;
	const char *text;
};

static const struct format_case format_cases[] = {
	{-WBE_NOMEM, "Error 0x0101 (out of memory) - see docs/errors.md#wbe_nomem"},
	{-WBE_CMD_UNKNOWN, "Error 0x0201 (unknown command) - see docs/errors.md#wbe_cmd_unknown"},
	{-WBE_CMD_LINE_TOO_LONG,
	 "Error 0x0203 (command line too long) - see docs/errors.md#wbe_cmd_line_too_long"},
	{-WBE_SETTING_TYPE,
	 "Error 0x0302 (value does not parse as the setting's type) - see docs/errors.md#wbe_setting_type"},
	{-WBE_CONSOLE_EOF, "Error 0x0701 (console input closed) - see docs/errors.md#wbe_console_eof"},
	{WBE_IO, "Error 0x010b (input/output error) - see docs/errors.md#wbe_io"},
	{-0x9999, "Error 0x9999 (unknown error) - see docs/errors.md#wbe_unknown"},
	{-0x12345, "Error 0x12345 (unknown error) - see docs/errors.md#wbe_unknown"},
	{INT_MIN, "Error 0x80000000 (unknown error) - see docs/errors.md#wbe_unknown"},
};

TEST(errors_format_text)
{
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		char buf[160];
		int n = errors_format(buf, sizeof(buf), format_cases[i].rc);
		CHECK_STR(buf, format_cases[i].text);
		CHECK_INT(n, strlen(format_cases[i].text));
	}
	/* every code formats with its own lowercase anchor */
	for (size_t i = 0; i < COUNT(codes); i++) {
		char buf[200], expect[200];
		char anchor[64];
		size_t k = 0;
		for (; codes[i].name[k]; k++) {
			char ch = codes[i].name[k];
			anchor[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
		}
		anchor[k] = '\0';
		snprintf(expect, sizeof(expect), "Error 0x%04x (%s) - see docs/errors.md#%s", (unsigned)codes[i].value,
			 codes[i].message, anchor);
		int n = errors_format(buf, sizeof(buf), -codes[i].value);
		CHECK_STR(buf, expect);
		CHECK_INT(n, strlen(expect));
	}
}

TEST(errors_format_truncation)
{
	const char *full = "Error 0x0101 (out of memory) - see docs/errors.md#wbe_nomem";
	int need = (int)strlen(full);
	for (int len = 1; len <= need + 2; len++) {
		char buf[80];
		memset(buf, '#', sizeof(buf));
		int n = errors_format(buf, len, -WBE_NOMEM);
		CHECK_INT(n, need);
		int kept = len - 1 < need ? len - 1 : need;
		CHECK_INT(strlen(buf), kept);
		CHECK(strncmp(buf, full, (size_t)kept) == 0);
		CHECK(buf[kept + 1] == '#'); /* nothing written past the terminator */
	}
	/* len 0 (and a NULL buffer) or negative: only the length */
	CHECK_INT(errors_format(NULL, 0, -WBE_NOMEM), need);
	char guard[4] = "abc";
	CHECK_INT(errors_format(guard, -5, -WBE_NOMEM), need);
	CHECK_STR(guard, "abc");
}
