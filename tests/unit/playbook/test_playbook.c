/* Unit tests: playbooks (playbook/playbook.h) and auto-case rules
 * (playbook/autocase.h): the shipped files parse and cover every kind of
 * incident; selection by kind and by a system's domain; every error names
 * the file and the line; matching of findings against a rule. */
#include <stdlib.h>
#include <string.h>

#include "api/incident.h"
#include "playbook/autocase.h"
#include "playbook/playbook.h"
#include "test.h"

static cg_err parse(const char *text, cg_playbook **p, cg_buf *why)
{
	cg_buf_reset(why);
	return cg_playbook_parse(cg_slice_cstr(text), "pb.txt", cg_inc_kinds, p, why);
}

TEST(shipped_playbooks_cover_every_kind)
{
	cg_playbooks set;
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_playbooks_load_default(cg_inc_kinds, &set, &why);
	CHECK(err == CG_OK);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	for (int i = 0; cg_inc_kinds[i]; i++) {
		const cg_playbook *p = cg_playbook_select(&set, cg_inc_kinds[i], NULL, 0);
		CHECK(p != NULL);
		if (!p)
			printf("# no playbook for %s\n", cg_inc_kinds[i]);
	}
	const cg_playbook *d = cg_playbook_select(&set, "defacement", NULL, 0);
	CHECK(d && strcmp(d->name, "defacement") == 0 && d->n_step == 7);
	CHECK(d && strcmp(d->step[0].name, "preserve") == 0 && d->step[0].role == CG_PB_OFFICER);
	CHECK(d && d->step[0].n_check == 2 && strstr(d->step[0].check[0].en, "Screenshot"));
	/* a system's own playbook wins, whatever case the domain is in */
	const char *doms[] = {"x.example.vn", "DichVuCong.LaiChau.gov.vn"};
	const cg_playbook *s = cg_playbook_select(&set, "defacement", doms, 2);
	CHECK(s && strcmp(s->name, "defacement-dichvucong") == 0);
	s = cg_playbook_select(&set, "webshell", doms, 2);
	CHECK(s && strcmp(s->name, "webshell") == 0);
	CHECK(cg_playbook_select(&set, "no_such_kind", NULL, 0) == NULL);
	cg_playbooks_free(&set);
	cg_buf_free(&why);
}

TEST(errors_name_file_and_line)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"title_vi x\n", "pb.txt:1: the file must start"},
	    {"playbook a\nplaybook b\n", "pb.txt:2: one playbook a file"},
	    {"playbook Bad\n", "pb.txt:1: playbook NAME"},
	    {"playbook a\nkind nope\n", "pb.txt:2: unknown incident kind"},
	    {"playbook a\ntitle_vi x\ntitle_en y\nkind ddos\n", "pb.txt:5: playbook a: no step"},
	    {"playbook a\ntitle_vi x\ntitle_en y\n\nstep s\n  role officer\n",
	     "pb.txt:5: step s: title_vi"},
	    {"playbook a\ntitle_vi x\ntitle_en y\nkind ddos\nstep s\n  role chief\n",
	     "pb.txt:6: unknown role"},
	    {"playbook a\ntitle_vi x\ntitle_en y\nkind ddos\nstep s\n title_vi a\n title_en b\n "
	     "check_vi c\n"
	     "step t\n",
	     "pb.txt:8: check_vi without its check_en"},
	    {"playbook a\nkind ddos\nstep s\n check_en x\n", "pb.txt:4: check_en must follow"},
	    {"playbook a\nkind ddos\nstep s\n title_vi a\n title_en b\nstep s\n",
	     "pb.txt:6: step s named twice"},
	    {"playbook a\nsystem bad/domain\n", "pb.txt:2: system:"},
	    {"playbook a\ntitle_vi \xff\n", "pb.txt:2: text is not valid UTF-8"},
	    {"playbook a\nfrobnicate\n", "pb.txt:2: unknown statement"},
	};
	cg_buf why;
	cg_buf_init(&why, 1024);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cg_playbook *p = NULL;
		cg_err err = parse(bad[i].text, &p, &why);
		CHECK(err == CG_EPARSE && !p);
		CHECK(strncmp(cg_buf_cstr(&why), bad[i].want, strlen(bad[i].want)) == 0);
		if (strncmp(cg_buf_cstr(&why), bad[i].want, strlen(bad[i].want)) != 0)
			printf("# %zu: got \"%s\"\n", i, cg_buf_cstr(&why));
	}
	cg_buf_free(&why);
}

TEST(set_refuses_ambiguity)
{
	const char *a =
	    "playbook a\ntitle_vi x\ntitle_en y\nkind ddos\nstep s\n title_vi a\n title_en b\n";
	const char *b = "playbook b\ntitle_vi x\ntitle_en y\nkind ddos other\nstep s\n title_vi a\n"
	                " title_en b\n";
	const char *c = "playbook c\ntitle_vi x\ntitle_en y\nkind ddos\nsystem s.vn\nstep s\n"
	                " title_vi a\n title_en b\n";
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_playbooks set = {0};
	cg_playbook *p;
	CHECK(parse(a, &p, &why) == CG_OK && cg_playbooks_add(&set, p, "a.txt", &why) == CG_OK);
	CHECK(parse(c, &p, &why) == CG_OK && cg_playbooks_add(&set, p, "c.txt", &why) == CG_OK);
	CHECK(parse(b, &p, &why) == CG_OK &&
	      cg_playbooks_add(&set, p, "b.txt", &why) == CG_ECONFLICT);
	CHECK(strstr(cg_buf_cstr(&why), "b.txt: playbook b answers the same kind (ddos)") != NULL);
	CHECK(parse(a, &p, &why) == CG_OK &&
	      cg_playbooks_add(&set, p, "a2.txt", &why) == CG_ECONFLICT);
	CHECK(set.n == 2);
	const char *d[] = {"s.vn"};
	CHECK(strcmp(cg_playbook_select(&set, "ddos", d, 1)->name, "c") == 0);
	CHECK(strcmp(cg_playbook_select(&set, "ddos", NULL, 0)->name, "a") == 0);
	cg_playbooks_free(&set);
	cg_buf_free(&why);
}

TEST(autocase_rules)
{
	cg_autocase_rules *r = malloc(sizeof *r);
	cg_buf why;
	cg_buf_init(&why, 1024);
	cg_err err = cg_autocase_load_default(cg_inc_kinds, r, &why);
	CHECK(err == CG_OK && r->n_rule >= 4);
	if (err)
		printf("# %s\n", cg_buf_cstr(&why));
	const cg_autocase_rule *def = &r->rule[0], *key = NULL, *burst = NULL;
	for (int i = 0; i < r->n_rule; i++) {
		if (strcmp(r->rule[i].name, "webshell_key_system") == 0)
			key = &r->rule[i];
		if (strcmp(r->rule[i].name, "webshell_burst") == 0)
			burst = &r->rule[i];
	}
	CHECK(strcmp(def->name, "defacement") == 0);
	CHECK(cg_autocase_match(def, "web", "defacement", CG_SEV_CRITICAL, 0));
	CHECK(!cg_autocase_match(def, "web", "defacement", CG_SEV_HIGH, 0));
	CHECK(!cg_autocase_match(def, "agent", "defacement", CG_SEV_CRITICAL, 0));
	CHECK(key && cg_autocase_match(key, "malware", "webshell", CG_SEV_LOW, 3));
	CHECK(key && !cg_autocase_match(key, "malware", "webshell", CG_SEV_CRITICAL, 2));
	CHECK(burst && burst->count == 5 && burst->window_ms == 24LL * 3600 * 1000);
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"kind x\n", "r.txt:1: expected \"rule NAME\""},
	    {"rule a\n kind defacement\n", "r.txt:1: rule a: no \"case_kind\""},
	    {"rule a\n kind x\n case_kind bogus\n", "r.txt:3: case_kind"},
	    {"rule a\n window 3w\n", "r.txt:2: window"},
	    {"rule a\n count 0\n", "r.txt:2: count"},
	    {"rule a\n min_level 6\n", "r.txt:2: min_level"},
	    {"rule a\n min_severity huge\n", "r.txt:2: min_severity"},
	    {"rule a\nrule a\n", "r.txt:1: rule a: no \"kind\""},
	    {"rule a\n kind x\n case_kind ddos\n title_vi a\n title_en b\nrule a\n",
	     "r.txt:6: rule a named twice"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cg_buf_reset(&why);
		err = cg_autocase_parse(cg_slice_cstr(bad[i].text), "r.txt", cg_inc_kinds, r, &why);
		CHECK(err == CG_EPARSE && r->n_rule == 0);
		CHECK(strncmp(cg_buf_cstr(&why), bad[i].want, strlen(bad[i].want)) == 0);
		if (strncmp(cg_buf_cstr(&why), bad[i].want, strlen(bad[i].want)) != 0)
			printf("# %zu: got \"%s\"\n", i, cg_buf_cstr(&why));
	}
	free(r);
	cg_buf_free(&why);
}

int main(void)
{
	RUN(shipped_playbooks_cover_every_kind);
	RUN(errors_name_file_and_line);
	RUN(set_refuses_ambiguity);
	RUN(autocase_rules);
	return test_done();
}
