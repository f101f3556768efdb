/*
 * xlsx.c - the document model (doc.h) as an Excel workbook, through
 * libxlsxwriter.
 *
 * A workbook is for the figures, not the prose: the first sheet carries
 * the document's frame, headings and paragraphs in one wide wrapped
 * column so the sheet reads as the report does; then each table is a
 * sheet of its own (its caption on top, the header row bold and frozen,
 * cells that are plain numbers written as numbers with a number format so
 * they sum and sort), and each chart is a sheet holding its data with a
 * native Excel chart drawn from those cells (column, stacked column or
 * line), so an official can re-plot or copy it.
 */
#include "report/doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/limits.h"

/* A cell that is a plain decimal number ("12", "-3.5"), not "12%". */
static bool as_number(const char *s, double *v)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789.-", *p))
			return false;
	char *end;
	*v = strtod(s, &end);
	return *end == 0 && isfinite(*v);
}

static void widths(lxw_worksheet *ws, const cg_doc_block *b)
{
	for (size_t c = 0; c < b->ncols; c++) {
		size_t w = 6;
		for (size_t r = 0; r <= b->nrows && r < 2000; r++) {
			size_t n = strlen(b->cells[r * b->ncols + c]);
			if (n > w)
				w = n;
		}
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w > 60 ? 60 : (double)w + 2,
		                     NULL);
	}
}

cg_err cg_doc_render_xlsx(const cg_doc *d, const char *path, cg_buf *why)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: cannot create the workbook", path);
		}
		return CG_EIO;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xE0E6EE);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(head);
	lxw_format *cell = workbook_add_format(wb);
	format_set_border(cell, LXW_BORDER_THIN);
	lxw_format *num = workbook_add_format(wb);
	format_set_border(num, LXW_BORDER_THIN);
	format_set_num_format(num, "#,##0.##");
	lxw_format *integer = workbook_add_format(wb);
	format_set_border(integer, LXW_BORDER_THIN);
	format_set_num_format(integer, "#,##0");

	lxw_worksheet *main = workbook_add_worksheet(wb, d->english ? "Report" : "Báo cáo");
	worksheet_set_column(main, 0, 0, 110, wrap);
	lxw_row_t row = 0;
	const char *frame[] = {d->parent, d->issuer, d->number, d->place_date};
	for (size_t i = 0; i < 4; i++)
		if (frame[i] && frame[i][0])
			worksheet_write_string(main, row++, 0, frame[i], i == 1 ? bold : NULL);
	row++;
	worksheet_write_string(main, row++, 0, d->kind_title ? d->kind_title : "", title);
	if (d->title && d->title[0])
		worksheet_write_string(main, row++, 0, d->title, title);
	row++;
	int ntables = 0, ncharts = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		const cg_doc_block *b = &d->blocks[i];
		char name[32];
		if (b->kind == CG_BLK_HEADING) {
			worksheet_write_string(main, row++, 0, b->text, bold);
		} else if (b->kind == CG_BLK_PARA) {
			worksheet_write_string(main, row++, 0, b->text, NULL);
		} else if (b->kind == CG_BLK_TABLE) {
			snprintf(name, sizeof name, "%s %d", d->english ? "Table" : "Bảng",
			         ++ntables);
			lxw_worksheet *ws = workbook_add_worksheet(wb, name);
			char ref[64];
			snprintf(ref, sizeof ref, "(%s: %s)", d->english ? "sheet" : "trang tính",
			         name);
			worksheet_write_string(main, row++, 0, ref, NULL);
			worksheet_write_string(ws, 0, 0, b->text, bold);
			for (size_t r = 0; r <= b->nrows; r++)
				for (size_t c = 0; c < b->ncols; c++) {
					const char *t = b->cells[r * b->ncols + c];
					double v;
					if (r > 0 && as_number(t, &v))
						worksheet_write_number(
						    ws, (lxw_row_t)(r + 1), (lxw_col_t)c, v,
						    v == floor(v) ? integer : num);
					else
						worksheet_write_string(ws, (lxw_row_t)(r + 1),
						                       (lxw_col_t)c, t,
						                       r == 0 ? head : cell);
				}
			worksheet_freeze_panes(ws, 2, 0);
			widths(ws, b);
		} else if (b->kind == CG_BLK_CHART) {
			const cg_doc_chart *c = b->chart;
			snprintf(name, sizeof name, "%s %d", d->english ? "Chart" : "Biểu đồ",
			         ++ncharts);
			lxw_worksheet *ws = workbook_add_worksheet(wb, name);
			char ref[64];
			snprintf(ref, sizeof ref, "(%s: %s)", d->english ? "sheet" : "trang tính",
			         name);
			worksheet_write_string(main, row++, 0, ref, NULL);
			worksheet_write_string(ws, 0, 0, c->title, bold);
			worksheet_write_string(ws, 1, 0, "", head);
			for (size_t s = 0; s < c->nseries; s++)
				worksheet_write_string(ws, 1, (lxw_col_t)(s + 1), c->series[s],
				                       head);
			for (size_t k = 0; k < c->ncats; k++) {
				worksheet_write_string(ws, (lxw_row_t)(k + 2), 0, c->cats[k], cell);
				for (size_t s = 0; s < c->nseries; s++) {
					double v = c->values[s * c->ncats + k];
					worksheet_write_number(ws, (lxw_row_t)(k + 2),
					                       (lxw_col_t)(s + 1), v,
					                       v == floor(v) ? integer : num);
				}
			}
			worksheet_freeze_panes(ws, 2, 1);
			worksheet_set_column(ws, 0, 0, 28, NULL);
			uint8_t type = c->kind == CG_CHART_STACKED ? LXW_CHART_COLUMN_STACKED
			               : c->kind == CG_CHART_LINE  ? LXW_CHART_LINE
			                                           : LXW_CHART_COLUMN;
			lxw_chart *ch = workbook_add_chart(wb, type);
			for (size_t s = 0; s < c->nseries; s++) {
				lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
				chart_series_set_categories(se, name, 2, 0,
				                            (lxw_row_t)(c->ncats + 1), 0);
				chart_series_set_values(se, name, 2, (lxw_col_t)(s + 1),
				                        (lxw_row_t)(c->ncats + 1),
				                        (lxw_col_t)(s + 1));
				chart_series_set_name_range(se, name, 1, (lxw_col_t)(s + 1));
			}
			chart_title_set_name(ch, c->title);
			if (c->unit && c->unit[0])
				chart_axis_set_name(ch->y_axis, c->unit);
			if (c->nseries == 1)
				chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
			lxw_chart_options opt = {.x_scale = 1.6, .y_scale = 1.3};
			worksheet_insert_chart_opt(ws, 1, (lxw_col_t)(c->nseries + 2), ch, &opt);
		}
	}
	row++;
	worksheet_write_string(main, row++, 0, d->english ? "Recipients:" : "Nơi nhận:", bold);
	for (size_t i = 0; i < d->nrecipients; i++)
		worksheet_write_string(main, row++, 0, d->recipients[i], NULL);
	row++;
	worksheet_write_string(main, row++, 0, d->signer_role ? d->signer_role : "", bold);
	worksheet_write_string(main, row++, 0, d->signer_name ? d->signer_name : "", bold);
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: %s", path, lxw_strerror(e));
		}
		return CG_EIO;
	}
	return CG_OK;
}
