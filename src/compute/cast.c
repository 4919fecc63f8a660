/* qv_compute_cast: picks the kernel family for a (source, target) pair.
 *
 * Encodings are peeled first: a dictionary input is decoded by taking its
 * indices from the dictionary (take bounds-checks every index, so an index
 * outside the dictionary is an error naming the row), a run-end encoded one
 * by taking each row's run from the values (after checking the run ends
 * increase). The decoded array is then cast like any other. A switch over
 * logical type ids is right here: which conversion applies is a question
 * about logical types, not layouts.
 */
#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "core/checked_access.h"
#include "core/internal.h"
#include "quiver/compute.h"

qv_status qv__cast_reinterpret(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  return qv_array_new(to, a->length, a->offset, a->null_count, a->n_buffers, a->buffers, a->n_children, a->children,
                      a->dictionary, out, err);
}

/* The values a dictionary array stands for. */
static qv_status decode_dictionary(const qv_array *a, qv_array **out, qv_error *err) {
  qv_array *indices = NULL;
  if (a->dictionary == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: dictionary array without values");
  QV_RETURN_IF_ERROR(qv_array_new(a->type->index_type, a->length, a->offset, a->null_count, 2, a->buffers, 0, NULL,
                                  NULL, &indices, err));
  qv_status st = QV_OK;
  if (indices->type->id != QV_TYPE_INT32 && indices->type->id != QV_TYPE_INT64) { /* take reads these two */
    qv_array *wide = NULL;
    st = qv__cast_numeric(indices, qv_type_int64(), true, &wide, err);
    qv_array_release(indices);
    indices = wide;
  }
  if (st == QV_OK) st = qv_compute_take(a->dictionary, indices, out, err);
  qv_array_release(indices);
  return st;
}

/* The values a run-end encoded array stands for: row i takes the value of
 * the run that covers it. */
static qv_status decode_run_ends(const qv_array *a, qv_array **out, qv_error *err) {
  qv_buffer *idx = NULL;
  qv_array *indices = NULL;
  int64_t bad = 0, first = 0, last = 0, n = a->length;
  qv_status st;
  if (a->n_children != 2) return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: run-end encoded array without children");
  if (!qv__ree_runs_increasing(a, &bad))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: run end %lld is not above the one before", (long long)bad);
  if (n > 0 && !qv__ree_window(a, 0, n, &first, &last, &bad))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld is not covered by a run", (long long)bad);
  int64_t bytes;
  if (qv__mul_overflow_i64(n, 8, &bytes)) /* run ends make any length cheap to claim */
    return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld run-end encoded rows are too many to decode", (long long)n);
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, bytes, false, &idx, err));
  int64_t *ix = (int64_t *)(void *)idx->data, row = 0;
  for (int64_t p = first; p < last && row < n; p++) {
    int64_t end = qv__ree_run_end(a, p) - a->offset;
    if (end > n) end = n;
    while (row < end) ix[row++] = p;
  }
  st = qv_array_new(qv_type_int64(), n, 0, 0, 2, (qv_buffer *[]){NULL, idx}, 0, NULL, NULL, &indices, err);
  qv_buffer_release(idx);
  if (st == QV_OK) st = qv_compute_take(a->children[1], indices, out, err);
  qv_array_release(indices);
  return st;
}

static bool is_numeric(qv_type_id id) { return qv__cast_numeric_index(id) >= 0; }

static qv_status unsupported(const qv_array *a, const qv_type *to, qv_error *err) {
  char from[96], into[96];
  qv_type_format(a->type, from, sizeof from);
  qv_type_format(to, into, sizeof into);
  return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from %s to %s is not supported", from, into);
}

qv_status qv_compute_cast(const qv_array *array, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_array *decoded = NULL;
  qv_status st;
  if (out == NULL || array == NULL || to == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "cast: NULL argument");
  *out = NULL;
  if (qv_type_equals(array->type, to, false)) {
    *out = qv_array_retain((qv_array *)array);
    return QV_OK;
  }
  qv_type_id from = array->type->id, into = to->id;
  if (into == QV_TYPE_DICTIONARY) return qv__cast_to_dictionary(array, to, safe, out, err);
  if (from == QV_TYPE_DICTIONARY || from == QV_TYPE_RUN_END_ENCODED) {
    st = from == QV_TYPE_DICTIONARY ? decode_dictionary(array, &decoded, err) : decode_run_ends(array, &decoded, err);
    if (st == QV_OK) st = qv_compute_cast(decoded, to, safe, out, err);
    qv_array_release(decoded);
    return st;
  }
  if (from == QV_TYPE_NULL) {
    /* as pyarrow: every target but the unions, run-end encoding and the
     * list views (whose all-null forms it does not build) */
    if (into == QV_TYPE_SPARSE_UNION || into == QV_TYPE_DENSE_UNION || into == QV_TYPE_RUN_END_ENCODED ||
        into == QV_TYPE_LIST_VIEW || into == QV_TYPE_LARGE_LIST_VIEW)
      return unsupported(array, to, err);
    return qv_array_new_null(to, array->length, out, err);
  }
  if (qv__cast_is_nested_pair(from, into)) return qv__cast_nested(array, to, safe, out, err);
  if (qv__cast_is_decimal(from) || qv__cast_is_decimal(into)) return qv__cast_decimal(array, to, safe, out, err);
  if (from == QV_TYPE_FLOAT16 || into == QV_TYPE_FLOAT16) return qv__cast_half(array, to, safe, out, err);
  if (is_numeric(from) && is_numeric(into)) return qv__cast_numeric(array, to, safe, out, err);
  if (is_numeric(from) && into == QV_TYPE_BOOL) return qv__cast_to_bool(array, to, out, err);
  if (from == QV_TYPE_BOOL && is_numeric(into)) return qv__cast_from_bool(array, to, out, err);
  if (qv__is_binary_like(from) && qv__is_binary_like(into))
    return into == QV_TYPE_FIXED_SIZE_BINARY ? qv__cast_bytes_to_fixed(array, to, out, err)
                                             : qv__cast_bytes_to_bytes(array, to, safe, out, err);
  if (qv__is_string_id(from) && (is_numeric(into) || into == QV_TYPE_BOOL || qv__cast_is_temporal(into)))
    return qv__cast_parse(array, to, safe, out, err);
  if (qv__is_string_id(into) && (is_numeric(from) || from == QV_TYPE_BOOL || qv__cast_is_temporal(from)))
    return qv__cast_format(array, to, out, err);
  if ((qv__cast_is_temporal(from) && (qv__cast_is_temporal(into) || qv_type_is_integer(into))) ||
      (qv_type_is_integer(from) && qv__cast_is_temporal(into)))
    return qv__cast_temporal(array, to, safe, out, err);
  return unsupported(array, to, err);
}
