/* Internal to src/compute: the running state of a scalar aggregation and the
 * typed kernels that feed it, one chunk at a time.
 *
 * A kernel reads the window [offset, offset + length) of one array: its
 * validity bitmap (absent means every slot is valid) and its values buffer,
 * both guaranteed large enough by structural validation. It never looks at
 * anything else, so it is memory-safe on any structurally valid array.
 */
#ifndef QUIVER_SRC_COMPUTE_AGGREGATE_INTERNAL_H
#define QUIVER_SRC_COMPUTE_AGGREGATE_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/scalar.h"

__extension__ typedef __int128 qv__i128;
__extension__ typedef unsigned __int128 qv__u128;

/* Lanes of the float sum: independent accumulators the compiler can keep in
 * one vector register (a plain `s += v[i]` may not be reordered). */
#define QV__FSUM_LANES 8

typedef struct qv__agg_acc {
  int64_t valid;        /* valid slots seen so far */
  qv__i128 isum;        /* exact sum of signed integers */
  qv__u128 usum;        /* exact sum of unsigned integers */
  int64_t overflow_row; /* first row (of the whole column) where the running
                           integer sum left its result type; -1 if never */
  double fsum[QV__FSUM_LANES];
  int64_t imin, imax;   /* signed integers */
  uint64_t umin, umax;  /* unsigned integers */
  double fmin, fmax;    /* floats, NaN skipped */
  int64_t non_nan;      /* valid float values that are not NaN */
  int64_t trues;        /* bool: valid slots holding true */
} qv__agg_acc;

void qv__compute_acc_init(qv__agg_acc *acc);

/* A kernel adds the valid slots of `a` to *acc; `row_base` is the row of the
 * whole column where `a` starts (for error positions). */
typedef void (*qv__agg_kernel)(const qv_array *a, int64_t row_base, qv__agg_acc *acc);

/* Sum and min/max kernels for a numeric type id (NULL if none), and the one
 * bool kernel (counts valid and true slots). */
qv__agg_kernel qv__compute_sum_kernel(qv_type_id id);
qv__agg_kernel qv__compute_minmax_kernel(qv_type_id id);
void qv__compute_bool_kernel(const qv_array *a, int64_t row_base, qv__agg_acc *acc);

/* min/max of the types ordered by value rather than by a typed loop
 * (decimals, strings, binaries, fixed_size_binary), over every chunk:
 * each valid slot is read through the checked scalar accessor (a hostile
 * offset is an error naming the row) and compared as a signed 256-bit
 * integer or bytewise. *min / *max (either may be NULL) borrow from the
 * chunks; a null scalar when no slot is valid. aggregate_moments.c. */
bool qv__compute_extremes_scannable(qv_type_id id);
qv_status qv__compute_extremes_scan(qv_array *const *chunks, int64_t n_chunks, const qv_type *type, qv_scalar *min,
                                    qv_scalar *max, qv_error *err);

/* All-ones mask of the low n bits (1 <= n <= 64). */
static inline uint64_t qv__low_bits(int64_t n) { return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1); }

/* The n bits (1 <= n <= 64) of `bits` starting at bit `start`, bit 0 first.
 * Reads only the bytes those bits live in. */
static inline uint64_t qv__bits_word(const uint8_t *bits, int64_t start, int64_t n) {
  const uint8_t *p = bits + (start >> 3);
  int shift = (int)(start & 7);
  int64_t n_bytes = (shift + n + 7) >> 3;
  uint64_t w = 0;
  if (n_bytes >= 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&w, p, 8);
#else
    for (int k = 0; k < 8; k++) w |= (uint64_t)p[k] << (8 * k);
#endif
  } else {
    for (int64_t k = 0; k < n_bytes; k++) w |= (uint64_t)p[k] << (8 * k);
  }
  w >>= shift;
  if (n_bytes > 8) w |= (uint64_t)p[8] << (64 - shift); /* shift > 0 here */
  return w & qv__low_bits(n);
}

#endif
