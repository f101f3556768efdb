/*
 * resources.c - see resources.h. The tables are data.
 */
#include "resources.h"

static const field agency_fields[] = {
    {"name", F_TEXT},      {"kind", F_TEXT},      {"parent_id", F_INT_NULL},
    {"code", F_TEXT_NULL}, {"ip_ranges", F_JSON}, {"declared_endpoints", F_INT},
    {NULL, F_TEXT},
};
static const field system_fields[] = {
    {"agency_id", F_INT},
    {"name", F_TEXT},
    {"kind", F_TEXT},
    {"urls", F_JSON},
    {"domains", F_JSON},
    {"ips", F_JSON},
    {"level", F_INT},
    {"dossier_status", F_TEXT},
    {"dossier_dates", F_JSON},
    {"monitor_interval_s", F_INT},
    {NULL, F_TEXT},
};
static const field person_fields[] = {
    {"agency_id", F_INT},
    {"name", F_TEXT},
    {"role", F_TEXT},
    {"title", F_TEXT},
    {"phone", F_TEXT},
    {"email", F_TEXT},
    {"published_on_portal", F_BOOL},
    {NULL, F_TEXT},
};
static const filter agency_filters[] = {
    {"q", "name", OP_LIKE},
    {"kind", "kind", OP_EQ_TEXT},
    {"parent_id", "parent_id", OP_EQ_INT},
    {"code", "code", OP_EQ_TEXT},
    {NULL, NULL, OP_EQ_TEXT},
};
static const filter system_filters[] = {
    {"q", "name", OP_LIKE},
    {"agency_id", "agency_id", OP_EQ_INT},
    {"kind", "kind", OP_EQ_TEXT},
    {"level", "level", OP_EQ_INT},
    {"dossier_status", "dossier_status", OP_EQ_TEXT},
    {NULL, NULL, OP_EQ_TEXT},
};
static const filter person_filters[] = {
    {"q", "name", OP_LIKE},
    {"agency_id", "agency_id", OP_EQ_INT},
    {"role", "role", OP_EQ_TEXT},
    {NULL, NULL, OP_EQ_TEXT},
};

const resdef cg_store_resdefs[N_RES] = {
    [CG_RES_AGENCY] = {"agencies", "agency", "id", agency_fields, agency_filters},
    [CG_RES_SYSTEM] = {"systems", "system", "agency_id", system_fields, system_filters},
    [CG_RES_PERSON] = {"people", "person", "agency_id", person_fields, person_filters},
};
