/* Tests for src/core/buffer.c and allocator.c: alignment, zeroed padding,
 * refcounts, foreign release exactly once (through views too), reserve, and
 * clean failure with an allocator that refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "quiver/memory.h"

/* An allocator that counts, and fails after `budget` successful calls. */
typedef struct counting {
  int64_t allocs, frees, live_bytes;
  int64_t budget; /* -1: unlimited */
} counting;

static void *c_alloc(void *ctx, size_t size, size_t alignment) {
  counting *c = ctx;
  if (c->budget == 0) return NULL;
  if (c->budget > 0) c->budget--;
  void *p = qv_default_allocator()->allocate(NULL, size, alignment);
  if (p) {
    c->allocs++;
    c->live_bytes += (int64_t)size;
  }
  return p;
}
static void *c_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t alignment) {
  counting *c = ctx;
  if (c->budget == 0) return NULL;
  if (c->budget > 0) c->budget--;
  void *p = qv_default_allocator()->reallocate(NULL, ptr, old_size, new_size, alignment);
  if (p) c->live_bytes += (int64_t)new_size - (int64_t)old_size;
  return p;
}
static void c_free(void *ctx, void *ptr, size_t size) {
  counting *c = ctx;
  c->frees++;
  c->live_bytes -= (int64_t)size;
  qv_default_allocator()->free(NULL, ptr, size);
}

static bool all_zero(const uint8_t *p, int64_t n) {
  for (int64_t i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

static void test_allocate_alignment_and_padding(void **state) {
  (void)state;
  for (int64_t size = 0; size < 300; size += 7) {
    qv_buffer *b = NULL;
    assert_int_equal(qv_buffer_allocate(NULL, size, false, &b, NULL), QV_OK);
    assert_non_null(b->data);
    assert_int_equal((uintptr_t)b->data % QV_ALIGNMENT, 0);
    assert_int_equal(b->size, size);
    assert_int_equal(b->capacity % 64, 0);
    assert_true(b->capacity >= size && b->capacity >= 64);
    assert_true(b->capacity - size < 64 || size == 0);
    assert_true(all_zero(b->data + size, b->capacity - size));
    memset(b->data, 0xAB, (size_t)size);
    assert_int_equal(qv_buffer_refcount(b), 1);
    qv_buffer_release(b);
  }
}

static void test_allocate_zeroed_and_copy(void **state) {
  (void)state;
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 100, true, &b, NULL), QV_OK);
  assert_int_equal(b->capacity, 128);
  assert_true(all_zero(b->data, b->capacity));
  qv_buffer_release(b);

  const char src[] = "hello, quiver";
  assert_int_equal(qv_buffer_copy_from(NULL, src, (int64_t)sizeof src, &b, NULL), QV_OK);
  assert_memory_equal(b->data, src, sizeof src);
  assert_int_equal(b->size, (int64_t)sizeof src);
  assert_true(all_zero(b->data + b->size, b->capacity - b->size));
  qv_buffer_release(b);

  assert_int_equal(qv_buffer_copy_from(NULL, NULL, 0, &b, NULL), QV_OK);
  assert_int_equal(b->size, 0);
  qv_buffer_release(b);
}

static void test_allocate_bad_arguments(void **state) {
  (void)state;
  qv_error err;
  qv_buffer *b = (qv_buffer *)(uintptr_t)1;
  assert_int_equal(qv_buffer_allocate(NULL, -5, false, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(b);
  assert_int_equal(err.code, QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "-5"));
  assert_int_equal(qv_buffer_allocate(NULL, INT64_MAX, false, &b, &err), QV_ERR_OVERFLOW);
  assert_int_equal(qv_buffer_copy_from(NULL, NULL, 4, &b, &err), QV_ERR_INVALID_ARGUMENT);
}

static void test_refcount(void **state) {
  (void)state;
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 8, false, &b, NULL), QV_OK);
  assert_ptr_equal(qv_buffer_retain(b), b);
  assert_int_equal(qv_buffer_refcount(b), 2);
  qv_buffer_release(b);
  assert_int_equal(qv_buffer_refcount(b), 1);
  qv_buffer_release(b);
  qv_buffer_release(NULL);
  assert_null(qv_buffer_retain(NULL));
}

typedef struct release_log {
  int calls;
  const uint8_t *data;
  int64_t size;
} release_log;

static void count_release(void *ctx, const uint8_t *data, int64_t size) {
  release_log *log = ctx;
  log->calls++;
  log->data = data;
  log->size = size;
}

static void test_wrap_release_once(void **state) {
  (void)state;
  static const uint8_t mem[32] = {1, 2, 3, 4, 5, 6, 7, 8};
  release_log log = {0, NULL, 0};
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_wrap(mem, 32, count_release, &log, &b, NULL), QV_OK);
  assert_ptr_equal(b->data, mem);
  assert_int_equal(b->size, 32);
  assert_int_equal(b->capacity, 32);
  qv_buffer_retain(b);
  qv_buffer_release(b);
  assert_int_equal(log.calls, 0);
  qv_buffer_release(b);
  assert_int_equal(log.calls, 1);
  assert_ptr_equal(log.data, mem);
  assert_int_equal(log.size, 32);

  /* NULL release callback and empty memory are fine. */
  assert_int_equal(qv_buffer_wrap(NULL, 0, NULL, NULL, &b, NULL), QV_OK);
  qv_buffer_release(b);
}

static void test_wrap_failure_does_not_release(void **state) {
  (void)state;
  release_log log = {0, NULL, 0};
  qv_buffer *b = NULL;
  qv_error err;
  assert_int_equal(qv_buffer_wrap(NULL, 10, count_release, &log, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_buffer_wrap("x", -1, count_release, &log, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(b);
  assert_int_equal(log.calls, 0);
}

static void test_views_keep_foreign_alive(void **state) {
  (void)state;
  static const uint8_t mem[64] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  release_log log = {0, NULL, 0};
  qv_buffer *b = NULL, *v = NULL, *vv = NULL;
  assert_int_equal(qv_buffer_wrap(mem, 64, count_release, &log, &b, NULL), QV_OK);
  assert_int_equal(qv_buffer_view(b, 4, 10, &v, NULL), QV_OK);
  assert_int_equal(v->data[0], 4);
  assert_int_equal(v->size, 10);
  assert_int_equal(qv_buffer_refcount(b), 2);
  /* View of a view points at the root and retains the root. */
  assert_int_equal(qv_buffer_view(v, 2, 3, &vv, NULL), QV_OK);
  assert_int_equal(vv->data[0], 6);
  assert_int_equal(qv_buffer_refcount(b), 3);
  assert_int_equal(qv_buffer_refcount(v), 1);
  qv_buffer_release(b);
  qv_buffer_release(v);
  assert_int_equal(log.calls, 0);
  assert_int_equal(vv->data[2], 8);
  qv_buffer_release(vv);
  assert_int_equal(log.calls, 1);
}

static void test_view_out_of_range(void **state) {
  (void)state;
  qv_buffer *b = NULL, *v = NULL;
  qv_error err;
  assert_int_equal(qv_buffer_allocate(NULL, 16, true, &b, NULL), QV_OK);
  assert_int_equal(qv_buffer_view(b, 10, 7, &v, &err), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(err.message, "16-byte"));
  assert_int_equal(qv_buffer_view(b, -1, 2, &v, &err), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_buffer_view(b, 1, INT64_MAX, &v, &err), QV_ERR_OUT_OF_RANGE);
  assert_null(v);
  assert_int_equal(qv_buffer_view(b, 16, 0, &v, &err), QV_OK);
  assert_int_equal(v->size, 0);
  qv_buffer_release(v);
  assert_int_equal(qv_buffer_refcount(b), 1);
  qv_buffer_release(b);
}

static void test_reserve_grows_geometrically(void **state) {
  (void)state;
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 10, false, &b, NULL), QV_OK);
  memcpy(b->data, "0123456789", 10);
  assert_int_equal(qv_buffer_reserve(b, 50, NULL), QV_OK); /* fits already */
  assert_int_equal(b->capacity, 64);
  assert_int_equal(qv_buffer_reserve(b, 65, NULL), QV_OK);
  assert_int_equal(b->capacity, 128);
  assert_int_equal((uintptr_t)b->data % 64, 0);
  assert_memory_equal(b->data, "0123456789", 10);
  assert_true(all_zero(b->data + 10, b->capacity - 10));
  assert_int_equal(qv_buffer_reserve(b, 1000, NULL), QV_OK);
  assert_int_equal(b->capacity, 1024);
  assert_true(all_zero(b->data + 10, b->capacity - 10));
  /* set_size zeroes what it drops */
  qv_buffer_set_size(b, 500);
  memset(b->data, 0xFF, 500);
  qv_buffer_set_size(b, 3);
  assert_int_equal(b->size, 3);
  assert_true(all_zero(b->data + 3, b->capacity - 3));
  qv_buffer_release(b);
}

static void test_reserve_rejects_shared_and_foreign(void **state) {
  (void)state;
  qv_error err;
  qv_buffer *b = NULL, *w = NULL, *v = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, 10, false, &b, NULL), QV_OK);
  assert_int_equal(qv_buffer_view(b, 0, 5, &v, NULL), QV_OK);
  assert_int_equal(qv_buffer_reserve(b, 1000, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "shared"));
  assert_int_equal(qv_buffer_reserve(v, 1000, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_buffer_wrap("abc", 3, NULL, NULL, &w, NULL), QV_OK);
  assert_int_equal(qv_buffer_reserve(w, 1000, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "not owned"));
  qv_buffer_release(v);
  qv_buffer_release(b);
  qv_buffer_release(w);
}

static void test_failing_allocator(void **state) {
  (void)state;
  counting c = {0, 0, 0, 0};
  qv_allocator a = {c_alloc, c_realloc, c_free, &c};
  qv_error err;
  qv_buffer *b = (qv_buffer *)(uintptr_t)1;
  assert_int_equal(qv_buffer_allocate(&a, 100, false, &b, &err), QV_ERR_NO_MEMORY);
  assert_null(b);
  assert_int_equal(err.code, QV_ERR_NO_MEMORY);
  assert_non_null(strstr(err.message, "out of memory"));
  assert_int_equal(qv_buffer_copy_from(&a, "abc", 3, &b, &err), QV_ERR_NO_MEMORY);
  assert_int_equal(c.allocs, 0);

  /* One allocation allowed: reserve then fails and leaves the buffer intact. */
  c.budget = 1;
  assert_int_equal(qv_buffer_allocate(&a, 8, false, &b, &err), QV_OK);
  memcpy(b->data, "abcdefgh", 8);
  uint8_t *before = b->data;
  assert_int_equal(qv_buffer_reserve(b, 4096, &err), QV_ERR_NO_MEMORY);
  assert_ptr_equal(b->data, before);
  assert_int_equal(b->capacity, 64);
  assert_memory_equal(b->data, "abcdefgh", 8);
  c.budget = -1;
  assert_int_equal(qv_buffer_reserve(b, 4096, &err), QV_OK);
  assert_memory_equal(b->data, "abcdefgh", 8);
  qv_buffer_release(b);
  assert_int_equal(c.allocs, c.frees);
  assert_int_equal(c.live_bytes, 0);
}

static void test_static_buffer(void **state) {
  (void)state;
  static const uint8_t mem[4] = {9, 8, 7, 6};
  qv_buffer s;
  qv__buffer_init_static(&s, mem, 4);
  assert_ptr_equal(qv_buffer_retain(&s), &s);
  qv_buffer_release(&s);
  qv_buffer_release(&s);
  assert_true(qv_buffer_refcount(&s) < 0);
  qv_buffer *v = NULL;
  assert_int_equal(qv_buffer_view(&s, 1, 2, &v, NULL), QV_OK);
  assert_int_equal(v->data[0], 8);
  qv_buffer_release(v);
}

static void *churn(void *arg) {
  qv_buffer *b = arg;
  for (int i = 0; i < 100000; i++) {
    qv_buffer *v = NULL;
    qv_buffer_retain(b);
    if (i % 1000 == 0 && qv_buffer_view(b, 0, 1, &v, NULL) == QV_OK) qv_buffer_release(v);
    qv_buffer_release(b);
  }
  return NULL;
}

static void test_refcount_threads(void **state) {
  (void)state;
  static const uint8_t mem[8] = {0};
  release_log log = {0, NULL, 0};
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_wrap(mem, 8, count_release, &log, &b, NULL), QV_OK);
  pthread_t th[4];
  for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&th[i], NULL, churn, b), 0);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  assert_int_equal(qv_buffer_refcount(b), 1);
  assert_int_equal(log.calls, 0);
  qv_buffer_release(b);
  assert_int_equal(log.calls, 1);
}

/* The heap allocator (decompression outputs): any size, 64-aligned,
 * padding zeroed by qv_buffer_allocate, grown with contents kept. */
static void test_heap_allocator(void **state) {
  (void)state;
  const qv_allocator *heap = qv__heap_allocator();
  assert_ptr_not_equal(heap, qv_default_allocator());
  qv_buffer *b = NULL;
  const int64_t big = ((int64_t)3 << 20) + 5; /* the default allocator would map this */
  assert_int_equal(qv_buffer_allocate(heap, big, false, &b, NULL), QV_OK);
  assert_int_equal((uintptr_t)b->data % 64, 0);
  for (int64_t i = b->size; i < b->capacity; i++) assert_int_equal(b->data[i], 0);
  memset(b->data, 0xAB, (size_t)big);
  assert_int_equal(qv_buffer_reserve(b, big * 2, NULL), QV_OK);
  assert_true(b->capacity >= big * 2);
  assert_int_equal((uintptr_t)b->data % 64, 0);
  assert_int_equal(b->data[0], 0xAB);
  assert_int_equal(b->data[big - 1], 0xAB);
  qv_buffer_release(b);
  qv_buffer *small = NULL;
  assert_int_equal(qv_buffer_allocate(heap, 0, true, &small, NULL), QV_OK);
  assert_non_null(small->data);
  qv_buffer_release(small);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_allocate_alignment_and_padding),
      cmocka_unit_test(test_allocate_zeroed_and_copy),
      cmocka_unit_test(test_allocate_bad_arguments),
      cmocka_unit_test(test_refcount),
      cmocka_unit_test(test_wrap_release_once),
      cmocka_unit_test(test_wrap_failure_does_not_release),
      cmocka_unit_test(test_views_keep_foreign_alive),
      cmocka_unit_test(test_view_out_of_range),
      cmocka_unit_test(test_reserve_grows_geometrically),
      cmocka_unit_test(test_reserve_rejects_shared_and_foreign),
      cmocka_unit_test(test_failing_allocator),
      cmocka_unit_test(test_static_buffer),
      cmocka_unit_test(test_refcount_threads),
      cmocka_unit_test(test_heap_allocator),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
