/* JSON reader: every type decoded from hand-written documents, with the
 * exact bytes/values checked; metadata, extension types, dictionaries
 * (nested, shared, missing-but-unused), gzip input and the table helpers. */
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
#include <zlib.h>

#include "quiver/json.h"
#include "quiver/validate.h"

#define FIELD(name, type) "{\"name\":\"" name "\",\"nullable\":true,\"type\":" type ",\"children\":[]}"
#define DOC1(field, count, col) \
  "{\"schema\":{\"fields\":[" field "]},\"batches\":[{\"count\":" #count ",\"columns\":[" col "]}]}"

static qv_json_file *must_read(const char *doc) {
  qv_error err;
  qv_json_file *f = NULL;
  qv_status st = qv_json_read_memory(doc, strlen(doc), &f, &err);
  if (st != QV_OK) print_message("unexpected error: %s\n", err.message);
  assert_int_equal(st, QV_OK);
  for (int64_t b = 0; b < f->n_batches; b++) {
    st = qv_batch_validate(f->batches[b], QV_VALIDATE_FULL, &err);
    if (st != QV_OK) print_message("invalid batch %lld: %s\n", (long long)b, err.message);
    assert_int_equal(st, QV_OK);
  }
  return f;
}

static const qv_array *col0(const qv_json_file *f) { return f->batches[0]->columns[0]; }

static void test_integers(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      FIELD("i8", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":8}") ","
      FIELD("u16", "{\"name\":\"int\",\"isSigned\":false,\"bitWidth\":16}") ","
      FIELD("i64", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":64}") ","
      FIELD("u64", "{\"name\":\"int\",\"isSigned\":false,\"bitWidth\":64}") ","
      FIELD("i32", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":32}")
      "]},\"batches\":[{\"count\":3,\"columns\":["
      "{\"name\":\"i8\",\"count\":3,\"VALIDITY\":[1,0,1],\"DATA\":[-128,5,127]},"
      "{\"name\":\"u16\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[0,65535,\"7\"]},"
      "{\"name\":\"i64\",\"count\":3,\"VALIDITY\":[1,1,1],"
      "\"DATA\":[\"-9223372036854775808\",\"9223372036854775807\",42]},"
      "{\"name\":\"u64\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[\"18446744073709551615\",\"0\",\"1\"]},"
      "{\"name\":\"i32\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[-2147483648,2147483647,0]}"
      "]}]}");
  const qv_array *a = f->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_INT8);
  assert_int_equal(qv_array_null_count(a), 1);
  assert_int_equal(qv_array_values_int8(a)[0], -128);
  assert_int_equal(qv_array_values_int8(a)[2], 127);
  assert_true(qv_array_is_null(a, 1));
  a = f->batches[0]->columns[1];
  assert_int_equal(a->type->id, QV_TYPE_UINT16);
  assert_int_equal(qv_array_values_uint16(a)[1], 65535);
  assert_int_equal(qv_array_values_uint16(a)[2], 7);
  assert_null(a->buffers[0]); /* no nulls: no bitmap */
  a = f->batches[0]->columns[2];
  assert_true(qv_array_values_int64(a)[0] == INT64_MIN);
  assert_true(qv_array_values_int64(a)[1] == INT64_MAX);
  assert_true(qv_array_values_int64(a)[2] == 42);
  a = f->batches[0]->columns[3];
  assert_true(qv_array_values_uint64(a)[0] == UINT64_MAX);
  a = f->batches[0]->columns[4];
  assert_int_equal(qv_array_values_int32(a)[0], INT32_MIN);
  assert_int_equal(f->batches[0]->length, 3);
  qv_json_file_free(f);
}

static void test_bool_and_validity(void **state) {
  (void)state;
  qv_json_file *f = must_read(DOC1(FIELD("b", "{\"name\":\"bool\"}"), 5,
                                   "{\"name\":\"b\",\"count\":5,\"VALIDITY\":[1,0,true,false,1],"
                                   "\"DATA\":[true,false,1,0,false]}"));
  const qv_array *a = col0(f);
  assert_int_equal(a->type->id, QV_TYPE_BOOL);
  assert_int_equal(qv_array_null_count(a), 2);
  assert_true(qv_array_bool_value(a, 0));
  assert_true(qv_array_bool_value(a, 2));
  assert_false(qv_array_bool_value(a, 4));
  assert_true(qv_array_is_valid(a, 2));
  assert_false(qv_array_is_valid(a, 3));
  qv_json_file_free(f);
}

static void test_float16(void **state) {
  (void)state;
  qv_json_file *f = must_read(DOC1(
      FIELD("h", "{\"name\":\"floatingpoint\",\"precision\":\"HALF\"}"), 11,
      "{\"name\":\"h\",\"count\":11,\"VALIDITY\":[1,1,1,1,1,1,1,1,1,1,1],"
      "\"DATA\":[1.5,65504,0.1,1e-7,70000,-0.0,65519,2.0009765625,5.960464477539063e-08,6.097555160522461e-05,"
      "\"-Infinity\"]}"));
  const uint16_t *h = (const uint16_t *)(const void *)col0(f)->buffers[1]->data;
  static const uint16_t want[11] = {0x3E00, 0x7BFF, 0x2E66, 0x0002, 0x7C00, 0x8000,
                                    0x7BFF, 0x4000, 0x0001, 0x03FF, 0xFC00};
  for (int i = 0; i < 11; i++) {
    if (h[i] != want[i]) print_message("slot %d: got 0x%04X want 0x%04X\n", i, h[i], want[i]);
    assert_int_equal(h[i], want[i]);
  }
  qv_json_file_free(f);
}

static void test_float_values(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":[" FIELD("f", "{\"name\":\"floatingpoint\",\"precision\":\"SINGLE\"}") ","
      FIELD("d", "{\"name\":\"floatingpoint\",\"precision\":\"DOUBLE\"}")
      "]},\"batches\":[{\"count\":4,\"columns\":["
      "{\"name\":\"f\",\"count\":4,\"VALIDITY\":[1,1,1,1],\"DATA\":[641.818,-3,\"NaN\",\"Infinity\"]},"
      "{\"name\":\"d\",\"count\":4,\"VALIDITY\":[1,1,1,1],\"DATA\":[-955.504,1e300,\"-Infinity\",0]}"
      "]}]}");
  const qv_array *a = f->batches[0]->columns[0], *b = f->batches[0]->columns[1];
  assert_true(qv_array_values_float32(a)[0] == 641.818f);
  assert_true(qv_array_values_float32(a)[1] == -3.0f);
  assert_true(isnan(qv_array_values_float32(a)[2]));
  assert_true(isinf(qv_array_values_float32(a)[3]));
  assert_true(qv_array_values_float64(b)[0] == -955.504);
  assert_true(qv_array_values_float64(b)[1] == 1e300);
  assert_true(isinf(qv_array_values_float64(b)[2]) && qv_array_values_float64(b)[2] < 0);
  qv_json_file_free(f);
}

static void expect_hex(const uint8_t *p, const char *hex) {
  char got[130] = {0};
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n; i++) snprintf(got + 2 * i, 3, "%02X", p[i]);
  if (strcmp(got, hex) != 0) print_message("got %s want %s\n", got, hex);
  assert_string_equal(got, hex);
}

static void test_decimals(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      FIELD("d32", "{\"name\":\"decimal\",\"precision\":9,\"scale\":2,\"bitWidth\":32}") ","
      FIELD("d64", "{\"name\":\"decimal\",\"precision\":18,\"scale\":0,\"bitWidth\":64}") ","
      FIELD("d128", "{\"name\":\"decimal\",\"precision\":38,\"scale\":3}") ","
      FIELD("d256", "{\"name\":\"decimal\",\"precision\":76,\"scale\":-2,\"bitWidth\":256}")
      "]},\"batches\":[{\"count\":2,\"columns\":["
      "{\"name\":\"d32\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[\"-999999999\",\"123456789\"]},"
      "{\"name\":\"d64\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[\"999999999999999999\",-1]},"
      "{\"name\":\"d128\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[\"-1\","
      "\"99999999999999999999999999999999999999\"]},"
      "{\"name\":\"d256\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":["
      "\"-2031123033167196931846941783813867591\","
      "\"57896044618658097711785492504343953926634992332820282019728792003956564819967\"]}"
      "]}]}");
  const qv_array *a = f->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_DECIMAL32);
  assert_int_equal(a->type->scale, 2);
  expect_hex(qv_array_fixed_value(a, 0), "013665C4"); /* -999999999 = 0xC4653601 */
  a = f->batches[0]->columns[1];
  expect_hex(qv_array_fixed_value(a, 1), "FFFFFFFFFFFFFFFF");
  a = f->batches[0]->columns[2];
  assert_int_equal(a->type->id, QV_TYPE_DECIMAL128); /* bitWidth defaults to 128 */
  expect_hex(qv_array_fixed_value(a, 0), "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
  expect_hex(qv_array_fixed_value(a, 1), "FFFFFFFF3F228A097AC4865AA84C3B4B"); /* 10^38 - 1 */
  a = f->batches[0]->columns[3];
  assert_int_equal(a->type->scale, -2);
  expect_hex(qv_array_fixed_value(a, 0), "B9B72A7456C9A56FCA318620E7D178FEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
  /* 2^255 - 1 (beyond precision 76, in a null slot; the reader keeps bytes) */
  expect_hex(qv_array_fixed_value(a, 1), "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7F");
  qv_json_file_free(f);
}

static void test_temporal(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      FIELD("d", "{\"name\":\"date\",\"unit\":\"DAY\"}") ","
      FIELD("dm", "{\"name\":\"date\",\"unit\":\"MILLISECOND\"}") ","
      FIELD("t", "{\"name\":\"time\",\"unit\":\"NANOSECOND\",\"bitWidth\":64}") ","
      FIELD("ts", "{\"name\":\"timestamp\",\"unit\":\"MICROSECOND\",\"timezone\":\"Europe/Paris\"}") ","
      FIELD("du", "{\"name\":\"duration\",\"unit\":\"SECOND\"}") ","
      FIELD("ym", "{\"name\":\"interval\",\"unit\":\"YEAR_MONTH\"}") ","
      FIELD("dt", "{\"name\":\"interval\",\"unit\":\"DAY_TIME\"}") ","
      FIELD("mdn", "{\"name\":\"interval\",\"unit\":\"MONTH_DAY_NANO\"}")
      "]},\"batches\":[{\"count\":1,\"columns\":["
      "{\"name\":\"d\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[2126947]},"
      "{\"name\":\"dm\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"-62135596800000\"]},"
      "{\"name\":\"t\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"57537610822922\"]},"
      "{\"name\":\"ts\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"-62135596800000000\"]},"
      "{\"name\":\"du\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[\"-5\"]},"
      "{\"name\":\"ym\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[-120000]},"
      "{\"name\":\"dt\",\"count\":1,\"VALIDITY\":[1],\"DATA\":[{\"days\":-1728924,\"milliseconds\":47040773}]},"
      "{\"name\":\"mdn\",\"count\":1,\"VALIDITY\":[1],"
      "\"DATA\":[{\"months\":1493908993,\"days\":-474729930,\"nanoseconds\":\"8820212087008106548\"}]}"
      "]}]}");
  qv_array *const *c = f->batches[0]->columns;
  assert_int_equal(c[0]->type->id, QV_TYPE_DATE32);
  assert_int_equal(qv_array_values_int32(c[0])[0], 2126947);
  assert_int_equal(c[1]->type->id, QV_TYPE_DATE64);
  assert_true(qv_array_values_int64(c[1])[0] == -62135596800000LL);
  assert_int_equal(c[2]->type->id, QV_TYPE_TIME64);
  assert_int_equal(c[2]->type->unit, QV_UNIT_NANO);
  assert_true(qv_array_values_int64(c[2])[0] == 57537610822922LL);
  assert_int_equal(c[3]->type->id, QV_TYPE_TIMESTAMP);
  assert_string_equal(c[3]->type->timezone, "Europe/Paris");
  assert_int_equal(c[3]->type->unit, QV_UNIT_MICRO);
  assert_int_equal(c[4]->type->id, QV_TYPE_DURATION);
  assert_true(qv_array_values_int64(c[4])[0] == -5);
  assert_int_equal(qv_array_values_int32(c[5])[0], -120000);
  const int32_t *dt = (const int32_t *)(const void *)c[6]->buffers[1]->data;
  assert_int_equal(dt[0], -1728924);
  assert_int_equal(dt[1], 47040773);
  const uint8_t *mdn = c[7]->buffers[1]->data;
  int32_t md[2];
  int64_t ns;
  memcpy(md, mdn, 8);
  memcpy(&ns, mdn + 8, 8);
  assert_int_equal(md[0], 1493908993);
  assert_int_equal(md[1], -474729930);
  assert_true(ns == 8820212087008106548LL);
  qv_json_file_free(f);
}

static void test_binary_and_strings(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      FIELD("b", "{\"name\":\"binary\"}") "," FIELD("s", "{\"name\":\"utf8\"}") ","
      FIELD("lb", "{\"name\":\"largebinary\"}") "," FIELD("ls", "{\"name\":\"largeutf8\"}") ","
      FIELD("fsb", "{\"name\":\"fixedsizebinary\",\"byteWidth\":3}")
      "]},\"batches\":[{\"count\":3,\"columns\":["
      /* offsets need not start at 0: they are rebased */
      "{\"name\":\"b\",\"count\":3,\"VALIDITY\":[1,0,1],\"OFFSET\":[5,7,7,10],\"DATA\":[\"00ff\",\"\",\"DEADBE\"]},"
      "{\"name\":\"s\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[\"h\\u00e9\",\"\",\"a\\u0000b\"]},"
      "{\"name\":\"lb\",\"count\":3,\"VALIDITY\":[1,1,1],\"OFFSET\":[\"0\",\"1\",\"1\",\"2\"],"
      "\"DATA\":[\"01\",\"\",\"02\"]},"
      "{\"name\":\"ls\",\"count\":3,\"VALIDITY\":[1,1,0],\"OFFSET\":[0,3,6,6],\"DATA\":[\"\\u20ac\",\"abc\",\"\"]},"
      "{\"name\":\"fsb\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[\"010203\",\"aabbcc\",\"000000\"]}"
      "]}]}");
  qv_array *const *c = f->batches[0]->columns;
  int64_t len;
  const uint8_t *v = qv_array_binary_value(c[0], 0, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(v, "\x00\xff", 2);
  v = qv_array_binary_value(c[0], 2, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(v, "\xde\xad\xbe", 3);
  assert_int_equal(((const int32_t *)(const void *)c[0]->buffers[1]->data)[0], 0);
  v = qv_array_binary_value(c[1], 0, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(v, "h\xc3\xa9", 3);
  v = qv_array_binary_value(c[1], 2, &len);
  assert_int_equal(len, 3); /* an embedded NUL survives */
  assert_memory_equal(v, "a\0b", 3);
  v = qv_array_large_binary_value(c[2], 2, &len);
  assert_int_equal(len, 1);
  assert_int_equal(v[0], 2);
  v = qv_array_large_binary_value(c[3], 0, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(v, "\xe2\x82\xac", 3);
  assert_int_equal(c[4]->type->byte_width, 3);
  assert_memory_equal(qv_array_fixed_value(c[4], 1), "\xaa\xbb\xcc", 3);
  qv_json_file_free(f);
}

static void test_views(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":[" FIELD("bv", "{\"name\":\"binaryview\"}") "," FIELD("sv", "{\"name\":\"utf8view\"}")
      "]},\"batches\":[{\"count\":3,\"columns\":["
      "{\"name\":\"bv\",\"count\":3,\"VALIDITY\":[1,0,1],\"VIEWS\":["
      "{\"SIZE\":2,\"INLINED\":\"F34D\"},{\"SIZE\":0,\"INLINED\":\"\"},"
      "{\"SIZE\":13,\"PREFIX_HEX\":\"00010203\",\"BUFFER_INDEX\":1,\"OFFSET\":1}],"
      "\"VARIADIC_DATA_BUFFERS\":[\"\",\"FF000102030405060708090A0B0C\"]},"
      "{\"name\":\"sv\",\"count\":3,\"VALIDITY\":[1,1,1],\"VIEWS\":["
      "{\"SIZE\":12,\"INLINED\":\"\\u20ac4e2b\\u00a3\\u20ac\"},{\"SIZE\":14,\"PREFIX_HEX\":\"6BE282AC\","
      "\"BUFFER_INDEX\":0,\"OFFSET\":0},{\"SIZE\":1,\"INLINED\":\"x\"}],"
      "\"VARIADIC_DATA_BUFFERS\":[\"6BE282AC67E79FA2E282AC6CC382\"]}"
      "]}]}");
  qv_array *const *c = f->batches[0]->columns;
  int64_t len;
  assert_int_equal(c[0]->n_buffers, 4);
  const uint8_t *v = qv_array_view_value(c[0], 0, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(v, "\xf3\x4d", 2);
  v = qv_array_view_value(c[0], 2, &len);
  assert_int_equal(len, 13);
  assert_memory_equal(v, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 13);
  v = qv_array_view_value(c[1], 0, &len);
  assert_int_equal(len, 12);
  assert_memory_equal(v, "\xe2\x82\xac" "4e2b\xc2\xa3\xe2\x82\xac", 12);
  v = qv_array_view_value(c[1], 1, &len);
  assert_int_equal(len, 14);
  assert_memory_equal(v, "k\xe2\x82\xacg\xe7\x9f\xa2\xe2\x82\xacl\xc3\x82", 14);
  qv_json_file_free(f);
}

static void test_lists(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      "{\"name\":\"l\",\"nullable\":true,\"type\":{\"name\":\"list\"},\"children\":["
      FIELD("item", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":16}") "]},"
      "{\"name\":\"ll\",\"nullable\":true,\"type\":{\"name\":\"largelist\"},\"children\":["
      FIELD("x", "{\"name\":\"bool\"}") "]},"
      "{\"name\":\"lv\",\"nullable\":true,\"type\":{\"name\":\"listview\"},\"children\":["
      FIELD("item", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":8}") "]},"
      "{\"name\":\"fsl\",\"nullable\":false,\"type\":{\"name\":\"fixedsizelist\",\"listSize\":2},\"children\":["
      FIELD("item", "{\"name\":\"null\"}") "]},"
      "{\"name\":\"m\",\"nullable\":true,\"type\":{\"name\":\"map\",\"keysSorted\":true},\"children\":["
      "{\"name\":\"some_entries\",\"nullable\":false,\"type\":{\"name\":\"struct\"},\"children\":["
      "{\"name\":\"k\",\"nullable\":false,\"type\":{\"name\":\"utf8\"},\"children\":[]},"
      FIELD("v", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":32}") "]}]}"
      "]},\"batches\":[{\"count\":2,\"columns\":["
      "{\"name\":\"l\",\"count\":2,\"VALIDITY\":[1,0],\"OFFSET\":[0,3,3],\"children\":["
      "{\"name\":\"item\",\"count\":3,\"VALIDITY\":[1,1,0],\"DATA\":[1,-2,3]}]},"
      "{\"name\":\"ll\",\"count\":2,\"VALIDITY\":[1,1],\"OFFSET\":[\"0\",\"1\",\"2\"],\"children\":["
      "{\"name\":\"x\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[true,false]}]},"
      "{\"name\":\"lv\",\"count\":2,\"VALIDITY\":[1,1],\"OFFSET\":[2,0],\"SIZE\":[1,3],\"children\":["
      "{\"name\":\"item\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[7,8,9]}]},"
      "{\"name\":\"fsl\",\"count\":2,\"VALIDITY\":[1,1],\"children\":[{\"name\":\"item\",\"count\":4}]},"
      "{\"name\":\"m\",\"count\":2,\"VALIDITY\":[1,1],\"OFFSET\":[0,1,2],\"children\":["
      "{\"name\":\"some_entries\",\"count\":2,\"VALIDITY\":[1,1],\"children\":["
      "{\"name\":\"k\",\"count\":2,\"VALIDITY\":[1,1],\"OFFSET\":[0,1,2],\"DATA\":[\"a\",\"b\"]},"
      "{\"name\":\"v\",\"count\":2,\"VALIDITY\":[1,0],\"DATA\":[10,0]}]}]}"
      "]}]}");
  qv_array *const *c = f->batches[0]->columns;
  int64_t start, len;
  assert_int_equal(c[0]->type->id, QV_TYPE_LIST);
  qv_array_list_range(c[0], 0, &start, &len);
  assert_int_equal(start, 0);
  assert_int_equal(len, 3);
  assert_int_equal(qv_array_values_int16(c[0]->children[0])[1], -2);
  assert_int_equal(c[1]->type->id, QV_TYPE_LARGE_LIST);
  assert_string_equal(c[1]->type->children[0]->name, "x");
  assert_int_equal(c[2]->type->id, QV_TYPE_LIST_VIEW);
  qv_array_list_range(c[2], 0, &start, &len);
  assert_int_equal(start, 2);
  assert_int_equal(len, 1);
  qv_array_list_range(c[2], 1, &start, &len);
  assert_int_equal(start, 0);
  assert_int_equal(len, 3);
  assert_int_equal(c[3]->type->id, QV_TYPE_FIXED_SIZE_LIST);
  assert_int_equal(c[3]->type->list_size, 2);
  assert_int_equal(c[3]->children[0]->length, 4);
  assert_int_equal(qv_array_null_count(c[3]->children[0]), 4);
  assert_int_equal(c[4]->type->id, QV_TYPE_MAP);
  assert_true(c[4]->type->keys_sorted);
  assert_string_equal(c[4]->type->children[0]->name, "some_entries");
  assert_string_equal(c[4]->type->children[0]->type->children[0]->name, "k");
  assert_int_equal(qv_array_values_int32(c[4]->children[0]->children[1])[0], 10);
  qv_json_file_free(f);
}

static void test_unions_and_ree(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      "{\"name\":\"s\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"SPARSE\",\"typeIds\":[5,7]},"
      "\"children\":[" FIELD("a", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":32}") ","
      FIELD("b", "{\"name\":\"utf8\"}") "]},"
      "{\"name\":\"d\",\"nullable\":true,\"type\":{\"name\":\"union\",\"mode\":\"DENSE\",\"typeIds\":[10,20]},"
      "\"children\":[" FIELD("a", "{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":16}") ","
      FIELD("n", "{\"name\":\"null\"}") "]},"
      "{\"name\":\"r\",\"nullable\":true,\"type\":{\"name\":\"runendencoded\"},\"children\":["
      "{\"name\":\"run_ends\",\"nullable\":false,\"type\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":64},"
      "\"children\":[]}," FIELD("values", "{\"name\":\"utf8\"}") "]}"
      "]},\"batches\":[{\"count\":3,\"columns\":["
      /* old writers gave unions a VALIDITY member: ignored */
      "{\"name\":\"s\",\"count\":3,\"VALIDITY\":[1,1,1],\"TYPE_ID\":[7,5,7],\"children\":["
      "{\"name\":\"a\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[0,42,0]},"
      "{\"name\":\"b\",\"count\":3,\"VALIDITY\":[1,0,0],\"OFFSET\":[0,2,2,2],\"DATA\":[\"hi\",\"\",\"\"]}]},"
      "{\"name\":\"d\",\"count\":3,\"TYPE_ID\":[10,20,10],\"OFFSET\":[0,0,1],\"children\":["
      "{\"name\":\"a\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[-32768,32767]},{\"name\":\"n\",\"count\":1}]},"
      "{\"name\":\"r\",\"count\":3,\"children\":["
      "{\"name\":\"run_ends\",\"count\":2,\"VALIDITY\":[1,1],\"DATA\":[\"2\",\"3\"]},"
      "{\"name\":\"values\",\"count\":2,\"VALIDITY\":[1,0],\"OFFSET\":[0,1,1],\"DATA\":[\"z\",\"\"]}]}"
      "]}]}");
  qv_array *const *c = f->batches[0]->columns;
  assert_int_equal(c[0]->type->id, QV_TYPE_SPARSE_UNION);
  assert_int_equal(c[0]->n_buffers, 1);
  assert_int_equal(qv_array_union_type_code(c[0], 0), 7);
  assert_int_equal(qv_array_union_type_code(c[0], 1), 5);
  assert_int_equal(qv_array_values_int32(c[0]->children[0])[1], 42);
  assert_int_equal(c[1]->type->id, QV_TYPE_DENSE_UNION);
  assert_int_equal(c[1]->type->type_codes[1], 20);
  assert_int_equal(qv_array_union_type_code(c[1], 1), 20);
  assert_int_equal(qv_array_union_child_offset(c[1], 2), 1);
  assert_false(qv_array_is_valid_any(c[1], 1)); /* slot 1 is the null child */
  assert_true(qv_array_is_valid_any(c[1], 2));
  assert_int_equal(c[2]->type->id, QV_TYPE_RUN_END_ENCODED);
  assert_int_equal(qv_array_ree_physical_index(c[2], 1), 0);
  assert_int_equal(qv_array_ree_physical_index(c[2], 2), 1);
  assert_false(qv_array_is_valid_any(c[2], 2));
  qv_json_file_free(f);
}

/* Nested and shared dictionaries, out of order in the section. */
static const char k_dict_doc[] =
    "{\"schema\":{\"fields\":["
    "{\"name\":\"ld\",\"nullable\":true,\"type\":{\"name\":\"list\"},"
    "\"dictionary\":{\"id\":1,\"indexType\":{\"name\":\"int\",\"isSigned\":false,\"bitWidth\":8},\"isOrdered\":true},"
    "\"children\":[{\"name\":\"sd\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
    "\"dictionary\":{\"id\":0,\"indexType\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":16}}}]},"
    "{\"name\":\"plain\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
    "\"dictionary\":{\"id\":0,\"indexType\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":32},\"isOrdered\":false}},"
    "{\"name\":\"unused\",\"nullable\":true,\"type\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":8},"
    "\"children\":[],\"dictionary\":{\"id\":9}}"
    "]},"
    "\"batches\":[{\"count\":3,\"columns\":["
    "{\"name\":\"ld\",\"count\":3,\"VALIDITY\":[1,1,0],\"DATA\":[1,0,0]},"
    "{\"name\":\"plain\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[2,2,0]},"
    "{\"name\":\"unused\",\"count\":3,\"VALIDITY\":[0,0,0],\"DATA\":[0,0,0]}]}],"
    "\"dictionaries\":["
    "{\"id\":1,\"data\":{\"count\":2,\"columns\":[{\"name\":\"DICT1\",\"count\":2,\"VALIDITY\":[1,1],"
    "\"OFFSET\":[0,2,3],\"children\":[{\"name\":\"sd\",\"count\":3,\"VALIDITY\":[1,1,1],\"DATA\":[0,1,2]}]}]}},"
    "{\"id\":0,\"data\":{\"count\":3,\"columns\":[{\"name\":\"DICT0\",\"count\":3,\"VALIDITY\":[1,0,1],"
    "\"OFFSET\":[0,3,3,6],\"DATA\":[\"foo\",\"\",\"baz\"]}]}}]}";

static void test_dictionaries(void **state) {
  (void)state;
  qv_json_file *f = must_read(k_dict_doc);
  qv_array *const *c = f->batches[0]->columns;
  const qv_type *t = c[0]->type;
  assert_int_equal(t->id, QV_TYPE_DICTIONARY);
  assert_int_equal(t->index_type->id, QV_TYPE_UINT8);
  assert_true(t->ordered);
  assert_int_equal(t->value_type->id, QV_TYPE_LIST);
  const qv_type *inner = t->value_type->children[0]->type;
  assert_int_equal(inner->id, QV_TYPE_DICTIONARY);
  assert_int_equal(inner->index_type->id, QV_TYPE_INT16);
  /* the list dictionary's child carries dictionary 0, shared with "plain" */
  const qv_array *d1 = c[0]->dictionary;
  assert_non_null(d1);
  assert_int_equal(d1->length, 2);
  assert_ptr_equal(d1->children[0]->dictionary, c[1]->dictionary);
  assert_int_equal(c[1]->type->index_type->id, QV_TYPE_INT32); /* indexType given */
  assert_false(c[1]->type->ordered);
  int64_t len;
  const uint8_t *v = qv_array_binary_value(c[1]->dictionary, qv_array_dictionary_index(c[1], 0), &len);
  assert_int_equal(len, 3);
  assert_memory_equal(v, "baz", 3);
  /* id 9: no entry in the section and no valid index -> empty dictionary, int32 indices by default */
  assert_int_equal(c[2]->type->index_type->id, QV_TYPE_INT32);
  assert_int_equal(c[2]->dictionary->length, 0);
  /* the section, in file order */
  assert_int_equal(f->n_dictionaries, 2);
  assert_int_equal(f->dictionaries[0].id, 1);
  assert_ptr_equal(f->dictionaries[0].values, d1);
  assert_int_equal(f->dictionaries[1].id, 0);
  assert_ptr_equal(f->dictionaries[1].values, c[1]->dictionary);
  qv_json_file_free(f);
}

/* Integration.rst shows "data" as a one-element list; files use the object. */
static void test_dictionary_data_as_list(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":[{\"name\":\"a\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},"
      "\"dictionary\":{\"id\":0}}]},\"batches\":[{\"count\":1,\"columns\":[{\"name\":\"a\",\"count\":1,"
      "\"DATA\":[0]}]}],\"dictionaries\":[{\"id\":0,\"data\":[{\"count\":1,\"columns\":[{\"name\":\"D\","
      "\"count\":1,\"DATA\":[\"x\"]}]}]}]}");
  int64_t len;
  const uint8_t *v = qv_array_binary_value(col0(f)->dictionary, 0, &len);
  assert_int_equal(len, 1);
  assert_int_equal(v[0], 'x');
  qv_json_file_free(f);
}

static void test_metadata_and_extensions(void **state) {
  (void)state;
  qv_json_file *f = must_read(
      "{\"schema\":{\"fields\":["
      "{\"name\":\"u\",\"nullable\":true,\"type\":{\"name\":\"fixedsizebinary\",\"byteWidth\":16},\"children\":[],"
      "\"metadata\":[{\"key\":\"ARROW:extension:name\",\"value\":\"arrow.uuid\"},"
      "{\"key\":\"ARROW:extension:metadata\",\"value\":\"\"},{\"key\":\"k\",\"value\":\"v\"}]},"
      "{\"name\":\"wrong\",\"nullable\":true,\"type\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":8},"
      "\"children\":[],\"metadata\":[{\"key\":\"ARROW:extension:name\",\"value\":\"arrow.uuid\"}]},"
      "{\"name\":\"de\",\"nullable\":true,\"type\":{\"name\":\"utf8\"},\"children\":[],"
      "\"dictionary\":{\"id\":0,\"indexType\":{\"name\":\"int\",\"isSigned\":true,\"bitWidth\":8}},"
      "\"metadata\":{\"ARROW:extension:name\":\"dict-ext\",\"ARROW:extension:metadata\":\"ser\"}},"
      "{\"name\":\"plain\",\"nullable\":false,\"type\":{\"name\":\"null\"},\"children\":[],\"metadata\":null}"
      "],\"metadata\":[{\"key\":\"a\",\"value\":\"{}\"},{\"key\":\"a\",\"value\":\"dup\"}]},"
      "\"batches\":[],\"dictionaries\":[{\"id\":0,\"data\":{\"count\":0,\"columns\":["
      "{\"name\":\"DICT0\",\"count\":0,\"VALIDITY\":[],\"OFFSET\":[0],\"DATA\":[]}]}}]}");
  const qv_schema *s = f->schema;
  assert_int_equal(f->n_batches, 0);
  assert_int_equal(s->n_fields, 4);
  assert_int_equal(s->metadata->n, 2); /* duplicate keys kept in order */
  assert_string_equal(s->metadata->pairs[1].value, "dup");
  const qv_field *u = s->fields[0];
  assert_int_equal(u->type->id, QV_TYPE_EXTENSION);
  assert_int_equal(u->type->canonical, QV_EXT_UUID);
  assert_int_equal(u->type->storage_type->id, QV_TYPE_FIXED_SIZE_BINARY);
  assert_int_equal(u->metadata->n, 1); /* extension keys removed */
  assert_string_equal(u->metadata->pairs[0].key, "k");
  const qv_field *w = s->fields[1];
  assert_int_equal(w->type->id, QV_TYPE_INT8); /* arrow.uuid over int8: storage kept, keys kept */
  assert_non_null(qv_metadata_find(w->metadata, "ARROW:extension:name"));
  const qv_field *de = s->fields[2];
  assert_int_equal(de->type->id, QV_TYPE_EXTENSION);
  assert_string_equal(de->type->extension_name, "dict-ext");
  assert_int_equal(de->type->extension_metadata_len, 3);
  assert_int_equal(de->type->storage_type->id, QV_TYPE_DICTIONARY);
  assert_null(de->metadata);
  assert_false(s->fields[3]->nullable);
  assert_null(s->fields[3]->metadata);
  assert_int_equal(f->n_dictionaries, 1);
  assert_int_equal(f->dictionaries[0].values->length, 0);
  qv_json_file_free(f);
}

static void test_gzip_path_and_table(void **state) {
  (void)state;
  char path[] = "/tmp/qv_json_read_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  gzFile gz = gzopen(path, "wb");
  assert_non_null(gz);
  assert_true(gzputs(gz, k_dict_doc) > 0);
  assert_int_equal(gzclose(gz), Z_OK);

  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_json_read_table_path(path, &t, &err);
  if (st != QV_OK) print_message("%s\n", err.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(t->n_batches, 1);
  assert_int_equal(t->n_rows, 3);
  assert_int_equal(t->schema->n_fields, 3);
  qv_table_release(t);

  /* the same file from memory, through qv_json_file_to_table */
  size_t n = 0;
  FILE *fp = fopen(path, "rb");
  uint8_t buf[4096];
  n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  assert_int_equal(buf[0], 0x1f);
  qv_json_file *f = NULL;
  assert_int_equal(qv_json_read_memory(buf, n, &f, &err), QV_OK);
  assert_int_equal(qv_json_file_to_table(f, &t, &err), QV_OK);
  qv_json_file_free(f); /* the table keeps what it needs */
  assert_int_equal(t->batches[0]->columns[1]->dictionary->length, 3);
  qv_table_release(t);
  assert_int_equal(qv_json_read_table_memory(k_dict_doc, strlen(k_dict_doc), &t, &err), QV_OK);
  assert_int_equal(t->n_rows, 3);
  qv_table_release(t);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_bool_and_validity),
      cmocka_unit_test(test_float16),
      cmocka_unit_test(test_float_values),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_temporal),
      cmocka_unit_test(test_binary_and_strings),
      cmocka_unit_test(test_views),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_unions_and_ree),
      cmocka_unit_test(test_dictionaries),
      cmocka_unit_test(test_dictionary_data_as_list),
      cmocka_unit_test(test_metadata_and_extensions),
      cmocka_unit_test(test_gzip_path_and_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
