/* BAD_INPUTS classes 25-30: bodies that are well formed but whose values
 * break the spec, through every stream read path.
 *
 * Policy checked here (validate.h): what can be seen in O(buffers) is
 * rejected by the default (structural) validation; what needs a look at
 * every value (UTF-8, every view, union type ids and dense offsets,
 * dictionary indices, run-end order, value ranges) is rejected when the
 * reader runs full validation (qv_ipc_read_options.full_validation). With
 * the default options such input is returned, and printing it must still
 * be safe (the printer re-checks what it dereferences): expect_full_only
 * asserts both halves.
 *
 *  25  invalid UTF-8 in utf8 / large_utf8 / utf8_view     full
 *  26  views outside the variadic buffers                 full
 *      variadicBufferCounts < 0, huge, > buffers, missing  structure
 *  27  undeclared union type id, dense offset < 0 or >= child length (full);
 *      pre-1.0 union with a validity bitmap               QV_ERR_UNSUPPORTED
 *  28  dictionary id not in the schema, batch before its dictionary
 *      (structure); index outside [0, n) (full)
 *  29  run ends < 1 or not increasing (full); last < length, nulls in
 *      run_ends, more run ends than values (structure)
 *  30  decimal beyond its precision, date64 not whole days, time of day
 *      out of range                                        full
 */
#include "robust/robust_util.h"

#include "quiver/print.h"

static const qv_ipc_read_options k_full = {.full_validation = true};

static void expect_body(qv_type *type, const rt_body *b, const qv_ipc_read_options *o, qv_status code,
                        const char *needle) {
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, type, b);
  rt_expect_stream(&s, o, code, needle);
  rt_bytes_free(&s);
}

/* Accepted by the default reader (and safe to print); rejected by full
 * validation with `needle`. */
static void expect_full_only(qv_type *type, const rt_body *b, const char *needle) {
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, type, b);
  rt_expect_stream(&s, NULL, QV_OK, NULL);
  qv_buffer *buf = rt_exact_buffer(s.p, s.n);
  qv_table *t = NULL;
  RT_OK(qv_ipc_read_stream_buffer(buf, NULL, &t, &rt__e));
  char *text = NULL;
  qv_error err;
  qv_status st = qv_table_to_string(t, NULL, &text, &err);
  assert_true(st == QV_OK || st == QV_ERR_INVALID_DATA);
  qv_free_string(text);
  qv_table_release(t);
  qv_buffer_release(buf);
  rt_expect_stream(&s, &k_full, QV_ERR_INVALID_DATA, needle);
  rt_bytes_free(&s);
}

/* ---- 25 ---- */

static void view_inline(uint8_t v[16], const char *s, int32_t n) {
  memset(v, 0, 16);
  memcpy(v, &n, 4);
  memcpy(v + 4, s, (size_t)n);
}

static void view_ref(uint8_t v[16], int32_t size, const char *prefix, int32_t buf, int32_t off) {
  memcpy(v, &size, 4);
  memcpy(v + 4, prefix, 4);
  memcpy(v + 8, &buf, 4);
  memcpy(v + 12, &off, 4);
}

static void class_25_invalid_utf8(void **state) {
  (void)state;
  rt_body b;
  const int32_t offs[4] = {0, 1, 2, 3};
  const int64_t offs64[4] = {0, 1, 2, 3};
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, offs, 16);
  rt_buf(&b, "a\xff" "b", 3);
  expect_full_only(qv_type_string(), &b, "column 'x': string array: invalid UTF-8 at row 1");
  expect_body(qv_type_binary(), &b, &k_full, QV_OK, NULL); /* the same bytes are fine as binary */
  rt_body_free(&b);
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, offs64, 32);
  rt_buf(&b, "ab\xc0", 3); /* truncated sequence at the end */
  expect_full_only(qv_type_large_string(), &b, "invalid UTF-8 at row 2");
  rt_body_free(&b);
  /* a surrogate split across rows: each row must be valid on its own */
  const int32_t split[3] = {0, 2, 3};
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, split, 12);
  rt_buf(&b, "\xe2\x82\xac", 3); /* U+20AC cut after 2 bytes */
  expect_full_only(qv_type_string(), &b, "invalid UTF-8 at row");
  rt_body_free(&b);
  /* utf8_view: inline and out-of-line */
  uint8_t views[32];
  view_inline(views, "\xc3\x28", 2);
  view_ref(views + 16, 13, "abcd", 0, 0);
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, views, 32);
  rt_buf(&b, "abcdefghijkl\xff", 13);
  rt_variadic(&b, 1);
  expect_full_only(qv_type_string_view(), &b, "string_view array: invalid UTF-8 at row 0");
  rt_body_free(&b);
  view_inline(views, "ok", 2);
  rt_body_init(&b, 2);
  rt_node(&b, 2, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, views, 32);
  rt_buf(&b, "abcdefghijkl\xff", 13);
  rt_variadic(&b, 1);
  expect_full_only(qv_type_string_view(), &b, "invalid UTF-8 at row 1");
  rt_body_free(&b);
}

/* ---- 26 ---- */

static void view_body(rt_body *b, const uint8_t *views, int n, int n_data, const char *data, size_t data_n) {
  rt_body_init(b, n);
  rt_node(b, n, 0);
  rt_buf(b, NULL, 0);
  rt_buf(b, views, (size_t)n * 16);
  for (int i = 0; i < n_data; i++) rt_buf(b, data, data_n);
  rt_variadic(b, n_data);
}

static void class_26_views_and_variadic_counts(void **state) {
  (void)state;
  const char *data = "abcdefghijklmnopqrstuvwxyz";
  uint8_t v[16];
  rt_body b;
  /* a view into a data buffer that does not exist */
  view_ref(v, 20, "abcd", 1, 0);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_binary_view(), &b, "view at row 0 refers to data buffer 1, but the array has 1 data buffers");
  rt_body_free(&b);
  view_ref(v, 20, "abcd", -1, 0);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_binary_view(), &b, "refers to data buffer -1");
  rt_body_free(&b);
  /* a view past the end of its buffer, or at a negative offset */
  view_ref(v, 20, "hijk", 0, 7);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_binary_view(), &b, "bytes [7, 27) are outside data buffer 0 of 26 bytes");
  rt_body_free(&b);
  view_ref(v, 20, "abcd", 0, INT32_MAX);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_string_view(), &b, "are outside data buffer 0");
  rt_body_free(&b);
  view_ref(v, 20, "abcd", 0, -4);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_binary_view(), &b, "view at row 0 has negative offset -4");
  rt_body_free(&b);
  view_ref(v, -5, "abcd", 0, 0);
  view_body(&b, v, 1, 1, data, 26);
  expect_full_only(qv_type_binary_view(), &b, "view at row 0 has negative size -5");
  rt_body_free(&b);

  /* variadicBufferCounts: negative, huge, more than the buffers present */
  view_ref(v, 20, "abcd", 0, 0);
  view_body(&b, v, 1, 1, data, 26);
  b.variadic[0] = -1;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA, "variadicBufferCounts[0] = -1 is negative");
  b.variadic[0] = (int64_t)1 << 40;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA,
              "variadicBufferCounts says 1099511627776 data buffers, but only 3 buffers remain");
  b.variadic[0] = INT64_MAX;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA, "data buffers, but only 3 buffers remain");
  b.variadic[0] = 2;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA,
              "variadicBufferCounts says 2 data buffers, but only 3 buffers remain");
  /* fewer than present: the leftover buffer is reported */
  b.variadic[0] = 0;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA, "RecordBatch has 3 buffers but the schema uses 2");
  /* missing or extra entries */
  b.n_variadic = 0;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA, "variadicBufferCounts has no entry for this view field");
  b.n_variadic = 2;
  b.variadic[0] = 1;
  b.variadic[1] = 0;
  expect_body(qv_type_binary_view(), &b, NULL, QV_ERR_INVALID_DATA,
              "RecordBatch has 2 variadicBufferCounts but the schema has 1 view fields");
  rt_body_free(&b);
}

/* ---- 27 ---- */

static qv_type *union_ab(qv_type_id id) {
  qv_field *f[2];
  qv_type *t = NULL;
  RT_OK(qv_field_new("a", qv_type_int32(), true, NULL, &f[0], &rt__e));
  RT_OK(qv_field_new("b", qv_type_int32(), true, NULL, &f[1], &rt__e));
  RT_OK(qv_type_union(id, f, 2, NULL, &t, &rt__e));
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  return t;
}

static void class_27_bad_unions(void **state) {
  (void)state;
  const int32_t two[2] = {1, 2};
  const int32_t three[3] = {1, 2, 3};
  rt_body b;
  /* sparse: type id 5 and -1 are not declared (ids are 0 and 1) */
  qv_type *sparse = union_ab(QV_TYPE_SPARSE_UNION);
  const int8_t ids_bad[2][3] = {{0, 5, 1}, {-1, 0, 0}};
  for (int i = 0; i < 2; i++) {
    rt_body_init(&b, 3);
    rt_node(&b, 3, 0);
    rt_buf(&b, ids_bad[i], 3);
    rt_prim(&b, 3, 0, NULL, 0, three, 12);
    rt_prim(&b, 3, 0, NULL, 0, three, 12);
    expect_full_only(sparse, &b, i == 0 ? "type id 5 at row 1 is not declared by the union type"
                                        : "type id -1 at row 0 is not declared by the union type");
    rt_body_free(&b);
  }
  /* dense: offsets < 0 or >= the child's length */
  qv_type *dense = union_ab(QV_TYPE_DENSE_UNION);
  const int8_t ids[3] = {0, 0, 1};
  const int32_t offs_bad[3][3] = {{-1, 0, 0}, {0, 2, 0}, {0, 1, 1}};
  const char *needles[3] = {"offset -1 at row 0 is outside child 0 ('a') of length 2",
                            "offset 2 at row 1 is outside child 0 ('a') of length 2",
                            "offset 1 at row 2 is outside child 1 ('b') of length 1"};
  for (int i = 0; i < 3; i++) {
    rt_body_init(&b, 3);
    rt_node(&b, 3, 0);
    rt_buf(&b, ids, 3);
    rt_buf(&b, offs_bad[i], 12);
    rt_prim(&b, 2, 0, NULL, 0, two, 8);
    rt_prim(&b, 1, 0, NULL, 0, two, 4);
    expect_full_only(dense, &b, needles[i]);
    rt_body_free(&b);
  }
  /* Offsets that decrease within a child are in range: accepted, like
   * Arrow C++ (validate.h documents this; BAD_INPUTS lists
   * "non-monotonic" as a class-27 case: see the report). */
  const int32_t offs_dec[3] = {1, 0, 0};
  rt_body_init(&b, 3);
  rt_node(&b, 3, 0);
  rt_buf(&b, ids, 3);
  rt_buf(&b, offs_dec, 12);
  rt_prim(&b, 2, 0, NULL, 0, two, 8);
  rt_prim(&b, 1, 0, NULL, 0, two, 4);
  expect_body(dense, &b, &k_full, QV_OK, NULL);
  rt_body_free(&b);

  /* pre-1.0 (MetadataVersion V4) unions had a validity slot: read without
   * nulls, refused with nulls */
  qv_schema *sc = rt_schema1("x", sparse);
  for (int with_nulls = 0; with_nulls < 2; with_nulls++) {
    const uint8_t bits = 0x05;
    const int8_t ok_ids[3] = {0, 1, 0};
    rt_body_init(&b, 3);
    rt_node(&b, 3, with_nulls ? 1 : 0);
    rt_buf(&b, with_nulls ? &bits : NULL, with_nulls ? 1 : 0);
    rt_buf(&b, ok_ids, 3);
    rt_prim(&b, 3, 0, NULL, 0, three, 12);
    rt_prim(&b, 3, 0, NULL, 0, three, 12);
    rt_bytes s;
    memset(&s, 0, sizeof s);
    rt_schema_msg_raw(&s, sc, FB_METADATA_V4, 0, NULL, 0);
    qv_fb_builder fb;
    qv__fb_builder_init(&fb);
    rt_msg_raw(&s, &fb, FB_METADATA_V4, FB_HEADER_RECORD_BATCH, rt_batch_table(&fb, &b), rt_body_declared(&b),
               b.bytes.p, b.bytes.n);
    rt_eos(&s);
    if (with_nulls)
      rt_expect_stream(&s, &k_full, QV_ERR_UNSUPPORTED,
                       "field 'x': pre-1.0 (V4) union with a top-level validity bitmap (1 nulls) is not supported");
    else
      assert_int_equal(rt_expect_stream(&s, &k_full, QV_OK, NULL), 3);
    /* the same body in a V5 message: the validity slot is taken for the
     * type ids, which are then too short */
    rt_bytes_free(&s);
    memset(&s, 0, sizeof s);
    rt_stream1(&s, sparse, &b);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "field 'x': type ids buffer (#0) has");
    rt_bytes_free(&s);
    qv__fb_builder_free(&fb);
    rt_body_free(&b);
  }
  qv_schema_release(sc);
  qv_type_release(sparse);
  qv_type_release(dense);
}

/* ---- 28 ---- */

static void dict_values(rt_body *b) {
  const int32_t offs[4] = {0, 1, 3, 4};
  rt_body_init(b, 3);
  rt_node(b, 3, 0);
  rt_buf(b, NULL, 0);
  rt_buf(b, offs, 16);
  rt_buf(b, "abbc", 4);
}

static void class_28_bad_dictionaries(void **state) {
  (void)state;
  qv_type *dt = NULL;
  RT_OK(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &dt, &rt__e));
  qv_schema *sc = rt_schema1("d", dt);
  rt_body dict, idx;
  dict_values(&dict);
  const int8_t good[3] = {0, 2, 1};
  rt_body_init(&idx, 3);
  rt_prim(&idx, 3, 0, NULL, 0, good, 3);
  rt_bytes s;

  /* positive control */
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_dict_msg(&s, 0, false, &dict);
  rt_batch_msg(&s, &idx);
  rt_eos(&s);
  assert_int_equal(rt_expect_stream(&s, &k_full, QV_OK, NULL), 3);
  rt_bytes_free(&s);
  /* a DictionaryBatch id the schema does not declare */
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_dict_msg(&s, 7, false, &dict);
  rt_batch_msg(&s, &idx);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "DictionaryBatch id 7 is not declared by the schema");
  rt_bytes_free(&s);
  /* a batch before its dictionary */
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_batch_msg(&s, &idx);
  rt_dict_msg(&s, 0, false, &dict);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "dictionary id 0 is used before any DictionaryBatch defined it");
  rt_bytes_free(&s);
  /* a delta for a dictionary never sent defines it (as Arrow C++ does;
   * src/ipc/dictionary_memo.c) */
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_dict_msg(&s, 0, true, &dict);
  rt_batch_msg(&s, &idx);
  rt_eos(&s);
  assert_int_equal(rt_expect_stream(&s, &k_full, QV_OK, NULL), 3);
  rt_bytes_free(&s);
  /* indices outside [0, 3) */
  const int8_t bad[2][3] = {{0, 5, 1}, {0, 1, -1}};
  for (int i = 0; i < 2; i++) {
    rt_body bi;
    rt_body_init(&bi, 3);
    rt_prim(&bi, 3, 0, NULL, 0, bad[i], 3);
    memset(&s, 0, sizeof s);
    rt_schema_msg(&s, sc);
    rt_dict_msg(&s, 0, false, &dict);
    rt_batch_msg(&s, &bi);
    rt_eos(&s);
    rt_expect_stream(&s, NULL, QV_OK, NULL);
    rt_expect_stream(&s, &k_full, QV_ERR_INVALID_DATA,
                     i == 0 ? "dictionary index 5 at row 1 is outside [0, 3)" : "dictionary index -1 at row 2 is outside [0, 3)");
    rt_bytes_free(&s);
    rt_body_free(&bi);
  }
  /* a dictionary whose values are themselves invalid */
  rt_body badd;
  const int32_t offs_bad[4] = {0, 1, 3, 40};
  rt_body_init(&badd, 3);
  rt_node(&badd, 3, 0);
  rt_buf(&badd, NULL, 0);
  rt_buf(&badd, offs_bad, 16);
  rt_buf(&badd, "abbc", 4);
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc);
  rt_dict_msg(&s, 0, false, &badd);
  rt_batch_msg(&s, &idx);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "last offset 40 exceeds the data size (4)");
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "DictionaryBatch id 0");
  rt_bytes_free(&s);
  rt_body_free(&badd);
  /* uint64 indices: an index beyond INT64_MAX is reported unsigned */
  qv_type *dt64 = NULL;
  RT_OK(qv_type_dictionary(qv_type_uint64(), qv_type_string(), false, &dt64, &rt__e));
  qv_schema *sc64 = rt_schema1("d", dt64);
  const uint64_t huge[1] = {UINT64_MAX};
  rt_body bi;
  rt_body_init(&bi, 1);
  rt_prim(&bi, 1, 0, NULL, 0, huge, 8);
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, sc64);
  rt_dict_msg(&s, 0, false, &dict);
  rt_batch_msg(&s, &bi);
  rt_eos(&s);
  rt_expect_stream(&s, &k_full, QV_ERR_INVALID_DATA, "dictionary index 18446744073709551615 at row 0 is outside [0, 3)");
  rt_bytes_free(&s);
  rt_body_free(&bi);
  qv_schema_release(sc64);
  qv_type_release(dt64);

  rt_body_free(&dict);
  rt_body_free(&idx);
  qv_schema_release(sc);
  qv_type_release(dt);
}

/* ---- 29 ---- */

/* REE<int32, int32> of logical length `len`: run ends re[0, n_re) (with
 * `re_nulls` nulls and a bitmap when > 0), values of length n_vals. */
static void ree_body(rt_body *b, int64_t len, const int32_t *re, int n_re, int re_nulls, int n_vals) {
  static const int32_t vals[8] = {10, 20, 30, 40, 50, 60, 70, 80};
  const uint8_t bits = 0xfe;
  rt_body_init(b, len);
  rt_node(b, len, 0);
  rt_prim(b, n_re, re_nulls, re_nulls ? &bits : NULL, 1, re, (size_t)n_re * 4);
  rt_prim(b, n_vals, 0, NULL, 0, vals, (size_t)n_vals * 4);
}

static void class_29_bad_run_ends(void **state) {
  (void)state;
  qv_type *ree = NULL;
  RT_OK(qv_type_run_end_encoded(qv_type_int32(), qv_type_int32(), &ree, &rt__e));
  rt_body b;
  const int32_t good[2] = {2, 5};
  ree_body(&b, 5, good, 2, 0, 2);
  expect_body(ree, &b, &k_full, QV_OK, NULL);
  rt_body_free(&b);
  const int32_t zero_first[2] = {0, 5};
  ree_body(&b, 5, zero_first, 2, 0, 2);
  expect_full_only(ree, &b, "first run end is 0, must be >= 1");
  rt_body_free(&b);
  const int32_t flat[3] = {2, 2, 5};
  ree_body(&b, 5, flat, 3, 0, 3);
  expect_full_only(ree, &b, "run ends not strictly increasing at run 1: 2 >= 2");
  rt_body_free(&b);
  const int32_t shy[2] = {1, 3};
  ree_body(&b, 5, shy, 2, 0, 2);
  expect_body(ree, &b, NULL, QV_ERR_INVALID_DATA, "last run end 3 does not cover offset 0 + length 5");
  rt_body_free(&b);
  ree_body(&b, 5, good, 2, 1, 2);
  expect_body(ree, &b, NULL, QV_ERR_INVALID_DATA, "run_ends must not contain nulls (null_count 1)");
  rt_body_free(&b);
  const int32_t three[3] = {1, 2, 5};
  ree_body(&b, 5, three, 3, 0, 2);
  expect_body(ree, &b, NULL, QV_ERR_INVALID_DATA, "run_ends has 3 runs but values only 2 entries");
  rt_body_free(&b);
  ree_body(&b, 5, good, 0, 0, 0);
  expect_body(ree, &b, NULL, QV_ERR_INVALID_DATA, "no runs for a length of 5");
  rt_body_free(&b);
  qv_type_release(ree);
}

/* ---- 30 ---- */

static void class_30_values_out_of_range(void **state) {
  (void)state;
  rt_body b;
  qv_type *dec = NULL;
  RT_OK(qv_type_decimal(128, 5, 2, &dec, &rt__e));
  uint8_t d[32] = {0};
  int64_t v = 123456;
  memcpy(d, &v, 8);
  v = 99999;
  memcpy(d + 16, &v, 8);
  rt_body_init(&b, 2);
  rt_prim(&b, 2, 0, NULL, 0, d, 32);
  expect_full_only(dec, &b, "value at row 0 has more digits than precision 5: 123456 (unscaled)");
  rt_body_free(&b);
  /* under a null the bytes are unspecified: not checked */
  const uint8_t bits = 0x02;
  rt_body_init(&b, 2);
  rt_prim(&b, 2, 1, &bits, 1, d, 32);
  expect_body(dec, &b, &k_full, QV_OK, NULL);
  rt_body_free(&b);
  qv_type_release(dec);

  const int64_t ms[2] = {86400000, 1000};
  rt_body_init(&b, 2);
  rt_prim(&b, 2, 0, NULL, 0, ms, 16);
  expect_full_only(qv_type_date64(), &b, "value at row 1 is not a whole number of days: 1000 ms (remainder 1000)");
  rt_body_free(&b);

  qv_type *t32 = NULL, *t64 = NULL;
  RT_OK(qv_type_time32(QV_UNIT_SECOND, &t32, &rt__e));
  RT_OK(qv_type_time64(QV_UNIT_NANO, &t64, &rt__e));
  const int32_t secs[2] = {0, 86400};
  rt_body_init(&b, 2);
  rt_prim(&b, 2, 0, NULL, 0, secs, 8);
  expect_full_only(t32, &b, "time of day at row 1 is outside [0, 86400): 86400");
  rt_body_free(&b);
  const int64_t ns[1] = {-1};
  rt_body_init(&b, 1);
  rt_prim(&b, 1, 0, NULL, 0, ns, 8);
  expect_full_only(t64, &b, "time of day at row 0 is outside [0, 86400000000000): -1");
  rt_body_free(&b);
  qv_type_release(t32);
  qv_type_release(t64);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_25_invalid_utf8),
      cmocka_unit_test(class_26_views_and_variadic_counts),
      cmocka_unit_test(class_27_bad_unions),
      cmocka_unit_test(class_28_bad_dictionaries),
      cmocka_unit_test(class_29_bad_run_ends),
      cmocka_unit_test(class_30_values_out_of_range),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
