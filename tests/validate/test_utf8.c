/* Tests for src/validate/utf8.c: edge cases of well-formedness, every
 * alignment of a bad byte inside long ASCII runs (the 32/8-byte fast
 * paths), an exhaustive comparison with an independent reference decoder
 * over all 1..3-byte inputs and a deterministic sample of 4..6-byte ones,
 * and the messages arrays get.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/hand.h"
#include "core/utf8.h"

/* Reference: decode code points arithmetically, then reject overlongs,
 * surrogates and values above U+10FFFF (a different method from utf8.c's
 * byte-range tables). */
static int64_t ref_prefix(const uint8_t *s, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    int len;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (int k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return i;
    if (cp >= 0xD800 && cp <= 0xDFFF) return i;
    if (cp > 0x10FFFF) return i;
    i += len;
  }
  return n;
}

static int64_t check(const char *s, int64_t n) {
  const int64_t got = qv__utf8_valid_prefix((const uint8_t *)s, n);
  assert_int_equal(got, ref_prefix((const uint8_t *)s, n));
  return got;
}
#define VALID(lit) assert_int_equal(check(lit, (int64_t)sizeof(lit) - 1), (int64_t)sizeof(lit) - 1)
#define BAD_AT(lit, at) assert_int_equal(check(lit, (int64_t)sizeof(lit) - 1), at)

static void test_well_formed_edges(void **state) {
  (void)state;
  VALID("");
  VALID("plain ascii");
  VALID("\x7F");
  VALID("\xC2\x80");             /* U+0080 smallest 2-byte */
  VALID("\xDF\xBF");             /* U+07FF */
  VALID("\xE0\xA0\x80");         /* U+0800 smallest 3-byte */
  VALID("\xED\x9F\xBF");         /* U+D7FF just below the surrogates */
  VALID("\xEE\x80\x80");         /* U+E000 just above */
  VALID("\xEF\xBF\xBF");         /* U+FFFF */
  VALID("\xF0\x90\x80\x80");     /* U+10000 smallest 4-byte */
  VALID("\xF4\x8F\xBF\xBF");     /* U+10FFFF the maximum */
  VALID("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

static void test_ill_formed_edges(void **state) {
  (void)state;
  BAD_AT("\x80", 0);             /* lone continuation */
  BAD_AT("ab\xBF", 2);
  BAD_AT("\xC0\x80", 0);         /* overlong NUL */
  BAD_AT("\xC1\xBF", 0);         /* overlong 2-byte */
  BAD_AT("x\xE0\x80\x80", 1);    /* overlong 3-byte */
  BAD_AT("\xE0\x9F\xBF", 0);
  BAD_AT("\xF0\x80\x80\x80", 0); /* overlong 4-byte */
  BAD_AT("\xF0\x8F\xBF\xBF", 0);
  BAD_AT("\xED\xA0\x80", 0);     /* U+D800 */
  BAD_AT("\xED\xBF\xBF", 0);     /* U+DFFF */
  BAD_AT("\xF4\x90\x80\x80", 0); /* U+110000 */
  BAD_AT("\xF5\x80\x80\x80", 0);
  BAD_AT("\xFF", 0);
  BAD_AT("\xFE", 0);
  BAD_AT("abc\xC3", 3);          /* truncated at the end */
  BAD_AT("\xE2\x82", 0);
  BAD_AT("\xF0\x9F\x98", 0);
  BAD_AT("\xC3\x28", 0);         /* bad second byte */
  BAD_AT("\xE2\x28\xA1", 0);
  BAD_AT("\xE2\x82\x28", 0);     /* bad third byte */
  BAD_AT("\xF0\x9F\x98\x28", 0); /* bad fourth byte */
  BAD_AT("\xC3\xA9\xC3", 2);     /* good char then a truncated one */
}

static void test_descriptions(void **state) {
  (void)state;
  struct {
    const char *s;
    const char *want;
  } cases[] = {
      {"\xC3\x28", "0xC3 followed by 0x28"},
      {"\xE2\x82\x28", "0xE2 0x82 followed by 0x28"},
      {"\xC3", "truncated sequence 0xC3 at end of value"},
      {"\xF0\x9F\x98", "truncated sequence 0xF0 0x9F 0x98 at end of value"},
      {"\xC0\x80", "overlong encoding 0xC0"},
      {"\xE0\x80\x80", "overlong encoding 0xE0 0x80"},
      {"\xF0\x8F\x80\x80", "overlong encoding 0xF0 0x8F"},
      {"\xED\xA0\x80", "UTF-16 surrogate 0xED 0xA0"},
      {"\xF4\x90\x80\x80", "code point above U+10FFFF (0xF4 0x90)"},
      {"\x80", "unexpected continuation byte 0x80"},
      {"\xFF", "invalid byte 0xFF"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[96];
    const int64_t n = (int64_t)strlen(cases[i].s);
    assert_int_equal(qv__utf8_valid_prefix((const uint8_t *)cases[i].s, n), 0);
    qv__utf8_describe((const uint8_t *)cases[i].s, n, 0, buf, sizeof buf);
    assert_string_equal(buf, cases[i].want);
  }
}

/* A bad byte, and each multi-byte character, at every position of long
 * ASCII runs: exercises the 32-byte and 8-byte loops and the hand-offs. */
static void test_every_alignment(void **state) {
  (void)state;
  char buf[200];
  const char *chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  for (int len = 1; len <= 150; len += (len < 70 ? 1 : 7)) {
    for (int pos = 0; pos < len; pos++) {
      memset(buf, 'a', sizeof buf);
      buf[pos] = (char)0xFF;
      assert_int_equal(check(buf, len), pos);
      buf[pos] = (char)0x80;
      assert_int_equal(check(buf, len), pos);
      for (int c = 0; c < 3; c++) {
        const int w = c + 2;
        if (pos + w > len) {
          memset(buf, 'a', sizeof buf);
          memcpy(buf + pos, chars[c], (size_t)(len - pos)); /* truncated at the end */
          assert_int_equal(check(buf, len), pos);
          continue;
        }
        memset(buf, 'a', sizeof buf);
        memcpy(buf + pos, chars[c], (size_t)w);
        assert_int_equal(check(buf, len), len);
        buf[pos + w - 1] = 'x'; /* broken last byte */
        assert_int_equal(check(buf, len), pos);
      }
    }
  }
}

static void test_exhaustive_short(void **state) {
  (void)state;
  uint8_t s[8];
  for (uint32_t v = 0; v < 256; v++) {
    s[0] = (uint8_t)v;
    assert_int_equal(qv__utf8_valid_prefix(s, 1), ref_prefix(s, 1));
  }
  for (uint32_t v = 0; v < 65536; v++) {
    s[0] = (uint8_t)v;
    s[1] = (uint8_t)(v >> 8);
    assert_int_equal(qv__utf8_valid_prefix(s, 2), ref_prefix(s, 2));
  }
  for (uint32_t v = 0; v < (1u << 24); v++) {
    s[0] = (uint8_t)v;
    s[1] = (uint8_t)(v >> 8);
    s[2] = (uint8_t)(v >> 16);
    if (qv__utf8_valid_prefix(s, 3) != ref_prefix(s, 3)) {
      fprintf(stderr, "mismatch on %02X %02X %02X\n", s[0], s[1], s[2]);
      fail();
    }
  }
  /* 4..6 bytes from a fixed LCG, biased towards lead/continuation bytes */
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 2000000; i++) {
    const int n = 4 + i % 3;
    for (int k = 0; k < n; k++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const uint8_t r = (uint8_t)(x >> 56);
      s[k] = (k == 0 || (x & 0x100)) ? (uint8_t)(0xC0 | (r & 0x3F)) : (uint8_t)(0x80 | (r & 0x3F));
      if ((x & 0x7000) == 0) s[k] = r;
    }
    if (qv__utf8_valid_prefix(s, n) != ref_prefix(s, n)) {
      fprintf(stderr, "mismatch on a %d-byte input starting %02X %02X\n", n, s[0], s[1]);
      fail();
    }
  }
}

static void test_array_messages(void **state) {
  (void)state;
  /* one long ASCII value with a bad byte at every position */
  char text[200];
  for (int pos = 0; pos < 140; pos += 3) {
    memset(text, 'q', sizeof text);
    text[pos] = (char)0xC3;
    text[pos + 1] = 'Z';
    text[199] = '\0';
    qv_array *a = STRS("fine", text);
    char want[96];
    snprintf(want, sizeof want, "invalid UTF-8 at row 1, byte %d (0xC3 followed by 0x5A)", pos);
    expect_full_only(a, QV_ERR_INVALID_DATA, want);
    qv_array_release(a);
  }
  /* a multi-byte character across a slot boundary: each slot is invalid */
  qv_array *a = hand_array(qv_type_string(), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 3, 5, 6), hand_buf("ab\xE2\x82\xAC" "c", 6)),
                           0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "invalid UTF-8 at row 0, byte 2 (truncated sequence 0xE2 at end of value)");
  qv_array_release(a);
  /* ... but the same bytes in one slot are fine */
  a = hand_array(qv_type_string(), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 5, 6), hand_buf("ab\xE2\x82\xAC" "c", 6)), 0,
                 NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  /* a slice starting on a continuation byte */
  a = hand_array(qv_type_string(), 1, 1, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 1, 2), hand_buf("\xC3\xA9", 2)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "row 0, byte 0 (unexpected continuation byte 0xA9)");
  qv_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_well_formed_edges),
      cmocka_unit_test(test_ill_formed_edges),
      cmocka_unit_test(test_descriptions),
      cmocka_unit_test(test_every_alignment),
      cmocka_unit_test(test_exhaustive_short),
      cmocka_unit_test(test_array_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
