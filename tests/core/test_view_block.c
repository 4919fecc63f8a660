/* Tests for the blocks of views and array structs (core/view_block.h,
 * qv__array_new_take_in): views and arena pieces keep the block (and the
 * parent's root) alive after the creator lets go, the arena hands out
 * zeroed 8-aligned pieces until it is full and then says so, a block
 * without a parent is an arena only, arrays placed in a block outlive the
 * block's creator and every sibling, and qv__array_tree_bytes counts a
 * nested type's structs. ASan checks the lifetimes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/internal.h"
#include "core/view_block.h"

static qv_buffer *bytes(int64_t n) {
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_allocate(NULL, n, true, &b, NULL), QV_OK);
  for (int64_t i = 0; i < n; i++) b->data[i] = (uint8_t)i;
  return b;
}

static void test_views_and_pieces_outlive_the_creator(void **state) {
  (void)state;
  qv_buffer *parent = bytes(256);
  qv__view_block *b = NULL;
  assert_int_equal(qv__view_block_new(parent, 2, 40, &b, NULL), QV_OK);
  qv_buffer *v1 = NULL, *v2 = NULL, *v3 = NULL;
  assert_int_equal(qv__view_block_take(b, 8, 16, &v1, NULL), QV_OK);
  assert_int_equal(qv__view_block_take(b, 100, 4, &v2, NULL), QV_OK);
  assert_true(qv__view_block_full(b));
  assert_int_equal(qv__view_block_take(b, 0, 1, &v3, NULL), QV_OK); /* full: a view of its own */
  uint64_t *p = qv__view_block_alloc(b, 13); /* rounded to 16 */
  assert_non_null(p);
  assert_int_equal((uintptr_t)p % 8, 0);
  assert_int_equal(p[0] | p[1], 0);
  p[0] = 7;
  uint64_t *q = qv__view_block_alloc(b, 24);
  assert_non_null(q);
  assert_ptr_equal(q, p + 2);
  assert_null(qv__view_block_alloc(b, 8)); /* 40 bytes used */
  qv_error err;
  qv_buffer *bad = NULL;
  assert_int_equal(qv__view_block_take(b, 250, 7, &bad, &err), QV_ERR_OUT_OF_RANGE);
  assert_null(bad);
  qv__view_block_release(b);  /* the creator is done */
  qv_buffer_release(parent);  /* the block holds the root */
  assert_int_equal(v1->data[0], 8);
  assert_int_equal(v2->data[3], 103);
  qv_buffer_release(v1);
  qv_buffer_release(v3);
  assert_int_equal(p[0], 7);
  qv__view_block_release(b); /* piece p */
  qv__view_block_release(b); /* piece q */
  assert_int_equal(v2->data[0], 100);
  qv_buffer_release(v2); /* the last: block and root go */
}

static void test_block_without_parent_is_an_arena(void **state) {
  (void)state;
  qv__view_block *b = NULL;
  assert_int_equal(qv__view_block_new(NULL, 8, 16, &b, NULL), QV_OK);
  assert_true(qv__view_block_full(b)); /* no views without a parent */
  qv_error err;
  qv_buffer *v = NULL;
  assert_int_equal(qv__view_block_take(b, 0, 0, &v, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(v);
  void *p = qv__view_block_alloc(b, 16);
  assert_non_null(p);
  assert_null(qv__view_block_alloc(b, 1));
  assert_null(qv__view_block_alloc(NULL, 1));
  qv__view_block *again = qv__view_block_retain(b);
  assert_ptr_equal(again, b);
  qv__view_block_release(b);
  qv__view_block_release(again);
  qv__view_block_release(b); /* p */
  qv__view_block_release(NULL);
}

/* Two int32 arrays in one block; the second does not fit and is
 * allocated alone. Each outlives the block's creator. */
static void test_arrays_in_a_block(void **state) {
  (void)state;
  size_t one = qv__array_tree_bytes(qv_type_int32());
  qv__view_block *b = NULL;
  assert_int_equal(qv__view_block_new(NULL, 0, one, &b, NULL), QV_OK);
  qv_array *a[2];
  for (int k = 0; k < 2; k++) {
    qv_buffer *vals = bytes(16);
    qv_buffer *bufs[2] = {NULL, vals};
    assert_int_equal(qv__array_new_take_in(b, qv_type_int32(), 4, 0, 0, 2, bufs, 0, NULL, NULL, &a[k], NULL), QV_OK);
  }
  assert_ptr_equal(a[0]->block_, b);
  assert_null(a[1]->block_);
  qv__view_block_release(b);
  qv_array *kept = qv_array_retain(a[0]);
  qv_array_release(a[0]);
  assert_int_equal(kept->length, 4);
  assert_int_equal(kept->buffers[1]->data[5], 5);
  qv_array_release(kept); /* the block goes with it */
  qv_array_release(a[1]);
}

static void test_tree_bytes_count_every_descendant(void **state) {
  (void)state;
  size_t leaf = qv__array_tree_bytes(qv_type_int64());
  assert_int_equal(leaf % 8, 0);
  assert_true(leaf >= sizeof(qv_array) + 2 * sizeof(qv_buffer *));
  qv_field *item = NULL;
  assert_int_equal(qv_field_new("item", qv_type_int64(), true, NULL, &item, NULL), QV_OK);
  qv_type *list = NULL;
  assert_int_equal(qv_type_list(item, &list, NULL), QV_OK);
  size_t l = qv__array_tree_bytes(list);
  assert_true(l >= leaf + sizeof(qv_array) + 2 * sizeof(qv_buffer *) + sizeof(qv_array *));
  qv_type_release(list);
  qv_field_release(item);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_views_and_pieces_outlive_the_creator),
      cmocka_unit_test(test_block_without_parent_is_an_arena),
      cmocka_unit_test(test_arrays_in_a_block),
      cmocka_unit_test(test_tree_bytes_count_every_descendant),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
