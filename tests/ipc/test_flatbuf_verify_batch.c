/* The verifier's fast path for plain RecordBatch Messages
 * (ipc/flatbuf/fb_verify_batch.c) accepts only what the generic verifier
 * accepts: real batch messages (every type, including view types with
 * variadicBufferCounts) are accepted, messages of another shape are left
 * to the generic verifier, and for every single-byte mutation of a batch
 * message that the fast path still accepts, the generic verifier agrees. */
#include "ipc/ipc_test_util.h"

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_verify.h"
#include "ipc/flatbuf/fb_verify_batch.h"
#include "ipc/schema_cache_test_util.h"

/* The generic verdict, with the limits the IPC readers use. */
static bool generic_ok(const uint8_t *buf, size_t len) {
  const qv_fb_verify_opts opts = {64 + 4, 0, false};
  return qv__fb_verify(buf, len, &qv__fb_desc_message, &opts, NULL, NULL) == QV_OK;
}

/* Calls fn on the metadata of every message of stream s. */
static int each_message(const qv_buffer *s, void (*fn)(const uint8_t *meta, size_t len, void *ctx), void *ctx) {
  int n = 0;
  int64_t pos = 0;
  while (pos + 8 <= s->size) {
    int32_t len;
    memcpy(&len, s->data + pos + 4, 4);
    if (len == 0) break;
    const uint8_t *meta = s->data + pos + 8;
    qv_ipc_message msg;
    OK(qv__ipc_message_decode(meta, (size_t)len, &msg, err));
    fn(meta, (size_t)len, ctx);
    pos += 8 + len + msg.body_length;
    n++;
  }
  return n;
}

typedef struct counts {
  int batches, others, fast_accepted_mutants;
} counts;

static void classify(const uint8_t *meta, size_t len, void *ctx) {
  counts *c = ctx;
  qv_ipc_message msg;
  OK(qv__ipc_message_decode(meta, len, &msg, err));
  if (msg.type == FB_HEADER_RECORD_BATCH) {
    assert_true(qv__fb_batch_message_plain(meta, len));
    c->batches++;
  } else {
    assert_false(qv__fb_batch_message_plain(meta, len)); /* Schema, DictionaryBatch: the generic way */
    c->others++;
  }
}

/* Batch messages of another shape: not fast, still verified. */
static void classify_not_plain_batches(const uint8_t *meta, size_t len, void *ctx) {
  counts *c = ctx;
  qv_ipc_message msg;
  OK(qv__ipc_message_decode(meta, len, &msg, err));
  if (msg.type != FB_HEADER_RECORD_BATCH) return;
  assert_false(qv__fb_batch_message_plain(meta, len));
  assert_true(generic_ok(meta, len));
  c->batches++;
}

/* Every single-byte mutation (several values per byte) of a batch
 * message: whatever the fast path accepts, the generic verifier accepts. */
static void mutate(const uint8_t *meta, size_t len, void *ctx) {
  counts *c = ctx;
  if (!qv__fb_batch_message_plain(meta, len)) return;
  uint8_t *m = malloc(len);
  assert_non_null(m);
  static const int deltas[] = {1, -1, 4, -4, 8, 0x40, 0x80};
  for (size_t i = 0; i < len; i++) {
    uint8_t values[2 + sizeof deltas / sizeof deltas[0]];
    size_t nv = 0;
    values[nv++] = 0;
    values[nv++] = 0xFF;
    for (size_t k = 0; k < sizeof deltas / sizeof deltas[0]; k++) values[nv++] = (uint8_t)(meta[i] + deltas[k]);
    for (size_t k = 0; k < nv; k++) {
      memcpy(m, meta, len);
      m[i] = values[k];
      if (!qv__fb_batch_message_plain(m, len)) continue;
      c->fast_accepted_mutants++;
      if (!generic_ok(m, len)) fail_msg("byte %zu set to 0x%02x: fast path accepts, generic verifier rejects", i, m[i]);
    }
  }
  /* Cut short: never accepted past the end. */
  for (size_t cut = 0; cut < len; cut += 4)
    if (qv__fb_batch_message_plain(meta, cut)) assert_true(generic_ok(meta, cut));
  free(m);
}

static qv_buffer *all_types_stream(void) {
  qv_schema *s = tu_all_types_schema();
  static const int64_t lengths[2] = {5, 3};
  qv_table *t = tu_table(s, lengths, 2, true);
  qv_buffer *b = sc_stream(t);
  qv_table_release(t);
  qv_schema_release(s);
  return b;
}

static void test_batch_messages_take_the_fast_path(void **state) {
  (void)state;
  qv_buffer *b = all_types_stream();
  counts c = {0, 0, 0};
  each_message(b, classify, &c);
  assert_int_equal(c.batches, 2);
  assert_true(c.others >= 1);
  qv_buffer_release(b);
}

static void test_mutants_it_accepts_verify(void **state) {
  (void)state;
  qv_table *small = sc_table(0);
  qv_buffer *streams[2] = {all_types_stream(), sc_stream(small)};
  counts c = {0, 0, 0};
  for (int i = 0; i < 2; i++) {
    each_message(streams[i], mutate, &c);
    qv_buffer_release(streams[i]);
  }
  assert_true(c.fast_accepted_mutants > 0); /* values and lengths change freely */
  qv_table_release(small);
}

/* custom_metadata and compression are not this path's shape. */
static void test_other_shapes_go_the_generic_way(void **state) {
  (void)state;
  qv_table *t = sc_table(2);
  qv_metadata *md = NULL;
  OK(qv_metadata_new(&md, err));
  OK(qv_metadata_append(md, "k", 1, "v", 1, err));
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, t->schema, &o, &w, err));
  qv_batch *with_md = NULL;
  OK(qv_batch_new(t->schema, t->batches[0]->length, t->batches[0]->columns, md, &with_md, err));
  OK(qv_ipc_writer_write_batch(w, with_md, err));
  OK(qv_ipc_writer_close(w, err));
  qv_buffer *b = NULL;
  OK(qv_ipc_writer_take_buffer(w, &b, err));
  qv_ipc_writer_free(w);
  counts c = {0, 0, 0};
  each_message(b, classify_not_plain_batches, &c);
  assert_int_equal(c.batches, 1);
  qv_buffer_release(b);

  o.compression = QV_IPC_COMPRESSION_ZSTD;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, &o, &b, err));
  c.batches = 0;
  each_message(b, classify_not_plain_batches, &c);
  assert_int_equal(c.batches, 2);
  qv_buffer_release(b);
  qv_batch_release(with_md);
  qv_metadata_free(md);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_messages_take_the_fast_path),
      cmocka_unit_test(test_mutants_it_accepts_verify),
      cmocka_unit_test(test_other_shapes_go_the_generic_way),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
