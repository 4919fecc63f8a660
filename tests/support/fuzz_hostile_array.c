/* Fuzz target body: hostile arrays (issue 9's "tests that keep it fixed").
 *
 * The bytes are a program (fuzz_hostile_build.h) that picks a type, nested
 * or not, and builds an array of it from raw buffers whose contents break
 * the content rules while the sizes follow the layout. Structural
 * validation decides what happens next:
 *   - an array that fails it must be refused cleanly (an error with a
 *     message) by the consumers that promise to validate first: printing,
 *     comparison, the integration JSON writer;
 *   - an array that passes it goes to every consumer (fuzz_consume.h) as an
 *     array, as the column of a batch, and in a table of that batch and a
 *     slice of it.
 */
#include <stdlib.h>

#include "quiver/compare.h"
#include "quiver/field.h"
#include "quiver/json.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_hostile_build.h"
#include "support/fuzz_targets.h"

#define NAME "hostile_array"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

/* Consumers that validate structurally first must refuse the array. */
static int refuse_invalid(qv_array *a, qv_table *t) {
  char *text = NULL;
  size_t n = 0;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_array_to_string(a, NULL, &text, &err);
  qv_free_string(text);
  if (st == QV_OK) return FAIL("an array failing structural validation printed");
  if (qv_fuzz_check_error(NAME, st, &err, "qv_array_to_string")) return 1;
  if (qv_array_equals(a, a)) return FAIL("an array failing structural validation equals itself");
  qv_error_clear(&err);
  st = qv_array_diff(a, a, &err);
  if (st == QV_OK) return FAIL("qv_array_diff found no difference in an array failing structural validation");
  if (qv_fuzz_check_error(NAME, st, &err, "qv_array_diff")) return 1;
  if (t == NULL) return 0;
  text = NULL;
  qv_error_clear(&err);
  st = qv_json_write_table_memory(t, NULL, &text, &n, &err);
  qv_json_free(text);
  if (st == QV_OK) return FAIL("a table failing structural validation was written as JSON");
  return qv_fuzz_check_error(NAME, st, &err, "qv_json_write_table_memory");
}

/* The column as a batch of one field, and a table of [batch, a slice]. */
static qv_status wrap(qv_array *a, qv_batch **batch, qv_table **table) {
  qv_field *f = NULL;
  qv_schema *s = NULL;
  qv_batch *pair[2] = {NULL, NULL};
  qv_status st = qv_field_new("c", a->type, true, NULL, &f, NULL);
  if (st == QV_OK) st = qv_schema_new(&f, 1, NULL, &s, NULL);
  if (st == QV_OK) st = qv_batch_new(s, a->length, &a, NULL, batch, NULL);
  if (st == QV_OK) {
    pair[0] = *batch;
    int64_t half = a->length / 2;
    st = qv_batch_slice(*batch, half, a->length - half > 8 ? 8 : a->length - half, &pair[1], NULL);
  }
  if (st == QV_OK) st = qv_table_new(s, pair, 2, table, NULL);
  qv_batch_release(pair[1]);
  qv_schema_release(s);
  qv_field_release(f);
  return st;
}

int qv_fuzz_hostile_array(const uint8_t *data, size_t size) {
  qv_fuzz_prog g = {data, size, 0};
  qv_fuzz_hostile h = {&g, 0, 0, false, 0, 0};
  qv_batch *batch = NULL;
  qv_table *table = NULL;
  qv_error err;
  int rc = 0;
  qv_type *type = qv_fuzz_hostile_build_type(&h, 0);
  qv_fuzz_hostile_start(&h);
  qv_array *a = qv_fuzz_hostile_build_array(&h, type, -1, 0);
  if (a == NULL) goto done;
  uint64_t seed = qv_fuzz_seed(data, size);
  (void)wrap(a, &batch, &table);
  qv_error_clear(&err);
  qv_status st = qv_array_validate(a, QV_VALIDATE_STRUCTURE, &err);
  if ((rc = qv_fuzz_check_error(NAME, st, &err, "qv_array_validate(STRUCTURE)")) != 0) goto done;
  if (st != QV_OK) {
    rc = refuse_invalid(a, table);
    goto done;
  }
  /* the batch's consumers include every array consumer on its column */
  rc = batch != NULL ? qv_fuzz_consume_batch(NAME, batch, seed + 1) : qv_fuzz_consume_array(NAME, a, seed);
  /* the slice in the table may fail structural validation (its first offset
   * is a middle offset of the array); slices are written by slice_then_write */
  if (rc == 0 && table != NULL && qv_table_validate(table, QV_VALIDATE_STRUCTURE, NULL) == QV_OK)
    rc = qv_fuzz_consume_table(NAME, table, seed + 2);
done:
  qv_table_release(table);
  qv_batch_release(batch);
  qv_array_release(a);
  qv_type_release(type);
  return rc;
}
