/*
 * autocase.h - the rules that open an incident case by themselves, as
 * data (rules/autocase/rules.txt, format in docs/playbooks.md).
 *
 * A rule says which findings call for a case (their source and kind, a
 * lowest severity, a lowest security level of the system they are on),
 * how many of them on one agency within a window, and what case to open
 * (its kind, which selects the playbook; its title; whether state
 * secrets are involved, which starts the immediate escalation clock).
 * Examples: a critical defacement; any web shell on a level-3 system; a
 * document marked secret on a networked machine; five web shells on one
 * agency in a day.
 *
 * The server's incident-auto job (server/incident_auto.c) applies them:
 * this unit parses and matches, it keeps no state.
 *
 * Ownership: cg_autocase_rules holds everything in itself.
 */
#ifndef CG_AUTOCASE_H
#define CG_AUTOCASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/limits.h"

typedef struct cg_autocase_rule {
	char name[CG_AUTOCASE_MAX_NAME];
	char source[CG_AUTOCASE_MAX_LIST][CG_AUTOCASE_MAX_NAME]; /* none: any */
	int n_source;
	char kind[CG_AUTOCASE_MAX_LIST][CG_AUTOCASE_MAX_NAME]; /* at least one */
	int n_kind;
	cg_severity min_severity; /* CG_SEV_INFO: any */
	int min_level;            /* 0: any system (or none) */
	int count;                /* findings on one agency ... */
	int64_t window_ms;        /* ... within this long */
	char case_kind[CG_AUTOCASE_MAX_NAME];
	bool state_secret;
	char title_vi[CG_INC_MAX_TITLE];
	char title_en[CG_INC_MAX_TITLE];
} cg_autocase_rule;

typedef struct cg_autocase_rules {
	cg_autocase_rule rule[CG_AUTOCASE_MAX_RULES];
	int n_rule;
} cg_autocase_rules;

/* Parses a rules file; an error puts "NAME:LINE: reason" in *why
 * (optional): CG_EPARSE, or CG_ETOOBIG for a limit. case_kinds
 * (NULL-terminated, may be NULL) are the incident kinds a case_kind may
 * name. */
cg_err cg_autocase_parse(cg_slice text, const char *name, const char *const *case_kinds,
                         cg_autocase_rules *out, cg_buf *why);
cg_err cg_autocase_load(const char *path, const char *const *case_kinds, cg_autocase_rules *out,
                        cg_buf *why);
/* autocase/rules.txt in the rules directory (core/rulesdir.h). */
cg_err cg_autocase_load_default(const char *const *case_kinds, cg_autocase_rules *out, cg_buf *why);

/* Whether one finding counts for the rule: its source, kind, severity
 * and the level of its system (0 when it has none). */
bool cg_autocase_match(const cg_autocase_rule *r, const char *source, const char *kind,
                       cg_severity sev, int level);

#endif
