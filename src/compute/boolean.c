/* Boolean logic (and, or, xor, and_not, with and without Kleene logic;
 * invert) and the null predicates (is_null, is_valid, is_nan).
 *
 * Everything runs 64 slots at a time on words of the inputs' value and
 * validity bits, so there is no per-slot branch. The plain forms propagate
 * nulls (a slot is null when either side is). The Kleene forms know an
 * answer that does not depend on the unknown side: false AND null is
 * false, true OR null is true; only what stays unknown is null.
 *
 * Value bits under a null slot are arbitrary in the input; results never
 * depend on them (they are masked by validity before use), so the result's
 * value bits under its own nulls are whatever falls out, as Arrow allows.
 */
#include <math.h>

#include "compute/kernel_util.h"
#include "core/checked_access.h"
#include "core/layout.h"
#include "core/internal.h"
#include "quiver/compute.h"

static const char *const op_names[] = {"and", "or", "xor", "and_not", "and_kleene", "or_kleene", "and_not_kleene"};

static qv_status check_bool(const char *fn, const qv_array *a, qv_error *err) {
  if (a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  if (a->type->id != QV_TYPE_BOOL && a->type->id != QV_TYPE_NULL) {
    char name[64];
    qv_type_format(a->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "%s: expected bool, got %s", fn, name);
  }
  return QV_OK;
}

/* Value bits of bool array `a` at rows [i, i + m) (zero for the null type). */
static inline uint64_t value_word(const qv_array *a, int64_t i, int64_t m) {
  if (a->type->id != QV_TYPE_BOOL) return 0;
  return qv__bits_word(qv__array_buffer_or_empty(a, 1), a->offset + i, m);
}

qv_status qv_compute_boolean(qv_bool_op op, const qv_array *left, const qv_array *right, qv_array **out,
                             qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  if (out == NULL || (unsigned)op > QV_BOOL_AND_NOT_KLEENE)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "boolean: bad operation or NULL out");
  *out = NULL;
  const char *fn = op_names[op];
  QV_RETURN_IF_ERROR(check_bool(fn, left, err));
  QV_RETURN_IF_ERROR(check_bool(fn, right, err));
  int64_t n = left->length;
  if (right->length != n)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: lengths differ (%lld and %lld)", fn, (long long)n,
                        (long long)right->length);
  QV_RETURN_IF_ERROR(qv__compute_new_bitmap(n, &validity, err));
  qv_status st = qv__compute_new_bitmap(n, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < n; i += 64) {
    int64_t m = n - i < 64 ? n - i : 64;
    uint64_t av = qv__valid_word(left, i, m), bv = qv__valid_word(right, i, m);
    uint64_t at = value_word(left, i, m) & av, bt = value_word(right, i, m) & bv;
    uint64_t val, ok;
    if (op == QV_BOOL_AND_NOT || op == QV_BOOL_AND_NOT_KLEENE) bt = ~bt & bv; /* a and (not b) */
    switch (op) { /* once per word, not per slot */
      case QV_BOOL_AND:
      case QV_BOOL_AND_NOT: val = at & bt, ok = av & bv; break;
      case QV_BOOL_OR: val = at | bt, ok = av & bv; break;
      case QV_BOOL_XOR: val = at ^ bt, ok = av & bv; break;
      case QV_BOOL_OR_KLEENE: {
        uint64_t known_false = av & ~at & bv & ~bt;
        val = at | bt;
        ok = val | known_false;
        break;
      }
      default: { /* and_kleene, and_not_kleene */
        uint64_t known_false = (av & ~at) | (bv & ~bt);
        val = at & bt;
        ok = val | known_false;
        break;
      }
    }
    qv__store_word(values->data, i, m, val & ok);
    qv__store_word(validity->data, i, m, ok);
  }
  return qv__compute_finish_fixed(qv_type_bool(), n, validity, values, out, err);
}

qv_status qv_compute_invert(const qv_array *a, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "invert: NULL out");
  *out = NULL;
  QV_RETURN_IF_ERROR(check_bool("invert", a, err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__compute_new_bitmap(a->length, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < a->length; i += 64) {
    int64_t m = a->length - i < 64 ? a->length - i : 64;
    qv__store_word(values->data, i, m, ~value_word(a, i, m) & qv__valid_word(a, i, m));
  }
  return qv__compute_finish_fixed(qv_type_bool(), a->length, validity, values, out, err);
}

/* Is slot i NaN (float arrays; false for others). */
static inline bool slot_nan(const qv_array *a, int64_t i) {
  if (a->type->id == QV_TYPE_FLOAT64) return isnan(qv_array_values_float64(a)[i]);
  if (a->type->id == QV_TYPE_FLOAT32) return isnan(qv_array_values_float32(a)[i]);
  return false;
}

/* is_null (want_null) or is_valid: never null itself. Layouts without a
 * bitmap (unions, run-end encoded) ask each slot through the checked
 * accessor. */
static qv_status null_predicate(const char *fn, const qv_array *a, bool want_null, bool nan_is_null, qv_array **out,
                                qv_error *err) {
  qv_buffer *values = NULL;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  int64_t n = a->length;
  QV_RETURN_IF_ERROR(qv__compute_new_bitmap(n, &values, err));
  const qv__layout *lay = qv__layout_of(a->type);
  bool floats = nan_is_null && (a->type->id == QV_TYPE_FLOAT32 || a->type->id == QV_TYPE_FLOAT64);
  for (int64_t i = 0; i < n; i += 64) {
    int64_t m = n - i < 64 ? n - i : 64;
    uint64_t valid = 0;
    if (lay->nulls == QV__NULLS_IN_CHILDREN) {
      for (int64_t j = 0; j < m; j++) valid |= (uint64_t)qv__slot_valid(a, i + j) << j;
    } else {
      valid = qv__valid_word(a, i, m);
    }
    if (floats)
      for (int64_t j = 0; j < m; j++) valid &= ~((uint64_t)slot_nan(a, i + j) << j);
    qv__store_word(values->data, i, m, want_null ? ~valid : valid);
  }
  return qv__compute_finish_fixed(qv_type_bool(), n, NULL, values, out, err);
}

qv_status qv_compute_is_null(const qv_array *a, bool nan_is_null, qv_array **out, qv_error *err) {
  return null_predicate("is_null", a, true, nan_is_null, out, err);
}
qv_status qv_compute_is_valid(const qv_array *a, qv_array **out, qv_error *err) {
  return null_predicate("is_valid", a, false, false, out, err);
}

qv_status qv_compute_is_nan(const qv_array *a, qv_array **out, qv_error *err) {
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "is_nan: NULL argument");
  *out = NULL;
  if (a->type->id != QV_TYPE_FLOAT32 && a->type->id != QV_TYPE_FLOAT64 && !qv_type_is_integer(a->type->id) &&
      a->type->id != QV_TYPE_NULL)
    return qv_error_set(err, QV_ERR_TYPE, "is_nan: expected a number, got %s", qv_type_id_name(a->type->id));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__compute_new_bitmap(a->length, &values, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < a->length; i++)
    if (slot_nan(a, i)) qv_bit_set(values->data, i);
  return qv__compute_finish_fixed(qv_type_bool(), a->length, validity, values, out, err);
}
