/* quiver core: bitmap kernels (LSB bit order, as Arrow).
 *
 * All functions accept arbitrary bit offsets and never read or write a byte
 * outside the bytes that hold bits [offset, offset + length). Popcount runs
 * on 64-bit words (unaligned loads via memcpy); copy/equal work a byte at a
 * time after aligning the destination/first operand, which keeps them simple
 * and still ~8x faster than bit loops.
 */
#include "core/internal.h"

int64_t qv_bitmap_count_set(const uint8_t *bits, int64_t offset, int64_t length) {
  if (bits == NULL || length <= 0) return 0;
  int64_t count = 0;
  int64_t i = offset, end = offset + length;
  while (i < end && (i & 7)) count += qv_bit_get(bits, i++);
  const uint8_t *p = bits + (i >> 3);
  int64_t nbytes = (end - i) >> 3;
  i += nbytes * 8; /* the bits the byte loops below consume */
  while (nbytes >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    count += __builtin_popcountll(w);
    p += 8;
    nbytes -= 8;
  }
  while (nbytes > 0) {
    count += __builtin_popcount(*p++);
    nbytes--;
  }
  while (i < end) count += qv_bit_get(bits, i++);
  return count;
}

void qv_bitmap_set_range(uint8_t *dst, int64_t offset, int64_t length, bool value) {
  if (dst == NULL || length <= 0) return;
  int64_t i = offset, end = offset + length;
  while (i < end && (i & 7)) qv_bit_set_to(dst, i++, value);
  int64_t nbytes = (end - i) >> 3;
  if (nbytes > 0) {
    memset(dst + (i >> 3), value ? 0xFF : 0x00, (size_t)nbytes);
    i += nbytes * 8;
  }
  while (i < end) qv_bit_set_to(dst, i++, value);
}

/* The 8 bits starting at bit `pos` of src (needs pos + 8 bits to exist). */
static inline uint8_t load_byte(const uint8_t *src, int64_t pos) {
  int shift = (int)(pos & 7);
  const uint8_t *p = src + (pos >> 3);
  if (shift == 0) return p[0];
  return (uint8_t)((p[0] >> shift) | (p[1] << (8 - shift)));
}

void qv_bitmap_copy(uint8_t *dst, int64_t dst_offset, const uint8_t *src, int64_t src_offset,
                    int64_t length) {
  if (dst == NULL || src == NULL || length <= 0) return;
  int64_t k = 0;
  while (k < length && ((dst_offset + k) & 7)) {
    qv_bit_set_to(dst, dst_offset + k, qv_bit_get(src, src_offset + k));
    k++;
  }
  int64_t nbytes = (length - k) >> 3;
  uint8_t *d = dst + ((dst_offset + k) >> 3);
  if (((src_offset + k) & 7) == 0) {
    memmove(d, src + ((src_offset + k) >> 3), (size_t)nbytes);
  } else {
    for (int64_t b = 0; b < nbytes; b++) d[b] = load_byte(src, src_offset + k + b * 8);
  }
  k += nbytes * 8;
  for (; k < length; k++) qv_bit_set_to(dst, dst_offset + k, qv_bit_get(src, src_offset + k));
}

bool qv_bitmap_equal(const uint8_t *a, int64_t a_offset, const uint8_t *b, int64_t b_offset, int64_t length) {
  if (length <= 0) return true;
  if (a == NULL || b == NULL) return a == b;
  int64_t k = 0;
  while (k < length && ((a_offset + k) & 7)) {
    if (qv_bit_get(a, a_offset + k) != qv_bit_get(b, b_offset + k)) return false;
    k++;
  }
  int64_t nbytes = (length - k) >> 3;
  const uint8_t *pa = a + ((a_offset + k) >> 3);
  if (((b_offset + k) & 7) == 0) {
    if (nbytes > 0 && memcmp(pa, b + ((b_offset + k) >> 3), (size_t)nbytes) != 0) return false;
  } else {
    for (int64_t i = 0; i < nbytes; i++)
      if (pa[i] != load_byte(b, b_offset + k + i * 8)) return false;
  }
  k += nbytes * 8;
  for (; k < length; k++)
    if (qv_bit_get(a, a_offset + k) != qv_bit_get(b, b_offset + k)) return false;
  return true;
}
