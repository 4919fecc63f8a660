/* A stable radix sort of (key, row) pairs on 64-bit unsigned keys: the
 * fast path of single-key sorts (sort_keys.c), where keys of integers,
 * floats and string prefixes are first mapped to uint64 so that unsigned
 * order is the wanted order.
 *
 * Why not a plain LSD sort: eight passes of byte digits each read and
 * write every pair in main memory. Here the pairs move through main
 * memory once: a first pass distributes them by their top TOP_BITS
 * varying bits into N_BUCKETS buckets (most significant digit first), and
 * each bucket, small enough to stay in cache for keys spread over their
 * range, is then sorted on its remaining bits the same way, digit after
 * digit, down to ranges small enough for insertion sort (for random keys
 * one more digit does it). Only the bits where some keys differ count (the
 * xor of every key with the first tells which): keys of a small range sort
 * in one or two passes, equal keys in none. A digit every key of a range
 * shares costs a count, no move. Every pass scatters in input order and
 * insertion sort moves only strictly greater keys, so the sort is stable;
 * a skewed input (one huge bucket) is still sorted correctly, by the same
 * passes out of cache.
 *
 * The keys are read in place (an int64 column is its own key array, up to
 * an xor), the first pass writes (key, row) pairs, and the last pass of a
 * bucket writes its rows straight to the caller's result, so the memory a
 * sort touches is the keys, one array of pairs and the result.
 *
 * Large inputs use two threads (split.h): each counts and scatters one
 * half of the keys (the first half's pairs of a bucket go before the
 * second's, which keeps the sort stable), then each sorts about half of
 * the buckets.
 */
#include "compute/sort_radix.h"

#include "compute/split.h"
#include "core/parallel.h"
#include "core/internal.h"

#define TOP_BITS 11
#define N_BUCKETS (1 << TOP_BITS)
#define LOW_BITS 11  /* the widest digit inside a bucket */
#define MIN_BITS 4   /* the narrowest */
#define MAX_DEPTH 16 /* > 64 / MIN_BITS levels of digits */
#define INSERTION_MAX 24 /* ranges this small are insertion-sorted */

typedef struct pair {
  uint64_t key;
  int64_t row;
} pair;

typedef enum phase { PHASE_DIFF, PHASE_COUNT, PHASE_SCATTER, PHASE_BUCKETS } phase;

/* One of the two halves of the work. */
typedef struct half {
  phase step;
  const uint8_t *keys;      /* the input keys, read as key_at */
  uint64_t flip;
  const int64_t *rows;      /* NULL: key i is row i */
  int64_t begin, end;       /* the keys this half counts and scatters */
  pair *pairs;              /* all keys as pairs, bucket after bucket */
  int64_t *out_rows;
  uint64_t first_key, diff; /* PHASE_DIFF: the bits where some key differs from first_key */
  int shift;                /* top digit: (key >> shift) & (N_BUCKETS - 1) */
  int64_t *count;           /* N_BUCKETS: counts of this half, then its write positions */
  const int64_t *start;     /* N_BUCKETS + 1 bucket bounds, shared */
  int32_t b_begin, b_end;   /* PHASE_BUCKETS: the buckets this half sorts */
  int64_t *hist;            /* MAX_DEPTH << LOW_BITS counters */
  pair *scratch;            /* as many pairs as this half's largest bucket */
} half;

static inline uint64_t key_at(const half *h, int64_t i) {
  uint64_t k;
  memcpy(&k, h->keys + 8 * i, 8);
  return k ^ h->flip;
}

static void insertion_sort(pair *p, int64_t m) {
  for (int64_t i = 1; i < m; i++) {
    pair v = p[i];
    int64_t j = i;
    while (j > 0 && p[j - 1].key > v.key) { /* strictly greater: equal keys keep their order */
      p[j] = p[j - 1];
      j--;
    }
    p[j] = v;
  }
}

/* Sorts a[0, m) on the low `bits` bits of its keys (the higher bits are
 * equal in the range), b[0, m) being scratch, and writes the rows in order
 * to out[0, m). Most significant digit first: one stable counting pass
 * on the top digit, then each digit's range the same way (a and b trade
 * places), until a range is small enough for insertion sort. A digit
 * narrower than LOW_BITS serves a small range, so that the counters do not
 * outnumber the pairs; a digit every key shares costs a count, no move.
 * Each level of the recursion takes at most 1 << LOW_BITS counters of
 * hist, which holds MAX_DEPTH levels: a level consumes at least MIN_BITS
 * bits, so there are never more. */
static void sort_range(pair *a, pair *b, int64_t m, int bits, int64_t *out, int64_t *hist) {
  for (;;) {
    if (m <= INSERTION_MAX || bits == 0) {
      if (bits > 0) insertion_sort(a, m);
      for (int64_t i = 0; i < m; i++) out[i] = a[i].row;
      return;
    }
    int width = bits < LOW_BITS ? bits : LOW_BITS;
    while (width > MIN_BITS && ((int64_t)1 << width) > m) width--;
    int sh = bits - width;
    int64_t size = (int64_t)1 << width;
    uint64_t mask = (uint64_t)size - 1;
    memset(hist, 0, (size_t)size * sizeof *hist);
    for (int64_t i = 0; i < m; i++) hist[(a[i].key >> sh) & mask]++;
    bits = sh;
    if (hist[(a[0].key >> sh) & mask] == m) continue; /* one digit: the same range, lower bits */
    int64_t sum = 0;
    for (int64_t d = 0; d < size; d++) {
      int64_t here = hist[d];
      hist[d] = sum;
      sum += here;
    }
    for (int64_t i = 0; i < m; i++) b[hist[(a[i].key >> sh) & mask]++] = a[i];
    /* hist[d] is now where digit d's range ends */
    for (int64_t d = 0, lo = 0; d < size; d++) {
      int64_t hi = hist[d];
      if (hi > lo) sort_range(b + lo, a + lo, hi - lo, bits, out + lo, hist + size);
      lo = hi;
    }
    return;
  }
}

/* Half `which` of the current pass; a pass never fails. */
static qv_status run_half(void *ctx, int64_t which, int worker, qv_error *err) {
  half *h = (half *)ctx + which;
  const uint64_t top_mask = N_BUCKETS - 1;
  switch (h->step) { /* which pass of the sort */
    case PHASE_DIFF: {
      uint64_t d = 0;
      for (int64_t i = h->begin; i < h->end; i++) d |= key_at(h, i) ^ h->first_key;
      h->diff = d;
      break;
    }
    case PHASE_COUNT:
      for (int64_t i = h->begin; i < h->end; i++) h->count[(key_at(h, i) >> h->shift) & top_mask]++;
      break;
    case PHASE_SCATTER:
      for (int64_t i = h->begin; i < h->end; i++) {
        uint64_t k = key_at(h, i);
        pair *to = &h->pairs[h->count[(k >> h->shift) & top_mask]++];
        to->key = k;
        to->row = h->rows != NULL ? h->rows[i] : i;
      }
      break;
    case PHASE_BUCKETS:
      for (int32_t b = h->b_begin; b < h->b_end; b++)
        sort_range(h->pairs + h->start[b], h->scratch, h->start[b + 1] - h->start[b], h->shift,
                   h->out_rows + h->start[b], h->hist);
      break;
  }
  return QV_OK;
}

static void run_both(half *h, phase step, int threads) {
  h[0].step = h[1].step = step;
  (void)qv__parallel_run(threads, 2, run_half, h, NULL);
}

/* The largest bucket of [b_begin, b_end). */
static int64_t largest_bucket(const int64_t *start, int32_t b_begin, int32_t b_end) {
  int64_t most = 0;
  for (int32_t b = b_begin; b < b_end; b++)
    if (start[b + 1] - start[b] > most) most = start[b + 1] - start[b];
  return most;
}

qv_status qv__radix_sort_rows(const uint8_t *keys, uint64_t flip, const int64_t *rows, int64_t n, int64_t *out_rows,
                              qv_error *err) {
  int64_t bytes;
  qv_status st = QV_OK;
  if (n <= 0) return QV_OK;
  if (qv__mul_overflow_i64(n, (int64_t)sizeof(pair), &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "sort: %lld rows overflow", (long long)n);
  pair *pairs = qv__malloc((size_t)bytes);
  /* two halves' counts, the bucket bounds, two halves' bucket histograms */
  size_t n_counters = 2 * N_BUCKETS + (N_BUCKETS + 1) + 2 * ((size_t)MAX_DEPTH << LOW_BITS);
  int64_t *counters = qv__calloc(n_counters, sizeof *counters);
  if (pairs == NULL || counters == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort: no memory for %lld rows", (long long)n);
    goto done;
  }
  int64_t *start = counters + 2 * N_BUCKETS;
  const int threads = qv__compute_pair_threads(n);
  half h[2];
  for (int k = 0; k < 2; k++) {
    memset(&h[k], 0, sizeof h[k]);
    h[k].keys = keys;
    h[k].flip = flip;
    h[k].rows = rows;
    h[k].begin = k == 0 ? 0 : n / 2;
    h[k].end = k == 0 ? n / 2 : n;
    h[k].pairs = pairs;
    h[k].out_rows = out_rows;
    h[k].count = counters + k * N_BUCKETS;
    h[k].start = start;
    h[k].hist = start + N_BUCKETS + 1 + k * ((int64_t)MAX_DEPTH << LOW_BITS);
  }
  h[0].first_key = h[1].first_key = key_at(&h[0], 0);
  run_both(h, PHASE_DIFF, threads);
  uint64_t diff = h[0].diff | h[1].diff;
  /* With every key equal the top digit is one bucket and the bucket sort
   * copies it: the input order, as stability wants. */
  int bits = diff == 0 ? 0 : 64 - __builtin_clzll(diff);
  h[0].shift = h[1].shift = bits > TOP_BITS ? bits - TOP_BITS : 0;
  run_both(h, PHASE_COUNT, threads);
  int64_t pos = 0;
  for (int32_t b = 0; b < N_BUCKETS; b++) {
    int64_t c0 = h[0].count[b], c1 = h[1].count[b];
    start[b] = pos;
    h[0].count[b] = pos;
    h[1].count[b] = pos + c0;
    pos += c0 + c1;
  }
  start[N_BUCKETS] = n;
  run_both(h, PHASE_SCATTER, threads);
  int32_t split = 0;
  while (split < N_BUCKETS && start[split] < n / 2) split++;
  h[0].b_begin = 0;
  h[0].b_end = h[1].b_begin = split;
  h[1].b_end = N_BUCKETS;
  for (int k = 0; k < 2 && st == QV_OK; k++) {
    int64_t most = largest_bucket(start, h[k].b_begin, h[k].b_end);
    h[k].scratch = qv__malloc((size_t)(most > 0 ? most : 1) * sizeof(pair)); /* most <= n: no overflow */
    if (h[k].scratch == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "sort: no memory for %lld rows", (long long)most);
  }
  if (st == QV_OK) run_both(h, PHASE_BUCKETS, threads);
  qv__free(h[0].scratch);
  qv__free(h[1].scratch);
done:
  qv__free(counters);
  qv__free(pairs);
  return st;
}
