/* Casts to dictionary<I, V> (dictionary encoding).
 *
 * From a dictionary: the dictionary is cast to V and the indices to I (an
 * index that does not fit I is an error naming the row, as pyarrow's). From
 * the null type: every slot null over an empty dictionary. From anything
 * else: the values are numbered by the compute hash table (grouper.h) in
 * order of first appearance, nulls excluded (a null row gets a null
 * index), the distinct values are taken and cast to V, and the int32
 * group numbers are cast to I. pyarrow encodes only string and binary
 * inputs; quiver encodes every type the hash table takes (listed in
 * docs/compute.md).
 */
#include "compute/cast_internal.h"
#include "compute/grouper.h"
#include "compute/kernel_util.h"
#include "core/internal.h"
#include "quiver/compute.h"

/* An array of `to` from indices (any integer type: cast to I here) and a
 * dictionary (already of type V); takes neither. */
static qv_status assemble(qv_type *to, const qv_array *indices, qv_array *dictionary, bool safe, qv_array **out,
                          qv_error *err) {
  qv_array *ix = NULL;
  QV_RETURN_IF_ERROR(qv_compute_cast(indices, to->index_type, safe, &ix, err));
  qv_status st = qv_array_new(to, ix->length, ix->offset, ix->null_count, 2, ix->buffers, 0, NULL, dictionary, out,
                              err);
  qv_array_release(ix);
  if (st != QV_OK) qv_error_prefix(err, "cast to dictionary: ");
  return st;
}

static qv_status from_dictionary(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_array *indices = NULL, *values = NULL;
  if (a->dictionary == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: dictionary array without values");
  QV_RETURN_IF_ERROR(qv_array_new(a->type->index_type, a->length, a->offset, a->null_count, 2, a->buffers, 0, NULL,
                                  NULL, &indices, err));
  qv_status st = qv_compute_cast(a->dictionary, to->value_type, safe, &values, err);
  if (st == QV_OK) st = assemble(to, indices, values, safe, out, err);
  qv_array_release(indices);
  qv_array_release(values);
  return st;
}

static qv_status encode(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv__grouper *g = NULL;
  int32_t *group_of = NULL, *renumber = NULL;
  int64_t *rows = NULL, n = a->length, kept = 0;
  qv_buffer *validity = NULL, *codes = NULL, *row_buf = NULL;
  qv_array *indices = NULL, *row_ix = NULL, *distinct = NULL, *values = NULL;
  int64_t nulls;
  qv_status st = qv__grouper_new(&a, 1, "cast to dictionary", &g, err);
  if (st == QV_OK) {
    group_of = qv__malloc((size_t)(n > 0 ? n : 1) * sizeof *group_of);
    if (group_of == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "cast to dictionary: out of memory");
  }
  if (st == QV_OK) st = qv__grouper_assign(g, group_of, err);
  int64_t groups = st == QV_OK ? qv__grouper_n_groups(g) : 0;
  if (st == QV_OK) {
    renumber = qv__malloc((size_t)(groups > 0 ? groups : 1) * sizeof *renumber);
    if (renumber == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "cast to dictionary: out of memory");
  }
  if (st == QV_OK) st = qv_buffer_allocate(NULL, (groups > 0 ? groups : 1) * 8, false, &row_buf, err);
  if (st == QV_OK) {
    const int64_t *first = qv__grouper_first_rows(g);
    rows = (int64_t *)(void *)row_buf->data;
    for (int64_t k = 0; k < groups; k++) { /* the null group, if any, gets no dictionary entry */
      if (qv_array_is_valid(a, first[k])) {
        renumber[k] = (int32_t)kept;
        rows[kept++] = first[k];
      } else {
        renumber[k] = -1;
      }
    }
    st = qv__compute_copy_validity(a, &validity, &nulls, err);
  }
  if (st == QV_OK) st = qv_buffer_allocate(NULL, (n > 0 ? n : 1) * 4, true, &codes, err);
  if (st == QV_OK) {
    int32_t *c = (int32_t *)(void *)codes->data;
    for (int64_t i = 0; i < n; i++) {
      int32_t r = renumber[group_of[i]];
      c[i] = r < 0 ? 0 : r;
    }
    st = qv_array_new(qv_type_int32(), n, 0, nulls, 2, (qv_buffer *[]){nulls ? validity : NULL, codes}, 0, NULL,
                      NULL, &indices, err);
  }
  if (st == QV_OK)
    st = qv_array_new(qv_type_int64(), kept, 0, 0, 2, (qv_buffer *[]){NULL, row_buf}, 0, NULL, NULL, &row_ix, err);
  if (st == QV_OK) st = qv_compute_take((qv_array *)a, row_ix, &distinct, err);
  if (st == QV_OK) st = qv_compute_cast(distinct, to->value_type, safe, &values, err);
  if (st == QV_OK) st = assemble(to, indices, values, safe, out, err);
  qv__grouper_free(g);
  qv__free(group_of);
  qv__free(renumber);
  qv_buffer_release(validity);
  qv_buffer_release(codes);
  qv_buffer_release(row_buf);
  qv_array_release(indices);
  qv_array_release(row_ix);
  qv_array_release(distinct);
  qv_array_release(values);
  return st;
}

qv_status qv__cast_to_dictionary(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  if (a->type->id == QV_TYPE_DICTIONARY) return from_dictionary(a, to, safe, out, err);
  if (a->type->id == QV_TYPE_NULL) {
    qv_array *indices = NULL, *values = NULL;
    QV_RETURN_IF_ERROR(qv_array_new_null(qv_type_int32(), a->length, &indices, err));
    qv_status st = qv_array_new_null(to->value_type, 0, &values, err);
    if (st == QV_OK) st = assemble(to, indices, values, safe, out, err);
    qv_array_release(indices);
    qv_array_release(values);
    return st;
  }
  return encode(a, to, safe, out, err);
}
