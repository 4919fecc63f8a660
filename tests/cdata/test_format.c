/* Tests of C Data format strings (parse and print) and of the binary
 * metadata codec. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cdata_test_util.h"
#include "quiver/field.h"

static qv_field *mkfield(const char *name, qv_type *type, bool nullable) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, nullable, NULL, &f, NULL), QV_OK);
  return f;
}

/* Parses `fmt` with the given children, prints it back and compares. */
static void roundtrip(const char *fmt, qv_field *const *kids, int32_t n, const char *expect_print) {
  qv_type *t = NULL;
  qv_error err;
  qv_status st = qv_type_from_format(fmt, 0, kids, n, &t, &err);
  if (st != QV_OK) fail_msg("format '%s': %s", fmt, err.message);
  char buf[256];
  int64_t len = qv_type_to_format(t, buf, sizeof buf);
  const char *want = expect_print ? expect_print : fmt;
  assert_string_equal(buf, want);
  assert_int_equal(len, (int64_t)strlen(want));
  qv_type_release(t);
}

static void test_every_leaf_format_roundtrips(void **state) {
  (void)state;
  static const char *const formats[] = {
      "n",   "b",   "c",   "C",   "s",   "S",   "i",   "I",   "l",   "L",   "e",   "f",   "g",
      "z",   "Z",   "vz",  "u",   "U",   "vu",  "tdD", "tdm", "tts", "ttm", "ttu", "ttn", "tss:",
      "tsm:UTC", "tsu:Europe/Paris", "tsn:+05:30", "tDs", "tDm", "tDu", "tDn", "tiM", "tiD", "tin",
      "d:10,2", "d:38,-3", "d:9,2,32", "d:18,0,64", "d:76,10,256", "w:16", "w:0", "w:1"};
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) roundtrip(formats[i], NULL, 0, NULL);
  roundtrip("d:10,2,128", NULL, 0, "d:10,2"); /* 128 is the default width */
}

static void test_format_parse_values(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_from_format("tsu:", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_TIMESTAMP);
  assert_int_equal(t->unit, QV_UNIT_MICRO);
  assert_null(t->timezone);
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("tsn:America/New_York", 0, NULL, 0, &t, NULL), QV_OK);
  assert_string_equal(t->timezone, "America/New_York");
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("d:12,-5,64", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_DECIMAL64);
  assert_int_equal(t->precision, 12);
  assert_int_equal(t->scale, -5);
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("w:42", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_FIXED_SIZE_BINARY);
  assert_int_equal(t->byte_width, 42);
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("ttm", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_TIME32);
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("ttu", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_TIME64);
  qv_type_release(t);
  assert_int_equal(qv_type_from_format("tdm", 0, NULL, 0, &t, NULL), QV_OK);
  assert_int_equal(t->id, QV_TYPE_DATE64);
  qv_type_release(t);
}

static void test_every_nested_format_roundtrips(void **state) {
  (void)state;
  qv_field *item = mkfield("item", qv_type_int32(), true);
  qv_field *a = mkfield("a", qv_type_int32(), true);
  qv_field *b = mkfield("b", qv_type_string(), false);
  qv_field *two[2] = {a, b};
  roundtrip("+l", &item, 1, NULL);
  roundtrip("+L", &item, 1, NULL);
  roundtrip("+vl", &item, 1, NULL);
  roundtrip("+vL", &item, 1, NULL);
  roundtrip("+w:3", &item, 1, NULL);
  roundtrip("+w:0", &item, 1, NULL);
  roundtrip("+s", two, 2, NULL);
  roundtrip("+s", NULL, 0, NULL);
  roundtrip("+ud:0,5", two, 2, NULL);
  roundtrip("+us:127,3", two, 2, NULL);
  roundtrip("+ud:", NULL, 0, NULL);
  roundtrip("+us:", NULL, 0, NULL);

  /* map: child "entries" = struct<key not null, value> */
  qv_type *entries_t = NULL;
  qv_field *key = mkfield("key", qv_type_string(), false);
  qv_field *val = mkfield("value", qv_type_int64(), true);
  qv_field *kv[2] = {key, val};
  assert_int_equal(qv_type_struct(kv, 2, &entries_t, NULL), QV_OK);
  qv_field *entries = mkfield("entries", entries_t, false);
  roundtrip("+m", &entries, 1, NULL);
  qv_type *m = NULL;
  assert_int_equal(qv_type_from_format("+m", ARROW_FLAG_MAP_KEYS_SORTED, &entries, 1, &m, NULL), QV_OK);
  assert_int_equal(m->id, QV_TYPE_MAP);
  assert_true(m->keys_sorted);
  qv_type_release(m);

  /* run-end encoded: run_ends int32 (nullable flag tolerated), values */
  qv_field *re = mkfield("run_ends", qv_type_int32(), true);
  qv_field *vals = mkfield("values", qv_type_float32(), true);
  qv_field *ree[2] = {re, vals};
  roundtrip("+r", ree, 2, NULL);
  qv_type *r = NULL;
  assert_int_equal(qv_type_from_format("+r", 0, ree, 2, &r, NULL), QV_OK);
  assert_false(r->children[0]->nullable);
  qv_type_release(r);

  /* union type codes are kept */
  qv_type *u = NULL;
  assert_int_equal(qv_type_from_format("+ud:4,9", 0, two, 2, &u, NULL), QV_OK);
  assert_int_equal(u->id, QV_TYPE_DENSE_UNION);
  assert_int_equal(u->type_codes[0], 4);
  assert_int_equal(u->type_codes[1], 9);
  assert_int_equal(u->child_index[9], 1);
  qv_type_release(u);

  qv_field *fields[] = {item, a, b, key, val, entries, re, vals};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) qv_field_release(fields[i]);
  qv_type_release(entries_t);
}

static void test_format_of_dictionary_and_extension(void **state) {
  (void)state;
  qv_type *d = NULL, *e = NULL;
  char buf[32];
  assert_int_equal(qv_type_dictionary(qv_type_int16(), qv_type_string(), false, &d, NULL), QV_OK);
  qv_type_to_format(d, buf, sizeof buf);
  assert_string_equal(buf, "s"); /* the index type */
  qv_type *fsb = NULL;
  assert_int_equal(qv_type_fixed_size_binary(16, &fsb, NULL), QV_OK);
  assert_int_equal(qv_type_extension("arrow.uuid", NULL, 0, fsb, &e, NULL), QV_OK);
  qv_type_to_format(e, buf, sizeof buf);
  assert_string_equal(buf, "w:16"); /* the storage type */
  qv_type_release(d);
  qv_type_release(e);
  qv_type_release(fsb);
}

static void test_format_snprintf_semantics(void **state) {
  (void)state;
  qv_type *t = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_NANO, "Europe/Paris", &t, NULL), QV_OK);
  char buf[6];
  memset(buf, 'x', sizeof buf);
  assert_int_equal(qv_type_to_format(t, buf, sizeof buf), (int64_t)strlen("tsn:Europe/Paris"));
  assert_string_equal(buf, "tsn:E");
  assert_int_equal(qv_type_to_format(t, NULL, 0), 16);
  char one[1] = {'x'};
  assert_int_equal(qv_type_to_format(t, one, 1), 16);
  assert_int_equal(one[0], '\0');
  qv_type_release(t);
}

static void test_bad_formats_rejected(void **state) {
  (void)state;
  static const struct { const char *fmt; const char *msg; } cases[] = {
      {"", "empty format"},
      {"x", "unknown format code"},
      {"ii", "unexpected characters"},
      {"n ", "unexpected characters"},
      {"d", "needs ':'"},
      {"d:", "bad decimal precision"},
      {"d:10", "',scale'"},
      {"d:10,", "bad decimal scale"},
      {"d:10,2,", "bad decimal bit width"},
      {"d:10,2,100", "unsupported decimal bit width"},
      {"d:10,2,128x", "unexpected characters"},
      {"d:99999999999,2", "bad decimal precision"},
      {"d:+10,2", "bad decimal precision"},
      {"d:10,2147483648", "bad decimal scale"},
      {"d:0,2", "precision"},
      {"d:39,2", "precision"},
      {"w", "needs ':'"},
      {"w:", "bad size"},
      {"w:-1", "bad size"},
      {"w:1x", "bad size"},
      {"w:99999999999", "bad size"},
      {"w: 4", "bad size"},
      {"t", "truncated temporal"},
      {"td", "truncated temporal"},
      {"tdx", "unknown date unit"},
      {"tdDx", "unexpected characters"},
      {"ttx", "unknown time unit"},
      {"tsu", "needs ':'"},
      {"tsx:", "unknown time unit"},
      {"tiX", "unknown interval unit"},
      {"tDq", "unknown time unit"},
      {"tq", "truncated temporal"},
      {"tqq", "unknown temporal kind"},
      {"v", "unknown view format"},
      {"vx", "unknown view format"},
      {"vzz", "unexpected characters"},
      {"+", "unknown nested format"},
      {"+q", "unknown nested format"},
      {"+s2", "unexpected characters"},
      {"+lx", "unexpected characters"},
      {"+v", "unknown list-view"},
      {"+vlx", "unexpected characters"},
      {"+w", "needs ':'"},
      {"+w:", "bad size"},
      {"+w:-3", "bad size"},
      {"+u", "unknown union mode"},
      {"+ux:1", "unknown union mode"},
      {"+ud", "needs ':'"},
      {"+ud:1,", "bad union type code"},
      {"+ud:,1", "bad union type code"},
      {"+ud:128", "bad union type code"},
      {"+us:-1", "bad union type code"},
      {"+ud:1,,2", "bad union type code"},
      {"+ud:1;2", "unexpected character"},
      {"+ud:99999999999", "bad union type code"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    qv_type *t = (qv_type *)0x1;
    qv_error err;
    qv_status st = qv_type_from_format(cases[i].fmt, 0, NULL, 0, &t, &err);
    if (st != QV_ERR_INVALID_DATA) fail_msg("format '%s': expected INVALID_DATA, got %s", cases[i].fmt, qv_status_name(st));
    assert_null(t);
    if (strstr(err.message, cases[i].msg) == NULL)
      fail_msg("format '%s': message '%s' lacks '%s'", cases[i].fmt, err.message, cases[i].msg);
    char quoted[64];
    snprintf(quoted, sizeof quoted, "format '%s'", cases[i].fmt);
    if (strstr(err.message, quoted) == NULL) fail_msg("message '%s' does not quote the format", err.message);
  }
  qv_error err;
  qv_type *t = NULL;
  assert_error(qv_type_from_format(NULL, 0, NULL, 0, &t, &err), QV_ERR_INVALID_DATA, &err, "NULL");
}

static void test_wrong_children_rejected(void **state) {
  (void)state;
  qv_error err;
  qv_type *t = NULL;
  qv_field *a = mkfield("a", qv_type_int32(), true);
  qv_field *b = mkfield("b", qv_type_float64(), true);
  qv_field *two[2] = {a, b};
  assert_error(qv_type_from_format("+l", 0, NULL, 0, &t, &err), QV_ERR_INVALID_DATA, &err, "expected 1 child, got 0");
  assert_error(qv_type_from_format("+w:2", 0, two, 2, &t, &err), QV_ERR_INVALID_DATA, &err, "expected 1 child, got 2");
  assert_error(qv_type_from_format("i", 0, &a, 1, &t, &err), QV_ERR_INVALID_DATA, &err, "expected 0 children, got 1");
  assert_error(qv_type_from_format("+ud:0,1,2", 0, two, 2, &t, &err), QV_ERR_INVALID_DATA, &err,
               "3 union type codes but 2 children");
  assert_error(qv_type_from_format("+us:0", 0, two, 2, &t, &err), QV_ERR_INVALID_DATA, &err,
               "1 union type codes but 2 children");
  assert_error(qv_type_from_format("+ud:3,3", 0, two, 2, &t, &err), QV_ERR_INVALID_DATA, &err, "type code 3");
  assert_error(qv_type_from_format("+m", 0, &a, 1, &t, &err), QV_ERR_INVALID_DATA, &err, "struct of 2 fields");
  assert_error(qv_type_from_format("+r", 0, &a, 1, &t, &err), QV_ERR_INVALID_DATA, &err, "expected 2 children, got 1");
  qv_field *two_b[2] = {b, a};
  assert_error(qv_type_from_format("+r", 0, two_b, 2, &t, &err), QV_ERR_INVALID_DATA, &err,
               "run_ends child must be int16, int32 or int64");
  qv_field *with_null[2] = {a, NULL};
  assert_error(qv_type_from_format("+s", 0, with_null, 2, &t, &err), QV_ERR_INVALID_DATA, &err,
               "child 1 is missing");
  assert_null(t);
  qv_field_release(a);
  qv_field_release(b);
}

static void test_metadata_spec_example(void **state) {
  (void)state;
  /* CDataInterface.rst: [('key1', 'value1')] on a little-endian machine. */
  static const char expect[] = "\x01\x00\x00\x00\x04\x00\x00\x00key1\x06\x00\x00\x00value1";
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "key1", -1, "value1", -1, NULL), QV_OK);
  char buf[64];
  int64_t n = qv_cdata_metadata_encode(md, buf, sizeof buf);
  assert_int_equal(n, (int64_t)sizeof expect - 1);
  uint16_t probe = 1;
  if (*(uint8_t *)&probe == 1) assert_memory_equal(buf, expect, (size_t)n);
  /* too small: size reported, nothing written */
  char tiny[4] = {'z', 'z', 'z', 'z'};
  assert_int_equal(qv_cdata_metadata_encode(md, tiny, sizeof tiny), n);
  assert_int_equal(tiny[0], 'z');
  qv_metadata *back = NULL;
  assert_int_equal(qv_cdata_metadata_decode(buf, &back, NULL), QV_OK);
  assert_true(qv_metadata_equals(md, back));
  qv_metadata_free(md);
  qv_metadata_free(back);
}

static void test_metadata_binary_and_empty(void **state) {
  (void)state;
  qv_metadata *md = NULL, *back = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_cdata_metadata_encode(md, NULL, 0), 0); /* empty -> absent (NULL) */
  assert_int_equal(qv_cdata_metadata_encode(NULL, NULL, 0), 0);
  assert_int_equal(qv_metadata_append(md, "bin", 3, "a\0b", 3, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "", 0, "", 0, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "bin", 3, "dup", 3, NULL), QV_OK);
  char buf[128];
  int64_t n = qv_cdata_metadata_encode(md, buf, sizeof buf);
  assert_int_equal(n, 4 + (8 + 3 + 3) + 8 + (8 + 3 + 3));
  assert_int_equal(qv_cdata_metadata_decode(buf, &back, NULL), QV_OK);
  assert_true(qv_metadata_equals(md, back));
  assert_int_equal(back->pairs[0].value_len, 3);
  assert_memory_equal(back->pairs[0].value, "a\0b", 3);
  qv_metadata_free(back);
  back = (qv_metadata *)0x1;
  assert_int_equal(qv_cdata_metadata_decode(NULL, &back, NULL), QV_OK);
  assert_null(back);
  int32_t zero = 0;
  assert_int_equal(qv_cdata_metadata_decode((const char *)&zero, &back, NULL), QV_OK);
  assert_null(back);
  qv_metadata_free(md);
}

static void test_metadata_negative_lengths_rejected(void **state) {
  (void)state;
  qv_error err;
  qv_metadata *md = NULL;
  int32_t neg_count = -1;
  assert_error(qv_cdata_metadata_decode((const char *)&neg_count, &md, &err), QV_ERR_INVALID_DATA, &err,
               "negative pair count -1");
  int32_t neg_key[2] = {1, -5};
  assert_error(qv_cdata_metadata_decode((const char *)neg_key, &md, &err), QV_ERR_INVALID_DATA, &err,
               "negative key length -5");
  char neg_val[16];
  int32_t one = 1, klen = 1, vlen = -2;
  memcpy(neg_val, &one, 4);
  memcpy(neg_val + 4, &klen, 4);
  neg_val[8] = 'k';
  memcpy(neg_val + 9, &vlen, 4);
  assert_error(qv_cdata_metadata_decode(neg_val, &md, &err), QV_ERR_INVALID_DATA, &err, "negative value length -2");
  assert_null(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_leaf_format_roundtrips),
      cmocka_unit_test(test_format_parse_values),
      cmocka_unit_test(test_every_nested_format_roundtrips),
      cmocka_unit_test(test_format_of_dictionary_and_extension),
      cmocka_unit_test(test_format_snprintf_semantics),
      cmocka_unit_test(test_bad_formats_rejected),
      cmocka_unit_test(test_wrong_children_rejected),
      cmocka_unit_test(test_metadata_spec_example),
      cmocka_unit_test(test_metadata_binary_and_empty),
      cmocka_unit_test(test_metadata_negative_lengths_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
