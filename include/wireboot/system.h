/*
 * system.h - one running wireboot: the objects every command and protocol needs, passed
 * explicitly (no hidden globals shared between modules).
 */
#ifndef WIREBOOT_SYSTEM_H
#define WIREBOOT_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include "wireboot/console.h"
#include "wireboot/menu.h"
#include "wireboot/params.h"
#include "wireboot/screen.h"
#include "wireboot/list.h"
#include "wireboot/log.h"
#include "wireboot/net.h"
#include "wireboot/platform.h"
#include "wireboot/process.h"
#include "wireboot/settings.h"
#include "wireboot/wallclock.h"

struct rng;
struct trust_store;
struct script_run;
struct uri;

#define WIREBOOT_VERSION "0.1.0"

struct system {
	const struct platform *platform;
	struct console console;
	struct screen screen;     /* full-screen text and colours (menus, `colour`, `cpair`) */
	struct menu_set menus;    /* `menu`/`item`, shown by `choose` */
	struct params_set params; /* `params`/`param`, sent by http(s) URIs ending in ##params */
	struct log log;
	struct loop loop;
	struct settings settings;
	struct rng *rng;
	bool rng_from_hardware; /* false: seeded from timing jitter (see docs/security.md) */
	struct net net;
	const struct transport *transport; /* &net.transport unless the platform offers another */
	struct list_node san_drives;       /* struct san_drive, hooked by `sanhook` */
	struct list_node images;           /* struct image, fetched by imgfetch/kernel/chain */
	struct uri *cwuri; /* the running image's URI (relative URIs resolve against it), or NULL */
	struct wallclock wallclock;
	struct trust_store *trust; /* TLS trust anchors: built-in plus `certadd` (trust.h) */
	bool require_trusted_images;  /* `imgtrust`: only verified images run (image.h) */
	bool image_trust_permanent;   /* `imgtrust --permanent`: the above never changes again */
	bool exit_requested;      /* set by `exit`: unwinds scripts and shells */
	int exit_status;
	unsigned shell_depth;
	struct script_run *script; /* the innermost running script (goto works on it), or NULL */
	bool line_stopped;         /* set by a successful `goto`: skip the rest of the line */
};

/**
 * system_init() - bring up console, log, loop, settings and RNG on @platform.
 * Returns 0 or a negative rc (everything already set up is torn down again).
 */
int system_init(struct system *sys, const struct platform *platform);

/** system_fini() - tear down what system_init() set up. */
void system_fini(struct system *sys);

/** system_banner() - print the start-up banner (version, platform, architecture). */
void system_banner(struct system *sys);

/**
 * system_run() - the whole program: init, banner, crypto self-test, device probe, then run
 * @script (@len bytes, iPXE script syntax); fini. Returns 0 or a negative rc, which the
 * platform converts to its own status (EFI_STATUS); -WBE_EXIT when the script ran `exit N`
 * with N > 0. *@exit_code (may be NULL) receives a process-style code: N for `exit N`,
 * 0 on success, 1 for any other failure.
 */
int system_run(const struct platform *platform, const char *script, size_t len, int *exit_code);

#endif
