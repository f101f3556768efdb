/*
 * cmd_sign.c - `canhgac sign FILE` and `canhgac verify FILE`: digital
 * signatures on the documents canhgac hands out (lib/sign).
 *
 * sign: a PDF gets a PAdES-B-B signature inside it (an incremental
 * update; by default the file is replaced atomically by its signed
 * version); any other file, or a PDF with --detached, gets a detached CMS
 * signature FILE.p7s that `openssl cms -verify -binary -inform DER`
 * accepts. The key is a PEM file (with --cert) or a "pkcs11:" URI; the
 * token's PIN comes from --pin-file or is asked on the terminal with echo
 * off, once.
 *
 * verify: a PDF's own signatures, or FILE with FILE.p7s (or --signature).
 * Exit 0 valid, 1 invalid or unsigned, 2 error. Without --ca the
 * signature is checked with the certificate it carries and the output says
 * the certificate itself was not checked.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_pin.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "sign/pdfsign.h"
#include "sign/sign.h"

typedef struct sign_opts {
	const cg_cli *cli;
	const char *key, *cert, *module, *pin_file, *out, *reason, *ca, *signature;
	bool detached;
	cmd_pin pin; /* read once */
} sign_opts;

enum { O_KEY = 1, O_CERT, O_MODULE, O_PIN_FILE, O_OUT, O_DETACHED, O_REASON, O_CA, O_SIG };

static int on_opt(void *ctx, int id, const char *val)
{
	sign_opts *o = ctx;
	switch (id) {
	case O_KEY:
		o->key = val;
		break;
	case O_CERT:
		o->cert = val;
		break;
	case O_MODULE:
		o->module = val;
		break;
	case O_PIN_FILE:
		o->pin_file = val;
		break;
	case O_OUT:
		o->out = val;
		break;
	case O_DETACHED:
		o->detached = true;
		break;
	case O_REASON:
		o->reason = val;
		break;
	case O_CA:
		o->ca = val;
		break;
	case O_SIG:
		o->signature = val;
		break;
	}
	return 0;
}

static const cg_opt sign_optv[] = {
    {"key", 'k', true, O_KEY},
    {"cert", 0, true, O_CERT},
    {"pkcs11-module", 0, true, O_MODULE},
    {"pin-file", 0, true, O_PIN_FILE},
    {"out", 'o', true, O_OUT},
    {"detached", 0, false, O_DETACHED},
    {"reason", 0, true, O_REASON},
    {NULL, 0, false, 0},
};

static const cg_opt verify_optv[] = {
    {"ca", 0, true, O_CA},
    {"signature", 0, true, O_SIG},
    {NULL, 0, false, 0},
};

static bool is_pdf(cg_slice s)
{
	return s.len >= 5 && memcmp(s.ptr, "%PDF-", 5) == 0;
}

int cmd_sign(cg_cli *cli)
{
	sign_opts o = {.cli = cli};
	int rc = cg_cli_parse(cli, sign_optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one FILE to sign");
	if (!o.key)
		return cg_cli_usage_error(cli, "--key is needed (a PEM file or a pkcs11: URI)");
	bool p11 = strncmp(o.key, "pkcs11:", 7) == 0;
	if (!p11 && !o.cert)
		return cg_cli_usage_error(cli, "a key file needs its certificate (--cert)");
	if (!p11 && (o.module || o.pin_file))
		return cg_cli_usage_error(cli,
		                          "--pkcs11-module and --pin-file are for a pkcs11: key");
	const char *file = cli->pos[0];
	int status = CG_EXIT_ERROR;
	cg_buf in, out, why;
	cg_buf_init(&in, CG_SIGN_MAX_FILE);
	cg_buf_init(&out, (size_t)CG_SIGN_MAX_FILE + 4u * CG_PDF_SIG_BYTES + 65536u);
	cg_buf_init(&why, 4096);
	cg_signer *s = NULL;
	cg_err err = cg_read_file(file, &in, &why);
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	o.pin = (cmd_pin){.cli = cli, .file = o.pin_file};
	cg_signer_opts so = {o.key, o.cert, o.module, cmd_pin_read, &o.pin};
	if ((err = cg_signer_open(&so, &s, &why))) {
		cg_cli_error(cli, "%s: %s", o.key, cg_buf_cstr(&why));
		goto done;
	}
	bool pades = is_pdf(cg_buf_slice(&in)) && !o.detached;
	char target[PATH_MAX];
	if (o.out) {
		if (strlen(o.out) >= sizeof target) {
			cg_cli_error(cli, "path too long");
			goto done;
		}
		memcpy(target, o.out, strlen(o.out) + 1);
	} else if (snprintf(target, sizeof target, pades ? "%s" : "%s.p7s", file) >=
	           (int)sizeof target) {
		cg_cli_error(cli, "path too long");
		goto done;
	}
	int64_t now = cg_time_now_ms() / 1000;
	if (pades)
		err = cg_pdf_sign(s, cg_buf_slice(&in), now, o.reason, &out, &why);
	else
		err = cg_signer_cms(s, cg_buf_slice(&in), true, &out, &why);
	if (err) {
		cg_cli_error(cli, "%s: %s", file, cg_buf_cstr(&why));
		goto done;
	}
	if ((err = cg_write_file_atomic(target, out.ptr, out.len, 0644, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	if (cli->json) {
		json_t *j =
		    json_pack("{s:o,s:o,s:s,s:o}", "file", cg_json_cstr(file), "signed",
		              cg_json_cstr(target), "kind", pades ? "pades-b-b" : "cms-detached",
		              "signer", cg_json_cstr(cg_signer_subject(s)));
		cg_buf line;
		cg_buf_init(&line, 1 << 16);
		cg_json_encode(&line, j);
		puts(cg_buf_cstr(&line));
		cg_buf_free(&line);
		json_decref(j);
	} else if (cli->verbosity >= 0) {
		printf(pades ? cg_tr("%s: signed in the PDF (PAdES-B-B) by %s\n")
		             : cg_tr("%s: detached signature by %s\n"),
		       target, cg_signer_subject(s));
	}
	status = CG_EXIT_OK;
done:
	cmd_pin_clear(&o.pin);
	cg_signer_free(s);
	cg_buf_free(&in);
	cg_buf_free(&out);
	cg_buf_free(&why);
	return status;
}

static void print_result(const cg_cli *cli, const char *file, const cg_sig_info *info, int64_t when,
                         bool has_ca)
{
	char ts[40] = "";
	if (when > 0)
		cg_time_format(when * 1000, ts, sizeof ts);
	if (cli->json) {
		json_t *j = json_pack("{s:o,s:b,s:o,s:o,s:b}", "file", cg_json_cstr(file), "valid",
		                      1, "signer", cg_json_cstr(info->signer), "issuer",
		                      cg_json_cstr(info->issuer), "trusted", info->trusted);
		if (ts[0])
			json_object_set_new(j, "time", cg_json_cstr(ts));
		cg_buf line;
		cg_buf_init(&line, 1 << 16);
		cg_json_encode(&line, j);
		puts(cg_buf_cstr(&line));
		cg_buf_free(&line);
		json_decref(j);
		return;
	}
	if (cli->verbosity < 0)
		return;
	printf(cg_tr("%s: valid signature by %s (issuer %s)"), file, info->signer, info->issuer);
	if (ts[0])
		printf(cg_tr(", signed %s"), ts);
	printf("%s\n", has_ca ? cg_tr("; certificate checked against the CA")
	                      : cg_tr("; certificate not checked (no --ca)"));
}

int cmd_verify(cg_cli *cli)
{
	sign_opts o = {.cli = cli};
	int rc = cg_cli_parse(cli, verify_optv, on_opt, &o);
	if (rc >= 0)
		return rc;
	if (cli->npos != 1)
		return cg_cli_usage_error(cli, "want one FILE to verify");
	const char *file = cli->pos[0];
	char content[PATH_MAX], sigpath[PATH_MAX];
	size_t fl = strlen(file);
	if (fl >= sizeof content - 4)
		return cg_cli_error(cli, "path too long");
	memcpy(content, file, fl + 1);
	sigpath[0] = 0;
	if (o.signature) {
		if (strlen(o.signature) >= sizeof sigpath)
			return cg_cli_error(cli, "path too long");
		memcpy(sigpath, o.signature, strlen(o.signature) + 1);
	} else if (fl > 4 && strcmp(file + fl - 4, ".p7s") == 0) {
		memcpy(sigpath, file, fl + 1);
		content[fl - 4] = 0;
	}
	int status = CG_EXIT_ERROR;
	cg_buf in, sig, why;
	cg_buf_init(&in, CG_SIGN_MAX_FILE);
	cg_buf_init(&sig, CG_SIGN_MAX_KEYFILE);
	cg_buf_init(&why, 4096);
	cg_err err = cg_read_file(content, &in, &why);
	if (err) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	if (!sigpath[0] && is_pdf(cg_buf_slice(&in))) {
		cg_pdf_sig_result res[CG_PDF_MAX_SIGNATURES];
		size_t n = 0;
		err = cg_pdf_verify(cg_buf_slice(&in), o.ca, res, CG_PDF_MAX_SIGNATURES, &n, &why);
		if (!err) {
			for (size_t i = 0; i < n; i++)
				print_result(cli, content, &res[i].info,
				             res[i].pdf_time ? res[i].pdf_time
				                             : res[i].info.signing_time,
				             o.ca != NULL);
			status = CG_EXIT_OK;
		} else if (err == CG_ECRYPTO || err == CG_ENOTFOUND) {
			cg_cli_error(cli, "%s: invalid: %s", content, cg_buf_cstr(&why));
			status = CG_EXIT_FOUND;
		} else {
			cg_cli_error(cli, "%s: %s", content, cg_buf_cstr(&why));
		}
		goto done;
	}
	if (!sigpath[0]) {
		memcpy(sigpath, content, fl + 1);
		memcpy(sigpath + fl, ".p7s", 5);
		if (access(sigpath, F_OK) != 0) {
			cg_cli_error(cli,
			             "%s: not a PDF and %s does not exist: no signature to check",
			             content, sigpath);
			status = CG_EXIT_FOUND;
			goto done;
		}
	}
	if ((err = cg_read_file(sigpath, &sig, &why))) {
		cg_cli_error(cli, "%s", cg_buf_cstr(&why));
		goto done;
	}
	cg_sig_info info;
	err = cg_cms_verify(cg_buf_slice(&sig), cg_buf_slice(&in), o.ca, &info, &why);
	if (!err) {
		print_result(cli, content, &info, info.signing_time, o.ca != NULL);
		status = CG_EXIT_OK;
	} else if (err == CG_ECRYPTO) {
		cg_cli_error(cli, "%s: invalid: %s", content, cg_buf_cstr(&why));
		status = CG_EXIT_FOUND;
	} else {
		cg_cli_error(cli, "%s: %s", content, cg_buf_cstr(&why));
	}
done:
	cg_buf_free(&in);
	cg_buf_free(&sig);
	cg_buf_free(&why);
	return status;
}
