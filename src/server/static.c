/*
 * static.c - the dashboard's files, embedded in the binary at build time
 * (scripts/embed-web.py turns every file under web/ into the cg_assets[]
 * table), so the server needs no files on disk and no internet: GET /
 * is web/index.html, GET /assets/X is web/assets/X.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

static const cg_asset *find(const char *path)
{
	for (int i = 0; i < cg_nassets; i++)
		if (strcmp(cg_assets[i].path, path) == 0)
			return &cg_assets[i];
	return NULL;
}

static void serve(cg_resp *resp, const cg_asset *a)
{
	if (!a) {
		cg_resp_error(resp, 404, "not found", NULL);
		return;
	}
	resp->status = 200;
	resp->content_type = a->content_type;
	resp->static_data = a->data;
	resp->static_len = a->len;
	resp->cacheable = strcmp(a->path, "/index.html") != 0;
}

void static_index(cg_req *req, cg_resp *resp)
{
	(void)req;
	serve(resp, find("/index.html"));
}

void static_asset(cg_req *req, cg_resp *resp)
{
	char path[1024];
	if (strstr(req->tail, "..") || strlen(req->tail) > 900) {
		cg_resp_error(resp, 404, "not found", NULL);
		return;
	}
	snprintf(path, sizeof path, "/assets/%s", req->tail);
	serve(resp, find(path));
}

/* ---- routes (gathered by routes.c; who may call each: api/policy.h) --- */

CG_ROUTE_GROUP(static);
const cg_route static_routes[] = {
    {"GET", "/", static_index, CG_PRES_DASHBOARD, CG_ACT_READ, NULL},
    {"GET", "/index.html", static_index, CG_PRES_DASHBOARD, CG_ACT_READ, NULL},
    {"GET", "/assets/*", static_asset, CG_PRES_DASHBOARD, CG_ACT_READ, NULL},
};
CG_ROUTE_COUNT(static);
