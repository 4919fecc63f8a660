/* quiver core: integer loads and stores at any alignment (native byte order).
 *
 * Buffers quiver did not allocate (a C Data producer's, an IPC body viewed
 * in place, a JSON scratch area indexed by a computed width) may be
 * misaligned for their element type, and the element width is often known
 * only at run time (offsets 4 or 8, run ends 2/4/8, dictionary indices
 * 1..8). A typed load through a cast pointer would be undefined behaviour
 * there; memcpy of a fixed size compiles to a single move. These are the
 * only such helpers: every module loads widths chosen at run time through
 * them. (Explicitly little-endian loads for FlatBuffers stay in
 * ipc/flatbuf/fb_endian.h: those fix the byte order, these do not.)
 */
#ifndef QUIVER_CORE_UNALIGNED_H
#define QUIVER_CORE_UNALIGNED_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Element i of `width` bytes (1, 2, 4 or 8; anything else reads 8) at p,
 * sign-extended. */
static inline int64_t qv__load_int(const uint8_t *p, int width, int64_t i) {
  switch (width) {
    case 1: return (int8_t)p[i];
    case 2: { int16_t v; memcpy(&v, p + i * 2, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p + i * 4, 4); return v; }
    default: { int64_t v; memcpy(&v, p + i * 8, 8); return v; }
  }
}

/* Element i of `width` bytes at p, zero-extended. */
static inline uint64_t qv__load_uint(const uint8_t *p, int width, int64_t i) {
  switch (width) {
    case 1: return p[i];
    case 2: { uint16_t v; memcpy(&v, p + i * 2, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p + i * 4, 4); return v; }
    default: { uint64_t v; memcpy(&v, p + i * 8, 8); return v; }
  }
}

/* Stores v truncated to `width` bytes as element i at p. */
static inline void qv__store_int(uint8_t *p, int width, int64_t i, int64_t v) {
  switch (width) {
    case 1: { int8_t x = (int8_t)v; memcpy(p + i, &x, 1); return; }
    case 2: { int16_t x = (int16_t)v; memcpy(p + i * 2, &x, 2); return; }
    case 4: { int32_t x = (int32_t)v; memcpy(p + i * 4, &x, 4); return; }
    default: memcpy(p + i * 8, &v, 8); return;
  }
}

/* Element i of an int32 (wide == false) or int64 offsets/sizes buffer. */
static inline int64_t qv__load_off(const uint8_t *p, bool wide, int64_t i) { return qv__load_int(p, wide ? 8 : 4, i); }

#endif
