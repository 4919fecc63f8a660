/* quiver core: UTF-8 validation with an ASCII fast path.
 *
 * The hot loop tests 32 bytes per iteration for a set high bit (four
 * unaligned 64-bit loads via memcpy, OR-ed); only when a non-ASCII byte
 * shows up does it fall back to a byte-wise decoder that follows the
 * well-formed byte ranges of Unicode Table 3-7, then it returns to the fast
 * path. Invariant: qv__utf8_valid_prefix never reads s[n] or beyond.
 */
#include "core/utf8.h"

#include <stdio.h>
#include <string.h>

#define HIGH_BITS 0x8080808080808080ULL

static inline int is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

/* Length of the well-formed sequence at s[i] (i < n), or 0 if ill-formed. */
static inline int64_t seq_len(const uint8_t *s, int64_t n, int64_t i) {
  const uint8_t c = s[i];
  const int64_t left = n - i;
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0; /* continuation byte, or overlong C0/C1 lead */
  if (c < 0xE0) return (left >= 2 && is_cont(s[i + 1])) ? 2 : 0;
  if (c < 0xF0) {
    uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return (left >= 3 && s[i + 1] >= lo && s[i + 1] <= hi && is_cont(s[i + 2])) ? 3 : 0;
  }
  if (c < 0xF5) {
    uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return (left >= 4 && s[i + 1] >= lo && s[i + 1] <= hi && is_cont(s[i + 2]) && is_cont(s[i + 3])) ? 4 : 0;
  }
  return 0;
}

int64_t qv__utf8_valid_prefix(const uint8_t *s, int64_t n) {
  int64_t i = 0;
  while (i < n) {
    while (i + 32 <= n) {
      uint64_t w0, w1, w2, w3;
      memcpy(&w0, s + i, 8);
      memcpy(&w1, s + i + 8, 8);
      memcpy(&w2, s + i + 16, 8);
      memcpy(&w3, s + i + 24, 8);
      if ((w0 | w1 | w2 | w3) & HIGH_BITS) break;
      i += 32;
    }
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & HIGH_BITS) break;
      i += 8;
    }
    /* Character by character through the non-ASCII stretch; back to the
     * word loops after the first ASCII byte. */
    while (i < n) {
      int64_t k = seq_len(s, n, i);
      if (k == 0) return i;
      i += k;
      if (k == 1) break;
    }
  }
  return n;
}

void qv__utf8_describe(const uint8_t *s, int64_t n, int64_t pos, char *buf, size_t cap) {
  const uint8_t c = s[pos];
  if (is_cont(c)) {
    snprintf(buf, cap, "unexpected continuation byte 0x%02X", c);
    return;
  }
  if (c == 0xC0 || c == 0xC1) {
    snprintf(buf, cap, "overlong encoding 0x%02X", c);
    return;
  }
  if (c >= 0xF5) {
    snprintf(buf, cap, "invalid byte 0x%02X", c);
    return;
  }
  const int need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  char tmp[32] = ""; /* the bytes of the sequence read so far, "0xE2 0x82" */
  size_t used = 0;
  for (int k = 1; k < need; k++) {
    used += (size_t)snprintf(tmp + used, sizeof tmp - used, k > 1 ? " 0x%02X" : "0x%02X", s[pos + k - 1]);
    if (pos + k >= n) {
      snprintf(buf, cap, "truncated sequence %s at end of value", tmp);
      return;
    }
    const uint8_t b = s[pos + k];
    if (k == 1) {
      if (c == 0xE0 && b >= 0x80 && b < 0xA0) {
        snprintf(buf, cap, "overlong encoding 0x%02X 0x%02X", c, b);
        return;
      }
      if (c == 0xF0 && b >= 0x80 && b < 0x90) {
        snprintf(buf, cap, "overlong encoding 0x%02X 0x%02X", c, b);
        return;
      }
      if (c == 0xED && b >= 0xA0 && b <= 0xBF) {
        snprintf(buf, cap, "UTF-16 surrogate 0x%02X 0x%02X", c, b);
        return;
      }
      if (c == 0xF4 && b >= 0x90 && b <= 0xBF) {
        snprintf(buf, cap, "code point above U+10FFFF (0x%02X 0x%02X)", c, b);
        return;
      }
    }
    if (!is_cont(b)) {
      snprintf(buf, cap, "%s followed by 0x%02X", tmp, b);
      return;
    }
  }
  snprintf(buf, cap, "ill-formed sequence starting with 0x%02X", c);
}
