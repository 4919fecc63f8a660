/* Internal to src/compute: stable radix sort of (key, row) pairs. */
#ifndef QUIVER_SRC_COMPUTE_SORT_RADIX_H
#define QUIVER_SRC_COMPUTE_SORT_RADIX_H

#include <stdint.h>

#include "quiver/status.h"

typedef struct qv__radix_pair {
  uint64_t key; /* unsigned order is the sort order */
  int64_t row;
} qv__radix_pair;

/* Sorts pairs[0, n) by key, equal keys keeping their order. Allocates a
 * scratch copy (QV_ERR_NO_MEMORY if it cannot). */
qv_status qv__radix_sort(qv__radix_pair *pairs, int64_t n, qv_error *err);

#endif
