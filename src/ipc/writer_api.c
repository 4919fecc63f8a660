/* quiver IPC: opening and closing writers (fd, memory, callback, atomic
 * path) and the one-call write functions.
 *
 * Path output is atomic, through core/atomic_file.c (shared with the JSON
 * writer, which describes the mechanism): bytes go to a sibling temporary
 * file that close fsyncs and renames over the destination. Any failure (a
 * write, the fsync, the close, the rename; see qv__writer_fail), or freeing
 * an unclosed writer, unlinks the temporary at once and leaves the
 * destination as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "ipc/writer.h"

static qv_status writer_alloc(qv_ipc_writer **out, qv_error *err) {
  qv_ipc_writer *w = (qv_ipc_writer *)qv__calloc(1, sizeof *w);
  QV_CHECK_ALLOC(w, err);
  w->file.fd = -1;
  w->file.slot = -1;
  *out = w;
  return QV_OK;
}

void qv_ipc_writer_free(qv_ipc_writer *w) {
  if (w == NULL) return;
  qv__atomic_file_discard(&w->file);
  qv__io_sink_free(&w->sink);
  qv__fb_builder_free(&w->fb);
  qv__body_plan_free(&w->plan);
  qv__codec_ctx_free(&w->codec);
  qv__dict_memo_free(&w->memo);
  qv__free(w->iov);
  qv__buffer_index_free(&w->body_buffers);
  qv__free(w->dict_blocks.items);
  qv__free(w->batch_blocks.items);
  qv_schema_release(w->schema);
  qv__free(w);
}

static qv_status start_or_free(qv_ipc_writer *w, qv_ipc_format format, qv_schema *schema,
                               const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  qv_status st = qv__writer_start(w, format, schema, opts, err);
  if (st != QV_OK) {
    qv_ipc_writer_free(w);
    return st;
  }
  *out = w;
  return QV_OK;
}

qv_status qv_ipc_writer_open_fd(int fd, qv_ipc_format format, qv_schema *schema, const qv_ipc_write_options *opts,
                                qv_ipc_writer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_fd: out is NULL");
  *out = NULL;
  if (fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_fd: bad fd %d", fd);
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv__io_sink_init_fd(&w->sink, fd);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_memory(qv_ipc_format format, qv_schema *schema, const qv_ipc_write_options *opts,
                                    qv_ipc_writer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_memory: out is NULL");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv__io_sink_init_memory(&w->sink);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_pieces(qv_ipc_format format, qv_schema *schema, const qv_ipc_write_options *opts,
                                    qv_ipc_writer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_pieces: out is NULL");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv__io_sink_init_pieces(&w->sink);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_callback(qv_ipc_write_fn fn, void *ctx, qv_ipc_format format, qv_schema *schema,
                                      const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  if (out == NULL || fn == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_callback: %s is NULL", out ? "fn" : "out");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv__io_sink_init_callback(&w->sink, fn, ctx);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_path(const char *path, qv_ipc_format format, qv_schema *schema,
                                  const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  if (out == NULL || path == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_path: %s is NULL", out ? "path" : "out");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv_status st = qv__atomic_file_open(&w->file, path, err);
  if (st != QV_OK) {
    qv_ipc_writer_free(w);
    return st;
  }
  qv__io_sink_init_fd(&w->sink, w->file.fd);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_close(qv_ipc_writer *w, qv_error *err) {
  if (w == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_close: writer is NULL");
  QV_RETURN_IF_ERROR(qv__writer_finish_stream(w, err));
  if (w->file.fd < 0) return QV_OK;
  qv_status st = qv__atomic_file_commit(&w->file, err);
  if (st != QV_OK) return qv__writer_fail(w, st, err);
  return QV_OK;
}

qv_status qv_ipc_writer_take_buffer(qv_ipc_writer *w, qv_buffer **out, qv_error *err) {
  if (w == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_buffer: %s is NULL", w ? "out" : "writer");
  *out = NULL;
  if (w->sink.kind != QV_IO_SINK_MEMORY)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_buffer: not a memory writer");
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the writer failed earlier: ", err);
  if (!w->closed)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_buffer: close the writer first");
  return qv__io_sink_take(&w->sink, out, err);
}

qv_status qv_ipc_writer_take_pieces(qv_ipc_writer *w, qv_ipc_pieces **out, qv_error *err) {
  if (w == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_pieces: %s is NULL", w ? "out" : "writer");
  *out = NULL;
  if (w->sink.kind != QV_IO_SINK_PIECES)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_pieces: not a pieces writer");
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the writer failed earlier: ", err);
  return qv__io_sink_take_pieces(&w->sink, out, err);
}

/* ---- one-call writes ---- */

static qv_status write_all(qv_ipc_writer *w, const qv_table *table, qv_error *err) {
  qv_status st = qv_ipc_writer_write_table(w, table, err);
  if (st == QV_OK) st = qv_ipc_writer_close(w, err);
  return st;
}

qv_status qv_ipc_write_path(const char *path, qv_ipc_format format, const qv_table *table,
                            const qv_ipc_write_options *opts, qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_write_path: table is NULL");
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_path(path, format, table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  qv_ipc_writer_free(w);
  return st;
}

qv_status qv_ipc_write_fd(int fd, qv_ipc_format format, const qv_table *table, const qv_ipc_write_options *opts,
                          qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_write_fd: table is NULL");
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_fd(fd, format, table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  qv_ipc_writer_free(w);
  return st;
}

qv_status qv_ipc_write_buffer(qv_ipc_format format, const qv_table *table, const qv_ipc_write_options *opts,
                              qv_buffer **out, qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_write_buffer: %s is NULL", out ? "table" : "out");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_memory(format, table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  if (st == QV_OK) st = qv_ipc_writer_take_buffer(w, out, err);
  qv_ipc_writer_free(w);
  return st;
}

qv_status qv_ipc_write_stream_fd(int fd, const qv_table *table, const qv_ipc_write_options *opts, qv_error *err) {
  return qv_ipc_write_fd(fd, QV_IPC_FORMAT_STREAM, table, opts, err);
}

qv_status qv_ipc_write_stream_buffer(const qv_table *table, const qv_ipc_write_options *opts, qv_buffer **out,
                                     qv_error *err) {
  return qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, table, opts, out, err);
}

qv_status qv_ipc_write_stream_path(const char *path, const qv_table *table, const qv_ipc_write_options *opts,
                                   qv_error *err) {
  return qv_ipc_write_path(path, QV_IPC_FORMAT_STREAM, table, opts, err);
}

qv_status qv_ipc_write_file_path(const char *path, const qv_table *table, const qv_ipc_write_options *opts,
                                 qv_error *err) {
  return qv_ipc_write_path(path, QV_IPC_FORMAT_FILE, table, opts, err);
}

qv_status qv_ipc_write_file_buffer(const qv_table *table, const qv_ipc_write_options *opts, qv_buffer **out,
                                   qv_error *err) {
  return qv_ipc_write_buffer(QV_IPC_FORMAT_FILE, table, opts, out, err);
}
