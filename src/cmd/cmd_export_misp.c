/*
 * cmd_export_misp.c - `canhgac export misp`: the province's findings of a
 * period as one MISP event (share/misp.h), written to a file and/or
 * pushed to a MISP instance.
 *
 * The push is MISP's REST API: POST URL/events/add with the auth key in
 * the Authorization header; an instance that already holds the event's
 * uuid refuses the add (MISP answers 403 "Event already exists"), and the
 * event is then sent to POST URL/events/edit/UUID, so pushing the same
 * export again updates it. The key is read from a file, never the command
 * line (where ps shows it).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/intel_feed.h"
#include "share/misp.h"
#include "share/stix_export.h"

typedef struct mopts {
	cg_cli *cli;
	const char *since, *until, *agency, *tlp, *out, *province, *push, *key_file, *ca_file;
	long long distribution, sharing_group;
} mopts;

enum {
	O_SINCE = 1,
	O_UNTIL,
	O_AGENCY,
	O_TLP,
	O_OUT,
	O_PROVINCE,
	O_PUSH,
	O_KEY,
	O_CA,
	O_DIST,
	O_SG
};

static int on_opt(void *ctx, int id, const char *v)
{
	mopts *o = ctx;
	const char **slot[] = {NULL,    &o->since,    &o->until, &o->agency,   &o->tlp,
	                       &o->out, &o->province, &o->push,  &o->key_file, &o->ca_file};
	if (id == O_DIST)
		return cg_cli_int(o->cli, "distribution", v, 0, 4, &o->distribution) ? 0 : 1;
	if (id == O_SG)
		return cg_cli_int(o->cli, "sharing-group", v, 1, INT32_MAX, &o->sharing_group) ? 0
		                                                                               : 1;
	*slot[id] = v;
	return 0;
}

static const cg_opt optv[] = {
    {"since", 0, true, O_SINCE},      {"until", 0, true, O_UNTIL},
    {"agency", 'a', true, O_AGENCY},  {"tlp", 0, true, O_TLP},
    {"out", 'o', true, O_OUT},        {"province", 0, true, O_PROVINCE},
    {"push", 0, true, O_PUSH},        {"key-file", 0, true, O_KEY},
    {"ca-file", 0, true, O_CA},       {"distribution", 0, true, O_DIST},
    {"sharing-group", 0, true, O_SG}, {NULL, 0, false, 0},
};

/* One POST of the event; *status the answer's. */
static cg_err post(const mopts *o, const char *path, const char *key, cg_slice body, long *status,
                   cg_buf *answer, cg_buf *why)
{
	char url[4200], auth[600];
	snprintf(url, sizeof url, "%s%s", o->push, path);
	snprintf(auth, sizeof auth, "Authorization: %s", key);
	const char *hdrs[] = {auth, "Accept: application/json", "Content-Type: application/json",
	                      NULL};
	cg_buf_reset(answer);
	cg_err err =
	    cg_intel_http("POST", url, hdrs, o->ca_file, body, answer, status, NULL, NULL, why);
	explicit_bzero(auth, sizeof auth);
	return err;
}

static int push(const mopts *o, const json_t *event, cg_slice body)
{
	cg_buf keyb, why, answer;
	cg_buf_init(&keyb, 511);
	cg_buf_init(&why, 4096);
	cg_buf_init(&answer, 1u << 20);
	int status = CG_EXIT_ERROR;
	long code = 0;
	char key[512] = "";
	if (cg_read_file(o->key_file, &keyb, &why)) {
		cg_cli_error(o->cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_slice k = cg_buf_slice(&keyb);
	while (k.len && (unsigned char)k.ptr[k.len - 1] <= 0x20)
		k.len--;
	if (!k.len || memchr(k.ptr, '\n', k.len)) {
		cg_cli_error(o->cli, "%s: expected one MISP auth key", o->key_file);
		goto done;
	}
	memcpy(key, k.ptr, k.len);
	const char *uuid = cg_json_get_str(json_object_get(event, "Event"), "uuid");
	cg_err err = post(o, "/events/add", key, body, &code, &answer, &why);
	if (!err && (code == 403 || code == 409) &&
	    strstr(cg_buf_cstr(&answer), "already exists")) {
		char path[128];
		snprintf(path, sizeof path, "/events/edit/%s", uuid);
		err = post(o, path, key, body, &code, &answer, &why);
	}
	if (err) {
		cg_cli_error(o->cli, "%s", cg_buf_cstr(&why));
	} else if (code != 200 && code != 201) {
		cg_cli_error(o->cli, "%s: MISP answered HTTP %ld: %.200s", o->push, code,
		             cg_buf_cstr(&answer));
	} else {
		if (o->cli->verbosity >= 0)
			printf(cg_tr("pushed event %s to %s\n"), uuid, o->push);
		status = CG_EXIT_OK;
	}
done:
	explicit_bzero(key, sizeof key);
	cg_buf_free(&keyb);
	cg_buf_free(&why);
	cg_buf_free(&answer);
	return status;
}

static int parse_time(const cg_cli *cli, const char *opt, const char *v, int64_t *ms)
{
	if (v && cg_time_parse(cg_slice_cstr(v), ms))
		return cg_cli_usage_error(cli, "--%s must be a date or an RFC 3339 time, not '%s'",
		                          opt, v);
	return -1;
}

int cmd_export_misp(cg_cli *cli);
int cmd_export_misp(cg_cli *cli)
{
	mopts o = {.cli = cli, .distribution = 1};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!o.out && !o.push)
		return cg_cli_usage_error(cli, "--out FILE or --push URL is needed");
	if (o.push && !o.key_file)
		return cg_cli_usage_error(cli, "--push needs --key-file (the MISP auth key)");
	if (o.push && strncmp(o.push, "http://", 7) && strncmp(o.push, "https://", 8))
		return cg_cli_usage_error(cli, "--push must be an http:// or https:// URL");
	cg_stix_range r = {0};
	if ((rc = parse_time(cli, "since", o.since, &r.since_ms)) >= 0 ||
	    (rc = parse_time(cli, "until", o.until, &r.until_ms)) >= 0)
		return rc;
	cg_stix_opts so = {.province = o.province, .tlp = CG_TLP_GREEN};
	if (o.tlp && cg_tlp_parse(o.tlp, &so.tlp))
		return cg_cli_usage_error(
		    cli, "--tlp must be clear, green, amber, amber+strict or red, not '%s'", o.tlp);
	if (o.sharing_group && o.distribution != 4)
		return cg_cli_usage_error(cli, "--sharing-group goes with --distribution 4");

	int status = CG_EXIT_ERROR;
	cg_buf why, text;
	cg_buf_init(&why, 4096);
	cg_buf_init(&text, CG_STIX_MAX_FILE);
	cg_store *st = NULL;
	cg_stix *x = NULL;
	json_t *event = NULL;
	char store_url[PATH_MAX + 16], key[512];
	cg_err err;
	if ((err = cg_store_open(cg_cli_store_url(cli, store_url, sizeof store_url), &st, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_scope scope = {0};
	if (o.agency && cg_store_agency_lookup(st, &scope, o.agency, &r.agency_id)) {
		cg_cli_error(cli, "no agency '%s'", o.agency);
		goto done;
	}
	/* the event's identity: what was exported, so the same export
	 * pushed again updates the same event */
	snprintf(key, sizeof key, "event|%s|%lld|%lld|%lld|%s", o.province ? o.province : "",
	         (long long)r.since_ms, (long long)r.until_ms, (long long)r.agency_id,
	         cg_tlp_name(so.tlp));
	cg_misp_opts mo = {o.province, key, (int)o.distribution, o.sharing_group, NULL};
	if ((err = cg_stix_export(st, &scope, &so, &r, &x, &why)) ||
	    (err = cg_misp_event(x, &mo, so.tlp, &event)) || (err = cg_json_encode(&text, event)) ||
	    (err = cg_buf_putc(&text, '\n'))) {
		cg_cli_error(cli, "the event could not be built: %s",
		             why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		goto done;
	}
	if (o.out) {
		if ((err = cg_write_file_atomic(o.out, text.ptr, text.len, 0644, &why))) {
			cg_cli_error(cli, "%s: %s", o.out, cg_buf_cstr(&why));
			goto done;
		}
		const json_t *ev = json_object_get(event, "Event");
		if (cli->verbosity >= 0)
			printf(cg_tr("wrote %s: a MISP event of %zu attributes and %zu objects at "
			             "TLP:%s or clearer\n"),
			       o.out, json_array_size(json_object_get(ev, "Attribute")),
			       json_array_size(json_object_get(ev, "Object")), cg_tlp_name(so.tlp));
	}
	status = o.push ? push(&o, event, cg_buf_slice(&text)) : CG_EXIT_OK;
done:
	json_decref(event);
	cg_stix_free(x);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&text);
	return status;
}
