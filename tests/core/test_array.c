/* Tests for src/core/array*.c: arrays assembled by hand from buffers for
 * every layout, count checks with their messages, slices of slices, lazy
 * null counts, every accessor of array.h, foreign release through arrays
 * and slices, and qv_array_new_null for every type. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/internal.h"

static qv_buffer *B(const void *p, int64_t n) {
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_copy_from(NULL, p, n, &b, NULL), QV_OK);
  return b;
}

/* Builds an array and gives up the caller's references to bufs, kids, dict
 * and type (so tests can write everything inline). */
static qv_array *mk(qv_type *type, int64_t length, int64_t null_count, int32_t nb, qv_buffer **bufs, int32_t nk,
                    qv_array **kids, qv_array *dict) {
  qv_array *a = NULL;
  qv_error err;
  qv_status st = qv_array_new(type, length, 0, null_count, nb, bufs, nk, kids, dict, &a, &err);
  if (st != QV_OK) fail_msg("qv_array_new: %s", err.message);
  for (int32_t i = 0; i < nb; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; i < nk; i++) qv_array_release(kids[i]);
  qv_array_release(dict);
  qv_type_release(type);
  return a;
}

static qv_array *slice(qv_array *a, int64_t off, int64_t len) {
  qv_array *s = NULL;
  assert_int_equal(qv_array_slice(a, off, len, &s, NULL), QV_OK);
  return s;
}

static qv_array *int32_array(const int32_t *v, int64_t n, const uint8_t *validity) {
  qv_buffer *bufs[2] = {validity ? B(validity, qv_bitmap_bytes(n)) : NULL, B(v, n * 4)};
  return mk(qv_type_int32(), n, QV_NULL_COUNT_UNKNOWN, 2, bufs, 0, NULL, NULL);
}

static qv_array *string_array(const char *const *s, int64_t n) {
  int32_t offs[16] = {0};
  char data[256];
  for (int64_t i = 0; i < n; i++) {
    size_t l = strlen(s[i]);
    memcpy(data + offs[i], s[i], l);
    offs[i + 1] = offs[i] + (int32_t)l;
  }
  qv_buffer *bufs[3] = {NULL, B(offs, (n + 1) * 4), B(data, offs[n])};
  return mk(qv_type_string(), n, 0, 3, bufs, 0, NULL, NULL);
}

/* Empty buffers may be absent (array.h, "Empty buffers"): a NULL entry or a
 * qv_buffer with NULL data. The typed views must give a usable, non-NULL
 * address for both, so an empty loop does no arithmetic on NULL. */
static void test_absent_empty_buffers(void **state) {
  (void)state;
  qv_buffer *bufs[2] = {NULL, NULL};
  qv_array *absent = mk(qv_type_int64(), 0, 0, 2, bufs, 0, NULL, NULL);
  assert_non_null(qv_array_values_int64(absent));
  assert_non_null(qv_array_values_float64(absent));
  assert_null(qv_array_buffer_data(absent, 1));
  assert_null(qv_array_buffer_data(absent, 7));
  assert_null(qv_array_buffer_data(absent, -1));
  qv_buffer *nodata = NULL;
  assert_int_equal(qv_buffer_wrap(NULL, 0, NULL, NULL, &nodata, NULL), QV_OK);
  qv_buffer *bufs2[2] = {NULL, nodata};
  qv_array *empty = mk(qv_type_int32(), 0, 0, 2, bufs2, 0, NULL, NULL);
  assert_non_null(qv_array_values_int32(empty));
  assert_true(((uintptr_t)qv_array_values_int32(empty) % 8) == 0);
  qv_array *slice = NULL;
  assert_int_equal(qv_array_slice(empty, 0, 0, &slice, NULL), QV_OK);
  assert_non_null(qv_array_values_int32(slice));
  /* binary with an absent data buffer: every value is empty */
  int32_t offs[3] = {0, 0, 0};
  qv_buffer *bbufs[3] = {NULL, B(offs, sizeof offs), NULL};
  qv_array *bin = mk(qv_type_string(), 2, 0, 3, bbufs, 0, NULL, NULL);
  int64_t len = -1;
  assert_non_null(qv_array_binary_value(bin, 1, &len));
  assert_int_equal(len, 0);
  qv_array_release(bin);
  qv_array_release(slice);
  qv_array_release(empty);
  qv_array_release(absent);
}

static void test_primitive_and_slices(void **state) {
  (void)state;
  const int32_t v[6] = {10, 11, 12, 13, 14, 15};
  const uint8_t valid = 0x2D; /* 1,0,1,1,0,1 */
  qv_array *a = int32_array(v, 6, &valid);
  assert_int_equal(a->null_count, QV_NULL_COUNT_UNKNOWN);
  assert_ptr_equal(a->validity_, a->buffers[0]->data);
  assert_int_equal(qv_array_null_count(a), 2);
  assert_int_equal(a->null_count, 2); /* cached */
  assert_true(qv_array_is_valid(a, 0));
  assert_true(qv_array_is_null(a, 1));
  assert_false(qv_array_is_valid_any(a, 4));
  assert_int_equal(qv_array_int32_value(a, 5), 15);
  assert_int_equal(qv_array_values_int32(a)[2], 12);
  assert_int_equal(qv_buffer_refcount(a->buffers[1]), 1);

  qv_array *s = slice(a, 1, 4); /* 11(null) 12 13 14(null) */
  assert_int_equal(s->offset, 1);
  assert_int_equal(s->length, 4);
  assert_ptr_equal(s->buffers[1], a->buffers[1]);
  assert_int_equal(qv_buffer_refcount(a->buffers[1]), 2);
  assert_int_equal(s->null_count, QV_NULL_COUNT_UNKNOWN);
  assert_int_equal(qv_array_null_count(s), 2);
  assert_int_equal(qv_array_int32_value(s, 0), 11);
  assert_true(qv_array_is_null(s, 0));

  qv_array *ss = slice(s, 1, 2); /* 12 13 */
  assert_int_equal(ss->offset, 2);
  assert_int_equal(qv_array_int32_value(ss, 0), 12);
  assert_int_equal(qv_array_int32_value(ss, 1), 13);
  assert_int_equal(qv_array_null_count(ss), 0);
  qv_array *empty = slice(ss, 2, 0);
  assert_int_equal(empty->null_count, 0);
  qv_array_release(empty);

  qv_error err;
  qv_array *bad = NULL;
  assert_int_equal(qv_array_slice(ss, 1, 2, &bad, &err), QV_ERR_OUT_OF_RANGE);
  assert_string_equal(err.message, "slice [1, 1 + 2) is outside an array of length 2");
  assert_int_equal(qv_array_slice(ss, -1, 1, &bad, &err), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_array_slice(ss, 1, INT64_MAX, &bad, &err), QV_ERR_OUT_OF_RANGE);
  assert_null(bad);

  qv_array_release(a);
  assert_int_equal(qv_array_int32_value(ss, 1), 13); /* slices keep buffers alive */
  qv_array_release(s);
  qv_array_release(ss);

  /* no validity buffer: all valid */
  qv_array *nv = int32_array(v, 6, NULL);
  assert_null(nv->validity_);
  assert_int_equal(qv_array_null_count(nv), 0);
  assert_true(qv_array_is_valid(nv, 3));
  qv_array *nvs = slice(nv, 2, 3);
  assert_int_equal(nvs->null_count, 0);
  qv_array_release(nv);
  qv_array_release(nvs);
}

static void test_all_null_slices(void **state) {
  (void)state;
  const int32_t v[4] = {0};
  const uint8_t none = 0;
  qv_buffer *bufs[2] = {B(&none, 1), B(v, 16)};
  qv_array *a = mk(qv_type_int32(), 4, 4, 2, bufs, 0, NULL, NULL);
  qv_array *s = slice(a, 1, 2);
  assert_int_equal(s->null_count, 2);
  qv_array_release(a);
  qv_array_release(s);
}

typedef struct counter {
  int calls;
} counter;
static void on_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  ((counter *)ctx)->calls++;
}

static void test_foreign_release_through_slices(void **state) {
  (void)state;
  static const int64_t vals[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  counter c = {0};
  qv_buffer *w = NULL, *view = NULL;
  assert_int_equal(qv_buffer_wrap(vals, sizeof vals, on_release, &c, &w, NULL), QV_OK);
  assert_int_equal(qv_buffer_view(w, 16, 48, &view, NULL), QV_OK); /* values 3..8 */
  qv_buffer_release(w);
  qv_buffer *bufs[2] = {NULL, view};
  qv_array *a = mk(qv_type_int64(), 6, 0, 2, bufs, 0, NULL, NULL);
  qv_array *s1 = slice(a, 2, 4);
  qv_array *s2 = slice(s1, 1, 2);
  assert_int_equal(qv_array_int64_value(s2, 0), 6);
  qv_array_release(a);
  qv_array_release(s1);
  assert_int_equal(c.calls, 0);
  assert_int_equal(qv_array_int64_value(s2, 1), 7);
  qv_array_release(s2);
  assert_int_equal(c.calls, 1);
}

static void test_count_checks(void **state) {
  (void)state;
  qv_error err;
  qv_array *a = NULL;
  qv_buffer *b = B("abcdefgh", 8);
  qv_buffer *three[3] = {NULL, b, b};
  assert_int_equal(qv_array_new(qv_type_int32(), 2, 0, 0, 3, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "int32 array needs 2 buffers, got 3");
  assert_int_equal(qv_array_new(qv_type_string_view(), 0, 0, 0, 1, three, 0, NULL, NULL, &a, &err),
                   QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "string_view array needs at least 2 buffers, got 1");
  assert_int_equal(qv_array_new(qv_type_int32(), -1, 0, 0, 2, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "int32 array: bad length -1 / offset 0");
  assert_int_equal(qv_array_new(qv_type_int32(), 1, -3, 0, 2, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_array_new(qv_type_int32(), 1, 0, -2, 2, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "int32 array: bad null count -2");
  assert_int_equal(qv_array_new(qv_type_int32(), 1, 0, 0, 2, NULL, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);

  qv_type *lt = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_int32(), &lt, NULL), QV_OK);
  assert_int_equal(qv_array_new(lt, 0, 0, 0, 2, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "list<item: int32> array needs 1 children, got 0");
  qv_array *kids[1] = {NULL};
  assert_int_equal(qv_array_new(lt, 0, 0, 0, 2, three, 1, kids, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "list<item: int32> array: child 0 is NULL");
  qv_type_release(lt);

  qv_type *dt = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &dt, NULL), QV_OK);
  assert_int_equal(qv_array_new(dt, 0, 0, 0, 2, three, 0, NULL, NULL, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message,
                      "dictionary<values=string, indices=int8, ordered=0> array: dictionary type needs a dictionary "
                      "(values) array");
  qv_type_release(dt);
  qv_array *other = NULL;
  assert_int_equal(qv_array_new_null(qv_type_int32(), 1, &other, NULL), QV_OK);
  assert_int_equal(qv_array_new(qv_type_int32(), 1, 0, 0, 2, three, 0, NULL, other, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_string_equal(err.message, "int32 array: only dictionary arrays take a dictionary");
  assert_null(a);
  qv_array_release(other);
  qv_buffer_release(b);
}

static void test_bool_and_fixed(void **state) {
  (void)state;
  const uint8_t bits = 0x05; /* 1,0,1,0 */
  qv_buffer *bufs[2] = {NULL, B(&bits, 1)};
  qv_array *a = mk(qv_type_bool(), 4, 0, 2, bufs, 0, NULL, NULL);
  qv_array *s = slice(a, 1, 3);
  assert_false(qv_array_bool_value(s, 0));
  assert_true(qv_array_bool_value(s, 1));
  qv_array_release(a);
  qv_array_release(s);

  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(3, &fsb, NULL), QV_OK);
  qv_buffer *fb[2] = {NULL, B("abcdefghi", 9)};
  a = mk(fsb, 3, 0, 2, fb, 0, NULL, NULL);
  s = slice(a, 1, 2);
  int64_t len = 0;
  const uint8_t *p = qv_array_bytes_value(s, 1, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(p, "ghi", 3);
  assert_memory_equal(qv_array_fixed_value(s, 0), "def", 3);
  qv_array_release(a);
  qv_array_release(s);
  /* non-binary layouts have no bytes */
  a = qv_array_retain(NULL);
  assert_int_equal(qv_array_new_null(qv_type_int32(), 2, &a, NULL), QV_OK);
  assert_null(qv_array_bytes_value(a, 0, &len));
  assert_int_equal(len, 0);
  qv_array_release(a);

  /* float64 */
  const double d[3] = {1.5, 2.5, -3.0};
  qv_buffer *db[2] = {NULL, B(d, sizeof d)};
  a = mk(qv_type_float64(), 3, 0, 2, db, 0, NULL, NULL);
  s = slice(a, 2, 1);
  assert_true(qv_array_float64_value(s, 0) == -3.0);
  assert_true(qv_array_values_float64(a)[1] == 2.5);
  qv_array_release(a);
  qv_array_release(s);
}

static void test_decimals(void **state) {
  (void)state;
  uint64_t w[4];
  qv_type *t = NULL;
  const int32_t d32[2] = {5, -5};
  assert_int_equal(qv_type_decimal(32, 9, 2, &t, NULL), QV_OK);
  qv_buffer *b1[2] = {NULL, B(d32, 8)};
  qv_array *a = mk(t, 2, 0, 2, b1, 0, NULL, NULL);
  qv_array_decimal_value(a, 1, w);
  assert_true((int64_t)w[0] == -5);
  assert_true(w[1] == UINT64_MAX && w[3] == UINT64_MAX);
  qv_array_decimal_value(a, 0, w);
  assert_true(w[0] == 5 && w[1] == 0 && w[3] == 0);
  qv_array_release(a);

  const int64_t d64[2] = {-7, 123456789012345};
  assert_int_equal(qv_type_decimal(64, 18, 2, &t, NULL), QV_OK);
  qv_buffer *b2[2] = {NULL, B(d64, 16)};
  a = mk(t, 2, 0, 2, b2, 0, NULL, NULL);
  qv_array_decimal_value(a, 0, w);
  assert_true((int64_t)w[0] == -7 && w[2] == UINT64_MAX);
  qv_array_decimal_value(a, 1, w);
  assert_true(w[0] == 123456789012345ull && w[1] == 0);
  qv_array_release(a);

  const uint64_t d128[4] = {1, 2, UINT64_MAX - 1, UINT64_MAX}; /* 2^64*2+1 and -2 */
  assert_int_equal(qv_type_decimal(128, 38, 0, &t, NULL), QV_OK);
  qv_buffer *b3[2] = {NULL, B(d128, 32)};
  a = mk(t, 2, 0, 2, b3, 0, NULL, NULL);
  qv_array *s = slice(a, 1, 1);
  qv_array_decimal_value(a, 0, w);
  assert_true(w[0] == 1 && w[1] == 2 && w[2] == 0 && w[3] == 0);
  qv_array_decimal_value(s, 0, w);
  assert_true(w[0] == UINT64_MAX - 1 && w[1] == UINT64_MAX && w[2] == UINT64_MAX);
  qv_array_release(a);
  qv_array_release(s);

  const uint64_t d256[4] = {9, 8, 7, 6};
  assert_int_equal(qv_type_decimal(256, 76, 0, &t, NULL), QV_OK);
  qv_buffer *b4[2] = {NULL, B(d256, 32)};
  a = mk(t, 1, 0, 2, b4, 0, NULL, NULL);
  qv_array_decimal_value(a, 0, w);
  assert_memory_equal(w, d256, 32);
  qv_array_release(a);
}

static void test_binary_layouts(void **state) {
  (void)state;
  const char *strs[4] = {"", "hello", "x", "world!"};
  qv_array *a = string_array(strs, 4);
  qv_array *s = slice(a, 1, 3);
  int64_t len;
  const uint8_t *p = qv_array_binary_value(s, 0, &len);
  assert_int_equal(len, 5);
  assert_memory_equal(p, "hello", 5);
  p = qv_array_bytes_value(s, 2, &len);
  assert_int_equal(len, 6);
  assert_memory_equal(p, "world!", 6);
  p = qv_array_bytes_value(a, 0, &len);
  assert_int_equal(len, 0);
  qv_array_release(a);
  qv_array_release(s);

  const int64_t loffs[3] = {0, 3, 7};
  qv_buffer *lb[3] = {NULL, B(loffs, 24), B("abcdefg", 7)};
  a = mk(qv_type_large_binary(), 2, 0, 3, lb, 0, NULL, NULL);
  p = qv_array_large_binary_value(a, 1, &len);
  assert_int_equal(len, 4);
  assert_memory_equal(p, "defg", 4);
  p = qv_array_bytes_value(a, 0, &len);
  assert_int_equal(len, 3);
  qv_array_release(a);

  /* string_view: one inline view and one referencing variadic buffer 1 */
  qv_view views[2];
  memset(views, 0, sizeof views);
  views[0].inlined.size = 5;
  memcpy(views[0].inlined.data, "short", 5);
  views[1].ref.size = 20;
  memcpy(views[1].ref.prefix, "a lo", 4);
  views[1].ref.buffer_index = 1;
  views[1].ref.offset = 3;
  qv_buffer *vb[4] = {NULL, B(views, 32), B("unused", 6), B("xxxa long string here!!", 23)};
  a = mk(qv_type_string_view(), 2, 0, 4, vb, 0, NULL, NULL);
  assert_int_equal(a->n_buffers, 4);
  p = qv_array_view_value(a, 0, &len);
  assert_int_equal(len, 5);
  assert_memory_equal(p, "short", 5);
  s = slice(a, 1, 1);
  p = qv_array_bytes_value(s, 0, &len);
  assert_int_equal(len, 20);
  assert_memory_equal(p, "a long string here!!", 20);
  qv_array_release(a);
  qv_array_release(s);
}

static void test_lists(void **state) {
  (void)state;
  int64_t start, len;
  const int32_t child_v[6] = {1, 2, 3, 4, 5, 6};
  const int32_t offs[4] = {0, 2, 2, 5};
  const uint8_t valid = 0x05; /* slot 1 null */
  qv_type *t = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_int32(), &t, NULL), QV_OK);
  qv_buffer *b[2] = {B(&valid, 1), B(offs, 16)};
  qv_array *kids[1] = {int32_array(child_v, 6, NULL)};
  qv_array *a = mk(t, 3, QV_NULL_COUNT_UNKNOWN, 2, b, 1, kids, NULL);
  assert_int_equal(qv_array_null_count(a), 1);
  qv_array_list_range(a, 2, &start, &len);
  assert_int_equal(start, 2);
  assert_int_equal(len, 3);
  qv_array *s = slice(a, 1, 2);
  assert_ptr_equal(s->children[0], a->children[0]);
  qv_array_list_range(s, 0, &start, &len);
  assert_int_equal(len, 0);
  assert_false(qv_array_is_valid_any(s, 0));
  assert_true(qv_array_is_valid_any(s, 1));
  qv_array_release(a);
  qv_array_release(s);

  const int64_t loffs[3] = {1, 4, 6};
  assert_int_equal(qv_type_list_of(QV_TYPE_LARGE_LIST, qv_type_int32(), &t, NULL), QV_OK);
  qv_buffer *lb[2] = {NULL, B(loffs, 24)};
  qv_array *lk[1] = {int32_array(child_v, 6, NULL)};
  a = mk(t, 2, 0, 2, lb, 1, lk, NULL);
  qv_array_list_range(a, 1, &start, &len);
  assert_int_equal(start, 4);
  assert_int_equal(len, 2);
  qv_array_release(a);

  const int32_t vo[3] = {4, 0, 2}, vs[3] = {2, 3, 0};
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST_VIEW, qv_type_int32(), &t, NULL), QV_OK);
  qv_buffer *vb[3] = {NULL, B(vo, 12), B(vs, 12)};
  qv_array *vk[1] = {int32_array(child_v, 6, NULL)};
  a = mk(t, 3, 0, 3, vb, 1, vk, NULL);
  s = slice(a, 1, 2);
  qv_array_list_range(s, 0, &start, &len);
  assert_int_equal(start, 0);
  assert_int_equal(len, 3);
  qv_array_list_range(a, 0, &start, &len);
  assert_int_equal(start, 4);
  assert_int_equal(len, 2);
  qv_array_release(a);
  qv_array_release(s);

  const int64_t lvo[2] = {5, 1}, lvs[2] = {1, 4};
  assert_int_equal(qv_type_list_of(QV_TYPE_LARGE_LIST_VIEW, qv_type_int32(), &t, NULL), QV_OK);
  qv_buffer *lvb[3] = {NULL, B(lvo, 16), B(lvs, 16)};
  qv_array *lvk[1] = {int32_array(child_v, 6, NULL)};
  a = mk(t, 2, 0, 3, lvb, 1, lvk, NULL);
  qv_array_list_range(a, 1, &start, &len);
  assert_int_equal(start, 1);
  assert_int_equal(len, 4);
  qv_array_release(a);

  /* fixed_size_list<3>: child index scales with the parent's offset */
  qv_field *item = NULL;
  assert_int_equal(qv_field_new("item", qv_type_int32(), true, NULL, &item, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_list(item, 3, &t, NULL), QV_OK);
  qv_field_release(item);
  qv_buffer *fb[1] = {NULL};
  qv_array *fk[1] = {int32_array(child_v, 6, NULL)};
  a = mk(t, 2, 0, 1, fb, 1, fk, NULL);
  s = slice(a, 1, 1);
  qv_array_list_range(s, 0, &start, &len);
  assert_int_equal(start, 3);
  assert_int_equal(len, 3);
  assert_int_equal(qv_array_values_int32(s->children[0])[start], 4);
  qv_array_release(a);
  qv_array_release(s);

  /* map<string, int32> with one entry per slot */
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &t, NULL), QV_OK);
  const char *keys[3] = {"a", "b", "c"};
  qv_array *skids[2] = {string_array(keys, 3), int32_array(child_v, 3, NULL)};
  qv_buffer *sb[1] = {NULL};
  qv_type *entries_t = qv_type_retain(t->children[0]->type);
  qv_array *entries = mk(entries_t, 3, 0, 1, sb, 2, skids, NULL);
  const int32_t moffs[3] = {0, 1, 3};
  qv_buffer *mb[2] = {NULL, B(moffs, 12)};
  qv_array *mk_kids[1] = {entries};
  a = mk(t, 2, 0, 2, mb, 1, mk_kids, NULL);
  qv_array_list_range(a, 1, &start, &len);
  assert_int_equal(start, 1);
  assert_int_equal(len, 2);
  qv_array_release(a);
}

static qv_type *two_field_type(qv_type_id id, const int8_t *codes) {
  qv_field *f[2] = {NULL, NULL};
  assert_int_equal(qv_field_new("i", qv_type_int32(), true, NULL, &f[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("s", qv_type_string(), true, NULL, &f[1], NULL), QV_OK);
  qv_type *t = NULL;
  if (id == QV_TYPE_STRUCT)
    assert_int_equal(qv_type_struct(f, 2, &t, NULL), QV_OK);
  else
    assert_int_equal(qv_type_union(id, f, 2, codes, &t, NULL), QV_OK);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  return t;
}

static void test_struct_and_unions(void **state) {
  (void)state;
  const int32_t iv[4] = {1, 2, 3, 4};
  const uint8_t ivalid = 0x0B; /* 1,1,0,1 */
  const char *sv[4] = {"w", "x", "y", "z"};

  /* struct with its own validity (slot 0 null) */
  const uint8_t svalid = 0x0E;
  qv_buffer *b[1] = {B(&svalid, 1)};
  qv_array *kids[2] = {int32_array(iv, 4, &ivalid), string_array(sv, 4)};
  qv_array *a = mk(two_field_type(QV_TYPE_STRUCT, NULL), 4, QV_NULL_COUNT_UNKNOWN, 1, b, 2, kids, NULL);
  assert_int_equal(qv_array_null_count(a), 1);
  qv_array *s = slice(a, 2, 2);
  assert_int_equal(qv_array_null_count(s), 0);
  assert_ptr_equal(s->children[1], a->children[1]);
  qv_array_release(a);
  qv_array_release(s);

  /* sparse union, codes {3, 9}: slots i, s, i, s */
  const int8_t codes[2] = {3, 9};
  const int8_t ids[4] = {3, 9, 3, 9};
  qv_buffer *ub[1] = {B(ids, 4)};
  qv_array *ukids[2] = {int32_array(iv, 4, &ivalid), string_array(sv, 4)};
  a = mk(two_field_type(QV_TYPE_SPARSE_UNION, codes), 4, QV_NULL_COUNT_UNKNOWN, 1, ub, 2, ukids, NULL);
  assert_int_equal(a->null_count, 0);
  assert_null(a->validity_);
  assert_int_equal(qv_array_null_count(a), 0);
  assert_int_equal(qv_array_union_type_code(a, 1), 9);
  assert_true(qv_array_is_valid_any(a, 0));
  assert_false(qv_array_is_valid_any(a, 2)); /* int child slot 2 is null */
  s = slice(a, 2, 2);
  assert_int_equal(qv_array_union_type_code(s, 0), 3);
  assert_int_equal(qv_array_union_child_offset(s, 0), 2);
  assert_false(qv_array_is_valid_any(s, 0));
  assert_true(qv_array_is_valid_any(s, 1));
  assert_int_equal(qv_array_null_count(s), 0);
  qv_array_release(a);
  qv_array_release(s);

  /* dense union: slots -> (i,0) (s,1) (i,2) (s,0) */
  const int8_t dids[4] = {3, 9, 3, 9};
  const int32_t doffs[4] = {0, 1, 2, 0};
  qv_buffer *db[2] = {B(dids, 4), B(doffs, 16)};
  qv_array *dkids[2] = {int32_array(iv, 3, &ivalid), string_array(sv, 2)};
  a = mk(two_field_type(QV_TYPE_DENSE_UNION, codes), 4, QV_NULL_COUNT_UNKNOWN, 2, db, 2, dkids, NULL);
  s = slice(a, 1, 3);
  assert_int_equal(qv_array_union_child_offset(s, 0), 1);
  assert_int_equal(qv_array_union_child_offset(s, 1), 2);
  assert_int_equal(qv_array_union_type_code(s, 2), 9);
  assert_false(qv_array_is_valid_any(s, 1)); /* int child slot 2 is null */
  assert_true(qv_array_is_valid_any(s, 2));
  qv_array_release(a);
  qv_array_release(s);
}

static void test_run_end_encoded(void **state) {
  (void)state;
  /* logical: a a n n n b  (run ends 2, 5, 6; values "a", null, "b") */
  qv_type *t = NULL;
  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL), QV_OK);
  const int32_t ends[3] = {2, 5, 6};
  const int32_t voffs[4] = {0, 1, 1, 2};
  const uint8_t vvalid = 0x05;
  qv_buffer *eb[2] = {NULL, B(ends, 12)};
  qv_array *ends_a = mk(qv_type_int32(), 3, 0, 2, eb, 0, NULL, NULL);
  qv_buffer *vb[3] = {B(&vvalid, 1), B(voffs, 16), B("ab", 2)};
  qv_array *vals = mk(qv_type_string(), 3, QV_NULL_COUNT_UNKNOWN, 3, vb, 0, NULL, NULL);
  qv_array *kids[2] = {ends_a, vals};
  qv_array *a = mk(t, 6, QV_NULL_COUNT_UNKNOWN, 0, NULL, 2, kids, NULL);
  assert_int_equal(a->null_count, 0);
  assert_int_equal(qv_array_null_count(a), 0);
  const int64_t want[6] = {0, 0, 1, 1, 1, 2};
  for (int64_t i = 0; i < 6; i++) {
    assert_int_equal(qv_array_ree_physical_index(a, i), want[i]);
    assert_true(qv_array_is_valid_any(a, i) == (want[i] != 1));
  }
  qv_array *s = slice(a, 3, 3);
  assert_int_equal(qv_array_ree_physical_index(s, 0), 1);
  assert_int_equal(qv_array_ree_physical_index(s, 2), 2);
  assert_true(qv_array_is_valid_any(s, 2));
  qv_array *ss = slice(s, 1, 1);
  assert_int_equal(ss->offset, 4);
  assert_int_equal(qv_array_ree_physical_index(ss, 0), 1);
  qv_array_release(a);
  qv_array_release(s);
  qv_array_release(ss);
}

static void test_dictionary(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &t, NULL), QV_OK);
  const char *words[2] = {"red", "green"};
  qv_array *dict = string_array(words, 2);
  const int8_t idx[4] = {1, 0, -1, 1};
  const uint8_t valid = 0x0B;
  qv_buffer *b[2] = {B(&valid, 1), B(idx, 4)};
  qv_array *a = mk(t, 4, QV_NULL_COUNT_UNKNOWN, 2, b, 0, NULL, dict);
  assert_int_equal(qv_array_null_count(a), 1);
  assert_int_equal(qv_array_dictionary_index(a, 0), 1);
  assert_int_equal(qv_array_dictionary_index(a, 2), -1);
  assert_false(qv_array_is_valid_any(a, 2));
  qv_array *s = slice(a, 3, 1);
  assert_ptr_equal(s->dictionary, a->dictionary);
  int64_t len;
  const uint8_t *p = qv_array_bytes_value(s->dictionary, qv_array_dictionary_index(s, 0), &len);
  assert_memory_equal(p, "green", 5);
  qv_array_release(a);
  qv_array_release(s);

  /* unsigned 16-bit indices read as unsigned */
  assert_int_equal(qv_type_dictionary(qv_type_uint16(), qv_type_string(), true, &t, NULL), QV_OK);
  const uint16_t uidx[2] = {0, 65535};
  qv_buffer *ub[2] = {NULL, B(uidx, 4)};
  a = mk(t, 2, 0, 2, ub, 0, NULL, string_array(words, 2));
  assert_int_equal(qv_array_dictionary_index(a, 1), 65535);
  qv_array_release(a);
}

static void test_extension_array(void **state) {
  (void)state;
  qv_type *fsb = NULL, *t = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &t, NULL), QV_OK);
  qv_type_release(fsb);
  uint8_t raw[32];
  for (int i = 0; i < 32; i++) raw[i] = (uint8_t)i;
  const uint8_t valid = 0x02;
  qv_buffer *b[2] = {B(&valid, 1), B(raw, 32)};
  qv_array *a = mk(t, 2, QV_NULL_COUNT_UNKNOWN, 2, b, 0, NULL, NULL);
  assert_int_equal(a->type->id, QV_TYPE_EXTENSION);
  assert_non_null(a->validity_);
  assert_int_equal(qv_array_null_count(a), 1);
  assert_memory_equal(qv_array_fixed_value(a, 1), raw + 16, 16);
  int64_t len;
  assert_ptr_equal(qv_array_bytes_value(a, 1, &len), qv_array_fixed_value(a, 1));
  assert_int_equal(len, 16);
  qv_array_release(a);
}

static void test_null_type(void **state) {
  (void)state;
  qv_array *a = mk(qv_type_null(), 5, QV_NULL_COUNT_UNKNOWN, 0, NULL, 0, NULL, NULL);
  assert_int_equal(a->null_count, 5);
  assert_true(a->null_layout_);
  assert_false(qv_array_is_valid(a, 0));
  assert_false(qv_array_is_valid_any(a, 4));
  qv_array *s = slice(a, 1, 2);
  assert_int_equal(s->null_count, 2);
  assert_int_equal(qv_array_null_count(s), 2);
  qv_array_release(a);
  qv_array_release(s);
}

/* Recursively checks the structure qv_array_new_null promises. */
static void check_null_shape(const qv_array *a) {
  const qv_type *s = qv_type_storage(a->type);
  int32_t nb = qv_type_num_buffers(s);
  if (s->id == QV_TYPE_BINARY_VIEW || s->id == QV_TYPE_STRING_VIEW)
    assert_true(a->n_buffers >= nb);
  else
    assert_int_equal(a->n_buffers, nb);
  for (int32_t i = 0; i < a->n_buffers; i++) {
    assert_non_null(a->buffers[i]);
    assert_int_equal((uintptr_t)a->buffers[i]->data % 64, 0);
  }
  for (int64_t i = 0; i < a->length; i++) assert_false(qv_array_is_valid_any(a, i));
  switch (s->id) {
    case QV_TYPE_STRUCT:
    case QV_TYPE_SPARSE_UNION:
      for (int32_t i = 0; i < a->n_children; i++) assert_int_equal(a->children[i]->length, a->length);
      break;
    case QV_TYPE_FIXED_SIZE_LIST:
      assert_int_equal(a->children[0]->length, a->length * s->list_size);
      break;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_MAP:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
      assert_int_equal(a->children[0]->length, 0);
      for (int64_t i = 0; i < a->length; i++) {
        int64_t st, len;
        qv_array_list_range(a, i, &st, &len);
        assert_int_equal(st, 0);
        assert_int_equal(len, 0);
      }
      break;
    case QV_TYPE_DENSE_UNION:
      assert_int_equal(a->children[0]->length, a->length > 0 ? 1 : 0);
      for (int32_t i = 1; i < a->n_children; i++) assert_int_equal(a->children[i]->length, 0);
      break;
    case QV_TYPE_RUN_END_ENCODED:
      assert_int_equal(a->children[0]->length, a->length > 0 ? 1 : 0);
      assert_int_equal(a->children[1]->length, a->length > 0 ? 1 : 0);
      break;
    case QV_TYPE_DICTIONARY:
      assert_non_null(a->dictionary);
      assert_int_equal(a->dictionary->length, 0);
      break;
    default:
      break;
  }
  if (qv_type_has_validity(s)) assert_int_equal(qv_array_null_count(a), a->length);
  if (s->id == QV_TYPE_NULL) assert_int_equal(qv_array_null_count(a), a->length);
  for (int32_t i = 0; i < a->n_children; i++)
    if (s->id != QV_TYPE_RUN_END_ENCODED || i == 1) check_null_shape(a->children[i]);
}

static void test_new_null_every_type(void **state) {
  (void)state;
  qv_type *types[64];
  int n = 0;
  for (int id = 0; id < QV_TYPE_ID_COUNT; id++)
    if (qv_type_from_id((qv_type_id)id)) types[n++] = qv_type_from_id((qv_type_id)id);
  qv_type *t = NULL;
  assert_int_equal(qv_type_decimal(32, 5, 1, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_decimal(128, 5, 1, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_decimal(256, 50, 1, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_time64(QV_UNIT_NANO, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_duration(QV_UNIT_SECOND, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_fixed_size_binary(7, &t, NULL), QV_OK), types[n++] = t;
  for (int id = QV_TYPE_LIST; id <= QV_TYPE_LARGE_LIST_VIEW; id++)
    assert_int_equal(qv_type_list_of((qv_type_id)id, qv_type_string(), &t, NULL), QV_OK), types[n++] = t;
  qv_field *item = NULL;
  assert_int_equal(qv_field_new("item", qv_type_int16(), true, NULL, &item, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_list(item, 3, &t, NULL), QV_OK), types[n++] = t;
  qv_field_release(item);
  types[n++] = two_field_type(QV_TYPE_STRUCT, NULL);
  const int8_t codes[2] = {4, 2};
  types[n++] = two_field_type(QV_TYPE_SPARSE_UNION, codes);
  types[n++] = two_field_type(QV_TYPE_DENSE_UNION, codes);
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_float64(), true, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_dictionary(qv_type_int16(), qv_type_string(), false, &t, NULL), QV_OK), types[n++] = t;
  assert_int_equal(qv_type_run_end_encoded(qv_type_int16(), qv_type_float32(), &t, NULL), QV_OK), types[n++] = t;
  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &t, NULL), QV_OK), types[n++] = t;
  qv_type_release(fsb);
  assert_true(n <= 64);

  for (int i = 0; i < n; i++) {
    for (int64_t len = 0; len <= 9; len += 9) {
      qv_array *a = NULL;
      qv_error err;
      if (qv_array_new_null(types[i], len, &a, &err) != QV_OK) fail_msg("new_null: %s", err.message);
      assert_int_equal(a->length, len);
      assert_ptr_equal(a->type, types[i]);
      check_null_shape(a);
      qv_array_release(a);
    }
    qv_type_release(types[i]);
  }
}

static void test_new_null_special_cases(void **state) {
  (void)state;
  qv_type *t = NULL;
  qv_array *a = NULL;
  qv_error err;
  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL), QV_OK);
  assert_int_equal(qv_array_new_null(t, 1000, &a, NULL), QV_OK);
  assert_int_equal(qv_array_values_int32(a->children[0])[0], 1000);
  assert_int_equal(qv_array_ree_physical_index(a, 999), 0);
  qv_array_release(a);
  qv_type_release(t);

  assert_int_equal(qv_type_run_end_encoded(qv_type_int16(), qv_type_string(), &t, NULL), QV_OK);
  assert_int_equal(qv_array_new_null(t, 40000, &a, &err), QV_ERR_OVERFLOW);
  assert_non_null(strstr(err.message, "40000"));
  qv_type_release(t);

  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, NULL, 0, NULL, &t, NULL), QV_OK);
  assert_int_equal(qv_array_new_null(t, 0, &a, NULL), QV_OK);
  qv_array_release(a);
  assert_int_equal(qv_array_new_null(t, 3, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_null(a);
  qv_type_release(t);

  assert_int_equal(qv_array_new_null(qv_type_int64(), -1, &a, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_array_new_null(qv_type_int64(), INT64_MAX / 2, &a, &err), QV_ERR_OVERFLOW);

  /* dense union slots all point at child 0 slot 0 */
  const int8_t codes[2] = {4, 2};
  t = two_field_type(QV_TYPE_DENSE_UNION, codes);
  assert_int_equal(qv_array_new_null(t, 5, &a, NULL), QV_OK);
  for (int64_t i = 0; i < 5; i++) {
    assert_int_equal(qv_array_union_type_code(a, i), 4);
    assert_int_equal(qv_array_union_child_offset(a, i), 0);
  }
  qv_array_release(a);
  qv_type_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitive_and_slices),
      cmocka_unit_test(test_all_null_slices),
      cmocka_unit_test(test_foreign_release_through_slices),
      cmocka_unit_test(test_count_checks),
      cmocka_unit_test(test_bool_and_fixed),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_binary_layouts),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_struct_and_unions),
      cmocka_unit_test(test_run_end_encoded),
      cmocka_unit_test(test_dictionary),
      cmocka_unit_test(test_extension_array),
      cmocka_unit_test(test_null_type),
      cmocka_unit_test(test_new_null_every_type),
      cmocka_unit_test(test_new_null_special_cases),
      cmocka_unit_test(test_absent_empty_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
