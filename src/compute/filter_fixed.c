/* The fast path of filter: a fixed-width values array (numbers, temporal,
 * decimals, fixed_size_binary, dictionary indices) and a mask whose null
 * slots drop their rows (or that has no nulls), straight from the mask's
 * bits to the output, without the list of row numbers the general gather
 * needs.
 *
 * The output size is counted first, so the buffers are allocated once.
 * Then the mask is read in chunks of QV__FILTER_CHUNK_SLOTS slots as keep
 * words (filter_words.c), and each chunk is copied by the kernel that suits
 * its density:
 * - sparse (at most one kept slot in SPARSE_RATIO): the positions of the
 *   kept slots are listed first, without a branch per word (four positions
 *   are written per word whatever its count; the next word's overwrite the
 *   unused ones), then gathered in a loop of independent loads. A branch
 *   per word on "any bit set?" would be mispredicted half the time at 1 %
 *   and stall the loads behind it;
 * - dense: AVX-512 compress or AVX2 lane permutes for 4- and 8-byte values
 *   (filter_simd.c), else a word loop (a word of all ones is one memcpy).
 * The values' validity is filtered a word at a time (PEXT) by a bit writer.
 *
 * Large inputs are split into parts, one per core (split.h): part p
 * reads slots [starts[p], starts[p+1]) and writes output rows from the
 * number kept before it, so the parts write disjoint bytes of the values
 * (their validity bitmaps meet inside a word: qv__bit_writer keeps each
 * part's first word apart, ORed in after the join). Only the window
 * [offset, offset + length) of the values and their bitmap is read, which
 * structural validation guarantees present.
 */
#include "compute/filter_internal.h"
#include "compute/gather_internal.h"
#include "compute/split.h"
#include "core/parallel.h"
#include "compute/simd.h"
#include "core/internal.h"
#include "core/layout.h"

/* A chunk is sparse when it keeps at most one slot in SPARSE_RATIO. Past
 * that, reading every slot with vector loads beats one load per kept
 * value (measured: the two meet near 1.5 % on a 2-core AMD EPYC). */
#define SPARSE_RATIO 64
#define MAX_SPARSE (QV__FILTER_CHUNK_SLOTS / SPARSE_RATIO)

bool qv__compute_filter_fixed_applies(const qv_array *values) {
  const qv__layout *lay = qv__layout_of(values->type);
  return lay->nulls == QV__NULLS_BITMAP && lay->n_buffers == 2 && lay->arity == QV__CHILDREN_NONE &&
         !lay->variadic && lay->buffers[1].role == QV__BUF_VALUES;
}

typedef struct filter_run {
  const qv_array *values, *mask;
  int32_t width;
  qv__simd_level level;
  const uint8_t *src;   /* slot 0 of the values' window */
  uint8_t *dst;         /* the output values */
  uint8_t *dst_valid;   /* the output validity (NULL: the values have none) */
  int64_t starts[QV__COMPUTE_MAX_PARTS + 1];     /* input slots of each part */
  int64_t out_starts[QV__COMPUTE_MAX_PARTS + 1]; /* output rows of each part */
  qv__bit_writer writers[QV__COMPUTE_MAX_PARTS];
  uint32_t lanes[256]; /* AVX2 permute table */
  int64_t (*positions)(const uint64_t *words, int64_t nw, uint16_t *pos); /* per level */
  int64_t (*ones)(const uint64_t *words, int64_t nw);
} filter_run;

/* Positions (within the chunk) of the kept slots of words[0..nw); returns
 * how many. pos has room for the chunk's kept count + 2. */
QV__ALWAYS_INLINE int64_t positions_of(const uint64_t *words, int64_t nw, uint16_t *pos) {
  int64_t k = 0;
  for (int64_t j = 0; j < nw; j++) {
    uint64_t w = words[j];
    const int cnt = __builtin_popcountll(w);
    const uint16_t base = (uint16_t)(64 * j);
    /* Two positions per word whatever its count (a sparse chunk's words
     * hold 0, 1 or 2 mostly); ORing in bit 63 keeps ctz defined on an
     * empty word, changes nothing below a word's highest bit, and an entry
     * past cnt is overwritten by the next word or never read */
    pos[k] = (uint16_t)(base + __builtin_ctzll(w | ((uint64_t)1 << 63)));
    w &= w - 1;
    pos[k + 1] = (uint16_t)(base + __builtin_ctzll(w | ((uint64_t)1 << 63)));
    w &= w - 1;
    for (int r = 2; r < cnt; r++) {
      pos[k + r] = (uint16_t)(base + __builtin_ctzll(w));
      w &= w - 1;
    }
    k += cnt;
  }
  return k;
}

QV__ALWAYS_INLINE int64_t ones_of(const uint64_t *words, int64_t nw) {
  int64_t n = 0;
  for (int64_t j = 0; j < nw; j++) n += __builtin_popcountll(words[j]);
  return n;
}

static int64_t positions_portable(const uint64_t *words, int64_t nw, uint16_t *pos) {
  return positions_of(words, nw, pos);
}
static int64_t ones_portable(const uint64_t *words, int64_t nw) { return ones_of(words, nw); }
#if QV__HAVE_AVX2_TARGET
/* With POPCNT, TZCNT and BLSR (the baseline build calls a library routine
 * per popcount). */
QV__TARGET_AVX2 static int64_t positions_bmi(const uint64_t *words, int64_t nw, uint16_t *pos) {
  return positions_of(words, nw, pos);
}
QV__TARGET_AVX2 static int64_t ones_bmi(const uint64_t *words, int64_t nw) { return ones_of(words, nw); }
#endif

#define GATHER_POSITIONS(T)                                   \
  do {                                                        \
    const T *s = (const T *)(const void *)src;                \
    T *d = (T *)(void *)dst;                                  \
    for (int64_t i = 0; i < k; i++) d[i] = s[pos[i]];         \
  } while (0)

static int64_t copy_sparse(const filter_run *r, const uint64_t *words, int64_t nw, const uint8_t *src,
                           uint8_t *dst) {
  uint16_t pos[MAX_SPARSE + 2];
  const int32_t width = r->width;
  const int64_t k = r->positions(words, nw, pos);
  switch (width) { /* a physical width: one typed loop per common size */
    case 1: GATHER_POSITIONS(uint8_t); break;
    case 2: GATHER_POSITIONS(uint16_t); break;
    case 4: GATHER_POSITIONS(uint32_t); break;
    case 8: GATHER_POSITIONS(uint64_t); break;
    default:
      for (int64_t i = 0; i < k; i++) memcpy(dst + i * width, src + pos[i] * (int64_t)width, (size_t)width);
  }
  return k;
}

/* The portable dense kernel: any width, reads only kept slots. */
static int64_t copy_words(const uint64_t *words, int64_t nw, const uint8_t *src, int32_t width, uint8_t *dst) {
  int64_t o = 0;
  for (int64_t j = 0; j < nw; j++) {
    uint64_t w = words[j];
    const uint8_t *block = src + j * 64 * width;
    if (w == ~(uint64_t)0) {
      memcpy(dst + o * width, block, (size_t)(64 * width));
      o += 64;
      continue;
    }
    while (w != 0) {
      int64_t k = __builtin_ctzll(w);
      w &= w - 1;
      switch (width) { /* a physical width: one typed copy per common size */
        case 1: dst[o] = block[k]; break;
        case 2: memcpy(dst + o * 2, block + k * 2, 2); break;
        case 4: memcpy(dst + o * 4, block + k * 4, 4); break;
        case 8: memcpy(dst + o * 8, block + k * 8, 8); break;
        default: memcpy(dst + o * width, block + k * width, (size_t)width); break;
      }
      o++;
    }
  }
  return o;
}

/* One chunk's values: `room` is how many bytes dst has. */
static int64_t copy_chunk(const filter_run *r, const uint64_t *words, int64_t nw, int64_t len, int64_t kept,
                          const uint8_t *src, uint8_t *dst, int64_t room) {
  const int32_t width = r->width;
  if (kept <= len / SPARSE_RATIO) return copy_sparse(r, words, nw, src, dst);
  const bool vector_width = width == 4 || width == 8;
  const bool roomy = kept * width + QV__FILTER_STORE_SLACK <= room;
  /* The vector kernels take whole words only (no address past the window
   * is formed); a partial last word goes to the word loop. */
  const int64_t full = len / 64;
  int64_t o = -1;
#if QV__HAVE_AVX512_TARGET
  if (o < 0 && vector_width && roomy && r->level >= QV__SIMD_AVX512)
    o = qv__filter_chunk_avx512(words, full, src, width, dst);
#endif
#if QV__HAVE_AVX2_TARGET
  if (o < 0 && vector_width && roomy && r->level >= QV__SIMD_AVX2)
    o = qv__filter_chunk_avx2(words, full, src, width, dst, r->lanes);
#endif
  if (o >= 0) return o + copy_words(words + full, nw - full, src + full * 64 * width, width, dst + o * width);
  return copy_words(words, nw, src, width, dst);
}

/* A part never fails: its output rows were counted and allocated before. */
static qv_status run_part(void *ctx, int64_t part, int worker, qv_error *err) {
  filter_run *r = ctx;
  const int p = (int)part;
  const int64_t end = r->starts[p + 1], out_end = r->out_starts[p + 1];
  const int32_t width = r->width;
  uint64_t words[QV__FILTER_CHUNK_WORDS], valid[QV__FILTER_CHUNK_WORDS];
  int64_t o = r->out_starts[p];
  qv__bit_writer *bw = &r->writers[p];
  if (r->dst_valid != NULL) qv__bit_writer_init(bw, r->dst_valid, o);
  for (int64_t s = r->starts[p]; s < end && o < out_end; s += QV__FILTER_CHUNK_SLOTS) {
    const int64_t len = end - s < QV__FILTER_CHUNK_SLOTS ? end - s : QV__FILTER_CHUNK_SLOTS;
    const int64_t nw = qv__filter_keep_words(r->mask, s, len, words);
    const int64_t kept = r->ones(words, nw);
    if (kept == 0) continue;
    o += copy_chunk(r, words, nw, len, kept, r->src + s * width, r->dst + o * width, (out_end - o) * width);
    if (r->dst_valid != NULL) {
      const qv_array *v = r->values;
      qv__bitmap_words(v->validity_, v->offset + s, len, valid, false);
#if QV__HAVE_AVX2_TARGET
      if (r->level >= QV__SIMD_AVX2) qv__filter_chunk_validity_bmi2(words, valid, nw, bw);
      else
#endif
        qv__filter_chunk_validity(words, valid, nw, bw);
    }
  }
  if (r->dst_valid != NULL) qv__bit_writer_finish(bw);
  return QV_OK;
}

/* How many slots of [start, start + len) the mask keeps. */
static int64_t count_kept(const filter_run *r, int64_t start, int64_t len) {
  uint64_t words[QV__FILTER_CHUNK_WORDS];
  int64_t kept = 0;
  for (int64_t s = 0; s < len; s += QV__FILTER_CHUNK_SLOTS) {
    int64_t m = len - s < QV__FILTER_CHUNK_SLOTS ? len - s : QV__FILTER_CHUNK_SLOTS;
    kept += r->ones(words, qv__filter_keep_words(r->mask, start + s, m, words));
  }
  return kept;
}

/* The parts' slot ranges and output rows; the total kept. Parts start at
 * multiples of 64 slots (so a byte-aligned mask stays aligned). */
static int64_t plan_parts(filter_run *r, int64_t n, int parts) {
  r->starts[0] = 0;
  r->out_starts[0] = 0;
  for (int p = 1; p <= parts; p++) {
    r->starts[p] = p == parts ? n : (n / parts * p) & ~(int64_t)63;
    r->out_starts[p] = r->out_starts[p - 1] + count_kept(r, r->starts[p - 1], r->starts[p] - r->starts[p - 1]);
  }
  return r->out_starts[parts];
}

qv_status qv__compute_filter_fixed(qv_array *values, const qv_array *mask, qv_array **out, qv_error *err) {
  const qv__layout *lay = qv__layout_of(values->type);
  const int64_t n = values->length;
  const int parts = qv__compute_parts(n);
  int64_t kept, out_bytes = 0, nulls = 0;
  qv_buffer *data = NULL, *validity = NULL;
  filter_run *r = qv__calloc(1, sizeof *r);
  qv_status st;
  if (r == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "filter: no memory");
  r->values = values;
  r->mask = mask;
  r->width = qv__layout_width(&lay->buffers[1], qv_type_storage(values->type));
  r->level = qv__simd_level_now();
  r->positions = positions_portable;
  r->ones = ones_portable;
#if QV__HAVE_AVX2_TARGET
  if (r->level >= QV__SIMD_AVX2) {
    r->positions = positions_bmi;
    r->ones = ones_bmi;
  }
#endif
  kept = plan_parts(r, n, parts);
  if (qv__mul_overflow_i64(kept, r->width, &out_bytes)) {
    st = qv_error_set(err, QV_ERR_OVERFLOW, "filter: %lld rows of %d bytes overflow", (long long)kept, (int)r->width);
    goto done;
  }
  st = qv_buffer_allocate(NULL, out_bytes, false, &data, err);
  if (st == QV_OK && values->validity_ != NULL) st = qv_buffer_allocate(NULL, qv_bitmap_bytes(kept), true, &validity, err);
  if (st != QV_OK) goto done;
  if (kept > 0) {
    r->src = qv_array_buffer_data(values, 1) + values->offset * (int64_t)r->width;
    r->dst = data->data;
    r->dst_valid = validity != NULL ? validity->data : NULL;
    if (r->level == QV__SIMD_AVX2) qv__filter_avx2_lanes(r->lanes, r->width);
    (void)qv__parallel_run(parts, parts, run_part, r, NULL);
    if (validity != NULL) {
      int64_t ones = 0;
      for (int p = 0; p < parts; p++) {
        qv__bit_writer_join(&r->writers[p], r->dst_valid, r->out_starts[p], qv_bitmap_bytes(kept));
        ones += r->writers[p].ones;
      }
      nulls = kept - ones;
    }
  }
  st = qv_array_new(values->type, kept, 0, nulls, 2, (qv_buffer *[]){nulls > 0 ? validity : NULL, data}, 0, NULL,
                    values->dictionary, out, err);
done:
  qv__free(r);
  qv_buffer_release(data);
  qv_buffer_release(validity);
  return st;
}
