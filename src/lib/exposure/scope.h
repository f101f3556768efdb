/*
 * scope.h - what the server may scan for one system of the inventory.
 *
 * The server scans only what an agency declared as its own: the system's
 * URLs, domains and addresses, each kept only when every address it
 * stands for lies inside the agency's declared ip_ranges or the system's
 * own ips. A name is resolved here, and a name that does not resolve, or
 * resolves to any address outside those, is refused (a domain pointed at
 * somebody else's host must not make the province scan that host). A
 * refusal is recorded with its reason; it is never silently dropped.
 *
 * The engine resolves a name again when it connects; a name whose
 * records change between the two lookups is the one gap left, bounded by
 * the records' owner being the agency itself.
 */
#ifndef CG_XP_SCOPE_H
#define CG_XP_SCOPE_H

#include <jansson.h>

#include "target.h"

/* system: an inventory system ({urls, domains, ips}); agency: its agency
 * ({ip_ranges}) or NULL. Appends the allowed targets to ts and one
 * {target, error} per refused one to refused (a JSON array). */
cg_err cg_xp_system_targets(const json_t *system, const json_t *agency, cg_xtargets *ts,
                            json_t *refused);

#endif
