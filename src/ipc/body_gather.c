/* quiver IPC: writing an array restricted to several windows of its slots
 * (see body_compact.h).
 *
 * Why: the child slots that a slice of a list view or dense union
 * references are rarely one contiguous range (a list view made by a take
 * or a filter points anywhere in its child). Writing the child's hull
 * would cost as much as the parent; instead the child is written as the
 * concatenation of the windows it is referenced through, every buffer
 * gathered window by window into the plan's arena, and its own children
 * restricted in turn. One window is the plain writer (zero-copy where it
 * can be); this file handles two or more.
 *
 * The written node has exactly `total` slots, the sum of the windows'
 * lengths, in order. Offsets, run ends and views read here come from
 * input and are checked as they are read (QV_ERR_INVALID_DATA naming the
 * row); null slots of binary and list layouts are written empty, and
 * fixed-width slots under nulls as zeros, as in body_write.c.
 */
#include "ipc/body_compact.h"

/* Windows shifted by `by` and scaled by `k` (children read at the
 * parent's absolute position: struct, sparse union, fixed-size list). */
static qv_status map_windows(qv_body_plan *p, const qv__windows *win, int64_t by, int64_t k, qv__windows *out,
                             qv_error *err) {
  uint8_t *mem = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)win->n * 2 * sizeof(int64_t), &mem, err));
  out->n = win->n;
  out->start = (int64_t *)(void *)mem;
  out->length = out->start + win->n;
  out->total = 0;
  for (int64_t j = 0; j < win->n; j++) {
    if (qv__mul_overflow_i64(win->start[j] + by, k, &out->start[j]) ||
        qv__mul_overflow_i64(win->length[j], k, &out->length[j]) ||
        qv__add_overflow_i64(out->total, out->length[j], &out->total))
      return qv_error_set(err, QV_ERR_OVERFLOW, "child window of rows [%lld, %lld) overflows",
                          (long long)win->start[j], (long long)(win->start[j] + win->length[j]));
  }
  return QV_OK;
}

static int64_t window_nulls(const qv_array *a, const qv__windows *win) {
  if (a->validity_ == NULL) return a->null_layout_ ? win->total : 0;
  int64_t n = 0;
  for (int64_t j = 0; j < win->n; j++)
    n += win->length[j] - qv_bitmap_count_set(a->validity_, a->offset + win->start[j], win->length[j]);
  return n;
}

/* The windows' bits of a bitmap, concatenated from bit 0, zero past the
 * last bit. */
static qv_status gather_bits(qv_body_plan *p, const qv_array *a, const uint8_t *bits, const qv__windows *win,
                             uint8_t **out, qv_error *err) {
  int64_t nbytes = qv_bitmap_bytes(win->total);
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)nbytes, out, err));
  memset(*out, 0, (size_t)nbytes);
  int64_t pos = 0;
  for (int64_t j = 0; j < win->n; j++) {
    qv_bitmap_copy(*out, pos, bits, a->offset + win->start[j], win->length[j]);
    pos += win->length[j];
  }
  return QV_OK;
}

static qv_status check_slots(const qv_array *a, int32_t bufi, int64_t w, const qv__windows *win, int64_t extra,
                             qv_error *err) {
  for (int64_t j = 0; j < win->n; j++)
    if (!qv__compact_holds(a->buffers[bufi], w, a->offset + win->start[j], win->length[j] + extra))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "buffer %d too short for rows [%lld, %lld)", bufi,
                          (long long)win->start[j], (long long)(win->start[j] + win->length[j]));
  return QV_OK;
}

/* Fixed-width slots of buffer bufi, slots under nulls (valid bits `vbits`,
 * NULL: none) zeroed. */
static qv_status gather_slots(qv_body_plan *p, const qv_array *a, int32_t bufi, int64_t w, const qv__windows *win,
                              const uint8_t *vbits, qv_error *err) {
  if (w <= 0 || win->total == 0) return qv__body_plan_push_buffer(p, NULL, 0, err);
  QV_RETURN_IF_ERROR(check_slots(a, bufi, w, win, 0, err));
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)(win->total * w), &dst, err));
  int64_t pos = 0;
  for (int64_t j = 0; j < win->n; j++) {
    memcpy(dst + pos * w, a->buffers[bufi]->data + (a->offset + win->start[j]) * w, (size_t)(win->length[j] * w));
    pos += win->length[j];
  }
  if (vbits)
    for (int64_t i = 0; i < win->total; i++)
      if (!qv_bit_get(vbits, i)) memset(dst + i * w, 0, (size_t)w);
  return qv__body_plan_push_buffer(p, dst, win->total * w, err);
}

/* Visits slots of the windows: pos absolute, row logical (for messages),
 * out the output index. */
#define FOR_EACH_SLOT(a, win, pos, row, out)                                                     \
  for (int64_t j_ = 0, out = 0; j_ < (win)->n; j_++)                                             \
    for (int64_t i_ = 0, row = (win)->start[j_], pos = (a)->offset + row; i_ < (win)->length[j_]; \
         i_++, row++, pos++, out++)

/* Binary/string: null slots empty, each valid slot's bytes checked. */
static qv_status gather_binary(qv_body_plan *p, const qv_array *a, int w, const qv__windows *win, qv_error *err) {
  QV_RETURN_IF_ERROR(check_slots(a, 1, w, win, 1, err));
  const uint8_t *offs = a->buffers[1]->data;
  const qv_buffer *d = a->buffers[2];
  int64_t dsize = d ? d->size : 0, bytes = 0;
  FOR_EACH_SLOT(a, win, pos, row, out) {
    (void)out;
    if (!qv__compact_valid(a, pos)) continue;
    int64_t o0 = qv__load_int(offs, w, pos), o1 = qv__load_int(offs, w, pos + 1);
    if (o0 < 0 || o1 < o0 || o1 > dsize)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "row %lld: offsets [%lld, %lld) outside data of %lld bytes",
                          (long long)row, (long long)o0, (long long)o1, (long long)dsize);
    if (qv__add_overflow_i64(bytes, o1 - o0, &bytes) || (w == 4 && bytes > INT32_MAX))
      return qv_error_set(err, QV_ERR_OVERFLOW, "row %lld: gathered data passes the offset width", (long long)row);
  }
  uint8_t *o_dst = NULL, *d_dst = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)((win->total + 1) * w), &o_dst, err));
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)bytes, &d_dst, err));
  int64_t at = 0;
  qv__compact_store(o_dst, w, 0, 0);
  FOR_EACH_SLOT(a, win, pos, row, out) {
    (void)row;
    if (qv__compact_valid(a, pos)) {
      int64_t o0 = qv__load_int(offs, w, pos), n = qv__load_int(offs, w, pos + 1) - o0;
      if (n > 0) memcpy(d_dst + at, d->data + o0, (size_t)n);
      at += n;
    }
    qv__compact_store(o_dst, w, out + 1, at);
  }
  QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, o_dst, (win->total + 1) * w, err));
  return qv__body_plan_push_buffer(p, d_dst, bytes, err);
}

/* Views: clean copies (nulls zero, inline padding zero), each checked. */
static qv_status gather_views(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err) {
  QV_RETURN_IF_ERROR(check_slots(a, 1, QV_VIEW_SIZE, win, 0, err));
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)win->total * QV_VIEW_SIZE, &dst, err));
  int64_t n_refs = 0, referenced = 0;
  FOR_EACH_SLOT(a, win, pos, row, out) {
    uint8_t *v = dst + out * QV_VIEW_SIZE;
    const uint8_t *src = a->buffers[1]->data + pos * QV_VIEW_SIZE;
    memset(v, 0, QV_VIEW_SIZE);
    if (!qv__compact_valid(a, pos)) continue;
    QV_RETURN_IF_ERROR(qv__view_check(a, src, (long long)row, &n_refs, &referenced, err));
    int32_t size;
    memcpy(&size, src, 4);
    memcpy(v, src, size <= QV_VIEW_INLINE_MAX ? 4 + (size_t)size : QV_VIEW_SIZE);
  }
  return qv__body_write_gathered_views(p, a, dst, win->total, err);
}

/* List/large list/map: null slots empty, offsets checked, the child
 * restricted to the valid slots' ranges. */
static qv_status gather_list(qv_body_plan *p, const qv_array *a, int w, const qv__windows *win, qv_error *err) {
  QV_RETURN_IF_ERROR(check_slots(a, 1, w, win, 1, err));
  const uint8_t *offs = a->buffers[1]->data;
  const qv_array *child = a->children[0];
  uint8_t *o_dst = NULL, *mem = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)((win->total + 1) * w), &o_dst, err));
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)win->total * 2 * sizeof(int64_t), &mem, err));
  qv__windows cw = {.n = 0, .start = (int64_t *)(void *)mem, .total = 0};
  cw.length = cw.start + win->total;
  qv__compact_store(o_dst, w, 0, 0);
  FOR_EACH_SLOT(a, win, pos, row, out) {
    if (qv__compact_valid(a, pos)) {
      int64_t o0 = qv__load_int(offs, w, pos), o1 = qv__load_int(offs, w, pos + 1);
      if (o0 < 0 || o1 < o0 || o1 > child->length)
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "list row %lld: offsets [%lld, %lld) outside child of length %lld", (long long)row,
                            (long long)o0, (long long)o1, (long long)child->length);
      if (o1 > o0) {
        if (cw.n > 0 && cw.start[cw.n - 1] + cw.length[cw.n - 1] == o0) {
          cw.length[cw.n - 1] += o1 - o0;
        } else {
          cw.start[cw.n] = o0;
          cw.length[cw.n++] = o1 - o0;
        }
        cw.total += o1 - o0; /* each slot's range lies in the child: no overflow before INT64_MAX rows */
        if (w == 4 && cw.total > INT32_MAX)
          return qv_error_set(err, QV_ERR_OVERFLOW, "list row %lld: gathered children pass int32 offsets",
                              (long long)row);
      }
    }
    qv__compact_store(o_dst, w, out + 1, cw.total);
  }
  QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, o_dst, (win->total + 1) * w, err));
  return qv__body_add_windows(p, child, &cw, err);
}

static int64_t load_run_end(const uint8_t *base, int rw, int64_t i) {
  if (rw == 2) {
    int16_t v;
    memcpy(&v, base + i * 2, 2);
    return v;
  }
  return qv__load_int(base, rw, i);
}

/* Run-end encoded: the runs that cover each window, their ends rebased to
 * the concatenation; values restricted to those runs. */
static qv_status gather_ree(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err) {
  const qv_array *re = a->children[0], *vals = a->children[1];
  int rw = qv_type_storage(re->type)->bit_width / 8;
  int64_t nruns = re->length;
  if (!qv__compact_holds(re->buffers[1], rw, re->offset, nruns))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "run ends buffer too short for %lld runs", (long long)nruns);
  const uint8_t *ends = nruns > 0 ? re->buffers[1]->data + re->offset * rw : NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_check_run_ends(p, a, err)); /* the searches below need sorted ends */
  int64_t cap = win->total + win->n, max_end = rw == 2 ? INT16_MAX : rw == 4 ? INT32_MAX : INT64_MAX;
  uint8_t *dst = NULL, *mem = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)(cap * rw), &dst, err));
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)win->n * 2 * sizeof(int64_t), &mem, err));
  qv__windows vw = {.n = win->n, .start = (int64_t *)(void *)mem, .total = 0};
  vw.length = vw.start + win->n;
  int64_t n_out = 0, base = 0;
  for (int64_t j = 0; j < win->n; j++) {
    int64_t s = a->offset + win->start[j], e = s + win->length[j];
    int64_t lo = 0, hi = nruns;
    while (lo < hi) { /* first run whose end > s */
      int64_t mid = lo + (hi - lo) / 2;
      if (load_run_end(ends, rw, mid) > s) hi = mid; else lo = mid + 1;
    }
    int64_t q = lo;
    for (; q < nruns; q++) { /* each run covers a slot of [s, e): n_out stays <= total */
      int64_t end = load_run_end(ends, rw, q), out_end = base + (end < e ? end : e) - s;
      if (n_out >= cap || out_end > max_end)
        return qv_error_set(err, QV_ERR_OVERFLOW, "run-end encoded rows [%lld, %lld): run end %lld too large",
                            (long long)win->start[j], (long long)(win->start[j] + win->length[j]),
                            (long long)out_end);
      if (rw == 2) {
        int16_t t = (int16_t)out_end;
        memcpy(dst + n_out * 2, &t, 2);
      } else {
        qv__compact_store(dst, rw, n_out, out_end);
      }
      n_out++;
      if (end >= e) break;
    }
    if (q >= nruns || q >= vals->length)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "run-end encoded rows [%lld, %lld): the run ends do not cover them, or there are fewer "
                          "values (%lld) than runs",
                          (long long)win->start[j], (long long)(win->start[j] + win->length[j]),
                          (long long)vals->length);
    vw.start[j] = lo;
    vw.length[j] = q + 1 - lo;
    vw.total += vw.length[j];
    base += win->length[j];
  }
  QV_RETURN_IF_ERROR(qv__body_plan_push_node(p, n_out, 0, err));
  QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, NULL, 0, err)); /* run ends: no validity */
  QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, dst, n_out * rw, err));
  return qv__body_add_windows(p, vals, &vw, err);
}

qv_status qv__body_add_windows(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err) {
  if (win->n == 0) return qv__body_plan_add_window(p, a, a->offset, 0, err);
  if (win->n == 1) return qv__body_plan_add_window(p, a, a->offset + win->start[0], win->length[0], err);
  const qv_type *s = qv_type_storage(a->type);
  int64_t total = win->total;
  qv__windows cw;
  switch (s->id) {
    case QV_TYPE_NULL:
      return qv__body_plan_push_node(p, total, total, err);
    case QV_TYPE_RUN_END_ENCODED:
      QV_RETURN_IF_ERROR(qv__body_plan_push_node(p, total, 0, err));
      return gather_ree(p, a, win, err);
    case QV_TYPE_SPARSE_UNION:
      QV_RETURN_IF_ERROR(qv__body_plan_push_node(p, total, 0, err));
      QV_RETURN_IF_ERROR(gather_slots(p, a, 0, 1, win, NULL, err));
      QV_RETURN_IF_ERROR(map_windows(p, win, a->offset, 1, &cw, err));
      for (int32_t i = 0; i < a->n_children; i++) QV_RETURN_IF_ERROR(qv__body_add_windows(p, a->children[i], &cw, err));
      return QV_OK;
    case QV_TYPE_DENSE_UNION:
      QV_RETURN_IF_ERROR(qv__body_plan_push_node(p, total, 0, err));
      return qv__body_write_dense_union(p, a, win, err);
    default:
      break;
  }
  int64_t nulls = window_nulls(a, win);
  uint8_t *vbits = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_push_node(p, total, nulls, err));
  if (nulls > 0 && a->validity_ != NULL) {
    QV_RETURN_IF_ERROR(gather_bits(p, a, a->validity_, win, &vbits, err));
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, vbits, qv_bitmap_bytes(total), err));
  } else {
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, NULL, 0, err));
  }
  switch (s->id) {
    case QV_TYPE_BOOL: {
      if (a->buffers[1] == NULL) return qv__body_plan_push_buffer(p, NULL, 0, err);
      uint8_t *bits = NULL;
      QV_RETURN_IF_ERROR(gather_bits(p, a, a->buffers[1]->data, win, &bits, err));
      if (vbits)
        for (int64_t k = 0; k < qv_bitmap_bytes(total); k++) bits[k] &= vbits[k];
      return qv__body_plan_push_buffer(p, bits, qv_bitmap_bytes(total), err);
    }
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
      return gather_binary(p, a, 4, win, err);
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
      return gather_binary(p, a, 8, win, err);
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW:
      return gather_views(p, a, win, err);
    case QV_TYPE_LIST:
    case QV_TYPE_MAP:
      return gather_list(p, a, 4, win, err);
    case QV_TYPE_LARGE_LIST:
      return gather_list(p, a, 8, win, err);
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
      return qv__body_write_list_view(p, a, win, err);
    case QV_TYPE_FIXED_SIZE_LIST:
      QV_RETURN_IF_ERROR(map_windows(p, win, a->offset, s->list_size, &cw, err));
      return qv__body_add_windows(p, a->children[0], &cw, err);
    case QV_TYPE_STRUCT:
      QV_RETURN_IF_ERROR(map_windows(p, win, a->offset, 1, &cw, err));
      for (int32_t i = 0; i < a->n_children; i++) QV_RETURN_IF_ERROR(qv__body_add_windows(p, a->children[i], &cw, err));
      return QV_OK;
    case QV_TYPE_DICTIONARY:
      return gather_slots(p, a, 1, s->index_type->bit_width / 8, win, vbits, err);
    default: {
      int32_t w = qv__type_byte_width(s);
      if (w <= 0)
        return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cannot write arrays of type %s", qv_type_id_name(s->id));
      return gather_slots(p, a, 1, w, win, vbits, err);
    }
  }
}
