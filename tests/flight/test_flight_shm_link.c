/* The memfd link of grpc+unix Flight peers (src/flight/shm_link.c) over a
 * socketpair: bodies that already live in a shared region (a table made by
 * qv_shm_table_share) travel as a place in it, the region's descriptor
 * only once per link, and the reader maps each region once (its bodies are
 * views of one mapping); other bodies are copied into a memfd of their own.
 * And the reader against a hostile writer: each malformed body message is
 * refused with INVALID_DATA naming what is wrong (bad magic, bad flags, a
 * descriptor missing or extra, a region never sent, a place outside the
 * region or misaligned, a length other than the message's, an unsealed
 * memfd). */
#include "ipc/ipc_test_util.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "flight/internal.h"
#include "shm/internal.h"

typedef struct pair {
  qv__shm_link *writer, *reader;
  int raw; /* the writer's socket, for hand-made messages (borrowed) */
} pair;

static pair pair_new(void) {
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pair p = {qv__shm_link_from_socket(sv[0]), qv__shm_link_from_socket(sv[1]), sv[0]};
  assert_non_null(p.writer);
  assert_non_null(p.reader);
  return p;
}

static void pair_free(pair *p) {
  qv__shm_link_free(p->writer);
  qv__shm_link_free(p->reader);
}

/* A table of two int64 columns in shared memory, 100,000 rows (bodies of
 * 1.6 MB: far above the link's threshold). */
static qv_table *shared_table(void) {
  qv_field *fs[2] = {tu_field("a", qv_type_int64(), false), tu_field("b", qv_type_int64(), false)};
  qv_schema *s = NULL;
  OK(qv_schema_new(fs, 2, NULL, &s, err));
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  const int64_t lengths[] = {60000, 40000};
  qv_table *t = tu_table(s, lengths, 2, false);
  qv_schema_release(s);
  qv_table *shared = NULL;
  OK(qv_shm_table_share(t, &shared, err));
  qv_table_release(t);
  return shared;
}

static const qv_buffer *root_of(const qv_buffer *b) {
  while (b->parent_) b = b->parent_;
  return b;
}

/* The data buffer of column c of batch i as one iovec. */
static struct iovec column_iov(const qv_table *t, int64_t i, int c) {
  const qv_buffer *b = t->batches[i]->columns[c]->buffers[1];
  return (struct iovec){b->data, (size_t)b->size};
}

static void test_shared_bodies_travel_as_places(void **state) {
  qv_table *t = shared_table();
  pair p = pair_new();
  qv_buffer *got[3] = {NULL, NULL, NULL};
  /* three bodies from the same region: two columns of batch 0 as one body,
   * then column a of batch 1, then column b of batch 1 */
  struct iovec body0[2] = {column_iov(t, 0, 0), column_iov(t, 0, 1)};
  struct iovec body1 = column_iov(t, 1, 0), body2 = column_iov(t, 1, 1);
  const struct iovec *bodies[3] = {body0, &body1, &body2};
  size_t counts[3] = {2, 1, 1};
  for (int k = 0; k < 3; k++) {
    int64_t total = 0;
    for (size_t j = 0; j < counts[k]; j++) total += (int64_t)bodies[k][j].iov_len;
    bool shared = false;
    OK(qv__shm_link_send_body(p.writer, bodies[k], counts[k], total, NULL, NULL, &shared, err));
    /* body 0 spans two buffers: it is one range only if the writer laid
     * them out back to back, which qv_shm_table_share's stream does not
     * promise (it pads between them); then it was copied */
    if (k > 0) assert_true(shared);
    OK(qv__shm_link_recv_body(p.reader, total, &got[k], err));
    assert_int_equal(got[k]->size, total);
    int64_t at = 0;
    for (size_t j = 0; j < counts[k]; j++) {
      assert_memory_equal(got[k]->data + at, bodies[k][j].iov_base, bodies[k][j].iov_len);
      at += (int64_t)bodies[k][j].iov_len;
    }
  }
  /* bodies 1 and 2 are views of one mapping of the region */
  assert_ptr_equal(root_of(got[1]), root_of(got[2]));
  assert_ptr_not_equal(got[1]->data, body1.iov_base); /* the reader's own mapping */
  for (int k = 0; k < 3; k++) qv_buffer_release(got[k]);
  pair_free(&p);
  qv_table_release(t);
}

static void test_private_bodies_are_copied_once(void **state) {
  pair p = pair_new();
  size_t n = 1 << 17;
  uint8_t *a = malloc(n);
  for (size_t i = 0; i < n; i++) a[i] = (uint8_t)(i * 7);
  struct iovec v[2] = {{a, n / 2}, {a + n / 2, n / 2}};
  bool shared = true;
  for (int k = 0; k < 6; k++) { /* more than the window of four: acknowledgements flow */
    OK(qv__shm_link_send_body(p.writer, v, 2, (int64_t)n, NULL, NULL, &shared, err));
    assert_false(shared);
    qv_buffer *got = NULL;
    OK(qv__shm_link_recv_body(p.reader, (int64_t)n, &got, err));
    assert_memory_equal(got->data, a, n);
    qv_buffer_release(got);
  }
  free(a);
  pair_free(&p);
}

/* ---- a hostile writer ---- */

static void put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void body_msg(uint8_t m[40], const char *magic, uint32_t flags, uint64_t id, uint64_t size, uint64_t off,
                     uint64_t len) {
  memcpy(m, magic, 4);
  put_le(m + 4, flags, 4);
  put_le(m + 8, id, 8);
  put_le(m + 16, size, 8);
  put_le(m + 24, off, 8);
  put_le(m + 32, len, 8);
}

/* A sealed memfd of n bytes (sealed = false: no seals). */
static int make_memfd(size_t n, bool sealed) {
  int fd = memfd_create("qv-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, (off_t)n), 0);
  if (sealed) assert_int_equal(fcntl(fd, F_ADD_SEALS, QV__SHM_REQUIRED_SEALS), 0);
  return fd;
}

static void expect_refused(const uint8_t m[40], int fd, int64_t expected, const char *needle) {
  pair p = pair_new();
  OK(qv__shm_send_msg(p.raw, m, 40, fd, err));
  qv_buffer *got = NULL;
  qv_error e;
  assert_int_equal(qv__shm_link_recv_body(p.reader, expected, &got, &e), QV_ERR_INVALID_DATA);
  assert_null(got);
  if (strstr(e.message, needle) == NULL) fail_msg("expected '%s' in '%s'", needle, e.message);
  pair_free(&p);
}

static void test_hostile_body_messages(void **state) {
  uint8_t m[40];
  int fd = make_memfd(4096, true);
  body_msg(m, "XXXX", 1, 7, 4096, 0, 4096);
  expect_refused(m, fd, 4096, "magic");
  body_msg(m, "QVBD", 8, 7, 4096, 0, 4096);
  expect_refused(m, fd, 4096, "flags 0x8");
  body_msg(m, "QVBD", 2, 7, 4096, 0, 4096); /* once without a descriptor flag */
  expect_refused(m, fd, 4096, "flags 0x2");
  body_msg(m, "QVBD", 0, 7, 4096, 0, 4096); /* says no descriptor, carries one */
  expect_refused(m, fd, 4096, "carries a descriptor");
  body_msg(m, "QVBD", 1, 7, 4096, 0, 4096); /* says one, carries none */
  expect_refused(m, -1, 4096, "lacks a descriptor");
  body_msg(m, "QVBD", 0, 7, 4096, 0, 4096);
  expect_refused(m, -1, 4096, "region 7, which this link never received");
  body_msg(m, "QVBD", 1, 7, 4096, 0, 2048);
  expect_refused(m, fd, 4096, "a body of 4096 bytes but the link names 2048");
  body_msg(m, "QVBD", 1, 7, 4096, 4, 1024);
  expect_refused(m, fd, 1024, "does not fit (8-aligned)");
  body_msg(m, "QVBD", 1, 7, 4096, 4088, 16);
  expect_refused(m, fd, 16, "does not fit");
  body_msg(m, "QVBD", 1, 7, 4096, UINT64_MAX - 7, 16);
  expect_refused(m, fd, 16, "does not fit");
  body_msg(m, "QVBD", 1, 7, 8192, 0, 4096); /* the memfd is smaller than said */
  expect_refused(m, fd, 4096, "announced 8192 bytes");
  close(fd);
  int unsealed = make_memfd(4096, false);
  body_msg(m, "QVBD", 3, 0, 4096, 0, 4096);
  expect_refused(m, unsealed, 4096, "not sealed");
  close(unsealed);
}

/* A region sent once is named by id afterwards; the reader keeps it. */
static void test_region_named_again(void **state) {
  pair p = pair_new();
  int fd = make_memfd(8192, true);
  uint8_t m[40];
  body_msg(m, "QVBD", 1, 42, 8192, 0, 4096);
  OK(qv__shm_send_msg(p.raw, m, 40, fd, err));
  close(fd);
  qv_buffer *a = NULL, *b = NULL;
  OK(qv__shm_link_recv_body(p.reader, 4096, &a, err));
  body_msg(m, "QVBD", 0, 42, 8192, 4096, 4096);
  OK(qv__shm_send_msg(p.raw, m, 40, -1, err));
  OK(qv__shm_link_recv_body(p.reader, 4096, &b, err));
  assert_ptr_equal(root_of(a), root_of(b));
  assert_ptr_equal(b->data, a->data + 4096);
  qv_buffer_release(a);
  qv_buffer_release(b);
  pair_free(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shared_bodies_travel_as_places),
      cmocka_unit_test(test_private_bodies_are_copied_once),
      cmocka_unit_test(test_hostile_body_messages),
      cmocka_unit_test(test_region_named_again),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
