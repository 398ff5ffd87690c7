/*
 * nfs_msg.c - ONC RPC / NFSv3 message codec (contract in wireboot/nfs_msg.h).
 *
 * XDR (RFC 4506) is big-endian 4-byte units: integers are one unit (hyper: two), opaque and
 * string data are a 4-byte length, the bytes, then zero padding to a multiple of 4 (§4.10,
 * §4.11). Decoding goes through a cursor whose reads fail once past the end; the failure is
 * sticky, so a parser reads the fields it needs and checks the cursor once, and nothing is
 * ever read beyond the reply.
 */
#include "wireboot/nfs_msg.h"

#include <string.h>

#include "wireboot/byteorder.h"
#include "wireboot/errors.h"

/* RFC 5531 §9: msg_type, auth flavors, reply and accept status values */
#define RPC_VERSION 2
#define RPC_CALL 0
#define RPC_REPLY 1
#define AUTH_NONE 0
#define AUTH_SYS 1
#define MSG_ACCEPTED 0
#define MSG_DENIED 1
#define ACCEPT_SUCCESS 0
#define ACCEPT_SYSTEM_ERR 5
#define REJECT_AUTH_ERROR 1
/* RFC 5531 §8.2: an opaque_auth body is at most 400 bytes */
#define AUTH_BODY_MAX 400
/* RFC 5531 §11: bit 31 of a record mark flags the last fragment */
#define RECORD_LAST 0x80000000u
#define IPPROTO_TCP_NUMBER 6
/* a MNT reply lists the export's flavors; more than this is not a real server */
#define MNT_FLAVORS_MAX 64
/* fattr3 (RFC 1813 §2.6) is 21 units: type mode nlink uid gid size(2) used(2) rdev(2)
 * fsid(2) fileid(2) atime(2) mtime(2) ctime(2) */
#define FATTR3_UNITS 21

static uint32_t pad4(size_t n)
{
	return (uint32_t)((4 - (n & 3)) & 3);
}

/* ---- encoding ------------------------------------------------------------------------------ */

struct xdr_out {
	uint8_t *p, *end;
	bool overflow;
};

static void put_u32(struct xdr_out *x, uint32_t v)
{
	if (x->overflow || x->end - x->p < 4) {
		x->overflow = true;
		return;
	}
	put_be32(x->p, v);
	x->p += 4;
}

static void put_u64(struct xdr_out *x, uint64_t v)
{
	put_u32(x, (uint32_t)(v >> 32));
	put_u32(x, (uint32_t)v);
}

/* variable-length opaque or string (§4.10, §4.11): length, bytes, zero padding */
static void put_opaque(struct xdr_out *x, const void *data, size_t len)
{
	put_u32(x, (uint32_t)len);
	size_t padded = len + pad4(len);
	if (x->overflow || (size_t)(x->end - x->p) < padded) {
		x->overflow = true;
		return;
	}
	memcpy(x->p, data, len);
	memset(x->p + len, 0, padded - len);
	x->p += padded;
}

/* RFC 5531 Appendix A: authsys_parms {stamp, machinename<255>, uid, gid, gids<16>} */
static void put_auth_sys(struct xdr_out *x, uint32_t stamp)
{
	static const char machine[] = NFS_AUTH_MACHINE;
	size_t name = sizeof(machine) - 1;
	put_u32(x, AUTH_SYS);
	put_u32(x, (uint32_t)(4 + 4 + name + pad4(name) + 4 + 4 + 4));
	put_u32(x, stamp);
	put_opaque(x, machine, name);
	put_u32(x, NFS_AUTH_UID);
	put_u32(x, NFS_AUTH_GID);
	put_u32(x, 0); /* no supplementary groups */
}

static bool needs_fh(uint32_t prog, uint32_t proc)
{
	return prog == RPC_PROG_NFS &&
	       (proc == NFS3_GETATTR || proc == NFS3_LOOKUP || proc == NFS3_READLINK || proc == NFS3_READ ||
		proc == NFS3_FSINFO);
}

static bool known_call(const struct nfs_call *c)
{
	if (c->prog == RPC_PROG_PORTMAP)
		return c->vers == RPC_PORTMAP_VERS && c->proc == RPC_PORTMAP_GETPORT;
	if (c->prog == RPC_PROG_MOUNT)
		return c->vers == RPC_MOUNT_VERS && (c->proc == RPC_MOUNT_MNT || c->proc == RPC_MOUNT_UMNT);
	return c->prog == RPC_PROG_NFS && c->vers == RPC_NFS_VERS && needs_fh(c->prog, c->proc);
}

static int check_call(const struct nfs_call *c)
{
	if (!known_call(c))
		return -WBE_NOTSUP;
	if (needs_fh(c->prog, c->proc) && (!c->fh || c->fh->len > NFS3_FHSIZE))
		return -WBE_RANGE;
	size_t name_max = c->prog == RPC_PROG_MOUNT				? MNT_PATH_MAX
			: c->prog == RPC_PROG_NFS && c->proc == NFS3_LOOKUP ? NFS_NAME_MAX
									    : 0;
	if (name_max && (!c->name || c->name_len == 0 || c->name_len > name_max))
		return -WBE_RANGE;
	return 0;
}

void nfs_call_init(struct nfs_call *c, uint32_t prog, uint32_t proc)
{
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->vers = prog == RPC_PROG_PORTMAP ? RPC_PORTMAP_VERS : prog == RPC_PROG_MOUNT ? RPC_MOUNT_VERS : RPC_NFS_VERS;
	c->proc = proc;
}

int nfs_msg_build_call(const struct nfs_call *c, uint8_t *buf, size_t size)
{
	if (!c || !buf)
		return -WBE_INVAL;
	int rc = check_call(c);
	if (rc)
		return rc;
	struct xdr_out x = {buf, buf + size, false};
	put_u32(&x, 0); /* the record mark, filled in below */
	/* RFC 5531 §9: call_body {xid, CALL, rpcvers, prog, vers, proc, cred, verf} */
	put_u32(&x, c->xid);
	put_u32(&x, RPC_CALL);
	put_u32(&x, RPC_VERSION);
	put_u32(&x, c->prog);
	put_u32(&x, c->vers);
	put_u32(&x, c->proc);
	put_auth_sys(&x, c->stamp);
	put_u32(&x, AUTH_NONE);
	put_u32(&x, 0);
	if (c->prog == RPC_PROG_PORTMAP) {
		/* RFC 1833 §3: mapping {prog, vers, prot, port} */
		put_u32(&x, c->getport_prog);
		put_u32(&x, c->getport_vers);
		put_u32(&x, IPPROTO_TCP_NUMBER);
		put_u32(&x, 0);
	} else if (c->prog == RPC_PROG_MOUNT) {
		put_opaque(&x, c->name, c->name_len); /* dirpath */
	} else {
		put_opaque(&x, c->fh->data, c->fh->len);
		if (c->proc == NFS3_LOOKUP) {
			put_opaque(&x, c->name, c->name_len);
		} else if (c->proc == NFS3_READ) {
			put_u64(&x, c->offset);
			put_u32(&x, c->count);
		}
	}
	if (x.overflow)
		return -WBE_NOSPC;
	size_t len = (size_t)(x.p - buf);
	put_be32(buf, RECORD_LAST | (uint32_t)(len - 4)); /* one fragment: the whole call */
	return (int)len;
}

/* ---- record marking ------------------------------------------------------------------------ */

void nfs_record_init(struct nfs_record *r, uint8_t *buf, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->size = size;
}

int nfs_record_feed(struct nfs_record *r, const uint8_t *data, size_t len, size_t *used)
{
	size_t pos = 0;
	*used = 0;
	if (!data)
		len = 0;
	for (;;) {
		if (!r->in_fragment) {
			while (r->mark_len < 4 && pos < len)
				r->mark[r->mark_len++] = data[pos++];
			*used = pos;
			if (r->mark_len < 4)
				return 0;
			uint32_t mark = get_be32(r->mark);
			r->mark_len = 0;
			r->last = (mark & RECORD_LAST) != 0;
			r->frag_left = mark & ~RECORD_LAST;
			if (r->frag_left > r->size - r->len)
				return -WBE_NFS_MALFORMED;
			r->in_fragment = true;
		}
		size_t n = len - pos < r->frag_left ? len - pos : r->frag_left;
		if (n) {
			memcpy(r->buf + r->len, data + pos, n);
			r->len += n;
			pos += n;
			r->frag_left -= (uint32_t)n;
		}
		*used = pos;
		if (r->frag_left)
			return 0;
		r->in_fragment = false;
		if (r->last)
			return 1;
		/* an empty non-last fragment consumes 4 bytes of input: the loop is bounded by @len */
		if (pos == len)
			return 0;
	}
}

/* ---- decoding ------------------------------------------------------------------------------ */

struct xdr_in {
	const uint8_t *p, *end;
	bool bad;
};

static uint32_t get_u32(struct xdr_in *x)
{
	if (x->bad || x->end - x->p < 4) {
		x->bad = true;
		return 0;
	}
	uint32_t v = get_be32(x->p);
	x->p += 4;
	return v;
}

static uint64_t get_u64(struct xdr_in *x)
{
	uint64_t hi = get_u32(x);
	return hi << 32 | get_u32(x);
}

static bool get_bool(struct xdr_in *x)
{
	uint32_t v = get_u32(x);
	if (v > 1)
		x->bad = true;
	return v == 1;
}

/* variable-length opaque of at most @max bytes: points into the input */
static const uint8_t *get_opaque(struct xdr_in *x, uint32_t max, size_t *len)
{
	uint32_t n = get_u32(x);
	*len = 0;
	if (x->bad || n > max || (size_t)(x->end - x->p) < (size_t)n + pad4(n)) {
		x->bad = true;
		return NULL;
	}
	const uint8_t *data = x->p;
	x->p += n + pad4(n);
	*len = n;
	return data;
}

static void skip_units(struct xdr_in *x, size_t units)
{
	if (x->bad || (size_t)(x->end - x->p) / 4 < units) {
		x->bad = true;
		return;
	}
	x->p += units * 4;
}

int nfs_msg_parse_reply(const uint8_t *rec, size_t len, struct nfs_rpc_reply *out)
{
	if ((!rec && len) || !out)
		return -WBE_INVAL;
	memset(out, 0, sizeof(*out));
	struct xdr_in x = {rec, rec + len, false};
	out->xid = get_u32(&x);
	if (get_u32(&x) != RPC_REPLY || x.bad)
		return -WBE_NFS_MALFORMED;
	out->reply_stat = get_u32(&x);
	if (out->reply_stat == MSG_DENIED) {
		/* rejected_reply: RPC_MISMATCH {low, high} or AUTH_ERROR {auth_stat} */
		out->stat = get_u32(&x);
		if (out->stat == REJECT_AUTH_ERROR) {
			out->auth_stat = get_u32(&x);
		} else if (out->stat == 0) {
			out->low = get_u32(&x);
			out->high = get_u32(&x);
		} else {
			return -WBE_NFS_MALFORMED;
		}
		return x.bad ? -WBE_NFS_MALFORMED : -WBE_NFS_RPC_DENIED;
	}
	if (out->reply_stat != MSG_ACCEPTED)
		return -WBE_NFS_MALFORMED;
	size_t verf_len;
	get_u32(&x); /* the verifier's flavor: AUTH_NONE from servers answering AUTH_SYS */
	get_opaque(&x, AUTH_BODY_MAX, &verf_len);
	out->stat = get_u32(&x);
	if (x.bad || out->stat > ACCEPT_SYSTEM_ERR)
		return -WBE_NFS_MALFORMED;
	if (out->stat == 2) { /* PROG_MISMATCH {low, high} */
		out->low = get_u32(&x);
		out->high = get_u32(&x);
		if (x.bad)
			return -WBE_NFS_MALFORMED;
	}
	if (out->stat != ACCEPT_SUCCESS)
		return -WBE_NFS_RPC_UNAVAIL;
	out->body = x.p;
	out->body_len = (size_t)(x.end - x.p);
	return 0;
}

/* fattr3 (RFC 1813 §2.6): the fields a download uses, the rest skipped */
static void get_fattr3(struct xdr_in *x, struct nfs_result *r)
{
	r->has_attr = true;
	r->attr.type = get_u32(x);
	r->attr.mode = get_u32(x);
	skip_units(x, 1); /* nlink */
	r->attr.uid = get_u32(x);
	r->attr.gid = get_u32(x);
	r->attr.size = get_u64(x);
	skip_units(x, FATTR3_UNITS - 7);
}

/* post_op_attr (RFC 1813 §2.6): a boolean, then fattr3 when true */
static void get_post_op_attr(struct xdr_in *x, struct nfs_result *r)
{
	if (get_bool(x))
		get_fattr3(x, r);
}

static void get_fh(struct xdr_in *x, struct nfs_fh *fh)
{
	size_t len;
	const uint8_t *data = get_opaque(x, NFS3_FHSIZE, &len);
	if (data) {
		fh->len = (uint32_t)len;
		memcpy(fh->data, data, len);
	}
}

/* mountres3 (RFC 1813 Appendix I): status, then on MNT3_OK the handle and the flavors */
static void parse_mnt(struct xdr_in *x, struct nfs_result *r)
{
	r->status = get_u32(x);
	if (r->status != MNT3_OK)
		return;
	get_fh(x, &r->fh);
	uint32_t flavors = get_u32(x);
	if (flavors > MNT_FLAVORS_MAX) {
		x->bad = true;
		return;
	}
	for (uint32_t i = 0; i < flavors && !x->bad; i++) {
		if (get_u32(x) == AUTH_SYS)
			r->auth_sys = true;
	}
}

static void parse_nfs(uint32_t proc, struct xdr_in *x, struct nfs_result *r)
{
	r->status = get_u32(x);
	bool ok = r->status == NFS3_OK;
	switch (proc) {
	case NFS3_GETATTR: /* GETATTR3resok: fattr3, not optional */
		if (ok)
			get_fattr3(x, r);
		return;
	case NFS3_LOOKUP: /* ok: object, obj_attributes, dir_attributes; fail: dir_attributes */
		if (!ok)
			return;
		get_fh(x, &r->fh);
		get_post_op_attr(x, r);
		return;
	case NFS3_FSINFO: /* obj_attributes, then on success rtmax, rtpref, ... */
		get_post_op_attr(x, r);
		if (ok) {
			r->rtmax = get_u32(x);
			r->rtpref = get_u32(x);
		}
		return;
	case NFS3_READLINK: /* symlink_attributes, then on success the target (nfspath3) */
		get_post_op_attr(x, r);
		if (ok)
			r->data = get_opaque(x, NFS_LINK_MAX, &r->data_len);
		return;
	default: /* NFS3_READ: file_attributes, then on success count, eof, data */
		get_post_op_attr(x, r);
		if (!ok)
			return;
		r->count = get_u32(x);
		r->eof = get_bool(x);
		r->data = get_opaque(x, UINT32_MAX, &r->data_len);
		if (r->data_len != r->count)
			x->bad = true;
		return;
	}
}

int nfs_msg_parse_result(uint32_t prog, uint32_t proc, const uint8_t *body, size_t len, struct nfs_result *out)
{
	if ((!body && len) || !out)
		return -WBE_INVAL;
	memset(out, 0, sizeof(*out));
	struct nfs_call probe;
	nfs_call_init(&probe, prog, proc);
	if (!known_call(&probe) || (prog == RPC_PROG_MOUNT && proc == RPC_MOUNT_UMNT))
		return -WBE_NOTSUP; /* UMNT returns nothing: there is nothing to parse */
	struct xdr_in x = {body, body + len, false};
	if (prog == RPC_PROG_PORTMAP) {
		out->port = get_u32(&x);
		if (out->port > 65535)
			x.bad = true;
	} else if (prog == RPC_PROG_MOUNT) {
		parse_mnt(&x, out);
	} else {
		parse_nfs(proc, &x, out);
	}
	if (x.bad) {
		memset(out, 0, sizeof(*out));
		return -WBE_NFS_MALFORMED;
	}
	return 0;
}
