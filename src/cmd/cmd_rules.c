/*
 * cmd_rules.c - `canhgac rules check PATH...`: which YARA rule files of a
 * rule set (a community set such as signature-base, or the province's
 * own) compile with canhgac's libyara, its external variables and its
 * include policy, and for those that do not, why, as FILE:LINE. Each
 * file is compiled alone (cg_mw_rules_check).
 * Exit: 0 every file compiles, 1 some do not, 2 a PATH cannot be read.
 */
#include <stdio.h>

#include "cli.h"
#include "core/buf.h"
#include "core/json.h"
#include "core/limits.h"
#include "malware/rules.h"

typedef struct check_ctx {
	const cg_cli *cli;
	int ok, bad, rules;
} check_ctx;

static void on_file(void *vctx, const char *file, cg_err err, const char *why, int nrules)
{
	check_ctx *c = vctx;
	if (err)
		c->bad++;
	else {
		c->ok++;
		c->rules += nrules;
	}
	if (c->cli->json) {
		json_t *o = err ? json_pack("{s:s,s:s,s:b,s:s}", "type", "file", "file", file, "ok",
		                            0, "error", why)
		                : json_pack("{s:s,s:s,s:b,s:i}", "type", "file", "file", file, "ok",
		                            1, "rules", nrules);
		cg_buf out;
		cg_buf_init(&out, CG_MAX_EVENT_JSON);
		if (o && cg_json_encode(&out, o) == CG_OK)
			printf("%s\n", cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
	} else if (err) {
		printf("FAIL  %s\n", why && *why ? why : file);
	} else if (c->cli->verbosity >= 0) {
		printf("ok    %s (%d rules)\n", file, nrules);
	}
}

int cmd_rules_check(cg_cli *cli)
{
	int rc = cg_cli_parse(cli, NULL, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (cli->npos < 1)
		return cg_cli_usage_error(cli, "needs a rule file or directory");
	check_ctx c = {cli, 0, 0, 0};
	cg_buf why;
	cg_buf_init(&why, 4096);
	int status = CG_EXIT_OK;
	for (int i = 0; i < cli->npos; i++) {
		cg_buf_reset(&why);
		if (cg_mw_rules_check(cli->pos[i], on_file, &c, &why)) {
			fprintf(stderr, "canhgac %s: %s\n", cli->cmd->name, cg_buf_cstr(&why));
			status = CG_EXIT_ERROR;
		}
	}
	cg_buf_free(&why);
	if (cli->json) {
		json_t *o = json_pack("{s:s,s:i,s:i,s:i}", "type", "summary", "compiled", c.ok,
		                      "failed", c.bad, "rules", c.rules);
		cg_buf out;
		cg_buf_init(&out, CG_MAX_EVENT_JSON);
		if (o && cg_json_encode(&out, o) == CG_OK)
			printf("%s\n", cg_buf_cstr(&out));
		cg_buf_free(&out);
		json_decref(o);
	} else {
		printf("%d files compile (%d rules), %d do not\n", c.ok, c.rules, c.bad);
	}
	if (status == CG_EXIT_OK && c.bad)
		status = CG_EXIT_FOUND;
	return status;
}
