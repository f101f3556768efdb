/*
 * config.h - the configuration file reader.
 *
 * An INI dialect every operator already knows:
 *
 *   # comment            ; comment too
 *   [server]
 *   listen = 127.0.0.1:8080
 *   banner = "Sở Khoa học và Công nghệ"   # quotes keep spaces and #
 *
 * Keys are [A-Za-z0-9_.-]; a key outside any section lives in section "".
 * A duplicate key, a line that is not one of the above, an unterminated
 * quote or an over-long line is an error naming the file and line. Every
 * value remembers its line, so a later type error ("not a number") can name
 * it too.
 *
 * Ownership: cg_config_free releases everything; returned strings live as
 * long as the config.
 */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

typedef struct cg_config cg_config;

/* On failure *why (if given) holds "NAME:LINE: reason". */
cg_err cg_config_parse(cg_slice text, const char *name, cg_config **out,
		       cg_buf *why);
cg_err cg_config_load(const char *path, cg_config **out, cg_buf *why);
void cg_config_free(cg_config *cfg);

/* The entries in file order, for checking that every key is known:
 * false past the end. */
bool cg_config_entry(const cg_config *cfg, size_t i, const char **section,
		     const char **key, int *line);
/* The name the config was parsed under (its path), for messages. */
const char *cg_config_name(const cg_config *cfg);

/* NULL when absent. */
const char *cg_config_get(const cg_config *cfg, const char *section,
			  const char *key);
/* *out = def when absent; error naming NAME:LINE when not an integer in
 * [min,max]. */
cg_err cg_config_get_int(const cg_config *cfg, const char *section,
			 const char *key, int64_t min, int64_t max, int64_t def,
			 int64_t *out, cg_buf *why);
/* true/false, yes/no, on/off, 1/0. */
cg_err cg_config_get_bool(const cg_config *cfg, const char *section,
			  const char *key, bool def, bool *out, cg_buf *why);

#endif
