/* Valid arrays of every type pass QV_VALIDATE_FULL (and every slice of
 * them), built with the builders (build/) and by hand. Guards against
 * false positives of the validator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "quiver/builder.h"
#include "support/hand.h"

#define OK(expr) assert_int_equal((expr), QV_OK)

/* Validates `a` and all of its slices [off, off+len) at FULL. Takes a. */
static void all_slices_valid(qv_array *a) {
  expect_valid(a, QV_VALIDATE_FULL);
  for (int64_t off = 0; off <= a->length; off++) {
    for (int64_t len = 0; off + len <= a->length; len++) {
      qv_array *s = NULL;
      OK(qv_array_slice(a, off, len, &s, NULL));
      expect_valid(s, QV_VALIDATE_FULL);
      qv_array_release(s);
    }
  }
  qv_array_release(a);
}

static qv_builder *new_builder(qv_type *t) {
  qv_builder *b = NULL;
  qv_error e;
  hand_check(qv_builder_new(t, NULL, &b, &e), &e, "builder");
  qv_type_release(t);
  return b;
}

static qv_array *finish(qv_builder *b) {
  qv_array *a = NULL;
  qv_error e;
  hand_check(qv_builder_finish(b, &a, &e), &e, "finish");
  qv_builder_free(b);
  return a;
}

static void test_primitives(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_null());
  OK(qv_builder_append_nulls(b, 3));
  all_slices_valid(finish(b));

  b = new_builder(qv_type_bool());
  OK(qv_builder_append_bool(b, true));
  OK(qv_builder_append_null(b));
  OK(qv_builder_append_bool(b, false));
  all_slices_valid(finish(b));

  qv_type *ints[] = {qv_type_int8(), qv_type_int16(), qv_type_int32(), qv_type_int64(),
                     qv_type_uint8(), qv_type_uint16(), qv_type_uint32(), qv_type_uint64()};
  for (int k = 0; k < 8; k++) {
    b = new_builder(ints[k]);
    for (int i = 0; i < 5; i++) {
      if (i == 2) OK(qv_builder_append_null(b));
      else if (k % 4 == 0) OK(k < 4 ? qv_builder_append_int8(b, (int8_t)-i) : qv_builder_append_uint8(b, (uint8_t)i));
      else if (k % 4 == 1) OK(k < 4 ? qv_builder_append_int16(b, (int16_t)-i) : qv_builder_append_uint16(b, (uint16_t)i));
      else if (k % 4 == 2) OK(k < 4 ? qv_builder_append_int32(b, -i) : qv_builder_append_uint32(b, (uint32_t)i));
      else OK(k < 4 ? qv_builder_append_int64(b, -i) : qv_builder_append_uint64(b, (uint64_t)i));
    }
    all_slices_valid(finish(b));
  }

  b = new_builder(qv_type_float16());
  OK(qv_builder_append_float16(b, 0x3C00));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_float32());
  OK(qv_builder_append_float32(b, 1.5f));
  OK(qv_builder_append_float32(b, -0.0f));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_float64());
  OK(qv_builder_append_float64(b, 2.5));
  OK(qv_builder_append_null(b));
  OK(qv_builder_append_float64(b, 1e300));
  all_slices_valid(finish(b));
}

static void test_decimals_and_temporal(void **state) {
  (void)state;
  const int widths[] = {32, 64, 128, 256};
  const int precisions[] = {9, 18, 38, 76};
  for (int k = 0; k < 4; k++) {
    qv_builder *b = new_builder(hand_decimal(widths[k], precisions[k], 2));
    OK(qv_builder_append_decimal_i64(b, 12345));
    OK(qv_builder_append_null(b));
    OK(qv_builder_append_decimal_i64(b, -999999999));
    all_slices_valid(finish(b));
  }
  qv_builder *b = new_builder(qv_type_date32());
  OK(qv_builder_append_int32(b, 18262));
  OK(qv_builder_append_int32(b, -1));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_date64());
  OK(qv_builder_append_int64(b, INT64_C(1577836800000)));
  OK(qv_builder_append_null(b));
  OK(qv_builder_append_int64(b, -INT64_C(86400000)));
  all_slices_valid(finish(b));
  b = new_builder(hand_time(32, QV_UNIT_SECOND));
  OK(qv_builder_append_int32(b, 0));
  OK(qv_builder_append_int32(b, 86399));
  all_slices_valid(finish(b));
  b = new_builder(hand_time(32, QV_UNIT_MILLI));
  OK(qv_builder_append_int32(b, 86399999));
  all_slices_valid(finish(b));
  b = new_builder(hand_time(64, QV_UNIT_MICRO));
  OK(qv_builder_append_int64(b, INT64_C(86399999999)));
  all_slices_valid(finish(b));
  b = new_builder(hand_time(64, QV_UNIT_NANO));
  OK(qv_builder_append_int64(b, INT64_C(86399999999999)));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));
  b = new_builder(hand_ts(QV_UNIT_NANO, "UTC"));
  OK(qv_builder_append_int64(b, INT64_MIN));
  OK(qv_builder_append_int64(b, INT64_MAX));
  all_slices_valid(finish(b));
  qv_type *dur = NULL;
  OK(qv_type_duration(QV_UNIT_SECOND, &dur, NULL));
  b = new_builder(dur);
  OK(qv_builder_append_int64(b, -5));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_interval_months());
  OK(qv_builder_append_int32(b, -3));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_interval_day_time());
  const int32_t dt[2] = {1, -1000};
  OK(qv_builder_append_fixed(b, dt));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));
  b = new_builder(qv_type_interval_month_day_nano());
  struct {
    int32_t m, d;
    int64_t ns;
  } mdn = {1, 2, 3000};
  OK(qv_builder_append_fixed(b, &mdn));
  all_slices_valid(finish(b));
}

static void test_binary_like(void **state) {
  (void)state;
  qv_type *types[] = {qv_type_binary(), qv_type_string(), qv_type_large_binary(), qv_type_large_string(),
                      qv_type_binary_view(), qv_type_string_view()};
  for (int k = 0; k < 6; k++) {
    qv_builder *b = new_builder(types[k]);
    const char *v1 = "a value longer than twelve bytes, caf\xC3\xA9";
    const char *v2 = "\xF4\x8F\xBF\xBF\xF0\x9F\x98\x80 emoji and more bytes";
    OK(qv_builder_append_binary(b, "short", 5));
    OK(qv_builder_append_null(b));
    OK(qv_builder_append_binary(b, "", 0));
    OK(qv_builder_append_binary(b, v1, (int64_t)strlen(v1)));
    OK(qv_builder_append_binary(b, v2, (int64_t)strlen(v2)));
    all_slices_valid(finish(b));
  }
  qv_type *fsb = NULL;
  OK(qv_type_fixed_size_binary(3, &fsb, NULL));
  qv_builder *b = new_builder(fsb);
  OK(qv_builder_append_fixed(b, "abc"));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));
  /* extension: arrow.uuid over fixed_size_binary(16) */
  qv_type *storage = NULL, *uuid = NULL;
  OK(qv_type_fixed_size_binary(16, &storage, NULL));
  OK(qv_type_extension("arrow.uuid", "", 0, storage, &uuid, NULL));
  qv_type_release(storage);
  b = new_builder(uuid);
  OK(qv_builder_append_fixed(b, "0123456789abcdef"));
  all_slices_valid(finish(b));
}

static void test_nested(void **state) {
  (void)state;
  const qv_type_id lists[] = {QV_TYPE_LIST, QV_TYPE_LARGE_LIST, QV_TYPE_LIST_VIEW, QV_TYPE_LARGE_LIST_VIEW};
  for (int k = 0; k < 4; k++) {
    qv_builder *b = new_builder(hand_list(lists[k], qv_type_string()));
    qv_builder *c = qv_builder_child(b, 0);
    OK(qv_builder_append_string(c, "x", -1));
    OK(qv_builder_append_string(c, "y", -1));
    OK(qv_builder_finish_element(b));
    OK(qv_builder_append_null(b));
    OK(qv_builder_finish_element(b)); /* empty list */
    OK(qv_builder_append_null(c));
    OK(qv_builder_finish_element(b));
    all_slices_valid(finish(b));
  }
  qv_builder *b = new_builder(hand_fsl(qv_type_int32(), 2));
  qv_builder *c = qv_builder_child(b, 0);
  OK(qv_builder_append_int32(c, 1));
  OK(qv_builder_append_int32(c, 2));
  OK(qv_builder_finish_element(b));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));

  b = new_builder(hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string()))));
  OK(qv_builder_append_int32(qv_builder_child(b, 0), 1));
  OK(qv_builder_append_string(qv_builder_child(b, 1), "one", -1));
  OK(qv_builder_finish_element(b));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));

  b = new_builder(hand_map(qv_type_string(), qv_type_int32()));
  qv_builder *entries = qv_builder_child(b, 0);
  OK(qv_builder_append_string(qv_builder_child(entries, 0), "k", -1));
  OK(qv_builder_append_int32(qv_builder_child(entries, 1), 1));
  OK(qv_builder_finish_element(entries));
  OK(qv_builder_finish_element(b));
  OK(qv_builder_append_null(b));
  all_slices_valid(finish(b));

  const qv_type_id unions[] = {QV_TYPE_SPARSE_UNION, QV_TYPE_DENSE_UNION};
  const int8_t codes[2] = {3, 9};
  for (int k = 0; k < 2; k++) {
    b = new_builder(hand_union(unions[k], 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                               codes));
    OK(qv_builder_append_int32(qv_builder_child(b, 0), 5));
    OK(qv_builder_finish_union_element(b, 3));
    OK(qv_builder_append_string(qv_builder_child(b, 1), "s", -1));
    OK(qv_builder_finish_union_element(b, 9));
    OK(qv_builder_append_null(qv_builder_child(b, 1)));
    OK(qv_builder_finish_union_element(b, 9));
    all_slices_valid(finish(b));
  }

  b = new_builder(hand_dict(qv_type_int16(), qv_type_string()));
  OK(qv_builder_append_string(b, "red", -1));
  OK(qv_builder_append_string(b, "green", -1));
  OK(qv_builder_append_null(b));
  OK(qv_builder_append_string(b, "red", -1));
  all_slices_valid(finish(b));

  b = new_builder(hand_ree(qv_type_int32(), qv_type_string()));
  OK(qv_builder_append_string(qv_builder_child(b, 1), "aa", -1));
  OK(qv_builder_append_run(b, 3));
  OK(qv_builder_append_nulls(b, 2));
  OK(qv_builder_append_string(qv_builder_child(b, 1), "bb", -1));
  OK(qv_builder_append_run(b, 1));
  all_slices_valid(finish(b));
}

static void test_hand_built_edge_layouts(void **state) {
  (void)state;
  /* offsets not starting at 0, garbage under nulls, bitmap present without nulls */
  qv_array *a = hand_array(qv_type_string(), 3, 0, 1, 3,
                           BUFS(BUFV(uint8_t, 0x05), BUFV(int32_t, 4, 6, 9, 11), hand_buf("xxxxab\xFF\xFE\xFD" "cd", 11)),
                           0, NULL, NULL);
  all_slices_valid(a);
  a = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(BUFV(uint8_t, 0xFF), BUFV(int32_t, 1, 2, 3)), 0, NULL, NULL);
  all_slices_valid(a);
  /* dense union with a child shared by non-adjacent slots */
  qv_type *du = hand_union(QV_TYPE_DENSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), NULL);
  a = hand_array(du, 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 0, 0), BUFV(int32_t, 0, 1, 1)), 1, KIDS(I32(5, 6)), NULL);
  all_slices_valid(a);
  /* nested REE of a struct */
  qv_type *st = hand_struct(1, FIELDS(hand_field("x", qv_type_int64())));
  qv_array *vals = hand_array(qv_type_retain(st), 2, 0, 0, 1, BUFS(NULL), 1, KIDS(I64(7, 8)), NULL);
  a = hand_array(hand_ree(qv_type_int64(), st), 5, 0, 0, 0, NULL, 2, KIDS(I64(2, 5), vals), NULL);
  all_slices_valid(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitives),
      cmocka_unit_test(test_decimals_and_temporal),
      cmocka_unit_test(test_binary_like),
      cmocka_unit_test(test_nested),
      cmocka_unit_test(test_hand_built_edge_layouts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
