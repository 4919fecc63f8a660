/* bench_ipc: quiver's side of the IPC benchmarks P1, P2, P3 and P6 (issues
 * 3 and 5), plus P1's in-process peer, a memcpy of the same bytes.
 *
 *   P1  the seed table (1M rows x 2 utf8 columns of 10 random characters,
 *       28,000,008 bytes of buffers) written as a stream into memory;
 *       peer: memcpy of its four buffers into one warm destination (the
 *       floor any writer pays: the stream must hold those bytes);
 *   P1p the same stream written as pieces (qv_ipc_writer_open_pieces: the
 *       body referenced in the arrays' buffers, only headers copied), the
 *       writer's own cost for callers that send with writev or gRPC slices;
 *       peer: the same memcpy;
 *   P2  that stream read back from memory, zero-copy
 *       (qv_ipc_read_stream_buffer); also at 100k rows, to show the time does
 *       not grow with the row count, and with validation skipped
 *       (skip_validation), to set beside arrow-rs's unvalidated path;
 *   P3  a stream of 1,280 float64 columns x 1,024 rows read from memory,
 *       in microseconds per column (also with validation skipped);
 *   P6  the seed table written and read with LZ4_FRAME and with ZSTD (and
 *       the compressed stream's size).
 *
 * Each figure is the median of QV_BENCH_RUNS (default 7) timed samples; fast
 * operations are repeated inside a sample (bench_time). Output: result lines
 * (bench_util.h) that scripts/run-bench.sh merges with the peers' lines.
 * The peers (bench/peer_pyarrow.py, bench/peers/rust) build the same shapes.
 * Prints only; asserts nothing about durations. */
#include <stdint.h>
#include <string.h>

#include "bench_util.h"
#include "quiver/quiver.h"

#define SEED_ROWS 1000000
#define WIDE_COLS 1280
#define WIDE_ROWS 1024

static void check(qv_status st, const qv_error *err, const char *what) {
  if (st == QV_OK) return;
  fprintf(stderr, "bench_ipc: %s failed: %s\n", what, err->message);
  exit(1);
}

/* A table of one batch whose columns are `cols` named c0.. (or a, b). */
static qv_table *make_table(int32_t n_cols, qv_array **cols, int64_t rows, const char *const *names) {
  qv_error err;
  qv_field **fields = calloc((size_t)n_cols, sizeof *fields);
  if (fields == NULL) exit(1);
  for (int32_t i = 0; i < n_cols; i++) {
    char name[16];
    if (names == NULL) snprintf(name, sizeof name, "c%d", (int)i);
    check(qv_field_new(names ? names[i] : name, cols[i]->type, true, NULL, &fields[i], &err), &err, "field");
  }
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;
  qv_table *table = NULL;
  check(qv_schema_new(fields, n_cols, NULL, &schema, &err), &err, "schema");
  check(qv_batch_new(schema, rows, cols, NULL, &batch, &err), &err, "batch");
  check(qv_table_new(schema, &batch, 1, &table, &err), &err, "table");
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int32_t i = 0; i < n_cols; i++) qv_field_release(fields[i]);
  free(fields);
  return table;
}

/* The seed table (same generator as tools/demo/seed_table.c). */
static qv_table *seed_table(int64_t rows) {
  qv_error err;
  uint64_t state = BENCH_SEED;
  qv_array *cols[2] = {NULL, NULL};
  for (int c = 0; c < 2; c++) {
    qv_builder *b = NULL;
    check(qv_builder_new(qv_type_string(), NULL, &b, &err), &err, "builder");
    check(qv_builder_reserve(b, rows, &err), &err, "reserve");
    char s[BENCH_SEED_LEN];
    for (int64_t i = 0; i < rows; i++) {
      bench_seed_string(&state, s);
      check(qv_builder_append_string(b, s, BENCH_SEED_LEN), qv_builder_error(b), "append");
    }
    check(qv_builder_finish(b, &cols[c], &err), &err, "finish");
    qv_builder_free(b);
  }
  static const char *const names[2] = {"a", "b"};
  qv_table *t = make_table(2, cols, rows, names);
  for (int c = 0; c < 2; c++) qv_array_release(cols[c]);
  return t;
}

/* 1,280 float64 columns sharing one buffer of 1,024 values. */
static qv_table *wide_table(void) {
  qv_error err;
  qv_buffer *values = NULL;
  check(qv_buffer_allocate(NULL, WIDE_ROWS * 8, false, &values, &err), &err, "allocate");
  for (int i = 0; i < WIDE_ROWS; i++) ((double *)values->data)[i] = i * 0.25;
  qv_array **cols = calloc(WIDE_COLS, sizeof *cols);
  if (cols == NULL) exit(1);
  for (int i = 0; i < WIDE_COLS; i++) {
    qv_buffer *bufs[2] = {NULL, values};
    check(qv_array_new(qv_type_float64(), WIDE_ROWS, 0, 0, 2, bufs, 0, NULL, NULL, &cols[i], &err), &err,
          "array");
  }
  qv_table *t = make_table(WIDE_COLS, cols, WIDE_ROWS, NULL);
  for (int i = 0; i < WIDE_COLS; i++) qv_array_release(cols[i]);
  free(cols);
  qv_buffer_release(values);
  return t;
}

/* ------------------------------------------------------------ timed jobs */

typedef struct job {
  qv_table *table;          /* to write */
  qv_buffer *bytes;         /* to read */
  qv_ipc_read_options ropt; /* reading */
  qv_ipc_write_options opt; /* writing */
  uint8_t *dst;             /* memcpy destination */
  int64_t out_size;         /* last written size */
} job;

static void do_write(void *ctx) {
  job *j = ctx;
  qv_error err;
  qv_buffer *out = NULL;
  check(qv_ipc_write_stream_buffer(j->table, &j->opt, &out, &err), &err, "write stream");
  j->out_size = out->size;
  qv_buffer_release(out);
}

static void do_write_pieces(void *ctx) {
  job *j = ctx;
  qv_error err;
  qv_ipc_writer *w = NULL;
  qv_ipc_pieces *p = NULL;
  check(qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, j->table->schema, &j->opt, &w, &err), &err, "open pieces");
  check(qv_ipc_writer_write_table(w, j->table, &err), &err, "write pieces");
  check(qv_ipc_writer_close(w, &err), &err, "close pieces");
  check(qv_ipc_writer_take_pieces(w, &p, &err), &err, "take pieces");
  j->out_size = qv_ipc_pieces_size(p);
  bench_sink(p);
  qv_ipc_pieces_free(p);
  qv_ipc_writer_free(w);
}

static void do_read(void *ctx) {
  job *j = ctx;
  qv_error err;
  qv_table *t = NULL;
  check(qv_ipc_read_stream_buffer(j->bytes, &j->ropt, &t, &err), &err, "read stream");
  bench_sink(t);
  qv_table_release(t);
}

/* Copies the data buffers of every column of batch 0 back to back. */
static void do_memcpy(void *ctx) {
  job *j = ctx;
  const qv_batch *b = j->table->batches[0];
  int64_t at = 0;
  for (int32_t c = 0; c < b->n_columns; c++) {
    const qv_array *a = b->columns[c];
    for (int32_t k = 0; k < a->n_buffers; k++) {
      const qv_buffer *buf = a->buffers[k];
      if (buf == NULL) continue;
      memcpy(j->dst + at, buf->data, (size_t)buf->size);
      at += buf->size;
    }
  }
  bench_sink(j->dst);
  j->out_size = at;
}

static int64_t body_bytes(const qv_table *t) {
  int64_t n = 0;
  const qv_batch *b = t->batches[0];
  for (int32_t c = 0; c < b->n_columns; c++)
    for (int32_t k = 0; k < b->columns[c]->n_buffers; k++)
      if (b->columns[c]->buffers[k]) n += b->columns[c]->buffers[k]->size;
  return n;
}

static qv_buffer *write_once(const qv_table *t, const qv_ipc_write_options *o) {
  qv_error err;
  qv_buffer *out = NULL;
  check(qv_ipc_write_stream_buffer(t, o, &out, &err), &err, "write stream");
  return out;
}

int main(void) {
  qv_ipc_write_options plain = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_table *seed = seed_table(SEED_ROWS);
  int64_t nbytes = body_bytes(seed);

  /* P1: write vs memcpy (destination allocated and touched once). */
  job j = {.table = seed, .opt = plain};
  j.dst = malloc((size_t)nbytes);
  if (j.dst == NULL) return 1;
  memset(j.dst, 1, (size_t)nbytes);
  char label[128];
  snprintf(label, sizeof label, "P1 write seed stream to memory (%lld B of buffers)", (long long)nbytes);
  double tq, tm;
  bench_time_pair(do_write, &j, do_memcpy, &j, &tq, &tm);
  bench_row("P1", label, "ms", tq * 1e3, "memcpy (same process)", tm * 1e3);
  bench_time_pair(do_write_pieces, &j, do_memcpy, &j, &tq, &tm);
  bench_row("P1p", "P1 same, as pieces (body referenced, not copied)", "ms", tq * 1e3, "memcpy (same process)",
            tm * 1e3);
  free(j.dst);

  /* P2: zero-copy read, at 1M and at 100k rows. */
  j.bytes = write_once(seed, &plain);
  bench_line("P2", "us", "quiver", bench_time(do_read, &j) * 1e6, "P2 read seed stream from memory (1M rows)");
  j.ropt.skip_validation = true;
  bench_line("P2-nv", "us", "quiver", bench_time(do_read, &j) * 1e6, "P2 same, validation skipped (both sides)");
  j.ropt.skip_validation = false;
  qv_buffer_release(j.bytes);
  qv_table *small = seed_table(SEED_ROWS / 10);
  j.bytes = write_once(small, &plain);
  bench_line("P2s", "us", "quiver", bench_time(do_read, &j) * 1e6,
             "P2 same at 100k rows (zero-copy: ~ the 1M figure)");
  qv_buffer_release(j.bytes);
  qv_table_release(small);

  /* P3: wide stream, per column. */
  qv_table *wide = wide_table();
  j.bytes = write_once(wide, &plain);
  bench_line("P3", "us/col", "quiver", bench_time(do_read, &j) * 1e6 / WIDE_COLS,
             "P3 read 1,280 float64 cols x 1,024 rows stream");
  j.ropt.skip_validation = true;
  bench_line("P3-nv", "us/col", "quiver", bench_time(do_read, &j) * 1e6 / WIDE_COLS,
             "P3 same, validation skipped (both sides)");
  j.ropt.skip_validation = false;
  qv_buffer_release(j.bytes);
  qv_table_release(wide);

  /* P6: compressed write and read. */
  static const struct {
    qv_ipc_compression codec;
    const char *name, *key;
  } codecs[2] = {{QV_IPC_COMPRESSION_LZ4_FRAME, "LZ4", "P6-lz4"}, {QV_IPC_COMPRESSION_ZSTD, "ZSTD", "P6-zstd"}};
  for (int c = 0; c < 2; c++) {
    char key[32];
    j.opt = plain;
    j.opt.compression = codecs[c].codec;
    snprintf(key, sizeof key, "%s-w", codecs[c].key);
    snprintf(label, sizeof label, "P6 write seed stream, %s", codecs[c].name);
    bench_line(key, "ms", "quiver", bench_time(do_write, &j) * 1e3, label);
    j.bytes = write_once(seed, &j.opt);
    snprintf(key, sizeof key, "%s-r", codecs[c].key);
    snprintf(label, sizeof label, "P6 read seed stream, %s", codecs[c].name);
    bench_line(key, "ms", "quiver", bench_time(do_read, &j) * 1e3, label);
    snprintf(key, sizeof key, "%s-size", codecs[c].key);
    snprintf(label, sizeof label, "P6 %s stream size", codecs[c].name);
    bench_line(key, "MB", "quiver", (double)j.bytes->size / 1e6, label);
    qv_buffer_release(j.bytes);
  }
  qv_table_release(seed);
  return 0;
}
