/*
 * stix_export.h - the store's findings of a period as a STIX builder
 * (share/stix.h): the one function the command, the API and the TAXII
 * server call.
 */
#ifndef CG_SHARE_STIX_EXPORT_H
#define CG_SHARE_STIX_EXPORT_H

#include "share/stix.h"
#include "store/store.h"

typedef struct cg_stix_range {
	int64_t since_ms;  /* 0: no bound */
	int64_t until_ms;  /* 0: no bound */
	int64_t agency_id; /* 0: every agency the scope sees */
} cg_stix_range;

/* A builder holding the events (DNS, malware, web) and the incident cases
 * of the range that the scope sees; the caller takes the bundle or the
 * items and frees it. *why says what failed. */
cg_err cg_stix_export(cg_store *st, const cg_scope *scope, const cg_stix_opts *o,
                      const cg_stix_range *r, cg_stix **out, cg_buf *why);

#endif
