/* blockdev.c - read cache with sequential read-ahead (contract in wireboot/blockdev.h). */
#include "wireboot/blockdev.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"

#include <string.h>

int blockdev_init(struct blockdev *bd, const struct blockdev_ops *ops, void *ctx, uint64_t blocks,
		  uint32_t block_size)
{
	memset(bd, 0, sizeof(*bd));
	if (block_size < 512 || block_size > BLOCKDEV_LINE_BYTES || (block_size & (block_size - 1)))
		return -WBE_INVAL;
	bd->ops = ops;
	bd->ctx = ctx;
	bd->blocks = blocks;
	bd->block_size = block_size;
	bd->line_blocks = BLOCKDEV_LINE_BYTES / block_size;
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		bd->lines[i].data = wb_malloc(BLOCKDEV_LINE_BYTES);
		if (!bd->lines[i].data) {
			blockdev_fini(bd);
			return -WBE_NOMEM;
		}
	}
	return 0;
}

void blockdev_fini(struct blockdev *bd)
{
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		wb_free(bd->lines[i].data);
		bd->lines[i].data = NULL;
		bd->lines[i].valid = false;
	}
}

static struct blockdev_line *find_line(struct blockdev *bd, uint64_t first_lba)
{
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		if (bd->lines[i].valid && bd->lines[i].first_lba == first_lba)
			return &bd->lines[i];
	}
	return NULL;
}

/* The least recently used line not in @taken (a bit per line), an invalid one first. */
static unsigned victim(const struct blockdev *bd, uint32_t taken)
{
	unsigned v = BLOCKDEV_LINES;
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		if (taken & (1u << i))
			continue;
		if (!bd->lines[i].valid)
			return i;
		if (v == BLOCKDEV_LINES || bd->lines[i].last_use < bd->lines[v].last_use)
			v = i;
	}
	return v;
}
_Static_assert(BLOCKDEV_LINES <= 32 && BLOCKDEV_READAHEAD_LINES < BLOCKDEV_LINES, "victim() bitmap");

/* Whether a smaller read could still succeed: the device said some block in the range is
 * unreadable (not that it is gone, which repeating would only make slower to report). */
static bool unreadable_block(int rc)
{
	return rc == -WBE_SCSI_MEDIUM;
}

/*
 * Fills the line starting at @first_lba and, when the access continues a sequence, the
 * following lines too, with one device read of one range per line. Read-ahead is optional:
 * when a block in it is unreadable, the wanted line alone is read again.
 */
static int fill(struct blockdev *bd, uint64_t first_lba, bool sequential)
{
	unsigned nlines = sequential ? BLOCKDEV_READAHEAD_LINES : 1;
	struct blockdev_line *targets[BLOCKDEV_READAHEAD_LINES];
	struct blockdev_range ranges[BLOCKDEV_READAHEAD_LINES];
	uint32_t taken = 0;
	unsigned n = 0;
	for (; n < nlines; n++) {
		uint64_t lba = first_lba + (uint64_t)n * bd->line_blocks;
		if (lba >= bd->blocks || (n > 0 && find_line(bd, lba)))
			break;
		unsigned v = victim(bd, taken);
		taken |= 1u << v;
		targets[n] = &bd->lines[v];
		targets[n]->valid = false;
		ranges[n].lba = lba;
		ranges[n].count = bd->blocks - lba < bd->line_blocks ? bd->blocks - lba : bd->line_blocks;
		ranges[n].buf = targets[n]->data;
	}
	bd->device_reads++;
	int rc = bd->ops->read(bd->ctx, ranges, n);
	if (unreadable_block(rc) && n > 1) {
		n = 1;
		bd->device_reads++;
		rc = bd->ops->read(bd->ctx, ranges, n);
	}
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		targets[i]->first_lba = ranges[i].lba;
		targets[i]->valid = true;
		targets[i]->last_use = ++bd->use_clock;
	}
	return 0;
}

int blockdev_read(struct blockdev *bd, uint64_t lba, uint64_t count, void *buf)
{
	if (lba > bd->blocks || count > bd->blocks - lba)
		return -WBE_RANGE;
	bool sequential = lba == bd->next_sequential_lba && lba != 0;
	bd->next_sequential_lba = lba + count;
	uint8_t *out = buf;
	if (count >= bd->line_blocks) {
		bd->misses++;
		bd->device_reads++;
		struct blockdev_range whole = {lba, count, out}; /* large: the caller's buffer is enough */
		return bd->ops->read(bd->ctx, &whole, 1);
	}
	while (count) {
		uint64_t first = lba - lba % bd->line_blocks;
		uint64_t offset = lba - first;
		uint64_t n = bd->line_blocks - offset < count ? bd->line_blocks - offset : count;
		struct blockdev_line *line = find_line(bd, first);
		if (line) {
			bd->hits++;
		} else {
			bd->misses++;
			int rc = fill(bd, first, sequential);
			if (rc && !unreadable_block(rc))
				return rc;
			line = rc ? NULL : find_line(bd, first);
		}
		if (line) {
			line->last_use = ++bd->use_clock;
			memcpy(out, line->data + offset * bd->block_size, n * bd->block_size);
		} else {
			/* an unreadable block in the line fails only the requests that include it */
			struct blockdev_range piece = {lba, n, out};
			bd->device_reads++;
			int rc = bd->ops->read(bd->ctx, &piece, 1);
			if (rc)
				return rc;
		}
		out += n * bd->block_size;
		lba += n;
		count -= n;
		sequential = true; /* the rest of this request continues where we are */
	}
	return 0;
}

int blockdev_write(struct blockdev *bd, uint64_t lba, uint64_t count, const void *buf)
{
	if (lba > bd->blocks || count > bd->blocks - lba)
		return -WBE_RANGE;
	int rc = bd->ops->write(bd->ctx, lba, count, buf);
	if (rc) {
		/* the device may hold part of the data: drop what we cached of the range */
		for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
			struct blockdev_line *l = &bd->lines[i];
			if (l->valid && l->first_lba < lba + count && lba < l->first_lba + bd->line_blocks)
				l->valid = false;
		}
		return rc;
	}
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		struct blockdev_line *l = &bd->lines[i];
		if (!l->valid || l->first_lba >= lba + count || lba >= l->first_lba + bd->line_blocks)
			continue;
		uint64_t from = lba > l->first_lba ? lba : l->first_lba;
		uint64_t to = lba + count < l->first_lba + bd->line_blocks ? lba + count : l->first_lba + bd->line_blocks;
		memcpy(l->data + (from - l->first_lba) * bd->block_size,
		       (const uint8_t *)buf + (from - lba) * bd->block_size, (to - from) * bd->block_size);
	}
	return 0;
}
