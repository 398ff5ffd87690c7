/*
 * ftp_msg_test.c - tests for wireboot/ftp_msg.h: replies (single and multi-line, split at
 * every byte, line ends, bounds), commands (no CR/LF smuggling), and the PASV, EPSV and SIZE
 * values, written here as vsftpd, ProFTPD and RFC 959's examples send them.
 */
#include "wireboot/ftp_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"

/*
 * Parses @text as one reply twice: whole, and one byte per feed from an exact-size heap copy
 * (so ASan catches reads past the end). Both must agree; returns the result, *@used the
 * bytes taken by the whole-text parse.
 */
static int parse_reply(const char *text, struct ftp_reply *r, size_t *used)
{
	size_t len = strlen(text);
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	struct ftp_reply bytewise;
	ftp_reply_init(&bytewise);
	int rc1 = FTP_REPLY_MORE;
	size_t taken = 0;
	for (size_t i = 0; i < len && rc1 == FTP_REPLY_MORE; i++) {
		uint8_t *one = malloc(1);
		*one = copy[i];
		size_t u;
		rc1 = ftp_reply_feed(&bytewise, one, 1, &u);
		taken += u;
		free(one);
	}
	ftp_reply_init(r);
	int rc = ftp_reply_feed(r, copy, len, used);
	free(copy);
	CHECK_INT(rc1, rc);
	if (rc == FTP_REPLY_DONE) {
		CHECK_INT(taken, *used);
		CHECK_INT(bytewise.code, r->code);
		CHECK_STR(bytewise.text, r->text);
	}
	return rc;
}

TEST(ftp_msg_single_line)
{
	struct ftp_reply r;
	size_t used;
	CHECK_INT(parse_reply("220 (vsFTPd 3.0.3)\r\n", &r, &used), FTP_REPLY_DONE);
	CHECK_INT(r.code, 220);
	CHECK_STR(r.text, "(vsFTPd 3.0.3)");
	CHECK_INT(used, 20);
	/* a lone LF, a bare code */
	CHECK_INT(parse_reply("230 Login successful.\n", &r, &used), FTP_REPLY_DONE);
	CHECK_STR(r.text, "Login successful.");
	CHECK_INT(parse_reply("200\r\n", &r, &used), FTP_REPLY_DONE);
	CHECK_INT(r.code, 200);
	CHECK_STR(r.text, "");
	/* not yet complete */
	CHECK_INT(parse_reply("226 Transfer complete.\r", &r, &used), FTP_REPLY_MORE);
	CHECK_INT(used, 23);
	CHECK_INT(parse_reply("22", &r, &used), FTP_REPLY_MORE);
}

TEST(ftp_msg_multi_line)
{
	struct ftp_reply r;
	size_t used;
	/* RFC 959 §4.2's example: inner lines may start with anything, even another code */
	CHECK_INT(parse_reply("123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n"
			      "123 The last line\r\n", &r, &used), FTP_REPLY_DONE);
	CHECK_INT(r.code, 123);
	CHECK_STR(r.text, "First line Second line   234 A line beginning with numbers The last line");
	/* inner "ddd-" lines with the code (ProFTPD style), another code's "ddd " is text */
	CHECK_INT(parse_reply("220-Welcome\r\n220-to the server\r\n230 not the end\r\n220 Ready\r\n", &r, &used),
		  FTP_REPLY_DONE);
	CHECK_INT(r.code, 220);
	CHECK_STR(r.text, "Welcome to the server 230 not the end Ready");
	/* the last line may be the bare code */
	CHECK_INT(parse_reply("211-Features:\r\n SIZE\r\n EPSV\r\n211\r\n", &r, &used), FTP_REPLY_DONE);
	CHECK_STR(r.text, "Features:  SIZE  EPSV");
	/* "220-" again is not the end */
	CHECK_INT(parse_reply("220-a\r\n220-b\r\n", &r, &used), FTP_REPLY_MORE);
}

TEST(ftp_msg_reply_sequence)
{
	/* two replies in one piece: the first stops at its LF, the rest is the next reply */
	static const char two[] = "331 Please specify the password.\r\n230 Login successful.\r\n";
	struct ftp_reply r;
	ftp_reply_init(&r);
	size_t used;
	CHECK_INT(ftp_reply_feed(&r, (const uint8_t *)two, strlen(two), &used), FTP_REPLY_DONE);
	CHECK_INT(r.code, 331);
	CHECK_INT(used, 34);
	size_t used2;
	CHECK_INT(ftp_reply_feed(&r, (const uint8_t *)two + used, strlen(two) - used, &used2), FTP_REPLY_DONE);
	CHECK_INT(r.code, 230);
	CHECK_STR(r.text, "Login successful.");
	CHECK_INT(used + used2, strlen(two));
	/* nothing fed: more wanted */
	CHECK_INT(ftp_reply_feed(&r, NULL, 0, &used), FTP_REPLY_MORE);
	CHECK_INT(used, 0);
}

TEST(ftp_msg_reply_malformed)
{
	struct ftp_reply r;
	size_t used;
	CHECK_INT(parse_reply("HTTP/1.1 400 Bad Request\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("22 short\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("620 first digit 6\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("020 first digit 0\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("220x\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("\r\n", &r, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(parse_reply("22\n", &r, &used), -WBE_FTP_MALFORMED);
	/* the parser stays failed */
	CHECK_INT(ftp_reply_feed(&r, (const uint8_t *)"220 ok\r\n", 8, &used), -WBE_FTP_MALFORMED);
	CHECK_INT(used, 0);
	CHECK_INT(ftp_reply_feed(NULL, NULL, 0, &used), -WBE_INVAL);
	CHECK_INT(ftp_reply_feed(&r, NULL, 1, &used), -WBE_INVAL);
}

TEST(ftp_msg_reply_bounds)
{
	/* an endless multi-line reply is refused once it passes FTP_REPLY_BYTES_MAX */
	struct ftp_reply r;
	ftp_reply_init(&r);
	static const char first[] = "220-banner\r\n";
	size_t used;
	CHECK_INT(ftp_reply_feed(&r, (const uint8_t *)first, strlen(first), &used), FTP_REPLY_MORE);
	char line[64];
	memset(line, 'x', sizeof(line) - 2);
	line[62] = '\r';
	line[63] = '\n';
	size_t total = strlen(first);
	int rc = FTP_REPLY_MORE;
	while (rc == FTP_REPLY_MORE && total < 2 * FTP_REPLY_BYTES_MAX) {
		rc = ftp_reply_feed(&r, (const uint8_t *)line, sizeof(line), &used);
		total += sizeof(line);
	}
	CHECK_INT(rc, -WBE_FTP_MALFORMED);
	CHECK(total > FTP_REPLY_BYTES_MAX && total <= FTP_REPLY_BYTES_MAX + sizeof(line));
	/* the kept text is cut, not overflowed; control bytes and 8-bit bytes become '?' */
	ftp_reply_init(&r);
	char big[FTP_REPLY_TEXT_MAX * 2 + 8];
	memcpy(big, "550 ", 4);
	memset(big + 4, 'y', sizeof(big) - 6);
	memcpy(big + sizeof(big) - 2, "\r\n", 2);
	CHECK_INT(ftp_reply_feed(&r, (const uint8_t *)big, sizeof(big), &used), FTP_REPLY_DONE);
	CHECK_INT(strlen(r.text), FTP_REPLY_TEXT_MAX);
	struct ftp_reply c;
	CHECK_INT(parse_reply("500 bad\x1b[2J\xff\tend\r\n", &c, &used), FTP_REPLY_DONE);
	CHECK_STR(c.text, "bad?[2J??end");
}

TEST(ftp_msg_command)
{
	char buf[64];
	CHECK_INT(ftp_build_command("RETR", "boot dir/x.efi", buf, sizeof(buf)), 21);
	CHECK_STR(buf, "RETR boot dir/x.efi\r\n");
	CHECK_INT(ftp_build_command("EPSV", NULL, buf, sizeof(buf)), 6);
	CHECK_STR(buf, "EPSV\r\n");
	CHECK_INT(ftp_build_command("PASS", "", buf, sizeof(buf)), 7);
	CHECK_STR(buf, "PASS \r\n");
	/* a CR, LF or Telnet IAC in the argument would start another command */
	CHECK_INT(ftp_build_command("RETR", "a\r\nDELE b", buf, sizeof(buf)), -WBE_FTP_URI);
	CHECK_INT(ftp_build_command("RETR", "a\nb", buf, sizeof(buf)), -WBE_FTP_URI);
	CHECK_INT(ftp_build_command("RETR", "a\xff", buf, sizeof(buf)), -WBE_FTP_URI);
	CHECK(!ftp_arg_ok("x\r"));
	CHECK(ftp_arg_ok("\xc3\xa9t\xc3\xa9")); /* UTF-8 is fine */
	/* sizes: the exact fit, one byte short, the overall limit */
	CHECK_INT(ftp_build_command("TYPE", "I", buf, 9), 8);
	CHECK_INT(ftp_build_command("TYPE", "I", buf, 8), -WBE_NOSPC);
	char *path = malloc(FTP_COMMAND_MAX + 1);
	char *line = malloc(FTP_COMMAND_MAX + 16);
	memset(path, 'p', FTP_COMMAND_MAX);
	path[FTP_COMMAND_MAX - 7] = '\0'; /* "RETR " + path + CRLF = FTP_COMMAND_MAX */
	CHECK_INT(ftp_build_command("RETR", path, line, FTP_COMMAND_MAX + 16), FTP_COMMAND_MAX);
	path[FTP_COMMAND_MAX - 7] = 'p';
	path[FTP_COMMAND_MAX - 6] = '\0';
	CHECK_INT(ftp_build_command("RETR", path, line, FTP_COMMAND_MAX + 16), -WBE_NOSPC);
	free(path);
	free(line);
	CHECK_INT(ftp_build_command(NULL, NULL, buf, sizeof(buf)), -WBE_INVAL);
}

TEST(ftp_msg_pasv)
{
	uint32_t addr;
	uint16_t port;
	CHECK_INT(ftp_parse_pasv("Entering Passive Mode (10,78,0,1,156,72).", &addr, &port), 0);
	CHECK_INT(addr, 0x0a4e0001);
	CHECK_INT(port, 156 * 256 + 72);
	/* RFC 1123 §4.1.2.6: no parentheses; numbers before the group are skipped */
	CHECK_INT(ftp_parse_pasv("=192,168,1,2,0,21", &addr, &port), 0);
	CHECK_INT(addr, 0xc0a80102);
	CHECK_INT(port, 21);
	CHECK_INT(ftp_parse_pasv("Mode 227 ok 1,2,3,4,255,255", &addr, &port), 0);
	CHECK_INT(port, 65535);
	/* a number larger than 255, four digits, missing numbers, port 0 */
	CHECK_INT(ftp_parse_pasv("(10,0,0,256,1,1)", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv("(1000,0,0,1,1,1)", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv("(10,0,0,1,1)", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv("(10,0,0,1,0,0)", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv("(10,0,0,1,,1)", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv("", &addr, &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_pasv(NULL, &addr, &port), -WBE_INVAL);
}

TEST(ftp_msg_epsv)
{
	uint16_t port;
	CHECK_INT(ftp_parse_epsv("Entering Extended Passive Mode (|||40098|)", &port), 0);
	CHECK_INT(port, 40098);
	CHECK_INT(ftp_parse_epsv("(!!!1!) and more", &port), 0);
	CHECK_INT(port, 1);
	CHECK_INT(ftp_parse_epsv("(x) (|||65535|)", &port), 0); /* the first usable group */
	CHECK_INT(port, 65535);
	CHECK_INT(ftp_parse_epsv("(|||65536|)", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(|||0|)", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(|||123456|)", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(|1|10.0.0.1|21|)", &port), -WBE_FTP_MALFORMED); /* an address: EPRT's form */
	CHECK_INT(ftp_parse_epsv("(||21|)", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(|||21|", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(|||21!)", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("(   21 )", &port), -WBE_FTP_MALFORMED); /* space is not a delimiter */
	CHECK_INT(ftp_parse_epsv("(|||", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv("|||21|", &port), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_epsv(NULL, &port), -WBE_INVAL);
}

TEST(ftp_msg_size)
{
	uint64_t size;
	CHECK_INT(ftp_parse_size("5242880", &size), 0);
	CHECK_INT(size, 5242880);
	CHECK_INT(ftp_parse_size("0", &size), 0);
	CHECK_INT(size, 0);
	CHECK_INT(ftp_parse_size("18446744073709551615", &size), 0);
	CHECK(size == UINT64_MAX);
	CHECK_INT(ftp_parse_size("18446744073709551616", &size), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_size("000000000000000000001", &size), -WBE_FTP_MALFORMED); /* 21 digits */
	CHECK_INT(ftp_parse_size("", &size), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_size("12 bytes", &size), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_size("-1", &size), -WBE_FTP_MALFORMED);
	CHECK_INT(ftp_parse_size(NULL, &size), -WBE_INVAL);
}
