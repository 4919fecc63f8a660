/* Reading a Parquet file with quiver: open it, look at the footer, read
 * one row group at a time (the batch reader), then two columns of the whole
 * file. The README quotes the middle of this program.
 *
 * The file read is parquet-testing's alltypes_plain.parquet
 * ($QV_PARQUET_TESTING, else ../../../shared/parquet-testing from the build
 * directory where ctest runs examples); without it the program says so and
 * exits 0. */
#include <stdio.h>
#include <stdlib.h>

#include "quiver/quiver.h"

static int run(const char *path) {
  qv_error err;
  qv_parquet_file *file = NULL;
  if (qv_parquet_open_path(path, NULL, &file, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  printf("%lld rows in %d row groups, written by %s\n", (long long)qv_parquet_file_num_rows(file),
         qv_parquet_file_num_row_groups(file), qv_parquet_file_created_by(file));
  for (int32_t rg = 0; rg < qv_parquet_file_num_row_groups(file); rg++) {
    qv_batch *batch = NULL;
    if (qv_parquet_file_read_row_group(file, rg, NULL, 0, &batch, &err) != QV_OK) {
      fprintf(stderr, "%s\n", err.message);
      qv_parquet_file_close(file);
      return 1;
    }
    printf("row group %d: %lld rows\n", rg, (long long)batch->length);
    qv_batch_release(batch);
  }
  const int32_t columns[] = {0, 9}; /* id, string_col */
  qv_table *table = NULL;
  if (qv_parquet_file_read_table(file, NULL, 0, columns, 2, &table, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    qv_parquet_file_close(file);
    return 1;
  }
  qv_print_options opts = qv_print_options_default();
  qv_table_print(stdout, table, &opts, &err);
  qv_table_release(table);
  qv_parquet_file_close(file);
  return 0;
}

int main(void) {
  const char *root = getenv("QV_PARQUET_TESTING");
  char path[4096];
  snprintf(path, sizeof path, "%s/data/alltypes_plain.parquet", root ? root : "../../../shared/parquet-testing");
  FILE *probe = fopen(path, "rb");
  if (probe == NULL) {
    printf("parquet-testing not found (%s): nothing to read\n", path);
    return 0;
  }
  fclose(probe);
  return run(path);
}
