/*
 * agent_policy.h - the schema of an agent policy (what PUT
 * /api/v1/agent-policies/{id} stores and the agent applies), in one place
 * for both sides.
 *
 * The server refuses a policy that does not fit it, naming the field
 * (cg_apol_check); the agent clamps every value it applies to the same
 * bounds (cg_apol_clamp), so a policy stored before the check, or altered
 * on the way, can still never make the agent spin (issue 18.6: upload_s 0
 * made every agent of an agency fsync its state file a thousand times a
 * second). The policy is three levels at most: top-level members, groups
 * (fim, accounts, malware, secrets) and their members; nothing unknown.
 */
#ifndef CG_AGENT_POLICY_H
#define CG_AGENT_POLICY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Checks a policy object. On failure why gets "field: what is expected"
 * (the field as "group.member") and CG_EINVAL is returned. */
cg_err cg_apol_check(const json_t *policy, char *why, size_t why_size);

/* The value of integer field "member" or "group.member" as the agent must
 * use it: def when v is not an integer, else v clamped to the field's
 * bounds (0 kept where it means "off"). */
int cg_apol_clamp(const char *field, const json_t *v, int def);

/* The seconds of a schedule word ("off", "never", "hourly", "daily",
 * "weekly", "monthly", or N followed by s, m, h or d); 0 = off; -1 when
 * not a schedule word; a positive value is at least
 * CG_AGENT_MIN_SCHEDULE_S. */
int64_t cg_apol_interval_s(const char *text);

#endif
