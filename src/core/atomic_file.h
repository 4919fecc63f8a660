/* quiver core: atomic file output, shared by every writer that takes a
 * path (the IPC writer, the integration-JSON writer). Internal header; the
 * design is described in atomic_file.c.
 */
#ifndef QV_CORE_ATOMIC_FILE_H
#define QV_CORE_ATOMIC_FILE_H

#include <stdbool.h>

#include "quiver/status.h"

typedef struct qv__atomic_file {
  char *path;     /* the destination (a symlink resolved to its target) */
  char *tmp_path; /* the sibling temporary; NULL when direct, committed or discarded */
  int fd;         /* where to write: the temporary, or the destination when direct; -1 once closed */
  bool direct;    /* the destination is not a regular file (a FIFO, /dev/stdout): written in place */
  int slot;       /* this file's slot in the signal-cleanup registry, -1 if none */
  int64_t written;   /* bytes written to the temporary so far */
  int64_t flushed;   /* bytes whose write-back to the disk has been started */
} qv__atomic_file;

/* Opens `path` for atomic output: creates the sibling temporary (or opens
 * a non-regular destination in place). On error nothing is left behind and
 * f needs no discard. */
qv_status qv__atomic_file_open(qv__atomic_file *f, const char *path, qv_error *err);

/* fsync, close, rename over the destination, fsync the directory (direct:
 * close only). On failure the temporary is removed and the destination is
 * as it was (unless only the directory fsync failed: the new file is then
 * in place). f is finished either way (discard is still allowed). */
qv_status qv__atomic_file_commit(qv__atomic_file *f, qv_error *err);

/* Closes and removes the temporary (the destination is untouched) and frees
 * f's strings. Safe on a committed, discarded or zeroed-and-fd=-1 file. */
void qv__atomic_file_discard(qv__atomic_file *f);

/* Writes all n bytes to f->fd (EINTR retried). QV_ERR_IO naming the errno
 * (ENOSPC...) and the destination on failure. */
qv_status qv__atomic_file_write(qv__atomic_file *f, const void *data, size_t n, qv_error *err);

#endif
