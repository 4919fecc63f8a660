/* Threads for the parts of one kernel call (see parallel.h). Threads are
 * started per call: the kernels that split do so only past a million
 * elements, where a thread's start (tens of microseconds) is a small part
 * of the call. The CPU count and QV_COMPUTE_THREADS are read once and
 * cached in an atomic. */
#include "compute/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int max_parts = 0;    /* 0: not read yet */
static atomic_int forced_parts = 0; /* 0: max_parts */
static atomic_llong parallel_min = QV__COMPUTE_PARALLEL_MIN;

static int read_max_parts(void) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  const char *env = getenv("QV_COMPUTE_THREADS");
  if (env != NULL && atol(env) >= 1 && atol(env) < cpus) cpus = atol(env);
  return cpus < 1 ? 1 : cpus > QV__COMPUTE_MAX_PARTS ? QV__COMPUTE_MAX_PARTS : (int)cpus;
}

int qv__compute_parts(int64_t work) {
  int m = atomic_load_explicit(&max_parts, memory_order_relaxed);
  if (m == 0) {
    m = read_max_parts();
    atomic_store_explicit(&max_parts, m, memory_order_relaxed);
  }
  int forced = atomic_load_explicit(&forced_parts, memory_order_relaxed);
  if (forced > 0) m = forced;
  return work >= atomic_load_explicit(&parallel_min, memory_order_relaxed) ? m : 1;
}

void qv__compute_set_parallel(int64_t min_work, int parts) {
  atomic_store(&parallel_min, min_work > 0 ? min_work : QV__COMPUTE_PARALLEL_MIN);
  atomic_store(&forced_parts, parts > 0 ? (parts < QV__COMPUTE_MAX_PARTS ? parts : QV__COMPUTE_MAX_PARTS) : 0);
}

typedef struct part_call {
  void (*fn)(void *ctx, int part);
  void *ctx;
  int part;
} part_call;

static void *run_part(void *arg) {
  part_call *c = arg;
  c->fn(c->ctx, c->part);
  return NULL;
}

void qv__compute_run_parts(int n_parts, void (*fn)(void *ctx, int part), void *ctx) {
  pthread_t threads[QV__COMPUTE_MAX_PARTS];
  part_call calls[QV__COMPUTE_MAX_PARTS];
  bool started[QV__COMPUTE_MAX_PARTS] = {false};
  for (int p = 1; p < n_parts && p < QV__COMPUTE_MAX_PARTS; p++) {
    calls[p] = (part_call){fn, ctx, p};
    started[p] = pthread_create(&threads[p], NULL, run_part, &calls[p]) == 0;
  }
  fn(ctx, 0);
  for (int p = 1; p < n_parts; p++) {
    if (p < QV__COMPUTE_MAX_PARTS && started[p]) pthread_join(threads[p], NULL);
    else fn(ctx, p);
  }
}

/* ---- two halves (qv__compute_run_pair) ---- */

static atomic_bool threads_allowed = true;

void qv__compute_allow_threads(bool allow) { atomic_store(&threads_allowed, allow); }

typedef struct pair_call {
  void (*task)(void *);
  void *arg;
} pair_call;

static void *run_call(void *p) {
  pair_call *c = p;
  c->task(c->arg);
  return NULL;
}

void qv__compute_run_pair(void (*task)(void *), void *first, void *second, bool together) {
  pthread_t th;
  pair_call call = {task, second};
  bool started = together && atomic_load(&threads_allowed) && pthread_create(&th, NULL, run_call, &call) == 0;
  task(first);
  if (started) pthread_join(th, NULL);
  else task(second);
}
