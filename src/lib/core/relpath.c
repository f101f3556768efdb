/*
 * relpath.c - see relpath.h. Checks characters first, then components,
 * on the slice (no NUL is relied on).
 */
#include "core/relpath.h"

#include "core/limits.h"

bool cg_rel_path_safe(cg_slice p)
{
	if (!p.ptr || p.len == 0 || p.len > CG_MAX_REL_PATH || p.ptr[0] == '/')
		return false;
	for (size_t i = 0; i < p.len; i++) {
		unsigned char c = (unsigned char)p.ptr[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
	}
	cg_slice rest = p;
	while (rest.ptr) {
		cg_slice c = cg_slice_cut(rest, '/', &rest);
		if (c.len == 0 || cg_slice_eq_cstr(c, ".") || cg_slice_eq_cstr(c, ".."))
			return false;
	}
	return true;
}
