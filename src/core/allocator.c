/* quiver core: the default allocator (aligned malloc).
 *
 * allocate uses posix_memalign, so any power-of-two alignment up to 4096
 * works. reallocate allocates a new aligned block, copies min(old, new)
 * bytes and frees the old one (realloc() cannot promise the alignment, and
 * builders grow geometrically so copies are amortised). On failure the old
 * block is untouched, as qv_allocator promises.
 */
#include <stdlib.h>
#include <string.h>

#include "quiver/memory.h"

static void *default_allocate(void *ctx, size_t size, size_t alignment) {
  (void)ctx;
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  void *p = NULL;
  if (posix_memalign(&p, alignment, size ? size : 1) != 0) return NULL;
  return p;
}

static void *default_reallocate(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment) {
  if (ptr == NULL) return default_allocate(ctx, new_size, alignment);
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  void *p = default_allocate(ctx, new_size, alignment);
  if (p == NULL) return NULL;
  memcpy(p, ptr, old_size < new_size ? old_size : new_size);
  free(ptr);
  return p;
}

static void default_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  (void)size;
  free(ptr);
}

static const qv_allocator k_default_allocator = {default_allocate, default_reallocate, default_free, NULL};

const qv_allocator *qv_default_allocator(void) { return &k_default_allocator; }
