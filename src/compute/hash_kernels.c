/* Hash kernels over one column: unique, value_counts, count_distinct,
 * is_in and index_in, as pyarrow.compute defines them.
 *
 * Each builds a grouper (grouper.h) over its input and reads the answer off
 * the groups: unique is the first row of every group (in order of first
 * appearance, null included once), value_counts adds each group's size,
 * is_in / index_in build the grouper over the value set and probe it with
 * every row of the input. A null is a value like any other for all of them
 * (it matches a null in the value set unless skip_nulls).
 */
#include "compute/gather_internal.h"
#include "compute/grouper.h"
#include "core/internal.h"
#include "quiver/compute.h"
#include "quiver/field.h"

static qv_status null_arg(const char *fn, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
}

/* Groups of `values`, with group_of (optional) for every row. */
static qv_status group_column(const qv_array *values, const char *fn, qv__grouper **g, int32_t **group_of,
                              qv_error *err) {
  qv_status st = qv__grouper_new(&values, 1, fn, g, err);
  if (st != QV_OK) return st;
  if (group_of != NULL) {
    int64_t bytes;
    *group_of = NULL;
    if (qv__mul_overflow_i64(values->length > 0 ? values->length : 1, (int64_t)sizeof(int32_t), &bytes))
      st = qv_error_set(err, QV_ERR_OVERFLOW, "%s: %lld rows: their group ids overflow", fn, (long long)values->length);
    else if ((*group_of = qv__malloc((size_t)bytes)) == NULL)
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "%s: no memory for %lld rows", fn, (long long)values->length);
  }
  if (st == QV_OK) st = qv__grouper_assign(*g, group_of != NULL ? *group_of : NULL, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "%s: ", fn);
    qv__grouper_free(*g);
    *g = NULL;
    if (group_of != NULL) {
      qv__free(*group_of);
      *group_of = NULL;
    }
  }
  return st;
}

qv_status qv_compute_unique(qv_array *values, qv_array **out, qv_error *err) {
  qv__grouper *g = NULL;
  if (values == NULL || out == NULL) return null_arg("unique", err);
  *out = NULL;
  QV_RETURN_IF_ERROR(group_column(values, "unique", &g, NULL, err));
  qv_status st = qv__compute_gather(values, qv__grouper_first_rows(g), qv__grouper_n_groups(g), out, err);
  qv__grouper_free(g);
  return st;
}

/* An int64 array of n values taken over (the buffer is handed to it). */
static qv_status int64_array(int64_t *vals, int64_t n, qv_array **out, qv_error *err) {
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, false, &buf, err));
  if (n > 0) memcpy(buf->data, vals, (size_t)n * 8);
  qv_status st = qv_array_new(qv_type_int64(), n, 0, 0, 2, (qv_buffer *[]){NULL, buf}, 0, NULL, NULL, out, err);
  qv_buffer_release(buf);
  return st;
}

qv_status qv_compute_value_counts(qv_array *values, qv_array **out, qv_error *err) {
  qv__grouper *g = NULL;
  int32_t *group_of = NULL;
  int64_t *counts = NULL;
  qv_array *kids[2] = {NULL, NULL};
  qv_field *fields[2] = {NULL, NULL};
  qv_type *st_type = NULL;
  qv_status st;
  if (values == NULL || out == NULL) return null_arg("value_counts", err);
  *out = NULL;
  QV_RETURN_IF_ERROR(group_column(values, "value_counts", &g, &group_of, err));
  int64_t n_groups = qv__grouper_n_groups(g);
  counts = qv__calloc((size_t)(n_groups > 0 ? n_groups : 1), sizeof *counts);
  if (counts == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "value_counts: no memory for %lld counts", (long long)n_groups);
    goto done;
  }
  for (int64_t r = 0; r < values->length; r++) counts[group_of[r]]++;
  st = qv__compute_gather(values, qv__grouper_first_rows(g), n_groups, &kids[0], err);
  if (st == QV_OK) st = int64_array(counts, n_groups, &kids[1], err);
  if (st == QV_OK) st = qv_field_new("values", values->type, true, NULL, &fields[0], err);
  if (st == QV_OK) st = qv_field_new("counts", qv_type_int64(), true, NULL, &fields[1], err);
  if (st == QV_OK) st = qv_type_struct(fields, 2, &st_type, err);
  if (st == QV_OK)
    st = qv_array_new(st_type, n_groups, 0, 0, 1, (qv_buffer *[]){NULL}, 2, kids, NULL, out, err);
done:
  qv_type_release(st_type);
  qv_field_release(fields[0]);
  qv_field_release(fields[1]);
  qv_array_release(kids[0]);
  qv_array_release(kids[1]);
  qv__free(counts);
  qv__free(group_of);
  qv__grouper_free(g);
  return st;
}

qv_status qv_compute_count_distinct(const qv_array *values, qv_count_mode mode, int64_t *out, qv_error *err) {
  qv__grouper *g = NULL;
  if (values == NULL || out == NULL) return null_arg("count_distinct", err);
  if (mode != QV_COUNT_VALID && mode != QV_COUNT_NULL && mode != QV_COUNT_ALL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "count_distinct: unknown mode %d", (int)mode);
  QV_RETURN_IF_ERROR(group_column(values, "count_distinct", &g, NULL, err));
  int64_t n_groups = qv__grouper_n_groups(g);
  bool has_null = false;
  const int64_t *first = qv__grouper_first_rows(g);
  const qv__key_column *col = qv__grouper_columns(g);
  for (int64_t k = 0; k < n_groups && !has_null; k++) {
    const uint8_t *p;
    int64_t len;
    uint64_t s;
    has_null = qv__key_get(col, first[k], &p, &len, &s) == 0;
  }
  *out = mode == QV_COUNT_ALL ? n_groups : mode == QV_COUNT_NULL ? (int64_t)has_null : n_groups - (int64_t)has_null;
  qv__grouper_free(g);
  return QV_OK;
}

/* is_in (bool) and index_in (int32) share the probe loop. */
static qv_status probe_set(const qv_array *values, const qv_array *value_set, bool skip_nulls, bool want_index,
                           qv_array **out, qv_error *err) {
  const char *fn = want_index ? "index_in" : "is_in";
  qv__grouper *g = NULL;
  qv__key_column probe;
  qv_buffer *validity = NULL, *data = NULL;
  int64_t n, nulls = 0;
  qv_status st;
  if (values == NULL || value_set == NULL || out == NULL) return null_arg(fn, err);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__key_column_init(values, fn, &probe, err));
  QV_RETURN_IF_ERROR(group_column(value_set, fn, &g, NULL, err));
  if (!qv__key_columns_compatible(&probe, qv__grouper_columns(g)) &&
      probe.access != QV__KEY_NULL_TYPE) {
    char a[96], b[96];
    qv_type_format(values->type, a, sizeof a);
    qv_type_format(value_set->type, b, sizeof b);
    qv__grouper_free(g);
    return qv_error_set(err, QV_ERR_TYPE, "%s: the values are %s but the value set is %s (cast one first)", fn, a, b);
  }
  /* The null type probes only for null; every other group is unreachable. */
  n = values->length;
  st = qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, &validity, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, want_index ? n * 4 : qv_bitmap_bytes(n), true, &data, err);
  for (int64_t r = 0; r < n && st == QV_OK; r++) {
    int64_t group = -1;
    const uint8_t *p;
    int64_t len;
    uint64_t s;
    int v = qv__key_get(&probe, r, &p, &len, &s);
    if (v < 0) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: its offsets or view point outside the data", fn,
                        (long long)r);
      break;
    }
    if (v == 0 && probe.access == QV__KEY_NULL_TYPE) {
      /* find the null group of the set, if any (by_value or not, a null row of the set) */
      qv__key_column set_probe = *qv__grouper_columns(g);
      const int64_t *first = qv__grouper_first_rows(g);
      for (int64_t k = 0; k < qv__grouper_n_groups(g); k++)
        if (qv__key_get(&set_probe, first[k], &p, &len, &s) == 0) group = k;
    } else if (!(v == 0 && skip_nulls)) {
      if (qv__grouper_find(g, &probe, r, &group) < 0) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: its offsets or view point outside the data", fn,
                          (long long)r);
        break;
      }
    }
    if (want_index) {
      if (group >= 0) {
        int32_t ix = (int32_t)qv__grouper_first_rows(g)[group];
        memcpy(data->data + r * 4, &ix, 4);
        qv_bit_set(validity->data, r);
      } else {
        nulls++;
      }
    } else {
      qv_bit_set(validity->data, r);
      if (group >= 0) qv_bit_set(data->data, r);
    }
  }
  if (st == QV_OK && want_index && qv__grouper_n_groups(g) > 0 &&
      qv__grouper_first_rows(g)[qv__grouper_n_groups(g) - 1] > INT32_MAX)
    st = qv_error_set(err, QV_ERR_OVERFLOW, "index_in: the value set is longer than int32 indices reach");
  if (st == QV_OK)
    st = qv_array_new(want_index ? qv_type_int32() : qv_type_bool(), n, 0, nulls, 2,
                      (qv_buffer *[]){nulls > 0 ? validity : NULL, data}, 0, NULL, NULL, out, err);
  qv_buffer_release(validity);
  qv_buffer_release(data);
  qv__grouper_free(g);
  return st;
}

qv_status qv_compute_is_in(const qv_array *values, const qv_array *value_set, bool skip_nulls, qv_array **out,
                           qv_error *err) {
  return probe_set(values, value_set, skip_nulls, false, out, err);
}

qv_status qv_compute_index_in(const qv_array *values, const qv_array *value_set, bool skip_nulls, qv_array **out,
                              qv_error *err) {
  return probe_set(values, value_set, skip_nulls, true, out, err);
}
