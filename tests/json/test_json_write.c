/* JSON writer: the exact text of a small table; write -> read round trips
 * (every gold file, plain and gzip, to memory and to a path; slices of
 * every window of a document touching most layouts; special floats);
 * dictionaries (shared ids, deltas merged, conflicting ones refused);
 * null slots written empty; refusal of non-UTF-8 text; IO errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json_test_util.h"
#include "quiver/compare.h"
#include "quiver/json.h"
#include "quiver/validate.h"

/* Writes t (gzip or not), reads it back, and checks the tables are equal
 * (metadata included, NaN == NaN). Returns the text length. */
static size_t roundtrip(const qv_table *t, bool gzip, const char *what) {
  qv_error err;
  char *out = NULL;
  size_t n = 0;
  qv_json_write_options o = {gzip};
  qv_status st = qv_json_write_table_memory(t, &o, &out, &n, &err);
  if (st != QV_OK) print_message("%s: write: %s\n", what, err.message);
  assert_int_equal(st, QV_OK);
  qv_table *back = NULL;
  st = qv_json_read_table_memory(out, n, &back, &err);
  if (st != QV_OK) print_message("%s: read back: %s\n", what, err.message);
  assert_int_equal(st, QV_OK);
  qv_equal_options eo = {true, true};
  st = qv_table_diff(t, back, &eo, &err);
  if (st != QV_OK) print_message("%s: differs: %s\n", what, err.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(back->n_batches, t->n_batches);
  qv_table_release(back);
  qv_json_free(out);
  return n;
}

static qv_table *read_doc(const char *doc) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_json_read_table_memory(doc, strlen(doc), &t, &err);
  if (st != QV_OK) print_message("%s\n", err.message);
  assert_int_equal(st, QV_OK);
  return t;
}

static void test_exact_text(void **state) {
  (void)state;
  qv_table *t = read_doc(
      "{\"schema\":{\"fields\":[{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"int\",\"isSigned\":true,"
      "\"bitWidth\":64},\"children\":[],\"metadata\":[{\"key\":\"k\",\"value\":\"v\\\"\"}]}]},"
      "\"batches\":[{\"count\":2,\"columns\":[{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[\"-5\",\"7\"]}]}]}");
  char *out = NULL;
  size_t n = 0;
  qv_error err;
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  const char *want =
      "{\n"
      "  \"schema\": {\n"
      "    \"fields\": [\n"
      "      {\n"
      "        \"name\": \"a\",\n"
      "        \"nullable\": true,\n"
      "        \"type\": {\"name\": \"int\", \"isSigned\": true, \"bitWidth\": 64},\n"
      "        \"children\": [],\n"
      "        \"metadata\": [\n"
      "          {\"key\": \"k\", \"value\": \"v\\\"\"}\n"
      "        ]\n"
      "      }\n"
      "    ]\n"
      "  },\n"
      "  \"batches\": [\n"
      "    {\n"
      "      \"count\": 2,\n"
      "      \"columns\": [\n"
      "        {\n"
      "          \"name\": \"a\",\n"
      "          \"count\": 2,\n"
      "          \"VALIDITY\": [1,0],\n"
      "          \"DATA\": [\"-5\",\"7\"]\n"
      "        }\n"
      "      ]\n"
      "    }\n"
      "  ]\n"
      "}\n";
  assert_string_equal(out, want);
  assert_int_equal(n, strlen(want));
  qv_json_free(out);
  qv_table_release(t);
}

static void test_gold_roundtrip(void **state) {
  (void)state;
  const char *root = qvt_testing_root();
  glob_t g;
  size_t n = qvt_gold_glob(root, "generated_*.json.gz", &g);
  assert_true(n > 0);
  for (size_t i = 0; i < n; i++) {
    qv_error err;
    qv_table *t = NULL;
    qv_status st = qv_json_read_table_path(g.gl_pathv[i], &t, &err);
    if (st != QV_OK) print_message("%s\n", err.message);
    assert_int_equal(st, QV_OK);
    size_t plain = roundtrip(t, false, qvt_short_name(g.gl_pathv[i]));
    size_t packed = roundtrip(t, true, qvt_short_name(g.gl_pathv[i]));
    assert_true(packed < plain);
    qv_table_release(t);
  }
  print_message("%zu gold files written and read back\n", n);
  globfree(&g);
}

static void test_path_gzip_by_suffix(void **state) {
  (void)state;
  qv_table *t = read_doc(qvt_rich_doc());
  char path[64];
  snprintf(path, sizeof path, "/tmp/qv_json_write_%d.json.gz", (int)getpid());
  qv_error err;
  assert_int_equal(qv_json_write_table_path(path, t, NULL, &err), QV_OK);
  size_t n = 0;
  char *bytes = qvt_slurp(path, &n);
  assert_non_null(bytes);
  assert_true(n > 2 && (uint8_t)bytes[0] == 0x1f && (uint8_t)bytes[1] == 0x8b); /* ".gz": compressed */
  free(bytes);
  qv_table *back = NULL;
  assert_int_equal(qv_json_read_table_path(path, &back, &err), QV_OK);
  assert_true(qv_table_equals(t, back));
  qv_table_release(back);
  unlink(path);
  /* plain ".json" stays text */
  snprintf(path, sizeof path, "/tmp/qv_json_write_%d.json", (int)getpid());
  assert_int_equal(qv_json_write_table_path(path, t, NULL, &err), QV_OK);
  bytes = qvt_slurp(path, &n);
  assert_int_equal(bytes[0], '{');
  free(bytes);
  unlink(path);
  qv_table_release(t);
}

/* Every window [off, off + len) of every batch of the rich document. */
static void test_slices(void **state) {
  (void)state;
  qv_table *t = read_doc(qvt_rich_doc());
  qv_batch *b = t->batches[0];
  int windows = 0;
  for (int64_t off = 0; off <= b->length; off++) {
    for (int64_t len = 0; off + len <= b->length; len++) {
      qv_error err;
      qv_batch *s = NULL;
      qv_table *st = NULL;
      assert_int_equal(qv_batch_slice(b, off, len, &s, &err), QV_OK);
      assert_int_equal(qv_table_new(t->schema, &s, 1, &st, &err), QV_OK);
      char what[64];
      snprintf(what, sizeof what, "window [%lld, +%lld)", (long long)off, (long long)len);
      roundtrip(st, false, what);
      qv_table_release(st);
      qv_batch_release(s);
      windows++;
    }
  }
  assert_int_equal(windows, 10);
  qv_table_release(t);
}

/* Gold files sliced at several windows (skipped without arrow-testing). */
static void test_gold_slices(void **state) {
  (void)state;
  const char *root = qvt_testing_root();
  static const char *const names[] = {"generated_nested.json.gz", "generated_union.json.gz",
                                      "generated_run_end_encoded.json.gz", "generated_binary_view.json.gz",
                                      "generated_list_view.json.gz", "generated_nested_dictionary.json.gz",
                                      "generated_map.json.gz", "generated_recursive_nested.json.gz"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/cpp-21.0.0/%s", root, QVT_GOLD_SUBDIR, names[k]);
    qv_error err;
    qv_table *t = NULL;
    assert_int_equal(qv_json_read_table_path(path, &t, &err), QV_OK);
    for (int64_t bi = 0; bi < t->n_batches; bi++) {
      qv_batch *b = t->batches[bi];
      for (int64_t off = 0; off < b->length; off += 1 + b->length / 5) {
        for (int64_t len = 0; off + len <= b->length; len += 1 + b->length / 4) {
          qv_batch *s = NULL;
          qv_table *st = NULL;
          assert_int_equal(qv_batch_slice(b, off, len, &s, &err), QV_OK);
          assert_int_equal(qv_table_new(t->schema, &s, 1, &st, &err), QV_OK);
          roundtrip(st, false, names[k]);
          qv_table_release(st);
          qv_batch_release(s);
        }
      }
    }
    qv_table_release(t);
  }
}

/* Zero-width layouts: fixed_size_binary(0) and fixed_size_list[0]. */
static void test_zero_width(void **state) {
  (void)state;
  qv_table *t = read_doc(
      "{\"schema\":{\"fields\":[" QVT_FIELD("z", "{\"name\":\"fixedsizebinary\",\"byteWidth\":0}") ","
      "{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"fixedsizelist\",\"listSize\":0},\"children\":["
      QVT_FIELD("item", QVT_INT(8)) "]}"
      "]},\"batches\":[{\"count\":2,\"columns\":["
      "{\"name\":\"z\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[\"\",\"\"]},"
      "{\"name\":\"l\",\"count\":2,\"VALIDITY\":[0,1],\"children\":[{\"name\":\"item\",\"count\":0,"
      "\"VALIDITY\":[],\"DATA\":[]}]}]}]}");
  assert_int_equal(t->batches[0]->columns[0]->type->byte_width, 0);
  assert_int_equal(qv_array_null_count(t->batches[0]->columns[1]), 1);
  roundtrip(t, false, "zero width");
  qv_table_release(t);
}

static void test_special_floats(void **state) {
  (void)state;
  qv_table *t = read_doc(
      "{\"schema\":{\"fields\":[" QVT_FIELD("h", "{\"name\":\"floatingpoint\",\"precision\":\"HALF\"}") ","
      QVT_FIELD("f", "{\"name\":\"floatingpoint\",\"precision\":\"SINGLE\"}") ","
      QVT_FIELD("d", "{\"name\":\"floatingpoint\",\"precision\":\"DOUBLE\"}")
      "]},\"batches\":[{\"count\":7,\"columns\":["
      "{\"name\":\"h\",\"count\":7,\"VALIDITY\":[1,1,1,1,1,1,1],"
      "\"DATA\":[\"NaN\",\"Infinity\",\"-Infinity\",-0.0,5.960464477539063e-08,65504,0.1]},"
      "{\"name\":\"f\",\"count\":7,\"VALIDITY\":[1,1,1,1,1,1,1],"
      "\"DATA\":[\"NaN\",\"Infinity\",\"-Infinity\",-0.0,1.4e-45,3.4028234663852886e38,0.1]},"
      "{\"name\":\"d\",\"count\":7,\"VALIDITY\":[1,1,1,1,1,1,1],"
      "\"DATA\":[\"NaN\",\"Infinity\",\"-Infinity\",-0.0,4.9406564584124654e-324,1.7976931348623157e308,0.1]}"
      "]}]}");
  roundtrip(t, false, "special floats");
  /* bit-exact through the text (NaN aside) */
  char *out = NULL;
  size_t n = 0;
  qv_error err;
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  assert_non_null(strstr(out, "\"DATA\": [\"NaN\",\"Infinity\",\"-Infinity\",-0.0,6e-08,65504,0.1]"));
  assert_non_null(strstr(out, "\"DATA\": [\"NaN\",\"Infinity\",\"-Infinity\",-0.0,1e-45,3.4028235e+38,0.1]"));
  qv_table *back = NULL;
  assert_int_equal(qv_json_read_table_memory(out, n, &back, &err), QV_OK);
  for (int c = 0; c < 3; c++) {
    const qv_array *a = t->batches[0]->columns[c], *b = back->batches[0]->columns[c];
    int w = a->type->bit_width / 8;
    assert_memory_equal(a->buffers[1]->data + w, b->buffers[1]->data + w, (size_t)(6 * w));
    assert_true(signbit(qv_array_values_float64(back->batches[0]->columns[2])[3]));
  }
  qv_table_release(back);
  qv_json_free(out);
  qv_table_release(t);
}

/* A one-column table of `type` from raw buffers. */
static qv_table *table_of(qv_type *type, int64_t length, int32_t n_bufs, qv_buffer **bufs, const qv_metadata *md) {
  qv_error err;
  qv_array *a = NULL;
  qv_field *f = NULL;
  qv_schema *s = NULL;
  qv_batch *b = NULL;
  qv_table *t = NULL;
  assert_int_equal(qv_array_new(type, length, 0, QV_NULL_COUNT_UNKNOWN, n_bufs, bufs, 0, NULL, NULL, &a, &err), QV_OK);
  assert_int_equal(qv_field_new("s", type, true, md, &f, &err), QV_OK);
  assert_int_equal(qv_schema_new(&f, 1, NULL, &s, &err), QV_OK);
  assert_int_equal(qv_batch_new(s, length, &a, NULL, &b, &err), QV_OK);
  assert_int_equal(qv_table_new(s, &b, 1, &t, &err), QV_OK);
  qv_batch_release(b);
  qv_schema_release(s);
  qv_field_release(f);
  qv_array_release(a);
  for (int32_t i = 0; i < n_bufs; i++) qv_buffer_release(bufs[i]);
  return t;
}

static qv_buffer *buf_of(const void *p, int64_t n) {
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_copy_from(NULL, p, n, &b, NULL), QV_OK);
  return b;
}

static void test_null_slots_and_utf8(void **state) {
  (void)state;
  static const int32_t offsets[] = {0, 2, 4, 6};
  static const uint8_t validity[] = {0x05}; /* slot 1 is null */
  /* the null slot holds bytes that are not UTF-8: written as "" */
  qv_buffer *bufs[3] = {buf_of(validity, 1), buf_of(offsets, sizeof offsets), buf_of("ok\xff\xfeyo", 6)};
  qv_table *t = table_of(qv_type_string(), 3, 3, bufs, NULL);
  char *out = NULL;
  size_t n = 0;
  qv_error err;
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  assert_non_null(strstr(out, "\"OFFSET\": [0,2,2,4]"));
  assert_non_null(strstr(out, "\"DATA\": [\"ok\",\"\",\"yo\"]"));
  qv_json_free(out);
  roundtrip(t, false, "null slot");
  qv_table_release(t);

  /* a valid slot that is not UTF-8 cannot be written as JSON text */
  static const uint8_t all_valid[] = {0x07};
  qv_buffer *bufs2[3] = {buf_of(all_valid, 1), buf_of(offsets, sizeof offsets), buf_of("ok\xc3\x28yo", 6)};
  t = table_of(qv_type_string(), 3, 3, bufs2, NULL);
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_ERR_INVALID_DATA);
  assert_null(out);
  assert_non_null(strstr(err.message, "batch 0, column 's': row 1: invalid UTF-8 at byte 0 (0xC3 followed by 0x28)"));
  qv_table_release(t);

  /* binary null slots are written empty too */
  qv_buffer *bufs3[3] = {buf_of(validity, 1), buf_of(offsets, sizeof offsets), buf_of("\x01\x02\x03\x04\x05\x06", 6)};
  t = table_of(qv_type_binary(), 3, 3, bufs3, NULL);
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  assert_non_null(strstr(out, "\"DATA\": [\"0102\",\"\",\"0506\"]"));
  qv_json_free(out);
  qv_table_release(t);
}

static void test_metadata_not_utf8(void **state) {
  (void)state;
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "key", -1, "\x80", 1, NULL), QV_OK);
  static const int32_t values[] = {1};
  qv_buffer *bufs[2] = {NULL, buf_of(values, 4)};
  qv_table *t = table_of(qv_type_int32(), 1, 2, bufs, md);
  qv_metadata_free(md);
  char *out = NULL;
  size_t n = 0;
  qv_error err;
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_ERR_INVALID_DATA);
  assert_string_equal(err.message, "field 's': metadata value of 'key' is not valid UTF-8 (bad byte at 0)");
  qv_table_release(t);
}

#define DICT_SCHEMA                                                                                   \
  "\"schema\":{\"fields\":[{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[]," \
  "\"dictionary\":{\"id\":0}},{\"name\":\"b\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[]," \
  "\"dictionary\":{\"id\":0}}]}"
#define DICT_BATCH                                                                             \
  "{\"count\":2,\"columns\":[{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[0,1]},"  \
  "{\"name\":\"b\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[1,0]}]}"

static qv_array *dict_values(const char *const *strs, int n) {
  char doc[1024];
  size_t k = (size_t)snprintf(doc, sizeof doc,
                              "{\"schema\":{\"fields\":[" QVT_FIELD("v", "{\"name\":\"utf8\"}")
                              "]},\"batches\":[{\"count\":%d,\"columns\":[{\"name\":\"v\",\"count\":%d,\"DATA\":[",
                              n, n);
  for (int i = 0; i < n; i++) k += (size_t)snprintf(doc + k, sizeof doc - k, "%s\"%s\"", i ? "," : "", strs[i]);
  snprintf(doc + k, sizeof doc - k, "]}]}]}");
  qv_table *t = read_doc(doc);
  qv_array *a = qv_array_retain(t->batches[0]->columns[0]);
  qv_table_release(t);
  return a;
}

/* A table whose column "c" (dictionary<int8, utf8>) uses dictionary d1 in
 * batch 0 and d2 in batch 1, indices all 0. */
static qv_table *two_dict_batches(qv_array *d1, qv_array *d2) {
  qv_error err;
  qv_type *dt = NULL;
  assert_int_equal(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &dt, &err), QV_OK);
  qv_field *f = NULL;
  assert_int_equal(qv_field_new("c", dt, true, NULL, &f, &err), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &s, &err), QV_OK);
  static const int8_t idx[] = {0, 0};
  qv_batch *b[2];
  for (int i = 0; i < 2; i++) {
    qv_buffer *bufs[2] = {NULL, buf_of(idx, 2)};
    qv_array *a = NULL;
    assert_int_equal(qv_array_new(dt, 2, 0, 0, 2, bufs, 0, NULL, i ? d2 : d1, &a, &err), QV_OK);
    assert_int_equal(qv_batch_new(s, 2, &a, NULL, &b[i], &err), QV_OK);
    qv_array_release(a);
    qv_buffer_release(bufs[1]);
  }
  qv_table *t = NULL;
  assert_int_equal(qv_table_new(s, b, 2, &t, &err), QV_OK);
  qv_batch_release(b[0]);
  qv_batch_release(b[1]);
  qv_schema_release(s);
  qv_field_release(f);
  qv_type_release(dt);
  return t;
}

static int count_substr(const char *s, const char *needle) {
  int n = 0;
  for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

static void test_dictionaries(void **state) {
  (void)state;
  qv_error err;
  char *out = NULL;
  size_t n = 0;
  /* a shared dictionary keeps one id and is written once */
  qv_table *t = read_doc("{" DICT_SCHEMA ",\"batches\":[" DICT_BATCH "," DICT_BATCH "],\"dictionaries\":[{\"id\":0,"
                         "\"data\":{\"count\":2,\"columns\":[{\"name\":\"D\",\"count\":2,\"VALIDITY\":[1,1],"
                         "\"OFFSET\":[0,1,2],\"DATA\":[\"x\",\"y\"]}]}}]}");
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  assert_int_equal(count_substr(out, "\"dictionary\": {\"id\": 0,"), 2);
  assert_int_equal(count_substr(out, "\"name\": \"DICT0\""), 1);
  qv_json_free(out);
  roundtrip(t, false, "shared dictionary");
  qv_table_release(t);

  /* deltas: each dictionary a prefix of the next -> the longest is written */
  static const char *const ab[] = {"a", "b"}, *const abc[] = {"a", "b", "c"}, *const zz[] = {"z", "b"};
  qv_array *d_ab = dict_values(ab, 2), *d_abc = dict_values(abc, 3), *d_zz = dict_values(zz, 2);
  t = two_dict_batches(d_ab, d_abc);
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  assert_non_null(strstr(out, "\"DATA\": [\"a\",\"b\",\"c\"]"));
  qv_table *back = NULL;
  assert_int_equal(qv_json_read_table_memory(out, n, &back, &err), QV_OK);
  /* the logical values are the same; the first batch now points into the longer dictionary */
  assert_int_equal(back->batches[0]->columns[0]->dictionary->length, 3);
  qv_table_release(back);
  qv_json_free(out);
  qv_table_release(t);
  t = two_dict_batches(d_abc, d_ab); /* order does not matter */
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_OK);
  qv_json_free(out);
  qv_table_release(t);

  /* conflicting dictionaries cannot share one id */
  t = two_dict_batches(d_ab, d_zz);
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_ERR_NOT_IMPLEMENTED);
  assert_non_null(strstr(err.message, "field 'c': batches carry different dictionaries"));
  qv_table_release(t);
  qv_array_release(d_ab);
  qv_array_release(d_abc);
  qv_array_release(d_zz);

  /* no batches: an empty dictionary is written so the file reads back */
  t = read_doc("{" DICT_SCHEMA ",\"batches\":[]}");
  n = roundtrip(t, false, "no batches");
  assert_true(n > 0);
  qv_table_release(t);
}

/* A one-row all-null table of one field (name, type, field metadata) with
 * schema metadata `smd`; writing it as JSON must fail naming `needle`. */
static void expect_text_refused(const char *name, qv_type *type, const qv_metadata *md, const qv_metadata *smd,
                                const char *needle) {
  qv_error err;
  qv_array *a = NULL;
  qv_field *f = NULL;
  qv_schema *s = NULL;
  qv_batch *b = NULL;
  qv_table *t = NULL;
  assert_int_equal(qv_array_new_null(type, 1, &a, &err), QV_OK);
  assert_int_equal(qv_field_new(name, type, true, md, &f, &err), QV_OK);
  assert_int_equal(qv_schema_new(&f, 1, smd, &s, &err), QV_OK);
  assert_int_equal(qv_batch_new(s, 1, &a, NULL, &b, &err), QV_OK);
  assert_int_equal(qv_table_new(s, &b, 1, &t, &err), QV_OK);
  char *out = NULL;
  size_t n = 0;
  qv_status st = qv_json_write_table_memory(t, NULL, &out, &n, &err);
  if (st != QV_ERR_INVALID_DATA || strstr(err.message, needle) == NULL || strstr(err.message, "not valid UTF-8") == NULL)
    fail_msg("got %s '%s', want QV_ERR_INVALID_DATA naming '%s'", qv_status_name(st), st ? err.message : "", needle);
  assert_null(out);
  qv_table_release(t);
  qv_batch_release(b);
  qv_schema_release(s);
  qv_field_release(f);
  qv_array_release(a);
}

/* JSON text must be UTF-8: every name, key, value, time zone and extension
 * name that is not is refused, named, instead of written as bad JSON. */
static void test_text_not_utf8(void **state) {
  (void)state;
  qv_error err;
  expect_text_refused("bad\xff", qv_type_int32(), NULL, NULL, "bad");
  qv_metadata *bad_key = NULL, *bad_value = NULL;
  assert_int_equal(qv_metadata_new(&bad_key, &err), QV_OK);
  assert_int_equal(qv_metadata_append(bad_key, "k\xc3", -1, "v", -1, &err), QV_OK);
  assert_int_equal(qv_metadata_new(&bad_value, &err), QV_OK);
  assert_int_equal(qv_metadata_append(bad_value, "origin", -1, "\xe2\x82", 2, &err), QV_OK);
  expect_text_refused("s", qv_type_int32(), bad_key, NULL, "metadata key");
  expect_text_refused("s", qv_type_int32(), NULL, bad_value, "schema: metadata value of 'origin'");
  qv_type *ts = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_SECOND, "Europe/\xff", &ts, &err), QV_OK);
  expect_text_refused("s", ts, NULL, NULL, "timezone");
  qv_type_release(ts);
  qv_field *kid = NULL;
  assert_int_equal(qv_field_new("kid\x80", qv_type_int8(), true, NULL, &kid, &err), QV_OK);
  qv_type *st = NULL;
  assert_int_equal(qv_type_struct(&kid, 1, &st, &err), QV_OK);
  expect_text_refused("s", st, NULL, NULL, "kid");
  qv_type_release(st);
  qv_field_release(kid);
  qv_type *ext = NULL;
  assert_int_equal(qv_type_extension("ext\xfe", "meta", 4, qv_type_int32(), &ext, &err), QV_OK);
  expect_text_refused("s", ext, NULL, NULL, "ARROW:extension:name");
  qv_type_release(ext);
  qv_metadata_free(bad_key);
  qv_metadata_free(bad_value);
}

/* The JSON text of a table written to a full device: the write error is
 * reported, not swallowed. */
static void test_write_to_full_device(void **state) {
  (void)state;
  assert_int_equal(access("/dev/full", W_OK), 0); /* Linux: always there */
  qv_table *t = read_doc(qvt_rich_doc());
  qv_error err;
  assert_int_equal(qv_json_write_table_path("/dev/full", t, NULL, &err), QV_ERR_IO);
  assert_non_null(strstr(err.message, "write to '/dev/full' failed"));
  qv_table_release(t);
}

static void test_errors(void **state) {
  (void)state;
  qv_table *t = read_doc(qvt_rich_doc());
  qv_error err;
  char *out = NULL;
  size_t n = 0;
  assert_int_equal(qv_json_write_table_path("/nonexistent/dir/x.json", t, NULL, &err), QV_ERR_IO);
  assert_non_null(strstr(err.message, "cannot create a temporary file next to '/nonexistent/dir/x.json'"));
  assert_int_equal(qv_json_write_table_path(NULL, t, NULL, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_json_write_table_memory(NULL, NULL, &out, &n, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_json_write_table_memory(t, NULL, NULL, &n, &err), QV_ERR_INVALID_ARGUMENT);
  qv_json_free(NULL);
  qv_table_release(t);

  /* an array that fails structural validation is refused, not read out of bounds */
  static const int32_t offsets[] = {0, 50};
  qv_buffer *bufs[3] = {NULL, buf_of(offsets, sizeof offsets), buf_of("abc", 3)};
  t = table_of(qv_type_string(), 1, 3, bufs, NULL);
  assert_int_equal(qv_json_write_table_memory(t, NULL, &out, &n, &err), QV_ERR_INVALID_DATA);
  assert_null(out);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exact_text),
      cmocka_unit_test(test_gold_roundtrip),
      cmocka_unit_test(test_path_gzip_by_suffix),
      cmocka_unit_test(test_slices),
      cmocka_unit_test(test_gold_slices),
      cmocka_unit_test(test_zero_width),
      cmocka_unit_test(test_special_floats),
      cmocka_unit_test(test_null_slots_and_utf8),
      cmocka_unit_test(test_metadata_not_utf8),
      cmocka_unit_test(test_dictionaries),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_text_not_utf8),
      cmocka_unit_test(test_write_to_full_device),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
