/* quiver csv: a minimal parallel loop for the reader's per-block passes.
 *
 * Blocks are handed out one at a time from an atomic counter, so a slow
 * block does not hold up a thread's share; the calling thread works too.
 * A thread that cannot be started only means fewer workers: the loop still
 * runs every index. Tasks keep their own results (each block records its
 * status), so the loop itself has nothing to report. */
#include <pthread.h>
#include <unistd.h>

#include "csv/internal.h"

#define MAX_THREADS 8

typedef struct loop {
  qv__csv_task_fn fn;
  void *ctx;
  int64_t n;
  int64_t next; /* atomic */
} loop;

static void *worker(void *arg) {
  loop *l = arg;
  for (;;) {
    const int64_t i = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    if (i >= l->n) return NULL;
    l->fn(l->ctx, i);
  }
}

int qv__csv_default_threads(void) {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
}

void qv__csv_parallel_for(int n_threads, int64_t n, qv__csv_task_fn fn, void *ctx) {
  loop l = {fn, ctx, n, 0};
  if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
  if (n_threads > n) n_threads = (int)n;
  pthread_t threads[MAX_THREADS];
  int started = 0;
  for (int t = 1; t < n_threads; t++) {
    if (pthread_create(&threads[started], NULL, worker, &l) != 0) break;
    started++;
  }
  worker(&l);
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
}
