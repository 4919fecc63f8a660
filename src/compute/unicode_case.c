/* Simple Unicode case mapping and white space, by hand.
 *
 * No registry package was added for this (utf8proc, which Arrow uses,
 * would be a new system dependency for every build): the table below holds
 * the bicameral blocks in common use — ASCII, Latin-1, Latin Extended-A/B
 * (the regular pairs), Greek, Cyrillic, Armenian, Georgian is left out,
 * Latin Extended Additional, and fullwidth Latin — as ranges with a fixed
 * delta or alternating upper/lower pairs. Code points outside the table map
 * to themselves; docs/compute.md lists this as a difference from pyarrow,
 * which uses the full Unicode tables.
 */
#include "compute/strings_internal.h"

typedef struct case_range {
  uint32_t lo, hi; /* lower-case range, inclusive */
  int32_t delta;   /* upper = lower + delta; 0 marks alternating pairs (upper even, lower odd) */
} case_range;

/* Lower-case ranges and how they map up. Alternating ranges list the
 * whole span of pairs; the upper member is the even code point. */
static const case_range ranges[] = {
    {0x0061, 0x007A, -32},  {0x00E0, 0x00F6, -32},  {0x00F8, 0x00FE, -32}, {0x0100, 0x012F, 0},
    {0x0132, 0x0137, 0},    {0x014A, 0x0177, 0},    {0x0182, 0x0185, 0},   {0x01A0, 0x01A5, 0},
    {0x01DE, 0x01EF, 0},    {0x01F8, 0x021F, 0},    {0x0222, 0x0233, 0},   {0x0246, 0x024F, 0},
    {0x03B1, 0x03C1, -32},  {0x03C3, 0x03CB, -32},  {0x03D8, 0x03EF, 0},   {0x0430, 0x044F, -32},
    {0x0450, 0x045F, -80},  {0x0460, 0x0481, 0},    {0x048A, 0x04BF, 0},   {0x04D0, 0x052F, 0},
    {0x0561, 0x0586, -48},  {0x1E00, 0x1E95, 0},    {0x1EA0, 0x1EFF, 0},   {0xFF41, 0xFF5A, -32},
};

/* Pairs that break the patterns above: {lower, upper}. */
static const uint32_t odd_pairs[][2] = {
    {0x00FF, 0x0178}, {0x0131, 0x0049}, {0x017A, 0x0179}, {0x017C, 0x017B}, {0x017E, 0x017D}, {0x00B5, 0x039C},
    {0x03C2, 0x03A3}, {0x03AC, 0x0386}, {0x03AD, 0x0388}, {0x03AE, 0x0389}, {0x03AF, 0x038A}, {0x03CC, 0x038C},
    {0x03CD, 0x038E}, {0x03CE, 0x038F}, {0x013A, 0x0139}, {0x013C, 0x013B}, {0x013E, 0x013D}, {0x0140, 0x013F},
    {0x0142, 0x0141}, {0x0144, 0x0143}, {0x0146, 0x0145}, {0x0148, 0x0147}, {0x04CF, 0x04C0}, {0x04C2, 0x04C1},
    {0x04C4, 0x04C3}, {0x04C6, 0x04C5}, {0x04C8, 0x04C7}, {0x04CA, 0x04C9}, {0x04CC, 0x04CB}, {0x04CE, 0x04CD},
};

uint32_t qv__unicode_upper(uint32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
  for (size_t k = 0; k < sizeof odd_pairs / sizeof *odd_pairs; k++)
    if (odd_pairs[k][0] == cp) return odd_pairs[k][1];
  for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
    const case_range *r = &ranges[k];
    if (r->delta != 0) {
      if (cp >= r->lo && cp <= r->hi && cp != 0x00F7) return (uint32_t)((int32_t)cp + r->delta);
    } else if (cp >= r->lo && cp <= r->hi && (cp & 1) == 1) {
      return cp - 1;
    }
  }
  return cp;
}

uint32_t qv__unicode_lower(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  for (size_t k = 0; k < sizeof odd_pairs / sizeof *odd_pairs; k++)
    if (odd_pairs[k][1] == cp && odd_pairs[k][0] != 0x0131 && odd_pairs[k][0] != 0x00B5 && odd_pairs[k][0] != 0x03C2)
      return odd_pairs[k][0];
  if (cp == 0x0130) return 0x0069; /* I with dot above */
  for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
    const case_range *r = &ranges[k];
    if (r->delta != 0) {
      uint32_t lo = (uint32_t)((int32_t)r->lo + r->delta), hi = (uint32_t)((int32_t)r->hi + r->delta);
      if (cp >= lo && cp <= hi && cp != 0x00D7) return (uint32_t)((int32_t)cp - r->delta);
    } else if (cp >= r->lo && cp <= r->hi && (cp & 1) == 0) {
      return cp + 1;
    }
  }
  return cp;
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
