/* Casts between the numeric types (int8..uint64, float32, float64) and
 * between them and bool.
 *
 * One conversion function per (source, target) pair, generated below, is a
 * plain loop the compiler vectorizes. Safety is checked block by block
 * before converting it: a branch-free "is any value in this block out of
 * range" pass, and only when that says yes a slow pass finds the first
 * *valid* row that is (null slots hold arbitrary bytes and never fail).
 * Blocks keep both passes inside the cache. Every loop is built three
 * times, for the baseline, AVX2 and AVX-512 (simd.h picks one per call),
 * and calls on large arrays split their blocks over the cores (split.h).
 * The result shares the input's validity bitmap when it can.
 *
 * What "out of range" means follows pyarrow's safe cast: an integer that the
 * target integer type cannot hold; a float that is NaN, infinite, outside
 * the target integer's range or not whole (truncation); an integer whose
 * magnitude exceeds the target float's exact-integer range (2^24 for
 * float32, 2^53 for float64). Float to float is never checked. Unsafe casts
 * wrap integers (two's complement) and saturate floats going to integers
 * (NaN gives 0): C leaves an out-of-range float-to-int conversion undefined,
 * so it never happens here.
 */
#include <math.h>

#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "compute/simd.h"
#include "core/internal.h"

#define CAST_BLOCK 4096
#define STREAM_STEP 512 /* values converted into an L1 buffer, then streamed out */

/* Bounds a source value must respect, in the source's own terms. */
typedef struct bounds {
  int64_t lo_i, hi_i; /* signed integer sources */
  uint64_t hi_u;      /* unsigned integer sources */
  double lo_d, hi_d;  /* float sources: lo_d <= x < hi_d and whole */
  bool check;         /* false: every value converts (float to float, widening) */
} bounds;

/* ---- range tests per source type: any-in-block and first valid row ---- */
/* Bitwise, not short-circuit, and on a local copy of the bounds: so the
 * "any" pass is one vectorizable loop. */
#define SIGNED_BAD(x, b) (((int64_t)(x) < (b).lo_i) | ((int64_t)(x) > (b).hi_i))
#define UNSIGNED_BAD(x, b) ((uint64_t)(x) > (b).hi_u)
#define FLOAT_BAD(x, b) \
  (!(((double)(x) >= (b).lo_d) & ((double)(x) < (b).hi_d)) | ((double)(x) != trunc((double)(x))))

#define DEFINE_TEST(SET, ATTR, NAME, T, BAD)                                                          \
  ATTR static int64_t SET##_first_bad_##NAME(const void *vp, int64_t n, const bounds *b, const qv_array *a, \
                                             int64_t row0) {                                              \
    const T *v = vp;                                                                                      \
    const bounds bb = *b;                                                                                 \
    int any = 0;                                                                                          \
    for (int64_t i = 0; i < n; i++) any |= BAD(v[i], bb);                                                 \
    if (!any) return -1;                                                                                  \
    for (int64_t i = 0; i < n; i++)                                                                       \
      if (BAD(v[i], bb) && qv_array_is_valid(a, row0 + i)) return i;                                      \
    return -1;                                                                                            \
  }

/* ---- conversions ---- */
/* Integer to integer: through uint64, modulo 2^bits (no signed overflow). */
#define CONV_INT(S, D, x) ((D)(uint64_t)(x))
/* Anything to float: C's conversion (rounds to nearest). */
#define CONV_TO_FLOAT(S, D, x) ((D)(x))
/* Float to integer: saturating, NaN to 0. */
#define CONV_F2I(S, D, x) float_to_##D(x)

static inline int8_t float_to_int8_t(double x) { return x != x ? 0 : x <= -128.0 ? INT8_MIN : x >= 128.0 ? INT8_MAX : (int8_t)x; }
static inline int16_t float_to_int16_t(double x) { return x != x ? 0 : x <= -32768.0 ? INT16_MIN : x >= 32768.0 ? INT16_MAX : (int16_t)x; }
static inline int32_t float_to_int32_t(double x) { return x != x ? 0 : x <= -2147483648.0 ? INT32_MIN : x >= 2147483648.0 ? INT32_MAX : (int32_t)x; }
static inline int64_t float_to_int64_t(double x) { return x != x ? 0 : x <= -9223372036854775808.0 ? INT64_MIN : x >= 9223372036854775808.0 ? INT64_MAX : (int64_t)x; }
static inline uint8_t float_to_uint8_t(double x) { return !(x > 0) ? 0 : x >= 256.0 ? UINT8_MAX : (uint8_t)x; }
static inline uint16_t float_to_uint16_t(double x) { return !(x > 0) ? 0 : x >= 65536.0 ? UINT16_MAX : (uint16_t)x; }
static inline uint32_t float_to_uint32_t(double x) { return !(x > 0) ? 0 : x >= 4294967296.0 ? UINT32_MAX : (uint32_t)x; }
static inline uint64_t float_to_uint64_t(double x) { return !(x > 0) ? 0 : x >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)x; }

#define DEFINE_CONV(SET, ATTR, SN, S, DN, D, HOW)                        \
  ATTR static void SET##_conv_##SN##_##DN(const void *sp, void *dp, int64_t n) { \
    const S *s = sp;                                                     \
    D *d = dp;                                                           \
    for (int64_t i = 0; i < n; i++) d[i] = HOW(S, D, s[i]);              \
  }

/* Every target of one source type; TO_INT is how the integer targets are
 * converted (CONV_INT from integers, CONV_F2I from floats). */
#define NUMERIC_TARGETS(SET, ATTR, SN, S, TO_INT)                \
  DEFINE_CONV(SET, ATTR, SN, S, int8, int8_t, TO_INT)            \
  DEFINE_CONV(SET, ATTR, SN, S, int16, int16_t, TO_INT)          \
  DEFINE_CONV(SET, ATTR, SN, S, int32, int32_t, TO_INT)          \
  DEFINE_CONV(SET, ATTR, SN, S, int64, int64_t, TO_INT)          \
  DEFINE_CONV(SET, ATTR, SN, S, uint8, uint8_t, TO_INT)          \
  DEFINE_CONV(SET, ATTR, SN, S, uint16, uint16_t, TO_INT)        \
  DEFINE_CONV(SET, ATTR, SN, S, uint32, uint32_t, TO_INT)        \
  DEFINE_CONV(SET, ATTR, SN, S, uint64, uint64_t, TO_INT)        \
  DEFINE_CONV(SET, ATTR, SN, S, float32, float, CONV_TO_FLOAT)   \
  DEFINE_CONV(SET, ATTR, SN, S, float64, double, CONV_TO_FLOAT)

typedef void (*conv_fn)(const void *, void *, int64_t);
typedef int64_t (*test_fn)(const void *, int64_t, const bounds *, const qv_array *, int64_t);

/* One set of kernels: conversions indexed [source][target] and range tests
 * indexed [source] by numeric_index() (int8..int64, uint8..uint64,
 * float32, float64). */
typedef struct kernel_set {
  conv_fn conversions[10][10];
  test_fn tests[10];
} kernel_set;

#define ROW(SET, SN)                                                                               \
  {SET##_conv_##SN##_int8,   SET##_conv_##SN##_int16,  SET##_conv_##SN##_int32,                    \
   SET##_conv_##SN##_int64,  SET##_conv_##SN##_uint8,  SET##_conv_##SN##_uint16,                   \
   SET##_conv_##SN##_uint32, SET##_conv_##SN##_uint64, SET##_conv_##SN##_float32,                  \
   SET##_conv_##SN##_float64}

/* The whole set, built under one target attribute (the compiler vectorizes
 * each loop for that instruction set: AVX-512 converts int64 to double and
 * compares int64 lanes in one instruction each; the baseline cannot). */
#define DEFINE_KERNEL_SET(SET, ATTR)                                                                        \
  DEFINE_TEST(SET, ATTR, int8, int8_t, SIGNED_BAD)                                                          \
  DEFINE_TEST(SET, ATTR, int16, int16_t, SIGNED_BAD)                                                        \
  DEFINE_TEST(SET, ATTR, int32, int32_t, SIGNED_BAD)                                                        \
  DEFINE_TEST(SET, ATTR, int64, int64_t, SIGNED_BAD)                                                        \
  DEFINE_TEST(SET, ATTR, uint8, uint8_t, UNSIGNED_BAD)                                                      \
  DEFINE_TEST(SET, ATTR, uint16, uint16_t, UNSIGNED_BAD)                                                    \
  DEFINE_TEST(SET, ATTR, uint32, uint32_t, UNSIGNED_BAD)                                                    \
  DEFINE_TEST(SET, ATTR, uint64, uint64_t, UNSIGNED_BAD)                                                    \
  DEFINE_TEST(SET, ATTR, float32, float, FLOAT_BAD)                                                         \
  DEFINE_TEST(SET, ATTR, float64, double, FLOAT_BAD)                                                        \
  NUMERIC_TARGETS(SET, ATTR, int8, int8_t, CONV_INT)                                                        \
  NUMERIC_TARGETS(SET, ATTR, int16, int16_t, CONV_INT)                                                      \
  NUMERIC_TARGETS(SET, ATTR, int32, int32_t, CONV_INT)                                                      \
  NUMERIC_TARGETS(SET, ATTR, int64, int64_t, CONV_INT)                                                      \
  NUMERIC_TARGETS(SET, ATTR, uint8, uint8_t, CONV_INT)                                                      \
  NUMERIC_TARGETS(SET, ATTR, uint16, uint16_t, CONV_INT)                                                    \
  NUMERIC_TARGETS(SET, ATTR, uint32, uint32_t, CONV_INT)                                                    \
  NUMERIC_TARGETS(SET, ATTR, uint64, uint64_t, CONV_INT)                                                    \
  NUMERIC_TARGETS(SET, ATTR, float32, float, CONV_F2I)                                                      \
  NUMERIC_TARGETS(SET, ATTR, float64, double, CONV_F2I)                                                     \
  static const kernel_set SET##_kernels = {                                                                 \
      {ROW(SET, int8), ROW(SET, int16), ROW(SET, int32), ROW(SET, int64), ROW(SET, uint8), ROW(SET, uint16), \
       ROW(SET, uint32), ROW(SET, uint64), ROW(SET, float32), ROW(SET, float64)},                           \
      {SET##_first_bad_int8, SET##_first_bad_int16, SET##_first_bad_int32, SET##_first_bad_int64,           \
       SET##_first_bad_uint8, SET##_first_bad_uint16, SET##_first_bad_uint32, SET##_first_bad_uint64,       \
       SET##_first_bad_float32, SET##_first_bad_float64}};

#define NO_ATTR
DEFINE_KERNEL_SET(portable, NO_ATTR)
#if QV__HAVE_AVX2_TARGET
DEFINE_KERNEL_SET(avx2, QV__TARGET_AVX2)
#endif
#if QV__HAVE_AVX512_TARGET
DEFINE_KERNEL_SET(avx512, QV__TARGET_AVX512)
#endif

static const kernel_set *kernels_now(void) {
  switch (qv__simd_level_now()) { /* the instruction set, once per call */
#if QV__HAVE_AVX512_TARGET
    case QV__SIMD_AVX512: return &avx512_kernels;
#endif
#if QV__HAVE_AVX2_TARGET
    case QV__SIMD_AVX2: return &avx2_kernels;
#endif
    default: return &portable_kernels;
  }
}

int qv__cast_numeric_index(qv_type_id id) {
  switch (id) { /* the logical number kinds: once per call */
    case QV_TYPE_INT8: return 0;
    case QV_TYPE_INT16: return 1;
    case QV_TYPE_INT32: return 2;
    case QV_TYPE_INT64: return 3;
    case QV_TYPE_UINT8: return 4;
    case QV_TYPE_UINT16: return 5;
    case QV_TYPE_UINT32: return 6;
    case QV_TYPE_UINT64: return 7;
    case QV_TYPE_FLOAT32: return 8;
    case QV_TYPE_FLOAT64: return 9;
    default: return -1;
  }
}

static const int widths[10] = {1, 2, 4, 8, 1, 2, 4, 8, 4, 8};
static const int bit_counts[8] = {8, 16, 32, 64, 8, 16, 32, 64};

/* What source index s must respect to go to target index d. */
static bounds bounds_for(int s, int d) {
  bounds b = {0};
  b.check = true;
  if (d >= 8) { /* to a float: integers beyond the exact range fail */
    int64_t lim = d == 8 ? ((int64_t)1 << 24) : ((int64_t)1 << 53);
    if (s >= 8) b.check = false;
    b.lo_i = -lim;
    b.hi_i = lim;
    b.hi_u = (uint64_t)lim;
    if (s < 8 && bit_counts[s] < (d == 8 ? 25 : 54)) b.check = false;
    return b;
  }
  int bits = bit_counts[d];
  bool dsigned = d < 4;
  if (dsigned) {
    b.lo_i = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
    b.hi_i = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    b.hi_u = (uint64_t)b.hi_i;
    b.lo_d = -ldexp(1.0, bits - 1);
    b.hi_d = ldexp(1.0, bits - 1);
  } else {
    b.lo_i = 0;
    b.hi_i = bits == 64 ? INT64_MAX : (int64_t)(((uint64_t)1 << bits) - 1);
    b.hi_u = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    b.lo_d = 0.0;
    b.hi_d = ldexp(1.0, bits);
  }
  /* Widening integer casts of the same signedness can never fail. */
  if (s < 8 && (s < 4) == dsigned && bit_counts[s] <= bits) b.check = false;
  if (s < 8 && s >= 4 && dsigned && bit_counts[s] < bits) b.check = false;
  return b;
}

static void describe(const qv_array *a, int s, int64_t row, char *buf, size_t cap) {
  const uint8_t *p = qv_array_buffer_data(a, 1) + (a->offset + row) * widths[s];
  if (s < 4) {
    int64_t v = s == 0 ? *(const int8_t *)p : s == 1 ? *(const int16_t *)(const void *)p
                : s == 2 ? *(const int32_t *)(const void *)p : *(const int64_t *)(const void *)p;
    snprintf(buf, cap, "%lld", (long long)v);
  } else if (s < 8) {
    uint64_t v = s == 4 ? *p : s == 5 ? *(const uint16_t *)(const void *)p
                 : s == 6 ? *(const uint32_t *)(const void *)p : *(const uint64_t *)(const void *)p;
    snprintf(buf, cap, "%llu", (unsigned long long)v);
  } else {
    double v = s == 8 ? (double)*(const float *)(const void *)p : *(const double *)(const void *)p;
    snprintf(buf, cap, "%.17g", v);
  }
}

/* One call, split into parts of whole blocks (split.h). */
typedef struct cast_run {
  const qv_array *a;
  const uint8_t *src;
  uint8_t *dst;
  int s, d;
  bool check;
  bounds b;
  conv_fn conv;
  test_fn test;
  bool stream; /* the output is too large for the cache: convert, then stream */
  qv_type_id to; /* for messages */
  int64_t blocks_per_part;
} cast_run;

/* The error for the first valid row, `row`, whose value does not fit. */
static qv_status misfit(const cast_run *r, int64_t row, qv_error *err) {
  char text[40];
  describe(r->a, r->s, row, text, sizeof text);
  return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: value %s does not fit %s%s", (long long)row, text,
                      qv_type_id_name(r->to),
                      r->s >= 8 && r->d < 8 ? " (out of range or not whole; pass safe=false to truncate)" : "");
}

/* Part p's blocks; fails at its first value that does not fit (parts are
 * in row order, so the lowest failing part holds the first such row). */
static qv_status cast_part(void *ctx, int64_t p, int worker, qv_error *err) {
  const cast_run *r = ctx;
  const int64_t n = r->a->length, ws = widths[r->s], wd = widths[r->d];
  int64_t i = p * r->blocks_per_part * CAST_BLOCK, end = i + r->blocks_per_part * CAST_BLOCK;
  if (end > n) end = n;
  for (; i < end; i += CAST_BLOCK) {
    const int64_t m = end - i < CAST_BLOCK ? end - i : CAST_BLOCK;
    if (r->check) {
      const int64_t bad = r->test(r->src + i * ws, m, &r->b, r->a, i);
      if (bad >= 0) return misfit(r, i + bad, err);
    }
    if (!r->stream) {
      r->conv(r->src + i * ws, r->dst + i * wd, m);
      continue;
    }
    for (int64_t k = 0; k < m; k += STREAM_STEP) { /* through a buffer that stays in L1 */
      uint64_t tmp[STREAM_STEP];
      const int64_t mk = m - k < STREAM_STEP ? m - k : STREAM_STEP;
      r->conv(r->src + (i + k) * ws, tmp, mk);
      qv__compute_stream_copy(r->dst + (i + k) * wd, tmp, mk * wd);
    }
  }
  return QV_OK;
}

qv_status qv__cast_numeric(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  int s = qv__cast_numeric_index(a->type->id), d = qv__cast_numeric_index(to->id);
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls = 0, bytes, n = a->length;
  qv_status st;
  if (s < 0 || d < 0) return qv_error_set(err, QV_ERR_TYPE, "cast: internal: not numeric");
  if (qv__mul_overflow_i64(n, widths[d], &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld values overflow", (long long)n);
  QV_RETURN_IF_ERROR(qv__compute_share_validity(a, &validity, &nulls, err));
  st = qv_buffer_allocate(NULL, bytes, false, &values, err);
  if (st != QV_OK) goto done;
  const kernel_set *k = kernels_now();
  const uint8_t *base = qv_array_buffer_data(a, 1);
  const int64_t n_blocks = (n + CAST_BLOCK - 1) / CAST_BLOCK;
  int parts = qv__compute_parts(n);
  cast_run r = {.a = a,
                .src = base != NULL ? base + a->offset * widths[s] : qv__array_buffer_or_empty(a, 1),
                .dst = values->data,
                .s = s,
                .d = d,
                .b = bounds_for(s, d),
                .conv = k->conversions[s][d],
                .test = k->tests[s],
                .to = to->id};
  r.check = safe && r.b.check;
  r.stream = bytes >= QV__STREAM_MIN_BYTES;
  if (parts > n_blocks) parts = n_blocks > 0 ? (int)n_blocks : 1;
  r.blocks_per_part = (n_blocks + parts - 1) / parts;
  st = qv__parallel_run(parts, parts, cast_part, &r, err);
  if (st != QV_OK) goto done;
  st = qv_array_new(to, n, 0, nulls, 2, (qv_buffer *[]){validity, values}, 0, NULL, NULL, out, err);
done:
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

/* ---- bool ---- */

qv_status qv__cast_to_bool(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  int s = qv__cast_numeric_index(a->type->id);
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = a->length;
  if (s < 0) return qv_error_set(err, QV_ERR_TYPE, "cast: internal: not numeric");
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__compute_new_bitmap(n, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  const uint8_t *base = qv_array_buffer_data(a, 1);
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *p = base + (a->offset + i) * widths[s];
    bool nonzero;
    if (s >= 8) {
      double v = s == 8 ? (double)*(const float *)(const void *)p : *(const double *)(const void *)p;
      nonzero = v != 0.0; /* NaN is true, as in pyarrow */
    } else {
      nonzero = false;
      for (int k = 0; k < widths[s]; k++) nonzero |= p[k] != 0;
    }
    if (nonzero) qv_bit_set(values->data, i);
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}

qv_status qv__cast_from_bool(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  int d = qv__cast_numeric_index(to->id);
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = a->length, bytes;
  if (d < 0) return qv_error_set(err, QV_ERR_TYPE, "cast: internal: not numeric");
  if (qv__mul_overflow_i64(n, widths[d], &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld values overflow", (long long)n);
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, bytes, true, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  const uint8_t *bits = qv__array_buffer_or_empty(a, 1);
  for (int64_t i = 0; i < n; i++) {
    if (!qv_bit_get(bits, a->offset + i)) continue;
    uint8_t *p = values->data + i * widths[d];
    if (d == 8) {
      float one = 1.0f;
      memcpy(p, &one, 4);
    } else if (d == 9) {
      double one = 1.0;
      memcpy(p, &one, 8);
    } else {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
      p[widths[d] - 1] = 1;
#else
      p[0] = 1;
#endif
    }
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}
