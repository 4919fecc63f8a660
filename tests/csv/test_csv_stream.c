/* The streaming CSV reader (qv_csv_reader): every input path (memory, a
 * read callback that hands out a few bytes at a time, a pipe fed by a
 * thread, a path) with blocks smaller and larger than the input, on 1 and
 * 2 threads, must give the same values as the whole-input reader; quoted
 * line breaks and CRLFs that cross block and read boundaries; types fixed
 * by the first round, with later values that do not fit reported by line
 * and column; a record past max_record_size stops the reader with bounded
 * memory; explicit column types. Each stream is read with the typed fast
 * path (the rounds after the first) on and off, with the same result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>

#include "csv/read_internal.h"
#include "csv_test_util.h"
#include "quiver/compare.h"
#include "quiver/concat.h"
#include "quiver/table.h"
#include "quiver/type.h"

typedef enum mode { MEMORY, CALLBACK, PIPE, PATH } mode;

/* A callback source over a text: at most `chunk` bytes per call. */
typedef struct chunked {
  const char *text;
  size_t n, at, chunk;
} chunked;

static qv_status chunked_read(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err) {
  chunked *c = ctx;
  size_t k = c->n - c->at;
  if (k > cap) k = cap;
  if (k > c->chunk) k = c->chunk;
  if (k > 0) memcpy(buf, c->text + c->at, k);
  c->at += k;
  *got = k;
  return QV_OK;
}

typedef struct feeder {
  int fd;
  const char *text;
  size_t n;
} feeder;

static void *feed(void *arg) {
  feeder *f = arg;
  size_t at = 0;
  while (at < f->n) {
    const ssize_t w = write(f->fd, f->text + at, f->n - at > 1000 ? 1000 : f->n - at);
    if (w <= 0) break;
    at += (size_t)w;
  }
  close(f->fd);
  return NULL;
}

/* Streams `text` through `m`; returns the batches combined into a table,
 * or NULL with *st and *err set. */
static qv_table *stream(const char *text, size_t n, mode m, const qv_csv_read_options *o, size_t chunk,
                        qv_status *st, qv_error *err) {
  qv_csv_reader *r = NULL;
  chunked src = {text, n, 0, chunk};
  pthread_t writer;
  feeder f = {-1, text, n};
  int pipe_fds[2] = {-1, -1};
  char path[] = "/tmp/qv_csv_stream_XXXXXX";
  switch (m) {
    case MEMORY:
      *st = qv_csv_reader_open_memory(text, n, o, &r, err);
      break;
    case CALLBACK:
      *st = qv_csv_reader_open_callback(chunked_read, &src, o, &r, err);
      break;
    case PIPE:
      assert_int_equal(pipe(pipe_fds), 0);
      f.fd = pipe_fds[1];
      assert_int_equal(pthread_create(&writer, NULL, feed, &f), 0);
      *st = qv_csv_reader_open_fd(pipe_fds[0], o, &r, err);
      break;
    case PATH: {
      const int fd = mkstemp(path);
      assert_true(fd >= 0);
      assert_int_equal(write(fd, text, n), (ssize_t)n);
      close(fd);
      *st = qv_csv_reader_open_path(path, o, &r, err);
      break;
    }
  }
  qv_table *out = NULL;
  qv_batch **batches = NULL;
  int64_t n_batches = 0;
  if (*st == QV_OK) {
    for (;;) {
      qv_batch *b = NULL;
      *st = qv_csv_reader_next(r, &b, err);
      if (*st != QV_OK || b == NULL) break;
      assert_true(b->length > 0);
      batches = realloc(batches, sizeof *batches * (size_t)(n_batches + 1));
      batches[n_batches++] = b;
    }
  }
  if (*st == QV_OK) {
    if (n_batches == 0) {
      assert_int_equal(qv_table_new(qv_csv_reader_schema(r), NULL, 0, &out, err), QV_OK);
    } else {
      qv_table *t = NULL;
      assert_int_equal(qv_table_from_batches(batches, n_batches, &t, err), QV_OK);
      assert_true(qv_schema_equals(t->schema, qv_csv_reader_schema(r), true));
      assert_int_equal(qv_table_combine_chunks(t, &out, err), QV_OK);
      qv_table_release(t);
    }
  }
  for (int64_t i = 0; i < n_batches; i++) qv_batch_release(batches[i]);
  free(batches);
  qv_csv_reader_free(r);
  if (m == PIPE) {
    close(pipe_fds[0]); /* a writer blocked on a full pipe gets EPIPE and stops */
    pthread_join(writer, NULL);
  }
  if (m == PATH) unlink(path);
  return out;
}

/* `text` read whole and streamed every way (block sizes below and above
 * the input's size, 1 and 2 threads, reads of 1, 3 and 4096 bytes) must
 * agree. */
static int64_t typed_blocks(void) { return __atomic_load_n(&qv__csv_typed_blocks_read, __ATOMIC_RELAXED); }

/* Blocks the fast path read in the streams of the tests so far. */
static int64_t g_typed;

static void streams_like_whole_with(const char *text, const qv_csv_read_options *base);

static void streams_like_whole(const char *text) { streams_like_whole_with(text, NULL); }

/* The same with `base`'s options (column types) for every read. */
static void streams_like_whole_with(const char *text, const qv_csv_read_options *base) {
  const size_t n = strlen(text);
  static const qv_csv_read_options k_defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  if (base == NULL) base = &k_defaults;
  qv_error err;
  qv_table *whole = NULL, *whole1 = NULL;
  assert_int_equal(qv_csv_read_memory(text, n, base, &whole, &err), QV_OK);
  assert_int_equal(qv_table_combine_chunks(whole, &whole1, &err), QV_OK);
  static const int64_t blocks[] = {1, 5, 64, 1000, 1 << 20};
  static const size_t chunks[] = {1, 3, 4096};
  for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
    for (int32_t threads = 1; threads <= 2; threads++) {
      for (int m = MEMORY; m <= PATH; m++) {
        for (size_t k = 0; k < (m == CALLBACK ? 3u : 1u) * 2; k++) {
          qv_csv_read_options o = *base;
          o.block_size = blocks[b];
          o.n_threads = threads;
          qv_status st;
          const int64_t before = typed_blocks();
          qv__csv_typed_off = k % 2 == 1; /* every read with the fast path on, then off */
          qv_table *t = stream(text, n, (mode)m, &o, chunks[k / 2], &st, &err);
          qv__csv_typed_off = false;
          g_typed += typed_blocks() - before;
          if (st != QV_OK)
            fail_msg("mode %d, block %lld, %d threads, chunk %zu: %s", m, (long long)blocks[b], threads,
                     chunks[k / 2], err.message);
          assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
          if (!qv_schema_equals(t->schema, whole1->schema, true))
            fail_msg("mode %d, block %lld: the schema differs from the whole read's", m, (long long)blocks[b]);
          qv_error why;
          memset(&why, 0, sizeof why);
          if (t->n_rows != whole1->n_rows ||
              (t->n_rows > 0 && qv_batch_diff(t->batches[0], whole1->batches[0], NULL, &why) != QV_OK))
            fail_msg("mode %d, block %lld, %d threads, chunk %zu, fast path %s: %s", m, (long long)blocks[b],
                     threads, chunks[k / 2], k % 2 ? "off" : "on", why.message);
          qv_table_release(t);
        }
      }
    }
  }
  qv_table_release(whole1);
  qv_table_release(whole);
}

static void test_sizes_on_both_sides_of_the_block(void **state) {
  (void)state;
  /* 200 rows of mixed kinds: many blocks at the small sizes, one at 1 MiB. */
  char *text = malloc(200 * 80 + 64);
  size_t at = (size_t)sprintf(text, "id,x,when,name,ok\n");
  for (int i = 0; i < 200; i++)
    at += (size_t)sprintf(text + at, "%d,%d.5,2024-01-%02d 10:00:00,name %d,%s\n", i, i * 3, 1 + i % 28, i,
                          i % 3 ? "true" : "false");
  streams_like_whole(text);
  free(text);
  streams_like_whole("a,b\n1,2\n");
  streams_like_whole("a,b\n1,2");       /* no final line break */
  streams_like_whole("a,b\n");          /* a header only: null columns, no batches */
  streams_like_whole("\xEF\xBB\xBFh\n1\n2\n"); /* a BOM */
}

static void test_quoted_line_breaks_cross_blocks_and_reads(void **state) {
  (void)state;
  streams_like_whole(
      "k,v\n"
      "1,\"line one\nline two\"\n"
      "2,\"crlf\r\ninside\"\r\n"
      "3,\"a \"\"quoted\"\" word, and a comma\"\n"
      "4,\"\n\n\n\"\n"
      "5,plain\r\n"
      "6,\"ends with CR\r\"\n");
  /* Quotes inside unquoted fields throw the parity guess off. */
  streams_like_whole(
      "a,b\n"
      "x\"y,1\n"
      "\"q\nq\",2\n"
      "z\",3\n"
      "\"r\nr\",4\n"
      "w\"\"\"w,5\n");
}

/* Streaming `text` fails with `code` and a message holding `substr`,
 * through every input path and block size. */
static void stream_fails_with(const char *text, const qv_csv_read_options *base, int64_t block_size,
                              qv_status code, const char *substr) {
  static const size_t chunks[] = {1, 4096};
  for (int m = MEMORY; m <= PATH; m++) {
    for (size_t k = 0; k < (m == CALLBACK ? 2u : 1u) * 2; k++) {
      qv_csv_read_options o = *base;
      o.block_size = block_size;
      o.n_threads = 2;
      qv_status st;
      qv_error err;
      memset(&err, 0, sizeof err);
      const int64_t before = typed_blocks();
      qv__csv_typed_off = k % 2 == 1;
      qv_table *t = stream(text, strlen(text), (mode)m, &o, chunks[k / 2], &st, &err);
      qv__csv_typed_off = false;
      g_typed += typed_blocks() - before;
      assert_null(t);
      if (st != code || strstr(err.message, substr) == NULL)
        fail_msg("mode %d, fast path %s: wanted %s with '%s', got %s: %s", m, k % 2 ? "off" : "on",
                 qv_status_name(code), substr, qv_status_name(st), err.message);
    }
  }
}

static void stream_fails(const char *text, int64_t block_size, qv_status code, const char *substr) {
  const qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  stream_fails_with(text, &o, block_size, code, substr);
}

static void test_later_values_that_do_not_fit_are_errors(void **state) {
  (void)state;
  /* The first round (2 blocks of ~16 bytes) sees ints; line 40 does not fit. */
  char text[4096];
  size_t at = (size_t)sprintf(text, "n,s\n");
  for (int i = 2; i < 40; i++) at += (size_t)sprintf(text + at, "%d,v%d\n", i, i);
  sprintf(text + at, "x1,v\n");
  stream_fails(text, 16, QV_ERR_INVALID_DATA, "CSV line 40, column 1 ('n'): the value 'x1' is not of type int64");
  stream_fails(text, 16, QV_ERR_INVALID_DATA, "inferred from the first rows");
  /* A column of nulls first, a value later. */
  at = (size_t)sprintf(text, "n,e\n");
  for (int i = 2; i < 40; i++) at += (size_t)sprintf(text + at, "%d,\n", i);
  sprintf(text + at, "1,late\n");
  stream_fails(text, 16, QV_ERR_INVALID_DATA, "CSV line 40, column 2 ('e'): the value 'late' is not of type null");
  /* Seconds first, a fraction later; naive first, a zone later. */
  at = (size_t)sprintf(text, "t\n");
  for (int i = 2; i < 40; i++) at += (size_t)sprintf(text + at, "2024-01-01 00:00:%02d\n", i);
  sprintf(text + at, "2024-01-01 00:00:00.5\n");
  stream_fails(text, 32, QV_ERR_INVALID_DATA, "CSV line 40, column 1 ('t'): the value '2024-01-01 00:00:00.5'");
  sprintf(text + at, "2024-01-01 00:00:00Z\n");
  stream_fails(text, 32, QV_ERR_INVALID_DATA, "expected no zone offset");
  /* With one big block the whole input is the first round: promoted. */
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  qv_status st;
  qv_error err;
  qv_table *t = stream(text, strlen(text), MEMORY, &o, 0, &st, &err);
  assert_int_equal(st, QV_OK);
  char type[64];
  assert_string_equal(csvt_type(t, 0, type, sizeof type), "string");
  qv_table_release(t);
}

static void test_malformed_records(void **state) {
  (void)state;
  stream_fails("a,b\n1,2\n3,\"never closed\n4,5\n", 4, QV_ERR_INVALID_DATA,
               "CSV line 3, column 2: the quoted field that opens here is never closed");
  stream_fails("a,b\n1,2\n3,\"x\"y\n", 4, QV_ERR_INVALID_DATA, "CSV line 3, column 2: expected the delimiter");
  stream_fails("a,b\n1,2\n3\n", 2, QV_ERR_INVALID_DATA, "CSV line 3: expected 2 fields");
  /* Line numbers stay right across CRLFs cut between reads. */
  stream_fails("a,b\r\n1,2\r\n\r\n3,4\r\n5\r\n", 3, QV_ERR_INVALID_DATA, "CSV line 5: expected 2 fields");
  stream_fails("", 4, QV_ERR_INVALID_DATA, "CSV input is empty");
}

/* An endless line: the reader stops at max_record_size instead of reading on. */
typedef struct endless {
  int64_t served;
} endless;

static qv_status endless_read(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err) {
  endless *e = ctx;
  memset(buf, 'a', cap);
  if (e->served == 0 && cap >= 2) memcpy(buf, "h\n", 2); /* a header, then one endless record */
  e->served += (int64_t)cap;
  *got = cap;
  return QV_OK;
}

static void test_endless_record_stops_at_max_record_size(void **state) {
  (void)state;
  endless e = {0};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.block_size = 4096;
  o.max_record_size = 1 << 20;
  qv_csv_reader *r = NULL;
  qv_error err;
  qv_status st = qv_csv_reader_open_callback(endless_read, &e, &o, &r, &err);
  assert_int_equal(st, QV_ERR_LIMIT);
  assert_null(r);
  assert_non_null(strstr(err.message, "CSV line 2: no record ends within 1048576 bytes (max_record_size)"));
  assert_true(e.served <= 4 << 20); /* bounded: a few times the limit at most */
  /* Same for an unclosed quote. */
  const char *text = "h\n\"open";
  o.max_record_size = 3;
  st = qv_csv_reader_open_memory(text, strlen(text), &o, &r, &err);
  assert_int_equal(st, QV_ERR_INVALID_DATA); /* memory: the end of input is known, so it is the quote's error */
  assert_non_null(strstr(err.message, "never closed"));
}

static void test_skip_rows_past_the_first_rounds(void **state) {
  (void)state;
  char text[4096];
  size_t at = 0;
  for (int i = 0; i < 50; i++) at += (size_t)sprintf(text + at, "junk %d\n", i);
  at += (size_t)sprintf(text + at, "a,b\n");
  for (int i = 0; i < 30; i++) at += (size_t)sprintf(text + at, "%d,%d\n", i, -i);
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.skip_rows = 50;
  o.block_size = 8;
  qv_status st;
  qv_error err;
  qv_table *t = stream(text, at, CALLBACK, &o, 5, &st, &err);
  if (st != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(t->n_rows, 30);
  assert_string_equal(t->schema->fields[1]->name, "b");
  qv_table_release(t);
}

static void test_column_types(void **state) {
  (void)state;
  qv_type *i8 = qv_type_from_id(QV_TYPE_INT8), *u64 = qv_type_from_id(QV_TYPE_UINT64),
          *f32 = qv_type_from_id(QV_TYPE_FLOAT32), *str = qv_type_from_id(QV_TYPE_STRING),
          *d64 = qv_type_from_id(QV_TYPE_DATE64), *bin = qv_type_from_id(QV_TYPE_LARGE_BINARY), *ms = NULL;
  qv_error err;
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &ms, &err), QV_OK);
  const char *names[] = {"a", "b", "c", "d", "e", "f", "g", "nope"};
  const qv_type *types[] = {i8, u64, f32, str, d64, bin, ms, i8};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.column_type_names = names;
  o.column_types = types;
  o.n_column_types = 8;
  const char *text =
      "a,b,c,d,e,f,g\n"
      "-128,18446744073709551615,1.5,007,2020-01-02,\xff\xfe,2020-01-01T00:00:00.123Z\n"
      "127,0,,NA,,x,2020-01-01 01:00:00+01:00\n";
  qv_table *t = csvt_read(text, &o);
  CSVT_EXPECT_COLUMN(t, 0, "a", "int8", "[-128,127]");
  CSVT_EXPECT_COLUMN(t, 1, "b", "uint64", "[18446744073709551615,0]");
  CSVT_EXPECT_COLUMN(t, 2, "c", "float", "[1.5,null]");
  CSVT_EXPECT_COLUMN(t, 3, "d", "string", "[\"007\",\"NA\"]");
  char type[64];
  assert_string_equal(csvt_type(t, 4, type, sizeof type), "date64[ms]");
  assert_string_equal(csvt_type(t, 5, type, sizeof type), "large_binary");
  assert_string_equal(csvt_type(t, 6, type, sizeof type), "timestamp[ms, tz=UTC]");
  const qv_array *g = t->batches[0]->columns[6];
  assert_int_equal(((const int64_t *)g->buffers[1]->data)[0], 1577836800123);
  assert_int_equal(((const int64_t *)g->buffers[1]->data)[1], 1577836800000);
  qv_table_release(t);
  /* The same through the streaming reader. */
  qv_status st;
  t = stream(text, strlen(text), CALLBACK, &o, 2, &st, &err);
  if (st != QV_OK) fail_msg("%s", err.message);
  assert_string_equal(csvt_type(t, 0, type, sizeof type), "int8");
  qv_table_release(t);
  /* Values that do not fit: named by line and column, never wrapped. */
  csvt_expect_error("a\n1\n300\n", 8, &o, QV_ERR_INVALID_DATA, "CSV line 3, column 1 ('a'): the value '300' is not of type int8");
  csvt_expect_error("b\n-1\n", 5, &o, QV_ERR_INVALID_DATA, "CSV line 2, column 1 ('b'): the value '-1' is not of type uint64");
  csvt_expect_error("g\n2020-01-01 00:00:00\n", 21, &o, QV_ERR_INVALID_DATA, "expected a zone offset");
  csvt_expect_error("g\n2020-01-01 00:00:00.0001Z\n", 27, &o, QV_ERR_INVALID_DATA, "finer than the unit");
  csvt_expect_error("d\n\"\xff\"\n", 6, &o, QV_ERR_INVALID_DATA, "invalid UTF-8");
  /* A type with no CSV text form. */
  qv_type *list = NULL;
  assert_int_equal(qv_type_list_of(QV_TYPE_LIST, qv_type_retain(i8), &list, &err), QV_OK);
  const qv_type *bad[] = {list};
  const char *bad_names[] = {"a"};
  o.column_type_names = bad_names;
  o.column_types = bad;
  o.n_column_types = 1;
  csvt_expect_error("a\n1\n", 4, &o, QV_ERR_NOT_IMPLEMENTED, "CSV column 1 ('a'): reading list<item: int8>");
  qv_type_release(list);
  qv_type_release(i8);
  qv_type_release(u64);
  qv_type_release(f32);
  qv_type_release(str);
  qv_type_release(d64);
  qv_type_release(bin);
  qv_type_release(ms);
}

/* Mixed columns over many rounds: ints, floats, timestamps (with a
 * fraction in some rows, so the column is in ns), quoted strings with
 * doubled quotes, delimiters and line breaks (LF and CRLF) that blocks cut
 * across, and empty cells. */
static char *mixed_text(int rows) {
  char *text = malloc((size_t)rows * 160 + 64);
  size_t at = (size_t)sprintf(text, "id,x,when,note,flag\r\n");
  for (int i = 0; i < rows; i++) {
    const char *note = i % 5 == 0 ? "\"say \"\"hi\"\",\nthere\"" : i % 5 == 1 ? "\"two\r\nlines\"" : "plain";
    at += (size_t)sprintf(text + at, "%d,%s%d.%02d,2024-02-%02d 10:%02d:%02d%s,%s,%s\r\n", i, i % 3 ? "" : "-", i,
                          i % 100, 1 + i % 28, i % 60, (i * 7) % 60, i % 4 == 0 ? ".25" : "", i % 11 == 3 ? "" : note,
                          i % 13 == 5 ? "" : i % 2 ? "true" : "false");
  }
  return text;
}

static void test_later_rounds_by_the_fast_path_read_like_the_general_path(void **state) {
  (void)state;
  g_typed = 0;
  char *text = mixed_text(300);
  streams_like_whole(text);
  /* The same columns as given types, two of them converted (int16, float32). */
  qv_type *i16 = qv_type_from_id(QV_TYPE_INT16), *f32 = qv_type_from_id(QV_TYPE_FLOAT32), *ts = NULL;
  qv_error err;
  assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, NULL, &ts, &err), QV_OK);
  const char *names[] = {"id", "x", "when"};
  const qv_type *types[] = {i16, f32, ts};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.column_type_names = names;
  o.column_types = types;
  o.n_column_types = 3;
  streams_like_whole_with(text, &o);
  free(text);
  assert_true(g_typed > 0); /* the fast path read blocks of later rounds */
  /* Late values that do not fit a given type: the same error both ways. */
  char late[8192];
  size_t at = (size_t)sprintf(late, "id,x,when\n");
  for (int i = 0; i < 100; i++) at += (size_t)sprintf(late + at, "%d,%d.5,2024-01-01 00:00:%02d.5\n", i, i, i % 60);
  sprintf(late + at, "40000,1,2024-01-01 00:00:00\n");
  stream_fails_with(late, &o, 64, QV_ERR_INVALID_DATA, "CSV line 102, column 1 ('id'): the value '40000' is not of type int16");
  sprintf(late + at, "1,1,2024-01-01 00:00:00.0000001\n");
  stream_fails_with(late, &o, 64, QV_ERR_INVALID_DATA, "CSV line 102, column 3 ('when')");
  stream_fails_with(late, &o, 64, QV_ERR_INVALID_DATA, "finer than the unit");
  /* Late values past the inferred types: a float among ints, a fraction
   * among seconds, a zone among naive times, ragged records. */
  at = (size_t)sprintf(late, "n,t\n");
  for (int i = 0; i < 100; i++) at += (size_t)sprintf(late + at, "%d,2024-01-01 00:00:%02d\n", i, i % 60);
  sprintf(late + at, "1.5,2024-01-01 00:00:00\n");
  stream_fails(late, 64, QV_ERR_INVALID_DATA, "CSV line 102, column 1 ('n'): the value '1.5' is not of type int64");
  sprintf(late + at, "1,2024-01-01 00:00:00.5\n");
  stream_fails(late, 64, QV_ERR_INVALID_DATA, "CSV line 102, column 2 ('t')");
  sprintf(late + at, "1,2024-01-01 00:00:00+01:00\n");
  stream_fails(late, 64, QV_ERR_INVALID_DATA, "expected no zone offset");
  sprintf(late + at, "1,2024-01-01 00:00:00,3\n");
  stream_fails(late, 64, QV_ERR_INVALID_DATA, "CSV line 102: expected 2 fields");
  sprintf(late + at, "1,\"2024-01-01 00:00:00\n");
  stream_fails(late, 64, QV_ERR_INVALID_DATA, "CSV line 102, column 2: the quoted field that opens here is never closed");
  qv_type_release(i16);
  qv_type_release(f32);
  qv_type_release(ts);
}

static void test_bad_arguments(void **state) {
  (void)state;
  qv_csv_reader *r = NULL;
  qv_error err;
  assert_int_equal(qv_csv_reader_open_memory(NULL, 3, NULL, &r, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_csv_reader_open_fd(-1, NULL, &r, &err), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_csv_reader_open_path("/nonexistent/x.csv", NULL, &r, &err), QV_ERR_NOT_FOUND);
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.max_record_size = -1;
  assert_int_equal(qv_csv_reader_open_memory("a\n", 2, &o, &r, &err), QV_ERR_INVALID_ARGUMENT);
  qv_batch *b = (qv_batch *)(uintptr_t)1;
  assert_int_equal(qv_csv_reader_next(NULL, &b, &err), QV_ERR_INVALID_ARGUMENT);
  qv_csv_reader_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes_on_both_sides_of_the_block),
      cmocka_unit_test(test_quoted_line_breaks_cross_blocks_and_reads),
      cmocka_unit_test(test_later_values_that_do_not_fit_are_errors),
      cmocka_unit_test(test_malformed_records),
      cmocka_unit_test(test_endless_record_stops_at_max_record_size),
      cmocka_unit_test(test_skip_rows_past_the_first_rounds),
      cmocka_unit_test(test_column_types),
      cmocka_unit_test(test_later_rounds_by_the_fast_path_read_like_the_general_path),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
