/* BAD_INPUTS.md classes as seen by the IPC readers: each class has a named
 * test that crafts the bad bytes (with the metadata encoder and by hand),
 * feeds them to the stream reader / decoder / file reader and checks the
 * error code and message. Every input is an exact-size heap copy so that
 * ASan catches any read past its end; UBSan any misaligned load. */
#include "ipc_test_util.h"

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_builder.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"

/* ---- a byte-stream crafter ---- */

typedef struct craft {
  uint8_t *p;
  size_t n, cap;
  qv_fb_builder fb;
} craft;

static void c_init(craft *c) {
  memset(c, 0, sizeof *c);
  qv__fb_builder_init(&c->fb);
}

static void c_free(craft *c) {
  free(c->p);
  qv__fb_builder_free(&c->fb);
}

static void c_bytes(craft *c, const void *d, size_t n) {
  if (c->n + n > c->cap) {
    c->cap = (c->n + n) * 2 + 64;
    c->p = (uint8_t *)realloc(c->p, c->cap);
    assert_non_null(c->p);
  }
  if (n) memcpy(c->p + c->n, d, n);
  c->n += n;
}

static void c_i32(craft *c, int32_t v) {
  uint8_t b[4];
  qv_fb_store_i32(b, v);
  c_bytes(c, b, 4);
}

/* A framed message: continuation, padded length, metadata, padding, body. */
static void c_frame(craft *c, const uint8_t *meta, size_t len, const void *body, size_t body_len) {
  static const uint8_t zeros[8];
  size_t pad = (8 - (8 + len) % 8) % 8;
  c_i32(c, -1);
  c_i32(c, (int32_t)(len + pad));
  c_bytes(c, meta, len);
  c_bytes(c, zeros, pad);
  c_bytes(c, body, body_len);
}

static void c_schema(craft *c, const qv_schema *s) {
  const uint8_t *meta;
  size_t len;
  qv__fb_builder_reset(&c->fb);
  OK(qv__ipc_schema_message_encode(&c->fb, s, NULL, 0, &meta, &len, err));
  c_frame(c, meta, len, NULL, 0);
}

typedef struct rb {
  int64_t length;
  qv_ipc_field_node nodes[8];
  uint32_t n_nodes;
  qv_ipc_buffer_loc bufs[8];
  uint32_t n_bufs;
  int64_t variadic[4];
  uint32_t n_variadic;
  int codec;
} rb;

/* A Message table by hand (any version, header kind and bodyLength). */
static void c_message(craft *c, int16_t version, uint8_t type, const rb *r, int64_t dict_id, int64_t body_length,
                      const void *body, size_t body_n) {
  qv__fb_builder_reset(&c->fb);
  qv_ipc_batch_desc d;
  memset(&d, 0, sizeof d);
  d.length = r->length;
  d.nodes = r->nodes;
  d.n_nodes = r->n_nodes;
  d.buffers = r->bufs;
  d.n_buffers = r->n_bufs;
  d.variadic_counts = r->n_variadic ? r->variadic : NULL;
  d.n_variadic = r->n_variadic;
  d.codec = r->codec;
  qv_fb_ref header;
  OK(qv__ipc_batch_encode(&c->fb, &d, &header, err));
  if (type == FB_HEADER_DICTIONARY_BATCH) {
    qv_fb_ref data = header;
    OK(qv__fb_start_table(&c->fb));
    OK(qv__fb_add_int64(&c->fb, FB_DICTIONARY_BATCH_ID, dict_id, -1));
    OK(qv__fb_add_offset(&c->fb, FB_DICTIONARY_BATCH_DATA, data));
    OK(qv__fb_end_table(&c->fb, &header));
  }
  qv_fb_ref msg;
  OK(qv__fb_start_table(&c->fb));
  OK(qv__fb_add_int16(&c->fb, FB_MESSAGE_VERSION, version, -1));
  OK(qv__fb_add_union(&c->fb, FB_MESSAGE_HEADER_TYPE, type, header));
  OK(qv__fb_add_int64(&c->fb, FB_MESSAGE_BODY_LENGTH, body_length, 0));
  OK(qv__fb_end_table(&c->fb, &msg));
  const uint8_t *meta;
  size_t len;
  OK(qv__fb_builder_finish(&c->fb, msg, &meta, &len, err));
  c_frame(c, meta, len, body, body_n);
}

static void c_batch(craft *c, const rb *r, const void *body, size_t body_n) {
  c_message(c, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, r, 0, (int64_t)body_n, body, body_n);
}

static void c_eos(craft *c) {
  c_i32(c, -1);
  c_i32(c, 0);
}

/* Reads the crafted bytes as a stream (exact-size copy). */
static qv_status c_read(const craft *c, const qv_ipc_read_options *ro, qv_error *e) {
  qv_buffer *b = NULL;
  OK(qv_buffer_copy_from(NULL, c->p, (int64_t)c->n, &b, err));
  qv_table *t = NULL;
  memset(e, 0, sizeof *e);
  qv_status st = qv_ipc_read_stream_buffer(b, ro, &t, e);
  qv_table_release(t);
  qv_buffer_release(b);
  /* the push decoder, fed byte by byte, agrees */
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(ro, &d, err));
  qv_status st2 = QV_OK;
  for (size_t i = 0; i < c->n && st2 == QV_OK; i++) st2 = qv_ipc_decoder_feed(d, c->p + i, 1, NULL);
  if (st2 == QV_OK) st2 = qv_ipc_decoder_finish(d, NULL);
  qv_ipc_decoder_free(d);
  assert_int_equal(st, st2);
  return st;
}

static void expect(const craft *c, qv_status want, const char *needle) {
  qv_error e;
  qv_status st = c_read(c, NULL, &e);
  if (st != want) fail_msg("expected %s, got %s (%s)", qv_status_name(want), qv_status_name(st), e.message);
  if (needle && strstr(e.message, needle) == NULL) fail_msg("message \"%s\" lacks \"%s\"", e.message, needle);
}

static qv_schema *schema1(qv_type *t) {
  qv_field *f = tu_field("col", t, true);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_field_release(f);
  return s;
}

/* A valid int32 batch of 2 rows for schema1(int32): node, [validity, values]. */
static void good_int32(rb *r) {
  memset(r, 0, sizeof *r);
  r->length = 2;
  r->n_nodes = 1;
  r->nodes[0] = (qv_ipc_field_node){2, 0};
  r->n_bufs = 2;
  r->bufs[0] = (qv_ipc_buffer_loc){0, 0};
  r->bufs[1] = (qv_ipc_buffer_loc){0, 8};
  r->codec = QV_IPC_NO_COMPRESSION;
}

static const int32_t k_body[4] = {7, -7, 0, 0};

static void test_control_good_crafted_stream(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  qv_schema *s = schema1(qv_type_int32());
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  c_batch(&c, &r, k_body, 8);
  c_eos(&c);
  expect(&c, QV_OK, NULL);
  qv_schema_release(s);
  c_free(&c);
}

/* 1: 0-7 bytes; cut mid-prefix */
static void test_bad01_short_prefix(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  expect(&c, QV_ERR_TRUNCATED, "before its Schema");
  c_eos(&c); /* an EOS marker alone: still no Schema */
  expect(&c, QV_ERR_TRUNCATED, "before its Schema");
  c.n = 0;
  for (int n = 1; n < 8; n++) {
    c.n = 0;
    c_i32(&c, -1);
    c_i32(&c, 64);
    c.n = (size_t)n;
    expect(&c, QV_ERR_TRUNCATED, "prefix");
  }
  c_free(&c);
}

/* 2: continuation token negative and != -1 */
static void test_bad02_negative_token(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  c_i32(&c, -2);
  c_i32(&c, 16);
  expect(&c, QV_ERR_INVALID_DATA, "-2");
  c_free(&c);
}

/* 3: metadata length < 0 */
static void test_bad03_negative_metadata_length(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  c_i32(&c, -1);
  c_i32(&c, (int32_t)0x80000010u);
  expect(&c, QV_ERR_INVALID_DATA, "negative");
  c_free(&c);
}

/* 4: metadata or body length beyond the input; nothing is pre-allocated
 * (the claims below are 200 MB and 1 TB) */
static void test_bad04_lengths_beyond_input(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  c_i32(&c, -1);
  c_i32(&c, 200 << 20);
  c_bytes(&c, "abcdefgh", 8);
  expect(&c, QV_ERR_TRUNCATED, "metadata");
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.max_metadata_size = 1024;
  qv_error e;
  assert_int_equal(c_read(&c, &ro, &e), QV_ERR_LIMIT);
  assert_non_null(strstr(e.message, "max_metadata_size"));
  c.n = 0;
  qv_schema *s = schema1(qv_type_int32());
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  c_message(&c, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, &r, 0, (int64_t)1 << 40, k_body, 8);
  expect(&c, QV_ERR_TRUNCATED, "body bytes");
  qv_schema_release(s);
  c_free(&c);
}

/* 5: bodyLength < 0 */
static void test_bad05_negative_body_length(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  qv_schema *s = schema1(qv_type_int32());
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  c_message(&c, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, &r, 0, -8, NULL, 0);
  expect(&c, QV_ERR_INVALID_DATA, "bodyLength -8 is negative");
  c.n = 0;
  c_schema(&c, s);
  c_message(&c, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, &r, 0, INT64_MIN, NULL, 0);
  expect(&c, QV_ERR_INVALID_DATA, "is negative");
  qv_schema_release(s);
  c_free(&c);
}

/* 6: a stream cut inside metadata or body is not a clean end */
static void test_bad06_truncated_not_clean_eos(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  qv_schema *s = schema1(qv_type_int32());
  c_schema(&c, s);
  size_t schema_end = c.n;
  rb r;
  good_int32(&r);
  c_batch(&c, &r, k_body, 8);
  size_t full = c.n;
  c.n = schema_end + 12; /* inside the batch's metadata */
  expect(&c, QV_ERR_TRUNCATED, "metadata bytes");
  c.n = full - 3; /* inside its body */
  expect(&c, QV_ERR_TRUNCATED, "body bytes");
  c.n = full; /* at a boundary: clean (EOS optional by default) */
  expect(&c, QV_OK, NULL);
  qv_schema_release(s);
  c_free(&c);
}

/* 7: invalid flatbuffer inside a well-framed message */
static void test_bad07_invalid_flatbuffer(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  uint8_t junk[24];
  memset(junk, 0xEE, sizeof junk);
  c_frame(&c, junk, sizeof junk, NULL, 0);
  expect(&c, QV_ERR_INVALID_DATA, "message 1 at byte 0");
  c_free(&c);
}

/* 10: MetadataVersion outside V4..V5 */
static void test_bad10_metadata_version(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  rb r;
  good_int32(&r);
  c_message(&c, FB_METADATA_V3, FB_HEADER_RECORD_BATCH, &r, 0, 8, k_body, 8);
  expect(&c, QV_ERR_UNSUPPORTED, "version");
  c.n = 0;
  c_message(&c, FB_METADATA_V5 + 1, FB_HEADER_RECORD_BATCH, &r, 0, 8, k_body, 8);
  expect(&c, QV_ERR_UNSUPPORTED, "version");
  c_free(&c);
}

/* 11: first message not a Schema; a second Schema; Tensor */
static void test_bad11_message_order(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  rb r;
  good_int32(&r);
  c_batch(&c, &r, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "the first must be a Schema");
  c.n = 0;
  qv_schema *s = schema1(qv_type_int32());
  c_schema(&c, s);
  c_schema(&c, s);
  expect(&c, QV_ERR_INVALID_DATA, "second Schema");
  c.n = 0;
  c_schema(&c, s);
  c_message(&c, FB_METADATA_V5, FB_HEADER_TENSOR, &r, 0, 8, k_body, 8);
  expect(&c, QV_ERR_UNSUPPORTED, "Tensor");
  qv_schema_release(s);
  c_free(&c);
}

/* 12: a Schema message with a body */
static void test_bad12_schema_with_body(void **state) {
  (void)state;
  craft c;
  c_init(&c);
  qv_schema *s = schema1(qv_type_int32());
  const uint8_t *meta;
  size_t len;
  qv_fb_ref sref, msg;
  OK(qv__ipc_schema_encode(&c.fb, s, NULL, 0, &sref, err));
  OK(qv__fb_start_table(&c.fb));
  OK(qv__fb_add_int16(&c.fb, FB_MESSAGE_VERSION, FB_METADATA_V5, -1));
  OK(qv__fb_add_union(&c.fb, FB_MESSAGE_HEADER_TYPE, FB_HEADER_SCHEMA, sref));
  OK(qv__fb_add_int64(&c.fb, FB_MESSAGE_BODY_LENGTH, 8, 0));
  OK(qv__fb_end_table(&c.fb, &msg));
  OK(qv__fb_builder_finish(&c.fb, msg, &meta, &len, err));
  c_frame(&c, meta, len, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "Schema message has a body");
  qv_schema_release(s);
  c_free(&c);
}

/* 15: too few or too many nodes or buffers */
static void test_bad15_node_and_buffer_counts(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  rb r;
  const struct {
    uint32_t nodes, bufs;
    const char *needle;
  } cases[] = {{0, 2, "ran out of field nodes"}, {2, 2, "2 field nodes but the schema uses 1"},
               {1, 1, "ran out of buffers"}, {1, 3, "3 buffers but the schema uses 2"}};
  for (size_t k = 0; k < 4; k++) {
    c.n = 0;
    c_schema(&c, s);
    good_int32(&r);
    r.n_nodes = cases[k].nodes;
    r.nodes[1] = r.nodes[0];
    r.n_bufs = cases[k].bufs;
    r.bufs[2] = r.bufs[1];
    c_batch(&c, &r, k_body, 8);
    expect(&c, QV_ERR_INVALID_DATA, cases[k].needle);
  }
  qv_schema_release(s);
  c_free(&c);
}

/* 16, 17: buffer offset/length negative, overflowing, or outside the body */
static void test_bad16_17_buffer_ranges(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  const qv_ipc_buffer_loc bad[] = {{-8, 8}, {0, -8}, {INT64_MAX - 4, 8}, {8, 8}, {0, 16}};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    c.n = 0;
    c_schema(&c, s);
    rb r;
    good_int32(&r);
    r.bufs[1] = bad[k];
    c_batch(&c, &r, k_body, 8);
    expect(&c, QV_ERR_INVALID_DATA, "buffer 1");
  }
  qv_schema_release(s);
  c_free(&c);
}

/* 18: a buffer at an offset that is not 8-aligned is copied, never loaded
 * misaligned (UBSan would flag it), and reads correctly */
static void test_bad18_misaligned_buffer_copied(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int64());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  r.bufs[1] = (qv_ipc_buffer_loc){4, 16};
  uint8_t body[24] = {0};
  int64_t v[2] = {1234567890123LL, -5};
  memcpy(body + 4, v, 16);
  c_batch(&c, &r, body, sizeof body);
  c_eos(&c);
  qv_buffer *b = NULL;
  OK(qv_buffer_copy_from(NULL, c.p, (int64_t)c.n, &b, err));
  qv_table *t = NULL;
  OK(qv_ipc_read_stream_buffer(b, NULL, &t, err));
  const qv_array *a = t->batches[0]->columns[0];
  assert_int_equal((uintptr_t)a->buffers[1]->data % 8, 0);
  assert_int_equal(qv_array_int64_value(a, 0), 1234567890123LL);
  assert_int_equal(qv_array_int64_value(a, 1), -5);
  qv_table_release(t);
  /* the same from a buffer whose start is itself misaligned */
  qv_buffer *odd = NULL, *view = NULL;
  OK(qv_buffer_allocate(NULL, (int64_t)c.n + 3, false, &odd, err));
  memcpy(odd->data + 3, c.p, c.n);
  OK(qv_buffer_view(odd, 3, (int64_t)c.n, &view, err));
  OK(qv_ipc_read_stream_buffer(view, NULL, &t, err));
  a = t->batches[0]->columns[0];
  assert_int_equal((uintptr_t)a->buffers[1]->data % 8, 0);
  assert_int_equal(qv_array_int64_value(a, 1), -5);
  qv_table_release(t);
  qv_buffer_release(view);
  qv_buffer_release(odd);
  qv_buffer_release(b);
  qv_schema_release(s);
  c_free(&c);
}

/* 19: node length < 0; column length != RecordBatch length */
static void test_bad19_lengths(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  r.nodes[0].length = -1;
  c_batch(&c, &r, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "negative");
  c.n = 0;
  c_schema(&c, s);
  good_int32(&r);
  r.length = 3;
  c_batch(&c, &r, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "has 2 rows but the RecordBatch has 3");
  qv_schema_release(s);
  c_free(&c);
}

/* 20: null_count < 0, > length, > 0 without a bitmap */
static void test_bad20_null_counts(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  const int64_t nc[] = {-1, 3, 1};
  const char *needle[] = {"null_count", "null_count", "validity bitmap is empty"};
  for (int k = 0; k < 3; k++) {
    c.n = 0;
    c_schema(&c, s);
    rb r;
    good_int32(&r);
    r.nodes[0].null_count = nc[k];
    c_batch(&c, &r, k_body, 8);
    expect(&c, QV_ERR_INVALID_DATA, needle[k]);
  }
  qv_schema_release(s);
  c_free(&c);
}

/* 21: data shorter than length x width; bitmap shorter than length bits */
static void test_bad21_buffers_too_small(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  r.bufs[1].length = 7;
  c_batch(&c, &r, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "has 7 bytes, the layout needs 8");
  c.n = 0;
  c_schema(&c, s);
  good_int32(&r);
  r.length = 20;
  r.nodes[0] = (qv_ipc_field_node){20, 1};
  r.bufs[0] = (qv_ipc_buffer_loc){0, 2}; /* 20 slots need 3 bitmap bytes */
  r.bufs[1] = (qv_ipc_buffer_loc){8, 80};
  uint8_t body[88] = {0xFF, 0xFF};
  c_batch(&c, &r, body, sizeof body);
  expect(&c, QV_ERR_INVALID_DATA, "validity buffer (#0) has 2 bytes, the layout needs 3");
  qv_schema_release(s);
  c_free(&c);
}

/* 22/23: offsets that point outside the data are caught by the structural
 * validation run on every loaded array */
static void test_bad22_23_offsets(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_string());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  memset(&r, 0, sizeof r);
  r.codec = QV_IPC_NO_COMPRESSION;
  r.length = 2;
  r.n_nodes = 1;
  r.nodes[0] = (qv_ipc_field_node){2, 0};
  r.n_bufs = 3;
  r.bufs[0] = (qv_ipc_buffer_loc){0, 0};
  r.bufs[1] = (qv_ipc_buffer_loc){0, 12};
  r.bufs[2] = (qv_ipc_buffer_loc){16, 8};
  int32_t body[6] = {0, 3, 1000, 0, 0x64636261, 0};
  c_batch(&c, &r, body, sizeof body);
  expect(&c, QV_ERR_INVALID_DATA, "column 'col'");
  qv_schema_release(s);
  c_free(&c);
}

/* 26: variadic buffer counts negative, too large, or missing */
static void test_bad26_variadic_counts(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_string_view());
  craft c;
  c_init(&c);
  const int64_t counts[] = {-1, 5, INT64_MAX};
  for (int k = 0; k < 4; k++) {
    c.n = 0;
    c_schema(&c, s);
    rb r;
    memset(&r, 0, sizeof r);
    r.codec = QV_IPC_NO_COMPRESSION;
    r.length = 1;
    r.n_nodes = 1;
    r.nodes[0] = (qv_ipc_field_node){1, 0};
    r.n_bufs = 3;
    r.bufs[0] = (qv_ipc_buffer_loc){0, 0};
    r.bufs[1] = (qv_ipc_buffer_loc){0, 16};
    r.bufs[2] = (qv_ipc_buffer_loc){16, 8};
    r.n_variadic = k < 3 ? 1 : 0;
    r.variadic[0] = k < 3 ? counts[k] : 0;
    uint8_t body[24] = {2, 0, 0, 0, 'h', 'i'};
    c_batch(&c, &r, body, sizeof body);
    expect(&c, QV_ERR_INVALID_DATA, k == 0 ? "negative" : "variadicBufferCounts");
  }
  qv_schema_release(s);
  c_free(&c);
}

/* 27: a pre-1.0 (V4) union with a validity bitmap and nulls */
static void test_bad27_v4_union_bitmap(void **state) {
  (void)state;
  qv_field *kid = tu_field("i", qv_type_int8(), true);
  qv_type *u = NULL;
  OK(qv_type_union(QV_TYPE_SPARSE_UNION, &kid, 1, NULL, &u, err));
  qv_field_release(kid);
  qv_schema *s = schema1(u);
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  memset(&r, 0, sizeof r);
  r.codec = QV_IPC_NO_COMPRESSION;
  r.length = 2;
  r.n_nodes = 2;
  r.nodes[0] = (qv_ipc_field_node){2, 1};
  r.nodes[1] = (qv_ipc_field_node){2, 0};
  r.n_bufs = 4; /* union validity, type ids, child validity, child values */
  r.bufs[0] = (qv_ipc_buffer_loc){0, 1};
  r.bufs[1] = (qv_ipc_buffer_loc){8, 2};
  r.bufs[2] = (qv_ipc_buffer_loc){16, 0};
  r.bufs[3] = (qv_ipc_buffer_loc){16, 2};
  uint8_t body[24] = {1};
  c_message(&c, FB_METADATA_V4, FB_HEADER_RECORD_BATCH, &r, 0, sizeof body, body, sizeof body);
  expect(&c, QV_ERR_UNSUPPORTED, "pre-1.0");
  /* without nulls the slot is skipped and the batch reads */
  c.n = 0;
  c_schema(&c, s);
  r.nodes[0].null_count = 0;
  c_message(&c, FB_METADATA_V4, FB_HEADER_RECORD_BATCH, &r, 0, sizeof body, body, sizeof body);
  expect(&c, QV_OK, NULL);
  qv_schema_release(s);
  c_free(&c);
}

/* 28: dictionary id not in the schema; a batch before its dictionary;
 * indices outside the dictionary (full validation) */
static void test_bad28_dictionaries(void **state) {
  (void)state;
  qv_schema *s = schema1(tu_dict(qv_type_int32(), qv_type_string()));
  craft c;
  c_init(&c);
  rb dict;
  memset(&dict, 0, sizeof dict);
  dict.codec = QV_IPC_NO_COMPRESSION;
  dict.length = 1;
  dict.n_nodes = 1;
  dict.nodes[0] = (qv_ipc_field_node){1, 0};
  dict.n_bufs = 3;
  dict.bufs[0] = (qv_ipc_buffer_loc){0, 0};
  dict.bufs[1] = (qv_ipc_buffer_loc){0, 8};
  dict.bufs[2] = (qv_ipc_buffer_loc){8, 2};
  int32_t dbody[4] = {0, 2, 0x6968, 0};
  c_schema(&c, s);
  c_message(&c, FB_METADATA_V5, FB_HEADER_DICTIONARY_BATCH, &dict, 42, 16, dbody, 16);
  expect(&c, QV_ERR_INVALID_DATA, "id 42 is not declared");
  rb r;
  good_int32(&r);
  int32_t idx[2] = {0, 5};
  c.n = 0;
  c_schema(&c, s);
  c_batch(&c, &r, idx, 8);
  expect(&c, QV_ERR_INVALID_DATA, "before any DictionaryBatch");
  c.n = 0;
  c_schema(&c, s);
  c_message(&c, FB_METADATA_V5, FB_HEADER_DICTIONARY_BATCH, &dict, 0, 16, dbody, 16);
  c_batch(&c, &r, idx, 8);
  c_eos(&c);
  expect(&c, QV_OK, NULL); /* structurally fine */
  qv_ipc_read_options full = QV_IPC_READ_OPTIONS_DEFAULT;
  full.full_validation = true;
  qv_error e;
  assert_int_equal(c_read(&c, &full, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "column 'col'"));
  qv_schema_release(s);
  c_free(&c);
}

/* 31: compressed buffers shorter than the prefix, negative prefixes */
static void test_bad31_compressed_buffers(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  r.codec = FB_COMPRESSION_ZSTD;
  r.bufs[1] = (qv_ipc_buffer_loc){0, 4};
  c_batch(&c, &r, k_body, 8);
  expect(&c, QV_ERR_INVALID_DATA, "shorter than its 8-byte length prefix");
  c.n = 0;
  c_schema(&c, s);
  r.bufs[1] = (qv_ipc_buffer_loc){0, 16};
  int64_t body[2] = {-5, 0};
  c_batch(&c, &r, body, 16);
  expect(&c, QV_ERR_INVALID_DATA, "-5");
  qv_schema_release(s);
  c_free(&c);
}

/* 32: a prefix above the cap fails before allocating */
static void test_bad32_decompression_cap(void **state) {
  (void)state;
  qv_schema *s = schema1(qv_type_int32());
  craft c;
  c_init(&c);
  c_schema(&c, s);
  rb r;
  good_int32(&r);
  r.codec = FB_COMPRESSION_LZ4_FRAME;
  r.bufs[1] = (qv_ipc_buffer_loc){0, 16};
  int64_t body[2] = {(int64_t)1 << 40, 0};
  c_batch(&c, &r, body, 16);
  expect(&c, QV_ERR_LIMIT, "max_decompressed_size");
  qv_schema_release(s);
  c_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_control_good_crafted_stream),
      cmocka_unit_test(test_bad01_short_prefix),
      cmocka_unit_test(test_bad02_negative_token),
      cmocka_unit_test(test_bad03_negative_metadata_length),
      cmocka_unit_test(test_bad04_lengths_beyond_input),
      cmocka_unit_test(test_bad05_negative_body_length),
      cmocka_unit_test(test_bad06_truncated_not_clean_eos),
      cmocka_unit_test(test_bad07_invalid_flatbuffer),
      cmocka_unit_test(test_bad10_metadata_version),
      cmocka_unit_test(test_bad11_message_order),
      cmocka_unit_test(test_bad12_schema_with_body),
      cmocka_unit_test(test_bad15_node_and_buffer_counts),
      cmocka_unit_test(test_bad16_17_buffer_ranges),
      cmocka_unit_test(test_bad18_misaligned_buffer_copied),
      cmocka_unit_test(test_bad19_lengths),
      cmocka_unit_test(test_bad20_null_counts),
      cmocka_unit_test(test_bad21_buffers_too_small),
      cmocka_unit_test(test_bad22_23_offsets),
      cmocka_unit_test(test_bad26_variadic_counts),
      cmocka_unit_test(test_bad27_v4_union_bitmap),
      cmocka_unit_test(test_bad28_dictionaries),
      cmocka_unit_test(test_bad31_compressed_buffers),
      cmocka_unit_test(test_bad32_decompression_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
