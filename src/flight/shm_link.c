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
 *   3. the sender of the data (the server for DoGet, the client for DoPut)
 *      writes each large body into a new sealed memfd, sends that fd over
 *      the side socket (shm's segment message: header + SCM_RIGHTS), then
 *      the FlightData with its data_header and no data_body; the receiver,
 *      seeing a bodyLength with no body, takes the next fd from the side
 *      socket, which must be a sealed memfd of exactly bodyLength bytes
 *      (shm/transport.c checks), maps it and answers one byte 'A'.
 *
 * Flow control: gRPC's windows do not bound the memfds (their FlightData
 * are tiny), so the sender keeps at most LINK_WINDOW bodies unacknowledged.
 * Any peer that does not speak this (pyarrow, or a quiver without the side
 * socket) never sees the header or never answers "on", and the call carries
 * its bodies as gRPC bytes. DoExchange always does.
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

#define HELLO_MAGIC "QVFLSHM1"
#define HELLO_SIZE 32
#define NONCE_SIZE ((QV__SHM_NONCE_HEX - 1) / 2)
/* bodies sent and not yet acknowledged, at most */
#define LINK_WINDOW 4
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

void qv__shm_link_free(qv__shm_link *l) {
  if (l == NULL) return;
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

qv_status qv__shm_link_send_body(qv__shm_link *l, const struct iovec *iov, size_t n, int64_t total,
                                 bool (*cancelled)(void *), void *ctx, qv_error *err) {
  QV_RETURN_IF_ERROR(wait_credit(l, cancelled, ctx, err));
  int fd = -1;
  QV_RETURN_IF_ERROR(qv__shm_memfd_from_iov(iov, n, total, &fd, err));
  qv_status st = qv__shm_send_fd(l->fd, fd, total, err);
  close(fd); /* the reader's copy of the descriptor keeps the memory */
  if (st == QV_OK) l->sent++;
  return st;
}

qv_status qv__shm_link_recv_body(qv__shm_link *l, int64_t expected, qv_buffer **out, qv_error *err) {
  *out = NULL;
  qv_shm_segment *seg = NULL;
  QV_RETURN_IF_ERROR(qv_shm_receive_segment(l->fd, &seg, err));
  qv_status st = QV_OK;
  if (seg->size != expected)
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "flight shm link: the message announces a body of %lld bytes but its memfd holds %lld",
                      (long long)expected, (long long)seg->size);
  else
    *out = qv_buffer_retain(seg->mapping);
  qv_shm_segment_free(seg); /* the mapping outlives the descriptor */
  /* best effort: a sender that is gone learns nothing from it anyway */
  if (st == QV_OK) (void)!send(l->fd, "A", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  return st;
}
