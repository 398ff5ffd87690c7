/* san_cmds.c - sanhook, sanunhook, sanhash: SAN drives over iSCSI. */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/rng.h"
#include "wireboot/san.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"

#include <bearssl.h>
#include <string.h>

/* Hooks the @nuris root paths as a drive and reports it (sanhook, sanboot). */
static int hook(struct system *sys, const char *cmd, int nuris, char **uris, unsigned drive, struct san_drive **out)
{
	uint64_t start = loop_now(&sys->loop);
	int rc = san_hook(sys, (const char *const *)uris, (unsigned)nuris, drive, out);
	if (rc) {
		console_printf(&sys->console, "%s: %s: %s\n", cmd, uris[0], errors_message(rc));
		return rc;
	}
	struct san_drive *d = *out;
	uint64_t mib = d->blocks * d->block_size >> 20;
	console_printf(&sys->console, "SAN drive 0x%02x: %s %s %s, %llu MiB (%llu blocks of %u bytes), login %llu ms%s\n",
		       d->number, d->vendor, d->product, d->revision, (unsigned long long)mib,
		       (unsigned long long)d->blocks, d->block_size,
		       (unsigned long long)((loop_now(&sys->loop) - start) / NS_PER_MS),
		       d->session.header_digest ? ", CRC32C digests" : "");
	console_printf(&sys->console, "  serial %s, id %s, target lists %u LUN%s\n", d->serial[0] ? d->serial : "(none)",
		       d->device_name[0] ? d->device_name : "(none)", d->target_luns, d->target_luns == 1 ? "" : "s");
	return 0;
}

static int sanhook_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sanhook = {"sanhook", "sanhook [--drive N] <iscsi:server:protocol:port:LUN:target>...",
				    "Attach an iSCSI LUN as a SAN drive (credentials from the settings)", sanhook_exec};
WB_REGISTER(commands, cmd_sanhook);

static int sanhook_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"drive", 'd', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sanhook, specs, 1, argc, argv, 1, ISCSI_MAX_PATHS, &opts);
	if (rc || opts.help)
		return rc;
	unsigned long long drive = 0;
	if (opts.present[0] && (command_parse_number(opts.value[0], 0xff, &drive) || drive < SAN_FIRST_DRIVE)) {
		console_puts(&sys->console, "sanhook: --drive is a number from 0x80 to 0xff\n");
		return -WBE_CMD_USAGE;
	}
	struct san_drive *d;
	return hook(sys, "sanhook", argc - opts.first_arg, argv + opts.first_arg, (unsigned)drive, &d);
}

static struct san_drive *drive_option(struct system *sys, const char *cmd, const struct parsed_options *opts,
				      int index, int *rc)
{
	unsigned long long drive = 0;
	if (opts->present[index] && command_parse_number(opts->value[index], 0xff, &drive)) {
		console_printf(&sys->console, "%s: --drive is a number from 0x80 to 0xff\n", cmd);
		*rc = -WBE_CMD_USAGE;
		return NULL;
	}
	struct san_drive *d = san_find(sys, (unsigned)drive);
	if (!d) {
		console_printf(&sys->console, "%s: no SAN drive%s\n", cmd, drive ? " with that number" : " hooked");
		*rc = -WBE_NOENT;
	}
	return d;
}

static int sanunhook_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sanunhook = {"sanunhook", "sanunhook [--drive N]", "Detach a SAN drive (log out)",
				      sanunhook_exec};
WB_REGISTER(commands, cmd_sanunhook);

static int sanunhook_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"drive", 'd', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sanunhook, specs, 1, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	struct san_drive *d = drive_option(sys, "sanunhook", &opts, 0, &rc);
	if (d)
		san_unhook(sys, d);
	return rc;
}

static int sanhash_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sanhash = {"sanhash", "sanhash [--drive N] [--lba L] [--count N] [--depth D] [--discard] [--cached] [--random R]",
				    "Read blocks of a SAN drive (all by default); print their SHA-256 and the rate",
				    sanhash_exec};
WB_REGISTER(commands, cmd_sanhash);

/* Read in pieces this big: two full windows of commands, so the drain at the end of each piece
 * (san_rw waits for its last command) costs little of the pipeline. */
#define HASH_WINDOW (2 * SAN_QUEUE_DEPTH * SAN_CHUNK)

/* xorshift64 (Marsaglia, "Xorshift RNGs", 2003): the next state, which is also the output.
 * Not for secrets: for test patterns and benchmark positions. *@state must not be 0. */
static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

#define RANDOM_READ_SIZE 4096 /* bytes per random read, as a file system's small reads */

/* --random: reads of RANDOM_READ_SIZE at uniformly random aligned places in the range */
struct random_reads {
	uint64_t lba, slots, left, state; /* slots: aligned read positions in the range */
	uint32_t per_read;                /* blocks per read */
	size_t read_bytes;
	uint8_t *buf;                     /* SAN_QUEUE_DEPTH reads' room, overwritten: not hashed */
	unsigned turn;
};

static bool next_random(void *ctx, struct san_request *req)
{
	struct random_reads *r = ctx;
	if (r->left == 0)
		return false;
	r->left--;
	/* cheap, and the distribution only has to spread the reads */
	uint64_t x = xorshift64(&r->state);
	req->lba = r->lba + (x % r->slots) * r->per_read;
	req->count = r->per_read;
	req->buf = r->buf + (r->turn++ % SAN_QUEUE_DEPTH) * r->read_bytes;
	return true;
}

static int random_reads(struct system *sys, struct san_drive *d, uint64_t lba, uint64_t count, uint64_t reads,
			unsigned depth)
{
	struct random_reads r = {.lba = lba, .left = reads};
	r.per_read = d->block_size >= RANDOM_READ_SIZE ? 1 : RANDOM_READ_SIZE / d->block_size;
	r.slots = count / r.per_read;
	if (r.slots == 0) {
		console_puts(&sys->console, "sanhash: --random needs a range of at least 4 KiB\n");
		return -WBE_CMD_USAGE;
	}
	do
		rng_bytes(sys->rng, &r.state, sizeof(r.state));
	while (r.state == 0); /* xorshift's one fixed point */
	r.read_bytes = (size_t)r.per_read * d->block_size;
	r.buf = wb_malloc(r.read_bytes * SAN_QUEUE_DEPTH);
	if (!r.buf)
		return -WBE_NOMEM;
	uint64_t start = loop_now(&sys->loop);
	int rc = san_run(sys, d, false, next_random, &r, depth);
	uint64_t ns = loop_now(&sys->loop) - start;
	wb_free(r.buf);
	if (rc) {
		console_printf(&sys->console, "sanhash: reading drive 0x%02x failed: %s\n", d->number, errors_message(rc));
		return rc;
	}
	uint64_t us = ns / 1000 ? ns / 1000 : 1;
	console_printf(&sys->console, "sanhash: %llu random reads of %llu bytes in %llu ms (%llu IOPS) (%llu reconnects)\n",
		       (unsigned long long)reads, (unsigned long long)r.read_bytes, (unsigned long long)(ns / NS_PER_MS),
		       (unsigned long long)(reads * 1000000 / us), (unsigned long long)d->session.stats_reconnects);
	return 0;
}

/* --discard: the whole range as one pipeline, never drained between pieces as hashing in
 * order needs; the data lands in a ring that is overwritten, since nothing reads it */
struct streaming_reads {
	uint64_t lba, count, next, per_cmd, ring_blocks;
	uint32_t block_size;
	uint8_t *ring;
};

static bool next_streaming(void *ctx, struct san_request *req)
{
	struct streaming_reads *st = ctx;
	if (st->next >= st->count)
		return false;
	uint64_t n = st->count - st->next < st->per_cmd ? st->count - st->next : st->per_cmd;
	req->lba = st->lba + st->next;
	req->count = (uint32_t)n;
	/* requests start at multiples of per_cmd, and ring_blocks is one: each fits */
	req->buf = st->ring + (st->next % st->ring_blocks) * st->block_size;
	st->next += n;
	return true;
}

static int sanhash_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {
		{"drive", 'd', OPTION_VALUE}, {"lba", 'l', OPTION_VALUE}, {"count", 'c', OPTION_VALUE}, {"depth", 'q', OPTION_VALUE},
		{"discard", 'x', OPTION_FLAG}, {"cached", 'C', OPTION_FLAG}, {"random", 'r', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sanhash, specs, 7, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	struct san_drive *d = drive_option(sys, "sanhash", &opts, 0, &rc);
	if (!d)
		return rc;
	unsigned long long lba = 0, count = d->blocks;
	if ((opts.present[1] && command_parse_number(opts.value[1], d->blocks, &lba)) ||
	    (opts.present[2] && command_parse_number(opts.value[2], d->blocks, &count)) || lba + count > d->blocks) {
		console_puts(&sys->console, "sanhash: --lba and --count must lie within the drive\n");
		return -WBE_CMD_USAGE;
	}
	if (!opts.present[2])
		count = d->blocks - lba;
	unsigned long long depth = SAN_QUEUE_DEPTH;
	if (opts.present[3] && (command_parse_number(opts.value[3], SAN_QUEUE_DEPTH, &depth) || depth == 0)) {
		console_printf(&sys->console, "sanhash: --depth is 1..%d commands in flight\n", SAN_QUEUE_DEPTH);
		return -WBE_CMD_USAGE;
	}
	if (opts.present[6]) {
		unsigned long long reads;
		if (command_parse_number(opts.value[6], UINT32_MAX, &reads) || reads == 0) {
			console_puts(&sys->console, "sanhash: --random takes how many 4 KiB reads to make (1 or more)\n");
			return -WBE_CMD_USAGE;
		}
		return random_reads(sys, d, lba, count, reads, (unsigned)depth);
	}
	uint8_t *buf = wb_malloc(HASH_WINDOW);
	if (!buf)
		return -WBE_NOMEM;
	br_sha256_context sha;
	br_sha256_init(&sha);
	uint64_t per = HASH_WINDOW / d->block_size, done = 0, start = loop_now(&sys->loop);
	if (opts.present[4] && !opts.present[5]) {
		uint64_t per_cmd = SAN_CHUNK / d->block_size ? SAN_CHUNK / d->block_size : 1;
		struct streaming_reads st = {.lba = lba, .count = count, .per_cmd = per_cmd,
					     .ring_blocks = per / per_cmd * per_cmd, .block_size = d->block_size, .ring = buf};
		rc = san_run(sys, d, false, next_streaming, &st, (unsigned)depth);
		done = count;
	}
	while (rc == 0 && done < count) {
		uint64_t n = count - done < per ? count - done : per;
		if (opts.present[5]) {
			/* as a firmware file-system driver reads: 4 KiB at a time, through the cache */
			uint64_t step = 4096 / d->block_size ? 4096 / d->block_size : 1;
			for (uint64_t k = 0; k < n && rc == 0; k += step)
				rc = blockdev_read(&d->blockdev, lba + done + k, n - k < step ? n - k : step,
						   buf + k * d->block_size);
		} else {
			rc = san_rw(sys, d, false, lba + done, n, buf, (unsigned)depth);
		}
		if (rc == 0 && !opts.present[4])
			br_sha256_update(&sha, buf, n * d->block_size);
		done += n;
	}
	wb_free(buf);
	if (rc) {
		console_printf(&sys->console, "sanhash: reading drive 0x%02x failed: %s\n", d->number, errors_message(rc));
		return rc;
	}
	uint8_t digest[32];
	br_sha256_out(&sha, digest);
	char hex[65];
	setting_type_hexraw.format(digest, sizeof(digest), hex, sizeof(hex));
	uint64_t ns = loop_now(&sys->loop) - start, bytes = count * d->block_size;
	uint64_t kbps = ns / 1000 ? bytes * 1000 / (ns / 1000) : 0;
	console_printf(&sys->console, "sanhash: %llu bytes in %llu ms (%llu.%03llu MB/s) sha256 %s (%llu reconnects)\n",
		       (unsigned long long)bytes, (unsigned long long)(ns / NS_PER_MS), (unsigned long long)(kbps / 1000),
		       (unsigned long long)(kbps % 1000), opts.present[4] ? "not computed (--discard)" : hex,
		       (unsigned long long)d->session.stats_reconnects);
	return 0;
}

static int sanwrite_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sanwrite = {"sanwrite", "sanwrite [--drive N] --lba L --count N --seed S",
				     "Write a reproducible test pattern to blocks of a SAN drive", sanwrite_exec};
WB_REGISTER(commands, cmd_sanwrite);

/*
 * The pattern: xorshift64 (Marsaglia) from the seed, one 64-bit little-endian word per 8
 * bytes, so a test can compute the same bytes and compare the disk with them.
 */
static void fill_pattern(uint8_t *buf, size_t len, uint64_t *state)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t x = xorshift64(state);
		for (int b = 0; b < 8; b++)
			buf[i + (size_t)b] = (uint8_t)(x >> (8 * b));
	}
}

static int sanwrite_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {
		{"drive", 'd', OPTION_VALUE}, {"lba", 'l', OPTION_VALUE}, {"count", 'c', OPTION_VALUE}, {"seed", 's', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sanwrite, specs, 4, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	struct san_drive *d = drive_option(sys, "sanwrite", &opts, 0, &rc);
	if (!d)
		return rc;
	unsigned long long lba, count, seed;
	if (!opts.present[1] || !opts.present[2] || !opts.present[3] || command_parse_number(opts.value[1], d->blocks, &lba) ||
	    command_parse_number(opts.value[2], d->blocks, &count) || command_parse_number(opts.value[3], ~0ULL, &seed) ||
	    lba + count > d->blocks || seed == 0) {
		console_puts(&sys->console, "sanwrite: --lba and --count must lie within the drive; --seed is not 0\n");
		return -WBE_CMD_USAGE;
	}
	uint8_t *buf = wb_malloc(HASH_WINDOW);
	if (!buf)
		return -WBE_NOMEM;
	uint64_t state = seed, per = HASH_WINDOW / d->block_size, done = 0, start = loop_now(&sys->loop);
	while (rc == 0 && done < count) {
		uint64_t n = count - done < per ? count - done : per;
		fill_pattern(buf, n * d->block_size, &state);
		rc = blockdev_write(&d->blockdev, lba + done, n, buf); /* through the cache: no stale lines */
		done += n;
	}
	wb_free(buf);
	if (rc == 0)
		rc = san_sync(sys, d); /* the data is on the medium before we say it is written */
	if (rc) {
		console_printf(&sys->console, "sanwrite: writing drive 0x%02x failed: %s\n", d->number, errors_message(rc));
		return rc;
	}
	uint64_t ns = loop_now(&sys->loop) - start, bytes = count * d->block_size;
	uint64_t kbps = ns / 1000 ? bytes * 1000 / (ns / 1000) : 0;
	console_printf(&sys->console, "sanwrite: %llu bytes in %llu ms (%llu.%03llu MB/s)\n", (unsigned long long)bytes,
		       (unsigned long long)(ns / NS_PER_MS), (unsigned long long)(kbps / 1000),
		       (unsigned long long)(kbps % 1000));
	return 0;
}

static int sanboot_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sanboot = {"sanboot", "sanboot [--drive N] [--filename PATH] [--keep] [iscsi:...]...",
				    "Boot from a SAN drive (hooking it first when root paths are given)", sanboot_exec};
WB_REGISTER(commands, cmd_sanboot);

static int sanboot_exec(struct system *sys, int argc, char **argv)
{
	enum { OPT_DRIVE, OPT_FILENAME, OPT_KEEP };
	static const struct option_spec specs[] = {
		{"drive", 'd', OPTION_VALUE}, {"filename", 'f', OPTION_VALUE}, {"keep", 'k', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sanboot, specs, 3, argc, argv, 0, ISCSI_MAX_PATHS, &opts);
	if (rc || opts.help)
		return rc;
	struct san_drive *d;
	bool hooked_here = opts.first_arg < argc;
	if (hooked_here) {
		unsigned long long drive = 0;
		if (opts.present[OPT_DRIVE] && (command_parse_number(opts.value[OPT_DRIVE], 0xff, &drive) || drive < SAN_FIRST_DRIVE)) {
			console_puts(&sys->console, "sanboot: --drive is a number from 0x80 to 0xff\n");
			return -WBE_CMD_USAGE;
		}
		rc = hook(sys, "sanboot", argc - opts.first_arg, argv + opts.first_arg, (unsigned)drive, &d);
	} else {
		d = drive_option(sys, "sanboot", &opts, OPT_DRIVE, &rc);
	}
	if (rc)
		return rc;
	const char *filename = opts.present[OPT_FILENAME] ? opts.value[OPT_FILENAME] : NULL;
	unsigned number = d->number;
	rc = san_boot(sys, d, filename);
	if (rc == -WBE_NOTSUP)
		console_puts(&sys->console, "sanboot: booting needs the firmware build (EFI)\n");
	else if (rc == -WBE_NOENT && !filename)
		console_printf(&sys->console,
			       "sanboot: drive 0x%02x has no removable-media boot file (\\EFI\\BOOT\\BOOT*.EFI); name the "
			       "loader with --filename, e.g. --filename \\EFI\\debian\\grub%s.efi\n",
			       number, strcmp(sys->platform->arch, "arm64") == 0 ? "aa64" : "x64");
	else if (rc == -WBE_NOENT)
		console_printf(&sys->console, "sanboot: no file %s on drive 0x%02x\n", filename, number);
	else if (rc == -WBE_SAN_NO_FILESYSTEM)
		console_printf(&sys->console, "sanboot: the firmware found no file system it can read on drive 0x%02x "
					      "(no EFI system partition?)\n", number);
	else if (rc)
		console_printf(&sys->console, "sanboot: the boot program on drive 0x%02x failed: %s\n", number,
			       errors_message(rc));
	/* back from the loader (or it never started): keep the drive only when asked to (iPXE) */
	if (hooked_here && !opts.present[OPT_KEEP] && san_find(sys, number) == d)
		san_unhook(sys, d);
	return rc;
}

static int blkcheck_exec(struct system *sys, int argc, char **argv);
const struct command cmd_blkcheck = {"blkcheck", "blkcheck [--drive N]",
				     "Check a SAN drive's firmware disk (Block I/O) with good and bad requests",
				     blkcheck_exec};
WB_REGISTER(commands, cmd_blkcheck);

static void report_check(void *ctx, const char *check, bool passed, const char *detail)
{
	struct system *sys = ctx;
	console_printf(&sys->console, "blkcheck: %-40s %s (%s)\n", check, passed ? "ok" : "FAILED", detail);
}

static int blkcheck_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"drive", 'd', OPTION_VALUE}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_blkcheck, specs, 1, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	struct san_drive *d = drive_option(sys, "blkcheck", &opts, 0, &rc);
	if (!d)
		return rc;
	if (!sys->platform->disk_selftest || !d->export_handle) {
		console_puts(&sys->console, "blkcheck: the drive is not a firmware disk here (EFI only)\n");
		return -WBE_NOTSUP;
	}
	rc = sys->platform->disk_selftest(sys->platform, d->export_handle, report_check, sys);
	console_printf(&sys->console, "blkcheck: drive 0x%02x %s\n", d->number, rc ? "has failures" : "conforms");
	return rc;
}
