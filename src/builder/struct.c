/* quiver builders: struct.
 *
 * One child builder per field and only a validity bitmap of its own. A slot
 * is closed by qv_builder_finish_element once every child has exactly one
 * more value; a null slot appends a null to every child (so children keep
 * the parent's length, as the spec requires), an empty slot an empty value.
 * A struct with no fields is just a length and a bitmap.
 */
#include "builder/internal.h"

/* First child whose length is not `want`, or -1. */
static int32_t mismatched_child(const qv_builder *b, int64_t want) {
  for (int32_t i = 0; i < b->n_children_; i++)
    if (b->children_[i]->length_ != want) return i;
  return -1;
}

static qv_status mismatch_error(const qv_builder *b, int32_t i, int64_t want, const char *when, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "struct %s slot %lld: child %d '%s' has %lld values, expected %lld",
                      when, (long long)b->length_, i, b->storage_->children[i]->name,
                      (long long)b->children_[i]->length_, (long long)want);
}

static qv_status struct_finish_element(qv_builder *b, qv_error *err) {
  int32_t bad = mismatched_child(b, b->length_ + 1);
  if (bad >= 0) return mismatch_error(b, bad, b->length_ + 1, "finish_element at", err);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  b->length_++;
  return QV_OK;
}

static qv_status struct_append_slots(qv_builder *b, int64_t n, bool nulls, qv_error *err) {
  int32_t bad = mismatched_child(b, b->length_);
  if (bad >= 0) return mismatch_error(b, bad, b->length_, nulls ? "append_null at" : "append_empty at", err);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  for (int32_t i = 0; i < b->n_children_; i++)
    QV_RETURN_IF_ERROR(nulls ? qv__builder_child_nulls(b, i, n, err) : qv__builder_child_empty(b, i, n, err));
  if (nulls) QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  b->length_ += n;
  return QV_OK;
}

static qv_status struct_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  return struct_append_slots(b, n, true, err);
}
static qv_status struct_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  return struct_append_slots(b, n, false, err);
}

static qv_status struct_check(const qv_builder *b, qv_error *err) {
  int32_t bad = mismatched_child(b, b->length_);
  if (bad >= 0) return mismatch_error(b, bad, b->length_, "finish: after", err);
  return QV_OK;
}

static qv_status struct_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_array **children = NULL;
  if (b->n_children_ > 0) {
    children = (qv_array **)qv__calloc((size_t)b->n_children_, sizeof *children);
    QV_CHECK_ALLOC(children, err);
  }
  qv_status st = qv__builder_finish_children(b, children, err);
  if (st == QV_OK) {
    qv_buffer *validity = NULL;
    int64_t nulls = b->null_count_;
    qv__builder_take_validity(b, &validity, err);
    st = qv__builder_assemble(b, nulls, 1, &validity, b->n_children_, children, NULL, out, err);
  }
  qv__free(children);
  return st;
}

static const qv__builder_ops k_struct_ops = {.name = "struct",
                                             .append_nulls = struct_append_nulls,
                                             .append_empty = struct_append_empty,
                                             .finish_element = struct_finish_element,
                                             .check = struct_check,
                                             .finish = struct_finish};

qv_status qv__builder_init_struct(qv_builder *b, qv_error *err) {
  b->ops_ = &k_struct_ops;
  b->fast_ = QV__FAST_NONE;
  return qv__builder_make_children(b, err);
}
