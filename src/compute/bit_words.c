/* Bitmaps read as 64-bit words at any bit offset (bit_words.h).
 *
 * Interior words are one unaligned 8-byte load (plus the next byte when the
 * bit position is not a multiple of 8); the last, partial word goes
 * through qv__bits_word, which reads only the bytes its bits live in. So
 * nothing is read past byte (bit0 + len + 7) / 8, which structural
 * validation guarantees present for an array's window.
 */
#include "compute/bit_words.h"

#include "compute/aggregate_internal.h"

void qv__bitmap_words(const uint8_t *bits, int64_t bit0, int64_t len, uint64_t *words, bool and_into) {
  const int64_t full = len / 64, rest = len % 64;
  const uint8_t *p = bits + (bit0 >> 3);
  const int shift = (int)(bit0 & 7);
  for (int64_t j = 0; j < full; j++) {
    uint64_t w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&w, p + 8 * j, 8);
    if (shift != 0) w = (w >> shift) | ((uint64_t)p[8 * j + 8] << (64 - shift));
#else
    w = qv__bits_word(bits, bit0 + 64 * j, 64);
#endif
    words[j] = and_into ? words[j] & w : w;
  }
  if (rest > 0) {
    uint64_t w = qv__bits_word(bits, bit0 + 64 * full, rest);
    words[full] = and_into ? words[full] & w : w;
  }
}
