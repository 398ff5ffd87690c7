/*
 * iscsi.c - the iSCSI initiator session (contract in wireboot/iscsi.h), RFC 7143.
 *
 * Login (§6.3): a security stage with CHAP when credentials are set (§12.1.3; mutual when
 * reverse credentials are set, and then the target MUST prove itself), an operational stage
 * offering large data segments, ImmediateData=Yes and InitialR2T=No (so small writes go with
 * their command), then the full feature phase. Commands flow while CmdSN is within the
 * target's window (§4.2.2.1) and below our queue depth. A broken connection is handled at
 * ErrorRecoveryLevel 0 (§7.1.4.1): a new login with the same ISID (the target reinstates the
 * session) and every unfinished command sent again, each at most cfg.retries times.
 */
#include "wireboot/iscsi.h"
#include "wireboot/byteorder.h"
#include "wireboot/crc32c.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"
#include "wireboot/iscsi_text.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/rng.h"
#include "wireboot/scsi.h"
#include "wireboot/stream.h"
#include "wireboot/transport.h"

#include <string.h>

#define TX_SIZE (4 * 1024 * 1024)
#define LOGIN_TIMEOUT_NS (30 * NS_PER_SEC)
#define LOGIN_TEXT_MAX 8192
#define MAX_LOGIN_ROUNDS 8
#define MAX_REDIRECTS 4
#define RECONNECT_DELAY_NS (500 * NS_PER_MS)
#define OUR_MAX_BURST (1024 * 1024)
#define OUR_FIRST_BURST (256 * 1024)
#define KEEPALIVE_IDLE_NS (5 * NS_PER_SEC)     /* ping after this long without a byte */
#define KEEPALIVE_TIMEOUT_NS (10 * NS_PER_SEC) /* no answer: the connection is dead */
#define ABORT_TIMEOUT_NS (10 * NS_PER_SEC)     /* an ABORT TASK unanswered this long: reconnect */

static void conn_failed(struct iscsi_session *s, int rc);

static bool sn_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* ------------------------------------------------------------------ transmit */

static size_t tx_space(const struct iscsi_session *s)
{
	return s->tx_size - s->tx_len;
}

static void tx_put(struct iscsi_session *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t tail = (s->tx_head + s->tx_len) % s->tx_size;
	size_t first = len < s->tx_size - tail ? len : s->tx_size - tail;
	memcpy(s->tx + tail, p, first);
	memcpy(s->tx, p + first, len - first);
	s->tx_len += len;
}

static size_t pdu_bytes(const struct iscsi_session *s, uint32_t data_len)
{
	return iscsi_pdu_len(0, data_len, s->header_digest, s->data_digest);
}

/* Stages a PDU (header, digest, data, padding, digest). The caller checked tx_space(). */
static void send_pdu(struct iscsi_session *s, const struct iscsi_bhs *bhs, const void *data, uint32_t len)
{
	uint8_t hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	iscsi_bhs_build(bhs, hdr);
	size_t hlen = ISCSI_BHS_LEN;
	if (s->header_digest) {
		uint32_t crc = crc32c(hdr, ISCSI_BHS_LEN);
		for (int i = 0; i < 4; i++)
			hdr[ISCSI_BHS_LEN + i] = (uint8_t)(crc >> (8 * i)); /* least significant first, §13.1 */
		hlen += ISCSI_DIGEST_LEN;
	}
	tx_put(s, hdr, hlen);
	if (!len)
		return;
	tx_put(s, data, len);
	static const uint8_t zeros[4];
	uint32_t pad = (4 - len % 4) % 4;
	tx_put(s, zeros, pad);
	if (s->data_digest) {
		uint32_t crc = crc32c_update(crc32c(data, len), zeros, pad);
		uint8_t d[4];
		for (int i = 0; i < 4; i++)
			d[i] = (uint8_t)(crc >> (8 * i));
		tx_put(s, d, 4);
	}
}

static void flush_tx(struct iscsi_session *s)
{
	while (s->tx_len && s->stream) {
		size_t n = s->tx_size - s->tx_head < s->tx_len ? s->tx_size - s->tx_head : s->tx_len;
		long w = stream_write(s->stream, s->tx + s->tx_head, n);
		if (w < 0) {
			conn_failed(s, (int)w);
			return;
		}
		if (w == 0)
			return;
		s->tx_head = (s->tx_head + (size_t)w) % s->tx_size;
		s->tx_len -= (size_t)w;
	}
}

/* ------------------------------------------------------------------ tasks */

static void complete(struct iscsi_session *s, struct iscsi_task *t, int rc)
{
	if (s->abort_task == t)
		s->abort_task = NULL; /* it finished after all: the abort's response finds nothing */
	if (t->sent)
		s->nactive--;
	list_remove(&t->link);
	t->done = true;
	t->rc = rc;
}

static void fail_all(struct iscsi_session *s, int rc)
{
	list_for_each_safe(pos, tmp, &s->active)
		complete(s, list_entry(pos, struct iscsi_task, link), rc);
	list_for_each_safe(pos, tmp, &s->queued)
		complete(s, list_entry(pos, struct iscsi_task, link), rc);
}

/* The next Initiator Task Tag; 0xffffffff is reserved (§11.2.1.8), so it is skipped. */
static uint32_t take_itt(struct iscsi_session *s)
{
	uint32_t itt = s->next_itt++;
	if (s->next_itt == ISCSI_RESERVED_TAG)
		s->next_itt = 0;
	return itt;
}

/*
 * Takes sent task @t back to be sent again, queued before @at (so that tasks taken back one
 * after the other keep their order), or fails it with @exhausted_rc once it has been sent
 * more than cfg.retries + 1 times.
 */
static void requeue(struct iscsi_session *s, struct iscsi_task *t, struct list_node *at, int exhausted_rc)
{
	list_remove(&t->link);
	s->nactive--;
	t->sent = false;
	if (s->rx_task == t)
		s->rx_task = NULL;
	if (++t->attempts > s->cfg.retries) {
		t->done = true;
		t->rc = exhausted_rc;
		return;
	}
	list_insert_before(at, &t->link);
}

static struct iscsi_task *find_task(struct iscsi_session *s, uint32_t itt)
{
	list_for_each(pos, &s->active) {
		struct iscsi_task *t = list_entry(pos, struct iscsi_task, link);
		if (t->itt == itt)
			return t;
	}
	return NULL;
}

/* Stages Data-Out PDUs for the task's pending write range while there is room. */
static void send_data_out(struct iscsi_session *s, struct iscsi_task *t)
{
	while (t->out_offset < t->out_end) {
		uint32_t len = t->out_end - t->out_offset;
		if (len > s->send_mrdsl)
			len = s->send_mrdsl;
		if (tx_space(s) < pdu_bytes(s, len))
			return;
		struct iscsi_bhs b = {0};
		b.opcode = ISCSI_OP_DATA_OUT;
		b.final = t->out_offset + len == t->out_end;
		memcpy(b.lun, s->cfg.lun, 8);
		b.itt = t->itt;
		b.ttt = t->out_ttt;
		b.exp_stat_sn = s->exp_stat_sn;
		b.data_len = len;
		b.data.data_sn = t->out_data_sn++;
		b.data.buffer_offset = t->out_offset;
		send_pdu(s, &b, t->buffer + t->out_offset, len);
		t->out_offset += len;
	}
}

/* Sends queued commands while the target's window and our queue depth allow. */
static void send_commands(struct iscsi_session *s)
{
	while (!list_empty(&s->queued) && s->nactive < s->cfg.queue_depth && !sn_lt(s->max_cmd_sn, s->cmd_sn)) {
		struct iscsi_task *t = list_entry(s->queued.next, struct iscsi_task, link);
		uint32_t immediate = 0;
		if (t->write && s->immediate_data) {
			immediate = t->length < s->first_burst ? t->length : s->first_burst;
			if (immediate > s->send_mrdsl)
				immediate = s->send_mrdsl;
		}
		if (tx_space(s) < pdu_bytes(s, immediate))
			return;
		struct iscsi_bhs b = {0};
		b.opcode = ISCSI_OP_SCSI_CMD;
		/* §11.3: F stays clear while unsolicited Data-Out PDUs follow */
		uint32_t unsolicited_end = 0;
		if (t->write && !s->initial_r2t)
			unsolicited_end = t->length < s->first_burst ? t->length : s->first_burst;
		b.final = !(unsolicited_end > immediate);
		memcpy(b.lun, s->cfg.lun, 8);
		b.itt = t->itt = take_itt(s);
		b.cmd_sn = t->cmd_sn = s->cmd_sn++;
		b.exp_stat_sn = s->exp_stat_sn;
		b.scsi_cmd.read = t->read;
		b.scsi_cmd.write = t->write;
		b.scsi_cmd.attr = ISCSI_ATTR_SIMPLE;
		b.scsi_cmd.edtl = t->length;
		memcpy(b.scsi_cmd.cdb, t->cdb, 16);
		b.data_len = immediate;
		send_pdu(s, &b, t->buffer, immediate);
		list_remove(&t->link);
		list_add_tail(&s->active, &t->link);
		s->nactive++;
		t->sent = true;
		t->received = 0;
		t->out_offset = immediate;
		t->out_end = unsolicited_end > immediate ? unsolicited_end : immediate;
		t->out_ttt = ISCSI_RESERVED_TAG;
		t->out_data_sn = 0;
		t->deadline_ns = loop_now(s->loop) + s->cfg.command_timeout_ns;
		send_data_out(s, t);
	}
}

void iscsi_submit(struct iscsi_session *s, struct iscsi_task *t)
{
	t->done = false;
	t->rc = 0;
	t->sent = false;
	t->attempts = 0;
	t->sense_len = 0;
	t->status = 0;
	t->residual = 0;
	list_init(&t->link);
	if (s->state == ISCSI_FAILED || s->state == ISCSI_CLOSED) {
		t->done = true;
		t->rc = s->error ? s->error : -WBE_ISCSI_SESSION_CLOSED;
		return;
	}
	list_add_tail(&s->queued, &t->link);
	if (s->state == ISCSI_FULL_FEATURE) {
		send_commands(s);
		flush_tx(s);
	}
}

void iscsi_cancel(struct iscsi_session *s, struct iscsi_task *t)
{
	if (t->done)
		return;
	if (s->rx_task == t)
		s->rx_task = NULL;
	complete(s, t, -WBE_CANCELED);
}

bool iscsi_task_done(void *task)
{
	return ((struct iscsi_task *)task)->done;
}

/* ------------------------------------------------------------------ login */

static void add_key(struct iscsi_text_builder *b, const char *key, const char *value)
{
	/* our own keys and values always fit the 8 KiB segment */
	iscsi_text_add(b, key, value);
}

static int send_login(struct iscsi_session *s, uint8_t csg, uint8_t nsg, bool transit, const char *text, size_t len)
{
	if (tx_space(s) < pdu_bytes(s, (uint32_t)len))
		return -WBE_NOSPC;
	struct iscsi_bhs b = {0};
	b.opcode = ISCSI_OP_LOGIN_REQ;
	b.immediate = true;
	b.login.transit = transit;
	b.login.csg = csg;
	b.login.nsg = transit ? nsg : 0;
	memcpy(b.login.isid, s->isid, 6);
	b.login.tsih = s->tsih;
	b.itt = s->login_itt;
	b.cmd_sn = s->cmd_sn;
	b.exp_stat_sn = s->exp_stat_sn;
	b.data_len = (uint32_t)len;
	send_pdu(s, &b, text, (uint32_t)len);
	s->login_stage = csg;
	return 0;
}

static bool have_credentials(const struct iscsi_session *s)
{
	return s->cfg.username[0] && s->cfg.password_len;
}

static bool mutual(const struct iscsi_session *s)
{
	return s->cfg.reverse_username[0] && s->cfg.reverse_password_len;
}

static void start_operational(struct iscsi_session *s)
{
	char buf[1024];
	struct iscsi_text_builder b;
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	if (!have_credentials(s)) {
		/* no security stage: these go with the first operational PDU */
		add_key(&b, "InitiatorName", s->cfg.initiator);
		add_key(&b, "SessionType", "Normal");
		add_key(&b, "TargetName", s->cfg.target);
	}
	const char *digest = s->cfg.digests ? "CRC32C,None" : "None";
	add_key(&b, "HeaderDigest", digest);
	add_key(&b, "DataDigest", digest);
	/* some targets assume other defaults: every operational key is sent explicitly */
	iscsi_text_add_number(&b, "MaxRecvDataSegmentLength", ISCSI_OUR_MRDSL);
	iscsi_text_add_bool(&b, "InitialR2T", false);
	iscsi_text_add_bool(&b, "ImmediateData", true);
	iscsi_text_add_number(&b, "MaxBurstLength", OUR_MAX_BURST);
	iscsi_text_add_number(&b, "FirstBurstLength", OUR_FIRST_BURST);
	iscsi_text_add_number(&b, "MaxConnections", 1);
	iscsi_text_add_number(&b, "DefaultTime2Wait", 0);
	iscsi_text_add_number(&b, "DefaultTime2Retain", 0);
	iscsi_text_add_number(&b, "MaxOutstandingR2T", 1);
	iscsi_text_add_bool(&b, "DataPDUInOrder", true);
	iscsi_text_add_bool(&b, "DataSequenceInOrder", true);
	iscsi_text_add_number(&b, "ErrorRecoveryLevel", 0);
	s->login_step = 0;
	send_login(s, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FULL_FEATURE, true, buf, b.len);
}

static void start_login(struct iscsi_session *s)
{
	s->state = ISCSI_LOGIN;
	s->state_deadline_ns = loop_now(s->loop) + LOGIN_TIMEOUT_NS;
	s->tsih = 0;
	s->target_authenticated = false;
	memset(&s->chap, 0, sizeof(s->chap));
	s->header_digest = s->data_digest = false;
	s->framer.header_digest = s->framer.data_digest = false;
	rng_bytes(s->rng, &s->login_itt, sizeof(s->login_itt));
	s->login_itt &= 0x7fffffff;
	if (!have_credentials(s)) {
		if (mutual(s)) {
			conn_failed(s, -WBE_ISCSI_TARGET_NOT_AUTHENTICATED);
			return;
		}
		start_operational(s);
		return;
	}
	char buf[1024];
	struct iscsi_text_builder b;
	iscsi_text_builder_init(&b, buf, sizeof(buf));
	add_key(&b, "InitiatorName", s->cfg.initiator);
	add_key(&b, "SessionType", "Normal");
	add_key(&b, "TargetName", s->cfg.target);
	/* with reverse credentials the target must authenticate: None is not even offered */
	add_key(&b, "AuthMethod", mutual(s) ? "CHAP" : "CHAP,None");
	s->login_step = 0;
	send_login(s, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, false, buf, b.len);
}

static int login_status_rc(uint8_t cls, uint8_t detail)
{
	if (cls == ISCSI_LOGIN_INITIATOR_ERROR) {
		switch (detail) {
		case 0x01:
			return -WBE_ISCSI_AUTH_FAILED;
		case 0x02:
			return -WBE_ISCSI_FORBIDDEN;
		case 0x03:
			return -WBE_ISCSI_TARGET_NOT_FOUND;
		case 0x04:
			return -WBE_ISCSI_TARGET_REMOVED;
		default:
			return -WBE_ISCSI_LOGIN_REFUSED;
		}
	}
	return cls == ISCSI_LOGIN_TARGET_ERROR ? -WBE_ISCSI_TARGET_ERROR : -WBE_ISCSI_LOGIN_PROTOCOL;
}

/* TargetAddress=host[:port][,tpgt] (§13.8): log in there instead. */
static int redirect(struct iscsi_session *s, const char *address)
{
	if (!address || ++s->redirects > MAX_REDIRECTS)
		return address ? -WBE_ISCSI_REDIRECTS : -WBE_ISCSI_LOGIN_PROTOCOL;
	size_t n = 0;
	while (address[n] && address[n] != ',')
		n++;
	const char *colon = NULL;
	if (address[0] == '[') {
		const char *close = memchr(address, ']', n);
		if (!close)
			return -WBE_ISCSI_LOGIN_PROTOCOL;
		colon = close + 1 < address + n && close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(address, ':', n);
	}
	size_t hlen = colon ? (size_t)(colon - address) : n;
	if (hlen == 0 || hlen >= sizeof(s->cfg.host))
		return -WBE_ISCSI_LOGIN_PROTOCOL;
	uint32_t port = 3260;
	if (colon) {
		port = 0;
		for (const char *p = colon + 1; p < address + n; p++) {
			if (*p < '0' || *p > '9' || port > 65535)
				return -WBE_ISCSI_LOGIN_PROTOCOL;
			port = port * 10 + (uint32_t)(*p - '0');
		}
		if (port == 0 || port > 65535)
			return -WBE_ISCSI_LOGIN_PROTOCOL;
	}
	memcpy(s->cfg.host, address, hlen);
	s->cfg.host[hlen] = '\0';
	s->cfg.port = (uint16_t)port;
	log_msg(s->log, LOG_INFO, "iscsi", "login redirected to %s:%u", s->cfg.host, port);
	conn_failed(s, 0); /* reconnect to the new address */
	return 0;
}

static int apply_operational(struct iscsi_session *s, const struct iscsi_text *text)
{
	struct iscsi_negotiated r;
	char num[16];
	const char *v;
	int rc;
#define NEGOTIATE(key, offer)                                                                   \
	((v = iscsi_text_get(text, iscsi_key_info(key)->name)) != NULL                          \
		 ? iscsi_negotiate(key, offer, v, &r)                                           \
		 : (r.defaulted = true, r.number = iscsi_key_info(key)->default_number,        \
		    r.text = iscsi_key_info(key)->default_text, 0))
	const char *digest_offer = s->cfg.digests ? "CRC32C,None" : "None";
	if ((rc = NEGOTIATE(ISCSI_KEY_HEADER_DIGEST, digest_offer)))
		return rc;
	s->header_digest = strcmp(r.text, "CRC32C") == 0;
	if ((rc = NEGOTIATE(ISCSI_KEY_DATA_DIGEST, digest_offer)))
		return rc;
	s->data_digest = strcmp(r.text, "CRC32C") == 0;
	if ((rc = NEGOTIATE(ISCSI_KEY_INITIAL_R2T, "No")))
		return rc;
	s->initial_r2t = r.number;
	if ((rc = NEGOTIATE(ISCSI_KEY_IMMEDIATE_DATA, "Yes")))
		return rc;
	s->immediate_data = r.number;
	wb_snprintf(num, sizeof(num), "%u", OUR_MAX_BURST);
	if ((rc = NEGOTIATE(ISCSI_KEY_MAX_BURST_LENGTH, num)))
		return rc;
	s->max_burst = r.number;
	wb_snprintf(num, sizeof(num), "%u", OUR_FIRST_BURST);
	if ((rc = NEGOTIATE(ISCSI_KEY_FIRST_BURST_LENGTH, num)))
		return rc;
	s->first_burst = r.number < s->max_burst ? r.number : s->max_burst;
	if ((rc = NEGOTIATE(ISCSI_KEY_ERROR_RECOVERY_LEVEL, "0")))
		return rc;
	/* the target's own MaxRecvDataSegmentLength bounds every data segment we send */
	wb_snprintf(num, sizeof(num), "%u", ISCSI_OUR_MRDSL);
	if ((rc = NEGOTIATE(ISCSI_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, num)))
		return rc;
	s->send_mrdsl = r.number;
#undef NEGOTIATE
	return 0;
}

static void enter_full_feature(struct iscsi_session *s, const struct iscsi_bhs *b)
{
	s->tsih = b->login.tsih;
	s->state = ISCSI_FULL_FEATURE;
	s->failures = 0;
	s->last_rx_ns = loop_now(s->loop);
	s->ping_outstanding = false;
	s->framer.header_digest = s->header_digest;
	s->framer.data_digest = s->data_digest;
	if (s->logins++)
		s->stats_reconnects++;
	s->redirects = 0;
	log_msg(s->log, LOG_DEBUG, "iscsi", "full feature phase: MRDSL %u, burst %u/%u, immediate %d, R2T %d, digests %d/%d",
		s->send_mrdsl, s->first_burst, s->max_burst, s->immediate_data, s->initial_r2t, s->header_digest,
		s->data_digest);
	/* resend what the broken connection left unfinished, in the original order */
	send_commands(s);
}

static void handle_login_response(struct iscsi_session *s, const struct iscsi_bhs *b, const uint8_t *data, uint32_t len)
{
	log_msg(s->log, LOG_DEBUG, "iscsi", "login response: stage %u->%u%s, status %02x%02x, %u bytes of keys",
		b->login.csg, b->login.nsg, b->login.transit ? " (transit)" : "", b->login.status_class,
		b->login.status_detail, len);
	if (b->itt != s->login_itt) {
		conn_failed(s, -WBE_ISCSI_LOGIN_PROTOCOL);
		return;
	}
	s->exp_stat_sn = b->stat_sn + 1;
	s->max_cmd_sn = b->max_cmd_sn;
	if (b->login.status_class == ISCSI_LOGIN_REDIRECT) {
		struct iscsi_text text;
		int rc = iscsi_text_parse(data, len, &text);
		rc = rc ? rc : redirect(s, iscsi_text_get(&text, "TargetAddress"));
		if (rc)
			conn_failed(s, rc);
		return;
	}
	if (b->login.status_class == ISCSI_LOGIN_INITIATOR_ERROR && b->login.status_detail <= 1 &&
	    s->chap.algorithm == CHAP_SHA256 && !s->chap_md5_only) {
		/* tgt (and old open-iscsi) read CHAP_A=7 as SHA-1, not SHA-256 as IANA assigned it,
		 * and refuse our 32-byte response: log in again offering MD5 only, as iPXE always
		 * does. Mutual authentication still holds; the target learns nothing new. */
		log_msg(s->log, LOG_WARN, "iscsi", "target refused CHAP with SHA-256; retrying with MD5");
		s->chap_md5_only = true;
		s->failures = 0;
		conn_failed(s, 0);
		return;
	}
	if (b->login.status_class != ISCSI_LOGIN_SUCCESS) {
		int rc = login_status_rc(b->login.status_class, b->login.status_detail);
		log_msg(s->log, LOG_ERROR, "iscsi", "login to %s refused: status %02x%02x", s->cfg.target,
			b->login.status_class, b->login.status_detail);
		if (rc == -WBE_ISCSI_AUTH_FAILED && mutual(s))
			log_msg(s->log, LOG_ERROR, "iscsi",
				"with mutual CHAP the target also needs an outgoing account for reverse-username");
		s->error = rc;
		conn_failed(s, rc);
		return;
	}
	if (b->login.cont || ++s->login_step > MAX_LOGIN_ROUNDS) {
		conn_failed(s, -WBE_ISCSI_LOGIN_PROTOCOL); /* continued responses are not needed by any target we know */
		return;
	}
	struct iscsi_text text;
	int rc = iscsi_text_parse(data, len, &text);
	if (rc) {
		conn_failed(s, rc);
		return;
	}
	if (b->login.csg == ISCSI_STAGE_SECURITY) {
		const char *method = iscsi_text_get(&text, "AuthMethod");
		const char *chap_a = iscsi_text_get(&text, "CHAP_A");
		const char *chap_r = iscsi_text_get(&text, "CHAP_R");
		char buf[1024];
		struct iscsi_text_builder tb;
		iscsi_text_builder_init(&tb, buf, sizeof(buf));
		if (chap_r || (s->chap.algorithm && b->login.transit)) {
			/* the target's answer to our challenge (mutual), or its final step */
			if (mutual(s)) {
				const char *chap_n = iscsi_text_get(&text, "CHAP_N");
				if (!chap_r || !chap_n) {
					conn_failed(s, -WBE_ISCSI_TARGET_NOT_AUTHENTICATED);
					return;
				}
				rc = chap_verify(&s->chap, chap_r, s->cfg.reverse_password, s->cfg.reverse_password_len);
				if (rc == 0 && strcmp(chap_n, s->cfg.reverse_username) != 0)
					rc = -WBE_CHAP_TARGET_AUTH;
				if (rc) {
					log_msg(s->log, LOG_ERROR, "iscsi", "the target at %s failed to prove its identity",
						s->cfg.host);
					s->error = rc;
					conn_failed(s, rc);
					return;
				}
				s->target_authenticated = true;
			}
			if (!b->login.transit) {
				conn_failed(s, -WBE_ISCSI_LOGIN_PROTOCOL);
				return;
			}
			start_operational(s);
			return;
		}
		if (chap_a) {
			const char *chap_i = iscsi_text_get(&text, "CHAP_I");
			const char *chap_c = iscsi_text_get(&text, "CHAP_C");
			rc = chap_begin(&s->chap, chap_a, mutual(s) ? chap_random_from_rng : NULL, s->rng);
			char response[CHAP_VALUE_TEXT_SIZE];
			if (rc == 0)
				rc = chap_i && chap_c ? chap_respond(&s->chap, chap_i, chap_c, s->cfg.password, s->cfg.password_len,
								    response, sizeof(response))
						      : -WBE_ISCSI_LOGIN_PROTOCOL;
			if (rc) {
				s->error = rc;
				conn_failed(s, rc);
				return;
			}
			add_key(&tb, "CHAP_N", s->cfg.username);
			add_key(&tb, "CHAP_R", response);
			if (mutual(s)) {
				char our_i[CHAP_ID_TEXT_SIZE], our_c[CHAP_VALUE_TEXT_SIZE];
				chap_challenge_text(&s->chap, our_i, sizeof(our_i), our_c, sizeof(our_c));
				add_key(&tb, "CHAP_I", our_i);
				add_key(&tb, "CHAP_C", our_c);
			}
			send_login(s, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, true, buf, tb.len);
			return;
		}
		if (method && strcmp(method, "CHAP") == 0) {
			add_key(&tb, "CHAP_A", s->chap_md5_only ? "5" : CHAP_ALGORITHMS_OFFER);
			send_login(s, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, false, buf, tb.len);
			return;
		}
		if (method && strcmp(method, "None") == 0) {
			if (mutual(s)) {
				conn_failed(s, -WBE_ISCSI_TARGET_NOT_AUTHENTICATED);
				return;
			}
			send_login(s, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL, true, NULL, 0);
			return;
		}
		if (b->login.transit && !mutual(s)) {
			start_operational(s);
			return;
		}
		conn_failed(s, -WBE_ISCSI_LOGIN_PROTOCOL);
		return;
	}
	/* operational stage */
	if (mutual(s) && !s->target_authenticated) {
		conn_failed(s, -WBE_ISCSI_TARGET_NOT_AUTHENTICATED);
		return;
	}
	rc = apply_operational(s, &text);
	if (rc) {
		s->error = rc;
		conn_failed(s, rc);
		return;
	}
	if (b->login.transit && b->login.nsg == ISCSI_STAGE_FULL_FEATURE) {
		enter_full_feature(s, b);
		return;
	}
	/* the target wants another round: answer with no new keys and ask to move on again */
	send_login(s, ISCSI_STAGE_OPERATIONAL, ISCSI_STAGE_FULL_FEATURE, true, NULL, 0);
}

/* ------------------------------------------------------------------ full feature phase */

static void update_sn(struct iscsi_session *s, const struct iscsi_bhs *b, bool has_status)
{
	if (has_status && !sn_lt(b->stat_sn + 1, s->exp_stat_sn))
		s->exp_stat_sn = b->stat_sn + 1;
	/* §4.2.2.1: take the window only if it is sane (MaxCmdSN >= ExpCmdSN - 1) */
	if (!sn_lt(b->max_cmd_sn, b->exp_cmd_sn - 1) && sn_lt(s->max_cmd_sn, b->max_cmd_sn))
		s->max_cmd_sn = b->max_cmd_sn;
}

static void finish_scsi(struct iscsi_session *s, struct iscsi_task *t, uint8_t status, uint32_t residual,
			const uint8_t *sense, size_t sense_len)
{
	t->status = status;
	t->residual = residual;
	if (status == 0 && t->read && residual <= t->length && t->received < t->length - residual) {
		/* GOOD status but fewer bytes than promised: never hand out a half-filled buffer */
		log_msg(s->log, LOG_WARN, "iscsi", "command %08x: status without its data (%u of %u bytes)", t->itt,
			t->received, t->length - residual);
		complete(s, t, -WBE_ISCSI_PDU_DATA);
		return;
	}
	if (status == 0 && t->read && residual <= t->length && t->received < t->length - residual) {
		/* GOOD status but fewer bytes than promised: never hand out a half-filled buffer */
		log_msg(s->log, LOG_WARN, "iscsi", "command %08x: status without its data (%u of %u bytes)", t->itt,
			t->received, t->length - residual);
		complete(s, t, -WBE_ISCSI_PDU_DATA);
		return;
	}
	if (sense_len > sizeof(t->sense))
		sense_len = sizeof(t->sense);
	memcpy(t->sense, sense, sense_len);
	t->sense_len = sense_len;
	complete(s, t, scsi_status_rc(status, sense_len ? t->sense : NULL, sense_len, NULL));
}

/*
 * A command timed out: ask the target to abort it (§11.5.1 ABORT TASK, an immediate command),
 * so it can be sent again without dropping the other commands in flight. Returns false when
 * the abort cannot be sent now (no room to send it yet).
 */
static bool send_abort(struct iscsi_session *s, struct iscsi_task *t)
{
	if (tx_space(s) < pdu_bytes(s, 0))
		return false;
	struct iscsi_bhs b = {0};
	b.opcode = ISCSI_OP_TMF_REQ;
	b.immediate = true;
	memcpy(b.lun, s->cfg.lun, 8);
	b.itt = s->abort_itt = take_itt(s);
	b.cmd_sn = s->cmd_sn; /* immediate: CmdSN is not advanced (§3.2.2.1) */
	b.exp_stat_sn = s->exp_stat_sn;
	b.tmf_req.function = ISCSI_TMF_ABORT_TASK;
	b.tmf_req.ref_task_tag = t->itt;
	b.tmf_req.ref_cmd_sn = t->cmd_sn;
	b.tmf_req.exp_data_sn = 0;
	send_pdu(s, &b, NULL, 0);
	s->abort_task = t;
	s->abort_outstanding = true;
	s->abort_deadline_ns = loop_now(s->loop) + ABORT_TIMEOUT_NS;
	s->stats_aborts++;
	log_msg(s->log, LOG_WARN, "iscsi", "command %08x timed out; aborting it (ABORT TASK) to send it again", t->itt);
	return true;
}

/* §11.6.1: 0 "function complete" and 1 "task does not exist" both mean the task is gone. */
static void abort_answered(struct iscsi_session *s, uint8_t response)
{
	struct iscsi_task *t = s->abort_task;
	log_msg(s->log, LOG_DEBUG, "iscsi", "ABORT TASK answered: response %u, task %s", response,
		t ? "still pending" : "already finished");
	s->abort_outstanding = false;
	s->abort_task = NULL;
	if (response != 0 && response != 1) {
		/* the target refuses (e.g. 5: not supported): the connection's state is unknown */
		log_msg(s->log, LOG_WARN, "iscsi", "target refused ABORT TASK (response %u): logging in again", response);
		conn_failed(s, -WBE_TIMEDOUT);
		return;
	}
	if (!t)
		return; /* the command finished before the abort reached it */
	log_msg(s->log, LOG_INFO, "iscsi", "command %08x aborted; sending it again", t->itt);
	requeue(s, t, s->queued.next, -WBE_TIMEDOUT);
}

static void handle_pdu(struct iscsi_session *s, const struct iscsi_bhs *b, const uint8_t *data, uint32_t len)
{
	if (s->state == ISCSI_LOGIN) {
		if (b->opcode == ISCSI_OP_LOGIN_RSP)
			handle_login_response(s, b, data, len);
		else
			conn_failed(s, -WBE_ISCSI_LOGIN_PROTOCOL);
		return;
	}
	switch (b->opcode) {
	case ISCSI_OP_SCSI_RSP: {
		update_sn(s, b, true);
		struct iscsi_task *t = find_task(s, b->itt);
		if (!t)
			return;
		if (b->scsi_rsp.response != 0) {
			complete(s, t, -WBE_ISCSI_TARGET_ERROR);
			return;
		}
		const uint8_t *sense = NULL;
		size_t sense_len = 0;
		if (len)
			iscsi_sense_segment(data, len, &sense, &sense_len);
		finish_scsi(s, t, b->scsi_rsp.status, b->scsi_rsp.underflow ? b->scsi_rsp.residual : 0, sense, sense_len);
		return;
	}
	case ISCSI_OP_DATA_IN: {
		update_sn(s, b, b->data.status_present);
		struct iscsi_task *t = s->rx_task;
		if (t && b->data.status_present)
			finish_scsi(s, t, b->data.status, b->data.underflow ? b->data.residual : 0, NULL, 0);
		return;
	}
	case ISCSI_OP_R2T: {
		update_sn(s, b, false);
		struct iscsi_task *t = find_task(s, b->itt);
		if (!t || !t->write || (uint64_t)b->r2t.buffer_offset + b->r2t.desired_len > t->length) {
			conn_failed(s, -WBE_ISCSI_PDU_FIELD);
			return;
		}
		t->out_offset = b->r2t.buffer_offset;
		t->out_end = b->r2t.buffer_offset + b->r2t.desired_len;
		t->out_ttt = b->ttt;
		t->out_data_sn = 0;
		send_data_out(s, t);
		return;
	}
	case ISCSI_OP_NOP_IN: {
		update_sn(s, b, b->itt != ISCSI_RESERVED_TAG);
		if (s->ping_outstanding && b->itt == s->ping_itt) {
			s->ping_outstanding = false;
			log_msg(s->log, LOG_DEBUG, "iscsi", "keepalive ping answered");
			return;
		}
		if (b->ttt == ISCSI_RESERVED_TAG)
			return; /* a notice */
		/* §11.19: the target pings us: answer with its TTT and its data */
		if (tx_space(s) < pdu_bytes(s, len))
			return;
		struct iscsi_bhs o = {0};
		o.opcode = ISCSI_OP_NOP_OUT;
		o.immediate = true;
		memcpy(o.lun, b->lun, 8);
		o.itt = ISCSI_RESERVED_TAG;
		o.ttt = b->ttt;
		o.cmd_sn = s->cmd_sn;
		o.exp_stat_sn = s->exp_stat_sn;
		o.data_len = len;
		send_pdu(s, &o, data, len);
		return;
	}
	case ISCSI_OP_ASYNC:
		update_sn(s, b, true);
		if (b->async.event == ISCSI_ASYNC_LOGOUT_REQUEST || b->async.event == ISCSI_ASYNC_DROP_CONNECTION ||
		    b->async.event == ISCSI_ASYNC_DROP_ALL_CONNECTIONS) {
			log_msg(s->log, LOG_INFO, "iscsi", "the target asks us to leave (event %u): logging in again",
				b->async.event);
			conn_failed(s, 0);
		}
		return;
	case ISCSI_OP_REJECT: {
		struct iscsi_bhs rejected;
		update_sn(s, b, true);
		if (iscsi_reject_header(data, len, &rejected) == 0) {
			struct iscsi_task *t = find_task(s, rejected.itt);
			log_msg(s->log, LOG_WARN, "iscsi", "target rejected a PDU (reason 0x%02x)", b->reject.reason);
			if (t)
				complete(s, t, -WBE_ISCSI_REJECT);
		}
		return;
	}
	case ISCSI_OP_TMF_RSP:
		update_sn(s, b, true);
		if (s->abort_outstanding && b->itt == s->abort_itt)
			abort_answered(s, b->tmf_rsp.response);
		return;
	case ISCSI_OP_LOGOUT_RSP:
		s->state = ISCSI_CLOSED;
		return;
	default:
		update_sn(s, b, true);
		return; /* Text responses: we send no such requests */
	}
}

/* ------------------------------------------------------------------ receive */

static void receive(struct iscsi_session *s)
{
	for (;;) {
		size_t avail;
		const uint8_t *in = stream_peek(s->stream, &avail);
		if (!in)
			return;
		s->last_rx_ns = loop_now(s->loop);
		size_t used = 0;
		for (;;) { /* until the framer needs more input: an END may follow the last byte */
			struct iscsi_frame fr;
			int ev = iscsi_framer_feed(&s->framer, in + used, avail - used, &fr);
			used += fr.consumed;
			if (ev < 0 && ev != -WBE_ISCSI_DATA_DIGEST) {
				stream_consume(s->stream, used);
				conn_failed(s, ev);
				return;
			}
			if (ev == ISCSI_FRAME_NEED_MORE)
				break;
			const struct iscsi_bhs *b = fr.bhs;
			if (ev == ISCSI_FRAME_HEADER) {
				s->rx_task = NULL;
				s->rx_data_len = 0;
				if (b->opcode == ISCSI_OP_DATA_IN) {
					s->rx_task = find_task(s, b->itt);
					if (!s->rx_task || !s->rx_task->read ||
					    (uint64_t)b->data.buffer_offset + b->data_len > s->rx_task->length) {
						stream_consume(s->stream, used);
						conn_failed(s, -WBE_ISCSI_PDU_FIELD);
						return;
					}
				}
			} else if (ev == ISCSI_FRAME_DATA) {
				if (b->opcode == ISCSI_OP_DATA_IN) {
					if (!s->rx_task)
						continue; /* its task was cancelled meanwhile: drop the data */
					/* the one copy: from the receive buffer into the caller's buffer */
					memcpy(s->rx_task->buffer + b->data.buffer_offset + fr.data_offset, fr.data, fr.data_len);
					s->rx_task->received += fr.data_len;
					s->stats_data_in_bytes += fr.data_len;
				} else if (fr.data_offset + fr.data_len <= ISCSI_OUR_MRDSL) {
					memcpy(s->rx_data + fr.data_offset, fr.data, fr.data_len);
					s->rx_data_len = fr.data_offset + fr.data_len;
				}
			} else if (ev == -WBE_ISCSI_DATA_DIGEST) {
				stream_consume(s->stream, used);
				conn_failed(s, ev); /* ERL 0: a digest error drops the connection (§7.8) */
				return;
			} else if (ev == ISCSI_FRAME_END) {
				handle_pdu(s, b, s->rx_data, s->rx_data_len);
				if (!s->stream)
					return; /* the PDU ended the connection (a redirect, a failure) */
				if (s->state != ISCSI_LOGIN && s->state != ISCSI_FULL_FEATURE) {
					stream_consume(s->stream, used);
					return;
				}
			}
		}
		stream_consume(s->stream, used);
	}
}

/* ------------------------------------------------------------------ connection */

static int connect_now(struct iscsi_session *s)
{
	s->tx_head = s->tx_len = 0;
	iscsi_framer_init(&s->framer, ISCSI_OUR_MRDSL);
	s->state = ISCSI_CONNECTING;
	s->state_deadline_ns = loop_now(s->loop) + LOGIN_TIMEOUT_NS;
	return s->transport->connect(s->transport->ctx, s->cfg.host, s->cfg.port, &s->stream);
}

/*
 * The connection is unusable. Before the first full feature phase every error is final (a
 * wrong secret will not get better). Afterwards, unfinished commands are queued again and a
 * new login starts, unless the error is final or the commands used their retries.
 */
static void conn_failed(struct iscsi_session *s, int rc)
{
	log_msg(s->log, LOG_DEBUG, "iscsi", "connection failed in state %d: %s", s->state, errors_message(rc));
	s->abort_outstanding = false; /* the new connection's tasks start afresh */
	s->abort_task = NULL;
	if (s->stream) {
		stream_abort(s->stream);
		s->stream = NULL;
	}
	bool ever_connected = s->logins > 0;
	bool final = rc == -WBE_ISCSI_AUTH_FAILED || rc == -WBE_CHAP_TARGET_AUTH || rc == -WBE_CHAP_REFLECTION ||
		     rc == -WBE_ISCSI_TARGET_NOT_AUTHENTICATED || rc == -WBE_ISCSI_FORBIDDEN ||
		     rc == -WBE_ISCSI_TARGET_NOT_FOUND || rc == -WBE_CHAP_ALGORITHM || rc == -WBE_ISCSI_REDIRECTS;
	if (rc && (!ever_connected || final)) {
		s->state = ISCSI_FAILED;
		s->error = rc;
		fail_all(s, rc);
		return;
	}
	/* resend later: active tasks go back to the front of the queue, in order */
	struct list_node *front = s->queued.next;
	list_for_each_safe(pos, tmp, &s->active)
		requeue(s, list_entry(pos, struct iscsi_task, link), front, -WBE_ISCSI_CONNECTION_LOST);
	if (rc)
		log_msg(s->log, LOG_WARN, "iscsi", "connection to %s lost (%s); logging in again", s->cfg.host,
			errors_message(rc));
	if (rc && s->cfg.npaths > 1) {
		/* multipath: try the next way to the LUN (the same session, re-established there) */
		s->cfg.path = (s->cfg.path + 1) % s->cfg.npaths;
		const struct iscsi_path *p = &s->cfg.paths[s->cfg.path];
		memcpy(s->cfg.host, p->host, sizeof(s->cfg.host));
		s->cfg.port = p->port;
		memcpy(s->cfg.lun, p->lun, sizeof(s->cfg.lun));
		memcpy(s->cfg.target, p->target, sizeof(s->cfg.target));
		log_msg(s->log, LOG_INFO, "iscsi", "switching to path %u: %s:%u", s->cfg.path + 1, s->cfg.host, s->cfg.port);
	}
	s->failures++;
	s->state = ISCSI_IDLE;
	s->state_deadline_ns = loop_now(s->loop) + (rc ? RECONNECT_DELAY_NS : 0);
}

static void step(struct process *proc)
{
	struct iscsi_session *s = container_of(proc, struct iscsi_session, process);
	uint64_t now = loop_now(s->loop);
	switch (s->state) {
	case ISCSI_IDLE:
		if (now < s->state_deadline_ns)
			return;
		if (s->failures > s->cfg.retries + MAX_REDIRECTS) {
			s->state = ISCSI_FAILED;
			s->error = -WBE_ISCSI_CONNECTION_LOST;
			fail_all(s, s->error);
			return;
		}
		if (connect_now(s) != 0) {
			s->stream = NULL;
			s->state = ISCSI_IDLE;
			s->state_deadline_ns = now + RECONNECT_DELAY_NS;
		}
		return;
	case ISCSI_CONNECTING: {
		enum stream_state st = stream_state(s->stream);
		if (st == STREAM_OPEN) {
			start_login(s);
			flush_tx(s);
		} else if (st == STREAM_FAILED || st == STREAM_CLOSED || now > s->state_deadline_ns) {
			conn_failed(s, st == STREAM_FAILED ? stream_error(s->stream) : -WBE_TIMEDOUT);
		}
		return;
	}
	case ISCSI_LOGIN:
	case ISCSI_FULL_FEATURE:
		break;
	default:
		return;
	}
	enum stream_state st = stream_state(s->stream);
	if (st == STREAM_FAILED || stream_eof(s->stream)) {
		conn_failed(s, st == STREAM_FAILED ? stream_error(s->stream) : -WBE_TCP_RESET);
		return;
	}
	receive(s);
	now = loop_now(s->loop); /* receive() stamped last_rx_ns later than the first reading */
	if (s->state == ISCSI_LOGIN && now > s->state_deadline_ns) {
		conn_failed(s, -WBE_TIMEDOUT);
		return;
	}
	if (s->state == ISCSI_FULL_FEATURE) {
		if (s->ping_outstanding && now > s->ping_deadline_ns) {
			conn_failed(s, -WBE_TIMEDOUT); /* the target stopped answering: log in again */
			return;
		}
		if (!s->ping_outstanding && now - s->last_rx_ns > KEEPALIVE_IDLE_NS &&
		    tx_space(s) >= pdu_bytes(s, 0)) {
			/* a quiet connection may be dead (a target rebooted, a NAT forgot us): ping */
			struct iscsi_bhs b = {0};
			b.opcode = ISCSI_OP_NOP_OUT;
			b.immediate = true;
			b.itt = s->ping_itt = take_itt(s);
			b.ttt = ISCSI_RESERVED_TAG;
			b.cmd_sn = s->cmd_sn;
			b.exp_stat_sn = s->exp_stat_sn;
			send_pdu(s, &b, NULL, 0);
			s->ping_outstanding = true;
			s->ping_deadline_ns = now + KEEPALIVE_TIMEOUT_NS;
			s->stats_pings++;
			log_msg(s->log, LOG_DEBUG, "iscsi", "keepalive ping sent");
		}
		list_for_each_safe(pos, tmp, &s->active) {
			struct iscsi_task *t = list_entry(pos, struct iscsi_task, link);
			if (t->write && t->out_offset < t->out_end)
				send_data_out(s, t);
			if (now > t->deadline_ns && !s->abort_outstanding) /* one abort at a time */
				send_abort(s, t);
		}
		if (s->abort_outstanding && now > s->abort_deadline_ns) {
			log_msg(s->log, LOG_WARN, "iscsi", "ABORT TASK unanswered; logging in again");
			conn_failed(s, -WBE_TIMEDOUT);
			return;
		}
		send_commands(s);
	}
	if (s->stream)
		flush_tx(s);
}

int iscsi_session_start(struct iscsi_session *s, const struct iscsi_config *cfg, const struct transport *transport,
			struct loop *loop, struct log *log, struct rng *rng)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (!s->cfg.queue_depth)
		s->cfg.queue_depth = 8;
	if (!s->cfg.command_timeout_ns)
		s->cfg.command_timeout_ns = 15 * NS_PER_SEC;
	if (s->cfg.username[0]) {
		int rc = chap_check_secrets(s->cfg.password, s->cfg.password_len, mutual(s) ? s->cfg.reverse_password : NULL,
					    mutual(s) ? s->cfg.reverse_password_len : 0, &s->chap_warnings);
		if (rc)
			return rc;
	}
	s->transport = transport;
	s->loop = loop;
	s->log = log;
	s->rng = rng;
	list_init(&s->queued);
	list_init(&s->active);
	s->tx_size = TX_SIZE;
	s->tx = wb_malloc(TX_SIZE);
	s->rx_data = wb_malloc(ISCSI_OUR_MRDSL);
	if (!s->tx || !s->rx_data) {
		wb_free(s->tx);
		wb_free(s->rx_data);
		return -WBE_NOMEM;
	}
	/* §11.12.5: ISID type "random" (0x80) with 22 random bits, kept for reconnections */
	rng_bytes(rng, s->isid, sizeof(s->isid));
	s->isid[0] = (uint8_t)(0x80 | (s->isid[0] & 0x3f));
	s->isid[1] = s->isid[2] = 0;
	rng_bytes(rng, &s->cmd_sn, sizeof(s->cmd_sn));
	s->max_cmd_sn = s->cmd_sn;
	s->send_mrdsl = 8192;
	list_init(&s->process.link);
	s->process.name = "iscsi";
	s->process.step = step;
	s->state = ISCSI_IDLE;
	loop_add_process(loop, &s->process);
	return 0;
}

bool iscsi_session_ready(void *session)
{
	struct iscsi_session *s = session;
	return s->state == ISCSI_FULL_FEATURE || s->state == ISCSI_FAILED;
}

void iscsi_session_stop(struct iscsi_session *s)
{
	if (s->state == ISCSI_FULL_FEATURE && s->stream && tx_space(s) >= ISCSI_BHS_LEN + ISCSI_DIGEST_LEN) {
		/* §11.14: close the session; best effort, the answer is not awaited for long */
		struct iscsi_bhs b = {0};
		b.opcode = ISCSI_OP_LOGOUT_REQ;
		b.immediate = true;
		b.final = true;
		b.itt = take_itt(s);
		b.cmd_sn = s->cmd_sn;
		b.exp_stat_sn = s->exp_stat_sn;
		b.logout_req.reason = ISCSI_LOGOUT_CLOSE_SESSION;
		send_pdu(s, &b, NULL, 0);
		flush_tx(s);
	}
	loop_remove_process(s->loop, &s->process);
	fail_all(s, -WBE_ISCSI_SESSION_CLOSED);
	if (s->stream)
		stream_close(s->stream);
	s->stream = NULL;
	s->state = ISCSI_CLOSED;
	wb_free(s->tx);
	wb_free(s->rx_data);
	s->tx = s->rx_data = NULL;
}
