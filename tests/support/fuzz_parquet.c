/* Fuzz target body: the Parquet reader.
 *
 * The bytes are one Parquet file. qv_parquet_open_memory must accept or
 * reject them with an error (status and message); an accepted file's
 * metadata accessors are walked (every column chunk's info), every row
 * group is read alone and the whole file as a table; what reads must pass
 * structural validation (the reader's promise) and goes through every
 * consumer of arrays (fuzz_consume.h). Limits are small so a hostile
 * header cannot make one iteration allocate much.
 */
#include "quiver/parquet.h"
#include "quiver/table.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "parquet"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

static const qv_parquet_read_options k_opts = {
    .max_metadata_size = 1 << 20,
    .max_page_size = 1 << 22,
    .max_chunk_values = 1 << 20,
    .max_chunk_bytes = 1 << 24,
};

static int check_batch(qv_batch *b, uint64_t seed) {
  qv_error err;
  for (int32_t i = 0; i < b->n_columns; i++) {
    qv_status st = qv_array_validate(b->columns[i], QV_VALIDATE_STRUCTURE, &err);
    if (st != QV_OK) return FAIL("column %d of a row group read is structurally invalid: %s", (int)i, err.message);
  }
  return qv_fuzz_consume_batch(NAME, b, seed);
}

int qv_fuzz_parquet(const uint8_t *data, size_t size) {
  qv_parquet_file *f = NULL;
  qv_error err;
  qv_error_clear(&err);
  int rc = 0;
  uint64_t seed = qv_fuzz_seed(data, size);
  qv_status st = qv_parquet_open_memory(data, size, &k_opts, &f, &err);
  if (st != QV_OK) {
    rc = qv_fuzz_check_error(NAME, st, &err, "qv_parquet_open_memory");
    if (rc == 0 && f != NULL) rc = FAIL("a failed open returned a file");
    return rc;
  }
  const qv_schema *schema = qv_parquet_file_schema(f);
  if (schema == NULL) {
    rc = FAIL("an open file has no schema");
    goto done;
  }
  int32_t n_rg = qv_parquet_file_num_row_groups(f), n_col = qv_parquet_file_num_columns(f);
  for (int32_t g = 0; g < n_rg && g < 64; g++) {
    for (int32_t c = 0; c < n_col && c < 256; c++) {
      qv_parquet_column_chunk_info info;
      st = qv_parquet_file_column_chunk(f, g, c, &info, &err);
      if (st != QV_OK) {
        rc = FAIL("column chunk info %d/%d of an open file fails: %s", (int)g, (int)c, err.message);
        goto done;
      }
    }
    qv_batch *b = NULL;
    st = qv_parquet_file_read_row_group(f, g, NULL, 0, &b, &err);
    if (st != QV_OK) {
      rc = qv_fuzz_check_error(NAME, st, &err, "qv_parquet_file_read_row_group");
      if (rc == 0 && b != NULL) rc = FAIL("a failed read returned a batch");
    } else {
      rc = check_batch(b, seed);
      qv_batch_release(b);
    }
    if (rc != 0) goto done;
  }
  if (schema->n_fields > 1) { /* a projection: the last field, then the first */
    int32_t fields[2] = {schema->n_fields - 1, 0};
    qv_table *t = NULL;
    st = qv_parquet_file_read_table(f, NULL, 0, fields, 2, &t, &err);
    if (st != QV_OK) {
      rc = qv_fuzz_check_error(NAME, st, &err, "qv_parquet_file_read_table (projected)");
    } else {
      rc = qv_fuzz_consume_table(NAME, t, seed);
      qv_table_release(t);
    }
  }
done:
  qv_parquet_file_close(f);
  return rc;
}
