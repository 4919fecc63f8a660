/* quiver shm: the registry of shared regions.
 *
 * A segment made in this process (qv_shm_segment_create, and so every
 * table made by qv_shm_table_share) is one sealed memfd mapped read-only.
 * The registry remembers each such mapping: its address range, a
 * descriptor of its memfd, and an id that no other region of this process
 * ever gets (addresses are reused after munmap, ids are not). A sender
 * handed pointers into that memory (Flight's memfd link) then passes the
 * descriptor, an offset and a length instead of copying the bytes into a
 * new memfd.
 *
 * An entry is added when the mapping is made and removed by the mapping's
 * release callback, i.e. when the last buffer referencing it goes. So a
 * lookup is meaningful only for memory the caller holds a reference to,
 * which keeps the entry (and its descriptor) alive while the caller uses
 * what the lookup returned. The table is small (one entry per live shared
 * segment) and searched linearly under a mutex.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "shm/internal.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static qv__shm_region *regions; /* guarded by registry_lock */
static size_t n_regions, cap_regions;
static uint64_t last_id;

qv_status qv__shm_registry_add(const uint8_t *base, int64_t size, int fd, uint64_t *id, qv_error *err) {
  pthread_mutex_lock(&registry_lock);
  if (n_regions == cap_regions) {
    size_t nc = cap_regions ? cap_regions * 2 : 16;
    qv__shm_region *nr = (qv__shm_region *)realloc(regions, nc * sizeof *nr);
    if (nr == NULL) {
      pthread_mutex_unlock(&registry_lock);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "shm: out of memory registering a shared region");
    }
    regions = nr;
    cap_regions = nc;
  }
  *id = ++last_id;
  regions[n_regions++] = (qv__shm_region){base, size, fd, *id};
  pthread_mutex_unlock(&registry_lock);
  return QV_OK;
}

void qv__shm_registry_remove(uint64_t id) {
  pthread_mutex_lock(&registry_lock);
  for (size_t i = 0; i < n_regions; i++)
    if (regions[i].id == id) {
      regions[i] = regions[--n_regions];
      break;
    }
  if (n_regions == 0) {
    free(regions);
    regions = NULL;
    cap_regions = 0;
  }
  pthread_mutex_unlock(&registry_lock);
}

bool qv__shm_registry_find(const void *p, size_t n, qv__shm_region *out) {
  uintptr_t a = (uintptr_t)p;
  bool found = false;
  pthread_mutex_lock(&registry_lock);
  for (size_t i = 0; i < n_regions && !found; i++) {
    uintptr_t b = (uintptr_t)regions[i].base;
    if (a >= b && a - b <= (uint64_t)regions[i].size && n <= (uint64_t)regions[i].size - (a - b)) {
      *out = regions[i];
      found = true;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  return found;
}
