/* Sorting by several keys: sort_indices over key columns (each ascending or
 * descending, nulls first or last), sorting a table, select_k and rank.
 *
 * Each key is prepared once: a category per row (value, NaN, null, ordered
 * so that with nulls at the end it is [values][NaN][nulls] and at the start
 * [nulls][NaN][values], whatever the direction, as pyarrow orders them) and
 * a comparison for two value rows chosen from the key's type. String and
 * binary keys are read through the checked accessor before sorting, so a
 * hostile offset is an error naming the row. The sort is a stable
 * bottom-up merge sort of row numbers: equal rows keep their input order.
 */
#include <math.h>

#include "core/checked_access.h"
#include "core/internal.h"
#include "core/layout.h"
#include "compute/sort_radix.h"
#include "quiver/compute.h"
#include "quiver/concat.h"
#include "quiver/table.h"

typedef enum cmp_kind { CMP_SIGNED, CMP_UNSIGNED, CMP_FLOAT, CMP_BOOL, CMP_DECIMAL_WIDE, CMP_BYTES } cmp_kind;

typedef struct byte_key {
  const uint8_t *data;
  int64_t len;
} byte_key;

typedef struct prepared_key {
  const qv_array *a;
  cmp_kind kind;
  int32_t width;        /* bytes of a fixed-width value */
  const uint8_t *values; /* slot 0 of the window (fixed width) */
  bool desc;
  uint8_t *category;    /* per row: 0, 1, 2 in sort order */
  uint8_t value_category;
  byte_key *bytes;      /* CMP_BYTES: every valid row's bytes */
} prepared_key;

static inline int64_t load_signed(const uint8_t *p, int32_t w) {
  switch (w) { /* physical width */
    case 1: return (int8_t)p[0];
    case 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p, 4); return v; }
    default: { int64_t v; memcpy(&v, p, 8); return v; }
  }
}
static inline uint64_t load_unsigned(const uint8_t *p, int32_t w) {
  uint64_t v = 0;
  memcpy(&v, p, (size_t)w);
  return v;
}

/* Comparison of two value rows of one key, ascending. */
static inline int cmp_values(const prepared_key *k, int64_t x, int64_t y) {
  switch (k->kind) { /* chosen per key once; the branch predicts perfectly */
    case CMP_SIGNED: {
      int64_t a = load_signed(k->values + x * k->width, k->width), b = load_signed(k->values + y * k->width, k->width);
      return (a > b) - (a < b);
    }
    case CMP_UNSIGNED: {
      uint64_t a = load_unsigned(k->values + x * k->width, k->width),
               b = load_unsigned(k->values + y * k->width, k->width);
      return (a > b) - (a < b);
    }
    case CMP_FLOAT: {
      double a, b;
      if (k->width == 4) {
        float fa, fb;
        memcpy(&fa, k->values + x * 4, 4);
        memcpy(&fb, k->values + y * 4, 4);
        a = fa;
        b = fb;
      } else {
        memcpy(&a, k->values + x * 8, 8);
        memcpy(&b, k->values + y * 8, 8);
      }
      return (a > b) - (a < b);
    }
    case CMP_BOOL: {
      int a = qv_bit_get(k->values, k->a->offset + x), b = qv_bit_get(k->values, k->a->offset + y);
      return a - b;
    }
    case CMP_DECIMAL_WIDE: {
      uint64_t a[4], b[4];
      qv_array_decimal_value(k->a, x, a);
      qv_array_decimal_value(k->a, y, b);
      if (a[3] != b[3]) return (int64_t)a[3] < (int64_t)b[3] ? -1 : 1;
      for (int w = 2; w >= 0; w--)
        if (a[w] != b[w]) return a[w] < b[w] ? -1 : 1;
      return 0;
    }
    case CMP_BYTES: {
      const byte_key *p = &k->bytes[x], *q = &k->bytes[y];
      int64_t n = p->len < q->len ? p->len : q->len;
      int c = n > 0 ? memcmp(p->data, q->data, (size_t)n) : 0;
      if (c != 0) return c < 0 ? -1 : 1;
      return (p->len > q->len) - (p->len < q->len);
    }
  }
  return 0;
}

static inline int cmp_key(const prepared_key *k, int64_t x, int64_t y) {
  uint8_t cx = k->category[x], cy = k->category[y];
  if (cx != cy) return cx < cy ? -1 : 1;
  if (cx != k->value_category) return 0;
  int c = cmp_values(k, x, y);
  return k->desc ? -c : c;
}

static inline int cmp_rows(const prepared_key *keys, int32_t n_keys, int64_t x, int64_t y) {
  for (int32_t k = 0; k < n_keys; k++) {
    int c = cmp_key(&keys[k], x, y);
    if (c != 0) return c;
  }
  return 0;
}

static void release_keys(prepared_key *keys, int32_t n) {
  if (keys == NULL) return;
  for (int32_t k = 0; k < n; k++) {
    qv__free(keys[k].category);
    qv__free(keys[k].bytes);
  }
  qv__free(keys);
}

static qv_status prepare_key(const qv_sort_key *sk, int32_t index, prepared_key *k, qv_error *err) {
  const qv_array *a = sk->values;
  const qv_type *storage = qv_type_storage(a->type);
  qv_type_id id = storage->id;
  int64_t n = a->length;
  k->a = a;
  k->desc = sk->order == QV_SORT_DESCENDING;
  k->values = qv_array_buffer_data(a, 1);
  switch (id) { /* logical: how values of this type order */
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
    case QV_TYPE_DATE32: case QV_TYPE_DATE64: case QV_TYPE_TIME32: case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP: case QV_TYPE_DURATION: case QV_TYPE_DECIMAL32: case QV_TYPE_DECIMAL64:
      k->kind = CMP_SIGNED;
      break;
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64: k->kind = CMP_UNSIGNED; break;
    case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64: k->kind = CMP_FLOAT; break;
    case QV_TYPE_BOOL: k->kind = CMP_BOOL; break;
    case QV_TYPE_DECIMAL128: case QV_TYPE_DECIMAL256: k->kind = CMP_DECIMAL_WIDE; break;
    case QV_TYPE_STRING: case QV_TYPE_BINARY: case QV_TYPE_LARGE_STRING: case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_STRING_VIEW: case QV_TYPE_BINARY_VIEW: case QV_TYPE_FIXED_SIZE_BINARY:
      k->kind = CMP_BYTES;
      break;
    case QV_TYPE_NULL: k->kind = CMP_SIGNED; break; /* never compared: every row is null */
    default: {
      char name[96];
      qv_type_format(a->type, name, sizeof name);
      return qv_error_set(err, QV_ERR_TYPE,
                          "sort key %d: type %s is not sortable (numbers, bool, temporal, decimal, strings, binary)",
                          (int)index, name);
    }
  }
  if (k->kind == CMP_SIGNED || k->kind == CMP_UNSIGNED || k->kind == CMP_FLOAT) {
    k->width = id == QV_TYPE_NULL ? 1 : qv__layout_width(&qv__layout_of(a->type)->buffers[1], storage);
    if (k->values != NULL) k->values += a->offset * k->width;
  }
  k->category = qv__malloc((size_t)(n > 0 ? n : 1));
  if (k->kind == CMP_BYTES) k->bytes = qv__calloc((size_t)(n > 0 ? n : 1), sizeof *k->bytes);
  if (k->category == NULL || (k->kind == CMP_BYTES && k->bytes == NULL))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "sort key %d: no memory for %lld rows", (int)index, (long long)n);
  bool at_start = sk->nulls == QV_NULLS_AT_START;
  uint8_t c_null = at_start ? 0 : 2, c_nan = 1, c_value = at_start ? 2 : 0;
  k->value_category = c_value;
  bool null_type = id == QV_TYPE_NULL;
  if (!null_type && a->validity_ == NULL && !a->null_layout_ && k->kind != CMP_FLOAT && k->kind != CMP_BYTES) {
    if (n > 0) memset(k->category, c_value, (size_t)n); /* no nulls, no NaN, nothing to read: every row a value */
    return QV_OK;
  }
  for (int64_t r = 0; r < n; r++) {
    if (null_type || !qv_array_is_valid(a, r)) {
      k->category[r] = c_null;
      continue;
    }
    k->category[r] = c_value;
    if (k->kind == CMP_FLOAT) {
      bool nan = k->width == 4 ? isnan(((const float *)(const void *)k->values)[r])
                               : isnan(((const double *)(const void *)k->values)[r]);
      if (nan) k->category[r] = c_nan;
    } else if (k->kind == CMP_BYTES && !qv__bytes_slot(a, r, &k->bytes[r].data, &k->bytes[r].len)) {
      return qv_error_set(err, QV_ERR_INVALID_DATA, "sort key %d: row %lld: its offsets or view point outside the data",
                          (int)index, (long long)r);
    }
  }
  return QV_OK;
}

static qv_status prepare_keys(const qv_sort_key *keys, int32_t n_keys, prepared_key **out, int64_t *n_rows,
                              qv_error *err) {
  *out = NULL;
  if (keys == NULL || n_keys < 1) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: no sort key");
  for (int32_t k = 0; k < n_keys; k++) {
    if (keys[k].values == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: sort key %d is NULL", (int)k);
    if (keys[k].values->length != keys[0].values->length)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: sort key %d has %lld rows, key 0 has %lld",
                          (int)k, (long long)keys[k].values->length, (long long)keys[0].values->length);
    if ((keys[k].order != QV_SORT_ASCENDING && keys[k].order != QV_SORT_DESCENDING) ||
        (keys[k].nulls != QV_NULLS_AT_END && keys[k].nulls != QV_NULLS_AT_START))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: sort key %d: unknown order or null placement",
                          (int)k);
  }
  prepared_key *p = qv__calloc((size_t)n_keys, sizeof *p);
  if (p == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory");
  for (int32_t k = 0; k < n_keys; k++) {
    qv_status st = prepare_key(&keys[k], k, &p[k], err);
    if (st != QV_OK) {
      release_keys(p, n_keys);
      return st;
    }
  }
  *out = p;
  *n_rows = keys[0].values->length;
  return QV_OK;
}

/* Stable merge sort of rows[0, n) (tmp of n scratch). */
static void merge_sort(const prepared_key *keys, int32_t n_keys, int64_t *rows, int64_t *tmp, int64_t n) {
  int64_t *src = rows, *dst = tmp;
  /* short runs first by insertion sort: fewer passes over memory */
  const int64_t run = 16;
  for (int64_t lo = 0; lo < n; lo += run) {
    int64_t hi = lo + run < n ? lo + run : n;
    for (int64_t i = lo + 1; i < hi; i++) {
      int64_t v = src[i], j = i;
      while (j > lo && cmp_rows(keys, n_keys, v, src[j - 1]) < 0) {
        src[j] = src[j - 1];
        j--;
      }
      src[j] = v;
    }
  }
  for (int64_t width = run; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = mid + width < n ? mid + width : n;
      int64_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi) dst[o++] = cmp_rows(keys, n_keys, src[j], src[i]) < 0 ? src[j++] : src[i++];
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    int64_t *swap = src;
    src = dst;
    dst = swap;
  }
  if (src != rows) memcpy(rows, src, (size_t)n * sizeof *rows);
}

/* The radix key of value row r: unsigned order is the key's order. */
static inline uint64_t radix_key(const prepared_key *k, int64_t r) {
  uint64_t key = 0;
  switch (k->kind) { /* chosen per key; predictable */
    case CMP_SIGNED: key = (uint64_t)load_signed(k->values + r * k->width, k->width) ^ ((uint64_t)1 << 63); break;
    case CMP_UNSIGNED: key = load_unsigned(k->values + r * k->width, k->width); break;
    case CMP_FLOAT: {
      double d;
      if (k->width == 4) {
        float f;
        memcpy(&f, k->values + r * 4, 4);
        d = f;
      } else {
        memcpy(&d, k->values + r * 8, 8);
      }
      if (d == 0) d = 0.0; /* -0.0 ties with 0.0, as the comparison says */
      memcpy(&key, &d, 8);
      key = (key >> 63) ? ~key : key | ((uint64_t)1 << 63);
      break;
    }
    case CMP_BOOL: key = (uint64_t)qv_bit_get(k->values, k->a->offset + r); break;
    case CMP_BYTES: { /* the first 8 bytes, big-endian; ties are sorted again in full */
      const byte_key *b = &k->bytes[r];
      for (int i = 0; i < 8; i++) key = (key << 8) | (i < b->len ? b->data[i] : 0);
      break;
    }
    default: break;
  }
  return k->desc ? ~key : key;
}

/* One key that radix-sorts: rows[0, n) receives the order. */
static qv_status radix_rows(const prepared_key *k, int64_t *rows, int64_t n, qv_error *err) {
  int64_t n_vals = 0, before = 0;
  for (int64_t r = 0; r < n; r++) {
    n_vals += k->category[r] == k->value_category;
    before += k->category[r] < k->value_category;
  }
  uint64_t *keys = NULL;
  int64_t *val_rows = NULL, *scratch = NULL;
  int64_t *vals = rows + before;
  qv_status st = QV_OK;
  if (k->kind == CMP_SIGNED && k->width == 8 && n_vals == n && k->values != NULL) {
    /* an int64 column with no nulls is its own key array: the sign bit
     * flipped (and every bit when descending) orders it as unsigned */
    uint64_t flip = ((uint64_t)1 << 63) ^ (k->desc ? ~(uint64_t)0 : 0);
    st = qv__radix_sort_rows(k->values, flip, NULL, n, vals, err);
  } else {
    keys = qv__malloc((size_t)(n_vals > 0 ? n_vals : 1) * sizeof *keys);
    val_rows = n_vals < n ? qv__malloc((size_t)(n_vals > 0 ? n_vals : 1) * sizeof *val_rows) : NULL;
    if (keys == NULL || (n_vals < n && val_rows == NULL)) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory for %lld rows", (long long)n);
      goto done;
    }
    int64_t m = 0;
    for (int64_t r = 0; r < n; r++)
      if (k->category[r] == k->value_category) {
        keys[m] = radix_key(k, r);
        if (val_rows != NULL) val_rows[m] = r;
        m++;
      }
    st = qv__radix_sort_rows((const uint8_t *)keys, 0, val_rows, n_vals, vals, err);
  }
  if (st == QV_OK && k->kind == CMP_BYTES) { /* equal prefixes: order those runs by the whole bytes, stably */
    for (int64_t lo = 0; lo < n_vals && st == QV_OK;) {
      uint64_t prefix = radix_key(k, vals[lo]);
      int64_t hi = lo + 1;
      while (hi < n_vals && radix_key(k, vals[hi]) == prefix) hi++;
      if (hi - lo > 1) {
        if (scratch == NULL) scratch = qv__malloc((size_t)n_vals * sizeof *scratch);
        if (scratch == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory for %lld rows", (long long)n);
        else merge_sort(k, 1, vals + lo, scratch, hi - lo);
      }
      lo = hi;
    }
  }
  if (st == QV_OK && n_vals < n) {
    int64_t o = 0;
    for (uint8_t c = 0; c < 3; c++) {
      if (c == k->value_category) {
        o += n_vals;
        continue;
      }
      for (int64_t r = 0; r < n; r++)
        if (k->category[r] == c) rows[o++] = r;
    }
  }
done:
  qv__free(keys);
  qv__free(val_rows);
  qv__free(scratch);
  return st;
}

/* The sorted row order, as n int64 rows at the start of a buffer the
 * caller releases (it may become the uint64 result as it is). */
static qv_status sorted_rows(const qv_sort_key *keys, int32_t n_keys, prepared_key **prepared, qv_buffer **rows_out,
                             int64_t *n_out, qv_error *err) {
  int64_t n = 0, bytes;
  qv_buffer *buf = NULL;
  qv_status st;
  *rows_out = NULL;
  QV_RETURN_IF_ERROR(prepare_keys(keys, n_keys, prepared, &n, err));
  if (qv__mul_overflow_i64(n, 8, &bytes)) {
    st = qv_error_set(err, QV_ERR_OVERFLOW, "sort_indices: %lld rows overflow", (long long)n);
    goto fail;
  }
  st = qv_buffer_allocate(NULL, bytes, false, &buf, err);
  if (st != QV_OK) goto fail;
  int64_t *rows = (int64_t *)(void *)buf->data;
  prepared_key *k0 = *prepared;
  if (n_keys == 1 && k0->kind != CMP_DECIMAL_WIDE && n > 64) {
    st = radix_rows(k0, rows, n, err);
    if (st != QV_OK) goto fail;
  } else {
    int64_t *tmp = qv__malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
    if (tmp == NULL) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort_indices: no memory for %lld rows", (long long)n);
      goto fail;
    }
    for (int64_t r = 0; r < n; r++) rows[r] = r;
    merge_sort(*prepared, n_keys, rows, tmp, n);
    qv__free(tmp);
  }
  *rows_out = buf;
  *n_out = n;
  return QV_OK;
fail:
  qv_buffer_release(buf);
  release_keys(*prepared, n_keys);
  *prepared = NULL;
  return st;
}

/* The first n rows of `rows` as a uint64 array: the buffer itself when it
 * is used whole or nearly, else a copy (a top-k keeps no large buffer). */
static qv_status uint64_array(qv_buffer *rows, int64_t total, int64_t n, qv_array **out, qv_error *err) {
  if (n > total / 2)
    return qv_array_new(qv_type_uint64(), n, 0, 0, 2, (qv_buffer *[]){NULL, rows}, 0, NULL, NULL, out, err);
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, false, &buf, err));
  if (n > 0) memcpy(buf->data, rows->data, (size_t)n * 8);
  qv_status st = qv_array_new(qv_type_uint64(), n, 0, 0, 2, (qv_buffer *[]){NULL, buf}, 0, NULL, NULL, out, err);
  qv_buffer_release(buf);
  return st;
}

qv_status qv_compute_sort_indices_multi(const qv_sort_key *keys, int32_t n_keys, qv_array **out, qv_error *err) {
  return qv_compute_select_k(keys, n_keys, -1, out, err);
}

qv_status qv_compute_select_k(const qv_sort_key *keys, int32_t n_keys, int64_t k, qv_array **out, qv_error *err) {
  prepared_key *prepared = NULL;
  qv_buffer *rows = NULL;
  int64_t n = 0;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort_indices: NULL argument");
  *out = NULL;
  QV_RETURN_IF_ERROR(sorted_rows(keys, n_keys, &prepared, &rows, &n, err));
  qv_status st = uint64_array(rows, n, k >= 0 && k < n ? k : n, out, err);
  release_keys(prepared, n_keys);
  qv_buffer_release(rows);
  return st;
}

qv_status qv_compute_rank(const qv_array *values, qv_sort_order order, qv_null_placement nulls,
                          qv_rank_tiebreaker tiebreaker, qv_array **out, qv_error *err) {
  prepared_key *prepared = NULL;
  qv_buffer *rows_buf = NULL;
  int64_t n = 0;
  qv_buffer *buf = NULL;
  if (values == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "rank: NULL argument");
  *out = NULL;
  if (tiebreaker < QV_RANK_MIN || tiebreaker > QV_RANK_DENSE)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "rank: unknown tiebreaker %d", (int)tiebreaker);
  qv_sort_key key = {values, order, nulls};
  QV_RETURN_IF_ERROR(sorted_rows(&key, 1, &prepared, &rows_buf, &n, err));
  const int64_t *rows = (const int64_t *)(const void *)rows_buf->data;
  qv_status st = qv_buffer_allocate(NULL, n * 8, false, &buf, err);
  if (st == QV_OK) {
    uint64_t *rank = (uint64_t *)(void *)buf->data;
    uint64_t dense = 0;
    for (int64_t lo = 0; lo < n;) {
      int64_t hi = lo + 1;
      while (hi < n && cmp_rows(prepared, 1, rows[lo], rows[hi]) == 0) hi++;
      dense++;
      for (int64_t i = lo; i < hi; i++) {
        uint64_t r = tiebreaker == QV_RANK_MIN     ? (uint64_t)lo + 1
                     : tiebreaker == QV_RANK_MAX   ? (uint64_t)hi
                     : tiebreaker == QV_RANK_FIRST ? (uint64_t)i + 1
                                                   : dense;
        rank[rows[i]] = r;
      }
      lo = hi;
    }
    st = qv_array_new(qv_type_uint64(), n, 0, 0, 2, (qv_buffer *[]){NULL, buf}, 0, NULL, NULL, out, err);
  }
  qv_buffer_release(buf);
  release_keys(prepared, 1);
  qv_buffer_release(rows_buf);
  return st;
}

/* The columns of `table` the keys name, each combined into one array. */
static qv_status table_keys(const qv_table *table, const qv_table_sort_key *tkeys, int32_t n_keys, qv_sort_key *keys,
                            qv_error *err) {
  for (int32_t k = 0; k < n_keys; k++) keys[k].values = NULL;
  for (int32_t k = 0; k < n_keys; k++) {
    qv_chunked_array *col = NULL;
    qv_array *whole = NULL;
    if (tkeys[k].column == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort: sort key %d names no column", (int)k);
    qv_status st = qv_table_column_by_name(table, tkeys[k].column, &col, err);
    if (st == QV_OK) st = qv_chunked_array_combine(col, &whole, err);
    qv_chunked_array_release(col);
    if (st != QV_OK) return st;
    keys[k].values = whole;
    keys[k].order = tkeys[k].order;
    keys[k].nulls = tkeys[k].nulls;
  }
  return QV_OK;
}

qv_status qv_compute_sort_indices_table(const qv_table *table, const qv_table_sort_key *keys, int32_t n_keys,
                                        qv_array **out, qv_error *err) {
  if (table == NULL || keys == NULL || out == NULL || n_keys < 1)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort: NULL argument or no sort key");
  *out = NULL;
  qv_sort_key *resolved = qv__calloc((size_t)n_keys, sizeof *resolved);
  if (resolved == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "sort: no memory");
  qv_status st = table_keys(table, keys, n_keys, resolved, err);
  if (st == QV_OK) st = qv_compute_sort_indices_multi(resolved, n_keys, out, err);
  for (int32_t k = 0; k < n_keys; k++) qv_array_release((qv_array *)resolved[k].values);
  qv__free(resolved);
  return st;
}

qv_status qv_compute_sort_table(const qv_table *table, const qv_table_sort_key *keys, int32_t n_keys, qv_table **out,
                                qv_error *err) {
  qv_array *order = NULL, *indices = NULL;
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "sort: NULL argument");
  *out = NULL;
  QV_RETURN_IF_ERROR(qv_compute_sort_indices_table(table, keys, n_keys, &order, err));
  /* take wants int64 indices: the uint64 row numbers are below the row count */
  qv_status st = qv_array_new(qv_type_int64(), order->length, order->offset, 0, 2,
                              (qv_buffer *[]){NULL, order->buffers[1]}, 0, NULL, NULL, &indices, err);
  if (st == QV_OK) st = qv_compute_take_table(table, indices, out, err);
  qv_array_release(indices);
  qv_array_release(order);
  return st;
}
