/*
 * nfs_msg.h - the message codec of the read-only NFS client: ONC RPC version 2 calls and
 * replies (RFC 5531) in XDR (RFC 4506), framed by TCP record marking (RFC 5531 §11), for the
 * procedures a download needs: portmapper v2 GETPORT (RFC 1833 §3), MOUNT v3 MNT and UMNT
 * (RFC 1813 Appendix I) and NFSv3 GETATTR, LOOKUP, READLINK, READ and FSINFO (RFC 1813 §3).
 *
 * Sans-I/O: calls are built into the caller's buffer, records are reassembled from whatever
 * pieces the stream hands over, replies are parsed from a complete record. Connections,
 * timeouts and the order of calls are the download's job (wireboot/nfs.h). Nothing here
 * allocates; every parser is bounded by its input and safe on hostile bytes (fuzzed by
 * fuzz/nfs_msg_fuzz.c).
 *
 * Pointers: every pointer argument must be non-NULL unless stated otherwise (-WBE_INVAL).
 * Output structs are written only on success unless stated otherwise.
 */
#ifndef WIREBOOT_NFS_MSG_H
#define WIREBOOT_NFS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RPC_PORTMAP_PORT 111

/* Program, version and procedure numbers (RFC 1833 §3, RFC 1813 §3 and Appendix I). */
#define RPC_PROG_PORTMAP 100000
#define RPC_PORTMAP_VERS 2
#define RPC_PORTMAP_GETPORT 3
#define RPC_PROG_MOUNT 100005
#define RPC_MOUNT_VERS 3
#define RPC_MOUNT_MNT 1
#define RPC_MOUNT_UMNT 3
#define RPC_PROG_NFS 100003
#define RPC_NFS_VERS 3
#define NFS3_GETATTR 1
#define NFS3_LOOKUP 3
#define NFS3_READLINK 5
#define NFS3_READ 6
#define NFS3_FSINFO 19

/* MOUNT v3 mountstat3 and NFSv3 nfsstat3 values a download tells apart (RFC 1813). */
#define MNT3_OK 0
#define MNT3ERR_PERM 1
#define MNT3ERR_NOENT 2
#define MNT3ERR_ACCES 13
#define MNT3ERR_NOTDIR 20
#define NFS3_OK 0
#define NFS3ERR_PERM 1
#define NFS3ERR_NOENT 2
#define NFS3ERR_ACCES 13
#define NFS3ERR_NOTDIR 20
#define NFS3ERR_STALE 70

/* ftype3 (RFC 1813 §2.5) */
#define NF3REG 1
#define NF3DIR 2
#define NF3LNK 5

#define NFS3_FHSIZE 64  /* longest NFSv3 file handle (RFC 1813 §2.4) */
#define MNT_PATH_MAX 1024 /* MNTPATHLEN: longest dirpath (RFC 1813 Appendix I) */
#define NFS_NAME_MAX 255  /* longest file name component a LOOKUP sends */
/* Longest symbolic link target accepted (nfspath3 has no bound of its own). */
#define NFS_LINK_MAX 1024
/* AUTH_SYS credentials (RFC 5531 Appendix A): uid and gid 0, no other groups, this name. */
#define NFS_AUTH_MACHINE "wireboot"
#define NFS_AUTH_UID 0
#define NFS_AUTH_GID 0
/* Largest call nfs_msg_build_call() makes (a LOOKUP with the longest name, or a MNT with the
 * longest path), record mark included. */
#define NFS_CALL_MAX 1280
/* Bytes of a reply around a READ's data (record mark, RPC header with the largest verifier,
 * status, attributes, count, eof, length): a record buffer of read size + this holds any
 * READ reply. */
#define NFS_REPLY_OVERHEAD 640

/* An opaque NFSv3 file handle (nfs_fh3 / fhandle3). */
struct nfs_fh {
	uint32_t len; /* 0..NFS3_FHSIZE */
	uint8_t data[NFS3_FHSIZE];
};

/* One call: the program/procedure and the arguments its procedure uses. */
struct nfs_call {
	uint32_t xid;
	uint32_t prog, vers, proc;
	uint32_t stamp;            /* AUTH_SYS stamp (any value; servers cache credentials by it) */
	uint32_t getport_prog;     /* GETPORT: the program and version looked up (over TCP) */
	uint32_t getport_vers;
	const struct nfs_fh *fh;   /* GETATTR, LOOKUP (the directory), READLINK, READ, FSINFO */
	const char *name;          /* LOOKUP: a file name; MNT/UMNT: the directory path */
	size_t name_len;           /* 1..NFS_NAME_MAX (LOOKUP), 1..MNT_PATH_MAX (MNT, UMNT) */
	uint64_t offset;           /* READ */
	uint32_t count;            /* READ */
};

/** nfs_call_init() - zero @c and set @prog, its version this codec speaks, and @proc. */
void nfs_call_init(struct nfs_call *c, uint32_t prog, uint32_t proc);

/**
 * nfs_msg_build_call() - the call record (record mark, RPC call header with AUTH_SYS
 * credentials and an AUTH_NONE verifier, XDR arguments) for @call into @buf.
 * Returns the record length (at most NFS_CALL_MAX), or -WBE_RANGE (a name or path empty or
 * longer than its limit, a file handle longer than NFS3_FHSIZE, a NULL fh or name where the
 * procedure needs one), -WBE_NOTSUP (a procedure this codec does not build), -WBE_NOSPC
 * (@size too small), -WBE_INVAL.
 */
int nfs_msg_build_call(const struct nfs_call *call, uint8_t *buf, size_t size);

/*
 * Record reassembly (RFC 5531 §11): a record is one or more fragments, each behind a 4-byte
 * mark (bit 31: last fragment; bits 0-30: its length). The fragments' bytes are gathered
 * into buf; a record longer than size is refused rather than cut.
 */
struct nfs_record {
	uint8_t *buf;      /* the caller's buffer (may be replaced between records) */
	size_t size;
	size_t len;        /* bytes of the record gathered so far */
	uint32_t frag_left; /* bytes of the current fragment still to come */
	bool last;         /* the current fragment is the record's last */
	bool in_fragment;  /* between a mark and the end of its fragment */
	uint8_t mark[4];
	uint8_t mark_len;
};

/** nfs_record_init() - start gathering a record into @buf (@size bytes). */
void nfs_record_init(struct nfs_record *r, uint8_t *buf, size_t size);

/**
 * nfs_record_feed() - take bytes from @data (@len; @data may be NULL when @len is 0) and
 * set *@used to how many were taken. Stops at the end of a record. Returns 1 when a whole
 * record is in r->buf (r->len bytes; call nfs_record_init() again before the next), 0 when
 * more bytes are needed, -WBE_NFS_MALFORMED when the record is longer than r->size.
 */
int nfs_record_feed(struct nfs_record *r, const uint8_t *data, size_t len, size_t *used);

/* What the RPC header of a reply says (RFC 5531 §9). */
struct nfs_rpc_reply {
	uint32_t xid;
	uint32_t reply_stat;  /* 0 MSG_ACCEPTED, 1 MSG_DENIED */
	uint32_t stat;        /* accept_stat, or for a denial reject_stat */
	uint32_t auth_stat;   /* denied with AUTH_ERROR: why */
	uint32_t low, high;   /* PROG_MISMATCH or RPC_MISMATCH: the versions supported */
	const uint8_t *body;  /* accepted with SUCCESS: the procedure's results (points into the
				 record) */
	size_t body_len;
};

/**
 * nfs_msg_parse_reply() - the RPC header of the reply record @rec (@len bytes, without
 * record marks). @out is zeroed first and its xid is set whenever the record holds one, so
 * the caller can match even a refused call.
 * Returns 0 (accepted, SUCCESS: out->body holds the results), or:
 *   -WBE_NFS_RPC_DENIED   MSG_DENIED (RPC version mismatch or an authentication error)
 *   -WBE_NFS_RPC_UNAVAIL  accepted but not run: PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL,
 *                         GARBAGE_ARGS, SYSTEM_ERR
 *   -WBE_NFS_MALFORMED    not a reply, cut short, a verifier over 400 bytes, unknown values
 *   -WBE_INVAL
 */
int nfs_msg_parse_reply(const uint8_t *rec, size_t len, struct nfs_rpc_reply *out);

/* The attributes of a file a download uses (fattr3, RFC 1813 §2.6). */
struct nfs_attr {
	uint32_t type; /* NF3REG, NF3DIR, NF3LNK, ... */
	uint32_t mode;
	uint32_t uid, gid;
	uint64_t size;
};

/* The results of one procedure: which fields are set depends on the procedure. */
struct nfs_result {
	uint32_t status;        /* GETPORT: 0; MNT: mountstat3; NFS: nfsstat3 */
	uint32_t port;          /* GETPORT: 0 (not registered) or 1..65535 */
	struct nfs_fh fh;       /* MNT, LOOKUP (when status is 0) */
	bool auth_sys;          /* MNT: AUTH_SYS is among the export's flavors */
	bool has_attr;          /* GETATTR, LOOKUP (the object), READ, READLINK, FSINFO */
	struct nfs_attr attr;
	uint32_t rtmax, rtpref; /* FSINFO */
	uint32_t count;         /* READ: bytes returned */
	bool eof;               /* READ */
	const uint8_t *data;    /* READ: the bytes; READLINK: the target (not NUL-terminated);
				   points into the reply */
	size_t data_len;
};

/**
 * nfs_msg_parse_result() - the results of procedure @proc of program @prog (one of those
 * nfs_msg_build_call() builds) from @body/@len (nfs_rpc_reply.body). @out is zeroed first.
 * A failed procedure (status not 0) is still a successful parse: read out->status.
 * Returns 0, or -WBE_NFS_MALFORMED (cut short, a file handle over NFS3_FHSIZE, a port over
 * 65535, a READ whose data length differs from its count, a link target over NFS_LINK_MAX,
 * more than 64 MNT flavors, a boolean that is neither 0 nor 1), -WBE_NOTSUP (another
 * procedure), -WBE_INVAL.
 */
int nfs_msg_parse_result(uint32_t prog, uint32_t proc, const uint8_t *body, size_t len, struct nfs_result *out);

#endif
