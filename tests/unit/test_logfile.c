/*
 * test_logfile.c - core/log.h's file sink (cg_log_to_file), on both
 * platforms (the Windows service logs through it): lines appended as JSON
 * with their time, the file renamed to .1 when the next line would pass
 * the bound, the older .1 dropped, so the two never hold more than twice
 * the bound; a file that cannot be opened refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/event.h"
#include "core/fileio.h"
#include "core/log.h"
#include "test.h"

static char dir[1024], path[1100], old[1110];

static long fsize(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static bool contains(const char *p, const char *needle)
{
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	bool found = cg_read_file(p, &b, NULL) == CG_OK && strstr(cg_buf_cstr(&b), needle);
	cg_buf_free(&b);
	return found;
}

TEST(lines_go_to_the_file)
{
	CHECK(cg_log_to_file(path, 4096) == CG_OK);
	cg_log_setup(CG_LOG_INFO, true);
	cg_info("service: first line %d", 1);
	CHECK(contains(path, "\"msg\":\"service: first line 1\""));
	CHECK(contains(path, "\"time\":\"20"));
	cg_debug("below the level"); /* the threshold still applies */
	CHECK(!contains(path, "below the level"));
}

TEST(rotated_and_bounded)
{
	char pad[200];
	memset(pad, 'x', sizeof pad - 1);
	pad[sizeof pad - 1] = 0;
	for (int i = 0; i < 100; i++)
		cg_warn("line %03d %s", i, pad);
	CHECK(fsize(path) > 0 && fsize(path) <= 4096);
	CHECK(fsize(old) > 0 && fsize(old) <= 4096);
	CHECK(contains(path, "line 099"));       /* the newest in the file */
	CHECK(!contains(path, "service: first")); /* the oldest dropped */
	CHECK(!contains(old, "service: first"));
}

TEST(refused_when_it_cannot_be_opened)
{
	char bad[1200];
	snprintf(bad, sizeof bad, "%s/no/such/dir/agent.log", dir);
	CHECK(cg_log_to_file(bad, 4096) == CG_EIO);
	cg_info("still written to the old file");
	CHECK(contains(path, "still written to the old file"));
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
	snprintf(dir, sizeof dir, "%s/cg-logfile-%s", tmp, id);
	snprintf(path, sizeof path, "%s/agent.log", dir);
	snprintf(old, sizeof old, "%s.1", path);
	if (cg_mkdir_p(dir, 0700, NULL) != CG_OK)
		return 1;
	RUN(lines_go_to_the_file);
	RUN(rotated_and_bounded);
	RUN(refused_when_it_cannot_be_opened);
	remove(path);
	remove(old);
	rmdir(dir);
	return test_done();
}
