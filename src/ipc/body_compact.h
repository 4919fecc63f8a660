/* quiver IPC: compaction of the windows whose bytes are not one contiguous
 * range of the parent (view data, list-view children, dense-union
 * children), so that writing a slice costs bytes in proportion to the
 * slice, not to its parent. Internal header.
 *
 *   body_compact.c  views, list views and dense unions: which bytes and
 *                   child slots a window references, rewritten to point
 *                   into compact copies;
 *   body_gather.c   writing an array restricted to several windows of its
 *                   slots (the children a list view or dense union
 *                   references are rarely one contiguous range);
 *   body_write.c    the plan itself, and the primitives below.
 *
 * Views, offsets, sizes and type ids come from input: every one is checked
 * before it is used (QV_ERR_INVALID_DATA naming the row, in the written
 * array's logical slots). Rewritten bytes live in the plan's arena (valid
 * until its next reset).
 */
#ifndef QV_IPC_BODY_COMPACT_H
#define QV_IPC_BODY_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/body.h"

#include "core/internal.h"
#include "core/unaligned.h" /* qv__load_int */

/* ---- small helpers shared by body_compact.c and body_gather.c ---- */

static inline void qv__compact_store(uint8_t *base, int w, int64_t i, int64_t v) {
  if (w == 4) {
    int32_t t = (int32_t)v;
    memcpy(base + i * 4, &t, 4);
  } else {
    memcpy(base + i * 8, &v, 8);
  }
}

/* Whether buffer b holds slots [off, off + len) of w bytes. */
static inline bool qv__compact_holds(const qv_buffer *b, int64_t w, int64_t off, int64_t len) {
  int64_t end, bytes;
  if (off < 0 || len < 0 || qv__add_overflow_i64(off, len, &end) || qv__mul_overflow_i64(end, w, &bytes))
    return false;
  return len == 0 || (b != NULL && bytes <= b->size);
}

/* Whether slot pos (absolute) of a bitmap-layout array is valid. */
static inline bool qv__compact_valid(const qv_array *a, int64_t pos) {
  return a->validity_ == NULL || qv_bit_get(a->validity_, pos);
}

/* ---- primitives of the plan (body_write.c) ---- */

/* n bytes of scratch, 8-aligned, valid until the next qv__body_plan_reset. */
qv_status qv__body_plan_scratch(qv_body_plan *p, size_t n, uint8_t **out, qv_error *err);
qv_status qv__body_plan_push_node(qv_body_plan *p, int64_t length, int64_t null_count, qv_error *err);
qv_status qv__body_plan_push_buffer(qv_body_plan *p, const void *data, int64_t n, qv_error *err);
qv_status qv__body_plan_push_variadic(qv_body_plan *p, int64_t count, qv_error *err);
/* Views [off, off + len) as they are (nulls and inline padding cleaned). */
qv_status qv__body_plan_push_views(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                                   qv_error *err);
/* Checks every run end of run-end encoded `a` increasing (cached per
 * run_ends child for the plan's life). */
qv_status qv__body_plan_check_run_ends(qv_body_plan *p, const qv_array *a, qv_error *err);
/* The whole writer on one window [off, off + len) (off absolute in a's
 * buffers): node, buffers, children. */
qv_status qv__body_plan_add_window(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, qv_error *err);

/* ---- windows (body_gather.c) ---- */

/* Windows of an array's logical slots (relative to its offset), in the
 * order they are written; each non-empty and inside the array. */
typedef struct qv__windows {
  int64_t n;
  int64_t *start;
  int64_t *length;
  int64_t total;  /* sum of the lengths: the written node's length */
} qv__windows;

/* Writes `a` restricted to the concatenation of its windows: one node
 * whose slots are the windows' slots in order. */
qv_status qv__body_add_windows(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err);

/* ---- compaction (body_compact.c) ---- */

/* After the validity of window [off, off + len) (off absolute): the
 * views and data buffers of a binary_view/string_view window. Sends the
 * parent's data buffers as they are when they hold at most twice the
 * bytes the window's views reference (every view still checked), else
 * only the referenced bytes, merged where views overlap or touch, in data
 * buffers of at most INT32_MAX bytes. */
qv_status qv__body_write_views(qv_body_plan *p, const qv_array *a, int64_t off, int64_t len, int64_t nulls,
                               qv_error *err);

/* The same for views already gathered into `views` (count rows, checked,
 * nulls zeroed, inline padding zero) that reference a's data buffers. */
qv_status qv__body_write_gathered_views(qv_body_plan *p, const qv_array *a, const uint8_t *views, int64_t count,
                                        qv_error *err);

/* Checks one valid view (row named in messages); adds its referenced
 * bytes to *referenced (saturating) and counts it in *n_refs when it is
 * not inline. */
qv_status qv__view_check(const qv_array *a, const uint8_t *view, long long row, int64_t *n_refs,
                         int64_t *referenced, qv_error *err);

/* After the validity of list-view windows `win` (the rows written,
 * `nulls` of them null): offsets, sizes and the child restricted to the
 * slots the valid rows reference (overlapping ranges written once). */
qv_status qv__body_write_list_view(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err);

/* Dense-union windows `win`: type ids, offsets and each child restricted
 * to the slots the rows reference. */
qv_status qv__body_write_dense_union(qv_body_plan *p, const qv_array *a, const qv__windows *win, qv_error *err);

#endif
