/* Tests for src/core/scalar.c: qv_array_get_scalar on every kind of value,
 * through dictionaries, run-end encoding and unions, with slices; and on
 * structurally valid arrays whose contents are broken (errors naming the
 * row, never an out-of-bounds read: run under ASan). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "quiver/scalar.h"
#include "support/hand.h"

static qv_scalar get(const qv_array *a, int64_t i) {
  qv_scalar s;
  qv_error e;
  hand_check(qv_array_get_scalar(a, i, &s, &e), &e, "get_scalar");
  return s;
}

static void numbers_and_nulls(void **state) {
  (void)state;
  qv_array *i32 = I32(7, -8, 9);
  qv_array *sl;
  assert_int_equal(qv_array_slice(i32, 1, 2, &sl, NULL), QV_OK);
  qv_scalar s = get(sl, 0);
  assert_int_equal(s.kind, QV_SCALAR_INT);
  assert_int_equal(s.value.i, -8);
  assert_ptr_equal(s.type, i32->type);
  qv_error e;
  assert_int_equal(qv_array_get_scalar(sl, 2, &s, &e), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_array_get_scalar(sl, -1, &s, &e), QV_ERR_OUT_OF_RANGE);

  uint8_t bits = 0x5; /* rows 0 and 2 valid */
  qv_array *u16 = hand_array(qv_type_uint16(), 3, 0, 1, 2, BUFS(hand_buf(&bits, 1), BUFV(uint16_t, 1, 2, 65535)), 0,
                             NULL, NULL);
  assert_int_equal(get(u16, 1).kind, QV_SCALAR_NULL);
  s = get(u16, 2);
  assert_int_equal(s.kind, QV_SCALAR_UINT);
  assert_int_equal(s.value.u, 65535);

  qv_array *h = hand_array(qv_type_float16(), 2, 0, 0, 2, BUFS(NULL, BUFV(uint16_t, 0x3C00, 0xC000)), 0, NULL, NULL);
  s = get(h, 1);
  assert_int_equal(s.kind, QV_SCALAR_FLOAT);
  assert_true(s.value.f == -2.0);
  qv_array *d = hand_array(qv_type_float64(), 1, 0, 0, 2, BUFS(NULL, BUFV(double, 2.5)), 0, NULL, NULL);
  assert_true(get(d, 0).value.f == 2.5);
  qv_array *b = hand_array(qv_type_bool(), 3, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 0x2)), 0, NULL, NULL);
  assert_int_equal(get(b, 1).kind, QV_SCALAR_BOOL);
  assert_true(get(b, 1).value.b);
  assert_false(get(b, 2).value.b);
  qv_array *dec = hand_array(hand_decimal(128, 10, 2), 1, 0, 0, 2, BUFS(NULL, BUFV(int64_t, -5, -1)), 0, NULL, NULL);
  s = get(dec, 0);
  assert_int_equal(s.kind, QV_SCALAR_DECIMAL);
  assert_int_equal((int64_t)s.value.decimal[0], -5);
  assert_int_equal(s.value.decimal[3], UINT64_MAX); /* sign-extended */
  qv_array *nul;
  assert_int_equal(qv_array_new_null(qv_type_null(), 2, &nul, NULL), QV_OK);
  assert_int_equal(get(nul, 1).kind, QV_SCALAR_NULL);
  qv_array *arrays[] = {i32, sl, u16, h, d, b, dec, nul};
  for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) qv_array_release(arrays[k]);
}

static void strings_lists_structs(void **state) {
  (void)state;
  const char *v[] = {"ada", NULL, "a string longer than twelve bytes"};
  qv_array *s = hand_strings(qv_type_string(), 3, v);
  qv_scalar x = get(s, 2);
  assert_int_equal(x.kind, QV_SCALAR_BYTES);
  assert_int_equal(x.value.bytes.size, (int64_t)strlen(v[2]));
  assert_memory_equal(x.value.bytes.data, v[2], strlen(v[2]));
  assert_int_equal(get(s, 1).kind, QV_SCALAR_NULL);

  qv_array *items = I32(1, 2, 3, 4);
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 2, 0, 0, 2,
                              BUFS(NULL, BUFV(int32_t, 0, 1, 4)), 1, KIDS(items), NULL);
  x = get(list, 1);
  assert_int_equal(x.kind, QV_SCALAR_LIST);
  assert_int_equal(x.value.list.start, 1);
  assert_int_equal(x.value.list.length, 3);
  assert_int_equal(get(x.value.list.child, x.value.list.start).value.i, 2);

  qv_field *f[] = {hand_field("n", qv_type_int32())};
  qv_array *col = I32(5, 6);
  qv_array *st = hand_array(hand_struct(1, f), 2, 0, 0, 1, BUFS(NULL), 1, KIDS(col), NULL);
  x = get(st, 1);
  assert_int_equal(x.kind, QV_SCALAR_STRUCT);
  assert_int_equal(x.value.row.index, 1);
  assert_int_equal(get(x.value.row.array->children[0], x.value.row.index).value.i, 6);
  qv_array_release(s);
  qv_array_release(list);
  qv_array_release(st);
}

static void encodings_resolve(void **state) {
  (void)state;
  const char *v[] = {"x", "y"};
  qv_array *dict = hand_strings(qv_type_string(), 2, v);
  qv_array *d = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 0, 2, BUFS(NULL, BUFV(int8_t, 1, 0, 1)),
                           0, NULL, dict);
  qv_scalar x = get(d, 0);
  assert_int_equal(x.kind, QV_SCALAR_BYTES);
  assert_memory_equal(x.value.bytes.data, "y", 1);
  assert_int_equal(x.type->id, QV_TYPE_STRING);

  qv_array *ends = I32(2, 5), *vals = I64(10, 20);
  qv_array *ree = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 5, 0, 0, 0, NULL, 2, KIDS(ends, vals), NULL);
  assert_int_equal(get(ree, 1).value.i, 10);
  assert_int_equal(get(ree, 2).value.i, 20);
  assert_int_equal(get(ree, 4).value.i, 20);

  qv_field *uf[] = {hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())};
  const char *sv[] = {"p", "q"};
  qv_array *ui = I32(1, 2), *us = hand_strings(qv_type_string(), 2, sv);
  qv_array *dense = hand_array(hand_union(QV_TYPE_DENSE_UNION, 2, uf, (const int8_t[]){0, 1}), 2, 0, 0, 2,
                               BUFS(BUFV(int8_t, 1, 0), BUFV(int32_t, 1, 0)), 2, KIDS(ui, us), NULL);
  x = get(dense, 0);
  assert_int_equal(x.kind, QV_SCALAR_BYTES);
  assert_memory_equal(x.value.bytes.data, "q", 1);
  assert_int_equal(get(dense, 1).value.i, 1);
  qv_array_release(d);
  qv_array_release(ree);
  qv_array_release(dense);
}

static void hostile_contents_are_errors(void **state) {
  (void)state;
  qv_error e;
  qv_scalar x;
  /* Offsets that go backwards and past the data (structurally valid). */
  qv_array *s = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 300, 5, 9), hand_buf("abcdefghi", 9)),
                           0, NULL, NULL);
  expect_valid(s, QV_VALIDATE_STRUCTURE);
  hand_expect(qv_array_get_scalar(s, 0, &x, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  hand_expect(qv_array_get_scalar(s, 1, &x, &e), &e, QV_ERR_INVALID_DATA, "row 1");
  assert_int_equal(get(s, 2).value.bytes.size, 4);
  /* Dictionary index past the dictionary. */
  const char *v[] = {"x"};
  qv_array *d = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 2, 0, 0, 2, BUFS(NULL, BUFV(int8_t, 0, 9)), 0,
                           NULL, hand_strings(qv_type_string(), 1, v));
  hand_expect(qv_array_get_scalar(d, 1, &x, &e), &e, QV_ERR_INVALID_DATA, "row 1: dictionary index");
  /* Run ends that go backwards: [5, 3, 10]. */
  qv_array *ree = hand_array(hand_ree(qv_type_int32(), qv_type_int64()), 10, 0, 0, 0, NULL, 2,
                             KIDS(I32(5, 3, 10), I64(1, 2, 3)), NULL);
  expect_valid(ree, QV_VALIDATE_STRUCTURE);
  hand_expect(qv_array_get_scalar(ree, 4, &x, &e), &e, QV_ERR_INVALID_DATA, "run ends");
  /* Undeclared union type code. */
  qv_field *uf[] = {hand_field("i", qv_type_int32())};
  qv_array *u = hand_array(hand_union(QV_TYPE_SPARSE_UNION, 1, uf, (const int8_t[]){0}), 2, 0, 0, 1,
                           BUFS(BUFV(int8_t, 0, 77)), 1, KIDS(I32(1, 2)), NULL);
  hand_expect(qv_array_get_scalar(u, 1, &x, &e), &e, QV_ERR_INVALID_DATA, "union");
  qv_array_release(s);
  qv_array_release(d);
  qv_array_release(ree);
  qv_array_release(u);
}

/* The typed single-value accessors of array.h agree with the scalar getter
 * for every primitive width, on a slice. */
static void typed_getters_every_width(void **state) {
  (void)state;
  qv_array *i8 = hand_array(qv_type_int8(), 2, 1, 0, 2, BUFS(NULL, BUFV(int8_t, 0, -1, -128)), 0, NULL, NULL);
  assert_int_equal(qv_array_int8_value(i8, 1), -128);
  assert_int_equal(get(i8, 1).value.i, -128);
  qv_array *i16 = hand_array(qv_type_int16(), 1, 0, 0, 2, BUFS(NULL, BUFV(int16_t, -300)), 0, NULL, NULL);
  assert_int_equal(qv_array_int16_value(i16, 0), -300);
  qv_array *u8 = hand_array(qv_type_uint8(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 255)), 0, NULL, NULL);
  assert_int_equal(qv_array_uint8_value(u8, 0), 255);
  qv_array *u32 = hand_array(qv_type_uint32(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint32_t, 4000000000u)), 0, NULL, NULL);
  assert_true(qv_array_uint32_value(u32, 0) == 4000000000u);
  assert_true(get(u32, 0).value.u == 4000000000u);
  qv_array *u64 = hand_array(qv_type_uint64(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint64_t, UINT64_MAX)), 0, NULL, NULL);
  assert_true(qv_array_uint64_value(u64, 0) == UINT64_MAX);
  qv_array *f32 = hand_array(qv_type_float32(), 1, 0, 0, 2, BUFS(NULL, BUFV(float, 1.5f)), 0, NULL, NULL);
  assert_true(qv_array_float32_value(f32, 0) == 1.5f);
  qv_array *f16 = hand_array(qv_type_float16(), 1, 0, 0, 2, BUFS(NULL, BUFV(uint16_t, 0x3C00)), 0, NULL, NULL);
  assert_int_equal(qv_array_float16_bits_value(f16, 0), 0x3C00);
  assert_true(get(f16, 0).value.f == 1.0);
  qv_array *all[] = {i8, i16, u8, u32, u64, f32, f16};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) qv_array_release(all[k]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers_and_nulls),
      cmocka_unit_test(strings_lists_structs),
      cmocka_unit_test(encodings_resolve),
      cmocka_unit_test(hostile_contents_are_errors),
      cmocka_unit_test(typed_getters_every_width),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
