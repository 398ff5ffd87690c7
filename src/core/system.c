/* system.c - bringing one wireboot up and down (contract in wireboot/system.h). */
#include "wireboot/system.h"
#include "wireboot/errors.h"
#include "wireboot/image.h"
#include "wireboot/rng.h"
#include "wireboot/san.h"
#include "wireboot/script.h"
#include "wireboot/selftest.h"
#include "wireboot/trust.h"

#include <string.h>

static uint64_t platform_now(void *ctx)
{
	const struct platform *p = ctx;
	return p->monotonic_ns(p);
}

static void platform_idle(void *ctx, uint64_t max_ns)
{
	const struct platform *p = ctx;
	p->idle(p, max_ns);
}

int system_init(struct system *sys, const struct platform *platform)
{
	memset(sys, 0, sizeof(*sys));
	sys->platform = platform;
	console_init(&sys->console, platform);
	screen_init(&sys->screen, platform);
	menu_set_init(&sys->menus);
	params_set_init(&sys->params);
	log_init(&sys->log, &sys->console);
	loop_init(&sys->loop, platform_now, (void *)platform);
	sys->loop.cancel_requested = console_interrupted;
	sys->loop.cancel_ctx = &sys->console;
	if (platform->idle) {
		sys->loop.idle = platform_idle;
		sys->loop.idle_ctx = (void *)platform;
	}
	int rc = settings_init(&sys->settings, platform->name, platform->arch, WIREBOOT_VERSION);
	if (rc)
		return rc;
	bool hardware = false;
	rc = rng_create(platform, &sys->rng, &hardware);
	if (rc) {
		log_msg(&sys->log, LOG_ERROR, "rng", "no usable entropy source (%s)", errors_message(rc));
		settings_fini(&sys->settings);
		return rc;
	}
	sys->rng_from_hardware = hardware;
	int64_t unix_seconds;
	if (platform->wall_clock && platform->wall_clock(platform, &unix_seconds) == 0)
		wallclock_set(&sys->wallclock, loop_now(&sys->loop), unix_seconds * 1000000000LL,
			      strcmp(platform->name, "efi") == 0 ? "firmware" : "host");
	rc = trust_store_create(&sys->trust);
	if (rc) {
		rng_destroy(sys->rng);
		settings_fini(&sys->settings);
		return rc;
	}
	rc = net_init(&sys->net, &sys->loop, &sys->log, sys->rng, &sys->settings);
	if (rc) {
		trust_store_destroy(sys->trust);
		rng_destroy(sys->rng);
		settings_fini(&sys->settings);
		return rc;
	}
	sys->transport = &sys->net.transport;
	list_init(&sys->san_drives);
	list_init(&sys->images);
	return 0;
}

void system_fini(struct system *sys)
{
	while (!list_empty(&sys->san_drives))
		san_unhook(sys, list_entry(sys->san_drives.next, struct san_drive, link));
	image_free_all(sys);
	menu_set_fini(&sys->menus);
	params_set_fini(&sys->params);
	net_fini(&sys->net);
	trust_store_destroy(sys->trust); /* after the network: no TLS stream uses it any more */
	sys->trust = NULL;
	rng_destroy(sys->rng);
	sys->rng = NULL;
	settings_fini(&sys->settings);
}

void system_banner(struct system *sys)
{
	console_printf(&sys->console, "wireboot %s (%s/%s) - network boot over HTTPS and iSCSI\n", WIREBOOT_VERSION,
		       sys->platform->name, sys->platform->arch);
}

static void report_failure(void *ctx, const char *name, int rc)
{
	struct system *sys = ctx;
	if (rc)
		log_msg(&sys->log, LOG_ERROR, "selftest", "%s known-answer test failed", name);
}

/*
 * iPXE waits 2 s for Ctrl-B before its script runs. Here the script starts at once and
 * Ctrl-B works for as long as it runs: it stops the script (the command running is
 * cancelled as by Ctrl-C) and opens the shell. Boots are not slowed down by an offer
 * nobody takes, and the shell is still one key away.
 */
static int run_script_or_shell(struct system *sys, bool shell_key, const char *script, size_t len)
{
	if (shell_key) {
		console_puts(&sys->console, "Press Ctrl-B for the wireboot command line...\n");
		sys->console.shell_key_armed = true;
	}
	int rc = script_exec(sys, script, len);
	sys->console.shell_key_armed = false;
	if (!sys->console.shell_key_pressed)
		return rc;
	sys->console.shell_key_pressed = false;
	console_puts(&sys->console, "Ctrl-B: the boot script was stopped\n");
	return shell_run(sys);
}

int system_run(const struct platform *platform, const char *script, size_t len, int *exit_code)
{
	struct system sys;
	int rc = system_init(&sys, platform);
	if (exit_code)
		*exit_code = rc ? 1 : 0;
	if (rc)
		return rc;
	system_banner(&sys);
	if (!sys.rng_from_hardware)
		log_msg(&sys.log, LOG_WARN, "rng", "no hardware random source; seeded from CPU timing jitter");
	/* Refuse to run with broken cryptography rather than boot with false security. */
	rc = crypto_selftest(report_failure, &sys);
	if (rc == 0 && platform->probe_devices)
		rc = platform->probe_devices(platform, &sys);
	if (rc == 0)
		rc = run_script_or_shell(&sys, platform->shell_key, script, len);
	if (exit_code)
		*exit_code = rc == -WBE_EXIT ? sys.exit_status : rc ? 1 : 0;
	if (platform->remove_devices)
		platform->remove_devices(platform, &sys);
	system_fini(&sys);
	return rc;
}
