/* Allocation-failure injection for the tests in tests/oom/ (include from
 * exactly one file per executable: it defines the wrappers).
 *
 * CMakeLists.txt links every tests/oom executable with
 * -Wl,--wrap=malloc,calloc,realloc,posix_memalign,aligned_alloc, so the
 * statically linked quiver code (and the test's own) calls the __wrap_
 * functions below; shared libraries (libc, cmocka, zstd, jansson) keep the
 * real allocator. Under ASan, __real_malloc is the sanitizer's.
 *
 * oom_sweep runs an operation once per allocation it makes, failing
 * exactly that one allocation (later ones succeed, so the operation's
 * cleanup runs with a working allocator), until a run completes without
 * reaching the failure. Every failed run must return QV_ERR_NO_MEMORY with
 * an error message (or QV_OK when the operation recovers by itself, then
 * the result must still be right); ASan's leak check at exit catches
 * anything a failure path leaks.
 */
#ifndef QV_TESTS_OOM_INJECT_H
#define QV_TESTS_OOM_INJECT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ipc/schema_cache.h"
#include "quiver/status.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t alignment, size_t n);
void *__real_aligned_alloc(size_t alignment, size_t n);

static long g_oom_countdown = -1; /* >= 0: allocations left before the failing one */
static bool g_oom_fired;          /* the armed failure happened in this run */

static bool oom_fail_now(void) {
  if (g_oom_countdown < 0) return false;
  if (g_oom_countdown-- > 0) return false;
  g_oom_fired = true;
  return true;
}

void *__wrap_malloc(size_t n);
void *__wrap_malloc(size_t n) { return oom_fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_calloc(size_t count, size_t size) { return oom_fail_now() ? NULL : __real_calloc(count, size); }
void *__wrap_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n) { return oom_fail_now() ? NULL : __real_realloc(p, n); }
int __wrap_posix_memalign(void **p, size_t alignment, size_t n);
int __wrap_posix_memalign(void **p, size_t alignment, size_t n) {
  return oom_fail_now() ? ENOMEM : __real_posix_memalign(p, alignment, n);
}
void *__wrap_aligned_alloc(size_t alignment, size_t n);
void *__wrap_aligned_alloc(size_t alignment, size_t n) {
  return oom_fail_now() ? NULL : __real_aligned_alloc(alignment, n);
}

/* Fails the allocation `k` allocations from now (0: the next one). */
static inline void oom_arm(long k) {
  g_oom_fired = false;
  g_oom_countdown = k;
}

/* Stops injecting; returns whether the armed failure happened. */
static inline bool oom_disarm(void) {
  g_oom_countdown = -1;
  return g_oom_fired;
}

/* An operation under test: does its work (armed), returns its status and,
 * on QV_OK, leaves a result for `check`. */
typedef qv_status (*oom_run_fn)(void *ctx, void **result, qv_error *err);
/* Verifies and frees a result (run disarmed). */
typedef void (*oom_check_fn)(void *ctx, void *result);

/* Whether oom_sweep keeps the process-wide schema cache (ipc/schema_cache.h)
 * between runs. By default it is emptied before each run, so every run of
 * a read makes the same allocations (a schema decoded in one run would
 * otherwise be found, not decoded, in the next, and the sweep would end
 * before failing the allocations after it); a sweep of the cached path sets
 * this after priming the cache. */
static bool g_oom_keep_schema_cache;

/* Most allocations one operation may make before the sweep gives up. */
#define OOM_MAX_ALLOCATIONS 200000

/* Returns how many allocation sites were failed (the operation's
 * allocation count); fails the test on a wrong status or a missing message.
 * Empties the schema cache before each run unless g_oom_keep_schema_cache. */
static inline long oom_sweep(const char *what, oom_run_fn run, oom_check_fn check, void *ctx) {
  for (long k = 0; k < OOM_MAX_ALLOCATIONS; k++) {
    qv_error err;
    qv_error_clear(&err);
    void *result = NULL;
    if (!g_oom_keep_schema_cache) qv__schema_cache_clear();
    oom_arm(k);
    qv_status st = run(ctx, &result, &err);
    bool fired = oom_disarm();
    if (st == QV_OK) {
      check(ctx, result);
      if (!fired) { /* ran to the end without reaching allocation k */
        print_message("  %s: %ld allocations, each failed once\n", what, k);
        return k;
      }
      continue;             /* recovered from the failure: the result was checked */
    }
    if (!fired) fail_msg("%s: failed with no allocation failure: %s: %s", what, qv_status_name(st), err.message);
    if (st != QV_ERR_NO_MEMORY)
      fail_msg("%s: allocation %ld failed, but the status is %s: %s", what, k, qv_status_name(st), err.message);
    if (err.code != st || err.message[0] == '\0')
      fail_msg("%s: allocation %ld failed with QV_ERR_NO_MEMORY but no message", what, k);
    if (result != NULL) fail_msg("%s: allocation %ld failed but a result came back", what, k);
  }
  fail_msg("%s: more than %d allocations", what, OOM_MAX_ALLOCATIONS);
  return -1;
}

#endif
