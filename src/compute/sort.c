/* sort_indices over one array: the stable permutation that sorts it, as
 * pyarrow.compute.sort_indices computes it.
 *
 * The rows are first split, in order, into values, NaNs (floats) and nulls;
 * only the values are sorted, by a bottom-up merge sort (stable: an equal
 * pair keeps its input order, in both directions). NaNs then sit next to
 * the nulls: [values][NaN][nulls] with nulls at the end, [nulls][NaN][values]
 * with nulls at the start, whatever the order.
 *
 * One sort loop per key type (a macro instantiated per type): the
 * comparison is inline, with no type switch inside the sort. String keys are
 * read through the bounds-checked accessor once per row before sorting, so
 * a hostile offset is an error naming the row, never a bad read.
 */
#include <math.h>

#include "core/checked_access.h"
#include "core/internal.h"
#include "quiver/compute.h"

/* Sorts rows[0, n) stably by LESS(x, y) (x, y: rows), using tmp[0, n);
 * the result ends in rows. */
#define MERGE_SORT(rows, tmp, n, LESS)                                                  \
  do {                                                                                  \
    int64_t *src_ = (rows), *dst_ = (tmp);                                              \
    for (int64_t width_ = 1; width_ < (n); width_ *= 2) {                               \
      for (int64_t lo_ = 0; lo_ < (n); lo_ += 2 * width_) {                             \
        int64_t mid_ = lo_ + width_ < (n) ? lo_ + width_ : (n);                         \
        int64_t hi_ = mid_ + width_ < (n) ? mid_ + width_ : (n);                        \
        int64_t i_ = lo_, j_ = mid_, k_ = lo_;                                          \
        while (i_ < mid_ && j_ < hi_) {                                                 \
          int64_t x = src_[j_], y = src_[i_];                                           \
          if (LESS) dst_[k_++] = src_[j_++];                                            \
          else dst_[k_++] = src_[i_++];                                                 \
        }                                                                               \
        while (i_ < mid_) dst_[k_++] = src_[i_++];                                      \
        while (j_ < hi_) dst_[k_++] = src_[j_++];                                       \
      }                                                                                 \
      int64_t *swap_ = src_;                                                            \
      src_ = dst_;                                                                      \
      dst_ = swap_;                                                                     \
    }                                                                                   \
    if (src_ != (rows)) memcpy((rows), src_, (size_t)(n) * sizeof(int64_t));            \
  } while (0)

#define SORT_NUMBERS(NAME, T)                                                          \
  static void sort_##NAME(const qv_array *a, int64_t *rows, int64_t *tmp, int64_t n, bool desc) { \
    const T *v = qv_array_values_##NAME(a);                                             \
    if (desc) MERGE_SORT(rows, tmp, n, v[y] < v[x]);                                    \
    else MERGE_SORT(rows, tmp, n, v[x] < v[y]);                                         \
  }

SORT_NUMBERS(int8, int8_t)
SORT_NUMBERS(int16, int16_t)
SORT_NUMBERS(int32, int32_t)
SORT_NUMBERS(int64, int64_t)
SORT_NUMBERS(uint8, uint8_t)
SORT_NUMBERS(uint16, uint16_t)
SORT_NUMBERS(uint32, uint32_t)
SORT_NUMBERS(uint64, uint64_t)
SORT_NUMBERS(float32, float)
SORT_NUMBERS(float64, double)

typedef struct byte_key {
  const uint8_t *data;
  int64_t len;
} byte_key;

/* Byte-wise order, a prefix first (as pyarrow orders strings and binaries). */
static inline bool bytes_less(const byte_key *k, int64_t x, int64_t y) {
  int64_t n = k[x].len < k[y].len ? k[x].len : k[y].len;
  int c = n > 0 ? memcmp(k[x].data, k[y].data, (size_t)n) : 0;
  return c < 0 || (c == 0 && k[x].len < k[y].len);
}

typedef void (*number_sort)(const qv_array *, int64_t *, int64_t *, int64_t, bool);

static number_sort number_sorter(qv_type_id id) {
  switch (id) { /* once per call: which key type */
    case QV_TYPE_INT8: return sort_int8;
    case QV_TYPE_INT16: return sort_int16;
    case QV_TYPE_INT32: return sort_int32;
    case QV_TYPE_INT64: return sort_int64;
    case QV_TYPE_UINT8: return sort_uint8;
    case QV_TYPE_UINT16: return sort_uint16;
    case QV_TYPE_UINT32: return sort_uint32;
    case QV_TYPE_UINT64: return sort_uint64;
    case QV_TYPE_FLOAT32: return sort_float32;
    case QV_TYPE_FLOAT64: return sort_float64;
    default: return NULL;
  }
}

static bool is_bytes(qv_type_id id) {
  return id == QV_TYPE_STRING || id == QV_TYPE_BINARY || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_LARGE_BINARY ||
         id == QV_TYPE_STRING_VIEW || id == QV_TYPE_BINARY_VIEW;
}

static bool is_nan_at(const qv_array *a, qv_type_id id, int64_t i) {
  if (id == QV_TYPE_FLOAT32) return isnan(qv_array_values_float32(a)[i]);
  if (id == QV_TYPE_FLOAT64) return isnan(qv_array_values_float64(a)[i]);
  return false;
}

qv_status qv_compute_sort_indices(const qv_array *values, qv_sort_order order, qv_null_placement nulls,
                                  qv_array **out, qv_error *err) {
  qv_type_id id;
  number_sort sorter;
  int64_t n, n_vals = 0, n_nans = 0, n_nulls = 0, bytes = 0;
  int64_t *rows = NULL, *tmp = NULL, *nans = NULL, *null_rows = NULL;
  byte_key *keys = NULL;
  qv_buffer *buf = NULL;
  qv_status st = QV_OK;

  if (values == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: NULL argument");
  *out = NULL;
  if ((order != QV_SORT_ASCENDING && order != QV_SORT_DESCENDING) ||
      (nulls != QV_NULLS_AT_END && nulls != QV_NULLS_AT_START))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: unknown order or null placement");
  id = qv_type_storage(values->type)->id;
  sorter = number_sorter(id);
  if (sorter == NULL && !is_bytes(id)) {
    char name[64];
    qv_type_format(values->type, name, sizeof name);
    return qv_error_set(err, QV_ERR_TYPE, "sort_indices: type %s is not supported (integers, floats, strings, binaries)",
                        name);
  }
  n = values->length;
  if (qv__mul_overflow_i64(n, 4 * (int64_t)sizeof(int64_t), &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "sort_indices: %lld rows overflow", (long long)n);
  rows = qv__malloc((size_t)bytes); /* rows, tmp, nans, nulls: one block */
  if (rows == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory for %lld rows", (long long)n);
  tmp = rows + n;
  nans = tmp + n;
  null_rows = nans + n;
  for (int64_t i = 0; i < n; i++) {
    if (!qv_array_is_valid(values, i)) null_rows[n_nulls++] = i;
    else if (is_nan_at(values, id, i)) nans[n_nans++] = i;
    else rows[n_vals++] = i;
  }

  if (sorter != NULL) {
    sorter(values, rows, tmp, n_vals, order == QV_SORT_DESCENDING);
  } else {
    keys = qv__calloc((size_t)(n > 0 ? n : 1), sizeof *keys);
    if (keys == NULL) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory for %lld keys", (long long)n);
      goto done;
    }
    for (int64_t k = 0; k < n_vals; k++) {
      int64_t r = rows[k];
      if (!qv__bytes_slot(values, r, &keys[r].data, &keys[r].len)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "sort_indices: row %lld: its offsets or view point outside the data",
                          (long long)r);
        goto done;
      }
    }
    if (order == QV_SORT_DESCENDING) MERGE_SORT(rows, tmp, n_vals, bytes_less(keys, y, x));
    else MERGE_SORT(rows, tmp, n_vals, bytes_less(keys, x, y));
  }

  if (qv__mul_overflow_i64(n, 8, &bytes)) bytes = 0; /* cannot happen: checked above */
  st = qv_buffer_allocate(NULL, bytes, false, &buf, err);
  if (st != QV_OK) goto done;
  if (n > 0) {
    uint64_t *o = (uint64_t *)(void *)buf->data;
    int64_t k = 0;
    if (nulls == QV_NULLS_AT_START) {
      for (int64_t i = 0; i < n_nulls; i++) o[k++] = (uint64_t)null_rows[i];
      for (int64_t i = 0; i < n_nans; i++) o[k++] = (uint64_t)nans[i];
      for (int64_t i = 0; i < n_vals; i++) o[k++] = (uint64_t)rows[i];
    } else {
      for (int64_t i = 0; i < n_vals; i++) o[k++] = (uint64_t)rows[i];
      for (int64_t i = 0; i < n_nans; i++) o[k++] = (uint64_t)nans[i];
      for (int64_t i = 0; i < n_nulls; i++) o[k++] = (uint64_t)null_rows[i];
    }
  }
  st = qv_array_new(qv_type_uint64(), n, 0, 0, 2, (qv_buffer *[]){NULL, buf}, 0, NULL, NULL, out, err);
done:
  qv_buffer_release(buf);
  qv__free(keys);
  qv__free(rows);
  return st;
}
