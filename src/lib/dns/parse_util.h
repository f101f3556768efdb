/*
 * parse_util.h - internal helpers of the DNS log readers (parse_*.c).
 * Time parsers return the number of bytes consumed from the start of s, or
 * 0 when s does not start with a stamp of that form; *ms gets UTC epoch ms
 * (stamps without a zone are taken as UTC).
 */
#ifndef CG_DNS_PARSE_UTIL_H
#define CG_DNS_PARSE_UTIL_H

#include "dns/record.h"

bool pu_digits(cg_slice s, size_t *i, int n, int *out);
size_t pu_time_bind(cg_slice s, int64_t *ms);             /* 21-Nov-2026 04:25:01.123 */
size_t pu_time_syslog(cg_slice s, int year, int64_t *ms); /* Nov 21 04:25:01 */
size_t pu_time_iso(cg_slice s, int64_t *ms);              /* 2026-11-21T04:25:01.123Z */
size_t pu_time_epoch(cg_slice s, int64_t *ms);            /* 1700000000.123 */
/* Next space/tab separated token from *i (empty at the end). */
cg_slice pu_token(cg_slice s, size_t *i);
/* memmem from offset `from`. */
const char *pu_find(cg_slice s, size_t from, const char *needle, size_t nlen);
#define PU_FIND(s, from, lit) pu_find((s), (from), (lit), sizeof(lit) - 1)

#endif
