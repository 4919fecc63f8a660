/* quiver: schemas (ordered fields plus schema-level metadata). Immutable, refcounted. */
#ifndef QUIVER_SCHEMA_H
#define QUIVER_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/field.h"
#include "quiver/metadata.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_schema {
  int32_t n_fields;
  qv_field **fields;     /* owned references */
  qv_metadata *metadata; /* owned copy, NULL when none */
  int64_t refcount_;     /* private */
} qv_schema;

/* Retains each field, copies metadata (may be NULL). Caller owns *out. */
QV_API qv_status qv_schema_new(qv_field *const *fields, int32_t n_fields, const qv_metadata *metadata,
                               qv_schema **out, qv_error *err);
QV_API qv_schema *qv_schema_retain(qv_schema *schema);
QV_API void qv_schema_release(qv_schema *schema); /* accepts NULL */
/* Index of the first field named `name`, or -1. */
QV_API int32_t qv_schema_field_index(const qv_schema *schema, const char *name);
QV_API bool qv_schema_equals(const qv_schema *a, const qv_schema *b, bool check_metadata);
/* One "name: type" line per field, like pyarrow; snprintf semantics. */
QV_API int64_t qv_schema_format(const qv_schema *schema, char *buf, size_t cap);
/* The same text in a new string (*out, release with qv_free_string). */
QV_API qv_status qv_schema_to_string(const qv_schema *schema, char **out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
