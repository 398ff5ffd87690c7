/*
 * nfs.c - read-only NFSv3 downloads (contract in wireboot/nfs.h). RFC numbers: ONC RPC
 * RFC 5531, portmapper RFC 1833, NFSv3 and MOUNT v3 RFC 1813.
 *
 * Three TCP connections to the server: the portmapper's (closed once both ports are known),
 * the mount daemon's (kept for the UMNT at the end) and the NFS server's. Every call before
 * the file's data waits for its reply. The data comes in READs of the server's preferred
 * size, several in flight; their replies may come back in any order (a server runs calls in
 * parallel), so each READ owns a record buffer: a reply is gathered into a spare buffer,
 * which then changes places with the buffer of the READ it answers, and the sink gets the
 * chunks in file order straight from those buffers.
 */
#include "wireboot/nfs.h"

#include <string.h>

#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/log.h"
#include "wireboot/malloc.h"
#include "wireboot/nfs_msg.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/transport.h"
#include "wireboot/uri.h"

/* Replies other than READ's (MNT, LOOKUP, READLINK with its NFS_LINK_MAX target, ...). */
#define CONTROL_RECORD_MAX 4096
/* Replies to no call in flight tolerated per fetch: a server that keeps sending them would
 * otherwise hold the download forever, each one restarting the reply timeout. */
#define STRAY_REPLIES_MAX 16

struct rpc_conn {
	struct stream *stream;
	struct nfs_record rec;
	const char *name; /* "portmapper", "mountd", "nfsd": for messages */
	uint16_t port;
};

struct read_slot {
	bool busy, done;
	uint32_t xid;
	uint64_t offset;
	uint32_t asked;
	uint8_t *buf; /* the record of its reply, once done; res points into it */
	struct nfs_result res;
};

struct fetch {
	struct system *sys;
	struct download *dl;
	struct rpc_conn mnt, nfs;
	uint32_t next_xid, stamp;
	uint8_t call[NFS_CALL_MAX];
	uint8_t control[CONTROL_RECORD_MAX];
	char path[MNT_PATH_MAX + 1];    /* the file's path on the server, decoded */
	char rest[MNT_PATH_MAX + 1];    /* components still to LOOKUP below the mount */
	char scratch[MNT_PATH_MAX + 1];
	char export_path[MNT_PATH_MAX + 1]; /* mounted (for the UMNT), "" when nothing is */
	struct nfs_fh root;
	struct nfs_fh file;
	struct nfs_attr attr;
	unsigned links;
	unsigned stray_replies;
	uint32_t chunk;
	struct read_slot slots[NFS_READS_IN_FLIGHT];
	uint8_t *spare;
	char text[URI_MAX_LEN + 1];
};

static const char *uri_text(struct fetch *f)
{
	if (uri_format_redacted(f->dl->uri, f->text, sizeof(f->text)) < 0)
		return "(URI)";
	return f->text;
}

static const char *nfs3_status_name(uint32_t status)
{
	switch (status) {
	case NFS3ERR_PERM: return "NFS3ERR_PERM";
	case NFS3ERR_NOENT: return "NFS3ERR_NOENT";
	case 5: return "NFS3ERR_IO";
	case NFS3ERR_ACCES: return "NFS3ERR_ACCES";
	case NFS3ERR_NOTDIR: return "NFS3ERR_NOTDIR";
	case 22: return "NFS3ERR_INVAL";
	case 63: return "NFS3ERR_NAMETOOLONG";
	case NFS3ERR_STALE: return "NFS3ERR_STALE";
	case 10001: return "NFS3ERR_BADHANDLE";
	case 10006: return "NFS3ERR_SERVERFAULT";
	default: return "NFS3ERR";
	}
}

static const char *mnt3_status_name(uint32_t status)
{
	switch (status) {
	case MNT3ERR_PERM: return "MNT3ERR_PERM";
	case MNT3ERR_NOENT: return "MNT3ERR_NOENT";
	case MNT3ERR_ACCES: return "MNT3ERR_ACCES";
	case MNT3ERR_NOTDIR: return "MNT3ERR_NOTDIR";
	default: return "MNT3ERR";
	}
}

/* ---- connections --------------------------------------------------------------------------- */

static bool connect_done(void *arg)
{
	return stream_state(arg) != STREAM_CONNECTING;
}

static int conn_open(struct fetch *f, struct rpc_conn *c, const char *name, uint16_t port)
{
	struct system *sys = f->sys;
	c->name = name;
	c->port = port;
	int rc = sys->transport->connect(sys->transport->ctx, f->dl->uri->host, port, &c->stream);
	if (rc == 0) {
		rc = loop_run_until(&sys->loop, connect_done, c->stream, NFS_CONNECT_TIMEOUT_NS);
		if (rc == -WBE_TIMEDOUT)
			rc = -WBE_TCP_CONNECT_TIMEOUT;
		else if (rc == 0 && stream_state(c->stream) == STREAM_FAILED)
			rc = stream_error(c->stream);
		if (rc) {
			stream_abort(c->stream);
			c->stream = NULL;
		}
	}
	if (rc)
		console_printf(&sys->console, "%s: cannot connect to the %s at %s port %u: %s\n", uri_text(f), name,
			       f->dl->uri->host, port, errors_message(rc));
	nfs_record_init(&c->rec, f->control, sizeof(f->control));
	return rc;
}

static void conn_close(struct rpc_conn *c)
{
	if (c->stream)
		stream_close(c->stream);
	c->stream = NULL;
}

static bool can_write(void *arg)
{
	return stream_state(arg) != STREAM_OPEN || stream_write_space(arg) > 0;
}

static int conn_send(struct fetch *f, struct rpc_conn *c, const uint8_t *data, size_t len, uint64_t timeout_ns)
{
	while (len) {
		long n = stream_write(c->stream, data, len);
		if (n < 0)
			return (int)n;
		data += n;
		len -= (size_t)n;
		if (len == 0)
			return 0;
		int rc = loop_run_until(&f->sys->loop, can_write, c->stream, timeout_ns);
		if (rc)
			return rc == -WBE_TIMEDOUT ? -WBE_NFS_TIMEOUT : rc;
		if (stream_state(c->stream) == STREAM_FAILED)
			return stream_error(c->stream);
	}
	return 0;
}

static bool can_read(void *arg)
{
	size_t len;
	enum stream_state st = stream_state(arg);
	return stream_peek(arg, &len) != NULL || stream_eof(arg) || st == STREAM_FAILED || st == STREAM_CLOSED;
}

/* Gathers the next reply record of @c into c->rec. Returns 0 or a negative rc. */
static int conn_record(struct fetch *f, struct rpc_conn *c, uint64_t timeout_ns)
{
	for (;;) {
		size_t len = 0, used;
		const uint8_t *p = stream_peek(c->stream, &len);
		int rc = nfs_record_feed(&c->rec, p, len, &used);
		stream_consume(c->stream, used);
		if (rc == 1)
			return 0;
		if (rc < 0)
			return rc;
		if (used)
			continue;
		if (stream_state(c->stream) == STREAM_FAILED)
			return stream_error(c->stream);
		if (stream_eof(c->stream) || stream_state(c->stream) == STREAM_CLOSED)
			return -WBE_NFS_CLOSED;
		rc = loop_run_until(&f->sys->loop, can_read, c->stream, timeout_ns);
		if (rc)
			return rc == -WBE_TIMEDOUT ? -WBE_NFS_TIMEOUT : rc;
	}
}

static void print_rpc_error(struct fetch *f, struct rpc_conn *c, const char *what, int rc,
			    const struct nfs_rpc_reply *r)
{
	if (rc == -WBE_NFS_RPC_DENIED)
		console_printf(&f->sys->console, "%s: the %s denied %s (%s %u): %s\n", uri_text(f), c->name, what,
			       r->stat ? "auth_stat" : "RPC versions supported from", r->stat ? r->auth_stat : r->low,
			       errors_message(rc));
	else if (rc == -WBE_NFS_RPC_UNAVAIL)
		console_printf(&f->sys->console, "%s: the %s cannot run %s (accept_stat %u): %s\n", uri_text(f),
			       c->name, what, r->stat, errors_message(rc));
	else
		console_printf(&f->sys->console, "%s: %s: no usable reply from the %s: %s\n", uri_text(f), what, c->name,
			       errors_message(rc));
}

/* A reply to no call in flight (a late answer to an abandoned call): true while it can be
 * skipped, false once there were too many. */
static bool stray_reply(struct fetch *f, uint32_t xid)
{
	log_msg(&f->sys->log, LOG_DEBUG, "nfs", "skipped a reply to xid %08x", xid);
	return ++f->stray_replies <= STRAY_REPLIES_MAX;
}

/*
 * Sends @call (its xid is assigned here) and waits for its reply: 0 with the procedure's
 * results in @res (they point into the connection's record buffer), or a negative rc after
 * printing what failed. Replies to other xids (a late answer to an abandoned call) are
 * skipped. @what names the call for messages.
 */
static int rpc_call(struct fetch *f, struct rpc_conn *c, struct nfs_call *call, const char *what,
		    uint64_t timeout_ns, struct nfs_result *res)
{
	call->xid = f->next_xid++;
	call->stamp = f->stamp;
	int len = nfs_msg_build_call(call, f->call, sizeof(f->call));
	if (len < 0) {
		console_printf(&f->sys->console, "%s: cannot make the %s call: %s\n", uri_text(f), what,
			       errors_message(len));
		return len;
	}
	int rc = conn_send(f, c, f->call, (size_t)len, timeout_ns);
	struct nfs_rpc_reply r = {0};
	while (rc == 0) {
		rc = conn_record(f, c, timeout_ns);
		if (rc)
			break;
		int prc = nfs_msg_parse_reply(c->rec.buf, c->rec.len, &r);
		size_t rec_len = c->rec.len;
		nfs_record_init(&c->rec, c->rec.buf, c->rec.size);
		if (r.xid != call->xid && rec_len >= 4) {
			if (stray_reply(f, r.xid))
				continue;
			rc = -WBE_NFS_MALFORMED;
			break;
		}
		rc = prc;
		if (rc == 0 && call->prog == RPC_PROG_MOUNT && call->proc == RPC_MOUNT_UMNT)
			return 0;
		if (rc == 0)
			rc = nfs_msg_parse_result(call->prog, call->proc, r.body, r.body_len, res);
		if (rc == 0)
			return 0;
		break;
	}
	print_rpc_error(f, c, what, rc, &r);
	return rc;
}

/* ---- portmapper and mount ------------------------------------------------------------------ */

static int getport(struct fetch *f, struct rpc_conn *pmap, uint32_t prog, uint32_t vers, const char *what,
		   uint16_t *port)
{
	struct nfs_call call;
	nfs_call_init(&call, RPC_PROG_PORTMAP, RPC_PORTMAP_GETPORT);
	call.getport_prog = prog;
	call.getport_vers = vers;
	struct nfs_result res;
	int rc = rpc_call(f, pmap, &call, "GETPORT", NFS_REPLY_TIMEOUT_NS, &res);
	if (rc)
		return rc;
	if (res.port == 0) {
		console_printf(&f->sys->console, "%s: the portmapper of %s has no %s (program %u version %u) over TCP\n",
			       uri_text(f), f->dl->uri->host, what, prog, vers);
		return -WBE_NFS_NO_PROGRAM;
	}
	*port = (uint16_t)res.port;
	return 0;
}

/* Asks the portmapper where MOUNT v3 (and NFS v3, unless the URI names its port) listen. */
static int find_ports(struct fetch *f, uint16_t *mnt_port, uint16_t *nfs_port)
{
	const struct uri *u = f->dl->uri;
	struct rpc_conn pmap = {0};
	int rc = conn_open(f, &pmap, "portmapper", RPC_PORTMAP_PORT);
	if (rc == 0)
		rc = getport(f, &pmap, RPC_PROG_MOUNT, RPC_MOUNT_VERS, "MOUNT", mnt_port);
	if (rc == 0 && u->has_port)
		*nfs_port = u->port;
	else if (rc == 0)
		rc = getport(f, &pmap, RPC_PROG_NFS, RPC_NFS_VERS, "NFS", nfs_port);
	conn_close(&pmap);
	return rc;
}

static int mount_call(struct fetch *f, uint32_t proc, const char *dir, size_t len, struct nfs_result *res)
{
	struct nfs_call call;
	nfs_call_init(&call, RPC_PROG_MOUNT, proc);
	call.name = dir;
	call.name_len = len;
	return rpc_call(f, &f->mnt, &call, proc == RPC_MOUNT_MNT ? "MNT" : "UMNT",
			proc == RPC_MOUNT_MNT ? NFS_REPLY_TIMEOUT_NS : NFS_UMNT_TIMEOUT_NS, res);
}

/* Best effort (RFC 1813 Appendix I: UMNT only updates the server's list of mounts). */
static void unmount(struct fetch *f)
{
	if (!f->export_path[0] || !f->mnt.stream)
		return;
	struct nfs_result res;
	if (mount_call(f, RPC_MOUNT_UMNT, f->export_path, strlen(f->export_path), &res) == 0)
		log_msg(&f->sys->log, LOG_DEBUG, "nfs", "unmounted %s", f->export_path);
	f->export_path[0] = '\0';
}

/*
 * Mounts the longest directory prefix of f->path the server exports: the file's directory,
 * then each parent up to "/". On success f->root is the mounted directory, f->export_path
 * its path and f->rest what is left to look up.
 */
static int mount_prefix(struct fetch *f)
{
	size_t end = strlen(f->path);
	uint32_t first_status = 0;
	size_t first_len = 0;
	while (end > 0) {
		while (end > 0 && f->path[end - 1] != '/')
			end--; /* the '/' before the last component left */
		if (end == 0)
			break;
		size_t dir_len = end > 1 ? end - 1 : 1; /* "/a/b" from "/a/b/c"; "/" for "/c" */
		struct nfs_result res;
		int rc = mount_call(f, RPC_MOUNT_MNT, f->path, dir_len, &res);
		if (rc)
			return rc;
		if (res.status == MNT3_OK) {
			memcpy(f->export_path, f->path, dir_len);
			f->export_path[dir_len] = '\0';
			memcpy(f->rest, f->path + end, strlen(f->path + end) + 1);
			f->root = res.fh;
			if (!res.auth_sys)
				log_msg(&f->sys->log, LOG_INFO, "nfs", "%s: the export does not list AUTH_SYS: trying it anyway",
					f->export_path);
			log_msg(&f->sys->log, LOG_DEBUG, "nfs", "mounted %s", f->export_path);
			return 0;
		}
		log_msg(&f->sys->log, LOG_DEBUG, "nfs", "MNT %.*s: %s (%u)", (int)dir_len, f->path,
			mnt3_status_name(res.status), res.status);
		if (!first_len) {
			first_status = res.status;
			first_len = dir_len;
		}
		end = dir_len == 1 ? 0 : dir_len;
	}
	int rc = first_status == MNT3ERR_NOENT || first_status == MNT3ERR_NOTDIR ? -WBE_NFS_NOT_EXPORTED
	       : first_status == MNT3ERR_ACCES || first_status == MNT3ERR_PERM ? -WBE_NFS_MOUNT_DENIED
									     : -WBE_NFS_MOUNT_ERROR;
	console_printf(&f->sys->console, "%s: %s refuses to mount %.*s and each parent directory (%s, status %u): %s\n",
		       uri_text(f), f->dl->uri->host, (int)first_len, f->path, mnt3_status_name(first_status),
		       first_status, errors_message(rc));
	return rc;
}

/* ---- the path ------------------------------------------------------------------------------ */

static int nfs_status_error(struct fetch *f, const char *what, uint32_t status)
{
	int rc = status == NFS3ERR_NOENT ? -WBE_NFS_NOENT
	       : status == NFS3ERR_ACCES || status == NFS3ERR_PERM ? -WBE_NFS_ACCES
								  : -WBE_NFS_SERVER_ERROR;
	console_printf(&f->sys->console, "%s: %s: %s (%u): %s\n", uri_text(f), what, nfs3_status_name(status), status,
		       errors_message(rc));
	return rc;
}

static int nfs_fh_call(struct fetch *f, uint32_t proc, const struct nfs_fh *fh, const char *what,
		       struct nfs_result *res)
{
	struct nfs_call call;
	nfs_call_init(&call, RPC_PROG_NFS, proc);
	call.fh = fh;
	int rc = rpc_call(f, &f->nfs, &call, what, NFS_REPLY_TIMEOUT_NS, res);
	if (rc == 0 && res->status != NFS3_OK)
		rc = nfs_status_error(f, what, res->status);
	return rc;
}

/*
 * Replaces the symbolic link's component in f->rest (@next: what followed it) by its
 * target. Returns 1 when the target is absolute (f->path is then the new path, to be
 * mounted afresh), 0 when the walk continues in the same directory, or a negative rc.
 */
static int follow_link(struct fetch *f, const struct nfs_fh *link, const char *name, const char *next)
{
	if (++f->links > NFS_MAX_SYMLINKS) {
		console_printf(&f->sys->console, "%s: more than %u symbolic links (a loop?) at \"%s\": %s\n", uri_text(f),
			       NFS_MAX_SYMLINKS, name, errors_message(-WBE_NFS_SYMLINK_LOOP));
		return -WBE_NFS_SYMLINK_LOOP;
	}
	struct nfs_result res;
	int rc = nfs_fh_call(f, NFS3_READLINK, link, "READLINK", &res);
	if (rc)
		return rc;
	while (*next == '/')
		next++;
	size_t next_len = strlen(next);
	if (res.data_len == 0 || memchr(res.data, 0, res.data_len) ||
	    res.data_len + 1 + next_len > sizeof(f->scratch) - 1) {
		console_printf(&f->sys->console, "%s: the symbolic link \"%s\" has an empty or unusable target: %s\n",
			       uri_text(f), name, errors_message(-WBE_NFS_URI));
		return -WBE_NFS_URI;
	}
	/* the target, then what followed the link: "target/next", or the target alone */
	memcpy(f->scratch, res.data, res.data_len);
	f->scratch[res.data_len] = '/';
	memcpy(f->scratch + res.data_len + (next_len ? 1 : 0), next, next_len + 1);
	log_msg(&f->sys->log, LOG_DEBUG, "nfs", "symbolic link %s -> %.*s", name, (int)res.data_len, res.data);
	bool absolute = res.data[0] == '/';
	memcpy(absolute ? f->path : f->rest, f->scratch, strlen(f->scratch) + 1);
	return absolute ? 1 : 0;
}

/*
 * LOOKUPs f->rest below f->root, component by component (RFC 1813 §3.3.3). Returns 0 with
 * f->file and f->attr, 1 when an absolute symbolic link restarts the walk from f->path, or
 * a negative rc.
 */
static int walk(struct fetch *f)
{
	struct nfs_fh dir = f->root;
	const char *p = f->rest;
	char name[NFS_NAME_MAX + 1];
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			/* the path ends at a directory ("/export/dir/" or the mount itself) */
			struct nfs_result res;
			int rc = nfs_fh_call(f, NFS3_GETATTR, &dir, "GETATTR", &res);
			if (rc)
				return rc;
			f->file = dir;
			f->attr = res.attr;
			return 0;
		}
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len > NFS_NAME_MAX) {
			console_printf(&f->sys->console, "%s: a path component is longer than %u bytes: %s\n", uri_text(f),
				       NFS_NAME_MAX, errors_message(-WBE_NFS_URI));
			return -WBE_NFS_URI;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		struct nfs_call call;
		nfs_call_init(&call, RPC_PROG_NFS, NFS3_LOOKUP);
		call.fh = &dir;
		call.name = name;
		call.name_len = len;
		struct nfs_result res;
		int rc = rpc_call(f, &f->nfs, &call, "LOOKUP", NFS_REPLY_TIMEOUT_NS, &res);
		if (rc)
			return rc;
		if (res.status != NFS3_OK) {
			char what[NFS_NAME_MAX + 16];
			memcpy(what, "LOOKUP \"", 8);
			memcpy(what + 8, name, len);
			memcpy(what + 8 + len, "\"", 2);
			return nfs_status_error(f, what, res.status);
		}
		if (!res.has_attr) {
			/* the server left the attributes out: ask for them */
			struct nfs_fh obj = res.fh;
			rc = nfs_fh_call(f, NFS3_GETATTR, &obj, "GETATTR", &res);
			if (rc)
				return rc;
			res.fh = obj;
		}
		if (res.attr.type == NF3LNK) {
			rc = follow_link(f, &res.fh, name, p);
			if (rc)
				return rc;
			p = f->rest;
			continue;
		}
		while (*p == '/')
			p++;
		if (!*p) {
			f->file = res.fh;
			f->attr = res.attr;
			return 0;
		}
		dir = res.fh;
	}
}

/* Decodes the URI's path into f->path: an absolute path naming something below "/". */
static int decode_path(struct fetch *f)
{
	const struct uri *u = f->dl->uri;
	size_t len = 0;
	int rc = u->host && *u->host ? 0 : -WBE_NFS_URI;
	if (rc == 0 && uri_percent_decode(u->path, strlen(u->path), f->path, sizeof(f->path), &len))
		rc = -WBE_NFS_URI;
	if (rc == 0 && (len < 2 || f->path[0] != '/'))
		rc = -WBE_NFS_URI;
	if (rc)
		console_printf(&f->sys->console, "%s: %s\n", uri_text(f),
			       u->host && *u->host ? "not a file path (or longer than 1024 bytes)" : "no server name");
	return rc;
}

/* ---- reading ------------------------------------------------------------------------------- */

/* READ size: the server's preference, within its maximum and ours (RFC 1813 §3.3.19). */
static void choose_chunk(struct fetch *f)
{
	struct nfs_result res;
	f->chunk = NFS_READ_DEFAULT;
	/* the file's own file system: an export may span several */
	if (nfs_fh_call(f, NFS3_FSINFO, &f->file, "FSINFO", &res) != 0)
		return; /* printed; reading still works with the default size */
	uint32_t chunk = res.rtpref ? res.rtpref : res.rtmax;
	if (res.rtmax && chunk > res.rtmax)
		chunk = res.rtmax;
	if (chunk > NFS_READ_MAX)
		chunk = NFS_READ_MAX;
	if (chunk >= 512)
		chunk &= ~(uint32_t)511; /* whole blocks: servers read whole disk blocks anyway */
	if (chunk)
		f->chunk = chunk;
	log_msg(&f->sys->log, LOG_DEBUG, "nfs", "rtmax %u rtpref %u: reading %u bytes at a time", res.rtmax, res.rtpref,
		f->chunk);
}

static int send_read(struct fetch *f, struct read_slot *s, uint64_t offset, uint32_t count)
{
	struct nfs_call call;
	nfs_call_init(&call, RPC_PROG_NFS, NFS3_READ);
	call.xid = f->next_xid++;
	call.stamp = f->stamp;
	call.fh = &f->file;
	call.offset = offset;
	call.count = count;
	int len = nfs_msg_build_call(&call, f->call, sizeof(f->call));
	int rc = len < 0 ? len : conn_send(f, &f->nfs, f->call, (size_t)len, NFS_REPLY_TIMEOUT_NS);
	if (rc) {
		console_printf(&f->sys->console, "%s: cannot send a READ at byte %llu: %s\n", uri_text(f),
			       (unsigned long long)offset, errors_message(rc));
		return rc;
	}
	s->busy = true;
	s->done = false;
	s->xid = call.xid;
	s->offset = offset;
	s->asked = count;
	return 0;
}

/* Takes the next READ reply from the connection into the slot it answers. */
static int receive_read(struct fetch *f)
{
	struct rpc_conn *c = &f->nfs;
	int rc = conn_record(f, c, NFS_REPLY_TIMEOUT_NS);
	struct nfs_rpc_reply r = {0};
	if (rc == 0)
		rc = nfs_msg_parse_reply(c->rec.buf, c->rec.len, &r);
	struct read_slot *s = NULL;
	for (unsigned i = 0; i < NFS_READS_IN_FLIGHT; i++) {
		if (f->slots[i].busy && !f->slots[i].done && f->slots[i].xid == r.xid)
			s = &f->slots[i];
	}
	if (rc == 0 && !s) {
		nfs_record_init(&c->rec, c->rec.buf, c->rec.size);
		if (stray_reply(f, r.xid))
			return 0;
		rc = -WBE_NFS_MALFORMED;
	}
	if (rc) {
		print_rpc_error(f, c, "READ", rc, &r);
		return rc;
	}
	/* the slot's buffer becomes the spare: the record stays where it was gathered */
	uint8_t *record = c->rec.buf;
	f->spare = s->buf;
	nfs_record_init(&c->rec, f->spare, c->rec.size);
	s->buf = record;
	rc = nfs_msg_parse_result(RPC_PROG_NFS, NFS3_READ, r.body, r.body_len, &s->res);
	if (rc == 0 && s->res.status != NFS3_OK)
		return nfs_status_error(f, "READ", s->res.status);
	if (rc == 0 && (s->res.count > s->asked || (s->res.count == 0 && !s->res.eof)))
		rc = -WBE_NFS_MALFORMED;
	if (rc) {
		print_rpc_error(f, c, "READ", rc, &r);
		return rc;
	}
	s->done = true;
	return 0;
}

/* Hands the finished READs that continue the file to the sink. Sets *@eof at the end. */
static int deliver(struct fetch *f, uint64_t *delivered, bool *eof)
{
	for (unsigned i = 0; i < NFS_READS_IN_FLIGHT; i++) {
		struct read_slot *s = &f->slots[i];
		if (!s->busy || !s->done || s->offset != *delivered)
			continue;
		uint32_t n = s->res.count;
		if (*delivered + n > f->attr.size) {
			console_printf(&f->sys->console, "%s: the file grew past its %llu bytes while being read: %s\n",
				       uri_text(f), (unsigned long long)f->attr.size, errors_message(-WBE_NFS_SIZE));
			return -WBE_NFS_SIZE;
		}
		int rc = n ? f->dl->write(f->dl, s->offset, s->res.data, n) : 0;
		if (rc) {
			console_printf(&f->sys->console, "%s: the file could not be stored at byte %llu: %s\n", uri_text(f),
				       (unsigned long long)s->offset, errors_message(rc));
			return rc;
		}
		download_progress(f->sys, f->dl, s->offset, n);
		*delivered += n;
		s->busy = false;
		if (s->res.eof) {
			*eof = true;
			return 0;
		}
		/* a short READ before the end: ask for the rest of its range again */
		if (n < s->asked) {
			rc = send_read(f, s, *delivered, s->asked - n);
			if (rc)
				return rc;
		}
		i = (unsigned)-1; /* the next chunk may be in any slot */
	}
	return 0;
}

static int read_file(struct fetch *f)
{
	size_t record_size = (size_t)f->chunk + NFS_REPLY_OVERHEAD;
	f->spare = wb_malloc(record_size);
	int rc = f->spare ? 0 : -WBE_NOMEM;
	for (unsigned i = 0; i < NFS_READS_IN_FLIGHT && rc == 0; i++) {
		f->slots[i].buf = wb_malloc(record_size);
		if (!f->slots[i].buf)
			rc = -WBE_NOMEM;
	}
	if (rc) {
		console_printf(&f->sys->console, "%s: no memory for %u reads of %u bytes\n", uri_text(f),
			       NFS_READS_IN_FLIGHT, f->chunk);
		return rc;
	}
	nfs_record_init(&f->nfs.rec, f->spare, record_size);
	uint64_t requested = 0, delivered = 0;
	bool eof = false;
	while (!eof) {
		unsigned busy = 0;
		for (unsigned i = 0; i < NFS_READS_IN_FLIGHT; i++)
			busy += f->slots[i].busy;
		for (unsigned i = 0; i < NFS_READS_IN_FLIGHT && rc == 0; i++) {
			/* up to the announced size; past it only to learn that the file ends there */
			if (f->slots[i].busy || (requested >= f->attr.size && busy))
				continue;
			rc = send_read(f, &f->slots[i], requested, f->chunk);
			requested += f->chunk;
			busy++;
		}
		if (rc == 0)
			rc = receive_read(f);
		if (rc == 0)
			rc = deliver(f, &delivered, &eof);
		if (rc)
			return rc;
	}
	if (delivered != f->attr.size) {
		console_printf(&f->sys->console, "%s: the file ended after %llu of its %llu bytes: %s\n", uri_text(f),
			       (unsigned long long)delivered, (unsigned long long)f->attr.size, errors_message(-WBE_NFS_SIZE));
		return -WBE_NFS_SIZE;
	}
	return 0;
}

/* ---- the fetch ----------------------------------------------------------------------------- */

static int open_file(struct fetch *f)
{
	for (;;) {
		int rc = mount_prefix(f);
		if (rc == 0)
			rc = walk(f);
		if (rc != 1)
			return rc;
		unmount(f); /* an absolute symbolic link: start again from its target */
	}
}

static int run(struct fetch *f)
{
	uint16_t mnt_port, nfs_port;
	int rc = decode_path(f);
	if (rc == 0)
		rc = find_ports(f, &mnt_port, &nfs_port);
	if (rc == 0)
		rc = conn_open(f, &f->mnt, "mount daemon", mnt_port);
	if (rc == 0)
		rc = conn_open(f, &f->nfs, "NFS server", nfs_port);
	if (rc == 0)
		rc = open_file(f);
	if (rc)
		return rc;
	if (f->attr.type != NF3REG) {
		rc = f->attr.type == NF3DIR ? -WBE_NFS_IS_DIR : -WBE_NFS_NOT_FILE;
		console_printf(&f->sys->console, "%s: %s (file type %u): %s\n", uri_text(f),
			       rc == -WBE_NFS_IS_DIR ? "a directory, not a file" : "not a regular file", f->attr.type,
			       errors_message(rc));
		return rc;
	}
	struct download *dl = f->dl;
	dl->total = f->attr.size;
	if (dl->expect) {
		rc = dl->expect(dl, f->attr.size);
		if (rc) {
			console_printf(&f->sys->console, "%s: cannot take a file of %llu bytes: %s\n", uri_text(f),
				       (unsigned long long)f->attr.size, errors_message(rc));
			return rc;
		}
	}
	choose_chunk(f);
	return read_file(f);
}

static int nfs_fetch(struct system *sys, struct download *dl)
{
	struct fetch *f = wb_zalloc(sizeof(*f));
	if (!f) {
		console_printf(&sys->console, "nfs: no memory for the NFS client\n");
		return -WBE_NOMEM;
	}
	f->sys = sys;
	f->dl = dl;
	/* xids only match replies to calls (RFC 5531 §9): distinct per fetch is enough */
	f->next_xid = (uint32_t)(loop_now(&sys->loop) / 1000);
	f->stamp = f->next_xid;
	int rc = run(f);
	unmount(f);
	if (f->nfs.stream && rc)
		stream_abort(f->nfs.stream); /* READs may still be in flight */
	else
		conn_close(&f->nfs);
	conn_close(&f->mnt);
	for (unsigned i = 0; i < NFS_READS_IN_FLIGHT; i++)
		wb_free(f->slots[i].buf);
	wb_free(f->spare);
	wb_free(f);
	return rc;
}

const struct uri_scheme scheme_nfs = {"nfs", nfs_fetch, false};
WB_REGISTER(uri_schemes, scheme_nfs);
