/* The scalar aggregations aggregate.c does not cover: product, variance and
 * stddev (with ddof), first and last, as pyarrow.compute computes them.
 *
 * product: signed integers multiply in int64 and unsigned in uint64,
 * wrapping like pyarrow's unchecked product; floats in float64. variance:
 * two passes (the mean, then the squared deviations) in float64, null when
 * there are no more valid values than ddof. first/last: the first (last)
 * valid slot of any type, read through the checked scalar accessor.
 * Nulls are skipped throughout; an input without a valid value gives null.
 */
#include <math.h>
#include <string.h>

#include "compute/aggregate_internal.h"
#include "core/layout.h"
#include "quiver/compute.h"

typedef enum num_kind { NUM_SIGNED, NUM_UNSIGNED, NUM_FLOAT, NUM_NONE } num_kind;

static num_kind kind_of(qv_type_id id) {
  switch (id) { /* logical: how this type multiplies */
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64: return NUM_SIGNED;
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64: return NUM_UNSIGNED;
    case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64: return NUM_FLOAT;
    default: return NUM_NONE;
  }
}

/* Slot i (valid, of a numeric array of `width` bytes) as each family. */
static inline int64_t as_signed(const uint8_t *v, int32_t w, int64_t i) {
  switch (w) {
    case 1: return (int8_t)v[i];
    case 2: { int16_t x; memcpy(&x, v + 2 * i, 2); return x; }
    case 4: { int32_t x; memcpy(&x, v + 4 * i, 4); return x; }
    default: { int64_t x; memcpy(&x, v + 8 * i, 8); return x; }
  }
}
static inline uint64_t as_unsigned(const uint8_t *v, int32_t w, int64_t i) {
  uint64_t x = 0;
  memcpy(&x, v + (int64_t)w * i, (size_t)w);
  return x;
}
static inline double as_double(num_kind k, const uint8_t *v, int32_t w, int64_t i) {
  if (k == NUM_SIGNED) return (double)as_signed(v, w, i);
  if (k == NUM_UNSIGNED) return (double)as_unsigned(v, w, i);
  if (w == 4) {
    float f;
    memcpy(&f, v + 4 * i, 4);
    return f;
  }
  double d;
  memcpy(&d, v + 8 * i, 8);
  return d;
}

static qv_status numeric_input(const qv_array *a, const char *fn, num_kind *k, const uint8_t **values, int32_t *w,
                               qv_error *err) {
  if (a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  const qv_type *storage = qv_type_storage(a->type);
  *k = kind_of(storage->id);
  if (*k == NUM_NONE) {
    char name[96];
    qv_type_format(a->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "%s: type %s is not supported (integers, float32, float64)", fn, name);
  }
  *w = qv__layout_width(&qv__layout_of(a->type)->buffers[1], storage);
  *values = qv_array_buffer_data(a, 1);
  if (*values != NULL) *values += a->offset * *w;
  return QV_OK;
}

static void set_null(qv_scalar *s, const qv_type *t) {
  memset(s, 0, sizeof *s);
  s->kind = QV_SCALAR_NULL;
  s->type = t;
}

qv_status qv_compute_product(const qv_array *a, qv_scalar *out, qv_error *err) {
  num_kind k;
  const uint8_t *v;
  int32_t w;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "product: NULL argument");
  QV_RETURN_IF_ERROR(numeric_input(a, "product", &k, &v, &w, err));
  uint64_t up = 1;
  double fp = 1.0;
  int64_t valid = 0;
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    valid++;
    if (k == NUM_SIGNED) up *= (uint64_t)as_signed(v, w, i); /* wraps like int64 two's complement */
    else if (k == NUM_UNSIGNED) up *= as_unsigned(v, w, i);
    else fp *= as_double(k, v, w, i);
  }
  set_null(out, k == NUM_SIGNED ? qv_type_int64() : k == NUM_UNSIGNED ? qv_type_uint64() : qv_type_float64());
  if (valid == 0) return QV_OK;
  if (k == NUM_SIGNED) {
    out->kind = QV_SCALAR_INT;
    out->value.i = (int64_t)up;
  } else if (k == NUM_UNSIGNED) {
    out->kind = QV_SCALAR_UINT;
    out->value.u = up;
  } else {
    out->kind = QV_SCALAR_FLOAT;
    out->value.f = fp;
  }
  return QV_OK;
}

static qv_status moments(const qv_array *a, int32_t ddof, bool root, qv_scalar *out, qv_error *err) {
  const char *fn = root ? "stddev" : "variance";
  num_kind k;
  const uint8_t *v;
  int32_t w;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  if (ddof < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: ddof %d is negative", fn, (int)ddof);
  QV_RETURN_IF_ERROR(numeric_input(a, fn, &k, &v, &w, err));
  double sum = 0.0;
  int64_t valid = 0;
  for (int64_t i = 0; i < a->length; i++)
    if (qv_array_is_valid(a, i)) {
      sum += as_double(k, v, w, i);
      valid++;
    }
  set_null(out, qv_type_float64());
  if (valid <= ddof) return QV_OK;
  double mean = sum / (double)valid, m2 = 0.0;
  for (int64_t i = 0; i < a->length; i++)
    if (qv_array_is_valid(a, i)) {
      double d = as_double(k, v, w, i) - mean;
      m2 += d * d;
    }
  double var = m2 / (double)(valid - ddof);
  out->kind = QV_SCALAR_FLOAT;
  out->value.f = root ? sqrt(var) : var;
  return QV_OK;
}

qv_status qv_compute_variance(const qv_array *a, int32_t ddof, qv_scalar *out, qv_error *err) {
  return moments(a, ddof, false, out, err);
}

qv_status qv_compute_stddev(const qv_array *a, int32_t ddof, qv_scalar *out, qv_error *err) {
  return moments(a, ddof, true, out, err);
}

static qv_status first_last(const qv_array *a, bool last, qv_scalar *out, qv_error *err) {
  const char *fn = last ? "last" : "first";
  if (a == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  set_null(out, a->type);
  for (int64_t k = 0; k < a->length; k++) {
    int64_t i = last ? a->length - 1 - k : k;
    if (!qv_array_is_valid_any(a, i)) continue;
    qv_status st = qv_array_get_scalar(a, i, out, err);
    if (st != QV_OK) qv_error_prefix(err, "%s: ", fn);
    return st;
  }
  return QV_OK;
}

qv_status qv_compute_first(const qv_array *a, qv_scalar *out, qv_error *err) { return first_last(a, false, out, err); }
qv_status qv_compute_last(const qv_array *a, qv_scalar *out, qv_error *err) { return first_last(a, true, out, err); }

bool qv__compute_extremes_scannable(qv_type_id id) {
  switch (id) { /* logical: the types ordered by their value's bytes or words */
    case QV_TYPE_DECIMAL32: case QV_TYPE_DECIMAL64: case QV_TYPE_DECIMAL128: case QV_TYPE_DECIMAL256:
    case QV_TYPE_STRING: case QV_TYPE_BINARY: case QV_TYPE_LARGE_STRING: case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_STRING_VIEW: case QV_TYPE_BINARY_VIEW: case QV_TYPE_FIXED_SIZE_BINARY:
      return true;
    default: return false;
  }
}

/* a < b for two valid scalars of one scannable type. */
static bool scalar_less(const qv_scalar *a, const qv_scalar *b) {
  if (a->kind == QV_SCALAR_DECIMAL) {
    if (a->value.decimal[3] != b->value.decimal[3]) return (int64_t)a->value.decimal[3] < (int64_t)b->value.decimal[3];
    for (int w = 2; w >= 0; w--)
      if (a->value.decimal[w] != b->value.decimal[w]) return a->value.decimal[w] < b->value.decimal[w];
    return false;
  }
  int64_t n = a->value.bytes.size < b->value.bytes.size ? a->value.bytes.size : b->value.bytes.size;
  int c = n > 0 ? memcmp(a->value.bytes.data, b->value.bytes.data, (size_t)n) : 0;
  return c < 0 || (c == 0 && a->value.bytes.size < b->value.bytes.size);
}

qv_status qv__compute_extremes_scan(qv_array *const *chunks, int64_t n_chunks, const qv_type *type, qv_scalar *min,
                                    qv_scalar *max, qv_error *err) {
  qv_scalar lo, hi;
  bool any = false;
  int64_t row = 0;
  set_null(&lo, type);
  set_null(&hi, type);
  for (int64_t c = 0; c < n_chunks; c++) {
    const qv_array *a = chunks[c];
    for (int64_t i = 0; i < a->length; i++) {
      qv_scalar v;
      if (!qv_array_is_valid(a, i)) continue;
      qv_status st = qv_array_get_scalar(a, i, &v, err);
      if (st != QV_OK) {
        qv_error_prefix(err, "min/max: row %lld: ", (long long)(row + i));
        return st;
      }
      if (!any || scalar_less(&v, &lo)) lo = v;
      if (!any || scalar_less(&hi, &v)) hi = v;
      any = true;
    }
    row += a->length;
  }
  if (min != NULL) *min = lo;
  if (max != NULL) *max = hi;
  return QV_OK;
}
