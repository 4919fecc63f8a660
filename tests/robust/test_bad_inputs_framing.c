/* BAD_INPUTS classes 1-6 and 10-12: message framing and the message
 * envelope, through every stream read path (one-call reader, pull reader
 * over a buffer and over an fd, push decoder by pointer in 1- and 5-byte
 * feeds and zero-copy; see robust_util.h).
 *
 *   1  0-7 bytes, or a cut inside a prefix        QV_ERR_TRUNCATED
 *   2  continuation token negative and != -1      QV_ERR_INVALID_DATA
 *   3  metadata length < 0                        QV_ERR_INVALID_DATA
 *   4  metadata length / bodyLength > input       QV_ERR_TRUNCATED, no allocation sized by the claim
 *   5  bodyLength < 0                             QV_ERR_INVALID_DATA
 *   6  cut inside metadata or body                QV_ERR_TRUNCATED (never a clean end);
 *      a cut at a message boundary is a clean end unless require_eos
 *  10  MetadataVersion < V4 or > V5               QV_ERR_UNSUPPORTED
 *  11  first message not a Schema, header NONE,
 *      unknown or Tensor header, second Schema    QV_ERR_INVALID_DATA / QV_ERR_UNSUPPORTED
 *  12  Schema with a body; batch without one      QV_ERR_INVALID_DATA
 */
#include "robust/robust_alloc_probe.h"
#include "robust/robust_util.h"

static const int32_t k_vals[3] = {7, 8, 9};

/* Schema {x: int32}. */
static qv_schema *int32_schema(void) { return rt_schema1("x", qv_type_int32()); }

/* Schema {x: int32} then one batch of k_vals, optionally EOS. */
static void int32_stream(rt_bytes *out, bool eos) {
  memset(out, 0, sizeof *out);
  qv_schema *s = int32_schema();
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  rt_schema_msg(out, s);
  rt_batch_msg(out, &b);
  if (eos) rt_eos(out);
  rt_body_free(&b);
  qv_schema_release(s);
}

static void prefix_of(rt_bytes *out, const rt_bytes *in, size_t n) {
  memset(out, 0, sizeof *out);
  rt_put(out, in->p, n);
}

/* ---- 1 ---- */

static void class_01_short_prefix(void **state) {
  (void)state;
  rt_bytes s, cut;
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 1, NULL);
  /* 0-7 bytes of a stream */
  for (size_t k = 0; k < 8; k++) {
    prefix_of(&cut, &s, k);
    rt_expect_stream(&cut, NULL, QV_ERR_TRUNCATED, k == 0 ? "before its Schema message" : "inside a message prefix");
    rt_bytes_free(&cut);
  }
  /* a cut inside the prefix of the second message */
  size_t second = 8 + (size_t)qv_fb_load_i32(s.p + 4);
  for (size_t k = 1; k < 8; k++) {
    prefix_of(&cut, &s, second + k);
    rt_expect_stream(&cut, NULL, QV_ERR_TRUNCATED, "inside a message prefix");
    rt_bytes_free(&cut);
  }
  rt_bytes_free(&s);
  /* legacy (pre-0.15) framing: a 4-byte prefix */
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.legacy_framing = true;
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 1, &wo);
  assert_true(qv_fb_load_i32(s.p) > 0); /* no continuation marker */
  for (size_t k = 1; k < 4; k++) {
    prefix_of(&cut, &s, k);
    rt_expect_stream(&cut, NULL, QV_ERR_TRUNCATED, "inside a message prefix");
    rt_bytes_free(&cut);
  }
  rt_bytes_free(&s);
  /* the same 0-7 bytes given to the file reader */
  rt_sample_ipc(&s, QV_IPC_FORMAT_FILE, 1, NULL);
  for (size_t k = 0; k < 8; k++) {
    prefix_of(&cut, &s, k);
    rt_expect_file(&cut, NULL, QV_ERR_INVALID_DATA, "too small");
    rt_bytes_free(&cut);
  }
  rt_bytes_free(&s);
}

/* ---- 2 ---- */

static void class_02_negative_continuation_token(void **state) {
  (void)state;
  static const int32_t tokens[] = {-2, INT32_MIN, -256};
  for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
    char needle[96];
    snprintf(needle, sizeof needle, "continuation token / metadata length %d is negative", tokens[i]);
    /* as the first message */
    rt_bytes s;
    memset(&s, 0, sizeof s);
    rt_put_i32(&s, tokens[i]);
    rt_put_i32(&s, 16);
    rt_put_zeros(&s, 16);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, needle);
    rt_bytes_free(&s);
    /* after a valid Schema: the message offset is named */
    rt_bytes t;
    memset(&t, 0, sizeof t);
    qv_schema *sc = int32_schema();
    qv_ipc_block blk = rt_schema_msg(&t, sc);
    qv_schema_release(sc);
    rt_put_i32(&t, tokens[i]);
    rt_put_zeros(&t, 12);
    char at[64];
    snprintf(at, sizeof at, "at byte %lld", (long long)(blk.metadata_length));
    rt_expect_stream(&t, NULL, QV_ERR_INVALID_DATA, needle);
    rt_expect_stream(&t, NULL, QV_ERR_INVALID_DATA, at);
    rt_bytes_free(&t);
  }
}

/* ---- 3 ---- */

static void class_03_negative_metadata_length(void **state) {
  (void)state;
  static const int32_t lens[] = {-1, -8, INT32_MIN};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "metadata length %d is negative", lens[i]);
    rt_bytes s;
    memset(&s, 0, sizeof s);
    rt_put_i32(&s, -1);
    rt_put_i32(&s, lens[i]); /* a uint32 above 2^31 read as int32 */
    rt_put_zeros(&s, 64);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, needle);
    rt_bytes_free(&s);
  }
}

/* ---- 4 ---- */

static void class_04_length_exceeds_input(void **state) {
  (void)state;
  rt_bytes s, t;
  /* metadata length larger than what follows */
  int32_stream(&s, true);
  int32_t real = qv_fb_load_i32(s.p + 4);
  prefix_of(&t, &s, 8 + (size_t)real);
  qv_fb_store_u32(t.p + 4, 1000);
  rt_expect_stream(&t, NULL, QV_ERR_TRUNCATED, "of 1000 metadata bytes");
  rt_bytes_free(&t);
  /* the same claim inside a complete stream: the next message's bytes are
   * taken as metadata, which then fails to verify or runs short */
  rt_bytes_copy(&t, &s);
  qv_fb_store_u32(t.p + 4, (uint32_t)(t.n - 8 + 8));
  rt_expect_stream(&t, NULL, QV_ERR_TRUNCATED, "metadata bytes");
  rt_bytes_free(&t);
  rt_bytes_free(&s);

  /* bodyLength larger than what follows: 1 GiB, then 1 TiB. The decoder
   * may reserve a bounded first chunk, but nothing sized by the claim. */
  size_t peak[2];
  int64_t claims[2] = {(int64_t)1 << 30, (int64_t)1 << 40};
  for (int i = 0; i < 2; i++) {
    memset(&t, 0, sizeof t);
    qv_schema *sc = int32_schema();
    rt_body b;
    rt_int32_body(&b, k_vals, 3);
    b.declared_body_length = claims[i];
    rt_schema_msg(&t, sc);
    rt_batch_msg(&t, &b);
    char needle[96];
    snprintf(needle, sizeof needle, "of %lld body bytes", (long long)claims[i]);
    rt_probe_start();
    rt_expect_stream(&t, NULL, QV_ERR_TRUNCATED, needle);
    peak[i] = rt_probe_stop();
    rt_body_free(&b);
    qv_schema_release(sc);
    rt_bytes_free(&t);
  }
  print_message("largest allocation for a 1 GiB / 1 TiB bodyLength claim: %zu / %zu bytes\n", peak[0], peak[1]);
  assert_true(peak[0] <= ((size_t)16 << 20) + 4096); /* the decoder's documented first chunk */
  assert_true(peak[1] <= ((size_t)16 << 20) + 4096);
  assert_int_equal(peak[0], peak[1]); /* independent of the claim */
}

/* ---- 5 ---- */

static void class_05_negative_body_length(void **state) {
  (void)state;
  static const int64_t lens[] = {-8, -1, INT64_MIN};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    rt_bytes s;
    memset(&s, 0, sizeof s);
    qv_schema *sc = int32_schema();
    rt_schema_msg(&s, sc);
    rt_body b;
    rt_int32_body(&b, k_vals, 3);
    qv_fb_builder fb;
    qv__fb_builder_init(&fb);
    qv_fb_ref rb = rt_batch_table(&fb, &b);
    rt_msg_raw(&s, &fb, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, rb, lens[i], b.bytes.p, b.bytes.n);
    rt_eos(&s);
    char needle[64];
    snprintf(needle, sizeof needle, "bodyLength %lld is negative", (long long)lens[i]);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, needle);
    qv__fb_builder_free(&fb);
    rt_body_free(&b);
    qv_schema_release(sc);
    rt_bytes_free(&s);
  }
}

/* ---- 6 ---- */

typedef struct span {
  size_t start, meta, body, end;
  bool batch;
} span;

/* Splits a well-formed stream into its messages (the EOS included). */
static int scan(const rt_bytes *s, span *out, int cap) {
  size_t pos = 0;
  int n = 0;
  while (pos < s->n) {
    assert_true(n < cap);
    span *m = &out[n++];
    m->start = pos;
    int32_t first = qv_fb_load_i32(s->p + pos);
    size_t plen = first == -1 ? 8 : 4;
    int32_t len = first == -1 ? qv_fb_load_i32(s->p + pos + 4) : first;
    m->meta = pos + plen;
    m->batch = false;
    if (len == 0) { /* EOS */
      m->body = m->end = pos + plen;
      break;
    }
    qv_ipc_message msg;
    RT_OK(qv__ipc_message_decode(s->p + m->meta, (size_t)len, &msg, &rt__e));
    m->body = m->meta + (size_t)len;
    m->end = m->body + (size_t)msg.body_length;
    m->batch = msg.type == FB_HEADER_RECORD_BATCH;
    pos = m->end;
  }
  return n;
}

/* Every cut of a well-formed stream: inside a message it is an error that
 * says where; at a message boundary it is a clean end with the batches
 * before it (or an error with require_eos). */
static void check_every_cut(const rt_bytes *s, int rows_per_batch) {
  span sp[32];
  int n = scan(s, sp, 32);
  assert_true(n >= 3);
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true;
  for (size_t cut = 0; cut < s->n; cut++) {
    rt_bytes c;
    prefix_of(&c, s, cut);
    int k = 0;
    while (k + 1 < n && sp[k + 1].start <= cut) k++;
    const span *m = &sp[k];
    if (cut == 0) {
      rt_expect_stream(&c, NULL, QV_ERR_TRUNCATED, "before its Schema message");
    } else if (cut == m->start) {
      int64_t rows = 0;
      for (int j = 0; j < k; j++) rows += sp[j].batch ? rows_per_batch : 0;
      assert_int_equal(rt_expect_stream(&c, NULL, QV_OK, NULL), rows);
      rt_expect_stream(&c, &strict, QV_ERR_TRUNCATED, "without the end-of-stream marker");
    } else if (cut < m->meta) {
      rt_expect_stream(&c, NULL, QV_ERR_TRUNCATED, "inside a message prefix");
    } else if (cut < m->body) {
      rt_expect_stream(&c, NULL, QV_ERR_TRUNCATED, "metadata bytes");
    } else {
      rt_expect_stream(&c, NULL, QV_ERR_TRUNCATED, "body bytes");
    }
    rt_bytes_free(&c);
  }
  /* the whole stream, EOS included, is complete even when strict */
  assert_int_equal(rt_expect_stream(s, &strict, QV_OK, NULL), (int64_t)rows_per_batch * (n - 2));
}

static void class_06_truncated_inside_message(void **state) {
  (void)state;
  rt_bytes s;
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 2, NULL);
  check_every_cut(&s, 3);
  rt_bytes_free(&s);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.legacy_framing = true;
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 2, &wo);
  check_every_cut(&s, 3);
  rt_bytes_free(&s);
}

/* ---- 10 ---- */

static void class_10_metadata_version(void **state) {
  (void)state;
  static const struct {
    int16_t version;
    const char *needle;
  } bad[] = {
      {FB_METADATA_V1, "metadata version 0 (V1)"}, {FB_METADATA_V2, "metadata version 1 (V2)"},
      {FB_METADATA_V3, "metadata version 2 (V3)"}, {FB_METADATA_V5 + 1, "metadata version 5 (V6)"},
      {100, "metadata version 100 (V101)"},        {-1, "metadata version -1"},
      {RT_VERSION_ABSENT, "metadata version 0 (V1)"}, /* absent reads as V1 */
  };
  qv_schema *sc = int32_schema();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rt_bytes s;
    memset(&s, 0, sizeof s);
    rt_schema_msg_raw(&s, sc, bad[i].version, 0, NULL, 0);
    rt_eos(&s);
    rt_expect_stream(&s, NULL, QV_ERR_UNSUPPORTED, bad[i].needle);
    rt_bytes_free(&s);
  }
  /* a bad version on a later message */
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  qv_fb_builder fb;
  qv__fb_builder_init(&fb);
  rt_msg_raw(&s, &fb, FB_METADATA_V5 + 1, FB_HEADER_RECORD_BATCH, rt_batch_table(&fb, &b), rt_body_declared(&b),
             b.bytes.p, b.bytes.n);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_UNSUPPORTED, "metadata version 5 (V6)");
  rt_bytes_free(&s);
  /* positive control: V4 (Arrow 0.8 - 0.17) is read */
  memset(&s, 0, sizeof s);
  rt_schema_msg_raw(&s, sc, FB_METADATA_V4, 0, NULL, 0);
  rt_msg_raw(&s, &fb, FB_METADATA_V4, FB_HEADER_RECORD_BATCH, rt_batch_table(&fb, &b), rt_body_declared(&b),
             b.bytes.p, b.bytes.n);
  rt_eos(&s);
  assert_int_equal(rt_expect_stream(&s, NULL, QV_OK, NULL), 3);
  rt_bytes_free(&s);
  qv__fb_builder_free(&fb);
  rt_body_free(&b);
  qv_schema_release(sc);
}

/* ---- 11 ---- */

static void class_11_wrong_message_kind(void **state) {
  (void)state;
  qv_schema *sc = int32_schema();
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  qv_fb_builder fb;
  qv__fb_builder_init(&fb);
  rt_bytes s;

  /* a RecordBatch first */
  memset(&s, 0, sizeof s);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "the first must be a Schema");
  rt_bytes_free(&s);
  /* a DictionaryBatch first */
  memset(&s, 0, sizeof s);
  rt_dict_msg(&s, 0, false, &b);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "the first must be a Schema");
  rt_bytes_free(&s);
  /* header NONE */
  memset(&s, 0, sizeof s);
  rt_msg_raw(&s, &fb, FB_METADATA_V5, FB_HEADER_NONE, 0, 0, NULL, 0);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "Message has no header");
  rt_bytes_free(&s);
  /* unknown header kinds and Tensor / SparseTensor, first or later */
  static const uint8_t kinds[] = {FB_HEADER_TENSOR, FB_HEADER_SPARSE_TENSOR, 6, 200};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    for (int later = 0; later < 2; later++) {
      memset(&s, 0, sizeof s);
      if (later) rt_schema_msg(&s, sc);
      rt_msg_raw(&s, &fb, FB_METADATA_V5, kinds[i], rt_empty_table(&fb), 0, NULL, 0);
      rt_eos(&s);
      rt_expect_stream(&s, NULL, QV_ERR_UNSUPPORTED, "Message header");
      rt_bytes_free(&s);
    }
  }
  /* a second Schema, right away or after a batch */
  for (int after_batch = 0; after_batch < 2; after_batch++) {
    memset(&s, 0, sizeof s);
    rt_schema_msg(&s, sc);
    if (after_batch) rt_batch_msg(&s, &b);
    rt_schema_msg(&s, sc);
    rt_eos(&s);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "a second Schema message");
    rt_bytes_free(&s);
  }
  /* the end-of-stream marker before any Schema: not a stream */
  memset(&s, 0, sizeof s);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_TRUNCATED, "Schema");
  rt_bytes_free(&s);
  memset(&s, 0, sizeof s);
  rt_put_i32(&s, 0); /* legacy EOS */
  rt_expect_stream(&s, NULL, QV_ERR_TRUNCATED, "Schema");
  rt_bytes_free(&s);

  qv__fb_builder_free(&fb);
  rt_body_free(&b);
  qv_schema_release(sc);
}

/* ---- 12 ---- */

static void class_12_body_presence(void **state) {
  (void)state;
  qv_schema *sc = int32_schema();
  rt_bytes s;
  /* a Schema with a body */
  memset(&s, 0, sizeof s);
  uint8_t junk[16] = {1, 2, 3};
  rt_schema_msg_raw(&s, sc, FB_METADATA_V5, 16, junk, 16);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "Schema message has a body of 16 bytes");
  rt_bytes_free(&s);

  /* a RecordBatch whose buffers point into a body it does not have */
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  b.declared_body_length = 0;
  b.omit_body = true;
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "extends past the body (0 bytes)");
  rt_bytes_free(&s);
  /* ... or whose buffers are all empty although it has rows */
  b.bufs[1].length = 0;
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "values buffer (#1) has 0 bytes, the layout needs 12");
  rt_bytes_free(&s);
  rt_body_free(&b);

  /* a DictionaryBatch without a body */
  qv_type *dt = NULL;
  RT_OK(qv_type_dictionary(qv_type_int8(), qv_type_int32(), false, &dt, &rt__e));
  qv_schema *ds = rt_schema1("d", dt);
  rt_int32_body(&b, k_vals, 3);
  b.declared_body_length = 0;
  b.omit_body = true;
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, ds);
  rt_dict_msg(&s, 0, false, &b);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "DictionaryBatch 0: RecordBatch buffer 1");
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "extends past the body (0 bytes)");
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_schema_release(ds);
  qv_type_release(dt);

  /* positive control: a batch of zero rows needs no body */
  rt_int32_body(&b, k_vals, 0);
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &b);
  rt_eos(&s);
  assert_int_equal(rt_expect_stream(&s, NULL, QV_OK, NULL), 0);
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_schema_release(sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_01_short_prefix),
      cmocka_unit_test(class_02_negative_continuation_token),
      cmocka_unit_test(class_03_negative_metadata_length),
      cmocka_unit_test(class_04_length_exceeds_input),
      cmocka_unit_test(class_05_negative_body_length),
      cmocka_unit_test(class_06_truncated_inside_message),
      cmocka_unit_test(class_10_metadata_version),
      cmocka_unit_test(class_11_wrong_message_kind),
      cmocka_unit_test(class_12_body_presence),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
