/*
 * cmd_dns_train.c - `canhgac dns dga-train`: rebuilds rules/dns/dga-model.txt
 * from benign and DGA name lists and prints (or writes) the precision and
 * recall of the held-out 20% per DGA family. scripts/dns-build-dga-model.sh
 * runs it on ../shared/data/dns with the word list in rules/dns/.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "core/msg.h"
#include "core/fileio.h"
#include "dns/dga.h"

typedef struct train_args {
	const char **benign, **dga;
	int nbenign, ndga;
	const char *words, *out, *report, *heldout;
} train_args;

static int on_opt(void *ctx, int id, const char *val)
{
	train_args *t = ctx;
	switch (id) {
	case 1: t->benign[t->nbenign++] = val; break;
	case 2: t->dga[t->ndga++] = val; break;
	case 3: t->words = val; break;
	case 4: t->out = val; break;
	case 5: t->report = val; break;
	case 6: t->heldout = val; break;
	}
	return 0;
}

int cmd_dns_dga_train(cg_cli *cli)
{
	static const cg_opt opts[] = {
		{ "benign", 0, true, 1 }, { "dga", 0, true, 2 },
		{ "words", 0, true, 3 }, { "out", 0, true, 4 },
		{ "report", 0, true, 5 }, { "heldout", 0, true, 6 },
		{ NULL, 0, false, 0 },
	};
	train_args t = { 0 };
	t.benign = calloc((size_t)cli->argc + 1, sizeof *t.benign);
	t.dga = calloc((size_t)cli->argc + 1, sizeof *t.dga);
	int rc = t.benign && t.dga ? cg_cli_parse(cli, opts, on_opt, &t) : CG_EXIT_ERROR;
	if (rc < 0 && (!t.nbenign || !t.ndga || !t.words || !t.out))
		rc = cg_cli_usage_error(cli, "--benign, --dga, --words and --out are required");
	if (rc >= 0) {
		free(t.benign);
		free(t.dga);
		return rc;
	}
	cg_buf model, rep, why, held;
	cg_buf_init(&held, 64u << 20);
	cg_buf_init(&model, 64u << 20);
	cg_buf_init(&rep, 1u << 20);
	cg_buf_init(&why, 4096);
	cg_err err = cg_dns_dga_train(t.benign, t.nbenign, t.dga, t.ndga, t.words,
				      &model, &rep, t.heldout ? &held : NULL, &why);
	if (!err)
		err = cg_write_file_atomic(t.out, model.ptr, model.len, 0644, &why);
	if (!err && t.report)
		err = cg_write_file_atomic(t.report, rep.ptr, rep.len, 0644, &why);
	if (!err && t.heldout)
		err = cg_write_file_atomic(t.heldout, held.ptr, held.len, 0644, &why);
	if (err)
		cg_cli_error(cli, "%s", why.len ? cg_buf_cstr(&why) : cg_tr(cg_strerror(err)));
	else if (!t.report)
		fputs(cg_buf_cstr(&rep), stdout);
	cg_buf_free(&model);
	cg_buf_free(&rep);
	cg_buf_free(&why);
	cg_buf_free(&held);
	free(t.benign);
	free(t.dga);
	return err ? CG_EXIT_ERROR : CG_EXIT_OK;
}
