/* CSV writer, every writable type at once: a table of 40,000 rows with a
 * column of each type (random values and random nulls, strings with
 * quotes, delimiters, CR, LF, BOMs and empty values, arrays that are
 * themselves slices, the rows cut into uneven batches) is written
 *   - by one thread and by 2, 3 and 8 threads, to memory and to a path: the
 *     texts are equal byte for byte;
 *   - equal to an independent oracle built here cell by cell from print/'s
 *     leaf formatter and the quoting rule, which is how the writer formatted
 *     every cell before its row formatter had typed fast paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/checked_access.h"
#include "print/internal.h"
#include "quiver/csv.h"
#include "quiver/table.h"
#include "support/hand.h"

enum { ROWS = 40000, OFFSET = 3, N_COLS = 38 };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void) { /* xorshift64*: reproducible, no libc state */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

/* A validity bitmap for OFFSET + ROWS slots with about one null in eight. */
static qv_buffer *random_validity(void) {
  uint8_t bits[(ROWS + OFFSET + 7) / 8];
  for (size_t k = 0; k < sizeof bits; k++) bits[k] = (uint8_t)(next_random() | next_random() | next_random());
  return hand_buf(bits, sizeof bits);
}

/* Values chosen so that most are in the type's everyday range (so the day
 * cache, leading zeros and fractions are exercised) and some are any bits
 * at all (out-of-range dates, NaN payloads, huge decimals). */
static int64_t temporal_value(int64_t per_day, int64_t k) {
  const uint64_t r = next_random();
  if (r % 8 == 0) return (int64_t)next_random();
  if (r % 8 == 1) { /* before 1970, up to some 2000 years */
    const uint64_t span = per_day <= INT64_MAX / 800000 ? (uint64_t)per_day * 800000 : (uint64_t)INT64_MAX;
    return -(int64_t)(next_random() % span);
  }
  /* runs of rows on one day, then a jump */
  return (k / 5) * per_day + (int64_t)(r % (uint64_t)per_day);
}

static qv_array *fixed_column(qv_type *t, int width, int64_t per_day, int64_t time_limit) {
  const int64_t n = ROWS + OFFSET;
  uint8_t *v = malloc((size_t)(n * (width ? width : 1))); /* width 0: a bitmap (bool) */
  assert_non_null(v);
  if (width == 0)
    for (int64_t k = 0; k < n; k++) v[k] = (uint8_t)next_random();
  for (int64_t k = 0; k < n && width > 0; k++) {
    int64_t x = (int64_t)next_random();
    if (per_day > 0) x = temporal_value(per_day, k);
    if (time_limit > 0 && next_random() % 16 != 0) x = (int64_t)(next_random() % (uint64_t)time_limit);
    if (width <= 8) {
      memcpy(v + k * width, &x, (size_t)width); /* the low bytes */
    } else {
      for (int b = 0; b < width; b += 8) {
        const uint64_t w = b == 0 ? (uint64_t)x : (next_random() % 4 == 0 ? next_random() : 0);
        memcpy(v + k * width + b, &w, 8);
      }
    }
  }
  qv_array *a = hand_array(t, ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN, 2,
                           BUFS(random_validity(), hand_buf(v, width ? n * width : (n + 7) / 8)), 0, NULL, NULL);
  free(v);
  return a;
}

static const char *const k_pieces[] = {"", "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rx", "\xEF\xBB\xBF" "bom",
                                       "\"", ",", "\n", "caf\xC3\xA9", " sp ", "a long text value, with a comma",
                                       "0123456789ab", "0123456789abc",
                                       "sixteen bytes ok", "a plain value well past sixteen and thirty-two bytes",
                                       "late specials: abcdefghijklmnopq\"r", "abcdefghijklmnopqrstuvwxyz0123,",
                                       "abcdefghijklmnopqrstuvwxyz0123456789\n"};

/* string (large = false) or large_string (large = true) values. */
static qv_array *string_column(bool large) {
  const int64_t n = ROWS + OFFSET;
  int64_t *offs = malloc(sizeof(int64_t) * (size_t)(n + 1));
  char *chars = malloc((size_t)n * 64);
  assert_non_null(offs);
  assert_non_null(chars);
  offs[0] = 0;
  for (int64_t k = 0; k < n; k++) {
    const char *s = k_pieces[next_random() % (sizeof k_pieces / sizeof *k_pieces)];
    const size_t len = strlen(s);
    memcpy(chars + offs[k], s, len);
    offs[k + 1] = offs[k] + (int64_t)len;
  }
  qv_buffer *ob;
  if (large) {
    ob = hand_buf(offs, (n + 1) * 8);
  } else {
    int32_t *o32 = malloc(sizeof(int32_t) * (size_t)(n + 1));
    assert_non_null(o32);
    for (int64_t k = 0; k <= n; k++) o32[k] = (int32_t)offs[k];
    ob = hand_buf(o32, (n + 1) * 4);
    free(o32);
  }
  qv_array *a = hand_array(large ? qv_type_large_string() : qv_type_string(), ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN, 3,
                           BUFS(random_validity(), ob, hand_buf(chars, offs[n])), 0, NULL, NULL);
  free(offs);
  free(chars);
  return a;
}

/* string_view values, all inline (at most 12 bytes). */
static qv_array *view_column(void) {
  const int64_t n = ROWS + OFFSET;
  uint8_t *views = calloc((size_t)n, QV_VIEW_SIZE);
  assert_non_null(views);
  for (int64_t k = 0; k < n; k++) {
    const char *s = k_pieces[next_random() % (sizeof k_pieces / sizeof *k_pieces)];
    int32_t len = (int32_t)strlen(s);
    if (len > QV_VIEW_INLINE_MAX) len = QV_VIEW_INLINE_MAX;
    memcpy(views + k * QV_VIEW_SIZE, &len, 4);
    memcpy(views + k * QV_VIEW_SIZE + 4, s, (size_t)len);
  }
  qv_array *a = hand_array(qv_type_string_view(), ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN, 2,
                           BUFS(random_validity(), hand_buf(views, n * QV_VIEW_SIZE)), 0, NULL, NULL);
  free(views);
  return a;
}

static qv_type *unit_type(qv_status (*make)(qv_time_unit, qv_type **, qv_error *), qv_time_unit u) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(make(u, &t, &e), &e, "type");
  return t;
}

static qv_table *every_type_table(void) {
  const int64_t day_s = 86400;
  const qv_time_unit units[4] = {QV_UNIT_SECOND, QV_UNIT_MILLI, QV_UNIT_MICRO, QV_UNIT_NANO};
  const int64_t per[4] = {1, 1000, 1000000, 1000000000};
  qv_array *cols[N_COLS];
  const char *names[N_COLS];
  int c = 0;
#define COL(name, expr) (names[c] = (name), cols[c++] = (expr))
  COL("bool", fixed_column(qv_type_bool(), 0, 0, 0));
  COL("i8", fixed_column(qv_type_int8(), 1, 0, 0));
  COL("i16", fixed_column(qv_type_int16(), 2, 0, 0));
  COL("i32", fixed_column(qv_type_int32(), 4, 0, 0));
  COL("i64", fixed_column(qv_type_int64(), 8, 0, 0));
  COL("u8", fixed_column(qv_type_uint8(), 1, 0, 0));
  COL("u16", fixed_column(qv_type_uint16(), 2, 0, 0));
  COL("u32", fixed_column(qv_type_uint32(), 4, 0, 0));
  COL("u64", fixed_column(qv_type_uint64(), 8, 0, 0));
  COL("f16", fixed_column(qv_type_float16(), 2, 0, 0));
  COL("f32", fixed_column(qv_type_float32(), 4, 0, 0));
  COL("f64", fixed_column(qv_type_float64(), 8, 0, 0));
  COL("dec32", fixed_column(hand_decimal(32, 9, 2), 4, 0, 0));
  COL("dec64", fixed_column(hand_decimal(64, 18, -3), 8, 0, 0));
  COL("dec128", fixed_column(hand_decimal(128, 38, 10), 16, 0, 0));
  COL("dec256", fixed_column(hand_decimal(256, 76, 0), 32, 0, 0));
  COL("date32", fixed_column(qv_type_date32(), 4, 1, 0));
  COL("date64", fixed_column(qv_type_date64(), 8, day_s * 1000, 0));
  COL("time32s", fixed_column(hand_time(32, QV_UNIT_SECOND), 4, 0, day_s));
  COL("time32ms", fixed_column(hand_time(32, QV_UNIT_MILLI), 4, 0, day_s * 1000));
  COL("time64us", fixed_column(hand_time(64, QV_UNIT_MICRO), 8, 0, day_s * 1000000));
  COL("time64ns", fixed_column(hand_time(64, QV_UNIT_NANO), 8, 0, day_s * 1000000000));
  for (int u = 0; u < 4; u++) {
    static const char *const ts_names[4] = {"ts_s", "ts_ms", "ts_us", "ts_ns"};
    static const char *const tz_names[4] = {"tsz_s", "tsz_ms", "tsz_us", "tsz_ns"};
    static const char *const dur_names[4] = {"dur_s", "dur_ms", "dur_us", "dur_ns"};
    COL(ts_names[u], fixed_column(hand_ts(units[u], NULL), 8, day_s * per[u], 0));
    COL(tz_names[u], fixed_column(hand_ts(units[u], "UTC"), 8, day_s * per[u], 0));
    COL(dur_names[u], fixed_column(unit_type(qv_type_duration, units[u]), 8, 0, 0));
  }
  COL("string", string_column(false));
  COL("large,string", string_column(true));
  COL("view", view_column());
  qv_array *nul = NULL;
  hand_check(qv_array_new_null(qv_type_null(), ROWS, &nul, NULL), NULL, "null");
  COL("null", nul);
#undef COL
  assert_int_equal(c, N_COLS);
  qv_table *one = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, cols, N_COLS, &one, &e), &e, "table");
  for (int k = 0; k < N_COLS; k++) qv_array_release(cols[k]);
  /* uneven batches: 7 rows, a piece and a bit, 1 row, an empty batch, the rest */
  const int64_t cuts[6] = {0, 7, 20007, 20008, 20008, ROWS};
  qv_table *parts[5];
  for (int k = 0; k < 5; k++)
    assert_int_equal(qv_table_slice(one, cuts[k], cuts[k + 1] - cuts[k], &parts[k], NULL), QV_OK);
  qv_table *t = NULL;
  assert_int_equal(qv_table_concat(parts, 5, &t, NULL), QV_OK);
  for (int k = 0; k < 5; k++) qv_table_release(parts[k]);
  qv_table_release(one);
  return t;
}

/* ---- the oracle: cell by cell through print/ ---- */

static void oracle_field(qv_strbuf *sb, const char *s, int64_t n) {
  bool quote = n == 0 || (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0);
  for (int64_t k = 0; k < n && !quote; k++) quote = s[k] == ',' || s[k] == '"' || s[k] == '\n' || s[k] == '\r';
  if (!quote) {
    qv__strbuf_append_n(sb, s, (size_t)n);
    return;
  }
  qv__strbuf_appendc(sb, '"');
  for (int64_t k = 0; k < n; k++) {
    qv__strbuf_appendc(sb, s[k]);
    if (s[k] == '"') qv__strbuf_appendc(sb, '"');
  }
  qv__strbuf_appendc(sb, '"');
}

static char *oracle_text(const qv_table *t) {
  static const qv_print_options k_print = QV_PRINT_OPTIONS_DEFAULT;
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  for (int32_t c = 0; c < t->schema->n_fields; c++) {
    if (c > 0) qv__strbuf_appendc(&sb, ',');
    oracle_field(&sb, t->schema->fields[c]->name, (int64_t)strlen(t->schema->fields[c]->name));
  }
  qv__strbuf_appendc(&sb, '\n');
  for (int64_t b = 0; b < t->n_batches; b++) {
    const qv_batch *batch = t->batches[b];
    for (int64_t i = 0; i < batch->length; i++) {
      for (int32_t c = 0; c < batch->n_columns; c++) {
        if (c > 0) qv__strbuf_appendc(&sb, ',');
        const qv_array *a = batch->columns[c];
        const qv_type_id id = qv_type_storage(a->type)->id;
        if (id == QV_TYPE_NULL || !qv__bit_valid(a, i)) continue;
        if (id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW) {
          const uint8_t *p;
          int64_t n;
          assert_true(qv__bytes_slot(a, i, &p, &n));
          oracle_field(&sb, (const char *)p, n);
        } else {
          assert_true(qv__print_leaf(&sb, a, i, &k_print));
        }
      }
      qv__strbuf_appendc(&sb, '\n');
    }
  }
  char *text = qv__strbuf_take(&sb);
  assert_non_null(text);
  return text;
}

static char *write_memory(const qv_table *t, int32_t threads) {
  qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
  o.n_threads = threads;
  char *text = NULL;
  size_t size = 0;
  qv_error e;
  hand_check(qv_csv_write_table_memory(t, &o, &text, &size, &e), &e, "write to memory");
  assert_int_equal(strlen(text), size);
  return text;
}

static char *write_path(const qv_table *t, int32_t threads) {
  char path[] = "/tmp/qv_csv_every_type_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
  o.n_threads = threads;
  qv_error e;
  hand_check(qv_csv_write_table_path(path, t, &o, &e), &e, "write to a path");
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  unlink(path);
  return text;
}

static void test_every_type_any_thread_count_same_bytes(void **state) {
  (void)state;
  qv_table *t = every_type_table();
  char *want = oracle_text(t);
  char *one = write_memory(t, 1);
  assert_int_equal(strlen(one), strlen(want));
  assert_memory_equal(one, want, strlen(want));
  const int32_t counts[3] = {2, 3, 8};
  for (int k = 0; k < 3; k++) {
    char *got = write_memory(t, counts[k]);
    assert_int_equal(strlen(got), strlen(want));
    assert_memory_equal(got, want, strlen(want));
    free(got);
  }
  for (int32_t threads = 1; threads <= 2; threads++) {
    char *got = write_path(t, threads);
    assert_int_equal(strlen(got), strlen(want));
    assert_memory_equal(got, want, strlen(want));
    free(got);
  }
  free(one);
  free(want);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_type_any_thread_count_same_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
