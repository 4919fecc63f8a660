/* quiver core: the default allocator.
 *
 * Small blocks come from posix_memalign (any power-of-two alignment up to
 * 4096). Blocks of QV__LARGE_BLOCK bytes or more are anonymous mappings:
 * page-aligned (so 64-byte aligned), asked to use transparent huge pages
 * (a fresh 4 KiB page costs ~2 us at first touch; a 2 MiB page amortises
 * that 512 times), and grown with mremap, which moves page tables instead of
 * copying bytes, so a builder growing to gigabytes never copies its data.
 * Which kind a block is follows from its size alone: qv_allocator callers
 * pass the size they allocated to free and reallocate (qv_buffer passes its
 * capacity). On failure the old block is untouched, as qv_allocator
 * promises.
 *
 * A freed large block goes to the cache of freed mappings (alloc_cache.c)
 * and a large request is served from it first, so repeated allocations of
 * similar sizes reuse pages already faulted in. A fresh mapping is zero, a
 * reused one is not: qv__allocator_allocate and qv__allocator_reallocate
 * report, per call, from which byte the block is known zero, and qv_buffer
 * zeroes only what lies before it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/alloc_cache.h"
#include "core/internal.h"
#include "quiver/memory.h"

#define QV__LARGE_BLOCK ((size_t)1 << 20)

static int is_large(size_t size) { return size >= QV__LARGE_BLOCK; }

static void *map_block(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
  if (size >= ((size_t)2 << 20)) (void)madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

static size_t page_size(void) {
  static size_t cached;
  size_t p = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (p == 0) {
    long v = sysconf(_SC_PAGESIZE);
    p = v > 0 ? (size_t)v : 4096;
    __atomic_store_n(&cached, p, __ATOMIC_RELAXED);
  }
  return p;
}

/* The end of the page holding byte size - 1: bytes of a mapping past `size`
 * up to there belong to the block too (and may be dirty if it was reused). */
static size_t page_end(size_t size) {
  size_t page = page_size();
  if (size > SIZE_MAX - (page - 1)) return SIZE_MAX;
  return (size + page - 1) / page * page;
}

/* A block of `size` bytes; *zero_from receives the offset from which its
 * bytes are known zero (size when none are). */
static void *allocate_reporting(size_t size, size_t alignment, size_t *zero_from) {
  *zero_from = size;
  if (is_large(size) && alignment <= 4096) {
    void *p = qv__alloc_cache_take(size, zero_from);
    if (p != NULL) return p;
    p = map_block(size);
    if (p != NULL) *zero_from = 0;
    return p;
  }
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  void *p = NULL;
  if (posix_memalign(&p, alignment, size ? size : 1) != 0) return NULL;
  return p;
}

static void *default_allocate(void *ctx, size_t size, size_t alignment) {
  (void)ctx;
  size_t zero_from;
  return allocate_reporting(size, alignment, &zero_from);
}

static void default_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  if (ptr == NULL) return;
  if (is_large(size)) qv__alloc_cache_put(ptr, size);
  else free(ptr);
}

/* Like default_reallocate; *zero_from as in allocate_reporting, for the
 * bytes past the kept contents. */
static void *reallocate_reporting(void *ptr, size_t old_size, size_t new_size, size_t alignment,
                                  size_t *zero_from) {
  *zero_from = new_size;
  if (ptr == NULL) return allocate_reporting(new_size, alignment, zero_from);
  if (is_large(old_size) && is_large(new_size)) {
    void *p = mremap(ptr, old_size, new_size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    if (new_size >= ((size_t)2 << 20)) (void)madvise(p, new_size, MADV_HUGEPAGE);
#endif
    /* Pages added by mremap are zero; the old block's last page past
     * old_size may not be (a reused block). */
    size_t z = page_end(old_size);
    *zero_from = z < new_size ? z : new_size;
    return p;
  }
  size_t z = new_size;
  void *p = allocate_reporting(new_size, alignment, &z);
  if (p == NULL) return NULL;
  size_t kept = old_size < new_size ? old_size : new_size;
  memcpy(p, ptr, kept);
  default_free(NULL, ptr, old_size);
  *zero_from = z > kept ? z : kept;
  return p;
}

static void *default_reallocate(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment) {
  (void)ctx;
  size_t zero_from;
  return reallocate_reporting(ptr, old_size, new_size, alignment, &zero_from);
}

static const qv_allocator k_default_allocator = {default_allocate, default_reallocate, default_free, NULL};

/* The C heap for blocks of every size (posix_memalign / free). */
static void *heap_allocate(void *ctx, size_t size, size_t alignment) {
  (void)ctx;
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  void *p = NULL;
  if (posix_memalign(&p, alignment, size ? size : 1) != 0) return NULL;
  return p;
}

static void heap_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  (void)size;
  free(ptr);
}

static void *heap_reallocate(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment) {
  void *p = heap_allocate(ctx, new_size, alignment);
  if (p == NULL) return NULL;
  if (ptr != NULL) {
    memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    free(ptr);
  }
  return p;
}

static const qv_allocator k_heap_allocator = {heap_allocate, heap_reallocate, heap_free, NULL};

const qv_allocator *qv__heap_allocator(void) { return &k_heap_allocator; }

const qv_allocator *qv_default_allocator(void) { return &k_default_allocator; }

void *qv__allocator_allocate(const qv_allocator *allocator, size_t size, size_t alignment, size_t *zero_from) {
  if (allocator == &k_default_allocator) return allocate_reporting(size, alignment, zero_from);
  *zero_from = size;
  return allocator->allocate(allocator->ctx, size, alignment);
}

void *qv__allocator_reallocate(const qv_allocator *allocator, void *ptr, size_t old_size, size_t new_size,
                               size_t alignment, size_t *zero_from) {
  if (allocator == &k_default_allocator)
    return reallocate_reporting(ptr, old_size, new_size, alignment, zero_from);
  *zero_from = new_size;
  return allocator->reallocate(allocator->ctx, ptr, old_size, new_size, alignment);
}
