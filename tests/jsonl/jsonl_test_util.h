/* Helpers shared by the JSON Lines tests (header-only, static inline
 * functions): read a text and look at one column's type and values. */
#ifndef QV_TESTS_JSONL_TEST_UTIL_H
#define QV_TESTS_JSONL_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"
#include "quiver/jsonl.h"
#include "quiver/validate.h"

/* Reads `text` with `opts` (NULL: defaults); fails the test on error. The
 * table must be fully valid. */
static inline qv_table *jt_read(const char *text, const qv_jsonl_read_options *opts) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_jsonl_read_memory(text, strlen(text), opts, &t, &err);
  if (st != QV_OK) print_message("read failed: %s\n", err.message);
  assert_int_equal(st, QV_OK);
  assert_non_null(t);
  st = qv_table_validate(t, QV_VALIDATE_FULL, &err);
  if (st != QV_OK) print_message("invalid table: %s\n", err.message);
  assert_int_equal(st, QV_OK);
  return t;
}

/* Reading text[0, n) fails with `code` and a message containing `substr`. */
static inline void jt_expect_error(const char *text, size_t n, const qv_jsonl_read_options *opts, qv_status code,
                                   const char *substr) {
  qv_error err;
  qv_table *t = (qv_table *)(uintptr_t)1;
  qv_status st = qv_jsonl_read_memory(text, n, opts, &t, &err);
  if (st != code || (st != QV_OK && strstr(err.message, substr) == NULL))
    print_message("got %s: %s\nwanted %s containing: %s\n", qv_status_name(st), st ? err.message : "",
                  qv_status_name(code), substr);
  assert_int_equal(st, code);
  assert_null(t);
  assert_non_null(strstr(err.message, substr));
}

/* Column i's type as pyarrow spells it. */
static inline const char *jt_type(const qv_table *t, int32_t i, char *buf, size_t cap) {
  assert_true(i < t->schema->n_fields);
  qv_type_format(t->schema->fields[i]->type, buf, cap);
  return buf;
}

/* Column i's values in compact form ("[1,null,3]"); free() the result. */
static inline char *jt_values(const qv_table *t, int32_t i) {
  assert_int_equal(t->n_batches, 1);
  const qv_array *a = t->batches[0]->columns[i];
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  qv_print_options o = qv_print_options_default();
  o.max_rows = -1;
  o.max_container_rows = -1;
  assert_true(qv__print_compact_array(&sb, a, 0, a->length, &o));
  char *s = qv__strbuf_take(&sb);
  assert_non_null(s);
  return s;
}

#define JT_EXPECT_COLUMN(table, i, want_name, want_type, want_values)                        \
  do {                                                                                      \
    char type_buf_[256];                                                                    \
    assert_string_equal((table)->schema->fields[(i)]->name, (want_name));                   \
    const char *type_ = jt_type((table), (i), type_buf_, sizeof type_buf_);                 \
    if (strcmp(type_, (want_type)) != 0) print_message("type: %s\n", type_);                \
    assert_string_equal(type_, (want_type));                                                \
    char *values_ = jt_values((table), (i));                                                \
    if (strcmp(values_, (want_values)) != 0) print_message("values: %s\n", values_);        \
    assert_string_equal(values_, (want_values));                                            \
    free(values_);                                                                          \
  } while (0)

#endif
