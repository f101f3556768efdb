/*
 * forward_job.c - the syslog forwarding jobs; see forward_job.h.
 *
 * One fwd_dest per destination: its settings, its connection (kept open
 * between runs, closed on any error and opened again by the next run)
 * and its failure count for the retry interval. Only the runner thread of
 * jobs.c touches it. Messages of a batch are formatted into one buffer and
 * written with one call per batch (TCP, TLS) or one sendto per message
 * (UDP); a slow receiver is given CG_FWD_IO_TIMEOUT_MS per write.
 */
#include "forward_job.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"

typedef struct fwd_dest {
	const cg_fwd_dest *d;
	cg_store *st;
	char job[CG_JOB_NAME_MAX];
	char host[256]; /* this server, in the syslog header */
	int fd;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	int fails;
	cg_buf out;
} fwd_dest;

static fwd_dest g_dests[CG_FWD_MAX_DESTS];

#define RETRY_MIN_MS 2000
#define RETRY_MAX_MS 30000

static void conn_close(fwd_dest *f)
{
	if (f->tls) {
		gnutls_deinit(f->tls);
		f->tls = NULL;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static cg_err fail(cg_buf *why, cg_err err, const char *fmt, const char *detail)
{
	cg_buf_reset(why);
	cg_buf_printf(why, fmt, detail);
	return err;
}

static cg_err tls_start(fwd_dest *f, cg_buf *why)
{
	if (!f->cred) {
		if (gnutls_certificate_allocate_credentials(&f->cred) < 0)
			return CG_ENOMEM;
		int n = f->d->ca_file[0] ? gnutls_certificate_set_x509_trust_file(
		                               f->cred, f->d->ca_file, GNUTLS_X509_FMT_PEM)
		                         : gnutls_certificate_set_x509_system_trust(f->cred);
		if (n <= 0) {
			gnutls_certificate_free_credentials(f->cred);
			f->cred = NULL;
			return fail(why, CG_ETLS, "tls: no CA certificate read from %s",
			            f->d->ca_file[0] ? f->d->ca_file : "the system");
		}
	}
	const char *name = f->d->server_name[0] ? f->d->server_name : f->d->host;
	int rc = gnutls_init(&f->tls, GNUTLS_CLIENT);
	if (rc >= 0)
		rc = gnutls_set_default_priority(f->tls);
	if (rc >= 0)
		rc = gnutls_credentials_set(f->tls, GNUTLS_CRD_CERTIFICATE, f->cred);
	/* an address is not sent as SNI, a name is */
	if (rc >= 0 && !strchr(name, ':') && strspn(name, "0123456789.") != strlen(name))
		rc = gnutls_server_name_set(f->tls, GNUTLS_NAME_DNS, name, strlen(name));
	if (rc < 0)
		return fail(why, CG_ETLS, "tls: %s", gnutls_strerror(rc));
	gnutls_session_set_verify_cert(f->tls, name, 0);
	gnutls_transport_set_int(f->tls, f->fd);
	gnutls_handshake_set_timeout(f->tls, CG_FWD_IO_TIMEOUT_MS);
	do
		rc = gnutls_handshake(f->tls);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
			gnutls_datum_t msg;
			unsigned status = gnutls_session_get_verify_cert_status(f->tls);
			if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
			                                                 &msg, 0) == 0) {
				fail(why, CG_ETLS, "tls: certificate refused: %s",
				     (const char *)msg.data);
				gnutls_free(msg.data);
				return CG_ETLS;
			}
		}
		return fail(why, CG_ETLS, "tls handshake: %s", gnutls_strerror(rc));
	}
	return CG_OK;
}

static cg_err conn_open(fwd_dest *f, cg_buf *why)
{
	char port[8];
	snprintf(port, sizeof port, "%u", f->d->port);
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype =
	                             f->d->transport == CG_FWD_UDP ? SOCK_DGRAM : SOCK_STREAM};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(f->d->host, port, &hints, &res);
	if (rc != 0)
		return fail(why, CG_ENET, "resolve: %s", gai_strerror(rc));
	int err_no = 0;
	for (struct addrinfo *a = res; a && f->fd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		struct timeval tv = {CG_FWD_IO_TIMEOUT_MS / 1000, 0};
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			f->fd = fd;
		else {
			err_no = errno;
			close(fd);
		}
	}
	freeaddrinfo(res);
	if (f->fd < 0)
		return fail(why, CG_ENET, "connect: %s", strerror(err_no ? err_no : ECONNREFUSED));
	if (f->d->transport == CG_FWD_TCP || f->d->transport == CG_FWD_TLS) {
		int one = 1;
		setsockopt(f->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	}
	cg_err err = f->d->transport == CG_FWD_TLS ? tls_start(f, why) : CG_OK;
	if (err)
		conn_close(f);
	return err;
}

/* Whether the receiver closed its end (a TCP receiver never writes). */
static bool peer_closed(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, 0) <= 0)
		return false;
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static cg_err write_all(fwd_dest *f, const char *p, size_t n, cg_buf *why)
{
	while (n > 0) {
		ssize_t w;
		if (f->tls) {
			w = gnutls_record_send(f->tls, p, n);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				continue;
			if (w < 0)
				return fail(why, CG_ENET, "tls write: %s", gnutls_strerror((int)w));
		} else {
			w = send(f->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return fail(why, CG_ENET, "write: %s", strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
	return CG_OK;
}

/* Waits until the receiver's TCP acknowledged every byte written (the
 * send queue is empty): see forward_job.h for what that does and does
 * not promise. */
static cg_err wait_acked(fwd_dest *f, cg_buf *why)
{
	/* the receiver is given CG_FWD_IO_TIMEOUT_MS to acknowledge more,
	 * not the whole batch: a slow one that keeps taking bytes is not
	 * cut off however large the batch */
	int64_t until = cg_mono_ms() + CG_FWD_IO_TIMEOUT_MS;
	int last = -1;
	for (;;) {
		int queued = 0;
		if (ioctl(f->fd, SIOCOUTQ, &queued) != 0)
			return fail(why, CG_ENET, "send queue: %s", strerror(errno));
		if (last >= 0 && queued < last)
			until = cg_mono_ms() + CG_FWD_IO_TIMEOUT_MS;
		last = queued;
		if (queued == 0)
			return peer_closed(f->fd)
			           ? fail(why, CG_ENET, "%s", "the receiver closed the connection")
			           : CG_OK;
		if (peer_closed(f->fd))
			return fail(why, CG_ENET, "%s", "the receiver closed the connection");
		if (cg_mono_ms() > until)
			return fail(why, CG_ETIMEOUT, "%s",
			            "the receiver did not acknowledge what was sent");
		usleep(1000);
	}
}

/* After one message was appended to f->out: a UDP one is sent as its own
 * datagram. *sent counts the messages that went. */
static cg_err message_done(fwd_dest *f, int64_t seq, int64_t *sent, cg_buf *why)
{
	if (f->d->transport == CG_FWD_UDP) {
		ssize_t w = send(f->fd, f->out.ptr, f->out.len, MSG_NOSIGNAL);
		cg_buf_reset(&f->out);
		if (w < 0 && errno == EMSGSIZE) {
			/* over the largest datagram: it can never go by UDP;
			 * skipped rather than blocking the queue */
			cg_warn("forward %s: event %lld too large for UDP", f->d->name,
			        (long long)seq);
			return CG_OK;
		}
		if (w < 0 && errno != ECONNREFUSED)
			return fail(why, CG_ENET, "send: %s", strerror(errno));
	}
	(*sent)++;
	return CG_OK;
}

/* A message not formatted: cannot happen with events from the store
 * (bounded fields); skipped rather than blocking the queue. */
static void not_formatted(fwd_dest *f, int64_t seq, size_t before, cg_err err)
{
	cg_warn("forward %s: event %lld not formatted: %s", f->d->name, (long long)seq,
	        cg_strerror(err));
	f->out.len = before;
}

/* Formats the events the destination wants into f->out (TCP, TLS) or
 * sends each as a datagram (UDP). *sent: how many it wants. */
static cg_err format_batch(fwd_dest *f, const json_t *items, int64_t *sent, cg_buf *why)
{
	*sent = 0;
	cg_buf_reset(&f->out);
	size_t i;
	json_t *ev;
	json_array_foreach(items, i, ev)
	{
		if (!cg_fwd_wants(f->d, ev))
			continue;
		size_t before = f->out.len;
		int64_t seq = json_integer_value(json_object_get(ev, "seq"));
		cg_err err = cg_syslog_message(f->d->format, f->d->transport, f->host, ev, &f->out);
		if (err) {
			not_formatted(f, seq, before, err);
			continue;
		}
		err = message_done(f, seq, sent, why);
		if (err)
			return err;
	}
	return CG_OK;
}

/* The CEF batch being read from the store's rows (no record per event). */
typedef struct row_batch {
	fwd_dest *f;
	int64_t sent;
	cg_buf *why;
	cg_err failed; /* the receiver's error (not the store's) */
} row_batch;

static cg_err format_row_(row_batch *b, const cg_fwd_row *r)
{
	fwd_dest *f = b->f;
	/* connected at the first event read, as for the records: a job with
	 * nothing to send does not connect */
	if (f->fd < 0) {
		cg_err err = conn_open(f, b->why);
		if (err)
			return err;
	}
	if (!cg_fwd_wants_row(f->d, r))
		return CG_OK;
	size_t before = f->out.len;
	cg_err err = cg_syslog_cef_row(f->d->transport, f->host, r, &f->out);
	if (err) {
		not_formatted(f, r->seq, before, err);
		return CG_OK;
	}
	return message_done(f, r->seq, &b->sent, b->why);
}

static cg_err format_row(void *ctx, const cg_fwd_row *r)
{
	row_batch *b = ctx;
	b->failed = format_row_(b, r);
	return b->failed;
}

/* Reads and formats (CEF) or reads (RFC 5424: into *items, formatted by
 * format_batch) the batch after cur. *n: events read. */
static cg_err read_batch(fwd_dest *f, int64_t cur, json_t **items, int64_t *upto, int64_t *n,
                         int64_t *sent, cg_buf *why)
{
	*items = NULL;
	*n = *sent = 0;
	if (f->d->format == CG_FWD_CEF) {
		cg_buf_reset(&f->out);
		row_batch b = {f, 0, why, CG_OK};
		cg_err err =
		    cg_store_event_rows_after(f->st, cur, CG_FWD_BATCH, format_row, &b, upto, n);
		if (b.failed)
			return b.failed; /* connecting or a UDP send: why says so */
		if (err)
			return fail(why, CG_EDB, "store: %s", cg_store_errmsg());
		*sent = b.sent;
		return CG_OK;
	}
	if (cg_store_events_after(f->st, cur, CG_FWD_BATCH, items, upto))
		return fail(why, CG_EDB, "store: %s", cg_store_errmsg());
	*n = (int64_t)json_array_size(*items);
	if (f->fd < 0 && *n > 0) {
		cg_err err = conn_open(f, why);
		if (err)
			return err;
	}
	return format_batch(f, *items, sent, why);
}

/* A batch written but whose cursor has not moved yet. */
typedef struct pending {
	bool on;
	int64_t from, to, sent;
} pending;

/* Waits for the receiver's acknowledgement of the pending batch, then
 * moves the cursor past it. */
static cg_err settle(fwd_dest *f, pending *p, cg_buf *why)
{
	if (!p->on)
		return CG_OK;
	p->on = false;
	cg_err err = f->fd >= 0 && f->d->transport != CG_FWD_UDP ? wait_acked(f, why) : CG_OK;
	if (err)
		return err;
	err = cg_store_fwd_advance(f->st, f->d->name, p->from, p->to, p->sent, cg_time_now_ms());
	if (err == CG_ECONFLICT)
		return fail(why, err, "%s", "another server moved the cursor (lease lost)");
	if (err)
		return fail(why, err, "store: %s", cg_store_errmsg());
	return CG_OK;
}

/* Sends from the cursor on, until caught up or the turn is over. Batch N+1
 * is read and formatted while the receiver still works through batch N;
 * N's acknowledgement is awaited (and the cursor moved) before N+1 is
 * written, so the socket never holds more than one unacknowledged batch.
 * *more: not caught up. */
static cg_err send_from_cursor(fwd_dest *f, bool *more, cg_buf *why)
{
	*more = false;
	int64_t cur = 0;
	if (cg_store_fwd_cursor(f->st, f->d->name, &cur))
		return fail(why, CG_EDB, "store: %s", cg_store_errmsg());
	pending p = {0};
	cg_err err = CG_OK;
	int64_t until = cg_mono_ms() + CG_FWD_TURN_MS;
	for (;;) {
		json_t *items = NULL;
		int64_t upto = 0, n = 0, sent = 0;
		err = read_batch(f, cur, &items, &upto, &n, &sent, why);
		json_decref(items);
		if (err || upto <= cur)
			break;
		bool full = n == CG_FWD_BATCH;
		if (!err)
			err = settle(f, &p, why);
		if (!err && f->out.len && f->d->transport != CG_FWD_UDP)
			err = write_all(f, f->out.ptr, f->out.len, why);
		if (err)
			break;
		p = (pending){true, cur, upto, sent};
		cur = upto;
		if (!full)
			break;
		if (cg_mono_ms() > until) {
			*more = true;
			break;
		}
	}
	if (!err)
		err = settle(f, &p, why);
	return err;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	fwd_dest *f = ctx;
	if (f->fd >= 0 && f->d->transport != CG_FWD_UDP && peer_closed(f->fd))
		conn_close(f); /* the receiver went away between runs */
	/* a long backlog is sent in turns of CG_FWD_TURN_MS, so the other
	 * jobs of the one runner thread (and the other destinations) are not
	 * held up behind it */
	bool more = false;
	cg_err err = send_from_cursor(f, &more, why);
	int64_t now = cg_time_now_ms();
	if (!err) {
		f->fails = 0;
		if (more)
			*next_run_ms = now;
		return CG_OK;
	}
	conn_close(f);
	if (err == CG_ECONFLICT || err == CG_EDB)
		return err; /* the scheduler's retry and last_error */
	/* the receiver's trouble: kept beside the cursor, retried sooner than
	 * the scheduler's backoff so a SIEM back up gets its backlog soon */
	cg_warn("forward %s: %s", f->d->name, cg_buf_cstr(why));
	cg_store_fwd_error(f->st, f->d->name, cg_buf_cstr(why), now);
	int64_t wait = RETRY_MIN_MS;
	for (int i = 0; i < f->fails && wait < RETRY_MAX_MS; i++)
		wait *= 2;
	f->fails++;
	*next_run_ms = now + (wait < RETRY_MAX_MS ? wait : RETRY_MAX_MS);
	return CG_OK;
}

cg_err cg_forward_jobs_add(cg_jobs *j, cg_store *st, const cg_fwd_dest *dests, size_t n)
{
	if (n > CG_FWD_MAX_DESTS)
		return CG_EINVAL;
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "canhgac");
	for (size_t i = 0; i < n; i++) {
		fwd_dest *f = &g_dests[i];
		*f = (fwd_dest){.d = &dests[i], .st = st, .fd = -1};
		snprintf(f->host, sizeof f->host, "%s", host);
		snprintf(f->job, sizeof f->job, "forward:%s", dests[i].name);
		cg_buf_init(&f->out, (size_t)CG_FWD_BATCH * (CG_SYSLOG_MSG_MAX + 16));
		int64_t cur;
		cg_err err = cg_store_fwd_cursor(st, dests[i].name, &cur);
		if (!err)
			err = cg_jobs_add(j, f->job, f->job, CG_FWD_PERIOD_MS, run, f);
		if (err)
			return err;
		cg_info("forward %s: %s://%s:%u as %s, from event %lld", dests[i].name,
		        dests[i].transport == CG_FWD_UDP   ? "udp"
		        : dests[i].transport == CG_FWD_TCP ? "tcp"
		                                           : "tls",
		        dests[i].host, dests[i].port,
		        dests[i].format == CG_FWD_CEF ? "CEF" : "RFC 5424 JSON",
		        (long long)cur + 1);
	}
	return CG_OK;
}
