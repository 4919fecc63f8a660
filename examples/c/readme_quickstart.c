/* The README's "Using the library" example, built and run by make test so
 * the README cannot drift from the API: build a two-column table, write it
 * as an Arrow IPC file, read it back and print it. */
#include <stdio.h>
#include <quiver/quiver.h>

int main(void) {
  qv_error err;
  qv_builder *b;
  qv_array *columns[2];
  qv_builder_new(qv_type_string(), NULL, &b, &err);
  qv_builder_append_string(b, "ada", -1);
  qv_builder_append_null(b);
  qv_builder_finish(b, &columns[0], &err); /* ["ada", null] */
  qv_builder_free(b);
  qv_builder_new(qv_type_float64(), NULL, &b, &err);
  qv_builder_append_float64(b, 9.5);
  qv_builder_append_float64(b, 7.0);
  qv_builder_finish(b, &columns[1], &err); /* [9.5, 7] */
  qv_builder_free(b);

  qv_field *fields[2];
  qv_field_new("name", qv_type_string(), true, NULL, &fields[0], &err);
  qv_field_new("score", qv_type_float64(), true, NULL, &fields[1], &err);
  qv_schema *schema;
  qv_schema_new(fields, 2, NULL, &schema, &err);
  qv_batch *batch;
  qv_table *table;
  qv_batch_new(schema, -1, columns, NULL, &batch, &err);
  qv_table_new(schema, &batch, 1, &table, &err);

  if (qv_ipc_write_path("people.arrow", QV_IPC_FORMAT_FILE, table, NULL, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  qv_table *back;
  if (qv_ipc_read_path("people.arrow", NULL, &back, &err) != QV_OK) {
    fprintf(stderr, "%s\n", err.message); /* what failed and where */
    return 1;
  }
  qv_table_print(stdout, back, NULL, &err);

  qv_table_release(back);
  qv_table_release(table);
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int i = 0; i < 2; i++) {
    qv_field_release(fields[i]);
    qv_array_release(columns[i]);
  }
  return 0;
}
