/* The fast paths of filter (filter_fixed.c) and take (take_fixed.c) on
 * inputs large enough to cross their chunks and blocks (4096 slots), at
 * every SIMD level the CPU allows (simd.h) and split into 3 parts on
 * threads or not (split.h), against answers computed here slot by slot:
 * widths 1 to 16, values with and without nulls, offsets that are not
 * multiples of 8, masks from empty to full and of mixed density (sparse
 * and dense chunks in one call), mask nulls, int32 and int64 indices with
 * nulls, and out-of-range indices (the error names the first bad row,
 * whichever part finds it). Buffers are of exact size, so ASan sees a read
 * or write past any window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "compute/split.h"
#include "compute/simd.h"
#include "quiver/compute.h"

enum { N = 20000 };

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A bitmap of n bits, each set with probability per_mille / 1000 (the
 * first half with per_mille_2 when that is >= 0). *zeros counts the unset. */
static qv_buffer *random_bits(int64_t n, int per_mille, int per_mille_2, int64_t *zeros) {
  uint8_t *bits = calloc((size_t)qv_bitmap_bytes(n) + 1, 1);
  int64_t z = 0;
  assert_non_null(bits);
  for (int64_t i = 0; i < n; i++) {
    int p = per_mille_2 >= 0 && i < n / 2 ? per_mille_2 : per_mille;
    if ((int)(next_random() % 1000) < p) bits[i / 8] |= (uint8_t)(1u << (i % 8));
    else z++;
  }
  if (zeros != NULL) *zeros = z;
  qv_buffer *b = exact_buf(bits, qv_bitmap_bytes(n));
  free(bits);
  return b;
}

/* n values of `width` random bytes, one in 7 null when with_nulls. */
static qv_array *random_values(qv_type *t, int width, int64_t n, bool with_nulls) {
  uint8_t *data = malloc((size_t)(n * width));
  int64_t zeros = 0;
  assert_non_null(data);
  for (int64_t i = 0; i < n * width; i++) data[i] = (uint8_t)next_random();
  qv_buffer *valid = with_nulls ? random_bits(n, 857, -1, &zeros) : NULL;
  qv_array *a = hand_array(t, n, 0, zeros, 2, BUFS(valid, exact_buf(data, n * width)), 0, NULL, NULL);
  free(data);
  return a;
}

static const uint8_t *slot(const qv_array *a, int width, int64_t i) {
  return qv_array_buffer_data(a, 1) + (a->offset + i) * width;
}

/* got must hold, row by row, the validity and (for valid rows) the bytes
 * of the values' rows rows[k] (-1: a null row). */
static void expect_rows(const qv_array *got, const qv_array *values, int width, const int64_t *rows, int64_t n,
                        const char *what) {
  int64_t nulls = 0;
  assert_int_equal(got->length, n);
  for (int64_t k = 0; k < n; k++) {
    bool valid = rows[k] >= 0 && qv_array_is_valid(values, rows[k]);
    nulls += !valid;
    if (qv_array_is_valid(got, k) != valid) {
      fprintf(stderr, "%s: row %lld: validity %d, want %d\n", what, (long long)k, !valid, valid);
      fail();
    }
    if (valid && memcmp(slot(got, width, k), slot(values, width, rows[k]), (size_t)width) != 0) {
      fprintf(stderr, "%s: row %lld: value differs from row %lld of the values\n", what, (long long)k,
              (long long)rows[k]);
      fail();
    }
  }
  assert_int_equal(qv_array_null_count((qv_array *)got), nulls);
}

/* Runs `body` at every SIMD level and with and without 3 threaded parts. */
#define EVERY_PATH(body)                                                                 \
  for (int level = QV__SIMD_AVX512; level >= QV__SIMD_PORTABLE; level--)                 \
    for (int split = 0; split < 2; split++) {                                            \
      qv__simd_force_level((qv__simd_level)level);                                       \
      qv__compute_set_parallel(split ? 1 : 0, split ? 3 : 0);                            \
      body;                                                                              \
      qv__simd_force_level(QV__SIMD_AVX512);                                             \
      qv__compute_set_parallel(0, 0);                                                    \
    }

static void check_filter(qv_array *values, qv_array *mask, int width) {
  int64_t *rows = malloc(sizeof(int64_t) * (size_t)(mask->length + 1)), n = 0;
  assert_non_null(rows);
  for (int64_t i = 0; i < mask->length; i++)
    if (qv_array_is_valid(mask, i) && qv_bit_get(qv_array_buffer_data(mask, 1), mask->offset + i)) rows[n++] = i;
  EVERY_PATH({
    qv_array *got = NULL;
    qv_error e;
    char what[96];
    qv_status st = qv_compute_filter(values, mask, QV_FILTER_DROP, &got, &e);
    if (st != QV_OK) fprintf(stderr, "filter: %s\n", e.message);
    assert_int_equal(st, QV_OK);
    snprintf(what, sizeof what, "filter (level %d, %s, width %d)", level, split ? "3 parts" : "1 part", width);
    expect_rows(got, values, width, rows, n, what);
    qv_array_release(got);
  })
  free(rows);
}

static void filter_every_path(void **state) {
  (void)state;
  struct {
    qv_type *(*type)(void);
    int width;
  } kinds[] = {{qv_type_uint8, 1}, {qv_type_int16, 2}, {qv_type_int32, 4}, {qv_type_float64, 8}, {NULL, 16}};
  /* per mille kept; a second figure >= 0 is the first half's (mixed density) */
  const int densities[][2] = {{0, -1}, {3, -1}, {10, -1}, {50, -1}, {500, -1}, {1000, -1}, {700, 2}, {1000, 0}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    for (size_t d = 0; d < sizeof densities / sizeof densities[0]; d++)
      for (int shape = 0; shape < 4; shape++) {
        /* shape bit 0: values with nulls and sliced by 13, mask sliced by 5;
         * bit 1: mask with nulls */
        const bool sliced = shape & 1, mask_nulls = shape & 2;
        const int64_t n = N - 27;
        qv_type *t = kinds[k].type ? kinds[k].type() : hand_decimal(128, 30, 2);
        qv_array *values = random_values(t, kinds[k].width, N, sliced);
        int64_t zeros = 0;
        qv_buffer *mvalid = mask_nulls ? random_bits(N, 889, -1, &zeros) : NULL;
        qv_array *mask = hand_array(qv_type_bool(), N, 0, zeros, 2,
                                    BUFS(mvalid, random_bits(N, densities[d][0], densities[d][1], NULL)), 0, NULL, NULL);
        values = slice_of(values, sliced ? 13 : 0, n);
        mask = slice_of(mask, sliced ? 5 : 0, n);
        check_filter(values, mask, kinds[k].width);
        qv_array_release(values);
        qv_array_release(mask);
      }
}

/* Lengths around the chunk and word edges, and empty. */
static void filter_edges(void **state) {
  (void)state;
  const int64_t lengths[] = {0, 1, 63, 64, 65, 4095, 4096, 4097, 8193};
  for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
    for (int density = 0; density <= 1000; density += 500) {
      int64_t n = lengths[l];
      qv_array *values = slice_of(random_values(qv_type_int32(), 4, n + 3, true), 3, n);
      qv_array *mask = slice_of(hand_array(qv_type_bool(), n + 1, 0, 0, 2,
                                           BUFS(NULL, random_bits(n + 1, density, -1, NULL)), 0, NULL, NULL),
                                1, n);
      check_filter(values, mask, 4);
      qv_array_release(values);
      qv_array_release(mask);
    }
}

/* n random indices into [0, range) (int32 or int64), one in 5 null when
 * with_nulls (a null slot holds an index far out of range). */
static qv_array *random_indices(int64_t n, int64_t range, bool wide, bool with_nulls, int64_t *rows) {
  int64_t zeros = 0;
  qv_buffer *valid = with_nulls ? random_bits(n, 800, -1, &zeros) : NULL;
  void *data = malloc((size_t)(n * (wide ? 8 : 4)));
  assert_non_null(data);
  for (int64_t k = 0; k < n; k++) {
    bool is_valid = valid == NULL || qv_bit_get(valid->data, k);
    int64_t ix = is_valid ? (int64_t)(next_random() % (uint64_t)range) : (int64_t)INT32_MAX;
    rows[k] = is_valid ? ix : -1;
    if (wide) ((int64_t *)data)[k] = ix;
    else ((int32_t *)data)[k] = (int32_t)ix;
  }
  qv_array *a = hand_array(wide ? qv_type_int64() : qv_type_int32(), n, 0, zeros, 2,
                           BUFS(valid, exact_buf(data, n * (wide ? 8 : 4))), 0, NULL, NULL);
  free(data);
  return a;
}

static void take_every_path(void **state) {
  (void)state;
  const int widths[] = {1, 2, 4, 8};
  qv_type *(*types[])(void) = {qv_type_int8, qv_type_uint16, qv_type_float32, qv_type_int64};
  static int64_t rows[N];
  for (int w = 0; w < 4; w++)
    for (int shape = 0; shape < 8; shape++) {
      /* bit 0: int64 indices; bit 1: indices with nulls; bit 2: values
       * with nulls, both sliced at offsets that are not multiples of 8 */
      const bool wide = shape & 1, idx_nulls = shape & 2, sliced = shape & 4;
      const int64_t n_values = 5000, n_idx = N / 2 + 1;
      qv_array *values = slice_of(random_values(types[w](), widths[w], n_values + 7, sliced), sliced ? 7 : 0, n_values);
      qv_array *idx = random_indices(n_idx + 3, n_values, wide, idx_nulls, rows);
      idx = slice_of(idx, sliced ? 3 : 0, n_idx);
      const int64_t *want = rows + (sliced ? 3 : 0);
      EVERY_PATH({
        qv_array *got = NULL;
        qv_error e;
        char what[96];
        qv_status st = qv_compute_take(values, idx, &got, &e);
        if (st != QV_OK) fprintf(stderr, "take: %s\n", e.message);
        assert_int_equal(st, QV_OK);
        snprintf(what, sizeof what, "take (level %d, %s, shape %d)", level, split ? "3 parts" : "1 part", shape);
        expect_rows(got, values, widths[w], want, n_idx, what);
        qv_array_release(got);
      })
      qv_array_release(idx);
      qv_array_release(values);
    }
}

/* Out-of-range indices in a later part (and a negative int32 one in an
 * earlier part): the error names the first bad row of the indices. */
static void take_out_of_range_names_first_row(void **state) {
  (void)state;
  static int64_t i64[N];
  static int32_t i32[N];
  qv_array *values = random_values(qv_type_int32(), 4, 100, false);
  for (int64_t k = 0; k < N; k++) i32[k] = (int32_t)(i64[k] = (int64_t)(next_random() % 100));
  i64[15001] = 100;
  i64[19000] = INT64_MAX;
  i32[9001] = -1;
  i32[17000] = 100;
  for (int wide = 0; wide < 2; wide++) {
    qv_array *idx = wide ? prim(qv_type_int64(), i64, N, 8, NULL) : prim(qv_type_int32(), i32, N, 4, NULL);
    EVERY_PATH({
      qv_array *got = NULL;
      qv_error e;
      assert_int_equal(qv_compute_take(values, idx, &got, &e), QV_ERR_OUT_OF_RANGE);
      assert_null(got);
      assert_non_null(strstr(e.message, wide ? "index 100 at row 15001 " : "index -1 at row 9001 "));
    })
    qv_array_release(idx);
  }
  qv_array_release(values);
}

/* A null index into empty values is a null row (the fast path, which reads
 * row 0 for null slots, leaves this to the general one); a valid one is an
 * error. */
static void take_null_index_of_empty_values(void **state) {
  (void)state;
  qv_array *values = random_values(qv_type_int64(), 8, 0, false);
  qv_array *idx = hand_array(qv_type_int32(), 2, 0, 2, 2, BUFS(bits_from("00", 2), BUFV(int32_t, 5, 0)), 0, NULL, NULL);
  qv_array *got = NULL;
  assert_int_equal(qv_compute_take(values, idx, &got, NULL), QV_OK);
  assert_int_equal(got->length, 2);
  assert_int_equal(qv_array_null_count(got), 2);
  qv_array_release(got);
  qv_array_release(idx);
  idx = hand_array(qv_type_int32(), 2, 0, 1, 2, BUFS(bits_from("01", 2), BUFV(int32_t, 5, 0)), 0, NULL, NULL);
  qv_error e;
  assert_int_equal(qv_compute_take(values, idx, &got, &e), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(e.message, "row 1 "));
  qv_array_release(idx);
  qv_array_release(values);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(filter_every_path),
      cmocka_unit_test(filter_edges),
      cmocka_unit_test(take_every_path),
      cmocka_unit_test(take_out_of_range_names_first_row),
      cmocka_unit_test(take_null_index_of_empty_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
