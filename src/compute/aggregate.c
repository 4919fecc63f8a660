/* The public scalar aggregations (include/quiver/compute.h): argument
 * checks, the choice of kernel for the input type, the walk over chunks,
 * and turning the accumulated state into a pyarrow-shaped result.
 *
 * The type is looked at once per call (a logical question: which result
 * type, which kernel); the per-element work is in aggregate_kernels.c.
 * Nulls are skipped and an input without a valid value gives a null scalar
 * (pyarrow's skip_nulls=True, min_count=1).
 */
#include <math.h>
#include <string.h>

#include "compute/aggregate_internal.h"
#include "quiver/compute.h"

typedef enum agg_op { OP_SUM, OP_MEAN, OP_MIN, OP_MAX, OP_MIN_MAX, OP_ANY, OP_ALL } agg_op;

static const char *const op_names[] = {"sum", "mean", "min", "max", "min_max", "any", "all"};

typedef enum family { FAM_SIGNED, FAM_UNSIGNED, FAM_FLOAT, FAM_BOOL, FAM_NULL, FAM_OTHER } family;

static family family_of(qv_type_id id) {
  switch (id) { /* logical question: how values of this type add up and compare */
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64: return FAM_SIGNED;
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64: return FAM_UNSIGNED;
    case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64: return FAM_FLOAT;
    case QV_TYPE_BOOL: return FAM_BOOL;
    case QV_TYPE_NULL: return FAM_NULL;
    default: return FAM_OTHER;
  }
}

/* The integer type a temporal type is stored as: its values order like
 * those integers, so min/max run the integer kernel (a logical question). */
static qv_type_id temporal_storage(qv_type_id id) {
  switch (id) {
    case QV_TYPE_DATE32: case QV_TYPE_TIME32: case QV_TYPE_INTERVAL_MONTHS: return QV_TYPE_INT32;
    case QV_TYPE_DATE64: case QV_TYPE_TIME64: case QV_TYPE_TIMESTAMP: case QV_TYPE_DURATION: return QV_TYPE_INT64;
    default: return id;
  }
}

static void set_null(qv_scalar *s, const qv_type *type) {
  memset(s, 0, sizeof *s);
  s->kind = QV_SCALAR_NULL;
  s->type = type;
}

static qv_status type_error(agg_op op, const qv_type *type, qv_error *err) {
  char name[128];
  qv_type_format(type, name, sizeof name);
  return qv_error_set(err, QV_ERR_TYPE, "%s: type %s is not supported (integers, float32, float64%s)",
                      op_names[op], name, op == OP_ANY || op == OP_ALL ? "; any/all need bool" : ", bool");
}

/* Pairwise combination of the float lanes, so no lane's rounding dominates. */
static double lanes_total(const double *lane) {
  double l4[4], l2[2];
  for (int k = 0; k < 4; k++) l4[k] = lane[k] + lane[k + 4];
  for (int k = 0; k < 2; k++) l2[k] = l4[k] + l4[k + 2];
  return l2[0] + l2[1];
}

/* The sum (or, for OP_MEAN, the mean) from the accumulator. */
static qv_status finish_sum(agg_op op, family fam, const qv_type *type, const qv__agg_acc *acc, qv_scalar *out,
                            qv_error *err) {
  if (op == OP_MEAN) {
    set_null(out, qv_type_float64());
    if (acc->valid == 0) return QV_OK;
    out->kind = QV_SCALAR_FLOAT;
    if (fam == FAM_SIGNED) out->value.f = (double)acc->isum / (double)acc->valid;
    else if (fam == FAM_UNSIGNED) out->value.f = (double)acc->usum / (double)acc->valid;
    else if (fam == FAM_BOOL) out->value.f = (double)acc->trues / (double)acc->valid;
    else out->value.f = lanes_total(acc->fsum) / (double)acc->valid;
    return QV_OK;
  }
  if (fam == FAM_SIGNED) {
    set_null(out, qv_type_int64());
    if (acc->valid == 0) return QV_OK;
    if (acc->isum > (qv__i128)INT64_MAX || acc->isum < (qv__i128)INT64_MIN) {
      char name[64];
      qv_type_format(type, name, sizeof name);
      return qv_error_set(err, QV_ERR_OVERFLOW,
                          "sum: the sum of the %s values does not fit in int64 (the running sum leaves the "
                          "range at row %lld)",
                          name, (long long)acc->overflow_row);
    }
    out->kind = QV_SCALAR_INT;
    out->value.i = (int64_t)acc->isum;
  } else if (fam == FAM_UNSIGNED) {
    set_null(out, qv_type_uint64());
    if (acc->valid == 0) return QV_OK;
    if (acc->usum > (qv__u128)UINT64_MAX) {
      char name[64];
      qv_type_format(type, name, sizeof name);
      return qv_error_set(err, QV_ERR_OVERFLOW,
                          "sum: the sum of the %s values does not fit in uint64 (the running sum leaves the "
                          "range at row %lld)",
                          name, (long long)acc->overflow_row);
    }
    out->kind = QV_SCALAR_UINT;
    out->value.u = (uint64_t)acc->usum;
  } else if (fam == FAM_BOOL) {
    set_null(out, qv_type_uint64());
    if (acc->valid == 0) return QV_OK;
    out->kind = QV_SCALAR_UINT;
    out->value.u = (uint64_t)acc->trues;
  } else {
    set_null(out, qv_type_float64());
    if (acc->valid == 0) return QV_OK;
    out->kind = QV_SCALAR_FLOAT;
    out->value.f = lanes_total(acc->fsum);
  }
  return QV_OK;
}

/* The minimum (want_max false) or maximum from the accumulator. */
static void finish_extreme(bool want_max, family fam, const qv_type *type, const qv__agg_acc *acc,
                           qv_scalar *out) {
  set_null(out, type);
  if (acc->valid == 0) return;
  switch (fam) {
    case FAM_SIGNED:
      out->kind = QV_SCALAR_INT;
      out->value.i = want_max ? acc->imax : acc->imin;
      break;
    case FAM_UNSIGNED:
      out->kind = QV_SCALAR_UINT;
      out->value.u = want_max ? acc->umax : acc->umin;
      break;
    case FAM_FLOAT:
      out->kind = QV_SCALAR_FLOAT;
      out->value.f = acc->non_nan == 0 ? NAN : (want_max ? acc->fmax : acc->fmin);
      break;
    default: /* bool: min is "all true", max is "any true" */
      out->kind = QV_SCALAR_BOOL;
      out->value.b = want_max ? acc->trues > 0 : acc->trues == acc->valid;
      break;
  }
}

static qv_status aggregate(agg_op op, qv_array *const *chunks, int64_t n_chunks, const qv_type *declared,
                           qv_scalar *out, qv_scalar *out2, qv_error *err) {
  const qv_type *type = declared;
  family fam;
  qv__agg_kernel kernel = NULL;
  qv__agg_acc acc;
  int64_t row = 0;

  if (out == NULL || (op == OP_MIN_MAX && out2 == NULL) || type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", op_names[op]);
  fam = family_of(type->id);
  qv_type_id kernel_id = type->id;
  if (fam == FAM_OTHER && (op == OP_MIN || op == OP_MAX || op == OP_MIN_MAX)) {
    kernel_id = temporal_storage(type->id);
    if (type->id == QV_TYPE_FLOAT16) { /* min/max only: float16 has no sum kernel */
      fam = FAM_FLOAT;
    } else if (kernel_id != type->id) {
      fam = FAM_SIGNED;
    } else if (qv__compute_extremes_scannable(type->id)) { /* decimals, strings, binaries: ordered by value */
      qv_scalar *lo = op == OP_MAX ? NULL : out, *hi = op == OP_MIN ? NULL : op == OP_MAX ? out : out2;
      return qv__compute_extremes_scan(chunks, n_chunks, type, lo, hi, err);
    }
  }
  if (fam == FAM_OTHER || ((op == OP_ANY || op == OP_ALL) && fam != FAM_BOOL && fam != FAM_NULL))
    return type_error(op, type, err);
  if (fam == FAM_NULL) { /* every slot is null: no valid value, a null answer */
    const qv_type *rt = op == OP_SUM ? qv_type_int64()
                        : op == OP_MEAN ? qv_type_float64()
                        : (op == OP_ANY || op == OP_ALL) ? qv_type_bool()
                                                         : type;
    set_null(out, rt);
    if (out2) set_null(out2, rt);
    return QV_OK;
  }
  if (fam == FAM_BOOL) kernel = qv__compute_bool_kernel;
  else if (op == OP_SUM || op == OP_MEAN) kernel = qv__compute_sum_kernel(type->id);
  else kernel = qv__compute_minmax_kernel(kernel_id);

  qv__compute_acc_init(&acc);
  for (int64_t c = 0; c < n_chunks; c++) {
    kernel(chunks[c], row, &acc);
    row += chunks[c]->length;
  }

  switch (op) {
    case OP_SUM:
    case OP_MEAN: return finish_sum(op, fam, type, &acc, out, err);
    case OP_MIN: finish_extreme(false, fam, type, &acc, out); return QV_OK;
    case OP_MAX: finish_extreme(true, fam, type, &acc, out); return QV_OK;
    case OP_MIN_MAX:
      finish_extreme(false, fam, type, &acc, out);
      finish_extreme(true, fam, type, &acc, out2);
      return QV_OK;
    case OP_ANY:
    case OP_ALL:
      set_null(out, qv_type_bool());
      if (acc.valid > 0) {
        out->kind = QV_SCALAR_BOOL;
        out->value.b = op == OP_ANY ? acc.trues > 0 : acc.trues == acc.valid;
      }
      return QV_OK;
  }
  return QV_OK;
}

static qv_status on_array(agg_op op, const qv_array *array, qv_scalar *out, qv_scalar *out2, qv_error *err) {
  qv_array *one = (qv_array *)array; /* read only; the chunk list is const in spirit */
  if (array == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: array is NULL", op_names[op]);
  return aggregate(op, &one, 1, array->type, out, out2, err);
}

static qv_status on_chunked(agg_op op, const qv_chunked_array *c, qv_scalar *out, qv_scalar *out2,
                            qv_error *err) {
  if (c == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: chunked array is NULL", op_names[op]);
  return aggregate(op, c->chunks, c->n_chunks, c->type, out, out2, err);
}

qv_status qv_compute_sum(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_SUM, a, out, NULL, err); }
qv_status qv_compute_mean(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_MEAN, a, out, NULL, err); }
qv_status qv_compute_min(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_MIN, a, out, NULL, err); }
qv_status qv_compute_max(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_MAX, a, out, NULL, err); }
qv_status qv_compute_min_max(const qv_array *a, qv_scalar *min, qv_scalar *max, qv_error *err) {
  return on_array(OP_MIN_MAX, a, min, max, err);
}
qv_status qv_compute_any(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_ANY, a, out, NULL, err); }
qv_status qv_compute_all(const qv_array *a, qv_scalar *out, qv_error *err) { return on_array(OP_ALL, a, out, NULL, err); }

qv_status qv_compute_sum_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_SUM, c, out, NULL, err);
}
qv_status qv_compute_mean_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_MEAN, c, out, NULL, err);
}
qv_status qv_compute_min_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_MIN, c, out, NULL, err);
}
qv_status qv_compute_max_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_MAX, c, out, NULL, err);
}
qv_status qv_compute_min_max_chunked(const qv_chunked_array *c, qv_scalar *min, qv_scalar *max, qv_error *err) {
  return on_chunked(OP_MIN_MAX, c, min, max, err);
}
qv_status qv_compute_any_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_ANY, c, out, NULL, err);
}
qv_status qv_compute_all_chunked(const qv_chunked_array *c, qv_scalar *out, qv_error *err) {
  return on_chunked(OP_ALL, c, out, NULL, err);
}

/* Null slots of one array: from the bitmap itself when there is one (a
 * hostile array's stored null count may disagree with it). */
static int64_t null_slots(const qv_array *a) {
  if (a->validity_ != NULL) return a->length - qv_bitmap_count_set(a->validity_, a->offset, a->length);
  return qv_array_null_count(a);
}

static qv_status count_chunks(qv_array *const *chunks, int64_t n_chunks, qv_count_mode mode, int64_t *out,
                              qv_error *err) {
  int64_t total = 0;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "count: NULL argument");
  if (mode != QV_COUNT_VALID && mode != QV_COUNT_NULL && mode != QV_COUNT_ALL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "count: unknown mode %d", (int)mode);
  for (int64_t c = 0; c < n_chunks; c++) {
    const qv_array *a = chunks[c];
    int64_t nulls = null_slots(a);
    int64_t n = mode == QV_COUNT_ALL ? a->length : mode == QV_COUNT_NULL ? nulls : a->length - nulls;
    if (__builtin_add_overflow(total, n, &total))
      return qv_error_set(err, QV_ERR_OVERFLOW, "count: more than INT64_MAX slots (at chunk %lld)", (long long)c);
  }
  *out = total;
  return QV_OK;
}

qv_status qv_compute_count(const qv_array *a, qv_count_mode mode, int64_t *out, qv_error *err) {
  qv_array *one = (qv_array *)a;
  if (a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "count: array is NULL");
  return count_chunks(&one, 1, mode, out, err);
}

qv_status qv_compute_count_chunked(const qv_chunked_array *c, qv_count_mode mode, int64_t *out, qv_error *err) {
  if (c == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "count: chunked array is NULL");
  return count_chunks(c->chunks, c->n_chunks, mode, out, err);
}
