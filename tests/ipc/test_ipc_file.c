/* The file format: layout (magic, stream with EOS, footer, length, magic),
 * random access, lifetime of mapped batches, BAD_INPUTS 34-36 (small files,
 * missing magic, bad footer length, blocks out of range or pointing into
 * the middle of a message, truncated files and their recovery through the
 * stream reader), and the writer's failure behaviour: atomic paths, sticky
 * errors (no EOS or footer after a failed write), EPIPE without a signal. */
#include "ipc_test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/flatbuf/fb_builder.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"

static qv_table *small_table(void) {
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {6, 3};
  qv_table *t = tu_table(s, len, 2, true);
  qv_schema_release(s);
  return t;
}

static qv_buffer *file_bytes(const qv_table *t) {
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_file_buffer(t, NULL, &buf, err));
  return buf;
}

static void test_layout(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_buffer *buf = file_bytes(t);
  assert_memory_equal(buf->data, "ARROW1\0\0", 8);
  assert_memory_equal(buf->data + buf->size - 6, "ARROW1", 6);
  int32_t flen = qv_fb_load_i32(buf->data + buf->size - 10);
  int64_t fstart = buf->size - 10 - flen;
  assert_true(flen > 0 && fstart > 8);
  assert_memory_equal(buf->data + fstart - 8, "\xff\xff\xff\xff\0\0\0\0", 8); /* EOS before the footer */
  qv_ipc_footer f;
  OK(qv__ipc_footer_decode(buf->data + fstart, (size_t)flen, &f, err));
  assert_int_equal(f.n_record_batches, 2);
  assert_true(f.n_dictionaries >= 3);
  for (uint32_t i = 0; i < f.n_record_batches; i++) {
    qv_ipc_block b = qv_ipc_footer_record_batch(&f, i);
    assert_int_equal(qv_fb_load_u32(buf->data + b.offset), 0xFFFFFFFFu); /* at the marker */
    assert_int_equal(qv_fb_load_i32(buf->data + b.offset + 4) + 8, b.metadata_length);
    assert_int_equal(b.metadata_length % 8, 0);
    assert_int_equal(b.body_length % 8, 0);
  }
  qv_buffer_release(buf);
  qv_table_release(t);
}

static void test_batches_outlive_reader_and_mapping(void **state) {
  (void)state;
  qv_table *t = small_table();
  char path[256];
  snprintf(path, sizeof path, "/tmp/qv-file-%ld.arrow", (long)getpid());
  OK(qv_ipc_write_file_path(path, t, NULL, err));
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_path(path, NULL, &r, err));
  qv_batch *b = NULL;
  OK(qv_ipc_file_reader_read_batch(r, 1, &b, err));
  qv_ipc_file_reader_free(r);
  unlink(path); /* the mapping stays valid */
  assert_true(qv_batch_equals(b, t->batches[1]));
  qv_batch_release(b);
  qv_table_release(t);
}

/* Rewrites the footer of a valid file with the given blocks. */
static qv_buffer *with_footer(const qv_buffer *file, const qv_schema *s, const qv_ipc_block *dicts, uint32_t nd,
                              const qv_ipc_block *batches, uint32_t nb) {
  int32_t flen = qv_fb_load_i32(file->data + file->size - 10);
  int64_t fstart = file->size - 10 - flen;
  qv_fb_builder fb;
  qv__fb_builder_init(&fb);
  const uint8_t *footer;
  size_t len;
  OK(qv__ipc_footer_encode(&fb, s, NULL, 0, dicts, nd, batches, nb, &footer, &len, err));
  qv_buffer *out = NULL;
  OK(qv_buffer_allocate(NULL, fstart + (int64_t)len + 10, false, &out, err));
  memcpy(out->data, file->data, (size_t)fstart);
  memcpy(out->data + fstart, footer, len);
  qv_fb_store_i32(out->data + fstart + len, (int32_t)len);
  memcpy(out->data + fstart + len + 4, "ARROW1", 6);
  qv__fb_builder_free(&fb);
  return out;
}

static void expect_open(const qv_buffer *buf, qv_status want, const char *needle) {
  qv_buffer *copy = NULL;
  OK(qv_buffer_copy_from(NULL, buf->data, buf->size, &copy, err));
  qv_table *t = NULL;
  qv_error e;
  memset(&e, 0, sizeof e);
  qv_status st = qv_ipc_read_file_buffer(copy, NULL, &t, &e);
  if (st != want) fail_msg("expected %s, got %s (%s)", qv_status_name(want), qv_status_name(st), e.message);
  if (needle && strstr(e.message, needle) == NULL) fail_msg("message \"%s\" lacks \"%s\"", e.message, needle);
  qv_table_release(t);
  qv_buffer_release(copy);
}

/* 34: too small, magic missing at either end, bad footer length */
static void test_bad34_small_magic_footer_length(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_buffer *buf = file_bytes(t);
  qv_buffer *b = NULL;
  for (int64_t n = 0; n < 18; n++) {
    OK(qv_buffer_copy_from(NULL, buf->data, n, &b, err));
    expect_open(b, QV_ERR_INVALID_DATA, n < 18 ? "too small" : NULL);
    qv_buffer_release(b);
  }
  OK(qv_buffer_copy_from(NULL, buf->data, buf->size, &b, err));
  b->data[0] = 'X';
  expect_open(b, QV_ERR_INVALID_DATA, "does not start with");
  /* A Parquet file is named as one, not as a bad Arrow magic. */
  memcpy(b->data, "PAR1", 4);
  expect_open(b, QV_ERR_INVALID_DATA, "it looks like a Parquet file");
  memcpy(b->data, "ARROW1", 6);
  b->data[b->size - 1] = 'X';
  expect_open(b, QV_ERR_INVALID_DATA, "does not end with");
  b->data[b->size - 1] = '1';
  const int32_t lens[] = {-1, 0, (int32_t)b->size, INT32_MAX};
  for (int k = 0; k < 4; k++) {
    qv_fb_store_i32(b->data + b->size - 10, lens[k]);
    expect_open(b, QV_ERR_INVALID_DATA, "footer length");
  }
  qv_fb_store_i32(b->data + b->size - 10, 24); /* in range, but not a footer */
  expect_open(b, QV_ERR_INVALID_DATA, "footer at byte");
  qv_buffer_release(b);
  qv_buffer_release(buf);
  qv_table_release(t);
}

/* 34/35: blocks out of range, pointing mid-message, of the wrong kind */
static void test_bad35_blocks(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_buffer *buf = file_bytes(t);
  int32_t flen = qv_fb_load_i32(buf->data + buf->size - 10);
  qv_ipc_footer f;
  OK(qv__ipc_footer_decode(buf->data + buf->size - 10 - flen, (size_t)flen, &f, err));
  qv_ipc_block dicts[8], batches[2];
  uint32_t nd = f.n_dictionaries;
  assert_true(nd <= 8);
  for (uint32_t i = 0; i < nd; i++) dicts[i] = qv_ipc_footer_dictionary(&f, i);
  for (uint32_t i = 0; i < 2; i++) batches[i] = qv_ipc_footer_record_batch(&f, i);
  /* control: the same blocks re-encoded read fine */
  qv_buffer *b = with_footer(buf, t->schema, dicts, nd, batches, 2);
  expect_open(b, QV_OK, NULL);
  qv_buffer_release(b);
  struct {
    int which; /* 0: batch 0, 1: dictionary 0 */
    qv_ipc_block blk;
    const char *needle;
  } cases[] = {
      {0, {batches[0].offset + 8, batches[0].metadata_length, batches[0].body_length}, "metaDataLength"},
      {0, {batches[0].offset, batches[0].metadata_length + 8, batches[0].body_length}, "does not fill"},
      {0, {batches[0].offset, batches[0].metadata_length, batches[0].body_length + 8}, "bodyLength"},
      {0, {(buf->size + 7) & ~(int64_t)7, 8, 0}, "outside the file's data section"},
      {0, {0, 8, 0}, "outside"},
      {0, {batches[0].offset, batches[0].metadata_length, INT64_MAX - 7}, "outside"},
      {0, dicts[0], "expected a RecordBatch message, found DictionaryBatch"},
      {1, batches[0], "expected a DictionaryBatch message, found RecordBatch"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    qv_ipc_block d2[8], b2[2];
    memcpy(d2, dicts, sizeof d2);
    memcpy(b2, batches, sizeof b2);
    if (cases[k].which == 0)
      b2[0] = cases[k].blk;
    else
      d2[0] = cases[k].blk;
    b = with_footer(buf, t->schema, d2, nd, b2, 2);
    expect_open(b, QV_ERR_INVALID_DATA, cases[k].needle);
    qv_buffer_release(b);
  }
  /* a missing dictionary block: the batch cannot find its dictionary */
  b = with_footer(buf, t->schema, dicts + 1, nd - 1, batches, 2);
  expect_open(b, QV_ERR_INVALID_DATA, "before any DictionaryBatch");
  qv_buffer_release(b);
  qv_buffer_release(buf);
  qv_table_release(t);
}

/* 36: a file cut short is rejected; the stream reader recovers its batches */
static void test_bad36_truncated_file_and_recovery(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_buffer *buf = file_bytes(t);
  int32_t flen = qv_fb_load_i32(buf->data + buf->size - 10);
  int64_t eos = buf->size - 10 - flen - 8;
  for (int64_t cut = buf->size - 1; cut > buf->size - 40; cut--) {
    qv_buffer *b = NULL;
    OK(qv_buffer_copy_from(NULL, buf->data, cut, &b, err));
    expect_open(b, QV_ERR_INVALID_DATA, NULL);
    qv_buffer_release(b);
  }
  /* the footer is lost, the stream inside survives */
  qv_buffer *b = NULL;
  OK(qv_buffer_copy_from(NULL, buf->data, eos + 8, &b, err));
  qv_table *back = NULL;
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true;
  OK(qv_ipc_read_stream_buffer(b, &strict, &back, err));
  tu_assert_tables_equal(t, back, "recovered");
  qv_table_release(back);
  qv_buffer_release(b);
  /* cut before the last batch ended: only what is complete, and a
   * truncation error in strict mode */
  OK(qv_buffer_copy_from(NULL, buf->data, eos - 16, &b, err));
  qv_error e;
  assert_int_equal(qv_ipc_read_stream_buffer(b, &strict, &back, &e), QV_ERR_TRUNCATED);
  qv_ipc_stream_reader *r = NULL;
  OK(qv_ipc_stream_reader_open_buffer(b, NULL, &r, err));
  qv_batch *first = NULL;
  OK(qv_ipc_stream_reader_next(r, &first, err));
  assert_true(qv_batch_equals(first, t->batches[0]));
  qv_batch_release(first);
  assert_int_equal(qv_ipc_stream_reader_next(r, &first, &e), QV_ERR_TRUNCATED);
  qv_ipc_stream_reader_free(r);
  qv_buffer_release(b);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static int count_tmp_files(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL)
    if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && strstr(de->d_name, ".qv-tmp-")) n++;
  if (d) closedir(d);
  return n;
}

static void test_atomic_path(void **state) {
  (void)state;
  qv_table *t = small_table();
  char name[64], path[256];
  snprintf(name, sizeof name, "qv-atomic-%ld", (long)getpid());
  snprintf(path, sizeof path, "/tmp/%s.arrow", name);
  FILE *fp = fopen(path, "w");
  fputs("old contents", fp);
  fclose(fp);
  /* abandoned writer: the destination is untouched, the temporary removed */
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_path(path, QV_IPC_FORMAT_FILE, t->schema, NULL, &w, err));
  OK(qv_ipc_writer_write_batch(w, t->batches[0], err));
  assert_int_equal(count_tmp_files("/tmp", name), 1);
  qv_ipc_writer_free(w);
  assert_int_equal(count_tmp_files("/tmp", name), 0);
  char got[32] = {0};
  fp = fopen(path, "r");
  assert_non_null(fgets(got, sizeof got, fp));
  fclose(fp);
  assert_string_equal(got, "old contents");
  /* a completed writer replaces it */
  OK(qv_ipc_write_file_path(path, t, NULL, err));
  assert_int_equal(count_tmp_files("/tmp", name), 0);
  qv_table *back = NULL;
  OK(qv_ipc_read_path(path, NULL, &back, err));
  tu_assert_tables_equal(t, back, "atomic");
  qv_table_release(back);
  unlink(path);
  /* a symlink stays a symlink; its target is replaced */
  char target[256], link[256];
  snprintf(target, sizeof target, "/tmp/%s-target.arrow", name);
  snprintf(link, sizeof link, "/tmp/%s-link.arrow", name);
  fp = fopen(target, "w");
  fputs("old", fp);
  fclose(fp);
  assert_int_equal(symlink(target, link), 0);
  OK(qv_ipc_write_file_path(link, t, NULL, err));
  struct stat lsb;
  assert_int_equal(lstat(link, &lsb), 0);
  assert_true(S_ISLNK(lsb.st_mode));
  OK(qv_ipc_read_path(target, NULL, &back, err));
  tu_assert_tables_equal(t, back, "through a symlink");
  qv_table_release(back);
  unlink(link);
  unlink(target);
  /* a FIFO cannot be replaced: it is written in place */
  char fifo[256];
  snprintf(fifo, sizeof fifo, "/tmp/%s.fifo", name);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  pid_t pid = fork();
  if (pid == 0) {
    qv_table *from_fifo = NULL;
    int rc = qv_ipc_read_path(fifo, NULL, &from_fifo, NULL) == QV_OK && qv_table_equals(from_fifo, t) ? 0 : 1;
    qv_table_release(from_fifo);
    _exit(rc);
  }
  OK(qv_ipc_write_stream_path(fifo, t, NULL, err));
  int status = -1;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_int_equal(lstat(fifo, &lsb), 0);
  assert_true(S_ISFIFO(lsb.st_mode));
  unlink(fifo);
  /* a directory is refused */
  qv_error e;
  assert_int_equal(qv_ipc_write_file_path("/tmp", t, NULL, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "directory"));
  /* a directory that does not exist */
  assert_int_equal(qv_ipc_write_file_path("/nonexistent-dir-qv/x.arrow", t, NULL, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "errno"));
  qv_table_release(t);
}

typedef struct budget_sink {
  size_t left;
  int calls_after_failure;
  bool failed;
} budget_sink;

static qv_status budget_write(void *ctx, const void *data, size_t n, qv_error *err) {
  (void)data;
  budget_sink *b = (budget_sink *)ctx;
  if (b->failed) b->calls_after_failure++;
  if (n > b->left) {
    b->failed = true;
    return qv_error_set(err, QV_ERR_IO, "disk full (simulated)");
  }
  b->left -= n;
  return QV_OK;
}

static void test_sticky_write_failure(void **state) {
  (void)state;
  qv_table *t = small_table();
  /* enough for the header and the dictionaries, not for the first batch */
  qv_buffer *whole = file_bytes(t);
  int32_t flen = qv_fb_load_i32(whole->data + whole->size - 10);
  qv_ipc_footer f;
  OK(qv__ipc_footer_decode(whole->data + whole->size - 10 - flen, (size_t)flen, &f, err));
  budget_sink bs = {(size_t)qv_ipc_footer_record_batch(&f, 0).offset + 100, 0, false};
  qv_buffer_release(whole);
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_callback(budget_write, &bs, QV_IPC_FORMAT_FILE, t->schema, NULL, &w, err));
  qv_error e;
  qv_status st = QV_OK;
  for (int64_t i = 0; i < t->n_batches && st == QV_OK; i++) st = qv_ipc_writer_write_batch(w, t->batches[i], &e);
  assert_int_equal(st, QV_ERR_IO);
  assert_non_null(strstr(e.message, "disk full"));
  int calls = bs.calls_after_failure;
  assert_int_equal(qv_ipc_writer_close(w, &e), QV_ERR_IO); /* no EOS, no footer */
  assert_non_null(strstr(e.message, "disk full"));
  assert_int_equal(qv_ipc_writer_write_batch(w, t->batches[0], &e), QV_ERR_IO);
  assert_int_equal(bs.calls_after_failure, calls);
  qv_ipc_writer_free(w);
  qv_table_release(t);
}

static void test_epipe_is_an_error_not_a_signal(void **state) {
  (void)state;
  qv_table *t = small_table();
  int p[2];
  assert_int_equal(pipe(p), 0);
  close(p[0]);
  qv_error e;
  assert_int_equal(qv_ipc_write_stream_fd(p[1], t, NULL, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "errno 32"));
  close(p[1]);
  /* the same on a socket whose peer is gone */
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
  close(p[0]);
  assert_int_equal(qv_ipc_write_fd(p[1], QV_IPC_FORMAT_FILE, t, NULL, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "errno 32"));
  close(p[1]);
  /* no SIGPIPE is left pending for the process either */
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  assert_false(sigismember(&pending, SIGPIPE));
  qv_table_release(t);
}

static void test_memory_region_and_fd(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_buffer *buf = file_bytes(t);
  /* the file read from a memory region at an odd address: buffers are
   * copied where misaligned, values unchanged */
  qv_buffer *odd = NULL, *view = NULL;
  OK(qv_buffer_allocate(NULL, buf->size + 1, false, &odd, err));
  memcpy(odd->data + 1, buf->data, (size_t)buf->size);
  OK(qv_buffer_view(odd, 1, buf->size, &view, err));
  qv_table *back = NULL;
  OK(qv_ipc_read_file_buffer(view, NULL, &back, err));
  tu_assert_tables_equal(t, back, "odd address");
  qv_table_release(back);
  qv_buffer_release(view);
  qv_buffer_release(odd);
  /* via an fd */
  char path[256];
  snprintf(path, sizeof path, "/tmp/qv-fd-%ld.arrow", (long)getpid());
  FILE *fp = fopen(path, "wb");
  assert_int_equal(fwrite(buf->data, 1, (size_t)buf->size, fp), (size_t)buf->size);
  fclose(fp);
  int fd = open(path, O_RDONLY);
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_fd(fd, NULL, &r, err));
  close(fd);
  OK(qv_ipc_file_reader_read_all(r, &back, err));
  tu_assert_tables_equal(t, back, "fd");
  qv_table_release(back);
  qv_ipc_file_reader_free(r);
  unlink(path);
  qv_buffer_release(buf);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_batches_outlive_reader_and_mapping),
      cmocka_unit_test(test_bad34_small_magic_footer_length),
      cmocka_unit_test(test_bad35_blocks),
      cmocka_unit_test(test_bad36_truncated_file_and_recovery),
      cmocka_unit_test(test_atomic_path),
      cmocka_unit_test(test_sticky_write_failure),
      cmocka_unit_test(test_epipe_is_an_error_not_a_signal),
      cmocka_unit_test(test_memory_region_and_fd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
