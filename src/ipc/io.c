/* quiver IPC: fds, mmap and growable memory for readers and writers.
 *
 * Invariants:
 *   - every read/write retries EINTR and completes short transfers; a
 *     failure reports the fd or path, the bytes done so far and errno text;
 *   - a sink that failed once stays failed (sticky), so a writer can never
 *     append an EOS or footer after a lost write;
 *   - write errors name the errno symbolically and by number ("No space
 *     left on device (ENOSPC, errno 28)"), so ENOSPC, EDQUOT, EPIPE, EIO
 *     and EFBIG are recognisable in the message; a non-blocking fd that
 *     returns EAGAIN is waited on with poll() and the write completed;
 *   - writing to a pipe whose reader is gone returns QV_ERR_IO (EPIPE)
 *     instead of killing the process, without ever changing the process's
 *     signal dispositions: sockets use sendmsg(MSG_NOSIGNAL); pipes and
 *     FIFOs block SIGPIPE in the calling thread (pthread_sigmask) around
 *     the writev, and when the writev failed with EPIPE the SIGPIPE it
 *     raised (thread-directed, hence pending on this thread while blocked)
 *     is consumed with a zero-timeout sigtimedwait before the old mask is
 *     restored (also after a short write: a reader that leaves during a
 *     writev makes it return a short count and still raise SIGPIPE). A
 *     SIGPIPE that was already pending before the write (the application
 *     blocks SIGPIPE itself) is left alone for the application. The one
 *     imprecision: a process-directed SIGPIPE sent by someone else while
 *     our write is failing with EPIPE is consumed with ours. Other signals
 *     are not blocked, so EINTR and short writes still happen and are
 *     handled by the retry loop;
 *   - the region cache below is one atomic pointer: a region is owned by
 *     exactly one sink or buffer at a time (exchange hands it over), so
 *     threads writing and releasing outputs concurrently never share one;
 *   - a mapped file is a foreign qv_buffer whose release unmaps it, so it
 *     lives exactly as long as the last array that references it;
 *   - large memory sinks are mmap'd with MADV_HUGEPAGE and grown with
 *     mremap, so growth never copies and first-touch costs stay low; the
 *     last released region is kept for reuse (see region_release).
 */
#include "ipc/io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "ipc/pieces.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* Memory sinks switch from malloc to mmap at this size. */
#define MMAP_THRESHOLD ((size_t)1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

/* ---------------------------------------------------------------- input */

static void unmap_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  if (data != NULL && size > 0) munmap((void *)(uintptr_t)data, (size_t)size);
}

qv_status qv__io_read_full(int fd, void *dst, size_t n, size_t *got, qv_error *err) {
  size_t done = 0;
  while (done < n) {
    size_t want = n - done;
    if (want > ((size_t)1 << 30)) want = (size_t)1 << 30;
    ssize_t r = read(fd, (uint8_t *)dst + done, want);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      *got = done;
      return qv_error_set(err, QV_ERR_IO, "read from fd %d failed after %zu bytes: %s (errno %d)", fd, done,
                          strerror(e), e);
    }
    if (r == 0) break;
    done += (size_t)r;
  }
  *got = done;
  return QV_OK;
}

qv_status qv__io_read_all(int fd, qv_buffer **out, qv_error *err) {
  *out = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, 0, false, &buf, err));
  qv_status st = QV_OK;
  int64_t size = 0;
  for (;;) {
    if (buf->capacity - size < 65536) {
      QV_GOTO_IF_ERROR(st, qv_buffer_reserve(buf, size + 65536, err), fail);
    }
    ssize_t r = read(fd, buf->data + size, (size_t)(buf->capacity - size));
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      QV_FAIL_GOTO(st, fail, err, QV_ERR_IO, "read from fd %d failed after %lld bytes: %s (errno %d)", fd,
                   (long long)size, strerror(e), e);
    }
    if (r == 0) break;
    size += r;
    buf->size = size; /* so growth keeps (and does not zero) what was read */
  }
  qv_buffer_set_size(buf, size);
  *out = buf;
  return QV_OK;
fail:
  qv_buffer_release(buf);
  return st;
}

static qv_status map_fd(int fd, const char *name, qv_buffer **out, qv_error *err) {
  *out = NULL;
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    return qv_error_set(err, QV_ERR_IO, "cannot stat %s: %s (errno %d)", name, strerror(e), e);
  }
  if (!S_ISREG(sb.st_mode)) return qv__io_read_all(fd, out, err);
  if (sb.st_size == 0) return qv_buffer_allocate(NULL, 0, false, out, err);
  if ((uint64_t)sb.st_size > (uint64_t)SIZE_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "%s: file of %lld bytes is too large to map", name,
                        (long long)sb.st_size);
  void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    return qv_error_set(err, QV_ERR_IO, "cannot mmap %s (%lld bytes): %s (errno %d)", name,
                        (long long)sb.st_size, strerror(e), e);
  }
  qv_status st = qv_buffer_wrap(p, (int64_t)sb.st_size, unmap_release, NULL, out, err);
  if (st != QV_OK) munmap(p, (size_t)sb.st_size);
  return st;
}

void qv__io_map_forget(const qv_buffer *map, int64_t offset, int64_t len) {
  /* only the mappings map_fd made: their release is unmap_release */
  if (map == NULL || map->kind_ != QV__BUFFER_FOREIGN || map->release_ != unmap_release || offset < 0 || len <= 0 ||
      offset > map->size || len > map->size - offset)
    return;
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  if (page == 0 || (page & (page - 1)) != 0) return;
  uintptr_t from = (uintptr_t)map->data + (uintptr_t)offset, to = from + (uintptr_t)len;
  from = (from + page - 1) & ~(page - 1);
  to &= ~(page - 1);
  if (to > from) (void)madvise((void *)from, to - from, MADV_DONTNEED);
}

qv_status qv__io_map_fd(int fd, qv_buffer **out, qv_error *err) {
  char name[32];
  snprintf(name, sizeof name, "fd %d", fd);
  return map_fd(fd, name, out, err);
}

qv_status qv__io_map_path(const char *path, qv_buffer **out, qv_error *err) {
  int fd;
  qv_status st = qv__io_map_path_keep_fd(path, out, &fd, err);
  if (fd >= 0) close(fd); /* the mapping stays valid without its fd */
  return st;
}

qv_status qv__io_map_path_keep_fd(const char *path, qv_buffer **out, int *fd_out, qv_error *err) {
  *out = NULL;
  *fd_out = -1;
  if (path == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "path is NULL");
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int e = errno;
    return qv_error_set(err, e == ENOENT ? QV_ERR_NOT_FOUND : QV_ERR_IO, "cannot open '%s': %s (errno %d)", path,
                        strerror(e), e);
  }
  char name[64];
  snprintf(name, sizeof name, "'%.58s'", path);
  struct stat sb;
  bool regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
  qv_status st = map_fd(fd, name, out, err);
  if (st == QV_OK && regular)
    *fd_out = fd;
  else
    close(fd);
  return st;
}

qv_status qv__io_pread_full(int fd, void *dst, size_t n, int64_t offset, qv_error *err) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd, (uint8_t *)dst + done, n - done, (off_t)(offset + (int64_t)done));
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      return qv_error_set(err, QV_ERR_IO, "read of %zu bytes at byte %lld of fd %d failed: %s (errno %d)", n,
                          (long long)offset, fd, strerror(e), e);
    }
    if (r == 0)
      return qv_error_set(err, QV_ERR_IO, "fd %d ends at byte %lld, inside the %zu bytes read at byte %lld "
                          "(the file shrank?)", fd, (long long)(offset + (int64_t)done), n, (long long)offset);
    done += (size_t)r;
  }
  return QV_OK;
}

/* --------------------------------------------------------------- output */

void qv__io_sink_init_fd(qv_io_sink *s, int fd) {
  memset(s, 0, sizeof *s);
  s->kind = QV_IO_SINK_FD;
  s->fd = fd;
  struct stat sb;
  if (fstat(fd, &sb) == 0) s->fd_type = S_ISSOCK(sb.st_mode) ? 1 : S_ISFIFO(sb.st_mode) ? 2 : 0;
}

void qv__io_sink_init_pieces(qv_io_sink *s) {
  memset(s, 0, sizeof *s);
  s->kind = QV_IO_SINK_PIECES;
  s->fd = -1;
}

void qv__io_sink_init_memory(qv_io_sink *s) {
  memset(s, 0, sizeof *s);
  s->kind = QV_IO_SINK_MEMORY;
  s->fd = -1;
}

void qv__io_sink_init_callback(qv_io_sink *s, qv_io_write_fn fn, void *ctx) {
  memset(s, 0, sizeof *s);
  s->kind = QV_IO_SINK_CALLBACK;
  s->fd = -1;
  s->write_fn = fn;
  s->write_ctx = ctx;
}

static qv_status sink_break(qv_io_sink *s, qv_status code, qv_error *err, const char *fmt, ...) QV_PRINTF(4, 5);
static qv_status sink_break(qv_io_sink *s, qv_status code, qv_error *err, const char *fmt, ...) {
  char text[QV_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return qv__sticky_failf(&s->broken, err, code, "%s", text);
}

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

/* One recently released output region is kept mapped for the next memory
 * sink: its pages are already faulted in, and a fresh page costs about as
 * much to touch as copying it (writing the same kind of stream repeatedly
 * then runs at memcpy speed). The region's size is stored in its first
 * bytes while cached. */
#define REGION_CACHE_MAX ((size_t)256 << 20)
static void *g_region_cache;

static void region_release(void *p, size_t cap) {
  if (cap <= REGION_CACHE_MAX) {
    memcpy(p, &cap, sizeof cap);
    void *old = __atomic_exchange_n(&g_region_cache, p, __ATOMIC_ACQ_REL);
    if (old == NULL) return;
    p = old;
    memcpy(&cap, p, sizeof cap);
  }
  munmap(p, cap);
}

/* A cached region of at least `need` bytes, or NULL. */
static void *region_take(size_t need, size_t *cap) {
  void *p = __atomic_exchange_n(&g_region_cache, NULL, __ATOMIC_ACQ_REL);
  if (p == NULL) return NULL;
  memcpy(cap, p, sizeof *cap);
  if (*cap >= need) return p;
  region_release(p, *cap);
  return NULL;
}

/* Grows the memory region to hold at least `need` bytes. */
static qv_status mem_grow(qv_io_sink *s, size_t need, qv_error *err) {
  if (need <= s->mem_cap) return QV_OK;
  size_t cap = s->mem_cap < 4096 ? 4096 : s->mem_cap;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) return sink_break(s, QV_ERR_NO_MEMORY, err, "memory sink cannot grow to %zu bytes", need);
    cap *= 2;
  }
  if (cap >= MMAP_THRESHOLD) {
    cap = round_up(cap, HUGE_PAGE);
    void *p;
    size_t cached_cap = 0;
    void *cached = s->mem_mapped ? NULL : region_take(cap, &cached_cap);
    if (cached != NULL) {
      p = cached;
      cap = cached_cap;
    } else {
      if (s->mem_mapped)
        p = mremap(s->mem, s->mem_cap, cap, MREMAP_MAYMOVE);
      else
        p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return sink_break(s, QV_ERR_NO_MEMORY, err, "out of memory growing the output to %zu bytes", cap);
#ifdef MADV_HUGEPAGE
      madvise(p, cap, MADV_HUGEPAGE);
#endif
    }
    if (!s->mem_mapped) {
      if (s->mem_size) memcpy(p, s->mem, s->mem_size);
      free(s->mem);
      s->mem_mapped = true;
    }
    s->mem = (uint8_t *)p;
    s->mem_cap = cap;
    return QV_OK;
  }
  uint8_t *p = (uint8_t *)realloc(s->mem, cap);
  if (p == NULL) return sink_break(s, QV_ERR_NO_MEMORY, err, "out of memory growing the output to %zu bytes", cap);
  s->mem = p;
  s->mem_cap = cap;
  return QV_OK;
}

qv_status qv__io_sink_reserve(qv_io_sink *s, size_t extra, qv_error *err) {
  if (s->kind != QV_IO_SINK_MEMORY) return QV_OK;
  if (s->broken.code != QV_OK) return qv__sticky_report(&s->broken, "", err);
  if (extra > SIZE_MAX - s->mem_size) return qv_error_set(err, QV_ERR_OVERFLOW, "memory sink size overflow");
  return mem_grow(s, s->mem_size + extra, err);
}

/* One writev/sendmsg call that never raises SIGPIPE. */
static ssize_t write_some(const qv_io_sink *s, const struct iovec *iov, int n) {
  if (s->fd_type == 1) {
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = (struct iovec *)(uintptr_t)iov;
    mh.msg_iovlen = (size_t)n;
    return sendmsg(s->fd, &mh, MSG_NOSIGNAL);
  }
  if (s->fd_type != 2) return writev(s->fd, iov, n);
  sigset_t pipe_set, old, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigemptyset(&pending);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t r = writev(s->fd, iov, n);
  int e = errno;
  /* The kernel raises SIGPIPE both when the write fails with EPIPE and
   * when the reader went away in the middle of it (a short count). */
  size_t asked = 0;
  for (int i = 0; i < n; i++) asked += iov[i].iov_len;
  bool hit_epipe = r < 0 ? e == EPIPE : (size_t)r < asked;
  if (hit_epipe && !was_pending) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = e;
  return r;
}

static qv_status fd_writev(qv_io_sink *s, struct iovec *iov, int iovcnt, qv_error *err) {
  while (iovcnt > 0) {
    if (iov->iov_len == 0) {
      iov++;
      iovcnt--;
      continue;
    }
    int n = iovcnt < IOV_MAX ? iovcnt : IOV_MAX;
    ssize_t r = write_some(s, iov, n);
    if (r < 0) {
      int e = errno;
      if (e == EINTR) continue;
      if (e == EAGAIN || e == EWOULDBLOCK) { /* non-blocking fd: wait until it is writable */
        struct pollfd pfd = {s->fd, POLLOUT, 0};
        if (poll(&pfd, 1, -1) >= 0 || errno == EINTR) continue;
      }
      return sink_break(s, QV_ERR_IO, err, "write to fd %d failed at byte %lld: %s (%s, errno %d)", s->fd,
                        (long long)s->position, strerror(e), qv__errno_name(e), e);
    }
    if (r == 0)
      return sink_break(s, QV_ERR_IO, err, "write to fd %d made no progress at byte %lld", s->fd,
                        (long long)s->position);
    s->position += r;
    size_t left = (size_t)r;
    while (left > 0 && iovcnt > 0) {
      if (left >= iov->iov_len) {
        left -= iov->iov_len;
        iov++;
        iovcnt--;
      } else {
        iov->iov_base = (uint8_t *)iov->iov_base + left;
        iov->iov_len -= left;
        left = 0;
      }
    }
  }
  return QV_OK;
}

qv_status qv__io_sink_writev_refs(qv_io_sink *s, struct iovec *iov, int iovcnt, const struct qv_buffer_index *ix,
                                 qv_error *err) {
  if (s->kind != QV_IO_SINK_PIECES) return qv__io_sink_writev(s, iov, iovcnt, err);
  if (s->broken.code != QV_OK) return qv__sticky_report(&s->broken, "output already failed: ", err);
  qv_error local;
  qv_status st = s->pieces ? QV_OK : qv__pieces_new(&s->pieces, &local);
  int64_t before = qv_ipc_pieces_size(s->pieces);
  if (st == QV_OK) st = qv__pieces_append(s->pieces, iov, iovcnt, ix, &local);
  if (st != QV_OK)
    return sink_break(s, st, err, "collecting output pieces failed at byte %lld: %s", (long long)s->position,
                      local.message);
  s->position += qv_ipc_pieces_size(s->pieces) - before;
  return QV_OK;
}

qv_status qv__io_sink_take_pieces(qv_io_sink *s, struct qv_ipc_pieces **out, qv_error *err) {
  *out = NULL;
  if (s->kind != QV_IO_SINK_PIECES) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "not a pieces sink");
  if (s->broken.code != QV_OK) return qv__sticky_report(&s->broken, "output already failed: ", err);
  if (s->pieces == NULL) QV_RETURN_IF_ERROR(qv__pieces_new(&s->pieces, err));
  *out = s->pieces;
  s->pieces = NULL;
  return QV_OK;
}

qv_status qv__io_sink_writev(qv_io_sink *s, struct iovec *iov, int iovcnt, qv_error *err) {
  if (s->broken.code != QV_OK) return qv__sticky_report(&s->broken, "output already failed: ", err);
  if (s->kind == QV_IO_SINK_FD) return fd_writev(s, iov, iovcnt, err);
  if (s->kind == QV_IO_SINK_PIECES) return qv__io_sink_writev_refs(s, iov, iovcnt, NULL, err);
  if (s->kind == QV_IO_SINK_MEMORY) {
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) total += iov[i].iov_len;
    QV_RETURN_IF_ERROR(qv__io_sink_reserve(s, total, err));
    uint8_t *dst = s->mem + s->mem_size;
    for (int i = 0; i < iovcnt; i++) {
      if (iov[i].iov_len) memcpy(dst, iov[i].iov_base, iov[i].iov_len);
      dst += iov[i].iov_len;
    }
    s->mem_size += total;
    s->position += (int64_t)total;
    return QV_OK;
  }
  for (int i = 0; i < iovcnt; i++) {
    if (iov[i].iov_len == 0) continue;
    qv_error local;
    qv_status st = s->write_fn(s->write_ctx, iov[i].iov_base, iov[i].iov_len, &local);
    if (st != QV_OK)
      return sink_break(s, st, err, "write callback failed at byte %lld: %s", (long long)s->position,
                        local.code == st ? local.message : qv_status_name(st));
    s->position += (int64_t)iov[i].iov_len;
  }
  return QV_OK;
}

qv_status qv__io_sink_write(qv_io_sink *s, const void *data, size_t n, qv_error *err) {
  struct iovec iov = {(void *)(uintptr_t)data, n};
  return qv__io_sink_writev(s, &iov, 1, err);
}

static void free_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)size;
  free((void *)(uintptr_t)data);
}

static void munmap_cap_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)size;
  region_release((void *)(uintptr_t)data, (size_t)(uintptr_t)ctx);
}

qv_status qv__io_sink_take(qv_io_sink *s, qv_buffer **out, qv_error *err) {
  *out = NULL;
  if (s->kind != QV_IO_SINK_MEMORY) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "not a memory sink");
  if (s->broken.code != QV_OK) return qv__sticky_report(&s->broken, "output already failed: ", err);
  qv_status st;
  if (s->mem == NULL) {
    st = qv_buffer_allocate(NULL, 0, false, out, err);
  } else if (s->mem_mapped) {
    st = qv_buffer_wrap(s->mem, (int64_t)s->mem_size, munmap_cap_release, (void *)(uintptr_t)s->mem_cap, out, err);
  } else {
    st = qv_buffer_wrap(s->mem, (int64_t)s->mem_size, free_release, NULL, out, err);
  }
  if (st != QV_OK) return st;
  s->mem = NULL;
  s->mem_size = s->mem_cap = 0;
  s->mem_mapped = false;
  return QV_OK;
}

void qv__io_sink_free(qv_io_sink *s) {
  if (s != NULL && s->kind == QV_IO_SINK_PIECES) {
    qv_ipc_pieces_free(s->pieces);
    s->pieces = NULL;
    return;
  }
  if (s == NULL || s->kind != QV_IO_SINK_MEMORY || s->mem == NULL) return;
  if (s->mem_mapped)
    region_release(s->mem, s->mem_cap);
  else
    free(s->mem);
  s->mem = NULL;
  s->mem_size = s->mem_cap = 0;
}
