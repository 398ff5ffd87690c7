/*
 * iscsi_rootpath.c - RFC 4173 §5 root paths (contract and accepted forms in
 * wireboot/iscsi_rootpath.h).
 *
 * The text is split at its first five colons (after "iscsi:" and a bracketed server, whose
 * own colons do not count); each field is then checked on its own, left to right, so the
 * error code names the first field that is wrong. The same field checks run in the
 * formatter, so a struct that formats always parses back to itself.
 */
#include "wireboot/iscsi_rootpath.h"
#include "wireboot/chars.h"
#include "wireboot/inet_text.h"

#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/format.h"




/* A DNS name or dotted IPv4 address as written in a root path. */
static bool is_host_name(const char *s, size_t n)
{
	if (n == 0 || n > ISCSI_SERVER_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '.' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

static int check_server(const char *s, size_t n, bool ipv6)
{
	if (ipv6 ? !inet_text_is_ipv6(s, n) : !is_host_name(s, n))
		return -WBE_ISCSI_ROOTPATH_SERVER;
	return 0;
}

static int check_target(const char *s, size_t n)
{
	if (n == 0)
		return -WBE_ISCSI_TARGET_NAME_EMPTY;
	if (n > ISCSI_TARGET_NAME_MAX_LEN)
		return -WBE_ISCSI_TARGET_NAME_TOO_LONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f)
			return -WBE_ISCSI_TARGET_NAME_CHARS;
	}
	return 0;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	if (n == 0) {
		*port = ISCSI_DEFAULT_PORT;
		return 0;
	}
	uint32_t value = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -WBE_ISCSI_ROOTPATH_PORT;
		value = value * 10 + (uint32_t)(s[i] - '0');
		if (value > 65535) /* also stops the accumulator from overflowing */
			return -WBE_ISCSI_ROOTPATH_PORT;
	}
	if (value == 0)
		return -WBE_ISCSI_ROOTPATH_PORT;
	*port = (uint16_t)value;
	return 0;
}

/* "g[-g[-g[-g]]]", each g 1-4 hex digits, into the four big-endian 16-bit SAM levels. */
static int parse_lun(const char *s, size_t n, uint8_t lun[8])
{
	memset(lun, 0, 8);
	if (n == 0)
		return 0;
	size_t i = 0;
	for (int group = 0; group < 4; group++) {
		size_t start = i;
		unsigned value = 0;
		int digit;
		while (i < n && (digit = hex_digit_value((unsigned char)s[i])) >= 0) {
			if (i - start == 4)
				return -WBE_ISCSI_ROOTPATH_LUN;
			value = value << 4 | (unsigned)digit;
			i++;
		}
		if (i == start)
			return -WBE_ISCSI_ROOTPATH_LUN;
		lun[2 * group] = (uint8_t)(value >> 8);
		lun[2 * group + 1] = (uint8_t)value;
		if (i == n)
			return 0;
		if (s[i++] != '-')
			return -WBE_ISCSI_ROOTPATH_LUN;
	}
	return -WBE_ISCSI_ROOTPATH_LUN; /* a fifth group, or a trailing '-' after the fourth */
}

int iscsi_rootpath_parse(const char *text, struct iscsi_rootpath *out)
{
	if (!text || !out)
		return -WBE_INVAL;
	static const char scheme[] = "iscsi:";
	for (size_t i = 0; i < sizeof(scheme) - 1; i++) {
		char c = text[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != scheme[i])
			return -WBE_ISCSI_ROOTPATH_SYNTAX;
	}
	const char *p = text + sizeof(scheme) - 1;

	/* server: bracketed IPv6, or everything up to the next ':' */
	const char *server = p, *server_end;
	bool ipv6 = *p == '[';
	if (ipv6) {
		server = p + 1;
		server_end = strchr(server, ']');
		if (!server_end || server_end[1] != ':')
			return -WBE_ISCSI_ROOTPATH_SYNTAX;
		p = server_end + 2;
	} else {
		server_end = strchr(p, ':');
		if (!server_end)
			return -WBE_ISCSI_ROOTPATH_SYNTAX;
		p = server_end + 1;
	}

	/* protocol, port and LUN: three more ':'-terminated fields; the rest is the target */
	const char *field[3];
	size_t field_len[3];
	for (int f = 0; f < 3; f++) {
		const char *colon = strchr(p, ':');
		if (!colon)
			return -WBE_ISCSI_ROOTPATH_SYNTAX;
		field[f] = p;
		field_len[f] = (size_t)(colon - p);
		p = colon + 1;
	}
	const char *target = p;
	size_t target_len = strlen(target);

	struct iscsi_rootpath rp;
	size_t server_len = (size_t)(server_end - server);
	int rc = check_server(server, server_len, ipv6);
	if (rc)
		return rc;
	if (!(field_len[0] == 0 || (field_len[0] == 1 && field[0][0] == '6')))
		return -WBE_ISCSI_ROOTPATH_PROTOCOL;
	if ((rc = parse_port(field[1], field_len[1], &rp.port)) != 0 ||
	    (rc = parse_lun(field[2], field_len[2], rp.lun)) != 0 ||
	    (rc = check_target(target, target_len)) != 0)
		return rc;

	memcpy(rp.server, server, server_len);
	rp.server[server_len] = '\0';
	memcpy(rp.target, target, target_len + 1);
	rp.server_is_ipv6 = ipv6;
	*out = rp;
	return 0;
}

/* LUN text: groups up to the last non-zero one (at least one), without leading zeros. */
static void format_lun(const uint8_t lun[8], char out[20])
{
	int last = 0;
	for (int g = 0; g < 4; g++)
		if (lun[2 * g] || lun[2 * g + 1])
			last = g;
	size_t n = 0;
	for (int g = 0; g <= last; g++)
		n += (size_t)wb_snprintf(out + n, 20 - n, "%s%x", g ? "-" : "",
					 (unsigned)(lun[2 * g] << 8 | lun[2 * g + 1]));
}

int iscsi_rootpath_format(const struct iscsi_rootpath *rp, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	if (!rp)
		return -WBE_INVAL;
	/* the strings must be terminated inside their arrays before anything reads them */
	const char *server_nul = memchr(rp->server, '\0', sizeof(rp->server));
	const char *target_nul = memchr(rp->target, '\0', sizeof(rp->target));
	if (!server_nul)
		return -WBE_ISCSI_ROOTPATH_SERVER;
	if (!target_nul)
		return -WBE_ISCSI_TARGET_NAME_TOO_LONG;
	int rc = check_server(rp->server, (size_t)(server_nul - rp->server), rp->server_is_ipv6);
	if (rc)
		return rc;
	if (rp->port == 0)
		return -WBE_ISCSI_ROOTPATH_PORT;
	if ((rc = check_target(rp->target, (size_t)(target_nul - rp->target))) != 0)
		return rc;

	char lun[20];
	format_lun(rp->lun, lun);
	const char *open = rp->server_is_ipv6 ? "[" : "", *close = rp->server_is_ipv6 ? "]" : "";
	return wb_snprintf(buf, len, "iscsi:%s%s%s::%u:%s:%s", open, rp->server, close,
			   (unsigned)rp->port, lun, rp->target);
}
