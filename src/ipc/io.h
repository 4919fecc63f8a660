/* quiver IPC: the operating-system side of reading and writing (fds, mmap,
 * growable memory). Internal header.
 *
 * Writers talk to a qv_io_sink (an fd, a growing memory region, or a user
 * callback) through qv__io_sink_writev, so message bodies go from the arrays'
 * buffers to the destination without an intermediate copy (writev on fds).
 * A failed write makes the sink "broken": every later write returns the
 * same error (no footer or EOS after a failed write).
 */
#ifndef QV_IPC_IO_H
#define QV_IPC_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "quiver/memory.h"
#include "quiver/status.h"

#include "core/internal.h" /* qv__sticky */

/* ---- whole-file and whole-fd input ---- */

/* Maps `path` read-only into *out; releasing the last reference (including
 * views of it, e.g. arrays read from the file) unmaps it. An empty file
 * gives an empty buffer. Non-regular files (pipes, ttys) are read into
 * memory instead. Errors: QV_ERR_IO with the path and errno text. */
qv_status qv__io_map_path(const char *path, qv_buffer **out, qv_error *err);
/* Same for an open fd (the fd stays owned by the caller). */
qv_status qv__io_map_fd(int fd, qv_buffer **out, qv_error *err);

/* Like qv__io_map_path, and when the file is a non-empty regular file (so
 * *out is a mapping of it) *fd_out receives its open fd, which the caller
 * closes; otherwise *fd_out is -1. Readers use the fd to pread message
 * headers, so that reading them does not fault the mapping's pages in
 * (each fault reads ahead up to 64 KiB, which over a file of many small
 * batches would make the whole file resident). */
qv_status qv__io_map_path_keep_fd(const char *path, qv_buffer **out, int *fd_out, qv_error *err);

/* Drops the page-table entries of the whole pages inside
 * map[offset, offset + len) when `map` is a mapping made by
 * qv__io_map_path / qv__io_map_fd (read-only, private, of a regular file):
 * the pages stay in the page cache and a later access maps them again with
 * the same bytes (nothing ever wrote to them), so views of the mapping stay
 * valid. A reader calls it on bytes it has decoded and will not read again,
 * which keeps the process's resident set to what it is decoding and spares
 * the final munmap the walk over every page ever touched. Anything else
 * (an in-memory copy, borrowed or anonymous memory, where dropping pages
 * would lose the bytes) is left alone. */
void qv__io_map_forget(const qv_buffer *map, int64_t offset, int64_t len);

/* Reads exactly n bytes at `offset` (pread: the fd's position is not
 * used or moved). A short file is QV_ERR_IO. */
qv_status qv__io_pread_full(int fd, void *dst, size_t n, int64_t offset, qv_error *err);

/* Reads fd until end of file into a new buffer (grown geometrically, read
 * in chunks). */
qv_status qv__io_read_all(int fd, qv_buffer **out, qv_error *err);

/* Reads up to n bytes into dst, retrying EINTR and short reads; *got is
 * less than n only at end of file. */
qv_status qv__io_read_full(int fd, void *dst, size_t n, size_t *got, qv_error *err);

/* ---- output ---- */

/* User write callback: write all n bytes or fail (return non-QV_OK and set
 * err). */
typedef qv_status (*qv_io_write_fn)(void *ctx, const void *data, size_t n, qv_error *err);

typedef enum {
  QV_IO_SINK_FD = 1,
  QV_IO_SINK_MEMORY = 2,
  QV_IO_SINK_CALLBACK = 3,
  QV_IO_SINK_PIECES = 4 /* a qv_ipc_pieces (pieces.h): copies scratch, references array buffers */
} qv_io_sink_kind;

struct qv_ipc_pieces;
struct qv_buffer_index;

typedef struct qv_io_sink {
  qv_io_sink_kind kind;
  int fd;                  /* QV_IO_SINK_FD: borrowed */
  int fd_type;             /* QV_IO_SINK_FD: 0 file/other, 1 socket (MSG_NOSIGNAL), 2 pipe (SIGPIPE blocked) */
  qv_io_write_fn write_fn; /* QV_IO_SINK_CALLBACK */
  void *write_ctx;
  uint8_t *mem;            /* QV_IO_SINK_MEMORY: the region (malloc or mmap) */
  size_t mem_size;         /* bytes written to mem */
  size_t mem_cap;          /* bytes reserved at mem */
  bool mem_mapped;         /* mem came from mmap (large regions) */
  struct qv_ipc_pieces *pieces; /* QV_IO_SINK_PIECES: output since the last take (NULL: none yet) */
  int64_t position;        /* bytes written through this sink */
  qv__sticky broken;       /* the first failure (code QV_OK while healthy) */
} qv_io_sink;

void qv__io_sink_init_fd(qv_io_sink *s, int fd);
void qv__io_sink_init_memory(qv_io_sink *s);
void qv__io_sink_init_callback(qv_io_sink *s, qv_io_write_fn fn, void *ctx);
void qv__io_sink_init_pieces(qv_io_sink *s);
/* Memory sinks: reserve room for `extra` more bytes (a hint; no-op for
 * other kinds). */
qv_status qv__io_sink_reserve(qv_io_sink *s, size_t extra, qv_error *err);
/* Writes every iovec in order (total bytes `total`, or 0 to compute). The
 * iov array may be modified (partial writes advance it). */
qv_status qv__io_sink_writev(qv_io_sink *s, struct iovec *iov, int iovcnt, qv_error *err);
qv_status qv__io_sink_write(qv_io_sink *s, const void *data, size_t n, qv_error *err);
/* qv__io_sink_writev, except that a pieces sink references (instead of
 * copying) the ranges that lie inside a buffer of `ix`. */
qv_status qv__io_sink_writev_refs(qv_io_sink *s, struct iovec *iov, int iovcnt, const struct qv_buffer_index *ix,
                                 qv_error *err);
/* Pieces sinks: hands what was written since the last take to *out (an
 * empty object if nothing was) and starts afresh. */
qv_status qv__io_sink_take_pieces(qv_io_sink *s, struct qv_ipc_pieces **out, qv_error *err);
/* Memory sinks: hands the bytes written so far to *out as one buffer and
 * empties the sink. */
qv_status qv__io_sink_take(qv_io_sink *s, qv_buffer **out, qv_error *err);
/* Frees a memory sink's region or a pieces sink's pieces (not the fd). */
void qv__io_sink_free(qv_io_sink *s);

#endif
