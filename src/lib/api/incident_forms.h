/*
 * incident_forms.h - the regulated reports of an incident case: the
 * initial report (Mẫu 03) and the closing report (Mẫu 04) of Thông tư
 * 20/2017/TT-BTTTT, as a document of the report renderer (report/doc.h:
 * the Decree 30 frame, rendered as PDF or DOCX).
 *
 * The document is filled from the case (number, kind, severity, times,
 * state, description, linked events), its agency and systems (name,
 * security level, domains, addresses) and the fields the officer edits
 * before issuing ({reporter, contact, detection_method, notified,
 * os_services, measures, recommendations, result, lessons, attachments,
 * initial_ref, issuer, parent, place, signer_role, signer_name}: each an
 * optional text that replaces what the case would say). Every value is
 * text: the renderers escape it.
 *
 * The layout of each form is its template (api/form_template.h,
 * rules/forms/NAME.txt): cg_inc_forms_load reads them once, before the
 * server's threads start (read only after; a server refuses to start on
 * a template it cannot read). A form is named by its template ("mau-03",
 * "mau-04" must be there); issuing one (server) stops its clock:
 * cg_inc_form_stop_field names the case field it sets.
 */
#ifndef CG_API_INCIDENT_FORMS_H
#define CG_API_INCIDENT_FORMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/form_template.h"
#include "api/inventory.h"
#include "core/error.h"
#include "report/doc.h"

/* The source names an item of a template may take (NULL-terminated). */
extern const char *const cg_inc_form_sources[];

/* Loads the templates of dir (NULL: forms/ of the rules directory,
 * core/rulesdir.h), replacing those loaded; an error ("FILE:LINE: why"
 * in *why) keeps the old ones. Not thread-safe: at start only. */
cg_err cg_inc_forms_load(const char *dir, cg_buf *why);
void cg_inc_forms_unload(void);
/* The loaded template of form, or NULL. */
const cg_form_tmpl *cg_inc_form_tmpl(const char *form);

/* "mau-03.pdf" -> form "mau-03", pdf true; false when not a form name. */
bool cg_inc_form_parse(const char *name, char form[CG_FORM_MAX_NAME], bool *pdf);
/* Whether the form has a loaded template. */
bool cg_inc_form_valid(const char *form);
/* The case field issuing form sets (the template's "stop"). */
const char *cg_inc_form_stop_field(const char *form);
/* The issued report's number: "SC-2026-0001/BC-03" (the template's
 * symbol). */
void cg_inc_form_number(const char *form, const char *case_number, char *out, size_t n);
/* "Mẫu 03" (the template's label_vi), "" when unknown. */
const char *cg_inc_form_label(const char *form);

/* The editable fields from a request body ({fields: {...}}): each a text
 * of at most CG_INC_MAX_TEXT bytes; a refusal names the field. */
cg_err cg_inc_form_fields(const json_t *fields, json_t **out, cg_inv_error *e);

/* The document of form for the case rec (as the store returns it), its
 * agency ({name}) and systems ([{name, level, domains[], ips[], urls[]}]),
 * with fields (may be NULL); now_ms dates it. */
cg_err cg_inc_form_build(const char *form, const json_t *rec, const json_t *agency,
                         const json_t *systems, const json_t *fields, int64_t now_ms, cg_doc **out);

#endif
