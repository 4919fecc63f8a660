/* quiver print: one slot's compact text, for displays that lay values out
 * in rows (the CLI's table). Separate from print.c because it skips the
 * per-call structural validation: the caller validates a column once and
 * then asks for many cells (validating per cell would make a table O(n^2)).
 */
#include "print/internal.h"

qv_status qv_array_value_to_string(const qv_array *array, int64_t i, const qv_print_options *opts, char **out,
                                   qv_error *err) {
  if (out == NULL || array == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_value_to_string: NULL argument");
  *out = NULL;
  if (i < 0 || i >= array->length)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "slot %lld is outside the array of length %lld", (long long)i,
                        (long long)array->length);
  const qv_print_options o = opts ? *opts : qv_print_options_default();
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  const bool ok = qv__print_compact_value(&sb, array, i, &o);
  if (!ok) {
    qv__strbuf_free(&sb);
    return qv_error_set(err, QV_ERR_INVALID_DATA, "slot %lld: the value lies outside the array's buffers",
                        (long long)i);
  }
  const qv_status st = qv__strbuf_status(&sb, err);
  if (st != QV_OK) {
    qv__strbuf_free(&sb);
    return st;
  }
  *out = qv__strbuf_take(&sb);
  QV_CHECK_ALLOC(*out, err);
  return QV_OK;
}
