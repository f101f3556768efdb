/*
 * rulefile.h - what the line parsers of the rule files share (rules/:
 * compliance controls, deadlines, playbooks, auto-case rules, incident
 * forms, the national report's map, report recommendations): the one-line
 * error that names the file and the line, "FILE:LINE: reason". Each
 * parser had its own copy of this formatter; one copy keeps the messages
 * alike (DESIGN.md: rules as data, errors naming file:line). The words of
 * a line are split by cg_slice_word (core/buf.h); a text value (a title,
 * a step, a check) is read by cg_rule_text.
 */
#ifndef CG_RULEFILE_H
#define CG_RULEFILE_H

#include <stddef.h>

#include "core/buf.h"

/* Replaces why's contents with "file:line: " and the formatted reason
 * (nothing when why is NULL) and returns err, so a parser writes
 * `return cg_rule_error(why, CG_EPARSE, file, line, "...", ...);`. */
__attribute__((format(printf, 5, 6))) cg_err
cg_rule_error(cg_buf *why, cg_err err, const char *file, size_t line, const char *fmt, ...);

/* A text value of a rule line, trimmed, copied NUL-terminated into dst
 * (size bytes): non-empty, valid UTF-8, no control character but tab,
 * shorter than size. Otherwise CG_EPARSE with why as cg_rule_error. */
cg_err cg_rule_text(cg_buf *why, const char *file, size_t line, cg_slice s, char *dst, size_t size);

#endif
