/* quiver IPC: the process-wide cache of decoded Schema messages (see
 * schema_cache.h for why it is sound). */
#include "ipc/schema_cache.h"

#include <pthread.h>

#include "core/internal.h"

typedef struct entry {
  uint8_t *bytes; /* malloc'd copy of the Message flatbuffer; NULL: free slot */
  size_t len;
  qv_schema *schema; /* one reference */
  bool big_endian;
  int64_t features;
  size_t batch_arena;
  int32_t flat_buffers;
} entry;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static entry g_entries[QV__SCHEMA_CACHE_SLOTS];
static unsigned g_next; /* slot replaced by the next put */

/* The entry holding meta[0, len), or NULL. Call with g_lock held. */
static entry *find(const uint8_t *meta, size_t len) {
  for (int i = 0; i < QV__SCHEMA_CACHE_SLOTS; i++) {
    entry *e = &g_entries[i];
    if (e->bytes != NULL && e->len == len && memcmp(e->bytes, meta, len) == 0) return e;
  }
  return NULL;
}

static void entry_clear(entry *e) {
  qv__free(e->bytes);
  qv_schema_release(e->schema);
  memset(e, 0, sizeof *e);
}

bool qv__schema_cache_known(const uint8_t *meta, size_t len) {
  if (len == 0 || len > QV__SCHEMA_CACHE_MAX_BYTES) return false;
  pthread_mutex_lock(&g_lock);
  bool hit = find(meta, len) != NULL;
  pthread_mutex_unlock(&g_lock);
  return hit;
}

bool qv__schema_cache_get(const uint8_t *meta, size_t len, qv_ipc_schema_info *out) {
  if (len == 0 || len > QV__SCHEMA_CACHE_MAX_BYTES) return false;
  pthread_mutex_lock(&g_lock);
  entry *e = find(meta, len);
  if (e != NULL) {
    memset(out, 0, sizeof *out);
    out->schema = qv_schema_retain(e->schema);
    out->big_endian = e->big_endian;
    out->features = e->features;
    out->batch_arena = e->batch_arena;
    out->flat_buffers = e->flat_buffers;
  }
  pthread_mutex_unlock(&g_lock);
  return e != NULL;
}

void qv__schema_cache_put(const uint8_t *meta, size_t len, const qv_ipc_schema_info *info) {
  if (len == 0 || len > QV__SCHEMA_CACHE_MAX_BYTES || info->n_dicts != 0 || info->schema == NULL) return;
  uint8_t *copy = (uint8_t *)qv__malloc(len);
  if (copy == NULL) return; /* not remembered: the next read decodes again */
  memcpy(copy, meta, len);
  pthread_mutex_lock(&g_lock);
  if (find(meta, len) != NULL) { /* another reader got there first */
    pthread_mutex_unlock(&g_lock);
    qv__free(copy);
    return;
  }
  entry *e = &g_entries[g_next];
  g_next = (g_next + 1) % QV__SCHEMA_CACHE_SLOTS;
  entry old = *e;
  e->bytes = copy;
  e->len = len;
  e->schema = qv_schema_retain(info->schema);
  e->big_endian = info->big_endian;
  e->features = info->features;
  e->batch_arena = info->batch_arena;
  e->flat_buffers = info->flat_buffers;
  pthread_mutex_unlock(&g_lock);
  entry_clear(&old); /* outside the lock: releasing may free a large schema */
}

void qv__schema_cache_clear(void) {
  entry old[QV__SCHEMA_CACHE_SLOTS];
  pthread_mutex_lock(&g_lock);
  memcpy(old, g_entries, sizeof old);
  memset(g_entries, 0, sizeof g_entries);
  g_next = 0;
  pthread_mutex_unlock(&g_lock);
  for (int i = 0; i < QV__SCHEMA_CACHE_SLOTS; i++) entry_clear(&old[i]);
}

int qv__schema_cache_size(void) {
  int n = 0;
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < QV__SCHEMA_CACHE_SLOTS; i++) n += g_entries[i].bytes != NULL;
  pthread_mutex_unlock(&g_lock);
  return n;
}
