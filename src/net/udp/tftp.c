/*
 * tftp.c - TFTP transfer engine and the tftp:// download scheme (contract in wireboot/tftp.h).
 * Section numbers are RFC 1350's unless stated otherwise.
 *
 * The engine is lock-step RFC 1350 (one ACK per DATA) unless the server accepts a window
 * (RFC 7440): then one ACK per window, and a gap inside a window is answered at once with an
 * ACK of the last block received in order, so the server resends from there without waiting
 * for its own timeout. Block numbers are 16 bits: past 65535 they roll over to 0 (what
 * tftp-hpa and dnsmasq send for big files); all block arithmetic is modulo 2^16 and the file
 * offset is kept separately in 64 bits.
 */
#include "wireboot/tftp.h"

#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/console.h"
#include "wireboot/dns.h"
#include "wireboot/download.h"
#include "wireboot/errors.h"
#include "wireboot/iobuf.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/system.h"
#include "wireboot/udp.h"
#include "wireboot/uri.h"

/* ---- the transfer engine ---- */

static void emit(struct tftp_xfer *x, struct tftp_action *act)
{
	act->send = x->out;
	act->send_len = x->out_len;
	act->send_port = x->out_port;
}

static void finish(struct tftp_xfer *x, struct tftp_action *act, int rc, const char *why)
{
	x->state = TFTP_FINISHED;
	x->rc = rc;
	x->why = why;
	act->finished = true;
}

/* Acknowledge @block (§6: each DATA, or with a window the last block of it) from now on. */
static void set_ack(struct tftp_xfer *x, uint16_t block)
{
	x->out_len = (size_t)tftp_build_ack(block, x->out);
	x->out_port = x->tid;
	x->sends = 1;
	x->acked = block;
	x->has_acked = true;
	x->unacked = 0;
}

/* We end the transfer because of what the server sent: tell it why (§7: an ERROR ends a
 * transfer and is neither acknowledged nor retransmitted) and finish with @rc. */
static void fail(struct tftp_xfer *x, struct tftp_action *act, uint16_t port, int rc, uint16_t code,
		 const char *why)
{
	x->out_len = (size_t)tftp_build_error(code, why, x->out, sizeof(x->out));
	x->out_port = port;
	emit(x, act);
	finish(x, act, rc, why);
}

static bool asked_options(const struct tftp_xfer *x)
{
	return x->asked.blksize || x->asked.windowsize || x->asked.tsize;
}

int tftp_xfer_start(struct tftp_xfer *x, const char *filename, uint16_t port, const struct tftp_options *opts,
		    struct tftp_action *act)
{
	memset(x, 0, sizeof(*x));
	memset(act, 0, sizeof(*act));
	int len = tftp_build_rrq(filename, opts, x->out, sizeof(x->out));
	if (len < 0)
		return len;
	x->state = TFTP_REQUESTING;
	x->filename = filename;
	if (opts)
		x->asked = *opts;
	x->server_port = port;
	x->out_len = (size_t)len;
	x->out_port = port;
	x->sends = 1;
	emit(x, act);
	return 0;
}

static void on_error(struct tftp_xfer *x, const struct tftp_packet *p, struct tftp_action *act)
{
	/* RFC 2347: a server that refuses the options answers ERROR 8; ask again without them
	 * (once: the fallback request asks for nothing) */
	if (x->state == TFTP_REQUESTING && p->error_code == TFTP_ERR_OPTION && asked_options(x)) {
		memset(&x->asked, 0, sizeof(x->asked));
		x->out_len = (size_t)tftp_build_rrq(x->filename, NULL, x->out, sizeof(x->out)); /* shorter: fits */
		x->out_port = x->server_port;
		x->sends = 1;
		emit(x, act);
		act->progress = true;
		return;
	}
	x->server_error = true;
	x->error_code = p->error_code;
	memcpy(x->error_text, p->error_text, sizeof(x->error_text));
	int rc = p->error_code == TFTP_ERR_NOT_FOUND ? -WBE_TFTP_NOT_FOUND
		 : p->error_code == TFTP_ERR_ACCESS  ? -WBE_TFTP_ACCESS
						     : -WBE_TFTP_SERVER_ERROR;
	finish(x, act, rc, NULL);
}

static void lock(struct tftp_xfer *x, uint16_t port)
{
	/* §4: the server answers from a new port, its transfer ID for the rest of the transfer */
	x->tid = port;
	x->state = TFTP_TRANSFERRING;
}

static void on_oack(struct tftp_xfer *x, uint16_t port, const struct tftp_packet *p, struct tftp_action *act)
{
	if (x->state == TFTP_TRANSFERRING) {
		/* the server repeats its OACK: our ACK 0 was lost; anything later is stale */
		if (x->offset == 0 && x->block == 0 && x->has_acked && x->acked == 0)
			emit(x, act);
		return;
	}
	if (!asked_options(x)) {
		fail(x, act, port, -WBE_TFTP_OACK, TFTP_ERR_OPTION, "option acknowledgement to a request without options");
		return;
	}
	struct tftp_oack o;
	int rc = tftp_parse_oack(p->data, p->data_len, &x->asked, &o);
	if (rc) {
		/* RFC 2347: a client that does not accept the OACK sends ERROR 8 */
		fail(x, act, port, rc, TFTP_ERR_OPTION,
		     rc == -WBE_TFTP_MALFORMED ? "malformed option acknowledgement"
					       : "option acknowledgement with an option not asked for or out of range");
		return;
	}
	lock(x, port);
	x->blksize = o.blksize;
	x->windowsize = o.windowsize;
	x->has_tsize = o.has_tsize;
	x->tsize = o.tsize;
	if (o.has_tsize) {
		act->announce = true;
		act->tsize = o.tsize;
	}
	/* RFC 2347: the client confirms the OACK with ACK 0, then DATA 1 follows */
	set_ack(x, 0);
	emit(x, act);
	act->progress = true;
}

static void on_data(struct tftp_xfer *x, uint16_t port, const struct tftp_packet *p, struct tftp_action *act)
{
	if (x->state == TFTP_REQUESTING) {
		/* RFC 2347: a server that ignores the options answers with DATA 1 and RFC 1350's
		 * values (512-byte blocks, lock-step, no size) */
		if (p->block != 1) {
			fail(x, act, port, -WBE_TFTP_MALFORMED, TFTP_ERR_ILLEGAL_OP, "first data block is not block 1");
			return;
		}
		lock(x, port);
		x->blksize = TFTP_BLKSIZE_DEFAULT;
		x->windowsize = 1;
	}
	if (p->data_len > x->blksize) {
		fail(x, act, x->tid, -WBE_TFTP_MALFORMED, TFTP_ERR_ILLEGAL_OP, "data block larger than the block size");
		return;
	}
	uint16_t expected = (uint16_t)(x->block + 1);
	uint16_t ahead = (uint16_t)(p->block - expected);
	if (ahead == 0) {
		act->data = p->data;
		act->len = p->data_len;
		act->offset = x->offset;
		act->progress = true;
		x->offset += p->data_len;
		x->block = expected;
		x->unacked++;
		x->gap_acked = false;
		if (p->data_len < x->blksize) {
			/* §6: a block shorter than the block size ends the file; it is acknowledged
			 * like any other so the server can stop */
			set_ack(x, x->block);
			emit(x, act);
			if (x->has_tsize && x->offset != x->tsize)
				finish(x, act, -WBE_TFTP_SIZE, "the server sent a different length than its tsize announced");
			else
				finish(x, act, 0, NULL);
		} else if (x->unacked >= x->windowsize) {
			set_ack(x, x->block);
			emit(x, act);
		}
		return;
	}
	if (ahead < x->windowsize) {
		/* RFC 7440 §4: a block of the window is missing: acknowledge the last one received
		 * in order so the server resends from there; once per gap, as the rest of the
		 * window would only repeat the same ACK */
		if (!x->gap_acked) {
			set_ack(x, x->block);
			emit(x, act);
			x->gap_acked = true;
		}
		return;
	}
	/* An old block, not rewritten. The server resends the block (or window) we last
	 * acknowledged when that ACK was lost: acknowledge it again. Earlier duplicates are
	 * ignored: answering each would multiply the server's resends (the Sorcerer's
	 * Apprentice, RFC 1123 §4.2.3.1). */
	if (x->has_acked && p->block == x->acked)
		emit(x, act);
}

void tftp_xfer_rx(struct tftp_xfer *x, uint16_t src_port, const uint8_t *msg, size_t len, struct tftp_action *act)
{
	memset(act, 0, sizeof(*act));
	if (x->state == TFTP_FINISHED)
		return;
	if (x->state == TFTP_TRANSFERRING && src_port != x->tid) {
		/* §4: a packet from another transfer ID gets ERROR 5 and the transfer goes on;
		 * an ERROR is never answered (§7), so two peers cannot loop on each other */
		if (len >= 2 && get_be16(msg) == TFTP_OP_ERROR)
			return;
		act->send = x->aside;
		act->send_len = (size_t)tftp_build_error(TFTP_ERR_UNKNOWN_TID, "unknown transfer ID", x->aside,
							 sizeof(x->aside));
		act->send_port = src_port;
		return;
	}
	struct tftp_packet p;
	if (tftp_parse(msg, len, &p)) {
		fail(x, act, src_port, -WBE_TFTP_MALFORMED, TFTP_ERR_ILLEGAL_OP, "malformed packet");
		return;
	}
	switch (p.opcode) {
	case TFTP_OP_ERROR:
		on_error(x, &p, act);
		break;
	case TFTP_OP_OACK:
		on_oack(x, src_port, &p, act);
		break;
	default: /* TFTP_OP_DATA: tftp_parse() returns nothing else */
		on_data(x, src_port, &p, act);
		break;
	}
}

void tftp_xfer_timeout(struct tftp_xfer *x, struct tftp_action *act)
{
	memset(act, 0, sizeof(*act));
	if (x->state == TFTP_FINISHED)
		return;
	if (x->sends >= TFTP_MAX_SENDS) {
		finish(x, act, -WBE_TFTP_TIMEOUT,
		       x->state == TFTP_REQUESTING ? "no answer to the read request" : "the server stopped sending");
		return;
	}
	if (x->state == TFTP_TRANSFERRING && !(x->has_acked && x->acked == x->block)) {
		/* RFC 7440 §4: the rest of a window did not come: acknowledge what did */
		set_ack(x, x->block);
	} else {
		x->sends++;
	}
	emit(x, act);
}

uint64_t tftp_xfer_timeout_ns(const struct tftp_xfer *x)
{
	unsigned shift = x->sends ? x->sends - 1 : 0;
	if (shift > 4)
		return TFTP_TIMEOUT_MAX_NS;
	uint64_t t = TFTP_TIMEOUT_FIRST_NS << shift;
	return t < TFTP_TIMEOUT_MAX_NS ? t : TFTP_TIMEOUT_MAX_NS;
}

void tftp_xfer_abort(struct tftp_xfer *x, int rc, struct tftp_action *act)
{
	memset(act, 0, sizeof(*act));
	if (x->state == TFTP_FINISHED)
		return;
	if (x->state == TFTP_TRANSFERRING) {
		x->out_len = (size_t)tftp_build_error(rc == -WBE_NOMEM ? TFTP_ERR_DISK_FULL : TFTP_ERR_UNDEFINED,
						      errors_message(rc), x->out, sizeof(x->out));
		x->out_port = x->tid;
		emit(x, act);
	}
	finish(x, act, rc, NULL);
}

/* ---- the tftp:// scheme ---- */

#define RESOLVE_TIMEOUT_NS (30 * NS_PER_SEC)

struct tftp_fetch {
	struct system *sys;
	struct download *dl;
	struct udp_socket sock;
	uint32_t server; /* host order */
	struct tftp_xfer x;
	bool progress;   /* the engine advanced since the wait began */
	int send_rc;     /* the first failed udp_send(), which ends the transfer */
	char *text;      /* the URI for messages, password redacted */
};

static void apply(struct tftp_fetch *f, const struct tftp_action *act);

/* The sink refused: tell the user and the server. */
static void sink_failed(struct tftp_fetch *f, int rc, const char *what)
{
	console_printf(&f->sys->console, "%s: %s: %s\n", f->text, what, errors_message(rc));
	struct tftp_action act;
	tftp_xfer_abort(&f->x, rc, &act);
	apply(f, &act);
}

static void send_packet(struct tftp_fetch *f, const uint8_t *data, size_t len, uint16_t port)
{
	struct iobuf *iob = iobuf_alloc(UDP_HEADROOM + len);
	int rc = -WBE_NOMEM;
	if (iob) {
		iobuf_reserve(iob, UDP_HEADROOM);
		memcpy(iobuf_put(iob, len), data, len);
		rc = udp_send(&f->sock, NULL, 0, f->server, port, iob);
	}
	if (rc && !f->send_rc)
		f->send_rc = rc;
}

static void apply(struct tftp_fetch *f, const struct tftp_action *act)
{
	struct download *dl = f->dl;
	if (act->announce && dl->expect) {
		int rc = dl->expect(dl, act->tsize);
		if (rc) {
			sink_failed(f, rc, "cannot take the file's announced size");
			return;
		}
	}
	if (act->len) {
		int rc = dl->write(dl, act->offset, act->data, act->len);
		if (rc) {
			sink_failed(f, rc, "storing the received bytes failed");
			return;
		}
		download_progress(f->sys, dl, act->offset, act->len);
	}
	if (act->progress)
		f->progress = true;
	if (act->send)
		send_packet(f, act->send, act->send_len, act->send_port);
}

static void fetch_rx(struct udp_socket *sock, struct iobuf *iob, const struct udp_meta *meta)
{
	struct tftp_fetch *f = container_of(sock, struct tftp_fetch, sock);
	/* only the server's address: answering strangers would make us a reflector */
	if (meta->src == f->server) {
		struct tftp_action act;
		tftp_xfer_rx(&f->x, meta->src_port, iob->data, iobuf_len(iob), &act);
		apply(f, &act);
	}
	iobuf_free(iob);
}

static bool wait_over(void *arg)
{
	struct tftp_fetch *f = arg;
	return f->x.state == TFTP_FINISHED || f->progress || f->send_rc;
}

static const char *const tftp_error_names[] = {
	"undefined", "file not found", "access violation", "disk full or allocation exceeded",
	"illegal TFTP operation", "unknown transfer ID", "file already exists", "no such user",
	"option negotiation refused",
};

/* The outcome, as a line on the console. */
static void report(struct tftp_fetch *f, uint16_t port)
{
	struct tftp_xfer *x = &f->x;
	struct console *con = &f->sys->console;
	char ip[16];
	ipv4_format(f->server, ip, sizeof(ip));
	if (x->server_error) {
		const char *name = x->error_code < sizeof(tftp_error_names) / sizeof(tftp_error_names[0])
					   ? tftp_error_names[x->error_code]
					   : "unknown error code";
		console_printf(con, "%s: the server refused: TFTP error %u (%s): \"%s\"\n", f->text, x->error_code, name,
			       x->error_text);
	} else if (x->rc == -WBE_TFTP_TIMEOUT) {
		console_printf(con, "%s: %s (%s port %u, after %llu bytes, %u tries)\n", f->text, x->why, ip,
			       x->state == TFTP_REQUESTING ? port : x->tid, (unsigned long long)x->offset, TFTP_MAX_SENDS);
	} else if (x->rc == -WBE_TFTP_SIZE) {
		console_printf(con, "%s: %s (%llu announced, %llu received)\n", f->text, x->why,
			       (unsigned long long)x->tsize, (unsigned long long)x->offset);
	} else if (x->why) {
		console_printf(con, "%s: %s\n", f->text, x->why);
	} else if (x->rc == -WBE_CANCELED) {
		console_printf(con, "%s: cancelled after %llu bytes\n", f->text, (unsigned long long)x->offset);
	}
}

/* The file name of the URI: its path percent-decoded, without the leading '/'. */
static int uri_filename(struct tftp_fetch *f, char **out)
{
	const struct uri *u = f->dl->uri;
	if (!u->host || !*u->host || u->host_is_ip_literal) {
		console_printf(&f->sys->console, "%s: %s\n", f->text,
			       u->host_is_ip_literal ? "IPv6 servers are not supported" : "no server in the URI");
		return -WBE_TFTP_URI;
	}
	if (u->has_port && u->port == 0) {
		console_printf(&f->sys->console, "%s: port 0 cannot be a TFTP server's port\n", f->text);
		return -WBE_TFTP_URI;
	}
	const char *path = u->path[0] == '/' ? u->path + 1 : u->path;
	size_t n = strlen(path);
	if (n == 0) {
		console_printf(&f->sys->console, "%s: no file name in the URI\n", f->text);
		return -WBE_TFTP_URI;
	}
	char *name = wb_malloc(n + 1);
	if (!name) {
		console_printf(&f->sys->console, "%s: no memory for the file name\n", f->text);
		return -WBE_NOMEM;
	}
	int rc = uri_percent_decode(path, n, name, n + 1, NULL);
	if (rc) {
		console_printf(&f->sys->console, "%s: the file name does not decode: %s\n", f->text, errors_message(rc));
		wb_free(name);
		return rc;
	}
	*out = name;
	return 0;
}

/* Runs the transfer of @filename from @port; returns its rc after reporting a failure. */
static int transfer(struct tftp_fetch *f, const char *filename, uint16_t port)
{
	struct system *sys = f->sys;
	list_init(&f->sock.link);
	f->sock.rx = fetch_rx;
	int rc = udp_bind(&sys->net, &f->sock, 0);
	if (rc) {
		console_printf(&sys->console, "%s: no local UDP port: %s\n", f->text, errors_message(rc));
		return rc;
	}
	const struct tftp_options opts = {TFTP_FETCH_BLKSIZE, TFTP_FETCH_WINDOWSIZE, true};
	struct tftp_action act;
	rc = tftp_xfer_start(&f->x, filename, port, &opts, &act);
	if (rc) {
		console_printf(&sys->console, "%s: the file name does not fit in a TFTP request (%u bytes)\n", f->text,
			       TFTP_REQUEST_MAX);
		udp_unbind(&f->sock);
		return rc;
	}
	apply(f, &act);
	/* each wait is bounded by the engine's retransmission timeout, and the engine gives up
	 * after TFTP_MAX_SENDS unanswered sends: the transfer always ends */
	while (f->x.state != TFTP_FINISHED && !f->send_rc) {
		f->progress = false;
		rc = loop_run_until(&sys->loop, wait_over, f, tftp_xfer_timeout_ns(&f->x));
		if (rc == -WBE_CANCELED)
			tftp_xfer_abort(&f->x, rc, &act);
		else if (rc == -WBE_TIMEDOUT)
			tftp_xfer_timeout(&f->x, &act);
		else
			continue;
		apply(f, &act);
	}
	udp_unbind(&f->sock);
	if (f->send_rc && f->x.state != TFTP_FINISHED) {
		char ip[16];
		ipv4_format(f->server, ip, sizeof(ip));
		console_printf(&sys->console, "%s: cannot send to %s: %s\n", f->text, ip, errors_message(f->send_rc));
		return f->send_rc;
	}
	report(f, port);
	return f->x.rc;
}

static int tftp_fetch(struct system *sys, struct download *dl)
{
	char *text = NULL;
	int rc = uri_redacted_text(dl->uri, &text);
	struct tftp_fetch *f = rc == 0 ? wb_zalloc(sizeof(*f)) : NULL;
	if (!f) {
		console_printf(&sys->console, "%s: no memory for the TFTP client\n", dl->uri->scheme);
		wb_free(text);
		return rc ? rc : -WBE_NOMEM;
	}
	f->sys = sys;
	f->dl = dl;
	f->text = text;
	char *filename = NULL;
	rc = uri_filename(f, &filename);
	if (rc == 0 && list_empty(&sys->net.netdevs)) {
		/* the host program's sockets carry TCP only: TFTP needs our own UDP on an interface */
		console_printf(&sys->console, "%s: no network interface: tftp:// runs on wireboot's own stack "
					      "(start the host program with --tap IFNAME)\n", text);
		rc = -WBE_TFTP_NO_NETWORK;
	}
	if (rc == 0) {
		rc = dns_resolve(&sys->net, dl->uri->host, &f->server, RESOLVE_TIMEOUT_NS);
		if (rc)
			console_printf(&sys->console, "%s: cannot resolve %s: %s\n", text, dl->uri->host, errors_message(rc));
	}
	if (rc == 0)
		rc = transfer(f, filename, dl->uri->has_port ? dl->uri->port : TFTP_PORT);
	wb_free(filename);
	wb_free(text);
	wb_free(f);
	return rc;
}

const struct uri_scheme scheme_tftp = {"tftp", tftp_fetch, false};
WB_REGISTER(uri_schemes, scheme_tftp);
