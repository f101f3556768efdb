/*
 * ports.h - TCP connect scan, banner grabbing and safe no-password probes.
 *
 * The scan opens non-blocking connections to every (host, port), host by
 * host interleaved so that no host gets a burst, under a global and a
 * per-host rate and a cap on connections in flight; a port is open when
 * the connection completes. Each open port is then read for a banner
 * and, when the service is one canhgac can ask safely without a password
 * (Redis INFO, Memcached stats, Elasticsearch GET /, MongoDB
 * listDatabases, FTP USER anonymous), asked once. Nothing is written to a
 * service, no command that changes state is sent, no password is tried.
 *
 * The verdicts - which open services should not face the network
 * (open_service) and which answered without a password
 * (anonymous_access) - are made here, from one table of ports and
 * services.
 */
#ifndef CG_XP_PORTS_H
#define CG_XP_PORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/event.h"
#include "service.h"

typedef struct cg_xport_opts {
	double rate;          /* connection attempts a second, 0 = no limit */
	double per_host_rate; /* the same for one host */
	int parallel;         /* connections in flight */
	long timeout_ms;      /* connect timeout */
	long banner_ms;       /* how long to wait for a banner or an answer */
} cg_xport_opts;

typedef struct cg_xport_result {
	size_t host; /* index into the hosts given */
	uint16_t port;
	char service[24]; /* "redis", "ftp", "ssh", ... or "unknown" */
	char banner[256];
	char version[64];
	cg_xsvc_answer anon;
	const char *probe; /* what was asked, NULL when nothing */
} cg_xport_result;

/* "top" (the shipped list of commonly exposed ports) or a list such as
 * "21,22,8000-8100". */
cg_err cg_xports_parse(const char *spec, uint16_t **ports, size_t *n, cg_buf *why);

/* Scans hosts (names or addresses) on ports; the open ones, probed, in
 * *out (the caller frees it). err[h] (may be NULL) gets why a host could
 * not be scanned at all (no address). */
cg_err cg_xports_scan(const char *const *hosts, size_t nh, const uint16_t *ports, size_t np,
                      const cg_xport_opts *o, cg_xport_result **out, size_t *nout,
                      char (*err)[128]);

/* The finding a result makes: kind "anonymous_access" or "open_service"
 * with its severity, or NULL when the port is fine to be open. */
const char *cg_xport_verdict(const cg_xport_result *r, cg_severity *sev, char *summary, size_t n);

#endif
