/* BAD_INPUTS classes 15-24: RecordBatch headers that disagree with the
 * schema or the body, through every stream read path. Each body is laid
 * out by hand (robust_util.h rt_body) so exactly one number is wrong.
 *
 *  15  too few / too many FieldNodes or Buffers          QV_ERR_INVALID_DATA
 *  16  Buffer offset or length < 0                       QV_ERR_INVALID_DATA
 *  17  offset + length overflows or passes the body      QV_ERR_INVALID_DATA
 *  18  buffer not aligned for its type: accepted, copied to an aligned
 *      buffer (typed loads below run under UBSan's alignment check)
 *  19  FieldNode length < 0; column length != batch      QV_ERR_INVALID_DATA
 *  20  null_count < 0, > length, > 0 without a bitmap   QV_ERR_INVALID_DATA
 *      (!= popcount: accepted structurally, rejected by full validation)
 *  21  data or bitmap shorter than the layout needs      QV_ERR_INVALID_DATA
 *      (size computation overflows int64)                QV_ERR_OVERFLOW
 *  22  offsets buffer with fewer than length + 1 entries QV_ERR_INVALID_DATA
 *  23  first offset < 0, last > data/child (structure);
 *      decreasing offsets (full validation)              QV_ERR_INVALID_DATA
 *  24  struct / sparse-union child shorter than the parent, fixed-size-list
 *      child shorter than length x size                  QV_ERR_INVALID_DATA
 */
#include "robust/robust_util.h"

#include "quiver/print.h"

static const int32_t k_vals[3] = {7, 8, 9};

static void expect_body(qv_type *type, const rt_body *b, const qv_ipc_read_options *o, qv_status code,
                        const char *needle) {
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, type, b);
  rt_expect_stream(&s, o, code, needle);
  rt_bytes_free(&s);
}

static const qv_ipc_read_options k_full = {.full_validation = true};

static qv_type *list_of(qv_type *item) {
  qv_field *f = NULL;
  qv_type *t = NULL;
  RT_OK(qv_field_new("item", item, true, NULL, &f, &rt__e));
  RT_OK(qv_type_list(f, &t, &rt__e));
  qv_field_release(f);
  return t;
}

static qv_type *struct_of(int n, const char *const *names, qv_type *const *types) {
  qv_field *f[4];
  qv_type *t = NULL;
  for (int i = 0; i < n; i++) RT_OK(qv_field_new(names[i], types[i], true, NULL, &f[i], &rt__e));
  RT_OK(qv_type_struct(f, n, &t, &rt__e));
  for (int i = 0; i < n; i++) qv_field_release(f[i]);
  return t;
}

/* ---- 15 ---- */

static void class_15_node_and_buffer_counts(void **state) {
  (void)state;
  qv_type *i32 = qv_type_int32();
  rt_body b;
  /* no FieldNode */
  rt_body_init(&b, 3);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, k_vals, 12);
  expect_body(i32, &b, NULL, QV_ERR_INVALID_DATA, "field 'x': ran out of field nodes");
  rt_body_free(&b);
  /* two FieldNodes for one field */
  rt_int32_body(&b, k_vals, 3);
  rt_node(&b, 3, 0);
  expect_body(i32, &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch has 2 field nodes but the schema uses 1");
  rt_body_free(&b);
  /* one Buffer for an int32 field */
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  expect_body(i32, &b, NULL, QV_ERR_INVALID_DATA, "field 'x': ran out of buffers");
  rt_body_free(&b);
  /* three */
  rt_int32_body(&b, k_vals, 3);
  rt_buf(&b, k_vals, 12);
  expect_body(i32, &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch has 3 buffers but the schema uses 2");
  rt_body_free(&b);
  /* a struct whose second child has no FieldNode */
  const char *names[2] = {"a", "b"};
  qv_type *kids[2] = {qv_type_int32(), qv_type_int32()};
  qv_type *st = struct_of(2, names, kids);
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_prim(&b, 3, 0, NULL, 0, k_vals, 12);
  expect_body(st, &b, NULL, QV_ERR_INVALID_DATA, "field 'x.b': ran out of field nodes");
  rt_body_free(&b);
  qv_type_release(st);
  /* a null column has a node and no buffers: one buffer too many */
  rt_body_init(&b, 3);
  rt_node(&b, 3, 3);
  rt_buf(&b, NULL, 0);
  expect_body(qv_type_null(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch has 1 buffers but the schema uses 0");
  rt_body_free(&b);
}

/* ---- 16 ---- */

static void class_16_negative_buffer_offset_or_length(void **state) {
  (void)state;
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  b.bufs[1].offset = -8;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch buffer 1: offset -8 or length 12 is negative");
  b.bufs[1].offset = 0;
  b.bufs[1].length = -1;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch buffer 1: offset 0 or length -1 is negative");
  b.bufs[1].length = INT64_MIN;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "is negative");
  /* the validity slot too, even when null_count is 0 */
  b.bufs[1].length = 12;
  b.bufs[0].offset = -16;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch buffer 0: offset -16");
  rt_body_free(&b);
}

/* ---- 17 ---- */

static void class_17_buffer_past_body(void **state) {
  (void)state;
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  int64_t body = rt_body_declared(&b);
  /* offset + length overflows int64 */
  b.bufs[1].offset = INT64_MAX - 4;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "extends past the body");
  b.bufs[1].offset = 8;
  b.bufs[1].length = INT64_MAX;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "extends past the body");
  /* plainly past the end, by one byte */
  b.bufs[1].offset = 0;
  b.bufs[1].length = body + 1;
  char needle[96];
  snprintf(needle, sizeof needle, "[offset 0, length %lld] extends past the body (%lld bytes)", (long long)body + 1,
           (long long)body);
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, needle);
  /* an empty buffer placed past the end is still out of range */
  b.bufs[1].length = 12;
  b.bufs[0].offset = body + 8;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch buffer 0");
  rt_body_free(&b);
}

/* ---- 18 ---- */

static bool aligned(const void *p, size_t a) { return ((uintptr_t)p & (a - 1)) == 0; }

/* Reads `s` with every path (all must accept it) and returns the table of
 * the one-call reader, fully validated and printed. */
static qv_table *read_ok(const rt_bytes *s, int64_t rows) {
  assert_int_equal(rt_expect_stream(s, &k_full, QV_OK, NULL), rows);
  qv_buffer *buf = rt_exact_buffer(s->p, s->n);
  qv_table *t = NULL;
  RT_OK(qv_ipc_read_stream_buffer(buf, &k_full, &t, &rt__e));
  qv_buffer_release(buf);
  char *text = NULL;
  RT_OK(qv_table_to_string(t, NULL, &text, &rt__e));
  qv_free_string(text);
  return t;
}

static void class_18_misaligned_buffer_offset(void **state) {
  (void)state;
  /* int64 values at body offset 4, float64 at 12, utf8 offsets at 2,
   * decimal128 at 4: each column in its own stream */
  const int64_t i64[4] = {1, -2, INT64_MAX, INT64_MIN};
  rt_body b;
  rt_body_init(&b, 4);
  rt_node(&b, 4, 0);
  rt_buf(&b, NULL, 0);
  rt_put_zeros(&b.bytes, 4);
  b.bufs[b.n_bufs++] = (qv_ipc_buffer_loc){(int64_t)b.bytes.n, 32};
  rt_put(&b.bytes, i64, 32);
  rt_pad8(&b.bytes);
  assert_int_equal(b.bufs[1].offset % 8, 4);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_int64(), &b);
  qv_table *t = read_ok(&s, 4);
  const qv_array *col = t->batches[0]->columns[0];
  assert_true(aligned(col->buffers[1]->data, 8)); /* copied, not viewed */
  const int64_t *v = (const int64_t *)(const void *)col->buffers[1]->data;
  for (int i = 0; i < 4; i++) assert_true(v[i] == i64[i]); /* typed loads: UBSan checks alignment */
  qv_table_release(t);
  rt_bytes_free(&s);
  rt_body_free(&b);

  const double f64[2] = {1.5, -0.25};
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_put_zeros(&b.bytes, 12);
  b.bufs[b.n_bufs++] = (qv_ipc_buffer_loc){(int64_t)b.bytes.n, 16};
  rt_put(&b.bytes, f64, 16);
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_float64(), &b);
  t = read_ok(&s, 2);
  col = t->batches[0]->columns[0];
  assert_true(aligned(col->buffers[1]->data, 8));
  const double *d = (const double *)(const void *)col->buffers[1]->data;
  assert_true(d[0] == 1.5 && d[1] == -0.25);
  qv_table_release(t);
  rt_bytes_free(&s);
  rt_body_free(&b);

  const int32_t offs[4] = {0, 1, 3, 6};
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_put_zeros(&b.bytes, 2);
  b.bufs[b.n_bufs++] = (qv_ipc_buffer_loc){(int64_t)b.bytes.n, 16};
  rt_put(&b.bytes, offs, 16);
  rt_buf(&b, "abbccc", 6);
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_string(), &b);
  t = read_ok(&s, 3);
  col = t->batches[0]->columns[0];
  assert_true(aligned(col->buffers[1]->data, 4));
  const int32_t *o = (const int32_t *)(const void *)col->buffers[1]->data;
  assert_true(o[3] == 6);
  qv_table_release(t);
  rt_bytes_free(&s);
  rt_body_free(&b);

  qv_type *dec = NULL;
  RT_OK(qv_type_decimal(128, 20, 2, &dec, &rt__e));
  uint8_t d128[32] = {0};
  d128[0] = 42;
  memset(d128 + 16, 0xff, 16); /* -1 */
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_put_zeros(&b.bytes, 4);
  b.bufs[b.n_bufs++] = (qv_ipc_buffer_loc){(int64_t)b.bytes.n, 32};
  rt_put(&b.bytes, d128, 32);
  memset(&s, 0, sizeof s);
  rt_stream1(&s, dec, &b);
  t = read_ok(&s, 2);
  assert_true(aligned(t->batches[0]->columns[0]->buffers[1]->data, 8));
  qv_table_release(t);
  rt_bytes_free(&s);
  rt_body_free(&b);
  qv_type_release(dec);

  /* a well-formed stream whose bytes sit at an odd address: every body
   * buffer is misaligned in memory; the zero-copy readers must copy */
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 2, NULL);
  static const int shifts[] = {1, 2, 3, 5};
  for (size_t si = 0; si < 4; si++) {
    int shift = shifts[si];
    uint8_t *raw = malloc(s.n + (size_t)shift);
    assert_non_null(raw);
    memcpy(raw + shift, s.p, s.n);
    qv_buffer *whole = NULL, *view = NULL;
    RT_OK(qv_buffer_wrap(raw, (int64_t)(s.n + (size_t)shift), rt__free_exact, raw, &whole, &rt__e));
    RT_OK(qv_buffer_view(whole, shift, (int64_t)s.n, &view, &rt__e));
    qv_buffer_release(whole);
    assert_false(aligned(view->data, 4));
    t = NULL;
    RT_OK(qv_ipc_read_stream_buffer(view, &k_full, &t, &rt__e));
    assert_int_equal(t->n_rows, 6);
    for (int64_t k = 0; k < t->n_batches; k++) {
      const qv_array *ic = t->batches[k]->columns[0], *sc = t->batches[k]->columns[1];
      assert_true(aligned(ic->buffers[1]->data, 4));
      assert_true(aligned(sc->buffers[1]->data, 4));
      const int32_t *iv = (const int32_t *)(const void *)ic->buffers[1]->data;
      assert_int_equal(iv[ic->offset + 2], 10 * k + 2);
    }
    qv_ipc_decoder *dcd = NULL;
    RT_OK(qv_ipc_decoder_new(&k_full, &dcd, &rt__e));
    RT_OK(qv_ipc_decoder_feed_buffer(dcd, view, &rt__e));
    RT_OK(qv_ipc_decoder_finish(dcd, &rt__e));
    qv_ipc_decoder_free(dcd);
    qv_table_release(t);
    qv_buffer_release(view);
  }
  rt_bytes_free(&s);
}

/* ---- 19 ---- */

static void class_19_bad_lengths(void **state) {
  (void)state;
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  b.nodes[0].length = -1;
  b.nodes[0].null_count = 0;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch node 0: length -1 is negative");
  b.nodes[0].length = 3;
  b.length = 5;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "column 'x' has 3 rows but the RecordBatch has 5");
  b.length = 2;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "column 'x' has 3 rows but the RecordBatch has 2");
  b.length = -3;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch.length -3 is negative");
  rt_body_free(&b);
}

/* ---- 20 ---- */

static void class_20_bad_null_count(void **state) {
  (void)state;
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  b.nodes[0].null_count = -1;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "null_count -1 is outside [0, length 3]");
  b.nodes[0].null_count = 4;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "null_count 4 is outside [0, length 3]");
  /* nulls claimed without a bitmap */
  b.nodes[0].null_count = 1;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "null_count is 1 but the validity bitmap is empty");
  rt_body_free(&b);
  /* a bitmap with no zero bit but null_count 1 */
  const uint8_t bits = 0x07;
  rt_body_init(&b, 3);
  rt_prim(&b, 3, 1, &bits, 1, k_vals, 12);
  expect_body(qv_type_int32(), &b, NULL, QV_OK, NULL);
  expect_body(qv_type_int32(), &b, &k_full, QV_ERR_INVALID_DATA,
              "column 'x': int32 array: null_count 1 does not match the validity bitmap (0 nulls)");
  rt_body_free(&b);
  /* a struct child's null_count beyond its own length */
  const char *names[1] = {"a"};
  qv_type *kids[1] = {qv_type_int32()};
  qv_type *st = struct_of(1, names, kids);
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_prim(&b, 3, 9, NULL, 0, k_vals, 12);
  expect_body(st, &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch node 1: null_count 9 is outside [0, length 3]");
  rt_body_free(&b);
  qv_type_release(st);
}

/* ---- 21 ---- */

static void class_21_buffer_too_small(void **state) {
  (void)state;
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  b.bufs[1].length = 8;
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "values buffer (#1) has 8 bytes, the layout needs 12");
  rt_body_free(&b);
  /* bitmap shorter than ceil(length / 8) */
  int32_t twenty[20] = {0};
  const uint8_t bits[2] = {0xfe, 0xff};
  rt_body_init(&b, 20);
  rt_prim(&b, 20, 1, bits, 2, twenty, sizeof twenty);
  expect_body(qv_type_int32(), &b, NULL, QV_ERR_INVALID_DATA, "validity buffer (#0) has 2 bytes, the layout needs 3");
  rt_body_free(&b);
  /* bool values packed in bits */
  rt_body_init(&b, 20);
  rt_prim(&b, 20, 0, NULL, 0, bits, 2);
  expect_body(qv_type_bool(), &b, NULL, QV_ERR_INVALID_DATA, "values buffer (#1) has 2 bytes, the layout needs 3");
  rt_body_free(&b);
  /* decimal256: 32 bytes per value */
  qv_type *dec = NULL;
  RT_OK(qv_type_decimal(256, 40, 0, &dec, &rt__e));
  uint8_t d[32] = {0};
  rt_body_init(&b, 2);
  rt_prim(&b, 2, 0, NULL, 0, d, 32);
  expect_body(dec, &b, NULL, QV_ERR_INVALID_DATA, "values buffer (#1) has 32 bytes, the layout needs 64");
  rt_body_free(&b);
  qv_type_release(dec);
  /* length x width overflows int64: checked, not wrapped */
  rt_body_init(&b, (int64_t)1 << 61);
  rt_prim(&b, (int64_t)1 << 61, 0, NULL, 0, k_vals, 8);
  expect_body(qv_type_int64(), &b, NULL, QV_ERR_OVERFLOW, "2305843009213693952 values of 8 bytes overflow");
  rt_body_free(&b);
  qv_type *fsb = NULL;
  RT_OK(qv_type_fixed_size_binary((1 << 28) - 1, &fsb, &rt__e));
  rt_body_init(&b, (int64_t)1 << 36);
  rt_prim(&b, (int64_t)1 << 36, 0, NULL, 0, k_vals, 8);
  expect_body(fsb, &b, NULL, QV_ERR_OVERFLOW, "overflow");
  rt_body_free(&b);
  qv_type_release(fsb);
}

/* ---- 22 ---- */

static void class_22_offsets_too_short(void **state) {
  (void)state;
  const int32_t offs[4] = {0, 1, 2, 3};
  const int64_t offs64[4] = {0, 1, 2, 3};
  rt_body b;
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, offs, 12); /* 3 entries for 3 slots */
  rt_buf(&b, "abc", 3);
  expect_body(qv_type_string(), &b, NULL, QV_ERR_INVALID_DATA, "offsets buffer (#1) has 12 bytes, the layout needs 16");
  rt_body_free(&b);
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, offs64, 24);
  rt_buf(&b, "abc", 3);
  expect_body(qv_type_large_binary(), &b, NULL, QV_ERR_INVALID_DATA,
              "offsets buffer (#1) has 24 bytes, the layout needs 32");
  rt_body_free(&b);
  /* a list with no offsets at all */
  qv_type *lt = list_of(qv_type_int32());
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, NULL, 0);
  rt_prim(&b, 3, 0, NULL, 0, k_vals, 12);
  expect_body(lt, &b, NULL, QV_ERR_INVALID_DATA, "offsets buffer (#1) has 0 bytes, the layout needs 12");
  rt_body_free(&b);
  /* positive control: an empty array may omit its offsets (older arrow-rs) */
  rt_body_init(&b, 0);
  rt_node(&b, 0, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, NULL, 0);
  expect_body(qv_type_string(), &b, &k_full, QV_OK, NULL);
  rt_body_free(&b);
  qv_type_release(lt);
}

/* ---- 23 ---- */

static void utf8_body(rt_body *b, const int32_t *offs, const char *data, size_t n) {
  rt_body_init(b, 3);
  rt_node(b, 3, 0);
  rt_buf(b, NULL, 0);
  rt_buf(b, offs, 16);
  rt_buf(b, data, n);
}

static void class_23_bad_offsets(void **state) {
  (void)state;
  rt_body b;
  const int32_t first_negative[4] = {-4, 0, 1, 2};
  utf8_body(&b, first_negative, "abc", 3);
  expect_body(qv_type_string(), &b, NULL, QV_ERR_INVALID_DATA, "column 'x': string array: first offset -4 is negative");
  rt_body_free(&b);
  const int32_t past_data[4] = {0, 1, 2, 10};
  utf8_body(&b, past_data, "abc", 3);
  expect_body(qv_type_string(), &b, NULL, QV_ERR_INVALID_DATA, "last offset 10 exceeds the data size (3)");
  rt_body_free(&b);
  const int32_t backwards[4] = {3, 2, 1, 0};
  utf8_body(&b, backwards, "abc", 3);
  expect_body(qv_type_string(), &b, NULL, QV_ERR_INVALID_DATA, "last offset 0 is less than first offset 3");
  rt_body_free(&b);
  /* decreasing inside: structure cannot see it (O(1) checks), full can */
  const int32_t dip[4] = {0, 3, 1, 3};
  utf8_body(&b, dip, "abc", 3);
  expect_body(qv_type_string(), &b, NULL, QV_OK, NULL);
  expect_body(qv_type_string(), &b, &k_full, QV_ERR_INVALID_DATA, "offsets not monotonic at row 1: 3 > 1");
  rt_body_free(&b);
  /* a list whose last offset passes its child */
  qv_type *lt = list_of(qv_type_int32());
  const int32_t loffs[3] = {0, 2, 5};
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, loffs, 12);
  rt_prim(&b, 3, 0, NULL, 0, k_vals, 12);
  expect_body(lt, &b, NULL, QV_ERR_INVALID_DATA, "last offset 5 exceeds the child length (3)");
  rt_body_free(&b);
  qv_type_release(lt);
}

/* ---- 24 ---- */

static void class_24_child_too_short(void **state) {
  (void)state;
  rt_body b;
  /* struct of length 3 with a child of length 2 */
  const char *names[1] = {"a"};
  qv_type *kids[1] = {qv_type_int32()};
  qv_type *st = struct_of(1, names, kids);
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_prim(&b, 2, 0, NULL, 0, k_vals, 8);
  expect_body(st, &b, NULL, QV_ERR_INVALID_DATA, "child 0 ('a') has length 2, needs at least offset 0 + length 3 = 3");
  rt_body_free(&b);
  qv_type_release(st);
  /* sparse union of length 3 with a child of length 2 */
  qv_field *uf = NULL;
  qv_type *ut = NULL;
  RT_OK(qv_field_new("a", qv_type_int32(), true, NULL, &uf, &rt__e));
  RT_OK(qv_type_union(QV_TYPE_SPARSE_UNION, &uf, 1, NULL, &ut, &rt__e));
  qv_field_release(uf);
  const int8_t ids[3] = {0, 0, 0};
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, ids, 3);
  rt_prim(&b, 2, 0, NULL, 0, k_vals, 8);
  expect_body(ut, &b, NULL, QV_ERR_INVALID_DATA, "child 0 ('a') has length 2, needs at least");
  rt_body_free(&b);
  qv_type_release(ut);
  /* fixed-size list<int32, 2> of length 3 with a child of 5 values */
  qv_field *item = NULL;
  qv_type *fsl = NULL;
  RT_OK(qv_field_new("item", qv_type_int32(), true, NULL, &item, &rt__e));
  RT_OK(qv_type_fixed_size_list(item, 2, &fsl, &rt__e));
  qv_field_release(item);
  const int32_t five[5] = {1, 2, 3, 4, 5};
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_prim(&b, 5, 0, NULL, 0, five, 20);
  expect_body(fsl, &b, NULL, QV_ERR_INVALID_DATA, "child has length 5, needs at least (offset 0 + length 3) x 2 = 6");
  rt_body_free(&b);
  qv_type_release(fsl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_15_node_and_buffer_counts),
      cmocka_unit_test(class_16_negative_buffer_offset_or_length),
      cmocka_unit_test(class_17_buffer_past_body),
      cmocka_unit_test(class_18_misaligned_buffer_offset),
      cmocka_unit_test(class_19_bad_lengths),
      cmocka_unit_test(class_20_bad_null_count),
      cmocka_unit_test(class_21_buffer_too_small),
      cmocka_unit_test(class_22_offsets_too_short),
      cmocka_unit_test(class_23_bad_offsets),
      cmocka_unit_test(class_24_child_too_short),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
