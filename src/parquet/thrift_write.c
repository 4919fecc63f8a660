/* quiver Parquet: the Thrift compact-protocol encoder the writer uses for
 * FileMetaData and PageHeader.
 *
 * Why written here: Debian's Thrift runtime for C is GLib-based (GObject
 * classes, a GLib main dependency), heavy for a library that wants no
 * runtime beyond libc and the codecs, and unbounded (its decoder trusts
 * the lengths it reads). Parquet uses a small, stable subset of the
 * protocol (integers, booleans, binary, lists, nested structs), so a
 * hand-written encoder is a few hundred lines, like the FlatBuffers codec
 * of the IPC module. The reader's decoder lives in its own file.
 *
 * Encoding rules kept here (the compact protocol): a field header is one
 * byte (id delta << 4 | type) when the id grows by 1..15 since the last
 * field of the same struct, else the type byte and the zigzag varint id;
 * booleans live in the header's type (1 true, 2 false); i16/i32/i64 are
 * zigzag varints, i8 one byte; binary is a varint length and the bytes;
 * a list header is (size << 4 | element type) below 15 elements, else
 * 0xF0 | type and a varint size; a struct ends with a STOP byte, and
 * starts a fresh "last id" of 0.
 *
 * Invariant: `depth` counts open structs; last_id[depth] is the id of the
 * last field written in the innermost one. Misuse is recorded, never
 * asserted: the writer reports it at qv__tw_finish.
 */
#include "parquet/thrift_write.h"

#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "parquet/format.h"

void qv__pq_buf_free(qv__pq_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->oom = false;
}

bool qv__pq_buf_reserve(qv__pq_buf *b, size_t n) {
  if (b->oom) return false;
  if (n <= b->cap - b->len) return true;
  size_t need = b->len + n;
  if (need < b->len) {
    b->oom = true;
    return false;
  }
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  uint8_t *p = realloc(b->data, cap);
  if (p == NULL) {
    b->oom = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void qv__pq_buf_append(qv__pq_buf *b, const void *src, size_t n) {
  if (n == 0 || !qv__pq_buf_reserve(b, n)) return;
  memcpy(b->data + b->len, src, n);
  b->len += n;
}

void qv__pq_buf_byte(qv__pq_buf *b, uint8_t v) {
  if (!qv__pq_buf_reserve(b, 1)) return;
  b->data[b->len++] = v;
}

void qv__pq_buf_u32le(qv__pq_buf *b, uint32_t v) {
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  qv__pq_buf_append(b, le, 4);
}

qv_status qv__pq_buf_status(const qv__pq_buf *b, const char *what, qv_error *err) {
  if (b->oom) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory while encoding %s", what);
  return QV_OK;
}

void qv__tw_varint(qv__pq_buf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = (uint8_t)v;
  qv__pq_buf_append(b, tmp, n);
}

void qv__tw_init(qv__tw *w, qv__pq_buf *out) {
  memset(w, 0, sizeof *w);
  w->out = out;
}

static void field_header(qv__tw *w, int16_t id, uint8_t ctype) {
  int16_t last = w->last_id[w->depth];
  if (id > last && id - last <= 15) {
    qv__pq_buf_byte(w->out, (uint8_t)(((id - last) << 4) | ctype));
  } else {
    qv__pq_buf_byte(w->out, ctype);
    qv__tw_varint(w->out, qv__tw_zigzag(id));
  }
  w->last_id[w->depth] = id;
}

void qv__tw_i32(qv__tw *w, int16_t id, int32_t v) {
  field_header(w, id, QV__TC_I32);
  qv__tw_varint(w->out, qv__tw_zigzag(v));
}

void qv__tw_i64(qv__tw *w, int16_t id, int64_t v) {
  field_header(w, id, QV__TC_I64);
  qv__tw_varint(w->out, qv__tw_zigzag(v));
}

void qv__tw_i8(qv__tw *w, int16_t id, int8_t v) {
  field_header(w, id, QV__TC_I8);
  qv__pq_buf_byte(w->out, (uint8_t)v);
}

void qv__tw_bool(qv__tw *w, int16_t id, bool v) { field_header(w, id, v ? QV__TC_BOOL_TRUE : QV__TC_BOOL_FALSE); }

void qv__tw_binary(qv__tw *w, int16_t id, const void *data, size_t n) {
  field_header(w, id, QV__TC_BINARY);
  qv__tw_varint(w->out, n);
  qv__pq_buf_append(w->out, data, n);
}

void qv__tw_string(qv__tw *w, int16_t id, const char *s) { qv__tw_binary(w, id, s, strlen(s)); }

static void push(qv__tw *w) {
  if (w->depth + 1 >= QV__TW_MAX_DEPTH) {
    w->bad = true;
    return;
  }
  w->depth++;
  w->last_id[w->depth] = 0;
}

void qv__tw_struct_begin(qv__tw *w, int16_t id) {
  field_header(w, id, QV__TC_STRUCT);
  push(w);
}

void qv__tw_elem_struct_begin(qv__tw *w) { push(w); }

void qv__tw_struct_end(qv__tw *w) {
  if (w->depth == 0) {
    w->bad = true;
    return;
  }
  qv__pq_buf_byte(w->out, QV__TC_STOP);
  w->depth--;
}

void qv__tw_list_begin(qv__tw *w, int16_t id, uint8_t elem, uint32_t n) {
  field_header(w, id, QV__TC_LIST);
  if (n < 15) {
    qv__pq_buf_byte(w->out, (uint8_t)((n << 4) | elem));
  } else {
    qv__pq_buf_byte(w->out, (uint8_t)(0xF0 | elem));
    qv__tw_varint(w->out, n);
  }
}

void qv__tw_elem_i32(qv__tw *w, int32_t v) { qv__tw_varint(w->out, qv__tw_zigzag(v)); }

void qv__tw_elem_i64(qv__tw *w, int64_t v) { qv__tw_varint(w->out, qv__tw_zigzag(v)); }

/* A boolean list element is a whole byte: 1 true, 2 false (as a field
 * header's type would say). */
void qv__tw_elem_bool(qv__tw *w, bool v) { qv__pq_buf_byte(w->out, v ? QV__TC_BOOL_TRUE : QV__TC_BOOL_FALSE); }

void qv__tw_elem_binary(qv__tw *w, const void *data, size_t n) {
  qv__tw_varint(w->out, n);
  qv__pq_buf_append(w->out, data, n);
}

void qv__tw_elem_string(qv__tw *w, const char *s) {
  size_t n = strlen(s);
  qv__tw_varint(w->out, n);
  qv__pq_buf_append(w->out, s, n);
}

qv_status qv__tw_finish(qv__tw *w, qv_error *err) {
  if (w->bad || w->depth != 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "thrift encoder misuse: %d struct(s) left open or nesting too deep",
                        w->depth);
  qv__pq_buf_byte(w->out, QV__TC_STOP);
  return qv__pq_buf_status(w->out, "Parquet metadata", err);
}
