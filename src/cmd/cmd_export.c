/*
 * cmd_export.c - `canhgac export stix`: the province's findings of a
 * period as a STIX 2.1 bundle (share/stix.h), optionally with a detached
 * CMS signature beside it (FILE.p7s, sign/sign.h), for the national
 * monitoring centre or a partner province.
 *
 * Everything is checked before anything is written: the times, the TLP
 * level, the signing key and certificate, the store and the agency. The
 * output and signing options are shared with `export national-report`
 * (cmd_export_common.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_export_common.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/stix_export.h"

typedef struct export_opts {
	const char *since, *until, *agency, *tlp, *province;
	export_out x;
} export_opts;

enum { O_SINCE = 1, O_UNTIL, O_AGENCY, O_TLP, O_PROVINCE };

static int on_opt(void *ctx, int id, const char *v)
{
	export_opts *o = ctx;
	const char **slot[] = {NULL, &o->since, &o->until, &o->agency, &o->tlp, &o->province};
	if (!export_out_opt(&o->x, id, v))
		*slot[id] = v;
	return 0;
}

static const cg_opt optv[] = {
    {"since", 0, true, O_SINCE}, {"until", 0, true, O_UNTIL},       {"agency", 'a', true, O_AGENCY},
    {"tlp", 0, true, O_TLP},     {"province", 0, true, O_PROVINCE}, EXPORT_OUT_OPTS,
    {NULL, 0, false, 0},
};

static int parse_time(const cg_cli *cli, const char *opt, const char *v, int64_t *ms)
{
	if (cg_time_parse(cg_slice_cstr(v), ms))
		return cg_cli_usage_error(cli, "--%s must be a date or an RFC 3339 time, not '%s'",
		                          opt, v);
	return -1;
}

int cmd_export_stix(cg_cli *cli)
{
	export_opts o = {0};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if ((rc = export_out_check(cli, &o.x)) >= 0)
		return rc;
	cg_stix_range r = {0};
	if (o.since && (rc = parse_time(cli, "since", o.since, &r.since_ms)) >= 0)
		return rc;
	if (o.until && (rc = parse_time(cli, "until", o.until, &r.until_ms)) >= 0)
		return rc;
	if (o.since && o.until && r.until_ms <= r.since_ms)
		return cg_cli_usage_error(cli, "--until must be after --since");
	cg_stix_opts so = {.province = o.province, .tlp = CG_TLP_GREEN};
	if (o.tlp && cg_tlp_parse(o.tlp, &so.tlp))
		return cg_cli_usage_error(
		    cli, "--tlp must be clear, green, amber, amber+strict or red, not '%s'", o.tlp);
	if ((rc = export_out_check_sign(cli, &o.x)) >= 0)
		return rc;

	int status = CG_EXIT_ERROR;
	cg_buf why, text;
	cg_buf_init(&why, 4096);
	cg_buf_init(&text, CG_STIX_MAX_FILE);
	cg_store *st = NULL;
	cg_stix *x = NULL;
	json_t *bundle = NULL;
	char store_url[PATH_MAX + 16];
	cg_err err;
	if (!export_out_open(cli, &o.x, &why))
		goto done;
	if ((err = cg_store_open(cg_cli_store_url(cli, store_url, sizeof store_url), &st, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_scope scope = {0};
	if (o.agency && cg_store_agency_lookup(st, &scope, o.agency, &r.agency_id)) {
		cg_cli_error(cli, "no agency '%s'", o.agency);
		goto done;
	}
	if ((err = cg_stix_export(st, &scope, &so, &r, &x, &why)) ||
	    (err = cg_stix_bundle(x, &bundle)) || (err = cg_json_encode(&text, bundle)) ||
	    (err = cg_buf_putc(&text, '\n'))) {
		cg_cli_error(cli, "the bundle could not be built: %s",
		             why.len ? cg_buf_cstr(&why) : cg_strerror(err));
		goto done;
	}
	if (!export_out_write(cli, &o.x, cg_buf_slice(&text), &why))
		goto done;
	if (cli->verbosity >= 0)
		printf(cg_tr("wrote %s: %zu STIX objects at TLP:%s or clearer%s\n"), o.x.out,
		       json_array_size(json_object_get(bundle, "objects")), cg_tlp_name(so.tlp),
		       o.x.signer ? cg_tr(" (signed)") : "");
	status = CG_EXIT_OK;
done:
	json_decref(bundle);
	cg_stix_free(x);
	export_out_free(&o.x);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&text);
	return status;
}
