/*
 * clock.c - monotonic time from the CPU's counter. U-Boot runs EFI applications without
 * interrupts, so timer events only fire inside boot-service calls; reading the counter needs
 * no firmware call at all and works the same on every firmware.
 *   x86_64: the TSC, calibrated once against the 8254 PIT's channel 2 (a fixed 1.193182 MHz
 *           reference every PC has, as Linux calibrates), and against BootServices->Stall()
 *           (UEFI 2.10 §7.5) when the PIT does not count. Stall alone is not trustworthy:
 *           U-Boot x86 derives it from its own TSC guess, which runs up to 2.5x fast under
 *           QEMU (FIELD-NOTES), and every timeout would shrink with it.
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

static uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void outb(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

#define PIT_HZ 1193182u

/* TSC ticks per second measured over a one-shot countdown of PIT channel 2 (its gate and
 * output are wired to port 0x61), or 0 when the PIT's output never rises. */
static uint64_t calibrate_with_pit(uint64_t stall_hz)
{
	uint16_t latch = (uint16_t)(PIT_HZ / (1000000 / CALIBRATION_US));
	uint8_t saved = inb(0x61);
	outb((uint8_t)((saved & ~0x02) | 0x01), 0x61); /* gate high, speaker off */
	outb(0xb0, 0x43);                               /* channel 2, lo/hi byte, mode 0, binary */
	outb((uint8_t)latch, 0x42);
	outb((uint8_t)(latch >> 8), 0x42);
	uint64_t start = read_counter();
	/* give up after ten times the expected duration (by the Stall estimate): no PIT */
	uint64_t limit = stall_hz / (1000000 / CALIBRATION_US) * 10;
	uint64_t ticks = 0;
	while (!(inb(0x61) & 0x20)) {
		ticks = read_counter() - start;
		if (ticks > limit) {
			ticks = 0;
			break;
		}
	}
	outb(saved, 0x61);
	return ticks * (1000000 / CALIBRATION_US);
}

int efi_clock_init(struct efi_platform *efi)
{
	uint64_t start = read_counter();
	EFI_STATUS status = efi->bs->Stall(CALIBRATION_US);
	uint64_t ticks = read_counter() - start;
	if (EFI_ERROR(status) || ticks == 0)
		return -WBE_PLATFORM;
	uint64_t stall_hz = ticks * (1000000 / CALIBRATION_US);
	uint64_t pit_hz = calibrate_with_pit(stall_hz);
	efi->counter_hz = pit_hz ? pit_hz : stall_hz;
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
