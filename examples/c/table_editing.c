/* Building a table from arrays, looking a column up by name and editing
 * columns; every result shares the input's buffers (nothing is copied). */
#include <stdio.h>
#include <quiver/quiver.h>

static qv_array *int64_column(const int64_t *values, int64_t n) {
  qv_builder *b;
  qv_array *out = NULL;
  if (qv_builder_new(qv_type_int64(), NULL, &b, NULL) != QV_OK) return NULL;
  qv_builder_append_values(b, values, n, NULL, NULL);
  qv_builder_finish(b, &out, NULL);
  qv_builder_free(b);
  return out;
}

int main(void) {
  qv_error err;
  const int64_t ids[] = {1, 2, 3}, scratch[] = {0, 0, 0};
  qv_array *cols[] = {int64_column(ids, 3), int64_column(scratch, 3)};
  const char *names[] = {"id", "tmp"};
  qv_table *table, *clean;
  if (qv_table_from_arrays(names, cols, 2, &table, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  const char *drop[] = {"tmp"};
  if (qv_table_drop_columns(table, drop, 1, &clean, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  qv_chunked_array *id;
  if (qv_table_column_by_name(clean, "id", &id, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  int64_t sum = 0;
  for (int64_t c = 0; c < id->n_chunks; c++)
    for (int64_t i = 0; i < id->chunks[c]->length; i++) sum += qv_array_int64_value(id->chunks[c], i);
  printf("%d column(s), %lld rows, sum of id = %lld\n", clean->schema->n_fields, (long long)clean->n_rows,
         (long long)sum);
  qv_chunked_array_release(id);
  qv_table_release(clean);
  qv_table_release(table);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  return sum == 6 ? 0 : 1;
}
