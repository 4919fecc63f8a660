/* Parquet: the "ARROW:schema" footer metadata (internal).
 *
 * pyarrow and arrow-rs store the Arrow schema they wrote as a base64 IPC
 * Schema message. The reader decodes it with the IPC module's schema
 * decoder and, field by field, takes the stored type when the assembled
 * array can become it without loss (time zones, durations, extension types,
 * large strings and lists, date64); otherwise the Parquet-derived type
 * stays. */
#ifndef QV_PARQUET_ARROW_SCHEMA_H
#define QV_PARQUET_ARROW_SCHEMA_H

#include <stdbool.h>

#include "quiver/array.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"

/* The schema reads produce: `parquet` (from the Parquet types) with the
 * stored Arrow types where compatible, and the file's key-value metadata
 * minus ARROW:schema as schema metadata. A stored schema that does not
 * decode is ignored (as pyarrow does, which only warns). */
qv_status qv__pq_arrow_schema_resolve(const qv_schema *parquet, const qv_metadata *kv, bool ignore_stored,
                                      qv_schema **out, qv_error *err);

/* The array `in` (of the Parquet-derived type) as `target` (a type the
 * resolver accepted for it). Retains `in` when the types are equal. */
qv_status qv__pq_arrow_restore(qv_array *in, qv_type *target, qv_array **out, qv_error *err);

#endif
