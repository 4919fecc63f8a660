/* quiver core: 256-bit helpers for decimal values (internal).
 *
 * Every decimal width (32, 64, 128, 256 bits, two's complement, little
 * endian) is widened to four little-endian uint64 words so one code path
 * checks precision and prints digits for all of them.
 */
#ifndef QUIVER_CORE_DECIMAL_H
#define QUIVER_CORE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Loads a bit_width-bit value at p (any alignment), sign-extended to 256 bits. */
void qv__decimal_load(const uint8_t *p, int32_t bit_width, uint64_t w[4]);
/* Magnitude of a 256-bit two's complement value; returns true if negative. */
bool qv__decimal_abs(const uint64_t w[4], uint64_t mag[4]);
/* True when |w| < 10^precision (precision 0..76). */
bool qv__decimal_fits(const uint64_t w[4], int32_t precision);
/* Decimal digits of an unsigned 256-bit magnitude into buf (>= 80 bytes),
 * NUL-terminated, no leading zeros ("0" for zero). Returns the digit count. */
int qv__decimal_digits(const uint64_t mag[4], char *buf);

#endif
