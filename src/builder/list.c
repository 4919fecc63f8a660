/* quiver builders: list, large_list, map, list_view, large_list_view and
 * fixed_size_list.
 *
 * One child builder (children_[0]; for a map the "entries" struct). Values
 * are appended to the child, then qv_builder_finish_element closes the slot:
 *   list/large_list/map: offsets (values_, length_+1 entries, first 0) get
 *     the child's length as the slot's end;
 *   list_view/large_list_view: offsets in values_ and sizes in aux_buf_ get
 *     (mark_, child length - mark_), mark_ = child length;
 *   fixed_size_list: the child must have grown by exactly list_size.
 * A null or empty slot repeats the end offset (list), leaves offset and size
 * 0 (list_view, bytes already zero) or appends list_size nulls / empty
 * values to the child (fixed_size_list). "Pending" child values - appended
 * but not closed - make nulls, empties and finish fail, so a slot can never
 * silently swallow values meant for another.
 */
#include "builder/internal.h"

static bool is_view(const qv_builder *b) {
  return b->storage_->id == QV_TYPE_LIST_VIEW || b->storage_->id == QV_TYPE_LARGE_LIST_VIEW;
}
static bool is_fsl(const qv_builder *b) { return b->storage_->id == QV_TYPE_FIXED_SIZE_LIST; }

static int64_t get_offset(const qv_builder *b, int64_t i) {
  return b->width_ == 4 ? (int64_t)((const int32_t *)(const void *)b->values_)[i]
                        : ((const int64_t *)(const void *)b->values_)[i];
}

static void put(qv_builder *b, uint8_t *region, int64_t i, int64_t v) {
  if (b->width_ == 4)
    ((int32_t *)(void *)region)[i] = (int32_t)v;
  else
    ((int64_t *)(void *)region)[i] = v;
}

/* Child values appended since the last closed slot. */
static int64_t pending(const qv_builder *b) {
  int64_t child_len = b->children_[0]->length_;
  if (is_fsl(b)) return child_len - b->length_ * (int64_t)b->storage_->list_size;
  if (is_view(b)) return child_len - b->mark_;
  return child_len - (b->values_ ? get_offset(b, b->length_) : 0);
}

static qv_status check_no_pending(const qv_builder *b, qv_error *err) {
  int64_t p = pending(b);
  if (p == 0) return QV_OK;
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                      "%s builder: child has %lld value(s) not closed by qv_builder_finish_element (slot %lld)",
                      qv_type_id_name(b->storage_->id), (long long)p, (long long)b->length_);
}

static qv_status list_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  if (is_fsl(b)) return QV_OK;
  int64_t w = b->width_;
  if (is_view(b)) {
    QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->values_buf_, b->length_ * w, cap * w, err));
    b->values_ = b->values_buf_->data;
    return qv__region_reserve(b->alloc_, &b->aux_buf_, b->length_ * w, cap * w, err);
  }
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->values_buf_, (b->length_ + 1) * w, (cap + 1) * w, err));
  b->values_ = b->values_buf_->data;
  return QV_OK;
}

static qv_status list_finish_element(qv_builder *b, qv_error *err) {
  int64_t child_len = b->children_[0]->length_;
  if (is_fsl(b)) {
    int64_t want = (b->length_ + 1) * (int64_t)b->storage_->list_size;
    if (child_len != want)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "fixed_size_list[%d] slot %lld: child has %lld values, expected %lld (%lld appended for "
                          "this slot instead of %d)",
                          b->storage_->list_size, (long long)b->length_, (long long)child_len, (long long)want,
                          (long long)(child_len - b->length_ * (int64_t)b->storage_->list_size),
                          b->storage_->list_size);
    QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
    b->length_++;
    return QV_OK;
  }
  if (b->width_ == 4) QV_RETURN_IF_ERROR(qv__builder_check_offset32(child_len, "list child length", err));
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  if (is_view(b)) {
    put(b, b->values_, b->length_, b->mark_);
    put(b, b->aux_buf_->data, b->length_, child_len - b->mark_);
    b->mark_ = child_len;
  } else {
    put(b, b->values_, b->length_ + 1, child_len);
  }
  b->length_++;
  return QV_OK;
}

/* Null (nulls true) or empty slots. */
static qv_status list_append_slots(qv_builder *b, int64_t n, bool nulls, qv_error *err) {
  QV_RETURN_IF_ERROR(check_no_pending(b, err));
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  if (is_fsl(b)) {
    int64_t child_n;
    if (qv__mul_overflow_i64(n, b->storage_->list_size, &child_n))
      return qv_error_set(err, QV_ERR_OVERFLOW, "fixed_size_list: %lld slots overflow the child length", (long long)n);
    QV_RETURN_IF_ERROR(nulls ? qv__builder_child_nulls(b, 0, child_n, err) : qv__builder_child_empty(b, 0, child_n, err));
  } else if (!is_view(b)) {
    int64_t end = get_offset(b, b->length_);
    for (int64_t i = 1; i <= n; i++) put(b, b->values_, b->length_ + i, end);
  } /* list views: offset 0, size 0 (already zero) */
  if (nulls) QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  b->length_ += n;
  return QV_OK;
}

static qv_status list_append_nulls(qv_builder *b, int64_t n, qv_error *err) { return list_append_slots(b, n, true, err); }
static qv_status list_append_empty(qv_builder *b, int64_t n, qv_error *err) { return list_append_slots(b, n, false, err); }

static qv_status list_check(const qv_builder *b, qv_error *err) { return check_no_pending(b, err); }

static qv_status list_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_array *child = NULL;
  int32_t n_buffers = is_fsl(b) ? 1 : is_view(b) ? 3 : 2;
  qv_status st = QV_OK;
  if (n_buffers >= 2) {
    int64_t size = (is_view(b) ? b->length_ : b->length_ + 1) * b->width_;
    QV_GOTO_IF_ERROR(st, qv__region_take(b->alloc_, &b->values_buf_, size, &bufs[1], err), fail);
    b->values_ = NULL;
    if (n_buffers == 3) QV_GOTO_IF_ERROR(st, qv__region_take(b->alloc_, &b->aux_buf_, size, &bufs[2], err), fail);
  }
  QV_GOTO_IF_ERROR(st, qv__builder_finish_children(b, &child, err), fail);
  int64_t nulls = b->null_count_;
  qv__builder_take_validity(b, &bufs[0], err);
  return qv__builder_assemble(b, nulls, n_buffers, bufs, 1, &child, NULL, out, err);
fail:
  for (int32_t i = 0; i < 3; i++) qv_buffer_release(bufs[i]);
  return st;
}

static const qv__builder_ops k_list_ops = {.name = "list",
                                           .reserve = list_reserve,
                                           .append_nulls = list_append_nulls,
                                           .append_empty = list_append_empty,
                                           .finish_element = list_finish_element,
                                           .check = list_check,
                                           .finish = list_finish};

qv_status qv__builder_init_list(qv_builder *b, qv_error *err) {
  b->ops_ = &k_list_ops;
  b->fast_ = QV__FAST_NONE;
  switch (b->storage_->id) {
    case QV_TYPE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_MAP: b->width_ = 4; break;
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LARGE_LIST_VIEW: b->width_ = 8; break;
    default: b->width_ = 0; break;
  }
  return qv__builder_make_children(b, err);
}
