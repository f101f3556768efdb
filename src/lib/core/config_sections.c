/*
 * config_sections.c - the walk over [PREFIX.NAME] sections
 * (config_sections.h). A section is new when no earlier entry belongs to
 * it: configurations hold at most a few thousand entries, so looking back
 * costs less than keeping a set, and needs no memory.
 */
#include "config_sections.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool name_ok(const char *name, size_t max)
{
	size_t len = strlen(name);
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool known(const cg_config_sections *r, const char *key)
{
	for (size_t k = 0; k < r->nkeys; k++)
		if (strcmp(r->keys[k], key) == 0)
			return true;
	return false;
}

/* true when an entry before the i-th is in section sec. */
static bool seen_before(const cg_config *ini, size_t i, const char *sec)
{
	const char *s, *k;
	int line;
	for (size_t j = 0; j < i && cg_config_entry(ini, j, &s, &k, &line); j++)
		if (strcmp(s, sec) == 0)
			return true;
	return false;
}

typedef struct reading {
	const cg_config *ini;
	cg_config_item_fn read;
	char *items;
	size_t size;
} reading;

static cg_err read_one(void *ud, size_t i, const char *sec, const char *name, cg_buf *why)
{
	reading *r = ud;
	(void)name;
	return r->read(r->ini, sec, r->items + i * r->size, why);
}

cg_err cg_config_read_sections(const cg_config *ini, const cg_config_sections *rules, size_t size,
                               cg_config_item_fn read, void **items, size_t *n, cg_buf *why)
{
	*items = NULL;
	*n = 0;
	reading r = {ini, read, calloc(rules->max ? rules->max : 1, size), size};
	if (!r.items)
		return CG_ENOMEM;
	size_t got = 0;
	cg_err err = cg_config_each_section(ini, rules, read_one, &r, &got, why);
	if (err || got == 0) {
		explicit_bzero(r.items, rules->max * size);
		free(r.items);
		return err;
	}
	*items = r.items;
	*n = got;
	return CG_OK;
}

cg_err cg_config_each_section(const cg_config *ini, const cg_config_sections *r,
                              cg_config_section_fn fn, void *ud, size_t *n, cg_buf *why)
{
	size_t plen = strlen(r->prefix), count = 0;
	const char *sec, *key;
	int line;
	cg_err err = CG_OK;
	if (n)
		*n = 0;
	for (size_t i = 0; !err && cg_config_entry(ini, i, &sec, &key, &line); i++) {
		if (strncmp(sec, r->prefix, plen) != 0)
			continue;
		const char *name = sec + plen;
		if (!known(r, key)) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s:%d: unknown key '%s' in [%s]", cg_config_name(ini),
			              line, key, sec);
			err = CG_EINVAL;
		} else if (seen_before(ini, i, sec)) {
			continue;
		} else if (!name_ok(name, r->name_max)) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s:%d: [%s]: %s", cg_config_name(ini), line, sec,
			              r->name_rule);
			err = CG_EINVAL;
		} else if (count == r->max) {
			cg_buf_reset(why);
			cg_buf_printf(why, "%s:%d: more than %zu [%sNAME] sections",
			              cg_config_name(ini), line, r->max, r->prefix);
			err = CG_EINVAL;
		} else if (!(err = fn(ud, count, sec, name, why))) {
			count++;
		}
	}
	if (n)
		*n = count;
	return err;
}
