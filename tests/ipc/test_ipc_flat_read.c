/* The fast read paths decide only what the general path accepts, the same
 * way: the flat batch loader (ipc/body_flat.c) and the one-call buffer
 * read (ipc/stream_buffer.c). Every byte of a stream's RecordBatch
 * messages (metadata and body) is mutated a few ways; each mutant is read
 * by qv_ipc_read_stream_buffer with the fast paths on, and by the pull
 * reader with the flat loader off, under three validation settings. The
 * verdicts, messages and, on success, the arrays (lengths, null counts and
 * the very same buffer bytes) must agree. */
#include "ipc_test_util.h"

#include "core/internal.h"
#include "core/layout.h"
#include "ipc/body.h"

/* Storage types of one flat field of each shape: bits, values of widths
 * 1, 2, 4, 8, 16 and a fixed_size_binary's, 32- and 64-bit offsets. */
static bool shape_wanted(qv_type_id id) {
  switch (id) {
    case QV_TYPE_BOOL: case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_FLOAT64:
    case QV_TYPE_DECIMAL128: case QV_TYPE_FIXED_SIZE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY:
      return true;
    default:
      return false;
  }
}

/* One flat field of the kitchen-sink schema per shape (the flat plan must
 * take each), plus that every field the plan takes is one of the flat
 * layouts. */
static qv_schema *flat_schema(void) {
  qv_schema *all = tu_all_types_schema();
  qv_field *keep[64];
  int32_t n = 0, flat = 0;
  bool seen[QV_TYPE_ID_COUNT] = {false};
  for (int32_t i = 0; i < all->n_fields && n < 64; i++) {
    qv_schema *one = NULL;
    qv_field *f = all->fields[i];
    OK(qv_schema_new(&f, 1, NULL, &one, err));
    const bool is_flat = qv__flat_plan_buffers(one) > 0;
    qv_schema_release(one);
    const qv_type *s = qv_type_storage(f->type);
    const qv__layout *lay = qv__layout_of(s);
    if (is_flat) {
      flat++;
      assert_true(lay->arity == QV__CHILDREN_NONE && !lay->dictionary && !lay->variadic &&
                  lay->nulls == QV__NULLS_BITMAP);
    }
    if (shape_wanted(s->id) && !seen[s->id]) {
      if (!is_flat) fail_msg("field '%s' should take the flat path", f->name);
      seen[s->id] = true;
      keep[n++] = f;
    }
  }
  assert_int_equal(n, 9);
  assert_true(flat > n); /* the temporal types and the others of the same shapes too */
  qv_schema *s = NULL;
  OK(qv_schema_new(keep, n, NULL, &s, err));
  qv_schema_release(all);
  return s;
}

typedef struct outcome {
  qv_status st;
  char message[QV_ERROR_MESSAGE_MAX];
  qv_table *table;
} outcome;

static void read_fast(qv_buffer *buf, const qv_ipc_read_options *o, outcome *out) {
  qv_error err;
  memset(&err, 0, sizeof err);
  qv__flat_plan_set_disabled(false);
  out->table = NULL;
  out->st = qv_ipc_read_stream_buffer(buf, o, &out->table, &err);
  snprintf(out->message, sizeof out->message, "%s", out->st == QV_OK ? "" : err.message);
}

static void read_general(qv_buffer *buf, const qv_ipc_read_options *o, outcome *out) {
  qv_error err;
  memset(&err, 0, sizeof err);
  qv__flat_plan_set_disabled(true);
  out->table = NULL;
  qv_ipc_stream_reader *r = NULL;
  out->st = qv_ipc_stream_reader_open_buffer(buf, o, &r, &err);
  if (out->st == QV_OK) out->st = qv_ipc_stream_reader_read_all(r, &out->table, &err);
  qv_ipc_stream_reader_free(r);
  qv__flat_plan_set_disabled(false);
  snprintf(out->message, sizeof out->message, "%s", out->st == QV_OK ? "" : err.message);
}

/* The same arrays: shape, null counts and the same bytes at the same
 * addresses (both read zero-copy from one input) or equal copies. */
static void assert_same_arrays(const qv_array *a, const qv_array *b, const char *where) {
  if (a->length != b->length || a->offset != b->offset || a->null_count != b->null_count ||
      a->n_buffers != b->n_buffers || a->n_children != b->n_children || !qv_type_equals(a->type, b->type, true))
    fail_msg("%s: arrays differ in shape", where);
  for (int32_t k = 0; k < a->n_buffers; k++) {
    const qv_buffer *x = a->buffers[k], *y = b->buffers[k];
    if ((x == NULL) != (y == NULL)) fail_msg("%s: buffer %d present on one side only", where, k);
    if (x == NULL) continue;
    if (x->size != y->size) fail_msg("%s: buffer %d has %lld vs %lld bytes", where, k, (long long)x->size, (long long)y->size);
    if (x->data != y->data && (x->size > 0 && memcmp(x->data, y->data, (size_t)x->size) != 0))
      fail_msg("%s: buffer %d bytes differ", where, k);
  }
}

static void assert_same(const outcome *fast, const outcome *gen, const char *what) {
  if (fast->st != gen->st || strcmp(fast->message, gen->message) != 0)
    fail_msg("%s: fast path %s '%s', general path %s '%s'", what, qv_status_name(fast->st), fast->message,
             qv_status_name(gen->st), gen->message);
  if (fast->st != QV_OK) return;
  assert_int_equal(fast->table->n_batches, gen->table->n_batches);
  for (int64_t i = 0; i < fast->table->n_batches; i++) {
    const qv_batch *x = fast->table->batches[i], *y = gen->table->batches[i];
    assert_int_equal(x->length, y->length);
    assert_int_equal(x->n_columns, y->n_columns);
    for (int32_t c = 0; c < x->n_columns; c++) assert_same_arrays(x->columns[c], y->columns[c], what);
  }
}

/* Mutates bytes [schema end, schema end + span) (span < 0: up to the EOS
 * marker). */
static void run_mutants(qv_buffer *stream, int64_t span, const char *what) {
  /* The stream is schema, batches, EOS: mutate everything after the
   * Schema message (found with the pull reader's position). */
  qv_ipc_stream_reader *r = NULL;
  OK(qv_ipc_stream_reader_open_buffer(stream, NULL, &r, err));
  const int64_t from = qv_ipc_stream_reader_position(r);
  qv_ipc_stream_reader_free(r);
  int64_t to = stream->size - 8; /* the EOS marker stays */
  if (span >= 0 && from + span < to) to = from + span;
  assert_true(from > 0 && from < to);

  qv_ipc_read_options opts[3] = {QV_IPC_READ_OPTIONS_DEFAULT, QV_IPC_READ_OPTIONS_DEFAULT,
                                 QV_IPC_READ_OPTIONS_DEFAULT};
  opts[1].skip_validation = true;
  opts[2].full_validation = true;
  /* 0x18 turns a 16-byte length into 8: a bitmap one byte short. */
  enum { N_FLIPS = 5 };
  static const uint8_t flips[N_FLIPS] = {0x01, 0x80, 0xFF, 0x10, 0x18};
  qv_buffer *copy = NULL;
  OK(qv_buffer_allocate(NULL, stream->size, false, &copy, err));
  int64_t accepted = 0, rejected = 0;
  for (int64_t at = from - 1; at < to; at++) {
    for (int f = 0; f < N_FLIPS; f++) {
      memcpy(copy->data, stream->data, (size_t)stream->size);
      if (at >= from) copy->data[at] ^= flips[f];
      for (int o = 0; o < 3; o++) {
        outcome fast, gen;
        read_fast(copy, &opts[o], &fast);
        read_general(copy, &opts[o], &gen);
        char label[160];
        snprintf(label, sizeof label, "%s: byte %lld ^ 0x%02x, options %d", what, (long long)at, flips[f], o);
        assert_same(&fast, &gen, label);
        if (fast.st == QV_OK) accepted++;
        else rejected++;
        qv_table_release(fast.table);
        qv_table_release(gen.table);
      }
      if (at < from) break; /* the unmutated stream, once */
    }
  }
  /* Both verdicts occur: the mutants reach the checks on both sides. */
  assert_true(accepted > 0);
  assert_true(rejected > 0);
  qv_buffer_release(copy);
}

static qv_buffer *stream_of(const qv_table *t) {
  qv_buffer *b = NULL;
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, &wo, &b, err));
  return b;
}

static void test_flat_paths_agree_on_mutants(void **state) {
  (void)state;
  qv_schema *s = flat_schema();
  static const int64_t lengths[2] = {5, 3};
  qv_table *t = tu_table(s, lengths, 2, true);
  qv_buffer *stream = stream_of(t);
  run_mutants(stream, -1, "flat schema, nulls, two batches");
  qv_buffer_release(stream);
  qv_table_release(t);
  /* Without nulls (validity buffers dropped) and an empty batch. */
  static const int64_t empty[2] = {4, 0};
  t = tu_table(s, empty, 2, false);
  stream = stream_of(t);
  run_mutants(stream, -1, "flat schema, no nulls, an empty batch");
  qv_buffer_release(stream);
  qv_table_release(t);
  /* 70 rows: bitmaps of 9 bytes in 16-byte buffers (the first batch's
   * metadata and the start of its body). */
  static const int64_t longer[1] = {70};
  t = tu_table(s, longer, 1, true);
  stream = stream_of(t);
  run_mutants(stream, 1200, "flat schema, 70 rows");
  qv_buffer_release(stream);
  qv_table_release(t);
  qv_schema_release(s);
}

/* A schema with nested, dictionary and view fields goes the general way;
 * both reads still agree. */
static void test_other_schemas_agree(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  static const int64_t lengths[1] = {6};
  qv_table *t = tu_table(s, lengths, 1, true);
  qv_buffer *stream = stream_of(t);
  outcome fast, gen;
  qv_ipc_read_options o = QV_IPC_READ_OPTIONS_DEFAULT;
  read_fast(stream, &o, &fast);
  read_general(stream, &o, &gen);
  assert_same(&fast, &gen, "kitchen sink");
  assert_int_equal(fast.st, QV_OK);
  tu_assert_tables_equal(t, fast.table, "kitchen sink");
  qv_table_release(fast.table);
  qv_table_release(gen.table);
  qv_buffer_release(stream);
  qv_table_release(t);
  qv_schema_release(s);
}

/* Every prefix of a stream (cut inside a prefix, metadata or body, or at a
 * message boundary with and without require_eos), and the stream behind
 * an IPC file's magic: the one-call read and the pull reader agree. */
static void test_cut_streams_agree(void **state) {
  (void)state;
  qv_schema *s = flat_schema();
  static const int64_t lengths[2] = {3, 2};
  qv_table *t = tu_table(s, lengths, 2, true);
  qv_buffer *stream = stream_of(t);
  qv_ipc_read_options opts[2] = {QV_IPC_READ_OPTIONS_DEFAULT, QV_IPC_READ_OPTIONS_DEFAULT};
  opts[1].require_eos = true;
  int64_t ok = 0;
  for (int64_t n = 0; n <= stream->size; n++) {
    qv_buffer *cut = NULL;
    OK(qv_buffer_view(stream, 0, n, &cut, err));
    for (int o = 0; o < 2; o++) {
      outcome fast, gen;
      read_fast(cut, &opts[o], &fast);
      read_general(cut, &opts[o], &gen);
      char label[96];
      snprintf(label, sizeof label, "first %lld bytes, require_eos %d", (long long)n, o);
      assert_same(&fast, &gen, label);
      ok += fast.st == QV_OK;
      qv_table_release(fast.table);
      qv_table_release(gen.table);
    }
    qv_buffer_release(cut);
  }
  assert_true(ok > 2); /* message boundaries without require_eos, and the whole stream */
  /* The same stream after the file magic. */
  qv_buffer *magic = NULL;
  OK(qv_buffer_allocate(NULL, stream->size + 8, false, &magic, err));
  memcpy(magic->data, "ARROW1\0\0", 8);
  memcpy(magic->data + 8, stream->data, (size_t)stream->size);
  outcome fast, gen;
  read_fast(magic, &opts[0], &fast);
  read_general(magic, &opts[0], &gen);
  assert_same(&fast, &gen, "after the file magic");
  assert_int_equal(fast.st, QV_OK);
  qv_table_release(fast.table);
  qv_table_release(gen.table);
  qv_buffer_release(magic);
  qv_buffer_release(stream);
  qv_table_release(t);
  qv_schema_release(s);
}

/* A column kept after its table and input are released still reads right
 * (the flat path's block holds the body). */
static void test_flat_column_outlives_table(void **state) {
  (void)state;
  qv_schema *s = flat_schema();
  static const int64_t lengths[1] = {9};
  qv_table *t = tu_table(s, lengths, 1, true);
  qv_buffer *stream = stream_of(t);
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(stream, NULL, &back, err));
  qv_buffer_release(stream);
  for (int32_t c = 0; c < s->n_fields; c++) {
    qv_array *kept = qv_array_retain(back->batches[0]->columns[c]);
    if (c == s->n_fields - 1) {
      qv_table_release(back);
      back = NULL;
    }
    if (!qv_array_equals(kept, t->batches[0]->columns[c])) fail_msg("column %d differs", c);
    qv_array_release(kept);
  }
  qv_table_release(back);
  qv_table_release(t);
  qv_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flat_paths_agree_on_mutants),
      cmocka_unit_test(test_other_schemas_agree),
      cmocka_unit_test(test_cut_streams_agree),
      cmocka_unit_test(test_flat_column_outlives_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
