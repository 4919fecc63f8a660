/* quiver IPC: opening and closing writers (fd, memory, callback, atomic
 * path) and the one-call write functions.
 *
 * Path output is atomic: bytes go to a sibling temporary file created with
 * O_EXCL (so a concurrent writer never shares it), named
 * "<destination>.qv-tmp-<pid>-<counter>" in the destination's directory (so
 * the rename cannot cross file systems); close fsyncs it, closes it
 * (checking the result: NFS reports write errors there), renames it over
 * the destination and fsyncs the directory. Any failure (a write, the
 * fsync, the close, the rename; see qv_writer_fail), or freeing an
 * unclosed writer, unlinks the temporary at once and leaves the
 * destination as it was; the temporary takes the permission bits of the
 * file it replaces. Only a process killed outright (SIGKILL, power loss)
 * can leave a stray "*.qv-tmp-*" behind, never a torn destination: the
 * destination always holds the old file or the complete new one. A
 * failure of the final directory fsync is reported, but the new file is
 * then already in place. A symlink destination keeps its link (its target
 * is replaced); a destination that is not a regular file (/dev/stdout,
 * /dev/null, a FIFO) cannot be replaced and is written in place, never
 * renamed over.
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
  w->own_fd = -1;
  *out = w;
  return QV_OK;
}

void qv_ipc_writer_free(qv_ipc_writer *w) {
  if (w == NULL) return;
  if (w->own_fd >= 0) close(w->own_fd);
  if (w->tmp_path) unlink(w->tmp_path);
  qv__free(w->tmp_path);
  qv__free(w->path);
  qv_io_sink_free(&w->sink);
  qv_fb_builder_free(&w->fb);
  qv_body_plan_free(&w->plan);
  qv_codec_ctx_free(&w->codec);
  qv_dict_memo_free(&w->memo);
  qv__free(w->iov);
  qv__buffer_index_free(&w->body_buffers);
  qv__free(w->dict_blocks.items);
  qv__free(w->batch_blocks.items);
  qv_schema_release(w->schema);
  qv__free(w);
}

static qv_status start_or_free(qv_ipc_writer *w, qv_ipc_format format, qv_schema *schema,
                               const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  qv_status st = qv_writer_start(w, format, schema, opts, err);
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
  qv_io_sink_init_fd(&w->sink, fd);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_memory(qv_ipc_format format, qv_schema *schema, const qv_ipc_write_options *opts,
                                    qv_ipc_writer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_memory: out is NULL");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv_io_sink_init_memory(&w->sink);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_pieces(qv_ipc_format format, qv_schema *schema, const qv_ipc_write_options *opts,
                                    qv_ipc_writer **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_pieces: out is NULL");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv_io_sink_init_pieces(&w->sink);
  return start_or_free(w, format, schema, opts, out, err);
}

qv_status qv_ipc_writer_open_callback(qv_ipc_write_fn fn, void *ctx, qv_ipc_format format, qv_schema *schema,
                                      const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  if (out == NULL || fn == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_callback: %s is NULL", out ? "fn" : "out");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv_io_sink_init_callback(&w->sink, fn, ctx);
  return start_or_free(w, format, schema, opts, out, err);
}

/* Opens a destination that is not a regular file (a device such as
 * /dev/stdout, a FIFO): written in place, since it cannot be replaced. */
static qv_status open_direct(qv_ipc_writer *w, const char *path, qv_error *err) {
  int fd;
  do {
    fd = open(path, O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int e = errno;
    return qv_error_set(err, QV_ERR_IO, "cannot open '%s' for writing: %s (errno %d)", path, strerror(e), e);
  }
  w->own_fd = fd;
  w->direct = true;
  return QV_OK;
}

/* Creates the sibling temporary of w->path with O_EXCL; `mode` (the
 * replaced file's permission bits, or -1) is applied to it. */
static qv_status open_temp(qv_ipc_writer *w, int mode, qv_error *err) {
  size_t n = strlen(w->path) + 64;
  w->tmp_path = (char *)qv__malloc(n);
  if (w->tmp_path == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory opening '%s'", w->path);
  static unsigned counter;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    snprintf(w->tmp_path, n, "%s.qv-tmp-%ld-%u", w->path, (long)getpid(), c);
    do {
      fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int e = errno;
    qv__free(w->tmp_path);
    w->tmp_path = NULL;
    return qv_error_set(err, QV_ERR_IO, "cannot create a temporary file next to '%s': %s (errno %d)", w->path,
                        strerror(e), e);
  }
  w->own_fd = fd;
  if (mode >= 0) (void)fchmod(fd, (mode_t)mode); /* best effort: the umask'd default is still a valid file */
  return QV_OK;
}

qv_status qv_ipc_writer_open_path(const char *path, qv_ipc_format format, qv_schema *schema,
                                  const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err) {
  if (out == NULL || path == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_open_path: %s is NULL", out ? "path" : "out");
  *out = NULL;
  qv_ipc_writer *w = NULL;
  QV_RETURN_IF_ERROR(writer_alloc(&w, err));
  qv_status st = QV_OK;
  struct stat sb;
  bool exists = stat(path, &sb) == 0;
  if (exists && !S_ISREG(sb.st_mode)) {
    if (S_ISDIR(sb.st_mode))
      st = qv_error_set(err, QV_ERR_IO, "cannot write to '%s': it is a directory", path);
    else
      st = open_direct(w, path, err);
  } else {
    /* A symlink is kept: the file it points to is the one replaced. */
    char *real = realpath(path, NULL);
    w->path = real ? qv__strdup(real) : qv__strdup(path);
    free(real);
    if (w->path == NULL)
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory opening '%s'", path);
    else
      st = open_temp(w, exists ? (int)(sb.st_mode & 07777) : -1, err);
  }
  if (st != QV_OK) {
    qv_ipc_writer_free(w);
    return st;
  }
  qv_io_sink_init_fd(&w->sink, w->own_fd);
  return start_or_free(w, format, schema, opts, out, err);
}

/* Fails the writer (sticky; the temporary is unlinked) with errno's text. */
static qv_status io_fail(qv_ipc_writer *w, const char *what, const char *name, qv_error *err) {
  int e = errno;
  qv_error local;
  if (err == NULL) err = &local;
  qv_error_set(err, QV_ERR_IO, "%s '%s' failed: %s (%s, errno %d)", what, name, strerror(e), qv__errno_name(e), e);
  return qv_writer_fail(w, QV_ERR_IO, err);
}

/* fsync, close, rename into place, fsync the directory. */
static qv_status commit_path(qv_ipc_writer *w, qv_error *err) {
  int rc;
  do {
    rc = fsync(w->own_fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return io_fail(w, "fsync of", w->tmp_path, err);
  int fd = w->own_fd;
  w->own_fd = -1;
  /* Linux closes the fd even when close fails; EINTR is no data loss here
   * since the data was fsync'd above. */
  if (close(fd) != 0 && errno != EINTR) return io_fail(w, "close of", w->tmp_path, err);
  if (rename(w->tmp_path, w->path) != 0) return io_fail(w, "rename to", w->path, err);
  qv__free(w->tmp_path);
  w->tmp_path = NULL; /* now the destination: never unlink it */
  const char *slash = strrchr(w->path, '/');
  char *dir = slash ? qv__strndup(w->path, slash == w->path ? 1 : (size_t)(slash - w->path)) : qv__strdup(".");
  if (dir == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  qv_status st = QV_OK;
  /* EINVAL: the file system cannot sync directories (nothing to wait for). */
  if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) st = io_fail(w, "fsync of directory", dir, err);
  if (dfd >= 0) close(dfd);
  qv__free(dir);
  return st;
}

qv_status qv_ipc_writer_close(qv_ipc_writer *w, qv_error *err) {
  if (w == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_close: writer is NULL");
  QV_RETURN_IF_ERROR(qv_writer_finish_stream(w, err));
  if (w->own_fd >= 0 && w->direct) {
    int fd = w->own_fd;
    w->own_fd = -1;
    if (close(fd) != 0 && errno != EINTR) return io_fail(w, "close of", "output", err);
    return QV_OK;
  }
  if (w->own_fd >= 0) return commit_path(w, err);
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
  return qv_io_sink_take(&w->sink, out, err);
}

qv_status qv_ipc_writer_take_pieces(qv_ipc_writer *w, qv_ipc_pieces **out, qv_error *err) {
  if (w == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_pieces: %s is NULL", w ? "out" : "writer");
  *out = NULL;
  if (w->sink.kind != QV_IO_SINK_PIECES)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_take_pieces: not a pieces writer");
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the writer failed earlier: ", err);
  return qv_io_sink_take_pieces(&w->sink, out, err);
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
