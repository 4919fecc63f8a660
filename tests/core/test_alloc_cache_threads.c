/* Threads and the cache of freed mappings (src/core/alloc_cache.c): four
 * workers allocate large buffers of several sizes (each size fits blocks
 * the others freed), fill them with their own pattern, check it survived
 * (no block is ever handed to two owners), and free them; one of them
 * also drains and reconfigures the cache while the others run, and reads
 * its counters. Built and run under ThreadSanitizer by `make test-tsan`
 * (core_test_alloc_cache_threads); elsewhere an ordinary test. Bounded:
 * 4 x 60 rounds of at most 4 MiB. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/alloc_cache.h"
#include "core/internal.h"
#include "quiver/memory.h"

#define WORKERS 4
#define ROUNDS 60
#define MIB ((int64_t)1 << 20)

typedef struct worker {
  int id;
  int64_t bad_zero, bad_pattern, failures;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  qv_buffer *held[2] = {NULL, NULL};
  for (int r = 0; r < ROUNDS; r++) {
    /* 1 .. 3.75 MiB, not a multiple of 64: there is padding to check too */
    int64_t size = MIB + (int64_t)((r * 7 + w->id * 3) % 12) * (MIB / 4) + 8 * w->id + 1;
    qv_buffer *b = NULL;
    bool zeroed = (r % 2) == 0;
    if (qv_buffer_allocate(NULL, size, zeroed, &b, NULL) != QV_OK) {
      w->failures++;
      continue;
    }
    int64_t from = zeroed ? 0 : size;
    for (int64_t i = from; i < b->capacity; i += 4093)
      if (b->data[i] != 0) w->bad_zero++;
    if (b->data[b->capacity - 1] != 0) w->bad_zero++; /* padding, past size */
    uint8_t mark = (uint8_t)(0x10 + w->id);
    memset(b->data, mark, (size_t)size);
    /* Keep up to two alive for a round, so blocks overlap in time. */
    qv_buffer *old = held[r % 2];
    held[r % 2] = b;
    if (old != NULL) {
      for (int64_t i = 0; i < old->size; i += 4093)
        if (old->data[i] != mark) w->bad_pattern++;
      qv_buffer_release(old);
    }
    if (w->id == 0 && (r == 10 || r == 30)) qv__alloc_cache_configure(0);
    if (w->id == 1 && r % 10 == 5) {
      qv__alloc_cache_stats s;
      qv__alloc_cache_get_stats(&s);
      if (s.bytes > s.max_bytes || s.blocks > s.max_blocks) w->failures++;
    }
  }
  for (int i = 0; i < 2; i++) qv_buffer_release(held[i]);
  return NULL;
}

static void test_concurrent_large_alloc_free(void **state) {
  (void)state;
  qv__alloc_cache_configure(0);
  pthread_t th[WORKERS];
  worker w[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    w[i] = (worker){.id = i};
    assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
  }
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < WORKERS; i++) {
    assert_int_equal(w[i].failures, 0);
    assert_int_equal(w[i].bad_zero, 0);
    assert_int_equal(w[i].bad_pattern, 0);
  }
  qv__alloc_cache_stats s;
  qv__alloc_cache_get_stats(&s);
  assert_true(s.bytes <= s.max_bytes);
  assert_true(s.blocks <= s.max_blocks);
  if (s.enabled) assert_true(s.hits > 0); /* the blocks really were shared around */
  qv__alloc_cache_drain();
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_concurrent_large_alloc_free)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
