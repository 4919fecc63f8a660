/* Parquet: a bounded reader for the Thrift compact protocol (internal).
 *
 * Parquet's footer and page headers are Thrift structs in the compact
 * protocol. Debian's Thrift runtime for C is GLib-based, heavy, and puts no
 * bound on what a hostile file may ask of it (list sizes, string lengths,
 * nesting), so quiver reads the protocol itself: this file holds the wire
 * primitives, the per-struct decoders live in metadata_decode.c and
 * page_header.c.
 *
 * Invariants: the cursor never moves past `end`; every length read from the
 * input is checked against the bytes that remain before anything is
 * allocated or skipped; nesting is capped at max_depth; a list may not
 * announce more elements than max_list nor more than the bytes left (every
 * element takes at least one byte). Unknown fields are skipped, as the
 * protocol requires, under the same bounds. The first error sticks: later
 * calls fail fast with the same status, so decoders may check once per
 * field. */
#ifndef QV_PARQUET_THRIFT_READ_H
#define QV_PARQUET_THRIFT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/status.h"

#define QV__THRIFT_DEFAULT_MAX_DEPTH 64
#define QV__THRIFT_DEFAULT_MAX_LIST ((int64_t)1 << 24)

typedef struct qv__thrift_reader {
  const uint8_t *start; /* first byte (offsets in messages count from here) */
  const uint8_t *p;     /* cursor */
  const uint8_t *end;   /* one past the last byte */
  int32_t depth;        /* structs/lists currently open */
  int32_t max_depth;    /* most structs/lists open at once */
  int64_t max_list;     /* most elements one list may announce */
  const char *what;     /* "file metadata", "page header": named in errors */
  qv_status status;     /* first error, sticky */
  qv_error *err;
} qv__thrift_reader;

/* Starts reading [data, data + size). */
void qv__thrift_reader_init(qv__thrift_reader *r, const uint8_t *data, size_t size, const char *what,
                            qv_error *err);

/* Fails the reader with a message naming `what` and the byte offset. */
qv_status qv__thrift_fail(qv__thrift_reader *r, qv_status code, const char *why);

/* A field header inside a struct. *type is QV__TC_STOP at the struct's end.
 * *last_id carries the previous field id (start at 0) for the delta form.
 * For bools, *type is QV__TC_BOOL_TRUE/FALSE and the value is the type. */
qv_status qv__thrift_field(qv__thrift_reader *r, int16_t *last_id, int16_t *id, uint8_t *type);

/* Struct nesting (depth accounting only: the compact protocol has no struct
 * header). */
qv_status qv__thrift_struct_begin(qv__thrift_reader *r);
void qv__thrift_struct_end(qv__thrift_reader *r);

/* A list (or set) header: element type and count (bounded as above). The
 * caller reads `count` elements then calls qv__thrift_struct_end. */
qv_status qv__thrift_list_begin(qv__thrift_reader *r, uint8_t *elem_type, int64_t *count);

qv_status qv__thrift_varint(qv__thrift_reader *r, uint64_t *out);
qv_status qv__thrift_i64(qv__thrift_reader *r, int64_t *out); /* zigzag varint */
qv_status qv__thrift_i32(qv__thrift_reader *r, int32_t *out); /* zigzag varint, range-checked */
/* Reads an integer field of compact type i8, i16, i32 into *out (range-checked). */
qv_status qv__thrift_int_field(qv__thrift_reader *r, uint8_t type, int32_t *out);
/* binary/string: a pointer into the input and its length (not copied). */
qv_status qv__thrift_binary(qv__thrift_reader *r, const uint8_t **data, int32_t *len);
/* A bool element of a list (one byte). */
qv_status qv__thrift_list_bool(qv__thrift_reader *r, bool *out);

/* Skips one value of compact type `type` (recursively, bounded). */
qv_status qv__thrift_skip(qv__thrift_reader *r, uint8_t type);

/* Bytes consumed so far. */
static inline size_t qv__thrift_consumed(const qv__thrift_reader *r) { return (size_t)(r->p - r->start); }

#endif
