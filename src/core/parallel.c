/* quiver core: the threads of one call (see parallel.h).
 *
 * Threads are started per run and joined before it returns: the callers
 * split only work large enough (a million elements, a hundred thousand
 * rows, a piece of text rows) that a thread's start, tens of
 * microseconds, is a small part of it, and a pool would need a lifetime
 * the library has no place for. Workers take task numbers from one atomic
 * counter, so a slow task does not hold up the others' share and a thread
 * that could not be started leaves its tasks to the workers that run.
 *
 * Invariants: tasks are handed out in increasing order, so when task k
 * fails every task below k has already been taken and will finish; the
 * run keeps the lowest failing task number (written under `lock`, read
 * without it to stop taking tasks), so the failure returned is the one a
 * single thread running the tasks in order would meet first. Nothing is
 * allocated: the only step that can fail is pthread_create, and its
 * failure costs parallelism, never a result.
 */
#include "core/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

typedef struct run {
  qv__parallel_task_fn fn;
  void *ctx;
  int64_t n_tasks;
  atomic_llong next;        /* the next task number to take */
  atomic_llong failed_task; /* the lowest failing task so far; n_tasks: none */
  pthread_mutex_t lock;     /* guards status, error and the writes of failed_task */
  qv_status status;
  qv_error error;
} run;

typedef struct worker {
  run *r;
  int id;
  qv_error err; /* the task's, handed to each task this worker runs */
} worker;

static atomic_int start_limit = -1; /* qv__parallel_limit_thread_starts */

void qv__parallel_limit_thread_starts(int n) { atomic_store(&start_limit, n < 0 ? -1 : n); }

int qv__parallel_cpus(void) {
  static atomic_int cpus = 0; /* 0: not read yet */
  int n = atomic_load_explicit(&cpus, memory_order_relaxed);
  if (n == 0) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    n = online < 1 ? 1 : online > 4096 ? 4096 : (int)online;
    atomic_store_explicit(&cpus, n, memory_order_relaxed);
  }
  return n;
}

static void record_failure(run *r, int64_t task, qv_status st, const qv_error *e) {
  pthread_mutex_lock(&r->lock);
  if (task < atomic_load(&r->failed_task)) {
    r->status = st;
    r->error = *e;
    if (r->error.code == QV_OK) r->error.code = st; /* a task that returned a failure without its message */
    atomic_store(&r->failed_task, task);
  }
  pthread_mutex_unlock(&r->lock);
}

static void *work(void *arg) {
  worker *w = arg;
  run *r = w->r;
  for (;;) {
    const int64_t task = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);
    if (task >= r->n_tasks || task > atomic_load_explicit(&r->failed_task, memory_order_relaxed)) return NULL;
    w->err.code = QV_OK;
    w->err.message[0] = '\0';
    const qv_status st = r->fn(r->ctx, task, w->id, &w->err);
    if (st != QV_OK) record_failure(r, task, st, &w->err);
  }
}

/* One worker, the caller: the tasks in order, stopping at the first failure. */
static qv_status run_inline(int64_t n_tasks, qv__parallel_task_fn fn, void *ctx, qv_error *err) {
  qv_error e; /* the caller's slot is written only on failure, as everywhere */
  e.code = QV_OK;
  e.message[0] = '\0';
  for (int64_t task = 0; task < n_tasks; task++) {
    const qv_status st = fn(ctx, task, 0, &e);
    if (st != QV_OK) {
      if (e.code == QV_OK) e.code = st; /* a task that returned a failure without its message */
      if (err != NULL) *err = e;
      return st;
    }
  }
  return QV_OK;
}

qv_status qv__parallel_run(int n_threads, int64_t n_tasks, qv__parallel_task_fn fn, void *ctx, qv_error *err) {
  if (n_threads > QV__PARALLEL_MAX_THREADS) n_threads = QV__PARALLEL_MAX_THREADS;
  if (n_threads > n_tasks) n_threads = (int)n_tasks;
  if (n_threads <= 1) return run_inline(n_tasks, fn, ctx, err);
  run r;
  r.fn = fn;
  r.ctx = ctx;
  r.n_tasks = n_tasks;
  atomic_init(&r.next, 0);
  atomic_init(&r.failed_task, n_tasks);
  r.status = QV_OK;
  pthread_mutex_init(&r.lock, NULL);
  worker workers[QV__PARALLEL_MAX_THREADS];
  pthread_t threads[QV__PARALLEL_MAX_THREADS];
  const int limit = atomic_load(&start_limit);
  int started = 0; /* threads[0 .. started) run workers[1 .. started] */
  for (int t = 0; t < n_threads; t++) {
    workers[t].r = &r;
    workers[t].id = t;
  }
  while (started + 1 < n_threads && (limit < 0 || started < limit) &&
         pthread_create(&threads[started], NULL, work, &workers[started + 1]) == 0)
    started++;
  work(&workers[0]);
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
  pthread_mutex_destroy(&r.lock);
  if (r.status != QV_OK && err != NULL) *err = r.error;
  return r.status;
}
