/*
 * iscsi_pdu_fuzz.c - libFuzzer harness for wireboot/iscsi_pdu.h: the framer and the BHS codec.
 *
 * Input: byte 0 chooses the framer settings (bit 0 header digest, bit 1 data digest, bits 2-3
 * MaxRecvDataSegmentLength of 0, 48, 8192 or 2^24 - 1), bytes 1..4 seed the chunk sizes, the
 * rest is the received stream. The stream is fed in chunks of pseudo-random sizes (0 included),
 * each copied to its own exact-size allocation so that any read beyond a chunk is caught.
 * Invariants checked, beyond the sanitizers':
 *  - a call consumes at most what it was given, all of it on NEED_MORE, and nothing after a
 *    sticky error, which repeats on every later call;
 *  - every header reported is the stream's bytes at the PDU's start parsed again, with no AHS
 *    and a data length within the limit; with header digests, its digest matched;
 *  - data pieces point into the chunk, in order, and hold the stream's bytes at their place;
 *    a PDU ends (or fails its data digest, which must then really mismatch) after exactly
 *    iscsi_pdu_len() bytes;
 *  - every header of an initiator opcode rebuilds to a BHS that parses to the same fields and
 *    rebuilds identically; every data segment goes through iscsi_sense_segment() and, for a
 *    Reject, iscsi_reject_header() within its bounds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wireboot/crc32c.h"
#include "wireboot/errors.h"
#include "wireboot/iscsi_pdu.h"

#include "fuzz.h"

static const uint32_t max_choices[4] = {0, 48, 8192, ISCSI_DATA_LEN_MAX};

/* Fields that a rebuilt initiator BHS must reproduce: all but those the builder forces (F of
 * NOP-Out, TMF and Logout; I of Login and Data-Out) or leaves reserved (a Logout's LUN). */
static void check_same_fields(const struct iscsi_bhs *a, const struct iscsi_bhs *b)
{
	uint8_t op = a->opcode;
	ENSURE(op == b->opcode);
	if (op != ISCSI_OP_LOGIN_REQ && op != ISCSI_OP_DATA_OUT)
		ENSURE(a->immediate == b->immediate);
	if (op != ISCSI_OP_NOP_OUT && op != ISCSI_OP_TMF_REQ && op != ISCSI_OP_LOGOUT_REQ)
		ENSURE(a->final == b->final);
	if (op != ISCSI_OP_LOGOUT_REQ)
		ENSURE(memcmp(a->lun, b->lun, 8) == 0);
	ENSURE(a->data_len == b->data_len && a->itt == b->itt && a->ttt == b->ttt);
	ENSURE(a->cmd_sn == b->cmd_sn && a->exp_stat_sn == b->exp_stat_sn);
}

static bool is_buildable(uint8_t opcode)
{
	return opcode <= ISCSI_OP_LOGOUT_REQ;
}

static void check_header(const uint8_t *raw, const struct iscsi_bhs *bhs, uint32_t max, bool hd)
{
	struct iscsi_bhs again;
	ENSURE(iscsi_bhs_parse(raw, max, &again) == 0);
	ENSURE(again.opcode == bhs->opcode && again.data_len == bhs->data_len && again.itt == bhs->itt);
	ENSURE(bhs->total_ahs_len == 0 && bhs->data_len <= max);
	if (hd)
		ENSURE(crc32c(raw, ISCSI_BHS_LEN) == iscsi_digest_get(raw + ISCSI_BHS_LEN));

	if (!is_buildable(bhs->opcode))
		return;
	/* parse -> build -> parse gives the same fields, and a second build the same bytes */
	uint8_t built[ISCSI_BHS_LEN], rebuilt[ISCSI_BHS_LEN];
	struct iscsi_bhs back;
	ENSURE(iscsi_bhs_build(bhs, built) == 0);
	ENSURE(iscsi_bhs_parse(built, ISCSI_DATA_LEN_MAX, &back) == 0);
	check_same_fields(bhs, &back);
	ENSURE(iscsi_bhs_build(&back, rebuilt) == 0);
	ENSURE(memcmp(built, rebuilt, ISCSI_BHS_LEN) == 0);
}

static void check_data_segment(const struct iscsi_bhs *bhs, const uint8_t *seg, size_t len)
{
	const uint8_t *sense;
	size_t sense_len;
	int rc = iscsi_sense_segment(seg, len, &sense, &sense_len);
	ENSURE(rc == 0 || rc == -WBE_ISCSI_PDU_DATA);
	if (rc == 0 && sense)
		ENSURE(sense == seg + 2 && sense_len <= len - 2 && sense_len > 0);
	else
		ENSURE(!sense && sense_len == 0);
	if (bhs->opcode == ISCSI_OP_REJECT) {
		struct iscsi_bhs rejected;
		/* a Reject that parsed carries at least a whole header */
		ENSURE(iscsi_reject_header(seg, len, &rejected) == 0);
	}
}

static uint32_t next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static size_t chunk_size(uint32_t *state, size_t left)
{
	uint32_t r = next_random(state);
	size_t n;
	switch (r & 3) {
	case 0:
		n = 0;
		break;
	case 1:
		n = (r >> 2) % 4;
		break;
	case 2:
		n = (r >> 2) % 64;
		break;
	default:
		n = (r >> 2) % 4096;
		break;
	}
	return n < left ? n : left;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	bool hd = data[0] & 1, dd = data[0] & 2;
	uint32_t max = max_choices[(data[0] >> 2) & 3];
	uint32_t state = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4];
	if (!state)
		state = 0x9e3779b9;
	const uint8_t *stream = data + 5;
	size_t len = size - 5;

	struct iscsi_framer f;
	iscsi_framer_init(&f, max);
	f.header_digest = hd;
	f.data_digest = dd;

	size_t off = 0;        /* stream bytes consumed */
	size_t pdu_start = 0;  /* stream offset of the current PDU */
	bool in_pdu = false;
	uint32_t seen = 0;     /* data bytes of the current PDU reported */
	uint8_t *segment = NULL; /* the current data segment, reassembled */
	int sticky = 0;
	size_t header_len = ISCSI_BHS_LEN + (hd ? ISCSI_DIGEST_LEN : 0);
	int rounds = 0;

	while (off < len && !sticky) {
		size_t n = chunk_size(&state, len - off);
		/* guarantee progress: long runs of empty chunks only waste time */
		if (n == 0 && ++rounds % 8 == 0)
			n = 1;
		uint8_t *chunk = malloc(n ? n : 1);
		ENSURE(chunk != NULL);
		memcpy(chunk, stream + off, n);
		size_t used = 0;
		for (;;) {
			struct iscsi_frame fr;
			int ev = iscsi_framer_feed(&f, n ? chunk + used : NULL, n - used, &fr);
			ENSURE(fr.consumed <= n - used);
			ENSURE(fr.bhs == &f.bhs);
			if (ev < 0 && ev != -WBE_ISCSI_DATA_DIGEST) {
				ENSURE(fr.consumed == 0);
				sticky = ev;
				struct iscsi_frame again;
				ENSURE(iscsi_framer_feed(&f, chunk, n, &again) == ev && again.consumed == 0);
				break;
			}
			if (ev == ISCSI_FRAME_NEED_MORE) {
				ENSURE(fr.consumed == n - used);
				used = n;
				break;
			}
			size_t here = off + used; /* stream offset of this event's first byte */
			if (ev == ISCSI_FRAME_HEADER) {
				ENSURE(!in_pdu);
				ENSURE(here + fr.consumed == pdu_start + header_len);
				check_header(stream + pdu_start, fr.bhs, max, hd);
				in_pdu = true;
				seen = 0;
				segment = malloc(fr.bhs->data_len ? fr.bhs->data_len : 1);
				ENSURE(segment != NULL);
			} else if (ev == ISCSI_FRAME_DATA) {
				ENSURE(in_pdu && fr.data == chunk + used && fr.data_len == fr.consumed);
				ENSURE(fr.data_len > 0 && fr.data_offset == seen);
				ENSURE(seen + fr.data_len <= fr.bhs->data_len);
				ENSURE(here == pdu_start + header_len + fr.data_offset);
				ENSURE(memcmp(fr.data, stream + here, fr.data_len) == 0);
				memcpy(segment + seen, fr.data, fr.data_len);
				seen += fr.data_len;
			} else {
				/* END or a data digest error: the PDU's bytes are all in */
				ENSURE(in_pdu && seen == f.bhs.data_len);
				size_t pdu_len = iscsi_pdu_len(0, f.bhs.data_len, hd, dd);
				ENSURE(here + fr.consumed == pdu_start + pdu_len);
				const uint8_t *wire_data = stream + pdu_start + header_len;
				if (dd && f.bhs.data_len) {
					uint32_t crc = crc32c(wire_data, iscsi_pad_len(f.bhs.data_len));
					uint32_t sent = iscsi_digest_get(wire_data + iscsi_pad_len(f.bhs.data_len));
					ENSURE((ev == ISCSI_FRAME_END) == (crc == sent));
				} else {
					ENSURE(ev == ISCSI_FRAME_END);
				}
				check_data_segment(&f.bhs, segment, seen);
				free(segment);
				segment = NULL;
				in_pdu = false;
				pdu_start += pdu_len;
			}
			used += fr.consumed;
		}
		free(chunk);
		off += used;
	}
	free(segment);
	return 0;
}
