/*
 * tls.h - TLS 1.2 client streams (BearSSL) over any stream, with full certificate validation.
 *
 * tls_client_open() wraps a TCP stream (connecting or open) in a new stream that performs the
 * handshake and then carries application data; HTTP talks to it exactly as to TCP. The
 * BearSSL engine is pumped by a poll-loop process (never the blocking br_sslio API).
 *
 * Validation: the server's chain must lead to a trust anchor (those embedded at build time
 * with `make TRUST=a.pem,b.pem`, plus those the user added at run time with `certadd`; see
 * trust.h), the leaf must carry @server_name (SNI is sent too), and every certificate must be
 * valid now by the wall clock. With no known wall clock the stream fails at once with
 * -WBE_CLOCK_UNKNOWN (the log says to run `ntp`), unless the setting `tls-skip-time-check`
 * is set. TLS 1.2 only, ECDHE with AES-GCM or ChaCha20-Poly1305, RSA or ECDSA certificates.
 *
 * An IPv4 or IPv6 literal @server_name is not sent as SNI (RFC 6066 §3) but is still checked
 * against the certificate's DNS names and CN (BearSSL reads no iPAddress entries): a
 * certificate naming the address only in an iPAddress entry fails with -WBE_TLS_HOSTNAME.
 *
 * Every failure is logged once as "tls: <server name>: <reason>". The stream wipes its keys
 * and buffers when released. stream_close() sends close_notify (RFC 5246 §7.2.1) before the
 * transport's graceful close; stream_abort() aborts the transport. The peer's close_notify is
 * EOF; the transport closing without one is -WBE_TLS_TRUNCATED.
 *
 * Ownership: the TLS stream takes over @tcp (on success and on failure): closing or aborting
 * the TLS stream closes @tcp. The caller holds one reference to *@out and releases it with
 * stream_close()/stream_abort().
 */
#ifndef WIREBOOT_TLS_H
#define WIREBOOT_TLS_H

struct stream;
struct system;

/**
 * tls_client_open() - start a TLS client on @tcp for @server_name (a DNS name or an IPv4
 * literal, NUL-terminated, never NULL; 1..255 bytes). @sys provides the loop, RNG, wall clock,
 * settings and trust anchors (sys->trust, read at this call: anchors added later are not
 * used by this stream). Returns 0 and *@out in STREAM_CONNECTING state (STREAM_FAILED at once
 * when the clock is unknown), or a negative rc (-WBE_NOMEM, -WBE_INVAL for an empty or too
 * long name) after aborting @tcp. Handshake failures show up later as STREAM_FAILED with a
 * specific stream_error(): -WBE_TLS_UNTRUSTED, _CERT_EXPIRED, _CERT_NOT_YET_VALID, _HOSTNAME,
 * _BAD_SIGNATURE, _ALERT, _CERT_INVALID, _PROTOCOL, or the transport's error.
 */
int tls_client_open(struct system *sys, struct stream *tcp, const char *server_name, struct stream **out);

#endif
