/*
 * lexicon.h - word lists matched without regard to case or diacritics.
 *
 * A lexicon file has one term per line, optionally preceded by a weight
 * ("3 nổ hũ"; default 2); '#' starts a comment. Terms and page text are
 * both folded with cg_text_fold(CG_FOLD_ASCII), so "Nổ Hũ", "NO HU" and
 * "nổ hũ" are one term, and a term matches only on word boundaries ("nha
 * cai" does not match inside "nhacaiz"). Spammers also glue brand words
 * into host names ("nohu88.top"): cg_lex_host_hits looks for the terms
 * with their spaces removed inside a host name.
 *
 * Ownership: cg_lex owns its terms; cg_lex_free releases them.
 */
#ifndef CG_WEB_LEXICON_H
#define CG_WEB_LEXICON_H

#include <stdint.h>

#include "core/buf.h"

typedef struct cg_lex_term {
	char *folded;   /* folded, single spaces */
	char *glued;    /* folded without spaces, for host names */
	char *original; /* as written in the file */
	int weight;
	uint32_t first; /* hash of the first word */
} cg_lex_term;

#define CG_LEX_FILTER_BITS 4096

typedef struct cg_lex {
	cg_lex_term *t;
	size_t n, cap;
	/* bit (first & (BITS-1)) set for each term's first word: most words
	 * of a page start no term and are skipped after one lookup */
	uint64_t filter[CG_LEX_FILTER_BITS / 64];
} cg_lex;

void cg_lex_init(cg_lex *lx);
void cg_lex_free(cg_lex *lx);
/* Adds the terms of a lexicon text; *why gets "NAME:LINE: reason". */
cg_err cg_lex_add_text(cg_lex *lx, cg_slice text, const char *name, cg_buf *why);
cg_err cg_lex_load(cg_lex *lx, const char *path, cg_buf *why);

/* Counts occurrences of each term in already folded text (counts has
 * lx->n entries, added to). */
void cg_lex_count(const cg_lex *lx, cg_slice folded, uint32_t *counts);
/* Index of the first term glued into host, or -1. */
int cg_lex_host_hit(const cg_lex *lx, const char *host);

/* Folds UTF-8 text for matching (CG_FOLD_ASCII, then lower-case ASCII). */
cg_err cg_lex_fold(cg_slice in, cg_buf *out);

#endif
