/*
 * sblines.h - the parent's reader of a sandboxed job's events: one JSON
 * event a line on a pipe, written by a child that may be compromised.
 *
 * Both ways of running a job (sandbox.c: a forked child on Linux;
 * platform/sandbox_win.c: a child process in a Job object) read the
 * child's answer here, so what is accepted from a child is decided once:
 * each line must parse as JSON and decode as an event (core/event.h,
 * its bounds), at most CG_MAX_EVENT_JSON bytes; anything else (a bad or
 * over-long line) is counted in *bad and dropped, and the rest carries
 * on. An empty line is nothing.
 */
#ifndef CG_SANDBOX_SBLINES_H
#define CG_SANDBOX_SBLINES_H

#include <stdint.h>

#include "sandbox.h"

/* Reads fd to its end (or a read error), calling on_event(ctx, ev) per
 * good line; ev lives for the call only. Adds the lines refused to *bad.
 * Does not close fd. */
void cg_sandbox_read_events(int fd, cg_sandbox_event_fn on_event, void *ctx, uint64_t *bad);

#endif
