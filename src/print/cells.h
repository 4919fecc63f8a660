/* quiver print: one column of a batch as the row-at-a-time text writers
 * (CSV, JSON Lines) read it.
 *
 * Both writers pick each column's formatter once per batch (a small kind),
 * reserve room for a row's fixed-width cells once, and then write numbers,
 * booleans, dates and timestamps with print/'s char-buffer formatters and no
 * capacity check of their own. What differs between the formats (quoting,
 * escaping, how a null or a non-finite float is spelled, quotes around
 * temporal text) stays in each writer; the column binding, the checked
 * string slot and the fixed-width cell text live here once.
 *
 * Safety: qv__cell_put_scalar reads fixed-width slots without bounds
 * checks, so callers validate every batch structurally first; string slots
 * go through qv__cell_string_slot, which checks the offsets (in order,
 * inside the data) as qv__binary_slot does.
 */
#ifndef QUIVER_PRINT_CELLS_H
#define QUIVER_PRINT_CELLS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/internal.h"
#include "print/digits.h"
#include "print/internal.h"
#include "quiver/array.h"

/* How one column's cells are formatted, chosen once per batch from the
 * column's logical type so that the row loop does no type dispatch beyond
 * one switch on `kind`. */
typedef enum qv__cell_kind {
  QV__CELL_NONE, /* the null type: every cell is null */
  QV__CELL_BOOL,
  QV__CELL_I8,
  QV__CELL_I16,
  QV__CELL_I32,
  QV__CELL_I64, /* also durations: their count of units */
  QV__CELL_U8,
  QV__CELL_U16,
  QV__CELL_U32,
  QV__CELL_U64,
  QV__CELL_F32,
  QV__CELL_F64,
  QV__CELL_DATE32,
  QV__CELL_TIMESTAMP,
  QV__CELL_STRING,       /* 32-bit offsets */
  QV__CELL_LARGE_STRING, /* 64-bit offsets */
  QV__CELL_VIEW,         /* string views, or strings without offsets: the checked accessor */
  QV__CELL_OTHER         /* everything else: the writer's general value formatter */
} qv__cell_kind;

/* One column of the batch being formatted. Each thread keeps its own (the
 * day cache changes as rows are written). */
typedef struct qv__cell_column {
  qv__cell_kind kind;
  const qv_array *array;
  const char *name;        /* for messages (borrowed from the schema) */
  const uint8_t *validity; /* NULL: every slot valid */
  int64_t offset;          /* the array's slot offset */
  const uint8_t *values;   /* buffer 1: values or offsets */
  const uint8_t *data;     /* strings: the character data ("" when absent) */
  int64_t data_size;       /* bytes at data */
  qv_time_unit unit;       /* timestamps */
  bool zoned;              /* timestamps: print the "Z" of a UTC instant */
  qv__print_day_cache day; /* timestamps */
} qv__cell_column;

/* Fills *col for array a (name borrowed, for messages). */
void qv__cell_column_bind(qv__cell_column *col, const qv_array *a, const char *name);

/* The most text qv__cell_put_scalar writes for kind k; 0 for the kinds it
 * does not write (none, strings, views, other). */
size_t qv__cell_fixed_room(qv__cell_kind k);

/* Room for n more bytes (and a NUL) at the end of sb. */
static inline bool qv__cell_room(qv_strbuf *sb, size_t n) {
  if (sb->oom) return false; /* after a failed append len may pass cap */
  return (sb->len < sb->cap && sb->cap - sb->len > n) || qv__strbuf_reserve(sb, n);
}

/* The bytes of string slot j (array offset included) of a STRING or
 * LARGE_STRING column; false when the offsets are out of order or point
 * outside the data. */
static inline bool qv__cell_string_slot(const qv__cell_column *col, int64_t j, const uint8_t **s, int64_t *n) {
  int64_t start, end;
  if (col->kind == QV__CELL_LARGE_STRING) {
    memcpy(&start, col->values + j * 8, 8);
    memcpy(&end, col->values + j * 8 + 8, 8);
  } else {
    int32_t s32, e32;
    memcpy(&s32, col->values + j * 4, 4);
    memcpy(&e32, col->values + j * 4 + 4, 4);
    start = s32;
    end = e32;
  }
  if (start < 0 || end < start || end > col->data_size) return false;
  *s = col->data + start;
  *n = end - start;
  return true;
}

/* Writes the text of slot j (array offset included) of a column of kind
 * BOOL .. TIMESTAMP at p, which has qv__cell_fixed_room(kind) bytes of room;
 * returns the end. Floats are spelled as print/ spells them (nan, inf). */
static inline char *qv__cell_put_scalar(qv__cell_column *col, int64_t j, char *p) {
  const uint8_t *v = col->values;
  switch (col->kind) {
    case QV__CELL_BOOL: {
      const bool b = qv_bit_get(v, j);
      memcpy(p, b ? "true" : "false", b ? 4 : 5);
      return p + (b ? 4 : 5);
    }
    case QV__CELL_I8: return p + qv__print_i64_text((int8_t)v[j], p);
    case QV__CELL_I16: {
      int16_t x;
      memcpy(&x, v + j * 2, 2);
      return p + qv__print_i64_text(x, p);
    }
    case QV__CELL_I32: {
      int32_t x;
      memcpy(&x, v + j * 4, 4);
      return p + qv__print_i64_text(x, p);
    }
    case QV__CELL_I64: {
      int64_t x;
      memcpy(&x, v + j * 8, 8);
      return p + qv__print_i64_text(x, p);
    }
    case QV__CELL_U8: return p + qv__print_u64_text(v[j], p);
    case QV__CELL_U16: {
      uint16_t x;
      memcpy(&x, v + j * 2, 2);
      return p + qv__print_u64_text(x, p);
    }
    case QV__CELL_U32: {
      uint32_t x;
      memcpy(&x, v + j * 4, 4);
      return p + qv__print_u64_text(x, p);
    }
    case QV__CELL_U64: {
      uint64_t x;
      memcpy(&x, v + j * 8, 8);
      return p + qv__print_u64_text(x, p);
    }
    case QV__CELL_F32: {
      float x;
      memcpy(&x, v + j * 4, 4);
      return p + qv__print_float_text(x, 32, p);
    }
    case QV__CELL_F64: {
      double x;
      memcpy(&x, v + j * 8, 8);
      return p + qv__print_float_text(x, 64, p);
    }
    case QV__CELL_DATE32: {
      int32_t x;
      memcpy(&x, v + j * 4, 4);
      return p + qv__print_date_text(x, p);
    }
    case QV__CELL_TIMESTAMP: {
      int64_t x;
      memcpy(&x, v + j * 8, 8);
      return p + qv__print_timestamp_text(x, col->unit, col->zoned, &col->day, p);
    }
    default: return p; /* not a fixed-width kind: the writer handles it */
  }
}

#endif
