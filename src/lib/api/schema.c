/*
 * schema.c - see schema.h. The tables are data: read them as the API's
 * contract for inventory records.
 */
#include "api/schema.h"

#include <string.h>

/* Agency kinds for the two-tier local government in force since 1 July
 * 2025: provincial departments and boards, commune-level units (xã,
 * phường, đặc khu), state enterprises, others. Districts (huyen) were
 * abolished that day: the value is kept only so records made before still
 * read (retired). */
static const char *const agency_kinds[] = {"so_ban_nganh", "xa", "doanh_nghiep", "khac", NULL};
static const char *const retired_agency_kinds[] = {"huyen", NULL};
static const char *const system_kinds[] = {"portal", "application", "datacenter",
                                           "mail",   "other",       NULL};
static const char *const dossier_states[] = {"none",      "draft",    "submitted",
                                             "appraised", "approved", NULL};
static const char *const person_roles[] = {"responsible_officer", "contact_point", "other", NULL};
/* order = cg_role (api/users.h) from CG_ROLE_ADMIN on */
static const char *const user_roles[] = {"admin", "analyst", "officer", "viewer", NULL};
static const char *const token_scopes[] = {"ingest", "read", "agent", "metrics", NULL};

const cg_enum_desc cg_enum_agency_kind = {"agency_kind", agency_kinds, "agency_kind",
                                          retired_agency_kinds};
const cg_enum_desc cg_enum_system_kind = {"system_kind", system_kinds, "system_kind", NULL};
const cg_enum_desc cg_enum_dossier_status = {"dossier_status", dossier_states, "dossier", NULL};
const cg_enum_desc cg_enum_person_role = {"person_role", person_roles, "person_role", NULL};
const cg_enum_desc cg_enum_user_role = {"user_role", user_roles, "role", NULL};
const cg_enum_desc cg_enum_token_scope = {"token_scope", token_scopes, "scope", NULL};

static const cg_enum_desc *const enums[] = {
    &cg_enum_agency_kind,
    &cg_enum_system_kind,
    &cg_enum_dossier_status,
    &cg_enum_person_role,
    &cg_enum_user_role,
    &cg_enum_token_scope,
    NULL,
};

#define F(n, t) .name = n, .type = t, .column = n

static const cg_field_desc agency_f[] = {
    {F("name", CG_F_NAME), .required = true},
    {F("kind", CG_F_ENUM), .enumeration = &cg_enum_agency_kind, .required = true},
    {F("parent_id", CG_F_REF_NULL)},
    {F("code", CG_F_CODE)},
    {F("ip_ranges", CG_F_CIDRS)},
    {F("declared_endpoints", CG_F_INT), .min = 0, .max = 10000000, .def = 0},
    {0},
};
static const cg_field_desc system_f[] = {
    {F("agency_id", CG_F_REF), .required = true},
    {F("name", CG_F_NAME), .required = true},
    {F("kind", CG_F_ENUM), .enumeration = &cg_enum_system_kind, .required = true},
    {F("urls", CG_F_URLS)},
    {F("domains", CG_F_DOMAINS)},
    {F("ips", CG_F_IPS)},
    {F("level", CG_F_INT), .min = 1, .max = 5, .def = 1, .required = true},
    {F("dossier_status", CG_F_ENUM), .enumeration = &cg_enum_dossier_status},
    {F("dossier_dates", CG_F_DATES)},
    {F("monitor_interval_s", CG_F_INT), .min = 30, .max = 86400, .def = 300},
    {0},
};
static const cg_field_desc person_f[] = {
    {F("agency_id", CG_F_REF), .required = true},
    {F("name", CG_F_NAME), .required = true},
    {F("role", CG_F_ENUM), .enumeration = &cg_enum_person_role, .required = true},
    {F("title", CG_F_TEXT)},
    {F("phone", CG_F_TEXT)},
    {F("email", CG_F_TEXT)},
    {F("published_on_portal", CG_F_BOOL)},
    {0},
};

static const cg_resource_desc resources[] = {
    [CG_RES_AGENCY] = {"agency", "agencies", "AgencyInput", agency_f},
    [CG_RES_SYSTEM] = {"system", "systems", "SystemInput", system_f},
    [CG_RES_PERSON] = {"person", "people", "PersonInput", person_f},
};

const cg_resource_desc *cg_schema_resource(cg_resource r)
{
	return (unsigned)r < sizeof resources / sizeof resources[0] ? &resources[r] : NULL;
}

const cg_enum_desc *const *cg_schema_enums(void)
{
	return enums;
}

bool cg_enum_has(const cg_enum_desc *e, const char *s)
{
	for (const char *const *v = e->values; s && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}
