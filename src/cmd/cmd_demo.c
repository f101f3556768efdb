/*
 * cmd_demo.c - `canhgac demo seed`: fills a data directory with the demo
 * province of Lai Châu (src/lib/demo) and a demo admin, then prints the
 * admin's login. It is what `make run` calls before `canhgac serve`.
 *
 * Running it again adds nothing that is already there. The demo admin's
 * generated password is kept in DATA_DIR/demo-admin.txt (mode 0600) so
 * that every run can print the same login; delete the file and the user
 * to get a new one. The password is never written anywhere else.
 *
 * --if-empty seeds only a store without agencies, so `make run` never
 * mixes demo records into a province's real inventory.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "demo/demo.h"
#include "api/auth.h"
#include "store/store.h"

#define DEMO_ADMIN         "admin"
#define DEMO_PASSWORD_FILE "demo-admin.txt"
/* The database file `canhgac serve` opens in the data dir. */

/* Reads a password kept by an earlier run into pw; false when there is
 * none (or it is unusable). */
static bool read_kept_password(const char *path, char *pw, size_t size)
{
	cg_buf b, why;
	cg_buf_init(&b, 256);
	cg_buf_init(&why, 256);
	bool ok = cg_read_file(path, &b, &why) == CG_OK;
	if (ok) {
		cg_slice s = cg_slice_trim(cg_buf_slice(&b));
		while (s.len > 0 && (s.ptr[s.len - 1] == '\n' || s.ptr[s.len - 1] == '\r'))
			s.len--;
		ok = s.len >= CG_MIN_PASSWORD && cg_slice_copy(s, pw, size) == CG_OK;
	}
	cg_buf_free(&b);
	cg_buf_free(&why);
	return ok;
}

typedef struct demo_opts {
	bool if_empty;
} demo_opts;

enum { OPT_IF_EMPTY = 1 };

static const cg_opt demo_optv[] = {
    {"if-empty", 0, false, OPT_IF_EMPTY},
    {NULL, 0, false, 0},
};

static int demo_opt(void *ctx, int id, const char *value)
{
	(void)value;
	if (id == OPT_IF_EMPTY)
		((demo_opts *)ctx)->if_empty = true;
	return 0;
}

/* Does the store hold any agency already? */
static cg_err store_has_agencies(cg_store *st, bool *has)
{
	const cg_scope all = {0};
	json_t *filters = json_object(), *items = NULL;
	int64_t total = 0;
	cg_err err = cg_store_inv_list(st, &all, CG_RES_AGENCY, filters, 1, 0, &items, &total);
	json_decref(filters);
	json_decref(items);
	*has = total > 0;
	return err;
}

static int demo_fail(const cg_cli *cli, const char *what, cg_err err, const cg_buf *why)
{
	return cg_cli_error(cli, "%s: %s", what,
	                    why && why->len ? cg_buf_cstr(why) : cg_tr(cg_strerror(err)));
}

static void print_result(const cg_cli *cli, const cg_demo_counts *c, bool created, bool have_pw,
                         const char *pw)
{
	if (cli->json) {
		json_t *o =
		    json_pack("{s:s,s:i,s:i,s:i,s:i,s:s,s:b}", "data_dir", cli->data_dir,
		              "agencies", c->agencies, "systems", c->systems, "people", c->people,
		              "events", c->events, "admin", DEMO_ADMIN, "admin_created", created);
		if (have_pw)
			json_object_set_new(o, "password", cg_json_cstr(pw));
		cg_buf out;
		cg_buf_init(&out, 1 << 16);
		cg_json_encode(&out, o);
		puts(cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
		return;
	}
	printf(cg_tr("Lai Châu demo province in %s: added %d agencies, %d systems, "
	             "%d contact points, %d events\n"),
	       cli->data_dir, c->agencies, c->systems, c->people, c->events);
	if (have_pw)
		printf(cg_tr("login: %s  password: %s\n"), DEMO_ADMIN, pw);
	else
		printf(cg_tr("User %s already exists; its password was not changed.\n"), DEMO_ADMIN);
}

static int demo_seed(cg_cli *cli, const demo_opts *o)
{
	cg_buf why, path, pwpath;
	cg_buf_init(&why, 4096);
	cg_buf_init(&path, 4096);
	cg_buf_init(&pwpath, 4096);
	int rc = CG_EXIT_ERROR;
	cg_store *st = NULL;
	cg_err err = cg_mkdir_p(cli->data_dir, 0700, &why);
	if (err) {
		rc = demo_fail(cli, cli->data_dir, err, &why);
		goto out;
	}
	char urlbuf[4096];
	cg_buf_puts(&path, cg_cli_store_url(cli, urlbuf, sizeof urlbuf));
	cg_buf_printf(&pwpath, "%s/%s", cli->data_dir, DEMO_PASSWORD_FILE);
	if ((err = cg_store_open(cg_buf_cstr(&path), &st, &why))) {
		rc = demo_fail(cli, cg_tr("store"), err, &why);
		goto out;
	}
	cg_demo_counts counts = {0, 0, 0, 0, 0};
	bool has = false;
	if (o->if_empty && (err = store_has_agencies(st, &has))) {
		rc = demo_fail(cli, cg_tr("store"), err, NULL);
		goto out;
	}
	if (has) {
		char kept[64];
		if (read_kept_password(cg_buf_cstr(&pwpath), kept, sizeof kept))
			print_result(cli, &counts, false, true, kept);
		else if (!cli->json)
			printf(cg_tr("%s already holds an inventory: demo not seeded.\n"), cli->data_dir);
		rc = CG_EXIT_OK;
		goto out;
	}
	if ((err = cg_demo_seed(st, cg_time_now_ms(), &counts, &why))) {
		rc = demo_fail(cli, cg_tr("seed"), err, &why);
		goto out;
	}
	char pw[64] = "";
	bool have_pw = read_kept_password(cg_buf_cstr(&pwpath), pw, sizeof pw);
	bool created = false;
	if (!have_pw) {
		char gen[24];
		cg_generate_password(gen);
		memcpy(pw, gen, sizeof gen);
	}
	if ((err = cg_demo_ensure_admin(st, DEMO_ADMIN, pw, &created))) {
		rc = demo_fail(cli, cg_tr("admin user"), err, NULL);
		goto out;
	}
	if (created && !have_pw) {
		cg_buf line;
		cg_buf_init(&line, 128);
		cg_buf_printf(&line, "%s\n", pw);
		err = cg_write_file_atomic(cg_buf_cstr(&pwpath), line.ptr, line.len, 0600, &why);
		cg_buf_free(&line);
		if (err) {
			rc = demo_fail(cli, cg_buf_cstr(&pwpath), err, &why);
			goto out;
		}
		have_pw = true;
	}
	print_result(cli, &counts, created, have_pw, pw);
	rc = CG_EXIT_OK;
out:
	cg_store_close(st);
	cg_buf_free(&why);
	cg_buf_free(&path);
	cg_buf_free(&pwpath);
	return rc;
}

int cmd_demo_seed(cg_cli *cli)
{
	demo_opts o = {false};
	int rc = cg_cli_parse(cli, demo_optv, demo_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 0)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	return demo_seed(cli, &o);
}
