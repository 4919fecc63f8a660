/* The CSV reader's typed fast path (src/csv/typed.c) and the pieces under
 * it: every read must give exactly what the general path gives (the same
 * types, values, batches, or the same error), whatever the blocks and
 * threads; the 64-byte classifiers (SWAR, SSE2, AVX2, each forced) and the
 * byte counters must agree with a byte loop; the 8-digit number parsing
 * and the plain timestamp form must agree with the slow parsers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/iso8601.h"
#include "csv/classify.h"
#include "csv/csv_test_util.h"
#include "csv/read_internal.h"
#include "quiver/compare.h"

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

typedef struct text {
  char *p;
  size_t len, cap;
} text;

static void put_text(text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->p = realloc(t->p, t->cap);
    assert_non_null(t->p);
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

static void put_str(text *t, const char *s) { put_text(t, s, strlen(s)); }

/* Options for agree(): the column types to give (NULL: none); and the
 * status of agree()'s last read. */
static const qv_csv_read_options *g_base;
static qv_status g_last_status;

static qv_table *read_mode(const text *t, int64_t block_size, int32_t threads, bool typed_off, bool skip_invalid,
                           qv_status *st, qv_error *err) {
  static const qv_csv_read_options k_defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  qv_csv_read_options o = g_base ? *g_base : k_defaults;
  o.block_size = block_size;
  o.n_threads = threads;
  o.skip_invalid_rows = skip_invalid;
  qv_table *out = NULL;
  qv__csv_typed_off = typed_off;
  *st = qv_csv_read_memory(t->p, t->len, &o, &out, err);
  qv__csv_typed_off = false;
  return out;
}

/* Reads t with the fast path on and off: the same batches and values, or
 * the same error. Returns how many blocks the fast path read. */
static int64_t agree(const text *t, int64_t block_size, int32_t threads, bool skip_invalid) {
  qv_error e_on, e_off;
  qv_status s_on, s_off;
  const int64_t before = __atomic_load_n(&qv__csv_typed_blocks_read, __ATOMIC_RELAXED);
  qv_table *on = read_mode(t, block_size, threads, false, skip_invalid, &s_on, &e_on);
  const int64_t typed = __atomic_load_n(&qv__csv_typed_blocks_read, __ATOMIC_RELAXED) - before;
  g_last_status = s_on;
  qv_table *off = read_mode(t, block_size, threads, true, skip_invalid, &s_off, &e_off);
  if (s_on != s_off || (s_on != QV_OK && strcmp(e_on.message, e_off.message) != 0)) {
    fail_msg("block size %lld: fast path %s '%s', general path %s '%s'", (long long)block_size,
             qv_status_name(s_on), s_on ? e_on.message : "", qv_status_name(s_off), s_off ? e_off.message : "");
  }
  if (s_on == QV_OK) {
    qv_error why;
    assert_int_equal(qv_table_validate(on, QV_VALIDATE_FULL, &why), QV_OK);
    assert_true(qv_schema_equals(on->schema, off->schema, true));
    assert_int_equal(on->n_batches, off->n_batches);
    for (int64_t b = 0; b < on->n_batches; b++) {
      memset(&why, 0, sizeof why);
      if (qv_batch_diff(on->batches[b], off->batches[b], NULL, &why) != QV_OK) {
        fail_msg("block size %lld, batch %lld: %s", (long long)block_size, (long long)b, why.message);
      }
    }
  }
  qv_table_release(on);
  qv_table_release(off);
  return typed;
}

/* One value of a column of kind k (0 int, 1 float, 2 timestamp, 3 zoned
 * timestamp with fractions, 4 date, 5 bool, 6 short string, 7 quoted
 * string with quotes, delimiters and line breaks, 8 nothing but nulls, 9
 * time of day, sometimes with spaces around). */
static void put_value(text *t, int k) {
  char buf[96];
  if (rnd() % 20 == 0) { /* about 5 % empty, as the benchmark */
    static const char *const nulls[] = {"", "", "NA", "null", "\"\""};
    put_str(t, nulls[rnd() % 5]);
    return;
  }
  switch (k) {
    case 0:
      snprintf(buf, sizeof buf, "%lld", (long long)(rnd() % 2 ? (int64_t)rnd() : (int64_t)(rnd() % 2001) - 1000));
      break;
    case 1:
      if (rnd() % 2) snprintf(buf, sizeof buf, "%.17g", (double)(int64_t)rnd() / 1e9);
      else snprintf(buf, sizeof buf, "%.2f", (double)(int64_t)(rnd() % 200001 - 100000) / 100);
      break;
    case 2:
      snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", 1900 + (int)(rnd() % 200), 1 + (int)(rnd() % 12),
               1 + (int)(rnd() % 28), rnd() % 4 ? ' ' : 'T', (int)(rnd() % 24), (int)(rnd() % 60),
               (int)(rnd() % 60));
      break;
    case 3:
      snprintf(buf, sizeof buf, "2021-%02d-%02dT%02d:%02d:%02d.%03dZ", 1 + (int)(rnd() % 12), 1 + (int)(rnd() % 28),
               (int)(rnd() % 24), (int)(rnd() % 60), (int)(rnd() % 60), (int)(rnd() % 1000));
      break;
    case 4:
      snprintf(buf, sizeof buf, "%04d-%02d-%02d", 1970 + (int)(rnd() % 100), 1 + (int)(rnd() % 12),
               1 + (int)(rnd() % 28));
      break;
    case 5:
      snprintf(buf, sizeof buf, "%s", rnd() % 2 ? "true" : "False");
      break;
    case 6: {
      const int n = 1 + (int)(rnd() % 12);
      for (int i = 0; i < n; i++) buf[i] = (char)('a' + rnd() % 26);
      buf[n] = '\0';
      break;
    }
    case 7: {
      static const char *const pieces[] = {"ab", ",", "\"\"", "\n", "\r\n", "\xc3\xa9", "xyz", " "};
      put_str(t, "\"");
      const int n = (int)(rnd() % 6);
      for (int i = 0; i < n; i++) put_str(t, pieces[rnd() % 8]);
      put_str(t, "\"");
      return;
    }
    case 9:
      snprintf(buf, sizeof buf, "%s%02d:%02d%s", rnd() % 10 ? "" : " ", (int)(rnd() % 24), (int)(rnd() % 60),
               rnd() % 3 ? ":07" : "");
      break;
    default:
      buf[0] = '\0';
      break;
  }
  put_str(t, buf);
}

/* A random table of `cols` columns of random kinds; with `odd`, a few
 * values that do not fit their column and a few ragged records. */
static void make_text(text *t, int cols, int rows, bool odd) {
  int kinds[12];
  for (int c = 0; c < cols; c++) {
    kinds[c] = (int)(rnd() % 10);
    char name[16];
    snprintf(name, sizeof name, "%sc%d", c ? "," : "", c);
    put_str(t, name);
  }
  put_str(t, "\n");
  static const char *const ends[] = {"\n", "\n", "\r\n", "\r"};
  const char *end = ends[rnd() % 4];
  for (int r = 0; r < rows; r++) {
    if (odd && rnd() % 200 == 0) put_str(t, end); /* a blank line */
    const int width = odd && rnd() % 300 == 0 ? cols + 1 - 2 * (int)(rnd() % 2) : cols;
    for (int c = 0; c < width; c++) {
      if (c) put_str(t, ",");
      if (odd && rnd() % 400 == 0) put_str(t, rnd() % 2 ? "1.5" : "word");
      else put_value(t, kinds[c % cols]);
    }
    put_str(t, end);
  }
}

static void test_random_tables_read_the_same_with_and_without_the_fast_path(void **state) {
  (void)state;
  int64_t typed = 0;
  for (uint64_t seed = 1; seed <= 60; seed++) {
    rng_state = seed * 0x9E3779B97F4A7C15ULL;
    text t = {0};
    const bool odd = seed % 3 == 0;
    make_text(&t, 1 + (int)(rnd() % 10), 50 + (int)(rnd() % 400), odd);
    static const int64_t sizes[] = {64, 700, 4096};
    for (size_t k = 0; k < 3; k++) {
      typed += agree(&t, sizes[k], 1 + (int32_t)(seed % 3), false);
      if (odd) agree(&t, sizes[k], 2, true);
    }
    free(t.p);
  }
  assert_true(typed > 0); /* the fast path did read blocks */
}

/* The fast path gives a block up on each of these; the general path then
 * reads it (or fails the same way). */
static void test_blocks_the_fast_path_gives_up(void **state) {
  (void)state;
  static const char *const odd_rows[] = {
      "7,x,1.5\n",             /* a float in the int column: promoted */
      "7,x\n",                 /* too few fields */
      "7,x,1,2\n",             /* too many */
      "7,\"x\"y,1\n",          /* text after a closing quote */
      "7,\"unclosed,1\n",      /* a quote never closed */
      "7,\xff,1\n",            /* invalid UTF-8 */
      "99999999999999999999,x,1\n", /* past int64: the column becomes float */
      "7,x,2021-01-01\n",      /* a date in the int column: string */
  };
  for (size_t k = 0; k < sizeof odd_rows / sizeof odd_rows[0]; k++) {
    text t = {0};
    put_str(&t, "a,b,c\n");
    for (int r = 0; r < 200; r++) {
      char row[64];
      snprintf(row, sizeof row, "%d,\"s%d\",%d\n", r, r, r * 3);
      put_str(&t, row);
      if (r == 150) put_str(&t, odd_rows[k]);
    }
    agree(&t, 256, 2, false);
    agree(&t, 256, 1, true);
    free(t.p);
  }
}

/* Given column types: the types the fast path builds (every integer but
 * uint64, float32, date64, time32[s], timestamps of each unit and zone,
 * the string and binary types, null) read the same on both paths, with
 * values that do not fit (past the range of int8, a fraction finer than
 * the unit, a zone where none is expected, a value in a null column)
 * found in a late block and reported the same. */
static void test_given_types_read_the_same_with_and_without_the_fast_path(void **state) {
  (void)state;
  qv_error err;
  qv_type *ts_ms = NULL, *ts_us_utc = NULL, *t32 = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_MILLI, NULL, &ts_ms, &err), QV_OK);
  assert_int_equal(qv_type_timestamp(QV_UNIT_MICRO, "UTC", &ts_us_utc, &err), QV_OK);
  assert_int_equal(qv_type_time32(QV_UNIT_SECOND, &t32, &err), QV_OK);
  qv_type *types[] = {qv_type_from_id(QV_TYPE_INT8),         qv_type_from_id(QV_TYPE_UINT16),
                      qv_type_from_id(QV_TYPE_INT32),        qv_type_from_id(QV_TYPE_UINT32),
                      qv_type_from_id(QV_TYPE_FLOAT32),      qv_type_from_id(QV_TYPE_DATE64),
                      t32,                                   ts_ms,
                      ts_us_utc,                             qv_type_from_id(QV_TYPE_LARGE_STRING),
                      qv_type_from_id(QV_TYPE_BINARY),       qv_type_from_id(QV_TYPE_BOOL),
                      qv_type_from_id(QV_TYPE_NULL),         qv_type_from_id(QV_TYPE_INT64)};
  const char *names[] = {"i8", "u16", "i32", "u32", "f32", "d64", "t", "ms", "us", "ls", "bin", "b", "n", "i64"};
  const int n_types = (int)(sizeof names / sizeof names[0]);
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.column_type_names = names;
  o.column_types = (const qv_type *const *)types;
  o.n_column_types = n_types;
  /* What a late row puts in one column instead of its usual value. */
  static const struct {
    int col;
    const char *value;
  } misfits[] = {{-1, NULL},      {0, "128"},   {1, "-1"},           {3, "4294967296"},
                 {7, "2020-01-01 00:00:00.0001"}, {8, "2020-01-01 00:00:00"},
                 {6, "12:00:00.5"}, {12, "x"},  {13, "1.5"},         {2, "2147483648"}};
  int64_t typed = 0;
  for (size_t m = 0; m < sizeof misfits / sizeof misfits[0]; m++) {
    rng_state = 77 + m;
    text t = {0};
    for (int c = 0; c < n_types; c++) {
      put_str(&t, c ? "," : "");
      put_str(&t, names[c]);
    }
    put_str(&t, "\n");
    for (int r = 0; r < 300; r++) {
      char cells[14][64];
      const long v = (long)(rnd() % 256) - 128;
      snprintf(cells[0], 64, "%ld", v);
      snprintf(cells[1], 64, "%u", (unsigned)(rnd() % 65536));
      snprintf(cells[2], 64, "%ld", (long)(int32_t)rnd());
      snprintf(cells[3], 64, "%u", (unsigned)(uint32_t)rnd());
      snprintf(cells[4], 64, "%.3f", (double)v / 8);
      snprintf(cells[5], 64, "2020-%02d-%02d", 1 + (int)(rnd() % 12), 1 + (int)(rnd() % 28));
      snprintf(cells[6], 64, "%02d:%02d:%02d", (int)(rnd() % 24), (int)(rnd() % 60), (int)(rnd() % 60));
      snprintf(cells[7], 64, "2020-01-01 00:00:%02d.%03d", (int)(rnd() % 60), (int)(rnd() % 1000));
      snprintf(cells[8], 64, "2020-01-01T00:00:%02d.%06dZ", (int)(rnd() % 60), (int)(rnd() % 1000000));
      snprintf(cells[9], 64, "\"l%d,\"\"x\"\"\nnext\"", r); /* a quoted line break: blocks cut across it */
      snprintf(cells[10], 64, "b%d", r);
      snprintf(cells[11], 64, "%s", rnd() % 2 ? "true" : "0");
      cells[12][0] = '\0';
      snprintf(cells[13], 64, "%lld", (long long)rnd());
      for (int c = 0; c < n_types; c++)
        if (r % 9 == 4 && c != 9 && c != 10) cells[c][0] = '\0'; /* nulls where they are taken */
      if (r == 250 && misfits[m].col >= 0) snprintf(cells[misfits[m].col], 64, "%s", misfits[m].value);
      for (int c = 0; c < n_types; c++) {
        put_str(&t, c ? "," : "");
        put_str(&t, cells[c]);
      }
      put_str(&t, "\n");
    }
    g_base = &o;
    static const int64_t sizes[] = {200, 1000, 5000};
    for (size_t k = 0; k < 3; k++) {
      typed += agree(&t, sizes[k], 2, false);
      assert_int_equal(g_last_status, misfits[m].col >= 0 ? QV_ERR_INVALID_DATA : QV_OK);
    }
    g_base = NULL;
    free(t.p);
  }
  assert_true(typed > 0);
  for (int c = 0; c < n_types; c++) qv_type_release(types[c]);
}

/* ---- the classifiers and counters ---- */

static void test_every_classifier_agrees_with_a_byte_loop(void **state) {
  (void)state;
  static const qv__csv_isa isas[] = {QV__CSV_ISA_SWAR, QV__CSV_ISA_SSE2, QV__CSV_ISA_AVX2, QV__CSV_ISA_BEST};
  static const uint8_t alphabet[] = {',', ';', '\t', '"', '\'', '\n', '\r', 'a', '0', 0x80, 0xff, 0x00, 0x2c ^ 0x80};
  rng_state = 0xC0FFEEULL;
  int tested = 0;
  for (size_t k = 0; k < sizeof isas / sizeof isas[0]; k++) {
    const qv__csv_classify_fn classify = qv__csv_classifier(isas[k]);
    const qv__csv_count_fn count = qv__csv_counter(isas[k]);
    assert_true((classify == NULL) == (count == NULL));
    if (classify == NULL) continue; /* not this machine's (AVX2 without AVX2; x86 paths elsewhere) */
    tested++;
    for (int round = 0; round < 4000; round++) {
      uint8_t w[200];
      for (size_t i = 0; i < sizeof w; i++)
        w[i] = rnd() % 3 ? alphabet[rnd() % sizeof alphabet] : (uint8_t)rnd();
      const uint8_t delim = alphabet[rnd() % 3], quote = rnd() % 2 ? '"' : '\'';
      qv__csv_masks m;
      classify(w, delim, quote, &m);
      for (int i = 0; i < 64; i++) {
        assert_int_equal((m.delim >> i) & 1, w[i] == delim);
        assert_int_equal((m.eol >> i) & 1, w[i] == '\n' || w[i] == '\r');
        assert_int_equal((m.quote >> i) & 1, w[i] == quote);
      }
      const int64_t n = (int64_t)(rnd() % sizeof w);
      int64_t want = 0;
      for (int64_t i = 0; i < n; i++) want += w[i] == '\n' || w[i] == '\r';
      assert_int_equal(count(w, n, '\n', '\r'), want);
      want = 0;
      for (int64_t i = 0; i < n; i++) want += w[i] == quote;
      assert_int_equal(count(w, n, quote, quote), want);
      /* a tail window: nothing past its end is flagged */
      const int64_t tail = n % 64;
      qv__csv_classify_tail(classify, w, tail, delim, quote, &m);
      for (int i = 0; i < 64; i++) {
        assert_int_equal((m.delim >> i) & 1, i < tail && w[i] == delim);
        assert_int_equal((m.quote >> i) & 1, i < tail && w[i] == quote);
      }
    }
  }
  assert_true(tested >= 2); /* SWAR and the best at least */
}

/* ---- values ---- */

static void test_int_parser_matches_strtoll_at_every_length(void **state) {
  (void)state;
  rng_state = 0x1234567ULL;
  char buf[40];
  for (int k = 0; k < 200000; k++) {
    const int digits = 1 + (int)(rnd() % 22);
    int p = rnd() % 3 == 0 ? 1 : 0;
    if (p) buf[0] = '-';
    for (int i = 0; i < digits; i++) buf[p++] = (char)('0' + rnd() % 10);
    if (rnd() % 10 == 0) buf[rnd() % (uint64_t)p] = (char)(rnd() % 2 ? '/' : ':'); /* just outside the digits */
    buf[p] = '\0';
    int64_t got = 0;
    const bool ok = qv__csv_parse_int64(buf, p, &got);
    char *end;
    errno = 0;
    const long long want = strtoll(buf, &end, 10);
    const bool want_ok = errno == 0 && *end == '\0' && end != buf && buf[p - 1] != '-';
    if (ok != want_ok || (ok && got != want))
      fail_msg("'%s': %d %lld, strtoll %d %lld", buf, ok, (long long)got, want_ok, want);
  }
}

static void test_plain_timestamps_match_the_iso_parser(void **state) {
  (void)state;
  rng_state = 0xABCDEFULL;
  char buf[32];
  for (int k = 0; k < 200000; k++) {
    snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d", (int)(rnd() % 10000), (int)(rnd() % 14),
             (int)(rnd() % 33), rnd() % 2 ? ' ' : 'T', (int)(rnd() % 26), (int)(rnd() % 62), (int)(rnd() % 62));
    if (rnd() % 8 == 0) buf[rnd() % 19] = "0-: T/9x:\xff\xfa\x8f\x2d"[rnd() % 13]; /* bytes next to the digits' and separators' */
    qv__csv_timestamp got = {0, 0, false, false}, want = {0, 0, false, false};
    const bool ok = qv__csv_parse_timestamp(buf, 19, &got);
    const bool want_ok = qv__iso_parse_timestamp(buf, 19, &want);
    assert_int_equal(ok, want_ok);
    if (ok) {
      assert_true(got.seconds == want.seconds);
      assert_int_equal(got.nanos, want.nanos);
      assert_int_equal(got.has_zone, want.has_zone);
      assert_int_equal(got.has_fraction, want.has_fraction);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_tables_read_the_same_with_and_without_the_fast_path),
      cmocka_unit_test(test_blocks_the_fast_path_gives_up),
      cmocka_unit_test(test_given_types_read_the_same_with_and_without_the_fast_path),
      cmocka_unit_test(test_every_classifier_agrees_with_a_byte_loop),
      cmocka_unit_test(test_int_parser_matches_strtoll_at_every_length),
      cmocka_unit_test(test_plain_timestamps_match_the_iso_parser),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
