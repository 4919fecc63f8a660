/* The numeric casts' three builds (baseline, AVX2, AVX-512: simd.h) and
 * their split over threads (split.h) give the answer of the baseline
 * build on one thread, for every pair of numeric types, safe and unsafe,
 * on inputs long enough to cross blocks and parts, with nulls over values
 * that would fail, sliced at offsets that are and are not multiples of 8.
 * Also the int64 -> float64 edges pyarrow draws (|x| <= 2^53), the row an
 * error names when several parts hold bad values, and the validity bitmap
 * shared (not copied) when the offset allows. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "compute/kernel_util.h"
#include "compute/split.h"
#include "compute/simd.h"
#include "quiver/compute.h"

enum { N = 20000 };

static uint64_t rng_state = 0x2545F4914F6CDD1Du;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

typedef struct numeric_kind {
  qv_type *(*type)(void);
  int width;
  bool is_float;
} numeric_kind;

static const numeric_kind kinds[] = {
    {qv_type_int8, 1, false},   {qv_type_int16, 2, false},  {qv_type_int32, 4, false},   {qv_type_int64, 8, false},
    {qv_type_uint8, 1, false},  {qv_type_uint16, 2, false}, {qv_type_uint32, 4, false},  {qv_type_uint64, 8, false},
    {qv_type_float32, 4, true}, {qv_type_float64, 8, true},
};

/* One value: small and whole mostly; with `wild`, one in 50 anything
 * (huge, negative, NaN, infinite, fractional). */
static void random_value(const numeric_kind *k, bool wild, uint8_t *out) {
  bool w = wild && next_random() % 50 == 0;
  int64_t small = (int64_t)(next_random() % 201) - 100;
  if (k->is_float) {
    double d = (double)small;
    if (w) {
      const double odd[] = {NAN, INFINITY, -INFINITY, 0.5, -1e300, 3e9, 1e19, -2.5};
      d = odd[next_random() % 8];
    }
    if (k->width == 4) {
      float f = (float)d;
      memcpy(out, &f, 4);
    } else {
      memcpy(out, &d, 8);
    }
    return;
  }
  uint64_t bits = w ? next_random() : (uint64_t)small;
  if (!w && k->type == qv_type_uint8) bits = (uint64_t)(small + 100);
  memcpy(out, &bits, (size_t)k->width); /* little-endian: the low bytes */
}

/* N + 16 values of kind k, one in 6 null; null slots hold wild values
 * always (they must never fail a safe cast). */
static qv_array *random_array(const numeric_kind *k, bool wild) {
  static uint8_t data[(N + 16) * 8];
  static uint8_t valid[(N + 16) / 8 + 1];
  int64_t nulls = 0;
  memset(valid, 0, sizeof valid);
  for (int64_t i = 0; i < N + 16; i++) {
    bool is_valid = next_random() % 6 != 0;
    if (is_valid) valid[i / 8] |= (uint8_t)(1u << (i % 8));
    else nulls++;
    random_value(k, wild || !is_valid, data + i * k->width);
    if (!is_valid && !k->is_float && k->width == 8) memcpy(data + i * 8, &(int64_t){INT64_MIN + 3}, 8);
  }
  return hand_array(k->type(), N + 16, 0, nulls, 2,
                    BUFS(exact_buf(valid, qv_bitmap_bytes(N + 16)), exact_buf(data, (N + 16) * k->width)), 0, NULL,
                    NULL);
}

/* The cast at one level and split; *st and the message of an error. */
static qv_array *cast_at(const qv_array *a, qv_type *to, bool safe, int level, bool split, qv_status *st,
                         char *msg) {
  qv_array *out = NULL;
  qv_error e;
  qv__simd_force_level((qv__simd_level)level);
  qv__compute_set_parallel(split ? 1 : 0, split ? 3 : 0);
  *st = qv_compute_cast(a, to, safe, &out, &e);
  qv__simd_force_level(QV__SIMD_AVX512);
  qv__compute_set_parallel(0, 0);
  strcpy(msg, *st == QV_OK ? "" : e.message);
  return out;
}

/* Same validity and, row by row, the same bytes (NaN == NaN here). */
static void expect_same(const qv_array *got, const qv_array *want, int width, int level, int split) {
  assert_non_null(got);
  assert_int_equal(got->length, want->length);
  assert_int_equal(qv_array_null_count((qv_array *)got), qv_array_null_count((qv_array *)want));
  for (int64_t i = 0; i < want->length; i++) {
    assert_int_equal(qv_array_is_valid(got, i), qv_array_is_valid(want, i));
    if (qv_array_is_valid(want, i) &&
        memcmp(qv_array_buffer_data(got, 1) + (got->offset + i) * width,
               qv_array_buffer_data(want, 1) + (want->offset + i) * width, (size_t)width) != 0) {
      fprintf(stderr, "level %d, split %d: row %lld differs from the baseline build\n", level, split, (long long)i);
      fail();
    }
  }
}

static void every_path_agrees(void **state) {
  (void)state;
  for (size_t s = 0; s < sizeof kinds / sizeof kinds[0]; s++)
    for (size_t d = 0; d < sizeof kinds / sizeof kinds[0]; d++)
      for (int shape = 0; shape < 4; shape++) {
        /* bit 0: wild values (safe casts fail somewhere); bit 1: offset 13
         * (else 8) */
        qv_array *a = slice_of(random_array(&kinds[s], shape & 1), shape & 2 ? 13 : 8, N);
        for (int safe = 0; safe < 2; safe++) {
          qv_type *to = kinds[d].type();
          qv_status want_st, got_st;
          char want_msg[256], got_msg[256];
          qv_array *want = cast_at(a, to, safe, QV__SIMD_PORTABLE, false, &want_st, want_msg);
          for (int level = QV__SIMD_AVX512; level >= QV__SIMD_PORTABLE; level--)
            for (int split = 0; split < 2; split++) {
              qv_array *got = cast_at(a, to, safe, level, split, &got_st, got_msg);
              assert_int_equal(got_st, want_st);
              assert_string_equal(got_msg, want_msg);
              if (want != NULL) expect_same(got, want, kinds[d].width, level, split);
              qv_array_release(got);
            }
          qv_array_release(want);
        }
        qv_array_release(a);
      }
}

/* n int64 values with validity pattern `valid` ('1'/'0'). */
static qv_array *int64s(const int64_t *v, const char *valid, int64_t n) {
  static uint8_t bits[N / 8 + 1];
  int64_t nulls = 0;
  memset(bits, 0, sizeof bits);
  for (int64_t i = 0; i < n; i++) {
    if (valid[i] == '1') bits[i / 8] |= (uint8_t)(1u << (i % 8));
    else nulls++;
  }
  return hand_array(qv_type_int64(), n, 0, nulls, 2, BUFS(exact_buf(bits, qv_bitmap_bytes(n)), exact_buf(v, n * 8)),
                    0, NULL, NULL);
}

/* pyarrow's rule: a safe int64 -> float64 cast accepts |x| <= 2^53 and
 * names the first valid row beyond; a null row never fails. */
static void int64_to_float64_edges(void **state) {
  (void)state;
  const int64_t two53 = (int64_t)1 << 53;
  static int64_t v[N];
  static char valid[N + 1];
  for (int64_t i = 0; i < N; i++) {
    v[i] = i % 3 == 0 ? (int64_t)i : (i % 2 ? two53 : -two53);
    valid[i] = '1';
  }
  valid[N] = '\0';
  v[100] = two53 + 1; /* null: ignored */
  valid[100] = '0';
  v[7001] = -two53 - 1;
  v[15001] = two53 + 2;
  for (int level = QV__SIMD_AVX512; level >= QV__SIMD_PORTABLE; level--)
    for (int split = 0; split < 2; split++) {
      qv_array *a = int64s(v, valid, N);
      qv_status st;
      char msg[256];
      assert_null(cast_at(a, qv_type_float64(), true, level, split, &st, msg));
      assert_int_equal(st, QV_ERR_INVALID_DATA);
      assert_non_null(strstr(msg, "row 7001: value -9007199254740993 "));
      qv_array_release(a);
      a = slice_of(int64s(v, valid, N), 7002, N - 7002);
      assert_null(cast_at(a, qv_type_float64(), true, level, split, &st, msg));
      assert_non_null(strstr(msg, "row 7999: value 9007199254740994 "));
      qv_array_release(a);
      a = slice_of(int64s(v, valid, N), 0, 7001);
      qv_array *out = cast_at(a, qv_type_float64(), true, level, split, &st, msg);
      assert_int_equal(st, QV_OK);
      for (int64_t i = 0; i < 7001; i++)
        if (i != 100) assert_true(((const double *)qv_array_buffer_data(out, 1))[i] == (double)v[i]);
      assert_false(qv_array_is_valid(out, 100));
      qv_array_release(out);
      qv_array_release(a);
    }
}

/* At an offset that is a multiple of 8 the result's bitmap is the input's
 * (a view), at others a copy; either way the same bits. */
static void validity_shared_when_aligned(void **state) {
  (void)state;
  for (int off = 8; off <= 13; off += 5) {
    qv_array *a = slice_of(random_array(&kinds[3], false), off, N);
    qv_array *out = NULL;
    assert_int_equal(qv_compute_cast(a, qv_type_float64(), true, &out, NULL), QV_OK);
    const uint8_t *in_bits = qv_array_buffer_data(a, 0), *out_bits = qv_array_buffer_data(out, 0);
    if (off == 8) assert_ptr_equal(out_bits, in_bits + 1);
    else assert_ptr_not_equal(out_bits, in_bits + 1);
    for (int64_t i = 0; i < N; i++) assert_int_equal(qv_array_is_valid(out, i), qv_array_is_valid(a, i));
    assert_int_equal(qv_array_null_count(out), qv_array_null_count(a));
    qv_array_release(out);
    qv_array_release(a);
  }
}

/* An output past QV__STREAM_MIN_BYTES is written with streaming stores
 * (through an L1 buffer): the same values at every level, odd length. */
static void large_output_streams(void **state) {
  (void)state;
  const int64_t n = QV__STREAM_MIN_BYTES / 8 + 1001;
  int64_t *v = malloc((size_t)(n + 5) * 8);
  assert_non_null(v);
  for (int64_t i = 0; i < n + 5; i++) v[i] = (int64_t)(next_random() >> 12) - ((int64_t)1 << 51);
  qv_array *a = slice_of(hand_array(qv_type_int64(), n + 5, 0, 0, 2, BUFS(NULL, exact_buf(v, (n + 5) * 8)), 0, NULL,
                                    NULL),
                         5, n);
  for (int level = QV__SIMD_AVX512; level >= QV__SIMD_PORTABLE; level--)
    for (int split = 0; split < 2; split++) {
      qv_status st;
      char msg[256];
      qv_array *out = cast_at(a, qv_type_float64(), true, level, split, &st, msg);
      assert_int_equal(st, QV_OK);
      const double *d = (const double *)(const void *)qv_array_buffer_data(out, 1);
      for (int64_t i = 0; i < n; i++)
        if (d[i] != (double)v[i + 5]) {
          fprintf(stderr, "level %d, split %d: row %lld is %.17g, want %lld\n", level, split, (long long)i, d[i],
                  (long long)v[i + 5]);
          fail();
        }
      qv_array_release(out);
    }
  qv_array_release(a);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_path_agrees),
      cmocka_unit_test(int64_to_float64_edges),
      cmocka_unit_test(validity_shared_when_aligned),
      cmocka_unit_test(large_output_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
