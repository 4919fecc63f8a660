/* Fuzz target body: the integration JSON reader.
 *
 * The bytes are one JSON file (or gzip of one: the reader detects the
 * magic). qv_json_read_memory must accept or reject them with an error; an
 * accepted file's batches must pass structural validation (the reader's
 * promise), are validated fully and printed (printing must succeed on data
 * that validates, and never crash on data that does not); the file becomes
 * a table; and a table whose batches all validate fully, written back to
 * JSON and read again, must come back equal. Every batch and the table go
 * through every consumer of arrays (fuzz_consume.h).
 */
#include <inttypes.h>

#include "quiver/compare.h"
#include "quiver/json.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "json"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

static const qv_equal_options k_same = {true, true};

static int round_trip(const qv_table *t) {
  char *text = NULL;
  size_t n = 0;
  qv_table *back = NULL;
  qv_error err;
  int rc = 0;
  qv_status st = qv_json_write_table_memory(t, NULL, &text, &n, &err);
  if (st != QV_OK) return st == QV_ERR_NO_MEMORY ? 0 : FAIL("a valid table does not write as JSON: %s", err.message);
  st = qv_json_read_table_memory(text, n, &back, &err);
  if (st != QV_OK && st != QV_ERR_NO_MEMORY) {
    rc = FAIL("JSON written by quiver does not read back: %s", err.message);
  } else if (st == QV_OK && !qv_table_equals_opts(t, back, &k_same)) {
    qv_table_diff(t, back, &k_same, &err);
    rc = FAIL("a table changed in a JSON write + read: %s", err.message);
  }
  qv_table_release(back);
  qv_json_free(text);
  return rc;
}

int qv_fuzz_json(const uint8_t *data, size_t size) {
  qv_json_file *f = NULL;
  qv_table *t = NULL;
  qv_error err;
  int rc = 0;
  bool all_valid = true;
  qv_error_clear(&err);
  qv_status st = qv_json_read_memory(data, size, &f, &err);
  if (st != QV_OK) {
    rc = qv_fuzz_check_error(NAME, st, &err, "qv_json_read_memory");
    if (rc == 0 && f != NULL) rc = FAIL("a failed read returned a file");
    goto done;
  }
  if (f == NULL || f->schema == NULL || f->n_batches < 0 || (f->n_batches > 0 && f->batches == NULL)) {
    rc = FAIL("an accepted file has no schema or bad batches");
    goto done;
  }
  for (int64_t i = 0; i < f->n_batches && rc == 0; i++) {
    qv_error_clear(&err);
    if (qv_batch_validate(f->batches[i], QV_VALIDATE_STRUCTURE, &err) != QV_OK)
      rc = FAIL("batch %" PRId64 " of an accepted file fails structural validation: %s", i, err.message);
    else if (qv_batch_validate(f->batches[i], QV_VALIDATE_FULL, &err) != QV_OK)
      all_valid = false;
    if (rc == 0) rc = qv_fuzz_check_batch(NAME, f->batches[i], false);
    if (rc == 0) rc = qv_fuzz_consume_batch(NAME, f->batches[i], qv_fuzz_seed(data, size) + (uint64_t)i);
  }
  for (int64_t i = 0; i < f->n_dictionaries && rc == 0; i++) {
    if (f->dictionaries[i].values == NULL) rc = FAIL("dictionary %" PRId64 " has no values", i);
    else if (qv_array_validate(f->dictionaries[i].values, QV_VALIDATE_STRUCTURE, &err) != QV_OK)
      rc = FAIL("dictionary %" PRId64 " fails structural validation: %s", i, err.message);
  }
  if (rc != 0) goto done;
  qv_error_clear(&err);
  st = qv_json_file_to_table(f, &t, &err);
  if (st != QV_OK) {
    rc = qv_fuzz_check_error(NAME, st, &err, "qv_json_file_to_table");
    goto done;
  }
  if (all_valid) rc = round_trip(t);
  if (rc == 0) rc = qv_fuzz_consume_table(NAME, t, qv_fuzz_seed(data, size));
done:
  qv_table_release(t);
  qv_json_file_free(f);
  return rc;
}
