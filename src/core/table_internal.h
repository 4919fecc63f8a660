/* quiver core: internals shared by the table-building and column-editing
 * files (not installed). */
#ifndef QUIVER_CORE_TABLE_INTERNAL_H
#define QUIVER_CORE_TABLE_INTERNAL_H

#include "quiver/chunked.h"
#include "quiver/schema.h"
#include "quiver/status.h"

/* A table over `schema` from one chunked array per field, cut into batches
 * wherever any column's chunk ends (zero-copy slices). Checks types and
 * lengths against the schema. */
qv_status qv__table_from_aligned(qv_schema *schema, qv_chunked_array *const *columns, qv_table **out,
                                 qv_error *err);

#endif
