/* libFuzzer target: the configuration file reader (core/config). */
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_config *cfg = NULL;
	cg_buf why;
	cg_buf_init(&why, 4096);
	if (cg_config_parse(cg_slice_from((const char *)data, size), "fuzz", &cfg, &why) == CG_OK) {
		int64_t v;
		bool b;
		cg_config_get(cfg, "server", "listen");
		cg_config_get_int(cfg, "web", "interval", 1, 86400, 300, &v, &why);
		cg_config_get_bool(cfg, "", "debug", false, &b, &why);
		cg_config_free(cfg);
	}
	cg_buf_free(&why);
	return 0;
}
