/* Tests for src/core/layout.c: the layout table against the layout written
 * out in include/quiver/type.h and against each type's own parameters, the
 * minimum sizes with their overflow edge, and every byte-swap rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/internal.h"
#include "core/layout.h"

static qv_field *field(const char *name, qv_type *t) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, t, true, NULL, &f, NULL), QV_OK);
  return f;
}

/* One type of every id (caller releases). */
static qv_type *type_of_id(qv_type_id id) {
  qv_type *t = qv_type_from_id(id);
  if (t != NULL) return t;
  qv_type *i32 = qv_type_int32();
  qv_field *kids[2] = {field("a", i32), field("b", qv_type_string())};
  switch (id) {
    case QV_TYPE_DECIMAL32: assert_int_equal(qv_type_decimal(32, 5, 0, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL64: assert_int_equal(qv_type_decimal(64, 5, 0, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL128: assert_int_equal(qv_type_decimal(128, 5, 0, &t, NULL), QV_OK); break;
    case QV_TYPE_DECIMAL256: assert_int_equal(qv_type_decimal(256, 5, 0, &t, NULL), QV_OK); break;
    case QV_TYPE_TIME32: assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &t, NULL), QV_OK); break;
    case QV_TYPE_TIME64: assert_int_equal(qv_type_time64(QV_UNIT_NANO, &t, NULL), QV_OK); break;
    case QV_TYPE_TIMESTAMP: assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &t, NULL), QV_OK); break;
    case QV_TYPE_DURATION: assert_int_equal(qv_type_duration(QV_UNIT_SECOND, &t, NULL), QV_OK); break;
    case QV_TYPE_FIXED_SIZE_BINARY: assert_int_equal(qv_type_fixed_size_binary(12, &t, NULL), QV_OK); break;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW: assert_int_equal(qv_type_list_of(id, i32, &t, NULL), QV_OK); break;
    case QV_TYPE_FIXED_SIZE_LIST: assert_int_equal(qv_type_fixed_size_list(kids[0], 3, &t, NULL), QV_OK); break;
    case QV_TYPE_STRUCT: assert_int_equal(qv_type_struct(kids, 2, &t, NULL), QV_OK); break;
    case QV_TYPE_MAP: assert_int_equal(qv_type_map(qv_type_string(), i32, false, &t, NULL), QV_OK); break;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: assert_int_equal(qv_type_union(id, kids, 2, NULL, &t, NULL), QV_OK); break;
    case QV_TYPE_DICTIONARY:
      assert_int_equal(qv_type_dictionary(qv_type_int16(), qv_type_string(), false, &t, NULL), QV_OK);
      break;
    case QV_TYPE_RUN_END_ENCODED:
      assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL), QV_OK);
      break;
    default: fail_msg("no type for id %d", id);
  }
  qv_field_release(kids[0]);
  qv_field_release(kids[1]);
  return t;
}

/* The buffer roles of every id, as include/quiver/type.h lays them out. */
static void test_roles_match_the_documented_layout(void **state) {
  (void)state;
  for (int id = 0; id < QV_TYPE_EXTENSION; id++) {
    qv_type *t = type_of_id((qv_type_id)id);
    const qv__layout *l = qv__layout_of(t);
    char want[4] = "", have[4] = "";
    switch (id) {
      case QV_TYPE_NULL: case QV_TYPE_RUN_END_ENCODED: break;
      case QV_TYPE_BOOL: strcpy(want, "VB"); break;
      case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING:
        strcpy(want, "VOD"); break;
      case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW: strcpy(want, "Vw"); break;
      case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_MAP: strcpy(want, "VO"); break;
      case QV_TYPE_LIST_VIEW: case QV_TYPE_LARGE_LIST_VIEW: strcpy(want, "Vos"); break;
      case QV_TYPE_FIXED_SIZE_LIST: case QV_TYPE_STRUCT: strcpy(want, "V"); break;
      case QV_TYPE_SPARSE_UNION: strcpy(want, "t"); break;
      case QV_TYPE_DENSE_UNION: strcpy(want, "tu"); break;
      default: strcpy(want, "Vx"); break; /* fixed width and dictionary indices */
    }
    static const char role_char[] = {'V', 'B', 'x', 'O', 'D', 'w', 'o', 's', 't', 'u'};
    for (int32_t i = 0; i < l->n_buffers; i++) have[i] = role_char[l->buffers[i].role];
    if (strcmp(want, have) != 0) fail_msg("%s: roles %s, expected %s", qv_type_id_name((qv_type_id)id), have, want);
    assert_int_equal(l->n_buffers, qv_type_num_buffers(t));
    assert_int_equal(l->variadic, id == QV_TYPE_BINARY_VIEW || id == QV_TYPE_STRING_VIEW);
    assert_int_equal(l->dictionary, id == QV_TYPE_DICTIONARY);
    assert_int_equal(qv_type_has_validity(t), l->nulls == QV__NULLS_BITMAP);
    assert_int_equal(qv_type_is_nested((qv_type_id)id), l->arity != QV__CHILDREN_NONE);
    assert_int_equal(l->arity == QV__CHILDREN_NONE, l->window == QV__WINDOW_NONE);
    if (l->arity != QV__CHILDREN_NONE) assert_int_equal(qv__layout_num_children(l, t), t->n_children);
    qv_type_release(t);
  }
}

/* Fixed-width values: the table's width is the type's bit width; offsets
 * are 4 bytes for the small layouts and 8 for the large ones. */
static void test_widths_match_the_types(void **state) {
  (void)state;
  for (int id = 0; id < QV_TYPE_EXTENSION; id++) {
    qv_type *t = type_of_id((qv_type_id)id);
    const qv__layout *l = qv__layout_of(t);
    for (int32_t i = 0; i < l->n_buffers; i++) {
      const qv__buffer_layout *b = &l->buffers[i];
      int32_t w = qv__layout_width(b, t);
      if (b->role == QV__BUF_VALUES) {
        if (w * 8 != t->bit_width) fail_msg("%s: width %d, bit_width %d", qv_type_id_name((qv_type_id)id), w, t->bit_width);
        assert_int_equal(qv__type_byte_width(t), w);
      }
      if (b->role == QV__BUF_OFFSETS || b->role == QV__BUF_LIST_OFFSETS || b->role == QV__BUF_LIST_SIZES) {
        bool large = id == QV_TYPE_LARGE_BINARY || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_LARGE_LIST ||
                     id == QV_TYPE_LARGE_LIST_VIEW;
        assert_int_equal(w, large ? 8 : 4);
        assert_int_equal(qv__layout_align(b, w), w);
      }
    }
    qv_type_release(t);
  }
}

static void test_extension_has_its_storage_layout(void **state) {
  (void)state;
  qv_type *fsb = NULL, *ext = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &ext, NULL), QV_OK);
  const qv__layout *l = qv__layout_of(ext);
  assert_ptr_equal(l, qv__layout_of(fsb));
  assert_int_equal(qv__layout_width(&l->buffers[1], qv_type_storage(ext)), 16);
  assert_int_equal(qv__layout_align(&l->buffers[1], 16), 8);
  assert_int_equal(qv__layout_swap(&l->buffers[1], 16), QV__SWAP_NONE);
  assert_ptr_equal(qv__layout_of(NULL), qv__layout_of(qv_type_null()));
  qv_type_release(ext);
  qv_type_release(fsb);
}

static void test_min_bytes_and_overflow(void **state) {
  (void)state;
  const qv__layout *str = qv__layout_of(qv_type_string());
  const qv__layout *boolean = qv__layout_of(qv_type_bool());
  int64_t n = -1;
  assert_true(qv__layout_min_bytes(&str->buffers[0], 0, 9, &n));
  assert_int_equal(n, 2);
  assert_true(qv__layout_min_bytes(&str->buffers[1], 4, 9, &n));
  assert_int_equal(n, 40);
  assert_true(qv__layout_min_bytes(&str->buffers[2], 0, 9, &n));
  assert_int_equal(n, 0);
  assert_true(qv__layout_min_bytes(&boolean->buffers[1], 0, 17, &n));
  assert_int_equal(n, 3);
  assert_false(qv__layout_min_bytes(&str->buffers[1], 4, INT64_MAX, &n));
  assert_true(qv__layout_min_bytes(&str->buffers[0], 0, INT64_MAX, &n)); /* a bitmap never overflows */
  assert_int_equal(n, INT64_MAX / 8 + 1);
  assert_false(qv__layout_min_bytes(&str->buffers[1], 8, INT64_MAX / 8, &n));
  assert_true(qv__layout_min_bytes(&str->buffers[1], 8, INT64_MAX / 8 - 1, &n));
  const qv__layout *i64 = qv__layout_of(qv_type_int64());
  assert_false(qv__layout_min_bytes(&i64->buffers[1], 8, INT64_MAX / 4, &n));
}

static void test_swap_rules(void **state) {
  (void)state;
  uint8_t src[32], dst[32];
  for (int i = 0; i < 32; i++) src[i] = (uint8_t)i;

  memset(dst, 0xAA, sizeof dst);
  qv__layout_swap_copy(dst, src, 10, QV__SWAP_ELEMENT, 4); /* two elements, 2 bytes left unwritten */
  const uint8_t want4[10] = {3, 2, 1, 0, 7, 6, 5, 4, 0xAA, 0xAA};
  assert_memory_equal(dst, want4, 10);

  qv__layout_swap_copy(dst, src, 32, QV__SWAP_ELEMENT, 16); /* decimal128 */
  for (int i = 0; i < 32; i++) assert_int_equal(dst[i], (i / 16) * 16 + 15 - i % 16);

  qv__layout_swap_copy(dst, src, 32, QV__SWAP_ELEMENT, 32); /* decimal256 */
  for (int i = 0; i < 32; i++) assert_int_equal(dst[i], 31 - i);

  qv__layout_swap_copy(dst, src, 16, QV__SWAP_DAY_TIME, 8);
  const uint8_t want_dt[16] = {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12};
  assert_memory_equal(dst, want_dt, 16);

  qv__layout_swap_copy(dst, src, 16, QV__SWAP_MONTH_DAY_NANO, 16);
  const uint8_t want_mdn[16] = {3, 2, 1, 0, 7, 6, 5, 4, 15, 14, 13, 12, 11, 10, 9, 8};
  assert_memory_equal(dst, want_mdn, 16);

  /* Views: an inline view (size 5, big-endian) keeps its 12 bytes; an
   * out-of-line one (size 20) swaps its buffer index and offset too. */
  uint8_t views[32] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 0,
                       0, 0, 0, 20, 'p', 'r', 'e', 'f', 0, 0, 0, 1, 0, 0, 1, 0};
  qv__layout_swap_copy(dst, views, 32, QV__SWAP_VIEW, QV_VIEW_SIZE);
  const uint8_t want_v[32] = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 0,
                              20, 0, 0, 0, 'p', 'r', 'e', 'f', 1, 0, 0, 0, 0, 1, 0, 0};
  assert_memory_equal(dst, want_v, 32);

  qv__layout_swap_copy(dst, src, 7, QV__SWAP_NONE, 0);
  assert_memory_equal(dst, src, 7);
  const qv__layout *i8 = qv__layout_of(qv_type_int8());
  assert_int_equal(qv__layout_swap(&i8->buffers[1], 1), QV__SWAP_NONE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roles_match_the_documented_layout),
      cmocka_unit_test(test_widths_match_the_types),
      cmocka_unit_test(test_extension_has_its_storage_layout),
      cmocka_unit_test(test_min_bytes_and_overflow),
      cmocka_unit_test(test_swap_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
