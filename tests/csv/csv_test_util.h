/* Helpers shared by the CSV tests (header-only, static inline functions):
 * read a CSV text and look at one column's type and values as text (the
 * looking is tests/support/table_text.h, shared with the JSON Lines tests). */
#ifndef QV_TESTS_CSV_TEST_UTIL_H
#define QV_TESTS_CSV_TEST_UTIL_H

#include <unistd.h>

#include "quiver/csv.h"
#include "support/table_text.h"

/* Reads `text` with `opts` (NULL: defaults); fails the test on error. The
 * table must be structurally and fully valid. */
static inline qv_table *csvt_read(const char *text, const qv_csv_read_options *opts) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_csv_read_memory(text, strlen(text), opts, &t, &err);
  return tt_expect_read(st, t, &err);
}

/* Reading `text` fails with `code` and a message containing `substr`. */
static inline void csvt_expect_error(const char *text, size_t n, const qv_csv_read_options *opts, qv_status code,
                                     const char *substr) {
  qv_error err;
  qv_table *t = (qv_table *)(uintptr_t)1;
  qv_status st = qv_csv_read_memory(text, n, opts, &t, &err);
  tt_expect_read_error(st, t, &err, code, substr);
}

/* The CSV tests' names for the shared helpers. */
#define csvt_type tt_type
#define csvt_values tt_values
#define CSVT_EXPECT_COLUMN TT_EXPECT_COLUMN

#endif
