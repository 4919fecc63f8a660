/* Tests for src/core/chunked.c, table_build.c and column_edit.c: tables and
 * batches from arrays, column lookup, slices, concatenation, and every
 * column edit (zero-copy: the output shares the input's buffers), with the
 * errors each gives. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "quiver/quiver.h"

/* int64 array [start, start + n). */
static qv_array *seq(int64_t start, int64_t n) {
  qv_builder *b;
  qv_array *a;
  assert_int_equal(qv_builder_new(qv_type_int64(), NULL, &b, NULL), QV_OK);
  for (int64_t i = 0; i < n; i++) assert_int_equal(qv_builder_append_int64(b, start + i), QV_OK);
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  return a;
}

static qv_array *strings(int64_t n) {
  qv_builder *b;
  qv_array *a;
  char s[32];
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int64_t i = 0; i < n; i++) {
    snprintf(s, sizeof s, "s%lld", (long long)i);
    assert_int_equal(qv_builder_append_string(b, s, -1), QV_OK);
  }
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  return a;
}

/* Value of row r of int64 column `name` in a table, walking its chunks. */
static int64_t cell(const qv_table *t, const char *name, int64_t r) {
  qv_chunked_array *c;
  assert_int_equal(qv_table_column_by_name(t, name, &c, NULL), QV_OK);
  int64_t v = -1;
  for (int64_t k = 0; k < c->n_chunks; k++) {
    if (r < c->chunks[k]->length) {
      v = qv_array_int64_value(c->chunks[k], r);
      break;
    }
    r -= c->chunks[k]->length;
  }
  qv_chunked_array_release(c);
  return v;
}

/* A table with columns a = 0..9 and b = strings, in batches of 4, 4, 2. */
static qv_table *three_batch_table(void) {
  qv_array *a = seq(0, 10), *s = strings(10);
  qv_batch *full, *parts[3];
  const char *names[] = {"a", "b"};
  qv_array *cols[] = {a, s};
  assert_int_equal(qv_batch_from_arrays(names, cols, 2, &full, NULL), QV_OK);
  assert_int_equal(qv_batch_slice(full, 0, 4, &parts[0], NULL), QV_OK);
  assert_int_equal(qv_batch_slice(full, 4, 4, &parts[1], NULL), QV_OK);
  assert_int_equal(qv_batch_slice(full, 8, 2, &parts[2], NULL), QV_OK);
  qv_table *t;
  assert_int_equal(qv_table_from_batches(parts, 3, &t, NULL), QV_OK);
  for (int i = 0; i < 3; i++) qv_batch_release(parts[i]);
  qv_batch_release(full);
  qv_array_release(a);
  qv_array_release(s);
  return t;
}

static void from_arrays_builds_one_batch(void **state) {
  (void)state;
  qv_array *a = seq(0, 3), *s = strings(3);
  const char *names[] = {"id", "name"};
  qv_array *cols[] = {a, s};
  qv_table *t;
  qv_error err;
  assert_int_equal(qv_table_from_arrays(names, cols, 2, &t, &err), QV_OK);
  assert_int_equal(t->n_rows, 3);
  assert_int_equal(t->n_batches, 1);
  assert_string_equal(t->schema->fields[1]->name, "name");
  assert_true(t->schema->fields[0]->nullable);
  assert_ptr_equal(t->batches[0]->columns[0], a); /* shared, not copied */
  qv_table_release(t);
  qv_array *short_col = seq(0, 2);
  cols[1] = short_col;
  assert_int_equal(qv_table_from_arrays(names, cols, 2, &t, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "name"));
  qv_array_release(short_col);
  qv_array_release(a);
  qv_array_release(s);
}

static void column_lookup_by_index_and_name(void **state) {
  (void)state;
  qv_table *t = three_batch_table();
  qv_chunked_array *c;
  qv_error err;
  assert_int_equal(qv_table_column(t, 1, &c, &err), QV_OK);
  assert_int_equal(c->n_chunks, 3);
  assert_int_equal(c->length, 10);
  assert_int_equal(qv_chunked_array_null_count(c), 0);
  assert_ptr_equal(c->chunks[2], t->batches[2]->columns[1]);
  qv_chunked_array_release(c);
  assert_int_equal(cell(t, "a", 9), 9);
  assert_int_equal(qv_table_column(t, 2, &c, &err), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_table_column_by_name(t, "zzz", &c, &err), QV_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "zzz"));
  assert_ptr_equal(qv_batch_column(t->batches[0], 0), t->batches[0]->columns[0]);
  assert_null(qv_batch_column(t->batches[0], 2));
  assert_null(qv_batch_column(t->batches[0], -1));
  qv_table_release(t);
}

static void table_slice_across_batches(void **state) {
  (void)state;
  qv_table *t = three_batch_table(), *s;
  qv_error err;
  assert_int_equal(qv_table_slice(t, 3, 6, &s, &err), QV_OK);
  assert_int_equal(s->n_rows, 6);
  assert_int_equal(s->n_batches, 3); /* 1 + 4 + 1 rows */
  for (int64_t r = 0; r < 6; r++) assert_int_equal(cell(s, "a", r), 3 + r);
  qv_table_release(s);
  assert_int_equal(qv_table_slice(t, 10, 0, &s, &err), QV_OK);
  assert_int_equal(s->n_rows, 0);
  qv_table_release(s);
  assert_int_equal(qv_table_slice(t, 5, 6, &s, &err), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_table_slice(t, INT64_MAX, 2, &s, &err), QV_ERR_OUT_OF_RANGE);
  qv_table_release(t);
}

static void chunked_slice(void **state) {
  (void)state;
  qv_table *t = three_batch_table();
  qv_chunked_array *c, *s;
  assert_int_equal(qv_table_column(t, 0, &c, NULL), QV_OK);
  assert_int_equal(qv_chunked_array_slice(c, 2, 7, &s, NULL), QV_OK);
  assert_int_equal(s->length, 7);
  assert_int_equal(s->n_chunks, 3);
  assert_int_equal(qv_array_int64_value(s->chunks[0], 0), 2);
  assert_int_equal(qv_array_int64_value(s->chunks[2], 0), 8);
  qv_chunked_array_release(s);
  assert_int_equal(qv_chunked_array_slice(c, 0, 11, &s, NULL), QV_ERR_OUT_OF_RANGE);
  qv_chunked_array_release(c);
  qv_array *i64 = seq(0, 1), *str = strings(1);
  qv_array *mixed[] = {i64, str};
  qv_error err;
  assert_int_equal(qv_chunked_array_new(NULL, mixed, 2, &c, &err), QV_ERR_TYPE);
  assert_non_null(strstr(err.message, "chunk 1"));
  qv_array_release(i64);
  qv_array_release(str);
  qv_table_release(t);
}

static void concat_tables(void **state) {
  (void)state;
  qv_table *t = three_batch_table(), *u;
  qv_table *both[] = {t, t};
  assert_int_equal(qv_table_concat(both, 2, &u, NULL), QV_OK);
  assert_int_equal(u->n_rows, 20);
  assert_int_equal(u->n_batches, 6);
  assert_int_equal(cell(u, "a", 13), 3);
  qv_table_release(u);
  qv_array *a = seq(0, 1);
  const char *other[] = {"x"};
  qv_table *x;
  assert_int_equal(qv_table_from_arrays(other, &a, 1, &x, NULL), QV_OK);
  qv_table *mismatched[] = {t, x};
  qv_error err;
  assert_int_equal(qv_table_concat(mismatched, 2, &u, &err), QV_ERR_TYPE);
  assert_non_null(strstr(err.message, "table 1"));
  qv_table_release(x);
  qv_array_release(a);
  qv_table_release(t);
}

static void select_drop_rename_remove(void **state) {
  (void)state;
  qv_table *t = three_batch_table(), *u;
  qv_error err;
  int32_t idx[] = {1, 0, 0};
  assert_int_equal(qv_table_select(t, idx, 3, &u, &err), QV_OK);
  assert_int_equal(u->schema->n_fields, 3);
  assert_string_equal(u->schema->fields[0]->name, "b");
  assert_int_equal(u->n_batches, 3); /* batch boundaries kept */
  assert_ptr_equal(u->batches[1]->columns[2], t->batches[1]->columns[0]);
  qv_table_release(u);
  int32_t bad[] = {2};
  assert_int_equal(qv_table_select(t, bad, 1, &u, &err), QV_ERR_OUT_OF_RANGE);

  const char *drop[] = {"b"};
  assert_int_equal(qv_table_drop_columns(t, drop, 1, &u, &err), QV_OK);
  assert_int_equal(u->schema->n_fields, 1);
  assert_string_equal(u->schema->fields[0]->name, "a");
  qv_table_release(u);
  const char *missing[] = {"nope"};
  assert_int_equal(qv_table_drop_columns(t, missing, 1, &u, &err), QV_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "nope"));

  const char *names[] = {"x", "y"};
  assert_int_equal(qv_table_rename_columns(t, names, 2, &u, &err), QV_OK);
  assert_string_equal(u->schema->fields[1]->name, "y");
  assert_int_equal(cell(u, "x", 5), 5);
  qv_table_release(u);
  assert_int_equal(qv_table_rename_columns(t, names, 1, &u, &err), QV_ERR_INVALID_ARGUMENT);

  assert_int_equal(qv_table_remove_column(t, 0, &u, &err), QV_OK);
  assert_string_equal(u->schema->fields[0]->name, "b");
  qv_table_release(u);
  assert_int_equal(qv_table_remove_column(t, 2, &u, &err), QV_ERR_OUT_OF_RANGE);

  qv_batch *b;
  assert_int_equal(qv_batch_select(t->batches[0], idx, 1, &b, &err), QV_OK);
  assert_int_equal(b->n_columns, 1);
  assert_int_equal(b->length, 4);
  qv_batch_release(b);
  assert_int_equal(qv_batch_drop_columns(t->batches[0], drop, 1, &b, &err), QV_OK);
  assert_int_equal(b->n_columns, 1);
  qv_batch_release(b);
  assert_int_equal(qv_batch_rename_columns(t->batches[0], names, 2, &b, &err), QV_OK);
  assert_string_equal(b->schema->fields[0]->name, "x");
  qv_batch_release(b);
  assert_int_equal(qv_batch_remove_column(t->batches[0], 1, &b, &err), QV_OK);
  assert_int_equal(b->n_columns, 1);
  qv_batch_release(b);
  qv_table_release(t);
}

static void add_and_set_columns(void **state) {
  (void)state;
  qv_table *t = three_batch_table(), *u;
  qv_error err;
  qv_field *f;
  assert_int_equal(qv_field_new("c", qv_type_int64(), true, NULL, &f, NULL), QV_OK);
  /* A column in two chunks of 5: the table is re-cut at 4, 5, 8. */
  qv_array *lo = seq(100, 5), *hi = seq(105, 5);
  qv_array *chunks[] = {lo, hi};
  qv_chunked_array *c;
  assert_int_equal(qv_chunked_array_new(NULL, chunks, 2, &c, NULL), QV_OK);
  assert_int_equal(qv_table_add_column(t, 1, f, c, &u, &err), QV_OK);
  assert_int_equal(u->schema->n_fields, 3);
  assert_string_equal(u->schema->fields[1]->name, "c");
  assert_int_equal(u->n_batches, 4);
  for (int64_t r = 0; r < 10; r++) {
    assert_int_equal(cell(u, "a", r), r);
    assert_int_equal(cell(u, "c", r), 100 + r);
  }
  qv_table_release(u);
  assert_int_equal(qv_table_set_column(t, 0, f, c, &u, &err), QV_OK);
  assert_int_equal(u->schema->n_fields, 2);
  assert_int_equal(cell(u, "c", 7), 107);
  qv_table_release(u);
  assert_int_equal(qv_table_add_column(t, 3, f, c, &u, &err), QV_ERR_OUT_OF_RANGE);
  qv_chunked_array *short_c;
  assert_int_equal(qv_chunked_array_new(NULL, chunks, 1, &short_c, NULL), QV_OK);
  assert_int_equal(qv_table_add_column(t, 0, f, short_c, &u, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "5 rows"));
  qv_chunked_array_release(short_c);
  /* Batch editing with a type that disagrees with the field. */
  qv_array *s4 = strings(4);
  qv_batch *b;
  assert_int_equal(qv_batch_add_column(t->batches[0], 0, f, s4, &b, &err), QV_ERR_TYPE);
  assert_non_null(strstr(err.message, "'c'"));
  qv_array *l4 = seq(0, 4);
  assert_int_equal(qv_batch_add_column(t->batches[0], 2, f, l4, &b, &err), QV_OK);
  assert_int_equal(b->n_columns, 3);
  assert_ptr_equal(b->columns[2], l4);
  qv_batch_release(b);
  assert_int_equal(qv_batch_set_column(t->batches[0], 1, f, l4, &b, &err), QV_OK);
  assert_ptr_equal(b->columns[1], l4);
  qv_batch_release(b);
  qv_array_release(l4);
  qv_array_release(s4);
  qv_chunked_array_release(c);
  qv_array_release(lo);
  qv_array_release(hi);
  qv_field_release(f);
  qv_table_release(t);
}

static void from_columns_with_unaligned_chunks(void **state) {
  (void)state;
  qv_array *a1 = seq(0, 3), *a2 = seq(3, 3), *b1 = seq(10, 1), *b2 = seq(11, 5);
  qv_array *ca[] = {a1, a2}, *cb[] = {b1, b2};
  qv_chunked_array *cols[2];
  assert_int_equal(qv_chunked_array_new(NULL, ca, 2, &cols[0], NULL), QV_OK);
  assert_int_equal(qv_chunked_array_new(NULL, cb, 2, &cols[1], NULL), QV_OK);
  qv_field *f[2];
  assert_int_equal(qv_field_new("a", qv_type_int64(), true, NULL, &f[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("b", qv_type_int64(), true, NULL, &f[1], NULL), QV_OK);
  qv_schema *s;
  assert_int_equal(qv_schema_new(f, 2, NULL, &s, NULL), QV_OK);
  qv_table *t;
  assert_int_equal(qv_table_from_columns(s, cols, &t, NULL), QV_OK);
  assert_int_equal(t->n_batches, 3); /* cut at 1 and 3 */
  for (int64_t r = 0; r < 6; r++) {
    assert_int_equal(cell(t, "a", r), r);
    assert_int_equal(cell(t, "b", r), 10 + r);
  }
  qv_table_release(t);
  qv_schema_release(s);
  for (int i = 0; i < 2; i++) {
    qv_field_release(f[i]);
    qv_chunked_array_release(cols[i]);
  }
  qv_array_release(a1);
  qv_array_release(a2);
  qv_array_release(b1);
  qv_array_release(b2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(from_arrays_builds_one_batch),
      cmocka_unit_test(column_lookup_by_index_and_name),
      cmocka_unit_test(table_slice_across_batches),
      cmocka_unit_test(chunked_slice),
      cmocka_unit_test(concat_tables),
      cmocka_unit_test(select_drop_rename_remove),
      cmocka_unit_test(add_and_set_columns),
      cmocka_unit_test(from_columns_with_unaligned_chunks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
