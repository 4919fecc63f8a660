/* Helpers shared by the JSON Lines tests (header-only, static inline
 * functions): read a text and look at one column's type and values (the
 * looking is tests/support/table_text.h, shared with the CSV tests). */
#ifndef QV_TESTS_JSONL_TEST_UTIL_H
#define QV_TESTS_JSONL_TEST_UTIL_H

#include "quiver/jsonl.h"
#include "support/table_text.h"

/* Reads `text` with `opts` (NULL: defaults); fails the test on error. The
 * table must be fully valid. */
static inline qv_table *jt_read(const char *text, const qv_jsonl_read_options *opts) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_jsonl_read_memory(text, strlen(text), opts, &t, &err);
  return tt_expect_read(st, t, &err);
}

/* Reading text[0, n) fails with `code` and a message containing `substr`. */
static inline void jt_expect_error(const char *text, size_t n, const qv_jsonl_read_options *opts, qv_status code,
                                   const char *substr) {
  qv_error err;
  qv_table *t = (qv_table *)(uintptr_t)1;
  qv_status st = qv_jsonl_read_memory(text, n, opts, &t, &err);
  tt_expect_read_error(st, t, &err, code, substr);
}

/* The JSON Lines tests' names for the shared helpers. */
#define jt_type tt_type
#define jt_values tt_values
#define JT_EXPECT_COLUMN TT_EXPECT_COLUMN

#endif
