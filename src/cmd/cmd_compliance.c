/*
 * cmd_compliance.c - `canhgac compliance`: the status of every control of
 * the regime in force (or --regime) for every agency, system and endpoint
 * in the store, as of today (or --at), one line or JSON object per control
 * and subject, then a summary.
 *
 * Exit 0 when nothing is overdue or missing evidence, 1 when something
 * is, 2 on an error (bad option, rule file, store). Everything is decided
 * by lib/compliance; this file reads argv and prints.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compliance/compliance.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/timeutil.h"

typedef struct opts {
	const cg_cli *cli;
	const char *agency, *regime, *at, *rules;
} opts;

enum { O_AGENCY = 1, O_REGIME, O_AT, O_RULES };

static int on_opt(void *ctx, int id, const char *v)
{
	opts *o = ctx;
	switch (id) {
	case O_AGENCY:
		o->agency = v;
		break;
	case O_REGIME:
		o->regime = v;
		break;
	case O_AT:
		o->at = v;
		break;
	case O_RULES:
		o->rules = v;
		break;
	}
	return 0;
}

static const cg_opt optv[] = {
    {"agency", 'a', true, O_AGENCY}, {"regime", 0, true, O_REGIME}, {"at", 0, true, O_AT},
    {"rules", 0, true, O_RULES},     {NULL, 0, false, 0},
};

static const char *str_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int print_json(const json_t *v)
{
	cg_buf b;
	cg_buf_init(&b, 1u << 20);
	cg_err err = cg_json_encode(&b, v);
	if (!err)
		printf("%s\n", cg_buf_cstr(&b));
	cg_buf_free(&b);
	return err ? -1 : 0;
}

static void print_line(const json_t *r, bool en)
{
	const char *due = str_of(r, "due");
	json_t *id = json_object_get(r, "subject_id");
	char ids[64];
	if (json_is_integer(id))
		snprintf(ids, sizeof ids, "%lld", (long long)json_integer_value(id));
	else
		snprintf(ids, sizeof ids, "%s", json_string_value(id) ? json_string_value(id) : "");
	printf("%-16s %-20s %s:%s %s  %s %s  %s  [%s]%s\n", str_of(r, "status"),
	       str_of(r, "control"), str_of(r, "subject_type"), ids, str_of(r, "subject_name"),
	       cg_tr("due"), due[0] ? due : "-", str_of(r, en ? "evidence_en" : "evidence"),
	       str_of(r, "legal_basis"),
	       json_is_true(json_object_get(r, "awaiting_decree")) ? cg_tr(" (awaiting decree)")
	                                                           : "");
}

int cmd_compliance(cg_cli *cli)
{
	opts o = {.cli = cli};
	int rc = cg_cli_parse(cli, optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos > 0)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	int32_t at_day = 0;
	if (o.at && !cg_compliance_parse_day(cg_slice_cstr(o.at), &at_day))
		return cg_cli_usage_error(cli, "--at must be a date YYYY-MM-DD, not '%s'", o.at);
	if (o.regime && !o.regime[0])
		return cg_cli_usage_error(cli, "--regime needs a regime name");

	int status = CG_EXIT_ERROR;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_deadline_rules *cal = malloc(sizeof *cal);
	cg_compliance_rules *r = malloc(sizeof *r);
	cg_store *st = NULL;
	json_t *facts = NULL, *results = NULL;
	if (!cal || !r) {
		cg_cli_error(cli, "out of memory");
		goto out;
	}
	if (cg_deadline_load_default(cal, &why)) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto out;
	}
	int64_t now = cg_time_now_ms();
	int32_t today = o.at ? at_day : cg_deadline_local_day(cal, now);
	/* --at evaluates as of the end of that day */
	if (o.at)
		now = cg_deadline_day_start(cal, today + 1) - 1;
	if (cg_compliance_load(o.rules, o.regime, today, r, &why)) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto out;
	}
	char url[PATH_MAX + 16];
	if (cg_store_open(cg_cli_store_url(cli, url, sizeof url), &st, &why)) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto out;
	}
	cg_scope scope = {0};
	if (o.agency) {
		int64_t id = 0;
		if (cg_store_agency_lookup(st, &scope, o.agency, &id)) {
			cg_cli_error(cli, "no agency '%s'", o.agency);
			goto out;
		}
		scope.agency_id = id;
	}
	if (cg_compliance_gather(st, &scope, now, &facts) ||
	    cg_compliance_evaluate(r, cal, facts, today, &results)) {
		cg_cli_error(cli, "the store could not be read: %s", cg_store_errmsg());
		goto out;
	}
	bool en = cg_lang_get() == CG_LANG_EN;
	bool action = false;
	size_t i;
	json_t *res;
	json_array_foreach(results, i, res)
	{
		action |= cg_compliance_needs_action(res);
		if (cli->json) {
			json_t *line = json_pack(
			    "{s:s, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "type",
			    "control", "control", json_object_get(res, "control"), "title",
			    json_object_get(res, en ? "title_en" : "title"), "subject_type",
			    json_object_get(res, "subject_type"), "subject_id",
			    json_object_get(res, "subject_id"), "agency_id",
			    json_object_get(res, "agency_id"), "status",
			    json_object_get(res, "status"), "due", json_object_get(res, "due"),
			    "legal_basis", json_object_get(res, "legal_basis"), "evidence",
			    json_object_get(res, en ? "evidence_en" : "evidence"),
			    "awaiting_decree", json_object_get(res, "awaiting_decree"),
			    "subject_name", json_object_get(res, "subject_name"));
			print_json(line);
			json_decref(line);
		} else
			print_line(res, en);
	}
	json_t *sum = cg_compliance_summary(r, facts, results, today);
	if (cli->json) {
		print_json(sum);
	} else {
		json_t *c = json_object_get(sum, "counts"), *p = json_object_get(sum, "percent");
		printf(cg_tr("regime %s on %s: %lld ok, %lld due soon, %lld overdue, %lld missing "
		             "evidence, %lld not applicable; "),
		       r->regime, str_of(sum, "at"),
		       (long long)json_integer_value(json_object_get(c, "ok")),
		       (long long)json_integer_value(json_object_get(c, "due_soon")),
		       (long long)json_integer_value(json_object_get(c, "overdue")),
		       (long long)json_integer_value(json_object_get(c, "missing_evidence")),
		       (long long)json_integer_value(json_object_get(c, "not_applicable")));
		if (json_is_integer(p))
			printf(cg_tr("%lld%% compliant\n"), (long long)json_integer_value(p));
		else
			printf("%s\n", cg_tr("nothing applies"));
	}
	json_decref(sum);
	if (fflush(stdout) || ferror(stdout)) {
		cg_cli_error(cli, "cannot write the output");
		goto out;
	}
	status = action ? CG_EXIT_FOUND : CG_EXIT_OK;
out:
	json_decref(facts);
	json_decref(results);
	cg_store_close(st);
	cg_buf_free(&why);
	free(cal);
	free(r);
	return status;
}
