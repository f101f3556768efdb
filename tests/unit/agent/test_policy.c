/* Unit tests for the agent's local settings (cg_agent_load_policy):
 * `agent run --config FILE` (the package's /etc/canhgac/agent.ini) is read
 * instead of DATA/agent.conf, an absent file means the defaults, and a bad
 * value names the file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "core/fileio.h"
#include "test.h"
#include "version.h"

static char dir[] = "/tmp/canhgac-policy-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	CHECK(cg_write_file_atomic(path, text, strlen(text), 0600, NULL) == CG_OK);
}

TEST(config_file_replaces_agent_conf)
{
	put("agent.conf", "[agent]\nheartbeat_s = 11\n");
	put("agent.ini", "[agent]\nheartbeat_s = 22\n[fim]\nweb_roots = /srv/a /srv/b\n");
	char ini[256];
	snprintf(ini, sizeof ini, "%s/agent.ini", dir);
	cg_agent_policy p;
	CHECK(cg_agent_load_policy(dir, ini, &p, NULL) == CG_OK);
	CHECK(p.heartbeat_s == 22);
	CHECK(p.nroots == 2 && !strcmp(p.web_roots[0], "/srv/a") &&
	      !strcmp(p.web_roots[1], "/srv/b"));
	cg_agent_policy_free(&p);
	CHECK(cg_agent_load_policy(dir, NULL, &p, NULL) == CG_OK);
	CHECK(p.heartbeat_s == 11);
	cg_agent_policy_free(&p);
}

TEST(absent_file_means_defaults)
{
	cg_agent_policy p;
	CHECK(cg_agent_load_policy(dir, "/nonexistent/agent.ini", &p, NULL) == CG_OK);
	CHECK(p.heartbeat_s == 60);
	cg_agent_policy_free(&p);
}

TEST(bad_value_names_file_and_line)
{
	put("bad.ini", "# local\n[agent]\nheartbeat_s = often\n");
	char ini[256];
	snprintf(ini, sizeof ini, "%s/bad.ini", dir);
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_agent_policy p;
	CHECK(cg_agent_load_policy(dir, ini, &p, &why) != CG_OK);
	CHECK(strstr(cg_buf_cstr(&why), "bad.ini:3: heartbeat_s") != NULL);
	cg_buf_free(&why);
}

TEST(shipped_agent_ini_parses)
{
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_agent_policy p;
	CHECK(cg_agent_load_policy(dir, CG_SOURCE_DIR "/dist/agent.ini", &p, &why) == CG_OK);
	CHECK(p.heartbeat_s == 60 && p.upload_s == 5);
	cg_agent_policy_free(&p);
	cg_buf_free(&why);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(config_file_replaces_agent_conf);
	RUN(absent_file_means_defaults);
	RUN(bad_value_names_file_and_line);
	RUN(shipped_agent_ini_parses);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return test_done();
}
