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
 *
 * A document that asks for a table of contents (doc.h toc) is laid out
 * twice: a dry pass that draws no text finds the page and height of each
 * heading, and the real pass writes the contents under the title with
 * those page numbers (the contents have the same lines in both passes, so
 * nothing after them moves), each line a link to its heading, and the
 * headings as the PDF's outline (bookmarks).
 *
 * Every layout comes from one Pango context and one font description per
 * style and size, made once per document: a context per layout
 * (pango_cairo_create_layout) costs a font map lookup each time and was
 * most of the rendering time.
 */
#include "report/doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

#define MM     (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define FONT   "Liberation Serif"

/* the font descriptions made so far, by style and size */
#define NFONTS 32

typedef struct fontdesc {
	const char *style; /* a literal: compared by address, then text */
	double size;
	PangoFontDescription *f;
} fontdesc;

/* where a heading went: its page and top, from the dry pass */
typedef struct headpos {
	int page;
	double y;
} headpos;

typedef struct R {
	cairo_t *cr;
	cairo_surface_t *s;
	PangoContext *pc;
	fontdesc fonts[NFONTS];
	int nfonts;
	const cg_doc *d;
	double left, right, top, bottom, width;
	double y;
	int page;
	bool dry;          /* lay out only: no text drawn */
	headpos *heads;    /* per heading, in order; NULL: no contents */
	size_t nheads, hi; /* how many, and the next one drawn */
} R;

static void r_init_text(R *r)
{
	r->pc = pango_cairo_create_context(r->cr);
	r->nfonts = 0;
}

static void r_free_text(R *r)
{
	for (int i = 0; i < r->nfonts; i++)
		pango_font_description_free(r->fonts[i].f);
	r->nfonts = 0;
	if (r->pc)
		g_object_unref(r->pc);
	r->pc = NULL;
}

static const PangoFontDescription *font(R *r, const char *style, double size)
{
	for (int i = 0; i < r->nfonts; i++)
		if (r->fonts[i].size == size &&
		    (r->fonts[i].style == style || strcmp(r->fonts[i].style, style) == 0))
			return r->fonts[i].f;
	char fd[96];
	snprintf(fd, sizeof fd, FONT " %s %.1f", style, size);
	PangoFontDescription *f = pango_font_description_from_string(fd);
	if (r->nfonts == NFONTS) /* full: the last one makes room (layouts copy it) */
		pango_font_description_free(r->fonts[--r->nfonts].f);
	r->fonts[r->nfonts++] = (fontdesc){style, size, f};
	return f;
}

static PangoLayout *layout(R *r, const char *text, const char *style, double size, double width,
                           PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(r->pc);
	pango_layout_set_font_description(l, font(r, style, size));
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
	if (r->dry)
		return;
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
		if (r->dry)
			continue;
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
	const char *nation = d->motto     ? d->motto
	                     : d->english ? "SOCIALIST REPUBLIC OF VIET NAM"
	                                  : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
	const char *motto = d->slogan    ? d->slogan
	                    : d->english ? "Independence - Freedom - Happiness"
	                                 : "Độc lập - Tự do - Hạnh phúc";
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

static cairo_status_t discard_fn(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* The contents: a line per heading (level 2 indented), its text, dot
 * leaders and its page; in the real pass each line links to its heading.
 * The page numbers are those of the dry pass, whose contents had the same
 * lines, so the body below does not move between the passes. */
static void contents(R *r)
{
	const cg_doc *d = r->d;
	PangoLayout *l = layout(r, d->english ? "CONTENTS" : "MỤC LỤC", "Bold", 13, r->width,
	                        PANGO_ALIGN_CENTER);
	need(r, height(l) + 40);
	draw(r, l, r->left, r->y);
	r->y += height(l) + 6;
	g_object_unref(l);
	const double numw = 28;
	size_t h = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		const cg_doc_block *b = &d->blocks[i];
		if (b->kind != CG_BLK_HEADING)
			continue;
		double indent = b->level == 1 ? 0 : 8 * MM;
		const headpos *at = h < r->nheads ? &r->heads[h] : NULL;
		h++;
		l = layout(r, b->text, b->level == 1 ? "" : "Italic", 12,
		           r->width - indent - numw - 6, PANGO_ALIGN_LEFT);
		double lh = height(l);
		need(r, lh);
		char num[16];
		snprintf(num, sizeof num, "%d", at ? at->page : 0);
		PangoLayout *n = layout(r, num, "", 12, numw, PANGO_ALIGN_RIGHT);
		if (!r->dry && at) {
			/* a named destination: cairo 1.16 drops a link to a page
			 * not written yet */
			char link[64];
			snprintf(link, sizeof link, "dest='h%zu'", h);
			cairo_tag_begin(r->cr, CAIRO_TAG_LINK, link);
		}
		draw(r, l, r->left + indent, r->y);
		/* dot leaders from the end of the text's last line to the number */
		PangoLayoutLine *last =
		    pango_layout_get_line_readonly(l, pango_layout_get_line_count(l) - 1);
		PangoRectangle ink, log;
		pango_layout_line_get_extents(last, &ink, &log);
		double x0 = r->left + indent + (double)log.width / PANGO_SCALE + 4;
		double x1 = r->right - text_width(n) - 4, y = r->y + lh - 4;
		if (!r->dry && x1 > x0) {
			const double dots[] = {0.6, 2.4};
			cairo_save(r->cr);
			cairo_set_dash(r->cr, dots, 2, 0);
			cairo_set_line_cap(r->cr, CAIRO_LINE_CAP_ROUND);
			hline(r, x0, x1, y, 0.8);
			cairo_restore(r->cr);
		}
		draw(r, n, r->right - numw, r->y + lh - height(n));
		if (!r->dry && at)
			cairo_tag_end(r->cr, CAIRO_TAG_LINK);
		r->y += lh + 2;
		g_object_unref(n);
		g_object_unref(l);
	}
	r->y += 10;
}

/* The headings as the PDF's outline: level 2 under the level 1 before. */
static void outline(R *r)
{
	int parent = CAIRO_PDF_OUTLINE_ROOT;
	size_t h = 0;
	for (size_t i = 0; i < r->d->nblocks && h < r->nheads; i++) {
		const cg_doc_block *b = &r->d->blocks[i];
		if (b->kind != CG_BLK_HEADING)
			continue;
		char link[64];
		snprintf(link, sizeof link, "page=%d pos=[%.1f %.1f]", r->heads[h].page, r->left,
		         r->heads[h].y);
		h++;
		int id = cairo_pdf_surface_add_outline(
		    r->s, b->level == 1 ? CAIRO_PDF_OUTLINE_ROOT : parent, b->text, link, 0);
		if (b->level == 1)
			parent = id;
	}
}

/* The document from the top of page 1 to the signature block. */
static void body(R *r)
{
	const cg_doc *d = r->d;
	cairo_set_source_rgb(r->cr, 0, 0, 0);
	frame_top(r);
	if (r->heads)
		contents(r);
	for (size_t i = 0; i < d->nblocks; i++) {
		const cg_doc_block *b = &d->blocks[i];
		PangoLayout *l;
		switch (b->kind) {
		case CG_BLK_HEADING:
			l = layout(r, b->text, b->level == 1 ? "Bold" : "Bold Italic", 13, r->width,
			           PANGO_ALIGN_LEFT);
			need(r, height(l) + 50);
			r->y += 6;
			if (r->heads && r->dry && r->hi < r->nheads)
				r->heads[r->hi] = (headpos){r->page, r->y};
			if (r->heads && !r->dry) {
				char dest[64];
				snprintf(dest, sizeof dest, "name='h%zu' x=%.1f y=%.1f", r->hi + 1,
				         r->left, r->y);
				cairo_tag_begin(r->cr, CAIRO_TAG_DEST, dest);
				cairo_tag_end(r->cr, CAIRO_TAG_DEST);
			}
			r->hi++;
			flow(r, l, r->left);
			r->y += 4;
			g_object_unref(l);
			break;
		case CG_BLK_PARA:
			l = layout(r, b->text, "", 13, r->width, PANGO_ALIGN_LEFT);
			pango_layout_set_justify(l, TRUE);
			pango_layout_set_indent(l, (int)(10 * MM * PANGO_SCALE));
			pango_layout_set_spacing(l, 3 * PANGO_SCALE);
			flow(r, l, r->left);
			r->y += 6;
			g_object_unref(l);
			break;
		case CG_BLK_TABLE:
			table(r, b, false);
			break;
		case CG_BLK_CHART:
			chart(r, b->chart);
			break;
		case CG_BLK_PAGEBREAK:
			new_page(r);
			break;
		}
	}
	frame_bottom(r);
}

/* One pass over the document into a PDF surface writing with fn. */
static cairo_status_t pass(const cg_doc *d, cairo_write_func_t fn, void *closure, bool dry,
                           headpos *heads, size_t nheads)
{
	R r = {.d = d, .page = 1, .dry = dry, .heads = heads, .nheads = nheads};
	r.s = cairo_pdf_surface_create_for_stream(fn, closure, PAGE_W, PAGE_H);
	if (!dry) {
		cairo_pdf_surface_set_metadata(r.s, CAIRO_PDF_METADATA_TITLE,
		                               d->title ? d->title : "");
		cairo_pdf_surface_set_metadata(r.s, CAIRO_PDF_METADATA_CREATOR, "canhgac");
	}
	r.cr = cairo_create(r.s);
	r_init_text(&r);
	r.left = 30 * MM;
	r.right = PAGE_W - 15 * MM;
	r.top = 20 * MM;
	r.bottom = PAGE_H - 20 * MM;
	r.width = r.right - r.left;
	r.y = r.top;
	body(&r);
	if (heads && !dry)
		outline(&r);
	r_free_text(&r);
	cairo_destroy(r.cr);
	cairo_surface_finish(r.s);
	cairo_status_t st = cairo_surface_status(r.s);
	cairo_surface_destroy(r.s);
	return st;
}

cg_err cg_doc_heading_pages(const cg_doc *d, int *pages, size_t n)
{
	headpos *heads = n ? calloc(n, sizeof *heads) : NULL;
	if (n && !heads)
		return CG_ENOMEM;
	cairo_status_t st = n ? pass(d, discard_fn, NULL, true, heads, n) : CAIRO_STATUS_SUCCESS;
	for (size_t i = 0; i < n; i++)
		pages[i] = heads[i].page;
	free(heads);
	return st == CAIRO_STATUS_SUCCESS ? CG_OK : CG_EIO;
}

cg_err cg_doc_render_pdf(const cg_doc *d, cg_buf *out, cg_buf *why)
{
	size_t nheads = 0;
	for (size_t i = 0; d->toc && i < d->nblocks; i++)
		nheads += d->blocks[i].kind == CG_BLK_HEADING;
	headpos *heads = nheads ? calloc(nheads, sizeof *heads) : NULL;
	if (nheads && !heads)
		return CG_ENOMEM;
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	if (heads)
		st = pass(d, discard_fn, NULL, true, heads, nheads);
	if (st == CAIRO_STATUS_SUCCESS)
		st = pass(d, write_fn, out, false, heads, nheads);
	free(heads);
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
	r_init_text(&r);
	chart(&r, c);
	r_free_text(&r);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	cairo_status_t st = cairo_surface_write_to_png_stream(s, write_fn, out);
	cairo_surface_destroy(s);
	*height_pt = h;
	return st == CAIRO_STATUS_SUCCESS ? CG_OK : CG_ETOOBIG;
}
