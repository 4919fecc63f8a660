/* quiver validate: structural (O(number of buffers)) checks of one node.
 *
 * After qv__validate_layout and qv__validate_links pass for an array and
 * all its descendants, every buffer of the layout is large enough for
 * offset + length slots, the first and last offsets (binary, list) point
 * inside the data or child, children exist with their declared types and
 * the lengths the layout needs, and the null count is consistent with the
 * layout. That is the precondition of the accessors in access.h. Sizes are
 * computed with checked int64 arithmetic (QV_ERR_OVERFLOW when they wrap).
 */
#include <stdio.h>

#include "core/internal.h"
#include "core/layout.h"
#include "validate/internal.h"

/* Requires buffer idx to hold at least `need` bytes. */
static qv_status need_bytes(qv__vctx *c, const qv_array *a, int32_t idx, const char *what, int64_t need) {
  const int64_t have = qv__buf_size(a, idx);
  if (have < need)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                     "%s buffer too small: %lld bytes, need %lld for offset %lld + length %lld", what,
                     (long long)have, (long long)need, (long long)a->offset, (long long)a->length);
  return QV_OK;
}

/* Requires buffer idx to hold `count` values of `width` bytes. */
static qv_status need_values(qv__vctx *c, const qv_array *a, int32_t idx, const char *what, int64_t count,
                             int64_t width) {
  int64_t need;
  if (qv__mul_overflow_i64(count, width, &need))
    return qv__vfail(c, a, QV_ERR_OVERFLOW, "%s buffer size overflows: %lld values of %lld bytes", what,
                     (long long)count, (long long)width);
  return need_bytes(c, a, idx, what, need);
}

/* Offsets buffer (binary, list): offset + length + 1 entries (or an empty
 * buffer for an empty array), first >= 0, last >= first, last <= limit. */
static qv_status check_offsets(qv__vctx *c, const qv_array *a, bool wide, int64_t end, int64_t limit,
                               const char *limit_name) {
  if (a->length == 0 && qv__buf_size(a, 1) == 0) return QV_OK; /* empty array, offsets elided */
  int64_t entries;
  if (qv__add_overflow_i64(end, 1, &entries))
    return qv__vfail(c, a, QV_ERR_OVERFLOW, "offsets buffer size overflows: offset + length is %lld", (long long)end);
  QV_RETURN_IF_ERROR(need_values(c, a, 1, "offsets", entries, wide ? 8 : 4));
  const uint8_t *offs = qv__buf_data(a, 1);
  const int64_t first = qv__load_off(offs, wide, a->offset);
  const int64_t last = qv__load_off(offs, wide, end);
  if (first < 0) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "first offset %lld is negative", (long long)first);
  if (last < first)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "last offset %lld is less than first offset %lld", (long long)last,
                     (long long)first);
  if (last > limit)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "last offset %lld exceeds the %s (%lld)", (long long)last,
                     limit_name, (long long)limit);
  return QV_OK;
}

static qv_status check_null_count(qv__vctx *c, const qv_array *a, const qv_type *t, int64_t end) {
  const int64_t nc = __atomic_load_n(&a->null_count, __ATOMIC_RELAXED);
  if (nc < QV_NULL_COUNT_UNKNOWN)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count %lld is negative", (long long)nc);
  if (nc > a->length)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count %lld exceeds length %lld", (long long)nc,
                     (long long)a->length);
  const qv__nulls nulls = qv__layout_of(t)->nulls;
  if (nulls == QV__NULLS_ALL) {
    if (nc != QV_NULL_COUNT_UNKNOWN && nc != a->length)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count %lld must equal the length %lld", (long long)nc,
                       (long long)a->length);
    return QV_OK;
  }
  if (nulls == QV__NULLS_IN_CHILDREN) {
    if (nc > 0)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count must be 0 (nulls live in the children), found %lld",
                       (long long)nc);
    return QV_OK;
  }
  if (qv__buf_data(a, 0) == NULL) {
    if (nc > 0)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "null_count %lld but no validity bitmap", (long long)nc);
    return QV_OK;
  }
  return need_bytes(c, a, 0, "validity", qv_bitmap_bytes(end));
}

static qv_status check_children(qv__vctx *c, const qv_array *a, const qv_type *t) {
  const int32_t want = qv__type_num_children(t);
  if (a->n_children != want)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "expected %d children, found %d", want, a->n_children);
  if (want > 0 && a->children == NULL)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "children array is NULL (%d children)", want);
  if (t->n_children < want || (want > 0 && t->children == NULL))
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "type declares %d child fields, layout needs %d", t->n_children,
                     want);
  for (int32_t k = 0; k < want; k++) {
    const qv_array *ch = a->children[k];
    const qv_field *f = t->children[k];
    if (ch == NULL) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "child %d ('%s') is NULL", k, f->name);
    if (ch->type == NULL) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "child %d ('%s') has no type", k, f->name);
    if (!qv_type_equals(ch->type, f->type, false)) {
      char have[128], expect[128];
      qv_type_format(ch->type, have, sizeof have);
      qv_type_format(f->type, expect, sizeof expect);
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "child %d ('%s') has type %s, expected %s", k, f->name, have,
                       expect);
    }
  }
  return QV_OK;
}

/* Run-end encoded: the run ends child is a non-null int16/32/64 array that
 * can describe offset + length slots, with no more runs than values. The
 * run-end integer type is a logical rule of the type, not a layout fact. */
static qv_status check_run_ends(qv__vctx *c, const qv_array *a, int64_t end) {
  const qv_array *re = a->children[0], *vals = a->children[1];
  const qv_type_id rid = qv__storage_id(re);
  if (rid != QV_TYPE_INT16 && rid != QV_TYPE_INT32 && rid != QV_TYPE_INT64)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "run_ends must be int16, int32 or int64, found %s",
                     qv_type_id_name(rid));
  if (__atomic_load_n(&re->null_count, __ATOMIC_RELAXED) > 0)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "run_ends must not contain nulls (null_count %lld)",
                     (long long)re->null_count);
  if (re->length > vals->length)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "run_ends has %lld runs but values only %lld entries",
                     (long long)re->length, (long long)vals->length);
  const int64_t max = rid == QV_TYPE_INT16 ? INT16_MAX : rid == QV_TYPE_INT32 ? INT32_MAX : INT64_MAX;
  if (end > max)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "offset + length %lld does not fit the %s run ends", (long long)end,
                     qv_type_id_name(rid));
  if (a->length > 0 && re->length == 0)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "no runs for a length of %lld", (long long)a->length);
  return QV_OK;
}

/* Children read at the parent's logical positions need `need` slots. */
static qv_status children_cover(qv__vctx *c, const qv_array *a, const qv_type *t, int64_t need) {
  for (int32_t k = 0; k < a->n_children; k++)
    if (a->children[k]->length < need)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                       "child %d ('%s') has length %lld, needs at least offset %lld + length %lld = %lld", k,
                       t->children[k]->name, (long long)a->children[k]->length, (long long)a->offset,
                       (long long)a->length, (long long)need);
  return QV_OK;
}

qv_status qv__validate_layout(qv__vctx *c, const qv_array *a) {
  const qv_type *t = qv__storage(a->type);
  const qv__layout *lay = qv__layout_of(t);
  int64_t end;
  if (a->length < 0) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "negative length %lld", (long long)a->length);
  if (a->offset < 0) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "negative offset %lld", (long long)a->offset);
  if (qv__add_overflow_i64(a->offset, a->length, &end))
    return qv__vfail(c, a, QV_ERR_OVERFLOW, "offset %lld + length %lld overflows int64", (long long)a->offset,
                     (long long)a->length);

  /* Buffers: count, and no size without data. */
  const bool is_view = lay->variadic;
  const int32_t want = lay->n_buffers;
  if (is_view ? a->n_buffers < want : a->n_buffers != want)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "expected %s%d buffers, found %d", is_view ? "at least " : "", want,
                     a->n_buffers);
  if (a->n_buffers > 0 && a->buffers == NULL)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "buffers array is NULL (%d buffers)", a->n_buffers);
  for (int32_t i = 0; i < a->n_buffers; i++) {
    const qv_buffer *b = a->buffers[i];
    if (b == NULL) continue;
    if (b->size < 0)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "buffer %d has negative size %lld", i, (long long)b->size);
    if (b->data == NULL && b->size > 0)
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "buffer %d has %lld bytes but no data", i, (long long)b->size);
  }
  QV_RETURN_IF_ERROR(check_children(c, a, t));

  /* Dictionary presence and type. */
  if (lay->dictionary) {
    if (a->dictionary == NULL) return qv__vfail(c, a, QV_ERR_INVALID_DATA, "dictionary array has no dictionary");
    if (a->dictionary->type == NULL || !qv_type_equals(a->dictionary->type, t->value_type, false)) {
      char have[128] = "(none)", expect[128];
      if (a->dictionary->type) qv_type_format(a->dictionary->type, have, sizeof have);
      qv_type_format(t->value_type, expect, sizeof expect);
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "dictionary has type %s, expected the value type %s", have,
                       expect);
    }
    if (t->index_type == NULL || !qv_type_is_integer(t->index_type->id))
      return qv__vfail(c, a, QV_ERR_INVALID_DATA, "dictionary index type is not an integer type");
  } else if (a->dictionary != NULL) {
    return qv__vfail(c, a, QV_ERR_INVALID_DATA, "array of a non-dictionary type has a dictionary");
  }

  QV_RETURN_IF_ERROR(check_null_count(c, a, t, end));

  /* Each buffer as its role needs (validity was checked with the null
   * count, data through the offsets), then the children as the window
   * maps onto them. */
  for (int32_t i = 0; i < lay->n_buffers; i++) {
    const qv__buffer_layout *b = &lay->buffers[i];
    const int32_t w = qv__layout_width(b, t);
    if (b->role == QV__BUF_VALIDITY || b->role == QV__BUF_DATA) continue;
    if (b->role == QV__BUF_BITS) {
      QV_RETURN_IF_ERROR(need_bytes(c, a, i, b->name, qv_bitmap_bytes(end)));
    } else if (b->role == QV__BUF_OFFSETS) {
      const bool into_data = i + 1 < lay->n_buffers && lay->buffers[i + 1].role == QV__BUF_DATA;
      QV_RETURN_IF_ERROR(check_offsets(c, a, w == 8, end, into_data ? qv__buf_size(a, i + 1) : a->children[0]->length,
                                       into_data ? "data size" : "child length"));
    } else {
      if (w <= 0 && t->id != QV_TYPE_FIXED_SIZE_BINARY) /* fixed_size_binary(0) is a valid type */
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "type has no fixed width (%d)", w);
      QV_RETURN_IF_ERROR(need_values(c, a, i, b->name, end, w));
    }
  }
  switch (lay->window) {
    case QV__WINDOW_SAME:
      return children_cover(c, a, t, end);
    case QV__WINDOW_LIST_SIZE: {
      int64_t need;
      if (t->list_size < 0)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "negative list size %d", t->list_size);
      if (qv__mul_overflow_i64(end, t->list_size, &need))
        return qv__vfail(c, a, QV_ERR_OVERFLOW, "(offset + length) %lld x list size %d overflows", (long long)end,
                         t->list_size);
      if (a->children[0]->length < need)
        return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                         "child has length %lld, needs at least (offset %lld + length %lld) x %d = %lld",
                         (long long)a->children[0]->length, (long long)a->offset, (long long)a->length,
                         t->list_size, (long long)need);
      return QV_OK;
    }
    case QV__WINDOW_RUN_ENDS:
      return check_run_ends(c, a, end);
    default: /* offsets were checked against the child; per-slot offsets are content */
      return QV_OK;
  }
}

qv_status qv__validate_links(qv__vctx *c, const qv_array *a) {
  const qv_type *t = qv__storage(a->type);
  if (qv__layout_of(t)->window != QV__WINDOW_RUN_ENDS || a->length == 0) return QV_OK;
  const qv_array *re = a->children[0];
  const int64_t last = qv__ree_run_end(a, re->length - 1);
  if (last < a->offset + a->length)
    return qv__vfail(c, a, QV_ERR_INVALID_DATA,
                     "last run end %lld does not cover offset %lld + length %lld", (long long)last,
                     (long long)a->offset, (long long)a->length);
  return QV_OK;
}
