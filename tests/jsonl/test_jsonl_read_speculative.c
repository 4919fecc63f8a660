/* JSON Lines reader, the faster reading (src/jsonl/read.c): pass 1 over the
 * first rows only (at least 64 KiB, at most 1 MiB), pass 2 speculating on
 * those shapes, on one part or (1 MiB and more) on two. Each test puts a
 * row the prefix's shapes do not describe (a promotion, a new member, a
 * nested change, an error) on both sides of each boundary (the prefix, the
 * cut between the parts, the last row) and holds the result, or the error
 * and its message, to the reference reading (pass 1 over every row, then
 * pass 2, on one core). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "jsonl/internal.h"
#include "jsonl/jsonl_test_util.h"
#include "quiver/compare.h"

#define KIB ((size_t)1 << 10)

/* A usual row: every kind, nesting, escapes, unicode. */
static int usual_row(char *buf, size_t cap, int64_t r) {
  return snprintf(buf, cap,
                  "{\"i\":%lld,\"f\":%lld.25,\"b\":%s,\"s\":\"row \\\"%lld\\\" caf\\u00e9 \xc3\xa9\\n\",\"n\":null,"
                  "\"t\":\"2024-01-%02d 12:00:00\",\"l\":[%lld,2],\"e\":[],\"o\":{\"x\":%lld,\"in\":{\"d\":[true]}}}\n",
                  (long long)r, (long long)r, r % 2 ? "true" : "false", (long long)r, (int)(r % 28) + 1, (long long)r,
                  (long long)r);
}

/* A text of at least `size` bytes of usual rows where the first row that
 * starts at or past each offset in at[0, n_at) is `odd` instead. */
static char *make_text(size_t size, const size_t *at, int n_at, const char *odd, size_t *len) {
  const size_t odd_len = strlen(odd);
  size_t cap = size + (size_t)n_at * (odd_len + 2) + 4 * KIB, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  int next = 0;
  for (int64_t r = 0; n < size; r++) {
    if (next < n_at && n >= at[next]) {
      memcpy(text + n, odd, odd_len);
      n += odd_len;
      text[n++] = '\n';
      while (next < n_at && n > at[next]) next++;
      continue;
    }
    n += (size_t)usual_row(text + n, cap - n, r);
    assert_true(n < cap);
  }
  *len = n;
  return text;
}

/* The faster reading of text[0, n) gives what the reference reading gives:
 * the same table (validated in full) or the same status and message. */
static void expect_reference(const char *text, size_t n) {
  qv_table *fast = NULL, *ref = NULL;
  qv_error fast_err, ref_err;
  memset(&fast_err, 0, sizeof fast_err);
  memset(&ref_err, 0, sizeof ref_err);
  const qv_status fast_st = qv_jsonl_read_memory(text, n, NULL, &fast, &fast_err);
  const qv_status ref_st = qv__jsonl_read_reference(text, n, NULL, &ref, &ref_err);
  if (fast_st != ref_st || (ref_st != QV_OK && strcmp(fast_err.message, ref_err.message) != 0))
    print_message("fast: %s %s\nreference: %s %s\n", qv_status_name(fast_st), fast_st ? fast_err.message : "",
                  qv_status_name(ref_st), ref_st ? ref_err.message : "");
  assert_int_equal(fast_st, ref_st);
  if (ref_st != QV_OK) {
    assert_null(fast);
    assert_string_equal(fast_err.message, ref_err.message);
    return;
  }
  tt_expect_read(fast_st, fast, &fast_err);
  assert_int_equal(fast->n_rows, ref->n_rows);
  assert_true(qv_table_equals(fast, ref));
  qv_table_release(fast);
  /* ...and without falling back to the reference reading. */
  fast = NULL;
  const qv_status alone_st = qv__jsonl_read_fast(text, n, NULL, NULL, &fast, &fast_err);
  if (alone_st != QV_OK) print_message("the faster reading alone failed: %s\n", fast_err.message);
  assert_int_equal(alone_st, QV_OK);
  assert_true(qv_table_equals(fast, ref));
  qv_table_release(fast);
  qv_table_release(ref);
}

/* The odd row placed at each boundary of a text of `size` bytes, one
 * placement at a time and all at once. */
static void at_every_boundary(size_t size, const char *odd) {
  const size_t prefix = size / 32 < 64 * KIB ? 64 * KIB : size / 32 > 1024 * KIB ? 1024 * KIB : size / 32;
  const size_t spots[] = {0, prefix - 300, prefix, prefix + 1, size / 2 - 200, size / 2 + 1, size - 300};
  const int n_spots = (int)(sizeof spots / sizeof spots[0]);
  for (int k = 0; k < n_spots; k++) {
    if (spots[k] >= size) continue;
    size_t n;
    char *text = make_text(size, &spots[k], 1, odd, &n);
    expect_reference(text, n);
    free(text);
  }
  size_t n;
  char *text = make_text(size, spots, n_spots, odd, &n);
  expect_reference(text, n);
  free(text);
}

/* A one-part text past the prefix; with `two_parts`, also a two-part
 * text (past 1 MiB; slow under the sanitizers, so for some cases only:
 * test_every_prefix_and_cut_of_a_short_text cuts short texts everywhere). */
static void at_every_size(const char *odd, bool two_parts) {
  at_every_boundary(200 * KIB, odd);
  if (two_parts) at_every_boundary(1200 * KIB, odd);
}

static void test_usual_rows_fit_the_prefix(void **state) {
  (void)state;
  size_t none = SIZE_MAX, n;
  const size_t sizes[] = {10 * KIB, 64 * KIB, 65 * KIB, 200 * KIB, 1023 * KIB, 1025 * KIB, 1200 * KIB};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    char *text = make_text(sizes[k], &none, 1, "", &n);
    expect_reference(text, n);
    free(text);
  }
}

static void test_promotions_after_the_prefix(void **state) {
  (void)state;
  at_every_size("{\"i\":0.5}", true);                     /* int -> float */
  at_every_size("{\"i\":18446744073709551616}", false);    /* past int64 -> float */
  at_every_size("{\"n\":\"now a string \\ud83d\\ude00\"}", false); /* null -> string */
  at_every_size("{\"t\":\"2024-01-01T12:00:00.5\"}", false);   /* timestamp -> string (a fraction) */
  at_every_size("{\"t\":\"2024-01-01T12:00:00.000\"}", false); /* the same, though the fraction is 0 */
  at_every_size("{\"t\":\"2024-01-01\"}", false);              /* a date: still a timestamp */
  at_every_size("{\"e\":[[1,2],[3.5]]}", false);           /* empty lists -> items */
  at_every_size("{\"f\":7}", false);                       /* an int in a float column: no change */
}

static void test_new_members_after_the_prefix(void **state) {
  (void)state;
  at_every_size("{\"z\":{\"deep\":[{\"k\":1}]}}", true);            /* a new column, nested */
  at_every_size("{\"o\":{\"x\":1,\"y\":\"new\",\"in\":{}}}", false);  /* a new member inside a struct */
  at_every_size("{\"\\u00e9t\\u00e9\":true,\"o\":{\"in\":{\"d\":[],\"q\":null}}}", false); /* escaped names, deeper */
}

static void test_long_string_across_the_boundaries(void **state) {
  (void)state;
  const size_t len = 100 * KIB;
  char *odd = malloc(len + len / 500 + 128);
  assert_non_null(odd);
  size_t n = (size_t)snprintf(odd, 64, "{\"s\":\"");
  for (size_t k = 0; k < len; k++) {
    if (k % 1000 == 999) {
      odd[n++] = '\\';
      odd[n++] = 'n';
    } else {
      odd[n++] = (char)('a' + k % 26);
    }
  }
  snprintf(odd + n, 64, "\",\"big\":\"\\u20ac\"}");
  at_every_size(odd, true);
  free(odd);
}

static void test_errors_after_the_prefix_match_the_reference(void **state) {
  (void)state;
  at_every_size("{\"i\":\"x\"}", true);          /* kind conflict */
  at_every_size("{\"o\":[1]}", false);            /* object column meets an array */
  at_every_size("{\"i\":1,\"i\":2}", false);      /* duplicate member */
  at_every_size("{\"i\":1,", false);              /* unclosed object (the next row is read as a name) */
  at_every_size("{\"s\":\"unterminated}", false); /* unclosed string */
  at_every_size("{\"s\":\"\xff\"}", false);       /* invalid UTF-8 */
  at_every_size("{\"s\":\"\\ud800\"}", false);    /* lone surrogate */
  at_every_size("{\"i\":01}", false);             /* leading zero */
  at_every_size("[1]", false);                    /* a row that is not an object */
}

static void test_depth_limit_after_the_prefix(void **state) {
  (void)state;
  char odd[300];
  size_t n = (size_t)snprintf(odd, sizeof odd, "{\"d\":");
  for (int k = 0; k < 70; k++) odd[n++] = '[';
  for (int k = 0; k < 70; k++) odd[n++] = ']';
  snprintf(odd + n, sizeof odd - n, "}");
  at_every_boundary(200 * KIB, odd);
}

/* Small sizes for the faster reading, so every prefix length and every
 * cut of a short text is tried: the result is the reference reading's
 * whenever it reads (a cut inside a row may make it fail: the public
 * reader then reads the reference way). */
static void test_every_prefix_and_cut_of_a_short_text(void **state) {
  (void)state;
  static const char *texts[] = {
      "{\"a\":1,\"o\":{\"x\":[1]}}\n{\"a\":2.5,\"o\":{\"x\":[],\"y\":\"\\u00e9\"}}\n{\"b\":true}\n{\"a\":null,\"o\":null}\n",
      "{\"t\":\"2024-01-01\"}\n{\"t\":\"2024-01-01 10:00:00\"}\n{\"t\":\"2024-01-01T10:00:00.000\"}\n{\"n\":null}\n",
      "{\"e\":[]}\n{\"e\":[[]]}\n{\"e\":[[1,2.5]]}\n{\"e\":[null,[null]],\"z\":{}}\n{\"z\":{\"q\":1}}\n",
      "{\"a\":1}\n{\"a\":\"x\"}\n",
      "{\"a\":1}\n{\"a\":1,\"a\":2}\n",
      "{\"a\":\n1}\n{\"a\":2}\n",
  };
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    const size_t n = strlen(texts[k]);
    qv_table *ref = NULL;
    qv_error ref_err;
    const qv_status ref_st = qv__jsonl_read_reference(texts[k], n, NULL, &ref, &ref_err);
    int fast_reads = 0;
    for (size_t prefix = 0; prefix <= n; prefix++) {
      for (size_t parallel = 1; parallel <= n + 1; parallel += 3) {
        const qv__jsonl_fast_sizes sizes = {prefix, parallel};
        qv_table *fast = NULL;
        qv_error err;
        const qv_status st = qv__jsonl_read_fast(texts[k], n, NULL, &sizes, &fast, &err);
        if (ref_st != QV_OK) {
          assert_int_not_equal(st, QV_OK);
          continue;
        }
        if (st != QV_OK) continue;
        tt_expect_read(st, fast, &err);
        if (!qv_table_equals(fast, ref)) print_message("text %zu, prefix %zu, parallel %zu differs\n", k, prefix, parallel);
        assert_true(qv_table_equals(fast, ref));
        qv_table_release(fast);
        fast_reads++;
      }
    }
    if (ref_st == QV_OK) assert_true(fast_reads > 0);
    qv_table_release(ref);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_usual_rows_fit_the_prefix),
      cmocka_unit_test(test_promotions_after_the_prefix),
      cmocka_unit_test(test_new_members_after_the_prefix),
      cmocka_unit_test(test_long_string_across_the_boundaries),
      cmocka_unit_test(test_errors_after_the_prefix_match_the_reference),
      cmocka_unit_test(test_depth_limit_after_the_prefix),
      cmocka_unit_test(test_every_prefix_and_cut_of_a_short_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
