/*
 * pdf.c - the document model (doc.h) laid out as PDF with cairo and pango.
 *
 * A4 portrait with the margins of Decree 30/2020 (top and bottom 20 mm,
 * left 30 mm, right 15 mm), Liberation Serif (metric-compatible with Times
 * New Roman, which the decree names) at 13 pt, embedded by cairo as a
 * subset. Pango shapes the text, so Vietnamese stacked diacritics (ặ, ễ,
 * ữ) come out as the font draws them, not as loose combining marks.
 *
 * The layout is a single pass down the page with a cursor: paragraphs are
 * laid out whole and drawn line by line so that a long one breaks across
 * pages; a table row that does not fit starts a new page and repeats the
 * header row; headings keep with the next lines; the recipients and the
 * signature block stay together. Page numbers are centred in the top
 * margin from the second page on, as the decree asks.
 */
#include "report/doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

#define MM     (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define FONT   "Liberation Serif"

typedef struct R {
	cairo_t *cr;
	cairo_surface_t *s;
	const cg_doc *d;
	double left, right, top, bottom, width;
	double y;
	int page;
} R;

static PangoLayout *layout(R *r, const char *text, const char *style, double size, double width,
                           PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(r->cr);
	char fd[96];
	snprintf(fd, sizeof fd, FONT " %s %.1f", style, size);
	PangoFontDescription *f = pango_font_description_from_string(fd);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, width < 0 ? -1 : (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double text_width(PangoLayout *l)
{
	PangoRectangle ink, log;
	pango_layout_get_extents(l, &ink, &log);
	return (double)log.width / PANGO_SCALE;
}

static void draw(R *r, PangoLayout *l, double x, double y)
{
	cairo_move_to(r->cr, x, y);
	pango_cairo_show_layout(r->cr, l);
}

static void new_page(R *r)
{
	cairo_show_page(r->cr);
	r->page++;
	r->y = r->top;
	char num[16];
	snprintf(num, sizeof num, "%d", r->page);
	PangoLayout *l = layout(r, num, "", 13, r->width, PANGO_ALIGN_CENTER);
	draw(r, l, r->left, 10 * MM);
	g_object_unref(l);
}

static void need(R *r, double h)
{
	if (r->y + h > r->bottom && r->y > r->top)
		new_page(r);
}

/* A layout drawn line by line, breaking pages between lines. */
static void flow(R *r, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double base = r->y;
	do {
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		double top = base + (double)lr.y / PANGO_SCALE, h = (double)lr.height / PANGO_SCALE;
		if (top + h > r->bottom && top > r->top) {
			new_page(r);
			base = r->y - (double)lr.y / PANGO_SCALE;
		}
		cairo_move_to(r->cr, x + (double)lr.x / PANGO_SCALE,
		              base + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
		pango_cairo_show_layout_line(r->cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	r->y = base + height(l);
}

static void hline(R *r, double x0, double x1, double y, double w)
{
	cairo_set_line_width(r->cr, w);
	cairo_move_to(r->cr, x0, y);
	cairo_line_to(r->cr, x1, y);
	cairo_stroke(r->cr);
}

/* The Decree 30 frame above the title: issuing body on the left, the
 * national motto and slogan on the right, then number and place/date. */
static void frame_top(R *r)
{
	const cg_doc *d = r->d;
	/* the frame is wider than the text: the motto must fit on one line */
	double fx = r->left - 8 * MM, fw = r->width + 8 * MM;
	double lw = fw * 0.38, rx = fx + lw, rw = fw - lw;
	double yl = r->y, yr = r->y;
	PangoLayout *l;
	if (d->parent && d->parent[0]) {
		l = layout(r, d->parent, "", 12.5, lw, PANGO_ALIGN_CENTER);
		draw(r, l, fx, yl);
		yl += height(l);
		g_object_unref(l);
	}
	l = layout(r, d->issuer, "Bold", 12.5, lw, PANGO_ALIGN_CENTER);
	draw(r, l, fx, yl);
	yl += height(l) + 2;
	g_object_unref(l);
	hline(r, fx + lw * 0.35, fx + lw * 0.65, yl, 0.6);
	const char *nation =
	    d->english ? "SOCIALIST REPUBLIC OF VIET NAM" : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
	const char *motto =
	    d->english ? "Independence - Freedom - Happiness" : "Độc lập - Tự do - Hạnh phúc";
	l = layout(r, nation, "Bold", 12, -1, PANGO_ALIGN_LEFT); /* one line */
	for (double size = 11.5; text_width(l) > rw - 4 && size >= 10; size -= 0.5) {
		g_object_unref(l); /* narrower until it fits its column */
		l = layout(r, nation, "Bold", size, -1, PANGO_ALIGN_LEFT);
	}
	draw(r, l, rx + (rw - text_width(l)) / 2, yr);
	yr += height(l);
	g_object_unref(l);
	l = layout(r, motto, "Bold", 13.5, rw, PANGO_ALIGN_CENTER);
	draw(r, l, rx, yr);
	yr += height(l) + 2;
	double tw = text_width(l);
	g_object_unref(l);
	hline(r, rx + (rw - tw) / 2, rx + (rw + tw) / 2, yr, 0.6);
	double y = (yl > yr ? yl : yr) + 8;
	l = layout(r, d->number, "", 13, lw, PANGO_ALIGN_CENTER);
	draw(r, l, fx, y);
	double h1 = height(l);
	g_object_unref(l);
	l = layout(r, d->place_date, "Italic", 13, rw, PANGO_ALIGN_CENTER);
	draw(r, l, rx, y);
	double h2 = height(l);
	g_object_unref(l);
	r->y = y + (h1 > h2 ? h1 : h2) + 18;
	l = layout(r, d->kind_title, "Bold", 14, r->width, PANGO_ALIGN_CENTER);
	draw(r, l, r->left, r->y);
	r->y += height(l);
	g_object_unref(l);
	if (d->title && d->title[0]) {
		l = layout(r, d->title, "Bold", 14, r->width, PANGO_ALIGN_CENTER);
		draw(r, l, r->left, r->y);
		r->y += height(l);
		g_object_unref(l);
	}
	hline(r, r->left + r->width * 0.4, r->left + r->width * 0.6, r->y + 9, 0.6);
	r->y += 20;
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789.,%+- ", *s))
			return false;
	return true;
}

static void table(R *r, const cg_doc_block *b, bool header_only)
{
	size_t nc = b->ncols;
	double natural[CG_DOC_MAX_COLS], total = 0, pad = 3;
	for (size_t c = 0; c < nc; c++) {
		natural[c] = 8;
		for (size_t row = 0; row <= b->nrows; row++) {
			double n = (double)strlen(b->cells[row * nc + c]);
			if (n > natural[c])
				natural[c] = n > 40 ? 40 : n;
		}
		total += natural[c];
	}
	if (!header_only && b->text && b->text[0]) {
		PangoLayout *l = layout(r, b->text, "Italic", 12, r->width, PANGO_ALIGN_CENTER);
		need(r, height(l) + 40);
		draw(r, l, r->left, r->y);
		r->y += height(l) + 3;
		g_object_unref(l);
	}
	size_t last = header_only ? 0 : b->nrows;
	for (size_t row = 0; row <= last; row++) {
		PangoLayout *ls[CG_DOC_MAX_COLS];
		double h = 0, w[CG_DOC_MAX_COLS];
		for (size_t c = 0; c < nc; c++) {
			w[c] = r->width * natural[c] / total;
			const char *t = b->cells[row * nc + c];
			ls[c] = layout(r, t, row == 0 ? "Bold" : "", 11, w[c] - 2 * pad,
			               row == 0     ? PANGO_ALIGN_CENTER
			               : numeric(t) ? PANGO_ALIGN_RIGHT
			                            : PANGO_ALIGN_LEFT);
			if (height(ls[c]) > h)
				h = height(ls[c]);
		}
		h += 2 * pad;
		if (r->y + h > r->bottom && r->y > r->top && h < (r->bottom - r->top) / 2) {
			new_page(r);
			if (row > 0) { /* the header again */
				for (size_t c = 0; c < nc; c++)
					g_object_unref(ls[c]);
				table(r, b, true);
				row--;
				continue;
			}
		}
		double x = r->left;
		for (size_t c = 0; c < nc; c++) {
			if (row == 0) {
				cairo_set_source_rgb(r->cr, 0.88, 0.9, 0.93);
				cairo_rectangle(r->cr, x, r->y, w[c], h);
				cairo_fill(r->cr);
				cairo_set_source_rgb(r->cr, 0, 0, 0);
			}
			cairo_set_line_width(r->cr, 0.5);
			cairo_rectangle(r->cr, x, r->y, w[c], h);
			cairo_stroke(r->cr);
			draw(r, ls[c], x + pad, r->y + pad);
			g_object_unref(ls[c]);
			x += w[c];
		}
		r->y += h;
	}
	if (!header_only)
		r->y += 8;
}

static const double palette[][3] = {
    {0.55, 0.62, 0.70}, {0.30, 0.60, 0.35}, {0.95, 0.70, 0.15},
    {0.90, 0.40, 0.15}, {0.70, 0.10, 0.12}, {0.20, 0.40, 0.75},
};

static double nice_max(double v)
{
	if (v <= 0)
		return 1;
	double p = pow(10, floor(log10(v))), m = v / p;
	double n = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	return n * p;
}

static void chart(R *r, const cg_doc_chart *c)
{
	double H = 210, x0 = r->left + 42, pw = r->width - 50;
	need(r, H + 30);
	PangoLayout *l = layout(r, c->title, "Bold", 12, r->width, PANGO_ALIGN_CENTER);
	draw(r, l, r->left, r->y);
	r->y += height(l) + 4;
	g_object_unref(l);
	double top = r->y, ph = 140, y0 = top + ph;
	double vmax = c->ymax;
	if (vmax <= 0) {
		for (size_t k = 0; k < c->ncats; k++) {
			double sum = 0;
			for (size_t s = 0; s < c->nseries; s++) {
				double v = c->values[s * c->ncats + k];
				sum += v;
				if (c->kind != CG_CHART_STACKED && v > vmax)
					vmax = v;
			}
			if (c->kind == CG_CHART_STACKED && sum > vmax)
				vmax = sum;
		}
		vmax = nice_max(vmax);
	}
	/* grid and value labels */
	for (int g = 0; g <= 4; g++) {
		double y = y0 - ph * g / 4;
		cairo_set_source_rgb(r->cr, 0.85, 0.85, 0.85);
		hline(r, x0, x0 + pw, y, 0.4);
		cairo_set_source_rgb(r->cr, 0, 0, 0);
		char lab[32];
		double v = vmax * g / 4;
		snprintf(lab, sizeof lab, v == floor(v) ? "%.0f" : "%.1f", v);
		l = layout(r, lab, "", 8, 38, PANGO_ALIGN_RIGHT);
		draw(r, l, x0 - 41, y - height(l) / 2);
		g_object_unref(l);
	}
	if (c->unit && c->unit[0]) {
		l = layout(r, c->unit, "Italic", 8, 80, PANGO_ALIGN_LEFT);
		draw(r, l, x0 - 40, top - height(l) - 1);
		g_object_unref(l);
	}
	double slot = pw / (double)c->ncats;
	for (size_t k = 0; k < c->ncats; k++) {
		double sx = x0 + slot * (double)k, acc = 0;
		for (size_t s = 0; s < c->nseries; s++) {
			const double *col = palette[s % 6];
			double v = c->values[s * c->ncats + k], h = ph * (v < 0 ? 0 : v) / vmax;
			cairo_set_source_rgb(r->cr, col[0], col[1], col[2]);
			if (c->kind == CG_CHART_STACKED) {
				cairo_rectangle(r->cr, sx + slot * 0.2, y0 - acc - h, slot * 0.6,
				                h);
				cairo_fill(r->cr);
				acc += h;
			} else if (c->kind == CG_CHART_BARS) {
				double bw = slot * 0.7 / (double)c->nseries;
				cairo_rectangle(r->cr, sx + slot * 0.15 + bw * (double)s, y0 - h,
				                bw, h);
				cairo_fill(r->cr);
			} else {
				double px = sx + slot / 2, py = y0 - h;
				if (k > 0) {
					double pv = c->values[s * c->ncats + k - 1];
					cairo_set_line_width(r->cr, 1.5);
					cairo_move_to(r->cr, px - slot,
					              y0 - ph * (pv < 0 ? 0 : pv) / vmax);
					cairo_line_to(r->cr, px, py);
					cairo_stroke(r->cr);
				}
				cairo_arc(r->cr, px, py, 2, 0, 2 * M_PI);
				cairo_fill(r->cr);
			}
		}
		cairo_set_source_rgb(r->cr, 0, 0, 0);
		l = layout(r, c->cats[k], "", 7.5, slot - 2, PANGO_ALIGN_CENTER);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(l, -2);
		draw(r, l, sx + 1, y0 + 2);
		g_object_unref(l);
	}
	cairo_set_source_rgb(r->cr, 0, 0, 0);
	hline(r, x0, x0 + pw, y0, 0.8);
	/* legend */
	double lx = x0, ly = y0 + 26;
	for (size_t s = 0; s < c->nseries && c->nseries > 1; s++) {
		const double *col = palette[s % 6];
		l = layout(r, c->series[s], "", 9, 150, PANGO_ALIGN_LEFT);
		double tw = text_width(l);
		if (lx + tw + 16 > x0 + pw) {
			lx = x0;
			ly += 12;
		}
		cairo_set_source_rgb(r->cr, col[0], col[1], col[2]);
		cairo_rectangle(r->cr, lx, ly + 2, 8, 8);
		cairo_fill(r->cr);
		cairo_set_source_rgb(r->cr, 0, 0, 0);
		draw(r, l, lx + 11, ly);
		lx += tw + 24;
		g_object_unref(l);
	}
	r->y = ly + 22;
}

/* "Nơi nhận" on the left, the signature block on the right, kept
 * together on one page. */
static void frame_bottom(R *r)
{
	const cg_doc *d = r->d;
	double lw = r->width * 0.45, rx = r->left + lw, rw = r->width - lw;
	need(r, 170);
	r->y += 10;
	double yl = r->y, yr = r->y;
	PangoLayout *l = layout(r, d->english ? "Recipients:" : "Nơi nhận:", "Bold Italic", 12, lw,
	                        PANGO_ALIGN_LEFT);
	draw(r, l, r->left, yl);
	yl += height(l);
	g_object_unref(l);
	for (size_t i = 0; i < d->nrecipients; i++) {
		char line[CG_DOC_MAX_CELL + 8];
		snprintf(line, sizeof line, "- %s;", d->recipients[i]);
		l = layout(r, line, "", 11, lw, PANGO_ALIGN_LEFT);
		draw(r, l, r->left, yl);
		yl += height(l);
		g_object_unref(l);
	}
	l = layout(r, d->signer_role, "Bold", 13, rw, PANGO_ALIGN_CENTER);
	draw(r, l, rx, yr);
	yr += height(l) + 6;
	g_object_unref(l);
	if (d->signed_by && d->signed_by[0]) {
		char line[700];
		snprintf(line, sizeof line, "%s %s",
		         d->english ? "Digitally signed by" : "Ký số bởi:", d->signed_by);
		l = layout(r, line, "Italic", 9.5, rw - 20, PANGO_ALIGN_CENTER);
		draw(r, l, rx + 10, yr);
		yr += height(l);
		g_object_unref(l);
	}
	yr += 50;
	l = layout(r, d->signer_name, "Bold", 13, rw, PANGO_ALIGN_CENTER);
	draw(r, l, rx, yr);
	yr += height(l);
	g_object_unref(l);
	r->y = yl > yr ? yl : yr;
}

static cairo_status_t write_fn(void *closure, const unsigned char *data, unsigned int len)
{
	return cg_buf_append(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

cg_err cg_doc_render_pdf(const cg_doc *d, cg_buf *out, cg_buf *why)
{
	R r = {.d = d, .page = 1};
	r.s = cairo_pdf_surface_create_for_stream(write_fn, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(r.s, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : "");
	cairo_pdf_surface_set_metadata(r.s, CAIRO_PDF_METADATA_CREATOR, "canhgac");
	r.cr = cairo_create(r.s);
	r.left = 30 * MM;
	r.right = PAGE_W - 15 * MM;
	r.top = 20 * MM;
	r.bottom = PAGE_H - 20 * MM;
	r.width = r.right - r.left;
	r.y = r.top;
	cairo_set_source_rgb(r.cr, 0, 0, 0);
	frame_top(&r);
	for (size_t i = 0; i < d->nblocks; i++) {
		const cg_doc_block *b = &d->blocks[i];
		PangoLayout *l;
		switch (b->kind) {
		case CG_BLK_HEADING:
			l = layout(&r, b->text, b->level == 1 ? "Bold" : "Bold Italic", 13, r.width,
			           PANGO_ALIGN_LEFT);
			need(&r, height(l) + 50);
			r.y += 6;
			flow(&r, l, r.left);
			r.y += 4;
			g_object_unref(l);
			break;
		case CG_BLK_PARA:
			l = layout(&r, b->text, "", 13, r.width, PANGO_ALIGN_LEFT);
			pango_layout_set_justify(l, TRUE);
			pango_layout_set_indent(l, (int)(10 * MM * PANGO_SCALE));
			pango_layout_set_spacing(l, 3 * PANGO_SCALE);
			flow(&r, l, r.left);
			r.y += 6;
			g_object_unref(l);
			break;
		case CG_BLK_TABLE:
			table(&r, b, false);
			break;
		case CG_BLK_CHART:
			chart(&r, b->chart);
			break;
		case CG_BLK_PAGEBREAK:
			new_page(&r);
			break;
		}
	}
	frame_bottom(&r);
	cairo_destroy(r.cr);
	cairo_surface_finish(r.s);
	cairo_status_t st = cairo_surface_status(r.s);
	cairo_surface_destroy(r.s);
	if (st != CAIRO_STATUS_SUCCESS) {
		if (why) {
			cg_buf_reset(why);
			cg_buf_printf(why, "PDF: %s", cairo_status_to_string(st));
		}
		return st == CAIRO_STATUS_WRITE_ERROR ? CG_ETOOBIG : CG_EIO;
	}
	return CG_OK;
}

/* The chart alone as a PNG of width_pt x height_pt at 2 pixels a point,
 * drawn by the same code as in the PDF (for the DOCX). */
cg_err cg_doc_chart_png(const cg_doc_chart *c, double width_pt, cg_buf *out, double *height_pt)
{
	const double scale = 2, h = 250;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(width_pt * scale),
	                                                (int)(h * scale));
	cairo_t *cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	R r = {.cr = cr, .s = s, .page = 1};
	r.left = 4;
	r.right = width_pt - 4;
	r.width = r.right - r.left;
	r.top = r.y = 4;
	r.bottom = 1e9; /* never a new page */
	chart(&r, c);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	cairo_status_t st = cairo_surface_write_to_png_stream(s, write_fn, out);
	cairo_surface_destroy(s);
	*height_pt = h;
	return st == CAIRO_STATUS_SUCCESS ? CG_OK : CG_ETOOBIG;
}
