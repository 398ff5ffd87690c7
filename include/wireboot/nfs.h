/*
 * nfs.h - read-only NFSv3 downloads: the `nfs` URI scheme of the download table
 * (wireboot/download.h), nfs://host[:port]/path. Messages are built and parsed by
 * wireboot/nfs_msg.h; connections come from the system's transport (our TCP/IP stack, or
 * host sockets on the Linux host program).
 *
 * What a fetch does:
 *  - asks the portmapper (TCP port 111, RFC 1833 v2 GETPORT) for MOUNT v3 over TCP, and for
 *    NFS v3 over TCP unless the URI gives the NFS port (-WBE_NFS_NO_PROGRAM when either is
 *    not registered);
 *  - mounts (MOUNT v3 MNT) the longest directory prefix of the path the server accepts,
 *    trying the file's directory first and then each parent up to "/", and LOOKUPs the
 *    remaining components one by one (every MNT refused: -WBE_NFS_NOT_EXPORTED when the
 *    server answered NOENT for the longest prefix, -WBE_NFS_MOUNT_DENIED for ACCES/PERM,
 *    -WBE_NFS_MOUNT_ERROR otherwise);
 *  - follows at most NFS_MAX_SYMLINKS symbolic links (READLINK): a relative target from the
 *    link's directory, an absolute one as a new path from the mount step on
 *    (-WBE_NFS_SYMLINK_LOOP beyond);
 *  - refuses directories (-WBE_NFS_IS_DIR) and other non-regular files (-WBE_NFS_NOT_FILE),
 *    announces the size from the attributes (dl->expect), and READs in chunks of the
 *    server's FSINFO rtpref (at most rtmax and NFS_READ_MAX), NFS_READS_IN_FLIGHT at once,
 *    until the server reports the end of the file; the file must end at the announced size
 *    (-WBE_NFS_SIZE);
 *  - unmounts (UMNT) at the end, best effort, waiting at most NFS_UMNT_TIMEOUT_NS.
 * Credentials: AUTH_SYS with uid 0, gid 0 and the machine name "wireboot"; servers that squash
 * root map this to their anonymous user, so the file must be readable for it
 * (-WBE_NFS_ACCES otherwise). The source port is not a privileged one: Linux's kernel
 * server needs the export option `insecure`.
 * Every wait is bounded: NFS_CONNECT_TIMEOUT_NS per connection, NFS_REPLY_TIMEOUT_NS
 * without a byte of an awaited reply (-WBE_NFS_TIMEOUT); Ctrl-C cancels (-WBE_CANCELED).
 * Errors print "<uri>: <what>" first.
 */
#ifndef WIREBOOT_NFS_H
#define WIREBOOT_NFS_H

#include "wireboot/download.h"
#include "wireboot/process.h"

#define NFS_CONNECT_TIMEOUT_NS (30 * NS_PER_SEC)
#define NFS_REPLY_TIMEOUT_NS (30 * NS_PER_SEC)
#define NFS_UMNT_TIMEOUT_NS (2 * NS_PER_SEC)
#define NFS_MAX_SYMLINKS 8
/* Largest READ asked for, whatever the server offers, and the READs sent before waiting. */
#define NFS_READ_MAX (1024 * 1024)
#define NFS_READS_IN_FLIGHT 4
/* Read size when the server's FSINFO gives no usable rtpref. */
#define NFS_READ_DEFAULT 32768

extern const struct uri_scheme scheme_nfs;

#endif
