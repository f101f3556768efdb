/*
 * cmd_export.c - `canhgac export stix`: the province's findings of a
 * period as a STIX 2.1 bundle (share/stix.h), optionally with a detached
 * CMS signature beside it (FILE.p7s, sign/sign.h), for the national
 * monitoring centre or a partner province.
 *
 * Everything is checked before anything is written: the times, the TLP
 * level, the signing key and certificate, the store and the agency.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "share/stix_export.h"
#include "sign/sign.h"

typedef struct export_opts {
	const cg_cli *cli;
	const char *since, *until, *agency, *tlp, *sign, *cert, *out, *province;
} export_opts;

enum { O_SINCE = 1, O_UNTIL, O_AGENCY, O_TLP, O_SIGN, O_CERT, O_OUT, O_PROVINCE };

static int on_opt(void *ctx, int id, const char *v)
{
	export_opts *o = ctx;
	const char **slot[] = {NULL,     &o->since, &o->until, &o->agency,  &o->tlp,
	                       &o->sign, &o->cert,  &o->out,   &o->province};
	*slot[id] = v;
	return 0;
}

static const cg_opt optv[] = {
    {"since", 0, true, O_SINCE}, {"until", 0, true, O_UNTIL},       {"agency", 'a', true, O_AGENCY},
    {"tlp", 0, true, O_TLP},     {"sign", 0, true, O_SIGN},         {"cert", 0, true, O_CERT},
    {"out", 'o', true, O_OUT},   {"province", 0, true, O_PROVINCE}, {NULL, 0, false, 0},
};

/* A key on a token would ask for a PIN: this command signs with a key
 * file only, so there is none to give. */
static int no_pin(void *ud, const char *token, char *pin, size_t pin_max)
{
	(void)ud, (void)token, (void)pin, (void)pin_max;
	return -1;
}

static int parse_time(const cg_cli *cli, const char *opt, const char *v, int64_t *ms)
{
	if (cg_time_parse(cg_slice_cstr(v), ms))
		return cg_cli_usage_error(cli, "--%s must be a date or an RFC 3339 time, not '%s'",
		                          opt, v);
	return -1;
}

int cmd_export_stix(cg_cli *cli)
{
	export_opts o = {.cli = cli};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!o.out)
		return cg_cli_usage_error(cli, "--out FILE is needed");
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
	if (o.sign && !o.cert)
		return cg_cli_usage_error(cli, "a key file needs its certificate (--cert)");
	if (o.cert && !o.sign)
		return cg_cli_usage_error(cli, "--cert goes with --sign");

	int status = CG_EXIT_ERROR;
	cg_buf why, text, sig;
	cg_buf_init(&why, 4096);
	cg_buf_init(&text, CG_STIX_MAX_FILE);
	cg_buf_init(&sig, 1u << 20);
	cg_store *st = NULL;
	cg_signer *signer = NULL;
	cg_stix *x = NULL;
	json_t *bundle = NULL;
	char store_url[PATH_MAX + 16], p7s[PATH_MAX];
	cg_err err;
	if (o.sign) {
		cg_signer_opts sgo = {o.sign, o.cert, NULL, no_pin, NULL};
		if ((err = cg_signer_open(&sgo, &signer, &why))) {
			cg_cli_error(cli, "%s: %s", o.sign, cg_buf_cstr(&why));
			goto done;
		}
		if (snprintf(p7s, sizeof p7s, "%s.p7s", o.out) >= (int)sizeof p7s) {
			cg_cli_error(cli, "path too long");
			goto done;
		}
	}
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
	if ((err = cg_write_file_atomic(o.out, text.ptr, text.len, 0644, &why))) {
		cg_cli_error(cli, "%s: %s", o.out, cg_buf_cstr(&why));
		goto done;
	}
	if (signer) {
		if ((err = cg_signer_cms(signer, cg_buf_slice(&text), true, &sig, &why)) ||
		    (err = cg_write_file_atomic(p7s, sig.ptr, sig.len, 0644, &why))) {
			cg_cli_error(cli, "%s: %s", p7s, cg_buf_cstr(&why));
			goto done;
		}
	}
	if (cli->verbosity >= 0)
		printf(cg_tr("wrote %s: %zu STIX objects at TLP:%s or clearer%s\n"), o.out,
		       json_array_size(json_object_get(bundle, "objects")), cg_tlp_name(so.tlp),
		       signer ? cg_tr(" (signed)") : "");
	status = CG_EXIT_OK;
done:
	json_decref(bundle);
	cg_stix_free(x);
	cg_signer_free(signer);
	if (st)
		cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&text);
	cg_buf_free(&sig);
	return status;
}
