/*
 * form_template.h - the layouts of the regulated reports, as data.
 *
 * A form template (rules/forms/NAME.txt, format: docs/forms.md) says
 * what a regulated report (Mẫu 03, Mẫu 04 of Thông tư 20/2017) holds and
 * in which order: its header block (kind and title, the number's symbol,
 * the default place, the motto and slogan when they differ from the
 * national ones), the signature block and recipients, and its body - a
 * list of blocks: headings, fixed paragraphs, numbered items (a
 * Vietnamese label with its English, and the case field that fills it)
 * and the table of affected systems. A new regulation is an edit of a
 * file: the renderer (api/incident_forms.h) only knows how to compute
 * each source field, never which form holds it or with which words.
 *
 * Every error stops the load and names FILE:LINE (a server refuses to
 * start on a template it cannot read: a half form is never issued).
 *
 * Ownership: a cg_form_set owns its templates (cg_form_set_free); the
 * pointers it hands out live as long as it does.
 */
#ifndef CG_API_FORM_TEMPLATE_H
#define CG_API_FORM_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/limits.h"

typedef enum cg_form_block_kind {
	CG_FB_HEADING = 0, /* "heading VI | EN" */
	CG_FB_PARA,        /* "para VI [| EN]": fixed text */
	CG_FB_ITEM,        /* "item SOURCE VI | EN": "VI: value" */
	CG_FB_SYSTEMS,     /* "systems VI | EN": the systems table, VI its caption */
} cg_form_block_kind;

typedef struct cg_form_block {
	cg_form_block_kind kind;
	char source[CG_FORM_MAX_NAME]; /* items: a name of the sources list */
	char vi[CG_FORM_MAX_TEXT];
	char en[CG_FORM_MAX_TEXT]; /* may be empty for a paragraph */
} cg_form_block;

typedef struct cg_form_tmpl {
	char name[CG_FORM_MAX_NAME];       /* "mau-03": [a-z0-9-], the URL's name */
	char label_vi[CG_FORM_MAX_TEXT];   /* "Mẫu 03" */
	char label_en[CG_FORM_MAX_TEXT];   /* "Form 03" */
	char stop[CG_FORM_MAX_NAME];       /* the case field issuing it sets */
	char kind_title[CG_FORM_MAX_TEXT]; /* "BÁO CÁO" */
	char title_vi[CG_FORM_MAX_TEXT];
	char title_en[CG_FORM_MAX_TEXT];
	char symbol[CG_FORM_MAX_NAME]; /* "BC-03": "Số: SC-2026-0001/BC-03" */
	char place[CG_FORM_MAX_TEXT];  /* default place ("........") */
	char motto[CG_FORM_MAX_TEXT];  /* empty: the national motto */
	char slogan[CG_FORM_MAX_TEXT]; /* empty: the national slogan */
	char signer_role[CG_FORM_MAX_TEXT];
	char recipient[CG_FORM_MAX_RECIPIENTS][CG_FORM_MAX_TEXT];
	int n_recipient;
	cg_form_block block[CG_FORM_MAX_BLOCKS];
	int n_block;
} cg_form_tmpl;

typedef struct cg_form_set {
	cg_form_tmpl *t[CG_FORM_MAX];
	int n;
} cg_form_set;

/* Parses one template into *out (allocated; cg_form_tmpl_free). sources
 * (NULL-terminated) are the names an item may take its value from; stops
 * (NULL-terminated) the case fields a "stop" line may name. An error puts
 * "NAME:LINE: reason" in *why (optional): CG_EPARSE, or CG_ETOOBIG for a
 * limit. */
cg_err cg_form_tmpl_parse(cg_slice text, const char *name, const char *const *sources,
                          const char *const *stops, cg_form_tmpl **out, cg_buf *why);
void cg_form_tmpl_free(cg_form_tmpl *t);

/* Adds a parsed template to the set (taking it, also on error): a second
 * template of the same form name is CG_ECONFLICT with "NAME: reason". */
cg_err cg_form_set_add(cg_form_set *set, cg_form_tmpl *t, const char *name, cg_buf *why);

/* Loads every *.txt of dir, in name order; the set must then hold every
 * form of required (NULL-terminated, may be NULL), else CG_ENOTFOUND
 * naming the directory and the form. */
cg_err cg_form_set_load_dir(const char *dir, const char *const *sources, const char *const *stops,
                            const char *const *required, cg_form_set *out, cg_buf *why);
void cg_form_set_free(cg_form_set *set);

const cg_form_tmpl *cg_form_find(const cg_form_set *set, const char *name);

#endif
