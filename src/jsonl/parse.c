/* quiver jsonl: the parser, one recursive descent over the text that either
 * infers (pass 1: every value is unified into its column's shape) or builds
 * (pass 2: every value is appended to the builder bound to its shape).
 *
 * Why hand-written: a row is appended to builders straight from the bytes,
 * with no tree in between (jansson allocates a node per value and a hash
 * table per object, and reports no columns); every position is known, so
 * errors name line and column; and the bounds (nesting depth, row length)
 * are checked where they matter. The grammar is RFC 8259 plus NaN, Infinity
 * and -Infinity (which pyarrow reads too).
 *
 * Invariants: ps->p never passes ps->end; ps->line and ps->line_start
 * describe the line ps->p is on (line breaks occur only in white space:
 * raw control characters inside strings are an error); the recursion is at
 * most max_depth deep, so the C stack is bounded; in pass 2 every member of
 * a struct gets exactly one slot per object (missing ones null, duplicates
 * an error), so children stay aligned.
 */
#include <math.h>
#include <stdarg.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/float_text.h"
#include "core/iso8601.h"
#include "core/utf8.h"
#include "jsonl/internal.h"

#define DATA QV_ERR_INVALID_DATA

/* ---- positions and messages ---- */

static void describe_byte(const uint8_t *p, const uint8_t *end, char *buf, size_t cap) {
  if (p >= end) snprintf(buf, cap, "the end of the input");
  else if (*p == '\n' || *p == '\r') snprintf(buf, cap, "the end of the line");
  else if (*p >= 0x21 && *p < 0x7F) snprintf(buf, cap, "'%c'", *p);
  else snprintf(buf, cap, "byte 0x%02X", *p);
}

static size_t format_path(const qv__jsonl_parser *ps, int32_t depth, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (int32_t d = 0; d < depth && len + 1 < cap; d++) {
    const qv__jsonl_step *s = &ps->path[d];
    int w;
    if (s->len < 0) w = snprintf(buf + len, cap - len, "/[]");
    else w = snprintf(buf + len, cap - len, "/%.*s", (int)(s->len > 64 ? 64 : s->len), s->name);
    if (w < 0) break;
    len += (size_t)w;
    if (len >= cap) len = cap - 1;
  }
  return len;
}

qv_status qv__jsonl_fail_at(qv__jsonl_parser *ps, const uint8_t *at, int32_t depth, qv_status code,
                            const char *fmt, ...) {
  char msg[320], path[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int64_t line = ps->line;
  const uint8_t *line_start = ps->line_start;
  if (at < line_start) { /* an earlier line: count from the start */
    line = 1;
    line_start = ps->base;
    for (const uint8_t *q = ps->base; q < at; q++)
      if (*q == '\n') line++, line_start = q + 1;
  }
  const size_t plen = format_path(ps, depth, path, sizeof path);
  return qv_error_set(ps->err, code, "JSONL line %lld, column %lld%s%s%s: %s", (long long)line,
                      (long long)(at - line_start + 1), plen ? " (" : "", path, plen ? ")" : "", msg);
}

static qv_status expected(qv__jsonl_parser *ps, int32_t depth, const char *what) {
  char found[32];
  describe_byte(ps->p, ps->end, found, sizeof found);
  return qv__jsonl_fail_at(ps, ps->p, depth, DATA, "expected %s, found %s", what, found);
}

static inline void skip_ws(qv__jsonl_parser *ps) {
  const uint8_t *p = ps->p, *end = ps->end;
  if (p < end && *p > ' ') return; /* the usual cases: no white space, */
  if (end - p >= 2 && p[0] == ' ' && p[1] > ' ') { /* or one space (after ':' and ',') */
    ps->p = p + 1;
    return;
  }
  while (p < end) {
    const uint8_t c = *p;
    if (c == ' ' || c == '\t' || c == '\r') {
      p++;
    } else if (c == '\n') {
      p++;
      ps->line++;
      ps->line_start = p;
    } else {
      break;
    }
  }
  ps->p = p;
}

/* ---- strings ---- */

static bool grow_scratch(qv__jsonl_parser *ps, size_t need) {
  if (need <= ps->scratch_cap) return true;
  size_t cap = ps->scratch_cap ? ps->scratch_cap : 256;
  while (cap < need) cap *= 2;
  char *grown = realloc(ps->scratch, cap);
  if (grown == NULL) return false;
  ps->scratch = grown;
  ps->scratch_cap = cap;
  return true;
}

static int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool read_hex4(const uint8_t *p, const uint8_t *end, uint32_t *out) {
  if (end - p < 4) return false;
  uint32_t v = 0;
  for (int k = 0; k < 4; k++) {
    const int h = hex_value(p[k]);
    if (h < 0) return false;
    v = v * 16 + (uint32_t)h;
  }
  *out = v;
  return true;
}

static size_t encode_utf8(uint32_t cp, char *o) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Decodes the escapes of the string whose body starts at `from` (ps->p is
 * at the first backslash) into ps->scratch, up to the closing quote. */
static qv_status unescape(qv__jsonl_parser *ps, int32_t depth, const uint8_t *open, const uint8_t *from,
                          const char **s, int64_t *n) {
  const uint8_t *p = ps->p, *end = ps->end;
  /* The decoded text is never longer than the raw text. */
  size_t len = (size_t)(p - from);
  const uint8_t *close = p;
  while (close < end && *close != '"') close += *close == '\\' ? 2 : 1;
  if (!grow_scratch(ps, (size_t)(close - from) + 8))
    return qv_error_set(ps->err, QV_ERR_NO_MEMORY, "out of memory (JSONL string)");
  char *o = ps->scratch;
  memcpy(o, from, len);
  while (p < end) {
    const uint8_t c = *p;
    if (c == '"') {
      ps->p = p + 1;
      *s = ps->scratch;
      *n = (int64_t)len;
      return QV_OK;
    }
    if (c == '\n' || c == '\r') {
      ps->p = p;
      return qv__jsonl_fail_at(ps, open, depth, DATA, "the string that opens here is not closed before the line ends");
    }
    if (c < 0x20) {
      ps->p = p;
      return qv__jsonl_fail_at(ps, p, depth, DATA, "a control character (0x%02X) inside a string must be escaped", c);
    }
    if (c != '\\') {
      o[len++] = (char)c;
      p++;
      continue;
    }
    if (end - p < 2) break;
    const uint8_t e = p[1];
    char simple = 0;
    switch (e) {
      case '"': simple = '"'; break;
      case '\\': simple = '\\'; break;
      case '/': simple = '/'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      default: break;
    }
    if (simple) {
      o[len++] = simple;
      p += 2;
      continue;
    }
    if (e != 'u') {
      ps->p = p;
      return qv__jsonl_fail_at(ps, p, depth, DATA, "invalid escape '\\%c' in a string", e >= 0x21 && e < 0x7F ? e : '?');
    }
    uint32_t cp;
    if (!read_hex4(p + 2, end, &cp)) {
      ps->p = p;
      return qv__jsonl_fail_at(ps, p, depth, DATA, "\\u must be followed by four hex digits");
    }
    const uint8_t *esc = p;
    p += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !read_hex4(p + 2, end, &low) || low < 0xDC00 ||
          low > 0xDFFF) {
        ps->p = esc;
        return qv__jsonl_fail_at(ps, esc, depth, DATA, "a UTF-16 high surrogate \\u%04X without its low half", cp);
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      p += 6;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      ps->p = esc;
      return qv__jsonl_fail_at(ps, esc, depth, DATA, "a lone UTF-16 low surrogate \\u%04X", cp);
    }
    len += encode_utf8(cp, o + len);
  }
  ps->p = end;
  return qv__jsonl_fail_at(ps, open, depth, DATA, "the string that opens here is never closed");
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The first byte of [p, end) that ends a plain run of string text (a '"',
 * a '\\' or a control character), or end; *high gets the OR of the bytes
 * before it (its high bit: some byte is not ASCII). The CSV scanners
 * look for a few given bytes; a string ends on a range of bytes too (the
 * controls), so this one compares against it: 16 bytes at a time with
 * SSE2 (every x86-64 has it), else 8 in a word. */
static inline const uint8_t *string_run_end(const uint8_t *p, const uint8_t *end, uint8_t *high) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), controls = _mm_set1_epi8(0x1F);
  __m128i seen = _mm_setzero_si128();
  while (end - p >= 16) {
    const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)),
                                      _mm_cmpeq_epi8(_mm_min_epu8(w, controls), w)); /* w <= 0x1F */
    const unsigned bits = (unsigned)_mm_movemask_epi8(stop);
    if (bits) {
      const unsigned before = bits & (0u - bits); /* lowest stop bit */
      const unsigned hi = (unsigned)_mm_movemask_epi8(w) & (before - 1);
      if (hi || _mm_movemask_epi8(seen)) *high |= 0x80;
      return p + __builtin_ctz(bits);
    }
    seen = _mm_or_si128(seen, w);
    p += 16;
  }
  if (_mm_movemask_epi8(seen)) *high |= 0x80;
#endif
  while (end - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* the first byte in the low byte */
#endif
    const uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
    /* zero-byte tests: exact for the lowest flagged byte, which is all
     * that is used (bytes above it may be flagged by a borrow) */
    const uint64_t stop = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w);
    const uint64_t flags = stop & HIGHS;
    if (flags) {
      const int at = __builtin_ctzll(flags) >> 3;
      const uint64_t before = at ? w & (~0ULL >> (64 - 8 * at)) : 0;
      if (before & HIGHS) *high |= 0x80;
      return p + at;
    }
    if (w & HIGHS) *high |= 0x80;
    p += 8;
  }
  while (p < end) {
    const uint8_t c = *p;
    if (c == '"' || c == '\\' || c < 0x20) break;
    *high |= c;
    p++;
  }
  return p;
}

/* Reads the string at ps->p (a '"'): its text is *s[0, *n), in the input
 * when it has no escapes, else in ps->scratch (valid until the next string). */
static qv_status read_string(qv__jsonl_parser *ps, int32_t depth, const char **s, int64_t *n) {
  const uint8_t *open = ps->p, *end = ps->end;
  uint8_t high = 0;
  const uint8_t *p = string_run_end(open + 1, end, &high);
  qv_status st = QV_OK;
  if (p < end && *p == '"') {
    *s = (const char *)open + 1;
    *n = p - open - 1;
    ps->p = p + 1;
  } else if (p < end && *p == '\\') {
    ps->p = p;
    QV_RETURN_IF_ERROR(unescape(ps, depth, open, open + 1, s, n));
    high = 0x80; /* check the raw text: escapes are ASCII */
  } else if (p < end && (*p == '\n' || *p == '\r')) {
    ps->p = p;
    return qv__jsonl_fail_at(ps, open, depth, DATA, "the string that opens here is not closed before the line ends");
  } else if (p < end) {
    ps->p = p;
    return qv__jsonl_fail_at(ps, p, depth, DATA, "a control character (0x%02X) inside a string must be escaped", *p);
  } else {
    ps->p = end;
    return qv__jsonl_fail_at(ps, open, depth, DATA, "the string that opens here is never closed");
  }
  if (high & 0x80) {
    const uint8_t *raw = open + 1;
    const int64_t raw_len = ps->p - 1 - raw;
    const int64_t valid = qv__utf8_valid_prefix(raw, raw_len);
    if (valid != raw_len) {
      char why[96];
      qv__utf8_describe(raw, raw_len, valid, why, sizeof why);
      st = qv__jsonl_fail_at(ps, raw + valid, depth, DATA, "invalid UTF-8 in a string: %s", why);
    }
  }
  return st;
}

/* ---- numbers ---- */

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static bool literal(qv__jsonl_parser *ps, const char *word, size_t len) {
  if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len) != 0) return false;
  ps->p += len;
  return true;
}

/* Reads the number at ps->p. With !want_value (inference) only the syntax
 * and whether it is an int64 are needed: the float conversion, the costly
 * part, is skipped. */
static qv_status read_number(qv__jsonl_parser *ps, int32_t depth, qv__jsonl_number *out, bool want_value) {
  const uint8_t *start = ps->p, *p = start, *end = ps->end;
  const bool neg = p < end && *p == '-';
  if (neg) p++;
  if (p < end && (*p == 'I' || *p == 'N')) {
    ps->p = p;
    if (literal(ps, "Infinity", 8)) {
      out->is_int = false;
      out->d = neg ? -INFINITY : INFINITY;
      return QV_OK;
    }
    if (!neg && literal(ps, "NaN", 3)) {
      out->is_int = false;
      out->d = NAN;
      return QV_OK;
    }
    ps->p = start;
    return expected(ps, depth, "a value (object, array, string, number, true, false or null)");
  }
  if (p >= end || !is_digit(*p)) {
    ps->p = p;
    return expected(ps, depth, "a digit");
  }
  uint64_t mantissa = 0;
  int digits = 0; /* digits accumulated into mantissa */
  bool lost = false; /* more digits than mantissa holds exactly */
  if (*p == '0') {
    p++;
    if (p < end && is_digit(*p)) {
      ps->p = p;
      return qv__jsonl_fail_at(ps, start, depth, DATA, "a number must not have a leading zero");
    }
  } else {
    uint64_t eight; /* (while the 19 digits mantissa holds are not reached) */
    for (; end - p >= 8 && digits <= 11 && qv__eight_digits((const char *)p, &eight); p += 8, digits += 8)
      mantissa = mantissa * 100000000 + eight;
    while (p < end && is_digit(*p)) {
      if (digits < 19) mantissa = mantissa * 10 + (uint64_t)(*p - '0'), digits++;
      else lost = true;
      p++;
    }
  }
  bool is_float = false;
  int64_t exp10 = 0; /* meaningful only when no digit was lost */
  if (p < end && *p == '.') {
    is_float = true;
    p++;
    if (p >= end || !is_digit(*p)) {
      ps->p = p;
      return expected(ps, depth, "a digit after the decimal point");
    }
    uint64_t eight;
    for (; end - p >= 8 && digits <= 11 && qv__eight_digits((const char *)p, &eight); p += 8, digits += 8, exp10 -= 8)
      mantissa = mantissa * 100000000 + eight;
    while (p < end && is_digit(*p)) {
      if (digits < 19) mantissa = mantissa * 10 + (uint64_t)(*p - '0'), digits++, exp10--;
      else lost = true;
      p++;
    }
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    is_float = true;
    p++;
    bool eneg = false;
    if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
    if (p >= end || !is_digit(*p)) {
      ps->p = p;
      return expected(ps, depth, "a digit in the exponent");
    }
    int64_t e = 0;
    while (p < end && is_digit(*p)) {
      if (e < 100000) e = e * 10 + (*p - '0');
      p++;
    }
    exp10 += eneg ? -e : e;
  }
  ps->p = p;
  if (!is_float && !lost) {
    /* An integer of at most 19 digits: int64 unless past its range. */
    if (!neg && mantissa <= (uint64_t)INT64_MAX) {
      out->is_int = true;
      out->i = (int64_t)mantissa;
      return QV_OK;
    }
    if (neg && mantissa <= (uint64_t)INT64_MAX + 1) {
      out->is_int = true;
      out->i = mantissa == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mantissa;
      return QV_OK;
    }
  }
  out->is_int = false;
  if (!want_value) {
    out->d = 0;
    return QV_OK;
  }
  if (!lost && qv__float_from_decimal(mantissa, exp10, neg, &out->d)) return QV_OK;
  /* strtod needs a terminator; the syntax was checked above, so it sees a
   * plain decimal number (no hex, no locale-dependent text). */
  const size_t len = (size_t)(p - start);
  if (!grow_scratch(ps, len + 1)) return qv_error_set(ps->err, QV_ERR_NO_MEMORY, "out of memory (JSONL number)");
  memcpy(ps->scratch, start, len);
  ps->scratch[len] = '\0';
  out->d = strtod(ps->scratch, NULL);
  if (isinf(out->d))
    return qv__jsonl_fail_at(ps, start, depth, DATA, "the number %.*s is too large for float64",
                             (int)(len > 40 ? 40 : len), ps->scratch);
  return QV_OK;
}

/* ---- values ---- */

static qv_status value(qv__jsonl_parser *ps, qv__jsonl_shape *sh, int32_t depth);

/* Pass 1: kind `k` met in inferred shape sh. */
static qv_status unify(qv__jsonl_parser *ps, qv__jsonl_shape *sh, qv__jsonl_kind k, const uint8_t *at, int32_t depth) {
  const qv__jsonl_kind cur = sh->kind;
  if (cur == k) return QV_OK;
  if (cur == QV__JSONL_NULL) {
    sh->kind = k;
    return QV_OK;
  }
  if ((cur == QV__JSONL_INT && k == QV__JSONL_FLOAT) || (cur == QV__JSONL_TIMESTAMP && k == QV__JSONL_STRING)) {
    sh->kind = k;
    return QV_OK;
  }
  if ((cur == QV__JSONL_FLOAT && k == QV__JSONL_INT) || (cur == QV__JSONL_STRING && k == QV__JSONL_TIMESTAMP))
    return QV_OK;
  return qv__jsonl_fail_at(ps, at, depth, DATA, "the column changed from %s to %s", qv__jsonl_kind_json_name(cur),
                           qv__jsonl_kind_json_name(k));
}

/* Pass 2: the value at `at` has no place in sh's type. */
static qv_status mismatch(qv__jsonl_parser *ps, const qv__jsonl_shape *sh, const uint8_t *at, int32_t depth,
                          const char *found) {
  char type[96];
  qv_type_format(sh->type, type, sizeof type);
  return qv__jsonl_fail_at(ps, at, depth, DATA, "expected a value of type %s, found %s", type, found);
}

static qv_status builder_failed(qv__jsonl_parser *ps, const qv__jsonl_shape *sh, const uint8_t *at, int32_t depth,
                                qv_status st) {
  return qv__jsonl_fail_at(ps, at, depth, st, "%s", qv_builder_error(sh->builder)->message);
}

/* Speculative pass 2: the inferred shapes would have to change for this
 * value (see qv__jsonl_parser). */
static qv_status diverge(qv__jsonl_parser *ps) {
  ps->diverged = true;
  return QV_ERR_INVALID_DATA;
}

/* Speculative pass 2: whether inferred shape sh stays as it is when pass 1
 * meets a value of kind k (unify's rules). */
static bool kind_fits(const qv__jsonl_shape *sh, qv__jsonl_kind k) {
  const qv__jsonl_kind cur = sh->kind;
  return cur == k || (cur == QV__JSONL_FLOAT && k == QV__JSONL_INT) ||
         (cur == QV__JSONL_STRING && k == QV__JSONL_TIMESTAMP);
}

/* The member name at ps->p (a '"'), when it is the member struct shape s
 * expects next (its hint) written plainly: its index, with ps->p past the
 * closing quote and the hint moved on, as qv__jsonl_shape_find would.
 * Else -1 and ps->p unchanged. Equal to reading the string: plain text
 * has no escapes, and the name's bytes were validated when first read. */
static inline int32_t expected_member(qv__jsonl_parser *ps, qv__jsonl_shape *s) {
  const int32_t i = s->hint;
  if (i >= s->n_members || !s->name_plain[i]) return -1;
  const int64_t len = s->name_lens[i];
  const uint8_t *text = ps->p + 1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (len < 8 && ps->end - text >= 8) {
    /* name and closing quote in one word (names are NUL-padded) */
    uint64_t w, name;
    memcpy(&w, text, 8);
    memcpy(&name, s->names[i], 8);
    const uint64_t want = name | ((uint64_t)'"' << (8 * len));
    const uint64_t mask = len == 7 ? ~0ULL : ((uint64_t)1 << (8 * (len + 1))) - 1;
    if (((w ^ want) & mask) != 0) return -1;
  } else
#endif
  if (ps->end - text <= len || text[len] != '"' || memcmp(text, s->names[i], (size_t)len) != 0) {
    return -1;
  }
  ps->p = text + len + 1;
  s->hint = i + 1 < s->n_members ? i + 1 : 0;
  return i;
}

static qv_status object(qv__jsonl_parser *ps, qv__jsonl_shape *sh, int32_t depth) {
  const uint8_t *open = ps->p;
  if (depth + 1 > ps->max_depth)
    return qv__jsonl_fail_at(ps, open, depth, QV_ERR_LIMIT, "objects and arrays nested deeper than %d (max_depth)",
                             ps->max_depth);
  qv__jsonl_shape *target = sh;
  if (sh != NULL) {
    if (!ps->build) {
      if (sh->fixed == NULL) QV_RETURN_IF_ERROR(unify(ps, sh, QV__JSONL_STRUCT, open, depth));
      else if (sh->kind != QV__JSONL_STRUCT) target = NULL; /* pass 2 reports it */
    } else {
      if (sh->type->id != QV_TYPE_STRUCT) {
        if (ps->speculative && sh->fixed == NULL) return diverge(ps);
        return mismatch(ps, sh, open, depth, "an object");
      }
      target->generation++;
    }
  }
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == '}') {
    ps->p++;
  } else {
    for (;;) {
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != '"') return expected(ps, depth, "a member name in double quotes");
      const uint8_t *key_at = ps->p;
      const char *key;
      int64_t key_len;
      int32_t idx = target != NULL ? expected_member(ps, target) : -1;
      if (idx >= 0) {
        key = target->names[idx];
        key_len = target->name_lens[idx];
      } else {
        QV_RETURN_IF_ERROR(read_string(ps, depth, &key, &key_len));
      }
      const char *raw_key = (const char *)key_at + 1;
      const int64_t raw_len = ps->p - 1 - (key_at + 1);
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') return expected(ps, depth, "':' after the member name");
      ps->p++;
      qv__jsonl_shape *member = NULL;
      ps->path[depth].name = raw_key;
      ps->path[depth].len = raw_len;
      if (target != NULL) {
        if (idx < 0) idx = qv__jsonl_shape_find(target, key, key_len);
        if (idx < 0 && !target->closed) {
          if (ps->build && ps->speculative) return diverge(ps);
          if (ps->build)
            return qv__jsonl_fail_at(ps, key_at, depth + 1, QV_ERR_INVALID_ARGUMENT,
                                     "the member was not seen while inferring the schema");
          QV_RETURN_IF_ERROR(qv__jsonl_shape_add(target, key, key_len, qv__jsonl_shape_new(QV__JSONL_NULL), ps->err));
          idx = target->n_members - 1;
        } else if (idx < 0 && ps->unexpected == QV_JSONL_UNEXPECTED_ERROR) {
          return qv__jsonl_fail_at(ps, key_at, depth + 1, DATA,
                                   "unexpected field (not in the schema; unexpected_fields is error)");
        }
        if (idx >= 0) {
          member = target->members[idx];
          if (ps->build) {
            if (target->seen[idx] == target->generation)
              return qv__jsonl_fail_at(ps, key_at, depth + 1, DATA, "the member appears twice in one object");
            target->seen[idx] = target->generation;
          }
        }
      }
      QV_RETURN_IF_ERROR(value(ps, member, depth + 1));
      skip_ws(ps);
      if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        continue;
      }
      if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        break;
      }
      return expected(ps, depth, "',' or '}' after an object member");
    }
  }
  if (ps->build && target != NULL) {
    for (int32_t i = 0; i < target->n_members; i++) {
      if (target->seen[i] == target->generation) continue;
      qv_status st = qv_builder_append_null(target->members[i]->builder);
      if (st != QV_OK) return builder_failed(ps, target->members[i], open, depth, st);
    }
    if (target->builder != NULL) { /* the row object has no builder of its own */
      qv_status st = qv_builder_finish_element(target->builder);
      if (st != QV_OK) return builder_failed(ps, target, open, depth, st);
    }
  }
  return QV_OK;
}

static qv_status array(qv__jsonl_parser *ps, qv__jsonl_shape *sh, int32_t depth) {
  const uint8_t *open = ps->p;
  if (depth + 1 > ps->max_depth)
    return qv__jsonl_fail_at(ps, open, depth, QV_ERR_LIMIT, "objects and arrays nested deeper than %d (max_depth)",
                             ps->max_depth);
  qv__jsonl_shape *target = sh;
  if (sh != NULL) {
    if (!ps->build) {
      if (sh->fixed == NULL) {
        QV_RETURN_IF_ERROR(unify(ps, sh, QV__JSONL_LIST, open, depth));
        if (sh->item == NULL && (sh->item = qv__jsonl_shape_new(QV__JSONL_NULL)) == NULL)
          return qv_error_set(ps->err, QV_ERR_NO_MEMORY, "out of memory (JSONL list)");
      } else if (sh->kind != QV__JSONL_LIST) {
        target = NULL;
      }
    } else if (sh->type->id != QV_TYPE_LIST && sh->type->id != QV_TYPE_LARGE_LIST) {
      if (ps->speculative && sh->fixed == NULL) return diverge(ps);
      return mismatch(ps, sh, open, depth, "an array");
    }
  }
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
  } else {
    ps->path[depth].name = NULL;
    ps->path[depth].len = -1;
    for (;;) {
      QV_RETURN_IF_ERROR(value(ps, target ? target->item : NULL, depth + 1));
      skip_ws(ps);
      if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        continue;
      }
      if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        break;
      }
      return expected(ps, depth, "',' or ']' after an array item");
    }
  }
  if (ps->build && target != NULL) {
    qv_status st = qv_builder_finish_element(target->builder);
    if (st != QV_OK) return builder_failed(ps, target, open, depth, st);
  }
  return QV_OK;
}

/* pyarrow infers timestamp[s] for ISO dates and date-times without a
 * fraction (an offset is applied); anything else is a string. */
static bool timestamp_parse(const char *s, int64_t n, qv__iso_timestamp *t) {
  return n >= 10 && n <= 40 && qv__iso_parse_timestamp(s, n, t) && !t->has_fraction;
}

static bool timestamp_like(const char *s, int64_t n) {
  qv__iso_timestamp t;
  return timestamp_parse(s, n, &t);
}

static qv_status scalar_failed(qv__jsonl_parser *ps, const uint8_t *at, int32_t depth, qv_status st,
                               const char *why) {
  if (st == QV_ERR_NO_MEMORY) return qv_error_set(ps->err, st, "out of memory (JSONL column)");
  return qv__jsonl_fail_at(ps, at, depth, st, "%s", why);
}

static qv_status value(qv__jsonl_parser *ps, qv__jsonl_shape *sh, int32_t depth) {
  skip_ws(ps);
  if (ps->p >= ps->end) return expected(ps, depth, "a value");
  const uint8_t *at = ps->p;
  const bool infer = !ps->build && sh != NULL && sh->fixed == NULL;
  const bool append = ps->build && sh != NULL;
  /* pass 2 on an inferred shape: its kind is known (and checked when the
   * shapes come from the first rows only) */
  const bool inferred = append && sh->fixed == NULL;
  char why[200];
  qv_status st = QV_OK;
  switch (*at) {
    case '{':
      return object(ps, sh, depth);
    case '[':
      return array(ps, sh, depth);
    case '"': {
      const char *s;
      int64_t n;
      QV_RETURN_IF_ERROR(read_string(ps, depth, &s, &n));
      if (infer) {
        const bool ts = (sh->kind == QV__JSONL_NULL || sh->kind == QV__JSONL_TIMESTAMP) && timestamp_like(s, n);
        return unify(ps, sh, ts ? QV__JSONL_TIMESTAMP : QV__JSONL_STRING, at, depth);
      }
      if (inferred && sh->kind == QV__JSONL_TIMESTAMP) {
        /* timestamp[s] without a zone: the text parsed once (pass 1 made
         * sure every value is timestamp_like, unless speculative) */
        qv__iso_timestamp t;
        if (timestamp_parse(s, n, &t)) {
          if ((st = qv_builder_append_int64(sh->builder, t.seconds)) != QV_OK)
            return builder_failed(ps, sh, at, depth, st);
          return QV_OK;
        }
        if (ps->speculative) return diverge(ps);
      } else if (inferred && ps->speculative && sh->kind != QV__JSONL_STRING) {
        return diverge(ps);
      }
      if (append && (st = qv__jsonl_append_string(sh->builder, sh->type, s, n, why, sizeof why)) != QV_OK)
        return scalar_failed(ps, at, depth, st, why);
      return QV_OK;
    }
    case 't':
    case 'f': {
      const bool v = *at == 't';
      if (!(v ? literal(ps, "true", 4) : literal(ps, "false", 5))) return expected(ps, depth, "true or false");
      if (infer) return unify(ps, sh, QV__JSONL_BOOL, at, depth);
      if (inferred && ps->speculative && sh->kind != QV__JSONL_BOOL) return diverge(ps);
      if (append && (st = qv__jsonl_append_bool(sh->builder, sh->type, v, why, sizeof why)) != QV_OK)
        return scalar_failed(ps, at, depth, st, why);
      return QV_OK;
    }
    case 'n':
      if (!literal(ps, "null", 4)) return expected(ps, depth, "null");
      if (append && (st = qv_builder_append_null(sh->builder)) != QV_OK) return builder_failed(ps, sh, at, depth, st);
      return QV_OK;
    default: {
      const uint8_t c = *at;
      if (c != '-' && c != 'N' && c != 'I' && !is_digit(c))
        return expected(ps, depth, "a value (object, array, string, number, true, false or null)");
      qv__jsonl_number num;
      QV_RETURN_IF_ERROR(read_number(ps, depth, &num, append));
      if (infer) return unify(ps, sh, num.is_int ? QV__JSONL_INT : QV__JSONL_FLOAT, at, depth);
      if (inferred && ps->speculative && !kind_fits(sh, num.is_int ? QV__JSONL_INT : QV__JSONL_FLOAT))
        return diverge(ps);
      if (append && (st = qv__jsonl_append_number(sh->builder, sh->type, &num, why, sizeof why)) != QV_OK)
        return scalar_failed(ps, at, depth, st, why);
      return QV_OK;
    }
  }
}

qv_status qv__jsonl_parse_rows(qv__jsonl_parser *ps, qv__jsonl_shape *root, int64_t *rows) {
  int64_t n = 0;
  for (;;) {
    skip_ws(ps);
    if (ps->p >= ps->end) break;
    if (ps->stop != NULL && ps->p >= ps->stop) break;
    if (*ps->p != '{') return expected(ps, 0, "a JSON object (one per row)");
    ps->row_start = ps->p;
    QV_RETURN_IF_ERROR(object(ps, root, 0));
    n++;
  }
  *rows = n;
  return QV_OK;
}
