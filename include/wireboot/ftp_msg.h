/*
 * ftp_msg.h - the FTP control-connection codec for a downloading client: replies (RFC 959
 * §4.2, multi-line included), commands, and the values a download reads out of replies: the
 * passive-mode address (RFC 959 §4.1.2 PASV reply 227), the extended passive port (RFC 2428
 * §3 EPSV reply 229) and the file size (RFC 3659 §4 SIZE reply 213).
 *
 * Sans-I/O: the caller feeds received bytes, split anywhere (one byte at a time works), and
 * gets whole replies back; connections, timers and the order of commands are the client's
 * job (wireboot/ftp.h). Nothing here allocates; every parser is safe on hostile input of any
 * length (fuzzed by fuzz/ftp_msg_fuzz.c).
 *
 * Pointers: every pointer argument must be non-NULL unless stated otherwise (a NULL gives
 * -WBE_INVAL). Output values are written only on success.
 */
#ifndef WIREBOOT_FTP_MSG_H
#define WIREBOOT_FTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FTP_PORT 21
/* Text of a reply kept for messages and for the values in it; the rest is cut. */
#define FTP_REPLY_TEXT_MAX 255
/* Bytes one reply may take, all its lines together: a server that sends more (an endless
 * multi-line reply) is refused with -WBE_FTP_MALFORMED. Real banners are a few KiB. */
#define FTP_REPLY_BYTES_MAX 65536
/* Longest command line ftp_build_command() writes (RFC 959 sets no limit; a path of a
 * few KiB is already far beyond what servers accept). */
#define FTP_COMMAND_MAX 4096

enum ftp_reply_event {
	FTP_REPLY_MORE, /* every byte given was consumed: feed more */
	FTP_REPLY_DONE, /* a whole reply arrived: code and text are set */
};

/*
 * One reply being parsed. Lines end in LF; CRs are dropped wherever they are (RFC 959 ends
 * lines with CRLF; a lone LF is accepted too). A reply is one line "ddd text" (or just "ddd"),
 * or a multi-line reply: "ddd-text" up to a line that starts with the same code and a space
 * (§4.2); lines in between are text whatever they start with. The first digit must be 1..5.
 */
struct ftp_reply {
	/* the result, valid after FTP_REPLY_DONE */
	unsigned code; /* 100..599 */
	/* the text of every line without its "ddd-"/"ddd " prefix, lines joined by one space,
	 * bytes outside printable ASCII replaced by '?', cut at FTP_REPLY_TEXT_MAX */
	char text[FTP_REPLY_TEXT_MAX + 1];
	size_t text_len;

	/* parser state */
	bool done;          /* the last feed completed a reply: the next one starts afresh */
	int error;          /* 0, or the error the parser stopped with (it stays failed) */
	bool first_line;    /* the current line is the reply's first */
	bool multiline;     /* the first line was "ddd-" */
	bool last_line;     /* the current line ends the multi-line reply */
	char head[4];       /* the first bytes of the current line, until they are classified */
	size_t head_len;
	bool head_decided;  /* head[] was classified (4 bytes seen, or the line ended) */
	bool space_pending; /* the current line's text, if any, is joined to the text by a space */
	size_t bytes;       /* bytes of this reply so far, CRs included */
};

/** ftp_reply_init() - a parser waiting for the first byte of a reply. */
void ftp_reply_init(struct ftp_reply *r);

/**
 * ftp_reply_feed() - parse @len bytes at @data (@data may be NULL only when @len is 0).
 * *@used receives how many were consumed: all of them for FTP_REPLY_MORE; for FTP_REPLY_DONE
 * those up to the reply's last LF (the rest belongs to the next reply: feed it again).
 * A feed after FTP_REPLY_DONE starts a new reply. Returns FTP_REPLY_MORE, FTP_REPLY_DONE,
 * or -WBE_FTP_MALFORMED: a first line that does not start with three digits (the first
 * 1..5) followed by '-', ' ' or the line end, or a reply longer than FTP_REPLY_BYTES_MAX.
 * After an error the parser stays failed (every feed returns the error, *@used = 0) until
 * ftp_reply_init(). -WBE_INVAL for NULL pointers.
 */
int ftp_reply_feed(struct ftp_reply *r, const uint8_t *data, size_t len, size_t *used);

/**
 * ftp_build_command() - "VERB arg\r\n" (or "VERB\r\n" when @arg is NULL) into @buf/@size,
 * NUL-terminated. @verb: a command name from this program. @arg: any bytes but CR, LF and
 * 0xFF (RFC 959 §5.3.2: a string is Telnet text, where CR LF ends the command and 0xFF
 * is the Telnet IAC escape): a path or a password taken from a URI must never add a second
 * command. Returns the length without the NUL, -WBE_FTP_URI for a forbidden byte in @arg,
 * -WBE_NOSPC when @size is too small or the line would exceed FTP_COMMAND_MAX,
 * -WBE_INVAL for a NULL @verb or @buf.
 */
int ftp_build_command(const char *verb, const char *arg, char *buf, size_t size);

/** ftp_arg_ok() - whether @arg can go into a command (see ftp_build_command()). */
bool ftp_arg_ok(const char *arg);

/**
 * ftp_parse_pasv() - the address and port of a 227 reply's text: the first
 * "h1,h2,h3,h4,p1,p2" in it (RFC 959 §4.1.2; RFC 1123 §4.1.2.6: the parentheses are not
 * reliable, so the numbers are looked for anywhere), each 1 to 3 digits and at most 255.
 * @addr: host order. Returns 0, -WBE_FTP_MALFORMED (no such group, or port 0), -WBE_INVAL.
 */
int ftp_parse_pasv(const char *text, uint32_t *addr, uint16_t *port);

/**
 * ftp_parse_epsv() - the port of a 229 reply's text: "(<d><d><d><port><d>)" (RFC 2428 §3),
 * <d> one character 33..126 repeated, the network-protocol and address fields empty, the
 * port 1 to 5 digits in 1..65535. The first '(' that starts such a group counts.
 * Returns 0, -WBE_FTP_MALFORMED, -WBE_INVAL.
 */
int ftp_parse_epsv(const char *text, uint16_t *port);

/**
 * ftp_parse_size() - the size in a 213 reply's text to SIZE (RFC 3659 §4.2: 1*DIGIT, here
 * at most 20 digits that fit in 64 bits). Returns 0, -WBE_FTP_MALFORMED, -WBE_INVAL.
 */
int ftp_parse_size(const char *text, uint64_t *size);

#endif
