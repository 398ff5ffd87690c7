/*
 * san.h - SAN drives: an iSCSI session to one LUN, with its geometry, numbered like iPXE's
 * (0x80, 0x81, ...), and reads/writes of whole blocks with several commands in flight.
 */
#ifndef WIREBOOT_SAN_H
#define WIREBOOT_SAN_H

#include <stdint.h>
#include "wireboot/blockdev.h"
#include "wireboot/iscsi.h"
#include "wireboot/list.h"
#include "wireboot/platform.h"

struct system;

#define SAN_FIRST_DRIVE 0x80
#define SAN_CHUNK (256 * 1024) /* bytes per SCSI command of a large transfer */
#define SAN_QUEUE_DEPTH 32     /* commands in flight at most */
#define SAN_MIN_BLOCK_SIZE 512   /* logical block sizes a LUN may have (else -WBE_SCSI_BLOCK_SIZE) */
#define SAN_MAX_BLOCK_SIZE 65536

struct san_drive {
	struct list_node link;
	unsigned number;
	struct iscsi_session session;
	uint64_t blocks;
	uint32_t block_size;
	char vendor[9], product[17], revision[5];
	char serial[64];     /* VPD page 0x80, "" when the device has none */
	char device_name[72]; /* VPD page 0x83: the LU's name (naa./eui./t10.), "" when none */
	unsigned target_luns; /* how many LUNs REPORT LUNS lists (0 if it failed) */
	struct blockdev blockdev; /* the drive behind a read cache: what firmware I/O goes through */
	struct system *sys;
	struct platform_disk disk; /* what the firmware was given (disk_export) */
	void *export_handle;       /* the firmware's handle for the drive, NULL when not exported */
};

/**
 * san_hook() - log in to the first of @nuris root paths (iscsi:..., 1..ISCSI_MAX_PATHS ways to
 * the same LUN: the others are failover paths) with the credentials in the settings
 * (username, password, reverse-username, reverse-password, initiator-iqn), wait until the LUN
 * answers (TEST UNIT READY, retried on UNIT ATTENTION), read its capacity and identity.
 * @drive: the drive number, or 0 for the next free one. Returns 0 and *@out, or an rc.
 */
int san_hook(struct system *sys, const char *const *uris, unsigned nuris, unsigned drive, struct san_drive **out);
/**
 * san_boot() - boot from drive @d: load @filename (NULL: the removable-media path) from a file
 * system on it and start it (see struct platform's disk_boot). -WBE_NOTSUP on the host.
 */
int san_boot(struct system *sys, struct san_drive *d, const char *filename);

/** san_sync() - SYNCHRONIZE CACHE of the whole drive (after writes). 0 or rc. */
int san_sync(struct system *sys, struct san_drive *d);

/** san_unhook() - log out and forget the drive. */
void san_unhook(struct system *sys, struct san_drive *d);
/** san_find() - hooked drive @number (0: the first one), or NULL. */
struct san_drive *san_find(struct system *sys, unsigned number);

/**
 * san_rw() - read (@write false) or write @count blocks at @lba into/from @buf, in
 * SAN_CHUNK commands with up to @depth (1..SAN_QUEUE_DEPTH, 0: the maximum) in flight.
 * Returns 0 or an rc.
 */
int san_rw(struct system *sys, struct san_drive *d, bool write, uint64_t lba, uint64_t count, uint8_t *buf,
	   unsigned depth);

/** One SCSI command of a san_run(): @count blocks at @lba, to or from @buf (@count * block size). */
struct san_request {
	uint64_t lba;
	uint32_t count;
	uint8_t *buf;
};
/** The next command of a san_run() in *@req: true, or false when there are no more. */
typedef bool (*san_next_fn)(void *ctx, struct san_request *req);

/**
 * san_run() - read or write the requests @next_request gives, with up to @depth
 * (1..SAN_QUEUE_DEPTH, 0: the maximum) in flight, until it says there are no more or one
 * fails. A request outside the drive or of 0 blocks fails with -WBE_RANGE. Returns 0 or the
 * first rc; commands still in flight on failure are cancelled before it returns.
 */
int san_run(struct system *sys, struct san_drive *d, bool write, san_next_fn next_request, void *ctx,
	    unsigned depth);

#endif
