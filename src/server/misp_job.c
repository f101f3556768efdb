/*
 * misp_job.c - the scheduled MISP pushes (misp_job.h): the [misp.NAME]
 * sections, and a run: the window since the last accepted delivery as
 * MISP events (share/misp.h), POSTed, recorded (store_natreport.h).
 */
#include "misp_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config_sections.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "share/intel_feed.h"
#include "share/misp.h"
#include "share/stix_export.h"
#include "store/store_natreport.h"

static const char *const dest_keys[] = {"url", "key_file", "distribution", "sharing_group",
                                        "tlp", "interval", "ca_file",      "province"};

static cg_err bad(cg_buf *why, const cg_config *ini, const char *sec, const char *key,
                  const char *msg)
{
	cg_buf_reset(why);
	cg_buf_printf(why, "%s: [%s]%s%s: %s", cg_config_name(ini), sec, key ? " " : "",
	              key ? key : "", msg);
	return CG_EINVAL;
}

/* The auth key: one printable token in the file. */
static cg_err read_key(const cg_config *ini, const char *sec, const char *path, char *out, size_t n,
                       cg_buf *why)
{
	cg_buf k, r;
	cg_buf_init(&k, n - 1);
	cg_buf_init(&r, 1024);
	cg_err err = cg_read_file(path, &k, &r);
	if (err) {
		char msg[1200];
		snprintf(msg, sizeof msg, "%s", cg_buf_cstr(&r));
		err = bad(why, ini, sec, "key_file", msg);
	} else {
		cg_slice t = cg_buf_slice(&k);
		while (t.len && (unsigned char)t.ptr[t.len - 1] <= 0x20)
			t.len--;
		while (t.len && (unsigned char)t.ptr[0] <= 0x20)
			t.ptr++, t.len--;
		for (size_t i = 0; i < t.len && !err; i++)
			if ((unsigned char)t.ptr[i] < 0x21 || (unsigned char)t.ptr[i] > 0x7e)
				err = CG_EINVAL;
		if (err || !t.len)
			err =
			    bad(why, ini, sec, "key_file", "must hold one printable MISP auth key");
		else
			memcpy(out, t.ptr, t.len);
	}
	if (k.ptr)
		explicit_bzero(k.ptr, k.len);
	cg_buf_free(&k);
	cg_buf_free(&r);
	return err;
}

/* One [section] into item (a cg_misp_dest: cg_config_read_sections' callback). */
static cg_err one_dest(const cg_config *ini, const char *sec, void *item, cg_buf *why)
{
	cg_misp_dest *d = item;
	memset(d, 0, sizeof *d);
	const char *name = sec + strlen("misp.");
	snprintf(d->name, sizeof d->name, "%s", name);
	snprintf(d->job, sizeof d->job, "misp:%s", name);
	const char *url = cg_config_get(ini, sec, "url");
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) ||
	    strlen(url) >= sizeof d->url - 128)
		return bad(why, ini, sec, "url", "must be an http:// or https:// URL");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return bad(why, ini, sec, "url", "must be printable ASCII");
	/* the URL is recorded with each run and shown (its errors name it):
	 * no password in it; MISP takes its key in a header */
	const char *host = strstr(url, "://") + 3;
	if (memchr(host, '@', strcspn(host, "/?#")))
		return bad(why, ini, sec, "url",
		           "must not hold a user:password (the auth key goes in key_file)");
	snprintf(d->url, sizeof d->url, "%s", url);
	if (d->url[strlen(d->url) - 1] == '/')
		d->url[strlen(d->url) - 1] = 0;
	const char *kf = cg_config_get(ini, sec, "key_file");
	if (!kf)
		return bad(why, ini, sec, "key_file", "is needed (the MISP auth key)");
	const char *ca = cg_config_get(ini, sec, "ca_file");
	if (ca && snprintf(d->ca_file, sizeof d->ca_file, "%s", ca) >= (int)sizeof d->ca_file)
		return bad(why, ini, sec, "ca_file", "path too long");
	const char *prov = cg_config_get(ini, sec, "province");
	if (prov &&
	    snprintf(d->province, sizeof d->province, "%s", prov) >= (int)sizeof d->province)
		return bad(why, ini, sec, "province", "too long");
	const char *tlp = cg_config_get(ini, sec, "tlp");
	d->tlp = CG_TLP_GREEN;
	if (tlp && cg_tlp_parse(tlp, &d->tlp))
		return bad(why, ini, sec, "tlp",
		           "must be clear, green, amber, amber+strict or red");
	int64_t dist = 1;
	cg_err err = cg_config_get_int(ini, sec, "distribution", 0, 4, 1, &dist, why);
	if (!err)
		err = cg_config_get_int(ini, sec, "sharing_group", 0, INT32_MAX, 0,
		                        &d->sharing_group, why);
	if (!err)
		err = cg_config_get_int(ini, sec, "interval", CG_INTEL_MIN_PERIOD_S, 366 * 86400,
		                        CG_INTEL_PERIOD_S, &d->interval_s, why);
	if (err)
		return err;
	d->distribution = (int)dist;
	if (d->sharing_group && dist != 4)
		return bad(why, ini, sec, "sharing_group", "goes with distribution = 4");
	return read_key(ini, sec, kf, d->key, sizeof d->key, why);
}

cg_err cg_misp_dests_from_config(const cg_config *ini, cg_misp_dest **out, size_t *n, cg_buf *why)
{
	static const cg_config_sections rules = {
	    .prefix = "misp.",
	    .keys = dest_keys,
	    .nkeys = sizeof dest_keys / sizeof *dest_keys,
	    .max = CG_MISP_MAX_DESTS,
	    .name_max = CG_INTEL_NAME_MAX,
	    .name_rule = "the name must be 1-64 letters, digits, '-', '_' or '.'",
	};
	void *items;
	cg_err err = cg_config_read_sections(ini, &rules, sizeof **out, one_dest, &items, n, why);
	*out = items;
	return err;
}

/* ---- a run ------------------------------------------------------------ */

typedef struct dest_job {
	const cg_misp_dest *d;
	cg_store *st;
} dest_job;

static struct {
	dest_job jobs[CG_MISP_MAX_DESTS];
	size_t n;
	cg_jobs *runner;
} g;

static cg_err post(const cg_misp_dest *d, const char *path, cg_slice body, long *status,
                   cg_buf *answer, cg_buf *why)
{
	char url[2200], auth[600];
	snprintf(url, sizeof url, "%s%s", d->url, path);
	snprintf(auth, sizeof auth, "Authorization: %s", d->key);
	const char *hdrs[] = {auth, "Accept: application/json", "Content-Type: application/json",
	                      NULL};
	cg_buf_reset(answer);
	cg_err err = cg_intel_http("POST", url, hdrs, d->ca_file[0] ? d->ca_file : NULL, body,
	                           answer, status, NULL, NULL, why);
	explicit_bzero(auth, sizeof auth);
	return err;
}

/* One event to the instance: add, or edit when it holds the uuid. CG_OK
 * only when accepted; *status the last answer's. */
static cg_err push_one(const cg_misp_dest *d, const json_t *event, long *status, cg_buf *why)
{
	cg_buf body, answer;
	cg_buf_init(&body, CG_STIX_MAX_FILE);
	cg_buf_init(&answer, CG_MISP_ANSWER_MAX);
	const char *uuid = cg_json_get_str(json_object_get(event, "Event"), "uuid");
	cg_err err = cg_json_encode(&body, event);
	if (!err)
		err = post(d, "/events/add", cg_buf_slice(&body), status, &answer, why);
	if (!err && (*status == 403 || *status == 409) &&
	    strstr(cg_buf_cstr(&answer), "already exists") && uuid) {
		char path[128];
		snprintf(path, sizeof path, "/events/edit/%s", uuid);
		err = post(d, path, cg_buf_slice(&body), status, &answer, why);
	}
	if (!err && *status != 200 && *status != 201) {
		/* the answer is the instance's text: cut, kept as text */
		cg_buf_printf(why, "%s: MISP answered HTTP %ld: %.200s", d->url, *status,
		              cg_buf_cstr(&answer));
		err = CG_ENET;
	}
	cg_buf_free(&body);
	cg_buf_free(&answer);
	return err;
}

static int64_t attributes_of(const json_t *event)
{
	const json_t *e = json_object_get(event, "Event");
	int64_t n = (int64_t)json_array_size(json_object_get(e, "Attribute"));
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(e, "Object"), i, o) n +=
	    (int64_t)json_array_size(json_object_get(o, "Attribute"));
	return n;
}

/* Where the next run starts: the newest accepted delivery's end (its
 * time, for the cases; its last event's seq). */
static cg_err cursor(cg_store *st, const char *name, int64_t *since, int64_t *seq)
{
	json_t *rows = NULL;
	*since = *seq = 0;
	cg_err err = cg_store_mispdeliv_list(st, name, true, 1, &rows);
	json_t *row = json_array_get(rows, 0);
	if (!err && row) {
		*since = json_integer_value(json_object_get(row, "until_ms"));
		*seq = json_integer_value(json_object_get(row, "to_seq"));
	}
	json_decref(rows);
	return err;
}

static cg_err run(void *ctx, const cg_job *job, int64_t *next_run_ms, cg_buf *why)
{
	(void)job;
	dest_job *dj = ctx;
	const cg_misp_dest *d = dj->d;
	int64_t now = cg_time_now_ms(), since = 0, from = 0, upto = 0, read = 0;
	cg_err err = cursor(dj->st, d->name, &since, &from);
	if (err) {
		cg_buf_printf(why, "misp %s: %s", d->name, cg_store_errmsg());
		return err;
	}
	if (since > now)
		since = now; /* a clock set back: never a window ending first */
	cg_stix_opts so = {d->province[0] ? d->province : NULL, d->tlp};
	char key[160];
	/* the window's start names its findings event: a retry updates it */
	snprintf(key, sizeof key, "misp-push|%s|%lld", d->name, (long long)from);
	cg_misp_opts mo = {so.province, key, d->distribution, d->sharing_group, key};
	cg_stix *x = NULL;
	json_t *ev = NULL, *events = NULL;
	if ((err = cg_stix_export_after(dj->st, &so, from, CG_MISP_PUSH_EVENTS, since, &x, &upto,
	                                &read, why)) ||
	    (err = cg_misp_event(x, &mo, d->tlp, &ev)) ||
	    (err = cg_misp_incident_events(x, &mo, d->tlp, &events))) {
		if (!why->len)
			cg_buf_printf(why, "misp %s: the events could not be built: %s", d->name,
			              cg_strerror(err));
		goto out;
	}
	/* the findings event first (when it holds anything), then the cases */
	if (attributes_of(ev) > 0)
		json_array_insert(events, 0, ev);
	int64_t sent = 0, attrs = 0;
	long status = 0;
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e)
	{
		if ((err = push_one(d, e, &status, why)))
			break;
		sent++;
		attrs += attributes_of(e);
	}
	/* more events than one run takes: the next run at once */
	int64_t next = read >= CG_MISP_PUSH_EVENTS ? now : now + d->interval_s * 1000;
	if (json_array_size(events) == 0 && read == 0) {
		*next_run_ms = next;
		goto out; /* nothing new: nothing sent, nothing recorded */
	}
	/* events read that name nothing to share are recorded too (0 events
	 * sent): the cursor moves past them */
	cg_mispdeliv rec = {.dest = d->name,
	                    .url = d->url,
	                    .since_ms = since,
	                    .until_ms = now,
	                    .from_seq = from,
	                    .to_seq = upto > from ? upto : from,
	                    .at_ms = now,
	                    .ok = !err,
	                    .http_status = status,
	                    .events = sent,
	                    .attributes = attrs,
	                    .error = err ? cg_buf_cstr(why) : NULL};
	cg_err rerr = cg_store_mispdeliv_add(dj->st, &rec);
	if (rerr && !err) {
		cg_buf_printf(why, "misp %s: the delivery could not be recorded: %s", d->name,
		              cg_store_errmsg());
		err = rerr;
	}
	if (!err) {
		cg_info("misp %s: %lld events (%lld attributes) pushed to %s", d->name,
		        (long long)sent, (long long)attrs, d->url);
		*next_run_ms = next;
	} else {
		cg_warn("misp %s: %s", d->name, cg_buf_cstr(why));
	}
out:
	json_decref(events);
	json_decref(ev);
	cg_stix_free(x);
	return err;
}

cg_err cg_misp_jobs_add(cg_jobs *j, cg_store *st, const cg_misp_dest *dests, size_t n)
{
	if (n > CG_MISP_MAX_DESTS)
		return CG_EINVAL;
	g.runner = j;
	for (size_t i = 0; i < n; i++) {
		g.jobs[i] = (dest_job){&dests[i], st};
		/* one kind per destination, as the intelligence sources */
		cg_err err = cg_jobs_add(j, dests[i].job, dests[i].job, dests[i].interval_s * 1000,
		                         run, &g.jobs[i]);
		if (err)
			return err;
		cg_info("misp %s: push to %s every %llds at TLP:%s", dests[i].name, dests[i].url,
		        (long long)dests[i].interval_s, cg_tlp_name(dests[i].tlp));
	}
	g.n = n;
	return CG_OK;
}

const cg_misp_dest *cg_misp_dest_at(size_t i)
{
	return i < g.n ? g.jobs[i].d : NULL;
}

bool cg_misp_push_soon(const char *name)
{
	for (size_t i = 0; i < g.n; i++)
		if (strcmp(g.jobs[i].d->name, name) == 0) {
			cg_jobs_run_soon(g.runner, g.jobs[i].d->job);
			return true;
		}
	return false;
}
