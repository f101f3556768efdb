/*
 * cmd_quarantine.c - `canhgac quarantine list|restore ID|delete ID`: what
 * `scan malware --quarantine` moved into DATA_DIR/quarantine, and putting
 * it back or deleting it for good (src/lib/malware/quarantine.h).
 * Exit: 0 done, 2 unknown ID or failure; `list` exits 0 even when empty.
 */
#include <stdio.h>

#include "cli.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/limits.h"
#include "malware/quarantine.h"

static void print_json(json_t *o)
{
	cg_buf out;
	cg_buf_init(&out, CG_MAX_EVENT_JSON);
	if (cg_json_encode(&out, o) == CG_OK)
		printf("%s\n", cg_buf_cstr(&out));
	cg_buf_free(&out);
}

static int fail(const cg_cli *cli, cg_buf *why)
{
	cg_cli_error(cli, "%s", cg_buf_cstr(why));
	cg_buf_free(why);
	return CG_EXIT_ERROR;
}

static void print_entry(const cg_cli *cli, json_t *m)
{
	if (cli->json) {
		print_json(m);
		return;
	}
	static const char *const keys[] = {"id", "quarantined_at", "path", "mode", "sha256"};
	const char *v[5];
	for (int k = 0; k < 5; k++)
		v[k] = cg_json_get_str(m, keys[k]) ? cg_json_get_str(m, keys[k]) : "-";
	printf(cg_tr("%s  %s  %s  mode %s  sha256 %s\n  rules:"), v[0], v[1], v[2], v[3], v[4]);
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(m, "rules"), i, r)
	    printf(" %s", json_is_string(r) ? json_string_value(r) : "?");
	printf("\n");
}

int cmd_quarantine_list(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "takes no arguments");
	cg_buf why;
	cg_buf_init(&why, 4096);
	json_t *list;
	cg_err err = cg_quarantine_list(cli->data_dir, &list, &why);
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m) print_entry(cli, m);
	if (!cli->json && json_array_size(list) == 0)
		printf(cg_tr("quarantine is empty (%s/quarantine)\n"), cli->data_dir);
	json_decref(list);
	if (err)
		return fail(cli, &why);
	cg_buf_free(&why);
	return CG_EXIT_OK;
}

static int one_id(cg_cli *cli, const char **id)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "needs exactly one quarantine ID");
	*id = cli->pos[0];
	return -1;
}

int cmd_quarantine_restore(cg_cli *cli)
{
	const char *id = NULL;
	int rc = one_id(cli, &id);
	if (rc >= 0)
		return rc;
	cg_buf why;
	cg_buf_init(&why, 4096);
	json_t *m = NULL;
	if (cg_quarantine_restore(cli->data_dir, id, &m, &why))
		return fail(cli, &why);
	if (why.len) /* restored, with a note (owner not restored) */
		cg_cli_error(cli, "warning: %s", cg_buf_cstr(&why));
	if (cli->json) {
		json_object_set_new(m, "type", json_string("restored"));
		print_json(m);
	} else {
		printf(cg_tr("restored %s to %s\n"), id, cg_json_get_str(m, "path"));
	}
	json_decref(m);
	cg_buf_free(&why);
	return CG_EXIT_OK;
}

int cmd_quarantine_delete(cg_cli *cli)
{
	const char *id = NULL;
	int rc = one_id(cli, &id);
	if (rc >= 0)
		return rc;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_quarantine_delete(cli->data_dir, id, &why))
		return fail(cli, &why);
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:s}", "type", "deleted", "id", id);
		print_json(o);
		json_decref(o);
	} else {
		printf(cg_tr("deleted %s\n"), id);
	}
	cg_buf_free(&why);
	return CG_EXIT_OK;
}
