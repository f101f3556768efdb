/*
 * ports.c - connect scan and probes (see ports.h).
 *
 * The connect scan is one poll() loop over at most `parallel` sockets.
 * The probes of open ports run afterwards on a few threads, each probe
 * a blocking exchange on its own connection with receive/send timeouts:
 * they are few (open ports) and mostly wait on the peer.
 */
#include "ports.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"

/* ---- the table of services --------------------------------------------- */

typedef struct svc {
	uint16_t port;
	const char *name;
	cg_severity exposed; /* CG_SEV_INFO: fine to be open */
} svc;

static const svc services[] = {
    {21, "ftp", CG_SEV_MEDIUM},
    {22, "ssh", CG_SEV_INFO},
    {23, "telnet", CG_SEV_HIGH},
    {25, "smtp", CG_SEV_INFO},
    {53, "dns", CG_SEV_INFO},
    {80, "http", CG_SEV_INFO},
    {81, "http", CG_SEV_INFO},
    {110, "pop3", CG_SEV_INFO},
    {111, "rpcbind", CG_SEV_MEDIUM},
    {135, "msrpc", CG_SEV_HIGH},
    {139, "netbios-smb", CG_SEV_HIGH},
    {143, "imap", CG_SEV_INFO},
    {389, "ldap", CG_SEV_MEDIUM},
    {443, "https", CG_SEV_INFO},
    {445, "smb", CG_SEV_HIGH},
    {465, "smtps", CG_SEV_INFO},
    {554, "rtsp", CG_SEV_MEDIUM},
    {587, "submission", CG_SEV_INFO},
    {631, "ipp", CG_SEV_LOW},
    {873, "rsync", CG_SEV_MEDIUM},
    {993, "imaps", CG_SEV_INFO},
    {995, "pop3s", CG_SEV_INFO},
    {1080, "socks", CG_SEV_MEDIUM},
    {1433, "mssql", CG_SEV_HIGH},
    {1521, "oracle", CG_SEV_HIGH},
    {1723, "pptp", CG_SEV_LOW},
    {1883, "mqtt", CG_SEV_MEDIUM},
    {2049, "nfs", CG_SEV_HIGH},
    {2181, "zookeeper", CG_SEV_MEDIUM},
    {2375, "docker", CG_SEV_CRITICAL},
    {2376, "docker-tls", CG_SEV_MEDIUM},
    {3000, "http-alt", CG_SEV_INFO},
    {3128, "http-proxy", CG_SEV_LOW},
    {3306, "mysql", CG_SEV_HIGH},
    {3389, "rdp", CG_SEV_MEDIUM},
    {4443, "https-alt", CG_SEV_INFO},
    {5000, "http-alt", CG_SEV_INFO},
    {5432, "postgresql", CG_SEV_HIGH},
    {5601, "kibana", CG_SEV_MEDIUM},
    {5672, "amqp", CG_SEV_MEDIUM},
    {5900, "vnc", CG_SEV_HIGH},
    {5984, "couchdb", CG_SEV_HIGH},
    {5985, "winrm", CG_SEV_MEDIUM},
    {6379, "redis", CG_SEV_HIGH},
    {6443, "kubernetes", CG_SEV_MEDIUM},
    {7001, "weblogic", CG_SEV_MEDIUM},
    {7547, "tr-069", CG_SEV_MEDIUM},
    {8000, "http-alt", CG_SEV_INFO},
    {8008, "http-alt", CG_SEV_INFO},
    {8009, "ajp", CG_SEV_HIGH},
    {8080, "http-alt", CG_SEV_INFO},
    {8081, "http-alt", CG_SEV_INFO},
    {8086, "influxdb", CG_SEV_MEDIUM},
    {8088, "http-alt", CG_SEV_INFO},
    {8291, "mikrotik-winbox", CG_SEV_MEDIUM},
    {8443, "https-alt", CG_SEV_INFO},
    {8728, "mikrotik-api", CG_SEV_MEDIUM},
    {8888, "http-alt", CG_SEV_INFO},
    {9000, "http-alt", CG_SEV_INFO},
    {9042, "cassandra", CG_SEV_HIGH},
    {9090, "http-alt", CG_SEV_INFO},
    {9092, "kafka", CG_SEV_MEDIUM},
    {9200, "elasticsearch", CG_SEV_HIGH},
    {9300, "elasticsearch-transport", CG_SEV_MEDIUM},
    {10000, "webmin", CG_SEV_MEDIUM},
    {10250, "kubelet", CG_SEV_HIGH},
    {11211, "memcached", CG_SEV_HIGH},
    {15672, "rabbitmq-admin", CG_SEV_MEDIUM},
    {27017, "mongodb", CG_SEV_HIGH},
    {27018, "mongodb", CG_SEV_HIGH},
    {37777, "dahua-dvr", CG_SEV_MEDIUM},
    {50000, "sap", CG_SEV_MEDIUM},
};
#define NSERVICES (sizeof services / sizeof *services)

static const svc *by_port(uint16_t p)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (services[i].port == p)
			return &services[i];
	return NULL;
}

static const svc *by_name(const char *n)
{
	for (size_t i = 0; i < NSERVICES; i++)
		if (!strcmp(services[i].name, n))
			return &services[i];
	return NULL;
}

cg_err cg_xports_parse(const char *spec, uint16_t **ports, size_t *n, cg_buf *why)
{
	*ports = NULL;
	*n = 0;
	static bool seen[65536];
	memset(seen, 0, sizeof seen);
	uint16_t *v = malloc(65536 * sizeof *v);
	if (!v)
		return CG_ENOMEM;
	size_t k = 0;
	if (!strcmp(spec, "top")) {
		for (size_t i = 0; i < NSERVICES; i++)
			v[k++] = services[i].port;
		*ports = v;
		*n = k;
		return CG_OK;
	}
	cg_slice rest = cg_slice_cstr(spec);
	while (rest.ptr && rest.len) {
		cg_slice item = cg_slice_trim(cg_slice_cut(rest, ',', &rest));
		cg_slice hi;
		cg_slice lo = cg_slice_cut(item, '-', &hi);
		int64_t a, b;
		if (cg_parse_i64(cg_slice_trim(lo), 1, 65535, &a) ||
		    (hi.ptr ? cg_parse_i64(cg_slice_trim(hi), a, 65535, &b) : (b = a, 0))) {
			cg_buf_reset(why);
			cg_buf_printf(why,
			              "--ports: '%.*s' is not a port or a range of ports (1-65535)",
			              (int)(item.len > 40 ? 40 : item.len), item.ptr);
			free(v);
			return CG_EINVAL;
		}
		for (int64_t p = a; p <= b; p++)
			if (!seen[p]) {
				seen[p] = true;
				v[k++] = (uint16_t)p;
			}
	}
	if (!k) {
		cg_buf_reset(why);
		cg_buf_printf(why, "--ports: no port given");
		free(v);
		return CG_EINVAL;
	}
	*ports = v;
	*n = k;
	return CG_OK;
}

/* ---- connect scan ----------------------------------------------------------- */

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct haddr {
	struct sockaddr_storage sa;
	socklen_t len;
	bool ok;
	double next;
} haddr;

typedef struct slot {
	int fd;
	size_t host;
	uint16_t port;
	double deadline;
} slot;

static void set_port(struct sockaddr_storage *sa, uint16_t port)
{
	if (sa->ss_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/* A connection to one's own address whose source port happens to be the
 * destination port connects to itself (TCP simultaneous open): on
 * loopback, ports in the ephemeral range would look open. */
static bool self_connect(int fd)
{
	struct sockaddr_storage a, b;
	socklen_t la = sizeof a, lb = sizeof b;
	if (getsockname(fd, (struct sockaddr *)&a, &la) ||
	    getpeername(fd, (struct sockaddr *)&b, &lb))
		return false;
	return la == lb && memcmp(&a, &b, la) == 0;
}

static cg_err push_open(cg_xport_result **out, size_t *n, size_t *cap, size_t host, uint16_t port)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		cg_xport_result *nv = realloc(*out, nc * sizeof *nv);
		if (!nv)
			return CG_ENOMEM;
		*out = nv;
		*cap = nc;
	}
	cg_xport_result *r = &(*out)[(*n)++];
	memset(r, 0, sizeof *r);
	r->host = host;
	r->port = port;
	return CG_OK;
}

static cg_err connect_scan(haddr *ha, size_t nh, const uint16_t *ports, size_t np,
                           const cg_xport_opts *o, cg_xport_result **out, size_t *nout)
{
	int par = o->parallel > 0 ? o->parallel : 256;
	slot *sl = calloc((size_t)par, sizeof *sl);
	struct pollfd *pf = calloc((size_t)par, sizeof *pf);
	if (!sl || !pf) {
		free(sl);
		free(pf);
		return CG_ENOMEM;
	}
	for (int i = 0; i < par; i++)
		sl[i].fd = -1;
	size_t cap = 0, next = 0, total = nh * np;
	int inflight = 0;
	double gnext = mono();
	double gi = o->rate > 0 ? 1.0 / o->rate : 0,
	       hi = o->per_host_rate > 0 ? 1.0 / o->per_host_rate : 0;
	cg_err err = CG_OK;
	while ((next < total || inflight) && !err) {
		double now = mono();
		/* start what the limits allow; jobs go port-major so hosts interleave */
		for (int i = 0; i < par && next < total; i++) {
			if (sl[i].fd >= 0)
				continue;
			if (gi > 0 && now < gnext)
				break;
			size_t h = next % nh;
			uint16_t port = ports[next / nh];
			if (!ha[h].ok) {
				next++;
				i--;
				continue;
			}
			if (hi > 0 && now < ha[h].next)
				break; /* keep the order: this host's turn comes back */
			next++;
			if (gi > 0)
				gnext = (gnext < now ? now : gnext) + gi;
			if (hi > 0)
				ha[h].next = (ha[h].next < now ? now : ha[h].next) + hi;
			struct sockaddr_storage sa = ha[h].sa;
			set_port(&sa, port);
			int fd =
			    socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (fd < 0) {
				err = CG_EIO;
				break;
			}
			int rc = connect(fd, (struct sockaddr *)&sa, ha[h].len);
			if (rc == 0) {
				if (!self_connect(fd))
					err = push_open(out, nout, &cap, h, port);
				close(fd);
				continue;
			}
			if (errno != EINPROGRESS) {
				close(fd);
				continue;
			}
			sl[i] = (slot){fd, h, port, now + (double)o->timeout_ms / 1000.0};
			inflight++;
		}
		int n = 0;
		int map[CG_XP_MAX_CONNECTS];
		for (int i = 0; i < par; i++)
			if (sl[i].fd >= 0) {
				pf[n] = (struct pollfd){.fd = sl[i].fd, .events = POLLOUT};
				map[n++] = i;
			}
		int wait = 50;
		if (gi > 0 && next < total) {
			int w = (int)((gnext - now) * 1000.0);
			if (w < wait)
				wait = w < 1 ? 1 : w;
		}
		if (n == 0) {
			if (next < total)
				poll(NULL, 0, wait);
			continue;
		}
		int rc = poll(pf, (nfds_t)n, wait);
		now = mono();
		for (int k = 0; k < n; k++) {
			slot *s = &sl[map[k]];
			bool done = false;
			if (rc > 0 && pf[k].revents) {
				int soerr = 0;
				socklen_t len = sizeof soerr;
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
				if (soerr == 0 && !err && !self_connect(s->fd))
					err = push_open(out, nout, &cap, s->host, s->port);
				done = true;
			} else if (now >= s->deadline) {
				done = true; /* filtered */
			}
			if (done) {
				close(s->fd);
				s->fd = -1;
				inflight--;
			}
		}
	}
	for (int i = 0; i < par; i++)
		if (sl[i].fd >= 0)
			close(sl[i].fd);
	free(sl);
	free(pf);
	return err;
}

/* ---- probes ------------------------------------------------------------------- */

static int dial(const haddr *h, uint16_t port, long ms)
{
	struct sockaddr_storage sa = h->sa;
	set_port(&sa, port);
	int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, (struct sockaddr *)&sa, h->len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what arrives within the timeout, up to n bytes (stops early on a
 * complete line when line is set). */
static size_t rd(int fd, char *buf, size_t n, bool line)
{
	size_t k = 0;
	while (k < n) {
		ssize_t r = read(fd, buf + k, n - k);
		if (r <= 0)
			break;
		k += (size_t)r;
		if (line && memchr(buf, '\n', k))
			break;
	}
	return k;
}

static bool wr(int fd, const void *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n;
}

/* Asks once on a new connection; the reply in buf. */
static size_t ask(const haddr *h, uint16_t port, long ms, const void *req, size_t rl, char *buf,
                  size_t n, bool line)
{
	int fd = dial(h, port, ms);
	if (fd < 0)
		return 0;
	size_t k = 0;
	if (wr(fd, req, rl))
		k = rd(fd, buf, n, line);
	close(fd);
	return k;
}

static void set_svc(cg_xport_result *r, const char *name)
{
	snprintf(r->service, sizeof r->service, "%s", name);
}

static void probe_ftp(const haddr *h, cg_xport_result *r, long ms)
{
	int fd = dial(h, r->port, ms);
	if (fd < 0)
		return;
	char b[CG_XP_MAX_BANNER];
	size_t k = rd(fd, b, sizeof b, true);
	r->probe = "USER anonymous";
	if (cg_xsvc_ftp_code(cg_slice_from(b, k)) == 220 && wr(fd, "USER anonymous\r\n", 16)) {
		k = rd(fd, b, sizeof b, true);
		int c = cg_xsvc_ftp_code(cg_slice_from(b, k));
		if (c == 331 && wr(fd, "PASS canhgac@example.invalid\r\n", 30)) {
			k = rd(fd, b, sizeof b, true);
			c = cg_xsvc_ftp_code(cg_slice_from(b, k));
		}
		r->anon = c == 230                             ? CG_XSVC_OPEN
		          : (c == 530 || c == 331 || c == 332) ? CG_XSVC_PROTECTED
		                                               : CG_XSVC_UNKNOWN;
		wr(fd, "QUIT\r\n", 6);
	}
	close(fd);
}

static bool probe_redis(const haddr *h, cg_xport_result *r, long ms)
{
	char b[CG_XP_MAX_BANNER];
	size_t k = ask(h, r->port, ms, "INFO server\r\n", 13, b, sizeof b, false);
	cg_xsvc_answer a = cg_xsvc_redis(cg_slice_from(b, k), r->version, sizeof r->version);
	if (a == CG_XSVC_UNKNOWN)
		return false;
	set_svc(r, "redis");
	r->probe = "INFO server";
	r->anon = a;
	return true;
}

static bool probe_memcached(const haddr *h, cg_xport_result *r, long ms)
{
	char b[CG_XP_MAX_BANNER];
	size_t k = ask(h, r->port, ms, "stats\r\n", 7, b, sizeof b, false);
	cg_xsvc_answer a = cg_xsvc_memcached(cg_slice_from(b, k), r->version, sizeof r->version);
	if (a == CG_XSVC_UNKNOWN)
		return false;
	set_svc(r, "memcached");
	r->probe = "stats";
	r->anon = a;
	return true;
}

static bool probe_http(const haddr *h, cg_xport_result *r, long ms)
{
	static const char req[] = "GET / HTTP/1.0\r\nUser-Agent: canhgac exposure scan\r\n\r\n";
	char b[16384];
	size_t k = ask(h, r->port, ms, req, sizeof req - 1, b, sizeof b, false);
	if (k < 5 || memcmp(b, "HTTP/", 5))
		return false;
	cg_xsvc_answer a = cg_xsvc_elastic(cg_slice_from(b, k), r->version, sizeof r->version);
	if (a != CG_XSVC_UNKNOWN) {
		set_svc(r, "elasticsearch");
		r->probe = "GET /";
		r->anon = a;
	} else if (!r->service[0] || !strcmp(r->service, "unknown")) {
		set_svc(r, "http");
	}
	const char *eol = memchr(b, '\r', k);
	if (!r->banner[0])
		cg_xsvc_banner_text(cg_slice_from(b, eol ? (size_t)(eol - b) : k), r->banner,
		                    sizeof r->banner);
	return true;
}

static bool probe_mongo(const haddr *h, cg_xport_result *r, long ms)
{
	unsigned char req[128];
	size_t rl = cg_xsvc_mongo_request(req, sizeof req);
	char b[CG_XP_MAX_BANNER];
	size_t k = ask(h, r->port, ms, req, rl, b, sizeof b, false);
	cg_xsvc_answer a = cg_xsvc_mongo(cg_slice_from(b, k));
	if (a == CG_XSVC_UNKNOWN)
		return false;
	set_svc(r, "mongodb");
	r->probe = "listDatabases";
	r->anon = a;
	return true;
}

static void probe_one(const haddr *h, cg_xport_result *r, long ms)
{
	const svc *s = by_port(r->port);
	set_svc(r, s ? s->name : "unknown");
	/* what the service says first */
	int fd = dial(h, r->port, ms);
	if (fd < 0)
		return;
	char b[CG_XP_MAX_BANNER];
	size_t k = rd(fd, b, sizeof b, true);
	close(fd);
	cg_slice ban = cg_slice_from(b, k);
	cg_xsvc_banner_text(ban, r->banner, sizeof r->banner);
	if (k) {
		if (cg_slice_starts_with(ban, CG_SLICE("SSH-")))
			set_svc(r, "ssh");
		else if (cg_slice_starts_with(ban, CG_SLICE("220")) && !memmem(b, k, "SMTP", 4) &&
		         !memmem(b, k, "ESMTP", 5)) {
			set_svc(r, "ftp");
			probe_ftp(h, r, ms);
		} else if (cg_slice_starts_with(ban, CG_SLICE("220")))
			set_svc(r, "smtp");
		else if (cg_slice_starts_with(ban, CG_SLICE("RFB ")))
			set_svc(r, "vnc");
		else if (k > 5 && b[4] == 0x0a &&
		         (memmem(b, k, "mysql", 5) || memmem(b, k, "MariaDB", 7) ||
		          memmem(b, k, "5.", 2) || memmem(b, k, "8.", 2)))
			set_svc(r, "mysql");
		return;
	}
	/* silent: ask in the service's own words, the port's service first */
	const char *name = r->service;
	if (!strcmp(name, "redis") && probe_redis(h, r, ms))
		return;
	if (!strcmp(name, "memcached") && probe_memcached(h, r, ms))
		return;
	if (!strcmp(name, "mongodb") && probe_mongo(h, r, ms))
		return;
	if (!strcmp(name, "elasticsearch") && probe_http(h, r, ms))
		return;
	if (!strcmp(name, "unknown") || (s && s->exposed == CG_SEV_INFO)) {
		if (probe_http(h, r, ms))
			return;
		if (probe_redis(h, r, ms))
			return;
		probe_memcached(h, r, ms);
	}
}

typedef struct pool {
	const haddr *ha;
	cg_xport_result *res;
	size_t n, next;
	long ms;
	pthread_mutex_t mu;
} pool;

static void *worker(void *arg)
{
	pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		probe_one(&p->ha[p->res[i].host], &p->res[i], p->ms);
	}
}

static int by_host_port(const void *a, const void *b)
{
	const cg_xport_result *x = a, *y = b;
	if (x->host != y->host)
		return x->host < y->host ? -1 : 1;
	return (x->port > y->port) - (x->port < y->port);
}

cg_err cg_xports_scan(const char *const *hosts, size_t nh, const uint16_t *ports, size_t np,
                      const cg_xport_opts *o, cg_xport_result **out, size_t *nout, char (*err)[128])
{
	*out = NULL;
	*nout = 0;
	haddr *ha = calloc(nh + 1, sizeof *ha);
	if (!ha)
		return CG_ENOMEM;
	for (size_t i = 0; i < nh; i++) {
		struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
		int rc = getaddrinfo(hosts[i], NULL, &hints, &ai);
		if (rc) {
			if (err)
				snprintf(err[i], sizeof err[i], "%s", gai_strerror(rc));
			continue;
		}
		memcpy(&ha[i].sa, ai->ai_addr, ai->ai_addrlen);
		ha[i].len = ai->ai_addrlen;
		ha[i].ok = true;
		if (err)
			err[i][0] = '\0';
		freeaddrinfo(ai);
	}
	cg_xport_opts oo = *o;
	if (oo.parallel <= 0 || oo.parallel > CG_XP_MAX_CONNECTS)
		oo.parallel = CG_XP_MAX_CONNECTS;
	cg_err e = connect_scan(ha, nh, ports, np, &oo, out, nout);
	if (!e && *nout) {
		qsort(*out, *nout, sizeof **out, by_host_port);
		pool p = {.ha = ha, .res = *out, .n = *nout, .ms = o->banner_ms};
		pthread_mutex_init(&p.mu, NULL);
		pthread_t th[CG_XP_PROBE_THREADS];
		int nt = 0;
		for (; nt < CG_XP_PROBE_THREADS && (size_t)nt < *nout; nt++)
			if (pthread_create(&th[nt], NULL, worker, &p))
				break;
		if (nt == 0)
			worker(&p);
		for (int i = 0; i < nt; i++)
			pthread_join(th[i], NULL);
		pthread_mutex_destroy(&p.mu);
	}
	free(ha);
	return e;
}

const char *cg_xport_verdict(const cg_xport_result *r, cg_severity *sev, char *summary, size_t n)
{
	const svc *s = by_name(r->service);
	if (!s)
		s = by_port(r->port);
	if (r->anon == CG_XSVC_OPEN) {
		*sev = !strcmp(r->service, "ftp") ? CG_SEV_MEDIUM : CG_SEV_HIGH;
		snprintf(summary, n, "%s on port %u answers without a password (%s)", r->service,
		         (unsigned)r->port, r->probe ? r->probe : "probe");
		return "anonymous_access";
	}
	if (s && s->exposed > CG_SEV_INFO && strcmp(r->service, "http") != 0) {
		*sev = s->exposed;
		snprintf(summary, n, "%s reachable on port %u", r->service, (unsigned)r->port);
		return "open_service";
	}
	return NULL;
}
