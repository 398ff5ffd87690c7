/*
 * tls.h - TLS 1.2 client streams (BearSSL) over any stream, with full certificate validation.
 *
 * tls_client_open() wraps a TCP stream (connecting or open) in a new stream that performs the
 * handshake and then carries application data; HTTP talks to it exactly as to TCP. The
 * BearSSL engine is pumped by a poll-loop process (never the blocking br_sslio API).
 *
 * Validation: the server's chain must lead to a trust anchor (those embedded at build time
 * with `make TRUST=a.pem,b.pem`, plus those the user added at run time with the trust
 * command), the leaf must carry @server_name (SNI is sent too), and every certificate must be
 * valid now by the wall clock. With no known wall clock the handshake fails with
 * -WBE_CLOCK_UNKNOWN (the message says to run `ntp`), unless the setting that disables the
 * time check is set.
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
 * literal, NUL-terminated, never NULL). Returns 0 and *@out in STREAM_CONNECTING state, or a
 * negative rc (-WBE_NOMEM). Handshake failures show up later as STREAM_FAILED with a specific
 * stream_error() (unknown issuer, expired, wrong name, bad signature, alert received, ...).
 */
int tls_client_open(struct system *sys, struct stream *tcp, const char *server_name, struct stream **out);

#endif
