/* bench_cdata: cost per column of C Data export and import of a wide batch.
 *
 * Builds a 1000-column int64 batch (1024 rows per column), then times, per
 * iteration and divided by the column count:
 *   schema export + release, schema export + import + release,
 *   batch export + release,  batch export + import + release,
 * and derives the import cost as the difference. Target: <= 1 us per column
 * for export+release and for import+release. Prints only; asserts nothing.
 * Build standalone: cc -O2 -Iinclude bench/bench_cdata.c -Lbuild/x -lquiver
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quiver/batch.h"
#include "quiver/cdata.h"

#define N_COLS 1000
#define N_ROWS 1024
#define ITERS 200

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int check(qv_status st, const qv_error *err, const char *what) {
  if (st == QV_OK) return 0;
  fprintf(stderr, "bench_cdata: %s failed: %s\n", what, err->message);
  return 1;
}

int main(void) {
  qv_error err;
  qv_field **fields = calloc(N_COLS, sizeof *fields);
  qv_array **cols = calloc(N_COLS, sizeof *cols);
  if (fields == NULL || cols == NULL) return 1;
  qv_buffer *values = NULL;
  if (check(qv_buffer_allocate(NULL, N_ROWS * 8, true, &values, &err), &err, "allocate")) return 1;
  for (int i = 0; i < N_COLS; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    if (check(qv_field_new(name, qv_type_int64(), true, NULL, &fields[i], &err), &err, "field")) return 1;
    qv_buffer *bufs[2] = {NULL, values};
    if (check(qv_array_new(qv_type_int64(), N_ROWS, 0, 0, 2, bufs, 0, NULL, NULL, &cols[i], &err), &err, "array"))
      return 1;
  }
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;
  if (check(qv_schema_new(fields, N_COLS, NULL, &schema, &err), &err, "schema")) return 1;
  if (check(qv_batch_new(schema, N_ROWS, cols, NULL, &batch, &err), &err, "batch")) return 1;

  double t_schema_exp = 0, t_schema_rt = 0, t_batch_exp = 0, t_batch_rt = 0;
  for (int round = 0; round < 2; round++) { /* round 0 warms up */
    double t0 = now_us();
    for (int it = 0; it < ITERS; it++) {
      struct ArrowSchema s;
      if (check(qv_schema_export(schema, &s, &err), &err, "schema export")) return 1;
      s.release(&s);
    }
    double t1 = now_us();
    for (int it = 0; it < ITERS; it++) {
      struct ArrowSchema s;
      qv_schema *back = NULL;
      if (check(qv_schema_export(schema, &s, &err), &err, "schema export")) return 1;
      if (check(qv_schema_import(&s, &back, &err), &err, "schema import")) return 1;
      qv_schema_release(back);
    }
    double t2 = now_us();
    for (int it = 0; it < ITERS; it++) {
      struct ArrowArray a;
      if (check(qv_batch_export(batch, &a, &err), &err, "batch export")) return 1;
      a.release(&a);
    }
    double t3 = now_us();
    for (int it = 0; it < ITERS; it++) {
      struct ArrowArray a;
      qv_batch *back = NULL;
      if (check(qv_batch_export(batch, &a, &err), &err, "batch export")) return 1;
      if (check(qv_batch_import(&a, schema, &back, &err), &err, "batch import")) return 1;
      qv_batch_release(back);
    }
    double t4 = now_us();
    t_schema_exp = t1 - t0;
    t_schema_rt = t2 - t1;
    t_batch_exp = t3 - t2;
    t_batch_rt = t4 - t3;
  }
  double per = 1.0 / ((double)ITERS * N_COLS);
  printf("bench_cdata: %d int64 columns x %d rows, %d iterations (us per column)\n", N_COLS, N_ROWS, ITERS);
  printf("  schema export+release          %.4f\n", t_schema_exp * per);
  printf("  schema import+release          %.4f\n", (t_schema_rt - t_schema_exp) * per);
  printf("  batch  export+release          %.4f\n", t_batch_exp * per);
  printf("  batch  import+release          %.4f\n", (t_batch_rt - t_batch_exp) * per);
  printf("  total  export+import (schema+batch) %.4f\n", (t_schema_rt + t_batch_rt) * per);

  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int i = 0; i < N_COLS; i++) {
    qv_array_release(cols[i]);
    qv_field_release(fields[i]);
  }
  qv_buffer_release(values);
  free(cols);
  free(fields);
  return 0;
}
