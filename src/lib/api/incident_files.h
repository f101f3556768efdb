/*
 * incident_files.h - the evidence files attached to an incident case:
 * what a file is, told by its bytes (never by the name or the type the
 * uploader claims), and the name it is kept and downloaded under.
 *
 * The server keeps the bytes in the blob store and always sends them back
 * as a download (Content-Disposition attachment, nosniff, a generic
 * Content-Type), so a file is never rendered by the browser whatever it
 * holds; the sniffed type is what the team is shown.
 */
#ifndef CG_API_INCIDENT_FILES_H
#define CG_API_INCIDENT_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The type of the bytes: "image/png", "image/jpeg", "image/gif",
 * "application/pdf", "application/zip" (also DOCX, XLSX), "application/
 * gzip", "text/plain" (valid UTF-8 without control characters other than
 * tab and line ends), else "application/octet-stream". */
const char *cg_inc_sniff(const uint8_t *p, size_t n);

/* The name a file is kept under: the last path component of name, every
 * byte outside [A-Za-z0-9._-] replaced by '_', no leading dot, at most
 * n-1 bytes; "tep-dinh-kem" when nothing is left. */
void cg_inc_file_name(const char *name, char *out, size_t n);

#endif
