/* Tests for src/builder/primitive.c and builder.c: fixed-width, bool, null,
 * temporal, decimal, interval and fixed_size_binary builders with and
 * without nulls and empty; exact buffers (no validity without nulls, zero
 * under nulls, cleared trailing bits), bulk appends, reuse after finish,
 * wrong-type errors, extension storage and allocation failures. */
#include "builder_test_util.h"

static void test_int32_no_nulls(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_int32());
  for (int32_t i = 0; i < 100; i++) APPEND_OK(b, qv_builder_append_int32(b, i * 3 - 7));
  assert_int_equal(qv_builder_length(b), 100);
  assert_null(b->validity_); /* no bitmap without nulls */
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 100);
  assert_int_equal(a->null_count, 0);
  assert_int_equal(a->n_buffers, 2);
  assert_null(a->buffers[0]);
  assert_int_equal(a->buffers[1]->size, 400);
  assert_int_equal((uintptr_t)a->buffers[1]->data % 64, 0);
  for (int32_t i = 0; i < 100; i++) assert_int_equal(qv_array_int32_value(a, i), i * 3 - 7);
  /* padding past the values is zero */
  for (int64_t i = a->buffers[1]->size; i < a->buffers[1]->capacity; i++) assert_int_equal(a->buffers[1]->data[i], 0);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_int32_with_nulls(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_int32());
  APPEND_OK(b, qv_builder_append_int32(b, 1));
  APPEND_OK(b, qv_builder_append_int32(b, 2));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_int32(b, 4));
  APPEND_OK(b, qv_builder_append_nulls(b, 3));
  APPEND_OK(b, qv_builder_append_int32(b, 8));
  APPEND_OK(b, qv_builder_append_empty(b));
  APPEND_OK(b, qv_builder_append_int32(b, 10));
  assert_int_equal(qv_builder_null_count(b), 4);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 10);
  assert_int_equal(a->null_count, 4);
  assert_non_null(a->buffers[0]);
  assert_int_equal(a->buffers[0]->size, 2);
  /* bits: 1 1 0 1 0 0 0 1 | 1 1 -> 0x8B, 0x03 (trailing bits clear) */
  assert_int_equal(a->buffers[0]->data[0], 0x8B);
  assert_int_equal(a->buffers[0]->data[1], 0x03);
  for (int64_t i = 2; i < a->buffers[0]->capacity; i++) assert_int_equal(a->buffers[0]->data[i], 0);
  const int32_t want[10] = {1, 2, 0, 4, 0, 0, 0, 8, 0, 10};
  assert_memory_equal(a->buffers[1]->data, want, sizeof want);
  assert_int_equal(qv_array_null_count(a), 4);
  assert_true(qv_array_is_null(a, 2));
  assert_true(qv_array_is_valid(a, 8));
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_empty_and_reuse(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_int64());
  qv_array *empty = finish_ok(b);
  assert_int_equal(empty->length, 0);
  assert_null(empty->buffers[0]);
  assert_non_null(empty->buffers[1]);
  assert_int_equal(empty->buffers[1]->size, 0);
  /* reuse: first array keeps its values when the builder goes on */
  APPEND_OK(b, qv_builder_append_int64(b, 5));
  APPEND_OK(b, qv_builder_append_null(b));
  qv_array *a1 = finish_ok(b);
  APPEND_OK(b, qv_builder_append_int64(b, 7));
  qv_array *a2 = finish_ok(b);
  assert_int_equal(a1->length, 2);
  assert_int_equal(a1->null_count, 1);
  assert_int_equal(qv_array_int64_value(a1, 0), 5);
  assert_int_equal(a2->length, 1);
  assert_int_equal(a2->null_count, 0);
  assert_null(a2->buffers[0]); /* the bitmap of the first round did not leak into the second */
  assert_int_equal(qv_array_int64_value(a2, 0), 7);
  assert_true(a1->buffers[1] != a2->buffers[1]);
  qv_array_release(empty);
  qv_array_release(a1);
  qv_array_release(a2);
  qv_builder_free(b);
}

/* Appends 0..n-1 (every 3rd null) through the typed append of each type. */
#define CHECK_TYPE(TYPE, APPEND, CTYPE, SCALE)                                       \
  do {                                                                                \
    qv_builder *b_ = new_builder(TYPE);                                               \
    for (int i_ = 0; i_ < 50; i_++) {                                                 \
      if (i_ % 3 == 2)                                                                \
        APPEND_OK(b_, qv_builder_append_null(b_));                                    \
      else                                                                            \
        APPEND_OK(b_, APPEND(b_, (CTYPE)((i_ + 1) * (SCALE))));                       \
    }                                                                                 \
    qv_array *a_ = finish_ok(b_);                                                     \
    assert_int_equal(a_->null_count, 16);                                             \
    assert_int_equal(a_->buffers[1]->size, 50 * (int64_t)sizeof(CTYPE));              \
    const CTYPE *v_ = (const CTYPE *)(const void *)a_->buffers[1]->data;              \
    for (int i_ = 0; i_ < 50; i_++) {                                                 \
      assert_true(valid_bit(a_, i_) == (i_ % 3 != 2));                                \
      assert_true(v_[i_] == (i_ % 3 == 2 ? (CTYPE)0 : (CTYPE)((i_ + 1) * (SCALE))));  \
    }                                                                                 \
    qv_array_release(a_);                                                             \
    qv_builder_free(b_);                                                              \
  } while (0)

static void test_every_primitive_type(void **state) {
  (void)state;
  CHECK_TYPE(qv_type_int8(), qv_builder_append_int8, int8_t, 1);
  CHECK_TYPE(qv_type_int16(), qv_builder_append_int16, int16_t, 1);
  CHECK_TYPE(qv_type_int32(), qv_builder_append_int32, int32_t, 1);
  CHECK_TYPE(qv_type_int64(), qv_builder_append_int64, int64_t, 1);
  CHECK_TYPE(qv_type_uint8(), qv_builder_append_uint8, uint8_t, 1);
  CHECK_TYPE(qv_type_uint16(), qv_builder_append_uint16, uint16_t, 1);
  CHECK_TYPE(qv_type_uint32(), qv_builder_append_uint32, uint32_t, 1);
  CHECK_TYPE(qv_type_uint64(), qv_builder_append_uint64, uint64_t, 1);
  CHECK_TYPE(qv_type_float16(), qv_builder_append_float16, uint16_t, 1);
  CHECK_TYPE(qv_type_float32(), qv_builder_append_float32, float, 1);
  CHECK_TYPE(qv_type_float64(), qv_builder_append_float64, double, 1);
  CHECK_TYPE(qv_type_date32(), qv_builder_append_int32, int32_t, 1);
  CHECK_TYPE(qv_type_interval_months(), qv_builder_append_int32, int32_t, 1);
  qv_type *t = NULL;
  CHECK_TYPE(qv_type_date64(), qv_builder_append_int64, int64_t, 86400000LL);
  assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &t, NULL), QV_OK);
  CHECK_TYPE(t, qv_builder_append_int32, int32_t, 1);
  qv_type_release(t);
  assert_int_equal(qv_type_time64(QV_UNIT_NANO, &t, NULL), QV_OK);
  CHECK_TYPE(t, qv_builder_append_int64, int64_t, 1);
  qv_type_release(t);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &t, NULL), QV_OK);
  CHECK_TYPE(t, qv_builder_append_int64, int64_t, 1);
  qv_type_release(t);
  assert_int_equal(qv_type_duration(QV_UNIT_SECOND, &t, NULL), QV_OK);
  CHECK_TYPE(t, qv_builder_append_int64, int64_t, 1);
  qv_type_release(t);
}

static void test_temporal_keeps_type(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_NANO, "+05:30", &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  APPEND_OK(b, qv_builder_append_int64(b, 1700000000000000000LL));
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  assert_true(qv_type_equals(a->type, t, true));
  assert_string_equal(a->type->timezone, "+05:30");
  assert_int_equal(qv_array_int64_value(a, 0), 1700000000000000000LL);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_wrong_type_appends(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_int32());
  assert_int_equal(qv_builder_append_int64(b, 1), QV_ERR_TYPE);
  assert_non_null(strstr(qv_builder_error(b)->message, "int64"));
  assert_non_null(strstr(qv_builder_error(b)->message, "int32"));
  assert_int_equal(qv_builder_append_uint32(b, 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_float32(b, 1.0f), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_bool(b, true), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_string(b, "x", -1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_binary(b, "x", 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_decimal_i64(b, 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_dictionary_value(b, "x", 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_finish_element(b), QV_ERR_TYPE);
  assert_int_equal(qv_builder_finish_union_element(b, 0), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_run(b, 1), QV_ERR_TYPE);
  qv_error err;
  assert_int_equal(qv_builder_append_binaries(b, (const int32_t[]){0, 1}, "x", 1, NULL, &err), QV_ERR_TYPE);
  assert_int_equal(qv_builder_length(b), 0); /* nothing was appended */
  qv_builder_free(b);

  b = new_builder(qv_type_string());
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_fixed(b, "abcd"), QV_ERR_TYPE);
  assert_int_equal(qv_builder_append_values(b, (const int32_t[]){1}, 1, NULL, &err), QV_ERR_TYPE);
  assert_int_equal(err.code, QV_ERR_TYPE);
  qv_builder_free(b);
}

static void test_bool(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_bool());
  const int pattern[11] = {1, 0, 1, 1, -1, 0, 1, 1, 1, -1, 1};
  for (int i = 0; i < 11; i++) {
    if (pattern[i] < 0)
      APPEND_OK(b, qv_builder_append_null(b));
    else
      APPEND_OK(b, qv_builder_append_bool(b, pattern[i] == 1));
  }
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 11);
  assert_int_equal(a->null_count, 2);
  assert_int_equal(a->buffers[1]->size, 2);
  /* values: 1 0 1 1 0 0 1 1 | 1 0 1 -> 0xCD, 0x05 (null slots false) */
  assert_int_equal(a->buffers[1]->data[0], 0xCD);
  assert_int_equal(a->buffers[1]->data[1], 0x05);
  /* validity: all but 4 and 9 -> 0xEF, 0x05 */
  assert_int_equal(a->buffers[0]->data[0], 0xEF);
  assert_int_equal(a->buffers[0]->data[1], 0x05);
  for (int i = 0; i < 11; i++)
    if (pattern[i] >= 0) assert_true(qv_array_bool_value(a, i) == (pattern[i] == 1));
  qv_array_release(a);

  /* bulk: bits 0..19 from a bitmap, with validity */
  const uint8_t bits[3] = {0xFF, 0x0F, 0x0A};
  const uint8_t valid[3] = {0x7F, 0xFF, 0x0F};
  qv_error err;
  APPEND_OK(b, qv_builder_append_bool(b, true));
  assert_int_equal(qv_builder_append_values(b, bits, 20, valid, &err), QV_OK);
  a = finish_ok(b);
  assert_int_equal(a->length, 21);
  assert_int_equal(a->null_count, 1);
  assert_false(valid_bit(a, 8)); /* source bit 7 */
  assert_false(qv_array_bool_value(a, 8)); /* zeroed under the null */
  for (int i = 0; i < 20; i++)
    if (i != 7) assert_true(qv_array_bool_value(a, i + 1) == qv_bit_get(bits, i));
  assert_int_equal(a->buffers[1]->data[2] & ~0x1F, 0); /* bits past 21 clear */
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_null_type(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_null());
  APPEND_OK(b, qv_builder_append_nulls(b, 5));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_empty(b));
  assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 7);
  assert_int_equal(a->null_count, 7);
  assert_int_equal(a->n_buffers, 0);
  qv_array_release(a);
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_decimals(void **state) {
  (void)state;
  const int32_t widths[4] = {32, 64, 128, 256};
  const int32_t precisions[4] = {9, 18, 38, 76};
  for (int w = 0; w < 4; w++) {
    qv_type *t = NULL;
    assert_int_equal(qv_type_decimal(widths[w], precisions[w], 2, &t, NULL), QV_OK);
    qv_builder *b = new_builder(t);
    APPEND_OK(b, qv_builder_append_decimal_i64(b, 12345));
    APPEND_OK(b, qv_builder_append_decimal_i64(b, -2));
    APPEND_OK(b, qv_builder_append_null(b));
    uint8_t raw[32];
    memset(raw, 0, sizeof raw);
    raw[0] = 7;
    APPEND_OK(b, qv_builder_append_fixed(b, raw));
    assert_int_equal(qv_builder_append_int32(b, 1), QV_ERR_TYPE);
    qv_array *a = finish_ok(b);
    int32_t bytes = widths[w] / 8;
    assert_int_equal(a->buffers[1]->size, 4 * bytes);
    uint64_t words[4];
    qv_array_decimal_value(a, 0, words);
    assert_int_equal((int64_t)words[0], 12345);
    qv_array_decimal_value(a, 1, words);
    assert_int_equal((int64_t)words[0], -2);
    /* sign extension fills every byte of the width */
    const uint8_t *neg = qv_array_fixed_value(a, 1);
    for (int32_t i = 1; i < bytes; i++) assert_int_equal(neg[i], 0xFF);
    const uint8_t *nul = qv_array_fixed_value(a, 2);
    for (int32_t i = 0; i < bytes; i++) assert_int_equal(nul[i], 0);
    qv_array_decimal_value(a, 3, words);
    assert_int_equal((int64_t)words[0], 7);
    qv_array_release(a);
    qv_builder_free(b);
    qv_type_release(t);
  }
  /* precision: decimal(3, 0) takes 999 but not 1000 */
  qv_type *t = NULL;
  assert_int_equal(qv_type_decimal(128, 3, 0, &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  APPEND_OK(b, qv_builder_append_decimal_i64(b, -999));
  assert_int_equal(qv_builder_append_decimal_i64(b, 1000), QV_ERR_OUT_OF_RANGE);
  assert_non_null(strstr(qv_builder_error(b)->message, "precision"));
  assert_int_equal(qv_builder_length(b), 1);
  qv_builder_free(b);
  qv_type_release(t);
}

static void test_fixed_size_binary_and_intervals(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_fixed_size_binary(3, &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  APPEND_OK(b, qv_builder_append_fixed(b, "abc"));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_fixed(b, "xyz"));
  APPEND_OK(b, qv_builder_append_empty(b));
  assert_int_equal(qv_builder_append_binary(b, "abc", 3), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->buffers[1]->size, 12);
  assert_memory_equal(a->buffers[1]->data, "abc\0\0\0xyz\0\0\0", 12);
  assert_int_equal(a->null_count, 1);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  /* width 0 */
  assert_int_equal(qv_type_fixed_size_binary(0, &t, NULL), QV_OK);
  b = new_builder(t);
  APPEND_OK(b, qv_builder_append_fixed(b, ""));
  APPEND_OK(b, qv_builder_append_null(b));
  a = finish_ok(b);
  assert_int_equal(a->length, 2);
  assert_int_equal(a->buffers[1]->size, 0);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  b = new_builder(qv_type_interval_day_time());
  const int32_t dt[2] = {3, -500};
  APPEND_OK(b, qv_builder_append_fixed(b, dt));
  APPEND_OK(b, qv_builder_append_null(b));
  a = finish_ok(b);
  assert_memory_equal(a->buffers[1]->data, dt, 8);
  qv_array_release(a);
  qv_builder_free(b);

  b = new_builder(qv_type_interval_month_day_nano());
  struct {
    int32_t months, days;
    int64_t nanos;
  } mdn = {1, 2, 3000000000LL};
  APPEND_OK(b, qv_builder_append_fixed(b, &mdn));
  a = finish_ok(b);
  assert_int_equal(a->buffers[1]->size, 16);
  assert_memory_equal(a->buffers[1]->data, &mdn, 16);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_bulk_values(void **state) {
  (void)state;
  enum { N = 10000 };
  int32_t *v = malloc(N * sizeof *v);
  uint8_t *valid = malloc(N / 8);
  for (int i = 0; i < N; i++) v[i] = i * 7 + 1;
  for (int i = 0; i < N / 8; i++) valid[i] = (uint8_t)(i % 5 == 0 ? 0xFF : 0xB7);
  qv_builder *b = new_builder(qv_type_int32());
  APPEND_OK(b, qv_builder_append_int32(b, -1));
  qv_error err;
  assert_int_equal(qv_builder_append_values(b, v, N, NULL, &err), QV_OK);
  assert_int_equal(qv_builder_append_values(b, v, N, valid, &err), QV_OK);
  /* fast appends after the bitmap exists and across growth stay valid */
  for (int i = 0; i < 3000; i++) APPEND_OK(b, qv_builder_append_int32(b, i));
  assert_int_equal(qv_builder_append_values(b, v, -1, NULL, &err), QV_ERR_INVALID_ARGUMENT);
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 1 + 2 * N + 3000);
  int64_t nulls = 0;
  for (int i = 0; i < N; i++) nulls += !qv_bit_get(valid, i);
  assert_int_equal(a->null_count, nulls);
  assert_int_equal(qv_array_int32_value(a, 0), -1);
  for (int i = 0; i < N; i++) {
    assert_int_equal(qv_array_int32_value(a, 1 + i), v[i]);
    assert_true(valid_bit(a, 1 + i));
    bool ok = qv_bit_get(valid, i);
    assert_true(valid_bit(a, 1 + N + i) == ok);
    assert_int_equal(qv_array_int32_value(a, 1 + N + i), ok ? v[i] : 0);
  }
  for (int i = 0; i < 3000; i++) {
    assert_true(valid_bit(a, 1 + 2 * N + i));
    assert_int_equal(qv_array_int32_value(a, 1 + 2 * N + i), i);
  }
  qv_array_release(a);
  qv_builder_free(b);
  free(v);
  free(valid);
}

static void test_null_first_then_growth(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_uint16());
  APPEND_OK(b, qv_builder_append_null(b));
  for (int i = 1; i < 5000; i++) APPEND_OK(b, qv_builder_append_uint16(b, (uint16_t)i));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->null_count, 1);
  assert_false(valid_bit(a, 0));
  for (int i = 1; i < 5000; i++) assert_true(valid_bit(a, i));
  assert_int_equal(qv_array_null_count(a), 1);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_reserve_keeps_fast_path(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_float64());
  qv_error err;
  assert_int_equal(qv_builder_reserve(b, 1000, &err), QV_OK);
  assert_true(b->capacity_ >= 1000);
  uint8_t *values = b->values_;
  for (int i = 0; i < 1000; i++) APPEND_OK(b, qv_builder_append_float64(b, i * 0.5));
  assert_ptr_equal(b->values_, values); /* no regrowth */
  assert_int_equal(qv_builder_reserve(b, -1, &err), QV_ERR_INVALID_ARGUMENT);
  qv_array *a = finish_ok(b);
  assert_true(qv_array_float64_value(a, 999) == 499.5);
  qv_array_release(a);
  qv_builder_free(b);
}

static void test_extension_storage(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_extension("arrow.bool8", "", 0, qv_type_int8(), &t, NULL), QV_OK);
  qv_builder *b = new_builder(t);
  assert_ptr_equal(qv_builder_type(b), t);
  APPEND_OK(b, qv_builder_append_int8(b, 1));
  APPEND_OK(b, qv_builder_append_null(b));
  APPEND_OK(b, qv_builder_append_int8(b, 0));
  assert_int_equal(qv_builder_append_bool(b, true), QV_ERR_TYPE);
  qv_array *a = finish_ok(b);
  assert_ptr_equal(a->type, t);
  assert_int_equal(a->null_count, 1);
  assert_int_equal(qv_array_values_int8(a)[0], 1);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);

  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &t, NULL), QV_OK);
  b = new_builder(t);
  APPEND_OK(b, qv_builder_append_fixed(b, "0123456789abcdef"));
  a = finish_ok(b);
  assert_memory_equal(qv_array_fixed_value(a, 0), "0123456789abcdef", 16);
  qv_array_release(a);
  qv_builder_free(b);
  qv_type_release(t);
  qv_type_release(fsb);
}

static void test_many_values(void **state) {
  (void)state;
  qv_builder *b = new_builder(qv_type_int32());
  for (int32_t i = 0; i < 1000000; i++) APPEND_OK(b, qv_builder_append_int32(b, i ^ 0x5555));
  qv_array *a = finish_ok(b);
  assert_int_equal(a->length, 1000000);
  for (int32_t i = 0; i < 1000000; i += 997) assert_int_equal(qv_array_int32_value(a, i), i ^ 0x5555);
  qv_array_release(a);
  qv_builder_free(b);
}

static qv_status scenario_int32(const qv_allocator *alloc) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  qv_status st = qv_builder_new(qv_type_int32(), alloc, &b, NULL);
  if (st != QV_OK) return st;
  for (int i = 0; i < 300 && st == QV_OK; i++) st = (i % 7 == 3) ? qv_builder_append_null(b) : qv_builder_append_int32(b, i);
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) {
    assert_int_equal(a->length, 300);
    for (int i = 0; i < 300; i++) assert_int_equal(qv_array_int32_value(a, i), i % 7 == 3 ? 0 : i);
  }
  qv_array_release(a);
  qv_builder_free(b);
  return st;
}

static qv_status scenario_bool_bulk(const qv_allocator *alloc) {
  qv_builder *b = NULL;
  qv_array *a = NULL;
  const uint8_t bits[16] = {0xAA, 0x55, 0xF0};
  const uint8_t valid[16] = {0xFE, 0xFF, 0x0F};
  qv_status st = qv_builder_new(qv_type_bool(), alloc, &b, NULL);
  if (st == QV_OK) st = qv_builder_append_values(b, bits, 100, valid, NULL);
  if (st == QV_OK) st = qv_builder_append_bool(b, true);
  if (st == QV_OK) st = qv_builder_finish(b, &a, NULL);
  if (st == QV_OK) assert_int_equal(a->length, 101);
  qv_array_release(a);
  qv_builder_free(b);
  return st;
}

static void test_allocation_failures(void **state) {
  (void)state;
  assert_true(run_alloc_failures(scenario_int32) >= 2);
  assert_true(run_alloc_failures(scenario_bool_bulk) >= 2);
}

static void test_new_errors(void **state) {
  (void)state;
  qv_builder *b = NULL;
  qv_error err;
  assert_int_equal(qv_builder_new(NULL, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_builder_new(qv_type_int32(), NULL, NULL, &err), QV_ERR_INVALID_ARGUMENT);
  qv_builder_free(NULL);
  b = new_builder(qv_type_int32());
  qv_array *a = NULL;
  assert_int_equal(qv_builder_finish(b, NULL, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_builder_append_nulls(b, -1), QV_ERR_INVALID_ARGUMENT);
  APPEND_OK(b, qv_builder_append_nulls(b, 0));
  APPEND_OK(b, qv_builder_append_int32(b, 3));
  qv_builder_reset(b);
  assert_int_equal(qv_builder_length(b), 0);
  a = finish_ok(b);
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  assert_null(qv_builder_child(b, 0));
  assert_int_equal(qv_builder_num_children(b), 0);
  qv_builder_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int32_no_nulls),
      cmocka_unit_test(test_int32_with_nulls),
      cmocka_unit_test(test_empty_and_reuse),
      cmocka_unit_test(test_every_primitive_type),
      cmocka_unit_test(test_temporal_keeps_type),
      cmocka_unit_test(test_wrong_type_appends),
      cmocka_unit_test(test_bool),
      cmocka_unit_test(test_null_type),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_fixed_size_binary_and_intervals),
      cmocka_unit_test(test_bulk_values),
      cmocka_unit_test(test_null_first_then_growth),
      cmocka_unit_test(test_reserve_keeps_fast_path),
      cmocka_unit_test(test_extension_storage),
      cmocka_unit_test(test_many_values),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_new_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
