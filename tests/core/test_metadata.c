/* Tests for src/core/metadata.c: append/find/copy/equals, binary values,
 * duplicates, NULL handling and argument errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "quiver/metadata.h"

static void test_append_and_find(void **state) {
  (void)state;
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(md->n, 0);
  for (int i = 0; i < 20; i++) {
    char k[32], v[32];
    snprintf(k, sizeof k, "key%d", i);
    snprintf(v, sizeof v, "value%d", i);
    assert_int_equal(qv_metadata_append(md, k, -1, v, -1, NULL), QV_OK);
  }
  assert_int_equal(md->n, 20);
  const qv_kv *kv = qv_metadata_find(md, "key13");
  assert_non_null(kv);
  assert_string_equal(kv->value, "value13");
  assert_int_equal(kv->value_len, 7);
  assert_int_equal(kv->key_len, 5);
  assert_null(qv_metadata_find(md, "key"));
  assert_null(qv_metadata_find(md, "key130"));
  assert_null(qv_metadata_find(NULL, "key1"));
  /* order kept */
  assert_string_equal(md->pairs[0].key, "key0");
  assert_string_equal(md->pairs[19].key, "key19");
  qv_metadata_free(md);
  qv_metadata_free(NULL);
}

static void test_binary_and_duplicates(void **state) {
  (void)state;
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  const char bin[4] = {'a', '\0', (char)0xFF, 'b'};
  assert_int_equal(qv_metadata_append(md, "bin", 3, bin, 4, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "dup", -1, "first", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "dup", -1, "second", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "empty", -1, NULL, 0, NULL), QV_OK);
  const qv_kv *kv = qv_metadata_find(md, "bin");
  assert_int_equal(kv->value_len, 4);
  assert_memory_equal(kv->value, bin, 4);
  assert_int_equal(kv->value[4], '\0');
  assert_string_equal(qv_metadata_find(md, "dup")->value, "first");
  assert_string_equal(qv_metadata_find(md, "empty")->value, "");
  /* key with only a prefix of the bytes */
  assert_int_equal(qv_metadata_append(md, "abcdef", 3, "x", 1, NULL), QV_OK);
  assert_non_null(qv_metadata_find(md, "abc"));
  assert_null(qv_metadata_find(md, "abcdef"));
  qv_metadata_free(md);
}

static void test_copy_and_equals(void **state) {
  (void)state;
  qv_metadata *a = NULL, *b = NULL, *c = NULL;
  assert_int_equal(qv_metadata_new(&a, NULL), QV_OK);
  assert_true(qv_metadata_equals(a, NULL));
  assert_true(qv_metadata_equals(NULL, NULL));
  assert_int_equal(qv_metadata_append(a, "k1", -1, "v1", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(a, "k2", -1, "v2", -1, NULL), QV_OK);
  assert_false(qv_metadata_equals(a, NULL));
  assert_int_equal(qv_metadata_copy(a, &b, NULL), QV_OK);
  assert_ptr_not_equal(a->pairs[0].key, b->pairs[0].key);
  assert_true(qv_metadata_equals(a, b));
  assert_int_equal(qv_metadata_copy(NULL, &c, NULL), QV_OK);
  assert_null(c);
  /* different order is different */
  assert_int_equal(qv_metadata_new(&c, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(c, "k2", -1, "v2", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(c, "k1", -1, "v1", -1, NULL), QV_OK);
  assert_false(qv_metadata_equals(a, c));
  qv_metadata_free(c);
  assert_int_equal(qv_metadata_new(&c, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(c, "k1", -1, "v1", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(c, "k2", -1, "vX", -1, NULL), QV_OK);
  assert_false(qv_metadata_equals(a, c));
  qv_metadata_free(a);
  qv_metadata_free(b);
  qv_metadata_free(c);
}

static void test_bad_arguments(void **state) {
  (void)state;
  qv_error err;
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_append(NULL, "k", -1, "v", -1, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "qv_metadata_append: metadata is NULL");
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, NULL, 3, "v", -1, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "qv_metadata_append: NULL key with length 3");
  assert_int_equal(qv_metadata_append(md, "k", -1, NULL, 2, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "qv_metadata_append: NULL value with length 2");
  assert_int_equal(md->n, 0);
  assert_int_equal(qv_metadata_new(NULL, &err), QV_ERR_INVALID_ARGUMENT);
  qv_metadata_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_append_and_find),
      cmocka_unit_test(test_binary_and_duplicates),
      cmocka_unit_test(test_copy_and_equals),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
