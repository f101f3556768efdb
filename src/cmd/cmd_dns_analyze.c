/*
 * cmd_dns_analyze.c - `canhgac dns analyze LOG...`: infected clients from
 * resolver logs.
 *
 * Every LOG (gzip or plain, "-" for standard input) is read through the
 * reader of its format into one analyzer, so a client seen in several logs
 * is one client. Then the flagged clients are printed, most serious first:
 * a readable block each, or with --json one object a line
 * ({"type":"client","client","agency","reasons":[...],...}, or cg_event
 * lines with --events), then one summary object: lines read, queries,
 * lines skipped per reason with the first file and line, clients seen.
 * Exit 0 nothing flagged, 1 flagged clients, 2 an input or option failed
 * (the other inputs are still analysed and reported).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_dns_common.h"
#include "core/json.h"
#include "dns/input.h"

static int on_opt(void *ctx, int id, const char *val)
{
	int r = dns_setup_option(ctx, id, val);
	return r < 0 ? 1 : r;
}

static void print_json(json_t *o)
{
	cg_buf b;
	cg_buf_init(&b, 16u << 20);
	if (cg_json_encode(&b, o) == CG_OK)
		puts(cg_buf_cstr(&b));
	cg_buf_free(&b);
}

static json_t *summary_json(const cg_dns_stats *st, const cg_dns_counts *c,
			    size_t flagged, json_t *inputs, json_t *errors)
{
	json_t *skips = json_array();
	for (int r = 0; r < CG_DNS_SKIP_COUNT; r++) {
		const cg_dns_skipstat *k = &st->skip[r];
		if (!k->count)
			continue;
		json_array_append_new(skips, json_pack("{s:s,s:I,s:o,s:I}", "reason",
			cg_dns_skip_name((cg_dns_skip)r), "count", (json_int_t)k->count,
			"first_file", cg_json_cstr(k->file), "first_line",
			(json_int_t)k->first_line));
	}
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:o,s:o}",
		"type", "summary", "lines_read", (json_int_t)st->lines, "queries",
		(json_int_t)st->queries, "other_lines", (json_int_t)st->other,
		"lines_skipped", (json_int_t)st->skipped, "skipped", skips,
		"out_of_window", (json_int_t)c->out_of_window, "clients_seen",
		(json_int_t)c->clients, "clients_flagged", (json_int_t)flagged,
		"domains", (json_int_t)c->domains, "inputs", inputs, "errors", errors);
	return o;
}

static void print_summary_text(const cg_dns_stats *st, const cg_dns_counts *c,
			       size_t flagged)
{
	printf(cg_tr("%llu lines read, %llu queries, %llu clients seen, %zu flagged\n"),
	       (unsigned long long)st->lines, (unsigned long long)st->queries,
	       (unsigned long long)c->clients, flagged);
	for (int r = 0; r < CG_DNS_SKIP_COUNT; r++) {
		const cg_dns_skipstat *k = &st->skip[r];
		if (k->count)
			printf(cg_tr("%llu lines skipped: %s, first at %s:%llu\n"),
			       (unsigned long long)k->count,
			       cg_dns_skip_name((cg_dns_skip)r), k->file,
			       (unsigned long long)k->first_line);
	}
	if (c->out_of_window)
		printf(cg_tr("%llu queries outside --since/--until\n"),
		       (unsigned long long)c->out_of_window);
}

static int report(dns_setup *s, cg_dns_analyzer *a, const cg_dns_stats *st,
		  json_t *inputs, json_t *errors)
{
	const uint32_t *ids;
	size_t n;
	if (cg_dns_analyzer_flagged(a, &ids, &n)) {
		cg_cli_error(s->cli, "out of memory");
		json_decref(inputs);
		json_decref(errors);
		return CG_EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		const char *agency = dns_setup_agency(s, cg_dns_client_ip(a, ids[i]));
		if (s->cli->json && s->events) {
			cg_event ev;
			cg_buf b;
			cg_buf_init(&b, CG_MAX_EVENT_JSON);
			if (cg_event_init(&ev) == CG_OK &&
			    cg_dns_client_event(a, ids[i], agency, &ev) == CG_OK &&
			    cg_event_encode(&ev, &b) == CG_OK)
				puts(cg_buf_cstr(&b));
			cg_event_clear(&ev);
			cg_buf_free(&b);
		} else if (s->cli->json) {
			json_t *o = cg_dns_client_json(a, ids[i], agency);
			if (o)
				print_json(o);
			json_decref(o);
		} else {
			cg_buf b;
			cg_buf_init(&b, 1u << 20);
			cg_dns_client_text(a, ids[i], agency, &b);
			printf("%s\n", cg_buf_cstr(&b));
			cg_buf_free(&b);
		}
	}
	cg_dns_counts c;
	cg_dns_analyzer_counts(a, &c);
	if (s->cli->json) {
		json_t *o = summary_json(st, &c, n, inputs, errors);
		print_json(o);
		json_decref(o);
	} else {
		print_summary_text(st, &c, n);
		json_decref(inputs);
		json_decref(errors);
	}
	return n ? CG_EXIT_FOUND : CG_EXIT_OK;
}

int cmd_dns_analyze(cg_cli *cli)
{
	static const cg_opt opts[] = { DNS_COMMON_OPTS, { NULL, 0, false, 0 } };
	dns_setup s;
	dns_setup_init(&s, cli);
	int rc = cg_cli_parse(cli, opts, on_opt, &s);
	if (rc >= 0) {
		dns_setup_free(&s);
		return rc;
	}
	if (cli->npos == 0) {
		dns_setup_free(&s);
		return cg_cli_usage_error(cli, "no log given (use - for standard input)");
	}
	if (!dns_setup_load(&s)) {
		dns_setup_free(&s);
		return CG_EXIT_ERROR;
	}
	cg_dns_analyzer *a;
	if (cg_dns_analyzer_new(&s.opts, s.bl, s.allow, s.dga, s.psl, &a)) {
		dns_setup_free(&s);
		return CG_EXIT_ERROR;
	}
	cg_dns_stats st = { 0 };
	bool failed = false;
	json_t *inputs = json_array(), *errors = json_array();
	for (int i = 0; i < cli->npos; i++) {
		cg_buf why;
		cg_buf_init(&why, 4096);
		cg_dns_fmt used = s.fmt;
		cg_err err = cg_dns_read_path_batch(cli->pos[i], s.fmt, &st,
						 cg_dns_analyzer_add_batch, a, &used, &why);
		json_array_append_new(inputs, json_pack("{s:o,s:s}", "file",
			cg_json_cstr(cli->pos[i]), "format", cg_dns_fmt_name(used)));
		if (err) {
			failed = true;
			cg_cli_error(cli, "%s", cg_buf_cstr(&why));
			json_array_append_new(errors, cg_json_str(cg_buf_slice(&why)));
		}
		cg_buf_free(&why);
	}
	rc = report(&s, a, &st, inputs, errors);
	cg_dns_analyzer_free(a);
	dns_setup_free(&s);
	return failed ? CG_EXIT_ERROR : rc;
}
