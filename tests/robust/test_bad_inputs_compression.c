/* BAD_INPUTS classes 31-33: compressed bodies (BodyCompression LZ4_FRAME /
 * ZSTD, each buffer an int64 uncompressed-length prefix then one frame),
 * through every stream read path.
 *
 *  31  unknown codec or method; a compressed buffer shorter than its
 *      prefix; a prefix < -1                                QV_ERR_INVALID_DATA
 *  32  a prefix claiming 1 TB (or anything above the per-message cap)
 *      fails with QV_ERR_LIMIT BEFORE any allocation: robust_alloc_probe.h
 *      records every mapping quiver's allocator makes (all blocks >= 1 MiB
 *      are mmap'd), and a positive control shows the probe does see a
 *      real 2 MiB decompression
 *  33  the frame decodes to fewer or more bytes than the prefix, trailing
 *      bytes or a second frame after it, a truncated frame QV_ERR_INVALID_DATA
 */
#include "robust/robust_alloc_probe.h"
#include "robust/robust_util.h"

#include <lz4frame.h>
#include <zstd.h>

static const int32_t k_vals[3] = {7, 8, 9};

/* ---- frames ---- */

static void zstd_frame(rt_bytes *out, const void *src, size_t n, bool content_size) {
  ZSTD_CCtx *c = ZSTD_createCCtx();
  assert_non_null(c);
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size ? 1 : 0);
  size_t cap = ZSTD_compressBound(n);
  rt_reserve(out, cap);
  size_t r = ZSTD_compress2(c, out->p + out->n, cap, src, n);
  assert_false(ZSTD_isError(r));
  out->n += r;
  ZSTD_freeCCtx(c);
}

static void lz4_frame(rt_bytes *out, const void *src, size_t n, bool content_size) {
  LZ4F_preferences_t prefs;
  memset(&prefs, 0, sizeof prefs);
  if (content_size) prefs.frameInfo.contentSize = n;
  size_t cap = LZ4F_compressFrameBound(n, &prefs);
  rt_reserve(out, cap);
  size_t r = LZ4F_compressFrame(out->p + out->n, cap, src, n, &prefs);
  assert_false(LZ4F_isError(r));
  out->n += r;
}

enum { ZSTD = FB_COMPRESSION_ZSTD, LZ4 = FB_COMPRESSION_LZ4_FRAME };

/* A compressed buffer: the prefix, then the frame(s) of src[0, n). */
static void comp(rt_bytes *out, int codec, int64_t prefix, const void *src, size_t n, bool content_size) {
  memset(out, 0, sizeof *out);
  rt_put_i64(out, prefix);
  if (codec == ZSTD)
    zstd_frame(out, src, n, content_size);
  else
    lz4_frame(out, src, n, content_size);
}

/* One int32 column whose values buffer is `values` (bytes as given). */
static void body_with(rt_body *b, int codec, const rt_bytes *values, int64_t rows) {
  rt_body_init(b, rows);
  b->codec = codec;
  rt_node(b, rows, 0);
  rt_buf(b, NULL, 0);
  rt_buf(b, values->p, values->n);
}

static void expect_int32(const rt_body *b, const qv_ipc_read_options *o, qv_status code, const char *needle) {
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_int32(), b);
  rt_expect_stream(&s, o, code, needle);
  rt_bytes_free(&s);
}

/* A RecordBatch table with an explicit BodyCompression (any codec and
 * method numbers). */
static qv_fb_ref raw_batch(qv_fb_builder *fb, const rt_body *b, int8_t codec, int8_t method) {
  qv_fb_ref nodes, buffers, comp_t, r;
  RT_OK(qv__fb_create_vector(fb, b->nodes, b->n_nodes, 16, 8, &nodes));
  RT_OK(qv__fb_create_vector(fb, b->bufs, b->n_bufs, 16, 8, &buffers));
  RT_OK(qv__fb_start_table(fb));
  RT_OK(qv__fb_add_int8(fb, FB_BODY_COMPRESSION_CODEC, codec, -128));
  RT_OK(qv__fb_add_int8(fb, FB_BODY_COMPRESSION_METHOD, method, -128));
  RT_OK(qv__fb_end_table(fb, &comp_t));
  RT_OK(qv__fb_start_table(fb));
  RT_OK(qv__fb_add_int64(fb, FB_RECORD_BATCH_LENGTH, b->length, -1));
  RT_OK(qv__fb_add_offset(fb, FB_RECORD_BATCH_NODES, nodes));
  RT_OK(qv__fb_add_offset(fb, FB_RECORD_BATCH_BUFFERS, buffers));
  RT_OK(qv__fb_add_offset(fb, FB_RECORD_BATCH_COMPRESSION, comp_t));
  RT_OK(qv__fb_end_table(fb, &r));
  return r;
}

/* ---- 31 ---- */

static void class_31_bad_codec_or_prefix(void **state) {
  (void)state;
  rt_bytes v;
  rt_body b;
  /* positive controls: both codecs, and the raw (-1) prefix */
  comp(&v, ZSTD, 12, k_vals, 12, true);
  body_with(&b, ZSTD, &v, 3);
  expect_int32(&b, NULL, QV_OK, NULL);
  rt_body_free(&b);
  rt_bytes_free(&v);
  comp(&v, LZ4, 12, k_vals, 12, true);
  body_with(&b, LZ4, &v, 3);
  expect_int32(&b, NULL, QV_OK, NULL);
  rt_body_free(&b);
  rt_bytes_free(&v);
  memset(&v, 0, sizeof v);
  rt_put_i64(&v, -1);
  rt_put(&v, k_vals, 12);
  body_with(&b, ZSTD, &v, 3);
  expect_int32(&b, NULL, QV_OK, NULL);
  rt_body_free(&b);
  rt_bytes_free(&v);

  /* unknown codec / method */
  comp(&v, ZSTD, 12, k_vals, 12, true);
  body_with(&b, ZSTD, &v, 3);
  static const struct {
    int8_t codec, method;
    const char *needle;
  } bad[] = {{2, 0, "RecordBatch.compression codec 2 is unknown (LZ4_FRAME=0, ZSTD=1)"},
             {-1, 0, "codec -1 is unknown"},
             {1, 1, "RecordBatch.compression method 1 is unknown (BUFFER=0)"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rt_bytes s;
    memset(&s, 0, sizeof s);
    qv_schema *sc = rt_schema1("x", qv_type_int32());
    rt_schema_msg(&s, sc);
    qv_fb_builder fb;
    qv__fb_builder_init(&fb);
    rt_msg_raw(&s, &fb, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, raw_batch(&fb, &b, bad[i].codec, bad[i].method),
               rt_body_declared(&b), b.bytes.p, b.bytes.n);
    rt_eos(&s);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, bad[i].needle);
    qv__fb_builder_free(&fb);
    qv_schema_release(sc);
    rt_bytes_free(&s);
  }
  rt_body_free(&b);
  rt_bytes_free(&v);

  /* a compressed buffer shorter than its prefix */
  for (size_t n = 1; n < 8; n += 3) {
    memset(&v, 0, sizeof v);
    rt_put(&v, "\x0c\0\0\0\0\0\0", n);
    body_with(&b, ZSTD, &v, 3);
    char needle[96];
    snprintf(needle, sizeof needle, "compressed buffer of %zu bytes is shorter than its 8-byte length prefix", n);
    expect_int32(&b, NULL, QV_ERR_INVALID_DATA, needle);
    rt_body_free(&b);
    rt_bytes_free(&v);
  }
  /* a prefix below -1 */
  static const int64_t prefixes[] = {-2, INT64_MIN};
  for (int i = 0; i < 2; i++) {
    comp(&v, LZ4, prefixes[i], k_vals, 12, true);
    body_with(&b, LZ4, &v, 3);
    char needle[96];
    snprintf(needle, sizeof needle, "invalid uncompressed length %lld in compression prefix", (long long)prefixes[i]);
    expect_int32(&b, NULL, QV_ERR_INVALID_DATA, needle);
    rt_body_free(&b);
    rt_bytes_free(&v);
  }
  /* a payload that is not a frame of the codec */
  memset(&v, 0, sizeof v);
  rt_put_i64(&v, 12);
  rt_put(&v, "this is not compressed!!", 24);
  body_with(&b, ZSTD, &v, 3);
  expect_int32(&b, NULL, QV_ERR_INVALID_DATA, "values buffer (#1): corrupt ZSTD frame");
  b.codec = LZ4;
  expect_int32(&b, NULL, QV_ERR_INVALID_DATA, "values buffer (#1): corrupt LZ4 frame");
  rt_body_free(&b);
  rt_bytes_free(&v);
}

/* ---- 32 ---- */

static void class_32_prefix_claims_1tb(void **state) {
  (void)state;
  rt_bytes v;
  rt_body b;
  static const int64_t claims[] = {(int64_t)1 << 40, INT64_MAX, ((int64_t)4 << 30) + 1};
  for (int codec = 0; codec < 2; codec++) {
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
      comp(&v, codec, claims[i], k_vals, 12, false);
      body_with(&b, codec, &v, 3);
      char needle[160];
      snprintf(needle, sizeof needle,
               "values buffer (#1): compression prefix claims %lld uncompressed bytes, above the remaining limit of "
               "4294967296 bytes for this message",
               (long long)claims[i]);
      rt_probe_start();
      expect_int32(&b, NULL, QV_ERR_LIMIT, needle);
      size_t peak = rt_probe_stop();
      if (peak >= ((size_t)1 << 20))
        fail_msg("a %lld-byte claim led to a %zu-byte allocation before failing", (long long)claims[i], peak);
      rt_body_free(&b);
      rt_bytes_free(&v);
    }
  }

  /* A real 2 MiB buffer (zeros compress to a few bytes). Positive control
   * with the default cap: decoded, and the probe sees the allocation. */
  const size_t big = (size_t)2 << 20;
  uint8_t *zeros = calloc(big, 1);
  assert_non_null(zeros);
  rt_body_init(&b, (int64_t)big);
  b.codec = ZSTD;
  rt_node(&b, (int64_t)big, 0);
  rt_buf(&b, NULL, 0);
  comp(&v, ZSTD, (int64_t)big, zeros, big, true);
  rt_buf(&b, v.p, v.n);
  rt_bytes_free(&v);
  assert_true(b.bytes.n < 4096);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_int8(), &b);
  rt_probe_start();
  assert_int_equal(rt_expect_stream(&s, NULL, QV_OK, NULL), (int64_t)big);
  size_t peak = rt_probe_stop();
  assert_true(peak >= big);
  /* With a 1 MiB cap it fails, and nothing near 2 MiB is allocated. */
  qv_ipc_read_options capped = QV_IPC_READ_OPTIONS_DEFAULT;
  capped.max_decompressed_size = (int64_t)1 << 20;
  rt_probe_start();
  rt_expect_stream(&s, &capped, QV_ERR_LIMIT,
                   "compression prefix claims 2097152 uncompressed bytes, above the remaining limit of 1048576 bytes");
  peak = rt_probe_stop();
  assert_true(peak < big);
  rt_bytes_free(&s);
  rt_body_free(&b);

  /* The cap is per message: two 600 KiB columns exceed 1 MiB together in
   * one message; the same data in two messages is fine. */
  const size_t part = 600 * 1024;
  qv_type *types[2] = {qv_type_int8(), qv_type_int8()};
  const char *names[2] = {"a", "b"};
  qv_schema *sc = rt_schema(2, names, types);
  comp(&v, LZ4, (int64_t)part, zeros, part, true);
  rt_body_init(&b, (int64_t)part);
  b.codec = LZ4;
  for (int c = 0; c < 2; c++) {
    rt_node(&b, (int64_t)part, 0);
    rt_buf(&b, NULL, 0);
    rt_buf(&b, v.p, v.n);
  }
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  char needle[160];
  snprintf(needle, sizeof needle, "field 'b': values buffer (#3): compression prefix claims %zu uncompressed bytes, "
           "above the remaining limit of %zu bytes", part, ((size_t)1 << 20) - part);
  rt_expect_stream(&s, &capped, QV_ERR_LIMIT, needle);
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_schema_release(sc);
  qv_schema *one = rt_schema1("a", qv_type_int8());
  rt_body_init(&b, (int64_t)part);
  b.codec = LZ4;
  rt_node(&b, (int64_t)part, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, v.p, v.n);
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, one);
  rt_batch_msg(&s, &b);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  assert_int_equal(rt_expect_stream(&s, &capped, QV_OK, NULL), 2 * (int64_t)part);
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_schema_release(one);
  rt_bytes_free(&v);
  free(zeros);
}

/* ---- 33 ---- */

static void expect_values(rt_bytes *v, int codec, const char *needle) {
  rt_body b;
  body_with(&b, codec, v, 3);
  expect_int32(&b, NULL, QV_ERR_INVALID_DATA, needle);
  rt_body_free(&b);
  rt_bytes_free(v);
}

static void class_33_decompressed_size_mismatch(void **state) {
  (void)state;
  rt_bytes v;
  const int32_t more[4] = {7, 8, 9, 10};
  /* ZSTD: the frame declares its size */
  comp(&v, ZSTD, 16, k_vals, 12, true);
  expect_values(&v, ZSTD, "ZSTD frame declares 12 bytes, prefix declares 16");
  comp(&v, ZSTD, 8, k_vals, 12, true);
  expect_values(&v, ZSTD, "ZSTD frame declares 12 bytes, prefix declares 8");
  /* ZSTD without a declared size: fewer bytes, or output past the prefix */
  comp(&v, ZSTD, 16, k_vals, 12, false);
  expect_values(&v, ZSTD, "ZSTD frame decodes to 12 bytes, prefix declares 16");
  comp(&v, ZSTD, 12, more, 16, false);
  expect_values(&v, ZSTD, "ZSTD frame decodes to more than the 12 bytes its prefix declares");
  /* trailing garbage, a second frame */
  comp(&v, ZSTD, 12, k_vals, 12, true);
  rt_put(&v, "xyz", 3);
  expect_values(&v, ZSTD, "3 trailing bytes after the ZSTD frame");
  comp(&v, ZSTD, 12, k_vals, 12, true);
  zstd_frame(&v, k_vals, 12, true);
  expect_values(&v, ZSTD, "trailing bytes after the ZSTD frame (extra frame or garbage)");
  /* a truncated frame */
  comp(&v, ZSTD, 12, k_vals, 12, true);
  v.n -= 3;
  expect_values(&v, ZSTD, "corrupt ZSTD frame");

  /* LZ4, without and with a declared content size */
  comp(&v, LZ4, 16, k_vals, 12, false);
  expect_values(&v, LZ4, "LZ4 frame decodes to 12 bytes, prefix declares 16");
  comp(&v, LZ4, 12, more, 16, false);
  expect_values(&v, LZ4, "LZ4 frame decodes to more than the 12 bytes its prefix declares");
  comp(&v, LZ4, 16, k_vals, 12, true);
  expect_values(&v, LZ4, "LZ4 frame");
  comp(&v, LZ4, 12, k_vals, 12, false);
  lz4_frame(&v, k_vals, 12, false);
  expect_values(&v, LZ4, "trailing bytes after the LZ4 frame (extra frame or garbage)");
  comp(&v, LZ4, 12, k_vals, 12, false);
  rt_put(&v, "\0", 1);
  expect_values(&v, LZ4, "1 trailing bytes after the LZ4 frame");
  comp(&v, LZ4, 12, k_vals, 12, false);
  v.n -= 4; /* cut the end mark */
  expect_values(&v, LZ4, "LZ4 frame is truncated");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_31_bad_codec_or_prefix),
      cmocka_unit_test(class_32_prefix_claims_1tb),
      cmocka_unit_test(class_33_decompressed_size_mismatch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
