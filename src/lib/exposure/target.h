/*
 * target.h - what `scan exposure` is pointed at: a URL, a host, host:port,
 * an IP address or a CIDR range, turned into hosts and web bases.
 *
 * A URL is scanned as given (its scheme, port and path). A host or an IP
 * alone is tried over both http:// and https:// on their default ports;
 * host:port over https when the port is 443 or 8443, else http. A CIDR
 * gives every host address of the range (IPv4 network and broadcast
 * addresses left out), at most max_hosts of them: a /24 by default, more
 * only when the user raises --max-hosts, so a typo cannot scan a /8.
 * Host names are letters, digits, '-' and '.', nothing that a shell or a
 * URL would read differently.
 *
 * Ownership: cg_xtargets owns its entries; cg_xtargets_free frees them.
 */
#ifndef CG_XP_TARGET_H
#define CG_XP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct cg_xtarget {
	char *input;     /* the argument it came from */
	char *host;      /* name or address, IPv6 without brackets */
	int port;        /* 0: the scheme's default */
	char *scheme;    /* "http", "https", or NULL for both */
	char *path;      /* base path of a URL target, "" otherwise */
	bool from_range; /* one address of a CIDR: silence is not an error */
} cg_xtarget;

typedef struct cg_xtargets {
	cg_xtarget *v;
	size_t n, cap;
} cg_xtargets;

/* Appends the hosts of one argument. On a bad argument returns an error
 * with *why saying what is wrong (nothing is appended). */
cg_err cg_xtargets_add(cg_xtargets *ts, const char *arg, size_t max_hosts, cg_buf *why);
void cg_xtargets_free(cg_xtargets *ts);

/* "[::1]" for IPv6 addresses, the host otherwise, into out. */
cg_err cg_xtarget_authority(const cg_xtarget *t, const char *scheme, cg_buf *out);

#endif
