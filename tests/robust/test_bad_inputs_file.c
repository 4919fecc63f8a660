/* BAD_INPUTS classes 34-36: the IPC file format (magic, footer, blocks)
 * and sources that deliver less than the metadata claims, through every
 * file read path (buffer, path, fd, format-detecting; see robust_util.h)
 * and, for streams, the incremental fd reader fed through a pipe in tiny
 * writes.
 *
 *  34  < 18 bytes; ARROW1 missing at either end; footer length <= 0 or
 *      past the file; a Block outside the data section    QV_ERR_INVALID_DATA
 *  35  Blocks inconsistent with the messages they point at (mid-message,
 *      into another message's body, wrong kind, lengths that disagree,
 *      an EOS marker)                                       QV_ERR_INVALID_DATA
 *  36  short sources: a file whose blocks claim more than it holds, a
 *      stream file cut short, a pipe delivering 1-3 bytes per read
 */
#include "robust/robust_util.h"

#include <pthread.h>
#include <time.h>

static const int32_t k_vals[3] = {7, 8, 9};

/* A file laid out by hand: magic, Schema {x: int32}, two batches, EOS;
 * the caller appends the footer with whatever blocks it likes. */
typedef struct file_parts {
  rt_bytes data;
  qv_schema *schema;
  qv_ipc_block schema_blk, eos_blk;
  qv_ipc_block rb[2];
} file_parts;

static void parts_init(file_parts *p) {
  memset(p, 0, sizeof *p);
  p->schema = rt_schema1("x", qv_type_int32());
  rt_file_start(&p->data);
  p->schema_blk = rt_schema_msg(&p->data, p->schema);
  rt_body b;
  rt_int32_body(&b, k_vals, 3);
  p->rb[0] = rt_batch_msg(&p->data, &b);
  p->rb[1] = rt_batch_msg(&p->data, &b);
  rt_body_free(&b);
  p->eos_blk = (qv_ipc_block){(int64_t)p->data.n, 8, 0};
  rt_eos(&p->data);
}

static void parts_free(file_parts *p) {
  rt_bytes_free(&p->data);
  qv_schema_release(p->schema);
}

/* The file with the given record-batch blocks. */
static void file_with(const file_parts *p, const qv_ipc_block *rb, uint32_t n, rt_bytes *out) {
  rt_bytes_copy(out, &p->data);
  rt_file_finish(out, p->schema, NULL, 0, rb, n);
}

static void expect_blocks(const file_parts *p, const qv_ipc_block *rb, uint32_t n, const char *needle) {
  rt_bytes f;
  file_with(p, rb, n, &f);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, needle);
  rt_bytes_free(&f);
}

/* ---- 34 ---- */

static void class_34_bad_magic_footer_or_blocks(void **state) {
  (void)state;
  file_parts p;
  parts_init(&p);
  rt_bytes good, f;
  file_with(&p, p.rb, 2, &good);
  assert_int_equal(rt_expect_file(&good, NULL, QV_OK, NULL), 6);

  /* too small */
  for (size_t n = 0; n < 18; n++) {
    memset(&f, 0, sizeof f);
    rt_put(&f, good.p, n < 8 ? n : 8);
    if (n > 8) rt_put(&f, good.p + good.n - (n - 8), n - 8); /* magic + tail */
    char needle[64];
    snprintf(needle, sizeof needle, "%zu bytes is too small to be an Arrow IPC file", n);
    rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, needle);
    rt_bytes_free(&f);
  }
  /* leading magic missing or damaged */
  rt_bytes_copy(&f, &good);
  f.p[0] = 'a';
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "not an Arrow IPC file: it does not start with \"ARROW1\"");
  f.p[0] = 'A';
  f.p[5] = '2';
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "does not start with \"ARROW1\"");
  rt_bytes_free(&f);
  /* trailing magic missing: damaged, or a file cut short (whose batches
   * the stream reader can still recover: see
   * stream_readers_recover_a_truncated_file) */
  rt_bytes_copy(&f, &good);
  f.p[f.n - 1] = '!';
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "does not end with \"ARROW1\"");
  rt_bytes_free(&f);
  memset(&f, 0, sizeof f);
  rt_put(&f, good.p, (size_t)p.rb[1].offset);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "does not end with \"ARROW1\"");
  rt_bytes_free(&f);
  /* footer length <= 0 or larger than the file */
  static const int32_t flens[] = {-8, 0, INT32_MIN, 100000, INT32_MAX};
  for (size_t i = 0; i < sizeof flens / sizeof flens[0]; i++) {
    rt_bytes_copy(&f, &good);
    qv_fb_store_u32(f.p + f.n - 10, (uint32_t)flens[i]);
    char needle[64];
    snprintf(needle, sizeof needle, "footer length %d is outside [1, %zu]", flens[i], good.n - 18);
    rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, needle);
    rt_bytes_free(&f);
  }
  /* one byte more than the space between the magics */
  rt_bytes_copy(&f, &good);
  qv_fb_store_u32(f.p + f.n - 10, (uint32_t)(good.n - 18 + 1));
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "is outside [1,");
  rt_bytes_free(&f);
  /* a footer length that lands on bytes that are no footer */
  rt_bytes_copy(&f, &good);
  qv_fb_store_u32(f.p + f.n - 10, 12);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "footer at byte");
  rt_bytes_free(&f);

  /* Blocks outside the data section */
  qv_ipc_block rb[2] = {p.rb[0], p.rb[1]};
  int64_t footer_start = (int64_t)p.data.n;
  rb[1].offset = footer_start;
  expect_blocks(&p, rb, 2, "footer record batch block 1");
  expect_blocks(&p, rb, 2, "lies outside the file's data section");
  rb[1] = p.rb[1];
  rb[0].offset = 0; /* the leading magic */
  expect_blocks(&p, rb, 2, "footer record batch block 0 (offset 0, metaDataLength");
  rb[0] = p.rb[0];
  rb[0].body_length = (int64_t)1 << 40;
  expect_blocks(&p, rb, 2, "bodyLength 1099511627776) lies outside the file's data section");
  rb[0].body_length = INT64_MAX - 7;
  expect_blocks(&p, rb, 2, "lies outside the file's data section");
  rb[0] = p.rb[0];
  rb[0].offset = INT64_MAX - 7;
  expect_blocks(&p, rb, 2, "lies outside the file's data section");
  rb[0].offset = -8;
  expect_blocks(&p, rb, 2, "Footer.recordBatches[0]: offset -8");
  rb[0] = p.rb[0];
  rb[0].metadata_length = 0;
  expect_blocks(&p, rb, 2, "metaDataLength 0 or bodyLength");
  rb[0].metadata_length = -16;
  expect_blocks(&p, rb, 2, "out of range");
  rb[0] = p.rb[0];
  rb[0].body_length = -8;
  expect_blocks(&p, rb, 2, "out of range");
  rb[0] = p.rb[0];
  rb[0].offset += 4;
  expect_blocks(&p, rb, 2, "must be multiples of 8");
  /* a dictionary block outside the file */
  qv_type *dt = NULL;
  RT_OK(qv_type_dictionary(qv_type_int8(), qv_type_int32(), false, &dt, &rt__e));
  qv_schema *ds = rt_schema1("d", dt);
  qv_ipc_block dblk = {(int64_t)p.data.n + 64, 16, 8};
  rt_bytes_copy(&f, &p.data);
  rt_file_finish(&f, ds, &dblk, 1, NULL, 0);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "footer dictionary block 0");
  rt_bytes_free(&f);
  qv_schema_release(ds);
  qv_type_release(dt);

  rt_bytes_free(&good);
  parts_free(&p);
}

/* ---- 35 ---- */

static void class_35_blocks_inconsistent_with_stream(void **state) {
  (void)state;
  file_parts p;
  parts_init(&p);
  qv_ipc_block rb[2] = {p.rb[0], p.rb[1]};
  /* pointing mid-message: at the flatbuffer instead of the prefix */
  rb[0].offset += 8;
  expect_blocks(&p, rb, 2, "footer record batch block 0");
  rb[0] = p.rb[0];
  /* pointing into the previous message's body (overlap) */
  rb[1].offset = p.rb[0].offset + p.rb[0].metadata_length;
  expect_blocks(&p, rb, 2, "footer record batch block 1");
  rb[1] = p.rb[1];
  /* the wrong kind of message */
  rb[0] = p.schema_blk;
  expect_blocks(&p, rb, 2, "expected a RecordBatch message, found Schema");
  rb[0] = p.rb[0];
  /* lengths that disagree with the message */
  rb[0].body_length += 8;
  char needle[128];
  snprintf(needle, sizeof needle, "message bodyLength %lld differs from the block's bodyLength %lld",
           (long long)p.rb[0].body_length, (long long)p.rb[0].body_length + 8);
  expect_blocks(&p, rb, 2, needle);
  rb[0] = p.rb[0];
  rb[0].metadata_length += 8; /* claims padding the message does not have */
  expect_blocks(&p, rb, 2, "does not fill metaDataLength");
  rb[0] = p.rb[0];
  rb[0].metadata_length -= 8;
  rb[0].body_length += 8;
  expect_blocks(&p, rb, 2, "footer record batch block 0");
  rb[0] = p.rb[0];
  /* an EOS marker as a block */
  rb[1] = p.eos_blk;
  expect_blocks(&p, rb, 2, "it is an EOS marker");
  rb[1] = p.rb[1];
  /* a dictionary block that points at a RecordBatch */
  qv_type *dt = NULL;
  RT_OK(qv_type_dictionary(qv_type_int8(), qv_type_int32(), false, &dt, &rt__e));
  qv_schema *ds = rt_schema1("d", dt);
  rt_bytes f;
  rt_bytes_copy(&f, &p.data);
  rt_file_finish(&f, ds, &p.rb[0], 1, NULL, 0);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "expected a DictionaryBatch message, found RecordBatch");
  rt_bytes_free(&f);
  /* a second dictionary for the same id (a replacement): files forbid it */
  memset(&f, 0, sizeof f);
  rt_file_start(&f);
  rt_schema_msg(&f, ds);
  rt_body d;
  rt_int32_body(&d, k_vals, 3);
  qv_ipc_block dicts[2];
  dicts[0] = rt_dict_msg(&f, 0, false, &d);
  dicts[1] = rt_dict_msg(&f, 0, false, &d);
  rt_body_free(&d);
  rt_eos(&f);
  rt_file_finish(&f, ds, dicts, 2, NULL, 0);
  rt_expect_file(&f, NULL, QV_ERR_INVALID_DATA, "replaces a dictionary, which the IPC file format forbids");
  rt_bytes_free(&f);
  qv_schema_release(ds);
  qv_type_release(dt);

  /* quiver's own writer lists every block: the footer and the embedded
   * stream agree */
  rt_bytes w;
  rt_sample_ipc(&w, QV_IPC_FORMAT_FILE, 3, NULL);
  qv_buffer *buf = rt_exact_buffer(w.p, w.n);
  qv_ipc_file_reader *fr = NULL;
  RT_OK(qv_ipc_file_reader_open_buffer(buf, NULL, &fr, &rt__e));
  assert_int_equal(qv_ipc_file_reader_num_batches(fr), 3);
  qv_ipc_file_reader_free(fr);
  qv_table *t = NULL;
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true; /* the embedded stream ends with EOS */
  RT_OK(qv_ipc_read_stream_buffer(buf, &strict, &t, &rt__e));
  assert_int_equal(t->n_batches, 3);
  qv_table_release(t);
  qv_buffer_release(buf);
  rt_bytes_free(&w);
  parts_free(&p);
}

/* ---- 36 ---- */

typedef struct pipe_feed {
  int fd;
  const uint8_t *p;
  size_t n;
} pipe_feed;

/* Writes p[0, n) to the pipe 1-3 bytes at a time, then closes it. */
static void *feeder(void *arg) {
  pipe_feed *f = arg;
  size_t pos = 0, k = 0;
  struct timespec pause = {0, 20000};
  while (pos < f->n) {
    size_t step = 1 + k++ % 3;
    if (step > f->n - pos) step = f->n - pos;
    ssize_t w = write(f->fd, f->p + pos, step);
    if (w <= 0) break;
    pos += (size_t)w;
    if (k % 16 == 0) nanosleep(&pause, NULL);
  }
  close(f->fd);
  return NULL;
}

/* Reads p[0, n) through a pipe with the incremental stream reader (or the
 * whole-fd reader when `whole`); returns the status and rows. */
static qv_status via_pipe(const uint8_t *p, size_t n, bool whole, int64_t *rows, qv_error *err) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pipe_feed f = {fds[1], p, n};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, feeder, &f), 0);
  qv_status st;
  *rows = 0;
  if (whole) {
    qv_table *t = NULL;
    st = qv_ipc_read_fd(fds[0], NULL, &t, err);
    if (st == QV_OK) *rows = t->n_rows;
    qv_table_release(t);
  } else {
    qv_ipc_stream_reader *r = NULL;
    st = qv_ipc_stream_reader_open_fd(fds[0], NULL, &r, err);
    while (st == QV_OK) {
      qv_batch *b = NULL;
      st = qv_ipc_stream_reader_next(r, &b, err);
      if (st != QV_OK || b == NULL) break;
      *rows += b->length;
      qv_batch_release(b);
    }
    qv_ipc_stream_reader_free(r);
    /* drain what the reader left, so the feeder never blocks */
    char sink[256];
    while (read(fds[0], sink, sizeof sink) > 0) {
    }
  }
  pthread_join(th, NULL);
  close(fds[0]);
  return st;
}

static void class_36_short_sources(void **state) {
  (void)state;
  /* a file whose block claims a body past the end of the file */
  file_parts p;
  parts_init(&p);
  qv_ipc_block rb[2] = {p.rb[0], p.rb[1]};
  rb[1].body_length = 4096;
  expect_blocks(&p, rb, 2, "footer record batch block 1 (offset");
  expect_blocks(&p, rb, 2, "bodyLength 4096) lies outside the file's data section");
  parts_free(&p);

  /* a stream file shorter than its last message claims: mapped path,
   * whole-fd and incremental fd readers */
  rt_bytes s;
  rt_sample_ipc(&s, QV_IPC_FORMAT_STREAM, 2, NULL);
  size_t cut = s.n - 8 - 4; /* inside the last batch's body */
  char path[64];
  int fd = rt_temp_file(s.p, cut, path);
  qv_table *t = NULL;
  qv_error err;
  assert_int_equal(qv_ipc_read_stream_path(path, NULL, &t, &err), QV_ERR_TRUNCATED);
  rt_assert_contains(err.message, "body bytes");
  rt_assert_contains(err.message, path);
  assert_int_equal(qv_ipc_read_fd(fd, NULL, &t, &err), QV_ERR_TRUNCATED);
  rt_assert_contains(err.message, "body bytes");
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  assert_int_equal(qv_ipc_read_stream_fd(fd, NULL, &t, &err), QV_ERR_TRUNCATED);
  rt_assert_contains(err.message, "body bytes");
  assert_null(t);
  close(fd);
  unlink(path);

  /* a pipe that delivers 1-3 bytes per read: the whole stream is read */
  int64_t rows = 0;
  assert_int_equal(via_pipe(s.p, s.n, false, &rows, &err), QV_OK);
  assert_int_equal(rows, 6);
  assert_int_equal(via_pipe(s.p, s.n, true, &rows, &err), QV_OK);
  assert_int_equal(rows, 6);
  /* ... and a pipe closed early, mid-body and mid-metadata */
  assert_int_equal(via_pipe(s.p, cut, false, &rows, &err), QV_ERR_TRUNCATED);
  rt_assert_contains(err.message, "body bytes");
  assert_int_equal(rows, 3); /* the first batch came out before the error */
  assert_int_equal(via_pipe(s.p, cut, true, &rows, &err), QV_ERR_TRUNCATED);
  size_t second = 8 + (size_t)qv_fb_load_i32(s.p + 4);
  assert_int_equal(via_pipe(s.p, second + 12, false, &rows, &err), QV_ERR_TRUNCATED);
  rt_assert_contains(err.message, "metadata bytes");
  rt_bytes_free(&s);

  /* a file through a pipe, in tiny pieces */
  rt_sample_ipc(&s, QV_IPC_FORMAT_FILE, 2, NULL);
  assert_int_equal(via_pipe(s.p, s.n, true, &rows, &err), QV_OK);
  assert_int_equal(rows, 6);
  assert_int_equal(via_pipe(s.p, s.n - 3, true, &rows, &err), QV_ERR_INVALID_DATA);
  rt_assert_contains(err.message, "does not end with \"ARROW1\"");
  rt_bytes_free(&s);
}

/* The stream readers (not the push decoder, a lower-level interface)
 * read a file as a stream, its leading magic skipped, whole or cut short:
 * the recovery path for a file whose footer was lost. Every stream source
 * must agree: buffer, path, and an fd read incrementally. */
static void expect_stream_readers(const rt_bytes *in, const qv_ipc_read_options *o, qv_status code,
                                  const char *needle, int64_t rows) {
  rt_outcome r[3] = {rt__one_call(qv_ipc_read_stream_buffer, in, o), rt__reader_buffer(in, o), rt__reader_fd(in, o)};
  const char *names[3] = {"qv_ipc_read_stream_buffer", "stream reader (buffer)", "stream reader (fd)"};
  for (int i = 0; i < 3; i++) {
    rt__check(names[i], r[i], code, needle);
    if (code == QV_OK) assert_int_equal(r[i].rows, rows);
  }
}

static void stream_readers_recover_a_truncated_file(void **state) {
  (void)state;
  rt_bytes w, f;
  rt_sample_ipc(&w, QV_IPC_FORMAT_FILE, 3, NULL);
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true;
  expect_stream_readers(&w, &strict, QV_OK, NULL, 9);
  /* cut after the second batch: two batches back, no EOS */
  size_t pos = 8, ends[8];
  int n = 0;
  while (pos < w.n && n < 8) {
    int32_t len = qv_fb_load_i32(w.p + pos + 4);
    if (len == 0) break;
    qv_ipc_message msg;
    RT_OK(qv__ipc_message_decode(w.p + pos + 8, (size_t)len, &msg, &rt__e));
    pos += 8 + (size_t)len + (size_t)msg.body_length;
    ends[n++] = pos;
  }
  assert_true(n == 4); /* schema + 3 batches */
  memset(&f, 0, sizeof f);
  rt_put(&f, w.p, ends[2]);
  expect_stream_readers(&f, NULL, QV_OK, NULL, 6);
  expect_stream_readers(&f, &strict, QV_ERR_TRUNCATED, "without the end-of-stream marker", 0);
  /* the path reader too */
  char path[64];
  int fd = rt_temp_file(f.p, f.n, path);
  qv_table *t = NULL;
  RT_OK(qv_ipc_read_stream_path(path, NULL, &t, &rt__e));
  assert_int_equal(t->n_rows, 6);
  qv_table_release(t);
  close(fd);
  unlink(path);
  rt_bytes_free(&f);
  rt_bytes_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(class_34_bad_magic_footer_or_blocks),
      cmocka_unit_test(class_35_blocks_inconsistent_with_stream),
      cmocka_unit_test(class_36_short_sources),
      cmocka_unit_test(stream_readers_recover_a_truncated_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
