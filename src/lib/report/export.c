/*
 * export.c - CSV and XLSX exports of events and the inventory (export.h).
 * Rows are read through the store interface page by page, as the report
 * reads them, so both backends export the same cells.
 */
#include "report/export.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/fileio.h"
#include "core/limits.h"

void cg_export_sheet_free(cg_export_sheet *s)
{
	json_decref(s->header);
	json_decref(s->rows);
	s->header = s->rows = NULL;
}

static cg_err sheet_init(cg_export_sheet *s, const char *name)
{
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->header = json_array();
	s->rows = json_array();
	return s->header && s->rows ? CG_OK : CG_ENOMEM;
}

static json_t *cell_of(const json_t *v)
{
	if (!v || json_is_null(v))
		return json_null();
	if (json_is_string(v) || json_is_integer(v))
		return json_incref((json_t *)v);
	if (json_is_true(v) || json_is_false(v))
		return json_string(json_is_true(v) ? "true" : "false");
	if (json_is_real(v)) {
		char b[40];
		snprintf(b, sizeof b, "%g", json_real_value(v));
		return json_string(b);
	}
	if (json_is_array(v)) {
		cg_buf b;
		cg_buf_init(&b, 1u << 20);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (i)
				cg_buf_puts(&b, "; ");
			if (json_is_string(x))
				cg_buf_puts(&b, json_string_value(x));
			else {
				char *t = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
				if (t)
					cg_buf_puts(&b, t);
				free(t);
			}
		}
		json_t *s = json_stringn(b.ptr ? b.ptr : "", b.len);
		cg_buf_free(&b);
		return s ? s : json_null();
	}
	char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *s = json_string(t ? t : "");
	free(t);
	return s ? s : json_null();
}

cg_err cg_export_events(cg_store *st, const cg_scope *scope, const cg_event_query *q0,
                        cg_export_sheet *out, cg_buf *why)
{
	static const char *const cols[] = {"time", "severity", "source",  "kind",  "agency_id",
	                                   "host", "subject",  "summary", "state", "id"};
	cg_err err = sheet_init(out, "events");
	for (size_t c = 0; !err && c < sizeof cols / sizeof cols[0]; c++)
		json_array_append_new(out->header, json_string(cols[c]));
	cg_event_query q = *q0;
	q.limit = CG_MAX_LIST_LIMIT;
	q.before_seq = 0;
	while (!err) {
		json_t *items = NULL;
		int64_t next = 0;
		if ((err = cg_store_events_query(st, scope, &q, &items, &next))) {
			cg_buf_printf(why, "reading the events: %s", cg_store_errmsg());
			break;
		}
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e)
		{
			if (json_array_size(out->rows) >= CG_EXPORT_MAX_ROWS) {
				out->truncated = true;
				break;
			}
			json_t *row = json_array();
			for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
				json_array_append_new(row, cell_of(json_object_get(e, cols[c])));
			json_array_append_new(out->rows, row);
		}
		json_decref(items);
		if (!next || out->truncated)
			break;
		q.before_seq = next;
	}
	if (err)
		cg_export_sheet_free(out);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

cg_err cg_export_inventory(cg_store *st, const cg_scope *scope, cg_resource r, cg_export_sheet *out,
                           cg_buf *why)
{
	static const char *const names[] = {"agencies", "systems", "people"};
	if ((unsigned)r > CG_RES_PERSON)
		return CG_EINVAL;
	cg_err err = sheet_init(out, names[r]);
	const char *keys[64];
	size_t nkeys = 0;
	for (int64_t off = 0; !err;) {
		json_t *items = NULL;
		int64_t total = 0;
		if ((err = cg_store_inv_list(st, scope, r, NULL, CG_MAX_INV_LIST, off, &items,
		                             &total))) {
			cg_buf_printf(why, "reading the inventory: %s", cg_store_errmsg());
			break;
		}
		size_t i;
		json_t *rec;
		json_array_foreach(items, i, rec)
		{
			if (!nkeys) { /* the columns: the first record's fields, by name */
				const char *k;
				json_t *v;
				json_object_foreach(rec, k, v)
				{
					if (nkeys < sizeof keys / sizeof keys[0])
						keys[nkeys++] = strdup(k);
				}
				qsort(keys, nkeys, sizeof keys[0], cmp_str);
				for (size_t c = 0; c < nkeys; c++)
					json_array_append_new(out->header, json_string(keys[c]));
			}
			if (json_array_size(out->rows) >= CG_EXPORT_MAX_ROWS) {
				out->truncated = true;
				break;
			}
			json_t *row = json_array();
			for (size_t c = 0; c < nkeys; c++)
				json_array_append_new(row, cell_of(json_object_get(rec, keys[c])));
			json_array_append_new(out->rows, row);
		}
		size_t got = json_array_size(items);
		json_decref(items);
		off += (int64_t)got;
		if (out->truncated || got < CG_MAX_INV_LIST || off >= total)
			break;
	}
	for (size_t c = 0; c < nkeys; c++)
		free((void *)keys[c]);
	if (err)
		cg_export_sheet_free(out);
	return err;
}

/* One CSV field: quoted when it must be; formula starts defused. */
static cg_err csv_field(cg_buf *out, const json_t *v)
{
	char num[32];
	const char *s = "";
	size_t n = 0;
	bool text = false;
	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		s = num;
		n = strlen(num);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
		text = true;
	}
	bool formula = text && n && strchr("=+-@\t\r", s[0]);
	bool quote = formula || memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
	             memchr(s, '\r', n);
	cg_err err = CG_OK;
	if (quote)
		err = cg_buf_putc(out, '"');
	if (!err && formula)
		err = cg_buf_putc(out, '\'');
	for (size_t i = 0; !err && i < n; i++) {
		if (s[i] == '"')
			err = cg_buf_putc(out, '"');
		if (!err)
			err = cg_buf_putc(out, s[i]);
	}
	if (!err && quote)
		err = cg_buf_putc(out, '"');
	return err;
}

static cg_err csv_row(cg_buf *out, const json_t *row)
{
	cg_err err = CG_OK;
	size_t i;
	json_t *v;
	json_array_foreach(row, i, v)
	{
		if (i && (err = cg_buf_putc(out, ',')))
			return err;
		if ((err = csv_field(out, v)))
			return err;
	}
	return cg_buf_append(out, "\r\n", 2);
}

cg_err cg_export_csv(const cg_export_sheet *s, cg_buf *out)
{
	cg_err err = cg_buf_append(out, "\xEF\xBB\xBF", 3);
	if (!err)
		err = csv_row(out, s->header);
	size_t i;
	json_t *row;
	json_array_foreach(s->rows, i, row)
	{
		if (err)
			break;
		err = csv_row(out, row);
	}
	return err;
}

cg_err cg_export_xlsx(const cg_export_sheet *sheets, size_t n, const char *tmp_dir, cg_buf *out,
                      cg_buf *why)
{
	char path[PATH_MAX];
	int w = snprintf(path, sizeof path, "%s/.cg-export-XXXXXX", tmp_dir ? tmp_dir : "/tmp");
	if (w < 0 || (size_t)w >= sizeof path)
		return CG_ETOOBIG;
	int fd = mkstemp(path);
	if (fd < 0) {
		cg_buf_printf(why, "%s: cannot make a temporary file", tmp_dir ? tmp_dir : "/tmp");
		return CG_EIO;
	}
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	cg_err err = wb ? CG_OK : CG_EIO;
	lxw_format *bold = wb ? workbook_add_format(wb) : NULL;
	if (bold)
		format_set_bold(bold);
	for (size_t k = 0; !err && k < n; k++) {
		const cg_export_sheet *s = &sheets[k];
		lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
		if (!ws) {
			err = CG_EIO;
			break;
		}
		size_t c;
		json_t *h;
		json_array_foreach(s->header, c, h)
		    worksheet_write_string(ws, 0, (lxw_col_t)c, json_string_value(h), bold);
		worksheet_freeze_panes(ws, 1, 0);
		size_t r;
		json_t *row;
		json_array_foreach(s->rows, r, row)
		{
			json_t *v;
			json_array_foreach(row, c, v)
			{
				if (json_is_integer(v))
					worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
					                       (double)json_integer_value(v), NULL);
				else if (json_is_string(v))
					worksheet_write_string(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
					                       json_string_value(v), NULL);
			}
		}
	}
	if (wb && workbook_close(wb) != LXW_NO_ERROR && !err)
		err = CG_EIO;
	if (err)
		cg_buf_printf(why, "the XLSX could not be written");
	else
		err = cg_read_file(path, out, why);
	unlink(path);
	return err;
}
