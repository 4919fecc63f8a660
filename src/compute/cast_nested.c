/* Casts of nested types: list-likes to list-likes with an element cast,
 * structs field by field, maps entry by entry.
 *
 *   - list, large_list, list_view, large_list_view, fixed_size_list (and
 *     map, as a list of entries) to list, large_list, list_view,
 *     large_list_view or fixed_size_list: every valid row's child range is
 *     read through the checked accessor (so offsets or views that point
 *     outside the child are an error naming the row, never a bad read),
 *     the ranges are gathered into one child in row order, cast to the
 *     target item type, and new offsets (or sizes) are written. A
 *     fixed_size_list target needs every valid row to hold list_size
 *     values (an error naming the row otherwise, as pyarrow); its null rows
 *     hold list_size null values. pyarrow has no cast to the list_view
 *     forms; quiver does them the same way.
 *   - struct to struct: by field name, as pyarrow: each target field takes
 *     the first source field of its name not taken yet, cast to its type; a
 *     target field with no source becomes all null (an error when it is
 *     not nullable); source fields no target names are dropped.
 *   - map to map or to list<struct<2 fields>>: the entries' key and value
 *     are cast by position (the target names them).
 * The parent's validity is kept; results have offset 0.
 */
#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "core/checked_access.h"
#include "core/internal.h"
#include "quiver/compute.h"
#include "quiver/field.h"

static bool is_list_like(qv_type_id id) {
  return id == QV_TYPE_LIST || id == QV_TYPE_LARGE_LIST || id == QV_TYPE_LIST_VIEW || id == QV_TYPE_LARGE_LIST_VIEW ||
         id == QV_TYPE_FIXED_SIZE_LIST || id == QV_TYPE_MAP;
}

bool qv__cast_is_nested_pair(qv_type_id from, qv_type_id into) {
  if (from == QV_TYPE_STRUCT && into == QV_TYPE_STRUCT) return true;
  if (into == QV_TYPE_MAP) return from == QV_TYPE_MAP;
  return is_list_like(from) && is_list_like(into);
}

static qv_status cast_struct(const qv_array *a, qv_type *to, bool by_name, bool safe, qv_array **out, qv_error *err);

/* `child` (the entries or items, of the source item type) cast to the
 * target item type; map entries go positionally. */
static qv_status cast_items(const qv_array *child, const qv_type *from_parent, qv_type *item, bool safe,
                            qv_array **out, qv_error *err) {
  if (from_parent->id == QV_TYPE_MAP && item->id == QV_TYPE_STRUCT)
    return cast_struct(child, item, false, safe, out, err);
  return qv_compute_cast(child, item, safe, out, err);
}

static qv_status cast_list(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  int64_t n = a->length, total = 0, size = to->id == QV_TYPE_FIXED_SIZE_LIST ? to->list_size : -1;
  qv_type_id into = to->id;
  bool wide = into == QV_TYPE_LARGE_LIST || into == QV_TYPE_LARGE_LIST_VIEW;
  bool view = into == QV_TYPE_LIST_VIEW || into == QV_TYPE_LARGE_LIST_VIEW;
  qv_buffer *validity = NULL, *idx = NULL, *idx_valid = NULL, *offsets = NULL, *sizes = NULL;
  qv_array *indices = NULL, *gathered = NULL, *items = NULL;
  int64_t nulls;
  if (a->n_children < 1) return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: list array without a child");
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = QV_OK;
  /* Pass 1: check every row and count the child values. */
  for (int64_t i = 0; i < n && st == QV_OK; i++) {
    int64_t start, len;
    if (!qv_array_is_valid(a, i)) {
      total += size > 0 ? size : 0;
      continue;
    }
    if (!qv__list_slot(a, i, &start, &len)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: the list's offsets point outside its values",
                        (long long)i);
    } else if (size >= 0 && len != size) {
      char name[96];
      qv_type_format(to, name, sizeof name);
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: a list of %lld values does not fit %s",
                        (long long)i, (long long)len, name);
    } else if (qv__add_overflow_i64(total, len, &total)) {
      st = qv_error_set(err, QV_ERR_OVERFLOW, "cast: more list values than fit 64 bits");
    }
  }
  if (st == QV_OK && !wide && size < 0 && total > INT32_MAX) {
    char name[96];
    qv_type_format(to, name, sizeof name);
    st = qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld list values do not fit the 32-bit offsets of %s",
                      (long long)total, name);
  }
  int64_t obytes = (n + (view ? 0 : 1)) * (wide ? 8 : 4);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, total > 0 ? total * 8 : 8, false, &idx, err);
  if (st == QV_OK && size > 0 && nulls > 0) st = qv__compute_new_bitmap(total, &idx_valid, err);
  if (st == QV_OK && size < 0) st = qv_buffer_allocate(NULL, obytes > 0 ? obytes : 8, true, &offsets, err);
  if (st == QV_OK && view) st = qv_buffer_allocate(NULL, n * (wide ? 8 : 4) > 0 ? n * (wide ? 8 : 4) : 8, true, &sizes, err);
  /* Pass 2: the child indices in row order, and the new offsets. */
  if (st == QV_OK) {
    int64_t *ix = (int64_t *)(void *)idx->data, w = 0;
    for (int64_t i = 0; i < n; i++) {
      int64_t start = 0, len = 0;
      bool valid = qv_array_is_valid(a, i);
      if (valid) qv__list_slot(a, i, &start, &len);
      else if (size > 0) len = size;
      if (offsets != NULL) {
        if (wide) ((int64_t *)(void *)offsets->data)[i] = w; /* views: with sizes[i] below */
        else ((int32_t *)(void *)offsets->data)[i] = (int32_t)w;
        if (view) {
          if (wide) ((int64_t *)(void *)sizes->data)[i] = len;
          else ((int32_t *)(void *)sizes->data)[i] = (int32_t)len;
        }
      }
      for (int64_t k = 0; k < len; k++) {
        ix[w] = valid ? start + k : 0;
        if (idx_valid != NULL && valid) qv_bit_set(idx_valid->data, w);
        w++;
      }
    }
    if (offsets != NULL && !view) {
      if (wide) ((int64_t *)(void *)offsets->data)[n] = w;
      else ((int32_t *)(void *)offsets->data)[n] = (int32_t)w;
    }
    int64_t idx_nulls = idx_valid != NULL ? qv__compute_count_nulls(idx_valid, total) : 0;
    st = qv_array_new(qv_type_int64(), total, 0, idx_nulls, 2, (qv_buffer *[]){idx_nulls ? idx_valid : NULL, idx}, 0,
                      NULL, NULL, &indices, err);
  }
  if (st == QV_OK) st = qv_compute_take(a->children[0], indices, &gathered, err);
  if (st == QV_OK) {
    st = cast_items(gathered, a->type, to->children[0]->type, safe, &items, err);
    if (st != QV_OK) qv_error_prefix(err, "list values: ");
  }
  if (st == QV_OK) {
    qv_buffer *nb = nulls ? validity : NULL;
    if (size >= 0)
      st = qv_array_new(to, n, 0, nulls, 1, (qv_buffer *[]){nb}, 1, (qv_array *[]){items}, NULL, out, err);
    else if (view)
      st = qv_array_new(to, n, 0, nulls, 3, (qv_buffer *[]){nb, offsets, sizes}, 1, (qv_array *[]){items}, NULL, out,
                        err);
    else
      st = qv_array_new(to, n, 0, nulls, 2, (qv_buffer *[]){nb, offsets}, 1, (qv_array *[]){items}, NULL, out, err);
  }
  qv_buffer_release(validity);
  qv_buffer_release(idx);
  qv_buffer_release(idx_valid);
  qv_buffer_release(offsets);
  qv_buffer_release(sizes);
  qv_array_release(indices);
  qv_array_release(gathered);
  qv_array_release(items);
  return st;
}

static qv_status cast_struct(const qv_array *a, qv_type *to, bool by_name, bool safe, qv_array **out, qv_error *err) {
  int32_t nt = to->n_children, ns = a->type->n_children;
  qv_buffer *validity = NULL;
  int64_t nulls;
  if (!by_name && nt != ns) {
    char from[96], into[96];
    qv_type_format(a->type, from, sizeof from);
    qv_type_format(to, into, sizeof into);
    return qv_error_set(err, QV_ERR_TYPE, "cast: from %s to %s: the field counts differ", from, into);
  }
  qv_array **children = qv__calloc((size_t)(nt ? nt : 1), sizeof *children);
  bool *taken = qv__calloc((size_t)(ns ? ns : 1), sizeof *taken);
  qv_status st = children && taken ? QV_OK : qv_error_set(err, QV_ERR_NO_MEMORY, "cast: out of memory");
  if (st == QV_OK) st = qv__compute_copy_validity(a, &validity, &nulls, err);
  for (int32_t f = 0; f < nt && st == QV_OK; f++) {
    const qv_field *tf = to->children[f];
    int32_t src = by_name ? -1 : f;
    for (int32_t s = 0; by_name && s < ns; s++) {
      if (!taken[s] && strcmp(a->type->children[s]->name, tf->name) == 0) {
        src = s;
        break;
      }
    }
    if (src < 0) {
      if (!tf->nullable && a->length > 0) { /* pyarrow refuses only a non-empty input */
        char from[96];
        qv_type_format(a->type, from, sizeof from);
        st = qv_error_set(err, QV_ERR_TYPE, "cast: the non-nullable field '%s' is not among the fields of %s",
                          tf->name, from);
        break;
      }
      st = qv_array_new_null(tf->type, a->length, &children[f], err);
      continue;
    }
    taken[src] = true;
    qv_array *window = NULL;
    if (src >= a->n_children) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: struct array without child %d", (int)src);
      break;
    }
    st = qv_array_slice(a->children[src], a->offset, a->length, &window, err);
    if (st == QV_OK) st = qv_compute_cast(window, tf->type, safe, &children[f], err);
    if (st == QV_OK && !tf->nullable && children[f]->null_count != 0)
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: %lld nulls cannot go to the non-nullable field",
                        (long long)children[f]->null_count);
    if (st != QV_OK) qv_error_prefix(err, "field '%s': ", tf->name);
    qv_array_release(window);
  }
  if (st == QV_OK)
    st = qv_array_new(to, a->length, 0, nulls, 1, (qv_buffer *[]){nulls ? validity : NULL}, nt, children, NULL, out,
                      err);
  for (int32_t f = 0; children != NULL && f < nt; f++) qv_array_release(children[f]);
  qv__free(children);
  qv__free(taken);
  qv_buffer_release(validity);
  return st;
}

qv_status qv__cast_nested(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv_type_id from = a->type->id, into = to->id;
  if (from == QV_TYPE_STRUCT && into == QV_TYPE_STRUCT) return cast_struct(a, to, true, safe, out, err);
  if (from == QV_TYPE_FIXED_SIZE_LIST && into == QV_TYPE_FIXED_SIZE_LIST && a->type->list_size != to->list_size &&
      a->length > 0) { /* pyarrow refuses only a non-empty input */
    char src[96], dst[96];
    qv_type_format(a->type, src, sizeof src);
    qv_type_format(to, dst, sizeof dst);
    return qv_error_set(err, QV_ERR_TYPE, "cast: from %s to %s: the list sizes differ", src, dst);
  }
  if (into == QV_TYPE_MAP || from == QV_TYPE_MAP) {
    qv_type *item = to->children[0]->type;
    if (item->id != QV_TYPE_STRUCT || item->n_children != 2) {
      char dst[96];
      qv_type_format(to, dst, sizeof dst);
      return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cast: from a map to %s is not supported", dst);
    }
  }
  return cast_list(a, to, safe, out, err);
}
