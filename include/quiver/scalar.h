/* quiver: one value of any array, as a tagged scalar.
 *
 * qv_array_get_scalar reads slot i of an array of any type and returns it
 * with a kind telling which member of the value union holds it. It is the
 * slow, general way in (one call per value, a type dispatch each time); the
 * typed accessors of array.h are the fast way for code that knows the type.
 *
 * Unlike the unchecked accessors, this one is safe on any array that passed
 * structural validation: the row is bounds-checked (QV_ERR_OUT_OF_RANGE)
 * and every offset, view, union code, dictionary index and run end on the
 * way is checked against what it points into (QV_ERR_INVALID_DATA naming
 * the row). Dictionary, run-end encoded and union slots resolve to the
 * value they stand for; extension types read their storage (`type` is the
 * extension type itself). A run-end encoded slot costs O(runs), since every
 * run end is checked to be increasing before the binary search is trusted.
 *
 * Example:
 *   qv_scalar v;
 *   if (qv_array_get_scalar(col, 3, &v, &err) == QV_OK && v.kind == QV_SCALAR_BYTES)
 *     printf("%.*s\n", (int)v.value.bytes.size, (const char *)v.value.bytes.data);
 */
#ifndef QUIVER_SCALAR_H
#define QUIVER_SCALAR_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qv_scalar_kind {
  QV_SCALAR_NULL = 0,       /* the slot is null (no member is set) */
  QV_SCALAR_BOOL,           /* value.b */
  QV_SCALAR_INT,            /* value.i: int8..int64, date32/64, time32/64, timestamp, duration, interval_months */
  QV_SCALAR_UINT,           /* value.u: uint8..uint64 */
  QV_SCALAR_FLOAT,          /* value.f: float16 (exactly), float32, float64 */
  QV_SCALAR_DECIMAL,        /* value.decimal: little-endian two's complement words, sign-extended to 256 bits */
  QV_SCALAR_BYTES,          /* value.bytes: binary, string (every layout), fixed_size_binary; borrowed */
  QV_SCALAR_DAY_TIME,       /* value.day_time */
  QV_SCALAR_MONTH_DAY_NANO, /* value.month_day_nano */
  QV_SCALAR_LIST,           /* value.list: rows [start, start + length) of `child` (every list-like and map) */
  QV_SCALAR_STRUCT          /* value.row: row `index` of struct array `array` (read its children there) */
} qv_scalar_kind;

typedef struct qv_scalar {
  qv_scalar_kind kind;
  /* The logical type of the value (a dictionary's value type, a union's
   * selected child type, a run-end encoded array's value type). Borrowed. */
  const qv_type *type;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double f;
    uint64_t decimal[4];
    struct {
      const uint8_t *data; /* borrowed from the array's buffers; not NUL-terminated */
      int64_t size;
    } bytes;
    struct {
      int32_t days, milliseconds;
    } day_time;
    struct {
      int32_t months, days;
      int64_t nanoseconds;
    } month_day_nano;
    struct {
      const qv_array *child; /* borrowed */
      int64_t start, length;
    } list;
    struct {
      const qv_array *array; /* borrowed: the struct array (after resolving encodings) */
      int64_t index;         /* the row of `array`; child k's value is its row `index` */
    } row;
  } value;
} qv_scalar;

/* Slot i of `array` (0 <= i < length). Pointers in *out borrow from the
 * array, which must outlive their use. */
QV_API qv_status qv_array_get_scalar(const qv_array *array, int64_t i, qv_scalar *out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
