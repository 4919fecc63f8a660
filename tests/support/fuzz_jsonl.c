/* Fuzz target body: the JSON Lines reader and writer.
 *
 * The bytes are one JSON Lines text. It is read twice: with the default
 * options, and with limits picked from a hash of the bytes (a small
 * max_depth or max_line_length) and an unexpected-field policy. Each read
 * must accept or reject with an error; an accepted table must be FULLY
 * valid (the reader builds every column itself and checks UTF-8), goes
 * through every consumer of arrays (fuzz_consume.h), and must write as
 * JSON Lines (every inferred type has a text form); the text written must
 * read back with the same rows and columns. Then the faster reading alone
 * (qv__jsonl_read_fast) runs with a prefix and a part size picked from
 * the hash, small enough that its speculative pass and its two parts run
 * on these short inputs: whatever it reads must be fully valid and equal
 * to the reference reading (qv__jsonl_read_reference), and it must fail
 * where that fails.
 */
#include <inttypes.h>

#include "jsonl/internal.h"
#include "quiver/compare.h"
#include "quiver/jsonl.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "jsonl"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

static int round_trip(const qv_table *t) {
  char *text = NULL;
  size_t n = 0;
  qv_error err;
  qv_status st = qv_jsonl_write_table_memory(t, &text, &n, &err);
  if (st == QV_ERR_NO_MEMORY) return 0;
  if (st != QV_OK) return FAIL("a table read from JSON Lines does not write as JSON Lines: %s", err.message);
  int rc = 0;
  if (t->n_rows > 0 && t->schema->n_fields > 0) {
    qv_table *back = NULL;
    st = qv_jsonl_read_memory(text, n, NULL, &back, &err);
    /* NaN and infinities are written as null, so a float column of only
     * those reads back as null type: shape, not types, must survive. */
    if (st != QV_OK && st != QV_ERR_NO_MEMORY && st != QV_ERR_LIMIT)
      rc = FAIL("JSON Lines written by quiver does not read back: %s", err.message);
    else if (st == QV_OK && (back->n_rows != t->n_rows || back->schema->n_fields != t->schema->n_fields))
      rc = FAIL("a JSON Lines write + read changed the shape: %" PRId64 "x%d became %" PRId64 "x%d", t->n_rows,
                t->schema->n_fields, back->n_rows, back->schema->n_fields);
    qv_table_release(back);
  }
  qv_jsonl_free(text);
  return rc;
}

static int read_one(const uint8_t *data, size_t size, const qv_jsonl_read_options *o, uint64_t seed) {
  qv_table *t = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_jsonl_read_memory(data, size, o, &t, &err);
  if (st != QV_OK) {
    int rc = qv_fuzz_check_error(NAME, st, &err, "qv_jsonl_read_memory");
    if (rc == 0 && t != NULL) rc = FAIL("a failed read returned a table");
    return rc;
  }
  int rc = 0;
  if (qv_table_validate(t, QV_VALIDATE_FULL, &err) != QV_OK)
    rc = FAIL("a table read from JSON Lines fails full validation: %s", err.message);
  for (int64_t i = 0; i < t->n_batches && rc == 0; i++) rc = qv_fuzz_check_batch(NAME, t->batches[i], true);
  if (rc == 0) rc = round_trip(t);
  if (rc == 0) rc = qv_fuzz_consume_table(NAME, t, seed);
  qv_table_release(t);
  return rc;
}

static int fast_agrees(const uint8_t *data, size_t size, uint64_t seed) {
  const qv__jsonl_fast_sizes sizes = {(size_t)(seed % 97), 1 + (size_t)((seed >> 8) % 257)};
  qv_table *fast = NULL, *ref = NULL;
  qv_error err, ref_err;
  const qv_status st = qv__jsonl_read_fast(data, size, NULL, &sizes, &fast, &err);
  const qv_status ref_st = qv__jsonl_read_reference(data, size, NULL, &ref, &ref_err);
  int rc = 0;
  if (st == QV_ERR_NO_MEMORY || ref_st == QV_ERR_NO_MEMORY) {
    rc = 0;
  } else if (st == QV_OK && ref_st != QV_OK) {
    rc = FAIL("the faster reading accepted what the reference refuses: %s", ref_err.message);
  } else if (st == QV_OK && qv_table_validate(fast, QV_VALIDATE_FULL, &err) != QV_OK) {
    rc = FAIL("the faster reading's table fails full validation: %s", err.message);
  } else if (st == QV_OK && !qv_table_equals(fast, ref)) {
    rc = FAIL("the faster reading (prefix %zu, parts from %zu bytes) differs from the reference", sizes.prefix_bytes,
              sizes.parallel_min_bytes);
  }
  qv_table_release(fast);
  qv_table_release(ref);
  return rc;
}

int qv_fuzz_jsonl(const uint8_t *data, size_t size) {
  const uint64_t seed = qv_fuzz_seed(data, size);
  int rc = read_one(data, size, NULL, seed);
  if (rc != 0) return rc;
  rc = fast_agrees(data, size, seed);
  if (rc != 0) return rc;
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_depth = (int32_t)(seed % 5); /* 0 = default */
  o.max_line_length = (int64_t)((seed >> 3) % 4) * 16;
  o.unexpected_fields = (qv_jsonl_unexpected)((seed >> 5) % 3);
  return read_one(data, size, &o, seed + 1);
}
