/* quiver IPC: compaction of view, list-view and dense-union windows for the
 * body writer (see body_compact.h).
 *
 * Why: a slice of a view, list-view or dense-union array shares its
 * parent's data buffers or children, and what it references is not one
 * contiguous range. Sending the parent's bytes whole made every slice cost
 * as much as its parent (a 12 MB view column written 1,000 rows per batch
 * became 2 GB). Here each window is reduced to what it references:
 *   - views: the byte ranges of the valid, non-inline views are sorted per
 *     data buffer and merged where they overlap or touch; the merged
 *     ranges are copied into fresh data buffers of at most INT32_MAX bytes
 *     and the views rewritten to point into them. Data written <= min(sum
 *     of the view sizes, the parent's data bytes). When the parent's data
 *     buffers hold at most twice the bytes the views reference (a whole
 *     array as built or read) they go out as they are, zero-copy;
 *   - list views and dense unions: the child slots the rows reference
 *     (list views: [offset, offset + size) of each valid non-empty row;
 *     dense unions: one slot per row in the child its type id names) are
 *     sorted and merged into windows per child, the offsets rewritten to
 *     the slots' positions in the concatenated windows, and each child
 *     written restricted to its windows (body_gather.c). When a child's
 *     hull is at most twice the slots referenced, the hull is the one
 *     window (written as a plain contiguous window, zero-copy).
 * Every view, offset, size and type id is checked before use; null slots
 * are never read and go out as zeros.
 */
#include "ipc/body_compact.h"

static int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  return qv__add_overflow_i64(a, b, &r) ? INT64_MAX : r;
}

/* ------------------------------------------------------------------ */
/* Views                                                                */
/* ------------------------------------------------------------------ */

qv_status qv__view_check(const qv_array *a, const uint8_t *view, long long row, int64_t *n_refs,
                         int64_t *referenced, qv_error *err) {
  qv_view v;
  memcpy(&v, view, QV_VIEW_SIZE);
  if (v.ref.size < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "view row %lld: negative size %d", row, v.ref.size);
  if (v.ref.size <= QV_VIEW_INLINE_MAX) return QV_OK;
  int32_t n_data = a->n_buffers - 2;
  if (v.ref.buffer_index < 0 || v.ref.buffer_index >= n_data)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "view row %lld: buffer index %d out of range (%d data buffers)",
                        row, v.ref.buffer_index, n_data);
  const qv_buffer *d = a->buffers[2 + v.ref.buffer_index];
  int64_t dsize = d ? d->size : 0;
  if (v.ref.offset < 0 || (int64_t)v.ref.offset + v.ref.size > dsize)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "view row %lld: bytes [%d, %lld) outside data buffer %d of %lld bytes", row, v.ref.offset,
                        (long long)v.ref.offset + v.ref.size, v.ref.buffer_index, (long long)dsize);
  (*n_refs)++;
  *referenced = sat_add(*referenced, v.ref.size);
  return QV_OK;
}

/* A referenced byte range of one view, and where it will go. */
typedef struct view_ref {
  int64_t start;  /* in the source data buffer */
  int32_t buf;    /* source data buffer (0-based variadic index) */
  int32_t size;
  int64_t row;    /* index in the views written */
  int64_t run;    /* merged run it belongs to */
} view_ref;

/* A merged range of source bytes, copied whole. */
typedef struct view_run {
  int64_t start, length; /* source range in data buffer buf */
  int32_t buf;
  int32_t out_buf;       /* destination buffer and offset */
  int64_t out_off;
} view_run;

static int cmp_ref(const void *x, const void *y) {
  const view_ref *a = x, *b = y;
  if (a->buf != b->buf) return a->buf < b->buf ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return (a->size < b->size) - (a->size > b->size);
}

/* Groups the sorted refs into runs (overlapping or touching ranges of one
 * buffer, each at most INT32_MAX bytes) and places the runs in output
 * buffers of at most INT32_MAX bytes. */
static void plan_runs(view_ref *refs, int64_t n_refs, view_run *runs, int64_t *n_runs, int32_t *n_out) {
  int64_t r = -1;
  for (int64_t k = 0; k < n_refs; k++) {
    view_ref *f = &refs[k];
    int64_t end = f->start + f->size;
    view_run *cur = r >= 0 ? &runs[r] : NULL;
    if (cur && cur->buf == f->buf && f->start <= cur->start + cur->length && end - cur->start <= INT32_MAX) {
      if (end - cur->start > cur->length) cur->length = end - cur->start;
    } else {
      cur = &runs[++r];
      cur->buf = f->buf;
      cur->start = f->start;
      cur->length = f->size;
    }
    f->run = r;
  }
  *n_runs = r + 1;
  int32_t out = 0;
  int64_t used = 0;
  for (int64_t k = 0; k < *n_runs; k++) {
    if (used + runs[k].length > INT32_MAX) {
      out++;
      used = 0;
    }
    runs[k].out_buf = out;
    runs[k].out_off = used;
    used += runs[k].length;
  }
  *n_out = *n_runs > 0 ? out + 1 : 0;
}

/* Pushes the views (copied from `src`, references rewritten), the variadic
 * count and the compact data buffers. `src` views are checked and clean. */
static qv_status push_compacted(qv_body_plan *p, const qv_array *a, const uint8_t *src, int64_t count,
                                view_ref *refs, int64_t n_refs, view_run *runs, qv_error *err) {
  int64_t n_runs;
  int32_t n_out;
  plan_runs(refs, n_refs, runs, &n_runs, &n_out);
  uint8_t *views = NULL, *mem = NULL;
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)count * QV_VIEW_SIZE, &views, err));
  memcpy(views, src, (size_t)count * QV_VIEW_SIZE);
  uint8_t **data = NULL;
  int64_t *sizes = NULL;
  if (n_out > 0) {
    QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)n_out * (sizeof *data + sizeof *sizes), &mem, err));
    data = (uint8_t **)(void *)mem;
    sizes = (int64_t *)(void *)(mem + (size_t)n_out * sizeof *data);
    for (int32_t b = 0; b < n_out; b++) sizes[b] = 0;
    for (int64_t k = 0; k < n_runs; k++) sizes[runs[k].out_buf] = runs[k].out_off + runs[k].length;
    for (int32_t b = 0; b < n_out; b++) QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)sizes[b], &data[b], err));
    for (int64_t k = 0; k < n_runs; k++)
      memcpy(data[runs[k].out_buf] + runs[k].out_off, a->buffers[2 + runs[k].buf]->data + runs[k].start,
             (size_t)runs[k].length);
  }
  for (int64_t k = 0; k < n_refs; k++) {
    const view_ref *f = &refs[k];
    const view_run *run = &runs[f->run];
    qv_view v;
    memcpy(&v, views + f->row * QV_VIEW_SIZE, QV_VIEW_SIZE);
    v.ref.buffer_index = run->out_buf;
    v.ref.offset = (int32_t)(run->out_off + (f->start - run->start));
    memcpy(views + f->row * QV_VIEW_SIZE, &v, QV_VIEW_SIZE);
  }
  QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, views, count * QV_VIEW_SIZE, err));
  QV_RETURN_IF_ERROR(qv__body_plan_push_variadic(p, n_out, err));
  for (int32_t b = 0; b < n_out; b++) QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, data[b], sizes[b], err));
  return QV_OK;
}

/* Compacts `count` clean, checked views at `src` (n_refs of them not
 * inline) that reference a's data buffers. */
static qv_status compact_views(qv_body_plan *p, const qv_array *a, const uint8_t *src, int64_t count, int64_t n_refs,
                               qv_error *err) {
  if ((uint64_t)n_refs > SIZE_MAX / (sizeof(view_ref) + sizeof(view_run)))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "too many views to compact (%lld)", (long long)n_refs);
  view_ref *refs = qv__malloc((size_t)n_refs * sizeof *refs);
  view_run *runs = qv__malloc((size_t)n_refs * sizeof *runs);
  qv_status st = QV_OK;
  QV_CHECK_ALLOC_GOTO(refs, st, err, done);
  QV_CHECK_ALLOC_GOTO(runs, st, err, done);
  int64_t k = 0;
  for (int64_t i = 0; i < count && k < n_refs; i++) {
    qv_view v;
    memcpy(&v, src + i * QV_VIEW_SIZE, QV_VIEW_SIZE);
    if (v.ref.size <= QV_VIEW_INLINE_MAX) continue;
    refs[k++] = (view_ref){.start = v.ref.offset, .buf = v.ref.buffer_index, .size = v.ref.size, .row = i};
  }
  qsort(refs, (size_t)k, sizeof *refs, cmp_ref);
  st = push_compacted(p, a, src, count, refs, k, runs, err);
done:
  qv__free(refs);
  qv__free(runs);
  return st;
}

static int64_t data_bytes(const qv_array *a) {
  int64_t total = 0;
  for (int32_t i = 2; i < a->n_buffers; i++) total = sat_add(total, a->buffers[i] ? a->buffers[i]->size : 0);
  return total;
}

static qv_status push_parent_data(qv_body_plan *p, const qv_array *a, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__body_plan_push_variadic(p, a->n_buffers - 2, err));
  for (int32_t i = 2; i < a->n_buffers; i++) {
    const qv_buffer *d = a->buffers[i];
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, d ? d->data : NULL, d ? d->size : 0, err));
  }
  return QV_OK;
}

/* Views of a window as clean copies (nulls zero, inline padding zero). */
static qv_status clean_copy(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, uint8_t **out,
                            qv_error *err) {
  QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)len * QV_VIEW_SIZE, out, err));
  const uint8_t *src = a->buffers[1]->data + off * QV_VIEW_SIZE;
  for (int64_t i = 0; i < len; i++) {
    uint8_t *v = *out + i * QV_VIEW_SIZE;
    memset(v, 0, QV_VIEW_SIZE);
    if (!qv__compact_valid(a, off + i)) continue;
    int32_t size;
    memcpy(&size, src + i * QV_VIEW_SIZE, 4);
    memcpy(v, src + i * QV_VIEW_SIZE, size <= QV_VIEW_INLINE_MAX ? 4 + (size_t)size : QV_VIEW_SIZE);
  }
  return QV_OK;
}

qv_status qv__body_write_views(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                               qv_error *err) {
  if (len <= 0) { /* no views, no data */
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, NULL, 0, err));
    return qv__body_plan_push_variadic(p, 0, err);
  }
  if (!qv__compact_holds(a->buffers[1], QV_VIEW_SIZE, off, len))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "views buffer too short for rows [%lld, %lld)",
                        (long long)(off - a->offset), (long long)(off - a->offset + len));
  const uint8_t *src = a->buffers[1]->data + off * QV_VIEW_SIZE;
  int64_t n_refs = 0, referenced = 0;
  for (int64_t i = 0; i < len; i++)
    if (nulls == 0 || qv__compact_valid(a, off + i))
      QV_RETURN_IF_ERROR(
          qv__view_check(a, src + i * QV_VIEW_SIZE, (long long)(off - a->offset + i), &n_refs, &referenced, err));
  if (data_bytes(a) / 2 <= referenced) { /* whole buffers cost at most twice the window's bytes */
    QV_RETURN_IF_ERROR(qv__body_plan_push_views(p, a, off, len, nulls, err));
    return push_parent_data(p, a, err);
  }
  uint8_t *clean = NULL;
  QV_RETURN_IF_ERROR(clean_copy(p, a, off, len, &clean, err));
  return compact_views(p, a, clean, len, n_refs, err);
}

qv_status qv__body_write_gathered_views(qv_body_plan *p, const qv_array *a, const uint8_t *views, int64_t count,
                                        qv_error *err) {
  int64_t n_refs = 0, referenced = 0;
  for (int64_t i = 0; i < count; i++)
    QV_RETURN_IF_ERROR(qv__view_check(a, views + i * QV_VIEW_SIZE, (long long)i, &n_refs, &referenced, err));
  if (data_bytes(a) / 2 <= referenced) {
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, views, count * QV_VIEW_SIZE, err));
    return push_parent_data(p, a, err);
  }
  return compact_views(p, a, views, count, n_refs, err);
}

/* ------------------------------------------------------------------ */
/* Child slots referenced by list views and dense unions                */
/* ------------------------------------------------------------------ */

/* Child slots [start, end) referenced by output row `row`, in child `key`. */
typedef struct span {
  int64_t start, end;
  int64_t row;
  int32_t key;
} span;

static int cmp_span(const void *x, const void *y) {
  const span *a = x, *b = y;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return (a->end < b->end) - (a->end > b->end);
}

/* Orders the spans by key, keeping their order within a key (a counting
 * sort: a dense union's rows interleave their children). */
static qv_status group_by_key(span *spans, int64_t n, int32_t n_keys, qv_error *err) {
  if (n_keys <= 1 || n <= 1) return QV_OK;
  int64_t *next = qv__calloc((size_t)n_keys, sizeof *next);
  span *tmp = qv__malloc((size_t)n * sizeof *tmp);
  qv_status st = QV_OK;
  QV_CHECK_ALLOC_GOTO(next, st, err, done);
  QV_CHECK_ALLOC_GOTO(tmp, st, err, done);
  for (int64_t i = 0; i < n; i++) next[spans[i].key]++;
  int64_t at = 0;
  for (int32_t k = 0; k < n_keys; k++) {
    int64_t c = next[k];
    next[k] = at;
    at += c;
  }
  for (int64_t i = 0; i < n; i++) tmp[next[spans[i].key]++] = spans[i];
  memcpy(spans, tmp, (size_t)n * sizeof *spans);
done:
  qv__free(next);
  qv__free(tmp);
  return st;
}

/* Sorts the spans and merges them, per key, into windows (win[key]) of
 * the child slots they cover; new_pos[row] receives each span's position
 * in the concatenation of its key's windows. A key whose hull is at most
 * twice the slots covered gets the hull as its one window. Keys without
 * spans get no window. */
static qv_status merge_spans(qv_body_plan *p, span *spans, int64_t n, int32_t n_keys, qv__windows *win,
                             int64_t *new_pos, qv_error *err) {
  QV_RETURN_IF_ERROR(group_by_key(spans, n, n_keys, err));
  for (int64_t g = 0, e; g < n; g = e) { /* in-order children (builders, readers) skip the sort */
    bool sorted = true;
    for (e = g + 1; e < n && spans[e].key == spans[g].key; e++)
      sorted = sorted && cmp_span(&spans[e - 1], &spans[e]) <= 0;
    if (!sorted) qsort(spans + g, (size_t)(e - g), sizeof *spans, cmp_span);
  }
  for (int32_t k = 0; k < n_keys; k++) memset(&win[k], 0, sizeof win[k]);
  int64_t g = 0;
  while (g < n) {
    int32_t key = spans[g].key;
    int64_t e = g;
    while (e < n && spans[e].key == key) e++;
    /* merge spans [g, e): count windows and slots covered */
    int64_t n_win = 0, covered = 0, cur_s = 0, cur_e = -1, hull_e = 0;
    for (int64_t i = g; i < e; i++) {
      if (spans[i].start > cur_e) {
        if (n_win > 0) covered += cur_e - cur_s;
        n_win++;
        cur_s = spans[i].start;
        cur_e = spans[i].end;
      } else if (spans[i].end > cur_e) {
        cur_e = spans[i].end;
      }
      if (spans[i].end > hull_e) hull_e = spans[i].end;
    }
    covered += cur_e - cur_s;
    int64_t hull_s = spans[g].start;
    bool one = hull_e - hull_s <= 2 * covered; /* covered <= child length: no overflow */
    if (one) n_win = 1;
    uint8_t *mem = NULL;
    QV_RETURN_IF_ERROR(qv__body_plan_scratch(p, (size_t)n_win * 2 * sizeof(int64_t), &mem, err));
    qv__windows *w = &win[key];
    w->start = (int64_t *)(void *)mem;
    w->length = w->start + n_win;
    w->n = 0;
    w->total = 0;
    int64_t base = 0; /* position of the current window in the concatenation */
    for (int64_t i = g; i < e; i++) {
      const span *s = &spans[i];
      bool opens = w->n == 0 || (!one && s->start > w->start[w->n - 1] + w->length[w->n - 1]);
      if (opens) {
        if (w->n > 0) base += w->length[w->n - 1];
        w->start[w->n] = one ? hull_s : s->start;
        w->length[w->n] = one ? hull_e - hull_s : s->end - s->start;
        w->n++;
      } else if (!one && s->end > w->start[w->n - 1] + w->length[w->n - 1]) {
        w->length[w->n - 1] = s->end - w->start[w->n - 1];
      }
      new_pos[s->row] = base + (s->start - w->start[w->n - 1]);
    }
    for (int64_t i = 0; i < w->n; i++) w->total += w->length[i];
    g = e;
  }
  return QV_OK;
}

/* ---- list views ---- */

/* Pass over the rows of the windows: checks each valid row, and records
 * the non-empty ones as spans (when spans is not NULL). */
static qv_status list_view_rows(const qv_array *a, int w, const qv__windows *win, span *spans, int64_t *n_spans,
                                qv_error *err) {
  const uint8_t *offs = a->buffers[1]->data, *sizes = a->buffers[2]->data;
  int64_t child_len = a->children[0]->length, k = 0, row = 0;
  *n_spans = 0;
  for (int64_t j = 0; j < win->n; j++)
    for (int64_t i = 0; i < win->length[j]; i++, row++) {
      int64_t pos = a->offset + win->start[j] + i;
      if (!qv__compact_valid(a, pos)) continue;
      int64_t o = qv__load_int(offs, w, pos), n = qv__load_int(sizes, w, pos), end;
      if (n < 0 || o < 0 || qv__add_overflow_i64(o, n, &end) || end > child_len)
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "list-view row %lld: offset %lld and size %lld outside child of length %lld",
                            (long long)(win->start[j] + i), (long long)o, (long long)n, (long long)child_len);
      if (n == 0) continue;
      if (spans) spans[k] = (span){.start = o, .end = end, .row = row, .key = 0};
      k++;
    }
  *n_spans = k;
  return QV_OK;
}

qv_status qv__body_write_list_view(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err) {
  int w = qv_type_storage(a->type)->id == QV_TYPE_LIST_VIEW ? 4 : 8;
  int64_t total = win->total, n_spans = 0;
  if (total == 0) {
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, NULL, 0, err));
    QV_RETURN_IF_ERROR(qv__body_plan_push_buffer(p, NULL, 0, err));
    return qv__body_plan_add_window(p, a->children[0], a->children[0]->offset, 0, err);
  }
  for (int64_t j = 0; j < win->n; j++)
    if (!qv__compact_holds(a->buffers[1], w, a->offset + win->start[j], win->length[j]) ||
        !qv__compact_holds(a->buffers[2], w, a->offset + win->start[j], win->length[j]))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "list-view offsets or sizes too short for rows [%lld, %lld)",
                          (long long)win->start[j], (long long)(win->start[j] + win->length[j]));
  QV_RETURN_IF_ERROR(list_view_rows(a, w, win, NULL, &n_spans, err));
  if ((uint64_t)n_spans > SIZE_MAX / sizeof(span) || (uint64_t)total > SIZE_MAX / 16)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "list view too large to compact (%lld rows)", (long long)total);
  span *spans = qv__malloc((size_t)n_spans * sizeof *spans);
  int64_t *new_pos = qv__malloc((size_t)total * sizeof *new_pos);
  qv_status st = QV_OK;
  QV_CHECK_ALLOC_GOTO(spans, st, err, done);
  QV_CHECK_ALLOC_GOTO(new_pos, st, err, done);
  QV_GOTO_IF_ERROR(st, list_view_rows(a, w, win, spans, &n_spans, err), done);
  qv__windows child;
  QV_GOTO_IF_ERROR(st, merge_spans(p, spans, n_spans, 1, &child, new_pos, err), done);
  if (w == 4 && child.total > INT32_MAX)
    QV_FAIL_GOTO(st, done, err, QV_ERR_OVERFLOW, "list view references %lld child slots, more than int32 offsets hold",
                 (long long)child.total);
  uint8_t *o_dst = NULL, *s_dst = NULL;
  QV_GOTO_IF_ERROR(st, qv__body_plan_scratch(p, (size_t)(total * w), &o_dst, err), done);
  QV_GOTO_IF_ERROR(st, qv__body_plan_scratch(p, (size_t)(total * w), &s_dst, err), done);
  const uint8_t *sizes = a->buffers[2]->data;
  int64_t row = 0;
  for (int64_t j = 0; j < win->n; j++)
    for (int64_t i = 0; i < win->length[j]; i++, row++) {
      int64_t pos = a->offset + win->start[j] + i;
      int64_t n = qv__compact_valid(a, pos) ? qv__load_int(sizes, w, pos) : 0;
      qv__compact_store(o_dst, w, row, n > 0 ? new_pos[row] : 0);
      qv__compact_store(s_dst, w, row, n);
    }
  QV_GOTO_IF_ERROR(st, qv__body_plan_push_buffer(p, o_dst, total * w, err), done);
  QV_GOTO_IF_ERROR(st, qv__body_plan_push_buffer(p, s_dst, total * w, err), done);
  st = qv__body_add_windows(p, a->children[0], &child, err);
done:
  qv__free(spans);
  qv__free(new_pos);
  return st;
}

/* ---- dense unions ---- */

qv_status qv__body_write_dense_union(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err) {
  const qv_type *s = qv_type_storage(a->type);
  int32_t nc = a->n_children;
  int64_t total = win->total;
  for (int64_t j = 0; j < win->n; j++)
    if (!qv__compact_holds(a->buffers[0], 1, a->offset + win->start[j], win->length[j]) ||
        !qv__compact_holds(a->buffers[1], 4, a->offset + win->start[j], win->length[j]))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "dense union type ids or offsets too short for rows [%lld, %lld)",
                          (long long)win->start[j], (long long)(win->start[j] + win->length[j]));
  if ((uint64_t)total > SIZE_MAX / (sizeof(span) + sizeof(int64_t)))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "dense union too large to compact (%lld rows)", (long long)total);
  span *spans = qv__malloc((size_t)total * sizeof *spans);
  int64_t *new_pos = qv__malloc((size_t)total * sizeof *new_pos);
  qv__windows *kids = qv__calloc((size_t)(nc > 0 ? nc : 1), sizeof *kids);
  qv_status st = QV_OK;
  QV_CHECK_ALLOC_GOTO(spans, st, err, done);
  QV_CHECK_ALLOC_GOTO(new_pos, st, err, done);
  QV_CHECK_ALLOC_GOTO(kids, st, err, done);
  uint8_t *ids = NULL, *offs = NULL;
  QV_GOTO_IF_ERROR(st, qv__body_plan_scratch(p, (size_t)total, &ids, err), done);
  QV_GOTO_IF_ERROR(st, qv__body_plan_scratch(p, (size_t)total * 4, &offs, err), done);
  int64_t row = 0;
  for (int64_t j = 0; j < win->n; j++)
    for (int64_t i = 0; i < win->length[j]; i++, row++) {
      int64_t pos = a->offset + win->start[j] + i;
      int8_t code = (int8_t)a->buffers[0]->data[pos];
      int32_t c = code >= 0 && s->child_index ? s->child_index[code] : -1;
      if (c < 0 || c >= nc)
        QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "dense union row %lld: type id %d names no child",
                     (long long)(win->start[j] + i), code);
      int64_t o = qv__load_int(a->buffers[1]->data, 4, pos);
      if (o < 0 || o >= a->children[c]->length)
        QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA,
                     "dense union row %lld: offset %lld outside child %d of length %lld",
                     (long long)(win->start[j] + i), (long long)o, c, (long long)a->children[c]->length);
      ids[row] = (uint8_t)code;
      spans[row] = (span){.start = o, .end = o + 1, .row = row, .key = c};
    }
  QV_GOTO_IF_ERROR(st, merge_spans(p, spans, total, nc, kids, new_pos, err), done);
  for (int32_t c = 0; c < nc; c++)
    if (kids[c].total > INT32_MAX)
      QV_FAIL_GOTO(st, done, err, QV_ERR_OVERFLOW, "dense union child %d: %lld slots, more than int32 offsets hold", c,
                   (long long)kids[c].total);
  for (int64_t r = 0; r < total; r++) qv__compact_store(offs, 4, r, new_pos[r]);
  QV_GOTO_IF_ERROR(st, qv__body_plan_push_buffer(p, ids, total, err), done);
  QV_GOTO_IF_ERROR(st, qv__body_plan_push_buffer(p, offs, total * 4, err), done);
  for (int32_t c = 0; c < nc; c++) QV_GOTO_IF_ERROR(st, qv__body_add_windows(p, a->children[c], &kids[c], err), done);
done:
  qv__free(spans);
  qv__free(new_pos);
  qv__free(kids);
  return st;
}
