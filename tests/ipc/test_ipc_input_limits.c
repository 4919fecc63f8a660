/* Reader behaviour on inputs that are hostile by size or by nature rather
 * than by structure:
 *   - foreign formats (Parquet, Feather v1, gzip, CSV/text) are named in
 *     the error, not reported as an absurd metadata length;
 *   - the reader-wide cap on decompressed bytes
 *     (qv_ipc_read_options.max_total_decompressed_size);
 *   - a stream that ends at a message boundary without EOS is readable
 *     and says so (qv_ipc_stream_reader_eos_missing);
 *   - the JSON reader's input cap (qv_json_read_options.max_input_size),
 *     for text, gzip and paths;
 *   - JSON written to a path is atomic (the old file survives a failure).
 */
#include "ipc_test_util.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "quiver/atomic_file.h"
#include "quiver/json.h"

/* A one-column int32 table of `batches` batches of `rows` values
 * (tu_table's: a counting sequence, compressible). */
static qv_table *int_table(int batches, int64_t rows) {
  qv_field *f = tu_field("z", qv_type_int32(), false);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_field_release(f);
  int64_t lengths[16];
  for (int i = 0; i < batches; i++) lengths[i] = rows;
  qv_table *t = tu_table(s, lengths, batches, false);
  qv_schema_release(s);
  return t;
}

static qv_buffer *bytes_buffer(const void *p, size_t n) {
  qv_buffer *b = NULL;
  OK(qv_buffer_allocate(NULL, (int64_t)n, false, &b, err));
  memcpy(b->data, p, n);
  return b;
}

static void expect_foreign(const char *bytes, size_t n, const char *name) {
  qv_buffer *buf = bytes_buffer(bytes, n);
  qv_table *t = NULL;
  qv_error e;
  memset(&e, 0, sizeof e);
  assert_int_equal(qv_ipc_read_buffer(buf, NULL, &t, &e), QV_ERR_INVALID_DATA);
  if (strstr(e.message, name) == NULL || strstr(e.message, "not Arrow IPC") == NULL)
    fail_msg("expected '%s' in: %s", name, e.message);
  /* The push decoder says the same, fed byte by byte. */
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  qv_status st = QV_OK;
  for (size_t i = 0; i < n && st == QV_OK; i++) st = qv_ipc_decoder_feed(d, bytes + i, 1, &e);
  if (st == QV_OK) st = qv_ipc_decoder_finish(d, &e);
  assert_int_equal(st, QV_ERR_INVALID_DATA);
  if (strstr(e.message, name) == NULL) fail_msg("decoder: expected '%s' in: %s", name, e.message);
  qv_ipc_decoder_free(d);
  qv_buffer_release(buf);
}

static void test_foreign_formats_are_named(void **state) {
  (void)state;
  static const char parquet[] = "PAR1\x15\x04\x15\x10\x15\x14L\x15\x02\x15\x00\x00\x00" "PAR1";
  static const char feather1[] = "FEA1\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00" "FEA1";
  static const char gzip[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c\x4a\x06\x00";
  static const char csv[] = "a,b\n1,2\n3,4\n";
  expect_foreign(parquet, sizeof parquet - 1, "a Parquet file");
  expect_foreign(feather1, sizeof feather1 - 1, "a Feather v1 file");
  expect_foreign(gzip, sizeof gzip - 1, "gzip-compressed data");
  expect_foreign(csv, sizeof csv - 1, "text (CSV");
  assert_string_equal(qv_ipc_foreign_format("PAR1", 4), "a Parquet file");
  assert_null(qv_ipc_foreign_format("\xff\xff\xff\xff\x10\x00\x00\x00", 8)); /* an IPC stream */
  assert_null(qv_ipc_foreign_format("ARROW1\0\0", 8));
  /* A real legacy-framed stream is not taken for a foreign format. */
  qv_table *t = int_table(1, 10);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.legacy_framing = true;
  qv_buffer *legacy = NULL;
  OK(qv_ipc_write_stream_buffer(t, &wo, &legacy, err));
  assert_null(qv_ipc_foreign_format(legacy->data, 8));
  qv_table *back = NULL;
  OK(qv_ipc_read_buffer(legacy, NULL, &back, err));
  tu_assert_tables_equal(t, back, "legacy");
  qv_table_release(back);
  qv_buffer_release(legacy);
  qv_table_release(t);
}

/* Reads every batch; returns the status of the first failure. */
static qv_status read_stream(qv_buffer *buf, const qv_ipc_read_options *o, int64_t *rows, qv_error *e) {
  qv_ipc_stream_reader *r = NULL;
  *rows = 0;
  qv_status st = qv_ipc_stream_reader_open_buffer(buf, o, &r, e);
  while (st == QV_OK) {
    qv_batch *b = NULL;
    st = qv_ipc_stream_reader_next(r, &b, e);
    if (b == NULL) break;
    *rows += b->length;
    qv_batch_release(b);
  }
  qv_ipc_stream_reader_free(r);
  return st;
}

static void test_total_decompressed_cap(void **state) {
  (void)state;
  /* 4 batches of 64 Ki int32: 256 KiB decompressed each. */
  qv_table *t = int_table(4, 65536);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.compression = QV_IPC_COMPRESSION_ZSTD;
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, &wo, &buf, err));
  assert_true(buf->size < 4 * 65536 * 4); /* compressed */
  int64_t rows = 0;
  qv_error e;
  memset(&e, 0, sizeof e);
  /* Default: no limit reached. */
  OK(read_stream(buf, NULL, &rows, err));
  assert_int_equal(rows, 4 * 65536);
  /* A total cap of 600 KiB lets two batches through, not the third; the
   * per-message cap alone (1 MiB) would let all through. */
  qv_ipc_read_options o = QV_IPC_READ_OPTIONS_DEFAULT;
  o.max_decompressed_size = 1 << 20;
  o.max_total_decompressed_size = 600 * 1024;
  assert_int_equal(read_stream(buf, &o, &rows, &e), QV_ERR_LIMIT);
  assert_int_equal(rows, 2 * 65536);
  if (strstr(e.message, "max_total_decompressed_size") == NULL) fail_msg("message: %s", e.message);
  /* The file reader shares the budget across batches too. */
  qv_buffer *file = NULL;
  OK(qv_ipc_write_file_buffer(t, &wo, &file, err));
  qv_ipc_file_reader *fr = NULL;
  OK(qv_ipc_file_reader_open_buffer(file, &o, &fr, err));
  qv_batch *b = NULL;
  for (int i = 0; i < 2; i++) {
    OK(qv_ipc_file_reader_read_batch(fr, i, &b, err));
    qv_batch_release(b);
  }
  assert_int_equal(qv_ipc_file_reader_read_batch(fr, 2, &b, &e), QV_ERR_LIMIT);
  qv_ipc_file_reader_free(fr);
  /* Negative: no total cap. */
  o.max_total_decompressed_size = -1;
  OK(read_stream(buf, &o, &rows, err));
  assert_int_equal(rows, 4 * 65536);
  qv_buffer_release(file);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static void test_eos_missing_is_reported(void **state) {
  (void)state;
  qv_table *t = int_table(2, 100);
  qv_buffer *full = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &full, err));
  for (int cut = 0; cut < 2; cut++) {
    qv_buffer *buf = NULL;
    OK(qv_buffer_view(full, 0, full->size - (cut ? 8 : 0), &buf, err));
    qv_ipc_stream_reader *r = NULL;
    OK(qv_ipc_stream_reader_open_buffer(buf, NULL, &r, err));
    int64_t rows = 0;
    for (;;) {
      qv_batch *b = NULL;
      assert_false(qv_ipc_stream_reader_eos_missing(r)); /* not at the end yet */
      OK(qv_ipc_stream_reader_next(r, &b, err));
      if (b == NULL) break;
      rows += b->length;
      qv_batch_release(b);
    }
    assert_int_equal(rows, 200);
    assert_int_equal(qv_ipc_stream_reader_eos_missing(r), cut == 1);
    assert_int_equal(qv_ipc_stream_reader_position(r), buf->size);
    qv_ipc_stream_reader_free(r);
    qv_buffer_release(buf);
  }
  qv_buffer_release(full);
  qv_table_release(t);
}

static void test_json_input_cap(void **state) {
  (void)state;
  qv_table *t = int_table(1, 1000);
  char *text = NULL;
  size_t n = 0;
  OK(qv_json_write_table_memory(t, NULL, &text, &n, err));
  qv_json_write_options gz = QV_JSON_WRITE_OPTIONS_DEFAULT;
  gz.gzip = true;
  char *packed = NULL;
  size_t pn = 0;
  OK(qv_json_write_table_memory(t, &gz, &packed, &pn, err));
  assert_true(pn < n / 4);
  qv_json_read_options o = QV_JSON_READ_OPTIONS_DEFAULT;
  qv_table *back = NULL;
  qv_error e;
  OK(qv_json_read_table_memory_opts(text, n, &o, &back, err)); /* default cap */
  qv_table_release(back);
  o.max_input_size = (int64_t)n - 1;
  assert_int_equal(qv_json_read_table_memory_opts(text, n, &o, &back, &e), QV_ERR_LIMIT);
  if (strstr(e.message, "max_input_size") == NULL) fail_msg("message: %s", e.message);
  /* gzip: the small compressed input is over the cap once inflated. */
  o.max_input_size = (int64_t)pn * 2;
  assert_int_equal(qv_json_read_table_memory_opts(packed, pn, &o, &back, &e), QV_ERR_LIMIT);
  if (strstr(e.message, "inflates to more than") == NULL) fail_msg("message: %s", e.message);
  o.max_input_size = (int64_t)n;
  OK(qv_json_read_table_memory_opts(packed, pn, &o, &back, err));
  qv_table_release(back);
  /* A path. */
  char path[] = "/tmp/qv-json-cap-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, n), (ssize_t)n);
  close(fd);
  o.max_input_size = 100;
  assert_int_equal(qv_json_read_table_path_opts(path, &o, &back, &e), QV_ERR_LIMIT);
  if (strstr(e.message, path) == NULL) fail_msg("message: %s", e.message);
  OK(qv_json_read_table_path_opts(path, NULL, &back, err));
  tu_assert_tables_equal(t, back, "json path");
  qv_table_release(back);
  unlink(path);
  qv_json_free(packed);
  qv_json_free(text);
  qv_table_release(t);
}

static void test_json_path_write_is_atomic(void **state) {
  (void)state;
  char dir[] = "/tmp/qv-json-atomic-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/t.json", dir);
  qv_table *t = int_table(1, 10);
  OK(qv_json_write_table_path(path, t, NULL, err));
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  const off_t before = sb.st_size;
  /* A write that fails half-way: with RLIMIT_FSIZE below the new text's
   * size (SIGXFSZ ignored, so write() fails with EFBIG), as a full disk
   * would. The old file must stay whole and no temporary may remain. */
  qv_table *bigger = int_table(2, 5000);
  struct rlimit old_limit, small;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  small = old_limit;
  small.rlim_cur = (rlim_t)before + 100;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  qv_error e;
  qv_status st = qv_json_write_table_path(path, bigger, NULL, &e);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
  signal(SIGXFSZ, old_handler);
  assert_int_equal(st, QV_ERR_IO);
  if (strstr(e.message, "EFBIG") == NULL) fail_msg("message: %s", e.message);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, before);
  qv_table *back = NULL;
  OK(qv_json_read_table_path(path, &back, err));
  tu_assert_tables_equal(t, back, "json after a failed rewrite");
  qv_table_release(back);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = t.json", dir);
  assert_int_equal(system(cmd), 0);
  /* The write goes through a temporary that is renamed: no other name is
   * left in the directory, and the destination holds the new table. */
  OK(qv_json_write_table_path(path, bigger, NULL, err));
  OK(qv_json_read_table_path(path, &back, err));
  tu_assert_tables_equal(bigger, back, "json rewrite");
  qv_table_release(back);
  snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = t.json", dir);
  assert_int_equal(system(cmd), 0);
  qv_atomic_files_discard(); /* nothing open: a no-op */
  assert_int_equal(stat(path, &sb), 0);
  unlink(path);
  rmdir(dir);
  qv_table_release(bigger);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_foreign_formats_are_named),
      cmocka_unit_test(test_total_decompressed_cap),
      cmocka_unit_test(test_eos_missing_is_reported),
      cmocka_unit_test(test_json_input_cap),
      cmocka_unit_test(test_json_path_write_is_atomic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
