/* String kernels: literal results on sliced inputs with nulls (ASCII and
 * multi-byte text), every option, the argument errors, and hostile inputs
 * (offsets backwards, views pointing outside their buffers) that must give
 * an error naming the row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

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

static qv_array *ok(qv_status st, qv_array *const *out, const qv_error *e) {
  if (st != QV_OK) fprintf(stderr, "failed: %s\n", e->message);
  assert_int_equal(st, QV_OK);
  return *out;
}
#define OK(call) (qv_error_clear(&e), out = NULL, ok((call), &out, &e))
#define PAT(s) (const uint8_t *)(s), (int64_t)strlen(s)

static qv_array *sample(void) { return slice_of(STRS("skip", "Hello", NULL, "straße ĲŁ", "", "abcabc"), 1, 5); }

static void lengths_and_case(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  expect_array(OK(qv_compute_utf8_length(s, &out, &e)), PRIM(qv_type_int32(), int32_t, "10111", 5, 0, 9, 0, 6));
  expect_array(OK(qv_compute_binary_length(s, &out, &e)), PRIM(qv_type_int32(), int32_t, "10111", 5, 0, 12, 0, 6));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_UPPER, s, &out, &e)), STRS("HELLO", NULL, "STRAẞE ĲŁ", "", "ABCABC"));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_LOWER, s, &out, &e)), STRS("hello", NULL, "straße ĳł", "", "abcabc"));
  expect_array(OK(qv_compute_case(QV_CASE_ASCII_UPPER, s, &out, &e)), STRS("HELLO", NULL, "STRAßE ĲŁ", "", "ABCABC"));
  qv_array *g = STRS("ΑΒΓαβγΣσς Привет ÿŸ");
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_LOWER, g, &out, &e)), STRS("αβγαβγσσς привет ÿÿ"));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_UPPER, g, &out, &e)), STRS("ΑΒΓΑΒΓΣΣΣ ПРИВЕТ ŸŸ"));
  qv_array_release(g);
  /* Beyond the old hand table: dotted I, titlecase digraphs, Georgian, Cherokee, Deseret (4 bytes). */
  qv_array *u = STRS("İı ǅ ǆ ა Ꭰ 𐐨 ⱥ");
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_UPPER, u, &out, &e)), STRS("İI Ǆ Ǆ Ა Ꭰ 𐐀 Ⱥ"));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_LOWER, u, &out, &e)), STRS("iı ǆ ǆ ა ꭰ 𐐨 ⱥ"));
  qv_array_release(u);
  qv_error_clear(&e);
  hand_expect(qv_compute_case((qv_case_op)99, s, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad operation");
  qv_array *i = I64(1);
  hand_expect(qv_compute_utf8_length(i, &out, &e), &e, QV_ERR_TYPE, "not a string or binary type");
  qv_array_release(i);
  qv_array_release(s);
}

static void capitalize_title_swapcase(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *w = slice_of(STRS("x", "ǆemal ǆ", "hello wORLD", NULL, "ßtraße", "éCOLE-élève", "3rd x", "ǅa", ""), 1, 8);
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_CAPITALIZE, w, &out, &e)),
               STRS("Ǆemal ǆ", "Hello world", NULL, "ẞtraße", "École-élève", "3rd x", "Ǆa", ""));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_TITLE, w, &out, &e)),
               STRS("Ǆemal Ǆ", "Hello World", NULL, "ẞtraße", "École-Élève", "3Rd X", "Ǆa", ""));
  expect_array(OK(qv_compute_case(QV_CASE_UTF8_SWAPCASE, w, &out, &e)),
               STRS("ǄEMAL Ǆ", "HELLO World", NULL, "ẞTRAẞE", "École-ÉLÈVE", "3RD X", "ǅA", ""));
  expect_array(OK(qv_compute_case(QV_CASE_ASCII_CAPITALIZE, w, &out, &e)),
               STRS("ǆemal ǆ", "Hello world", NULL, "ßtraße", "école-élève", "3rd x", "ǅa", ""));
  expect_array(OK(qv_compute_case(QV_CASE_ASCII_TITLE, w, &out, &e)),
               STRS("ǆEmal ǆ", "Hello World", NULL, "ßTraßE", "éCole-éLèVe", "3Rd X", "ǅA", ""));
  expect_array(OK(qv_compute_case(QV_CASE_ASCII_SWAPCASE, w, &out, &e)),
               STRS("ǆEMAL ǆ", "HELLO World", NULL, "ßTRAßE", "école-éLèVE", "3RD X", "ǅA", ""));
  qv_array_release(w);
}

static void predicates(void **state) {
  (void)state;
  qv_error e;
  qv_array *out;
  /* Each value below, then one null: the answers pyarrow gives. */
  qv_array *v = STRS("abc", "ABC", "Abc", "Abc Def", "123", "½", "٣", " \t", "", "a1", "ǅa", "ß", NULL);
  static const struct {
    qv_string_predicate p;
    const char *want;
  } cases[] = {
      {QV_IS_UTF8_ALNUM, "111011100111"},     {QV_IS_UTF8_ALPHA, "111000000011"},
      {QV_IS_UTF8_DECIMAL, "000010100000"},   {QV_IS_UTF8_DIGIT, "000011100000"},
      {QV_IS_UTF8_LOWER, "100000000101"},     {QV_IS_UTF8_NUMERIC, "000011100000"},
      {QV_IS_UTF8_PRINTABLE, "111111101111"}, {QV_IS_UTF8_SPACE, "000000010000"},
      {QV_IS_UTF8_TITLE, "001100000010"},     {QV_IS_UTF8_UPPER, "010000000000"},
      {QV_IS_ASCII_ALNUM, "111010000100"},    {QV_IS_ASCII_ALPHA, "111000000000"},
      {QV_IS_ASCII_DECIMAL, "000010000000"},  {QV_IS_ASCII_LOWER, "100000000110"},
      {QV_IS_ASCII_PRINTABLE, "111110001100"}, {QV_IS_ASCII_SPACE, "000000010000"},
      {QV_IS_ASCII_TITLE, "001100000000"},    {QV_IS_ASCII_UPPER, "010000000000"},
      {QV_IS_STRING_ASCII, "111110011100"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    char want[16];
    snprintf(want, sizeof want, "%.12s0", cases[k].want);
    expect_array(OK(qv_compute_string_predicate(cases[k].p, v, &out, &e)), bools(want, "1111111111110"));
  }
  qv_error_clear(&e);
  hand_expect(qv_compute_string_predicate((qv_string_predicate)77, v, &out, &e), &e, QV_ERR_INVALID_ARGUMENT,
              "bad arguments");
  qv_array_release(v);
}

static void matching(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  expect_array(OK(qv_compute_match(QV_MATCH_STARTS_WITH, s, PAT("He"), false, &out, &e)), bools("10000", "10111"));
  expect_array(OK(qv_compute_match(QV_MATCH_ENDS_WITH, s, PAT("BC"), true, &out, &e)), bools("00001", "10111"));
  expect_array(OK(qv_compute_match(QV_MATCH_SUBSTRING, s, PAT("ß"), false, &out, &e)), bools("00100", "10111"));
  expect_array(OK(qv_compute_match(QV_MATCH_LIKE, s, PAT("%a_c%"), false, &out, &e)), bools("00001", "10111"));
  expect_array(OK(qv_compute_match(QV_MATCH_LIKE, s, PAT("stra_e%"), false, &out, &e)), bools("00100", "10111"));
  expect_array(OK(qv_compute_match(QV_MATCH_LIKE, s, PAT("%"), false, &out, &e)), bools("10111", "10111"));
  qv_array *esc = STRS("a%b", "axb");
  expect_array(OK(qv_compute_match(QV_MATCH_LIKE, esc, PAT("a\\%b"), false, &out, &e)), bools("10", NULL));
  qv_array_release(esc);
  expect_array(OK(qv_compute_find_substring(s, PAT("bc"), false, &out, &e)),
               PRIM(qv_type_int32(), int32_t, "10111", -1, 0, -1, -1, 1));
  qv_error_clear(&e);
  hand_expect(qv_compute_match(QV_MATCH_LIKE, s, NULL, 3, false, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad");
  hand_expect(qv_compute_find_substring(s, NULL, 1, false, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad");
  qv_array_release(s);
}

static void rewriting(void **state) {
  (void)state;
  qv_error e;
  qv_array *out, *s = sample();
  expect_array(OK(qv_compute_replace_substring(s, PAT("bc"), PAT("XYZ"), -1, &out, &e)),
               STRS("Hello", NULL, "straße ĲŁ", "", "aXYZaXYZ"));
  expect_array(OK(qv_compute_replace_substring(s, PAT("l"), PAT(""), 1, &out, &e)),
               STRS("Helo", NULL, "straße ĲŁ", "", "abcabc"));
  qv_array *t = STRS("  x y \t", "ßaßß", NULL);
  expect_array(OK(qv_compute_utf8_trim(t, QV_TRIM_BOTH, NULL, 0, &out, &e)), STRS("x y", "ßaßß", NULL));
  expect_array(OK(qv_compute_utf8_trim(t, QV_TRIM_LEFT, NULL, 0, &out, &e)), STRS("x y \t", "ßaßß", NULL));
  expect_array(OK(qv_compute_utf8_trim(t, QV_TRIM_RIGHT, PAT("ß"), &out, &e)), STRS("  x y \t", "ßa", NULL));
  expect_array(OK(qv_compute_utf8_slice_codeunits(s, 1, 3, 1, &out, &e)), STRS("el", NULL, "tr", "", "bc"));
  expect_array(OK(qv_compute_utf8_slice_codeunits(s, -1, INT64_MIN, -2, &out, &e)),
               STRS("olH", NULL, "Ł ßrs", "", "cab"));
  qv_error_clear(&e);
  hand_expect(qv_compute_utf8_slice_codeunits(s, 0, 1, 0, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "step cannot be zero");
  hand_expect(qv_compute_replace_substring(s, NULL, 2, PAT("x"), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "bad");
  qv_array_release(t);

  qv_array *parts = OK(qv_compute_split_pattern(s, PAT("b"), -1, &out, &e));
  assert_int_equal(parts->type->id, QV_TYPE_LIST);
  assert_int_equal(parts->length, 5);
  int64_t start, len;
  qv_array_list_range(parts, 4, &start, &len);
  assert_int_equal(len, 3); /* "a", "ca", "c" */
  assert_false(qv_array_is_valid(parts, 1));
  qv_array_release(parts);
  qv_array *one = OK(qv_compute_split_pattern(s, PAT("b"), 1, &out, &e));
  qv_array_list_range(one, 4, &start, &len);
  assert_int_equal(len, 2);
  qv_array_release(one);
  qv_error_clear(&e);
  hand_expect(qv_compute_split_pattern(s, PAT(""), -1, &out, &e), &e, QV_ERR_INVALID_ARGUMENT, "must not be empty");
  qv_array_release(s);
}

static void hostile_inputs(void **state) {
  (void)state;
  qv_error e;
  qv_array *out = NULL;
  qv_array *back = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 3, 1), hand_buf("abc", 3)),
                              0, NULL, NULL);
  qv_error_clear(&e);
  hand_expect(qv_compute_case(QV_CASE_UTF8_UPPER, back, &out, &e), &e, QV_ERR_INVALID_DATA, "row 1");
  hand_expect(qv_compute_utf8_length(back, &out, &e), &e, QV_ERR_INVALID_DATA, "goes backwards");
  hand_expect(qv_compute_match(QV_MATCH_LIKE, back, PAT("%"), false, &out, &e), &e, QV_ERR_INVALID_DATA, "row 1");
  hand_expect(qv_compute_split_pattern(back, PAT("a"), -1, &out, &e), &e, QV_ERR_INVALID_DATA, "row 1");
  qv_array_release(back);
  /* A view of 20 bytes pointing into a 4-byte buffer. */
  qv_view v[1];
  memset(v, 0, sizeof v);
  v[0].ref.size = 20;
  v[0].ref.buffer_index = 0;
  v[0].ref.offset = 0;
  qv_array *view = hand_array(qv_type_string_view(), 1, 0, 0, 3, BUFS(NULL, hand_buf(v, sizeof v), hand_buf("abcd", 4)),
                              0, NULL, NULL);
  hand_expect(qv_compute_utf8_length(view, &out, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  hand_expect(qv_compute_case(QV_CASE_ASCII_LOWER, view, &out, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  hand_expect(qv_compute_find_substring(view, PAT("a"), false, &out, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  qv_array_release(view);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lengths_and_case),
      cmocka_unit_test(capitalize_title_swapcase),
      cmocka_unit_test(predicates),
      cmocka_unit_test(matching),
      cmocka_unit_test(rewriting),
      cmocka_unit_test(hostile_inputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
