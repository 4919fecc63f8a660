/* quiver: little-endian loads and stores for the FlatBuffers codec.
 *
 * FlatBuffers are little-endian on the wire. Every multi-byte read or write in
 * the codec goes through these helpers, which use memcpy so that no typed
 * load is ever made through a misaligned pointer (the verifier rejects
 * misaligned data anyway; this keeps UBSan quiet even on misuse) and which
 * byte-swap on a big-endian host. Internal header, not installed.
 */
#ifndef QV_IPC_FLATBUF_FB_ENDIAN_H
#define QV_IPC_FLATBUF_FB_ENDIAN_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define QV_FB_BIG_ENDIAN 1
#else
#define QV_FB_BIG_ENDIAN 0
#endif

static inline uint16_t qv_fb_load_u16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, sizeof v);
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap16(v);
#endif
  return v;
}

static inline uint32_t qv_fb_load_u32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap32(v);
#endif
  return v;
}

static inline uint64_t qv_fb_load_u64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap64(v);
#endif
  return v;
}

static inline int16_t qv_fb_load_i16(const uint8_t *p) { return (int16_t)qv_fb_load_u16(p); }
static inline int32_t qv_fb_load_i32(const uint8_t *p) { return (int32_t)qv_fb_load_u32(p); }
static inline int64_t qv_fb_load_i64(const uint8_t *p) { return (int64_t)qv_fb_load_u64(p); }

static inline void qv_fb_store_u16(uint8_t *p, uint16_t v) {
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap16(v);
#endif
  memcpy(p, &v, sizeof v);
}

static inline void qv_fb_store_u32(uint8_t *p, uint32_t v) {
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap32(v);
#endif
  memcpy(p, &v, sizeof v);
}

static inline void qv_fb_store_u64(uint8_t *p, uint64_t v) {
#if QV_FB_BIG_ENDIAN
  v = __builtin_bswap64(v);
#endif
  memcpy(p, &v, sizeof v);
}

static inline void qv_fb_store_i32(uint8_t *p, int32_t v) { qv_fb_store_u32(p, (uint32_t)v); }
static inline void qv_fb_store_i64(uint8_t *p, int64_t v) { qv_fb_store_u64(p, (uint64_t)v); }

#endif
