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

#define MAX_THREADS QV__CSV_MAX_THREADS

typedef struct loop {
  qv__csv_task_fn fn;
  qv__csv_worker_task_fn worker_fn; /* instead of fn: also told which worker runs the task */
  void *ctx;
  int64_t n;
  int64_t next; /* atomic */
} loop;

typedef struct worker_arg {
  loop *l;
  int id;
} worker_arg;

static void *worker(void *arg) {
  const worker_arg *w = arg;
  loop *l = w->l;
  for (;;) {
    const int64_t i = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    if (i >= l->n) return NULL;
    if (l->worker_fn) l->worker_fn(l->ctx, i, w->id);
    else l->fn(l->ctx, i);
  }
}

int qv__csv_default_threads(void) {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
}

static void run(int n_threads, loop *l) {
  if (n_threads > MAX_THREADS) n_threads = MAX_THREADS;
  if (n_threads > l->n) n_threads = (int)l->n;
  pthread_t threads[MAX_THREADS];
  worker_arg args[MAX_THREADS];
  int started = 0;
  for (int t = 1; t < n_threads; t++) {
    args[started].l = l;
    args[started].id = started + 1;
    if (pthread_create(&threads[started], NULL, worker, &args[started]) != 0) break;
    started++;
  }
  worker_arg self = {l, 0};
  worker(&self);
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
}

void qv__csv_parallel_for(int n_threads, int64_t n, qv__csv_task_fn fn, void *ctx) {
  loop l = {fn, NULL, ctx, n, 0};
  run(n_threads, &l);
}

void qv__csv_parallel_for_workers(int n_threads, int64_t n, qv__csv_worker_task_fn fn, void *ctx) {
  loop l = {NULL, fn, ctx, n, 0};
  run(n_threads, &l);
}
