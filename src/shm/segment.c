/* quiver shm: segments, i.e. a table as an IPC stream in a sealed memfd.
 *
 * The producer pays one copy (its buffers into the memfd's pages); from
 * then on every reader, in this process or another, reads those pages in
 * place. Seals are what make sharing safe: without F_SEAL_WRITE a producer
 * could rewrite offsets after a reader validated them, and without
 * F_SEAL_SHRINK it could truncate the file and make every reader's mapping
 * fault with SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/internal.h"
#include "shm/internal.h"

static void unmap_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  munmap((void *)data, (size_t)size);
}

static qv_status os_error(qv_error *err, const char *what, int e) {
  return qv_error_set(err, QV_ERR_IO, "shm: %s failed: %s (%s, errno %d)", what, strerror(e), qv__errno_name(e), e);
}

/* A mapping this process made and shares (registry.c): it keeps a
 * descriptor of its memfd for as long as any buffer references it. */
typedef struct shared_mapping {
  int fd;
  uint64_t id;
} shared_mapping;

static void shared_release(void *ctx, const uint8_t *data, int64_t size) {
  shared_mapping *m = (shared_mapping *)ctx;
  qv__shm_registry_remove(m->id);
  munmap((void *)data, (size_t)size);
  close(m->fd);
  free(m);
}

/* Wraps mapping p of `fd` as a buffer registered as a shared region. */
static qv_status wrap_registered(void *p, int64_t size, int fd, qv_buffer **out, qv_error *err) {
  shared_mapping *m = (shared_mapping *)malloc(sizeof *m);
  if (m == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "shm: out of memory for a segment");
  m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (m->fd < 0) {
    int e = errno;
    free(m);
    return os_error(err, "dup of a segment's descriptor", e);
  }
  qv_status st = qv__shm_registry_add((const uint8_t *)p, size, m->fd, &m->id, err);
  if (st == QV_OK) {
    st = qv_buffer_wrap(p, size, shared_release, m, out, err);
    if (st != QV_OK) qv__shm_registry_remove(m->id);
  }
  if (st != QV_OK) {
    close(m->fd);
    free(m);
  }
  return st;
}

/* Maps a checked fd of `size` bytes read-only into a new segment that
 * takes ownership of `fd` (closed on failure). `registered`: the mapping
 * joins the registry (segments this process made, to share). */
static qv_status segment_adopt(int fd, int64_t size, bool registered, qv_shm_segment **out, qv_error *err) {
  qv_shm_segment *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "shm: out of memory for a segment");
  }
  s->fd = fd;
  s->size = size;
  if (size == 0) {
    qv_status st = qv_buffer_allocate(NULL, 0, false, &s->mapping, err);
    if (st != QV_OK) qv_shm_segment_free(s);
    else *out = s;
    return st;
  }
  if ((uint64_t)size > (uint64_t)SIZE_MAX) {
    qv_shm_segment_free(s);
    return qv_error_set(err, QV_ERR_LIMIT, "shm: segment of %lld bytes is too large to map", (long long)size);
  }
  void *p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    qv_shm_segment_free(s);
    return os_error(err, "mmap of the segment", e);
  }
  qv_status st = registered ? wrap_registered(p, size, fd, &s->mapping, err)
                            : qv_buffer_wrap(p, size, unmap_release, NULL, &s->mapping, err);
  if (st != QV_OK) {
    munmap(p, (size_t)size);
    qv_shm_segment_free(s);
    return st;
  }
  *out = s;
  return QV_OK;
}

qv_status qv_shm_segment_create(const qv_table *table, const qv_ipc_write_options *opts, qv_shm_segment **out,
                                qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_segment_create: table and out must not be NULL");
  *out = NULL;
  int fd = memfd_create("quiver-table", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return os_error(err, "memfd_create", errno);
  qv_status st = qv_ipc_write_stream_fd(fd, table, opts, err);
  if (st != QV_OK) {
    close(fd);
    qv_error_prefix(err, "shm: writing the table into shared memory: ");
    return st;
  }
  if (fcntl(fd, F_ADD_SEALS, QV__SHM_REQUIRED_SEALS | F_SEAL_SEAL) != 0) {
    int e = errno;
    close(fd);
    return os_error(err, "sealing the segment (F_ADD_SEALS)", e);
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    close(fd);
    return os_error(err, "fstat of the segment", e);
  }
  return segment_adopt(fd, (int64_t)sb.st_size, true, out, err);
}

qv_status qv_shm_table_share(const qv_table *table, qv_table **out, qv_error *err) {
  if (out == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_table_share: table and out must not be NULL");
  *out = NULL;
  qv_shm_segment *seg = NULL;
  QV_RETURN_IF_ERROR(qv_shm_segment_create(table, NULL, &seg, err));
  qv_status st = qv_shm_segment_read(seg, NULL, out, err);
  qv_shm_segment_free(seg); /* the table's arrays keep the (registered) mapping */
  return st;
}

qv_status qv__shm_memfd_from_iov(const struct iovec *iov, size_t n, int64_t total, int *fd_out, qv_error *err) {
  *fd_out = -1;
  int fd = memfd_create("quiver-body", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return os_error(err, "memfd_create", errno);
  /* sizing the file first lets the kernel allocate its pages as the writes
   * land instead of growing it write by write */
  if (ftruncate(fd, (off_t)total) != 0) {
    int e = errno;
    close(fd);
    return os_error(err, "ftruncate of a memfd", e);
  }
  size_t i = 0, skip = 0; /* next iovec, bytes of it already written */
  off_t at = 0;
  while (i < n) {
    struct iovec batch[64];
    int k = 0;
    for (size_t j = i; j < n && k < 64; j++) {
      size_t off = j == i ? skip : 0;
      if (iov[j].iov_len == off) continue;
      batch[k].iov_base = (uint8_t *)iov[j].iov_base + off;
      batch[k].iov_len = iov[j].iov_len - off;
      k++;
    }
    if (k == 0) break;
    ssize_t w = pwritev(fd, batch, k, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return os_error(err, "writing a memfd", e);
    }
    at += w;
    /* advance (i, skip) by w bytes */
    size_t left = (size_t)w;
    while (i < n && left >= iov[i].iov_len - skip) {
      left -= iov[i].iov_len - skip;
      i++;
      skip = 0;
    }
    skip += left;
  }
  if ((int64_t)at != total) {
    close(fd);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "shm: the pieces hold %lld bytes, not the %lld announced",
                        (long long)at, (long long)total);
  }
  if (fcntl(fd, F_ADD_SEALS, QV__SHM_REQUIRED_SEALS | F_SEAL_SEAL) != 0) {
    int e = errno;
    close(fd);
    return os_error(err, "sealing a memfd (F_ADD_SEALS)", e);
  }
  *fd_out = fd;
  return QV_OK;
}

/* Checks what a receiver must know before mapping someone else's fd; on
 * success *size is the file's size. */
static qv_status check_shared_fd(int fd, int64_t *size, qv_error *err) {
  struct stat sb;
  if (fstat(fd, &sb) != 0) return os_error(err, "fstat of a received descriptor", errno);
  if (!S_ISREG(sb.st_mode))
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "shm: the received descriptor is not a memfd (file mode 0%o): refusing to map it",
                        (unsigned)sb.st_mode);
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "shm: the received descriptor does not support seals (%s): only sealed memfds are shared",
                        qv__errno_name(errno));
  if ((seals & QV__SHM_REQUIRED_SEALS) != QV__SHM_REQUIRED_SEALS)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "shm: the received memfd is not sealed against %s%s%s: its owner could change or "
                        "truncate it under this reader",
                        (seals & F_SEAL_WRITE) ? "" : "writing ", (seals & F_SEAL_SHRINK) ? "" : "shrinking ",
                        (seals & F_SEAL_GROW) ? "" : "growing");
  *size = (int64_t)sb.st_size;
  return QV_OK;
}

qv_status qv__shm_segment_take_fd(int fd, int64_t expected_size, qv_shm_segment **out, qv_error *err) {
  int64_t size = 0;
  qv_status st = check_shared_fd(fd, &size, err);
  if (st == QV_OK && expected_size >= 0 && size != expected_size)
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "shm: the sender announced %lld bytes but the received memfd holds %lld: refusing it",
                      (long long)expected_size, (long long)size);
  if (st != QV_OK) {
    close(fd);
    return st;
  }
  return segment_adopt(fd, size, false, out, err);
}

qv_status qv_shm_segment_from_fd(int fd, qv_shm_segment **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_segment_from_fd: out is NULL");
  *out = NULL;
  int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) return os_error(err, "dup of the descriptor", errno);
  return qv__shm_segment_take_fd(own, -1, out, err);
}

qv_status qv_shm_segment_read(const qv_shm_segment *segment, const qv_ipc_read_options *opts, qv_table **out,
                              qv_error *err) {
  if (segment == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_segment_read: segment and out must not be NULL");
  qv_status st = qv_ipc_read_stream_buffer(segment->mapping, opts, out, err);
  if (st != QV_OK) qv_error_prefix(err, "shm segment of %lld bytes: ", (long long)segment->size);
  return st;
}

int qv_shm_segment_fd(const qv_shm_segment *segment) { return segment ? segment->fd : -1; }

int64_t qv_shm_segment_size(const qv_shm_segment *segment) { return segment ? segment->size : 0; }

void qv_shm_segment_free(qv_shm_segment *segment) {
  if (segment == NULL) return;
  qv_buffer_release(segment->mapping);
  if (segment->fd >= 0) close(segment->fd);
  free(segment);
}
