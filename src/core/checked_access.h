/* quiver core: bounds-checked slot accessors, shared by validate/, print/
 * and compare/ (the unchecked ones are in quiver/array.h).
 *
 * The inline accessors in quiver/array.h trust the array; these do not
 * trust the *content* of an array that passed QV_VALIDATE_STRUCTURE: every
 * offset, view, union code, dictionary index and run end they read is
 * checked against the buffer or child it points into, and they return
 * false instead of reading out of bounds. Every multi-byte load goes through
 * memcpy, so a misaligned foreign buffer never causes a misaligned typed
 * load. Rows (`i`) are logical slot indices of the array (0..length-1);
 * the array's own offset is applied here.
 *
 * Preconditions (what STRUCTURE validation guarantees): buffer counts and
 * sizes cover offset + length for every buffer of the layout, the children
 * exist with the declared types and the lengths the layout requires.
 */
#ifndef QUIVER_CORE_CHECKED_ACCESS_H
#define QUIVER_CORE_CHECKED_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/bitmap.h"
#include "quiver/type.h"

#include "core/unaligned.h" /* qv__load_int, qv__load_off */

/* Size in bytes of buffer i (0 when absent). */
static inline int64_t qv__buf_size(const qv_array *a, int32_t i) {
  return (i < a->n_buffers && a->buffers[i] != NULL && a->buffers[i]->data != NULL) ? a->buffers[i]->size : 0;
}
/* Data of buffer i, or NULL when absent/empty. */
static inline const uint8_t *qv__buf_data(const qv_array *a, int32_t i) {
  return (i < a->n_buffers && a->buffers[i] != NULL) ? a->buffers[i]->data : NULL;
}

/* Storage (layout) type id of an array. */
static inline qv_type_id qv__storage_id(const qv_array *a) { return qv_type_storage(a->type)->id; }

/* Validity of slot i for layouts with a bitmap (absent bitmap: valid);
 * false for the null layout. Unions and run-end encoded: see qv__slot_valid. */
static inline bool qv__bit_valid(const qv_array *a, int64_t i) {
  const uint8_t *bits = qv__buf_data(a, 0);
  return bits == NULL || qv_bit_get(bits, a->offset + i);
}

/* Iterates maximal runs of slots whose bitmap bit is set (all slots when the
 * array has no bitmap): finds the next run [*start, *end) at or after *pos,
 * advances *pos past it; false when there is none. `bits` is buffer 0 of a
 * layout with validity (NULL = all valid). Whole 0x00/0xFF bytes are skipped
 * 8 slots at a time. */
static inline bool qv__next_valid_run(const uint8_t *bits, int64_t offset, int64_t length, int64_t *pos,
                                      int64_t *start, int64_t *end) {
  int64_t i = *pos;
  if (i >= length) return false;
  if (bits == NULL) {
    *start = i;
    *end = *pos = length;
    return true;
  }
  while (i < length) {
    const int64_t b = offset + i;
    if ((b & 7) == 0 && i + 8 <= length && bits[b >> 3] == 0) {
      i += 8;
      continue;
    }
    if (qv_bit_get(bits, b)) break;
    i++;
  }
  if (i >= length) {
    *pos = length;
    return false;
  }
  int64_t j = i + 1;
  while (j < length) {
    const int64_t b = offset + j;
    if ((b & 7) == 0 && j + 8 <= length && bits[b >> 3] == 0xFF) {
      j += 8;
      continue;
    }
    if (!qv_bit_get(bits, b)) break;
    j++;
  }
  *start = i;
  *end = *pos = j;
  return true;
}

/* Byte range of slot i of binary/string/large_binary/large_string:
 * checks 0 <= start <= end <= data size. */
bool qv__binary_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len);
/* Bytes of slot i of binary_view/string_view: size >= 0; out-of-line views
 * need a declared buffer and offset + size inside it. */
bool qv__view_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len);
/* Bytes of slot i of any binary-like layout (the four above plus
 * fixed_size_binary). */
bool qv__bytes_slot(const qv_array *a, int64_t i, const uint8_t **data, int64_t *len);

/* Child range of slot i of list, large_list, map, list_view,
 * large_list_view and fixed_size_list, checked against the child length.
 * The range is in the child's logical indices. */
bool qv__list_slot(const qv_array *a, int64_t i, int64_t *start, int64_t *len);

/* Union slot i: the child position and the child's logical index
 * (checks the code is declared and a dense offset is within the child). */
bool qv__union_slot(const qv_array *a, int64_t i, int32_t *child, int64_t *child_index);

/* Dictionary slot i: the index, checked against the dictionary length. */
bool qv__dict_slot(const qv_array *a, int64_t i, int64_t *index);

/* Run-end encoded slot i: the index into the values child (binary search
 * over the run ends; checked against both children's lengths). */
bool qv__ree_slot(const qv_array *a, int64_t i, int64_t *physical);
/* The run-end value at physical index p of an REE array's run_ends child. */
int64_t qv__ree_run_end(const qv_array *a, int64_t p);

/* The runs [*first, *last) of run-end encoded `a` that cover the logical
 * rows [start, start + len) (len > 0), after checking everything a walk over
 * those rows relies on: the run ends from *first to *last - 1 strictly
 * increasing, the last one reaching start + len, and *last within the values
 * child. With those checked, qv__ree_slot of any row of the window lands in
 * [*first, *last) on the run that really holds the row (a binary search
 * result is monotonic in its key even over unsorted data), so a consumer
 * that calls this once per window never reports made-up values. On failure
 * returns false and sets *bad_row to the window row (0..len-1) where the
 * run ends stop making sense. O(runs in the window). */
bool qv__ree_window(const qv_array *a, int64_t start, int64_t len, int64_t *first, int64_t *last,
                    int64_t *bad_row);

/* True when every run end of run-end encoded `a` (all of its run_ends
 * child, not only a window) is strictly increasing and the first is at
 * least 1; otherwise false with *bad_run set to the first run whose end is
 * not above the one before (for run 0: not above 0).
 * Needed besides qv__ree_window because a row may be claimed by a run
 * outside the window (run ends [5, 3, 10]: rows 3 and 4 lie in runs 0 and
 * 2), and only a look at every run end rules that out. O(runs). */
bool qv__ree_runs_increasing(const qv_array *a, int64_t *bad_run);

/* Checks the offsets p[start..start+len] (int32 unless `wide`) that a walk
 * over rows [start, start + len) relies on: the first >= 0, each >= the one
 * before, the last <= limit (the data size or the child length). On failure
 * returns false and sets *bad_row to the window row (0..len-1) whose end
 * offset breaks the rule and *found to that offset. O(len). */
bool qv__offsets_window_ok(const uint8_t *p, bool wide, int64_t start, int64_t len, int64_t limit,
                           int64_t *bad_row, int64_t *found);

/* Logical validity of slot i for any layout: the bitmap where there is one,
 * false for null, the selected child's slot for unions, the values slot for
 * run-end encoded. Invalid content (undeclared code...) reads as null. */
bool qv__slot_valid(const qv_array *a, int64_t i);

#endif
