/* The CSV reader's blocks: the input cut at record boundaries (line breaks
 * inside quotes respected), blocks tokenized, inferred and built on several
 * threads, their kinds merged. Every test reads the same text with one
 * block on one thread and with tiny blocks on several threads, and the two
 * tables must hold the same values with the same types; errors must name
 * the same line either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "csv_test_util.h"
#include "csv/internal.h"
#include "quiver/compare.h"
#include "quiver/concat.h"

static qv_table *read_with(const char *text, size_t n, int64_t block_size, int32_t threads, qv_status *st,
                           qv_error *err) {
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.block_size = block_size;
  o.n_threads = threads;
  qv_table *t = NULL;
  *st = qv_csv_read_memory(text, n, &o, &t, err);
  return t;
}

/* Reads `text` whole (one block, one thread) and cut into blocks of each
 * size on 1 and 3 threads; all must agree (values, types, names). Returns
 * the whole read (caller releases). */
static qv_table *read_all_ways(const char *text, size_t n) {
  qv_error err;
  qv_status st;
  qv_table *whole = read_with(text, n, (int64_t)1 << 30, 1, &st, &err);
  if (st != QV_OK) {
    FILE *dump = fopen("/tmp/csvb/failed.csv", "wb");
    if (dump) fwrite(text, 1, n, dump), fclose(dump);
    fail_msg("whole read: %s", err.message);
  }
  assert_int_equal(qv_table_validate(whole, QV_VALIDATE_FULL, &err), QV_OK);
  qv_table *combined_whole = NULL;
  assert_int_equal(qv_table_combine_chunks(whole, &combined_whole, &err), QV_OK);
  static const int64_t sizes[] = {1, 2, 3, 7, 16, 61, 256, 4096};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    for (int32_t threads = 1; threads <= 3; threads += 2) {
      qv_table *t = read_with(text, n, sizes[k], threads, &st, &err);
      if (st != QV_OK) fail_msg("block size %lld, %d threads: %s", (long long)sizes[k], threads, err.message);
      assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
      qv_table *combined = NULL;
      assert_int_equal(qv_table_combine_chunks(t, &combined, &err), QV_OK);
      assert_true(qv_schema_equals(combined->schema, combined_whole->schema, true));
      qv_error why;
      memset(&why, 0, sizeof why);
      if (qv_batch_diff(combined->batches[0], combined_whole->batches[0], NULL, &why) != QV_OK)
        fail_msg("block size %lld, %d threads: %s", (long long)sizes[k], threads, why.message);
      qv_table_release(combined);
      qv_table_release(t);
    }
  }
  qv_table_release(combined_whole);
  return whole;
}

/* Reading fails the same way (code and message) whatever the blocks. */
static void fails_all_ways(const char *text, size_t n, qv_status code, const char *substr) {
  qv_error whole_err;
  qv_status st;
  qv_table *t = read_with(text, n, (int64_t)1 << 30, 1, &st, &whole_err);
  assert_null(t);
  if (st != code || strstr(whole_err.message, substr) == NULL)
    fail_msg("whole read: wanted %s with '%s', got %s: %s", qv_status_name(code), substr, qv_status_name(st),
             whole_err.message);
  static const int64_t sizes[] = {1, 5, 64};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    qv_error err;
    t = read_with(text, n, sizes[k], 3, &st, &err);
    assert_null(t);
    assert_int_equal(st, code);
    if (strcmp(err.message, whole_err.message) != 0)
      fail_msg("block size %lld: '%s' differs from the whole read's '%s'", (long long)sizes[k], err.message,
               whole_err.message);
  }
}

static void test_quoted_line_breaks_across_blocks(void **state) {
  (void)state;
  const char *text =
      "a,b\r\n"
      "1,\"x\ny\"\r\n"
      "2,\"p\r\nq\r\nr\"\r\n"
      "3,\"\"\"quoted\"\" \nand, comma\"\n"
      "4,plain\r"
      "5,\"\r\"\n";
  qv_table *t = read_all_ways(text, strlen(text));
  qv_table *c = NULL;
  assert_int_equal(qv_table_combine_chunks(t, &c, NULL), QV_OK);
  assert_int_equal(c->batches[0]->length, 5);
  const qv_array *b = c->batches[0]->columns[1];
  int64_t len;
  const uint8_t *v = qv_array_bytes_value(b, 2, &len);
  assert_int_equal(len, (int64_t)strlen("\"quoted\" \nand, comma"));
  assert_memory_equal(v, "\"quoted\" \nand, comma", (size_t)len);
  v = qv_array_bytes_value(b, 1, &len);
  assert_memory_equal(v, "p\r\nq\r\nr", (size_t)len);
  qv_table_release(c);
  qv_table_release(t);
}

static void test_stray_quotes_in_unquoted_fields(void **state) {
  (void)state;
  /* Quotes inside unquoted fields are ordinary characters, but they throw
   * the block cutter's quote parity off: the reader must notice and still
   * give the sequential answer. */
  const char *text =
      "size,note\n"
      "5\",a\"b\n"
      "6,\"multi\nline\"\n"
      "7\",x\n"
      "8,\"q\nr\"\n"
      "9,end\n";
  qv_table_release(read_all_ways(text, strlen(text)));
}

static void test_kinds_merge_across_blocks(void **state) {
  (void)state;
  /* Block-by-block kinds differ; the column's type is still the first kind
   * every value fits. */
  const char *text =
      "i,f,s,t,n,z\n"
      "1,1,1,2020-01-01 00:00:00,,2020-01-01T00:00:00Z\n"
      "2,2,2,2020-01-02 00:00:00,,2020-01-01T00:00:00Z\n"
      "3,2.5,x,2020-01-03 00:00:00.5,,2020-01-01T00:00:00Z\n"
      "4,3,4,2020-01-04,NA,2020-01-01T00:00:00\n";
  qv_table *t = read_all_ways(text, strlen(text));
  char buf[128];
  assert_string_equal(csvt_type(t, 0, buf, sizeof buf), "int64");
  assert_string_equal(csvt_type(t, 1, buf, sizeof buf), "double");
  assert_string_equal(csvt_type(t, 2, buf, sizeof buf), "string");
  assert_string_equal(csvt_type(t, 3, buf, sizeof buf), "timestamp[ns]");
  assert_string_equal(csvt_type(t, 4, buf, sizeof buf), "null");
  assert_string_equal(csvt_type(t, 5, buf, sizeof buf), "string"); /* zoned and naive mixed */
  qv_table_release(t);
}

static void test_bool_and_int_spellings_across_blocks(void **state) {
  (void)state;
  /* "1" and "0" are ints and booleans: a block of them next to a block of
   * true/false is bool; next to a block of 2 is int64. */
  const char *text = "a,b\n1,1\n0,0\ntrue,2\nfalse,1\n";
  qv_table *t = read_all_ways(text, strlen(text));
  char buf[64];
  assert_string_equal(csvt_type(t, 0, buf, sizeof buf), "bool");
  assert_string_equal(csvt_type(t, 1, buf, sizeof buf), "int64");
  qv_table_release(t);
}

static void test_skip_rows_and_header_in_later_blocks(void **state) {
  (void)state;
  const char *text = "junk one\njunk two\n\"junk\nthree\"\nx,y\n1,a\n2,b\n";
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.skip_rows = 3;
  for (int64_t bs = 1; bs <= 64; bs *= 2) {
    o.block_size = bs;
    o.n_threads = 2;
    qv_table *t = NULL;
    qv_error err;
    assert_int_equal(qv_csv_read_memory(text, strlen(text), &o, &t, &err), QV_OK);
    assert_string_equal(t->schema->fields[0]->name, "x");
    assert_string_equal(t->schema->fields[1]->name, "y");
    qv_table *c = NULL;
    assert_int_equal(qv_table_combine_chunks(t, &c, NULL), QV_OK);
    assert_int_equal(c->batches[0]->length, 2);
    qv_table_release(c);
    qv_table_release(t);
  }
}

static void test_empty_blocks_and_no_data(void **state) {
  (void)state;
  /* Only a header and blank lines: one empty batch, columns of type null. */
  const char *text = "a,b\n\n\n\r\n\n";
  qv_table *t = read_all_ways(text, strlen(text));
  assert_int_equal(t->n_batches, 1);
  assert_int_equal(t->batches[0]->length, 0);
  qv_table_release(t);
}

static void test_skipped_ragged_rows_in_several_blocks(void **state) {
  (void)state;
  const char *text = "a,b\n1,2\n3\n4,5\n6,7,8\n9,10\n";
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.skip_invalid_rows = true;
  for (int64_t bs = 1; bs <= 32; bs *= 2) {
    o.block_size = bs;
    o.n_threads = 3;
    qv_table *t = NULL;
    qv_csv_read_stats stats;
    qv_error err;
    assert_int_equal(qv_csv_read_memory_ex(text, strlen(text), &o, &t, &stats, &err), QV_OK);
    assert_int_equal(stats.rows, 3);
    assert_int_equal(stats.skipped_rows, 2);
    qv_table_release(t);
  }
}

static void test_bad_input_errors_name_the_same_line_in_any_block(void **state) {
  (void)state;
  const char *ragged = "a,b\n1,2\n3,4\n\"x\ny\",5\n6\n";
  fails_all_ways(ragged, strlen(ragged), QV_ERR_INVALID_DATA, "CSV line 6: expected 2 fields");
  const char *unclosed = "a,b\n1,2\n3,\"4\n5,6\n";
  fails_all_ways(unclosed, strlen(unclosed), QV_ERR_INVALID_DATA, "CSV line 3, column 2: the quoted field");
  const char *after_quote = "a,b\n1,2\n\"3\nx\"y,4\n";
  fails_all_ways(after_quote, strlen(after_quote), QV_ERR_INVALID_DATA, "CSV line 4, column 1: expected the delimiter");
  const char bad_utf8[] = "a,b\n1,ok\n2,ok\n3,\xff\xfe\n";
  fails_all_ways(bad_utf8, sizeof bad_utf8 - 1, QV_ERR_INVALID_DATA, "CSV line 4, column 2 ('b'): invalid UTF-8");
  const char *overflow = "t\n2020-01-01 00:00:00.1\n9999-12-31 23:59:59.5\n";
  qv_table *t = read_all_ways(overflow, strlen(overflow)); /* past timestamp[ns]: a string column, not an error */
  char buf[64];
  assert_string_equal(csvt_type(t, 0, buf, sizeof buf), "string");
  qv_table_release(t);
}

static void test_bad_options_block_size_and_threads(void **state) {
  (void)state;
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.block_size = -1;
  csvt_expect_error("a\n1\n", 4, &o, QV_ERR_INVALID_ARGUMENT, "block_size");
  o.block_size = 0;
  o.n_threads = -2;
  csvt_expect_error("a\n1\n", 4, &o, QV_ERR_INVALID_ARGUMENT, "n_threads");
}

/* xorshift: reproducible random texts */
static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void append(char **p, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2;
    *p = realloc(*p, *cap);
    assert_non_null(*p);
  }
  memcpy(*p + *len, s, n);
  *len += n;
  (*p)[*len] = '\0';
}

static void test_random_texts_agree_in_any_blocks(void **state) {
  (void)state;
  static const char *pieces[] = {"1",   "-7",        "2.5",     "1e3",  "",         "NA",  "true",
                                 "x",   "\"a,b\"",   "\"l\nm\"", "\"\"\"q\"\"\"", "2021-03-04",
                                 "2021-03-04 05:06:07", "\"\r\n\"", "\"é ü\"", "nan"};
  const int n_pieces = (int)(sizeof pieces / sizeof pieces[0]);
  for (uint64_t seed = 1; seed <= 40; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ULL;
    char *text = NULL;
    size_t len = 0, cap = 0;
    append(&text, &len, &cap, "c0,c1,c2\n", 9);
    const int rows = 1 + (int)(rnd() % 60);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < 3; c++) {
        if (c) append(&text, &len, &cap, ",", 1);
        /* each column mostly of one kind, sometimes anything */
        const int k = rnd() % 4 == 0 ? (int)(rnd() % (uint64_t)n_pieces) : (c * 5 + (int)(rnd() % 2)) % n_pieces;
        append(&text, &len, &cap, pieces[k], strlen(pieces[k]));
      }
      static const char *const ends[] = {"\n", "\r\n", "\r"};
      const char *end = ends[rnd() % 3];
      append(&text, &len, &cap, end, strlen(end));
    }
    qv_table_release(read_all_ways(text, len));
    free(text);
  }
}

static void test_float_parser_matches_strtod(void **state) {
  (void)state;
  rng_state = 0x243F6A8885A308D3ULL;
  char buf[64];
  for (int k = 0; k < 200000; k++) {
    double d;
    const uint64_t r = rnd();
    switch (k % 3) {
      case 0:
        memcpy(&d, &r, sizeof d);
        if (d != d) continue;
        snprintf(buf, sizeof buf, "%.17g", d);
        break;
      case 1:
        snprintf(buf, sizeof buf, "%.*g", 1 + (int)(rnd() % 17), (double)(rnd() % 100000000) / (double)(1 + rnd() % 997));
        break;
      default: {
        const int digits = 1 + (int)(rnd() % 21);
        int p = 0;
        for (int i = 0; i < digits; i++) buf[p++] = (char)('0' + rnd() % 10);
        buf[p++] = '.';
        buf[p++] = (char)('0' + rnd() % 10);
        p += snprintf(buf + p, sizeof buf - (size_t)p, "e%d", (int)(rnd() % 80) - 40);
        break;
      }
    }
    double got = 0;
    assert_true(qv__csv_parse_float64(buf, (int64_t)strlen(buf), &got));
    const double want = strtod(buf, NULL);
    if (memcmp(&got, &want, sizeof got) != 0) fail_msg("'%s': %.17g, strtod gives %.17g", buf, got, want);
  }
}

static void test_int_parser_edges(void **state) {
  (void)state;
  int64_t v;
  assert_true(qv__csv_parse_int64("9223372036854775807", 19, &v));
  assert_true(v == INT64_MAX);
  assert_true(qv__csv_parse_int64("-9223372036854775808", 20, &v));
  assert_true(v == INT64_MIN);
  assert_false(qv__csv_parse_int64("9223372036854775808", 19, &v));
  assert_false(qv__csv_parse_int64("-9223372036854775809", 20, &v));
  assert_false(qv__csv_parse_int64("9999999999999999999", 19, &v));
  assert_true(qv__csv_parse_int64("00000000000000000000042", 23, &v));
  assert_int_equal(v, 42);
  assert_false(qv__csv_parse_int64("12a", 3, &v));
  assert_false(qv__csv_parse_int64("-", 1, &v));
}

/* Two columns fail at different lines: the earliest cell is named, the
 * same with one block as with blocks that hold only the later one. */
static void test_the_earliest_failing_cell_is_reported_whatever_the_blocks(void **state) {
  (void)state;
  const char text[] = "a,b,c\n1,x,ok\n2,y,\xff\n3,z,ok\n4,w,ok\n5,v,ok\n6,\xfe,ok\n";
  fails_all_ways(text, sizeof text - 1, QV_ERR_INVALID_DATA, "CSV line 3, column 3 ('c'): invalid UTF-8");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quoted_line_breaks_across_blocks),
      cmocka_unit_test(test_stray_quotes_in_unquoted_fields),
      cmocka_unit_test(test_kinds_merge_across_blocks),
      cmocka_unit_test(test_bool_and_int_spellings_across_blocks),
      cmocka_unit_test(test_skip_rows_and_header_in_later_blocks),
      cmocka_unit_test(test_empty_blocks_and_no_data),
      cmocka_unit_test(test_skipped_ragged_rows_in_several_blocks),
      cmocka_unit_test(test_bad_input_errors_name_the_same_line_in_any_block),
      cmocka_unit_test(test_bad_options_block_size_and_threads),
      cmocka_unit_test(test_the_earliest_failing_cell_is_reported_whatever_the_blocks),
      cmocka_unit_test(test_random_texts_agree_in_any_blocks),
      cmocka_unit_test(test_float_parser_matches_strtod),
      cmocka_unit_test(test_int_parser_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
