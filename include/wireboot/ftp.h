/*
 * ftp.h - FTP downloads: the `ftp` URI scheme (ftp://[user[:password]@]host[:port]/path) of
 * the download table (wireboot/download.h), over streams from the system's transport
 * (wireboot's own TCP, or the host's sockets). Replies and passive-mode addresses are parsed
 * by wireboot/ftp_msg.h.
 *
 * What a fetch does (RFC 959, RFC 2428 EPSV, RFC 3659 SIZE):
 *  - resolves the host once and opens the control connection to that address (port 21 unless
 *    the URI names one); reads the greeting (220, after at most one 120 "ready in nnn
 *    minutes", each reply waited for FTP_TIMEOUT_NS);
 *  - logs in with USER and, when asked (331), PASS: the URI's user and password, or
 *    "anonymous" with the password FTP_ANONYMOUS_PASSWORD when the URI has no user (RFC 1635);
 *    the password is never printed or logged;
 *  - TYPE I (binary, §3.1.1.3); SIZE (RFC 3659 §4: optional, its size goes to dl->expect so
 *    the sink can reserve memory, and the transfer must then deliver exactly that many bytes);
 *  - passive mode: EPSV (RFC 2428 §3), and PASV when the server refuses EPSV. The data
 *    connection goes to the control connection's address and the port from the reply; the
 *    address in a 227 reply is ignored (RFC 2577 §3: following it lets a server aim the
 *    client at a third host; servers behind NAT announce unreachable private addresses);
 *  - RETR of the path, percent-decoded, without its leading '/' (as iPXE: "ftp://h/a/b"
 *    names "a/b" relative to the login directory, "ftp://h//srv/a" the absolute "/srv/a");
 *    the data connection is read until the server closes it, then the 226 (or 250) reply
 *    confirms the transfer; QUIT ends the session.
 *  - Every wait is bounded: FTP_TIMEOUT_NS for each connection to open and for each reply or
 *    piece of data (-WBE_FTP_TIMEOUT); Ctrl-C cancels (-WBE_CANCELED).
 *  - Errors print "<uri>: <what>" with the server's reply text. Replies map to: 530 (or
 *    332: accounts are not supported) -WBE_FTP_LOGIN_REFUSED, 550 on RETR
 *    -WBE_FTP_FILE_UNAVAILABLE, 421 -WBE_FTP_UNAVAILABLE, a failed transfer (426, 451, a
 *    data connection that ends without a 226) -WBE_FTP_INCOMPLETE, other unusable replies
 *    -WBE_FTP_UNEXPECTED; a length different from SIZE's -WBE_FTP_SIZE.
 */
#ifndef WIREBOOT_FTP_H
#define WIREBOOT_FTP_H

#include "wireboot/download.h"
#include "wireboot/process.h"

#define FTP_TIMEOUT_NS (30 * NS_PER_SEC)
/* QUIT is a courtesy after the file arrived: its answer is waited for only this long. */
#define FTP_QUIT_TIMEOUT_NS (2 * NS_PER_SEC)
/* The anonymous login's password: RFC 1635 §2 asks for an identification, not a secret. */
#define FTP_ANONYMOUS_PASSWORD "wireboot@"

extern const struct uri_scheme scheme_ftp;

#endif
