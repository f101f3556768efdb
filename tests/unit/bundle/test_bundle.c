/* test_bundle.c - the bundle manifest parser: strictness both ways. */
#include <string.h>

#include "bundle/bundle.h"
#include "test.h"

#define H "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static cg_err parse(const char *text)
{
	cg_bundle_manifest m;
	cg_err e = cg_bundle_manifest_parse(cg_slice_cstr(text), &m, NULL);
	if (!e)
		cg_bundle_manifest_free(&m);
	return e;
}

TEST(good_manifest)
{
	cg_bundle_manifest m;
	const char *t = "canhgac-bundle 1\nversion 3\nfile " H " 0 a.yar\nfile " H " 12 d/b c.txt\n";
	CHECK(cg_bundle_manifest_parse(cg_slice_cstr(t), &m, NULL) == CG_OK);
	CHECK(m.version == 3 && m.nfiles == 2);
	CHECK_STR(m.files[1].path, "d/b c.txt");
	CHECK(m.files[1].size == 12 && m.files[0].sha256[0] == 0xe3);
	cg_bundle_manifest_free(&m);
	CHECK(parse("canhgac-bundle 1\nversion 1\n") == CG_OK);
}

TEST(bad_manifests)
{
	CHECK(parse("") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 2\nversion 1\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 0\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion -4\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 ../etc/passwd\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 /etc/passwd\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 a//b\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 a/./b\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 b\nfile " H " 0 a\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 a\nfile " H " 0 a\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile abc 0 a\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " x a\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nfile " H " 0 a\tb\n") == CG_EPARSE);
	CHECK(parse("canhgac-bundle 1\nversion 1\nsomething else\n") == CG_EPARSE);
}

int main(void)
{
	RUN(good_manifest);
	RUN(bad_manifests);
	return test_done();
}
