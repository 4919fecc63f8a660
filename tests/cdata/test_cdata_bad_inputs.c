/* BAD_INPUTS class 37: malformed C Data structures. One named test per
 * sub-case: released structs, NULL or bad formats, buffer/child count
 * mismatches, required buffers or children NULL, dictionary presence
 * mismatches, negative or overflowing lengths/offsets, null_count without a
 * bitmap, nesting deeper than QV_CDATA_MAX_DEPTH, and a record batch
 * (struct root) with the wrong counts, NULL buffers or children, a
 * dictionary, null rows or a bad offset. Each is rejected with the
 * expected code and a message naming what is wrong, leaks nothing (ASan),
 * and, since import takes ownership, the producer's release runs exactly
 * once (never for an already released struct). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cdata_test_util.h"
#include "quiver/field.h"
#include "quiver/schema.h"

/* ---- schema producer (counts root releases) ---- */

typedef struct sp_priv {
  int *counter;
} sp_priv;

static void sp_release(struct ArrowSchema *s) {
  sp_priv *p = s->private_data;
  for (int64_t i = 0; i < s->n_children; i++)
    if (s->children != NULL && s->children[i] != NULL && s->children[i]->release) s->children[i]->release(s->children[i]);
  if (s->dictionary != NULL && s->dictionary->release) s->dictionary->release(s->dictionary);
  if (p->counter != NULL) (*p->counter)++;
  free(p);
  s->release = NULL;
}

static void sp_init(struct ArrowSchema *s, const char *format, int *counter) {
  memset(s, 0, sizeof *s);
  s->format = format;
  s->name = "x";
  s->flags = ARROW_FLAG_NULLABLE;
  sp_priv *p = malloc(sizeof *p);
  assert_non_null(p);
  p->counter = counter;
  s->private_data = p;
  s->release = sp_release;
}

static qv_field *mkfield(const char *name, qv_type *type) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, true, NULL, &f, NULL), QV_OK);
  return f;
}

/* Imports `a` as `type`, expects failure with `code` and `needle`, and
 * checks the producer was released exactly once. */
static void expect_array_rejected(struct ArrowArray *a, const qv_type *type, int *counter, qv_status code,
                                  const char *needle) {
  qv_error err;
  qv_array *out = (qv_array *)0x1;
  int before = *counter;
  assert_error(qv_array_import(a, type, &out, &err), code, &err, needle);
  assert_null(out);
  assert_null(a->release);
  assert_int_equal(*counter, before + 1);
}

static void expect_schema_rejected(struct ArrowSchema *s, int *counter, qv_status code, const char *needle) {
  qv_error err;
  qv_field *out = (qv_field *)0x1;
  int before = *counter;
  assert_error(qv_field_import(s, &out, &err), code, &err, needle);
  assert_null(out);
  assert_null(s->release);
  assert_int_equal(*counter, before + 1);
}

/* ---- released structs ---- */

static void test_bad_array_released(void **state) {
  (void)state;
  struct ArrowArray a;
  memset(&a, 0, sizeof a); /* release == NULL */
  qv_error err;
  qv_array *out = NULL;
  assert_error(qv_array_import(&a, qv_type_int32(), &out, &err), QV_ERR_INVALID_DATA, &err,
               "ArrowArray is released (release == NULL)");
  qv_batch *b = NULL;
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(NULL, 0, NULL, &schema, NULL), QV_OK);
  assert_error(qv_batch_import(&a, schema, &b, &err), QV_ERR_INVALID_DATA, &err, "released");
  qv_schema_release(schema);
}

static void test_bad_array_child_released(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray root, kid;
  int32_t v[2] = {1, 2};
  tp_int32(&kid, v, 2, NULL, 0, NULL);
  tp_init(&root, 2, 0, 0, 1, &released);
  struct ArrowArray *c = tp_child(&root, &kid);
  /* A consumer moved the child out without releasing the parent. */
  struct ArrowArray stolen = *c;
  c->release = NULL;
  qv_field *f = mkfield("a", qv_type_int32());
  qv_type *t = NULL;
  assert_int_equal(qv_type_struct(&f, 1, &t, NULL), QV_OK);
  expect_array_rejected(&root, t, &released, QV_ERR_INVALID_DATA, "child 0 ('a'): ArrowArray is released");
  stolen.release(&stolen);
  qv_type_release(t);
  qv_field_release(f);
}

static void test_bad_schema_released(void **state) {
  (void)state;
  struct ArrowSchema s;
  memset(&s, 0, sizeof s);
  s.format = "i";
  qv_error err;
  qv_type *t = NULL;
  qv_schema *sc = NULL;
  assert_error(qv_type_import(&s, &t, &err), QV_ERR_INVALID_DATA, &err, "ArrowSchema is released");
  assert_error(qv_schema_import(&s, &sc, &err), QV_ERR_INVALID_DATA, &err, "ArrowSchema is released");
}

/* ---- formats ---- */

static void test_bad_schema_null_format(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema s;
  sp_init(&s, NULL, &released);
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "ArrowSchema format is NULL");
}

static void test_bad_schema_bad_format(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema s, kid;
  struct ArrowSchema *kids[1] = {&kid};
  sp_init(&s, "+s", &released);
  sp_init(&kid, "tsq:UTC", NULL);
  s.n_children = 1;
  s.children = kids;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "child 0 ('x'): format 'tsq:UTC': unknown time unit");
  sp_init(&s, "d:10,2,7", &released);
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "format 'd:10,2,7'");
  /* a record batch schema must be a struct */
  sp_init(&s, "+l", &released);
  qv_schema *sc = NULL;
  qv_error err;
  assert_error(qv_schema_import(&s, &sc, &err), QV_ERR_INVALID_DATA, &err, "must be a struct (format '+s'");
  assert_int_equal(released, 3);
}

static void test_bad_schema_children_mismatch(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema s, k0, k1;
  struct ArrowSchema *kids[2] = {&k0, &k1};
  sp_init(&s, "+ud:0,1,2", &released);
  sp_init(&k0, "i", NULL);
  sp_init(&k1, "u", NULL);
  s.n_children = 2;
  s.children = kids;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "3 union type codes but 2 children");
  sp_init(&s, "+l", &released); /* list without its child */
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "format '+l': expected 1 child, got 0");
  sp_init(&s, "+s", &released);
  s.n_children = 2; /* children pointer missing */
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "n_children is 2 but children is NULL");
  sp_init(&s, "+s", &released);
  s.n_children = -1;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "n_children -1 out of range");
  struct ArrowSchema *holes[2] = {NULL, NULL};
  sp_init(&s, "+s", &released);
  s.n_children = 2;
  s.children = holes;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "child 0 is NULL");
}

static void test_bad_schema_dictionary_mismatch(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema s, dict;
  sp_init(&s, "u", &released); /* index type must be an integer */
  sp_init(&dict, "u", NULL);
  s.dictionary = &dict;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "not an integer index type");
  sp_init(&s, "i", &released);
  sp_init(&dict, "q", NULL);
  s.dictionary = &dict;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "dictionary: format 'q'");
}

static void test_bad_schema_metadata(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema s;
  int32_t neg[1] = {-3};
  sp_init(&s, "i", &released);
  s.metadata = (const char *)neg;
  expect_schema_rejected(&s, &released, QV_ERR_INVALID_DATA, "metadata: negative pair count -3");
}

/* ---- buffers and children ---- */

static void test_bad_array_n_buffers_mismatch(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  int32_t v[2] = {1, 2};
  tp_int32(&a, v, 2, NULL, 0, &released);
  a.n_buffers = 3;
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "int32 array needs 2 buffers, got n_buffers 3");
  tp_init(&a, 1, 0, 0, 2, &released); /* views need >= 3 */
  expect_array_rejected(&a, qv_type_string_view(), &released, QV_ERR_INVALID_DATA, "needs at least 3 buffers");
  tp_init(&a, 1, 0, 0, 1, &released); /* null arrays have no buffers */
  expect_array_rejected(&a, qv_type_null(), &released, QV_ERR_INVALID_DATA, "null array needs 0 buffers");
  tp_init(&a, 1, 0, 0, 2, &released);
  a.buffers = NULL;
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "n_buffers is 2 but buffers is NULL");
}

static void test_bad_array_n_children_mismatch(void **state) {
  (void)state;
  int released = 0;
  qv_field *fs[2] = {mkfield("a", qv_type_int32()), mkfield("b", qv_type_int32())};
  qv_type *t = NULL;
  assert_int_equal(qv_type_struct(fs, 2, &t, NULL), QV_OK);
  struct ArrowArray root, kid;
  int32_t v[1] = {1};
  tp_int32(&kid, v, 1, NULL, 0, NULL);
  tp_init(&root, 1, 0, 0, 1, &released);
  tp_child(&root, &kid);
  expect_array_rejected(&root, t, &released, QV_ERR_INVALID_DATA, "struct array needs 2 children, got n_children 1");
  tp_int32(&root, v, 1, NULL, 0, &released);
  tp_int32(&kid, v, 1, NULL, 0, NULL);
  tp_child(&root, &kid); /* a primitive with a child */
  expect_array_rejected(&root, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "int32 array needs 0 children");
  qv_type_release(t);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

static void test_bad_array_required_buffer_null(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  tp_init(&a, 3, 0, 0, 2, &released); /* values NULL, 3 slots */
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA,
                        "buffer 1 (values) is NULL but must hold 12 bytes (length 3 + offset 0)");
  int32_t offs[3] = {0, 2, 4};
  tp_init(&a, 2, 0, 0, 3, &released);
  tp_buf(&a, 1, offs, sizeof offs); /* data NULL though offsets say 4 bytes */
  expect_array_rejected(&a, qv_type_string(), &released, QV_ERR_INVALID_DATA, "buffer 2 (data) is NULL but must hold 4 bytes");
  tp_init(&a, 2, 0, 0, 3, &released); /* offsets NULL with 2 slots */
  expect_array_rejected(&a, qv_type_binary(), &released, QV_ERR_INVALID_DATA, "buffer 1 (offsets) is NULL");
  qv_view v;
  memset(&v, 0, sizeof v);
  v.ref.size = 20;
  tp_init(&a, 1, 0, 0, 4, &released); /* one variadic buffer, sizes buffer NULL */
  tp_buf(&a, 1, &v, sizeof v);
  tp_buf(&a, 2, "01234567890123456789", 20);
  expect_array_rejected(&a, qv_type_binary_view(), &released, QV_ERR_INVALID_DATA, "variadic buffer sizes) is NULL");
  int64_t sizes[1] = {20};
  tp_init(&a, 1, 0, 0, 4, &released); /* variadic data NULL with size 20 */
  tp_buf(&a, 1, &v, sizeof v);
  tp_buf(&a, 3, sizes, sizeof sizes);
  expect_array_rejected(&a, qv_type_binary_view(), &released, QV_ERR_INVALID_DATA, "(variadic data 0) is NULL but has size 20");
  int8_t ids[1] = {0};
  (void)ids;
  tp_init(&a, 1, 0, 0, 1, &released); /* union type ids NULL */
  qv_field *f = mkfield("i", qv_type_int32());
  qv_type *ut = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, &f, 1, NULL, &ut, NULL), QV_OK);
  struct ArrowArray kid;
  int32_t one[1] = {1};
  tp_int32(&kid, one, 1, NULL, 0, NULL);
  tp_child(&a, &kid);
  expect_array_rejected(&a, ut, &released, QV_ERR_INVALID_DATA, "buffer 0 (type_ids) is NULL but must hold 1 bytes");
  qv_type_release(ut);
  qv_field_release(f);
}

static void test_bad_array_negative_sizes_in_buffers(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  int32_t offs[3] = {0, -8, -8};
  tp_init(&a, 2, 0, 0, 3, &released);
  tp_buf(&a, 1, offs, sizeof offs);
  tp_buf(&a, 2, "x", 1);
  expect_array_rejected(&a, qv_type_string(), &released, QV_ERR_INVALID_DATA, "last offset (slot 2) is negative: -8");
  qv_view v;
  memset(&v, 0, sizeof v);
  int64_t sizes[1] = {-1};
  tp_init(&a, 1, 0, 0, 4, &released);
  tp_buf(&a, 1, &v, sizeof v);
  tp_buf(&a, 2, "abc", 3);
  tp_buf(&a, 3, sizes, sizeof sizes);
  expect_array_rejected(&a, qv_type_string_view(), &released, QV_ERR_INVALID_DATA, "variadic buffer 0 has negative size -1");
}

static void test_bad_array_required_child_null(void **state) {
  (void)state;
  int released = 0;
  qv_field *f = mkfield("item", qv_type_int32());
  qv_type *t = NULL;
  assert_int_equal(qv_type_list(f, &t, NULL), QV_OK);
  int32_t offs[2] = {0, 0};
  struct ArrowArray a;
  tp_init(&a, 1, 0, 0, 2, &released);
  tp_buf(&a, 1, offs, sizeof offs);
  a.n_children = 1; /* children[0] stays NULL */
  expect_array_rejected(&a, t, &released, QV_ERR_INVALID_DATA, "child 0 is NULL");
  tp_init(&a, 1, 0, 0, 2, &released);
  tp_buf(&a, 1, offs, sizeof offs);
  a.n_children = 1;
  a.children = NULL;
  expect_array_rejected(&a, t, &released, QV_ERR_INVALID_DATA, "n_children is 1 but children is NULL");
  qv_type_release(t);
  qv_field_release(f);
}

static void test_bad_array_dictionary_mismatch(void **state) {
  (void)state;
  int released = 0;
  qv_type *dt = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_string(), false, &dt, NULL), QV_OK);
  int32_t idx[2] = {0, 0};
  struct ArrowArray a, values;
  tp_int32(&a, idx, 2, NULL, 0, &released); /* dictionary type, no dictionary */
  expect_array_rejected(&a, dt, &released, QV_ERR_INVALID_DATA, "dictionary-encoded array without a dictionary");
  tp_int32(&a, idx, 2, NULL, 0, &released); /* plain type, with a dictionary */
  tp_int32(&values, idx, 1, NULL, 0, NULL);
  tp_dict(&a, &values);
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA,
                        "int32 array has a dictionary but its type is not dictionary-encoded");
  tp_int32(&a, idx, 2, NULL, 0, &released); /* dictionary of the wrong layout */
  tp_int32(&values, idx, 1, NULL, 0, NULL);
  tp_dict(&a, &values);
  expect_array_rejected(&a, dt, &released, QV_ERR_INVALID_DATA, "dictionary: string array needs 3 buffers");
  qv_type_release(dt);
}

/* ---- lengths, offsets, null counts ---- */

static void test_bad_array_negative_length(void **state) {
  (void)state;
  int released = 0;
  int32_t v[1] = {1};
  struct ArrowArray a;
  tp_int32(&a, v, 1, NULL, 0, &released);
  a.length = -1;
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "negative length -1 or offset 0");
}

static void test_bad_array_negative_offset(void **state) {
  (void)state;
  int released = 0;
  int32_t v[1] = {1};
  struct ArrowArray a;
  tp_int32(&a, v, 1, NULL, 0, &released);
  a.offset = -4;
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "negative length 1 or offset -4");
}

static void test_bad_array_length_offset_overflow(void **state) {
  (void)state;
  int released = 0;
  int32_t v[1] = {1};
  struct ArrowArray a;
  tp_int32(&a, v, 1, NULL, 0, &released);
  a.length = INT64_MAX;
  a.offset = 2;
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "overflows int64");
  /* the sum fits, the byte size does not */
  tp_int32(&a, v, 1, NULL, 0, &released);
  a.length = INT64_MAX / 4;
  expect_array_rejected(&a, qv_type_int64(), &released, QV_ERR_INVALID_DATA, "values buffer size overflows int64");
  tp_init(&a, INT64_MAX, 0, 0, 3, &released);
  expect_array_rejected(&a, qv_type_string(), &released, QV_ERR_INVALID_DATA, "offsets buffer size overflows int64");
}

static void test_bad_array_null_count_without_bitmap(void **state) {
  (void)state;
  int released = 0;
  int32_t v[3] = {1, 2, 3};
  struct ArrowArray a;
  tp_int32(&a, v, 3, NULL, 2, &released);
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA,
                        "null_count is 2 but the validity buffer is NULL");
  tp_int32(&a, v, 3, NULL, 4, &released);
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "null_count 4 outside -1..length (3)");
  tp_int32(&a, v, 3, NULL, -2, &released);
  expect_array_rejected(&a, qv_type_int32(), &released, QV_ERR_INVALID_DATA, "null_count -2 outside");
}

/* ---- nesting ---- */

static qv_type *deep_type(int lists) {
  qv_type *t = qv_type_retain(qv_type_int32());
  for (int i = 0; i < lists; i++) {
    qv_type *next = NULL;
    assert_int_equal(qv_type_list_of(QV_TYPE_LIST, t, &next, NULL), QV_OK);
    qv_type_release(t);
    t = next;
  }
  return t;
}

static void deep_array(struct ArrowArray *out, int lists, int *counter) {
  int32_t one[1] = {7};
  int32_t offs[2] = {0, 1};
  struct ArrowArray cur;
  tp_int32(&cur, one, 1, NULL, 0, lists == 0 ? counter : NULL);
  for (int i = 0; i < lists; i++) {
    struct ArrowArray parent;
    tp_init(&parent, 1, 0, 0, 2, i == lists - 1 ? counter : NULL);
    tp_buf(&parent, 1, offs, sizeof offs);
    tp_child(&parent, &cur);
    cur = parent;
  }
  *out = cur;
}

static void test_bad_array_nesting_too_deep(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  qv_type *ok_t = deep_type(QV_CDATA_MAX_DEPTH), *bad_t = deep_type(QV_CDATA_MAX_DEPTH + 1);
  deep_array(&a, QV_CDATA_MAX_DEPTH, &released); /* leaf at depth 64: accepted */
  qv_array *out = NULL;
  qv_error err;
  if (qv_array_import(&a, ok_t, &out, &err) != QV_OK) fail_msg("%s", err.message);
  qv_array_release(out);
  assert_int_equal(released, 1);
  deep_array(&a, QV_CDATA_MAX_DEPTH + 1, &released); /* leaf at depth 65: rejected */
  expect_array_rejected(&a, bad_t, &released, QV_ERR_LIMIT, "nesting deeper than 64 levels");
  qv_type_release(ok_t);
  qv_type_release(bad_t);
}

static void test_bad_schema_nesting_too_deep(void **state) {
  (void)state;
  enum { N = QV_CDATA_MAX_DEPTH + 2 };
  static struct ArrowSchema nodes[N];
  static struct ArrowSchema *ptrs[N];
  for (int lists = QV_CDATA_MAX_DEPTH; lists <= QV_CDATA_MAX_DEPTH + 1; lists++) {
    int released = 0;
    for (int i = 0; i <= lists; i++) {
      sp_init(&nodes[i], i == lists ? "i" : "+l", i == 0 ? &released : NULL);
      if (i < lists) {
        ptrs[i] = &nodes[i + 1];
        nodes[i].n_children = 1;
        nodes[i].children = &ptrs[i];
      }
    }
    qv_type *t = NULL;
    qv_error err;
    qv_status st = qv_type_import(&nodes[0], &t, &err);
    assert_int_equal(released, 1);
    if (lists == QV_CDATA_MAX_DEPTH) {
      if (st != QV_OK) fail_msg("%s", err.message);
      qv_type_release(t);
    } else {
      assert_int_equal(st, QV_ERR_LIMIT);
      assert_non_null(strstr(err.message, "ArrowSchema nesting deeper than 64 levels"));
      assert_null(t);
    }
  }
}

/* ---- record batches ---- */

static void test_bad_batch_structure(void **state) {
  (void)state;
  int released = 0;
  qv_field *fs[2] = {mkfield("a", qv_type_int32()), mkfield("b", qv_type_int32())};
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(fs, 2, NULL, &schema, NULL), QV_OK);
  int32_t v[2] = {1, 2};
  uint8_t valid = 0x01;
  qv_error err;
  qv_batch *b = NULL;
  struct ArrowArray root, k0, k1;

  tp_init(&root, 2, 0, 0, 1, &released); /* one column, schema has two */
  tp_int32(&k0, v, 2, NULL, 0, NULL);
  tp_child(&root, &k0);
  assert_error(qv_batch_import(&root, schema, &b, &err), QV_ERR_INVALID_DATA, &err,
               "schema has 2 fields but n_children is 1");
  assert_int_equal(released, 1);

  tp_init(&root, 2, 1, 0, 1, &released); /* top-level null */
  tp_buf(&root, 0, &valid, 1);
  tp_int32(&k0, v, 2, NULL, 0, NULL);
  tp_int32(&k1, v, 2, NULL, 0, NULL);
  tp_child(&root, &k0);
  tp_child(&root, &k1);
  assert_error(qv_batch_import(&root, schema, &b, &err), QV_ERR_INVALID_DATA, &err, "top-level struct has null rows");
  assert_int_equal(released, 2);

  tp_init(&root, 2, 0, 0, 1, &released); /* column shorter than the batch */
  tp_int32(&k0, v, 2, NULL, 0, NULL);
  tp_int32(&k1, v, 1, NULL, 0, NULL);
  tp_child(&root, &k0);
  tp_child(&root, &k1);
  assert_error(qv_batch_import(&root, schema, &b, &err), QV_ERR_INVALID_DATA, &err,
               "column 1 ('b'): length 1 is shorter than the batch's offset 0 + length 2");
  assert_int_equal(released, 3);

  tp_init(&root, 2, 0, 0, 1, &released); /* bad column */
  tp_int32(&k0, v, 2, NULL, 0, NULL);
  tp_int32(&k1, v, 2, NULL, 0, NULL);
  tp_child(&root, &k0);
  tp_child(&root, &k1)->n_buffers = 1;
  assert_error(qv_batch_import(&root, schema, &b, &err), QV_ERR_INVALID_DATA, &err,
               "column 1 ('b'): int32 array needs 2 buffers, got n_buffers 1");
  assert_int_equal(released, 4);
  assert_null(b);
  qv_schema_release(schema);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

/* The batch-level rejections below share one shape: a schema {a, b: int32},
 * a root struct built by `make` (two int32 columns of 2 rows unless `make`
 * changes them), qv_batch_import must fail with `code` and a message
 * holding `needle`, release the producer exactly once and return no batch. */
typedef void (*batch_maker)(struct ArrowArray *root, int *released);

static const int32_t k_ab[2] = {1, 2};

static void two_columns(struct ArrowArray *root, int64_t length, int64_t offset, int *released) {
  struct ArrowArray k0, k1;
  tp_init(root, length, 0, offset, 1, released);
  tp_int32(&k0, k_ab, 2, NULL, 0, NULL);
  tp_int32(&k1, k_ab, 2, NULL, 0, NULL);
  tp_child(root, &k0);
  tp_child(root, &k1);
}

static qv_schema *ab_schema(void) {
  qv_field *fs[2] = {mkfield("a", qv_type_int32()), mkfield("b", qv_type_int32())};
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(fs, 2, NULL, &schema, NULL), QV_OK);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  return schema;
}

static void expect_batch_rejected(batch_maker make, qv_status code, const char *needle) {
  int released = 0;
  struct ArrowArray root;
  make(&root, &released);
  qv_schema *schema = ab_schema();
  qv_error err;
  qv_batch *b = (qv_batch *)0x1;
  assert_error(qv_batch_import(&root, schema, &b, &err), code, &err, needle);
  assert_null(b);
  assert_null(root.release);
  assert_int_equal(released, 1);
  qv_schema_release(schema);
}

static void mk_negative_length(struct ArrowArray *r, int *n) { two_columns(r, -1, 0, n); }
static void mk_negative_offset(struct ArrowArray *r, int *n) { two_columns(r, 1, -2, n); }
static void mk_overflowing_end(struct ArrowArray *r, int *n) { two_columns(r, INT64_MAX, 1, n); }
static void mk_no_buffer(struct ArrowArray *r, int *n) {
  two_columns(r, 2, 0, n);
  r->n_buffers = 0;
}
static void mk_two_buffers(struct ArrowArray *r, int *n) {
  two_columns(r, 2, 0, n);
  r->n_buffers = 2;
}
static void mk_buffers_null(struct ArrowArray *r, int *n) {
  two_columns(r, 2, 0, n);
  r->buffers = NULL;
}
static void mk_three_children(struct ArrowArray *r, int *n) {
  struct ArrowArray k2;
  two_columns(r, 2, 0, n);
  tp_int32(&k2, k_ab, 2, NULL, 0, NULL);
  tp_child(r, &k2);
}
static void mk_children_null(struct ArrowArray *r, int *n) {
  tp_init(r, 2, 0, 0, 1, n);
  r->n_children = 2;
  r->children = NULL;
}
static void mk_child_null(struct ArrowArray *r, int *n) {
  struct ArrowArray k0;
  tp_init(r, 2, 0, 0, 1, n);
  tp_int32(&k0, k_ab, 2, NULL, 0, NULL);
  tp_child(r, &k0);
  r->n_children = 2; /* children[1] stays NULL */
}
static void mk_dictionary(struct ArrowArray *r, int *n) {
  struct ArrowArray d;
  two_columns(r, 2, 0, n);
  tp_int32(&d, k_ab, 2, NULL, 0, NULL);
  tp_dict(r, &d);
}
static void mk_unknown_null_count_with_nulls(struct ArrowArray *r, int *n) {
  static const uint8_t valid = 0x01; /* row 1 null */
  two_columns(r, 2, 0, n);
  r->null_count = -1;
  tp_buf(r, 0, &valid, 1);
}
static void mk_offset_past_columns(struct ArrowArray *r, int *n) { two_columns(r, 2, 1, n); }
static void mk_bad_second_column(struct ArrowArray *r, int *n) {
  two_columns(r, 2, 0, n);
  r->children[1]->length = -5;
}

static void test_bad_batch_negative_length(void **state) {
  (void)state;
  expect_batch_rejected(mk_negative_length, QV_ERR_INVALID_DATA, "record batch: bad length -1 / offset 0");
}

static void test_bad_batch_negative_offset(void **state) {
  (void)state;
  expect_batch_rejected(mk_negative_offset, QV_ERR_INVALID_DATA, "record batch: bad length 1 / offset -2");
}

static void test_bad_batch_length_offset_overflow(void **state) {
  (void)state;
  expect_batch_rejected(mk_overflowing_end, QV_ERR_INVALID_DATA, "(negative or overflowing)");
}

static void test_bad_batch_no_buffer(void **state) {
  (void)state;
  expect_batch_rejected(mk_no_buffer, QV_ERR_INVALID_DATA, "a struct array needs 1 buffer, got n_buffers 0");
}

static void test_bad_batch_two_buffers(void **state) {
  (void)state;
  expect_batch_rejected(mk_two_buffers, QV_ERR_INVALID_DATA, "a struct array needs 1 buffer, got n_buffers 2");
}

static void test_bad_batch_buffers_null(void **state) {
  (void)state;
  expect_batch_rejected(mk_buffers_null, QV_ERR_INVALID_DATA, "got n_buffers 1 (buffers NULL)");
}

static void test_bad_batch_too_many_children(void **state) {
  (void)state;
  expect_batch_rejected(mk_three_children, QV_ERR_INVALID_DATA, "schema has 2 fields but n_children is 3");
}

static void test_bad_batch_children_null(void **state) {
  (void)state;
  expect_batch_rejected(mk_children_null, QV_ERR_INVALID_DATA, "n_children is 2 (children NULL)");
}

static void test_bad_batch_child_null(void **state) {
  (void)state;
  expect_batch_rejected(mk_child_null, QV_ERR_INVALID_DATA, "column 1 ('b'): child is NULL");
}

static void test_bad_batch_dictionary(void **state) {
  (void)state;
  expect_batch_rejected(mk_dictionary, QV_ERR_INVALID_DATA, "a struct array cannot have a dictionary");
}

static void test_bad_batch_unknown_null_count_with_nulls(void **state) {
  (void)state;
  expect_batch_rejected(mk_unknown_null_count_with_nulls, QV_ERR_INVALID_DATA,
                        "the top-level struct has null rows (null_count -1)");
}

static void test_bad_batch_offset_past_columns(void **state) {
  (void)state;
  expect_batch_rejected(mk_offset_past_columns, QV_ERR_INVALID_DATA,
                        "column 0 ('a'): length 2 is shorter than the batch's offset 1 + length 2");
}

static void test_bad_batch_bad_second_column(void **state) {
  (void)state;
  expect_batch_rejected(mk_bad_second_column, QV_ERR_INVALID_DATA, "column 1 ('b')");
}

/* NULL arguments: no array is an argument error; a NULL schema or out
 * still takes (and releases) the array. */
static void test_bad_batch_null_arguments(void **state) {
  (void)state;
  qv_schema *schema = ab_schema();
  qv_batch *b = (qv_batch *)0x1;
  qv_error err;
  assert_error(qv_batch_import(NULL, schema, &b, &err), QV_ERR_INVALID_ARGUMENT, &err, "array is NULL");
  assert_null(b);
  int released = 0;
  struct ArrowArray root;
  two_columns(&root, 2, 0, &released);
  assert_error(qv_batch_import(&root, NULL, &b, &err), QV_ERR_INVALID_ARGUMENT, &err, "schema is NULL");
  assert_int_equal(released, 1);
  two_columns(&root, 2, 0, &released);
  assert_error(qv_batch_import(&root, schema, NULL, &err), QV_ERR_INVALID_ARGUMENT, &err, "out is NULL");
  assert_int_equal(released, 2);
  qv_schema_release(schema);
}

/* The accepted neighbours of the rejections above: an unknown null count
 * over an all-valid bitmap, and a batch offset that slices every column. */
static void test_batch_offset_and_unknown_null_count_accepted(void **state) {
  (void)state;
  static const uint8_t all_valid = 0x03;
  int released = 0;
  struct ArrowArray root;
  two_columns(&root, 1, 1, &released);
  root.null_count = -1;
  tp_buf(&root, 0, &all_valid, 1);
  qv_schema *schema = ab_schema();
  qv_batch *b = NULL;
  qv_error err;
  if (qv_batch_import(&root, schema, &b, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(b->length, 1);
  assert_int_equal(b->columns[0]->length, 1);
  assert_int_equal(qv_array_int32_value(b->columns[0], 0), 2);
  assert_int_equal(qv_array_int32_value(b->columns[1], 0), 2);
  qv_batch_release(b);
  assert_int_equal(released, 1);
  qv_schema_release(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_array_released),
      cmocka_unit_test(test_bad_array_child_released),
      cmocka_unit_test(test_bad_schema_released),
      cmocka_unit_test(test_bad_schema_null_format),
      cmocka_unit_test(test_bad_schema_bad_format),
      cmocka_unit_test(test_bad_schema_children_mismatch),
      cmocka_unit_test(test_bad_schema_dictionary_mismatch),
      cmocka_unit_test(test_bad_schema_metadata),
      cmocka_unit_test(test_bad_array_n_buffers_mismatch),
      cmocka_unit_test(test_bad_array_n_children_mismatch),
      cmocka_unit_test(test_bad_array_required_buffer_null),
      cmocka_unit_test(test_bad_array_negative_sizes_in_buffers),
      cmocka_unit_test(test_bad_array_required_child_null),
      cmocka_unit_test(test_bad_array_dictionary_mismatch),
      cmocka_unit_test(test_bad_array_negative_length),
      cmocka_unit_test(test_bad_array_negative_offset),
      cmocka_unit_test(test_bad_array_length_offset_overflow),
      cmocka_unit_test(test_bad_array_null_count_without_bitmap),
      cmocka_unit_test(test_bad_array_nesting_too_deep),
      cmocka_unit_test(test_bad_schema_nesting_too_deep),
      cmocka_unit_test(test_bad_batch_structure),
      cmocka_unit_test(test_bad_batch_negative_length),
      cmocka_unit_test(test_bad_batch_negative_offset),
      cmocka_unit_test(test_bad_batch_length_offset_overflow),
      cmocka_unit_test(test_bad_batch_no_buffer),
      cmocka_unit_test(test_bad_batch_two_buffers),
      cmocka_unit_test(test_bad_batch_buffers_null),
      cmocka_unit_test(test_bad_batch_too_many_children),
      cmocka_unit_test(test_bad_batch_children_null),
      cmocka_unit_test(test_bad_batch_child_null),
      cmocka_unit_test(test_bad_batch_dictionary),
      cmocka_unit_test(test_bad_batch_unknown_null_count_with_nulls),
      cmocka_unit_test(test_bad_batch_offset_past_columns),
      cmocka_unit_test(test_bad_batch_bad_second_column),
      cmocka_unit_test(test_bad_batch_null_arguments),
      cmocka_unit_test(test_batch_offset_and_unknown_null_count_accepted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
