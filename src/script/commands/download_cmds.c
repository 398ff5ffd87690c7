/*
 * download_cmds.c - fetch: download a URI into memory and print its size and SHA-256. A
 * diagnostic (not in iPXE) for the download schemes until the image commands exist: the
 * tests compare the digest with the file on the server.
 */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/download.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"
#include "wireboot/uri.h"

#include <bearssl.h>
#include <string.h>

/* The file in memory: bytes [0, len) are valid, cap allocated. */
struct buffer {
	uint8_t *data;
	size_t len, cap;
};

/* Grows the allocation to at least @need bytes (doubling, so appends stay linear). */
static int reserve(struct buffer *b, uint64_t need)
{
	if (need <= b->cap)
		return 0;
	if (need > SIZE_MAX / 2)
		return -WBE_NOMEM;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < need)
		cap *= 2;
	uint8_t *p = wb_realloc(b->data, cap);
	if (!p)
		return -WBE_NOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

static int sink_expect(struct download *dl, uint64_t total)
{
	return reserve(dl->ctx, total);
}

/* Offsets are sequential, or go back for a resume or restart (download.h): the file ends where
 * the last write ended. */
static int sink_write(struct download *dl, uint64_t offset, const void *data, size_t len)
{
	struct buffer *b = dl->ctx;
	if (offset > b->len)
		return -WBE_RANGE; /* a gap: no scheme may skip bytes */
	int rc = reserve(b, offset + len);
	if (rc)
		return rc;
	memcpy(b->data + offset, data, len);
	b->len = (size_t)offset + len;
	return 0;
}

static int fetch_exec(struct system *sys, int argc, char **argv);
const struct command cmd_fetch = {"fetch", "fetch [--quiet] <uri>",
				  "Download a URI into memory; print its size and SHA-256", fetch_exec};
WB_REGISTER(commands, cmd_fetch);

static int fetch_exec(struct system *sys, int argc, char **argv)
{
	static const struct option_spec specs[] = {{"quiet", 'q', OPTION_FLAG}};
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_fetch, specs, 1, argc, argv, 1, 1, &opts);
	if (rc || opts.help)
		return rc;
	struct buffer b = {NULL, 0, 0};
	struct download dl;
	memset(&dl, 0, sizeof(dl));
	dl.expect = sink_expect;
	dl.write = sink_write;
	dl.ctx = &b;
	dl.quiet = opts.present[0];
	rc = download_fetch(sys, NULL, argv[opts.first_arg], &dl);
	uri_free(dl.uri);
	if (rc == 0) {
		br_sha256_context sha;
		uint8_t digest[32];
		char hex[65];
		br_sha256_init(&sha);
		br_sha256_update(&sha, b.data, b.len);
		br_sha256_out(&sha, digest);
		setting_type_hexraw.format(digest, sizeof(digest), hex, sizeof(hex));
		console_printf(&sys->console, "fetch: %llu bytes sha256 %s\n", (unsigned long long)b.len, hex);
	}
	wb_free(b.data);
	return rc;
}
