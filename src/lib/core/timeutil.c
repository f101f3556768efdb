/*
 * timeutil.c - see timeutil.h. Parsing is by hand over a slice (no
 * sscanf/strptime): fixed positions, every digit checked, every field
 * range-checked, so hostile timestamps cannot smuggle anything through.
 */
#include "timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t cg_time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cg_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cg_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void cg_time_format(int64_t ms, char *dst, size_t dstsize)
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(dst, dstsize, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, frac);
}

/* n decimal digits at s[*i]; advances *i. */
static bool digits(cg_slice s, size_t *i, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= s.len || s.ptr[*i] < '0' || s.ptr[*i] > '9')
			return false;
		v = v * 10 + (s.ptr[*i] - '0');
	}
	*out = v;
	return true;
}

static bool expect(cg_slice s, size_t *i, char c)
{
	if (*i >= s.len || s.ptr[*i] != c)
		return false;
	(*i)++;
	return true;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
 * civil-from-days inverse). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

cg_err cg_time_parse(cg_slice s, int64_t *ms)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
	if (!digits(s, &i, 4, &y) || !expect(s, &i, '-') ||
	    !digits(s, &i, 2, &mo) || !expect(s, &i, '-') ||
	    !digits(s, &i, 2, &d))
		return CG_EPARSE;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return CG_EINVAL;
	int64_t offset_min = 0;
	if (i < s.len) {
		if (s.ptr[i] != 'T' && s.ptr[i] != 't' && s.ptr[i] != ' ')
			return CG_EPARSE;
		i++;
		if (!digits(s, &i, 2, &h) || !expect(s, &i, ':') ||
		    !digits(s, &i, 2, &mi) || !expect(s, &i, ':') ||
		    !digits(s, &i, 2, &sec))
			return CG_EPARSE;
		if (h > 23 || mi > 59 || sec > 60)
			return CG_EINVAL;
		if (i < s.len && s.ptr[i] == '.') {
			i++;
			int scale = 100, nd = 0;
			while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
				frac += (s.ptr[i] - '0') * scale;
				scale /= 10;
				i++;
				if (++nd > 9)
					return CG_EPARSE;
			}
			if (nd == 0)
				return CG_EPARSE;
		}
		if (i >= s.len)
			return CG_EPARSE; /* a time needs a zone */
		if (s.ptr[i] == 'Z' || s.ptr[i] == 'z') {
			i++;
		} else if (s.ptr[i] == '+' || s.ptr[i] == '-') {
			int sign = s.ptr[i] == '-' ? -1 : 1, oh, om;
			i++;
			if (!digits(s, &i, 2, &oh) || !expect(s, &i, ':') ||
			    !digits(s, &i, 2, &om) || oh > 23 || om > 59)
				return CG_EPARSE;
			offset_min = sign * (oh * 60 + om);
		} else {
			return CG_EPARSE;
		}
		if (i != s.len)
			return CG_EPARSE;
	}
	int64_t days = days_from_civil(y, mo, d);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
	*ms = secs * 1000 + frac;
	return CG_OK;
}
