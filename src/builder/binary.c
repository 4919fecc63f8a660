/* quiver builders: binary, string, large_binary, large_string.
 *
 * Two regions: offsets (values_, length_+1 entries of 4 or 8 bytes, the
 * first always 0) and data (data_, data_size_ bytes used). The inline fast
 * path in builder.h handles int32-offset appends that fit; this file handles
 * growth, int64 offsets, nulls (an empty range: the offset repeats), bulk
 * appends and finishing.
 *
 * Invariants: offsets[length_] == data_size_; for int32 offsets
 * data_capacity_ never exceeds INT32_MAX, so the fast path cannot overflow
 * an offset and the slow path reports QV_ERR_OVERFLOW before writing.
 */
#include "builder/internal.h"

static int32_t offset_width(const qv_builder *b) { return b->fast_ == QV__FAST_BIN32 ? 4 : 8; }

static void set_offset(qv_builder *b, int64_t slot, int64_t value) {
  if (b->fast_ == QV__FAST_BIN32)
    ((int32_t *)(void *)b->values_)[slot] = (int32_t)value;
  else
    ((int64_t *)(void *)b->values_)[slot] = value;
}

static qv_status bin_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  int32_t w = offset_width(b);
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->values_buf_, (b->length_ + 1) * w, (cap + 1) * w, err));
  b->values_ = b->values_buf_->data;
  return QV_OK;
}

/* Makes room for `more` data bytes. */
static qv_status bin_reserve_data(qv_builder *b, int64_t more, qv_error *err) {
  int64_t need;
  if (qv__add_overflow_i64(b->data_size_, more, &need))
    return qv_error_set(err, QV_ERR_OVERFLOW, "binary data size %lld + %lld overflows", (long long)b->data_size_,
                        (long long)more);
  if (b->fast_ == QV__FAST_BIN32) QV_RETURN_IF_ERROR(qv__builder_check_offset32(need, "binary data size", err));
  if (need <= b->data_capacity_) return QV_OK;
  if (b->data_buf_ == NULL && need < 256) need = 256;
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->data_buf_, b->data_size_, need, err));
  b->data_ = b->data_buf_->data;
  b->data_capacity_ = b->data_buf_->capacity;
  if (b->fast_ == QV__FAST_BIN32 && b->data_capacity_ > INT32_MAX) b->data_capacity_ = INT32_MAX;
  return QV_OK;
}

static qv_status bin_append_binary(qv_builder *b, const void *data, int64_t len, qv_error *err) {
  QV_RETURN_IF_ERROR(bin_reserve_data(b, len, err));
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  if (len > 0) memcpy(b->data_ + b->data_size_, data, (size_t)len);
  b->data_size_ += len;
  set_offset(b, ++b->length_, b->data_size_);
  return QV_OK;
}

static qv_status bin_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  for (int64_t i = 1; i <= n; i++) set_offset(b, b->length_ + i, b->data_size_);
  b->length_ += n;
  return QV_OK;
}

static qv_status bin_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  return bin_append_empty(b, n, err);
}

static qv_status bin_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_status st = qv__region_take(b->alloc_, &b->values_buf_, (b->length_ + 1) * offset_width(b), &bufs[1], err);
  if (st == QV_OK) st = qv__region_take(b->alloc_, &b->data_buf_, b->data_size_, &bufs[2], err);
  if (st != QV_OK) {
    qv_buffer_release(bufs[1]);
    return st;
  }
  b->values_ = b->data_ = NULL;
  int64_t nulls = b->null_count_;
  qv__builder_take_validity(b, &bufs[0], err);
  return qv__builder_assemble(b, nulls, 3, bufs, 0, NULL, NULL, out, err);
}

static const qv__builder_ops k_bin_ops = {.name = "binary",
                                          .reserve = bin_reserve,
                                          .append_nulls = bin_append_nulls,
                                          .append_empty = bin_append_empty,
                                          .append_binary = bin_append_binary,
                                          .finish = bin_finish};

qv_status qv__builder_init_binary(qv_builder *b, qv_error *err) {
  (void)err;
  b->ops_ = &k_bin_ops;
  b->fast_ = qv__builder_kind_of(b->storage_);
  b->utf8_ = b->storage_->id == QV_TYPE_STRING || b->storage_->id == QV_TYPE_LARGE_STRING;
  return QV_OK;
}

/* ---- bulk ---- */

/* Source offsets of either width. */
typedef struct {
  const int32_t *o32;
  const int64_t *o64;
} src_offsets;

static inline int64_t src_at(src_offsets s, int64_t i) { return s.o32 ? (int64_t)s.o32[i] : s.o64[i]; }

static qv_status append_many(qv_builder *b, src_offsets off, const uint8_t *data, int64_t n,
                             const uint8_t *validity, qv_error *err) {
  if (b == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_binaries: builder is NULL");
  if (b->fast_ != QV__FAST_BIN32 && b->fast_ != QV__FAST_BIN64 && b->fast_ != QV__FAST_VIEW)
    return qv__builder_type_error(b, "append_binaries", err);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_binaries: negative count %lld", (long long)n);
  if (n == 0) return QV_OK;
  if (off.o32 == NULL && off.o64 == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_binaries: offsets is NULL");
  for (int64_t i = 0; i < n; i++) {
    if (src_at(off, i) < 0 || src_at(off, i + 1) < src_at(off, i))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "append_binaries: source offsets[%lld..%lld] = %lld, %lld are negative or decreasing",
                          (long long)i, (long long)i + 1, (long long)src_at(off, i), (long long)src_at(off, i + 1));
  }
  int64_t first = src_at(off, 0), total = src_at(off, n) - first;
  if (total > 0 && data == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_binaries: data is NULL");
  if (validity == NULL && b->fast_ != QV__FAST_VIEW) {
    /* one block copy, then rebased offsets */
    QV_RETURN_IF_ERROR(bin_reserve_data(b, total, err));
    QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
    if (total > 0) memcpy(b->data_ + b->data_size_, data + first, (size_t)total);
    int64_t base = b->data_size_ - first;
    for (int64_t i = 1; i <= n; i++) set_offset(b, b->length_ + i, base + src_at(off, i));
    b->data_size_ += total;
    b->length_ += n;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  for (int64_t i = 0; i < n; i++) {
    qv_status st;
    if (validity != NULL && !qv_bit_get(validity, i))
      st = qv_builder_append_null(b);
    else
      st = qv_builder_append_binary(b, data + src_at(off, i), src_at(off, i + 1) - src_at(off, i));
    if (st != QV_OK) {
      qv_error_set(err, st, "value %lld: %s", (long long)i, b->error_.message);
      return st;
    }
  }
  return QV_OK;
}

qv_status qv_builder_append_binaries(qv_builder *b, const int32_t *offsets, const void *data, int64_t n,
                                     const uint8_t *validity, qv_error *err) {
  src_offsets off = {offsets, NULL};
  return append_many(b, off, (const uint8_t *)data, n, validity, err);
}

qv_status qv_builder_append_large_binaries(qv_builder *b, const int64_t *offsets, const void *data, int64_t n,
                                           const uint8_t *validity, qv_error *err) {
  src_offsets off = {NULL, offsets};
  return append_many(b, off, (const uint8_t *)data, n, validity, err);
}
