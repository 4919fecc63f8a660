/* Value and level decoders (Encodings.md): RLE/bit-packed hybrid, PLAIN of
 * every physical type, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, the dictionary gather, and the
 * codecs; each with the malformed input it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "parquet/codec.h"
#include "parquet/decode.h"
#include "parquet/format.h"

#define LIMIT ((int64_t)1 << 30)

static void test_rle_runs_and_bitpacked(void **state) {
  (void)state;
  /* RLE run of 3 x 5 (width 3), then one bit-packed group of 8 values 0..7 */
  const uint8_t bytes[] = {0x06, 0x05, 0x03, 0x88, 0xc6, 0xfa};
  qv__pq_rle r;
  qv__pq_rle_init(&r, bytes, sizeof bytes, 3);
  uint32_t out[11];
  qv_error err;
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 11, &err), QV_OK);
  const uint32_t want[] = {5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7};
  assert_memory_equal(out, want, sizeof want);
  /* asking for more: the runs have ended */
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 1, &err), QV_ERR_INVALID_DATA);
}

static void test_rle_value_wider_than_width(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x02, 0x09}; /* run of 1 x 9 with width 3 */
  qv__pq_rle r;
  qv__pq_rle_init(&r, bytes, sizeof bytes, 3);
  uint32_t out[1];
  qv_error err;
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "wider than"));
}

static void test_rle_truncated_bitpacked(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x03, 0xff}; /* a group of 8 x 8-bit values with 1 byte present */
  qv__pq_rle r;
  qv__pq_rle_init(&r, bytes, sizeof bytes, 8);
  uint32_t out[8];
  qv_error err;
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 1, &err), QV_OK);
  assert_int_equal(out[0], 255);
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 2, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "truncated"));
}

static void test_rle_zero_length_run(void **state) {
  (void)state;
  const uint8_t bytes[] = {0x00, 0x01};
  qv__pq_rle r;
  qv__pq_rle_init(&r, bytes, sizeof bytes, 1);
  uint32_t out[1];
  qv_error err;
  assert_int_equal(qv__pq_rle_read_u32(&r, out, 1, &err), QV_ERR_INVALID_DATA);
}

static void test_plain_int32_and_short_page(void **state) {
  (void)state;
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT32, -1, LIMIT, &err), QV_OK);
  const int32_t vals[] = {1, -2, 3};
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, (const uint8_t *)vals, sizeof vals, 3, &err), QV_OK);
  assert_int_equal(v.count, 3);
  assert_memory_equal(v.data->data, vals, sizeof vals);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, (const uint8_t *)vals, 8, 3, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "need 12 bytes"));
  qv__pq_values_free(&v);
}

static void test_plain_byte_array(void **state) {
  (void)state;
  const uint8_t page[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c'};
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BYTE_ARRAY, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, page, sizeof page, 3, &err), QV_OK);
  int32_t len;
  const uint8_t *p = qv__pq_values_bytes(&v, 2, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(p, "abc", 3);
  qv__pq_values_bytes(&v, 1, &len);
  assert_int_equal(len, 0);
  /* a length past the page */
  const uint8_t bad[] = {9, 0, 0, 0, 'x'};
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, bad, sizeof bad, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "runs past the page"));
  qv__pq_values_free(&v);
}

static void test_plain_boolean_and_int96(void **state) {
  (void)state;
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BOOLEAN, -1, LIMIT, &err), QV_OK);
  const uint8_t bits[] = {0x05}; /* 1,0,1 */
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, bits, 1, 3, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, bits, 1, 3, &err), QV_OK);
  assert_int_equal(v.count, 6);
  assert_int_equal(v.data->data[0], 0x2d); /* 101101 */
  qv__pq_values_free(&v);
  /* INT96: nanos of day 1, Julian day 2440589 (1970-01-02) */
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT96, -1, LIMIT, &err), QV_OK);
  uint8_t t[12] = {1, 0, 0, 0, 0, 0, 0, 0};
  uint32_t day = 2440589;
  memcpy(t + 8, &day, 4);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, t, 12, 1, &err), QV_OK);
  int64_t ns;
  memcpy(&ns, v.data->data, 8);
  assert_int_equal(ns, 86400000000000LL + 1);
  qv__pq_values_free(&v);
}

/* DELTA_BINARY_PACKED of 1, 2, 3, 4, 5: block 128, 4 miniblocks, min delta
 * 1, all bit widths 0. */
static const uint8_t delta_12345[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};

static void test_delta_binary_packed(void **state) {
  (void)state;
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT64, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_BINARY_PACKED, delta_12345, sizeof delta_12345, 5, &err),
                   QV_OK);
  const int64_t want[] = {1, 2, 3, 4, 5};
  assert_memory_equal(v.data->data, want, sizeof want);
  qv__pq_values_free(&v);
  /* more values asked than the header holds */
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT32, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_BINARY_PACKED, delta_12345, sizeof delta_12345, 6, &err),
                   QV_ERR_INVALID_DATA);
  qv__pq_values_free(&v);
}

static void test_delta_bad_header(void **state) {
  (void)state;
  const uint8_t bad_block[] = {0x07, 0x04, 0x05, 0x02}; /* block size 7 */
  int64_t out[5];
  size_t used;
  qv_error err;
  assert_int_equal(qv__pq_delta_decode(bad_block, sizeof bad_block, 5, out, &used, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "block size"));
  const uint8_t wide[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 65, 0, 0, 0};
  assert_int_equal(qv__pq_delta_decode(wide, sizeof wide, 5, out, &used, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "bit width"));
  const uint8_t short_mini[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 8, 0, 0, 0, 1, 2};
  assert_int_equal(qv__pq_delta_decode(short_mini, sizeof short_mini, 5, out, &used, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "truncated miniblock"));
}

static void test_delta_length_and_delta_byte_array(void **state) {
  (void)state;
  /* DELTA_LENGTH_BYTE_ARRAY: lengths 1,2 (first 1, min delta 1), then "abc" */
  const uint8_t dlba[] = {0x80, 0x01, 0x04, 0x02, 0x02, 0x02, 0, 0, 0, 0, 'a', 'b', 'c'};
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BYTE_ARRAY, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, dlba, sizeof dlba, 2, &err), QV_OK);
  int32_t len;
  const uint8_t *p = qv__pq_values_bytes(&v, 1, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(p, "bc", 2);
  /* data shorter than the lengths say */
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, dlba, sizeof dlba - 1, 2, &err),
                   QV_ERR_INVALID_DATA);
  qv__pq_values_free(&v);
  /* DELTA_BYTE_ARRAY: "ab", "ac": prefixes 0,1; suffixes "ab","c" (lengths 2,1) */
  const uint8_t dba[] = {0x80, 0x01, 0x04, 0x02, 0x00, 0x02, 0, 0, 0, 0,      /* prefix 0, +1 */
                         0x80, 0x01, 0x04, 0x02, 0x04, 0x01, 0, 0, 0, 0,      /* suffix 2, -1 */
                         'a', 'b', 'c'};
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BYTE_ARRAY, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_BYTE_ARRAY, dba, sizeof dba, 2, &err), QV_OK);
  p = qv__pq_values_bytes(&v, 1, &len);
  assert_int_equal(len, 2);
  assert_memory_equal(p, "ac", 2);
  qv__pq_values_free(&v);
  /* a prefix longer than the previous value */
  const uint8_t bad[] = {0x80, 0x01, 0x04, 0x01, 0x06, 0x80, 0x01, 0x04, 0x01, 0x00}; /* prefix 3, suffix 0 */
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BYTE_ARRAY, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_DELTA_BYTE_ARRAY, bad, sizeof bad, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "prefix"));
  qv__pq_values_free(&v);
}

static void test_byte_stream_split(void **state) {
  (void)state;
  const uint8_t page[] = {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}; /* int32 1, 2 */
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT32, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_BYTE_STREAM_SPLIT, page, sizeof page, 2, &err), QV_OK);
  const int32_t want[] = {1, 2};
  assert_memory_equal(v.data->data, want, sizeof want);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_BYTE_STREAM_SPLIT, page, 7, 2, &err), QV_ERR_INVALID_DATA);
  qv__pq_values_free(&v);
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_BYTE_ARRAY, -1, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_BYTE_STREAM_SPLIT, page, 8, 2, &err), QV_ERR_INVALID_DATA);
  qv__pq_values_free(&v);
}

/* Dictionary indices past the dictionary, in each gather (strings, 4-byte,
 * 8-byte and other widths, booleans, an empty dictionary): refused, naming
 * the first bad index of the batch; never a read outside the dictionary
 * (the sanitizer build checks that for the empty one of 100-byte values). */
static void test_dictionary_index_out_of_range_in_every_gather(void **state) {
  (void)state;
  /* width 3, one bit-packed group: 1, 5, 7, 0, 0, 0, 0, 0 */
  const uint8_t idx[] = {3, 0x03, 0xe9, 0x01, 0x00};
  const int32_t physical[] = {QV__PQ_BYTE_ARRAY, QV__PQ_INT32, QV__PQ_INT64, QV__PQ_FIXED_LEN_BYTE_ARRAY,
                              QV__PQ_BOOLEAN};
  const uint8_t plain[][32] = {{1, 0, 0, 0, 'a', 1, 0, 0, 0, 'b'}, {0}, {0}, {0}, {0}};
  const size_t plain_len[] = {10, 8, 16, 6, 1};
  for (int t = 0; t < 5; t++) {
    qv__pq_values dict, v;
    qv_error err;
    assert_int_equal(qv__pq_values_init(&dict, physical[t], 3, LIMIT, &err), QV_OK);
    assert_int_equal(qv__pq_decode_values(&dict, QV__PQ_ENC_PLAIN, plain[t], plain_len[t], 2, &err), QV_OK);
    assert_int_equal(qv__pq_values_init(&v, physical[t], 3, LIMIT, &err), QV_OK);
    assert_int_equal(qv__pq_decode_dict_indices(&v, &dict, idx, sizeof idx, 3, &err), QV_ERR_INVALID_DATA);
    assert_non_null(strstr(err.message, "index 5 out of range (dictionary of 2)"));
    /* the good index alone still reads */
    assert_int_equal(qv__pq_decode_dict_indices(&v, &dict, idx, sizeof idx, 1, &err), QV_OK);
    assert_int_equal(v.count, 1);
    qv__pq_values_free(&v);
    qv__pq_values_free(&dict);
  }
  qv__pq_values dict, v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&dict, QV__PQ_FIXED_LEN_BYTE_ARRAY, 100, LIMIT, &err), QV_OK);
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_FIXED_LEN_BYTE_ARRAY, 100, LIMIT, &err), QV_OK);
  const uint8_t zero[] = {1, 0x02, 0x00}; /* width 1, a run of 1 x 0 */
  assert_int_equal(qv__pq_decode_dict_indices(&v, &dict, zero, sizeof zero, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "index 0 out of range (dictionary of 0)"));
  qv__pq_values_free(&v);
  qv__pq_values_free(&dict);
}

static void test_dictionary_gather(void **state) {
  (void)state;
  qv__pq_values dict, v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&dict, QV__PQ_INT64, -1, LIMIT, &err), QV_OK);
  const int64_t dv[] = {10, 20};
  assert_int_equal(qv__pq_decode_values(&dict, QV__PQ_ENC_PLAIN, (const uint8_t *)dv, sizeof dv, 2, &err), QV_OK);
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT64, -1, LIMIT, &err), QV_OK);
  const uint8_t idx[] = {1, 0x06, 0x01}; /* width 1; run of 3 x 1 */
  assert_int_equal(qv__pq_decode_dict_indices(&v, &dict, idx, sizeof idx, 3, &err), QV_OK);
  const int64_t want[] = {20, 20, 20};
  assert_memory_equal(v.data->data, want, sizeof want);
  const uint8_t out_of_range[] = {2, 0x02, 0x03};
  assert_int_equal(qv__pq_decode_dict_indices(&v, &dict, out_of_range, sizeof out_of_range, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "out of range"));
  assert_int_equal(qv__pq_decode_dict_indices(&v, NULL, idx, sizeof idx, 1, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "without a dictionary page"));
  qv__pq_values_free(&v);
  qv__pq_values_free(&dict);
}

static void test_values_limit(void **state) {
  (void)state;
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT64, -1, 16, &err), QV_OK);
  const int64_t vals[3] = {1, 2, 3};
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_PLAIN, (const uint8_t *)vals, sizeof vals, 3, &err), QV_ERR_LIMIT);
  qv__pq_values_free(&v);
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_FIXED_LEN_BYTE_ARRAY, 0, LIMIT, &err), QV_ERR_INVALID_DATA);
}

static void test_unsupported_encoding(void **state) {
  (void)state;
  qv__pq_values v;
  qv_error err;
  assert_int_equal(qv__pq_values_init(&v, QV__PQ_INT32, -1, LIMIT, &err), QV_OK);
  const uint8_t b[4] = {0};
  assert_int_equal(qv__pq_decode_values(&v, 42, b, 4, 1, &err), QV_ERR_UNSUPPORTED);
  assert_int_equal(qv__pq_decode_values(&v, QV__PQ_ENC_RLE, b, 4, 1, &err), QV_ERR_INVALID_DATA);
  qv__pq_values_free(&v);
}

static void test_codecs_refuse_bad_sizes(void **state) {
  (void)state;
  qv_error err;
  uint8_t dst[16];
  const uint8_t junk[] = {0xff, 0xfe, 0xfd, 0xfc, 0x01};
  assert_int_equal(qv__pq_decompress(QV__PQ_CODEC_UNCOMPRESSED, junk, 5, dst, 4, &err), QV_ERR_INVALID_DATA);
  for (int32_t c = QV__PQ_CODEC_SNAPPY; c <= QV__PQ_CODEC_LZ4_RAW; c++) {
    if (c == QV__PQ_CODEC_LZO) continue;
    qv_status st = qv__pq_decompress(c, junk, sizeof junk, dst, sizeof dst, &err);
    assert_int_not_equal(st, QV_OK);
    assert_true(strlen(err.message) > 0);
  }
  assert_int_equal(qv__pq_decompress(QV__PQ_CODEC_LZO, junk, 5, dst, 4, &err), QV_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "LZO"));
  char buf[16];
  assert_string_equal(qv__pq_codec_name(99, buf), "codec 99");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rle_runs_and_bitpacked),
      cmocka_unit_test(test_rle_value_wider_than_width),
      cmocka_unit_test(test_rle_truncated_bitpacked),
      cmocka_unit_test(test_rle_zero_length_run),
      cmocka_unit_test(test_plain_int32_and_short_page),
      cmocka_unit_test(test_plain_byte_array),
      cmocka_unit_test(test_plain_boolean_and_int96),
      cmocka_unit_test(test_delta_binary_packed),
      cmocka_unit_test(test_delta_bad_header),
      cmocka_unit_test(test_delta_length_and_delta_byte_array),
      cmocka_unit_test(test_byte_stream_split),
      cmocka_unit_test(test_dictionary_gather),
      cmocka_unit_test(test_dictionary_index_out_of_range_in_every_gather),
      cmocka_unit_test(test_values_limit),
      cmocka_unit_test(test_unsupported_encoding),
      cmocka_unit_test(test_codecs_refuse_bad_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
