/* IO helpers: writev sinks (more iovecs than IOV_MAX, short writes on a
 * pipe, memory growth past the mmap threshold and region reuse, callback
 * sinks), whole-fd reads, mmap lifetime, and the body planner's padding
 * and bitmap rewriting (no stale bytes reach the output). */
#include "ipc_test_util.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc/body.h"
#include "ipc/io.h"

static void test_writev_many_iovecs_to_pipe(void **state) {
  (void)state;
  enum { N = 3000 }; /* > IOV_MAX (1024) */
  static struct iovec iov[N];
  static uint8_t bytes[N];
  for (int i = 0; i < N; i++) {
    bytes[i] = (uint8_t)(i * 7);
    iov[i].iov_base = &bytes[i];
    iov[i].iov_len = 1;
  }
  int p[2];
  assert_int_equal(pipe(p), 0);
  /* a large single piece too, so the pipe forces short writes */
  size_t big = 300000;
  uint8_t *blob = (uint8_t *)malloc(big);
  for (size_t i = 0; i < big; i++) blob[i] = (uint8_t)(i % 251);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    qv_io_sink s;
    qv__io_sink_init_fd(&s, p[1]);
    if (qv__io_sink_writev(&s, iov, N, NULL) != QV_OK) _exit(1);
    if (qv__io_sink_write(&s, blob, big, NULL) != QV_OK) _exit(2);
    _exit(s.position == (int64_t)(N + big) ? 0 : 3);
  }
  close(p[1]);
  qv_buffer *got = NULL;
  OK(qv__io_read_all(p[0], &got, err));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_int_equal(got->size, N + (int64_t)big);
  assert_memory_equal(got->data, bytes, N);
  assert_memory_equal(got->data + N, blob, big);
  qv_buffer_release(got);
  free(blob);
}

static void test_memory_sink_growth_and_reuse(void **state) {
  (void)state;
  uint8_t chunk[4096];
  for (int i = 0; i < 4096; i++) chunk[i] = (uint8_t)i;
  const uint8_t *first_region = NULL;
  for (int round = 0; round < 2; round++) {
    qv_io_sink s;
    qv__io_sink_init_memory(&s);
    for (int i = 0; i < 1024; i++) OK(qv__io_sink_write(&s, chunk, sizeof chunk, err)); /* 4 MiB: mmap'd */
    assert_true(s.mem_mapped);
    qv_buffer *out = NULL;
    OK(qv__io_sink_take(&s, &out, err));
    assert_int_equal(out->size, 4 << 20);
    for (int i = 0; i < 1024; i += 97) assert_memory_equal(out->data + i * 4096, chunk, 4096);
    if (round == 0) first_region = out->data;
    else assert_ptr_equal(out->data, first_region); /* the released region was reused */
    qv_buffer_release(out);
    qv__io_sink_free(&s);
  }
  /* a small sink stays on the heap; an empty one gives an empty buffer */
  qv_io_sink s;
  qv__io_sink_init_memory(&s);
  qv_buffer *out = NULL;
  OK(qv__io_sink_take(&s, &out, err));
  assert_int_equal(out->size, 0);
  qv_buffer_release(out);
  OK(qv__io_sink_write(&s, "abc", 3, err));
  assert_false(s.mem_mapped);
  OK(qv__io_sink_take(&s, &out, err));
  assert_memory_equal(out->data, "abc", 3);
  qv_buffer_release(out);
  qv__io_sink_free(&s);
}

static void test_map_and_read(void **state) {
  (void)state;
  char path[256];
  snprintf(path, sizeof path, "/tmp/qv-io-%ld", (long)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  qv_buffer *b = NULL;
  OK(qv__io_map_path(path, &b, err)); /* empty file */
  assert_int_equal(b->size, 0);
  qv_buffer_release(b);
  assert_int_equal(write(fd, "hello world", 11), 11);
  OK(qv__io_map_path(path, &b, err));
  assert_int_equal(b->size, 11);
  qv_buffer *v = NULL;
  OK(qv_buffer_view(b, 6, 5, &v, err));
  qv_buffer_release(b); /* the view keeps the mapping */
  assert_memory_equal(v->data, "world", 5);
  qv_buffer_release(v);
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  char got[16];
  size_t n = 0;
  OK(qv__io_read_full(fd, got, sizeof got, &n, err));
  assert_int_equal(n, 11);
  assert_memory_equal(got, "hello world", 11);
  close(fd);
  unlink(path);
  qv_error e;
  assert_int_equal(qv__io_map_path(path, &b, &e), QV_ERR_NOT_FOUND);
  assert_non_null(strstr(e.message, path));
  assert_int_equal(qv_ipc_read_path(path, NULL, NULL, &e), QV_ERR_NOT_FOUND);
}

/* qv__io_map_forget drops the pages of a file mapping and leaves the
 * bytes as they were (a later access maps them again); on memory that is
 * not such a mapping (a file read into memory, wrapped memory) it does
 * nothing: there dropping pages would zero the bytes. */
static void test_map_forget_keeps_bytes(void **state) {
  (void)state;
  char path[256];
  snprintf(path, sizeof path, "/tmp/qv-io-forget-%ld", (long)getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  const size_t n = (size_t)3 << 20; /* large enough for the allocator's mapped blocks */
  uint8_t *pattern = malloc(n);
  assert_non_null(pattern);
  for (size_t i = 0; i < n; i++) pattern[i] = (uint8_t)(i * 7 + (i >> 12));
  assert_int_equal(write(fd, pattern, n), (ssize_t)n);
  qv_buffer *map = NULL;
  OK(qv__io_map_path(path, &map, err));
  assert_memory_equal(map->data, pattern, n); /* every page mapped */
  qv_buffer *view = NULL;
  OK(qv_buffer_view(map, 5000, 100000, &view, err));
  qv__io_map_forget(map, 100, (int64_t)n - 200);
  qv__io_map_forget(map, 0, (int64_t)n);
  assert_memory_equal(map->data, pattern, n);
  assert_memory_equal(view->data, pattern + 5000, 100000);
  /* out-of-range requests and a view of the mapping are ignored */
  qv__io_map_forget(map, -1, 10);
  qv__io_map_forget(map, 10, (int64_t)n);
  qv__io_map_forget(map, (int64_t)n + 1, 1);
  qv__io_map_forget(map, 0, 0);
  qv__io_map_forget(view, 0, 100000);
  qv__io_map_forget(NULL, 0, 10);
  assert_memory_equal(view->data, pattern + 5000, 100000);
  qv_buffer_release(view);
  qv_buffer_release(map);
  /* the file's bytes in owned memory, and wrapped memory: left alone */
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  qv_buffer *copy = NULL;
  OK(qv__io_read_all(fd, &copy, err));
  assert_int_equal(copy->size, (int64_t)n);
  qv__io_map_forget(copy, 0, (int64_t)n);
  assert_memory_equal(copy->data, pattern, n);
  qv_buffer_release(copy);
  qv_buffer *wrapped = NULL;
  OK(qv_buffer_wrap(pattern, (int64_t)n, NULL, NULL, &wrapped, err));
  qv__io_map_forget(wrapped, 0, (int64_t)n);
  assert_int_equal(pattern[n - 1], (uint8_t)((n - 1) * 7 + ((n - 1) >> 12)));
  assert_int_equal(pattern[4096], (uint8_t)(4096 * 7 + 1));
  qv_buffer_release(wrapped);
  free(pattern);
  close(fd);
  unlink(path);
}

/* Bitmaps written from a slice at a bit offset are shifted and zero past
 * their last bit; padding between buffers is zero. */
static void test_plan_layout(void **state) {
  (void)state;
  qv_builder *bld = NULL;
  OK(qv_builder_new(qv_type_int16(), NULL, &bld, err));
  for (int i = 0; i < 20; i++) {
    if (i % 4 == 1)
      OK(qv_builder_append_null(bld));
    else
      OK(qv_builder_append_int16(bld, (int16_t)(100 + i)));
  }
  qv_array *a = NULL, *sl = NULL;
  OK(qv_builder_finish(bld, &a, err));
  qv_builder_free(bld);
  OK(qv_array_slice(a, 3, 10, &sl, err)); /* slots 3..12: nulls at 5 and 9 */
  for (int al = 8; al <= 64; al += 56) {
    qv_body_plan p;
    qv__body_plan_init(&p, al, QV_IPC_NO_COMPRESSION, 0, NULL);
    OK(qv__body_plan_add(&p, sl, err));
    assert_int_equal(p.nodes[0].length, 10);
    assert_int_equal(p.nodes[0].null_count, 2);
    assert_int_equal(p.n_buffers, 2);
    assert_int_equal(p.buffers[0].offset, 0);
    assert_int_equal(p.buffers[0].length, 2);
    assert_int_equal(p.buffers[1].offset, al);
    assert_int_equal(p.buffers[1].length, 20);
    assert_int_equal(p.body_length % al, 0);
    /* flatten the body */
    uint8_t body[256];
    size_t pos = 0;
    for (int i = 0; i < p.n_iov; i++) {
      memcpy(body + pos, p.iov[i].iov_base, p.iov[i].iov_len);
      pos += p.iov[i].iov_len;
    }
    assert_int_equal((int64_t)pos, p.body_length);
    /* validity: slots 3..12 -> bits 0..9, nulls at bits 2 and 6, zero past bit 9 */
    assert_int_equal(body[0], 0xBB); /* 1011 1011 */
    assert_int_equal(body[1], 0x03);
    for (int i = 2; i < al; i++) assert_int_equal(body[i], 0); /* padding */
    int16_t v;
    memcpy(&v, body + al, 2);
    assert_int_equal(v, 103);
    for (int64_t i = al + 20; i < p.body_length; i++) assert_int_equal(body[i], 0);
    qv__body_plan_free(&p);
  }
  qv_array_release(sl);
  qv_array_release(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_writev_many_iovecs_to_pipe),
      cmocka_unit_test(test_memory_sink_growth_and_reuse),
      cmocka_unit_test(test_map_and_read),
      cmocka_unit_test(test_map_forget_keeps_bytes),
      cmocka_unit_test(test_plan_layout),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
