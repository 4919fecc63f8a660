/* Shared helpers for quiver's benchmarks: a monotonic clock, medians of
 * repeated runs, and the one-line result format every benchmark prints
 * (quiver's figure, the peer's figure from the same run, their ratio). */
#ifndef QV_BENCH_UTIL_H
#define QV_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static inline double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), bench_cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Prints one row: name, quiver figure, peer figure, ratio quiver/peer
 * (for rates: >1 means quiver is faster). */
static inline void bench_row(const char *name, const char *unit, double quiver, const char *peer_name,
                             double peer) {
  printf("%-44s %12.1f %-8s %-28s %12.1f %-8s %6.2fx\n", name, quiver, unit, peer_name, peer, unit,
         peer != 0 ? quiver / peer : 0.0);
}

/* Keeps the optimiser from deleting a computed value. */
static inline void bench_sink(const void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

#endif
