/* Importing data from another library through the Arrow C Data Interface:
 * here the "other library" is quiver itself (export, then import), which is
 * exactly what a producer such as pyarrow or DuckDB hands over. The import
 * is zero-copy: the imported array's buffers are the producer's memory, and
 * the producer's release callback runs once, when the last reference goes. */
#include <stdio.h>
#include <quiver/quiver.h>

int main(void) {
  qv_error err;
  qv_builder *b;
  qv_array *original, *imported;
  qv_builder_new(qv_type_int64(), NULL, &b, &err);
  for (int64_t i = 1; i <= 4; i++) qv_builder_append_int64(b, i * i);
  qv_builder_finish(b, &original, &err);
  qv_builder_free(b);

  struct ArrowSchema schema; /* what a producer hands over */
  struct ArrowArray array;
  qv_type_export(original->type, &schema, &err);
  qv_array_export(original, &array, &err);

  qv_type *type;
  if (qv_type_import(&schema, &type, &err) != QV_OK || qv_array_import(&array, type, &imported, &err) != QV_OK) {
    fprintf(stderr, "import failed: %s\n", err.message);
    return 1;
  }
  printf("same memory: %s, equal: %s, last value %lld\n",
         qv_array_buffer_data(imported, 1) == qv_array_buffer_data(original, 1) ? "yes" : "no",
         qv_array_equals(imported, original) ? "yes" : "no", (long long)qv_array_int64_value(imported, 3));
  int ok = qv_array_equals(imported, original) && qv_array_buffer_data(imported, 1) == qv_array_buffer_data(original, 1);
  qv_array_release(imported);
  qv_type_release(type);
  qv_array_release(original);
  return ok ? 0 : 1;
}
