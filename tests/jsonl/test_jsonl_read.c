/* JSON Lines reader: inference as pyarrow.json.read_json does it (checked
 * against pyarrow 26 by hand, see tests/interop/test_jsonl.py for the
 * automatic comparison), nesting, explicit schemas and the unexpected-field
 * options. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "jsonl/jsonl_test_util.h"
#include "quiver/field.h"
#include "quiver/schema.h"

static void test_scalars_inferred(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"i\":1,\"f\":1.5,\"b\":true,\"s\":\"x\",\"n\":null}\n"
                        "{\"i\":-2,\"f\":2,\"b\":false,\"s\":\"\\u00e9\\ud83d\\ude00\",\"n\":null}\n",
                        NULL);
  assert_int_equal(t->n_rows, 2);
  JT_EXPECT_COLUMN(t, 0, "i", "int64", "[1,-2]");
  JT_EXPECT_COLUMN(t, 1, "f", "double", "[1.5,2]");
  JT_EXPECT_COLUMN(t, 2, "b", "bool", "[true,false]");
  JT_EXPECT_COLUMN(t, 3, "s", "string", "[\"x\",\"\xc3\xa9\xf0\x9f\x98\x80\"]");
  JT_EXPECT_COLUMN(t, 4, "n", "null", "[null,null]");
  qv_table_release(t);
}

static void test_unification(void **state) {
  (void)state;
  /* int then float -> float64; null then anything; a field missing from a
   * row is null; new fields are appended in order of first appearance. */
  qv_table *t = jt_read("{\"a\":1,\"b\":null}\n{\"a\":2.5,\"b\":\"x\"}\n{\"c\":[1,2]}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "a", "double", "[1,2.5,null]");
  JT_EXPECT_COLUMN(t, 1, "b", "string", "[null,\"x\",null]");
  JT_EXPECT_COLUMN(t, 2, "c", "list<item: int64>", "[null,null,[1,2]]");
  qv_table_release(t);
  /* Integers past int64 are floats, as in pyarrow. */
  t = jt_read("{\"a\":9223372036854775807}\n{\"a\":9223372036854775808}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "a", "double", "[9.223372036854776e+18,9.223372036854776e+18]");
  qv_table_release(t);
  t = jt_read("{\"a\":-9223372036854775808}\n{\"a\":-0}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "a", "int64", "[-9223372036854775808,0]");
  qv_table_release(t);
}

static void test_numbers(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"a\":0.1}\n{\"a\":1e3}\n{\"a\":-2.5E-3}\n{\"a\":100000000000000000000000}\n"
                        "{\"a\":1.7976931348623157e308}\n{\"a\":5e-324}\n{\"a\":NaN}\n{\"a\":-Infinity}\n",
                        NULL);
  JT_EXPECT_COLUMN(t, 0, "a", "double",
                   "[0.1,1000,-0.0025,1e+23,1.7976931348623157e+308,5e-324,nan,-inf]");
  qv_table_release(t);
}

/* Numbers of every digit count (the parser takes eight digits at a time
 * while 19 fit, then one at a time, and the fast exact paths to double
 * before strtod) read as strtod reads their text, bit for bit. */
static void test_numbers_of_every_length_read_as_strtod(void **state) {
  (void)state;
  enum { N = 3000 };
  static char texts[N][64];
  size_t cap = (size_t)N * 80, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  for (int k = 0; k < N; k++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    const int digits = 1 + k % 25, frac = (k / 25) % 22, exp = (int)((seed >> 40) % 80) - 40;
    char *t = texts[k];
    int len = 0;
    if (seed >> 63) t[len++] = '-';
    uint64_t r = seed;
    for (int d = 0; d < digits; d++, r = r * 6364136223846793005ULL + 1) t[len++] = (char)('0' + (d == 0 ? 1 + (r >> 60) % 9 : (r >> 59) % 10));
    if (frac > 0) {
      t[len++] = '.';
      for (int d = 0; d < frac; d++, r = r * 6364136223846793005ULL + 1) t[len++] = (char)('0' + (r >> 59) % 10);
    }
    if (k % 3 == 0) len += snprintf(t + len, 64 - (size_t)len, "e%d", exp);
    t[len] = '\0';
    n += (size_t)snprintf(text + n, cap - n, "{\"a\":%s}\n", t);
  }
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_jsonl_read_memory(text, n, NULL, &t, &err);
  tt_expect_read(st, t, &err);
  const qv_array *a = t->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_FLOAT64);
  const double *got = (const double *)(const void *)a->buffers[1]->data + a->offset;
  for (int k = 0; k < N; k++) {
    const double want = strtod(texts[k], NULL);
    if (memcmp(&got[k], &want, sizeof want) != 0) print_message("%s: got %.17g, want %.17g\n", texts[k], got[k], want);
    assert_memory_equal(&got[k], &want, sizeof want);
  }
  qv_table_release(t);
  /* Integers of every length up to int64's range stay int64, exact. */
  n = 0;
  static const char *ints[] = {"0", "7", "-12345678", "123456789", "1234567890123456", "-12345678901234567",
                               "9223372036854775807", "-9223372036854775808", "1000000000000000000"};
  const int n_ints = (int)(sizeof ints / sizeof ints[0]);
  for (int k = 0; k < n_ints; k++) n += (size_t)snprintf(text + n, cap - n, "{\"i\":%s}\n", ints[k]);
  st = qv_jsonl_read_memory(text, n, NULL, &t, &err);
  tt_expect_read(st, t, &err);
  a = t->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_INT64);
  const int64_t *vals = (const int64_t *)(const void *)a->buffers[1]->data + a->offset;
  for (int k = 0; k < n_ints; k++) assert_int_equal(vals[k], strtoll(ints[k], NULL, 10));
  qv_table_release(t);
  free(text);
}

/* Member names are matched raw against the one expected next, a word at a
 * time when short: names that are prefixes of each other, of 0 to 12
 * bytes, in order, out of order, escaped, and at the very end of the
 * input each land in their own column. */
static void test_member_names_matched_raw(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"\":0,\"a\":1,\"ab\":2,\"abcdefg\":3,\"abcdefgh\":4,\"abcdefghijkl\":5}\n"
                        "{\"\":10,\"a\":11,\"ab\":12,\"abcdefg\":13,\"abcdefgh\":14,\"abcdefghijkl\":15}\n"
                        "{\"abcdefghijkl\":25,\"abcdefgh\":24,\"abcdefg\":23,\"ab\":22,\"a\":21,\"\":20}\n"
                        "{\"a\\u0062\":32,\"abc\":36,\"a\":31}\n"
                        "{\"abcdefgh\":44,\"abcdefghi\":47,\"\":40}\n"
                        "{\"ab\":52}",
                        NULL);
  assert_int_equal(t->n_rows, 6);
  JT_EXPECT_COLUMN(t, 0, "", "int64", "[0,10,20,null,40,null]");
  JT_EXPECT_COLUMN(t, 1, "a", "int64", "[1,11,21,31,null,null]");
  JT_EXPECT_COLUMN(t, 2, "ab", "int64", "[2,12,22,32,null,52]");
  JT_EXPECT_COLUMN(t, 3, "abcdefg", "int64", "[3,13,23,null,null,null]");
  JT_EXPECT_COLUMN(t, 4, "abcdefgh", "int64", "[4,14,24,null,44,null]");
  JT_EXPECT_COLUMN(t, 5, "abcdefghijkl", "int64", "[5,15,25,null,null,null]");
  JT_EXPECT_COLUMN(t, 6, "abc", "int64", "[null,null,null,36,null,null]");
  JT_EXPECT_COLUMN(t, 7, "abcdefghi", "int64", "[null,null,null,null,47,null]");
  qv_table_release(t);
  /* a name with an escaped quote or a control character is never matched raw */
  t = jt_read("{\"q\\\"\":1,\"t\\t\":2}\n{\"q\\\"\":3,\"t\\t\":4}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "q\"", "int64", "[1,3]");
  JT_EXPECT_COLUMN(t, 1, "t\t", "int64", "[2,4]");
  qv_table_release(t);
}

static void test_timestamps_inferred(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"t\":\"2020-01-01\"}\n{\"t\":\"2020-01-02 10:00:00\"}\n{\"t\":null}\n"
                        "{\"t\":\"2020-01-01T10:00:00+01:00\"}\n{\"t\":\"2020-01-01T10:00Z\"}\n",
                        NULL);
  JT_EXPECT_COLUMN(t, 0, "t", "timestamp[s]",
                   "[2020-01-01 00:00:00,2020-01-02 10:00:00,null,2020-01-01 09:00:00,2020-01-01 10:00:00]");
  qv_table_release(t);
  /* A fraction, or any non-timestamp string, makes the column a string. */
  t = jt_read("{\"t\":\"2020-01-01\"}\n{\"t\":\"2020-01-01T10:00:00.123\"}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "t", "string", "[\"2020-01-01\",\"2020-01-01T10:00:00.123\"]");
  qv_table_release(t);
  t = jt_read("{\"t\":\"hello\"}\n{\"t\":\"2020-01-01\"}\n", NULL);
  JT_EXPECT_COLUMN(t, 0, "t", "string", "[\"hello\",\"2020-01-01\"]");
  qv_table_release(t);
}

static void test_nested(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"s\":{\"x\":1,\"l\":[[1],[]]},\"e\":[],\"o\":{}}\n"
                        "{\"s\":{\"y\":\"a\",\"l\":[[2.5,null],null]},\"e\":[null],\"o\":{}}\n"
                        "{\"s\":null}\n",
                        NULL);
  JT_EXPECT_COLUMN(t, 0, "s", "struct<x: int64, l: list<item: list<item: double>>, y: string>",
                   "[{x: 1, l: [[1],[]], y: null},{x: null, l: [[2.5,null],null], y: \"a\"},null]");
  JT_EXPECT_COLUMN(t, 1, "e", "list<item: null>", "[[],[null],null]");
  JT_EXPECT_COLUMN(t, 2, "o", "struct<>", "[{},{},null]");
  qv_table_release(t);
}

static void test_deep_nesting_within_limit(void **state) {
  (void)state;
  char text[1024];
  size_t n = 0;
  n += (size_t)snprintf(text + n, sizeof text - n, "{\"a\":");
  for (int k = 0; k < 60; k++) text[n++] = '[';
  text[n++] = '1';
  for (int k = 0; k < 60; k++) text[n++] = ']';
  text[n++] = '}';
  text[n] = '\0';
  qv_table *t = jt_read(text, NULL);
  assert_int_equal(t->n_rows, 1);
  qv_table_release(t);
  /* The deepest nesting accepted: 63 arrays inside the row object, a type
   * 63 levels deep that validation accepts (64 is its limit). */
  const int levels = QV_JSONL_MAX_DEPTH_LIMIT - 1;
  char *deep = malloc((size_t)levels * 2 + 16);
  assert_non_null(deep);
  n = 0;
  n += (size_t)sprintf(deep, "{\"a\":");
  for (int k = 0; k < levels; k++) deep[n++] = '[';
  for (int k = 0; k < levels; k++) deep[n++] = ']';
  deep[n++] = '}';
  deep[n] = '\0';
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_depth = QV_JSONL_MAX_DEPTH_LIMIT;
  t = jt_read(deep, &o);
  assert_int_equal(t->n_rows, 1);
  qv_table_release(t);
  free(deep);
}

static void test_whitespace_and_layout(void **state) {
  (void)state;
  /* CRLF, blank lines, spaces, two objects on a line, no final newline. */
  qv_table *t = jt_read("\r\n { \"a\" : 1 } \r\n\n\t{\"a\":2}{\"a\":3}", NULL);
  JT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,2,3]");
  qv_table_release(t);
}

static qv_schema *schema_of(qv_field **fields, int32_t n) {
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(fields, n, NULL, &s, NULL), QV_OK);
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return s;
}

static qv_field *field(const char *name, qv_type *type) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, true, NULL, &f, NULL), QV_OK);
  qv_type_release(type);
  return f;
}

static qv_type *ts_type(qv_time_unit unit, const char *tz) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_timestamp(unit, tz, &t, NULL), QV_OK);
  return t;
}

static void test_explicit_schema(void **state) {
  (void)state;
  qv_type *list16 = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_int16(), &list16, NULL), QV_OK);
  qv_field *fields[] = {field("a", qv_type_int32()), field("t", ts_type(QV_UNIT_MILLI, NULL)),
                        field("u", ts_type(QV_UNIT_SECOND, "UTC")), field("d", qv_type_date32()),
                        field("l", list16), field("f", qv_type_float32()), field("s", qv_type_large_string())};
  qv_schema *schema = schema_of(fields, 7);
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.schema = schema;
  const char *text = "{\"z\":3,\"a\":1,\"t\":\"2020-01-01T00:00:00.5\",\"u\":\"2020-01-01T01:00:00+01:00\","
                     "\"d\":\"2020-01-02\",\"l\":[1,-2],\"f\":1,\"s\":\"x\"}\n"
                     "{\"t\":1000,\"d\":3}\n";
  qv_table *t = jt_read(text, &o);
  JT_EXPECT_COLUMN(t, 0, "a", "int32", "[1,null]");
  JT_EXPECT_COLUMN(t, 1, "t", "timestamp[ms]", "[2020-01-01 00:00:00.500,1970-01-01 00:00:01.000]");
  JT_EXPECT_COLUMN(t, 2, "u", "timestamp[s, tz=UTC]", "[2020-01-01 00:00:00Z,null]");
  JT_EXPECT_COLUMN(t, 3, "d", "date32[day]", "[2020-01-02,1970-01-04]");
  JT_EXPECT_COLUMN(t, 4, "l", "list<item: int16>", "[[1,-2],null]");
  JT_EXPECT_COLUMN(t, 5, "f", "float", "[1,null]");
  JT_EXPECT_COLUMN(t, 6, "s", "large_string", "[\"x\",null]");
  JT_EXPECT_COLUMN(t, 7, "z", "int64", "[3,null]"); /* inferred, appended (the default) */
  qv_table_release(t);
  o.unexpected_fields = QV_JSONL_UNEXPECTED_IGNORE;
  t = jt_read(text, &o);
  assert_int_equal(t->schema->n_fields, 7);
  assert_true(qv_schema_equals(t->schema, schema, false));
  qv_table_release(t);
  o.unexpected_fields = QV_JSONL_UNEXPECTED_ERROR;
  jt_expect_error(text, strlen(text), &o, QV_ERR_INVALID_DATA,
                  "JSONL line 1, column 2 (/z): unexpected field (not in the schema");
  /* Empty input with a schema: an empty table of that schema. */
  t = jt_read("", &o);
  assert_int_equal(t->n_rows, 0);
  assert_int_equal(t->schema->n_fields, 7);
  qv_table_release(t);
  qv_schema_release(schema);
}

static void test_explicit_nested_struct(void **state) {
  (void)state;
  qv_field *inner[] = {field("p", qv_type_int64())};
  qv_type *st = NULL;
  assert_int_equal(qv_type_struct(inner, 1, &st, NULL), QV_OK);
  qv_field_release(inner[0]);
  qv_field *fields[] = {field("x", st)};
  qv_schema *schema = schema_of(fields, 1);
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.schema = schema;
  const char *text = "{\"x\":{\"p\":1,\"q\":\"new\"}}\n";
  qv_table *t = jt_read(text, &o);
  JT_EXPECT_COLUMN(t, 0, "x", "struct<p: int64, q: string>", "[{p: 1, q: \"new\"}]");
  qv_table_release(t);
  o.unexpected_fields = QV_JSONL_UNEXPECTED_IGNORE;
  t = jt_read(text, &o);
  JT_EXPECT_COLUMN(t, 0, "x", "struct<p: int64>", "[{p: 1}]");
  qv_table_release(t);
  o.unexpected_fields = QV_JSONL_UNEXPECTED_ERROR;
  jt_expect_error(text, strlen(text), &o, QV_ERR_INVALID_DATA, "JSONL line 1, column 13 (/x/q): unexpected field");
  qv_schema_release(schema);
}

static void test_schema_type_without_json_reading(void **state) {
  (void)state;
  qv_type *dec = NULL;
  assert_int_equal(qv_type_decimal(128, 10, 2, &dec, NULL), QV_OK);
  qv_field *fields[] = {field("d", dec)};
  qv_schema *schema = schema_of(fields, 1);
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.schema = schema;
  jt_expect_error("{\"d\":1}\n", 8, &o, QV_ERR_NOT_IMPLEMENTED, "JSONL schema field 'd': type decimal128");
  qv_schema_release(schema);
}

static void test_read_path_and_fd(void **state) {
  (void)state;
  char path[] = "/tmp/qv_jsonl_test_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char text[] = "{\"a\":1}\n{\"a\":2}\n";
  assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
  qv_table *t = NULL;
  qv_error err;
  assert_int_equal(qv_jsonl_read_path(path, NULL, &t, &err), QV_OK);
  JT_EXPECT_COLUMN(t, 0, "a", "int64", "[1,2]");
  qv_table_release(t);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  assert_int_equal(qv_jsonl_read_fd(fd, NULL, &t, &err), QV_OK);
  assert_int_equal(t->n_rows, 2);
  qv_table_release(t);
  /* The line cap is checked as bytes arrive from the fd. */
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_line_length = 4;
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  assert_int_equal(qv_jsonl_read_fd(fd, &o, &t, &err), QV_ERR_LIMIT);
  assert_non_null(strstr(err.message, "JSONL line 1, column 1: the line is longer than 4 bytes"));
  o.max_line_length = 0;
  o.max_input_size = 10;
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  assert_int_equal(qv_jsonl_read_fd(fd, &o, &t, &err), QV_ERR_LIMIT);
  assert_non_null(strstr(err.message, "max_input_size"));
  close(fd);
  unlink(path);
  assert_int_equal(qv_jsonl_read_path(path, NULL, &t, &err), QV_ERR_IO);
  assert_non_null(strstr(err.message, path));
  assert_int_equal(qv_jsonl_read_fd(-1, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_jsonl_read_path(NULL, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_jsonl_read_memory(NULL, 1, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars_inferred),
      cmocka_unit_test(test_unification),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_member_names_matched_raw),
      cmocka_unit_test(test_numbers_of_every_length_read_as_strtod),
      cmocka_unit_test(test_timestamps_inferred),
      cmocka_unit_test(test_nested),
      cmocka_unit_test(test_deep_nesting_within_limit),
      cmocka_unit_test(test_whitespace_and_layout),
      cmocka_unit_test(test_explicit_schema),
      cmocka_unit_test(test_explicit_nested_struct),
      cmocka_unit_test(test_schema_type_without_json_reading),
      cmocka_unit_test(test_read_path_and_fd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
