/*
 * test_fim.c - file integrity on real temp directories: the hash pass
 * (added, changed with mtime forged back, removed, scripts vs content),
 * the baseline file round trip (hostile file names), and real inotify:
 * a web shell written, a directory created with a script inside, a move
 * in, a deletion, and a queue overflow that asks for a full pass.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fim/fim.h"
#include "test.h"

typedef struct seen {
	char kinds[64][32];
	char subjects[64][512];
	int sev[64];
	char how[64][16];
	int n;
	char scanned[16][512];
	int nscan;
} seen;

static void emit(void *ctx, cg_event *ev)
{
	seen *s = ctx;
	if (s->n >= 64)
		return;
	snprintf(s->kinds[s->n], 32, "%s", ev->kind);
	snprintf(s->subjects[s->n], 512, "%s", ev->subject);
	const char *how = json_string_value(json_object_get(ev->evidence, "detected_by"));
	snprintf(s->how[s->n], 16, "%s", how ? how : "");
	s->sev[s->n++] = (int)ev->severity;
}

static void scan_hook(void *ctx, const char *path)
{
	seen *s = ctx;
	if (s->nscan < 16)
		snprintf(s->scanned[s->nscan++], 512, "%s", path);
}

static int find(const seen *s, const char *kind, const char *suffix)
{
	for (int i = 0; i < s->n; i++) {
		size_t a = strlen(s->subjects[i]), b = strlen(suffix);
		if (strcmp(s->kinds[i], kind) == 0 && a >= b &&
		    strcmp(s->subjects[i] + a - b, suffix) == 0)
			return i;
	}
	return -1;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char root[256], base[300];

static void setup(void)
{
	snprintf(root, sizeof root, "/tmp/cg-fim-XXXXXX");
	if (!mkdtemp(root))
		abort();
	char p[512];
	snprintf(p, sizeof p, "%s/www", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/www/img", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/www/uploads", root);
	mkdir(p, 0755);
	snprintf(base, sizeof base, "%s/baseline", root);
	snprintf(p, sizeof p, "%s/www", root);
	put(p, "index.php", "<?php echo 'xin chao'; ?>\n");
	put(p, "img/logo.png", "\x89PNG fake");
	put(p, "weird\nname %.txt", "hostile file name");
}

static cg_fim *open_fim(seen *s)
{
	char www[512];
	snprintf(www, sizeof www, "%s/www", root);
	const char *roots[] = { www };
	cg_fim_opts o = { .roots = roots, .nroots = 1, .baseline_path = base, .threads = 2,
			  .emit = emit, .scan_hook = scan_hook, .ctx = s };
	cg_fim *f = NULL;
	cg_buf why;
	cg_buf_init(&why, 1024);
	if (cg_fim_open(&o, &f, &why))
		printf("# open: %s\n", cg_buf_cstr(&why));
	cg_buf_free(&why);
	return f;
}

TEST(script_names)
{
	CHECK(cg_fim_is_script("/var/www/a.php"));
	CHECK(cg_fim_is_script("/var/www/A.PHP5"));
	CHECK(cg_fim_is_script("x/.htaccess"));
	CHECK(cg_fim_is_script("x/shell.aspx"));
	CHECK(cg_fim_is_script("x/h.ashx") && cg_fim_is_script("x/s.asmx"));
	CHECK(cg_fim_is_script("x/a.jsp") && cg_fim_is_script("x/a.jspx"));
	CHECK(cg_fim_is_script("x/a.phtml"));
	CHECK(cg_fim_is_script("x/avatar.php.jpg"));
	CHECK(!cg_fim_is_script("x/logo.png"));
	CHECK(!cg_fim_is_script("x/report.pdf"));
	CHECK(!cg_fim_is_script("x/php"));
	CHECK(!cg_fim_is_script("x/notes.phpfile"));
	CHECK(!cg_fim_is_script("x/my.photo.jpg"));
}

TEST(hash_pass_finds_changes)
{
	setup();
	seen s = { 0 };
	cg_fim *f = open_fim(&s);
	CHECK(f != NULL);
	cg_fim_stats st;
	CHECK(cg_fim_pass(f, &st) == CG_OK);
	CHECK(st.first && st.files == 3 && s.n == 0); /* baseline: quiet */
	cg_fim_close(f);

	char www[512], p[600];
	snprintf(www, sizeof www, "%s/www", root);
	/* same size, mtime put back: only the hash can tell */
	snprintf(p, sizeof p, "%s/index.php", www);
	struct stat before;
	stat(p, &before);
	put(www, "index.php", "<?php eval($_POST[1]); ?>\n");
	struct timespec ts[2] = { before.st_atim, before.st_mtim };
	utimensat(AT_FDCWD, p, ts, 0);
	put(www, "uploads/cong-van.pdf", "%PDF-1.4");
	snprintf(p, sizeof p, "%s/img/logo.png", www);
	unlink(p);

	memset(&s, 0, sizeof s);
	f = open_fim(&s);
	CHECK(f != NULL && cg_fim_count(f) == 3); /* baseline reloaded, odd name too */
	CHECK(cg_fim_pass(f, &st) == CG_OK);
	CHECK(!st.first && st.changed == 1 && st.added == 1 && st.removed == 1 && st.alerts == 1);
	int i = find(&s, "script_changed", "/index.php");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_HIGH);
	i = find(&s, "file_added", "/uploads/cong-van.pdf");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_INFO);
	CHECK(find(&s, "file_removed", "/img/logo.png") >= 0);
	CHECK(s.n == 3);
	CHECK(s.nscan == 1 && strstr(s.scanned[0], "/index.php"));
	/* nothing changed: a third pass is silent */
	memset(&s, 0, sizeof s);
	CHECK(cg_fim_pass(f, &st) == CG_OK);
	CHECK(s.n == 0 && st.files == 3);
	cg_fim_close(f);
}

/* Waits for inotify and processes until want events arrived (or 3 s). */
static void pump(cg_fim *f, int fd, seen *s, int want, bool *need)
{
	for (int i = 0; i < 30 && s->n < want; i++) {
		struct pollfd pf = { fd, POLLIN, 0 };
		poll(&pf, 1, 100);
		bool np = false;
		cg_fim_watch_process(f, &np);
		if (need && np)
			*need = true;
	}
}

TEST(inotify_sees_web_shells)
{
	seen s = { 0 };
	cg_fim *f = open_fim(&s); /* baseline from the previous test */
	CHECK(f != NULL);
	int fd;
	CHECK(cg_fim_watch_start(f, &fd) == CG_OK && fd >= 0);
	CHECK(cg_fim_watch_count(f) == 3);
	char www[512], p[700], q[700];
	snprintf(www, sizeof www, "%s/www", root);
	put(www, "uploads/x.php", "<?php system($_GET['c']); ?>");
	pump(f, fd, &s, 1, NULL);
	int i = find(&s, "script_added", "/uploads/x.php");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_HIGH && strcmp(s.how[i], "inotify") == 0);
	CHECK(s.nscan == 1);
	/* a new directory, a script in it straight away */
	snprintf(p, sizeof p, "%s/wp-content", www);
	mkdir(p, 0755);
	put(www, "wp-content/cache.aspx", "<%@ Page %>");
	pump(f, fd, &s, 2, NULL);
	CHECK(find(&s, "script_added", "/wp-content/cache.aspx") >= 0);
	CHECK(cg_fim_watch_count(f) == 4);
	/* moved in from outside the root; content is quiet */
	snprintf(p, sizeof p, "%s/outside.htaccess", root);
	FILE *o = fopen(p, "w");
	fputs("AddHandler php-script .jpg\n", o);
	fclose(o);
	snprintf(q, sizeof q, "%s/.htaccess", www);
	rename(p, q);
	put(www, "img/anh.jpg", "jpeg");
	pump(f, fd, &s, 4, NULL);
	CHECK(find(&s, "script_added", "/www/.htaccess") >= 0);
	i = find(&s, "file_added", "/img/anh.jpg");
	CHECK(i >= 0 && s.sev[i] == CG_SEV_INFO);
	/* deleted */
	snprintf(p, sizeof p, "%s/uploads/x.php", www);
	unlink(p);
	pump(f, fd, &s, 5, NULL);
	CHECK(find(&s, "file_removed", "/uploads/x.php") >= 0);
	CHECK(cg_fim_save(f, NULL) == CG_OK);
	/* a flood overflows the kernel queue: the caller is told to rescan */
	int before = s.n;
	bool need = false;
	for (int k = 0; k < 20000; k++) {
		char name[64];
		snprintf(name, sizeof name, "uploads/f%05d.txt", k);
		put(www, name, "x");
	}
	pump(f, fd, &s, 1 << 30, &need);
	printf("# %d events before overflow\n", s.n - before);
	CHECK(need);
	cg_fim_close(f);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	RUN(script_names);
	RUN(hash_pass_finds_changes);
	RUN(inotify_sees_web_shells);
	return test_done();
}
