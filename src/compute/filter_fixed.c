/* The fast path of filter: a fixed-width values array (numbers, temporal,
 * decimals, fixed_size_binary, dictionary indices) and a mask whose null
 * slots drop their rows (or that has no nulls), straight from the mask's
 * bits to the output, without the list of row numbers the general gather
 * needs.
 *
 * The mask (and its validity, ANDed in) is read 64 slots at a time: a word
 * of all ones copies 64 values in one memcpy, a zero word is skipped, any
 * other word walks its set bits. The output size is counted first, so the
 * buffers are allocated once. Only the window [offset, offset + length) of
 * the values and their bitmap is read, which structural validation
 * guarantees present. With AVX2 (simd.h), 4- and 8-byte values without a
 * bitmap are compacted 8 (4) at a time by a lane permute (filter_simd.c);
 * this loop finishes what that leaves.
 */
#include "compute/gather_internal.h"
#include "compute/simd.h"
#include "core/internal.h"
#include "core/layout.h"

bool qv__compute_filter_fixed_applies(const qv_array *values) {
  const qv__layout *lay = qv__layout_of(values->type);
  return lay->nulls == QV__NULLS_BITMAP && lay->n_buffers == 2 && lay->arity == QV__CHILDREN_NONE &&
         !lay->variadic && lay->buffers[1].role == QV__BUF_VALUES;
}

qv_status qv__compute_filter_fixed(qv_array *values, const qv_array *mask, qv_array **out, qv_error *err) {
  const qv__layout *lay = qv__layout_of(values->type);
  const int32_t width = qv__layout_width(&lay->buffers[1], qv_type_storage(values->type));
  const int64_t n = values->length;
  int64_t kept = 0, out_bytes = 0, nulls = 0;
  qv_buffer *data = NULL, *validity = NULL;
  qv_status st;

#if QV__HAVE_AVX2_TARGET
  if (qv__simd_avx2())
    kept = qv__filter_count_avx2(mask, n);
  else
#endif
    for (int64_t i = 0; i < n; i += 64) kept += __builtin_popcountll(qv__filter_keep_word(mask, i, n - i < 64 ? n - i : 64));
  if (qv__mul_overflow_i64(kept, width, &out_bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "filter: %lld rows of %d bytes overflow", (long long)kept, (int)width);
  st = qv_buffer_allocate(NULL, out_bytes, false, &data, err);
  if (st == QV_OK && values->validity_ != NULL) st = qv_buffer_allocate(NULL, qv_bitmap_bytes(kept), true, &validity, err);
  if (st != QV_OK) goto done;

  const uint8_t *src = qv_array_buffer_data(values, 1);
  uint8_t *dst = data->data;
  int64_t o = 0, i0 = 0;
  if (src != NULL) src += values->offset * (int64_t)width;
#if QV__HAVE_AVX2_TARGET
  if (validity == NULL && src != NULL && (width == 4 || width == 8) && qv__simd_avx2())
    i0 = qv__filter_compact_avx2(mask, src, width, n, dst, kept, &o);
#endif
  for (int64_t i = i0; i < n && o < kept; i += 64) {
    int64_t len = n - i < 64 ? n - i : 64;
    uint64_t w = qv__filter_keep_word(mask, i, len);
    if (w == 0) continue;
    if (len == 64 && w == ~(uint64_t)0) {
      memcpy(dst + o * width, src + i * width, (size_t)(64 * width));
      if (validity != NULL)
        for (int64_t k = 0; k < 64; k++)
          if (qv_bit_get(values->validity_, values->offset + i + k)) qv_bit_set(validity->data, o + k);
      o += 64;
      continue;
    }
    while (w != 0) {
      int64_t k = __builtin_ctzll(w);
      w &= w - 1;
      switch (width) { /* a physical width: one typed copy per common size */
        case 1: dst[o] = src[i + k]; break;
        case 2: memcpy(dst + o * 2, src + (i + k) * 2, 2); break;
        case 4: memcpy(dst + o * 4, src + (i + k) * 4, 4); break;
        case 8: memcpy(dst + o * 8, src + (i + k) * 8, 8); break;
        default: memcpy(dst + o * width, src + (i + k) * width, (size_t)width); break;
      }
      if (validity != NULL && qv_bit_get(values->validity_, values->offset + i + k)) qv_bit_set(validity->data, o);
      o++;
    }
  }
  if (validity != NULL) nulls = kept - qv_bitmap_count_set(validity->data, 0, kept);
  st = qv_array_new(values->type, kept, 0, nulls, 2, (qv_buffer *[]){nulls > 0 ? validity : NULL, data}, 0, NULL,
                    values->dictionary, out, err);
done:
  qv_buffer_release(data);
  qv_buffer_release(validity);
  return st;
}
