/*
 * creds.c - the device table and identification (see creds.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "creds.h"

#include <jansson.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "core/limits.h"

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void cg_xdevices_free(cg_xdevices *d)
{
	for (size_t i = 0; i < d->n; i++) {
		cg_xdevice *x = &d->v[i];
		free(x->vendor);
		free(x->path);
		free(x->user_field);
		free(x->password_field);
		free(x->extra);
		if (x->re)
			pcre2_code_free(x->re);
		if (x->ok_re)
			pcre2_code_free(x->ok_re);
		for (size_t k = 0; k < x->ncreds; k++) {
			free(x->creds[k].user);
			wipe_free(x->creds[k].password);
			free(x->creds[k].label);
		}
		free(x->creds);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

cg_err cg_xdevices_parse(cg_slice text, const char *name, cg_xdevices *d, cg_buf *why)
{
	memset(d, 0, sizeof *d);
	json_error_t je;
	json_t *root = json_loadb(text.ptr ? text.ptr : "", text.len, 0, &je);
	if (!root) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s:%d: %s", name, je.line, je.text);
		return CG_EPARSE;
	}
	json_t *devs = json_object_get(root, "devices");
	size_t n = json_array_size(devs), i;
	cg_err err = CG_OK;
	if (!json_is_array(devs) || n > CG_XP_MAX_LIST) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: needs a \"devices\" list (at most %d)", name,
		              CG_XP_MAX_LIST);
		json_decref(root);
		return CG_EPARSE;
	}
	d->v = calloc(n + 1, sizeof *d->v);
	if (!d->v) {
		json_decref(root);
		return CG_ENOMEM;
	}
	json_t *e;
	json_array_foreach(devs, i, e)
	{
		cg_xdevice *x = &d->v[d->n++];
		const char *vendor = str(e, "vendor"), *match = str(e, "match");
		json_t *login = json_object_get(e, "login"),
		       *creds = json_object_get(e, "credentials");
		const char *type = str(login, "type"), *path = str(login, "path");
		json_t *ma = json_object_get(e, "max_attempts");
		bool form = type && !strcmp(type, "form");
		const char *uf = str(login, "user_field"), *pf = str(login, "password_field"),
		           *ok = str(login, "success"), *extra = str(login, "extra");
		if (!vendor || !match || !type || !path || path[0] != '/' ||
		    !json_is_array(creds) ||
		    (strcmp(type, "basic") && strcmp(type, "digest") && !form) ||
		    (form && (!uf || !*uf || !pf || !*pf || !ok || !*ok)) || !json_is_integer(ma) ||
		    json_integer_value(ma) < 1 || json_array_size(creds) > CG_XP_MAX_LIST) {
			cg_buf_reset(why);
			cg_buf_printf(why,
			              "%s: device %zu needs vendor, match, login {type "
			              "basic|digest|form, path /..., and for a form "
			              "user_field, password_field, success}, "
			              "max_attempts >= 1 and credentials",
			              name, i + 1);
			err = CG_EPARSE;
			break;
		}
		x->vendor = strdup(vendor);
		x->path = strdup(path);
		x->digest = !strcmp(type, "digest");
		x->form = form;
		x->max_attempts = (int)json_integer_value(ma);
		int ec;
		PCRE2_SIZE eo;
		if (form) {
			x->user_field = strdup(uf);
			x->password_field = strdup(pf);
			x->extra = extra && *extra ? strdup(extra) : NULL;
			x->ok_re =
			    pcre2_compile((PCRE2_SPTR)ok, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
			if (!x->ok_re) {
				cg_buf_reset(why);
				cg_buf_printf(why, "%s: device %zu (%s): bad success pattern", name,
				              i + 1, vendor);
				err = CG_EPARSE;
				break;
			}
		}
		x->re = pcre2_compile((PCRE2_SPTR)match, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
		if (!x->re) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s: device %zu (%s): bad match pattern", name, i + 1,
			              vendor);
			err = CG_EPARSE;
			break;
		}
		x->creds = calloc(json_array_size(creds) + 1, sizeof *x->creds);
		size_t k;
		json_t *c;
		json_array_foreach(creds, k, c)
		{
			const char *u = str(c, "user"), *p = str(c, "password"),
			           *l = str(c, "default");
			if (!x->creds || !u || !p || !l) {
				cg_buf_reset(why);
				cg_buf_printf(
				    why,
				    "%s: device %zu: a credential needs user, password, default",
				    name, i + 1);
				err = CG_EPARSE;
				break;
			}
			cg_xcred *cr = &x->creds[x->ncreds++];
			cr->user = strdup(u);
			cr->password = strdup(p);
			cr->label = strdup(l);
		}
		if (err)
			break;
	}
	json_decref(root);
	if (err)
		cg_xdevices_free(d);
	return err;
}

cg_err cg_xdevices_load(const char *path, cg_xdevices *d, cg_buf *why)
{
	cg_buf text, w;
	cg_buf_init(&text, CG_XP_MAX_TEMPLATE_BYTES);
	cg_buf_init(&w, 512);
	cg_err e = cg_read_file(path, &text, &w);
	if (e) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: %s", path, cg_buf_cstr(&w));
	} else {
		e = cg_xdevices_parse(cg_buf_slice(&text), path, d, why);
	}
	cg_buf_free(&text);
	cg_buf_free(&w);
	return e;
}

static bool hit(void *re, cg_slice s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	bool ok = md && pcre2_match(re, (PCRE2_SPTR)s.ptr, s.len, 0, 0, md, NULL) > 0;
	pcre2_match_data_free(md);
	return ok;
}

const cg_xdevice *cg_xdevices_identify(const cg_xdevices *d, cg_slice headers, cg_slice body)
{
	if (body.len > 256 * 1024)
		body.len = 256 * 1024;
	for (size_t i = 0; i < d->n; i++)
		if (hit(d->v[i].re, headers) || hit(d->v[i].re, body))
			return &d->v[i];
	return NULL;
}

bool cg_xdevice_form_ok(const cg_xdevice *dev, cg_slice headers, cg_slice body)
{
	if (!dev->ok_re)
		return false;
	if (body.len > 256 * 1024)
		body.len = 256 * 1024;
	return hit(dev->ok_re, headers) || hit(dev->ok_re, body);
}

/* application/x-www-form-urlencoded: unreserved bytes as they are, space
 * as '+', everything else %XX */
static cg_err form_enc(cg_buf *out, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	cg_err err = CG_OK;
	for (const unsigned char *p = (const unsigned char *)s; *p && !err; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			err = cg_buf_append(out, p, 1);
		} else if (*p == ' ') {
			err = cg_buf_puts(out, "+");
		} else {
			char e[3] = {'%', hx[*p >> 4], hx[*p & 15]};
			err = cg_buf_append(out, e, 3);
		}
	}
	return err;
}

cg_err cg_xdevice_form_body(const cg_xdevice *dev, const cg_xcred *cred, cg_buf *out)
{
	cg_buf_reset(out);
	if (!dev->form)
		return CG_EINVAL;
	cg_err err = form_enc(out, dev->user_field);
	if (!err)
		err = cg_buf_puts(out, "=");
	if (!err)
		err = form_enc(out, cred->user);
	if (!err)
		err = cg_buf_puts(out, "&");
	if (!err)
		err = form_enc(out, dev->password_field);
	if (!err)
		err = cg_buf_puts(out, "=");
	if (!err)
		err = form_enc(out, cred->password);
	if (!err && dev->extra) /* already encoded in the data */
		err = cg_buf_printf(out, "&%s", dev->extra);
	return err;
}

size_t cg_xdevice_attempts(const cg_xdevice *dev)
{
	size_t n = dev->ncreds;
	if ((size_t)dev->max_attempts < n)
		n = (size_t)dev->max_attempts;
	if (n > CG_XP_MAX_CRED_ATTEMPTS)
		n = CG_XP_MAX_CRED_ATTEMPTS;
	return n;
}
