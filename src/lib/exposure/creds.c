/*
 * creds.c - the device table and identification (see creds.h), and the
 * form logins' bodies: the password as the device's own script would send
 * it (a small expression over the password and the attempt's tokens).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "creds.h"

#include <jansson.h>
#include <openssl/evp.h>
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
		for (size_t k = 0; k < x->nsteps; k++) {
			free(x->steps[k].path);
			free(x->steps[k].name);
			if (x->steps[k].re)
				pcre2_code_free(x->steps[k].re);
		}
		free(x->steps);
		free(x->cookie);
		free(x->pw_expr);
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

/* ---- the password expression --------------------------------------------- */

/* expr := term ('+' term)*; term := "password" | NAME | FN '(' expr ')';
 * FN: sha256hex, md5hex, base64. The value is appended to out. */
typedef struct pwx {
	const char *p, *end;
	const cg_xcred *cred;
	const cg_xtokens *tk;
	int depth;
} pwx;

static cg_err pw_expr(pwx *x, cg_buf *out);

static bool word_is(const char *w, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(w, lit, n) == 0;
}

static cg_err pw_fn(const char *fn, size_t fnlen, cg_slice in, cg_buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (word_is(fn, fnlen, "base64")) {
		size_t need = 4 * ((in.len + 2) / 3) + 1;
		unsigned char *b = malloc(need);
		if (!b)
			return CG_ENOMEM;
		int n = EVP_EncodeBlock(b, (const unsigned char *)in.ptr, (int)in.len);
		cg_err err = n < 0 ? CG_EINVAL : cg_buf_append(out, b, (size_t)n);
		explicit_bzero(b, need);
		free(b);
		return err;
	}
	const EVP_MD *m = word_is(fn, fnlen, "sha256hex") ? EVP_sha256()
	                  : word_is(fn, fnlen, "md5hex")  ? EVP_md5()
	                                                  : NULL;
	if (!m)
		return CG_EUNSUPPORTED;
	if (!EVP_Digest(in.ptr, in.len, md, &mdlen, m, NULL))
		return CG_EINVAL;
	static const char hx[] = "0123456789abcdef";
	cg_err err = CG_OK;
	for (unsigned i = 0; i < mdlen && !err; i++) {
		char h[2] = {hx[md[i] >> 4], hx[md[i] & 15]};
		err = cg_buf_append(out, h, 2);
	}
	explicit_bzero(md, sizeof md);
	return err;
}

static const char *token_of(const cg_xtokens *tk, const char *w, size_t n)
{
	for (size_t i = 0; tk && i < tk->n; i++)
		if (word_is(w, n, tk->name[i]))
			return tk->value[i];
	return NULL;
}

static cg_err pw_term(pwx *x, cg_buf *out)
{
	const char *w = x->p;
	while (x->p < x->end && ((*x->p >= 'a' && *x->p <= 'z') || (*x->p >= 'A' && *x->p <= 'Z') ||
	                         (*x->p >= '0' && *x->p <= '9') || *x->p == '_'))
		x->p++;
	size_t n = (size_t)(x->p - w);
	if (!n)
		return CG_EPARSE;
	if (x->p < x->end && *x->p == '(') {
		if (++x->depth > CG_XP_MAX_PW_DEPTH)
			return CG_EPARSE;
		x->p++;
		cg_buf inner;
		cg_buf_init(&inner, 4096);
		cg_err err = pw_expr(x, &inner);
		if (!err && (x->p >= x->end || *x->p != ')'))
			err = CG_EPARSE;
		if (!err) {
			x->p++;
			err = pw_fn(w, n, cg_buf_slice(&inner), out);
		}
		if (inner.ptr)
			explicit_bzero(inner.ptr, inner.len);
		cg_buf_free(&inner);
		x->depth--;
		return err;
	}
	if (word_is(w, n, "password"))
		return cg_buf_puts(out, x->cred->password);
	const char *v = token_of(x->tk, w, n);
	return v ? cg_buf_puts(out, v) : CG_EINVAL;
}

static cg_err pw_expr(pwx *x, cg_buf *out)
{
	cg_err err = pw_term(x, out);
	while (!err && x->p < x->end && *x->p == '+') {
		x->p++;
		err = pw_term(x, out);
	}
	return err;
}

static cg_err pw_eval(const char *expr, const cg_xcred *cred, const cg_xtokens *tk, cg_buf *out)
{
	pwx x = {expr, expr + strlen(expr), cred, tk, 0};
	cg_err err = pw_expr(&x, out);
	return !err && x.p != x.end ? CG_EPARSE : err;
}

/* ---- the table ------------------------------------------------------------ */

/* A form login's steps, cookie and password expression; the expression
 * and extra's {{NAME}}s are tried once with stand-in tokens. */
static cg_err parse_steps(cg_xdevice *x, json_t *login, const char *name, size_t i, cg_buf *why)
{
	json_t *steps = json_object_get(login, "steps");
	const char *ck = str(login, "cookie"), *pw = str(login, "password");
	size_t n = json_array_size(steps);
	cg_xtokens tk = {0};
	if ((steps && !json_is_array(steps)) || n > CG_XP_MAX_LOGIN_STEPS) {
		cg_buf_reset(why);
		cg_buf_printf(why, "%s: device %zu: steps is a list of at most %d", name, i,
		              CG_XP_MAX_LOGIN_STEPS);
		return CG_EPARSE;
	}
	x->steps = n ? calloc(n, sizeof *x->steps) : NULL;
	if (n && !x->steps)
		return CG_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		json_t *e = json_array_get(steps, k);
		const char *path = str(e, "path"), *tn = str(e, "name"), *re = str(e, "token"),
		           *m = str(e, "method");
		int ec;
		PCRE2_SIZE eo;
		cg_xstep *st = &x->steps[x->nsteps++];
		st->post = m && strcmp(m, "POST") == 0;
		if (!path || path[0] != '/' || !tn || !*tn || !re ||
		    (m && strcmp(m, "GET") != 0 && !st->post) ||
		    !(st->re = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec, &eo,
		                             NULL))) {
			cg_buf_reset(why);
			cg_buf_printf(
			    why,
			    "%s: device %zu: step %zu needs path /..., name, a token pattern "
			    "that compiles, and method GET or POST",
			    name, i, k + 1);
			return CG_EPARSE;
		}
		st->path = strdup(path);
		st->name = strdup(tn);
		if (!st->path || !st->name)
			return CG_ENOMEM;
		tk.name[tk.n] = st->name;
		memcpy(tk.value[tk.n++], "t", 2);
	}
	if ((ck && !(x->cookie = strdup(ck))) || (pw && !(x->pw_expr = strdup(pw))))
		return CG_ENOMEM;
	cg_xcred probe = {.user = "u", .password = "p", .label = "l"};
	cg_buf b;
	cg_buf_init(&b, 8192);
	cg_err err = cg_xdevice_login_body(x, &probe, &tk, &b);
	cg_buf_free(&b);
	if (err) {
		cg_buf_reset(why);
		cg_buf_printf(
		    why,
		    "%s: device %zu: password or extra names an unknown token or function "
		    "(password, the steps' names, sha256hex, md5hex, base64, '+')",
		    name, i);
		return CG_EPARSE;
	}
	return CG_OK;
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
			if ((err = parse_steps(x, login, name, i + 1, why)))
				break;
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
	return cg_xdevice_login_body(dev, cred, NULL, out);
}

/* extra is already urlencoded in the data; a {{NAME}} is a token */
static cg_err extra_enc(cg_buf *out, const char *extra, const cg_xtokens *tk)
{
	cg_err err = CG_OK;
	const char *p = extra;
	while (*p && !err) {
		const char *o = strstr(p, "{{");
		const char *e = o ? strstr(o, "}}") : NULL;
		if (!o || !e)
			return cg_buf_puts(out, p);
		err = cg_buf_append(out, p, (size_t)(o - p));
		const char *v = token_of(tk, o + 2, (size_t)(e - o - 2));
		if (!err)
			err = v ? form_enc(out, v) : CG_EINVAL;
		p = e + 2;
	}
	return err;
}

cg_err cg_xdevice_login_body(const cg_xdevice *dev, const cg_xcred *cred, const cg_xtokens *tk,
                             cg_buf *out)
{
	cg_buf_reset(out);
	if (!dev->form)
		return CG_EINVAL;
	cg_buf pw;
	cg_buf_init(&pw, 8192);
	cg_err err =
	    dev->pw_expr ? pw_eval(dev->pw_expr, cred, tk, &pw) : cg_buf_puts(&pw, cred->password);
	if (!err)
		err = form_enc(out, dev->user_field);
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
		err = form_enc(out, pw.ptr ? cg_buf_cstr(&pw) : "");
	if (!err && dev->extra) {
		err = cg_buf_puts(out, "&");
		if (!err)
			err = extra_enc(out, dev->extra, tk);
	}
	if (pw.ptr)
		explicit_bzero(pw.ptr, pw.len);
	cg_buf_free(&pw);
	return err;
}

bool cg_xstep_token(const cg_xstep *s, cg_slice headers, cg_slice body, char *out, size_t n)
{
	cg_slice in[2] = {body, headers};
	for (int k = 0; k < 2; k++) {
		if (in[k].len > 256 * 1024)
			in[k].len = 256 * 1024;
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->re, NULL);
		int rc = md ? pcre2_match(s->re, (PCRE2_SPTR)(in[k].ptr ? in[k].ptr : ""),
		                          in[k].len, 0, 0, md, NULL)
		            : -1;
		if (rc > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			int g = rc > 1 ? 1 : 0;
			size_t a = ov[2 * g], b = ov[2 * g + 1];
			bool good = b > a && b - a <= CG_XP_MAX_TOKEN && b - a < n;
			for (size_t j = a; good && j < b; j++)
				good = in[k].ptr[j] > ' ' && in[k].ptr[j] < 127;
			if (good) {
				memcpy(out, in[k].ptr + a, b - a);
				out[b - a] = 0;
			}
			pcre2_match_data_free(md);
			return good;
		}
		pcre2_match_data_free(md);
	}
	return false;
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
