/* JSON reader on the arrow-testing gold files: every
 * data/arrow-ipc-stream/integration/<dir>/generated_*.json.gz parses, and
 * every column (and dictionary) passes full validation; spot checks compare
 * decoded values with values read off the JSON by eye. Fails when
 * arrow-testing is absent (see json_test_util.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "json/json_test_util.h"
#include "quiver/json.h"
#include "quiver/validate.h"

static qv_json_file *gold(const char *rel) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/%s", qvt_testing_root(), QVT_GOLD_SUBDIR, rel);
  qv_error err;
  qv_json_file *f = NULL;
  qv_status st = qv_json_read_path(path, &f, &err);
  if (st != QV_OK) print_message("%s\n", err.message);
  assert_int_equal(st, QV_OK);
  return f;
}

#define GOLD(var, rel) qv_json_file *var = gold(rel)

/* Old generators (0.14.1, 0.17.1, 1.0.0-*) wrote decimals beyond their
 * precision, date64 values that are not whole days and times of day equal
 * to 24:00:00: those columns get structural checks only. */
static qv_validate_level level_for(const char *path, const qv_type *t) {
  if (!qvt_legacy_dir(path)) return QV_VALIDATE_FULL;
  const qv_type *s = qv_type_storage(t);
  if (s->id == QV_TYPE_DATE64 || s->id == QV_TYPE_TIME32 || s->id == QV_TYPE_TIME64 ||
      (s->id >= QV_TYPE_DECIMAL32 && s->id <= QV_TYPE_DECIMAL256)) {
    return QV_VALIDATE_STRUCTURE;
  }
  return QV_VALIDATE_FULL;
}

static void test_every_gold_file(void **state) {
  (void)state;
  glob_t g;
  size_t n = qvt_gold_glob(qvt_testing_root(), "generated_*.json.gz", &g);
  assert_true(n >= 60); /* 69 at arrow-testing 9cfebfef */
  size_t columns = 0, dicts = 0;
  for (size_t i = 0; i < n; i++) {
    const char *path = g.gl_pathv[i];
    qv_error err;
    qv_json_file *f = NULL;
    qv_status st = qv_json_read_path(path, &f, &err);
    if (st != QV_OK) print_message("%s: %s\n", qvt_short_name(path), err.message);
    assert_int_equal(st, QV_OK);
    for (int64_t b = 0; b < f->n_batches; b++) {
      const qv_batch *batch = f->batches[b];
      assert_ptr_equal(batch->schema, f->schema);
      for (int32_t c = 0; c < batch->n_columns; c++) {
        const qv_array *a = batch->columns[c];
        st = qv_array_validate(a, level_for(path, a->type), &err);
        if (st != QV_OK) {
          print_message("%s batch %lld column '%s': %s\n", qvt_short_name(path), (long long)b,
                        f->schema->fields[c]->name, err.message);
        }
        assert_int_equal(st, QV_OK);
        assert_true(qv_type_equals(a->type, f->schema->fields[c]->type, true));
        columns++;
      }
    }
    for (int64_t d = 0; d < f->n_dictionaries; d++) {
      assert_int_equal(qv_array_validate(f->dictionaries[d].values, QV_VALIDATE_FULL, &err), QV_OK);
      dicts++;
    }
    qv_json_file_free(f);
  }
  print_message("%zu gold files, %zu columns, %zu dictionaries: all valid\n", n, columns, dicts);
  globfree(&g);
}

static void test_legacy_decimals_beyond_precision(void **state) {
  (void)state;
  GOLD(f, "0.14.1/generated_decimal.json.gz");
  /* f0 is decimal(3, 2) holding "-11697" in its first slot: the bytes are
   * kept (compare values, not precision), full validation flags it */
  const qv_array *a = f->batches[0]->columns[0];
  assert_int_equal(a->type->precision, 3);
  assert_int_equal(a->type->bit_width, 128);
  uint64_t w[4];
  qv_array_decimal_value(a, 0, w);
  assert_true((int64_t)w[0] == -11697 && w[1] == UINT64_MAX);
  qv_error err;
  assert_int_equal(qv_array_validate(a, QV_VALIDATE_STRUCTURE, &err), QV_OK);
  assert_int_equal(qv_array_validate(a, QV_VALIDATE_FULL, &err), QV_ERR_INVALID_DATA);
  qv_json_file_free(f);
}

static void test_primitive_values(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_primitive.json.gz");
  assert_int_equal(f->n_batches, 2);
  const qv_batch *b = f->batches[0];
  assert_int_equal(b->length, 17);
  /* bool_nullable: VALIDITY [0,0,1,0...], DATA [false,true,true,true...] */
  const qv_array *a = qv_batch_column_by_name(b, "bool_nullable");
  assert_false(qv_array_is_valid(a, 0));
  assert_true(qv_array_is_valid(a, 2));
  assert_true(qv_array_bool_value(a, 2));
  a = qv_batch_column_by_name(b, "int8_nullable");
  assert_int_equal(qv_array_values_int8(a)[0], -128);
  assert_int_equal(qv_array_values_int8(a)[1], 127);
  assert_int_equal(qv_array_values_int8(a)[3], -90);
  a = qv_batch_column_by_name(b, "int64_nullable"); /* VALIDITY [0,1,..], DATA ["-2147483648","2147483647",..] */
  assert_true(qv_array_is_valid(a, 1));
  assert_true(qv_array_values_int64(a)[1] == 2147483647);
  a = qv_batch_column_by_name(b, "uint64_nonnullable");
  assert_true(qv_array_values_uint64(a)[2] == 1445584989u);
  a = qv_batch_column_by_name(b, "uint16_nullable");
  assert_int_equal(qv_array_values_uint16(a)[2], 45829);
  a = qv_batch_column_by_name(b, "float32_nullable");
  assert_true(qv_array_values_float32(a)[0] == 641.818f);
  a = qv_batch_column_by_name(b, "float64_nonnullable");
  assert_true(qv_array_values_float64(a)[2] == 2613.999);
  assert_false(qv_batch_column_by_name(b, "float64_nonnullable") == NULL);
  qv_json_file_free(f);
}

static void test_decimal256_value(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_decimal256.json.gz");
  const qv_array *a = f->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_DECIMAL256);
  assert_int_equal(a->type->precision, 37);
  assert_int_equal(a->type->scale, 5);
  /* DATA[1] = "-2031123033167196931846941783813867591" */
  static const uint8_t want[32] = {0xB9, 0xB7, 0x2A, 0x74, 0x56, 0xC9, 0xA5, 0x6F, 0xCA, 0x31, 0x86,
                                   0x20, 0xE7, 0xD1, 0x78, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  assert_memory_equal(qv_array_fixed_value(a, 1), want, 32);
  assert_true(qv_array_is_valid(a, 1));
  qv_json_file_free(f);
}

static void test_views_values(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_binary_view.json.gz");
  assert_int_equal(f->n_batches, 3);
  const qv_batch *b = f->batches[2];
  int64_t len;
  /* bv VIEWS[18] = {SIZE 17, PREFIX_HEX 20E3FA45, BUFFER_INDEX 0, OFFSET 0} */
  const qv_array *bv = b->columns[0];
  assert_int_equal(bv->n_buffers, 2 + 3);
  const uint8_t *v = qv_array_view_value(bv, 18, &len);
  assert_int_equal(len, 17);
  assert_memory_equal(v, "\x20\xE3\xFA\x45\xDF\x38\xB7\xBE\x18\x19\x6C\xF7\x27\xC4\xAF\x8F\xBC", 17);
  v = qv_array_view_value(bv, 0, &len); /* {SIZE 3, INLINED 5FCDED} */
  assert_int_equal(len, 3);
  assert_memory_equal(v, "\x5F\xCD\xED", 3);
  /* sv VIEWS[38] = {SIZE 14, PREFIX_HEX 6BE282AC, ...}: "k€g矢€lÂ"; VIEWS[0] INLINED "h6kmm42" */
  const qv_array *sv = b->columns[1];
  v = qv_array_view_value(sv, 38, &len);
  assert_int_equal(len, 14);
  assert_memory_equal(v, "k\xe2\x82\xacg\xe7\x9f\xa2\xe2\x82\xacl\xc3\x82", 14);
  v = qv_array_view_value(sv, 0, &len);
  assert_int_equal(len, 7);
  assert_memory_equal(v, "h6kmm42", 7);
  qv_json_file_free(f);
}

static void test_union_values(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_union.json.gz");
  const qv_batch *b = f->batches[1];
  assert_int_equal(b->length, 11);
  /* sparse_1: typeIds [5,7], TYPE_ID[0] = 7 -> f2 "ôhdf11p" */
  const qv_array *s = b->columns[0];
  assert_int_equal(s->type->id, QV_TYPE_SPARSE_UNION);
  assert_int_equal(qv_array_union_type_code(s, 0), 7);
  int64_t len;
  const uint8_t *v = qv_array_binary_value(s->children[1], 0, &len);
  assert_int_equal(len, 8);
  assert_memory_equal(v, "\xc3\xb4hdf11p", 8);
  /* dense_2: typeIds [42,43,44]; slot 9 is (42, offset 1) -> f1 DATA[1] = 255 */
  const qv_array *d = b->columns[3];
  assert_int_equal(d->type->id, QV_TYPE_DENSE_UNION);
  assert_int_equal(qv_array_union_type_code(d, 9), 42);
  assert_int_equal(qv_array_union_child_offset(d, 9), 1);
  assert_int_equal(qv_array_values_uint8(d->children[0])[1], 255);
  assert_int_equal(d->children[2]->type->id, QV_TYPE_NULL);
  assert_int_equal(d->children[2]->length, 6);
  qv_json_file_free(f);
  /* 0.17.1 unions still carry a VALIDITY member: read all the same */
  GOLD(old, "0.17.1/generated_union.json.gz");
  assert_int_equal(old->batches[1]->columns[0]->n_buffers, 1);
  assert_int_equal(qv_array_union_type_code(old->batches[1]->columns[0], 0), 5);
  qv_json_file_free(old);
}

static void test_temporal_values(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_datetime.json.gz");
  const qv_batch *b = f->batches[0];
  const qv_array *a = qv_batch_column_by_name(b, "f9"); /* timestamp[ns], DATA[0] "-9223372036854775808" */
  assert_int_equal(a->type->unit, QV_UNIT_NANO);
  assert_true(qv_array_values_int64(a)[0] == INT64_MIN);
  a = qv_batch_column_by_name(b, "f14");
  assert_string_equal(a->type->timezone, "US/Pacific");
  assert_true(qv_array_values_int64(a)[1] == INT64_MAX);
  a = qv_batch_column_by_name(b, "f0"); /* date32, DATA[0] 2126947 */
  assert_int_equal(qv_array_values_int32(a)[0], 2126947);
  qv_json_file_free(f);

  GOLD(m, "cpp-21.0.0/generated_interval_mdn.json.gz");
  /* DATA[0] = {months 1493908993, days -474729930, nanoseconds 8820212087008106548} */
  const uint8_t *p = m->batches[0]->columns[0]->buffers[1]->data;
  int32_t md[2];
  int64_t ns;
  memcpy(md, p, 8);
  memcpy(&ns, p + 8, 8);
  assert_int_equal(md[0], 1493908993);
  assert_int_equal(md[1], -474729930);
  assert_true(ns == 8820212087008106548LL);
  qv_json_file_free(m);
}

static void test_dictionary_sharing(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_nested_dictionary.json.gz");
  /* id 0 (utf8) is used inside list_dict's values (id 1) and struct_dict's (id 2) */
  const qv_batch *b = f->batches[0];
  const qv_array *list_dict = b->columns[0], *struct_dict = b->columns[1];
  const qv_array *inner = list_dict->dictionary->children[0]->dictionary;
  assert_int_equal(inner->length, 10);
  assert_ptr_equal(struct_dict->dictionary->children[0]->dictionary, inner);
  assert_ptr_equal(struct_dict->dictionary->children[1]->dictionary, inner);
  assert_int_equal(f->n_dictionaries, 3);
  qv_json_file_free(f);

  GOLD(s, "4.0.0-shareddict/generated_shared_dict.json.gz");
  const qv_array *c1 = s->batches[0]->columns[0], *c2 = s->batches[0]->columns[1];
  assert_ptr_equal(c1->dictionary, c2->dictionary);
  int64_t len;
  const uint8_t *v = qv_array_binary_value(c2->dictionary, qv_array_dictionary_index(c2, 1), &len); /* DATA [1,2] */
  assert_int_equal(len, 3);
  assert_memory_equal(v, "baz", 3);
  qv_json_file_free(s);
}

static void test_extension_and_metadata(void **state) {
  (void)state;
  GOLD(f, "cpp-21.0.0/generated_extension.json.gz");
  const qv_field *u = f->schema->fields[0], *d = f->schema->fields[1];
  assert_int_equal(u->type->id, QV_TYPE_EXTENSION);
  assert_int_equal(u->type->canonical, QV_EXT_UUID);
  assert_null(u->metadata);
  assert_string_equal(d->type->extension_name, "dict-extension");
  assert_string_equal(d->type->extension_metadata, "dict-extension-serialized");
  assert_int_equal(d->type->storage_type->id, QV_TYPE_DICTIONARY);
  /* uuids DATA[0] = "16F75BB98E26F40069D8E4EEA676391A" */
  assert_memory_equal(qv_array_fixed_value(f->batches[1]->columns[0], 0), "\x16\xF7\x5B\xB9", 4);
  qv_json_file_free(f);

  GOLD(m, "cpp-21.0.0/generated_custom_metadata.json.gz");
  assert_int_equal(m->schema->metadata->n, 2);
  assert_string_equal(m->schema->metadata->pairs[0].key, "schema_custom_0");
  assert_string_equal(m->schema->metadata->pairs[0].value, "{}");
  assert_int_equal(m->schema->fields[1]->metadata->n, 9);
  const qv_field *ux = m->schema->fields[2];
  assert_int_equal(ux->type->id, QV_TYPE_EXTENSION);
  assert_string_equal(ux->type->extension_name, "!nonexistent");
  assert_int_equal(ux->type->canonical, QV_EXT_NONE);
  assert_non_null(qv_metadata_find(ux->metadata, "ARROW:integration:allow_unregistered_extension"));
  qv_json_file_free(m);

  GOLD(mp, "cpp-21.0.0/generated_map_non_canonical.json.gz");
  const qv_type *t = mp->schema->fields[0]->type;
  assert_int_equal(t->id, QV_TYPE_MAP);
  assert_string_equal(t->children[0]->name, "some_entries");
  assert_string_equal(t->children[0]->type->children[1]->name, "some_value");
  qv_json_file_free(mp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_gold_file),
      cmocka_unit_test(test_legacy_decimals_beyond_precision),
      cmocka_unit_test(test_primitive_values),
      cmocka_unit_test(test_decimal256_value),
      cmocka_unit_test(test_views_values),
      cmocka_unit_test(test_union_values),
      cmocka_unit_test(test_temporal_values),
      cmocka_unit_test(test_dictionary_sharing),
      cmocka_unit_test(test_extension_and_metadata),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
