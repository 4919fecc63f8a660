/* quiver Parquet: a Thrift compact-protocol encoder and the growable byte
 * buffer every part of the writer appends to. Internal header; the design
 * is described in thrift_write.c. */
#ifndef QV_PARQUET_THRIFT_WRITE_H
#define QV_PARQUET_THRIFT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/status.h"

/* A growable byte buffer. After an allocation failure `oom` is set and every
 * later append is ignored, so a sequence of appends is checked once at the
 * end (qv__pq_buf_status). */
typedef struct qv__pq_buf {
  uint8_t *data; /* len bytes written, cap allocated; NULL while empty */
  size_t len;
  size_t cap;
  bool oom;
} qv__pq_buf;

void qv__pq_buf_free(qv__pq_buf *b);
/* Makes room for n more bytes; false (and oom set) when memory runs out. */
bool qv__pq_buf_reserve(qv__pq_buf *b, size_t n);
void qv__pq_buf_append(qv__pq_buf *b, const void *src, size_t n);
void qv__pq_buf_byte(qv__pq_buf *b, uint8_t v);
void qv__pq_buf_u32le(qv__pq_buf *b, uint32_t v);
/* QV_OK, or QV_ERR_NO_MEMORY naming `what` when an append failed. */
qv_status qv__pq_buf_status(const qv__pq_buf *b, const char *what, qv_error *err);

/* Deepest struct nesting the encoder accepts (Parquet's metadata needs 6). */
#define QV__TW_MAX_DEPTH 16

/* A compact-protocol writer over a qv__pq_buf. Field ids of one struct
 * must be written in increasing order (the short form stores deltas).
 * Misuse (a struct end without a begin, nesting past QV__TW_MAX_DEPTH)
 * is recorded in `bad` and reported by qv__tw_finish. */
typedef struct qv__tw {
  qv__pq_buf *out;
  int16_t last_id[QV__TW_MAX_DEPTH]; /* last field id written, per open struct */
  int depth;                         /* open structs: 0 at top level */
  bool bad;
} qv__tw;

void qv__tw_init(qv__tw *w, qv__pq_buf *out);
/* Field headers followed by their value. */
void qv__tw_i32(qv__tw *w, int16_t id, int32_t v);
void qv__tw_i64(qv__tw *w, int16_t id, int64_t v);
void qv__tw_i8(qv__tw *w, int16_t id, int8_t v);
void qv__tw_bool(qv__tw *w, int16_t id, bool v);
void qv__tw_binary(qv__tw *w, int16_t id, const void *data, size_t n);
void qv__tw_string(qv__tw *w, int16_t id, const char *s); /* NUL-terminated */
/* A struct-valued field: its fields follow, then qv__tw_struct_end. */
void qv__tw_struct_begin(qv__tw *w, int16_t id);
/* Ends the innermost open struct (writes its STOP). */
void qv__tw_struct_end(qv__tw *w);
/* A list field header: `n` elements of compact type `elem` follow. */
void qv__tw_list_begin(qv__tw *w, int16_t id, uint8_t elem, uint32_t n);
/* List elements (no field header). */
void qv__tw_elem_i32(qv__tw *w, int32_t v);
void qv__tw_elem_string(qv__tw *w, const char *s);
void qv__tw_elem_i64(qv__tw *w, int64_t v);
void qv__tw_elem_bool(qv__tw *w, bool v);
void qv__tw_elem_binary(qv__tw *w, const void *data, size_t n);
/* A struct element of a list: its fields follow, then qv__tw_struct_end. */
void qv__tw_elem_struct_begin(qv__tw *w);
/* The outermost struct's STOP (call once the top-level struct's fields are
 * written): QV_OK, QV_ERR_NO_MEMORY, or QV_ERR_INVALID_ARGUMENT on misuse. */
qv_status qv__tw_finish(qv__tw *w, qv_error *err);

/* Unsigned LEB128 varint and zigzag, exposed for tests and page encoders. */
void qv__tw_varint(qv__pq_buf *b, uint64_t v);
static inline uint64_t qv__tw_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63)); }

#endif
