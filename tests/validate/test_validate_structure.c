/* Tests for the structural (QV_VALIDATE_STRUCTURE) rules of src/validate:
 * one hand-built invalid array per rule, checking the status code and the
 * message. Arrays qv_array_new would refuse (wrong counts, negative
 * lengths) are made by copying a valid array's struct and breaking a field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/hand.h"

static void test_length_offset(void **state) {
  (void)state;
  qv_array *a = I32(1, 2, 3);
  qv_array bad = *a;
  bad.length = -1;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "int32 array: negative length -1");
  bad = *a;
  bad.offset = -2;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "negative offset -2");
  bad = *a;
  bad.offset = INT64_MAX - 1;
  bad.length = 2;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_OVERFLOW, "overflows int64");
  /* offset + length fits, but x 4 bytes does not */
  bad = *a;
  bad.offset = INT64_MAX / 4;
  bad.length = 1;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_OVERFLOW, "values buffer size overflows");
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
}

static void test_buffer_and_child_counts(void **state) {
  (void)state;
  qv_array *a = I32(1, 2, 3);
  qv_array bad = *a;
  bad.n_buffers = 1;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "expected 2 buffers, found 1");
  bad = *a;
  bad.n_children = 1;
  bad.children = KIDS(a);
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "expected 0 children, found 1");
  /* a buffer claiming bytes without data */
  qv_buffer ghost = {0};
  ghost.size = 16;
  bad = *a;
  bad.buffers = BUFS(NULL, &ghost);
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "buffer 1 has 16 bytes but no data");
  qv_array_release(a);

  /* views need at least 2 buffers */
  qv_array *v = hand_array(qv_type_string_view(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL);
  bad = *v;
  bad.n_buffers = 1;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "expected at least 2 buffers, found 1");
  expect_valid(v, QV_VALIDATE_FULL);
  qv_array_release(v);
}

static void test_values_buffer_too_small(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_int32(), 4, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 1, 2, 3)), 0, NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "values buffer too small: 12 bytes, need 16 for offset 0 + length 4");
  qv_array_release(a);
  /* the offset counts too */
  a = hand_array(qv_type_int64(), 2, 2, 0, 2, BUFS(NULL, BUFV(int64_t, 1, 2, 3)), 0, NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "need 32 for offset 2 + length 2");
  qv_array_release(a);
  /* bool: bits rounded up to bytes */
  a = hand_array(qv_type_bool(), 9, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 0xFF)), 0, NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "values buffer too small: 1 bytes, need 2");
  qv_array_release(a);
  /* fixed_size_binary uses its byte width */
  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(3, &fsb, NULL), QV_OK);
  a = hand_array(fsb, 2, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 1, 2, 3, 4, 5)), 0, NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "need 6");
  qv_array_release(a);
  /* dictionary indices */
  a = hand_array(hand_dict(qv_type_int16(), qv_type_string()), 3, 0, 0, 2, BUFS(NULL, BUFV(int16_t, 0, 0)), 0,
                 NULL, STRS("x"));
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "indices buffer too small: 4 bytes, need 6");
  qv_array_release(a);
}

static void test_validity_bitmap(void **state) {
  (void)state;
  int32_t vals[20] = {0};
  qv_array *a = hand_array(qv_type_int32(), 20, 0, 1, 2, BUFS(BUFV(uint8_t, 0xFF, 0xFE), hand_buf(vals, 80)), 0,
                           NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "validity buffer too small: 2 bytes, need 3");
  qv_array_release(a);
}

static void test_null_count_rules(void **state) {
  (void)state;
  qv_array *a = I32(1, 2, 3);
  qv_array bad = *a;
  bad.null_count = 4;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "null_count 4 exceeds length 3");
  bad.null_count = -5;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "null_count -5 is negative");
  bad.null_count = 1; /* no bitmap */
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "null_count 1 but no validity bitmap");
  bad.null_count = QV_NULL_COUNT_UNKNOWN;
  expect_valid(&bad, QV_VALIDATE_FULL);
  qv_array_release(a);

  qv_array *n = hand_array(qv_type_null(), 5, 0, 5, 0, NULL, 0, NULL, NULL);
  expect_valid(n, QV_VALIDATE_FULL);
  bad = *n;
  bad.null_count = 2;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "null array: null_count 2 must equal the length 5");
  qv_array_release(n);

  /* unions keep their nulls in the children */
  qv_type *u = hand_union(QV_TYPE_SPARSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), NULL);
  qv_array *ua = hand_array(u, 2, 0, 1, 1, BUFS(BUFV(int8_t, 0, 0)), 1, KIDS(I32(1, 2)), NULL);
  expect_invalid(ua, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "null_count must be 0 (nulls live in the children), found 1");
  qv_array_release(ua);
}

static void test_offsets_structure(void **state) {
  (void)state;
  /* too few entries */
  qv_array *a = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 2), BUFV(char, 'a', 'b', 'c')),
                           0, NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "offsets buffer too small: 12 bytes, need 16");
  qv_array_release(a);
  /* first offset negative */
  a = hand_array(qv_type_binary(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, -1, 1, 2), BUFV(char, 'a', 'b')), 0, NULL,
                 NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "binary array: first offset -1 is negative");
  qv_array_release(a);
  /* last offset beyond the data */
  a = hand_array(qv_type_large_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int64_t, 0, 1, 9), BUFV(char, 'a', 'b')), 0,
                 NULL, NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "last offset 9 exceeds the data size (2)");
  qv_array_release(a);
  /* last < first */
  a = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 2, 1, 1), BUFV(char, 'a', 'b')), 0, NULL,
                 NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "last offset 1 is less than first offset 2");
  qv_array_release(a);
  /* an empty array may omit the offsets */
  a = hand_array(qv_type_string(), 0, 0, 0, 3, BUFS(NULL, NULL, NULL), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  /* list: last offset beyond the child */
  a = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 2, 4)), 1,
                 KIDS(I32(1, 2, 3)), NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "list array: last offset 4 exceeds the child length (3)");
  qv_array_release(a);
}

static void test_children_lengths(void **state) {
  (void)state;
  /* struct child shorter than offset + length */
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_int32())));
  qv_array *s = hand_array(st, 3, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2, 3), I32(1, 2)), NULL);
  expect_invalid(s, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "child 1 ('b') has length 2, needs at least offset 0 + length 3 = 3");
  qv_array_release(s);
  /* sparse union child */
  qv_type *u = hand_union(QV_TYPE_SPARSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("l", qv_type_int64())),
                          NULL);
  qv_array *ua = hand_array(u, 3, 0, 0, 1, BUFS(BUFV(int8_t, 0, 1, 0)), 2, KIDS(I32(1, 2, 3), I64(1)), NULL);
  expect_invalid(ua, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "child 1 ('l') has length 1");
  qv_array_release(ua);
  /* fixed size list */
  qv_array *f = hand_array(hand_fsl(qv_type_int32(), 2), 2, 1, 0, 1, BUFS(NULL), 1, KIDS(I32(1, 2, 3, 4, 5)), NULL);
  expect_invalid(f, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "child has length 5, needs at least (offset 1 + length 2) x 2 = 6");
  qv_array_release(f);
  /* dense union children may be any length; type ids and offsets must cover */
  qv_type *d = hand_union(QV_TYPE_DENSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), NULL);
  qv_array *da = hand_array(d, 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 0, 0), BUFV(int32_t, 0, 0)), 1, KIDS(I32(7)), NULL);
  expect_invalid(da, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "offsets buffer too small: 8 bytes, need 12");
  qv_array_release(da);
}

static void test_child_type_mismatch(void **state) {
  (void)state;
  qv_type *st = hand_struct(1, FIELDS(hand_field("a", qv_type_int32())));
  qv_array *s = hand_array(st, 1, 0, 0, 1, BUFS(NULL), 1, KIDS(I64(5)), NULL);
  expect_invalid(s, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "child 0 ('a') has type int64, expected int32");
  qv_array_release(s);
}

static void test_dictionary_presence_and_type(void **state) {
  (void)state;
  qv_array *d = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 2, 0, 0, 2, BUFS(NULL, BUFV(int8_t, 0, 1)),
                           0, NULL, STRS("a", "b"));
  expect_valid(d, QV_VALIDATE_FULL);
  qv_array bad = *d;
  bad.dictionary = NULL;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "dictionary array has no dictionary");
  qv_array *wrong = I32(1, 2);
  bad.dictionary = wrong;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "dictionary has type int32, expected the value type string");
  qv_array bad2 = *wrong;
  bad2.dictionary = d;
  expect_invalid(&bad2, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "array of a non-dictionary type has a dictionary");
  qv_array_release(wrong);
  qv_array_release(d);
}

static void test_ree_structure(void **state) {
  (void)state;
  /* run_ends longer than values */
  qv_array *r = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 3, 0, 0, 0, NULL, 2,
                           KIDS(I32(1, 2, 3), I64(7, 8)), NULL);
  expect_invalid(r, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "run_ends has 3 runs but values only 2 entries");
  qv_array_release(r);
  /* last run end does not cover offset + length */
  r = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 4, 1, 0, 0, NULL, 2, KIDS(I32(2, 4), I64(7, 8)), NULL);
  expect_invalid(r, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "last run end 4 does not cover offset 1 + length 4");
  qv_array_release(r);
  /* nulls in run_ends (counted) */
  qv_array *ends = hand_array(qv_type_int32(), 2, 0, 1, 2, BUFS(BUFV(uint8_t, 1), BUFV(int32_t, 2, 4)), 0, NULL, NULL);
  r = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 4, 0, 0, 0, NULL, 2, KIDS(ends, I64(7, 8)), NULL);
  expect_invalid(r, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "run_ends must not contain nulls");
  qv_array_release(r);
  /* no runs at all */
  r = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 4, 0, 0, 0, NULL, 2,
                 KIDS(hand_array(qv_type_int32(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL), I64(7)), NULL);
  expect_invalid(r, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "no runs for a length of 4");
  qv_array_release(r);
  /* offset + length must fit the run-end type */
  qv_array *ok = hand_array(hand_ree(qv_type_int16(), qv_type_int64()), 2, 0, 0, 0, NULL, 2,
                            KIDS(hand_array(qv_type_int16(), 1, 0, 0, 2, BUFS(NULL, BUFV(int16_t, 2)), 0, NULL, NULL),
                                 I64(1)),
                            NULL);
  expect_valid(ok, QV_VALIDATE_FULL);
  qv_array bad = *ok;
  bad.null_count = 1;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA,
                 "run_end_encoded array: null_count must be 0 (nulls live in the children), found 1");
  bad = *ok;
  bad.offset = 40000;
  expect_invalid(&bad, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "offset + length 40002 does not fit the int16 run ends");
  qv_array_release(ok);
}

static void test_views_and_list_views_sizes(void **state) {
  (void)state;
  qv_array *v = hand_array(qv_type_binary_view(), 2, 0, 0, 2, BUFS(NULL, hand_buf((uint8_t[16]){0}, 16)), 0, NULL,
                           NULL);
  expect_invalid(v, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "views buffer too small: 16 bytes, need 32");
  qv_array_release(v);
  qv_array *lv = hand_array(hand_list(QV_TYPE_LIST_VIEW, qv_type_int32()), 2, 0, 0, 3,
                            BUFS(NULL, BUFV(int32_t, 0, 1), BUFV(int32_t, 1)), 1, KIDS(I32(1, 2)), NULL);
  expect_invalid(lv, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "sizes buffer too small: 4 bytes, need 8");
  qv_array_release(lv);
}

static void test_nesting_depth_limit(void **state) {
  (void)state;
  /* 70 nested empty lists */
  qv_array *a = hand_array(qv_type_int32(), 0, 0, 0, 2, BUFS(NULL, NULL), 0, NULL, NULL);
  qv_type *t = qv_type_int32();
  for (int d = 0; d < 70; d++) {
    t = hand_list(QV_TYPE_LIST, t);
    a = hand_array(qv_type_retain(t), 0, 0, 0, 2, BUFS(NULL, NULL), 1, KIDS(a), NULL);
    if (d == 60) expect_valid(a, QV_VALIDATE_FULL);
  }
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_LIMIT, "nesting depth exceeds 64");
  qv_type_release(t);
  qv_array_release(a);
}

static void test_path_in_messages(void **state) {
  (void)state;
  /* list<struct<a: int32, b: list<int32>>> with a short innermost values buffer */
  qv_array *inner = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 1, 2)), 0, NULL, NULL);
  qv_array *bl = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 3)), 1,
                            KIDS(inner), NULL);
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", hand_list(QV_TYPE_LIST, qv_type_int32()))));
  qv_array *s = hand_array(st, 1, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(5), bl), NULL);
  qv_field *sf = hand_field("s", qv_type_retain(s->type));
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(&sf, 1, NULL, &schema, NULL), QV_OK);
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 1, &s, NULL, &batch, NULL), QV_OK);
  qv_error e;
  hand_expect(qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, &e), &e, QV_ERR_INVALID_DATA,
              "column 's'.b.item: int32 array: values buffer too small");
  expect_invalid(s, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "b.item: int32 array:");
  /* tables prefix the batch */
  qv_table *table = NULL;
  assert_int_equal(qv_table_new(schema, &batch, 1, &table, NULL), QV_OK);
  hand_expect(qv_table_validate(table, QV_VALIDATE_FULL, &e), &e, QV_ERR_INVALID_DATA,
              "batch 0: column 's'.b.item: int32 array");
  qv_table bad = *table;
  bad.n_rows = 7;
  bad.n_batches = 0;
  hand_expect(qv_table_validate(&bad, QV_VALIDATE_STRUCTURE, &e), &e, QV_ERR_INVALID_DATA,
              "table n_rows is 7 but its batches hold 0 rows");
  qv_table_release(table);
  qv_batch_release(batch);
  qv_schema_release(schema);
  qv_field_release(sf);
  qv_array_release(s);
}

static void test_batch_column_checks(void **state) {
  (void)state;
  qv_field *f = hand_field("x", qv_type_int32());
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &schema, NULL), QV_OK);
  qv_array *col = I32(1, 2);
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 2, &col, NULL, &batch, NULL), QV_OK);
  qv_error e;
  assert_int_equal(qv_batch_validate(batch, QV_VALIDATE_FULL, &e), QV_OK);
  qv_batch bad = *batch;
  bad.length = 3;
  hand_expect(qv_batch_validate(&bad, QV_VALIDATE_STRUCTURE, &e), &e, QV_ERR_INVALID_DATA,
              "column 'x' has length 2, the batch 3");
  qv_array *other = I64(1, 2);
  bad = *batch;
  bad.columns = KIDS(other);
  hand_expect(qv_batch_validate(&bad, QV_VALIDATE_STRUCTURE, &e), &e, QV_ERR_INVALID_DATA,
              "column 'x' has type int64, the schema says int32");
  assert_int_equal(qv_batch_validate(NULL, QV_VALIDATE_FULL, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_array_validate(col, (qv_validate_level)7, &e), QV_ERR_INVALID_ARGUMENT);
  qv_array_release(other);
  qv_batch_release(batch);
  qv_array_release(col);
  qv_schema_release(schema);
  qv_field_release(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_length_offset),
      cmocka_unit_test(test_buffer_and_child_counts),
      cmocka_unit_test(test_values_buffer_too_small),
      cmocka_unit_test(test_validity_bitmap),
      cmocka_unit_test(test_null_count_rules),
      cmocka_unit_test(test_offsets_structure),
      cmocka_unit_test(test_children_lengths),
      cmocka_unit_test(test_child_type_mismatch),
      cmocka_unit_test(test_dictionary_presence_and_type),
      cmocka_unit_test(test_ree_structure),
      cmocka_unit_test(test_views_and_list_views_sizes),
      cmocka_unit_test(test_nesting_depth_limit),
      cmocka_unit_test(test_path_in_messages),
      cmocka_unit_test(test_batch_column_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
