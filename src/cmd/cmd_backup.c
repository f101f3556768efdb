/*
 * cmd_backup.c - `canhgac backup --out FILE`, `canhgac backup verify FILE`,
 * `canhgac backup keygen NAME` and `canhgac restore FILE`: the command
 * line of store/backup.h, where the work is done.
 *
 * The store and data directory are the server's (--store or
 * $CANHGAC_STORE, --data-dir): a backup is taken while the server runs;
 * a restore goes into a store and data directory that are still empty.
 * Exit status: 0 done or valid, 1 (verify, restore) the backup is
 * refused as damaged, unsigned or mis-signed, 2 usage or other errors.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/json.h"
#include "store/backup.h"

enum { O_OUT = 1, O_ENCRYPT_TO, O_SIGN_KEY, O_KEY, O_SIGNER };

static const cg_opt opts[] = {
    {"out", 'o', true, O_OUT},         {"encrypt-to", 0, true, O_ENCRYPT_TO},
    {"sign-key", 0, true, O_SIGN_KEY}, {"key", 'k', true, O_KEY},
    {"signer", 0, true, O_SIGNER},     {NULL, 0, false, 0},
};

typedef struct ctx {
	const char *out, *encrypt_to, *sign_key, *key, *signer;
} ctx;

static int on_opt(void *p, int id, const char *v)
{
	ctx *c = p;
	if (id == O_OUT)
		c->out = v;
	else if (id == O_ENCRYPT_TO)
		c->encrypt_to = v;
	else if (id == O_SIGN_KEY)
		c->sign_key = v;
	else if (id == O_KEY)
		c->key = v;
	else
		c->signer = v;
	return 0;
}

/* Parses the options every form shares; key files must be readable
 * before anything is written. Returns -1 to go on, else an exit status. */
static int parse(cg_cli *cli, ctx *c)
{
	memset(c, 0, sizeof *c);
	int rc = cg_cli_parse(cli, opts, on_opt, c);
	if (rc >= 0)
		return rc;
	const char *files[] = {c->encrypt_to, c->sign_key, c->key, c->signer};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (files[i] && access(files[i], R_OK) != 0)
			return cg_cli_usage_error(cli, "cannot read the key file '%s'", files[i]);
	return -1;
}

static void print_info(const cg_cli *cli, const char *what, const char *file,
                       const cg_backup_info *info)
{
	json_t *store = json_object_get(info->manifest, "store");
	json_t *tables = json_object_get(store, "tables");
	size_t nfiles = json_array_size(json_object_get(info->manifest, "files"));
	long long rows = 0;
	for (size_t i = 0; i < json_array_size(tables); i++)
		rows += json_integer_value(json_object_get(json_array_get(tables, i), "rows"));
	if (cli->json) {
		json_t *j = json_pack("{s:s, s:o, s:O, s:I, s:I, s:b, s:b, s:o}", "type", what,
		                      "file", cg_json_cstr(file), "tables", tables, "files",
		                      (json_int_t)nfiles, "schema_version",
		                      json_integer_value(json_object_get(store, "schema_version")),
		                      "encrypted", info->encrypted, "signed", info->signature,
		                      "signer", cg_json_cstr(info->signer));
		cg_buf out;
		cg_buf_init(&out, 1u << 24);
		if (j && !cg_json_encode(&out, j))
			puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(j);
		return;
	}
	printf(cg_tr("%s: %s store, schema %lld, %zu tables, %lld rows, %zu files\n"), file,
	       cg_json_get_str(store, "backend"),
	       (long long)json_integer_value(json_object_get(store, "schema_version")),
	       json_array_size(tables), rows, nfiles);
	if (info->encrypted)
		printf("%s", cg_tr("encrypted\n"));
	if (info->signer[0])
		printf(cg_tr("signed by key %s (checked)\n"), info->signer);
	else if (info->signature)
		printf("%s", cg_tr("signed (not checked: give --signer PUBLIC)\n"));
}

int cmd_backup(cg_cli *cli);
int cmd_backup(cg_cli *cli)
{
	ctx c;
	int rc = parse(cli, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!c.out || !*c.out)
		return cg_cli_usage_error(cli, "want --out FILE");
	if (c.key || c.signer)
		return cg_cli_usage_error(cli, "--key and --signer are for verify and restore");
	if (access(c.out, F_OK) == 0)
		return cg_cli_usage_error(cli, "'%s' already exists", c.out);
	char storebuf[PATH_MAX + 16];
	cg_backup_opts o = {
	    .store_url = cg_cli_store_url(cli, storebuf, sizeof storebuf),
	    .data_dir = cli->data_dir,
	    .encrypt_to = c.encrypt_to,
	    .sign_key = c.sign_key,
	};
	cg_backup_info info;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_backup_create(&o, c.out, &info, &why);
	if (err)
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	else
		print_info(cli, "backup", c.out, &info);
	json_decref(info.manifest);
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

int cmd_backup_verify(cg_cli *cli);
int cmd_backup_verify(cg_cli *cli)
{
	ctx c;
	int rc = parse(cli, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one backup FILE");
	if (c.out || c.encrypt_to || c.sign_key)
		return cg_cli_usage_error(cli, "verify takes only --key and --signer");
	cg_backup_check chk = {c.key, c.signer};
	cg_backup_info info;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_backup_verify(cli->pos[0], &chk, &info, &why);
	if (err)
		cg_cli_error(cli, "refused: %s", cg_buf_cstr(&why));
	else
		print_info(cli, "valid", cli->pos[0], &info);
	json_decref(info.manifest);
	cg_buf_free(&why);
	return !err ? CG_EXIT_OK : err == CG_ECRYPTO ? CG_EXIT_FOUND : CG_EXIT_ERROR;
}

int cmd_backup_keygen(cg_cli *cli);
int cmd_backup_keygen(cg_cli *cli)
{
	ctx c;
	int rc = parse(cli, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one NAME (writes NAME.pub and NAME.key)");
	if (c.out || c.encrypt_to || c.sign_key || c.key || c.signer)
		return cg_cli_usage_error(cli, "keygen takes only NAME");
	char pub[PATH_MAX], sec[PATH_MAX];
	if ((size_t)snprintf(pub, sizeof pub, "%s.pub", cli->pos[0]) >= sizeof pub ||
	    (size_t)snprintf(sec, sizeof sec, "%s.key", cli->pos[0]) >= sizeof sec)
		return cg_cli_usage_error(cli, "want one NAME (writes NAME.pub and NAME.key)");
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_backup_keygen(pub, sec, &why);
	if (err)
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
	else if (!cli->json)
		printf(cg_tr("public key: %s\nsecret key: %s (keep it offline)\n"), pub, sec);
	else
		printf("{\"public\":\"%s\",\"secret\":\"%s\"}\n", pub, sec);
	cg_buf_free(&why);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}

int cmd_restore(cg_cli *cli);
int cmd_restore(cg_cli *cli)
{
	ctx c;
	int rc = parse(cli, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one backup FILE");
	if (c.out || c.encrypt_to || c.sign_key)
		return cg_cli_usage_error(cli, "restore takes only --key and --signer");
	if (access(cli->pos[0], R_OK) != 0)
		return cg_cli_usage_error(cli, "cannot read '%s'", cli->pos[0]);
	char storebuf[PATH_MAX + 16];
	const char *url = cg_cli_store_url(cli, storebuf, sizeof storebuf);
	cg_backup_check chk = {c.key, c.signer};
	cg_backup_info info;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_backup_restore(cli->pos[0], &chk, url, cli->data_dir, &info, &why);
	if (err)
		cg_cli_error(cli, "refused: %s", cg_buf_cstr(&why));
	else
		print_info(cli, "restored", cli->pos[0], &info);
	json_decref(info.manifest);
	cg_buf_free(&why);
	return !err ? CG_EXIT_OK : err == CG_ECRYPTO ? CG_EXIT_FOUND : CG_EXIT_ERROR;
}
