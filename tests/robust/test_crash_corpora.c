/* Crash corpora: every fuzz-found input of apache/arrow-testing
 * (data/arrow-ipc-stream/ top level, data/arrow-ipc-file/,
 * data/arrow-ipc-tensor-stream/) is replayed through every IPC read path:
 *
 *   - the one-call readers (stream, file, format-detecting) over an exact-size
 *     heap copy, so ASan flags any read past the input;
 *   - the pull stream reader and the random-access file reader objects,
 *     batch by batch (a file reader keeps going after a bad batch);
 *   - the push decoder fed by pointer in chunks of 1, 7 and 4096 bytes, and
 *     zero-copy through qv_ipc_decoder_feed_buffer;
 *   - the path readers (mmap).
 *
 * Full validation is on, and whatever decodes is validated again and
 * printed. Each input must be accepted or rejected with an error status and
 * a non-empty message: never a crash, hang (each input runs under an alarm),
 * leak or sanitizer report (this test runs under ASan+UBSan in `make
 * test`). All push-decoder paths must agree with the stream reader on the
 * outcome. data/forward-compatibility/schema_v6.arrow must fail with
 * QV_ERR_UNSUPPORTED and a message naming the metadata version.
 *
 * The corpus root is $QV_ARROW_TESTING (default ../shared/arrow-testing,
 * relative to the repository root, the tests' working directory); missing,
 * the tests fail (support/arrow_testing.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quiver/ipc.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "robust/robust_util.h"
#include "support/arrow_testing.h"

/* Seconds one input may take across all its read paths (ASan is slow, but
 * these inputs are at most a few KiB). */
#define PER_INPUT_SECONDS 60

/* Full path of a corpus directory; fails the test when it is missing. */
static void corpus_dir(const char *sub, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s", qvt_arrow_testing_require(sub), sub);
}

/* ---- soft failures: every input is replayed, then all problems reported ---- */

static char g_failures[16384];
static size_t g_failures_len;
static int g_n_failures;

static void soft_fail(const char *fmt, ...) QV_PRINTF(1, 2);
static void soft_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char line[2048];
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  print_error("%s\n", line);
  g_n_failures++;
  if (g_failures_len < sizeof g_failures - 1) {
    int w = snprintf(g_failures + g_failures_len, sizeof g_failures - g_failures_len, "\n  %s", line);
    if (w > 0) g_failures_len += (size_t)w;
    if (g_failures_len > sizeof g_failures - 1) g_failures_len = sizeof g_failures - 1;
  }
}

/* ---- what a read path may return ---- */

/* A rejection must be a data error with a message; QV_ERR_NO_MEMORY would
 * mean an allocation sized by a claim (the inputs are tiny), and
 * QV_ERR_INVALID_ARGUMENT an API misuse by the reader itself. */
static void check_rejection(const char *file, const char *path_name, qv_status st, const qv_error *err) {
  if (st == QV_OK) return;
  if (err->message[0] == '\0') {
    soft_fail("%s: %s failed with %s and an empty message", file, path_name, qv_status_name(st));
    return;
  }
  if (err->code != st) {
    soft_fail("%s: %s returned %s but err->code is %s", file, path_name, qv_status_name(st),
              qv_status_name(err->code));
    return;
  }
  switch (st) {
    case QV_ERR_INVALID_DATA:
    case QV_ERR_TRUNCATED:
    case QV_ERR_LIMIT:
    case QV_ERR_UNSUPPORTED:
    case QV_ERR_OVERFLOW:
    case QV_ERR_NOT_IMPLEMENTED:
      return;
    default:
      soft_fail("%s: %s failed with unexpected %s: %s", file, path_name, qv_status_name(st), err->message);
  }
}

/* Validates (full) and prints an accepted batch: touches every value. */
static void use_batch(const char *file, const char *path_name, const qv_batch *b) {
  qv_error err;
  qv_status st = qv_batch_validate(b, QV_VALIDATE_FULL, &err);
  if (st != QV_OK) {
    soft_fail("%s: %s returned a batch that fails validation: %s", file, path_name, err.message);
    return;
  }
  char *s = NULL;
  st = qv_batch_to_string(b, NULL, &s, &err);
  if (st != QV_OK) soft_fail("%s: %s: printing an accepted batch failed: %s", file, path_name, err.message);
  qv_free_string(s);
}

static void use_table(const char *file, const char *path_name, const qv_table *t) {
  qv_error err;
  qv_status st = qv_table_validate(t, QV_VALIDATE_FULL, &err);
  if (st != QV_OK) {
    soft_fail("%s: %s returned a table that fails validation: %s", file, path_name, err.message);
    return;
  }
  char *s = NULL;
  st = qv_table_to_string(t, NULL, &s, &err);
  if (st != QV_OK) soft_fail("%s: %s: printing an accepted table failed: %s", file, path_name, err.message);
  qv_free_string(s);
  for (int64_t i = 0; i < t->n_batches; i++) use_batch(file, path_name, t->batches[i]);
}

/* ---- read paths ---- */

typedef qv_status (*one_call_fn)(qv_buffer *, const qv_ipc_read_options *, qv_table **, qv_error *);

static qv_status run_one_call(const char *file, const char *name, one_call_fn fn, qv_buffer *buf,
                              const qv_ipc_read_options *o) {
  qv_table *t = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = fn(buf, o, &t, &err);
  check_rejection(file, name, st, &err);
  if (st == QV_OK) {
    assert_non_null(t);
    use_table(file, name, t);
  } else {
    assert_null(t);
  }
  qv_table_release(t);
  return st;
}

/* The pull stream reader, batch by batch. Returns the final status. */
static qv_status run_stream_reader(const char *file, qv_buffer *buf, const qv_ipc_read_options *o) {
  qv_ipc_stream_reader *r = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_ipc_stream_reader_open_buffer(buf, o, &r, &err);
  check_rejection(file, "stream_reader_open", st, &err);
  if (st != QV_OK) {
    assert_null(r);
    return st;
  }
  assert_non_null(qv_ipc_stream_reader_schema(r));
  for (int guard = 0; guard < 1000000; guard++) {
    qv_batch *b = NULL;
    st = qv_ipc_stream_reader_next(r, &b, &err);
    check_rejection(file, "stream_reader_next", st, &err);
    if (st != QV_OK || b == NULL) break;
    use_batch(file, "stream_reader_next", b);
    qv_batch_release(b);
  }
  qv_ipc_stream_reader_free(r);
  return st;
}

/* The file reader: open, then every batch independently. */
static void run_file_reader(const char *file, qv_buffer *buf, const qv_ipc_read_options *o) {
  qv_ipc_file_reader *r = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_ipc_file_reader_open_buffer(buf, o, &r, &err);
  check_rejection(file, "file_reader_open", st, &err);
  if (st != QV_OK) {
    assert_null(r);
    return;
  }
  assert_non_null(qv_ipc_file_reader_schema(r));
  int64_t n = qv_ipc_file_reader_num_batches(r);
  assert_true(n >= 0);
  for (int64_t i = 0; i < n; i++) {
    qv_batch *b = NULL;
    st = qv_ipc_file_reader_read_batch(r, i, &b, &err);
    check_rejection(file, "file_reader_read_batch", st, &err);
    if (st == QV_OK) {
      use_batch(file, "file_reader_read_batch", b);
      qv_batch_release(b);
    }
  }
  qv_batch *none = NULL;
  assert_int_equal(qv_ipc_file_reader_read_batch(r, n, &none, &err), QV_ERR_OUT_OF_RANGE);
  qv_ipc_file_reader_free(r);
}

/* Drains the decoder's events; returns the first failing status. */
static qv_status drain(const char *file, const char *name, qv_ipc_decoder *d, int64_t *batches) {
  qv_error err;
  for (;;) {
    qv_ipc_event ev;
    qv_error_clear(&err);
    qv_status st = qv_ipc_decoder_next(d, &ev, &err);
    check_rejection(file, name, st, &err);
    if (st != QV_OK) return st;
    if (ev.kind == QV_IPC_EVENT_NONE) return QV_OK;
    if (ev.kind == QV_IPC_EVENT_SCHEMA) assert_non_null(qv_ipc_decoder_schema(d));
    if (ev.kind == QV_IPC_EVENT_BATCH) {
      assert_non_null(ev.batch);
      use_batch(file, name, ev.batch);
      qv_batch_release(ev.batch);
      (*batches)++;
    }
  }
}

/* The push decoder fed by pointer in `chunk`-byte pieces (0: zero-copy
 * feed_buffer of the whole input). */
static qv_status run_decoder(const char *file, qv_buffer *buf, const qv_ipc_read_options *o, size_t chunk) {
  char name[64];
  snprintf(name, sizeof name, chunk ? "decoder(chunk %zu)" : "decoder(feed_buffer)", chunk);
  qv_ipc_decoder *d = NULL;
  qv_error err;
  assert_int_equal(qv_ipc_decoder_new(o, &d, &err), QV_OK);
  qv_status st = QV_OK;
  int64_t batches = 0;
  if (chunk == 0) {
    qv_error_clear(&err);
    st = qv_ipc_decoder_feed_buffer(d, buf, &err);
    check_rejection(file, name, st, &err);
  } else {
    for (int64_t pos = 0; pos < buf->size && st == QV_OK; pos += (int64_t)chunk) {
      size_t k = (size_t)(buf->size - pos) < chunk ? (size_t)(buf->size - pos) : chunk;
      qv_error_clear(&err);
      int64_t before = qv_ipc_decoder_position(d);
      st = qv_ipc_decoder_feed(d, buf->data + pos, k, &err);
      check_rejection(file, name, st, &err);
      if (st == QV_OK) assert_true(qv_ipc_decoder_position(d) >= before);
      qv_status st2 = drain(file, name, d, &batches);
      if (st == QV_OK) st = st2;
    }
  }
  qv_status st2 = drain(file, name, d, &batches);
  if (st == QV_OK) st = st2;
  if (st == QV_OK) {
    qv_error_clear(&err);
    st = qv_ipc_decoder_finish(d, &err);
    check_rejection(file, name, st, &err);
  }
  if (st != QV_OK) {
    /* sticky: the same error again */
    qv_error again;
    assert_int_equal(qv_ipc_decoder_feed(d, "x", 1, &again), st);
    assert_true(again.message[0] != '\0');
  }
  /* queued events (if any) are freed by qv_ipc_decoder_free */
  qv_ipc_decoder_free(d);
  return st;
}

static void alarm_handler(int sig) {
  (void)sig;
  static const char msg[] = "test_crash_corpora: an input took too long (hang?)\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(3);
}

/* Every read path over one input. */
static void replay(const char *path, const char *file, bool *stream_ok, bool *file_ok) {
  signal(SIGALRM, alarm_handler);
  alarm(PER_INPUT_SECONDS);
  size_t n = 0;
  uint8_t *bytes = rt_read_file(path, &n);
  qv_buffer *buf = rt_exact_buffer(bytes, n);
  free(bytes);
  qv_ipc_read_options o = QV_IPC_READ_OPTIONS_DEFAULT;
  o.full_validation = true;

  qv_status s_stream = run_one_call(file, "read_stream_buffer", qv_ipc_read_stream_buffer, buf, &o);
  qv_status s_file = run_one_call(file, "read_file_buffer", qv_ipc_read_file_buffer, buf, &o);
  run_one_call(file, "read_buffer", qv_ipc_read_buffer, buf, &o);
  qv_status s_reader = run_stream_reader(file, buf, &o);
  run_file_reader(file, buf, &o);

  /* The push decoder never sees the file magic (the stream reader skips
   * it), so compare on pure streams only. */
  bool is_file = n >= 6 && memcmp(buf->data, "ARROW1", 6) == 0;
  size_t chunks[] = {1, 7, 4096, 0};
  for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    qv_status s_dec = run_decoder(file, buf, &o, chunks[i]);
    if (!is_file && s_dec != s_stream)
      soft_fail("%s: decoder (chunk %zu) says %s but read_stream_buffer says %s", file, chunks[i],
               qv_status_name(s_dec), qv_status_name(s_stream));
  }
  if (s_reader != s_stream)
    soft_fail("%s: stream reader says %s but read_stream_buffer says %s", file, qv_status_name(s_reader),
             qv_status_name(s_stream));

  /* Path readers (mmap) agree with the buffer readers. */
  qv_table *t = NULL;
  qv_error err;
  qv_status sp = qv_ipc_read_stream_path(path, &o, &t, &err);
  check_rejection(file, "read_stream_path", sp, &err);
  qv_table_release(t);
  t = NULL;
  if (sp != s_stream) soft_fail("%s: read_stream_path %s vs buffer %s", file, qv_status_name(sp), qv_status_name(s_stream));
  sp = qv_ipc_read_file_path(path, &o, &t, &err);
  check_rejection(file, "read_file_path", sp, &err);
  qv_table_release(t);
  if (sp != s_file) soft_fail("%s: read_file_path %s vs buffer %s", file, qv_status_name(sp), qv_status_name(s_file));

  if (getenv("QV_ROBUST_VERBOSE") != NULL) {
    qv_error e1, e2;
    qv_table *t1 = NULL, *t2 = NULL;
    qv_ipc_read_stream_buffer(buf, &o, &t1, &e1);
    qv_ipc_read_file_buffer(buf, &o, &t2, &e2);
    print_message("%s\n  stream: %s %s\n  file:   %s %s\n", file, qv_status_name(s_stream),
                  s_stream ? e1.message : "", qv_status_name(s_file), s_file ? e2.message : "");
    qv_table_release(t1);
    qv_table_release(t2);
  }
  qv_buffer_release(buf);
  alarm(0);
  *stream_ok = s_stream == QV_OK;
  *file_ok = s_file == QV_OK;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Replays every regular file directly inside `sub`; returns how many. */
static int replay_dir(const char *sub) {
  char dir[4096];
  corpus_dir(sub, dir, sizeof dir);
  DIR *d = opendir(dir);
  if (d == NULL) fail_msg("cannot open %s: %s", dir, strerror(errno));
  char **names = NULL;
  int n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    char path[8192];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (e->d_name[0] == '.' || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, (size_t)cap * sizeof *names);
      assert_non_null(names);
    }
    names[n] = strdup(e->d_name);
    assert_non_null(names[n]);
    n++;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp_names);
  int accepted_stream = 0, accepted_file = 0;
  for (int i = 0; i < n; i++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    bool so = false, fo = false;
    replay(path, names[i], &so, &fo);
    accepted_stream += so;
    accepted_file += fo;
    free(names[i]);
  }
  free(names);
  print_message("%s: %d inputs replayed (%d accepted as streams, %d as files)\n", sub, n, accepted_stream,
                accepted_file);
  if (g_n_failures > 0) {
    int k = g_n_failures;
    g_n_failures = 0;
    g_failures_len = 0;
    fail_msg("%s: %d problem(s):%s", sub, k, g_failures);
  }
  return n;
}

static void test_ipc_stream_corpus(void **state) {
  (void)state;
  assert_true(replay_dir("data/arrow-ipc-stream") > 0);
}

static void test_ipc_file_corpus(void **state) {
  (void)state;
  assert_true(replay_dir("data/arrow-ipc-file") > 0);
}

static void test_ipc_tensor_stream_corpus(void **state) {
  (void)state;
  assert_true(replay_dir("data/arrow-ipc-tensor-stream") > 0);
}

/* data/forward-compatibility/schema_v6.arrow is a stream (despite its
 * name) whose Schema message says MetadataVersion V6. Every stream path,
 * the format-detecting readers and the push decoder refuse it as
 * unsupported, naming the metadata version; the file reader refuses it as
 * not a file (no ARROW1 magic). */
static void test_forward_compatibility_schema_v6(void **state) {
  (void)state;
  char dir[4096], path[8192];
  corpus_dir("data/forward-compatibility", dir, sizeof dir);
  snprintf(path, sizeof path, "%s/schema_v6.arrow", dir);
  size_t n = 0;
  uint8_t *bytes = rt_read_file(path, &n);
  qv_buffer *buf = rt_exact_buffer(bytes, n);
  qv_table *t = NULL;
  qv_error err;

  one_call_fn fns[] = {qv_ipc_read_buffer, qv_ipc_read_stream_buffer};
  const char *names[] = {"read_buffer", "read_stream_buffer"};
  for (int i = 0; i < 2; i++) {
    qv_error_clear(&err);
    qv_status st = fns[i](buf, NULL, &t, &err);
    if (st != QV_ERR_UNSUPPORTED)
      fail_msg("%s: expected QV_ERR_UNSUPPORTED, got %s: %s", names[i], qv_status_name(st), err.message);
    assert_null(t);
    rt_assert_contains_ci(err.message, "metadata version");
    rt_assert_contains(err.message, "V6");
  }
  qv_error_clear(&err);
  assert_int_equal(qv_ipc_read_path(path, NULL, &t, &err), QV_ERR_UNSUPPORTED);
  rt_assert_contains_ci(err.message, "metadata version");
  rt_assert_contains(err.message, "schema_v6.arrow"); /* path readers name the file */

  /* the push decoder, fed one byte at a time */
  qv_ipc_decoder *d = NULL;
  assert_int_equal(qv_ipc_decoder_new(NULL, &d, &err), QV_OK);
  qv_status st = QV_OK;
  for (size_t i = 0; i < n && st == QV_OK; i++) st = qv_ipc_decoder_feed(d, bytes + i, 1, &err);
  if (st == QV_OK) st = qv_ipc_decoder_finish(d, &err);
  assert_int_equal(st, QV_ERR_UNSUPPORTED);
  rt_assert_contains_ci(err.message, "metadata version");
  qv_ipc_decoder_free(d);

  /* the stream reader over an fd */
  int fd = open(path, O_RDONLY);
  assert_true(fd >= 0);
  qv_ipc_stream_reader *sr = NULL;
  assert_int_equal(qv_ipc_stream_reader_open_fd(fd, NULL, &sr, &err), QV_ERR_UNSUPPORTED);
  assert_null(sr);
  rt_assert_contains_ci(err.message, "metadata version");
  close(fd);

  qv_ipc_file_reader *fr = NULL;
  assert_int_equal(qv_ipc_file_reader_open_buffer(buf, NULL, &fr, &err), QV_ERR_INVALID_DATA);
  assert_null(fr);
  rt_assert_contains(err.message, "ARROW1");
  qv_buffer_release(buf);
  free(bytes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipc_stream_corpus),
      cmocka_unit_test(test_ipc_file_corpus),
      cmocka_unit_test(test_ipc_tensor_stream_corpus),
      cmocka_unit_test(test_forward_compatibility_schema_v6),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
