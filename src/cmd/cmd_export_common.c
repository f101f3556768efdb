/*
 * cmd_export_common.c - the --out / --sign / --cert handling of the export
 * commands (cmd_export_common.h).
 */
#include "cmd_export_common.h"

#include <stdio.h>

#include "core/fileio.h"

bool export_out_opt(export_out *x, int id, const char *v)
{
	switch (id) {
	case EXPORT_O_SIGN:
		x->sign = v;
		return true;
	case EXPORT_O_CERT:
		x->cert = v;
		return true;
	case EXPORT_O_OUT:
		x->out = v;
		return true;
	default:
		return false;
	}
}

int export_out_check(cg_cli *cli, const export_out *x)
{
	if (cli->npos)
		return cg_cli_usage_error(cli, "unexpected argument '%s'", cli->pos[0]);
	if (!x->out)
		return cg_cli_usage_error(cli, "--out FILE is needed");
	return -1;
}

int export_out_check_sign(cg_cli *cli, const export_out *x)
{
	if (x->sign && !x->cert)
		return cg_cli_usage_error(cli, "a key file needs its certificate (--cert)");
	if (x->cert && !x->sign)
		return cg_cli_usage_error(cli, "--cert goes with --sign");
	return -1;
}

/* A key on a token would ask for a PIN: these commands sign with a key
 * file only, so there is none to give. */
static int no_pin(void *ud, const char *token, char *pin, size_t pin_max)
{
	(void)ud, (void)token, (void)pin, (void)pin_max;
	return -1;
}

bool export_out_open(cg_cli *cli, export_out *x, cg_buf *why)
{
	if (!x->sign)
		return true;
	cg_signer_opts sgo = {x->sign, x->cert, NULL, no_pin, NULL};
	if (cg_signer_open(&sgo, &x->signer, why)) {
		cg_cli_error(cli, "%s: %s", x->sign, cg_buf_cstr(why));
		return false;
	}
	if (snprintf(x->p7s, sizeof x->p7s, "%s.p7s", x->out) >= (int)sizeof x->p7s) {
		cg_cli_error(cli, "path too long");
		return false;
	}
	return true;
}

bool export_out_write(cg_cli *cli, const export_out *x, cg_slice doc, cg_buf *why)
{
	if (cg_write_file_atomic(x->out, doc.ptr, doc.len, 0644, why)) {
		cg_cli_error(cli, "%s: %s", x->out, cg_buf_cstr(why));
		return false;
	}
	if (!x->signer)
		return true;
	cg_buf sig;
	cg_buf_init(&sig, 1u << 20);
	bool ok = !cg_signer_cms(x->signer, doc, true, &sig, why) &&
	          !cg_write_file_atomic(x->p7s, sig.ptr, sig.len, 0644, why);
	if (!ok)
		cg_cli_error(cli, "%s: %s", x->p7s, cg_buf_cstr(why));
	cg_buf_free(&sig);
	return ok;
}

void export_out_free(export_out *x)
{
	cg_signer_free(x->signer);
	x->signer = NULL;
}
