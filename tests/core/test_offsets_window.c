/* qv__offsets_window_ok (src/core/checked_access.c) against a plain
 * row-by-row reference: for windows of every length up to 40 and every
 * start up to 5, a single offset stepping back at each position (in the
 * four-at-once part and in the tail), a negative first offset and a last
 * one past the limit; 32- and 64-bit offsets. The verdict, the bad row and
 * the offset found must match the reference. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/checked_access.h"

#define MAX_ROWS 48

/* The rule, row by row: first >= 0 and <= limit, then each offset >= the
 * one before and <= limit. */
static bool reference(const int64_t *o, int64_t start, int64_t len, int64_t limit, int64_t *bad_row,
                      int64_t *found) {
  int64_t prev = o[start];
  if (prev < 0 || prev > limit) {
    *bad_row = 0;
    *found = prev;
    return false;
  }
  for (int64_t i = 1; i <= len; i++) {
    const int64_t v = o[start + i];
    if (v < prev || v > limit) {
      *bad_row = i - 1;
      *found = v;
      return false;
    }
    prev = v;
  }
  return true;
}

static void check_one(const int64_t *o, int n, int64_t start, int64_t len, int64_t limit) {
  int32_t narrow[MAX_ROWS + 1];
  for (int i = 0; i < n; i++) narrow[i] = (int32_t)o[i];
  int64_t want_row = -1, want_found = -1;
  const bool want = reference(o, start, len, limit, &want_row, &want_found);
  for (int wide = 0; wide < 2; wide++) {
    int64_t row = -1, found = -1;
    const uint8_t *p = wide ? (const uint8_t *)(const void *)o : (const uint8_t *)(const void *)narrow;
    const bool got = qv__offsets_window_ok(p, wide, start, len, limit, &row, &found);
    if (got != want) fail_msg("start %lld len %lld wide %d: got %d, want %d", (long long)start, (long long)len, wide, got, want);
    if (!want && (row != want_row || found != want_found))
      fail_msg("start %lld len %lld wide %d: bad row %lld (offset %lld), want %lld (%lld)", (long long)start,
               (long long)len, wide, (long long)row, (long long)found, (long long)want_row, (long long)want_found);
  }
}

static void test_every_bad_position(void **state) {
  (void)state;
  int64_t o[MAX_ROWS + 1];
  for (int64_t start = 0; start <= 5; start++) {
    for (int64_t len = 0; len <= 40; len++) {
      const int n = (int)(start + len + 1);
      for (int i = 0; i < n; i++) o[i] = 3 * i; /* increasing */
      const int64_t limit = o[n - 1];
      check_one(o, n, start, len, limit);            /* good */
      check_one(o, n, start, len, limit - 1);        /* last past the limit */
      for (int64_t j = start + 1; j <= start + len; j++) {
        const int64_t keep = o[j];
        o[j] = o[j - 1] - 1; /* steps back at row j - start - 1 */
        check_one(o, n, start, len, limit);
        o[j] = keep;
      }
      const int64_t first = o[start];
      o[start] = -1; /* negative first offset */
      check_one(o, n, start, len, limit);
      o[start] = first;
    }
  }
}

/* Equal offsets (empty rows) are not backwards; INT32_MIN after INT32_MAX
 * is. */
static void test_edges(void **state) {
  (void)state;
  int64_t flat[10] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  check_one(flat, 10, 0, 9, 5);
  int64_t wrap[10] = {0, 1, 2, 3, 4, INT32_MAX, INT32_MIN, 7, 8, 9};
  check_one(wrap, 10, 0, 9, INT32_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_bad_position),
      cmocka_unit_test(test_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
