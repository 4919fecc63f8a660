/* Shared pieces of the element-wise kernels (see kernel_util.h): validity
 * copies, result assembly, the byte sink that string-producing kernels
 * append to, and the checked reader of binary-like inputs.
 *
 * The sink keeps int64 offsets whatever the target so one append path
 * serves every string layout; qv__sink_finish narrows them (checking that
 * int32 targets do not overflow) or turns them into views.
 */
#include "compute/kernel_util.h"

#include <stdlib.h>

#include "core/internal.h"
#include "core/utf8.h"
#include "quiver/type.h"

qv_status qv__compute_new_bitmap(int64_t length, qv_buffer **out, qv_error *err) {
  return qv_buffer_allocate(NULL, qv_bitmap_bytes(length), true, out, err);
}

int64_t qv__compute_count_nulls(const qv_buffer *bits, int64_t length) {
  if (bits == NULL || length == 0) return 0;
  return length - qv_bitmap_count_set(bits->data, 0, length);
}

qv_status qv__compute_copy_validity(const qv_array *a, qv_buffer **out, int64_t *nulls, qv_error *err) {
  *out = NULL;
  *nulls = 0;
  if (a->null_layout_) {
    *nulls = a->length;
    return qv__compute_new_bitmap(a->length, out, err);
  }
  if (a->validity_ == NULL) return QV_OK;
  *nulls = a->length - qv_bitmap_count_set(a->validity_, a->offset, a->length);
  if (*nulls == 0) return QV_OK;
  QV_RETURN_IF_ERROR(qv__compute_new_bitmap(a->length, out, err));
  qv_bitmap_copy((*out)->data, 0, a->validity_, a->offset, a->length);
  return QV_OK;
}

qv_status qv__compute_share_validity(const qv_array *a, qv_buffer **out, int64_t *nulls, qv_error *err) {
  *out = NULL;
  *nulls = 0;
  if (a->null_layout_ || a->validity_ == NULL || a->offset % 8 != 0) return qv__compute_copy_validity(a, out, nulls, err);
  *nulls = a->length - qv_bitmap_count_set(a->validity_, a->offset, a->length);
  if (*nulls == 0) return QV_OK;
  if (qv_buffer_view(a->buffers[0], a->offset / 8, qv_bitmap_bytes(a->length), out, NULL) == QV_OK) return QV_OK;
  return qv__compute_copy_validity(a, out, nulls, err);
}

qv_status qv__compute_finish_fixed(qv_type *type, int64_t length, qv_buffer *validity, qv_buffer *values,
                                   qv_array **out, qv_error *err) {
  int64_t nulls = qv__compute_count_nulls(validity, length);
  qv_status st = qv_array_new(type, length, 0, nulls, 2, (qv_buffer *[]){nulls ? validity : NULL, values}, 0, NULL,
                              NULL, out, err);
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

/* ---- the sink ---- */

qv_status qv__sink_init(qv__bytes_sink *s, int64_t slots, int64_t data_hint, qv_error *err) {
  memset(s, 0, sizeof *s);
  if (slots < 0 || slots > INT64_MAX / 8 - 1 || data_hint < 0)
    return qv_error_set(err, QV_ERR_OVERFLOW, "%lld values are too many", (long long)slots);
  s->offsets = qv__malloc((size_t)(slots + 1) * sizeof(int64_t));
  s->data_capacity = data_hint > 64 ? data_hint : 64;
  s->data = qv__malloc((size_t)s->data_capacity);
  if (s->offsets == NULL || s->data == NULL) {
    qv__sink_free(s);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory reserving %lld values", (long long)slots);
  }
  s->capacity = slots;
  s->offsets[0] = 0;
  return QV_OK;
}

void qv__sink_free(qv__bytes_sink *s) {
  qv__free(s->offsets);
  qv__free(s->data);
  s->offsets = NULL;
  s->data = NULL;
}

uint8_t *qv__sink_reserve(qv__bytes_sink *s, int64_t len) {
  if (s->oom) return NULL;
  if (len < 0 || len > INT64_MAX - s->data_size) {
    s->oom = true;
    return NULL;
  }
  if (s->data_size + len > s->data_capacity) {
    int64_t cap = s->data_capacity;
    while (cap < s->data_size + len) cap = cap > INT64_MAX / 2 ? INT64_MAX : cap * 2;
    uint8_t *grown = qv__realloc(s->data, (size_t)cap);
    if (grown == NULL) {
      s->oom = true;
      return NULL;
    }
    s->data = grown;
    s->data_capacity = cap;
  }
  return s->data + s->data_size;
}

void qv__sink_commit(qv__bytes_sink *s, int64_t written) {
  if (s->oom) return;
  if (s->length >= s->capacity) {
    int64_t cap = s->capacity * 2 + 8;
    int64_t *grown = qv__realloc(s->offsets, (size_t)(cap + 1) * sizeof(int64_t));
    if (grown == NULL) {
      s->oom = true;
      return;
    }
    s->offsets = grown;
    s->capacity = cap;
  }
  s->data_size += written;
  s->offsets[++s->length] = s->data_size;
}

void qv__sink_append(qv__bytes_sink *s, const void *p, int64_t len) {
  uint8_t *dst = qv__sink_reserve(s, len);
  if (dst == NULL) return;
  if (len > 0) memcpy(dst, p, (size_t)len);
  qv__sink_commit(s, len);
}

/* Views over the sink's data: values of up to 12 bytes inline, longer ones
 * pointing into one data buffer (the sink's bytes, copied once). */
static qv_status finish_views(qv__bytes_sink *s, qv_type *type, qv_buffer *validity, int64_t nulls, qv_array **out,
                              qv_error *err) {
  qv_buffer *views = NULL, *data = NULL;
  qv_status st;
  int64_t n = s->length;
  if (s->data_size > INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "%lld bytes do not fit one view buffer", (long long)s->data_size);
  st = qv_buffer_allocate(NULL, n * QV_VIEW_SIZE, true, &views, err);
  if (st == QV_OK) st = qv_buffer_copy_from(NULL, s->data, s->data_size, &data, err);
  if (st == QV_OK) {
    qv_view *v = (qv_view *)(void *)views->data;
    for (int64_t i = 0; i < n; i++) {
      int64_t start = s->offsets[i], len = s->offsets[i + 1] - start;
      v[i].inlined.size = (int32_t)len;
      if (len <= QV_VIEW_INLINE_MAX) {
        if (len > 0) memcpy(v[i].inlined.data, s->data + start, (size_t)len);
      } else {
        memcpy(v[i].ref.prefix, s->data + start, 4);
        v[i].ref.buffer_index = 0;
        v[i].ref.offset = (int32_t)start;
      }
    }
    st = qv_array_new(type, n, 0, nulls, 3, (qv_buffer *[]){nulls ? validity : NULL, views, data}, 0, NULL, NULL, out,
                      err);
  }
  qv_buffer_release(views);
  qv_buffer_release(data);
  return st;
}

qv_status qv__sink_finish(qv__bytes_sink *s, qv_type *type, qv_buffer *validity, qv_array **out, qv_error *err) {
  qv_status st = QV_OK;
  qv_buffer *offsets = NULL, *data = NULL;
  int64_t n = s->length, nulls = qv__compute_count_nulls(validity, n);
  qv_type_id id = qv_type_storage(type)->id;
  *out = NULL;
  if (s->oom) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory building %lld values", (long long)n);
    goto done;
  }
  if (id == QV_TYPE_STRING_VIEW || id == QV_TYPE_BINARY_VIEW) {
    st = finish_views(s, type, validity, nulls, out, err);
    goto done;
  }
  if (id == QV_TYPE_STRING || id == QV_TYPE_BINARY) {
    if (s->data_size > INT32_MAX) {
      st = qv_error_set(err, QV_ERR_OVERFLOW, "%lld bytes of values do not fit int32 offsets (use a large type)",
                        (long long)s->data_size);
      goto done;
    }
    QV_GOTO_IF_ERROR(st, qv_buffer_allocate(NULL, (n + 1) * 4, false, &offsets, err), done);
    int32_t *o = (int32_t *)(void *)offsets->data;
    for (int64_t i = 0; i <= n; i++) o[i] = (int32_t)s->offsets[i];
  } else if (id == QV_TYPE_LARGE_STRING || id == QV_TYPE_LARGE_BINARY) {
    QV_GOTO_IF_ERROR(st, qv_buffer_copy_from(NULL, s->offsets, (n + 1) * 8, &offsets, err), done);
  } else {
    st = qv_error_set(err, QV_ERR_TYPE, "internal: the byte sink cannot build %s", qv_type_id_name(id));
    goto done;
  }
  QV_GOTO_IF_ERROR(st, qv_buffer_copy_from(NULL, s->data, s->data_size, &data, err), done);
  st = qv_array_new(type, n, 0, nulls, 3, (qv_buffer *[]){nulls ? validity : NULL, offsets, data}, 0, NULL, NULL, out,
                    err);
done:
  qv_buffer_release(offsets);
  qv_buffer_release(data);
  qv__sink_free(s);
  return st;
}

/* ---- the reader ---- */

bool qv__is_binary_like(qv_type_id id) {
  return id == QV_TYPE_BINARY || id == QV_TYPE_STRING || id == QV_TYPE_LARGE_BINARY || id == QV_TYPE_LARGE_STRING ||
         id == QV_TYPE_BINARY_VIEW || id == QV_TYPE_STRING_VIEW || id == QV_TYPE_FIXED_SIZE_BINARY;
}

bool qv__is_string_id(qv_type_id id) {
  return id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW;
}

qv_status qv__bytes_reader_init(qv__bytes_reader *r, const qv_array *a, const char *fn, qv_error *err) {
  qv_type_id id = qv__storage_id(a);
  r->a = a;
  r->kind = 2;
  r->offsets = r->data = NULL;
  if (!qv__is_binary_like(id))
    return qv_error_set(err, QV_ERR_TYPE, "%s: %s is not a string or binary type", fn, qv_type_id_name(id));
  if (id == QV_TYPE_BINARY_VIEW || id == QV_TYPE_STRING_VIEW || id == QV_TYPE_FIXED_SIZE_BINARY) return QV_OK;
  bool wide = id == QV_TYPE_LARGE_BINARY || id == QV_TYPE_LARGE_STRING;
  r->kind = wide ? 1 : 0;
  r->data = qv__array_buffer_or_empty(a, 2);
  r->offsets = qv__array_buffer_or_empty(a, 1);
  if (a->length == 0) return QV_OK;
  int64_t bad_row = 0, found = 0;
  if (!qv__offsets_window_ok(r->offsets, wide, a->offset, a->length, qv__buf_size(a, 2), &bad_row, &found))
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "%s: row %lld: offset %lld goes backwards or past the %lld bytes of data", fn,
                        (long long)bad_row, (long long)found, (long long)qv__buf_size(a, 2));
  return QV_OK;
}

qv_status qv__check_utf8_argument(const qv_array *a, const char *fn, const char *what, const uint8_t *s, int64_t n,
                                  qv_error *err) {
  const qv_type *t = qv_type_storage(a->type);
  if (t->id == QV_TYPE_DICTIONARY && t->value_type != NULL) t = qv_type_storage(t->value_type);
  if (!qv__is_string_id(t->id) || n <= 0) return QV_OK;
  const int64_t valid = qv__utf8_valid_prefix(s, n);
  if (valid == n) return QV_OK;
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: the %s is not valid UTF-8 (at byte %lld) but the values are strings",
                      fn, what, (long long)valid);
}
