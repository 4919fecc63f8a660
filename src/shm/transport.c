/* quiver shm: passing segments between processes over Unix domain sockets.
 *
 * One message per segment: a 16-byte header (internal.h) with exactly one
 * descriptor attached as SCM_RIGHTS. The receiver trusts nothing it gets:
 * the header is checked, extra or missing descriptors are refused (and
 * closed, so a hostile peer cannot make it leak fds), and the descriptor
 * must be a sealed memfd whose size matches the header. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/internal.h"
#include "shm/internal.h"

/* Room for a few descriptors beyond the one we expect, so that a peer
 * sending several is detected (and all of them closed) rather than having
 * the kernel drop the extras with MSG_CTRUNC. */
#define MAX_FDS_PER_MESSAGE 8

void qv__shm_header_encode(uint8_t out[QV__SHM_HEADER_SIZE], int64_t size) {
  memset(out, 0, QV__SHM_HEADER_SIZE);
  memcpy(out, QV__SHM_MAGIC, sizeof QV__SHM_MAGIC); /* includes the NUL */
  out[6] = (uint8_t)(QV__SHM_VERSION & 0xff);
  out[7] = (uint8_t)(QV__SHM_VERSION >> 8);
  uint64_t u = (uint64_t)size;
  for (int i = 0; i < 8; i++) out[8 + i] = (uint8_t)(u >> (8 * i));
}

qv_status qv__shm_header_decode(const uint8_t in[QV__SHM_HEADER_SIZE], int64_t *size, qv_error *err) {
  if (memcmp(in, QV__SHM_MAGIC, sizeof QV__SHM_MAGIC) != 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "shm: the peer's message does not start with the quiver shm header (\"QVSHM\")");
  unsigned version = (unsigned)in[6] | ((unsigned)in[7] << 8);
  if (version != QV__SHM_VERSION)
    return qv_error_set(err, QV_ERR_UNSUPPORTED, "shm: header version %u is not supported (this quiver speaks %u)",
                        version, (unsigned)QV__SHM_VERSION);
  uint64_t u = 0;
  for (int i = 0; i < 8; i++) u |= (uint64_t)in[8 + i] << (8 * i);
  if (u > (uint64_t)INT64_MAX)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "shm: the header announces a negative size");
  *size = (int64_t)u;
  return QV_OK;
}

static qv_status socket_error(qv_error *err, const char *what, int e) {
  return qv_error_set(err, QV_ERR_IO, "shm: %s failed: %s (%s, errno %d)", what, strerror(e), qv__errno_name(e), e);
}

qv_status qv_shm_segment_send(int sock, const qv_shm_segment *segment, qv_error *err) {
  if (segment == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_segment_send: segment is NULL");
  return qv__shm_send_fd(sock, segment->fd, segment->size, err);
}

qv_status qv__shm_send_fd(int sock, int fd, int64_t size, qv_error *err) {
  uint8_t header[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(header, size);
  return qv__shm_send_msg(sock, header, sizeof header, fd, err);
}

qv_status qv__shm_send_msg(int sock, const uint8_t *bytes, size_t len, int fd, qv_error *err) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  memset(&control, 0, sizeof control);
  size_t sent = 0;
  while (sent < len) {
    struct iovec iov = {.iov_base = (uint8_t *)bytes + sent, .iov_len = len - sent};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (sent == 0 && fd >= 0) { /* the descriptor rides with the first byte */
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return socket_error(err, "sendmsg of a segment", errno);
    }
    sent += (size_t)n;
  }
  return QV_OK;
}

/* Collects the descriptors of one recvmsg into fds[*nfds] (closing any
 * beyond the array). */
static void collect_fds(struct msghdr *msg, int *fds, int *nfds) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0)) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (*nfds < MAX_FDS_PER_MESSAGE)
        fds[(*nfds)++] = fd;
      else
        close(fd);
    }
  }
}

static void close_all(const int *fds, int n) {
  for (int i = 0; i < n; i++) close(fds[i]);
}

qv_status qv__shm_recv_msg(int sock, uint8_t *bytes, size_t len, int *fd_out, qv_error *err) {
  *fd_out = -1;
  int fds[MAX_FDS_PER_MESSAGE];
  int nfds = 0;
  bool truncated_control = false;
  size_t got = 0;
  while (got < len) {
    union {
      struct cmsghdr align;
      char buf[CMSG_SPACE(sizeof(int) * MAX_FDS_PER_MESSAGE)];
    } control;
    struct iovec iov = {.iov_base = bytes + got, .iov_len = len - got};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close_all(fds, nfds);
      return socket_error(err, "recvmsg of a segment", e);
    }
    collect_fds(&msg, fds, &nfds);
    if (msg.msg_flags & MSG_CTRUNC) truncated_control = true;
    if (n == 0) {
      close_all(fds, nfds);
      if (got == 0)
        return qv_error_set(err, QV_ERR_TRUNCATED, "shm: the peer closed the socket before sending a segment");
      return qv_error_set(err, QV_ERR_TRUNCATED, "shm: the peer closed the socket after %zu of the header's %zu bytes",
                          got, len);
    }
    got += (size_t)n;
  }
  if (truncated_control || nfds > 1) {
    close_all(fds, nfds);
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "shm: a segment message carries at most one descriptor; this one carried %s%d",
                        truncated_control ? "more than " : "", nfds);
  }
  if (nfds == 1) *fd_out = fds[0];
  return QV_OK;
}

qv_status qv_shm_receive_segment(int sock, qv_shm_segment **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_receive_segment: out is NULL");
  *out = NULL;
  uint8_t header[QV__SHM_HEADER_SIZE];
  int fd = -1;
  QV_RETURN_IF_ERROR(qv__shm_recv_msg(sock, header, sizeof header, &fd, err));
  int64_t size;
  qv_status st = qv__shm_header_decode(header, &size, err);
  if (st == QV_OK && fd < 0)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "shm: a segment message carries exactly one descriptor; this one carried 0");
  if (st != QV_OK) {
    if (fd >= 0) close(fd);
    return st;
  }
  return qv__shm_segment_take_fd(fd, size, out, err);
}

/* Options a segment of qv_shm_table_share was written with (the
 * defaults): only then may its memfd stand for the table the caller asks
 * to send. */
static bool default_write_options(const qv_ipc_write_options *o) {
  return o == NULL || ((o->alignment == 0 || o->alignment == 64) && o->compression == QV_IPC_COMPRESSION_NONE &&
                       !o->disable_dictionary_deltas && !o->legacy_framing);
}

qv_status qv_shm_send_table(int sock, const qv_table *table, const qv_ipc_write_options *opts, qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_send_table: table is NULL");
  /* a table that already lives whole in a memfd of ours goes as that memfd */
  qv__shm_region region;
  if (default_write_options(opts) && qv__shm_table_region(table, &region))
    return qv__shm_send_fd(sock, region.fd, region.size, err);
  qv_shm_segment *s = NULL;
  QV_RETURN_IF_ERROR(qv_shm_segment_create(table, opts, &s, err));
  qv_status st = qv_shm_segment_send(sock, s, err);
  qv_shm_segment_free(s);
  return st;
}

qv_status qv_shm_receive_table(int sock, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_shm_receive_table: out is NULL");
  *out = NULL;
  qv_shm_segment *s = NULL;
  QV_RETURN_IF_ERROR(qv_shm_receive_segment(sock, &s, err));
  qv_status st = qv_shm_segment_read(s, opts, out, err);
  qv_shm_segment_free(s); /* the table's arrays keep the mapping */
  return st;
}
