/*
 * msg.c - see msg.h. The catalogue is small (a few hundred lines) and a
 * message is looked up only when it is printed, so a linear search over
 * the table is enough; nothing is allocated.
 */
#include "msg.h"

#include <stdlib.h>
#include <string.h>

static cg_lang current = CG_LANG_EN;

cg_lang cg_lang_from_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "vi", 2) == 0 ? CG_LANG_VI : CG_LANG_EN;
	}
	return CG_LANG_EN;
}

bool cg_lang_parse(const char *s, cg_lang *out)
{
	if (s && strcmp(s, "vi") == 0)
		*out = CG_LANG_VI;
	else if (s && strcmp(s, "en") == 0)
		*out = CG_LANG_EN;
	else
		return false;
	return true;
}

void cg_lang_set(cg_lang lang)
{
	current = lang;
}

cg_lang cg_lang_get(void)
{
	return current;
}

const char *cg_tr(const char *en)
{
	if (current != CG_LANG_VI || !en)
		return en;
	for (size_t i = 0; i < cg_nmsgs; i++)
		if (strcmp(cg_msgs[i].en, en) == 0)
			return cg_msgs[i].vi;
	return en;
}
