/*
 * config_sections.h - the named sections of a configuration file:
 * [PREFIX.NAME], one per destination, feed or peer ([forward.siem],
 * [intel.cert], [misp.national]).
 *
 * Every reader of such sections needs the same walk: the sections in file
 * order, each once however many keys it holds, every key of them known,
 * NAME non-empty, bounded and of [A-Za-z0-9._-] (it names a job and a
 * store cursor), and no more sections than the reader has room for. This
 * is that walk, written once; the reader gives the rules and reads one
 * section's keys in its callback.
 *
 * Errors name the file and the line (config.h), one line each:
 *   FILE:LINE: unknown key 'KEY' in [SECTION]
 *   FILE:LINE: [SECTION]: RULE                       (a bad NAME)
 *   FILE:LINE: more than MAX [PREFIXNAME] sections
 * and the callback's own error is passed on as it wrote it.
 */
#ifndef CG_CONFIG_SECTIONS_H
#define CG_CONFIG_SECTIONS_H

#include <stddef.h>

#include "config.h"

typedef struct cg_config_sections {
	const char *prefix;      /* with its dot: "forward." */
	const char *const *keys; /* the keys such a section may hold */
	size_t nkeys;
	size_t max;            /* sections at most */
	size_t name_max;       /* bytes of NAME at most */
	const char *name_rule; /* the reason a bad NAME is refused with */
} cg_config_sections;

/* One section: sec is "PREFIX.NAME", name is NAME (both live as long as
 * the config), i counts the sections from 0 (< max). A non-OK answer
 * stops the walk and is returned, *why as the callback left it. */
typedef cg_err (*cg_config_section_fn)(void *ud, size_t i, const char *sec, const char *name,
                                       cg_buf *why);

/* Calls fn once per [PREFIX.NAME] section of ini in file order, after
 * checking that section's first key; each later key is checked as the
 * walk reaches it. *n (if given) is how many sections fn accepted. */
cg_err cg_config_each_section(const cg_config *ini, const cg_config_sections *rules,
                              cg_config_section_fn fn, void *ud, size_t *n, cg_buf *why);

/* The common case on top of the walk: every section read into an array
 * of max items of size bytes (zeroed first), read(ini, sec, item, why)
 * filling item i from section i. *items is malloc'd (NULL and *n = 0
 * when there is no section), freed by the caller; on an error nothing is
 * returned and the items read are wiped (explicit_bzero: they may hold
 * secrets read from key files) and freed. */
typedef cg_err (*cg_config_item_fn)(const cg_config *ini, const char *sec, void *item, cg_buf *why);
cg_err cg_config_read_sections(const cg_config *ini, const cg_config_sections *rules, size_t size,
                               cg_config_item_fn read, void **items, size_t *n, cg_buf *why);

#endif
