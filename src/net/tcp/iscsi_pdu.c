/*
 * iscsi_pdu.c - iSCSI BHS codec and PDU framer (contract in wireboot/iscsi_pdu.h).
 * Section numbers are those of RFC 7143.
 */
#include "wireboot/iscsi_pdu.h"

#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/crc32c.h"
#include "wireboot/errors.h"

/* byte 0 */
#define BHS_IMMEDIATE 0x40
#define BHS_OPCODE_MASK 0x3f
/* byte 1 (§11.2.1 and the section of each PDU) */
#define BHS_FINAL 0x80
#define LOGIN_TRANSIT 0x80
#define LOGIN_CONTINUE 0x40
#define TEXT_CONTINUE 0x40
#define CMD_READ 0x40
#define CMD_WRITE 0x20
#define CMD_ATTR_MASK 0x07
#define RSP_BIDI_OVERFLOW 0x10
#define RSP_BIDI_UNDERFLOW 0x08
#define RSP_OVERFLOW 0x04
#define RSP_UNDERFLOW 0x02
#define DATA_ACK 0x40
#define DATA_OVERFLOW 0x04
#define DATA_UNDERFLOW 0x02
#define DATA_STATUS 0x01
#define FUNCTION_MASK 0x7f /* TMF function, logout reason */
#define SNACK_TYPE_MASK 0x0f

static uint32_t get_be24(const uint8_t *b)
{
	return (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

static void put_be24(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 16);
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)v;
}

static bool known_opcode(uint8_t opcode)
{
	switch (opcode) {
	case ISCSI_OP_NOP_OUT:
	case ISCSI_OP_SCSI_CMD:
	case ISCSI_OP_TMF_REQ:
	case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_TEXT_REQ:
	case ISCSI_OP_DATA_OUT:
	case ISCSI_OP_LOGOUT_REQ:
	case ISCSI_OP_SNACK_REQ:
	case ISCSI_OP_NOP_IN:
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_LOGIN_RSP:
	case ISCSI_OP_TEXT_RSP:
	case ISCSI_OP_DATA_IN:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_R2T:
	case ISCSI_OP_ASYNC:
	case ISCSI_OP_REJECT:
		return true;
	default:
		return false;
	}
}

static bool is_target_opcode(uint8_t opcode)
{
	return opcode >= 0x20;
}

/* Every field of the PDU's layout, without judging any value. */
static void decode(const uint8_t *b, struct iscsi_bhs *o)
{
	memset(o, 0, sizeof(*o));
	o->opcode = b[0] & BHS_OPCODE_MASK;
	o->immediate = b[0] & BHS_IMMEDIATE;
	o->flags = b[1];
	o->final = b[1] & BHS_FINAL;
	o->total_ahs_len = b[4];
	o->data_len = get_be24(b + 5);
	memcpy(o->lun, b + 8, 8);
	o->itt = get_be32(b + 16);
	if (is_target_opcode(o->opcode)) {
		o->stat_sn = get_be32(b + 24);
		o->exp_cmd_sn = get_be32(b + 28);
		o->max_cmd_sn = get_be32(b + 32);
	}

	switch (o->opcode) {
	case ISCSI_OP_NOP_OUT:
	case ISCSI_OP_TEXT_REQ:
		o->ttt = get_be32(b + 20);
		o->cmd_sn = get_be32(b + 24);
		o->exp_stat_sn = get_be32(b + 28);
		o->text.cont = o->opcode == ISCSI_OP_TEXT_REQ && (b[1] & TEXT_CONTINUE);
		break;
	case ISCSI_OP_NOP_IN:
	case ISCSI_OP_TEXT_RSP:
		o->ttt = get_be32(b + 20);
		o->text.cont = o->opcode == ISCSI_OP_TEXT_RSP && (b[1] & TEXT_CONTINUE);
		break;
	case ISCSI_OP_SCSI_CMD:
		o->scsi_cmd.read = b[1] & CMD_READ;
		o->scsi_cmd.write = b[1] & CMD_WRITE;
		o->scsi_cmd.attr = b[1] & CMD_ATTR_MASK;
		o->scsi_cmd.edtl = get_be32(b + 20);
		o->cmd_sn = get_be32(b + 24);
		o->exp_stat_sn = get_be32(b + 28);
		memcpy(o->scsi_cmd.cdb, b + 32, 16);
		break;
	case ISCSI_OP_SCSI_RSP:
		o->scsi_rsp.bidi_overflow = b[1] & RSP_BIDI_OVERFLOW;
		o->scsi_rsp.bidi_underflow = b[1] & RSP_BIDI_UNDERFLOW;
		o->scsi_rsp.overflow = b[1] & RSP_OVERFLOW;
		o->scsi_rsp.underflow = b[1] & RSP_UNDERFLOW;
		o->scsi_rsp.response = b[2];
		o->scsi_rsp.status = b[3];
		o->scsi_rsp.snack_tag = get_be32(b + 20);
		o->scsi_rsp.exp_data_sn = get_be32(b + 36);
		o->scsi_rsp.bidi_residual = get_be32(b + 40);
		o->scsi_rsp.residual = get_be32(b + 44);
		break;
	case ISCSI_OP_TMF_REQ:
		o->tmf_req.function = b[1] & FUNCTION_MASK;
		o->tmf_req.ref_task_tag = get_be32(b + 20);
		o->cmd_sn = get_be32(b + 24);
		o->exp_stat_sn = get_be32(b + 28);
		o->tmf_req.ref_cmd_sn = get_be32(b + 32);
		o->tmf_req.exp_data_sn = get_be32(b + 36);
		break;
	case ISCSI_OP_TMF_RSP:
		o->tmf_rsp.response = b[2];
		break;
	case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_LOGIN_RSP:
		o->login.transit = b[1] & LOGIN_TRANSIT;
		o->login.cont = b[1] & LOGIN_CONTINUE;
		o->login.csg = (b[1] >> 2) & 3;
		/* NSG is reserved unless T is set (§11.12) */
		o->login.nsg = o->login.transit ? b[1] & 3 : 0;
		o->login.version_max = b[2];
		memcpy(o->login.isid, b + 8, 6);
		o->login.tsih = get_be16(b + 14);
		if (o->opcode == ISCSI_OP_LOGIN_REQ) {
			o->login.version_min = b[3];
			o->login.cid = get_be16(b + 20);
			o->cmd_sn = get_be32(b + 24);
			o->exp_stat_sn = get_be32(b + 28);
		} else {
			o->login.version_active = b[3];
			o->login.status_class = b[36];
			o->login.status_detail = b[37];
		}
		break;
	case ISCSI_OP_DATA_OUT:
		o->ttt = get_be32(b + 20);
		o->exp_stat_sn = get_be32(b + 28);
		o->data.data_sn = get_be32(b + 36);
		o->data.buffer_offset = get_be32(b + 40);
		break;
	case ISCSI_OP_DATA_IN:
		o->ttt = get_be32(b + 20);
		o->data.ack = b[1] & DATA_ACK;
		o->data.status_present = b[1] & DATA_STATUS;
		o->data.data_sn = get_be32(b + 36);
		o->data.buffer_offset = get_be32(b + 40);
		/* status, StatSN, O/U and the residual only exist with S (§11.7) */
		if (o->data.status_present) {
			o->data.overflow = b[1] & DATA_OVERFLOW;
			o->data.underflow = b[1] & DATA_UNDERFLOW;
			o->data.status = b[3];
			o->data.residual = get_be32(b + 44);
		} else {
			o->stat_sn = 0;
		}
		break;
	case ISCSI_OP_LOGOUT_REQ:
		o->logout_req.reason = b[1] & FUNCTION_MASK;
		o->logout_req.cid = get_be16(b + 20);
		o->cmd_sn = get_be32(b + 24);
		o->exp_stat_sn = get_be32(b + 28);
		break;
	case ISCSI_OP_LOGOUT_RSP:
		o->logout_rsp.response = b[2];
		o->logout_rsp.time2wait = get_be16(b + 40);
		o->logout_rsp.time2retain = get_be16(b + 42);
		break;
	case ISCSI_OP_SNACK_REQ:
		o->snack.type = b[1] & SNACK_TYPE_MASK;
		o->ttt = get_be32(b + 20);
		o->exp_stat_sn = get_be32(b + 28);
		o->snack.beg_run = get_be32(b + 40);
		o->snack.run_length = get_be32(b + 44);
		break;
	case ISCSI_OP_R2T:
		o->ttt = get_be32(b + 20);
		o->r2t.r2t_sn = get_be32(b + 36);
		o->r2t.buffer_offset = get_be32(b + 40);
		o->r2t.desired_len = get_be32(b + 44);
		break;
	case ISCSI_OP_ASYNC:
		o->async.event = b[36];
		o->async.vcode = b[37];
		o->async.param1 = get_be16(b + 38);
		o->async.param2 = get_be16(b + 40);
		o->async.param3 = get_be16(b + 42);
		break;
	case ISCSI_OP_REJECT:
		o->reject.reason = b[2];
		o->reject.data_sn = get_be32(b + 36);
		break;
	default:
		break;
	}
}

/* Login stage bits (§11.12): stages only advance, and T and C exclude each other. */
static bool valid_stage(uint8_t stage)
{
	return stage == ISCSI_STAGE_SECURITY || stage == ISCSI_STAGE_OPERATIONAL ||
	       stage == ISCSI_STAGE_FULL_FEATURE;
}

static bool valid_login_stages(bool transit, bool cont, uint8_t csg, uint8_t nsg)
{
	if (transit && cont)
		return false;
	if (!valid_stage(csg))
		return false;
	return !transit || (valid_stage(nsg) && nsg > csg);
}

/* A buffer offset and length that end beyond 2^32 cannot describe a real transfer, and would
 * wrap in 32-bit arithmetic of whoever checks them against a buffer. */
static bool range_wraps(uint32_t offset, uint32_t len)
{
	return (uint64_t)offset + len > (uint64_t)1 << 32;
}

static int check(const struct iscsi_bhs *h, uint32_t max_data_len)
{
	if (!known_opcode(h->opcode))
		return -WBE_ISCSI_PDU_OPCODE;
	if (h->total_ahs_len)
		return -WBE_ISCSI_PDU_AHS;
	if (h->data_len > max_data_len)
		return -WBE_ISCSI_PDU_TOO_LONG;

	switch (h->opcode) {
	case ISCSI_OP_LOGIN_RSP:
		if (h->login.status_class != ISCSI_LOGIN_SUCCESS)
			return 0;
		/* fall through */
	case ISCSI_OP_LOGIN_REQ:
		if (!valid_login_stages(h->login.transit, h->login.cont, h->login.csg, h->login.nsg))
			return -WBE_ISCSI_PDU_FIELD;
		return 0;
	case ISCSI_OP_TEXT_REQ:
	case ISCSI_OP_TEXT_RSP:
		/* §11.10: C=1 requires F=0 */
		return h->final && h->text.cont ? -WBE_ISCSI_PDU_FIELD : 0;
	case ISCSI_OP_SCSI_RSP:
		/* §11.4: overflow and underflow exclude each other */
		if ((h->scsi_rsp.overflow && h->scsi_rsp.underflow) ||
		    (h->scsi_rsp.bidi_overflow && h->scsi_rsp.bidi_underflow))
			return -WBE_ISCSI_PDU_FIELD;
		return 0;
	case ISCSI_OP_DATA_IN:
		/* §11.7: status only in the last PDU of the sequence */
		if (h->data.status_present && !h->final)
			return -WBE_ISCSI_PDU_FIELD;
		if (h->data.overflow && h->data.underflow)
			return -WBE_ISCSI_PDU_FIELD;
		/* fall through */
	case ISCSI_OP_DATA_OUT:
		return range_wraps(h->data.buffer_offset, h->data_len) ? -WBE_ISCSI_PDU_FIELD : 0;
	case ISCSI_OP_R2T:
		if (h->data_len || h->r2t.desired_len == 0 ||
		    range_wraps(h->r2t.buffer_offset, h->r2t.desired_len))
			return -WBE_ISCSI_PDU_FIELD;
		return 0;
	case ISCSI_OP_TMF_REQ:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_LOGOUT_REQ:
	case ISCSI_OP_LOGOUT_RSP:
		return h->data_len ? -WBE_ISCSI_PDU_FIELD : 0;
	case ISCSI_OP_REJECT:
		return h->data_len < ISCSI_BHS_LEN ? -WBE_ISCSI_PDU_FIELD : 0;
	default:
		return 0;
	}
}

int iscsi_bhs_parse(const uint8_t *bhs, uint32_t max_data_len, struct iscsi_bhs *out)
{
	decode(bhs, out);
	return check(out, max_data_len);
}

int iscsi_bhs_build(const struct iscsi_bhs *in, uint8_t out[ISCSI_BHS_LEN])
{
	uint8_t b[ISCSI_BHS_LEN] = {0};

	if (in->data_len > ISCSI_DATA_LEN_MAX)
		return -WBE_RANGE;
	b[0] = (uint8_t)((in->opcode & BHS_OPCODE_MASK) | (in->immediate ? BHS_IMMEDIATE : 0));
	put_be24(b + 5, in->data_len);
	put_be32(b + 16, in->itt);

	switch (in->opcode) {
	case ISCSI_OP_NOP_OUT:
		b[1] = BHS_FINAL;
		memcpy(b + 8, in->lun, 8);
		put_be32(b + 20, in->ttt);
		break;
	case ISCSI_OP_SCSI_CMD:
		if (in->scsi_cmd.attr > CMD_ATTR_MASK)
			return -WBE_INVAL;
		b[1] = (uint8_t)((in->final ? BHS_FINAL : 0) | (in->scsi_cmd.read ? CMD_READ : 0) |
				 (in->scsi_cmd.write ? CMD_WRITE : 0) | in->scsi_cmd.attr);
		memcpy(b + 8, in->lun, 8);
		put_be32(b + 20, in->scsi_cmd.edtl);
		memcpy(b + 32, in->scsi_cmd.cdb, 16);
		break;
	case ISCSI_OP_TMF_REQ:
		if (in->tmf_req.function > FUNCTION_MASK || in->data_len)
			return -WBE_INVAL;
		b[1] = BHS_FINAL | in->tmf_req.function;
		memcpy(b + 8, in->lun, 8);
		put_be32(b + 20, in->tmf_req.ref_task_tag);
		put_be32(b + 32, in->tmf_req.ref_cmd_sn);
		put_be32(b + 36, in->tmf_req.exp_data_sn);
		break;
	case ISCSI_OP_LOGIN_REQ:
		if (!valid_login_stages(in->login.transit, in->login.cont, in->login.csg, in->login.nsg))
			return -WBE_INVAL;
		b[0] |= BHS_IMMEDIATE; /* §11.12: Login Requests are always immediate */
		b[1] = (uint8_t)((in->login.transit ? LOGIN_TRANSIT | in->login.nsg : 0) |
				 (in->login.cont ? LOGIN_CONTINUE : 0) | in->login.csg << 2);
		b[2] = in->login.version_max;
		b[3] = in->login.version_min;
		memcpy(b + 8, in->login.isid, 6);
		put_be16(b + 14, in->login.tsih);
		put_be16(b + 20, in->login.cid);
		break;
	case ISCSI_OP_TEXT_REQ:
		if (in->final && in->text.cont)
			return -WBE_INVAL;
		b[1] = (uint8_t)((in->final ? BHS_FINAL : 0) | (in->text.cont ? TEXT_CONTINUE : 0));
		memcpy(b + 8, in->lun, 8);
		put_be32(b + 20, in->ttt);
		break;
	case ISCSI_OP_DATA_OUT:
		if (range_wraps(in->data.buffer_offset, in->data_len))
			return -WBE_RANGE;
		b[0] &= (uint8_t)~BHS_IMMEDIATE; /* §11.7: Data-Out is never immediate */
		b[1] = in->final ? BHS_FINAL : 0;
		memcpy(b + 8, in->lun, 8);
		put_be32(b + 20, in->ttt);
		put_be32(b + 28, in->exp_stat_sn);
		put_be32(b + 36, in->data.data_sn);
		put_be32(b + 40, in->data.buffer_offset);
		memcpy(out, b, ISCSI_BHS_LEN);
		return 0; /* no CmdSN in a Data-Out */
	case ISCSI_OP_LOGOUT_REQ:
		if (in->logout_req.reason > FUNCTION_MASK || in->data_len)
			return -WBE_INVAL;
		b[1] = BHS_FINAL | in->logout_req.reason;
		/* the CID is reserved when the whole session closes (§11.14) */
		if (in->logout_req.reason != ISCSI_LOGOUT_CLOSE_SESSION)
			put_be16(b + 20, in->logout_req.cid);
		break;
	default:
		return -WBE_INVAL;
	}
	put_be32(b + 24, in->cmd_sn);
	put_be32(b + 28, in->exp_stat_sn);
	memcpy(out, b, ISCSI_BHS_LEN);
	return 0;
}

uint32_t iscsi_pdu_len(uint8_t total_ahs_len, uint32_t data_len, bool header_digest, bool data_digest)
{
	uint32_t len = ISCSI_BHS_LEN + 4u * total_ahs_len + iscsi_pad_len(data_len);
	if (header_digest)
		len += ISCSI_DIGEST_LEN;
	if (data_digest && data_len)
		len += ISCSI_DIGEST_LEN;
	return len;
}

uint32_t iscsi_data_digest(const void *data, uint32_t len)
{
	static const uint8_t zeros[3];
	uint32_t crc = crc32c(data, len);
	return crc32c_update(crc, zeros, iscsi_pad_len(len) - len);
}

int iscsi_sense_segment(const uint8_t *data, size_t len, const uint8_t **sense, size_t *sense_len)
{
	*sense = NULL;
	*sense_len = 0;
	if (len == 0)
		return 0;
	if (len < 2)
		return -WBE_ISCSI_PDU_DATA;
	size_t n = get_be16(data);
	if (n > len - 2)
		return -WBE_ISCSI_PDU_DATA;
	if (n) {
		*sense = data + 2;
		*sense_len = n;
	}
	return 0;
}

int iscsi_reject_header(const uint8_t *data, size_t len, struct iscsi_bhs *out)
{
	if (len < ISCSI_BHS_LEN)
		return -WBE_ISCSI_PDU_DATA;
	decode(data, out);
	return 0;
}

/* ---- framer ---------------------------------------------------------------------------- */

enum framer_state {
	FRAMER_HEADER,  /* gathering BHS (+ header digest) */
	FRAMER_DATA,    /* passing the data segment on */
	FRAMER_PADDING, /* skipping the padding (into the data digest) */
	FRAMER_DIGEST,  /* gathering the data digest */
};

void iscsi_framer_init(struct iscsi_framer *framer, uint32_t max_data_len)
{
	memset(framer, 0, sizeof(*framer));
	framer->max_data_len = max_data_len;
	framer->state = FRAMER_HEADER;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Appends up to @want - @have more bytes of @in to @buf; returns how many it took. */
static size_t gather(uint8_t *buf, uint32_t *have, uint32_t want, const uint8_t *in, size_t len)
{
	size_t take = min_size(want - *have, len);
	if (take)
		memcpy(buf + *have, in, take);
	*have += (uint32_t)take;
	return take;
}

static int framer_fail(struct iscsi_framer *f, struct iscsi_frame *fr, int rc)
{
	f->error = rc;
	fr->consumed = 0;
	return rc;
}

int iscsi_framer_feed(struct iscsi_framer *f, const uint8_t *in, size_t len, struct iscsi_frame *fr)
{
	memset(fr, 0, sizeof(*fr));
	fr->bhs = &f->bhs;
	if (f->error)
		return f->error;

	switch (f->state) {
	case FRAMER_HEADER: {
		uint32_t want = ISCSI_BHS_LEN + (f->header_digest ? ISCSI_DIGEST_LEN : 0);
		fr->consumed = gather(f->header, &f->have, want, in, len);
		if (f->have < want)
			return ISCSI_FRAME_NEED_MORE;
		f->have = 0;
		/* a corrupt header could decode as anything: check the digest first */
		if (f->header_digest &&
		    crc32c(f->header, ISCSI_BHS_LEN) != iscsi_digest_get(f->header + ISCSI_BHS_LEN))
			return framer_fail(f, fr, -WBE_ISCSI_HEADER_DIGEST);
		int rc = iscsi_bhs_parse(f->header, f->max_data_len, &f->bhs);
		if (rc < 0)
			return framer_fail(f, fr, rc);
		f->data_done = 0;
		f->crc = 0;
		f->state = FRAMER_DATA;
		return ISCSI_FRAME_HEADER;
	}
	case FRAMER_DATA:
		if (f->data_done < f->bhs.data_len) {
			if (len == 0)
				return ISCSI_FRAME_NEED_MORE;
			uint32_t take = (uint32_t)min_size(f->bhs.data_len - f->data_done, len);
			if (f->data_digest)
				f->crc = crc32c_update(f->crc, in, take);
			fr->consumed = take;
			fr->data = in;
			fr->data_offset = f->data_done;
			fr->data_len = take;
			f->data_done += take;
			return ISCSI_FRAME_DATA;
		}
		f->state = FRAMER_PADDING;
		/* fall through */
	case FRAMER_PADDING: {
		/* the padding's value is not checked, but the digest covers it as received */
		uint32_t pad = iscsi_pad_len(f->bhs.data_len) - f->bhs.data_len;
		size_t take = min_size(pad - f->have, len);
		if (f->data_digest)
			f->crc = crc32c_update(f->crc, in, take);
		f->have += (uint32_t)take;
		fr->consumed = take;
		if (f->have < pad)
			return ISCSI_FRAME_NEED_MORE;
		f->have = 0;
		f->state = FRAMER_DIGEST;
	}
		/* fall through */
	case FRAMER_DIGEST:
	default:
		if (f->data_digest && f->bhs.data_len) {
			if (fr->consumed < len)
				fr->consumed += gather(f->digest, &f->have, ISCSI_DIGEST_LEN,
						       in + fr->consumed, len - fr->consumed);
			if (f->have < ISCSI_DIGEST_LEN)
				return ISCSI_FRAME_NEED_MORE;
		}
		f->have = 0;
		f->state = FRAMER_HEADER;
		if (f->data_digest && f->bhs.data_len && iscsi_digest_get(f->digest) != f->crc)
			return -WBE_ISCSI_DATA_DIGEST;
		return ISCSI_FRAME_END;
	}
}
