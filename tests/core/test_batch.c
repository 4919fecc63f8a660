/* Tests for src/core/batch.c: batches (length checks naming the column,
 * type checks, length -1, slicing, lookup, metadata) and tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/internal.h"

static qv_array *nulls(qv_type *t, int64_t n) {
  qv_array *a = NULL;
  assert_int_equal(qv_array_new_null(t, n, &a, NULL), QV_OK);
  return a;
}

static qv_array *ints(int64_t n) {
  int32_t v[16];
  for (int64_t i = 0; i < n; i++) v[i] = (int32_t)(i * 10);
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_copy_from(NULL, v, n * 4, &b, NULL), QV_OK);
  qv_buffer *bufs[2] = {NULL, b};
  qv_array *a = NULL;
  assert_int_equal(qv_array_new(qv_type_int32(), n, 0, 0, 2, bufs, 0, NULL, NULL, &a, NULL), QV_OK);
  qv_buffer_release(b);
  return a;
}

static qv_schema *schema_ab(void) {
  qv_field *f[2] = {NULL, NULL};
  assert_int_equal(qv_field_new("a", qv_type_int32(), true, NULL, &f[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("b", qv_type_string(), true, NULL, &f[1], NULL), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(f, 2, NULL, &s, NULL), QV_OK);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  return s;
}

static void test_batch_new(void **state) {
  (void)state;
  qv_schema *s = schema_ab();
  qv_array *cols[2] = {ints(5), nulls(qv_type_string(), 5)};
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "origin", -1, "test", -1, NULL), QV_OK);
  qv_batch *b = NULL;
  assert_int_equal(qv_batch_new(s, -1, cols, md, &b, NULL), QV_OK);
  qv_metadata_free(md);
  assert_int_equal(b->length, 5);
  assert_int_equal(b->n_columns, 2);
  assert_ptr_equal(b->schema, s);
  assert_string_equal(qv_metadata_find(b->metadata, "origin")->value, "test");
  assert_ptr_equal(qv_batch_column_by_name(b, "b"), cols[1]);
  assert_null(qv_batch_column_by_name(b, "c"));
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  qv_schema_release(s);

  qv_batch *sl = NULL;
  assert_int_equal(qv_batch_slice(b, 2, 3, &sl, NULL), QV_OK);
  assert_int_equal(sl->length, 3);
  assert_int_equal(sl->columns[0]->offset, 2);
  assert_int_equal(qv_array_int32_value(sl->columns[0], 0), 20);
  assert_non_null(sl->metadata);
  qv_error err;
  qv_batch *bad = NULL;
  assert_int_equal(qv_batch_slice(b, 4, 2, &bad, &err), QV_ERR_OUT_OF_RANGE);
  assert_string_equal(err.message, "batch slice [4, 4 + 2) is outside a batch of 5 rows");
  assert_null(bad);
  assert_ptr_equal(qv_batch_retain(b), b);
  qv_batch_release(b);
  qv_batch_release(b);
  assert_int_equal(qv_array_int32_value(sl->columns[0], 2), 40);
  qv_batch_release(sl);
  qv_batch_release(NULL);
}

static void test_batch_rejects_length_mismatch(void **state) {
  (void)state;
  qv_schema *s = schema_ab();
  qv_array *cols[2] = {ints(5), nulls(qv_type_string(), 4)};
  qv_batch *b = NULL;
  qv_error err;
  assert_int_equal(qv_batch_new(s, -1, cols, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "record batch: column 1 ('b') has length 4, expected 5");
  assert_null(b);
  assert_int_equal(qv_batch_new(s, 4, cols, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "record batch: column 0 ('a') has length 5, expected 4");
  assert_int_equal(cols[0]->refcount_, 1); /* nothing retained on failure */
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  qv_schema_release(s);
}

static void test_batch_rejects_type_mismatch(void **state) {
  (void)state;
  qv_schema *s = schema_ab();
  qv_array *cols[2] = {ints(3), nulls(qv_type_large_string(), 3)};
  qv_batch *b = NULL;
  qv_error err;
  assert_int_equal(qv_batch_new(s, 3, cols, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message,
                      "record batch: column 1 ('b') has type large_string, but the schema field has type string");
  qv_array *holes[2] = {cols[0], NULL};
  assert_int_equal(qv_batch_new(s, 3, holes, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "record batch: column 1 ('b') is NULL");
  assert_int_equal(qv_batch_new(s, 3, NULL, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_batch_new(NULL, 3, cols, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  qv_schema_release(s);
}

static void test_batch_empty_schema(void **state) {
  (void)state;
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(NULL, 0, NULL, &s, NULL), QV_OK);
  qv_batch *b = NULL;
  assert_int_equal(qv_batch_new(s, -1, NULL, NULL, &b, NULL), QV_OK);
  assert_int_equal(b->length, 0);
  qv_batch_release(b);
  assert_int_equal(qv_batch_new(s, 7, NULL, NULL, &b, NULL), QV_OK); /* rows without columns */
  assert_int_equal(b->length, 7);
  qv_batch_release(b);
  qv_schema_release(s);
}

static void test_table(void **state) {
  (void)state;
  qv_schema *s = schema_ab();
  qv_batch *bs[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; i++) {
    qv_array *cols[2] = {ints(i + 1), nulls(qv_type_string(), i + 1)};
    assert_int_equal(qv_batch_new(s, -1, cols, NULL, &bs[i], NULL), QV_OK);
    qv_array_release(cols[0]);
    qv_array_release(cols[1]);
  }
  qv_table *t = NULL;
  assert_int_equal(qv_table_new(s, bs, 3, &t, NULL), QV_OK);
  assert_int_equal(t->n_rows, 6);
  assert_int_equal(t->n_batches, 3);
  assert_ptr_equal(qv_table_retain(t), t);
  qv_table_release(t);
  qv_table_release(t);
  assert_int_equal(qv_table_new(s, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->n_rows, 0);
  qv_table_release(t);

  /* a batch with a different schema is rejected, metadata differences are not */
  qv_field *f = NULL;
  assert_int_equal(qv_field_new("a", qv_type_int32(), true, NULL, &f, NULL), QV_OK);
  qv_schema *other = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &other, NULL), QV_OK);
  qv_array *col = ints(2);
  qv_batch *ob = NULL;
  assert_int_equal(qv_batch_new(other, -1, &col, NULL, &ob, NULL), QV_OK);
  qv_batch *mixed[2] = {bs[0], ob};
  qv_error err;
  assert_int_equal(qv_table_new(s, mixed, 2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "table: batch 1 has a schema different from the table's");
  assert_null(t);

  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "k", -1, "v", -1, NULL), QV_OK);
  qv_schema *with_md = NULL;
  assert_int_equal(qv_schema_new(s->fields, s->n_fields, md, &with_md, NULL), QV_OK);
  assert_int_equal(qv_table_new(with_md, bs, 3, &t, NULL), QV_OK);
  qv_table_release(t);

  qv_metadata_free(md);
  qv_schema_release(with_md);
  qv_batch_release(ob);
  qv_array_release(col);
  qv_schema_release(other);
  qv_field_release(f);
  for (int i = 0; i < 3; i++) qv_batch_release(bs[i]);
  qv_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_new),
      cmocka_unit_test(test_batch_rejects_length_mismatch),
      cmocka_unit_test(test_batch_rejects_type_mismatch),
      cmocka_unit_test(test_batch_empty_schema),
      cmocka_unit_test(test_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
