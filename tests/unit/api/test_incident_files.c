/*
 * test_incident_files.c - api/incident_files.h: the type of a file told
 * by its bytes (a name or claimed type plays no part; HTML is text; bad
 * UTF-8, control bytes and binary are octet-stream) and the safe name a
 * file is kept under (no path, no leading dot, no quotes or markup).
 */
#include <string.h>

#include "api/incident_files.h"
#include "../test.h"

#define S(lit) cg_inc_sniff((const uint8_t *)(lit), sizeof(lit) - 1)

TEST(sniff)
{
	CHECK(strcmp(S("\x89PNG\r\n\x1a\nxxxx"), "image/png") == 0);
	CHECK(strcmp(S("\xff\xd8\xff\xe0JFIF"), "image/jpeg") == 0);
	CHECK(strcmp(S("GIF89a..."), "image/gif") == 0);
	CHECK(strcmp(S("%PDF-1.7\n"), "application/pdf") == 0);
	CHECK(strcmp(S("PK\x03\x04rest"), "application/zip") == 0);
	CHECK(strcmp(S("\x1f\x8b\x08"), "application/gzip") == 0);
	CHECK(strcmp(S("<html><script>alert(1)</script>"), "text/plain") == 0);
	CHECK(strcmp(S("Nhật ký máy chủ\r\n\tdòng 2\n"), "text/plain") == 0);
	CHECK(strcmp(S("MZ\x90\x00\x03"), "application/octet-stream") == 0);
	CHECK(strcmp(S("abc\x01"), "application/octet-stream") == 0);
	CHECK(strcmp(S("\xc0\xaf"), "application/octet-stream") == 0);     /* overlong */
	CHECK(strcmp(S("\xed\xa0\x80"), "application/octet-stream") == 0); /* surrogate */
	CHECK(strcmp(S("\xe1\xba"), "application/octet-stream") == 0);     /* cut short */
	CHECK(strcmp(cg_inc_sniff(NULL, 0), "application/octet-stream") == 0);
}

TEST(names)
{
	char out[128];
	cg_inc_file_name("../../etc/passwd", out, sizeof out);
	CHECK(strcmp(out, "passwd") == 0);
	cg_inc_file_name("C:\\Users\\a\\ảnh chụp.png", out, sizeof out);
	CHECK(strcmp(out, "_nh_ch_p.png") == 0 || strstr(out, ".png") != NULL);
	CHECK(!strpbrk(out, "\\/\" <>"));
	cg_inc_file_name(".htaccess", out, sizeof out);
	CHECK(out[0] != '.');
	cg_inc_file_name("a\"b<c>.txt", out, sizeof out);
	CHECK(strcmp(out, "a_b_c_.txt") == 0);
	cg_inc_file_name("", out, sizeof out);
	CHECK(strcmp(out, "tep-dinh-kem") == 0);
	cg_inc_file_name(NULL, out, sizeof out);
	CHECK(strcmp(out, "tep-dinh-kem") == 0);
	cg_inc_file_name("dir/", out, sizeof out);
	CHECK(strcmp(out, "tep-dinh-kem") == 0);
	char small[5];
	cg_inc_file_name("abcdefgh", small, sizeof small);
	CHECK(strcmp(small, "abcd") == 0);
}

int main(void)
{
	RUN(sniff);
	RUN(names);
	return test_done();
}
