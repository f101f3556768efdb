/*
 * render.h - the DOM a real browser builds, for spam injected by
 * JavaScript at run time (`--render`, off by default).
 *
 * Runs `chromium --headless --dump-dom URL` in its own process group with
 * a throwaway profile, reads its output up to CG_MAX_WEB_PAGE and kills
 * the whole group at the deadline. Background networking (updates, sync,
 * metrics) is switched off; the page itself loads what it loads, as it
 * would for a visitor. Extra arguments for chromium may be given (tests
 * use them to keep it on loopback).
 */
#ifndef CG_WEB_RENDER_H
#define CG_WEB_RENDER_H

#include "core/buf.h"

typedef struct cg_render_opts {
	const char *chromium;   /* program; "chromium" when NULL */
	const char *extra_args; /* space-separated extra arguments, or NULL */
	const char *user_agent;
	long timeout_ms;
} cg_render_opts;

/* Appends the rendered DOM to out. errmsg gets the reason on failure. */
cg_err cg_web_render(const cg_render_opts *o, const char *url, cg_buf *out, char errmsg[256]);

#endif
