/* Internal to src/compute: which instruction set the kernels with a
 * hand-vectorized path may use, decided once per process.
 *
 * Most kernels rely on the compiler's vectorization of plain loops (SSE2,
 * the x86-64 baseline, or the target's own). A few loops gain more from
 * instructions the baseline lacks (AVX2's lane permutes for filter); those
 * are compiled with a target attribute beside a portable version, and this
 * module picks one at run time: AVX2 (with POPCNT, which every AVX2 CPU
 * has) when the CPU has it, unless the
 * environment variable QV_SIMD is "portable" (read once) or a test forced
 * the portable path through qv__simd_force_portable. Both paths give
 * identical results; tests/compute/test_simd_dispatch.c runs both.
 */
#ifndef QUIVER_SRC_COMPUTE_SIMD_H
#define QUIVER_SRC_COMPUTE_SIMD_H

#include <stdbool.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QV__HAVE_AVX2_TARGET 1
#else
#define QV__HAVE_AVX2_TARGET 0
#endif

/* Whether AVX2 code may run now. Thread-safe. */
bool qv__simd_avx2(void);

/* Test hook: true forces the portable paths, false returns to the CPU's
 * choice (still subject to QV_SIMD). Thread-safe; takes effect on the next
 * kernel call. */
void qv__simd_force_portable(bool portable);

#endif
