/* quiver core: running a call's independent tasks on several threads
 * (parallel.c). The one place in the library that starts threads for a
 * single call: compute kernels, group-by, sort and the text writers all go
 * through it; each caller decides how many threads its work is worth (its
 * own knob, see docs/conventions.md "Threads"), this only runs them. Not
 * installed. */
#ifndef QUIVER_CORE_PARALLEL_H
#define QUIVER_CORE_PARALLEL_H

#include <stdint.h>

#include "quiver/status.h"

/* Most threads one run uses, the caller's included (a larger request gets
 * this many): the handles live on the caller's stack, so that starting a
 * thread is the only thing in a run that can fail. */
#define QV__PARALLEL_MAX_THREADS 8

/* Runs task number `task` of a run. `worker` (0 .. threads - 1) names the
 * thread that runs it; a worker runs one task at a time, so per-worker
 * scratch indexed by it is never shared. On failure the task returns the
 * status and fills `err` (never NULL; the run's own, one per worker). */
typedef qv_status (*qv__parallel_task_fn)(void *ctx, int64_t task, int worker, qv_error *err);

/* Runs fn(ctx, i, ...) for every i in [0, n_tasks) on up to n_threads
 * threads (the caller's included, capped by QV__PARALLEL_MAX_THREADS and
 * n_tasks); returns when every started task is done. Tasks are taken in
 * index order, one at a time, by whichever worker is free. A thread that
 * cannot be started only means fewer workers (at worst the caller runs
 * every task itself). Once a task fails, tasks after it are not started;
 * the failure of the lowest-numbered failing task is returned, with its
 * error in *err, so the result is the same for any thread count when the
 * tasks are deterministic. n_threads <= 1 runs everything on the caller,
 * in order, without starting a thread. */
qv_status qv__parallel_run(int n_threads, int64_t n_tasks, qv__parallel_task_fn fn, void *ctx, qv_error *err);

/* The online CPUs (read once; at least 1): what "as many threads as the
 * machine has" means for callers that default to that. */
int qv__parallel_cpus(void);

/* Test hook: at most `n` threads (besides the caller) start in any run,
 * as if creating the next one failed; n < 0 restores no limit.
 * Thread-safe; affects every run in the process while set. */
void qv__parallel_limit_thread_starts(int n);

#endif
