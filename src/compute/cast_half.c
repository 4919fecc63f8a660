/* Casts to and from float16 (halffloat).
 *
 * float16 -> number: every half value is exactly a float32, so the input is
 * widened to float32 and cast from there (the float32 rules apply: safe
 * casts to integers fail on values that are not whole or out of range).
 * float16 -> string: widened to float64 first, whose shortest text is what
 * pyarrow prints. number -> float16: through float64, then rounded to the
 * nearest half, ties to even (one rounding, so never a double-rounding
 * error); floats out of range become infinities as in pyarrow, and a safe
 * cast of an integer beyond the exact-integer range of float16 (2^11) fails
 * as quiver's float32/float64 casts do at 2^24 / 2^53. string -> float16
 * parses a float64 and rounds it. bool and decimals are refused, as pyarrow.
 */
#include <math.h>

#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "core/half.h"
#include "core/internal.h"
#include "quiver/compute.h"

/* The half nearest to d, ties to even. */
static uint16_t half_from_double(double d) {
  uint16_t sign = signbit(d) ? 0x8000 : 0;
  if (d != d) return sign | 0x7E00;
  double a = fabs(d);
  if (a >= 65520.0) return sign | 0x7C00; /* 65520 is halfway to 2^16: rounds to infinity */
  if (a < 0x1p-14) return sign | (uint16_t)nearbyint(a * 0x1p24); /* subnormal: multiples of 2^-24 */
  int e;
  double m = nearbyint(ldexp(frexp(a, &e), 11)); /* 11 significant bits, rounded once */
  if (m == 2048.0) {
    m = 1024.0;
    e++;
  }
  int exp = e - 1 + 15;
  if (exp >= 31) return sign | 0x7C00;
  return (uint16_t)(sign | exp << 10 | ((uint16_t)m - 1024));
}

/* A float32 (or float64) array with the half values of `a`. */
static qv_status widen(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, bytes, n = a->length, w = to->id == QV_TYPE_FLOAT32 ? 4 : 8;
  if (qv__mul_overflow_i64(n, w, &bytes)) return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld values overflow", (long long)n);
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, bytes, false, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  const uint8_t *src = qv__array_buffer_or_empty(a, 1);
  for (int64_t i = 0; i < n; i++) {
    uint16_t h;
    memcpy(&h, src + (a->offset + i) * 2, 2);
    float f = qv__half_to_float(h);
    if (w == 4) {
      memcpy(values->data + i * 4, &f, 4);
    } else {
      double d = f;
      memcpy(values->data + i * 8, &d, 8);
    }
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}

/* float64 values (already cast from the source) rounded to halves; `ints`
 * is the integer source when a safe range check applies. */
static qv_status narrow(const qv_array *d64, const qv_array *ints, qv_type *to, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = d64->length;
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(d64, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, n * 2, true, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  const uint8_t *src = qv_array_buffer_data(d64, 1);
  for (int64_t i = 0; i < n; i++) {
    double d;
    memcpy(&d, src + (d64->offset + i) * 8, 8);
    if (ints != NULL && fabs(d) > 2048.0 && qv_array_is_valid(d64, i)) {
      qv_buffer_release(validity);
      qv_buffer_release(values);
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "cast: row %lld: value %.17g does not fit halffloat exactly (beyond 2^11; pass safe=false "
                          "to round)",
                          (long long)i, d);
    }
    uint16_t h = half_from_double(d);
    memcpy(values->data + i * 2, &h, 2);
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}

static qv_status refuse(const qv_array *a, const qv_type *to, qv_error *err) {
  char from[64], into[64];
  qv_type_format(a->type, from, sizeof from);
  qv_type_format(to, into, sizeof into);
  return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from %s to %s is not supported", from, into);
}

qv_status qv__cast_half(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_type_id from = a->type->id, into = to->id;
  qv_array *mid = NULL;
  qv_status st;
  if (from == QV_TYPE_FLOAT16) {
    bool text = qv__is_string_id(into);
    if (!text && qv__cast_numeric_index(into) < 0) return refuse(a, to, err);
    QV_RETURN_IF_ERROR(widen(a, text ? qv_type_float64() : qv_type_float32(), &mid, err));
    st = qv_compute_cast(mid, to, safe, out, err);
    qv_array_release(mid);
    return st;
  }
  bool text = qv__is_string_id(from);
  if (!text && qv__cast_numeric_index(from) < 0) return refuse(a, to, err);
  st = text ? qv__cast_parse(a, qv_type_float64(), true, &mid, err) : qv__cast_numeric(a, qv_type_float64(), false, &mid, err);
  if (st != QV_OK) return st;
  st = narrow(mid, safe && qv_type_is_integer(from) ? a : NULL, to, out, err);
  qv_array_release(mid);
  return st;
}
