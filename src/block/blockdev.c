/* blockdev.c - read cache with background sequential read-ahead (contract in wireboot/blockdev.h). */
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
		struct blockdev_line *l = &bd->lines[i];
		if (l->state == BLOCKDEV_LINE_FILLING)
			bd->ops->finish(bd->ctx, &l->io, true);
		l->state = BLOCKDEV_LINE_EMPTY;
		wb_free(l->data);
		l->data = NULL;
	}
}

/* The line holding (or being filled with) the blocks from @first_lba, or NULL. */
static struct blockdev_line *find_line(struct blockdev *bd, uint64_t first_lba)
{
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		if (bd->lines[i].state != BLOCKDEV_LINE_EMPTY && bd->lines[i].first_lba == first_lba)
			return &bd->lines[i];
	}
	return NULL;
}

/*
 * A line to reuse: an empty one, else the least recently used valid one outside
 * [@keep_from, @keep_to) (the lines a sequential reader is about to use). Lines being filled
 * are never taken. NULL when there is none.
 */
static struct blockdev_line *victim(struct blockdev *bd, uint64_t keep_from, uint64_t keep_to)
{
	struct blockdev_line *v = NULL;
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		struct blockdev_line *l = &bd->lines[i];
		if (l->state == BLOCKDEV_LINE_EMPTY)
			return l;
		if (l->state == BLOCKDEV_LINE_FILLING || (l->first_lba >= keep_from && l->first_lba < keep_to))
			continue;
		if (!v || l->last_use < v->last_use)
			v = l;
	}
	return v;
}

/* Starts filling @line with the line at @first_lba. 0 or the device's rc (the line stays empty). */
static int start_fill(struct blockdev *bd, struct blockdev_line *line, uint64_t first_lba)
{
	line->state = BLOCKDEV_LINE_EMPTY;
	line->discard = false;
	line->first_lba = first_lba;
	line->last_use = ++bd->use_clock;
	line->io.lba = first_lba;
	line->io.count = bd->blocks - first_lba < bd->line_blocks ? bd->blocks - first_lba : bd->line_blocks;
	line->io.buf = line->data;
	line->io.device = NULL;
	int rc = bd->ops->start(bd->ctx, &line->io);
	if (rc == 0) {
		line->state = BLOCKDEV_LINE_FILLING;
		bd->device_reads++;
	}
	return rc;
}

/* Whether a smaller read could still succeed: the device said some block in the range is
 * unreadable (not that it is gone, which repeating would only make slower to report). */
static bool unreadable_block(int rc)
{
	return rc == -WBE_SCSI_MEDIUM;
}

/*
 * Waits for @line's fill: 0 (the line is valid) or its rc. A line with an unreadable block
 * stays known as such, so that neither read-ahead nor readers ask for all of it again;
 * after any other failure it is empty. A line a nested write made stale is empty too, after
 * its data went to the reader who waited for it (whose read came first).
 */
static int complete_fill(struct blockdev *bd, struct blockdev_line *line)
{
	int rc = bd->ops->finish(bd->ctx, &line->io, false);
	if (line->discard)
		line->state = BLOCKDEV_LINE_EMPTY;
	else
		line->state = rc == 0 ? BLOCKDEV_LINE_VALID
			      : unreadable_block(rc) ? BLOCKDEV_LINE_UNREADABLE : BLOCKDEV_LINE_EMPTY;
	line->discard = false;
	return rc;
}

/* Takes in the fills that are complete, so their lines can be used or reused. A failed
 * read-ahead costs nothing more: a reader that needs the line reads again and sees why. */
static void collect_finished(struct blockdev *bd)
{
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		struct blockdev_line *l = &bd->lines[i];
		if (l->state == BLOCKDEV_LINE_FILLING && bd->ops->finished(bd->ctx, &l->io))
			complete_fill(bd, l);
	}
}

static unsigned lines_filling(const struct blockdev *bd)
{
	unsigned n = 0;
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++)
		n += bd->lines[i].state == BLOCKDEV_LINE_FILLING;
	return n;
}

/*
 * Keeps the BLOCKDEV_READAHEAD_LINES lines from @first_lba on cached or being read. Fills
 * still running from a sequence the reader left count against the same budget (one line
 * more than the read-ahead: the one being waited for), so a reader that jumps about cannot
 * fill the device's queue with reads nobody wants.
 */
static void read_ahead(struct blockdev *bd, uint64_t first_lba)
{
	uint64_t end = first_lba + (uint64_t)BLOCKDEV_READAHEAD_LINES * bd->line_blocks;
	bool started = false;
	unsigned filling = lines_filling(bd);
	for (uint64_t lba = first_lba; lba < end && lba < bd->blocks; lba += bd->line_blocks) {
		if (find_line(bd, lba))
			continue;
		if (filling >= BLOCKDEV_READAHEAD_LINES + 1)
			break;
		filling++;
		struct blockdev_line *line = victim(bd, first_lba >= bd->line_blocks ? first_lba - bd->line_blocks : 0, end);
		if (!line || start_fill(bd, line, lba) != 0)
			break;
		started = true;
	}
	if (started)
		bd->ops->poll(bd->ctx); /* send the commands now, not at the next wait */
}

/* The line with the blocks from @first_lba, read now if it is neither cached nor on its way
 * (read-ahead of the lines after it started first when @sequential). NULL with *@rc = 0
 * when no line could be had (the caller then reads directly), or with the fill's rc
 * (-WBE_SCSI_MEDIUM also for a line already known to hold an unreadable block). */
static struct blockdev_line *get_line(struct blockdev *bd, uint64_t first_lba, bool sequential, int *rc)
{
	*rc = 0;
	struct blockdev_line *line = find_line(bd, first_lba);
	if (line && line->state == BLOCKDEV_LINE_UNREADABLE) {
		line->last_use = ++bd->use_clock;
		*rc = -WBE_SCSI_MEDIUM;
		line = NULL;
	} else if (line) {
		bd->hits++;
	} else {
		bd->misses++;
		line = victim(bd, first_lba, first_lba + (BLOCKDEV_READAHEAD_LINES + 1ull) * bd->line_blocks);
		if (line && start_fill(bd, line, first_lba) != 0)
			line = NULL;
	}
	if (sequential)
		read_ahead(bd, first_lba + bd->line_blocks);
	if (*rc)
		return NULL;
	if (line && line->state == BLOCKDEV_LINE_FILLING) {
		*rc = complete_fill(bd, line);
		if (*rc)
			return NULL;
	}
	if (line)
		line->last_use = ++bd->use_clock;
	return line;
}

static int read_cached(struct blockdev *bd, uint64_t lba, uint64_t count, uint8_t *out)
{
	/* read-ahead follows a reader whose request continues the previous one */
	bool sequential = lba == bd->next_sequential_lba && lba != 0;
	bd->next_sequential_lba = lba + count;
	collect_finished(bd);
	uint64_t first = lba - lba % bd->line_blocks;
	if (count >= bd->line_blocks && !find_line(bd, first)) {
		/* large, and nothing of it on its way: the caller's buffer is enough; what follows
		 * streams in while the caller works, and its next request takes it from the lines */
		bd->misses++;
		bd->device_reads++;
		int rc = bd->ops->read(bd->ctx, lba, count, out);
		if (rc == 0 && sequential)
			read_ahead(bd, (lba + count) - (lba + count) % bd->line_blocks);
		return rc;
	}
	while (count) {
		first = lba - lba % bd->line_blocks;
		uint64_t offset = lba - first;
		uint64_t n = bd->line_blocks - offset < count ? bd->line_blocks - offset : count;
		int rc;
		struct blockdev_line *line = get_line(bd, first, sequential, &rc);
		if (rc && !unreadable_block(rc))
			return rc;
		if (line) {
			memcpy(out, line->data + offset * bd->block_size, n * bd->block_size);
		} else {
			/* no line to be had, or an unreadable block in it: this piece alone */
			bd->device_reads++;
			rc = bd->ops->read(bd->ctx, lba, n, out);
			if (rc)
				return rc;
		}
		out += n * bd->block_size;
		lba += n;
		count -= n;
	}
	return 0;
}

int blockdev_read(struct blockdev *bd, uint64_t lba, uint64_t count, void *buf)
{
	if (lba > bd->blocks || count > bd->blocks - lba)
		return -WBE_RANGE;
	if (bd->busy) {
		/* called again from inside a wait of ours: leave the lines to the outer call */
		bd->device_reads++;
		return bd->ops->read(bd->ctx, lba, count, buf);
	}
	bd->busy = true;
	int rc = read_cached(bd, lba, count, buf);
	bd->busy = false;
	return rc;
}

static bool line_overlaps(const struct blockdev *bd, const struct blockdev_line *l, uint64_t lba, uint64_t count)
{
	return l->first_lba < lba + count && lba < l->first_lba + bd->line_blocks;
}

int blockdev_write(struct blockdev *bd, uint64_t lba, uint64_t count, const void *buf)
{
	if (lba > bd->blocks || count > bd->blocks - lba)
		return -WBE_RANGE;
	bool nested = bd->busy;
	bd->busy = true;
	/* a read of these blocks still on its way would bring their old contents: wait for it,
	 * or, inside another call's wait (perhaps for that very read), have its data dropped */
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		struct blockdev_line *l = &bd->lines[i];
		if (l->state != BLOCKDEV_LINE_FILLING || !line_overlaps(bd, l, lba, count))
			continue;
		if (nested)
			l->discard = true;
		else
			complete_fill(bd, l);
	}
	int rc = bd->ops->write(bd->ctx, lba, count, buf);
	for (unsigned i = 0; i < BLOCKDEV_LINES; i++) {
		struct blockdev_line *l = &bd->lines[i];
		bool cached = l->state == BLOCKDEV_LINE_VALID || l->state == BLOCKDEV_LINE_UNREADABLE;
		if (!cached || !line_overlaps(bd, l, lba, count))
			continue;
		if (l->state == BLOCKDEV_LINE_UNREADABLE) {
			if (rc == 0)
				l->state = BLOCKDEV_LINE_EMPTY; /* a written block may read again (remapped) */
			continue;
		}
		if (rc) {
			l->state = BLOCKDEV_LINE_EMPTY; /* the device may hold part of the data */
			continue;
		}
		uint64_t from = lba > l->first_lba ? lba : l->first_lba;
		uint64_t to = lba + count < l->first_lba + bd->line_blocks ? lba + count : l->first_lba + bd->line_blocks;
		memcpy(l->data + (from - l->first_lba) * bd->block_size,
		       (const uint8_t *)buf + (from - lba) * bd->block_size, (to - from) * bd->block_size);
	}
	bd->busy = nested;
	return rc;
}
