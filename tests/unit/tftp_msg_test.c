/*
 * tftp_msg_test.c - tests for wireboot/tftp_msg.h: request building (options, the 512-byte
 * limit), ERROR/ACK building, and parsing DATA, ERROR and OACK packets written here byte by
 * byte. Parsed packets are also parsed at every shorter length from an exact-size heap copy,
 * so ASan catches any read past the end.
 */
#include "wireboot/tftp_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"

static const struct tftp_options all_opts = {1468, 8, true};

TEST(tftp_msg_rrq_with_options)
{
	uint8_t buf[TFTP_REQUEST_MAX];
	static const char want[] = "\0\1boot/x.efi\0octet\0blksize\0" "1468\0tsize\0" "0\0windowsize\0" "8";
	int n = tftp_build_rrq("boot/x.efi", &all_opts, buf, sizeof(buf));
	CHECK_INT(n, sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
}

TEST(tftp_msg_rrq_plain_and_partial)
{
	uint8_t buf[64];
	static const char plain[] = "\0\1f\0octet";
	CHECK_INT(tftp_build_rrq("f", NULL, buf, sizeof(buf)), sizeof(plain));
	CHECK_MEM(buf, plain, sizeof(plain));
	const struct tftp_options none = {0, 0, false};
	CHECK_INT(tftp_build_rrq("f", &none, buf, sizeof(buf)), sizeof(plain));
	const struct tftp_options bs = {512, 0, false};
	static const char want[] = "\0\1f\0octet\0blksize\0" "512";
	CHECK_INT(tftp_build_rrq("f", &bs, buf, sizeof(buf)), sizeof(want));
	CHECK_MEM(buf, want, sizeof(want));
	const struct tftp_options big = {65464, 65535, false};
	static const char want2[] = "\0\1f\0octet\0blksize\0" "65464\0windowsize\0" "65535";
	CHECK_INT(tftp_build_rrq("f", &big, buf, sizeof(buf)), sizeof(want2));
	CHECK_MEM(buf, want2, sizeof(want2));
}

TEST(tftp_msg_rrq_limits)
{
	uint8_t buf[TFTP_REQUEST_MAX + 100];
	char name[TFTP_REQUEST_MAX + 1];
	CHECK_INT(tftp_build_rrq("", NULL, buf, sizeof(buf)), -WBE_TFTP_URI);
	CHECK_INT(tftp_build_rrq(NULL, NULL, buf, sizeof(buf)), -WBE_INVAL);
	CHECK_INT(tftp_build_rrq("f", NULL, NULL, 10), -WBE_INVAL);
	const struct tftp_options small = {7, 0, false}, large = {65465, 0, false};
	CHECK_INT(tftp_build_rrq("f", &small, buf, sizeof(buf)), -WBE_RANGE);
	CHECK_INT(tftp_build_rrq("f", &large, buf, sizeof(buf)), -WBE_RANGE);
	/* plain: 2 + name + NUL + "octet" + NUL = 512 exactly at 503 bytes of name */
	memset(name, 'a', 504);
	name[503] = '\0';
	CHECK_INT(tftp_build_rrq(name, NULL, buf, sizeof(buf)), TFTP_REQUEST_MAX);
	name[503] = 'a';
	name[504] = '\0';
	CHECK_INT(tftp_build_rrq(name, NULL, buf, sizeof(buf)), -WBE_TFTP_URI);
	/* the options must fit too (RFC 2347): 34 bytes of them */
	name[503 - 34] = '\0';
	CHECK_INT(tftp_build_rrq(name, &all_opts, buf, sizeof(buf)), TFTP_REQUEST_MAX);
	name[503 - 34] = 'a';
	name[504 - 34] = '\0';
	CHECK_INT(tftp_build_rrq(name, &all_opts, buf, sizeof(buf)), -WBE_TFTP_URI);
	/* a caller buffer too small is not a bad name */
	CHECK_INT(tftp_build_rrq("f", NULL, buf, 9), -WBE_NOSPC);
	CHECK_INT(tftp_build_rrq("f", NULL, buf, 10), 10);
}

TEST(tftp_msg_ack_and_error)
{
	uint8_t buf[16];
	CHECK_INT(tftp_build_ack(0xfffe, buf), 4);
	CHECK_MEM(buf, "\0\4\xff\xfe", 4);
	CHECK_INT(tftp_build_error(5, "unknown", buf, sizeof(buf)), 12);
	CHECK_MEM(buf, "\0\5\0\5unknown", 12);
	/* cut to fit, still NUL-terminated */
	CHECK_INT(tftp_build_error(0, "a longer text than fits", buf, 8), 8);
	CHECK_MEM(buf, "\0\5\0\0a l", 8);
	CHECK_INT(tftp_build_error(0, "x", buf, 4), -WBE_NOSPC);
	CHECK_INT(tftp_build_error(0, NULL, buf, 8), -WBE_INVAL);
}

/* tftp_parse() on an exact-size copy, and every prefix of it must not read past the end. */
static int parse(const void *msg, size_t len, struct tftp_packet *out)
{
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, msg, cut);
		struct tftp_packet p;
		(void)tftp_parse(cut ? copy : NULL, cut, &p);
		free(copy);
	}
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, msg, len);
	int rc = tftp_parse(copy, len, out);
	/* the pointers of @out point into the copy: re-point them into @msg before freeing */
	if (out->data)
		out->data = (const uint8_t *)msg + (out->data - copy);
	free(copy);
	return rc;
}

TEST(tftp_msg_parse_data)
{
	struct tftp_packet p;
	CHECK_INT(parse("\0\3\x12\x34hello", 9, &p), 0);
	CHECK_INT(p.opcode, TFTP_OP_DATA);
	CHECK_INT(p.block, 0x1234);
	CHECK_INT(p.data_len, 5);
	CHECK_MEM(p.data, "hello", 5);
	CHECK_INT(parse("\0\3\0\0", 4, &p), 0); /* an empty last block */
	CHECK_INT(p.data_len, 0);
	CHECK_INT(parse("\0\3\0", 3, &p), -WBE_TFTP_MALFORMED);
	CHECK_INT(tftp_parse(NULL, 0, &p), -WBE_TFTP_MALFORMED);
	CHECK_INT(tftp_parse(NULL, 1, &p), -WBE_INVAL);
}

TEST(tftp_msg_parse_error)
{
	struct tftp_packet p;
	CHECK_INT(parse("\0\5\0\1File not found\0", 19, &p), 0);
	CHECK_INT(p.opcode, TFTP_OP_ERROR);
	CHECK_INT(p.error_code, 1);
	CHECK_STR(p.error_text, "File not found");
	/* no NUL (some servers), control bytes replaced, text after the NUL ignored */
	CHECK_INT(parse("\0\5\0\2bad\x1b[2J\xff", 12, &p), 0);
	CHECK_STR(p.error_text, "bad?[2J?");
	CHECK_INT(parse("\0\5\0\2a\0b", 7, &p), 0);
	CHECK_STR(p.error_text, "a");
	CHECK_INT(parse("\0\5\0\0", 4, &p), 0);
	CHECK_STR(p.error_text, "");
	CHECK_INT(parse("\0\5\0", 3, &p), -WBE_TFTP_MALFORMED);
	/* long texts are cut */
	uint8_t big[300];
	memcpy(big, "\0\5\0\0", 4);
	memset(big + 4, 'x', sizeof(big) - 4);
	CHECK_INT(parse(big, sizeof(big), &p), 0);
	CHECK_INT(strlen(p.error_text), TFTP_ERROR_TEXT_MAX);
}

TEST(tftp_msg_parse_other_opcodes)
{
	struct tftp_packet p;
	CHECK_INT(parse("\0\6blksize\0" "512\0", 14, &p), 0);
	CHECK_INT(p.opcode, TFTP_OP_OACK);
	CHECK_INT(p.data_len, 12);
	CHECK_INT(parse("\0\6", 2, &p), 0);
	CHECK_INT(p.data_len, 0);
	CHECK_INT(parse("\0\1f\0octet\0", 10, &p), -WBE_TFTP_MALFORMED); /* RRQ */
	CHECK_INT(parse("\0\2f\0octet\0", 10, &p), -WBE_TFTP_MALFORMED); /* WRQ */
	CHECK_INT(parse("\0\4\0\1", 4, &p), -WBE_TFTP_MALFORMED);       /* ACK */
	CHECK_INT(parse("\0\7\0\1", 4, &p), -WBE_TFTP_MALFORMED);
	CHECK_INT(parse("\1\3\0\1", 4, &p), -WBE_TFTP_MALFORMED);
	CHECK_INT(parse("\0", 1, &p), -WBE_TFTP_MALFORMED);
}

static int oack(const char *opts, size_t len, const struct tftp_options *asked, struct tftp_oack *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (len)
		memcpy(copy, opts, len);
	int rc = tftp_parse_oack(len ? copy : NULL, len, asked, out);
	free(copy);
	return rc;
}

#define OACK(s, asked, out) oack(s, sizeof(s) - 1, asked, out)

TEST(tftp_msg_oack_accepts)
{
	struct tftp_oack o;
	CHECK_INT(OACK("blksize\0" "1468\0tsize\0" "123456789012\0windowsize\0" "4\0", &all_opts, &o), 0);
	CHECK_INT(o.blksize, 1468);
	CHECK_INT(o.windowsize, 4);
	CHECK(o.has_tsize);
	CHECK_INT(o.tsize, 123456789012LL);
	/* case-insensitive names, any order, smaller values, absent options keep RFC 1350's */
	CHECK_INT(OACK("TSize\0" "0\0BLKSIZE\0" "8\0", &all_opts, &o), 0);
	CHECK_INT(o.blksize, 8);
	CHECK_INT(o.windowsize, 1);
	CHECK(o.has_tsize);
	CHECK_INT(o.tsize, 0);
	CHECK_INT(oack(NULL, 0, &all_opts, &o), 0);
	CHECK_INT(o.blksize, 512);
	CHECK(!o.has_tsize);
	CHECK_INT(OACK("tsize\0" "18446744073709551615\0", &all_opts, &o), 0);
	CHECK(o.tsize == UINT64_MAX);
	CHECK_INT(OACK("windowsize\0" "00008\0", &all_opts, &o), 0); /* leading zeros are still 8 */
	CHECK_INT(o.windowsize, 8);
}

TEST(tftp_msg_oack_rejects)
{
	struct tftp_oack o = {1, 2, true, 3};
	const struct tftp_options bs_only = {1468, 0, false};
	/* out of range or not asked for */
	CHECK_INT(OACK("blksize\0" "1469\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("blksize\0" "7\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("windowsize\0" "0\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("windowsize\0" "9\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("tsize\0" "10\0", &bs_only, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("windowsize\0" "1\0", &bs_only, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("timeout\0" "5\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("blksize\0" "512\0blksize\0" "512\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("blksizex\0" "512\0", &all_opts, &o), -WBE_TFTP_OACK);
	/* values: digits only, 1..20 of them, no overflow */
	CHECK_INT(OACK("tsize\0\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("tsize\0" "-1\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("tsize\0" " 1\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("tsize\0" "18446744073709551616\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("tsize\0" "000000000000000000001\0", &all_opts, &o), -WBE_TFTP_OACK);
	CHECK_INT(OACK("blksize\0" "99999999999\0", &all_opts, &o), -WBE_TFTP_OACK);
	/* structure */
	CHECK_INT(OACK("blksize\0" "512", &all_opts, &o), -WBE_TFTP_MALFORMED);
	CHECK_INT(OACK("blksize\0", &all_opts, &o), -WBE_TFTP_MALFORMED);
	CHECK_INT(OACK("blksize", &all_opts, &o), -WBE_TFTP_MALFORMED);
	CHECK_INT(OACK("\0" "512\0", &all_opts, &o), -WBE_TFTP_MALFORMED);
	CHECK_INT(tftp_parse_oack(NULL, 1, &all_opts, &o), -WBE_INVAL);
	/* nothing written on failure */
	CHECK_INT(o.blksize, 1);
	CHECK_INT(o.tsize, 3);
}
