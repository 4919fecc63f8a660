/* Parquet reader under attack: hand-made files whose headers claim more
 * than their bytes hold, statistics that lie, and a file that shrinks
 * between the footer read and the chunk read (pread mode). Each test is a
 * finding of the attack on the reader (issue 13): it failed before its fix.
 * The byte arrays are minimal files written field by field (Thrift compact
 * protocol); each says what it holds above it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "quiver/parquet.h"
#include "quiver/parquet_writer.h"
#include "quiver/table.h"
#include "support/hand.h"

/* k_plain_byte_array_huge_count: a required BYTE_ARRAY column 'c' whose one
 * PLAIN page of 8 bytes (footer and page) announces 2^30 values.
 * k_page_more_values_than_chunk: an optional INT32 column 'c' whose chunk
 * holds 1 value and whose page announces INT32_MAX, all null by one RLE run.
 * k_stats_min_above_max: a required INT32 column 'c' holding 7, with
 * statistics min 10, max 5. k_stats_more_nulls_than_values: an optional
 * INT32 column 'c' holding 7, with statistics null_count 3 (of 1 value).
 * k_delta_far_head / k_delta_far_tail: a required INT32 column 'c' of one
 * DELTA_BINARY_PACKED value (7) whose header announces 1 + 32768 * 2^20
 * values, in 32768 zero-width blocks of 2^20 (two zero bytes each) that
 * come between head and tail. */
static const uint8_t k_plain_byte_array_huge_count[] = {
    0x50,0x41,0x52,0x31,0x15,0x00,0x15,0x10,0x15,0x10,0x2c,0x15,0x80,0x80,0x80,0x80,
    0x08,0x15,0x00,0x15,0x06,0x15,0x06,0x00,0x00,0x01,0x00,0x00,0x00,0x61,0x00,0x00,
    0x00,0x15,0x02,0x19,0x2c,0x48,0x06,0x73,0x63,0x68,0x65,0x6d,0x61,0x15,0x02,0x00,
    0x15,0x0c,0x25,0x00,0x18,0x01,0x63,0x00,0x16,0x80,0x80,0x80,0x80,0x08,0x19,0x1c,
    0x19,0x1c,0x26,0x08,0x1c,0x15,0x0c,0x19,0x15,0x00,0x19,0x18,0x01,0x63,0x15,0x00,
    0x16,0x80,0x80,0x80,0x80,0x08,0x16,0x3a,0x16,0x3a,0x26,0x08,0x00,0x00,0x16,0x3a,
    0x16,0x80,0x80,0x80,0x80,0x08,0x00,0x00,0x47,0x00,0x00,0x00,0x50,0x41,0x52,0x31,
};
static const uint8_t k_page_more_values_than_chunk[] = {
    0x50,0x41,0x52,0x31,0x15,0x00,0x15,0x14,0x15,0x14,0x2c,0x15,0xfe,0xff,0xff,0xff,
    0x0f,0x15,0x00,0x15,0x06,0x15,0x06,0x00,0x00,0x06,0x00,0x00,0x00,0xfe,0xff,0xff,
    0xff,0x0f,0x00,0x15,0x02,0x19,0x2c,0x48,0x06,0x73,0x63,0x68,0x65,0x6d,0x61,0x15,
    0x02,0x00,0x15,0x02,0x25,0x02,0x18,0x01,0x63,0x00,0x16,0x02,0x19,0x1c,0x19,0x1c,
    0x26,0x08,0x1c,0x15,0x02,0x19,0x15,0x00,0x19,0x18,0x01,0x63,0x15,0x00,0x16,0x02,
    0x16,0x3e,0x16,0x3e,0x26,0x08,0x00,0x00,0x16,0x3e,0x16,0x02,0x00,0x00,0x3b,0x00,
    0x00,0x00,0x50,0x41,0x52,0x31,
};
static const uint8_t k_stats_min_above_max[] = {
    0x50,0x41,0x52,0x31,0x15,0x00,0x15,0x08,0x15,0x08,0x2c,0x15,0x02,0x15,0x00,0x15,
    0x06,0x15,0x06,0x00,0x00,0x07,0x00,0x00,0x00,0x15,0x02,0x19,0x2c,0x48,0x06,0x73,
    0x63,0x68,0x65,0x6d,0x61,0x15,0x02,0x00,0x15,0x02,0x25,0x00,0x18,0x01,0x63,0x00,
    0x16,0x02,0x19,0x1c,0x19,0x1c,0x26,0x08,0x1c,0x15,0x02,0x19,0x15,0x00,0x19,0x18,
    0x01,0x63,0x15,0x00,0x16,0x02,0x16,0x2a,0x16,0x2a,0x26,0x08,0x3c,0x36,0x00,0x28,
    0x04,0x05,0x00,0x00,0x00,0x18,0x04,0x0a,0x00,0x00,0x00,0x00,0x00,0x00,0x16,0x2a,
    0x16,0x02,0x00,0x00,0x4b,0x00,0x00,0x00,0x50,0x41,0x52,0x31,
};
static const uint8_t k_stats_more_nulls_than_values[] = {
    0x50,0x41,0x52,0x31,0x15,0x00,0x15,0x14,0x15,0x14,0x2c,0x15,0x02,0x15,0x00,0x15,
    0x06,0x15,0x06,0x00,0x00,0x02,0x00,0x00,0x00,0x02,0x01,0x07,0x00,0x00,0x00,0x15,
    0x02,0x19,0x2c,0x48,0x06,0x73,0x63,0x68,0x65,0x6d,0x61,0x15,0x02,0x00,0x15,0x02,
    0x25,0x02,0x18,0x01,0x63,0x00,0x16,0x02,0x19,0x1c,0x19,0x1c,0x26,0x08,0x1c,0x15,
    0x02,0x19,0x15,0x00,0x19,0x18,0x01,0x63,0x15,0x00,0x16,0x02,0x16,0x36,0x16,0x36,
    0x26,0x08,0x3c,0x36,0x06,0x28,0x04,0x07,0x00,0x00,0x00,0x18,0x04,0x07,0x00,0x00,
    0x00,0x00,0x00,0x00,0x16,0x36,0x16,0x02,0x00,0x00,0x4b,0x00,0x00,0x00,0x50,0x41,
    0x52,0x31,
};
static const uint8_t k_delta_far_head[] = {
    0x50,0x41,0x52,0x31,0x15,0x00,0x15,0x96,0x80,0x08,0x15,0x96,0x80,0x08,0x2c,0x15,
    0x02,0x15,0x0a,0x15,0x06,0x15,0x06,0x00,0x00,0x80,0x80,0x40,0x01,0x81,0x80,0x80,
    0x80,0x80,0x01,0x0e,
};
static const uint8_t k_delta_far_tail[] = {
    0x15,0x02,0x19,0x2c,0x48,0x06,0x73,0x63,0x68,0x65,0x6d,0x61,0x15,0x02,0x00,0x15,
    0x02,0x25,0x00,0x18,0x01,0x63,0x00,0x16,0x02,0x19,0x1c,0x19,0x1c,0x26,0x08,0x1c,
    0x15,0x02,0x19,0x15,0x00,0x19,0x18,0x01,0x63,0x15,0x00,0x16,0x02,0x16,0xc0,0x80,
    0x08,0x16,0xc0,0x80,0x08,0x26,0x08,0x00,0x00,0x16,0xc0,0x80,0x08,0x16,0x02,0x00,
    0x00,0x41,0x00,0x00,0x00,0x50,0x41,0x52,0x31,
};

#define DELTA_BLOCKS 32768

static qv_status read_all(const uint8_t *data, size_t n, const qv_parquet_read_options *o, qv_table **out,
                          qv_error *err) {
  qv_parquet_file *f = NULL;
  qv_status st = qv_parquet_open_memory(data, n, o, &f, err);
  if (st != QV_OK) return st;
  st = qv_parquet_file_read_table(f, NULL, 0, NULL, 0, out, err);
  qv_parquet_file_close(f);
  return st;
}

/* Default limits: the page's 8 bytes cannot hold 2^30 lengths, so no
 * offsets are allocated for them (before: 4 GiB reserved and zeroed). */
static void test_plain_byte_array_count_past_the_page(void **state) {
  (void)state;
  qv_table *t = NULL;
  qv_error e;
  qv_status st = read_all(k_plain_byte_array_huge_count, sizeof k_plain_byte_array_huge_count, NULL, &t, &e);
  assert_int_equal(st, QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "PLAIN BYTE_ARRAY values need 4294967296 bytes, the page holds 8"));
  assert_null(t);
  assert_non_null(strstr(e.message, "row group 0"));
  assert_non_null(strstr(e.message, "column 'c', page 0 at byte 4"));
}

/* A page announcing more values than its chunk has left is refused before
 * levels are allocated (before: 4 GiB of definition levels filled from a
 * 30-byte page, then a count mismatch). */
static void test_page_announces_more_values_than_its_chunk(void **state) {
  (void)state;
  qv_table *t = NULL;
  qv_error e;
  qv_status st = read_all(k_page_more_values_than_chunk, sizeof k_page_more_values_than_chunk, NULL, &t, &e);
  assert_int_equal(st, QV_ERR_INVALID_DATA);
  assert_null(t);
  assert_non_null(strstr(e.message, "row group 0"));
  assert_non_null(strstr(e.message, "column 'c', page 0 at byte 4"));
  assert_non_null(strstr(e.message, "the page announces 2147483647 values, the column chunk has 1 left of its 1"));
}

/* A DELTA_BINARY_PACKED header announcing 2^35 values for a page of one:
 * the blocks past the values wanted are skipped, not unpacked value by
 * value (before: 2^35 iterations, a hang). */
static void test_delta_header_announcing_far_more_values(void **state) {
  (void)state;
  size_t n = sizeof k_delta_far_head + 2 * DELTA_BLOCKS + sizeof k_delta_far_tail;
  uint8_t *file = calloc(n, 1);
  assert_non_null(file);
  memcpy(file, k_delta_far_head, sizeof k_delta_far_head);
  memcpy(file + n - sizeof k_delta_far_tail, k_delta_far_tail, sizeof k_delta_far_tail);
  qv_table *t = NULL;
  qv_error e;
  hand_check(read_all(file, n, NULL, &t, &e), &e, "delta read");
  assert_int_equal(t->n_batches, 1);
  const qv_array *c = t->batches[0]->columns[0];
  assert_int_equal(c->length, 1);
  assert_int_equal(((const int32_t *)(const void *)c->buffers[1]->data)[c->offset], 7);
  qv_table_release(t);
  free(file);
}

static bool may_match(const uint8_t *data, size_t n, qv_parquet_compare_op op, int64_t v) {
  qv_parquet_file *f = NULL;
  qv_error e;
  hand_check(qv_parquet_open_memory(data, n, NULL, &f, &e), &e, "open");
  qv_parquet_predicate p = {.column = 0, .op = op, .kind = QV_PARQUET_VALUE_INT, .int_value = v};
  bool may = true;
  hand_check(qv_parquet_file_row_group_may_match(f, 0, &p, 1, &may, &e), &e, "may_match");
  qv_parquet_file_close(f);
  return may;
}

/* Statistics whose min is above their max prove nothing: the row group
 * holding 7 is kept for c = 7 (before: skipped, the row lost). */
static void test_statistics_min_above_max_are_ignored(void **state) {
  (void)state;
  const uint8_t *d = k_stats_min_above_max;
  size_t n = sizeof k_stats_min_above_max;
  assert_true(may_match(d, n, QV_PARQUET_EQ, 7));
  assert_true(may_match(d, n, QV_PARQUET_LT, 9));
  assert_true(may_match(d, n, QV_PARQUET_GT, 6));
  qv_parquet_file *f = NULL;
  qv_error e;
  hand_check(qv_parquet_open_memory(d, n, NULL, &f, &e), &e, "open");
  qv_parquet_predicate p = {.column = 0, .op = QV_PARQUET_EQ, .kind = QV_PARQUET_VALUE_INT, .int_value = 7};
  qv_parquet_scan_options so = {.predicates = &p, .n_predicates = 1};
  qv_table *t = NULL;
  int32_t skipped = -1;
  hand_check(qv_parquet_file_scan(f, &so, &t, &skipped, &e), &e, "scan");
  assert_int_equal(skipped, 0);
  assert_int_equal(t->n_batches, 1);
  assert_int_equal(t->batches[0]->length, 1);
  qv_table_release(t);
  qv_parquet_file_close(f);
}

/* A null count above the chunk's value count is a lie: the row group is
 * not taken for all-null (before: skipped for c = 7 and IS NOT NULL). */
static void test_statistics_more_nulls_than_values_are_ignored(void **state) {
  (void)state;
  const uint8_t *d = k_stats_more_nulls_than_values;
  size_t n = sizeof k_stats_more_nulls_than_values;
  assert_true(may_match(d, n, QV_PARQUET_EQ, 7));
  assert_true(may_match(d, n, QV_PARQUET_IS_NOT_NULL, 0));
  assert_true(may_match(d, n, QV_PARQUET_IS_NULL, 0));
  assert_true(may_match(d, n, QV_PARQUET_EQ, 8)); /* nothing is proved by them */
}

/* pread mode: the file shrinks after the footer was read; the chunk read
 * fails naming the row group, the column and the bytes it wanted. */
static void test_pread_file_shrinks_after_open(void **state) {
  (void)state;
  qv_array *a = NULL;
  qv_error e;
  int64_t vals[64];
  for (int i = 0; i < 64; i++) vals[i] = i * 3;
  a = hand_array(qv_type_int64(), 64, 0, 0, 2, BUFS(NULL, hand_buf(vals, sizeof vals)), 0, NULL, NULL);
  const char *names[1] = {"x"};
  qv_table *t = NULL;
  hand_check(qv_table_from_arrays(names, &a, 1, &t, &e), &e, "table");
  qv_array_release(a);
  qv_parquet_write_options wo;
  qv_parquet_write_options_init(&wo);
  uint8_t *data = NULL;
  int64_t len = 0;
  hand_check(qv_parquet_write_memory(t, &wo, &data, &len, &e), &e, "write");
  qv_table_release(t);
  char path[] = "/tmp/qv_pq_shrink_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, (size_t)len), len);
  close(fd);
  qv_parquet_read_options o = {.use_pread = true};
  qv_parquet_file *f = NULL;
  hand_check(qv_parquet_open_path(path, &o, &f, &e), &e, "open");
  assert_int_equal(truncate(path, 8), 0);
  qv_batch *b = NULL;
  qv_status st = qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &e);
  assert_int_equal(st, QV_ERR_IO);
  assert_null(b);
  assert_non_null(strstr(e.message, "row group 0: column 'x'"));
  assert_non_null(strstr(e.message, "the file shrank?"));
  /* a file that grows after the open reads as it was */
  assert_int_equal(truncate(path, 0), 0);
  fd = open(path, O_WRONLY | O_APPEND);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, (size_t)len), len);
  assert_int_equal(write(fd, data, (size_t)len), len);
  close(fd);
  hand_check(qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &e), &e, "read after growth");
  assert_int_equal(b->length, 64);
  qv_batch_release(b);
  qv_parquet_file_close(f);
  unlink(path);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_byte_array_count_past_the_page),
      cmocka_unit_test(test_page_announces_more_values_than_its_chunk),
      cmocka_unit_test(test_delta_header_announcing_far_more_values),
      cmocka_unit_test(test_statistics_min_above_max_are_ignored),
      cmocka_unit_test(test_statistics_more_nulls_than_values_are_ignored),
      cmocka_unit_test(test_pread_file_shrinks_after_open),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
