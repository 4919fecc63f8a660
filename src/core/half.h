/* quiver core: IEEE 754 binary16 (float16) to float, exactly. Internal. */
#ifndef QUIVER_CORE_HALF_H
#define QUIVER_CORE_HALF_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Every half value is exactly representable as a float: normal numbers move
 * their exponent bias (15 -> 127), subnormals are man * 2^-24, and
 * infinities and NaNs keep their payload. */
static inline float qv__half_to_float(uint16_t h) {
  const uint32_t sign = (uint32_t)(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {
    float f = ldexpf((float)man, -24);
    return sign ? -f : f;
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

#endif
