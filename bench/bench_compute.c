/* Compute benchmark, C side (make bench only; nothing asserted): the sum of
 * 100M int64 and of 100M float64 values against the machine's memory read
 * bandwidth measured in the same process, on the same buffer.
 *
 * The bandwidth figure is a streaming read of the whole buffer with wide
 * independent accumulators (AVX2 loads where the CPU has them: the
 * fastest way one core reads memory, no dependency chain, nothing
 * written), so "sum at X % of bandwidth" says how
 * close the kernel comes to what the memory system allows here. Samples of
 * the kernel and of the read loop alternate (bench_time_pair), so a busy
 * spell of the shared machine hits both alike. The peers (numpy, pyarrow,
 * polars) print the same keys from bench/bench_compute_relational.py.
 *
 *   bench_compute [ROWS]   (default 100,000,000 times QV_BENCH_SCALE, default 1;
 *                           QV_BENCH_RUNS runs)
 *   bench_compute ROWS kernels
 *                          quiver alone: cast int64 -> float64, filter at 50 %
 *                          selectivity and take of ROWS random indices (keys
 *                          CK1-CK3, ms per call); not part of make bench, it
 *                          compares quiver with itself, e.g. with and without
 *                          the cache of freed mappings (QV_ALLOC_CACHE=0).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "quiver/quiver.h"

typedef struct read_ctx {
  const uint64_t *words;
  int64_t n;
} read_ctx;

/* Eight independent lanes the compiler keeps in vector registers. */
#define READ_LANES 8
static void read_portable(const read_ctx *c) {
  uint64_t acc[READ_LANES] = {0};
  int64_t i = 0;
  for (; i + READ_LANES <= c->n; i += READ_LANES)
    for (int k = 0; k < READ_LANES; k++) acc[k] ^= c->words[i + k];
  for (; i < c->n; i++) acc[0] ^= c->words[i];
  uint64_t x = 0;
  for (int k = 0; k < READ_LANES; k++) x ^= acc[k];
  bench_sink(&x);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* Four 32-byte loads per step into four independent accumulators. */
__attribute__((target("avx2"))) static void read_avx2(const read_ctx *c) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 16 <= c->n; i += 16) {
    const __m256i *p = (const __m256i *)(const void *)(c->words + i);
    a0 = _mm256_xor_si256(a0, _mm256_loadu_si256(p));
    a1 = _mm256_xor_si256(a1, _mm256_loadu_si256(p + 1));
    a2 = _mm256_xor_si256(a2, _mm256_loadu_si256(p + 2));
    a3 = _mm256_xor_si256(a3, _mm256_loadu_si256(p + 3));
  }
  uint64_t x[4];
  _mm256_storeu_si256((__m256i *)(void *)x, _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3)));
  for (; i < c->n; i++) x[0] ^= c->words[i];
  bench_sink(x);
}
#endif

static void read_all(void *p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("avx2")) {
    read_avx2(p);
    return;
  }
#endif
  read_portable(p);
}

typedef struct sum_ctx {
  const qv_array *array;
  qv_status st;
} sum_ctx;

static void sum_once(void *p) {
  sum_ctx *c = p;
  qv_scalar s;
  c->st = qv_compute_sum(c->array, &s, NULL);
  bench_sink(&s);
}

static qv_status make_array(qv_type *type, int64_t n, bool floats, qv_array **out) {
  qv_buffer *values = NULL;
  qv_status st = qv_buffer_allocate(NULL, n * 8, false, &values, NULL);
  if (st != QV_OK) return st;
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int64_t i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if (floats) ((double *)(void *)values->data)[i] = (double)(x >> 11) * 0x1p-53 * 1000.0;
    else ((int64_t *)(void *)values->data)[i] = (int64_t)(x % 1000000u);
  }
  st = qv_array_new(type, n, 0, 0, 2, (qv_buffer *[]){NULL, values}, 0, NULL, NULL, out, NULL);
  qv_buffer_release(values);
  return st;
}

static void one(const char *key, const char *what, qv_type *type, bool floats, int64_t n) {
  qv_array *a = NULL;
  if (make_array(type, n, floats, &a) != QV_OK) {
    fprintf(stderr, "bench_compute: cannot allocate %lld values\n", (long long)n);
    return;
  }
  read_ctx r = {(const uint64_t *)(const void *)a->buffers[1]->data, n};
  sum_ctx s = {a, QV_OK};
  double t_sum = 0, t_read = 0;
  bench_time_pair(sum_once, &s, read_all, &r, &t_sum, &t_read);
  if (s.st != QV_OK) fprintf(stderr, "bench_compute: sum failed (%d)\n", (int)s.st);
  double gb = (double)n * 8 / 1e9;
  char label[96];
  if (n >= 1000000)
    snprintf(label, sizeof label, "sum of %gM %s (GB/s of values read)", (double)n / 1e6, what);
  else
    snprintf(label, sizeof label, "sum of %lld %s (GB/s of values read)", (long long)n, what);
  bench_line(key, "GB/s", "quiver", gb / t_sum, label);
  bench_line(key, "GB/s", "memory read (C loop, same run)", gb / t_read, label);
  qv_array_release(a);
}

typedef struct kernel_ctx {
  qv_array *values, *mask, *indices;
  int which; /* 0 cast, 1 filter, 2 take */
  qv_status st;
} kernel_ctx;

static void kernel_once(void *p) {
  kernel_ctx *c = p;
  qv_array *out = NULL;
  if (c->which == 0) c->st = qv_compute_cast(c->values, qv_type_float64(), true, &out, NULL);
  else if (c->which == 1) c->st = qv_compute_filter(c->values, c->mask, QV_FILTER_DROP, &out, NULL);
  else c->st = qv_compute_take(c->values, c->indices, &out, NULL);
  bench_sink(out);
  qv_array_release(out);
}

/* Random bools (about half true) and random in-range indices, n each. */
static qv_status make_selectors(int64_t n, qv_array **mask, qv_array **indices) {
  qv_buffer *bits = NULL, *idx = NULL;
  qv_status st = qv_buffer_allocate(NULL, (n + 7) / 8, true, &bits, NULL);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, n * 8, false, &idx, NULL);
  if (st == QV_OK) {
    uint64_t x = 0x2545F4914F6CDD1Du;
    for (int64_t i = 0; i < n; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      if (x & 1) bits->data[i / 8] |= (uint8_t)(1u << (i % 8));
      ((int64_t *)(void *)idx->data)[i] = (int64_t)((x >> 1) % (uint64_t)n);
    }
    st = qv_array_new(qv_type_bool(), n, 0, 0, 2, (qv_buffer *[]){NULL, bits}, 0, NULL, NULL, mask, NULL);
  }
  if (st == QV_OK)
    st = qv_array_new(qv_type_int64(), n, 0, 0, 2, (qv_buffer *[]){NULL, idx}, 0, NULL, NULL, indices, NULL);
  qv_buffer_release(bits);
  qv_buffer_release(idx);
  return st;
}

static int kernels(int64_t n) {
  kernel_ctx c = {0};
  if (make_array(qv_type_int64(), n, false, &c.values) != QV_OK || make_selectors(n, &c.mask, &c.indices) != QV_OK) {
    fprintf(stderr, "bench_compute: cannot allocate %lld values\n", (long long)n);
    return 1;
  }
  static const char *const keys[3] = {"CK1", "CK2", "CK3"};
  static const char *const what[3] = {"cast int64 -> float64", "filter int64 at 50 %", "take int64, random indices"};
  for (c.which = 0; c.which < 3; c.which++) {
    double t = bench_time(kernel_once, &c);
    if (c.st != QV_OK) fprintf(stderr, "bench_compute: %s failed (%d)\n", what[c.which], (int)c.st);
    char label[96];
    snprintf(label, sizeof label, "%s, %gM rows (ms per call)", what[c.which], (double)n / 1e6);
    bench_line(keys[c.which], "ms", "quiver", t * 1e3, label);
  }
  qv_array_release(c.values);
  qv_array_release(c.mask);
  qv_array_release(c.indices);
  return 0;
}

int main(int argc, char **argv) {
  const char *scale = getenv("QV_BENCH_SCALE");
  int64_t n = argc > 1 ? atoll(argv[1]) : (int64_t)(1e8 * (scale ? atof(scale) : 1.0));
  if (n < 1) n = 1;
  if (argc > 2 && strcmp(argv[2], "kernels") == 0) return kernels(n);
  one("CS1", "int64", qv_type_int64(), false, n);
  one("CS2", "float64", qv_type_float64(), true, n);
  return 0;
}
