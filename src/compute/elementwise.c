/* Element-wise comparisons (equal ... greater_equal, giving bool) and
 * arithmetic (add, subtract, multiply, wrapping or checked) on numeric
 * arrays, with an array or a scalar on the right.
 *
 * Both sides have the same numeric type; a scalar is converted to it first
 * (a value it cannot hold is an error). The result's validity is the AND of
 * the inputs' (a null scalar gives an all-null result). One function per
 * value type holds one loop per operation, chosen before the loop: no type
 * or operation switch per element. A scalar on the right is a stride-0
 * operand, hoisted out of the loop.
 *
 * Integer arithmetic wraps through uint64 (no signed overflow in C); the
 * checked forms test every valid slot with the compiler's overflow
 * builtins and name the first row that overflows. Null slots are never
 * checked: their bytes are whatever the buffer holds.
 */
#include <math.h>

#include "compute/aggregate_internal.h"
#include "compute/arith_internal.h"
#include "core/internal.h"
#include "quiver/compute.h"

static const char *const cmp_names[] = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"};
static const char *const arith_names[] = {"add", "subtract", "multiply", "divide", "power"};

/* Stores the low m bits of w at bit i (a multiple of 64) of out. */
static inline void store_word(uint8_t *out, int64_t i, int64_t m, uint64_t w) {
  uint8_t bytes[8];
  int64_t n_bytes = (m + 7) / 8;
  for (int k = 0; k < 8; k++) bytes[k] = (uint8_t)(w >> (8 * k));
  memcpy(out + i / 8, bytes, (size_t)n_bytes);
}

#define CMP_LOOP(T, OP)                                                          \
  for (int64_t i = 0; i < n; i += 64) {                                          \
    int64_t m = n - i < 64 ? n - i : 64;                                         \
    uint64_t w = 0;                                                              \
    if (b_step) {                                                                \
      for (int64_t j = 0; j < m; j++) w |= (uint64_t)(a[i + j] OP b[i + j]) << j; \
    } else {                                                                     \
      T s = b[0];                                                                \
      for (int64_t j = 0; j < m; j++) w |= (uint64_t)(a[i + j] OP s) << j;       \
    }                                                                            \
    store_word(out, i, m, w);                                                    \
  }

#define DEFINE_CMP(NAME, T)                                                                        \
  static void cmp_##NAME(qv_compare_op op, const void *av, const void *bv, int b_step, int64_t n, \
                         uint8_t *out) {                                                           \
    const T *a = av, *b = bv;                                                                      \
    switch (op) {                                                                                  \
      case QV_CMP_EQUAL: CMP_LOOP(T, ==) break;                                                    \
      case QV_CMP_NOT_EQUAL: CMP_LOOP(T, !=) break;                                                \
      case QV_CMP_LESS: CMP_LOOP(T, <) break;                                                      \
      case QV_CMP_LESS_EQUAL: CMP_LOOP(T, <=) break;                                               \
      case QV_CMP_GREATER: CMP_LOOP(T, >) break;                                                   \
      case QV_CMP_GREATER_EQUAL: CMP_LOOP(T, >=) break;                                            \
    }                                                                                              \
  }

/* Wrapping integer arithmetic through uint64 (modulo 2^64, then truncated). */
#define WRAP(T, X, OP, Y) ((T)((uint64_t)(X) OP (uint64_t)(Y)))
#define PLAIN(T, X, OP, Y) ((T)((X) OP (Y)))

#define ARITH_LOOP(T, OP, F)                                                     \
  if (b_step) {                                                                  \
    for (int64_t i = 0; i < n; i++) out[i] = F(T, a[i], OP, b[i]);               \
  } else {                                                                       \
    T s = b[0];                                                                  \
    for (int64_t i = 0; i < n; i++) out[i] = F(T, a[i], OP, s);                  \
  }

#define DEFINE_ARITH(NAME, T, F)                                                                  \
  static void arith_##NAME(qv_arith_op op, const void *av, const void *bv, int b_step, int64_t n, \
                           void *outv) {                                                          \
    const T *a = av, *b = bv;                                                                     \
    T *out = outv;                                                                                \
    switch (op) {                                                                                 \
      case QV_ARITH_ADD: ARITH_LOOP(T, +, F) break;                                               \
      case QV_ARITH_SUBTRACT: ARITH_LOOP(T, -, F) break;                                          \
      case QV_ARITH_MULTIPLY: ARITH_LOOP(T, *, F) break;                                          \
      default: break;                                                                             \
    }                                                                                             \
  }

/* Checked: the first valid row whose result overflows, or -1. `valid` is
 * the result's validity (NULL: all valid). */
#define DEFINE_CHECKED(NAME, T)                                                                      \
  static int64_t checked_##NAME(qv_arith_op op, const void *av, const void *bv, int b_step, int64_t n, \
                                void *outv, const uint8_t *valid) {                                  \
    const T *a = av, *b = bv;                                                                        \
    T *out = outv;                                                                                   \
    for (int64_t i = 0; i < n; i++) {                                                                \
      T y = b[b_step ? i : 0], r;                                                                    \
      bool bad = op == QV_ARITH_ADD        ? __builtin_add_overflow(a[i], y, &r)                     \
                 : op == QV_ARITH_SUBTRACT ? __builtin_sub_overflow(a[i], y, &r)                     \
                                           : __builtin_mul_overflow(a[i], y, &r);                    \
      out[i] = r;                                                                                    \
      if (QV_UNLIKELY(bad) && (valid == NULL || qv_bit_get(valid, i))) return i;                     \
    }                                                                                                \
    return -1;                                                                                       \
  }

#define FOR_INTS(X) X(int8, int8_t) X(int16, int16_t) X(int32, int32_t) X(int64, int64_t) \
  X(uint8, uint8_t) X(uint16, uint16_t) X(uint32, uint32_t) X(uint64, uint64_t)

FOR_INTS(DEFINE_CMP)
DEFINE_CMP(float32, float)
DEFINE_CMP(float64, double)
#define DEFINE_ARITH_INT(NAME, T) DEFINE_ARITH(NAME, T, WRAP)
FOR_INTS(DEFINE_ARITH_INT)
DEFINE_ARITH(float32, float, PLAIN)
DEFINE_ARITH(float64, double, PLAIN)
FOR_INTS(DEFINE_CHECKED)

typedef void (*cmp_fn)(qv_compare_op, const void *, const void *, int, int64_t, uint8_t *);
typedef void (*arith_fn)(qv_arith_op, const void *, const void *, int, int64_t, void *);
typedef int64_t (*checked_fn)(qv_arith_op, const void *, const void *, int, int64_t, void *, const uint8_t *);

typedef struct kernels {
  cmp_fn cmp;
  arith_fn arith;
  checked_fn checked; /* NULL for floats: they do not overflow into UB, and pyarrow does not check them */
  int width;
} kernels;

static bool kernels_for(qv_type_id id, kernels *k) {
  switch (id) { /* once per call */
#define CASE(ID, NAME, W) case ID: *k = (kernels){cmp_##NAME, arith_##NAME, checked_##NAME, W}; return true;
    CASE(QV_TYPE_INT8, int8, 1)
    CASE(QV_TYPE_INT16, int16, 2)
    CASE(QV_TYPE_INT32, int32, 4)
    CASE(QV_TYPE_INT64, int64, 8)
    CASE(QV_TYPE_UINT8, uint8, 1)
    CASE(QV_TYPE_UINT16, uint16, 2)
    CASE(QV_TYPE_UINT32, uint32, 4)
    CASE(QV_TYPE_UINT64, uint64, 8)
#undef CASE
    case QV_TYPE_FLOAT32: *k = (kernels){cmp_float32, arith_float32, NULL, 4}; return true;
    case QV_TYPE_FLOAT64: *k = (kernels){cmp_float64, arith_float64, NULL, 8}; return true;
    default: return false;
  }
}

/* The scalar as one value of type `id`, in `slot`. */
static qv_status scalar_value(const char *fn, const qv_scalar *s, qv_type_id id, void *slot, qv_error *err) {
  bool is_float = id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64;
  bool is_signed = id == QV_TYPE_INT8 || id == QV_TYPE_INT16 || id == QV_TYPE_INT32 || id == QV_TYPE_INT64;
  if (s->kind == QV_SCALAR_FLOAT && !is_float)
    return qv_error_set(err, QV_ERR_TYPE, "%s: a float scalar with an integer array", fn);
  if (s->kind != QV_SCALAR_INT && s->kind != QV_SCALAR_UINT && s->kind != QV_SCALAR_FLOAT)
    return qv_error_set(err, QV_ERR_TYPE, "%s: the scalar must be a number", fn);
  if (is_float) {
    double d = s->kind == QV_SCALAR_FLOAT ? s->value.f : s->kind == QV_SCALAR_INT ? (double)s->value.i : (double)s->value.u;
    if (id == QV_TYPE_FLOAT32) {
      float f = (float)d;
      memcpy(slot, &f, 4);
    } else {
      memcpy(slot, &d, 8);
    }
    return QV_OK;
  }
  /* Integers: the value must fit the array's type. */
  int bits = id == QV_TYPE_INT8 || id == QV_TYPE_UINT8 ? 8 : id == QV_TYPE_INT16 || id == QV_TYPE_UINT16 ? 16
             : id == QV_TYPE_INT32 || id == QV_TYPE_UINT32 ? 32 : 64;
  bool fits;
  uint64_t raw;
  if (is_signed) {
    int64_t lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1)), hi = bits == 64 ? INT64_MAX : ((int64_t)1 << (bits - 1)) - 1;
    fits = s->kind == QV_SCALAR_INT ? s->value.i >= lo && s->value.i <= hi : s->value.u <= (uint64_t)hi;
    raw = s->kind == QV_SCALAR_INT ? (uint64_t)s->value.i : s->value.u;
  } else {
    uint64_t hi = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    fits = s->kind == QV_SCALAR_INT ? s->value.i >= 0 && (uint64_t)s->value.i <= hi : s->value.u <= hi;
    raw = s->kind == QV_SCALAR_INT ? (uint64_t)s->value.i : s->value.u;
  }
  if (!fits) return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "%s: the scalar does not fit the array's %s", fn, qv_type_id_name(id));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(slot, &raw, (size_t)(bits / 8)); /* the low bytes: two's complement truncation */
#else
  for (int k = 0; k < bits / 8; k++) ((uint8_t *)slot)[k] = (uint8_t)(raw >> (8 * (bits / 8 - 1 - k)));
#endif
  return QV_OK;
}

/* Result validity: AND of the inputs' bitmaps (either may be absent), into
 * a new buffer; *out stays NULL when neither input has one. */
static qv_status and_validity(const qv_array *a, const qv_array *b, qv_buffer **out, int64_t *nulls, qv_error *err) {
  int64_t n = a->length;
  *out = NULL;
  *nulls = 0;
  if (a->validity_ == NULL && (b == NULL || b->validity_ == NULL)) return QV_OK;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, out, err));
  for (int64_t i = 0; i < n; i += 64) {
    int64_t m = n - i < 64 ? n - i : 64;
    uint64_t w = a->validity_ ? qv__bits_word(a->validity_, a->offset + i, m) : qv__low_bits(m);
    if (b && b->validity_) w &= qv__bits_word(b->validity_, b->offset + i, m);
    *nulls += m - __builtin_popcountll(w);
    store_word((*out)->data, i, m, w);
  }
  return QV_OK;
}

/* Slot 0 of the window of `a`'s values buffer (an empty region when absent). */
static const void *window_values(const qv_array *a, int width) {
  const uint8_t *p = qv_array_buffer_data(a, 1);
  return p != NULL ? (const void *)(p + a->offset * (int64_t)width) : (const void *)qv__array_buffer_or_empty(a, 1);
}

typedef struct operands {
  kernels k;
  const void *a, *b;
  int b_step;
  uint64_t scalar_slot; /* an 8-byte home for the converted scalar */
} operands;

/* Checks the arguments and resolves kernels and operand pointers. *null_result
 * is set when the scalar is null (every result slot is null). */
/* Comparisons read temporal values as the integers they are stored as. */
static qv_type_id temporal_storage(qv_type_id id) {
  switch (id) {
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS: return QV_TYPE_INT32;
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION: return QV_TYPE_INT64;
    default: return id;
  }
}

/* Same type for a comparison: equal types, or timestamps of one unit that
 * are both zoned (any zones: the same instants) or both naive. */
static bool comparable(const qv_type *a, const qv_type *b) {
  if (a->id == QV_TYPE_TIMESTAMP && b->id == QV_TYPE_TIMESTAMP) {
    bool za = a->timezone != NULL && a->timezone[0], zb = b->timezone != NULL && b->timezone[0];
    return a->unit == b->unit && za == zb;
  }
  return qv_type_equals(a, b, false);
}

static qv_status prepare(const char *fn, const qv_array *left, const qv_array *right, const qv_scalar *scalar,
                         bool temporal, operands *o, bool *null_result, qv_error *err) {
  char name[64];
  *null_result = false;
  if (left == NULL || (right == NULL && scalar == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  qv_type_id id = temporal ? temporal_storage(left->type->id) : left->type->id;
  if (!kernels_for(id, &o->k)) {
    qv_type_format(left->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "%s: type %s is not supported (integers, float32, float64)", fn, name);
  }
  o->a = window_values(left, o->k.width);
  if (right != NULL) {
    if (temporal ? !comparable(left->type, right->type) : right->type->id != left->type->id) {
      char other[64];
      qv_type_format(left->type, name, sizeof name);
      qv_type_format(right->type, other, sizeof other);
      return qv_error_set(err, QV_ERR_TYPE, "%s: %s and %s differ (cast one side first)", fn, name, other);
    }
    if (right->length != left->length)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: lengths differ (%lld and %lld)", fn,
                          (long long)left->length, (long long)right->length);
    o->b = window_values(right, o->k.width);
    o->b_step = 1;
    return QV_OK;
  }
  o->b_step = 0;
  o->b = &o->scalar_slot;
  if (scalar->kind == QV_SCALAR_NULL) {
    *null_result = true;
    return QV_OK;
  }
  return scalar_value(fn, scalar, id, &o->scalar_slot, err);
}

static qv_status compare(qv_compare_op op, const qv_array *left, const qv_array *right, const qv_scalar *scalar,
                         qv_array **out, qv_error *err) {
  operands o;
  bool all_null;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls = 0;
  qv_status st;
  if (out == NULL || (unsigned)op > QV_CMP_GREATER_EQUAL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "compare: bad operation or NULL out");
  *out = NULL;
  if (left != NULL && qv__compare_other_accepts(left->type->id))
    return qv__compare_other(op, left, right, scalar, out, err);
  QV_RETURN_IF_ERROR(prepare(cmp_names[op], left, right, scalar, true, &o, &all_null, err));
  if (all_null) return qv_array_new_null(qv_type_bool(), left->length, out, err);
  st = and_validity(left, right, &validity, &nulls, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, qv_bitmap_bytes(left->length), true, &values, err);
  if (st == QV_OK) {
    if (left->length > 0) o.k.cmp(op, o.a, o.b, o.b_step, left->length, values->data);
    st = qv_array_new(qv_type_bool(), left->length, 0, nulls, 2, (qv_buffer *[]){validity, values}, 0, NULL, NULL,
                      out, err);
  }
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

static qv_status arithmetic(qv_arith_op op, bool checked, const qv_array *left, const qv_array *right,
                            const qv_scalar *scalar, qv_array **out, qv_error *err) {
  operands o;
  bool all_null;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls = 0, bytes = 0;
  qv_status st;
  char fn[32];
  if (out == NULL || (unsigned)op > QV_ARITH_POWER)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "arithmetic: bad operation or NULL out");
  *out = NULL;
  snprintf(fn, sizeof fn, "%s%s", arith_names[op], checked ? "_checked" : "");
  QV_RETURN_IF_ERROR(prepare(fn, left, right, scalar, false, &o, &all_null, err));
  if (all_null) return qv_array_new_null(left->type, left->length, out, err);
  if (qv__mul_overflow_i64(left->length, o.k.width, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "%s: %lld values overflow", fn, (long long)left->length);
  st = and_validity(left, right, &validity, &nulls, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, bytes, false, &values, err);
  if (st == QV_OK && left->length > 0) {
    if (op == QV_ARITH_DIVIDE || op == QV_ARITH_POWER) {
      const char *why = "";
      int64_t row = qv__compute_divpow_kernel(left->type->id)(op, checked, o.a, o.b, o.b_step, left->length,
                                                               values->data, validity ? validity->data : NULL, &why);
      if (row >= 0) st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: %s", fn, (long long)row, why);
    } else if (checked && o.k.checked != NULL) {
      int64_t row = o.k.checked(op, o.a, o.b, o.b_step, left->length, values->data, validity ? validity->data : NULL);
      if (row >= 0)
        st = qv_error_set(err, QV_ERR_OVERFLOW, "%s: the result at row %lld does not fit %s", fn, (long long)row,
                          qv_type_id_name(left->type->id));
    } else {
      o.k.arith(op, o.a, o.b, o.b_step, left->length, values->data);
    }
  }
  if (st == QV_OK)
    st = qv_array_new(left->type, left->length, 0, nulls, 2, (qv_buffer *[]){validity, values}, 0, NULL, NULL, out,
                      err);
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

qv_status qv_compute_compare(qv_compare_op op, const qv_array *left, const qv_array *right, qv_array **out,
                             qv_error *err) {
  if (right == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "compare: right is NULL");
  return compare(op, left, right, NULL, out, err);
}
qv_status qv_compute_compare_scalar(qv_compare_op op, const qv_array *left, const qv_scalar *right, qv_array **out,
                                    qv_error *err) {
  if (right == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "compare: right is NULL");
  return compare(op, left, NULL, right, out, err);
}
qv_status qv_compute_arithmetic(qv_arith_op op, bool checked, const qv_array *left, const qv_array *right,
                                qv_array **out, qv_error *err) {
  if (right == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "arithmetic: right is NULL");
  return arithmetic(op, checked, left, right, NULL, out, err);
}
qv_status qv_compute_arithmetic_scalar(qv_arith_op op, bool checked, const qv_array *left, const qv_scalar *right,
                                       qv_array **out, qv_error *err) {
  if (right == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "arithmetic: right is NULL");
  return arithmetic(op, checked, left, NULL, right, out, err);
}
