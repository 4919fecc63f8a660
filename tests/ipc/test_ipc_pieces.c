/* The pieces writer (qv_ipc_writer_open_pieces): its pieces, concatenated,
 * are the bytes the memory writer produces (streams and files, with
 * dictionaries, slices and compression); body pieces point into the arrays'
 * own buffers (no copy) and keep them alive after the table and the writer
 * are gone; the header's example runs over a pipe. Also: the callback
 * writer (whose iovecs are the fd writer's) is handed the arrays' own
 * buffers, so writing to an fd copies no body byte in user space. */
#include "ipc_test_util.h"

#include <pthread.h>
#include <sys/uio.h>
#include <unistd.h>

/* The pieces of p concatenated into one malloc'd block. */
static uint8_t *concat(const qv_ipc_pieces *p, size_t *len) {
  size_t n = (size_t)qv_ipc_pieces_size(p);
  uint8_t *out = malloc(n ? n : 1);
  assert_non_null(out);
  size_t at = 0;
  const qv_ipc_piece *v = qv_ipc_pieces_items(p);
  for (size_t i = 0; i < qv_ipc_pieces_count(p); i++) {
    assert_true(v[i].len > 0);
    assert_true(at + v[i].len <= n);
    memcpy(out + at, v[i].data, v[i].len);
    at += v[i].len;
  }
  assert_int_equal(at, n);
  *len = n;
  return out;
}

/* Writes t with the pieces writer, taking after every batch and at the end. */
static uint8_t *write_pieces(const qv_table *t, qv_ipc_format format, const qv_ipc_write_options *o, size_t *len) {
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_pieces(format, t->schema, o, &w, err));
  uint8_t *all = NULL;
  size_t n_all = 0;
  for (int64_t i = 0; i <= t->n_batches; i++) {
    if (i < t->n_batches)
      OK(qv_ipc_writer_write_batch(w, t->batches[i], err));
    else
      OK(qv_ipc_writer_close(w, err));
    qv_ipc_pieces *p = NULL;
    OK(qv_ipc_writer_take_pieces(w, &p, err));
    size_t n;
    uint8_t *bytes = concat(p, &n);
    qv_ipc_pieces_free(p);
    all = realloc(all, n_all + n + 1);
    assert_non_null(all);
    memcpy(all + n_all, bytes, n);
    n_all += n;
    free(bytes);
  }
  assert_int_equal(qv_ipc_writer_position(w), (int64_t)n_all);
  qv_ipc_writer_free(w);
  *len = n_all;
  return all;
}

static void expect_same_bytes(const qv_table *t, qv_ipc_format format, const qv_ipc_write_options *o) {
  qv_buffer *mem = NULL;
  OK(qv_ipc_write_buffer(format, t, o, &mem, err));
  size_t n;
  uint8_t *bytes = write_pieces(t, format, o, &n);
  assert_int_equal(n, (size_t)mem->size);
  assert_memory_equal(bytes, mem->data, n);
  free(bytes);
  qv_buffer_release(mem);
}

static void test_pieces_concatenate_to_the_memory_writers_bytes(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {7, 0, 12};
  qv_table *t = tu_table(s, len, 3, true);
  qv_schema_release(s);
  qv_table *sliced = tu_slice_table(t, 3, 9); /* rewritten offsets and bitmaps */
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  for (int f = 0; f < 2; f++) {
    qv_ipc_format format = f ? QV_IPC_FORMAT_FILE : QV_IPC_FORMAT_STREAM;
    o.compression = QV_IPC_COMPRESSION_NONE;
    expect_same_bytes(t, format, &o);
    expect_same_bytes(sliced, format, &o);
    o.compression = QV_IPC_COMPRESSION_ZSTD;
    expect_same_bytes(t, format, &o);
  }
  o = (qv_ipc_write_options)QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.alignment = 8;
  expect_same_bytes(t, QV_IPC_FORMAT_STREAM, &o);
  qv_table_release(sliced);
  qv_table_release(t);
}

/* A string column of n rows, its buffers allocated by the builder. */
static qv_table *string_table(int64_t n) {
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_string(), NULL, &b, err));
  for (int64_t i = 0; i < n; i++) OK(qv_builder_append_string(b, "abcdefghij", 1 + (int32_t)(i % 10)));
  qv_array *col = NULL;
  OK(qv_builder_finish(b, &col, err));
  qv_builder_free(b);
  qv_field *f = tu_field("s", qv_type_string(), false);
  qv_schema *s = NULL;
  qv_batch *batch = NULL;
  qv_table *t = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  OK(qv_batch_new(s, n, &col, NULL, &batch, err));
  OK(qv_table_new(s, &batch, 1, &t, err));
  qv_batch_release(batch);
  qv_schema_release(s);
  qv_field_release(f);
  qv_array_release(col);
  return t;
}

static void test_body_pieces_point_into_the_arrays_buffers(void **state) {
  (void)state;
  qv_table *t = string_table(100000);
  const qv_array *col = t->batches[0]->columns[0];
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, t->schema, NULL, &w, err));
  OK(qv_ipc_writer_write_batch(w, t->batches[0], err));
  qv_ipc_pieces *p = NULL;
  OK(qv_ipc_writer_take_pieces(w, &p, err));
  qv_ipc_writer_free(w);
  const qv_ipc_piece *v = qv_ipc_pieces_items(p);
  size_t referenced = 0;
  for (int32_t k = 0; k < col->n_buffers; k++) {
    const qv_buffer *buf = col->buffers[k];
    if (buf == NULL) continue;
    bool found = false;
    for (size_t i = 0; i < qv_ipc_pieces_count(p) && !found; i++)
      found = v[i].data == buf->data && v[i].len == (size_t)buf->size;
    if (!found) fail_msg("buffer %d (%lld bytes) was copied, not referenced", (int)k, (long long)buf->size);
    referenced += (size_t)buf->size;
  }
  /* Everything else is prefixes, metadata and padding. */
  assert_true((size_t)qv_ipc_pieces_size(p) - referenced < 4096);
  /* The pieces outlive the table (they hold its buffers). */
  qv_buffer *expect = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &expect, err));
  qv_table_release(t);
  size_t n;
  uint8_t *bytes = concat(p, &n);
  qv_ipc_pieces_free(p);
  assert_true(n < (size_t)expect->size); /* the stream also has its end-of-stream marker */
  assert_memory_equal(bytes, expect->data, n);
  free(bytes);
  qv_buffer_release(expect);
}

static void test_take_without_output_and_misuse(void **state) {
  (void)state;
  qv_table *t = string_table(3);
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, t->schema, NULL, &w, err));
  qv_ipc_pieces *p = NULL;
  OK(qv_ipc_writer_take_pieces(w, &p, err)); /* the Schema message */
  assert_true(qv_ipc_pieces_count(p) > 0);
  qv_ipc_pieces_free(p);
  OK(qv_ipc_writer_take_pieces(w, &p, err)); /* nothing since */
  assert_int_equal(qv_ipc_pieces_count(p), 0);
  assert_int_equal(qv_ipc_pieces_size(p), 0);
  qv_ipc_pieces_free(p);
  qv_buffer *buf = NULL;
  qv_error e;
  assert_int_equal(qv_ipc_writer_take_buffer(w, &buf, &e), QV_ERR_INVALID_ARGUMENT);
  qv_ipc_writer_free(w); /* unclosed, with nothing taken: no leak */
  OK(qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, t->schema, NULL, &w, err));
  assert_int_equal(qv_ipc_writer_take_pieces(w, &p, &e), QV_ERR_INVALID_ARGUMENT);
  assert_null(p);
  assert_non_null(strstr(e.message, "not a pieces writer"));
  qv_ipc_writer_free(w);
  qv_ipc_pieces_free(NULL);
  qv_table_release(t);
}

/* The fd and callback writers hand the sink the same iovecs (prefix,
 * metadata, then the body as the plan laid it out): the callback sees the
 * arrays' own buffers, so neither path copies a body byte in user space. */
typedef struct seen_ptrs {
  const void *p[256];
  size_t len[256];
  int n;
} seen_ptrs;

static qv_status record_write(void *ctx, const void *data, size_t n, qv_error *err) {
  (void)err;
  seen_ptrs *s = ctx;
  if (s->n < 256) {
    s->p[s->n] = data;
    s->len[s->n] = n;
    s->n++;
  }
  return QV_OK;
}

static void test_callback_writer_gets_the_arrays_own_buffers(void **state) {
  (void)state;
  qv_table *t = string_table(20000);
  const qv_array *col = t->batches[0]->columns[0];
  seen_ptrs seen = {{0}, {0}, 0};
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_callback(record_write, &seen, QV_IPC_FORMAT_STREAM, t->schema, NULL, &w, err));
  OK(qv_ipc_writer_write_batch(w, t->batches[0], err));
  OK(qv_ipc_writer_close(w, err));
  qv_ipc_writer_free(w);
  for (int32_t k = 0; k < col->n_buffers; k++) {
    const qv_buffer *buf = col->buffers[k];
    if (buf == NULL) continue;
    bool found = false;
    for (int i = 0; i < seen.n && !found; i++) found = seen.p[i] == buf->data && seen.len[i] == (size_t)buf->size;
    if (!found) fail_msg("buffer %d reached the sink through a copy", (int)k);
  }
  qv_table_release(t);
}

/* Sends p with writev, looping on short writes. */
static void send_pieces(int fd, const qv_ipc_pieces *p) {
  struct iovec iov[64];
  const qv_ipc_piece *v = qv_ipc_pieces_items(p);
  size_t n = qv_ipc_pieces_count(p);
  for (size_t at = 0; at < n;) {
    int k = 0;
    for (; k < 64 && at + (size_t)k < n; k++) iov[k] = (struct iovec){(void *)(uintptr_t)v[at + k].data, v[at + k].len};
    int first = 0;
    while (first < k) {
      ssize_t r = writev(fd, iov + first, k - first);
      assert_true(r > 0);
      while (first < k && (size_t)r >= iov[first].iov_len) r -= (ssize_t)iov[first++].iov_len;
      if (first < k) {
        iov[first].iov_base = (uint8_t *)iov[first].iov_base + r;
        iov[first].iov_len -= (size_t)r;
      }
    }
    at += (size_t)k;
  }
}

typedef struct reader_job {
  int fd;
  qv_table *table;
  qv_status st;
} reader_job;

static void *read_stream(void *arg) {
  reader_job *j = arg;
  qv_error e;
  j->st = qv_ipc_read_stream_fd(j->fd, NULL, &j->table, &e);
  return NULL;
}

/* The example of include/quiver/ipc.h, over a pipe read by a thread. */
static void test_header_example_over_a_pipe(void **state) {
  (void)state;
  qv_table *t = string_table(50000); /* more than a pipe holds */
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  reader_job job = {fds[0], NULL, QV_OK};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, read_stream, &job), 0);
  qv_ipc_writer *w = NULL;
  qv_ipc_pieces *p = NULL;
  OK(qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, t->schema, NULL, &w, err));
  OK(qv_ipc_writer_write_batch(w, t->batches[0], err));
  OK(qv_ipc_writer_take_pieces(w, &p, err));
  send_pieces(fds[1], p);
  qv_ipc_pieces_free(p);
  OK(qv_ipc_writer_close(w, err));
  OK(qv_ipc_writer_take_pieces(w, &p, err));
  send_pieces(fds[1], p);
  qv_ipc_pieces_free(p);
  qv_ipc_writer_free(w);
  close(fds[1]);
  pthread_join(th, NULL);
  close(fds[0]);
  assert_int_equal(job.st, QV_OK);
  tu_assert_tables_equal(t, job.table, "read back from the pipe");
  qv_table_release(job.table);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pieces_concatenate_to_the_memory_writers_bytes),
      cmocka_unit_test(test_body_pieces_point_into_the_arrays_buffers),
      cmocka_unit_test(test_take_without_output_and_misuse),
      cmocka_unit_test(test_callback_writer_gets_the_arrays_own_buffers),
      cmocka_unit_test(test_header_example_over_a_pipe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
