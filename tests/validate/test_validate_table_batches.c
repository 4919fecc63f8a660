/* The check the text writers make before formatting any row
 * (qv__validate_table_batches, src/validate/validate.c): a batch whose
 * buffer is too short for its length is refused with the batch and the
 * table row it starts at named, and the CSV and JSON Lines writers, which
 * both rely on it, refuse the table with that message and no output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "quiver/csv.h"
#include "quiver/jsonl.h"
#include "support/hand.h"
#include "validate/batches.h"

typedef struct two_batches {
  qv_schema *schema;
  qv_batch *batches[2];
  qv_table *table;
} two_batches;

/* Rows 0-2 in a sound batch, then a batch of 4 rows whose values buffer
 * holds one (when `short_second`). */
static void make(two_batches *t, bool short_second) {
  qv_error e;
  qv_field *f = hand_field("i", qv_type_int64());
  hand_check(qv_schema_new(&f, 1, NULL, &t->schema, &e), &e, "schema");
  qv_field_release(f); /* the schema holds its own reference */
  qv_array *first = hand_array(qv_type_int64(), 3, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 1, 2, 3)), 0, NULL, NULL);
  qv_array *second = short_second
                         ? hand_array(qv_type_int64(), 4, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 4)), 0, NULL, NULL)
                         : hand_array(qv_type_int64(), 4, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 4, 5, 6, 7)), 0, NULL, NULL);
  hand_check(qv_batch_new(t->schema, 3, &first, NULL, &t->batches[0], &e), &e, "batch 0");
  hand_check(qv_batch_new(t->schema, 4, &second, NULL, &t->batches[1], &e), &e, "batch 1");
  hand_check(qv_table_new(t->schema, t->batches, 2, &t->table, &e), &e, "table");
  qv_array_release(first);
  qv_array_release(second);
}

static void release(two_batches *t) {
  qv_table_release(t->table);
  qv_batch_release(t->batches[0]);
  qv_batch_release(t->batches[1]);
  qv_schema_release(t->schema);
}

static void short_buffer_names_batch_and_row(void **state) {
  (void)state;
  two_batches t;
  make(&t, true);
  qv_error e;
  assert_int_equal(qv__validate_table_batches(t.table, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "batch 1 (rows from 3): "));
  char *text = NULL;
  size_t size = 0;
  qv_error ce, je;
  assert_int_equal(qv_csv_write_table_memory(t.table, NULL, &text, &size, &ce), QV_ERR_INVALID_DATA);
  assert_null(text);
  assert_string_equal(ce.message, e.message);
  assert_int_equal(qv_jsonl_write_table_memory(t.table, &text, &size, &je), QV_ERR_INVALID_DATA);
  assert_null(text);
  assert_string_equal(je.message, e.message);
  release(&t);
}

static void sound_batches_pass(void **state) {
  (void)state;
  two_batches t;
  make(&t, false);
  assert_int_equal(qv__validate_table_batches(t.table, NULL), QV_OK);
  char *text = NULL;
  size_t size = 0;
  assert_int_equal(qv_jsonl_write_table_memory(t.table, &text, &size, NULL), QV_OK);
  assert_string_equal(text, "{\"i\":1}\n{\"i\":2}\n{\"i\":3}\n{\"i\":4}\n{\"i\":5}\n{\"i\":6}\n{\"i\":7}\n");
  qv_jsonl_free(text);
  release(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(short_buffer_names_batch_and_row),
      cmocka_unit_test(sound_batches_pass),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
