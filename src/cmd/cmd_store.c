/*
 * cmd_store.c - `canhgac store copy --from sqlite:PATH --to postgresql://...`:
 * moves a province's store to PostgreSQL (the work is in
 * src/lib/store/copy.c). Prints one line per table (rows copied by this
 * run, rows on each side, whether the checksums agree) or, with --json,
 * one object per table. Exit 0 when every table matches, 2 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "store/copy.h"

enum { O_FROM = 1, O_TO };

static const cg_opt opts[] = {
    {"from", 0, true, O_FROM},
    {"to", 0, true, O_TO},
    {NULL, 0, false, 0},
};

typedef struct ctx {
	const char *from, *to;
} ctx;

static int on_opt(void *p, int id, const char *v)
{
	ctx *c = p;
	if (id == O_FROM)
		c->from = v;
	else
		c->to = v;
	return 0;
}

int cmd_store_copy(cg_cli *cli);
int cmd_store_copy(cg_cli *cli)
{
	ctx c = {NULL, NULL};
	int rc = cg_cli_parse(cli, opts, on_opt, &c);
	if (rc >= 0)
		return rc;
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!c.from || !c.to || !*c.from || !*c.to)
		return cg_cli_usage_error(cli, "--from and --to are both needed");
	cg_store_copy_report rep;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_store_copy(c.from, c.to, &rep, &why);
	for (int i = 0; i < rep.ntables; i++) {
		const cg_store_copy_table *t = &rep.tables[i];
		bool same = t->source_rows == t->dest_rows && t->source_sum == t->dest_sum;
		if (cli->json)
			printf("{\"table\":\"%s\",\"copied\":%lld,\"source_rows\":%lld,"
			       "\"dest_rows\":%lld,\"match\":%s}\n",
			       t->name, (long long)t->copied, (long long)t->source_rows,
			       (long long)t->dest_rows, same ? "true" : "false");
		else
			printf("%-18s copied %9lld  rows %9lld -> %9lld  %s\n", t->name,
			       (long long)t->copied, (long long)t->source_rows,
			       (long long)t->dest_rows, same ? "checksum ok" : "DIFFERS");
	}
	if (err) {
		fprintf(stderr, "canhgac store copy: %s\n", cg_buf_cstr(&why));
		cg_buf_free(&why);
		return CG_EXIT_ERROR;
	}
	cg_buf_free(&why);
	return CG_EXIT_OK;
}
