/* quiver core: bounds-checked slot accessors (see checked_access.h).
 *
 * Invariant: given an array that passed QV_VALIDATE_STRUCTURE, none of
 * these functions reads outside a buffer or a child, whatever the offsets,
 * views, codes, indices or run ends contain; they report bad content by
 * returning false. They never allocate. Which buffer holds what, and how a
 * slot maps onto a child, comes from the layout table (layout.h).
 */
#include "core/checked_access.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/layout.h"

bool qv__binary_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len) {
  const bool wide = qv__layout_of(a->type)->buffers[1].width == 8;
  const uint8_t *offs = qv__buf_data(a, 1);
  if (offs == NULL) return false;
  int64_t s = qv__load_off(offs, wide, a->offset + i);
  int64_t e = qv__load_off(offs, wide, a->offset + i + 1);
  if (s < 0 || e < s || e > qv__buf_size(a, 2)) return false;
  const uint8_t *d = qv__buf_data(a, 2);
  *data = d ? d + s : (const uint8_t *)"";
  *len = e - s;
  return true;
}

bool qv__view_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len) {
  const uint8_t *views = qv__buf_data(a, 1);
  if (views == NULL) return false;
  const uint8_t *v = views + (a->offset + i) * QV_VIEW_SIZE;
  int32_t size;
  memcpy(&size, v, 4);
  if (size < 0) return false;
  if (size <= QV_VIEW_INLINE_MAX) {
    *data = v + 4;
    *len = size;
    return true;
  }
  int32_t buf_index, offset;
  memcpy(&buf_index, v + 8, 4);
  memcpy(&offset, v + 12, 4);
  if (buf_index < 0 || buf_index >= a->n_buffers - 2 || offset < 0) return false;
  if ((int64_t)offset + size > qv__buf_size(a, 2 + buf_index)) return false;
  *data = a->buffers[2 + buf_index]->data + offset;
  *len = size;
  return true;
}

/* Binary-like layouts are found by their buffer roles; among fixed-width
 * layouts only fixed_size_binary is bytes (a logical choice: decimals share
 * its layout). */
bool qv__bytes_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len) {
  const qv_type *t = qv_type_storage(a->type);
  const qv__layout *lay = qv__layout_of(t);
  if (lay->n_buffers == 3 && lay->buffers[1].role == QV__BUF_OFFSETS && lay->buffers[2].role == QV__BUF_DATA)
    return qv__binary_slot(a, i, data, len);
  if (lay->n_buffers >= 2 && lay->buffers[1].role == QV__BUF_VIEWS) return qv__view_slot(a, i, data, len);
  if (t->id == QV_TYPE_FIXED_SIZE_BINARY) {
    const uint8_t *d = qv__buf_data(a, 1);
    *len = t->byte_width;
    *data = d ? d + (a->offset + i) * (int64_t)t->byte_width : (const uint8_t *)"";
    return d != NULL || t->byte_width == 0;
  }
  return false;
}

bool qv__list_slot(const qv_array *a, int64_t i, int64_t *start, int64_t *len) {
  const qv_type *t = qv_type_storage(a->type);
  const qv__layout *lay = qv__layout_of(t);
  if (a->n_children < 1 || a->children[0] == NULL) return false;
  const int64_t child_len = a->children[0]->length;
  const uint8_t *offs = qv__buf_data(a, 1);
  const bool wide = lay->n_buffers >= 2 && lay->buffers[1].width == 8;
  int64_t s, e;
  switch (lay->window) {
    case QV__WINDOW_LIST_SIZE:
      *start = (a->offset + i) * (int64_t)t->list_size;
      *len = t->list_size;
      return true;
    case QV__WINDOW_OFFSETS:
      if (offs == NULL) return false;
      s = qv__load_off(offs, wide, a->offset + i);
      e = qv__load_off(offs, wide, a->offset + i + 1);
      break;
    case QV__WINDOW_PER_SLOT: {
      const uint8_t *sizes = qv__buf_data(a, 2);
      if (offs == NULL || sizes == NULL) return false;
      s = qv__load_off(offs, wide, a->offset + i);
      int64_t n = qv__load_off(sizes, wide, a->offset + i);
      if (n < 0 || s < 0 || s > child_len || n > child_len - s) return false;
      e = s + n;
      break;
    }
    default: /* not a list-like: struct, union and run-end windows are not ranges */
      return false;
  }
  if (s < 0 || e < s || e > child_len) return false;
  *start = s;
  *len = e - s;
  return true;
}

bool qv__union_slot(const qv_array *a, int64_t i, int32_t *child, int64_t *child_index) {
  const qv_type *t = qv_type_storage(a->type);
  const uint8_t *ids = qv__buf_data(a, 0);
  if (ids == NULL) return false;
  int8_t code = (int8_t)ids[a->offset + i];
  if (code < 0 || t->child_index == NULL) return false;
  int32_t c = t->child_index[code];
  if (c < 0 || c >= a->n_children || a->children[c] == NULL) return false;
  int64_t ci;
  if (qv__layout_of(t)->window == QV__WINDOW_UNION_OFFSETS) {
    const uint8_t *offs = qv__buf_data(a, 1);
    if (offs == NULL) return false;
    ci = qv__load_off(offs, false, a->offset + i);
    if (ci < 0 || ci >= a->children[c]->length) return false;
  } else {
    ci = a->offset + i;
    if (ci >= a->children[c]->length) return false;
  }
  *child = c;
  *child_index = ci;
  return true;
}

bool qv__dict_slot(const qv_array *a, int64_t i, int64_t *index) {
  const qv_type *t = qv_type_storage(a->type);
  const uint8_t *d = qv__buf_data(a, 1);
  if (d == NULL || a->dictionary == NULL || t->index_type == NULL) return false;
  const int bytes = t->index_type->bit_width / 8;
  int64_t v = qv__load_int(d, bytes, a->offset + i);
  if (!qv_type_is_signed_integer(t->index_type->id)) {
    /* Unsigned: reinterpret the loaded bits (uint64 above INT64_MAX stays negative → rejected). */
    if (bytes == 1) v = (uint8_t)v;
    else if (bytes == 2) v = (uint16_t)v;
    else if (bytes == 4) v = (uint32_t)v;
  }
  if (v < 0 || v >= a->dictionary->length) return false;
  *index = v;
  return true;
}

int64_t qv__ree_run_end(const qv_array *a, int64_t p) {
  const qv_array *re = a->children[0];
  const uint8_t *d = qv__buf_data(re, 1);
  return qv__load_int(d, qv_type_storage(re->type)->bit_width / 8, re->offset + p);
}

bool qv__ree_slot(const qv_array *a, int64_t i, int64_t *physical) {
  if (a->n_children < 2 || a->children[0] == NULL || a->children[1] == NULL) return false;
  const qv_array *re = a->children[0];
  if (re->length <= 0 || qv__buf_data(re, 1) == NULL) return false;
  const int64_t target = a->offset + i;
  /* First run whose end is > target. */
  int64_t lo = 0, hi = re->length;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (qv__ree_run_end(a, mid) > target) hi = mid;
    else lo = mid + 1;
  }
  if (lo >= re->length || lo >= a->children[1]->length) return false;
  *physical = lo;
  return true;
}

bool qv__ree_window(const qv_array *a, int64_t start, int64_t len, int64_t *first, int64_t *last,
                    int64_t *bad_row) {
  *bad_row = 0;
  int64_t p0;
  if (len <= 0 || !qv__ree_slot(a, start, &p0)) return false;
  const int64_t nruns = a->children[0]->length, nvalues = a->children[1]->length;
  const int64_t lo = a->offset + start, hi = lo + len; /* no overflow: structure covers offset + length */
  int64_t prev = qv__ree_run_end(a, p0);                  /* > lo, by the search */
  int64_t p = p0;
  while (prev < hi) {
    if (++p >= nruns || p >= nvalues) {
      *bad_row = prev - lo;
      return false;
    }
    const int64_t e = qv__ree_run_end(a, p);
    if (e <= prev) {
      *bad_row = prev - lo;
      return false;
    }
    prev = e;
  }
  *first = p0;
  *last = p + 1;
  return true;
}

bool qv__ree_runs_increasing(const qv_array *a, int64_t *bad_run) {
  *bad_run = 0;
  if (a->n_children < 1 || a->children[0] == NULL) return false;
  const qv_array *re = a->children[0];
  if (re->length == 0) return true;
  if (qv__buf_data(re, 1) == NULL) return false;
  int64_t prev = 0; /* the first run starts at row 0, so its end must be at least 1 */
  for (int64_t p = 0; p < re->length; p++) {
    const int64_t e = qv__ree_run_end(a, p);
    if (e <= prev) {
      *bad_run = p;
      return false;
    }
    prev = e;
  }
  return true;
}

/* Whether any of the n + 1 offsets at q is smaller than the one before it:
 * one pass without a branch per offset (writers and concatenation check
 * every offset of millions-row columns). */
/* Whether any of the offsets q[1..n] is below the one before it. Each
 * comparison stands alone (no value carried from one step to the next),
 * so with SSE2 four go at once: the IPC writer checks every offset it
 * writes, and on one thread before a compressed write's two. */
static bool any_backwards32(const uint8_t *q, int64_t n) {
  int64_t k = 1;
  unsigned bad = 0;
#if defined(__SSE2__)
  __m128i acc = _mm_setzero_si128();
  for (; k + 3 <= n; k += 4) {
    const __m128i cur = _mm_loadu_si128((const __m128i *)(const void *)(q + 4 * k));
    const __m128i before = _mm_loadu_si128((const __m128i *)(const void *)(q + 4 * (k - 1)));
    acc = _mm_or_si128(acc, _mm_cmplt_epi32(cur, before));
  }
  bad = _mm_movemask_epi8(acc) != 0;
#endif
  for (; k <= n; k++) {
    int32_t o, prev;
    memcpy(&o, q + 4 * k, 4);
    memcpy(&prev, q + 4 * (k - 1), 4);
    bad |= o < prev;
  }
  return bad != 0;
}

static bool any_backwards64(const uint8_t *q, int64_t n) {
  int64_t prev;
  memcpy(&prev, q, 8);
  unsigned bad = 0;
  for (int64_t k = 1; k <= n; k++) {
    int64_t o;
    memcpy(&o, q + 8 * k, 8);
    bad |= o < prev;
    prev = o;
  }
  return bad != 0;
}

bool qv__offsets_window_ok(const uint8_t *p, bool wide, int64_t start, int64_t len, int64_t limit,
                           int64_t *bad_row, int64_t *found) {
  /* Non-decreasing from a first offset >= 0 to a last one <= limit puts
   * every offset in [0, limit]: the common case in one branch-free pass;
   * the loop below finds the first bad row only when there is one. */
  const int64_t first = qv__load_off(p, wide, start), last = qv__load_off(p, wide, start + len);
  if (first >= 0 && last <= limit) {
    const uint8_t *q = p + start * (wide ? 8 : 4);
    if (!(wide ? any_backwards64(q, len) : any_backwards32(q, len))) return true;
  }
  int64_t prev = first;
  if (prev < 0 || prev > limit) {
    *bad_row = 0;
    *found = prev;
    return false;
  }
  for (int64_t i = 1; i <= len; i++) {
    const int64_t o = qv__load_off(p, wide, start + i);
    if (o < prev || o > limit) {
      *bad_row = i - 1;
      *found = o;
      return false;
    }
    prev = o;
  }
  return true;
}

/* Follows unions and run-end encoded down to the slot whose bitmap holds
 * the answer (a bounded number of levels). */
bool qv__slot_valid(const qv_array *a, int64_t i) {
  for (int guard = 0; guard <= 64; guard++) {
    const qv__layout *lay = qv__layout_of(a->type);
    if (lay->nulls == QV__NULLS_ALL) return false;
    if (lay->nulls == QV__NULLS_BITMAP) return qv__bit_valid(a, i);
    if (lay->window == QV__WINDOW_RUN_ENDS) {
      int64_t p;
      if (!qv__ree_slot(a, i, &p)) return false;
      a = a->children[1];
      i = p;
    } else {
      int32_t c;
      int64_t ci;
      if (!qv__union_slot(a, i, &c, &ci)) return false;
      a = a->children[c];
      i = ci; /* the child's logical row */
    }
  }
  return false;
}
