/* quiver core: a bounded cache of freed large mappings.
 *
 * Why: the default allocator maps every block of 1 MiB or more afresh, and a
 * fresh mapping costs a page fault and the kernel's zeroing of every page at
 * first touch. A kernel's output, a decoded Parquet page or a CSV block is
 * allocated, filled, freed and allocated again at about the same size, so
 * that cost was paid on every call (about a third of a Parquet read). Freed
 * mappings wait here instead, pages still mapped, for the next request.
 *
 * Which block serves a request of P bytes (sizes in whole pages):
 *   - the smallest held block of P..2P bytes; a larger one gives its tail
 *     back with munmap, so the caller still owns exactly P bytes and frees
 *     it with the size it asked for (no size classes: the allocator keeps no
 *     header and learns a block's size only from its caller);
 *   - else the largest held block of P/2..P bytes, grown with mremap (the
 *     new tail is fresh zero pages, the head is reused);
 *   - else none: the caller maps a fresh block.
 * Blocks outside those windows stay for a request they suit; a 1 MiB
 * request never eats a 1 GiB block.
 *
 * Bounds: at most QV__CACHE_MAX_BLOCKS blocks and max_bytes bytes (1 GiB,
 * or an eighth of physical memory when that is less). A block that does not
 * fit evicts the oldest ones first; a block larger than the whole bound is
 * unmapped at once. No trimming over time: a process holds at most
 * max_bytes of freed memory (QV_ALLOC_CACHE=0 in the environment turns the
 * cache off; QV_ALLOC_CACHE=poison keeps it on and fills every reused byte
 * that is not known zero with 0xA5, so a test run shows at once any code
 * that reads a buffer it asked for unzeroed before writing it).
 *
 * Reused blocks are not zero: take reports from which byte a block is known
 * zero, and qv_buffer zeroes the rest where it must.
 *
 * Off when built with AddressSanitizer, HWASan or MemorySanitizer: there a
 * freed large block must be unmapped so a use after free faults.
 *
 * Threads: one mutex guards the table; the syscalls (munmap, mremap) run
 * outside it. fork() is covered by pthread_atfork handlers, so a child never
 * inherits the mutex locked.
 */
#include "core/alloc_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_HWADDRESS__)
#define QV__CACHE_COMPILED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define QV__CACHE_COMPILED 0
#endif
#endif
#ifndef QV__CACHE_COMPILED
#define QV__CACHE_COMPILED 1
#endif

#define QV__CACHE_MAX_BLOCKS 256
#define QV__CACHE_DEFAULT_MAX_BYTES ((int64_t)1 << 30)

typedef struct held_block {
  void *p;
  size_t bytes; /* whole pages */
} held_block;

static struct {
  pthread_mutex_t mu;
  held_block blocks[QV__CACHE_MAX_BLOCKS]; /* oldest first */
  int count;
  size_t bytes;     /* sum of blocks[].bytes */
  size_t max_bytes;
  size_t page;
  bool enabled;
  bool poison; /* QV_ALLOC_CACHE=poison: reused bytes filled with 0xA5 */
  int64_t hits, misses, evictions;
} g_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void lock(void) { pthread_mutex_lock(&g_cache.mu); }
static void unlock(void) { pthread_mutex_unlock(&g_cache.mu); }

static size_t default_max_bytes(void) {
  int64_t max = QV__CACHE_DEFAULT_MAX_BYTES;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0 && (int64_t)pages <= INT64_MAX / page) {
    int64_t eighth = (int64_t)pages * page / 8;
    if (eighth < max) max = eighth;
  }
  return (size_t)max;
}

static bool env_allows_cache(void) {
  const char *v = getenv("QV_ALLOC_CACHE");
  if (v == NULL) return true;
  return !(strcmp(v, "0") == 0 || strcmp(v, "off") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0);
}

/* Called with the mutex held. */
static void apply_settings(int64_t max_bytes) {
  long page = sysconf(_SC_PAGESIZE);
  g_cache.page = page > 0 ? (size_t)page : 4096;
  g_cache.enabled = QV__CACHE_COMPILED && env_allows_cache();
  const char *v = getenv("QV_ALLOC_CACHE");
  g_cache.poison = v != NULL && strcmp(v, "poison") == 0;
  g_cache.max_bytes = max_bytes > 0 ? (size_t)max_bytes : default_max_bytes();
  g_cache.hits = g_cache.misses = g_cache.evictions = 0;
}

static void atfork_child(void) {
  /* Only the forking thread lives on, and it held the mutex: re-create it. */
  pthread_mutex_init(&g_cache.mu, NULL);
}

static void init_once(void) {
  lock();
  apply_settings(0);
  unlock();
  (void)pthread_atfork(lock, unlock, atfork_child);
}

static size_t round_to_pages(size_t size) {
  size_t page = g_cache.page;
  if (size > SIZE_MAX - (page - 1)) return 0;
  return (size + page - 1) / page * page;
}

/* Removes blocks[i], keeping the age order. Mutex held. */
static held_block remove_at(int i) {
  held_block b = g_cache.blocks[i];
  memmove(&g_cache.blocks[i], &g_cache.blocks[i + 1], (size_t)(g_cache.count - i - 1) * sizeof b);
  g_cache.count--;
  g_cache.bytes -= b.bytes;
  return b;
}

void *qv__alloc_cache_take(size_t size, size_t *zero_from) {
  *zero_from = 0;
  if (!QV__CACHE_COMPILED) return NULL;
  pthread_once(&g_once, init_once);
  lock();
  size_t want = round_to_pages(size);
  if (!g_cache.enabled || want == 0 || g_cache.count == 0) {
    if (g_cache.enabled) g_cache.misses++;
    unlock();
    return NULL;
  }
  int shrink = -1, grow = -1;
  for (int i = 0; i < g_cache.count; i++) {
    size_t have = g_cache.blocks[i].bytes;
    if (have >= want && have / 2 <= want) {
      if (shrink < 0 || have < g_cache.blocks[shrink].bytes) shrink = i;
    } else if (have < want && have >= want / 2) {
      if (grow < 0 || have > g_cache.blocks[grow].bytes) grow = i;
    }
  }
  int pick = shrink >= 0 ? shrink : grow;
  if (pick < 0) {
    g_cache.misses++;
    unlock();
    return NULL;
  }
  held_block b = remove_at(pick);
  g_cache.hits++;
  bool poison = g_cache.poison;
  unlock();
  void *p = b.p;
  if (b.bytes > want) {
    (void)munmap((char *)b.p + want, b.bytes - want);
    *zero_from = size;
  } else if (b.bytes < want) {
    p = mremap(b.p, b.bytes, want, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
      (void)munmap(b.p, b.bytes);
      return NULL;
    }
#ifdef MADV_HUGEPAGE
    if (want >= ((size_t)2 << 20)) (void)madvise(p, want, MADV_HUGEPAGE);
#endif
    *zero_from = b.bytes;
  } else {
    *zero_from = size;
  }
  if (poison) memset(p, 0xA5, *zero_from < size ? *zero_from : size);
  return p;
}

void qv__alloc_cache_put(void *p, size_t size) {
  if (p == NULL) return;
  if (!QV__CACHE_COMPILED) {
    (void)munmap(p, size);
    return;
  }
  pthread_once(&g_once, init_once);
  held_block evicted[QV__CACHE_MAX_BLOCKS];
  int n_evicted = 0;
  lock();
  size_t bytes = round_to_pages(size);
  bool keep = g_cache.enabled && bytes != 0 && bytes <= g_cache.max_bytes;
  if (keep) {
    while (g_cache.count == QV__CACHE_MAX_BLOCKS || g_cache.bytes + bytes > g_cache.max_bytes) {
      evicted[n_evicted++] = remove_at(0);
      g_cache.evictions++;
    }
    g_cache.blocks[g_cache.count++] = (held_block){p, bytes};
    g_cache.bytes += bytes;
  }
  unlock();
  for (int i = 0; i < n_evicted; i++) (void)munmap(evicted[i].p, evicted[i].bytes);
  if (!keep) (void)munmap(p, size);
}

void qv__alloc_cache_get_stats(qv__alloc_cache_stats *out) {
  pthread_once(&g_once, init_once);
  lock();
  out->enabled = g_cache.enabled;
  out->blocks = g_cache.count;
  out->bytes = (int64_t)g_cache.bytes;
  out->max_blocks = QV__CACHE_MAX_BLOCKS;
  out->max_bytes = (int64_t)g_cache.max_bytes;
  out->hits = g_cache.hits;
  out->misses = g_cache.misses;
  out->evictions = g_cache.evictions;
  unlock();
}

void qv__alloc_cache_drain(void) {
  pthread_once(&g_once, init_once);
  held_block all[QV__CACHE_MAX_BLOCKS];
  lock();
  int n = g_cache.count;
  memcpy(all, g_cache.blocks, (size_t)n * sizeof all[0]);
  g_cache.count = 0;
  g_cache.bytes = 0;
  unlock();
  for (int i = 0; i < n; i++) (void)munmap(all[i].p, all[i].bytes);
}

void qv__alloc_cache_configure(int64_t max_bytes) {
  pthread_once(&g_once, init_once);
  qv__alloc_cache_drain();
  lock();
  apply_settings(max_bytes);
  unlock();
}
