/*
 * tree.c - scanning whole trees for the command and the agent: the
 * parallel walker (fs/walk.h) hands each regular file to a worker, each
 * worker owns one cg_sec_scanner (no locks on the hot path), and the
 * counters of all scanners are added up at the end.
 *
 * A file or folder the walker cannot read becomes an uninspectable
 * finding (it may hold anything); symbolic links, devices and the like
 * are skipped, as the walker never follows or opens them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fs/walk.h"
#include "secrets/secrets.h"

typedef struct tree {
	cg_sec_scanner **sc;
	int n;
	cg_sec_finding_fn fn;
	void *ctx;
	uint64_t unreadable; /* updated atomically: any thread */
	uint64_t nomem;
} tree;

static void on_file(void *ctx, int worker, const char *path,
		    const struct stat *st)
{
	(void)st;
	tree *t = ctx;
	if (worker < 0 || worker >= t->n)
		worker = 0;
	if (cg_sec_scan_path(t->sc[worker], path) != CG_OK)
		__atomic_fetch_add(&t->nomem, 1, __ATOMIC_RELAXED);
}

static void on_problem(void *ctx, const char *path, cg_walk_problem kind,
		       const char *reason)
{
	tree *t = ctx;
	if (kind != CG_WALK_UNREADABLE)
		return;
	char why[512];
	snprintf(why, sizeof why, "cannot read: %s", reason ? reason : "");
	cg_sec_finding f = { CG_SEC_UNINSPECTABLE, path, "", CG_SEC_NONE, "", why };
	__atomic_fetch_add(&t->unreadable, 1, __ATOMIC_RELAXED);
	if (t->fn)
		t->fn(t->ctx, &f);
}

cg_err cg_sec_scan_tree(const char *const *roots, int nroots, int threads,
			cg_sec_finding_fn fn, void *ctx, cg_sec_stats *total)
{
	*total = (cg_sec_stats){ 0 };
	if (threads <= 0)
		threads = cg_ncpu();
	tree t = { .n = threads, .fn = fn, .ctx = ctx };
	t.sc = calloc((size_t)threads, sizeof *t.sc);
	if (!t.sc)
		return CG_ENOMEM;
	cg_err err = CG_OK;
	for (int i = 0; i < threads && !err; i++)
		if (!(t.sc[i] = cg_sec_scanner_new(fn, ctx)))
			err = CG_ENOMEM;
	if (!err) {
		cg_walk_opts wo = { .threads = threads };
		err = cg_walk(roots, nroots, &wo, on_file, on_problem, &t);
	}
	for (int i = 0; i < threads; i++) {
		if (!t.sc[i])
			continue;
		const cg_sec_stats *s = cg_sec_scanner_stats(t.sc[i]);
		total->files += s->files;
		total->documents += s->documents;
		total->marked += s->marked;
		total->uninspectable += s->uninspectable;
		total->skipped += s->skipped;
		total->bytes += s->bytes;
		cg_sec_scanner_free(t.sc[i]);
	}
	free(t.sc);
	total->uninspectable += t.unreadable;
	if (!err && t.nomem)
		err = CG_ENOMEM;
	return err;
}
