/* Tests for src/core/type*.c, field.c and schema.c: every type constructed
 * and printed exactly as pyarrow prints it (expected strings taken from
 * pyarrow 26), equality, parameter checks with their messages, layout
 * queries, canonical extensions, fields and schemas. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/internal.h"
#include "quiver/schema.h"

/* Asserts the text of `t`, then releases it. */
static void expect_str(qv_type *t, const char *want) {
  char buf[512];
  assert_non_null(t);
  int64_t n = qv_type_format(t, buf, sizeof buf);
  assert_string_equal(buf, want);
  assert_int_equal(n, (int64_t)strlen(want));
  qv_type_release(t);
}

static qv_field *field(const char *name, qv_type *t, bool nullable) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, t, nullable, NULL, &f, NULL), QV_OK);
  return f;
}

static qv_type *mk_list(qv_type_id id, qv_type *value) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_list_of(id, value, &t, NULL), QV_OK);
  return t;
}

static void test_singletons(void **state) {
  (void)state;
  struct {
    qv_type *t;
    const char *s;
    int32_t bits;
  } cases[] = {
      {qv_type_null(), "null", 0},
      {qv_type_bool(), "bool", 1},
      {qv_type_int8(), "int8", 8},
      {qv_type_int16(), "int16", 16},
      {qv_type_int32(), "int32", 32},
      {qv_type_int64(), "int64", 64},
      {qv_type_uint8(), "uint8", 8},
      {qv_type_uint16(), "uint16", 16},
      {qv_type_uint32(), "uint32", 32},
      {qv_type_uint64(), "uint64", 64},
      {qv_type_float16(), "halffloat", 16},
      {qv_type_float32(), "float", 32},
      {qv_type_float64(), "double", 64},
      {qv_type_date32(), "date32[day]", 32},
      {qv_type_date64(), "date64[ms]", 64},
      {qv_type_interval_months(), "month_interval", 32},
      {qv_type_interval_day_time(), "day_time_interval", 64},
      {qv_type_interval_month_day_nano(), "month_day_nano_interval", 128},
      {qv_type_binary(), "binary", 0},
      {qv_type_string(), "string", 0},
      {qv_type_large_binary(), "large_binary", 0},
      {qv_type_large_string(), "large_string", 0},
      {qv_type_binary_view(), "binary_view", 0},
      {qv_type_string_view(), "string_view", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    qv_type *t = cases[i].t;
    assert_ptr_equal(qv_type_from_id(t->id), t);
    assert_int_equal(t->bit_width, cases[i].bits);
    assert_ptr_equal(qv_type_retain(t), t);
    qv_type_release(t);
    qv_type_release(t);
    assert_true(t->refcount_ < 0);
    expect_str(t, cases[i].s); /* releasing a singleton is harmless */
  }
  assert_null(qv_type_from_id(QV_TYPE_TIMESTAMP));
  assert_null(qv_type_from_id(QV_TYPE_LIST));
  assert_null(qv_type_from_id(QV_TYPE_ID_COUNT));
  qv_type_release(NULL);
}

static void test_to_string_parameterised(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_decimal(32, 9, 2, &t, NULL), QV_OK);
  expect_str(t, "decimal32(9, 2)");
  assert_int_equal(qv_type_decimal(64, 18, 3, &t, NULL), QV_OK);
  expect_str(t, "decimal64(18, 3)");
  assert_int_equal(qv_type_decimal(128, 10, 2, &t, NULL), QV_OK);
  assert_int_equal(t->bit_width, 128);
  expect_str(t, "decimal128(10, 2)");
  assert_int_equal(qv_type_decimal(256, 40, 5, &t, NULL), QV_OK);
  expect_str(t, "decimal256(40, 5)");
  assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &t, NULL), QV_OK);
  expect_str(t, "time32[s]");
  assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &t, NULL), QV_OK);
  expect_str(t, "time32[ms]");
  assert_int_equal(qv_type_time64(QV_UNIT_MICRO, &t, NULL), QV_OK);
  expect_str(t, "time64[us]");
  assert_int_equal(qv_type_time64(QV_UNIT_NANO, &t, NULL), QV_OK);
  expect_str(t, "time64[ns]");
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, NULL, &t, NULL), QV_OK);
  assert_null(t->timezone);
  expect_str(t, "timestamp[ms]");
  assert_int_equal(qv_type_timestamp(QV_UNIT_SECOND, "", &t, NULL), QV_OK);
  assert_null(t->timezone);
  expect_str(t, "timestamp[s]");
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &t, NULL), QV_OK);
  expect_str(t, "timestamp[ms, tz=UTC]");
  assert_int_equal(qv_type_timestamp(QV_UNIT_NANO, "+05:30", &t, NULL), QV_OK);
  expect_str(t, "timestamp[ns, tz=+05:30]");
  assert_int_equal(qv_type_duration(QV_UNIT_NANO, &t, NULL), QV_OK);
  expect_str(t, "duration[ns]");
  assert_int_equal(qv_type_duration(QV_UNIT_MICRO, &t, NULL), QV_OK);
  expect_str(t, "duration[us]");
  assert_int_equal(qv_type_fixed_size_binary(16, &t, NULL), QV_OK);
  assert_int_equal(t->bit_width, 128);
  expect_str(t, "fixed_size_binary[16]");
}

static void test_to_string_nested(void **state) {
  (void)state;
  qv_type *t = NULL;
  expect_str(mk_list(QV_TYPE_LIST, qv_type_int32()), "list<item: int32>");
  expect_str(mk_list(QV_TYPE_LARGE_LIST, qv_type_int32()), "large_list<item: int32>");
  expect_str(mk_list(QV_TYPE_LIST_VIEW, qv_type_int32()), "list_view<item: int32>");
  expect_str(mk_list(QV_TYPE_LARGE_LIST_VIEW, qv_type_int32()), "large_list_view<item: int32>");

  qv_field *item = field("item", qv_type_int32(), true);
  assert_int_equal(qv_type_fixed_size_list(item, 3, &t, NULL), QV_OK);
  assert_int_equal(t->list_size, 3);
  expect_str(t, "fixed_size_list<item: int32>[3]");
  qv_field_release(item);

  qv_field *x = field("x", qv_type_int32(), false);
  assert_int_equal(qv_type_list(x, &t, NULL), QV_OK);
  expect_str(t, "list<x: int32 not null>");
  qv_field_release(x);

  qv_field *ab[2] = {field("a", qv_type_int32(), true), field("b", qv_type_string(), false)};
  assert_int_equal(qv_type_struct(ab, 2, &t, NULL), QV_OK);
  expect_str(t, "struct<a: int32, b: string not null>");
  assert_int_equal(qv_type_struct(NULL, 0, &t, NULL), QV_OK);
  expect_str(t, "struct<>");

  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, ab, 2, NULL, &t, NULL), QV_OK);
  expect_str(t, "sparse_union<a: int32=0, b: string not null=1>");
  const int8_t codes[2] = {5, 7};
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, ab, 2, codes, &t, NULL), QV_OK);
  assert_int_equal(t->child_index[5], 0);
  assert_int_equal(t->child_index[7], 1);
  assert_int_equal(t->child_index[0], -1);
  assert_int_equal(t->child_index[127], -1);
  expect_str(t, "dense_union<a: int32=5, b: string not null=7>");
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, NULL, 0, NULL, &t, NULL), QV_OK);
  expect_str(t, "dense_union<>");
  qv_field_release(ab[0]);
  qv_field_release(ab[1]);

  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int64(), false, &t, NULL), QV_OK);
  assert_int_equal(t->n_children, 1);
  assert_string_equal(t->children[0]->name, "entries");
  assert_false(t->children[0]->nullable);
  assert_false(t->children[0]->type->children[0]->nullable);
  assert_true(t->children[0]->type->children[1]->nullable);
  expect_str(t, "map<string, int64>");
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int64(), true, &t, NULL), QV_OK);
  expect_str(t, "map<string, int64, keys_sorted>");

  /* non-canonical child names, as Arrow C++ prints them */
  qv_field *kv[2] = {field("k", qv_type_string(), false), field("v", qv_type_int64(), true)};
  qv_type *st = NULL;
  assert_int_equal(qv_type_struct(kv, 2, &st, NULL), QV_OK);
  qv_field *entries = field("entries", st, false);
  assert_int_equal(qv_type_map_from_entries(entries, false, &t, NULL), QV_OK);
  expect_str(t, "map<string ('k'), int64 ('v')>");
  qv_field_release(entries);
  qv_field_release(kv[0]);
  qv_field_release(kv[1]);
  qv_type_release(st);

  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_string(), false, &t, NULL), QV_OK);
  assert_int_equal(t->bit_width, 32);
  expect_str(t, "dictionary<values=string, indices=int32, ordered=0>");
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), true, &t, NULL), QV_OK);
  expect_str(t, "dictionary<values=string, indices=int8, ordered=1>");

  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL), QV_OK);
  assert_string_equal(t->children[0]->name, "run_ends");
  assert_false(t->children[0]->nullable);
  assert_string_equal(t->children[1]->name, "values");
  expect_str(t, "run_end_encoded<run_ends: int32, values: string>");
  qv_type *l8 = mk_list(QV_TYPE_LIST, qv_type_int8());
  assert_int_equal(qv_type_run_end_encoded(qv_type_int16(), l8, &t, NULL), QV_OK);
  expect_str(t, "run_end_encoded<run_ends: int16, values: list<item: int8>>");

  /* list<item: struct<a: list<item: int8>>> */
  qv_field *a = field("a", l8, true);
  assert_int_equal(qv_type_struct(&a, 1, &st, NULL), QV_OK);
  expect_str(mk_list(QV_TYPE_LIST, st), "list<item: struct<a: list<item: int8>>>");
  qv_type_release(st);
  qv_field_release(a);
  qv_type_release(l8);
}

static void test_to_string_extension(void **state) {
  (void)state;
  qv_type *fsb16 = NULL, *t = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb16, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb16, &t, NULL), QV_OK);
  assert_int_equal(t->canonical, QV_EXT_UUID);
  assert_int_equal(t->bit_width, 128);
  assert_ptr_equal(qv_type_storage(t), fsb16);
  assert_int_equal(qv_type_num_buffers(t), 2);
  assert_true(qv_type_has_validity(t));
  expect_str(t, "extension<arrow.uuid>");
  qv_type_release(fsb16);

  assert_int_equal(qv_type_extension("arrow.bool8", "", 0, qv_type_int8(), &t, NULL), QV_OK);
  assert_int_equal(t->canonical, QV_EXT_BOOL8);
  expect_str(t, "extension<arrow.bool8>");
  assert_int_equal(qv_type_extension("arrow.json", "{}", 2, qv_type_large_string(), &t, NULL), QV_OK);
  assert_int_equal(t->canonical, QV_EXT_JSON);
  assert_int_equal(t->extension_metadata_len, 2);
  assert_memory_equal(t->extension_metadata, "{}", 3);
  expect_str(t, "extension<arrow.json>");
  assert_int_equal(qv_type_extension("arrow.opaque", "{\"type_name\":\"t\",\"vendor_name\":\"v\"}", -1,
                                     qv_type_null(), &t, NULL),
                   QV_OK);
  assert_int_equal(t->canonical, QV_EXT_OPAQUE);
  assert_int_equal(t->extension_metadata_len, 35); /* -1 means strlen */
  expect_str(t, "extension<arrow.opaque[storage_type=null, type_name=t, vendor_name=v]>");
  qv_type *fsl = NULL;
  qv_field *item = field("item", qv_type_float32(), true);
  assert_int_equal(qv_type_fixed_size_list(item, 4, &fsl, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.fixed_shape_tensor", "{\"shape\":[2,2]}", 15, fsl, &t, NULL), QV_OK);
  assert_int_equal(t->canonical, QV_EXT_FIXED_SHAPE_TENSOR);
  assert_int_equal(qv_type_num_buffers(t), 1);
  expect_str(t, "extension<arrow.fixed_shape_tensor[value_type=float, shape=[2,2]]>");
  const char *full = "{\"shape\":[2,3],\"dim_names\":[\"a\",\"b\"],\"permutation\":[1,0]}";
  assert_int_equal(qv_type_extension("arrow.fixed_shape_tensor", full, -1, fsl, &t, NULL), QV_OK);
  expect_str(t, "extension<arrow.fixed_shape_tensor[value_type=float, shape=[2,3], permutation=[1,0], dim_names=[a,b]]>");
  assert_int_equal(qv_type_extension("arrow.fixed_shape_tensor", "not json", -1, fsl, &t, NULL), QV_OK);
  expect_str(t, "extension<arrow.fixed_shape_tensor>");
  qv_type_release(fsl);
  qv_field_release(item);
  assert_int_equal(qv_type_extension("my.ext", "abc", 3, qv_type_int32(), &t, NULL), QV_OK);
  assert_int_equal(t->canonical, QV_EXT_NONE);
  expect_str(t, "extension<my.ext>");
}

static void test_to_string_snprintf_semantics(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &t, NULL), QV_OK);
  char buf[8];
  memset(buf, 'Z', sizeof buf);
  assert_int_equal(qv_type_format(t, buf, sizeof buf), 21);
  assert_string_equal(buf, "timesta");
  assert_int_equal(qv_type_format(t, NULL, 0), 21);
  buf[0] = 'Z';
  assert_int_equal(qv_type_format(t, buf, 0), 21);
  assert_int_equal(buf[0], 'Z');
  assert_int_equal(qv_type_format(t, buf, 1), 21);
  assert_int_equal(buf[0], '\0');
  qv_type_release(t);
}

static void test_bad_parameters(void **state) {
  (void)state;
  qv_error err;
  qv_type *t = NULL;
  assert_int_equal(qv_type_decimal(128, 40, 2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "decimal128 precision 40 out of range [1, 38]");
  assert_int_equal(qv_type_decimal(32, 10, 2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "decimal32 precision 10 out of range [1, 9]");
  assert_int_equal(qv_type_decimal(256, 0, 0, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "decimal256 precision 0 out of range [1, 76]");
  assert_int_equal(qv_type_decimal(100, 5, 0, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "decimal bit width 100 is not one of 32, 64, 128, 256");
  assert_int_equal(qv_type_time32(QV_UNIT_MICRO, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "time32 unit must be s or ms, got us");
  assert_int_equal(qv_type_time64(QV_UNIT_SECOND, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "time64 unit must be us or ns, got s");
  assert_int_equal(qv_type_timestamp((qv_time_unit)9, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "timestamp: invalid time unit 9");
  assert_int_equal(qv_type_fixed_size_binary(-1, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "fixed_size_binary byte width -1"));
  assert_int_equal(qv_type_list(NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "list type: item field is NULL");
  assert_int_equal(qv_type_list_of(QV_TYPE_STRUCT, qv_type_int32(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "struct is not list"));

  qv_field *item = field("item", qv_type_int32(), true);
  assert_int_equal(qv_type_fixed_size_list(item, -2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "fixed_size_list size -2 must not be negative");
  qv_field *two[2] = {item, item};
  const int8_t dup[2] = {3, 3};
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, two, 2, dup, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "sparse_union type: type code 3 is used by fields 0 and 1");
  const int8_t neg[2] = {0, -4};
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, two, 2, neg, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "dense_union type: type code -4 of field 1 ('item') out of range [0, 127]");
  assert_int_equal(qv_type_union(QV_TYPE_STRUCT, two, 2, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  qv_field *holes[2] = {item, NULL};
  assert_int_equal(qv_type_struct(holes, 2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "struct type: field 1 is NULL");
  assert_int_equal(qv_type_map_from_entries(item, false, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message,
                      "map type: entries field 'item' must be a struct of 2 fields (key, value), got int32");
  qv_type *st = NULL;
  assert_int_equal(qv_type_struct(two, 2, &st, NULL), QV_OK); /* key "item" is nullable */
  qv_field *entries = field("entries", st, false);
  assert_int_equal(qv_type_map_from_entries(entries, false, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "map type: key field 'item' must not be nullable");
  qv_field_release(entries);
  qv_type_release(st);

  assert_int_equal(qv_type_dictionary(qv_type_string(), qv_type_string(), false, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "dictionary index type must be an integer type, got string");
  assert_int_equal(qv_type_run_end_encoded(qv_type_int8(), qv_type_string(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "run_end_encoded run_ends type must be int16, int32 or int64, got int8");
  qv_field *re = field("run_ends", qv_type_int32(), true);
  assert_int_equal(qv_type_run_end_encoded_fields(re, item, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "run_end_encoded run_ends field 'run_ends' must not be nullable");
  qv_field_release(re);
  qv_field_release(item);

  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, qv_type_int32(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "extension arrow.uuid requires storage fixed_size_binary[16], got int32");
  assert_int_equal(qv_type_extension("arrow.bool8", NULL, 0, qv_type_bool(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_type_extension("arrow.json", NULL, 0, qv_type_binary(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_type_extension("", NULL, 0, qv_type_binary(), &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_type_extension("x", NULL, 0, NULL, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(t);
}

static void test_equality(void **state) {
  (void)state;
  qv_type *a = NULL, *b = NULL;
  assert_true(qv_type_equals(qv_type_int32(), qv_type_int32(), true));
  assert_false(qv_type_equals(qv_type_int32(), qv_type_int64(), false));
  assert_false(qv_type_equals(qv_type_int32(), NULL, false));

  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &a, NULL), QV_OK);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, true));
  qv_type_release(b);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, NULL, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  assert_int_equal(qv_type_decimal(128, 10, 2, &a, NULL), QV_OK);
  assert_int_equal(qv_type_decimal(128, 10, 3, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_decimal(256, 10, 2, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_decimal(128, 10, 2, &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  a = mk_list(QV_TYPE_LIST, qv_type_int32());
  b = mk_list(QV_TYPE_LIST, qv_type_int32());
  assert_true(qv_type_equals(a, b, true));
  qv_type_release(b);
  b = mk_list(QV_TYPE_LARGE_LIST, qv_type_int32());
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  qv_field *named = field("element", qv_type_int32(), true);
  assert_int_equal(qv_type_list(named, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false)); /* child names matter */
  qv_type_release(b);
  qv_field_release(named);
  qv_field *nn = field("item", qv_type_int32(), false);
  assert_int_equal(qv_type_list(nn, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false)); /* nullability matters */
  qv_type_release(b);
  qv_field_release(nn);

  /* child metadata only with check_metadata */
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "k", -1, "v", -1, NULL), QV_OK);
  qv_field *withmd = NULL;
  assert_int_equal(qv_field_new("item", qv_type_int32(), true, md, &withmd, NULL), QV_OK);
  assert_int_equal(qv_type_list(withmd, &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  assert_false(qv_type_equals(a, b, true));
  qv_type_release(b);
  qv_field_release(withmd);
  qv_metadata_free(md);
  qv_type_release(a);

  qv_field *item = field("item", qv_type_int32(), true);
  assert_int_equal(qv_type_fixed_size_list(item, 3, &a, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_list(item, 4, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  const int8_t c1[1] = {1}, c2[1] = {2};
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, &item, 1, c1, &a, NULL), QV_OK);
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, &item, 1, c2, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, &item, 1, c1, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, &item, 1, c1, &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);
  qv_field_release(item);

  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &a, NULL), QV_OK);
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), true, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_string(), false, &a, NULL), QV_OK);
  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_string(), true, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_dictionary(qv_type_int16(), qv_type_string(), false, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_string(), false, &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  assert_int_equal(qv_type_extension("e", "m1", 2, qv_type_int32(), &a, NULL), QV_OK);
  assert_int_equal(qv_type_extension("e", "m2", 2, qv_type_int32(), &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(b);
  assert_int_equal(qv_type_extension("e", "m1", 2, qv_type_int64(), &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  assert_false(qv_type_equals(a, qv_type_int32(), false)); /* extension != its storage */
  qv_type_release(b);
  assert_int_equal(qv_type_extension("e", "m1", 2, qv_type_int32(), &b, NULL), QV_OK);
  assert_true(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);

  assert_int_equal(qv_type_fixed_size_binary(4, &a, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_binary(5, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);
  assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &a, NULL), QV_OK);
  assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &b, NULL), QV_OK);
  assert_false(qv_type_equals(a, b, false));
  qv_type_release(a);
  qv_type_release(b);
}

static void test_layout_queries(void **state) {
  (void)state;
  assert_int_equal(qv_type_num_buffers(qv_type_null()), 0);
  assert_int_equal(qv_type_num_buffers(qv_type_bool()), 2);
  assert_int_equal(qv_type_num_buffers(qv_type_int64()), 2);
  assert_int_equal(qv_type_num_buffers(qv_type_string()), 3);
  assert_int_equal(qv_type_num_buffers(qv_type_large_binary()), 3);
  assert_int_equal(qv_type_num_buffers(qv_type_string_view()), 2);
  assert_false(qv_type_has_validity(qv_type_null()));
  assert_true(qv_type_has_validity(qv_type_string_view()));

  qv_type *t = mk_list(QV_TYPE_LIST, qv_type_int32());
  assert_int_equal(qv_type_num_buffers(t), 2);
  assert_true(qv_type_has_validity(t));
  qv_type_release(t);
  t = mk_list(QV_TYPE_LARGE_LIST_VIEW, qv_type_int32());
  assert_int_equal(qv_type_num_buffers(t), 3);
  qv_type_release(t);
  qv_field *f = field("a", qv_type_int32(), true);
  assert_int_equal(qv_type_struct(&f, 1, &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 1);
  qv_type_release(t);
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, &f, 1, NULL, &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 1);
  assert_false(qv_type_has_validity(t));
  qv_type_release(t);
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, &f, 1, NULL, &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 2);
  assert_false(qv_type_has_validity(t));
  qv_type_release(t);
  qv_field_release(f);
  assert_int_equal(qv_type_run_end_encoded(qv_type_int64(), qv_type_int8(), &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 0);
  assert_false(qv_type_has_validity(t));
  qv_type_release(t);
  assert_int_equal(qv_type_dictionary(qv_type_uint16(), qv_type_string(), false, &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 2);
  assert_true(qv_type_has_validity(t));
  qv_type_release(t);
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &t, NULL), QV_OK);
  assert_int_equal(qv_type_num_buffers(t), 2);
  qv_type_release(t);

  assert_true(qv_type_is_integer(QV_TYPE_UINT64));
  assert_true(qv_type_is_integer(QV_TYPE_INT8));
  assert_false(qv_type_is_integer(QV_TYPE_FLOAT16));
  assert_false(qv_type_is_integer(QV_TYPE_BOOL));
  assert_true(qv_type_is_signed_integer(QV_TYPE_INT64));
  assert_false(qv_type_is_signed_integer(QV_TYPE_UINT8));
  assert_true(qv_type_is_nested(QV_TYPE_STRUCT));
  assert_true(qv_type_is_nested(QV_TYPE_RUN_END_ENCODED));
  assert_false(qv_type_is_nested(QV_TYPE_DICTIONARY));
  assert_false(qv_type_is_nested(QV_TYPE_STRING));

  assert_string_equal(qv_type_id_name(QV_TYPE_INT32), "int32");
  assert_string_equal(qv_type_id_name(QV_TYPE_LARGE_LIST), "large_list");
  assert_string_equal(qv_type_id_name(QV_TYPE_DENSE_UNION), "dense_union");
  assert_string_equal(qv_type_id_name(QV_TYPE_EXTENSION), "extension");
  assert_string_equal(qv_type_id_name(QV_TYPE_ID_COUNT), "unknown");
  for (int i = 0; i < QV_TYPE_ID_COUNT; i++) assert_string_not_equal(qv_type_id_name((qv_type_id)i), "unknown");
}

static void test_fields(void **state) {
  (void)state;
  char buf[128];
  qv_field *a = field("a", qv_type_int32(), false);
  qv_field_format(a, buf, sizeof buf);
  assert_string_equal(buf, "a: int32 not null");
  qv_field *b = field(NULL, qv_type_string(), true);
  assert_string_equal(b->name, "");
  qv_field_format(b, buf, sizeof buf);
  assert_string_equal(buf, ": string");
  assert_false(qv_field_equals(a, b, false));
  qv_field *a2 = field("a", qv_type_int32(), true);
  assert_false(qv_field_equals(a, a2, false));
  qv_field_release(a2);
  a2 = field("a", qv_type_int32(), false);
  assert_true(qv_field_equals(a, a2, true));
  assert_ptr_equal(qv_field_retain(a2), a2);
  qv_field_release(a2);
  qv_field_release(a2);

  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  qv_field *empty_md = NULL;
  assert_int_equal(qv_field_new("a", qv_type_int32(), false, md, &empty_md, NULL), QV_OK);
  assert_null(empty_md->metadata); /* empty metadata is stored as none */
  assert_true(qv_field_equals(a, empty_md, true));
  qv_field_release(empty_md);
  qv_metadata_free(md);

  qv_error err;
  qv_field *bad = NULL;
  assert_int_equal(qv_field_new("z", NULL, true, NULL, &bad, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "field 'z': type is NULL");
  qv_field_release(a);
  qv_field_release(b);
}

static void test_schemas(void **state) {
  (void)state;
  qv_metadata *fmd = NULL, *smd = NULL;
  assert_int_equal(qv_metadata_new(&fmd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(fmd, "fk", -1, "fv", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_new(&smd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(smd, "k", -1, "v", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(smd, "k2", -1, "v2", -1, NULL), QV_OK);
  qv_field *fs[2] = {NULL, field("b", qv_type_string(), true)};
  assert_int_equal(qv_field_new("a", qv_type_int32(), false, fmd, &fs[0], NULL), QV_OK);
  qv_schema *s = NULL, *s2 = NULL;
  assert_int_equal(qv_schema_new(fs, 2, smd, &s, NULL), QV_OK);
  char buf[256];
  int64_t n = qv_schema_format(s, buf, sizeof buf);
  /* str(pa.schema([pa.field('a', pa.int32(), False, metadata={'fk': 'fv'}), ('b', pa.string())],
   *               metadata={'k': 'v', 'k2': 'v2'})) */
  const char *want = "a: int32 not null\n  -- field metadata --\n  fk: 'fv'\nb: string\n-- schema metadata --\nk: 'v'\nk2: 'v2'";
  assert_string_equal(buf, want);
  assert_int_equal(n, (int64_t)strlen(want));
  assert_int_equal(qv_schema_field_index(s, "b"), 1);
  assert_int_equal(qv_schema_field_index(s, "zz"), -1);

  assert_int_equal(qv_schema_new(fs, 2, NULL, &s2, NULL), QV_OK);
  assert_true(qv_schema_equals(s, s2, false));
  assert_false(qv_schema_equals(s, s2, true));
  qv_schema_release(s2);
  assert_int_equal(qv_schema_new(fs, 1, smd, &s2, NULL), QV_OK);
  assert_false(qv_schema_equals(s, s2, false));
  qv_schema_release(s2);

  assert_int_equal(qv_schema_new(NULL, 0, NULL, &s2, NULL), QV_OK);
  assert_int_equal(qv_schema_format(s2, buf, sizeof buf), 0);
  assert_string_equal(buf, "");
  qv_schema_release(s2);

  /* pyarrow truncates long metadata values */
  qv_metadata *lmd = NULL;
  char longv[101];
  memset(longv, 'v', 100);
  longv[100] = '\0';
  assert_int_equal(qv_metadata_new(&lmd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(lmd, "key", -1, longv, -1, NULL), QV_OK);
  assert_int_equal(qv_schema_new(&fs[1], 1, lmd, &s2, NULL), QV_OK);
  qv_schema_format(s2, buf, sizeof buf);
  assert_string_equal(buf, "b: string\n-- schema metadata --\nkey: "
                           "'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv' + 33");
  qv_schema_release(s2);
  qv_metadata_free(lmd);

  qv_error err;
  qv_field *holes[2] = {fs[0], NULL};
  assert_int_equal(qv_schema_new(holes, 2, NULL, &s2, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "schema: field 1 is NULL");
  assert_null(s2);

  qv_schema_release(s);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  qv_metadata_free(fmd);
  qv_metadata_free(smd);
}

/* One ownership rule: *_to_string allocates (qv_free_string), *_format
 * writes into the caller's buffer; both give the same text. */
static void to_string_allocates_format_fills(void **state) {
  (void)state;
  qv_type *lt = NULL;
  qv_field *item = NULL;
  assert_int_equal(qv_field_new("item", qv_type_int32(), true, NULL, &item, NULL), QV_OK);
  assert_int_equal(qv_type_list(item, &lt, NULL), QV_OK);
  qv_field_release(item);
  char *s = NULL;
  char buf[64];
  assert_int_equal(qv_type_to_string(lt, &s, NULL), QV_OK);
  assert_int_equal(qv_type_format(lt, buf, sizeof buf), (int64_t)strlen(s));
  assert_string_equal(s, buf);
  assert_string_equal(s, "list<item: int32>");
  qv_free_string(s);
  qv_field *f = NULL;
  assert_int_equal(qv_field_new("x", lt, false, NULL, &f, NULL), QV_OK);
  assert_int_equal(qv_field_to_string(f, &s, NULL), QV_OK);
  assert_string_equal(s, "x: list<item: int32> not null");
  qv_free_string(s);
  qv_schema *sc = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &sc, NULL), QV_OK);
  assert_int_equal(qv_schema_to_string(sc, &s, NULL), QV_OK);
  assert_non_null(strstr(s, "x: list<item: int32> not null"));
  qv_free_string(s);
  qv_error e;
  assert_int_equal(qv_schema_to_string(NULL, &s, &e), QV_ERR_INVALID_ARGUMENT);
  assert_null(s);
  qv_schema_release(sc);
  qv_field_release(f);
  qv_type_release(lt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(to_string_allocates_format_fills),
      cmocka_unit_test(test_singletons),
      cmocka_unit_test(test_to_string_parameterised),
      cmocka_unit_test(test_to_string_nested),
      cmocka_unit_test(test_to_string_extension),
      cmocka_unit_test(test_to_string_snprintf_semantics),
      cmocka_unit_test(test_bad_parameters),
      cmocka_unit_test(test_equality),
      cmocka_unit_test(test_layout_queries),
      cmocka_unit_test(test_fields),
      cmocka_unit_test(test_schemas),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
