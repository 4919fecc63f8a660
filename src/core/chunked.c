/* quiver core: chunked arrays (chunked.h).
 *
 * Invariants: `length` is the checked sum of the chunk lengths; the struct,
 * and the chunk pointer array are two allocations owned together; every
 * chunk is a held reference. Slicing never copies data: it re-slices the
 * first and last chunks it touches and retains the ones in between.
 */
#include "core/internal.h"
#include "core/table_internal.h"
#include "quiver/chunked.h"

qv_status qv_chunked_array_new(qv_type *type, qv_array *const *chunks, int64_t n_chunks, qv_chunked_array **out,
                               qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_chunked_array_new: out is NULL");
  *out = NULL;
  if (n_chunks < 0 || (n_chunks > 0 && chunks == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "chunked array: bad chunk list (%lld chunks)",
                        (long long)n_chunks);
  if (type == NULL && n_chunks == 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "chunked array: no type and no chunk to take it from");
  int64_t length = 0;
  for (int64_t i = 0; i < n_chunks; i++) {
    if (chunks[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "chunked array: chunk %lld is NULL", (long long)i);
    if (type == NULL) type = chunks[0]->type;
    if (!qv_type_equals(chunks[i]->type, type, false)) {
      char want[256], got[256];
      qv_type_format(type, want, sizeof want);
      qv_type_format(chunks[i]->type, got, sizeof got);
      return qv_error_set(err, QV_ERR_TYPE, "chunked array: chunk %lld has type %s, expected %s", (long long)i, got,
                          want);
    }
    if (qv__add_overflow_i64(length, chunks[i]->length, &length))
      return qv_error_set(err, QV_ERR_OVERFLOW, "chunked array: total length overflows at chunk %lld",
                          (long long)i);
  }
  qv_chunked_array *c = (qv_chunked_array *)qv__calloc(1, sizeof *c);
  QV_CHECK_ALLOC(c, err);
  c->chunks = (qv_array **)qv__calloc((size_t)n_chunks, sizeof(qv_array *));
  if (c->chunks == NULL) {
    qv__free(c);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "chunked array: out of memory for %lld chunks", (long long)n_chunks);
  }
  c->refcount_ = 1;
  c->type = qv_type_retain(type);
  c->length = length;
  c->n_chunks = n_chunks;
  for (int64_t i = 0; i < n_chunks; i++) c->chunks[i] = qv_array_retain(chunks[i]);
  *out = c;
  return QV_OK;
}

qv_chunked_array *qv_chunked_array_retain(qv_chunked_array *c) {
  if (c != NULL) __atomic_add_fetch(&c->refcount_, 1, __ATOMIC_RELAXED);
  return c;
}

void qv_chunked_array_release(qv_chunked_array *c) {
  if (c == NULL || __atomic_sub_fetch(&c->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int64_t i = 0; i < c->n_chunks; i++) qv_array_release(c->chunks[i]);
  qv__free(c->chunks);
  qv_type_release(c->type);
  qv__free(c);
}

int64_t qv_chunked_array_null_count(const qv_chunked_array *c) {
  int64_t n = 0;
  for (int64_t i = 0; c != NULL && i < c->n_chunks; i++) n += qv_array_null_count(c->chunks[i]);
  return n;
}

qv_status qv_chunked_array_slice(qv_chunked_array *c, int64_t offset, int64_t length, qv_chunked_array **out,
                                 qv_error *err) {
  if (out == NULL || c == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_chunked_array_slice: %s is NULL", c ? "out" : "array");
  *out = NULL;
  int64_t end;
  if (offset < 0 || length < 0 || qv__add_overflow_i64(offset, length, &end) || end > c->length)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "chunked array slice [%lld, +%lld) is outside its %lld rows",
                        (long long)offset, (long long)length, (long long)c->length);
  qv_array **parts = (qv_array **)qv__calloc((size_t)c->n_chunks, sizeof(qv_array *));
  QV_CHECK_ALLOC(parts, err);
  qv_status st = QV_OK;
  int64_t n_parts = 0, start = 0;
  for (int64_t i = 0; i < c->n_chunks && start < end; i++) {
    qv_array *chunk = c->chunks[i];
    int64_t lo, hi;
    const bool touched = qv__window_part(start, chunk->length, offset, end, &lo, &hi);
    start += chunk->length;
    if (!touched) continue;
    st = qv_array_slice(chunk, lo, hi - lo, &parts[n_parts], err);
    if (st != QV_OK) goto done;
    n_parts++;
  }
  st = qv_chunked_array_new(c->type, parts, n_parts, out, err);
done:
  for (int64_t i = 0; i < n_parts; i++) qv_array_release(parts[i]);
  qv__free(parts);
  return st;
}
