/* quiver validate: full (O(n)) checks of one node's offsets, views, list
 * views, unions, dictionary indices, run ends, maps and null count.
 *
 * Precondition: the node and all its descendants passed the structural
 * checks, so every buffer read here is in bounds for offset + length slots;
 * what is checked is that the *values* stored in those buffers point where
 * they may. Rows in messages are logical slots of the node (0-based).
 */
#include <stdio.h>

#include "core/internal.h"
#include "validate/internal.h"

/* Every offsets[i] <= offsets[i+1] (first/last were bounded structurally). */
static qv_status offsets_monotonic(qv__vctx *c, const qv_array *a, bool wide) {
  const uint8_t *offs = qv__buf_data(a, 1);
  if (offs == NULL || a->length == 0) return QV_OK;
  const int64_t base = a->offset;
  if (wide) {
    int64_t prev, cur;
    memcpy(&prev, offs + base * 8, 8);
    for (int64_t i = 0; i < a->length; i++) {
      memcpy(&cur, offs + (base + i + 1) * 8, 8);
      if (cur < prev)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "offsets not monotonic at row %lld: %lld > %lld",
                         (long long)i, (long long)prev, (long long)cur);
      prev = cur;
    }
  } else {
    int32_t prev, cur;
    memcpy(&prev, offs + base * 4, 4);
    for (int64_t i = 0; i < a->length; i++) {
      memcpy(&cur, offs + (base + i + 1) * 4, 4);
      if (cur < prev)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "offsets not monotonic at row %lld: %d > %d", (long long)i,
                         prev, cur);
      prev = cur;
    }
  }
  return QV_OK;
}

static qv_status views_in_bounds(qv__vctx *c, const qv_array *a) {
  const uint8_t *views = qv__buf_data(a, 1);
  const int32_t n_data = a->n_buffers - 2;
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    for (int64_t i = s; i < e; i++) {
      const uint8_t *v = views + (a->offset + i) * QV_VIEW_SIZE;
      int32_t size, idx, off;
      memcpy(&size, v, 4);
      if (size < 0)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "view at row %lld has negative size %d", (long long)i, size);
      if (size <= QV_VIEW_INLINE_MAX) continue;
      memcpy(&idx, v + 8, 4);
      memcpy(&off, v + 12, 4);
      if (idx < 0 || idx >= n_data)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "view at row %lld refers to data buffer %d, but the array has %d data buffers",
                         (long long)i, idx, n_data);
      if (off < 0)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "view at row %lld has negative offset %d", (long long)i, off);
      const int64_t have = qv__buf_size(a, 2 + idx);
      if ((int64_t)off + size > have)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "view at row %lld: bytes [%d, %lld) are outside data buffer %d of %lld bytes",
                         (long long)i, off, (long long)off + size, idx, (long long)have);
      const uint8_t *d = a->buffers[2 + idx]->data + off;
      if (memcmp(d, v + 4, 4) != 0)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "view at row %lld: prefix %02X%02X%02X%02X does not match the data %02X%02X%02X%02X",
                         (long long)i, v[4], v[5], v[6], v[7], d[0], d[1], d[2], d[3]);
    }
  }
  return QV_OK;
}

static qv_status list_views_in_bounds(qv__vctx *c, const qv_array *a, bool wide) {
  const uint8_t *offs = qv__buf_data(a, 1), *sizes = qv__buf_data(a, 2);
  const int64_t child_len = a->children[0]->length;
  for (int64_t i = 0; i < a->length; i++) {
    const int64_t o = qv__load_off(offs, wide, a->offset + i);
    const int64_t n = qv__load_off(sizes, wide, a->offset + i);
    if (n < 0)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "list view at row %lld has negative size %lld", (long long)i,
                       (long long)n);
    if (o < 0 || o > child_len)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "list view at row %lld: offset %lld outside child of length %lld",
                       (long long)i, (long long)o, (long long)child_len);
    if (n > child_len - o)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                       "list view at row %lld: range [%lld, %lld) outside child of length %lld", (long long)i,
                       (long long)o, (long long)(o + n), (long long)child_len);
  }
  return QV_OK;
}

static qv_status union_slots(qv__vctx *c, const qv_array *a, const qv_type *t) {
  const uint8_t *ids = qv__buf_data(a, 0);
  const uint8_t *offs = qv__buf_data(a, 1);
  const bool dense = t->id == QV_TYPE_DENSE_UNION;
  for (int64_t i = 0; i < a->length; i++) {
    const int8_t code = (int8_t)ids[a->offset + i];
    const int32_t k = code < 0 || t->child_index == NULL ? -1 : t->child_index[code];
    if (k < 0 || k >= a->n_children)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "type id %d at row %lld is not declared by the union type", code,
                       (long long)i);
    if (dense) {
      const int64_t o = qv__load_off(offs, false, a->offset + i);
      const int64_t n = a->children[k]->length;
      if (o < 0 || o >= n)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "offset %lld at row %lld is outside child %d ('%s') of length %lld", (long long)o,
                         (long long)i, k, t->children[k]->name, (long long)n);
    }
  }
  return QV_OK;
}

static qv_status dictionary_indices(qv__vctx *c, const qv_array *a, const qv_type *t) {
  const uint8_t *d = qv__buf_data(a, 1);
  const int bytes = t->index_type->bit_width / 8;
  const bool is_signed = qv_type_is_signed_integer(t->index_type->id);
  const int64_t n = a->dictionary->length;
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    for (int64_t i = s; i < e; i++) {
      int64_t v = qv__load_int(d, bytes, a->offset + i);
      if (!is_signed && bytes < 8) v &= (int64_t)((UINT64_C(1) << (bytes * 8)) - 1);
      if (v < 0 || v >= n) {
        if (!is_signed && v < 0)
          return qv__vfail(c, a, QV_ERR_INVALID_DATA, "dictionary index %llu at row %lld is outside [0, %lld)",
                           (unsigned long long)v, (long long)i, (long long)n);
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "dictionary index %lld at row %lld is outside [0, %lld)",
                         (long long)v, (long long)i, (long long)n);
      }
    }
  }
  return QV_OK;
}

static qv_status run_ends(qv__vctx *c, const qv_array *a) {
  const qv_array *re = a->children[0];
  const uint8_t *bits = qv__buf_data(re, 0);
  if (bits != NULL && re->length > 0) {
    const int64_t valid = qv_bitmap_count_set(bits, re->offset, re->length);
    if (valid != re->length) {
      int64_t k = 0;
      while (k < re->length && qv_bit_get(bits, re->offset + k)) k++;
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "run_ends must not contain nulls (null at run %lld)",
                       (long long)k);
    }
  }
  int64_t prev = 0;
  for (int64_t k = 0; k < re->length; k++) {
    const int64_t v = qv__ree_run_end(a, k);
    if (k == 0 && v < 1)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "first run end is %lld, must be >= 1", (long long)v);
    if (k > 0 && v <= prev)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "run ends not strictly increasing at run %lld: %lld >= %lld",
                       (long long)k, (long long)prev, (long long)v);
    prev = v;
  }
  return QV_OK;
}

/* Map entries referenced by the map's slots, and their keys, are non-null. */
static qv_status map_entries(qv__vctx *c, const qv_array *a) {
  if (a->length == 0 || qv__buf_size(a, 1) == 0) return QV_OK;
  const qv_array *entries = a->children[0];
  const int64_t first = qv__load_off(qv__buf_data(a, 1), false, a->offset);
  const int64_t last = qv__load_off(qv__buf_data(a, 1), false, a->offset + a->length);
  const uint8_t *ebits = qv__buf_data(entries, 0);
  if (ebits != NULL) {
    for (int64_t j = first; j < last; j++)
      if (!qv_bit_get(ebits, entries->offset + j))
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "map entries must not be null (null entry at entries row %lld)",
                         (long long)j);
  }
  if (entries->n_children < 1) return QV_OK;
  const qv_array *keys = entries->children[0];
  for (int64_t j = first; j < last; j++)
    if (!qv__slot_valid(keys, entries->offset + j))
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "map keys must not be null (null key at entries row %lld)",
                       (long long)j);
  return QV_OK;
}

static qv_status null_count_matches(qv__vctx *c, const qv_array *a, const qv_type *t) {
  const int64_t nc = __atomic_load_n(&a->null_count, __ATOMIC_RELAXED);
  const uint8_t *bits = qv__buf_data(a, 0);
  if (nc < 0 || !qv_type_has_validity(t) || bits == NULL) return QV_OK;
  const int64_t nulls = a->length - qv_bitmap_count_set(bits, a->offset, a->length);
  if (nulls != nc)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count %lld does not match the validity bitmap (%lld nulls)",
                     (long long)nc, (long long)nulls);
  return QV_OK;
}

qv_status qv__validate_content(qv__vctx *c, const qv_array *a) {
  const qv_type *t = qv_type_storage(a->type);
  QV_RETURN_IF_ERROR(null_count_matches(c, a, t));
  switch (t->id) {
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
    case QV_TYPE_LIST:
      return offsets_monotonic(c, a, false);
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_LARGE_LIST:
      return offsets_monotonic(c, a, true);
    case QV_TYPE_MAP:
      QV_RETURN_IF_ERROR(offsets_monotonic(c, a, false));
      return map_entries(c, a);
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW:
      return views_in_bounds(c, a);
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
      return list_views_in_bounds(c, a, t->id == QV_TYPE_LARGE_LIST_VIEW);
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      return union_slots(c, a, t);
    case QV_TYPE_DICTIONARY:
      return dictionary_indices(c, a, t);
    case QV_TYPE_RUN_END_ENCODED:
      return run_ends(c, a);
    default:
      return QV_OK;
  }
}
