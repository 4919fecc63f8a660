/* Helpers shared by the text-format tests (CSV, JSON Lines; header-only,
 * static inline): check what a reader returned, and look at one column's
 * name, type and values as text. */
#ifndef QV_TESTS_SUPPORT_TABLE_TEXT_H
#define QV_TESTS_SUPPORT_TABLE_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/internal.h"
#include "quiver/table.h"
#include "quiver/validate.h"

/* A read that had to succeed: fails the test on error; the table must be
 * structurally and fully valid. Returns the table. */
static inline qv_table *tt_expect_read(qv_status st, qv_table *t, const qv_error *err) {
  if (st != QV_OK) print_message("read failed: %s\n", err->message);
  assert_int_equal(st, QV_OK);
  assert_non_null(t);
  qv_error verr;
  st = qv_table_validate(t, QV_VALIDATE_FULL, &verr);
  if (st != QV_OK) print_message("invalid table: %s\n", verr.message);
  assert_int_equal(st, QV_OK);
  return t;
}

/* A read that had to fail with `code` and a message containing `substr`,
 * leaving the output NULL. */
static inline void tt_expect_read_error(qv_status st, const qv_table *t, const qv_error *err, qv_status code,
                                        const char *substr) {
  if (st != code || (st != QV_OK && strstr(err->message, substr) == NULL))
    print_message("got %s: %s\nwanted %s containing: %s\n", qv_status_name(st), st ? err->message : "",
                  qv_status_name(code), substr);
  assert_int_equal(st, code);
  assert_null(t);
  assert_non_null(strstr(err->message, substr));
}

/* Column i's type as pyarrow spells it ("int64", "timestamp[s, tz=UTC]"). */
static inline const char *tt_type(const qv_table *t, int32_t i, char *buf, size_t cap) {
  assert_true(i < t->schema->n_fields);
  qv_type_format(t->schema->fields[i]->type, buf, cap);
  return buf;
}

/* Column i's values in compact form ("[1,null,3]", lists whole); the table
 * has one batch. free() the result. */
static inline char *tt_values(const qv_table *t, int32_t i) {
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

/* Column i of `table` has this name, type and values. */
#define TT_EXPECT_COLUMN(table, i, want_name, want_type, want_values)                        \
  do {                                                                                      \
    char type_buf_[256];                                                                    \
    assert_string_equal((table)->schema->fields[(i)]->name, (want_name));                   \
    const char *type_ = tt_type((table), (i), type_buf_, sizeof type_buf_);                 \
    if (strcmp(type_, (want_type)) != 0) print_message("type: %s\n", type_);                \
    assert_string_equal(type_, (want_type));                                                \
    char *values_ = tt_values((table), (i));                                                \
    if (strcmp(values_, (want_values)) != 0) print_message("values: %s\n", values_);        \
    assert_string_equal(values_, (want_values));                                            \
    free(values_);                                                                          \
  } while (0)

#endif
