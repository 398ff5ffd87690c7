/*
 * iscsi.h - the iSCSI initiator session (RFC 7143): login with CHAP (one-way or mutual), the
 * full feature phase with several SCSI commands in flight, NOP-In answers, and transparent
 * reconnection: when the connection fails, the session logs in again and resends every
 * unfinished command (ErrorRecoveryLevel 0 recovery, §7.1.4.1).
 *
 * The session runs as a process of the poll loop over a stream from a transport (our TCP or
 * host sockets). Commands are submitted as struct iscsi_task owned by the caller, whose
 * buffer receives Data-In payload directly (one copy, from the stream's receive buffer).
 */
#ifndef WIREBOOT_ISCSI_H
#define WIREBOOT_ISCSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/chap.h"
#include "wireboot/iscsi_pdu.h"
#include "wireboot/list.h"
#include "wireboot/process.h"

struct transport;
struct stream;
struct log;
struct rng;

#define ISCSI_NAME_MAX 224
#define ISCSI_SECRET_MAX 256
#define ISCSI_SENSE_MAX 252
#define ISCSI_OUR_MRDSL (256 * 1024) /* large Data-In PDUs: fewer headers, fewer copies */

#define ISCSI_MAX_PATHS 4

/* One way to the LUN (a root path). */
struct iscsi_path {
	char host[256];
	uint16_t port;
	uint8_t lun[8];
	char target[ISCSI_NAME_MAX];
};

struct iscsi_config {
	/* the path in use (a redirect changes its address); the session moves to the next of
	 * @paths when a connection to it fails (multipath failover) */
	char host[256];
	uint16_t port;
	uint8_t lun[8];
	char target[ISCSI_NAME_MAX];
	struct iscsi_path paths[ISCSI_MAX_PATHS];
	unsigned npaths, path;
	char initiator[ISCSI_NAME_MAX];
	/* CHAP: forward (the target checks us) and reverse (we check the target: mutual) */
	char username[ISCSI_NAME_MAX], reverse_username[ISCSI_NAME_MAX];
	uint8_t password[ISCSI_SECRET_MAX], reverse_password[ISCSI_SECRET_MAX];
	size_t password_len, reverse_password_len;
	bool digests;             /* offer CRC32C header and data digests */
	unsigned queue_depth;     /* commands in flight at most (also bounded by MaxCmdSN) */
	unsigned retries;         /* reconnections per command before it fails */
	uint64_t command_timeout_ns;
};

struct iscsi_task {
	struct list_node link;
	uint8_t cdb[16];
	bool read, write;
	uint8_t *buffer; /* read: receives the data; write: the data to send; not owned */
	uint32_t length; /* expected data transfer length */
	/* results, valid when done */
	bool done;
	int rc;              /* 0, or why it failed (SCSI status/sense as WBE_SCSI_*, session errors) */
	uint8_t status;
	uint32_t residual;   /* bytes not transferred (underflow) */
	uint8_t sense[ISCSI_SENSE_MAX];
	size_t sense_len;
	/* private */
	uint32_t itt, cmd_sn;
	bool sent;
	uint32_t received;
	/* write data still to send: unsolicited (after the command) or for the current R2T */
	uint32_t out_offset, out_end, out_ttt, out_data_sn;
	unsigned attempts;
	uint64_t deadline_ns;
};

enum iscsi_state {
	ISCSI_IDLE,
	ISCSI_CONNECTING,
	ISCSI_LOGIN,
	ISCSI_FULL_FEATURE,
	ISCSI_FAILED,
	ISCSI_CLOSED,
};

struct iscsi_session {
	struct iscsi_config cfg;
	const struct transport *transport;
	struct loop *loop;
	struct log *log;
	struct rng *rng;
	struct process process;
	enum iscsi_state state;
	int error;
	struct stream *stream;
	struct iscsi_framer framer;
	uint64_t state_deadline_ns;
	unsigned logins;    /* successful logins so far */
	unsigned failures;  /* connection failures since the last successful login */
	unsigned redirects; /* login redirections in a row */

	/* login */
	uint8_t isid[6];
	uint16_t tsih;
	uint8_t login_stage, login_step;
	uint32_t login_itt;
	struct chap chap;
	bool target_authenticated;
	bool chap_md5_only; /* the target misread CHAP_A=7 (see handle_login_response()) */

	/* negotiated */
	uint32_t send_mrdsl; /* the target's MaxRecvDataSegmentLength: our largest data segment */
	uint32_t first_burst, max_burst;
	bool immediate_data, initial_r2t, header_digest, data_digest;

	/* sequence numbers (§4.2.2) */
	uint32_t cmd_sn, exp_stat_sn, max_cmd_sn, next_itt;

	/* tasks */
	struct list_node queued; /* submitted, not yet sent */
	struct list_node active; /* sent, awaiting status */
	unsigned nactive;

	/* receive state of the PDU being framed */
	struct iscsi_task *rx_task;     /* Data-In target */
	uint8_t *rx_data;               /* data segment of non-Data-In PDUs */
	uint32_t rx_data_len;

	/* transmit staging: PDUs the stream has not taken yet */
	uint8_t *tx;
	size_t tx_head, tx_len, tx_size;

	/* keepalive (NOP-Out ping when the connection has been quiet, §11.18) */
	uint64_t last_rx_ns, ping_deadline_ns;
	uint32_t ping_itt;
	bool ping_outstanding;

	/* ABORT TASK of a timed-out command (§11.5): one at a time */
	struct iscsi_task *abort_task; /* NULL once it finished or was cancelled meanwhile */
	uint32_t abort_itt;
	bool abort_outstanding;
	uint64_t abort_deadline_ns;

	uint64_t stats_data_in_bytes, stats_reconnects, stats_pings, stats_aborts;
	unsigned chap_warnings;
};

/**
 * iscsi_session_start() - connect and log in (asynchronously: watch iscsi_session_ready()).
 * @cfg is copied. Returns 0, -WBE_NOMEM, or a CHAP secret error (identical secrets, empty).
 */
int iscsi_session_start(struct iscsi_session *s, const struct iscsi_config *cfg, const struct transport *transport,
			struct loop *loop, struct log *log, struct rng *rng);
/** iscsi_session_ready() - in full feature phase, or failed (loop_run_until() condition). */
bool iscsi_session_ready(void *session);
/** iscsi_session_stop() - log out (best effort), fail unfinished tasks, free everything. */
void iscsi_session_stop(struct iscsi_session *s);

/**
 * iscsi_submit() - queue a SCSI command. @t's cdb/read/write/buffer/length must be set; its
 * results are valid once t->done. The task must stay valid until done.
 */
void iscsi_submit(struct iscsi_session *s, struct iscsi_task *t);
/**
 * iscsi_cancel() - forget an unfinished task (its caller gives up, e.g. on Ctrl-C): it
 * completes with -WBE_CANCELED and its buffer is never touched again. If the target still
 * sends data for it, the connection is reset and the other commands are resent.
 */
void iscsi_cancel(struct iscsi_session *s, struct iscsi_task *t);

/** iscsi_task_done() - t->done (loop_run_until() condition). */
bool iscsi_task_done(void *task);

#endif
