/* quiver print: decimal digits written straight into a caller's buffer,
 * inline, for the text writers' hot loops (CSV, JSON Lines, the printer).
 *
 * The caller guarantees the room (QV__PRINT_U64_MAX bytes for an integer);
 * nothing here checks capacity or terminates with a NUL. Digits come two
 * at a time from a table of "00".."99" and eight at a time from 32-bit
 * halves, so a 19-digit integer costs two 64-bit divisions by a constant
 * (a multiplication each) instead of eighteen. Not installed.
 */
#ifndef QUIVER_PRINT_DIGITS_H
#define QUIVER_PRINT_DIGITS_H

#include <stdint.h>
#include <string.h>

/* Room for any int64 or uint64: 20 digits and a sign. */
#define QV__PRINT_U64_MAX 21

/* "00", "01", ..., "99" back to back (print/shortest.c). */
extern const char qv__print_digit_pairs[200];

/* The number of decimal digits of v (1 for 0). */
static inline int qv__print_u64_len(uint64_t v) {
  /* pow10[t] for t >= 1; pow10[0] = 0 so that 0..9 all count one digit */
  static const uint64_t pow10[20] = {0,
                                     10ull,
                                     100ull,
                                     1000ull,
                                     10000ull,
                                     100000ull,
                                     1000000ull,
                                     10000000ull,
                                     100000000ull,
                                     1000000000ull,
                                     10000000000ull,
                                     100000000000ull,
                                     1000000000000ull,
                                     10000000000000ull,
                                     100000000000000ull,
                                     1000000000000000ull,
                                     10000000000000000ull,
                                     100000000000000000ull,
                                     1000000000000000000ull,
                                     10000000000000000000ull};
  /* floor(log10(2^bits)) approximates the digit count from below */
  const int bits = 64 - __builtin_clzll(v | 1);
  const int t = (bits * 1233) >> 12;
  return t + 1 - (v < pow10[t]);
}

/* Two digits of v < 100 at out. */
static inline void qv__print_2_digits(uint32_t v, char *out) { memcpy(out, qv__print_digit_pairs + 2 * v, 2); }

/* Exactly eight digits of v < 10^8 at out, leading zeros included. */
static inline void qv__print_8_digits(uint32_t v, char *out) {
  const uint32_t hi = v / 10000, lo = v % 10000;
  qv__print_2_digits(hi / 100, out);
  qv__print_2_digits(hi % 100, out + 2);
  qv__print_2_digits(lo / 100, out + 4);
  qv__print_2_digits(lo % 100, out + 6);
}

/* The digits of v, right-aligned so that the last is end[-1]; `n` is
 * qv__print_u64_len(v). */
static inline void qv__print_u64_backwards(uint64_t v, char *end) {
  char *p = end;
  while (v >= 100000000u) {
    p -= 8;
    qv__print_8_digits((uint32_t)(v % 100000000u), p);
    v /= 100000000u;
  }
  uint32_t w = (uint32_t)v;
  while (w >= 100) {
    p -= 2;
    qv__print_2_digits(w % 100, p);
    w /= 100;
  }
  if (w >= 10) {
    p -= 2;
    qv__print_2_digits(w, p);
  } else {
    *--p = (char)('0' + w);
  }
}

/* v in decimal at out; returns the length (at most 20). */
static inline int qv__print_u64_text(uint64_t v, char *out) {
  const int n = qv__print_u64_len(v);
  qv__print_u64_backwards(v, out + n);
  return n;
}

/* v in decimal at out, with a '-' when negative; at most 20 bytes. */
static inline int qv__print_i64_text(int64_t v, char *out) {
  if (v < 0) {
    *out = '-';
    return 1 + qv__print_u64_text(0 - (uint64_t)v, out + 1);
  }
  return qv__print_u64_text((uint64_t)v, out);
}

#endif
