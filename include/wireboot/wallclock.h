/*
 * wallclock.h - the time of day, for certificate validity checks and log stamps.
 *
 * Known from the firmware's clock (EFI GetTime, when it has a working RTC) or from NTP; kept
 * as an offset from the monotonic clock so that it advances with it. Unknown until one of
 * them set it: certificate checks then fail with an error that says to run `ntp`.
 */
#ifndef WIREBOOT_WALLCLOCK_H
#define WIREBOOT_WALLCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wallclock {
	bool valid;
	int64_t offset_ns;  /* unix time in ns minus monotonic ns */
	const char *source; /* "firmware", "ntp", "host" */
};

/** wallclock_set() - the time is @unix_ns now (monotonic @mono_ns), learned from @source. */
void wallclock_set(struct wallclock *wc, uint64_t mono_ns, int64_t unix_ns, const char *source);

/** wallclock_now() - unix seconds at monotonic @mono_ns; -WBE_CLOCK_UNKNOWN if never set. */
int wallclock_now(const struct wallclock *wc, uint64_t mono_ns, int64_t *unix_seconds);

/** wallclock_format() - "2026-11-25 16:20:00 UTC" into @buf (at least 24 bytes). */
void wallclock_format(int64_t unix_seconds, char *buf, size_t len);

#endif
