/*
 * cmd_dns_common.c - options and loading shared by `dns analyze` and
 * `dns watch` (see cmd_dns_common.h).
 *
 * The rules directory holds the DGA model, its word list and the DGA
 * allow-list (rules/dns/). It is found, in order, from --rules-dir,
 * $CANHGAC_RULES_DIR, the source tree the binary was built from, and
 * /usr/share/canhgac/rules.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_dns_common.h"
#include "core/timeutil.h"
#include "core/rules_dir.h"
#include "version.h"

void dns_setup_init(dns_setup *s, cg_cli *cli)
{
	memset(s, 0, sizeof *s);
	s->cli = cli;
	cg_dns_opts_default(&s->opts);
	s->blocklists = calloc((size_t)cli->argc + 1, sizeof *s->blocklists);
	s->allows = calloc((size_t)cli->argc + 1, sizeof *s->allows);
}

static bool real_opt(dns_setup *s, const char *name, const char *val,
		     double min, double max, double *out)
{
	char *end;
	double v = strtod(val, &end);
	if (!*val || *end || !isfinite(v) || v < min || v > max) {
		cg_cli_usage_error(s->cli, "--%s must be a number from %g to %g",
				   name, min, max);
		return false;
	}
	*out = v;
	return true;
}

int dns_setup_option(dns_setup *s, int id, const char *val)
{
	long long n;
	double d;
	cg_dns_opts *o = &s->opts;
	switch (id) {
	case 1:
		if (cg_dns_fmt_parse(val, &s->fmt)) {
			cg_cli_usage_error(s->cli, "unknown --format '%s'", val);
			return 1;
		}
		return 0;
	case 2:
		if (s->blocklists)
			s->blocklists[s->nblocklists++] = val;
		return 0;
	case 3:
		if (s->allows)
			s->allows[s->nallows++] = val;
		return 0;
	case 4:
		s->subnets_path = val;
		return 0;
	case 5:
	case 6: {
		int64_t ms;
		if (cg_time_parse(cg_slice_cstr(val), &ms)) {
			cg_cli_usage_error(s->cli, "--%s: '%s' is not a time (RFC 3339 "
					   "or YYYY-MM-DD)", id == 5 ? "since" : "until", val);
			return 1;
		}
		*(id == 5 ? &o->since_ms : &o->until_ms) = ms;
		return 0;
	}
	case 7:
		s->rules_dir = val;
		return 0;
	case 8:
		s->no_dga = true;
		return 0;
	case 9:
		if (!cg_cli_int(s->cli, "dga-min-names", val, 1, 100000, &n))
			return 1;
		o->dga_min_names = (int)n;
		return 0;
	case 10:
		if (!cg_cli_int(s->cli, "dga-max-clients", val, 1, 8, &n))
			return 1;
		o->dga_max_clients = (int)n;
		return 0;
	case 11:
		if (!cg_cli_int(s->cli, "tunnel-min-unique", val, 2, 100000, &n))
			return 1;
		o->tunnel_min_unique = (int)n;
		return 0;
	case 12:
		if (!cg_cli_int(s->cli, "tunnel-min-length", val, 1, 250, &n))
			return 1;
		o->tunnel_min_len = (int)n;
		return 0;
	case 13:
		if (!cg_cli_int(s->cli, "tunnel-min-txt", val, 1, 100000000, &n))
			return 1;
		o->tunnel_min_txt = (int)n;
		return 0;
	case 14:
		if (!cg_cli_int(s->cli, "beacon-min-count", val, 3, 100000000, &n))
			return 1;
		o->beacon_min_count = (int)n;
		return 0;
	case 15:
		if (!real_opt(s, "beacon-max-cv", val, 0, 10, &d))
			return 1;
		o->beacon_max_cv = d;
		return 0;
	case 16:
		if (!real_opt(s, "beacon-min-interval", val, 1, 86400 * 30, &d))
			return 1;
		o->beacon_min_interval_ms = (int64_t)(d * 1000);
		return 0;
	case 17:
		if (!cg_cli_int(s->cli, "beacon-max-clients", val, 1, 8, &n))
			return 1;
		o->beacon_max_clients = (int)n;
		return 0;
	case 18:
		s->events = true;
		return 0;
	case 19:
		if (!real_opt(s, "dga-min-ratio", val, 0, 1, &d))
			return 1;
		o->dga_min_ratio = d;
		return 0;
	}
	return -1;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *find_rules(dns_setup *s, char *buf, size_t size)
{
	if (s->rules_dir) {
		snprintf(buf, size, "%s/dns", s->rules_dir);
		return buf;
	}
	snprintf(buf, size, "%s/dns", cg_rules_dir());
	return is_dir(buf) ? buf : NULL;
}

static bool load_set(dns_setup *s, cg_dns_set *set, const char *path)
{
	cg_dns_intel_stats st = { 0 };
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_err err = cg_dns_intel_load(set, path, &st, &why);
	if (err)
		fprintf(stderr, "canhgac %s: %s\n", s->cli->cmd->name, cg_buf_cstr(&why));
	else if (st.skipped)
		fprintf(stderr, "canhgac %s: %s: %llu lines without a usable domain "
			"skipped, first at line %llu\n", s->cli->cmd->name, path,
			(unsigned long long)st.skipped,
			(unsigned long long)st.first_bad);
	cg_buf_free(&why);
	return !err;
}

bool dns_setup_load(dns_setup *s)
{
	const char *cmd = s->cli->cmd->name;
	if (!s->blocklists || !s->allows) {
		fprintf(stderr, "canhgac %s: out of memory\n", cmd);
		return false;
	}
	if (s->nblocklists) {
		s->bl = cg_dns_set_new();
		if (!s->bl)
			return false;
		for (int i = 0; i < s->nblocklists; i++)
			if (!load_set(s, s->bl, s->blocklists[i]))
				return false;
	}
	s->psl = cg_dns_psl_open();
	if (!s->psl) {
		fprintf(stderr, "canhgac %s: no Public Suffix List (libpsl) data\n", cmd);
		return false;
	}
	s->allow = cg_dns_set_new();
	if (!s->allow)
		return false;
	char dir[4096];
	const char *rules = find_rules(s, dir, sizeof dir);
	if (!s->no_dga) {
		if (!rules) {
			fprintf(stderr, "canhgac %s: no rules directory with dns/ "
				"(use --rules-dir or --no-dga)\n", cmd);
			return false;
		}
		cg_buf why;
		cg_buf_init(&why, 4096);
		cg_err err = cg_dns_dga_load(rules, &s->dga, &why);
		if (err)
			fprintf(stderr, "canhgac %s: DGA model: %s\n", cmd, cg_buf_cstr(&why));
		cg_buf_free(&why);
		if (err)
			return false;
	}
	if (rules) {
		char path[4200];
		snprintf(path, sizeof path, "%s/allow.txt", rules);
		struct stat st;
		if (stat(path, &st) == 0 && !load_set(s, s->allow, path))
			return false;
	}
	for (int i = 0; i < s->nallows; i++)
		if (!load_set(s, s->allow, s->allows[i]))
			return false;
	if (s->subnets_path) {
		cg_buf why;
		cg_buf_init(&why, 4096);
		cg_err err = cg_dns_subnets_load(s->subnets_path, &s->subnets, &why);
		if (err)
			fprintf(stderr, "canhgac %s: %s\n", cmd, cg_buf_cstr(&why));
		cg_buf_free(&why);
		if (err)
			return false;
	}
	return true;
}

void dns_setup_free(dns_setup *s)
{
	cg_dns_set_free(s->bl);
	cg_dns_set_free(s->allow);
	cg_dns_dga_free(s->dga);
	if (s->psl)
		psl_free(s->psl);
	cg_dns_subnets_free(s->subnets);
	free(s->blocklists);
	free(s->allows);
}

const char *dns_setup_agency(const dns_setup *s, cg_slice ip)
{
	return s->subnets ? cg_dns_subnets_lookup(s->subnets, ip) : NULL;
}
