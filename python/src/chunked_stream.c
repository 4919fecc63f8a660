/* quiver Python binding: ChunkedArray.__arrow_c_stream__.
 *
 * The C library exports record-batch streams (qv_table_export_stream); a
 * chunked array is a stream of plain arrays of one type (what pyarrow's
 * ChunkedArray exports), so this file implements the ArrowArrayStream
 * callbacks over a qv_chunked_array: the schema is the type, each get_next
 * exports the next chunk zero-copy through qv_array_export. The stream holds
 * its own reference to the chunks, so it outlives the Python object.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qvpy.h"

typedef struct {
  qv_chunked_array *chunks; /* owned reference */
  int64_t next;             /* index of the next chunk to hand out */
  char message[sizeof(((qv_error *)0)->message)];
} chunk_stream;

static chunk_stream *state(struct ArrowArrayStream *s) { return (chunk_stream *)s->private_data; }

static int fail(chunk_stream *c, const qv_error *err) {
  snprintf(c->message, sizeof c->message, "%s", err->message);
  return EINVAL;
}

static int chunk_stream_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
  qv_error err;
  if (qv_type_export(state(s)->chunks->type, out, &err) != QV_OK) return fail(state(s), &err);
  return 0;
}

static int chunk_stream_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
  chunk_stream *c = state(s);
  if (c->next >= c->chunks->n_chunks) {
    memset(out, 0, sizeof *out); /* release == NULL: end of stream */
    return 0;
  }
  qv_error err;
  if (qv_array_export(c->chunks->chunks[c->next], out, &err) != QV_OK) return fail(c, &err);
  c->next++;
  return 0;
}

static const char *chunk_stream_last_error(struct ArrowArrayStream *s) {
  return state(s)->message[0] != '\0' ? state(s)->message : NULL;
}

static void chunk_stream_release(struct ArrowArrayStream *s) {
  if (s->release == NULL) return;
  qv_chunked_array_release(state(s)->chunks);
  free(s->private_data);
  s->private_data = NULL;
  s->release = NULL;
}

static void capsule_free(PyObject *cap) {
  struct ArrowArrayStream *s = PyCapsule_GetPointer(cap, "arrow_array_stream");
  if (s == NULL) {
    PyErr_Clear();
    return;
  }
  if (s->release != NULL) QVPY_KEEP_ERROR(s->release(s));
  free(s);
}

PyObject *qvpy_chunked_stream_capsule(PyObject *chunked) {
  qv_chunked_array *c = qvpy_chunked_to_qv(chunked, NULL);
  if (c == NULL) return NULL;
  struct ArrowArrayStream *s = calloc(1, sizeof *s);
  chunk_stream *priv = calloc(1, sizeof *priv);
  if (s == NULL || priv == NULL) {
    free(s);
    free(priv);
    qv_chunked_array_release(c);
    return PyErr_NoMemory();
  }
  priv->chunks = c;
  s->get_schema = chunk_stream_get_schema;
  s->get_next = chunk_stream_get_next;
  s->get_last_error = chunk_stream_last_error;
  s->release = chunk_stream_release;
  s->private_data = priv;
  PyObject *cap = PyCapsule_New(s, "arrow_array_stream", capsule_free);
  if (cap == NULL) {
    chunk_stream_release(s);
    free(s);
  }
  return cap;
}
