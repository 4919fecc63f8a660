/* Every allocation of the main operations fails once (oom_inject.h): IPC
 * stream and file writing (plain, LZ4, ZSTD, delta dictionaries) and
 * reading (one-call, pull readers, push decoder), integration JSON writing
 * and reading, C Data export and import (arrays, batches, schemas,
 * streams), printing, full validation and comparison. Each failure must come
 * back as QV_ERR_NO_MEMORY with a message, leak nothing (ASan) and leave no
 * half-made result; a run that recovers must still give the right answer.
 * The data is the all-types table of the IPC tests (every storage type,
 * nulls, dictionaries, extensions), two batches.
 */
#include "oom/oom_inject.h"

#include "ipc/ipc_test_util.h"
#include "quiver/cdata.h"
#include "quiver/json.h"
#include "quiver/print.h"
#include "quiver/table.h"

typedef struct fixture {
  qv_schema *schema;
  qv_table *table;
  qv_buffer *stream, *file, *lz4, *zstd; /* the table, written (disarmed) */
  char *json;
  size_t json_n;
  const qv_ipc_write_options *opts; /* for the write operations */
  qv_buffer *input;                 /* for the read operations */
} fixture;

static fixture g;

static qv_buffer *written(qv_ipc_format format, qv_ipc_compression codec) {
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.compression = codec;
  qv_buffer *b = NULL;
  OK(qv_ipc_write_buffer(format, g.table, &o, &b, err));
  return b;
}

static int setup(void **state) {
  (void)state;
  static const int64_t lengths[2] = {5, 3};
  g.schema = tu_all_types_schema();
  g.table = tu_table(g.schema, lengths, 2, true);
  g.stream = written(QV_IPC_FORMAT_STREAM, QV_IPC_COMPRESSION_NONE);
  g.file = written(QV_IPC_FORMAT_FILE, QV_IPC_COMPRESSION_NONE);
  g.lz4 = written(QV_IPC_FORMAT_STREAM, QV_IPC_COMPRESSION_LZ4_FRAME);
  g.zstd = written(QV_IPC_FORMAT_FILE, QV_IPC_COMPRESSION_ZSTD);
  OK(qv_json_write_table_memory(g.table, NULL, &g.json, &g.json_n, err));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  qv_json_free(g.json);
  qv_buffer_release(g.stream);
  qv_buffer_release(g.file);
  qv_buffer_release(g.lz4);
  qv_buffer_release(g.zstd);
  qv_table_release(g.table);
  qv_schema_release(g.schema);
  return 0;
}

/* ---- checks (disarmed) ---- */

static void check_table(void *ctx, void *result) {
  (void)ctx;
  tu_assert_tables_equal(g.table, result, "result of a run");
  qv_table_release(result);
}

static void check_ipc_buffer(void *ctx, void *result) {
  (void)ctx;
  qv_table *back = NULL;
  OK(qv_ipc_read_buffer(result, NULL, &back, err));
  tu_assert_tables_equal(g.table, back, "written then read");
  qv_table_release(back);
  qv_buffer_release(result);
}

static void check_string(void *ctx, void *result) {
  (void)ctx;
  assert_true(strlen(result) > 100);
  qv_free_string(result);
}

static void check_nothing(void *ctx, void *result) {
  (void)ctx;
  assert_null(result);
}

/* ---- IPC writing ---- */

static qv_status run_write_stream(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  return qv_ipc_write_stream_buffer(g.table, g.opts, (qv_buffer **)result, e);
}

static qv_status run_write_file(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  return qv_ipc_write_file_buffer(g.table, g.opts, (qv_buffer **)result, e);
}

/* The incremental writer, batch by batch. */
static qv_status run_writer_batches(void *ctx, void **result, qv_error *e) {
  qv_ipc_format format = *(const qv_ipc_format *)ctx;
  qv_ipc_writer *w = NULL;
  qv_status st = qv_ipc_writer_open_memory(format, g.schema, g.opts, &w, e);
  for (int64_t i = 0; st == QV_OK && i < g.table->n_batches; i++) st = qv_ipc_writer_write_batch(w, g.table->batches[i], e);
  if (st == QV_OK) st = qv_ipc_writer_close(w, e);
  if (st == QV_OK) st = qv_ipc_writer_take_buffer(w, (qv_buffer **)result, e);
  qv_ipc_writer_free(w);
  return st;
}

static void test_ipc_write_plain(void **state) {
  (void)state;
  g.opts = NULL;
  assert_true(oom_sweep("write stream", run_write_stream, check_ipc_buffer, NULL) > 20);
  assert_true(oom_sweep("write file", run_write_file, check_ipc_buffer, NULL) > 20);
  qv_ipc_format formats[2] = {QV_IPC_FORMAT_STREAM, QV_IPC_FORMAT_FILE};
  for (int i = 0; i < 2; i++) oom_sweep("writer, batch by batch", run_writer_batches, check_ipc_buffer, &formats[i]);
}

static void test_ipc_write_compressed(void **state) {
  (void)state;
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  g.opts = &o;
  o.compression = QV_IPC_COMPRESSION_LZ4_FRAME;
  oom_sweep("write stream, LZ4", run_write_stream, check_ipc_buffer, NULL);
  o.compression = QV_IPC_COMPRESSION_ZSTD;
  o.alignment = 8;
  oom_sweep("write file, ZSTD, 8-byte alignment", run_write_file, check_ipc_buffer, NULL);
  o.compression = QV_IPC_COMPRESSION_NONE;
  o.legacy_framing = true;
  oom_sweep("write stream, legacy framing", run_write_stream, check_ipc_buffer, NULL);
  g.opts = NULL;
}

/* ---- IPC reading ---- */

static qv_status run_read_any(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  return qv_ipc_read_buffer(g.input, NULL, (qv_table **)result, e);
}

static qv_status run_stream_reader(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  qv_ipc_stream_reader *r = NULL;
  qv_status st = qv_ipc_stream_reader_open_buffer(g.input, NULL, &r, e);
  if (st == QV_OK) st = qv_ipc_stream_reader_read_all(r, (qv_table **)result, e);
  qv_ipc_stream_reader_free(r);
  return st;
}

static qv_status run_file_reader(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  qv_ipc_file_reader *r = NULL;
  qv_batch *bs[4] = {NULL};
  int64_t n = 0;
  qv_status st = qv_ipc_file_reader_open_buffer(g.input, NULL, &r, e);
  if (st == QV_OK) n = qv_ipc_file_reader_num_batches(r);
  assert_true(n <= 4);
  /* last batch first: dictionaries are found by position, not by order */
  for (int64_t i = n - 1; st == QV_OK && i >= 0; i--) st = qv_ipc_file_reader_read_batch(r, i, &bs[i], e);
  if (st == QV_OK) st = qv_table_new(qv_ipc_file_reader_schema(r), bs, n, (qv_table **)result, e);
  for (int64_t i = 0; i < n; i++) qv_batch_release(bs[i]);
  qv_ipc_file_reader_free(r);
  return st;
}

/* The push decoder, fed 7 bytes at a time (copies), collecting batches. */
static qv_status run_decoder(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  qv_ipc_decoder *d = NULL;
  qv_batch *bs[4] = {NULL};
  int nb = 0;
  qv_status st = qv_ipc_decoder_new(NULL, &d, e);
  for (int64_t pos = 0; st == QV_OK && pos < g.input->size; pos += 7) {
    int64_t n = g.input->size - pos < 7 ? g.input->size - pos : 7;
    st = qv_ipc_decoder_feed(d, g.input->data + pos, (size_t)n, e);
    qv_ipc_event ev;
    while (st == QV_OK && (st = qv_ipc_decoder_next(d, &ev, e)) == QV_OK && ev.kind != QV_IPC_EVENT_NONE)
      if (ev.kind == QV_IPC_EVENT_BATCH) {
        assert_true(nb < 4);
        bs[nb++] = ev.batch;
      }
  }
  if (st == QV_OK) st = qv_ipc_decoder_finish(d, e);
  if (st == QV_OK) st = qv_table_new(qv_ipc_decoder_schema(d), bs, nb, (qv_table **)result, e);
  for (int i = 0; i < nb; i++) qv_batch_release(bs[i]);
  qv_ipc_decoder_free(d);
  return st;
}

static void test_ipc_read_stream(void **state) {
  (void)state;
  g.input = g.stream;
  assert_true(oom_sweep("read stream", run_read_any, check_table, NULL) > 50);
  oom_sweep("stream reader", run_stream_reader, check_table, NULL);
  oom_sweep("push decoder", run_decoder, check_table, NULL);
  g.input = g.lz4;
  oom_sweep("read LZ4 stream", run_read_any, check_table, NULL);
}

/* A stream without dictionaries, whose Schema message the schema cache
 * remembers: every allocation of a read that finds it there fails once
 * (the cache primed by one read beforehand and kept between runs). */
static void test_ipc_read_stream_schema_cached(void **state) {
  (void)state;
  qv_field *fields[2] = {tu_field("n", qv_type_int64(), true), tu_field("s", qv_type_string(), true)};
  qv_schema *schema = NULL;
  OK(qv_schema_new(fields, 2, NULL, &schema, err));
  for (int i = 0; i < 2; i++) qv_field_release(fields[i]);
  static const int64_t lengths[2] = {4, 2};
  qv_table *t = tu_table(schema, lengths, 2, true);
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_buffer *stream = NULL;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, &o, &stream, err));
  qv_table *saved = g.table;
  g.table = t;
  g.input = stream;
  qv__schema_cache_clear();
  qv_table *first = NULL;
  OK(qv_ipc_read_buffer(stream, NULL, &first, err));
  qv_table_release(first);
  assert_int_equal(qv__schema_cache_size(), 1);
  g_oom_keep_schema_cache = true;
  long n = oom_sweep("read stream, schema cached", run_read_any, check_table, NULL);
  long m = oom_sweep("push decoder, schema cached", run_decoder, check_table, NULL);
  g_oom_keep_schema_cache = false;
  assert_int_equal(qv__schema_cache_size(), 1);
  /* The one-call read of two batches allocates only a block per batch
   * (views, arrays and batch) and the table's list of batches. */
  assert_true(n >= 3 && m > 5);
  qv__schema_cache_clear();
  g.table = saved;
  qv_table_release(t);
  qv_buffer_release(stream);
  qv_schema_release(schema);
}

static void test_ipc_read_file(void **state) {
  (void)state;
  g.input = g.file;
  assert_true(oom_sweep("read file", run_read_any, check_table, NULL) > 50);
  oom_sweep("file reader", run_file_reader, check_table, NULL);
  g.input = g.zstd;
  oom_sweep("read ZSTD file", run_read_any, check_table, NULL);
}

/* ---- dictionaries: a delta, then a replacement ---- */

typedef struct dict_case {
  qv_schema *schema;
  qv_batch *b[3];
  qv_buffer *stream;
} dict_case;

static qv_array *string_values(const char *const *v, int n) {
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_string(), NULL, &b, err));
  for (int i = 0; i < n; i++) OK(qv_builder_append_string(b, v[i], -1));
  qv_array *a = NULL;
  OK(qv_builder_finish(b, &a, err));
  qv_builder_free(b);
  return a;
}

static void dict_case_init(dict_case *c) {
  static const char *const d0[] = {"a", "b"}, *const d1[] = {"a", "b", "c"}, *const d2[] = {"x"};
  const char *const *dv[3] = {d0, d1, d2};
  const int dn[3] = {2, 3, 1};
  const int32_t idx[3][2] = {{1, 0}, {2, 1}, {0, 0}};
  qv_type *dt = tu_dict(qv_type_int32(), qv_type_string());
  qv_field *f = NULL;
  OK(qv_field_new("d", dt, true, NULL, &f, err));
  OK(qv_schema_new(&f, 1, NULL, &c->schema, err));
  qv_field_release(f);
  for (int i = 0; i < 3; i++) {
    qv_array *values = string_values(dv[i], dn[i]);
    qv_buffer *ib = NULL;
    OK(qv_buffer_copy_from(NULL, idx[i], 8, &ib, err));
    qv_buffer *bufs[2] = {NULL, ib};
    qv_array *col = NULL;
    OK(qv_array_new(dt, 2, 0, 0, 2, bufs, 0, NULL, values, &col, err));
    OK(qv_batch_new(c->schema, 2, &col, NULL, &c->b[i], err));
    qv_array_release(col);
    qv_buffer_release(ib);
    qv_array_release(values);
  }
  qv_type_release(dt);
}

static void dict_case_free(dict_case *c) {
  for (int i = 0; i < 3; i++) qv_batch_release(c->b[i]);
  qv_schema_release(c->schema);
  qv_buffer_release(c->stream);
}

static qv_status run_write_dicts(void *ctx, void **result, qv_error *e) {
  dict_case *c = ctx;
  qv_ipc_writer *w = NULL;
  qv_status st = qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, c->schema, NULL, &w, e);
  for (int i = 0; st == QV_OK && i < 3; i++) st = qv_ipc_writer_write_batch(w, c->b[i], e);
  if (st == QV_OK) st = qv_ipc_writer_close(w, e);
  if (st == QV_OK) st = qv_ipc_writer_take_buffer(w, (qv_buffer **)result, e);
  qv_ipc_writer_free(w);
  return st;
}

static void check_dicts_table(void *ctx, void *result) {
  dict_case *c = ctx;
  qv_table *t = result;
  assert_int_equal(t->n_batches, 3);
  qv_error why;
  for (int i = 0; i < 3; i++)
    if (qv_batch_diff(t->batches[i], c->b[i], NULL, &why) != QV_OK) fail_msg("batch %d: %s", i, why.message);
  qv_table_release(t);
}

static void check_dicts_buffer(void *ctx, void *result) {
  qv_table *t = NULL;
  OK(qv_ipc_read_stream_buffer(result, NULL, &t, err));
  check_dicts_table(ctx, t);
  qv_buffer_release(result);
}

static qv_status run_read_dicts(void *ctx, void **result, qv_error *e) {
  dict_case *c = ctx;
  return qv_ipc_read_stream_buffer(c->stream, NULL, (qv_table **)result, e);
}

static void test_ipc_dictionary_delta_and_replacement(void **state) {
  (void)state;
  dict_case c = {0};
  dict_case_init(&c);
  oom_sweep("write delta + replacement", run_write_dicts, check_dicts_buffer, &c);
  OK(run_write_dicts(&c, (void **)&c.stream, err));
  oom_sweep("read delta + replacement", run_read_dicts, check_dicts_table, &c);
  dict_case_free(&c);
}

/* ---- integration JSON ---- */

static qv_status run_json_write(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  size_t n = 0;
  return qv_json_write_table_memory(g.table, NULL, (char **)result, &n, e);
}

static void check_json_text(void *ctx, void *result) {
  (void)ctx;
  qv_table *back = NULL;
  OK(qv_json_read_table_memory(result, strlen(result), &back, err));
  tu_assert_tables_equal(g.table, back, "JSON written then read");
  qv_table_release(back);
  qv_json_free(result);
}

static qv_status run_json_read(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  return qv_json_read_table_memory(g.json, g.json_n, (qv_table **)result, e);
}

static void test_json_write(void **state) {
  (void)state;
  assert_true(oom_sweep("JSON write", run_json_write, check_json_text, NULL) > 20);
}

static void test_json_read(void **state) {
  (void)state;
  assert_true(oom_sweep("JSON read", run_json_read, check_table, NULL) > 50);
}

/* ---- C Data ---- */

/* Exports the schema and every batch, imports them back as a table. */
static qv_status run_cdata_roundtrip(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  struct ArrowSchema cs;
  struct ArrowArray ca;
  qv_schema *s = NULL;
  qv_batch *bs[4] = {NULL};
  int64_t n = 0;
  qv_status st = qv_schema_export(g.schema, &cs, e);
  if (st == QV_OK) st = qv_schema_import(&cs, &s, e);
  for (; st == QV_OK && n < g.table->n_batches; n++) {
    st = qv_batch_export(g.table->batches[n], &ca, e);
    if (st == QV_OK) st = qv_batch_import(&ca, s, &bs[n], e);
  }
  if (st == QV_OK) st = qv_table_new(s, bs, n, (qv_table **)result, e);
  for (int64_t i = 0; i < n; i++) qv_batch_release(bs[i]);
  qv_schema_release(s);
  return st;
}

/* Exports the table as an ArrowArrayStream and pulls it back. */
static qv_status run_cdata_stream(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  struct ArrowArrayStream cs;
  qv_stream_reader *r = NULL;
  qv_batch *bs[4] = {NULL};
  int nb = 0;
  qv_status st = qv_table_export_stream(g.table, &cs, e);
  if (st == QV_OK) st = qv_stream_import(&cs, &r, e);
  while (st == QV_OK) {
    qv_batch *b = NULL;
    st = qv_stream_reader_next(r, &b, e);
    if (st != QV_OK || b == NULL) break;
    assert_true(nb < 4);
    bs[nb++] = b;
  }
  if (st == QV_OK) st = qv_table_new(qv_stream_reader_schema(r), bs, nb, (qv_table **)result, e);
  for (int i = 0; i < nb; i++) qv_batch_release(bs[i]);
  qv_stream_reader_release(r);
  return st;
}

static void test_cdata_roundtrip(void **state) {
  (void)state;
  assert_true(oom_sweep("C Data export + import", run_cdata_roundtrip, check_table, NULL) > 50);
}

static void test_cdata_stream(void **state) {
  (void)state;
  oom_sweep("C Data stream export + import", run_cdata_stream, check_table, NULL);
}

/* ---- table and batch editing ---- */

/* A pipeline over the all-types table: column lookups, a row slice, a
 * concatenation, select / drop / rename / add / set / remove on tables and
 * batches, chunked slices and tables from arrays, columns and batches. Any
 * step may fail; everything made so far is released. */
static qv_status run_table_edits(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  qv_table *t = g.table, *sl = NULL, *cat = NULL, *sel = NULL, *drop = NULL, *ren = NULL, *add = NULL, *set = NULL,
           *rem = NULL, *cols = NULL, *fromb = NULL, *froma = NULL;
  qv_chunked_array *c3 = NULL, *byname = NULL, *cs = NULL;
  qv_batch *bsel = NULL, *bdrop = NULL, *bren = NULL, *badd = NULL, *bset = NULL, *brem = NULL, *bfrom = NULL;
  qv_schema *one = NULL;
  const char *n0 = g.schema->fields[0]->name, *n3 = g.schema->fields[3]->name;
  qv_field *f3 = g.schema->fields[3];
  static const int32_t pick[3] = {3, 0, 3};
  static const char *const renames[2] = {"first", "second"};
  qv_status st = qv_table_slice(t, 2, 4, &sl, e);
  qv_table *both[2] = {t, sl};
  if (st == QV_OK) st = qv_table_concat(both, 2, &cat, e);
  if (st == QV_OK) st = qv_table_column(cat, 3, &c3, e);
  if (st == QV_OK) st = qv_table_column_by_name(cat, n0, &byname, e);
  if (st == QV_OK) st = qv_table_select(cat, pick, 3, &sel, e);
  if (st == QV_OK) st = qv_table_drop_columns(sel, &n0, 1, &drop, e);
  if (st == QV_OK) st = qv_table_rename_columns(drop, renames, 2, &ren, e);
  if (st == QV_OK) st = qv_table_add_column(ren, 1, f3, c3, &add, e);
  if (st == QV_OK) st = qv_table_set_column(add, 0, f3, c3, &set, e);
  if (st == QV_OK) st = qv_table_remove_column(set, 2, &rem, e);
  if (st == QV_OK) st = qv_chunked_array_slice(c3, 3, 7, &cs, e);
  if (st == QV_OK) st = qv_schema_new(&f3, 1, NULL, &one, e);
  if (st == QV_OK) st = qv_table_from_columns(one, &cs, &cols, e);
  /* batches */
  qv_batch *b = t->batches[0];
  if (st == QV_OK) st = qv_batch_select(b, pick, 3, &bsel, e);
  if (st == QV_OK) st = qv_batch_drop_columns(bsel, &n0, 1, &bdrop, e);
  if (st == QV_OK) st = qv_batch_rename_columns(bdrop, renames, 2, &bren, e);
  if (st == QV_OK) st = qv_batch_add_column(bren, 0, f3, b->columns[3], &badd, e);
  if (st == QV_OK) st = qv_batch_set_column(badd, 2, f3, b->columns[3], &bset, e);
  if (st == QV_OK) st = qv_batch_remove_column(bset, 1, &brem, e);
  if (st == QV_OK) st = qv_batch_from_arrays(&n3, &b->columns[3], 1, &bfrom, e);
  qv_batch *two[2] = {bfrom, bfrom};
  if (st == QV_OK) st = qv_table_from_batches(two, 2, &fromb, e);
  if (st == QV_OK) st = qv_table_from_arrays(&n3, &t->batches[1]->columns[3], 1, &froma, e);
  if (st == QV_OK) {
    /* the result: the edited table, then the other results as batches of
     * one checked table each would be; keep it to the main line */
    *result = rem;
    rem = NULL;
    assert_int_equal(cols->n_rows, 7);
    assert_int_equal(fromb->n_rows, 2 * b->length);
    assert_int_equal(froma->n_rows, t->batches[1]->length);
    assert_int_equal(brem->n_columns, 2);
  }
  qv_table_release(sl);
  qv_table_release(cat);
  qv_table_release(sel);
  qv_table_release(drop);
  qv_table_release(ren);
  qv_table_release(add);
  qv_table_release(set);
  qv_table_release(rem);
  qv_table_release(cols);
  qv_table_release(fromb);
  qv_table_release(froma);
  qv_chunked_array_release(c3);
  qv_chunked_array_release(byname);
  qv_chunked_array_release(cs);
  qv_batch_release(bsel);
  qv_batch_release(bdrop);
  qv_batch_release(bren);
  qv_batch_release(badd);
  qv_batch_release(bset);
  qv_batch_release(brem);
  qv_batch_release(bfrom);
  qv_schema_release(one);
  return st;
}

/* The edited table equals the one the same pipeline makes without
 * injected failures. */
static void check_table_edits(void *ctx, void *result) {
  void *want = NULL;
  qv_error why;
  OK(run_table_edits(ctx, &want, err));
  if (qv_table_diff(want, result, NULL, &why) != QV_OK) fail_msg("edited table differs: %s", why.message);
  assert_int_equal(((qv_table *)result)->schema->n_fields, 2);
  qv_table_release(want);
  qv_table_release(result);
}

static void test_table_edits(void **state) {
  (void)state;
  assert_true(oom_sweep("table and batch editing", run_table_edits, check_table_edits, NULL) > 20);
}

/* ---- builders of every type ---- */

/* The column tu_column(type, 0, 8, true) builds, appended under injection:
 * a failed append escapes from tu_append with its status. */
static qv_status run_build_column(void *ctx, void **result, qv_error *e) {
  qv_type *type = ctx;
  qv_builder *b = NULL;
  qv_status st = qv_builder_new(type, NULL, &b, e);
  if (st != QV_OK) return st;
  jmp_buf escape;
  volatile qv_status vst = QV_OK;
  if (setjmp(escape) == 0) {
    tu_append_escape = &escape;
    if (qv_type_storage(type)->id == QV_TYPE_RUN_END_ENCODED) {
      /* tu_column's runs: 1 + k % 3 slots, null when k % 4 == 1 */
      int64_t done = 0;
      for (int64_t k = 0; done < 8; k++) {
        int64_t run = 1 + k % 3 < 8 - done ? 1 + k % 3 : 8 - done;
        if (k % 4 == 1) {
          tu_ok(b, qv_builder_append_nulls(b, run));
        } else {
          tu_append(qv_builder_child(b, 1), k, false);
          tu_ok(b, qv_builder_append_run(b, run));
        }
        done += run;
      }
    } else {
      for (int64_t i = 0; i < 8; i++) tu_append(b, i, i % 3 == 1);
    }
    tu_append_escape = NULL;
    vst = qv_builder_finish(b, (qv_array **)result, e);
  } else {
    tu_append_escape = NULL;
    vst = tu_append_status;
    if (e != NULL) *e = *qv_builder_error(tu_append_failed);
  }
  qv_builder_free(b);
  return vst;
}

static void check_built_column(void *ctx, void *result) {
  qv_array *want = tu_column(ctx, 0, 8, true);
  qv_error why;
  if (qv_array_diff(result, want, &why) != QV_OK) fail_msg("built under injection: %s", why.message);
  qv_array_release(want);
  qv_array_release(result);
}

static void test_build_every_type(void **state) {
  (void)state;
  for (int32_t i = 0; i < g.schema->n_fields; i++) {
    const qv_field *f = g.schema->fields[i];
    oom_sweep(f->name, run_build_column, check_built_column, f->type);
  }
}

/* ---- all-null arrays of every type ---- */

static qv_status run_new_null(void *ctx, void **result, qv_error *e) {
  return qv_array_new_null(ctx, 5, (qv_array **)result, e);
}

static void check_null_array(void *ctx, void *result) {
  qv_array *a = result;
  assert_int_equal(a->length, 5);
  assert_true(qv_type_equals(a->type, ctx, true));
  OK(qv_array_validate(a, QV_VALIDATE_FULL, err));
  for (int64_t i = 0; i < 5; i++) assert_false(qv_array_is_valid_any(a, i));
  qv_array_release(a);
}

static void test_new_null_every_type(void **state) {
  (void)state;
  for (int32_t i = 0; i < g.schema->n_fields; i++) {
    const qv_field *f = g.schema->fields[i];
    if (qv_type_storage(f->type)->id == QV_TYPE_NULL) continue;
    oom_sweep(f->name, run_new_null, check_null_array, f->type);
  }
}

/* ---- slices: offsets rebased, bitmaps shifted, children cut ---- */

static qv_table *g_slice;

static qv_status run_write_slice(void *ctx, void **result, qv_error *e) {
  qv_ipc_format format = *(const qv_ipc_format *)ctx;
  return qv_ipc_write_buffer(format, g_slice, NULL, (qv_buffer **)result, e);
}

static void check_slice_buffer(void *ctx, void *result) {
  (void)ctx;
  qv_table *back = NULL;
  OK(qv_ipc_read_buffer(result, NULL, &back, err));
  tu_assert_tables_equal(g_slice, back, "slice written then read");
  qv_table_release(back);
  qv_buffer_release(result);
}

static qv_status run_json_write_slice(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  size_t n = 0;
  return qv_json_write_table_memory(g_slice, NULL, (char **)result, &n, e);
}

static void check_slice_json(void *ctx, void *result) {
  (void)ctx;
  qv_table *back = NULL;
  OK(qv_json_read_table_memory(result, strlen(result), &back, err));
  tu_assert_tables_equal(g_slice, back, "slice as JSON");
  qv_table_release(back);
  qv_json_free(result);
}

static void test_write_slices(void **state) {
  (void)state;
  g_slice = tu_slice_table(g.table, 1, 5);
  qv_ipc_format formats[2] = {QV_IPC_FORMAT_STREAM, QV_IPC_FORMAT_FILE};
  for (int i = 0; i < 2; i++) oom_sweep("write a slice", run_write_slice, check_slice_buffer, &formats[i]);
  oom_sweep("JSON write of a slice", run_json_write_slice, check_slice_json, NULL);
  qv_table_release(g_slice);
  g_slice = NULL;
}

/* ---- printing, validation, comparison ---- */

static qv_status run_print(void *ctx, void **result, qv_error *e) {
  const qv_print_options *o = ctx;
  return qv_table_to_string(g.table, o, (char **)result, e);
}

static qv_status run_validate(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  (void)result;
  qv_status st = QV_OK;
  for (int64_t i = 0; st == QV_OK && i < g.table->n_batches; i++)
    st = qv_batch_validate(g.table->batches[i], QV_VALIDATE_FULL, e);
  return st;
}

static qv_status run_compare(void *ctx, void **result, qv_error *e) {
  (void)ctx;
  (void)result;
  qv_table *copy = NULL;
  qv_status st = qv_table_new(g.schema, g.table->batches, g.table->n_batches, &copy, e);
  if (st == QV_OK) st = qv_table_diff(g.table, copy, NULL, e);
  qv_table_release(copy);
  return st;
}

static void test_print(void **state) {
  (void)state;
  qv_print_options o = qv_print_options_default();
  assert_true(oom_sweep("print", run_print, check_string, &o) > 5);
  o.max_rows = 1;
  oom_sweep("print, one row", run_print, check_string, &o);
}

static void test_validate_and_compare(void **state) {
  (void)state;
  oom_sweep("full validation", run_validate, check_nothing, NULL);
  oom_sweep("table diff", run_compare, check_nothing, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipc_write_plain),
      cmocka_unit_test(test_ipc_write_compressed),
      cmocka_unit_test(test_ipc_read_stream),
      cmocka_unit_test(test_ipc_read_stream_schema_cached),
      cmocka_unit_test(test_ipc_read_file),
      cmocka_unit_test(test_ipc_dictionary_delta_and_replacement),
      cmocka_unit_test(test_json_write),
      cmocka_unit_test(test_json_read),
      cmocka_unit_test(test_cdata_roundtrip),
      cmocka_unit_test(test_cdata_stream),
      cmocka_unit_test(test_table_edits),
      cmocka_unit_test(test_build_every_type),
      cmocka_unit_test(test_new_null_every_type),
      cmocka_unit_test(test_write_slices),
      cmocka_unit_test(test_print),
      cmocka_unit_test(test_validate_and_compare),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
