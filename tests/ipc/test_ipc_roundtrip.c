/* Round trips of every type through the stream and file formats: with and
 * without nulls, sliced and not, compressed (LZ4, ZSTD) and not, alignment
 * 8 and 64, in memory, through temporary files and through fds; plus
 * metadata at schema, field and batch level, zero-copy reads and writer
 * argument checks. */
#include "ipc_test_util.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const int64_t k_lengths[] = {37, 0, 13};

static void test_all_types_every_option(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  for (int nulls = 0; nulls < 2; nulls++) {
    qv_table *t = tu_table(s, k_lengths, 3, nulls);
    for (int fmt = 0; fmt < 2; fmt++)
      for (int c = 0; c < 3; c++)
        for (int al = 0; al < 2; al++) {
          qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
          o.compression = (qv_ipc_compression)c;
          o.alignment = al ? 64 : 8;
          char what[96];
          snprintf(what, sizeof what, "nulls=%d format=%d compression=%d alignment=%d", nulls, fmt, c, o.alignment);
          tu_roundtrip(t, (qv_ipc_format)fmt, &o, what);
        }
    qv_table_release(t);
  }
  qv_schema_release(s);
}

static void test_sliced_every_type(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {61, 29};
  qv_table *t = tu_table(s, len, 2, true);
  /* bit offsets 3 (bitmaps shifted), 8 (byte aligned), a 1-row and an empty slice */
  const int64_t cuts[][2] = {{3, 17}, {8, 20}, {5, 1}, {7, 0}, {0, 29}};
  for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
    qv_table *sl = tu_slice_table(t, cuts[k][0], cuts[k][1]);
    for (int c = 0; c < 3; c += 2) {
      qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
      o.compression = (qv_ipc_compression)c;
      char what[96];
      snprintf(what, sizeof what, "slice [%lld, +%lld) compression %d", (long long)cuts[k][0],
               (long long)cuts[k][1], c);
      tu_roundtrip(sl, QV_IPC_FORMAT_STREAM, &o, what);
      tu_roundtrip(sl, QV_IPC_FORMAT_FILE, &o, what);
    }
    qv_table_release(sl);
  }
  qv_table_release(t);
  qv_schema_release(s);
}

/* A sliced write is compact: it does not carry the rows outside the slice. */
static void test_slice_writes_only_its_rows(void **state) {
  (void)state;
  qv_field *f = tu_field("s", qv_type_string(), true);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_field_release(f);
  int64_t n = 10000;
  qv_table *t = tu_table(s, &n, 1, true);
  qv_table *sl = tu_slice_table(t, 9995, 5);
  qv_buffer *whole = NULL, *part = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &whole, err));
  OK(qv_ipc_write_stream_buffer(sl, NULL, &part, err));
  assert_true(part->size < 1500);
  assert_true(whole->size > 50000);
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(part, NULL, &back, err));
  tu_assert_tables_equal(sl, back, "slice");
  /* offsets were rebased: the first offset read back is 0 */
  const qv_array *col = back->batches[0]->columns[0];
  assert_int_equal(((const int32_t *)(const void *)col->buffers[1]->data)[col->offset], 0);
  qv_table_release(back);
  qv_buffer_release(whole);
  qv_buffer_release(part);
  qv_table_release(sl);
  qv_table_release(t);
  qv_schema_release(s);
}

static void test_zero_copy_read(void **state) {
  (void)state;
  qv_field *f = tu_field("x", qv_type_float64(), false);
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s, err));
  qv_field_release(f);
  int64_t n = 1000;
  qv_table *t = tu_table(s, &n, 1, false);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(buf, NULL, &back, err));
  const qv_buffer *vals = back->batches[0]->columns[0]->buffers[1];
  assert_true(vals->data >= buf->data && vals->data + vals->size <= buf->data + buf->size);
  assert_int_equal((uintptr_t)vals->data % 8, 0);
  int64_t rc = qv_buffer_refcount(buf);
  assert_true(rc >= 2); /* the batch keeps the input alive */
  qv_buffer_release(buf); /* arrays still readable afterwards */
  assert_true(qv_array_equals(back->batches[0]->columns[0], t->batches[0]->columns[0]));
  qv_table_release(back);
  qv_table_release(t);
  qv_schema_release(s);
}

static void test_metadata_preserved(void **state) {
  (void)state;
  qv_metadata *fmd = NULL, *bmd = NULL;
  OK(qv_metadata_new(&fmd, err));
  OK(qv_metadata_append(fmd, "unit", -1, "m/s", -1, err));
  OK(qv_metadata_new(&bmd, err));
  OK(qv_metadata_append(bmd, "batch-key", -1, "batch \xff value", -1, err));
  qv_field *f = NULL;
  OK(qv_field_new("speed", qv_type_float32(), true, fmd, &f, err));
  qv_schema *s1 = tu_all_types_schema(); /* carries schema metadata "origin" */
  qv_schema *s = NULL;
  OK(qv_schema_new(&f, 1, s1->metadata, &s, err));
  qv_array *col = tu_column(qv_type_float32(), 0, 5, true);
  qv_batch *b = NULL;
  OK(qv_batch_new(s, 5, &col, bmd, &b, err));
  qv_table *t = NULL;
  OK(qv_table_new(s, &b, 1, &t, err));
  for (int fmt = 0; fmt < 2; fmt++) {
    qv_buffer *buf = NULL;
    OK(qv_ipc_write_buffer((qv_ipc_format)fmt, t, NULL, &buf, err));
    qv_table *back = NULL;
    OK(qv_ipc_read_buffer(buf, NULL, &back, err));
    assert_true(qv_schema_equals(back->schema, s, true));
    const qv_kv *kv = qv_metadata_find(back->schema->metadata, "origin");
    assert_non_null(kv);
    assert_string_equal(kv->value, "quiver tests");
    kv = qv_metadata_find(back->schema->fields[0]->metadata, "unit");
    assert_non_null(kv);
    assert_string_equal(kv->value, "m/s");
    kv = qv_metadata_find(back->batches[0]->metadata, "batch-key");
    assert_non_null(kv);
    assert_int_equal(kv->value_len, 13);
    assert_memory_equal(kv->value, "batch \xff value", 13);
    qv_table_release(back);
    qv_buffer_release(buf);
  }
  qv_table_release(t);
  qv_batch_release(b);
  qv_array_release(col);
  qv_schema_release(s);
  qv_schema_release(s1);
  qv_field_release(f);
  qv_metadata_free(fmd);
  qv_metadata_free(bmd);
}

static void test_empty_table_and_no_columns(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = NULL;
  OK(qv_table_new(s, NULL, 0, &t, err));
  tu_roundtrip(t, QV_IPC_FORMAT_STREAM, NULL, "no batches");
  tu_roundtrip(t, QV_IPC_FORMAT_FILE, NULL, "no batches");
  qv_table_release(t);
  qv_schema_release(s);
  /* a schema without fields, with batches of rows */
  qv_schema *e = NULL;
  OK(qv_schema_new(NULL, 0, NULL, &e, err));
  qv_batch *b = NULL;
  OK(qv_batch_new(e, 42, NULL, NULL, &b, err));
  OK(qv_table_new(e, &b, 1, &t, err));
  tu_roundtrip(t, QV_IPC_FORMAT_STREAM, NULL, "no columns");
  tu_roundtrip(t, QV_IPC_FORMAT_FILE, NULL, "no columns");
  qv_table_release(t);
  qv_batch_release(b);
  qv_schema_release(e);
}

static void test_legacy_framing_roundtrip(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = tu_table(s, k_lengths, 3, true);
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.legacy_framing = true;
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, &o, &buf, err));
  /* no continuation marker; EOS is 4 zero bytes */
  assert_true(buf->data[0] != 0xFF || buf->data[1] != 0xFF);
  assert_memory_equal(buf->data + buf->size - 4, "\0\0\0\0", 4);
  assert_true(buf->data[buf->size - 5] != 0xFF);
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.require_eos = true;
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(buf, &ro, &back, err));
  tu_assert_tables_equal(t, back, "legacy");
  qv_table_release(back);
  qv_buffer_release(buf);
  /* the file format has no legacy framing */
  qv_error e;
  assert_int_equal(qv_ipc_write_file_buffer(t, &o, &buf, &e), QV_ERR_INVALID_ARGUMENT);
  qv_table_release(t);
  qv_schema_release(s);
}

static void test_alignment_of_bodies(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t n = 9;
  qv_table *t = tu_table(s, &n, 1, true);
  for (int al = 8; al <= 64; al += 56) {
    qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
    o.alignment = al;
    qv_buffer *buf = NULL;
    OK(qv_ipc_write_file_buffer(t, &o, &buf, err));
    assert_int_equal(buf->size % 8, 2); /* ...footer, int32 length, "ARROW1" (6 bytes) */
    qv_table *back = NULL;
    OK(qv_ipc_read_file_buffer(buf, NULL, &back, err));
    /* every buffer of every column sits at a multiple of `al` from the file start */
    for (int32_t c = 0; c < back->batches[0]->n_columns; c++) {
      const qv_array *a = back->batches[0]->columns[c];
      for (int32_t k = 0; k < a->n_buffers; k++) {
        const qv_buffer *b = a->buffers[k];
        if (b == NULL || b->data < buf->data || b->data >= buf->data + buf->size) continue;
        assert_int_equal((b->data - buf->data) % al, 0);
      }
    }
    qv_table_release(back);
    qv_buffer_release(buf);
  }
  qv_error e;
  qv_ipc_write_options bad = QV_IPC_WRITE_OPTIONS_DEFAULT;
  bad.alignment = 16;
  qv_buffer *buf = NULL;
  assert_int_equal(qv_ipc_write_stream_buffer(t, &bad, &buf, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "alignment"));
  qv_table_release(t);
  qv_schema_release(s);
}

static void tmp_path(char *out, size_t n, const char *name) {
  const char *dir = getenv("TMPDIR");
  snprintf(out, n, "%s/qv-ipc-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), name);
}

static void test_paths_and_fds(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = tu_table(s, k_lengths, 3, true);
  char path[512];
  for (int fmt = 0; fmt < 2; fmt++) {
    tmp_path(path, sizeof path, fmt ? "t.arrow" : "t.arrows");
    qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
    o.compression = QV_IPC_COMPRESSION_ZSTD;
    OK(qv_ipc_write_path(path, (qv_ipc_format)fmt, t, &o, err));
    qv_table *back = NULL;
    OK(qv_ipc_read_path(path, NULL, &back, err));
    tu_assert_tables_equal(t, back, "path");
    qv_table_release(back);
    /* the format-specific readers agree */
    if (fmt) {
      OK(qv_ipc_read_file_path(path, NULL, &back, err));
    } else {
      OK(qv_ipc_read_stream_path(path, NULL, &back, err));
    }
    tu_assert_tables_equal(t, back, "path (format-specific)");
    /* fds: a regular file is mapped */
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    qv_table *viafd = NULL;
    OK(qv_ipc_read_fd(fd, NULL, &viafd, err));
    tu_assert_tables_equal(t, viafd, "fd");
    qv_table_release(viafd);
    if (!fmt) {
      assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
      OK(qv_ipc_read_stream_fd(fd, NULL, &viafd, err));
      tu_assert_tables_equal(t, viafd, "incremental fd");
      qv_table_release(viafd);
    }
    close(fd);
    unlink(path);
    qv_table_release(back);
  }
  /* writing to an fd (at its current position) */
  tmp_path(path, sizeof path, "fd.arrows");
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "junk", 4), 4);
  OK(qv_ipc_write_stream_fd(fd, t, NULL, err));
  assert_int_equal(lseek(fd, 4, SEEK_SET), 4);
  qv_table *back = NULL;
  OK(qv_ipc_read_fd(fd, NULL, &back, err));
  tu_assert_tables_equal(t, back, "fd write");
  qv_table_release(back);
  close(fd);
  unlink(path);
  qv_table_release(t);
  qv_schema_release(s);
}

/* A pipe: the incremental fd reader and the whole-fd reader. */
static void test_pipe(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = tu_table(s, k_lengths, 3, true);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  for (int mode = 0; mode < 2; mode++) {
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      close(p[0]);
      ssize_t off = 0;
      while (off < buf->size) {
        ssize_t w = write(p[1], buf->data + off, (size_t)(buf->size - off) < 1000 ? (size_t)(buf->size - off) : 1000);
        if (w <= 0) _exit(1);
        off += w;
      }
      _exit(0);
    }
    close(p[1]);
    qv_table *back = NULL;
    if (mode == 0) {
      OK(qv_ipc_read_stream_fd(p[0], NULL, &back, err));
    } else {
      OK(qv_ipc_read_fd(p[0], NULL, &back, err));
    }
    tu_assert_tables_equal(t, back, mode ? "pipe (whole)" : "pipe (incremental)");
    qv_table_release(back);
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  qv_buffer_release(buf);
  qv_table_release(t);
  qv_schema_release(s);
}

static void test_writer_objects(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = tu_table(s, k_lengths, 3, true);
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_memory(QV_IPC_FORMAT_FILE, s, NULL, &w, err));
  for (int64_t i = 0; i < t->n_batches; i++) OK(qv_ipc_writer_write_batch(w, t->batches[i], err));
  int64_t before = qv_ipc_writer_position(w);
  assert_true(before > 0);
  qv_error e;
  qv_buffer *buf = NULL;
  assert_int_equal(qv_ipc_writer_take_buffer(w, &buf, &e), QV_ERR_INVALID_ARGUMENT); /* not closed */
  /* a batch of another schema is refused and leaves the writer usable */
  qv_field *f = tu_field("other", qv_type_int8(), true);
  qv_schema *s2 = NULL;
  OK(qv_schema_new(&f, 1, NULL, &s2, err));
  qv_batch *b2 = tu_batch(s2, 0, 3, false);
  assert_int_equal(qv_ipc_writer_write_batch(w, b2, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "schema"));
  OK(qv_ipc_writer_close(w, err));
  assert_int_equal(qv_ipc_writer_write_batch(w, t->batches[0], &e), QV_ERR_INVALID_ARGUMENT);
  OK(qv_ipc_writer_take_buffer(w, &buf, err));
  qv_ipc_writer_free(w);
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_buffer(buf, NULL, &r, err));
  assert_int_equal(qv_ipc_file_reader_num_batches(r), 3);
  assert_true(qv_schema_equals(qv_ipc_file_reader_schema(r), s, true));
  for (int64_t i = 2; i >= 0; i--) { /* random access, any order */
    qv_batch *b = NULL;
    OK(qv_ipc_file_reader_read_batch(r, i, &b, err));
    assert_true(qv_batch_equals(b, t->batches[i]));
    qv_batch_release(b);
  }
  qv_batch *b = NULL;
  assert_int_equal(qv_ipc_file_reader_read_batch(r, 3, &b, &e), QV_ERR_OUT_OF_RANGE);
  qv_ipc_file_reader_free(r);
  qv_buffer_release(buf);
  qv_batch_release(b2);
  qv_schema_release(s2);
  qv_field_release(f);
  qv_table_release(t);
  qv_schema_release(s);
}

static qv_status collect(void *ctx, const void *data, size_t n, qv_error *err) {
  (void)err;
  qv_buffer *b = (qv_buffer *)ctx;
  if (qv_buffer_reserve(b, b->size + (int64_t)n, NULL) != QV_OK) return QV_ERR_NO_MEMORY;
  memcpy(b->data + b->size, data, n);
  b->size += (int64_t)n;
  return QV_OK;
}

static void test_callback_writer_and_stream_reader(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  qv_table *t = tu_table(s, k_lengths, 3, true);
  qv_buffer *out = NULL;
  OK(qv_buffer_allocate(NULL, 0, false, &out, err));
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_callback(collect, out, QV_IPC_FORMAT_STREAM, s, NULL, &w, err));
  OK(qv_ipc_writer_write_table(w, t, err));
  OK(qv_ipc_writer_close(w, err));
  qv_ipc_writer_free(w);
  qv_ipc_stream_reader *r = NULL;
  OK(qv_ipc_stream_reader_open_buffer(out, NULL, &r, err));
  assert_true(qv_schema_equals(qv_ipc_stream_reader_schema(r), s, true));
  for (int64_t i = 0; i < 3; i++) {
    qv_batch *b = NULL;
    OK(qv_ipc_stream_reader_next(r, &b, err));
    assert_non_null(b);
    assert_true(qv_batch_equals(b, t->batches[i]));
    qv_batch_release(b);
  }
  qv_batch *end = (qv_batch *)1;
  OK(qv_ipc_stream_reader_next(r, &end, err));
  assert_null(end);
  OK(qv_ipc_stream_reader_next(r, &end, err)); /* stays at the end */
  assert_null(end);
  qv_ipc_stream_reader_free(r);
  qv_buffer_release(out);
  qv_table_release(t);
  qv_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_all_types_every_option),
      cmocka_unit_test(test_sliced_every_type),
      cmocka_unit_test(test_slice_writes_only_its_rows),
      cmocka_unit_test(test_zero_copy_read),
      cmocka_unit_test(test_metadata_preserved),
      cmocka_unit_test(test_empty_table_and_no_columns),
      cmocka_unit_test(test_legacy_framing_roundtrip),
      cmocka_unit_test(test_alignment_of_bodies),
      cmocka_unit_test(test_paths_and_fds),
      cmocka_unit_test(test_pipe),
      cmocka_unit_test(test_writer_objects),
      cmocka_unit_test(test_callback_writer_and_stream_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
