/* String kernels that look for a pattern: starts_with, ends_with,
 * match_substring, match_like (bool results), find_substring (the byte
 * index of the first match, -1 for none) and split_pattern (a list of the
 * pieces).
 *
 * Patterns are plain bytes (no regular expressions). ignore_case folds
 * ASCII letters only (documented). match_like is SQL LIKE: '%' any run of
 * characters, '_' exactly one code point, '\' escapes the next pattern
 * character; matching backtracks to the last '%' only, so it is
 * O(len(value) * len(pattern)) at worst.
 */
#include "compute/strings_internal.h"
#include "core/internal.h"
#include "quiver/compute.h"

static inline uint8_t fold(uint8_t c, bool ignore_case) {
  return ignore_case && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool equal_at(const uint8_t *p, const uint8_t *pat, int64_t m, bool ic) {
  if (!ic) return m == 0 || memcmp(p, pat, (size_t)m) == 0;
  for (int64_t k = 0; k < m; k++)
    if (fold(p[k], true) != fold(pat[k], true)) return false;
  return true;
}

/* Byte index of the first occurrence, or -1. */
static int64_t index_of(const uint8_t *p, int64_t n, const uint8_t *pat, int64_t m, bool ic) {
  for (int64_t k = 0; k + m <= n; k++) {
    if (!ic && m > 0) {
      const uint8_t *hit = memchr(p + k, pat[0], (size_t)(n - m - k + 1));
      if (hit == NULL) return -1;
      k = hit - p;
    }
    if (equal_at(p + k, pat, m, ic)) return k;
  }
  return -1;
}

/* One code point's byte length at p (1 for an ill-formed byte). */
static int cp_len(const uint8_t *p, int64_t n) {
  uint32_t cp;
  return qv__utf8_decode(p, n, &cp);
}

static bool like(const uint8_t *s, int64_t n, const uint8_t *pat, int64_t m, bool ic) {
  int64_t i = 0, j = 0, star_j = -1, star_i = 0;
  while (i < n) {
    if (j < m && pat[j] == '%') {
      star_j = ++j;
      star_i = i;
      continue;
    }
    if (j < m) {
      bool escaped = pat[j] == '\\' && j + 1 < m;
      int64_t pj = escaped ? j + 1 : j;
      if (!escaped && pat[j] == '_') {
        i += cp_len(s + i, n - i);
        j++;
        continue;
      }
      int plen = cp_len(pat + pj, m - pj);
      if (i + plen <= n && equal_at(s + i, pat + pj, plen, ic)) {
        i += plen;
        j = pj + plen;
        continue;
      }
    }
    if (star_j < 0) return false;
    star_i += cp_len(s + star_i, n - star_i); /* let the last '%' take one more character */
    i = star_i;
    j = star_j;
  }
  while (j < m && pat[j] == '%') j++;
  return j == m;
}

qv_status qv_compute_match(qv_match_op op, const qv_array *a, const uint8_t *pattern, int64_t n_pattern,
                           bool ignore_case, qv_array **out, qv_error *err) {
  static const char *const names[] = {"starts_with", "ends_with", "match_substring", "match_like"};
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL || (pattern == NULL && n_pattern) || n_pattern < 0 || (unsigned)op > QV_MATCH_LIKE)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "match: bad arguments");
  *out = NULL;
  const char *fn = names[op];
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv__compute_new_bitmap(a->length, &values, err);
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *p;
    int64_t n;
    bool hit;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &p, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn, (long long)i);
      break;
    }
    switch (op) { /* once per row; the searches dominate */
      case QV_MATCH_STARTS_WITH: hit = n >= n_pattern && equal_at(p, pattern, n_pattern, ignore_case); break;
      case QV_MATCH_ENDS_WITH: hit = n >= n_pattern && equal_at(p + n - n_pattern, pattern, n_pattern, ignore_case); break;
      case QV_MATCH_SUBSTRING: hit = index_of(p, n, pattern, n_pattern, ignore_case) >= 0; break;
      default: hit = like(p, n, pattern, n_pattern, ignore_case); break;
    }
    if (hit) qv_bit_set(values->data, i);
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(qv_type_bool(), a->length, validity, values, out, err);
}

qv_status qv_compute_find_substring(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, bool ignore_case,
                                    qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL || (pattern == NULL && n_pattern) || n_pattern < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "find_substring: bad arguments");
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "find_substring", err));
  bool wide = a->type->id == QV_TYPE_LARGE_STRING || a->type->id == QV_TYPE_LARGE_BINARY;
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, a->length * (wide ? 8 : 4), true, &values, err);
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *p;
    int64_t n;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &p, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "find_substring: row %lld: the view points outside its buffers",
                        (long long)i);
      break;
    }
    int64_t at = index_of(p, n, pattern, n_pattern, ignore_case);
    if (wide) ((int64_t *)(void *)values->data)[i] = at;
    else ((int32_t *)(void *)values->data)[i] = (int32_t)at;
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(wide ? qv_type_int64() : qv_type_int32(), a->length, validity, values, out, err);
}

qv_status qv_compute_split_pattern(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, int64_t max_splits,
                                   qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv__bytes_sink sink;
  qv_buffer *validity = NULL, *offsets = NULL;
  int64_t nulls;
  qv_status st;
  if (out == NULL || a == NULL || pattern == NULL || n_pattern <= 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "split_pattern: the pattern must not be empty");
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, "split_pattern", err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  st = qv_buffer_allocate(NULL, (a->length + 1) * 4, false, &offsets, err);
  if (st == QV_OK) st = qv__sink_init(&sink, a->length, 0, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(offsets);
    return st;
  }
  int32_t *off = (int32_t *)(void *)offsets->data;
  off[0] = 0;
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *p;
    int64_t n;
    if (qv_array_is_valid(a, i)) {
      if (!qv__bytes_reader_get(&r, i, &p, &n)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "split_pattern: row %lld: the view points outside its buffers",
                          (long long)i);
        break;
      }
      int64_t k = 0, splits = 0;
      for (;;) {
        int64_t at = (max_splits < 0 || splits < max_splits) ? index_of(p + k, n - k, pattern, n_pattern, false) : -1;
        if (at < 0) break;
        qv__sink_append(&sink, p + k, at);
        k += at + n_pattern;
        splits++;
      }
      qv__sink_append(&sink, p + k, n - k);
    }
    if (sink.length > INT32_MAX) {
      st = qv_error_set(err, QV_ERR_OVERFLOW, "split_pattern: more than 2^31 pieces");
      break;
    }
    off[i + 1] = (int32_t)sink.length;
  }
  return qv__strings_finish_split(st, a, &sink, nulls, validity, offsets, out, err);
}
