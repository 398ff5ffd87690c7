/*
 * imgtrust_cmds.c - imgverify and imgtrust: iPXE's signed-image commands over
 * wireboot/codesign.h (the verification) and wireboot/image.h (the trust flags).
 */
#include "wireboot/codesign.h"
#include "wireboot/command.h"
#include "wireboot/console.h"
#include "wireboot/errors.h"
#include "wireboot/image.h"
#include "wireboot/system.h"
#include "wireboot/trust.h"
#include "wireboot/wallclock.h"

enum { OPT_SIGNER, OPT_KEEP };
static const struct option_spec verify_specs[] = {{"signer", 's', OPTION_VALUE}, {"keep", 'k', OPTION_FLAG}};

static int imgverify_exec(struct system *sys, int argc, char **argv);
const struct command cmd_imgverify = {
	"imgverify", "imgverify [--signer <name>] [--keep] <uri|image> <signature uri|image>",
	"Verify an image's CMS signature against the trust anchors and mark it trusted", imgverify_exec};
WB_REGISTER(commands, cmd_imgverify);

static int verify(struct system *sys, struct image *image, struct image *signature, const char *signer)
{
	struct codesign_request req = {
		.signature = signature->data,
		.signature_len = signature->len,
		.data = image->data,
		.data_len = image->len,
		.anchors = trust_anchors(sys->trust),
		.anchor_count = trust_count(sys->trust),
		.signer_name = signer,
	};
	if (wallclock_now(&sys->wallclock, loop_now(&sys->loop), &req.unix_now) != 0) {
		console_printf(&sys->console, "imgverify: cannot check the signer's certificate dates: the time of day is unknown (run `ntp <server>` first)\n");
		return -WBE_CLOCK_UNKNOWN;
	}
	struct codesign_result res;
	int rc = codesign_verify(&req, &res);
	if (rc) {
		console_printf(&sys->console, "imgverify: %s: %s\n", image->name, res.why);
		return rc;
	}
	image->trusted = true;
	console_printf(&sys->console, "imgverify: %s: signed by \"%s\": trusted\n", image->name, res.signer);
	return 0;
}

static int imgverify_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_imgverify, verify_specs, 2, argc, argv, 2, 2, &opts);
	if (rc || opts.help)
		return rc;
	struct image *image, *signature;
	rc = image_acquire(sys, argv[opts.first_arg], &image);
	if (rc)
		return rc;
	/* fetching the signature may replace an image of its name, the image included: keep
	 * the image alive meanwhile (image_free() of a busy image only unregisters it) */
	image->busy++;
	rc = image_acquire(sys, argv[opts.first_arg + 1], &signature);
	image->busy--;
	if (rc == 0 && !image->registered) {
		console_printf(&sys->console, "imgverify: the signature replaced the image \"%s\" (same name)\n",
			       image->name);
		rc = -WBE_INVAL;
	} else if (rc == 0 && signature == image) {
		console_printf(&sys->console, "imgverify: image and signature are the same image\n");
		rc = -WBE_INVAL;
	} else if (rc == 0) {
		rc = verify(sys, image, signature, opts.present[OPT_SIGNER] ? opts.value[OPT_SIGNER] : NULL);
		/* as iPXE: the signature is discarded after use, verified or not, unless --keep */
		if (!opts.present[OPT_KEEP])
			image_free(sys, signature);
	}
	if (!image->registered)
		image_free(sys, image);
	return rc;
}

enum { OPT_ALLOW, OPT_PERMANENT };
static const struct option_spec trust_specs[] = {{"allow", 'a', OPTION_FLAG}, {"permanent", 'p', OPTION_FLAG}};

static int imgtrust_exec(struct system *sys, int argc, char **argv);
const struct command cmd_imgtrust = {"imgtrust", "imgtrust [--allow] [--permanent]",
				     "Require images to be verified (imgverify) before they run; --allow lifts it",
				     imgtrust_exec};
WB_REGISTER(commands, cmd_imgtrust);

static int imgtrust_exec(struct system *sys, int argc, char **argv)
{
	struct parsed_options opts;
	int rc = options_parse(sys, &cmd_imgtrust, trust_specs, 2, argc, argv, 0, 0, &opts);
	if (rc || opts.help)
		return rc;
	bool require = !opts.present[OPT_ALLOW];
	rc = image_set_trust(sys, require, opts.present[OPT_PERMANENT]);
	if (rc)
		console_printf(&sys->console, "imgtrust: cannot %s untrusted images: imgtrust --permanent fixed that\n",
			       require ? "refuse" : "allow");
	return rc;
}
