/* Body buffer compression (LZ4_FRAME, ZSTD) in the IPC convention, and the
 * hostile-input classes of BAD_INPUTS 31-33: unknown codec, buffers shorter
 * than the prefix, prefixes below -1, prefixes above the cap (refused
 * before allocating), sizes that disagree with the prefix, trailing bytes
 * and extra frames. */
#include "ipc_test_util.h"

#include "ipc/compression.h"
#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_endian.h"

static const int k_codecs[2] = {FB_COMPRESSION_LZ4_FRAME, FB_COMPRESSION_ZSTD};

/* [prefix][compressed src] as a buffer. */
static qv_buffer *compressed(qv_codec_ctx *ctx, int codec, const uint8_t *src, size_t n, int64_t prefix) {
  size_t bound = qv__codec_compress_bound(codec, n);
  qv_buffer *b = NULL;
  OK(qv_buffer_allocate(NULL, (int64_t)(8 + bound), false, &b, err));
  size_t w = 0;
  OK(qv__codec_compress(ctx, codec, 0, src, n, b->data + 8, bound, &w, err));
  qv_fb_store_i64(b->data, prefix);
  b->size = (int64_t)(8 + w);
  return b;
}

static void fill(uint8_t *p, size_t n, bool random) {
  uint32_t x = 12345;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    p[i] = random ? (uint8_t)(x >> 16) : (uint8_t)("abcabcabd"[i % 9]);
  }
}

static void test_roundtrip_both_codecs(void **state) {
  (void)state;
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  uint8_t src[5000];
  for (int r = 0; r < 2; r++) {
    fill(src, sizeof src, r);
    for (int c = 0; c < 2; c++) {
      qv_buffer *in = compressed(&ctx, k_codecs[c], src, sizeof src, sizeof src);
      int64_t budget = 1 << 20;
      qv_buffer *out = NULL;
      OK(qv__codec_decompress(&ctx, k_codecs[c], in, 0, in->size, &budget, "buf", &out, err));
      assert_int_equal(out->size, sizeof src);
      assert_memory_equal(out->data, src, sizeof src);
      assert_int_equal(budget, (1 << 20) - (int64_t)sizeof src);
      assert_int_equal((uintptr_t)out->data % 64, 0);
      if (!r) assert_true(in->size < 1000); /* compressible data shrank */
      qv_buffer_release(out);
      qv_buffer_release(in);
    }
  }
  qv__codec_ctx_free(&ctx);
}

static void test_raw_prefix_and_empty(void **state) {
  (void)state;
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  qv_buffer *in = NULL;
  OK(qv_buffer_allocate(NULL, 8 + 5, false, &in, err));
  qv_fb_store_i64(in->data, -1);
  memcpy(in->data + 8, "hello", 5);
  int64_t budget = 100;
  qv_buffer *out = NULL;
  OK(qv__codec_decompress(&ctx, FB_COMPRESSION_ZSTD, in, 0, 13, &budget, "buf", &out, err));
  assert_int_equal(out->size, 5);
  assert_ptr_equal(out->data, in->data + 8); /* a view, not a copy */
  assert_int_equal(budget, 100);
  qv_buffer_release(out);
  OK(qv__codec_decompress(&ctx, FB_COMPRESSION_LZ4_FRAME, in, 0, 0, &budget, "buf", &out, err));
  assert_null(out); /* empty buffers carry no prefix */
  qv_buffer_release(in);
  qv__codec_ctx_free(&ctx);
}

/* BAD_INPUTS 31 */
static void test_bad_codec_short_buffer_negative_prefix(void **state) {
  (void)state;
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  qv_buffer *in = NULL;
  OK(qv_buffer_allocate(NULL, 16, true, &in, err));
  int64_t budget = 100;
  qv_buffer *out = NULL;
  qv_error e;
  assert_int_equal(qv__codec_decompress(&ctx, 7, in, 0, 16, &budget, "buf", &out, &e), QV_ERR_UNSUPPORTED);
  assert_non_null(strstr(e.message, "codec 7"));
  assert_int_equal(qv__codec_decompress(&ctx, FB_COMPRESSION_ZSTD, in, 0, 7, &budget, "buf", &out, &e),
                   QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "shorter than its 8-byte length prefix"));
  qv_fb_store_i64(in->data, -2);
  assert_int_equal(qv__codec_decompress(&ctx, FB_COMPRESSION_ZSTD, in, 0, 16, &budget, "buf", &out, &e),
                   QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "-2"));
  assert_null(out);
  qv_buffer_release(in);
  qv__codec_ctx_free(&ctx);
}

/* BAD_INPUTS 32: the cap is checked before any allocation. */
static void test_prefix_above_cap(void **state) {
  (void)state;
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  for (int c = 0; c < 2; c++) {
    qv_buffer *in = compressed(&ctx, k_codecs[c], (const uint8_t *)"abc", 3, (int64_t)1 << 40); /* 1 TB */
    int64_t budget = QV_IPC_DEFAULT_MAX_DECOMPRESSED;
    qv_buffer *out = NULL;
    qv_error e;
    assert_int_equal(qv__codec_decompress(&ctx, k_codecs[c], in, 0, in->size, &budget, "column 'x' buffer", &out, &e),
                     QV_ERR_LIMIT);
    assert_non_null(strstr(e.message, "1099511627776"));
    assert_non_null(strstr(e.message, "max_decompressed_size"));
    assert_int_equal(budget, QV_IPC_DEFAULT_MAX_DECOMPRESSED);
    qv_buffer_release(in);
  }
  /* the budget is per message: two buffers that fit alone, not together */
  uint8_t src[600];
  fill(src, sizeof src, false);
  qv_buffer *in = compressed(&ctx, FB_COMPRESSION_ZSTD, src, sizeof src, sizeof src);
  int64_t budget = 1000;
  qv_buffer *out = NULL;
  OK(qv__codec_decompress(&ctx, FB_COMPRESSION_ZSTD, in, 0, in->size, &budget, "b1", &out, err));
  qv_buffer_release(out);
  qv_error e;
  assert_int_equal(qv__codec_decompress(&ctx, FB_COMPRESSION_ZSTD, in, 0, in->size, &budget, "b2", &out, &e),
                   QV_ERR_LIMIT);
  qv_buffer_release(in);
  qv__codec_ctx_free(&ctx);
}

/* BAD_INPUTS 33 */
static void test_size_mismatch_trailing_and_extra_frames(void **state) {
  (void)state;
  qv_codec_ctx ctx;
  qv__codec_ctx_init(&ctx);
  uint8_t src[3000];
  fill(src, sizeof src, false);
  for (int c = 0; c < 2; c++) {
    int codec = k_codecs[c];
    const char *name = qv__codec_name(codec);
    qv_error e;
    qv_buffer *out = NULL;
    int64_t budget = 1 << 20;
    /* prefix says more than the frame holds */
    qv_buffer *in = compressed(&ctx, codec, src, sizeof src, sizeof src + 10);
    assert_int_equal(qv__codec_decompress(&ctx, codec, in, 0, in->size, &budget, "buf", &out, &e), QV_ERR_INVALID_DATA);
    assert_null(out);
    qv_buffer_release(in);
    /* prefix says less: output would run past it */
    in = compressed(&ctx, codec, src, sizeof src, sizeof src - 10);
    assert_int_equal(qv__codec_decompress(&ctx, codec, in, 0, in->size, &budget, "buf", &out, &e), QV_ERR_INVALID_DATA);
    if (codec == FB_COMPRESSION_LZ4_FRAME) assert_non_null(strstr(e.message, "more than"));
    qv_buffer_release(in);
    /* trailing garbage after the frame */
    in = compressed(&ctx, codec, src, sizeof src, sizeof src);
    OK(qv_buffer_reserve(in, in->size + 3, err));
    memcpy(in->data + in->size, "xyz", 3);
    in->size += 3;
    assert_int_equal(qv__codec_decompress(&ctx, codec, in, 0, in->size, &budget, "buf", &out, &e), QV_ERR_INVALID_DATA);
    assert_non_null(strstr(e.message, "trailing"));
    qv_buffer_release(in);
    /* two frames: the first half, then the second half */
    qv_buffer *a = compressed(&ctx, codec, src, 1500, 3000);
    qv_buffer *b = compressed(&ctx, codec, src + 1500, 1500, 0);
    OK(qv_buffer_reserve(a, a->size + b->size - 8, err));
    memcpy(a->data + a->size, b->data + 8, (size_t)(b->size - 8));
    a->size += b->size - 8;
    assert_int_equal(qv__codec_decompress(&ctx, codec, a, 0, a->size, &budget, "buf", &out, &e), QV_ERR_INVALID_DATA);
    assert_null(out);
    qv_buffer_release(a);
    qv_buffer_release(b);
    /* truncated frame */
    in = compressed(&ctx, codec, src, sizeof src, sizeof src);
    assert_int_equal(qv__codec_decompress(&ctx, codec, in, 0, in->size - 5, &budget, "buf", &out, &e),
                     QV_ERR_INVALID_DATA);
    /* the context recovers after errors */
    OK(qv__codec_decompress(&ctx, codec, in, 0, in->size, &budget, "buf", &out, err));
    assert_memory_equal(out->data, src, sizeof src);
    qv_buffer_release(out);
    qv_buffer_release(in);
    /* garbage payload */
    OK(qv_buffer_allocate(NULL, 64, false, &in, err));
    memset(in->data, 0x5A, 64);
    qv_fb_store_i64(in->data, 100);
    assert_int_equal(qv__codec_decompress(&ctx, codec, in, 0, 64, &budget, "buf", &out, &e), QV_ERR_INVALID_DATA);
    assert_non_null(strstr(e.message, name[0] == 'L' ? "LZ4" : "ZSTD"));
    qv_buffer_release(in);
  }
  qv__codec_ctx_free(&ctx);
}

static void test_writer_stores_incompressible_raw(void **state) {
  (void)state;
  /* random bytes do not shrink: they go out behind a -1 prefix */
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_binary(), NULL, &b, err));
  uint8_t blob[4096];
  fill(blob, sizeof blob, true);
  OK(qv_builder_append_binary(b, blob, sizeof blob));
  qv_array *col = NULL;
  OK(qv_builder_finish(b, &col, err));
  qv_builder_free(b);
  qv_field *f = tu_field("blob", qv_type_binary(), false);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_batch *bt = NULL;
  OK(qv_batch_new(s, 1, &col, NULL, &bt, err));
  qv_table *t = NULL;
  OK(qv_table_new(s, &bt, 1, &t, err));
  for (int c = 1; c <= 2; c++) {
    qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
    o.compression = (qv_ipc_compression)c;
    qv_buffer *buf = NULL;
    OK(qv_ipc_write_stream_buffer(t, &o, &buf, err));
    bool raw = false;
    for (int64_t i = 0; i + 8 + 4096 <= buf->size && !raw; i++)
      raw = qv_fb_load_i64(buf->data + i) == -1 && memcmp(buf->data + i + 8, blob, sizeof blob) == 0;
    assert_true(raw);
    qv_table *back = NULL;
    OK(qv_ipc_read_stream_buffer(buf, NULL, &back, err));
    tu_assert_tables_equal(t, back, "incompressible");
    /* the raw bytes are read zero-copy from the input */
    const qv_buffer *data = back->batches[0]->columns[0]->buffers[2];
    assert_true(data->data > buf->data && data->data < buf->data + buf->size);
    qv_table_release(back);
    qv_buffer_release(buf);
  }
  qv_table_release(t);
  qv_batch_release(bt);
  qv_schema_release(s);
  qv_field_release(f);
  qv_array_release(col);
}

static void test_read_option_max_decompressed_size(void **state) {
  (void)state;
  qv_field *f = tu_field("x", qv_type_int64(), false);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_int64(), NULL, &b, err));
  for (int i = 0; i < 10000; i++) OK(qv_builder_append_int64(b, i % 4)); /* compressible */
  qv_array *col = NULL;
  OK(qv_builder_finish(b, &col, err));
  qv_builder_free(b);
  qv_batch *bt = NULL;
  OK(qv_batch_new(s, 10000, &col, NULL, &bt, err));
  qv_table *t = NULL;
  OK(qv_table_new(s, &bt, 1, &t, err));
  qv_batch_release(bt);
  qv_array_release(col);
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.compression = QV_IPC_COMPRESSION_LZ4_FRAME;
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, &o, &buf, err));
  assert_true(buf->size < 20000);
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.max_decompressed_size = 80000 - 1; /* the column is 80000 bytes */
  qv_table *back = NULL;
  qv_error e;
  assert_int_equal(qv_ipc_read_stream_buffer(buf, &ro, &back, &e), QV_ERR_LIMIT);
  assert_non_null(strstr(e.message, "field 'x'"));
  ro.max_decompressed_size = 80000;
  OK(qv_ipc_read_stream_buffer(buf, &ro, &back, err));
  tu_assert_tables_equal(t, back, "at the cap");
  qv_table_release(back);
  qv_buffer_release(buf);
  qv_table_release(t);
  qv_schema_release(s);
  qv_field_release(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_both_codecs),
      cmocka_unit_test(test_raw_prefix_and_empty),
      cmocka_unit_test(test_bad_codec_short_buffer_negative_prefix),
      cmocka_unit_test(test_prefix_above_cap),
      cmocka_unit_test(test_size_mismatch_trailing_and_extra_frames),
      cmocka_unit_test(test_writer_stores_incompressible_raw),
      cmocka_unit_test(test_read_option_max_decompressed_size),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
