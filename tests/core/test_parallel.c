/* core's run of a call's tasks on several threads (src/core/parallel.c):
 * every task runs exactly once for any thread count, also with more tasks
 * than threads and with no task at all; a worker never runs two tasks at
 * once and its number stays below the thread count; one thread runs the
 * tasks in order on the caller; the lowest-numbered failing task's status
 * and message come back whatever the thread count, and no task after a
 * failure starts on one thread; a task that fails without a message still
 * gives its status; when threads cannot be started (the test hook stands
 * in for pthread_create failing) the caller runs everything. Built and run
 * under ThreadSanitizer by `make test-tsan` (core_test_parallel).
 * Bounded: at most a few thousand tiny tasks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "core/internal.h"
#include "core/parallel.h"

#define MAX_TASKS 2000

typedef struct probe {
  atomic_int runs[MAX_TASKS];                       /* times each task ran */
  atomic_int busy[QV__PARALLEL_MAX_THREADS];        /* a worker inside a task */
  atomic_int overlaps;                              /* a worker found busy on entry */
  atomic_int bad_worker;                            /* a worker number out of range */
  atomic_int off_caller;                            /* tasks run on another thread */
  atomic_llong last_task;                           /* the highest task seen so far */
  atomic_int out_of_order;                          /* a task below one seen before */
  int threads;                                      /* the run's n_threads */
  pthread_t caller;
  int64_t fail_a, fail_b; /* tasks that fail (-1: none) */
  bool silent;            /* fail without a message */
  int64_t slow_task;      /* waits (boundedly) for fail_a to fail first; -1: none */
  atomic_int a_failing;   /* fail_a is about to return its failure */
} probe;

static void probe_init(probe *p, int threads) {
  memset(p, 0, sizeof *p);
  for (int i = 0; i < MAX_TASKS; i++) atomic_init(&p->runs[i], 0);
  for (int i = 0; i < QV__PARALLEL_MAX_THREADS; i++) atomic_init(&p->busy[i], 0);
  atomic_init(&p->overlaps, 0);
  atomic_init(&p->bad_worker, 0);
  atomic_init(&p->off_caller, 0);
  atomic_init(&p->last_task, -1);
  atomic_init(&p->out_of_order, 0);
  p->threads = threads;
  p->caller = pthread_self();
  p->fail_a = p->fail_b = p->slow_task = -1;
  atomic_init(&p->a_failing, 0);
}

static void sleep_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, NULL);
}

static qv_status task(void *ctx, int64_t i, int worker, qv_error *err) {
  probe *p = ctx;
  const int limit = p->threads < 1 ? 1 : p->threads;
  if (worker < 0 || worker >= limit || worker >= QV__PARALLEL_MAX_THREADS) {
    atomic_fetch_add(&p->bad_worker, 1);
    return QV_OK;
  }
  if (atomic_exchange(&p->busy[worker], 1) != 0) atomic_fetch_add(&p->overlaps, 1);
  atomic_fetch_add(&p->runs[i], 1);
  if (!pthread_equal(pthread_self(), p->caller)) atomic_fetch_add(&p->off_caller, 1);
  if (atomic_exchange(&p->last_task, i) > i) atomic_fetch_add(&p->out_of_order, 1);
  /* a little work, so that several workers really overlap */
  volatile uint64_t x = (uint64_t)i;
  for (int k = 0; k < 200; k++) x = x * 6364136223846793005ull + 1;
  if (i == p->slow_task) { /* let the later failure be recorded first: at most 200 ms */
    for (int k = 0; k < 2000 && atomic_load(&p->a_failing) == 0; k++) sleep_us(100);
    sleep_us(2000);
  }
  atomic_store(&p->busy[worker], 0);
  if (i == p->fail_a) atomic_store(&p->a_failing, 1);
  if (i == p->fail_a || i == p->fail_b) {
    if (p->silent) return QV_ERR_INVALID_DATA;
    return qv_error_set(err, QV_ERR_INVALID_DATA, "task %lld failed", (long long)i);
  }
  return QV_OK;
}

static probe the_probe; /* large: not on the test's stack */

static void every_task_once_for_any_thread_count(void **state) {
  (void)state;
  const int thread_counts[] = {0, 1, 2, 3, 4, 8, 50};
  const int64_t task_counts[] = {0, 1, 2, 5, 7, 100, MAX_TASKS};
  for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++)
    for (size_t n = 0; n < sizeof task_counts / sizeof task_counts[0]; n++) {
      probe *p = &the_probe;
      probe_init(p, thread_counts[t]);
      qv_error e;
      assert_int_equal(qv__parallel_run(thread_counts[t], task_counts[n], task, p, &e), QV_OK);
      for (int64_t i = 0; i < MAX_TASKS; i++) assert_int_equal(atomic_load(&p->runs[i]), i < task_counts[n] ? 1 : 0);
      assert_int_equal(atomic_load(&p->overlaps), 0);
      assert_int_equal(atomic_load(&p->bad_worker), 0);
    }
}

static void one_thread_runs_in_order_on_the_caller(void **state) {
  (void)state;
  probe *p = &the_probe;
  probe_init(p, 1);
  assert_int_equal(qv__parallel_run(1, 300, task, p, NULL), QV_OK);
  assert_int_equal(atomic_load(&p->off_caller), 0);
  assert_int_equal(atomic_load(&p->out_of_order), 0);
  assert_int_equal(atomic_load(&p->last_task), 299);
}

static void lowest_failing_task_wins(void **state) {
  (void)state;
  const int thread_counts[] = {1, 2, 4, 8};
  for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++)
    for (int round = 0; round < 20; round++) {
      probe *p = &the_probe;
      probe_init(p, thread_counts[t]);
      p->fail_a = 301; /* fails first in time when threads run: task 37 waits for it */
      p->fail_b = 37;
      if (thread_counts[t] > 1) p->slow_task = 37;
      qv_error e;
      memset(&e, 0, sizeof e);
      assert_int_equal(qv__parallel_run(thread_counts[t], 1000, task, p, &e), QV_ERR_INVALID_DATA);
      assert_int_equal(e.code, QV_ERR_INVALID_DATA);
      assert_string_equal(e.message, "task 37 failed");
      for (int64_t i = 0; i <= 37; i++) assert_int_equal(atomic_load(&p->runs[i]), 1); /* all before it ran */
      if (thread_counts[t] == 1)
        for (int64_t i = 38; i < 1000; i++) assert_int_equal(atomic_load(&p->runs[i]), 0);
      /* without an error slot the status still comes back */
      probe_init(p, thread_counts[t]);
      p->fail_a = 5;
      assert_int_equal(qv__parallel_run(thread_counts[t], 50, task, p, NULL), QV_ERR_INVALID_DATA);
    }
}

static void failure_without_a_message_keeps_its_status(void **state) {
  (void)state;
  for (int threads = 1; threads <= 4; threads += 3) {
    probe *p = &the_probe;
    probe_init(p, threads);
    p->fail_a = 3;
    p->silent = true;
    qv_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(qv__parallel_run(threads, 20, task, p, &e), QV_ERR_INVALID_DATA);
    assert_int_equal(e.code, QV_ERR_INVALID_DATA);
    assert_string_equal(e.message, "");
  }
}

/* Threads that cannot be started: with none the caller runs every task
 * (worker 0, in order); with one, two workers share them. The failure
 * rule holds either way. */
static void thread_start_failure_runs_the_work_inline(void **state) {
  (void)state;
  probe *p = &the_probe;
  qv__parallel_limit_thread_starts(0);
  probe_init(p, 1); /* only worker 0 may show up */
  assert_int_equal(qv__parallel_run(4, 500, task, p, NULL), QV_OK);
  for (int64_t i = 0; i < 500; i++) assert_int_equal(atomic_load(&p->runs[i]), 1);
  assert_int_equal(atomic_load(&p->off_caller), 0);
  assert_int_equal(atomic_load(&p->out_of_order), 0);
  assert_int_equal(atomic_load(&p->bad_worker), 0);
  probe_init(p, 1);
  p->fail_a = 99;
  qv_error e;
  assert_int_equal(qv__parallel_run(8, 500, task, p, &e), QV_ERR_INVALID_DATA);
  assert_string_equal(e.message, "task 99 failed");
  assert_int_equal(atomic_load(&p->runs[100]), 0);

  qv__parallel_limit_thread_starts(1);
  probe_init(p, 2); /* workers 0 and 1 only */
  assert_int_equal(qv__parallel_run(8, 500, task, p, NULL), QV_OK);
  for (int64_t i = 0; i < 500; i++) assert_int_equal(atomic_load(&p->runs[i]), 1);
  assert_int_equal(atomic_load(&p->bad_worker), 0);
  assert_int_equal(atomic_load(&p->overlaps), 0);
  qv__parallel_limit_thread_starts(-1);

  /* restored: a run of 4 workers may use workers up to 3 again */
  probe_init(p, 4);
  assert_int_equal(qv__parallel_run(4, 500, task, p, NULL), QV_OK);
  assert_int_equal(atomic_load(&p->bad_worker), 0);
}

static void cpus_is_at_least_one(void **state) {
  (void)state;
  assert_true(qv__parallel_cpus() >= 1);
  assert_int_equal(qv__parallel_cpus(), qv__parallel_cpus());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_task_once_for_any_thread_count),
      cmocka_unit_test(one_thread_runs_in_order_on_the_caller),
      cmocka_unit_test(lowest_failing_task_wins),
      cmocka_unit_test(failure_without_a_message_keeps_its_status),
      cmocka_unit_test(thread_start_failure_runs_the_work_inline),
      cmocka_unit_test(cpus_is_at_least_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
