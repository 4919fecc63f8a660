/* Shared helpers for the IPC tests (header-only, static): a "kitchen sink"
 * schema with one column of every type quiver supports, tables built from
 * it with the builders (with or without nulls, several batches), slicing,
 * round-trip helpers and the location of the arrow-testing gold files.
 */
#ifndef QV_TEST_IPC_UTIL_H
#define QV_TEST_IPC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quiver/builder.h"
#include "quiver/compare.h"
#include "quiver/ipc.h"
#include "quiver/validate.h"
#include "support/arrow_testing.h"

#define OK(expr)                                                                         \
  do {                                                                                   \
    qv_error e_;                                                                         \
    memset(&e_, 0, sizeof e_);                                                           \
    qv_error *err = &e_;                                                                 \
    (void)err;                                                                           \
    qv_status st_ = (expr);                                                              \
    if (st_ != QV_OK) fail_msg("%s -> %s: %s", #expr, qv_status_name(st_), e_.message);  \
  } while (0)

/* ---- types ---- */

static inline qv_field *tu_field(const char *name, qv_type *type, bool nullable) {
  qv_field *f = NULL;
  qv_error err;
  if (qv_field_new(name, type, nullable, NULL, &f, &err) != QV_OK) fail_msg("qv_field_new(%s): %s", name, err.message);
  qv_type_release(type);
  return f;
}

/* Takes ownership of the fields. */
static inline qv_type *tu_struct(qv_field **fs, int32_t n) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_struct(fs, n, &t, NULL), QV_OK);
  for (int32_t i = 0; i < n; i++) qv_field_release(fs[i]);
  return t;
}

static inline qv_type *tu_list(qv_type_id id, qv_type *value) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_list_of(id, value, &t, NULL), QV_OK);
  qv_type_release(value);
  return t;
}

static inline qv_type *tu_dict(qv_type *index, qv_type *value) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_dictionary(index, value, false, &t, NULL), QV_OK);
  qv_type_release(index);
  qv_type_release(value);
  return t;
}

static inline void tu_check(qv_status st) { assert_int_equal(st, QV_OK); }
/* Evaluates a type constructor writing into `t`, then yields t (the comma
 * operator sequences the call before the read). */
#define TU_T(call) (tu_check(call), t)

/* One field per type (nullable unless the type cannot be). */
static inline qv_schema *tu_all_types_schema(void) {
  qv_field *f[64];
  int n = 0;
  qv_type *t;
  f[n++] = tu_field("null", qv_type_null(), true);
  f[n++] = tu_field("bool", qv_type_bool(), true);
  f[n++] = tu_field("i8", qv_type_int8(), true);
  f[n++] = tu_field("i16", qv_type_int16(), true);
  f[n++] = tu_field("i32", qv_type_int32(), true);
  f[n++] = tu_field("i64", qv_type_int64(), true);
  f[n++] = tu_field("u8", qv_type_uint8(), true);
  f[n++] = tu_field("u16", qv_type_uint16(), true);
  f[n++] = tu_field("u32", qv_type_uint32(), true);
  f[n++] = tu_field("u64", qv_type_uint64(), true);
  f[n++] = tu_field("f16", qv_type_float16(), true);
  f[n++] = tu_field("f32", qv_type_float32(), true);
  f[n++] = tu_field("f64", qv_type_float64(), true);
  f[n++] = tu_field("d32", TU_T(qv_type_decimal(32, 9, 2, &t, NULL)), true);
  f[n++] = tu_field("d64", TU_T(qv_type_decimal(64, 18, 3, &t, NULL)), true);
  f[n++] = tu_field("d128", TU_T(qv_type_decimal(128, 38, 4, &t, NULL)), true);
  f[n++] = tu_field("d256", TU_T(qv_type_decimal(256, 76, 5, &t, NULL)), true);
  f[n++] = tu_field("date32", qv_type_date32(), true);
  f[n++] = tu_field("date64", qv_type_date64(), true);
  f[n++] = tu_field("time32", TU_T(qv_type_time32(QV_UNIT_MILLI, &t, NULL)), true);
  f[n++] = tu_field("time64", TU_T(qv_type_time64(QV_UNIT_NANO, &t, NULL)), true);
  f[n++] = tu_field("ts", TU_T(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &t, NULL)), true);
  f[n++] = tu_field("dur", TU_T(qv_type_duration(QV_UNIT_SECOND, &t, NULL)), true);
  f[n++] = tu_field("ivm", qv_type_interval_months(), true);
  f[n++] = tu_field("ivdt", qv_type_interval_day_time(), true);
  f[n++] = tu_field("ivmdn", qv_type_interval_month_day_nano(), true);
  f[n++] = tu_field("bin", qv_type_binary(), true);
  f[n++] = tu_field("str", qv_type_string(), true);
  f[n++] = tu_field("lbin", qv_type_large_binary(), true);
  f[n++] = tu_field("lstr", qv_type_large_string(), true);
  f[n++] = tu_field("binview", qv_type_binary_view(), true);
  f[n++] = tu_field("strview", qv_type_string_view(), true);
  f[n++] = tu_field("fsb", TU_T(qv_type_fixed_size_binary(5, &t, NULL)), true);
  f[n++] = tu_field("list", tu_list(QV_TYPE_LIST, qv_type_int32()), true);
  f[n++] = tu_field("llist", tu_list(QV_TYPE_LARGE_LIST, qv_type_string()), true);
  f[n++] = tu_field("listview", tu_list(QV_TYPE_LIST_VIEW, qv_type_int16()), true);
  f[n++] = tu_field("llistview", tu_list(QV_TYPE_LARGE_LIST_VIEW, qv_type_string()), true);
  {
    qv_field *item = tu_field("item", qv_type_int16(), true);
    assert_int_equal(qv_type_fixed_size_list(item, 3, &t, NULL), QV_OK);
    qv_field_release(item);
    f[n++] = tu_field("fsl", t, true);
  }
  {
    qv_field *kids[2] = {tu_field("a", qv_type_int32(), true), tu_field("b", qv_type_string(), true)};
    f[n++] = tu_field("struct", tu_struct(kids, 2), true);
  }
  f[n++] = tu_field("map", TU_T(qv_type_map(qv_type_string(), qv_type_int32(), false, &t, NULL)), true);
  {
    qv_field *kids[2] = {tu_field("u_i", qv_type_int32(), true), tu_field("u_s", qv_type_string(), true)};
    int8_t codes[2] = {5, 9};
    assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, kids, 2, codes, &t, NULL), QV_OK);
    f[n++] = tu_field("sparse", t, true);
    assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, kids, 2, NULL, &t, NULL), QV_OK);
    f[n++] = tu_field("dense", t, true);
    qv_field_release(kids[0]);
    qv_field_release(kids[1]);
  }
  f[n++] = tu_field("dict", tu_dict(qv_type_int32(), qv_type_string()), true);
  f[n++] = tu_field("dict8", tu_dict(qv_type_uint8(), qv_type_int64()), true);
  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL), QV_OK);
  f[n++] = tu_field("ree", t, true);
  {
    qv_type *fsb16 = NULL;
    assert_int_equal(qv_type_fixed_size_binary(16, &fsb16, NULL), QV_OK);
    assert_int_equal(qv_type_extension("arrow.uuid", "", 0, fsb16, &t, NULL), QV_OK);
    qv_type_release(fsb16);
    f[n++] = tu_field("uuid", t, true);
  }
  {
    /* list<struct<x: dictionary<int16, string>>>: a dictionary below nesting */
    qv_field *kids[1] = {tu_field("x", tu_dict(qv_type_int16(), qv_type_string()), true)};
    f[n++] = tu_field("nested_dict", tu_list(QV_TYPE_LIST, tu_struct(kids, 1)), true);
  }
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "origin", -1, "quiver tests", -1, NULL), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(f, n, md, &s, NULL), QV_OK);
  qv_metadata_free(md);
  for (int i = 0; i < n; i++) qv_field_release(f[i]);
  return s;
}

/* ---- values ---- */

static const char *const tu_words[] = {"alpha", "", "a string longer than twelve bytes", "z", "kappa"};

/* When set (the allocation-failure sweeps of tests/oom), a failed append
 * jumps here instead of failing, with its status in tu_append_status and
 * the builder that failed in tu_append_failed. */
static jmp_buf *tu_append_escape;
static qv_status tu_append_status;
static qv_builder *tu_append_failed;

static inline void tu_ok(qv_builder *b, qv_status st) {
  if (st != QV_OK && tu_append_escape != NULL) {
    tu_append_status = st;
    tu_append_failed = b;
    longjmp(*tu_append_escape, 1);
  }
  if (st != QV_OK) fail_msg("builder append failed: %s: %s", qv_status_name(st), qv_builder_error(b)->message);
}

/* Appends value number i (deterministic) to b; a null when `null`. */
static void tu_append(qv_builder *b, int64_t i, bool null) {
  const qv_type *s = qv_type_storage(qv_builder_type(b));
  if (s->id == QV_TYPE_NULL || (null && qv_type_has_validity(s))) {
    tu_ok(b, qv_builder_append_null(b));
    return;
  }
  const char *w = tu_words[i % 5];
  switch (s->id) {
    case QV_TYPE_BOOL: tu_ok(b, qv_builder_append_bool(b, i % 3 == 0)); break;
    case QV_TYPE_INT8: tu_ok(b, qv_builder_append_int8(b, (int8_t)(i * 7 - 100))); break;
    case QV_TYPE_INT16: tu_ok(b, qv_builder_append_int16(b, (int16_t)(i * 300 - 5000))); break;
    case QV_TYPE_INT32:
    case QV_TYPE_DATE32:
    case QV_TYPE_INTERVAL_MONTHS: tu_ok(b, qv_builder_append_int32(b, (int32_t)(i * 1000 - 77))); break;
    case QV_TYPE_TIME32: tu_ok(b, qv_builder_append_int32(b, (int32_t)(i * 1000 % 86400000))); break;
    case QV_TYPE_INT64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION: tu_ok(b, qv_builder_append_int64(b, i * 1000000007LL - 3)); break;
    case QV_TYPE_TIME64: tu_ok(b, qv_builder_append_int64(b, i * 1000000007LL % 86400000000000LL)); break;
    case QV_TYPE_DATE64: tu_ok(b, qv_builder_append_int64(b, (i - 10) * 86400000LL)); break;
    case QV_TYPE_UINT8: tu_ok(b, qv_builder_append_uint8(b, (uint8_t)(i * 3))); break;
    case QV_TYPE_UINT16: tu_ok(b, qv_builder_append_uint16(b, (uint16_t)(i * 999))); break;
    case QV_TYPE_UINT32: tu_ok(b, qv_builder_append_uint32(b, (uint32_t)(i * 123456789u))); break;
    case QV_TYPE_UINT64: tu_ok(b, qv_builder_append_uint64(b, (uint64_t)i * 0x9E3779B97F4A7C15ull)); break;
    case QV_TYPE_FLOAT16: tu_ok(b, qv_builder_append_float16(b, (uint16_t)(0x3c00 + i))); break;
    case QV_TYPE_FLOAT32: tu_ok(b, qv_builder_append_float32(b, (float)i * 0.5f - 3.0f)); break;
    case QV_TYPE_FLOAT64: tu_ok(b, qv_builder_append_float64(b, (double)i * 1.25 - 7.0)); break;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256: tu_ok(b, qv_builder_append_decimal_i64(b, i * 12345 - 67890)); break;
    case QV_TYPE_INTERVAL_DAY_TIME: {
      int32_t v[2] = {(int32_t)i, (int32_t)(-i * 1000)};
      tu_ok(b, qv_builder_append_fixed(b, v));
      break;
    }
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: {
      uint8_t v[16];
      int32_t m = (int32_t)i, d = (int32_t)(i * 2);
      int64_t ns = -i * 1000000;
      memcpy(v, &m, 4);
      memcpy(v + 4, &d, 4);
      memcpy(v + 8, &ns, 8);
      tu_ok(b, qv_builder_append_fixed(b, v));
      break;
    }
    case QV_TYPE_FIXED_SIZE_BINARY: {
      uint8_t v[64];
      for (int k = 0; k < s->byte_width && k < 64; k++) v[k] = (uint8_t)(i * 31 + k);
      tu_ok(b, qv_builder_append_fixed(b, v));
      break;
    }
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW: tu_ok(b, qv_builder_append_binary(b, w, (int64_t)strlen(w))); break;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
      for (int64_t k = 0; k < i % 4; k++) tu_append(qv_builder_child(b, 0), i + k, (i + k) % 5 == 3);
      tu_ok(b, qv_builder_finish_element(b));
      break;
    case QV_TYPE_FIXED_SIZE_LIST:
      for (int64_t k = 0; k < s->list_size; k++) tu_append(qv_builder_child(b, 0), i + k, (i + k) % 4 == 2);
      tu_ok(b, qv_builder_finish_element(b));
      break;
    case QV_TYPE_STRUCT:
      for (int32_t c = 0; c < s->n_children; c++) tu_append(qv_builder_child(b, c), i + c, (i + c) % 6 == 5);
      tu_ok(b, qv_builder_finish_element(b));
      break;
    case QV_TYPE_MAP: {
      qv_builder *entries = qv_builder_child(b, 0);
      for (int64_t k = 0; k < i % 3; k++) {
        tu_append(qv_builder_child(entries, 0), i + k, false);
        tu_append(qv_builder_child(entries, 1), i + k, k == 1);
        tu_ok(entries, qv_builder_finish_element(entries));
      }
      tu_ok(b, qv_builder_finish_element(b));
      break;
    }
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: {
      int32_t c = (int32_t)(i % s->n_children);
      tu_append(qv_builder_child(b, c), i, null);
      tu_ok(b, qv_builder_finish_union_element(b, s->type_codes[c]));
      break;
    }
    case QV_TYPE_DICTIONARY:
      if (qv_type_storage(s->value_type)->id == QV_TYPE_STRING) {
        tu_ok(b, qv_builder_append_string(b, tu_words[(i / 2) % 5], -1));
      } else {
        int64_t v = (i % 7) * 1000;
        tu_ok(b, qv_builder_append_dictionary_value(b, &v, 8));
      }
      break;
    default:
      fail_msg("tu_append: no value for type %s", qv_type_id_name(s->id));
  }
}

/* A column of n values starting at value number `first`. */
static inline qv_array *tu_column(qv_type *type, int64_t first, int64_t n, bool nulls) {
  qv_builder *b = NULL;
  qv_error err;
  if (qv_builder_new(type, NULL, &b, &err) != QV_OK) fail_msg("qv_builder_new: %s", err.message);
  const qv_type *s = qv_type_storage(type);
  if (s->id == QV_TYPE_RUN_END_ENCODED) {
    int64_t done = 0, k = first;
    while (done < n) {
      int64_t run = 1 + k % 3;
      if (run > n - done) run = n - done;
      if (nulls && k % 4 == 1) {
        tu_ok(b, qv_builder_append_nulls(b, run));
      } else {
        tu_append(qv_builder_child(b, 1), k, false);
        tu_ok(b, qv_builder_append_run(b, run));
      }
      done += run;
      k++;
    }
  } else {
    for (int64_t i = 0; i < n; i++) tu_append(b, first + i, nulls && (first + i) % 3 == 1);
  }
  qv_array *a = NULL;
  if (qv_builder_finish(b, &a, &err) != QV_OK) fail_msg("qv_builder_finish: %s", err.message);
  qv_builder_free(b);
  if (qv_array_validate(a, QV_VALIDATE_FULL, &err) != QV_OK) fail_msg("test column invalid: %s", err.message);
  return a;
}

static inline qv_batch *tu_batch(qv_schema *s, int64_t first, int64_t n, bool nulls) {
  qv_array **cols = (qv_array **)calloc((size_t)s->n_fields, sizeof *cols);
  for (int32_t i = 0; i < s->n_fields; i++) cols[i] = tu_column(s->fields[i]->type, first, n, nulls);
  qv_batch *b = NULL;
  qv_error err;
  if (qv_batch_new(s, n, cols, NULL, &b, &err) != QV_OK) fail_msg("qv_batch_new: %s", err.message);
  for (int32_t i = 0; i < s->n_fields; i++) qv_array_release(cols[i]);
  free(cols);
  return b;
}

/* A table of the given schema with batches of the given lengths. With one
 * batch its columns are built directly (offset 0); with several, full-length
 * columns are built once and each batch is a slice of them, so every batch
 * shares the same dictionaries (as the file format requires). */
static inline qv_table *tu_table(qv_schema *s, const int64_t *lengths, int n_batches, bool nulls) {
  qv_batch *bs[16];
  assert_true(n_batches <= 16);
  int64_t total = 0;
  for (int i = 0; i < n_batches; i++) total += lengths[i];
  if (n_batches == 1) {
    bs[0] = tu_batch(s, 0, lengths[0], nulls);
  } else {
    qv_batch *whole = tu_batch(s, 0, total, nulls);
    int64_t first = 0;
    for (int i = 0; i < n_batches; i++) {
      assert_int_equal(qv_batch_slice(whole, first, lengths[i], &bs[i], NULL), QV_OK);
      first += lengths[i];
    }
    qv_batch_release(whole);
  }
  qv_table *t = NULL;
  qv_error err;
  if (qv_table_new(s, bs, n_batches, &t, &err) != QV_OK) fail_msg("qv_table_new: %s", err.message);
  for (int i = 0; i < n_batches; i++) qv_batch_release(bs[i]);
  return t;
}

/* Slices every batch of t to [off, off + len) (clamped). */
static inline qv_table *tu_slice_table(const qv_table *t, int64_t off, int64_t len) {
  qv_batch *bs[16];
  assert_true(t->n_batches <= 16);
  for (int64_t i = 0; i < t->n_batches; i++) {
    qv_batch *b = t->batches[i];
    int64_t o = off < b->length ? off : b->length;
    int64_t l = len < b->length - o ? len : b->length - o;
    assert_int_equal(qv_batch_slice(b, o, l, &bs[i], NULL), QV_OK);
  }
  qv_table *out = NULL;
  assert_int_equal(qv_table_new(t->schema, bs, t->n_batches, &out, NULL), QV_OK);
  for (int64_t i = 0; i < t->n_batches; i++) qv_batch_release(bs[i]);
  return out;
}

/* Fails with the first difference when the tables differ. */
static inline void tu_assert_tables_equal(const qv_table *a, const qv_table *b, const char *what) {
  qv_error why;
  memset(&why, 0, sizeof why);
  if (qv_table_diff(a, b, NULL, &why) != QV_OK) fail_msg("%s: tables differ: %s", what, why.message);
}

/* Writes t in `format` to memory, reads it back (full validation) and
 * compares. */
static inline void tu_roundtrip(const qv_table *t, qv_ipc_format format, const qv_ipc_write_options *wo,
                                const char *what) {
  qv_buffer *buf = NULL;
  qv_error err;
  memset(&err, 0, sizeof err);
  if (qv_ipc_write_buffer(format, t, wo, &buf, &err) != QV_OK) fail_msg("%s: write: %s", what, err.message);
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.full_validation = true;
  ro.require_eos = true;
  qv_table *back = NULL;
  qv_status st = format == QV_IPC_FORMAT_FILE ? qv_ipc_read_file_buffer(buf, &ro, &back, &err)
                                              : qv_ipc_read_stream_buffer(buf, &ro, &back, &err);
  if (st != QV_OK) fail_msg("%s: read back: %s: %s", what, qv_status_name(st), err.message);
  tu_assert_tables_equal(t, back, what);
  qv_table_release(back);
  qv_buffer_release(buf);
}

/* ---- gold files ---- */

/* The arrow-testing checkout holding the IPC gold files; fails the test
 * when it is missing (support/arrow_testing.h). */
static inline const char *tu_arrow_testing(void) {
  return qvt_arrow_testing_require("data/arrow-ipc-stream/integration");
}

#endif
