/* Tests for src/compare: logical equality ignores offsets, padding, bytes
 * under nulls, bitmap presence and view buffer layout; slices equal freshly
 * built arrays; each kind of difference is found by qv_array_diff with the
 * row, path and both values; batches and tables (across batch boundaries).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "quiver/builder.h"
#include "support/hand.h"

static void expect_equal(const qv_array *a, const qv_array *b) {
  qv_error e;
  qv_status st = qv_array_diff(a, b, &e);
  if (st != QV_OK) {
    fprintf(stderr, "expected equal, diff says: %s\n", e.message);
    fail();
  }
  assert_true(qv_array_equals(a, b));
  assert_true(qv_array_equals(b, a));
}

static void expect_diff(const qv_array *a, const qv_array *b, const char *needle) {
  qv_error e;
  assert_false(qv_array_equals(a, b));
  hand_expect(qv_array_diff(a, b, &e), &e, QV_ERR_INVALID_DATA, needle);
}

static qv_array *slice(qv_array *a, int64_t off, int64_t len) {
  qv_array *s = NULL;
  assert_int_equal(qv_array_slice(a, off, len, &s, NULL), QV_OK);
  return s;
}

static void test_primitive_layout_independence(void **state) {
  (void)state;
  /* garbage under a null, bitmap present vs absent, offset vs none */
  qv_array *a = hand_array(qv_type_int32(), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 1, 99, 3)), 0, NULL, NULL);
  qv_array *b = hand_array(qv_type_int32(), 3, 2, 1, 2, BUFS(BUFV(uint8_t, 0x14), BUFV(int32_t, 7, 7, 1, -5, 3)), 0,
                           NULL, NULL);
  expect_equal(a, b);
  qv_array *c = hand_array(qv_type_int32(), 2, 0, 0, 2, BUFS(BUFV(uint8_t, 0xFF), BUFV(int32_t, 1, 2)), 0, NULL, NULL);
  qv_array *d = I32(1, 2);
  expect_equal(c, d);
  qv_array_release(a);
  qv_array_release(b);
  qv_array_release(c);
  qv_array_release(d);
  /* bools at different bit offsets */
  a = hand_array(qv_type_bool(), 3, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 0x05)), 0, NULL, NULL);
  b = hand_array(qv_type_bool(), 3, 5, 0, 2, BUFS(NULL, BUFV(uint8_t, 0xA0, 0x00)), 0, NULL, NULL);
  expect_equal(a, b);
  qv_array_release(a);
  qv_array_release(b);
  /* null arrays */
  a = hand_array(qv_type_null(), 4, 0, 4, 0, NULL, 0, NULL, NULL);
  b = hand_array(qv_type_null(), 4, 3, 4, 0, NULL, 0, NULL, NULL);
  expect_equal(a, b);
  qv_array_release(a);
  qv_array_release(b);
}

static void test_slices_equal_fresh_arrays(void **state) {
  (void)state;
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(qv_type_string(), NULL, &b, NULL), QV_OK);
  const char *vals[] = {"alpha", NULL, "gamma", "delta", NULL, "zeta"};
  for (int i = 0; i < 6; i++)
    assert_int_equal(vals[i] ? qv_builder_append_string(b, vals[i], -1) : qv_builder_append_null(b), QV_OK);
  qv_array *full = NULL;
  assert_int_equal(qv_builder_finish(b, &full, NULL), QV_OK);
  for (int off = 0; off <= 6; off++) {
    for (int len = 0; off + len <= 6; len++) {
      for (int i = 0; i < len; i++)
        assert_int_equal(vals[off + i] ? qv_builder_append_string(b, vals[off + i], -1) : qv_builder_append_null(b),
                         QV_OK);
      qv_array *fresh = NULL, *s = slice(full, off, len);
      assert_int_equal(qv_builder_finish(b, &fresh, NULL), QV_OK);
      expect_equal(s, fresh);
      qv_array_release(s);
      qv_array_release(fresh);
    }
  }
  qv_builder_free(b);
  qv_array_release(full);
}

static void test_binary_layouts(void **state) {
  (void)state;
  /* offsets not starting at 0, non-empty range under a null */
  qv_array *a = STRS("ab", NULL, "cde");
  qv_array *b = hand_array(qv_type_string(), 3, 0, 1, 3, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 3, 5, 9, 12),
                                                              hand_buf("xxxabJUNKcde", 12)),
                           0, NULL, NULL);
  expect_equal(a, b);
  qv_array_release(b);
  b = STRS("ab", NULL, "cdf");
  expect_diff(a, b, "arrays differ at row 2, [2]: left \"cde\", right \"cdf\"");
  qv_array_release(b);
  b = STRS("ab", "", "cde");
  expect_diff(a, b, "arrays differ at row 1, [1]: left null, right \"\"");
  qv_array_release(b);
  qv_array_release(a);

  /* views: the same strings inline/out-of-line in different buffers */
  qv_builder *vb = NULL;
  assert_int_equal(qv_builder_new(qv_type_binary_view(), NULL, &vb, NULL), QV_OK);
  assert_int_equal(qv_builder_append_binary(vb, "short", 5), QV_OK);
  assert_int_equal(qv_builder_append_binary(vb, "a value of twenty bytes", 23), QV_OK);
  qv_array *v1 = NULL;
  assert_int_equal(qv_builder_finish(vb, &v1, NULL), QV_OK);
  qv_builder_free(vb);
  const char *pool = "PADDINGa value of twenty bytes";
  qv_view views[2];
  memset(views, 0, sizeof views);
  views[0].inlined.size = 5;
  memcpy(views[0].inlined.data, "short", 5);
  views[1].ref.size = 23;
  memcpy(views[1].ref.prefix, "a va", 4);
  views[1].ref.buffer_index = 1;
  views[1].ref.offset = 7;
  qv_array *v2 = hand_array(qv_type_binary_view(), 2, 0, 0, 4,
                            BUFS(NULL, hand_buf(views, 32), hand_buf("unused", 6), hand_buf(pool, 30)), 0, NULL, NULL);
  expect_valid(v2, QV_VALIDATE_FULL);
  expect_equal(v1, v2);
  qv_array_release(v1);
  qv_array_release(v2);

  /* fixed-size binary and decimals by bytes */
  qv_type *f1 = NULL, *f2 = NULL;
  assert_int_equal(qv_type_fixed_size_binary(2, &f1, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_binary(2, &f2, NULL), QV_OK);
  a = hand_array(f1, 2, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 1, 2, 3, 4)), 0, NULL, NULL);
  b = hand_array(f2, 2, 1, 0, 2, BUFS(NULL, BUFV(uint8_t, 9, 9, 1, 2, 3, 5)), 0, NULL, NULL);
  expect_diff(a, b, "row 1, [1]: left 0304, right 0305");
  qv_array_release(a);
  qv_array_release(b);
}

static void test_floats(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_float64(), 3, 0, 0, 2, BUFS(NULL, BUFV(double, 1.5, NAN, 0.0)), 0, NULL, NULL);
  qv_array *b = hand_array(qv_type_float64(), 3, 0, 0, 2, BUFS(NULL, BUFV(double, 1.5, NAN, -0.0)), 0, NULL, NULL);
  expect_diff(a, b, "arrays differ at row 1, [1]: left nan, right nan");
  const qv_equal_options nan_eq = {true, false};
  assert_true(qv_array_equals_opts(a, b, &nan_eq));
  qv_error e;
  assert_int_equal(qv_array_diff_opts(a, b, &nan_eq, &e), QV_OK);
  qv_array_release(a);
  qv_array_release(b);
  a = hand_array(qv_type_float32(), 2, 0, 0, 2, BUFS(NULL, BUFV(float, 1.0f, 2.0f)), 0, NULL, NULL);
  b = hand_array(qv_type_float32(), 2, 0, 0, 2, BUFS(NULL, BUFV(float, 1.0f, 2.5f)), 0, NULL, NULL);
  expect_diff(a, b, "row 1, [1]: left 2, right 2.5");
  qv_array_release(a);
  qv_array_release(b);
  /* float16: +0 == -0, NaN payloads */
  a = hand_array(qv_type_float16(), 2, 0, 0, 2, BUFS(NULL, BUFV(uint16_t, 0x0000, 0x7E00)), 0, NULL, NULL);
  b = hand_array(qv_type_float16(), 2, 0, 0, 2, BUFS(NULL, BUFV(uint16_t, 0x8000, 0x7E01)), 0, NULL, NULL);
  assert_false(qv_array_equals(a, b));
  assert_true(qv_array_equals_opts(a, b, &nan_eq));
  qv_array_release(a);
  qv_array_release(b);
}

static void test_types_and_lengths(void **state) {
  (void)state;
  qv_array *a = I32(1, 2, 3), *b = I64(1, 2, 3), *c = I32(1, 2);
  expect_diff(a, b, "types differ: left int32, right int64");
  expect_diff(a, c, "lengths differ: left 3, right 2");
  qv_error e;
  hand_expect(qv_array_diff(a, NULL, &e), &e, QV_ERR_INVALID_DATA, "right array is NULL");
  assert_true(qv_array_equals(NULL, NULL));
  assert_false(qv_array_equals(a, NULL));
  /* an invalid array never equals anything, not even itself */
  qv_array *bad = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 1)), 0, NULL, NULL);
  expect_diff(bad, bad, "left array is invalid: int32 array: values buffer too small");
  qv_array_release(bad);
  qv_array_release(a);
  qv_array_release(b);
  qv_array_release(c);
}

static void test_nested_differences(void **state) {
  (void)state;
  /* list<int32>: element difference, length difference, garbage under nulls */
  qv_type *lt = hand_list(QV_TYPE_LIST, qv_type_int32());
  qv_array *a = hand_array(qv_type_retain(lt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 2, 2, 4)), 1,
                           KIDS(I32(1, 2, 3, 4)), NULL);
  qv_array *b = hand_array(qv_type_retain(lt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 1, 3, 6, 8)), 1,
                           KIDS(I32(0, 1, 2, 66, 66, 66, 3, 4)), NULL);
  expect_equal(a, b);
  qv_array_release(b);
  b = hand_array(qv_type_retain(lt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 2, 2, 4)), 1,
                 KIDS(I32(1, 2, 3, 9)), NULL);
  expect_diff(a, b, "arrays differ at row 2, [2][1]: left 4, right 9");
  qv_array_release(b);
  b = hand_array(qv_type_retain(lt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 2, 2, 5)), 1,
                 KIDS(I32(1, 2, 3, 4, 5)), NULL);
  expect_diff(a, b, "arrays differ at row 2, [2]: list lengths differ (2 vs 3): left [3,4], right [3,4,5]");
  qv_array_release(b);
  /* a list view with the same logical values (unordered child ranges) */
  qv_type *lvt = hand_list(QV_TYPE_LIST_VIEW, qv_type_int32());
  qv_array *lv1 = hand_array(qv_type_retain(lvt), 3, 0, 1, 3,
                             BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 2, 0, 0), BUFV(int32_t, 2, 4, 2)), 1,
                             KIDS(I32(3, 4, 1, 2)), NULL);
  qv_array *lv2 = hand_array(lvt, 3, 0, 1, 3, BUFS(BUFV(uint8_t, 5), BUFV(int32_t, 0, 0, 2), BUFV(int32_t, 2, 0, 2)), 1,
                             KIDS(I32(1, 2, 3, 4)), NULL);
  expect_equal(lv1, lv2);
  qv_array_release(lv1);
  qv_array_release(lv2);
  qv_array_release(a);
  qv_type_release(lt);

  /* struct: child bytes under a null parent slot don't matter; field paths */
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  a = hand_array(qv_type_retain(st), 2, 0, 1, 1, BUFS(BUFV(uint8_t, 1)), 2, KIDS(I32(1, 2), STRS("x", "y")), NULL);
  b = hand_array(qv_type_retain(st), 2, 0, 1, 1, BUFS(BUFV(uint8_t, 1)), 2, KIDS(I32(1, 7), STRS("x", NULL)), NULL);
  expect_equal(a, b);
  qv_array_release(b);
  b = hand_array(qv_type_retain(st), 2, 0, 1, 1, BUFS(BUFV(uint8_t, 1)), 2, KIDS(I32(1, 2), STRS("z", "y")), NULL);
  expect_diff(a, b, "arrays differ at row 0, [0].b: left \"x\", right \"z\"");
  qv_array_release(b);
  /* the earliest row wins across fields */
  qv_array *c = hand_array(qv_type_retain(st), 2, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2), STRS("x", "y")), NULL);
  qv_array *d = hand_array(st, 2, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 3), STRS("q", "y")), NULL);
  expect_diff(c, d, "arrays differ at row 0, [0].b: left \"x\", right \"q\"");
  qv_array_release(c);
  qv_array_release(d);
  /* a struct slice vs a fresh struct */
  qv_array *s = slice(a, 0, 1);
  qv_type *st1 = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  b = hand_array(st1, 1, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1), STRS("x")), NULL);
  expect_equal(s, b);
  qv_array_release(s);
  qv_array_release(b);
  qv_array_release(a);
}

static void test_unions(void **state) {
  (void)state;
  qv_type *su = hand_union(QV_TYPE_SPARSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           NULL);
  qv_array *a = hand_array(qv_type_retain(su), 2, 0, 0, 1, BUFS(BUFV(int8_t, 0, 1)), 2,
                           KIDS(I32(5, 123), STRS("garbage", "x")), NULL);
  qv_array *b = hand_array(qv_type_retain(su), 2, 0, 0, 1, BUFS(BUFV(int8_t, 0, 1)), 2,
                           KIDS(I32(5, 0), STRS(NULL, "x")), NULL);
  expect_equal(a, b);
  qv_array_release(b);
  b = hand_array(qv_type_retain(su), 2, 0, 0, 1, BUFS(BUFV(int8_t, 0, 0)), 2, KIDS(I32(5, 0), STRS(NULL, "x")), NULL);
  expect_diff(a, b, "arrays differ at row 1, [1]: union type codes differ (1 vs 0): left \"x\", right 0");
  qv_array_release(b);
  b = hand_array(su, 2, 0, 0, 1, BUFS(BUFV(int8_t, 0, 1)), 2, KIDS(I32(5, 0), STRS(NULL, "y")), NULL);
  expect_diff(a, b, "arrays differ at row 1, [1].s: left \"x\", right \"y\"");
  qv_array_release(b);
  qv_array_release(a);
  /* dense: different child layouts, same values */
  qv_type *du = hand_union(QV_TYPE_DENSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           NULL);
  a = hand_array(qv_type_retain(du), 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1, 0), BUFV(int32_t, 0, 0, 1)), 2,
                 KIDS(I32(1, 2), STRS("a")), NULL);
  b = hand_array(du, 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1, 0), BUFV(int32_t, 2, 1, 0)), 2, KIDS(I32(2, 9, 1), STRS("z", "a")),
                 NULL);
  expect_equal(a, b);
  qv_array_release(a);
  qv_array_release(b);
}

static void test_dictionaries(void **state) {
  (void)state;
  qv_type *dt = hand_dict(qv_type_int8(), qv_type_string());
  qv_array *a = hand_array(qv_type_retain(dt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 0, 0)), 0, NULL,
                           STRS("a", "b"));
  qv_array *b = hand_array(qv_type_retain(dt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 77, 0)), 0, NULL,
                           STRS("a", "b"));
  expect_equal(a, b);
  qv_array_release(b);
  /* same decoded values through a different dictionary: not equal (Arrow C++ semantics) */
  b = hand_array(qv_type_retain(dt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 0, 0, 1)), 0, NULL,
                 STRS("b", "a"));
  expect_diff(a, b, "arrays differ in <dictionary>[0]: left \"a\", right \"b\"");
  qv_array_release(b);
  b = hand_array(qv_type_retain(dt), 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 0, 1)), 0, NULL,
                 STRS("a", "b"));
  expect_diff(a, b, "arrays differ at row 2, [2]: dictionary indices differ: left \"a\", right \"b\"");
  qv_array_release(b);
  b = hand_array(dt, 3, 0, 1, 2, BUFS(BUFV(uint8_t, 5), BUFV(int8_t, 1, 0, 0)), 0, NULL, STRS("a", "b", "c"));
  expect_diff(a, b, "dictionary lengths differ: left 2, right 3");
  qv_array_release(b);
  qv_array_release(a);
}

static void test_run_end_encoded(void **state) {
  (void)state;
  qv_type *rt = hand_ree(qv_type_int32(), qv_type_string());
  /* [a, a, a, a, null, b] as runs (2, 4, 5, 6) vs (4, 5, 6) */
  qv_array *a = hand_array(qv_type_retain(rt), 6, 0, 0, 0, NULL, 2, KIDS(I32(2, 4, 5, 6), STRS("a", "a", NULL, "b")),
                           NULL);
  qv_array *b = hand_array(qv_type_retain(rt), 6, 0, 0, 0, NULL, 2, KIDS(I32(4, 5, 6), STRS("a", NULL, "b")), NULL);
  expect_equal(a, b);
  /* a slice vs a fresh array */
  qv_array *s = slice(a, 3, 3);
  qv_array *c = hand_array(qv_type_retain(rt), 3, 0, 0, 0, NULL, 2, KIDS(I32(1, 2, 3), STRS("a", NULL, "b")), NULL);
  expect_equal(s, c);
  qv_array *d = hand_array(rt, 3, 0, 0, 0, NULL, 2, KIDS(I32(1, 3), STRS("a", "c")), NULL);
  expect_diff(s, d, "arrays differ at row 1, [1]: left null, right \"c\"");
  qv_array_release(s);
  qv_array_release(c);
  qv_array_release(d);
  qv_array_release(a);
  qv_array_release(b);
}

static qv_batch *batch_of(qv_schema *schema, int64_t len, qv_array *col) {
  qv_batch *b = NULL;
  assert_int_equal(qv_batch_new(schema, len, &col, NULL, &b, NULL), QV_OK);
  qv_array_release(col);
  return b;
}

static void test_batches_and_tables(void **state) {
  (void)state;
  qv_field *f = hand_field("n", qv_type_int32());
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &schema, NULL), QV_OK);
  qv_field_release(f);
  /* table A: [1 2 3][4 5]; table B: [1][2 3 4 5]; table C: [1 2][3 4 6] */
  qv_batch *a1 = batch_of(schema, 3, I32(1, 2, 3)), *a2 = batch_of(schema, 2, I32(4, 5));
  qv_batch *b1 = batch_of(schema, 1, I32(1)), *b2 = batch_of(schema, 4, I32(2, 3, 4, 5));
  qv_batch *c1 = batch_of(schema, 2, I32(1, 2)), *c2 = batch_of(schema, 3, I32(3, 4, 6));
  qv_table *ta = NULL, *tb = NULL, *tc = NULL, *te = NULL;
  assert_int_equal(qv_table_new(schema, (qv_batch *[]){a1, a2}, 2, &ta, NULL), QV_OK);
  assert_int_equal(qv_table_new(schema, (qv_batch *[]){b1, b2}, 2, &tb, NULL), QV_OK);
  assert_int_equal(qv_table_new(schema, (qv_batch *[]){c1, c2}, 2, &tc, NULL), QV_OK);
  assert_int_equal(qv_table_new(schema, NULL, 0, &te, NULL), QV_OK);
  qv_error e;
  assert_true(qv_table_equals(ta, tb));
  assert_int_equal(qv_table_diff(ta, tb, NULL, &e), QV_OK);
  assert_false(qv_table_equals(ta, tc));
  hand_expect(qv_table_diff(ta, tc, NULL, &e), &e, QV_ERR_INVALID_DATA,
              "column 'n': arrays differ at row 4, [4]: left 5, right 6");
  hand_expect(qv_table_diff(ta, te, NULL, &e), &e, QV_ERR_INVALID_DATA, "row counts differ: left 5, right 0");
  /* batches */
  assert_true(qv_batch_equals(a1, a1));
  qv_batch *x = batch_of(schema, 3, I32(1, 2, 4));
  assert_false(qv_batch_equals(a1, x));
  hand_expect(qv_batch_diff(a1, x, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 'n': arrays differ at row 2, [2]: left 3, right 4");
  hand_expect(qv_batch_diff(a1, a2, NULL, &e), &e, QV_ERR_INVALID_DATA, "batch lengths differ: left 3, right 2");
  /* schema metadata matters only with check_metadata */
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "k", -1, "v", -1, NULL), QV_OK);
  qv_field *fm = hand_field("n", qv_type_int32());
  qv_schema *schema_md = NULL;
  assert_int_equal(qv_schema_new(&fm, 1, md, &schema_md, NULL), QV_OK);
  qv_field_release(fm);
  qv_metadata_free(md);
  qv_batch *y = batch_of(schema_md, 3, I32(1, 2, 3));
  assert_true(qv_batch_equals(a1, y));
  const qv_equal_options strict = {false, true};
  assert_false(qv_batch_equals_opts(a1, y, &strict));
  hand_expect(qv_batch_diff(a1, y, &strict, &e), &e, QV_ERR_INVALID_DATA, "schemas differ");
  qv_batch_release(y);
  qv_schema_release(schema_md);
  /* different schemas */
  qv_field *g = hand_field("m", qv_type_int32());
  qv_schema *other = NULL;
  assert_int_equal(qv_schema_new(&g, 1, NULL, &other, NULL), QV_OK);
  qv_field_release(g);
  qv_batch *z = batch_of(other, 3, I32(1, 2, 3));
  hand_expect(qv_batch_diff(a1, z, NULL, &e), &e, QV_ERR_INVALID_DATA, "schemas differ: left {n: int32}, right {m: int32}");
  qv_batch_release(z);
  qv_schema_release(other);
  qv_batch_release(x);
  qv_table_release(ta);
  qv_table_release(tb);
  qv_table_release(tc);
  qv_table_release(te);
  qv_batch_release(a1);
  qv_batch_release(a2);
  qv_batch_release(b1);
  qv_batch_release(b2);
  qv_batch_release(c1);
  qv_batch_release(c2);
  qv_schema_release(schema);
}

static void test_invalid_content_is_unequal(void **state) {
  (void)state;
  /* an offset pointing outside the data: reported, never read */
  qv_array *a = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 40, 2), hand_buf("ab", 2)), 0, NULL,
                           NULL);
  qv_array *b = STRS("a", "b");
  expect_diff(a, b, "cannot compare at row 0, [0]: invalid data in the left array");
  qv_array_release(a);
  qv_array_release(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_primitive_layout_independence),
      cmocka_unit_test(test_slices_equal_fresh_arrays),
      cmocka_unit_test(test_binary_layouts),
      cmocka_unit_test(test_floats),
      cmocka_unit_test(test_types_and_lengths),
      cmocka_unit_test(test_nested_differences),
      cmocka_unit_test(test_unions),
      cmocka_unit_test(test_dictionaries),
      cmocka_unit_test(test_run_end_encoded),
      cmocka_unit_test(test_batches_and_tables),
      cmocka_unit_test(test_invalid_content_is_unequal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
