/* Shared helpers for quiver's benchmarks: a monotonic clock, medians of
 * repeated runs with a calibrated inner loop, peak-RSS readings, the seed
 * table's random strings, and the one-line result format every benchmark
 * prints.
 *
 * Result lines (merged into one table by scripts/run-bench.sh, together with
 * the lines the pyarrow and arrow-rs peers print):
 *
 *     key|unit|implementation|value|label
 *
 * e.g. `P1|ms|quiver|3.1|P1 write seed stream to memory`. Rows with the same
 * key are one benchmark; units ending in "/s" are rates (higher is better),
 * every other unit is a cost (lower is better). The runner orders rows by
 * first appearance and takes the label from the first line of a key. Nothing
 * here asserts a duration. */
#ifndef QV_BENCH_UTIL_H
#define QV_BENCH_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Timed runs per figure: QV_BENCH_RUNS from the environment, else 7. */
#define BENCH_MAX_RUNS 64
static inline int bench_runs(void) {
  const char *s = getenv("QV_BENCH_RUNS");
  int n = s ? atoi(s) : 7;
  return n < 1 ? 1 : n > BENCH_MAX_RUNS ? BENCH_MAX_RUNS : n;
}

/* Median seconds per call of fn(ctx) over bench_runs() samples, after one
 * warm-up call. Calls that take under 20 ms are repeated inside each sample
 * (the count is calibrated on the warm-up) so that clock resolution and
 * timer overhead vanish from microsecond figures. */
typedef void (*bench_fn)(void *ctx);
static inline double bench_time(bench_fn fn, void *ctx) {
  double t0 = bench_now();
  fn(ctx);
  double once = bench_now() - t0;
  long inner = once >= 0.02 ? 1 : (long)ceil(0.02 / (once > 1e-8 ? once : 1e-8));
  if (inner > 1000000) inner = 1000000;
  double samples[BENCH_MAX_RUNS];
  int runs = bench_runs();
  for (int r = 0; r < runs; r++) {
    t0 = bench_now();
    for (long k = 0; k < inner; k++) fn(ctx);
    samples[r] = (bench_now() - t0) / (double)inner;
  }
  return bench_median(samples, runs);
}

/* Like bench_time for two jobs measured against each other (quiver and its
 * in-process peer): their samples alternate (calls under 5 ms grouped, the
 * same number for both), 3x as many as bench_time takes, so a slow
 * spell of the machine (memory bandwidth here swings 2-5x from one second
 * to the next under other load) hits both alike. Writes the median seconds
 * per call of each. */
static inline void bench_time_pair(bench_fn fa, void *ca, bench_fn fb, void *cb, double *ta, double *tb) {
  bench_fn fn[2] = {fa, fb};
  void *ctx[2] = {ca, cb};
  double once = 1.0;
  for (int i = 0; i < 2; i++) {
    double t0 = bench_now();
    fn[i](ctx[i]);
    double t = bench_now() - t0;
    if (t < once) once = t;
  }
  /* The same group size for both, so each finds the caches as the other
   * left them equally often. */
  long inner = once >= 0.005 ? 1 : (long)ceil(0.005 / (once > 1e-8 ? once : 1e-8));
  if (inner > 1000000) inner = 1000000;
  double samples[2][3 * BENCH_MAX_RUNS];
  int runs = 3 * bench_runs();
  for (int r = 0; r < runs; r++) {
    for (int i = 0; i < 2; i++) {
      double t0 = bench_now();
      for (long k = 0; k < inner; k++) fn[i](ctx[i]);
      samples[i][r] = (bench_now() - t0) / (double)inner;
    }
  }
  *ta = bench_median(samples[0], runs);
  *tb = bench_median(samples[1], runs);
}

/* Prints one result line (see the format above). */
static inline void bench_line(const char *key, const char *unit, const char *impl, double value,
                              const char *label) {
  printf("%s|%s|%s|%.6g|%s\n", key, unit, impl, value, label);
  fflush(stdout);
}

/* Prints quiver's figure and a peer's from the same process. */
static inline void bench_row(const char *key, const char *label, const char *unit, double quiver,
                             const char *peer_name, double peer) {
  bench_line(key, unit, "quiver", quiver, label);
  bench_line(key, unit, peer_name, peer, label);
}

/* Keeps the optimiser from deleting a computed value. */
static inline void bench_sink(const void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

/* A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), -1 if unreadable. */
static inline long bench_status_kib(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

/* Resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0); returns 0
 * on success. Without it, peak growth is measured from process start. */
static inline int bench_reset_peak_rss(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f == NULL) return -1;
  int ok = fputs("5", f) >= 0;
  return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* The seed scenario's generator (tools/demo/seed_table.c): xorshift64 with a
 * fixed seed, 10 characters of [a-zA-Z0-9] per string. */
#define BENCH_SEED 0x9E3779B97F4A7C15ull
#define BENCH_SEED_LEN 10
static inline uint64_t bench_xorshift64(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}
static inline void bench_seed_string(uint64_t *state, char out[BENCH_SEED_LEN]) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  uint64_t r = bench_xorshift64(state);
  for (int k = 0; k < BENCH_SEED_LEN; k++) {
    out[k] = alphabet[r % 62];
    r = (r >> 6) | ((uint64_t)k << 58);
  }
}

#endif
