/*
 * ftp_msg.c - FTP control-connection codec (contract in wireboot/ftp_msg.h). Section numbers
 * are RFC 959's unless another RFC is named.
 *
 * Everything the server sends is hostile input: a reply is bounded in bytes as a whole (a
 * server cannot keep one open for ever), only a fixed prefix of each line is buffered, the
 * kept text has a fixed size, and numbers are parsed with digit limits and overflow checks.
 */
#include "wireboot/ftp_msg.h"

#include <string.h>

#include "wireboot/errors.h"

/* Longest decimal value accepted for a SIZE: UINT64_MAX has 20 digits. */
#define SIZE_DIGITS_MAX 20

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

void ftp_reply_init(struct ftp_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->first_line = true;
}

static void put_text(struct ftp_reply *r, char c)
{
	if (r->text_len >= FTP_REPLY_TEXT_MAX)
		return;
	r->text[r->text_len++] = c >= 0x20 && c <= 0x7e ? c : '?';
	r->text[r->text_len] = '\0';
}

/* A byte of a line's text; the space joining it to the previous line goes first. */
static void append_text(struct ftp_reply *r, char c)
{
	if (r->space_pending)
		put_text(r, ' ');
	r->space_pending = false;
	put_text(r, c);
}

/* Whether head[] starts with the reply's code: three digits equal to r->code. */
static bool head_has_code(const struct ftp_reply *r)
{
	if (r->head_len < 3 || !is_digit(r->head[0]) || !is_digit(r->head[1]) || !is_digit(r->head[2]))
		return false;
	return (unsigned)((r->head[0] - '0') * 100 + (r->head[1] - '0') * 10 + (r->head[2] - '0')) == r->code;
}

/*
 * Classifies the start of the current line (its first 4 bytes, or fewer when the line ended):
 * on the first line the code and whether the reply is multi-line; on a later line whether it
 * ends the reply. A "ddd-"/"ddd " prefix is not part of the text; any other start is.
 */
static int decide_head(struct ftp_reply *r, bool line_ended)
{
	r->head_decided = true;
	bool sep = r->head_len == 4 && (r->head[3] == ' ' || r->head[3] == '-');
	bool bare = r->head_len == 3 && line_ended; /* "ddd" alone on its line */
	if (r->first_line) {
		/* §4.2: a reply starts with a three-digit code, the first digit 1..5 */
		if (!(sep || bare) || r->head[0] < '1' || r->head[0] > '5' || !is_digit(r->head[1]) ||
		    !is_digit(r->head[2]))
			return -WBE_FTP_MALFORMED;
		r->code = (unsigned)((r->head[0] - '0') * 100 + (r->head[1] - '0') * 10 + (r->head[2] - '0'));
		r->multiline = sep && r->head[3] == '-';
		return 0;
	}
	bool prefixed = (sep || bare) && head_has_code(r);
	/* §4.2: the last line is the code followed by a space (a bare code: the same, no text) */
	r->last_line = prefixed && (bare || r->head[3] == ' ');
	r->space_pending = r->text_len > 0; /* written only if the line has text */
	if (!prefixed)
		for (size_t i = 0; i < r->head_len; i++)
			append_text(r, r->head[i]);
	return 0;
}

/* The current line ended (its LF): *@complete tells whether it was the reply's last. */
static int end_line(struct ftp_reply *r, bool *complete)
{
	if (!r->head_decided) {
		int rc = decide_head(r, true);
		if (rc)
			return rc;
	}
	*complete = r->first_line ? !r->multiline : r->last_line;
	r->first_line = false;
	r->head_len = 0;
	r->head_decided = false;
	r->last_line = false;
	return 0;
}

int ftp_reply_feed(struct ftp_reply *r, const uint8_t *data, size_t len, size_t *used)
{
	if (!r || !used || (!data && len))
		return -WBE_INVAL;
	*used = 0;
	if (r->error)
		return r->error;
	if (r->done)
		ftp_reply_init(r);
	for (size_t i = 0; i < len; i++) {
		char c = (char)data[i];
		int rc = 0;
		if (++r->bytes > FTP_REPLY_BYTES_MAX) {
			rc = -WBE_FTP_MALFORMED;
		} else if (c == '\r') {
			continue; /* CR LF ends a line; a stray CR carries nothing worth showing */
		} else if (c == '\n') {
			bool complete = false;
			rc = end_line(r, &complete);
			if (rc == 0 && complete) {
				r->done = true;
				*used = i + 1;
				return FTP_REPLY_DONE;
			}
		} else if (!r->head_decided) {
			r->head[r->head_len++] = c;
			if (r->head_len == sizeof(r->head))
				rc = decide_head(r, false);
		} else {
			append_text(r, c);
		}
		if (rc) {
			r->error = rc;
			return rc;
		}
	}
	*used = len;
	return FTP_REPLY_MORE;
}

bool ftp_arg_ok(const char *arg)
{
	for (const char *p = arg; *p; p++)
		if (*p == '\r' || *p == '\n' || (uint8_t)*p == 0xff)
			return false;
	return true;
}

int ftp_build_command(const char *verb, const char *arg, char *buf, size_t size)
{
	if (!verb || !buf)
		return -WBE_INVAL;
	if (arg && !ftp_arg_ok(arg))
		return -WBE_FTP_URI;
	size_t vlen = strlen(verb), alen = arg ? strlen(arg) + 1 : 0; /* + the space */
	size_t n = vlen + alen + 2;
	if (n > FTP_COMMAND_MAX || n + 1 > size)
		return -WBE_NOSPC;
	memcpy(buf, verb, vlen);
	if (arg) {
		buf[vlen] = ' ';
		memcpy(buf + vlen + 1, arg, alen - 1);
	}
	memcpy(buf + vlen + alen, "\r\n", 3);
	return (int)n;
}

/* Parses 1..@max_digits decimal digits at *@p (advanced past them) into *@v, at most @limit. */
static bool parse_number(const char **p, unsigned max_digits, uint32_t limit, uint32_t *v)
{
	uint32_t n = 0;
	unsigned digits = 0;
	while (is_digit(**p) && digits < max_digits) {
		n = n * 10 + (uint32_t)(**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || is_digit(**p) || n > limit)
		return false;
	*v = n;
	return true;
}

/* "h1,h2,h3,h4,p1,p2" at @p: six numbers 0..255. */
static bool parse_pasv_group(const char *p, uint32_t *addr, uint16_t *port)
{
	uint32_t v[6];
	for (int i = 0; i < 6; i++) {
		if (i > 0 && *p++ != ',')
			return false;
		if (!parse_number(&p, 3, 255, &v[i]))
			return false;
	}
	*addr = v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
	*port = (uint16_t)(v[4] << 8 | v[5]);
	return true;
}

int ftp_parse_pasv(const char *text, uint32_t *addr, uint16_t *port)
{
	if (!text || !addr || !port)
		return -WBE_INVAL;
	for (const char *p = text; *p; p++) {
		/* only where a number starts: "1234,..." is not "234,..." */
		if (!is_digit(*p) || (p > text && is_digit(p[-1])))
			continue;
		uint32_t a;
		uint16_t pt;
		if (parse_pasv_group(p, &a, &pt)) {
			if (pt == 0)
				return -WBE_FTP_MALFORMED;
			*addr = a;
			*port = pt;
			return 0;
		}
	}
	return -WBE_FTP_MALFORMED;
}

int ftp_parse_epsv(const char *text, uint16_t *port)
{
	if (!text || !port)
		return -WBE_INVAL;
	for (const char *p = text; *p; p++) {
		if (*p != '(')
			continue;
		const char *q = p + 1;
		char d = q[0];
		/* RFC 2428 §3: the delimiter is a printable ASCII character (33..126), the same
		 * four times; the protocol and address fields are empty in a 229 reply */
		if (d < 33 || d > 126 || is_digit(d) || q[1] != d || q[2] != d)
			continue;
		q += 3;
		uint32_t v;
		if (!parse_number(&q, 5, 65535, &v) || v == 0 || q[0] != d || q[1] != ')')
			continue;
		*port = (uint16_t)v;
		return 0;
	}
	return -WBE_FTP_MALFORMED;
}

int ftp_parse_size(const char *text, uint64_t *size)
{
	if (!text || !size)
		return -WBE_INVAL;
	uint64_t n = 0;
	size_t digits = 0;
	for (const char *p = text; *p; p++) {
		if (!is_digit(*p) || ++digits > SIZE_DIGITS_MAX)
			return -WBE_FTP_MALFORMED;
		uint64_t d = (uint64_t)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -WBE_FTP_MALFORMED;
		n = n * 10 + d;
	}
	if (digits == 0)
		return -WBE_FTP_MALFORMED;
	*size = n;
	return 0;
}
