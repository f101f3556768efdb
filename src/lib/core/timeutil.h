/*
 * timeutil.h - wall-clock time as int64 milliseconds since the Unix epoch,
 * and its RFC 3339 text form in UTC ("2026-11-21T04:25:01.123Z"), the only
 * time format canhgac writes.
 */
#ifndef CG_TIMEUTIL_H
#define CG_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

int64_t cg_time_now_ms(void);
/* Monotonic clock in milliseconds, for durations and timeouts. */
int64_t cg_mono_ms(void);
/* The same in microseconds (request and batch latencies). */
int64_t cg_mono_us(void);
/* Writes RFC 3339 UTC with milliseconds; dst needs 25 bytes. */
void cg_time_format(int64_t ms, char *dst, size_t dstsize);
/* Parses RFC 3339 ("2026-11-21T04:25:01Z", optional fraction, "Z" or
 * "+07:00" offset) or a bare date ("2026-11-21", midnight UTC). */
cg_err cg_time_parse(cg_slice s, int64_t *ms);

#endif
