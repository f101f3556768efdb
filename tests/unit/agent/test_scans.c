/*
 * test_scans.c - the agent's scan schedule words (cg_agent_interval_s)
 * and its scan state: the last run times survive a reopen, and a damaged
 * scans.json starts afresh instead of failing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/scans.h"
#include "core/limits.h"
#include "test.h"

TEST(interval_words)
{
	CHECK(cg_agent_interval_s("daily") == 86400);
	CHECK(cg_agent_interval_s("weekly") == 604800);
	CHECK(cg_agent_interval_s("monthly") == 2592000);
	CHECK(cg_agent_interval_s("hourly") == 3600);
	CHECK(cg_agent_interval_s("off") == 0);
	CHECK(cg_agent_interval_s("never") == 0);
	CHECK(cg_agent_interval_s("2s") == 2);
	CHECK(cg_agent_interval_s("90") == 90);
	CHECK(cg_agent_interval_s("10m") == 600);
	CHECK(cg_agent_interval_s("12h") == 43200);
	CHECK(cg_agent_interval_s("3d") == 259200);
	CHECK(cg_agent_interval_s("") == -1);
	CHECK(cg_agent_interval_s("s") == -1);
	CHECK(cg_agent_interval_s("-5s") == -1);
	CHECK(cg_agent_interval_s("daily ") == -1);
	CHECK(cg_agent_interval_s("1y") == -1);
	CHECK(cg_agent_interval_s("99999999999d") == -1);
	CHECK(cg_agent_interval_s(NULL) == -1);
}

/* A policy the server should have refused (issue 18.6: upload_s 0 made the
 * agent spin) is clamped when the agent applies it. */
TEST(hostile_policy_clamped)
{
	cg_agent_policy p;
	memset(&p, 0, sizeof p);
	p.heartbeat_s = 60;
	p.upload_s = 5;
	p.fim_pass_s = 21600;
	json_t *j = json_loads("{\"upload_s\":0,\"heartbeat_s\":-3,\"fim\":{\"pass_interval_s\":1},"
	                       "\"accounts\":{\"interval_s\":\"abc\"}}",
	                       0, NULL);
	CHECK(j && cg_agent_policy_apply(&p, j, NULL) == CG_OK);
	CHECK(p.upload_s == CG_AGENT_MIN_UPLOAD_S);
	CHECK(p.heartbeat_s == CG_AGENT_MIN_HEARTBEAT_S);
	CHECK(p.fim_pass_s == CG_AGENT_MIN_PASS_S);
	json_decref(j);
	cg_agent_policy_free(&p);
}

static void noop(void *ctx, cg_event *ev)
{
	(void)ctx;
	(void)ev;
}

TEST(state_survives_and_damage_starts_afresh)
{
	char dir[] = "/tmp/canhgac-scans.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	cg_agent_scans *s = cg_agent_scans_open(dir);
	CHECK(s && cg_agent_scans_last(s, CG_SCAN_SECRETS) == 0);
	/* a secrets scan of an empty list: no child, but a recorded run */
	cg_buf why;
	cg_buf_init(&why, 1024);
	CHECK(cg_agent_scans_run(s, CG_SCAN_SECRETS, false, NULL, 0, noop, NULL, &why) == CG_OK);
	int64_t t = cg_agent_scans_last(s, CG_SCAN_SECRETS);
	CHECK(t > 0);
	cg_agent_scans_close(s);
	s = cg_agent_scans_open(dir);
	CHECK(s && cg_agent_scans_last(s, CG_SCAN_SECRETS) == t);
	CHECK(cg_agent_scans_last(s, CG_SCAN_MW_FULL) == 0);
	cg_agent_scans_close(s);
	char path[256];
	snprintf(path, sizeof path, "%s/scans.json", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("{\"last\": [1, 2", f);
	fclose(f);
	s = cg_agent_scans_open(dir);
	CHECK(s && cg_agent_scans_last(s, CG_SCAN_SECRETS) == 0);
	cg_agent_scans_close(s);
	unlink(path);
	rmdir(dir);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(interval_words);
	RUN(hostile_policy_clamped);
	RUN(state_survives_and_damage_starts_afresh);
	return test_done();
}
