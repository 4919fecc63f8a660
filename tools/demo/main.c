/* quiver-demo: the seed scenario on built-in data (run by `make demo`).
 *   quiver-demo [ROWS] [FILE]   defaults: 1000000 rows, build/demo/seed.arrow */
#include <stdio.h>
#include <stdlib.h>

#include "demo.h"

static int seed_part(int64_t rows, const char *file_path) {
  qv_error err = {0};
  qv_table *table = NULL;
  printf("== Part 2: the seed table, %lld rows x 2 random 10-character strings ==\n\n", (long long)rows);
  double t0 = demo_now();
  qv_status st = seed_build_table(rows, 42, &table, &err);
  double t1 = demo_now();
  if (st != QV_OK) {
    fprintf(stderr, "demo: %s\n", err.message);
    return 1;
  }
  printf("built with quiver's builders in %.1f ms\n\n", (t1 - t0) * 1e3);

  double w = 0, r = 0;
  int64_t bytes = demo_jsonl_roundtrip(table, &w, &r, &err);
  if (bytes < 0) {
    fprintf(stderr, "demo: %s\n", err.message);
    qv_table_release(table);
    return 1;
  }
  int rc = demo_ipc_part(table, file_path, w, r, bytes);
  if (rc == 0) rc = demo_compute_part(rows);
  if (rc == 0) rc = demo_csv_part(table);
  qv_table_release(table);
  return rc;
}

int main(int argc, char **argv) {
  int64_t rows = argc > 1 ? atoll(argv[1]) : 1000000;
  const char *path = argc > 2 ? argv[2] : "build/demo/seed.arrow";
  if (demo_types_showcase() != 0) return 1;
  return seed_part(rows, path);
}
