/* The pool of memory for copied received bodies (src/flight/body_pool.c):
 * a released body's block goes to the next body of a similar size, a small
 * body never takes a large block, the idle total stays under the cap, and
 * blocks still in use when the pool is closed are freed when released
 * (ASan's leak check watches the last two). */
#include "ipc/ipc_test_util.h"

#include "flight/internal.h"

static void test_released_blocks_are_reused(void **state) {
  qv__body_pool *p = qv__body_pool_new(4 << 20);
  assert_non_null(p);
  qv_buffer *a = NULL, *b = NULL;
  OK(qv__body_pool_allocate(p, 1 << 20, &a, err));
  assert_int_equal(a->size, 1 << 20);
  assert_int_equal((uintptr_t)a->data % QV_ALIGNMENT, 0);
  memset(a->data, 7, (size_t)a->size); /* the memory is the caller's to fill */
  uint8_t *first = a->data;
  qv_buffer_release(a);
  OK(qv__body_pool_allocate(p, (1 << 20) - 100, &b, err)); /* a little smaller: same block */
  assert_ptr_equal(b->data, first);
  qv_buffer_release(b);
  /* a body of a tenth of the block's size gets a block of its own */
  OK(qv__body_pool_allocate(p, 1 << 17, &b, err));
  assert_ptr_not_equal(b->data, first);
  qv_buffer_release(b);
  qv__body_pool_close(p);
}

static void test_cap_and_close(void **state) {
  qv__body_pool *p = qv__body_pool_new(2 << 20);
  qv_buffer *big = NULL, *held[3];
  /* beyond the cap: a plain buffer */
  OK(qv__body_pool_allocate(p, 3 << 20, &big, err));
  qv_buffer_release(big);
  for (int i = 0; i < 3; i++) OK(qv__body_pool_allocate(p, 1 << 20, &held[i], err));
  /* three released, room for two: the third is freed */
  for (int i = 0; i < 3; i++) qv_buffer_release(held[i]);
  OK(qv__body_pool_allocate(p, 1 << 20, &held[0], err));
  qv__body_pool_close(p); /* held[0] outlives the pool's owner */
  held[0]->data[0] = 1;
  qv_buffer_release(held[0]);
  /* a NULL pool allocates plainly */
  OK(qv__body_pool_allocate(NULL, 100, &big, err));
  assert_int_equal(big->size, 100);
  qv_buffer_release(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_released_blocks_are_reused),
      cmocka_unit_test(test_cap_and_close),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
