/* Parquet writer: the file's frame (magic, footer length), options refused
 * with their names, types Parquet cannot hold refused naming the column,
 * hostile arrays (list and string offsets, dictionary indices, views,
 * timestamp scaling) refused naming column and row, the writer's sticky
 * failure and misuse errors, atomic path output and fd output errors,
 * and statistics truncation. Reading the files back with other readers
 * is tests/interop/test_parquet_write.py's job. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet/write_internal.h"
#include "quiver/parquet_writer.h"
#include "quiver/table.h"
#include "support/hand.h"

static qv_table *table_of(int32_t n, const char *const *names, qv_array **arrays) {
  qv_table *t = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, arrays, n, &t, &e), &e, "table");
  for (int32_t i = 0; i < n; i++) qv_array_release(arrays[i]);
  return t;
}

static qv_table *one_column(const char *name, qv_array *a) { return table_of(1, (const char *[]){name}, &a); }

static qv_status write_mem(const qv_table *t, const qv_parquet_write_options *o, qv_error *err) {
  uint8_t *data = NULL;
  int64_t len = 0;
  qv_status st = qv_parquet_write_memory(t, o, &data, &len, err);
  if (st == QV_OK) {
    assert_true(len > 12);
    assert_memory_equal(data, "PAR1", 4);
    assert_memory_equal(data + len - 4, "PAR1", 4);
    uint32_t footer = (uint32_t)data[len - 8] | (uint32_t)data[len - 7] << 8 | (uint32_t)data[len - 6] << 16 |
                      (uint32_t)data[len - 5] << 24;
    assert_true(footer > 0 && (int64_t)footer <= len - 12);
  } else {
    assert_null(data);
  }
  free(data);
  return st;
}

static void test_simple_file_frame(void **state) {
  (void)state;
  qv_table *t = table_of(2, (const char *[]){"i", "s"}, KIDS(I64(1, 2, 3), STRS("a", NULL, "c")));
  qv_error e;
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  const qv_parquet_compression codecs[] = {QV_PARQUET_UNCOMPRESSED, QV_PARQUET_SNAPPY, QV_PARQUET_GZIP,
                                           QV_PARQUET_BROTLI,       QV_PARQUET_ZSTD,   QV_PARQUET_LZ4_RAW};
  for (size_t c = 0; c < sizeof codecs / sizeof codecs[0]; c++) {
    for (int v = 1; v <= 2; v++) {
      o.compression = codecs[c];
      o.data_page_version = v;
      o.use_dictionary = v == 1;
      hand_check(write_mem(t, &o, &e), &e, "write");
    }
  }
  hand_check(write_mem(t, NULL, &e), &e, "write with default options");
  qv_table_release(t);
}

static void test_bad_options_are_named(void **state) {
  (void)state;
  qv_table *t = one_column("a", I32(1));
  qv_error e;
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.data_page_version = 3;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "data_page_version");
  qv_parquet_write_options_init(&o);
  o.row_group_size = 0;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "row_group_size");
  qv_parquet_write_options_init(&o);
  o.data_page_size = -1;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "data_page_size");
  qv_parquet_write_options_init(&o);
  o.dictionary_page_size_limit = -1;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "dictionary_page_size_limit");
  qv_parquet_write_options_init(&o);
  o.statistics_truncate_length = -1;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "statistics_truncate_length");
  qv_parquet_write_options_init(&o);
  o.compression = (qv_parquet_compression)3; /* LZO */
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "not one of");
  o.compression = QV_PARQUET_ZSTD;
  o.compression_level = 1000;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "ZSTD compression level 1000");
  o.compression = QV_PARQUET_GZIP;
  o.compression_level = 12;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "GZIP compression level 12");
  o.compression = QV_PARQUET_BROTLI;
  o.compression_level = 12;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "BROTLI compression level 12");
  o.compression = QV_PARQUET_LZ4_RAW;
  o.compression_level = 99;
  hand_expect(write_mem(t, &o, &e), &e, QV_ERR_INVALID_ARGUMENT, "LZ4_RAW compression level 99");
  o.compression_level = 9; /* LZ4 HC */
  hand_check(write_mem(t, &o, &e), &e, "lz4 hc");
  qv_table_release(t);
}

static void test_types_parquet_cannot_hold(void **state) {
  (void)state;
  qv_error e;
  qv_schema *s = NULL;
  qv_parquet_writer *w = NULL;
  qv_field *fields[1];
  /* a union */
  fields[0] = hand_field("u", hand_union(QV_TYPE_SPARSE_UNION, 1, FIELDS(hand_field("a", qv_type_int8())), NULL));
  hand_check(qv_schema_new(fields, 1, NULL, &s, &e), &e, "schema");
  qv_field_release(fields[0]);
  hand_expect(qv_parquet_writer_open_memory(s, NULL, &w, &e), &e, QV_ERR_NOT_IMPLEMENTED, "column 'u'");
  assert_null(w);
  qv_schema_release(s);
  /* an interval inside a struct: the path names it */
  fields[0] = hand_field("st", hand_struct(1, FIELDS(hand_field("iv", qv_type_interval_month_day_nano()))));
  hand_check(qv_schema_new(fields, 1, NULL, &s, &e), &e, "schema");
  qv_field_release(fields[0]);
  hand_expect(qv_parquet_writer_open_memory(s, NULL, &w, &e), &e, QV_ERR_NOT_IMPLEMENTED, "column 'st.iv'");
  qv_schema_release(s);
  /* a struct without fields */
  fields[0] = hand_field("empty", hand_struct(0, NULL));
  hand_check(qv_schema_new(fields, 1, NULL, &s, &e), &e, "schema");
  qv_field_release(fields[0]);
  hand_expect(qv_parquet_writer_open_memory(s, NULL, &w, &e), &e, QV_ERR_NOT_IMPLEMENTED, "no fields");
  qv_schema_release(s);
  /* run-end encoded */
  fields[0] = hand_field("r", hand_ree(qv_type_int32(), qv_type_int64()));
  hand_check(qv_schema_new(fields, 1, NULL, &s, &e), &e, "schema");
  qv_field_release(fields[0]);
  hand_expect(qv_parquet_writer_open_memory(s, NULL, &w, &e), &e, QV_ERR_NOT_IMPLEMENTED, "run_end_encoded");
  qv_schema_release(s);
  /* no columns at all */
  hand_check(qv_schema_new(NULL, 0, NULL, &s, &e), &e, "schema");
  hand_expect(qv_parquet_writer_open_memory(s, NULL, &w, &e), &e, QV_ERR_INVALID_ARGUMENT, "at least one column");
  qv_schema_release(s);
  hand_expect(qv_parquet_writer_open_memory(NULL, NULL, &w, &e), &e, QV_ERR_INVALID_ARGUMENT, "schema is NULL");
  hand_expect(qv_parquet_writer_open_fd(-1, NULL, NULL, &w, &e), &e, QV_ERR_INVALID_ARGUMENT, "fd -1");
}

/* list<int32> with the given offsets over the child [1, 2, 3]. */
static qv_array *list_with_offsets(const int32_t *offsets, int64_t n) {
  qv_array *child = I32(1, 2, 3);
  return hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), n, 0, 0, 2,
                    BUFS(NULL, hand_buf(offsets, (n + 1) * 4)), 1, KIDS(child), NULL);
}

static void test_hostile_list_offsets(void **state) {
  (void)state;
  qv_error e;
  qv_table *t = one_column("l", list_with_offsets((const int32_t[]){0, 2, 1, 3}, 3));
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 'l.list.element' row 1");
  assert_non_null(strstr(e.message, "offsets backwards or out of range"));
  qv_table_release(t);
  t = one_column("l", list_with_offsets((const int32_t[]){0, 1, 40}, 2));
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "row 1: list range [1, +39)");
  qv_table_release(t);
  t = one_column("l", list_with_offsets((const int32_t[]){-5, 1}, 1));
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  qv_table_release(t);
}

static void test_hostile_string_offsets_and_views(void **state) {
  (void)state;
  qv_error e;
  qv_array *s = hand_array(qv_type_string(), 3, 0, 0, 3,
                           BUFS(NULL, BUFV(int32_t, 0, 2, 1, 3), hand_buf("abc", 3)), 0, NULL, NULL);
  qv_table *t = one_column("s", s);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 's' row 1");
  qv_table_release(t);
  s = hand_array(qv_type_large_binary(), 1, 0, 0, 3, BUFS(NULL, BUFV(int64_t, 0, 99), hand_buf("abc", 3)), 0, NULL,
                 NULL);
  t = one_column("b", s);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "past the data buffer");
  qv_table_release(t);
  qv_view v[2];
  memset(v, 0, sizeof v);
  v[0].inlined.size = 2;
  memcpy(v[0].inlined.data, "hi", 2);
  v[1].ref.size = 20;
  v[1].ref.buffer_index = 0;
  v[1].ref.offset = 100;
  s = hand_array(qv_type_string_view(), 2, 0, 0, 3, BUFS(NULL, hand_buf(v, sizeof v), hand_buf("x", 1)), 0, NULL,
                 NULL);
  t = one_column("v", s);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 'v' row 1: view points outside");
  qv_table_release(t);
  v[1].ref.size = -4;
  s = hand_array(qv_type_binary_view(), 2, 0, 0, 2, BUFS(NULL, hand_buf(v, sizeof v)), 0, NULL, NULL);
  t = one_column("v", s);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "negative length");
  qv_table_release(t);
}

static void test_hostile_dictionary_index(void **state) {
  (void)state;
  qv_error e;
  qv_array *d = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 3, 0, 0, 2,
                           BUFS(NULL, BUFV(int8_t, 0, 7, 1)), 0, NULL, STRS("a", "b"));
  qv_table *t = one_column("d", d);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 'd' row 1: dictionary index 7");
  qv_table_release(t);
  d = hand_array(hand_dict(qv_type_int32(), qv_type_int64()), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, -1, 0)), 0, NULL,
                 I64(5));
  t = one_column("d", d);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "row 0: dictionary index -1");
  qv_table_release(t);
}

static void test_timestamp_seconds_overflow(void **state) {
  (void)state;
  qv_error e;
  qv_array *a = hand_array(hand_ts(QV_UNIT_SECOND, NULL), 2, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 1, INT64_MAX / 10)),
                           0, NULL, NULL);
  qv_table *t = one_column("ts", a);
  hand_expect(write_mem(t, NULL, &e), &e, QV_ERR_INVALID_DATA, "column 'ts' row 1: timestamp in seconds overflows");
  qv_table_release(t);
}

static void test_writer_misuse_and_sticky_failure(void **state) {
  (void)state;
  qv_error e;
  qv_table *good = one_column("a", I32(1, 2));
  qv_table *other = one_column("a", I64(1, 2));
  qv_table *bad = one_column("a", I32(3));
  qv_parquet_writer *w = NULL;
  uint8_t *data = NULL;
  int64_t len = 0;
  hand_check(qv_parquet_writer_open_memory(good->schema, NULL, &w, &e), &e, "open");
  hand_expect(qv_parquet_writer_take_memory(w, &data, &len, &e), &e, QV_ERR_INVALID_ARGUMENT, "close the writer first");
  hand_expect(qv_parquet_writer_write_batch(w, other->batches[0], &e), &e, QV_ERR_TYPE, "column 'a'");
  hand_expect(qv_parquet_writer_write_batch(w, NULL, &e), &e, QV_ERR_INVALID_ARGUMENT, "batch is NULL");
  hand_check(qv_parquet_writer_write_table(w, good, &e), &e, "write");
  hand_check(qv_parquet_writer_close(w, &e), &e, "close");
  assert_true(qv_parquet_writer_bytes(w) > 0);
  hand_expect(qv_parquet_writer_write_batch(w, good->batches[0], &e), &e, QV_ERR_INVALID_ARGUMENT, "closed");
  hand_expect(qv_parquet_writer_close(w, &e), &e, QV_ERR_INVALID_ARGUMENT, "closed");
  hand_check(qv_parquet_writer_take_memory(w, &data, &len, &e), &e, "take");
  assert_true(len > 0);
  free(data);
  qv_parquet_writer_free(w);
  /* a failure while writing a row group is sticky */
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.row_group_size = 1;
  qv_table *hostile = one_column("l", list_with_offsets((const int32_t[]){0, 9}, 1));
  hand_check(qv_parquet_writer_open_memory(hostile->schema, &o, &w, &e), &e, "open");
  hand_expect(qv_parquet_writer_write_table(w, hostile, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  hand_expect(qv_parquet_writer_close(w, &e), &e, QV_ERR_INVALID_DATA, "failed earlier");
  hand_expect(qv_parquet_writer_take_memory(w, &data, &len, &e), &e, QV_ERR_INVALID_DATA, "failed earlier");
  qv_parquet_writer_free(w);
  hand_expect(qv_parquet_writer_close(NULL, &e), &e, QV_ERR_INVALID_ARGUMENT, "writer is NULL");
  qv_parquet_writer_free(NULL);
  qv_table_release(hostile);
  qv_table_release(good);
  qv_table_release(other);
  qv_table_release(bad);
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *ent;
  while ((ent = readdir(d)) != NULL)
    if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

static void test_path_output_is_atomic(void **state) {
  (void)state;
  char dir[] = "/tmp/qv-parquet-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/out.parquet", dir);
  qv_error e;
  qv_table *good = one_column("a", I32(1, 2));
  qv_table *hostile = one_column("l", list_with_offsets((const int32_t[]){0, 9}, 1));
  hand_expect(qv_parquet_write_path(path, hostile, NULL, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  assert_int_equal(count_entries(dir), 0);
  hand_check(qv_parquet_write_path(path, good, NULL, &e), &e, "write path");
  assert_int_equal(count_entries(dir), 1);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  off_t size = sb.st_size;
  /* a failed rewrite leaves the old file as it was */
  hand_expect(qv_parquet_write_path(path, hostile, NULL, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, size);
  assert_int_equal(count_entries(dir), 1);
  /* a writer freed unclosed leaves nothing */
  qv_parquet_writer *w = NULL;
  char path2[300];
  snprintf(path2, sizeof path2, "%s/never.parquet", dir);
  hand_check(qv_parquet_writer_open_path(path2, good->schema, NULL, &w, &e), &e, "open path");
  hand_check(qv_parquet_writer_write_table(w, good, &e), &e, "write");
  qv_parquet_writer_free(w);
  assert_int_equal(count_entries(dir), 1);
  char missing[300];
  snprintf(missing, sizeof missing, "%s/no/such/dir/x.parquet", dir);
  assert_int_not_equal(qv_parquet_write_path(missing, good, NULL, &e), QV_OK);
  unlink(path);
  rmdir(dir);
  qv_table_release(good);
  qv_table_release(hostile);
}

static void test_fd_output_errors(void **state) {
  (void)state;
  qv_error e;
  qv_table *good = one_column("a", I32(1, 2));
  int fd = open("/dev/null", O_RDONLY);
  assert_true(fd >= 0);
  hand_expect(qv_parquet_write_fd(fd, good, NULL, &e), &e, QV_ERR_IO, "fd");
  close(fd);
  fd = open("/dev/null", O_WRONLY);
  hand_check(qv_parquet_write_fd(fd, good, NULL, &e), &e, "write /dev/null");
  close(fd);
  qv_table_release(good);
}

static void test_statistics_truncation(void **state) {
  (void)state;
  qv__pq_leaf leaf;
  memset(&leaf, 0, sizeof leaf);
  leaf.physical = QV__PQ_BYTE_ARRAY;
  leaf.dotted = "s";
  uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  qv__pq_bytes vals[3] = {{(const uint8_t *)"bbbbbbbbbb", 10}, {(const uint8_t *)"abcdefghij", 10}, {ff, 8}};
  qv__pqw_values v;
  memset(&v, 0, sizeof v);
  v.bytes = vals;
  v.n = 2;
  qv__pq_stats st;
  memset(&st, 0, sizeof st);
  qv_error e;
  hand_check(qv__pq_stats_compute(&leaf, &v, 4, &st, &e), &e, "stats");
  assert_true(st.has_minmax);
  assert_int_equal(st.min.len, 4);
  assert_memory_equal(st.min.data, "abcd", 4);
  assert_false(st.min_exact);
  assert_int_equal(st.max.len, 4);
  assert_memory_equal(st.max.data, "bbbc", 4); /* prefix with its last byte raised: still an upper bound */
  assert_false(st.max_exact);
  /* a maximum of 0xff bytes cannot be shortened: it is kept whole */
  v.n = 3;
  hand_check(qv__pq_stats_compute(&leaf, &v, 4, &st, &e), &e, "stats");
  assert_int_equal(st.max.len, 8);
  assert_true(st.max_exact);
  /* UTF-8: the cut falls on a character boundary and only ASCII is raised */
  leaf.utf8 = true;
  qv__pq_bytes u[1] = {{(const uint8_t *)"z\xc3\xa9\xc3\xa9\xc3\xa9", 7}};
  v.bytes = u;
  v.n = 1;
  hand_check(qv__pq_stats_compute(&leaf, &v, 4, &st, &e), &e, "stats");
  assert_int_equal(st.min.len, 3);
  assert_memory_equal(st.min.data, "z\xc3\xa9", 3);
  assert_int_equal(st.max.len, 1);
  assert_memory_equal(st.max.data, "{", 1);
  /* floats: NaN skipped, zero bounds signed as the format asks */
  memset(&leaf, 0, sizeof leaf);
  leaf.physical = QV__PQ_DOUBLE;
  leaf.width = 8;
  double d[3] = {0.0, __builtin_nan(""), -0.0};
  qv__pqw_values fv;
  memset(&fv, 0, sizeof fv);
  fv.borrowed = (const uint8_t *)d;
  fv.n = 3;
  hand_check(qv__pq_stats_compute(&leaf, &fv, 64, &st, &e), &e, "stats");
  double lo, hi;
  memcpy(&lo, st.min.data, 8);
  memcpy(&hi, st.max.data, 8);
  assert_true(lo == 0.0 && __builtin_signbit(lo));
  assert_true(hi == 0.0 && !__builtin_signbit(hi));
  fv.borrowed = (const uint8_t *)&d[1];
  fv.n = 1;
  hand_check(qv__pq_stats_compute(&leaf, &fv, 64, &st, &e), &e, "stats");
  assert_false(st.has_minmax);
  qv__pq_stats_free(&st);
}

static void test_nested_and_empty_tables(void **state) {
  (void)state;
  qv_error e;
  /* struct<a: int32, l: list<string>> with a null struct slot */
  qv_array *l = hand_array(hand_list(QV_TYPE_LIST, qv_type_string()), 3, 0, 0, 2,
                           BUFS(NULL, BUFV(int32_t, 0, 2, 2, 3)), 1, KIDS(STRS("x", NULL, "z")), NULL);
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()),
                                      hand_field("l", hand_list(QV_TYPE_LIST, qv_type_string()))));
  uint8_t bits = 0x5;
  qv_array *s = hand_array(st, 3, 0, 1, 1, BUFS(hand_buf(&bits, 1)), 2, KIDS(I32(1, 2, 3), l), NULL);
  qv_table *t = one_column("s", s);
  hand_check(write_mem(t, NULL, &e), &e, "nested");
  qv_table *empty = NULL;
  hand_check(qv_table_slice(t, 0, 0, &empty, &e), &e, "slice");
  hand_check(write_mem(empty, NULL, &e), &e, "empty");
  qv_table_release(empty);
  qv_table_release(t);
}

/* The two-thread path: a table long enough for it gives the same bytes as
 * one thread, and a hostile column among good ones is reported the same. */
static qv_table *long_table(int64_t n, int64_t bad_row) {
  int64_t *iv = malloc((size_t)n * sizeof *iv);
  int32_t *offs = malloc((size_t)(n + 1) * sizeof *offs), *loffs = malloc((size_t)(n + 1) * sizeof *loffs);
  char *chars = malloc((size_t)n * 3);
  for (int64_t i = 0; i < n; i++) {
    iv[i] = (int64_t)((uint64_t)i * 2654435761u % 100000);
    offs[i] = (int32_t)(i * 3);
    loffs[i] = (int32_t)i;
    memcpy(chars + i * 3, (i % 7) ? "abc" : "xyz", 3);
  }
  offs[n] = (int32_t)(n * 3);
  loffs[n] = (int32_t)n;
  if (bad_row >= 0) loffs[bad_row + 1] = (int32_t)(n + 5); /* past the child */
  qv_array *ints = hand_array(qv_type_int64(), n, 0, 0, 2, BUFS(NULL, hand_buf(iv, n * 8)), 0, NULL, NULL);
  qv_array *strs = hand_array(qv_type_string(), n, 0, 0, 3,
                              BUFS(NULL, hand_buf(offs, (n + 1) * 4), hand_buf(chars, n * 3)), 0, NULL, NULL);
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_int64()), n, 0, 0, 2,
                              BUFS(NULL, hand_buf(loffs, (n + 1) * 4)), 1, KIDS(qv_array_retain(ints)), NULL);
  qv_table *t = table_of(3, (const char *[]){"i", "s", "l"}, KIDS(ints, strs, list));
  free(iv);
  free(offs);
  free(loffs);
  free(chars);
  return t;
}

static void test_threads_give_the_same_bytes(void **state) {
  (void)state;
  enum { N = 100000 };
  qv_error e;
  qv_table *t = long_table(N, -1);
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.row_group_size = 40000; /* 40000, 40000, 20000 rows: two threaded groups, one not */
  uint8_t *a = NULL, *b = NULL;
  int64_t na = 0, nb = 0;
  hand_check(qv_parquet_write_memory(t, &o, &a, &na, &e), &e, "threads");
  o.use_threads = false;
  hand_check(qv_parquet_write_memory(t, &o, &b, &nb, &e), &e, "one thread");
  assert_int_equal(na, nb);
  assert_memory_equal(a, b, (size_t)na);
  free(a);
  free(b);
  qv_table_release(t);
  t = long_table(N, 45000);
  char first[QV_ERROR_MESSAGE_MAX];
  o.use_threads = true;
  hand_expect(qv_parquet_write_memory(t, &o, &a, &na, &e), &e, QV_ERR_INVALID_DATA, "column 'l.list.element' row 45000");
  snprintf(first, sizeof first, "%s", e.message);
  o.use_threads = false;
  hand_expect(qv_parquet_write_memory(t, &o, &a, &na, &e), &e, QV_ERR_INVALID_DATA, "row 45000");
  assert_string_equal(first, e.message);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_simple_file_frame),
      cmocka_unit_test(test_bad_options_are_named),
      cmocka_unit_test(test_types_parquet_cannot_hold),
      cmocka_unit_test(test_hostile_list_offsets),
      cmocka_unit_test(test_hostile_string_offsets_and_views),
      cmocka_unit_test(test_hostile_dictionary_index),
      cmocka_unit_test(test_timestamp_seconds_overflow),
      cmocka_unit_test(test_writer_misuse_and_sticky_failure),
      cmocka_unit_test(test_path_output_is_atomic),
      cmocka_unit_test(test_fd_output_errors),
      cmocka_unit_test(test_statistics_truncation),
      cmocka_unit_test(test_nested_and_empty_tables),
      cmocka_unit_test(test_threads_give_the_same_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
