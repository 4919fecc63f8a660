/* The bounded Thrift compact reader and the footer/page-header decoders:
 * hand-built compact bytes, every primitive, unknown fields skipped, and
 * each bound (depth, list size, string length, truncation) refused with a
 * message naming the byte offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/thrift_read.h"

static void test_varint_and_zigzag(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x96, 0x01, 0x03, 0x04};
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", NULL);
  uint64_t u = 0;
  assert_int_equal(qv__thrift_varint(&r, &u), QV_OK);
  assert_int_equal(u, 150);
  int32_t v = 0;
  assert_int_equal(qv__thrift_i32(&r, &v), QV_OK);
  assert_int_equal(v, -2); /* zigzag 3 */
  int64_t w = 0;
  assert_int_equal(qv__thrift_i64(&r, &w), QV_OK);
  assert_int_equal(w, 2);
  assert_int_equal(qv__thrift_consumed(&r), 4);
}

static void test_truncated_varint_names_offset(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x80, 0x80};
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "page header", &err);
  uint64_t u;
  assert_int_equal(qv__thrift_varint(&r, &u), QV_ERR_TRUNCATED);
  assert_non_null(strstr(err.message, "page header"));
  assert_non_null(strstr(err.message, "byte 2 of 2"));
  /* sticky: the next call fails the same way */
  assert_int_equal(qv__thrift_varint(&r, &u), QV_ERR_TRUNCATED);
}

static void test_overlong_varint(void **state) {
  (void)state;
  uint8_t bytes[12];
  memset(bytes, 0xff, sizeof bytes);
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  uint64_t u;
  assert_int_equal(qv__thrift_varint(&r, &u), QV_ERR_INVALID_DATA);
}

static void test_i32_out_of_range(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x80, 0x80, 0x80, 0x80, 0x20}; /* zigzag 2^33 */
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  int32_t v;
  assert_int_equal(qv__thrift_i32(&r, &v), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "i32"));
}

static void test_string_longer_than_input(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x05, 'a', 'b'};
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  const uint8_t *d;
  int32_t n;
  assert_int_equal(qv__thrift_binary(&r, &d, &n), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "string is longer"));
}

static void test_list_bounds(void **state) {
  (void)state;
  /* a list header announcing 1000 i32 elements with 3 bytes left */
  const uint8_t bytes[] = {0xf5, 0xe8, 0x07, 0x00, 0x00, 0x00};
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  uint8_t et;
  int64_t n;
  assert_int_equal(qv__thrift_list_begin(&r, &et, &n), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "more elements than the bytes"));
  /* the max_list bound */
  const uint8_t small[] = {0x35, 0x00, 0x00, 0x00};
  qv__thrift_reader_init(&r, small, sizeof small, "test", &err);
  r.max_list = 2;
  assert_int_equal(qv__thrift_list_begin(&r, &et, &n), QV_ERR_LIMIT);
}

static void test_depth_bound(void **state) {
  (void)state;
  /* 100 nested struct fields (id 1, type struct) */
  uint8_t bytes[210];
  for (int i = 0; i < 100; i++) bytes[i] = 0x1c;
  for (int i = 100; i < 210; i++) bytes[i] = 0;
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  assert_int_equal(qv__thrift_skip(&r, QV__TC_STRUCT), QV_ERR_LIMIT);
  assert_non_null(strstr(err.message, "nested too deep"));
}

static void test_skip_every_type(void **state) {
  (void)state;
  /* struct { 1: i8 7; 2: i16 -1; 3: i64 5; 4: double; 5: binary "ab"; 6: list<bool>[2];
   *          7: map<i32,binary>{1:"x"}; 8: true; 20 (long form): i32 1; } */
  const uint8_t bytes[] = {0x13, 0x07, 0x14, 0x01, 0x16, 0x0a, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0x18, 0x02, 'a', 'b',
                           0x19, 0x21, 0x01, 0x02, 0x1b, 0x01, 0x58, 0x02, 0x01, 'x', 0x11, 0x05, 0x28, 0x02, 0x00};
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  assert_int_equal(qv__thrift_skip(&r, QV__TC_STRUCT), QV_OK);
  assert_int_equal(qv__thrift_consumed(&r), sizeof bytes);
}

static void test_unknown_type_nibble(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x1d, 0x00};
  qv_error err;
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, bytes, sizeof bytes, "test", &err);
  assert_int_equal(qv__thrift_skip(&r, QV__TC_STRUCT), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "unknown compact type"));
}

/* A data page v1 header with an unknown field 20 (a struct) that must be
 * skipped, and a CRC. */
static void test_page_header(void **state) {
  (void)state;
  const uint8_t bytes[] = {
      0x15, 0x00,             /* 1: type DATA_PAGE (0) */
      0x15, 0x14,             /* 2: uncompressed 10 */
      0x15, 0x10,             /* 3: compressed 8 */
      0x15, 0x07,             /* 4: crc -4 */
      0x1c,                   /* 5: DataPageHeader */
      0x15, 0x06,             /*   num_values 3 */
      0x15, 0x00,             /*   encoding PLAIN */
      0x15, 0x06,             /*   def RLE */
      0x15, 0x06,             /*   rep RLE */
      0x00,                   /* end */
      0xfc, 0x15, 0x02, 0x00, /* 20: unknown struct { 1: i32 } */
      0x00};
  qv__pq_page_header h;
  size_t used = 0;
  qv_error err;
  assert_int_equal(qv__pq_page_header_decode(bytes, sizeof bytes, &h, &used, &err), QV_OK);
  assert_int_equal(used, sizeof bytes);
  assert_int_equal(h.type, QV__PQ_PAGE_DATA);
  assert_int_equal(h.uncompressed_size, 10);
  assert_int_equal(h.compressed_size, 8);
  assert_true(h.has_crc);
  assert_int_equal(h.crc, (uint32_t)-4);
  assert_true(h.has_v1);
  assert_int_equal(h.num_values, 3);
  assert_int_equal(h.def_encoding, QV__PQ_ENC_RLE);
}

static void test_page_header_missing_sizes(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x15, 0x00, 0x00};
  qv__pq_page_header h;
  size_t used = 0;
  qv_error err;
  assert_int_equal(qv__pq_page_header_decode(bytes, sizeof bytes, &h, &used, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "lacks type or sizes"));
}

/* FileMetaData: version, a root and one INT64 column, num_rows, no row
 * groups, a key-value pair, created_by. */
static void test_file_metadata(void **state) {
  (void)state;
  const uint8_t meta[] = {
      0x15, 0x04,
      0x19, 0x2c,
      0x48, 0x04, 'r', 'o', 'o', 't', 0x15, 0x02, 0x00,
      0x15, 0x04, 0x25, 0x02, 0x18, 0x01, 'a', 0x00,
      0x16, 0x0a,                          /* 3: num_rows 5 */
      0x19, 0x0c,                          /* 4: row_groups, empty list */
      0x19, 0x1c, 0x18, 0x01, 'k', 0x18, 0x01, 'v', 0x00, /* 5: key_value_metadata [("k","v")] */
      0x18, 0x02, 'q', 'v',                /* 6: created_by "qv" */
      0x00};
  qv__pq_file_meta m;
  memset(&m, 0, sizeof m);
  qv_error err;
  qv_status st = qv__pq_file_meta_decode(meta, sizeof meta, &m, &err);
  if (st != QV_OK) print_message("%s\n", err.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(m.version, 2);
  assert_int_equal(m.n_schema, 2);
  assert_string_equal(m.schema[0].name, "root");
  assert_int_equal(m.schema[0].num_children, 1);
  assert_string_equal(m.schema[1].name, "a");
  assert_int_equal(m.schema[1].type, QV__PQ_INT64);
  assert_int_equal(m.schema[1].repetition, QV__PQ_OPTIONAL);
  assert_int_equal(m.num_rows, 5);
  assert_int_equal(m.n_row_groups, 0);
  assert_non_null(m.kv);
  assert_int_equal(m.kv->n, 1);
  assert_string_equal(m.kv->pairs[0].key, "k");
  assert_string_equal(m.created_by, "qv");
  qv__pq_file_meta_free(&m);
}

static void test_file_metadata_without_schema(void **state) {
  (void)state;
  const uint8_t meta[] = {0x15, 0x04, 0x26, 0x0a, 0x00}; /* version, num_rows; no schema */
  qv__pq_file_meta m;
  memset(&m, 0, sizeof m);
  qv_error err;
  assert_int_equal(qv__pq_file_meta_decode(meta, sizeof meta, &m, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "no schema"));
  qv__pq_file_meta_free(&m);
}

static void test_file_metadata_every_truncation(void **state) {
  (void)state;
  const uint8_t meta[] = {0x15, 0x04, 0x19, 0x2c, 0x48, 0x04, 'r', 'o', 'o', 't', 0x15, 0x02, 0x00,
                          0x15, 0x04, 0x25, 0x02, 0x18, 0x01, 'a', 0x00, 0x16, 0x0a, 0x00};
  for (size_t n = 0; n < sizeof meta; n++) {
    qv__pq_file_meta m;
    memset(&m, 0, sizeof m);
    qv_error err;
    qv_status st = qv__pq_file_meta_decode(meta, n, &m, &err);
    assert_int_not_equal(st, QV_OK);
    assert_true(strlen(err.message) > 0);
    qv__pq_file_meta_free(&m);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_varint_and_zigzag),
      cmocka_unit_test(test_truncated_varint_names_offset),
      cmocka_unit_test(test_overlong_varint),
      cmocka_unit_test(test_i32_out_of_range),
      cmocka_unit_test(test_string_longer_than_input),
      cmocka_unit_test(test_list_bounds),
      cmocka_unit_test(test_depth_bound),
      cmocka_unit_test(test_skip_every_type),
      cmocka_unit_test(test_unknown_type_nibble),
      cmocka_unit_test(test_page_header),
      cmocka_unit_test(test_page_header_missing_sizes),
      cmocka_unit_test(test_file_metadata),
      cmocka_unit_test(test_file_metadata_without_schema),
      cmocka_unit_test(test_file_metadata_every_truncation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
