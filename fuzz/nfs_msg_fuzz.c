/*
 * nfs_msg_fuzz.c - libFuzzer harness for the ONC RPC / NFSv3 reply codec (wireboot/nfs_msg.h):
 * record marking, the RPC reply header and the results of every procedure the NFS download
 * calls (portmapper GETPORT, MOUNT MNT, NFSv3 GETATTR, LOOKUP, READLINK, READ, FSINFO).
 *
 * Input: byte 0 is the size of the pieces the rest is fed to the record reassembler in
 * (0 means 1); every whole record is parsed as a reply and its body as each procedure's
 * results. The input after byte 0 is also parsed directly, as a reply and as results.
 * Invariants: the reassembler takes no more than offered and never fills past its buffer;
 * every pointer a parser returns lies inside its input; handles, ports and link targets
 * stay within their limits; a READ's data length equals its count.
 */
#include <stdint.h>
#include <string.h>

#include "wireboot/errors.h"
#include "wireboot/nfs_msg.h"

#include "fuzz.h"

#define RECORD_MAX 4096

static const uint32_t procs[][2] = {
	{RPC_PROG_PORTMAP, RPC_PORTMAP_GETPORT}, {RPC_PROG_MOUNT, RPC_MOUNT_MNT}, {RPC_PROG_NFS, NFS3_GETATTR},
	{RPC_PROG_NFS, NFS3_LOOKUP},             {RPC_PROG_NFS, NFS3_READLINK},  {RPC_PROG_NFS, NFS3_READ},
	{RPC_PROG_NFS, NFS3_FSINFO},
};

static void check_results(const uint8_t *body, size_t len)
{
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		struct nfs_result r;
		if (nfs_msg_parse_result(procs[i][0], procs[i][1], body, len, &r) != 0)
			continue;
		ENSURE(r.port <= 65535 && r.fh.len <= NFS3_FHSIZE);
		ENSURE(r.data_len == 0 || (r.data >= body && r.data + r.data_len <= body + len));
		if (procs[i][1] == NFS3_READ && procs[i][0] == RPC_PROG_NFS && r.status == NFS3_OK)
			ENSURE(r.data_len == r.count);
		if (procs[i][1] == NFS3_READLINK && procs[i][0] == RPC_PROG_NFS)
			ENSURE(r.data_len <= NFS_LINK_MAX);
	}
}

static void check_reply(const uint8_t *rec, size_t len)
{
	struct nfs_rpc_reply r;
	int rc = nfs_msg_parse_reply(rec, len, &r);
	ENSURE(rc == 0 || rc == -WBE_NFS_MALFORMED || rc == -WBE_NFS_RPC_DENIED || rc == -WBE_NFS_RPC_UNAVAIL);
	if (rc)
		return;
	ENSURE(r.body >= rec && r.body + r.body_len == rec + len);
	check_results(r.body, r.body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = data[0] ? data[0] : 1;
	const uint8_t *in = data + 1;
	size_t len = size - 1;
	check_reply(in, len);
	check_results(in, len);

	/* an exact-size buffer: ASan sees any write past the end of a record */
	uint8_t *buf = malloc(RECORD_MAX);
	struct nfs_record rec;
	nfs_record_init(&rec, buf, RECORD_MAX);
	size_t pos = 0;
	while (pos < len) {
		size_t n = len - pos < piece ? len - pos : piece, used;
		int rc = nfs_record_feed(&rec, in + pos, n, &used);
		ENSURE(used <= n && rec.len <= RECORD_MAX);
		pos += used;
		if (rc < 0)
			break;
		if (rc == 1) {
			check_reply(buf, rec.len);
			nfs_record_init(&rec, buf, RECORD_MAX);
		} else {
			ENSURE(used == n); /* more is needed: everything offered was taken */
		}
	}
	free(buf);
	return 0;
}
