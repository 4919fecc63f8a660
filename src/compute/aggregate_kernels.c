/* Typed inner loops of the scalar aggregations: sum, min/max, and the bool
 * counter.
 *
 * Each kernel walks its window in blocks of 64 slots, reading the matching
 * 64 validity bits once: a block with no nulls runs a plain loop, a block
 * with some runs the same loop with a select (null slots contribute the
 * identity), an all-null block is skipped. The loops have no type switch and
 * no branch per element, so the compiler vectorises them.
 *
 * Integer sums are exact: a block's sum cannot overflow its block type (64
 * values of at most 32 bits each; 64-bit values are split into two 32-bit
 * halves), and block sums add into a 128-bit total, which no column can
 * overflow. The first row where the running total leaves the result type is
 * remembered, by re-walking only the block where that happened.
 */
#include <math.h>

#include "compute/aggregate_internal.h"
#include "compute/simd.h"
#include "core/half.h"

void qv__compute_acc_init(qv__agg_acc *acc) {
  memset(acc, 0, sizeof *acc);
  acc->overflow_row = -1;
  acc->imin = INT64_MAX;
  acc->imax = INT64_MIN;
  acc->umin = UINT64_MAX;
  acc->umax = 0;
  acc->fmin = INFINITY;
  acc->fmax = -INFINITY;
}

/* Validity of block [i, i + m): all ones when the array has no bitmap. */
static inline uint64_t block_validity(const qv_array *a, int64_t i, int64_t m) {
  return a->validity_ ? qv__bits_word(a->validity_, a->offset + i, m) : qv__low_bits(m);
}

static inline int64_t block_len(int64_t n, int64_t i) { return n - i < 64 ? n - i : 64; }

#define I64_OUT(t) ((t) > (qv__i128)INT64_MAX || (t) < (qv__i128)INT64_MIN)
#define U64_OUT(t) ((t) > (qv__u128)UINT64_MAX)

/* Signed 8/16/32-bit: block sums in int64. */
#define SUM_SIGNED_SMALL(NAME, T)                                                               \
  static void sum_##NAME(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {               \
    const T *v = qv_array_values_##NAME(a);                                                     \
    for (int64_t i = 0; i < a->length; i += 64) {                                              \
      int64_t m = block_len(a->length, i);                                                      \
      uint64_t w = block_validity(a, i, m);                                                     \
      int64_t s = 0;                                                                            \
      if (w == 0) continue;                                                                     \
      if (w == qv__low_bits(m)) {                                                               \
        for (int64_t j = 0; j < m; j++) s += v[i + j];                                          \
      } else {                                                                                  \
        for (int64_t j = 0; j < m; j++) s += ((w >> j) & 1) ? (int64_t)v[i + j] : 0;           \
      }                                                                                         \
      acc->valid += __builtin_popcountll(w);                                                    \
      qv__i128 before = acc->isum;                                                              \
      acc->isum += s;                                                                           \
      if (acc->overflow_row < 0 && I64_OUT(acc->isum)) {                                        \
        qv__i128 t = before;                                                                    \
        for (int64_t j = 0; j < m; j++) {                                                       \
          t += ((w >> j) & 1) ? (int64_t)v[i + j] : 0;                                          \
          if (I64_OUT(t)) { acc->overflow_row = row_base + i + j; break; }                      \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }

/* Unsigned 8/16/32-bit: block sums in uint64. */
#define SUM_UNSIGNED_SMALL(NAME, T)                                                             \
  static void sum_##NAME(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {               \
    const T *v = qv_array_values_##NAME(a);                                                     \
    for (int64_t i = 0; i < a->length; i += 64) {                                              \
      int64_t m = block_len(a->length, i);                                                      \
      uint64_t w = block_validity(a, i, m);                                                     \
      uint64_t s = 0;                                                                           \
      if (w == 0) continue;                                                                     \
      if (w == qv__low_bits(m)) {                                                               \
        for (int64_t j = 0; j < m; j++) s += v[i + j];                                          \
      } else {                                                                                  \
        for (int64_t j = 0; j < m; j++) s += ((w >> j) & 1) ? (uint64_t)v[i + j] : 0;          \
      }                                                                                         \
      acc->valid += __builtin_popcountll(w);                                                    \
      qv__u128 before = acc->usum;                                                              \
      acc->usum += s;                                                                           \
      if (acc->overflow_row < 0 && U64_OUT(acc->usum)) {                                        \
        qv__u128 t = before;                                                                    \
        for (int64_t j = 0; j < m; j++) {                                                       \
          t += ((w >> j) & 1) ? (uint64_t)v[i + j] : 0;                                         \
          if (U64_OUT(t)) { acc->overflow_row = row_base + i + j; break; }                      \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }

SUM_SIGNED_SMALL(int8, int8_t)
SUM_SIGNED_SMALL(int16, int16_t)
SUM_SIGNED_SMALL(int32, int32_t)
SUM_UNSIGNED_SMALL(uint8, uint8_t)
SUM_UNSIGNED_SMALL(uint16, uint16_t)
SUM_UNSIGNED_SMALL(uint32, uint32_t)

/* int64: each value is hi * 2^32 + lo with hi signed and lo in [0, 2^32);
 * 64 of either fit in 64 bits. hi is taken as the logical shift (which
 * SSE2 and AVX2 have; the arithmetic 64-bit shift needs AVX-512) minus
 * 2^32 for each negative value, counted apart. */
static inline __attribute__((always_inline)) void sum_int64_body(const qv_array *a, int64_t row_base,
                                                                  qv__agg_acc *acc) {
  const int64_t *v = qv_array_values_int64(a);
  for (int64_t i = 0; i < a->length; i += 64) {
    int64_t m = block_len(a->length, i);
    uint64_t w = block_validity(a, i, m);
    uint64_t lo = 0, hi = 0, neg = 0;
    if (w == 0) continue;
    if (w == qv__low_bits(m)) {
      for (int64_t j = 0; j < m; j++) {
        uint64_t x = (uint64_t)v[i + j];
        lo += x & 0xffffffffu;
        hi += x >> 32;
        neg += x >> 63;
      }
    } else {
      for (int64_t j = 0; j < m; j++) {
        uint64_t x = ((w >> j) & 1) ? (uint64_t)v[i + j] : 0;
        lo += x & 0xffffffffu;
        hi += x >> 32;
        neg += x >> 63;
      }
    }
    acc->valid += __builtin_popcountll(w);
    qv__i128 before = acc->isum;
    acc->isum += ((qv__i128)hi - (qv__i128)(neg << 32)) * ((qv__i128)1 << 32) + (qv__i128)lo;
    if (acc->overflow_row < 0 && I64_OUT(acc->isum)) {
      qv__i128 t = before;
      for (int64_t j = 0; j < m; j++) {
        t += ((w >> j) & 1) ? v[i + j] : 0;
        if (I64_OUT(t)) { acc->overflow_row = row_base + i + j; break; }
      }
    }
  }
}

static inline __attribute__((always_inline)) void sum_uint64_body(const qv_array *a, int64_t row_base,
                                                                   qv__agg_acc *acc) {
  const uint64_t *v = qv_array_values_uint64(a);
  for (int64_t i = 0; i < a->length; i += 64) {
    int64_t m = block_len(a->length, i);
    uint64_t w = block_validity(a, i, m);
    uint64_t lo = 0, hi = 0;
    if (w == 0) continue;
    if (w == qv__low_bits(m)) {
      for (int64_t j = 0; j < m; j++) {
        lo += v[i + j] & 0xffffffffu;
        hi += v[i + j] >> 32;
      }
    } else {
      for (int64_t j = 0; j < m; j++) {
        uint64_t x = ((w >> j) & 1) ? v[i + j] : 0;
        lo += x & 0xffffffffu;
        hi += x >> 32;
      }
    }
    acc->valid += __builtin_popcountll(w);
    qv__u128 before = acc->usum;
    acc->usum += ((qv__u128)hi << 32) + lo;
    if (acc->overflow_row < 0 && U64_OUT(acc->usum)) {
      qv__u128 t = before;
      for (int64_t j = 0; j < m; j++) {
        t += ((w >> j) & 1) ? v[i + j] : 0;
        if (U64_OUT(t)) { acc->overflow_row = row_base + i + j; break; }
      }
    }
  }
}

/* Floats: QV__FSUM_LANES running sums in double; null slots add +0.0. */
#define SUM_FLOAT(NAME, T)                                                                      \
  static inline __attribute__((always_inline)) void sum_##NAME##_body(const qv_array *a, int64_t row_base, \
                                                                      qv__agg_acc *acc) {       \
    const T *v = qv_array_values_##NAME(a);                                                     \
    double lane[QV__FSUM_LANES];                                                                \
    (void)row_base;                                                                             \
    memcpy(lane, acc->fsum, sizeof lane);                                                       \
    for (int64_t i = 0; i < a->length; i += 64) {                                              \
      int64_t m = block_len(a->length, i);                                                      \
      uint64_t w = block_validity(a, i, m);                                                     \
      int64_t j = 0;                                                                            \
      if (w == 0) continue;                                                                     \
      if (w == qv__low_bits(m)) {                                                               \
        for (; j + QV__FSUM_LANES <= m; j += QV__FSUM_LANES)                                    \
          for (int k = 0; k < QV__FSUM_LANES; k++) lane[k] += (double)v[i + j + k];             \
        for (; j < m; j++) lane[0] += (double)v[i + j];                                         \
      } else {                                                                                  \
        for (; j + QV__FSUM_LANES <= m; j += QV__FSUM_LANES)                                    \
          for (int k = 0; k < QV__FSUM_LANES; k++)                                              \
            lane[k] += ((w >> (j + k)) & 1) ? (double)v[i + j + k] : 0.0;                       \
        for (; j < m; j++) lane[0] += ((w >> j) & 1) ? (double)v[i + j] : 0.0;                  \
      }                                                                                         \
      acc->valid += __builtin_popcountll(w);                                                    \
    }                                                                                           \
    memcpy(acc->fsum, lane, sizeof lane);                                                       \
  }

SUM_FLOAT(float32, float)
SUM_FLOAT(float64, double)

/* The 64-bit integer sums twice: as the baseline compiles them, and with
 * AVX2 (the same loops, four 64-bit lanes instead of two: about twice the
 * in-cache throughput here, 49 against 25 GB/s). The float sums gain
 * nothing from it (they already run at the caches' speed), so they stay
 * single. qv__compute_sum_kernel picks per call (simd.h). */
#define SUM_TWO_WAYS(NAME)                                                                      \
  static void sum_##NAME(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {               \
    sum_##NAME##_body(a, row_base, acc);                                                        \
  }                                                                                             \
  SUM_AVX2(NAME)
#if QV__HAVE_AVX2_TARGET
#define SUM_AVX2(NAME)                                                                          \
  __attribute__((target("avx2,popcnt"))) static void sum_##NAME##_avx2(const qv_array *a, int64_t row_base, \
                                                                 qv__agg_acc *acc) {            \
    sum_##NAME##_body(a, row_base, acc);                                                        \
  }
#define PICK(NAME) (qv__simd_avx2() ? sum_##NAME##_avx2 : sum_##NAME)
#else
#define SUM_AVX2(NAME)
#define PICK(NAME) sum_##NAME
#endif
SUM_TWO_WAYS(int64)
SUM_TWO_WAYS(uint64)
static void sum_float32(const qv_array *a, int64_t row_base, qv__agg_acc *acc) { sum_float32_body(a, row_base, acc); }
static void sum_float64(const qv_array *a, int64_t row_base, qv__agg_acc *acc) { sum_float64_body(a, row_base, acc); }

/* Min/max with identities LO_ID (for min) and HI_ID (for max); null slots
 * take the identity. MERGE folds the block results into the accumulator. */
#define MINMAX_LOOP(T, LO_ID, HI_ID)                                                            \
  T mn = LO_ID, mx = HI_ID;                                                                     \
  for (int64_t i = 0; i < a->length; i += 64) {                                                \
    int64_t m = block_len(a->length, i);                                                        \
    uint64_t w = block_validity(a, i, m);                                                       \
    if (w == 0) continue;                                                                       \
    if (w == qv__low_bits(m)) {                                                                 \
      for (int64_t j = 0; j < m; j++) {                                                         \
        T x = v[i + j];                                                                         \
        mn = x < mn ? x : mn;                                                                   \
        mx = x > mx ? x : mx;                                                                   \
      }                                                                                         \
    } else {                                                                                    \
      for (int64_t j = 0; j < m; j++) {                                                         \
        int ok = (int)((w >> j) & 1);                                                           \
        T lo = ok ? v[i + j] : (T)(LO_ID);                                                      \
        T hi = ok ? v[i + j] : (T)(HI_ID);                                                      \
        mn = lo < mn ? lo : mn;                                                                 \
        mx = hi > mx ? hi : mx;                                                                 \
      }                                                                                         \
    }                                                                                           \
    acc->valid += __builtin_popcountll(w);                                                      \
  }

#define MINMAX_INT(NAME, T, LO_ID, HI_ID, FMIN, FMAX, WIDE)                                     \
  static void minmax_##NAME(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {            \
    const T *v = qv_array_values_##NAME(a);                                                     \
    (void)row_base;                                                                             \
    MINMAX_LOOP(T, LO_ID, HI_ID)                                                                \
    if ((WIDE)mn < acc->FMIN) acc->FMIN = (WIDE)mn;                                             \
    if ((WIDE)mx > acc->FMAX) acc->FMAX = (WIDE)mx;                                             \
  }

MINMAX_INT(int8, int8_t, INT8_MAX, INT8_MIN, imin, imax, int64_t)
MINMAX_INT(int16, int16_t, INT16_MAX, INT16_MIN, imin, imax, int64_t)
MINMAX_INT(int32, int32_t, INT32_MAX, INT32_MIN, imin, imax, int64_t)
MINMAX_INT(int64, int64_t, INT64_MAX, INT64_MIN, imin, imax, int64_t)
MINMAX_INT(uint8, uint8_t, UINT8_MAX, 0, umin, umax, uint64_t)
MINMAX_INT(uint16, uint16_t, UINT16_MAX, 0, umin, umax, uint64_t)
MINMAX_INT(uint32, uint32_t, UINT32_MAX, 0, umin, umax, uint64_t)
MINMAX_INT(uint64, uint64_t, UINT64_MAX, 0, umin, umax, uint64_t)

/* Floats: a NaN becomes the identity, so it never wins; non_nan tells
 * "only NaN" apart from "nothing". One pass, a select per value. */
#define MINMAX_FLOAT(NAME, T)                                                                   \
  static void minmax_##NAME(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {            \
    const T *v = qv_array_values_##NAME(a);                                                     \
    int64_t non_nan = 0;                                                                        \
    T mn = (T)INFINITY, mx = (T)-INFINITY;                                                      \
    (void)row_base;                                                                             \
    for (int64_t i = 0; i < a->length; i += 64) {                                              \
      int64_t m = block_len(a->length, i);                                                      \
      uint64_t w = block_validity(a, i, m);                                                     \
      int64_t nn = 0;                                                                           \
      if (w == 0) continue;                                                                     \
      for (int64_t j = 0; j < m; j++) {                                                         \
        T x = v[i + j];                                                                         \
        int ok = (int)((w >> j) & 1) & (x == x);                                                \
        T lo = ok ? x : (T)INFINITY;                                                            \
        T hi = ok ? x : (T)-INFINITY;                                                           \
        mn = lo < mn ? lo : mn;                                                                 \
        mx = hi > mx ? hi : mx;                                                                 \
        nn += ok;                                                                               \
      }                                                                                         \
      non_nan += nn;                                                                            \
      acc->valid += __builtin_popcountll(w);                                                    \
    }                                                                                           \
    acc->non_nan += non_nan;                                                                    \
    if ((double)mn < acc->fmin) acc->fmin = (double)mn;                                         \
    if ((double)mx > acc->fmax) acc->fmax = (double)mx;                                         \
  }

MINMAX_FLOAT(float32, float)
MINMAX_FLOAT(float64, double)

/* float16: each value widened to float (exactly), then as above. */
static void minmax_float16(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {
  const uint16_t *v = (const uint16_t *)(const void *)qv_array_buffer_data(a, 1) + a->offset;
  float mn = INFINITY, mx = -INFINITY;
  (void)row_base;
  for (int64_t i = 0; i < a->length; i += 64) {
    int64_t m = block_len(a->length, i);
    uint64_t w = block_validity(a, i, m);
    if (w == 0) continue;
    for (int64_t j = 0; j < m; j++) {
      float x = qv__half_to_float(v[i + j]);
      int ok = (int)((w >> j) & 1) & (x == x);
      acc->non_nan += ok;
      if (ok && x < mn) mn = x;
      if (ok && x > mx) mx = x;
    }
    acc->valid += __builtin_popcountll(w);
  }
  if ((double)mn < acc->fmin) acc->fmin = (double)mn;
  if ((double)mx > acc->fmax) acc->fmax = (double)mx;
}

void qv__compute_bool_kernel(const qv_array *a, int64_t row_base, qv__agg_acc *acc) {
  const uint8_t *values = qv_array_buffer_data(a, 1);
  (void)row_base;
  if (a->length == 0 || values == NULL) return;
  for (int64_t i = 0; i < a->length; i += 64) {
    int64_t m = block_len(a->length, i);
    uint64_t w = block_validity(a, i, m);
    uint64_t t = qv__bits_word(values, a->offset + i, m);
    acc->valid += __builtin_popcountll(w);
    acc->trues += __builtin_popcountll(w & t);
  }
}

qv__agg_kernel qv__compute_sum_kernel(qv_type_id id) {
  switch (id) { /* dispatch once per chunk on the storage type */
    case QV_TYPE_INT8: return sum_int8;
    case QV_TYPE_INT16: return sum_int16;
    case QV_TYPE_INT32: return sum_int32;
    case QV_TYPE_INT64: return PICK(int64);
    case QV_TYPE_UINT8: return sum_uint8;
    case QV_TYPE_UINT16: return sum_uint16;
    case QV_TYPE_UINT32: return sum_uint32;
    case QV_TYPE_UINT64: return PICK(uint64);
    case QV_TYPE_FLOAT32: return sum_float32;
    case QV_TYPE_FLOAT64: return sum_float64;
    default: return NULL;
  }
}

qv__agg_kernel qv__compute_minmax_kernel(qv_type_id id) {
  switch (id) {
    case QV_TYPE_INT8: return minmax_int8;
    case QV_TYPE_INT16: return minmax_int16;
    case QV_TYPE_INT32: return minmax_int32;
    case QV_TYPE_INT64: return minmax_int64;
    case QV_TYPE_UINT8: return minmax_uint8;
    case QV_TYPE_UINT16: return minmax_uint16;
    case QV_TYPE_UINT32: return minmax_uint32;
    case QV_TYPE_UINT64: return minmax_uint64;
    case QV_TYPE_FLOAT16: return minmax_float16;
    case QV_TYPE_FLOAT32: return minmax_float32;
    case QV_TYPE_FLOAT64: return minmax_float64;
    default: return NULL;
  }
}
