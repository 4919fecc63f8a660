/* SNAPPY pages (libsnappy behind qv__pq_decompress): every block libsnappy
 * compresses decodes to the same bytes (data shaped like Parquet pages:
 * random and repeating integers, short and long strings, runs, tiny and
 * empty blocks, literals long enough to need 1..4 length bytes), and each
 * malformed block is refused with QV_ERR_INVALID_DATA without a read or
 * write outside its buffers (the ASan build checks that: the output
 * buffer is allocated at exactly the announced size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <snappy-c.h>

#include "parquet/codec.h"
#include "parquet/format.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* Compresses raw with libsnappy, decodes through the codec switch into a buffer of
 * exactly n bytes and compares. */
static qv_status snappy_page(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len, qv_error *err) {
  return qv__pq_decompress(QV__PQ_CODEC_SNAPPY, src, n, dst, dst_len, err);
}

static void round_trip(const uint8_t *raw, size_t n) {
  size_t clen = snappy_max_compressed_length(n);
  char *comp = malloc(clen);
  assert_non_null(comp);
  assert_int_equal(snappy_compress((const char *)raw, n, comp, &clen), SNAPPY_OK);
  uint8_t *out = malloc(n ? n : 1);
  assert_non_null(out);
  qv_error err;
  assert_int_equal(qv__pq_decompress(QV__PQ_CODEC_SNAPPY, (const uint8_t *)comp, clen, out, n, &err), QV_OK);
  assert_memory_equal(out, raw, n);
  free(out);
  free(comp);
}

static void test_snappy_round_trips_page_shaped_data(void **state) {
  (void)state;
  const size_t n = (size_t)1 << 18;
  uint8_t *raw = malloc(n);
  assert_non_null(raw);
  for (int kind = 0; kind < 7; kind++) {
    for (size_t i = 0; i < n; i += 8) {
      int64_t v;
      switch (kind) {
        case 0: v = (int64_t)(next_rand() % 2000000000000ull) - 1000000000000ll; break; /* random int64 */
        case 1: v = (int64_t)(next_rand() % 100); break;                                /* small ints */
        case 2: v = 1600000000000000ll + (int64_t)(i / 8) * 1000; break;                /* sorted */
        case 3: v = 0; break;                                                           /* zeros */
        case 4: v = (int64_t)next_rand(); break;                                        /* incompressible */
        default: v = (int64_t)(i / 64 % 3); break;                                      /* runs */
      }
      memcpy(raw + i, &v, 8);
    }
    if (kind == 6) /* strings: a 4-byte length and 10..40 letters, like PLAIN BYTE_ARRAY */
      for (size_t i = 0; i + 44 < n;) {
        uint32_t len = 10 + (uint32_t)(next_rand() % 31);
        memcpy(raw + i, &len, 4);
        i += 4;
        for (uint32_t k = 0; k < len; k++) raw[i++] = (uint8_t)("category_0123456789"[next_rand() % 19]);
      }
    round_trip(raw, n);
    /* every size from 0 to 300: the careful tail paths */
    for (size_t m = 0; m <= 300; m++) round_trip(raw, m);
  }
  free(raw);
}

static void test_snappy_long_literals(void **state) {
  (void)state;
  /* incompressible blocks of lengths needing 1, 2 and 3 length bytes */
  const size_t sizes[] = {61, 255, 256, 257, 65535, 65536, 65537, 1 << 20};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    uint8_t *raw = malloc(sizes[s]);
    assert_non_null(raw);
    for (size_t i = 0; i < sizes[s]; i++) raw[i] = (uint8_t)next_rand();
    round_trip(raw, sizes[s]);
    free(raw);
  }
  /* a hand-made literal whose length takes 4 bytes (libsnappy never writes
   * one below 16 MiB): 70 bytes */
  uint8_t block[1 + 1 + 4 + 70];
  block[0] = 70;
  block[1] = (uint8_t)(63 << 2);
  const uint32_t len_minus_one = 69;
  memcpy(block + 2, &len_minus_one, 4);
  for (int i = 0; i < 70; i++) block[6 + i] = (uint8_t)i;
  uint8_t out[70];
  qv_error err;
  assert_int_equal(snappy_page(block, sizeof block, out, 70, &err), QV_OK);
  assert_memory_equal(out, block + 6, 70);
}

/* Hand-made blocks that must be refused, each with its reason. */
static void expect_refused(const uint8_t *block, size_t n, size_t out_len, const char *needle) {
  uint8_t *out = malloc(out_len ? out_len : 1);
  assert_non_null(out);
  qv_error err;
  assert_int_equal(snappy_page(block, n, out, out_len, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, needle));
  free(out);
}

static void test_snappy_refuses_malformed_blocks(void **state) {
  (void)state;
  /* no preamble; a preamble of 6 bytes */
  expect_refused((const uint8_t *)"", 0, 0, "preamble");
  const uint8_t long_varint[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  expect_refused(long_varint, sizeof long_varint, 0, "preamble");
  /* announces 4 bytes, the page header 5 */
  const uint8_t lit4[] = {4, 3 << 2, 'a', 'b', 'c', 'd'};
  expect_refused(lit4, sizeof lit4, 5, "announces");
  /* a literal running past the input */
  const uint8_t lit_short[] = {4, 3 << 2, 'a', 'b'};
  expect_refused(lit_short, sizeof lit_short, 4, "corrupt SNAPPY data");
  /* a literal longer than the announced length */
  const uint8_t lit_long[] = {2, 3 << 2, 'a', 'b', 'c', 'd'};
  expect_refused(lit_long, sizeof lit_long, 2, "corrupt SNAPPY data");
  /* copy before any output; copy with offset 0; copy further back than the output */
  const uint8_t copy_first[] = {4, 0x01 | (0 << 2), 0x01};
  expect_refused(copy_first, sizeof copy_first, 4, "corrupt SNAPPY data");
  const uint8_t copy_zero[] = {8, 3 << 2, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 0x00, 0x00};
  expect_refused(copy_zero, sizeof copy_zero, 8, "corrupt SNAPPY data");
  const uint8_t copy_far[] = {8, 3 << 2, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 0x05, 0x00};
  expect_refused(copy_far, sizeof copy_far, 8, "corrupt SNAPPY data");
  /* a copy past the announced length */
  const uint8_t copy_long[] = {6, 3 << 2, 'a', 'b', 'c', 'd', 0x02 | (3 << 2), 0x04, 0x00};
  expect_refused(copy_long, sizeof copy_long, 6, "corrupt SNAPPY data");
  /* truncated copy offsets and literal lengths */
  const uint8_t copy_trunc[] = {8, 3 << 2, 'a', 'b', 'c', 'd', 0x03 | (3 << 2), 0x04};
  expect_refused(copy_trunc, sizeof copy_trunc, 8, "corrupt SNAPPY data");
  const uint8_t len_trunc[] = {8, 62 << 2, 0x01};
  expect_refused(len_trunc, sizeof len_trunc, 8, "corrupt SNAPPY data");
  /* the stream ends early */
  expect_refused(lit4, sizeof lit4 - 4, 4, "corrupt SNAPPY data");
  const uint8_t ends_early[] = {8, 3 << 2, 'a', 'b', 'c', 'd'};
  expect_refused(ends_early, sizeof ends_early, 8, "corrupt SNAPPY data");
}

/* Every prefix and many single-byte corruptions of a real block either
 * decode to exactly the announced size or are refused; none reads or
 * writes outside its buffers (checked by the sanitizer build). */
static void test_snappy_truncations_and_bit_flips(void **state) {
  (void)state;
  const size_t n = 4096;
  uint8_t raw[4096];
  for (size_t i = 0; i < n; i += 8) {
    int64_t v = (int64_t)(next_rand() % 100000) - 50000;
    memcpy(raw + i, &v, 8);
  }
  size_t clen = snappy_max_compressed_length(n);
  char *comp = malloc(clen);
  assert_non_null(comp);
  assert_int_equal(snappy_compress((const char *)raw, n, comp, &clen), SNAPPY_OK);
  uint8_t *out = malloc(n);
  assert_non_null(out);
  qv_error err;
  for (size_t cut = 0; cut < clen; cut++) {
    uint8_t *prefix = malloc(cut ? cut : 1);
    assert_non_null(prefix);
    memcpy(prefix, comp, cut);
    assert_int_equal(snappy_page(prefix, cut, out, n, &err), QV_ERR_INVALID_DATA);
    free(prefix);
  }
  uint8_t *mutant = malloc(clen);
  assert_non_null(mutant);
  for (int round = 0; round < 3000; round++) {
    memcpy(mutant, comp, clen);
    mutant[next_rand() % clen] ^= (uint8_t)(1u << (next_rand() % 8));
    qv_status st = snappy_page(mutant, clen, out, n, &err);
    assert_true(st == QV_OK || st == QV_ERR_INVALID_DATA);
  }
  free(mutant);
  free(out);
  free(comp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_snappy_round_trips_page_shaped_data),
      cmocka_unit_test(test_snappy_long_literals),
      cmocka_unit_test(test_snappy_refuses_malformed_blocks),
      cmocka_unit_test(test_snappy_truncations_and_bit_flips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
