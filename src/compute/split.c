/* How many threads a kernel call uses (see split.h); the threads
 * themselves are core's (core/parallel.c). The CPU count and
 * QV_COMPUTE_THREADS are read once and cached in an atomic; test hooks
 * override them through atomics too, so kernels on other threads see
 * either the old or the new setting, never a torn one. */
#include "compute/split.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "core/parallel.h"

static atomic_int max_threads = 0;  /* 0: not read yet */
static atomic_int forced_parts = 0; /* 0: max_threads */
static atomic_llong parallel_min = QV__COMPUTE_PARALLEL_MIN;

/* The online CPUs, capped by QV_COMPUTE_THREADS when that is a whole
 * number >= 1 (anything else is ignored). */
static int compute_threads(void) {
  int m = atomic_load_explicit(&max_threads, memory_order_relaxed);
  if (m == 0) {
    m = qv__parallel_cpus();
    const char *env = getenv("QV_COMPUTE_THREADS");
    const long cap = env != NULL ? atol(env) : 0;
    if (cap >= 1 && cap < m) m = (int)cap;
    atomic_store_explicit(&max_threads, m, memory_order_relaxed);
  }
  return m;
}

int qv__compute_parts(int64_t work) {
  if (work < atomic_load_explicit(&parallel_min, memory_order_relaxed)) return 1;
  const int forced = atomic_load_explicit(&forced_parts, memory_order_relaxed);
  const int m = forced > 0 ? forced : compute_threads();
  return m < QV__COMPUTE_MAX_PARTS ? m : QV__COMPUTE_MAX_PARTS;
}

int qv__compute_pair_threads(int64_t rows) {
  if (rows < QV__PARALLEL_MIN_ROWS) return 1;
  const int forced = atomic_load_explicit(&forced_parts, memory_order_relaxed);
  return (forced > 0 ? forced : compute_threads()) >= 2 ? 2 : 1;
}

void qv__compute_set_parallel(int64_t min_work, int parts) {
  atomic_store(&parallel_min, min_work > 0 ? min_work : QV__COMPUTE_PARALLEL_MIN);
  atomic_store(&forced_parts, parts > 0 ? (parts < QV__COMPUTE_MAX_PARTS ? parts : QV__COMPUTE_MAX_PARTS) : 0);
}
