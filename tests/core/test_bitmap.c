/* Tests for src/core/bitmap.c against a bit-by-bit reference, at many
 * offsets and lengths (so word, byte and tail paths all run). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "quiver/bitmap.h"

static uint8_t pattern[64];

static int setup(void **state) {
  (void)state;
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof pattern; i++) {
    x = x * 1103515245u + 12345u;
    pattern[i] = (uint8_t)(x >> 16);
  }
  return 0;
}

static int64_t ref_count(const uint8_t *b, int64_t off, int64_t len) {
  int64_t n = 0;
  for (int64_t i = 0; i < len; i++) n += qv_bit_get(b, off + i);
  return n;
}

static void test_inline_bits(void **state) {
  (void)state;
  uint8_t b[2] = {0, 0};
  qv_bit_set(b, 0);
  qv_bit_set(b, 9);
  assert_int_equal(b[0], 0x01);
  assert_int_equal(b[1], 0x02);
  assert_true(qv_bit_get(b, 9));
  qv_bit_clear(b, 9);
  assert_false(qv_bit_get(b, 9));
  qv_bit_set_to(b, 7, true);
  assert_int_equal(b[0], 0x81);
  qv_bit_set_to(b, 0, false);
  assert_int_equal(b[0], 0x80);
  assert_int_equal(qv_bitmap_bytes(0), 0);
  assert_int_equal(qv_bitmap_bytes(1), 1);
  assert_int_equal(qv_bitmap_bytes(8), 1);
  assert_int_equal(qv_bitmap_bytes(9), 2);
}

static void test_count_set(void **state) {
  (void)state;
  for (int64_t off = 0; off < 70; off += 3)
    for (int64_t len = 0; off + len <= 512; len += 11)
      assert_int_equal(qv_bitmap_count_set(pattern, off, len), ref_count(pattern, off, len));
  /* short ranges inside one byte and across one boundary */
  for (int64_t off = 0; off < 24; off++)
    for (int64_t len = 0; len < 20; len++)
      assert_int_equal(qv_bitmap_count_set(pattern, off, len), ref_count(pattern, off, len));
  uint8_t ones[16];
  memset(ones, 0xFF, sizeof ones);
  assert_int_equal(qv_bitmap_count_set(ones, 3, 125), 125);
  assert_int_equal(qv_bitmap_count_set(NULL, 0, 10), 0);
}

static void test_set_range(void **state) {
  (void)state;
  for (int64_t off = 0; off < 20; off++)
    for (int64_t len = 0; len < 90; len += 7) {
      uint8_t b[16], r[16];
      memcpy(b, pattern, 16);
      memcpy(r, pattern, 16);
      qv_bitmap_set_range(b, off, len, true);
      for (int64_t i = 0; i < len; i++) qv_bit_set(r, off + i);
      assert_memory_equal(b, r, 16);
      qv_bitmap_set_range(b, off, len, false);
      for (int64_t i = 0; i < len; i++) qv_bit_clear(r, off + i);
      assert_memory_equal(b, r, 16);
    }
}

static void test_copy_any_offsets(void **state) {
  (void)state;
  for (int64_t so = 0; so < 17; so++)
    for (int64_t dofs = 0; dofs < 17; dofs++)
      for (int64_t len = 0; len < 150; len += 13) {
        uint8_t d[40], r[40];
        memset(d, 0x5A, sizeof d);
        memset(r, 0x5A, sizeof r);
        qv_bitmap_copy(d, dofs, pattern, so, len);
        for (int64_t i = 0; i < len; i++) qv_bit_set_to(r, dofs + i, qv_bit_get(pattern, so + i));
        assert_memory_equal(d, r, sizeof d); /* bits outside the range are untouched */
        assert_true(qv_bitmap_equal(d, dofs, pattern, so, len));
      }
}

static void test_equal(void **state) {
  (void)state;
  uint8_t c[64];
  memcpy(c, pattern, 64);
  assert_true(qv_bitmap_equal(pattern, 0, c, 0, 512));
  assert_true(qv_bitmap_equal(pattern, 5, c, 5, 300));
  qv_bit_set_to(c, 200, !qv_bit_get(c, 200));
  assert_false(qv_bitmap_equal(pattern, 0, c, 0, 512));
  assert_false(qv_bitmap_equal(pattern, 3, c, 3, 198));
  assert_true(qv_bitmap_equal(pattern, 3, c, 3, 197));
  assert_true(qv_bitmap_equal(pattern, 201, c, 201, 100));
  /* shifted comparison */
  uint8_t s[64] = {0};
  qv_bitmap_copy(s, 3, pattern, 0, 400);
  assert_true(qv_bitmap_equal(pattern, 0, s, 3, 400));
  assert_true(qv_bitmap_equal(s, 3, pattern, 0, 400));
  assert_false(qv_bitmap_equal(pattern, 0, s, 4, 400));
  assert_true(qv_bitmap_equal(NULL, 0, NULL, 0, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inline_bits),   cmocka_unit_test(test_count_set),
      cmocka_unit_test(test_set_range),     cmocka_unit_test(test_copy_any_offsets),
      cmocka_unit_test(test_equal),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
