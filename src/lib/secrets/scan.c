/*
 * scan.c - the secrets scanner: format sniffing, dispatch to the
 * extractors, containers, findings and their cg_event form.
 *
 * A file's format is decided from its first bytes (PDF, OLE2, RTF, zip
 * and the other archive formats, e-mail, HTML, text with its encoding),
 * never from its name alone: a secret renamed to .jpg is still found.
 * Plain text is streamed from the file in chunks, so a text file of any
 * size costs one chunk of memory. Documents that must be parsed whole
 * (PDF, OLE2, RTF, e-mail, HTML) are read into one buffer up to
 * CG_SEC_MAX_DOC_BYTES; a larger one is reported uninspectable.
 *
 * Zip-based office files and archives share one path through fs/archive:
 * members named like OOXML/ODF text parts are that document's text (the
 * header and footer parts are checked as they arrive, the others are
 * kept and checked after, in priority order: shared strings and the
 * first slide, the body, then notes); every other member is scanned as a
 * document of its own one level deeper ("a.zip!b/c.pdf"), up to
 * CG_SEC_MAX_DEPTH. Archive problems (encryption, bomb limits, corruption)
 * become uninspectable findings for the member or archive concerned.
 *
 * Each nesting level has its own sink, so a mail's body and its
 * attachment never mix their units.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"
#include "fs/archive.h"
#include "fs/walk.h"
#include "secrets/extract.h"
#include "secrets/secrets.h"

#define HEAD_BYTES 8192
#define TEXT_CHUNK (64u * 1024u)

struct cg_sec_scanner {
	cg_sec_finding_fn fn;
	void *ctx;
	cg_sec_stats st;
	cg_sec_sink sinks[CG_SEC_MAX_DEPTH + 2];
	unsigned char *chunk; /* TEXT_CHUNK bytes for streaming text */
};

typedef enum sfmt {
	F_BINARY, F_TEXT, F_HTML, F_PDF, F_OLE2, F_RTF, F_EML, F_ARCHIVE,
} sfmt;

static void scan_mem_at(cg_sec_scanner *s, const unsigned char *d, size_t n,
			const char *path, int depth);

cg_sec_scanner *cg_sec_scanner_new(cg_sec_finding_fn fn, void *ctx)
{
	cg_sec_libs_init();
	cg_sec_scanner *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->chunk = malloc(TEXT_CHUNK);
	if (!s->chunk) {
		free(s);
		return NULL;
	}
	s->fn = fn;
	s->ctx = ctx;
	for (size_t i = 0; i < sizeof s->sinks / sizeof s->sinks[0]; i++)
		cg_sec_sink_init(&s->sinks[i]);
	return s;
}

void cg_sec_scanner_free(cg_sec_scanner *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < sizeof s->sinks / sizeof s->sinks[0]; i++)
		cg_sec_sink_free(&s->sinks[i]);
	free(s->chunk);
	free(s);
}

const cg_sec_stats *cg_sec_scanner_stats(const cg_sec_scanner *s)
{
	return &s->st;
}

/* ---- findings --------------------------------------------------------- */

static void report(cg_sec_scanner *s, cg_sec_kind kind, const char *path,
		   const char *format, cg_sec_level level, const char *loc,
		   const char *evidence)
{
	if (kind == CG_SEC_MARKED)
		s->st.marked++;
	else
		s->st.uninspectable++;
	cg_sec_finding f = { kind, path, format, level, loc ? loc : "",
			     evidence ? evidence : "" };
	if (s->fn)
		s->fn(s->ctx, &f);
}

static void report_sink(cg_sec_scanner *s, cg_sec_sink *k, const char *path,
			const char *format)
{
	if (!cg_sec_sink_found(k))
		return;
	char fmt[64];
	if (k->found_enc)
		snprintf(fmt, sizeof fmt, "%s/%s", format, k->found_enc);
	else
		snprintf(fmt, sizeof fmt, "%s", format);
	report(s, CG_SEC_MARKED, path, fmt, k->level, k->found_loc, k->evidence);
}

static void uninspectable(cg_sec_scanner *s, const char *path,
			  const char *format, const char *reason)
{
	report(s, CG_SEC_UNINSPECTABLE, path, format, CG_SEC_NONE, "", reason);
}

cg_err cg_sec_finding_event(const cg_sec_finding *f, cg_event *ev)
{
	bool marked = f->kind == CG_SEC_MARKED;
	cg_buf sum;
	cg_buf_init(&sum, CG_MAX_EVENT_SUMMARY);
	if (marked)
		cg_buf_printf(&sum, "Tài liệu mang dấu %s trên máy nối mạng: %s",
			      cg_sec_level_name(f->level), f->path);
	else
		cg_buf_printf(&sum, "Không kiểm tra được tài liệu (%s): %s",
			      f->evidence, f->path);
	cg_err err = cg_event_set(ev, CG_EV_SOURCE, CG_SLICE("secrets"));
	if (!err)
		err = cg_event_set(ev, CG_EV_KIND, marked ? CG_SLICE("marking")
							  : CG_SLICE("uninspectable"));
	if (!err)
		err = cg_event_set(ev, CG_EV_SUBJECT, cg_slice_cstr(f->path));
	if (!err)
		err = cg_event_set(ev, CG_EV_SUMMARY, cg_buf_slice(&sum));
	cg_buf_free(&sum);
	if (err)
		return err;
	ev->severity = !marked ? CG_SEV_MEDIUM
		       : f->level == CG_SEC_MAT ? CG_SEV_HIGH : CG_SEV_CRITICAL;
	json_t *e = ev->evidence;
	json_object_set_new(e, "path", cg_json_cstr(f->path));
	json_object_set_new(e, "format", cg_json_cstr(f->format));
	if (marked) {
		json_object_set_new(e, "level", json_string(cg_sec_level_name(f->level)));
		json_object_set_new(e, "level_id", json_string(cg_sec_level_id(f->level)));
		json_object_set_new(e, "location", cg_json_cstr(f->location));
		json_object_set_new(e, "evidence", cg_json_cstr(f->evidence));
	} else {
		json_object_set_new(e, "reason", cg_json_cstr(f->evidence));
	}
	return CG_OK;
}

/* ---- sniffing ---------------------------------------------------------- */

static const char *basename_of(const char *path)
{
	const char *b = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' || *p == '!')
			b = p + 1;
	return b;
}

static const char *ext_of(const char *path)
{
	const char *b = basename_of(path);
	const char *dot = strrchr(b, '.');
	return dot ? dot + 1 : "";
}

static bool starts_ci(const unsigned char *h, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && strncasecmp((const char *)h, p, l) == 0;
}

static bool looks_like_mail(const unsigned char *h, size_t n)
{
	static const char *const first[] = {
		"Return-Path:", "Received:", "From:", "MIME-Version:",
		"Delivered-To:", "Message-ID:", "X-", "Date:", "To:",
		"Subject:", NULL
	};
	bool known = false;
	for (const char *const *f = first; *f; f++)
		if (starts_ci(h, n, *f))
			known = true;
	if (!known)
		return false;
	/* and a MIME or From header somewhere in the head */
	return memmem(h, n, "\nFrom:", 6) || memmem(h, n, "\nMIME-Version:", 14) ||
	       memmem(h, n, "\nContent-Type:", 14) || starts_ci(h, n, "From:") ||
	       memmem(h, n, "\nSubject:", 9);
}

static sfmt sniff(const char *path, const unsigned char *h, size_t n,
		  cg_sec_enc *enc, size_t *bom)
{
	*enc = CG_ENC_UTF8;
	*bom = 0;
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0,
					      0xA1, 0xB1, 0x1A, 0xE1 };
	if (n >= 8 && memcmp(h, ole, 8) == 0)
		return F_OLE2;
	if (memmem(h, n < 1024 ? n : 1024, "%PDF-", 5))
		return F_PDF;
	if (n >= 5 && memcmp(h, "{\\rtf", 5) == 0)
		return F_RTF;
	if (cg_archive_sniff(h, n))
		return F_ARCHIVE;
	if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))) {
		*enc = h[0] == 0xFF ? CG_ENC_UTF16LE : CG_ENC_UTF16BE;
		*bom = 2;
		return F_TEXT;
	}
	if (memchr(h, 0, n))
		return F_BINARY;
	if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		*bom = 3;
	*enc = cg_sec_detect_8bit(h + *bom, n - *bom);
	const unsigned char *t = h + *bom;
	size_t tn = n - *bom;
	while (tn && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')) {
		t++;
		tn--;
	}
	const char *ext = ext_of(path);
	if (!strcasecmp(ext, "eml") || looks_like_mail(t, tn))
		return F_EML;
	if (!strcasecmp(ext, "htm") || !strcasecmp(ext, "html") ||
	    !strcasecmp(ext, "xhtml") || !strcasecmp(ext, "xml") ||
	    starts_ci(t, tn, "<!doctype html") || starts_ci(t, tn, "<html") ||
	    starts_ci(t, tn, "<?xml"))
		return F_HTML;
	return F_TEXT;
}

static const char *text_format(cg_sec_enc enc)
{
	switch (enc) {
	case CG_ENC_UTF16LE: case CG_ENC_UTF16BE: return "text/utf-16";
	case CG_ENC_TCVN3: return "text/tcvn3";
	case CG_ENC_VNI: return "text/vni";
	case CG_ENC_CP1252: return "text/8bit";
	default: return "text";
	}
}

/* ---- containers -------------------------------------------------------- */

typedef struct part {
	unsigned char *data;
	size_t len;
	int prio;
	int order; /* slide or sheet number */
	const char *loc;
} part;

typedef struct arc {
	cg_sec_scanner *s;
	const char *disp;
	size_t displen;
	int depth;
	const char *format; /* office format once known, else NULL */
	bool office_ext;    /* the name says docx/odt/...: skip its XML */
	part *parts;
	size_t nparts, cap;
	bool stop;
	bool encrypted; /* ODF manifest lists encrypted parts */
} arc;

static const char *inner_of(const arc *a, const char *path)
{
	if (strncmp(path, a->disp, a->displen) == 0 && path[a->displen] == '!')
		return path + a->displen + 1;
	return path;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int number_in(const char *s)
{
	int n = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9' && n < 100000)
			n = n * 10 + (*s - '0');
	return n;
}

/* Is inner a text part of an OOXML/ODF document? Sets priority/location. */
static bool office_part(const arc *a, const char *in, int *prio,
			const char **loc, const char **fmt)
{
	*fmt = NULL;
	if (has_prefix(in, "word/") && ends_with(in, ".xml") && !strchr(in + 5, '/')) {
		*fmt = "docx";
		if (has_prefix(in, "word/header")) {
			*prio = 0; *loc = "header"; return true;
		}
		if (has_prefix(in, "word/footer")) {
			*prio = 0; *loc = "footer"; return true;
		}
		if (!strcmp(in, "word/document.xml")) {
			*prio = 2; *loc = "body"; return true;
		}
		if (!strcmp(in, "word/footnotes.xml") || !strcmp(in, "word/endnotes.xml") ||
		    !strcmp(in, "word/comments.xml")) {
			*prio = 3; *loc = "body"; return true;
		}
		return false;
	}
	if (has_prefix(in, "xl/")) {
		*fmt = "xlsx";
		if (!strcmp(in, "xl/sharedStrings.xml")) {
			*prio = 1; *loc = "cell"; return true;
		}
		if (has_prefix(in, "xl/worksheets/sheet") && ends_with(in, ".xml")) {
			*prio = 2; *loc = "cell"; return true;
		}
		return false;
	}
	if (has_prefix(in, "ppt/")) {
		*fmt = "pptx";
		if (has_prefix(in, "ppt/slides/slide") && ends_with(in, ".xml")) {
			bool first = !strcmp(in, "ppt/slides/slide1.xml");
			*prio = first ? 1 : 2;
			*loc = first ? "first_page" : "slide";
			return true;
		}
		if ((has_prefix(in, "ppt/slideMasters/") || has_prefix(in, "ppt/slideLayouts/")) &&
		    ends_with(in, ".xml") && !strstr(in, "_rels")) {
			*prio = 3; *loc = "slide_master"; return true;
		}
		if (has_prefix(in, "ppt/notesSlides/") && ends_with(in, ".xml") &&
		    !strstr(in, "_rels")) {
			*prio = 4; *loc = "notes"; return true;
		}
		return false;
	}
	bool odf = a->format || a->office_ext;
	if (odf && !strcmp(in, "styles.xml")) {
		*prio = 0; *loc = "header"; return true;
	}
	if (odf && !strcmp(in, "content.xml")) {
		*prio = 1;
		*loc = a->format && !strcmp(a->format, "ods") ? "cell" : "body";
		return true;
	}
	return false;
}

static bool media_ext(const char *in)
{
	static const char *const skip[] = {
		".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff",
		".emf", ".wmf", ".svg", ".ico", ".mp3", ".mp4", ".wav",
		".avi", ".mov", ".ttf", ".otf", ".woff", ".woff2", ".odttf",
		".fntdata", ".jfif", ".webp", NULL
	};
	for (const char *const *e = skip; *e; e++)
		if (ends_with(in, *e))
			return true;
	return false;
}

static bool is_office_ext(const char *path)
{
	static const char *const exts[] = {
		"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm",
		"pptx", "pptm", "ppsx", "potx", "odt", "ods", "odp", "ott",
		"ots", "otp", "odg", NULL
	};
	const char *e = ext_of(path);
	for (const char *const *x = exts; *x; x++)
		if (!strcasecmp(e, *x))
			return true;
	return false;
}

static cg_archive_action ar_want(void *ctx, const char *path, int64_t size,
				 int depth)
{
	(void)size;
	(void)depth;
	arc *a = ctx;
	if (a->stop)
		return CG_AR_STOP;
	const char *in = inner_of(a, path);
	int prio;
	const char *loc, *fmt;
	if (office_part(a, in, &prio, &loc, &fmt))
		return CG_AR_READ;
	if (!strcmp(in, "mimetype") || !strcmp(in, "META-INF/manifest.xml"))
		return CG_AR_READ;
	if (!strcmp(in, "[Content_Types].xml")) {
		a->office_ext = true; /* an OOXML package */
		return CG_AR_SKIP;
	}
	if (media_ext(in))
		return CG_AR_SKIP;
	/* the package's own machinery; embedded documents are still read */
	if ((a->format || a->office_ext) &&
	    (ends_with(in, ".xml") || ends_with(in, ".rels") ||
	     ends_with(in, ".rdf") || !strcmp(in, "layout-cache") ||
	     has_prefix(in, "META-INF/") || has_prefix(in, "Thumbnails/") ||
	     has_prefix(in, "Configurations2/")))
		return CG_AR_SKIP;
	return CG_AR_READ;
}

static bool run_part(arc *a, const unsigned char *d, size_t n, const char *loc)
{
	cg_sec_sink *k = &a->s->sinks[a->depth];
	cg_sec_sink_loc(k, loc);
	cg_sec_sink_end(k); /* parts never share a unit */
	return cg_sec_xml_text(k, cg_slice_from((const char *)d, n), false);
}

static void keep_part(arc *a, const unsigned char *d, size_t n, int prio,
		      const char *loc, int order)
{
	if (a->nparts == a->cap) {
		size_t nc = a->cap ? 2 * a->cap : 16;
		part *np = realloc(a->parts, nc * sizeof *np);
		if (!np)
			return;
		a->parts = np;
		a->cap = nc;
	}
	unsigned char *copy = malloc(n ? n : 1);
	if (!copy)
		return;
	memcpy(copy, d, n);
	a->parts[a->nparts++] = (part){ copy, n, prio, order, loc };
}

static cg_archive_action ar_member(void *ctx, const char *path,
				   const unsigned char *data, size_t len,
				   int depth)
{
	(void)depth;
	arc *a = ctx;
	const char *in = inner_of(a, path);
	int prio;
	const char *loc, *fmt;
	if (!strcmp(in, "mimetype")) {
		static const struct { const char *m, *f; } odf[] = {
			{ "application/vnd.oasis.opendocument.text", "odt" },
			{ "application/vnd.oasis.opendocument.spreadsheet", "ods" },
			{ "application/vnd.oasis.opendocument.presentation", "odp" },
			{ "application/vnd.oasis.opendocument.graphics", "odg" },
		};
		for (size_t i = 0; i < sizeof odf / sizeof odf[0]; i++)
			if (len >= strlen(odf[i].m) &&
			    !memcmp(data, odf[i].m, strlen(odf[i].m)))
				a->format = odf[i].f;
		return CG_AR_READ;
	}
	if (!strcmp(in, "META-INF/manifest.xml")) {
		/* a password-protected OpenDocument keeps its zip readable but
		 * encrypts the parts; the manifest says so */
		if (memmem(data, len, "encryption-data", 15))
			a->encrypted = true;
		return CG_AR_READ;
	}
	if (office_part(a, in, &prio, &loc, &fmt)) {
		if (fmt)
			a->format = fmt;
		if (!a->format)
			a->format = "odf";
		if (prio == 0) { /* headers and footers: check at once */
			if (run_part(a, data, len, loc)) {
				a->stop = true;
				return CG_AR_STOP;
			}
			return CG_AR_READ;
		}
		keep_part(a, data, len, prio, loc, number_in(in));
		return CG_AR_READ;
	}
	scan_mem_at(a->s, data, len, path, a->depth + 1);
	return CG_AR_READ;
}

static void ar_problem(void *ctx, const char *path, cg_err err,
		       const char *reason)
{
	arc *a = ctx;
	char why[512];
	const char *what = err == CG_EENCRYPTED ? "encrypted (password-protected)"
			   : err == CG_ELIMIT   ? "archive limit exceeded (possible decompression bomb)"
			   : err == CG_EPARSE   ? "corrupt archive"
						: cg_strerror(err);
	snprintf(why, sizeof why, "%s: %s", what, reason ? reason : "");
	uninspectable(a->s, path, a->format ? a->format : ext_of(a->disp), why);
}

static int part_cmp(const void *x, const void *y)
{
	const part *a = x, *b = y;
	if (a->prio != b->prio)
		return a->prio - b->prio;
	return a->order - b->order;
}

static void finish_archive(arc *a, cg_err err)
{
	cg_sec_scanner *s = a->s;
	cg_sec_sink *k = &s->sinks[a->depth];
	if (err == CG_EUNSUPPORTED || (err && err != CG_ENOMEM)) {
		char why[256];
		snprintf(why, sizeof why, "unreadable archive: %s", cg_strerror(err));
		uninspectable(s, a->disp, ext_of(a->disp), why);
	}
	if (a->encrypted) {
		uninspectable(s, a->disp, a->format ? a->format : "odf",
			      "encrypted OpenDocument (password-protected)");
		a->stop = true;
	}
	if (a->parts)
		qsort(a->parts, a->nparts, sizeof *a->parts, part_cmp);
	/* text boxes first (stamps are often drawn in one), then in order */
	for (size_t i = 0; i < a->nparts && !a->stop; i++) {
		cg_sec_sink_loc(k, "text_box");
		cg_sec_sink_end(k);
		if (cg_sec_xml_text_boxes(k, cg_slice_from((const char *)a->parts[i].data,
							   a->parts[i].len)))
			a->stop = true;
	}
	for (size_t i = 0; i < a->nparts && !a->stop; i++)
		if (run_part(a, a->parts[i].data, a->parts[i].len, a->parts[i].loc))
			a->stop = true;
	if (a->format && !a->encrypted) {
		s->st.documents++;
		report_sink(s, k, a->disp, a->format);
	}
	for (size_t i = 0; i < a->nparts; i++)
		free(a->parts[i].data);
	free(a->parts);
}

static void scan_archive(cg_sec_scanner *s, int fd, const unsigned char *d,
			 size_t n, const char *path, int depth)
{
	cg_sec_sink *k = &s->sinks[depth];
	cg_sec_sink_reset(k);
	arc a = { .s = s, .disp = path, .displen = strlen(path), .depth = depth,
		  .office_ext = is_office_ext(path) };
	cg_archive_visitor v = { .ctx = &a, .want = ar_want, .member = ar_member,
				 .problem = ar_problem, .recurse = false };
	cg_archive_limits lim = cg_archive_default_limits();
	cg_err err = fd >= 0 ? cg_archive_read_fd(fd, path, &lim, &v)
			     : cg_archive_read_mem(d, n, path, &lim, &v);
	finish_archive(&a, err);
}

/* ---- documents in memory ------------------------------------------------ */

typedef struct mailctx {
	cg_sec_scanner *s;
	const char *path;
	int depth;
} mailctx;

static bool mail_text(void *ctx, const char *loc, cg_slice text, bool html,
		      cg_sec_enc enc)
{
	mailctx *m = ctx;
	cg_sec_sink *k = &m->s->sinks[m->depth];
	cg_sec_sink_loc(k, loc);
	cg_sec_sink_end(k);
	if (html) {
		if (enc == CG_ENC_UTF8)
			return cg_sec_xml_text(k, text, true);
		cg_buf u;
		cg_buf_init(&u, CG_SEC_MAX_PART_BYTES);
		cg_sec_decode_all(enc, (const unsigned char *)text.ptr, text.len, &u);
		bool f = cg_sec_xml_text(k, cg_buf_slice(&u), true);
		cg_buf_free(&u);
		return f;
	}
	cg_sec_textdec dec;
	cg_sec_textdec_init(&dec, enc);
	return cg_sec_textdec_feed(&dec, k, (const unsigned char *)text.ptr, text.len) ||
	       cg_sec_textdec_end(&dec, k);
}

static bool mail_attachment(void *ctx, const char *name, cg_slice data)
{
	mailctx *m = ctx;
	cg_buf p;
	cg_buf_init(&p, 8192);
	cg_buf_printf(&p, "%s!%s", m->path, name);
	scan_mem_at(m->s, (const unsigned char *)data.ptr, data.len,
		    cg_buf_cstr(&p), m->depth + 1);
	cg_buf_free(&p);
	return false;
}

static void msg_attachment(void *ctx, const char *name,
			   const unsigned char *data, size_t len)
{
	mail_attachment(ctx, name, cg_slice_from((const char *)data, len));
}

static void scan_parsed(cg_sec_scanner *s, sfmt f, cg_sec_enc enc, size_t bom,
			const unsigned char *d, size_t n, const char *path,
			int depth)
{
	cg_sec_sink *k = &s->sinks[depth];
	cg_sec_sink_reset(k);
	s->st.documents++;
	cg_buf why;
	cg_buf_init(&why, 1024);
	const char *format = "?";
	cg_err err = CG_OK;
	switch (f) {
	case F_PDF:
		format = "pdf";
		err = cg_sec_pdf_text(k, d, n, &why);
		break;
	case F_OLE2: {
		mailctx m = { s, path, depth };
		err = cg_sec_ole2_text(k, d, n, &format, &why, msg_attachment, &m);
		if (err == CG_EUNSUPPORTED) { /* Thumbs.db and friends */
			s->st.documents--;
			s->st.skipped++;
			err = CG_OK;
		}
		break;
	}
	case F_RTF:
		format = "rtf";
		cg_sec_rtf_text(k, cg_slice_from((const char *)d, n));
		break;
	case F_EML: {
		format = "eml";
		mailctx m = { s, path, depth };
		cg_sec_eml_visitor v = { &m, mail_text, mail_attachment };
		cg_sec_eml_parse(cg_slice_from((const char *)d, n), &v);
		break;
	}
	case F_HTML:
		format = "html";
		if (enc == CG_ENC_UTF8) {
			cg_sec_xml_text(k, cg_slice_from((const char *)d + bom, n - bom), true);
		} else {
			cg_buf u;
			cg_buf_init(&u, CG_SEC_MAX_DOC_BYTES);
			err = cg_sec_decode_all(enc, d + bom, n - bom, &u);
			if (!err)
				cg_sec_xml_text(k, cg_buf_slice(&u), true);
			else
				cg_buf_puts(&why, "HTML too large once decoded");
			cg_buf_free(&u);
		}
		break;
	case F_TEXT: {
		format = text_format(enc);
		cg_sec_textdec dec;
		cg_sec_textdec_init(&dec, enc);
		if (!cg_sec_textdec_feed(&dec, k, d + bom, n - bom))
			cg_sec_textdec_end(&dec, k);
		break;
	}
	default:
		break;
	}
	if (err)
		uninspectable(s, path, format, why.len ? cg_buf_cstr(&why) : cg_strerror(err));
	else
		report_sink(s, k, path, format);
	cg_buf_free(&why);
}

static void scan_mem_at(cg_sec_scanner *s, const unsigned char *d, size_t n,
			const char *path, int depth)
{
	if (depth > CG_SEC_MAX_DEPTH) {
		uninspectable(s, path, ext_of(path), "nested too deep (containers inside containers)");
		return;
	}
	s->st.bytes += n;
	cg_sec_enc enc;
	size_t bom;
	sfmt f = sniff(path, d, n < HEAD_BYTES ? n : HEAD_BYTES, &enc, &bom);
	if (f == F_BINARY) {
		s->st.skipped++;
		return;
	}
	if (f == F_ARCHIVE) {
		scan_archive(s, -1, d, n, path, depth);
		return;
	}
	scan_parsed(s, f, enc, bom, d, n, path, depth);
}

cg_err cg_sec_scan_mem(cg_sec_scanner *s, const unsigned char *data,
		       size_t len, const char *path)
{
	scan_mem_at(s, data, len, path, 0);
	return CG_OK;
}

/* ---- files ---------------------------------------------------------------- */

static ssize_t read_full(int fd, unsigned char *p, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void stream_text(cg_sec_scanner *s, int fd, const char *path,
			cg_sec_enc enc, size_t bom)
{
	cg_sec_sink *k = &s->sinks[0];
	cg_sec_sink_reset(k);
	s->st.documents++;
	cg_sec_textdec dec;
	cg_sec_textdec_init(&dec, enc);
	off_t off = (off_t)bom;
	bool found = false;
	for (;;) {
		ssize_t r = read_full(fd, s->chunk, TEXT_CHUNK, off);
		if (r < 0) {
			char why[256];
			snprintf(why, sizeof why, "read error: %s", strerror(errno));
			uninspectable(s, path, text_format(enc), why);
			return;
		}
		if (r == 0)
			break;
		s->st.bytes += (uint64_t)r;
		off += r;
		if ((found = cg_sec_textdec_feed(&dec, k, s->chunk, (size_t)r)))
			break;
	}
	if (!found)
		cg_sec_textdec_end(&dec, k);
	report_sink(s, k, path, text_format(enc));
}

cg_err cg_sec_scan_fd(cg_sec_scanner *s, int fd, const char *path)
{
	s->st.files++;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		char why[256];
		snprintf(why, sizeof why, "cannot stat: %s", strerror(errno));
		uninspectable(s, path, "", why);
		return CG_OK;
	}
	unsigned char head[HEAD_BYTES];
	ssize_t hn = read_full(fd, head, sizeof head, 0);
	if (hn < 0) {
		char why[256];
		snprintf(why, sizeof why, "cannot read: %s", strerror(errno));
		uninspectable(s, path, "", why);
		return CG_OK;
	}
	cg_sec_enc enc;
	size_t bom;
	sfmt f = sniff(path, head, (size_t)hn, &enc, &bom);
	switch (f) {
	case F_BINARY:
		s->st.skipped++;
		return CG_OK;
	case F_TEXT:
		stream_text(s, fd, path, enc, bom);
		return CG_OK;
	case F_ARCHIVE:
		s->st.bytes += (uint64_t)st.st_size;
		if (lseek(fd, 0, SEEK_SET) != 0) {
			uninspectable(s, path, ext_of(path), "cannot seek");
			return CG_OK;
		}
		scan_archive(s, fd, NULL, 0, path, 0);
		return CG_OK;
	default:
		break;
	}
	if ((uint64_t)st.st_size > CG_SEC_MAX_DOC_BYTES) {
		char why[256];
		snprintf(why, sizeof why, "too large to inspect (%lld bytes, limit %u)",
			 (long long)st.st_size, (unsigned)CG_SEC_MAX_DOC_BYTES);
		uninspectable(s, path, f == F_PDF ? "pdf" : ext_of(path), why);
		return CG_OK;
	}
	unsigned char *buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (!buf)
		return CG_ENOMEM;
	ssize_t n = read_full(fd, buf, (size_t)st.st_size, 0);
	if (n < 0) {
		char why[256];
		snprintf(why, sizeof why, "cannot read: %s", strerror(errno));
		uninspectable(s, path, "", why);
	} else {
		s->st.bytes += (uint64_t)n;
		scan_parsed(s, f, enc, bom, buf, (size_t)n, path, 0);
	}
	free(buf);
	return CG_OK;
}

cg_err cg_sec_scan_path(cg_sec_scanner *s, const char *path)
{
	struct stat st;
	int fd = cg_walk_open(path, &st);
	if (fd < 0) {
		char why[256];
		snprintf(why, sizeof why, "cannot open: %s", strerror(errno));
		s->st.files++;
		uninspectable(s, path, "", why);
		return CG_OK;
	}
	cg_err err = cg_sec_scan_fd(s, fd, path);
	close(fd);
	return err;
}
