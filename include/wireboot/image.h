/*
 * image.h - the image registry: files fetched by imgfetch/kernel/chain, kept in memory under a
 * name, with their command line, until freed (iPXE's model).
 *
 * An image is executed by its type: a script (first line "#!ipxe" or "#!gpxe") runs in the
 * script engine with ${cwuri} set to the image's URI, so its relative URIs resolve against
 * it; an EFI program (a PE/COFF file: "MZ" and a "PE\0\0" header) is handed to the platform,
 * which loads it with LoadImage from memory and starts it with the command line as
 * LoadOptions, serving every other non-script image (concatenated, in fetch order) as the
 * Linux initrd, so `kernel` + `initrd` + `boot` starts an EFI-stub kernel as iPXE does.
 * The host build cannot start EFI programs (-WBE_NOTSUP).
 *
 * Trust (iPXE's imgverify/imgtrust model): an image is trusted once its signature verified
 * (`imgverify` sets image->trusted); a new download is never trusted. While the system
 * requires trusted images (image_set_trust()), image_exec() refuses every other image.
 *
 * Ownership: the registry (sys->images) owns every image. An image stays valid while it runs
 * even if a command frees it (a script that runs `imgfree`): image_free() of a busy image
 * only unlinks it, and the runner releases it with image_put().
 */
#ifndef WIREBOOT_IMAGE_H
#define WIREBOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wireboot/list.h"

struct system;
struct uri;

#define IMAGE_NAME_MAX 64
#define IMAGE_SIZE_MAX (1ULL << 32) /* 4 GiB: beyond any kernel, initrd or ISO we would boot */

enum image_type {
	IMAGE_UNKNOWN,
	IMAGE_SCRIPT,
	IMAGE_EFI,
};

struct image {
	struct list_node link; /* in sys->images; unlinked (self-linked) once freed */
	char name[IMAGE_NAME_MAX];
	struct uri *uri;       /* where it came from (after redirects), owned */
	uint8_t *data;         /* owned */
	size_t len, capacity;
	char *cmdline;         /* imgargs, owned; NULL when none */
	enum image_type type;
	bool selected;         /* `kernel`/`imgselect`: what `boot` runs */
	bool autofree;         /* free after it ran (--autofree) */
	bool trusted;          /* its signature verified (imgverify) */
	unsigned busy;         /* running (nested runs count) */
	bool registered;
};

/** image_type_name() - "script", "EFI", "unknown". */
const char *image_type_name(enum image_type type);

/** image_detect_type() - classify @len bytes of @data (see above). */
enum image_type image_detect_type(const uint8_t *data, size_t len);

/**
 * image_fetch() - download @uri_text (resolved against ${cwuri} when relative) into a new
 * registered image named @name, or by the last path segment of its URI when @name is NULL.
 * An existing image of that name is replaced. Returns 0 and *@out (may be NULL), or a
 * negative rc after printing what failed (nothing is registered then).
 */
int image_fetch(struct system *sys, const char *uri_text, const char *name, struct image **out);

/**
 * image_acquire() - the registered image named @what, else a new download of @what as a URI
 * (image_fetch() with the default name): iPXE's imgacquire. Returns 0 and *@out, or
 * image_fetch()'s error.
 */
int image_acquire(struct system *sys, const char *what, struct image **out);

/** image_find() - registered image named @name, or NULL. */
struct image *image_find(struct system *sys, const char *name);

/** image_selected() - the image `kernel` selected, or NULL. */
struct image *image_selected(struct system *sys);

/** image_select() - make @image the selected one (deselecting any other). */
void image_select(struct system *sys, struct image *image);

/**
 * image_set_cmdline() - replace the command line with @argv[0..@argc) joined by spaces
 * (no arguments: none). Returns 0, -WBE_NOMEM (the old command line is kept).
 */
int image_set_cmdline(struct image *image, int argc, char **argv);

/**
 * image_exec() - run @image by its type (see above). Returns the script's or program's
 * status: 0, -WBE_EXIT (a script's `exit N`), -WBE_IMAGE_FORMAT for an image of no known
 * type, the platform's error for an EFI program that cannot be started,
 * -WBE_SIG_UNTRUSTED_IMAGE (nothing run) for an untrusted image while trust is required.
 */
int image_exec(struct system *sys, struct image *image);

/**
 * image_set_trust() - require trusted images for image_exec() (@require) or not; with
 * @permanent the choice can never change again. Returns 0 (also when a permanent choice is
 * repeated), or -WBE_SIG_PERMANENT when a permanent choice would change (nothing changes).
 */
int image_set_trust(struct system *sys, bool require, bool permanent);

/** image_free() - unregister and free @image (deferred while it runs). */
void image_free(struct system *sys, struct image *image);

/** image_free_all() - image_free() every registered image (system teardown, `imgfree`). */
void image_free_all(struct system *sys);

#endif
