/*
 * nfs_msg_test.c - tests for wireboot/nfs_msg.h: calls built byte for byte (record mark,
 * AUTH_SYS credentials, each procedure's arguments) and their limits; record reassembly from
 * pieces of every size and from several fragments; RPC reply headers (accepted, denied,
 * unavailable); each procedure's results. Every reply is also parsed at each shorter length
 * from an exact-size heap copy, so ASan catches any read past the end.
 */
#include "wireboot/nfs_msg.h"

#include <stdlib.h>

#include "test.h"
#include "wireboot/errors.h"

/* RPC header of an accepted, successful reply: xid 0a0b0c0d, REPLY, MSG_ACCEPTED, AUTH_NONE
 * verifier, SUCCESS */
#define REPLY_OK "0a0b0c0d 00000001 00000000 00000000 00000000 00000000"
/* fattr3 of a 4096-byte regular file, mode 0644, uid 1000, gid 100 (21 units) */
#define FATTR_FILE                                                                                 \
	"00000001 000001a4 00000001 000003e8 00000064 00000000 00001000 00000000 00001000"           \
	"00000000 00000000 00000000 00000001 00000000 00000063 00000000 00000000 00000000 00000000" \
	"00000000 00000000"

/* AUTH_SYS credentials (stamp 0, "wireboot", uid 0, gid 0, no groups), AUTH_NONE verifier */
#define CRED_STAMP0                                                                        \
	"00000001 0000001c 00000000 00000008 77697265626f6f74 00000000 00000000 00000000" \
	"00000000 00000000"

static size_t hex(const char *text, uint8_t *out, size_t max)
{
	return test_hex(text, out, max);
}

/* Builds @c and compares it with the record in @text. */
static void check_call(const struct nfs_call *c, const char *text)
{
	uint8_t buf[NFS_CALL_MAX], want[NFS_CALL_MAX];
	size_t n = hex(text, want, sizeof(want));
	CHECK_INT(nfs_msg_build_call(c, buf, sizeof(buf)), n);
	CHECK_MEM(buf, want, n);
}

TEST(nfs_msg_getport_call)
{
	uint8_t buf[NFS_CALL_MAX], want[128];
	size_t n = hex("80000054 01020304 00000000 00000002 000186a0 00000002 00000003"
		       "00000001 0000001c 11223344 00000008 77697265626f6f74 00000000 00000000 00000000"
		       "00000000 00000000"
		       "000186a5 00000003 00000006 00000000",
		       want, sizeof(want));
	struct nfs_call c;
	nfs_call_init(&c, RPC_PROG_PORTMAP, RPC_PORTMAP_GETPORT);
	c.xid = 0x01020304;
	c.stamp = 0x11223344;
	c.getport_prog = RPC_PROG_MOUNT;
	c.getport_vers = RPC_MOUNT_VERS;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), n);
	CHECK_MEM(buf, want, n);
	CHECK_INT(nfs_msg_build_call(&c, buf, n - 1), -WBE_NOSPC);
	CHECK_INT(nfs_msg_build_call(&c, buf, n), n);
	CHECK_INT(nfs_msg_build_call(NULL, buf, n), -WBE_INVAL);
}

TEST(nfs_msg_lookup_read_mnt_calls)
{
	struct nfs_fh fh = {5, {1, 2, 3, 4, 5}};
	struct nfs_call c;
	nfs_call_init(&c, RPC_PROG_NFS, NFS3_LOOKUP);
	c.xid = 7;
	c.fh = &fh;
	c.name = "boot.efi";
	c.name_len = 8;
	/* the handle and the name, each padded to 4 bytes */
	check_call(&c, "8000005c 00000007 00000000 00000002 000186a3 00000003 00000003" CRED_STAMP0
		       "00000005 0102030405000000 00000008 626f6f742e656669");

	c.proc = NFS3_READ;
	c.offset = 0x100000000ull + 5;
	c.count = 65536;
	check_call(&c, "8000005c 00000007 00000000 00000002 000186a3 00000003 00000006" CRED_STAMP0
		       "00000005 0102030405000000 00000001 00000005 00010000");

	struct nfs_call m;
	nfs_call_init(&m, RPC_PROG_MOUNT, RPC_MOUNT_MNT);
	m.xid = 9;
	m.name = "/srv/x";
	m.name_len = 6;
	check_call(&m, "80000050 00000009 00000000 00000002 000186a5 00000003 00000001" CRED_STAMP0
		       "00000006 2f7372762f780000");
}

TEST(nfs_msg_call_limits)
{
	uint8_t buf[NFS_CALL_MAX];
	static char path[MNT_PATH_MAX + 1];
	memset(path, 'a', sizeof(path));
	struct nfs_fh fh = {NFS3_FHSIZE, {0}};
	struct nfs_call c;
	nfs_call_init(&c, RPC_PROG_MOUNT, RPC_MOUNT_MNT);
	c.name = path;
	c.name_len = MNT_PATH_MAX;
	CHECK(nfs_msg_build_call(&c, buf, sizeof(buf)) > 0);
	c.name_len = MNT_PATH_MAX + 1;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_RANGE);
	c.name_len = 0;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_RANGE);
	/* the largest LOOKUP fits in NFS_CALL_MAX */
	c.prog = RPC_PROG_NFS;
	c.vers = RPC_NFS_VERS;
	c.proc = NFS3_LOOKUP;
	c.fh = &fh;
	c.name_len = NFS_NAME_MAX;
	CHECK(nfs_msg_build_call(&c, buf, sizeof(buf)) > 0);
	c.name_len = NFS_NAME_MAX + 1;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_RANGE);
	c.name_len = 1;
	fh.len = NFS3_FHSIZE + 1;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_RANGE);
	c.fh = NULL;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_RANGE);
	c.proc = 2; /* SETATTR: not something a reading client calls */
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_NOTSUP);
	c.proc = NFS3_READ;
	c.vers = 4;
	CHECK_INT(nfs_msg_build_call(&c, buf, sizeof(buf)), -WBE_NOTSUP);
}

TEST(nfs_msg_record_pieces)
{
	/* two fragments ("abc", then the last: "defgh"), then the next record's first bytes */
	uint8_t in[64], rec[16];
	size_t n = hex("00000003 616263 80000005 6465666768 8000", in, sizeof(in));
	for (size_t piece = 1; piece <= n; piece++) {
		struct nfs_record r;
		nfs_record_init(&r, rec, sizeof(rec));
		size_t pos = 0, used;
		int rc = 0;
		while (pos < n && rc == 0) {
			size_t len = n - pos < piece ? n - pos : piece;
			rc = nfs_record_feed(&r, in + pos, len, &used);
			CHECK(used <= len);
			pos += used;
		}
		CHECK_INT(rc, 1);
		CHECK_INT(pos, n - 2); /* stopped at the end of the record */
		CHECK_INT(r.len, 8);
		CHECK_MEM(rec, "abcdefgh", 8);
	}
	/* an empty last fragment ends an empty record */
	struct nfs_record r;
	size_t used;
	nfs_record_init(&r, rec, sizeof(rec));
	CHECK_INT(nfs_record_feed(&r, (const uint8_t *)"\x80\0\0\0", 4, &used), 1);
	CHECK_INT(r.len, 0);
	nfs_record_init(&r, rec, sizeof(rec));
	CHECK_INT(nfs_record_feed(&r, NULL, 0, &used), 0);
	CHECK_INT(used, 0);
}

TEST(nfs_msg_record_too_long)
{
	uint8_t rec[8];
	struct nfs_record r;
	size_t used;
	nfs_record_init(&r, rec, sizeof(rec));
	CHECK_INT(nfs_record_feed(&r, (const uint8_t *)"\x80\0\0\x09", 4, &used), -WBE_NFS_MALFORMED);
	/* the fragments of one record add up beyond the buffer */
	nfs_record_init(&r, rec, sizeof(rec));
	uint8_t in[32];
	size_t n = hex("00000005 0102030405 80000004", in, sizeof(in));
	CHECK_INT(nfs_record_feed(&r, in, n, &used), -WBE_NFS_MALFORMED);
}

/* Parses @text as a reply record (header and results of @prog/@proc), after parsing each
 * shorter prefix of it from an exact-size copy (some prefixes are complete replies: results
 * may end with fields a download does not read). Returns the full parse's rc. */
static int parse_all(const char *text, uint32_t prog, uint32_t proc, struct nfs_rpc_reply *r, struct nfs_result *res,
		     uint8_t *buf, size_t max)
{
	size_t n = hex(text, buf, max);
	for (size_t cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		struct nfs_rpc_reply cr;
		struct nfs_result cres;
		if (nfs_msg_parse_reply(copy, cut, &cr) == 0 && nfs_msg_parse_result(prog, proc, cr.body, cr.body_len, &cres) == 0)
			CHECK(cres.data_len == 0 || (cres.data >= copy && cres.data + cres.data_len <= copy + cut));
		free(copy);
	}
	int rc = nfs_msg_parse_reply(buf, n, r);
	if (rc)
		return rc;
	return nfs_msg_parse_result(prog, proc, r->body, r->body_len, res);
}

TEST(nfs_msg_reply_headers)
{
	uint8_t buf[256];
	struct nfs_rpc_reply r;
	struct nfs_result res;
	CHECK_INT(parse_all(REPLY_OK "00000801", RPC_PROG_PORTMAP, RPC_PORTMAP_GETPORT, &r, &res, buf, sizeof(buf)), 0);
	CHECK_INT(r.xid, 0x0a0b0c0d);
	CHECK_INT(res.port, 2049);
	/* denied: AUTH_ERROR, AUTH_TOOWEAK (5) */
	CHECK_INT(parse_all("0a0b0c0d 00000001 00000001 00000001 00000005", RPC_PROG_NFS, NFS3_READ, &r, &res, buf,
			    sizeof(buf)),
		  -WBE_NFS_RPC_DENIED);
	CHECK_INT(r.auth_stat, 5);
	CHECK_INT(r.xid, 0x0a0b0c0d);
	/* denied: RPC_MISMATCH 2..2 */
	CHECK_INT(parse_all("00000001 00000001 00000001 00000000 00000002 00000002", RPC_PROG_NFS, NFS3_READ, &r, &res,
			    buf, sizeof(buf)),
		  -WBE_NFS_RPC_DENIED);
	CHECK_INT(r.low, 2);
	/* accepted: PROG_MISMATCH 4..4, a verifier with a 4-byte body */
	CHECK_INT(parse_all("00000001 00000001 00000000 00000001 00000004 01020304 00000002 00000004 00000004",
			    RPC_PROG_NFS, NFS3_READ, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_RPC_UNAVAIL);
	CHECK_INT(r.stat, 2);
	CHECK_INT(r.high, 4);
	/* a CALL, an unknown reply_stat, an unknown accept_stat, a 404-byte verifier */
	CHECK_INT(parse_all("00000001 00000000 00000000", RPC_PROG_NFS, NFS3_READ, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all("00000001 00000001 00000002", RPC_PROG_NFS, NFS3_READ, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all("00000001 00000001 00000000 00000000 00000000 00000006", RPC_PROG_NFS, NFS3_READ, &r,
			    &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all("00000001 00000001 00000000 00000000 00000194", RPC_PROG_NFS, NFS3_READ, &r, &res, buf,
			    sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(nfs_msg_parse_reply(NULL, 4, &r), -WBE_INVAL);
}

TEST(nfs_msg_portmap_and_mount)
{
	uint8_t buf[256];
	struct nfs_rpc_reply r;
	struct nfs_result res;
	CHECK_INT(parse_all(REPLY_OK "00010000", RPC_PROG_PORTMAP, RPC_PORTMAP_GETPORT, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	/* MNT3_OK, a 6-byte handle, flavors AUTH_NONE and AUTH_SYS */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000006 aabbccddeeff0000 00000002 00000000 00000001", RPC_PROG_MOUNT,
			    RPC_MOUNT_MNT, &r, &res, buf, sizeof(buf)),
		  0);
	CHECK_INT(res.status, MNT3_OK);
	CHECK_INT(res.fh.len, 6);
	CHECK_MEM(res.fh.data, "\xaa\xbb\xcc\xdd\xee\xff", 6);
	CHECK(res.auth_sys);
	CHECK_INT(parse_all(REPLY_OK "0000000d", RPC_PROG_MOUNT, RPC_MOUNT_MNT, &r, &res, buf, sizeof(buf)), 0);
	CHECK_INT(res.status, MNT3ERR_ACCES);
	/* a 65-byte handle; 65 flavors */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000041", RPC_PROG_MOUNT, RPC_MOUNT_MNT, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000041", RPC_PROG_MOUNT, RPC_MOUNT_MNT, &r, &res, buf,
			    sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(nfs_msg_parse_result(RPC_PROG_MOUNT, RPC_MOUNT_UMNT, buf, 0, &res), -WBE_NOTSUP);
}

TEST(nfs_msg_lookup_getattr_fsinfo)
{
	uint8_t buf[512];
	struct nfs_rpc_reply r;
	struct nfs_result res;
	/* LOOKUP: ok, a 4-byte handle, the object's attributes, no directory attributes */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000004 01020304 00000001" FATTR_FILE "00000000", RPC_PROG_NFS,
			    NFS3_LOOKUP, &r, &res, buf, sizeof(buf)),
		  0);
	CHECK_INT(res.status, NFS3_OK);
	CHECK_INT(res.fh.len, 4);
	CHECK(res.has_attr);
	CHECK_INT(res.attr.type, NF3REG);
	CHECK_INT(res.attr.mode, 0644);
	CHECK_INT(res.attr.uid, 1000);
	CHECK_INT(res.attr.gid, 100);
	CHECK_INT(res.attr.size, 4096);
	/* LOOKUP failed: NOENT with the directory's attributes left out */
	CHECK_INT(parse_all(REPLY_OK "00000002 00000000", RPC_PROG_NFS, NFS3_LOOKUP, &r, &res, buf, sizeof(buf)), 0);
	CHECK_INT(res.status, NFS3ERR_NOENT);
	/* post_op_attr with a boolean of 2 */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000004 01020304 00000002", RPC_PROG_NFS, NFS3_LOOKUP, &r, &res, buf,
			    sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all(REPLY_OK "00000000" FATTR_FILE, RPC_PROG_NFS, NFS3_GETATTR, &r, &res, buf, sizeof(buf)), 0);
	CHECK_INT(res.attr.size, 4096);
	/* FSINFO: no attributes, rtmax 1 MiB, rtpref 64 KiB, then the rest (not read) */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00100000 00010000 00000200", RPC_PROG_NFS, NFS3_FSINFO, &r,
			    &res, buf, sizeof(buf)),
		  0);
	CHECK_INT(res.rtmax, 1 << 20);
	CHECK_INT(res.rtpref, 65536);
}

TEST(nfs_msg_read_readlink)
{
	uint8_t buf[512];
	struct nfs_rpc_reply r;
	struct nfs_result res;
	CHECK_INT(parse_all(REPLY_OK "00000000 00000001" FATTR_FILE "00000005 00000001 00000005 68656c6c6f000000",
			    RPC_PROG_NFS, NFS3_READ, &r, &res, buf, sizeof(buf)),
		  0);
	CHECK_INT(res.count, 5);
	CHECK(res.eof);
	CHECK_INT(res.data_len, 5);
	CHECK_MEM(res.data, "hello", 5);
	/* count and data length differ; eof not a boolean; padding missing */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000004 00000000 00000005 68656c6c6f000000", RPC_PROG_NFS,
			    NFS3_READ, &r, &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000000 00000003 00000000", RPC_PROG_NFS, NFS3_READ, &r, &res,
			    buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000001 00000000 00000001 68", RPC_PROG_NFS, NFS3_READ, &r,
			    &res, buf, sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(parse_all(REPLY_OK "0000000d 00000000", RPC_PROG_NFS, NFS3_READ, &r, &res, buf, sizeof(buf)), 0);
	CHECK_INT(res.status, NFS3ERR_ACCES);
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000007 2e2e2f612e656600", RPC_PROG_NFS, NFS3_READLINK, &r,
			    &res, buf, sizeof(buf)),
		  0);
	CHECK_INT(res.data_len, 7);
	CHECK_MEM(res.data, "../a.ef", 7);
	/* a target longer than NFS_LINK_MAX */
	CHECK_INT(parse_all(REPLY_OK "00000000 00000000 00000401", RPC_PROG_NFS, NFS3_READLINK, &r, &res, buf,
			    sizeof(buf)),
		  -WBE_NFS_MALFORMED);
	CHECK_INT(nfs_msg_parse_result(RPC_PROG_NFS, 2, buf, 0, &res), -WBE_NOTSUP);
}
