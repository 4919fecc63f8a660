/* Builds a small array through the installed headers and library. */
#include <quiver/quiver.h>
#include <stdio.h>

int main(void) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_error err;
  if (qv_builder_new(qv_type_int32(), NULL, &b, &err) != QV_OK) return 1;
  qv_builder_append_int32(b, 7);
  qv_builder_append_null(b);
  if (qv_builder_finish(b, &a, &err) != QV_OK) return 1;
  char *text = NULL;
  if (qv_array_to_string(a, NULL, &text, &err) != QV_OK) return 1;
  puts(text);
  qv_free_string(text);
  qv_array_release(a);
  qv_builder_free(b);
  return 0;
}
