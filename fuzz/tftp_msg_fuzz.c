/*
 * tftp_msg_fuzz.c - libFuzzer harness for the TFTP codec (wireboot/tftp_msg.h) and the
 * transfer engine on top of it (wireboot/tftp.h).
 *
 * Input: byte 0 chooses the options asked for (bit 0 blksize 1468, bit 1 tsize, bit 2
 * windowsize 8); the rest is a sequence of packets, each a 2-byte big-endian length, then one
 * byte: bit 0 the source port (the first server port or another), bit 1 a timeout before
 * it; then the packet. Every packet is also given to tftp_parse() and, as option bytes, to
 * tftp_parse_oack().
 * Invariants: the sink gets the file in order without gaps and never more than a block
 * at once; every packet the engine sends fits a request and is a well-formed RRQ, ACK or
 * NUL-terminated ERROR; an accepted OACK has values within what was asked.
 */
#include <stdint.h>
#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/tftp.h"

#include "fuzz.h"

static void check_sent(const struct tftp_action *act)
{
	if (!act->send)
		return;
	ENSURE(act->send_len >= 4 && act->send_len <= TFTP_REQUEST_MAX);
	uint16_t op = get_be16(act->send);
	ENSURE(op == TFTP_OP_RRQ || op == TFTP_OP_ACK || op == TFTP_OP_ERROR);
	if (op == TFTP_OP_ACK)
		ENSURE(act->send_len == 4);
	else
		ENSURE(act->send[act->send_len - 1] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct tftp_options asked = {data[0] & 1 ? 1468 : 0, data[0] & 4 ? 8 : 0, (data[0] & 2) != 0};
	struct tftp_xfer x;
	struct tftp_action act;
	if (tftp_xfer_start(&x, "boot.efi", TFTP_PORT, &asked, &act) != 0)
		abort();
	check_sent(&act);
	uint64_t next = 0;
	size_t pos = 1;
	while (pos + 3 <= size) {
		size_t len = get_be16(data + pos);
		uint8_t flags = data[pos + 2];
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		const uint8_t *pkt = data + pos;
		pos += len;

		struct tftp_packet p;
		if (tftp_parse(pkt, len, &p) == 0)
			ENSURE(p.opcode == TFTP_OP_DATA || p.opcode == TFTP_OP_ERROR || p.opcode == TFTP_OP_OACK);
		struct tftp_oack o;
		if (tftp_parse_oack(pkt, len, &asked, &o) == 0) {
			ENSURE(o.blksize >= TFTP_BLKSIZE_MIN && o.blksize <= (asked.blksize ? asked.blksize : 512));
			ENSURE(o.windowsize >= 1 && o.windowsize <= (asked.windowsize ? asked.windowsize : 1));
			ENSURE(!o.has_tsize || asked.tsize);
		}

		if (flags & 2) {
			tftp_xfer_timeout(&x, &act);
			check_sent(&act);
		}
		tftp_xfer_rx(&x, flags & 1 ? 50001 : 50000, pkt, len, &act);
		check_sent(&act);
		if (act.len) {
			ENSURE(act.offset == next && act.len <= x.blksize);
			ENSURE(act.data >= pkt && act.data + act.len <= pkt + len);
			next += act.len;
		}
		ENSURE(x.offset == next);
	}
	return 0;
}
