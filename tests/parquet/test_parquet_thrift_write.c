/* Parquet writer encoders: the Thrift compact-protocol encoder (field
 * headers in short and long form, zigzag varints, booleans in the header,
 * list headers below and above 15 elements, nested structs, misuse
 * reported rather than asserted) and the RLE/bit-packed hybrid (decoded
 * back by a small independent decoder written from Encodings.md), the
 * PLAIN encoder and the dictionary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/thrift_write.h"
#include "parquet/write_internal.h"

static void expect_bytes(const qv__pq_buf *b, const uint8_t *want, size_t n) {
  if (b->len != n || memcmp(b->data, want, n) != 0) {
    fprintf(stderr, "got %zu bytes:", b->len);
    for (size_t i = 0; i < b->len; i++) fprintf(stderr, " %02x", b->data[i]);
    fprintf(stderr, "\n");
    fail();
  }
}

static void test_varint_and_zigzag(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv__tw_varint(&b, 0);
  qv__tw_varint(&b, 127);
  qv__tw_varint(&b, 128);
  qv__tw_varint(&b, 300);
  expect_bytes(&b, (const uint8_t[]){0x00, 0x7f, 0x80, 0x01, 0xac, 0x02}, 6);
  assert_int_equal(qv__tw_zigzag(0), 0);
  assert_int_equal(qv__tw_zigzag(-1), 1);
  assert_int_equal(qv__tw_zigzag(1), 2);
  assert_int_equal(qv__tw_zigzag(-2), 3);
  assert_true(qv__tw_zigzag(INT64_MIN) == UINT64_MAX);
  assert_true(qv__tw_zigzag(INT64_MAX) == UINT64_MAX - 1);
  b.len = 0;
  qv__tw_varint(&b, UINT64_MAX);
  assert_int_equal(b.len, 10);
  qv__pq_buf_free(&b);
}

static void test_field_headers_short_and_long(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv__tw w;
  qv__tw_init(&w, &b);
  qv__tw_i32(&w, 1, 5);     /* delta 1: 0x15, zigzag 10 */
  qv__tw_i64(&w, 17, -1);   /* delta 16: long form 0x06, zigzag id 34, value 1 */
  qv__tw_bool(&w, 18, true);  /* delta 1, type 1 */
  qv__tw_bool(&w, 19, false); /* delta 1, type 2 */
  qv__tw_i32(&w, 2, 0);     /* id goes down: long form */
  assert_int_equal(qv__tw_finish(&w, NULL), QV_OK);
  expect_bytes(&b, (const uint8_t[]){0x15, 0x0a, 0x06, 0x22, 0x01, 0x11, 0x12, 0x05, 0x04, 0x00, 0x00}, 11);
  qv__pq_buf_free(&b);
}

static void test_binary_list_and_nested_struct(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv__tw w;
  qv__tw_init(&w, &b);
  qv__tw_string(&w, 1, "ab");
  qv__tw_list_begin(&w, 2, QV__TC_I32, 2);
  qv__tw_elem_i32(&w, 1);
  qv__tw_elem_i32(&w, -1);
  qv__tw_struct_begin(&w, 3);
  qv__tw_i8(&w, 1, -2); /* the inner struct starts its ids from 0 again */
  qv__tw_struct_end(&w);
  qv__tw_i32(&w, 4, 1); /* back in the outer struct: delta from 3 */
  assert_int_equal(qv__tw_finish(&w, NULL), QV_OK);
  expect_bytes(&b,
               (const uint8_t[]){0x18, 0x02, 'a', 'b', 0x19, 0x25, 0x02, 0x01, 0x1c, 0x13, 0xfe, 0x00, 0x15, 0x02,
                                 0x00},
               15);
  qv__pq_buf_free(&b);
}

static void test_long_list_header(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv__tw w;
  qv__tw_init(&w, &b);
  qv__tw_list_begin(&w, 1, QV__TC_BINARY, 20);
  for (int i = 0; i < 20; i++) qv__tw_elem_string(&w, "");
  assert_int_equal(qv__tw_finish(&w, NULL), QV_OK);
  assert_int_equal(b.data[0], 0x19);
  assert_int_equal(b.data[1], 0xf8);
  assert_int_equal(b.data[2], 20);
  assert_int_equal(b.len, 3 + 20 + 1);
  qv__pq_buf_free(&b);
}

static void test_misuse_is_reported(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv__tw w;
  qv_error err;
  qv__tw_init(&w, &b);
  qv__tw_struct_end(&w); /* nothing open */
  assert_int_equal(qv__tw_finish(&w, &err), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "misuse"));
  b.len = 0;
  qv__tw_init(&w, &b);
  for (int i = 0; i < QV__TW_MAX_DEPTH + 2; i++) qv__tw_struct_begin(&w, 1);
  assert_int_equal(qv__tw_finish(&w, &err), QV_ERR_INVALID_ARGUMENT);
  b.len = 0;
  qv__tw_init(&w, &b);
  qv__tw_struct_begin(&w, 1); /* left open */
  assert_int_equal(qv__tw_finish(&w, &err), QV_ERR_INVALID_ARGUMENT);
  qv__pq_buf_free(&b);
}

static void test_buf_status_after_oom_flag(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  qv_error err;
  qv__pq_buf_append(&b, "abc", 3);
  assert_int_equal(qv__pq_buf_status(&b, "x", &err), QV_OK);
  b.oom = true; /* as after a failed realloc: later appends are ignored */
  qv__pq_buf_append(&b, "def", 3);
  assert_int_equal(b.len, 3);
  assert_int_equal(qv__pq_buf_status(&b, "the footer", &err), QV_ERR_NO_MEMORY);
  assert_non_null(strstr(err.message, "the footer"));
  assert_false(qv__pq_buf_reserve(&b, 1));
  qv__pq_buf_free(&b);
}

/* An RLE/bit-packed hybrid decoder, written from the spec for the test. */
static int64_t rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, int64_t max) {
  size_t pos = 0;
  int64_t k = 0;
  while (pos < n && k < max) {
    uint64_t h = 0;
    int shift = 0;
    while (pos < n) {
      uint8_t c = p[pos++];
      h |= (uint64_t)(c & 0x7f) << shift;
      shift += 7;
      if (!(c & 0x80)) break;
    }
    if (h & 1) {
      int64_t count = (int64_t)(h >> 1) * 8;
      uint64_t acc = 0;
      int bits = 0;
      for (int64_t i = 0; i < count; i++) {
        while (bits < bw) {
          acc |= (uint64_t)p[pos++] << bits;
          bits += 8;
        }
        uint32_t v = (uint32_t)(acc & ((bw == 32) ? 0xffffffffu : ((1u << bw) - 1)));
        acc >>= bw;
        bits -= bw;
        if (k < max) out[k++] = v;
      }
    } else {
      int64_t count = (int64_t)(h >> 1);
      uint32_t v = 0;
      for (int b = 0; b < (bw + 7) / 8; b++) v |= (uint32_t)p[pos++] << (8 * b);
      for (int64_t i = 0; i < count && k < max; i++) out[k++] = v;
    }
  }
  return k;
}

static void test_rle_known_bytes(void **state) {
  (void)state;
  qv__pq_buf b = {0};
  uint32_t ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  qv__pq_rle_encode_u32(&b, ones, 10, 1);
  expect_bytes(&b, (const uint8_t[]){0x14, 0x01}, 2); /* one run of 10 */
  b.len = 0;
  uint32_t lit[3] = {1, 2, 3};
  qv__pq_rle_encode_u32(&b, lit, 3, 2);
  expect_bytes(&b, (const uint8_t[]){0x03, 0x39, 0x00}, 3); /* one group, 1|2<<2|3<<4, zero padding */
  assert_int_equal(qv__pqw_bit_width(0), 0);
  assert_int_equal(qv__pqw_bit_width(1), 1);
  assert_int_equal(qv__pqw_bit_width(255), 8);
  assert_int_equal(qv__pqw_bit_width(256), 9);
  qv__pq_buf_free(&b);
}

static void test_rle_round_trips(void **state) {
  (void)state;
  enum { N = 5000 };
  uint32_t *in = malloc(N * sizeof *in), *out = malloc((N + 8) * sizeof *out);
  int16_t *lv = malloc(N * sizeof *lv);
  uint64_t x = 88172645463325252ULL;
  for (int bw = 1; bw <= 32; bw += (bw < 4 ? 1 : 5)) {
    for (int shape = 0; shape < 3; shape++) {
      for (int i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t mask = bw == 32 ? 0xffffffffu : (1u << bw) - 1;
        /* random; runs of random lengths; runs starting off group boundaries */
        if (shape == 0 || i == 0) in[i] = (uint32_t)x & mask;
        else if (shape == 1) in[i] = (x % 5 == 0) ? ((uint32_t)x & mask) : in[i - 1];
        else in[i] = (i / 13) % 2 ? 3u & mask : (uint32_t)x & mask;
      }
      qv__pq_buf b = {0};
      qv__pq_rle_encode_u32(&b, in, N, bw);
      assert_false(b.oom);
      assert_int_equal(rle_decode(b.data, b.len, bw, out, N), N);
      assert_memory_equal(in, out, N * sizeof *in);
      qv__pq_buf_free(&b);
    }
  }
  for (int i = 0; i < N; i++) lv[i] = (int16_t)((i % 97) < 50 ? 2 : i % 3);
  qv__pq_buf b = {0};
  qv__pq_rle_encode_i16(&b, lv, N, 2);
  assert_int_equal(rle_decode(b.data, b.len, 2, out, N), N);
  for (int i = 0; i < N; i++) assert_int_equal(out[i], (uint32_t)lv[i]);
  qv__pq_buf_free(&b);
  free(in);
  free(out);
  free(lv);
}

static void test_plain_and_dictionary(void **state) {
  (void)state;
  qv__pq_leaf leaf;
  memset(&leaf, 0, sizeof leaf);
  leaf.physical = QV__PQ_BYTE_ARRAY;
  qv__pq_bytes words[5] = {{(const uint8_t *)"ab", 2}, {(const uint8_t *)"", 0}, {(const uint8_t *)"ab", 2},
                           {(const uint8_t *)"c", 1}, {(const uint8_t *)"", 0}};
  qv__pqw_values v;
  memset(&v, 0, sizeof v);
  v.bytes = words;
  v.n = 5;
  qv__pq_buf b = {0};
  qv__pq_plain_encode(&b, &leaf, &v, 2, 2);
  expect_bytes(&b, (const uint8_t[]){2, 0, 0, 0, 'a', 'b', 1, 0, 0, 0, 'c'}, 11);
  qv__pq_dict d;
  uint32_t idx[5];
  qv_error err;
  assert_int_equal(qv__pq_dict_init(&d, 0, &err), QV_OK);
  assert_int_equal(qv__pq_dict_put(&d, &v, 0, 5, idx, &err), QV_OK);
  assert_int_equal(d.n, 3);
  assert_memory_equal(idx, ((uint32_t[]){0, 1, 0, 2, 1}), sizeof idx);
  assert_int_equal(d.plain_size, 4 + 2 + 4 + 0 + 4 + 1);
  b.len = 0;
  qv__pq_dict_plain(&d, &b);
  expect_bytes(&b, (const uint8_t[]){2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 'c'}, 15);
  qv__pq_dict_free(&d);
  /* fixed width: many distinct values make the table grow */
  leaf.physical = QV__PQ_INT64;
  leaf.width = 8;
  enum { M = 10000 };
  int64_t *vals = malloc(M * sizeof *vals);
  uint32_t *ix = malloc(M * sizeof *ix);
  for (int i = 0; i < M; i++) vals[i] = (i * 7919) % 4000 - 2000;
  qv__pqw_values fv;
  memset(&fv, 0, sizeof fv);
  fv.borrowed = (const uint8_t *)vals;
  fv.n = M;
  assert_int_equal(qv__pq_dict_init(&d, 8, &err), QV_OK);
  assert_int_equal(qv__pq_dict_put(&d, &fv, 0, M, ix, &err), QV_OK);
  assert_int_equal(d.n, 4000);
  const int64_t *entries = (const int64_t *)(const void *)d.fixed.data;
  for (int i = 0; i < M; i++) assert_int_equal(entries[ix[i]], vals[i]);
  qv__pq_dict_free(&d);
  /* booleans: one bit each */
  leaf.physical = QV__PQ_BOOLEAN;
  leaf.width = 1;
  uint8_t bools[10] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0};
  fv.borrowed = bools;
  fv.n = 10;
  b.len = 0;
  qv__pq_plain_encode(&b, &leaf, &fv, 0, 10);
  expect_bytes(&b, (const uint8_t[]){0x8d, 0x01}, 2);
  qv__pq_buf_free(&b);
  free(vals);
  free(ix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_varint_and_zigzag),
      cmocka_unit_test(test_field_headers_short_and_long),
      cmocka_unit_test(test_binary_list_and_nested_struct),
      cmocka_unit_test(test_long_list_header),
      cmocka_unit_test(test_misuse_is_reported),
      cmocka_unit_test(test_buf_status_after_oom_flag),
      cmocka_unit_test(test_rle_known_bytes),
      cmocka_unit_test(test_rle_round_trips),
      cmocka_unit_test(test_plain_and_dictionary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
