/* blockdev_test.c - the read cache and read-ahead over a memory-backed device. */
#include "test.h"
#include "wireboot/blockdev.h"
#include "wireboot/errors.h"

#include <stdint.h>
#include <stdlib.h>

#define DISK_BLOCKS 5000 /* not a multiple of the line: the last line is partial */

/* Background reads complete when the test says so (md_complete_all) or when waited for. */
#define MAX_PENDING 32

struct memdisk {
	uint8_t data[DISK_BLOCKS * 512];
	unsigned reads, writes;   /* device calls: synchronous reads and started ones */
	uint64_t blocks_read;
	int fail_next_read;
	uint64_t bad_lba;         /* a read that includes it fails (0: none) */
	struct blockdev_io *pending[MAX_PENDING];
	unsigned npending, max_pending, polls, abandoned;
	unsigned failed_reads;    /* device reads that failed */
	bool complete_on_poll;    /* poll() completes every pending read */
	struct blockdev *reenter; /* the next finish() first reads (or with reenter_write,
				   * writes) a block of its own line through it (a nested call,
				   * as from inside a wait) */
	bool reenter_write;
	int reenter_rc;
};

struct md_io {
	bool done;
	int rc;
};

/* Whether a read of the range succeeds now: 0 or why not. */
static int md_result(struct memdisk *m, uint64_t lba, uint64_t count)
{
	int rc = 0;
	if (m->bad_lba && lba <= m->bad_lba && m->bad_lba < lba + count)
		rc = -WBE_SCSI_MEDIUM;
	else if (lba + count > DISK_BLOCKS)
		rc = -WBE_RANGE;
	else if (m->fail_next_read) {
		m->fail_next_read = 0;
		rc = -WBE_IO;
	}
	if (rc)
		m->failed_reads++;
	else
		m->blocks_read += count;
	return rc;
}

static int md_read(void *ctx, uint64_t lba, uint64_t count, uint8_t *buf)
{
	struct memdisk *m = ctx;
	m->reads++;
	int rc = md_result(m, lba, count);
	if (rc == 0)
		memcpy(buf, m->data + lba * 512, count * 512);
	return rc;
}

static int md_write(void *ctx, uint64_t lba, uint64_t count, const uint8_t *buf)
{
	struct memdisk *m = ctx;
	m->writes++;
	memcpy(m->data + lba * 512, buf, count * 512);
	return 0;
}

static int md_start(void *ctx, struct blockdev_io *io)
{
	struct memdisk *m = ctx;
	if (m->npending == MAX_PENDING)
		return -WBE_BUSY;
	io->device = calloc(1, sizeof(struct md_io));
	m->pending[m->npending++] = io;
	/* the device reads the medium when the command starts, as a real one may: a fill that
	 * completes after a write to its blocks holds what they held before */
	memcpy(io->buf, m->data + io->lba * 512, io->count * 512);
	if (m->npending > m->max_pending)
		m->max_pending = m->npending;
	m->reads++;
	return 0;
}

static void md_complete(struct memdisk *m, struct blockdev_io *io)
{
	struct md_io *st = io->device;
	if (!st->done) {
		st->done = true;
		st->rc = md_result(m, io->lba, io->count);
	}
}

static void md_complete_all(struct memdisk *m)
{
	for (unsigned i = 0; i < m->npending; i++)
		md_complete(m, m->pending[i]);
}

static bool md_finished(void *ctx, struct blockdev_io *io)
{
	(void)ctx;
	return ((struct md_io *)io->device)->done;
}

static int md_finish(void *ctx, struct blockdev_io *io, bool abandon)
{
	struct memdisk *m = ctx;
	if (m->reenter && !abandon) {
		struct blockdev *bd = m->reenter;
		uint8_t buf[512];
		uint64_t lba = io->lba + 1;
		m->reenter = NULL;
		if (m->reenter_write) {
			memset(buf, 0x3c, sizeof(buf));
			m->reenter_rc = blockdev_write(bd, lba, 1, buf);
		} else {
			m->reenter_rc = blockdev_read(bd, lba, 1, buf);
			if (m->reenter_rc == 0 && memcmp(buf, m->data + lba * 512, 512) != 0)
				m->reenter_rc = -WBE_IO;
		}
	}
	unsigned i = 0;
	while (i < m->npending && m->pending[i] != io)
		i++;
	if (i == m->npending) {
		CHECK(!"finish() of a read that was not started");
		return -WBE_INVAL;
	}
	m->pending[i] = m->pending[--m->npending];
	if (abandon)
		m->abandoned++;
	else
		md_complete(m, io);
	int rc = abandon ? -WBE_CANCELED : ((struct md_io *)io->device)->rc;
	free(io->device);
	io->device = NULL;
	return rc;
}

static void md_poll(void *ctx)
{
	struct memdisk *m = ctx;
	m->polls++;
	if (m->complete_on_poll)
		md_complete_all(m);

}

static const struct blockdev_ops md_ops = {
	.read = md_read,
	.write = md_write,
	.start = md_start,
	.finished = md_finished,
	.finish = md_finish,
	.poll = md_poll,
};

static struct memdisk *new_disk(void)
{
	struct memdisk *m = calloc(1, sizeof(*m));
	for (size_t i = 0; i < sizeof(m->data); i++)
		m->data[i] = (uint8_t)(i * 131 + i / 512);
	return m;
}

TEST(blockdev_small_reads_hit_the_cache)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[4096];
	REQUIRE(blockdev_read(&bd, 10, 1, buf) == 0);
	CHECK_MEM(buf, m->data + 10 * 512, 512);
	CHECK_INT(m->reads, 1);
	/* the same line (backwards: no sequence, so no read-ahead): no device access */
	for (uint64_t lba = 248; lba < 256; lba -= 8) {
		REQUIRE(blockdev_read(&bd, lba, 8, buf) == 0);
		CHECK_MEM(buf, m->data + lba * 512, 8 * 512);
	}
	CHECK_INT(m->reads, 1);
	CHECK(bd.hits > 30);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_bad_block_ahead_fails_only_the_read_that_reaches_it)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	m->bad_lba = 3 * 256 + 5; /* in the fourth line: read ahead by a scan from line 0 */
	m->complete_on_poll = true;
	uint8_t buf[512];
	for (uint64_t lba = 1; lba < m->bad_lba; lba++) {
		REQUIRE(blockdev_read(&bd, lba, 1, buf) == 0);
		CHECK_MEM(buf, m->data + lba * 512, 512);
	}
	/* the line was asked for once (by read-ahead), then read around, block by block */
	CHECK_INT(m->failed_reads, 1);
	CHECK_INT(blockdev_read(&bd, m->bad_lba, 1, buf), -WBE_SCSI_MEDIUM);
	CHECK_INT(m->failed_reads, 2);
	REQUIRE(blockdev_read(&bd, m->bad_lba + 1, 1, buf) == 0); /* its neighbours still read */
	CHECK_MEM(buf, m->data + (m->bad_lba + 1) * 512, 512);
	CHECK_INT(m->failed_reads, 2);
	/* once the block is written (a target remaps it), its line is cached again */
	uint8_t fresh[512];
	memset(fresh, 0x3c, sizeof(fresh));
	REQUIRE(blockdev_write(&bd, m->bad_lba, 1, fresh) == 0);
	m->bad_lba = 0;
	unsigned reads = m->reads;
	REQUIRE(blockdev_read(&bd, 3 * 256 + 5, 1, buf) == 0);
	CHECK_MEM(buf, fresh, 512);
	REQUIRE(blockdev_read(&bd, 3 * 256 + 6, 1, buf) == 0);
	CHECK_MEM(buf, m->data + (3 * 256 + 6) * 512, 512);
	CHECK_INT(m->reads, reads + 1);
	blockdev_fini(&bd);
	CHECK_INT(m->npending, 0);
	free(m);
}

TEST(blockdev_read_ahead_runs_in_the_background)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[64 * 512];
	REQUIRE(blockdev_read(&bd, 0, 64, buf) == 0); /* not yet a sequence: one line, waited for */
	CHECK_INT(m->reads, 1);
	CHECK_INT(m->npending, 0);
	REQUIRE(blockdev_read(&bd, 64, 64, buf) == 0); /* a sequence: the next lines start */
	CHECK_MEM(buf, m->data + 64 * 512, 64 * 512);
	CHECK_INT(m->npending, BLOCKDEV_READAHEAD_LINES);
	CHECK_INT(m->blocks_read, 256); /* nothing waited for but the line in use */
	/* the device completes them while the caller is away; the next line costs no new read */
	md_complete_all(m);
	unsigned reads = m->reads;
	REQUIRE(blockdev_read(&bd, 128, 64, buf) == 0);
	REQUIRE(blockdev_read(&bd, 192, 64, buf) == 0);
	REQUIRE(blockdev_read(&bd, 256, 64, buf) == 0);
	CHECK_MEM(buf, m->data + 256 * 512, 64 * 512);
	CHECK_INT(m->reads, reads + 1); /* only the one line that moved the read-ahead window */
	/* a reader that waits for a line still in flight gets its data too */
	REQUIRE(blockdev_read(&bd, 320, 64, buf) == 0);
	REQUIRE(blockdev_read(&bd, 9 * 256, 64, buf) == 0);
	CHECK_MEM(buf, m->data + 9 * 256 * 512, 64 * 512);
	REQUIRE(blockdev_read(&bd, 9 * 256 + 64, 64, buf) == 0);
	/* giving up the cache gives up what is still in flight */
	unsigned pending = m->npending;
	CHECK(pending > 0);
	blockdev_fini(&bd);
	CHECK_INT(m->abandoned, pending);
	CHECK_INT(m->npending, 0);
	free(m);
}

TEST(blockdev_write_waits_for_read_ahead_of_the_same_blocks)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512], data[1024];
	REQUIRE(blockdev_read(&bd, 1, 1, buf) == 0);
	REQUIRE(blockdev_read(&bd, 2, 1, buf) == 0); /* lines 1.. now in flight, old contents */
	REQUIRE(m->npending > 0);
	memset(data, 0xa5, sizeof(data));
	REQUIRE(blockdev_write(&bd, 256 + 10, 2, data) == 0);
	REQUIRE(blockdev_read(&bd, 256 + 10, 1, buf) == 0);
	CHECK_MEM(buf, data, 512); /* the new data, not the read that was on its way */
	CHECK_MEM(m->data + (256 + 10) * 512, data, 1024);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_failed_read_ahead_is_read_again_when_needed)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512];
	REQUIRE(blockdev_read(&bd, 1, 1, buf) == 0);
	REQUIRE(blockdev_read(&bd, 2, 1, buf) == 0);
	m->fail_next_read = 1; /* the first read-ahead line to complete (line 1) fails */
	md_complete_all(m);
	CHECK_INT(m->failed_reads, 1);
	unsigned reads = m->reads;
	/* a jump (no read-ahead of its own) to the failed line: it is read again, once */
	REQUIRE(blockdev_read(&bd, 256 + 7, 1, buf) == 0);
	CHECK_MEM(buf, m->data + (256 + 7) * 512, 512);
	CHECK_INT(m->reads, reads + 1);
	CHECK_INT(m->failed_reads, 1);
	/* the lines that did arrive are served without the device */
	REQUIRE(blockdev_read(&bd, 2 * 256 + 7, 1, buf) == 0);
	CHECK_MEM(buf, m->data + (2 * 256 + 7) * 512, 512);
	CHECK_INT(m->reads, reads + 1);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_sequential_reads_fetch_ahead)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512];
	/* a FAT-style scan: one sector after the other over 4 MiB */
	for (uint64_t lba = 1; lba < DISK_BLOCKS; lba++) {
		REQUIRE(blockdev_read(&bd, lba, 1, buf) == 0);
		CHECK_MEM(buf, m->data + lba * 512, 512);
	}
	/* 4999 one-block reads became one device read per line, each line fetched once... */
	CHECK(m->reads <= DISK_BLOCKS / 256 + 2);
	CHECK_INT(m->blocks_read, DISK_BLOCKS);
	/* ...with the read-ahead lines all in flight together, sent at once */
	CHECK_INT(m->max_pending, BLOCKDEV_READAHEAD_LINES + 1);
	CHECK(m->polls > 0);
	blockdev_fini(&bd);
	CHECK_INT(m->npending, 0);
	free(m);
}

TEST(blockdev_large_reads_bypass_and_ranges)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t *big = malloc(1024 * 512);
	REQUIRE(blockdev_read(&bd, 100, 1024, big) == 0);
	CHECK_MEM(big, m->data + 100 * 512, 1024 * 512);
	CHECK_INT(m->reads, 1);
	CHECK_INT(blockdev_read(&bd, DISK_BLOCKS - 1, 2, big), -WBE_RANGE);
	CHECK_INT(blockdev_read(&bd, DISK_BLOCKS + 1, 0, big), -WBE_RANGE);
	/* the partial last line */
	REQUIRE(blockdev_read(&bd, DISK_BLOCKS - 3, 3, big) == 0);
	CHECK_MEM(big, m->data + (DISK_BLOCKS - 3) * 512, 3 * 512);
	free(big);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_large_sequential_reads_fetch_each_block_once)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	m->complete_on_poll = true;
	uint8_t *big = malloc(512 * 512);
	uint64_t asked = 0;
	for (uint64_t lba = 0; lba + 512 <= 18 * 256; lba += 512) {
		REQUIRE(blockdev_read(&bd, lba, 512, big) == 0);
		CHECK_MEM(big, m->data + lba * 512, 512 * 512);
		asked += 512;
	}
	/* the read-ahead after the first direct read serves the later requests: nothing is
	 * fetched twice, and at most the read-ahead beyond the last request is extra */
	CHECK(m->blocks_read <= asked + BLOCKDEV_READAHEAD_LINES * 256);
	free(big);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_jumping_reader_bounds_reads_in_flight)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512];
	/* short sequences all over the disk, while the device answers nothing */
	for (uint64_t start = 1; start + 1 < DISK_BLOCKS; start += 997) {
		REQUIRE(blockdev_read(&bd, start, 1, buf) == 0);
		REQUIRE(blockdev_read(&bd, start + 1, 1, buf) == 0);
		CHECK_MEM(buf, m->data + (start + 1) * 512, 512);
		CHECK(m->npending <= BLOCKDEV_READAHEAD_LINES + 1);
	}
	blockdev_fini(&bd);
	CHECK_INT(m->npending, 0);
	free(m);
}

TEST(blockdev_nested_read_goes_to_the_device)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512];
	m->reenter = &bd; /* the wait for the line below reads from the same line again */
	REQUIRE(blockdev_read(&bd, 300, 1, buf) == 0);
	CHECK_MEM(buf, m->data + 300 * 512, 512);
	CHECK(m->reenter == NULL);
	CHECK_INT(m->reenter_rc, 0);
	CHECK_INT(m->reads, 2); /* the line, and the nested read straight from the device */
	CHECK_INT(m->npending, 0);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_nested_write_leaves_the_outer_wait_alone)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t before[512], buf[512], written[512];
	memcpy(before, m->data + 257 * 512, 512);
	memset(written, 0x3c, sizeof(written));
	m->reenter = &bd; /* the wait for the line below writes block 257, the one it reads */
	m->reenter_write = true;
	REQUIRE(blockdev_read(&bd, 257, 1, buf) == 0);
	CHECK(m->reenter == NULL);
	CHECK_INT(m->reenter_rc, 0);
	CHECK_INT(m->writes, 1);
	CHECK_MEM(m->data + 257 * 512, written, 512);
	/* the read started before the write: either content is right for it, and here the device
	 * had read the block when the command started */
	CHECK_MEM(buf, before, 512);
	/* the line read before the write is not kept: the next read brings the new data */
	REQUIRE(blockdev_read(&bd, 257, 1, buf) == 0);
	CHECK_MEM(buf, written, 512);
	CHECK_INT(m->npending, 0);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_writes_update_cached_lines)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[1024], data[1024];
	REQUIRE(blockdev_read(&bd, 300, 2, buf) == 0);
	memset(data, 0x5a, sizeof(data));
	REQUIRE(blockdev_write(&bd, 301, 2, data) == 0); /* straddles cached data */
	unsigned reads = m->reads;
	REQUIRE(blockdev_read(&bd, 300, 2, buf) == 0);
	CHECK_INT(m->reads, reads); /* from the cache... */
	CHECK_MEM(buf + 512, data, 512); /* ...which holds the new data */
	CHECK_MEM(buf, m->data + 300 * 512, 512);
	CHECK_MEM(m->data + 301 * 512, data, 1024);
	blockdev_fini(&bd);
	free(m);
}

TEST(blockdev_errors_and_allocation_failures)
{
	struct memdisk *m = new_disk();
	struct blockdev bd;
	CHECK_INT(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 520), -WBE_INVAL);
	FOR_EACH_ALLOC_FAILURE(i) {
		if (blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0)
			blockdev_fini(&bd);
	}
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS / 8, 4096) == 0); /* 4 KiB blocks are fine */
	blockdev_fini(&bd);
	REQUIRE(blockdev_init(&bd, &md_ops, m, DISK_BLOCKS, 512) == 0);
	uint8_t buf[512];
	m->fail_next_read = 1;
	CHECK_INT(blockdev_read(&bd, 7, 1, buf), -WBE_IO);
	REQUIRE(blockdev_read(&bd, 7, 1, buf) == 0); /* nothing bad was cached */
	CHECK_MEM(buf, m->data + 7 * 512, 512);
	blockdev_fini(&bd);
	free(m);
}
