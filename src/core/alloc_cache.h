/* quiver core: the cache of freed large mappings (alloc_cache.c).
 *
 * The default allocator hands blocks of QV__LARGE_BLOCK bytes or more out as
 * anonymous mappings. Instead of unmapping a freed one it parks it here, and
 * the next large request of a size it can serve takes it back with its pages
 * already faulted in. Internal to core; allocator.c is its only user besides
 * the tests. */
#ifndef QV_CORE_ALLOC_CACHE_H
#define QV_CORE_ALLOC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A mapping of `size` bytes (any size; the cache works in whole pages) taken
 * from the cache, or NULL when none fits (or the cache is off). Bytes from
 * *zero_from to the end are known zero; those before it hold whatever the
 * block's previous owner wrote. */
void *qv__alloc_cache_take(size_t size, size_t *zero_from);

/* Hands the mapping [p, p + size) to the cache, which keeps it or unmaps it
 * (and may unmap older blocks to stay within its bounds). The caller must
 * not touch it again. */
void qv__alloc_cache_put(void *p, size_t size);

typedef struct qv__alloc_cache_stats {
  bool enabled;         /* false: compiled out (sanitizers) or QV_ALLOC_CACHE=0 */
  int64_t blocks;       /* blocks held now */
  int64_t bytes;        /* bytes held now (whole pages) */
  int64_t max_blocks;   /* the bound on blocks */
  int64_t max_bytes;    /* the bound on bytes */
  int64_t hits, misses; /* takes served / not served since the last configure */
  int64_t evictions;    /* blocks unmapped to make room since the last configure */
} qv__alloc_cache_stats;

void qv__alloc_cache_get_stats(qv__alloc_cache_stats *out);

/* Unmaps every held block. */
void qv__alloc_cache_drain(void);

/* Drains, then reads QV_ALLOC_CACHE again and resets the counters; the
 * first use does this on its own. max_bytes > 0 replaces the byte bound (for
 * tests; 0 keeps the default one). */
void qv__alloc_cache_configure(int64_t max_bytes);

#endif
