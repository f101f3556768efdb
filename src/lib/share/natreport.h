/*
 * natreport.h - the malware-statistics report to the national monitoring
 * centre (MISSION R10, issue 16 item 6): the infection index and the
 * malware findings of each agency for a month, as a JSON or XML document.
 *
 * The centre's exact schema is not public, so the names in the document
 * are not in the code: a map file (rules/national/national-malware.map,
 * docs/sharing.md) says which figure goes out under which name, and an
 * operator edits it to match what the centre asks for. A figure the map
 * does not name is left out. Lines, whitespace-separated:
 *
 *   root    NAME            the XML root element (JSON: ignored)
 *   list    NAME            the key / element holding the agencies
 *   item    NAME            the XML element of one agency (JSON: ignored)
 *   field   SOURCE NAME     a figure of the province (report level)
 *   agency  SOURCE NAME     a figure of each agency
 *
 * '#' starts a comment. NAME is an XML name without a colon
 * ([A-Za-z_][A-Za-z0-9_.-]*, at most CG_NATMAP_NAME_MAX bytes), so the
 * same map serves both formats. The sources are listed in natreport.c
 * (cg_natmap_sources) and in docs/sharing.md.
 *
 * The figures are the reports' (report/report.h cg_report_collect); the
 * infection index is store/infection.h's, the coverage API's too:
 * infected hosts (endpoint scans and DNS) per 100 declared endpoints.
 */
#ifndef CG_SHARE_NATREPORT_H
#define CG_SHARE_NATREPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"
#include "report/report.h"

typedef struct cg_natmap_field {
	int source; /* index into the level's sources */
	char name[CG_NATMAP_NAME_MAX + 1];
} cg_natmap_field;

typedef struct cg_natmap {
	char root[CG_NATMAP_NAME_MAX + 1], list[CG_NATMAP_NAME_MAX + 1],
	    item[CG_NATMAP_NAME_MAX + 1];
	size_t nfields, nagency;
	cg_natmap_field fields[CG_NATMAP_MAX_FIELDS];
	cg_natmap_field agency[CG_NATMAP_MAX_FIELDS];
} cg_natmap;

/* Parses a map; errors name file:line in why (CG_EPARSE). A map needs
 * root, list and item, and names no key twice at one level. */
cg_err cg_natmap_parse(cg_slice text, const char *file, cg_natmap *out, cg_buf *why);
/* Reads file, or rules/national/national-malware.map when file is NULL. */
cg_err cg_natmap_load(const char *file, cg_natmap *out, cg_buf *why);

typedef enum cg_natreport_fmt { CG_NATREPORT_JSON, CG_NATREPORT_XML } cg_natreport_fmt;
cg_err cg_natreport_fmt_parse(const char *s, cg_natreport_fmt *out);

typedef struct cg_natreport_meta {
	const char *province; /* may be NULL: "" */
	int64_t now_ms;       /* generated_at */
} cg_natreport_meta;

/* Writes the document of the figures f of period p through map m into
 * out (UTF-8, newline-terminated). */
cg_err cg_natreport_write(const cg_natmap *m, const cg_report_figs *f, const cg_period *p,
                          const cg_natreport_meta *meta, cg_natreport_fmt fmt, cg_buf *out,
                          cg_buf *why);

/* The whole step for a month "YYYY-MM": figures from the store (all
 * agencies), the map (NULL: the default), the document. */
cg_err cg_natreport_make(cg_store *st, const char *period, const char *map_file,
                         const cg_natreport_meta *meta, cg_natreport_fmt fmt, cg_buf *out,
                         cg_buf *why);

#endif
