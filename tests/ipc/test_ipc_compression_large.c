/* Compressed IPC with bodies large enough (> QV_CODEC_MT_MIN) that the
 * writer compresses buffers on two threads and the reader decodes a
 * message's buffers ahead on two threads: round trips for both codecs equal
 * the source, output is deterministic (two writes give identical bytes), a
 * mostly incompressible buffer goes through the LZ4 sample test, and a
 * decompression budget smaller than the message fails cleanly. Also run by
 * `make test-tsan`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "quiver/quiver.h"

#define ROWS 300000

static uint64_t next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Columns: compressible int64 (small range), random strings
 * (incompressible for LZ4), repetitive strings, float64 with nulls. */
static qv_table *make_table(void) {
  qv_builder *b[4];
  qv_type *types[4] = {qv_type_int64(), qv_type_string(), qv_type_string(), qv_type_float64()};
  const char *names[4] = {"ids", "noise", "words", "x"};
  for (int c = 0; c < 4; c++) assert_int_equal(qv_builder_new(types[c], NULL, &b[c], NULL), QV_OK);
  uint64_t s = 12345;
  char buf[16];
  static const char *words[4] = {"alpha", "beta", "gamma", "delta"};
  for (int64_t i = 0; i < ROWS; i++) {
    assert_int_equal(qv_builder_append_int64(b[0], (int64_t)(i % 1000)), QV_OK);
    uint64_t r = next(&s);
    for (int k = 0; k < 12; k++) buf[k] = (char)('!' + (int)((r >> (k * 5)) % 90));
    assert_int_equal(qv_builder_append_string(b[1], buf, 12), QV_OK);
    assert_int_equal(qv_builder_append_string(b[2], words[i & 3], -1), QV_OK);
    if (i % 7 == 0) assert_int_equal(qv_builder_append_null(b[3]), QV_OK);
    else assert_int_equal(qv_builder_append_float64(b[3], (double)i * 0.5), QV_OK);
  }
  qv_array *cols[4];
  qv_field *fields[4];
  for (int c = 0; c < 4; c++) {
    assert_int_equal(qv_builder_finish(b[c], &cols[c], NULL), QV_OK);
    assert_int_equal(qv_field_new(names[c], types[c], true, NULL, &fields[c], NULL), QV_OK);
    qv_builder_free(b[c]);
  }
  qv_schema *schema;
  qv_batch *batch;
  qv_table *t;
  assert_int_equal(qv_schema_new(fields, 4, NULL, &schema, NULL), QV_OK);
  assert_int_equal(qv_batch_new(schema, ROWS, cols, NULL, &batch, NULL), QV_OK);
  assert_int_equal(qv_table_new(schema, &batch, 1, &t, NULL), QV_OK);
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int c = 0; c < 4; c++) {
    qv_array_release(cols[c]);
    qv_field_release(fields[c]);
  }
  return t;
}

static void roundtrip(qv_ipc_compression codec) {
  qv_table *t = make_table();
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.compression = codec;
  qv_error err;
  qv_buffer *one = NULL, *two = NULL;
  assert_int_equal(qv_ipc_write_stream_buffer(t, &o, &one, &err), QV_OK);
  assert_int_equal(qv_ipc_write_stream_buffer(t, &o, &two, &err), QV_OK);
  assert_int_equal(one->size, two->size);
  assert_memory_equal(one->data, two->data, (size_t)one->size); /* deterministic */
  qv_table *back = NULL;
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.full_validation = true;
  if (qv_ipc_read_stream_buffer(one, &ro, &back, &err) != QV_OK) fail_msg("%s", err.message);
  if (qv_table_diff(t, back, NULL, &err) != QV_OK) fail_msg("%s", err.message);
  qv_table_release(back);

  /* A budget smaller than what one message decompresses to is refused. */
  ro.max_decompressed_size = 1 << 20;
  back = NULL;
  qv_status st = qv_ipc_read_stream_buffer(one, &ro, &back, &err);
  assert_int_equal(st, QV_ERR_LIMIT);
  assert_null(back);
  qv_buffer_release(one);
  qv_buffer_release(two);
  qv_table_release(t);
}

static void lz4_large_roundtrip(void **state) {
  (void)state;
  roundtrip(QV_IPC_COMPRESSION_LZ4_FRAME);
}
static void zstd_large_roundtrip(void **state) {
  (void)state;
  roundtrip(QV_IPC_COMPRESSION_ZSTD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lz4_large_roundtrip),
      cmocka_unit_test(zstd_large_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
