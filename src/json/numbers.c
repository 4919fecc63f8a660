/* quiver json: conversions between JSON text and Arrow value bytes.
 *
 * Pure functions, no allocation: decimal integer text (checked against the
 * int64/uint64 range), arbitrary-width decimal text <-> two's complement
 * little-endian (32..256 bits, done on 32-bit limbs), IEEE binary16 <->
 * double with round-to-nearest-even, hex, and the shortest float text that
 * reads back to the same value. Written by hand: jansson reads JSON numbers
 * only as long long / double, and no registry library does 256-bit decimal
 * text in C.
 */
#include <float.h>
#include <math.h>

#include "json/internal.h"

int qv__json_parse_u64(const char *s, size_t n, uint64_t *out) {
  if (n == 0) return -1;
  uint64_t acc = 0;
  bool overflow = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    unsigned d = (unsigned)(s[i] - '0');
    if (acc > (UINT64_MAX - d) / 10) overflow = true;
    acc = acc * 10 + d;
  }
  if (overflow) return -2;
  *out = acc;
  return 0;
}

int qv__json_parse_i64(const char *s, size_t n, int64_t *out) {
  bool neg = n > 0 && s[0] == '-';
  uint64_t mag = 0;
  int rc = qv__json_parse_u64(s + neg, n - neg, &mag);
  if (rc != 0) return rc;
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (mag > limit) return -2;
  if (neg) {
    *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
  } else {
    *out = (int64_t)mag;
  }
  return 0;
}

/* ---- decimals: up to 256 bits as 8 little-endian 32-bit limbs ---- */

static void limbs_negate(uint32_t *l, int n) {
  uint64_t carry = 1;
  for (int i = 0; i < n; i++) {
    uint64_t v = (uint64_t)(uint32_t)~l[i] + carry;
    l[i] = (uint32_t)v;
    carry = v >> 32;
  }
}

int qv__json_decimal_parse(const char *s, size_t n, int bit_width, uint8_t *out) {
  int nl = bit_width / 32;
  uint32_t l[8] = {0};
  bool neg = n > 0 && s[0] == '-';
  size_t i = neg ? 1 : 0;
  if (i == n || nl < 1 || nl > 8) return -1;
  bool overflow = false;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    uint64_t carry = (uint64_t)(s[i] - '0');
    for (int k = 0; k < nl; k++) {
      uint64_t v = (uint64_t)l[k] * 10u + carry;
      l[k] = (uint32_t)v;
      carry = v >> 32;
    }
    if (carry != 0) overflow = true;
  }
  if (overflow) return -2;
  /* Magnitude must fit: < 2^(bits-1), or == 2^(bits-1) when negative. */
  if (l[nl - 1] & 0x80000000u) {
    bool exact_min = l[nl - 1] == 0x80000000u;
    for (int k = 0; k < nl - 1 && exact_min; k++) exact_min = l[k] == 0;
    if (!(neg && exact_min)) return -2;
  }
  if (neg) limbs_negate(l, nl);
  for (int k = 0; k < nl; k++) {
    for (int b = 0; b < 4; b++) out[k * 4 + b] = (uint8_t)(l[k] >> (8 * b));
  }
  return 0;
}

size_t qv__json_decimal_format(const uint8_t *le, int bit_width, char *buf) {
  int nl = bit_width / 32;
  uint32_t l[8] = {0};
  if (nl < 1) nl = 1;
  if (nl > 8) nl = 8;
  for (int k = 0; k < nl; k++) {
    l[k] = (uint32_t)le[k * 4] | (uint32_t)le[k * 4 + 1] << 8 | (uint32_t)le[k * 4 + 2] << 16 |
           (uint32_t)le[k * 4 + 3] << 24;
  }
  bool neg = (l[nl - 1] & 0x80000000u) != 0;
  if (neg) limbs_negate(l, nl); /* the minimum stays 2^(bits-1) read as unsigned: correct */
  /* Repeated division by 10^9 gives base-1e9 chunks, least significant first. */
  uint32_t chunks[10];
  int nc = 0;
  bool zero;
  do {
    uint64_t rem = 0;
    zero = true;
    for (int k = nl - 1; k >= 0; k--) {
      uint64_t cur = (rem << 32) | l[k];
      l[k] = (uint32_t)(cur / 1000000000u);
      rem = cur % 1000000000u;
      if (l[k] != 0) zero = false;
    }
    chunks[nc++] = (uint32_t)rem;
  } while (!zero && nc < 10);
  size_t len = 0;
  if (neg) buf[len++] = '-';
  len += (size_t)snprintf(buf + len, 16, "%u", chunks[nc - 1]);
  for (int k = nc - 2; k >= 0; k--) len += (size_t)snprintf(buf + len, 16, "%09u", chunks[k]);
  return len;
}

/* ---- IEEE binary16 ---- */

uint16_t qv__json_half_from_double(double d) {
  uint16_t sign = signbit(d) ? 0x8000 : 0;
  double a = fabs(d);
  if (isnan(d)) return (uint16_t)(sign | 0x7e00);
  if (a >= 65520.0) return (uint16_t)(sign | 0x7c00); /* rounds past 65504: infinity */
  if (a < 6.103515625e-05) {                           /* below 2^-14: subnormal (or 0) */
    /* units of 2^-24; rint rounds half to even; 1024 is the smallest normal */
    return (uint16_t)(sign | (uint16_t)rint(a * 16777216.0));
  }
  int e2 = 0;
  double f = frexp(a, &e2); /* a = f * 2^e2, f in [0.5, 1) */
  int exp = e2 - 1;         /* a = (2f) * 2^exp, 2f in [1, 2) */
  double mant = rint((2.0 * f - 1.0) * 1024.0);
  /* mant == 1024 carries into the exponent, which the addition does. */
  return (uint16_t)(sign | (uint16_t)(((exp + 15) << 10) + (int)mant));
}

/* ---- hex ---- */

static int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

bool qv__json_hex_decode(const char *s, size_t n, uint8_t *out) {
  if (n % 2 != 0) return false;
  for (size_t i = 0; i < n; i += 2) {
    int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i / 2] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

void qv__json_hex_append(qv_strbuf *sb, const uint8_t *p, int64_t n) {
  static const char digits[] = "0123456789ABCDEF";
  char chunk[128];
  size_t k = 0;
  for (int64_t i = 0; i < n; i++) {
    chunk[k++] = digits[p[i] >> 4];
    chunk[k++] = digits[p[i] & 15];
    if (k == sizeof chunk) {
      qv__strbuf_append_n(sb, chunk, k);
      k = 0;
    }
  }
  qv__strbuf_append_n(sb, chunk, k);
}

/* ---- floats ---- */

static bool append_special(qv_strbuf *sb, double v) {
  if (isnan(v)) {
    qv__strbuf_append(sb, "\"NaN\"");
  } else if (isinf(v)) {
    qv__strbuf_append(sb, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    return false;
  }
  return true;
}

/* Whole numbers below 2^53 print as integers ("65504", not "6.55e+04"). */
static bool append_integral(qv_strbuf *sb, double v) {
  if (v != floor(v) || fabs(v) >= 9007199254740992.0) return false;
  /* "-0" would parse as the integer 0: negative zero must stay a real. */
  if (v == 0 && signbit(v)) {
    qv__strbuf_append(sb, "-0.0");
  } else {
    qv__strbuf_appendf(sb, "%.0f", v);
  }
  return true;
}

void qv__json_double_append(qv_strbuf *sb, double v) {
  if (append_special(sb, v) || append_integral(sb, v)) return;
  char buf[40];
  /* 15 significant digits always survive a round trip through a double, so
   * the shortest exact form has 15, 16 or 17 (trailing zeros dropped by %g). */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (prec == 17 || strtod(buf, NULL) == v) break;
  }
  qv__strbuf_append(sb, buf);
}

void qv__json_float_append(qv_strbuf *sb, float v) {
  if (append_special(sb, (double)v) || append_integral(sb, (double)v)) return;
  char buf[40];
  for (int prec = 1; prec <= 9; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, (double)v);
    if (prec == 9 || (float)strtod(buf, NULL) == v) break;
  }
  qv__strbuf_append(sb, buf);
}

/* ---- strings ---- */

void qv__json_string_append(qv_strbuf *sb, const char *s, size_t n) {
  static const char digits[] = "0123456789abcdef";
  qv__strbuf_appendc(sb, '"');
  size_t run = 0; /* start of the pending run of bytes needing no escape */
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
    qv__strbuf_append_n(sb, s + run, i - run);
    run = i + 1;
    switch (ch) {
      case '"': qv__strbuf_append(sb, "\\\""); break;
      case '\\': qv__strbuf_append(sb, "\\\\"); break;
      case '\n': qv__strbuf_append(sb, "\\n"); break;
      case '\r': qv__strbuf_append(sb, "\\r"); break;
      case '\t': qv__strbuf_append(sb, "\\t"); break;
      case '\b': qv__strbuf_append(sb, "\\b"); break;
      case '\f': qv__strbuf_append(sb, "\\f"); break;
      default: {
        char esc[7] = {'\\', 'u', '0', '0', digits[ch >> 4], digits[ch & 15], 0};
        qv__strbuf_append(sb, esc);
      }
    }
  }
  qv__strbuf_append_n(sb, s + run, n - run);
  qv__strbuf_appendc(sb, '"');
}
