/*
 * http.h - the HTTP/1.1 download client: the `http` and `https` URI schemes of the download
 * table (wireboot/download.h). Messages are parsed by wireboot/http_msg.h; connections come
 * from the system's transport, wrapped in TLS (wireboot/tls.h) for https.
 *
 * What a fetch does (RFC 9110, RFC 9112):
 *  - GET with Host (plus the port when it is not the scheme's default) and
 *    User-Agent: wireboot/<version>; bodies framed by Content-Length, chunked coding or the
 *    connection's close; the file goes to the download's sink as it arrives.
 *  - Redirects 301, 302, 303, 307 and 308 are followed, relative Locations resolved against
 *    the current URI, at most HTTP_MAX_REDIRECTS in a row (-WBE_HTTP_REDIRECT_LOOP); dl->uri
 *    is replaced by each new location. A connection the server keeps alive is used again
 *    for the next request to the same scheme, host and port.
 *  - Credentials: a user (and password) in the URI are sent as Basic credentials (RFC 7617)
 *    once the server asks for them (401 with WWW-Authenticate), never before, and never to
 *    another host (a redirect's Location carries no userinfo unless the server put it
 *    there). The password is never printed: messages show URIs with "***" instead.
 *  - A connection lost in the middle of the body is resumed with `Range: bytes=N-` on a new
 *    connection (RFC 9110 §14.2), with If-Range when the server gave a strong ETag, at most
 *    HTTP_MAX_RESUMES times per fetch, and only when the first response gave the length
 *    and Accept-Ranges: bytes. A 206 must start at byte N (-WBE_HTTP_CONTENT_RANGE); a 200
 *    restarts the file from byte 0 (the sink sees offsets go back to 0).
 *  - Every wait is bounded: HTTP_CONNECT_TIMEOUT_NS for the connection (and the TLS
 *    handshake), HTTP_IDLE_TIMEOUT_NS without a byte from the server (-WBE_HTTP_TIMEOUT);
 *    Ctrl-C cancels (-WBE_CANCELED).
 *  - Errors print "<uri>: <what>" first. Status codes map to: 401 -WBE_HTTP_UNAUTHORIZED,
 *    403 -WBE_HTTP_FORBIDDEN, 404/410 -WBE_HTTP_NOT_FOUND, other 4xx -WBE_HTTP_CLIENT_ERROR,
 *    5xx -WBE_HTTP_SERVER_ERROR, anything else but 200, 203 and an asked-for 206
 *    -WBE_HTTP_STATUS. A body that ends early gives -WBE_HTTP_TRUNCATED (or the stream's
 *    error when the connection failed rather than closed).
 */
#ifndef WIREBOOT_HTTP_H
#define WIREBOOT_HTTP_H

#include "wireboot/download.h"
#include "wireboot/process.h"

#define HTTP_MAX_REDIRECTS 10
#define HTTP_MAX_RESUMES 5
#define HTTP_CONNECT_TIMEOUT_NS (30 * NS_PER_SEC)
#define HTTP_IDLE_TIMEOUT_NS (30 * NS_PER_SEC)
/* The body of a redirect or 401 is read and dropped to keep the connection, up to this size;
 * a larger one costs a new connection instead. */
#define HTTP_DRAIN_MAX 65536

extern const struct uri_scheme scheme_http;
extern const struct uri_scheme scheme_https;

#endif
