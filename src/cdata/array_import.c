/* Zero-copy import of ArrowArray trees as qv_arrays and qv_batches.
 *
 * The producer's struct is MOVED into one refcounted holder per import (the
 * caller's struct is marked released at once). Every imported qv_buffer wraps
 * the producer's pointer with qv_buffer_wrap and holds one reference on the
 * holder; the import itself holds one more while it works. When the last
 * reference goes (buffers of slices and re-exports included), the holder
 * calls the producer's release exactly once and frees itself. A failed import
 * drops what it built, then its own reference, so the producer is released
 * exactly once on failure too and nothing leaks.
 *
 * Buffer sizes come from the type, offset and length (L = offset + length):
 * bitmaps ceil(L/8), fixed width L*width, offsets (L+1)*width, binary data
 * the last offset, view data the trailing int64 sizes buffer. Structural
 * checks (docs/robustness.md, class 37) are done here; content checks (monotonic
 * offsets, child bounds, UTF-8) belong to qv_array_validate.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cdata/internal.h"
#include "core/internal.h"
#include "core/layout.h"
#include "core/unaligned.h"

typedef struct import_holder {
  struct ArrowArray array; /* the moved producer struct */
  atomic_int_fast64_t refs;
} import_holder;

static void holder_unref(import_holder *h) {
  if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) == 1) {
    if (h->array.release != NULL) h->array.release(&h->array);
    free(h);
  }
}

static void wrapped_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  holder_unref(ctx);
}

/* Moves *array into a new holder. Takes ownership even on failure. */
static qv_status holder_new(struct ArrowArray *array, import_holder **out, qv_error *err) {
  import_holder *h = malloc(sizeof *h);
  if (h == NULL) {
    struct ArrowArray moved = *array;
    array->release = NULL;
    moved.release(&moved);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowArray: out of memory");
  }
  h->array = *array;
  array->release = NULL;
  atomic_init(&h->refs, 1);
  *out = h;
  return QV_OK;
}

/* Empty offsets (length+offset == 0) that a producer left NULL. */
static const int64_t zero_offsets[2] = {0, 0};

/* One expected buffer of a layout. */
typedef struct buf_spec {
  const char *name;
  int64_t size;          /* bytes the buffer must hold */
  qv__buffer_role role;  /* validity may be NULL when null_count == 0; data is sized by the offsets */
  int32_t width;         /* bytes per element */
} buf_spec;

static qv_status too_big(qv_error *err, const char *what, int64_t L) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "%s buffer size overflows int64 for length+offset %lld", what,
                      (long long)L);
}

/* The C Data Interface spells the union type-code buffer "type_ids". */
static const char *spec_name(const qv__buffer_layout *b) {
  return b->role == QV__BUF_TYPE_IDS ? "type_ids" : b->name;
}

/* Fills specs[] for the fixed buffers of the layout (views: validity,
 * views) from the layout table. Returns their number (views: 2, their
 * variadic buffers and trailing sizes buffer are handled by the caller), or
 * -1 and sets err. Data buffers get size 0 here: the caller sizes them from
 * the last offset. */
static int layout(const qv__layout *lay, const qv_type *st, int64_t L, buf_spec *s, qv_error *err) {
  for (int32_t i = 0; i < lay->n_buffers; i++) {
    const qv__buffer_layout *b = &lay->buffers[i];
    const int32_t w = qv__layout_width(b, st);
    int64_t n;
    if (!qv__layout_min_bytes(b, w, L, &n)) return too_big(err, spec_name(b), L), -1;
    s[i] = (buf_spec){spec_name(b), n, b->role, w};
  }
  return lay->n_buffers;
}

/* Wraps one producer buffer (NULL stays NULL) with a reference on the holder. */
static qv_status wrap(import_holder *h, const void *ptr, int64_t size, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (ptr == NULL) return QV_OK;
  atomic_fetch_add_explicit(&h->refs, 1, memory_order_relaxed);
  qv_status st = qv_buffer_wrap(ptr, size, wrapped_release, h, out, err);
  if (st != QV_OK) atomic_fetch_sub_explicit(&h->refs, 1, memory_order_relaxed); /* never the last: we hold one */
  return st;
}

static qv_status import_node(import_holder *h, const struct ArrowArray *a, const qv_type *type, int depth,
                             qv_array **out, qv_error *err);

/* Wraps the buffers of `a` into bufs[] (bufs has room for the result),
 * setting *n_out. */
static qv_status import_buffers(import_holder *h, const struct ArrowArray *a, bool view, int64_t L,
                                const buf_spec *spec, int n, int64_t null_count, qv_buffer **bufs, int32_t *n_out,
                                qv_error *err) {
  int64_t nvar = view ? a->n_buffers - 3 : 0;
  for (int i = 0; i < n; i++) {
    const void *p = a->buffers[i];
    int64_t size = spec[i].size;
    if (spec[i].role == QV__BUF_DATA) {
      /* binary data: as long as the last offset (the buffer before) says */
      size = bufs[i - 1] == NULL ? 0 : qv__load_int(bufs[i - 1]->data, spec[i - 1].width, L);
      if (size < 0)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "last offset (slot %lld) is negative: %lld", (long long)L,
                            (long long)size);
    }
    if (p == NULL && size > 0) {
      if (spec[i].role == QV__BUF_VALIDITY && null_count == 0) {
        /* absent bitmap: all valid */
      } else if (spec[i].role == QV__BUF_VALIDITY) {
        return qv_error_set(err, QV_ERR_INVALID_DATA, "null_count is %lld but the validity buffer is NULL",
                            (long long)null_count);
      } else if (L == 0 && spec[i].role == QV__BUF_OFFSETS) {
        p = zero_offsets; /* tolerated: empty array without offsets */
      } else {
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "buffer %d (%s) is NULL but must hold %lld bytes (length %lld + offset %lld)", i,
                            spec[i].name, (long long)size, (long long)a->length, (long long)a->offset);
      }
    }
    if (p == zero_offsets) {
      QV_RETURN_IF_ERROR(qv_buffer_wrap(p, size, NULL, NULL, &bufs[i], err));
    } else {
      QV_RETURN_IF_ERROR(wrap(h, p, size, &bufs[i], err));
    }
    *n_out = i + 1;
  }
  if (!view) return QV_OK;
  const void *sizes = a->buffers[a->n_buffers - 1];
  if (nvar > 0 && sizes == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "buffer %lld (variadic buffer sizes) is NULL but %lld data buffers follow the views",
                        (long long)(a->n_buffers - 1), (long long)nvar);
  for (int64_t j = 0; j < nvar; j++) {
    int64_t size = qv__load_int((const uint8_t *)sizes, 8, j);
    const void *p = a->buffers[2 + j];
    if (size < 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "variadic buffer %lld has negative size %lld", (long long)j,
                          (long long)size);
    if (p == NULL && size > 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "buffer %lld (variadic data %lld) is NULL but has size %lld",
                          (long long)(2 + j), (long long)j, (long long)size);
    QV_RETURN_IF_ERROR(wrap(h, p, size, &bufs[2 + j], err));
    *n_out = (int32_t)(3 + j);
  }
  return QV_OK;
}

static qv_status import_node(import_holder *h, const struct ArrowArray *a, const qv_type *type, int depth,
                             qv_array **out, qv_error *err) {
  qv_status st = QV_OK;
  qv_buffer *small_bufs[4] = {NULL, NULL, NULL, NULL};
  qv_array *small_kids[8];
  qv_buffer **bufs = small_bufs;
  qv_array **kids = small_kids;
  qv_array *dict = NULL;
  int32_t n_bufs = 0, n_kids = 0;
  *out = NULL;

  if (depth > QV_CDATA_MAX_DEPTH)
    return qv_error_set(err, QV_ERR_LIMIT, "ArrowArray nesting deeper than %d levels", QV_CDATA_MAX_DEPTH);
  if (a->release == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowArray is released (release == NULL)");
  if (a->length < 0 || a->offset < 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "negative length %lld or offset %lld", (long long)a->length,
                        (long long)a->offset);
  if (a->length > INT64_MAX - a->offset)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "length %lld + offset %lld overflows int64", (long long)a->length,
                        (long long)a->offset);
  const qv_type *sty = qv_type_storage(type);
  const qv__layout *lay = qv__layout_of(sty);
  int64_t L = a->offset + a->length;

  /* Buffer count. */
  bool view = lay->variadic;
  buf_spec probe[QV__LAYOUT_MAX_BUFFERS];
  int fixed = layout(lay, sty, L, probe, err);
  if (fixed < 0) return QV_ERR_INVALID_DATA;
  if (view ? a->n_buffers < 3 : a->n_buffers != fixed) {
    if (view)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "%s array needs at least 3 buffers (validity, views, variadic sizes), got n_buffers %lld",
                          qv_type_id_name(sty->id), (long long)a->n_buffers);
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s array needs %d buffers, got n_buffers %lld",
                        qv_type_id_name(sty->id), fixed, (long long)a->n_buffers);
  }
  if (view && a->n_buffers - 1 > INT32_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "too many variadic buffers: %lld", (long long)(a->n_buffers - 3));
  if (a->n_buffers > 0 && a->buffers == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "n_buffers is %lld but buffers is NULL", (long long)a->n_buffers);

  /* Children and dictionary presence. */
  int32_t want_kids = qv__layout_num_children(lay, sty);
  if (a->n_children != want_kids)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s array needs %d children, got n_children %lld",
                        qv_type_id_name(sty->id), want_kids, (long long)a->n_children);
  if (a->n_children > 0 && a->children == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "n_children is %lld but children is NULL", (long long)a->n_children);
  for (int32_t i = 0; i < want_kids; i++)
    if (a->children[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "child %d is NULL", i);
  bool is_dict = lay->dictionary;
  if (is_dict && a->dictionary == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "dictionary-encoded array without a dictionary (dictionary == NULL)");
  if (!is_dict && a->dictionary != NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "%s array has a dictionary but its type is not dictionary-encoded",
                        qv_type_id_name(sty->id));

  /* Null count. */
  int64_t null_count = a->null_count;
  if (null_count < -1 || null_count > a->length)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "null_count %lld outside -1..length (%lld)", (long long)null_count,
                        (long long)a->length);
  if (lay->nulls == QV__NULLS_ALL) null_count = a->length;
  else if (lay->nulls == QV__NULLS_IN_CHILDREN) null_count = 0;
  else if (a->buffers[0] == NULL) {
    if (null_count > 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "null_count is %lld but the validity buffer is NULL",
                          (long long)null_count);
    null_count = 0;
  }

  if (view && a->n_buffers - 1 > 4) {
    bufs = calloc((size_t)(a->n_buffers - 1), sizeof *bufs);
    if (bufs == NULL) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowArray: out of memory");
      goto cleanup;
    }
  }
  st = import_buffers(h, a, view, L, probe, fixed, null_count, bufs, &n_bufs, err);
  if (st != QV_OK) goto cleanup;

  if (want_kids > 8) {
    kids = calloc((size_t)want_kids, sizeof *kids);
    if (kids == NULL) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowArray: out of memory");
      goto cleanup;
    }
  }
  for (int32_t i = 0; i < want_kids; i++) {
    const qv_field *f = sty->children[i];
    st = import_node(h, a->children[i], f->type, depth + 1, &kids[i], err);
    if (st != QV_OK) {
      qv__cdata_error_child(err, depth, "child", i, f->name);
      goto cleanup;
    }
    n_kids = i + 1;
  }
  if (is_dict) {
    st = import_node(h, a->dictionary, sty->value_type, depth + 1, &dict, err);
    if (st != QV_OK) {
      qv__cdata_error_child(err, depth, "dictionary", 0, NULL);
      goto cleanup;
    }
  }
  st = qv_array_new((qv_type *)type, a->length, a->offset, null_count, n_bufs, bufs, n_kids, kids, dict, out, err);

cleanup:
  for (int32_t i = 0; i < n_bufs; i++) qv_buffer_release(bufs[i]); /* entries past n_bufs were never wrapped */
  if (bufs != small_bufs) free(bufs);
  for (int32_t i = 0; i < n_kids; i++) qv_array_release(kids[i]);
  if (kids != small_kids) free(kids);
  qv_array_release(dict);
  return st;
}

QV_API qv_status qv_array_import(struct ArrowArray *array, const qv_type *type, qv_array **out, qv_error *err) {
  if (out != NULL) *out = NULL;
  if (array == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_import: array is NULL");
  if (array->release == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowArray is released (release == NULL)");
  import_holder *h = NULL;
  QV_RETURN_IF_ERROR(holder_new(array, &h, err));
  qv_status st;
  if (type == NULL || out == NULL)
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_import: %s is NULL", type == NULL ? "type" : "out");
  else
    st = import_node(h, &h->array, type, 0, out, err);
  holder_unref(h);
  return st;
}

QV_API qv_status qv_batch_import(struct ArrowArray *array, qv_schema *schema, qv_batch **out, qv_error *err) {
  if (out != NULL) *out = NULL;
  if (array == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_import: array is NULL");
  if (array->release == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowArray is released (release == NULL)");
  import_holder *h = NULL;
  QV_RETURN_IF_ERROR(holder_new(array, &h, err));
  qv_status st = QV_OK;
  qv_array **cols = NULL;
  int32_t n_cols = 0;
  const struct ArrowArray *a = &h->array;
  if (schema == NULL || out == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_batch_import: %s is NULL", schema == NULL ? "schema" : "out");
    goto cleanup;
  }
  if (a->length < 0 || a->offset < 0 || a->length > INT64_MAX - a->offset) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "record batch: bad length %lld / offset %lld (negative or overflowing)",
                      (long long)a->length, (long long)a->offset);
    goto cleanup;
  }
  if (a->n_buffers != 1 || a->buffers == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "record batch: a struct array needs 1 buffer, got n_buffers %lld%s",
                      (long long)a->n_buffers, a->buffers == NULL ? " (buffers NULL)" : "");
    goto cleanup;
  }
  if (a->n_children != schema->n_fields || (a->n_children > 0 && a->children == NULL)) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "record batch: schema has %d fields but n_children is %lld%s",
                      schema->n_fields, (long long)a->n_children, a->children == NULL ? " (children NULL)" : "");
    goto cleanup;
  }
  if (a->dictionary != NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "record batch: a struct array cannot have a dictionary");
    goto cleanup;
  }
  if (a->null_count > 0 || (a->null_count < 0 && a->buffers[0] != NULL &&
                            qv_bitmap_count_set(a->buffers[0], a->offset, a->length) != a->length)) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "record batch: the top-level struct has null rows (null_count %lld)",
                      (long long)a->null_count);
    goto cleanup;
  }
  n_cols = 0;
  cols = calloc(schema->n_fields > 0 ? (size_t)schema->n_fields : 1, sizeof *cols);
  if (cols == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing a record batch: out of memory");
    goto cleanup;
  }
  for (int32_t i = 0; i < schema->n_fields; i++) {
    const qv_field *f = schema->fields[i];
    if (a->children[i] == NULL) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "column %d ('%s'): child is NULL", i, f->name);
      goto cleanup;
    }
    st = import_node(h, a->children[i], f->type, 1, &cols[i], err);
    n_cols = i + 1;
    if (st != QV_OK) {
      qv__cdata_error_child(err, 0, "column", i, f->name);
      goto cleanup;
    }
    if (cols[i]->length - a->offset < a->length) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA,
                        "column %d ('%s'): length %lld is shorter than the batch's offset %lld + length %lld", i,
                        f->name, (long long)cols[i]->length, (long long)a->offset, (long long)a->length);
      goto cleanup;
    }
    if (a->offset != 0 || cols[i]->length != a->length) {
      qv_array *sliced = NULL;
      st = qv_array_slice(cols[i], a->offset, a->length, &sliced, err);
      if (st != QV_OK) goto cleanup;
      qv_array_release(cols[i]);
      cols[i] = sliced;
    }
  }
  st = qv_batch_new(schema, a->length, cols, NULL, out, err);

cleanup:
  for (int32_t i = 0; i < n_cols; i++) qv_array_release(cols[i]);
  free(cols);
  holder_unref(h);
  return st;
}
