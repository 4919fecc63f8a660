/* quiver validate: UTF-8 of string, large_string and string_view arrays.
 *
 * For offset-based strings, each maximal run of valid slots is one
 * contiguous byte range [offsets[s], offsets[e]); it is validated in one
 * call (fast ASCII path), then every slot boundary inside it is checked not
 * to fall on a continuation byte. That pair of checks is exact: if the whole
 * range is well-formed, its characters are uniquely delimited, and each
 * slot is well-formed iff it starts on a character start. Only on failure
 * are rows re-checked one by one to name the row and byte. Null slots are
 * skipped (their bytes are unspecified), as in Arrow C++.
 * Precondition: offsets are monotonic (content.c ran first).
 */
#include <stdio.h>

#include "validate/internal.h"
#include "core/utf8.h"

static qv_status report(qv__vctx *c, const qv_array *a, int64_t row, const uint8_t *p, int64_t n, int64_t at) {
  char why[96];
  qv__utf8_describe(p, n, at, why, sizeof why);
  return qv__vfail(c, a, QV_ERR_INVALID_DATA, "invalid UTF-8 at row %lld, byte %lld (%s)", (long long)row,
                   (long long)at, why);
}

/* Rows [s, e) hold an error somewhere: find the first bad row and report it. */
static qv_status locate(qv__vctx *c, const qv_array *a, bool wide, int64_t s, int64_t e) {
  const uint8_t *offs = qv__buf_data(a, 1);
  const uint8_t *data = qv__buf_data(a, 2);
  for (int64_t i = s; i < e; i++) {
    const int64_t lo = qv__load_off(offs, wide, a->offset + i);
    const int64_t hi = qv__load_off(offs, wide, a->offset + i + 1);
    const int64_t at = qv__utf8_valid_prefix(data + lo, hi - lo);
    if (at < hi - lo) return report(c, a, i, data + lo, hi - lo, at);
  }
  return qv__vfail(c, a, QV_ERR_INVALID_DATA, "invalid UTF-8 in rows [%lld, %lld)", (long long)s, (long long)e);
}

static qv_status utf8_offsets(qv__vctx *c, const qv_array *a, bool wide) {
  const uint8_t *offs = qv__buf_data(a, 1);
  const uint8_t *data = qv__buf_data(a, 2);
  if (offs == NULL || data == NULL || a->length == 0) return QV_OK; /* no bytes at all */
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    const int64_t lo = qv__load_off(offs, wide, a->offset + s);
    const int64_t hi = qv__load_off(offs, wide, a->offset + e);
    if (qv__utf8_valid_prefix(data + lo, hi - lo) < hi - lo) return locate(c, a, wide, s, e);
    for (int64_t i = s + 1; i < e; i++) {
      const int64_t b = qv__load_off(offs, wide, a->offset + i);
      if (b < hi && (data[b] & 0xC0) == 0x80) return locate(c, a, wide, s, e);
    }
  }
  return QV_OK;
}

static qv_status utf8_views(qv__vctx *c, const qv_array *a) {
  int64_t pos = 0, s, e;
  while (qv__next_valid_run(qv__buf_data(a, 0), a->offset, a->length, &pos, &s, &e)) {
    for (int64_t i = s; i < e; i++) {
      const uint8_t *p;
      int64_t n;
      if (!qv__view_slot(a, i, &p, &n))
        return qv__vfail(c, a, QV_ERR_INVALID_DATA, "view at row %lld is out of bounds", (long long)i);
      const int64_t at = qv__utf8_valid_prefix(p, n);
      if (at < n) return report(c, a, i, p, n, at);
    }
  }
  return QV_OK;
}

qv_status qv__validate_utf8(qv__vctx *c, const qv_array *a) {
  switch (qv__storage_id(a)) {
    case QV_TYPE_STRING:
      return utf8_offsets(c, a, false);
    case QV_TYPE_LARGE_STRING:
      return utf8_offsets(c, a, true);
    case QV_TYPE_STRING_VIEW:
      return utf8_views(c, a);
    default:
      return QV_OK;
  }
}
