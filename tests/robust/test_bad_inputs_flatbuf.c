/* BAD_INPUTS classes 7, 8, 9, 13 and 14: malformed or hostile metadata
 * flatbuffers, through every stream read path (and the file readers for
 * the Footer). The verifier and decoder have unit tests of their own
 * (tests/ipc/test_flatbuf_verify.c, tests/ipc/test_metadata_bad.c); these
 * check that each failure reaches the reader's caller with its code and
 * message, from every path, with nothing leaked.
 *
 *   7  invalid flatbuffer (root/vtable/field offsets out of range, odd
 *      vtable, misaligned scalar, string past the end)   QV_ERR_INVALID_DATA
 *   8  DAG of shared tables (verification explosion)     QV_ERR_LIMIT
 *   9  nesting far beyond the limit (no stack overflow)  QV_ERR_LIMIT
 *  13  required tables missing                           QV_ERR_INVALID_DATA
 *  14  bad type parameters                               QV_ERR_INVALID_DATA
 */
#include "robust/robust_util.h"

static const int32_t k_vals[3] = {7, 8, 9};

/* ---- building raw metadata ---- */

static qv_fb_ref str(qv_fb_builder *b, const char *s) {
  qv_fb_ref r;
  RT_OK(qv__fb_create_string(b, s, strlen(s), &r));
  return r;
}

/* A Field table; tag NONE leaves the type out. */
static qv_fb_ref field(qv_fb_builder *b, const char *name, uint8_t tag, qv_fb_ref type, const qv_fb_ref *kids,
                       int nkids, qv_fb_ref dict) {
  qv_fb_ref children = 0, r;
  if (nkids > 0) RT_OK(qv__fb_create_vector_refs(b, kids, (size_t)nkids, &children));
  qv_fb_ref nm = name ? str(b, name) : 0;
  RT_OK(qv__fb_start_table(b));
  RT_OK(qv__fb_add_offset(b, FB_FIELD_NAME, nm));
  RT_OK(qv__fb_add_bool(b, FB_FIELD_NULLABLE, true, false));
  if (tag != FB_TYPE_NONE) RT_OK(qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, tag, type));
  RT_OK(qv__fb_add_offset(b, FB_FIELD_DICTIONARY, dict));
  RT_OK(qv__fb_add_offset(b, FB_FIELD_CHILDREN, children));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

/* A type table with up to two int32 / int16 parameters (slot < 0: none). */
static qv_fb_ref type_i32(qv_fb_builder *b, int slot, int32_t v) {
  qv_fb_ref r;
  RT_OK(qv__fb_start_table(b));
  if (slot >= 0) RT_OK(qv__fb_add_int32(b, (unsigned)slot, v, INT32_MIN));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

static qv_fb_ref type_i16(qv_fb_builder *b, int slot, int16_t v) {
  qv_fb_ref r;
  RT_OK(qv__fb_start_table(b));
  if (slot >= 0) RT_OK(qv__fb_add_int16(b, (unsigned)slot, v, INT16_MIN));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

static qv_fb_ref int_type(qv_fb_builder *b, int32_t bits, bool is_signed) {
  qv_fb_ref r;
  RT_OK(qv__fb_start_table(b));
  RT_OK(qv__fb_add_int32(b, FB_INT_BIT_WIDTH, bits, INT32_MIN));
  RT_OK(qv__fb_add_bool(b, FB_INT_IS_SIGNED, is_signed, !is_signed));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

static qv_fb_ref int32_field(qv_fb_builder *b, const char *name) {
  qv_fb_ref t = int_type(b, 32, true);
  return field(b, name, FB_TYPE_INT, t, NULL, 0, 0);
}

/* A Schema table over the given fields (fields missing when n < 0). */
static qv_fb_ref schema_table(qv_fb_builder *b, const qv_fb_ref *fields, int n) {
  qv_fb_ref v = 0, r;
  if (n >= 0) RT_OK(qv__fb_create_vector_refs(b, fields, (size_t)n, &v));
  RT_OK(qv__fb_start_table(b));
  if (n >= 0) RT_OK(qv__fb_add_offset(b, FB_SCHEMA_FIELDS, v));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

/* A stream: a Schema message holding `schema` (built in b), an int32 batch
 * when `with_batch`, EOS. */
static void stream_of(rt_bytes *out, qv_fb_builder *b, qv_fb_ref schema, bool with_batch) {
  memset(out, 0, sizeof *out);
  rt_msg_raw(out, b, FB_METADATA_V5, FB_HEADER_SCHEMA, schema, 0, NULL, 0);
  if (with_batch) {
    rt_body body;
    rt_int32_body(&body, k_vals, 3);
    rt_batch_msg(out, &body);
    rt_body_free(&body);
  }
  rt_eos(out);
}

/* Expects every stream path to fail on a stream whose Schema is `schema`. */
static void expect_schema(qv_fb_builder *b, qv_fb_ref schema, qv_status code, const char *needle) {
  rt_bytes s;
  stream_of(&s, b, schema, false);
  rt_expect_stream(&s, NULL, code, needle);
  rt_bytes_free(&s);
}

/* A one-field schema whose field is built by the caller. */
static void expect_field(qv_fb_builder *b, qv_fb_ref f, qv_status code, const char *needle) {
  expect_schema(b, schema_table(b, &f, 1), code, needle);
}

/* ---- 7 ---- */

/* The int32 stream with the first message's metadata mutated by `mut`. */
typedef void (*mutator)(uint8_t *meta, size_t len);

static void expect_mutated(mutator mut, qv_status code, const char *needle) {
  rt_bytes s;
  memset(&s, 0, sizeof s);
  qv_schema *sc = rt_schema1("a_field", qv_type_int32());
  rt_schema_msg(&s, sc);
  rt_body body;
  rt_int32_body(&body, k_vals, 3);
  rt_batch_msg(&s, &body);
  rt_eos(&s);
  mut(s.p + 8, (size_t)qv_fb_load_i32(s.p + 4));
  rt_expect_stream(&s, NULL, code, needle);
  rt_body_free(&body);
  qv_schema_release(sc);
  rt_bytes_free(&s);
}

static void mut_root_far(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_store_u32(m, 0x7ffffff0u);
}
static void mut_root_zero(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_store_u32(m, 0);
}
static void mut_root_misaligned(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_store_u32(m, qv_fb_load_u32(m) + 2);
}
static void mut_vtable_far(uint8_t *m, size_t n) {
  (void)n;
  uint32_t root = qv_fb_load_u32(m);
  qv_fb_store_u32(m + root, (uint32_t)INT32_MIN); /* vtable at root + 2^31 */
}
static void mut_vtable_negative(uint8_t *m, size_t n) {
  uint32_t root = qv_fb_load_u32(m);
  qv_fb_store_u32(m + root, (uint32_t)(root + n)); /* vtable before the buffer */
}
static void mut_vtable_odd(uint8_t *m, size_t n) {
  (void)n;
  uint32_t root = qv_fb_load_u32(m);
  qv_fb_store_u32(m + root, qv_fb_load_u32(m + root) + 1);
}
static void mut_vtable_size_odd(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table t = qv_fb_root(m);
  qv_fb_store_u16(m + t.vt, 5);
}
static void mut_field_offset_far(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table t = qv_fb_root(m);
  if (t.vt_size < 4 + 2 * (FB_MESSAGE_HEADER + 1)) fail_msg("encoder left Message.header out of the vtable");
  qv_fb_store_u16(m + t.vt + 4 + 2 * FB_MESSAGE_HEADER, 0xfff0);
}
static void mut_scalar_misaligned(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table t = qv_fb_root(m);
  uint16_t off = qv_fb_load_u16(m + t.vt + 4 + 2 * FB_MESSAGE_VERSION);
  if (off == 0) fail_msg("encoder left Message.version out");
  qv_fb_store_u16(m + t.vt + 4 + 2 * FB_MESSAGE_VERSION, (uint16_t)(off | 1)); /* odd: int16 misaligned */
}
static void mut_name_past_end(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table msg = qv_fb_root(m), schema, f;
  qv_fb_vector fields;
  const char *name;
  size_t len;
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema), FB_HEADER_SCHEMA);
  assert_true(qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &fields));
  assert_true(qv_fb_vector_get_table(&fields, 0, &f));
  assert_true(qv_fb_table_get_string(&f, FB_FIELD_NAME, &name, &len));
  qv_fb_store_u32((uint8_t *)name - 4, 0x7fffff00u);
}
static void mut_name_no_nul(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table msg = qv_fb_root(m), schema, f;
  qv_fb_vector fields;
  const char *name;
  size_t len;
  qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema);
  qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &fields);
  qv_fb_vector_get_table(&fields, 0, &f);
  qv_fb_table_get_string(&f, FB_FIELD_NAME, &name, &len);
  ((uint8_t *)name)[len] = 'X';
}
static void mut_fields_count_huge(uint8_t *m, size_t n) {
  (void)n;
  qv_fb_table msg = qv_fb_root(m), schema;
  qv_fb_vector fields;
  qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema);
  qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &fields);
  qv_fb_store_u32(m + fields.pos - 4, 0x40000000u); /* 2^30 offsets: 4 GiB, overflows 32 bits */
}

static void class_07_invalid_flatbuffer(void **state) {
  (void)state;
  expect_mutated(mut_root_far, QV_ERR_INVALID_DATA, "root table offset 2147483632 is outside");
  expect_mutated(mut_root_zero, QV_ERR_INVALID_DATA, "root table offset of the Message metadata is 0");
  expect_mutated(mut_root_misaligned, QV_ERR_INVALID_DATA, "is not 4-byte aligned");
  expect_mutated(mut_vtable_far, QV_ERR_INVALID_DATA, "outside the metadata");
  expect_mutated(mut_vtable_negative, QV_ERR_INVALID_DATA, "outside the metadata");
  expect_mutated(mut_vtable_odd, QV_ERR_INVALID_DATA, "has its vtable at odd byte");
  expect_mutated(mut_vtable_size_odd, QV_ERR_INVALID_DATA, "has invalid size 5");
  expect_mutated(mut_field_offset_far, QV_ERR_INVALID_DATA, "Message.header (slot 2) has field offset 65520");
  expect_mutated(mut_scalar_misaligned, QV_ERR_INVALID_DATA, "Message.version");
  expect_mutated(mut_name_past_end, QV_ERR_INVALID_DATA, "Field.name string at byte");
  expect_mutated(mut_name_no_nul, QV_ERR_INVALID_DATA, "is not NUL-terminated");
  expect_mutated(mut_fields_count_huge, QV_ERR_INVALID_DATA, "Schema.fields vector");
}

/* ---- 8 ---- */

/* A Field tree `levels` deep in which every Field lists the same child
 * twice: a few hundred bytes, 2^levels table visits if walked naively. */
static qv_fb_ref dag_field(qv_fb_builder *b, int levels) {
  qv_fb_ref child = 0;
  for (int level = 0; level < levels; level++) {
    qv_fb_ref pair[2] = {child, child};
    qv_fb_ref st = type_i32(b, -1, 0);
    child = field(b, "d", level == 0 ? FB_TYPE_INT : FB_TYPE_STRUCT, level == 0 ? int_type(b, 32, true) : st,
                  pair, level == 0 ? 0 : 2, 0);
  }
  return child;
}

static void class_08_table_dag_explosion(void **state) {
  (void)state;
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  qv_fb_ref f = dag_field(&b, 40);
  rt_bytes s;
  stream_of(&s, &b, schema_table(&b, &f, 1), true);
  assert_true(s.n < 8192);
  rt_expect_stream(&s, NULL, QV_ERR_LIMIT, "more than 1000000 tables visited");
  rt_bytes_free(&s);

  /* the same DAG as a file's Footer.schema */
  rt_bytes file;
  memset(&file, 0, sizeof file);
  rt_file_start(&file);
  rt_eos(&file);
  f = dag_field(&b, 40);
  qv_fb_ref sch = schema_table(&b, &f, 1), footer;
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_int16(&b, FB_FOOTER_VERSION, FB_METADATA_V5, 0));
  RT_OK(qv__fb_add_offset(&b, FB_FOOTER_SCHEMA, sch));
  RT_OK(qv__fb_end_table(&b, &footer));
  const uint8_t *data;
  size_t len;
  RT_OK(qv__fb_builder_finish(&b, footer, &data, &len, &rt__e));
  rt_put(&file, data, len);
  rt_put_i32(&file, (int32_t)len);
  rt_put(&file, "ARROW1", 6);
  rt_expect_file(&file, NULL, QV_ERR_LIMIT, "more than 1000000 tables visited");
  rt_bytes_free(&file);
  qv__fb_builder_free(&b);
}

/* ---- 9 ---- */

/* `depth` nested Struct_ fields around an Int. */
static qv_fb_ref deep_field(qv_fb_builder *b, int depth) {
  qv_fb_ref f = int32_field(b, "leaf");
  for (int d = 1; d < depth; d++) f = field(b, "s", FB_TYPE_STRUCT, type_i32(b, -1, 0), &f, 1, 0);
  return f;
}

static void class_09_nesting_beyond_limit(void **state) {
  (void)state;
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  static const int depths[] = {65, 100, 5000};
  for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
    qv_fb_ref f = deep_field(&b, depths[i]);
    /* refused (by the verifier's table-depth limit, before any recursion
     * into fields, or by the schema decoder's 64-level limit) */
    expect_field(&b, f, QV_ERR_LIMIT, "nested more than");
    qv__fb_builder_reset(&b);
  }
  /* a List chain nested 5000 deep in a file footer */
  qv_fb_ref f = int32_field(&b, "item");
  for (int d = 1; d < 5000; d++) f = field(&b, "l", FB_TYPE_LIST, type_i32(&b, -1, 0), &f, 1, 0);
  qv_fb_ref sch = schema_table(&b, &f, 1), footer;
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_offset(&b, FB_FOOTER_SCHEMA, sch));
  RT_OK(qv__fb_end_table(&b, &footer));
  const uint8_t *data;
  size_t len;
  RT_OK(qv__fb_builder_finish(&b, footer, &data, &len, &rt__e));
  rt_bytes file;
  memset(&file, 0, sizeof file);
  rt_file_start(&file);
  rt_eos(&file);
  rt_put(&file, data, len);
  rt_put_i32(&file, (int32_t)len);
  rt_put(&file, "ARROW1", 6);
  rt_expect_file(&file, NULL, QV_ERR_LIMIT, "nested more than");
  rt_bytes_free(&file);
  qv__fb_builder_free(&b);
}

/* ---- 13 ---- */

static void class_13_missing_required_tables(void **state) {
  (void)state;
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  rt_bytes s;

  /* Field.type */
  expect_field(&b, field(&b, "untyped", FB_TYPE_NONE, 0, NULL, 0, 0), QV_ERR_INVALID_DATA,
               "field 'untyped': Field.type is missing");
  /* Field.type missing on a nested field: the path is named */
  qv_fb_ref kid = field(&b, "inner", FB_TYPE_NONE, 0, NULL, 0, 0);
  expect_field(&b, field(&b, "outer", FB_TYPE_STRUCT, type_i32(&b, -1, 0), &kid, 1, 0), QV_ERR_INVALID_DATA,
               "field 'outer.inner': Field.type is missing");
  /* Schema.fields */
  expect_schema(&b, schema_table(&b, NULL, -1), QV_ERR_INVALID_DATA, "Schema.fields is missing");

  /* RecordBatch.nodes / .buffers, DictionaryBatch.data */
  qv_schema *sc = rt_schema1("x", qv_type_int32());
  for (int which = 0; which < 2; which++) {
    memset(&s, 0, sizeof s);
    rt_schema_msg(&s, sc);
    rt_body body;
    rt_int32_body(&body, k_vals, 3);
    qv_fb_ref nodes = 0, buffers = 0, rb;
    if (which != 0) RT_OK(qv__fb_create_vector(&b, body.nodes, body.n_nodes, 16, 8, &nodes));
    if (which != 1) RT_OK(qv__fb_create_vector(&b, body.bufs, body.n_bufs, 16, 8, &buffers));
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int64(&b, FB_RECORD_BATCH_LENGTH, 3, 0));
    RT_OK(qv__fb_add_offset(&b, FB_RECORD_BATCH_NODES, nodes));
    RT_OK(qv__fb_add_offset(&b, FB_RECORD_BATCH_BUFFERS, buffers));
    RT_OK(qv__fb_end_table(&b, &rb));
    rt_msg_raw(&s, &b, FB_METADATA_V5, FB_HEADER_RECORD_BATCH, rb, rt_body_declared(&body), body.bytes.p,
               body.bytes.n);
    rt_eos(&s);
    rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA,
                     which == 0 ? "RecordBatch.nodes is missing" : "RecordBatch.buffers is missing");
    rt_bytes_free(&s);
    rt_body_free(&body);
  }
  qv_schema_release(sc);
  /* DictionaryBatch without data */
  qv_type *dt = NULL;
  RT_OK(qv_type_dictionary(qv_type_int8(), qv_type_int32(), false, &dt, &rt__e));
  qv_schema *ds = rt_schema1("d", dt);
  memset(&s, 0, sizeof s);
  rt_schema_msg(&s, ds);
  qv_fb_ref db;
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_int64(&b, FB_DICTIONARY_BATCH_ID, 0, -1));
  RT_OK(qv__fb_end_table(&b, &db));
  rt_msg_raw(&s, &b, FB_METADATA_V5, FB_HEADER_DICTIONARY_BATCH, db, 0, NULL, 0);
  rt_eos(&s);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "DictionaryBatch 0: data is missing");
  rt_bytes_free(&s);

  /* Footer.schema */
  rt_bytes file;
  memset(&file, 0, sizeof file);
  rt_file_start(&file);
  rt_schema_msg(&file, ds);
  rt_eos(&file);
  qv_fb_ref footer;
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_int16(&b, FB_FOOTER_VERSION, FB_METADATA_V5, 0));
  RT_OK(qv__fb_end_table(&b, &footer));
  const uint8_t *data;
  size_t len;
  RT_OK(qv__fb_builder_finish(&b, footer, &data, &len, &rt__e));
  rt_put(&file, data, len);
  rt_put_i32(&file, (int32_t)len);
  rt_put(&file, "ARROW1", 6);
  rt_expect_file(&file, NULL, QV_ERR_INVALID_DATA, "Footer.schema is missing");
  rt_bytes_free(&file);
  qv__fb_builder_reset(&b);

  qv_schema_release(ds);
  qv_type_release(dt);
  qv__fb_builder_free(&b);
}

/* ---- 14 ---- */

static void class_14_bad_type_parameters(void **state) {
  (void)state;
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  qv_fb_ref k[3];

  /* Int bitWidth */
  static const int32_t bad_bits[] = {0, 1, 12, 128, -8};
  for (size_t i = 0; i < sizeof bad_bits / sizeof bad_bits[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "Int bitWidth %d is not 8, 16, 32 or 64", bad_bits[i]);
    expect_field(&b, field(&b, "i", FB_TYPE_INT, int_type(&b, bad_bits[i], true), NULL, 0, 0), QV_ERR_INVALID_DATA,
                 needle);
  }
  /* FloatingPoint precision */
  expect_field(&b, field(&b, "f", FB_TYPE_FLOATING_POINT, type_i16(&b, FB_FLOATING_POINT_PRECISION, 3), NULL, 0, 0),
               QV_ERR_INVALID_DATA, "FloatingPoint precision 3 is unknown");
  expect_field(&b, field(&b, "f", FB_TYPE_FLOATING_POINT, type_i16(&b, FB_FLOATING_POINT_PRECISION, -1), NULL, 0, 0),
               QV_ERR_INVALID_DATA, "FloatingPoint precision -1 is unknown");
  /* negative fixed-size-binary width */
  expect_field(&b,
               field(&b, "fsb", FB_TYPE_FIXED_SIZE_BINARY, type_i32(&b, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, -3), NULL, 0,
                     0),
               QV_ERR_INVALID_DATA, "byte width -3");
  /* negative fixed-size-list size */
  k[0] = int32_field(&b, "item");
  expect_field(&b, field(&b, "fsl", FB_TYPE_FIXED_SIZE_LIST, type_i32(&b, FB_FIXED_SIZE_LIST_LIST_SIZE, -1), k, 1, 0),
               QV_ERR_INVALID_DATA, "fixed_size_list size -1 must not be negative");
  /* union codes outside 0..127 */
  static const int32_t codes_bad[][2] = {{0, 128}, {-1, 1}, {5, 1000000}};
  for (size_t i = 0; i < 3; i++) {
    k[0] = int32_field(&b, "a");
    k[1] = int32_field(&b, "b");
    qv_fb_ref ids, ut;
    RT_OK(qv__fb_create_vector_int32(&b, codes_bad[i], 2, &ids));
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int16(&b, FB_UNION_MODE, FB_UNION_MODE_DENSE, -1));
    RT_OK(qv__fb_add_offset(&b, FB_UNION_TYPE_IDS, ids));
    RT_OK(qv__fb_end_table(&b, &ut));
    expect_field(&b, field(&b, "u", FB_TYPE_UNION, ut, k, 2, 0), QV_ERR_INVALID_DATA, "is outside 0..127");
  }
  /* #codes != #children */
  {
    static const int32_t three[3] = {0, 1, 2};
    k[0] = int32_field(&b, "a");
    k[1] = int32_field(&b, "b");
    qv_fb_ref ids, ut;
    RT_OK(qv__fb_create_vector_int32(&b, three, 3, &ids));
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_offset(&b, FB_UNION_TYPE_IDS, ids));
    RT_OK(qv__fb_end_table(&b, &ut));
    expect_field(&b, field(&b, "u", FB_TYPE_UNION, ut, k, 2, 0), QV_ERR_INVALID_DATA,
                 "Union typeIds has 3 entries for 2 children");
  }
  /* union mode */
  k[0] = int32_field(&b, "a");
  expect_field(&b, field(&b, "u", FB_TYPE_UNION, type_i16(&b, FB_UNION_MODE, 7), k, 1, 0), QV_ERR_INVALID_DATA,
               "Union mode 7 is neither Sparse nor Dense");
  /* list with != 1 child */
  for (int n = 0; n <= 3; n += 2) {
    k[0] = int32_field(&b, "a");
    k[1] = int32_field(&b, "b");
    char needle[64];
    snprintf(needle, sizeof needle, "must have 1 child, it has %d", n);
    expect_field(&b, field(&b, "l", FB_TYPE_LIST, type_i32(&b, -1, 0), k, n == 0 ? 0 : 2, 0), QV_ERR_INVALID_DATA,
                 n == 0 ? "must have 1 child, it has 0" : "must have 1 child, it has 2");
  }
  /* large list / list view / map with 2 children; run-end encoded with 1 */
  static const uint8_t one_child[] = {FB_TYPE_LARGE_LIST, FB_TYPE_LIST_VIEW, FB_TYPE_LARGE_LIST_VIEW,
                                      FB_TYPE_FIXED_SIZE_LIST, FB_TYPE_MAP};
  for (size_t i = 0; i < sizeof one_child; i++) {
    k[0] = int32_field(&b, "a");
    k[1] = int32_field(&b, "b");
    qv_fb_ref t = one_child[i] == FB_TYPE_FIXED_SIZE_LIST ? type_i32(&b, FB_FIXED_SIZE_LIST_LIST_SIZE, 2)
                                                          : type_i32(&b, -1, 0);
    expect_field(&b, field(&b, "n", one_child[i], t, k, 2, 0), QV_ERR_INVALID_DATA, "must have 1 child, it has 2");
  }
  k[0] = int32_field(&b, "run_ends");
  expect_field(&b, field(&b, "r", FB_TYPE_RUN_END_ENCODED, type_i32(&b, -1, 0), k, 1, 0), QV_ERR_INVALID_DATA,
               "must have 2 children, it has 1");
  /* a primitive with children */
  k[0] = int32_field(&b, "a");
  expect_field(&b, field(&b, "p", FB_TYPE_UTF8, type_i32(&b, -1, 0), k, 1, 0), QV_ERR_INVALID_DATA,
               "must have 0 children, it has 1");
  /* decimal precision and width, time unit/width, timestamp unit, date and interval units */
  {
    qv_fb_ref t;
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int32(&b, FB_DECIMAL_PRECISION, 0, -1));
    RT_OK(qv__fb_end_table(&b, &t));
    expect_field(&b, field(&b, "d", FB_TYPE_DECIMAL, t, NULL, 0, 0), QV_ERR_INVALID_DATA, "precision 0");
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int32(&b, FB_DECIMAL_PRECISION, 10, -1));
    RT_OK(qv__fb_add_int32(&b, FB_DECIMAL_BIT_WIDTH, 100, -1));
    RT_OK(qv__fb_end_table(&b, &t));
    expect_field(&b, field(&b, "d", FB_TYPE_DECIMAL, t, NULL, 0, 0), QV_ERR_INVALID_DATA, "100");
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_int16(&b, FB_TIME_UNIT, FB_TIMEUNIT_SECOND, -1));
    RT_OK(qv__fb_add_int32(&b, FB_TIME_BIT_WIDTH, 64, -1));
    RT_OK(qv__fb_end_table(&b, &t));
    expect_field(&b, field(&b, "t", FB_TYPE_TIME, t, NULL, 0, 0), QV_ERR_INVALID_DATA, "needs bitWidth 32, not 64");
  }
  expect_field(&b, field(&b, "ts", FB_TYPE_TIMESTAMP, type_i16(&b, FB_TIMESTAMP_UNIT, 9), NULL, 0, 0),
               QV_ERR_INVALID_DATA, "Timestamp unit 9 is not a TimeUnit");
  expect_field(&b, field(&b, "dt", FB_TYPE_DATE, type_i16(&b, FB_DATE_UNIT, 2), NULL, 0, 0), QV_ERR_INVALID_DATA,
               "Date unit 2 is unknown");
  expect_field(&b, field(&b, "iv", FB_TYPE_INTERVAL, type_i16(&b, FB_INTERVAL_UNIT, 3), NULL, 0, 0),
               QV_ERR_INVALID_DATA, "Interval unit 3 is unknown");
  expect_field(&b, field(&b, "du", FB_TYPE_DURATION, type_i16(&b, FB_DURATION_UNIT, -2), NULL, 0, 0),
               QV_ERR_INVALID_DATA, "Duration unit -2 is not a TimeUnit");
  /* a Type tag from the future is unsupported, not invalid */
  expect_field(&b, field(&b, "new", FB_TYPE_COUNT + 3, type_i32(&b, -1, 0), NULL, 0, 0), QV_ERR_UNSUPPORTED,
               "is not supported");
  /* dictionary index type */
  {
    qv_fb_ref idx = int_type(&b, 12, true), de;
    RT_OK(qv__fb_start_table(&b));
    RT_OK(qv__fb_add_offset(&b, FB_DICTIONARY_ENCODING_INDEX_TYPE, idx));
    RT_OK(qv__fb_end_table(&b, &de));
    qv_fb_ref t = type_i32(&b, -1, 0);
    expect_field(&b, field(&b, "dict", FB_TYPE_UTF8, t, NULL, 0, de), QV_ERR_INVALID_DATA,
                 "DictionaryEncoding.indexType bitWidth 12");
  }
  /* an error deep inside names the full path */
  {
    qv_fb_ref leaf = field(&b, "leaf", FB_TYPE_INT, int_type(&b, 3, true), NULL, 0, 0);
    qv_fb_ref mid = field(&b, "mid", FB_TYPE_LIST, type_i32(&b, -1, 0), &leaf, 1, 0);
    expect_field(&b, field(&b, "top", FB_TYPE_STRUCT, type_i32(&b, -1, 0), &mid, 1, 0), QV_ERR_INVALID_DATA,
                 "field 'top.mid.leaf': Int bitWidth 3");
  }
  qv__fb_builder_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_07_invalid_flatbuffer),
      cmocka_unit_test(class_08_table_dag_explosion),
      cmocka_unit_test(class_09_nesting_beyond_limit),
      cmocka_unit_test(class_13_missing_required_tables),
      cmocka_unit_test(class_14_bad_type_parameters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
