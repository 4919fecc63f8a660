/* quiver: chunked arrays, one logical column made of several arrays.
 *
 * A table's column is a chunked array: one chunk per batch. Chunks share
 * their buffers with whatever they came from; a chunked array never copies.
 *
 * Example:
 *   qv_chunked_array *col;
 *   if (qv_table_column_by_name(table, "price", &col, &err) == QV_OK) {
 *     for (int64_t c = 0; c < col->n_chunks; c++) use(col->chunks[c]);
 *     qv_chunked_array_release(col);
 *   }
 */
#ifndef QUIVER_CHUNKED_H
#define QUIVER_CHUNKED_H

#include <stdint.h>

#include "quiver/array.h"
#include "quiver/status.h"
#include "quiver/type.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_chunked_array {
  qv_type *type;      /* owned reference; every chunk has this type */
  int64_t length;     /* sum of the chunks' lengths */
  int64_t n_chunks;   /* may be 0 */
  qv_array **chunks;  /* owned references */
  int64_t refcount_;  /* private */
} qv_chunked_array;

/* Retains `type` and every chunk. `type` may be NULL when n_chunks > 0 (the
 * first chunk's type is taken). Every chunk's type must equal it
 * (QV_ERR_TYPE naming the chunk otherwise). Caller owns *out. */
QV_API qv_status qv_chunked_array_new(qv_type *type, qv_array *const *chunks, int64_t n_chunks,
                                      qv_chunked_array **out, qv_error *err);
QV_API qv_chunked_array *qv_chunked_array_retain(qv_chunked_array *c);
QV_API void qv_chunked_array_release(qv_chunked_array *c); /* accepts NULL */

/* Null slots over every chunk. */
QV_API int64_t qv_chunked_array_null_count(const qv_chunked_array *c);

/* Zero-copy slice of rows [offset, offset + length): the chunks it touches,
 * sliced at both ends. QV_ERR_OUT_OF_RANGE past the end. Caller owns *out. */
QV_API qv_status qv_chunked_array_slice(qv_chunked_array *c, int64_t offset, int64_t length,
                                        qv_chunked_array **out, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
