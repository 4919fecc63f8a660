/* quiver Flight: record batch bodies through sealed memfds, between a
 * client and a server on one host (grpc+unix).
 *
 * gRPC owns its Unix socket, so descriptors cannot ride on it; they take a
 * side socket instead, bound by the server next to its gRPC socket (the
 * same path plus ".qvshm", so the same file permissions guard both). The
 * negotiation, per call:
 *
 *   1. the client connects to PATH.qvshm and sends a hello: "QVFLSHM1", a
 *      random 16-byte nonce, 8 zero bytes; the server's accept thread files
 *      the connection under its nonce and answers one byte 'Y' (so the
 *      client knows a quiver server is there before it asks for anything);
 *   2. the client starts the call with the header x-quiver-shm: <nonce in
 *      hex>; the handler claims the connection filed under that nonce and
 *      answers at once with initial metadata x-quiver-shm: on (or off when
 *      it has none, or shm is disabled): both sides then know;
 *   3. the sender of the data (the server for DoGet, the client for DoPut,
 *      both for DoExchange) sends, for each large body, a body message on
 *      the side socket (below), then the FlightData with its data_header
 *      and no data_body; the receiver, seeing a bodyLength with no body,
 *      reads the next body message, checks it (a sealed memfd, a place
 *      inside it, 8-aligned, exactly bodyLength bytes), takes the body as a
 *      view of its mapping and answers one byte 'A'.
 *
 * Flow control: gRPC's windows do not bound the memfds (their FlightData
 * are tiny), so the sender keeps at most LINK_WINDOW bodies unacknowledged.
 * Any peer that does not speak this (pyarrow, or a quiver without the side
 * socket) never sees the header or never answers "on", and the call carries
 * its bodies as gRPC bytes. DoExchange, where both sides send bodies, opens
 * two links (header "up,down"): each link carries bodies one way and
 * acknowledgements the other, so the two never mix on one socket.
 *
 * A body whose bytes already lie in a registered shared region (shm's
 * registry: a table made by qv_shm_table_share) is not copied: the message
 * names the region (an id unique in the sending process), an offset and a
 * length, and carries the region's descriptor only the first time on the
 * link; the reader maps each region once and keeps the last LINK_REGIONS
 * of them (the sender keeps the same FIFO of ids, so both agree on what
 * the reader still has). Other bodies get a memfd of their own, marked
 * FLAG_ONCE so the reader does not keep it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "flight/internal.h"
#include "shm/internal.h"

/* version 2: bodies are places in regions (version 1 sent one memfd per
 * body; the two do not connect, and each falls back to gRPC bytes) */
#define HELLO_MAGIC "QVFLSHM2"
#define HELLO_SIZE 32
#define NONCE_SIZE ((QV__SHM_NONCE_HEX - 1) / 2)
/* bodies sent and not yet acknowledged, at most */
#define LINK_WINDOW 4
/* A body message: "QVBD", u32 flags, u64 region id, i64 region size,
 * i64 offset, i64 length (little-endian), a descriptor with FLAG_FD. */
#define BODY_MAGIC "QVBD"
#define BODY_MSG_SIZE 40
#define FLAG_FD 1u   /* the region's memfd rides with this message (first use on the link) */
#define FLAG_ONCE 2u /* a memfd made for this body only: not remembered */
/* regions each side of a link remembers, oldest pushed out first */
#define LINK_REGIONS 16
/* pending (accepted, unclaimed) connections kept by a listener, and for how long */
#define MAX_PENDING 64
#define PENDING_MS 30000
/* a hello must arrive this fast; a body's descriptor too, as the sender
 * sends it before the FlightData that announces it */
#define HELLO_MS 2000
#define BODY_MS 30000

struct qv__shm_link {
  int fd;
  int64_t sent, acked;
  /* regions passed on this link, a FIFO that sender and receiver keep in
   * step: ids (both), mappings (the receiver's; retained) */
  uint64_t ids[LINK_REGIONS];
  qv_buffer *maps[LINK_REGIONS];
  size_t n_regions, next_region;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll for POLLIN up to ms; true when readable (or hung up: the read says). */
static bool wait_readable(int fd, int ms) {
  struct pollfd p = {fd, POLLIN, 0};
  for (;;) {
    int r = poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

static bool side_path(const char *sock_path, struct sockaddr_un *addr) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  size_t n = strlen(sock_path), sl = strlen(QV__SHM_LINK_SUFFIX);
  if (n + sl + 1 > sizeof addr->sun_path) return false;
  memcpy(addr->sun_path, sock_path, n);
  memcpy(addr->sun_path + n, QV__SHM_LINK_SUFFIX, sl + 1);
  return true;
}

static qv__shm_link *link_new(int fd) {
  qv__shm_link *l = (qv__shm_link *)calloc(1, sizeof *l);
  if (l == NULL) {
    close(fd);
    return NULL;
  }
  l->fd = fd;
  return l;
}

qv__shm_link *qv__shm_link_from_socket(int fd) { return link_new(fd); }

void qv__shm_link_free(qv__shm_link *l) {
  if (l == NULL) return;
  for (size_t i = 0; i < LINK_REGIONS; i++) qv_buffer_release(l->maps[i]);
  close(l->fd);
  free(l);
}

static void to_hex(const uint8_t *p, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = 0;
}

static bool from_hex(const char *s, size_t len, uint8_t *out, size_t n) {
  if (len != 2 * n) return false;
  for (size_t i = 0; i < 2 * n; i++) {
    char c = s[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    if (i % 2 == 0) out[i / 2] = (uint8_t)(v << 4);
    else out[i / 2] |= (uint8_t)v;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Client: opening a link                                               */
/* ------------------------------------------------------------------ */

qv__shm_link *qv__shm_link_connect(const char *sock_path, char nonce_hex[QV__SHM_NONCE_HEX]) {
  struct sockaddr_un addr;
  if (!side_path(sock_path, &addr)) return NULL;
  uint8_t hello[HELLO_SIZE];
  memset(hello, 0, sizeof hello);
  memcpy(hello, HELLO_MAGIC, 8);
  if (getrandom(hello + 8, NONCE_SIZE, 0) != NONCE_SIZE) return NULL;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return NULL;
  /* no side socket (pyarrow, an older quiver, shm disabled): plain gRPC */
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
      send(fd, hello, sizeof hello, MSG_NOSIGNAL) != (ssize_t)sizeof hello || !wait_readable(fd, HELLO_MS)) {
    close(fd);
    return NULL;
  }
  char yes = 0;
  if (recv(fd, &yes, 1, MSG_DONTWAIT) != 1 || yes != 'Y') {
    close(fd);
    return NULL;
  }
  struct timeval tv = {BODY_MS / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  to_hex(hello + 8, NONCE_SIZE, nonce_hex);
  return link_new(fd);
}

/* ------------------------------------------------------------------ */
/* Server: the listener                                                 */
/* ------------------------------------------------------------------ */

typedef struct pending {
  uint8_t nonce[NONCE_SIZE];
  int fd;
  int64_t since_ms;
} pending;

struct qv__shm_listener {
  int listen_fd;
  int wake[2]; /* a byte on wake[1] stops the accept thread */
  struct sockaddr_un addr;
  pthread_t thread;
  bool started;
  pthread_mutex_t lock; /* guards items, n */
  pthread_cond_t arrived;
  pending items[MAX_PENDING];
  size_t n;
};

static void drop_item(qv__shm_listener *l, size_t i) {
  close(l->items[i].fd);
  l->items[i] = l->items[--l->n];
}

/* One accepted connection: its hello, then filed (or closed). */
static void admit(qv__shm_listener *l, int fd) {
  struct timeval tv = {HELLO_MS / 1000, (HELLO_MS % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  uint8_t hello[HELLO_SIZE];
  if (recv(fd, hello, sizeof hello, MSG_WAITALL) != (ssize_t)sizeof hello || memcmp(hello, HELLO_MAGIC, 8) != 0 ||
      send(fd, "Y", 1, MSG_NOSIGNAL) != 1) {
    close(fd);
    return;
  }
  /* from here on, reads wait at most BODY_MS (a body's descriptor is sent
   * before its FlightData, so it is there when looked for) */
  tv.tv_sec = BODY_MS / 1000;
  tv.tv_usec = 0;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  pthread_mutex_lock(&l->lock);
  int64_t now = now_ms();
  for (size_t i = l->n; i-- > 0;)
    if (now - l->items[i].since_ms > PENDING_MS) drop_item(l, i);
  if (l->n == MAX_PENDING) drop_item(l, 0);
  pending *p = &l->items[l->n++];
  memcpy(p->nonce, hello + 8, NONCE_SIZE);
  p->fd = fd;
  p->since_ms = now;
  pthread_cond_broadcast(&l->arrived);
  pthread_mutex_unlock(&l->lock);
}

static void *accept_main(void *arg) {
  qv__shm_listener *l = (qv__shm_listener *)arg;
  for (;;) {
    struct pollfd p[2] = {{l->listen_fd, POLLIN, 0}, {l->wake[0], POLLIN, 0}};
    int r = poll(p, 2, 1000);
    if (r < 0 && errno != EINTR) break;
    if (p[1].revents) break;
    if (r <= 0 || !(p[0].revents & POLLIN)) continue;
    int fd = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) admit(l, fd);
  }
  return NULL;
}

qv__shm_listener *qv__shm_listener_start(const char *sock_path) {
  qv__shm_listener *l = (qv__shm_listener *)calloc(1, sizeof *l);
  if (l == NULL) return NULL;
  l->listen_fd = -1;
  l->wake[0] = l->wake[1] = -1;
  if (!side_path(sock_path, &l->addr)) goto fail;
  /* a socket left behind by a server that died is replaced (gRPC does the
   * same with its own); anything else at that path is left alone */
  struct stat sb;
  if (lstat(l->addr.sun_path, &sb) == 0) {
    if (!S_ISSOCK(sb.st_mode)) goto fail;
    unlink(l->addr.sun_path);
  }
  l->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (l->listen_fd < 0 || bind(l->listen_fd, (struct sockaddr *)&l->addr, sizeof l->addr) != 0 ||
      listen(l->listen_fd, 64) != 0 || pipe2(l->wake, O_CLOEXEC) != 0)
    goto fail;
  pthread_mutex_init(&l->lock, NULL);
  pthread_cond_init(&l->arrived, NULL);
  if (pthread_create(&l->thread, NULL, accept_main, l) != 0) {
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->arrived);
    unlink(l->addr.sun_path);
    goto fail;
  }
  l->started = true;
  return l;
fail:
  if (l->listen_fd >= 0) close(l->listen_fd);
  if (l->wake[0] >= 0) close(l->wake[0]);
  if (l->wake[1] >= 0) close(l->wake[1]);
  free(l);
  return NULL;
}

qv__shm_link *qv__shm_listener_claim(qv__shm_listener *l, const char *nonce_hex, size_t len) {
  uint8_t nonce[NONCE_SIZE];
  if (l == NULL || !from_hex(nonce_hex, len, nonce, NONCE_SIZE)) return NULL;
  /* the client had its 'Y' before it started the call: the connection is
   * filed already; the wait only covers a thread switch */
  int64_t deadline = now_ms() + HELLO_MS;
  int fd = -1;
  pthread_mutex_lock(&l->lock);
  while (fd < 0) {
    for (size_t i = 0; i < l->n; i++)
      if (memcmp(l->items[i].nonce, nonce, NONCE_SIZE) == 0) {
        fd = l->items[i].fd;
        l->items[i] = l->items[--l->n];
        break;
      }
    int64_t left = deadline - now_ms();
    if (fd >= 0 || left <= 0) break;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(left / 1000);
    ts.tv_nsec += (long)(left % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&l->arrived, &l->lock, &ts);
  }
  pthread_mutex_unlock(&l->lock);
  return fd >= 0 ? link_new(fd) : NULL;
}

void qv__shm_listener_stop(qv__shm_listener *l) {
  if (l == NULL) return;
  if (l->started) {
    ssize_t w = write(l->wake[1], "x", 1);
    (void)w;
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->arrived);
  }
  for (size_t i = 0; i < l->n; i++) close(l->items[i].fd);
  close(l->listen_fd);
  close(l->wake[0]);
  close(l->wake[1]);
  unlink(l->addr.sun_path);
  free(l);
}

/* ------------------------------------------------------------------ */
/* Bodies                                                               */
/* ------------------------------------------------------------------ */

static qv_status link_error(qv_error *err, const char *what, int e) {
  return qv_error_set(err, QV_ERR_IO, "flight shm link: %s: %s (%s)", what, strerror(e), qv__errno_name(e));
}

/* Waits until fewer than LINK_WINDOW bodies are unacknowledged. */
static qv_status wait_credit(qv__shm_link *l, bool (*cancelled)(void *), void *ctx, qv_error *err) {
  while (l->sent - l->acked >= LINK_WINDOW) {
    if (!wait_readable(l->fd, 200)) {
      if (cancelled && cancelled(ctx))
        return qv_error_set(err, QV_ERR_IO, "flight shm link: the call was cancelled while the reader caught up");
      continue;
    }
    char acks[LINK_WINDOW * 2];
    ssize_t n = recv(l->fd, acks, sizeof acks, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return link_error(err, "reading acknowledgements", errno);
    }
    if (n == 0) return qv_error_set(err, QV_ERR_IO, "flight shm link: the reader closed its side socket");
    for (ssize_t i = 0; i < n; i++)
      if (acks[i] != 'A')
        return qv_error_set(err, QV_ERR_INVALID_DATA, "flight shm link: the reader sent byte 0x%02x, not an acknowledgement",
                            (unsigned)(uint8_t)acks[i]);
    if (l->acked + n > l->sent)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "flight shm link: more acknowledgements than bodies sent");
    l->acked += n;
  }
  return QV_OK;
}

/* The body iov[0, n) (total bytes) as one range of a registered shared
 * region: the piece anchoring it lies in the region, every other piece
 * either is the region's memory at its place in the body or has the same
 * bytes there (padding, and what the IPC writer rewrote into memory of its
 * own, e.g. offsets: compared, which costs no more than the copy the writer
 * made), and the range is 8-byte aligned within the region. */
static bool body_in_region(const struct iovec *iov, size_t n, int64_t total, qv__shm_region *r, int64_t *offset) {
  uint64_t at = 0;
  uintptr_t start = 0;
  bool found = false;
  for (size_t i = 0; i < n && !found; i++) {
    if (iov[i].iov_len >= 64 && qv__shm_registry_find(iov[i].iov_base, iov[i].iov_len, r)) {
      start = (uintptr_t)iov[i].iov_base - at;
      found = (uintptr_t)iov[i].iov_base >= at;
    }
    at += iov[i].iov_len;
  }
  uintptr_t base = (uintptr_t)r->base;
  if (!found || start < base || (start - base) % 8 != 0 || (uint64_t)total > (uint64_t)r->size - (start - base))
    return false;
  at = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *there = (const uint8_t *)(start + at);
    if ((const uint8_t *)iov[i].iov_base != there &&
        memcmp(iov[i].iov_base, there, iov[i].iov_len) != 0)
      return false;
    at += iov[i].iov_len;
  }
  *offset = (int64_t)(start - base);
  return true;
}

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void encode_body_msg(uint8_t msg[BODY_MSG_SIZE], uint32_t flags, uint64_t id, int64_t size, int64_t offset,
                            int64_t length) {
  memcpy(msg, BODY_MAGIC, 4);
  for (int i = 0; i < 4; i++) msg[4 + i] = (uint8_t)(flags >> (8 * i));
  put_u64(msg + 8, id);
  put_u64(msg + 16, (uint64_t)size);
  put_u64(msg + 24, (uint64_t)offset);
  put_u64(msg + 32, (uint64_t)length);
}

/* Where a region passed on this link sits in its FIFO (both sides keep the
 * same one), or -1. */
static int region_slot(const qv__shm_link *l, uint64_t id) {
  for (size_t i = 0; i < l->n_regions; i++)
    if (l->ids[i] == id) return (int)i;
  return -1;
}

/* Files a region just passed (mapping: the receiver's, NULL on the
 * sender), pushing out the oldest when full. */
static void region_remember(qv__shm_link *l, uint64_t id, qv_buffer *mapping) {
  size_t slot = l->next_region;
  l->next_region = (l->next_region + 1) % LINK_REGIONS;
  if (l->n_regions < LINK_REGIONS) l->n_regions++;
  qv_buffer_release(l->maps[slot]);
  l->ids[slot] = id;
  l->maps[slot] = mapping;
}

qv_status qv__shm_link_send_body(qv__shm_link *l, const struct iovec *iov, size_t n, int64_t total,
                                 bool (*cancelled)(void *), void *ctx, bool *shared, qv_error *err) {
  *shared = false;
  QV_RETURN_IF_ERROR(wait_credit(l, cancelled, ctx, err));
  uint8_t msg[BODY_MSG_SIZE];
  qv__shm_region r;
  int64_t offset = 0;
  qv_status st;
  if (body_in_region(iov, n, total, &r, &offset)) {
    /* the bytes already live in a sealed memfd: name the place */
    bool known = region_slot(l, r.id) >= 0;
    encode_body_msg(msg, known ? 0 : FLAG_FD, r.id, r.size, offset, total);
    st = qv__shm_send_msg(l->fd, msg, sizeof msg, known ? -1 : r.fd, err);
    if (st == QV_OK && !known) region_remember(l, r.id, NULL);
    *shared = st == QV_OK;
  } else {
    int fd = -1;
    QV_RETURN_IF_ERROR(qv__shm_memfd_from_iov(iov, n, total, &fd, err));
    encode_body_msg(msg, FLAG_FD | FLAG_ONCE, 0, total, 0, total);
    st = qv__shm_send_msg(l->fd, msg, sizeof msg, fd, err);
    close(fd); /* the reader's copy of the descriptor keeps the memory */
  }
  if (st == QV_OK) l->sent++;
  return st;
}

/* Maps a received region descriptor (a sealed memfd of `size` bytes). */
static qv_status map_region(int fd, int64_t size, qv_buffer **out, qv_error *err) {
  qv_shm_segment *seg = NULL;
  QV_RETURN_IF_ERROR(qv__shm_segment_take_fd(fd, size, &seg, err));
  *out = qv_buffer_retain(seg->mapping);
  qv_shm_segment_free(seg); /* the mapping outlives the descriptor */
  return QV_OK;
}

qv_status qv__shm_link_recv_body(qv__shm_link *l, int64_t expected, qv_buffer **out, qv_error *err) {
  *out = NULL;
  uint8_t msg[BODY_MSG_SIZE];
  int fd = -1;
  QV_RETURN_IF_ERROR(qv__shm_recv_msg(l->fd, msg, sizeof msg, &fd, err));
  uint32_t flags = (uint32_t)msg[4] | (uint32_t)msg[5] << 8 | (uint32_t)msg[6] << 16 | (uint32_t)msg[7] << 24;
  uint64_t id = get_u64(msg + 8), size = get_u64(msg + 16), offset = get_u64(msg + 24), length = get_u64(msg + 32);
  qv_status st = QV_OK;
  if (memcmp(msg, BODY_MAGIC, 4) != 0)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "flight shm link: a body message without its magic \"%s\"", BODY_MAGIC);
  else if ((flags & ~(uint32_t)(FLAG_FD | FLAG_ONCE)) != 0 || ((flags & FLAG_ONCE) && !(flags & FLAG_FD)))
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "flight shm link: body message flags 0x%x are not valid", (unsigned)flags);
  else if ((fd >= 0) != ((flags & FLAG_FD) != 0))
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "flight shm link: a body message %s a descriptor but says otherwise",
                      fd >= 0 ? "carries" : "lacks");
  else if (size > (uint64_t)INT64_MAX || length != (uint64_t)expected)
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "flight shm link: the message announces a body of %lld bytes but the link names %llu",
                      (long long)expected, (unsigned long long)length);
  qv_buffer *mapping = NULL;
  if (st == QV_OK && fd >= 0) {
    st = map_region(fd, (int64_t)size, &mapping, err);
    fd = -1; /* taken, even on failure */
    if (st == QV_OK && !(flags & FLAG_ONCE)) region_remember(l, id, qv_buffer_retain(mapping));
  } else if (st == QV_OK) {
    int slot = region_slot(l, id);
    if (slot < 0)
      st = qv_error_set(err, QV_ERR_INVALID_DATA,
                        "flight shm link: a body in region %llu, which this link never received (or forgot)",
                        (unsigned long long)id);
    else
      mapping = qv_buffer_retain(l->maps[slot]);
  }
  if (fd >= 0) close(fd);
  if (st == QV_OK && (offset % 8 != 0 || offset > (uint64_t)mapping->size || length > (uint64_t)mapping->size - offset))
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "flight shm link: a body of %llu bytes at offset %llu does not fit (8-aligned) in a region of "
                      "%lld bytes",
                      (unsigned long long)length, (unsigned long long)offset, (long long)mapping->size);
  if (st == QV_OK) {
    if (offset == 0 && length == (uint64_t)mapping->size)
      *out = qv_buffer_retain(mapping);
    else
      st = qv_buffer_view(mapping, (int64_t)offset, (int64_t)length, out, err);
  }
  qv_buffer_release(mapping);
  /* best effort: a sender that is gone learns nothing from it anyway */
  if (st == QV_OK) (void)!send(l->fd, "A", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  return st;
}
