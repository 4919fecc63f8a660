/* Same-host sharing: a table handed to another process through a sealed
 * memfd (quiver shm) against the same table sent as IPC stream bytes over
 * the same Unix socket and read there (the copy the memfd transport
 * avoids), at 1 MiB, 64 MiB and 1 GiB.
 *
 * One transfer = the producer sends, the consumer process receives, reads
 * the table (structural validation) and answers one byte. The shm segment
 * is written once per size, outside the timing: a producer shares a table
 * it already holds in shared memory, so the transfer's time should not
 * depend on the data's size, while the byte copy's grows with it. */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "quiver/ipc.h"
#include "quiver/shm.h"
#include "quiver/table.h"

static int write_all(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n > 0) {
    ssize_t k = write(fd, b, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

static int read_all(int fd, void *p, size_t n) {
  uint8_t *b = p;
  while (n > 0) {
    ssize_t k = read(fd, b, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    b += k;
    n -= (size_t)k;
  }
  return 0;
}

/* The consumer: loops on requests until the socket closes. Mode byte 's'
 * (a segment follows) or 'b' (an 8-byte length and stream bytes follow). */
static void consumer(int sock) {
  for (;;) {
    char mode;
    if (read_all(sock, &mode, 1) != 0) _exit(0);
    qv_table *t = NULL;
    qv_error err;
    if (mode == 's') {
      if (qv_shm_receive_table(sock, NULL, &t, &err) != QV_OK) _exit(2);
    } else {
      int64_t n;
      qv_buffer *buf = NULL;
      if (read_all(sock, &n, sizeof n) != 0 || qv_buffer_allocate(NULL, n, false, &buf, &err) != QV_OK ||
          read_all(sock, buf->data, (size_t)n) != 0 || qv_ipc_read_stream_buffer(buf, NULL, &t, &err) != QV_OK)
        _exit(3);
      qv_buffer_release(buf);
    }
    qv_table_release(t);
    if (write_all(sock, "k", 1) != 0) _exit(4);
  }
}

typedef struct {
  int sock;
  qv_shm_segment *segment;
  qv_buffer *stream;
} transfer;

static void await_ack(int sock) {
  char ack;
  if (read_all(sock, &ack, 1) != 0) {
    fprintf(stderr, "bench_shm: consumer died\n");
    exit(1);
  }
}

static void shm_transfer(void *ctx) {
  transfer *x = ctx;
  qv_error err;
  if (write_all(x->sock, "s", 1) != 0 || qv_shm_segment_send(x->sock, x->segment, &err) != QV_OK) {
    fprintf(stderr, "bench_shm: send failed\n");
    exit(1);
  }
  await_ack(x->sock);
}

static void bytes_transfer(void *ctx) {
  transfer *x = ctx;
  int64_t n = x->stream->size;
  if (write_all(x->sock, "b", 1) != 0 || write_all(x->sock, &n, sizeof n) != 0 ||
      write_all(x->sock, x->stream->data, (size_t)n) != 0) {
    fprintf(stderr, "bench_shm: write failed\n");
    exit(1);
  }
  await_ack(x->sock);
}

static qv_table *int64_table(int64_t n) {
  qv_buffer *values = NULL;
  qv_error err;
  if (qv_buffer_allocate(NULL, n * 8, false, &values, &err) != QV_OK) exit(1);
  for (int64_t i = 0; i < n; i++) ((int64_t *)values->data)[i] = i * 7;
  qv_buffer *bufs[2] = {NULL, values};
  qv_type *i64 = qv_type_int64();
  qv_array *col = NULL;
  qv_table *t = NULL;
  const char *names[] = {"v"};
  if (qv_array_new(i64, n, 0, 0, 2, bufs, 0, NULL, NULL, &col, &err) != QV_OK ||
      qv_table_from_arrays(names, &col, 1, &t, &err) != QV_OK) {
    fprintf(stderr, "bench_shm: %s\n", err.message);
    exit(1);
  }
  qv_array_release(col);
  qv_type_release(i64);
  qv_buffer_release(values);
  return t;
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    consumer(sv[1]);
  }
  close(sv[1]);
  static const struct {
    const char *key, *label;
    int64_t bytes;
  } sizes[] = {
      {"S1", "S1 share a 1 MiB table with another process (us per transfer)", (int64_t)1 << 20},
      {"S2", "S2 share a 64 MiB table with another process (us per transfer)", (int64_t)64 << 20},
      {"S3", "S3 share a 1 GiB table with another process (us per transfer)", (int64_t)1 << 30},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    qv_table *t = int64_table(sizes[i].bytes / 8);
    transfer x = {.sock = sv[0]};
    qv_error err;
    if (qv_shm_segment_create(t, NULL, &x.segment, &err) != QV_OK ||
        qv_ipc_write_stream_buffer(t, NULL, &x.stream, &err) != QV_OK) {
      fprintf(stderr, "bench_shm: %s\n", err.message);
      return 1;
    }
    qv_table_release(t);
    double ts, tb;
    bench_time_pair(shm_transfer, &x, bytes_transfer, &x, &ts, &tb);
    bench_row(sizes[i].key, sizes[i].label, "us", ts * 1e6, "IPC bytes over the socket", tb * 1e6);
    qv_shm_segment_free(x.segment);
    qv_buffer_release(x.stream);
  }
  close(sv[0]);
  int status;
  waitpid(pid, &status, 0);
  return 0;
}
