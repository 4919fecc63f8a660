/* quiver's explicit limits on untrusted input, and BAD_INPUTS class 37.
 *
 * LIMITS (each verified below, at the boundary and beyond it)
 *
 *   nesting depth 64
 *       IPC: a schema may nest fields 64 levels deep (a top-level field is
 *       level 1; QV_IPC_MAX_FIELD_DEPTH). The writer refuses deeper
 *       schemas (QV_ERR_INVALID_ARGUMENT), the readers refuse them with
 *       QV_ERR_LIMIT, in the flatbuffer verifier (QV_FB_DEFAULT_MAX_DEPTH
 *       tables) before any recursion, so 5000 levels cost no stack.
 *       Validation: QV_VALIDATE_MAX_DEPTH = 64 levels of child arrays.
 *       C Data: QV_CDATA_MAX_DEPTH = 64 edges below the root (tests/cdata
 *       checks the boundary; limit_nesting_depth_64 re-checks it).
 *   metadata size
 *       One message's metadata flatbuffer: QV_IPC_DEFAULT_MAX_METADATA
 *       (256 MiB), qv_ipc_read_options.max_metadata_size to change. Checked
 *       on the length prefix, before reading or allocating; above it is
 *       QV_ERR_LIMIT, at or below it a short input is QV_ERR_TRUNCATED. The
 *       push decoder's scratch then grows with the bytes that arrive (1 MiB
 *       first), so a claim costs only what is sent.
 *   variadic buffer count
 *       A view field's variadicBufferCounts entry must be >= 0 and at most
 *       the Buffers left in the RecordBatch after its validity and views
 *       buffers; so the count is bounded by the metadata (16 bytes per
 *       Buffer, hence by max_metadata_size / 16) and checked before the
 *       per-field buffer table is allocated.
 *   decompressed size per message
 *       QV_IPC_DEFAULT_MAX_DECOMPRESSED (4 GiB) per message, summed over its
 *       buffers, qv_ipc_read_options.max_decompressed_size to change. Each
 *       buffer's uncompressed-length prefix is checked against what is left
 *       of the budget BEFORE its output is allocated (QV_ERR_LIMIT);
 *       test_bad_inputs_compression.c (class 32) proves no allocation
 *       happens with an mmap probe.
 *   also: 1,000,000 flatbuffer table visits per message (class 8); a
 *       message body is received into a buffer that starts at no more than
 *       16 MiB and grows with the bytes that arrive (class 4).
 *
 * CLASSES (BAD_INPUTS.md) -> tests
 *   1-6, 10-12   test_bad_inputs_framing.c      class_01_... class_12_...
 *   7-9, 13-14   test_bad_inputs_flatbuf.c
 *   15-24        test_bad_inputs_body.c
 *   25-30        test_bad_inputs_values.c
 *   31-33        test_bad_inputs_compression.c
 *   34-36        test_bad_inputs_file.c
 *   37           here (class_37_cdata_importer), on top of the per-case
 *                tests in tests/cdata/test_cdata_bad_inputs.c
 *   fuzz corpora test_crash_corpora.c
 */
#include "robust/robust_alloc_probe.h"
#include "robust/robust_util.h"

#include "cdata/cdata_test_util.h"
#include "ipc/compression.h"
#include "quiver/cdata.h"

/* ---- nesting depth ---- */

/* `levels` nested struct types around an int32 (levels 1 = int32). */
static qv_type *nested_struct(int levels) {
  qv_type *t = qv_type_int32();
  for (int d = 1; d < levels; d++) {
    qv_field *f = NULL;
    qv_type *s = NULL;
    RT_OK(qv_field_new("c", t, true, NULL, &f, &rt__e));
    RT_OK(qv_type_struct(&f, 1, &s, &rt__e));
    qv_field_release(f);
    qv_type_release(t);
    t = s;
  }
  return t;
}

/* An all-null column of `type`, one row. */
static qv_table *one_row_table(qv_type *type) {
  qv_schema *s = rt_schema1("x", type);
  qv_array *col = NULL;
  RT_OK(qv_array_new_null(type, 1, &col, &rt__e));
  qv_batch *b = NULL;
  RT_OK(qv_batch_new(s, 1, &col, NULL, &b, &rt__e));
  qv_table *t = NULL;
  RT_OK(qv_table_new(s, &b, 1, &t, &rt__e));
  qv_batch_release(b);
  qv_array_release(col);
  qv_schema_release(s);
  return t;
}

static void limit_nesting_depth_64(void **state) {
  (void)state;
  /* 64 levels: written and read back, as a stream and as a file */
  for (int levels = 60; levels <= QV_IPC_MAX_FIELD_DEPTH; levels++) {
    qv_type *ty = nested_struct(levels);
    qv_table *t = one_row_table(ty);
    for (int fmt = 0; fmt < 2; fmt++) {
      qv_buffer *out = NULL;
      RT_OK(qv_ipc_write_buffer((qv_ipc_format)fmt, t, NULL, &out, &rt__e));
      qv_table *back = NULL;
      qv_error err;
      qv_status st = qv_ipc_read_buffer(out, NULL, &back, &err);
      if (st != QV_OK)
        fail_msg("a %d-level schema written as a %s cannot be read back: %s", levels, fmt ? "file" : "stream",
                 err.message);
      assert_true(qv_schema_equals(back->schema, t->schema, true));
      qv_table_release(back);
      qv_buffer_release(out);
    }
    /* validation accepts the 64 levels of arrays */
    RT_OK(qv_table_validate(t, QV_VALIDATE_FULL, &rt__e));
    qv_table_release(t);
    qv_type_release(ty);
  }
  /* 64 levels whose leaf is dictionary-encoded and carries field metadata
   * (the deepest flatbuffer tables a Schema can have: Field ->
   * DictionaryEncoding -> Int indexType, Field -> KeyValue): the schema of
   * an empty table round-trips */
  {
    qv_type *leaf = NULL;
    RT_OK(qv_type_dictionary(qv_type_int16(), qv_type_string(), true, &leaf, &rt__e));
    qv_metadata *md = NULL;
    RT_OK(qv_metadata_new(&md, &rt__e));
    RT_OK(qv_metadata_append(md, "k", 1, "v", 1, &rt__e));
    qv_field *f = NULL;
    RT_OK(qv_field_new("leaf", leaf, true, md, &f, &rt__e));
    qv_type *deep = NULL;
    for (int d = 1; d < QV_IPC_MAX_FIELD_DEPTH; d++) {
      RT_OK(qv_type_struct(&f, 1, &deep, &rt__e));
      qv_field_release(f);
      RT_OK(qv_field_new("c", deep, true, md, &f, &rt__e));
      qv_type_release(deep);
    }
    qv_schema *sc = NULL;
    RT_OK(qv_schema_new(&f, 1, md, &sc, &rt__e));
    qv_table *empty = NULL;
    RT_OK(qv_table_new(sc, NULL, 0, &empty, &rt__e));
    for (int fmt = 0; fmt < 2; fmt++) {
      qv_buffer *out = NULL;
      RT_OK(qv_ipc_write_buffer((qv_ipc_format)fmt, empty, NULL, &out, &rt__e));
      qv_table *back = NULL;
      qv_error err;
      if (qv_ipc_read_buffer(out, NULL, &back, &err) != QV_OK)
        fail_msg("a 64-level schema with a dictionary leaf (%s) cannot be read back: %s", fmt ? "file" : "stream",
                 err.message);
      assert_true(qv_schema_equals(back->schema, sc, true));
      qv_table_release(back);
      qv_buffer_release(out);
    }
    qv_table_release(empty);
    qv_schema_release(sc);
    qv_field_release(f);
    qv_metadata_free(md);
    qv_type_release(leaf);
  }
  /* 65 levels: the writer refuses */
  qv_type *ty = nested_struct(QV_IPC_MAX_FIELD_DEPTH + 1);
  qv_table *t = one_row_table(ty);
  qv_buffer *out = NULL;
  qv_error err;
  assert_int_equal(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, NULL, &out, &err), QV_ERR_INVALID_ARGUMENT);
  rt_assert_contains(err.message, "nested more than 64 levels deep");
  assert_null(out);
  /* ... and a hand-made 65-level Schema message is refused by the readers */
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  qv_fb_ref f = 0;
  {
    qv_fb_ref it;
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int32(&b, FB_INT_BIT_WIDTH, 32, 0));
    RT_OK(qv__fb_add_bool(&b, FB_INT_IS_SIGNED, true, false));
    RT_OK(qv__fb_end_table(&b, &it));
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_union(&b, FB_FIELD_TYPE_TYPE, FB_TYPE_INT, it));
    RT_OK(qv__fb_end_table(&b, &f));
  }
  for (int d = 1; d <= QV_IPC_MAX_FIELD_DEPTH; d++) {
    qv_fb_ref kids, st_t;
    RT_OK(qv__fb_create_vector_refs(&b, &f, 1, &kids));
    st_t = rt_empty_table(&b);
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_union(&b, FB_FIELD_TYPE_TYPE, FB_TYPE_STRUCT, st_t));
    RT_OK(qv__fb_add_offset(&b, FB_FIELD_CHILDREN, kids));
    RT_OK(qv__fb_end_table(&b, &f));
  }
  qv_fb_ref fields, schema;
  RT_OK(qv__fb_create_vector_refs(&b, &f, 1, &fields));
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, fields));
  RT_OK(qv__fb_end_table(&b, &schema));
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_msg_raw(&s, &b, FB_METADATA_V5, FB_HEADER_SCHEMA, schema, 0, NULL, 0);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT, "nested more than");
  rt_bytes_free(&s);
  qv__fb_builder_free(&b);
  qv_table_release(t);
  qv_type_release(ty);

  /* C Data: 64 edges below the root pass, 65 fail (QV_CDATA_MAX_DEPTH) */
  for (int levels = QV_CDATA_MAX_DEPTH + 1; levels <= QV_CDATA_MAX_DEPTH + 2; levels++) {
    qv_type *nt = nested_struct(levels);
    struct ArrowSchema cs;
    RT_OK(qv_type_export(nt, &cs, &rt__e));
    qv_type *back = NULL;
    qv_status st = qv_type_import(&cs, &back, &err);
    if (levels == QV_CDATA_MAX_DEPTH + 1) {
      if (st != QV_OK) fail_msg("%s", err.message);
      assert_true(qv_type_equals(back, nt, true));
    } else {
      assert_int_equal(st, QV_ERR_LIMIT);
      rt_assert_contains(err.message, "nesting deeper than 64 levels");
    }
    assert_null(cs.release);
    qv_type_release(back);
    qv_type_release(nt);
  }
}

/* ---- metadata size ---- */

static void limit_metadata_size(void **state) {
  (void)state;
  rt_bytes s;
  /* the default cap: 256 MiB + 8 is refused before anything is read ... */
  memset(&s, 0, sizeof s);
  rt_put_i32(&s, -1);
  rt_put_i32(&s, (int32_t)(QV_IPC_DEFAULT_MAX_METADATA + 8));
  rt_put_zeros(&s, 64);
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT,
                   "metadata length 268435464 exceeds the limit of 268435456 bytes (read option max_metadata_size)");
  /* ... INT32_MAX too, and in legacy framing */
  qv_fb_store_u32(s.p + 4, INT32_MAX);
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT, "exceeds the limit of 268435456 bytes");
  rt_bytes_free(&s);
  memset(&s, 0, sizeof s);
  rt_put_i32(&s, INT32_MAX);
  rt_put_zeros(&s, 64);
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT, "exceeds the limit of 268435456 bytes");
  rt_bytes_free(&s);
  /* exactly at the cap it is allowed, so a short input is truncated */
  memset(&s, 0, sizeof s);
  rt_put_i32(&s, -1);
  rt_put_i32(&s, (int32_t)QV_IPC_DEFAULT_MAX_METADATA);
  rt_put_zeros(&s, 64);
  rt_expect_stream(&s, NULL, QV_ERR_TRUNCATED, "of 268435456 metadata bytes");
  rt_bytes_free(&s);

  /* a custom cap, at and just below a real Schema message's size */
  qv_schema *sc = rt_schema1("a_field_with_a_long_name", qv_type_string());
  memset(&s, 0, sizeof s);
  qv_ipc_block blk = rt_schema_msg(&s, sc);
  rt_eos(&s);
  int32_t meta = blk.metadata_length - 8;
  qv_ipc_read_options o = QV_IPC_READ_OPTIONS_DEFAULT;
  o.max_metadata_size = meta;
  rt_expect_stream(&s, &o, QV_OK, NULL);
  o.max_metadata_size = meta - 1;
  char needle[128];
  snprintf(needle, sizeof needle, "metadata length %d exceeds the limit of %d bytes", meta, meta - 1);
  rt_expect_stream(&s, &o, QV_ERR_LIMIT, needle);
  rt_bytes_free(&s);
  /* the file reader applies it to every block */
  memset(&s, 0, sizeof s);
  rt_file_start(&s);
  rt_schema_msg(&s, sc);
  rt_body body;
  const int32_t offs[2] = {0, 2};
  rt_body_init(&body, 1);
  rt_node(&body, 1, 0);
  rt_buf(&body, NULL, 0);
  rt_buf(&body, offs, 8);
  rt_buf(&body, "hi", 2);
  qv_ipc_block rb = rt_batch_msg(&s, &body);
  rt_eos(&s);
  rt_file_finish(&s, sc, NULL, 0, &rb, 1);
  assert_int_equal(rt_expect_file(&s, NULL, QV_OK, NULL), 1);
  o.max_metadata_size = rb.metadata_length - 8 - 1;
  rt_expect_file(&s, &o, QV_ERR_LIMIT, "exceeds the limit of");
  rt_bytes_free(&s);
  rt_body_free(&body);
  qv_schema_release(sc);
}

/* ---- variadic buffer count ---- */

static void limit_variadic_buffer_count(void **state) {
  (void)state;
  /* one out-of-line view over each of 3 data buffers */
  uint8_t views[48];
  for (int i = 0; i < 3; i++) {
    int32_t size = 14, idx = i, off = 0;
    memcpy(views + 16 * i, &size, 4);
    memcpy(views + 16 * i + 4, "abcd", 4);
    memcpy(views + 16 * i + 8, &idx, 4);
    memcpy(views + 16 * i + 12, &off, 4);
  }
  rt_body b;
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, views, sizeof views);
  for (int i = 0; i < 3; i++) rt_buf(&b, "abcdefghijklmn", 14);
  rt_variadic(&b, 3);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_string_view(), &b);
  qv_ipc_read_options full = QV_IPC_READ_OPTIONS_DEFAULT;
  full.full_validation = true;
  assert_int_equal(rt_expect_stream(&s, &full, QV_OK, NULL), 3); /* exactly the buffers present */
  rt_bytes_free(&s);
  static const int64_t over[] = {4, 1000, (int64_t)1 << 40, INT64_MAX};
  for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
    b.variadic[0] = over[i];
    memset(&s, 0, sizeof s);
    rt_stream1(&s, qv_type_string_view(), &b);
    char needle[128];
    snprintf(needle, sizeof needle, "variadicBufferCounts says %lld data buffers, but only 5 buffers remain",
             (long long)over[i]);
    rt_probe_start();
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, needle);
    assert_true(rt_probe_stop() < ((size_t)1 << 20)); /* no table sized by the count */
    rt_bytes_free(&s);
  }
  rt_body_free(&b);
}

/* ---- decompressed size per message ---- */

static void zstd_buffer(rt_body *b, const void *src, size_t n, int64_t prefix) {
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  size_t cap = qv__codec_compress_bound(FB_COMPRESSION_ZSTD, n), w = 0;
  uint8_t *tmp = malloc(8 + cap);
  assert_non_null(tmp);
  qv_fb_store_u64(tmp, (uint64_t)prefix);
  RT_OK(qv__codec_compress(&ctx, FB_COMPRESSION_ZSTD, 0, src, n, tmp + 8, cap, &w, &rt__e));
  rt_buf(b, tmp, 8 + w);
  free(tmp);
  qv__codec_ctx_free(&ctx);
}

static void limit_decompressed_size_per_message(void **state) {
  (void)state;
  const size_t mib = (size_t)1 << 20;
  uint8_t *zeros = calloc(mib, 1);
  assert_non_null(zeros);
  /* the default cap is 4 GiB: one byte more is refused up front */
  rt_body b;
  rt_body_init(&b, 16);
  b.codec = FB_COMPRESSION_ZSTD;
  rt_node(&b, 16, 0);
  rt_buf(&b, NULL, 0);
  zstd_buffer(&b, zeros, 16, QV_IPC_DEFAULT_MAX_DECOMPRESSED + 1);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_int8(), &b);
  rt_probe_start();
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT,
                   "claims 4294967297 uncompressed bytes, above the remaining limit of 4294967296 bytes for this "
                   "message (read option max_decompressed_size)");
  assert_true(rt_probe_stop() < mib);
  rt_bytes_free(&s);
  rt_body_free(&b);

  /* a 1 MiB cap: exactly 1 MiB passes, 1 MiB + 1 does not */
  qv_ipc_read_options o = QV_IPC_READ_OPTIONS_DEFAULT;
  o.max_decompressed_size = (int64_t)mib;
  for (int extra = 0; extra <= 1; extra++) {
    size_t n = mib + (size_t)extra;
    uint8_t *src = calloc(n, 1);
    assert_non_null(src);
    rt_body_init(&b, (int64_t)n);
    b.codec = FB_COMPRESSION_ZSTD;
    rt_node(&b, (int64_t)n, 0);
    rt_buf(&b, NULL, 0);
    zstd_buffer(&b, src, n, (int64_t)n);
    memset(&s, 0, sizeof s);
    rt_stream1(&s, qv_type_int8(), &b);
    if (extra == 0)
      assert_int_equal(rt_expect_stream(&s, &o, QV_OK, NULL), (int64_t)mib);
    else
      rt_expect_stream(&s, &o, QV_ERR_LIMIT, "claims 1048577 uncompressed bytes, above the remaining limit of 1048576");
    rt_bytes_free(&s);
    rt_body_free(&b);
    free(src);
  }
  /* the budget is summed over the buffers of one message: two columns of
   * 600 KiB under a 1 MiB cap */
  qv_type *types[2] = {qv_type_int8(), qv_type_int8()};
  const char *names[2] = {"a", "b"};
  qv_schema *sc = rt_schema(2, names, types);
  const size_t part = 600 * 1024;
  rt_body_init(&b, (int64_t)part);
  b.codec = FB_COMPRESSION_ZSTD;
  for (int c = 0; c < 2; c++) {
    rt_node(&b, (int64_t)part, 0);
    rt_buf(&b, NULL, 0);
    zstd_buffer(&b, zeros, part, (int64_t)part);
  }
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  rt_expect_stream(&s, &o, QV_ERR_LIMIT, "above the remaining limit of 434176 bytes for this message");
  assert_int_equal(rt_expect_stream(&s, NULL, QV_OK, NULL), (int64_t)part); /* default cap */
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_schema_release(sc);
  free(zeros);
}

/* ---- class 37 ---- */

typedef struct cdata_case {
  const char *what;
  const qv_type *(*type)(void);
  void (*build)(struct ArrowArray *a, int *counter);
  qv_status code;
  const char *needle;
} cdata_case;

static const qv_type *t_int32(void) { return qv_type_int32(); }
static const qv_type *t_string(void) { return qv_type_string(); }

static const int32_t k3[3] = {1, 2, 3};

static void b_released(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->release(a); /* counted: the case expects no further release */
  (*c)--;
}
static void b_n_buffers(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->n_buffers = 1;
}
static void b_n_buffers_negative(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->n_buffers = -1;
}
static void b_n_children_negative(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->n_children = -1;
}
static void b_values_null(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  ((tp_priv *)a->private_data)->bufs[1] = NULL;
}
static void b_negative_length(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->length = -3;
}
static void b_overflow(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->offset = INT64_MAX - 1;
}
static void b_nulls_without_bitmap(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  a->null_count = 1;
}
static void b_unexpected_dictionary(struct ArrowArray *a, int *c) {
  tp_int32(a, k3, 3, NULL, 0, c);
  struct ArrowArray d;
  tp_int32(&d, k3, 3, NULL, 0, NULL);
  tp_dict(a, &d);
}
static void b_string_offsets_negative(struct ArrowArray *a, int *c) {
  const int32_t offs[3] = {0, 4, -8};
  tp_init(a, 2, 0, 0, 3, c);
  tp_buf(a, 1, offs, sizeof offs);
  tp_buf(a, 2, "abcd", 4);
}

static void schema_release(struct ArrowSchema *s) {
  (*(int *)s->private_data)++;
  s->release = NULL;
}

static void class_37_cdata_importer(void **state) {
  (void)state;
  const cdata_case cases[] = {
      {"released", t_int32, b_released, QV_ERR_INVALID_DATA, "released"},
      {"n_buffers", t_int32, b_n_buffers, QV_ERR_INVALID_DATA, "int32 array needs 2 buffers, got n_buffers 1"},
      {"n_buffers < 0", t_int32, b_n_buffers_negative, QV_ERR_INVALID_DATA, "n_buffers"},
      {"n_children < 0", t_int32, b_n_children_negative, QV_ERR_INVALID_DATA, "n_children"},
      {"values NULL", t_int32, b_values_null, QV_ERR_INVALID_DATA, "is NULL"},
      {"length < 0", t_int32, b_negative_length, QV_ERR_INVALID_DATA, "negative length -3"},
      {"offset + length overflows", t_int32, b_overflow, QV_ERR_INVALID_DATA, "overflows int64"},
      {"nulls without bitmap", t_int32, b_nulls_without_bitmap, QV_ERR_INVALID_DATA, "null_count is 1 but the validity buffer is NULL"},
      {"dictionary on a plain type", t_int32, b_unexpected_dictionary, QV_ERR_INVALID_DATA, "dictionary"},
      {"last offset < 0", t_string, b_string_offsets_negative, QV_ERR_INVALID_DATA, "last offset (slot 2) is negative: -8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int released = 0;
    struct ArrowArray a;
    cases[i].build(&a, &released);
    bool was_released = a.release == NULL;
    qv_array *out = (qv_array *)0x1;
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_array_import(&a, cases[i].type(), &out, &err);
    if (st != cases[i].code)
      fail_msg("%s: expected %s, got %s: %s", cases[i].what, qv_status_name(cases[i].code), qv_status_name(st),
               err.message);
    if (strstr(err.message, cases[i].needle) == NULL)
      fail_msg("%s: expected \"%s\" in \"%s\"", cases[i].what, cases[i].needle, err.message);
    assert_null(out);
    assert_null(a.release);
    assert_int_equal(released, was_released ? 0 : 1); /* exactly once, never for a released struct */
  }
  /* schemas: NULL and unparsable formats; the producer's release runs once */
  static const char *bad_formats[] = {"", "Q", "w:", "w:-1", "+w:", "d:1", "tsq:UTC", "+us:1,2", NULL};
  for (size_t i = 0; i < sizeof bad_formats / sizeof bad_formats[0]; i++) {
    int count = 0;
    struct ArrowSchema sch;
    memset(&sch, 0, sizeof sch);
    sch.format = bad_formats[i];
    sch.release = schema_release;
    sch.private_data = &count;
    qv_type *ty = NULL;
    qv_error err;
    assert_int_equal(qv_type_import(&sch, &ty, &err), QV_ERR_INVALID_DATA);
    assert_null(ty);
    assert_null(sch.release);
    assert_int_equal(count, 1);
    rt_assert_contains(err.message, bad_formats[i] ? "format" : "format is NULL");
  }
  qv_error err;
  /* content is not the importer's job, but a reader that asks for full
   * validation gets it: offsets that decrease import fine and then fail */
  const int32_t dip[4] = {0, 3, 1, 3};
  struct ArrowArray a;
  int released = 0;
  tp_init(&a, 3, 0, 0, 3, &released);
  tp_buf(&a, 1, dip, sizeof dip);
  tp_buf(&a, 2, "abc", 3);
  qv_array *arr = NULL;
  RT_OK(qv_array_import(&a, qv_type_string(), &arr, &rt__e));
  RT_OK(qv_array_validate(arr, QV_VALIDATE_STRUCTURE, &rt__e));
  assert_int_equal(qv_array_validate(arr, QV_VALIDATE_FULL, &err), QV_ERR_INVALID_DATA);
  rt_assert_contains(err.message, "offsets not monotonic at row 1");
  qv_array_release(arr);
  assert_int_equal(released, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(limit_nesting_depth_64),
      cmocka_unit_test(limit_metadata_size),
      cmocka_unit_test(limit_variadic_buffer_count),
      cmocka_unit_test(limit_decompressed_size_per_message),
      cmocka_unit_test(class_37_cdata_importer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
