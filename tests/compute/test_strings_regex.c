/* Regex string kernels (PCRE2): literal results on a sliced input with a
 * null, RE2-compatible semantics ('$' only at the end, empty matches as
 * pyarrow walks them), every option, compile errors naming the pattern,
 * bad replacements, unnamed groups, binary inputs, and a hostile pattern
 * that must stop at the work limit naming the row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"
#include "quiver/print.h"

static void expect_array(qv_array *got, qv_array *want) {
  qv_error why;
  assert_non_null(got);
  if (qv_array_diff(got, want, &why) != QV_OK) {
    fprintf(stderr, "arrays differ: %s\n", why.message);
    fail();
  }
  qv_array_release(got);
  qv_array_release(want);
}

/* Slot i of `a` as compact text equals `want`. */
static void expect_slot(const qv_array *a, int64_t i, const char *want) {
  char *text = NULL;
  qv_error e;
  qv_print_options o = qv_print_options_default();
  hand_check(qv_array_value_to_string(a, i, &o, &text, &e), &e, "value text");
  if (strcmp(text, want) != 0) fprintf(stderr, "slot %lld: %s, want %s\n", (long long)i, text, want);
  assert_string_equal(text, want);
  qv_free_string(text);
}

static qv_array *ok(qv_status st, qv_array *const *out, const qv_error *e) {
  if (st != QV_OK) fprintf(stderr, "failed: %s\n", e->message);
  assert_int_equal(st, QV_OK);
  return *out;
}
#define OK(call) (qv_error_clear(&e), out = NULL, ok((call), &out, &e))
#define PAT(s) (const uint8_t *)(s), (int64_t)strlen(s)

/* "abc", "axxb", "", null, "xx", "aXb\nc", "héllo wörld" behind one skipped slot. */
static qv_array *sample(void) {
  return slice_of(STRS("skip", "abc", "axxb", "", NULL, "xx", "aXb\nc", "héllo wörld"), 1, 7);
}

static void match_and_count(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  expect_array(OK(qv_compute_match_regex(s, PAT("c$"), false, &out, &e)), bools("1000010", "1110111"));
  expect_array(OK(qv_compute_match_regex(s, PAT("x"), true, &out, &e)), bools("0100110", "1110111"));
  expect_array(OK(qv_compute_match_regex(s, PAT("^h.llo\\s"), false, &out, &e)), bools("0000001", "1110111"));
  expect_array(OK(qv_compute_count_regex(s, PAT("x*"), false, &out, &e)),
               PRIM(qv_type_int32(), int32_t, "1110111", 4, 4, 1, 0, 2, 6, 14));
  expect_array(OK(qv_compute_count_regex(s, PAT(""), false, &out, &e)),
               PRIM(qv_type_int32(), int32_t, "1110111", 4, 5, 1, 0, 3, 6, 14));
  expect_array(OK(qv_compute_count_regex(s, PAT("[[:alpha:]]"), false, &out, &e)),
               PRIM(qv_type_int32(), int32_t, "1110111", 3, 4, 0, 0, 2, 4, 8));
  qv_array_release(s);
}

static void replace(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  expect_array(OK(qv_compute_replace_regex(s, PAT("x*"), PAT("-"), -1, &out, &e)),
               STRS("-a-b-c-", "-a-b-", "-", NULL, "-", "-a-X-b-\n-c-", "-h-é-l-l-o- -w-ö-r-l-d-"));
  expect_array(OK(qv_compute_replace_regex(s, PAT("(x)(x)?"), PAT("<\\2\\1\\0\\\\>"), -1, &out, &e)),
               STRS("abc", "a<xxxx\\>b", "", NULL, "<xxxx\\>", "aXb\nc", "héllo wörld"));
  expect_array(OK(qv_compute_replace_regex(s, PAT("^"), PAT("B"), -1, &out, &e)),
               STRS("Babc", "Baxxb", "B", NULL, "Bxx", "BaXb\nc", "Bhéllo wörld"));
  expect_array(OK(qv_compute_replace_regex(s, PAT("[lo]"), PAT("_"), 2, &out, &e)),
               STRS("abc", "axxb", "", NULL, "xx", "aXb\nc", "hé__o wörld"));
  expect_array(OK(qv_compute_replace_regex(s, PAT("."), PAT("_"), 0, &out, &e)),
               STRS("abc", "axxb", "", NULL, "xx", "aXb\nc", "héllo wörld"));
  qv_error_clear(&e);
  hand_expect(qv_compute_replace_regex(s, PAT("(x)"), PAT("$1\\3"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "group 3");
  hand_expect(qv_compute_replace_regex(s, PAT("x"), PAT("\\n"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "backslash at byte 0");
  qv_array_release(s);
}

/* Replacement (and literal pattern) text that is not UTF-8 would make
 * string results invalid: refused for strings, taken as bytes for binary
 * (found by fuzz_regex). */
static void replacement_must_be_utf8_for_strings(void **state) {
  (void)state;
  qv_error e;
  qv_array *out = NULL, *s = sample();
  qv_error_clear(&e);
  hand_expect(qv_compute_replace_regex(s, PAT("x"), PAT("\xff"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "not valid UTF-8");
  hand_expect(qv_compute_replace_regex(s, PAT("x"), PAT("ok\xc3"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "at byte 2");
  hand_expect(qv_compute_replace_substring(s, PAT("\xa9"), PAT("e"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "pattern is not valid UTF-8");
  hand_expect(qv_compute_replace_substring(s, PAT("x"), PAT("\x80"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "replacement is not valid UTF-8");
  qv_array_release(s);
  /* binary values take any bytes */
  qv_array *b = hand_strings(qv_type_binary(), 2, (const char *const[]){"axb", "x"});
  qv_array *r = OK(qv_compute_replace_regex(b, PAT("x"), PAT("\xff"), -1, &out, &e));
  assert_int_equal(r->length, 2);
  qv_array_release(r);
  qv_array_release(b);
}

static void extract_and_split(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  qv_array *x = OK(qv_compute_extract_regex(s, PAT("(?P<first>\\w)(?P<rest>\\w*)"), &out, &e));
  assert_int_equal(x->type->id, QV_TYPE_STRUCT);
  assert_int_equal(x->length, 7);
  expect_slot(x, 0, "{first: \"a\", rest: \"bc\"}");
  expect_slot(x, 2, "null");
  expect_slot(x, 3, "null");
  expect_slot(x, 6, "{first: \"h\", rest: \"\"}");
  qv_array_release(x);
  x = OK(qv_compute_extract_regex(s, PAT("(?P<x>x)?b"), &out, &e));
  expect_slot(x, 0, "{x: \"\"}");
  expect_slot(x, 1, "{x: \"x\"}");
  expect_slot(x, 4, "null");
  qv_array_release(x);
  qv_error_clear(&e);
  hand_expect(qv_compute_extract_regex(s, PAT("(?P<a>\\w)(\\w*)"), &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "unnamed groups");

  qv_array *parts = OK(qv_compute_split_regex(s, PAT("x+"), -1, &out, &e));
  expect_slot(parts, 1, "[\"a\",\"b\"]");
  expect_slot(parts, 3, "null");
  expect_slot(parts, 4, "[\"\",\"\"]");
  qv_array_release(parts);
  parts = OK(qv_compute_split_regex(s, PAT("x"), 1, &out, &e));
  expect_slot(parts, 1, "[\"a\",\"xb\"]");
  qv_array_release(parts);
  parts = OK(qv_compute_split_regex(s, PAT("x*"), -1, &out, &e)); /* empty matches never split */
  expect_slot(parts, 0, "[\"abc\"]");
  expect_slot(parts, 1, "[\"a\",\"b\"]");
  qv_array_release(parts);
  qv_array_release(s);
}

static void binary_and_errors(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  qv_array *b = NULL;
  hand_check(qv_compute_cast(s, qv_type_binary(), true, &b, &e), &e, "to binary");
  /* Bytes, not code points: 'é' is two. */
  expect_array(OK(qv_compute_count_regex(b, PAT("."), false, &out, &e)),
               PRIM(qv_type_int32(), int32_t, "1110111", 3, 4, 0, 0, 2, 4, 13));
  qv_array_release(b);
  qv_error_clear(&e);
  hand_expect(qv_compute_match_regex(s, PAT("a(b"), false, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "pattern 'a(b' does not compile");
  hand_expect(qv_compute_count_regex(s, NULL, 2, false, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "NULL pattern");
  qv_array *i = I64(1);
  hand_expect(qv_compute_match_regex(i, PAT("1"), false, &out, &e), &e, QV_ERR_TYPE, "not a string or binary type");
  qv_array_release(i);
  qv_array_release(s);
}

/* Catastrophic backtracking: (a+)+$ on a run of 'a' then 'b'. */
static void hostile_pattern_hits_limit(void **state) {
  (void)state;
  qv_error e;
  qv_array *out = NULL;
  char long_a[64];
  memset(long_a, 'a', 40);
  strcpy(long_a + 40, "b");
  qv_array *s = STRS("fine", long_a);
  qv_error_clear(&e);
  hand_expect(qv_compute_match_regex(s, PAT("(a+)+$"), false, &out, &e), &e, QV_ERR_LIMIT, "row 1");
  hand_expect(qv_compute_replace_regex(s, PAT("(a+)+$"), PAT("x"), -1, &out, &e), &e, QV_ERR_LIMIT, "row 1");
  hand_expect(qv_compute_split_regex(s, PAT("(a+)+$"), -1, &out, &e), &e, QV_ERR_LIMIT, "(a+)+$");
  assert_null(out);
  qv_array_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(match_and_count),
      cmocka_unit_test(replace),
      cmocka_unit_test(replacement_must_be_utf8_for_strings),
      cmocka_unit_test(extract_and_split),
      cmocka_unit_test(binary_and_errors),
      cmocka_unit_test(hostile_pattern_hits_limit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
