/* Unicode character properties for the string kernels, from utf8proc.
 *
 * utf8proc (a Debian package, and the library Arrow C++ itself uses for
 * these kernels) holds the full Unicode tables, so quiver keeps no case
 * table of its own. The predicates below follow Arrow's definitions
 * (utf8proc has no Numeric_Type or case properties, so Arrow derives them
 * from the general category and the case mappings; quiver derives them the
 * same way to give the same answers). White space is kept by hand: it is a
 * short, stable list (Unicode White_Space).
 */
#include <utf8proc.h>

#include "compute/strings_internal.h"

uint32_t qv__unicode_upper(uint32_t cp) {
  return cp > 0x10FFFF ? cp : (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
}

uint32_t qv__unicode_lower(uint32_t cp) {
  return cp > 0x10FFFF ? cp : (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

static utf8proc_category_t category(uint32_t cp) {
  return cp > 0x10FFFF ? UTF8PROC_CATEGORY_CN : utf8proc_category((utf8proc_int32_t)cp);
}

bool qv__unicode_is_cased(uint32_t cp) {
  utf8proc_category_t c = category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
         qv__unicode_upper(cp) != cp || qv__unicode_lower(cp) != cp;
}

bool qv__unicode_is_lower(uint32_t cp) {
  utf8proc_category_t c = category(cp);
  return (c == UTF8PROC_CATEGORY_LL || (qv__unicode_upper(cp) != cp && qv__unicode_lower(cp) == cp)) &&
         c != UTF8PROC_CATEGORY_LT;
}

bool qv__unicode_is_upper(uint32_t cp) {
  utf8proc_category_t c = category(cp);
  return (c == UTF8PROC_CATEGORY_LU || (qv__unicode_upper(cp) == cp && qv__unicode_lower(cp) != cp)) &&
         c != UTF8PROC_CATEGORY_LT;
}

bool qv__unicode_in_class(uint32_t cp, qv__unicode_class k) {
  utf8proc_category_t c = category(cp);
  switch (k) { /* one class per kernel call; the categories decide */
    case QV__UNI_ALPHA:
      return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
             c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO;
    case QV__UNI_DECIMAL: return c == UTF8PROC_CATEGORY_ND;
    case QV__UNI_DIGIT: /* Arrow: Nd and No (utf8proc has no Numeric_Type to be finer) */
      return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NO;
    case QV__UNI_NUMERIC:
      return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
    case QV__UNI_ALNUM:
      return qv__unicode_in_class(cp, QV__UNI_ALPHA) || qv__unicode_in_class(cp, QV__UNI_NUMERIC);
    case QV__UNI_PRINTABLE:
      return cp == ' ' || !(c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF || c == UTF8PROC_CATEGORY_CS ||
                            c == UTF8PROC_CATEGORY_CO || c == UTF8PROC_CATEGORY_CN || c == UTF8PROC_CATEGORY_ZS ||
                            c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP);
    case QV__UNI_SPACE: {
      if (cp > 0x10FFFF) return false;
      utf8proc_propval_t b = utf8proc_get_property((utf8proc_int32_t)cp)->bidi_class;
      return b == UTF8PROC_BIDI_CLASS_WS || b == UTF8PROC_BIDI_CLASS_B || b == UTF8PROC_BIDI_CLASS_S ||
             c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
    }
    default: return false;
  }
}

bool qv__unicode_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

int qv__utf8_decode(const uint8_t *p, int64_t n, uint32_t *cp) {
  uint8_t c = p[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (len == 1 || len > n) {
    *cp = c;
    return 1;
  }
  uint32_t v = c & (0x7F >> len);
  for (int k = 1; k < len; k++) {
    if ((p[k] & 0xC0) != 0x80) {
      *cp = c;
      return 1;
    }
    v = v << 6 | (p[k] & 0x3F);
  }
  *cp = v;
  return len;
}

int qv__utf8_encode(uint32_t cp, uint8_t *out) {
  if (cp < 0x80) {
    out[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | cp >> 6);
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | cp >> 12);
    out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | cp >> 18);
  out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
  out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}
