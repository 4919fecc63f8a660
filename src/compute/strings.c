/* String kernels that produce strings or lengths: utf8_length,
 * binary_length, utf8_trim (given characters or
 * white space, both sides or one), utf8_slice_codeunits and
 * replace_substring.
 *
 * Each is a per-value transform run by qv__strings_map over the valid rows
 * (nulls stay null and are never read). Case mapping lives in
 * strings_case.c. Lengths come out int32
 * for string/binary/views and int64 for the large types, as pyarrow.
 */
#include "compute/strings_internal.h"
#include "core/internal.h"
#include "quiver/compute.h"

qv_type *qv__strings_result_type(const qv_type *in) {
  switch (in->id) { /* views come out as the offset layouts */
    case QV_TYPE_STRING_VIEW: return qv_type_string();
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY: return qv_type_binary();
    default: return (qv_type *)in;
  }
}

qv_status qv__strings_map(const char *fn, const qv_array *a, qv__string_fn f, const void *ctx, qv_array **out,
                          qv_error *err) {
  return qv__strings_map_rows(fn, a, f, ctx, NULL, out, err);
}

qv_status qv__strings_map_rows(const char *fn, const qv_array *a, qv__string_fn f, const void *ctx, int64_t *row,
                               qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv__bytes_sink sink;
  qv_buffer *validity = NULL;
  int64_t nulls;
  qv_status st;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  st = qv__sink_init(&sink, a->length, 0, err);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    return st;
  }
  for (int64_t i = 0; i < a->length; i++) {
    const uint8_t *p;
    int64_t n;
    const char *why = NULL;
    if (!qv_array_is_valid(a, i)) {
      qv__sink_commit(&sink, 0);
      continue;
    }
    if (!qv__bytes_reader_get(&r, i, &p, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn, (long long)i);
      break;
    }
    if (row != NULL) *row = i;
    if (!f(p, n, &sink, ctx, &why)) {
      st = why == NULL ? QV_ERR_INVALID_DATA /* f wrote its own error */
                       : qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: %s", fn, (long long)i, why);
      break;
    }
  }
  if (st != QV_OK) {
    qv__sink_free(&sink);
    qv_buffer_release(validity);
    return st;
  }
  st = qv__sink_finish(&sink, qv__strings_result_type(a->type), validity, out, err);
  qv_buffer_release(validity);
  return st;
}

/* ---- lengths ---- */

static qv_status length_kernel(const char *fn, const qv_array *a, bool code_points, qv_array **out, qv_error *err) {
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  int64_t nulls;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  bool wide = a->type->id == QV_TYPE_LARGE_STRING || a->type->id == QV_TYPE_LARGE_BINARY;
  QV_RETURN_IF_ERROR(qv__compute_copy_validity(a, &validity, &nulls, err));
  qv_status st = qv_buffer_allocate(NULL, a->length * (wide ? 8 : 4), true, &values, err);
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *p;
    int64_t n, len = 0;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &p, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn, (long long)i);
      break;
    }
    if (code_points) {
      for (int64_t k = 0; k < n; k++) len += (p[k] & 0xC0) != 0x80;
    } else {
      len = n;
    }
    if (wide) ((int64_t *)(void *)values->data)[i] = len;
    else ((int32_t *)(void *)values->data)[i] = (int32_t)len;
  }
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  return qv__compute_finish_fixed(wide ? qv_type_int64() : qv_type_int32(), a->length, validity, values, out, err);
}

qv_status qv_compute_utf8_length(const qv_array *a, qv_array **out, qv_error *err) {
  return length_kernel("utf8_length", a, true, out, err);
}
qv_status qv_compute_binary_length(const qv_array *a, qv_array **out, qv_error *err) {
  return length_kernel("binary_length", a, false, out, err);
}

/* ---- trim ---- */

typedef struct trim_ctx {
  qv_trim_side side;
  const uint8_t *chars; /* NULL: white space */
  int64_t n_chars;
} trim_ctx;

static bool trimmed(const trim_ctx *t, uint32_t cp) {
  if (t->chars == NULL) return qv__unicode_space(cp);
  for (int64_t k = 0; k < t->n_chars;) {
    uint32_t c;
    k += qv__utf8_decode(t->chars + k, t->n_chars - k, &c);
    if (c == cp) return true;
  }
  return false;
}

static bool trim_fn(const uint8_t *p, int64_t n, qv__bytes_sink *sink, const void *ctx, const char **why) {
  const trim_ctx *t = ctx;
  int64_t start = 0, end = n;
  (void)why;
  if (t->side != QV_TRIM_RIGHT) {
    while (start < end) {
      uint32_t cp;
      int len = qv__utf8_decode(p + start, end - start, &cp);
      if (!trimmed(t, cp)) break;
      start += len;
    }
  }
  if (t->side != QV_TRIM_LEFT) {
    while (end > start) {
      int64_t k = end - 1;
      while (k > start && (p[k] & 0xC0) == 0x80 && end - k < 4) k--; /* start of the last character */
      uint32_t cp;
      qv__utf8_decode(p + k, end - k, &cp);
      if (!trimmed(t, cp)) break;
      end = k;
    }
  }
  qv__sink_append(sink, p + start, end - start);
  return true;
}

qv_status qv_compute_utf8_trim(const qv_array *a, qv_trim_side side, const uint8_t *chars, int64_t n_chars,
                               qv_array **out, qv_error *err) {
  trim_ctx t = {side, chars, n_chars};
  return qv__strings_map(chars ? "utf8_trim" : "utf8_trim_whitespace", a, trim_fn, &t, out, err);
}

/* ---- slice by code points (Python slice semantics) ---- */

typedef struct slice_ctx {
  int64_t start, stop, step;
} slice_ctx;

static bool slice_fn(const uint8_t *p, int64_t n, qv__bytes_sink *sink, const void *ctx, const char **why) {
  const slice_ctx *s = ctx;
  int64_t count = 0;
  for (int64_t k = 0; k < n; k++) count += (p[k] & 0xC0) != 0x80;
  /* Normalize as Python's slice.indices(count). */
  int64_t step = s->step, start = s->start, stop = s->stop;
  int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? count : count - 1;
  if (start < 0) start = start + count < lo ? lo : start + count;
  else if (start > hi) start = hi;
  if (stop < 0) stop = stop + count < lo ? lo : stop + count;
  else if (stop > hi) stop = hi;
  uint8_t *dst = qv__sink_reserve(sink, n);
  if (dst == NULL) return (*why = "out of memory", false);
  /* Byte offset of each wanted code point, found by walking. */
  int64_t w = 0, idx = 0, k = 0;
  if (step > 0) {
    for (; k < n && idx < stop; idx++) {
      int64_t b = k;
      k++;
      while (k < n && (p[k] & 0xC0) == 0x80) k++;
      if (idx >= start && (idx - start) % step == 0) {
        memcpy(dst + w, p + b, (size_t)(k - b));
        w += k - b;
      }
    }
  } else {
    /* Walk backwards from the end: code point index count-1 down. */
    int64_t e = n;
    for (idx = count - 1; idx > stop && e > 0; idx--) {
      int64_t b = e - 1;
      while (b > 0 && (p[b] & 0xC0) == 0x80) b--;
      if (idx <= start && (start - idx) % (-step) == 0) {
        memcpy(dst + w, p + b, (size_t)(e - b));
        w += e - b;
      }
      e = b;
    }
  }
  qv__sink_commit(sink, w);
  return true;
}

qv_status qv_compute_utf8_slice_codeunits(const qv_array *a, int64_t start, int64_t stop, int64_t step,
                                          qv_array **out, qv_error *err) {
  if (step == 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "utf8_slice_codeunits: slice step cannot be zero");
  if (step == INT64_MIN) step = INT64_MIN + 1;
  slice_ctx s = {start, stop, step};
  return qv__strings_map("utf8_slice_codeunits", a, slice_fn, &s, out, err);
}

/* ---- replace_substring ---- */

typedef struct replace_ctx {
  const uint8_t *pattern, *replacement;
  int64_t n_pattern, n_replacement, max;
} replace_ctx;

static const uint8_t *find(const uint8_t *p, int64_t n, const uint8_t *pat, int64_t m) {
  if (m == 0) return p;
  for (int64_t k = 0; k + m <= n; k++) {
    const uint8_t *hit = memchr(p + k, pat[0], (size_t)(n - m - k + 1));
    if (hit == NULL) return NULL;
    k = hit - p;
    if (memcmp(hit, pat, (size_t)m) == 0) return hit;
  }
  return NULL;
}

static bool replace_fn(const uint8_t *p, int64_t n, qv__bytes_sink *sink, const void *ctx, const char **why) {
  const replace_ctx *r = ctx;
  int64_t done = 0, k = 0, w = 0;
  /* Worst case: every byte position replaced. */
  int64_t room = n + (r->n_replacement > r->n_pattern ? (n / (r->n_pattern ? r->n_pattern : 1) + 1) *
                                                            (r->n_replacement - r->n_pattern) : 0);
  uint8_t *dst = qv__sink_reserve(sink, room);
  if (dst == NULL) return (*why = "out of memory", false);
  while (k <= n && (r->max < 0 || done < r->max) && r->n_pattern > 0) {
    const uint8_t *hit = find(p + k, n - k, r->pattern, r->n_pattern);
    if (hit == NULL) break;
    int64_t at = hit - p;
    memcpy(dst + w, p + k, (size_t)(at - k));
    w += at - k;
    if (r->n_replacement) memcpy(dst + w, r->replacement, (size_t)r->n_replacement);
    w += r->n_replacement;
    k = at + r->n_pattern;
    done++;
  }
  if (n > k) memcpy(dst + w, p + k, (size_t)(n - k));
  w += n > k ? n - k : 0;
  qv__sink_commit(sink, w);
  return true;
}

qv_status qv_compute_replace_substring(const qv_array *a, const uint8_t *pattern, int64_t n_pattern,
                                       const uint8_t *replacement, int64_t n_replacement, int64_t max_replacements,
                                       qv_array **out, qv_error *err) {
  if ((pattern == NULL && n_pattern) || (replacement == NULL && n_replacement) || n_pattern < 0 || n_replacement < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "replace_substring: bad pattern or replacement");
  if (a != NULL) {
    QV_RETURN_IF_ERROR(qv__check_utf8_argument(a, "replace_substring", "pattern", pattern, n_pattern, err));
    QV_RETURN_IF_ERROR(qv__check_utf8_argument(a, "replace_substring", "replacement", replacement, n_replacement, err));
  }
  replace_ctx r = {pattern, replacement, n_pattern, n_replacement, max_replacements};
  return qv__strings_map("replace_substring", a, replace_fn, &r, out, err);
}

qv_status qv__strings_finish_split(qv_status st, const qv_array *a, qv__bytes_sink *sink, int64_t nulls,
                                   qv_buffer *validity, qv_buffer *offsets, qv_array **out, qv_error *err) {
  qv_array *child = NULL;
  qv_type *list_type = NULL;
  qv_type *item = qv__strings_result_type(a->type);
  if (st == QV_OK) st = qv__sink_finish(sink, item, NULL, &child, err);
  else qv__sink_free(sink);
  if (st == QV_OK) st = qv_type_list_of(QV_TYPE_LIST, item, &list_type, err);
  if (st == QV_OK)
    st = qv_array_new(list_type, a->length, 0, nulls, 2, (qv_buffer *[]){nulls ? validity : NULL, offsets}, 1,
                      (qv_array *[]){child}, NULL, out, err);
  qv_type_release(list_type);
  qv_array_release(child);
  qv_buffer_release(validity);
  qv_buffer_release(offsets);
  return st;
}
