/*
 * tftp.h - TFTP downloads: the `tftp` URI scheme (tftp://server[:port]/path, RFC 3617 without
 * its ";mode=" parameter) on wireboot's own UDP.
 *
 * Two layers:
 *  - the transfer engine (struct tftp_xfer), sans-I/O: it takes received packets (with the
 *    port they came from) and timeouts, and returns actions: bytes for the sink, a packet to
 *    send and to which port, the end of the transfer. It implements RFC 1350 with the option
 *    extension (RFC 2347: blksize RFC 2348, tsize RFC 2349, windowsize RFC 7440), transfer-ID
 *    locking (RFC 1350 §4), retransmission with backoff, duplicate blocks and block-number
 *    rollover. Unit-tested without a network (tests/unit/tftp_test.c).
 *  - scheme_tftp (download.h): resolves the server, binds a UDP socket, runs the engine in
 *    the poll loop and feeds the download's sink.
 *
 * The path sent is the URI path, percent-decoded, without its leading '/' (as iPXE does, so
 * "tftp://srv/boot.efi" names "boot.efi" relative to the server's root, and a server without
 * a root can still be given an absolute name as "tftp://srv//srv/tftp/boot.efi").
 */
#ifndef WIREBOOT_TFTP_H
#define WIREBOOT_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/tftp_msg.h"

struct uri_scheme;

/* Options a fetch asks for: 1468-byte blocks fill a 1500-byte MTU exactly (1500 - 20 IPv4 -
 * 8 UDP - 4 TFTP), so no block is ever IP-fragmented; a window of 8 blocks per ACK (RFC 7440
 * §5 measured most of the gain by 8) when the server offers windowsize. */
#define TFTP_FETCH_BLKSIZE 1468
#define TFTP_FETCH_WINDOWSIZE 8

/* Retransmission: first timeout, cap, and how many times one packet is sent before the
 * transfer fails (0.5 + 1 + 2 + 4 + 8 + 8 + 8 = 31.5 s of silence). */
#define TFTP_TIMEOUT_FIRST_NS 500000000ULL
#define TFTP_TIMEOUT_MAX_NS 8000000000ULL
#define TFTP_MAX_SENDS 7

enum tftp_state {
	TFTP_REQUESTING,   /* RRQ sent, no answer yet */
	TFTP_TRANSFERRING, /* locked onto the server's transfer ID */
	TFTP_FINISHED,     /* see tftp_xfer.rc */
};

struct tftp_xfer {
	enum tftp_state state;
	const char *filename;     /* the caller's; must outlive the transfer */
	struct tftp_options asked; /* options of the current request (all 0 after a fallback) */
	uint16_t server_port;     /* where requests go (69 or the URI's port) */
	uint16_t tid;             /* the server's transfer ID, once locked */
	uint16_t blksize, windowsize;
	bool has_tsize;
	uint64_t tsize;
	uint64_t offset;          /* bytes received in order */
	uint16_t block;           /* last block received in order (0 before the first) */
	uint16_t acked;           /* last block acknowledged, valid when has_acked */
	bool has_acked;
	unsigned unacked;         /* in-order blocks since the last ACK (RFC 7440 windows) */
	bool gap_acked;           /* a gap in this window was already answered */
	unsigned sends;           /* transmissions of the packet in out[] */
	uint8_t out[TFTP_REQUEST_MAX]; /* the last request or ACK (resent on timeouts) */
	size_t out_len;
	uint16_t out_port;
	uint8_t aside[32];        /* a one-off ERROR to a stray transfer ID (keeps out[]) */
	int rc;                   /* valid when FINISHED: 0 or the failure */
	/* the failure, for the message: the server's ERROR code and text, or why we gave up */
	bool server_error;
	uint16_t error_code;
	char error_text[TFTP_ERROR_TEXT_MAX + 1];
	const char *why;          /* static text, NULL when the server reported the error */
};

/* What the caller does after an engine call, in this order. */
struct tftp_action {
	bool announce;         /* 1. the server told the size: tsize bytes (download.h expect) */
	uint64_t tsize;
	const uint8_t *data;   /* 2. @len bytes of the file at @offset for the sink (len may be
				     0); point into the received packet */
	size_t len;
	uint64_t offset;
	bool progress;         /*    the transfer advanced: restart the wait */
	const uint8_t *send;   /* 3. send @send_len bytes (NULL: nothing) to the server's
				     address, port @send_port; point into the engine */
	size_t send_len;
	uint16_t send_port;
	bool finished;         /* 4. the transfer ended with the engine's rc */
};

/**
 * tftp_xfer_start() - begin reading @filename from the server's @port with the options
 * @opts (NULL: plain RFC 1350). @x is fully initialised; @act receives the RRQ to send.
 * Returns 0, or tftp_build_rrq()'s errors (-WBE_TFTP_URI for an empty or too long name).
 */
int tftp_xfer_start(struct tftp_xfer *x, const char *filename, uint16_t port, const struct tftp_options *opts,
		    struct tftp_action *act);

/**
 * tftp_xfer_rx() - a packet @msg/@len from the server's address, port @src_port (packets from
 * other addresses must not be given: the caller drops them). @act is zeroed then filled.
 * Never fails itself: protocol violations finish the transfer with an rc (and an ERROR
 * packet for the server to send). Ignored after the transfer finished.
 */
void tftp_xfer_rx(struct tftp_xfer *x, uint16_t src_port, const uint8_t *msg, size_t len, struct tftp_action *act);

/**
 * tftp_xfer_timeout() - tftp_xfer_timeout_ns() passed without progress: resend the last
 * request or ACK, or after TFTP_MAX_SENDS sends finish with -WBE_TFTP_TIMEOUT.
 */
void tftp_xfer_timeout(struct tftp_xfer *x, struct tftp_action *act);

/** tftp_xfer_timeout_ns() - how long to wait for the next packet before tftp_xfer_timeout(). */
uint64_t tftp_xfer_timeout_ns(const struct tftp_xfer *x);

/**
 * tftp_xfer_abort() - end the transfer from our side (the sink failed with @rc, the user
 * cancelled): finish with @rc and, once locked onto a transfer ID, give the server an ERROR
 * (RFC 1350 §7: "disk full" for -WBE_NOMEM, "undefined" otherwise) so it stops retransmitting.
 */
void tftp_xfer_abort(struct tftp_xfer *x, int rc, struct tftp_action *act);

/* The tftp:// download scheme (download.h). */
extern const struct uri_scheme scheme_tftp;

#endif
