/*
 * iscsi_rootpath.h - RFC 4173 §5 iSCSI root paths (DHCP option 17, `sanhook`/`sanboot` URIs):
 *
 *     iscsi:<servername>:<protocol>:<port>:<LUN>:<targetname>
 *
 * What is accepted (pure text in, struct out; no allocation, no I/O):
 *  - "iscsi:" in any case (URI schemes are case-insensitive, RFC 3986 §3.1).
 *  - servername: required. A DNS name or dotted IPv4 address (letters, digits, '-', '.', '_';
 *    at most 255 bytes), or an IPv6 address in brackets, "[fe80::1]", which RFC 4173 uses so
 *    the address's own colons do not split the fields. The address inside the brackets must
 *    be a valid RFC 4291 §2.2 text address (no zone identifier); it is stored without the
 *    brackets. Names are not resolved or lowercased here.
 *  - protocol: empty or "6" (TCP, the only transport RFC 4173 defines).
 *  - port: empty means 3260 (iSCSI's well-known port, as RFC 4173 specifies); otherwise
 *    decimal digits giving 1..65535 (leading zeros allowed).
 *  - LUN: empty means LUN 0. Otherwise one to four groups of one to four hex digits (either
 *    case) separated by '-', as in RFC 4173's examples "4752-3A4F-6b7e-2F99", "6734-9-156f-127"
 *    and "4186-9". Each group is one 16-bit level of the 8-byte SAM LUN, most significant
 *    first; missing trailing groups are zero, so "1" is bytes 00 01 00 00 00 00 00 00 (LUN 1
 *    in SAM's peripheral addressing). Digits are always hex, as in iPXE and EDK2: "10" is
 *    LUN 16, not 10. Refused: a "0x" prefix (RFC 4173 has none, and accepting it would
 *    invite reading "0x10" and "10" as different numbers), empty groups ("1--2", "1-"),
 *    groups longer than four digits (iPXE silently truncates them), more than four groups.
 *  - targetname: everything after the fifth ':' (iSCSI names contain colons, e.g.
 *    "iqn.2010-04.org.ipxe:disk"). Required, at most 223 bytes (RFC 7143 §4.2.7.1), no
 *    spaces or control characters (no iSCSI name can hold them, RFC 3722 §6). Other bytes,
 *    UTF-8 included, are kept as given: the target decides whether the name exists.
 */
#ifndef WIREBOOT_ISCSI_ROOTPATH_H
#define WIREBOOT_ISCSI_ROOTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_DEFAULT_PORT 3260
#define ISCSI_SERVER_MAX_LEN 255
#define ISCSI_TARGET_NAME_MAX_LEN 223 /* RFC 7143 §4.2.7.1 */

/* Longest text iscsi_rootpath_format() produces: "iscsi:" "[" server "]" ":" ":" "65535" ":"
 * LUN (4 groups of 4 digits and 3 dashes) ":" target. */
#define ISCSI_ROOTPATH_MAX_LEN \
	(6 + 1 + ISCSI_SERVER_MAX_LEN + 1 + 2 + 5 + 1 + 19 + 1 + ISCSI_TARGET_NAME_MAX_LEN)

struct iscsi_rootpath {
	char server[ISCSI_SERVER_MAX_LEN + 1];       /* NUL-terminated; IPv6 without brackets */
	uint16_t port;                               /* 1..65535; 3260 when the field was empty */
	uint8_t lun[8];                              /* SAM LUN, wire order (byte 0 first) */
	char target[ISCSI_TARGET_NAME_MAX_LEN + 1];  /* NUL-terminated, 1..223 bytes */
	bool server_is_ipv6;                         /* server was written in [brackets] */
};

/**
 * iscsi_rootpath_parse() - parse an RFC 4173 root path (rules in the comment above).
 * @text: NUL-terminated; never NULL.
 * @out: receives the fields; never NULL. Written only on success.
 *
 * Returns 0, or:
 *   -WBE_ISCSI_ROOTPATH_SYNTAX    no "iscsi:" prefix, or fewer than five ':' after it (a
 *                                 field is missing), or a "[" server not followed by "]:";
 *   -WBE_ISCSI_ROOTPATH_SERVER    empty server, a character a host name cannot hold, a name
 *                                 longer than 255 bytes, or an invalid bracketed IPv6 address;
 *   -WBE_ISCSI_ROOTPATH_PROTOCOL  protocol other than "" or "6";
 *   -WBE_ISCSI_ROOTPATH_PORT      port not all digits, 0, or above 65535;
 *   -WBE_ISCSI_ROOTPATH_LUN       LUN not in the form above;
 *   -WBE_ISCSI_TARGET_NAME_EMPTY, -WBE_ISCSI_TARGET_NAME_TOO_LONG,
 *   -WBE_ISCSI_TARGET_NAME_CHARS  target name empty, over 223 bytes, or holding a byte
 *                                 <= 0x20 or 0x7f;
 *   -WBE_INVAL                    @text or @out NULL.
 * Fields are checked left to right; the first bad one decides the code.
 */
int iscsi_rootpath_parse(const char *text, struct iscsi_rootpath *out);

/**
 * iscsi_rootpath_format() - the canonical text of @rp: protocol field empty, port and LUN
 * always written, the LUN as lowercase groups without leading zeros and without trailing
 * zero groups ("0", "1", "4752-3a4f-6b7e-2f99"), an IPv6 server in brackets. The text parses
 * back to an identical struct.
 * @buf/@len: destination, always NUL-terminated when @len > 0 (truncated if too small); @buf
 *            may be NULL when @len is 0, to measure.
 *
 * Returns the length the complete text needs (excluding the NUL, at most
 * ISCSI_ROOTPATH_MAX_LEN), like snprintf, or the iscsi_rootpath_parse() code for a field of
 * @rp that would not parse back (port 0, an unterminated or invalid server or target), or
 * -WBE_INVAL for a NULL @rp. On error @buf holds "" (when @len > 0).
 */
int iscsi_rootpath_format(const struct iscsi_rootpath *rp, char *buf, size_t len);

#endif
