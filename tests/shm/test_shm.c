/* quiver shm: tables shared between processes through sealed memfds.
 *
 * Round trips of every type, zero-copy (the read arrays point into the
 * shared mapping), a second process reading a 1 GiB table with flat memory,
 * the seals, and every way a hostile peer can send the wrong thing: no
 * descriptor, several, a pipe, an unsealed memfd, a size that lies, a bad
 * header, garbage inside a sealed memfd, a closed socket. */
#include "ipc/ipc_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "quiver/shm.h"
#include "shm/internal.h"

static void make_pair(int sv[2]) { assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0); }

static qv_table *small_table(void) {
  qv_schema *s = tu_all_types_schema();
  int64_t lengths[] = {7, 0, 33};
  qv_table *t = tu_table(s, lengths, 3, true);
  qv_schema_release(s);
  return t;
}

/* Number of open descriptors of this process. */
static int open_fd_count(void) {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++)
    if (fcntl(fd, F_GETFD) != -1) n++;
  return n;
}

/* True when [p, p+n) lies inside a mapping of a memfd named quiver-table
 * (per /proc/self/maps). */
static bool in_shared_mapping(const void *p) {
  FILE *f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[512];
  bool found = false;
  while (!found && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
    if ((uintptr_t)p >= lo && (uintptr_t)p < hi && strstr(line, "memfd:quiver-table") != NULL) found = true;
  }
  fclose(f);
  return found;
}

static void test_roundtrip_every_type(void **state) {
  (void)state;
  int sv[2];
  make_pair(sv);
  qv_table *t = small_table();
  OK(qv_shm_send_table(sv[0], t, NULL, err));
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.full_validation = true;
  qv_table *back = NULL;
  OK(qv_shm_receive_table(sv[1], &ro, &back, err));
  tu_assert_tables_equal(t, back, "shm round trip");
  qv_table_release(back);
  qv_table_release(t);
  close(sv[0]);
  close(sv[1]);
}

static void test_read_is_zero_copy(void **state) {
  (void)state;
  int64_t n = 1 << 16;
  qv_buffer *values = NULL;
  OK(qv_buffer_allocate(NULL, n * 8, true, &values, err));
  for (int64_t i = 0; i < n; i++) ((int64_t *)values->data)[i] = i * 3;
  qv_buffer *bufs[2] = {NULL, values};
  qv_type *i64 = qv_type_int64();
  qv_array *col = NULL;
  OK(qv_array_new(i64, n, 0, 0, 2, bufs, 0, NULL, NULL, &col, err));
  const char *names[] = {"x"};
  qv_table *t = NULL;
  OK(qv_table_from_arrays(names, &col, 1, &t, err));

  qv_shm_segment *seg = NULL;
  OK(qv_shm_segment_create(t, NULL, &seg, err));
  assert_true(qv_shm_segment_size(seg) > n * 8);
  qv_table *back = NULL;
  OK(qv_shm_segment_read(seg, NULL, &back, err));
  qv_shm_segment_free(seg); /* the arrays keep the mapping alive */
  const qv_array *got = back->batches[0]->columns[0];
  const int64_t *data = (const int64_t *)got->buffers[1]->data + got->offset;
  assert_true(in_shared_mapping(data));
  assert_int_equal(data[n - 1], (n - 1) * 3);
  tu_assert_tables_equal(t, back, "zero-copy read");
  qv_table_release(back);
  qv_table_release(t);
  qv_array_release(col);
  qv_type_release(i64);
  qv_buffer_release(values);
}

static void test_segment_is_sealed(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_shm_segment *seg = NULL;
  OK(qv_shm_segment_create(t, NULL, &seg, err));
  int fd = qv_shm_segment_fd(seg);
  int seals = fcntl(fd, F_GET_SEALS);
  assert_true((seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) ==
              (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL));
  assert_int_equal(pwrite(fd, "x", 1, 0), -1);
  assert_int_equal(errno, EPERM);
  assert_int_equal(ftruncate(fd, 1), -1);
  assert_int_equal(errno, EPERM);
  assert_true(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
  qv_shm_segment_free(seg);
  qv_table_release(t);
}

static void test_one_segment_many_receivers(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_shm_segment *seg = NULL;
  OK(qv_shm_segment_create(t, NULL, &seg, err));
  for (int i = 0; i < 3; i++) {
    int sv[2];
    make_pair(sv);
    OK(qv_shm_segment_send(sv[0], seg, err));
    qv_table *back = NULL;
    OK(qv_shm_receive_table(sv[1], NULL, &back, err));
    tu_assert_tables_equal(t, back, "receiver");
    qv_table_release(back);
    close(sv[0]);
    close(sv[1]);
  }
  qv_shm_segment_free(seg);
  qv_table_release(t);
}

/* The inode of the memfd behind descriptor fd. */
static ino_t inode_of(int fd) {
  struct stat sb;
  assert_int_equal(fstat(fd, &sb), 0);
  return sb.st_ino;
}

/* Sends `t` with qv_shm_send_table (opts may be NULL) and returns the
 * inode of the memfd that arrived; *back receives the table read from it. */
static ino_t send_and_receive(const qv_table *t, const qv_ipc_write_options *opts, qv_table **back) {
  int sv[2];
  make_pair(sv);
  OK(qv_shm_send_table(sv[0], t, opts, err));
  qv_shm_segment *seg = NULL;
  OK(qv_shm_receive_segment(sv[1], &seg, err));
  ino_t ino = inode_of(qv_shm_segment_fd(seg));
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.full_validation = true;
  OK(qv_shm_segment_read(seg, &ro, back, err));
  qv_shm_segment_free(seg);
  close(sv[0]);
  close(sv[1]);
  return ino;
}

/* A table made by qv_shm_table_share travels as the memfd it lives in (the
 * receiver gets the very same file: no second copy); a part of it, a
 * table rebuilt from other buffers, or a request for compression is
 * written into a new segment. Every receiver reads the right values. */
static void test_shared_table_sent_as_its_own_memfd(void **state) {
  (void)state;
  qv_table *t = small_table();
  qv_table *shared = NULL;
  OK(qv_shm_table_share(t, &shared, err));
  qv__shm_region region;
  assert_true(qv__shm_table_region(shared, &region));
  ino_t home = inode_of(region.fd);
  assert_false(qv__shm_table_region(t, &region)); /* private memory: not shared */

  qv_table *back = NULL;
  assert_true(send_and_receive(shared, NULL, &back) == home);
  tu_assert_tables_equal(t, back, "shared table, same memfd");
  qv_table_release(back);

  /* the same batches regathered into a new table are still the stream */
  qv_table *regathered = NULL;
  OK(qv_table_new(shared->schema, shared->batches, shared->n_batches, &regathered, err));
  assert_true(send_and_receive(regathered, NULL, &back) == home);
  tu_assert_tables_equal(t, back, "regathered shared table");
  qv_table_release(back);
  qv_table_release(regathered);

  /* fewer batches: not the stream in the memfd, so copied */
  qv_table *part = NULL;
  OK(qv_table_new(shared->schema, shared->batches, 1, &part, err));
  qv_table *part_of_t = NULL;
  OK(qv_table_new(t->schema, t->batches, 1, &part_of_t, err));
  assert_true(send_and_receive(part, NULL, &back) != home);
  tu_assert_tables_equal(part_of_t, back, "part of a shared table");
  qv_table_release(back);
  qv_table_release(part);
  qv_table_release(part_of_t);

  /* compression asked for: written anew, as asked */
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.compression = QV_IPC_COMPRESSION_ZSTD;
  assert_true(send_and_receive(shared, &wo, &back) != home);
  tu_assert_tables_equal(t, back, "shared table sent compressed");
  qv_table_release(back);

  qv_table_release(shared);
  qv_table_release(t);
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  fclose(f);
  return kib;
}

/* A child process receives a 1 GiB table and reads it in place: its
 * resident memory grows by less than 1 % of the data (the pages it never
 * touches are never faulted in), and the values it samples are right. */
static void test_other_process_reads_1gib_in_place(void **state) {
  (void)state;
  const int64_t n = (int64_t)1 << 27; /* 128 Mi int64 = 1 GiB */
  qv_buffer *values = NULL;
  OK(qv_buffer_allocate(NULL, n * 8, true, &values, err));
  int64_t *v = (int64_t *)values->data;
  for (int64_t i = 0; i < n; i += 1 << 20) v[i] = i; /* a few marked slots, the rest zero */
  v[n - 1] = -7;
  qv_buffer *bufs[2] = {NULL, values};
  qv_type *i64 = qv_type_int64();
  qv_array *col = NULL;
  OK(qv_array_new(i64, n, 0, 0, 2, bufs, 0, NULL, NULL, &col, err));
  const char *names[] = {"big"};
  qv_table *t = NULL;
  OK(qv_table_from_arrays(names, &col, 1, &t, err));
  qv_array_release(col);
  qv_type_release(i64);
  qv_buffer_release(values);
  qv_shm_segment *seg = NULL;
  OK(qv_shm_segment_create(t, NULL, &seg, err));
  qv_table_release(t); /* the producer's own copy is gone: only the memfd holds the data */

  int sv[2];
  make_pair(sv);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(sv[0]);
    alarm(60); /* bounded: a hang kills the child, and the parent sees it */
    long before = rss_kib();
    qv_table *got = NULL;
    qv_error e;
    if (qv_shm_receive_table(sv[1], NULL, &got, &e) != QV_OK) _exit(10);
    long grown = rss_kib() - before; /* receiving and reading the table: headers only */
    const qv_array *a = got->batches[0]->columns[0];
    if (a->length != n) _exit(11);
    const int64_t *d = (const int64_t *)a->buffers[1]->data + a->offset;
    for (int64_t i = 0; i < n; i += 1 << 20)
      if (d[i] != i) _exit(12);
    if (d[n - 1] != -7) _exit(13);
    qv_table_release(got);
    /* 1 % of 1 GiB = 10.24 MiB */
    _exit(grown >= 0 && grown * 1024 < (n * 8) / 100 ? 0 : 14);
  }
  close(sv[1]);
  OK(qv_shm_segment_send(sv[0], seg, err));
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  close(sv[0]);
  qv_shm_segment_free(seg);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- hostile peers ---- */

/* Sends `header` (16 bytes) with the given descriptors attached. */
static void send_raw(int sock, const uint8_t *header, size_t len, const int *fds, int nfds) {
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * 4)];
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {.iov_base = (void *)header, .iov_len = len};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (nfds > 0) {
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
  }
  assert_int_equal(sendmsg(sock, &msg, 0), (ssize_t)len);
}

/* A memfd holding `bytes`, sealed with `seals`. */
static int memfd_with(const void *bytes, size_t n, int seals) {
  int fd = memfd_create("quiver-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, bytes, n), (ssize_t)n);
  if (seals) assert_int_equal(fcntl(fd, F_ADD_SEALS, seals), 0);
  return fd;
}

static void expect_refused(const uint8_t *header, size_t len, const int *fds, int nfds, qv_status want,
                           const char *needle) {
  int sv[2];
  make_pair(sv);
  int before = open_fd_count();
  send_raw(sv[0], header, len, fds, nfds);
  close(sv[0]);
  qv_table *t = NULL;
  qv_error e;
  memset(&e, 0, sizeof e);
  qv_status st = qv_shm_receive_table(sv[1], NULL, &t, &e);
  if (st != want || strstr(e.message, needle) == NULL)
    fail_msg("wanted %s with '%s', got %s: %s", qv_status_name(want), needle, qv_status_name(st), e.message);
  assert_null(t);
  assert_int_equal(open_fd_count(), before - 1); /* sv[0] closed; nothing received leaked */
  close(sv[1]);
}

static qv_buffer *stream_bytes(void) {
  qv_table *t = small_table();
  qv_buffer *b = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &b, err));
  qv_table_release(t);
  return b;
}

static void test_bad_input_no_descriptor(void **state) {
  (void)state;
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, 100);
  expect_refused(h, sizeof h, NULL, 0, QV_ERR_INVALID_DATA, "exactly one descriptor");
}

static void test_bad_input_two_descriptors(void **state) {
  (void)state;
  qv_buffer *b = stream_bytes();
  int seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
  int fds[2] = {memfd_with(b->data, (size_t)b->size, seals), memfd_with(b->data, (size_t)b->size, seals)};
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, b->size);
  expect_refused(h, sizeof h, fds, 2, QV_ERR_INVALID_DATA, "carried 2");
  close(fds[0]);
  close(fds[1]);
  qv_buffer_release(b);
}

static void test_bad_input_pipe_descriptor(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, 0);
  expect_refused(h, sizeof h, &p[0], 1, QV_ERR_INVALID_DATA, "not a memfd");
  close(p[0]);
  close(p[1]);
}

static void test_bad_input_unsealed_memfd(void **state) {
  (void)state;
  qv_buffer *b = stream_bytes();
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, b->size);
  int fd = memfd_with(b->data, (size_t)b->size, 0);
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_INVALID_DATA, "not sealed against writing shrinking growing");
  close(fd);
  /* sealed against writing but not shrinking: still refused */
  fd = memfd_with(b->data, (size_t)b->size, F_SEAL_WRITE);
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_INVALID_DATA, "shrinking");
  close(fd);
  qv_buffer_release(b);
}

static void test_bad_input_size_lies(void **state) {
  (void)state;
  qv_buffer *b = stream_bytes();
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, b->size + 4096);
  int fd = memfd_with(b->data, (size_t)b->size, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_INVALID_DATA, "announced");
  close(fd);
  qv_buffer_release(b);
}

static void test_bad_input_header(void **state) {
  (void)state;
  qv_buffer *b = stream_bytes();
  int fd = memfd_with(b->data, (size_t)b->size, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, b->size);
  h[0] = 'X';
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_INVALID_DATA, "QVSHM");
  qv__shm_header_encode(h, b->size);
  h[6] = 9;
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_UNSUPPORTED, "version 9");
  qv__shm_header_encode(h, b->size);
  h[15] = 0x80; /* size with the sign bit set */
  expect_refused(h, sizeof h, &fd, 1, QV_ERR_INVALID_DATA, "negative size");
  qv__shm_header_encode(h, b->size);
  expect_refused(h, 5, &fd, 1, QV_ERR_TRUNCATED, "after 5 of the header's 16 bytes");
  close(fd);
  qv_buffer_release(b);
}

static void test_bad_input_garbage_in_sealed_memfd(void **state) {
  (void)state;
  uint8_t junk[4096];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)(i * 131u + 7u);
  int fd = memfd_with(junk, sizeof junk, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
  uint8_t h[QV__SHM_HEADER_SIZE];
  qv__shm_header_encode(h, sizeof junk);
  int sv[2];
  make_pair(sv);
  send_raw(sv[0], h, sizeof h, &fd, 1);
  qv_table *t = NULL;
  qv_error e;
  qv_status st = qv_shm_receive_table(sv[1], NULL, &t, &e);
  assert_int_not_equal(st, QV_OK);
  assert_null(t);
  assert_non_null(strstr(e.message, "shm segment of 4096 bytes"));
  close(fd);
  close(sv[0]);
  close(sv[1]);
}

static void test_bad_input_truncated_stream_in_memfd(void **state) {
  (void)state;
  qv_buffer *b = stream_bytes();
  for (int64_t cut = 1; cut < b->size; cut += b->size / 37 + 1) {
    int fd = memfd_with(b->data, (size_t)cut, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
    qv_shm_segment *seg = NULL;
    OK(qv_shm_segment_from_fd(fd, &seg, err));
    close(fd);
    qv_table *t = NULL;
    qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
    ro.require_eos = true;
    qv_error e;
    assert_int_not_equal(qv_shm_segment_read(seg, &ro, &t, &e), QV_OK);
    assert_null(t);
    qv_shm_segment_free(seg);
  }
  qv_buffer_release(b);
}

static void test_bad_input_peer_closed(void **state) {
  (void)state;
  int sv[2];
  make_pair(sv);
  close(sv[0]);
  qv_table *t = NULL;
  qv_error e;
  assert_int_equal(qv_shm_receive_table(sv[1], NULL, &t, &e), QV_ERR_TRUNCATED);
  assert_non_null(strstr(e.message, "closed the socket before"));
  close(sv[1]);
}

static void test_bad_arguments(void **state) {
  (void)state;
  qv_error e;
  qv_shm_segment *seg = NULL;
  assert_int_equal(qv_shm_segment_create(NULL, NULL, &seg, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_shm_segment_send(0, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_shm_segment_read(NULL, NULL, NULL, &e), QV_ERR_INVALID_ARGUMENT);
  assert_int_equal(qv_shm_segment_from_fd(-1, &seg, &e), QV_ERR_IO);
  assert_int_equal(qv_shm_receive_segment(-1, &seg, &e), QV_ERR_IO);
  assert_int_equal(qv_shm_segment_fd(NULL), -1);
  assert_int_equal(qv_shm_segment_size(NULL), 0);
  qv_shm_segment_free(NULL);
  /* sending on something that is not a socket */
  qv_table *t = small_table();
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_int_equal(qv_shm_send_table(p[1], t, NULL, &e), QV_ERR_IO);
  assert_non_null(strstr(e.message, "sendmsg of a segment failed"));
  close(p[0]);
  close(p[1]);
  qv_table_release(t);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_every_type),
      cmocka_unit_test(test_read_is_zero_copy),
      cmocka_unit_test(test_segment_is_sealed),
      cmocka_unit_test(test_one_segment_many_receivers),
      cmocka_unit_test(test_shared_table_sent_as_its_own_memfd),
      cmocka_unit_test(test_other_process_reads_1gib_in_place),
      cmocka_unit_test(test_bad_input_no_descriptor),
      cmocka_unit_test(test_bad_input_two_descriptors),
      cmocka_unit_test(test_bad_input_pipe_descriptor),
      cmocka_unit_test(test_bad_input_unsealed_memfd),
      cmocka_unit_test(test_bad_input_size_lies),
      cmocka_unit_test(test_bad_input_header),
      cmocka_unit_test(test_bad_input_garbage_in_sealed_memfd),
      cmocka_unit_test(test_bad_input_truncated_stream_in_memfd),
      cmocka_unit_test(test_bad_input_peer_closed),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
