/* Parquet reader scans: read_dictionary, binary_type, row-group skipping
 * by statistics (the skipped count and the rows that remain), nested-path
 * projection, row-group selection, the batch reader, pread mode and scans
 * of one field over two threads. Files are written with quiver's writer
 * into memory or a temporary directory; pyarrow's readings of the same
 * options are tests/interop/test_parquet_read.py's job. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quiver/compare.h"
#include "quiver/concat.h"
#include "quiver/parquet.h"
#include "quiver/parquet_writer.h"
#include "quiver/table.h"
#include "support/hand.h"

typedef struct mem_file {
  uint8_t *data;
  int64_t len;
} mem_file;

static qv_table *table_of(int32_t n, const char *const *names, qv_array **arrays) {
  qv_table *t = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, arrays, n, &t, &e), &e, "table");
  for (int32_t i = 0; i < n; i++) qv_array_release(arrays[i]);
  return t;
}

/* Writes t with rows_per_group rows per row group (no ARROW:schema when
 * !store_schema). */
static mem_file write_table(const qv_table *t, int64_t rows_per_group, bool store_schema) {
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.row_group_size = rows_per_group;
  o.store_schema = store_schema;
  mem_file m = {0};
  qv_error e;
  hand_check(qv_parquet_write_memory(t, &o, &m.data, &m.len, &e), &e, "write");
  return m;
}

static qv_parquet_file *open_mem(const mem_file *m, const qv_parquet_read_options *o) {
  qv_parquet_file *f = NULL;
  qv_error e;
  hand_check(qv_parquet_open_memory(m->data, (size_t)m->len, o, &f, &e), &e, "open");
  return f;
}

/* 40 rows: i = 0..39 (4 row groups of 10), s = "k<i/10>" with a null at
 * row 5, a = struct<b: int64 = i*2, c: string = "c<i%3>">. */
static qv_table *sample_table(void) {
  qv_array *i64 = NULL, *b = NULL, *s = NULL, *c = NULL, *a = NULL;
  qv_error e;
  int64_t iv[40], bv[40];
  const char *sv[40], *cv[40];
  static const char *const ks[4] = {"k0", "k1", "k2", "k3"}, *const cs[3] = {"c0", "c1", "c2"};
  for (int i = 0; i < 40; i++) {
    iv[i] = i;
    bv[i] = 2 * i;
    sv[i] = i == 5 ? NULL : ks[i / 10];
    cv[i] = cs[i % 3];
  }
  i64 = hand_array(qv_type_int64(), 40, 0, 0, 2, BUFS(NULL, hand_buf(iv, sizeof iv)), 0, NULL, NULL);
  b = hand_array(qv_type_int64(), 40, 0, 0, 2, BUFS(NULL, hand_buf(bv, sizeof bv)), 0, NULL, NULL);
  s = hand_strings(qv_type_string(), 40, sv);
  c = hand_strings(qv_type_string(), 40, cv);
  qv_type *st = hand_struct(2, FIELDS(hand_field("b", qv_type_int64()), hand_field("c", qv_type_string())));
  hand_check(qv_array_new(st, 40, 0, 0, 1, BUFS(NULL), 2, KIDS(b, c), NULL, &a, &e), &e, "struct");
  qv_type_release(st);
  qv_array_release(b);
  qv_array_release(c);
  return table_of(3, (const char *[]){"i", "s", "a"}, KIDS(i64, s, a));
}

static int64_t i64_at(const qv_array *a, int64_t row) {
  return ((const int64_t *)(const void *)a->buffers[1]->data)[a->offset + row];
}

static void expect_str(const qv_array *a, int64_t row, const char *want) {
  int64_t len = 0;
  const uint8_t *p = qv_array_bytes_value(a, row, &len);
  assert_int_equal(len, (int64_t)strlen(want));
  assert_memory_equal(p, want, (size_t)len);
}

static void test_read_dictionary_reads_dictionary_arrays(void **state) {
  (void)state;
  qv_table *t = sample_table();
  for (int stored = 0; stored < 2; stored++) {
    mem_file m = write_table(t, 10, stored);
    const char *paths[] = {"s", "a.c"};
    qv_parquet_read_options o = {.read_dictionary = paths, .n_read_dictionary = 2};
    qv_parquet_file *f = open_mem(&m, &o);
    const qv_schema *sc = qv_parquet_file_schema(f);
    assert_int_equal(sc->fields[1]->type->id, QV_TYPE_DICTIONARY);
    assert_int_equal(sc->fields[1]->type->index_type->id, QV_TYPE_INT32);
    assert_int_equal(sc->fields[1]->type->value_type->id, QV_TYPE_STRING);
    const qv_type *at = sc->fields[2]->type;
    assert_int_equal(at->children[0]->type->id, QV_TYPE_INT64);
    assert_int_equal(at->children[1]->type->id, QV_TYPE_DICTIONARY);
    qv_batch *b = NULL;
    qv_error e;
    hand_check(qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &e), &e, "read");
    qv_array *s = b->columns[1];
    assert_int_equal(s->type->id, QV_TYPE_DICTIONARY);
    assert_int_equal(qv_array_null_count(s), 1);
    assert_false(qv_array_is_valid(s, 5));
    assert_int_equal(s->dictionary->length, 1); /* "k0" once */
    expect_str(s->dictionary, 0, "k0");
    qv_array *c = b->columns[2]->children[1];
    assert_int_equal(c->dictionary->length, 3);
    const int32_t *codes = (const int32_t *)(const void *)c->buffers[1]->data;
    for (int i = 0; i < 10; i++) {
      char want[4];
      snprintf(want, sizeof want, "c%d", i % 3);
      expect_str(c->dictionary, codes[c->offset + i], want);
    }
    qv_batch_release(b);
    qv_parquet_file_close(f);
    free(m.data);
  }
  qv_table_release(t);
}

static void test_read_dictionary_unknown_path_is_named(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  const char *paths[] = {"a.nope"};
  qv_parquet_read_options o = {.read_dictionary = paths, .n_read_dictionary = 1};
  qv_parquet_file *f = NULL;
  qv_error e;
  hand_expect(qv_parquet_open_memory(m.data, (size_t)m.len, &o, &f, &e), &e, QV_ERR_NOT_FOUND, "a.nope");
  assert_null(f);
  free(m.data);
  qv_table_release(t);
}

static void test_binary_type_view_and_large(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file plain = write_table(t, 10, false), stored = write_table(t, 10, true);
  const int32_t kinds[2] = {QV_PARQUET_BINARY_VIEW, QV_PARQUET_BINARY_LARGE};
  const qv_type_id want[2] = {QV_TYPE_STRING_VIEW, QV_TYPE_LARGE_STRING};
  for (int k = 0; k < 2; k++) {
    qv_parquet_read_options o = {.binary_type = kinds[k]};
    qv_parquet_file *f = open_mem(&plain, &o);
    qv_table *r = NULL;
    qv_error e;
    hand_check(qv_parquet_file_read_table(f, NULL, 0, NULL, 0, &r, &e), &e, "read");
    assert_int_equal(r->schema->fields[1]->type->id, want[k]);
    assert_int_equal(r->schema->fields[2]->type->children[1]->type->id, want[k]);
    qv_array *s = r->batches[1]->columns[1];
    expect_str(s, 0, "k1");
    qv_table_release(r);
    qv_parquet_file_close(f);
    /* a stored ARROW:schema wins, as in pyarrow */
    f = open_mem(&stored, &o);
    assert_int_equal(qv_parquet_file_schema(f)->fields[1]->type->id, QV_TYPE_STRING);
    qv_parquet_file_close(f);
  }
  qv_parquet_read_options bad = {.binary_type = 7};
  qv_parquet_file *f = NULL;
  qv_error e;
  hand_expect(qv_parquet_open_memory(plain.data, (size_t)plain.len, &bad, &f, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "binary_type");
  free(plain.data);
  free(stored.data);
  qv_table_release(t);
}

static qv_parquet_predicate int_pred(int32_t col, qv_parquet_compare_op op, int64_t v) {
  qv_parquet_predicate p = {.column = col, .op = op, .kind = QV_PARQUET_VALUE_INT, .int_value = v};
  return p;
}

static int32_t scan_count(qv_parquet_file *f, const qv_parquet_predicate *p, int32_t n, int64_t *rows) {
  qv_parquet_scan_options o = {.predicates = p, .n_predicates = n};
  qv_table *t = NULL;
  int32_t skipped = -1;
  qv_error e;
  hand_check(qv_parquet_file_scan(f, &o, &t, &skipped, &e), &e, "scan");
  *rows = t->n_rows;
  qv_table_release(t);
  return skipped;
}

static void test_statistics_skip_row_groups(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  qv_parquet_file *f = open_mem(&m, NULL);
  assert_int_equal(qv_parquet_file_num_row_groups(f), 4);
  int64_t rows = 0;
  qv_parquet_predicate p = int_pred(0, QV_PARQUET_GT, 25); /* groups 0 and 1 hold 0..19 */
  assert_int_equal(scan_count(f, &p, 1, &rows), 2);
  assert_int_equal(rows, 20);
  p = int_pred(0, QV_PARQUET_EQ, 15);
  assert_int_equal(scan_count(f, &p, 1, &rows), 3);
  p = int_pred(0, QV_PARQUET_LT, 0);
  assert_int_equal(scan_count(f, &p, 1, &rows), 4);
  assert_int_equal(rows, 0);
  p = int_pred(0, QV_PARQUET_LE, 0);
  assert_int_equal(scan_count(f, &p, 1, &rows), 3);
  p = int_pred(0, QV_PARQUET_GE, 39);
  assert_int_equal(scan_count(f, &p, 1, &rows), 3);
  p = (qv_parquet_predicate){.column = 0, .op = QV_PARQUET_GT, .kind = QV_PARQUET_VALUE_DOUBLE, .double_value = 29.5};
  assert_int_equal(scan_count(f, &p, 1, &rows), 3);
  /* the AND of two predicates */
  qv_parquet_predicate two[2] = {int_pred(0, QV_PARQUET_GE, 10), int_pred(0, QV_PARQUET_LT, 20)};
  assert_int_equal(scan_count(f, two, 2, &rows), 3);
  assert_int_equal(rows, 10);
  /* strings: "k2" lives in group 2 only */
  qv_parquet_predicate sp = {.column = 1, .op = QV_PARQUET_EQ, .kind = QV_PARQUET_VALUE_BYTES,
                             .bytes = (const uint8_t *)"k2", .bytes_len = 2};
  assert_int_equal(scan_count(f, &sp, 1, &rows), 3);
  sp.op = QV_PARQUET_GT;
  assert_int_equal(scan_count(f, &sp, 1, &rows), 3);
  /* nulls: only group 0 has one */
  qv_parquet_predicate np = {.column = 1, .op = QV_PARQUET_IS_NULL};
  assert_int_equal(scan_count(f, &np, 1, &rows), 3);
  np.op = QV_PARQUET_IS_NOT_NULL;
  assert_int_equal(scan_count(f, &np, 1, &rows), 0);
  /* a constant of the wrong kind decides nothing */
  sp.column = 0;
  assert_int_equal(scan_count(f, &sp, 1, &rows), 0);
  /* a nested leaf: a.b = 2i */
  int32_t ab = -1;
  qv_error e;
  hand_check(qv_parquet_file_column_index(f, "a.b", &ab, &e), &e, "column index");
  p = int_pred(ab, QV_PARQUET_GT, 60);
  assert_int_equal(scan_count(f, &p, 1, &rows), 3);
  bool may = false;
  hand_check(qv_parquet_file_row_group_may_match(f, 3, &p, 1, &may, &e), &e, "may match");
  assert_true(may);
  hand_check(qv_parquet_file_row_group_may_match(f, 0, &p, 1, &may, &e), &e, "may match");
  assert_false(may);
  qv_parquet_file_close(f);
  free(m.data);
  qv_table_release(t);
}

static void test_bad_predicates_are_named(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  qv_parquet_file *f = open_mem(&m, NULL);
  qv_error e;
  bool may;
  qv_parquet_predicate p = int_pred(99, QV_PARQUET_EQ, 1);
  hand_expect(qv_parquet_file_row_group_may_match(f, 0, &p, 1, &may, &e), &e, QV_ERR_OUT_OF_RANGE, "column 99");
  p = int_pred(0, (qv_parquet_compare_op)42, 1);
  hand_expect(qv_parquet_file_row_group_may_match(f, 0, &p, 1, &may, &e), &e, QV_ERR_INVALID_ARGUMENT, "operator 42");
  p = int_pred(0, QV_PARQUET_EQ, 1);
  hand_expect(qv_parquet_file_row_group_may_match(f, 4, &p, 1, &may, &e), &e, QV_ERR_OUT_OF_RANGE, "row group 4");
  qv_parquet_file_close(f);
  free(m.data);
  qv_table_release(t);
}

static void test_nested_path_projection(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  qv_parquet_file *f = open_mem(&m, NULL);
  int32_t ac = -1, s = -1;
  qv_error e;
  hand_check(qv_parquet_file_column_index(f, "a.c", &ac, &e), &e, "a.c");
  hand_check(qv_parquet_file_column_index(f, "s", &s, &e), &e, "s");
  int32_t cols[2] = {ac, s};
  int32_t groups[2] = {3, 1};
  qv_parquet_scan_options o = {.columns = cols, .n_columns = 2, .row_groups = groups, .n_row_groups = 2};
  qv_table *r = NULL;
  hand_check(qv_parquet_file_scan(f, &o, &r, NULL, &e), &e, "scan");
  assert_int_equal(r->schema->n_fields, 2);
  assert_string_equal(r->schema->fields[0]->name, "a"); /* the order of the first selected leaf */
  assert_string_equal(r->schema->fields[1]->name, "s");
  const qv_type *at = r->schema->fields[0]->type;
  assert_int_equal(at->id, QV_TYPE_STRUCT);
  assert_int_equal(at->n_children, 1);
  assert_string_equal(at->children[0]->name, "c");
  assert_int_equal(r->n_batches, 2);
  assert_int_equal(r->n_rows, 20);
  expect_str(r->batches[0]->columns[0]->children[0], 0, "c0"); /* row 30 */
  expect_str(r->batches[0]->columns[1], 0, "k3");
  expect_str(r->batches[1]->columns[1], 0, "k1");
  qv_table_release(r);
  /* every leaf of a field selected: the field as a whole */
  int32_t ab = -1;
  hand_check(qv_parquet_file_column_index(f, "a.b", &ab, &e), &e, "a.b");
  int32_t both[2] = {ab, ac};
  o = (qv_parquet_scan_options){.columns = both, .n_columns = 2};
  hand_check(qv_parquet_file_scan(f, &o, &r, NULL, &e), &e, "scan");
  assert_true(qv_type_equals(r->schema->fields[0]->type, qv_parquet_file_schema(f)->fields[2]->type, false));
  assert_int_equal(i64_at(r->batches[2]->columns[0]->children[0], 1), 42);
  qv_table_release(r);
  int32_t bad = 17;
  o = (qv_parquet_scan_options){.columns = &bad, .n_columns = 1};
  hand_expect(qv_parquet_file_scan(f, &o, &r, NULL, &e), &e, QV_ERR_OUT_OF_RANGE, "column index 17");
  hand_expect(qv_parquet_file_column_index(f, "a", &ab, &e), &e, QV_ERR_NOT_FOUND, "'a'");
  qv_parquet_file_close(f);
  free(m.data);
  qv_table_release(t);
}

static void test_batch_reader_one_row_group_at_a_time(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  qv_parquet_file *f = open_mem(&m, NULL);
  qv_parquet_predicate p = int_pred(0, QV_PARQUET_NE, 3);
  qv_parquet_predicate q = int_pred(0, QV_PARQUET_LT, 30);
  qv_parquet_predicate both[2] = {p, q};
  qv_parquet_scan_options o = {.predicates = both, .n_predicates = 2};
  qv_parquet_batch_reader *r = NULL;
  qv_error e;
  hand_check(qv_parquet_batch_reader_open(f, &o, &r, &e), &e, "open reader");
  assert_int_equal(qv_parquet_batch_reader_row_groups_skipped(r), 1);
  assert_int_equal(qv_parquet_batch_reader_schema(r)->n_fields, 3);
  int64_t first = 0;
  int n = 0;
  for (;;) {
    qv_batch *b = NULL;
    hand_check(qv_parquet_batch_reader_next(r, &b, &e), &e, "next");
    if (b == NULL) break;
    assert_int_equal(b->length, 10);
    assert_int_equal(i64_at(b->columns[0], 0), first);
    first += 10;
    n++;
    qv_batch_release(b);
  }
  assert_int_equal(n, 3);
  qv_parquet_batch_reader_close(r);
  qv_parquet_file_close(f);
  free(m.data);
  qv_table_release(t);
}

static void test_pread_mode_reads_the_same(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 10, true);
  char path[] = "/tmp/qv_pq_pread_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, m.data, (size_t)m.len), m.len);
  close(fd);
  qv_parquet_read_options o = {.use_pread = true};
  qv_table *a = NULL, *b = NULL;
  qv_error e;
  hand_check(qv_parquet_read_path(path, &o, &a, &e), &e, "pread read");
  hand_check(qv_parquet_read_path(path, NULL, &b, &e), &e, "mapped read");
  assert_true(qv_table_equals(a, b));
  assert_true(qv_table_equals(a, t));
  qv_table_release(a);
  qv_table_release(b);
  /* a truncated file fails cleanly in pread mode too */
  assert_int_equal(truncate(path, m.len / 2), 0);
  hand_expect(qv_parquet_read_path(path, &o, &a, &e), &e, QV_ERR_INVALID_DATA, "");
  unlink(path);
  free(m.data);
  qv_table_release(t);
}

static void test_one_field_scan_on_two_threads_is_ordered(void **state) {
  (void)state;
  qv_table *t = sample_table();
  mem_file m = write_table(t, 3, true); /* 14 row groups */
  qv_parquet_read_options one = {.max_threads = 1};
  qv_parquet_file *f2 = open_mem(&m, NULL), *f1 = open_mem(&m, &one);
  int32_t field = 1;
  qv_parquet_scan_options o = {.fields = &field, .n_fields = 1};
  qv_table *a = NULL, *b = NULL;
  qv_error e;
  hand_check(qv_parquet_file_scan(f2, &o, &a, NULL, &e), &e, "two threads");
  hand_check(qv_parquet_file_scan(f1, &o, &b, NULL, &e), &e, "one thread");
  assert_int_equal(a->n_batches, 14);
  assert_true(qv_table_equals(a, b));
  qv_table_release(a);
  qv_table_release(b);
  qv_parquet_file_close(f1);
  qv_parquet_file_close(f2);
  free(m.data);
  qv_table_release(t);
}

/* 120,000 rows in one row group: int64 with nulls in rows [N/3, N/2) only
 * (the first run of a split has nulls, the second none), strings with
 * nulls in [5N/8, 3N/4) only (the other way round), and booleans. */
static qv_table *split_table(void) {
  enum { N = 120000 };
  int64_t *iv = malloc(N * sizeof(int64_t));
  uint8_t *valid = calloc(N / 8 + 1, 1), *svalid = calloc(N / 8 + 1, 1), *bits = calloc(N / 8 + 1, 1);
  int32_t *offs = malloc((N + 1) * sizeof(int32_t));
  char *chars = malloc((size_t)N * 12);
  assert_non_null(iv);
  assert_non_null(valid);
  assert_non_null(svalid);
  assert_non_null(bits);
  assert_non_null(offs);
  assert_non_null(chars);
  int64_t nulls = 0, snulls = 0, at = 0;
  uint64_t x = 88172645463325252ull;
  offs[0] = 0;
  for (int64_t i = 0; i < N; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    iv[i] = (int64_t)(x % 2000000000000ull) - 1000000000000ll;
    bool is_null = i >= N / 3 && i < N / 2 && x % 10 < 3;
    if (is_null) nulls++;
    else valid[i / 8] |= (uint8_t)(1u << (i % 8));
    bool s_null = i >= 5 * N / 8 && i < 3 * N / 4 && x % 10 > 6;
    if (s_null) snulls++;
    else svalid[i / 8] |= (uint8_t)(1u << (i % 8));
    if (x & 1024) bits[i / 8] |= (uint8_t)(1u << (i % 8));
    at += snprintf(chars + at, 12, "s%u", (unsigned)(x % 1000000));
    offs[i + 1] = (int32_t)at;
  }
  qv_array *cols[3] = {
      hand_array(qv_type_int64(), N, 0, nulls, 2, BUFS(hand_buf(valid, N / 8 + 1), hand_buf(iv, N * 8)), 0, NULL, NULL),
      hand_array(qv_type_string(), N, 0, snulls, 3,
                 BUFS(hand_buf(svalid, N / 8 + 1), hand_buf(offs, (N + 1) * 4), hand_buf(chars, at)), 0, NULL, NULL),
      hand_array(qv_type_bool(), N, 0, 0, 2, BUFS(NULL, hand_buf(bits, N / 8 + 1)), 0, NULL, NULL)};
  free(iv);
  free(valid);
  free(svalid);
  free(bits);
  free(offs);
  free(chars);
  const char *names[3] = {"i", "s", "b"};
  return table_of(3, names, cols);
}

/* A column read alone from a file of one row group is decoded on two
 * threads, its pages split in two runs: the result equals the one-thread
 * read and the table written, for pages v1 and v2, SNAPPY and ZSTD, with a
 * dictionary that falls back to PLAIN mid-chunk and nulls that start and
 * stop mid-chunk. A corrupt page of the second run is reported exactly as
 * the one-thread read reports it. */
static void test_column_chunk_split_across_threads(void **state) {
  (void)state;
  qv_table *t = split_table();
  const qv_parquet_compression codecs[2] = {QV_PARQUET_SNAPPY, QV_PARQUET_ZSTD};
  for (int version = 1; version <= 2; version++)
    for (int c = 0; c < 2; c++) {
      qv_parquet_write_options o;
      qv_parquet_write_options_init(&o);
      o.data_page_version = version;
      o.compression = codecs[c];
      o.data_page_size = 4096;
      o.dictionary_page_size_limit = 8192;
      o.write_page_checksum = true;
      mem_file m = {0};
      qv_error e;
      hand_check(qv_parquet_write_memory(t, &o, &m.data, &m.len, &e), &e, "write");
      qv_parquet_read_options one = {.max_threads = 1};
      qv_parquet_file *f2 = open_mem(&m, NULL), *f1 = open_mem(&m, &one);
      assert_int_equal(qv_parquet_file_num_row_groups(f2), 1);
      for (int32_t field = 0; field < 3; field++) {
        qv_parquet_scan_options so = {.fields = &field, .n_fields = 1};
        qv_table *a = NULL, *b = NULL;
        hand_check(qv_parquet_file_scan(f2, &so, &a, NULL, &e), &e, "two threads");
        hand_check(qv_parquet_file_scan(f1, &so, &b, NULL, &e), &e, "one thread");
        assert_true(qv_table_equals(a, b));
        assert_true(qv_array_equals(a->batches[0]->columns[0], t->batches[0]->columns[field]));
        qv_table_release(a);
        qv_table_release(b);
      }
      qv_parquet_file_close(f1);
      qv_parquet_file_close(f2);
      /* flip a byte three quarters into the int64 chunk (past the split):
       * both reads fail with the same message (a CRC mismatch at the same
       * page, or a header that no longer decodes) */
      qv_parquet_column_chunk_info info;
      f1 = open_mem(&m, &one);
      hand_check(qv_parquet_file_column_chunk(f1, 0, 0, &info, &e), &e, "chunk info");
      qv_parquet_file_close(f1);
      int64_t flip = 4 + info.total_compressed_size * 3 / 4; /* the first chunk starts after the magic */
      m.data[flip] ^= 0x5a;
      f2 = open_mem(&m, NULL);
      f1 = open_mem(&m, &one);
      int32_t field = 0;
      qv_parquet_scan_options so = {.fields = &field, .n_fields = 1};
      qv_table *a = NULL;
      qv_error e1, e2;
      qv_status s2 = qv_parquet_file_scan(f2, &so, &a, NULL, &e2);
      qv_status s1 = qv_parquet_file_scan(f1, &so, &a, NULL, &e1);
      assert_int_equal(s1, QV_ERR_INVALID_DATA);
      assert_int_equal(s2, s1);
      assert_string_equal(e2.message, e1.message);
      qv_parquet_file_close(f1);
      qv_parquet_file_close(f2);
      free(m.data);
    }
  qv_table_release(t);
}

/* A file read through its mapping drops each decoded chunk's pages from
 * the page tables (qv__io_map_forget): reading it again from the same open
 * file, and using the arrays after the file is closed (uncompressed pages
 * may be views of the mapping), still gives the values written, for
 * uncompressed and compressed chunks, on one and two threads. */
static void test_mapped_file_reads_after_pages_are_dropped(void **state) {
  (void)state;
  qv_table *t = split_table();
  const qv_parquet_compression codecs[2] = {QV_PARQUET_UNCOMPRESSED, QV_PARQUET_SNAPPY};
  for (int c = 0; c < 2; c++)
    for (int threads = 1; threads <= 2; threads++) {
      qv_parquet_write_options o;
      qv_parquet_write_options_init(&o);
      o.compression = codecs[c];
      o.use_dictionary = false;
      o.row_group_size = 50000; /* 3 row groups */
      mem_file m = {0};
      qv_error e;
      hand_check(qv_parquet_write_memory(t, &o, &m.data, &m.len, &e), &e, "write");
      char path[] = "/tmp/qv_pq_forget_XXXXXX";
      int fd = mkstemp(path);
      assert_true(fd >= 0);
      assert_int_equal(write(fd, m.data, (size_t)m.len), m.len);
      close(fd);
      qv_parquet_read_options ro = {.max_threads = threads};
      qv_parquet_file *f = NULL;
      hand_check(qv_parquet_open_path(path, &ro, &f, &e), &e, "open");
      qv_table *a = NULL, *b = NULL;
      hand_check(qv_parquet_file_scan(f, NULL, &a, NULL, &e), &e, "first scan");
      int32_t field = 0;
      qv_parquet_scan_options so = {.fields = &field, .n_fields = 1};
      hand_check(qv_parquet_file_scan(f, &so, &b, NULL, &e), &e, "second scan");
      qv_parquet_file_close(f);
      unlink(path);
      assert_int_equal(a->n_batches, 3);
      qv_table *whole = NULL;
      hand_check(qv_table_combine_chunks(a, &whole, &e), &e, "combine");
      for (int32_t i = 0; i < 3; i++)
        assert_true(qv_array_equals(whole->batches[0]->columns[i], t->batches[0]->columns[i]));
      qv_table_release(whole);
      hand_check(qv_table_combine_chunks(b, &whole, &e), &e, "combine one field");
      assert_true(qv_array_equals(whole->batches[0]->columns[0], t->batches[0]->columns[0]));
      qv_table_release(whole);
      qv_table_release(a);
      qv_table_release(b);
      free(m.data);
    }
  qv_table_release(t);
}

/* One PLAIN uncompressed page of int64 without nulls: read from memory
 * placed at each of 8 byte shifts, the values are correct at every shift
 * and, at the shift that aligns them, a view of the caller's bytes. */
static void test_zero_copy_plain_uncompressed_page(void **state) {
  (void)state;
  int64_t iv[40];
  for (int i = 0; i < 40; i++) iv[i] = 1000 + i;
  qv_array *a = hand_array(qv_type_int64(), 40, 0, 0, 2, BUFS(NULL, hand_buf(iv, sizeof iv)), 0, NULL, NULL);
  qv_table *t = table_of(1, (const char *[]){"v"}, &a);
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  o.compression = QV_PARQUET_UNCOMPRESSED;
  o.use_dictionary = false;
  uint8_t *data = NULL;
  int64_t len = 0;
  qv_error e;
  hand_check(qv_parquet_write_memory(t, &o, &data, &len, &e), &e, "write");
  uint8_t *room = aligned_alloc(64, ((size_t)len + 128 + 63) / 64 * 64); /* a multiple of the alignment */
  assert_non_null(room);
  int zero_copy = 0;
  for (int shift = 0; shift < 8; shift++) {
    memcpy(room + shift, data, (size_t)len);
    qv_parquet_file *f = NULL;
    hand_check(qv_parquet_open_memory(room + shift, (size_t)len, NULL, &f, &e), &e, "open");
    qv_batch *b = NULL;
    hand_check(qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &e), &e, "read");
    qv_parquet_file_close(f);
    const qv_array *col = b->columns[0];
    for (int i = 0; i < 40; i++) assert_int_equal(i64_at(col, i), 1000 + i);
    const uint8_t *p = col->buffers[1]->data;
    bool inside = p >= room + shift && p < room + shift + len;
    if (inside) {
      zero_copy++;
      assert_int_equal((uintptr_t)p % 8, 0);
    }
    qv_batch_release(b);
  }
  assert_int_equal(zero_copy, 1);
  /* compressed pages are copied out of the scratch */
  o.compression = QV_PARQUET_ZSTD;
  free(data);
  hand_check(qv_parquet_write_memory(t, &o, &data, &len, &e), &e, "write zstd");
  for (int shift = 0; shift < 8; shift++) {
    memcpy(room + shift, data, (size_t)len);
    qv_parquet_file *f = NULL;
    hand_check(qv_parquet_open_memory(room + shift, (size_t)len, NULL, &f, &e), &e, "open");
    qv_batch *b = NULL;
    hand_check(qv_parquet_file_read_row_group(f, 0, NULL, 0, &b, &e), &e, "read");
    qv_parquet_file_close(f);
    const uint8_t *p = b->columns[0]->buffers[1]->data;
    assert_false(p >= room && p < room + len + 8);
    qv_batch_release(b);
  }
  free(room);
  free(data);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_read_dictionary_reads_dictionary_arrays),
      cmocka_unit_test(test_read_dictionary_unknown_path_is_named),
      cmocka_unit_test(test_binary_type_view_and_large),
      cmocka_unit_test(test_statistics_skip_row_groups),
      cmocka_unit_test(test_bad_predicates_are_named),
      cmocka_unit_test(test_nested_path_projection),
      cmocka_unit_test(test_batch_reader_one_row_group_at_a_time),
      cmocka_unit_test(test_pread_mode_reads_the_same),
      cmocka_unit_test(test_one_field_scan_on_two_threads_is_ordered),
      cmocka_unit_test(test_zero_copy_plain_uncompressed_page),
      cmocka_unit_test(test_mapped_file_reads_after_pages_are_dropped),
      cmocka_unit_test(test_column_chunk_split_across_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
