/*
 * marking.h - does this unit of text carry a state-secret classification
 * marking? (the rule is written out in docs/secrets-marking.md)
 *
 * A marking is a stamp, not a word in a sentence. A unit (one line, table
 * cell, paragraph or text box) is a marking when, after
 *   1. NFC normalisation and case folding (diacritics kept: "mật" is not
 *      "mặt"), via core/text.h,
 *   2. removing every space inside it (stray spaces: "T ỐI  MẬT"),
 *   3. trimming punctuation, symbols, quotes and brackets at both ends,
 * it is exactly "mật", "tối mật" or "tuyệt mật" (without spaces), or the
 * field "độ mật" (optionally "mức độ mật") followed by separators and one
 * of those. Anything else around the words - "mật khẩu", "bảo mật",
 * "Tuyệt mật, Tối mật và Mật" - makes it prose, not a marking.
 *
 * A unit with an ASCII digit or more than 24 ASCII letters is rejected
 * before any Unicode work (no marking can have either).
 *
 * The marker owns two scratch buffers so that checking a unit allocates
 * nothing after warm-up; one marker per thread.
 */
#ifndef CG_SECRETS_MARKING_H
#define CG_SECRETS_MARKING_H

#include "core/buf.h"

typedef enum cg_sec_level {
	CG_SEC_NONE = 0,
	CG_SEC_MAT = 1,        /* MẬT */
	CG_SEC_TOI_MAT = 2,    /* TỐI MẬT */
	CG_SEC_TUYET_MAT = 3,  /* TUYỆT MẬT */
} cg_sec_level;

typedef struct cg_sec_marker {
	cg_buf a, b;
} cg_sec_marker;

void cg_sec_marker_init(cg_sec_marker *m);
void cg_sec_marker_free(cg_sec_marker *m);

/* The level of the marking the unit is, or CG_SEC_NONE. Units longer
 * than CG_SEC_MAX_UNIT bytes are never markings. */
cg_sec_level cg_sec_marking(cg_sec_marker *m, cg_slice unit);

/* The same; besides, when the unit is exactly "tối" or "tuyệt" (the first
 * line of a stamp that wrapped in a narrow box), *half gets the level the
 * stamp has if the next unit is "mật". */
cg_sec_level cg_sec_marking_ex(cg_sec_marker *m, cg_slice unit,
				cg_sec_level *half);

/* "MẬT", "TỐI MẬT", "TUYỆT MẬT" (or "" for none). */
const char *cg_sec_level_name(cg_sec_level l);
/* "mat", "toi-mat", "tuyet-mat" for machine fields (or "none"). */
const char *cg_sec_level_id(cg_sec_level l);

#endif
