/* image.c - the image registry (contract in wireboot/image.h). */
#include "wireboot/image.h"
#include "wireboot/console.h"
#include "wireboot/download.h"
#include "wireboot/errors.h"
#include "wireboot/malloc.h"
#include "wireboot/script.h"
#include "wireboot/system.h"
#include "wireboot/uri.h"

#include <string.h>

const char *image_type_name(enum image_type type)
{
	switch (type) {
	case IMAGE_SCRIPT:
		return "script";
	case IMAGE_EFI:
		return "EFI";
	default:
		return "unknown";
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum image_type image_detect_type(const uint8_t *data, size_t len)
{
	/* iPXE accepts both signatures (gPXE was its earlier name) */
	if (len >= 6 && (memcmp(data, "#!ipxe", 6) == 0 || memcmp(data, "#!gpxe", 6) == 0) &&
	    (len == 6 || data[6] == '\n' || data[6] == '\r' || data[6] == ' ' || data[6] == '\t'))
		return IMAGE_SCRIPT;
	/* PE/COFF (PE format §2, §3): the DOS stub's e_lfanew at 0x3c points at "PE\0\0" */
	if (len >= 0x40 && data[0] == 'M' && data[1] == 'Z') {
		uint32_t pe = le32(data + 0x3c);
		if (pe <= len - 4 && memcmp(data + pe, "PE\0\0", 4) == 0)
			return IMAGE_EFI;
	}
	return IMAGE_UNKNOWN;
}

struct image *image_find(struct system *sys, const char *name)
{
	list_for_each(node, &sys->images) {
		struct image *img = list_entry(node, struct image, link);
		if (strcmp(img->name, name) == 0)
			return img;
	}
	return NULL;
}

struct image *image_selected(struct system *sys)
{
	list_for_each(node, &sys->images) {
		struct image *img = list_entry(node, struct image, link);
		if (img->selected)
			return img;
	}
	return NULL;
}

void image_select(struct system *sys, struct image *image)
{
	list_for_each(node, &sys->images) {
		struct image *img = list_entry(node, struct image, link);
		img->selected = img == image;
	}
}

int image_set_cmdline(struct image *image, int argc, char **argv)
{
	char *cmdline = NULL;
	if (argc > 0) {
		size_t total = 0;
		for (int i = 0; i < argc; i++)
			total += strlen(argv[i]) + 1;
		cmdline = wb_malloc(total);
		if (!cmdline)
			return -WBE_NOMEM;
		size_t pos = 0;
		for (int i = 0; i < argc; i++) {
			size_t n = strlen(argv[i]);
			memcpy(cmdline + pos, argv[i], n);
			pos += n;
			cmdline[pos++] = i + 1 < argc ? ' ' : '\0';
		}
	}
	wb_free(image->cmdline);
	image->cmdline = cmdline;
	return 0;
}

static void destroy(struct image *image)
{
	uri_free(image->uri);
	wb_free(image->data);
	wb_free(image->cmdline);
	wb_free(image);
}

void image_free(struct system *sys, struct image *image)
{
	(void)sys;
	if (image->registered) {
		list_remove(&image->link);
		image->registered = false;
	}
	if (!image->busy)
		destroy(image);
}

void image_free_all(struct system *sys)
{
	while (!list_empty(&sys->images))
		image_free(sys, list_entry(sys->images.next, struct image, link));
}

/* ---- downloading into an image ---- */

static int sink_reserve(struct image *image, uint64_t size)
{
	if (size > IMAGE_SIZE_MAX)
		return -WBE_IMAGE_TOO_BIG;
	if (size <= image->capacity)
		return 0;
	uint8_t *data = wb_realloc(image->data, (size_t)size);
	if (!data)
		return -WBE_NOMEM;
	image->data = data;
	image->capacity = (size_t)size;
	return 0;
}

static int sink_expect(struct download *dl, uint64_t total)
{
	return sink_reserve(dl->ctx, total);
}

static int sink_write(struct download *dl, uint64_t offset, const void *data, size_t len)
{
	struct image *image = dl->ctx;
	uint64_t end = offset + len;
	if (end > image->capacity) {
		/* unknown length: grow geometrically so a long download copies O(n) bytes in all */
		uint64_t want = image->capacity ? image->capacity * 2 : 65536;
		int rc = sink_reserve(image, want > end ? want : end);
		if (rc)
			return rc;
	}
	memcpy(image->data + offset, data, len);
	image->len = (size_t)end; /* a restart at an earlier offset truncates */
	return 0;
}

/* The last non-empty path segment, decoded as far as a name needs: "boot.ipxe". */
static void default_name(const struct uri *uri, char *name)
{
	const char *path = uri->path;
	size_t end = strlen(path);
	while (end > 0 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = end - start;
	if (n == 0) {
		const char *fallback = uri->host && *uri->host ? uri->host : "image";
		size_t flen = strlen(fallback);
		flen = flen < IMAGE_NAME_MAX ? flen : IMAGE_NAME_MAX - 1;
		memcpy(name, fallback, flen);
		name[flen] = '\0';
		return;
	}
	size_t decoded;
	if (n >= IMAGE_NAME_MAX || uri_percent_decode(path + start, n, name, IMAGE_NAME_MAX, &decoded) != 0)
		decoded = 0;
	if (decoded == 0 || memchr(name, '\0', decoded)) {
		memcpy(name, "image", 6);
		return;
	}
	name[decoded] = '\0';
}

int image_fetch(struct system *sys, const char *uri_text, const char *name, struct image **out)
{
	struct image *image = wb_zalloc(sizeof(*image));
	if (!image)
		return -WBE_NOMEM;
	list_init(&image->link);
	struct download dl = {.expect = sink_expect, .write = sink_write, .ctx = image};
	int rc = download_fetch(sys, sys->cwuri, uri_text, &dl);
	image->uri = dl.uri;
	if (rc) {
		destroy(image);
		return rc;
	}
	if (name) {
		size_t n = strlen(name);
		if (n >= IMAGE_NAME_MAX)
			n = IMAGE_NAME_MAX - 1;
		memcpy(image->name, name, n);
		image->name[n] = '\0';
	} else {
		default_name(image->uri, image->name);
	}
	image->type = image_detect_type(image->data, image->len);
	struct image *old = image_find(sys, image->name);
	if (old)
		image_free(sys, old);
	list_add_tail(&sys->images, &image->link);
	image->registered = true;
	if (out)
		*out = image;
	return 0;
}

int image_acquire(struct system *sys, const char *what, struct image **out)
{
	*out = image_find(sys, what);
	return *out ? 0 : image_fetch(sys, what, NULL, out);
}

/* ---- running ---- */

/* ${cwuri}: the URI relative fetches resolve against, as a builtin setting for scripts. */
static void set_cwuri(struct system *sys, struct uri *uri)
{
	sys->cwuri = uri;
	char *text = wb_malloc(URI_MAX_LEN + 1);
	int n = text && uri ? uri_format(uri, text, URI_MAX_LEN + 1) : -WBE_NOMEM;
	/* a URI built by uri_parse()/uri_resolve() always formats within URI_MAX_LEN */
	if (n >= 0 && n <= URI_MAX_LEN)
		settings_scope_put(sys->settings.builtin, "cwuri", &setting_type_string, text, (size_t)n);
	else
		settings_scope_put(sys->settings.builtin, "cwuri", &setting_type_string, "", 0);
	wb_free(text);
}

/*
 * An EFI program gets, as its initrd, every other registered image that is not a script, in
 * the order they were fetched: `kernel vmlinuz` + `initrd a.img` + `initrd b.img` + `boot`
 * serves a.img followed by b.img (the kernel reads concatenated cpio archives).
 */
static int exec_efi(struct system *sys, struct image *image)
{
	size_t count = 0;
	list_for_each(node, &sys->images) {
		struct image *img = list_entry(node, struct image, link);
		count += img != image && img->type != IMAGE_SCRIPT;
	}
	struct platform_piece *pieces = count ? wb_malloc(count * sizeof(*pieces)) : NULL;
	if (count && !pieces)
		return -WBE_NOMEM;
	size_t n = 0;
	list_for_each(node, &sys->images) {
		struct image *img = list_entry(node, struct image, link);
		if (img != image && img->type != IMAGE_SCRIPT)
			pieces[n++] = (struct platform_piece){img->data, img->len};
	}
	int rc = sys->platform->exec_efi(sys->platform, image->data, image->len, image->cmdline, pieces, n);
	wb_free(pieces);
	return rc;
}

int image_set_trust(struct system *sys, bool require, bool permanent)
{
	if (!sys->image_trust_permanent) {
		sys->require_trusted_images = require;
		sys->image_trust_permanent = permanent;
	}
	return sys->require_trusted_images == require ? 0 : -WBE_SIG_PERMANENT;
}

int image_exec(struct system *sys, struct image *image)
{
	int rc;
	if (sys->require_trusted_images && !image->trusted) {
		console_printf(&sys->console, "%s: not trusted: only images verified with imgverify may run (imgtrust)\n",
			       image->name);
		return -WBE_SIG_UNTRUSTED_IMAGE;
	}
	image->busy++;
	struct uri *outer_cwuri = sys->cwuri;
	set_cwuri(sys, image->uri);
	switch (image->type) {
	case IMAGE_SCRIPT:
		rc = script_exec(sys, (const char *)image->data, image->len);
		break;
	case IMAGE_EFI:
		if (!sys->platform->exec_efi) {
			console_printf(&sys->console, "%s: EFI programs can only be started by the firmware build\n",
				       image->name);
			rc = -WBE_NOTSUP;
			break;
		}
		rc = exec_efi(sys, image);
		break;
	default:
		console_printf(&sys->console, "%s: not an EFI program or a script (#!ipxe)\n", image->name);
		rc = -WBE_IMAGE_FORMAT;
		break;
	}
	set_cwuri(sys, outer_cwuri);
	image->busy--;
	if (image->autofree || !image->registered)
		image_free(sys, image);
	return rc;
}
