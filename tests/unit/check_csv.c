/* check_csv - the RFC 4180 reader: quoting, line ends, UTF-8, positions of errors. */
#include "config.h"

#include "testutil.h"

#include "csv.h"

/* Reads all records of text; returns how many, with the first error (if any) in err. */
static int
read_all(const char *text, struct csv_record *last, char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct csv_reader *r = csv_reader_new(f, "t.csv");
	struct csv_record rec = { 0 };
	struct err e;
	int n = 0, rc;

	err[0] = '\0';
	while ((rc = csv_read(r, &rec, &e)) != 0) {
		if (rc < 0) {
			if (err[0] == '\0')
				snprintf(err, errlen, "%.250s", e.msg);
			continue;
		}
		n++;
		if (last != NULL) {
			csv_record_clear(last);
			last->n = rec.n;
			last->cap = rec.n;
			last->line = rec.line;
			last->fields = calloc(rec.n, sizeof *last->fields);
			for (size_t i = 0; i < rec.n; i++) {
				last->fields[i] = rec.fields[i];
				last->fields[i].text = strdup(rec.fields[i].text);
			}
		}
	}
	csv_record_clear(&rec);
	csv_reader_free(&r);
	fclose(f);
	return n;
}

START_TEST(test_plain_and_quoted)
{
	struct csv_record rec = { 0 };
	char err[256];

	ck_assert_int_eq(read_all("a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n", &rec, err, sizeof err), 2);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(rec.n, 3);
	ck_assert_str_eq(rec.fields[0].text, "1");
	ck_assert_str_eq(rec.fields[1].text, "x, \"y\"");
	ck_assert_str_eq(rec.fields[2].text, "");
	ck_assert_int_eq(rec.line, 2);
	ck_assert_int_eq(rec.fields[1].column, 3);
	csv_record_clear(&rec);
}
END_TEST

START_TEST(test_multiline_field_and_lf)
{
	struct csv_record rec = { 0 };
	char err[256];

	ck_assert_int_eq(read_all("h1,h2\n\"line one\nline two\",Zoë\n\n", &rec, err, sizeof err), 2);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(rec.fields[0].text, "line one\nline two");
	ck_assert_str_eq(rec.fields[1].text, "Zoë");
	ck_assert_int_eq(rec.fields[1].line, 3);
	ck_assert_int_eq(rec.fields[1].column, 11);
	csv_record_clear(&rec);
}
END_TEST

START_TEST(test_no_final_newline_and_bom)
{
	struct csv_record rec = { 0 };
	char err[256];

	ck_assert_int_eq(read_all("\xEF\xBB\xBFid,name\nA1,Ann", &rec, err, sizeof err), 2);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(rec.fields[1].text, "Ann");
	csv_record_clear(&rec);
	ck_assert_int_eq(read_all("\xEF\xBB\xBFid\n", &rec, err, sizeof err), 1);
	ck_assert_str_eq(rec.fields[0].text, "id");
	csv_record_clear(&rec);
}
END_TEST

START_TEST(test_errors_name_line_and_column)
{
	char err[256];

	/* a quote in the middle of an unquoted field */
	ck_assert_int_eq(read_all("a,b\nx,y\"z\nok,ok\n", NULL, err, sizeof err), 2);
	ck_assert_str_eq(err, "t.csv:2:4: a quote inside an unquoted field");
	/* text after a closing quote */
	read_all("a,b\n\"x\"y,1\n", NULL, err, sizeof err);
	ck_assert_str_eq(err, "t.csv:2:4: text after a closing quote");
	/* never closed */
	read_all("a,b\n1,\"open\n", NULL, err, sizeof err);
	ck_assert_str_eq(err, "t.csv:2:3: quoted field is never closed");
	/* bad UTF-8: an overlong slash and a lone continuation byte, column of the bad byte */
	read_all("a,b\nab,c\xC0\xAF\n", NULL, err, sizeof err);
	ck_assert_str_eq(err, "t.csv:2:5: not valid UTF-8");
	read_all("a,b\n\"\x80\",x\n", NULL, err, sizeof err);
	ck_assert_str_eq(err, "t.csv:2:2: not valid UTF-8");
	/* a surrogate encoded in UTF-8 is not valid either */
	read_all("a\n\xED\xA0\x80\n", NULL, err, sizeof err);
	ck_assert_str_eq(err, "t.csv:2:1: not valid UTF-8");
	/* a bare CR */
	read_all("a,b\rc\n", NULL, err, sizeof err);
	ck_assert_ptr_nonnull(strstr(err, "carriage return"));
}
END_TEST

START_TEST(test_reader_resumes_after_error)
{
	struct csv_record rec = { 0 };
	char err[256];

	ck_assert_int_eq(read_all("a,b\n1,x\"y\n2,z\n", &rec, err, sizeof err), 2);
	ck_assert_str_eq(rec.fields[0].text, "2");
	ck_assert_int_eq(rec.line, 3);
	csv_record_clear(&rec);
}
END_TEST

START_TEST(test_write_round_trip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *fields[] = { "plain", "with, comma", "say \"hi\"", "two\nlines", "" };
	struct csv_record rec = { 0 };
	char err[256];

	ck_assert_int_eq(csv_write_record(f, fields, 5), 0);
	fclose(f);
	ck_assert_str_eq(buf, "plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
	ck_assert_int_eq(read_all(buf, &rec, err, sizeof err), 1);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(rec.fields[i].text, fields[i]);
	csv_record_clear(&rec);
	free(buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("reader");

	tcase_add_test(tc, test_plain_and_quoted);
	tcase_add_test(tc, test_multiline_field_and_lf);
	tcase_add_test(tc, test_no_final_newline_and_bom);
	tcase_add_test(tc, test_errors_name_line_and_column);
	tcase_add_test(tc, test_reader_resumes_after_error);
	tcase_add_test(tc, test_write_round_trip);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
