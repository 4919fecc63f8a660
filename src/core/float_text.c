/* quiver core: decimal text to double, the exact fast paths (see
 * float_text.h). Both paths round exactly once to the nearest double, as
 * strtod does, or decline.
 */
#include "core/float_text.h"

#include <float.h>
#include <string.h>

bool qv__float_from_decimal(uint64_t mantissa, int64_t scale, bool neg, double *out) {
  /* Clinger's fast path: a mantissa up to 2^53 and a power of ten up to
   * 1e22 are both exact doubles, so one multiplication or division gives
   * the correctly rounded result, as strtod would. */
  static const double k_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (mantissa <= ((uint64_t)1 << 53) && scale >= -22 && scale <= 22) {
    double v = (double)mantissa;
    v = scale < 0 ? v / k_pow10[-scale] : v * k_pow10[scale];
    *out = neg ? -v : v;
    return true;
  }
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
  /* The same in x87 extended precision, for the 17-digit mantissas that
   * printed doubles have: up to 19 digits and 10^27 are exact in 64 bits,
   * so the quotient or product is rounded once to 64 bits and then to 53.
   * That double rounding can only go wrong when the 64-bit result lies
   * exactly halfway between two doubles (its low 11 bits are 0x400); then
   * strtod decides. */
  if (scale >= -27 && scale <= 27 && mantissa != 0) {
    /* 10^k = 5^k 2^k is exact while 5^k < 2^64, i.e. up to k = 27 */
    static const long double k_pow10l[28] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                             1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                             1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
    const long double p = k_pow10l[scale < 0 ? -scale : scale];
    const long double x = scale < 0 ? (long double)mantissa / p : (long double)mantissa * p;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits); /* the explicit 64-bit significand */
    if ((bits & 0x7ff) != 0x400) {
      const double v = (double)x;
      *out = neg ? -v : v;
      return true;
    }
  }
#endif
  return false;
}
