/* quiver concat: concatenation of two arrays of the same type (the IPC
 * reader's dictionary deltas, and qv_array_concat's pairwise step).
 *
 * The result is a new array with offset 0; inputs may be slices. Buffers
 * are rebuilt (offsets rebased, bitmaps re-packed) except the variadic
 * data buffers of views, which are shared. Sizes are computed with checked
 * arithmetic; the inputs are assumed structurally valid (they were
 * validated when loaded).
 */
#include "core/internal.h"
#include "concat/internal.h"
#include "core/checked_access.h"

static qv_status slice_of(const qv_array *a, int64_t off, int64_t len, qv_array **out, qv_error *err) {
  return qv_array_slice((qv_array *)(uintptr_t)a, off, len, out, err);
}

static qv_status concat_validity(const qv_array *a, const qv_array *b, qv_buffer **out, int64_t *nulls,
                                 qv_error *err) {
  *out = NULL;
  int64_t na = qv_array_null_count(a), nb = qv_array_null_count(b);
  *nulls = na + nb;
  if (*nulls == 0) return QV_OK;
  int64_t n = a->length + b->length;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, out, err));
  uint8_t *bits = (*out)->data;
  if (a->validity_)
    qv_bitmap_copy(bits, 0, a->validity_, a->offset, a->length);
  else
    qv_bitmap_set_range(bits, 0, a->length, true);
  if (b->validity_)
    qv_bitmap_copy(bits, a->length, b->validity_, b->offset, b->length);
  else
    qv_bitmap_set_range(bits, a->length, b->length, true);
  return QV_OK;
}

static qv_status concat_fixed(const qv_array *a, const qv_array *b, int32_t bufi, int64_t w, qv_buffer **out,
                              qv_error *err) {
  int64_t na, nb;
  if (qv__mul_overflow_i64(a->length, w, &na) || qv__mul_overflow_i64(b->length, w, &nb))
    return qv_error_set(err, QV_ERR_OVERFLOW, "concatenation size overflows");
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, na + nb, false, out, err));
  if (na) memcpy((*out)->data, a->buffers[bufi]->data + a->offset * w, (size_t)na);
  if (nb) memcpy((*out)->data + na, b->buffers[bufi]->data + b->offset * w, (size_t)nb);
  return QV_OK;
}

static qv_status concat_bits(const qv_array *a, const qv_array *b, int32_t bufi, qv_buffer **out, qv_error *err) {
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, qv_bitmap_bytes(a->length + b->length), true, out, err));
  if (a->length) qv_bitmap_copy((*out)->data, 0, a->buffers[bufi]->data, a->offset, a->length);
  if (b->length) qv_bitmap_copy((*out)->data, a->length, b->buffers[bufi]->data, b->offset, b->length);
  return QV_OK;
}

/* Reads offset i of an int32 or int64 offsets buffer. */
static int64_t off_at(const qv_array *x, int32_t bufi, int w, int64_t i) {
  const uint8_t *p = x->buffers[bufi]->data + (x->offset + i) * w;
  if (w == 4) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, p, 8);
  return v;
}

static void off_put(uint8_t *base, int w, int64_t i, int64_t v) {
  if (w == 4) {
    int32_t t = (int32_t)v;
    memcpy(base + i * 4, &t, 4);
  } else {
    memcpy(base + i * 8, &v, 8);
  }
}

/* Structural validation checks only the whole array's first and last
 * offsets; rebasing and the copied range rely on every offset of the window,
 * so each is checked: monotonic and within [0, limit]. */
static qv_status check_offsets(const qv_array *x, const char *which, int w, int64_t limit, qv_error *err) {
  int64_t row, found;
  if (x->length == 0) return QV_OK;
  if (!qv__offsets_window_ok(x->buffers[1]->data, w == 8, x->offset, x->length, limit, &row, &found))
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "cannot concatenate: %s array: offset %lld at row %lld goes backwards or outside [0, %lld]",
                        which, (long long)found, (long long)row, (long long)limit);
  return QV_OK;
}

/* Rebased offsets of a then b; ra and rb receive the [start, end) ranges they
 * referenced. limit_a and limit_b bound the offsets (data size or child
 * length). */
static qv_status concat_offsets(const qv_array *a, const qv_array *b, int w, int64_t limit_a, int64_t limit_b,
                                qv_buffer **out, int64_t ra[2], int64_t rb[2], qv_error *err) {
  QV_RETURN_IF_ERROR(check_offsets(a, "first", w, limit_a, err));
  QV_RETURN_IF_ERROR(check_offsets(b, "second", w, limit_b, err));
  /* An empty input may have no offsets buffer at all. */
  ra[0] = a->length ? off_at(a, 1, w, 0) : 0;
  ra[1] = a->length ? off_at(a, 1, w, a->length) : 0;
  rb[0] = b->length ? off_at(b, 1, w, 0) : 0;
  rb[1] = b->length ? off_at(b, 1, w, b->length) : 0;
  int64_t total, size;
  if (qv__add_overflow_i64(ra[1] - ra[0], rb[1] - rb[0], &total) ||
      qv__add_overflow_i64(a->length, b->length, &size) || qv__add_overflow_i64(size, 1, &size) ||
      qv__mul_overflow_i64(size, w, &size))
    return qv_error_set(err, QV_ERR_OVERFLOW, "concatenated offsets overflow int64");
  if (w == 4 && total > INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "concatenated offsets exceed 2^31-1 (%lld)", (long long)total);
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, size, false, out, err));
  uint8_t *o = (*out)->data;
  off_put(o, w, 0, 0);
  for (int64_t i = 1; i <= a->length; i++) off_put(o, w, i, off_at(a, 1, w, i) - ra[0]);
  int64_t base = ra[1] - ra[0];
  for (int64_t i = 1; i <= b->length; i++) off_put(o, w, a->length + i, off_at(b, 1, w, i) - rb[0] + base);
  return QV_OK;
}

static qv_status concat_bytes_range(const qv_buffer *x, const int64_t rx[2], const qv_buffer *y, const int64_t ry[2],
                                    qv_buffer **out, qv_error *err) {
  int64_t nx = rx[1] - rx[0], ny = ry[1] - ry[0];
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, nx + ny, false, out, err));
  if (nx) memcpy((*out)->data, x->data + rx[0], (size_t)nx);
  if (ny) memcpy((*out)->data + nx, y->data + ry[0], (size_t)ny);
  return QV_OK;
}

static qv_status concat_child_ranges(const qv_array *ca, int64_t sa, int64_t la, const qv_array *cb, int64_t sb,
                                     int64_t lb, qv_array **out, qv_error *err) {
  qv_array *x = NULL, *y = NULL;
  qv_status st = slice_of(ca, sa, la, &x, err);
  if (st == QV_OK) st = slice_of(cb, sb, lb, &y, err);
  if (st == QV_OK) st = qv__array_concat2(x, y, out, err);
  qv_array_release(x);
  qv_array_release(y);
  return st;
}

/* Run-end encoded: rebuild run ends over the logical windows of a and b. */
static qv_status concat_ree(const qv_array *a, const qv_array *b, qv_array **kids, qv_error *err) {
  const qv_array *ends[2] = {a->children[0], b->children[0]};
  const qv_array *inputs[2] = {a, b};
  int w = ends[0]->type->bit_width / 8;
  int64_t first[2], last[2], total = 0;
  for (int k = 0; k < 2; k++) {
    const qv_array *x = inputs[k];
    if (x->length == 0) {
      first[k] = last[k] = 0;
      continue;
    }
    int64_t bad_row, bad_run;
    if (!qv__ree_runs_increasing(x, &bad_run))
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "cannot concatenate: %s run_end_encoded array: run end %lld is not above the one before it",
                          k == 0 ? "first" : "second", (long long)bad_run);
    if (!qv__ree_window(x, 0, x->length, &first[k], &last[k], &bad_row))
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "cannot concatenate: %s run_end_encoded array: run ends not strictly increasing or not "
                          "covering row %lld",
                          k == 0 ? "first" : "second", (long long)bad_row);
    total += last[k] - first[k];
  }
  qv_buffer *re = NULL;
  qv_status st = qv_buffer_allocate(NULL, total * w, false, &re, err);
  if (st != QV_OK) return st;
  int64_t pos = 0, base = 0;
  for (int k = 0; k < 2; k++) {
    const qv_array *x = inputs[k], *e = ends[k];
    for (int64_t p = first[k]; p < last[k]; p++) {
      const uint8_t *src = e->buffers[1]->data + (e->offset + p) * w;
      int64_t v;
      if (w == 2) {
        int16_t t;
        memcpy(&t, src, 2);
        v = t;
      } else if (w == 4) {
        int32_t t;
        memcpy(&t, src, 4);
        v = t;
      } else {
        memcpy(&v, src, 8);
      }
      v -= x->offset;
      if (v > x->length) v = x->length;
      v += base;
      uint8_t *dst = re->data + pos * w;
      if (w == 2) {
        int16_t t = (int16_t)v;
        memcpy(dst, &t, 2);
      } else if (w == 4) {
        int32_t t = (int32_t)v;
        memcpy(dst, &t, 4);
      } else {
        memcpy(dst, &v, 8);
      }
      pos++;
    }
    base += x->length;
  }
  qv_buffer *bufs[2] = {NULL, re};
  st = qv_array_new(ends[0]->type, total, 0, 0, 2, bufs, 0, NULL, NULL, &kids[0], err);
  qv_buffer_release(re);
  if (st != QV_OK) return st;
  return concat_child_ranges(a->children[1], first[0], last[0] - first[0], b->children[1], first[1],
                             last[1] - first[1], &kids[1], err);
}

/* Views: the values of both, b's buffer indices shifted past a's data
 * buffers; a's and b's data buffers shared (bufs[2..]). */
static qv_status concat_views(const qv_array *a, const qv_array *b, qv_buffer **bufs, qv_error *err) {
  QV_RETURN_IF_ERROR(concat_fixed(a, b, 1, QV_VIEW_SIZE, &bufs[1], err));
  int32_t shift = a->n_buffers - 2;
  /* The first array's views keep their indices, so they are checked
   * here the same way: the result must not name a buffer it lacks. */
  qv_view *va = (qv_view *)(void *)bufs[1]->data;
  for (int64_t i = 0; i < a->length; i++) {
    if (va[i].inlined.size <= QV_VIEW_INLINE_MAX || (va[i].ref.buffer_index >= 0 && va[i].ref.buffer_index < shift))
      continue;
    if (!qv__slot_valid(a, i))
      memset(&va[i], 0, sizeof va[i]);
    else
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "cannot concatenate: first array: view at row %lld refers to buffer %d of %d", (long long)i,
                          (int)va[i].ref.buffer_index, (int)shift);
  }
  qv_view *v = (qv_view *)(void *)(bufs[1]->data + a->length * QV_VIEW_SIZE);
  const int32_t nb = b->n_buffers - 2;
  for (int64_t i = 0; i < b->length; i++) {
    if (v[i].inlined.size <= QV_VIEW_INLINE_MAX) continue;
    /* Indices are not trusted: one outside b's buffers would wrap or
     * land in a's buffers once shifted. Null slots become empty. */
    if (v[i].ref.buffer_index >= 0 && v[i].ref.buffer_index < nb)
      v[i].ref.buffer_index += shift;
    else if (!qv__slot_valid(b, i))
      memset(&v[i], 0, sizeof v[i]);
    else
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "cannot concatenate: second array: view at row %lld refers to buffer %d of %d", (long long)i,
                          (int)v[i].ref.buffer_index, (int)nb);
  }
  for (int32_t i = 2; i < a->n_buffers; i++) bufs[i] = qv_buffer_retain(a->buffers[i]);
  for (int32_t i = 2; i < b->n_buffers; i++) bufs[shift + i] = qv_buffer_retain(b->buffers[i]);
  return QV_OK;
}

/* Dense union: type ids and offsets of both, b's offsets shifted past the
 * lengths of a's children; children concatenated whole. */
static qv_status concat_dense_union(const qv_array *a, const qv_array *b, const qv_type *s, int32_t n_kids,
                                    qv_buffer **bufs, qv_array **kids, qv_error *err) {
  QV_RETURN_IF_ERROR(concat_fixed(a, b, 0, 1, &bufs[0], err));
  QV_RETURN_IF_ERROR(concat_fixed(a, b, 1, 4, &bufs[1], err));
  const int8_t *codes = (const int8_t *)(const void *)(bufs[0]->data + a->length);
  uint8_t *offs = bufs[1]->data + a->length * 4;
  for (int64_t i = 0; i < b->length; i++) {
    int8_t c = codes[i];
    int32_t child = (c >= 0) ? s->child_index[c] : -1;
    if (child < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "undeclared union type code %d", c);
    int32_t v;
    memcpy(&v, offs + i * 4, 4);
    int64_t nv = (int64_t)v + a->children[child]->length;
    if (nv > INT32_MAX) return qv_error_set(err, QV_ERR_OVERFLOW, "dense union offsets overflow");
    v = (int32_t)nv;
    memcpy(offs + i * 4, &v, 4);
  }
  for (int32_t i = 0; i < n_kids; i++)
    QV_RETURN_IF_ERROR(qv__array_concat2(a->children[i], b->children[i], &kids[i], err));
  return QV_OK;
}

/* The buffers and children of the concatenation, as the layout (core/layout.h)
 * of s says: arrays with children by how a window maps onto them, leaves by
 * the buffer after the validity bitmap. */
static qv_status concat_parts(const qv_array *a, const qv_array *b, const qv_type *s, const qv__layout *lay,
                              int32_t n_kids, qv_buffer **bufs, qv_array **kids, qv_array **dict, qv_error *err) {
  int64_t ra[2], rb[2];
  switch (lay->window) {
    case QV__WINDOW_RUN_ENDS:
      return concat_ree(a, b, kids, err);
    case QV__WINDOW_OFFSETS: { /* list, large_list, map */
      const int w = lay->buffers[1].width;
      QV_RETURN_IF_ERROR(
          concat_offsets(a, b, w, a->children[0]->length, b->children[0]->length, &bufs[1], ra, rb, err));
      return concat_child_ranges(a->children[0], ra[0], ra[1] - ra[0], b->children[0], rb[0], rb[1] - rb[0], &kids[0],
                                 err);
    }
    case QV__WINDOW_PER_SLOT: { /* list views */
      const int w = lay->buffers[1].width;
      QV_RETURN_IF_ERROR(concat_fixed(a, b, 1, w, &bufs[1], err));
      QV_RETURN_IF_ERROR(concat_fixed(a, b, 2, w, &bufs[2], err));
      int64_t shift = a->children[0]->length;
      for (int64_t i = 0; i < b->length; i++) {
        int64_t v;
        /* Offsets are not trusted (only full validation bounds them). */
        if (qv__add_overflow_i64(off_at(b, 1, w, i), shift, &v) || (w == 4 && v > INT32_MAX))
          return qv_error_set(err, QV_ERR_OVERFLOW, "list view offsets overflow");
        off_put(bufs[1]->data, w, a->length + i, v);
      }
      return qv__array_concat2(a->children[0], b->children[0], &kids[0], err);
    }
    case QV__WINDOW_LIST_SIZE: {
      int64_t k = s->list_size;
      return concat_child_ranges(a->children[0], a->offset * k, a->length * k, b->children[0], b->offset * k,
                                 b->length * k, &kids[0], err);
    }
    case QV__WINDOW_SAME: /* struct, sparse union (type ids) */
      if (lay->buffers[0].role == QV__BUF_TYPE_IDS) QV_RETURN_IF_ERROR(concat_fixed(a, b, 0, 1, &bufs[0], err));
      for (int32_t i = 0; i < n_kids; i++)
        QV_RETURN_IF_ERROR(concat_child_ranges(a->children[i], a->offset, a->length, b->children[i], b->offset,
                                               b->length, &kids[i], err));
      return QV_OK;
    case QV__WINDOW_UNION_OFFSETS:
      return concat_dense_union(a, b, s, n_kids, bufs, kids, err);
    case QV__WINDOW_NONE:
      break;
  }
  if (lay->n_buffers < 2) return QV_OK; /* null: no buffers */
  const qv__buffer_layout *vals = &lay->buffers[1];
  switch (vals->role) {
    case QV__BUF_BITS: /* bool */
      return concat_bits(a, b, 1, &bufs[1], err);
    case QV__BUF_OFFSETS: /* binary, string and their large forms */
      QV_RETURN_IF_ERROR(
          concat_offsets(a, b, vals->width, qv__buf_size(a, 2), qv__buf_size(b, 2), &bufs[1], ra, rb, err));
      return concat_bytes_range(a->buffers[2], ra, b->buffers[2], rb, &bufs[2], err);
    case QV__BUF_VIEWS:
      return concat_views(a, b, bufs, err);
    default: { /* fixed-width values, dictionary indices */
      const int32_t w = vals->role == QV__BUF_VALUES ? qv__layout_width(vals, s) : 0;
      if (w <= 0)
        return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "cannot concatenate %s arrays", qv_type_id_name(s->id));
      QV_RETURN_IF_ERROR(concat_fixed(a, b, 1, w, &bufs[1], err));
      if (lay->dictionary) *dict = b->dictionary;
      return QV_OK;
    }
  }
}

qv_status qv__array_concat2(const qv_array *a, const qv_array *b, qv_array **out, qv_error *err) {
  *out = NULL;
  if (!qv_type_equals(a->type, b->type, false))
    return qv_error_set(err, QV_ERR_TYPE, "cannot concatenate arrays of different types");
  const qv_type *s = qv__storage(a->type);
  const qv__layout *lay = qv__layout_of(s);
  int64_t len;
  if (qv__add_overflow_i64(a->length, b->length, &len))
    return qv_error_set(err, QV_ERR_OVERFLOW, "concatenated length overflows");
  int32_t n_bufs = a->n_buffers;
  int32_t n_kids = qv__layout_num_children(lay, s);
  qv_buffer *small[3] = {NULL, NULL, NULL};
  qv_buffer **bufs = small;
  qv_array *kids_small[4] = {NULL, NULL, NULL, NULL};
  qv_array **kids = kids_small;
  qv_array *dict = NULL;
  int64_t nulls = 0;
  qv_status st = QV_OK;
  if (lay->variadic) n_bufs = 2 + (a->n_buffers - 2) + (b->n_buffers - 2);
  if (n_bufs > 3) {
    bufs = (qv_buffer **)qv__calloc((size_t)n_bufs, sizeof *bufs);
    QV_CHECK_ALLOC_GOTO(bufs, st, err, done);
  }
  if (n_kids > 4) {
    kids = (qv_array **)qv__calloc((size_t)n_kids, sizeof *kids);
    QV_CHECK_ALLOC_GOTO(kids, st, err, done);
  }
  if (lay->nulls == QV__NULLS_BITMAP) QV_GOTO_IF_ERROR(st, concat_validity(a, b, &bufs[0], &nulls, err), done);
  if (lay->nulls == QV__NULLS_ALL) nulls = len;
  QV_GOTO_IF_ERROR(st, concat_parts(a, b, s, lay, n_kids, bufs, kids, &dict, err), done);
  st = qv_array_new(a->type, len, 0, lay->nulls == QV__NULLS_IN_CHILDREN ? 0 : nulls, n_bufs, bufs, n_kids, kids,
                    dict, out, err);
done:
  for (int32_t i = 0; i < n_bufs; i++) qv_buffer_release(bufs[i]);
  if (bufs != small) qv__free(bufs);
  for (int32_t i = 0; i < n_kids; i++) qv_array_release(kids[i]);
  if (kids != kids_small) qv__free(kids);
  return st;
}
