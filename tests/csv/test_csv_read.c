/* CSV reader: RFC 4180 structure (quotes, doubled quotes, delimiters and
 * line breaks inside quotes, LF/CRLF/CR), options (delimiter, quote, header,
 * names, skip rows, BOM, null and boolean spellings) and type inference with
 * promotion, each checked against the types and values pyarrow's read_csv
 * gives for the same text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csv/csv_test_util.h"

static void test_plain_header_and_rows(void **state) {
  (void)state;
  qv_table *t = csvt_read("a,b,c\n1,x,2.5\n2,y,3\n", NULL);
  assert_int_equal(t->n_rows, 2);
  CSVT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,2]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "string", "[\"x\",\"y\"]");
  CSVT_EXPECT_COLUMN(t, 2, "c", "double", "[2.5,3]");
  qv_table_release(t);
}

static void test_quoted_fields(void **state) {
  (void)state;
  qv_table *t = csvt_read("s,n\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n\"\",3\n\"7\",4\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "s", "string", "[\"a,b\",\"say \"hi\"\",\"\",\"7\"]");
  CSVT_EXPECT_COLUMN(t, 1, "n", "int64", "[1,2,3,4]");
  qv_table_release(t);
}

static void test_newlines_inside_quotes(void **state) {
  (void)state;
  qv_table *t = csvt_read("s,n\n\"line1\nline2\",1\n\"cr\rlf\r\n\",2\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "s", "string", "[\"line1\nline2\",\"cr\rlf\r\n\"]");
  CSVT_EXPECT_COLUMN(t, 1, "n", "int64", "[1,2]");
  qv_table_release(t);
}

static void test_line_endings(void **state) {
  (void)state;
  const char *texts[] = {"a,b\r\n1,2\r\n3,4\r\n", "a,b\r1,2\r3,4\r", "a,b\n1,2\n3,4", "a,b\r\n1,2\n3,4\r"};
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    qv_table *t = csvt_read(texts[k], NULL);
    assert_int_equal(t->n_rows, 2);
    CSVT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,3]");
    CSVT_EXPECT_COLUMN(t, 1, "b", "int64", "[2,4]");
    qv_table_release(t);
  }
}

static void test_bom_and_blank_lines(void **state) {
  (void)state;
  qv_table *t = csvt_read("\xEF\xBB\xBFid,v\n\n1,a\n\r\n2,b\n\n", NULL);
  assert_int_equal(t->n_rows, 2);
  CSVT_EXPECT_COLUMN(t, 0, "id", "int64", "[1,2]");
  CSVT_EXPECT_COLUMN(t, 1, "v", "string", "[\"a\",\"b\"]");
  qv_table_release(t);
}

static void test_trailing_empty_field(void **state) {
  (void)state;
  qv_table *t = csvt_read("a,b\n1,\n2,", NULL);
  CSVT_EXPECT_COLUMN(t, 1, "b", "null", "[null,null]");
  qv_table_release(t);
}

static void test_delimiter_and_quote_options(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.delimiter = '\t';
  qv_table *t = csvt_read("a\tb\n1,5\t\"x\ty\"\n", &o);
  CSVT_EXPECT_COLUMN(t, 0, "a", "string", "[\"1,5\"]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "string", "[\"x\ty\"]");
  qv_table_release(t);
  o.delimiter = ';';
  o.quote = '\'';
  t = csvt_read("a;b\n'1;2';\"q\"\n", &o);
  CSVT_EXPECT_COLUMN(t, 0, "a", "string", "[\"1;2\"]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "string", "[\"\"q\"\"]");
  qv_table_release(t);
  qv_csv_read_options nq = QV_CSV_READ_OPTIONS_DEFAULT;
  nq.no_quoting = true;
  t = csvt_read("a,b\n\"x,y\"\n", &nq);
  CSVT_EXPECT_COLUMN(t, 0, "a", "string", "[\"\"x\"]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "string", "[\"y\"\"]");
  qv_table_release(t);
}

static void test_header_options(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.no_header = true;
  qv_table *t = csvt_read("1,x\n2,y\n", &o);
  assert_int_equal(t->n_rows, 2);
  CSVT_EXPECT_COLUMN(t, 0, "f0", "int64", "[1,2]");
  CSVT_EXPECT_COLUMN(t, 1, "f1", "string", "[\"x\",\"y\"]");
  qv_table_release(t);
  const char *names[] = {"id", "label"};
  o.column_names = names;
  o.n_column_names = 2;
  t = csvt_read("1,x\n2,y\n", &o);
  CSVT_EXPECT_COLUMN(t, 0, "id", "int64", "[1,2]");
  CSVT_EXPECT_COLUMN(t, 1, "label", "string", "[\"x\",\"y\"]");
  qv_table_release(t);
  o.no_header = false; /* names replace the header's */
  t = csvt_read("a,b\n1,x\n", &o);
  assert_int_equal(t->n_rows, 1);
  CSVT_EXPECT_COLUMN(t, 0, "id", "int64", "[1]");
  qv_table_release(t);
  qv_csv_read_options s = QV_CSV_READ_OPTIONS_DEFAULT;
  s.skip_rows = 2;
  t = csvt_read("# produced by a tool\n# second comment\nk,v\n1,2\n", &s);
  assert_int_equal(t->n_rows, 1);
  CSVT_EXPECT_COLUMN(t, 0, "k", "int64", "[1]");
  qv_table_release(t);
  t = csvt_read("k,v\n", NULL); /* header only: zero rows, null columns */
  assert_int_equal(t->n_rows, 0);
  CSVT_EXPECT_COLUMN(t, 1, "v", "null", "[]");
  qv_table_release(t);
}

static void test_inference_kinds(void **state) {
  (void)state;
  qv_table *t = csvt_read("i,b,f,d,ts,tsf,tz,s,n\n"
                          "-9223372036854775808,true,1e3,2020-02-29,2020-01-01 10:20:30,2020-01-01T00:00:00.5,"
                          "2020-01-01T12:00:00Z,x,\n"
                          "9223372036854775807,False,-0.25,1970-01-01,2020-01-02T00:00,2020-01-01 00:00:01,"
                          "2020-01-01 14:30:00+02:30,y,NA\n",
                          NULL);
  CSVT_EXPECT_COLUMN(t, 0, "i", "int64", "[-9223372036854775808,9223372036854775807]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "bool", "[true,false]");
  CSVT_EXPECT_COLUMN(t, 2, "f", "double", "[1000,-0.25]");
  CSVT_EXPECT_COLUMN(t, 3, "d", "date32[day]", "[2020-02-29,1970-01-01]");
  CSVT_EXPECT_COLUMN(t, 4, "ts", "timestamp[s]", "[2020-01-01 10:20:30,2020-01-02 00:00:00]");
  CSVT_EXPECT_COLUMN(t, 5, "tsf", "timestamp[ns]", "[2020-01-01 00:00:00.500000000,2020-01-01 00:00:01.000000000]");
  CSVT_EXPECT_COLUMN(t, 6, "tz", "timestamp[s, tz=UTC]", "[2020-01-01 12:00:00Z,2020-01-01 12:00:00Z]");
  CSVT_EXPECT_COLUMN(t, 7, "s", "string", "[\"x\",\"y\"]");
  CSVT_EXPECT_COLUMN(t, 8, "n", "null", "[null,null]");
  qv_table_release(t);
}

static void test_promotion_never_silently_wrong(void **state) {
  (void)state;
  /* int64 -> float64 on a later fraction, and on a value past int64. */
  qv_table *t = csvt_read("a,b,c,d,e,f\n1,1,1,1,2020-01-01,1\n2,2.5,x,9223372036854775808,2020-01-01 01:00,true\n",
                          NULL);
  CSVT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,2]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "double", "[1,2.5]");
  CSVT_EXPECT_COLUMN(t, 2, "c", "string", "[\"1\",\"x\"]");
  CSVT_EXPECT_COLUMN(t, 3, "d", "double", "[1,9.223372036854776e+18]");
  CSVT_EXPECT_COLUMN(t, 4, "e", "timestamp[s]", "[2020-01-01 00:00:00,2020-01-01 01:00:00]");
  CSVT_EXPECT_COLUMN(t, 5, "f", "bool", "[true,true]"); /* "1" is a true spelling, as in pyarrow */
  qv_table_release(t);
  /* Impossible dates, mixed zones and bad numbers stay text; spaces
   * around a number are ignored (as pyarrow: "1 " is the int64 1). */
  t = csvt_read("d,z,n,w\n2021-02-29,2020-01-01T00:00:00Z,1.5e,1 \n2021-01-01,2020-01-01T00:00:00,2,2\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "d", "string", "[\"2021-02-29\",\"2021-01-01\"]");
  CSVT_EXPECT_COLUMN(t, 1, "z", "string", "[\"2020-01-01T00:00:00Z\",\"2020-01-01T00:00:00\"]");
  CSVT_EXPECT_COLUMN(t, 2, "n", "string", "[\"1.5e\",\"2\"]");
  CSVT_EXPECT_COLUMN(t, 3, "w", "int64", "[1,2]");
  qv_table_release(t);
}

/* Times of day are time32[s] as pyarrow infers them (hh:mm or hh:mm:ss,
 * no fraction; spaces around ignored); anything else makes the column
 * text. Given time types take fractions as fine as their unit. */
static void test_times_of_day(void **state) {
  (void)state;
  qv_table *t = csvt_read("a,b,c,d\n12:34:56,12:34, 01:02:03,12:34:56.5\n23:59,,00:00:00 ,1\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "a", "time32[s]", "[12:34:56,23:59:00]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "time32[s]", "[12:34:00,null]");
  CSVT_EXPECT_COLUMN(t, 2, "c", "time32[s]", "[01:02:03,00:00:00]");
  CSVT_EXPECT_COLUMN(t, 3, "d", "string", "[\"12:34:56.5\",\"1\"]");
  qv_table_release(t);
  qv_type *ms = NULL, *ns = NULL;
  qv_error err;
  assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &ms, &err), QV_OK);
  assert_int_equal(qv_type_time64(QV_UNIT_NANO, &ns, &err), QV_OK);
  const char *names[] = {"a", "b"};
  const qv_type *types[] = {ms, ns};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.column_type_names = names;
  o.column_types = types;
  o.n_column_types = 2;
  t = csvt_read("a,b\n12:34:56.125,12:34:56.123456789\n12:34:56.,00:01\n", &o);
  CSVT_EXPECT_COLUMN(t, 0, "a", "time32[ms]", "[12:34:56.125,12:34:56.000]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "time64[ns]", "[12:34:56.123456789,00:01:00.000000000]");
  qv_table_release(t);
  csvt_expect_error("a,b\n12:34:56.1255,1\n", 20, &o, QV_ERR_INVALID_DATA,
                    "CSV line 2, column 1 ('a'): the value '12:34:56.1255' is not of type time32[ms]");
  qv_type_release(ms);
  qv_type_release(ns);
}

static void test_nulls(void **state) {
  (void)state;
  qv_table *t = csvt_read("i,f,s,b\n1,NaN,NA,true\n,1.5,,\nNULL,null,x,N/A\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "i", "int64", "[1,null,null]");
  CSVT_EXPECT_COLUMN(t, 1, "f", "double", "[null,1.5,null]");
  /* Null markers are text in string columns (pyarrow's strings_can_be_null=False). */
  CSVT_EXPECT_COLUMN(t, 2, "s", "string", "[\"NA\",\"\",\"x\"]");
  CSVT_EXPECT_COLUMN(t, 3, "b", "bool", "[true,null,null]");
  qv_table_release(t);
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  const char *nulls[] = {"-"};
  const char *trues[] = {"yes"};
  const char *falses[] = {"no"};
  o.null_values = nulls;
  o.n_null_values = 1;
  o.true_values = trues;
  o.n_true_values = 1;
  o.false_values = falses;
  o.n_false_values = 1;
  t = csvt_read("i,b\n-,yes\n3,no\nNA,-\n", &o);
  CSVT_EXPECT_COLUMN(t, 0, "i", "string", "[\"-\",\"3\",\"NA\"]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "bool", "[true,false,null]");
  qv_table_release(t);
}

static void test_unicode_strings(void **state) {
  (void)state;
  qv_table *t = csvt_read("name\n\xC3\xA9t\xC3\xA9\n\"\xF0\x9F\x98\x80,\"\n", NULL);
  CSVT_EXPECT_COLUMN(t, 0, "name", "string", "[\"\xC3\xA9t\xC3\xA9\",\"\xF0\x9F\x98\x80,\"]");
  qv_table_release(t);
}

static void test_skip_invalid_rows_counts(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.skip_invalid_rows = true;
  const char *text = "a,b\n1,2\n3\n4,5,6\n7,8\n";
  qv_table *t = NULL;
  qv_csv_read_stats stats = {0, 0};
  assert_int_equal(qv_csv_read_memory_ex(text, strlen(text), &o, &t, &stats, NULL), QV_OK);
  assert_int_equal(stats.rows, 2);
  assert_int_equal(stats.skipped_rows, 2);
  CSVT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,7]");
  qv_table_release(t);
}

static void test_read_path_and_fd(void **state) {
  (void)state;
  char path[] = "/tmp/qv_csv_read_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *text = "x,y\n1,\"a\nb\"\n";
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  qv_table *t = NULL;
  assert_int_equal(qv_csv_read_path(path, NULL, &t, NULL), QV_OK);
  CSVT_EXPECT_COLUMN(t, 1, "y", "string", "[\"a\nb\"]");
  qv_table_release(t);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  assert_int_equal(qv_csv_read_fd(fd, NULL, &t, NULL), QV_OK);
  CSVT_EXPECT_COLUMN(t, 0, "x", "int64", "[1]");
  qv_table_release(t);
  close(fd);
  unlink(path);
  qv_error err;
  assert_int_equal(qv_csv_read_path("/nonexistent/qv.csv", NULL, &t, &err), QV_ERR_IO);
  assert_non_null(strstr(err.message, "/nonexistent/qv.csv"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_header_and_rows),
      cmocka_unit_test(test_quoted_fields),
      cmocka_unit_test(test_newlines_inside_quotes),
      cmocka_unit_test(test_line_endings),
      cmocka_unit_test(test_bom_and_blank_lines),
      cmocka_unit_test(test_trailing_empty_field),
      cmocka_unit_test(test_delimiter_and_quote_options),
      cmocka_unit_test(test_header_options),
      cmocka_unit_test(test_inference_kinds),
      cmocka_unit_test(test_promotion_never_silently_wrong),
      cmocka_unit_test(test_times_of_day),
      cmocka_unit_test(test_nulls),
      cmocka_unit_test(test_unicode_strings),
      cmocka_unit_test(test_skip_invalid_rows_counts),
      cmocka_unit_test(test_read_path_and_fd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
