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
#include <stdio.h>

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

/* A scan of the last and the first leaf (nested projection) under a
 * statistics predicate the seed picks, read with the batch reader. */
static int scan_leaves(qv_parquet_file *f, int32_t n_col, const uint8_t *data, size_t size, uint64_t seed) {
  qv_error err;
  int32_t cols[2] = {n_col - 1, 0};
  qv_parquet_predicate pred = {
      .column = (int32_t)(seed % (uint64_t)n_col),
      .op = (qv_parquet_compare_op)((seed >> 8) % 8),
      .kind = (qv_parquet_value_kind)((seed >> 16) % 4),
      .int_value = (int64_t)(seed >> 24) - (1 << 20),
      .double_value = (double)(int64_t)(seed >> 24) / 7.0,
      .bytes = data,
      .bytes_len = (int64_t)(size < 8 ? size : 8),
  };
  qv_parquet_scan_options o = {.columns = cols, .n_columns = 2, .predicates = &pred, .n_predicates = 1};
  qv_parquet_batch_reader *r = NULL;
  qv_status st = qv_parquet_batch_reader_open(f, &o, &r, &err);
  if (st != QV_OK) return qv_fuzz_check_error(NAME, st, &err, "qv_parquet_batch_reader_open");
  int rc = 0;
  for (int32_t i = 0; i < 64 && rc == 0; i++) {
    qv_batch *b = NULL;
    st = qv_parquet_batch_reader_next(r, &b, &err);
    if (st != QV_OK) {
      rc = qv_fuzz_check_error(NAME, st, &err, "qv_parquet_batch_reader_next");
      break;
    }
    if (b == NULL) break;
    rc = check_batch(b, seed);
    qv_batch_release(b);
  }
  qv_parquet_batch_reader_close(r);
  return rc;
}

/* The first row group again with binary_type and read_dictionary on the
 * first leaf column. */
static int reopen_with_read_types(const uint8_t *data, size_t size, uint64_t seed) {
  qv_error err;
  qv_parquet_file *f = NULL;
  qv_parquet_read_options o = k_opts;
  o.binary_type = (int32_t)(seed % 3);
  o.ignore_arrow_schema = (seed >> 4) & 1;
  qv_status st = qv_parquet_open_memory(data, size, &o, &f, &err);
  if (st != QV_OK) return qv_fuzz_check_error(NAME, st, &err, "qv_parquet_open_memory (read types)");
  int rc = 0;
  qv_parquet_column_chunk_info info;
  char path[256] = "";
  if (qv_parquet_file_num_columns(f) > 0 && qv_parquet_file_column_chunk(f, 0, 0, &info, &err) == QV_OK)
    snprintf(path, sizeof path, "%s", info.path);
  qv_parquet_file_close(f);
  f = NULL;
  const char *paths[1] = {path};
  o.read_dictionary = paths;
  o.n_read_dictionary = 1;
  st = qv_parquet_open_memory(data, size, &o, &f, &err);
  if (st != QV_OK) /* a path longer than the copy names no column */
    return st == QV_ERR_NOT_FOUND ? 0 : qv_fuzz_check_error(NAME, st, &err, "qv_parquet_open_memory (read_dictionary)");
  qv_batch *b = NULL;
  st = qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &err);
  if (st != QV_OK) {
    rc = qv_fuzz_check_error(NAME, st, &err, "qv_parquet_file_read_row_group (read types)");
  } else {
    rc = check_batch(b, seed);
    qv_batch_release(b);
  }
  qv_parquet_file_close(f);
  return rc;
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
  if (n_col > 0) rc = scan_leaves(f, n_col, data, size, seed);
  if (rc == 0 && n_rg > 0) rc = reopen_with_read_types(data, size, seed);
done:
  qv_parquet_file_close(f);
  return rc;
}
