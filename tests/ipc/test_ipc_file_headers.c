/* The file reader over a path preads message headers instead of reading
 * them through the mapping (file_reader.c): a file of many small batches
 * read batch by batch leaves the mapping's pages alone (flat RSS), reads
 * the same batches as the buffer reader, and still rejects a corrupt
 * header. */
#include "ipc_test_util.h"

#include <unistd.h>

#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"

#define SMALL_BATCHES 4000
#define SMALL_ROWS 512 /* 4 KiB of int64 per batch: one page each */

/* A field of /proc/self/status in KiB, -1 if absent. */
static long status_kib(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

/* Writes SMALL_BATCHES batches of one int64 column to path; returns the file size. */
static int64_t write_small_batches(const char *path) {
  qv_error e;
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_int64(), NULL, &b, err));
  for (int64_t i = 0; i < SMALL_ROWS; i++) OK(qv_builder_append_int64(b, i));
  qv_array *col = NULL;
  OK(qv_builder_finish(b, &col, err));
  qv_builder_free(b);
  qv_field *f = tu_field("x", qv_type_int64(), false);
  qv_schema *s = NULL;
  qv_batch *batch = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  OK(qv_batch_new(s, SMALL_ROWS, &col, NULL, &batch, err));
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_path(path, QV_IPC_FORMAT_FILE, s, NULL, &w, err));
  for (int i = 0; i < SMALL_BATCHES; i++) OK(qv_ipc_writer_write_batch(w, batch, err));
  OK(qv_ipc_writer_close(w, err));
  int64_t size = qv_ipc_writer_position(w);
  qv_ipc_writer_free(w);
  qv_batch_release(batch);
  qv_schema_release(s);
  qv_field_release(f);
  qv_array_release(col);
  (void)e;
  return size;
}

/* Before headers were preaded, each header read faulted its page in with
 * fault-around, and every page of this file (just written, so in the page
 * cache) became resident: RssFile grew by about the file's size. */
static void test_many_small_batches_leave_the_mapping_alone(void **state) {
  (void)state;
  if (status_kib("RssFile") < 0) skip();
  char path[64];
  snprintf(path, sizeof path, "/tmp/qv-headers-%ld.arrow", (long)getpid());
  int64_t size = write_small_batches(path);
  long before = status_kib("RssFile");
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_path(path, NULL, &r, err));
  assert_int_equal(qv_ipc_file_reader_num_batches(r), SMALL_BATCHES);
  int64_t rows = 0;
  for (int64_t i = 0; i < SMALL_BATCHES; i++) {
    qv_batch *b = NULL;
    OK(qv_ipc_file_reader_read_batch(r, i, &b, err));
    rows += b->length;
    qv_batch_release(b);
  }
  long growth_kib = status_kib("RssFile") - before;
  qv_ipc_file_reader_free(r);
  unlink(path);
  assert_int_equal(rows, (int64_t)SMALL_BATCHES * SMALL_ROWS);
  /* The footer (24 bytes per batch) is read through the mapping; nothing else. */
  if (growth_kib * 1024 > size / 8)
    fail_msg("reading %d batches grew RssFile by %ld KiB for a %lld-byte file", SMALL_BATCHES, growth_kib,
             (long long)size);
}

static void test_path_reader_matches_buffer_reader(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {6, 0, 9};
  qv_table *t = tu_table(s, len, 3, true);
  qv_schema_release(s);
  char path[64];
  snprintf(path, sizeof path, "/tmp/qv-headers-eq-%ld.arrow", (long)getpid());
  OK(qv_ipc_write_file_path(path, t, NULL, err));
  qv_table *from_path = NULL, *one_call = NULL;
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_path(path, NULL, &r, err));
  OK(qv_ipc_file_reader_read_all(r, &from_path, err));
  qv_ipc_file_reader_free(r);
  OK(qv_ipc_read_file_path(path, NULL, &one_call, err));
  unlink(path);
  tu_assert_tables_equal(t, from_path, "file reader over a path");
  tu_assert_tables_equal(t, one_call, "qv_ipc_read_file_path");
  qv_table_release(from_path);
  qv_table_release(one_call);
  qv_table_release(t);
}

/* A header corrupted on disk is rejected from the preaded bytes as it was
 * from the mapped ones. */
static void test_corrupt_header_read_by_pread(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {4};
  qv_table *t = tu_table(s, len, 1, false);
  qv_schema_release(s);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_file_buffer(t, NULL, &buf, err));
  qv_table_release(t);
  int32_t flen = qv_fb_load_i32(buf->data + buf->size - 10);
  qv_ipc_footer f;
  OK(qv__ipc_footer_decode(buf->data + buf->size - 10 - flen, (size_t)flen, &f, err));
  qv_ipc_block b = qv_ipc_footer_record_batch(&f, 0);
  uint8_t *bytes = malloc((size_t)buf->size);
  assert_non_null(bytes);
  memcpy(bytes, buf->data, (size_t)buf->size);
  int64_t at = b.offset + 8;
  memset(bytes + at, 0xEE, (size_t)(b.metadata_length - 8)); /* the Message flatbuffer */
  char path[64];
  snprintf(path, sizeof path, "/tmp/qv-headers-bad-%ld.arrow", (long)getpid());
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(bytes, 1, (size_t)buf->size, fp), (size_t)buf->size);
  fclose(fp);
  free(bytes);
  qv_buffer_release(buf);
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_path(path, NULL, &r, err));
  qv_batch *out = NULL;
  qv_error e;
  assert_int_equal(qv_ipc_file_reader_read_batch(r, 0, &out, &e), QV_ERR_INVALID_DATA);
  assert_null(out);
  assert_non_null(strstr(e.message, "record batch block 0"));
  qv_ipc_file_reader_free(r);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_small_batches_leave_the_mapping_alone),
      cmocka_unit_test(test_path_reader_matches_buffer_reader),
      cmocka_unit_test(test_corrupt_header_read_by_pread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
