/* JSON Lines reader: malformed input. One named test per class of bad
 * input, each checking the status and that the message names the line and
 * column (and the column path when inside a row) and what was expected; a
 * mutation test feeds corrupted texts through the reader (under ASan in the
 * sanitizer build) to show it never crashes and that whatever it accepts is
 * a fully valid table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "jsonl/internal.h"
#include "jsonl/jsonl_test_util.h"
#include "quiver/field.h"
#include "quiver/schema.h"

#define EXPECT(text, opts, code, substr) jt_expect_error((text), strlen(text), (opts), (code), (substr))

static void test_unterminated_string(void **state) {
  (void)state;
  EXPECT("{\"a\":1}\n{\"a\":\"never closed}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 2, column 6 (/a): the string that opens here is not closed before the line ends");
  EXPECT("{\"a\":\"never closed", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 6 (/a): the string that opens here is never closed");
  EXPECT("{\"a\":\"esc\\", NULL, QV_ERR_INVALID_DATA, "the string that opens here is never closed");
  EXPECT("{\"unclosed", NULL, QV_ERR_INVALID_DATA, "JSONL line 1, column 2: the string that opens here");
}

static void test_bad_nesting(void **state) {
  (void)state;
  EXPECT("{\"a\":[1,2}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 10 (/a): expected ',' or ']' after an array item, found '}'");
  EXPECT("{\"a\":{\"b\":1]}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 12 (/a): expected ',' or '}' after an object member, found ']'");
  EXPECT("{\"a\":1\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 2, column 1: expected ',' or '}' after an object member, found the end of the input");
  EXPECT("{\"a\":[\n", NULL, QV_ERR_INVALID_DATA, "JSONL line 2, column 1 (/a/[]): expected a value");
  EXPECT("{\"a\":1}}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 8: expected a JSON object (one per row), found '}'");
}

static void test_row_not_an_object(void **state) {
  (void)state;
  EXPECT("[1,2]\n", NULL, QV_ERR_INVALID_DATA, "JSONL line 1, column 1: expected a JSON object (one per row), found '['");
  EXPECT("{\"a\":1}\n42\n", NULL, QV_ERR_INVALID_DATA, "JSONL line 2, column 1: expected a JSON object");
  EXPECT("{\"a\":1}garbage\n", NULL, QV_ERR_INVALID_DATA, "JSONL line 1, column 8: expected a JSON object");
}

static void test_bad_syntax_inside_objects(void **state) {
  (void)state;
  EXPECT("{\"a\":1, }\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 9: expected a member name in double quotes, found '}'");
  EXPECT("{a:1}\n", NULL, QV_ERR_INVALID_DATA, "column 2: expected a member name in double quotes, found 'a'");
  EXPECT("{\"a\" 1}\n", NULL, QV_ERR_INVALID_DATA, "column 6: expected ':' after the member name, found '1'");
  EXPECT("{\"a\":tru}\n", NULL, QV_ERR_INVALID_DATA, "column 6 (/a): expected true or false, found 't'");
  EXPECT("{\"a\":nul}\n", NULL, QV_ERR_INVALID_DATA, "(/a): expected null");
  EXPECT("{\"a\":[1,]}\n", NULL, QV_ERR_INVALID_DATA, "column 9 (/a/[]): expected a value (object, array, string");
  EXPECT("{\"a\":'x'}\n", NULL, QV_ERR_INVALID_DATA, "column 6 (/a): expected a value (object, array, string");
}

static void test_bad_numbers(void **state) {
  (void)state;
  EXPECT("{\"a\":01}\n", NULL, QV_ERR_INVALID_DATA, "column 6 (/a): a number must not have a leading zero");
  EXPECT("{\"a\":1.}\n", NULL, QV_ERR_INVALID_DATA, "column 8 (/a): expected a digit after the decimal point, found '}'");
  EXPECT("{\"a\":1e}\n", NULL, QV_ERR_INVALID_DATA, "(/a): expected a digit in the exponent");
  EXPECT("{\"a\":-}\n", NULL, QV_ERR_INVALID_DATA, "(/a): expected a digit, found '}'");
  EXPECT("{\"a\":+1}\n", NULL, QV_ERR_INVALID_DATA, "(/a): expected a value (object, array, string, number, true, false or null), found '+'");
  EXPECT("{\"a\":1e400}\n", NULL, QV_ERR_INVALID_DATA, "(/a): the number 1e400 is too large for float64");
  EXPECT("{\"a\":-NaN}\n", NULL, QV_ERR_INVALID_DATA, "(/a): expected a value");
}

static void test_bad_escapes(void **state) {
  (void)state;
  EXPECT("{\"a\":\"\\x\"}\n", NULL, QV_ERR_INVALID_DATA, "column 7 (/a): invalid escape '\\x' in a string");
  EXPECT("{\"a\":\"\\u12\"}\n", NULL, QV_ERR_INVALID_DATA, "(/a): \\u must be followed by four hex digits");
  EXPECT("{\"a\":\"\\ud800x\"}\n", NULL, QV_ERR_INVALID_DATA, "(/a): a UTF-16 high surrogate \\uD800 without its low half");
  EXPECT("{\"a\":\"\\udc00\"}\n", NULL, QV_ERR_INVALID_DATA, "(/a): a lone UTF-16 low surrogate \\uDC00");
  EXPECT("{\"a\":\"tab\there\"}\n", NULL, QV_ERR_INVALID_DATA,
         "column 10 (/a): a control character (0x09) inside a string must be escaped");
}

static void test_invalid_utf8(void **state) {
  (void)state;
  EXPECT("{\"a\":\"ok\"}\n{\"a\":\"bad\xC3(\"}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 2, column 10 (/a): invalid UTF-8 in a string: 0xC3 followed by 0x28");
  EXPECT("{\"\xFF\":1}\n", NULL, QV_ERR_INVALID_DATA, "JSONL line 1, column 3: invalid UTF-8 in a string");
  EXPECT("{\"a\":\"esc\\n\xED\xA0\x80\"}\n", NULL, QV_ERR_INVALID_DATA, "invalid UTF-8 in a string: UTF-16 surrogate");
}

/* The string scanner takes 16 bytes (SSE2) or 8 at a time and stops at
 * the first '"', '\\' or control byte: a bad byte, a stop byte or a valid
 * multi-byte character at every offset of the first windows and of the
 * tail (the string ending the input) is found at its own column, and a
 * non-ASCII byte after the closing quote is not the string's. */
static void test_bad_bytes_at_every_offset_of_a_string(void **state) {
  (void)state;
  for (int len = 1; len <= 40; len++) {
    for (int at = 0; at < len; at++) {
      for (int tail = 0; tail < 2; tail++) {
        char text[128], want[128];
        memset(text, 0, sizeof text);
        int n = snprintf(text, sizeof text, "{\"a\":\"");
        const int body = n;
        for (int k = 0; k < len; k++) text[n++] = (char)('a' + k % 26);
        n += snprintf(text + n, sizeof text - (size_t)n, tail ? "\"}" : "\"}\n{\"a\":\"\xc3\xa9 fine and long enough\"}\n");
        /* an invalid byte */
        text[body + at] = (char)0xFF;
        snprintf(want, sizeof want, "JSONL line 1, column %d (/a): invalid UTF-8 in a string", body + at + 1);
        jt_expect_error(text, (size_t)n, NULL, QV_ERR_INVALID_DATA, want);
        /* a raw control character */
        text[body + at] = '\t';
        snprintf(want, sizeof want, "JSONL line 1, column %d (/a): a control character (0x09) inside a string must be escaped",
                 body + at + 1);
        jt_expect_error(text, (size_t)n, NULL, QV_ERR_INVALID_DATA, want);
        /* an escape and a valid two-byte character read back */
        text[body + at] = '\\';
        if (at + 1 < len) {
          text[body + at + 1] = 'n';
          qv_table *t = jt_read(text, NULL);
          qv_table_release(t);
          text[body + at] = (char)0xC3;
          text[body + at + 1] = (char)0xA9;
          t = jt_read(text, NULL);
          char *values = jt_values(t, 0);
          assert_non_null(strstr(values, "\xc3\xa9"));
          free(values);
          qv_table_release(t);
        }
      }
    }
  }
}

static void test_binary_file(void **state) {
  (void)state;
  const char png[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
  jt_expect_error(png, sizeof png - 1, NULL, QV_ERR_INVALID_DATA,
                  "JSONL line 1, column 1: expected a JSON object (one per row), found byte 0x89");
  const char nul[] = "{\"a\":1}\n\x00\x01\x02";
  jt_expect_error(nul, sizeof nul - 1, NULL, QV_ERR_INVALID_DATA, "JSONL line 2, column 1: expected a JSON object");
}

static void test_very_long_line(void **state) {
  (void)state;
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_line_length = 16;
  EXPECT("{\"a\":1}\n{\"a\":\"0123456789abcdef\"}\n", &o, QV_ERR_LIMIT,
         "JSONL line 2, column 1: the line is longer than 16 bytes (max_line_length)");
  o.max_line_length = 0;
  o.max_input_size = 8;
  EXPECT("{\"a\":12345}\n", &o, QV_ERR_LIMIT, "JSONL input of 12 bytes is past the limit of 8 (max_input_size)");
}

static void test_too_deep(void **state) {
  (void)state;
  char text[300];
  size_t n = 0;
  text[n++] = '{';
  text[n++] = '"';
  text[n++] = 'a';
  text[n++] = '"';
  text[n++] = ':';
  for (int k = 0; k < 200; k++) text[n++] = '[';
  text[n] = '\0';
  EXPECT(text, NULL, QV_ERR_LIMIT, "objects and arrays nested deeper than 64 (max_depth)");
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_depth = 2;
  EXPECT("{\"a\":{\"b\":{}}}\n", &o, QV_ERR_LIMIT, "JSONL line 1, column 11 (/a/b): objects and arrays nested deeper than 2");
}

static void test_kind_changes(void **state) {
  (void)state;
  EXPECT("{\"a\":1}\n{\"a\":\"x\"}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 2, column 6 (/a): the column changed from number to string");
  EXPECT("{\"a\":true}\n{\"a\":1}\n", NULL, QV_ERR_INVALID_DATA, "(/a): the column changed from boolean to number");
  EXPECT("{\"a\":1}\n{\"a\":{\"b\":1}}\n", NULL, QV_ERR_INVALID_DATA, "(/a): the column changed from number to object");
  EXPECT("{\"a\":[1,\"x\"]}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 9 (/a/[]): the column changed from number to string");
  EXPECT("{\"a\":[]}\n{\"a\":{}}\n", NULL, QV_ERR_INVALID_DATA, "(/a): the column changed from array to object");
}

static void test_duplicate_key(void **state) {
  (void)state;
  EXPECT("{\"a\":1,\"a\":2}\n", NULL, QV_ERR_INVALID_DATA,
         "JSONL line 1, column 8 (/a): the member appears twice in one object");
  EXPECT("{\"s\":{\"x\":1,\"x\":2}}\n", NULL, QV_ERR_INVALID_DATA, "(/s/x): the member appears twice");
}

/* An object with many distinct keys (or rows that each bring a new one):
 * each key used to be looked up by scanning every member seen before it,
 * so a 7 MB line of 500,000 keys took O(k^2) name comparisons (minutes).
 * The shape's names are now hashed: a lookup compares about one name. */
static void test_many_distinct_keys_are_looked_up_by_hash(void **state) {
  (void)state;
  enum { KEYS = 20000 };
  qv__jsonl_shape *s = qv__jsonl_shape_new(QV__JSONL_STRUCT);
  assert_non_null(s);
  char name[32];
  for (int i = 0; i < KEYS; i++) {
    const int len = snprintf(name, sizeof name, "k%d", i);
    assert_int_equal(qv__jsonl_shape_find(s, name, len), -1); /* a new key, as the parser asks */
    assert_int_equal(qv__jsonl_shape_add(s, name, len, qv__jsonl_shape_new(QV__JSONL_NULL), NULL), QV_OK);
  }
  for (int i = KEYS - 1; i >= 0; i -= 7) { /* out of order: the hint does not help */
    const int len = snprintf(name, sizeof name, "k%d", i);
    assert_int_equal(qv__jsonl_shape_find(s, name, len), i);
  }
  /* A scan would have compared ~KEYS^2 / 2 = 2e8 names; hashing about 1 per lookup. */
  assert_true(s->name_compares < 8 * KEYS);
  qv__jsonl_shape *copy = qv__jsonl_shape_clone(s);
  assert_non_null(copy);
  assert_int_equal(qv__jsonl_shape_find(copy, "k12345", 6), 12345);
  assert_int_equal(qv__jsonl_shape_find(copy, "k20000", 6), -1);
  qv__jsonl_shape_free(copy);
  qv__jsonl_shape_free(s);

  /* Through the reader: one row of KEYS keys gives KEYS columns in order;
   * the same key again is still a duplicate, found through the index. */
  size_t cap = (size_t)KEYS * 16 + 64, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  text[n++] = '{';
  for (int i = 0; i < KEYS; i++) n += (size_t)snprintf(text + n, cap - n, "%s\"k%d\":%d", i ? "," : "", i, i);
  const size_t body = n;
  n += (size_t)snprintf(text + n, cap - n, "}\n");
  qv_table *t = jt_read(text, NULL);
  assert_int_equal(t->schema->n_fields, KEYS);
  assert_string_equal(t->schema->fields[KEYS - 1]->name, "k19999");
  qv_table_release(t);
  n = body + (size_t)snprintf(text + body, cap - body, ",\"k777\":1}\n");
  jt_expect_error(text, n, NULL, QV_ERR_INVALID_DATA, "(/k777): the member appears twice in one object");
  free(text);
}

static void test_empty_input(void **state) {
  (void)state;
  EXPECT("", NULL, QV_ERR_INVALID_DATA, "JSONL input is empty: expected one JSON object per line");
  EXPECT("\n \r\n\t\n", NULL, QV_ERR_INVALID_DATA, "JSONL input is empty");
}

static qv_schema *one_field_schema(const char *name, qv_type *type) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, true, NULL, &f, NULL), QV_OK);
  qv_type_release(type);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &s, NULL), QV_OK);
  qv_field_release(f);
  return s;
}

static void test_value_does_not_fit_schema(void **state) {
  (void)state;
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.schema = one_field_schema("a", qv_type_int8());
  EXPECT("{\"a\":1}\n{\"a\":300}\n", &o, QV_ERR_INVALID_DATA, "JSONL line 2, column 6 (/a): 300 is out of range for int8");
  EXPECT("{\"a\":1.5}\n", &o, QV_ERR_INVALID_DATA, "(/a): 1.5 is not a int8");
  EXPECT("{\"a\":\"1\"}\n", &o, QV_ERR_INVALID_DATA, "(/a): expected a value of type int8, found a string");
  EXPECT("{\"a\":{}}\n", &o, QV_ERR_INVALID_DATA, "(/a): expected a value of type int8, found an object");
  EXPECT("{\"a\":[1]}\n", &o, QV_ERR_INVALID_DATA, "(/a): expected a value of type int8, found an array");
  EXPECT("{\"a\":true}\n", &o, QV_ERR_INVALID_DATA, "(/a): expected a value of type int8, found true");
  qv_schema_release((qv_schema *)o.schema);
  qv_type *ts = NULL;
  assert_int_equal(qv_type_timestamp(QV_UNIT_SECOND, NULL, &ts, NULL), QV_OK);
  o.schema = one_field_schema("t", ts);
  EXPECT("{\"t\":\"yesterday\"}\n", &o, QV_ERR_INVALID_DATA, "(/t): 'yesterday' is not an ISO-8601 timestamp");
  EXPECT("{\"t\":\"2020-01-01T00:00:00.5\"}\n", &o, QV_ERR_INVALID_DATA, "has digits finer than the column's unit");
  qv_schema_release((qv_schema *)o.schema);
  o.schema = one_field_schema("d", qv_type_date32());
  EXPECT("{\"d\":\"2021-02-29\"}\n", &o, QV_ERR_INVALID_DATA, "(/d): '2021-02-29' is not a date (YYYY-MM-DD)");
  qv_schema_release((qv_schema *)o.schema);
  o.schema = one_field_schema("u", qv_type_uint32());
  EXPECT("{\"u\":-1}\n", &o, QV_ERR_INVALID_DATA, "(/u): -1 is out of range for uint32");
  qv_schema_release((qv_schema *)o.schema);
}

static void test_bad_options(void **state) {
  (void)state;
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  o.max_depth = -1;
  EXPECT("{}", &o, QV_ERR_INVALID_ARGUMENT, "limits must not be negative");
  o.max_depth = QV_JSONL_MAX_DEPTH_LIMIT + 1;
  EXPECT("{}", &o, QV_ERR_INVALID_ARGUMENT, "max_depth 65 is past the largest accepted, 64");
  o.max_depth = 0;
  o.unexpected_fields = (qv_jsonl_unexpected)7;
  EXPECT("{}", &o, QV_ERR_INVALID_ARGUMENT, "unknown unexpected_fields value 7");
  qv_field *fs[2];
  assert_int_equal(qv_field_new("a", qv_type_int64(), true, NULL, &fs[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("a", qv_type_int64(), true, NULL, &fs[1], NULL), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(fs, 2, NULL, &s, NULL), QV_OK);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  o.unexpected_fields = QV_JSONL_UNEXPECTED_INFER;
  o.schema = s;
  EXPECT("{}", &o, QV_ERR_INVALID_ARGUMENT, "JSONL schema names the field 'a' twice");
  qv_schema_release(s);
}

/* Corrupts a valid text byte by byte (deterministic); every read must fail
 * cleanly or give a fully valid table. */
static void test_mutations_never_crash(void **state) {
  (void)state;
  const char base[] = "{\"a\":1,\"b\":[1.5,null],\"c\":{\"d\":\"x\\u00e9\",\"e\":true},\"t\":\"2020-01-01\"}\n"
                      "{\"a\":2,\"b\":[],\"c\":null,\"t\":null}\n";
  const size_t n = sizeof base - 1;
  static const char replacements[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '0', 'x', '\n', '\xC3', ' '};
  char text[sizeof base];
  int accepted = 0;
  for (size_t pos = 0; pos < n; pos++) {
    for (size_t r = 0; r < sizeof replacements; r++) {
      memcpy(text, base, n);
      text[pos] = replacements[r];
      qv_table *t = NULL;
      qv_error err;
      qv_status st = qv_jsonl_read_memory(text, n, NULL, &t, &err);
      if (st == QV_OK) {
        accepted++;
        assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
        qv_table_release(t);
      } else {
        assert_null(t);
        assert_non_null(strstr(err.message, "JSONL"));
      }
    }
  }
  assert_true(accepted > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unterminated_string),
      cmocka_unit_test(test_bad_nesting),
      cmocka_unit_test(test_row_not_an_object),
      cmocka_unit_test(test_bad_syntax_inside_objects),
      cmocka_unit_test(test_bad_numbers),
      cmocka_unit_test(test_bad_escapes),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_bad_bytes_at_every_offset_of_a_string),
      cmocka_unit_test(test_binary_file),
      cmocka_unit_test(test_very_long_line),
      cmocka_unit_test(test_too_deep),
      cmocka_unit_test(test_kind_changes),
      cmocka_unit_test(test_duplicate_key),
      cmocka_unit_test(test_many_distinct_keys_are_looked_up_by_hash),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_value_does_not_fit_schema),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_mutations_never_crash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
