/*
 * test_av.c - platform/av.h's decoding with recorded answers: what the
 * Security Center (IWscProduct), SecurityCenter2 (productState bits),
 * Defender's WMI classes and ClamAV's database directory say, turned into
 * the heartbeat's products and detection events. Runs on Linux and, in the
 * Windows build, under Wine (which has neither the Security Center nor
 * Defender, hence recorded rows rather than live ones).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "platform/av.h"
#include "test.h"

#define DAY_MS 86400000LL

static bool flag(const json_t *p, const char *k)
{
	return json_is_true(json_object_get(p, k));
}

TEST(wsc_states)
{
	json_t *p = cg_av_product_wsc("BKAV Pro", CG_WSC_ON, CG_WSC_SIG_UP_TO_DATE,
	                              "Thu, 03 Dec 2026 10:00:00 GMT");
	CHECK_STR(cg_json_get_str(p, "name"), "BKAV Pro");
	CHECK(flag(p, "enabled") && flag(p, "up_to_date"));
	CHECK_STR(cg_json_get_str(p, "state"), "on");
	CHECK_STR(cg_json_get_str(p, "source"), "wsc");
	CHECK(json_integer_value(json_object_get(json_object_get(p, "raw"), "product_state")) == 0);
	json_decref(p);
	p = cg_av_product_wsc("Kaspersky", CG_WSC_SNOOZED, CG_WSC_SIG_UP_TO_DATE, NULL);
	CHECK(!flag(p, "enabled") && flag(p, "up_to_date"));
	CHECK_STR(cg_json_get_str(p, "state"), "snoozed");
	json_decref(p);
	p = cg_av_product_wsc("Defender", CG_WSC_ON, CG_WSC_SIG_OUT_OF_DATE, NULL);
	CHECK(flag(p, "enabled") && !flag(p, "up_to_date"));
	json_decref(p);
	p = cg_av_product_wsc("X", 7, -1, NULL); /* an answer WSC never gives */
	CHECK_STR(cg_json_get_str(p, "state"), "unknown");
	CHECK(!flag(p, "enabled") && !flag(p, "up_to_date"));
	json_decref(p);
}

/* productState values as SecurityCenter2 reports them on real machines. */
TEST(sc2_bits)
{
	static const struct {
		uint32_t ps;
		const char *state;
		bool on, current;
	} cases[] = {
	    {397568, "on", true, true},       /* 0x061100 Defender, on, current */
	    {397584, "on", true, false},      /* 0x061110 on, signatures old */
	    {393472, "off", false, true},     /* 0x060100 off */
	    {266240, "on", true, true},       /* 0x041000 a third-party product */
	    {262144, "off", false, true},     /* 0x040000 */
	    {270336, "snoozed", false, true}, /* 0x042000 */
	    {0x043010, "expired", false, false}, {0x04f000, "unknown", false, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *state;
		bool on, cur;
		cg_av_decode_sc2(cases[i].ps, &state, &on, &cur);
		CHECK_STR(state, cases[i].state);
		CHECK(on == cases[i].on);
		CHECK(cur == cases[i].current);
	}
	json_t *p = cg_av_product_sc2("Windows Defender", 397568);
	CHECK_STR(cg_json_get_str(json_object_get(p, "raw"), "hex"), "0x061100");
	CHECK_STR(cg_json_get_str(p, "source"), "securitycenter2");
	json_decref(p);
}

static json_t *parse(const char *text)
{
	json_t *j = NULL;
	cg_json_parse(cg_slice_cstr(text), &j, NULL);
	return j;
}

/* MSFT_MpComputerStatus rows (Windows Server: no Security Center). */
TEST(defender_status)
{
	json_t *row = parse("{\"AntivirusEnabled\":true,\"RealTimeProtectionEnabled\":true,"
	                    "\"AntivirusSignatureAge\":1,\"AntivirusSignatureVersion\":\"1.403.1\","
	                    "\"AMServiceEnabled\":true,\"ComputerID\":\"X\"}");
	json_t *p = cg_av_product_defender(row);
	CHECK(p && flag(p, "enabled") && flag(p, "up_to_date"));
	CHECK_STR(cg_json_get_str(p, "source"), "defender");
	CHECK(json_object_get(json_object_get(p, "raw"), "ComputerID") == NULL);
	json_decref(p);
	json_decref(row);
	row = parse("{\"AntivirusEnabled\":true,\"RealTimeProtectionEnabled\":false,"
	            "\"AntivirusSignatureAge\":\"30\"}");
	p = cg_av_product_defender(row);
	CHECK(p && !flag(p, "enabled") && !flag(p, "up_to_date"));
	json_decref(p);
	json_decref(row);
	row = parse("{\"AntivirusEnabled\":\"yes\"}"); /* not what WMI says: no guess */
	CHECK(cg_av_product_defender(row) == NULL);
	json_decref(row);
	CHECK(cg_av_product_defender(NULL) == NULL);
}

TEST(wmi_time)
{
	int64_t ms = 0;
	CHECK(cg_av_wmi_time(cg_slice_cstr("20261203112233.500000+000"), &ms) == CG_OK);
	CHECK(ms == 1796296953500LL);
	/* 18:22:33 at UTC+7 is 11:22:33 UTC */
	CHECK(cg_av_wmi_time(cg_slice_cstr("20261203182233.500000+420"), &ms) == CG_OK);
	CHECK(ms == 1796296953500LL);
	CHECK(cg_av_wmi_time(cg_slice_cstr("20261203042233.500000-420"), &ms) == CG_OK);
	CHECK(ms == 1796296953500LL);
	CHECK(cg_av_wmi_time(cg_slice_cstr("2026120311223.500000+000"), &ms) == CG_EPARSE);
	CHECK(cg_av_wmi_time(cg_slice_cstr("20261303112233.500000+000"), &ms) == CG_EPARSE);
	CHECK(cg_av_wmi_time(cg_slice_cstr("2026120311223x.500000+000"), &ms) == CG_EPARSE);
	CHECK(cg_av_wmi_time(cg_slice_cstr("20261203112233.500000*000"), &ms) == CG_EPARSE);
}

typedef struct got {
	int n;
	char kind[64], subject[512], threat[128];
	int sev;
	int64_t time_ms;
} got;

static void on_event(void *ctx, cg_event *ev)
{
	got *g = ctx;
	g->n++;
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	CHECK(cg_event_encode(ev, &b) == CG_OK);
	json_t *j = parse(cg_buf_cstr(&b));
	snprintf(g->kind, sizeof g->kind, "%s", cg_json_get_str(j, "kind"));
	snprintf(g->subject, sizeof g->subject, "%s", cg_json_get_str(j, "subject"));
	const char *t = cg_json_get_str(json_object_get(j, "evidence"), "threat_name");
	snprintf(g->threat, sizeof g->threat, "%s", t ? t : "");
	CHECK_STR(cg_json_get_str(j, "source"), "antivirus");
	g->sev = (int)ev->severity;
	g->time_ms = ev->time_ms;
	json_decref(j);
	cg_buf_free(&b);
}

/* Rows as Get-MpThreatDetection / Get-MpThreat show them (ThreatID is a
 * uint64, which WMI hands over as a string). */
static const char dets_json[] =
    "[{\"DetectionID\":\"{A1B2}\",\"ThreatID\":\"2147735503\","
    "\"InitialDetectionTime\":\"20261203090000.000000+420\","
    "\"Resources\":[\"file:_C:\\\\inetpub\\\\wwwroot\\\\shell.aspx\"],"
    "\"ThreatStatusID\":3,\"ActionSuccess\":true,\"ProcessName\":\"w3wp.exe\"},"
    " {\"DetectionID\":\"{C3D4}\",\"ThreatID\":99,\"InitialDetectionTime\":\"garbage\","
    "\"Resources\":[\"regkey:_HKLM\\\\Run\"]},"
    " {\"ThreatID\":5}]";
static const char threats_json[] =
    "[{\"ThreatID\":\"2147735503\",\"ThreatName\":\"Backdoor:ASP/Webshell.A\",\"SeverityID\":5},"
    " {\"ThreatID\":\"7\",\"ThreatName\":\"other\",\"SeverityID\":1}]";

TEST(detections)
{
	json_t *dets = parse(dets_json), *threats = parse(threats_json), *seen = json_object();
	CHECK(dets && threats);
	got g = {0};
	int64_t now = 1796300000000LL;
	CHECK(cg_av_detection_events(dets, threats, seen, now, on_event, &g) == 2);
	CHECK(g.n == 2);
	/* the last one emitted: unknown threat 99, no file, time unparsable */
	CHECK_STR(g.kind, "defender_detection");
	CHECK_STR(g.subject, "{C3D4}");
	CHECK(g.sev == CG_SEV_HIGH);
	CHECK(g.time_ms == now);
	CHECK(json_object_size(seen) == 2);
	/* reported once: the same rows again give nothing */
	got g2 = {0};
	CHECK(cg_av_detection_events(dets, threats, seen, now, on_event, &g2) == 0);
	json_object_del(seen, "{C3D4}");
	got g3 = {0};
	CHECK(cg_av_detection_events(dets, threats, seen, now, on_event, &g3) == 1);
	json_object_clear(seen);
	json_t *one = json_array();
	json_array_append(one, json_array_get(dets, 0));
	got g4 = {0};
	CHECK(cg_av_detection_events(one, threats, seen, now, on_event, &g4) == 1);
	CHECK_STR(g4.subject, "C:\\inetpub\\wwwroot\\shell.aspx");
	CHECK_STR(g4.threat, "Backdoor:ASP/Webshell.A");
	CHECK(g4.sev == CG_SEV_CRITICAL);
	CHECK(g4.time_ms == 1796263200000LL); /* 09:00 at UTC+7 */
	json_decref(one);
	json_decref(dets);
	json_decref(threats);
	json_decref(seen);
}

TEST(seen_bounded)
{
	json_t *seen = json_object(), *dets = json_array();
	for (int i = 0; i < CG_AV_MAX_SEEN + 10; i++) {
		char id[32];
		snprintf(id, sizeof id, "{%d}", i);
		json_array_append_new(dets, json_pack("{s:s}", "DetectionID", id));
	}
	got g = {0};
	CHECK(cg_av_detection_events(dets, NULL, seen, 1, on_event, &g) == CG_AV_MAX_SEEN + 10);
	CHECK(json_object_size(seen) == CG_AV_MAX_SEEN);
	json_decref(seen);
	json_decref(dets);
}

static char dir[1024];

TEST(clamav_db)
{
	json_t *arr = json_array();
	int64_t now = 1796300000000LL;
	CHECK(cg_av_product_clamav(dir, now, arr) == CG_OK);
	CHECK(json_array_size(arr) == 0); /* no database: nothing reported */
	char path[1100];
	snprintf(path, sizeof path, "%s/daily.cld", dir);
	CHECK(cg_write_file_atomic(path, "x", 1, 0644, NULL) == CG_OK);
	struct utimbuf ut = {.actime = (time_t)(now / 1000 - 2 * 86400),
	                     .modtime = (time_t)(now / 1000 - 2 * 86400)};
	CHECK(utime(path, &ut) == 0);
	CHECK(cg_av_product_clamav(dir, now, arr) == CG_OK);
	json_t *p = json_array_get(arr, 0);
	CHECK(p && flag(p, "enabled") && flag(p, "up_to_date"));
	CHECK_STR(cg_json_get_str(p, "name"), "ClamAV");
	CHECK(json_integer_value(json_object_get(json_object_get(p, "raw"), "age_days")) == 2);
	json_array_clear(arr);
	CHECK(cg_av_product_clamav(dir, now + (CG_AV_MAX_SIG_AGE_DAYS + 1) * DAY_MS, arr) == CG_OK);
	CHECK(json_array_size(arr) == 1 && !flag(json_array_get(arr, 0), "up_to_date"));
	remove(path);
	json_decref(arr);
}

/* The platform's own answer: an array, whatever is installed. */
TEST(status_answers)
{
	json_t *out = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	CHECK(cg_av_status(&out, &why) == CG_OK);
	CHECK(json_is_array(out));
	printf("# cg_av_status: %zu products; notes: %s\n", json_array_size(out),
	       why.len ? cg_buf_cstr(&why) : "none");
	json_decref(out);
	cg_buf_free(&why);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp)
		tmp = getenv("TEMP");
	if (!tmp)
		tmp = "/tmp";
	char id[33];
	cg_event_new_id(id);
	snprintf(dir, sizeof dir, "%s/cg-av-%s", tmp, id);
	cg_mkdir_p(dir, 0700, NULL);
	RUN(wsc_states);
	RUN(sc2_bits);
	RUN(defender_status);
	RUN(wmi_time);
	RUN(detections);
	RUN(seen_bounded);
	RUN(clamav_db);
	RUN(status_answers);
	rmdir(dir);
	return test_done();
}
