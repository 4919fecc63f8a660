/* quiver core: decimal text to numbers, eight digits at a time and the
 * exact fast paths to double (internal).
 *
 * Shared by the text formats (CSV, JSON Lines): each parses the syntax of
 * its own number grammar and hands the digits here; when no fast path
 * applies the caller converts the text with strtod, so every result is the
 * correctly rounded double either way.
 */
#ifndef QUIVER_CORE_FLOAT_TEXT_H
#define QUIVER_CORE_FLOAT_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Whether s[0, 8) are all decimal digits and, if so, their value: the
 * eight bytes are read as one word and combined in three multiplications
 * (pairs, then fours, then the eight) instead of eight dependent steps. */
static inline bool qv__eight_digits(const char *s, uint64_t *out) {
  uint64_t w;
  memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  w = __builtin_bswap64(w); /* the first digit in the low byte */
#endif
  const uint64_t highs = 0xF0F0F0F0F0F0F0F0ULL, zeros = 0x3030303030303030ULL;
  /* '0'..'9' are 0x30..0x39: high nibble 3, and adding 6 does not carry out of it */
  if ((w & highs) != zeros || ((w + 0x0606060606060606ULL) & highs) != zeros) return false;
  w -= zeros;                                          /* byte k: digit k (digit 0 the most significant) */
  w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFULL;     /* 16-bit lanes: two digits each, < 100 */
  w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFULL;   /* 32-bit lanes: four digits each, < 10000 */
  *out = (w & 0xFFFF) * 10000 + (w >> 32);
  return true;
}

/* The double nearest to (neg ? -1 : 1) * mantissa * 10^scale, where
 * mantissa holds every significant digit of the text (at most 19 digits,
 * none dropped). False when no exact fast path applies: the caller then
 * converts the text with strtod. */
bool qv__float_from_decimal(uint64_t mantissa, int64_t scale, bool neg, double *out);

#endif
