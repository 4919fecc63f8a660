/* quiver builders: null, bool and fixed-width layouts.
 *
 * Fixed width (ints, floats, temporal, decimals, intervals,
 * fixed_size_binary): one values region of width_ bytes per slot. Bool: one
 * bit per slot, LSB first. The inline fast paths in builder.h store straight
 * into values_; this file holds their slow path (growth, wrong-type errors,
 * append_fixed for any width), nulls, bulk appends and finishing.
 *
 * Invariants: values_ bytes past the used part are zero (so null and empty
 * slots need no write and bool bits past length_ are clear); the null layout
 * has no regions at all, only a length.
 */
#include "builder/internal.h"

/* ---- null ---- */

static qv_status null_append(qv_builder *b, int64_t n, qv_error *err) {
  int64_t len;
  if (qv__add_overflow_i64(b->length_, n, &len))
    return qv_error_set(err, QV_ERR_OVERFLOW, "null builder length %lld + %lld overflows", (long long)b->length_,
                        (long long)n);
  b->length_ = len;
  b->null_count_ = len;
  return QV_OK;
}

static qv_status null_finish(qv_builder *b, qv_array **out, qv_error *err) {
  return qv__builder_assemble(b, b->length_, 0, NULL, 0, NULL, NULL, out, err);
}

static const qv__builder_ops k_null_ops = {
    .name = "null", .append_nulls = null_append, .append_empty = null_append, .finish = null_finish};

qv_status qv__builder_init_null(qv_builder *b, qv_error *err) {
  (void)err;
  b->ops_ = &k_null_ops;
  b->fast_ = QV__FAST_NONE;
  return QV_OK;
}

/* ---- fixed width and bool ---- */

static qv_status prim_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  bool is_bool = b->fast_ == QV__FAST_BOOL;
  int64_t need = qv_bitmap_bytes(cap);
  /* fixed_size_binary widths go up to INT32_MAX: the builder's slot cap
   * alone does not keep cap * width in range. used <= need. */
  if (!is_bool && qv__mul_overflow_i64(cap, b->width_, &need))
    return qv_error_set(err, QV_ERR_OVERFLOW, "builder of %lld slots of %d bytes overflows", (long long)cap,
                        (int)b->width_);
  int64_t used = is_bool ? qv_bitmap_bytes(b->length_) : b->length_ * b->width_;
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->values_buf_, used, need, err));
  b->values_ = b->values_buf_->data;
  return QV_OK;
}

static qv_status prim_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  b->length_ += n; /* the slots' bytes are already zero */
  return QV_OK;
}

static qv_status prim_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  b->length_ += n;
  return QV_OK;
}

static qv_status prim_append_slow(qv_builder *b, int32_t kind, const void *value, qv_error *err) {
  bool ok = kind == b->fast_ || (kind == QV__FAST_FIXED && b->fast_ != QV__FAST_BOOL);
  if (!ok) {
    char what[64];
    snprintf(what, sizeof what, "append %s", qv__builder_kind_name(kind));
    return qv__builder_type_error(b, what, err);
  }
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  if (b->fast_ == QV__FAST_BOOL) {
    if (*(const bool *)value) qv_bit_set(b->values_, b->length_);
  } else if (b->width_ > 0) {
    memcpy(b->values_ + b->length_ * b->width_, value, (size_t)b->width_);
  }
  b->length_++;
  return QV_OK;
}

static qv_status prim_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_buffer *bufs[2] = {NULL, NULL};
  int64_t size = b->fast_ == QV__FAST_BOOL ? qv_bitmap_bytes(b->length_) : b->length_ * b->width_;
  qv_status st = qv__region_take(b->alloc_, &b->values_buf_, size, &bufs[1], err);
  if (st != QV_OK) return st;
  b->values_ = NULL;
  int64_t nulls = b->null_count_;
  qv__builder_take_validity(b, &bufs[0], err);
  return qv__builder_assemble(b, nulls, 2, bufs, 0, NULL, NULL, out, err);
}

static const qv__builder_ops k_prim_ops = {.name = "fixed-width",
                                           .reserve = prim_reserve,
                                           .append_nulls = prim_append_nulls,
                                           .append_empty = prim_append_empty,
                                           .append_slow = prim_append_slow,
                                           .finish = prim_finish};

qv_status qv__builder_init_primitive(qv_builder *b, qv_error *err) {
  int32_t kind = qv__builder_kind_of(b->storage_);
  if (kind == QV__FAST_NONE || kind > QV__FAST_FIXED)
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "no builder for type %s", qv_type_id_name(b->storage_->id));
  b->ops_ = &k_prim_ops;
  b->fast_ = kind;
  b->width_ = kind == QV__FAST_BOOL ? 0 : qv__type_byte_width(b->storage_);
  return QV_OK;
}

/* ---- bulk ---- */

/* Zeroes the value bytes of slots [start, start+n) whose validity bit is 0. */
static void zero_nulls(qv_builder *b, int64_t start, const uint8_t *validity, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if ((i & 7) == 0 && validity[i >> 3] == 0xFF && i + 8 <= n) {
      i += 7;
      continue;
    }
    if (qv_bit_get(validity, i)) continue;
    if (b->fast_ == QV__FAST_BOOL)
      qv_bit_clear(b->values_, start + i);
    else if (b->width_ > 0)
      memset(b->values_ + (start + i) * b->width_, 0, (size_t)b->width_);
  }
}

qv_status qv_builder_append_values(qv_builder *b, const void *values, int64_t n, const uint8_t *validity,
                                   qv_error *err) {
  if (b == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_builder_append_values: builder is NULL");
  if (b->ops_ != &k_prim_ops) return qv__builder_type_error(b, "append_values (fixed-width only)", err);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_values: negative count %lld", (long long)n);
  if (n == 0) return QV_OK;
  if (values == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "append_values: values is NULL");
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  int64_t nulls = validity ? n - qv_bitmap_count_set(validity, 0, n) : 0;
  if (nulls > 0) QV_RETURN_IF_ERROR(qv__builder_materialize_validity(b, err));
  int64_t start = b->length_;
  if (b->fast_ == QV__FAST_BOOL)
    qv_bitmap_copy(b->values_, start, (const uint8_t *)values, 0, n);
  else if (b->width_ > 0)
    memcpy(b->values_ + start * b->width_, values, (size_t)(n * b->width_));
  if (nulls > 0) {
    qv_bitmap_copy(b->validity_, start, validity, 0, n);
    zero_nulls(b, start, validity, n);
    b->null_count_ += nulls;
  }
  b->length_ += n;
  return QV_OK;
}

/* ---- decimals ---- */

qv_status qv_builder_append_decimal_i64(qv_builder *b, int64_t v) {
  const qv_builder *values = qv__dict_values(b);
  const qv_type *s = values ? values->storage_ : b->storage_;
  int32_t bytes;
  switch (s->id) {
    case QV_TYPE_DECIMAL32: bytes = 4; break;
    case QV_TYPE_DECIMAL64: bytes = 8; break;
    case QV_TYPE_DECIMAL128: bytes = 16; break;
    case QV_TYPE_DECIMAL256: bytes = 32; break;
    default: return qv__builder_type_error(b, "append_decimal_i64", &b->error_);
  }
  if (s->precision < 19) {
    int64_t limit = 1;
    for (int32_t i = 0; i < s->precision; i++) limit *= 10;
    if (v >= limit || v <= -limit)
      return qv_error_set(&b->error_, QV_ERR_OUT_OF_RANGE, "decimal value %lld has more than %d digits (precision)",
                          (long long)v, s->precision);
  }
  if (bytes == 4 && (v < INT32_MIN || v > INT32_MAX))
    return qv_error_set(&b->error_, QV_ERR_OVERFLOW, "decimal32 value %lld does not fit 32 bits", (long long)v);
  uint8_t le[32];
  uint64_t u = (uint64_t)v;
  for (int32_t i = 0; i < bytes; i++) le[i] = i < 8 ? (uint8_t)(u >> (8 * i)) : (v < 0 ? 0xFF : 0x00);
  return qv_builder_append_fixed(b, le);
}
