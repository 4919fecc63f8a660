/* The push decoder: chunking does not matter (1 byte at a time, odd chunk
 * sizes, zero-copy buffers), truncation anywhere inside a message is
 * QV_ERR_TRUNCATED while a cut at a message boundary is a clean end unless
 * require_eos, events come in stream order, errors are sticky, bytes after
 * EOS are ignored, and the incremental fd reader stops exactly at EOS. */
#include "ipc_test_util.h"

#include <unistd.h>

#include "ipc/decoder.h"
#include "ipc/io.h"

typedef struct decoded {
  qv_table *table;   /* batches in order */
  int64_t n_dicts;   /* DICTIONARY events */
  int64_t offsets[64];
  int n_offsets;     /* message start offsets (all events) */
  bool eos;
  qv_status finish;
  qv_error err;
} decoded;

static void drain(qv_ipc_decoder *d, decoded *out, qv_batch **bs, int *nb) {
  for (;;) {
    qv_ipc_event ev;
    qv_status st = qv_ipc_decoder_next(d, &ev, &out->err);
    if (st != QV_OK || ev.kind == QV_IPC_EVENT_NONE) return;
    if (out->n_offsets < 64) out->offsets[out->n_offsets++] = ev.offset;
    if (ev.kind == QV_IPC_EVENT_BATCH) {
      assert_true(*nb < 64);
      bs[(*nb)++] = ev.batch;
    }
    if (ev.kind == QV_IPC_EVENT_DICTIONARY) out->n_dicts++;
    if (ev.kind == QV_IPC_EVENT_EOS) out->eos = true;
  }
}

/* Decodes buf fed in chunks of `chunk` bytes (0: one zero-copy buffer). */
static void decode(const qv_buffer *buf, size_t chunk, const qv_ipc_read_options *ro, decoded *out) {
  memset(out, 0, sizeof *out);
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(ro, &d, err));
  qv_batch *bs[64];
  int nb = 0;
  qv_status st = QV_OK;
  if (chunk == 0) {
    st = qv_ipc_decoder_feed_buffer(d, (qv_buffer *)(uintptr_t)buf, &out->err);
    drain(d, out, bs, &nb);
  } else {
    for (int64_t off = 0; off < buf->size && st == QV_OK; off += (int64_t)chunk) {
      size_t n = (size_t)(buf->size - off) < chunk ? (size_t)(buf->size - off) : chunk;
      st = qv_ipc_decoder_feed(d, buf->data + off, n, &out->err);
      drain(d, out, bs, &nb);
    }
  }
  out->finish = st == QV_OK ? qv_ipc_decoder_finish(d, &out->err) : st;
  drain(d, out, bs, &nb);
  if (qv_ipc_decoder_schema(d) != NULL)
    OK(qv_table_new(qv_ipc_decoder_schema(d), bs, nb, &out->table, err));
  for (int i = 0; i < nb; i++) qv_batch_release(bs[i]);
  qv_ipc_decoder_free(d);
}

static qv_table *sample_table(void) {
  qv_schema *s = tu_all_types_schema();
  int64_t len[] = {5, 0, 4};
  qv_table *t = tu_table(s, len, 3, true);
  qv_schema_release(s);
  return t;
}

static void test_chunking_does_not_matter(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  const size_t chunks[] = {0, 1, 2, 3, 7, 8, 13, 64, 1000, 1 << 20};
  decoded ref;
  decode(buf, 0, NULL, &ref);
  assert_int_equal(ref.finish, QV_OK);
  assert_true(ref.eos);
  tu_assert_tables_equal(t, ref.table, "zero-copy");
  for (size_t k = 1; k < sizeof chunks / sizeof chunks[0]; k++) {
    decoded d;
    decode(buf, chunks[k], NULL, &d);
    if (d.finish != QV_OK) fail_msg("chunk %zu: %s", chunks[k], d.err.message);
    assert_true(d.eos);
    assert_int_equal(d.n_offsets, ref.n_offsets);
    assert_memory_equal(d.offsets, ref.offsets, sizeof(int64_t) * (size_t)d.n_offsets);
    assert_int_equal(d.n_dicts, ref.n_dicts);
    tu_assert_tables_equal(ref.table, d.table, "chunked");
    qv_table_release(d.table);
  }
  /* dictionaries come before the first batch and are events too */
  assert_true(ref.n_dicts >= 3);
  qv_table_release(ref.table);
  qv_buffer_release(buf);
  qv_table_release(t);
}

/* Feeding a buffer in pieces (some messages whole, some split) still reads
 * the whole ones zero-copy. */
static void test_feed_buffer_pieces(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  int64_t cut = buf->size / 3;
  qv_buffer *a = NULL, *b = NULL;
  OK(qv_buffer_view(buf, 0, cut, &a, err));
  OK(qv_buffer_view(buf, cut, buf->size - cut, &b, err));
  OK(qv_ipc_decoder_feed_buffer(d, a, err));
  OK(qv_ipc_decoder_feed_buffer(d, b, err));
  OK(qv_ipc_decoder_finish(d, err));
  assert_true(qv_ipc_decoder_done(d));
  assert_int_equal(qv_ipc_decoder_position(d), buf->size);
  assert_int_equal(qv_ipc_decoder_bytes_needed(d), 0);
  int batches = 0;
  qv_ipc_event ev;
  do {
    OK(qv_ipc_decoder_next(d, &ev, err));
    if (ev.kind == QV_IPC_EVENT_BATCH) {
      assert_true(qv_batch_equals(ev.batch, t->batches[batches]));
      batches++;
      qv_batch_release(ev.batch);
    }
  } while (ev.kind != QV_IPC_EVENT_NONE);
  assert_int_equal(batches, 3);
  qv_ipc_decoder_free(d);
  qv_buffer_release(a);
  qv_buffer_release(b);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static bool is_boundary(const decoded *ref, int64_t cut) {
  for (int i = 1; i < ref->n_offsets; i++)
    if (ref->offsets[i] == cut) return true;
  return false;
}

static void truncations(qv_buffer *buf) {
  decoded ref;
  decode(buf, 0, NULL, &ref);
  assert_int_equal(ref.finish, QV_OK);
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true;
  int boundaries = 0;
  for (int64_t cut = 0; cut < buf->size; cut++) {
    qv_buffer *part = NULL;
    OK(qv_buffer_view(buf, 0, cut, &part, err));
    decoded d;
    bool boundary = is_boundary(&ref, cut);
    boundaries += boundary;
    /* via the push decoder, 5 bytes at a time */
    qv_buffer *copy = NULL;
    OK(qv_buffer_copy_from(NULL, buf->data, cut, &copy, err)); /* exact size: ASan sees overreads */
    decode(copy, 5, NULL, &d);
    if (boundary) {
      if (d.finish != QV_OK) fail_msg("cut at boundary %lld: %s", (long long)cut, d.err.message);
    } else if (d.finish != QV_ERR_TRUNCATED) {
      fail_msg("cut at %lld of %lld: expected QV_ERR_TRUNCATED, got %s (%s)", (long long)cut,
               (long long)buf->size, qv_status_name(d.finish), d.err.message);
    }
    qv_table_release(d.table);
    /* via the pull reader over a buffer, strict */
    qv_table *t = NULL;
    qv_error e;
    qv_status st = qv_ipc_read_stream_buffer(copy, &strict, &t, &e);
    assert_int_equal(st, QV_ERR_TRUNCATED);
    assert_null(t);
    if (cut > 0 && cut < 4) assert_non_null(strstr(e.message, "prefix"));
    if (!boundary && cut > 0) assert_non_null(strstr(e.message, "ends inside"));
    qv_buffer_release(copy);
    qv_buffer_release(part);
  }
  assert_true(boundaries >= 2);
  qv_table_release(ref.table);
}

static void test_truncation_at_every_byte(void **state) {
  (void)state;
  qv_field *fs[2] = {tu_field("s", qv_type_string(), true),
                     tu_field("d", tu_dict(qv_type_int8(), qv_type_string()), true)};
  qv_schema *s = NULL;
  OK(qv_schema_new(fs, 2, NULL, &s, err));
  int64_t len[] = {3, 2};
  qv_table *t = tu_table(s, len, 2, true);
  for (int legacy = 0; legacy < 2; legacy++)
    for (int c = 0; c < 2; c++) {
      qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
      o.legacy_framing = legacy;
      o.alignment = 8;
      o.compression = c ? QV_IPC_COMPRESSION_LZ4_FRAME : QV_IPC_COMPRESSION_NONE;
      qv_buffer *buf = NULL;
      OK(qv_ipc_write_stream_buffer(t, &o, &buf, err));
      truncations(buf);
      qv_buffer_release(buf);
    }
  qv_table_release(t);
  qv_schema_release(s);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

static void test_require_eos(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_buffer *noeos = NULL;
  OK(qv_buffer_view(buf, 0, buf->size - 8, &noeos, err)); /* drop the EOS marker */
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(noeos, NULL, &back, err)); /* lenient: a clean end */
  tu_assert_tables_equal(t, back, "no EOS");
  qv_table_release(back);
  qv_ipc_read_options strict = QV_IPC_READ_OPTIONS_DEFAULT;
  strict.require_eos = true;
  qv_error e;
  assert_int_equal(qv_ipc_read_stream_buffer(noeos, &strict, &back, &e), QV_ERR_TRUNCATED);
  assert_non_null(strstr(e.message, "end-of-stream"));
  OK(qv_ipc_read_stream_buffer(buf, &strict, &back, err));
  qv_table_release(back);
  /* the pull reader hands out the batches before reporting the missing EOS */
  qv_ipc_stream_reader *r = NULL;
  OK(qv_ipc_stream_reader_open_buffer(noeos, &strict, &r, err));
  for (int i = 0; i < 3; i++) {
    qv_batch *b = NULL;
    OK(qv_ipc_stream_reader_next(r, &b, err));
    assert_non_null(b);
    qv_batch_release(b);
  }
  qv_batch *b = NULL;
  assert_int_equal(qv_ipc_stream_reader_next(r, &b, &e), QV_ERR_TRUNCATED);
  qv_ipc_stream_reader_free(r);
  qv_buffer_release(noeos);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static void test_bytes_after_eos_ignored(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_buffer *more = NULL;
  OK(qv_buffer_allocate(NULL, buf->size + 100, false, &more, err));
  memcpy(more->data, buf->data, (size_t)buf->size);
  memset(more->data + buf->size, 0xAB, 100);
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  OK(qv_ipc_decoder_feed(d, more->data, (size_t)more->size, err));
  OK(qv_ipc_decoder_feed(d, "junk", 4, err));
  OK(qv_ipc_decoder_finish(d, err));
  assert_true(qv_ipc_decoder_done(d));
  assert_int_equal(qv_ipc_decoder_position(d), buf->size);
  qv_ipc_decoder_free(d); /* frees the queued batches */
  qv_buffer_release(more);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static void test_errors_are_sticky(void **state) {
  (void)state;
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  const uint8_t bad[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0xFF, 0xFF, 0xFF}; /* length -16 */
  qv_error e1, e2;
  assert_int_equal(qv_ipc_decoder_feed(d, bad, 8, &e1), QV_ERR_INVALID_DATA);
  assert_int_equal(qv_ipc_decoder_feed(d, bad, 1, &e2), QV_ERR_INVALID_DATA);
  assert_string_equal(e1.message, e2.message);
  qv_ipc_event ev;
  assert_int_equal(qv_ipc_decoder_next(d, &ev, &e2), QV_ERR_INVALID_DATA);
  assert_int_equal(qv_ipc_decoder_finish(d, &e2), QV_ERR_INVALID_DATA);
  assert_string_equal(e1.message, e2.message);
  /* the message survives even when the first caller passed no error slot */
  qv_ipc_decoder_free(d);
  OK(qv_ipc_decoder_new(NULL, &d, err));
  assert_int_equal(qv_ipc_decoder_feed(d, bad, 8, NULL), QV_ERR_INVALID_DATA);
  assert_int_equal(qv_ipc_decoder_finish(d, &e2), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e2.message, "-16"));
  qv_ipc_decoder_free(d);
}

static void test_bytes_needed(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  /* feeding exactly what the decoder asks for reaches EOS */
  int64_t pos = 0;
  int steps = 0;
  while (!qv_ipc_decoder_done(d)) {
    int64_t need = qv_ipc_decoder_bytes_needed(d);
    assert_true(need >= 1);
    assert_true(pos + need <= buf->size);
    OK(qv_ipc_decoder_feed(d, buf->data + pos, (size_t)need, err));
    pos += need;
    steps++;
  }
  assert_int_equal(pos, buf->size);
  assert_true(steps > 5);
  qv_ipc_decoder_free(d);
  qv_buffer_release(buf);
  qv_table_release(t);
}

/* The fd reader consumes exactly the stream: a second stream follows. */
static void test_fd_reader_stops_at_eos(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  int64_t len = 3;
  qv_table *t = tu_table(s, &len, 1, true);
  qv_schema_release(s);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  int p[2];
  assert_int_equal(pipe(p), 0);
  /* two streams back to back, small enough for the pipe buffer */
  assert_true(buf->size * 2 < 65536);
  assert_int_equal(write(p[1], buf->data, (size_t)buf->size), buf->size);
  assert_int_equal(write(p[1], buf->data, (size_t)buf->size), buf->size);
  close(p[1]);
  for (int k = 0; k < 2; k++) {
    qv_table *back = NULL;
    OK(qv_ipc_read_stream_fd(p[0], NULL, &back, err));
    tu_assert_tables_equal(t, back, "stream from fd");
    qv_table_release(back);
  }
  qv_error e;
  qv_table *none = NULL;
  assert_int_equal(qv_ipc_read_stream_fd(p[0], NULL, &none, &e), QV_ERR_TRUNCATED);
  close(p[0]);
  qv_buffer_release(buf);
  qv_table_release(t);
}

static void test_legacy_gold_streams(void **state) {
  (void)state;
  const char *root = tu_arrow_testing();
  char path[1024];
  snprintf(path, sizeof path, "%s/data/arrow-ipc-stream/integration/0.14.1/generated_primitive.stream", root);
  qv_buffer *buf = NULL;
  qv_error e;
  if (qv__io_map_path(path, &buf, &e) != QV_OK) fail_msg("%s", e.message);
  /* legacy framing: the first int32 is the metadata length, EOS is 4 zero bytes */
  assert_true(buf->data[0] != 0xFF);
  decoded one, whole;
  decode(buf, 1, NULL, &one);
  decode(buf, 0, NULL, &whole);
  assert_int_equal(one.finish, QV_OK);
  assert_true(one.eos);
  assert_int_equal(one.table->n_batches, 2);
  tu_assert_tables_equal(whole.table, one.table, "legacy, 1 byte at a time");
  qv_table_release(one.table);
  qv_table_release(whole.table);
  qv_buffer_release(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chunking_does_not_matter),
      cmocka_unit_test(test_feed_buffer_pieces),
      cmocka_unit_test(test_truncation_at_every_byte),
      cmocka_unit_test(test_require_eos),
      cmocka_unit_test(test_bytes_after_eos_ignored),
      cmocka_unit_test(test_errors_are_sticky),
      cmocka_unit_test(test_bytes_needed),
      cmocka_unit_test(test_fd_reader_stops_at_eos),
      cmocka_unit_test(test_legacy_gold_streams),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
