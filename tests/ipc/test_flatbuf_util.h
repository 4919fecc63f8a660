/* Shared fixtures for the flatbuf tests: builders for sample Arrow messages
 * (a Schema with one field per Type union member, a RecordBatch, a
 * DictionaryBatch, a Footer) and a descriptor-driven deep walk that touches
 * every byte the accessors can reach (so ASan catches any read the verifier
 * failed to bound). Included by several test_flatbuf*.c files; static inline
 * so each uses what it needs.
 */
#ifndef QV_TEST_FLATBUF_UTIL_H
#define QV_TEST_FLATBUF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_builder.h"
#include "ipc/flatbuf/fb_reader.h"
#include "ipc/flatbuf/fb_verify.h"

#define OKB(expr) assert_int_equal((expr), QV_OK)

/* Heap copy of exactly n bytes, so ASan flags any read past the end. */
static inline uint8_t *tf_dup(const uint8_t *p, size_t n) {
  uint8_t *q = malloc(n ? n : 1);
  assert_non_null(q);
  if (n) memcpy(q, p, n);
  return q;
}

static inline qv_fb_ref tf_string(qv_fb_builder *b, const char *s) {
  qv_fb_ref r;
  OKB(qv__fb_create_string(b, s, strlen(s), &r));
  return r;
}

static inline qv_fb_ref tf_key_value(qv_fb_builder *b, const char *k, const char *v) {
  qv_fb_ref kr = tf_string(b, k), vr = tf_string(b, v), r;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_KEY_VALUE_KEY, kr));
  OKB(qv__fb_add_offset(b, FB_KEY_VALUE_VALUE, vr));
  OKB(qv__fb_end_table(b, &r));
  return r;
}

static inline qv_fb_ref tf_int_type(qv_fb_builder *b, int32_t bits, bool is_signed) {
  qv_fb_ref r;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int32(b, FB_INT_BIT_WIDTH, bits, 0));
  OKB(qv__fb_add_bool(b, FB_INT_IS_SIGNED, is_signed, false));
  OKB(qv__fb_end_table(b, &r));
  return r;
}

/* The Type member table for `tag`, with the sample parameters that
 * tf_check_type expects. */
static inline qv_fb_ref tf_type(qv_fb_builder *b, uint8_t tag) {
  qv_fb_ref r, tz = 0, ids = 0;
  static const int32_t type_ids[] = {5, 9};
  switch (tag) {
    case FB_TYPE_INT: return tf_int_type(b, 16, true);
    case FB_TYPE_TIMESTAMP: tz = tf_string(b, "America/New_York"); break;
    case FB_TYPE_UNION: OKB(qv__fb_create_vector_int32(b, type_ids, 2, &ids)); break;
    default: break;
  }
  OKB(qv__fb_start_table(b));
  switch (tag) {
    case FB_TYPE_FLOATING_POINT:
      OKB(qv__fb_add_int16(b, FB_FLOATING_POINT_PRECISION, FB_PRECISION_DOUBLE, 0));
      break;
    case FB_TYPE_DECIMAL:
      OKB(qv__fb_add_int32(b, FB_DECIMAL_PRECISION, 38, 0));
      OKB(qv__fb_add_int32(b, FB_DECIMAL_SCALE, 10, 0));
      OKB(qv__fb_add_int32(b, FB_DECIMAL_BIT_WIDTH, 256, FB_DECIMAL_DEFAULT_BIT_WIDTH));
      break;
    case FB_TYPE_DATE: OKB(qv__fb_add_int16(b, FB_DATE_UNIT, FB_DATE_UNIT_DAY, FB_DATE_UNIT_MILLISECOND)); break;
    case FB_TYPE_TIME:
      OKB(qv__fb_add_int16(b, FB_TIME_UNIT, FB_TIMEUNIT_MICROSECOND, FB_TIMEUNIT_MILLISECOND));
      OKB(qv__fb_add_int32(b, FB_TIME_BIT_WIDTH, 64, FB_TIME_DEFAULT_BIT_WIDTH));
      break;
    case FB_TYPE_TIMESTAMP:
      OKB(qv__fb_add_int16(b, FB_TIMESTAMP_UNIT, FB_TIMEUNIT_NANOSECOND, FB_TIMEUNIT_SECOND));
      OKB(qv__fb_add_offset(b, FB_TIMESTAMP_TIMEZONE, tz));
      break;
    case FB_TYPE_INTERVAL: OKB(qv__fb_add_int16(b, FB_INTERVAL_UNIT, FB_INTERVAL_MONTH_DAY_NANO, 0)); break;
    case FB_TYPE_UNION:
      OKB(qv__fb_add_int16(b, FB_UNION_MODE, FB_UNION_MODE_DENSE, FB_UNION_MODE_SPARSE));
      OKB(qv__fb_add_offset(b, FB_UNION_TYPE_IDS, ids));
      break;
    case FB_TYPE_FIXED_SIZE_BINARY: OKB(qv__fb_add_int32(b, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, 16, 0)); break;
    case FB_TYPE_FIXED_SIZE_LIST: OKB(qv__fb_add_int32(b, FB_FIXED_SIZE_LIST_LIST_SIZE, 3, 0)); break;
    case FB_TYPE_MAP: OKB(qv__fb_add_bool(b, FB_MAP_KEYS_SORTED, true, false)); break;
    /* SECOND is 0 but the default is MILLISECOND: must be stored. */
    case FB_TYPE_DURATION: OKB(qv__fb_add_int16(b, FB_DURATION_UNIT, FB_TIMEUNIT_SECOND, FB_TIMEUNIT_MILLISECOND)); break;
    default: break; /* empty tables */
  }
  OKB(qv__fb_end_table(b, &r));
  return r;
}

static inline void tf_check_type(uint8_t tag, const qv_fb_table *t) {
  qv_fb_vector v;
  const char *s;
  size_t n;
  assert_true(qv_fb_table_present(t));
  switch (tag) {
    case FB_TYPE_INT:
      assert_int_equal(qv_fb_table_get_int32(t, FB_INT_BIT_WIDTH, 0), 16);
      assert_true(qv_fb_table_get_bool(t, FB_INT_IS_SIGNED, false));
      break;
    case FB_TYPE_FLOATING_POINT:
      assert_int_equal(qv_fb_table_get_int16(t, FB_FLOATING_POINT_PRECISION, 0), FB_PRECISION_DOUBLE);
      break;
    case FB_TYPE_DECIMAL:
      assert_int_equal(qv_fb_table_get_int32(t, FB_DECIMAL_PRECISION, 0), 38);
      assert_int_equal(qv_fb_table_get_int32(t, FB_DECIMAL_SCALE, 0), 10);
      assert_int_equal(qv_fb_table_get_int32(t, FB_DECIMAL_BIT_WIDTH, 128), 256);
      break;
    case FB_TYPE_DATE:
      assert_true(qv_fb_table_has(t, FB_DATE_UNIT));
      assert_int_equal(qv_fb_table_get_int16(t, FB_DATE_UNIT, FB_DATE_UNIT_MILLISECOND), FB_DATE_UNIT_DAY);
      break;
    case FB_TYPE_TIME:
      assert_int_equal(qv_fb_table_get_int16(t, FB_TIME_UNIT, 1), FB_TIMEUNIT_MICROSECOND);
      assert_int_equal(qv_fb_table_get_int32(t, FB_TIME_BIT_WIDTH, 32), 64);
      break;
    case FB_TYPE_TIMESTAMP:
      assert_int_equal(qv_fb_table_get_int16(t, FB_TIMESTAMP_UNIT, 0), FB_TIMEUNIT_NANOSECOND);
      assert_true(qv_fb_table_get_string(t, FB_TIMESTAMP_TIMEZONE, &s, &n));
      assert_int_equal(n, 16);
      assert_string_equal(s, "America/New_York");
      break;
    case FB_TYPE_INTERVAL:
      assert_int_equal(qv_fb_table_get_int16(t, FB_INTERVAL_UNIT, 0), FB_INTERVAL_MONTH_DAY_NANO);
      break;
    case FB_TYPE_UNION:
      assert_int_equal(qv_fb_table_get_int16(t, FB_UNION_MODE, 0), FB_UNION_MODE_DENSE);
      assert_true(qv_fb_table_get_vector(t, FB_UNION_TYPE_IDS, &v));
      assert_int_equal(qv_fb_vector_len(&v), 2);
      assert_int_equal(qv_fb_vector_get_int32(&v, 0), 5);
      assert_int_equal(qv_fb_vector_get_int32(&v, 1), 9);
      break;
    case FB_TYPE_FIXED_SIZE_BINARY:
      assert_int_equal(qv_fb_table_get_int32(t, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, 0), 16);
      break;
    case FB_TYPE_FIXED_SIZE_LIST:
      assert_int_equal(qv_fb_table_get_int32(t, FB_FIXED_SIZE_LIST_LIST_SIZE, 0), 3);
      break;
    case FB_TYPE_MAP: assert_true(qv_fb_table_get_bool(t, FB_MAP_KEYS_SORTED, false)); break;
    case FB_TYPE_DURATION:
      assert_true(qv_fb_table_has(t, FB_DURATION_UNIT));
      assert_int_equal(qv_fb_table_get_int16(t, FB_DURATION_UNIT, 1), FB_TIMEUNIT_SECOND);
      break;
    default:
      assert_false(qv_fb_table_has(t, 0)); /* empty table */
      break;
  }
}

/* Number of children tf_field gives a field of this type. */
static inline int tf_nchildren(uint8_t tag) {
  switch (tag) {
    case FB_TYPE_LIST: case FB_TYPE_LARGE_LIST: case FB_TYPE_LIST_VIEW:
    case FB_TYPE_LARGE_LIST_VIEW: case FB_TYPE_FIXED_SIZE_LIST: case FB_TYPE_MAP:
      return 1;
    case FB_TYPE_STRUCT: case FB_TYPE_UNION: case FB_TYPE_RUN_END_ENCODED:
      return 2;
    default:
      return 0;
  }
}

/* A Field table: name, nullable, type `tag`, children per tf_nchildren
 * (Int(16) leaves named c0, c1; a Map gets entries: Struct_<key, value>). */
static inline qv_fb_ref tf_field(qv_fb_builder *b, const char *name, bool nullable, uint8_t tag) {
  qv_fb_ref kids[2], children = 0, r;
  int nk = tf_nchildren(tag);
  for (int i = 0; i < nk; i++) {
    if (tag == FB_TYPE_MAP) {
      kids[i] = tf_field(b, "entries", false, FB_TYPE_STRUCT);
    } else {
      kids[i] = tf_field(b, i == 0 ? "c0" : "c1", true, FB_TYPE_INT);
    }
  }
  if (nk > 0) OKB(qv__fb_create_vector_refs(b, kids, (size_t)nk, &children));
  qv_fb_ref nm = tf_string(b, name);
  qv_fb_ref ty = tf_type(b, tag);
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_FIELD_NAME, nm));
  OKB(qv__fb_add_bool(b, FB_FIELD_NULLABLE, nullable, false));
  OKB(qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, tag, ty));
  OKB(qv__fb_add_offset(b, FB_FIELD_CHILDREN, children));
  OKB(qv__fb_end_table(b, &r));
  return r;
}

/* Wraps a finished header table in a Message and finishes the buffer. */
static inline void tf_message(qv_fb_builder *b, uint8_t header_type, qv_fb_ref header,
                              int64_t body_length, const uint8_t **data, size_t *len) {
  qv_fb_ref msg;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int16(b, FB_MESSAGE_VERSION, FB_METADATA_V5, 0));
  OKB(qv__fb_add_union(b, FB_MESSAGE_HEADER_TYPE, header_type, header));
  OKB(qv__fb_add_int64(b, FB_MESSAGE_BODY_LENGTH, body_length, 0));
  OKB(qv__fb_end_table(b, &msg));
  OKB(qv__fb_builder_finish(b, msg, data, len, NULL));
}

/* Schema table: one field per Type tag 1..26 named "f<tag>", then a
 * dictionary-encoded utf8 field "dict" with field metadata; schema metadata
 * {"origin": "quiver", "empty": ""}; features [DICTIONARY_REPLACEMENT,
 * COMPRESSED_BODY]. */
#define TF_NFIELDS (FB_TYPE_COUNT - 1 + 1)
static inline qv_fb_ref tf_schema(qv_fb_builder *b) {
  qv_fb_ref fields[TF_NFIELDS], r, vfields, vmeta, vfeat, kv[2];
  char name[16];
  for (int tag = 1; tag < FB_TYPE_COUNT; tag++) {
    snprintf(name, sizeof name, "f%d", tag);
    fields[tag - 1] = tf_field(b, name, tag % 2 == 0, (uint8_t)tag);
  }
  /* dictionary-encoded field */
  qv_fb_ref idx = tf_int_type(b, 8, true), dict, fmeta, fkv, nm, ty;
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int64(b, FB_DICTIONARY_ENCODING_ID, 42, 0));
  OKB(qv__fb_add_offset(b, FB_DICTIONARY_ENCODING_INDEX_TYPE, idx));
  OKB(qv__fb_add_bool(b, FB_DICTIONARY_ENCODING_IS_ORDERED, true, false));
  OKB(qv__fb_end_table(b, &dict));
  fkv = tf_key_value(b, "ARROW:extension:name", "arrow.json");
  OKB(qv__fb_create_vector_refs(b, &fkv, 1, &fmeta));
  nm = tf_string(b, "dict");
  ty = tf_type(b, FB_TYPE_UTF8);
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_offset(b, FB_FIELD_NAME, nm));
  OKB(qv__fb_add_bool(b, FB_FIELD_NULLABLE, true, false));
  OKB(qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, FB_TYPE_UTF8, ty));
  OKB(qv__fb_add_offset(b, FB_FIELD_DICTIONARY, dict));
  OKB(qv__fb_add_offset(b, FB_FIELD_CUSTOM_METADATA, fmeta));
  OKB(qv__fb_end_table(b, &fields[TF_NFIELDS - 1]));

  OKB(qv__fb_create_vector_refs(b, fields, TF_NFIELDS, &vfields));
  kv[0] = tf_key_value(b, "origin", "quiver");
  kv[1] = tf_key_value(b, "empty", "");
  OKB(qv__fb_create_vector_refs(b, kv, 2, &vmeta));
  static const int64_t features[] = {FB_FEATURE_DICTIONARY_REPLACEMENT, FB_FEATURE_COMPRESSED_BODY};
  OKB(qv__fb_create_vector_int64(b, features, 2, &vfeat));
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int16(b, FB_SCHEMA_ENDIANNESS, FB_ENDIANNESS_LITTLE, FB_ENDIANNESS_LITTLE));
  OKB(qv__fb_add_offset(b, FB_SCHEMA_FIELDS, vfields));
  OKB(qv__fb_add_offset(b, FB_SCHEMA_CUSTOM_METADATA, vmeta));
  OKB(qv__fb_add_offset(b, FB_SCHEMA_FEATURES, vfeat));
  OKB(qv__fb_end_table(b, &r));
  return r;
}

static inline void tf_schema_message(qv_fb_builder *b, const uint8_t **data, size_t *len) {
  qv_fb_ref s = tf_schema(b);
  tf_message(b, FB_HEADER_SCHEMA, s, 0, data, len);
}

/* RecordBatch: length 100, 3 nodes {(100, i), ...}, 5 buffers
 * {(64*i, 10*i)}, ZSTD compression, variadicBufferCounts [2, 0]. */
static inline qv_fb_ref tf_record_batch(qv_fb_builder *b) {
  uint8_t *p;
  qv_fb_ref nodes, buffers, comp, counts, r;
  OKB(qv__fb_start_vector(b, 3, FB_FIELD_NODE_SIZE, 8, &p));
  for (int i = 0; i < 3; i++) {
    qv_fb_store_i64(p + FB_FIELD_NODE_SIZE * i + FB_FIELD_NODE_LENGTH, 100);
    qv_fb_store_i64(p + FB_FIELD_NODE_SIZE * i + FB_FIELD_NODE_NULL_COUNT, i);
  }
  OKB(qv__fb_end_vector(b, &nodes));
  OKB(qv__fb_start_vector(b, 5, FB_BUFFER_SIZE, 8, &p));
  for (int i = 0; i < 5; i++) {
    qv_fb_store_i64(p + FB_BUFFER_SIZE * i + FB_BUFFER_OFFSET, 64 * i);
    qv_fb_store_i64(p + FB_BUFFER_SIZE * i + FB_BUFFER_LENGTH, 10 * i);
  }
  OKB(qv__fb_end_vector(b, &buffers));
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int8(b, FB_BODY_COMPRESSION_CODEC, FB_COMPRESSION_ZSTD, FB_COMPRESSION_LZ4_FRAME));
  OKB(qv__fb_add_int8(b, FB_BODY_COMPRESSION_METHOD, FB_COMPRESSION_METHOD_BUFFER, 0));
  OKB(qv__fb_end_table(b, &comp));
  static const int64_t vc[] = {2, 0};
  OKB(qv__fb_create_vector_int64(b, vc, 2, &counts));
  OKB(qv__fb_start_table(b));
  OKB(qv__fb_add_int64(b, FB_RECORD_BATCH_LENGTH, 100, 0));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_NODES, nodes));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_BUFFERS, buffers));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_COMPRESSION, comp));
  OKB(qv__fb_add_offset(b, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, counts));
  OKB(qv__fb_end_table(b, &r));
  return r;
}

static inline void tf_record_batch_message(qv_fb_builder *b, const uint8_t **data, size_t *len) {
  qv_fb_ref rb = tf_record_batch(b);
  tf_message(b, FB_HEADER_RECORD_BATCH, rb, 4096, data, len);
}

/* ---- deep walk through the accessors ---- */

static inline uint64_t tf_walk_table(const qv_fb_table *t, const qv_fb_table_desc *d);

static inline uint64_t tf_walk_bytes(const char *s, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i <= n; i++) h = h * 31 + (uint8_t)s[i]; /* includes the NUL */
  return h;
}

static inline uint64_t tf_walk_slot(const qv_fb_table *t, const qv_fb_table_desc *d, unsigned i) {
  const qv_fb_slot_desc *sd = &d->slots[i];
  qv_fb_table sub;
  qv_fb_vector v;
  const char *s;
  size_t n;
  uint64_t h = 0;
  switch ((qv_fb_kind)sd->kind) {
    case QV_FB_SCALAR:
      switch (sd->size) {
        case 1: return qv_fb_table_get_uint8(t, i, 0);
        case 2: return (uint16_t)qv_fb_table_get_int16(t, i, 0);
        case 4: return (uint32_t)qv_fb_table_get_int32(t, i, 0);
        default: return (uint64_t)qv_fb_table_get_int64(t, i, 0);
      }
    case QV_FB_UNION_TYPE: return qv_fb_table_get_uint8(t, i, 0);
    case QV_FB_STRING:
      if (qv_fb_table_get_string(t, i, &s, &n)) h = tf_walk_bytes(s, n);
      return h;
    case QV_FB_TABLE:
      return qv_fb_table_get_table(t, i, &sub) ? tf_walk_table(&sub, sd->table) : 0;
    case QV_FB_UNION: {
      uint8_t tag = qv_fb_table_get_union(t, i - 1, &sub);
      if (tag != 0 && tag < sd->uni->nmembers && sd->uni->members[tag] != NULL) {
        h = tf_walk_table(&sub, sd->uni->members[tag]);
      }
      return h;
    }
    case QV_FB_VEC_SCALAR:
    case QV_FB_VEC_STRUCT:
      qv_fb_table_get_vector(t, i, &v);
      for (uint32_t k = 0; k < qv_fb_vector_len(&v); k++) {
        const uint8_t *e = qv_fb_vector_get_struct(&v, k, sd->size);
        for (unsigned j = 0; j < sd->size; j++) h = h * 31 + e[j];
      }
      return h;
    case QV_FB_VEC_TABLE:
      qv_fb_table_get_vector(t, i, &v);
      for (uint32_t k = 0; k < qv_fb_vector_len(&v); k++) {
        assert_true(qv_fb_vector_get_table(&v, k, &sub));
        h += tf_walk_table(&sub, sd->table);
      }
      return h;
    case QV_FB_VEC_STRING:
      qv_fb_table_get_vector(t, i, &v);
      for (uint32_t k = 0; k < qv_fb_vector_len(&v); k++) {
        assert_true(qv_fb_vector_get_string(&v, k, &s, &n));
        h += tf_walk_bytes(s, n);
      }
      return h;
    default:
      return 0;
  }
}

static inline uint64_t tf_walk_table(const qv_fb_table *t, const qv_fb_table_desc *d) {
  uint64_t h = 17;
  for (unsigned i = 0; i < d->nslots; i++) h = h * 131 + tf_walk_slot(t, d, i);
  return h;
}

/* Substring check with a readable failure. */
#define assert_contains(hay, needle)                                              \
  do {                                                                            \
    if (strstr((hay), (needle)) == NULL)                                          \
      fail_msg("expected \"%s\" in message \"%s\"", (needle), (hay));             \
  } while (0)

#endif
