/* Multi-key sort_indices, select_k, rank, table sort, and the moments /
 * first / last aggregations: literal answers checked against pyarrow 26
 * (the NaN and null placement cases included), and the error branches
 * (unsortable types, mismatched lengths, bad options, hostile offsets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>

#include "compute/compute_test_util.h"
#include "quiver/builder.h"
#include "quiver/compute.h"
#include "quiver/chunked.h"
#include "quiver/table.h"

static void expect_u64(qv_array *got, const uint64_t *want, int64_t n) {
  assert_non_null(got);
  assert_int_equal(got->length, n);
  assert_int_equal(got->type->id, QV_TYPE_UINT64);
  for (int64_t i = 0; i < n; i++) {
    if (qv_array_values_uint64(got)[i] != want[i]) {
      fprintf(stderr, "row %lld: got %llu want %llu\n", (long long)i,
              (unsigned long long)qv_array_values_uint64(got)[i], (unsigned long long)want[i]);
      fail();
    }
  }
  qv_array_release(got);
}
#define EXPECT_U64(got, ...) \
  expect_u64(got, (const uint64_t[]){__VA_ARGS__}, (int64_t)(sizeof((const uint64_t[]){__VA_ARGS__}) / 8))

/* pyarrow: sort_indices(table a=[1.0, nan, null, 1.0], b=[2,1,1,1],
 * [("a","descending"),("b","ascending")], at_start) == [2, 1, 3, 0] */
static void two_keys_nan_and_null_placement(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_float64(), double, "1101", 1.0, NAN, 0, 1.0);
  qv_array *b = I64(2, 1, 1, 1);
  qv_sort_key keys[2] = {{a, QV_SORT_DESCENDING, QV_NULLS_AT_START}, {b, QV_SORT_ASCENDING, QV_NULLS_AT_START}};
  qv_array *out = NULL;
  assert_int_equal(qv_compute_sort_indices_multi(keys, 2, &out, NULL), QV_OK);
  EXPECT_U64(out, 2, 1, 3, 0);
  keys[0].nulls = QV_NULLS_AT_END;
  assert_int_equal(qv_compute_sort_indices_multi(keys, 2, &out, NULL), QV_OK);
  EXPECT_U64(out, 3, 0, 1, 2);
  assert_int_equal(qv_compute_select_k(keys, 2, 2, &out, NULL), QV_OK);
  EXPECT_U64(out, 3, 0);
  assert_int_equal(qv_compute_select_k(keys, 2, 99, &out, NULL), QV_OK);
  EXPECT_U64(out, 3, 0, 1, 2);
  qv_array_release(a);
  qv_array_release(b);
}

static void every_key_type_stable(void **state) {
  (void)state;
  /* strings, bool, uint8, date32 (signed), decimal128, sliced */
  qv_array *s = slice_of(STRS("zz", "b", "a", NULL, "b", "ab"), 1, 5); /* b a null b ab */
  qv_sort_key k = {s, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  qv_array *out = NULL;
  assert_int_equal(qv_compute_sort_indices_multi(&k, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 1, 4, 0, 3, 2);
  k.order = QV_SORT_DESCENDING;
  assert_int_equal(qv_compute_sort_indices_multi(&k, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 0, 3, 4, 1, 2);
  qv_array_release(s);

  qv_array *bo = bools("1010", NULL);
  qv_sort_key kb = {bo, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&kb, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 1, 3, 0, 2);
  qv_array_release(bo);

  qv_array *u = PRIM(qv_type_uint8(), uint8_t, NULL, 200, 3, 200, 255);
  qv_sort_key ku = {u, QV_SORT_DESCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&ku, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 3, 0, 2, 1);
  qv_array_release(u);

  qv_array *d = prim(qv_type_date32(), (const int32_t[]){5, -3, 0}, 3, 4, NULL);
  qv_sort_key kd = {d, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&kd, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 1, 2, 0);
  qv_array_release(d);

  uint64_t dec[3][2] = {{5, 0}, {(uint64_t)-2, (uint64_t)-1}, {0, 1}}; /* 5, -2, 2^64 */
  qv_array *dc = prim(hand_decimal(128, 38, 0), dec, 3, 16, NULL);
  qv_sort_key kdc = {dc, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&kdc, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 1, 0, 2);
  qv_array_release(dc);

  qv_array *nul = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 3, &nul, NULL), QV_OK);
  qv_sort_key kn = {nul, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&kn, 1, &out, NULL), QV_OK);
  EXPECT_U64(out, 0, 1, 2);
  qv_array_release(nul);

  /* enough rows for the merge passes past the insertion-sorted runs */
  enum { N = 100 };
  int32_t v[N];
  for (int i = 0; i < N; i++) v[i] = (i * 37) % 10;
  qv_array *big = prim(qv_type_int32(), v, N, 4, NULL);
  qv_sort_key kbig = {big, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&kbig, 1, &out, NULL), QV_OK);
  const uint64_t *o = qv_array_values_uint64(out);
  for (int i = 1; i < N; i++) {
    assert_true(v[o[i - 1]] <= v[o[i]]);
    if (v[o[i - 1]] == v[o[i]]) assert_true(o[i - 1] < o[i]); /* stable */
  }
  qv_array_release(out);
  qv_array_release(big);
}

/* Over 64 rows a single key takes the radix path: strings sharing 8-byte
 * prefixes (ties re-sorted in full), floats with NaN, -0.0 and nulls, both
 * directions; checked against the comparison order and for stability. */
static void radix_path_matches_the_comparison(void **state) {
  (void)state;
  enum { N = 150 };
  const char *words[] = {"prefix00a", "prefix00", "prefix00b", "pre", "", "zz", "prefix00ab", "prefix01"};
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int i = 0; i < N; i++) {
    const char *w = words[(i * 7) % 8];
    if (i % 11 == 3) assert_int_equal(qv_builder_append_null(b), QV_OK);
    else assert_int_equal(qv_builder_append_string(b, w, (int64_t)strlen(w)), QV_OK);
  }
  qv_array *s = NULL;
  assert_int_equal(qv_builder_finish(b, &s, NULL), QV_OK);
  qv_builder_free(b);
  double f[N];
  char valid[N + 1];
  for (int i = 0; i < N; i++) {
    double choices[] = {1.5, -0.0, 0.0, NAN, -2.0, INFINITY, -INFINITY};
    f[i] = choices[(i * 5) % 7];
    valid[i] = i % 13 == 0 ? '0' : '1';
  }
  valid[N] = '\0';
  qv_array *fl = prim(qv_type_float64(), f, N, 8, valid);
  qv_array *arrays[2] = {s, fl};
  for (int a = 0; a < 2; a++)
    for (int desc = 0; desc < 2; desc++)
      for (int at_start = 0; at_start < 2; at_start++) {
        qv_sort_key k = {arrays[a], desc ? QV_SORT_DESCENDING : QV_SORT_ASCENDING,
                         at_start ? QV_NULLS_AT_START : QV_NULLS_AT_END};
        qv_array *radix = NULL, *merged = NULL;
        assert_int_equal(qv_compute_sort_indices_multi(&k, 1, &radix, NULL), QV_OK);
        /* two keys (the second all equal) take the merge sort: the same order */
        qv_array *zeros = NULL;
        assert_int_equal(qv_array_new_null(qv_type_null(), N, &zeros, NULL), QV_OK);
        qv_sort_key two[2] = {k, {zeros, QV_SORT_ASCENDING, QV_NULLS_AT_END}};
        assert_int_equal(qv_compute_sort_indices_multi(two, 2, &merged, NULL), QV_OK);
        assert_memory_equal(qv_array_values_uint64(radix), qv_array_values_uint64(merged), N * 8);
        qv_array_release(zeros);
        qv_array_release(radix);
        qv_array_release(merged);
      }
  qv_array_release(s);
  qv_array_release(fl);
}

/* pyarrow rank([2.0, nan, null, 1.0]) == [2, 3, 4, 1]; at_start [4, 2, 1, 3];
 * descending [1, 3, 4, 2]; rank([3, 1, null, 3], tiebreaker) below. */
static void rank_tiebreakers(void **state) {
  (void)state;
  qv_array *f = PRIM(qv_type_float64(), double, "1101", 2.0, NAN, 0, 1.0), *out = NULL;
  assert_int_equal(qv_compute_rank(f, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_FIRST, &out, NULL), QV_OK);
  EXPECT_U64(out, 2, 3, 4, 1);
  assert_int_equal(qv_compute_rank(f, QV_SORT_ASCENDING, QV_NULLS_AT_START, QV_RANK_FIRST, &out, NULL), QV_OK);
  EXPECT_U64(out, 4, 2, 1, 3);
  assert_int_equal(qv_compute_rank(f, QV_SORT_DESCENDING, QV_NULLS_AT_END, QV_RANK_FIRST, &out, NULL), QV_OK);
  EXPECT_U64(out, 1, 3, 4, 2);
  qv_array_release(f);
  qv_array *i = PRIM(qv_type_int64(), int64_t, "1101", 3, 1, 0, 3);
  assert_int_equal(qv_compute_rank(i, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_DENSE, &out, NULL), QV_OK);
  EXPECT_U64(out, 2, 1, 3, 2);
  assert_int_equal(qv_compute_rank(i, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_MIN, &out, NULL), QV_OK);
  EXPECT_U64(out, 2, 1, 4, 2);
  assert_int_equal(qv_compute_rank(i, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_MAX, &out, NULL), QV_OK);
  EXPECT_U64(out, 3, 1, 4, 3);
  qv_error e;
  assert_int_equal(qv_compute_rank(i, QV_SORT_ASCENDING, QV_NULLS_AT_END, (qv_rank_tiebreaker)7, &out, &e),
                   QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_rank(NULL, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_MIN, &out, &e),
                   QV_ERR_INVALID_ARGUMENT);
  qv_array_release(i);
}

static void sort_a_table(void **state) {
  (void)state;
  qv_array *cols[2] = {STRS("b", "a", "b"), I64(1, 2, 0)};
  qv_table *t = NULL, *sorted = NULL;
  assert_int_equal(qv_table_from_arrays((const char *const[]){"k", "v"}, cols, 2, &t, NULL), QV_OK);
  qv_table_sort_key keys[2] = {{"k", QV_SORT_ASCENDING, QV_NULLS_AT_END}, {"v", QV_SORT_DESCENDING, QV_NULLS_AT_END}};
  assert_int_equal(qv_compute_sort_table(t, keys, 2, &sorted, NULL), QV_OK);
  qv_chunked_array *v = NULL;
  assert_int_equal(qv_table_column(sorted, 1, &v, NULL), QV_OK);
  assert_memory_equal(qv_array_buffer_data(v->chunks[0], 1), ((int64_t[]){2, 1, 0}), 24);
  qv_chunked_array_release(v);
  qv_table_release(sorted);
  qv_error e;
  qv_table_sort_key bad = {"missing", QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_table(t, &bad, 1, &sorted, &e), QV_ERR_NOT_FOUND);
  assert_null(sorted);
  qv_table_sort_key unnamed = {NULL, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_table(t, &unnamed, 1, &sorted, &e), QV_ERR_INVALID_ARGUMENT);
  qv_table_release(t);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
}

static void sort_errors(void **state) {
  (void)state;
  qv_array *a = I64(1, 2), *b = I64(1), *out = NULL;
  qv_error e;
  qv_sort_key mismatched[2] = {{a, QV_SORT_ASCENDING, QV_NULLS_AT_END}, {b, QV_SORT_ASCENDING, QV_NULLS_AT_END}};
  assert_int_equal(qv_compute_sort_indices_multi(mismatched, 2, &out, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "key 1"));
  assert_int_equal(qv_compute_sort_indices_multi(mismatched, 0, &out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_sort_key bad_order = {a, (qv_sort_order)5, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&bad_order, 1, &out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_sort_key null_key = {NULL, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&null_key, 1, &out, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1)), 1,
                              KIDS(I32(5)), NULL);
  qv_sort_key lk = {list, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&lk, 1, &out, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "list"));
  qv_array_release(list);
  qv_array *h = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), BUFV(char, 'a', 'b', 'c')),
                           0, NULL, NULL);
  expect_valid(h, QV_VALIDATE_STRUCTURE);
  qv_sort_key hk = {h, QV_SORT_ASCENDING, QV_NULLS_AT_END};
  assert_int_equal(qv_compute_sort_indices_multi(&hk, 1, &out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  assert_int_equal(qv_compute_rank(h, QV_SORT_ASCENDING, QV_NULLS_AT_END, QV_RANK_MIN, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_array_release(h);
  qv_array_release(a);
  qv_array_release(b);
}

/* pyarrow: variance([3,1,4], ddof=1) = 2.333.., product = 12, first([null,3]) = 3 */
static void moments_first_last(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_int16(), int16_t, "1101", 3, 1, 0, 4);
  qv_scalar s;
  assert_int_equal(qv_compute_variance(a, 1, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_FLOAT);
  assert_true(fabs(s.value.f - 7.0 / 3.0) < 1e-12);
  assert_int_equal(qv_compute_stddev(a, 0, &s, NULL), QV_OK);
  assert_true(fabs(s.value.f - sqrt(14.0 / 9.0)) < 1e-12);
  assert_int_equal(qv_compute_variance(a, 3, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_NULL);
  assert_int_equal(qv_compute_product(a, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_INT);
  assert_int_equal(s.value.i, 12);
  assert_int_equal(qv_compute_first(a, &s, NULL), QV_OK);
  assert_int_equal(s.value.i, 3);
  assert_int_equal(qv_compute_last(a, &s, NULL), QV_OK);
  assert_int_equal(s.value.i, 4);
  qv_error e;
  assert_int_equal(qv_compute_variance(a, -1, &s, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(a);

  /* product wraps like int64; unsigned and float products */
  a = PRIM(qv_type_int64(), int64_t, NULL, INT64_MAX, 2);
  assert_int_equal(qv_compute_product(a, &s, NULL), QV_OK);
  assert_int_equal(s.value.i, -2);
  qv_array_release(a);
  a = PRIM(qv_type_uint32(), uint32_t, NULL, 7, 6);
  assert_int_equal(qv_compute_product(a, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_UINT);
  assert_int_equal(s.value.u, 42);
  qv_array_release(a);
  a = PRIM(qv_type_float32(), float, "01", 9, 0.5f);
  assert_int_equal(qv_compute_product(a, &s, NULL), QV_OK);
  assert_true(s.value.f == 0.5);
  assert_int_equal(qv_compute_first(a, &s, NULL), QV_OK);
  assert_true(s.value.f == 0.5);
  qv_array_release(a);

  /* all null: null results; strings: first/last work, product is a type error */
  a = PRIM(qv_type_int8(), int8_t, "00", 1, 2);
  assert_int_equal(qv_compute_product(a, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_NULL);
  assert_int_equal(qv_compute_first(a, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_NULL);
  qv_array_release(a);
  a = STRS(NULL, "p", "q", NULL);
  assert_int_equal(qv_compute_last(a, &s, NULL), QV_OK);
  assert_int_equal(s.kind, QV_SCALAR_BYTES);
  assert_memory_equal(s.value.bytes.data, "q", 1);
  assert_int_equal(qv_compute_product(a, &s, &e), QV_ERR_TYPE);
  assert_non_null(strstr(e.message, "product"));
  assert_int_equal(qv_compute_stddev(a, 0, &s, &e), QV_ERR_TYPE);
  assert_int_equal(qv_compute_first(NULL, &s, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_compute_product(a, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(a);
  /* a hostile slot under first: the checked accessor reports it */
  a = hand_array(qv_type_string(), 1, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 2, 1), BUFV(char, 'a', 'b')), 0, NULL, NULL);
  assert_int_equal(qv_compute_first(a, &s, &e), QV_ERR_INVALID_DATA);
  qv_array_release(a);
}

/* min/max beyond numbers: temporal types through the integer kernel (the
 * scalar keeps the temporal type), decimals and strings by value, over a
 * chunked array; a hostile string slot is an error naming the row. */
static void min_max_temporal_decimal_strings(void **state) {
  (void)state;
  qv_scalar lo, hi;
  qv_array *ts = prim(hand_ts(QV_UNIT_MICRO, NULL), (const int64_t[]){5, -9, 0, 7}, 4, 8, "1011");
  assert_int_equal(qv_compute_min_max(ts, &lo, &hi, NULL), QV_OK);
  assert_int_equal(lo.kind, QV_SCALAR_INT);
  assert_int_equal(lo.value.i, 0);
  assert_int_equal(hi.value.i, 7);
  assert_int_equal(lo.type->id, QV_TYPE_TIMESTAMP);
  qv_array_release(ts);
  qv_array *d = prim(qv_type_date32(), (const int32_t[]){3, -2}, 2, 4, NULL);
  assert_int_equal(qv_compute_min(d, &lo, NULL), QV_OK);
  assert_int_equal(lo.value.i, -2);
  qv_array_release(d);

  uint64_t dec[3][2] = {{5, 0}, {(uint64_t)-2, (uint64_t)-1}, {0, 1}}; /* 5, -2, 2^64 */
  qv_array *dc = prim(hand_decimal(128, 38, 0), dec, 3, 16, NULL);
  assert_int_equal(qv_compute_min_max(dc, &lo, &hi, NULL), QV_OK);
  assert_int_equal(lo.kind, QV_SCALAR_DECIMAL);
  assert_true(lo.value.decimal[0] == (uint64_t)-2 && lo.value.decimal[3] == (uint64_t)-1);
  assert_true(hi.value.decimal[0] == 0 && hi.value.decimal[1] == 1);
  qv_array_release(dc);

  qv_array *parts[2] = {STRS("pear", NULL, "apple"), STRS("zoo", "app")};
  qv_chunked_array *c = NULL;
  assert_int_equal(qv_chunked_array_new(qv_type_string(), parts, 2, &c, NULL), QV_OK);
  assert_int_equal(qv_compute_min_max_chunked(c, &lo, &hi, NULL), QV_OK);
  assert_memory_equal(lo.value.bytes.data, "app", 3);
  assert_int_equal(lo.value.bytes.size, 3);
  assert_memory_equal(hi.value.bytes.data, "zoo", 3);
  assert_int_equal(qv_compute_max_chunked(c, &hi, NULL), QV_OK);
  assert_memory_equal(hi.value.bytes.data, "zoo", 3);
  qv_chunked_array_release(c);
  qv_array_release(parts[0]);
  qv_array_release(parts[1]);

  qv_array *nulls = STRS(NULL, NULL);
  assert_int_equal(qv_compute_min(nulls, &lo, NULL), QV_OK);
  assert_int_equal(lo.kind, QV_SCALAR_NULL);
  qv_array_release(nulls);

  qv_error e;
  qv_array *h = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 9), BUFV(char, 'a', 'b')), 0,
                           NULL, NULL);
  assert_int_equal(qv_compute_max(h, &hi, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "row 1"));
  qv_array_release(h);
  /* still a type error: sums of strings, min of lists */
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1)), 1,
                              KIDS(I32(5)), NULL);
  assert_int_equal(qv_compute_min(list, &lo, &e), QV_ERR_TYPE);
  qv_array_release(list);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(two_keys_nan_and_null_placement),
      cmocka_unit_test(every_key_type_stable),
      cmocka_unit_test(radix_path_matches_the_comparison),
      cmocka_unit_test(rank_tiebreakers),
      cmocka_unit_test(sort_a_table),
      cmocka_unit_test(sort_errors),
      cmocka_unit_test(moments_first_last),
      cmocka_unit_test(min_max_temporal_decimal_strings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
