/*
 * cmd_user.c - `canhgac user add NAME --role ROLE [--agency ID]`: create
 * an account from the command line (the first admin of a fresh server).
 *
 * The password is read from standard input (first line) when it is not a
 * terminal, so it never appears in the process list or shell history;
 * with --generate, or when standard input is a terminal, a random one is
 * generated and printed once. The change is in the audit log as "cli".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/auth.h"
#include "cli.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/msg.h"
#include "server/server.h"
#include "store/store.h"

enum { O_ROLE = 1, O_AGENCY, O_GENERATE, O_DISPLAY };

static const cg_opt opts[] = {
    {"role", 'r', true, O_ROLE},
    {"agency", 'a', true, O_AGENCY},
    {"display-name", 0, true, O_DISPLAY},
    {"generate", 0, false, O_GENERATE},
    {NULL, 0, false, 0},
};

typedef struct ctx {
	const char *role, *agency, *display;
	bool generate;
} ctx;

static int on_opt(void *p, int id, const char *v)
{
	ctx *c = p;
	if (id == O_ROLE)
		c->role = v;
	else if (id == O_AGENCY)
		c->agency = v;
	else if (id == O_DISPLAY)
		c->display = v;
	else if (id == O_GENERATE)
		c->generate = true;
	return 0;
}

/* The first line of stdin, without its line end. */
static bool read_password(char *out, size_t size)
{
	cg_buf b;
	cg_buf_init(&b, CG_MAX_PASSWORD + 2);
	int ch;
	while ((ch = getchar()) != EOF && ch != '\n')
		if (cg_buf_putc(&b, (char)ch)) {
			cg_buf_free(&b);
			return false;
		}
	if (b.len && b.ptr[b.len - 1] == '\r')
		b.len--;
	bool ok = b.len < size;
	if (ok) {
		memcpy(out, cg_buf_cstr(&b), b.len);
		out[b.len] = '\0';
	}
	cg_buf_free(&b);
	return ok;
}

int cmd_user_add(cg_cli *cli);
int cmd_user_add(cg_cli *cli)
{
	ctx c = {0};
	int rc = cg_cli_parse(cli, opts, on_opt, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "expected one user NAME");
	const char *name = cli->pos[0];
	if (!c.role || cg_role_parse(c.role) == CG_ROLE_NONE)
		return cg_cli_usage_error(cli, "--role must be admin, analyst, officer or viewer");
	if (cg_role_parse(c.role) == CG_ROLE_OFFICER && !c.agency)
		return cg_cli_usage_error(cli, "an officer needs --agency ID");
	if (cg_auth_init())
		return cg_cli_error(cli, "libsodium failed to initialise");
	char pw[CG_MAX_PASSWORD + 1];
	bool generated = c.generate || isatty(STDIN_FILENO);
	if (generated) {
		char g[24];
		cg_generate_password(g);
		snprintf(pw, sizeof pw, "%s", g);
	} else if (!read_password(pw, sizeof pw)) {
		return cg_cli_usage_error(cli, "the password on standard input is too long");
	}
	/* the same rules as the API (api/users.h): username, role, password
	 * length; checked before anything is written */
	json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "username", name, "role", c.role,
	                       "display_name", c.display ? c.display : name, "password", pw);
	json_t *scratch = json_object();
	const char *unused;
	cg_inv_error e;
	cg_err err = in && scratch ? cg_user_fields(in, true, scratch, &unused, &e) : CG_ENOMEM;
	json_decref(scratch);
	if (err) {
		json_decref(in);
		if (err == CG_EINVAL)
			return cg_cli_usage_error(cli, "%s%s%s", e.field, e.field[0] ? ": " : "",
			                          cg_tr(e.message));
		return CG_EXIT_ERROR;
	}
	cg_buf why;
	cg_buf_init(&why, 1024);
	char path[4096];
	const char *url = cg_cli_store_url(cli, path, sizeof path);
	/* An officer's agency can only be in a store that exists: never
	 * create one just to find the agency missing. */
	char dbfile[4096];
	snprintf(dbfile, sizeof dbfile, "%s/canhgac.db", cli->data_dir);
	if (c.agency && strncmp(url, "sqlite:", 7) == 0 && access(url + 7, F_OK) != 0) {
		cg_buf_free(&why);
		json_decref(in);
		return cg_cli_usage_error(cli, "--agency %s: no such agency (id, code or name)",
		                          c.agency);
	}
	cg_store *st = NULL;
	/* a SQLite store lives in the data dir; a PostgreSQL one needs none */
	bool local = strncmp(url, "sqlite:", 7) == 0;
	if ((local && cg_mkdir_p(cli->data_dir, 0700, &why)) || cg_store_open(url, &st, &why)) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		json_decref(in);
		return CG_EXIT_ERROR;
	}
	int status = CG_EXIT_ERROR;
	int64_t agency_id = 0;
	cg_scope all = {0};
	if (c.agency && cg_store_agency_lookup(st, &all, c.agency, &agency_id)) {
		cg_cli_usage_error(cli, "--agency %s: no such agency (id, code or name)", c.agency);
		goto out;
	}
	json_object_set_new(in, "agency_id", agency_id ? json_integer(agency_id) : json_null());
	cg_actor actor = {"cli"};
	int64_t id = 0;
	err = cg_user_create(st, &actor, in, &id, &e);
	if (err == CG_ECONFLICT) {
		cg_cli_error(cli, "user '%s' already exists", name);
		goto out;
	}
	if (err == CG_EINVAL) {
		cg_cli_usage_error(cli, "%s%s%s", e.field, e.field[0] ? ": " : "", cg_tr(e.message));
		goto out;
	}
	if (err) {
		cg_cli_error(cli, "%s (%s)", cg_tr(cg_strerror(err)), cg_store_errmsg());
		goto out;
	}
	if (cli->json) {
		json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "username", name,
		                      "role", c.role);
		if (generated)
			json_object_set_new(o, "password", json_string(pw));
		cg_buf b;
		cg_buf_init(&b, 4096);
		cg_json_encode(&b, o);
		puts(cg_buf_cstr(&b));
		cg_buf_free(&b);
		json_decref(o);
	} else {
		printf(cg_tr("created user %s (id %lld, role %s)\n"), name, (long long)id, c.role);
		if (generated)
			printf(cg_tr("password: %s\n"), pw);
	}
	status = CG_EXIT_OK;
out:
	json_decref(in);
	cg_store_close(st);
	cg_buf_free(&why);
	return status;
}
