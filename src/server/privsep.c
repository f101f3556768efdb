/*
 * privsep.c - see privsep.h. The server side builds the child's clean
 * environment and limits and turns each reply frame into a checked JSON
 * object; the child side (cg_privsep_child_main) reads its request, loads
 * what it reads by name, confines itself, then parses.
 *
 * Messages a child sends are bounded by CG_SANDBOX_MAX_MSG; the child's
 * error text reaches API callers, so the server keeps it only when it is
 * valid UTF-8 and cuts it to a line.
 */
#include "privsep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/csv.h"
#include "api/incident_files.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "dns/analyze.h"
#include "dns/input.h"
#include "intel_privsep.h"
#include "render_privsep.h"
#include "sandbox/sandbox.h"
#include "sandbox/sbmsg.h"
#include "version.h"

/* ---- the server side ---------------------------------------------------- */

/* What the child may see of the server's environment: the language, the
 * rules directory and the sanitizers' options; never the store's
 * connection string or any secret. */
static const char *const pass_env[] = {
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "TZ",
    "CANHGAC_RULES_DIR",
    "ASAN_OPTIONS",
    "UBSAN_OPTIONS",
#if CG_TEST_HOOKS
    "CANHGAC_TEST_PARSER_HOOKS",
#endif
};
#define NPASS (sizeof pass_env / sizeof *pass_env)

typedef struct run {
	const cg_privsep_job *j;
	bool done;    /* DONE received */
	bool failed;  /* ERROR received */
	bool stopped; /* on_msg asked to stop */
	cg_buf *why;
} run;

static int on_frame(void *c, uint8_t type, cg_slice payload)
{
	run *r = c;
	json_t *o = NULL;
	if (type == CG_SBMSG_DATA && !r->done && !r->failed && r->j->on_data) {
		/* raw bytes (a rendered file): the caller bounds what it keeps */
		int stop = r->j->on_data(r->j->ctx, payload);
		if (stop)
			r->stopped = true;
		return stop;
	}
	if (type == CG_SBMSG_DATA || r->done || r->failed || cg_json_parse(payload, &o, NULL) ||
	    !json_is_object(o)) {
		json_decref(o);
		cg_buf_reset(r->why);
		cg_buf_puts(r->why, r->done || r->failed ? "the parser said more after its end"
		                                         : "the parser sent a malformed message");
		r->failed = true;
		r->stopped = true;
		return 1;
	}
	if (type == CG_SBMSG_ERROR) {
		r->failed = true;
		const char *e = cg_json_get_str(o, "error");
		cg_buf_reset(r->why);
		if (e && cg_utf8_valid(cg_slice_cstr(e)) && !strpbrk(e, "\r\n")) {
			/* at most 480 bytes, cut between two characters */
			size_t n = strlen(e) > 480 ? 480 : strlen(e);
			while (n && n < strlen(e) && ((unsigned char)e[n] & 0xC0) == 0x80)
				n--;
			cg_buf_append(r->why, e, n);
		} else
			cg_buf_puts(r->why, "the parser gave up");
	} else if (type == CG_SBMSG_DONE) {
		r->done = true;
	}
	int stop = r->j->on_msg(r->j->ctx, type, o);
	json_decref(o);
	if (stop)
		r->stopped = true;
	return stop;
}

static bool run_cancelled(void *c)
{
	run *r = c;
	return r->j->cancelled && r->j->cancelled(r->j->ctx);
}

static int64_t deadline_ms(const cg_privsep_job *j)
{
	int64_t d = j->deadline_ms ? j->deadline_ms
	            : j->long_job  ? CG_PRIVSEP_DNS_DEADLINE_MS
	                           : CG_PRIVSEP_REQ_DEADLINE_MS;
#if CG_TEST_HOOKS
	const char *t = getenv("CANHGAC_TEST_PARSER_DEADLINE_MS");
	int64_t v;
	if (t && cg_parse_i64(cg_slice_cstr(t), 1, d, &v) == CG_OK)
		d = v;
#endif
	return d;
}

cg_err cg_privsep_run(const cg_privsep_job *j, cg_buf *why)
{
	cg_buf req;
	cg_buf_init(&req, CG_SANDBOX_MAX_REQUEST);
	cg_err err = cg_json_encode(&req, j->request);
	if (err) {
		cg_buf_free(&req);
		cg_buf_puts(why, "the parser's request is too large");
		return err;
	}
	/* "NAME=value" strings of the passed variables, on the stack */
	char envbuf[NPASS][1024];
	const char *env[NPASS + 1];
	size_t ne = 0;
	for (size_t i = 0; i < NPASS; i++) {
		const char *v = getenv(pass_env[i]);
		int w = v ? snprintf(envbuf[ne], sizeof envbuf[ne], "%s=%s", pass_env[i], v) : -1;
		if (w > 0 && (size_t)w < sizeof envbuf[ne]) {
			env[ne] = envbuf[ne];
			ne++;
		}
	}
	env[ne] = NULL;
	const char *argv[] = {"canhgac", CG_PRIVSEP_ARGV, j->kind, NULL};
	run r = {.j = j, .why = why};
	cg_sandbox_call c = {
	    .argv = argv,
	    .env = env,
	    .input_fd = j->input_fd,
	    .request = cg_buf_slice(&req),
	    .lim = {.max_memory = j->max_memory ? j->max_memory
	                          : j->long_job ? CG_PRIVSEP_DNS_MEMORY
	                                        : CG_PRIVSEP_REQ_MEMORY,
	            .cpu_seconds = j->cpu_seconds ? j->cpu_seconds
	                           : j->long_job  ? CG_PRIVSEP_DNS_CPU_S
	                                          : CG_PRIVSEP_REQ_CPU_S,
	            .no_caps = true,
	            .no_files = true},
	    .deadline_ms = deadline_ms(j),
	    .on_msg = on_frame,
	    .cancelled = run_cancelled,
	    .ctx = &r,
	};
	err = cg_sandbox_exec(&c, why);
	cg_buf_free(&req);
	if (err)
		return err;
	if (r.failed)
		return CG_EPARSE;
	if (!r.done && !r.stopped) {
		cg_buf_puts(why, "the parser ended without an answer");
		return CG_EPARSE;
	}
	return CG_OK;
}

/* ---- the child ------------------------------------------------------------ */

static void send_error(const char *msg, json_t *extra)
{
	json_t *o = extra ? extra : json_object();
	json_object_set_new(o, "error", cg_json_str(cg_slice_cstr(msg)));
	cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ERROR, o);
	json_decref(o);
}

static void send_done(json_t *o)
{
	cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_DONE, o ? o : json_object());
	json_decref(o);
}

/* The whole input (fd 3), at most max bytes. */
static cg_err read_input(cg_buf *out)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(CG_SANDBOX_FD_INPUT, chunk, sizeof chunk);
		if (n == 0)
			return CG_OK;
		if (n < 0)
			return CG_EIO;
		cg_err err = cg_buf_append(out, chunk, (size_t)n);
		if (err)
			return err;
	}
}

#if CG_TEST_HOOKS
/* The test inputs (privsep.h), recognised by their first bytes. */
static void test_hooks(void)
{
	const char *on = getenv("CANHGAC_TEST_PARSER_HOOKS");
	if (!on || strcmp(on, "1") != 0)
		return;
	char head[64] = "";
	ssize_t n = pread(CG_SANDBOX_FD_INPUT, head, sizeof head - 1, 0);
	if (n < 0 && errno == ESPIPE) {
		/* a pipe (a DNS upload streamed from its blobs): tee(2) copies
		 * its first bytes to a pipe of our own without consuming them */
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0)
			return;
		ssize_t t = tee(CG_SANDBOX_FD_INPUT, p[1], sizeof head - 1, 0);
		n = t > 0 ? read(p[0], head, (size_t)t) : -1;
		close(p[0]);
		close(p[1]);
	}
	if (n <= 0)
		return;
	head[n] = '\0';
	if (strncmp(head, CG_PRIVSEP_TEST_CRASH, strlen(CG_PRIVSEP_TEST_CRASH)) == 0)
		abort();
	if (strncmp(head, CG_PRIVSEP_TEST_LOOP, strlen(CG_PRIVSEP_TEST_LOOP)) == 0)
		for (volatile unsigned long i = 0;; i++)
			;
}
#endif

/* csv: one ITEM per record, as the importer reads them. */
static int child_csv(const json_t *req)
{
	const char *sep = cg_json_get_str(req, "sep");
	cg_buf in;
	cg_buf_init(&in, CG_MAX_REQUEST_BODY);
	if (read_input(&in)) {
		send_error("the CSV could not be read", NULL);
		return 0;
	}
	cg_csv p;
	cg_csv_init(&p, cg_buf_slice(&in), sep && sep[0] == ';' ? ';' : ',');
	for (;;) {
		bool got = false;
		cg_err err = cg_csv_next(&p, &got);
		json_t *o;
		if (err == CG_EPARSE) {
			o = json_pack("{s:I,s:s}", "row", (json_int_t)p.record, "error", p.error);
		} else if (err || !got) {
			break;
		} else {
			json_t *f = json_array();
			for (size_t i = 0; i < cg_csv_nfields(&p); i++)
				json_array_append_new(f, cg_json_str(cg_csv_field(&p, i)));
			o = json_pack("{s:I,s:o}", "row", (json_int_t)p.record, "fields", f);
		}
		if (cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, o)) {
			json_decref(o);
			break; /* the server stopped listening */
		}
		json_decref(o);
		if (p.record > CG_MAX_CSV_ROWS)
			break; /* the server reports "too many rows" and stops */
	}
	cg_csv_free(&p);
	cg_buf_free(&in);
	send_done(NULL);
	return 0;
}

/* sniff: the type of an attachment, told by its bytes. */
static int child_sniff(void)
{
	cg_buf in;
	cg_buf_init(&in, CG_INC_MAX_ATTACH_BYTES);
	if (read_input(&in)) {
		send_error("the file could not be read", NULL);
		return 0;
	}
	const char *type = cg_inc_sniff((const uint8_t *)in.ptr, in.len);
	json_t *o = json_pack("{s:s}", "type", type);
	cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, o);
	json_decref(o);
	cg_buf_free(&in);
	send_done(NULL);
	return 0;
}

/* dns: the analysis of an uploaded log. */
typedef struct dns_ctx {
	cg_dns_analyzer *a;
	cg_dns_stats *st;
	int64_t last_ms;
} dns_ctx;

static json_t *dns_counts(const cg_dns_stats *st)
{
	return json_pack("{s:I,s:I,s:I}", "lines_read", (json_int_t)st->lines, "queries",
	                 (json_int_t)st->queries, "bytes_read", (json_int_t)st->bytes);
}

static int dns_add(void *c, const cg_dns_rec *rec)
{
	dns_ctx *x = c;
	cg_dns_analyzer_add(x->a, rec);
	if ((x->st->queries & 1023) == 0) {
		int64_t now = cg_mono_ms();
		if (now - x->last_ms >= 1000) {
			x->last_ms = now;
			json_t *o = dns_counts(x->st);
			cg_err err = cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_PROGRESS, o);
			json_decref(o);
			if (err)
				return 1; /* the server stopped listening */
		}
	}
	return 0;
}

/* Every file of the blocklist directory; a file that cannot be read is
 * one warning for the server's log. */
static void dns_load_intel(const char *dir, cg_dns_set *bl)
{
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[8400];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		cg_dns_intel_stats st = {0};
		cg_buf why;
		cg_buf_init(&why, 1024);
		if (cg_dns_intel_load(bl, path, &st, &why)) {
			json_t *o = json_pack("{s:o}", "warning", cg_json_str(cg_buf_slice(&why)));
			cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, o);
			json_decref(o);
		}
		cg_buf_free(&why);
	}
	closedir(d);
}

static cg_err dns_send_flagged(cg_dns_analyzer *a)
{
	const uint32_t *ids;
	size_t n;
	cg_err err = cg_dns_analyzer_flagged(a, &ids, &n);
	cg_buf enc;
	cg_buf_init(&enc, CG_MAX_EVENT_JSON);
	for (size_t i = 0; i < n && !err; i++) {
		cg_event ev;
		if ((err = cg_event_init(&ev)))
			break;
		json_t *ej = NULL;
		cg_buf_reset(&enc);
		err = cg_dns_client_event(a, ids[i], NULL, &ev);
		if (!err)
			err = cg_event_encode(&ev, &enc);
		if (!err)
			err = cg_json_parse(cg_buf_slice(&enc), &ej, NULL);
		cg_event_clear(&ev);
		if (!err) {
			json_t *o =
			    json_pack("{s:o,s:o}", "ip", cg_json_str(cg_dns_client_ip(a, ids[i])),
			              "event", ej);
			err = cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, o);
			json_decref(o);
		}
	}
	cg_buf_free(&enc);
	return err;
}

static int child_dns(const json_t *req)
{
	const char *rules = cg_json_get_str(req, "rules");
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_dns_opts o;
	cg_dns_opts_default(&o);
	psl_ctx_t *psl = cg_dns_psl_open();
	cg_dns_dga *dga = NULL;
	cg_dns_set *bl = cg_dns_set_new(), *allow = cg_dns_set_new();
	cg_dns_analyzer *a = NULL;
	cg_err err = psl && bl && allow && rules ? CG_OK : CG_ENOMEM;
	if (!err)
		err = cg_dns_dga_load(rules, &dga, &why);
	if (!err) {
		char apath[4300];
		cg_dns_intel_stats ist = {0};
		snprintf(apath, sizeof apath, "%s/allow.txt", rules);
		cg_dns_intel_load(allow, apath, &ist, NULL);
		dns_load_intel(cg_json_get_str(req, "intel"), bl);
		/* the store's threat intelligence, handed over as a file */
		const char *sf = cg_json_get_str(req, "intel_file");
		if (sf && *sf && cg_dns_intel_load(bl, sf, &ist, &why)) {
			json_t *w = json_pack("{s:o}", "warning", cg_json_str(cg_buf_slice(&why)));
			cg_sbmsg_send_json(CG_SANDBOX_FD_REPLY, CG_SBMSG_ITEM, w);
			json_decref(w);
			cg_buf_reset(&why);
		}
		err = cg_dns_analyzer_new(&o, bl, allow, dga, psl, &a);
	}
	/* everything read by name is read: from here on, the log only (as
	 * standard input, which the readers take as "-") */
	tzset();
	cg_sandbox_limits lim = {.max_memory = CG_PRIVSEP_DNS_MEMORY,
	                         .cpu_seconds = CG_PRIVSEP_DNS_CPU_S,
	                         .no_caps = true,
	                         .no_files = true};
	if (!err && (dup2(CG_SANDBOX_FD_INPUT, 0) < 0 || cg_sandbox_confine(&lim)))
		err = CG_EINTERNAL;
#if CG_TEST_HOOKS
	if (!err)
		test_hooks();
#endif
	cg_dns_stats st = {0};
	if (!err) {
		dns_ctx x = {a, &st, cg_mono_ms()};
		err = cg_dns_read_path("-", CG_DNS_FMT_AUTO, &st, dns_add, &x, NULL, &why);
	}
	if (!err)
		err = dns_send_flagged(a);
	if (err) {
		/* "-: reason" from the readers: the log is the upload */
		const char *w = why.len ? cg_buf_cstr(&why) : cg_strerror(err);
		char msg[600];
		snprintf(msg, sizeof msg, "%s%s",
		         strncmp(w, "-: ", 3) == 0 ? "the uploaded log: " : "",
		         strncmp(w, "-: ", 3) == 0 ? w + 3 : w);
		send_error(msg, dns_counts(&st));
	} else {
		send_done(dns_counts(&st));
	}
	cg_buf_free(&why);
	return 0;
}

int cg_privsep_child_main(int argc, char **argv)
{
	if (argc != 3)
		_exit(2);
	cg_buf rb;
	cg_buf_init(&rb, CG_SANDBOX_MAX_REQUEST);
	uint8_t type = 0;
	cg_slice pl;
	json_t *req = NULL;
	if (cg_sbmsg_recv(CG_SANDBOX_FD_REQUEST, CG_SANDBOX_MAX_REQUEST, &rb, &type, &pl) ||
	    type != CG_SBMSG_REQUEST || cg_json_parse(pl, &req, NULL) || !json_is_object(req))
		_exit(2);
	cg_buf_free(&rb);
	close(CG_SANDBOX_FD_REQUEST);
	const char *kind = argv[2];
	int rc = 2;
	cg_sandbox_limits lim = {.max_memory = CG_PRIVSEP_REQ_MEMORY,
	                         .cpu_seconds = CG_PRIVSEP_REQ_CPU_S,
	                         .no_caps = true,
	                         .no_files = true};
	if (strcmp(kind, "dns") == 0) {
		rc = child_dns(req); /* confines itself once its rules are loaded */
	} else if (strcmp(kind, "csv") == 0 || strcmp(kind, "sniff") == 0) {
		if (cg_sandbox_confine(&lim))
			_exit(3);
#if CG_TEST_HOOKS
		test_hooks();
#endif
		rc = kind[0] == 'c' ? child_csv(req) : child_sniff();
	} else if (strcmp(kind, "intel") == 0) {
		/* jansson and the readers open nothing: confined at once */
		lim.max_memory = CG_PRIVSEP_INTEL_MEMORY;
		lim.cpu_seconds = CG_PRIVSEP_INTEL_CPU_S;
		if (cg_sandbox_confine(&lim))
			_exit(3);
#if CG_TEST_HOOKS
		test_hooks();
#endif
		rc = cg_intel_child(req);
	} else if (strcmp(kind, "render") == 0) {
		rc = cg_render_child(req); /* confines itself once its fonts are loaded */
	}
	json_decref(req);
	/* _exit: no atexit handlers (LeakSanitizer's would need ptrace) */
	_exit(rc);
}
