/* Comparisons of the non-numeric comparable types: strings and binaries
 * (every layout: bytewise, shorter prefix first, as pyarrow), decimals (of
 * the same precision and scale: as signed 256-bit integers) and bools
 * (false < true). elementwise.c sends them here; numbers and temporal
 * types stay on its vectorized loops.
 *
 * One slot at a time: a three-way comparison, then the operation decides.
 * String offsets are checked once for the window and views per slot, so a
 * hostile input is an error naming the row.
 */
#include "compute/kernel_util.h"
#include "core/decimal.h"
#include "core/internal.h"
#include "quiver/compute.h"

static const char *const cmp_names[] = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"};

static inline bool decide(qv_compare_op op, int c) {
  switch (op) {
    case QV_CMP_EQUAL: return c == 0;
    case QV_CMP_NOT_EQUAL: return c != 0;
    case QV_CMP_LESS: return c < 0;
    case QV_CMP_LESS_EQUAL: return c <= 0;
    case QV_CMP_GREATER: return c > 0;
    default: return c >= 0;
  }
}

static inline int cmp_bytes(const uint8_t *a, int64_t na, const uint8_t *b, int64_t nb) {
  int64_t n = na < nb ? na : nb;
  int c = n > 0 ? memcmp(a, b, (size_t)n) : 0;
  if (c != 0) return c < 0 ? -1 : 1;
  return na < nb ? -1 : na > nb;
}

static inline int cmp_words(const uint64_t a[4], const uint64_t b[4]) {
  if ((int64_t)a[3] != (int64_t)b[3]) return (int64_t)a[3] < (int64_t)b[3] ? -1 : 1;
  for (int k = 2; k >= 0; k--)
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

typedef enum kind { KIND_BYTES, KIND_DECIMAL, KIND_BOOL } kind;

static bool kind_of(qv_type_id id, kind *k) {
  if (qv__is_binary_like(id)) *k = KIND_BYTES;
  else if (id == QV_TYPE_DECIMAL32 || id == QV_TYPE_DECIMAL64 || id == QV_TYPE_DECIMAL128 || id == QV_TYPE_DECIMAL256)
    *k = KIND_DECIMAL;
  else if (id == QV_TYPE_BOOL) *k = KIND_BOOL;
  else return false;
  return true;
}

bool qv__compare_other_accepts(qv_type_id id) {
  kind k;
  return kind_of(id, &k);
}

/* One operand: an array (read at row i) or a scalar. */
typedef struct side {
  const qv_array *a;
  qv__bytes_reader r;
  const qv_scalar *s;
} side;

static bool read_bytes(const side *x, int64_t i, const uint8_t **p, int64_t *n) {
  if (x->a == NULL) {
    *p = x->s->value.bytes.data;
    *n = x->s->value.bytes.size;
    return true;
  }
  return qv__bytes_reader_get(&x->r, i, p, n);
}
static void read_decimal(const side *x, int64_t i, uint64_t w[4]) {
  if (x->a == NULL) {
    memcpy(w, x->s->value.decimal, sizeof x->s->value.decimal);
    return;
  }
  qv__decimal_load(qv_array_buffer_data(x->a, 1) + (x->a->offset + i) * (x->a->type->bit_width / 8),
                   x->a->type->bit_width, w);
}
static bool read_bool(const side *x, int64_t i) {
  if (x->a == NULL) return x->s->value.b;
  return qv_bit_get(qv__array_buffer_or_empty(x->a, 1), x->a->offset + i);
}

qv_status qv__compare_other(qv_compare_op op, const qv_array *left, const qv_array *right, const qv_scalar *scalar,
                            qv_array **out, qv_error *err) {
  const char *fn = cmp_names[op];
  kind k;
  side l = {left, {0}, NULL}, r = {right, {0}, scalar};
  qv_buffer *validity = NULL, *values = NULL;
  int64_t n = left->length, nulls = 0;
  qv_status st;
  if (!kind_of(left->type->id, &k)) return qv_error_set(err, QV_ERR_TYPE, "%s: internal: not comparable here", fn);
  if (right != NULL) {
    if (!qv_type_equals(left->type, right->type, false) &&
        !(k == KIND_BYTES && right->type->id != QV_TYPE_FIXED_SIZE_BINARY && qv__is_binary_like(right->type->id) &&
          left->type->id != QV_TYPE_FIXED_SIZE_BINARY)) {
      char a[64], b[64];
      qv_type_format(left->type, a, sizeof a);
      qv_type_format(right->type, b, sizeof b);
      return qv_error_set(err, QV_ERR_TYPE, "%s: %s and %s differ (cast one side first)", fn, a, b);
    }
    if (right->length != n)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: lengths differ (%lld and %lld)", fn, (long long)n,
                          (long long)right->length);
  } else if (scalar->kind == QV_SCALAR_NULL) {
    return qv_array_new_null(qv_type_bool(), n, out, err);
  } else if ((k == KIND_BYTES && scalar->kind != QV_SCALAR_BYTES) ||
             (k == KIND_DECIMAL && scalar->kind != QV_SCALAR_DECIMAL) || (k == KIND_BOOL && scalar->kind != QV_SCALAR_BOOL)) {
    return qv_error_set(err, QV_ERR_TYPE, "%s: the scalar does not match the array's %s", fn,
                        qv_type_id_name(left->type->id));
  }
  if (k == KIND_BYTES) {
    QV_RETURN_IF_ERROR(qv__bytes_reader_init(&l.r, left, fn, err));
    if (right != NULL) QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r.r, right, fn, err));
  }
  QV_RETURN_IF_ERROR(qv__compute_new_bitmap(n, &validity, err));
  st = qv__compute_new_bitmap(n, &values, err);
  for (int64_t i = 0; st == QV_OK && i < n; i++) {
    if (!qv_array_is_valid(left, i) || (right != NULL && !qv_array_is_valid(right, i))) {
      nulls++;
      continue;
    }
    qv_bit_set(validity->data, i);
    int c;
    if (k == KIND_BYTES) {
      const uint8_t *pa, *pb;
      int64_t na, nb;
      if (!read_bytes(&l, i, &pa, &na) || !read_bytes(&r, i, &pb, &nb)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: a view points outside its buffers", fn,
                          (long long)i);
        break;
      }
      c = cmp_bytes(pa, na, pb, nb);
    } else if (k == KIND_DECIMAL) {
      uint64_t wa[4], wb[4];
      read_decimal(&l, i, wa);
      read_decimal(&r, i, wb);
      c = cmp_words(wa, wb);
    } else {
      c = (int)read_bool(&l, i) - (int)read_bool(&r, i);
    }
    if (decide(op, c)) qv_bit_set(values->data, i);
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  if (nulls == 0) {
    qv_buffer_release(validity);
    validity = NULL;
  }
  return qv__compute_finish_fixed(qv_type_bool(), n, validity, values, out, err);
}
