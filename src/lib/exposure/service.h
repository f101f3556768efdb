/*
 * service.h - reading what a network service says: banners and the
 * answers to canhgac's no-password probes (Redis INFO, Memcached stats,
 * Elasticsearch's root document, MongoDB listDatabases, anonymous FTP).
 *
 * Pure functions over the bytes received (hostile: a service may be a
 * honeypot or an attacker's); ports.c does the talking. Each says whether
 * the service answered *without a password* and, when it can tell, the
 * product version.
 */
#ifndef CG_XP_SERVICE_H
#define CG_XP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef enum cg_xsvc_answer {
	CG_XSVC_UNKNOWN = 0, /* not the expected protocol, or no answer */
	CG_XSVC_OPEN,        /* answered without a password */
	CG_XSVC_PROTECTED,   /* asked for authentication */
} cg_xsvc_answer;

/* Printable text of a banner: control bytes as '.', at most n-1 bytes,
 * cut at the first line end after 200 bytes. */
void cg_xsvc_banner_text(cg_slice in, char *out, size_t n);

cg_xsvc_answer cg_xsvc_redis(cg_slice reply, char *version, size_t vn);
cg_xsvc_answer cg_xsvc_memcached(cg_slice reply, char *version, size_t vn);
cg_xsvc_answer cg_xsvc_elastic(cg_slice http_reply, char *version, size_t vn);
cg_xsvc_answer cg_xsvc_mongo(cg_slice reply);
/* The FTP reply code at the start of the last complete line, or 0. */
int cg_xsvc_ftp_code(cg_slice reply);

/* The MongoDB OP_MSG {listDatabases: 1, $db: "admin"} request, into out
 * (about 60 bytes). */
size_t cg_xsvc_mongo_request(unsigned char *out, size_t n);

#endif
