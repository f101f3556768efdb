/*
 * playbook.h - the response playbooks of incident cases, as data.
 *
 * A playbook is the ordered list of steps the team follows for one kind
 * of incident (defacement, web shell, ransomware, ...): each step has a
 * role (who does it), a title and a checklist, in Vietnamese and English.
 * They live in rules/playbooks/NAME.txt, one playbook a file (format:
 * docs/playbooks.md), so the province changes its procedures by editing
 * a file, never code. When a case is opened (or its kind changes) the
 * server picks the playbook (cg_playbook_select) and its steps become the
 * case's tasks (server/incident_playbook.c).
 *
 * Which playbook: a playbook names the incident kinds it answers
 * ("kind") and may name inventory systems by domain ("system"): one that
 * names a system of the case wins over one for the kind alone, so a key
 * system (the e-government portal) can have its own procedure. Two
 * playbooks for the same kind and no system, or for the same kind and the
 * same system, are an error: the choice must never depend on file order.
 *
 * Every error stops the load and names FILE:LINE: half a procedure is
 * worse than none, and a server refuses to start on it.
 *
 * Ownership: a cg_playbooks owns its playbooks (cg_playbooks_free); the
 * pointers it hands out live as long as it does.
 */
#ifndef CG_PLAYBOOK_H
#define CG_PLAYBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/limits.h"

/* Who does a step. */
typedef enum cg_pb_role {
	CG_PB_OFFICER = 0, /* the agency's IT officer (cán bộ chuyên trách) */
	CG_PB_ANALYST,     /* the provincial response team (đội ứng cứu) */
	CG_PB_ADMIN,       /* the system's administrator */
	CG_PB_LEADER,      /* the agency's leader (lãnh đạo cơ quan) */
	CG_PB_VENDOR,      /* the service provider / hosting (nhà cung cấp) */
	CG_PB_POLICE,      /* the police cyber unit (Công an tỉnh, PA05) */
	CG_PB_NROLES
} cg_pb_role;

const char *cg_pb_role_name(cg_pb_role r);

typedef struct cg_pb_check {
	char vi[CG_PLAYBOOK_MAX_TEXT];
	char en[CG_PLAYBOOK_MAX_TEXT];
} cg_pb_check;

typedef struct cg_pb_step {
	char name[CG_PLAYBOOK_MAX_NAME]; /* unique in the playbook */
	cg_pb_role role;
	char title_vi[CG_PLAYBOOK_MAX_TEXT];
	char title_en[CG_PLAYBOOK_MAX_TEXT];
	cg_pb_check check[CG_PLAYBOOK_MAX_CHECKS];
	int n_check;
} cg_pb_step;

typedef struct cg_playbook {
	char name[CG_PLAYBOOK_MAX_NAME];
	char title_vi[CG_PLAYBOOK_MAX_TEXT];
	char title_en[CG_PLAYBOOK_MAX_TEXT];
	char kind[CG_PLAYBOOK_MAX_KINDS][CG_PLAYBOOK_MAX_NAME];
	int n_kind;
	char system[CG_PLAYBOOK_MAX_SYSTEMS][CG_PLAYBOOK_MAX_DOMAIN]; /* lower case */
	int n_system;
	cg_pb_step step[CG_PLAYBOOK_MAX_STEPS];
	int n_step;
} cg_playbook;

typedef struct cg_playbooks {
	cg_playbook *pb[CG_PLAYBOOK_MAX];
	int n;
} cg_playbooks;

/* Parses one playbook file into *out (allocated; cg_playbook_free). An
 * error puts "NAME:LINE: reason" in *why (optional): CG_EPARSE, or
 * CG_ETOOBIG for a limit. kinds (NULL-terminated, may be NULL) are the
 * incident kinds a "kind" line may name. */
cg_err cg_playbook_parse(cg_slice text, const char *name, const char *const *kinds,
                         cg_playbook **out, cg_buf *why);
void cg_playbook_free(cg_playbook *p);

/* Adds a parsed playbook to the set (taking it, also on error): a second
 * playbook of that name, or for the same kind and system set as another,
 * is CG_EEXIST with "NAME: reason" in *why. */
cg_err cg_playbooks_add(cg_playbooks *set, cg_playbook *p, const char *name, cg_buf *why);

/* Loads every *.txt of dir, in name order. */
cg_err cg_playbooks_load_dir(const char *dir, const char *const *kinds, cg_playbooks *out,
                             cg_buf *why);
/* Loads the shipped playbooks: playbooks/ in the rules directory
 * (core/rulesdir.h). */
cg_err cg_playbooks_load_default(const char *const *kinds, cg_playbooks *out, cg_buf *why);
void cg_playbooks_free(cg_playbooks *set);

/* The playbook for a case of this kind whose systems have these domains
 * (any case): one naming one of the domains first, else the one for the
 * kind alone; NULL when none. */
const cg_playbook *cg_playbook_select(const cg_playbooks *set, const char *kind,
                                      const char *const *domains, size_t n_domains);
const cg_playbook *cg_playbook_find(const cg_playbooks *set, const char *name);

#endif
