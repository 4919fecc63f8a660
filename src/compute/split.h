/* Internal to src/compute: how many threads a kernel call's work is worth.
 *
 * A few kernels are bound by memory latency or bandwidth on one core
 * (filter and take over large inputs, numeric casts); splitting their input
 * into parts that write disjoint parts of the output lets the other cores'
 * load units work too. Group-by and sort_indices split their rows in two
 * halves. The parts and halves run through core's qv__parallel_run
 * (core/parallel.h); this file only says how many threads, so that one knob,
 * the environment variable QV_COMPUTE_THREADS, bounds every kernel. Parts
 * must not write to the same bytes (or bitmap bytes) as each other.
 */
#ifndef QUIVER_SRC_COMPUTE_SPLIT_H
#define QUIVER_SRC_COMPUTE_SPLIT_H

#include <stdint.h>

#define QV__COMPUTE_MAX_PARTS 4

/* How many parts (1..QV__COMPUTE_MAX_PARTS) a kernel should split `work`
 * into, in elements streamed through memory (a kernel whose elements cost
 * more, such as random reads, weighs them up): 1 below the threshold (QV__COMPUTE_PARALLEL_MIN elements
 * unless a test changed it), else the number of online CPUs, capped by
 * QV_COMPUTE_THREADS (read once) and by the maximum. Each part gets a
 * thread of its own. */
#define QV__COMPUTE_PARALLEL_MIN ((int64_t)1 << 20)
int qv__compute_parts(int64_t work);

/* Rows from which splitting in two halves pays for starting a thread. */
#define QV__PARALLEL_MIN_ROWS ((int64_t)1 << 17)

/* The threads for a kernel's two halves over `rows` rows: 2 from
 * QV__PARALLEL_MIN_ROWS rows on when QV_COMPUTE_THREADS (or a test's
 * forced part count) allows two, else 1 (the halves run in turn; the
 * result is the same either way). */
int qv__compute_pair_threads(int64_t rows);

/* Test hook: the smallest `work` split into several parts (<= 0 restores
 * QV__COMPUTE_PARALLEL_MIN), and into how many (1..QV__COMPUTE_MAX_PARTS;
 * <= 0 restores the CPU count; also the halves' thread count, at most 2);
 * lets tests run the threaded paths on small inputs and on any machine.
 * Thread-safe. */
void qv__compute_set_parallel(int64_t min_work, int parts);

#endif
