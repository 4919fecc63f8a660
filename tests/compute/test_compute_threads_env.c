/* QV_COMPUTE_THREADS bounds every threaded kernel (src/compute/split.c):
 * with it set to 1 before the first call, filter, take and cast (parts)
 * and sort_indices_multi and group_by (two halves) start no thread at all. The
 * halves used to ignore it and always start one. Threads are counted by a
 * pthread_create of this test's own, which the library's calls reach
 * before the C library's (the library is linked in statically); the
 * forced-split test hook then shows the count does see the kernels'
 * threads. Not a ThreadSanitizer test: TSan has its own pthread_create. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "compute/compute_test_util.h"
#include "compute/split.h"
#include "quiver/compute.h"

static atomic_int thread_starts;

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
  static create_fn real = NULL;
  if (real == NULL) *(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
  atomic_fetch_add(&thread_starts, 1);
  return real(thread, attr, start, arg);
}

enum { SPLIT_ROWS = 1 << 18, PART_ROWS = 1 << 21 }; /* above QV__PARALLEL_MIN_ROWS, QV__COMPUTE_PARALLEL_MIN */

static qv_array *int64_column(int64_t n, int64_t modulo) {
  int64_t *v = malloc((size_t)n * sizeof *v);
  assert_non_null(v);
  for (int64_t i = 0; i < n; i++) v[i] = (int64_t)(((uint64_t)i * 2654435761u) % (uint64_t)modulo);
  qv_array *a = prim(qv_type_int64(), v, n, 8, NULL);
  free(v);
  return a;
}

static qv_array *every_other(int64_t n) {
  uint8_t *bits = malloc((size_t)n / 8);
  assert_non_null(bits);
  memset(bits, 0x55, (size_t)n / 8);
  qv_array *a = hand_array(qv_type_bool(), n, 0, 0, 2, BUFS(NULL, exact_buf(bits, n / 8)), 0, NULL, NULL);
  free(bits);
  return a;
}

/* Runs every threaded kernel once; returns the threads they started. */
static int threads_of_kernels(void) {
  qv_array *rows = int64_column(SPLIT_ROWS, 100), *big = int64_column(PART_ROWS, 1000000), *mask = every_other(PART_ROWS);
  qv_array *indices = int64_column(SPLIT_ROWS, PART_ROWS);
  qv_array *out[2] = {NULL, NULL}, *sorted = NULL, *filtered = NULL, *taken = NULL, *cast = NULL;
  qv_group_aggregate sum = {rows, QV_GROUP_SUM, QV_COUNT_VALID};
  atomic_store(&thread_starts, 0);
  qv_sort_key key = {rows, QV_SORT_ASCENDING, QV_NULLS_AT_END}; /* one int64 key: the radix sort */
  assert_int_equal(qv_compute_sort_indices_multi(&key, 1, &sorted, NULL), QV_OK);
  assert_int_equal(qv_compute_group_by(&rows, 1, &sum, 1, out, NULL), QV_OK);
  assert_int_equal(out[0]->length, 100);
  assert_int_equal(qv_compute_filter(big, mask, QV_FILTER_DROP, &filtered, NULL), QV_OK);
  assert_int_equal(filtered->length, PART_ROWS / 2);
  assert_int_equal(qv_compute_take(big, indices, &taken, NULL), QV_OK);
  assert_int_equal(qv_compute_cast(big, qv_type_float64(), true, &cast, NULL), QV_OK);
  const int started = atomic_load(&thread_starts);
  qv_array *all[] = {rows, big, mask, indices, out[0], out[1], sorted, filtered, taken, cast};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) qv_array_release(all[i]);
  return started;
}

static void one_thread_means_no_thread(void **state) {
  (void)state;
  assert_int_equal(threads_of_kernels(), 0);
}

static void the_count_sees_the_kernels_threads(void **state) {
  (void)state;
  qv__compute_set_parallel(0, 2); /* the test hook overrides the environment */
  const int started = threads_of_kernels();
  qv__compute_set_parallel(0, 0);
  /* sort: 4 passes, group-by: 1, filter, take, cast: 1 each */
  assert_int_equal(started, 8);
  assert_int_equal(threads_of_kernels(), 0); /* the environment again */
}

int main(void) {
  setenv("QV_COMPUTE_THREADS", "1", 1); /* read once, at the first kernel call */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(one_thread_means_no_thread),
      cmocka_unit_test(the_count_sees_the_kernels_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
