/*
 * config.c - see config.h. Entries are kept in a flat array in file order;
 * configs are small, so lookup is a linear scan and there is no hashing to
 * get wrong.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fileio.h"

#include "limits.h"

#define CONFIG_MAX_ENTRIES 4096
#define CONFIG_MAX_NAME 128

typedef struct entry {
	char *section;
	char *key;
	char *value;
	int line;
} entry;

struct cg_config {
	char *name;
	entry *entries;
	size_t n, cap;
};

void cg_config_free(cg_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->name);
	free(cfg);
}

static char *dup_slice(cg_slice s)
{
	char *p = malloc(s.len + 1);
	if (p) {
		if (s.len)
			memcpy(p, s.ptr, s.len);
		p[s.len] = '\0';
	}
	return p;
}

static const entry *find(const cg_config *cfg, const char *section,
			 const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

static bool name_ok(cg_slice s)
{
	if (s.len == 0 || s.len > CONFIG_MAX_NAME)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

static cg_err errline(cg_buf *why, const char *name, int line,
		      const char *reason)
{
	if (why)
		cg_buf_printf(why, "%s:%d: %s", name, line, reason);
	return CG_EPARSE;
}

/* Value text after '=': quoted with \" \\ \n \t escapes, or bare up to a
 * comment. Writes the decoded value into val. */
static const char *parse_value(cg_slice s, cg_buf *val)
{
	s = cg_slice_trim(s);
	if (s.len && s.ptr[0] == '"') {
		size_t i = 1;
		for (; i < s.len && s.ptr[i] != '"'; i++) {
			char c = s.ptr[i];
			if (c == '\\') {
				if (++i >= s.len)
					return "unterminated quoted value";
				c = s.ptr[i];
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c != '"' && c != '\\')
					return "unknown escape in quoted value";
			}
			if (cg_buf_putc(val, c))
				return "value too long";
		}
		if (i >= s.len)
			return "unterminated quoted value";
		cg_slice rest = cg_slice_trim(cg_slice_from(s.ptr + i + 1, s.len - i - 1));
		if (rest.len && rest.ptr[0] != '#' && rest.ptr[0] != ';')
			return "text after quoted value";
		return NULL;
	}
	/* bare: a comment starts at " #" or " ;" */
	size_t end = s.len;
	for (size_t i = 0; i < s.len; i++) {
		if ((s.ptr[i] == '#' || s.ptr[i] == ';') &&
		    (i == 0 || s.ptr[i - 1] == ' ' || s.ptr[i - 1] == '\t')) {
			end = i;
			break;
		}
	}
	cg_slice v = cg_slice_trim(cg_slice_from(s.ptr, end));
	return cg_buf_append(val, v.ptr, v.len) ? "value too long" : NULL;
}

static cg_err add_entry(cg_config *cfg, const char *section, cg_slice key,
			const cg_buf *val, int line)
{
	if (cfg->n == cfg->cap) {
		if (cfg->cap >= CONFIG_MAX_ENTRIES)
			return CG_ETOOBIG;
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		entry *e = realloc(cfg->entries, cap * sizeof *e);
		if (!e)
			return CG_ENOMEM;
		cfg->entries = e;
		cfg->cap = cap;
	}
	entry *e = &cfg->entries[cfg->n];
	e->section = dup_slice(cg_slice_cstr(section));
	e->key = dup_slice(key);
	e->value = dup_slice(cg_buf_slice(val));
	e->line = line;
	if (!e->section || !e->key || !e->value) {
		free(e->section);
		free(e->key);
		free(e->value);
		return CG_ENOMEM;
	}
	cfg->n++;
	return CG_OK;
}

static cg_err parse_line(cg_config *cfg, cg_slice line, int lineno,
			 char *section, cg_buf *why)
{
	line = cg_slice_trim(line);
	if (line.len == 0 || line.ptr[0] == '#' || line.ptr[0] == ';')
		return CG_OK;
	if (line.ptr[0] == '[') {
		if (line.ptr[line.len - 1] != ']')
			return errline(why, cfg->name, lineno, "section header must end with ]");
		cg_slice name = cg_slice_trim(cg_slice_from(line.ptr + 1, line.len - 2));
		if (!name_ok(name))
			return errline(why, cfg->name, lineno, "invalid section name");
		cg_slice_copy(name, section, CONFIG_MAX_NAME + 1);
		return CG_OK;
	}
	cg_slice rest;
	cg_slice key = cg_slice_trim(cg_slice_cut(line, '=', &rest));
	if (!rest.ptr)
		return errline(why, cfg->name, lineno, "expected key = value");
	if (!name_ok(key))
		return errline(why, cfg->name, lineno, "invalid key name");
	char keyz[CONFIG_MAX_NAME + 1];
	cg_slice_copy(key, keyz, sizeof keyz);
	if (find(cfg, section, keyz))
		return errline(why, cfg->name, lineno, "duplicate key");
	cg_buf val;
	cg_buf_init(&val, CG_MAX_LINE);
	const char *bad = parse_value(rest, &val);
	cg_err err = bad ? errline(why, cfg->name, lineno, bad)
			 : add_entry(cfg, section, key, &val, lineno);
	if (err == CG_ETOOBIG)
		err = errline(why, cfg->name, lineno, "too many entries");
	cg_buf_free(&val);
	return err;
}

cg_err cg_config_parse(cg_slice text, const char *name, cg_config **out,
		       cg_buf *why)
{
	*out = NULL;
	cg_config *cfg = calloc(1, sizeof *cfg);
	if (!cfg || !(cfg->name = dup_slice(cg_slice_cstr(name)))) {
		free(cfg);
		return CG_ENOMEM;
	}
	char section[CONFIG_MAX_NAME + 1] = "";
	int lineno = 0;
	cg_err err = CG_OK;
	while (!err && text.len) {
		cg_slice rest;
		cg_slice line = cg_slice_cut(text, '\n', &rest);
		lineno++;
		if (line.len > CG_MAX_LINE)
			err = errline(why, cfg->name, lineno, "line too long");
		else if (memchr(line.ptr, '\0', line.len))
			err = errline(why, cfg->name, lineno, "NUL byte in text");
		else
			err = parse_line(cfg, line, lineno, section, why);
		text = rest.ptr ? rest : (cg_slice){ NULL, 0 };
	}
	if (err) {
		cg_config_free(cfg);
		return err;
	}
	*out = cfg;
	return CG_OK;
}

cg_err cg_config_load(const char *path, cg_config **out, cg_buf *why)
{
	*out = NULL;
	cg_buf text;
	cg_buf_init(&text, CG_MAX_CONFIG_BYTES);
	cg_err err = cg_read_file(path, &text, why);
	if (!err)
		err = cg_config_parse(cg_buf_slice(&text), path, out, why);
	cg_buf_free(&text);
	return err;
}

bool cg_config_entry(const cg_config *cfg, size_t i, const char **section,
		     const char **key, int *line)
{
	if (!cfg || i >= cfg->n)
		return false;
	*section = cfg->entries[i].section;
	*key = cfg->entries[i].key;
	*line = cfg->entries[i].line;
	return true;
}

const char *cg_config_name(const cg_config *cfg)
{
	return cfg->name;
}

const char *cg_config_get(const cg_config *cfg, const char *section,
			  const char *key)
{
	const entry *e = cfg ? find(cfg, section ? section : "", key) : NULL;
	return e ? e->value : NULL;
}

cg_err cg_config_get_int(const cg_config *cfg, const char *section,
			 const char *key, int64_t min, int64_t max, int64_t def,
			 int64_t *out, cg_buf *why)
{
	const entry *e = cfg ? find(cfg, section ? section : "", key) : NULL;
	if (!e) {
		*out = def;
		return CG_OK;
	}
	if (cg_parse_i64(cg_slice_cstr(e->value), min, max, out)) {
		if (why)
			cg_buf_printf(why, "%s:%d: %s must be a whole number from %lld to %lld",
				      cfg->name, e->line, key, (long long)min,
				      (long long)max);
		return CG_EINVAL;
	}
	return CG_OK;
}

cg_err cg_config_get_bool(const cg_config *cfg, const char *section,
			  const char *key, bool def, bool *out, cg_buf *why)
{
	const entry *e = cfg ? find(cfg, section ? section : "", key) : NULL;
	if (!e) {
		*out = def;
		return CG_OK;
	}
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(e->value, yes[i]) == 0) {
			*out = true;
			return CG_OK;
		}
		if (strcasecmp(e->value, no[i]) == 0) {
			*out = false;
			return CG_OK;
		}
	}
	if (why)
		cg_buf_printf(why, "%s:%d: %s must be true or false", cfg->name,
			      e->line, key);
	return CG_EINVAL;
}
