/* Tests for src/core/error.c, strbuf.c and the checked-arithmetic helpers of
 * core/internal.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/internal.h"

static void test_status_names(void **state) {
  (void)state;
  assert_string_equal(qv_status_name(QV_OK), "QV_OK");
  assert_string_equal(qv_status_name(QV_ERR_INVALID_DATA), "QV_ERR_INVALID_DATA");
  assert_string_equal(qv_status_name(QV_ERR_NOT_FOUND), "QV_ERR_NOT_FOUND");
  assert_string_equal(qv_status_name((qv_status)99), "QV_ERR_UNKNOWN");
  for (int s = 0; s <= QV_ERR_NOT_FOUND; s++) assert_string_not_equal(qv_status_name((qv_status)s), "QV_ERR_UNKNOWN");
}

static void test_set_prefix_clear(void **state) {
  (void)state;
  qv_error err;
  assert_int_equal(qv_error_set(&err, QV_ERR_OUT_OF_RANGE, "row %d of %s", 7, "col"), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(err.code, QV_ERR_OUT_OF_RANGE);
  assert_string_equal(err.message, "row 7 of col");
  qv_error_prefix(&err, "column '%s': ", "a");
  assert_string_equal(err.message, "column 'a': row 7 of col");
  assert_int_equal(err.code, QV_ERR_OUT_OF_RANGE);
  /* a message built from the slot's own text */
  qv_error_set(&err, QV_ERR_IO, "again: %s", err.message);
  assert_string_equal(err.message, "again: column 'a': row 7 of col");
  qv_error_clear(&err);
  assert_int_equal(err.code, QV_OK);
  assert_string_equal(err.message, "");
  /* NULL slots are accepted everywhere */
  assert_int_equal(qv_error_set(NULL, QV_ERR_TYPE, "x"), QV_ERR_TYPE);
  qv_error_prefix(NULL, "x");
  qv_error_clear(NULL);
}

static void test_truncation(void **state) {
  (void)state;
  qv_error err;
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  qv_error_set(&err, QV_ERR_LIMIT, "%s", big);
  assert_int_equal(strlen(err.message), QV_ERROR_MESSAGE_MAX - 1);
  qv_error_prefix(&err, "pre: ");
  assert_int_equal(strlen(err.message), QV_ERROR_MESSAGE_MAX - 1);
  assert_memory_equal(err.message, "pre: xxx", 8);
}

static void test_strbuf_growable(void **state) {
  (void)state;
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  assert_string_equal(qv__strbuf_cstr(&sb), "");
  for (int i = 0; i < 1000; i++) qv__strbuf_appendf(&sb, "%d,", i % 10);
  assert_int_equal(sb.len, 2000);
  assert_memory_equal(qv__strbuf_cstr(&sb), "0,1,2,", 6);
  qv__strbuf_append(&sb, "end");
  qv__strbuf_appendc(&sb, '!');
  qv__strbuf_append_repeat(&sb, ' ', 100);
  assert_int_equal(sb.len, 2104);
  qv__strbuf_truncate(&sb, 2004);
  assert_string_equal(qv__strbuf_cstr(&sb) + 2000, "end!");
  char longfmt[600];
  memset(longfmt, 'y', 599);
  longfmt[599] = '\0';
  qv__strbuf_appendf(&sb, "[%s]", longfmt); /* longer than the internal small buffer */
  assert_int_equal(sb.len, 2004 + 601);
  assert_int_equal(qv__strbuf_status(&sb, NULL), QV_OK);
  char *s = qv__strbuf_take(&sb);
  assert_int_equal(strlen(s), 2605);
  assert_null(sb.data);
  free(s);
  qv__strbuf_free(&sb);
}

static void test_strbuf_fixed(void **state) {
  (void)state;
  char buf[8];
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, buf, sizeof buf);
  qv__strbuf_append(&sb, "abc");
  qv__strbuf_appendf(&sb, "%d", 12345);
  assert_string_equal(buf, "abc1234");
  assert_int_equal(sb.len, 8);
  qv__strbuf_append(&sb, "more");
  assert_string_equal(buf, "abc1234");
  assert_int_equal(sb.len, 12);
  qv__strbuf_free(&sb); /* no-op */
  qv__strbuf_init_fixed(&sb, NULL, 0);
  qv__strbuf_append(&sb, "abc");
  assert_int_equal(sb.len, 3);
  assert_string_equal(qv__strbuf_cstr(&sb), "");
}

static void test_checked_arithmetic(void **state) {
  (void)state;
  int64_t r;
  assert_false(qv__add_overflow_i64(1, 2, &r));
  assert_int_equal(r, 3);
  assert_true(qv__add_overflow_i64(INT64_MAX, 1, &r));
  assert_true(qv__sub_overflow_i64(INT64_MIN, 1, &r));
  assert_false(qv__mul_overflow_i64(1 << 20, 1 << 20, &r));
  assert_int_equal(r, (int64_t)1 << 40);
  assert_true(qv__mul_overflow_i64(INT64_MAX / 2, 3, &r));
  assert_int_equal(qv_round_up_64(0), 0);
  assert_int_equal(qv_round_up_64(1), 64);
  assert_int_equal(qv_round_up_64(64), 64);
  assert_int_equal(qv_round_up_64(INT64_MAX), -1);
}

static qv_status alloc_fail_site(qv_error *err) {
  void *p = NULL;
  QV_CHECK_ALLOC(p, err);
  return QV_OK;
}

static qv_status goto_site(qv_error *err, int *cleaned) {
  qv_status st = QV_OK;
  QV_GOTO_IF_ERROR(st, qv_error_set(err, QV_ERR_TYPE, "inner"), cleanup);
  st = QV_ERR_IO; /* not reached */
cleanup:
  (*cleaned)++;
  return st;
}

static void test_macros(void **state) {
  (void)state;
  qv_error err;
  assert_int_equal(alloc_fail_site(&err), QV_ERR_NO_MEMORY);
  assert_non_null(strstr(err.message, "out of memory"));
  int cleaned = 0;
  assert_int_equal(goto_site(&err, &cleaned), QV_ERR_TYPE);
  assert_int_equal(cleaned, 1);
  assert_string_equal(err.message, "inner");
}

/* One errno-name table serves every IO path: the names both writers used. */
static void test_errno_names(void **state) {
  (void)state;
  assert_string_equal(qv__errno_name(ENOSPC), "ENOSPC");
  assert_string_equal(qv__errno_name(EPIPE), "EPIPE");
  assert_string_equal(qv__errno_name(EXDEV), "EXDEV");
  assert_string_equal(qv__errno_name(ECONNRESET), "ECONNRESET");
  assert_string_equal(qv__errno_name(0), "errno");
  assert_string_equal(qv__errno_name(-1), "errno");
}

/* The sticky failure keeps the first error and reports it again. */
static void test_sticky_failure(void **state) {
  (void)state;
  qv__sticky s = {QV_OK, ""};
  qv_error err;
  qv_error_set(&err, QV_ERR_IO, "disk full");
  assert_int_equal(qv__sticky_fail(&s, QV_ERR_IO, &err), QV_ERR_IO);
  qv_error_set(&err, QV_ERR_NO_MEMORY, "later");
  assert_int_equal(qv__sticky_fail(&s, QV_ERR_NO_MEMORY, &err), QV_ERR_NO_MEMORY); /* not recorded */
  assert_int_equal(qv__sticky_report(&s, "the writer failed earlier: ", &err), QV_ERR_IO);
  assert_string_equal(err.message, "the writer failed earlier: disk full");
  assert_int_equal(qv__sticky_report(&s, "", NULL), QV_ERR_IO);

  qv__sticky t = {QV_OK, ""};
  assert_int_equal(qv__sticky_fail(&t, QV_ERR_LIMIT, NULL), QV_ERR_LIMIT); /* no message: the status name */
  assert_int_equal(qv__sticky_report(&t, "", &err), QV_ERR_LIMIT);
  assert_string_equal(err.message, qv_status_name(QV_ERR_LIMIT));

  qv__sticky u = {QV_OK, ""};
  assert_int_equal(qv__sticky_failf(&u, &err, QV_ERR_IO, "write to fd %d failed", 7), QV_ERR_IO);
  assert_string_equal(err.message, "write to fd 7 failed");
  assert_int_equal(qv__sticky_failf(&u, &err, QV_ERR_INVALID_DATA, "second"), QV_ERR_IO);
  assert_string_equal(err.message, "write to fd 7 failed");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_names),   cmocka_unit_test(test_set_prefix_clear),
      cmocka_unit_test(test_truncation),     cmocka_unit_test(test_strbuf_growable),
      cmocka_unit_test(test_strbuf_fixed),   cmocka_unit_test(test_checked_arithmetic),
      cmocka_unit_test(test_macros),         cmocka_unit_test(test_errno_names),
      cmocka_unit_test(test_sticky_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
