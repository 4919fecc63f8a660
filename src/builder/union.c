/* quiver builders: sparse and dense unions.
 *
 * One child builder per field; values_ holds the int8 type ids; dense unions
 * keep int32 offsets in aux_buf_ and the number of values each child had
 * when its last slot closed in child_counts_. A slot is closed by
 * qv_builder_finish_union_element(b, code) after one value was appended to
 * the child of `code`:
 *   sparse: that child must have length_+1 values and every other child
 *     length_; the others then get an empty value, keeping all children at
 *     the union's length (the spec's sparse rule);
 *   dense: that child must have exactly one value more than at its last
 *     slot; the slot's offset is that value's index.
 * Unions have no validity bitmap: a null slot is a null in child 0 (sparse:
 * and empty values in the others), as Arrow's own builders do.
 */
#include "builder/internal.h"

static bool is_dense(const qv_builder *b) { return b->storage_->id == QV_TYPE_DENSE_UNION; }

static qv_status union_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->values_buf_, b->length_, cap, err));
  b->values_ = b->values_buf_->data;
  if (is_dense(b)) return qv__region_reserve(b->alloc_, &b->aux_buf_, b->length_ * 4, cap * 4, err);
  return QV_OK;
}

/* Expected length of child i when no slot is open. */
static int64_t settled_length(const qv_builder *b, int32_t i) {
  return is_dense(b) ? b->child_counts_[i] : b->length_;
}

static qv_status union_check(const qv_builder *b, qv_error *err) {
  for (int32_t i = 0; i < b->n_children_; i++)
    if (b->children_[i]->length_ != settled_length(b, i))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "%s slot %lld: child %d '%s' has %lld values, expected %lld (missing "
                          "qv_builder_finish_union_element?)",
                          qv_type_id_name(b->storage_->id), (long long)b->length_, i, b->storage_->children[i]->name,
                          (long long)b->children_[i]->length_, (long long)settled_length(b, i));
  return QV_OK;
}

/* Records n slots of child `ci` whose values are already in the child. */
static qv_status record_slots(qv_builder *b, int32_t ci, int64_t n, qv_error *err) {
  if (is_dense(b)) {
    int32_t *offsets = (int32_t *)(void *)b->aux_buf_->data;
    for (int64_t k = 0; k < n; k++) offsets[b->length_ + k] = (int32_t)(b->child_counts_[ci] + k);
    b->child_counts_[ci] += n;
  }
  memset(b->values_ + b->length_, (uint8_t)b->storage_->type_codes[ci], (size_t)n);
  b->length_ += n;
  (void)err;
  return QV_OK;
}

qv_status qv_builder_finish_union_element(qv_builder *b, int8_t type_code) {
  qv_error *err = &b->error_;
  if (b->storage_->id != QV_TYPE_SPARSE_UNION && b->storage_->id != QV_TYPE_DENSE_UNION)
    return qv__builder_type_error(b, "finish_union_element", err);
  int32_t ci = type_code >= 0 ? b->storage_->child_index[type_code] : -1;
  if (ci < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s slot %lld: type code %d is not one of the union's codes",
                        qv_type_id_name(b->storage_->id), (long long)b->length_, type_code);
  for (int32_t i = 0; i < b->n_children_; i++) {
    int64_t want = settled_length(b, i) + (i == ci ? 1 : 0);
    if (b->children_[i]->length_ != want)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "%s slot %lld (type code %d): child %d '%s' has %lld values, expected %lld",
                          qv_type_id_name(b->storage_->id), (long long)b->length_, type_code, i,
                          b->storage_->children[i]->name, (long long)b->children_[i]->length_, (long long)want);
  }
  if (is_dense(b) && b->child_counts_[ci] >= INT32_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "dense union child %d has more than %d values", ci, INT32_MAX);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  if (!is_dense(b))
    for (int32_t i = 0; i < b->n_children_; i++)
      if (i != ci) QV_RETURN_IF_ERROR(qv__builder_child_empty(b, i, 1, err));
  return record_slots(b, ci, 1, err);
}

static qv_status union_append_slots(qv_builder *b, int64_t n, bool nulls, qv_error *err) {
  if (b->n_children_ == 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s with no children cannot hold a %s slot",
                        qv_type_id_name(b->storage_->id), nulls ? "null" : "empty");
  QV_RETURN_IF_ERROR(union_check(b, err));
  if (is_dense(b) && b->child_counts_[0] > INT32_MAX - n)
    return qv_error_set(err, QV_ERR_OVERFLOW, "dense union child 0 would have more than %d values", INT32_MAX);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  QV_RETURN_IF_ERROR(nulls ? qv__builder_child_nulls(b, 0, n, err) : qv__builder_child_empty(b, 0, n, err));
  if (!is_dense(b))
    for (int32_t i = 1; i < b->n_children_; i++) QV_RETURN_IF_ERROR(qv__builder_child_empty(b, i, n, err));
  return record_slots(b, 0, n, err);
}

static qv_status union_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  return union_append_slots(b, n, true, err);
}
static qv_status union_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  return union_append_slots(b, n, false, err);
}

static qv_status union_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_buffer *bufs[2] = {NULL, NULL};
  qv_array **children = NULL;
  int32_t n_buffers = is_dense(b) ? 2 : 1;
  qv_status st = QV_OK;
  if (b->n_children_ > 0) {
    children = (qv_array **)qv__calloc((size_t)b->n_children_, sizeof *children);
    QV_CHECK_ALLOC_GOTO(children, st, err, fail);
  }
  QV_GOTO_IF_ERROR(st, qv__region_take(b->alloc_, &b->values_buf_, b->length_, &bufs[0], err), fail);
  b->values_ = NULL;
  if (n_buffers == 2) QV_GOTO_IF_ERROR(st, qv__region_take(b->alloc_, &b->aux_buf_, b->length_ * 4, &bufs[1], err), fail);
  QV_GOTO_IF_ERROR(st, qv__builder_finish_children(b, children, err), fail);
  st = qv__builder_assemble(b, 0, n_buffers, bufs, b->n_children_, children, NULL, out, err);
  qv__free(children);
  return st;
fail:
  qv_buffer_release(bufs[0]);
  qv_buffer_release(bufs[1]);
  qv__free(children);
  return st;
}

static const qv__builder_ops k_union_ops = {.name = "union",
                                            .reserve = union_reserve,
                                            .append_nulls = union_append_nulls,
                                            .append_empty = union_append_empty,
                                            .check = union_check,
                                            .finish = union_finish};

qv_status qv__builder_init_union(qv_builder *b, qv_error *err) {
  b->ops_ = &k_union_ops;
  b->fast_ = QV__FAST_NONE;
  b->width_ = 1;
  QV_RETURN_IF_ERROR(qv__builder_make_children(b, err));
  if (b->n_children_ > 0) {
    b->child_counts_ = (int64_t *)qv__calloc((size_t)b->n_children_, sizeof(int64_t));
    QV_CHECK_ALLOC(b->child_counts_, err);
  }
  return QV_OK;
}
