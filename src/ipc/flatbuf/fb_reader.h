/* quiver: read access to a verified FlatBuffer (Arrow IPC metadata).
 *
 * Quiver reads Arrow's Message/Footer flatbuffers without a FlatBuffers
 * runtime: none is packaged for C here and generated code may not be copied,
 * and the format is small enough to handle by hand (fb_verify.c checks it,
 * fb_builder.c writes it).
 *
 * Invariant: these accessors do NOT check the buffer. Call them only on a
 * table obtained from a successful qv__fb_verify() (or qv__fb_verify_message /
 * qv__fb_verify_footer), and read each slot with the kind its descriptor in
 * fb_arrow.c declares (FB_* constants in fb_arrow.h name the slots). The
 * verifier has then proved that every offset, vtable, string and vector
 * reached that way is in bounds, aligned and NUL-terminated. As a cheap
 * second line of defence, scalar getters also refuse to read past the
 * table's inline size and return the default instead.
 *
 * Everything is little-endian and loaded with memcpy (fb_endian.h). A table
 * or vector value is a small struct of plain positions into the caller's
 * buffer; nothing here allocates, and views stay valid as long as the bytes.
 */
#ifndef QV_IPC_FLATBUF_FB_READER_H
#define QV_IPC_FLATBUF_FB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/flatbuf/fb_endian.h"

/* FlatBuffers' size limit: offsets are 32-bit and must stay below 2^31. */
#define QV_FB_MAX_BUFFER_SIZE 0x7fffffffu

/* A table inside a verified buffer. `buf == NULL` means "absent". */
typedef struct qv_fb_table {
  const uint8_t *buf; /* start of the whole flatbuffer (borrowed) */
  uint32_t pos;       /* byte offset of the table (where its soffset_t sits) */
  uint32_t vt;        /* byte offset of its vtable */
  uint16_t vt_size;   /* vtable size in bytes (>= 4, even) */
  uint16_t size;      /* inline size of the table in bytes (>= 4) */
} qv_fb_table;

/* A vector inside a verified buffer: `len` elements starting at `pos`.
 * An absent vector reads as empty (buf == NULL, len == 0). */
typedef struct qv_fb_vector {
  const uint8_t *buf; /* start of the whole flatbuffer (borrowed) */
  uint32_t pos;       /* byte offset of element 0 (just past the length) */
  uint32_t len;       /* number of elements */
} qv_fb_vector;

/* Byte offset of slot `slot`'s value inside the table, 0 when absent.
 * FlatBuffers slot i lives at vtable offset 4 + 2*i. */
static inline uint16_t qv_fb_field_offset(const qv_fb_table *t, unsigned slot) {
  size_t vo = 4u + 2u * (size_t)slot;
  if (t->buf == NULL || vo + 2u > t->vt_size) return 0;
  return qv_fb_load_u16(t->buf + t->vt + vo);
}

/* Opens the table whose soffset_t is at byte `pos` (verified buffers only). */
static inline qv_fb_table qv_fb_table_at(const uint8_t *buf, uint32_t pos) {
  qv_fb_table t;
  t.buf = buf;
  t.pos = pos;
  t.vt = (uint32_t)((int64_t)pos - (int64_t)qv_fb_load_i32(buf + pos));
  t.vt_size = qv_fb_load_u16(buf + t.vt);
  t.size = qv_fb_load_u16(buf + t.vt + 2);
  return t;
}

/* Root table of a verified buffer. */
static inline qv_fb_table qv_fb_root(const uint8_t *buf) {
  return qv_fb_table_at(buf, qv_fb_load_u32(buf));
}

static inline bool qv_fb_table_present(const qv_fb_table *t) { return t->buf != NULL; }

/* True when slot `slot` is stored in the table (not defaulted/absent). */
static inline bool qv_fb_table_has(const qv_fb_table *t, unsigned slot) {
  return qv_fb_field_offset(t, slot) != 0;
}

/* Position of an inline scalar of `size` bytes, or 0 when absent/out of the
 * table's inline bytes. */
static inline uint32_t qv_fb__scalar_pos(const qv_fb_table *t, unsigned slot, uint32_t size) {
  uint16_t o = qv_fb_field_offset(t, slot);
  if (o == 0 || (uint32_t)o + size > t->size) return 0;
  return t->pos + o;
}

static inline bool qv_fb_table_get_bool(const qv_fb_table *t, unsigned slot, bool def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 1);
  return p ? t->buf[p] != 0 : def;
}
static inline uint8_t qv_fb_table_get_uint8(const qv_fb_table *t, unsigned slot, uint8_t def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 1);
  return p ? t->buf[p] : def;
}
static inline int8_t qv_fb_table_get_int8(const qv_fb_table *t, unsigned slot, int8_t def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 1);
  return p ? (int8_t)t->buf[p] : def;
}
static inline int16_t qv_fb_table_get_int16(const qv_fb_table *t, unsigned slot, int16_t def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 2);
  return p ? qv_fb_load_i16(t->buf + p) : def;
}
static inline int32_t qv_fb_table_get_int32(const qv_fb_table *t, unsigned slot, int32_t def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 4);
  return p ? qv_fb_load_i32(t->buf + p) : def;
}
static inline int64_t qv_fb_table_get_int64(const qv_fb_table *t, unsigned slot, int64_t def) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 8);
  return p ? qv_fb_load_i64(t->buf + p) : def;
}

/* Target position of the uoffset_t stored in `slot`, 0 when absent. */
static inline uint32_t qv_fb__deref(const qv_fb_table *t, unsigned slot) {
  uint32_t p = qv_fb__scalar_pos(t, slot, 4);
  return p ? p + qv_fb_load_u32(t->buf + p) : 0;
}

/* Sub-table in `slot`. Returns false (and an absent *out) when not stored. */
static inline bool qv_fb_table_get_table(const qv_fb_table *t, unsigned slot, qv_fb_table *out) {
  uint32_t p = qv_fb__deref(t, slot);
  if (p == 0) {
    *out = (qv_fb_table){0};
    return false;
  }
  *out = qv_fb_table_at(t->buf, p);
  return true;
}

/* String in `slot`: *s points at its bytes (NUL-terminated, may contain
 * embedded NULs), *n (optional) receives its length. False when absent, in
 * which case *s = NULL and *n = 0. */
static inline bool qv_fb_table_get_string(const qv_fb_table *t, unsigned slot, const char **s,
                                          size_t *n) {
  uint32_t p = qv_fb__deref(t, slot);
  *s = p ? (const char *)(t->buf + p + 4) : NULL;
  if (n) *n = p ? qv_fb_load_u32(t->buf + p) : 0;
  return p != 0;
}

/* Vector in `slot`. False (and an empty *out) when absent. */
static inline bool qv_fb_table_get_vector(const qv_fb_table *t, unsigned slot, qv_fb_vector *out) {
  uint32_t p = qv_fb__deref(t, slot);
  if (p == 0) {
    *out = (qv_fb_vector){0};
    return false;
  }
  out->buf = t->buf;
  out->len = qv_fb_load_u32(t->buf + p);
  out->pos = p + 4;
  return true;
}

/* Union stored as (tag in `type_slot`, value in `type_slot + 1`). Returns the
 * tag (0 = NONE); *out is the member table, absent when the tag is NONE. */
static inline uint8_t qv_fb_table_get_union(const qv_fb_table *t, unsigned type_slot,
                                            qv_fb_table *out) {
  uint8_t tag = qv_fb_table_get_uint8(t, type_slot, 0);
  if (tag == 0 || !qv_fb_table_get_table(t, type_slot + 1, out)) {
    *out = (qv_fb_table){0};
    return 0;
  }
  return tag;
}

/* ---- vector elements (index must be < len; out-of-range reads a zero) ---- */

static inline uint32_t qv_fb_vector_len(const qv_fb_vector *v) { return v->len; }

static inline int32_t qv_fb_vector_get_int32(const qv_fb_vector *v, uint32_t i) {
  return i < v->len ? qv_fb_load_i32(v->buf + v->pos + 4u * i) : 0;
}
static inline int64_t qv_fb_vector_get_int64(const qv_fb_vector *v, uint32_t i) {
  return i < v->len ? qv_fb_load_i64(v->buf + v->pos + 8u * (uint64_t)i) : 0;
}
static inline uint8_t qv_fb_vector_get_uint8(const qv_fb_vector *v, uint32_t i) {
  return i < v->len ? v->buf[v->pos + i] : 0;
}

/* Element i of a vector of structs of `size` bytes; read its fields with
 * qv_fb_load_i64(p + field_offset). NULL when i is out of range. */
static inline const uint8_t *qv_fb_vector_get_struct(const qv_fb_vector *v, uint32_t i,
                                                     uint32_t size) {
  return i < v->len ? v->buf + v->pos + (uint64_t)size * i : NULL;
}

/* Element i of a vector of tables. False when i is out of range. */
static inline bool qv_fb_vector_get_table(const qv_fb_vector *v, uint32_t i, qv_fb_table *out) {
  if (i >= v->len) {
    *out = (qv_fb_table){0};
    return false;
  }
  uint32_t e = v->pos + 4u * i;
  *out = qv_fb_table_at(v->buf, e + qv_fb_load_u32(v->buf + e));
  return true;
}

/* Element i of a vector of strings. False when i is out of range. */
static inline bool qv_fb_vector_get_string(const qv_fb_vector *v, uint32_t i, const char **s,
                                           size_t *n) {
  if (i >= v->len) {
    *s = NULL;
    if (n) *n = 0;
    return false;
  }
  uint32_t e = v->pos + 4u * i;
  uint32_t p = e + qv_fb_load_u32(v->buf + e);
  *s = (const char *)(v->buf + p + 4);
  if (n) *n = qv_fb_load_u32(v->buf + p);
  return true;
}

/* Byte offset of a table/vector within its buffer, for error messages. */
static inline uint32_t qv_fb_table_offset(const qv_fb_table *t) { return t->pos; }

/* Compares a flatbuffer string with a C string (exact bytes). */
bool qv__fb_string_eq(const char *s, size_t n, const char *cstr);

#endif
