/* Shared support for the robustness tests (tests/robust/): a byte-level IPC
 * builder and a harness that runs one input through every read path.
 *
 * Building. rt_bytes is a growable byte string. Messages are framed by
 * rt_frame (0xFFFFFFFF, int32 metadata length padded so the prefix and
 * metadata end 8-aligned, the flatbuffer, zero padding, then the body).
 * Metadata comes from quiver's own encoders (src/ipc/metadata.h) when it is
 * well formed (rt_schema_msg, rt_batch_msg, rt_dict_msg) and from the raw
 * FlatBuffers builder (src/ipc/flatbuf/fb_builder.h) when a test needs what
 * the encoders refuse to write (rt_msg_raw: any version, header kind and
 * bodyLength). rt_body lays out a message body buffer by buffer and records
 * the FieldNodes and Buffers for the RecordBatch header, so a test can then
 * corrupt exactly one number. Files are rt_file_start + messages (whose
 * blocks rt_frame returns) + rt_file_finish (footer, its length, magic).
 *
 * Reading. Inputs are read from exact-size heap copies (ASan catches any
 * byte read past the end). rt_expect_stream_error runs a stream through the
 * one-call reader, the pull reader over a buffer and over an fd (which reads
 * message by message), and the push decoder fed by pointer 1 and 5 bytes at
 * a time and zero-copy; every path must fail with the same code and a
 * message holding `needle`. rt_expect_file_error does the same for the file
 * readers (buffer, path, fd, format-detecting).
 *
 * Everything is static inline: each test executable includes this once and
 * uses what it needs.
 */
#ifndef QV_TEST_ROBUST_UTIL_H
#define QV_TEST_ROBUST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_builder.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"
#include "quiver/builder.h"
#include "quiver/field.h"
#include "quiver/ipc.h"
#include "quiver/schema.h"
#include "quiver/type.h"
#include "quiver/validate.h"

/* Asserts expr returns QV_OK; expr may use the error slot `rt__e`. */
#define RT_OK(expr)                                                                          \
  do {                                                                                       \
    qv_error rt__e;                                                                          \
    qv_error_clear(&rt__e);                                                                  \
    qv_status rt__s = (expr);                                                                \
    if (rt__s != QV_OK) fail_msg("%s failed: %s: %s", #expr, qv_status_name(rt__s), rt__e.message); \
  } while (0)

#define rt_assert_contains(hay, needle)                                                    \
  do {                                                                                     \
    if (strstr((hay), (needle)) == NULL) fail_msg("expected \"%s\" in message \"%s\"", (needle), (hay)); \
  } while (0)

static inline bool rt_contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = hay; *p; p++) {
    size_t i = 0;
    while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i])) i++;
    if (i == n) return true;
  }
  return n == 0;
}

#define rt_assert_contains_ci(hay, needle)                                                 \
  do {                                                                                     \
    if (!rt_contains_ci((hay), (needle))) fail_msg("expected \"%s\" (any case) in message \"%s\"", (needle), (hay)); \
  } while (0)

/* ------------------------------------------------------------------ */
/* Files and exact-size buffers                                         */
/* ------------------------------------------------------------------ */

static inline uint8_t *rt_read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  size_t cap = 4096, len = 0;
  uint8_t *p = malloc(cap);
  assert_non_null(p);
  for (;;) {
    if (len == cap) {
      cap *= 2;
      p = realloc(p, cap);
      assert_non_null(p);
    }
    size_t got = fread(p + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
  }
  fclose(f);
  *n = len;
  return p;
}

static inline void rt__free_exact(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  free(ctx);
}

/* A buffer over an exact-size heap copy of p[0, n): no padding after the
 * last byte, so ASan sees any over-read. Caller releases it. */
static inline qv_buffer *rt_exact_buffer(const void *p, size_t n) {
  uint8_t *copy = malloc(n ? n : 1);
  assert_non_null(copy);
  if (n) memcpy(copy, p, n);
  qv_buffer *b = NULL;
  RT_OK(qv_buffer_wrap(copy, (int64_t)n, rt__free_exact, copy, &b, &rt__e));
  return b;
}

/* A temporary file holding p[0, n), opened for reading (position 0); its
 * name goes to `path` (cap >= 64). The caller closes and unlinks. */
static inline int rt_temp_file(const void *p, size_t n, char *path) {
  snprintf(path, 64, "/tmp/qv-robust-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) fail_msg("mkstemp failed");
  const uint8_t *q = p;
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, q + done, n - done);
    if (w <= 0) fail_msg("write to %s failed", path);
    done += (size_t)w;
  }
  if (lseek(fd, 0, SEEK_SET) != 0) fail_msg("lseek failed");
  return fd;
}

/* ------------------------------------------------------------------ */
/* Byte strings                                                         */
/* ------------------------------------------------------------------ */

typedef struct rt_bytes {
  uint8_t *p;
  size_t n, cap;
} rt_bytes;

static inline void rt_reserve(rt_bytes *b, size_t extra) {
  if (b->n + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + extra) cap *= 2;
  b->p = realloc(b->p, cap);
  assert_non_null(b->p);
  b->cap = cap;
}

static inline void rt_put(rt_bytes *b, const void *d, size_t n) {
  rt_reserve(b, n);
  if (n) memcpy(b->p + b->n, d, n);
  b->n += n;
}

static inline void rt_put_zeros(rt_bytes *b, size_t n) {
  rt_reserve(b, n);
  memset(b->p + b->n, 0, n);
  b->n += n;
}

static inline void rt_put_i32(rt_bytes *b, int32_t v) {
  uint8_t x[4];
  qv_fb_store_u32(x, (uint32_t)v);
  rt_put(b, x, 4);
}

static inline void rt_put_i64(rt_bytes *b, int64_t v) {
  uint8_t x[8];
  qv_fb_store_u64(x, (uint64_t)v);
  rt_put(b, x, 8);
}

static inline void rt_pad8(rt_bytes *b) {
  if (b->n % 8) rt_put_zeros(b, 8 - b->n % 8);
}

static inline void rt_bytes_free(rt_bytes *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

static inline void rt_bytes_copy(rt_bytes *dst, const rt_bytes *src) {
  memset(dst, 0, sizeof *dst);
  rt_put(dst, src->p, src->n);
}

/* ------------------------------------------------------------------ */
/* Message framing                                                      */
/* ------------------------------------------------------------------ */

/* Appends one encapsulated message: 0xFFFFFFFF, the padded metadata length,
 * the metadata, zero padding to 8, then body[0, body_n) padded to 8. The
 * returned block locates it in `out` (offset = out->n before). */
static inline qv_ipc_block rt_frame(rt_bytes *out, const uint8_t *meta, size_t meta_n, const void *body,
                                    size_t body_n) {
  qv_ipc_block blk;
  blk.offset = (int64_t)out->n;
  size_t padded = (meta_n + 8 + 7) / 8 * 8 - 8;
  rt_put_i32(out, -1);
  rt_put_i32(out, (int32_t)padded);
  rt_put(out, meta, meta_n);
  rt_put_zeros(out, padded - meta_n);
  size_t body_start = out->n;
  rt_put(out, body, body_n);
  rt_pad8(out);
  blk.metadata_length = (int32_t)(8 + padded);
  blk.body_length = (int64_t)(out->n - body_start);
  return blk;
}

static inline void rt_eos(rt_bytes *out) {
  rt_put_i32(out, -1);
  rt_put_i32(out, 0);
}

/* A sentinel for rt_msg_raw: leave Message.version out. */
#define RT_VERSION_ABSENT INT16_MIN

/* Finishes a Message table around `header` (built in b, which is reset
 * afterwards) with the given version, header kind and declared bodyLength
 * (written even when 0), and frames it with body[0, body_n). */
static inline qv_ipc_block rt_msg_raw(rt_bytes *out, qv_fb_builder *b, int16_t version, uint8_t htype,
                                      qv_fb_ref header, int64_t body_length, const void *body, size_t body_n) {
  qv_fb_ref msg;
  const uint8_t *data;
  size_t len;
  RT_OK(qv__fb_start_table(b));
  if (version != RT_VERSION_ABSENT) RT_OK(qv__fb_add_int16(b, FB_MESSAGE_VERSION, version, INT16_MIN));
  if (htype != FB_HEADER_NONE) RT_OK(qv__fb_add_union(b, FB_MESSAGE_HEADER_TYPE, htype, header));
  RT_OK(qv__fb_add_int64(b, FB_MESSAGE_BODY_LENGTH, body_length, body_length == INT64_MIN ? 0 : INT64_MIN));
  RT_OK(qv__fb_end_table(b, &msg));
  RT_OK(qv__fb_builder_finish(b, msg, &data, &len, &rt__e));
  qv_ipc_block blk = rt_frame(out, data, len, body, body_n);
  qv__fb_builder_reset(b);
  return blk;
}

/* An empty table (e.g. an opaque header for rt_msg_raw). */
static inline qv_fb_ref rt_empty_table(qv_fb_builder *b) {
  qv_fb_ref r;
  RT_OK(qv__fb_start_table(b));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

/* A Schema message for `schema` (dictionary ids 0, 1, ... in pre-order). */
static inline qv_ipc_block rt_schema_msg(rt_bytes *out, const qv_schema *schema) {
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv__fb_builder_init(&b);
  RT_OK(qv__ipc_schema_message_encode(&b, schema, NULL, 0, &data, &len, &rt__e));
  qv_ipc_block blk = rt_frame(out, data, len, NULL, 0);
  qv__fb_builder_free(&b);
  return blk;
}

/* A Schema message for `schema` with an explicit Message.version (or
 * RT_VERSION_ABSENT) and declared bodyLength. */
static inline qv_ipc_block rt_schema_msg_raw(rt_bytes *out, const qv_schema *schema, int16_t version,
                                             int64_t body_length, const void *body, size_t body_n) {
  qv_fb_builder b;
  qv_fb_ref ref;
  qv__fb_builder_init(&b);
  RT_OK(qv__ipc_schema_encode(&b, schema, NULL, 0, &ref, &rt__e));
  qv_ipc_block blk = rt_msg_raw(out, &b, version, FB_HEADER_SCHEMA, ref, body_length, body, body_n);
  qv__fb_builder_free(&b);
  return blk;
}

/* ------------------------------------------------------------------ */
/* Bodies                                                               */
/* ------------------------------------------------------------------ */

#define RT_MAX_PARTS 64

/* A message body under construction, with the header it needs. */
typedef struct rt_body {
  rt_bytes bytes;
  int64_t length; /* RecordBatch.length */
  qv_ipc_field_node nodes[RT_MAX_PARTS];
  uint32_t n_nodes;
  qv_ipc_buffer_loc bufs[RT_MAX_PARTS];
  uint32_t n_bufs;
  int64_t variadic[RT_MAX_PARTS];
  uint32_t n_variadic;
  int codec; /* QV_IPC_NO_COMPRESSION or FB_COMPRESSION_* (header only) */
  int64_t declared_body_length; /* < 0: the real (padded) body length */
  bool omit_body;               /* frame the message without its body bytes */
} rt_body;

static inline void rt_body_init(rt_body *b, int64_t length) {
  memset(b, 0, sizeof *b);
  b->length = length;
  b->codec = QV_IPC_NO_COMPRESSION;
  b->declared_body_length = -1;
}

static inline void rt_body_free(rt_body *b) { rt_bytes_free(&b->bytes); }

static inline void rt_node(rt_body *b, int64_t length, int64_t null_count) {
  assert_true(b->n_nodes < RT_MAX_PARTS);
  b->nodes[b->n_nodes++] = (qv_ipc_field_node){length, null_count};
}

/* Appends a buffer (8-aligned, padded) and records its location; n 0 is an
 * empty buffer at the current end. Returns its index. */
static inline uint32_t rt_buf(rt_body *b, const void *data, size_t n) {
  assert_true(b->n_bufs < RT_MAX_PARTS);
  rt_pad8(&b->bytes);
  b->bufs[b->n_bufs] = (qv_ipc_buffer_loc){(int64_t)b->bytes.n, (int64_t)n};
  rt_put(&b->bytes, data, n);
  rt_pad8(&b->bytes);
  return b->n_bufs++;
}

static inline void rt_variadic(rt_body *b, int64_t count) {
  assert_true(b->n_variadic < RT_MAX_PARTS);
  b->variadic[b->n_variadic++] = count;
}

static inline void rt_body_desc(const rt_body *b, qv_ipc_batch_desc *d) {
  memset(d, 0, sizeof *d);
  d->length = b->length;
  d->nodes = b->nodes;
  d->n_nodes = b->n_nodes;
  d->buffers = b->bufs;
  d->n_buffers = b->n_bufs;
  d->variadic_counts = b->n_variadic ? b->variadic : NULL;
  d->n_variadic = b->n_variadic;
  d->codec = b->codec;
}

static inline int64_t rt_body_declared(const rt_body *b) {
  size_t real = (b->bytes.n + 7) / 8 * 8;
  return b->declared_body_length >= 0 ? b->declared_body_length : (int64_t)real;
}

/* Appends a primitive column: node (n, null_count), the validity buffer
 * (`validity` may be NULL: an empty buffer), then the values. */
static inline void rt_prim(rt_body *b, int64_t n, int64_t null_count, const void *validity, size_t validity_n,
                           const void *values, size_t values_n) {
  rt_node(b, n, null_count);
  rt_buf(b, validity, validity ? validity_n : 0);
  rt_buf(b, values, values_n);
}

/* A body of one int32 column holding v[0, n) (no nulls). */
static inline void rt_int32_body(rt_body *b, const int32_t *v, int64_t n) {
  rt_body_init(b, n);
  rt_prim(b, n, 0, NULL, 0, v, (size_t)n * 4);
}

/* A RecordBatch message carrying `b`. */
static inline qv_ipc_block rt_batch_msg(rt_bytes *out, const rt_body *b) {
  qv_fb_builder fb;
  qv_ipc_batch_desc d;
  const uint8_t *data;
  size_t len;
  qv__fb_builder_init(&fb);
  rt_body_desc(b, &d);
  RT_OK(qv__ipc_batch_message_encode(&fb, &d, rt_body_declared(b), &data, &len, &rt__e));
  qv_ipc_block blk = rt_frame(out, data, len, b->omit_body ? NULL : b->bytes.p, b->omit_body ? 0 : b->bytes.n);
  qv__fb_builder_free(&fb);
  return blk;
}

/* A DictionaryBatch message carrying `b` as dictionary `id`. */
static inline qv_ipc_block rt_dict_msg(rt_bytes *out, int64_t id, bool delta, const rt_body *b) {
  qv_fb_builder fb;
  qv_ipc_batch_desc d;
  const uint8_t *data;
  size_t len;
  qv__fb_builder_init(&fb);
  rt_body_desc(b, &d);
  RT_OK(qv__ipc_dict_batch_message_encode(&fb, id, delta, &d, rt_body_declared(b), &data, &len, &rt__e));
  qv_ipc_block blk = rt_frame(out, data, len, b->omit_body ? NULL : b->bytes.p, b->omit_body ? 0 : b->bytes.n);
  qv__fb_builder_free(&fb);
  return blk;
}

/* A RecordBatch table for `b` inside builder fb (for rt_msg_raw). */
static inline qv_fb_ref rt_batch_table(qv_fb_builder *fb, const rt_body *b) {
  qv_ipc_batch_desc d;
  qv_fb_ref r;
  rt_body_desc(b, &d);
  RT_OK(qv__ipc_batch_encode(fb, &d, &r, &rt__e));
  return r;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

static inline void rt_file_start(rt_bytes *out) { rt_put(out, "ARROW1\0\0", 8); }

/* Appends the footer (schema and the given blocks), its length and the
 * trailing magic. */
static inline void rt_file_finish(rt_bytes *out, const qv_schema *schema, const qv_ipc_block *dicts, uint32_t nd,
                                  const qv_ipc_block *rbs, uint32_t nr) {
  qv_fb_builder fb;
  const uint8_t *data;
  size_t len;
  qv__fb_builder_init(&fb);
  RT_OK(qv__ipc_footer_encode(&fb, schema, NULL, 0, dicts, nd, rbs, nr, &data, &len, &rt__e));
  rt_put(out, data, len);
  rt_put_i32(out, (int32_t)len);
  rt_put(out, "ARROW1", 6);
  qv__fb_builder_free(&fb);
}

/* ------------------------------------------------------------------ */
/* Schemas and sample data                                              */
/* ------------------------------------------------------------------ */

/* A schema of n fields (types retained; the caller keeps its references). */
static inline qv_schema *rt_schema(int32_t n, const char *const *names, qv_type *const *types) {
  qv_field *fields[16];
  qv_schema *s = NULL;
  assert_true(n <= 16);
  for (int32_t i = 0; i < n; i++) RT_OK(qv_field_new(names[i], types[i], true, NULL, &fields[i], &rt__e));
  RT_OK(qv_schema_new(fields, n, NULL, &s, &rt__e));
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return s;
}

static inline qv_schema *rt_schema1(const char *name, qv_type *type) { return rt_schema(1, &name, &type); }

/* A stream of: Schema {x: type}, one batch `b`, EOS. */
static inline void rt_stream1(rt_bytes *out, qv_type *type, const rt_body *b) {
  qv_schema *s = rt_schema1("x", type);
  rt_schema_msg(out, s);
  rt_batch_msg(out, b);
  rt_eos(out);
  qv_schema_release(s);
}

/* A table {i: int32, s: utf8} of `n_batches` batches of 3 rows each
 * (row r of batch k: i = 10k + r, s = "v<k><r>", every third row null),
 * built with quiver's builders. */
static inline qv_table *rt_sample_table(int n_batches) {
  qv_type *types[2] = {qv_type_int32(), qv_type_string()};
  const char *names[2] = {"i", "s"};
  qv_schema *schema = rt_schema(2, names, types);
  qv_batch *batches[8];
  assert_true(n_batches <= 8);
  for (int k = 0; k < n_batches; k++) {
    qv_builder *bi = NULL, *bs = NULL;
    qv_array *cols[2];
    RT_OK(qv_builder_new(types[0], NULL, &bi, &rt__e));
    RT_OK(qv_builder_new(types[1], NULL, &bs, &rt__e));
    for (int r = 0; r < 3; r++) {
      char s[16];
      snprintf(s, sizeof s, "v%d%d", k, r);
      if (r == 1) {
        RT_OK(qv_builder_append_null(bi));
        RT_OK(qv_builder_append_null(bs));
      } else {
        RT_OK(qv_builder_append_int32(bi, 10 * k + r));
        RT_OK(qv_builder_append_string(bs, s, (int64_t)strlen(s)));
      }
    }
    RT_OK(qv_builder_finish(bi, &cols[0], &rt__e));
    RT_OK(qv_builder_finish(bs, &cols[1], &rt__e));
    RT_OK(qv_batch_new(schema, -1, cols, NULL, &batches[k], &rt__e));
    qv_array_release(cols[0]);
    qv_array_release(cols[1]);
    qv_builder_free(bi);
    qv_builder_free(bs);
  }
  qv_table *t = NULL;
  RT_OK(qv_table_new(schema, batches, n_batches, &t, &rt__e));
  for (int k = 0; k < n_batches; k++) qv_batch_release(batches[k]);
  qv_schema_release(schema);
  return t;
}

/* The sample table written by quiver's writer as a stream or a file. */
static inline void rt_sample_ipc(rt_bytes *out, qv_ipc_format format, int n_batches,
                                 const qv_ipc_write_options *wo) {
  qv_table *t = rt_sample_table(n_batches);
  qv_buffer *buf = NULL;
  RT_OK(qv_ipc_write_buffer(format, t, wo, &buf, &rt__e));
  memset(out, 0, sizeof *out);
  rt_put(out, buf->data, (size_t)buf->size);
  qv_buffer_release(buf);
  qv_table_release(t);
}

/* ------------------------------------------------------------------ */
/* Reading through every path                                           */
/* ------------------------------------------------------------------ */

typedef struct rt_outcome {
  qv_status st;
  qv_error err;
  int64_t rows; /* rows read before the end or the error */
} rt_outcome;

static inline void rt__touch_batch(const qv_batch *b, int64_t *rows) {
  qv_error e;
  qv_status st = qv_batch_validate(b, QV_VALIDATE_STRUCTURE, &e);
  if (st != QV_OK) fail_msg("a reader returned an invalid batch: %s", e.message);
  *rows += b->length;
}

static inline rt_outcome rt__one_call(qv_status (*fn)(qv_buffer *, const qv_ipc_read_options *, qv_table **, qv_error *),
                                      const rt_bytes *in, const qv_ipc_read_options *o) {
  rt_outcome r;
  memset(&r, 0, sizeof r);
  qv_buffer *buf = rt_exact_buffer(in->p, in->n);
  qv_table *t = NULL;
  r.st = fn(buf, o, &t, &r.err);
  if (r.st == QV_OK) {
    assert_non_null(t);
    for (int64_t i = 0; i < t->n_batches; i++) rt__touch_batch(t->batches[i], &r.rows);
  } else {
    assert_null(t);
  }
  qv_table_release(t);
  qv_buffer_release(buf);
  return r;
}

static inline rt_outcome rt__stream_reader(qv_ipc_stream_reader *rd, qv_status open_st, const qv_error *open_err) {
  rt_outcome r;
  memset(&r, 0, sizeof r);
  r.st = open_st;
  r.err = *open_err;
  if (open_st != QV_OK) {
    assert_null(rd);
    return r;
  }
  for (;;) {
    qv_batch *b = NULL;
    r.st = qv_ipc_stream_reader_next(rd, &b, &r.err);
    if (r.st != QV_OK || b == NULL) break;
    rt__touch_batch(b, &r.rows);
    qv_batch_release(b);
  }
  qv_ipc_stream_reader_free(rd);
  return r;
}

static inline rt_outcome rt__reader_buffer(const rt_bytes *in, const qv_ipc_read_options *o) {
  qv_buffer *buf = rt_exact_buffer(in->p, in->n);
  qv_ipc_stream_reader *rd = NULL;
  qv_error e;
  qv_error_clear(&e);
  qv_status st = qv_ipc_stream_reader_open_buffer(buf, o, &rd, &e);
  qv_buffer_release(buf); /* the reader keeps what it needs */
  return rt__stream_reader(rd, st, &e);
}

static inline rt_outcome rt__reader_fd(const rt_bytes *in, const qv_ipc_read_options *o) {
  char path[64];
  int fd = rt_temp_file(in->p, in->n, path);
  qv_ipc_stream_reader *rd = NULL;
  qv_error e;
  qv_error_clear(&e);
  qv_status st = qv_ipc_stream_reader_open_fd(fd, o, &rd, &e);
  rt_outcome r = rt__stream_reader(rd, st, &e);
  close(fd);
  unlink(path);
  return r;
}

/* The push decoder: by pointer in `chunk`-byte pieces, or (chunk 0) one
 * zero-copy feed_buffer. */
static inline rt_outcome rt__decoder(const rt_bytes *in, const qv_ipc_read_options *o, size_t chunk) {
  rt_outcome r;
  memset(&r, 0, sizeof r);
  qv_ipc_decoder *d = NULL;
  RT_OK(qv_ipc_decoder_new(o, &d, &rt__e));
  qv_buffer *buf = chunk == 0 ? rt_exact_buffer(in->p, in->n) : NULL;
  size_t pos = 0;
  for (;;) {
    if (chunk == 0) {
      if (pos == 0) r.st = qv_ipc_decoder_feed_buffer(d, buf, &r.err);
      pos = in->n;
    } else if (pos < in->n) {
      size_t k = in->n - pos < chunk ? in->n - pos : chunk;
      r.st = qv_ipc_decoder_feed(d, in->p + pos, k, &r.err);
      pos += k;
    }
    /* drain what is queued, even after an error (events before it) */
    for (;;) {
      qv_ipc_event ev;
      qv_error e;
      qv_status st = qv_ipc_decoder_next(d, &ev, &e);
      if (st != QV_OK) {
        if (r.st == QV_OK) {
          r.st = st;
          r.err = e;
        }
        break;
      }
      if (ev.kind == QV_IPC_EVENT_NONE) break;
      if (ev.kind == QV_IPC_EVENT_BATCH) {
        rt__touch_batch(ev.batch, &r.rows);
        qv_batch_release(ev.batch);
      }
    }
    if (r.st != QV_OK || pos >= in->n) break;
  }
  if (r.st == QV_OK) r.st = qv_ipc_decoder_finish(d, &r.err);
  qv_ipc_decoder_free(d);
  qv_buffer_release(buf);
  return r;
}

static inline void rt__check(const char *path, rt_outcome r, qv_status code, const char *needle) {
  if (r.st != code)
    fail_msg("%s: expected %s (\"%s\"), got %s: %s", path, qv_status_name(code), needle ? needle : "",
             qv_status_name(r.st), r.st == QV_OK ? "(no error)" : r.err.message);
  if (code == QV_OK) return;
  if (r.err.code != code)
    fail_msg("%s: returned %s but err.code is %s (\"%s\")", path, qv_status_name(code), qv_status_name(r.err.code),
             r.err.message);
  if (r.err.message[0] == '\0') fail_msg("%s: empty error message", path);
  if (needle != NULL && strstr(r.err.message, needle) == NULL)
    fail_msg("%s: expected \"%s\" in message \"%s\"", path, needle, r.err.message);
}

/* Every stream read path must fail with `code` and a message holding
 * `needle` (or succeed when code is QV_OK). Returns the one-call reader's
 * row count. */
static inline int64_t rt_expect_stream(const rt_bytes *in, const qv_ipc_read_options *o, qv_status code,
                                       const char *needle) {
  rt_outcome r = rt__one_call(qv_ipc_read_stream_buffer, in, o);
  rt__check("qv_ipc_read_stream_buffer", r, code, needle);
  rt__check("stream reader (buffer)", rt__reader_buffer(in, o), code, needle);
  rt__check("stream reader (fd)", rt__reader_fd(in, o), code, needle);
  rt__check("decoder (1-byte feeds)", rt__decoder(in, o, 1), code, needle);
  rt__check("decoder (5-byte feeds)", rt__decoder(in, o, 5), code, needle);
  rt__check("decoder (feed_buffer)", rt__decoder(in, o, 0), code, needle);
  return r.rows;
}

static inline rt_outcome rt__file_reader_all(const rt_bytes *in, const qv_ipc_read_options *o) {
  rt_outcome r;
  memset(&r, 0, sizeof r);
  qv_buffer *buf = rt_exact_buffer(in->p, in->n);
  qv_ipc_file_reader *fr = NULL;
  r.st = qv_ipc_file_reader_open_buffer(buf, o, &fr, &r.err);
  qv_buffer_release(buf);
  if (r.st != QV_OK) {
    assert_null(fr);
    return r;
  }
  int64_t n = qv_ipc_file_reader_num_batches(fr);
  for (int64_t i = 0; i < n && r.st == QV_OK; i++) {
    qv_batch *b = NULL;
    r.st = qv_ipc_file_reader_read_batch(fr, i, &b, &r.err);
    if (r.st == QV_OK) {
      rt__touch_batch(b, &r.rows);
      qv_batch_release(b);
    }
  }
  qv_ipc_file_reader_free(fr);
  return r;
}

static inline rt_outcome rt__file_path(const rt_bytes *in, const qv_ipc_read_options *o, bool use_fd) {
  rt_outcome r;
  memset(&r, 0, sizeof r);
  char path[64];
  int fd = rt_temp_file(in->p, in->n, path);
  qv_table *t = NULL;
  r.st = use_fd ? qv_ipc_read_fd(fd, o, &t, &r.err) : qv_ipc_read_file_path(path, o, &t, &r.err);
  if (r.st == QV_OK)
    for (int64_t i = 0; i < t->n_batches; i++) rt__touch_batch(t->batches[i], &r.rows);
  qv_table_release(t);
  close(fd);
  unlink(path);
  return r;
}

/* Every file read path must fail with `code` and `needle` (or succeed). */
static inline int64_t rt_expect_file(const rt_bytes *in, const qv_ipc_read_options *o, qv_status code,
                                     const char *needle) {
  rt_outcome r = rt__one_call(qv_ipc_read_file_buffer, in, o);
  rt__check("qv_ipc_read_file_buffer", r, code, needle);
  rt__check("file reader (batch by batch)", rt__file_reader_all(in, o), code, needle);
  rt__check("qv_ipc_read_file_path", rt__file_path(in, o, false), code, needle);
  if (in->n >= 6 && memcmp(in->p, "ARROW1", 6) == 0) {
    rt__check("qv_ipc_read_buffer", rt__one_call(qv_ipc_read_buffer, in, o), code, needle);
    rt__check("qv_ipc_read_fd", rt__file_path(in, o, true), code, needle);
  }
  return r.rows;
}

#endif
