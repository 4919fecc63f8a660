/* Core benchmarks (issue: columnar core): builder appends and UTF-8
 * validation. Each figure is a median of several runs and sits beside a peer
 * measured in the same process: a plain C loop that does the same job
 * without Arrow's layout (the floor any builder pays) and a byte-at-a-time
 * UTF-8 validator (what a straightforward implementation does). Rates are in
 * millions of values (or MB) per second. Prints result lines (bench_util.h)
 * that scripts/run-bench.sh merges into the table. */
#include <stdint.h>
#include <string.h>

#include "bench_util.h"
#include "quiver/quiver.h"

#define RUNS 5 /* each run is hundreds of ms: 5 keep make bench short */

static double bulk_int32(const int32_t *src, int64_t n) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_builder_new(qv_type_int32(), NULL, &b, NULL);
  double t0 = bench_now();
  qv_builder_append_values(b, src, n, NULL, NULL);
  qv_builder_finish(b, &a, NULL);
  double t = bench_now() - t0;
  qv_array_release(a);
  qv_builder_free(b);
  return n / t / 1e6;
}

static double single_int32(int64_t n) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_builder_new(qv_type_int32(), NULL, &b, NULL);
  double t0 = bench_now();
  for (int64_t i = 0; i < n; i++) {
    if (qv_builder_append_int32(b, (int32_t)i) != QV_OK) abort();
  }
  qv_builder_finish(b, &a, NULL);
  double t = bench_now() - t0;
  qv_array_release(a);
  qv_builder_free(b);
  return n / t / 1e6;
}

/* Peer: a growable C array with realloc doubling, no Arrow layout. */
static double plain_int32(int64_t n) {
  double t0 = bench_now();
  int64_t cap = 1024, len = 0;
  int32_t *v = malloc(sizeof(int32_t) * (size_t)cap);
  for (int64_t i = 0; i < n; i++) {
    if (len == cap) {
      cap *= 2;
      v = realloc(v, sizeof(int32_t) * (size_t)cap);
    }
    v[len++] = (int32_t)i;
  }
  bench_sink(v);
  double t = bench_now() - t0;
  free(v);
  return n / t / 1e6;
}

static const char kWords[8][8] = {"alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"};

static double single_strings(int64_t n) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_builder_new(qv_type_string(), NULL, &b, NULL);
  double t0 = bench_now();
  for (int64_t i = 0; i < n; i++) {
    const char *w = kWords[i & 7];
    if (qv_builder_append_string(b, w, 5) != QV_OK) abort();
  }
  qv_builder_finish(b, &a, NULL);
  double t = bench_now() - t0;
  qv_array_release(a);
  qv_builder_free(b);
  return n / t / 1e6;
}

/* Peer: offsets + bytes in two realloc-doubling C arrays. */
static double plain_strings(int64_t n) {
  double t0 = bench_now();
  int64_t cap = 1024, dcap = 8192, len = 0, dlen = 0;
  int32_t *off = malloc(sizeof(int32_t) * (size_t)(cap + 1));
  char *data = malloc((size_t)dcap);
  off[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    if (len == cap) {
      cap *= 2;
      off = realloc(off, sizeof(int32_t) * (size_t)(cap + 1));
    }
    if (dlen + 5 > dcap) {
      dcap *= 2;
      data = realloc(data, (size_t)dcap);
    }
    memcpy(data + dlen, kWords[i & 7], 5);
    dlen += 5;
    off[++len] = (int32_t)dlen;
  }
  bench_sink(off);
  bench_sink(data);
  double t = bench_now() - t0;
  free(off);
  free(data);
  return n / t / 1e6;
}

/* Byte-at-a-time UTF-8 check (the peer). Returns 1 when valid. */
static int naive_utf8(const uint8_t *s, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return 0;
    for (int k = 1; k < len; k++)
      if ((s[i + k] & 0xC0) != 0x80) return 0;
    i += len;
  }
  return 1;
}

int main(void) {
  const int64_t n_bulk = 10 * 1000 * 1000, n_single = 50 * 1000 * 1000, n_str = 20 * 1000 * 1000;
  double q[RUNS], p[RUNS];

  int32_t *src = malloc(sizeof(int32_t) * (size_t)n_bulk);
  for (int64_t i = 0; i < n_bulk; i++) src[i] = (int32_t)(i * 2654435761u);
  for (int r = 0; r < RUNS; r++) {
    q[r] = bulk_int32(src, n_bulk);
    double t0 = bench_now();
    int32_t *copy = malloc(sizeof(int32_t) * (size_t)n_bulk);
    memcpy(copy, src, sizeof(int32_t) * (size_t)n_bulk);
    bench_sink(copy);
    p[r] = n_bulk / (bench_now() - t0) / 1e6;
    free(copy);
  }
  bench_row("B1", "builder: bulk append 10M int32", "M/s", bench_median(q, RUNS), "malloc+memcpy", bench_median(p, RUNS));
  free(src);

  for (int r = 0; r < RUNS; r++) {
    q[r] = single_int32(n_single);
    p[r] = plain_int32(n_single);
  }
  bench_row("B2", "builder: single appends int32 (50M)", "M/s", bench_median(q, RUNS), "C array, realloc doubling",
            bench_median(p, RUNS));

  for (int r = 0; r < RUNS; r++) {
    q[r] = single_strings(n_str);
    p[r] = plain_strings(n_str);
  }
  bench_row("B3", "builder: single appends 5-byte strings (20M)", "M/s", bench_median(q, RUNS), "C offsets+bytes arrays",
            bench_median(p, RUNS));

  /* Full validation of 256 MB of ASCII utf8 (64-byte strings). */
  const int64_t n_utf = 4 * 1000 * 1000, w = 64;
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_builder_new(qv_type_string(), NULL, &b, NULL);
  char s[64];
  for (int64_t i = 0; i < n_utf; i++) {
    for (int k = 0; k < w; k++) s[k] = (char)('a' + (i + k) % 26);
    qv_builder_append_string(b, s, w);
  }
  qv_builder_finish(b, &a, NULL);
  qv_builder_free(b);
  double bytes = (double)(n_utf * w);
  for (int r = 0; r < RUNS; r++) {
    double t0 = bench_now();
    qv_error err;
    if (qv_array_validate(a, QV_VALIDATE_FULL, &err) != QV_OK) abort();
    q[r] = bytes / (bench_now() - t0) / 1e6;
    t0 = bench_now();
    if (!naive_utf8(a->buffers[2]->data, n_utf * w)) abort();
    p[r] = bytes / (bench_now() - t0) / 1e6;
  }
  bench_row("V1", "full validation of ASCII utf8 (256 MB)", "MB/s", bench_median(q, RUNS), "byte-at-a-time UTF-8 check",
            bench_median(p, RUNS));
  qv_array_release(a);
  return 0;
}
