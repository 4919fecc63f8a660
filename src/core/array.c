/* quiver core: qv_array assembly, reference counting, slicing, null counts.
 *
 * Invariants:
 *   - an array holds one reference to its type, each non-NULL buffer, each
 *     child and its dictionary; the struct and its buffer/child pointer
 *     arrays are one allocation, or one piece of a block's arena
 *     (qv__array_new_take_in: readers place all the arrays of a batch in
 *     one block), in which case `block_` holds a reference to the block
 *     that the last release gives back instead of freeing;
 *   - qv_array_new checks only what the type dictates about the *shape*
 *     (buffer count, child count, dictionary presence, non-negative
 *     length/offset); content checks belong to validate/;
 *   - `validity_` caches buffers[0]->data when the storage layout has a
 *     validity bitmap and the buffer is present; `null_layout_` is true for
 *     null storage, so the inline qv_array_is_valid needs no type switch;
 *   - null_count is normalised at construction for layouts without a bitmap
 *     (null: length; union/run_end_encoded: 0) when given as unknown, and is
 *     otherwise computed lazily and cached with a relaxed atomic store (any
 *     racing thread computes the same value);
 *   - slicing shares everything and only composes offset/length; children
 *     are not sliced (they are read at the parent's logical position).
 */
#include "core/internal.h"
#include "core/view_block.h"

static size_t array_bytes(int32_t n_buffers, int32_t n_children) {
  return sizeof(qv_array) + (size_t)n_buffers * sizeof(qv_buffer *) + (size_t)n_children * sizeof(qv_array *);
}

/* The struct with its pointer arrays: in block's arena when it fits. */
static qv_status array_alloc_in(qv__view_block *block, int32_t n_buffers, int32_t n_children, qv_array **out,
                                qv_error *err) {
  size_t bytes = array_bytes(n_buffers, n_children);
  qv_array *a = (qv_array *)qv__view_block_alloc(block, bytes);
  if (a != NULL) {
    a->block_ = block;
  } else {
    a = (qv_array *)qv__calloc(1, bytes);
    QV_CHECK_ALLOC(a, err);
  }
  a->refcount_ = 1;
  a->n_buffers = n_buffers;
  a->n_children = n_children;
  a->buffers = (qv_buffer **)(void *)(a + 1);
  a->children = (qv_array **)(void *)(a->buffers + n_buffers);
  *out = a;
  return QV_OK;
}

static qv_status array_alloc(int32_t n_buffers, int32_t n_children, qv_array **out, qv_error *err) {
  return array_alloc_in(NULL, n_buffers, n_children, out, err);
}

size_t qv__array_tree_bytes(const qv_type *type) {
  const qv_type *s = qv__storage(type);
  int32_t nc = qv__type_num_children(s);
  size_t n = (array_bytes(qv__layout_of(s)->n_buffers, nc) + 7) & ~(size_t)7;
  for (int32_t i = 0; i < nc && i < s->n_children; i++) n += qv__array_tree_bytes(s->children[i]->type);
  return n;
}

static void array_set_caches(qv_array *a) {
  const qv_type *s = qv__storage(a->type);
  a->null_layout_ = s->id == QV_TYPE_NULL;
  a->validity_ = NULL;
  if (qv__layout_of(s)->nulls == QV__NULLS_BITMAP && a->n_buffers > 0 && a->buffers[0] != NULL)
    a->validity_ = a->buffers[0]->data;
}

/* Sets an error whose message starts with the type's text ("int32 array ...");
 * the text is only built on failure, keeping qv_array_new cheap. */
static qv_status array_error(qv_error *err, qv_status code, const qv_type *type, const char *fmt, ...)
    QV_PRINTF(4, 5);
static qv_status array_error(qv_error *err, qv_status code, const qv_type *type, const char *fmt, ...) {
  if (err == NULL) return code;
  qv_strbuf sb;
  char buf[QV_ERROR_MESSAGE_MAX];
  qv__strbuf_init_fixed(&sb, buf, sizeof buf);
  qv__type_append(&sb, type);
  va_list ap;
  va_start(ap, fmt);
  qv__strbuf_appendv(&sb, fmt, ap);
  va_end(ap);
  return qv_error_set(err, code, "%s", buf);
}

static qv_status array_new(qv__view_block *block, qv_type *type, int64_t length, int64_t offset, int64_t null_count,
                           int32_t n_buffers, qv_buffer *const *buffers, int32_t n_children,
                           qv_array *const *children, qv_array *dictionary, bool take, qv_array **out,
                           qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_new: out is NULL");
  *out = NULL;
  if (type == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_new: type is NULL");
  int64_t end;
  if (length < 0 || offset < 0 || qv__add_overflow_i64(offset, length, &end))
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array: bad length %lld / offset %lld",
                       (long long)length, (long long)offset);
  if (null_count < QV_NULL_COUNT_UNKNOWN)
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array: bad null count %lld", (long long)null_count);
  const qv_type *s = qv__storage(type);
  int32_t want_buffers = qv__layout_of(s)->n_buffers;
  bool is_view = s->id == QV_TYPE_BINARY_VIEW || s->id == QV_TYPE_STRING_VIEW;
  if (is_view ? n_buffers < want_buffers : n_buffers != want_buffers)
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array needs %s%d buffers, got %d",
                       is_view ? "at least " : "", want_buffers, n_buffers);
  if (n_buffers > 0 && buffers == NULL)
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array: buffers is NULL with %d buffers", n_buffers);
  int32_t want_children = qv__type_num_children(s);
  if (n_children != want_children)
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array needs %d children, got %d", want_children,
                       n_children);
  for (int32_t i = 0; i < n_children; i++)
    if (children == NULL || children[i] == NULL)
      return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array: child %d is NULL", i);
  bool is_dict = s->id == QV_TYPE_DICTIONARY;
  if (is_dict != (dictionary != NULL))
    return array_error(err, QV_ERR_INVALID_ARGUMENT, type, " array: %s",
                       is_dict ? "dictionary type needs a dictionary (values) array"
                               : "only dictionary arrays take a dictionary");

  qv_array *a = NULL;
  QV_RETURN_IF_ERROR(array_alloc_in(block, n_buffers, n_children, &a, err));
  a->type = qv_type_retain(type);
  a->length = length;
  a->offset = offset;
  for (int32_t i = 0; i < n_buffers; i++) a->buffers[i] = take ? buffers[i] : qv_buffer_retain(buffers[i]);
  for (int32_t i = 0; i < n_children; i++) a->children[i] = take ? children[i] : qv_array_retain(children[i]);
  a->dictionary = take ? dictionary : qv_array_retain(dictionary);
  if (null_count == QV_NULL_COUNT_UNKNOWN) {
    if (s->id == QV_TYPE_NULL)
      null_count = length;
    else if (qv__layout_of(s)->nulls != QV__NULLS_BITMAP)
      null_count = 0;
  }
  a->null_count = null_count;
  array_set_caches(a);
  *out = a;
  return QV_OK;
}

qv_status qv_array_new(qv_type *type, int64_t length, int64_t offset, int64_t null_count, int32_t n_buffers,
                       qv_buffer *const *buffers, int32_t n_children, qv_array *const *children,
                       qv_array *dictionary, qv_array **out, qv_error *err) {
  return array_new(NULL, type, length, offset, null_count, n_buffers, buffers, n_children, children, dictionary,
                   false, out, err);
}

qv_status qv__array_new_take(qv_type *type, int64_t length, int64_t offset, int64_t null_count, int32_t n_buffers,
                             qv_buffer *const *buffers, int32_t n_children, qv_array *const *children,
                             qv_array *dictionary, qv_array **out, qv_error *err) {
  return array_new(NULL, type, length, offset, null_count, n_buffers, buffers, n_children, children, dictionary,
                   true, out, err);
}

qv_status qv__array_new_take_in(qv__view_block *block, qv_type *type, int64_t length, int64_t offset,
                                int64_t null_count, int32_t n_buffers, qv_buffer *const *buffers, int32_t n_children,
                                qv_array *const *children, qv_array *dictionary, qv_array **out, qv_error *err) {
  return array_new(block, type, length, offset, null_count, n_buffers, buffers, n_children, children, dictionary,
                   true, out, err);
}

qv_status qv__array_new_flat_in(qv__view_block *block, qv_type *type, int64_t length, int64_t null_count,
                                int32_t n_buffers, qv_buffer *const *buffers, qv_array **out, qv_error *err) {
  /* Every field is written: the arena piece needs no zeroing. */
  const size_t bytes = array_bytes(n_buffers, 0);
  qv_array *a = (qv_array *)qv__view_block_alloc_raw(block, bytes);
  void *own_block = block;
  if (a == NULL) {
    a = (qv_array *)qv__malloc(bytes);
    QV_CHECK_ALLOC(a, err);
    own_block = NULL;
  }
  a->type = qv_type_retain(type);
  a->length = length;
  a->offset = 0;
  a->null_count = null_count;
  a->n_buffers = n_buffers;
  a->buffers = (qv_buffer **)(void *)(a + 1);
  for (int32_t i = 0; i < n_buffers; i++) a->buffers[i] = buffers[i];
  a->n_children = 0;
  a->children = (qv_array **)(void *)(a->buffers + n_buffers);
  a->dictionary = NULL;
  a->validity_ = buffers[0] != NULL ? buffers[0]->data : NULL;
  a->null_layout_ = false;
  a->refcount_ = 1;
  a->block_ = own_block;
  *out = a;
  return QV_OK;
}

qv_array *qv_array_retain(qv_array *array) {
  if (array != NULL) __atomic_fetch_add(&array->refcount_, 1, __ATOMIC_RELAXED);
  return array;
}

void qv_array_release(qv_array *array) {
  if (array == NULL) return;
  if (__atomic_sub_fetch(&array->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int32_t i = 0; i < array->n_buffers; i++) qv_buffer_release(array->buffers[i]);
  for (int32_t i = 0; i < array->n_children; i++) qv_array_release(array->children[i]);
  qv_array_release(array->dictionary);
  qv_type_release(array->type);
  if (array->block_ != NULL)
    qv__view_block_release((qv__view_block *)array->block_); /* the struct is the block's */
  else
    free(array);
}

qv_status qv_array_slice(qv_array *array, int64_t offset, int64_t length, qv_array **out, qv_error *err) {
  if (out == NULL || array == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_slice: %s is NULL", array ? "out" : "array");
  *out = NULL;
  int64_t end, new_offset;
  if (offset < 0 || length < 0 || qv__add_overflow_i64(offset, length, &end) || end > array->length)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "slice [%lld, %lld + %lld) is outside an array of length %lld",
                        (long long)offset, (long long)offset, (long long)length, (long long)array->length);
  if (qv__add_overflow_i64(array->offset, offset, &new_offset))
    return qv_error_set(err, QV_ERR_OVERFLOW, "slice offset %lld + %lld overflows", (long long)array->offset,
                        (long long)offset);
  qv_array *a = NULL;
  QV_RETURN_IF_ERROR(array_alloc(array->n_buffers, array->n_children, &a, err));
  a->type = qv_type_retain(array->type);
  a->length = length;
  a->offset = new_offset;
  for (int32_t i = 0; i < array->n_buffers; i++) a->buffers[i] = qv_buffer_retain(array->buffers[i]);
  for (int32_t i = 0; i < array->n_children; i++) a->children[i] = qv_array_retain(array->children[i]);
  a->dictionary = qv_array_retain(array->dictionary);
  const qv_type *s = qv__storage(array->type);
  int64_t parent_nulls = __atomic_load_n(&array->null_count, __ATOMIC_RELAXED);
  if (s->id == QV_TYPE_NULL)
    a->null_count = length;
  else if (qv__layout_of(s)->nulls != QV__NULLS_BITMAP || parent_nulls == 0 || length == 0)
    a->null_count = 0;
  else if (parent_nulls == array->length)
    a->null_count = length;
  else
    a->null_count = QV_NULL_COUNT_UNKNOWN;
  array_set_caches(a);
  *out = a;
  return QV_OK;
}

int64_t qv_array_null_count(const qv_array *array) {
  if (array == NULL) return 0;
  if (array->null_layout_) return array->length;
  const qv_type *s = qv__storage(array->type);
  if (qv__layout_of(s)->nulls != QV__NULLS_BITMAP) return 0;
  int64_t nc = __atomic_load_n(&array->null_count, __ATOMIC_RELAXED);
  if (nc >= 0) return nc;
  nc = array->validity_ ? array->length - qv_bitmap_count_set(array->validity_, array->offset, array->length) : 0;
  __atomic_store_n(&((qv_array *)(uintptr_t)array)->null_count, nc, __ATOMIC_RELAXED);
  return nc;
}
