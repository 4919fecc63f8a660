/* quiver core: internals shared by the table-building and column-editing
 * files (not installed). */
#ifndef QUIVER_CORE_TABLE_INTERNAL_H
#define QUIVER_CORE_TABLE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/chunked.h"
#include "quiver/schema.h"
#include "quiver/status.h"

/* A table over `schema` from one chunked array per field, cut into batches
 * wherever any column's chunk ends (zero-copy slices). Checks types and
 * lengths against the schema. */
qv_status qv__table_from_aligned(qv_schema *schema, qv_chunked_array *const *columns, qv_table **out,
                                 qv_error *err);

/* The rows of a part (a chunk or a batch) of `part_len` rows starting at
 * row `start` of the whole that fall in the window [offset, end): sets
 * [*lo, *hi) in the part's own rows; false when none do. */
static inline bool qv__window_part(int64_t start, int64_t part_len, int64_t offset, int64_t end, int64_t *lo,
                                   int64_t *hi) {
  *lo = offset > start ? offset - start : 0;
  *hi = end - start < part_len ? end - start : part_len;
  return *hi > *lo;
}

#endif
