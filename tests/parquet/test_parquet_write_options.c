/* Parquet writer options: value encodings on request (DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE) read
 * back equal by quiver's reader, over many pages and at the integer
 * extremes; page checksums that the reader verifies (a flipped byte is
 * caught); bloom filters holding every value written; the page index
 * present in the footer; bad options refused naming the column. Reading
 * the same files with pyarrow and duckdb is tests/interop's job. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "parquet/write_internal.h"
#include "quiver/compare.h"
#include "quiver/parquet.h"
#include "quiver/parquet_writer.h"
#include "quiver/table.h"
#include "support/hand.h"

#define N 20000

static qv_table *table_of_arrays(int32_t n, const char *const *names, qv_array **arrays) {
  qv_table *t = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, arrays, n, &t, &e), &e, "table");
  for (int32_t i = 0; i < n; i++) qv_array_release(arrays[i]);
  return t;
}

static void write_bytes(const qv_table *t, const qv_parquet_write_options *o, uint8_t **data, int64_t *len) {
  qv_error e;
  hand_check(qv_parquet_write_memory(t, o, data, len, &e), &e, "write");
}

/* Reads bytes back with quiver's reader into *out; returns the status. */
static qv_status read_bytes(const uint8_t *data, int64_t len, qv_table **out, qv_error *e) {
  qv_parquet_file *f = NULL;
  qv_status st = qv_parquet_open_memory(data, (size_t)len, NULL, &f, e);
  if (st == QV_OK) st = qv_parquet_file_read_table(f, NULL, 0, NULL, 0, out, e);
  qv_parquet_file_close(f);
  return st;
}

static void assert_round_trip(const qv_table *t, const qv_parquet_write_options *o, const char *what) {
  uint8_t *data = NULL;
  int64_t len = 0;
  write_bytes(t, o, &data, &len);
  qv_table *back = NULL;
  qv_error e;
  hand_check(read_bytes(data, len, &back, &e), &e, what);
  qv_error why;
  qv_status st = qv_table_diff(t, back, NULL, &why);
  if (st != QV_OK) fail_msg("%s: %s", what, why.message);
  qv_table_release(back);
  free(data);
}

/* A fixed-width column of n values from `src` (copied), every 7th null when `nulls`. */
static qv_array *fixed_column(qv_type *t, const void *src, int64_t n, int32_t width, bool nulls) {
  uint8_t *bits = calloc((size_t)(n + 7) / 8, 1);
  int64_t null_count = 0;
  for (int64_t i = 0; i < n; i++) {
    if (nulls && i % 7 == 3) null_count++;
    else bits[i / 8] |= (uint8_t)(1u << (i % 8));
  }
  qv_array *a = hand_array(t, n, 0, null_count, 2,
                           BUFS(nulls ? hand_buf(bits, (n + 7) / 8) : NULL, hand_buf(src, n * width)), 0, NULL, NULL);
  free(bits);
  return a;
}

/* n strings sharing prefixes (so DELTA_BYTE_ARRAY has prefixes to drop), some empty. */
static qv_array *string_column(int64_t n) {
  int32_t *offs = malloc((size_t)(n + 1) * 4);
  char *data = malloc((size_t)n * 24);
  offs[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    int len = i % 11 == 0 ? 0 : snprintf(data + offs[i], 24, "key-%06lld-%c", (long long)(i / 3), (char)('a' + i % 26));
    offs[i + 1] = offs[i] + len;
  }
  qv_array *a = hand_array(qv_type_string(), n, 0, 0, 3,
                           BUFS(NULL, hand_buf(offs, (n + 1) * 4), hand_buf(data, offs[n])), 0, NULL, NULL);
  free(offs);
  free(data);
  return a;
}

static qv_table *sample_table(void) {
  static int64_t i64[N];
  static int32_t i32[N];
  static double f64[N];
  static float f32[N];
  static uint8_t flba[N * 16];
  for (int64_t i = 0; i < N; i++) {
    /* extremes next to each other: deltas that wrap in 32 and 64 bits */
    i64[i] = i % 5 == 0 ? INT64_MIN : i % 5 == 1 ? INT64_MAX : i * 1000003 - (i % 3) * 77;
    i32[i] = i % 4 == 0 ? INT32_MIN : i % 4 == 1 ? INT32_MAX : (int32_t)(i * 31);
    f64[i] = (double)i / 7.0 - 1000.0;
    f32[i] = (float)i * 0.25f;
    for (int k = 0; k < 16; k++) flba[i * 16 + k] = (uint8_t)(i * (k + 1));
  }
  qv_type *fsb = NULL;
  qv_error e;
  hand_check(qv_type_fixed_size_binary(16, &fsb, &e), &e, "fsb");
  uint8_t bools[N];
  for (int64_t i = 0; i < N; i++) bools[i] = (uint8_t)(i % 3 == 0 || (i / 100) % 2);
  uint8_t bits[(N + 7) / 8] = {0};
  for (int64_t i = 0; i < N; i++) bits[i / 8] |= (uint8_t)(bools[i] << (i % 8));
  qv_array *b = hand_array(qv_type_bool(), N, 0, 0, 2, BUFS(NULL, hand_buf(bits, sizeof bits)), 0, NULL, NULL);
  const char *names[] = {"i64", "i32", "f64", "f32", "s", "fsb", "b"};
  return table_of_arrays(7, names,
                         KIDS(fixed_column(qv_type_int64(), i64, N, 8, true), fixed_column(qv_type_int32(), i32, N, 4, false),
                              fixed_column(qv_type_float64(), f64, N, 8, true),
                              fixed_column(qv_type_float32(), f32, N, 4, false), string_column(N),
                              fixed_column(fsb, flba, N, 16, true), b));
}

static void options_for(qv_parquet_write_options *o, int page_version) {
  qv_parquet_write_options_init(o);
  o->data_page_size = 4096; /* many pages per chunk */
  o->data_page_version = page_version;
  o->use_dictionary = false;
}

static void test_each_encoding_reads_back_equal(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_parquet_write_options o;
  const qv_parquet_column_write_options cols[] = {
      {.column = "i64", .encoding = QV_PARQUET_ENCODING_DELTA_BINARY_PACKED},
      {.column = "i32", .encoding = QV_PARQUET_ENCODING_DELTA_BINARY_PACKED},
      {.column = "f64", .encoding = QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT},
      {.column = "f32", .encoding = QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT},
      {.column = "s", .encoding = QV_PARQUET_ENCODING_DELTA_LENGTH_BYTE_ARRAY},
      {.column = "fsb", .encoding = QV_PARQUET_ENCODING_DELTA_BYTE_ARRAY},
      {.column = "b", .encoding = QV_PARQUET_ENCODING_RLE},
  };
  const qv_parquet_column_write_options cols2[] = {
      {.column = "i64", .encoding = QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT},
      {.column = "i32", .encoding = QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT},
      {.column = "s", .encoding = QV_PARQUET_ENCODING_DELTA_BYTE_ARRAY},
      {.column = "fsb", .encoding = QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT},
  };
  for (int v = 1; v <= 2; v++) {
    options_for(&o, v);
    o.columns = cols;
    o.n_columns = 7;
    assert_round_trip(t, &o, "delta/bss encodings");
    o.columns = cols2;
    o.n_columns = 4;
    o.compression = QV_PARQUET_ZSTD;
    assert_round_trip(t, &o, "bss/delta byte array encodings");
  }
  /* the writer-wide switch: BYTE_STREAM_SPLIT where it applies, PLAIN elsewhere */
  options_for(&o, 1);
  o.use_byte_stream_split = true;
  assert_round_trip(t, &o, "use_byte_stream_split");
  /* the fallback encoding after a dictionary overflow */
  options_for(&o, 1);
  o.use_dictionary = true;
  o.dictionary_page_size_limit = 1024;
  o.columns = cols;
  o.n_columns = 7;
  assert_round_trip(t, &o, "dictionary falling back to the requested encodings");
  qv_table_release(t);
}

static void test_delta_binary_packed_small_inputs(void **state) {
  (void)state;
  /* 0, 1, a partial miniblock, exactly one block plus one, the extremes */
  const int64_t lens[] = {1, 2, 33, 129, 257};
  for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
    int64_t n = lens[k];
    int64_t *v = malloc((size_t)n * 8);
    for (int64_t i = 0; i < n; i++) v[i] = i % 2 ? INT64_MIN + i : INT64_MAX - i;
    qv_table *t = table_of_arrays(1, (const char *[]){"x"}, KIDS(fixed_column(qv_type_int64(), v, n, 8, false)));
    qv_parquet_write_options o;
    options_for(&o, 1);
    o.encoding = QV_PARQUET_ENCODING_DELTA_BINARY_PACKED;
    assert_round_trip(t, &o, "delta binary packed extremes");
    qv_table_release(t);
    free(v);
  }
}

static void test_page_checksums_are_verified(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_parquet_write_options o;
  options_for(&o, 1);
  o.compression = QV_PARQUET_UNCOMPRESSED;
  o.write_page_checksum = true;
  assert_round_trip(t, &o, "checksummed pages");
  uint8_t *data = NULL;
  int64_t len = 0;
  write_bytes(t, &o, &data, &len);
  /* A byte inside the first page's values (after magic, header and levels). */
  data[300] ^= 0x5A;
  qv_table *back = NULL;
  qv_error e;
  qv_status st = read_bytes(data, len, &back, &e);
  assert_int_not_equal(st, QV_OK);
  assert_non_null(strstr(e.message, "CRC"));
  assert_null(back);
  free(data);
  qv_table_release(t);
}

/* Does the serialized filter (header + bitset) contain hash h? */
static bool bloom_may_contain(const uint8_t *bitset, int64_t bytes, uint64_t h) {
  static const uint32_t salts[8] = {0x47b6137bu, 0x44974d91u, 0x8824ad5bu, 0xa2b7289du,
                                    0x705495c7u, 0x2df1424bu, 0x9efc4947u, 0x5c6bfb31u};
  uint64_t block = ((h >> 32) * (uint64_t)(bytes / 32)) >> 32;
  for (int i = 0; i < 8; i++) {
    const uint8_t *w = bitset + block * 32 + (uint64_t)i * 4;
    uint32_t word = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
    if (!((word >> ((((uint32_t)h) * salts[i]) >> 27)) & 1u)) return false;
  }
  return true;
}

static void test_bloom_filter_holds_every_value(void **state) {
  (void)state;
  assert_int_equal(qv__pqw_bloom_bytes(1000, 0.05), 1024);
  assert_int_equal(qv__pqw_bloom_bytes(1000, 0.01), 2048);
  assert_int_equal(qv__pqw_bloom_bytes(1, 0.5), 32);
  assert_int_equal(qv__pqw_bloom_bytes(INT64_MAX / 16, 0.001), (int64_t)128 << 20);
  qv__pq_leaf leaf;
  memset(&leaf, 0, sizeof leaf);
  leaf.physical = QV__PQ_INT64;
  leaf.width = 8;
  leaf.bloom = true;
  leaf.bloom_fpp = 0.01;
  leaf.dotted = "x";
  int64_t vals[500];
  for (int i = 0; i < 500; i++) vals[i] = (int64_t)i * 7919 - 3;
  qv__pqw_values v;
  memset(&v, 0, sizeof v);
  v.n = 500;
  v.borrowed = (const uint8_t *)vals;
  qv__pq_buf out = {0};
  qv_error e;
  hand_check(qv__pqw_bloom_build(&leaf, &v, 500, 0, &out, &e), &e, "bloom");
  int64_t bytes = qv__pqw_bloom_bytes(500, 0.01);
  assert_true((int64_t)out.len > bytes);
  const uint8_t *bitset = out.data + out.len - bytes;
  for (int i = 0; i < 500; i++) assert_true(bloom_may_contain(bitset, bytes, XXH64(&vals[i], 8, 0)));
  int false_positives = 0;
  for (int64_t x = 1000000; x < 1010000; x++) false_positives += bloom_may_contain(bitset, bytes, XXH64(&x, 8, 0));
  assert_true(false_positives < 10000 / 20); /* 1 % asked; far below 5 % */
  qv__pq_buf_free(&out);
}

static void test_page_index_and_bloom_in_file(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_parquet_write_options o;
  options_for(&o, 2);
  o.write_page_index = true;
  const qv_parquet_column_write_options cols[] = {{.column = "s", .bloom_filter = true},
                                                  {.column = "i64", .bloom_filter = true, .bloom_filter_ndv = 100}};
  o.columns = cols;
  o.n_columns = 2;
  assert_round_trip(t, &o, "page index and bloom filters");
  qv_table_release(t);
}

static void test_bad_options_name_the_column(void **state) {
  (void)state;
  qv_table *t = sample_table();
  qv_parquet_write_options o;
  qv_error e;
  struct {
    qv_parquet_column_write_options col;
    const char *needle;
  } cases[] = {
      {{.column = "s", .encoding = QV_PARQUET_ENCODING_DELTA_BINARY_PACKED}, "'s'"},
      {{.column = "f64", .encoding = QV_PARQUET_ENCODING_DELTA_LENGTH_BYTE_ARRAY}, "'f64'"},
      {{.column = "i32", .encoding = QV_PARQUET_ENCODING_RLE}, "'i32'"},
      {{.column = "nope", .encoding = QV_PARQUET_ENCODING_PLAIN}, "'nope'"},
      {{.column = "i64", .bloom_filter = true, .bloom_filter_fpp = 1.5}, "'i64'"},
      {{.column = "b", .bloom_filter = true}, "'b'"},
      {{.column = "i64", .encoding = (qv_parquet_encoding)99}, "'i64'"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    options_for(&o, 1);
    o.columns = &cases[k].col;
    o.n_columns = 1;
    uint8_t *data = NULL;
    int64_t len = 0;
    assert_int_equal(qv_parquet_write_memory(t, &o, &data, &len, &e), QV_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(e.message, cases[k].needle));
    assert_null(data);
  }
  options_for(&o, 1);
  o.encoding = QV_PARQUET_ENCODING_DELTA_BINARY_PACKED; /* the writer-wide encoding, on a float column */
  uint8_t *data = NULL;
  int64_t len = 0;
  assert_int_equal(qv_parquet_write_memory(t, &o, &data, &len, &e), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "DELTA_BINARY_PACKED"));
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_encoding_reads_back_equal),
      cmocka_unit_test(test_delta_binary_packed_small_inputs),
      cmocka_unit_test(test_page_checksums_are_verified),
      cmocka_unit_test(test_bloom_filter_holds_every_value),
      cmocka_unit_test(test_page_index_and_bloom_in_file),
      cmocka_unit_test(test_bad_options_name_the_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
