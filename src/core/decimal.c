/* quiver core: 256-bit decimal helpers (see decimal.h).
 *
 * Powers of ten are computed on demand by repeated multiplication (at most
 * 76 steps of four words), so there is no table to initialise or keep
 * thread-safe. Division by ten for printing uses unsigned __int128.
 */
#include "core/decimal.h"

#include <string.h>

void qv__decimal_load(const uint8_t *p, int32_t bit_width, uint64_t w[4]) {
  const int bytes = bit_width / 8;
  uint8_t tmp[32];
  memcpy(tmp, p, (size_t)bytes);
  const uint8_t fill = (tmp[bytes - 1] & 0x80) ? 0xFF : 0x00;
  memset(tmp + bytes, fill, (size_t)(32 - bytes));
  memcpy(w, tmp, 32); /* little-endian host assumed, as everywhere in quiver */
}

bool qv__decimal_abs(const uint64_t w[4], uint64_t mag[4]) {
  const bool neg = (w[3] >> 63) != 0;
  if (!neg) {
    memcpy(mag, w, 32);
    return false;
  }
  unsigned carry = 1;
  for (int k = 0; k < 4; k++) {
    uint64_t v = ~w[k];
    mag[k] = v + carry;
    carry = carry && mag[k] == 0;
  }
  return true;
}

static void pow10_256(int32_t p, uint64_t out[4]) {
  out[0] = 1;
  out[1] = out[2] = out[3] = 0;
  for (int32_t i = 0; i < p; i++) {
    unsigned __int128 carry = 0;
    for (int k = 0; k < 4; k++) {
      unsigned __int128 v = (unsigned __int128)out[k] * 10u + carry;
      out[k] = (uint64_t)v;
      carry = v >> 64;
    }
  }
}

bool qv__decimal_fits(const uint64_t w[4], int32_t precision) {
  if (precision < 0) return false;
  if (precision > 76) return true; /* 10^77 > 2^255: every value fits */
  uint64_t mag[4], lim[4];
  qv__decimal_abs(w, mag);
  pow10_256(precision, lim);
  for (int k = 3; k >= 0; k--) {
    if (mag[k] != lim[k]) return mag[k] < lim[k];
  }
  return false; /* equal to 10^precision */
}

int qv__decimal_digits(const uint64_t mag[4], char *buf) {
  uint64_t v[4];
  memcpy(v, mag, 32);
  char rev[80];
  int n = 0;
  do {
    unsigned __int128 rem = 0;
    for (int k = 3; k >= 0; k--) {
      unsigned __int128 cur = (rem << 64) | v[k];
      v[k] = (uint64_t)(cur / 10u);
      rem = cur % 10u;
    }
    rev[n++] = (char)('0' + (int)rem);
  } while ((v[0] | v[1] | v[2] | v[3]) != 0 && n < 79);
  for (int i = 0; i < n; i++) buf[i] = rev[n - 1 - i];
  buf[n] = '\0';
  return n;
}
