/* Internal to src/compute: small pieces the element-wise kernels share —
 * copying a window's validity into a fresh bitmap, storing bitmap words,
 * wrapping finished buffers into an array, and a growable byte sink for
 * kernels that produce strings or binaries (casts to string, string
 * functions).
 *
 * Every result array these helpers build has offset 0 and buffers sized
 * exactly for its length; a validity bitmap is left out when the result has
 * no nulls.
 */
#ifndef QUIVER_SRC_COMPUTE_KERNEL_UTIL_H
#define QUIVER_SRC_COMPUTE_KERNEL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compute/aggregate_internal.h" /* qv__bits_word, qv__low_bits */
#include "core/checked_access.h"
#include "quiver/array.h"
#include "quiver/status.h"

/* Stores the low m bits (1..64) of w at bit i (a multiple of 64) of out. */
static inline void qv__store_word(uint8_t *out, int64_t i, int64_t m, uint64_t w) {
  uint8_t bytes[8];
  int64_t n_bytes = (m + 7) / 8;
  for (int k = 0; k < 8; k++) bytes[k] = (uint8_t)(w >> (8 * k));
  memcpy(out + i / 8, bytes, (size_t)n_bytes);
}

/* The n validity bits of `a` starting at row i, as a word (all ones when
 * the array has no bitmap; all zeros for the null layout). */
static inline uint64_t qv__valid_word(const qv_array *a, int64_t i, int64_t n) {
  if (a->validity_ != NULL) return qv__bits_word(a->validity_, a->offset + i, n);
  return a->null_layout_ ? 0 : qv__low_bits(n);
}

/* A copy of the validity of rows [0, length) of `a` at bit 0 of a new
 * buffer (*out NULL when `a` has no nulls), and the null count. */
qv_status qv__compute_copy_validity(const qv_array *a, qv_buffer **out, int64_t *nulls, qv_error *err);

/* The same for a result that never writes to its bitmap: when the offset
 * is a multiple of 8, *out is a view of a's bitmap (no copy). */
qv_status qv__compute_share_validity(const qv_array *a, qv_buffer **out, int64_t *nulls, qv_error *err);

/* stream_copy.c: copies `bytes` bytes with non-temporal stores when dst
 * is 64-byte aligned and the CPU has AVX2 (else memcpy): for outputs too
 * large for the cache, which ordinary stores would read before writing. */
#define QV__STREAM_MIN_BYTES ((int64_t)16 << 20) /* outputs worth streaming */
void qv__compute_stream_copy(void *dst, const void *src, int64_t bytes);

/* A new bitmap of `length` bits (zeroed). */
qv_status qv__compute_new_bitmap(int64_t length, qv_buffer **out, qv_error *err);

/* Counts the zero bits of bitmap `bits` (rows [0, length)); 0 for NULL. */
int64_t qv__compute_count_nulls(const qv_buffer *bits, int64_t length);

/* Wraps validity (may be NULL) and one values buffer into an array of
 * `type` (retained) and releases the caller's buffer references, on
 * success and on failure alike. The null count is recounted. */
qv_status qv__compute_finish_fixed(qv_type *type, int64_t length, qv_buffer *validity, qv_buffer *values,
                                   qv_array **out, qv_error *err);

/* ---- a sink of variable-size values (binary, string and their large and
 * view forms) ---- */
typedef struct qv__bytes_sink {
  int64_t length;      /* values appended */
  int64_t capacity;    /* slots reserved in `offsets` */
  int64_t *offsets;    /* length + 1 entries, int64 whatever the target */
  uint8_t *data;
  int64_t data_size, data_capacity;
  bool oom;
} qv__bytes_sink;

/* Reserves `slots` values and `data_hint` bytes up front. */
qv_status qv__sink_init(qv__bytes_sink *s, int64_t slots, int64_t data_hint, qv_error *err);
void qv__sink_free(qv__bytes_sink *s);
/* Appends one value (len bytes of p; p may be NULL when len is 0). A
 * failure is remembered in s->oom and reported by qv__sink_finish. */
void qv__sink_append(qv__bytes_sink *s, const void *p, int64_t len);
/* Room for `len` more bytes at the end of the data: write them, then call
 * qv__sink_commit with how many were written. NULL on allocation failure. */
uint8_t *qv__sink_reserve(qv__bytes_sink *s, int64_t len);
void qv__sink_commit(qv__bytes_sink *s, int64_t written);
/* The array of `type` (string, binary, large_string, large_binary,
 * string_view, binary_view) holding what was appended, with `validity`
 * (borrowed; may be NULL). Frees the sink. */
qv_status qv__sink_finish(qv__bytes_sink *s, qv_type *type, qv_buffer *validity, qv_array **out, qv_error *err);

/* ---- reading variable-size values safely ----
 *
 * qv__bytes_reader resolves once per array how slots of any binary-like
 * layout are read: string/binary and their large forms have their offsets
 * checked for the whole window up front (so per-row reads are plain loads),
 * views and fixed_size_binary are read through the checked accessors. */
typedef struct qv__bytes_reader {
  const qv_array *a;
  int kind;            /* 0: int32 offsets, 1: int64 offsets, 2: checked per slot */
  const uint8_t *offsets;
  const uint8_t *data;
} qv__bytes_reader;

/* QV_ERR_INVALID_DATA naming the row when offsets go backwards or past the
 * data; QV_ERR_TYPE when `a` is not binary-like. `fn` names the caller. */
qv_status qv__bytes_reader_init(qv__bytes_reader *r, const qv_array *a, const char *fn, qv_error *err);
/* Bytes of row i; false (only for views and fixed_size_binary) when the
 * slot points outside its buffers. */
static inline bool qv__bytes_reader_get(const qv__bytes_reader *r, int64_t i, const uint8_t **p, int64_t *len) {
  int64_t row = r->a->offset + i;
  if (r->kind == 0) {
    int32_t o[2];
    memcpy(o, r->offsets + 4 * row, 8);
    *p = r->data + o[0];
    *len = (int64_t)o[1] - o[0];
    return true;
  }
  if (r->kind == 1) {
    int64_t o[2];
    memcpy(o, r->offsets + 8 * row, 16);
    *p = r->data + o[0];
    *len = o[1] - o[0];
    return true;
  }
  return qv__bytes_slot(r->a, i, p, len);
}

/* True for binary-like storage ids (binary, string, their large and view
 * forms, fixed_size_binary). */
bool qv__is_binary_like(qv_type_id id);
/* True for string, large_string, string_view. */
bool qv__is_string_id(qv_type_id id);

/* Text a kernel writes into string values (a replacement) or matches
 * inside them byte-wise (a literal pattern) must itself be UTF-8, or the
 * result would not be: QV_ERR_INVALID_ARGUMENT naming the function, the
 * argument and the byte when `a` holds strings (its storage, or a
 * dictionary's values) and s[0, n) is not UTF-8; QV_OK otherwise. */
qv_status qv__check_utf8_argument(const qv_array *a, const char *fn, const char *what, const uint8_t *s, int64_t n,
                                  qv_error *err);

#endif
