/* quiver: array builders.
 *
 * A qv_builder accumulates values of one qv_type and turns them into an
 * immutable qv_array with qv_builder_finish, handing its grown memory over to
 * the array without copying; the builder is then empty and can be reused.
 * There is a builder for every type in type.h (extension types build their
 * storage layout and finish with the extension type).
 *
 * Appends are typed: qv_builder_append_int32 only works on builders whose
 * layout is int32 (int32, date32, time32, interval_months), and so on; the
 * wrong append returns QV_ERR_TYPE. The common case (right type, room left)
 * is a `static inline` fast path of a few instructions; growth, nulls and
 * errors go out of line. Appends that take no `qv_error *` record their
 * failure message in the builder (qv_builder_error). A failed append leaves
 * a leaf builder (fixed width, bool, binary, view, dictionary) unchanged,
 * and so does a rejected finish_element / finish_union_element /
 * append_run; but a null or empty slot (or a sparse union's filler values)
 * that runs out of memory inside a nested builder may have reached some
 * children already (finish then reports the mismatch): reset or free it.
 *
 * Which append fits which type:
 *   int8..int64, uint8..uint64 : the integer types of that width/sign;
 *                                int32 also date32, time32, interval_months;
 *                                int64 also date64, time64, timestamp, duration
 *   float16 (raw uint16 bits), float32, float64, bool
 *   append_fixed               : every fixed-width layout (fixed_size_binary,
 *                                decimals, day_time / month_day_nano
 *                                intervals, and also ints/floats) - `bytes`
 *                                is one value in native byte order
 *   append_decimal_i64         : decimal32/64/128/256 (sign-extended)
 *   append_binary              : binary, string, large_binary, large_string,
 *                                binary_view, string_view
 *   append_string              : string, large_string, string_view
 *   append_null / append_nulls / append_empty : every type
 * Dictionary builders accept the value type's append (append_string on a
 * dictionary<string> builder is qv_builder_append_dictionary_value).
 *
 * Nested types: append to the child builders (qv_builder_child), then close
 * the slot on the parent:
 *   list, large_list, map, list_view, large_list_view, fixed_size_list,
 *   struct      : qv_builder_finish_element(b)
 *   unions      : qv_builder_finish_union_element(b, type_code)
 *   run-end enc.: append ONE value to child 1, then qv_builder_append_run(b, n)
 * A map's child 0 is the "entries" struct builder (children: key, value):
 * append key and value, finish_element on the entries, then on the map.
 *
 * Finished arrays follow the spec exactly: offsets start at 0; slots of
 * nulls are zeroed (fixed width 0, binary and list nulls have an empty
 * range, list_view nulls offset 0 size 0); no validity buffer when there are
 * no nulls; null_count exact; views inline values of <= 12 bytes and
 * otherwise reference variadic data buffers of at most 1 MiB each (a longer
 * value gets a buffer of its own; values are never split).
 *
 * Builders are not thread-safe; use one per thread.
 */
#ifndef QUIVER_BUILDER_H
#define QUIVER_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/memory.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest variadic data buffer a view builder fills before starting a new
 * one (a single longer value gets a buffer of exactly its size). */
#define QV_VIEW_BLOCK_SIZE (1 << 20)

/* Which inline fast path a builder takes (private; QV__FAST_NONE sends every
 * typed append to the out-of-line path, which grows, forwards to a
 * dictionary, or reports QV_ERR_TYPE). */
enum {
  QV__FAST_NONE = 0,
  QV__FAST_I8,
  QV__FAST_I16,
  QV__FAST_I32,
  QV__FAST_I64,
  QV__FAST_U8,
  QV__FAST_U16,
  QV__FAST_U32,
  QV__FAST_U64,
  QV__FAST_F16,
  QV__FAST_F32,
  QV__FAST_F64,
  QV__FAST_BOOL,
  QV__FAST_FIXED, /* other fixed widths: fixed_size_binary, decimals, intervals */
  QV__FAST_BIN32, /* binary/string: int32 offsets in values_, bytes in data_ */
  QV__FAST_BIN64, /* large_binary/large_string: int64 offsets */
  QV__FAST_VIEW   /* binary_view/string_view: views in values_, bytes in data_ */
};

struct qv__builder_ops;
struct qv__builder_dict;

/* The struct is public only so the fast paths can be inline: every field is
 * private (read the length with qv_builder_length). */
typedef struct qv_builder {
  /* ---- hot: read and written by the inline fast paths ---- */
  int32_t fast_;          /* QV__FAST_* accepted inline */
  bool utf8_;             /* string/large_string/string_view (append_string allowed) */
  int64_t length_;        /* slots appended (run-end encoded: logical length) */
  int64_t capacity_;      /* slots the values region (and a bitmap, once there) can hold */
  uint8_t *values_;       /* fixed width: values; bool: bits; binary/lists: offsets
                           * (length_+1 entries); views: views; unions: type ids;
                           * dictionary: indices. Bytes past the used part are zero. */
  uint8_t *data_;         /* binary: value bytes; views: current variadic buffer */
  int64_t data_size_;     /* bytes used at data_ */
  int64_t data_capacity_; /* bytes usable at data_ (binary: <= INT32_MAX; views: block) */

  /* ---- cold ---- */
  uint8_t *validity_;       /* NULL until the first null; bits >= length_ are pre-set to 1 */
  int64_t null_count_;
  int64_t validity_filled_; /* bytes of validity_ initialised (0xFF past length_) */
  int32_t width_;           /* bytes per slot in values_ (bool: 0) */
  bool has_validity_;       /* layout has a validity bitmap */
  qv_type *type_;           /* owned reference: the type finished arrays get */
  const qv_type *storage_;  /* type_'s storage (layout) type, borrowed from type_ */
  const qv_allocator *alloc_;
  const struct qv__builder_ops *ops_;
  qv_buffer *validity_buf_; /* owned, refcount 1, or NULL */
  qv_buffer *values_buf_;   /* owned, refcount 1, or NULL; values_ points into it */
  qv_buffer *data_buf_;     /* owned, refcount 1, or NULL; data_ points into it */
  qv_buffer *aux_buf_;      /* list views: sizes; dense unions: offsets */
  qv_buffer **variadic_;    /* views: sealed data buffers */
  int32_t n_variadic_;
  int32_t variadic_cap_;
  int32_t n_children_;
  struct qv_builder **children_; /* owned; REE: [run_ends, values] (dictionary values live in dict_) */
  int64_t mark_;                 /* list views: child length at the last finish_element;
                                  * REE: 1 when the last run is a null run */
  int64_t *child_counts_;        /* unions: values per child when its last slot closed */
  struct qv__builder_dict *dict_; /* dictionary: hash table over the values so far */
  qv_error error_;                /* last failure of an append without an err parameter */
} qv_builder;

/* ---- lifetime ---- */

/* Creates a builder for arrays of `type` (retained; the caller keeps its
 * reference). `alloc` NULL = default; it allocates the data buffers of every
 * array the builder finishes, including children. Caller owns *out and frees
 * it with qv_builder_free. QV_ERR_NOT_IMPLEMENTED for dictionaries whose
 * value type is not fixed-width or binary-like. */
QV_API qv_status qv_builder_new(qv_type *type, const qv_allocator *alloc, qv_builder **out, qv_error *err);

/* Frees the builder, its children and everything appended. Accepts NULL. */
QV_API void qv_builder_free(qv_builder *b);

/* Discards everything appended (children too); the builder stays usable. */
QV_API void qv_builder_reset(qv_builder *b);

/* Builds an array from everything appended and resets the builder for reuse.
 * The array takes the builder's buffers over without copying. Caller owns
 * *out. QV_ERR_INVALID_ARGUMENT (nothing changed) when a nested builder has
 * child values not closed by finish_element / append_run; on QV_ERR_NO_MEMORY
 * the builder is reset. */
QV_API qv_status qv_builder_finish(qv_builder *b, qv_array **out, qv_error *err);

/* ---- queries ---- */

/* Slots appended so far (run-end encoded: logical length). */
static inline int64_t qv_builder_length(const qv_builder *b) { return b->length_; }
/* Null slots appended so far (unions and run-end encoded: 0, as the array). */
static inline int64_t qv_builder_null_count(const qv_builder *b) { return b->null_count_; }
/* The type finished arrays get (borrowed). */
static inline qv_type *qv_builder_type(const qv_builder *b) { return b->type_; }
/* Child builder i (borrowed), or NULL when out of range. list-likes and map:
 * 0; struct and unions: field i; run-end encoded: 0 = run_ends (managed by
 * append_run: do not append to it), 1 = values. Dictionaries have none. */
QV_API qv_builder *qv_builder_child(qv_builder *b, int32_t i);
QV_API int32_t qv_builder_num_children(const qv_builder *b);
/* Message of the last failed append (empty after success of all appends so
 * far; not cleared by later successes). */
QV_API const qv_error *qv_builder_error(const qv_builder *b);

/* Makes room for `additional` more slots (no children), so that many
 * appends take the fast path. */
QV_API qv_status qv_builder_reserve(qv_builder *b, int64_t additional, qv_error *err);

/* ---- out-of-line slow paths of the inline appends (private) ---- */
QV_API qv_status qv__builder_append_slow(qv_builder *b, int32_t kind, const void *value);
QV_API qv_status qv__builder_append_binary_slow(qv_builder *b, const void *data, int64_t len);
QV_API qv_status qv__builder_append_string_slow(qv_builder *b, const char *s, int64_t len);

/* ---- typed appends (inline fast paths) ---- */
#define QV__BUILDER_APPEND(NAME, CTYPE, KIND)                                     \
  static inline qv_status qv_builder_append_##NAME(qv_builder *b, CTYPE v) {      \
    if (QV_LIKELY(b->fast_ == (KIND) && b->length_ < b->capacity_)) {             \
      ((CTYPE *)(void *)b->values_)[b->length_++] = v;                            \
      return QV_OK;                                                               \
    }                                                                             \
    return qv__builder_append_slow(b, (KIND), &v);                                \
  }
QV__BUILDER_APPEND(int8, int8_t, QV__FAST_I8)
QV__BUILDER_APPEND(int16, int16_t, QV__FAST_I16)
QV__BUILDER_APPEND(int32, int32_t, QV__FAST_I32)
QV__BUILDER_APPEND(int64, int64_t, QV__FAST_I64)
QV__BUILDER_APPEND(uint8, uint8_t, QV__FAST_U8)
QV__BUILDER_APPEND(uint16, uint16_t, QV__FAST_U16)
QV__BUILDER_APPEND(uint32, uint32_t, QV__FAST_U32)
QV__BUILDER_APPEND(uint64, uint64_t, QV__FAST_U64)
QV__BUILDER_APPEND(float16, uint16_t, QV__FAST_F16) /* raw IEEE half bits */
QV__BUILDER_APPEND(float32, float, QV__FAST_F32)
QV__BUILDER_APPEND(float64, double, QV__FAST_F64)
#undef QV__BUILDER_APPEND

static inline qv_status qv_builder_append_bool(qv_builder *b, bool v) {
  if (QV_LIKELY(b->fast_ == QV__FAST_BOOL && b->length_ < b->capacity_)) {
    b->values_[b->length_ >> 3] |= (uint8_t)((v ? 1u : 0u) << (b->length_ & 7));
    b->length_++;
    return QV_OK;
  }
  return qv__builder_append_slow(b, QV__FAST_BOOL, &v);
}

/* Copies n bytes without a libc call for short values (the common case of
 * string appends); overlapping fixed-size moves cover every length.
 * GCC's constant propagation clones this for a short literal source and then
 * warns about the 8-byte branch it cannot prove dead (-Warray-bounds,
 * -Wstringop-overread): the branch only runs when n >= 8, so callers
 * building with -Werror must not see those false reports. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
static inline void qv__copy_bytes(uint8_t *dst, const uint8_t *src, int64_t n) {
  if (n >= 8) {
    if (n > 16) {
      memcpy(dst, src, (size_t)n);
      return;
    }
    uint64_t a, z;
    memcpy(&a, src, 8);
    memcpy(&z, src + n - 8, 8);
    memcpy(dst, &a, 8);
    memcpy(dst + n - 8, &z, 8);
  } else if (n >= 4) {
    uint32_t a, z;
    memcpy(&a, src, 4);
    memcpy(&z, src + n - 4, 4);
    memcpy(dst, &a, 4);
    memcpy(dst + n - 4, &z, 4);
  } else if (n > 0) {
    dst[0] = src[0];
    dst[n >> 1] = src[n >> 1];
    dst[n - 1] = src[n - 1];
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* Appends `len` bytes (data may be NULL only when len is 0). For binary/string
 * builders QV_ERR_OVERFLOW when the data would pass INT32_MAX bytes; views
 * when len > INT32_MAX. */
static inline qv_status qv_builder_append_binary(qv_builder *b, const void *data, int64_t len) {
  if (b->fast_ == QV__FAST_BIN32) {
    if (QV_LIKELY(b->length_ < b->capacity_ &&
                  (uint64_t)len <= (uint64_t)(b->data_capacity_ - b->data_size_))) {
      if (len > 0) qv__copy_bytes(b->data_ + b->data_size_, (const uint8_t *)data, len); /* data_ may be NULL */
      b->data_size_ += len;
      ((int32_t *)(void *)b->values_)[++b->length_] = (int32_t)b->data_size_;
      return QV_OK;
    }
  } else if (b->fast_ == QV__FAST_VIEW) {
    if (QV_LIKELY(b->length_ < b->capacity_ && (uint64_t)len <= QV_VIEW_INLINE_MAX)) {
      qv_view *v = (qv_view *)(void *)b->values_ + b->length_++;
      v->inlined.size = (int32_t)len; /* the 12 data bytes are still zero */
      qv__copy_bytes(v->inlined.data, (const uint8_t *)data, len);
      return QV_OK;
    }
  } else if (b->fast_ == QV__FAST_BIN64) {
    if (QV_LIKELY(b->length_ < b->capacity_ &&
                  (uint64_t)len <= (uint64_t)(b->data_capacity_ - b->data_size_))) {
      if (len > 0) qv__copy_bytes(b->data_ + b->data_size_, (const uint8_t *)data, len); /* data_ may be NULL */
      b->data_size_ += len;
      ((int64_t *)(void *)b->values_)[++b->length_] = b->data_size_;
      return QV_OK;
    }
  }
  return qv__builder_append_binary_slow(b, data, len);
}

/* UTF-8 text (not validated here; qv_array_validate checks it). len -1 =
 * strlen(s). Only string, large_string and string_view builders (and
 * dictionaries of them). */
static inline qv_status qv_builder_append_string(qv_builder *b, const char *s, int64_t len) {
  if (len < 0) len = (int64_t)strlen(s);
  if (QV_LIKELY(b->utf8_)) return qv_builder_append_binary(b, s, len);
  return qv__builder_append_string_slow(b, s, len);
}

/* One value of a fixed-width layout: `bytes` holds the value's width
 * (fixed_size_binary: byte_width; decimal128: 16 little-endian bytes;
 * interval_day_time: {int32 days, int32 ms}; month_day_nano:
 * {int32, int32, int64}). */
QV_API qv_status qv_builder_append_fixed(qv_builder *b, const void *bytes);

/* Decimal from an int64 unscaled value (sign-extended to the width).
 * QV_ERR_OVERFLOW if it does not fit decimal32, QV_ERR_OUT_OF_RANGE if it
 * has more digits than the type's precision. */
QV_API qv_status qv_builder_append_decimal_i64(qv_builder *b, int64_t unscaled);

/* A null slot (see the layout notes at the top for what nested types do). */
QV_API qv_status qv_builder_append_null(qv_builder *b);
QV_API qv_status qv_builder_append_nulls(qv_builder *b, int64_t n);
/* A valid default value: 0, false, empty bytes, an empty list, a struct of
 * empty values, a union slot of child 0's empty value; null for null type. */
QV_API qv_status qv_builder_append_empty(qv_builder *b);

/* ---- bulk appends ---- */

/* n values of a fixed-width builder from `values` (n * width bytes; bool: a
 * bitmap of n bits starting at bit 0). `validity` NULL = all valid, else a
 * bitmap with bit 0 = first value; slots under nulls are stored as zero. */
QV_API qv_status qv_builder_append_values(qv_builder *b, const void *values, int64_t n,
                                          const uint8_t *validity, qv_error *err);

/* n binary values of any binary-like builder from an Arrow-layout source:
 * value i is data[offsets[i], offsets[i+1]) (offsets need not start at 0).
 * `validity` as above (null slots ignore their range). */
QV_API qv_status qv_builder_append_binaries(qv_builder *b, const int32_t *offsets, const void *data,
                                            int64_t n, const uint8_t *validity, qv_error *err);
QV_API qv_status qv_builder_append_large_binaries(qv_builder *b, const int64_t *offsets,
                                                  const void *data, int64_t n,
                                                  const uint8_t *validity, qv_error *err);

/* ---- nested ---- */

/* Closes the current slot of a list, large_list, list_view, large_list_view,
 * map, fixed_size_list or struct builder from what was appended to its
 * children since the previous slot. QV_ERR_INVALID_ARGUMENT when a
 * fixed_size_list child did not grow by exactly list_size or struct children
 * differ in length; QV_ERR_OVERFLOW when int32 offsets/sizes would pass
 * INT32_MAX; QV_ERR_TYPE for other builders. */
QV_API qv_status qv_builder_finish_element(qv_builder *b);

/* Closes the current slot of a union whose value was appended to the child
 * of `type_code`. Sparse unions: that child must have grown by one and the
 * others not at all (they then get an empty value); dense: that child must
 * have grown by one. */
QV_API qv_status qv_builder_finish_union_element(qv_builder *b, int8_t type_code);

/* Dictionary: appends the index of the value `bytes[0, len)` (len -1 =
 * strlen for binary-like values; fixed-width values must pass their width or
 * -1), adding it to the dictionary if new. QV_ERR_OVERFLOW when a new value
 * would need an index the index type cannot hold. */
QV_API qv_status qv_builder_append_dictionary_value(qv_builder *b, const void *bytes, int64_t len);
/* Distinct values in the dictionary so far. */
QV_API int64_t qv_builder_dictionary_size(const qv_builder *b);

/* Run-end encoded: closes a run of `run_length` (>= 1) logical slots whose
 * value was just appended (exactly one value) to qv_builder_child(b, 1).
 * QV_ERR_OVERFLOW when the run end does not fit the run_ends type. Nulls:
 * qv_builder_append_null(s) appends a null run (merged with a preceding null
 * run). */
QV_API qv_status qv_builder_append_run(qv_builder *b, int64_t run_length);

#ifdef __cplusplus
}
#endif
#endif
