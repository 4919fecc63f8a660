/* Internal to src/compute: which instruction set the kernels with a
 * hand-vectorized path may use, decided once per process.
 *
 * Most kernels rely on the compiler's vectorization of plain loops (SSE2,
 * the x86-64 baseline, or the target's own). A few loops gain more from
 * instructions the baseline lacks (AVX2's lane permutes for filter,
 * AVX-512's compress and int64-to-double conversion); those are compiled
 * with a target attribute beside a portable version, and this module picks
 * one at run time: the best level the CPU has (AVX2 comes with POPCNT and
 * BMI1/2 on every CPU that has it; the AVX-512 level asks for F, DQ, BW and
 * VL), capped by the environment variable QV_SIMD ("portable" or "avx2",
 * read once) and by a test's qv__simd_force_level. Every level gives
 * identical results; tests/compute/test_simd_dispatch.c runs each one the
 * CPU allows.
 */
#ifndef QUIVER_SRC_COMPUTE_SIMD_H
#define QUIVER_SRC_COMPUTE_SIMD_H

#include <stdbool.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QV__HAVE_AVX2_TARGET 1
#define QV__HAVE_AVX512_TARGET 1
#else
#define QV__HAVE_AVX2_TARGET 0
#define QV__HAVE_AVX512_TARGET 0
#endif

/* The target attributes of the two levels (one spelling for every file). */
#define QV__TARGET_AVX2 __attribute__((target("avx2,popcnt,bmi,bmi2")))
#define QV__TARGET_AVX512 \
  __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,popcnt,bmi,bmi2")))

/* For a loop written once and built twice, plain and under a target
 * attribute: the body is an always-inlined function that two thin
 * wrappers call (a default-target function inlines into a wider one). */
#define QV__ALWAYS_INLINE static inline __attribute__((always_inline))

typedef enum qv__simd_level {
  QV__SIMD_PORTABLE = 0,
  QV__SIMD_AVX2 = 1,
  QV__SIMD_AVX512 = 2,
} qv__simd_level;

/* The level the kernels may use now. Thread-safe. */
qv__simd_level qv__simd_level_now(void);

/* Whether AVX2 (or better) code may run now. Thread-safe. */
bool qv__simd_avx2(void);
/* Whether AVX-512 code may run now. Thread-safe. */
bool qv__simd_avx512(void);

/* Test hooks: cap the level at `max` (QV__SIMD_AVX512 returns to the CPU's
 * choice, still subject to QV_SIMD). Thread-safe; takes effect on the next
 * kernel call. qv__simd_force_portable(b) is force_level(b ? PORTABLE :
 * AVX512). */
void qv__simd_force_level(qv__simd_level max);
void qv__simd_force_portable(bool portable);

#endif
