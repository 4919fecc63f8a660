/* bench_mmap: quiver's side of P4 (issue 5): opening a 1 GiB IPC file and
 * reading every batch by mmap, with the peak RSS growth it costs.
 *
 *   bench_mmap --make PATH   writes the file: 128 batches of 16 float64
 *                            columns x 65,536 rows (8 MiB of body per batch,
 *                            1 GiB in all), through qv_ipc_writer_open_path
 *   bench_mmap --make-small PATH
 *                            writes P4s's file: 100,000 batches of one
 *                            float64 column x 1,336 rows (10.4 KiB of body
 *                            each, 1 GiB in all): many small batches, whose
 *                            headers a reader must not read through the
 *                            mapping (each page fault reads ahead 64 KiB)
 *   bench_mmap PATH [KEY]    times qv_ipc_file_reader_open_path + reading
 *                            every batch + releasing it all (median of
 *                            QV_BENCH_RUNS, default 7), and prints the peak
 *                            RSS growth over those runs, under result key
 *                            KEY (default P4; P4s for the small batches)
 *
 * The measurement runs in a process of its own (scripts/run-bench.sh starts
 * it apart from everything else, and pyarrow's side in another), and the
 * peak (VmHWM) is reset to the current RSS before the first open, so the
 * growth is this job's alone: the pages of the file that reading touched
 * (headers and footer; bodies are only referenced) and the reader's own
 * allocations. Prints result lines (bench_util.h); asserts nothing. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bench_util.h"
#include "quiver/quiver.h"

#define P4_ROWS 65536
#define P4_BATCHES 128
#define P4S_ROWS 1336
#define P4S_BATCHES 100000

static void check(qv_status st, const qv_error *err, const char *what) {
  if (st == QV_OK) return;
  fprintf(stderr, "bench_mmap: %s failed: %s\n", what, err->message);
  exit(1);
}

static int make_file(const char *path, int n_cols, int64_t rows, int n_batches) {
  qv_error err;
  qv_buffer *values = NULL;
  check(qv_buffer_allocate(NULL, rows * 8, false, &values, &err), &err, "allocate");
  for (int64_t i = 0; i < rows; i++) ((double *)values->data)[i] = (double)i * 0.5;
  qv_field *fields[16]; /* n_cols <= 16 */
  qv_array *cols[16];
  for (int c = 0; c < n_cols; c++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", c);
    check(qv_field_new(name, qv_type_float64(), true, NULL, &fields[c], &err), &err, "field");
    qv_buffer *bufs[2] = {NULL, values};
    check(qv_array_new(qv_type_float64(), rows, 0, 0, 2, bufs, 0, NULL, NULL, &cols[c], &err), &err, "array");
  }
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;
  qv_ipc_writer *w = NULL;
  check(qv_schema_new(fields, n_cols, NULL, &schema, &err), &err, "schema");
  check(qv_batch_new(schema, rows, cols, NULL, &batch, &err), &err, "batch");
  check(qv_ipc_writer_open_path(path, QV_IPC_FORMAT_FILE, schema, NULL, &w, &err), &err, "open writer");
  for (int b = 0; b < n_batches; b++) check(qv_ipc_writer_write_batch(w, batch, &err), &err, "write batch");
  check(qv_ipc_writer_close(w, &err), &err, "close writer");
  qv_ipc_writer_free(w);
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int c = 0; c < n_cols; c++) {
    qv_array_release(cols[c]);
    qv_field_release(fields[c]);
  }
  qv_buffer_release(values);
  return 0;
}

static void open_and_read_all(void *ctx) {
  const char *path = ctx;
  qv_error err;
  qv_ipc_file_reader *r = NULL;
  check(qv_ipc_file_reader_open_path(path, NULL, &r, &err), &err, "open");
  int64_t n = qv_ipc_file_reader_num_batches(r), rows = 0;
  for (int64_t i = 0; i < n; i++) {
    qv_batch *b = NULL;
    check(qv_ipc_file_reader_read_batch(r, i, &b, &err), &err, "read batch");
    rows += b->length;
    qv_batch_release(b);
  }
  qv_ipc_file_reader_free(r);
  if (rows == 0) {
    fprintf(stderr, "bench_mmap: %s holds no rows\n", path);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--make") == 0) return make_file(argv[2], 16, P4_ROWS, P4_BATCHES);
  if (argc == 3 && strcmp(argv[1], "--make-small") == 0) return make_file(argv[2], 1, P4S_ROWS, P4S_BATCHES);
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: bench_mmap [--make | --make-small] PATH | bench_mmap PATH [KEY]\n");
    return 2;
  }
  const char *path = argv[1];
  const char *key = argc == 3 ? argv[2] : "P4";
  bool small = strcmp(key, "P4") != 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bench_mmap: cannot open %s (make it with --make)\n", path);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  double size = (double)ftell(f);
  fclose(f);

  bench_reset_peak_rss();
  long rss0 = bench_status_kib("VmRSS");
  double t = bench_time(open_and_read_all, (void *)path);
  long hwm = bench_status_kib("VmHWM");
  char label[128], rss_key[32];
  snprintf(label, sizeof label, "%s open 1 GiB file by mmap, read every batch%s", key,
           small ? " (100,000 batches of 10 KiB)" : "");
  bench_line(key, "ms", "quiver", t * 1e3, label);
  snprintf(rss_key, sizeof rss_key, "%s-rss", key);
  snprintf(label, sizeof label, "%s peak RSS growth (1%% of file = %.1f MiB)", key, size / 100 / 1048576);
  bench_line(rss_key, "MiB", "quiver", (double)(hwm - rss0) / 1024, label);
  return 0;
}
