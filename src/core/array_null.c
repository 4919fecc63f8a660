/* quiver core: qv_array_new_null, all-null arrays of any type.
 *
 * The result is a valid array in the sense of validate/: every buffer the
 * layout needs is present and zeroed (so offsets are all 0 and views are
 * empty inline views), the validity bitmap is all zero, and children have
 * the lengths the layout requires:
 *   - struct / sparse union: children are null arrays of the same length;
 *   - fixed_size_list: the child is a null array of length * list_size;
 *   - list-likes and map: offsets all 0, child of length 0;
 *   - dense union: every slot points at slot 0 of child 0 (a null array of
 *     length 1), the other children are empty;
 *   - run_end_encoded: one run (run_ends = [length]) over a one-slot null
 *     values array (no runs when length is 0);
 *   - dictionary: indices all null over an empty dictionary.
 * Unions and REE have no bitmap, so their nulls live in the children.
 */
#include "core/internal.h"
#include "core/layout.h"

static qv_status zero_buffer(int64_t size, qv_buffer **out, qv_error *err) {
  return qv_buffer_allocate(NULL, size, true, out, err);
}

/* bytes = count * width, checked. */
static qv_status checked_bytes(int64_t count, int64_t width, int64_t *out, qv_error *err) {
  if (qv__mul_overflow_i64(count, width, out))
    return qv_error_set(err, QV_ERR_OVERFLOW, "null array: %lld values of %lld bytes overflow", (long long)count,
                        (long long)width);
  return QV_OK;
}

static qv_status run_ends_array(qv_type *re_type, int64_t length, qv_array **out, qv_error *err) {
  int64_t n = length > 0 ? 1 : 0;
  int64_t width = re_type->bit_width / 8;
  int64_t max = re_type->id == QV_TYPE_INT16 ? INT16_MAX : re_type->id == QV_TYPE_INT32 ? INT32_MAX : INT64_MAX;
  if (length > max)
    return qv_error_set(err, QV_ERR_OVERFLOW, "null run_end_encoded array: length %lld does not fit run ends of type %s",
                        (long long)length, qv_type_id_name(re_type->id));
  qv_buffer *bufs[2] = {NULL, NULL};
  QV_RETURN_IF_ERROR(zero_buffer(n * width, &bufs[1], err));
  if (n == 1) {
    if (width == 2) {
      int16_t v = (int16_t)length;
      memcpy(bufs[1]->data, &v, 2);
    } else if (width == 4) {
      int32_t v = (int32_t)length;
      memcpy(bufs[1]->data, &v, 4);
    } else {
      memcpy(bufs[1]->data, &length, 8);
    }
  }
  qv_status st = qv_array_new(re_type, n, 0, 0, 2, bufs, 0, NULL, NULL, out, err);
  qv_buffer_release(bufs[1]);
  return st;
}

/* A zeroed buffer for buffer `b` of the layout of `s`, long enough for
 * `length` slots; union type ids all name the first child. */
static qv_status null_buffer(const qv_type *s, const qv__buffer_layout *b, int64_t length, qv_buffer **out,
                             qv_error *err) {
  const int32_t w = qv__layout_width(b, s);
  int64_t bytes;
  if (!qv__layout_min_bytes(b, w, length, &bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "null array: %lld values of %lld bytes overflow",
                        (long long)(b->role == QV__BUF_OFFSETS ? length + 1 : length), (long long)w);
  QV_RETURN_IF_ERROR(zero_buffer(bytes, out, err));
  if (b->role == QV__BUF_TYPE_IDS && s->n_children > 0) memset((*out)->data, s->type_codes[0], (size_t)length);
  return QV_OK;
}

/* Length child k needs under zeroed buffers of `length` slots. */
static int64_t null_child_length(const qv__layout *lay, const qv_type *s, int32_t k, int64_t length) {
  switch (lay->window) {
    case QV__WINDOW_SAME: return length;
    case QV__WINDOW_LIST_SIZE: return length * s->list_size; /* checked by the caller */
    case QV__WINDOW_UNION_OFFSETS: return (k == 0 && length > 0) ? 1 : 0; /* every offset is 0 into child 0 */
    default: return 0; /* offsets and sizes all 0: empty ranges */
  }
}

qv_status qv_array_new_null(qv_type *type, int64_t length, qv_array **out, qv_error *err) {
  if (out == NULL || type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_new_null: %s is NULL", type ? "out" : "type");
  *out = NULL;
  if (length < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_new_null: negative length %lld", (long long)length);
  const qv_type *s = qv_type_storage(type);
  const qv__layout *lay = qv__layout_of(s);
  qv_status st = QV_OK;
  qv_buffer *bufs[QV__LAYOUT_MAX_BUFFERS] = {NULL, NULL, NULL};
  int32_t n_bufs = lay->n_buffers;
  int32_t n_kids = 0;
  qv_array **kids = NULL;
  qv_array *dict = NULL;
  int64_t bytes = 0;
  int64_t null_count = lay->nulls == QV__NULLS_IN_CHILDREN ? 0 : length;

  if (lay->nulls == QV__NULLS_ALL) return qv_array_new(type, length, 0, length, 0, NULL, 0, NULL, NULL, out, err);

  if (length > INT64_MAX - 64)
    return qv_error_set(err, QV_ERR_OVERFLOW, "qv_array_new_null: length %lld too large", (long long)length);
  n_kids = qv__layout_num_children(lay, s);
  kids = (qv_array **)qv__calloc((size_t)n_kids, sizeof(qv_array *));
  QV_CHECK_ALLOC_GOTO(kids, st, err, cleanup);

  if (lay->buffers[0].role == QV__BUF_TYPE_IDS && n_kids == 0 && length > 0)
    QV_FAIL_GOTO(st, cleanup, err, QV_ERR_INVALID_ARGUMENT,
                 "null %s array: a union without children cannot hold %lld null slots", qv_type_id_name(s->id),
                 (long long)length);
  /* The bitmap last, so size overflows fail before any big allocation. */
  for (int32_t i = 0; i < n_bufs; i++)
    if (lay->buffers[i].role != QV__BUF_VALIDITY)
      QV_GOTO_IF_ERROR(st, null_buffer(s, &lay->buffers[i], length, &bufs[i], err), cleanup);
  if (lay->window == QV__WINDOW_LIST_SIZE)
    QV_GOTO_IF_ERROR(st, checked_bytes(length, s->list_size, &bytes, err), cleanup);
  if (lay->window == QV__WINDOW_RUN_ENDS) {
    QV_GOTO_IF_ERROR(st, run_ends_array(s->children[0]->type, length, &kids[0], err), cleanup);
    QV_GOTO_IF_ERROR(st, qv_array_new_null(s->children[1]->type, length > 0 ? 1 : 0, &kids[1], err), cleanup);
  } else {
    for (int32_t i = 0; i < n_kids; i++)
      QV_GOTO_IF_ERROR(st, qv_array_new_null(s->children[i]->type, null_child_length(lay, s, i, length), &kids[i], err),
                       cleanup);
  }
  if (lay->dictionary) QV_GOTO_IF_ERROR(st, qv_array_new_null(s->value_type, 0, &dict, err), cleanup);
  if (lay->nulls == QV__NULLS_BITMAP) QV_GOTO_IF_ERROR(st, zero_buffer(qv_bitmap_bytes(length), &bufs[0], err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_array_new(type, length, 0, null_count, n_bufs, bufs, n_kids, kids, dict, out, err), cleanup);
cleanup:
  for (int i = 0; i < QV__LAYOUT_MAX_BUFFERS; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; kids != NULL && i < n_kids; i++) qv_array_release(kids[i]);
  free(kids);
  qv_array_release(dict);
  return st;
}
