/*
 * forward_job.h - syslog forwarding of every event to SIEMs: one job per
 * destination of the configuration file ([forward.NAME], syslog/syslog.h),
 * named "forward:NAME", run through the job scheduler (jobs.h), so with
 * several servers on one database exactly one of them sends to a given
 * destination at a time.
 *
 * A run reads the events after the destination's cursor in the store
 * (cg_store_event_rows_after for CEF, formatted from the rows without a
 * record each; cg_store_events_after for RFC 5424), in seq order, a batch
 * at a time; sends those its filters want (the others are passed over)
 * over its connection,
 * which stays open between runs; and moves the cursor past the batch
 * only when the batch was delivered as far as the transport can tell
 * (below). The next batch is read and formatted while the receiver
 * works through the previous one, whose acknowledgement is awaited (and
 * the cursor moved) before the next is written: at most one batch is ever
 * unacknowledged. It goes on until it has caught up (a long backlog in
 * turns of CG_FWD_TURN_MS, so other jobs get the runner), then runs again every
 * CG_FWD_PERIOD_MS. A destination that cannot be reached keeps its
 * backlog in the store (the events themselves: nothing is copied) and
 * is retried at a growing interval (2 s doubling to 30 s); the failure
 * is kept as the destination's last_error (GET /api/v1/forwarding).
 *
 * What "delivered" means. Syslog has no acknowledgement of its own (RELP
 * does; rsyslog's omrelp is not what SIEMs accept). So:
 *   - TCP and TLS: after the batch is written, the sender waits until the
 *     kernel's send queue for the socket is empty (SIOCOUTQ), that is
 *     until the receiver's TCP stack has acknowledged every byte, and only
 *     then moves the cursor. A receiver that dies after its kernel took
 *     the bytes but before its program read them loses them; that is the
 *     limit of syslog over TCP.
 *   - UDP: a datagram is "delivered" when it was sent; one lost on the
 *     way is lost.
 * A canhgac that dies (kill -9, power) after the receiver acknowledged a
 * batch but before the cursor moved sends that batch again when it comes
 * back: delivery is at least once, and nothing whose cursor moved is ever
 * sent again. Each message carries the event's seq (CEF cn2, RFC 5424
 * structured data) and id, so a receiver can drop such a repeat.
 *
 * Destinations are read at start: changing them needs a restart.
 */
#ifndef CG_SERVER_FORWARD_JOB_H
#define CG_SERVER_FORWARD_JOB_H

#include "jobs.h"
#include "store/store.h"
#include "syslog/syslog.h"

/* Adds one job per destination (dests must outlive the jobs). */
cg_err cg_forward_jobs_add(cg_jobs *j, cg_store *st, const cg_fwd_dest *dests, size_t n);

#endif
