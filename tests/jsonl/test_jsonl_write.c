/* JSON Lines writer: the exact text for every type with a JSON form (what
 * pyarrow, polars and duckdb read back is checked in
 * tests/interop/test_jsonl.py), read-back equality, refusal of types
 * without a text form, hostile arrays (an error naming column and row,
 * never a read outside a buffer) and the atomic path writer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <unistd.h>

#include "jsonl/jsonl_test_util.h"
#include "quiver/compare.h"
#include "quiver/table.h"
#include "support/hand.h"

static char *write_text(const qv_table *t) {
  char *text = NULL;
  size_t size = 0;
  qv_error e;
  qv_status st = qv_jsonl_write_table_memory(t, &text, &size, &e);
  if (st != QV_OK) print_message("write failed: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(strlen(text), size);
  return text;
}

static void test_round_trip_inferred_types(void **state) {
  (void)state;
  const char *text = "{\"i\":1,\"f\":1.5,\"b\":true,\"s\":\"q\\\"\\\\\\n\\u0001\xc3\xa9\",\"t\":\"2020-01-02 03:04:05\","
                     "\"l\":[[1],[]],\"o\":{\"x\":null,\"y\":\"z\"},\"n\":null}\n"
                     "{\"i\":null,\"f\":-0.25,\"b\":null,\"s\":\"\",\"t\":null,\"l\":null,\"o\":null,\"n\":null}\n";
  qv_table *t = jt_read(text, NULL);
  char *out = write_text(t);
  assert_string_equal(out, text);
  qv_table *back = jt_read(out, NULL);
  assert_true(qv_table_equals(t, back));
  qv_table_release(back);
  qv_jsonl_free(out);
  qv_table_release(t);
}

static qv_table *table_of(int32_t n, const char *const *names, qv_array **arrays) {
  qv_table *t = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, arrays, n, &t, &e), &e, "table");
  for (int32_t i = 0; i < n; i++) qv_array_release(arrays[i]);
  return t;
}

static void test_other_types(void **state) {
  (void)state;
  const double f[] = {0.1, NAN, INFINITY};
  qv_array *floats = hand_array(qv_type_float64(), 3, 0, 0, 2, BUFS(NULL, hand_buf(f, sizeof f)), 0, NULL, NULL);
  const int64_t us[] = {1500000, 0, -1};
  qv_array *tz = hand_array(hand_ts(QV_UNIT_MICRO, "UTC"), 3, 0, 0, 2, BUFS(NULL, hand_buf(us, sizeof us)), 0, NULL, NULL);
  const int32_t days[] = {0, 18262, -1};
  qv_array *dates = hand_array(qv_type_date32(), 3, 0, 0, 2, BUFS(NULL, hand_buf(days, sizeof days)), 0, NULL, NULL);
  const uint64_t big[] = {UINT64_MAX, 0, 7};
  qv_array *u = hand_array(qv_type_uint64(), 3, 0, 0, 2, BUFS(NULL, hand_buf(big, sizeof big)), 0, NULL, NULL);
  const int8_t idx[] = {1, 0, 1};
  qv_array *dict_values = hand_strings(qv_type_string(), 2, (const char *const[]){"lo", "hi"});
  qv_array *dict = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 0, 2,
                              BUFS(NULL, hand_buf(idx, sizeof idx)), 0, NULL, dict_values);
  const char *names[] = {"f", "tz", "d", "u", "dict"};
  qv_table *t = table_of(5, names, (qv_array *[]){floats, tz, dates, u, dict});
  char *out = write_text(t);
  assert_string_equal(out,
                      "{\"f\":0.1,\"tz\":\"1970-01-01 00:00:01.500000Z\",\"d\":\"1970-01-01\",\"u\":18446744073709551615,"
                      "\"dict\":\"hi\"}\n"
                      "{\"f\":null,\"tz\":\"1970-01-01 00:00:00.000000Z\",\"d\":\"2020-01-01\",\"u\":0,\"dict\":\"lo\"}\n"
                      "{\"f\":null,\"tz\":\"1969-12-31 23:59:59.999999Z\",\"d\":\"1969-12-31\",\"u\":7,\"dict\":\"hi\"}\n");
  qv_jsonl_free(out);
  qv_table_release(t);
}

static void test_types_without_text(void **state) {
  (void)state;
  const char *names[] = {"bin"};
  qv_table *t = table_of(1, names, (qv_array *[]){hand_strings(qv_type_binary(), 1, (const char *const[]){"x"})});
  char *text = NULL;
  size_t size = 0;
  qv_error e;
  assert_int_equal(qv_jsonl_write_table_memory(t, &text, &size, &e), QV_ERR_NOT_IMPLEMENTED);
  assert_non_null(strstr(e.message, "column 'bin': JSON Lines has no text form"));
  assert_null(text);
  assert_int_equal(qv_jsonl_write_table_memory(NULL, &text, &size, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_jsonl_write_table_path(NULL, t, &e), QV_ERR_INVALID_ARGUMENT);
  qv_table_release(t);
}

static void test_hostile_offsets(void **state) {
  (void)state;
  /* Offsets past the data and backwards pass structural validation; the
   * writer must stop with column and row named. */
  const int32_t offs[] = {0, 2, 900, 1};
  qv_array *s = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, hand_buf(offs, 16), hand_buf("abcd", 4)), 0, NULL,
                           NULL);
  const int32_t loffs[] = {0, 2, 1}; /* backwards */
  qv_array *child = hand_array(qv_type_int64(), 2, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 1, 2)), 0, NULL, NULL);
  qv_array *l = hand_array(hand_list(QV_TYPE_LIST, qv_type_int64()), 2, 0, 0, 2, BUFS(NULL, hand_buf(loffs, 12)), 1,
                           (qv_array *[]){child}, NULL);
  const char *names[] = {"s"};
  qv_table *t = table_of(1, names, (qv_array *[]){s});
  qv_error e;
  char *text = NULL;
  size_t size = 0;
  assert_int_equal(qv_jsonl_write_table_memory(t, &text, &size, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "column 's', row 1"));
  qv_table_release(t);
  const char *lnames[] = {"l"};
  t = table_of(1, lnames, (qv_array *[]){l});
  assert_int_equal(qv_jsonl_write_table_memory(t, &text, &size, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "column 'l', row 1"));
  qv_table_release(t);
}

static void test_write_path(void **state) {
  (void)state;
  qv_table *t = jt_read("{\"a\":1}\n{\"a\":2}\n", NULL);
  char dir[] = "/tmp/qv_jsonl_write_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/out.jsonl", dir);
  qv_error e;
  assert_int_equal(qv_jsonl_write_table_path(path, t, &e), QV_OK);
  qv_table *back = NULL;
  assert_int_equal(qv_jsonl_read_path(path, NULL, &back, &e), QV_OK);
  assert_true(qv_table_equals(t, back));
  qv_table_release(back);
  unlink(path);
  /* A directory that does not exist: IO error, nothing written. */
  snprintf(path, sizeof path, "%s/missing/out.jsonl", dir);
  assert_int_equal(qv_jsonl_write_table_path(path, t, &e), QV_ERR_IO);
  rmdir(dir);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_inferred_types),
      cmocka_unit_test(test_other_types),
      cmocka_unit_test(test_types_without_text),
      cmocka_unit_test(test_hostile_offsets),
      cmocka_unit_test(test_write_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
