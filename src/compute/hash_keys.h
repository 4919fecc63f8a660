/* Internal to src/compute: one key column as the hash kernels see it (its
 * slots as byte strings to hash and compare), and the hash functions.
 *
 * A key column reads a value through one of a few access paths chosen once
 * from the layout table: fixed-width values (numbers, temporal, decimals,
 * fixed_size_binary, intervals), bits (bool), 32- or 64-bit offsets into a
 * data buffer (binary, string and their large forms), views, or the null
 * type. Float keys compare by their bits (0.0 and -0.0 are two keys, as in
 * pyarrow) except that every NaN is one key.
 *
 * Offsets are checked as they are read (start <= end <= data size), views
 * through the checked accessor; a slot that points outside gives -1 from
 * qv__key_get, which the callers turn into an error naming the row.
 */
#ifndef QUIVER_SRC_COMPUTE_HASH_KEYS_H
#define QUIVER_SRC_COMPUTE_HASH_KEYS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/checked_access.h"
#include "core/unaligned.h"
#include "quiver/array.h"
#include "quiver/bitmap.h"
#include "quiver/status.h"

typedef enum qv__key_access {
  QV__KEY_NULL_TYPE = 0, /* every slot null */
  QV__KEY_FIXED,         /* `width` bytes per slot */
  QV__KEY_FLOAT32,       /* fixed, 4 bytes, NaN canonicalised */
  QV__KEY_FLOAT64,       /* fixed, 8 bytes, NaN canonicalised */
  QV__KEY_BITS,          /* bool */
  QV__KEY_OFFSETS32,     /* binary, string */
  QV__KEY_OFFSETS64,     /* large_binary, large_string */
  QV__KEY_VIEWS          /* binary_view, string_view */
} qv__key_access;

typedef struct qv__key_column {
  const qv_array *array;    /* borrowed */
  qv__key_access access;
  qv_type_id storage_id;    /* for the "same kind of key" check between two columns */
  int32_t width;            /* QV__KEY_FIXED/FLOAT*: bytes per slot */
  const uint8_t *validity;  /* NULL: no bitmap */
  const uint8_t *values;    /* fixed: slot 0 of the window; bits: the bit buffer (use offset) */
  const uint8_t *data;      /* offsets: the data buffer */
  int64_t data_size;
  int64_t offset;           /* the array's offset */
} qv__key_column;

/* Fills *col for `array`; QV_ERR_TYPE naming `fn` and the type when the
 * type is not hashable here (nested, unions, dictionaries, run-end
 * encoded, float16). */
qv_status qv__key_column_init(const qv_array *array, const char *fn, qv__key_column *col, qv_error *err);

/* Whether slots of a and b can be compared as keys (the same storage and
 * width). */
bool qv__key_columns_compatible(const qv__key_column *a, const qv__key_column *b);

/* Slot i (0 <= i < length) as bytes: 1 and *p, *len when valid, 0 when
 * null, -1 when its offsets or view point outside the data. `scratch`
 * backs the bytes of bits and canonical NaNs. */
static inline int qv__key_get(const qv__key_column *c, int64_t i, const uint8_t **p, int64_t *len,
                              uint64_t *scratch) {
  if (c->access == QV__KEY_NULL_TYPE) return 0;
  if (c->validity != NULL && !qv_bit_get(c->validity, c->offset + i)) return 0;
  switch (c->access) { /* access path, chosen once per column; the callers' loops are per column too */
    case QV__KEY_FIXED:
      *p = c->values + i * c->width;
      *len = c->width;
      return 1;
    case QV__KEY_FLOAT32: {
      float f;
      memcpy(&f, c->values + i * 4, 4);
      *p = c->values + i * 4;
      *len = 4;
      if (f != f) {
        *scratch = 0x7fc00000u;
        *p = (const uint8_t *)scratch;
      }
      return 1;
    }
    case QV__KEY_FLOAT64: {
      double f;
      memcpy(&f, c->values + i * 8, 8);
      *p = c->values + i * 8;
      *len = 8;
      if (f != f) {
        *scratch = 0x7ff8000000000000ull;
        *p = (const uint8_t *)scratch;
      }
      return 1;
    }
    case QV__KEY_BITS:
      *scratch = qv_bit_get(c->values, c->offset + i) ? 1 : 0;
      *p = (const uint8_t *)scratch;
      *len = 1;
      return 1;
    case QV__KEY_OFFSETS32: {
      int32_t o[2];
      memcpy(o, c->values + i * 4, 8);
      if (o[0] < 0 || o[1] < o[0] || o[1] > c->data_size) return -1;
      *p = c->data + o[0];
      *len = o[1] - o[0];
      return 1;
    }
    case QV__KEY_OFFSETS64: {
      int64_t o[2];
      memcpy(o, c->values + i * 8, 16);
      if (o[0] < 0 || o[1] < o[0] || o[1] > c->data_size) return -1;
      *p = c->data + o[0];
      *len = o[1] - o[0];
      return 1;
    }
    case QV__KEY_VIEWS:
      return qv__view_slot(c->array, i, p, len) ? 1 : -1;
    default:
      return 0;
  }
}

/* Whether rows [begin, end) of the column are all valid: no bitmap, or
 * one whose bits there are all set (producers such as take often attach
 * an all-valid bitmap; the loops without per-row null tests then apply). */
static inline bool qv__key_rows_valid(const qv__key_column *c, int64_t begin, int64_t end) {
  if (c->access == QV__KEY_NULL_TYPE) return false;
  return c->validity == NULL || qv_bitmap_count_set(c->validity, c->offset + begin, end - begin) == end - begin;
}

/* Mixing: a 64-bit finaliser (xor-shift, multiply, twice). */
static inline uint64_t qv__hash_mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 32;
  return x;
}


/* Hash of n bytes. Short keys (the common case) are read as two
 * overlapping words, never byte by byte: a byte loop feeding a word load
 * stalls on store forwarding and mispredicts on every new length. */
static inline uint64_t qv__hash_bytes(const uint8_t *p, int64_t n, uint64_t seed) {
  uint64_t h = seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15ull), a = 0, b = 0;
  if (n > 16) {
    const uint8_t *last = p + n - 16;
    for (; p < last; p += 16) {
      h = (h ^ qv__load_uint(p, 8, 0)) * 0xbf58476d1ce4e5b9ull;
      h ^= h >> 29;
      h = (h ^ qv__load_uint(p + 8, 8, 0)) * 0x94d049bb133111ebull;
      h ^= h >> 31;
    }
    a = qv__load_uint(last, 8, 0);
    b = qv__load_uint(last + 8, 8, 0);
  } else if (n >= 8) {
    a = qv__load_uint(p, 8, 0);
    b = qv__load_uint(p + n - 8, 8, 0);
  } else if (n >= 4) {
    a = qv__load_uint(p, 4, 0);
    b = qv__load_uint(p + n - 4, 4, 0);
  } else if (n > 0) {
    a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
  }
  h = (h ^ a) * 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  h = (h ^ b) * 0x94d049bb133111ebull;
  return qv__hash_mix(h);
}

/* Whether n bytes at p and q are equal; short keys without a call. */
static inline bool qv__bytes_equal(const uint8_t *p, const uint8_t *q, int64_t n) {
  if (n >= 8 && n <= 16) return qv__load_uint(p, 8, 0) == qv__load_uint(q, 8, 0) &&
           qv__load_uint(p + n - 8, 8, 0) == qv__load_uint(q + n - 8, 8, 0);
  if (n >= 4 && n < 8) return qv__load_uint(p, 4, 0) == qv__load_uint(q, 4, 0) &&
           qv__load_uint(p + n - 4, 4, 0) == qv__load_uint(q + n - 4, 4, 0);
  return n <= 0 || memcmp(p, q, (size_t)n) == 0;
}

#endif
