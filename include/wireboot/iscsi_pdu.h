/*
 * iscsi_pdu.h - iSCSI PDUs (RFC 7143 §11): the 48-byte Basic Header Segment (BHS) codec, PDU
 * lengths and digests, and a streaming framer that cuts a TCP byte stream into PDUs.
 *
 * Sans-I/O: nothing here sends, receives, allocates or keeps time. The session layer decides
 * what to send and what a PDU means for its tasks; this module only turns struct iscsi_bhs
 * into bytes and bytes into struct iscsi_bhs, checking everything a hostile or broken target
 * could get wrong in a header. Every function is safe on input of any content.
 *
 * PDU layout (§11.2): BHS (48 bytes), AHS (TotalAHSLength words: wireboot negotiates none and
 * rejects them), optional header digest (4 bytes, over BHS+AHS), data segment
 * (DataSegmentLength bytes, padded with zeros to a multiple of 4), optional data digest
 * (4 bytes, over the data and its padding, present only when DataSegmentLength is not 0).
 * Digests are CRC32C (§13.1, wireboot/crc32c.h), sent least significant byte first.
 * Multi-byte fields are big-endian.
 *
 * Field names follow RFC 7143; the section of each PDU is given with its opcode below.
 */
#ifndef WIREBOOT_ISCSI_PDU_H
#define WIREBOOT_ISCSI_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISCSI_BHS_LEN 48
#define ISCSI_DIGEST_LEN 4
/* DataSegmentLength is a 24-bit field (§11.2.1). */
#define ISCSI_DATA_LEN_MAX 0xffffffu
/* The reserved tag value: "no task" / "no reply wanted" (§11.18, §11.19). */
#define ISCSI_RESERVED_TAG 0xffffffffu

/* Opcodes (§11.2.1). Initiator opcodes are below 0x20, target opcodes from 0x20. */
enum iscsi_opcode {
	ISCSI_OP_NOP_OUT = 0x00,    /* §11.18 */
	ISCSI_OP_SCSI_CMD = 0x01,   /* §11.3 */
	ISCSI_OP_TMF_REQ = 0x02,    /* §11.5 */
	ISCSI_OP_LOGIN_REQ = 0x03,  /* §11.12 */
	ISCSI_OP_TEXT_REQ = 0x04,   /* §11.10 */
	ISCSI_OP_DATA_OUT = 0x05,   /* §11.7 */
	ISCSI_OP_LOGOUT_REQ = 0x06, /* §11.14 */
	ISCSI_OP_SNACK_REQ = 0x10,  /* §11.16: parsed, never built (wireboot runs ERL 0) */
	ISCSI_OP_NOP_IN = 0x20,     /* §11.19 */
	ISCSI_OP_SCSI_RSP = 0x21,   /* §11.4 */
	ISCSI_OP_TMF_RSP = 0x22,    /* §11.6 */
	ISCSI_OP_LOGIN_RSP = 0x23,  /* §11.13 */
	ISCSI_OP_TEXT_RSP = 0x24,   /* §11.11 */
	ISCSI_OP_DATA_IN = 0x25,    /* §11.7 */
	ISCSI_OP_LOGOUT_RSP = 0x26, /* §11.15 */
	ISCSI_OP_R2T = 0x31,        /* §11.8 */
	ISCSI_OP_ASYNC = 0x32,      /* §11.9 */
	ISCSI_OP_REJECT = 0x3f,     /* §11.17 */
};

/* Login stages, CSG/NSG (§11.12) */
enum iscsi_login_stage {
	ISCSI_STAGE_SECURITY = 0,
	ISCSI_STAGE_OPERATIONAL = 1,
	ISCSI_STAGE_FULL_FEATURE = 3,
};

/* SCSI Command task attributes, ATTR (§11.3) */
enum iscsi_task_attr {
	ISCSI_ATTR_UNTAGGED = 0,
	ISCSI_ATTR_SIMPLE = 1,
	ISCSI_ATTR_ORDERED = 2,
	ISCSI_ATTR_HEAD_OF_QUEUE = 3,
	ISCSI_ATTR_ACA = 4,
};

/* Task management functions (§11.5) */
#define ISCSI_TMF_ABORT_TASK 1
#define ISCSI_TMF_ABORT_TASK_SET 2
#define ISCSI_TMF_LOGICAL_UNIT_RESET 5
#define ISCSI_TMF_TARGET_WARM_RESET 6

/* Logout reason codes (§11.14) */
#define ISCSI_LOGOUT_CLOSE_SESSION 0
#define ISCSI_LOGOUT_CLOSE_CONNECTION 1
#define ISCSI_LOGOUT_REMOVE_FOR_RECOVERY 2

/* Async Message events (§11.9) */
#define ISCSI_ASYNC_SCSI_EVENT 0
#define ISCSI_ASYNC_LOGOUT_REQUEST 1
#define ISCSI_ASYNC_DROP_CONNECTION 2
#define ISCSI_ASYNC_DROP_ALL_CONNECTIONS 3
#define ISCSI_ASYNC_NEGOTIATE 4
#define ISCSI_ASYNC_VENDOR 255

/* Login response Status-Class (§11.13) */
#define ISCSI_LOGIN_SUCCESS 0
#define ISCSI_LOGIN_REDIRECT 1
#define ISCSI_LOGIN_INITIATOR_ERROR 2
#define ISCSI_LOGIN_TARGET_ERROR 3

/*
 * A decoded BHS. Which fields mean something depends on the opcode: the common ones are
 * always set; of the union, only the member named after the opcode (see each comment).
 * iscsi_bhs_parse() zeroes the whole struct first, so unused fields read 0.
 */
struct iscsi_bhs {
	uint8_t opcode;        /* byte 0, low 6 bits: enum iscsi_opcode */
	bool immediate;        /* I bit (byte 0, 0x40): initiator PDUs only */
	bool final;            /* F bit (byte 1, 0x80); for Login this position is the T bit */
	uint8_t flags;         /* byte 1 as received, F bit included (parse only) */
	uint8_t total_ahs_len; /* TotalAHSLength in 4-byte words; 0 in everything accepted */
	uint32_t data_len;     /* DataSegmentLength (24 bits), without padding */
	uint8_t lun[8];        /* bytes 8..15: the LUN where the PDU has one (raw, SAM-5 format);
				  for Login the ISID and TSIH (also decoded in .login) */
	uint32_t itt;          /* Initiator Task Tag (bytes 16..19) */
	/* bytes 20..23 of NOP-Out/In, Text, Data-Out/In, R2T and SNACK: the Target Transfer Tag
	 * (SNACK: the SNACK Tag / TTT) */
	uint32_t ttt;
	/* bytes 24..35 of every target PDU (opcode >= 0x20). In a Data-In PDU StatSN only means
	 * something when .data.status_present is set (iscsi_bhs_parse() leaves it 0 otherwise). */
	uint32_t stat_sn, exp_cmd_sn, max_cmd_sn;
	/* bytes 24..31 of initiator PDUs: CmdSN (Data-Out and SNACK have none: 0) and ExpStatSN */
	uint32_t cmd_sn, exp_stat_sn;
	union {
		struct { /* ISCSI_OP_SCSI_CMD (§11.3) */
			bool read, write; /* R, W bits */
			uint8_t attr;     /* enum iscsi_task_attr, 3 bits */
			uint32_t edtl;    /* Expected Data Transfer Length */
			uint8_t cdb[16];  /* longer CDBs would need an AHS: not supported */
		} scsi_cmd;
		struct { /* ISCSI_OP_SCSI_RSP (§11.4) */
			bool bidi_overflow, bidi_underflow; /* o, u bits */
			bool overflow, underflow;           /* O, U bits */
			uint8_t response;                   /* 0: command completed at target */
			uint8_t status;                     /* SCSI status (SAM), if response == 0 */
			uint32_t snack_tag, exp_data_sn;
			uint32_t bidi_residual, residual;   /* residual counts (bytes) */
		} scsi_rsp;
		struct { /* ISCSI_OP_TMF_REQ (§11.5) */
			uint8_t function;      /* ISCSI_TMF_*, 7 bits */
			uint32_t ref_task_tag; /* Referenced Task Tag (ABORT TASK: the ITT to abort) */
			uint32_t ref_cmd_sn;   /* RefCmdSN (ABORT TASK: that task's CmdSN) */
			uint32_t exp_data_sn;
		} tmf_req;
		struct { /* ISCSI_OP_TMF_RSP (§11.6) */
			uint8_t response; /* 0: function complete */
		} tmf_rsp;
		struct { /* ISCSI_OP_LOGIN_REQ (§11.12) and ISCSI_OP_LOGIN_RSP (§11.13) */
			bool transit, cont; /* T, C bits */
			uint8_t csg;        /* enum iscsi_login_stage */
			uint8_t nsg;        /* meaningful only with T: parse gives 0 without it */
			uint8_t version_max;
			uint8_t version_min;    /* request only */
			uint8_t version_active; /* response only */
			uint8_t isid[6];        /* bytes 8..13 */
			uint16_t tsih;          /* bytes 14..15 */
			uint16_t cid;           /* request only: Connection ID */
			uint8_t status_class, status_detail; /* response only */
		} login;
		struct { /* ISCSI_OP_TEXT_REQ (§11.10) and ISCSI_OP_TEXT_RSP (§11.11) */
			bool cont; /* C bit: more text follows (then F must be 0) */
		} text;
		struct { /* ISCSI_OP_DATA_OUT and ISCSI_OP_DATA_IN (§11.7) */
			bool ack;            /* Data-In A bit */
			bool status_present; /* Data-In S bit: status, StatSN and residual below */
			bool overflow, underflow; /* Data-In O, U bits (0 unless status_present) */
			uint8_t status;      /* Data-In SCSI status (if status_present) */
			uint32_t data_sn;
			uint32_t buffer_offset;
			uint32_t residual;   /* Data-In Residual Count (if status_present) */
		} data;
		struct { /* ISCSI_OP_LOGOUT_REQ (§11.14) */
			uint8_t reason; /* ISCSI_LOGOUT_*, 7 bits */
			uint16_t cid;   /* connection to close (reasons 1 and 2) */
		} logout_req;
		struct { /* ISCSI_OP_LOGOUT_RSP (§11.15) */
			uint8_t response;
			uint16_t time2wait, time2retain; /* seconds */
		} logout_rsp;
		struct { /* ISCSI_OP_R2T (§11.8) */
			uint32_t r2t_sn;
			uint32_t buffer_offset;
			uint32_t desired_len; /* Desired Data Transfer Length: never 0 after parse */
		} r2t;
		struct { /* ISCSI_OP_ASYNC (§11.9) */
			uint8_t event; /* ISCSI_ASYNC_* */
			uint8_t vcode;
			uint16_t param1, param2, param3;
		} async;
		struct { /* ISCSI_OP_REJECT (§11.17) */
			uint8_t reason;   /* 0x01..0x0c, §11.17 */
			uint32_t data_sn; /* DataSN/R2TSN of the rejected PDU, where it has one */
		} reject;
		struct { /* ISCSI_OP_SNACK_REQ (§11.16) */
			uint8_t type; /* 4 bits */
			uint32_t beg_run, run_length;
		} snack;
	};
};

/**
 * iscsi_bhs_parse() - decode and check a BHS.
 * @bhs: ISCSI_BHS_LEN bytes, never NULL (the caller has gathered them: see the framer).
 * @max_data_len: our MaxRecvDataSegmentLength: a longer data segment is refused.
 * @out: never NULL; zeroed, then filled. Its contents are unspecified on error.
 * Accepts every opcode in enum iscsi_opcode, initiator ones included (for tests and tools).
 * Reserved bits and fields are not checked: nothing here depends on them, and strictness
 * there would only lose interoperability. The checks made each guard framing or the meaning
 * of data:
 *   -WBE_ISCSI_PDU_OPCODE    opcode not in enum iscsi_opcode (includes vendor opcodes)
 *   -WBE_ISCSI_PDU_AHS       TotalAHSLength is not 0 (no AHS is ever negotiated)
 *   -WBE_ISCSI_PDU_TOO_LONG  DataSegmentLength > @max_data_len
 *   -WBE_ISCSI_PDU_FIELD     Login: T and C both set (§11.12), CSG or NSG the reserved
 *                            value 2, or T set with NSG not after CSG (stages only advance);
 *                            Text: F and C both set (§11.10);
 *                            SCSI Response: O with U or o with u (§11.4);
 *                            Data-In: S without F (§11.7), or O with U;
 *                            Data-In/Out: Buffer Offset + DataSegmentLength beyond 2^32;
 *                            R2T: Desired Data Transfer Length 0 (§11.8) or offset + it
 *                            beyond 2^32;
 *                            R2T, TMF and Logout Requests and Responses: a data segment
 *                            (they carry none);
 *                            Reject: a data segment shorter than the rejected BHS (§11.17)
 * The Login checks apply to a Login Response only when its Status-Class is 0 (success): a
 * failed login is reported by its status, whatever else the target put in the header.
 * Returns 0 on success.
 */
int iscsi_bhs_parse(const uint8_t *bhs, uint32_t max_data_len, struct iscsi_bhs *out);

/**
 * iscsi_bhs_build() - encode an initiator PDU's BHS.
 * @in: never NULL. Fields used: opcode, immediate, data_len, itt, and per opcode:
 *   NOP-Out:    lun, ttt, cmd_sn, exp_stat_sn (F is always set)
 *   SCSI Cmd:   final, lun, cmd_sn, exp_stat_sn, scsi_cmd.* (final = 0 when unsolicited
 *               Data-Out PDUs follow, §11.3)
 *   TMF Req:    lun, cmd_sn, exp_stat_sn, tmf_req.* (F always set)
 *   Login Req:  cmd_sn, exp_stat_sn, login.{transit, cont, csg, nsg, version_max,
 *               version_min, isid, tsih, cid}; I is always set (§11.12), NSG is written only
 *               with T
 *   Text Req:   final, lun, ttt, cmd_sn, exp_stat_sn, text.cont
 *   Data-Out:   final, lun, ttt, exp_stat_sn, data.data_sn, data.buffer_offset (I is never set)
 *   Logout Req: cmd_sn, exp_stat_sn, logout_req.* (F always set)
 * Everything else in the BHS is written as 0; TotalAHSLength is always 0.
 * @out: ISCSI_BHS_LEN bytes, never NULL; written in full on success.
 * Returns 0, or -WBE_INVAL (a target opcode or SNACK; Login with T and C, a stage other than
 * enum iscsi_login_stage, or T with NSG not after CSG; Text with F and C; ATTR > 7; a TMF
 * function or logout reason of 0x80 or more; a TMF or Logout Request with data),
 * -WBE_RANGE (data_len > ISCSI_DATA_LEN_MAX, or a Data-Out buffer_offset + data_len beyond
 * 2^32). Whatever iscsi_bhs_build() writes, iscsi_bhs_parse() accepts (given a large enough
 * max_data_len) and decodes to the values written, forced bits included.
 */
int iscsi_bhs_build(const struct iscsi_bhs *in, uint8_t out[ISCSI_BHS_LEN]);

/** iscsi_pad_len() - @data_len rounded up to a multiple of 4 (§11.2: the padded segment). */
static inline uint32_t iscsi_pad_len(uint32_t data_len)
{
	return (data_len + 3) & ~(uint32_t)3;
}

/**
 * iscsi_pdu_len() - bytes of a whole PDU on the wire: BHS, AHS, header digest (if
 * @header_digest), data segment padded to 4 bytes and data digest (if @data_digest and
 * data_len is not 0). For @data_len up to ISCSI_DATA_LEN_MAX and any @total_ahs_len the
 * result fits easily in 32 bits.
 */
uint32_t iscsi_pdu_len(uint8_t total_ahs_len, uint32_t data_len, bool header_digest, bool data_digest);

/**
 * iscsi_data_digest() - the data digest of a segment: CRC32C over the @len data bytes and the
 * zero padding that follows them on the wire (§11.2). @data may be NULL only when @len is 0.
 */
uint32_t iscsi_data_digest(const void *data, uint32_t len);

/** iscsi_digest_put()/iscsi_digest_get() - a digest in wire order (least significant byte first). */
static inline void iscsi_digest_put(uint8_t out[ISCSI_DIGEST_LEN], uint32_t crc)
{
	out[0] = (uint8_t)crc;
	out[1] = (uint8_t)(crc >> 8);
	out[2] = (uint8_t)(crc >> 16);
	out[3] = (uint8_t)(crc >> 24);
}

static inline uint32_t iscsi_digest_get(const uint8_t in[ISCSI_DIGEST_LEN])
{
	return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}

/**
 * iscsi_sense_segment() - find the sense data in the data segment of a SCSI Response
 * (§11.4) or an Async Message (§11.9): a 2-byte SenseLength, that many bytes of sense
 * data, then response/event data.
 * @data/@len: the whole data segment (without padding); @data may be NULL when @len is 0.
 * @sense/@sense_len: never NULL; set to the sense bytes inside @data, or NULL and 0 when the
 * segment is empty or SenseLength is 0.
 * Returns 0, or -WBE_ISCSI_PDU_DATA (one byte only, or SenseLength runs past @len).
 */
int iscsi_sense_segment(const uint8_t *data, size_t len, const uint8_t **sense, size_t *sense_len);

/**
 * iscsi_reject_header() - decode the header a Reject PDU carries back (§11.17: its data
 * segment is the complete BHS of the rejected PDU), so that the session can find the task
 * by opcode and ITT.
 * @data/@len: the Reject's data segment. @out: never NULL; the rejected header, decoded like
 * iscsi_bhs_parse() but without any check (it may well be malformed: that may be why it was
 * rejected), so only its fields are trustworthy, not their consistency.
 * Returns 0, or -WBE_ISCSI_PDU_DATA (@len < ISCSI_BHS_LEN).
 */
int iscsi_reject_header(const uint8_t *data, size_t len, struct iscsi_bhs *out);

/*
 * The framer: feed it the received byte stream in pieces of any size; it reports, one event
 * per call, a complete header, then the data segment in pieces pointing into the caller's own
 * input (so a Data-In payload can be copied once, straight to its destination), then the end
 * of the PDU. It buffers only the header and the digests. With digests enabled it checks them
 * itself, computing the data digest as the data streams past.
 *
 * Use:
 *	struct iscsi_frame fr;
 *	while (len) {                // or until NEED_MORE, to also see an END needing no bytes
 *		int ev = iscsi_framer_feed(&framer, p, len, &fr);
 *		if (ev < 0) ...          // fatal for the connection, see below
 *		p += fr.consumed; len -= fr.consumed;
 *		if (ev == ISCSI_FRAME_HEADER) ...  // fr.bhs: decide where the data goes
 *		if (ev == ISCSI_FRAME_DATA) ...    // copy fr.data_len bytes at fr.data to offset
 *		                                   // fr.data_offset of the segment
 *		if (ev == ISCSI_FRAME_END) ...     // the PDU is complete (and its digest good)
 *		if (ev == ISCSI_FRAME_NEED_MORE) break;
 *	}
 * An END is reported once all of a PDU's bytes are in, even by a call with no input; calling
 * until NEED_MORE after each piece of input sees every event as soon as it can happen.
 */
enum iscsi_frame_event {
	ISCSI_FRAME_NEED_MORE = 0, /* all input consumed, no event: feed more bytes */
	ISCSI_FRAME_HEADER = 1,    /* a checked header: fr.bhs */
	ISCSI_FRAME_DATA = 2,      /* a piece of the data segment: fr.data/data_offset/data_len */
	ISCSI_FRAME_END = 3,       /* the PDU is complete */
};

struct iscsi_frame {
	size_t consumed;             /* input bytes this call used (all of them on NEED_MORE) */
	const struct iscsi_bhs *bhs; /* the current PDU's header (points into the framer); set
				        from HEADER until the next HEADER */
	const uint8_t *data;         /* DATA: the piece, inside the input given to this call */
	uint32_t data_offset;        /* DATA: where the piece starts in the data segment */
	uint32_t data_len;           /* DATA: its length, at least 1 */
};

struct iscsi_framer {
	/* Settings: may be changed between PDUs, i.e. before the first call or after an END
	 * (the digests take effect when the Login phase ends, §13.1; MaxRecvDataSegmentLength
	 * when it is declared). */
	uint32_t max_data_len; /* larger data segments fail with -WBE_ISCSI_PDU_TOO_LONG */
	bool header_digest, data_digest;

	/* private state */
	uint8_t state;
	uint8_t header[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	uint8_t digest[ISCSI_DIGEST_LEN];
	uint32_t have;      /* bytes of the current part (header, padding or digest) gathered */
	uint32_t data_done; /* data segment bytes passed on */
	uint32_t crc;       /* data digest so far */
	int error;          /* sticky error, 0 if none */
	struct iscsi_bhs bhs;
};

/**
 * iscsi_framer_init() - start a framer at a PDU boundary (a new connection), without digests.
 * @framer: never NULL. @max_data_len: see struct iscsi_framer.
 */
void iscsi_framer_init(struct iscsi_framer *framer, uint32_t max_data_len);

/**
 * iscsi_framer_feed() - consume input up to the next event.
 * @framer: never NULL. @in/@len: the next bytes of the stream; @in may be NULL when @len is 0.
 * @fr: never NULL; set on every return. On errors, consumed is 0, except for
 * -WBE_ISCSI_DATA_DIGEST, where it counts the last bytes of the failed PDU.
 * Returns an enum iscsi_frame_event, or a negative error:
 *   any error of iscsi_bhs_parse(), or -WBE_ISCSI_HEADER_DIGEST: the header is bad, so the
 *     stream can no longer be framed: the error is sticky (every later call returns it) and
 *     the connection must be dropped;
 *   -WBE_ISCSI_DATA_DIGEST: in place of the END of a PDU whose data digest did not match.
 *     Framing is intact (its header had checked), so the next call starts the next PDU; the
 *     data already handed out must be treated as garbage.
 * Never reads outside @in[0..@len).
 */
int iscsi_framer_feed(struct iscsi_framer *framer, const uint8_t *in, size_t len, struct iscsi_frame *fr);

#endif
