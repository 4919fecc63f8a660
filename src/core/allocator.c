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
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

static void *default_allocate(void *ctx, size_t size, size_t alignment) {
  (void)ctx;
  if (is_large(size) && alignment <= 4096) return map_block(size);
  if (alignment < sizeof(void *)) alignment = sizeof(void *);
  void *p = NULL;
  if (posix_memalign(&p, alignment, size ? size : 1) != 0) return NULL;
  return p;
}

static void default_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  if (ptr == NULL) return;
  if (is_large(size)) munmap(ptr, size);
  else free(ptr);
}

static void *default_reallocate(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment) {
  if (ptr == NULL) return default_allocate(ctx, new_size, alignment);
  if (is_large(old_size) && is_large(new_size)) {
    void *p = mremap(ptr, old_size, new_size, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    if (new_size >= ((size_t)2 << 20)) (void)madvise(p, new_size, MADV_HUGEPAGE);
#endif
    return p;
  }
  void *p = default_allocate(ctx, new_size, alignment);
  if (p == NULL) return NULL;
  memcpy(p, ptr, old_size < new_size ? old_size : new_size);
  default_free(ctx, ptr, old_size);
  return p;
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

/* Large blocks of the default allocator are fresh anonymous mappings (or
 * grown by mremap, or copied into one), so every byte past what was there
 * before is already zero: buffers skip zeroing them, which would otherwise
 * touch every page twice. */
bool qv__allocator_gives_zeroed(const qv_allocator *allocator, size_t size) {
  return allocator == &k_default_allocator && is_large(size);
}
