/* quiver core: out-of-line value accessors (array.h).
 *
 * These look up the layout table once per call and do no bounds checks:
 * callers pass i in [0, length) of a valid array (see validate/). Inline
 * accessors for the hot, typed paths live in array.h. All offsets here are
 * relative to the array's own offset, and children are read at the parent's
 * logical position as the C Data Interface prescribes.
 */
#include "core/internal.h"
#include "core/layout.h"
#include "core/unaligned.h"

/* Element i of `width` bytes, sign- or zero-extended. */
static inline int64_t load_int(const uint8_t *p, int32_t width, bool is_signed, int64_t i) {
  return is_signed ? qv__load_int(p, width, i) : (int64_t)qv__load_uint(p, width, i);
}

/* Binary-like layouts are found by their values buffer's role; among the
 * fixed-width ones only fixed_size_binary reads as bytes (decimals and
 * numbers have the same layout but are not binary: a logical choice). */
const uint8_t *qv_array_bytes_value(const qv_array *a, int64_t i, int64_t *len) {
  const qv_type *s = qv_type_storage(a->type);
  const qv__layout *lay = qv__layout_of(s);
  const qv__buffer_layout *b = &lay->buffers[1];
  if (lay->n_buffers == 3 && b->role == QV__BUF_OFFSETS && lay->buffers[2].role == QV__BUF_DATA)
    return b->width == 4 ? qv_array_binary_value(a, i, len) : qv_array_large_binary_value(a, i, len);
  if (lay->n_buffers >= 2 && b->role == QV__BUF_VIEWS) return qv_array_view_value(a, i, len);
  if (s->id == QV_TYPE_FIXED_SIZE_BINARY) {
    *len = s->byte_width;
    return qv_array_buffer_data(a, 1) ? a->buffers[1]->data + (a->offset + i) * (int64_t)s->byte_width
                                      : (const uint8_t *)"";
  }
  *len = 0;
  return NULL;
}

/* Decimal words are little-endian; the unused high words are sign-extended
 * so callers may always read four words. Which types are decimals is a
 * logical fact (their layout is plain fixed width); the width comes from the
 * layout table. */
void qv_array_decimal_value(const qv_array *a, int64_t i, uint64_t words[4]) {
  const qv_type *s = qv_type_storage(a->type);
  if (s->id < QV_TYPE_DECIMAL32 || s->id > QV_TYPE_DECIMAL256) {
    memset(words, 0, 4 * sizeof(uint64_t));
    return;
  }
  const int32_t w = qv__layout_width(&qv__layout_of(s)->buffers[1], s);
  int64_t pos = a->offset + i;
  const uint8_t *p = a->buffers[1]->data;
  int n = 1;
  if (w < 8) {
    words[0] = (uint64_t)load_int(p, w, true, pos); /* decimal32: sign-extended into one word */
  } else {
    memcpy(words, p + pos * w, (size_t)w);
    n = w / 8;
  }
  uint64_t ext = (words[n - 1] >> 63) ? UINT64_MAX : 0;
  for (int k = n; k < 4; k++) words[k] = ext;
}

void qv_array_list_range(const qv_array *a, int64_t i, int64_t *start, int64_t *length) {
  const qv_type *s = qv_type_storage(a->type);
  const qv__layout *lay = qv__layout_of(s);
  int64_t pos = a->offset + i;
  switch (lay->window) {
    case QV__WINDOW_OFFSETS: {
      const int32_t w = lay->buffers[1].width;
      *start = load_int(a->buffers[1]->data, w, true, pos);
      *length = load_int(a->buffers[1]->data, w, true, pos + 1) - *start;
      return;
    }
    case QV__WINDOW_PER_SLOT: {
      const int32_t w = lay->buffers[1].width;
      *start = load_int(a->buffers[1]->data, w, true, pos);
      *length = load_int(a->buffers[2]->data, w, true, pos);
      return;
    }
    case QV__WINDOW_LIST_SIZE:
      *start = pos * s->list_size;
      *length = s->list_size;
      return;
    default:
      *start = 0;
      *length = 0;
      return;
  }
}

int8_t qv_array_union_type_code(const qv_array *a, int64_t i) {
  return (int8_t)a->buffers[0]->data[a->offset + i];
}

int64_t qv_array_union_child_offset(const qv_array *a, int64_t i) {
  if (qv__layout_of(a->type)->window == QV__WINDOW_UNION_OFFSETS)
    return load_int(a->buffers[1]->data, 4, true, a->offset + i);
  return a->offset + i;
}

/* First run whose end is > the logical position: run_ends are logical
 * positions in the unsliced parent, so the search key includes a->offset. */
int64_t qv_array_ree_physical_index(const qv_array *a, int64_t i) {
  const qv_array *re = a->children[0];
  const qv_type *rt = qv_type_storage(re->type);
  int32_t width = rt->bit_width / 8;
  const uint8_t *p = re->buffers[1] ? re->buffers[1]->data : NULL;
  int64_t key = a->offset + i;
  int64_t lo = 0, hi = re->length; /* answer in [lo, hi] */
  if (p == NULL) return 0;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (load_int(p, width, true, re->offset + mid) > key)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

int64_t qv_array_dictionary_index(const qv_array *a, int64_t i) {
  const qv_type *s = qv_type_storage(a->type);
  const qv_type *it = s->index_type;
  return load_int(a->buffers[1]->data, it->bit_width / 8, qv_type_is_signed_integer(it->id), a->offset + i);
}

/* Layouts without a bitmap keep their nulls in the children: the selected
 * child's slot for unions, the values slot of the run for run-end encoded. */
bool qv_array_is_valid_any(const qv_array *a, int64_t i) {
  if (a->null_layout_) return false;
  const qv_type *s = qv_type_storage(a->type);
  const qv__layout *lay = qv__layout_of(s);
  if (lay->nulls != QV__NULLS_IN_CHILDREN) return qv_array_is_valid(a, i);
  if (lay->window == QV__WINDOW_RUN_ENDS) {
    int64_t j = qv_array_ree_physical_index(a, i);
    const qv_array *v = a->children[1];
    return j >= 0 && j < v->length && qv_array_is_valid_any(v, j);
  }
  int8_t code = qv_array_union_type_code(a, i);
  int8_t child = code >= 0 ? s->child_index[code] : -1;
  if (child < 0 || child >= a->n_children) return false;
  int64_t j = qv_array_union_child_offset(a, i);
  const qv_array *c = a->children[child];
  return j >= 0 && j < c->length && qv_array_is_valid_any(c, j);
}
