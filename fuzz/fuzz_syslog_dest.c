/* libFuzzer target: the [forward.NAME] destinations of the server's
 * configuration file (syslog/syslog.h), read from an INI text. Each
 * destination accepted must be well formed (host non-empty, port set),
 * and a message for a fixed event must frame to its own length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syslog/syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_config *ini = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_config_parse(cg_slice_from((const char *)data, size), "fuzz.ini", &ini, &why) ==
	    CG_OK) {
		cg_fwd_dest *ds = NULL;
		size_t n = 0;
		if (cg_fwd_dests_from_config(ini, &ds, &n, &why) == CG_OK) {
			json_t *ev =
			    json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:{}}", "seq", (json_int_t)1, "id",
			              "x", "time", "2026-01-01T00:00:00.000Z", "severity", "high",
			              "source", "web", "summary", "a|b=c", "evidence");
			for (size_t i = 0; i < n; i++) {
				if (!ds[i].host[0] || ds[i].port == 0)
					abort();
				(void)cg_fwd_wants(&ds[i], ev);
				cg_buf m;
				cg_buf_init(&m, CG_SYSLOG_MSG_MAX + 64);
				if (cg_syslog_message(ds[i].format, CG_FWD_TCP, ds[i].host, ev, &m))
					abort();
				char *sp = memchr(m.ptr, ' ', m.len);
				if (!sp ||
				    strtoul(m.ptr, NULL, 10) != m.len - (size_t)(sp - m.ptr) - 1)
					abort();
				cg_buf_free(&m);
			}
			json_decref(ev);
			free(ds);
		}
		cg_config_free(ini);
	}
	cg_buf_free(&why);
	return 0;
}
