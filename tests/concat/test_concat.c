/* Tests for src/concat/concat.c: n-ary concatenation (order kept across the
 * balanced merge, slices as inputs, every n from 1 to 9), type mismatches,
 * chunked arrays and tables combined into one chunk. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "quiver/quiver.h"

/* Strings "v<start>".."v<start+n-1>", every 3rd null. */
static qv_array *strings(int64_t start, int64_t n) {
  qv_builder *b;
  qv_array *a;
  char s[32];
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  for (int64_t i = start; i < start + n; i++) {
    if (i % 3 == 0) {
      assert_int_equal(qv_builder_append_null(b), QV_OK);
      continue;
    }
    snprintf(s, sizeof s, "v%lld", (long long)i);
    assert_int_equal(qv_builder_append_string(b, s, -1), QV_OK);
  }
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  return a;
}

static qv_array *ints(int64_t start, int64_t n) {
  qv_builder *b;
  qv_array *a;
  assert_int_equal(qv_builder_new(qv_type_int64(), NULL, &b, NULL), QV_OK);
  for (int64_t i = start; i < start + n; i++) assert_int_equal(qv_builder_append_int64(b, i), QV_OK);
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  return a;
}

static void every_n_keeps_order(void **state) {
  (void)state;
  for (int64_t n = 1; n <= 9; n++) {
    qv_array *parts[9];
    for (int64_t i = 0; i < n; i++) parts[i] = strings(i * 7, 7);
    qv_array *all, *want = strings(0, 7 * n);
    qv_error err;
    assert_int_equal(qv_array_concat(parts, n, &all, &err), QV_OK);
    assert_int_equal(all->length, 7 * n);
    if (qv_array_diff(all, want, &err) != QV_OK) fail_msg("n=%lld: %s", (long long)n, err.message);
    assert_int_equal(qv_array_validate(all, QV_VALIDATE_FULL, NULL), QV_OK);
    qv_array_release(all);
    qv_array_release(want);
    for (int64_t i = 0; i < n; i++) qv_array_release(parts[i]);
  }
}

static void slices_as_inputs(void **state) {
  (void)state;
  qv_array *whole = strings(0, 30), *want = strings(5, 20);
  qv_array *parts[3];
  assert_int_equal(qv_array_slice(whole, 5, 6, &parts[0], NULL), QV_OK);
  assert_int_equal(qv_array_slice(whole, 11, 0, &parts[1], NULL), QV_OK);
  assert_int_equal(qv_array_slice(whole, 11, 14, &parts[2], NULL), QV_OK);
  qv_array *all;
  qv_error err;
  assert_int_equal(qv_array_concat(parts, 3, &all, &err), QV_OK);
  assert_int_equal(all->offset, 0);
  assert_true(qv_array_equals(all, want));
  qv_array_release(all);
  for (int i = 0; i < 3; i++) qv_array_release(parts[i]);
  qv_array_release(whole);
  qv_array_release(want);
}

static void mismatched_types_and_bad_arguments(void **state) {
  (void)state;
  qv_array *s = strings(0, 3), *i = ints(0, 3), *all = NULL;
  qv_array *parts[] = {s, s, i};
  qv_error err;
  assert_int_equal(qv_array_concat(parts, 3, &all, &err), QV_ERR_TYPE);
  assert_non_null(strstr(err.message, "array 2"));
  assert_null(all);
  assert_int_equal(qv_array_concat(parts, 0, &all, &err), QV_ERR_INVALID_ARGUMENT);
  qv_array *one;
  assert_int_equal(qv_array_concat(parts, 1, &one, &err), QV_OK);
  assert_ptr_equal(one, s);
  qv_array_release(one);
  qv_array_release(s);
  qv_array_release(i);
}

static void chunked_and_table_combine(void **state) {
  (void)state;
  qv_array *a = ints(0, 10), *b = strings(0, 10);
  const char *names[] = {"n", "s"};
  qv_array *cols[] = {a, b};
  qv_table *t, *parts[3];
  assert_int_equal(qv_table_from_arrays(names, cols, 2, &t, NULL), QV_OK);
  assert_int_equal(qv_table_slice(t, 0, 3, &parts[0], NULL), QV_OK);
  assert_int_equal(qv_table_slice(t, 3, 3, &parts[1], NULL), QV_OK);
  assert_int_equal(qv_table_slice(t, 6, 4, &parts[2], NULL), QV_OK);
  qv_table *three, *one;
  assert_int_equal(qv_table_concat(parts, 3, &three, NULL), QV_OK);
  assert_int_equal(three->n_batches, 3);
  qv_error err;
  assert_int_equal(qv_table_combine_chunks(three, &one, &err), QV_OK);
  assert_int_equal(one->n_batches, 1);
  assert_true(qv_table_equals(one, t));
  qv_table_release(one);

  qv_chunked_array *c;
  qv_array *joined;
  assert_int_equal(qv_table_column(three, 1, &c, NULL), QV_OK);
  assert_int_equal(qv_chunked_array_combine(c, &joined, &err), QV_OK);
  assert_true(qv_array_equals(joined, b));
  qv_array_release(joined);
  qv_chunked_array_release(c);

  assert_int_equal(qv_chunked_array_new(qv_type_string(), NULL, 0, &c, NULL), QV_OK);
  assert_int_equal(qv_chunked_array_combine(c, &joined, &err), QV_OK);
  assert_int_equal(joined->length, 0);
  qv_array_release(joined);
  qv_chunked_array_release(c);

  qv_table_release(three);
  for (int i = 0; i < 3; i++) qv_table_release(parts[i]);
  qv_table_release(t);
  qv_array_release(a);
  qv_array_release(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_n_keeps_order),
      cmocka_unit_test(slices_as_inputs),
      cmocka_unit_test(mismatched_types_and_bad_arguments),
      cmocka_unit_test(chunked_and_table_combine),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
