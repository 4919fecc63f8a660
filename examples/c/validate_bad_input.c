/* What quiver does with bad input: an IPC stream cut in the middle of a
 * message is an error naming the byte offset, never a crash or a quietly
 * shorter table; an array whose offsets go backwards passes the cheap
 * structural check but is caught by full validation, naming the row. */
#include <stdio.h>
#include <string.h>
#include <quiver/quiver.h>

int main(void) {
  qv_error err;
  int failures = 0;

  /* 1. A stream cut short. */
  qv_builder *b;
  qv_array *col;
  qv_builder_new(qv_type_string(), NULL, &b, &err);
  qv_builder_append_string(b, "alpha", -1);
  qv_builder_append_string(b, "beta", -1);
  qv_builder_finish(b, &col, &err);
  qv_builder_free(b);
  const char *names[] = {"word"};
  qv_table *table, *back = NULL;
  qv_table_from_arrays(names, &col, 1, &table, &err);
  qv_buffer *bytes, *cut;
  qv_ipc_write_stream_buffer(table, NULL, &bytes, &err);
  qv_buffer_copy_from(NULL, bytes->data, bytes->size - 20, &cut, &err);
  if (qv_ipc_read_buffer(cut, NULL, &back, &err) == QV_OK) failures++;
  printf("truncated stream: %s: %s\n", qv_status_name(err.code), err.message);

  /* 2. Offsets that go backwards: [0, 5, 2] over 5 bytes. */
  const int32_t offsets[] = {0, 5, 2};
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_buffer_copy_from(NULL, offsets, sizeof offsets, &bufs[1], &err);
  qv_buffer_copy_from(NULL, "hello", 5, &bufs[2], &err);
  qv_array *bad;
  qv_array_new(qv_type_string(), 2, 0, 0, 3, bufs, 0, NULL, NULL, &bad, &err);
  if (qv_array_validate(bad, QV_VALIDATE_STRUCTURE, &err) != QV_OK) failures++;
  if (qv_array_validate(bad, QV_VALIDATE_FULL, &err) == QV_OK) failures++;
  printf("full validation: %s: %s\n", qv_status_name(err.code), err.message);

  qv_array_release(bad);
  qv_buffer_release(bufs[1]);
  qv_buffer_release(bufs[2]);
  qv_buffer_release(cut);
  qv_buffer_release(bytes);
  qv_table_release(back);
  qv_table_release(table);
  qv_array_release(col);
  return failures == 0 ? 0 : 1;
}
