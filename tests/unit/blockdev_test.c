/* blockdev_test.c - the read cache and read-ahead over a memory-backed device. */
#include "test.h"
#include "wireboot/blockdev.h"
#include "wireboot/errors.h"

#include <stdint.h>
#include <stdlib.h>

#define DISK_BLOCKS 5000 /* not a multiple of the line: the last line is partial */

struct memdisk {
	uint8_t data[DISK_BLOCKS * 512];
	unsigned reads, writes; /* device calls */
	uint64_t blocks_read;
	int fail_next_read;
	uint64_t bad_lba; /* a read that includes it fails (0: none) */
};

static int md_read(void *ctx, const struct blockdev_range *ranges, unsigned n)
{
	struct memdisk *m = ctx;
	if (n < 1 || n > BLOCKDEV_READAHEAD_LINES)
		return -WBE_INVAL;
	m->reads++;
	for (unsigned i = 0; i < n; i++) {
		if (m->bad_lba && ranges[i].lba <= m->bad_lba && m->bad_lba < ranges[i].lba + ranges[i].count)
			return -WBE_SCSI_MEDIUM;
		if (ranges[i].lba + ranges[i].count > DISK_BLOCKS)
			return -WBE_RANGE;
	}
	if (m->fail_next_read) {
		m->fail_next_read = 0;
		return -WBE_IO;
	}
	for (unsigned i = 0; i < n; i++) {
		m->blocks_read += ranges[i].count;
		memcpy(ranges[i].buf, m->data + ranges[i].lba * 512, ranges[i].count * 512);
	}
	return 0;
}

static int md_write(void *ctx, uint64_t lba, uint64_t count, const uint8_t *buf)
{
	struct memdisk *m = ctx;
	m->writes++;
	memcpy(m->data + lba * 512, buf, count * 512);
	return 0;
}

static const struct blockdev_ops md_ops = {md_read, md_write};

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
	/* the same line: no device access */
	for (uint64_t lba = 0; lba < 256; lba += 8) {
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
	m->bad_lba = 3 * 256 + 5; /* in the fourth line: inside the read-ahead of a scan from line 0 */
	uint8_t buf[512];
	for (uint64_t lba = 1; lba < m->bad_lba; lba++) {
		REQUIRE(blockdev_read(&bd, lba, 1, buf) == 0);
		CHECK_MEM(buf, m->data + lba * 512, 512);
	}
	CHECK_INT(blockdev_read(&bd, m->bad_lba, 1, buf), -WBE_SCSI_MEDIUM);
	REQUIRE(blockdev_read(&bd, m->bad_lba + 1, 1, buf) == 0); /* its neighbours still read */
	CHECK_MEM(buf, m->data + (m->bad_lba + 1) * 512, 512);
	m->bad_lba = 0;
	REQUIRE(blockdev_read(&bd, 3 * 256 + 5, 1, buf) == 0);
	CHECK_MEM(buf, m->data + (3 * 256 + 5) * 512, 512);
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
	/* 4999 one-block reads became one device call per BLOCKDEV_READAHEAD_LINES lines */
	CHECK(m->reads <= DISK_BLOCKS / (256 * BLOCKDEV_READAHEAD_LINES) + 2);
	CHECK_INT(m->blocks_read, DISK_BLOCKS); /* every block fetched exactly once */
	blockdev_fini(&bd);
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
