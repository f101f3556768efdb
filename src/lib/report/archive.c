/*
 * archive.c - the schedule of the periodic reports and keeping one
 * (archive.h). Blobs are written before the row, so a row never names a
 * blob that is not there; a blob whose row was never written (a crash in
 * between) is only unused space, and the next run writes it again with the
 * same hash.
 */
#include "report/archive.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

const char *cg_report_kind_name(cg_report_kind k)
{
	static const char *const names[] = {"monthly", "semiannual", "annual", "incidents"};
	return (unsigned)k <= CG_REPORT_INCIDENTS ? names[k] : "monthly";
}

size_t cg_report_due_at(int64_t now_ms, int tz_offset_min, cg_report_due *out)
{
	time_t t = (time_t)(now_ms / 1000 + (int64_t)tz_offset_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	/* bounded, so that every name fits (and the compiler sees it does) */
	unsigned y = (unsigned)(tm.tm_year + 1900), m = (unsigned)tm.tm_mon % 12u + 1u;
	if (y < 2001 || y > 9999)
		y = 2001;
	unsigned hy = m <= 6 ? y - 1 : y, h = m <= 6 ? 2 : 1;
	size_t n = 0;
	out[n].kind = CG_REPORT_MONTHLY;
	snprintf(out[n++].period, sizeof out[0].period, "%04u-%02u", m == 1 ? y - 1 : y,
	         m == 1 ? 12 : m - 1);
	out[n].kind = CG_REPORT_SEMIANNUAL;
	snprintf(out[n++].period, sizeof out[0].period, "%04u-H%u", hy, h);
	out[n].kind = CG_REPORT_INCIDENTS;
	snprintf(out[n++].period, sizeof out[0].period, "%04u-H%u", hy, h);
	out[n].kind = CG_REPORT_ANNUAL;
	snprintf(out[n++].period, sizeof out[0].period, "%04u", m == 12 ? y : y - 1);
	return n;
}

cg_err cg_report_keep(cg_store *st, cg_blobs *blobs, const cg_report_request *r,
                      const char *created_by, int64_t *id, cg_buf *why)
{
	*id = 0;
	cg_report_output out;
	cg_err err = cg_report_make(st, r, &out, why);
	json_t *files = json_object();
	for (int f = 0; !err && f < CG_RFMT_COUNT; f++) {
		if (!out.doc[f].len)
			continue;
		char hex[CG_BLOB_HEX_LEN + 1], phex[CG_BLOB_HEX_LEN + 1];
		uint64_t size = 0, psize = 0;
		err = cg_blob_put(blobs, out.doc[f].ptr, out.doc[f].len, hex, &size);
		if (!err && out.p7s[f].len)
			err = cg_blob_put(blobs, out.p7s[f].ptr, out.p7s[f].len, phex, &psize);
		if (err) {
			cg_buf_reset(why);
			cg_buf_printf(why, "the blob store refused the %s file (%s)",
			              cg_report_format_name((cg_report_format)f), cg_strerror(err));
			break;
		}
		json_object_set_new(files, cg_report_format_name((cg_report_format)f),
		                    json_pack("{s:s,s:I,s:o,s:I}", "blob", hex, "size",
		                              (json_int_t)size, "p7s",
		                              out.p7s[f].len ? json_string(phex) : json_null(),
		                              "p7s_size", (json_int_t)psize));
	}
	if (!err) {
		json_t *rec = json_pack(
		    "{s:s,s:s,s:I,s:s,s:O,s:s,s:o}", "kind", cg_report_kind_name(r->kind), "period",
		    out.cur.name, "agency_id", (json_int_t)r->agency_id, "lang",
		    r->english ? "en" : "vi", "files", files, "created_by", created_by, "signed_by",
		    out.signed_by[0] ? json_string(out.signed_by) : json_null());
		err =
		    rec ? cg_store_report_put(st, rec, r->now_ms ? r->now_ms : cg_time_now_ms(), id)
		        : CG_ENOMEM;
		json_decref(rec);
		if (err) {
			cg_buf_reset(why);
			cg_buf_printf(why, "keeping the report: %s", cg_store_errmsg());
		}
	}
	json_decref(files);
	cg_report_output_free(&out);
	return err;
}
