/*
 * blockdev.h - a block device with a bounded read cache and sequential read-ahead, in front of
 * a SAN drive (or any device with whole-block read/write). Firmware file-system drivers issue
 * many small synchronous reads (a FAT driver reads a sector at a time); each would otherwise
 * be a network round trip. Reads that continue the previous one fetch several cache lines in
 * one request (the device keeps them all in flight at once), so the next small reads are
 * answered from memory. Writes go through to the device and update the cached lines they touch.
 */
#ifndef WIREBOOT_BLOCKDEV_H
#define WIREBOOT_BLOCKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLOCKDEV_LINE_BYTES (128 * 1024) /* cache line: a multiple of the block size */
#define BLOCKDEV_LINES 32                /* 4 MiB of cache at most */
#define BLOCKDEV_READAHEAD_LINES 4       /* lines fetched by a miss that continues a sequence */

/** One piece of a device read: @count whole blocks at @lba into @buf. */
struct blockdev_range {
	uint64_t lba;
	uint64_t count;
	uint8_t *buf;
};

struct blockdev_ops {
	/**
	 * Read the @n (1..BLOCKDEV_READAHEAD_LINES) ranges of @ranges, as many at once as the
	 * device can (a SAN drive pipelines them). 0, or an rc: then no range counts as read.
	 */
	int (*read)(void *ctx, const struct blockdev_range *ranges, unsigned n);
	/** Write @count whole blocks at @lba. 0 or rc. */
	int (*write)(void *ctx, uint64_t lba, uint64_t count, const uint8_t *buf);
};

struct blockdev_line {
	uint64_t first_lba; /* line-aligned */
	uint64_t last_use;
	bool valid;
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
};

/**
 * blockdev_init() - a cache over @ops/@ctx for a device of @blocks blocks of @block_size
 * bytes (a power of two from 512 to BLOCKDEV_LINE_BYTES). Returns 0, -WBE_INVAL, -WBE_NOMEM.
 */
int blockdev_init(struct blockdev *bd, const struct blockdev_ops *ops, void *ctx, uint64_t blocks,
		  uint32_t block_size);
/** blockdev_fini() - free the cache. */
void blockdev_fini(struct blockdev *bd);

/**
 * blockdev_read() - @count blocks at @lba into @buf. Large reads (a line or more) go straight
 * to the device; small ones through the cache. Returns 0, -WBE_RANGE (beyond the device), or
 * the device's rc (nothing is cached from a failed read).
 */
int blockdev_read(struct blockdev *bd, uint64_t lba, uint64_t count, void *buf);

/** blockdev_write() - write through; cached copies of the blocks are updated. Same returns. */
int blockdev_write(struct blockdev *bd, uint64_t lba, uint64_t count, const void *buf);

#endif
