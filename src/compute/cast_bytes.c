/* Casts among binary, string, their large and view forms (and from and to
 * fixed_size_binary, whose width every valid value must have): the bytes of every valid row are copied into the
 * target layout. Going to a string type from a binary one checks each value
 * is UTF-8 when `safe` (an ill-formed value is an error naming the row and
 * the bad bytes); unsafe casts copy the bytes as they are, like pyarrow's.
 * Offsets of the input are checked once for the whole window and views are
 * checked slot by slot, so a hostile input is an error, never a bad read.
 */
#include "compute/cast_internal.h"
#include "compute/kernel_util.h"
#include "core/internal.h"
#include "core/utf8.h"

qv_status qv__cast_bytes_to_bytes(const qv_array *a, qv_type *to, bool safe, qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv__bytes_sink sink;
  qv_buffer *validity = NULL;
  int64_t nulls, n = a->length;
  qv_status st;
  bool check = safe && qv__is_string_id(to->id) && !qv__is_string_id(a->type->id);
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "cast", err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  st = qv__sink_init(&sink, n, 0, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *p = NULL;
    int64_t len = 0;
    if (qv_array_is_valid(a, i)) {
      if (!qv__bytes_reader_get(&r, i, &p, &len)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: the view points outside its buffers",
                          (long long)i);
        break;
      }
      if (check) {
        int64_t good = qv__utf8_valid_prefix(p, len);
        if (good < len) {
          char why[96];
          qv__utf8_describe(p, len, good, why, sizeof why);
          st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: invalid UTF-8 at byte %lld (%s)", (long long)i,
                            (long long)good, why);
          break;
        }
      }
    }
    qv__sink_append(&sink, p, len);
  }
  if (st != QV_OK) {
    qv__sink_free(&sink);
    qv_buffer_release(validity);
    return st;
  }
  st = qv__sink_finish(&sink, to, validity, out, err);
  qv_buffer_release(validity);
  return st;
}

/* To fixed_size_binary[w] from any binary-like type: every valid value must
 * be exactly w bytes (pyarrow's rule), else an error naming the row. Null
 * slots are zeros. */
qv_status qv__cast_bytes_to_fixed(const qv_array *a, qv_type *to, qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls, n = a->length, w = to->byte_width, bytes;
  char name[64];
  qv_type_format(to, name, sizeof name);
  if (qv__mul_overflow_i64(n, w, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "cast: %lld values of %s overflow", (long long)n, name);
  if (a->type->id == QV_TYPE_FIXED_SIZE_BINARY && a->type->byte_width != w && n > 0) /* pyarrow: even all-null */
    return qv_error_set(err, QV_ERR_INVALID_DATA, "cast: from fixed_size_binary[%d] to %s: the widths must match",
                        (int)a->type->byte_width, name);
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "cast", err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, bytes, true, &values, err);
  for (int64_t i = 0; st == QV_OK && i < n; i++) {
    const uint8_t *p;
    int64_t len;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &p, &len))
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: the view points outside its buffers", (long long)i);
    else if (len != w)
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "cast: row %lld: a value of %lld bytes does not fit %s (widths must "
                        "match)", (long long)i, (long long)len, name);
    else if (w > 0)
      memcpy(values->data + i * w, p, (size_t)w);
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(to, n, validity, values, out, err);
}
