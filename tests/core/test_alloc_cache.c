/* Tests for src/core/alloc_cache.c and the default allocator's use of it:
 * a freed large block is reused, a reused block is never passed off as
 * zero (qv_buffer_allocate zeroed, its padding, qv_buffer_reserve through
 * mremap), the bounds on bytes and blocks evict the oldest first, a block
 * is shrunk or grown only within its size window, QV_ALLOC_CACHE=0 turns
 * the cache off (=poison fills reused bytes with 0xA5), and sanitizer
 * builds compile it out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc_cache.h"
#include "core/internal.h"
#include "quiver/memory.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_HWADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define MIB ((int64_t)1 << 20)

static qv__alloc_cache_stats stats(void) {
  qv__alloc_cache_stats s;
  qv__alloc_cache_get_stats(&s);
  return s;
}

static int fresh_cache(void **state) {
  (void)state;
  unsetenv("QV_ALLOC_CACHE");
  qv__alloc_cache_configure(0);
  return 0;
}

static qv_buffer *dirty_buffer(int64_t size) {
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, size, false, &b, NULL), QV_OK);
  memset(b->data, 0xAB, (size_t)b->capacity);
  return b;
}

static void assert_zero(const uint8_t *p, int64_t from, int64_t to) {
  for (int64_t i = from; i < to; i++)
    if (p[i] != 0) fail_msg("byte %lld of [%lld, %lld) is 0x%02x, not zero", (long long)i, (long long)from,
                            (long long)to, p[i]);
}

/* On in ordinary builds, compiled out under ASan/MSan. */
static void test_enabled_unless_sanitized(void **state) {
  (void)state;
  assert_int_equal(stats().enabled, !SANITIZED);
  qv_buffer *b = dirty_buffer(3 * MIB);
  qv_buffer_release(b);
  assert_int_equal(stats().blocks, SANITIZED ? 0 : 1);
}

/* A freed block comes back for the next request of its size. */
static void test_reuse_same_size(void **state) {
  (void)state;
  if (SANITIZED) skip();
  qv_buffer *b = dirty_buffer(3 * MIB);
  uint8_t *first = b->data;
  qv_buffer_release(b);
  assert_int_equal(stats().blocks, 1);
  assert_int_equal(stats().bytes, 3 * MIB);
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB - 100, false, &b, NULL), QV_OK);
  assert_ptr_equal(b->data, first);
  assert_int_equal(stats().hits, 1);
  assert_int_equal(stats().blocks, 0);
  assert_zero(b->data, b->size, b->capacity); /* the padding, dirty before */
  qv_buffer_release(b);
}

/* The defect this guards against: a reused dirty block handed out as if it
 * were a fresh (zero) mapping. zeroed = true must give zeros. */
static void test_reused_block_zeroed_on_request(void **state) {
  (void)state;
  qv_buffer *b = dirty_buffer(5 * MIB);
  uint8_t *first = b->data;
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_allocate(NULL, 5 * MIB, true, &b, NULL), QV_OK);
  if (!SANITIZED) assert_ptr_equal(b->data, first);
  assert_zero(b->data, 0, b->capacity);
  qv_buffer_release(b);
  /* And through the raw interface: qv__allocator_allocate tells the truth. */
  size_t zero_from = 0;
  void *p = qv__allocator_allocate(qv_default_allocator(), (size_t)(5 * MIB), 64, &zero_from);
  assert_non_null(p);
  assert_zero(p, (int64_t)zero_from, 5 * MIB);
  if (!SANITIZED) assert_int_equal(zero_from, (size_t)(5 * MIB)); /* reused: nothing known zero */
  memset(p, 0xCD, (size_t)(5 * MIB));
  qv_default_allocator()->free(NULL, p, (size_t)(5 * MIB));
  /* A fresh mapping is known zero from byte 0 (the skipped memset). */
  qv__alloc_cache_drain();
  p = qv__allocator_allocate(qv_default_allocator(), (size_t)(5 * MIB), 64, &zero_from);
  assert_non_null(p);
  assert_int_equal(zero_from, 0);
  assert_zero(p, 0, 5 * MIB);
  qv_default_allocator()->free(NULL, p, (size_t)(5 * MIB));
}

/* A reused block's last page holds dirty bytes past the buffer's capacity;
 * growing it with mremap must not take them for zero padding. */
static void test_reserve_after_reuse_zeroes_page_tail(void **state) {
  (void)state;
  long page = sysconf(_SC_PAGESIZE);
  qv_buffer *b = dirty_buffer(3 * MIB + page); /* the whole mapping dirty */
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB + 64, false, &b, NULL), QV_OK);
  assert_int_equal(b->capacity, 3 * MIB + 64);
  memset(b->data, 0x11, (size_t)b->size);
  assert_int_equal(qv_buffer_reserve(b, b->capacity + 1, NULL), QV_OK);
  assert_true(b->capacity > 3 * MIB + page);
  assert_int_equal(b->data[b->size - 1], 0x11);
  assert_zero(b->data, b->size, b->capacity);
  qv_buffer_release(b);
}

/* A small heap buffer grown into a large one gets a reused block: the
 * bytes past the copied contents are zeroed. */
static void test_reserve_small_to_reused_large(void **state) {
  (void)state;
  qv_buffer_release(dirty_buffer(2 * MIB));
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 1000, false, &b, NULL), QV_OK);
  memset(b->data, 0x22, 1000);
  assert_int_equal(qv_buffer_reserve(b, 2 * MIB, NULL), QV_OK);
  if (!SANITIZED) assert_int_equal(stats().hits, 1);
  assert_int_equal(b->data[999], 0x22);
  assert_zero(b->data, b->size, b->capacity);
  qv_buffer_release(b);
}

/* Within the window: a larger block (up to 2x) is shrunk, a smaller one
 * (down to half) grown; both come back zero where asked. */
static void test_shrink_and_grow_window(void **state) {
  (void)state;
  if (SANITIZED) skip();
  qv_buffer *b = dirty_buffer(4 * MIB);
  uint8_t *first = b->data;
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB, true, &b, NULL), QV_OK);
  assert_ptr_equal(b->data, first);
  assert_zero(b->data, 0, b->capacity);
  memset(b->data, 0xAB, (size_t)b->capacity);
  qv_buffer_release(b);
  assert_int_equal(stats().bytes, 3 * MIB); /* the tail went back to the kernel */
  assert_int_equal(qv_buffer_allocate(NULL, 5 * MIB, true, &b, NULL), QV_OK); /* grown from 3 MiB */
  assert_int_equal(stats().hits, 2);
  assert_int_equal(stats().blocks, 0);
  assert_zero(b->data, 0, b->capacity);
  qv_buffer_release(b);
}

/* Outside the window the held block stays put: 1 MiB never eats 64 MiB. */
static void test_window_keeps_far_sizes(void **state) {
  (void)state;
  if (SANITIZED) skip();
  qv_buffer_release(dirty_buffer(64 * MIB));
  int64_t misses = stats().misses;
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 1 * MIB, true, &b, NULL), QV_OK);
  assert_int_equal(stats().hits, 0);
  assert_int_equal(stats().misses, misses + 1);
  assert_int_equal(stats().bytes, 64 * MIB);
  assert_zero(b->data, 0, b->capacity);
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_allocate(NULL, 128 * MIB, false, &b, NULL), QV_OK); /* 2x: grows */
  assert_int_equal(stats().hits, 1);
  qv_buffer_release(b);
}

/* The byte bound: the oldest block goes first; a block larger than the
 * bound is not kept at all. */
static void test_byte_bound_evicts_oldest(void **state) {
  (void)state;
  if (SANITIZED) skip();
  qv__alloc_cache_configure(8 * MIB);
  assert_int_equal(stats().max_bytes, 8 * MIB);
  qv_buffer *a = dirty_buffer(3 * MIB), *b = dirty_buffer(3 * MIB), *c = dirty_buffer(3 * MIB);
  uint8_t *b_data = b->data, *c_data = c->data;
  qv_buffer_release(a);
  qv_buffer_release(b);
  qv_buffer_release(c);
  assert_int_equal(stats().blocks, 2);
  assert_int_equal(stats().bytes, 6 * MIB);
  assert_int_equal(stats().evictions, 1);
  qv_buffer *big = dirty_buffer(9 * MIB);
  qv_buffer_release(big);
  assert_int_equal(stats().blocks, 2); /* unmapped, nothing evicted for it */
  assert_int_equal(stats().evictions, 1);
  /* What is left is b and c (a was the oldest). */
  qv_buffer *x = NULL, *y = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB, false, &x, NULL), QV_OK);
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB, false, &y, NULL), QV_OK);
  assert_true((x->data == b_data && y->data == c_data) || (x->data == c_data && y->data == b_data));
  qv_buffer_release(x);
  qv_buffer_release(y);
}

/* The count bound: at most max_blocks blocks, the oldest evicted. */
static void test_block_count_bound(void **state) {
  (void)state;
  if (SANITIZED) skip();
  int64_t max = stats().max_blocks;
  int64_t n = max + 6;
  void **blocks = calloc((size_t)n, sizeof *blocks);
  assert_non_null(blocks);
  const qv_allocator *a = qv_default_allocator();
  for (int64_t i = 0; i < n; i++) {
    blocks[i] = a->allocate(NULL, (size_t)MIB, 64);
    assert_non_null(blocks[i]);
  }
  for (int64_t i = 0; i < n; i++) a->free(NULL, blocks[i], (size_t)MIB);
  assert_int_equal(stats().blocks, max);
  assert_int_equal(stats().evictions, 6);
  assert_true(stats().bytes <= stats().max_bytes);
  free(blocks);
}

/* QV_ALLOC_CACHE=0: freed blocks are unmapped, every block is fresh. */
static void test_env_switch_off(void **state) {
  (void)state;
  setenv("QV_ALLOC_CACHE", "0", 1);
  qv__alloc_cache_configure(0);
  assert_false(stats().enabled);
  qv_buffer_release(dirty_buffer(3 * MIB));
  assert_int_equal(stats().blocks, 0);
  size_t zero_from = 1;
  void *p = qv__allocator_allocate(qv_default_allocator(), (size_t)(3 * MIB), 64, &zero_from);
  assert_non_null(p);
  assert_int_equal(zero_from, 0);
  assert_zero(p, 0, 3 * MIB);
  qv_default_allocator()->free(NULL, p, (size_t)(3 * MIB));
  assert_int_equal(stats().hits, 0);
  unsetenv("QV_ALLOC_CACHE");
  qv__alloc_cache_configure(0);
  assert_int_equal(stats().enabled, !SANITIZED);
}

/* QV_ALLOC_CACHE=poison: a reused block's bytes not known zero read 0xA5
 * (what the caller must write), the padding and zeroed requests zero. */
static void test_env_poison(void **state) {
  (void)state;
  if (SANITIZED) skip();
  setenv("QV_ALLOC_CACHE", "poison", 1);
  qv__alloc_cache_configure(0);
  assert_true(stats().enabled);
  qv_buffer_release(dirty_buffer(3 * MIB));
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB - 3, false, &b, NULL), QV_OK);
  assert_int_equal(stats().hits, 1);
  assert_int_equal(b->data[0], 0xA5);
  assert_int_equal(b->data[b->size - 1], 0xA5);
  assert_zero(b->data, b->size, b->capacity);
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_allocate(NULL, 3 * MIB, true, &b, NULL), QV_OK);
  assert_int_equal(stats().hits, 2);
  assert_zero(b->data, 0, b->capacity);
  qv_buffer_release(b);
  unsetenv("QV_ALLOC_CACHE");
  qv__alloc_cache_configure(0);
}

/* Other allocators know no zero bytes. */
static void test_other_allocator_reports_nothing_zero(void **state) {
  (void)state;
  size_t zero_from = 0;
  void *p = qv__allocator_allocate(qv__heap_allocator(), (size_t)(2 * MIB), 64, &zero_from);
  assert_non_null(p);
  assert_int_equal(zero_from, (size_t)(2 * MIB));
  qv__heap_allocator()->free(NULL, p, (size_t)(2 * MIB));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_enabled_unless_sanitized, fresh_cache),
      cmocka_unit_test_setup(test_reuse_same_size, fresh_cache),
      cmocka_unit_test_setup(test_reused_block_zeroed_on_request, fresh_cache),
      cmocka_unit_test_setup(test_reserve_after_reuse_zeroes_page_tail, fresh_cache),
      cmocka_unit_test_setup(test_reserve_small_to_reused_large, fresh_cache),
      cmocka_unit_test_setup(test_shrink_and_grow_window, fresh_cache),
      cmocka_unit_test_setup(test_window_keeps_far_sizes, fresh_cache),
      cmocka_unit_test_setup(test_byte_bound_evicts_oldest, fresh_cache),
      cmocka_unit_test_setup(test_block_count_bound, fresh_cache),
      cmocka_unit_test_setup(test_env_switch_off, fresh_cache),
      cmocka_unit_test_setup(test_env_poison, fresh_cache),
      cmocka_unit_test_setup(test_other_allocator_reports_nothing_zero, fresh_cache),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
