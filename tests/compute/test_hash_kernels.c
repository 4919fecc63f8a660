/* unique, value_counts, count_distinct, is_in, index_in: literal expected
 * arrays for ints (sliced, with nulls), floats (NaN one value, 0.0 and -0.0
 * two), strings, bool, the null type, a table big enough to make the hash
 * table grow; errors: NULL arguments, unhashable types, mismatched value
 * set types, and hostile offsets that pass structural validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

#include "compute/compute_test_util.h"
#include "quiver/builder.h"
#include "quiver/compare.h"
#include "quiver/compute.h"

static void expect_array(qv_array *got, qv_array *want) {
  qv_error why;
  assert_non_null(got);
  if (qv_array_diff(got, want, &why) != QV_OK) {
    fprintf(stderr, "arrays differ: %s\n", why.message);
    fail();
  }
  qv_array_release(got);
  qv_array_release(want);
}

static qv_array *unique(qv_array *v) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_unique(v, &out, &e);
  if (st != QV_OK) fprintf(stderr, "unique: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  return out;
}

static void unique_ints_sliced_with_nulls(void **state) {
  (void)state;
  /* sliced to: 5 null 3 5 null 7 3 */
  qv_array *v = slice_of(PRIM(qv_type_int64(), int64_t, "1101101101", 9, 5, 0, 3, 5, 0, 7, 3, 0, 1), 1, 7);
  expect_array(unique(v), PRIM(qv_type_int64(), int64_t, "1011", 5, 0, 3, 7));
  int64_t n = -1;
  assert_int_equal(qv_compute_count_distinct(v, QV_COUNT_VALID, &n, NULL), QV_OK);
  assert_int_equal(n, 3);
  assert_int_equal(qv_compute_count_distinct(v, QV_COUNT_NULL, &n, NULL), QV_OK);
  assert_int_equal(n, 1);
  assert_int_equal(qv_compute_count_distinct(v, QV_COUNT_ALL, &n, NULL), QV_OK);
  assert_int_equal(n, 4);
  assert_int_equal(qv_compute_count_distinct(v, (qv_count_mode)9, &n, NULL), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(v);

  /* int8 keys take the by-value path with a width below 8 */
  v = PRIM(qv_type_int8(), int8_t, NULL, -1, 2, -1, 2, 0);
  expect_array(unique(v), PRIM(qv_type_int8(), int8_t, NULL, -1, 2, 0));
  qv_array_release(v);
}

static void unique_floats_nan_and_signed_zero(void **state) {
  (void)state;
  qv_array *v = PRIM(qv_type_float64(), double, "111111", 0.0, -0.0, NAN, -NAN, 0.0, 1.5);
  qv_array *u = unique(v);
  assert_int_equal(u->length, 4);
  const double *d = qv_array_values_float64(u);
  assert_true(d[0] == 0.0 && !signbit(d[0]));
  assert_true(d[1] == 0.0 && signbit(d[1]));
  assert_true(isnan(d[2]));
  assert_true(d[3] == 1.5);
  qv_array_release(u);
  qv_array_release(v);
  v = PRIM(qv_type_float32(), float, "101", NAN, 0, NAN);
  u = unique(v); /* NaN, null (compared by hand: NaN != NaN in a diff) */
  assert_int_equal(u->length, 2);
  assert_true(isnan(qv_array_values_float32(u)[0]));
  assert_true(qv_array_is_valid(u, 0) && !qv_array_is_valid(u, 1));
  qv_array_release(u);
  qv_array_release(v);
}

static void unique_strings_bool_null_type(void **state) {
  (void)state;
  qv_array *v = STRS("b", "a", NULL, "b", "", NULL, "a");
  expect_array(unique(v), STRS("b", "a", NULL, ""));
  qv_array_release(v);
  /* every length class of the short-key hash: 1-3, 4-7, 8-16, over 16 */
  v = STRS("abcdefghijklmnopqrstu", "ab", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstv", "a", "ab", "abcdef",
           "abcdeg", "abcdefghij", "abcdefghik", "abcdefghij", "");
  expect_array(unique(v), STRS("abcdefghijklmnopqrstu", "ab", "abcdefghijklmnopqrstv", "a", "abcdef", "abcdeg",
                               "abcdefghij", "abcdefghik", ""));
  qv_array *set = STRS("abcdefghik", "abcdefghijklmnopqrstv", "zz"), *in = NULL;
  assert_int_equal(qv_compute_is_in(v, set, false, &in, NULL), QV_OK);
  expect_array(in, bools("000100000100", NULL));
  qv_array_release(set);
  qv_array_release(v);
  v = bools("1010", "1101");
  expect_array(unique(v), bools("100", "110"));
  qv_array_release(v);
  qv_array *nulls = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 3, &nulls, NULL), QV_OK);
  qv_array *u = unique(nulls);
  assert_int_equal(u->length, 1);
  assert_int_equal(u->type->id, QV_TYPE_NULL);
  qv_array_release(u);
  qv_array_release(nulls);
}

/* Many distinct keys: the table grows several times and keeps every group. */
static void unique_grows_the_table(void **state) {
  (void)state;
  enum { N = 5000 };
  int64_t vals[N];
  for (int i = 0; i < N; i++) vals[i] = (int64_t)(i % 1700) * 7919;
  qv_array *v = prim(qv_type_int64(), vals, N, 8, NULL);
  qv_array *u = unique(v);
  assert_int_equal(u->length, 1700);
  for (int i = 0; i < 1700; i++) assert_int_equal(qv_array_values_int64(u)[i], (int64_t)i * 7919);
  qv_array_release(u);
  qv_array_release(v);
  /* the same through the hashed path (strings) */
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int i = 0; i < N; i++) {
    char s[16];
    int len = snprintf(s, sizeof s, "k%d", i % 1300);
    assert_int_equal(qv_builder_append_string(b, s, len), QV_OK);
  }
  qv_array *sv = NULL;
  assert_int_equal(qv_builder_finish(b, &sv, NULL), QV_OK);
  qv_builder_free(b);
  int64_t n = 0;
  assert_int_equal(qv_compute_count_distinct(sv, QV_COUNT_ALL, &n, NULL), QV_OK);
  assert_int_equal(n, 1300);
  qv_array_release(sv);
}

static void value_counts_struct(void **state) {
  (void)state;
  qv_array *v = PRIM(qv_type_int32(), int32_t, "10110", 1, 0, 1, 2, 0);
  qv_array *out = NULL;
  assert_int_equal(qv_compute_value_counts(v, &out, NULL), QV_OK);
  assert_int_equal(out->type->id, QV_TYPE_STRUCT);
  assert_int_equal(out->length, 3);
  expect_array(qv_array_retain(out->children[0]), PRIM(qv_type_int32(), int32_t, "101", 1, 0, 2));
  expect_array(qv_array_retain(out->children[1]), I64(2, 2, 1));
  qv_array_release(out);
  qv_array_release(v);
}

static void is_in_and_index_in(void **state) {
  (void)state;
  qv_array *v = PRIM(qv_type_int64(), int64_t, "1011", 1, 0, 3, 4);
  qv_array *set = PRIM(qv_type_int64(), int64_t, "101", 3, 0, 1);
  qv_array *out = NULL;
  assert_int_equal(qv_compute_is_in(v, set, false, &out, NULL), QV_OK);
  expect_array(out, bools("1110", NULL));
  assert_int_equal(qv_compute_is_in(v, set, true, &out, NULL), QV_OK);
  expect_array(out, bools("1010", NULL));
  assert_int_equal(qv_compute_index_in(v, set, false, &out, NULL), QV_OK);
  expect_array(out, PRIM(qv_type_int32(), int32_t, "1110", 2, 1, 0, 0));
  assert_int_equal(qv_compute_index_in(v, set, true, &out, NULL), QV_OK);
  expect_array(out, PRIM(qv_type_int32(), int32_t, "1010", 2, 0, 0, 0));
  qv_array_release(set);

  /* strings through the hashed path */
  qv_array *s = STRS("x", NULL, "yy", "x"), *sset = STRS("yy", "x", "yy");
  assert_int_equal(qv_compute_index_in(s, sset, false, &out, NULL), QV_OK);
  expect_array(out, PRIM(qv_type_int32(), int32_t, "1011", 1, 0, 0, 1));

  /* a value set of another type is a type error naming both */
  qv_error e;
  assert_int_equal(qv_compute_is_in(v, sset, false, &out, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "string"));
  assert_null(out);
  assert_int_equal(qv_compute_is_in(NULL, sset, false, &out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(s);
  qv_array_release(sset);
  qv_array_release(v);
}

static void errors_unhashable_and_null_args(void **state) {
  (void)state;
  qv_error e;
  qv_array *out = NULL;
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1)), 1,
                              KIDS(I32(5)), NULL);
  assert_int_equal(qv_compute_unique(list, &out, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "unique"));
  assert_non_null(strstr(e.message, "list"));
  assert_null(out);
  assert_int_equal(qv_compute_value_counts(list, &out, &e), QV_ERR_TYPE);
  qv_array_release(list);
  assert_int_equal(qv_compute_unique(NULL, &out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_value_counts(NULL, &out, &e), QV_ERR_INVALID_ARGUMENT);
  int64_t n;
  assert_int_equal(qv_compute_count_distinct(NULL, QV_COUNT_ALL, &n, &e), QV_ERR_INVALID_ARGUMENT);
}

/* Offsets going backwards pass structural validation: an error naming the
 * row, never a read outside the data. */
static void hostile_offsets_backwards(void **state) {
  (void)state;
  qv_array *v = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), BUFV(char, 'a', 'b', 'c')),
                           0, NULL, NULL);
  expect_valid(v, QV_VALIDATE_STRUCTURE);
  qv_array *out = NULL, *set = STRS("ab");
  qv_error e;
  assert_int_equal(qv_compute_unique(v, &out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  assert_int_equal(qv_compute_is_in(v, set, false, &out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  assert_int_equal(qv_compute_is_in(set, v, false, &out, &e), QV_ERR_INVALID_DATA);
  int64_t n;
  assert_int_equal(qv_compute_count_distinct(v, QV_COUNT_ALL, &n, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_array_release(set);
  qv_array_release(v);
  /* offsets past the end of the data */
  v = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 9), BUFV(char, 'a', 'b')), 0, NULL, NULL);
  assert_int_equal(qv_compute_value_counts(v, &out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  qv_array_release(v);
}

/* One-string-key tables compare keys of up to 16 bytes as two zero-padded
 * words, loaded two ways: 16 bytes at once where the data buffer has them,
 * byte by byte near its end. Keys of every length class (0, 1, 8, 9, 16,
 * 17 bytes; "ab" beside "ab\0", whose words are equal) appear both at the
 * start of an exact-size buffer and at its end, and must meet as one key. */
static void short_keys_near_the_data_end(void **state) {
  (void)state;
  static const char *const keys[] = {"", "a", "ab", "ab\0", "abcdefgh", "abcdefghi", "abcdefghijklmnop",
                                     "abcdefghijklmnopq"};
  static const int lens[] = {0, 1, 2, 3, 8, 9, 16, 17};
  enum { K = 8, ROWS = 2 * K };
  int32_t offs[ROWS + 1];
  uint8_t data[256];
  offs[0] = 0;
  for (int r = 0; r < ROWS; r++) { /* keys 0..7 then 7..0: each near the start and near the end */
    int k = r < K ? r : ROWS - 1 - r;
    memcpy(data + offs[r], keys[k], (size_t)lens[k]);
    offs[r + 1] = offs[r] + lens[k];
  }
  qv_array *a = hand_array(qv_type_binary(), ROWS, 0, 0, 3,
                           BUFS(NULL, exact_buf(offs, sizeof offs), exact_buf(data, offs[ROWS])), 0, NULL, NULL);
  int64_t n = 0;
  assert_int_equal(qv_compute_count_distinct(a, QV_COUNT_VALID, &n, NULL), QV_OK);
  assert_int_equal(n, K);
  /* every row is in the set of the first K rows, at the index of its key */
  qv_array *first = NULL, *where = NULL;
  assert_int_equal(qv_array_slice(a, 0, K, &first, NULL), QV_OK);
  assert_int_equal(qv_compute_index_in(a, first, false, &where, NULL), QV_OK);
  for (int r = 0; r < ROWS; r++) assert_int_equal(qv_array_values_int32(where)[r], r < K ? r : ROWS - 1 - r);
  qv_array_release(where);
  qv_array_release(first);
  qv_array_release(a);
}

/* fixed_size_binary(0): every valid slot is the empty value, and its values
 * buffer may be absent (a NULL data pointer). The key loop read 0 bytes
 * from NULL (memcpy's source must not be NULL: UB, found by the fuzz
 * consumer's kernels under UBSan). */
static void unique_fixed_size_binary_width_zero_without_buffer(void **state) {
  (void)state;
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_fixed_size_binary(0, &t, &e), &e, "fixed_size_binary(0)");
  qv_array *v = hand_array(qv_type_retain(t), 4, 0, 1, 2, BUFS(bits_from("1101", 4), NULL), 0, NULL, NULL);
  expect_valid(v, QV_VALIDATE_FULL);
  qv_array *u = unique(v);
  assert_int_equal(u->length, 2); /* the empty value, then the null */
  assert_int_equal(qv_array_null_count(u), 1);
  qv_array_release(u);
  qv_array *counts = NULL;
  assert_int_equal(qv_compute_value_counts(v, &counts, &e), QV_OK);
  assert_int_equal(counts->length, 2);
  qv_array_release(counts);
  int64_t n = -1;
  assert_int_equal(qv_compute_count_distinct(v, QV_COUNT_ALL, &n, &e), QV_OK);
  assert_int_equal(n, 2);
  qv_array_release(v);
  qv_type_release(t);
}

/* A string array whose values are all empty may have no data buffer (a
 * NULL data pointer): the one-string-key loop computed the data's end as
 * NULL + 0 and pointed keys at NULL + offset (UB, found by the ipc_stream
 * fuzz target through the fuzz consumer's kernels under clang's UBSan). */
static void unique_strings_without_data_buffer(void **state) {
  (void)state;
  qv_array *v = hand_array(qv_type_string(), 3, 0, 1, 3, BUFS(bits_from("101", 3), BUFV(int32_t, 0, 0, 0, 0), NULL), 0,
                           NULL, NULL);
  expect_valid(v, QV_VALIDATE_FULL);
  assert_null(qv_array_buffer_data(v, 2));
  expect_array(unique(v), hand_array(qv_type_string(), 2, 0, 1, 3, BUFS(bits_from("10", 2), BUFV(int32_t, 0, 0, 0), NULL),
                                     0, NULL, NULL));
  qv_array *counts = NULL;
  qv_error e;
  assert_int_equal(qv_compute_value_counts(v, &counts, &e), QV_OK);
  assert_int_equal(counts->length, 2);
  qv_array_release(counts);
  qv_array_release(v);
}

/* value_counts of a null-type array of 2^62 rows (no buffers): the per-row
 * group ids' size overflows: an error, not a short allocation. */
static void huge_null_array_overflows(void **state) {
  (void)state;
  qv_array *a = NULL, *out = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), (int64_t)1 << 62, &a, NULL), QV_OK);
  qv_error e;
  qv_status st = qv_compute_value_counts(a, &out, &e);
  assert_true(st == QV_ERR_OVERFLOW || st == QV_ERR_NO_MEMORY);
  assert_null(out);
  qv_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(huge_null_array_overflows),
      cmocka_unit_test(unique_ints_sliced_with_nulls),
      cmocka_unit_test(unique_floats_nan_and_signed_zero),
      cmocka_unit_test(unique_strings_bool_null_type),
      cmocka_unit_test(unique_grows_the_table),
      cmocka_unit_test(value_counts_struct),
      cmocka_unit_test(is_in_and_index_in),
      cmocka_unit_test(errors_unhashable_and_null_args),
      cmocka_unit_test(hostile_offsets_backwards),
      cmocka_unit_test(short_keys_near_the_data_end),
      cmocka_unit_test(unique_fixed_size_binary_width_zero_without_buffer),
      cmocka_unit_test(unique_strings_without_data_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
