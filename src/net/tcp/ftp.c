/*
 * ftp.c - the FTP download client (contract in wireboot/ftp.h). Section numbers are RFC 959's
 * unless another RFC is named.
 *
 * One fetch is one session: a strict sequence of commands on the control connection, each
 * answered by one reply (§5.4 lists the replies each command may get), then one data
 * connection for RETR. Only passive mode is used: the server listens and we connect, which
 * works through NAT and firewalls that block connections towards the client (RFC 1579).
 * File bytes go from the data stream's receive buffer to the sink without a copy.
 */
#include "wireboot/ftp.h"

#include <string.h>

#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/ftp_msg.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/net.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/transport.h"
#include "wireboot/uri.h"

struct ftp_fetch {
	struct system *sys;
	struct download *dl;
	char *text;         /* the URI for messages, password redacted */
	char *filename;     /* the path as RETR and SIZE name it */
	char server[16];    /* the control connection's address, dotted (the data goes there too) */
	struct stream *ctrl, *data;
	bool ctrl_closed;   /* the server closed the control connection before a whole reply */
	struct ftp_reply reply;
	bool has_size;      /* SIZE answered: exactly @size bytes must arrive */
	uint64_t size;
	uint64_t received;  /* file bytes delivered to the sink */
};

/* ---- connections ----------------------------------------------------------------------- */

static bool connected(void *arg)
{
	return stream_state(arg) != STREAM_CONNECTING;
}

/* Opens a connection to the server's address, port @port, for @what ("control", "data"). */
static int open_stream(struct ftp_fetch *f, uint16_t port, const char *what, struct stream **out)
{
	struct system *sys = f->sys;
	struct stream *s;
	int rc = sys->transport->connect(sys->transport->ctx, f->server, port, &s);
	if (rc == 0) {
		rc = loop_run_until(&sys->loop, connected, s, FTP_TIMEOUT_NS);
		if (rc == -WBE_TIMEDOUT)
			rc = -WBE_TCP_CONNECT_TIMEOUT;
		else if (rc == 0 && stream_state(s) == STREAM_FAILED)
			rc = stream_error(s);
		if (rc)
			stream_abort(s);
	}
	if (rc) {
		console_printf(&sys->console, "%s: cannot open the %s connection to %s port %u: %s\n", f->text, what,
			       f->server, port, errors_message(rc));
		return rc;
	}
	*out = s;
	return 0;
}

static bool writable(void *arg)
{
	return stream_state(arg) != STREAM_OPEN || stream_write_space(arg) > 0;
}

static bool readable(void *arg)
{
	size_t len;
	enum stream_state st = stream_state(arg);
	return stream_peek(arg, &len) != NULL || stream_eof(arg) || st == STREAM_FAILED || st == STREAM_CLOSED;
}

/* Waits for @cond on @s for at most FTP_TIMEOUT_NS; the timeout becomes -WBE_FTP_TIMEOUT. */
static int wait_for(struct ftp_fetch *f, bool (*cond)(void *), struct stream *s)
{
	int rc = loop_run_until(&f->sys->loop, cond, s, FTP_TIMEOUT_NS);
	return rc == -WBE_TIMEDOUT ? -WBE_FTP_TIMEOUT : rc;
}

/* ---- the control connection ---------------------------------------------------------- */

/* Prints "<uri>: <what>: <why>" for a failure that is not a reply of the server. */
static int fail(struct ftp_fetch *f, int rc, const char *what)
{
	console_printf(&f->sys->console, "%s: %s: %s\n", f->text, what, errors_message(rc));
	return rc;
}

/*
 * Sends "@verb @arg" (no argument when @arg is NULL). A @secret argument (the password) is
 * wiped from memory once sent and logged as "***".
 */
static int send_command(struct ftp_fetch *f, const char *verb, const char *arg, bool secret)
{
	char *line = wb_malloc(FTP_COMMAND_MAX + 1);
	if (!line)
		return fail(f, -WBE_NOMEM, "no memory for a command");
	int n = ftp_build_command(verb, arg, line, FTP_COMMAND_MAX + 1);
	int rc = n < 0 ? n : 0;
	log_msg(&f->sys->log, LOG_DEBUG, "ftp", "> %s%s%s", verb, arg ? " " : "", !arg ? "" : secret ? "***" : arg);
	for (size_t done = 0; rc == 0 && done < (size_t)n;) {
		long sent = stream_write(f->ctrl, line + done, (size_t)n - done);
		if (sent < 0)
			rc = (int)sent;
		else if ((done += (size_t)sent) < (size_t)n)
			rc = wait_for(f, writable, f->ctrl);
		if (rc == 0 && stream_state(f->ctrl) == STREAM_FAILED)
			rc = stream_error(f->ctrl);
	}
	if (secret && n > 0) {
		volatile char *wipe = line;
		for (int i = 0; i < n; i++)
			wipe[i] = 0;
	}
	wb_free(line);
	if (rc) {
		console_printf(&f->sys->console, "%s: cannot send %s: %s\n", f->text, verb, errors_message(rc));
		return rc;
	}
	return 0;
}

/* Reads the next whole reply into f->reply. */
static int read_reply(struct ftp_fetch *f, const char *after)
{
	struct stream *s = f->ctrl;
	for (;;) {
		size_t len = 0, used;
		const uint8_t *p = stream_peek(s, &len);
		int rc = ftp_reply_feed(&f->reply, p, len, &used);
		stream_consume(s, rc < 0 ? 0 : used);
		if (rc == FTP_REPLY_DONE) {
			log_msg(&f->sys->log, LOG_DEBUG, "ftp", "< %u %s", f->reply.code, f->reply.text);
			return 0;
		}
		if (rc < 0) {
			console_printf(&f->sys->console, "%s: malformed reply to %s: %s\n", f->text, after,
				       errors_message(rc));
			return rc;
		}
		if (len)
			continue;
		if (stream_state(s) == STREAM_FAILED)
			rc = stream_error(s);
		else if (stream_eof(s) || stream_state(s) == STREAM_CLOSED)
			rc = -WBE_FTP_UNEXPECTED;
		else
			rc = wait_for(f, readable, s);
		if (rc == -WBE_FTP_UNEXPECTED) {
			f->ctrl_closed = true;
			console_printf(&f->sys->console, "%s: the server closed the control connection instead of "
							 "answering %s\n", f->text, after);
			return rc;
		}
		if (rc) {
			console_printf(&f->sys->console, "%s: no reply to %s: %s\n", f->text, after, errors_message(rc));
			return rc;
		}
	}
}

/* Sends a command and reads its reply. */
static int command(struct ftp_fetch *f, const char *verb, const char *arg, bool secret)
{
	int rc = send_command(f, verb, arg, secret);
	return rc ? rc : read_reply(f, verb);
}

/*
 * The reply to @verb is not one the download can go on with: prints it and returns its code:
 * 421 (§4.2: the server is closing the control connection) -WBE_FTP_UNAVAILABLE, 530 (not
 * logged in) -WBE_FTP_LOGIN_REFUSED, anything else -WBE_FTP_UNEXPECTED unless @rc says.
 */
static int refused(struct ftp_fetch *f, const char *verb, int rc)
{
	unsigned code = f->reply.code;
	if (code == 421)
		rc = -WBE_FTP_UNAVAILABLE;
	else if (code == 530)
		rc = -WBE_FTP_LOGIN_REFUSED;
	console_printf(&f->sys->console, "%s: the server answered %s with %u \"%s\"\n", f->text, verb, code,
		       f->reply.text);
	return rc;
}

/* §5.4 connection establishment: 220 (after at most one 120 "ready in nnn minutes"). */
static int greeting(struct ftp_fetch *f)
{
	int rc = read_reply(f, "the connection");
	if (rc == 0 && f->reply.code == 120)
		rc = read_reply(f, "the connection");
	if (rc == 0 && f->reply.code != 220)
		rc = refused(f, "the connection", -WBE_FTP_UNEXPECTED);
	return rc;
}

/* §5.4 USER, PASS: 230 logs in; 331 asks for the password; 332 asks for an account (ACCT),
 * which a URI cannot carry. */
static int login(struct ftp_fetch *f)
{
	const struct uri *u = f->dl->uri;
	const char *user = u->user ? u->user : "anonymous";
	const char *password = u->user ? (u->password ? u->password : "") : FTP_ANONYMOUS_PASSWORD;
	int rc = command(f, "USER", user, false);
	if (rc)
		return rc;
	if (f->reply.code == 331) {
		rc = command(f, "PASS", password, true);
		if (rc)
			return rc;
		if (f->reply.code == 230 || f->reply.code == 202)
			return 0;
		return refused(f, "PASS", f->reply.code == 332 ? -WBE_FTP_LOGIN_REFUSED : -WBE_FTP_UNEXPECTED);
	}
	if (f->reply.code == 230)
		return 0;
	return refused(f, "USER", f->reply.code == 332 ? -WBE_FTP_LOGIN_REFUSED : -WBE_FTP_UNEXPECTED);
}

/* RFC 3659 §4: the file's size, if the server tells it; the sink may reserve the memory. */
static int file_size(struct ftp_fetch *f)
{
	int rc = command(f, "SIZE", f->filename, false);
	if (rc)
		return rc;
	if (f->reply.code == 421)
		return refused(f, "SIZE", -WBE_FTP_UNAVAILABLE);
	/* an error (550: missing, or a server that does not count sizes) is not final: RETR's
	 * answer is, and the download then runs without a known length */
	if (f->reply.code != 213 || ftp_parse_size(f->reply.text, &f->size) != 0) {
		log_msg(&f->sys->log, LOG_DEBUG, "ftp", "no size: %u %s", f->reply.code, f->reply.text);
		return 0;
	}
	f->has_size = true;
	f->dl->total = f->size;
	if (f->dl->expect) {
		rc = f->dl->expect(f->dl, f->size);
		if (rc) {
			console_printf(&f->sys->console, "%s: cannot take a file of %llu bytes: %s\n", f->text,
				       (unsigned long long)f->size, errors_message(rc));
			return rc;
		}
	}
	return 0;
}

/*
 * Passive mode: the port the server listens on for the data connection. EPSV first (RFC 2428
 * §3: it carries only the port, so it works whatever the address family and through NAT);
 * a server that does not know it answers 500/502 (or 522 for a protocol it does not do) and
 * gets PASV. The address of a 227 reply is not used (see ftp.h).
 */
static int passive_port(struct ftp_fetch *f, uint16_t *port)
{
	int rc = command(f, "EPSV", NULL, false);
	if (rc)
		return rc;
	if (f->reply.code == 229) {
		rc = ftp_parse_epsv(f->reply.text, port);
		return rc ? refused(f, "EPSV", rc) : 0;
	}
	if (f->reply.code / 100 != 5)
		return refused(f, "EPSV", -WBE_FTP_UNEXPECTED);
	log_msg(&f->sys->log, LOG_DEBUG, "ftp", "EPSV refused (%u): trying PASV", f->reply.code);
	rc = command(f, "PASV", NULL, false);
	if (rc)
		return rc;
	if (f->reply.code == 227) {
		uint32_t ignored;
		rc = ftp_parse_pasv(f->reply.text, &ignored, port);
		return rc ? refused(f, "PASV", rc) : 0;
	}
	return refused(f, "PASV", f->reply.code / 100 == 5 ? -WBE_FTP_NO_PASSIVE : -WBE_FTP_UNEXPECTED);
}

/* ---- the transfer ---------------------------------------------------------------------- */

/* Reads the data connection into the sink until the server closes it. */
static int receive_file(struct ftp_fetch *f)
{
	struct stream *s = f->data;
	for (;;) {
		size_t len = 0;
		const uint8_t *p = stream_peek(s, &len);
		if (len) {
			if (f->has_size && len > f->size - f->received) {
				console_printf(&f->sys->console, "%s: the server sends more than the %llu bytes SIZE announced\n",
					       f->text, (unsigned long long)f->size);
				return -WBE_FTP_SIZE;
			}
			int rc = f->dl->write(f->dl, f->received, p, len);
			if (rc) {
				console_printf(&f->sys->console, "%s: the file could not be stored at byte %llu: %s\n",
					       f->text, (unsigned long long)f->received, errors_message(rc));
				return rc;
			}
			download_progress(f->sys, f->dl, f->received, len);
			f->received += len;
			stream_consume(s, len);
			continue;
		}
		if (stream_eof(s) || stream_state(s) == STREAM_CLOSED)
			return 0;
		int rc = stream_state(s) == STREAM_FAILED ? stream_error(s) : wait_for(f, readable, s);
		if (rc) {
			console_printf(&f->sys->console, "%s: the data connection %s after %llu bytes: %s\n", f->text,
				       rc == -WBE_FTP_TIMEOUT ? "stalled" : "failed", (unsigned long long)f->received,
				       errors_message(rc));
			return rc;
		}
	}
}

/*
 * §5.4 RETR: a preliminary 125/150, the file on the data connection, then 226 or 250; a
 * server may skip the preliminary reply. 450/550: the file cannot be read (missing, or
 * not readable by the server's user); 425/426/451: the transfer did not happen or broke.
 */
static int retrieve(struct ftp_fetch *f)
{
	int rc = command(f, "RETR", f->filename, false);
	if (rc)
		return rc;
	unsigned code = f->reply.code;
	if (code == 550 || code == 450)
		return refused(f, "RETR", -WBE_FTP_FILE_UNAVAILABLE);
	if (code == 425 || code == 426 || code == 451)
		return refused(f, "RETR", -WBE_FTP_INCOMPLETE);
	bool completed = code == 226 || code == 250;
	if (code != 125 && code != 150 && !completed)
		return refused(f, "RETR", -WBE_FTP_UNEXPECTED);
	rc = receive_file(f);
	if (rc)
		stream_abort(f->data); /* a reset tells the server to stop sending at once */
	else
		stream_close(f->data);
	f->data = NULL;
	if (rc)
		return rc;
	if (!completed) {
		rc = read_reply(f, "the end of the transfer");
		if (rc)
			return f->ctrl_closed ? -WBE_FTP_INCOMPLETE : rc;
		if (f->reply.code != 226 && f->reply.code != 250)
			return refused(f, "RETR", -WBE_FTP_INCOMPLETE);
	}
	if (f->has_size && f->received != f->size) {
		console_printf(&f->sys->console, "%s: %llu bytes arrived, SIZE announced %llu\n", f->text,
			       (unsigned long long)f->received, (unsigned long long)f->size);
		return -WBE_FTP_SIZE;
	}
	return 0;
}

/*
 * Ends the session after a fetch that returned @rc: §4.1.1 QUIT (its answer only bounds the
 * wait) when the control connection is still in step, a reset when it cannot be trusted
 * (no reply in time, a malformed one, cancelled).
 */
static void end_session(struct ftp_fetch *f, int rc)
{
	if (f->data)
		stream_abort(f->data);
	if (!f->ctrl)
		return;
	bool in_step = !f->ctrl_closed && stream_state(f->ctrl) == STREAM_OPEN && rc != -WBE_FTP_TIMEOUT &&
		       rc != -WBE_FTP_MALFORMED && rc != -WBE_CANCELED;
	if (in_step && send_command(f, "QUIT", NULL, false) == 0) {
		loop_run_until(&f->sys->loop, readable, f->ctrl, FTP_QUIT_TIMEOUT_NS);
		stream_close(f->ctrl);
	} else {
		stream_abort(f->ctrl);
	}
}

static int session(struct ftp_fetch *f)
{
	struct system *sys = f->sys;
	const struct uri *u = f->dl->uri;
	uint16_t port = u->has_port ? u->port : FTP_PORT;
	uint32_t addr;
	int rc = sys->transport->resolve(sys->transport->ctx, u->host, &addr);
	if (rc) {
		console_printf(&sys->console, "%s: cannot resolve %s: %s\n", f->text, u->host, errors_message(rc));
		return rc;
	}
	ipv4_format(addr, f->server, sizeof(f->server));
	rc = open_stream(f, port, "control", &f->ctrl);
	if (rc == 0)
		rc = greeting(f);
	if (rc == 0)
		rc = login(f);
	/* §3.1.1.3: image type, the file's bytes unchanged */
	if (rc == 0 && (rc = command(f, "TYPE", "I", false)) == 0 && f->reply.code != 200)
		rc = refused(f, "TYPE I", -WBE_FTP_UNEXPECTED);
	if (rc == 0)
		rc = file_size(f);
	uint16_t data_port = 0;
	if (rc == 0)
		rc = passive_port(f, &data_port);
	if (rc == 0)
		rc = open_stream(f, data_port, "data", &f->data);
	if (rc == 0)
		rc = retrieve(f);
	return rc;
}

/* ---- the ftp:// scheme ------------------------------------------------------------------ */

/* Longest argument a command can carry: every verb sent has 4 letters, then a space and CRLF. */
#define ARG_MAX (FTP_COMMAND_MAX - 7)

/* Whether @arg (NULL: none) can go into a command: see ftp_build_command(). */
static bool arg_usable(const char *arg)
{
	return !arg || (ftp_arg_ok(arg) && strlen(arg) <= ARG_MAX);
}

/* The file name of the URI: its path percent-decoded, without the leading '/' (as iPXE). */
static int uri_filename(struct ftp_fetch *f)
{
	const struct uri *u = f->dl->uri;
	const char *why = NULL;
	if (!u->host || !*u->host)
		why = "no server in the URI";
	else if (u->host_is_ip_literal)
		why = "IPv6 servers are not supported";
	else if (u->has_port && u->port == 0)
		why = "port 0 cannot be an FTP server's port";
	else if (!arg_usable(u->user) || !arg_usable(u->password))
		why = "the user or password contains CR, LF or 0xFF, or is longer than 4 KiB: it cannot go into an "
		      "FTP command";
	const char *path = u->path[0] == '/' ? u->path + 1 : u->path;
	size_t n = strlen(path);
	if (!why && n == 0)
		why = "no file name in the URI";
	if (why) {
		console_printf(&f->sys->console, "%s: %s\n", f->text, why);
		return -WBE_FTP_URI;
	}
	f->filename = wb_malloc(n + 1);
	if (!f->filename)
		return fail(f, -WBE_NOMEM, "no memory for the file name");
	int rc = uri_percent_decode(path, n, f->filename, n + 1, NULL);
	if (rc)
		return fail(f, rc, "the file name does not decode");
	if (!arg_usable(f->filename)) {
		console_printf(&f->sys->console, "%s: the file name contains CR, LF or 0xFF, or is longer than 4 KiB: "
						 "it cannot go into an FTP command\n", f->text);
		return -WBE_FTP_URI;
	}
	return 0;
}

static int ftp_fetch(struct system *sys, struct download *dl)
{
	char *text = NULL;
	int rc = uri_redacted_text(dl->uri, &text);
	struct ftp_fetch *f = rc == 0 ? wb_zalloc(sizeof(*f)) : NULL;
	if (!f) {
		console_printf(&sys->console, "%s: no memory for the FTP client\n", dl->uri->scheme);
		wb_free(text);
		return rc ? rc : -WBE_NOMEM;
	}
	f->sys = sys;
	f->dl = dl;
	f->text = text;
	ftp_reply_init(&f->reply);
	rc = uri_filename(f);
	if (rc == 0)
		rc = session(f);
	end_session(f, rc);
	wb_free(f->filename);
	wb_free(text);
	wb_free(f);
	return rc;
}

const struct uri_scheme scheme_ftp = {"ftp", ftp_fetch, false};
WB_REGISTER(uri_schemes, scheme_ftp);
