/* The Arrow C Stream Interface: export (from a batch source or a table) and
 * import (a pull reader).
 *
 * Export: the stream's private data holds the schema, the source callback
 * and its context, the last error (its message is what get_last_error
 * returns, valid until the next callback) and an end flag; once the source
 * has ended, get_next keeps returning a released array. Every array and
 * schema handed out is independent of the stream (own references).
 *
 * Import: the reader owns the moved stream, fetches the schema once at
 * import, and turns each get_next result into a qv_batch with
 * qv_batch_import (zero-copy). errno codes from the producer map to
 * qv_status; the producer's get_last_error text is copied into the message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cdata/internal.h"

int qv__cdata_status_to_errno(qv_status st) {
  switch (st) {
    case QV_OK: return 0;
    case QV_ERR_NO_MEMORY: return ENOMEM;
    case QV_ERR_IO:
    case QV_ERR_TRUNCATED: return EIO;
    case QV_ERR_NOT_IMPLEMENTED:
    case QV_ERR_UNSUPPORTED: return ENOSYS;
    default: return EINVAL;
  }
}

qv_status qv__cdata_errno_to_status(int code) {
  switch (code) {
    case 0: return QV_OK;
    case ENOMEM: return QV_ERR_NO_MEMORY;
    case EINVAL: return QV_ERR_INVALID_DATA;
    case ENOSYS:
#if defined(ENOTSUP)
    case ENOTSUP:
#endif
      return QV_ERR_NOT_IMPLEMENTED;
    default: return QV_ERR_IO;
  }
}

/* ---- export ---- */

typedef struct stream_private {
  qv_schema *schema;
  qv_batch_source_fn next;
  void (*release_ctx)(void *ctx);
  void *ctx;
  bool done;
  qv_error error;
} stream_private;

static int stream_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
  stream_private *p = s->private_data;
  qv_error_clear(&p->error);
  return qv__cdata_status_to_errno(qv_schema_export(p->schema, out, &p->error));
}

static int stream_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
  stream_private *p = s->private_data;
  qv_batch *batch = NULL;
  qv_status st = QV_OK;
  qv_error_clear(&p->error);
  out->release = NULL;
  if (p->done) return 0;
  st = p->next(p->ctx, &batch, &p->error);
  if (st != QV_OK) goto cleanup;
  if (batch == NULL) {
    p->done = true;
    goto cleanup;
  }
  if (batch->schema != p->schema && !qv_schema_equals(batch->schema, p->schema, false)) {
    st = qv_error_set(&p->error, QV_ERR_INVALID_ARGUMENT,
                      "stream source produced a batch whose schema differs from the stream's schema");
    goto cleanup;
  }
  st = qv_batch_export(batch, out, &p->error);
cleanup:
  qv_batch_release(batch);
  return qv__cdata_status_to_errno(st);
}

static const char *stream_get_last_error(struct ArrowArrayStream *s) {
  stream_private *p = s->private_data;
  return p->error.message[0] != '\0' ? p->error.message : NULL;
}

static void stream_release(struct ArrowArrayStream *s) {
  if (s == NULL || s->release == NULL) return;
  stream_private *p = s->private_data;
  if (p->release_ctx != NULL) p->release_ctx(p->ctx);
  qv_schema_release(p->schema);
  free(p);
  s->release = NULL;
  s->private_data = NULL;
}

QV_API qv_status qv_stream_export(qv_schema *schema, qv_batch_source_fn next, void (*release_ctx)(void *ctx),
                                  void *ctx, struct ArrowArrayStream *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_stream_export: out is NULL");
  out->release = NULL;
  if (schema == NULL || next == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_stream_export: %s is NULL", schema == NULL ? "schema" : "next");
  stream_private *p = malloc(sizeof *p);
  if (p == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "exporting a stream: out of memory");
  p->schema = qv_schema_retain(schema);
  p->next = next;
  p->release_ctx = release_ctx;
  p->ctx = ctx;
  p->done = false;
  qv_error_clear(&p->error);
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_get_last_error;
  out->release = stream_release;
  out->private_data = p;
  return QV_OK;
}

typedef struct table_source {
  qv_table *table;
  int64_t next;
} table_source;

static qv_status table_next(void *ctx, qv_batch **out, qv_error *err) {
  (void)err;
  table_source *t = ctx;
  *out = t->next < t->table->n_batches ? qv_batch_retain(t->table->batches[t->next++]) : NULL;
  return QV_OK;
}

static void table_release(void *ctx) {
  table_source *t = ctx;
  qv_table_release(t->table);
  free(t);
}

QV_API qv_status qv_table_export_stream(qv_table *table, struct ArrowArrayStream *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_export_stream: out is NULL");
  out->release = NULL;
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_table_export_stream: table is NULL");
  table_source *t = malloc(sizeof *t);
  if (t == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "exporting a table stream: out of memory");
  t->table = qv_table_retain(table);
  t->next = 0;
  qv_status st = qv_stream_export(table->schema, table_next, table_release, t, out, err);
  if (st != QV_OK) table_release(t);
  return st;
}

/* ---- import ---- */

struct qv_stream_reader {
  struct ArrowArrayStream stream; /* moved producer stream */
  qv_schema *schema;
  bool done;
};

static qv_status producer_error(struct ArrowArrayStream *s, int code, const char *call, qv_error *err) {
  const char *msg = s->get_last_error != NULL ? s->get_last_error(s) : NULL;
  return qv_error_set(err, qv__cdata_errno_to_status(code), "ArrowArrayStream.%s failed with errno %d: %s", call, code,
                      msg != NULL ? msg : "(no message)");
}

QV_API qv_status qv_stream_import(struct ArrowArrayStream *stream, qv_stream_reader **out, qv_error *err) {
  if (stream == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_stream_import: stream is NULL");
  if (stream->release == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowArrayStream is released (release == NULL)");
  qv_status st = QV_OK;
  struct ArrowArrayStream local = *stream;
  stream->release = NULL;
  qv_stream_reader *r = NULL;
  if (out == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_stream_import: out is NULL");
    goto fail;
  }
  *out = NULL;
  if (local.get_schema == NULL || local.get_next == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowArrayStream has a NULL %s callback",
                      local.get_schema == NULL ? "get_schema" : "get_next");
    goto fail;
  }
  r = malloc(sizeof *r);
  if (r == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing a stream: out of memory");
    goto fail;
  }
  r->stream = local;
  r->schema = NULL;
  r->done = false;
  local.release = NULL; /* now owned by r */
  struct ArrowSchema schema;
  memset(&schema, 0, sizeof schema);
  int code = r->stream.get_schema(&r->stream, &schema);
  if (code != 0) {
    st = producer_error(&r->stream, code, "get_schema", err);
    goto fail;
  }
  st = qv_schema_import(&schema, &r->schema, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "stream schema: ");
    goto fail;
  }
  *out = r;
  return QV_OK;
fail:
  if (local.release != NULL) local.release(&local);
  qv_stream_reader_release(r);
  return st;
}

QV_API qv_schema *qv_stream_reader_schema(const qv_stream_reader *reader) {
  return reader != NULL ? reader->schema : NULL;
}

QV_API qv_status qv_stream_reader_next(qv_stream_reader *reader, qv_batch **out, qv_error *err) {
  if (out == NULL || reader == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_stream_reader_next: %s is NULL", out == NULL ? "out" : "reader");
  *out = NULL;
  if (reader->done) return QV_OK;
  struct ArrowArray array;
  memset(&array, 0, sizeof array);
  int code = reader->stream.get_next(&reader->stream, &array);
  if (code != 0) {
    /* A misbehaving producer may have filled `array` anyway; we own it then. */
    if (array.release != NULL) array.release(&array);
    return producer_error(&reader->stream, code, "get_next", err);
  }
  if (array.release == NULL) {
    reader->done = true;
    return QV_OK;
  }
  return qv_batch_import(&array, reader->schema, out, err);
}

QV_API void qv_stream_reader_release(qv_stream_reader *reader) {
  if (reader == NULL) return;
  if (reader->stream.release != NULL) reader->stream.release(&reader->stream);
  qv_schema_release(reader->schema);
  free(reader);
}
