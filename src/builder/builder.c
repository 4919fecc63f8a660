/* quiver builders: what every layout family shares.
 *
 * Construction picks the family from the storage type and lets it set the
 * inline fast path (fast_, width_) and its ops table; everything else here
 * is family-neutral: geometric growth of the slot capacity, growable regions
 * (owned qv_buffers with refcount 1 that become the finished array's buffers
 * without a copy), the lazily materialised validity bitmap, finishing and
 * resetting, and the public entry points that dispatch through ops.
 *
 * Invariants (see also build/internal.h):
 *   - capacity_ slots fit in every region of the family and in the bitmap
 *     once it exists; the inline paths only check length_ < capacity_;
 *   - validity_ is NULL until the first null; from then on bits below
 *     length_ are real and bits in [length_, 8 * validity_filled_) are 1, so
 *     valid appends never write the bitmap; finish clears the trailing bits;
 *   - bytes of a region past its used part are zero, so a null slot of a
 *     fixed-width layout needs no write and finish needs no clearing;
 *   - after qv_builder_finish or qv_builder_reset the builder holds no
 *     buffers; regions are allocated again on the next append.
 */
#include "builder/internal.h"

/* ---- construction and teardown ---- */

qv_status qv__builder_make_children(qv_builder *b, qv_error *err) {
  int32_t n = b->storage_->n_children;
  if (n == 0) return QV_OK;
  b->children_ = (qv_builder **)qv__calloc((size_t)n, sizeof(qv_builder *));
  QV_CHECK_ALLOC(b->children_, err);
  b->n_children_ = n;
  for (int32_t i = 0; i < n; i++) {
    const qv_field *f = b->storage_->children[i];
    qv_status st = qv_builder_new(f->type, b->alloc_, &b->children_[i], err);
    if (st != QV_OK) {
      qv_error_prefix(err, "child %d '%s': ", i, f->name);
      return st;
    }
  }
  return QV_OK;
}

qv_status qv_builder_new(qv_type *type, const qv_allocator *alloc, qv_builder **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_builder_new: out is NULL");
  *out = NULL;
  if (type == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_builder_new: type is NULL");
  qv_builder *b = (qv_builder *)qv__calloc(1, sizeof *b);
  QV_CHECK_ALLOC(b, err);
  b->type_ = qv_type_retain(type);
  b->storage_ = qv_type_storage(type);
  b->alloc_ = alloc ? alloc : qv_default_allocator();
  b->has_validity_ = qv_type_has_validity(b->storage_);
  qv_status st;
  switch (b->storage_->id) {
    case QV_TYPE_NULL: st = qv__builder_init_null(b, err); break;
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING: st = qv__builder_init_binary(b, err); break;
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW: st = qv__builder_init_view(b, err); break;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
    case QV_TYPE_MAP: st = qv__builder_init_list(b, err); break;
    case QV_TYPE_STRUCT: st = qv__builder_init_struct(b, err); break;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: st = qv__builder_init_union(b, err); break;
    case QV_TYPE_DICTIONARY: st = qv__builder_init_dictionary(b, err); break;
    case QV_TYPE_RUN_END_ENCODED: st = qv__builder_init_ree(b, err); break;
    default: st = qv__builder_init_primitive(b, err); break;
  }
  if (st != QV_OK) {
    qv_builder_free(b);
    return st;
  }
  *out = b;
  return QV_OK;
}

static void builder_drop_regions(qv_builder *b) {
  qv_buffer_release(b->validity_buf_);
  qv_buffer_release(b->values_buf_);
  qv_buffer_release(b->data_buf_);
  qv_buffer_release(b->aux_buf_);
  for (int32_t i = 0; i < b->n_variadic_; i++) qv_buffer_release(b->variadic_[i]);
  b->validity_buf_ = b->values_buf_ = b->data_buf_ = b->aux_buf_ = NULL;
  b->n_variadic_ = 0;
  b->validity_ = b->values_ = b->data_ = NULL;
  b->validity_filled_ = 0;
  b->data_size_ = b->data_capacity_ = 0;
  b->length_ = b->capacity_ = b->null_count_ = 0;
  b->mark_ = 0;
}

void qv_builder_free(qv_builder *b) {
  if (b == NULL) return;
  if (b->ops_ && b->ops_->clear) b->ops_->clear(b, false);
  builder_drop_regions(b);
  for (int32_t i = 0; i < b->n_children_; i++) qv_builder_free(b->children_[i]);
  qv__free(b->children_);
  qv__free(b->variadic_);
  qv__free(b->child_counts_);
  qv_type_release(b->type_);
  qv__free(b);
}

void qv_builder_reset(qv_builder *b) {
  if (b == NULL) return;
  builder_drop_regions(b);
  for (int32_t i = 0; i < b->n_children_; i++) qv_builder_reset(b->children_[i]);
  if (b->child_counts_) memset(b->child_counts_, 0, (size_t)b->n_children_ * sizeof(int64_t));
  if (b->ops_ && b->ops_->clear) b->ops_->clear(b, true);
}

/* ---- queries ---- */

qv_builder *qv_builder_child(qv_builder *b, int32_t i) {
  if (b == NULL || i < 0 || i >= b->n_children_) return NULL;
  return b->children_[i];
}

int32_t qv_builder_num_children(const qv_builder *b) { return b ? b->n_children_ : 0; }

const qv_error *qv_builder_error(const qv_builder *b) { return &b->error_; }

/* ---- growth and regions ---- */

qv_status qv__region_reserve(const qv_allocator *alloc, qv_buffer **buf, int64_t used, int64_t need, qv_error *err) {
  if (*buf == NULL) {
    QV_RETURN_IF_ERROR(qv_buffer_allocate(alloc, need, true, buf, err));
    (*buf)->size = 0;
    return QV_OK;
  }
  if (need <= (*buf)->capacity) return QV_OK;
  (*buf)->size = used; /* reserve keeps [0, used) and zeroes the rest */
  return qv_buffer_reserve(*buf, need, err);
}

qv_status qv__region_take(const qv_allocator *alloc, qv_buffer **buf, int64_t size, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (*buf == NULL) return qv_buffer_allocate(alloc, size, true, out, err);
  if (size > (*buf)->capacity) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "builder region overrun");
  (*buf)->size = size; /* bytes past `size` are already zero */
  *out = *buf;
  *buf = NULL;
  return QV_OK;
}

qv_status qv__builder_grow(qv_builder *b, int64_t min_slots, qv_error *err) {
  if (min_slots <= b->capacity_) return QV_OK;
  int64_t cap = b->capacity_ < INT64_MAX / 2 ? b->capacity_ * 2 : INT64_MAX;
  if (cap < 32) cap = 32;
  if (cap < min_slots) cap = min_slots;
  /* Keep every region size computable: slots * 16 bytes must not overflow. */
  if (cap > INT64_MAX / 32) cap = min_slots;
  if (cap > INT64_MAX / 32)
    return qv_error_set(err, QV_ERR_OVERFLOW, "builder of %s cannot hold %lld slots", b->ops_->name,
                        (long long)min_slots);
  if (b->ops_->reserve) QV_RETURN_IF_ERROR(b->ops_->reserve(b, cap, err));
  if (b->validity_buf_ != NULL) {
    int64_t bytes = qv_bitmap_bytes(cap);
    QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->validity_buf_, b->validity_filled_, bytes, err));
    b->validity_ = b->validity_buf_->data;
    memset(b->validity_ + b->validity_filled_, 0xFF, (size_t)(bytes - b->validity_filled_));
    b->validity_filled_ = bytes;
  }
  b->capacity_ = cap;
  return QV_OK;
}

/* ---- validity ---- */

qv_status qv__builder_materialize_validity(qv_builder *b, qv_error *err) {
  if (b->validity_buf_ != NULL) return QV_OK;
  int64_t bytes = qv_bitmap_bytes(b->capacity_);
  QV_RETURN_IF_ERROR(qv__region_reserve(b->alloc_, &b->validity_buf_, 0, bytes, err));
  b->validity_ = b->validity_buf_->data;
  memset(b->validity_, 0xFF, (size_t)bytes);
  b->validity_filled_ = bytes;
  return QV_OK;
}

qv_status qv__builder_mark_nulls(qv_builder *b, int64_t start, int64_t n, qv_error *err) {
  if (n <= 0) return QV_OK;
  QV_RETURN_IF_ERROR(qv__builder_materialize_validity(b, err));
  qv_bitmap_set_range(b->validity_, start, n, false);
  b->null_count_ += n;
  return QV_OK;
}

qv_status qv__builder_take_validity(qv_builder *b, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (b->validity_buf_ == NULL) return QV_OK;
  if (b->null_count_ == 0) {
    qv_buffer_release(b->validity_buf_);
  } else {
    int64_t bytes = qv_bitmap_bytes(b->length_);
    if (b->length_ & 7) b->validity_[bytes - 1] &= (uint8_t)((1u << (b->length_ & 7)) - 1);
    if (b->validity_filled_ > bytes) memset(b->validity_ + bytes, 0, (size_t)(b->validity_filled_ - bytes));
    b->validity_buf_->size = bytes;
    *out = b->validity_buf_;
  }
  b->validity_buf_ = NULL;
  b->validity_ = NULL;
  b->validity_filled_ = 0;
  (void)err;
  return QV_OK;
}

/* ---- errors and helpers ---- */

static const char *const k_kind_names[] = {"(none)", "int8",  "int16",   "int32",  "int64", "uint8",
                                           "uint16", "uint32", "uint64", "float16", "float32", "float64",
                                           "bool",   "fixed-width", "binary", "large_binary", "binary_view"};
static const int32_t k_kind_widths[] = {0, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 1, 0, 0, 0, 0};

const char *qv__builder_kind_name(int32_t kind) {
  return (kind >= 0 && kind <= QV__FAST_VIEW) ? k_kind_names[kind] : "?";
}

int32_t qv__builder_kind_width(int32_t kind) { return (kind >= 0 && kind <= QV__FAST_VIEW) ? k_kind_widths[kind] : 0; }

int32_t qv__builder_kind_of(const qv_type *s) {
  switch (s->id) {
    case QV_TYPE_INT8: return QV__FAST_I8;
    case QV_TYPE_INT16: return QV__FAST_I16;
    case QV_TYPE_INT32:
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS: return QV__FAST_I32;
    case QV_TYPE_INT64:
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION: return QV__FAST_I64;
    case QV_TYPE_UINT8: return QV__FAST_U8;
    case QV_TYPE_UINT16: return QV__FAST_U16;
    case QV_TYPE_UINT32: return QV__FAST_U32;
    case QV_TYPE_UINT64: return QV__FAST_U64;
    case QV_TYPE_FLOAT16: return QV__FAST_F16;
    case QV_TYPE_FLOAT32: return QV__FAST_F32;
    case QV_TYPE_FLOAT64: return QV__FAST_F64;
    case QV_TYPE_BOOL: return QV__FAST_BOOL;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
    case QV_TYPE_INTERVAL_DAY_TIME:
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
    case QV_TYPE_FIXED_SIZE_BINARY: return QV__FAST_FIXED;
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING: return QV__FAST_BIN32;
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING: return QV__FAST_BIN64;
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW: return QV__FAST_VIEW;
    default: return QV__FAST_NONE;
  }
}

qv_status qv__builder_type_error(const qv_builder *b, const char *what, qv_error *err) {
  char tname[128];
  qv_type_format(b->type_, tname, sizeof tname);
  return qv_error_set(err, QV_ERR_TYPE, "cannot %s on a builder of type %s", what, tname);
}

qv_status qv__builder_check_offset32(int64_t end, const char *what, qv_error *err) {
  if (end >= 0 && end <= INT32_MAX) return QV_OK;
  return qv_error_set(err, QV_ERR_OVERFLOW, "%s %lld does not fit an int32 offset (max %d); use a large type",
                      what, (long long)end, INT32_MAX);
}

static void child_prefix(const qv_builder *b, int32_t child, qv_error *err) {
  const char *name = child < b->storage_->n_children ? b->storage_->children[child]->name : "";
  qv_error_prefix(err, "child %d '%s': ", child, name);
}

qv_status qv__builder_child_error(const qv_builder *b, int32_t child, qv_status st, qv_error *err) {
  if (err != NULL && err != &b->children_[child]->error_) {
    qv_error_set(err, st, "%s", b->children_[child]->error_.message);
    child_prefix(b, child, err);
  }
  return st;
}

qv_status qv__builder_child_nulls(qv_builder *b, int32_t child, int64_t n, qv_error *err) {
  if (n <= 0) return QV_OK;
  qv_builder *c = b->children_[child];
  qv_status st = c->ops_->append_nulls(c, n, err);
  if (st != QV_OK) child_prefix(b, child, err);
  return st;
}

qv_status qv__builder_child_empty(qv_builder *b, int32_t child, int64_t n, qv_error *err) {
  if (n <= 0) return QV_OK;
  qv_builder *c = b->children_[child];
  qv_status st = c->ops_->append_empty(c, n, err);
  if (st != QV_OK) child_prefix(b, child, err);
  return st;
}

const uint8_t *qv__builder_value_bytes(const qv_builder *b, int64_t i, int64_t *len) {
  switch (b->fast_) {
    case QV__FAST_BIN32: {
      const int32_t *off = (const int32_t *)(const void *)b->values_ + i;
      *len = (int64_t)off[1] - off[0];
      return b->data_ + off[0];
    }
    case QV__FAST_BIN64: {
      const int64_t *off = (const int64_t *)(const void *)b->values_ + i;
      *len = off[1] - off[0];
      return b->data_ + off[0];
    }
    case QV__FAST_VIEW: {
      const qv_view *v = (const qv_view *)(const void *)b->values_ + i;
      *len = v->inlined.size;
      if (v->inlined.size <= QV_VIEW_INLINE_MAX) return v->inlined.data;
      const uint8_t *base = v->ref.buffer_index < b->n_variadic_ ? b->variadic_[v->ref.buffer_index]->data : b->data_;
      return base + v->ref.offset;
    }
    default:
      *len = b->width_;
      return b->width_ > 0 ? b->values_ + i * b->width_ : (const uint8_t *)"";
  }
}

/* ---- finishing ---- */

qv_status qv__builder_check_tree(const qv_builder *b, qv_error *err) {
  if (b->ops_->check) QV_RETURN_IF_ERROR(b->ops_->check(b, err));
  for (int32_t i = 0; i < b->n_children_; i++) {
    qv_status st = qv__builder_check_tree(b->children_[i], err);
    if (st != QV_OK) {
      child_prefix(b, i, err);
      return st;
    }
  }
  return QV_OK;
}

qv_status qv__builder_finish_children(qv_builder *b, qv_array **arrays, qv_error *err) {
  for (int32_t i = 0; i < b->n_children_; i++) arrays[i] = NULL;
  for (int32_t i = 0; i < b->n_children_; i++) {
    qv_status st = qv_builder_finish(b->children_[i], &arrays[i], err);
    if (st != QV_OK) {
      for (int32_t j = 0; j < i; j++) qv_array_release(arrays[j]);
      for (int32_t j = 0; j < i; j++) arrays[j] = NULL;
      child_prefix(b, i, err);
      return st;
    }
  }
  return QV_OK;
}

qv_status qv__builder_assemble(qv_builder *b, int64_t null_count, int32_t n_buffers, qv_buffer **buffers,
                               int32_t n_children, qv_array **children, qv_array *dictionary, qv_array **out,
                               qv_error *err) {
  qv_status st = qv_array_new(b->type_, b->length_, 0, null_count, n_buffers, buffers, n_children, children,
                              dictionary, out, err);
  for (int32_t i = 0; i < n_buffers; i++) qv_buffer_release(buffers[i]);
  for (int32_t i = 0; i < n_children; i++) qv_array_release(children[i]);
  qv_array_release(dictionary);
  return st;
}

qv_status qv_builder_finish(qv_builder *b, qv_array **out, qv_error *err) {
  if (out == NULL || b == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_builder_finish: %s is NULL", b ? "out" : "builder");
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__builder_check_tree(b, err));
  qv_status st = b->ops_->finish(b, out, err);
  qv_builder_reset(b);
  return st;
}

/* ---- public entry points dispatching through ops ---- */

qv_status qv_builder_reserve(qv_builder *b, int64_t additional, qv_error *err) {
  if (additional < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_builder_reserve: negative count %lld", (long long)additional);
  return qv__builder_ensure(b, additional, err);
}

qv_status qv__builder_append_slow(qv_builder *b, int32_t kind, const void *value) {
  if (b->ops_->append_slow) return b->ops_->append_slow(b, kind, value, &b->error_);
  char what[64];
  snprintf(what, sizeof what, "append %s", qv__builder_kind_name(kind));
  return qv__builder_type_error(b, what, &b->error_);
}

qv_status qv__builder_append_binary_slow(qv_builder *b, const void *data, int64_t len) {
  if (len < 0)
    return qv_error_set(&b->error_, QV_ERR_INVALID_ARGUMENT, "append_binary: negative length %lld", (long long)len);
  if (len > 0 && data == NULL)
    return qv_error_set(&b->error_, QV_ERR_INVALID_ARGUMENT, "append_binary: data is NULL with length %lld",
                        (long long)len);
  if (b->ops_->append_binary) return b->ops_->append_binary(b, data, len, &b->error_);
  return qv__builder_type_error(b, "append binary", &b->error_);
}

qv_status qv__builder_append_string_slow(qv_builder *b, const char *s, int64_t len) {
  const qv_builder *values = qv__dict_values(b);
  if (values != NULL && values->utf8_) return qv_builder_append_dictionary_value(b, s, len);
  return qv__builder_type_error(b, "append string", &b->error_);
}

qv_status qv_builder_append_fixed(qv_builder *b, const void *bytes) {
  if (bytes == NULL) return qv_error_set(&b->error_, QV_ERR_INVALID_ARGUMENT, "append_fixed: bytes is NULL");
  return qv__builder_append_slow(b, QV__FAST_FIXED, bytes);
}

qv_status qv_builder_append_null(qv_builder *b) { return b->ops_->append_nulls(b, 1, &b->error_); }

qv_status qv_builder_append_nulls(qv_builder *b, int64_t n) {
  if (n < 0) return qv_error_set(&b->error_, QV_ERR_INVALID_ARGUMENT, "append_nulls: negative count %lld", (long long)n);
  if (n == 0) return QV_OK;
  return b->ops_->append_nulls(b, n, &b->error_);
}

qv_status qv_builder_append_empty(qv_builder *b) { return b->ops_->append_empty(b, 1, &b->error_); }

qv_status qv_builder_finish_element(qv_builder *b) {
  if (b->ops_->finish_element) return b->ops_->finish_element(b, &b->error_);
  return qv__builder_type_error(b, "finish_element", &b->error_);
}
