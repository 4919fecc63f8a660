/* Tests of C Data import: export -> import round trips of arrays of every
 * type (zero-copy proven by equal buffer addresses), schema/field/type
 * import, buffer sizing, and the ownership protocol with a C test producer
 * that counts its release calls (exactly once across slices, re-exports and
 * release orders, and on failure). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cdata_test_util.h"
#include "quiver/builder.h"
#include "quiver/compare.h"
#include "quiver/field.h"
#include "quiver/schema.h"
#include "quiver/validate.h"

static qv_field *mkfield(const char *name, qv_type *type, bool nullable) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, nullable, NULL, &f, NULL), QV_OK);
  return f;
}

/* Exports `a` (type and data), imports both back and checks the result is
 * the same array sharing every buffer. Consumes `a`. */
static void roundtrip(qv_array *a) {
  qv_error err;
  struct ArrowSchema cs;
  struct ArrowArray ca;
  qv_type *t2 = NULL;
  qv_array *b = NULL;
  assert_int_equal(qv_type_export(a->type, &cs, NULL), QV_OK);
  if (qv_type_import(&cs, &t2, &err) != QV_OK) fail_msg("type import: %s", err.message);
  assert_null(cs.release); /* moved and released */
  assert_true(qv_type_equals(a->type, t2, true));
  assert_int_equal(qv_array_export(a, &ca, NULL), QV_OK);
  if (qv_array_import(&ca, t2, &b, &err) != QV_OK) fail_msg("array import: %s", err.message);
  assert_null(ca.release);
  assert_same_array(a, b, true);
  qv_equal_options eq = {true, true}; /* raw test words may form NaNs */
  if (!qv_array_equals_opts(a, b, &eq)) {
    qv_error why;
    qv_array_diff_opts(a, b, &eq, &why);
    fail_msg("round trip differs: %s", why.message);
  }
  /* the computed buffer sizes cover every slot */
  if (qv_array_validate(b, QV_VALIDATE_STRUCTURE, &err) != QV_OK) fail_msg("imported array: %s", err.message);
  /* Release the original first: the import keeps the data alive. */
  qv_array_release(a);
  assert_same_array(b, b, true);
  qv_array_release(b);
  qv_type_release(t2);
}

static qv_array *fixed(qv_type *type, const void *data, int64_t nbytes, int64_t length, const uint8_t *validity,
                       int64_t nulls) {
  qv_buffer *b[2] = {validity ? tb(validity, (length + 7) / 8) : NULL, tb(data, nbytes)};
  return ta(type, length, 0, nulls, 2, b, 0, NULL, NULL);
}

static void test_roundtrip_primitives(void **state) {
  (void)state;
  uint8_t valid = 0x0d; /* 1011 over 4 slots: slot 1 null */
  int64_t words[8] = {1, -2, 3, -4, 5, 6, 7, 8};
  qv_type *prims[] = {qv_type_bool(),    qv_type_int8(),           qv_type_int16(),
                      qv_type_int32(),   qv_type_int64(),          qv_type_uint8(),
                      qv_type_uint16(),  qv_type_uint32(),         qv_type_uint64(),
                      qv_type_float16(), qv_type_float32(),        qv_type_float64(),
                      qv_type_date32(),  qv_type_date64(),         qv_type_interval_months(),
                      qv_type_interval_day_time(), qv_type_interval_month_day_nano()};
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
    roundtrip(fixed(prims[i], words, sizeof words, 4, &valid, 1));
    roundtrip(fixed(prims[i], words, sizeof words, 4, NULL, 0));
  }
  qv_array *n = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 5, &n, NULL), QV_OK);
  roundtrip(n);
}

static void test_roundtrip_parameterised_fixed_width(void **state) {
  (void)state;
  uint8_t valid = 0x07;
  int64_t words[16] = {0};
  for (int i = 0; i < 16; i++) words[i] = i * 1000 + 1;
  qv_type *t[16];
  int n = 0;
  assert_int_equal(qv_type_decimal(32, 9, 2, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_decimal(64, 18, -3, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_decimal(128, 38, 10, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_decimal(256, 76, 0, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_time32(QV_UNIT_MILLI, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_time64(QV_UNIT_MICRO, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_time64(QV_UNIT_NANO, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_timestamp(QV_UNIT_SECOND, NULL, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_timestamp(QV_UNIT_NANO, "Asia/Kolkata", &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_duration(QV_UNIT_MICRO, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_duration(QV_UNIT_MILLI, &t[n++], NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_binary(3, &t[n++], NULL), QV_OK);
  for (int i = 0; i < n; i++) {
    roundtrip(fixed(t[i], words, sizeof words, 3, &valid, 0));
    qv_type_release(t[i]);
  }
}

static qv_array *binary_like(qv_type *type, bool large) {
  uint8_t valid = 0x05; /* slot 1 null */
  const char data[] = "helloworld";
  qv_buffer *off;
  if (large) {
    int64_t o[4] = {0, 5, 5, 10};
    off = tb(o, sizeof o);
  } else {
    int32_t o[4] = {0, 5, 5, 10};
    off = tb(o, sizeof o);
  }
  qv_buffer *b[3] = {tb(&valid, 1), off, tb(data, 10)};
  return ta(type, 3, 0, 1, 3, b, 0, NULL, NULL);
}

static void test_roundtrip_binary_family(void **state) {
  (void)state;
  roundtrip(binary_like(qv_type_binary(), false));
  roundtrip(binary_like(qv_type_string(), false));
  roundtrip(binary_like(qv_type_large_binary(), true));
  roundtrip(binary_like(qv_type_large_string(), true));
  /* a slice keeps its offset */
  qv_array *a = binary_like(qv_type_string(), false), *s = NULL;
  assert_int_equal(qv_array_slice(a, 1, 2, &s, NULL), QV_OK);
  qv_array_release(a);
  roundtrip(s);
  /* views with two variadic buffers, and with none */
  for (int k = 0; k < 2; k++) {
    qv_type *vt = k ? qv_type_binary_view() : qv_type_string_view();
    qv_view v[2];
    memset(v, 0, sizeof v);
    v[0].inlined.size = 2;
    memcpy(v[0].inlined.data, "hi", 2);
    v[1].ref.size = 20;
    memcpy(v[1].ref.prefix, "0123", 4);
    v[1].ref.buffer_index = 1;
    v[1].ref.offset = 4;
    qv_buffer *b[4] = {NULL, tb(v, sizeof v), tb("unused", 6), tb("xxxx01234567890123456789", 24)};
    roundtrip(ta(vt, 2, 0, 0, 4, b, 0, NULL, NULL));
    qv_buffer *b2[2] = {NULL, tb(v, 16)};
    roundtrip(ta(vt, 1, 0, 0, 2, b2, 0, NULL, NULL));
  }
}

static void test_roundtrip_nested(void **state) {
  (void)state;
  int32_t vals[6] = {1, 2, 3, 4, 5, 6};
  uint8_t valid = 0x05;
  qv_field *item = mkfield("item", qv_type_int32(), true);
  qv_type *t = NULL;
  /* list / large_list */
  int32_t off32[4] = {0, 2, 2, 6};
  int64_t off64[4] = {0, 2, 2, 6};
  assert_int_equal(qv_type_list(item, &t, NULL), QV_OK);
  {
    qv_buffer *b[2] = {tb(&valid, 1), tb(off32, sizeof off32)};
    qv_array *k[1] = {ta_int32(vals, 6)};
    roundtrip(ta(t, 3, 0, 1, 2, b, 1, k, NULL));
  }
  qv_type_release(t);
  assert_int_equal(qv_type_large_list(item, &t, NULL), QV_OK);
  {
    qv_buffer *b[2] = {tb(&valid, 1), tb(off64, sizeof off64)};
    qv_array *k[1] = {ta_int32(vals, 6)};
    roundtrip(ta(t, 3, 0, 1, 2, b, 1, k, NULL));
  }
  qv_type_release(t);
  /* list views */
  int32_t lvo[3] = {4, 0, 1}, lvs[3] = {2, 0, 3};
  int64_t llvo[3] = {4, 0, 1}, llvs[3] = {2, 0, 3};
  assert_int_equal(qv_type_list_view(item, &t, NULL), QV_OK);
  {
    qv_buffer *b[3] = {NULL, tb(lvo, sizeof lvo), tb(lvs, sizeof lvs)};
    qv_array *k[1] = {ta_int32(vals, 6)};
    roundtrip(ta(t, 3, 0, 0, 3, b, 1, k, NULL));
  }
  qv_type_release(t);
  assert_int_equal(qv_type_large_list_view(item, &t, NULL), QV_OK);
  {
    qv_buffer *b[3] = {NULL, tb(llvo, sizeof llvo), tb(llvs, sizeof llvs)};
    qv_array *k[1] = {ta_int32(vals, 6)};
    roundtrip(ta(t, 3, 0, 0, 3, b, 1, k, NULL));
  }
  qv_type_release(t);
  /* fixed size list */
  assert_int_equal(qv_type_fixed_size_list(item, 2, &t, NULL), QV_OK);
  {
    qv_buffer *b[1] = {tb(&valid, 1)};
    qv_array *k[1] = {ta_int32(vals, 6)};
    roundtrip(ta(t, 3, 0, 1, 1, b, 1, k, NULL));
  }
  qv_type_release(t);
  /* struct (sliced) */
  const char *words[3] = {"a", "bb", "ccc"};
  qv_field *fs[2] = {mkfield("x", qv_type_int32(), false), mkfield("y", qv_type_string(), true)};
  assert_int_equal(qv_type_struct(fs, 2, &t, NULL), QV_OK);
  {
    qv_buffer *b[1] = {tb(&valid, 1)};
    qv_array *k[2] = {ta_int32(vals, 3), ta_utf8(words, 3)};
    qv_array *s = ta(t, 3, 0, 1, 1, b, 2, k, NULL), *sl = NULL;
    assert_int_equal(qv_array_slice(s, 1, 2, &sl, NULL), QV_OK);
    roundtrip(s);
    roundtrip(sl);
  }
  qv_type_release(t);
  /* map<string, int32> */
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &t, NULL), QV_OK);
  {
    int32_t moff[3] = {0, 2, 3};
    qv_buffer *eb[1] = {NULL};
    qv_array *ek[2] = {ta_utf8(words, 3), ta_int32(vals, 3)};
    qv_array *entries = ta(t->children[0]->type, 3, 0, 0, 1, eb, 2, ek, NULL);
    qv_buffer *b[2] = {NULL, tb(moff, sizeof moff)};
    roundtrip(ta(t, 2, 0, 0, 2, b, 1, &entries, NULL));
  }
  qv_type_release(t);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  qv_field_release(item);
}

static void test_roundtrip_unions_dictionary_ree_extension(void **state) {
  (void)state;
  int32_t vals[4] = {10, 20, 30, 40};
  const char *words[4] = {"w", "x", "y", "z"};
  qv_field *fs[2] = {mkfield("i", qv_type_int32(), true), mkfield("s", qv_type_string(), true)};
  int8_t codes[2] = {3, 9};
  qv_type *t = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, fs, 2, codes, &t, NULL), QV_OK);
  {
    int8_t ids[4] = {3, 9, 9, 3};
    qv_buffer *b[1] = {tb(ids, 4)};
    qv_array *k[2] = {ta_int32(vals, 4), ta_utf8(words, 4)};
    roundtrip(ta(t, 4, 0, 0, 1, b, 2, k, NULL));
  }
  qv_type_release(t);
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, fs, 2, codes, &t, NULL), QV_OK);
  {
    int8_t ids[4] = {3, 9, 9, 3};
    int32_t offs[4] = {0, 0, 1, 1};
    qv_buffer *b[2] = {tb(ids, 4), tb(offs, sizeof offs)};
    qv_array *k[2] = {ta_int32(vals, 2), ta_utf8(words, 2)};
    roundtrip(ta(t, 4, 0, 0, 2, b, 2, k, NULL));
  }
  qv_type_release(t);
  /* dictionary<int16, string>, ordered */
  assert_int_equal(qv_type_dictionary(qv_type_int16(), qv_type_string(), true, &t, NULL), QV_OK);
  {
    int16_t idx[5] = {3, 2, 1, 0, 3};
    uint8_t valid = 0x1d;
    qv_buffer *b[2] = {tb(&valid, 1), tb(idx, sizeof idx)};
    roundtrip(ta(t, 5, 0, 1, 2, b, 0, NULL, ta_utf8(words, 4)));
  }
  qv_type_release(t);
  /* run-end encoded<int32, float64> */
  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_float64(), &t, NULL), QV_OK);
  {
    int32_t ends[2] = {3, 5};
    double dv[2] = {1.5, 2.5};
    qv_array *k[2] = {ta_int32(ends, 2), fixed(qv_type_float64(), dv, sizeof dv, 2, NULL, 0)};
    roundtrip(ta(t, 5, 0, 0, 0, NULL, 2, k, NULL));
  }
  qv_type_release(t);
  /* extension types: canonical uuid and a custom one with metadata */
  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &t, NULL), QV_OK);
  {
    uint8_t ids[32];
    for (int i = 0; i < 32; i++) ids[i] = (uint8_t)i;
    roundtrip(fixed(t, ids, 32, 2, NULL, 0));
  }
  qv_type_release(t);
  qv_type_release(fsb);
  assert_int_equal(qv_type_extension("my.rational", "{\"den\":\0x}", 10, qv_type_int32(), &t, NULL), QV_OK);
  roundtrip(fixed(t, vals, sizeof vals, 4, NULL, 0));
  qv_type_release(t);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

/* Arrays made by the builders (real-world layouts: validity only when there
 * are nulls, views with variadic buffers, dictionaries, nested nulls). */
static qv_array *finish(qv_builder *b) {
  qv_array *a = NULL;
  qv_error err;
  if (qv_builder_finish(b, &a, &err) != QV_OK) fail_msg("finish: %s", err.message);
  qv_builder_free(b);
  return a;
}

static qv_builder *builder(qv_type *t) {
  qv_builder *b = NULL;
  qv_error err;
  if (qv_builder_new(t, NULL, &b, &err) != QV_OK) fail_msg("builder: %s", err.message);
  return b;
}

static void test_roundtrip_builder_made_arrays(void **state) {
  (void)state;
  /* list<string_view> with long values and nulls at both levels */
  qv_type *lt = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_string_view(), &lt, NULL), QV_OK);
  qv_builder *b = builder(lt);
  qv_builder *item = qv_builder_child(b, 0);
  for (int i = 0; i < 50; i++) {
    if (i % 7 == 3) {
      assert_int_equal(qv_builder_append_null(b), QV_OK);
      continue;
    }
    for (int j = 0; j < i % 4; j++) {
      if (j == 2) assert_int_equal(qv_builder_append_null(item), QV_OK);
      else assert_int_equal(qv_builder_append_string(item, j ? "a value longer than twelve bytes" : "short", -1), QV_OK);
    }
    assert_int_equal(qv_builder_finish_element(b), QV_OK);
  }
  qv_array *a = finish(b), *s = NULL;
  assert_int_equal(qv_array_slice(a, 5, 30, &s, NULL), QV_OK);
  roundtrip(a);
  roundtrip(s);
  qv_type_release(lt);

  /* dictionary<int8, string> */
  qv_type *dt = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &dt, NULL), QV_OK);
  b = builder(dt);
  const char *words[4] = {"red", "green", "blue", "green"};
  for (int i = 0; i < 20; i++) {
    if (i % 5 == 4) assert_int_equal(qv_builder_append_null(b), QV_OK);
    else assert_int_equal(qv_builder_append_string(b, words[i % 4], -1), QV_OK);
  }
  roundtrip(finish(b));
  qv_type_release(dt);

  /* run-end encoded<int32, int64> with a null run */
  qv_type *rt = NULL;
  assert_int_equal(qv_type_run_end_encoded(qv_type_int32(), qv_type_int64(), &rt, NULL), QV_OK);
  b = builder(rt);
  assert_int_equal(qv_builder_append_int64(qv_builder_child(b, 1), 5), QV_OK);
  assert_int_equal(qv_builder_append_run(b, 3), QV_OK);
  assert_int_equal(qv_builder_append_nulls(b, 2), QV_OK);
  assert_int_equal(qv_builder_append_int64(qv_builder_child(b, 1), 9), QV_OK);
  assert_int_equal(qv_builder_append_run(b, 4), QV_OK);
  roundtrip(finish(b));
  qv_type_release(rt);

  /* map<string, int32> */
  qv_type *mt = NULL;
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int32(), false, &mt, NULL), QV_OK);
  b = builder(mt);
  qv_builder *entries = qv_builder_child(b, 0);
  for (int i = 0; i < 6; i++) {
    if (i == 2) {
      assert_int_equal(qv_builder_append_null(b), QV_OK);
      continue;
    }
    for (int j = 0; j < i; j++) {
      assert_int_equal(qv_builder_append_string(qv_builder_child(entries, 0), words[j % 4], -1), QV_OK);
      assert_int_equal(qv_builder_append_int32(qv_builder_child(entries, 1), i * j), QV_OK);
      assert_int_equal(qv_builder_finish_element(entries), QV_OK);
    }
    assert_int_equal(qv_builder_finish_element(b), QV_OK);
  }
  roundtrip(finish(b));
  qv_type_release(mt);
}

/* ---- schema / field / type import ---- */

static void test_schema_roundtrip_with_metadata_and_flags(void **state) {
  (void)state;
  qv_metadata *smd = NULL, *fmd = NULL;
  assert_int_equal(qv_metadata_new(&smd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(smd, "k", -1, "v", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_new(&fmd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(fmd, "doc", -1, "bytes\0ok", 8, NULL), QV_OK);
  qv_type *map_t = NULL, *dict_t = NULL, *ext_t = NULL, *dict_ext = NULL;
  assert_int_equal(qv_type_map(qv_type_int32(), qv_type_string(), true, &map_t, NULL), QV_OK);
  assert_int_equal(qv_type_dictionary(qv_type_uint8(), qv_type_string(), true, &dict_t, NULL), QV_OK);
  assert_int_equal(qv_type_extension("my.ext", "params", 6, qv_type_int64(), &ext_t, NULL), QV_OK);
  assert_int_equal(qv_type_extension("my.dictext", NULL, 0, dict_t, &dict_ext, NULL), QV_OK);
  qv_field *f[5];
  assert_int_equal(qv_field_new("m", map_t, true, NULL, &f[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("d", dict_t, false, fmd, &f[1], NULL), QV_OK);
  assert_int_equal(qv_field_new("e", ext_t, true, fmd, &f[2], NULL), QV_OK);
  assert_int_equal(qv_field_new("", qv_type_null(), true, NULL, &f[3], NULL), QV_OK);
  assert_int_equal(qv_field_new("de", dict_ext, true, NULL, &f[4], NULL), QV_OK);
  qv_schema *s = NULL, *back = NULL;
  assert_int_equal(qv_schema_new(f, 5, smd, &s, NULL), QV_OK);
  struct ArrowSchema c;
  qv_error err;
  assert_int_equal(qv_schema_export(s, &c, NULL), QV_OK);
  if (qv_schema_import(&c, &back, &err) != QV_OK) fail_msg("%s", err.message);
  assert_null(c.release);
  assert_true(qv_schema_equals(s, back, true));
  /* extension keys became the type; the field keeps only its own metadata */
  assert_int_equal(back->fields[2]->type->id, QV_TYPE_EXTENSION);
  assert_string_equal(back->fields[2]->type->extension_name, "my.ext");
  assert_int_equal(back->fields[2]->type->extension_metadata_len, 6);
  assert_true(qv_metadata_equals(back->fields[2]->metadata, fmd));
  assert_true(back->fields[0]->type->keys_sorted);
  assert_true(back->fields[1]->type->ordered);
  assert_int_equal(back->fields[4]->type->storage_type->id, QV_TYPE_DICTIONARY);
  qv_schema_release(back);
  qv_schema_release(s);
  for (int i = 0; i < 5; i++) qv_field_release(f[i]);
  qv_type_release(map_t);
  qv_type_release(dict_t);
  qv_type_release(ext_t);
  qv_type_release(dict_ext);
  qv_metadata_free(smd);
  qv_metadata_free(fmd);
}

/* A hand-made producer schema (one level), counting releases. */
typedef struct sp_priv {
  int *counter;
} sp_priv;

static void sp_release(struct ArrowSchema *s) {
  sp_priv *p = s->private_data;
  for (int64_t i = 0; i < s->n_children; i++)
    if (s->children[i]->release) s->children[i]->release(s->children[i]);
  if (p != NULL && p->counter != NULL) (*p->counter)++;
  free(p);
  s->release = NULL;
}

static void sp_init(struct ArrowSchema *s, const char *format, const char *name, int64_t flags, int *counter) {
  memset(s, 0, sizeof *s);
  s->format = format;
  s->name = name;
  s->flags = flags;
  sp_priv *p = malloc(sizeof *p);
  assert_non_null(p);
  p->counter = counter;
  s->private_data = p;
  s->release = sp_release;
}

static void test_field_import_from_foreign_producer(void **state) {
  (void)state;
  int released = 0;
  struct ArrowSchema kid, parent;
  struct ArrowSchema *kids[1] = {&kid};
  sp_init(&kid, "tsu:UTC", NULL, ARROW_FLAG_NULLABLE, NULL);
  sp_init(&parent, "+l", "events", 0, &released);
  parent.n_children = 1;
  parent.children = kids;
  /* extension metadata without the name key stays plain metadata */
  static const char md[] = "\x01\x00\x00\x00\x18\x00\x00\x00" "ARROW:extension:metadata" "\x01\x00\x00\x00" "x";
  parent.metadata = md;
  qv_field *f = NULL;
  qv_error err;
  if (qv_field_import(&parent, &f, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(released, 1);
  assert_null(parent.release);
  assert_string_equal(f->name, "events");
  assert_false(f->nullable);
  assert_int_equal(f->type->id, QV_TYPE_LIST);
  assert_string_equal(f->type->children[0]->name, ""); /* NULL name -> "" */
  assert_true(f->type->children[0]->nullable);
  assert_string_equal(f->type->children[0]->type->timezone, "UTC");
  uint16_t probe = 1;
  if (*(uint8_t *)&probe == 1) {
    assert_non_null(f->metadata);
    assert_int_equal(f->metadata->n, 1);
    assert_string_equal(f->metadata->pairs[0].value, "x");
  }
  qv_field_release(f);
}

/* ---- buffer sizing ---- */

static void test_import_sizes_buffers_from_offsets_and_sizes(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  int32_t offs[4] = {2, 4, 4, 9};
  tp_init(&a, 2, 0, 1, 3, &released); /* slots 1..2 of 3: L = 3 */
  const void *op = tp_buf(&a, 1, offs, sizeof offs);
  const void *dp = tp_buf(&a, 2, "..abcdefghij", 12);
  qv_array *out = NULL;
  qv_error err;
  if (qv_array_import(&a, qv_type_string(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_null(a.release);
  assert_int_equal(out->offset, 1);
  assert_int_equal(out->length, 2);
  assert_ptr_equal(out->buffers[1]->data, op);
  assert_ptr_equal(out->buffers[2]->data, dp);
  assert_int_equal(out->buffers[1]->size, 16);  /* (L + 1) * 4 */
  assert_int_equal(out->buffers[2]->size, 9);   /* offsets[L] */
  assert_null(out->buffers[0]);
  int64_t len;
  const uint8_t *v = qv_array_binary_value(out, 1, &len);
  assert_int_equal(len, 5);
  assert_memory_equal(v, "cdefg", 5); /* data[offsets[2], offsets[3]) */
  assert_int_equal(released, 0);
  qv_array_release(out);
  assert_int_equal(released, 1);

  /* views: variadic sizes come from the trailing buffer */
  qv_view views[1];
  memset(views, 0, sizeof views);
  views[0].ref.size = 13;
  views[0].ref.buffer_index = 1;
  int64_t sizes[2] = {3, 13};
  tp_init(&a, 1, 0, 0, 5, &released);
  tp_buf(&a, 1, views, sizeof views);
  tp_buf(&a, 2, "abc", 3);
  tp_buf(&a, 3, "thirteen char", 13);
  tp_buf(&a, 4, sizes, sizeof sizes);
  if (qv_array_import(&a, qv_type_binary_view(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(out->n_buffers, 4); /* quiver keeps no sizes buffer */
  assert_int_equal(out->buffers[1]->size, 16);
  assert_int_equal(out->buffers[2]->size, 3);
  assert_int_equal(out->buffers[3]->size, 13);
  v = qv_array_view_value(out, 0, &len);
  assert_int_equal(len, 13);
  assert_memory_equal(v, "thirteen char", 13);
  qv_array_release(out);
  assert_int_equal(released, 2);

  /* bool and validity: ceil(L / 8) */
  uint8_t bits[2] = {0xff, 0x03};
  tp_init(&a, 7, 1, 3, 2, &released);
  tp_buf(&a, 0, bits, 2);
  tp_buf(&a, 1, bits, 2);
  if (qv_array_import(&a, qv_type_bool(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(out->buffers[0]->size, 2);
  assert_int_equal(out->buffers[1]->size, 2);
  assert_int_equal(out->null_count, 1);
  qv_array_release(out);
  assert_int_equal(released, 3);
}

static void test_import_empty_arrays_with_null_buffers(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray a;
  qv_array *out = NULL;
  qv_error err;
  /* length 0, every buffer NULL: sizes are 0 except offsets, tolerated */
  tp_init(&a, 0, 0, 0, 3, &released);
  if (qv_array_import(&a, qv_type_string(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(out->length, 0);
  assert_non_null(out->buffers[1]);
  assert_int_equal(((const int32_t *)(const void *)out->buffers[1]->data)[0], 0);
  qv_array_release(out);
  tp_init(&a, 0, 0, 0, 2, &released);
  if (qv_array_import(&a, qv_type_int64(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_null(out->buffers[1]);
  qv_array_release(out);
  /* null_count -1 with no bitmap: all valid */
  int32_t v[2] = {1, 2};
  tp_int32(&a, v, 2, NULL, -1, &released);
  if (qv_array_import(&a, qv_type_int32(), &out, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(qv_array_null_count(out), 0);
  qv_array_release(out);
  assert_int_equal(released, 3);
}

/* ---- ownership: exactly one producer release ---- */

/* struct<a: int32, b: utf8> from the test producer. */
static void make_producer_struct(struct ArrowArray *root, int *counter, const void **a_values) {
  struct ArrowArray a, b;
  int32_t iv[4] = {1, 2, 3, 4};
  int32_t offs[5] = {0, 1, 3, 3, 6};
  tp_int32(&a, iv, 4, NULL, 0, NULL);
  *a_values = a.buffers[1];
  tp_init(&b, 4, 0, 0, 3, NULL);
  tp_buf(&b, 1, offs, sizeof offs);
  tp_buf(&b, 2, "abbccc", 6);
  tp_init(root, 4, 0, 0, 1, counter);
  tp_child(root, &a);
  tp_child(root, &b);
}

static qv_type *struct_type(void) {
  qv_field *fs[2] = {mkfield("a", qv_type_int32(), true), mkfield("b", qv_type_string(), true)};
  qv_type *t = NULL;
  assert_int_equal(qv_type_struct(fs, 2, &t, NULL), QV_OK);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  return t;
}

static void test_producer_released_once_across_slices_and_reexports(void **state) {
  (void)state;
  qv_type *t = struct_type();
  /* Six release orders of: the import, a slice, a re-import of a re-export. */
  static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int o = 0; o < 6; o++) {
    int released = 0;
    struct ArrowArray root;
    const void *a_values = NULL;
    make_producer_struct(&root, &released, &a_values);
    qv_array *held[3] = {NULL, NULL, NULL};
    qv_error err;
    if (qv_array_import(&root, t, &held[0], &err) != QV_OK) fail_msg("%s", err.message);
    assert_null(root.release);
    assert_ptr_equal(held[0]->children[0]->buffers[1]->data, a_values); /* zero-copy */
    qv_array *child_slice = NULL;
    assert_int_equal(qv_array_slice(held[0]->children[1], 1, 2, &child_slice, NULL), QV_OK);
    held[1] = child_slice;
    /* re-export the whole import and import it again (a second holder) */
    struct ArrowArray again;
    assert_int_equal(qv_array_export(held[0], &again, NULL), QV_OK);
    if (qv_array_import(&again, t, &held[2], &err) != QV_OK) fail_msg("%s", err.message);
    assert_ptr_equal(held[2]->children[0]->buffers[1]->data, a_values);
    for (int k = 0; k < 3; k++) {
      assert_int_equal(released, 0);
      qv_array_release(held[orders[o][k]]);
    }
    assert_int_equal(released, 1);
  }
  qv_type_release(t);
}

static void test_producer_released_once_on_failure(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray root;
  const void *a_values;
  make_producer_struct(&root, &released, &a_values);
  qv_error err;
  qv_array *out = NULL;
  /* wrong type: struct with 2 children imported as int32 */
  assert_error(qv_array_import(&root, qv_type_int32(), &out, &err), QV_ERR_INVALID_DATA, &err, "int32 array needs 2 buffers");
  assert_int_equal(released, 1);
  assert_null(root.release);
  assert_null(out);
  /* failure deep in a child after other buffers were wrapped */
  make_producer_struct(&root, &released, &a_values);
  root.children[1]->buffers[2] = NULL; /* utf8 data missing */
  qv_type *t = struct_type();
  assert_error(qv_array_import(&root, t, &out, &err), QV_ERR_INVALID_DATA, &err, "child 1 ('b'): buffer 2 (data) is NULL");
  assert_int_equal(released, 2);
  /* NULL type: still takes ownership */
  make_producer_struct(&root, &released, &a_values);
  assert_error(qv_array_import(&root, NULL, &out, &err), QV_ERR_INVALID_ARGUMENT, &err, "type is NULL");
  assert_int_equal(released, 3);
  qv_type_release(t);
}

static void test_batch_import_slices_by_struct_offset(void **state) {
  (void)state;
  int released = 0;
  struct ArrowArray root;
  const void *a_values;
  make_producer_struct(&root, &released, &a_values);
  root.offset = 1;
  root.length = 2;
  qv_field *fs[2] = {mkfield("a", qv_type_int32(), true), mkfield("b", qv_type_string(), true)};
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(fs, 2, NULL, &schema, NULL), QV_OK);
  qv_batch *batch = NULL;
  qv_error err;
  if (qv_batch_import(&root, schema, &batch, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(batch->length, 2);
  assert_int_equal(batch->columns[0]->offset, 1);
  assert_int_equal(batch->columns[0]->length, 2);
  assert_int_equal(qv_array_int32_value(batch->columns[0], 0), 2);
  int64_t len;
  const uint8_t *v = qv_array_binary_value(batch->columns[1], 1, &len);
  assert_int_equal(len, 0);
  v = qv_array_binary_value(batch->columns[1], 0, &len);
  assert_memory_equal(v, "bb", 2);
  qv_schema_release(schema);
  assert_int_equal(released, 0);
  qv_batch_release(batch);
  assert_int_equal(released, 1);

  /* batch export -> import round trip */
  int32_t iv[3] = {4, 5, 6};
  qv_array *cols[2] = {ta_int32(iv, 3), NULL};
  const char *w[3] = {"p", "q", "r"};
  cols[1] = ta_utf8(w, 3);
  assert_int_equal(qv_schema_new(fs, 2, NULL, &schema, NULL), QV_OK);
  qv_batch *orig = NULL;
  assert_int_equal(qv_batch_new(schema, 3, cols, NULL, &orig, NULL), QV_OK);
  struct ArrowArray exp;
  assert_int_equal(qv_batch_export(orig, &exp, NULL), QV_OK);
  if (qv_batch_import(&exp, schema, &batch, &err) != QV_OK) fail_msg("%s", err.message);
  for (int i = 0; i < 2; i++) assert_same_array(orig->columns[i], batch->columns[i], true);
  qv_batch_release(orig);
  qv_batch_release(batch);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  qv_schema_release(schema);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_primitives),
      cmocka_unit_test(test_roundtrip_parameterised_fixed_width),
      cmocka_unit_test(test_roundtrip_binary_family),
      cmocka_unit_test(test_roundtrip_nested),
      cmocka_unit_test(test_roundtrip_unions_dictionary_ree_extension),
      cmocka_unit_test(test_roundtrip_builder_made_arrays),
      cmocka_unit_test(test_schema_roundtrip_with_metadata_and_flags),
      cmocka_unit_test(test_field_import_from_foreign_producer),
      cmocka_unit_test(test_import_sizes_buffers_from_offsets_and_sizes),
      cmocka_unit_test(test_import_empty_arrays_with_null_buffers),
      cmocka_unit_test(test_producer_released_once_across_slices_and_reexports),
      cmocka_unit_test(test_producer_released_once_on_failure),
      cmocka_unit_test(test_batch_import_slices_by_struct_offset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
