/* CSV writer: the text of every writable type (as pyarrow's CSV writer
 * formats it), quoting, header, delimiter and null_string options, the atomic path
 * output, refusal of types without a text form, hostile arrays (an error
 * naming column and row, never a crash), and round trips writer -> reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "core/parallel.h"
#include "csv/csv_test_util.h"
#include "quiver/compare.h"
#include "quiver/table.h"
#include "support/hand.h"

static qv_table *table_of(int32_t n, const char *const *names, qv_array **arrays) {
  qv_table *t = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, arrays, n, &t, &e), &e, "table");
  for (int32_t i = 0; i < n; i++) qv_array_release(arrays[i]);
  return t;
}

static char *write_text(const qv_table *t, const qv_csv_write_options *o) {
  char *text = NULL;
  size_t size = 0;
  qv_error e;
  qv_status st = qv_csv_write_table_memory(t, o, &text, &size, &e);
  if (st != QV_OK) print_message("write failed: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(strlen(text), size);
  return text;
}

static void test_formats(void **state) {
  (void)state;
  const double f[] = {1.0, 0.1, 1e21, -2.5e-7, NAN, -INFINITY, 123456789.125};
  const uint8_t fbits[] = {0x7f};
  qv_array *floats = hand_array(qv_type_float64(), 7, 0, 0, 2, BUFS(hand_buf(fbits, 1), hand_buf(f, sizeof f)), 0,
                                NULL, NULL);
  const int64_t secs[] = {0, 1583020800 + 3661, -1, 0, 0, 0, 0};
  const uint8_t tbits[] = {0x07};
  qv_array *ts = hand_array(hand_ts(QV_UNIT_SECOND, NULL), 7, 0, 4, 2, BUFS(hand_buf(tbits, 1), hand_buf(secs, 56)),
                            0, NULL, NULL);
  const int64_t us[] = {1500000, 0, 0, 0, 0, 0, 0};
  qv_array *tz = hand_array(hand_ts(QV_UNIT_MICRO, "UTC"), 7, 0, 0, 2, BUFS(NULL, hand_buf(us, 56)), 0, NULL, NULL);
  const int32_t days[] = {0, 18321, -1, 0, 0, 0, 0};
  qv_array *dates = hand_array(qv_type_date32(), 7, 0, 0, 2, BUFS(NULL, hand_buf(days, 28)), 0, NULL, NULL);
  const uint8_t bools[] = {0x05};
  const uint8_t bvalid[] = {0x3f};
  qv_array *b = hand_array(qv_type_bool(), 7, 0, 1, 2, BUFS(hand_buf(bvalid, 1), hand_buf(bools, 1)), 0, NULL, NULL);
  qv_array *s = STRS("plain", "a,b", "say \"hi\"", "two\nlines", "", NULL, "cr\r");
  qv_array *i = I64(-1, 0, INT64_MAX, INT64_MIN, 5, 6, 7);
  qv_array *nul = NULL;
  hand_check(qv_array_new_null(qv_type_null(), 7, &nul, NULL), NULL, "null");
  const char *names[] = {"f", "ts", "tz", "d", "b", "s", "i", "n,ull"};
  qv_table *t = table_of(8, names, (qv_array *[]){floats, ts, tz, dates, b, s, i, nul});
  char *text = write_text(t, NULL);
  assert_string_equal(text,
                      "f,ts,tz,d,b,s,i,\"n,ull\"\n"
                      "1,1970-01-01 00:00:00,1970-01-01 00:00:01.500000Z,1970-01-01,true,plain,-1,\n"
                      "0.1,2020-03-01 01:01:01,1970-01-01 00:00:00.000000Z,2020-02-29,false,\"a,b\",0,\n"
                      "1e+21,1969-12-31 23:59:59,1970-01-01 00:00:00.000000Z,1969-12-31,true,\"say \"\"hi\"\"\","
                      "9223372036854775807,\n"
                      "-2.5e-7,,1970-01-01 00:00:00.000000Z,1970-01-01,false,\"two\nlines\",-9223372036854775808,\n"
                      "nan,,1970-01-01 00:00:00.000000Z,1970-01-01,false,\"\",5,\n"
                      "-inf,,1970-01-01 00:00:00.000000Z,1970-01-01,false,,6,\n"
                      "123456789.125,,1970-01-01 00:00:00.000000Z,1970-01-01,,\"cr\r\",7,\n");
  qv_csv_free(text);
  qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
  o.delimiter = '\t';
  o.no_header = true;
  qv_table *one = NULL;
  hand_check(qv_table_slice(t, 1, 1, &one, NULL), NULL, "slice");
  text = write_text(one, &o);
  assert_string_equal(text, "0.1\t2020-03-01 01:01:01\t1970-01-01 00:00:00.000000Z\t2020-02-29\tfalse\ta,b\t0\t\n");
  qv_csv_free(text);
  qv_table_release(one);
  qv_table_release(t);
}

static void test_round_trip(void **state) {
  (void)state;
  const char *text = "i,f,s,d,ts,tz,b,n\n"
                     "1,0.5,\"a,\"\"b\"\"\nc\",2020-01-01,2020-01-01 00:00:01,2020-01-01T00:00:00.25Z,true,\n"
                     ",1e+300,plain,,,,false,\n"
                     "-7,,\xC3\xA9,1999-12-31,1999-12-31 23:59:59,2000-01-01 00:00:00+01:00,,\n";
  qv_table *first = csvt_read(text, NULL);
  char *out = write_text(first, NULL);
  qv_table *second = csvt_read(out, NULL);
  for (int32_t c = 0; c < first->schema->n_fields; c++) {
    char a[128], b[128];
    assert_string_equal(csvt_type(first, c, a, sizeof a), csvt_type(second, c, b, sizeof b));
    assert_true(qv_array_equals(first->batches[0]->columns[c], second->batches[0]->columns[c]));
  }
  qv_csv_free(out);
  qv_table_release(first);
  qv_table_release(second);
}

static void test_single_column_nulls_keep_their_rows(void **state) {
  (void)state;
  const char *names[] = {"v"};
  qv_table *t = table_of(1, names, (qv_array *[]){STRS("a", NULL, "")});
  char *text = write_text(t, NULL);
  assert_string_equal(text, "v\na\n\"\"\n\"\"\n");
  qv_table *back = csvt_read(text, NULL);
  assert_int_equal(back->n_rows, 3);
  qv_csv_free(text);
  qv_table_release(back);
  qv_table_release(t);
}

static void test_leading_bom_in_a_name_survives(void **state) {
  (void)state;
  /* Written raw, a name that starts with a BOM would be taken for the
   * file's BOM and dropped (found by fuzz_csv). */
  const char *names[] = {"\xEF\xBB\xBF"};
  qv_table *t = table_of(1, names, (qv_array *[]){STRS("a", "b")});
  char *text = write_text(t, NULL);
  assert_string_equal(text, "\"\xEF\xBB\xBF\"\na\nb\n");
  qv_table *back = csvt_read(text, NULL);
  CSVT_EXPECT_COLUMN(back, 0, "\xEF\xBB\xBF", "string", "[\"a\",\"b\"]");
  qv_csv_free(text);
  qv_table_release(back);
  qv_table_release(t);
}

static void test_write_path_atomic(void **state) {
  (void)state;
  char dir[] = "/tmp/qv_csv_write_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/out.csv", dir);
  const char *names[] = {"x"};
  qv_table *t = table_of(1, names, (qv_array *[]){I64(1, 2, 3)});
  qv_error e;
  assert_int_equal(qv_csv_write_table_path(path, t, NULL, &e), QV_OK);
  qv_table *back = NULL;
  assert_int_equal(qv_csv_read_path(path, NULL, &back, &e), QV_OK);
  CSVT_EXPECT_COLUMN(back, 0, "x", "int64", "[1,2,3]");
  qv_table_release(back);
  /* A failing write leaves the old file as it was. */
  const char *bn[] = {"bin"};
  qv_table *bad = table_of(1, bn, (qv_array *[]){hand_strings(qv_type_binary(), 1, (const char *const[]){"x"})});
  assert_int_equal(qv_csv_write_table_path(path, bad, NULL, &e), QV_ERR_NOT_IMPLEMENTED);
  assert_int_equal(qv_csv_read_path(path, NULL, &back, &e), QV_OK);
  assert_int_equal(back->n_rows, 3);
  qv_table_release(back);
  unlink(path);
  rmdir(dir);
  snprintf(path, sizeof path, "%s/no/such/dir/out.csv", dir);
  assert_int_equal(qv_csv_write_table_path(path, t, NULL, &e), QV_ERR_IO);
  qv_table_release(bad);
  qv_table_release(t);
}

static void test_types_without_text(void **state) {
  (void)state;
  const char *names[] = {"l"};
  qv_table *t = table_of(1, names, (qv_array *[]){hand_strings(qv_type_binary(), 1, (const char *const[]){"x"})});
  qv_error e;
  char *text = NULL;
  size_t size = 0;
  assert_int_equal(qv_csv_write_table_memory(t, NULL, &text, &size, &e), QV_ERR_NOT_IMPLEMENTED);
  assert_non_null(strstr(e.message, "column 'l': CSV has no text form"));
  assert_null(text);
  qv_table_release(t);
}

static void test_hostile_string_offsets(void **state) {
  (void)state;
  /* Offsets running past the data and backwards pass structural
   * validation; the writer must stop with column and row named. */
  const int32_t offs[] = {0, 2, 900, 1};
  qv_array *s = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, hand_buf(offs, 16), hand_buf("abcd", 4)), 0, NULL,
                           NULL);
  const char *names[] = {"s"};
  qv_table *t = table_of(1, names, (qv_array *[]){s});
  qv_error e;
  char *text = NULL;
  size_t size = 0;
  assert_int_equal(qv_csv_write_table_memory(t, NULL, &text, &size, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "column 's', row 1"));
  /* A buffer too short for the length fails structural validation first. */
  qv_array *i = hand_array(qv_type_int64(), 4, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 1)), 0, NULL, NULL);
  qv_table *t2 = NULL;
  qv_batch *batch = NULL;
  qv_field *f = hand_field("i", qv_type_int64());
  qv_schema *schema = NULL;
  hand_check(qv_schema_new(&f, 1, NULL, &schema, &e), &e, "schema");
  hand_check(qv_batch_new(schema, 4, &i, NULL, &batch, &e), &e, "batch");
  hand_check(qv_table_new(schema, &batch, 1, &t2, &e), &e, "table");
  assert_int_equal(qv_csv_write_table_memory(t2, NULL, &text, &size, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "batch 0"));
  qv_table_release(t2);
  qv_batch_release(batch);
  qv_schema_release(schema);
  qv_field_release(f);
  qv_array_release(i);
  qv_table_release(t);
}

/* Many pieces of rows formatted on several threads give the text one
 * thread gives, also when threads cannot be started; a hostile value far into a later batch is reported with its
 * table row whatever the threads. */
static void test_parallel_pieces_match_one_thread(void **state) {
  (void)state;
  enum { ROWS = 50000 };
  int64_t *iv = malloc(sizeof(int64_t) * ROWS);
  double *fv = malloc(sizeof(double) * ROWS);
  int32_t *offs = malloc(sizeof(int32_t) * (ROWS + 1));
  char *chars = malloc(ROWS * 3);
  assert_non_null(iv);
  assert_non_null(fv);
  assert_non_null(offs);
  assert_non_null(chars);
  offs[0] = 0;
  for (int k = 0; k < ROWS; k++) {
    iv[k] = (int64_t)k * 7919 - 1000000;
    fv[k] = k * 0.37 - 5000.0;
    const int len = k % 4; /* "", "a", "a,", "a,\"" : quoting at every step */
    memcpy(chars + offs[k], "a,\"", (size_t)len);
    offs[k + 1] = offs[k] + len;
  }
  qv_array *a = hand_array(qv_type_int64(), ROWS, 0, 0, 2, BUFS(NULL, hand_buf(iv, ROWS * 8)), 0, NULL, NULL);
  qv_array *b = hand_array(qv_type_float64(), ROWS, 0, 0, 2, BUFS(NULL, hand_buf(fv, ROWS * 8)), 0, NULL, NULL);
  qv_array *c = hand_array(qv_type_string(), ROWS, 0, 0, 3,
                           BUFS(NULL, hand_buf(offs, (ROWS + 1) * 4), hand_buf(chars, offs[ROWS])), 0, NULL, NULL);
  const char *names[] = {"i", "f", "s"};
  qv_table *one = table_of(3, names, (qv_array *[]){a, b, c});
  /* the same rows as three batches (slices) */
  qv_table *three = NULL;
  qv_table *parts[3];
  assert_int_equal(qv_table_slice(one, 0, 20000, &parts[0], NULL), QV_OK);
  assert_int_equal(qv_table_slice(one, 20000, 1, &parts[1], NULL), QV_OK);
  assert_int_equal(qv_table_slice(one, 20001, ROWS - 20001, &parts[2], NULL), QV_OK);
  assert_int_equal(qv_table_concat(parts, 3, &three, NULL), QV_OK);
  qv_csv_write_options o1 = QV_CSV_WRITE_OPTIONS_DEFAULT, o3 = QV_CSV_WRITE_OPTIONS_DEFAULT;
  o1.n_threads = 1;
  o3.n_threads = 3;
  char *want = write_text(one, &o1);
  char *got = write_text(three, &o3);
  assert_string_equal(got, want);
  free(got);
  got = write_text(one, &o3);
  assert_string_equal(got, want);
  free(got);
  /* threads that cannot be started: the caller alone, then the caller and
   * one thread, format every piece, in order */
  for (int limit = 0; limit <= 1; limit++) {
    qv__parallel_limit_thread_starts(limit);
    got = write_text(three, &o3);
    qv__parallel_limit_thread_starts(-1);
    assert_string_equal(got, want);
    free(got);
  }
  free(want);
  /* a hostile string near the end (offsets past the data): row 49998 of
   * the table, in its third batch */
  offs[ROWS - 1] = offs[ROWS] + 100;
  qv_array *bad_col = hand_array(qv_type_string(), ROWS, 0, 0, 3,
                                 BUFS(NULL, hand_buf(offs, (ROWS + 1) * 4), hand_buf(chars, offs[ROWS])), 0, NULL,
                                 NULL);
  const char *bad_names[] = {"s"};
  qv_table *bad_one = table_of(1, bad_names, (qv_array *[]){bad_col});
  qv_table *bad_parts[2], *bad = NULL;
  assert_int_equal(qv_table_slice(bad_one, 0, 20000, &bad_parts[0], NULL), QV_OK);
  assert_int_equal(qv_table_slice(bad_one, 20000, ROWS - 20000, &bad_parts[1], NULL), QV_OK);
  assert_int_equal(qv_table_concat(bad_parts, 2, &bad, NULL), QV_OK);
  qv_error e;
  char *text = NULL;
  size_t size = 0;
  assert_int_equal(qv_csv_write_table_memory(bad, &o3, &text, &size, &e), QV_ERR_INVALID_DATA);
  if (strstr(e.message, "column 's', row 49998") == NULL) fail_msg("%s", e.message);
  qv_table_release(bad_parts[0]);
  qv_table_release(bad_parts[1]);
  qv_table_release(bad);
  qv_table_release(bad_one);
  o3.n_threads = -1;
  assert_int_equal(qv_csv_write_table_memory(one, &o3, &text, &size, &e), QV_ERR_INVALID_ARGUMENT);
  for (int k = 0; k < 3; k++) qv_table_release(parts[k]);
  qv_table_release(three);
  qv_table_release(one);
  free(iv);
  free(fv);
  free(offs);
  free(chars);
}

/* null_string: the text every null is written as (a null in any column,
 * a null-type column, a lone null column), read back as null by a reader
 * given the same marker; texts that would break the row are refused. */
static void test_null_string(void **state) {
  (void)state;
  const uint8_t valid[] = {0x05};
  const int64_t iv[] = {1, 0, 3};
  qv_array *i = hand_array(qv_type_int64(), 3, 0, 1, 2, BUFS(hand_buf(valid, 1), hand_buf(iv, sizeof iv)), 0, NULL, NULL);
  qv_array *s = STRS("x", NULL, "");
  qv_array *nul = NULL;
  hand_check(qv_array_new_null(qv_type_null(), 3, &nul, NULL), NULL, "null");
  const char *names[] = {"i", "s", "n"};
  qv_table *t = table_of(3, names, (qv_array *[]){i, s, nul});
  qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
  o.null_string = "NA";
  for (int threads = 1; threads <= 2; threads++) {
    o.n_threads = threads;
    char *text = write_text(t, &o);
    assert_string_equal(text, "i,s,n\n1,x,NA\nNA,NA,NA\n3,\"\",NA\n");
    qv_csv_free(text);
  }
  o.n_threads = 0;
  o.null_string = NULL;
  char *plain = write_text(t, &o);
  assert_string_equal(plain, "i,s,n\n1,x,\n,,\n3,\"\",\n");
  qv_csv_free(plain);
  /* a lone column of nulls keeps its rows either way */
  qv_array *only = STRS(NULL, NULL);
  const char *one[] = {"s"};
  qv_table *t1 = table_of(1, one, (qv_array *[]){only});
  o.null_string = "-";
  char *text1 = write_text(t1, &o);
  assert_string_equal(text1, "s\n-\n-\n");
  qv_csv_free(text1);
  qv_table_release(t1);
  /* read back with the marker: the int column's null survives */
  o.null_string = "NA";
  char *text = write_text(t, &o);
  qv_csv_read_options ro = QV_CSV_READ_OPTIONS_DEFAULT;
  const char *nulls[] = {"NA"};
  ro.null_values = nulls;
  ro.n_null_values = 1;
  qv_table *back = csvt_read(text, &ro);
  CSVT_EXPECT_COLUMN(back, 0, "i", "int64", "[1,null,3]");
  qv_table_release(back);
  qv_csv_free(text);
  /* texts that would not read back as one field */
  const char *bad[] = {"a,b", "\"", "x\ny", "\r"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    o.null_string = bad[k];
    char *out = NULL;
    size_t size = 0;
    qv_error e;
    assert_int_equal(qv_csv_write_table_memory(t, &o, &out, &size, &e), QV_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(e.message, "null_string"));
    assert_null(out);
  }
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_single_column_nulls_keep_their_rows),
      cmocka_unit_test(test_leading_bom_in_a_name_survives),
      cmocka_unit_test(test_write_path_atomic),
      cmocka_unit_test(test_types_without_text),
      cmocka_unit_test(test_hostile_string_offsets),
      cmocka_unit_test(test_parallel_pieces_match_one_thread),
      cmocka_unit_test(test_null_string),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
