/* Run-time choice of the hand-vectorized kernels' instruction set (see
 * simd.h). The CPU check and the environment are read once and cached in
 * an atomic; the test hook is a second atomic, so no call races another. */
#include "compute/simd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define UNKNOWN (-1)

static atomic_int cpu_level = UNKNOWN;
static atomic_int forced_cap = QV__SIMD_AVX512;

static int detect(void) {
#if QV__HAVE_AVX2_TARGET
  const char *env = getenv("QV_SIMD");
  int cap = QV__SIMD_AVX512, level = QV__SIMD_PORTABLE;
  if (env != NULL && strcmp(env, "portable") == 0) cap = QV__SIMD_PORTABLE;
  if (env != NULL && strcmp(env, "avx2") == 0) cap = QV__SIMD_AVX2;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi") &&
      __builtin_cpu_supports("bmi2"))
    level = QV__SIMD_AVX2;
  if (level == QV__SIMD_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
    level = QV__SIMD_AVX512;
  return level < cap ? level : cap;
#else
  return QV__SIMD_PORTABLE;
#endif
}

qv__simd_level qv__simd_level_now(void) {
  int v = atomic_load_explicit(&cpu_level, memory_order_relaxed);
  if (v == UNKNOWN) {
    v = detect();
    atomic_store_explicit(&cpu_level, v, memory_order_relaxed);
  }
  int cap = atomic_load_explicit(&forced_cap, memory_order_relaxed);
  return (qv__simd_level)(v < cap ? v : cap);
}

bool qv__simd_avx2(void) { return qv__simd_level_now() >= QV__SIMD_AVX2; }

bool qv__simd_avx512(void) { return qv__simd_level_now() >= QV__SIMD_AVX512; }

void qv__simd_force_level(qv__simd_level max) { atomic_store(&forced_cap, (int)max); }

void qv__simd_force_portable(bool portable) {
  qv__simd_force_level(portable ? QV__SIMD_PORTABLE : QV__SIMD_AVX512);
}
