/* quiver core: atomic file output, the one mechanism behind every writer
 * that takes a path (IPC streams and files, integration JSON).
 *
 * Bytes go to a sibling temporary file created with O_EXCL (so a
 * concurrent writer never shares it), named
 * "<destination>.qv-tmp-<pid>-<counter>" in the destination's directory (so
 * the rename cannot cross file systems); commit fsyncs it, closes it
 * (checking the result: NFS reports write errors there), renames it over
 * the destination and fsyncs the directory. Any failure, or discarding an
 * uncommitted file, unlinks the temporary at once and leaves the
 * destination as it was; the temporary takes the permission bits of the
 * file it replaces. A symlink destination keeps its link (its target is
 * replaced); a destination that is not a regular file (/dev/stdout,
 * /dev/null, a FIFO) cannot be replaced and is written in place.
 *
 * Signals: every open temporary is also listed in a small process-wide
 * registry (fixed slots, lock-free), which qv_atomic_files_discard empties
 * by unlinking each one, so a program's SIGINT/SIGTERM/SIGHUP handler can
 * remove them (unlink is async-signal-safe; nothing here allocates or
 * locks). Only a process killed outright (SIGKILL, power loss) can leave a
 * stray "*.qv-tmp-*" behind, never a torn destination: the destination
 * always holds the old file or the complete new one. A failure of the final
 * directory fsync is reported, but the new file is then already in place.
 *
 * Write-back: on Linux every WRITEBACK_STEP bytes written to the temporary
 * are handed to the disk at once (sync_file_range, which starts the
 * write-back and does not wait for it), so the disk works while the writer
 * formats the next bytes and the final fsync only waits for the tail: for a
 * large file that fsync would otherwise take as long again as writing it.
 */
#include "core/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "quiver/atomic_file.h"

/* ---- the signal-cleanup registry ---- */

#define REGISTRY_SLOTS 64
static char *registry[REGISTRY_SLOTS];

/* A full registry only loses the signal cleanup of this file. */
static int registry_add(char *tmp_path) {
  for (int i = 0; i < REGISTRY_SLOTS; i++) {
    char *expected = NULL;
    if (__atomic_compare_exchange_n(&registry[i], &expected, tmp_path, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
      return i;
  }
  return -1;
}

static void registry_remove(qv__atomic_file *f) {
  if (f->slot >= 0) {
    char *expected = f->tmp_path;
    __atomic_compare_exchange_n(&registry[f->slot], &expected, NULL, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
  f->slot = -1;
}

void qv_atomic_files_discard(void) {
  int saved = errno;
  for (int i = 0; i < REGISTRY_SLOTS; i++) {
    char *p = __atomic_exchange_n(&registry[i], NULL, __ATOMIC_SEQ_CST);
    if (p) unlink(p);
  }
  errno = saved;
}

/* ---- opening ---- */

/* QV_ERR_IO "<what> '<name>' failed: <strerror> (ENOSPC, errno 28)". */
static qv_status io_error(int e, const char *what, const char *name, qv_error *err) {
  return qv_error_set(err, QV_ERR_IO, "%s '%s' failed: %s (%s, errno %d)", what, name, strerror(e), qv__errno_name(e), e);
}

static qv_status open_direct(qv__atomic_file *f, const char *path, qv_error *err) {
  int fd;
  do {
    fd = open(path, O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int e = errno;
    return qv_error_set(err, QV_ERR_IO, "cannot open '%s' for writing: %s (errno %d)", path, strerror(e), e);
  }
  f->path = qv__strdup(path); /* for messages; NULL (out of memory) falls back to "output" */
  f->fd = fd;
  f->direct = true;
  return QV_OK;
}

/* Creates the sibling temporary of f->path with O_EXCL; `mode` (the
 * replaced file's permission bits, or -1) is applied to it. */
static qv_status open_temp(qv__atomic_file *f, int mode, qv_error *err) {
  size_t n = strlen(f->path) + 64;
  f->tmp_path = (char *)qv__malloc(n);
  if (f->tmp_path == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory opening '%s'", f->path);
  static unsigned counter;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    snprintf(f->tmp_path, n, "%s.qv-tmp-%ld-%u", f->path, (long)getpid(), c);
    do {
      fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    int e = errno;
    qv__free(f->tmp_path);
    f->tmp_path = NULL;
    return qv_error_set(err, QV_ERR_IO, "cannot create a temporary file next to '%s': %s (errno %d)", f->path,
                        strerror(e), e);
  }
  f->fd = fd;
  f->slot = registry_add(f->tmp_path);
  if (mode >= 0) (void)fchmod(fd, (mode_t)mode); /* best effort: the umask'd default is still a valid file */
  return QV_OK;
}

qv_status qv__atomic_file_open(qv__atomic_file *f, const char *path, qv_error *err) {
  memset(f, 0, sizeof *f);
  f->fd = -1;
  f->slot = -1;
  if (path == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "the output path is NULL");
  struct stat sb;
  bool exists = stat(path, &sb) == 0;
  qv_status st;
  if (exists && S_ISDIR(sb.st_mode)) return qv_error_set(err, QV_ERR_IO, "cannot write to '%s': it is a directory", path);
  if (exists && !S_ISREG(sb.st_mode)) {
    st = open_direct(f, path, err);
  } else {
    /* A symlink is kept: the file it points to is the one replaced. */
    char *real = realpath(path, NULL);
    f->path = real ? qv__strdup(real) : qv__strdup(path);
    free(real);
    if (f->path == NULL)
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory opening '%s'", path);
    else
      st = open_temp(f, exists ? (int)(sb.st_mode & 07777) : -1, err);
  }
  if (st != QV_OK) qv__atomic_file_discard(f);
  return st;
}

/* ---- writing and finishing ---- */

#define WRITEBACK_STEP (INT64_C(8) << 20)

/* Starts the disk write-back of what was written since the last start
 * (best effort: on failure the final fsync still does it all). */
static void start_writeback(qv__atomic_file *f) {
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
  if (f->direct || f->written - f->flushed < WRITEBACK_STEP) return;
  (void)sync_file_range(f->fd, f->flushed, f->written - f->flushed, SYNC_FILE_RANGE_WRITE);
  f->flushed = f->written;
#else
  (void)f;
#endif
}

qv_status qv__atomic_file_write(qv__atomic_file *f, const void *data, size_t n, qv_error *err) {
  const char *p = (const char *)data;
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(f->fd, p + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      qv_status st = io_error(errno, "write to", f->tmp_path ? f->tmp_path : (f->path ? f->path : "output"), err);
      qv_error_prefix(err, "after %zu bytes: ", done);
      return st;
    }
    done += (size_t)w;
  }
  f->written += (int64_t)n;
  start_writeback(f);
  return QV_OK;
}

void qv__atomic_file_discard(qv__atomic_file *f) {
  if (f == NULL) return;
  if (f->fd >= 0) close(f->fd);
  f->fd = -1;
  if (f->tmp_path) {
    unlink(f->tmp_path);
    registry_remove(f);
    qv__free(f->tmp_path);
    f->tmp_path = NULL;
  }
  qv__free(f->path);
  f->path = NULL;
}

static qv_status commit_fail(qv__atomic_file *f, const char *what, const char *name, qv_error *err) {
  int e = errno;
  qv_status st = io_error(e, what, name, err);
  qv__atomic_file_discard(f);
  return st;
}

qv_status qv__atomic_file_commit(qv__atomic_file *f, qv_error *err) {
  if (f->direct) {
    int fd = f->fd;
    f->fd = -1;
    qv_status st = QV_OK;
    if (fd >= 0 && close(fd) != 0 && errno != EINTR) st = io_error(errno, "close of", f->path ? f->path : "output", err);
    qv__free(f->path);
    f->path = NULL;
    return st;
  }
  if (f->fd < 0 || f->tmp_path == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "the output file is already finished");
  int rc;
  do {
    rc = fsync(f->fd);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return commit_fail(f, "fsync of", f->tmp_path, err);
  int fd = f->fd;
  f->fd = -1;
  /* Linux closes the fd even when close fails; EINTR is no data loss here
   * since the data was fsync'd above. */
  if (close(fd) != 0 && errno != EINTR) return commit_fail(f, "close of", f->tmp_path, err);
  if (rename(f->tmp_path, f->path) != 0) return commit_fail(f, "rename to", f->path, err);
  /* Now the destination: never unlink it. Deregistered after the rename,
   * so a signal in between only unlinks a name that no longer exists. */
  registry_remove(f);
  qv__free(f->tmp_path);
  f->tmp_path = NULL;
  const char *slash = strrchr(f->path, '/');
  char *dir = slash ? qv__strndup(f->path, slash == f->path ? 1 : (size_t)(slash - f->path)) : qv__strdup(".");
  if (dir == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  qv_status st = QV_OK;
  /* EINVAL: the file system cannot sync directories (nothing to wait for). */
  if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) st = io_error(errno, "fsync of directory", dir, err);
  if (dfd >= 0) close(dfd);
  qv__free(dir);
  return st;
}
