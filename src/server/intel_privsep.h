/*
 * intel_privsep.h - threat intelligence read out of the server's process
 * (privsep.h, kind "intel"): every document an intel:NAME job fetches --
 * a TAXII page, a MISP restSearch answer, a MISP feed's manifest or one
 * of its events -- is bytes from a remote server, read by jansson and the
 * readers of share/intel.h in a sandboxed child, never in the process
 * that holds the database, the TLS key and the sessions.
 *
 * The server keeps the network side (the child has no sockets): the
 * pull (share/intel_feed.c) fetches each document as before and calls
 * the reader through share/intel_readers.h, whose table cg_intel_jobs_add
 * points at cg_intel_sandboxed. Each call is one child: the document in
 * a sealed memfd, the answer in the messages of share/intel_wire.h,
 * checked and rebuilt by the server before the pull stores anything.
 * The pull stores nothing until every document of it has been read, so
 * a child that crashes, loops past its deadline
 * (CG_PRIVSEP_INTEL_DEADLINE_MS), runs out of its memory or sends
 * something malformed fails that pull: the source's last error says
 * which (the signal, the deadline), its indicators and cursor stay, and
 * the scheduler retries it.
 */
#ifndef CG_SERVER_INTEL_PRIVSEP_H
#define CG_SERVER_INTEL_PRIVSEP_H

#include <jansson.h>

#include "share/intel_readers.h"

/* The sandboxed readers (their contracts: share/intel_readers.h). */
extern const cg_intel_readers cg_intel_sandboxed;

/* The child's side (privsep.c dispatches "intel" here once it has
 * confined itself): req {"format", "now_ms", "after_s"}, the document
 * on CG_SANDBOX_FD_INPUT. Returns the exit status. */
int cg_intel_child(const json_t *req);

#endif
