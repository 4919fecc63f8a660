/* Part 3 of the demo: the seed table through Arrow IPC. The table is
 * written as a stream into memory and read back zero-copy (the arrays read
 * back point into the stream's bytes: nothing is parsed or copied), then
 * written in the file format and read back by mmap. Timings sit next to the
 * row-wise JSON Lines baseline from the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "demo.h"
#include "quiver/ipc.h"

#define RUNS 5

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static double median(double *v) {
  qsort(v, RUNS, sizeof *v, cmp_double);
  return v[RUNS / 2];
}

/* True when every byte of every column buffer lies inside `buf`. */
static int buffers_inside(const qv_table *t, const qv_buffer *buf) {
  for (int64_t b = 0; b < t->n_batches; b++)
    for (int32_t c = 0; c < t->batches[b]->n_columns; c++) {
      const qv_array *a = t->batches[b]->columns[c];
      for (int32_t i = 0; i < a->n_buffers; i++) {
        const qv_buffer *x = a->buffers[i];
        if (x && x->size && (x->data < buf->data || x->data + x->size > buf->data + buf->size)) return 0;
      }
    }
  return 1;
}

int demo_ipc_part(const qv_table *table, const char *file_path, double jsonl_write, double jsonl_read,
                  int64_t jsonl_bytes) {
  qv_error err = {0};
  qv_status st = QV_OK;
  double tw[RUNS], tr[RUNS], fw[RUNS], fr[RUNS];
  qv_buffer *stream = NULL;
  qv_table *back = NULL;
  int64_t stream_bytes = 0, file_bytes = 0;
  int zero_copy = 0, equal = 0;

  for (int r = 0; r < RUNS && st == QV_OK; r++) {
    /* Release the previous round's results outside the timed regions. */
    qv_table_release(back);
    back = NULL;
    qv_buffer_release(stream);
    stream = NULL;
    double t0 = demo_now();
    st = qv_ipc_write_stream_buffer(table, NULL, &stream, &err);
    double t1 = demo_now();
    if (st != QV_OK) break;
    st = qv_ipc_read_stream_buffer(stream, NULL, &back, &err);
    double t2 = demo_now();
    tw[r] = t1 - t0;
    tr[r] = t2 - t1;
  }
  if (st == QV_OK) {
    stream_bytes = stream->size;
    zero_copy = buffers_inside(back, stream);
    equal = qv_table_equals(table, back);
  }

  for (int r = 0; r < RUNS && st == QV_OK; r++) {
    qv_table_release(back);
    back = NULL;
    double t0 = demo_now();
    st = qv_ipc_write_path(file_path, QV_IPC_FORMAT_FILE, table, NULL, &err);
    double t1 = demo_now();
    if (st != QV_OK) break;
    st = qv_ipc_read_path(file_path, NULL, &back, &err);
    double t2 = demo_now();
    fw[r] = t1 - t0;
    fr[r] = t2 - t1;
  }
  if (st != QV_OK) {
    fprintf(stderr, "demo: %s: %s\n", qv_status_name(st), err.message);
    qv_buffer_release(stream);
    qv_table_release(back);
    return 1;
  }
  struct stat sb;
  if (stat(file_path, &sb) == 0) file_bytes = (int64_t)sb.st_size;
  equal = equal && qv_table_equals(table, back);

  printf("== Part 3: the seed table through Arrow IPC (medians of %d runs) ==\n\n", RUNS);
  printf("read back from the file by mmap (%s), first rows:\n", file_path);
  qv_print_options opts = qv_print_options_default();
  opts.max_rows = 3;
  qv_table_print(stdout, back, &opts, &err);
  printf("\n%-36s %11s %11s %11s %12s\n", "", "write", "read", "total", "bytes");
  double sw = median(tw), sr = median(tr), w = median(fw), rd = median(fr);
  printf("%-36s %8.2f ms %8.3f ms %8.2f ms %12lld\n", "quiver IPC stream, memory", sw * 1e3, sr * 1e3,
         (sw + sr) * 1e3, (long long)stream_bytes);
  printf("%-36s %8.2f ms %8.3f ms %8.2f ms %12lld\n", "quiver IPC file, write + mmap read", w * 1e3, rd * 1e3,
         (w + rd) * 1e3, (long long)file_bytes);
  printf("%-36s %8.2f ms %8.3f ms %8.2f ms %12lld\n", "JSON Lines (row-wise baseline)", jsonl_write * 1e3,
         jsonl_read * 1e3, (jsonl_write + jsonl_read) * 1e3, (long long)jsonl_bytes);
  printf("\nIPC stream round trip vs JSON Lines: %.0fx faster in total; reading: %.0fx faster\n",
         (jsonl_write + jsonl_read) / (sw + sr), jsonl_read / sr);
  printf("zero-copy read: every buffer read back lies inside the stream's bytes: %s\n", zero_copy ? "yes" : "NO");
  printf("round trips equal to the original table: %s\n", equal ? "yes" : "NO");
  qv_buffer_release(stream);
  qv_table_release(back);
  return (zero_copy && equal) ? 0 : 1;
}
