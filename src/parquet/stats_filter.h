/* Parquet: ruling out row groups by their column statistics (internal).
 *
 * qv__pq_stats_may_match answers "can any row of this column chunk satisfy
 * the predicate?" from the chunk's min, max and null count alone. It says
 * no only when the statistics prove it: every uncertainty (statistics
 * absent, written in the deprecated signed byte order, of a type whose
 * order is not the plain numeric or byte order, a NaN bound, a constant of
 * another kind) answers yes. */
#ifndef QV_PARQUET_STATS_FILTER_H
#define QV_PARQUET_STATS_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/metadata.h"
#include "quiver/parquet.h"

/* m: the chunk's metadata; e: its schema element; repeated: the leaf has
 * a repeated ancestor (null counts then count levels, not rows). */
bool qv__pq_stats_may_match(const qv__pq_column_meta *m, const qv__pq_schema_element *e, bool repeated,
                            const qv_parquet_predicate *p);

#endif
