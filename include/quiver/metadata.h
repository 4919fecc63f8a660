/* quiver: key-value metadata (schema, field and message level).
 *
 * Keys and values are byte strings (the C Data Interface allows binary
 * values); each is stored NUL-terminated as well for convenience. Order is
 * kept; duplicate keys are allowed (as in the spec) and lookups find the first.
 * A qv_metadata is owned by exactly one holder (a field or schema copies it).
 */
#ifndef QUIVER_METADATA_H
#define QUIVER_METADATA_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_kv {
  char *key;       /* NUL-terminated copy, key_len bytes before the NUL */
  int32_t key_len;
  char *value;     /* NUL-terminated copy, value_len bytes before the NUL */
  int32_t value_len;
} qv_kv;

typedef struct qv_metadata {
  int64_t n;     /* number of pairs */
  qv_kv *pairs;  /* n pairs */
  int64_t cap_;  /* private */
} qv_metadata;

/* An empty metadata set. Caller owns it (qv_metadata_free). */
QV_API qv_status qv_metadata_new(qv_metadata **out, qv_error *err);
/* Appends a pair (bytes are copied). Lengths of -1 mean strlen. */
QV_API qv_status qv_metadata_append(qv_metadata *md, const char *key, int32_t key_len,
                                    const char *value, int32_t value_len, qv_error *err);
/* Deep copy; copying NULL gives *out = NULL. */
QV_API qv_status qv_metadata_copy(const qv_metadata *md, qv_metadata **out, qv_error *err);
QV_API void qv_metadata_free(qv_metadata *md);
/* First pair whose key equals `key` (NUL-terminated), or NULL. md may be NULL. */
QV_API const qv_kv *qv_metadata_find(const qv_metadata *md, const char *key);
/* Same pairs in the same order (NULL equals empty). */
QV_API bool qv_metadata_equals(const qv_metadata *a, const qv_metadata *b);

#ifdef __cplusplus
}
#endif
#endif
