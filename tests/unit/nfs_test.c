/*
 * nfs_test.c - the nfs:// download (wireboot/nfs.h) against an in-memory server that answers
 * each call as it is written: the portmapper, a mount daemon exporting only /srv, and an NFS
 * server with a small tree (a file, symbolic links, a loop). The server can do what a real
 * one does only now and then: answer READs in reverse order, return short READs, send
 * replies to no call, hand its bytes over in small pieces, stay silent, or have the file end
 * before its announced size. The sink checks the file arrives in order and intact.
 */
#include "wireboot/nfs.h"

#include <stdlib.h>

#include "test.h"
#include "test_platform.h"
#include "wireboot/byteorder.h"
#include "wireboot/errors.h"
#include "wireboot/list.h"
#include "wireboot/nfs_msg.h"
#include "wireboot/stream.h"
#include "wireboot/system.h"
#include "wireboot/transport.h"
#include "wireboot/uri.h"

#define FILE_LEN 50000
#define CONNS_MAX 8
#define HELD_MAX 4
#define MOUNT_PORT 635

/* the tree, by file handle (a 4-byte id) */
enum { ROOT = 1, BOOT, FILE_ID, REL_LINK, LOOP_LINK, ABS_LINK };
static const struct {
	uint32_t parent;
	const char *name;
	uint32_t id, type;
	const char *target;
} tree[] = {
	{ROOT, "boot", BOOT, NF3DIR, NULL},          {BOOT, "f.bin", FILE_ID, NF3REG, NULL},
	{BOOT, "rel", REL_LINK, NF3LNK, "f.bin"},    {BOOT, "loop", LOOP_LINK, NF3LNK, "loop"},
	{ROOT, "abs", ABS_LINK, NF3LNK, "/srv/boot/f.bin"},
};

struct fake_conn {
	struct stream stream;
	struct fake_server *srv;
	uint16_t port;
	uint8_t *rx;
	size_t rx_pos, rx_len, rx_cap; /* the client has consumed rx[0..rx_pos) */
	bool released;
};

struct fake_server {
	struct transport transport;
	struct fake_conn conns[CONNS_MAX];
	unsigned nconns;
	uint8_t file[FILE_LEN];
	uint32_t data_len;   /* bytes READ returns before its eof */
	uint32_t attr_size;  /* the size the attributes announce */
	uint32_t rtpref;
	uint32_t short_read; /* READ returns at most this much (0: what was asked) */
	bool reverse_reads;  /* hold READ replies, send them newest first */
	bool silent_reads;
	unsigned stray;      /* replies to no call sent before each real one... */
	unsigned stray_budget; /* ...until this many were sent */
	size_t piece;        /* a peek shows at most this much (0: everything) */
	unsigned reads, mnts, umnts;
	uint8_t *held[HELD_MAX];
	size_t held_len[HELD_MAX];
	unsigned nheld;
};

/* ---- building replies ---- */

struct out {
	uint8_t *buf;
	size_t len, cap;
};

static void out_u32(struct out *o, uint32_t v)
{
	if (o->len + 4 > o->cap) {
		o->cap = o->cap * 2 + 64;
		o->buf = realloc(o->buf, o->cap);
	}
	put_be32(o->buf + o->len, v);
	o->len += 4;
}

static void out_opaque(struct out *o, const void *data, uint32_t len)
{
	out_u32(o, len);
	for (uint32_t i = 0; i < len; i += 4) {
		uint8_t w[4] = {0};
		memcpy(w, (const uint8_t *)data + i, len - i < 4 ? len - i : 4);
		out_u32(o, get_be32(w));
	}
}

/* a record: mark, the accepted-SUCCESS header for @xid; results follow */
static void out_reply(struct out *o, uint32_t xid)
{
	out_u32(o, 0);
	out_u32(o, xid);
	out_u32(o, 1);
	out_u32(o, 0);
	out_u32(o, 0);
	out_u32(o, 0);
	out_u32(o, 0);
}

/* fattr3 (RFC 1813 §2.6) of object @id */
static void out_fattr(struct out *o, const struct fake_server *srv, uint32_t id)
{
	uint32_t type = id == ROOT ? NF3DIR : NF3REG;
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		if (tree[i].id == id)
			type = tree[i].type;
	}
	uint32_t fattr[21] = {type, 0644, 1, 0, 0, 0, id == FILE_ID ? srv->attr_size : 0};
	for (int i = 0; i < 21; i++)
		out_u32(o, fattr[i]);
}

static void rx_append(struct fake_conn *c, const uint8_t *data, size_t len)
{
	if (c->rx_len + len > c->rx_cap) {
		c->rx_cap = (c->rx_len + len) * 2;
		c->rx = realloc(c->rx, c->rx_cap);
	}
	memcpy(c->rx + c->rx_len, data, len);
	c->rx_len += len;
}

/* queues the record in @o (filling in its mark), after any stray replies */
static void send_record(struct fake_conn *c, struct out *o)
{
	for (unsigned i = 0; i < c->srv->stray && c->srv->stray_budget; i++, c->srv->stray_budget--) {
		struct out s = {0};
		out_reply(&s, 0xdead0000 + i);
		out_u32(&s, 0);
		put_be32(s.buf, 0x80000000u | (uint32_t)(s.len - 4));
		rx_append(c, s.buf, s.len);
		free(s.buf);
	}
	put_be32(o->buf, 0x80000000u | (uint32_t)(o->len - 4));
	rx_append(c, o->buf, o->len);
	free(o->buf);
}

/* ---- answering calls ---- */

static uint32_t fh_id(const uint8_t *args)
{
	return get_be32(args) == 4 ? get_be32(args + 4) : 0;
}

static void answer_read(struct fake_conn *c, uint32_t xid, const uint8_t *args, struct out *o)
{
	struct fake_server *srv = c->srv;
	uint64_t offset = (uint64_t)get_be32(args + 8) << 32 | get_be32(args + 12);
	uint32_t count = get_be32(args + 16);
	srv->reads++;
	if (srv->silent_reads) {
		free(o->buf);
		return;
	}
	if (srv->short_read && count > srv->short_read)
		count = srv->short_read;
	if (offset >= srv->data_len)
		count = 0;
	else if (count > srv->data_len - offset)
		count = srv->data_len - (uint32_t)offset;
	bool eof = offset + count >= srv->data_len;
	out_reply(o, xid);
	out_u32(o, NFS3_OK);
	out_u32(o, 1); /* post_op_attr: present */
	out_fattr(o, srv, FILE_ID);
	out_u32(o, count);
	out_u32(o, eof);
	out_opaque(o, srv->file + offset, count);
	if (!srv->reverse_reads) {
		send_record(c, o);
		return;
	}
	put_be32(o->buf, 0x80000000u | (uint32_t)(o->len - 4));
	srv->held[srv->nheld] = o->buf;
	srv->held_len[srv->nheld++] = o->len;
	if (srv->nheld < HELD_MAX && !eof)
		return;
	while (srv->nheld) {
		srv->nheld--;
		rx_append(c, srv->held[srv->nheld], srv->held_len[srv->nheld]);
		free(srv->held[srv->nheld]);
	}
}

static void answer_nfs(struct fake_conn *c, uint32_t xid, uint32_t proc, const uint8_t *args, struct out *o)
{
	struct fake_server *srv = c->srv;
	uint32_t id = fh_id(args);
	if (proc == NFS3_READ) {
		answer_read(c, xid, args, o);
		return;
	}
	out_reply(o, xid);
	if (proc == NFS3_LOOKUP) {
		uint32_t name_len = get_be32(args + 8);
		for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
			if (tree[i].parent == id && strlen(tree[i].name) == name_len &&
			    memcmp(tree[i].name, args + 12, name_len) == 0) {
				out_u32(o, NFS3_OK);
				out_opaque(o, &(uint8_t[4]){0, 0, 0, (uint8_t)tree[i].id}, 4);
				out_u32(o, 1);
				out_fattr(o, srv, tree[i].id);
				out_u32(o, 0);
				send_record(c, o);
				return;
			}
		}
		out_u32(o, NFS3ERR_NOENT);
		out_u32(o, 0);
	} else if (proc == NFS3_READLINK) {
		out_u32(o, NFS3_OK);
		out_u32(o, 0);
		for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
			if (tree[i].id == id)
				out_opaque(o, tree[i].target, (uint32_t)strlen(tree[i].target));
		}
	} else if (proc == NFS3_FSINFO) {
		out_u32(o, NFS3_OK);
		out_u32(o, 0);
		out_u32(o, 1 << 20);
		out_u32(o, srv->rtpref);
	} else { /* GETATTR */
		out_u32(o, NFS3_OK);
		out_fattr(o, srv, id);
	}
	send_record(c, o);
}

/* Every call arrives whole in one write: the client writes whole records. */
static void answer(struct fake_conn *c, const uint8_t *call, size_t len)
{
	REQUIRE(len >= 72 && get_be32(call) == (0x80000000u | (uint32_t)(len - 4)));
	uint32_t xid = get_be32(call + 4), prog = get_be32(call + 16), proc = get_be32(call + 24);
	const uint8_t *args = call + 72; /* after the 36-byte AUTH_SYS credentials and the verifier */
	struct out o = {0};
	if (prog == RPC_PROG_PORTMAP) {
		out_reply(&o, xid);
		out_u32(&o, get_be32(args) == RPC_PROG_MOUNT ? MOUNT_PORT : 2049);
	} else if (prog == RPC_PROG_MOUNT && proc == RPC_MOUNT_MNT) {
		c->srv->mnts++;
		out_reply(&o, xid);
		if (get_be32(args) == 4 && memcmp(args + 4, "/srv", 4) == 0) {
			out_u32(&o, MNT3_OK);
			out_opaque(&o, &(uint8_t[4]){0, 0, 0, ROOT}, 4);
			out_u32(&o, 1);
			out_u32(&o, 1);
		} else {
			out_u32(&o, MNT3ERR_NOENT);
		}
	} else if (prog == RPC_PROG_MOUNT) {
		c->srv->umnts++;
		out_reply(&o, xid);
	} else {
		answer_nfs(c, xid, proc, args, &o);
		return;
	}
	send_record(c, &o);
}

/* ---- the streams ---- */

static struct fake_conn *conn_of(struct stream *s)
{
	return container_of(s, struct fake_conn, stream);
}

static enum stream_state f_state(struct stream *s)
{
	(void)s;
	return STREAM_OPEN;
}

static int f_error(struct stream *s)
{
	(void)s;
	return 0;
}

static long f_write(struct stream *s, const void *data, size_t len)
{
	answer(conn_of(s), data, len);
	return (long)len;
}

static size_t f_write_space(struct stream *s)
{
	(void)s;
	return 65536;
}

static const uint8_t *f_peek(struct stream *s, size_t *len)
{
	struct fake_conn *c = conn_of(s);
	size_t left = c->rx_len - c->rx_pos;
	*len = c->srv->piece && left > c->srv->piece ? c->srv->piece : left;
	return left ? c->rx + c->rx_pos : NULL;
}

static void f_consume(struct stream *s, size_t len)
{
	conn_of(s)->rx_pos += len;
}

static bool f_eof(struct stream *s)
{
	(void)s;
	return false;
}

static void f_release(struct stream *s)
{
	conn_of(s)->released = true;
}

static const struct stream_ops fake_ops = {f_state, f_error, f_write, f_write_space, f_peek,
					   f_consume, f_eof, f_release, f_release, f_release};

static int fake_connect(void *ctx, const char *host, uint16_t port, struct stream **out)
{
	struct fake_server *srv = ctx;
	(void)host;
	if (srv->nconns == CONNS_MAX)
		return -WBE_NOMEM;
	struct fake_conn *c = &srv->conns[srv->nconns++];
	c->stream.ops = &fake_ops;
	c->srv = srv;
	c->port = port;
	*out = &c->stream;
	return 0;
}

/* ---- the fixture ---- */

struct sink {
	uint8_t data[FILE_LEN];
	uint64_t next, expected;
	bool out_of_order;
};

static int sink_expect(struct download *dl, uint64_t total)
{
	((struct sink *)dl->ctx)->expected = total;
	return total > FILE_LEN ? -WBE_NOMEM : 0;
}

static int sink_write(struct download *dl, uint64_t offset, const void *data, size_t len)
{
	struct sink *k = dl->ctx;
	if (offset != k->next || offset + len > FILE_LEN) {
		k->out_of_order = true;
		return -WBE_RANGE;
	}
	memcpy(k->data + offset, data, len);
	k->next += len;
	return 0;
}

struct fixture {
	struct test_platform tp;
	struct system sys;
	struct fake_server srv;
	struct sink sink;
};

static struct fixture *setup(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	test_platform_init(&f->tp);
	f->tp.auto_advance_ns = NS_PER_SEC; /* a silent server times out in a few dozen steps */
	if (system_init(&f->sys, &f->tp.platform) != 0)
		abort();
	for (size_t i = 0; i < FILE_LEN; i++)
		f->srv.file[i] = (uint8_t)(i * 7 + i / 251);
	f->srv.data_len = f->srv.attr_size = FILE_LEN;
	f->srv.rtpref = 4096;
	f->srv.transport.name = "fake";
	f->srv.transport.ctx = &f->srv;
	f->srv.transport.connect = fake_connect;
	f->sys.transport = &f->srv.transport;
	return f;
}

static int fetch(struct fixture *f, const char *uri)
{
	struct download dl = {0};
	dl.expect = sink_expect;
	dl.write = sink_write;
	dl.ctx = &f->sink;
	dl.quiet = true;
	memset(&f->sink, 0, sizeof(f->sink));
	int rc = download_fetch(&f->sys, NULL, uri, &dl);
	uri_free(dl.uri);
	return rc;
}

static void teardown(struct fixture *f)
{
	for (unsigned i = 0; i < f->srv.nconns; i++) {
		CHECK(f->srv.conns[i].released);
		free(f->srv.conns[i].rx);
	}
	while (f->srv.nheld)
		free(f->srv.held[--f->srv.nheld]);
	system_fini(&f->sys);
	free(f);
}

static void check_file(struct fixture *f)
{
	CHECK(!f->sink.out_of_order);
	CHECK_INT(f->sink.expected, FILE_LEN);
	CHECK_INT(f->sink.next, FILE_LEN);
	CHECK_MEM(f->sink.data, f->srv.file, FILE_LEN);
}

TEST(nfs_fetch_in_order_from_reversed_replies)
{
	struct fixture *f = setup();
	f->srv.reverse_reads = true;
	f->srv.piece = 1000; /* records reassembled from pieces */
	CHECK_INT(fetch(f, "nfs://server/srv/boot/f.bin"), 0);
	check_file(f);
	/* 4096-byte READs: 13 of them; MNT /srv/boot refused, /srv mounted, unmounted */
	CHECK_INT(f->srv.reads, 13);
	CHECK_INT(f->srv.mnts, 2);
	CHECK_INT(f->srv.umnts, 1);
	CHECK_INT(f->srv.conns[1].port, MOUNT_PORT);
	CHECK_INT(f->srv.conns[2].port, 2049);
	teardown(f);
}

TEST(nfs_fetch_short_reads_and_stray_replies)
{
	struct fixture *f = setup();
	f->srv.short_read = 1500;
	f->srv.stray = 1; /* before the first dozen replies: control calls and READs */
	f->srv.stray_budget = 12;
	CHECK_INT(fetch(f, "nfs://server:2049/srv/boot/f.bin"), 0);
	check_file(f);
	CHECK(f->srv.reads >= FILE_LEN / 1500); /* each short READ's rest asked for again */
	CHECK_INT(f->srv.stray_budget, 0);
	CHECK_INT(f->srv.nconns, 3); /* the portmapper was still asked for MOUNT */
	teardown(f);
	/* a server sending more replies to no call than a client tolerates */
	f = setup();
	f->srv.stray = f->srv.stray_budget = 20;
	CHECK_INT(fetch(f, "nfs://server/srv/boot/f.bin"), -WBE_NFS_MALFORMED);
	teardown(f);
}

TEST(nfs_fetch_symbolic_links)
{
	struct fixture *f = setup();
	CHECK_INT(fetch(f, "nfs://server/srv/boot/rel"), 0);
	check_file(f);
	teardown(f);
	/* absolute: unmounted and mounted again for the target */
	f = setup();
	CHECK_INT(fetch(f, "nfs://server/srv/abs"), 0);
	check_file(f);
	CHECK_INT(f->srv.umnts, 2);
	teardown(f);
	f = setup();
	CHECK_INT(fetch(f, "nfs://server/srv/boot/loop"), -WBE_NFS_SYMLINK_LOOP);
	CHECK(strstr(test_platform_output(&f->tp), "more than 8 symbolic links") != NULL);
	teardown(f);
}

TEST(nfs_fetch_errors)
{
	static const struct {
		const char *uri;
		int rc;
	} cases[] = {
		{"nfs://server/srv/boot/none.bin", -WBE_NFS_NOENT},
		{"nfs://server/srv/boot", -WBE_NFS_IS_DIR},
		{"nfs://server/srv/", -WBE_NFS_IS_DIR},
		{"nfs://server/etc/passwd", -WBE_NFS_NOT_EXPORTED},
		{"nfs://server/", -WBE_NFS_URI},
		{"nfs:///srv/boot/f.bin", -WBE_NFS_URI},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = setup();
		CHECK_INT(fetch(f, cases[i].uri), cases[i].rc);
		teardown(f);
	}
}

TEST(nfs_fetch_size_and_timeout)
{
	/* the file ends before its announced size */
	struct fixture *f = setup();
	f->srv.data_len = 40000;
	CHECK_INT(fetch(f, "nfs://server/srv/boot/f.bin"), -WBE_NFS_SIZE);
	CHECK_INT(f->sink.next, 40000);
	teardown(f);
	/* the server never answers a READ */
	f = setup();
	f->srv.silent_reads = true;
	CHECK_INT(fetch(f, "nfs://server/srv/boot/f.bin"), -WBE_NFS_TIMEOUT);
	CHECK(strstr(test_platform_output(&f->tp), "READ") != NULL);
	teardown(f);
}
