/* quiver builders: binary_view and string_view.
 *
 * values_ holds 16-byte views. A value of <= 12 bytes is inlined (the
 * inline fast path in builder.h does that; the rest of the view stays zero
 * because the region past the used part is zero). A longer value is copied
 * into the current data buffer (data_, which will be variadic buffer number
 * n_variadic_) and its view records size, 4-byte prefix, buffer index and
 * offset. A data buffer grows geometrically up to QV_VIEW_BLOCK_SIZE; when a
 * value does not fit, the buffer is sealed (appended to variadic_) and a new
 * one started; a value longer than the block gets a buffer of its own.
 * Values are never split, so every offset fits an int32.
 */
#include "builder/internal.h"

static qv_status view_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  QV_RETURN_IF_ERROR(
      qv__region_reserve(b->alloc_, &b->values_buf_, b->length_ * QV_VIEW_SIZE, cap * QV_VIEW_SIZE, err));
  b->values_ = b->values_buf_->data;
  return QV_OK;
}

qv_status qv__view_seal(qv_builder *b, qv_error *err) {
  if (b->data_buf_ == NULL || b->data_size_ == 0) return QV_OK;
  if (b->n_variadic_ == b->variadic_cap_) {
    if (b->variadic_cap_ >= INT32_MAX / 2 - 2)
      return qv_error_set(err, QV_ERR_OVERFLOW, "view builder: too many data buffers");
    int32_t cap = b->variadic_cap_ ? b->variadic_cap_ * 2 : 4;
    qv_buffer **v = (qv_buffer **)qv__realloc(b->variadic_, (size_t)cap * sizeof *v);
    QV_CHECK_ALLOC(v, err);
    b->variadic_ = v;
    b->variadic_cap_ = cap;
  }
  b->data_buf_->size = b->data_size_; /* bytes past it are zero */
  b->variadic_[b->n_variadic_++] = b->data_buf_;
  b->data_buf_ = NULL;
  b->data_ = NULL;
  b->data_size_ = b->data_capacity_ = 0;
  return QV_OK;
}

/* Makes room for `len` (> 12) more bytes in the current data buffer. */
static qv_status view_reserve_data(qv_builder *b, int64_t len, qv_error *err) {
  if (b->data_size_ + len <= b->data_capacity_) return QV_OK;
  if (b->data_buf_ != NULL && b->data_size_ + len <= QV_VIEW_BLOCK_SIZE && b->data_capacity_ < QV_VIEW_BLOCK_SIZE) {
    QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->data_buf_, b->data_size_, b->data_size_ + len, err));
  } else {
    QV_RETURN_IF_ERROR(qv__view_seal(b, err));
    /* the first buffer starts small; later ones take a whole block */
    int64_t want = b->n_variadic_ == 0 ? 4096 : QV_VIEW_BLOCK_SIZE;
    if (want < len) want = len;
    QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->data_buf_, 0, want, err));
  }
  b->data_ = b->data_buf_->data;
  b->data_capacity_ = b->data_buf_->capacity;
  if (b->data_capacity_ > QV_VIEW_BLOCK_SIZE) b->data_capacity_ = len > QV_VIEW_BLOCK_SIZE ? len : QV_VIEW_BLOCK_SIZE;
  return QV_OK;
}

static qv_status view_append_binary(qv_builder *b, const void *data, int64_t len, qv_error *err) {
  if (len > INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "view value of %lld bytes exceeds the int32 size limit %d",
                        (long long)len, INT32_MAX);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  qv_view *v = (qv_view *)(void *)b->values_ + b->length_;
  if (len <= QV_VIEW_INLINE_MAX) {
    v->inlined.size = (int32_t)len;
    if (len > 0) memcpy(v->inlined.data, data, (size_t)len);
  } else {
    QV_RETURN_IF_ERROR(view_reserve_data(b, len, err));
    v->ref.size = (int32_t)len;
    memcpy(v->ref.prefix, data, 4);
    v->ref.buffer_index = b->n_variadic_;
    v->ref.offset = (int32_t)b->data_size_;
    memcpy(b->data_ + b->data_size_, data, (size_t)len);
    b->data_size_ += len;
  }
  b->length_++;
  return QV_OK;
}

static qv_status view_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  b->length_ += n; /* zero views: size 0, inline */
  return QV_OK;
}

static qv_status view_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  b->length_ += n;
  return QV_OK;
}

static qv_status view_finish(qv_builder *b, qv_array **out, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__view_seal(b, err));
  int32_t n = 2 + b->n_variadic_;
  qv_buffer **bufs = (qv_buffer **)qv__calloc((size_t)n, sizeof *bufs);
  QV_CHECK_ALLOC(bufs, err);
  qv_status st = qv__region_take(b->alloc_, &b->values_buf_, b->length_ * QV_VIEW_SIZE, &bufs[1], err);
  if (st != QV_OK) {
    qv__free(bufs);
    return st;
  }
  b->values_ = NULL;
  for (int32_t i = 0; i < b->n_variadic_; i++) bufs[2 + i] = b->variadic_[i];
  b->n_variadic_ = 0; /* moved into bufs */
  int64_t nulls = b->null_count_;
  qv__builder_take_validity(b, &bufs[0], err);
  st = qv__builder_assemble(b, nulls, n, bufs, 0, NULL, NULL, out, err);
  qv__free(bufs);
  return st;
}

static const qv__builder_ops k_view_ops = {.name = "view",
                                           .reserve = view_reserve,
                                           .append_nulls = view_append_nulls,
                                           .append_empty = view_append_empty,
                                           .append_binary = view_append_binary,
                                           .finish = view_finish};

qv_status qv__builder_init_view(qv_builder *b, qv_error *err) {
  (void)err;
  b->ops_ = &k_view_ops;
  b->fast_ = QV__FAST_VIEW;
  b->utf8_ = b->storage_->id == QV_TYPE_STRING_VIEW;
  return QV_OK;
}
