/* The agent policy schema (api/agent_policy.h): the hostile policies of
 * issue 18.6 are refused naming their field, the policies the product
 * and its tests use are accepted, and the agent's clamp keeps every
 * interval within the bounds whatever it is given. */
#include <stdio.h>
#include <string.h>

#include "api/agent_policy.h"
#include "core/limits.h"
#include "../test.h"

static bool refused(const char *text, const char *field)
{
	json_t *p = json_loads(text, 0, NULL);
	char why[256] = "";
	bool r = p && cg_apol_check(p, why, sizeof why) == CG_EINVAL &&
	         strncmp(why, field, strlen(field)) == 0 && why[strlen(field)] == ':';
	if (!r)
		printf("# %s -> \"%s\" (wanted %s:)\n", text, why, field);
	json_decref(p);
	return r;
}

static bool accepted(const char *text)
{
	json_t *p = json_loads(text, 0, NULL);
	char why[256] = "";
	bool r = p && cg_apol_check(p, why, sizeof why) == CG_OK;
	if (!r)
		printf("# %s refused: %s\n", text, why);
	json_decref(p);
	return r;
}

/* Appends s to buf (bounded). */
static void app(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, "%s", s);
}

TEST(hostile_policies_refused)
{
	CHECK(refused("{\"upload_s\":0}", "upload_s"));
	CHECK(refused("{\"upload_s\":\"abc\"}", "upload_s"));
	CHECK(refused("{\"upload_s\":-1}", "upload_s"));
	CHECK(refused("{\"heartbeat_s\":0}", "heartbeat_s"));
	CHECK(refused("{\"heartbeat_s\":1.5}", "heartbeat_s"));
	CHECK(refused("{\"heartbeat_s\":99999999999}", "heartbeat_s"));
	CHECK(refused("{\"malware\":\"x\"}", "malware"));
	CHECK(refused("{\"accounts\":[1,2]}", "accounts"));
	CHECK(refused("{\"accounts\":{\"interval_s\":5}}", "accounts.interval_s"));
	CHECK(refused("{\"accounts\":{\"max_age_days\":0}}", "accounts.max_age_days"));
	CHECK(refused("{\"fim\":{\"pass_interval_s\":\"often\"}}", "fim.pass_interval_s"));
	CHECK(refused("{\"fim\":{\"web_roots\":[\"relative/path\"]}}", "fim.web_roots"));
	CHECK(refused("{\"fim\":{\"web_roots\":[\"/a\\nb\"]}}", "fim.web_roots"));
	CHECK(refused("{\"fim\":{\"web_roots\":\"/var/www\"}}", "fim.web_roots"));
	/* Windows paths: a drive letter and a separator, nothing looser */
	CHECK(refused("{\"fim\":{\"web_roots\":[\"C:inetpub\"]}}", "fim.web_roots"));
	CHECK(refused("{\"fim\":{\"web_roots\":[\"1:/x\"]}}", "fim.web_roots"));
	CHECK(refused("{\"fim\":{\"web_roots\":[\"\\\\inetpub\"]}}", "fim.web_roots"));
	CHECK(refused("{\"malware\":{\"incremental\":\"sometimes\"}}", "malware.incremental"));
	CHECK(refused("{\"malware\":{\"full\":7}}", "malware.full"));
	CHECK(refused("{\"malware\":{\"bogus\":1}}", "malware.bogus"));
	CHECK(refused("{\"secrets\":{\"interval\":\"1y\"}}", "secrets.interval"));
	CHECK(refused("{\"secrets\":{\"paths\":[1]}}", "secrets.paths"));
	CHECK(refused("{\"extra\":1}", "extra"));
	/* 31 levels of objects: refused at the first level that is not
	 * in the schema, never walked */
	char deep[400] = "{\"malware\":";
	for (int i = 0; i < 30; i++)
		app(deep, sizeof deep, "{\"a\":");
	app(deep, sizeof deep, "1");
	for (int i = 0; i < 31; i++)
		app(deep, sizeof deep, "}");
	CHECK(refused(deep, "malware.a"));
	char many[64 * 8 + 64] = "{\"fim\":{\"web_roots\":[";
	for (int i = 0; i < 65; i++)
		app(many, sizeof many, i ? ",\"/w\"" : "\"/w\"");
	app(many, sizeof many, "]}}");
	CHECK(refused(many, "fim.web_roots"));
	json_t *arr = json_array();
	char why[64];
	CHECK(cg_apol_check(arr, why, sizeof why) == CG_EINVAL && strncmp(why, "policy:", 7) == 0);
	json_decref(arr);
}

TEST(usual_policies_accepted)
{
	CHECK(accepted("{}"));
	CHECK(accepted("{\"heartbeat_s\":2,\"accounts\":{\"interval_s\":0}}"));
	CHECK(accepted("{\"heartbeat_s\":10,\"upload_s\":1,\"fim\":{\"web_roots\":[\"/var/www\"],"
	               "\"pass_interval_s\":21600}}"));
	CHECK(accepted(
	    "{\"malware\":{\"incremental\":\"2s\",\"full\":\"off\",\"scan_paths\":[\"/srv\"]},"
	    "\"secrets\":{\"interval\":\"monthly\",\"paths\":[\"/home/docs\"]}}"));
	CHECK(accepted(
	    "{\"accounts\":{\"interval_s\":86400,\"max_age_days\":90,\"unused_days\":90}}"));
	/* one agency's Linux and Windows servers in one policy */
	CHECK(accepted("{\"fim\":{\"web_roots\":[\"/var/www\",\"C:/inetpub/wwwroot\","
	               "\"d:\\\\sites\\\\portal\"]},\"secrets\":{\"paths\":[\"C:/Users\"]}}"));
}

TEST(agent_clamps)
{
	json_t *zero = json_integer(0), *neg = json_integer(-7), *huge = json_integer(1LL << 40),
	       *s = json_string("abc"), *ten = json_integer(10);
	CHECK(cg_apol_clamp("upload_s", zero, 5) == CG_AGENT_MIN_UPLOAD_S);
	CHECK(cg_apol_clamp("heartbeat_s", zero, 60) == CG_AGENT_MIN_HEARTBEAT_S);
	CHECK(cg_apol_clamp("heartbeat_s", neg, 60) == CG_AGENT_MIN_HEARTBEAT_S);
	CHECK(cg_apol_clamp("heartbeat_s", huge, 60) == CG_AGENT_MAX_INTERVAL_S);
	CHECK(cg_apol_clamp("upload_s", s, 5) == 5);
	CHECK(cg_apol_clamp("upload_s", NULL, 5) == 5);
	CHECK(cg_apol_clamp("upload_s", ten, 5) == 10);
	CHECK(cg_apol_clamp("accounts.interval_s", zero, 86400) == 0); /* 0 = off */
	CHECK(cg_apol_clamp("accounts.interval_s", ten, 86400) == CG_AGENT_MIN_PASS_S);
	CHECK(cg_apol_clamp("fim.pass_interval_s", neg, 21600) == CG_AGENT_MIN_PASS_S);
	CHECK(cg_apol_interval_s("1s") == CG_AGENT_MIN_SCHEDULE_S);
	CHECK(cg_apol_interval_s("0s") == 0);
	json_decref(zero);
	json_decref(neg);
	json_decref(huge);
	json_decref(s);
	json_decref(ten);
}

int main(void)
{
	RUN(hostile_policies_refused);
	RUN(usual_policies_accepted);
	RUN(agent_clamps);
	return test_done();
}
