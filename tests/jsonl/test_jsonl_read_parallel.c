/* JSON Lines reader, inputs of 1 MiB or more read in two parts on two
 * cores (src/jsonl/read.c): the parts' inferences merge (promotion, members
 * seen only in the second part), a cut inside a multi-line object falls
 * back to one part, and errors found by either part or by the merge name
 * the line of the whole input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "jsonl/jsonl_test_util.h"
#include "quiver/compare.h"

#define ROWS 40000 /* ~1.2 MiB of rows below */

/* ROWS rows; row r gets `late` (a JSON text) instead of its usual a value
 * from row `from` on. */
static char *make_text(int64_t from, const char *late, const char *extra_late_member, size_t *len) {
  size_t cap = (size_t)ROWS * 64 + 64, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (int64_t r = 0; r < ROWS; r++) {
    char a[32];
    if (r >= from) snprintf(a, sizeof a, "%s", late);
    else snprintf(a, sizeof a, "%lld", (long long)r);
    n += (size_t)snprintf(text + n, cap - n, "{\"a\":%s,\"s\":\"row %06lld\"%s}\n", a, (long long)r,
                          r >= from && extra_late_member ? extra_late_member : "");
  }
  *len = n;
  return text;
}

static qv_table *read_ok(const char *text, size_t n) {
  qv_table *t = NULL;
  qv_error err;
  qv_status st = qv_jsonl_read_memory(text, n, NULL, &t, &err);
  if (st != QV_OK) print_message("read failed: %s\n", err.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
  return t;
}

static void test_two_parts_merge_promotion_and_late_members(void **state) {
  (void)state;
  size_t n;
  /* Ints in the first part, floats and a new member in the last rows. */
  char *text = make_text(ROWS - 10, "0.5", ",\"late\":true", &n);
  assert_true(n >= ((size_t)1 << 20));
  qv_table *t = read_ok(text, n);
  assert_int_equal(t->n_batches, 2);
  assert_int_equal(t->n_rows, ROWS);
  char type[64];
  assert_string_equal(jt_type(t, 0, type, sizeof type), "double");
  assert_string_equal(jt_type(t, 2, type, sizeof type), "bool");
  assert_string_equal(t->schema->fields[2]->name, "late");
  /* The same rows as one part would give: compare with the read of the
   * text cut where no part split can happen (under 1 MiB, in pieces). */
  qv_table *tail = NULL;
  qv_error err;
  assert_int_equal(qv_table_slice(t, ROWS - 10, 10, &tail, &err), QV_OK);
  const char *last = text + n;
  for (int k = 0; k < 10; k++) do last--; while (last > text && last[-1] != '\n');
  qv_table *want_tail = read_ok(last, (size_t)(text + n - last));
  assert_true(qv_table_equals(tail, want_tail));
  char *values = jt_values(want_tail, 0);
  assert_string_equal(values, "[0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5]");
  free(values);
  qv_table_release(tail);
  qv_table_release(want_tail);
  qv_table_release(t);
  free(text);
}

static void test_cut_inside_a_multiline_object_reads_in_one_part(void **state) {
  (void)state;
  /* One row spread over every line: any cut falls inside it. */
  size_t cap = ((size_t)1 << 20) + 4096, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text, cap, "{\"l\":[\n");
  int64_t items = 0;
  while (n < ((size_t)1 << 20) + 100) {
    n += (size_t)snprintf(text + n, cap - n, "%s%lld\n", items ? "," : "", (long long)items);
    items++;
  }
  n += (size_t)snprintf(text + n, cap - n, "]}\n{\"l\":[]}\n");
  qv_table *t = read_ok(text, n);
  assert_int_equal(t->n_batches, 1);
  assert_int_equal(t->n_rows, 2);
  qv_table_release(t);
  free(text);
}

static void test_conflicts_across_parts_name_the_line(void **state) {
  (void)state;
  size_t n;
  char *text = make_text(ROWS - 1, "\"x\"", NULL, &n);
  char want[96];
  snprintf(want, sizeof want, "JSONL line %d, column 6 (/a): the column changed from number to string", ROWS);
  jt_expect_error(text, n, NULL, QV_ERR_INVALID_DATA, want);
  free(text);
  /* A syntax error in the second part. */
  text = make_text(ROWS - 1, "1x", NULL, &n);
  snprintf(want, sizeof want, "JSONL line %d, column 7: expected ',' or '}' after an object member, found 'x'", ROWS);
  jt_expect_error(text, n, NULL, QV_ERR_INVALID_DATA, want);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_parts_merge_promotion_and_late_members),
      cmocka_unit_test(test_cut_inside_a_multiline_object_reads_in_one_part),
      cmocka_unit_test(test_conflicts_across_parts_name_the_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
