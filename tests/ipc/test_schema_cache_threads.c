/* The schema cache (ipc/schema_cache.h) under threads: four threads read
 * streams of more distinct schemas than the cache holds, so entries are
 * found, added and replaced while other threads use the schemas they got;
 * every read must equal its source. Run by `make test-tsan` (bounded: a
 * fixed number of reads, no timing). */
#include <pthread.h>

#include "ipc/schema_cache_test_util.h"

enum { THREADS = 4, STREAMS = QV__SCHEMA_CACHE_SLOTS + 2, READS = 60 };

static qv_table *g_src[STREAMS];
static qv_buffer *g_stream[STREAMS];

typedef struct worker {
  int id;
  int bad; /* reads that failed or differed */
} worker;

static void *run(void *arg) {
  worker *w = (worker *)arg;
  for (int i = 0; i < READS; i++) {
    int k = (w->id * 7 + i * 3) % STREAMS;
    qv_table *t = NULL;
    qv_error e;
    if (qv_ipc_read_stream_buffer(g_stream[k], NULL, &t, &e) != QV_OK) {
      w->bad++;
      continue;
    }
    qv_error why;
    if (qv_table_diff(g_src[k], t, NULL, &why) != QV_OK) w->bad++;
    qv_table_release(t);
  }
  return NULL;
}

static void test_threads_share_the_cache(void **state) {
  (void)state;
  qv__schema_cache_clear();
  for (int k = 0; k < STREAMS; k++) {
    g_src[k] = sc_table(k);
    g_stream[k] = sc_stream(g_src[k]);
  }
  pthread_t th[THREADS];
  worker ws[THREADS];
  for (int i = 0; i < THREADS; i++) {
    ws[i] = (worker){i, 0};
    assert_int_equal(pthread_create(&th[i], NULL, run, &ws[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) assert_int_equal(ws[i].bad, 0);
  assert_true(qv__schema_cache_size() <= QV__SCHEMA_CACHE_SLOTS);
  qv__schema_cache_clear();
  for (int k = 0; k < STREAMS; k++) {
    qv_buffer_release(g_stream[k]);
    qv_table_release(g_src[k]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_threads_share_the_cache)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
