/* libFuzzer target: an evidence file of an incident case
 * (api/incident_files.h). Any bytes get one of the known types, and text
 * only when they are valid UTF-8; any name becomes a kept name of safe
 * bytes only, never empty, never starting with a dot. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/incident_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type = cg_inc_sniff(data, size);
	if (!type || !*type)
		abort();
	if (strcmp(type, "text/plain") == 0 && (size == 0 || memchr(data, 0, size)))
		abort();
	char *name = malloc(size + 1);
	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	char out[128];
	cg_inc_file_name(name, out, sizeof out);
	size_t n = strlen(out);
	if (n == 0 || n >= sizeof out || out[0] == '.' ||
	    strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		abort();
	free(name);
	return 0;
}
