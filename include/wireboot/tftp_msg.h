/*
 * tftp_msg.h - the TFTP packet codec for a reading client: RFC 1350 packets, RFC 2347 option
 * extension, RFC 2348 blksize, RFC 2349 tsize, RFC 7440 windowsize.
 *
 * Sans-I/O: these functions turn requests into bytes and received bytes into fields. Ports
 * (transfer IDs), timers, retransmission and block sequencing are the transfer engine's job
 * (wireboot/tftp.h). Nothing here allocates; every parser is safe on hostile input of any
 * length (fuzzed by fuzz/tftp_msg_fuzz.c).
 *
 * Pointers: every pointer argument must be non-NULL unless stated otherwise (a NULL gives
 * -WBE_INVAL). Output structs are written only on success unless stated otherwise.
 */
#ifndef WIREBOOT_TFTP_MSG_H
#define WIREBOOT_TFTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TFTP_PORT 69

/* Opcodes (RFC 1350 §5, RFC 2347 for OACK) */
#define TFTP_OP_RRQ 1
#define TFTP_OP_WRQ 2
#define TFTP_OP_DATA 3
#define TFTP_OP_ACK 4
#define TFTP_OP_ERROR 5
#define TFTP_OP_OACK 6

/* Error codes (RFC 1350 Appendix, RFC 2347 for 8) */
#define TFTP_ERR_UNDEFINED 0
#define TFTP_ERR_NOT_FOUND 1
#define TFTP_ERR_ACCESS 2
#define TFTP_ERR_DISK_FULL 3
#define TFTP_ERR_ILLEGAL_OP 4
#define TFTP_ERR_UNKNOWN_TID 5
#define TFTP_ERR_EXISTS 6
#define TFTP_ERR_NO_USER 7
#define TFTP_ERR_OPTION 8

/* RFC 2347 §"Packet Formats": a request carrying options must fit in 512 bytes. */
#define TFTP_REQUEST_MAX 512
/* Block size without the blksize option (RFC 1350 §2) and the option's range (RFC 2348). */
#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 65464
/* windowsize range (RFC 7440 §3); 1 is RFC 1350's lock-step. */
#define TFTP_WINDOWSIZE_MAX 65535
/* DATA and ERROR headers: opcode + block number / error code. */
#define TFTP_HEADER_LEN 4
/* Bytes of an ERROR packet's text kept by tftp_parse() (longer texts are cut). */
#define TFTP_ERROR_TEXT_MAX 127

/* The options a request asks for. */
struct tftp_options {
	uint16_t blksize;    /* TFTP_BLKSIZE_MIN..TFTP_BLKSIZE_MAX, or 0: not asked */
	uint16_t windowsize; /* 1..TFTP_WINDOWSIZE_MAX, or 0: not asked */
	bool tsize;          /* ask for the file size ("tsize" "0", RFC 2349 §"Read requests") */
};

/**
 * tftp_build_rrq() - a read request (RFC 1350 §5) for @filename in mode "octet", followed by
 * the options of @opts (RFC 2347; @opts NULL or all fields 0/false: a plain RFC 1350 request).
 * @filename: NUL-terminated, 1 or more bytes, sent as given.
 * @buf/@size: destination; on error nothing is promised about its contents.
 * Returns the packet length (at most TFTP_REQUEST_MAX), or -WBE_TFTP_URI (empty @filename, or
 * the request would exceed TFTP_REQUEST_MAX bytes), -WBE_RANGE (an option value outside its
 * range), -WBE_NOSPC (@size too small), -WBE_INVAL (NULL @filename or @buf).
 */
int tftp_build_rrq(const char *filename, const struct tftp_options *opts, uint8_t *buf, size_t size);

/** tftp_build_ack() - ACK of @block (RFC 1350 §5) into @buf; returns TFTP_HEADER_LEN. */
int tftp_build_ack(uint16_t block, uint8_t buf[TFTP_HEADER_LEN]);

/**
 * tftp_build_error() - ERROR packet (RFC 1350 §5) with @code and @text (NUL-terminated; cut
 * so the packet fits in @size). Returns the length, -WBE_NOSPC when @size < 5 (header and
 * NUL), -WBE_INVAL for a NULL pointer.
 */
int tftp_build_error(uint16_t code, const char *text, uint8_t *buf, size_t size);

/* A received packet, as far as a reading client cares. */
struct tftp_packet {
	uint16_t opcode;       /* TFTP_OP_DATA, TFTP_OP_ERROR or TFTP_OP_OACK */
	uint16_t block;        /* DATA: block number */
	const uint8_t *data;   /* DATA: the payload; OACK: the option bytes (tftp_parse_oack()).
				  Points into the message: valid as long as it is. */
	size_t data_len;
	uint16_t error_code;   /* ERROR */
	/* ERROR: the server's text up to its NUL (or the end of the packet, for servers that omit
	 * the NUL), at most TFTP_ERROR_TEXT_MAX bytes, every byte outside printable ASCII replaced
	 * by '?' so it can be shown on a console as it is. */
	char error_text[TFTP_ERROR_TEXT_MAX + 1];
};

/**
 * tftp_parse() - classify a packet received by a reading client.
 * @msg/@len: the UDP payload (@msg may be NULL only when @len is 0).
 * @out: zeroed first.
 * Returns 0, or -WBE_TFTP_MALFORMED: shorter than its header (DATA, ERROR: 4 bytes; OACK: 2),
 * or an opcode a reading client never receives (RRQ, WRQ, ACK, unknown). -WBE_INVAL for NULL.
 * A DATA payload of any length is accepted here: comparing it with the negotiated block size
 * is the engine's job.
 */
int tftp_parse(const uint8_t *msg, size_t len, struct tftp_packet *out);

/* What an OACK settled (RFC 2347 §"Option Acknowledgment"): absent options keep RFC 1350's
 * values. */
struct tftp_oack {
	uint16_t blksize;    /* the server's value, or TFTP_BLKSIZE_DEFAULT */
	uint16_t windowsize; /* the server's value, or 1 */
	bool has_tsize;
	uint64_t tsize;      /* the file size in bytes, valid when has_tsize */
};

/**
 * tftp_parse_oack() - check the options of an OACK (the data of a TFTP_OP_OACK packet)
 * against the request's @asked options and return what they settled.
 * @opts/@len: option bytes: pairs of NUL-terminated name and value (@opts may be NULL only
 *             when @len is 0; an empty OACK settles nothing and is accepted).
 * Names compare case-insensitively (RFC 2347). Returns 0, or:
 *   -WBE_TFTP_MALFORMED  a name or value without its terminating NUL, an empty name
 *   -WBE_TFTP_OACK       an option we did not ask for (or named twice); a value that is not
 *                        1..20 decimal digits or overflows; blksize outside
 *                        TFTP_BLKSIZE_MIN..@asked->blksize (RFC 2348: the server may only
 *                        lower it); windowsize outside 1..@asked->windowsize (RFC 7440 §3)
 *   -WBE_INVAL           NULL pointer
 */
int tftp_parse_oack(const uint8_t *opts, size_t len, const struct tftp_options *asked, struct tftp_oack *out);

#endif
