/*
 * intel_readers.h - who reads what an intelligence pull fetched
 * (intel_feed.h): the STIX/TAXII reader, the MISP event reader and the
 * MISP feed manifest reader are called through this table, so the same
 * pull code reads in its own process (the default: `canhgac` commands,
 * the unit tests) or hands every fetched document to a sandboxed child
 * (the server: server/intel_privsep.h sets the table when it adds the
 * intel:NAME jobs). The three functions have the readers' own signatures
 * and contracts (intel.h, intel_mispfeed.h); a sandboxed reader may
 * also fail with the child's errors (CG_ELIMIT: killed by a signal or a
 * limit, CG_ETIMEOUT: past its deadline, CG_EINTERNAL: a malformed
 * answer, CG_EIO: not started), which fail the pull: only CG_EPARSE
 * means "this document is not one", which a MISP feed counts as skipped.
 */
#ifndef CG_SHARE_INTEL_READERS_H
#define CG_SHARE_INTEL_READERS_H

#include "intel.h"
#include "intel_mispfeed.h"

typedef struct cg_intel_readers {
	cg_err (*stix)(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
	               cg_intel_page *page, cg_buf *why);
	cg_err (*misp)(cg_slice text, int64_t now_ms, json_t **items, cg_intel_stats *st,
	               cg_buf *why);
	cg_err (*manifest)(cg_slice text, int64_t after_s, cg_mispfeed_event **out, size_t *n,
	                   size_t *skipped, cg_buf *why);
} cg_intel_readers;

/* The readers in use (never NULL). */
const cg_intel_readers *cg_intel_readers_get(void);
/* Sets them for every later pull of this process (r must outlive them);
 * NULL: back to reading in this process. Called once, before any pull
 * runs (it is not synchronised with running pulls). */
void cg_intel_readers_set(const cg_intel_readers *r);

#endif
