/* Tests of C Data export: arrays, batches, types, fields and schemas. Checks
 * the exported structs field by field, zero-copy (buffer addresses), the
 * release protocol (release sets NULL, children released by the parent,
 * moved children outliving their parent) and that references are dropped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cdata_test_util.h"
#include "quiver/field.h"
#include "quiver/schema.h"

static qv_field *mkfield(const char *name, qv_type *type, bool nullable, const qv_metadata *md) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, nullable, md, &f, NULL), QV_OK);
  return f;
}

static void test_export_int32_with_nulls(void **state) {
  (void)state;
  int32_t v[5] = {1, 2, 3, 4, 5};
  uint8_t valid = 0x1b; /* slot 2 null */
  qv_buffer *b[2] = {tb(&valid, 1), tb(v, sizeof v)};
  qv_array *a = ta(qv_type_int32(), 5, 0, 1, 2, b, 0, NULL, NULL);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(a, &out, NULL), QV_OK);
  assert_int_equal(a->refcount_, 2); /* the export holds one reference */
  assert_int_equal(out.length, 5);
  assert_int_equal(out.null_count, 1);
  assert_int_equal(out.offset, 0);
  assert_int_equal(out.n_buffers, 2);
  assert_int_equal(out.n_children, 0);
  assert_null(out.dictionary);
  assert_ptr_equal(out.buffers[0], a->buffers[0]->data);
  assert_ptr_equal(out.buffers[1], a->buffers[1]->data);
  assert_non_null(out.release);
  out.release(&out);
  assert_null(out.release);
  assert_int_equal(a->refcount_, 1);
  qv_array_release(a);
}

static void test_export_slice_keeps_offset(void **state) {
  (void)state;
  int64_t v[6] = {10, 11, 12, 13, 14, 15};
  qv_array *a = ta_int64(v, 6);
  qv_array *s = NULL;
  assert_int_equal(qv_array_slice(a, 2, 3, &s, NULL), QV_OK);
  qv_array_release(a); /* the slice keeps the buffers */
  struct ArrowArray out;
  assert_int_equal(qv_array_export(s, &out, NULL), QV_OK);
  qv_array_release(s); /* the export keeps the slice */
  assert_int_equal(out.offset, 2);
  assert_int_equal(out.length, 3);
  assert_null(out.buffers[0]);
  assert_int_equal(out.null_count, 0);
  assert_int_equal(((const int64_t *)out.buffers[1])[out.offset], 12);
  out.release(&out);
}

static void test_export_null_array(void **state) {
  (void)state;
  qv_array *a = NULL;
  assert_int_equal(qv_array_new_null(qv_type_null(), 4, &a, NULL), QV_OK);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(a, &out, NULL), QV_OK);
  assert_int_equal(out.n_buffers, 0);
  assert_int_equal(out.null_count, 4);
  assert_int_equal(out.length, 4);
  out.release(&out);
  qv_array_release(a);
}

static void test_export_view_gets_sizes_buffer(void **state) {
  (void)state;
  qv_view views[3];
  memset(views, 0, sizeof views);
  views[0].inlined.size = 3;
  memcpy(views[0].inlined.data, "abc", 3);
  const char *long0 = "a string longer than twelve";
  const char *long1 = "another string longer than 12";
  views[1].ref.size = (int32_t)strlen(long0);
  memcpy(views[1].ref.prefix, long0, 4);
  views[1].ref.buffer_index = 0;
  views[2].ref.size = (int32_t)strlen(long1);
  memcpy(views[2].ref.prefix, long1, 4);
  views[2].ref.buffer_index = 1;
  qv_buffer *b[4] = {NULL, tb(views, sizeof views), tb(long0, (int64_t)strlen(long0)), tb(long1, (int64_t)strlen(long1))};
  qv_array *a = ta(qv_type_string_view(), 3, 0, 0, 4, b, 0, NULL, NULL);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(a, &out, NULL), QV_OK);
  assert_int_equal(out.n_buffers, 5);
  assert_ptr_equal(out.buffers[2], a->buffers[2]->data);
  assert_ptr_equal(out.buffers[3], a->buffers[3]->data);
  const int64_t *sizes = out.buffers[4];
  assert_int_equal(sizes[0], (int64_t)strlen(long0));
  assert_int_equal(sizes[1], (int64_t)strlen(long1));
  out.release(&out);
  qv_array_release(a);
}

static qv_array *make_struct(qv_type **type_out) {
  int32_t iv[3] = {7, 8, 9};
  const char *sv[3] = {"x", "yy", "zzz"};
  qv_field *fa = mkfield("a", qv_type_int32(), true, NULL);
  qv_field *fb = mkfield("b", qv_type_string(), true, NULL);
  qv_field *fields[2] = {fa, fb};
  qv_type *st = NULL;
  assert_int_equal(qv_type_struct(fields, 2, &st, NULL), QV_OK);
  qv_field_release(fa);
  qv_field_release(fb);
  qv_array *kids[2] = {ta_int32(iv, 3), ta_utf8(sv, 3)};
  qv_buffer *none[1] = {NULL};
  qv_array *s = ta(st, 3, 0, 0, 1, none, 2, kids, NULL);
  *type_out = st;
  return s;
}

static void test_export_moved_child_outlives_parent(void **state) {
  (void)state;
  qv_type *st = NULL;
  qv_array *s = make_struct(&st);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(s, &out, NULL), QV_OK);
  qv_array_release(s);
  qv_type_release(st);
  assert_int_equal(out.n_children, 2);
  assert_int_equal(out.n_buffers, 1);
  /* Move child 1 (utf8) out, then release the parent at once (spec). */
  struct ArrowArray moved = *out.children[1];
  out.children[1]->release = NULL;
  out.release(&out);
  assert_null(out.release);
  /* The moved child is still valid: its data is readable. */
  assert_int_equal(moved.length, 3);
  const int32_t *off = moved.buffers[1];
  assert_int_equal(off[3], 6);
  assert_memory_equal(moved.buffers[2], "xyyzzz", 6);
  assert_non_null(moved.release);
  moved.release(&moved);
  assert_null(moved.release);
}

static void test_export_dictionary_array(void **state) {
  (void)state;
  const char *words[2] = {"lo", "hi"};
  int8_t idx[4] = {0, 1, 1, 0};
  qv_type *dt = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), true, &dt, NULL), QV_OK);
  qv_buffer *b[2] = {NULL, tb(idx, 4)};
  qv_array *a = ta(dt, 4, 0, 0, 2, b, 0, NULL, ta_utf8(words, 2));
  struct ArrowArray out;
  assert_int_equal(qv_array_export(a, &out, NULL), QV_OK);
  assert_non_null(out.dictionary);
  assert_int_equal(out.dictionary->n_buffers, 3);
  assert_int_equal(out.dictionary->length, 2);
  assert_ptr_equal(out.dictionary->buffers[2], a->dictionary->buffers[2]->data);
  out.release(&out);
  qv_array_release(a);

  struct ArrowSchema sch;
  assert_int_equal(qv_type_export(dt, &sch, NULL), QV_OK);
  assert_string_equal(sch.format, "c");
  assert_int_equal(sch.flags, ARROW_FLAG_NULLABLE | ARROW_FLAG_DICTIONARY_ORDERED);
  assert_non_null(sch.dictionary);
  assert_string_equal(sch.dictionary->format, "u");
  assert_int_equal(sch.n_children, 0);
  sch.release(&sch);
  assert_null(sch.release);
  qv_type_release(dt);
}

static void test_export_union_has_no_validity(void **state) {
  (void)state;
  int32_t iv[2] = {1, 2};
  const char *sv[2] = {"p", "q"};
  qv_field *fa = mkfield("i", qv_type_int32(), true, NULL);
  qv_field *fb = mkfield("s", qv_type_string(), true, NULL);
  qv_field *fields[2] = {fa, fb};
  int8_t codes[2] = {5, 7};
  qv_type *ut = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_SPARSE_UNION, fields, 2, codes, &ut, NULL), QV_OK);
  int8_t ids[2] = {5, 7};
  qv_buffer *b[1] = {tb(ids, 2)};
  qv_array *kids[2] = {ta_int32(iv, 2), ta_utf8(sv, 2)};
  qv_array *u = ta(ut, 2, 0, 0, 1, b, 2, kids, NULL);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(u, &out, NULL), QV_OK);
  assert_int_equal(out.n_buffers, 1);
  assert_int_equal(out.null_count, 0);
  assert_ptr_equal(out.buffers[0], u->buffers[0]->data);
  out.release(&out);
  struct ArrowSchema sch;
  assert_int_equal(qv_type_export(ut, &sch, NULL), QV_OK);
  assert_string_equal(sch.format, "+us:5,7");
  assert_string_equal(sch.children[1]->name, "s");
  sch.release(&sch);
  qv_array_release(u);
  qv_type_release(ut);
  qv_field_release(fa);
  qv_field_release(fb);
}

static void test_export_empty_binary_gets_offsets(void **state) {
  (void)state;
  qv_buffer *b[3] = {NULL, NULL, NULL};
  qv_array *a = ta(qv_type_binary(), 0, 0, 0, 3, b, 0, NULL, NULL);
  struct ArrowArray out;
  assert_int_equal(qv_array_export(a, &out, NULL), QV_OK);
  assert_non_null(out.buffers[1]); /* consumers read offsets[0] even when empty */
  assert_int_equal(((const int32_t *)out.buffers[1])[0], 0);
  out.release(&out);
  qv_array_release(a);
}

static void test_export_batch_as_struct(void **state) {
  (void)state;
  int32_t iv[3] = {1, 2, 3};
  const char *sv[3] = {"a", "b", "c"};
  qv_field *fa = mkfield("n", qv_type_int32(), false, NULL);
  qv_field *fb = mkfield("s", qv_type_string(), true, NULL);
  qv_field *fields[2] = {fa, fb};
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(fields, 2, NULL, &schema, NULL), QV_OK);
  qv_array *cols[2] = {ta_int32(iv, 3), ta_utf8(sv, 3)};
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 3, cols, NULL, &batch, NULL), QV_OK);
  struct ArrowArray out;
  assert_int_equal(qv_batch_export(batch, &out, NULL), QV_OK);
  assert_int_equal(batch->refcount_, 2);
  assert_int_equal(out.length, 3);
  assert_int_equal(out.null_count, 0);
  assert_int_equal(out.n_buffers, 1);
  assert_null(out.buffers[0]);
  assert_int_equal(out.n_children, 2);
  assert_ptr_equal(out.children[0]->buffers[1], cols[0]->buffers[1]->data);
  assert_ptr_equal(out.children[1]->buffers[2], cols[1]->buffers[2]->data);
  /* Release order: the quiver side first, then the export. */
  qv_batch_release(batch);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  assert_int_equal(((const int32_t *)out.children[0]->buffers[1])[2], 3);
  out.release(&out);
  assert_null(out.release);
  qv_schema_release(schema);
  qv_field_release(fa);
  qv_field_release(fb);
}

/* Decodes one exported metadata string for checks. */
static qv_metadata *decode(const char *md) {
  qv_metadata *out = NULL;
  assert_int_equal(qv_cdata_metadata_decode(md, &out, NULL), QV_OK);
  return out;
}

static void test_schema_export_fields_flags_metadata(void **state) {
  (void)state;
  qv_metadata *fmd = NULL, *smd = NULL;
  assert_int_equal(qv_metadata_new(&fmd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(fmd, "unit", -1, "cm", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_new(&smd, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(smd, "origin", -1, "test", -1, NULL), QV_OK);

  qv_type *list_t = NULL, *map_t = NULL, *dict_t = NULL, *fsb = NULL, *uuid = NULL, *ts = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_string(), &list_t, NULL), QV_OK);
  assert_int_equal(qv_type_map(qv_type_string(), qv_type_int64(), true, &map_t, NULL), QV_OK);
  assert_int_equal(qv_type_dictionary(qv_type_int32(), qv_type_large_string(), false, &dict_t, NULL), QV_OK);
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", "", 0, fsb, &uuid, NULL), QV_OK);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &ts, NULL), QV_OK);
  qv_field *f[6] = {mkfield("a", qv_type_int32(), true, fmd), mkfield("l", list_t, false, NULL),
                    mkfield("m", map_t, true, NULL),          mkfield("d", dict_t, true, NULL),
                    mkfield("u", uuid, false, fmd),           mkfield("t", ts, true, NULL)};
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(f, 6, smd, &schema, NULL), QV_OK);

  struct ArrowSchema out;
  assert_int_equal(qv_schema_export(schema, &out, NULL), QV_OK);
  assert_string_equal(out.format, "+s");
  assert_int_equal(out.flags, 0);
  assert_int_equal(out.n_children, 6);
  qv_metadata *md = decode(out.metadata);
  assert_true(qv_metadata_equals(md, smd));
  qv_metadata_free(md);

  struct ArrowSchema *c = out.children[0];
  assert_string_equal(c->format, "i");
  assert_string_equal(c->name, "a");
  assert_int_equal(c->flags, ARROW_FLAG_NULLABLE);
  md = decode(c->metadata);
  assert_true(qv_metadata_equals(md, fmd));
  qv_metadata_free(md);

  c = out.children[1];
  assert_string_equal(c->format, "+l");
  assert_int_equal(c->flags, 0);
  assert_null(c->metadata);
  assert_int_equal(c->n_children, 1);
  assert_string_equal(c->children[0]->name, "item");
  assert_string_equal(c->children[0]->format, "u");

  c = out.children[2];
  assert_string_equal(c->format, "+m");
  assert_int_equal(c->flags, ARROW_FLAG_NULLABLE | ARROW_FLAG_MAP_KEYS_SORTED);
  assert_string_equal(c->children[0]->name, "entries");
  assert_string_equal(c->children[0]->format, "+s");
  assert_int_equal(c->children[0]->flags, 0);
  assert_string_equal(c->children[0]->children[0]->name, "key");
  assert_int_equal(c->children[0]->children[0]->flags, 0);
  assert_string_equal(c->children[0]->children[1]->format, "l");

  c = out.children[3];
  assert_string_equal(c->format, "i");
  assert_int_equal(c->flags, ARROW_FLAG_NULLABLE);
  assert_string_equal(c->dictionary->format, "U");

  c = out.children[4];
  assert_string_equal(c->format, "w:16");
  assert_int_equal(c->flags, 0);
  md = decode(c->metadata);
  assert_int_equal(md->n, 3); /* field metadata first, then the two extension keys */
  assert_string_equal(md->pairs[0].key, "unit");
  assert_string_equal(md->pairs[1].key, "ARROW:extension:name");
  assert_string_equal(md->pairs[1].value, "arrow.uuid");
  assert_string_equal(md->pairs[2].key, "ARROW:extension:metadata");
  assert_int_equal(md->pairs[2].value_len, 0);
  qv_metadata_free(md);

  assert_string_equal(out.children[5]->format, "tsm:UTC");

  /* Move a child out, release the parent, then the child. */
  struct ArrowSchema moved = *out.children[2];
  out.children[2]->release = NULL;
  out.release(&out);
  assert_null(out.release);
  assert_string_equal(moved.children[0]->children[0]->format, "u");
  moved.release(&moved);
  assert_null(moved.release);

  for (int i = 0; i < 6; i++) qv_field_release(f[i]);
  qv_schema_release(schema);
  qv_type_release(list_t);
  qv_type_release(map_t);
  qv_type_release(dict_t);
  qv_type_release(fsb);
  qv_type_release(uuid);
  qv_type_release(ts);
  qv_metadata_free(fmd);
  qv_metadata_free(smd);
}

static void test_type_and_field_export(void **state) {
  (void)state;
  struct ArrowSchema out;
  assert_int_equal(qv_type_export(qv_type_float64(), &out, NULL), QV_OK);
  assert_string_equal(out.format, "g");
  assert_string_equal(out.name, "");
  assert_int_equal(out.flags, ARROW_FLAG_NULLABLE);
  assert_null(out.metadata);
  assert_int_equal(out.n_children, 0);
  assert_null(out.dictionary);
  out.release(&out);
  qv_field *f = mkfield("price", qv_type_float32(), false, NULL);
  assert_int_equal(qv_field_export(f, &out, NULL), QV_OK);
  assert_string_equal(out.format, "f");
  assert_string_equal(out.name, "price");
  assert_int_equal(out.flags, 0);
  out.release(&out);
  qv_field_release(f);
  qv_error err;
  assert_error(qv_type_export(NULL, &out, &err), QV_ERR_INVALID_ARGUMENT, &err, "type is NULL");
  assert_null(out.release);
}

static void test_field_export_replaces_stale_extension_keys(void **state) {
  (void)state;
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "ARROW:extension:name", -1, "stale.name", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "keep", -1, "me", -1, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "ARROW:extension:metadata", -1, "stale", -1, NULL), QV_OK);
  qv_type *ext = NULL;
  assert_int_equal(qv_type_extension("my.ext", "fresh", 5, qv_type_int16(), &ext, NULL), QV_OK);
  qv_field *f = mkfield("e", ext, true, md);
  struct ArrowSchema out;
  assert_int_equal(qv_field_export(f, &out, NULL), QV_OK);
  assert_string_equal(out.format, "s");
  qv_metadata *got = decode(out.metadata);
  assert_int_equal(got->n, 3);
  assert_string_equal(got->pairs[0].key, "keep");
  assert_string_equal(qv_metadata_find(got, "ARROW:extension:name")->value, "my.ext");
  assert_string_equal(qv_metadata_find(got, "ARROW:extension:metadata")->value, "fresh");
  qv_metadata_free(got);
  out.release(&out);
  /* a plain type keeps such keys untouched */
  qv_field *g = mkfield("p", qv_type_int16(), true, md);
  assert_int_equal(qv_field_export(g, &out, NULL), QV_OK);
  got = decode(out.metadata);
  assert_true(qv_metadata_equals(got, md));
  qv_metadata_free(got);
  out.release(&out);
  qv_field_release(f);
  qv_field_release(g);
  qv_type_release(ext);
  qv_metadata_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_export_int32_with_nulls),
      cmocka_unit_test(test_export_slice_keeps_offset),
      cmocka_unit_test(test_export_null_array),
      cmocka_unit_test(test_export_view_gets_sizes_buffer),
      cmocka_unit_test(test_export_moved_child_outlives_parent),
      cmocka_unit_test(test_export_dictionary_array),
      cmocka_unit_test(test_export_union_has_no_validity),
      cmocka_unit_test(test_export_empty_binary_gets_offsets),
      cmocka_unit_test(test_export_batch_as_struct),
      cmocka_unit_test(test_schema_export_fields_flags_metadata),
      cmocka_unit_test(test_type_and_field_export),
      cmocka_unit_test(test_field_export_replaces_stale_extension_keys),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
