/* Parts 4 and 5 of the demo: kernels over a column of the seed table's size
 * (sum, min/max, a filter, a sort) and the seed table through CSV next to
 * IPC, each timed. */
#include <stdio.h>
#include <stdlib.h>

#include "demo.h"

static qv_array *random_int64(int64_t rows) {
  qv_builder *b;
  qv_array *out = NULL;
  if (qv_builder_new(qv_type_int64(), NULL, &b, NULL) != QV_OK) return NULL;
  uint64_t x = 88172645463325252ull;
  for (int64_t i = 0; i < rows; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    qv_builder_append_int64(b, (int64_t)(x % 1000000));
  }
  qv_builder_finish(b, &out, NULL);
  qv_builder_free(b);
  return out;
}

int demo_compute_part(int64_t rows) {
  qv_error err = {0};
  printf("\n== Part 4: compute kernels over %lld random int64 values ==\n\n", (long long)rows);
  qv_array *col = random_int64(rows), *mask = NULL, *kept = NULL, *order = NULL;
  if (col == NULL) return 1;
  qv_scalar sum, mn, mx;
  qv_scalar threshold = {.kind = QV_SCALAR_INT, .type = col->type, .value.i = 500000};
  double t0 = demo_now();
  qv_status st = qv_compute_sum(col, &sum, &err);
  double t1 = demo_now();
  if (st == QV_OK) st = qv_compute_min_max(col, &mn, &mx, &err);
  double t2 = demo_now();
  if (st == QV_OK) st = qv_compute_compare_scalar(QV_CMP_LESS, col, &threshold, &mask, &err);
  if (st == QV_OK) st = qv_compute_filter(col, mask, QV_FILTER_DROP, &kept, &err);
  double t3 = demo_now();
  if (st == QV_OK) st = qv_compute_sort_indices(col, QV_SORT_ASCENDING, QV_NULLS_AT_END, &order, &err);
  double t4 = demo_now();
  if (st == QV_OK) {
    printf("sum %lld in %.2f ms; min %lld, max %lld in %.2f ms\n", (long long)sum.value.i, (t1 - t0) * 1e3,
           (long long)mn.value.i, (long long)mx.value.i, (t2 - t1) * 1e3);
    printf("filter value < 500000: %lld rows kept in %.2f ms\n", (long long)kept->length, (t3 - t2) * 1e3);
    printf("sort_indices (stable): %.1f ms\n", (t4 - t3) * 1e3);
  } else {
    fprintf(stderr, "demo: %s\n", err.message);
  }
  qv_array_release(order);
  qv_array_release(kept);
  qv_array_release(mask);
  qv_array_release(col);
  return st == QV_OK ? 0 : 1;
}

int demo_csv_part(const qv_table *table) {
  qv_error err = {0};
  printf("\n== Part 5: the seed table through CSV, beside IPC ==\n\n");
  char *csv = NULL;
  size_t n = 0;
  qv_table *back = NULL;
  qv_buffer *ipc = NULL;
  double t0 = demo_now();
  qv_status st = qv_csv_write_table_memory(table, NULL, &csv, &n, &err);
  double t1 = demo_now();
  if (st == QV_OK) st = qv_csv_read_memory(csv, n, NULL, &back, &err);
  double t2 = demo_now();
  if (st == QV_OK) st = qv_ipc_write_stream_buffer(table, NULL, &ipc, &err);
  double t3 = demo_now();
  if (st == QV_OK) {
    printf("CSV: %.1f MB written in %.1f ms, read back (types inferred) in %.1f ms, equal: %s\n", n / 1e6,
           (t1 - t0) * 1e3, (t2 - t1) * 1e3, qv_table_equals(back, table) ? "yes" : "no");
    printf("IPC: %.1f MB written in %.1f ms (and read zero-copy, Part 3)\n", ipc->size / 1e6, (t3 - t2) * 1e3);
  } else {
    fprintf(stderr, "demo: %s\n", err.message);
  }
  qv_buffer_release(ipc);
  qv_table_release(back);
  qv_csv_free(csv);
  return st == QV_OK ? 0 : 1;
}
