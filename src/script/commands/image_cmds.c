/*
 * image_cmds.c - imgfetch (module, initrd), kernel (imgselect), chain (imgexec, boot),
 * imgargs, imgstat, imgfree, sha256sum: iPXE's image commands over wireboot/image.h.
 */
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/image.h"
#include "wireboot/settings.h"
#include "wireboot/system.h"
#include "wireboot/uri.h"

#include <bearssl.h>
#include <string.h>

enum { OPT_NAME, OPT_AUTOFREE };
static const struct option_spec fetch_specs[] = {{"name", 'n', OPTION_VALUE}, {"autofree", 'a', OPTION_FLAG}};

/*
 * Gets the image @what names: a registered image of that name, else a fresh download of
 * @what as a URI (iPXE's imgacquire), named --name when given. Extra arguments become the
 * image's command line.
 */
static int acquire(struct system *sys, const struct parsed_options *opts, int argc, char **argv, struct image **out)
{
	const char *what = argv[opts->first_arg];
	struct image *image;
	int rc = opts->present[OPT_NAME] ? image_fetch(sys, what, opts->value[OPT_NAME], &image)
					 : image_acquire(sys, what, &image);
	if (rc)
		return rc;
	image->autofree = opts->present[OPT_AUTOFREE];
	if (argc > opts->first_arg + 1 || !image->cmdline) {
		rc = image_set_cmdline(image, argc - opts->first_arg - 1, argv + opts->first_arg + 1);
		if (rc)
			return rc;
	}
	*out = image;
	return 0;
}

/*
 * imgfetch, kernel and chain and their aliases share one body: get the image (acquire), then
 * select it (kernel) or run it (chain); imgexec and boot without an argument run the
 * selected image.
 */
static int fetch_exec(struct system *sys, int argc, char **argv);

#define FETCH_USAGE(name) name " [--name <name>] [--autofree] <uri|image> [arguments...]"
#define EXEC_USAGE(name) name " [--name <name>] [--autofree] [uri|image] [arguments...]"
const struct command cmd_imgfetch = {"imgfetch", FETCH_USAGE("imgfetch"), "Download an image", fetch_exec};
const struct command cmd_module = {"module", FETCH_USAGE("module"), "Download an image (= imgfetch)", fetch_exec};
const struct command cmd_initrd = {"initrd", FETCH_USAGE("initrd"), "Download an image (= imgfetch)", fetch_exec};
const struct command cmd_kernel = {"kernel", FETCH_USAGE("kernel"), "Download an image and select it for boot",
				   fetch_exec};
const struct command cmd_imgselect = {"imgselect", FETCH_USAGE("imgselect"),
				      "Download an image and select it for boot (= kernel)", fetch_exec};
const struct command cmd_chain = {"chain", FETCH_USAGE("chain"), "Download an image and run it", fetch_exec};
const struct command cmd_imgexec = {"imgexec", EXEC_USAGE("imgexec"), "Run an image (the selected one by default)",
				    fetch_exec};
const struct command cmd_boot = {"boot", EXEC_USAGE("boot"), "Run an image (the selected one by default)",
				 fetch_exec};
WB_REGISTER(commands, cmd_imgfetch);
WB_REGISTER(commands, cmd_module);
WB_REGISTER(commands, cmd_initrd);
WB_REGISTER(commands, cmd_kernel);
WB_REGISTER(commands, cmd_imgselect);
WB_REGISTER(commands, cmd_chain);
WB_REGISTER(commands, cmd_imgexec);
WB_REGISTER(commands, cmd_boot);

static int fetch_exec(struct system *sys, int argc, char **argv)
{
	const struct command *cmd = command_find(argv[0]);
	bool select = cmd == &cmd_kernel || cmd == &cmd_imgselect;
	bool run = cmd == &cmd_chain || cmd == &cmd_imgexec || cmd == &cmd_boot;
	bool optional = cmd == &cmd_imgexec || cmd == &cmd_boot; /* default: the selected image */
	struct parsed_options opts;
	int rc = options_parse(sys, cmd, fetch_specs, 2, argc, argv, optional ? 0 : 1, -1, &opts);
	if (rc || opts.help)
		return rc;
	struct image *image;
	if (opts.first_arg < argc) {
		rc = acquire(sys, &opts, argc, argv, &image);
		if (rc)
			return rc;
	} else if (!(image = image_selected(sys))) {
		console_printf(&sys->console, "%s: no image selected (fetch one with kernel, or name it)\n", argv[0]);
		return -WBE_IMAGE_NONE_SELECTED;
	} else if (opts.present[OPT_AUTOFREE]) {
		image->autofree = true;
	}
	if (select)
		image_select(sys, image);
	return run ? image_exec(sys, image) : 0;
}

/* Looks up the image named by argv[i]; prints why not. */
static int named(struct system *sys, const char *cmd, const char *name, struct image **out)
{
	*out = image_find(sys, name);
	if (*out)
		return 0;
	console_printf(&sys->console, "%s: no image \"%s\" (see imgstat)\n", cmd, name);
	return -WBE_IMAGE_NOT_FOUND;
}

static int imgargs_exec(struct system *sys, int argc, char **argv);
const struct command cmd_imgargs = {"imgargs", "imgargs <image> [arguments...]", "Set an image's command line",
				    imgargs_exec};
WB_REGISTER(commands, cmd_imgargs);

static int imgargs_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_imgargs, NULL, 0, argc, argv, 1, -1, &opts);
	if (rc || opts.help)
		return rc;
	struct image *image;
	rc = named(sys, "imgargs", argv[opts.first_arg], &image);
	if (rc == 0)
		rc = image_set_cmdline(image, argc - opts.first_arg - 1, argv + opts.first_arg + 1);
	return rc;
}

static void show_image(struct system *sys, struct image *image)
{
	char uri[160];
	if (!image->uri || uri_format_redacted(image->uri, uri, sizeof(uri)) < 0)
		uri[0] = '\0';
	console_printf(&sys->console, "%s : %zu bytes [%s]%s%s%s%s%s\n", image->name, image->len,
		       image_type_name(image->type), image->cmdline ? " \"" : "", image->cmdline ? image->cmdline : "",
		       image->cmdline ? "\"" : "", image->trusted ? " [TRUSTED]" : "", image->selected ? " [SELECTED]" : "");
	if (*uri)
		console_printf(&sys->console, "  from %s\n", uri);
}

/* Runs @fn on the named images, or on every image when none is named. */
static int for_images(struct system *sys, const char *cmd, int argc, char **argv, int first,
		      void (*fn)(struct system *sys, struct image *image))
{
	if (first == argc) {
		struct list_node *node = sys->images.next;
		while (node != &sys->images) {
			struct list_node *next = node->next; /* @fn may free the image */
			fn(sys, list_entry(node, struct image, link));
			node = next;
		}
		return 0;
	}
	for (int i = first; i < argc; i++) {
		struct image *image;
		int rc = named(sys, cmd, argv[i], &image);
		if (rc)
			return rc;
		fn(sys, image);
	}
	return 0;
}

static int imgstat_exec(struct system *sys, int argc, char **argv);
const struct command cmd_imgstat = {"imgstat", "imgstat [image...]", "List images: size, type, command line",
				    imgstat_exec};
WB_REGISTER(commands, cmd_imgstat);

static int imgstat_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_imgstat, NULL, 0, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	return for_images(sys, "imgstat", argc, argv, opts.first_arg, show_image);
}

static int imgfree_exec(struct system *sys, int argc, char **argv);
const struct command cmd_imgfree = {"imgfree", "imgfree [image...]", "Free images (all when none is named)",
				    imgfree_exec};
WB_REGISTER(commands, cmd_imgfree);

static int imgfree_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_imgfree, NULL, 0, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	return for_images(sys, "imgfree", argc, argv, opts.first_arg, image_free);
}

static void print_sha256(struct system *sys, struct image *image)
{
	br_sha256_context ctx;
	uint8_t digest[32];
	char hex[65];
	br_sha256_init(&ctx);
	br_sha256_update(&ctx, image->data, image->len);
	br_sha256_out(&ctx, digest);
	setting_type_hexraw.format(digest, sizeof(digest), hex, sizeof(hex));
	console_printf(&sys->console, "%s  %s\n", hex, image->name);
}

static int sha256sum_exec(struct system *sys, int argc, char **argv);
const struct command cmd_sha256sum = {"sha256sum", "sha256sum [image...]", "Print images' SHA-256 digests",
				      sha256sum_exec};
WB_REGISTER(commands, cmd_sha256sum);

static int sha256sum_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_sha256sum, NULL, 0, argc, argv, 0, -1, &opts);
	if (rc || opts.help)
		return rc;
	return for_images(sys, "sha256sum", argc, argv, opts.first_arg, print_sha256);
}
