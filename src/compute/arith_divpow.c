/* divide and power (plain and checked) on numeric arrays, and the unary
 * negate and abs, as pyarrow defines them:
 *   - integer divide truncates toward zero; a zero divisor in a valid row is
 *     an error ("divide by zero") in both forms; MIN / -1 gives 0 plain and
 *     an overflow error checked. Float divide is IEEE 754 plain; checked, a
 *     zero divisor is an error.
 *   - integer power: a negative exponent is an error; the result wraps
 *     plain and is an overflow error checked. Float power is C's pow().
 *   - negate and abs wrap on integers (MIN stays MIN) and fail on that row
 *     checked; negate_checked has no unsigned form (QV_ERR_NOT_IMPLEMENTED).
 * Null rows never fail: their bytes are arbitrary.
 */
#include <math.h>

#include "compute/arith_internal.h"
#include "compute/kernel_util.h"
#include "core/internal.h"
#include "quiver/compute.h"

#define VALID(i) (valid == NULL || qv_bit_get(valid, (i)))
/* x < 0 for a signed T, without a type-limits warning for unsigned T. */
#define IS_NEG(SIGNED, x) ((SIGNED) && ((uint64_t)(int64_t)(x) >> 63) != 0)

/* Wrapping integer power by squaring (through uint64); *overflow says
 * whether the true result left T. */
#define DEFINE_IPOW(NAME, T, SIGNED)                                                \
  static T ipow_##NAME(T base, T exp, bool *overflow) {                           \
    T r = 1, x = base;                                                             \
    bool of = false;                                                               \
    uint64_t e = (uint64_t)exp;                                                    \
    while (e) {                                                                    \
      if (e & 1) of |= __builtin_mul_overflow(r, x, &r);                           \
      e >>= 1;                                                                     \
      if (e) of |= __builtin_mul_overflow(x, x, &x);                               \
    }                                                                              \
    *overflow = of;                                                                \
    return r;                                                                      \
  }

#define DEFINE_INT_DIVPOW(NAME, T, SIGNED, MIN)                                                                  \
  DEFINE_IPOW(NAME, T, SIGNED)                                                                                   \
  static int64_t divpow_##NAME(qv_arith_op op, bool checked, const void *av, const void *bv, int b_step,        \
                               int64_t n, void *outv, const uint8_t *valid, const char **why) {                  \
    const T *a = av, *b = bv;                                                                                    \
    T *out = outv;                                                                                               \
    for (int64_t i = 0; i < n; i++) {                                                                            \
      T x = a[i], y = b[b_step ? i : 0];                                                                         \
      out[i] = 0;                                                                                                \
      if (op == QV_ARITH_DIVIDE) {                                                                               \
        if (y == 0) {                                                                                            \
          if (VALID(i)) return (*why = "divide by zero", i);                                                     \
          continue;                                                                                              \
        }                                                                                                        \
        if (SIGNED && x == (T)(MIN) && y == (T)-1) {                                                             \
          if (checked && VALID(i)) return (*why = "overflow", i);                                                \
          continue;                                                                                              \
        }                                                                                                        \
        out[i] = (T)(x / y);                                                                                     \
      } else {                                                                                                   \
        bool of;                                                                                                 \
        if (IS_NEG(SIGNED, y)) {                                                                                \
          if (VALID(i)) return (*why = "integers to negative integer powers are not allowed", i);               \
          continue;                                                                                              \
        }                                                                                                        \
        out[i] = ipow_##NAME(x, y, &of);                                                                         \
        if (of && checked && VALID(i)) return (*why = "overflow", i);                                            \
      }                                                                                                          \
    }                                                                                                            \
    return -1;                                                                                                   \
  }

DEFINE_INT_DIVPOW(int8, int8_t, 1, INT8_MIN)
DEFINE_INT_DIVPOW(int16, int16_t, 1, INT16_MIN)
DEFINE_INT_DIVPOW(int32, int32_t, 1, INT32_MIN)
DEFINE_INT_DIVPOW(int64, int64_t, 1, INT64_MIN)
DEFINE_INT_DIVPOW(uint8, uint8_t, 0, 0)
DEFINE_INT_DIVPOW(uint16, uint16_t, 0, 0)
DEFINE_INT_DIVPOW(uint32, uint32_t, 0, 0)
DEFINE_INT_DIVPOW(uint64, uint64_t, 0, 0)

#define DEFINE_FLOAT_DIVPOW(NAME, T, POW)                                                                        \
  static int64_t divpow_##NAME(qv_arith_op op, bool checked, const void *av, const void *bv, int b_step,        \
                               int64_t n, void *outv, const uint8_t *valid, const char **why) {                  \
    const T *a = av, *b = bv;                                                                                    \
    T *out = outv;                                                                                               \
    if (op == QV_ARITH_POWER) {                                                                                  \
      for (int64_t i = 0; i < n; i++) out[i] = POW(a[i], b[b_step ? i : 0]);                                     \
      return -1;                                                                                                 \
    }                                                                                                            \
    for (int64_t i = 0; i < n; i++) {                                                                            \
      T y = b[b_step ? i : 0];                                                                                   \
      if (checked && y == 0 && VALID(i)) return (*why = "divide by zero", i);                                    \
      out[i] = a[i] / y;                                                                                         \
    }                                                                                                            \
    return -1;                                                                                                   \
  }
DEFINE_FLOAT_DIVPOW(float32, float, powf)
DEFINE_FLOAT_DIVPOW(float64, double, pow)

qv__divpow_fn qv__compute_divpow_kernel(qv_type_id id) {
  switch (id) { /* once per call */
    case QV_TYPE_INT8: return divpow_int8;
    case QV_TYPE_INT16: return divpow_int16;
    case QV_TYPE_INT32: return divpow_int32;
    case QV_TYPE_INT64: return divpow_int64;
    case QV_TYPE_UINT8: return divpow_uint8;
    case QV_TYPE_UINT16: return divpow_uint16;
    case QV_TYPE_UINT32: return divpow_uint32;
    case QV_TYPE_UINT64: return divpow_uint64;
    case QV_TYPE_FLOAT32: return divpow_float32;
    case QV_TYPE_FLOAT64: return divpow_float64;
    default: return NULL;
  }
}

/* ---- negate, abs ---- */

#define DEFINE_UNARY_INT(NAME, T, SIGNED, MIN)                                                                   \
  static int64_t unary_##NAME(bool is_abs, bool checked, const void *av, int64_t n, void *outv,                 \
                              const uint8_t *valid) {                                                            \
    const T *a = av;                                                                                             \
    T *out = outv;                                                                                               \
    for (int64_t i = 0; i < n; i++) {                                                                            \
      T x = a[i];                                                                                                \
      bool neg = is_abs ? IS_NEG(SIGNED, x) : true;                                                           \
      if (SIGNED && neg && x == (T)(MIN) && checked && VALID(i)) return i;                                       \
      out[i] = neg ? (T)(0 - (uint64_t)x) : x;                                                                   \
    }                                                                                                            \
    return -1;                                                                                                   \
  }
DEFINE_UNARY_INT(int8, int8_t, 1, INT8_MIN)
DEFINE_UNARY_INT(int16, int16_t, 1, INT16_MIN)
DEFINE_UNARY_INT(int32, int32_t, 1, INT32_MIN)
DEFINE_UNARY_INT(int64, int64_t, 1, INT64_MIN)
DEFINE_UNARY_INT(uint8, uint8_t, 0, 0)
DEFINE_UNARY_INT(uint16, uint16_t, 0, 0)
DEFINE_UNARY_INT(uint32, uint32_t, 0, 0)
DEFINE_UNARY_INT(uint64, uint64_t, 0, 0)
#define DEFINE_UNARY_FLOAT(NAME, T, ABS)                                                                         \
  static int64_t unary_##NAME(bool is_abs, bool checked, const void *av, int64_t n, void *outv,                 \
                              const uint8_t *valid) {                                                            \
    const T *a = av;                                                                                             \
    T *out = outv;                                                                                               \
    (void)checked;                                                                                               \
    (void)valid;                                                                                                 \
    for (int64_t i = 0; i < n; i++) out[i] = is_abs ? ABS(a[i]) : -a[i];                                         \
    return -1;                                                                                                   \
  }
DEFINE_UNARY_FLOAT(float32, float, fabsf)
DEFINE_UNARY_FLOAT(float64, double, fabs)

typedef int64_t (*unary_fn)(bool, bool, const void *, int64_t, void *, const uint8_t *);

static qv_status unary(const char *fn, bool is_abs, bool checked, const qv_array *a, qv_array **out, qv_error *err) {
  unary_fn k;
  int width;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, bytes;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  qv_type_id id = a->type->id;
  switch (id) { /* once per call */
#define CASE(ID, NAME, W) case ID: k = unary_##NAME; width = W; break;
    CASE(QV_TYPE_INT8, int8, 1)
    CASE(QV_TYPE_INT16, int16, 2)
    CASE(QV_TYPE_INT32, int32, 4)
    CASE(QV_TYPE_INT64, int64, 8)
    CASE(QV_TYPE_UINT8, uint8, 1)
    CASE(QV_TYPE_UINT16, uint16, 2)
    CASE(QV_TYPE_UINT32, uint32, 4)
    CASE(QV_TYPE_UINT64, uint64, 8)
    CASE(QV_TYPE_FLOAT32, float32, 4)
    CASE(QV_TYPE_FLOAT64, float64, 8)
#undef CASE
    default: return qv_error_set(err, QV_ERR_TYPE, "%s: type %s is not supported (integers, float32, float64)", fn,
                                 qv_type_id_name(id));
  }
  if (!is_abs && checked && qv_type_is_integer(id) && !qv_type_is_signed_integer(id))
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "%s: has no kernel for unsigned %s", fn, qv_type_id_name(id));
  if (qv__mul_overflow_i64(a->length, width, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "%s: %lld values overflow", fn, (long long)a->length);
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, bytes, false, &values, err);
  if (st == QV_OK && a->length > 0) {
    const uint8_t *base = qv_array_buffer_data(a, 1);
    int64_t row = k(is_abs, checked, base + a->offset * width, a->length, values->data, validity ? validity->data : NULL);
    if (row >= 0)
      st = qv_error_set(err, QV_ERR_OVERFLOW, "%s: overflow at row %lld (%s has no positive counterpart of its minimum)",
                        fn, (long long)row, qv_type_id_name(id));
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(a->type, a->length, validity, values, out, err);
}

qv_status qv_compute_negate(const qv_array *a, bool checked, qv_array **out, qv_error *err) {
  return unary(checked ? "negate_checked" : "negate", false, checked, a, out, err);
}
qv_status qv_compute_abs(const qv_array *a, bool checked, qv_array **out, qv_error *err) {
  return unary(checked ? "abs_checked" : "abs", true, checked, a, out, err);
}
