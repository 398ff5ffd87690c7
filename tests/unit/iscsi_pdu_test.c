/* iscsi_pdu_test.c - tests for wireboot/iscsi_pdu.h: byte-exact builders, target PDU parsing,
 * every rejected field, lengths and digests, and the framer under every split of a stream. */
#include "wireboot/iscsi_pdu.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/byteorder.h"
#include "wireboot/crc32c.h"
#include "wireboot/errors.h"
#include "wireboot/scsi.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "01 c0 00 .." -> bytes; the text must hold exactly @len bytes. */
static void hex(const char *text, uint8_t *out, size_t len)
{
	CHECK_INT(test_hex(text, out, len), len);
}

/* ---- builders ---------------------------------------------------------------------------- */

struct build_case {
	const char *what;
	struct iscsi_bhs in;
	const char *bytes; /* the 48 bytes expected, by hand from RFC 7143 §11 */
};

static const struct build_case build_cases[] = {
	{"Login Request, security -> operational, T set",
	 {.opcode = ISCSI_OP_LOGIN_REQ, .data_len = 0x123, .itt = 1, .cmd_sn = 1, .exp_stat_sn = 0,
	  .login = {.transit = true, .csg = 0, .nsg = 1, .version_max = 0, .version_min = 0,
		    .isid = {0x80, 0x12, 0x34, 0x56, 0x00, 0x01}, .tsih = 0, .cid = 0}},
	 "43 81 00 00 | 00 00 01 23 | 80 12 34 56 | 00 01 00 00 | 00 00 00 01 | 00 00 00 00 |"
	 "00 00 00 01 | 00 00 00 00 | 00000000 00000000 00000000 00000000"},
	{"Login Request, operational -> full feature, TSIH and CID, version 0..0",
	 {.opcode = ISCSI_OP_LOGIN_REQ, .itt = 0xa1b2c3d4, .cmd_sn = 0x7ffffffe, .exp_stat_sn = 0x55,
	  .login = {.transit = true, .csg = 1, .nsg = 3, .version_max = 0x00, .version_min = 0x00,
		    .isid = {0x40, 0x00, 0x01, 0x37, 0x00, 0x00}, .tsih = 0x1234, .cid = 0xbeef}},
	 "43 87 00 00 | 00 00 00 00 | 40 00 01 37 | 00 00 12 34 | a1 b2 c3 d4 | be ef 00 00 |"
	 "7f ff ff fe | 00 00 00 55 | 00000000 00000000 00000000 00000000"},
	{"Login Request, C set (continued text), NSG not written without T",
	 {.opcode = ISCSI_OP_LOGIN_REQ, .data_len = 8192, .itt = 2,
	  .login = {.cont = true, .csg = 1, .nsg = 3, .version_max = 1, .version_min = 0}},
	 "43 44 01 00 | 00 00 20 00 | 00000000 00000000 | 00 00 00 02 | 00000000 | 00000000 | 00000000 |"
	 "00000000 00000000 00000000 00000000"},
	{"SCSI Command: the RFC 3720 B.4 READ (10) example",
	 {.opcode = ISCSI_OP_SCSI_CMD, .final = true, .itt = 0x14000000, .cmd_sn = 0x14,
	  .exp_stat_sn = 0x18, .scsi_cmd = {.read = true, .attr = 0, .edtl = 0x400,
					   .cdb = {0x28, 0, 0, 0, 0, 0, 0, 0, 2}}},
	 "01 c0 00 00 | 00 00 00 00 | 00000000 00000000 | 14 00 00 00 | 00 00 04 00 | 00 00 00 14 |"
	 "00 00 00 18 | 28 00 00 00 | 00 00 00 00 | 02 00 00 00 | 00 00 00 00"},
	{"SCSI Command: immediate WRITE, simple attribute, unsolicited data follows (F=0), LUN 1",
	 {.opcode = ISCSI_OP_SCSI_CMD, .immediate = true, .final = false, .data_len = 65536,
	  .lun = {0, 1}, .itt = 7, .cmd_sn = 9, .exp_stat_sn = 3,
	  .scsi_cmd = {.write = true, .attr = ISCSI_ATTR_SIMPLE, .edtl = 0x20000,
		       .cdb = {0x2a, 0, 0, 0, 0x10, 0, 0, 1, 0}}},
	 "41 21 00 00 | 00 01 00 00 | 00 01 00 00 00 00 00 00 | 00 00 00 07 | 00 02 00 00 |"
	 "00 00 00 09 | 00 00 00 03 | 2a 00 00 00 | 10 00 00 01 | 00 00 00 00 | 00 00 00 00"},
	{"SCSI Data-Out answering an R2T, not final",
	 {.opcode = ISCSI_OP_DATA_OUT, .immediate = true /* ignored: never immediate */,
	  .final = false, .data_len = 8192, .lun = {0, 1}, .itt = 7, .ttt = 0x11223344,
	  .exp_stat_sn = 4, .cmd_sn = 99 /* ignored: Data-Out has no CmdSN */,
	  .data = {.data_sn = 2, .buffer_offset = 0x4000}},
	 "05 00 00 00 | 00 00 20 00 | 00 01 00 00 00 00 00 00 | 00 00 00 07 | 11 22 33 44 |"
	 "00 00 00 00 | 00 00 00 04 | 00 00 00 00 | 00 00 00 02 | 00 00 40 00 | 00 00 00 00"},
	{"SCSI Data-Out, final, unsolicited (TTT 0xffffffff)",
	 {.opcode = ISCSI_OP_DATA_OUT, .final = true, .data_len = 3, .itt = 8,
	  .ttt = ISCSI_RESERVED_TAG, .exp_stat_sn = 5, .data = {.data_sn = 0, .buffer_offset = 0}},
	 "05 80 00 00 | 00 00 00 03 | 00000000 00000000 | 00 00 00 08 | ff ff ff ff | 00000000 |"
	 "00 00 00 05 | 00000000 | 00000000 | 00000000 | 00000000"},
	{"NOP-Out ping (ITT set, TTT reserved)",
	 {.opcode = ISCSI_OP_NOP_OUT, .itt = 0x42, .ttt = ISCSI_RESERVED_TAG, .cmd_sn = 10,
	  .exp_stat_sn = 11},
	 "00 80 00 00 | 00 00 00 00 | 00000000 00000000 | 00 00 00 42 | ff ff ff ff | 00 00 00 0a |"
	 "00 00 00 0b | 00000000 00000000 00000000 00000000"},
	{"NOP-Out answering a NOP-In (immediate, ITT reserved, TTT and LUN echoed)",
	 {.opcode = ISCSI_OP_NOP_OUT, .immediate = true, .lun = {0, 2}, .itt = ISCSI_RESERVED_TAG,
	  .ttt = 0x0badcafe, .cmd_sn = 12, .exp_stat_sn = 13},
	 "40 80 00 00 | 00 00 00 00 | 00 02 00 00 00 00 00 00 | ff ff ff ff | 0b ad ca fe |"
	 "00 00 00 0c | 00 00 00 0d | 00000000 00000000 00000000 00000000"},
	{"Logout Request: close the session (CID reserved: not written)",
	 {.opcode = ISCSI_OP_LOGOUT_REQ, .immediate = true, .itt = 0x99, .cmd_sn = 20,
	  .exp_stat_sn = 21, .logout_req = {.reason = ISCSI_LOGOUT_CLOSE_SESSION, .cid = 7}},
	 "46 80 00 00 | 00 00 00 00 | 00000000 00000000 | 00 00 00 99 | 00 00 00 00 | 00 00 00 14 |"
	 "00 00 00 15 | 00000000 00000000 00000000 00000000"},
	{"Logout Request: close connection 7",
	 {.opcode = ISCSI_OP_LOGOUT_REQ, .itt = 0x9a, .cmd_sn = 22, .exp_stat_sn = 23,
	  .logout_req = {.reason = ISCSI_LOGOUT_CLOSE_CONNECTION, .cid = 7}},
	 "06 81 00 00 | 00 00 00 00 | 00000000 00000000 | 00 00 00 9a | 00 07 00 00 | 00 00 00 16 |"
	 "00 00 00 17 | 00000000 00000000 00000000 00000000"},
	{"TMF Request: ABORT TASK",
	 {.opcode = ISCSI_OP_TMF_REQ, .immediate = true, .lun = {0, 1}, .itt = 0x100, .cmd_sn = 30,
	  .exp_stat_sn = 31, .tmf_req = {.function = ISCSI_TMF_ABORT_TASK, .ref_task_tag = 0x77,
					 .ref_cmd_sn = 28, .exp_data_sn = 4}},
	 "42 81 00 00 | 00 00 00 00 | 00 01 00 00 00 00 00 00 | 00 00 01 00 | 00 00 00 77 |"
	 "00 00 00 1e | 00 00 00 1f | 00 00 00 1c | 00 00 00 04 | 00000000 00000000"},
	{"Text Request: SendTargets=All, final",
	 {.opcode = ISCSI_OP_TEXT_REQ, .final = true, .data_len = 16, .itt = 0x200,
	  .ttt = ISCSI_RESERVED_TAG, .cmd_sn = 40, .exp_stat_sn = 41},
	 "04 80 00 00 | 00 00 00 10 | 00000000 00000000 | 00 00 02 00 | ff ff ff ff | 00 00 00 28 |"
	 "00 00 00 29 | 00000000 00000000 00000000 00000000"},
	{"Text Request: continued (C set, F clear)",
	 {.opcode = ISCSI_OP_TEXT_REQ, .data_len = 5, .itt = 0x201, .ttt = 0x5, .cmd_sn = 42,
	  .exp_stat_sn = 43, .text = {.cont = true}},
	 "04 40 00 00 | 00 00 00 05 | 00000000 00000000 | 00 00 02 01 | 00 00 00 05 | 00 00 00 2a |"
	 "00 00 00 2b | 00000000 00000000 00000000 00000000"},
};

TEST(iscsi_pdu_build_exact)
{
	for (size_t i = 0; i < COUNT(build_cases); i++) {
		const struct build_case *c = &build_cases[i];
		uint8_t expect[ISCSI_BHS_LEN], got[ISCSI_BHS_LEN];
		hex(c->bytes, expect, sizeof(expect));
		memset(got, 0xee, sizeof(got));
		int rc = iscsi_bhs_build(&c->in, got);
		CHECK_INT(rc, 0);
		if (rc != 0 || memcmp(got, expect, sizeof(got)) != 0) {
			test_fail(__FILE__, __LINE__, "build case %zu: %s", i, c->what);
			for (size_t k = 0; k < ISCSI_BHS_LEN; k++)
				if (got[k] != expect[k])
					printf("      byte %zu: 0x%02x, expected 0x%02x\n", k, got[k], expect[k]);
			continue;
		}
		/* what was built parses back to what was asked for, and rebuilds identically */
		struct iscsi_bhs back;
		uint8_t again[ISCSI_BHS_LEN];
		REQUIRE(iscsi_bhs_parse(got, ISCSI_DATA_LEN_MAX, &back) == 0);
		CHECK_INT(back.opcode, c->in.opcode);
		CHECK_INT(back.data_len, c->in.data_len);
		CHECK_INT(back.itt, c->in.itt);
		CHECK_INT(iscsi_bhs_build(&back, again), 0);
		CHECK_MEM(again, got, ISCSI_BHS_LEN);
	}
}

TEST(iscsi_pdu_build_read_matches_rfc_digest)
{
	/* the RFC 3720 B.4 example PDU, made from a READ (10) CDB of our own, has the digest the
	 * RFC gives: builder, CDB builder and CRC agree with the RFC together */
	struct iscsi_bhs in = {.opcode = ISCSI_OP_SCSI_CMD, .final = true, .itt = 0x14000000,
			       .cmd_sn = 0x14, .exp_stat_sn = 0x18,
			       .scsi_cmd = {.read = true, .edtl = 2 * 512}};
	REQUIRE(scsi_cdb_read(in.scsi_cmd.cdb, 0, 2) == 10);
	uint8_t pdu[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	REQUIRE(iscsi_bhs_build(&in, pdu) == 0);
	iscsi_digest_put(pdu + ISCSI_BHS_LEN, crc32c(pdu, ISCSI_BHS_LEN));
	static const uint8_t wire_digest[] = {0x56, 0x3a, 0x96, 0xd9};
	CHECK_MEM(pdu + ISCSI_BHS_LEN, wire_digest, 4);
	CHECK_INT(iscsi_digest_get(wire_digest), 0xd9963a56);
}

TEST(iscsi_pdu_build_errors)
{
	static const struct {
		struct iscsi_bhs in;
		int rc;
	} cases[] = {
		{{.opcode = ISCSI_OP_SCSI_RSP}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_DATA_IN}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_SNACK_REQ}, -WBE_INVAL},
		{{.opcode = 0x07}, -WBE_INVAL},
		{{.opcode = 0x1c}, -WBE_INVAL},
		{{.opcode = 0x41 /* I bit folded into the opcode: not an opcode */}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_SCSI_CMD, .scsi_cmd = {.attr = 8}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_TMF_REQ, .tmf_req = {.function = 0x80}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_TMF_REQ, .data_len = 4, .tmf_req = {.function = 1}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGOUT_REQ, .logout_req = {.reason = 0x80}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGOUT_REQ, .data_len = 1}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.transit = true, .cont = true, .nsg = 1}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.csg = 2}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.csg = 4}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.transit = true, .csg = 1, .nsg = 1}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.transit = true, .csg = 1, .nsg = 0}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.transit = true, .csg = 0, .nsg = 2}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_LOGIN_REQ, .login = {.transit = true, .csg = 3, .nsg = 3}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_TEXT_REQ, .final = true, .text = {.cont = true}}, -WBE_INVAL},
		{{.opcode = ISCSI_OP_NOP_OUT, .data_len = 0x1000000}, -WBE_RANGE},
		{{.opcode = ISCSI_OP_DATA_OUT, .data_len = 2, .data = {.buffer_offset = 0xffffffff}}, -WBE_RANGE},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t out[ISCSI_BHS_LEN];
		memset(out, 0xee, sizeof(out));
		int rc = iscsi_bhs_build(&cases[i].in, out);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "build error case %zu: rc %d, expected %d", i, rc, cases[i].rc);
		/* nothing written on failure */
		for (size_t k = 0; k < sizeof(out); k++)
			CHECK_INT(out[k], 0xee);
	}
	/* the limits themselves are fine */
	struct iscsi_bhs ok = {.opcode = ISCSI_OP_DATA_OUT, .data_len = 1, .data = {.buffer_offset = 0xffffffff}};
	uint8_t out[ISCSI_BHS_LEN];
	CHECK_INT(iscsi_bhs_build(&ok, out), 0);
	ok = (struct iscsi_bhs){.opcode = ISCSI_OP_NOP_OUT, .data_len = ISCSI_DATA_LEN_MAX};
	CHECK_INT(iscsi_bhs_build(&ok, out), 0);
	CHECK_INT(get_be32(out + 4) & 0xffffff, ISCSI_DATA_LEN_MAX);
}

/* ---- parsing target PDUs -------------------------------------------------------------------- */

TEST(iscsi_pdu_parse_login_response)
{
	uint8_t b[ISCSI_BHS_LEN];
	/* T, CSG 1 -> NSG 3, version max 0 active 0, ISID, TSIH 0x0102, ITT 5, StatSN 0x10,
	 * ExpCmdSN 2, MaxCmdSN 0x81, success */
	hex("23 87 00 00 | 00 00 01 00 | 80 12 34 56 00 01 01 02 | 00 00 00 05 | 00000000 |"
	    "00 00 00 10 | 00 00 00 02 | 00 00 00 81 | 00 00 00 00 | 00000000 00000000",
	    b, sizeof(b));
	struct iscsi_bhs h;
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_LOGIN_RSP);
	CHECK(h.final && h.login.transit && !h.login.cont);
	CHECK_INT(h.login.csg, ISCSI_STAGE_OPERATIONAL);
	CHECK_INT(h.login.nsg, ISCSI_STAGE_FULL_FEATURE);
	CHECK_INT(h.login.version_max, 0);
	CHECK_INT(h.login.version_active, 0);
	static const uint8_t isid[6] = {0x80, 0x12, 0x34, 0x56, 0x00, 0x01};
	CHECK_MEM(h.login.isid, isid, 6);
	CHECK_INT(h.login.tsih, 0x0102);
	CHECK_INT(h.data_len, 0x100);
	CHECK_INT(h.itt, 5);
	CHECK_INT(h.stat_sn, 0x10);
	CHECK_INT(h.exp_cmd_sn, 2);
	CHECK_INT(h.max_cmd_sn, 0x81);
	CHECK_INT(h.login.status_class, 0);
	CHECK_INT(h.login.status_detail, 0);

	/* a failed login (target not found, 02/03) is decoded whatever its stage bits say */
	hex("23 c2 00 00 | 00 00 00 00 | 80 12 34 56 00 01 00 00 | 00 00 00 05 | 00000000 |"
	    "00 00 00 10 | 00 00 00 02 | 00 00 00 02 | 02 03 00 00 | 00000000 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.login.status_class, ISCSI_LOGIN_INITIATOR_ERROR);
	CHECK_INT(h.login.status_detail, 3);
}

TEST(iscsi_pdu_parse_scsi_response)
{
	uint8_t b[ISCSI_BHS_LEN];
	/* U set (underflow), response 0, CHECK CONDITION, 22 bytes of data (sense), SNACK tag 0,
	 * StatSN 7, ExpCmdSN 8, MaxCmdSN 0x27, ExpDataSN 1, bidi residual 0, residual 0x200 */
	hex("21 82 00 02 | 00 00 00 16 | 00000000 00000000 | 00 00 00 09 | 00000000 |"
	    "00 00 00 07 | 00 00 00 08 | 00 00 00 27 | 00 00 00 01 | 00000000 | 00 00 02 00",
	    b, sizeof(b));
	struct iscsi_bhs h;
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_SCSI_RSP);
	CHECK(h.scsi_rsp.underflow && !h.scsi_rsp.overflow);
	CHECK(!h.scsi_rsp.bidi_underflow && !h.scsi_rsp.bidi_overflow);
	CHECK_INT(h.scsi_rsp.response, 0);
	CHECK_INT(h.scsi_rsp.status, SCSI_STATUS_CHECK_CONDITION);
	CHECK_INT(h.data_len, 22);
	CHECK_INT(h.itt, 9);
	CHECK_INT(h.stat_sn, 7);
	CHECK_INT(h.exp_cmd_sn, 8);
	CHECK_INT(h.max_cmd_sn, 0x27);
	CHECK_INT(h.scsi_rsp.exp_data_sn, 1);
	CHECK_INT(h.scsi_rsp.residual, 0x200);

	/* o and O: bidirectional overflow flags */
	b[1] = 0x80 | 0x10 | 0x04;
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK(h.scsi_rsp.bidi_overflow && h.scsi_rsp.overflow);
	CHECK(!h.scsi_rsp.bidi_underflow && !h.scsi_rsp.underflow);
}

TEST(iscsi_pdu_parse_data_in)
{
	uint8_t b[ISCSI_BHS_LEN];
	/* F, A, O clear, U set, S set, status GOOD, 0x1000 bytes, LUN 1, ITT 3, TTT reserved,
	 * StatSN 4, ExpCmdSN 5, MaxCmdSN 6, DataSN 7, offset 0x3000, residual 0x10 */
	hex("25 c3 00 00 | 00 00 10 00 | 00 01 00 00 00 00 00 00 | 00 00 00 03 | ff ff ff ff |"
	    "00 00 00 04 | 00 00 00 05 | 00 00 00 06 | 00 00 00 07 | 00 00 30 00 | 00 00 00 10",
	    b, sizeof(b));
	struct iscsi_bhs h;
	REQUIRE(iscsi_bhs_parse(b, 0x1000, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_DATA_IN);
	CHECK(h.final && h.data.ack && h.data.status_present && h.data.underflow && !h.data.overflow);
	CHECK_INT(h.data.status, SCSI_STATUS_GOOD);
	CHECK_INT(h.data_len, 0x1000);
	CHECK_INT(h.lun[1], 1);
	CHECK_INT(h.itt, 3);
	CHECK_INT(h.ttt, ISCSI_RESERVED_TAG);
	CHECK_INT(h.stat_sn, 4);
	CHECK_INT(h.exp_cmd_sn, 5);
	CHECK_INT(h.max_cmd_sn, 6);
	CHECK_INT(h.data.data_sn, 7);
	CHECK_INT(h.data.buffer_offset, 0x3000);
	CHECK_INT(h.data.residual, 0x10);

	/* without S: no status, StatSN, O/U or residual, whatever the bytes hold */
	b[1] = 0x00 | 0x02; /* not final, U set but meaningless */
	b[3] = 0x02;
	REQUIRE(iscsi_bhs_parse(b, 0x1000, &h) == 0);
	CHECK(!h.final && !h.data.status_present && !h.data.underflow && !h.data.ack);
	CHECK_INT(h.data.status, 0);
	CHECK_INT(h.stat_sn, 0);
	CHECK_INT(h.data.residual, 0);
	CHECK_INT(h.exp_cmd_sn, 5);
	CHECK_INT(h.data.buffer_offset, 0x3000);
}

TEST(iscsi_pdu_parse_other_target_pdus)
{
	uint8_t b[ISCSI_BHS_LEN];
	struct iscsi_bhs h;

	/* R2T: LUN 1, ITT 3, TTT 0x44, StatSN 4, ExpCmdSN 5, MaxCmdSN 6, R2TSN 1, offset 0x10000,
	 * desired 0x40000 */
	hex("31 80 00 00 | 00 00 00 00 | 00 01 00 00 00 00 00 00 | 00 00 00 03 | 00 00 00 44 |"
	    "00 00 00 04 | 00 00 00 05 | 00 00 00 06 | 00 00 00 01 | 00 01 00 00 | 00 04 00 00",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_R2T);
	CHECK_INT(h.ttt, 0x44);
	CHECK_INT(h.stat_sn, 4);
	CHECK_INT(h.r2t.r2t_sn, 1);
	CHECK_INT(h.r2t.buffer_offset, 0x10000);
	CHECK_INT(h.r2t.desired_len, 0x40000);

	/* NOP-In ping from the target: ITT reserved, TTT set, LUN 2 */
	hex("20 80 00 00 | 00 00 00 00 | 00 02 00 00 00 00 00 00 | ff ff ff ff | 00 00 ab cd |"
	    "00 00 00 09 | 00 00 00 0a | 00 00 00 0b | 00000000 00000000 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_NOP_IN);
	CHECK_INT(h.itt, ISCSI_RESERVED_TAG);
	CHECK_INT(h.ttt, 0xabcd);
	CHECK_INT(h.lun[1], 2);
	CHECK_INT(h.stat_sn, 9);
	CHECK_INT(h.exp_cmd_sn, 10);
	CHECK_INT(h.max_cmd_sn, 11);

	/* Async Message: target requests logout, Parameter3 = 5 s (Time2Wait) */
	hex("32 80 00 00 | 00 00 00 00 | 00000000 00000000 | ff ff ff ff | 00000000 |"
	    "00 00 00 09 | 00 00 00 0a | 00 00 00 0b | 01 00 00 00 | 00 00 00 05 | 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_ASYNC);
	CHECK_INT(h.async.event, ISCSI_ASYNC_LOGOUT_REQUEST);
	CHECK_INT(h.async.vcode, 0);
	CHECK_INT(h.async.param1, 0);
	CHECK_INT(h.async.param2, 0);
	CHECK_INT(h.async.param3, 5);
	b[36] = 0xff;
	b[37] = 0x42;
	b[38] = 0x12;
	b[39] = 0x34;
	b[40] = 0x56;
	b[41] = 0x78;
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.async.event, ISCSI_ASYNC_VENDOR);
	CHECK_INT(h.async.vcode, 0x42);
	CHECK_INT(h.async.param1, 0x1234);
	CHECK_INT(h.async.param2, 0x5678);

	/* Reject: protocol error (0x04), 48 bytes of rejected header, DataSN/R2TSN 3 */
	hex("3f 80 04 00 | 00 00 00 30 | 00000000 00000000 | ff ff ff ff | 00000000 |"
	    "00 00 00 09 | 00 00 00 0a | 00 00 00 0b | 00 00 00 03 | 00000000 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_REJECT);
	CHECK_INT(h.reject.reason, 4);
	CHECK_INT(h.reject.data_sn, 3);
	CHECK_INT(h.data_len, 48);

	/* Logout Response: success, Time2Wait 2, Time2Retain 20 */
	hex("26 80 00 00 | 00 00 00 00 | 00000000 00000000 | 00 00 00 99 | 00000000 |"
	    "00 00 00 15 | 00 00 00 16 | 00 00 00 17 | 00000000 | 00 02 00 14 | 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_LOGOUT_RSP);
	CHECK_INT(h.logout_rsp.response, 0);
	CHECK_INT(h.logout_rsp.time2wait, 2);
	CHECK_INT(h.logout_rsp.time2retain, 20);
	CHECK_INT(h.stat_sn, 0x15);

	/* TMF Response: task does not exist (1) */
	hex("22 80 01 00 | 00 00 00 00 | 00000000 00000000 | 00 00 01 00 | 00000000 |"
	    "00 00 00 15 | 00 00 00 16 | 00 00 00 17 | 00000000 00000000 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_TMF_RSP);
	CHECK_INT(h.tmf_rsp.response, 1);
	CHECK_INT(h.itt, 0x100);

	/* Text Response, continued: C set, F clear, TTT 0x77 */
	hex("24 40 00 00 | 00 00 20 00 | 00000000 00000000 | 00 00 02 00 | 00 00 00 77 |"
	    "00 00 00 15 | 00 00 00 16 | 00 00 00 17 | 00000000 00000000 00000000",
	    b, sizeof(b));
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_TEXT_RSP);
	CHECK(h.text.cont && !h.final);
	CHECK_INT(h.ttt, 0x77);
	CHECK_INT(h.data_len, 8192);
}

TEST(iscsi_pdu_parse_ignores_reserved_bits)
{
	/* a NOP-In with every reserved bit and byte set still decodes its fields */
	uint8_t b[ISCSI_BHS_LEN];
	memset(b, 0xff, sizeof(b));
	b[0] = 0xc0 | ISCSI_OP_NOP_IN;
	b[4] = 0; /* TotalAHSLength */
	b[5] = 0; /* DataSegmentLength 4 */
	b[6] = 0;
	b[7] = 4;
	struct iscsi_bhs h;
	REQUIRE(iscsi_bhs_parse(b, 8192, &h) == 0);
	CHECK_INT(h.opcode, ISCSI_OP_NOP_IN);
	CHECK_INT(h.data_len, 4);
	CHECK_INT(h.ttt, 0xffffffff);
	CHECK_INT(h.flags, 0xff);
}

struct reject_case {
	const char *what;
	const char *bytes;
	uint32_t max;
	int rc;
};

static const struct reject_case reject_cases[] = {
	{"unassigned initiator opcode 0x07", "07 80 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_OPCODE},
	{"vendor initiator opcode 0x1c", "1c 80 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_OPCODE},
	{"unassigned target opcode 0x27", "27 80 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_OPCODE},
	{"unassigned target opcode 0x30", "30 80 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_OPCODE},
	{"vendor target opcode 0x3e", "3e 80 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_OPCODE},
	{"an AHS", "20 80 00 00 | 01 00 00 00", 8192, -WBE_ISCSI_PDU_AHS},
	{"an AHS on a Data-In", "25 80 00 00 | ff 00 00 00", 8192, -WBE_ISCSI_PDU_AHS},
	{"data segment one past the limit", "25 80 00 00 | 00 00 20 01", 8192, -WBE_ISCSI_PDU_TOO_LONG},
	{"data segment of 16 MiB - 1 against 256 KiB", "25 80 00 00 | 00 ff ff ff", 262144,
	 -WBE_ISCSI_PDU_TOO_LONG},
	{"any data with a limit of 0", "20 80 00 00 | 00 00 00 01", 0, -WBE_ISCSI_PDU_TOO_LONG},
	{"Login Response: T and C", "23 c1 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Response: CSG 2", "23 08 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Response: T to NSG 2", "23 82 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Response: T back to security", "23 84 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Response: T to the same stage", "23 85 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Response: T from full feature", "23 8f 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Login Request: T and C", "43 c1 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Text Response: F and C", "24 c0 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Text Request: F and C", "04 c0 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"SCSI Response: O and U", "21 86 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"SCSI Response: o and u", "21 98 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Data-In: S without F", "25 01 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Data-In: O and U with S", "25 87 00 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Data-In: offset + length past 4 GiB",
	 "25 00 00 00 | 00 00 00 02 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | ff ff ff ff | 00000000",
	 8192, -WBE_ISCSI_PDU_FIELD},
	{"Data-Out: offset + length past 4 GiB",
	 "05 80 00 00 | 00 00 10 00 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | ff ff f0 01 | 00000000",
	 8192, -WBE_ISCSI_PDU_FIELD},
	{"R2T: desired length 0",
	 "31 80 00 00 | 00 00 00 00 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | 00000000 | 00000000",
	 8192, -WBE_ISCSI_PDU_FIELD},
	{"R2T: offset + desired past 4 GiB",
	 "31 80 00 00 | 00 00 00 00 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | 80 00 00 00 | 80 00 00 01",
	 8192, -WBE_ISCSI_PDU_FIELD},
	{"R2T with data",
	 "31 80 00 00 | 00 00 00 04 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | 00000000 | 00 00 10 00",
	 8192, -WBE_ISCSI_PDU_FIELD},
	{"TMF Response with data", "22 80 00 00 | 00 00 00 04", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Logout Response with data", "26 80 00 00 | 00 00 00 01", 8192, -WBE_ISCSI_PDU_FIELD},
	{"TMF Request with data", "02 81 00 00 | 00 00 00 04", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Logout Request with data", "06 80 00 00 | 00 00 00 08", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Reject without a whole header", "3f 80 04 00 | 00 00 00 2f", 8192, -WBE_ISCSI_PDU_FIELD},
	{"Reject without data", "3f 80 04 00 | 00 00 00 00", 8192, -WBE_ISCSI_PDU_FIELD},
};

/* The same shapes, one step on the accepted side of each limit. */
static const struct reject_case accept_cases[] = {
	{"data segment at the limit", "25 80 00 00 | 00 00 20 00", 8192, 0},
	{"no data with a limit of 0", "20 80 00 00 | 00 00 00 00", 0, 0},
	{"Login Response: T security -> full feature", "23 83 00 00 | 00 00 00 00", 8192, 0},
	{"Login Response: C only", "23 44 00 00 | 00 00 00 00", 8192, 0},
	{"Login Response: neither, NSG bits ignored", "23 06 00 00 | 00 00 00 00", 8192, 0},
	{"Text Response: C only", "24 40 00 00 | 00 00 00 00", 8192, 0},
	{"SCSI Response: O and u", "21 8c 00 00 | 00 00 00 00", 8192, 0},
	{"Data-In: O and U without S (ignored)", "25 06 00 00 | 00 00 00 00", 8192, 0},
	{"Data-In: S with F", "25 81 00 00 | 00 00 00 00", 8192, 0},
	{"Data-In: last byte at 4 GiB - 1",
	 "25 00 00 00 | 00 00 00 01 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | ff ff ff ff | 00000000",
	 8192, 0},
	{"R2T: last byte at 4 GiB - 1",
	 "31 80 00 00 | 00 00 00 00 | 0000000000000000 | 00000000 | 00000000 | 00000000 00000000 00000000 |"
	 "00000000 | 80 00 00 00 | 80 00 00 00",
	 8192, 0},
	{"Reject with exactly a header", "3f 80 04 00 | 00 00 00 30", 8192, 0},
	{"SNACK Request", "10 81 00 00 | 00 00 00 00", 8192, 0},
};

static void run_reject_cases(const struct reject_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b[ISCSI_BHS_LEN] = {0};
		size_t len = 0;
		for (const char *p = cases[i].bytes; *p; p++)
			len += (*p != ' ' && *p != '|');
		hex(cases[i].bytes, b, len / 2);
		struct iscsi_bhs h;
		int rc = iscsi_bhs_parse(b, cases[i].max, &h);
		if (rc != cases[i].rc)
			test_fail(__FILE__, __LINE__, "%s: rc %d, expected %d", cases[i].what, rc, cases[i].rc);
	}
}

TEST(iscsi_pdu_parse_rejects)
{
	run_reject_cases(reject_cases, COUNT(reject_cases));
	run_reject_cases(accept_cases, COUNT(accept_cases));
}

TEST(iscsi_pdu_parse_every_opcode)
{
	/* the 64 opcodes: exactly the known ones parse (with a header that is otherwise valid
	 * for each: all zero but F, a login stage transition, a Reject's data, an R2T's length) */
	for (unsigned op = 0; op < 64; op++) {
		uint8_t b[ISCSI_BHS_LEN] = {0};
		b[0] = (uint8_t)op;
		b[1] = 0x80;
		if (op == ISCSI_OP_LOGIN_REQ || op == ISCSI_OP_LOGIN_RSP)
			b[1] = 0x81;
		if (op == ISCSI_OP_REJECT)
			b[7] = 48;
		if (op == ISCSI_OP_R2T)
			b[47] = 1;
		struct iscsi_bhs h;
		int rc = iscsi_bhs_parse(b, 8192, &h);
		bool known = op <= 0x06 || op == 0x10 || (op >= 0x20 && op <= 0x26) || op == 0x31 ||
			     op == 0x32 || op == 0x3f;
		if (rc != (known ? 0 : -WBE_ISCSI_PDU_OPCODE))
			test_fail(__FILE__, __LINE__, "opcode 0x%02x: rc %d", op, rc);
		if (known)
			CHECK_INT(h.opcode, op);
	}
}

/* ---- lengths, digests, data segment helpers --------------------------------------------- */

TEST(iscsi_pdu_lengths)
{
	static const struct {
		uint8_t ahs;
		uint32_t data_len;
		bool hd, dd;
		uint32_t total;
	} cases[] = {
		{0, 0, false, false, 48},
		{0, 0, true, true, 52}, /* no data: no data digest */
		{0, 0, false, true, 48},
		{0, 1, false, false, 52},
		{0, 1, true, true, 60},
		{0, 3, false, true, 56},
		{0, 4, false, false, 52},
		{0, 5, true, false, 60},
		{0, 8192, true, true, 48 + 4 + 8192 + 4},
		{0, 0xffffff, true, true, 48 + 4 + 0x1000000 + 4},
		{2, 6, true, true, 48 + 8 + 4 + 8 + 4},
		{255, 0, false, false, 48 + 1020},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		CHECK_INT(iscsi_pdu_len(cases[i].ahs, cases[i].data_len, cases[i].hd, cases[i].dd), cases[i].total);
	CHECK_INT(iscsi_pad_len(0), 0);
	CHECK_INT(iscsi_pad_len(1), 4);
	CHECK_INT(iscsi_pad_len(4), 4);
	CHECK_INT(iscsi_pad_len(0xfffffd), 0x1000000);
}

TEST(iscsi_pdu_digests)
{
	uint8_t four[4];
	iscsi_digest_put(four, 0x8a9136aa);
	static const uint8_t wire[4] = {0xaa, 0x36, 0x91, 0x8a}; /* RFC 3720 B.4 */
	CHECK_MEM(four, wire, 4);
	CHECK_INT(iscsi_digest_get(wire), 0x8a9136aa);

	/* the data digest covers the padding as zeros */
	static const uint8_t text[] = "iqn.2010-04.org.ipxe:x"; /* 22 bytes: 2 of padding */
	uint8_t padded[24] = {0};
	memcpy(padded, text, 22);
	CHECK_INT(iscsi_data_digest(text, 22), crc32c(padded, 24));
	CHECK_INT(iscsi_data_digest(text, 20), crc32c(text, 20));
	CHECK_INT(iscsi_data_digest(NULL, 0), 0);
	for (uint32_t n = 0; n <= 22; n++) {
		uint8_t tmp[24] = {0};
		memcpy(tmp, text, n);
		CHECK_INT(iscsi_data_digest(text, n), crc32c(tmp, iscsi_pad_len(n)));
	}
}

TEST(iscsi_pdu_sense_segment)
{
	/* SenseLength 18, fixed-format sense, then 2 bytes of response data */
	uint8_t seg[22] = {0x00, 0x12, 0x70, 0x00, 0x05};
	seg[20] = 0xaa;
	seg[21] = 0xbb;
	const uint8_t *sense;
	size_t n;
	REQUIRE(iscsi_sense_segment(seg, sizeof(seg), &sense, &n) == 0);
	CHECK(sense == seg + 2);
	CHECK_INT(n, 18);
	/* every truncation: the whole sense must be there */
	for (size_t len = 0; len < sizeof(seg); len++) {
		int rc = iscsi_sense_segment(seg, len, &sense, &n);
		int expect = len == 0 || len >= 20 ? 0 : -WBE_ISCSI_PDU_DATA;
		if (rc != expect)
			test_fail(__FILE__, __LINE__, "length %zu: rc %d", len, rc);
		if (rc == 0 && len == 0)
			CHECK(sense == NULL && n == 0);
		if (rc < 0)
			CHECK(sense == NULL && n == 0);
	}
	/* SenseLength 0: no sense */
	uint8_t none[4] = {0, 0, 1, 2};
	REQUIRE(iscsi_sense_segment(none, 4, &sense, &n) == 0);
	CHECK(sense == NULL && n == 0);
	CHECK_INT(iscsi_sense_segment(NULL, 0, &sense, &n), 0);
	/* SenseLength 0xffff against 4 bytes */
	uint8_t huge[4] = {0xff, 0xff, 0, 0};
	CHECK_INT(iscsi_sense_segment(huge, 4, &sense, &n), -WBE_ISCSI_PDU_DATA);
}

TEST(iscsi_pdu_reject_header)
{
	struct iscsi_bhs cmd = {.opcode = ISCSI_OP_SCSI_CMD, .final = true, .itt = 0x1234,
				.cmd_sn = 5, .scsi_cmd = {.read = true, .edtl = 512}};
	uint8_t data[ISCSI_BHS_LEN + 4];
	REQUIRE(iscsi_bhs_build(&cmd, data) == 0);
	data[4] = 3; /* an AHS: invalid, yet the rejected header still decodes */
	struct iscsi_bhs out;
	for (size_t len = 0; len < ISCSI_BHS_LEN; len++)
		CHECK_INT(iscsi_reject_header(data, len, &out), -WBE_ISCSI_PDU_DATA);
	CHECK_INT(iscsi_reject_header(NULL, 0, &out), -WBE_ISCSI_PDU_DATA);
	REQUIRE(iscsi_reject_header(data, sizeof(data), &out) == 0);
	CHECK_INT(out.opcode, ISCSI_OP_SCSI_CMD);
	CHECK_INT(out.itt, 0x1234);
	CHECK_INT(out.cmd_sn, 5);
	CHECK_INT(out.total_ahs_len, 3);
	/* even an unknown opcode */
	data[0] = 0x1d;
	REQUIRE(iscsi_reject_header(data, ISCSI_BHS_LEN, &out) == 0);
	CHECK_INT(out.opcode, 0x1d);
	CHECK_INT(out.itt, 0x1234);
}

/* ---- framer ---------------------------------------------------------------------------- */

struct stream {
	uint8_t *bytes;
	size_t len;
	/* what the framer must report */
	int npdus;
	uint32_t itt[16], data_len[16];
	size_t data_at[16]; /* where each PDU's data starts in bytes */
};

/* Appends a Data-In (or NOP-In when @data_len is 0) with @data_len bytes of data. */
static void add_pdu(struct stream *s, uint32_t itt, uint32_t data_len, bool hd, bool dd)
{
	uint8_t *p = s->bytes + s->len;
	memset(p, 0, ISCSI_BHS_LEN);
	p[0] = data_len ? ISCSI_OP_DATA_IN : ISCSI_OP_NOP_IN;
	p[1] = 0x80;
	p[5] = (uint8_t)(data_len >> 16);
	p[6] = (uint8_t)(data_len >> 8);
	p[7] = (uint8_t)data_len;
	put_be32(p + 16, itt);
	size_t at = ISCSI_BHS_LEN;
	if (hd) {
		iscsi_digest_put(p + at, crc32c(p, ISCSI_BHS_LEN));
		at += 4;
	}
	s->data_at[s->npdus] = s->len + at;
	for (uint32_t i = 0; i < data_len; i++)
		p[at + i] = (uint8_t)(itt * 31 + i * 7);
	memset(p + at + data_len, 0, iscsi_pad_len(data_len) - data_len);
	if (dd && data_len) {
		iscsi_digest_put(p + at + iscsi_pad_len(data_len), iscsi_data_digest(p + at, data_len));
	}
	s->itt[s->npdus] = itt;
	s->data_len[s->npdus] = data_len;
	s->npdus++;
	s->len += iscsi_pdu_len(0, data_len, hd, dd);
}

static void make_stream(struct stream *s, bool hd, bool dd)
{
	static const uint32_t lens[] = {0, 1, 2, 3, 4, 5, 0, 517, 8, 0};
	s->bytes = malloc(8192);
	s->len = 0;
	s->npdus = 0;
	for (size_t i = 0; i < COUNT(lens); i++)
		add_pdu(s, (uint32_t)(100 + i), lens[i], hd, dd);
}

/*
 * Feeds @s in chunks of the sizes @next_chunk() gives, checking every event against what
 * was put into the stream; returns false (after reporting) on the first mismatch.
 */
static bool feed_and_check(const struct stream *s, bool hd, bool dd, size_t (*next_chunk)(size_t), const char *how)
{
	struct iscsi_framer f;
	iscsi_framer_init(&f, 4096);
	f.header_digest = hd;
	f.data_digest = dd;
	int pdu = -1;
	bool in_pdu = false;
	uint32_t data_seen = 0;
	size_t off = 0;
	size_t step = 0;
	while (off < s->len) {
		size_t chunk = next_chunk(step++);
		if (chunk > s->len - off)
			chunk = s->len - off;
		const uint8_t *in = s->bytes + off;
		size_t left = chunk;
		for (;;) {
			struct iscsi_frame fr;
			int ev = iscsi_framer_feed(&f, left ? in : NULL, left, &fr);
			if (ev < 0 || fr.consumed > left) {
				test_fail(__FILE__, __LINE__, "%s: rc %d at offset %zu", how, ev, off);
				return false;
			}
			if (ev == ISCSI_FRAME_NEED_MORE) {
				if (fr.consumed != left) {
					test_fail(__FILE__, __LINE__, "%s: NEED_MORE left input", how);
					return false;
				}
				off += left;
				break;
			}
			if (ev == ISCSI_FRAME_HEADER) {
				if (in_pdu || ++pdu >= s->npdus || fr.bhs->itt != s->itt[pdu] ||
				    fr.bhs->data_len != s->data_len[pdu]) {
					test_fail(__FILE__, __LINE__, "%s: unexpected header at %zu", how, off);
					return false;
				}
				in_pdu = true;
				data_seen = 0;
			} else if (ev == ISCSI_FRAME_DATA) {
				/* the piece is the caller's own input, at the right place of the stream */
				if (!in_pdu || fr.data != in || fr.data_offset != data_seen || fr.data_len == 0 ||
				    fr.data_len != fr.consumed ||
				    (size_t)(fr.data - s->bytes) != s->data_at[pdu] + fr.data_offset) {
					test_fail(__FILE__, __LINE__, "%s: bad data piece at %zu", how, off);
					return false;
				}
				data_seen += fr.data_len;
			} else if (ev == ISCSI_FRAME_END) {
				if (!in_pdu || data_seen != s->data_len[pdu]) {
					test_fail(__FILE__, __LINE__, "%s: early END at %zu", how, off);
					return false;
				}
				in_pdu = false;
			}
			in += fr.consumed;
			left -= fr.consumed;
			off += fr.consumed;
		}
	}
	if (pdu != s->npdus - 1 || in_pdu) {
		test_fail(__FILE__, __LINE__, "%s: %d PDUs seen, %d sent", how, pdu + 1, s->npdus);
		return false;
	}
	return true;
}

static size_t chunk_size;
static size_t fixed_chunk(size_t step)
{
	(void)step;
	return chunk_size;
}

static size_t random_chunk(size_t step)
{
	/* deterministic, mixing 0-byte, tiny and large pieces */
	uint32_t x = (uint32_t)step * 2654435761u ^ (uint32_t)chunk_size;
	x ^= x >> 13;
	x *= 0x5bd1e995;
	x ^= x >> 15;
	switch (x % 4) {
	case 0:
		return 0;
	case 1:
		return x % 4;
	case 2:
		return x % 64;
	default:
		return x % 1500;
	}
}

TEST(iscsi_pdu_framer_every_split)
{
	for (int mode = 0; mode < 4; mode++) {
		bool hd = mode & 1, dd = mode & 2;
		struct stream s;
		make_stream(&s, hd, dd);
		REQUIRE(s.bytes != NULL);
		char how[64];
		for (chunk_size = 1; chunk_size <= s.len; chunk_size++) {
			snprintf(how, sizeof(how), "hd %d dd %d chunk %zu", hd, dd, chunk_size);
			if (!feed_and_check(&s, hd, dd, fixed_chunk, how))
				break;
		}
		for (chunk_size = 0; chunk_size < 200; chunk_size++) {
			snprintf(how, sizeof(how), "hd %d dd %d random seed %zu", hd, dd, chunk_size);
			if (!feed_and_check(&s, hd, dd, random_chunk, how))
				break;
		}
		free(s.bytes);
	}
}

TEST(iscsi_pdu_framer_end_needs_no_bytes)
{
	/* a data-less PDU: HEADER, then END from a call with nothing to give */
	struct stream s;
	s.bytes = malloc(256);
	REQUIRE(s.bytes != NULL);
	s.len = 0;
	s.npdus = 0;
	add_pdu(&s, 1, 0, false, false);
	struct iscsi_framer f;
	struct iscsi_frame fr;
	iscsi_framer_init(&f, 8192);
	CHECK_INT(iscsi_framer_feed(&f, s.bytes, s.len, &fr), ISCSI_FRAME_HEADER);
	CHECK_INT(fr.consumed, 48);
	CHECK_INT(iscsi_framer_feed(&f, NULL, 0, &fr), ISCSI_FRAME_END);
	CHECK_INT(fr.consumed, 0);
	CHECK_INT(iscsi_framer_feed(&f, NULL, 0, &fr), ISCSI_FRAME_NEED_MORE);
	free(s.bytes);
}

TEST(iscsi_pdu_framer_header_digest_error_is_sticky)
{
	struct stream s;
	s.bytes = malloc(512);
	REQUIRE(s.bytes != NULL);
	s.len = 0;
	s.npdus = 0;
	add_pdu(&s, 1, 4, true, false);
	add_pdu(&s, 2, 0, true, false);
	s.bytes[20] ^= 0x01; /* a bit flipped in the TTT of the first header */
	struct iscsi_framer f;
	struct iscsi_frame fr;
	iscsi_framer_init(&f, 8192);
	f.header_digest = true;
	CHECK_INT(iscsi_framer_feed(&f, s.bytes, 51, &fr), ISCSI_FRAME_NEED_MORE);
	CHECK_INT(iscsi_framer_feed(&f, s.bytes + 51, s.len - 51, &fr), -WBE_ISCSI_HEADER_DIGEST);
	CHECK_INT(fr.consumed, 0);
	CHECK_INT(iscsi_framer_feed(&f, s.bytes + 52, s.len - 52, &fr), -WBE_ISCSI_HEADER_DIGEST);
	/* a bad digest (rather than header) is caught the same way */
	s.bytes[20] ^= 0x01;
	s.bytes[50] ^= 0x80;
	iscsi_framer_init(&f, 8192);
	f.header_digest = true;
	CHECK_INT(iscsi_framer_feed(&f, s.bytes, s.len, &fr), -WBE_ISCSI_HEADER_DIGEST);
	free(s.bytes);
}

TEST(iscsi_pdu_framer_data_digest_error_keeps_framing)
{
	struct stream s;
	s.bytes = malloc(512);
	REQUIRE(s.bytes != NULL);
	s.len = 0;
	s.npdus = 0;
	add_pdu(&s, 1, 6, false, true);
	add_pdu(&s, 2, 3, false, true);
	struct iscsi_framer f;
	struct iscsi_frame fr;

	/* a flipped data bit, then a flipped padding bit: each fails its PDU, not the next */
	for (int which = 0; which < 2; which++) {
		size_t bit_at = which == 0 ? 48 + 2 : 48 + 7;
		s.bytes[bit_at] ^= 0x10;
		iscsi_framer_init(&f, 8192);
		f.data_digest = true;
		const uint8_t *p = s.bytes;
		size_t left = s.len;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), ISCSI_FRAME_HEADER);
		p += fr.consumed, left -= fr.consumed;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), ISCSI_FRAME_DATA);
		CHECK_INT(fr.data_len, 6);
		p += fr.consumed, left -= fr.consumed;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), -WBE_ISCSI_DATA_DIGEST);
		CHECK_INT(fr.consumed, 2 + 4);
		p += fr.consumed, left -= fr.consumed;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), ISCSI_FRAME_HEADER);
		CHECK_INT(fr.bhs->itt, 2);
		p += fr.consumed, left -= fr.consumed;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), ISCSI_FRAME_DATA);
		p += fr.consumed, left -= fr.consumed;
		CHECK_INT(iscsi_framer_feed(&f, p, left, &fr), ISCSI_FRAME_END);
		CHECK_INT(left, fr.consumed);
		s.bytes[bit_at] ^= 0x10;
	}
	free(s.bytes);
}

TEST(iscsi_pdu_framer_header_errors_are_sticky)
{
	uint8_t b[ISCSI_BHS_LEN + 8] = {ISCSI_OP_DATA_IN, 0x80};
	b[6] = 0x20; /* 8192 bytes */
	b[7] = 0x01; /* + 1 */
	struct iscsi_framer f;
	struct iscsi_frame fr;
	iscsi_framer_init(&f, 8192);
	CHECK_INT(iscsi_framer_feed(&f, b, sizeof(b), &fr), -WBE_ISCSI_PDU_TOO_LONG);
	CHECK_INT(fr.consumed, 0);
	CHECK_INT(iscsi_framer_feed(&f, b, sizeof(b), &fr), -WBE_ISCSI_PDU_TOO_LONG);
	/* raising the limit between PDUs is how a caller applies its MaxRecvDataSegmentLength */
	iscsi_framer_init(&f, 8192);
	f.max_data_len = 8193;
	CHECK_INT(iscsi_framer_feed(&f, b, sizeof(b), &fr), ISCSI_FRAME_HEADER);

	uint8_t unknown[ISCSI_BHS_LEN] = {0x3c};
	iscsi_framer_init(&f, 8192);
	CHECK_INT(iscsi_framer_feed(&f, unknown, sizeof(unknown), &fr), -WBE_ISCSI_PDU_OPCODE);
	CHECK_INT(iscsi_framer_feed(&f, NULL, 0, &fr), -WBE_ISCSI_PDU_OPCODE);
}

TEST(iscsi_pdu_framer_digests_switched_on_after_login)
{
	/* the last Login Response goes without digests, the next PDU comes with both */
	struct stream s;
	s.bytes = malloc(512);
	REQUIRE(s.bytes != NULL);
	s.len = 0;
	s.npdus = 0;
	add_pdu(&s, 1, 5, false, false);
	size_t second = s.len;
	add_pdu(&s, 2, 5, true, true);
	struct iscsi_framer f;
	struct iscsi_frame fr;
	iscsi_framer_init(&f, 8192);
	size_t off = 0;
	int ends = 0;
	while (off < s.len) {
		int ev = iscsi_framer_feed(&f, s.bytes + off, s.len - off, &fr);
		REQUIRE(ev > 0);
		off += fr.consumed;
		if (ev == ISCSI_FRAME_END && ++ends == 1) {
			CHECK_INT(off, second);
			f.header_digest = f.data_digest = true;
		}
	}
	CHECK_INT(ends, 2);
	free(s.bytes);
}
