/*
 * iscsi_rootpath_fuzz.c - libFuzzer harness for wireboot/iscsi_rootpath.h.
 *
 * The input is used two ways:
 *  1. as a root path text (cut at its first NUL): a text that parses gives a struct within
 *     the documented bounds, whose canonical text fits ISCSI_ROOTPATH_MAX_LEN, parses back to
 *     the same struct and formats identically again;
 *  2. as the raw bytes of a struct iscsi_rootpath handed to the formatter (unterminated
 *     strings, port 0, anything): it either refuses with a parse code, or its text parses
 *     back to exactly that struct, so the formatter never emits what the parser rejects.
 * The module does not allocate, so there is nothing to leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/iscsi_rootpath.h"

#include "fuzz.h"

static bool is_parse_rc(int rc)
{
	switch (rc) {
	case -WBE_ISCSI_ROOTPATH_SYNTAX:
	case -WBE_ISCSI_ROOTPATH_SERVER:
	case -WBE_ISCSI_ROOTPATH_PROTOCOL:
	case -WBE_ISCSI_ROOTPATH_PORT:
	case -WBE_ISCSI_ROOTPATH_LUN:
	case -WBE_ISCSI_TARGET_NAME_EMPTY:
	case -WBE_ISCSI_TARGET_NAME_TOO_LONG:
	case -WBE_ISCSI_TARGET_NAME_CHARS:
		return true;
	}
	return false;
}

static bool same(const struct iscsi_rootpath *a, const struct iscsi_rootpath *b)
{
	return strcmp(a->server, b->server) == 0 && strcmp(a->target, b->target) == 0 &&
	       a->port == b->port && memcmp(a->lun, b->lun, 8) == 0 &&
	       a->server_is_ipv6 == b->server_is_ipv6;
}

/* Formats @rp (which must format) and checks the text reads back to @rp. */
static void check_round_trip(const struct iscsi_rootpath *rp, char *text)
{
	int n = iscsi_rootpath_format(rp, text, ISCSI_ROOTPATH_MAX_LEN + 1);
	ENSURE(n > 0 && n <= ISCSI_ROOTPATH_MAX_LEN && strlen(text) == (size_t)n);
	ENSURE(iscsi_rootpath_format(rp, NULL, 0) == n);
	struct iscsi_rootpath again;
	ENSURE(iscsi_rootpath_parse(text, &again) == 0);
	ENSURE(same(rp, &again));
	static char text2[ISCSI_ROOTPATH_MAX_LEN + 1];
	ENSURE(iscsi_rootpath_format(&again, text2, sizeof(text2)) == n);
	ENSURE(strcmp(text, text2) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[ISCSI_ROOTPATH_MAX_LEN + 1];

	/* 1. the input as a text */
	char *input = malloc(size + 1);
	ENSURE(input != NULL);
	memcpy(input, data, size);
	input[size] = '\0';
	struct iscsi_rootpath rp;
	int rc = iscsi_rootpath_parse(input, &rp);
	ENSURE(rc == 0 || is_parse_rc(rc));
	if (rc == 0) {
		size_t server_len = strlen(rp.server), target_len = strlen(rp.target);
		ENSURE(server_len >= 1 && server_len <= ISCSI_SERVER_MAX_LEN);
		ENSURE(target_len >= 1 && target_len <= ISCSI_TARGET_NAME_MAX_LEN);
		ENSURE(rp.port != 0);
		ENSURE(rp.server_is_ipv6 == (input[6] == '['));
		/* the target is the input's tail, byte for byte */
		ENSURE(strcmp(input + strlen(input) - target_len, rp.target) == 0);
		check_round_trip(&rp, text);
	}
	free(input);

	/* 2. the input as the bytes of a struct */
	if (size >= sizeof(struct iscsi_rootpath)) {
		struct iscsi_rootpath raw;
		memcpy(&raw, data, sizeof(raw));
		raw.server_is_ipv6 = data[0] & 1; /* a bool holds 0 or 1 only */
		rc = iscsi_rootpath_format(&raw, text, sizeof(text));
		ENSURE(rc > 0 || is_parse_rc(rc));
		if (rc > 0)
			check_round_trip(&raw, text);
		else
			ENSURE(text[0] == '\0');
	}
	return 0;
}
