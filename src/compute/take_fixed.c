/* The fast path of take: fixed-width values of 1, 2, 4 or 8 bytes (numbers,
 * temporal, dictionary indices, ...) and int32 or int64 indices, with or
 * without nulls in either, without the list of row numbers the general
 * gather builds.
 *
 * The indices are handled in blocks of BLOCK rows: a null index is replaced
 * by 0 in a copy of the block (so null slots never steer a load), the block
 * is checked in one branch-free pass (any index outside [0, length)?), and
 * only then gathered by a typed loop of independent loads; the output
 * validity (index valid AND value valid) is built a word at a time. A
 * block that fails its check stops its part, and the error names the
 * first row of the indices that is out of range. The check and the gather
 * of a block read it from L1, so the indices cross memory once.
 *
 * Large takes are split into parts of whole blocks, one per core
 * (split.h); parts write disjoint words of the output.
 */
#include "compute/bit_words.h"
#include "compute/gather_internal.h"
#include "compute/kernel_util.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "core/internal.h"
#include "core/layout.h"

#define BLOCK 4096 /* a multiple of 64: blocks own whole validity words */

/* A random read costs as much as about this many streamed elements (the
 * unit of qv__compute_parts): 65,536 indices are worth a second thread. */
#define RANDOM_READ_WEIGHT 16

typedef struct take_run {
  const qv_array *values, *indices;
  int32_t width;
  bool wide;            /* int64 indices */
  const uint8_t *src;   /* slot 0 of the values' window */
  const uint8_t *idx;   /* row 0 of the indices' window */
  uint8_t *dst;         /* the output values */
  uint8_t *dst_valid;   /* the output validity, or NULL */
  int64_t blocks_per_part;
  int64_t ones[QV__COMPUTE_MAX_PARTS]; /* valid output rows per part */
} take_run;

static int32_t value_width(const qv_array *values) {
  const qv__layout *lay = qv__layout_of(values->type);
  return qv__layout_width(&lay->buffers[1], qv_type_storage(values->type));
}

bool qv__compute_take_fixed_applies(const qv_array *values, const qv_array *indices) {
  /* a null index stands in for row 0, which empty values lack */
  if (!qv__compute_filter_fixed_applies(values) || indices->null_layout_ ||
      (values->length == 0 && indices->validity_ != NULL))
    return false;
  int32_t width = value_width(values);
  return width == 1 || width == 2 || width == 4 || width == 8;
}

/* A block's indices with nulls replaced by 0, and the check. */
#define CLEAN_AND_CHECK(IT)                                                               \
  do {                                                                                    \
    const IT *raw = (const IT *)(const void *)r->idx + k0;                                \
    IT *clean = (IT *)(void *)scratch;                                                    \
    uint64_t bad = 0;                                                                     \
    if (r->indices->validity_ != NULL) {                                                  \
      for (int64_t k = 0; k < m; k++)                                                     \
        clean[k] = (IT)(raw[k] & -(IT)((iv[k >> 6] >> (k & 63)) & 1));                    \
      raw = clean;                                                                        \
    }                                                                                     \
    for (int64_t k = 0; k < m; k++) bad |= (uint64_t)(int64_t)raw[k] >= (uint64_t)length; \
    if (bad != 0) {                                                                       \
      for (int64_t k = 0; k < m; k++)                                                     \
        if ((uint64_t)(int64_t)raw[k] >= (uint64_t)length) return k0 + k;                 \
    }                                                                                     \
    gather_##IT(r, raw, m, k0, iv, ones);                                                       \
  } while (0)

/* The values (and validity) of rows ix[0..m) to output rows k0.. */
#define DEFINE_GATHER(IT)                                                                         \
  static void gather_##IT(take_run *r, const IT *ix, int64_t m, int64_t k0, const uint64_t *iv,    \
                          int64_t *ones) {                                                        \
    switch (r->width) { /* a physical width: one loop per size */                                \
      case 1: GATHER_LOOP(uint8_t); break;                                                        \
      case 2: GATHER_LOOP(uint16_t); break;                                                       \
      case 4: GATHER_LOOP(uint32_t); break;                                                       \
      default: GATHER_LOOP(uint64_t); break;                                                      \
    }                                                                                             \
    if (r->dst_valid == NULL) return;                                                             \
    const uint8_t *vbits = r->values->validity_;                                                  \
    const int64_t off = r->values->offset;                                                        \
    for (int64_t g = 0; g < m; g += 64) {                                                         \
      const int64_t gm = m - g < 64 ? m - g : 64;                                                 \
      uint64_t w = iv != NULL ? iv[g >> 6] : qv__low_bits(gm);                                    \
      if (vbits != NULL) {                                                                        \
        uint64_t got = 0;                                                                         \
        for (int64_t k = 0; k < gm; k++) {                                                        \
          const int64_t at = off + (int64_t)ix[g + k];                                            \
          got |= (uint64_t)((vbits[at >> 3] >> (at & 7)) & 1) << k;                               \
        }                                                                                         \
        w &= got;                                                                                 \
      }                                                                                           \
      *ones += __builtin_popcountll(w);                                                           \
      qv__store_word(r->dst_valid, k0 + g, gm, w);                                                \
    }                                                                                             \
  }
#define GATHER_LOOP(VT)                                              \
  do {                                                               \
    const VT *s = (const VT *)(const void *)r->src;                  \
    VT *d = (VT *)(void *)r->dst + k0;                               \
    for (int64_t k = 0; k < m; k++) d[k] = s[ix[k]];                 \
  } while (0)

DEFINE_GATHER(int32_t)
DEFINE_GATHER(int64_t)

/* Rows [k0, k0 + m) of the indices; returns -1, or the first row whose
 * index is out of range. Counts the valid rows into *ones. */
static int64_t take_block(take_run *r, int64_t k0, int64_t m, int64_t *ones) {
  int64_t scratch[BLOCK];
  uint64_t ivalid[BLOCK / 64];
  const uint64_t *iv = NULL;
  const int64_t length = r->values->length;
  if (r->indices->validity_ != NULL) {
    qv__bitmap_words(r->indices->validity_, r->indices->offset + k0, m, ivalid, false);
    iv = ivalid;
  }
  if (r->wide) CLEAN_AND_CHECK(int64_t);
  else CLEAN_AND_CHECK(int32_t);
  return -1;
}

/* Part p's blocks; fails at its first index out of range (parts are in
 * row order, so the lowest failing part holds the first such row). */
static qv_status run_part(void *ctx, int64_t p, int worker, qv_error *err) {
  take_run *r = ctx;
  const int64_t n = r->indices->length;
  int64_t k0 = p * r->blocks_per_part * BLOCK, end = k0 + r->blocks_per_part * BLOCK;
  r->ones[p] = 0;
  if (end > n) end = n;
  for (; k0 < end; k0 += BLOCK) {
    const int64_t k = take_block(r, k0, end - k0 < BLOCK ? end - k0 : BLOCK, &r->ones[p]);
    if (k < 0) continue;
    const int64_t ix = r->wide ? ((const int64_t *)(const void *)r->idx)[k] : ((const int32_t *)(const void *)r->idx)[k];
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE,
                        "take: index %lld at row %lld of the indices is outside the %lld rows of the values",
                        (long long)ix, (long long)k, (long long)r->values->length);
  }
  return QV_OK;
}

qv_status qv__compute_take_fixed(qv_array *values, const qv_array *indices, qv_array **out, qv_error *err) {
  const int64_t n = indices->length;
  const int64_t n_blocks = (n + BLOCK - 1) / BLOCK;
  int parts = qv__compute_parts(n > INT64_MAX / RANDOM_READ_WEIGHT ? INT64_MAX : n * RANDOM_READ_WEIGHT);
  qv_buffer *data = NULL, *validity = NULL;
  int64_t bytes = 0, nulls = 0;
  take_run r = {.values = values, .indices = indices, .width = value_width(values),
                .wide = indices->type->id == QV_TYPE_INT64};
  if (qv__mul_overflow_i64(n, r.width, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "take: %lld rows of %d bytes overflow", (long long)n, (int)r.width);
  qv_status st = qv_buffer_allocate(NULL, bytes, false, &data, err);
  if (st == QV_OK && (values->validity_ != NULL || indices->validity_ != NULL))
    st = qv_buffer_allocate(NULL, qv_bitmap_bytes(n), false, &validity, err);
  if (st != QV_OK) goto done;
  if (n > 0) {
    if (parts > n_blocks) parts = (int)n_blocks;
    r.blocks_per_part = (n_blocks + parts - 1) / parts;
    r.src = qv__array_buffer_or_empty(values, 1) + values->offset * (int64_t)r.width;
    r.idx = qv__array_buffer_or_empty(indices, 1) + indices->offset * (r.wide ? 8 : 4);
    r.dst = data->data;
    r.dst_valid = validity != NULL ? validity->data : NULL;
    st = qv__parallel_run(parts, parts, run_part, &r, err);
    if (st != QV_OK) goto done;
    if (validity != NULL) {
      int64_t ones = 0;
      for (int p = 0; p < parts; p++) ones += r.ones[p];
      nulls = n - ones;
    }
  }
  st = qv_array_new(values->type, n, 0, nulls, 2, (qv_buffer *[]){nulls > 0 ? validity : NULL, data}, 0, NULL,
                    values->dictionary, out, err);
done:
  qv_buffer_release(data);
  qv_buffer_release(validity);
  return st;
}
