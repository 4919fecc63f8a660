/* Run-time choice of the hand-vectorized kernels' instruction set (see
 * simd.h). The CPU check and the environment are read once and cached in
 * an atomic; the test hook is a second atomic, so no call races another. */
#include "compute/simd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { UNKNOWN = 0, NO = 1, YES = 2 };

static atomic_int cpu_avx2 = UNKNOWN;
static atomic_bool forced_portable = false;

static int detect(void) {
#if QV__HAVE_AVX2_TARGET
  const char *env = getenv("QV_SIMD");
  if (env != NULL && strcmp(env, "portable") == 0) return NO;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") ? YES : NO;
#else
  return NO;
#endif
}

bool qv__simd_avx2(void) {
  if (atomic_load_explicit(&forced_portable, memory_order_relaxed)) return false;
  int v = atomic_load_explicit(&cpu_avx2, memory_order_relaxed);
  if (v == UNKNOWN) {
    v = detect();
    atomic_store_explicit(&cpu_avx2, v, memory_order_relaxed);
  }
  return v == YES;
}

void qv__simd_force_portable(bool portable) { atomic_store(&forced_portable, portable); }
