/* libFuzzer target: the default-credentials device table reader
 * (rules/exposure/credentials/devices.json), identification over a fixed
 * page, each form login's tokens (taken from the input), body and success
 * pattern. */
#include <stddef.h>
#include <stdint.h>

#include "exposure/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_xdevices d;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_xdevices_parse(cg_slice_from((const char *)data, size), "fuzz", &d, &why) == CG_OK) {
		const cg_xdevice *x = cg_xdevices_identify(
		    &d, CG_SLICE("HTTP/1.1 401 x\r\nWWW-Authenticate: Basic realm=\"TP-LINK\"\r\n"),
		    CG_SLICE("<title>RouterOS router configuration page</title>"));
		if (x)
			cg_xdevice_attempts(x);
		cg_buf body;
		cg_buf_init(&body, 4096);
		for (size_t i = 0; i < d.n; i++) {
			/* a tokenised login: each step's token taken from the
			 * input itself, then the body with them */
			cg_xtokens tk = {0};
			for (size_t k = 0; k < d.v[i].nsteps && tk.n < CG_XP_MAX_LOGIN_STEPS; k++)
				if (cg_xstep_token(&d.v[i].steps[k],
				                   cg_slice_from((const char *)data, size),
				                   cg_slice_from((const char *)data, size),
				                   tk.value[tk.n], sizeof tk.value[0]))
					tk.name[tk.n++] = d.v[i].steps[k].name;
			if (d.v[i].form && d.v[i].ncreds &&
			    cg_xdevice_login_body(&d.v[i], &d.v[i].creds[0], &tk, &body) == CG_OK)
				cg_xdevice_form_ok(&d.v[i], cg_buf_slice(&body),
				                   CG_SLICE("Location: /"));
		}
		cg_buf_free(&body);
		cg_xdevices_free(&d);
	}
	cg_buf_free(&why);
	return 0;
}
