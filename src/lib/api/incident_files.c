/*
 * incident_files.c - see incident_files.h.
 */
#include "api/incident_files.h"

#include <string.h>

static bool starts(const uint8_t *p, size_t n, const char *magic, size_t m)
{
	return n >= m && memcmp(p, magic, m) == 0;
}

/* Valid UTF-8 (no overlongs, no surrogates) with no control bytes but
 * tab, CR and LF. */
static bool is_text(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		size_t len = (c & 0xe0) == 0xc0   ? 2
		             : (c & 0xf0) == 0xe0 ? 3
		             : (c & 0xf8) == 0xf0 ? 4
		                                  : 0;
		if (!len || i + len > n || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4))
			return false;
		for (size_t k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		if (len == 3 && ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] >= 0xa0)))
			return false;
		if (len == 4 && ((c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] >= 0x90)))
			return false;
		i += len;
	}
	return true;
}

const char *cg_inc_sniff(const uint8_t *p, size_t n)
{
	if (starts(p, n, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (starts(p, n, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6))
		return "image/gif";
	if (starts(p, n, "%PDF-", 5))
		return "application/pdf";
	if (starts(p, n, "PK\x03\x04", 4) || starts(p, n, "PK\x05\x06", 4))
		return "application/zip";
	if (starts(p, n, "\x1f\x8b", 2))
		return "application/gzip";
	if (n > 0 && is_text(p, n))
		return "text/plain";
	return "application/octet-stream";
}

void cg_inc_file_name(const char *name, char *out, size_t n)
{
	if (!n)
		return;
	const char *base = name ? name : "";
	for (const char *s = base; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	size_t o = 0;
	for (const char *s = base; *s && o + 1 < n; s++) {
		char c = *s;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (o == 0 && c == '.')
			ok = false;
		out[o++] = ok ? c : '_';
	}
	out[o] = '\0';
	if (strspn(out, "_.") == o) {
		const char *dflt = "tep-dinh-kem";
		size_t m = strlen(dflt) < n - 1 ? strlen(dflt) : n - 1;
		memcpy(out, dflt, m);
		out[m] = '\0';
	}
}
