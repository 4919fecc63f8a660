/* Writing a Parquet file: a small table written with ZSTD to a path (atomic:
 * a temporary file renamed into place), then the same table to memory, and
 * a check that both hold the Parquet frame ("PAR1" at both ends). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <quiver/quiver.h>

int main(void) {
  qv_error err;
  qv_builder *b;
  qv_array *col;
  qv_builder_new(qv_type_string(), NULL, &b, &err);
  qv_builder_append_string(b, "alpha", -1);
  qv_builder_append_null(b);
  qv_builder_append_string(b, "gamma", -1);
  qv_builder_finish(b, &col, &err);
  qv_builder_free(b);
  const char *names[] = {"word"};
  qv_table *table;
  if (qv_table_from_arrays(names, &col, 1, &table, &err) != QV_OK) return 1;

  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.compression = QV_PARQUET_ZSTD;
  qv_status st = qv_parquet_write_path("out.parquet", table, &o, &err);
  if (st != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }

  uint8_t *data = NULL;
  int64_t len = 0;
  if (qv_parquet_write_memory(table, &o, &data, &len, &err) != QV_OK) return 1;
  int ok = len > 8 && memcmp(data, "PAR1", 4) == 0 && memcmp(data + len - 4, "PAR1", 4) == 0;
  printf("wrote out.parquet and %lld bytes in memory: %s\n", (long long)len, ok ? "PAR1 ... PAR1" : "bad frame");
  free(data);
  qv_table_release(table);
  qv_array_release(col);
  remove("out.parquet");
  return ok ? 0 : 1;
}
