/* quiver json: one FieldData object -> one qv_array.
 *
 * The array is assembled from its buffers exactly as type.h lays them out,
 * with qv_array_new: the layout of the storage type (an extension's storage)
 * says which JSON members are read, the schema field (`jfield`) supplies the
 * child fields and the dictionary id, and children recurse with
 * "children[i]" appended to the path. Null counts come from VALIDITY (0 for
 * unions and run-end encoded, the length for null). Members a layout does not
 * use are ignored (e.g. the VALIDITY old writers put on unions). The
 * arrays are not validated here: callers validate each finished column.
 */
#include "json/internal.h"

#include "core/layout.h"

static qv_status get_count(qv_json_rctx *c, const json_t *jcol, int64_t *count) {
  const json_t *v;
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, "count", JSON_NULL, true, &v));
  size_t saved = qv__json_path_key(c, "count");
  /* INT64_MAX - 1: offsets buffers hold count + 1 entries. */
  qv_status st = qv__json_get_int(c, v, 0, INT64_MAX - 1, count);
  qv_json_path_pop(c, saved);
  return st;
}

/* Decodes the FieldData children of jcol for storage type s. */
static qv_status read_children(qv_json_rctx *c, const qv_type *s, const json_t *jfield, const json_t *jcol,
                               int depth, qv_array **kids) {
  const json_t *jkids, *jfkids = json_object_get(jfield, "children");
  size_t n = (size_t)s->n_children;
  QV_RETURN_IF_ERROR(qv__json_member(c, jcol, "children", JSON_ARRAY, true, &jkids));
  size_t saved = qv__json_path_key(c, "children");
  if (json_array_size(jkids) != n) {
    qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected %zu children (one per child field), found %zu", n,
                                json_array_size(jkids));
    qv_json_path_pop(c, saved);
    return st;
  }
  for (size_t i = 0; i < n; i++) {
    size_t k = qv__json_path_index(c, (int64_t)i);
    QV_RETURN_IF_ERROR(qv__json_read_column(c, s->children[i]->type, json_array_get(jfkids, i),
                                           json_array_get(jkids, i), depth + 1, &kids[i]));
    qv_json_path_pop(c, k);
  }
  qv_json_path_pop(c, saved);
  return QV_OK;
}

/* The dictionary values for a dictionary column. */
static qv_status dictionary_of(qv_json_rctx *c, const json_t *jfield, int64_t valid, qv_array **out) {
  const json_t *jd = json_object_get(jfield, "dictionary");
  const json_t *jid = jd ? json_object_get(jd, "id") : NULL;
  if (!json_is_integer(jid)) { /* the schema was decoded from the same field: cannot happen */
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "the schema field has no dictionary id");
  }
  return qv__json_dict_values(c, (int64_t)json_integer_value(jid), valid, out);
}

/* Reads buffer i of the layout from the JSON member the integration format
 * names for its role (the member names are this format's own, hence the
 * switch over roles). Validity is read by the caller; data buffers are read
 * with the offsets that address them. */
static qv_status read_buffer(qv_json_rctx *c, const qv_type *s, const qv__layout *lay, int32_t i, const json_t *jcol,
                             int64_t count, qv_buffer **bufs) {
  const qv__buffer_layout *b = &lay->buffers[i];
  const int32_t w = qv__layout_width(b, s);
  const int64_t max = w == 4 ? INT32_MAX : INT64_MAX;
  switch (b->role) {
    case QV__BUF_BITS:
    case QV__BUF_VALUES:
      return qv__json_read_fixed(c, lay->dictionary ? s->index_type : s, jcol, count, &bufs[i]);
    case QV__BUF_OFFSETS:
      if (i + 1 < lay->n_buffers && lay->buffers[i + 1].role == QV__BUF_DATA)
        return qv__json_read_binary(c, s, jcol, count, &bufs[i], &bufs[i + 1]);
      return qv__json_read_ints(c, jcol, "OFFSET", count + 1, w, 0, max, &bufs[i]);
    case QV__BUF_LIST_OFFSETS:
    case QV__BUF_UNION_OFFSETS:
      return qv__json_read_ints(c, jcol, "OFFSET", count, w, 0, max, &bufs[i]);
    case QV__BUF_LIST_SIZES:
      return qv__json_read_ints(c, jcol, "SIZE", count, w, 0, max, &bufs[i]);
    case QV__BUF_TYPE_IDS:
      return qv__json_read_ints(c, jcol, "TYPE_ID", count, 1, 0, 127, &bufs[i]);
    default: /* validity: read by the caller; data: with its offsets; views: variadic, read whole */
      return QV_OK;
  }
}

qv_status qv__json_read_column(qv_json_rctx *c, qv_type *type, const json_t *jfield, const json_t *jcol, int depth,
                              qv_array **out) {
  qv_status st = QV_OK;
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_buffer **vbufs = NULL; /* views: validity, views, variadic... */
  int32_t n_bufs = 0, n_vbufs = 0;
  qv_array *kids[128] = {NULL};
  qv_array **heap_kids = NULL, **children = kids;
  qv_array *dict = NULL;
  int64_t count = 0, nulls = 0;
  const qv_type *s = qv_type_storage(type);
  *out = NULL;
  if (!json_is_object(jcol)) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a FieldData object, found %s", qv__json_kind(jcol));
  }
  if (depth > QV_JSON_MAX_DEPTH) {
    return qv__json_fail(c, QV_ERR_LIMIT, "columns nested more than %d levels deep", QV_JSON_MAX_DEPTH);
  }
  QV_RETURN_IF_ERROR(get_count(c, jcol, &count));
  if (s->n_children > 128) {
    heap_kids = qv__calloc((size_t)s->n_children, sizeof *heap_kids);
    QV_CHECK_ALLOC(heap_kids, c->err);
    children = heap_kids;
  }
  const qv__layout *lay = qv__layout_of(s);
  if (lay->nulls == QV__NULLS_BITMAP) QV_GOTO_IF_ERROR(st, qv__json_read_validity(c, jcol, count, &bufs[0], &nulls), cleanup);
  if (lay->nulls == QV__NULLS_ALL) nulls = count;
  if (lay->variadic) {
    QV_GOTO_IF_ERROR(st, qv__json_read_views(c, s, jcol, count, &vbufs, &n_vbufs), cleanup);
    vbufs[0] = bufs[0];
    bufs[0] = NULL;
  } else {
    n_bufs = lay->n_buffers;
    for (int32_t i = 0; i < n_bufs; i++) QV_GOTO_IF_ERROR(st, read_buffer(c, s, lay, i, jcol, count, bufs), cleanup);
  }
  if (lay->dictionary) QV_GOTO_IF_ERROR(st, dictionary_of(c, jfield, count - nulls, &dict), cleanup);
  if (s->n_children > 0) QV_GOTO_IF_ERROR(st, read_children(c, s, jfield, jcol, depth, children), cleanup);

  if (vbufs != NULL) {
    st = qv_array_new(type, count, 0, nulls, n_vbufs, vbufs, 0, NULL, NULL, out, c->err);
  } else {
    st = qv_array_new(type, count, 0, nulls, n_bufs, bufs, s->n_children, children, dict, out, c->err);
  }
  st = qv__json_wrap(c, st);

cleanup:
  for (int i = 0; i < 3; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; i < n_vbufs; i++) qv_buffer_release(vbufs[i]);
  free(vbufs);
  for (int32_t i = 0; i < s->n_children; i++) qv_array_release(children[i]);
  free(heap_kids);
  return st;
}
