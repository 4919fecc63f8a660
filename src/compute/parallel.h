/* Internal to src/compute: running one kernel's independent parts on
 * several threads.
 *
 * A few kernels are bound by memory latency or bandwidth on one core
 * (filter and take over large inputs, numeric casts); splitting their input
 * into parts that write disjoint parts of the output lets the other cores'
 * load units work too. The calling thread runs part 0 itself; a thread that
 * cannot be started only means its part runs on the caller after part 0, so
 * a part always runs exactly once and nothing here can fail. Parts must not
 * write to the same bytes (or bitmap bytes) as each other.
 */
#ifndef QUIVER_SRC_COMPUTE_PARALLEL_H
#define QUIVER_SRC_COMPUTE_PARALLEL_H

#include <stdint.h>

#define QV__COMPUTE_MAX_PARTS 4

/* How many parts (1..QV__COMPUTE_MAX_PARTS) a kernel should split `work`
 * into, in elements streamed through memory (a kernel whose elements cost
 * more, such as random reads, weighs them up): 1 below the threshold (QV__COMPUTE_PARALLEL_MIN elements
 * unless a test changed it), else the number of online CPUs, capped by the
 * environment variable QV_COMPUTE_THREADS (read once) and by the maximum. */
#define QV__COMPUTE_PARALLEL_MIN ((int64_t)1 << 20)
int qv__compute_parts(int64_t work);

/* Runs fn(ctx, p) for p in [0, n_parts): part 0 on the caller, the others
 * on threads of their own; returns when every part is done. */
void qv__compute_run_parts(int n_parts, void (*fn)(void *ctx, int part), void *ctx);

/* Test hook: the smallest `work` split into several parts (<= 0 restores
 * QV__COMPUTE_PARALLEL_MIN), and into how many (1..QV__COMPUTE_MAX_PARTS;
 * <= 0 restores the CPU count); lets tests run the threaded paths on small
 * inputs and on any machine. Thread-safe. */
void qv__compute_set_parallel(int64_t min_work, int parts);

/* ---- two halves (group-by, sort_indices) ----
 * The kernels that split their rows in two hand each half to one task: the
 * second runs on a thread started for the call, the first on the caller's.
 * When no thread can be started (or the input is too small to pay for
 * one), the two tasks run one after the other on the caller's thread: the
 * result is the same either way. */

#include <stdbool.h>

/* Rows from which splitting in two pays for starting a thread. */
#define QV__PARALLEL_MIN_ROWS ((int64_t)1 << 17)

/* Runs task(first) and task(second), at once when `together` (and a
 * thread can be started), else in turn. Returns when both have finished. */
void qv__compute_run_pair(void (*task)(void *), void *first, void *second, bool together);

/* Test hook: false makes every qv__compute_run_pair run its tasks in turn
 * (both ways must give identical results); true restores threads.
 * Thread-safe. */
void qv__compute_allow_threads(bool allow);

#endif
