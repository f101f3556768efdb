/*
 * cmd_bundle.c - `canhgac bundle keygen|sign|verify`: make an Ed25519 key
 * pair, sign a rule bundle directory, verify one (see lib/bundle/bundle.h).
 *
 * verify remembers the last version it accepted (with --accept) in
 * DATA/bundle/version, and refuses anything older: a replayed old bundle
 * (with rules that miss today's web shells) is a rollback attack.
 * Exit status: 0 valid, 1 refused (the reason on stderr, or in the JSON
 * object), 2 usage or I/O error.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "bundle/bundle.h"
#include "cli.h"
#include "core/msg.h"
#include "core/fileio.h"
#include "core/json.h"

typedef struct bundle_opts {
	const cg_cli *cli;
	const char *key;
	long long version;
	bool accept;
} bundle_opts;

enum { O_KEY = 1, O_VERSION, O_ACCEPT };

static int on_opt(void *ctx, int id, const char *val)
{
	bundle_opts *o = ctx;
	if (id == O_KEY)
		o->key = val;
	else if (id == O_VERSION) {
		int64_t v;
		if (cg_parse_i64(cg_slice_cstr(val), 1, INT64_MAX, &v)) {
			cg_cli_usage_error(o->cli, "--version wants a positive integer, not '%s'", val);
			return 1;
		}
		o->version = v;
	} else if (id == O_ACCEPT)
		o->accept = true;
	return 0;
}

static const cg_opt opts[] = {
	{ "key", 'k', true, O_KEY },
	{ "version", 0, true, O_VERSION },
	{ "accept", 0, false, O_ACCEPT },
	{ NULL, 0, false, 0 },
};

int cmd_bundle_keygen(cg_cli *cli)
{
	bundle_opts o = { .cli = cli };
	int rc = cg_cli_parse(cli, opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one NAME (writes NAME.pub and NAME.key)");
	char pub[PATH_MAX], sec[PATH_MAX];
	snprintf(pub, sizeof pub, "%s.pub", cli->pos[0]);
	snprintf(sec, sizeof sec, "%s.key", cli->pos[0]);
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_bundle_keygen(pub, sec, &why);
	if (err)
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	else if (!cli->json)
		printf(cg_tr("public key: %s\nsecret key: %s (keep it offline)\n"), pub, sec);
	else
		printf("{\"public\":\"%s\",\"secret\":\"%s\"}\n", pub, sec);
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

int cmd_bundle_sign(cg_cli *cli)
{
	bundle_opts o = { .cli = cli };
	int rc = cg_cli_parse(cli, opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1 || !o.key || !o.version)
		return cg_cli_usage_error(cli, "want DIR, --key SECRET and --version N");
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_bundle_sign(cli->pos[0], o.version, o.key, &why);
	if (err)
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	else if (!cli->json)
		printf(cg_tr("signed %s version %lld\n"), cli->pos[0], o.version);
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

static cg_err record_version(const char *data_dir, int64_t v, cg_buf *why)
{
	char path[PATH_MAX], text[32];
	snprintf(path, sizeof path, "%s/bundle", data_dir);
	cg_err err = cg_mkdir_p(path, 0700, why);
	if (err)
		return err;
	snprintf(path, sizeof path, "%s/bundle/version", data_dir);
	int n = snprintf(text, sizeof text, "%" PRId64 "\n", v);
	return cg_write_file_atomic(path, text, (size_t)n, 0600, why);
}

int cmd_bundle_verify(cg_cli *cli)
{
	bundle_opts o = { .cli = cli };
	int rc = cg_cli_parse(cli, opts, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1 || !o.key)
		return cg_cli_usage_error(cli, "want DIR and --key PUBLIC");
	const char *dir = cli->pos[0];
	int64_t have = cg_bundle_accepted_version(cli->data_dir), version = 0;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_bundle_verify(dir, o.key, have, &version, &why);
	if (!err && o.accept)
		err = record_version(cli->data_dir, version, &why);
	int status = !err ? CG_EXIT_OK : err == CG_ECRYPTO ? CG_EXIT_FOUND : CG_EXIT_ERROR;
	if (cli->json) {
		json_t *j = json_pack("{s:o,s:b,s:I}", "bundle", cg_json_cstr(dir),
				      "valid", !err, "version", (json_int_t)version);
		if (err)
			json_object_set_new(j, "reason", cg_json_cstr(cg_buf_cstr(&why)));
		cg_buf out;
		cg_buf_init(&out, 1 << 16);
		cg_json_encode(&out, j);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(j);
	} else if (err) {
		cg_cli_error(cli, "refused: %s", cg_buf_cstr(&why));
	} else {
		printf(cg_tr("%s: valid, version %lld%s\n"), dir, (long long)version,
		       o.accept ? cg_tr(" (accepted)") : "");
	}
	cg_buf_free(&why);
	return status;
}
