/* Internal to src/compute: stable radix sort of 64-bit unsigned keys,
 * giving the rows in key order. */
#ifndef QUIVER_SRC_COMPUTE_SORT_RADIX_H
#define QUIVER_SRC_COMPUTE_SORT_RADIX_H

#include <stdint.h>

#include "quiver/status.h"

/* Sorts n keys stably and writes the row of each, in key order, to
 * out_rows[0, n). Key i is the 8 bytes at keys + 8 * i (native order, any
 * alignment) xor `flip`, compared as unsigned; its row is rows[i], or i
 * when rows is NULL. Allocates scratch (QV_ERR_NO_MEMORY if it cannot). */
qv_status qv__radix_sort_rows(const uint8_t *keys, uint64_t flip, const int64_t *rows, int64_t n, int64_t *out_rows,
                              qv_error *err);

#endif
