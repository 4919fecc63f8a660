/* Case kernels: ascii_* and utf8_* upper, lower, capitalize, title and
 * swapcase, and the character-class predicates (utf8_is_*, ascii_is_*,
 * string_is_ascii), with pyarrow's semantics.
 *
 * ASCII bytes take a byte-by-byte fast path in every kernel; other code
 * points go through utf8proc's mappings and categories (unicode_case.c).
 * Simple case mappings change one code point into one code point, and a
 * code point of 2..4 bytes maps to at most 4 bytes, so twice the input
 * length always holds the output. An ill-formed byte is copied unchanged
 * and counts as an uncased character outside every class.
 */
#include "compute/strings_internal.h"
#include "core/internal.h"
#include "quiver/compute.h"

static inline bool ascii_lower(uint8_t c) { return c >= 'a' && c <= 'z'; }
static inline bool ascii_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }

typedef enum how { HOW_UPPER, HOW_LOWER, HOW_CAPITALIZE, HOW_TITLE, HOW_SWAPCASE } how;

static how how_of(qv_case_op op) {
  switch (op) { /* the operation, once per call */
    case QV_CASE_UTF8_UPPER:
    case QV_CASE_ASCII_UPPER: return HOW_UPPER;
    case QV_CASE_UTF8_LOWER:
    case QV_CASE_ASCII_LOWER: return HOW_LOWER;
    case QV_CASE_UTF8_CAPITALIZE:
    case QV_CASE_ASCII_CAPITALIZE: return HOW_CAPITALIZE;
    case QV_CASE_UTF8_TITLE:
    case QV_CASE_ASCII_TITLE: return HOW_TITLE;
    default: return HOW_SWAPCASE;
  }
}

typedef struct case_ctx {
  how how;
  bool ascii;
} case_ctx;

/* The mapping of one code point given whether it starts a word (title) or
 * the value (capitalize); *cased tells the caller whether it was cased. */
static uint32_t map_cp(const case_ctx *c, uint32_t cp, bool first, bool *cased) {
  bool is_ascii = cp < 0x80;
  if (c->ascii && !is_ascii) {
    *cased = false;
    return cp;
  }
  if (is_ascii) {
    uint8_t b = (uint8_t)cp;
    *cased = ascii_lower(b) || ascii_upper(b);
    uint8_t up = ascii_lower(b) ? (uint8_t)(b - 32) : b, low = ascii_upper(b) ? (uint8_t)(b + 32) : b;
    switch (c->how) { /* per ASCII character: a jump the predictor learns */
      case HOW_UPPER: return up;
      case HOW_LOWER: return low;
      case HOW_CAPITALIZE:
      case HOW_TITLE: return first ? up : low;
      default: return ascii_lower(b) ? up : low;
    }
  }
  *cased = qv__unicode_is_cased(cp);
  switch (c->how) {
    case HOW_UPPER: return qv__unicode_upper(cp);
    case HOW_LOWER: return qv__unicode_lower(cp);
    case HOW_CAPITALIZE:
    case HOW_TITLE: return first ? qv__unicode_upper(cp) : qv__unicode_lower(cp);
    default:
      if (qv__unicode_is_lower(cp)) return qv__unicode_upper(cp);
      if (qv__unicode_is_upper(cp)) return qv__unicode_lower(cp);
      return cp;
  }
}

static bool case_fn(const uint8_t *p, int64_t n, qv__bytes_sink *sink, const void *ctx, const char **why) {
  const case_ctx *c = ctx;
  uint8_t *dst = qv__sink_reserve(sink, c->ascii ? n : 2 * n);
  if (dst == NULL) return (*why = "out of memory", false);
  int64_t w = 0;
  bool first = true; /* capitalize: the value's first code point; title: a word's first cased one */
  for (int64_t k = 0; k < n;) {
    uint32_t cp;
    int len = qv__utf8_decode(p + k, n - k, &cp);
    if (len == 1 && cp >= 0x80) { /* ill-formed byte, or any non-ASCII byte for ascii_*: copied */
      dst[w++] = p[k++];
      if (c->how == HOW_TITLE) first = true;
      else if (c->how == HOW_CAPITALIZE) first = false;
      continue;
    }
    bool cased;
    uint32_t m = map_cp(c, cp, first, &cased);
    if (c->ascii && cp >= 0x80) {
      memcpy(dst + w, p + k, (size_t)len);
      w += len;
    } else {
      w += qv__utf8_encode(m, dst + w);
    }
    k += len;
    if (c->how == HOW_CAPITALIZE) first = false;
    else if (c->how == HOW_TITLE) first = !cased;
  }
  qv__sink_commit(sink, w);
  return true;
}

qv_status qv_compute_case(qv_case_op op, const qv_array *a, qv_array **out, qv_error *err) {
  static const char *const names[] = {"utf8_upper",      "utf8_lower",       "ascii_upper",     "ascii_lower",
                                      "utf8_capitalize", "utf8_title",       "utf8_swapcase",   "ascii_capitalize",
                                      "ascii_title",     "ascii_swapcase"};
  if ((unsigned)op > QV_CASE_ASCII_SWAPCASE) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "case: bad operation");
  case_ctx c = {how_of(op), op == QV_CASE_ASCII_UPPER || op == QV_CASE_ASCII_LOWER || op >= QV_CASE_ASCII_CAPITALIZE};
  return qv__strings_map(names[op], a, case_fn, &c, out, err);
}

/* ---- predicates ---- */

/* Class membership of one code point (ill-formed bytes: none). */
static bool in_class(uint32_t cp, bool wellformed, bool ascii, qv_string_predicate p) {
  if (!wellformed) return false;
  if (ascii || cp < 0x80) {
    if (cp >= 0x80) return false;
    uint8_t b = (uint8_t)cp;
    bool alpha = ascii_lower(b) || ascii_upper(b), digit = b >= '0' && b <= '9';
    switch (p) { /* the predicate, decided once per call by the caller's loop */
      case QV_IS_UTF8_ALPHA:
      case QV_IS_ASCII_ALPHA: return alpha;
      case QV_IS_UTF8_DECIMAL:
      case QV_IS_ASCII_DECIMAL:
      case QV_IS_UTF8_DIGIT:
      case QV_IS_UTF8_NUMERIC: return digit;
      case QV_IS_UTF8_ALNUM:
      case QV_IS_ASCII_ALNUM: return alpha || digit;
      case QV_IS_UTF8_PRINTABLE:
      case QV_IS_ASCII_PRINTABLE: return b >= 0x20 && b < 0x7F;
      case QV_IS_UTF8_SPACE:
        if (!ascii) return qv__unicode_in_class(cp, QV__UNI_SPACE);
        /* fall through */
      case QV_IS_ASCII_SPACE: return b == ' ' || (b >= '\t' && b <= '\r');
      default: return false;
    }
  }
  switch (p) {
    case QV_IS_UTF8_ALPHA: return qv__unicode_in_class(cp, QV__UNI_ALPHA);
    case QV_IS_UTF8_DECIMAL: return qv__unicode_in_class(cp, QV__UNI_DECIMAL);
    case QV_IS_UTF8_DIGIT: return qv__unicode_in_class(cp, QV__UNI_DIGIT);
    case QV_IS_UTF8_NUMERIC: return qv__unicode_in_class(cp, QV__UNI_NUMERIC);
    case QV_IS_UTF8_ALNUM: return qv__unicode_in_class(cp, QV__UNI_ALNUM);
    case QV_IS_UTF8_PRINTABLE: return qv__unicode_in_class(cp, QV__UNI_PRINTABLE);
    case QV_IS_UTF8_SPACE: return qv__unicode_in_class(cp, QV__UNI_SPACE);
    default: return false;
  }
}

/* Case class of a code point: 0 uncased, 1 lower, 2 upper, 3 other cased (titlecase). */
static int case_class(uint32_t cp, bool wellformed, bool ascii) {
  if (!wellformed || (ascii && cp >= 0x80)) return 0;
  if (cp < 0x80) return ascii_lower((uint8_t)cp) ? 1 : ascii_upper((uint8_t)cp) ? 2 : 0;
  if (!qv__unicode_is_cased(cp)) return 0;
  return qv__unicode_is_lower(cp) ? 1 : qv__unicode_is_upper(cp) ? 2 : 3;
}

static bool holds(qv_string_predicate p, const uint8_t *s, int64_t n) {
  bool ascii = p >= QV_IS_ASCII_ALNUM;
  if (p == QV_IS_STRING_ASCII) {
    for (int64_t k = 0; k < n; k++)
      if (s[k] >= 0x80) return false;
    return true;
  }
  bool is_case = p == QV_IS_UTF8_LOWER || p == QV_IS_UTF8_UPPER || p == QV_IS_UTF8_TITLE || p == QV_IS_ASCII_LOWER ||
                 p == QV_IS_ASCII_UPPER || p == QV_IS_ASCII_TITLE;
  bool any_cased = false, previous_cased = false;
  for (int64_t k = 0; k < n;) {
    uint32_t cp;
    int len = qv__utf8_decode(s + k, n - k, &cp);
    bool wellformed = !(len == 1 && cp >= 0x80);
    k += len;
    if (!is_case) {
      if (!in_class(cp, wellformed, ascii, p)) return false;
      continue;
    }
    int cc = case_class(cp, wellformed, ascii);
    if (p == QV_IS_UTF8_TITLE || p == QV_IS_ASCII_TITLE) { /* Python's istitle */
      if (cc == 1) {
        if (!previous_cased) return false;
      } else if (cc != 0) {
        if (previous_cased) return false;
        any_cased = true;
      }
      previous_cased = cc != 0;
      continue;
    }
    bool want_lower = p == QV_IS_UTF8_LOWER || p == QV_IS_ASCII_LOWER;
    if (cc != 0 && cc != (want_lower ? 1 : 2)) return false;
    any_cased |= cc != 0;
  }
  if (is_case) return any_cased;
  return n > 0 || p == QV_IS_UTF8_PRINTABLE || p == QV_IS_ASCII_PRINTABLE;
}

qv_status qv_compute_string_predicate(qv_string_predicate p, const qv_array *a, qv_array **out, qv_error *err) {
  static const char *const names[] = {
      "utf8_is_alnum",   "utf8_is_alpha",     "utf8_is_decimal", "utf8_is_digit",   "utf8_is_lower",
      "utf8_is_numeric", "utf8_is_printable", "utf8_is_space",   "utf8_is_title",   "utf8_is_upper",
      "ascii_is_alnum",  "ascii_is_alpha",    "ascii_is_decimal", "ascii_is_lower", "ascii_is_printable",
      "ascii_is_space",  "ascii_is_title",    "ascii_is_upper",  "string_is_ascii"};
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL || (unsigned)p > QV_IS_STRING_ASCII)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "string predicate: bad arguments");
  *out = NULL;
  const char *fn = names[p];
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__compute_new_bitmap(a->length, &values, err);
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *s;
    int64_t n;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &s, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn, (long long)i);
      break;
    }
    if (holds(p, s, n)) qv_bit_set(values->data, i);
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(qv_type_bool(), a->length, validity, values, out, err);
}
