/* quiver: immutable, shareable arrays.
 *
 * A qv_array is a type, a logical window (offset, length) and refcounted
 * buffers and children laid out exactly as the Arrow C Data Interface
 * describes (see the layout table in type.h). Arrays are never mutated once
 * built, so any number of holders (slices, exports, threads) can share them.
 * Slicing is O(number of buffers): it shares buffers and children and only
 * changes offset/length; `offset` applies to this array's own buffers, and
 * children of struct/sparse union/fixed_size_list are read at the parent's
 * logical position (child index = parent offset + i, scaled for FSL), as in
 * the C Data Interface.
 *
 * Safety contract. An array that passed structural validation
 * (qv_array_validate with QV_VALIDATE_STRUCTURE, what every reader runs) has
 * buffers large enough for offset + length slots, but its contents may
 * still break the rules: offsets that go backwards or past the data, run
 * ends out of order, indices, type ids or views out of range. Every quiver
 * function that consumes arrays (writers, printers, comparison, export) is
 * memory-safe on such an array and answers correctly or fails naming the
 * column and row; it never depends on QV_VALIDATE_FULL for that. The inline
 * and out-of-line value accessors below are the exception, for speed: they
 * read the slot they are asked for without checking its content, so call
 * them on arrays that passed QV_VALIDATE_FULL, or check the slot first.
 * See docs/robustness.md, "The safety contract".
 *
 * Empty buffers (the one rule): a buffer holding no bytes may be absent.
 * Absent means buffers[i] == NULL or a qv_buffer whose data is NULL (size
 * 0); the two spellings mean the same. Producers may leave any empty buffer
 * absent (the IPC reader and C Data import do: a zero-length batch, a list
 * of empty lists, all-empty strings); an absent validity bitmap means "no
 * nulls". Consumers therefore never dereference buffers[i] or its data
 * without checking for absence, and never do arithmetic on a NULL data
 * pointer (not even + 0). The accessors below honour the rule: the typed
 * views (qv_array_values_*) return a valid, aligned address of an empty
 * region for an absent buffer, so a loop over [0, length) of an empty array
 * needs no special case; the indexed accessors read only buffers that
 * structural validation guarantees present for i in [0, length), and treat
 * an absent data buffer of binary/string as empty.
 */
#ifndef QUIVER_ARRAY_H
#define QUIVER_ARRAY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "quiver/bitmap.h"
#include "quiver/memory.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QV_NULL_COUNT_UNKNOWN (-1)

/* Size of one binary/utf8 view, and the longest string stored inline. */
#define QV_VIEW_SIZE 16
#define QV_VIEW_INLINE_MAX 12

/* A binary view as laid out in memory (16 bytes). */
typedef union qv_view {
  struct {
    int32_t size;
    uint8_t data[12];
  } inlined;
  struct {
    int32_t size;
    uint8_t prefix[4];
    int32_t buffer_index;
    int32_t offset;
  } ref;
} qv_view;

typedef struct qv_array {
  qv_type *type;          /* owned reference */
  int64_t length;         /* logical number of slots */
  int64_t offset;         /* slot offset into this array's buffers */
  int64_t null_count;     /* QV_NULL_COUNT_UNKNOWN until computed: use qv_array_null_count() */
  int32_t n_buffers;      /* per layout; views: 2 + number of variadic data buffers */
  qv_buffer **buffers;    /* owned references; an entry may be NULL (absent validity, empty buffer) */
  int32_t n_children;
  struct qv_array **children;   /* owned references */
  struct qv_array *dictionary;  /* dictionary type: the values array (owned reference); else NULL */

  const uint8_t *validity_; /* private cache: validity bits when the layout has a bitmap and it is present */
  bool null_layout_;        /* private cache: storage type is null (every slot null) */
  int64_t refcount_;        /* private, atomic */
  void *block_;             /* private: the shared block holding this struct (IPC reads), else NULL */
} qv_array;

/* Assembles an array from parts; retains every buffer, child and the
 * dictionary (the caller keeps its references). Checks only the counts the
 * type dictates (n_buffers, n_children, dictionary presence) and that length,
 * offset are >= 0; use qv_array_validate for the rest. Caller owns *out. */
QV_API qv_status qv_array_new(qv_type *type, int64_t length, int64_t offset, int64_t null_count,
                              int32_t n_buffers, qv_buffer *const *buffers, int32_t n_children,
                              struct qv_array *const *children, struct qv_array *dictionary,
                              qv_array **out, qv_error *err);

/* An all-null array of `length` slots of `type` (a null array for null type;
 * zeroed buffers for the others). */
QV_API qv_status qv_array_new_null(qv_type *type, int64_t length, qv_array **out, qv_error *err);

QV_API qv_array *qv_array_retain(qv_array *array);
QV_API void qv_array_release(qv_array *array); /* accepts NULL */

/* Zero-copy slice [offset, offset+length) of `array` (a slice of a slice
 * composes offsets). QV_ERR_OUT_OF_RANGE if outside. Caller owns *out. */
QV_API qv_status qv_array_slice(qv_array *array, int64_t offset, int64_t length, qv_array **out,
                                qv_error *err);

/* Number of null slots, computed from the bitmap (and cached) when unknown.
 * Null arrays: length. Unions and run-end encoded: 0 (their nulls live in
 * children, as the spec says). */
QV_API int64_t qv_array_null_count(const qv_array *array);

/* Logical validity of slot i for every layout (unions and run-end encoded
 * look into their children; null type is always null). */
QV_API bool qv_array_is_valid_any(const qv_array *array, int64_t i);

/* Fast validity for layouts with a bitmap (all but null, union, REE). */
static inline bool qv_array_is_valid(const qv_array *a, int64_t i) {
  if (a->validity_ == NULL) return !a->null_layout_;
  return qv_bit_get(a->validity_, a->offset + i);
}
static inline bool qv_array_is_null(const qv_array *a, int64_t i) { return !qv_array_is_valid(a, i); }

/* Raw pointer to buffer `i`'s data (NULL if absent). Not offset-adjusted. */
static inline const uint8_t *qv_array_buffer_data(const qv_array *a, int32_t i) {
  return (i >= 0 && i < a->n_buffers && a->buffers[i]) ? a->buffers[i]->data : NULL;
}

/* Buffer i's data, or (absent buffer) the address of an empty region that
 * is aligned for any value type: never NULL. Not offset-adjusted. */
static inline const uint8_t *qv__array_buffer_or_empty(const qv_array *a, int32_t i) {
  static const uint64_t empty_region[1] = {0};
  const uint8_t *p = qv_array_buffer_data(a, i);
  return p != NULL ? p : (const uint8_t *)(const void *)empty_region;
}

/* Typed views of the values buffer, already adjusted by the array offset:
 * qv_array_values_int32(a)[i] is slot i. An absent values buffer (an empty
 * array, see the rule above) gives an empty region, never NULL. */
#define QV__DEFINE_VALUES(NAME, CTYPE)                                              \
  static inline const CTYPE *qv_array_values_##NAME(const qv_array *a) {            \
    const uint8_t *p = qv_array_buffer_data(a, 1);                                  \
    if (p == NULL) return (const CTYPE *)(const void *)qv__array_buffer_or_empty(a, 1); \
    return (const CTYPE *)(const void *)p + a->offset;                              \
  }
QV__DEFINE_VALUES(int8, int8_t)
QV__DEFINE_VALUES(int16, int16_t)
QV__DEFINE_VALUES(int32, int32_t)
QV__DEFINE_VALUES(int64, int64_t)
QV__DEFINE_VALUES(uint8, uint8_t)
QV__DEFINE_VALUES(uint16, uint16_t)
QV__DEFINE_VALUES(uint32, uint32_t)
QV__DEFINE_VALUES(uint64, uint64_t)
QV__DEFINE_VALUES(float32, float)
QV__DEFINE_VALUES(float64, double)
#undef QV__DEFINE_VALUES

/* Single-value accessors (no bounds checks; i in [0, length)), one per
 * value width. Temporal types read through the integer of their width
 * (date32, time32, interval_months: int32; date64, time64, timestamp,
 * duration: int64); float16 is returned as its raw IEEE bits. For a checked
 * read of any type, see qv_array_get_scalar (scalar.h). */
#define QV__DEFINE_VALUE(NAME, CTYPE)                                               \
  static inline CTYPE qv_array_##NAME##_value(const qv_array *a, int64_t i) {       \
    return qv_array_values_##NAME(a)[i];                                            \
  }
QV__DEFINE_VALUE(int8, int8_t)
QV__DEFINE_VALUE(int16, int16_t)
QV__DEFINE_VALUE(int32, int32_t)
QV__DEFINE_VALUE(int64, int64_t)
QV__DEFINE_VALUE(uint8, uint8_t)
QV__DEFINE_VALUE(uint16, uint16_t)
QV__DEFINE_VALUE(uint32, uint32_t)
QV__DEFINE_VALUE(uint64, uint64_t)
QV__DEFINE_VALUE(float32, float)
QV__DEFINE_VALUE(float64, double)
#undef QV__DEFINE_VALUE
static inline uint16_t qv_array_float16_bits_value(const qv_array *a, int64_t i) {
  return qv_array_values_uint16(a)[i];
}
static inline bool qv_array_bool_value(const qv_array *a, int64_t i) {
  return qv_bit_get(a->buffers[1]->data, a->offset + i);
}

/* binary/utf8 (int32 offsets). Returns the bytes of slot i and sets *len. */
static inline const uint8_t *qv_array_binary_value(const qv_array *a, int64_t i, int64_t *len) {
  const int32_t *off = (const int32_t *)(const void *)a->buffers[1]->data + a->offset + i;
  *len = (int64_t)off[1] - off[0];
  return qv_array_buffer_data(a, 2) ? a->buffers[2]->data + off[0] : (const uint8_t *)"";
}
/* large_binary/large_utf8 (int64 offsets). */
static inline const uint8_t *qv_array_large_binary_value(const qv_array *a, int64_t i, int64_t *len) {
  const int64_t *off = (const int64_t *)(const void *)a->buffers[1]->data + a->offset + i;
  *len = off[1] - off[0];
  return qv_array_buffer_data(a, 2) ? a->buffers[2]->data + off[0] : (const uint8_t *)"";
}
/* binary_view/utf8_view. */
static inline const uint8_t *qv_array_view_value(const qv_array *a, int64_t i, int64_t *len) {
  const qv_view *v = (const qv_view *)(const void *)a->buffers[1]->data + a->offset + i;
  *len = v->inlined.size;
  if (v->inlined.size <= QV_VIEW_INLINE_MAX) return v->inlined.data;
  return a->buffers[2 + v->ref.buffer_index]->data + v->ref.offset;
}
/* fixed_size_binary and decimals: pointer to the slot's bytes. */
static inline const uint8_t *qv_array_fixed_value(const qv_array *a, int64_t i) {
  return a->buffers[1]->data + (a->offset + i) * (int64_t)(a->type->bit_width / 8);
}
/* Any binary-like layout (binary, string, large, views, fixed_size_binary),
 * dispatching on the type once per call. */
QV_API const uint8_t *qv_array_bytes_value(const qv_array *a, int64_t i, int64_t *len);

/* Decimal value of slot i as little-endian 64-bit words (words = bit_width/64,
 * at least 1; decimal32/64 are sign-extended into one word). */
QV_API void qv_array_decimal_value(const qv_array *a, int64_t i, uint64_t words[4]);

/* List-likes: child range of slot i (list, large_list, list_view,
 * large_list_view, map, fixed_size_list). */
QV_API void qv_array_list_range(const qv_array *a, int64_t i, int64_t *start, int64_t *length);

/* Unions: type code and child slot of slot i. */
QV_API int8_t qv_array_union_type_code(const qv_array *a, int64_t i);
QV_API int64_t qv_array_union_child_offset(const qv_array *a, int64_t i);

/* Run-end encoded: index in the values child of logical slot i (binary search). */
QV_API int64_t qv_array_ree_physical_index(const qv_array *a, int64_t i);

/* Dictionary: index of slot i as int64 (any index width). */
QV_API int64_t qv_array_dictionary_index(const qv_array *a, int64_t i);

#ifdef __cplusplus
}
#endif
#endif
