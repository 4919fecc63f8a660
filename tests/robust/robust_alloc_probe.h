/* An allocation probe for the robustness tests: proves that a claimed size
 * (a compression prefix, a bodyLength) was NOT allocated.
 *
 * quiver's default allocator (src/core/allocator.c) serves every block of
 * 1 MiB or more with an anonymous mmap (grown with mremap), and every data
 * buffer comes from that allocator (message bodies) or from the heap
 * allocator, which calls posix_memalign (decompression outputs). So any
 * allocation sized by a claim of 1 MiB or more must pass through mmap,
 * mremap or posix_memalign. This header interposes the three symbols in
 * the test executable (quiver is linked statically, so its calls bind
 * here; the real functions are found with dlsym(RTLD_NEXT), which under
 * ASan are the sanitizer's interceptors) and records the largest anonymous
 * mapping or aligned block requested while the probe is on.
 * Tests pair every "nothing big was allocated" assertion with a positive
 * control that shows the probe does see a large allocation.
 * The allocator keeps freed large blocks for reuse (core/alloc_cache.c),
 * and a block served from there calls none of the three: the probe empties
 * that cache when it starts, so every large block obtained while it is on
 * is mapped (or grown) in front of it.
 *
 * Define the two functions once per executable: include this header from
 * exactly one test file.
 */
#ifndef QV_TEST_ROBUST_ALLOC_PROBE_H
#define QV_TEST_ROBUST_ALLOC_PROBE_H

#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/types.h>

#include "core/alloc_cache.h"

static bool rt_probe_on;
static size_t rt_probe_max; /* largest anonymous mmap / mremap size seen while on */

typedef void *(*rt_mmap_fn)(void *, size_t, int, int, int, off_t);
typedef void *(*rt_mremap_fn)(void *, size_t, size_t, int, ...);

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  static rt_mmap_fn real;
  if (real == NULL) real = (rt_mmap_fn)dlsym(RTLD_NEXT, "mmap");
  if (rt_probe_on && (flags & MAP_ANONYMOUS) && len > rt_probe_max) rt_probe_max = len;
  return real(addr, len, prot, flags, fd, off);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...) {
  static rt_mremap_fn real;
  if (real == NULL) real = (rt_mremap_fn)dlsym(RTLD_NEXT, "mremap");
  if (rt_probe_on && new_len > rt_probe_max) rt_probe_max = new_len;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    void *fixed = va_arg(ap, void *);
    va_end(ap);
    return real(old, old_len, new_len, flags, fixed);
  }
  return real(old, old_len, new_len, flags);
}

typedef int (*rt_memalign_fn)(void **, size_t, size_t);

int posix_memalign(void **out, size_t alignment, size_t n) {
  static rt_memalign_fn real;
  if (real == NULL) real = (rt_memalign_fn)dlsym(RTLD_NEXT, "posix_memalign");
  if (rt_probe_on && n > rt_probe_max) rt_probe_max = n;
  return real(out, alignment, n);
}

static inline void rt_probe_start(void) {
  qv__alloc_cache_drain();
  rt_probe_max = 0;
  rt_probe_on = true;
}

/* Stops the probe; returns the largest anonymous mapping or aligned block seen. */
static inline size_t rt_probe_stop(void) {
  rt_probe_on = false;
  return rt_probe_max;
}

#endif
