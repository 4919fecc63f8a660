/* The Parquet schema tree and its Arrow form (schema.c), and the
 * ARROW:schema resolver (arrow_schema.c): element lists built by hand, as
 * the footer decoder would produce them, mapped as pyarrow maps them; each
 * malformed shape refused with a message naming the element. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parquet/arrow_schema.h"
#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

#define MAX_EL 80

typedef struct builder {
  qv__pq_schema_element el[MAX_EL];
  int32_t n;
} builder;

static qv__pq_schema_element *add(builder *b, const char *name, int32_t type, int32_t rep, int32_t children) {
  qv__pq_schema_element *e = &b->el[b->n++];
  memset(e, 0, sizeof *e);
  e->name = (char *)name;
  e->type = type;
  e->type_length = -1;
  e->repetition = rep;
  e->num_children = children;
  e->converted_type = -1;
  e->scale = e->precision = -1;
  return e;
}

static qv_status build(builder *b, qv__pq_schema *s, qv_error *err) {
  qv__pq_file_meta m;
  memset(&m, 0, sizeof m);
  m.schema = b->el;
  m.n_schema = b->n;
  return qv__pq_schema_build(&m, s, err);
}

static void expect_schema(builder *b, const char *want) {
  qv__pq_schema s;
  qv_error err;
  qv_status st = build(b, &s, &err);
  if (st != QV_OK) print_message("%s\n", err.message);
  assert_int_equal(st, QV_OK);
  char text[2048];
  qv_schema_format(s.arrow, text, sizeof text);
  if (strcmp(text, want) != 0) print_message("got:\n%s\nwant:\n%s\n", text, want);
  assert_string_equal(text, want);
  qv__pq_schema_free(&s);
}

static void expect_error(builder *b, qv_status code, const char *substr) {
  qv__pq_schema s;
  qv_error err;
  qv_status st = build(b, &s, &err);
  if (st != code || strstr(err.message, substr) == NULL) print_message("got %d: %s\n", (int)st, err.message);
  assert_int_equal(st, code);
  assert_non_null(strstr(err.message, substr));
}

static void test_leaf_types(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 9);
  add(&b, "s", QV__PQ_BYTE_ARRAY, QV__PQ_OPTIONAL, -1)->converted_type = QV__PQ_CT_UTF8;
  qv__pq_schema_element *e = add(&b, "d", QV__PQ_FIXED_LEN_BYTE_ARRAY, QV__PQ_REQUIRED, -1);
  e->type_length = 16;
  e->logical = (qv__pq_logical){.kind = QV__PQ_LT_DECIMAL, .precision = 30, .scale = 4};
  add(&b, "t", QV__PQ_INT64, QV__PQ_OPTIONAL, -1)->logical =
      (qv__pq_logical){.kind = QV__PQ_LT_TIMESTAMP, .utc = true, .unit = 3};
  add(&b, "u8", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->logical =
      (qv__pq_logical){.kind = QV__PQ_LT_INTEGER, .bit_width = 8, .is_signed = false};
  add(&b, "tm", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->converted_type = QV__PQ_CT_TIME_MILLIS;
  add(&b, "i96", QV__PQ_INT96, QV__PQ_OPTIONAL, -1);
  e = add(&b, "h", QV__PQ_FIXED_LEN_BYTE_ARRAY, QV__PQ_OPTIONAL, -1);
  e->type_length = 2;
  e->logical.kind = QV__PQ_LT_FLOAT16;
  add(&b, "n", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->logical.kind = QV__PQ_LT_UNKNOWN;
  add(&b, "other", QV__PQ_INT64, QV__PQ_OPTIONAL, -1)->logical.kind = QV__PQ_LT_OTHER;
  expect_schema(&b,
                "s: string\nd: decimal128(30, 4) not null\nt: timestamp[ns, tz=UTC]\nu8: uint8\ntm: time32[ms]\n"
                "i96: timestamp[ns]\nh: halffloat\nn: null\nother: int64");
}

static void test_bad_annotations(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 1);
  add(&b, "d", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->logical =
      (qv__pq_logical){.kind = QV__PQ_LT_DECIMAL, .precision = 0, .scale = 0};
  expect_error(&b, QV_ERR_INVALID_DATA, "DECIMAL(0, 0)");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "t", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->logical = (qv__pq_logical){.kind = QV__PQ_LT_TIMESTAMP, .unit = 1};
  expect_error(&b, QV_ERR_INVALID_DATA, "TIMESTAMP on a non-INT64");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "i", QV__PQ_INT32, QV__PQ_OPTIONAL, -1)->logical =
      (qv__pq_logical){.kind = QV__PQ_LT_INTEGER, .bit_width = 64, .is_signed = true};
  expect_error(&b, QV_ERR_INVALID_DATA, "INTEGER(64)");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "f", QV__PQ_FIXED_LEN_BYTE_ARRAY, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "type_length");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "x", 42, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "unknown physical type 42");
}

static void test_lists(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 4);
  /* three-level */
  add(&b, "a", -1, QV__PQ_OPTIONAL, 1)->converted_type = QV__PQ_CT_LIST;
  add(&b, "list", -1, QV__PQ_REPEATED, 1);
  add(&b, "element", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  /* two-level: a repeated primitive */
  add(&b, "b", -1, QV__PQ_REQUIRED, 1)->logical.kind = QV__PQ_LT_LIST;
  add(&b, "item", QV__PQ_INT64, QV__PQ_REPEATED, -1);
  /* two-level: repeated group named "array" is the element */
  add(&b, "c", -1, QV__PQ_OPTIONAL, 1)->converted_type = QV__PQ_CT_LIST;
  add(&b, "array", -1, QV__PQ_REPEATED, 1);
  add(&b, "x", QV__PQ_INT32, QV__PQ_REQUIRED, -1);
  /* a repeated field without annotation */
  add(&b, "r", QV__PQ_DOUBLE, QV__PQ_REPEATED, -1);
  expect_schema(&b,
                "a: list<element: int32>\nb: list<item: int64 not null> not null\n"
                "c: list<array: struct<x: int32 not null> not null>\nr: list<r: double not null> not null");
}

static void test_maps(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 2);
  add(&b, "m", -1, QV__PQ_OPTIONAL, 1)->converted_type = QV__PQ_CT_MAP;
  add(&b, "key_value", -1, QV__PQ_REPEATED, 2);
  add(&b, "key", QV__PQ_BYTE_ARRAY, QV__PQ_REQUIRED, -1)->converted_type = QV__PQ_CT_UTF8;
  add(&b, "value", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  add(&b, "keys_only", -1, QV__PQ_REQUIRED, 1)->logical.kind = QV__PQ_LT_MAP;
  add(&b, "key_value", -1, QV__PQ_REPEATED, 1);
  add(&b, "key", QV__PQ_INT32, QV__PQ_REQUIRED, -1);
  expect_schema(&b, "m: map<string, int32 ('key_value')>\nkeys_only: list<key: int32 not null> not null");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "m", -1, QV__PQ_OPTIONAL, 1)->converted_type = QV__PQ_CT_MAP;
  add(&b, "key_value", -1, QV__PQ_REPEATED, 2);
  add(&b, "key", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  add(&b, "value", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "optional key");
}

static void test_levels(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 1);
  add(&b, "a", -1, QV__PQ_OPTIONAL, 1)->converted_type = QV__PQ_CT_LIST;
  add(&b, "list", -1, QV__PQ_REPEATED, 1);
  add(&b, "element", -1, QV__PQ_OPTIONAL, 1);
  add(&b, "v", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  qv__pq_schema s;
  qv_error err;
  assert_int_equal(build(&b, &s, &err), QV_OK);
  assert_int_equal(s.n_leaves, 1);
  const qv__pq_node *list = s.fields[0], *leaf = s.leaves[0];
  assert_int_equal(list->kind, QV__PQ_NODE_LIST);
  assert_int_equal(list->def_level, 1);
  assert_int_equal(list->elem_def, 2);
  assert_int_equal(list->elem_rep, 1);
  assert_int_equal(leaf->def_level, 4);
  assert_int_equal(leaf->rep_level, 1);
  qv__pq_schema_free(&s);
}

static void test_malformed_trees(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 3);
  add(&b, "a", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "the root announces 3 children");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "g", -1, QV__PQ_OPTIONAL, 5);
  add(&b, "a", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "group 'g' announces 5 children");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "g", -1, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "group 'g' announces -1 children");
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  add(&b, "a", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  add(&b, "extra", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_INVALID_DATA, "1 elements follow the tree");
  /* nested 70 groups deep */
  b.n = 0;
  add(&b, "schema", -1, -1, 1);
  for (int i = 0; i < 70; i++) add(&b, "g", -1, QV__PQ_OPTIONAL, 1);
  add(&b, "leaf", QV__PQ_INT32, QV__PQ_OPTIONAL, -1);
  expect_error(&b, QV_ERR_LIMIT, "nested deeper than 64");
}

static void test_arrow_schema_resolve(void **state) {
  (void)state;
  builder b = {.n = 0};
  add(&b, "schema", -1, -1, 1);
  add(&b, "a", QV__PQ_INT64, QV__PQ_OPTIONAL, -1);
  qv__pq_schema s;
  qv_error err;
  assert_int_equal(build(&b, &s, &err), QV_OK);
  qv_metadata *kv = NULL;
  assert_int_equal(qv_metadata_new(&kv, &err), QV_OK);
  assert_int_equal(qv_metadata_append(kv, "ARROW:schema", -1, "not base64 !!", -1, &err), QV_OK);
  assert_int_equal(qv_metadata_append(kv, "k", -1, "v", -1, &err), QV_OK);
  qv_schema *out = NULL;
  /* an undecodable stored schema is ignored; ARROW:schema is dropped from the metadata */
  assert_int_equal(qv__pq_arrow_schema_resolve(s.arrow, kv, false, &out, &err), QV_OK);
  assert_int_equal(out->fields[0]->type->id, QV_TYPE_INT64);
  assert_non_null(out->metadata);
  assert_int_equal(out->metadata->n, 1);
  assert_string_equal(out->metadata->pairs[0].key, "k");
  qv_schema_release(out);
  /* base64 of junk bytes: decodes, but is no IPC message */
  qv_metadata_free(kv);
  assert_int_equal(qv_metadata_new(&kv, &err), QV_OK);
  assert_int_equal(qv_metadata_append(kv, "ARROW:schema", -1, "/////wgAAAAAAAAAAAAAAA==", -1, &err), QV_OK);
  assert_int_equal(qv__pq_arrow_schema_resolve(s.arrow, kv, false, &out, &err), QV_OK);
  assert_int_equal(out->fields[0]->type->id, QV_TYPE_INT64);
  assert_null(out->metadata);
  qv_schema_release(out);
  qv_metadata_free(kv);
  qv__pq_schema_free(&s);
}

static void test_arrow_restore_refuses_unknown(void **state) {
  (void)state;
  qv_array *a = NULL;
  qv_error err;
  assert_int_equal(qv_array_new_null(qv_type_int32(), 3, &a, &err), QV_OK);
  qv_array *out = NULL;
  assert_int_equal(qv__pq_arrow_restore(a, qv_type_int32(), &out, &err), QV_OK);
  assert_ptr_equal(out, a);
  qv_array_release(out);
  assert_int_equal(qv__pq_arrow_restore(a, qv_type_float64(), &out, &err), QV_ERR_NOT_IMPLEMENTED);
  assert_non_null(strstr(err.message, "cannot restore"));
  qv_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_leaf_types),      cmocka_unit_test(test_bad_annotations),
      cmocka_unit_test(test_lists),           cmocka_unit_test(test_maps),
      cmocka_unit_test(test_levels),          cmocka_unit_test(test_malformed_trees),
      cmocka_unit_test(test_arrow_schema_resolve), cmocka_unit_test(test_arrow_restore_refuses_unknown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
