/* Dictionary-encoding casts and nested casts (list-likes with an element
 * cast, structs by field name, fixed_size_list sizes), with literal
 * results compared as text, the errors naming the row, and a list whose
 * offsets point past its child (an error, never a bad read). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"
#include "quiver/print.h"

static void expect_text(qv_array *got, const char *want) {
  char *text = NULL;
  qv_error e;
  qv_print_options o = qv_print_options_default();
  assert_non_null(got);
  for (int64_t i = 0; i < got->length; i++) {
    hand_check(qv_array_value_to_string(got, i, &o, &text, &e), &e, "value text");
    size_t n = strlen(text);
    if (strncmp(want, text, n) != 0 || (want[n] != '|' && want[n] != '\0')) {
      fprintf(stderr, "row %lld: got %s, want the start of %s\n", (long long)i, text, want);
      fail();
    }
    want += n + (want[n] == '|');
    qv_free_string(text);
  }
  assert_int_equal(*want, '\0');
  qv_array_release(got);
}

static qv_array *cast(const qv_array *a, qv_type *to, bool safe) {
  qv_array *out = NULL;
  qv_error e;
  qv_status st = qv_compute_cast(a, to, safe, &out, &e);
  if (st != QV_OK) fprintf(stderr, "cast failed: %s\n", e.message);
  assert_int_equal(st, QV_OK);
  qv_type_release(to);
  return out;
}

static void expect_cast_error(const qv_array *a, qv_type *to, bool safe, qv_status code, const char *needle) {
  qv_array *out = NULL;
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv_compute_cast(a, to, safe, &out, &e), &e, code, needle);
  assert_null(out);
  qv_type_release(to);
}

static qv_type *dict(qv_type *index, qv_type *value) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_dictionary(index, value, false, &t, &e), &e, "dictionary type");
  return t;
}

static void dictionary_encode_and_recode(void **state) {
  (void)state;
  qv_array *s = slice_of(STRS("skip", "b", "a", NULL, "b", "c"), 1, 5);
  qv_array *d = cast(s, dict(qv_type_int8(), qv_type_string()), true);
  assert_int_equal(d->type->id, QV_TYPE_DICTIONARY);
  assert_int_equal(d->dictionary->length, 3); /* b, a, c in order of first appearance; no null entry */
  assert_int_equal(d->null_count, 1);
  qv_array *back = cast(d, qv_type_large_string(), true);
  expect_text(back, "\"b\"|\"a\"|null|\"b\"|\"c\"");
  /* Re-typed: values to large_string, indices to int64. */
  qv_array *wide = cast(d, dict(qv_type_int64(), qv_type_large_binary()), true);
  assert_int_equal(wide->dictionary->type->id, QV_TYPE_LARGE_BINARY);
  qv_array_release(wide);
  qv_array_release(d);
  qv_array_release(s);
  /* Integers too (pyarrow encodes only strings and binaries). */
  qv_array *i = PRIM(qv_type_int64(), int64_t, "1111", 7, 7, -1, 7);
  qv_array *di = cast(i, dict(qv_type_int32(), qv_type_float64()), true);
  assert_int_equal(di->dictionary->length, 2);
  expect_text(cast(di, qv_type_int64(), true), "7|7|-1|7");
  qv_array_release(di);
  qv_array_release(i);
  /* 300 distinct values overflow int8 indices: the error names the row. */
  int64_t many[300];
  for (int k = 0; k < 300; k++) many[k] = k;
  qv_array *m = prim(qv_type_int64(), many, 300, 8, NULL);
  expect_cast_error(m, dict(qv_type_int8(), qv_type_int64()), true, QV_ERR_INVALID_DATA, "row 128");
  qv_array_release(m);
  qv_array *nulls = NULL;
  qv_error e;
  hand_check(qv_array_new_null(qv_type_null(), 3, &nulls, &e), &e, "nulls");
  qv_array *dn = cast(nulls, dict(qv_type_int32(), qv_type_string()), true);
  assert_int_equal(dn->null_count, 3);
  assert_int_equal(dn->dictionary->length, 0);
  qv_array_release(dn);
  qv_array_release(nulls);
}

/* list<int32>: [1, 2], null, [], [300, null] behind a skipped slot. */
static qv_array *int_lists(void) {
  qv_array *child = PRIM(qv_type_int32(), int32_t, "111101", 9, 1, 2, 300, 0, 5);
  qv_array *l = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 5, 0, 1, 2,
                           BUFS(bits_from("11011", 5), BUFV(int32_t, 0, 1, 3, 3, 3, 5)), 1, KIDS(child), NULL);
  return slice_of(l, 1, 4);
}

static void list_casts(void **state) {
  (void)state;
  qv_array *l = int_lists();
  expect_text(cast(l, hand_list(QV_TYPE_LIST, qv_type_int64()), true), "[1,2]|null|[]|[300,null]");
  expect_text(cast(l, hand_list(QV_TYPE_LARGE_LIST, qv_type_string()), true), "[\"1\",\"2\"]|null|[]|[\"300\",null]");
  expect_text(cast(l, hand_list(QV_TYPE_LIST_VIEW, qv_type_int16()), true), "[1,2]|null|[]|[300,null]");
  expect_text(cast(l, hand_list(QV_TYPE_LIST, qv_type_int8()), false), "[1,2]|null|[]|[44,null]");
  expect_cast_error(l, hand_list(QV_TYPE_LIST, qv_type_int8()), true, QV_ERR_INVALID_DATA, "list values: cast: row 2");
  expect_cast_error(l, hand_fsl(qv_type_int32(), 2), true, QV_ERR_INVALID_DATA, "row 2: a list of 0 values");
  qv_array *two = slice_of(qv_array_retain(l), 0, 2);
  qv_array *fsl = cast(two, hand_fsl(qv_type_int64(), 2), true);
  expect_text(cast(fsl, hand_list(QV_TYPE_LIST, qv_type_float64()), true), "[1,2]|null");
  expect_cast_error(fsl, hand_fsl(qv_type_int64(), 3), true, QV_ERR_TYPE, "sizes differ");
  qv_array_release(fsl);
  qv_array_release(two);
  qv_array_release(l);
  /* Offsets past the child: an error naming the row. */
  qv_array *child = I32(1, 2);
  qv_array *bad = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1, 9)),
                             1, KIDS(child), NULL);
  expect_cast_error(bad, hand_list(QV_TYPE_LIST, qv_type_int64()), true, QV_ERR_INVALID_DATA, "row 1");
  qv_array_release(bad);
}

static void struct_casts(void **state) {
  (void)state;
  qv_array *a = PRIM(qv_type_int32(), int32_t, "111", 1, 0, 300);
  qv_array *b = STRS("x", NULL, NULL);
  qv_type *ab = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  qv_array *s = hand_array(ab, 3, 0, 1, 1, BUFS(bits_from("101", 3)), 2, KIDS(a, b), NULL);
  expect_text(cast(s, hand_struct(2, FIELDS(hand_field("b", qv_type_large_string()), hand_field("a", qv_type_int64()))),
                   true),
              "{b: \"x\", a: 1}|null|{b: null, a: 300}");
  expect_text(cast(s, hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("c", qv_type_float64()))),
                   true),
              "{a: 1, c: null}|null|{a: 300, c: null}");
  expect_cast_error(s, hand_struct(1, FIELDS(hand_field("a", qv_type_int8()))), true, QV_ERR_INVALID_DATA,
                    "field 'a': cast: row 2");
  qv_field *strict = NULL;
  qv_error e;
  hand_check(qv_field_new("c", qv_type_string(), false, NULL, &strict, &e), &e, "field");
  expect_cast_error(s, hand_struct(1, FIELDS(strict)), true, QV_ERR_TYPE, "non-nullable field 'c'");
  qv_array *tail = slice_of(qv_array_retain(s), 2, 1);
  expect_text(cast(tail, hand_struct(1, FIELDS(hand_field("a", qv_type_string()))), true), "{a: \"300\"}");
  qv_array_release(tail);
  qv_array_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(dictionary_encode_and_recode),
      cmocka_unit_test(list_casts),
      cmocka_unit_test(struct_casts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
