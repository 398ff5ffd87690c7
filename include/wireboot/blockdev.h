/*
 * blockdev.h - a block device with a bounded read cache and sequential read-ahead, in front of
 * a SAN drive (or any device with whole-block read/write). Firmware file-system drivers issue
 * many small synchronous reads (a FAT driver reads a sector at a time); each would otherwise
 * be a network round trip. Once reads run in sequence the cache keeps the next
 * BLOCKDEV_READAHEAD_LINES lines being read in the background: their commands stay in flight
 * between the caller's requests, so the data streams while the caller works on what it got
 * instead of the network waiting for the next request. Writes go through to the device and
 * update the cached lines they touch.
 */
#ifndef WIREBOOT_BLOCKDEV_H
#define WIREBOOT_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLOCKDEV_LINE_BYTES (128 * 1024) /* cache line: a multiple of the block size */
#define BLOCKDEV_LINES 32                /* 4 MiB of cache at most */
#define BLOCKDEV_READAHEAD_LINES 8       /* lines kept in flight ahead of a sequential reader */

/** A background read of one line: blockdev_ops.start() .. finish(). */
struct blockdev_io {
	uint64_t lba;
	uint64_t count;
	uint8_t *buf;
	void *device; /* the device's own state for the read, set by start() */
};

struct blockdev_ops {
	/** Read/write @count whole blocks at @lba now. 0 or rc. */
	int (*read)(void *ctx, uint64_t lba, uint64_t count, uint8_t *buf);
	int (*write)(void *ctx, uint64_t lba, uint64_t count, const uint8_t *buf);
	/** Start reading @io in the background: 0 (the device owns @io until finish()) or rc. */
	int (*start)(void *ctx, struct blockdev_io *io);
	/** Whether @io is complete (finish() will not wait); never waits itself. */
	bool (*finished)(void *ctx, struct blockdev_io *io);
	/**
	 * End @io: wait for it and return 0 or its rc, or with @abandon give it up at once
	 * (the device never touches its buffer again) and return -WBE_CANCELED.
	 */
	int (*finish)(void *ctx, struct blockdev_io *io, bool abandon);
	/** Make progress without waiting: send what start() queued, take in what arrived. */
	void (*poll)(void *ctx);
};

enum blockdev_line_state {
	BLOCKDEV_LINE_EMPTY,
	BLOCKDEV_LINE_FILLING,    /* @io is with the device */
	BLOCKDEV_LINE_VALID,
	BLOCKDEV_LINE_UNREADABLE, /* holds a block the device could not read: read around it */
};

struct blockdev_line {
	uint64_t first_lba; /* line-aligned; meaningless when EMPTY */
	uint64_t last_use;
	enum blockdev_line_state state;
	bool discard;       /* FILLING: a nested write changed its blocks; empty once read */
	struct blockdev_io io;
	uint8_t *data;      /* BLOCKDEV_LINE_BYTES; blocks past the device end are not valid */
};

struct blockdev {
	const struct blockdev_ops *ops;
	void *ctx;
	uint64_t blocks;
	uint32_t block_size;
	uint32_t line_blocks;
	struct blockdev_line lines[BLOCKDEV_LINES];
	uint64_t use_clock;
	uint64_t next_sequential_lba; /* where the previous read ended */
	uint64_t hits, misses, device_reads;
	bool busy; /* inside blockdev_read() or blockdev_write() */
};

/**
 * blockdev_init() - a cache over @ops/@ctx for a device of @blocks blocks of @block_size
 * bytes (a power of two from 512 to BLOCKDEV_LINE_BYTES). Returns 0, -WBE_INVAL, -WBE_NOMEM.
 */
int blockdev_init(struct blockdev *bd, const struct blockdev_ops *ops, void *ctx, uint64_t blocks,
		  uint32_t block_size);
/** blockdev_fini() - give up background reads still running and free the cache. */
void blockdev_fini(struct blockdev *bd);

/**
 * blockdev_read() - @count blocks at @lba into @buf. A read of a line or more whose first line
 * is neither cached nor on its way goes straight to the device; others go through the cache.
 * A call from inside a wait of another blockdev_read() or blockdev_write() (re-entered from
 * the firmware) goes straight to the device. Returns 0, -WBE_RANGE (beyond the device), or
 * the device's rc (nothing is cached from a failed read; a line that cannot be read whole
 * because a block in it is unreadable, -WBE_SCSI_MEDIUM, fails only the requests that
 * include that block).
 */
int blockdev_read(struct blockdev *bd, uint64_t lba, uint64_t count, void *buf);

/**
 * blockdev_write() - write through; cached copies of the blocks are updated. Background reads
 * of them are waited for first; from inside another call's wait (which may be for one of
 * them) they are left running and their data is not kept. Same returns.
 */
int blockdev_write(struct blockdev *bd, uint64_t lba, uint64_t count, const void *buf);

#endif
