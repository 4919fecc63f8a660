/* Both paths of the kernels with a run-time SIMD choice (src/compute/
 * simd.h): filter of 4- and 8-byte values (AVX-512 compress or AVX2 lane
 * permutes, or the portable loop) and take's fixed-width fast path, each against values
 * computed here by hand, on exact-size buffers (so ASan sees a 32-byte
 * load or store one byte past a window), for mask densities from empty to
 * full, sliced values and masks, masks with nulls, and lengths that end
 * mid-block. The AVX2 path runs where the CPU has AVX2 (the test says when
 * it cannot); the portable one always, forced by qv__simd_force_portable.
 * Also the int64/uint64 sums, which have both paths too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "compute/simd.h"
#include "quiver/compute.h"

enum { N = 1000 };

static uint64_t rng_state = 0x243F6A8885A308D3u;
static uint64_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A bool array of n slots, each true with probability per_mille / 1000;
 * with_nulls: about one slot in 7 null. Exact-size buffers. */
static qv_array *random_mask(int64_t n, int per_mille, bool with_nulls) {
  uint8_t bits[N / 8 + 1] = {0}, valid[N / 8 + 1] = {0};
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; i++) {
    if ((int)(next_random() % 1000) < per_mille) bits[i / 8] |= (uint8_t)(1u << (i % 8));
    if (!with_nulls || next_random() % 7 != 0) valid[i / 8] |= (uint8_t)(1u << (i % 8));
    else nulls++;
  }
  return hand_array(qv_type_bool(), n, 0, nulls, 2,
                    BUFS(with_nulls ? exact_buf(valid, qv_bitmap_bytes(n)) : NULL, exact_buf(bits, qv_bitmap_bytes(n))),
                    0, NULL, NULL);
}

static qv_array *random_values(qv_type *t, int width, int64_t n) {
  uint8_t data[N * 8];
  for (int64_t i = 0; i < n * width; i++) data[i] = (uint8_t)next_random();
  return prim(t, data, n, width, NULL);
}

/* The bytes filter must give, computed slot by slot. */
static void expected_filter(const qv_array *values, const qv_array *mask, int width, uint8_t *out, int64_t *n_out) {
  const uint8_t *src = qv_array_buffer_data(values, 1) + values->offset * width;
  int64_t n = 0;
  for (int64_t i = 0; i < mask->length; i++) {
    if (!qv_array_is_valid(mask, i) || !qv_bit_get(qv_array_buffer_data(mask, 1), mask->offset + i)) continue;
    memcpy(out + n * width, src + i * width, (size_t)width);
    n++;
  }
  *n_out = n;
}

static void check_filter(qv_array *values, qv_array *mask, int width) {
  static uint8_t want[N * 8];
  int64_t n_want = 0;
  expected_filter(values, mask, width, want, &n_want);
  for (int pass = 0; pass < 2; pass++) {
    qv__simd_force_portable(pass == 1);
    qv_array *got = NULL;
    qv_error e;
    qv_status st = qv_compute_filter(values, mask, QV_FILTER_DROP, &got, &e);
    if (st != QV_OK) fprintf(stderr, "filter: %s\n", e.message);
    assert_int_equal(st, QV_OK);
    assert_int_equal(got->length, n_want);
    if (n_want > 0 && memcmp(qv_array_buffer_data(got, 1) + got->offset * width, want, (size_t)(n_want * width))) {
      fprintf(stderr, "filter (%s path, width %d, %lld rows) differs from the slot-by-slot result\n",
              pass ? "portable" : "default", width, (long long)mask->length);
      fail();
    }
    qv_array_release(got);
  }
  qv__simd_force_portable(false);
}

static void filter_both_paths(void **state) {
  (void)state;
  struct {
    qv_type *(*type)(void);
    int width;
  } kinds[] = {{qv_type_int32, 4}, {qv_type_float32, 4}, {qv_type_int64, 8}, {qv_type_float64, 8}};
  const int densities[] = {0, 10, 500, 990, 1000};
  const int64_t lengths[] = {0, 7, 64, 65, 191, 640, N - 5};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    for (size_t d = 0; d < sizeof densities / sizeof densities[0]; d++)
      for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (int shape = 0; shape < 3; shape++) {
          int64_t n = lengths[l];
          /* shape 0: plain; 1: values and mask sliced (odd offsets); 2: a mask with nulls */
          qv_array *values = random_values(kinds[k].type(), kinds[k].width, n + 5);
          qv_array *mask = random_mask(n + 3, densities[d], shape == 2);
          values = slice_of(values, shape == 1 ? 5 : 0, n);
          mask = slice_of(mask, shape == 1 ? 3 : 0, n);
          check_filter(values, mask, kinds[k].width);
          qv_array_release(values);
          qv_array_release(mask);
        }
}

/* A full mask of 512 slots: whole blocks copied in one go by both paths. */
static void filter_full_blocks(void **state) {
  (void)state;
  qv_array *values = random_values(qv_type_int32(), 4, 512);
  qv_array *mask = random_mask(512, 1000, false);
  check_filter(values, mask, 4);
  qv_array_release(values);
  qv_array_release(mask);
}

static void dispatch_follows_the_hook(void **state) {
  (void)state;
  qv__simd_force_portable(true);
  assert_false(qv__simd_avx2());
  qv__simd_force_portable(false);
#if QV__HAVE_AVX2_TARGET
  const char *env = getenv("QV_SIMD");
  __builtin_cpu_init();
  bool want = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi") &&
              __builtin_cpu_supports("bmi2") && !(env != NULL && strcmp(env, "portable") == 0);
  bool want512 = want && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                 !(env != NULL && strcmp(env, "avx2") == 0);
  assert_int_equal(qv__simd_avx2(), want);
  assert_int_equal(qv__simd_avx512(), want512);
  /* a cap holds whatever the CPU has */
  qv__simd_force_level(QV__SIMD_AVX2);
  assert_false(qv__simd_avx512());
  assert_int_equal(qv__simd_avx2(), want);
  qv__simd_force_level(QV__SIMD_AVX512);
  if (!want) fprintf(stderr, "note: no AVX2 here (or QV_SIMD=portable): only the portable path ran\n");
  else if (!want512) fprintf(stderr, "note: no AVX-512 here (or QV_SIMD=avx2): its paths did not run\n");
#else
  assert_false(qv__simd_avx2());
#endif
}

/* take's fast path (fixed width, indices without nulls) against the slot
 * by slot answer, int32 and int64 indices, sliced values with a bitmap. */
static void take_fast_path(void **state) {
  (void)state;
  const int widths[] = {1, 2, 4, 8};
  qv_type *(*types[])(void) = {qv_type_uint8, qv_type_int16, qv_type_float32, qv_type_int64};
  for (int w = 0; w < 4; w++)
    for (int wide = 0; wide < 2; wide++) {
      int width = widths[w];
      char valid[201];
      for (int i = 0; i < 200; i++) valid[i] = next_random() % 5 ? '1' : '0';
      valid[200] = 0;
      uint8_t data[200 * 8];
      for (int i = 0; i < 200 * width; i++) data[i] = (uint8_t)next_random();
      qv_array *values = slice_of(prim(types[w](), data, 200, width, valid), 10, 150);
      int64_t idx64[300];
      int32_t idx32[300];
      for (int k = 0; k < 300; k++) idx32[k] = (int32_t)(idx64[k] = (int64_t)(next_random() % 150));
      qv_array *idx = wide ? prim(qv_type_int64(), idx64, 300, 8, NULL) : prim(qv_type_int32(), idx32, 300, 4, NULL);
      qv_array *got = NULL;
      assert_int_equal(qv_compute_take(values, idx, &got, NULL), QV_OK);
      assert_int_equal(got->length, 300);
      for (int k = 0; k < 300; k++) {
        int64_t r = idx64[k];
        assert_int_equal(qv_array_is_valid(got, k), valid[10 + r] == '1');
        if (valid[10 + r] == '1')
          assert_memory_equal(qv_array_buffer_data(got, 1) + (got->offset + k) * width, data + (10 + r) * width,
                              (size_t)width);
      }
      qv_array_release(got);
      /* one index out of range: the general path names its row */
      if (wide) idx64[123] = 150;
      else idx32[123] = -1;
      qv_array_release(idx);
      idx = wide ? prim(qv_type_int64(), idx64, 300, 8, NULL) : prim(qv_type_int32(), idx32, 300, 4, NULL);
      qv_error e;
      got = NULL;
      assert_int_equal(qv_compute_take(values, idx, &got, &e), QV_ERR_OUT_OF_RANGE);
      assert_non_null(strstr(e.message, "row 123"));
      assert_null(got);
      qv_array_release(idx);
      qv_array_release(values);
    }
}

/* The int64/uint64 sums (AVX2 or portable): exact totals with nulls and
 * negative values, and the row where an overflowing sum leaves int64. */
static void sum_both_paths(void **state) {
  (void)state;
  int64_t v[N];
  char valid[N + 1];
  __int128 want = 0;
  for (int i = 0; i < N; i++) {
    v[i] = (int64_t)(next_random() >> 1) * ((i & 1) ? -1 : 1) / 4096;
    valid[i] = next_random() % 9 ? '1' : '0';
    if (valid[i] == '1' && i >= 3) want += v[i];
  }
  valid[N] = 0;
  qv_array *a = slice_of(prim(qv_type_int64(), v, N, 8, valid), 3, N - 3);
  for (int pass = 0; pass < 2; pass++) {
    qv__simd_force_portable(pass == 1);
    qv_scalar s;
    assert_int_equal(qv_compute_sum(a, &s, NULL), QV_OK);
    assert_int_equal(s.kind, QV_SCALAR_INT);
    assert_true(s.value.i == (int64_t)want);
  }
  qv_array_release(a);
  /* 100 values of INT64_MAX / 64: the running sum leaves int64 at row 64 */
  int64_t big[100];
  for (int i = 0; i < 100; i++) big[i] = INT64_MAX / 64;
  a = prim(qv_type_int64(), big, 100, 8, NULL);
  for (int pass = 0; pass < 2; pass++) {
    qv__simd_force_portable(pass == 1);
    qv_scalar s;
    qv_error e;
    assert_int_equal(qv_compute_sum(a, &s, &e), QV_ERR_OVERFLOW);
    assert_non_null(strstr(e.message, "row 64"));
  }
  qv_array_release(a);
  uint64_t u[N];
  unsigned __int128 uwant = 0;
  for (int i = 0; i < N; i++) uwant += (u[i] = next_random() >> 12);
  a = prim(qv_type_uint64(), u, N, 8, NULL);
  for (int pass = 0; pass < 2; pass++) {
    qv__simd_force_portable(pass == 1);
    qv_scalar s;
    assert_int_equal(qv_compute_sum(a, &s, NULL), QV_OK);
    assert_true(s.value.u == (uint64_t)uwant);
  }
  qv_array_release(a);
  qv__simd_force_portable(false);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(dispatch_follows_the_hook),
      cmocka_unit_test(filter_both_paths),
      cmocka_unit_test(filter_full_blocks),
      cmocka_unit_test(take_fast_path),
      cmocka_unit_test(sum_both_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
