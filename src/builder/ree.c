/* quiver builders: run-end encoded arrays.
 *
 * Children: 0 = run_ends (int16/32/64, managed here), 1 = values. The
 * caller appends one value to child 1 and closes its run with
 * qv_builder_append_run(b, n); the run's end (the logical length so far) is
 * appended to child 0 after checking it fits the run_ends type. length_ is
 * the logical length; the array has no buffers and null_count 0 (nulls are
 * null values). append_null(s) appends a null run, and extends the previous
 * run instead when that run is null too (mark_ = 1 records that), so runs
 * of nulls stay one run.
 */
#include "builder/internal.h"

static int64_t run_end_max(const qv_builder *b) {
  switch (b->children_[0]->storage_->id) {
    case QV_TYPE_INT16: return INT16_MAX;
    case QV_TYPE_INT32: return INT32_MAX;
    default: return INT64_MAX;
  }
}

/* The end of a run of n slots after the current length, checked. */
static qv_status run_end(const qv_builder *b, int64_t n, int64_t *end, qv_error *err) {
  if (n < 1) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run-end encoded: run length %lld < 1", (long long)n);
  if (qv__add_overflow_i64(b->length_, n, end) || *end > run_end_max(b)) {
    char tname[64];
    qv_type_format(b->children_[0]->type_, tname, sizeof tname);
    return qv_error_set(err, QV_ERR_OVERFLOW, "run-end encoded: run end %lld + %lld does not fit run_ends type %s",
                        (long long)b->length_, (long long)n, tname);
  }
  return QV_OK;
}

static qv_status check_values(const qv_builder *b, int64_t extra, qv_error *err) {
  int64_t runs = b->children_[0]->length_, values = b->children_[1]->length_;
  if (values == runs + extra) return QV_OK;
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                      "run-end encoded: values child has %lld values for %lld runs (append exactly one value to "
                      "child 1 before each qv_builder_append_run)",
                      (long long)values, (long long)runs);
}

static qv_status push_end(qv_builder *b, int64_t end, qv_error *err) {
  qv_builder *ends = b->children_[0];
  qv_status st;
  switch (ends->storage_->id) {
    case QV_TYPE_INT16: st = qv_builder_append_int16(ends, (int16_t)end); break;
    case QV_TYPE_INT32: st = qv_builder_append_int32(ends, (int32_t)end); break;
    default: st = qv_builder_append_int64(ends, end); break;
  }
  if (st != QV_OK) return qv__builder_child_error(b, 0, st, err);
  b->length_ = end;
  return QV_OK;
}

qv_status qv_builder_append_run(qv_builder *b, int64_t run_length) {
  qv_error *err = &b->error_;
  if (b->storage_->id != QV_TYPE_RUN_END_ENCODED) return qv__builder_type_error(b, "append_run", err);
  int64_t end = 0;
  QV_RETURN_IF_ERROR(check_values(b, 1, err));
  QV_RETURN_IF_ERROR(run_end(b, run_length, &end, err));
  QV_RETURN_IF_ERROR(push_end(b, end, err));
  b->mark_ = 0;
  return QV_OK;
}

static qv_status ree_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  int64_t end = 0;
  QV_RETURN_IF_ERROR(check_values(b, 0, err));
  QV_RETURN_IF_ERROR(run_end(b, n, &end, err));
  qv_builder *ends = b->children_[0];
  if (b->mark_ && ends->length_ > 0) {
    int64_t last = ends->length_ - 1;
    switch (ends->width_) {
      case 2: ((int16_t *)(void *)ends->values_)[last] = (int16_t)end; break;
      case 4: ((int32_t *)(void *)ends->values_)[last] = (int32_t)end; break;
      default: ((int64_t *)(void *)ends->values_)[last] = end; break;
    }
    b->length_ = end;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv__builder_child_nulls(b, 1, 1, err));
  QV_RETURN_IF_ERROR(push_end(b, end, err));
  b->mark_ = 1;
  return QV_OK;
}

static qv_status ree_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  int64_t end = 0;
  QV_RETURN_IF_ERROR(check_values(b, 0, err));
  QV_RETURN_IF_ERROR(run_end(b, n, &end, err));
  QV_RETURN_IF_ERROR(qv__builder_child_empty(b, 1, 1, err));
  QV_RETURN_IF_ERROR(push_end(b, end, err));
  b->mark_ = 0;
  return QV_OK;
}

static qv_status ree_check(const qv_builder *b, qv_error *err) { return check_values(b, 0, err); }

static qv_status ree_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_array *children[2] = {NULL, NULL};
  QV_RETURN_IF_ERROR(qv__builder_finish_children(b, children, err));
  return qv__builder_assemble(b, 0, 0, NULL, 2, children, NULL, out, err);
}

static const qv__builder_ops k_ree_ops = {.name = "run_end_encoded",
                                          .append_nulls = ree_append_nulls,
                                          .append_empty = ree_append_empty,
                                          .check = ree_check,
                                          .finish = ree_finish};

qv_status qv__builder_init_ree(qv_builder *b, qv_error *err) {
  b->ops_ = &k_ree_ops;
  b->fast_ = QV__FAST_NONE;
  QV_RETURN_IF_ERROR(qv__builder_make_children(b, err));
  qv_type_id id = b->n_children_ == 2 ? b->children_[0]->storage_->id : QV_TYPE_NULL;
  if (id != QV_TYPE_INT16 && id != QV_TYPE_INT32 && id != QV_TYPE_INT64)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run-end encoded type needs int16/32/64 run ends");
  return QV_OK;
}
