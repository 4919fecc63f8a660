/* qv_array_value_to_string: one slot's compact text (print/value.c), its
 * argument checks, and a hostile slot that gives an error, not a read
 * outside the buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/hand.h"

static void expect_text(const qv_array *a, int64_t i, const char *want) {
  char *text = NULL;
  qv_error e;
  assert_int_equal(qv_array_value_to_string(a, i, NULL, &text, &e), QV_OK);
  assert_string_equal(text, want);
  qv_free_string(text);
}

static void test_values(void **state) {
  (void)state;
  qv_array *s = hand_strings(qv_type_string(), 3, (const char *const[]){"x", NULL, "q\""});
  expect_text(s, 0, "\"x\"");
  expect_text(s, 1, "null");
  qv_array *i = I64(7, -1);
  expect_text(i, 1, "-1");
  qv_array_release(s);
  qv_array_release(i);
}

static void test_bad_arguments(void **state) {
  (void)state;
  qv_array *i = I64(7);
  char *text = (char *)1;
  qv_error e;
  assert_int_equal(qv_array_value_to_string(i, 1, NULL, &text, &e), QV_ERR_OUT_OF_RANGE);
  assert_null(text);
  assert_non_null(strstr(e.message, "slot 1 is outside the array of length 1"));
  assert_int_equal(qv_array_value_to_string(i, -1, NULL, &text, &e), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_array_value_to_string(NULL, 0, NULL, &text, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_array_value_to_string(i, 0, NULL, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(i);
}

static void test_hostile_slot(void **state) {
  (void)state;
  /* Offsets past the data pass structural validation. */
  const int32_t offs[] = {0, 2, 900};
  qv_array *s = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, hand_buf(offs, 12), hand_buf("abcd", 4)), 0, NULL,
                           NULL);
  expect_text(s, 0, "\"ab\"");
  char *text = NULL;
  qv_error e;
  assert_int_equal(qv_array_value_to_string(s, 1, NULL, &text, &e), QV_ERR_INVALID_DATA);
  assert_null(text);
  assert_non_null(strstr(e.message, "slot 1"));
  qv_array_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_hostile_slot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
