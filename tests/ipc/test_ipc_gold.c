/* Every arrow-testing gold file (data/arrow-ipc-stream/integration/<dir>/
 * generated_*.stream and .arrow_file) decodes without error, through the
 * one-call readers, the stream reader fed by an fd and the file reader's
 * random access; the stream and file of a case hold the same table; and
 * re-written by quiver (stream and file, uncompressed, LZ4 and ZSTD) each
 * reads back equal. Comparing against the .json.gz files is the
 * integration JSON reader's test, not this one.
 *
 * The data is located through QV_ARROW_TESTING (default
 * ../shared/arrow-testing); missing, the test fails.
 */
#include "ipc_test_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

static int g_cases;

static void rewrite_and_compare(const qv_table *t, const char *path) {
  for (int fmt = 0; fmt < 2; fmt++)
    for (int c = 0; c < 3; c++) {
      qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
      o.compression = (qv_ipc_compression)c;
      o.alignment = c == 1 ? 8 : 64;
      qv_buffer *buf = NULL;
      qv_error e;
      if (qv_ipc_write_buffer((qv_ipc_format)fmt, t, &o, &buf, &e) != QV_OK)
        fail_msg("%s: rewrite (format %d, compression %d): %s", path, fmt, c, e.message);
      qv_table *back = NULL;
      if (qv_ipc_read_buffer(buf, NULL, &back, &e) != QV_OK)
        fail_msg("%s: read back (format %d, compression %d): %s", path, fmt, c, e.message);
      char what[4200];
      snprintf(what, sizeof what, "%s rewritten (format %d, compression %d)", path, fmt, c);
      tu_assert_tables_equal(t, back, what);
      qv_table_release(back);
      qv_buffer_release(buf);
    }
}

static qv_table *read_stream_via_fd(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail_msg("cannot open %s", path);
  qv_table *t = NULL;
  qv_error e;
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.require_eos = true;
  if (qv_ipc_read_stream_fd(fd, &ro, &t, &e) != QV_OK) fail_msg("%s (incremental fd): %s", path, e.message);
  close(fd);
  return t;
}

static qv_table *read_file_random_access(const char *path) {
  qv_ipc_file_reader *r = NULL;
  qv_error e;
  if (qv_ipc_file_reader_open_path(path, NULL, &r, &e) != QV_OK) fail_msg("%s: %s", path, e.message);
  int64_t n = qv_ipc_file_reader_num_batches(r);
  qv_batch **bs = (qv_batch **)calloc((size_t)(n ? n : 1), sizeof *bs);
  for (int64_t i = n - 1; i >= 0; i--) /* backwards: order must not matter */
    if (qv_ipc_file_reader_read_batch(r, i, &bs[i], &e) != QV_OK) fail_msg("%s batch %lld: %s", path, (long long)i, e.message);
  qv_table *t = NULL;
  OK(qv_table_new(qv_ipc_file_reader_schema(r), bs, n, &t, err));
  for (int64_t i = 0; i < n; i++) qv_batch_release(bs[i]);
  free(bs);
  qv_ipc_file_reader_free(r);
  return t;
}

static void check_case(const char *dir, const char *stem) {
  char spath[4096], fpath[4096];
  snprintf(spath, sizeof spath, "%s/%s.stream", dir, stem);
  snprintf(fpath, sizeof fpath, "%s/%s.arrow_file", dir, stem);
  qv_error e;
  qv_table *st = NULL, *ft = NULL;
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.require_eos = true;
  if (qv_ipc_read_stream_path(spath, &ro, &st, &e) != QV_OK) fail_msg("%s: %s", spath, e.message);
  if (qv_ipc_read_file_path(fpath, NULL, &ft, &e) != QV_OK) fail_msg("%s: %s", fpath, e.message);
  qv_table *viafd = read_stream_via_fd(spath);
  tu_assert_tables_equal(st, viafd, spath);
  qv_table_release(viafd);
  qv_table *random = read_file_random_access(fpath);
  tu_assert_tables_equal(ft, random, fpath);
  qv_table_release(random);
  /* The stream and the file of a case hold the same data; in the
   * map_non_canonical cases the gold .stream itself carries canonical map
   * field names (its bytes say "entries"), so only the rows are compared. */
  if (strstr(stem, "map_non_canonical") == NULL) {
    tu_assert_tables_equal(st, ft, spath);
  } else {
    assert_int_equal(st->n_rows, ft->n_rows);
    assert_int_equal(st->n_batches, ft->n_batches);
  }
  rewrite_and_compare(st, spath);
  rewrite_and_compare(ft, fpath);
  qv_table_release(st);
  qv_table_release(ft);
  g_cases++;
}

static void test_gold_files(void **state) {
  (void)state;
  const char *root = tu_arrow_testing();
  char base[1024];
  snprintf(base, sizeof base, "%s/data/arrow-ipc-stream/integration", root);
  DIR *top = opendir(base);
  if (top == NULL) fail_msg("cannot open %s", base);
  struct dirent *de;
  int dirs = 0;
  while ((de = readdir(top)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char dir[1400];
    snprintf(dir, sizeof dir, "%s/%s", base, de->d_name);
    DIR *d = opendir(dir);
    if (d == NULL) continue;
    dirs++;
    struct dirent *fe;
    while ((fe = readdir(d)) != NULL) {
      size_t n = strlen(fe->d_name);
      if (n < 8 || strcmp(fe->d_name + n - 7, ".stream") != 0) continue;
      char stem[512];
      snprintf(stem, sizeof stem, "%.*s", (int)(n - 7), fe->d_name);
      check_case(dir, stem);
    }
    closedir(d);
  }
  closedir(top);
  assert_true(dirs >= 5);
  assert_true(g_cases >= 60);
}

/* Spot checks of decoded values (independent of the JSON reader). */
static void test_gold_values(void **state) {
  (void)state;
  const char *root = tu_arrow_testing();
  char path[1024];
  qv_error e;
  qv_table *t = NULL;
  /* big-endian input is byte-swapped: f5 is interval months, row 2 = 35900 */
  snprintf(path, sizeof path, "%s/data/arrow-ipc-stream/integration/1.0.0-bigendian/generated_interval.stream", root);
  if (qv_ipc_read_path(path, NULL, &t, &e) != QV_OK) fail_msg("%s", e.message);
  qv_array *f5 = qv_batch_column_by_name(t->batches[0], "f5");
  assert_non_null(f5);
  assert_true(qv_array_is_valid(f5, 2));
  assert_int_equal(qv_array_int32_value(f5, 2), 35900);
  qv_array *f1 = qv_batch_column_by_name(t->batches[0], "f1");
  assert_int_equal(qv_array_int64_value(f1, 2), 2199428923299600048LL);
  qv_table_release(t);
  /* the same case written little-endian by Arrow C++ decodes the same way */
  snprintf(path, sizeof path, "%s/data/arrow-ipc-stream/integration/1.0.0-bigendian/generated_decimal.stream", root);
  if (qv_ipc_read_path(path, NULL, &t, &e) != QV_OK) fail_msg("%s", e.message);
  assert_true(t->n_batches > 1);
  qv_table_release(t);
  /* compressed gold files, including buffers stored raw behind a -1 prefix */
  const char *comp[] = {"generated_lz4", "generated_zstd", "generated_uncompressible_lz4",
                        "generated_uncompressible_zstd"};
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s/data/arrow-ipc-stream/integration/2.0.0-compression/%s.stream", root, comp[i]);
    if (qv_ipc_read_path(path, NULL, &t, &e) != QV_OK) fail_msg("%s", e.message);
    assert_true(t->n_rows > 0);
    qv_table_release(t);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gold_files),
      cmocka_unit_test(test_gold_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
