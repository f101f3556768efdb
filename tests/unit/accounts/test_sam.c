/*
 * test_sam.c - the Windows account audit's judgement (accounts/sam.h) with
 * recorded accounts: built-in accounts enabled, administrators, password
 * never expiring (account flag or machine policy), too old, not required,
 * default names, unused accounts; disabled accounts not judged. Runs on
 * Linux and, in the Windows build, under Wine; there it also runs the
 * real audit over Wine's SAM (platform/accounts_win.c) and checks what it
 * can know of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/sam.h"
#include "core/json.h"
#include "../test.h"

#define DAY    86400LL
#define NOW_MS 1796300000000LL

typedef struct seen {
	int n;
	char kinds[64][48], subjects[64][64];
	int sev[64];
	json_t *ev[64];
} seen;

static void on_ev(void *ctx, cg_event *ev)
{
	seen *s = ctx;
	if (s->n >= 64)
		return;
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	CHECK(cg_event_encode(ev, &b) == CG_OK);
	json_t *j = NULL;
	cg_json_parse(cg_buf_slice(&b), &j, NULL);
	snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", cg_json_get_str(j, "kind"));
	snprintf(s->subjects[s->n], sizeof s->subjects[0], "%s", cg_json_get_str(j, "subject"));
	CHECK_STR(cg_json_get_str(j, "source"), "accounts");
	s->sev[s->n] = (int)ev->severity;
	s->ev[s->n] = j;
	s->n++;
	cg_buf_free(&b);
}

static int find(const seen *s, const char *kind, const char *subject)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->kinds[i], kind) && !strcmp(s->subjects[i], subject))
			return i;
	return -1;
}

static void drop(seen *s)
{
	for (int i = 0; i < s->n; i++)
		json_decref(s->ev[i]);
}

static const int64_t recent = (NOW_MS / 1000) - 2 * DAY;

TEST(judge_recorded)
{
	const cg_sam_account a[] = {
	    {"Administrator", 500, 0x0201 | CG_UF_DONT_EXPIRE_PASSWD, 400 * DAY, recent, true},
	    {"Guest", 501, 0x0201 | CG_UF_PASSWD_NOTREQD | CG_UF_DONT_EXPIRE_PASSWD, 0, 0, false},
	    {"ketoan", 1001, 0x0201, 10 * DAY, recent, true},
	    {"nhanvien", 1002, 0x0201, 120 * DAY, (NOW_MS / 1000) - 200 * DAY, false},
	    {"test", 1003, 0x0201, 5 * DAY, recent, false},
	    {"cu", 1004, 0x0201 | CG_UF_ACCOUNTDISABLE | CG_UF_PASSWD_NOTREQD, 999 * DAY, 0, true},
	};
	const char *const others[] = {"CONGTY\\Domain Admins"};
	cg_sam_machine m = {
	    .max_password_age_s = 42 * DAY, .other_admins = others, .nother_admins = 1};
	cg_acct_policy p = {.max_age_days = 90, .unused_days = 90, .now_ms = NOW_MS};
	seen s = {0};
	cg_sam_judge(a, sizeof a / sizeof *a, &m, &p, on_ev, &s);
	int i = find(&s, "enabled_accounts", "SAM");
	CHECK(i >= 0);
	if (i >= 0) {
		json_t *e = json_object_get(s.ev[i], "evidence");
		CHECK(json_array_size(json_object_get(e, "enabled")) == 5);
		json_t *adm = json_object_get(e, "administrators");
		CHECK(json_array_size(adm) == 3); /* Administrator, ketoan, the domain group */
		CHECK_STR(json_string_value(json_array_get(adm, 2)), "CONGTY\\Domain Admins");
		CHECK(json_integer_value(json_object_get(e, "machine_max_age_days")) == 42);
	}
	i = find(&s, "builtin_account_enabled", "Guest");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_HIGH);
	i = find(&s, "builtin_account_enabled", "Administrator");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_MEDIUM);
	CHECK(find(&s, "default_account_name", "Guest") < 0); /* said once, as built-in */
	CHECK(find(&s, "default_account_name", "test") >= 0);
	CHECK(find(&s, "admin_account", "ketoan") >= 0);
	CHECK(find(&s, "admin_account", "Administrator") >= 0);
	CHECK(find(&s, "admin_account", "nhanvien") < 0);
	i = find(&s, "password_not_required", "Guest");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_HIGH);
	CHECK(find(&s, "password_never_expires", "Administrator") >= 0);
	CHECK(find(&s, "password_never_expires", "ketoan") < 0);
	i = find(&s, "password_too_old", "Administrator");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_MEDIUM);
	if (i >= 0)
		CHECK(json_integer_value(json_object_get(json_object_get(s.ev[i], "evidence"),
		                                         "password_age_days")) == 400);
	CHECK(find(&s, "password_too_old", "nhanvien") >= 0);
	CHECK(find(&s, "password_too_old", "ketoan") < 0);
	CHECK(find(&s, "account_unused", "nhanvien") >= 0);
	CHECK(find(&s, "account_unused", "Guest") >= 0); /* never logged on */
	CHECK(find(&s, "account_unused", "ketoan") < 0);
	/* the disabled account says nothing, whatever its flags */
	for (int k = 0; k < s.n; k++)
		CHECK(strcmp(s.subjects[k], "cu") != 0);
	drop(&s);
}

TEST(machine_policy_never)
{
	const cg_sam_account a[] = {{"ketoan", 1001, 0x0201, 10 * DAY, recent, false}};
	cg_sam_machine m = {.max_password_age_s = -1};
	cg_acct_policy p = {.now_ms = NOW_MS}; /* defaults: 90 days */
	seen s = {0};
	cg_sam_judge(a, 1, &m, &p, on_ev, &s);
	int i = find(&s, "password_never_expires", "ketoan");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_LOW);
	CHECK(find(&s, "password_too_old", "ketoan") < 0);
	CHECK(find(&s, "enabled_accounts", "SAM") >= 0);
	drop(&s);
}

TEST(default_names)
{
	CHECK(cg_acct_default_name("Admin"));
	CHECK(cg_acct_default_name("guest"));
	CHECK(!cg_acct_default_name("ketoan"));
}

#ifdef _WIN32
/* The real audit over Wine's SAM: Wine keeps one account, the user
 * running it, and answers the group and policy calls as it can. */
static void on_err(void *ctx, const char *msg)
{
	(void)ctx;
	printf("# audit note: %s\n", msg);
}

TEST(wine_sam)
{
	cg_acct_policy p = {.now_ms = NOW_MS};
	seen s = {0};
	CHECK(cg_accounts_audit(NULL, NULL, &p, on_ev, on_err, &s) == CG_OK);
	int i = find(&s, "enabled_accounts", "SAM");
	CHECK(i >= 0);
	if (i >= 0) {
		json_t *e = json_object_get(s.ev[i], "evidence");
		CHECK(json_array_size(json_object_get(e, "enabled")) >= 1);
		char *d = json_dumps(e, JSON_COMPACT);
		printf("# Wine's SAM: %s\n", d);
		free(d);
	}
	for (int k = 0; k < s.n; k++)
		printf("# finding: %s %s\n", s.kinds[k], s.subjects[k]);
	CHECK(cg_accounts_audit("C:/mnt/image", NULL, &p, on_ev, on_err, &s) == CG_EINVAL);
	drop(&s);
}
#endif

int main(void)
{
	RUN(judge_recorded);
	RUN(machine_policy_never);
	RUN(default_names);
#ifdef _WIN32
	RUN(wine_sam);
#endif
	return test_done();
}
