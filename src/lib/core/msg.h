/*
 * msg.h - the language of the command line's messages, and their
 * catalogue.
 *
 * Every user-facing message of the commands is written in English in the
 * code, as the key, and looked up here: cg_tr() returns the Vietnamese
 * text when the chosen language is Vietnamese and the catalogue has it,
 * otherwise the key itself. So a message missing from the catalogue still
 * reads (in English) instead of failing, and a test checks that every
 * message of src/cmd is in the catalogue.
 *
 * The language: `--lang vi|en` on any command, otherwise the locale the
 * way POSIX picks it (LC_ALL, then LC_MESSAGES, then LANG: the first one
 * set decides); a value starting with "vi" means Vietnamese, anything else
 * English. One choice per process, made before any message is printed.
 *
 * Messages are printf formats. A translation keeps the key's conversions
 * in the same order (the catalogue test compares them), and
 * format_arg(1) lets the compiler check the arguments against the key.
 */
#ifndef CG_MSG_H
#define CG_MSG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum cg_lang {
	CG_LANG_EN = 0,
	CG_LANG_VI = 1,
} cg_lang;

/* The language the environment asks for (see above). */
cg_lang cg_lang_from_env(void);
/* "vi" or "en" (as --lang takes it); false for anything else. */
bool cg_lang_parse(const char *s, cg_lang *out);
void cg_lang_set(cg_lang lang);
cg_lang cg_lang_get(void);

/* The message in the chosen language (en itself when untranslated). */
const char *cg_tr(const char *en) __attribute__((format_arg(1)));

typedef struct cg_msg {
	const char *en;
	const char *vi;
} cg_msg;

/* The catalogue (msg_catalog.c), for cg_tr and its tests. */
extern const cg_msg cg_msgs[];
extern const size_t cg_nmsgs;

#endif
