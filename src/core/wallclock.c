/* wallclock.c - time of day as an offset from the monotonic clock (wireboot/wallclock.h). */
#include "wireboot/wallclock.h"
#include "wireboot/errors.h"
#include "wireboot/format.h"

void wallclock_set(struct wallclock *wc, uint64_t mono_ns, int64_t unix_ns, const char *source)
{
	wc->valid = true;
	wc->offset_ns = unix_ns - (int64_t)mono_ns;
	wc->source = source;
}

int wallclock_now(const struct wallclock *wc, uint64_t mono_ns, int64_t *unix_seconds)
{
	if (!wc->valid)
		return -WBE_CLOCK_UNKNOWN;
	*unix_seconds = ((int64_t)mono_ns + wc->offset_ns) / 1000000000LL;
	return 0;
}

void wallclock_format(int64_t t, char *buf, size_t len)
{
	/* civil_from_days (H. Hinnant): proleptic Gregorian calendar from days since 1970 */
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t secs = t - days * 86400;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	wb_snprintf(buf, len, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC", (long long)y, (long long)m, (long long)d,
		    (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
}
