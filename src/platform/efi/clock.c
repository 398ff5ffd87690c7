/*
 * clock.c - monotonic time from the CPU's counter. U-Boot runs EFI applications without
 * interrupts, so timer events only fire inside boot-service calls; reading the counter needs
 * no firmware call at all and works the same on every firmware.
 *   x86_64: the TSC, calibrated against BootServices->Stall() (UEFI 2.10 §7.5) once.
 *   AArch64: the generic timer's virtual count CNTVCT_EL0 at CNTFRQ_EL0 Hz (Arm ARM D11).
 */
#include "efi_platform.h"
#include "wireboot/errors.h"

#define CALIBRATION_US 20000 /* 20 ms: 1% of a second's error would need a 200 us misread */

#if defined(__x86_64__)
static uint64_t read_counter(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

int efi_clock_init(struct efi_platform *efi)
{
	uint64_t start = read_counter();
	EFI_STATUS status = efi->bs->Stall(CALIBRATION_US);
	uint64_t ticks = read_counter() - start;
	if (EFI_ERROR(status) || ticks == 0)
		return -WBE_PLATFORM;
	efi->counter_hz = ticks * (1000000 / CALIBRATION_US);
	return 0;
}
#elif defined(__aarch64__)
static uint64_t read_counter(void)
{
	uint64_t v;
	/* isb: without it the read may be speculated ahead of earlier instructions */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

int efi_clock_init(struct efi_platform *efi)
{
	uint64_t hz;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	if (hz == 0)
		return -WBE_PLATFORM;
	efi->counter_hz = hz;
	return 0;
}
#else
#error "unsupported EFI architecture"
#endif

uint64_t efi_cycle_counter(const struct platform *p)
{
	(void)p;
	return read_counter();
}

uint64_t efi_monotonic_ns(const struct platform *p)
{
	uint64_t hz = efi_of(p)->counter_hz;
	uint64_t ticks = read_counter();
	/* split so ticks * 1e9 cannot overflow 64 bits */
	return (ticks / hz) * 1000000000ULL + (ticks % hz) * 1000000000ULL / hz;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int efi_wall_clock(const struct platform *p, int64_t *unix_seconds)
{
	EFI_TIME t;
	EFI_STATUS status = efi_of(p)->st->RuntimeServices->GetTime(&t, NULL);
	/* A missing RTC driver returns EFI_UNSUPPORTED or garbage; a year before the build was
	 * possible cannot be right either, and a wrong clock would break certificate checks. */
	if (EFI_ERROR(status) || t.Year < 2024 || t.Year > 9999 || t.Month < 1 || t.Month > 12 || t.Day < 1 ||
	    t.Day > 31 || t.Hour > 23 || t.Minute > 59 || t.Second > 59)
		return -WBE_NOTSUP;
	int64_t seconds = days_from_civil(t.Year, t.Month, t.Day) * 86400 + t.Hour * 3600 + t.Minute * 60 + t.Second;
	/* TimeZone: minutes from UTC, with UTC = local + TimeZone as UEFI 2.3.1 and later define
	 * it; firmware without an RTC time zone reports EFI_UNSPECIFIED_TIMEZONE (taken as UTC). */
	if (t.TimeZone != EFI_UNSPECIFIED_TIMEZONE && t.TimeZone >= -1440 && t.TimeZone <= 1440)
		seconds += (int64_t)t.TimeZone * 60;
	*unix_seconds = seconds;
	return 0;
}
