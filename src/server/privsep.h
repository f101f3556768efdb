/*
 * privsep.h - the server's parsers of uploaded and imported content run
 * in a sandboxed child, in the manner of OpenSSH's privilege separation:
 * the server process (the database connection, the TLS key, every
 * session) never parses those bytes itself.
 *
 * The server side, cg_privsep_run, re-executes this program as
 * `canhgac __parser KIND` (sandbox/sandbox.h cg_sandbox_exec): a fresh
 * address space with none of the server's secrets, a clean environment,
 * descriptors 0 (the request: one framed JSON object), 1 (the reply pipe)
 * and 3 (the input: the uploaded file, or a sealed memfd holding a request
 * body); the child loads what it needs by name (rules, blocklists), then
 * confines itself (no files opened, no sockets, no exec, no signals to
 * others, address space, CPU time) before it reads a byte of the input.
 * Wall-clock time is bounded by the server, which kills the child at the
 * deadline. Every reply payload is a JSON object, parsed and checked by
 * the caller as hostile input.
 *
 * The kinds (the replies each sends, sandbox/sbmsg.h types):
 *   dns    request {"rules": DNS rules dir, "intel": blocklist dir};
 *          input the uploaded log (plain, gzip or pcap). PROGRESS
 *          {"lines_read","queries","bytes_read"} about once a second;
 *          ITEM {"warning"} for a blocklist file that could not be read;
 *          ITEM {"ip","event"} per flagged client once the log is read
 *          (the event without id and agency: the server sets them);
 *          DONE or ERROR {"error", the counts}.
 *   csv    request {"sep": ","}; input the CSV body. ITEM per record:
 *          {"row", "fields": [text...]} or {"row", "error"}; DONE.
 *   sniff  request {}; input an attachment. ITEM {"type"}; DONE.
 *   render request {"format": "pdf"|"docx", "long", "charts", "toc"};
 *          input a document
 *          model (report/doc_json.h). DATA frames of the file's bytes,
 *          then DONE {"size"}, or ERROR (render_privsep.h).
 *   intel  request {"format": "stix"|"misp"|"manifest", "now_ms",
 *          "after_s"}; input one document an intel:NAME pull fetched.
 *          ITEM {"items": [...]} or {"events": [...]}, then DONE with
 *          the reader's counts, or ERROR {"error", "code"}
 *          (share/intel_wire.h, intel_privsep.h).
 *
 * Test hooks (built only when the build has its tests, meson option
 * `tests`, which the Debian packages turn off; and honoured only when
 * CANHGAC_TEST_PARSER_HOOKS=1 is in the server's environment): an input
 * starting with CG_PRIVSEP_TEST_CRASH makes the child abort, one starting
 * with CG_PRIVSEP_TEST_LOOP makes it spin; CANHGAC_TEST_PARSER_DEADLINE_MS
 * shortens the deadline. A production binary has neither the code nor the
 * variables' names.
 */
#ifndef CG_SERVER_PRIVSEP_H
#define CG_SERVER_PRIVSEP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

/* argv[1] of the child: not a command (not listed, no help). */
#define CG_PRIVSEP_ARGV "__parser"

#define CG_PRIVSEP_TEST_CRASH "CANHGAC-TEST-PARSER-CRASH"
#define CG_PRIVSEP_TEST_LOOP  "CANHGAC-TEST-PARSER-LOOP"

/* One reply: its type (sandbox/sbmsg.h) and its payload, a JSON object
 * (borrowed). Return 0 to go on, non-zero to stop the child (the run then
 * returns CG_OK: the caller keeps its own error). */
typedef int (*cg_privsep_fn)(void *ctx, uint8_t type, json_t *payload);
/* One CG_SBMSG_DATA frame's raw bytes (lent for the call); same return. */
typedef int (*cg_privsep_data_fn)(void *ctx, cg_slice bytes);

typedef struct cg_privsep_job {
	const char *kind;      /* "dns", "csv", "sniff", "render", "intel" */
	const json_t *request; /* the request object (borrowed) */
	int input_fd;          /* the input (borrowed; the child gets a copy) */
	bool long_job;         /* the job runner's limits (dns), else a request's */
	/* limits of the kind's own, each 0 for long_job's (intel) */
	uint64_t max_memory;
	int cpu_seconds;
	int64_t deadline_ms;
	cg_privsep_fn on_msg;
	cg_privsep_data_fn on_data;   /* NULL: a DATA frame is malformed */
	bool (*cancelled)(void *ctx); /* optional */
	void *ctx;
} cg_privsep_job;

/* Runs the job. CG_OK: the child answered DONE and exited 0 (or on_msg
 * stopped it). CG_EPARSE: it answered ERROR (*why gets its "error"), or
 * sent something malformed; CG_ETIMEOUT, CG_ELIMIT, CG_EINTERNAL, CG_EIO:
 * it ran past its deadline, crashed or hit a limit, failed, or could not
 * start. *why is one line for the caller's error. */
cg_err cg_privsep_run(const cg_privsep_job *j, cg_buf *why);

/* The child: `canhgac __parser KIND`, from main(). Returns the exit
 * status. */
int cg_privsep_child_main(int argc, char **argv);

#endif
