/* quiver: fields (name, type, nullability, metadata). Immutable, refcounted. */
#ifndef QUIVER_FIELD_H
#define QUIVER_FIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/metadata.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_field {
  char *name;            /* NUL-terminated, UTF-8, never NULL (may be "") */
  qv_type *type;         /* owned reference */
  bool nullable;
  qv_metadata *metadata; /* owned copy, NULL when none */
  int64_t refcount_;     /* private */
} qv_field;

/* Creates a field; retains `type`, copies `name` (NULL -> "") and `metadata`
 * (may be NULL). Caller owns *out. */
QV_API qv_status qv_field_new(const char *name, qv_type *type, bool nullable, const qv_metadata *metadata,
                              qv_field **out, qv_error *err);
QV_API qv_field *qv_field_retain(qv_field *field);
QV_API void qv_field_release(qv_field *field); /* accepts NULL */
/* Equal names, nullability and types; metadata compared only if check_metadata. */
QV_API bool qv_field_equals(const qv_field *a, const qv_field *b, bool check_metadata);
/* "name: type" (plus " not null" when not nullable); snprintf semantics. */
QV_API int64_t qv_field_format(const qv_field *field, char *buf, size_t cap);
/* The same text in a new string (*out, release with qv_free_string). */
QV_API qv_status qv_field_to_string(const qv_field *field, char **out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
