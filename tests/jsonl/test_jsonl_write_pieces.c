/* JSON Lines writer, many pieces on every core: a table of 40,000 rows
 * (integers, floats of any bits including NaN and infinities, booleans,
 * dates, zoned timestamps, strings and large strings with quotes,
 * backslashes and control bytes at every position, a list and a struct
 * column, the null type; random nulls; arrays that are slices; uneven
 * batches) written to memory and to a path gives, byte for byte, the text
 * of an oracle built here row by row from the recursive value writer
 * (qv__jsonl_write_value), which is how every row was written before the
 * row formatter had typed fast paths. */
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
#include "jsonl/write_internal.h"
#include "quiver/jsonl.h"
#include "quiver/table.h"
#include "support/hand.h"

enum { ROWS = 40000, OFFSET = 3, N_COLS = 10 };

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t next_random(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static qv_buffer *random_validity(int64_t n) {
  uint8_t *bits = malloc((size_t)(n + 7) / 8);
  assert_non_null(bits);
  for (int64_t k = 0; k < (n + 7) / 8; k++) bits[k] = (uint8_t)(next_random() | next_random() | next_random());
  qv_buffer *b = hand_buf(bits, (n + 7) / 8);
  free(bits);
  return b;
}

/* width-byte values: random bits, or (when `modulus` > 0) small values so
 * that dates and timestamps look like data */
static qv_array *fixed_column(qv_type *t, int width, uint64_t modulus) {
  const int64_t n = ROWS + OFFSET;
  const int64_t bytes = width ? n * width : (n + 7) / 8;
  uint8_t *v = malloc((size_t)bytes);
  assert_non_null(v);
  for (int64_t k = 0; k < bytes; k += 8) {
    uint64_t x = next_random();
    if (modulus > 0 && width == 8) x = x % modulus;
    if (modulus > 0 && width == 4) x = (uint32_t)(x % modulus);
    memcpy(v + k, &x, (size_t)(bytes - k < 8 ? bytes - k : 8));
    if (modulus > 0 && width == 4 && k + 4 < bytes) { /* two values per word */
      const uint32_t y = (uint32_t)(next_random() % modulus);
      memcpy(v + k + 4, &y, 4);
    }
  }
  qv_array *a = hand_array(t, ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN, 2, BUFS(random_validity(n), hand_buf(v, bytes)), 0,
                           NULL, NULL);
  free(v);
  return a;
}

static const char *const k_pieces[] = {"", "plain", "say \"hi\"", "back\\slash", "tab\there", "nl\nx", "cr\rx",
                                       "\x01\x02\x1f", "caf\xC3\xA9 \xE2\x82\xAC", "sixteen bytes ok",
                                       "a value well past sixteen bytes with a \"quote\" late",
                                       "abcdefghijklmnopqrstuvwxyz0123456789\x7f\x1b"};

static qv_array *string_column(bool large) {
  const int64_t n = ROWS + OFFSET;
  int64_t *offs = malloc(sizeof(int64_t) * (size_t)(n + 1));
  char *chars = malloc((size_t)n * 64);
  assert_non_null(offs);
  assert_non_null(chars);
  offs[0] = 0;
  for (int64_t k = 0; k < n; k++) {
    const char *s = k_pieces[next_random() % (sizeof k_pieces / sizeof *k_pieces)];
    memcpy(chars + offs[k], s, strlen(s));
    offs[k + 1] = offs[k] + (int64_t)strlen(s);
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
  qv_array *a = hand_array(large ? qv_type_large_string() : qv_type_string(), ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN,
                           3, BUFS(random_validity(n), ob, hand_buf(chars, offs[n])), 0, NULL, NULL);
  free(offs);
  free(chars);
  return a;
}

/* list<int64>: 0..3 items per slot */
static qv_array *list_column(void) {
  const int64_t n = ROWS + OFFSET;
  int32_t *offs = malloc(sizeof(int32_t) * (size_t)(n + 1));
  assert_non_null(offs);
  offs[0] = 0;
  for (int64_t k = 0; k < n; k++) offs[k + 1] = offs[k] + (int32_t)(next_random() % 4);
  const int64_t items = offs[n];
  int64_t *iv = malloc(sizeof(int64_t) * (size_t)(items ? items : 1));
  assert_non_null(iv);
  for (int64_t k = 0; k < items; k++) iv[k] = (int64_t)next_random() >> (next_random() % 64);
  qv_array *child = hand_array(qv_type_int64(), items, 0, 0, 2, BUFS(NULL, hand_buf(iv, items * 8)), 0, NULL, NULL);
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_list_of(QV_TYPE_LIST, qv_type_int64(), &t, &e), &e, "list type");
  qv_array *a = hand_array(t, ROWS, OFFSET, QV_NULL_COUNT_UNKNOWN, 2,
                           BUFS(random_validity(n), hand_buf(offs, (n + 1) * 4)), 1, KIDS(child), NULL);
  free(offs);
  free(iv);
  return a;
}

/* struct<a: int32, "we\"ird": string> */
static qv_array *struct_column(void) {
  const int64_t n = ROWS + OFFSET;
  /* the children are themselves slices (at OFFSET) */
  qv_array *kids[2] = {fixed_column(qv_type_int32(), 4, 0), string_column(false)};
  qv_type *t = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("we\"ird", qv_type_string())));
  qv_array *s = hand_array(t, ROWS, 0, QV_NULL_COUNT_UNKNOWN, 1, BUFS(random_validity(n)), 2, kids, NULL);
  return s;
}

static qv_table *pieces_table(void) {
  qv_array *cols[N_COLS];
  const char *names[N_COLS] = {"i64", "f64", "f32", "bool", "date", "ts", "s", "ls\n\"q\"", "list", "st"};
  cols[0] = fixed_column(qv_type_int64(), 8, 0);
  cols[1] = fixed_column(qv_type_float64(), 8, 0);
  cols[2] = fixed_column(qv_type_float32(), 4, 0);
  cols[3] = fixed_column(qv_type_bool(), 0, 0);
  cols[4] = fixed_column(qv_type_date32(), 4, 40000);
  cols[5] = fixed_column(hand_ts(QV_UNIT_MICRO, "UTC"), 8, UINT64_C(3000000000000000));
  cols[6] = string_column(false);
  cols[7] = string_column(true);
  cols[8] = list_column();
  cols[9] = struct_column();
  qv_table *one = NULL;
  qv_error e;
  hand_check(qv_table_from_arrays(names, cols, N_COLS, &one, &e), &e, "table");
  for (int k = 0; k < N_COLS; k++) qv_array_release(cols[k]);
  const int64_t cuts[6] = {0, 5, 16390, 16391, 16391, ROWS};
  qv_table *parts[5];
  for (int k = 0; k < 5; k++)
    assert_int_equal(qv_table_slice(one, cuts[k], cuts[k + 1] - cuts[k], &parts[k], NULL), QV_OK);
  qv_table *t = NULL;
  assert_int_equal(qv_table_concat(parts, 5, &t, NULL), QV_OK);
  for (int k = 0; k < 5; k++) qv_table_release(parts[k]);
  qv_table_release(one);
  return t;
}

/* JSON string escaping written out here, independent of the writer's. */
static void oracle_escape(qv_strbuf *sb, const uint8_t *s, int64_t n) {
  qv__strbuf_appendc(sb, '"');
  for (int64_t k = 0; k < n; k++) {
    const uint8_t c = s[k];
    if (c == '"') qv__strbuf_append(sb, "\\\"");
    else if (c == '\\') qv__strbuf_append(sb, "\\\\");
    else if (c == '\n') qv__strbuf_append(sb, "\\n");
    else if (c == '\r') qv__strbuf_append(sb, "\\r");
    else if (c == '\t') qv__strbuf_append(sb, "\\t");
    else if (c < 0x20) qv__strbuf_appendf(sb, "\\u%04x", c);
    else qv__strbuf_appendc(sb, (char)c);
  }
  qv__strbuf_appendc(sb, '"');
}

static char *oracle_text(const qv_table *t) {
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  int64_t row_base = 0;
  for (int64_t b = 0; b < t->n_batches; b++) {
    const qv_batch *batch = t->batches[b];
    for (int64_t i = 0; i < batch->length; i++) {
      qv__strbuf_appendc(&sb, '{');
      for (int32_t c = 0; c < batch->n_columns; c++) {
        if (c > 0) qv__strbuf_appendc(&sb, ',');
        const char *name = t->schema->fields[c]->name;
        oracle_escape(&sb, (const uint8_t *)name, (int64_t)strlen(name));
        qv__strbuf_appendc(&sb, ':');
        const qv_array *a = batch->columns[c];
        const qv_type_id id = a->type->id;
        if ((id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING) && qv__bit_valid(a, i)) {
          const uint8_t *p;
          int64_t len;
          assert_true(qv__bytes_slot(a, i, &p, &len));
          oracle_escape(&sb, p, len);
          continue;
        }
        qv_error e;
        hand_check(qv__jsonl_write_value(&sb, a, i, name, row_base + i, &e), &e, "oracle value");
      }
      qv__strbuf_append(&sb, "}\n");
    }
    row_base += batch->length;
  }
  char *text = qv__strbuf_take(&sb);
  assert_non_null(text);
  return text;
}

static void test_pieces_on_every_core_match_the_oracle(void **state) {
  (void)state;
  qv_table *t = pieces_table();
  char *want = oracle_text(t);
  char *got = NULL;
  size_t size = 0;
  qv_error e;
  hand_check(qv_jsonl_write_table_memory(t, &got, &size, &e), &e, "write to memory");
  assert_int_equal(size, strlen(want));
  assert_memory_equal(got, want, size);
  free(got);
  char path[] = "/tmp/qv_jsonl_pieces_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  hand_check(qv_jsonl_write_table_path(path, t, &e), &e, "write to a path");
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *text = malloc(strlen(want) + 2);
  assert_non_null(text);
  const size_t n = fread(text, 1, strlen(want) + 1, f);
  fclose(f);
  unlink(path);
  assert_int_equal(n, strlen(want));
  assert_memory_equal(text, want, n);
  free(text);
  free(want);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pieces_on_every_core_match_the_oracle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
