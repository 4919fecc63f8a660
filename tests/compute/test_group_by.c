/* Hash group-by: every aggregate on a small literal table with a null key
 * group and null values (the expected columns are pyarrow 26's answers
 * for the same input), two key columns, string keys, temporal min/max,
 * the table form with pyarrow's column names, and the error branches
 * (unsupported value types, mismatched lengths, unknown columns, hostile
 * key offsets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"
#include "quiver/concat.h"
#include "quiver/table.h"

static void expect_array(qv_array *got, qv_array *want) {
  qv_error why;
  assert_non_null(got);
  if (qv_array_diff(got, want, &why) != QV_OK) {
    fprintf(stderr, "arrays differ: %s\n", why.message);
    fail();
  }
  qv_array_release(want);
}

static void release_all(qv_array **a, int n) {
  for (int i = 0; i < n; i++) qv_array_release(a[i]);
}

/* k = [1, null, 1, 2, null], v = [1, 2, 3, 4, null] */
static void every_aggregate_like_pyarrow(void **state) {
  (void)state;
  qv_array *k = PRIM(qv_type_int64(), int64_t, "10110", 1, 0, 1, 2, 0);
  qv_array *v = PRIM(qv_type_int64(), int64_t, "11110", 1, 2, 3, 4, 0);
  qv_group_aggregate aggs[] = {
      {v, QV_GROUP_SUM, QV_COUNT_VALID},   {v, QV_GROUP_COUNT, QV_COUNT_VALID},
      {v, QV_GROUP_MEAN, QV_COUNT_VALID},  {v, QV_GROUP_MIN, QV_COUNT_VALID},
      {v, QV_GROUP_MAX, QV_COUNT_VALID},   {v, QV_GROUP_FIRST, QV_COUNT_VALID},
      {v, QV_GROUP_LAST, QV_COUNT_VALID},  {v, QV_GROUP_COUNT_DISTINCT, QV_COUNT_VALID},
      {NULL, QV_GROUP_COUNT_ALL, QV_COUNT_ALL}, {v, QV_GROUP_COUNT, QV_COUNT_NULL},
      {v, QV_GROUP_LIST, QV_COUNT_VALID},  {v, QV_GROUP_DISTINCT, QV_COUNT_VALID},
  };
  enum { NA = sizeof aggs / sizeof aggs[0] };
  qv_array *out[1 + NA];
  qv_error e;
  qv_status st = qv_compute_group_by(&k, 1, aggs, NA, out, &e);
  if (st != QV_OK) fprintf(stderr, "%s\n", e.message);
  assert_int_equal(st, QV_OK);
  expect_array(out[0], PRIM(qv_type_int64(), int64_t, "101", 1, 0, 2));
  expect_array(out[1], I64(4, 2, 4));
  expect_array(out[2], I64(2, 1, 1));
  expect_array(out[3], PRIM(qv_type_float64(), double, NULL, 2.0, 2.0, 4.0));
  expect_array(out[4], I64(1, 2, 4));
  expect_array(out[5], I64(3, 2, 4));
  expect_array(out[6], I64(1, 2, 4));
  expect_array(out[7], I64(3, 2, 4));
  expect_array(out[8], I64(2, 1, 1));
  expect_array(out[9], I64(2, 2, 1));
  expect_array(out[10], I64(0, 1, 0));
  /* list: [[1,3],[2,null],[4]]; distinct: [[1,3],[2],[4]] */
  assert_int_equal(out[11]->type->id, QV_TYPE_LIST);
  expect_array(out[11]->children[0], PRIM(qv_type_int64(), int64_t, "11101", 1, 3, 2, 0, 4));
  assert_memory_equal(qv_array_buffer_data(out[11], 1), ((int32_t[]){0, 2, 4, 5}), 16);
  expect_array(out[12]->children[0], I64(1, 3, 2, 4));
  assert_memory_equal(qv_array_buffer_data(out[12], 1), ((int32_t[]){0, 2, 3, 4}), 16);
  release_all(out, 1 + NA);
  qv_array_release(k);
  qv_array_release(v);
}

static void two_keys_strings_and_temporal(void **state) {
  (void)state;
  qv_array *a = STRS("x", "y", "x", NULL, "x");
  qv_array *b = PRIM(qv_type_bool(), uint8_t, NULL, 0, 0, 0, 0, 0);
  qv_array_release(b);
  b = bools("10111", "11101");  /* 1 0 1 null 1 */
  qv_type *ts = hand_ts(QV_UNIT_MILLI, "UTC");
  qv_array *t = prim(ts, (const int64_t[]){50, -7, 10, 3, 20}, 5, 8, NULL);
  qv_array *keys[2] = {a, b};
  qv_group_aggregate aggs[] = {{t, QV_GROUP_MIN, QV_COUNT_VALID}, {t, QV_GROUP_MAX, QV_COUNT_VALID}};
  qv_array *out[4];
  qv_error e;
  assert_int_equal(qv_compute_group_by(keys, 2, aggs, 2, out, &e), QV_OK);
  expect_array(out[0], STRS("x", "y", NULL));
  expect_array(out[1], bools("100", "110"));
  assert_true(qv_type_equals(out[2]->type, t->type, false));
  assert_memory_equal(qv_array_buffer_data(out[2], 1), ((int64_t[]){10, -7, 3}), 24);
  assert_memory_equal(qv_array_buffer_data(out[3], 1), ((int64_t[]){50, -7, 3}), 24);
  release_all(out, 4);
  qv_array_release(a);
  qv_array_release(b);
  qv_array_release(t);
}

static void floats_and_all_null_groups(void **state) {
  (void)state;
  qv_array *k = PRIM(qv_type_int32(), int32_t, NULL, 0, 0, 1, 1, 2);
  qv_array *v = PRIM(qv_type_float32(), float, "11101", NAN, 2.5f, NAN, 0, 1);
  qv_group_aggregate aggs[] = {{v, QV_GROUP_MIN, 0}, {v, QV_GROUP_SUM, 0}, {v, QV_GROUP_MEAN, 0}};
  qv_array *out[4];
  assert_int_equal(qv_compute_group_by(&k, 1, aggs, 3, out, NULL), QV_OK);
  const float *mn = qv_array_values_float32(out[1]);
  assert_true(mn[0] == 2.5f);        /* NaN skipped */
  assert_true(isnan(mn[1]));         /* only NaN: NaN */
  assert_true(mn[2] == 1.0f);
  const double *sum = qv_array_values_float64(out[2]), *mean = qv_array_values_float64(out[3]);
  assert_true(isnan(sum[0]) && isnan(sum[1]) && sum[2] == 1.0); /* NaN propagates through sum and mean */
  assert_true(isnan(mean[0]) && isnan(mean[1]) && mean[2] == 1.0);
  release_all(out, 4);
  qv_array_release(v);
  /* a group whose values are all null gives null */
  v = PRIM(qv_type_uint16(), uint16_t, "11000", 1, 2, 0, 0, 0);
  qv_group_aggregate sums[] = {{v, QV_GROUP_SUM, 0}, {v, QV_GROUP_MAX, 0}, {v, QV_GROUP_FIRST, 0}};
  assert_int_equal(qv_compute_group_by(&k, 1, sums, 3, out, NULL), QV_OK);
  expect_array(out[1], PRIM(qv_type_uint64(), uint64_t, "100", 3, 0, 0));
  expect_array(out[2], PRIM(qv_type_uint16(), uint16_t, "100", 2, 0, 0));
  expect_array(out[3], PRIM(qv_type_uint16(), uint16_t, "100", 1, 0, 0));
  release_all(out, 4);
  qv_array_release(v);
  qv_array_release(k);
}

static void table_names_like_pyarrow(void **state) {
  (void)state;
  qv_array *cols[2] = {STRS("a", "b", "a"), I64(1, 2, 3)};
  qv_table *t = NULL, *g = NULL;
  assert_int_equal(qv_table_from_arrays((const char *const[]){"k", "v"}, cols, 2, &t, NULL), QV_OK);
  qv_table_aggregate aggs[] = {{"v", QV_GROUP_SUM, 0}, {NULL, QV_GROUP_COUNT_ALL, 0}};
  qv_error e;
  assert_int_equal(qv_compute_group_by_table(t, (const char *const[]){"k"}, 1, aggs, 2, &g, &e), QV_OK);
  assert_int_equal(g->schema->n_fields, 3);
  assert_string_equal(g->schema->fields[0]->name, "k");
  assert_string_equal(g->schema->fields[1]->name, "v_sum");
  assert_string_equal(g->schema->fields[2]->name, "count_all");
  assert_int_equal(g->n_rows, 2);
  qv_table_release(g);
  qv_table_aggregate bad[] = {{"nope", QV_GROUP_SUM, 0}};
  assert_int_equal(qv_compute_group_by_table(t, (const char *const[]){"k"}, 1, bad, 1, &g, &e), QV_ERR_NOT_FOUND);
  assert_null(g);
  assert_int_equal(qv_compute_group_by_table(t, (const char *const[]){"zz"}, 1, aggs, 1, &g, &e), QV_ERR_NOT_FOUND);
  qv_table_aggregate nocol[] = {{NULL, QV_GROUP_SUM, 0}};
  assert_int_equal(qv_compute_group_by_table(t, (const char *const[]){"k"}, 1, nocol, 1, &g, &e),
                   QV_ERR_INVALID_ARGUMENT);
  qv_table_release(t);
  release_all(cols, 2);
}

static void errors(void **state) {
  (void)state;
  qv_array *k = I64(1, 2), *s = STRS("a", "b"), *short_v = I64(1), *out[3];
  qv_error e;
  qv_group_aggregate sum_str = {s, QV_GROUP_SUM, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &sum_str, 1, out, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "hash_sum"));
  assert_null(out[0]);
  qv_group_aggregate min_str = {s, QV_GROUP_MIN, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &min_str, 1, out, &e), QV_ERR_TYPE);
  qv_group_aggregate mean_str = {s, QV_GROUP_MEAN, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &mean_str, 1, out, &e), QV_ERR_TYPE);
  qv_group_aggregate shorter = {short_v, QV_GROUP_SUM, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &shorter, 1, out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_group_aggregate no_values = {NULL, QV_GROUP_SUM, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &no_values, 1, out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_group_aggregate bad_op = {k, (qv_group_op)42, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &bad_op, 1, out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_group_by(NULL, 1, NULL, 0, out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array *keys2[2] = {k, short_v};
  assert_int_equal(qv_compute_group_by(keys2, 2, NULL, 0, out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(qv_group_op_name(QV_GROUP_COUNT_DISTINCT), "count_distinct");
  assert_string_equal(qv_group_op_name((qv_group_op)99), "?");
  /* hostile key offsets */
  qv_array *h = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 3, 1), BUFV(char, 'a', 'b', 'c')),
                           0, NULL, NULL);
  expect_valid(h, QV_VALIDATE_STRUCTURE);
  assert_int_equal(qv_compute_group_by(&h, 1, NULL, 0, out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  /* hostile values under first/list: the gather checks them */
  qv_group_aggregate first_h = {h, QV_GROUP_LIST, 0};
  assert_int_equal(qv_compute_group_by(&k, 1, &first_h, 1, out, &e), QV_ERR_INVALID_DATA);
  qv_array_release(h);
  qv_array_release(k);
  qv_array_release(s);
  qv_array_release(short_v);
}

/* A null-type key of 2^62 rows (structurally valid: no buffers) under an
 * aggregate that needs one group id per row: the id array's size
 * overflows, which must be an error, not a short allocation written past. */
static void huge_null_key_rows_overflow(void **state) {
  (void)state;
  qv_array *k = NULL, *out[2] = {NULL, NULL};
  assert_int_equal(qv_array_new_null(qv_type_null(), (int64_t)1 << 62, &k, NULL), QV_OK);
  qv_group_aggregate first = {k, QV_GROUP_FIRST, QV_COUNT_VALID};
  qv_error e;
  qv_status st = qv_compute_group_by(&k, 1, &first, 1, out, &e);
  assert_true(st == QV_ERR_OVERFLOW || st == QV_ERR_NO_MEMORY);
  assert_null(out[0]);
  assert_null(out[1]);
  qv_array_release(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_aggregate_like_pyarrow),
      cmocka_unit_test(two_keys_strings_and_temporal),
      cmocka_unit_test(floats_and_all_null_groups),
      cmocka_unit_test(table_names_like_pyarrow),
      cmocka_unit_test(errors),
      cmocka_unit_test(huge_null_key_rows_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
