/*
 * text.h - Unicode text folding for matching Vietnamese, via utf8proc.
 *
 * Vietnamese arrives in NFC (precomposed "ậ") or NFD ("a" + combining
 * marks), in any case, sometimes with stray zero-width characters. Two
 * folds cover what the engines need:
 *
 *  CG_FOLD_CASE   NFC + case folding; diacritics kept. "MẬT" and "mật"
 *                 become equal, "mật" and "mặt" stay different. For the
 *                 secret-marking detector, where the marks carry meaning.
 *  CG_FOLD_ASCII  also strips every combining mark and maps đ/Đ to d, so
 *                 "Nổ Hũ", "no hu" and "NỔ HŨ" are equal. For the spam
 *                 lexicon, which spammers type with or without accents.
 *
 * Both drop invalid UTF-8 bytes and zero-width characters (U+200B..D,
 * U+FEFF, soft hyphen), and map every Unicode space to ' '.
 */
#ifndef CG_TEXT_H
#define CG_TEXT_H

#include "buf.h"

typedef enum cg_fold {
	CG_FOLD_CASE = 0,
	CG_FOLD_ASCII = 1,
} cg_fold;

/* Appends the folded form of in to out. */
cg_err cg_text_fold(cg_slice in, cg_fold mode, cg_buf *out);

/* The words of in for text search: CG_FOLD_ASCII, then every code point
 * that is not a letter or a digit becomes a separator; the words are
 * appended separated by one space ("Nhà cái: NỔ-HŨ!" -> "nha cai no hu").
 * Both store backends index and query this form, so "nha cai" finds
 * "nhà cái" everywhere by one rule. */
cg_err cg_text_search_words(cg_slice in, cg_buf *out);

#endif
