/*
 * sbmsg.h - the messages between the server and its sandboxed parsers
 * (sandbox.h): a frame is one type byte, a 4-byte big-endian payload
 * length, then the payload (a JSON object whose members depend on the
 * parser: server/privsep.h; raw bytes for CG_SBMSG_DATA).
 *
 * The reader is the side to distrust (the server reading what a possibly
 * subverted child wrote): cg_sbmsg_parse takes a {ptr,len} slice of what
 * has arrived, refuses an unknown type or a length over
 * CG_SANDBOX_MAX_MSG before anything is buffered, and reports an
 * incomplete frame as "need more" without reading past the slice. The
 * payload is then parsed by jansson under its own limits.
 */
#ifndef CG_SANDBOX_SBMSG_H
#define CG_SANDBOX_SBMSG_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"

typedef enum cg_sbmsg_type {
	CG_SBMSG_REQUEST = 1,  /* server -> child: what to do */
	CG_SBMSG_PROGRESS = 2, /* child -> server: how far */
	CG_SBMSG_ITEM = 3,     /* child -> server: one result */
	CG_SBMSG_ERROR = 4,    /* child -> server: why it gave up (one line) */
	CG_SBMSG_DONE = 5,     /* child -> server: finished, with totals */
	CG_SBMSG_DATA = 6,     /* child -> server: raw bytes (a rendered file), not JSON */
} cg_sbmsg_type;

#define CG_SBMSG_HEADER 5

/* Parses the frame at the start of in. CG_OK with *used > 0: *type and
 * *payload (pointing into in) are one message of *used bytes. CG_OK with
 * *used == 0: the frame is not complete yet. CG_EPARSE: an unknown type;
 * CG_ETOOBIG: a length over max (at most CG_SANDBOX_MAX_MSG). */
cg_err cg_sbmsg_parse(cg_slice in, size_t max, uint8_t *type, cg_slice *payload, size_t *used);

/* Appends one frame to out. CG_ETOOBIG when payload is over
 * CG_SANDBOX_MAX_MSG, CG_EINVAL for an unknown type. */
cg_err cg_sbmsg_put(cg_buf *out, uint8_t type, cg_slice payload);

/* Writes one frame to fd (all of it, retrying short writes and EINTR). */
cg_err cg_sbmsg_send(int fd, uint8_t type, cg_slice payload);
/* The same with a JSON object as the payload (compact encoding). */
cg_err cg_sbmsg_send_json(int fd, uint8_t type, const json_t *obj);

/* Reads exactly one frame from a blocking fd into buf (reset first):
 * *type and *payload (into buf). CG_EIO at end of file or on error. */
cg_err cg_sbmsg_recv(int fd, size_t max, cg_buf *buf, uint8_t *type, cg_slice *payload);

#endif
