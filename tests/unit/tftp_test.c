/*
 * tftp_test.c - tests for the TFTP transfer engine of wireboot/tftp.h, driven without a
 * network: a scripted server hands it packets (with their source port) and timeouts, and
 * every action is checked: bytes for the sink, the packet to send and where, the end.
 */
#include "wireboot/tftp.h"

#include "test.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"

#define SERVER 69
#define TID 40000
#define OTHER 40001

static struct tftp_action act;

static void rx(struct tftp_xfer *x, uint16_t port, const void *msg, size_t len)
{
	tftp_xfer_rx(x, port, msg, len, &act);
}

/* DATA @block with @len bytes of value (uint8_t)@block. */
static void data(struct tftp_xfer *x, uint16_t port, uint16_t block, size_t len)
{
	static uint8_t pkt[TFTP_HEADER_LEN + 1500]; /* act.data points into it after the call */
	put_be16(pkt, TFTP_OP_DATA);
	put_be16(pkt + 2, block);
	memset(pkt + 4, (uint8_t)block, len);
	rx(x, port, pkt, TFTP_HEADER_LEN + len);
}

#define OACK(x, port, s) rx(x, port, "\0\6" s, sizeof("\0\6" s) - 1)

/* The action sends an ACK of @block to @port. */
static bool acks(uint16_t block, uint16_t port)
{
	return act.send && act.send_len == 4 && get_be16(act.send) == TFTP_OP_ACK && get_be16(act.send + 2) == block &&
	       act.send_port == port;
}

/* The action sends an ERROR with @code to @port. */
static bool errors(uint16_t code, uint16_t port)
{
	return act.send && act.send_len >= 5 && get_be16(act.send) == TFTP_OP_ERROR &&
	       get_be16(act.send + 2) == code && act.send_port == port && act.send[act.send_len - 1] == 0;
}

static const struct tftp_options opts16 = {16, 4, true};

/* Started, OACK'd by TID with blksize 16, windowsize @w (1 or more), tsize @tsize. */
static void start_oack(struct tftp_xfer *x, const char *oack, size_t len)
{
	CHECK_INT(tftp_xfer_start(x, "boot.efi", SERVER, &opts16, &act), 0);
	CHECK(act.send && act.send_port == SERVER && get_be16(act.send) == TFTP_OP_RRQ);
	rx(x, TID, oack, len);
	CHECK(acks(0, TID));
	CHECK_INT(x->state, TFTP_TRANSFERRING);
}
#define START(x, s) start_oack(x, "\0\6" s, sizeof("\0\6" s) - 1)

TEST(tftp_oack_then_lockstep)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "boot.efi", SERVER, &opts16, &act), 0);
	static const char rrq[] = "\0\1boot.efi\0octet\0blksize\0" "16\0tsize\0" "0\0windowsize\0" "4";
	CHECK_INT(act.send_len, sizeof(rrq));
	CHECK_MEM(act.send, rrq, sizeof(rrq));
	OACK(&x, TID, "blksize\0" "16\0tsize\0" "40\0");
	CHECK(act.announce && act.tsize == 40 && act.progress);
	CHECK(acks(0, TID));
	CHECK_INT(x.windowsize, 1); /* not in the OACK: lock-step */
	data(&x, TID, 1, 16);
	CHECK(act.len == 16 && act.offset == 0 && act.data[0] == 1 && act.progress && !act.finished);
	CHECK(acks(1, TID));
	data(&x, TID, 2, 16);
	CHECK(act.len == 16 && act.offset == 16 && acks(2, TID));
	data(&x, TID, 3, 8);
	CHECK(act.len == 8 && act.offset == 32 && acks(3, TID) && act.finished);
	CHECK_INT(x.state, TFTP_FINISHED);
	CHECK_INT(x.rc, 0);
	/* nothing happens after the end */
	data(&x, TID, 3, 8);
	CHECK(!act.send && !act.len && !act.finished);
}

TEST(tftp_exact_multiple_ends_with_empty_block)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	data(&x, TID, 1, 16);
	data(&x, TID, 2, 0);
	CHECK(act.len == 0 && act.finished && acks(2, TID));
	CHECK_INT(x.rc, 0);
	CHECK_INT(x.offset, 16);
}

TEST(tftp_other_tid_gets_error_5)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	OACK(&x, OTHER, "blksize\0" "16\0"); /* a second transfer (our RRQ was retransmitted) */
	CHECK(errors(TFTP_ERR_UNKNOWN_TID, OTHER));
	data(&x, OTHER, 1, 16);
	CHECK(errors(TFTP_ERR_UNKNOWN_TID, OTHER) && !act.len);
	rx(&x, OTHER, "\0\5\0\5x\0", 6); /* an ERROR is never answered */
	CHECK(!act.send && !act.finished);
	/* the real transfer goes on, and its retransmission is still the ACK */
	data(&x, TID, 1, 16);
	CHECK(act.len == 16 && acks(1, TID));
	tftp_xfer_timeout(&x, &act);
	CHECK(acks(1, TID));
}

TEST(tftp_duplicates_are_acked_not_rewritten)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	data(&x, TID, 1, 16);
	data(&x, TID, 2, 16);
	data(&x, TID, 2, 16); /* our ACK 2 was lost: the server resent block 2 */
	CHECK(!act.len && acks(2, TID) && !act.progress);
	data(&x, TID, 1, 16); /* older: ignored */
	CHECK(!act.len && !act.send);
	OACK(&x, TID, "blksize\0" "16\0"); /* a stale OACK */
	CHECK(!act.send && !act.finished);
	data(&x, TID, 3, 1);
	CHECK(act.offset == 32 && act.finished && x.rc == 0);
}

TEST(tftp_repeated_oack_is_acked_again)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	OACK(&x, TID, "blksize\0" "16\0");
	CHECK(acks(0, TID) && !act.announce);
}

TEST(tftp_server_ignoring_options)
{
	/* RFC 2347: DATA 1 answers the request: 512-byte blocks, lock-step, no size */
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	data(&x, TID, 1, 512);
	CHECK(act.len == 512 && !act.announce && acks(1, TID));
	CHECK_INT(x.blksize, 512);
	data(&x, TID, 2, 511);
	CHECK(act.finished && x.rc == 0 && x.offset == 1023);
}

TEST(tftp_first_data_must_be_block_1)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	data(&x, TID, 2, 512);
	CHECK(act.finished && !act.len && errors(TFTP_ERR_ILLEGAL_OP, TID));
	CHECK_INT(x.rc, -WBE_TFTP_MALFORMED);
}

TEST(tftp_error_8_falls_back_to_plain_request)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	rx(&x, TID, "\0\5\0\x08no options\0", 15);
	static const char plain[] = "\0\1f\0octet";
	CHECK(act.send && act.send_port == SERVER && act.send_len == sizeof(plain) && !act.finished);
	CHECK_MEM(act.send, plain, sizeof(plain));
	/* an OACK now answers a request without options: refused */
	OACK(&x, OTHER, "blksize\0" "16\0");
	CHECK(act.finished && errors(TFTP_ERR_OPTION, OTHER));
	CHECK_INT(x.rc, -WBE_TFTP_OACK);
	/* a second ERROR 8 ends it */
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	rx(&x, TID, "\0\5\0\x08\0", 5);
	rx(&x, TID + 2, "\0\5\0\x08\0", 5);
	CHECK(act.finished && !act.send && x.rc == -WBE_TFTP_SERVER_ERROR && x.error_code == 8);
}

TEST(tftp_server_errors_map_to_codes)
{
	static const struct {
		const char *pkt;
		size_t len;
		int rc;
	} cases[] = {
		{"\0\5\0\1File not found\0", 19, -WBE_TFTP_NOT_FOUND},
		{"\0\5\0\2Access violation\0", 21, -WBE_TFTP_ACCESS},
		{"\0\5\0\0busy\0", 9, -WBE_TFTP_SERVER_ERROR},
		{"\0\5\0\x63", 4, -WBE_TFTP_SERVER_ERROR},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tftp_xfer x;
		CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
		rx(&x, TID, cases[i].pkt, cases[i].len);
		CHECK(act.finished && !act.send); /* §7: an ERROR is not answered */
		CHECK_INT(x.rc, cases[i].rc);
		CHECK(x.server_error);
	}
	/* during the transfer, from the TID */
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	rx(&x, TID, "\0\5\0\3disk\0", 9);
	CHECK(act.finished && x.rc == -WBE_TFTP_SERVER_ERROR && x.error_code == 3);
	CHECK_STR(x.error_text, "disk");
}

TEST(tftp_bad_oack_refused_with_error_8)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	OACK(&x, TID, "blksize\0" "1468\0"); /* larger than asked */
	CHECK(act.finished && errors(TFTP_ERR_OPTION, TID) && x.rc == -WBE_TFTP_OACK && x.why);
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	OACK(&x, TID, "blksize"); /* no NUL */
	CHECK(act.finished && errors(TFTP_ERR_OPTION, TID) && x.rc == -WBE_TFTP_MALFORMED);
}

TEST(tftp_malformed_and_oversized_packets)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0");
	data(&x, TID, 1, 17);
	CHECK(act.finished && !act.len && errors(TFTP_ERR_ILLEGAL_OP, TID) && x.rc == -WBE_TFTP_MALFORMED);
	START(&x, "blksize\0" "16\0");
	rx(&x, TID, "\0\4\0\1", 4); /* an ACK: a reading client never gets one */
	CHECK(act.finished && errors(TFTP_ERR_ILLEGAL_OP, TID) && x.rc == -WBE_TFTP_MALFORMED);
}

TEST(tftp_retransmission_backoff_and_give_up)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, NULL, &act), 0);
	static const uint64_t waits[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
	for (int i = 0; i < TFTP_MAX_SENDS; i++) {
		CHECK_INT(tftp_xfer_timeout_ns(&x), waits[i] * 1000000ULL);
		tftp_xfer_timeout(&x, &act);
		if (i < TFTP_MAX_SENDS - 1)
			CHECK(act.send && act.send_port == SERVER && get_be16(act.send) == TFTP_OP_RRQ && !act.finished);
	}
	CHECK(act.finished && !act.send && x.rc == -WBE_TFTP_TIMEOUT && x.why);
	/* progress starts the count again */
	START(&x, "blksize\0" "16\0");
	tftp_xfer_timeout(&x, &act);
	tftp_xfer_timeout(&x, &act);
	CHECK(acks(0, TID));
	CHECK_INT(tftp_xfer_timeout_ns(&x), 2000 * 1000000ULL);
	data(&x, TID, 1, 16);
	CHECK_INT(tftp_xfer_timeout_ns(&x), 500 * 1000000ULL);
}

TEST(tftp_block_number_rolls_over)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "8\0");
	uint16_t block = 1;
	for (uint32_t i = 1; i <= 65536 + 10; i++, block++) {
		data(&x, TID, block, 8);
		if (!acks(block, TID) || act.offset != (uint64_t)(i - 1) * 8) {
			test_fail(__FILE__, __LINE__, "block %u (#%u) not taken in order", block, i);
			return;
		}
	}
	CHECK_INT(x.offset, (65536 + 10) * 8ULL);
	data(&x, TID, block, 0);
	CHECK(act.finished && x.rc == 0);
}

TEST(tftp_tsize_mismatch)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0tsize\0" "20\0");
	data(&x, TID, 1, 16);
	data(&x, TID, 2, 5);
	CHECK(act.finished && acks(2, TID));
	CHECK_INT(x.rc, -WBE_TFTP_SIZE);
}

TEST(tftp_window_acks_once_per_window)
{
	struct tftp_xfer x;
	START(&x, "blksize\0" "16\0windowsize\0" "4\0");
	CHECK_INT(x.windowsize, 4);
	for (uint16_t b = 1; b <= 3; b++) {
		data(&x, TID, b, 16);
		CHECK(act.len == 16 && act.progress && !act.send);
	}
	data(&x, TID, 4, 16);
	CHECK(acks(4, TID));
	/* our ACK 4 was lost: the server resends 1..4; only the last is answered */
	for (uint16_t b = 1; b <= 3; b++) {
		data(&x, TID, b, 16);
		CHECK(!act.len && !act.send);
	}
	data(&x, TID, 4, 16);
	CHECK(!act.len && acks(4, TID));
	/* block 6 lost: 5 arrives, then 7 and 8: one ACK of 5, at once */
	data(&x, TID, 5, 16);
	CHECK(act.len && !act.send);
	data(&x, TID, 7, 16);
	CHECK(!act.len && acks(5, TID));
	data(&x, TID, 8, 16);
	CHECK(!act.len && !act.send);
	/* the server resends from 6: a new window of 4 */
	for (uint16_t b = 6; b <= 8; b++) {
		data(&x, TID, b, 16);
		CHECK(act.len == 16 && !act.send);
	}
	data(&x, TID, 9, 16);
	CHECK(acks(9, TID));
	CHECK_INT(x.offset, 9 * 16);
	/* the end of a window did not come: the timeout acknowledges what did */
	data(&x, TID, 10, 16);
	CHECK(!act.send);
	tftp_xfer_timeout(&x, &act);
	CHECK(acks(10, TID));
	tftp_xfer_timeout(&x, &act);
	CHECK(acks(10, TID) && x.sends == 2);
	/* a short block ends the file mid-window */
	data(&x, TID, 11, 3);
	CHECK(act.finished && acks(11, TID) && x.rc == 0);
}

TEST(tftp_abort)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "f", SERVER, &opts16, &act), 0);
	tftp_xfer_abort(&x, -WBE_CANCELED, &act);
	CHECK(act.finished && !act.send && x.rc == -WBE_CANCELED); /* no TID yet: nobody to tell */
	START(&x, "blksize\0" "16\0");
	tftp_xfer_abort(&x, -WBE_NOMEM, &act);
	CHECK(act.finished && errors(TFTP_ERR_DISK_FULL, TID) && x.rc == -WBE_NOMEM);
	START(&x, "blksize\0" "16\0");
	tftp_xfer_abort(&x, -WBE_CANCELED, &act);
	CHECK(act.finished && errors(TFTP_ERR_UNDEFINED, TID));
	tftp_xfer_abort(&x, -WBE_IO, &act); /* already finished: nothing */
	CHECK(!act.finished && !act.send && x.rc == -WBE_CANCELED);
}

TEST(tftp_start_rejects_bad_names)
{
	struct tftp_xfer x;
	CHECK_INT(tftp_xfer_start(&x, "", SERVER, &opts16, &act), -WBE_TFTP_URI);
	char name[600];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_INT(tftp_xfer_start(&x, name, SERVER, &opts16, &act), -WBE_TFTP_URI);
}
