/* Unit tests for the RFC 4180 CSV reader: quoting, BOM, line ends, errors
 * that skip one record, limits. */
#include <string.h>

#include "api/csv.h"
#include "../test.h"

static int rows(const char *text, char sep, char out[][8][32], int *nf, int max, int *errors)
{
	cg_csv p;
	cg_csv_init(&p, cg_slice_cstr(text), sep);
	int n = 0;
	*errors = 0;
	bool got;
	for (;;) {
		cg_err err = cg_csv_next(&p, &got);
		if (err == CG_EPARSE) {
			(*errors)++;
			continue;
		}
		if (!got || n >= max)
			break;
		nf[n] = (int)cg_csv_nfields(&p);
		for (int i = 0; i < nf[n] && i < 8; i++)
			cg_slice_copy(cg_csv_field(&p, (size_t)i), out[n][i], 32);
		n++;
	}
	cg_csv_free(&p);
	return n;
}

TEST(basic_and_quotes)
{
	char f[8][8][32];
	int nf[8], errs;
	int n =
	    rows("\xEF\xBB\xBFname,kind\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n\n x ,\r\nlast,no-eol",
	         ',', f, nf, 8, &errs);
	CHECK(n == 4 && errs == 0);
	CHECK_STR(f[0][0], "name");
	CHECK_STR(f[1][0], "a, b");
	CHECK_STR(f[1][1], "say \"hi\"");
	CHECK(nf[2] == 2);
	CHECK_STR(f[2][0], " x ");
	CHECK_STR(f[2][1], "");
	CHECK_STR(f[3][1], "no-eol");
}

TEST(newline_in_quotes_and_record_numbers)
{
	cg_csv p;
	cg_csv_init(&p, cg_slice_cstr("h\n\"two\nlines\",x\nthird\n"), ',');
	bool got;
	CHECK(cg_csv_next(&p, &got) == CG_OK && got && p.record == 1);
	CHECK(cg_csv_next(&p, &got) == CG_OK && got && p.record == 2);
	cg_slice s = cg_csv_field(&p, 0);
	CHECK(s.len == 9 && memcmp(s.ptr, "two\nlines", 9) == 0);
	CHECK(cg_csv_next(&p, &got) == CG_OK && got && p.record == 3);
	CHECK(cg_csv_next(&p, &got) == CG_OK && !got);
	cg_csv_free(&p);
}

TEST(errors_skip_one_record)
{
	cg_csv p;
	cg_csv_init(&p, cg_slice_cstr("a,b\n\"x\"y,z\nok,1\nbad\"q,2\n\"open,3\nmore\n"), ',');
	bool got;
	CHECK(cg_csv_next(&p, &got) == CG_OK && got);
	CHECK(cg_csv_next(&p, &got) == CG_EPARSE && p.record == 2);
	CHECK(strstr(p.error, "closing quote") != NULL);
	CHECK(cg_csv_next(&p, &got) == CG_OK && got && p.record == 3);
	CHECK(cg_csv_next(&p, &got) == CG_EPARSE && p.record == 4);
	CHECK(cg_csv_next(&p, &got) == CG_EPARSE && strstr(p.error, "unterminated"));
	CHECK(cg_csv_next(&p, &got) == CG_OK && !got);
	cg_csv_free(&p);
}

TEST(semicolon_and_limits)
{
	char f[8][8][32];
	int nf[8], errs;
	int n = rows("a;b;c\n", ';', f, nf, 8, &errs);
	CHECK(n == 1 && nf[0] == 3);
	char many[400];
	size_t k = 0;
	for (int i = 0; i < CG_MAX_CSV_FIELDS + 1; i++) {
		many[k++] = 'x';
		many[k++] = ',';
	}
	many[k - 1] = '\n';
	many[k] = '\0';
	n = rows(many, ',', f, nf, 8, &errs);
	CHECK(n == 0 && errs == 1);
	n = rows("", ',', f, nf, 8, &errs);
	CHECK(n == 0 && errs == 0);
}

/* A NUL byte (plain or quoted) refuses its row with its number; the rows
 * around it are read (issue 18.8: a NUL row was imported truncated). */
TEST(nul_byte_refused)
{
	static const char text[] = "name,code\nok1,a\nbad\0x,b\n\"q\0\",c\nok2,d\n";
	cg_csv p;
	cg_csv_init(&p, cg_slice_from(text, sizeof text - 1), ',');
	bool got;
	int good = 0, bad_rows[4], nbad = 0;
	for (;;) {
		cg_err err = cg_csv_next(&p, &got);
		if (err == CG_EPARSE) {
			CHECK(strstr(p.error, "NUL") != NULL);
			if (nbad < 4)
				bad_rows[nbad++] = (int)p.record;
			continue;
		}
		if (err || !got)
			break;
		good++;
	}
	cg_csv_free(&p);
	CHECK(good == 3); /* header, ok1, ok2 */
	CHECK(nbad == 2 && bad_rows[0] == 3 && bad_rows[1] == 4);
}

int main(void)
{
	RUN(basic_and_quotes);
	RUN(newline_in_quotes_and_record_numbers);
	RUN(errors_skip_one_record);
	RUN(semicolon_and_limits);
	RUN(nul_byte_refused);
	return test_done();
}
