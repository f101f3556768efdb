/* libFuzzer target: the configuration file reader (core/config) and the
 * walk over its [PREFIX.NAME] sections (core/config_sections). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/config.h"
#include "core/config_sections.h"

static cg_err read_item(const cg_config *ini, const char *sec, void *item, cg_buf *why)
{
	(void)why;
	*(const char **)item = cg_config_get(ini, sec, "url");
	return CG_OK;
}

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
		static const char *const keys[] = {"url", "interval"};
		static const cg_config_sections rules = {"d.", keys, 2, 4, 8, "bad name"};
		void *items = NULL;
		size_t n = 0;
		if (cg_config_read_sections(cfg, &rules, sizeof(const char *), read_item, &items,
		                            &n, &why) == CG_OK &&
		    (n > 4 || (n && !items)))
			abort();
		free(items);
		cg_config_free(cfg);
	}
	cg_buf_free(&why);
	return 0;
}
