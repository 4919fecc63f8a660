/* Threads (issue 6 part 6): arrays and buffers shared across threads.
 *
 * One IPC file is mmapped (qv_ipc_file_reader_open_path) and one stream is
 * imported through the C Stream Interface (the mmapped table exported as an
 * ArrowArrayStream, then imported); two threads work at once:
 *   - "file" reads the mmapped batches, validates them fully and compares
 *     them with the source, slices their columns and hands the references
 *     to the other thread, which releases them;
 *   - "stream" pulls the imported batches (whose buffers are the mapping's,
 *     reached through C Data release callbacks), checks them the same way
 *     and hands them over to be released by "file";
 *   - both hammer retain/release and the lazy null count of the same
 *     arrays, write a multi-megabyte table to memory (the output region
 *     cache in io.c is shared) and give the output to the other thread,
 *     which reads it back zero-copy, compares and releases it;
 *   - the main thread drops its references while the workers run, so the
 *     last release (and the munmap) happens in a worker.
 * Built and run under ThreadSanitizer by `make test-tsan`; in the other
 * builds it is an ordinary test (ASan checks the lifetimes).
 */
#include "durable/durable_util.h"

#include <pthread.h>
#include <sched.h>

#include "quiver/cdata.h"

/* ---- failures in workers: recorded, reported by the main thread ---- */

static pthread_mutex_t g_fail_mu = PTHREAD_MUTEX_INITIALIZER;
static char g_fail[512];

#define WCHECK(cond, ...)                                                   \
  do {                                                                      \
    if (!(cond)) {                                                          \
      pthread_mutex_lock(&g_fail_mu);                                       \
      if (g_fail[0] == 0) {                                                 \
        int n_ = snprintf(g_fail, sizeof g_fail, "%s:%d: %s: ", __FILE__,   \
                          __LINE__, #cond);                                 \
        if (n_ > 0 && (size_t)n_ < sizeof g_fail)                           \
          snprintf(g_fail + n_, sizeof g_fail - (size_t)n_, __VA_ARGS__);   \
      }                                                                     \
      pthread_mutex_unlock(&g_fail_mu);                                     \
      return false;                                                         \
    }                                                                       \
  } while (0)

/* ---- a blocking hand-off queue of references ---- */

enum { ITEM_ARRAY = 1, ITEM_BATCH = 2, ITEM_BUFFER = 3, ITEM_END = 4 };

typedef struct item {
  int kind;
  void *p;
} item;

#define QCAP 256
typedef struct queue {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  item items[QCAP];
  int head, count;
} queue;

static void q_init(queue *q) {
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->cv, NULL);
  q->head = q->count = 0;
}

static void q_destroy(queue *q) {
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->cv);
}

/* Appends unless the queue is full (returns false then). */
static bool q_try_push(queue *q, int kind, void *p) {
  pthread_mutex_lock(&q->mu);
  bool room = q->count < QCAP;
  if (room) {
    q->items[(q->head + q->count) % QCAP] = (item){kind, p};
    q->count++;
    pthread_cond_broadcast(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  return room;
}

/* Pops one item; waits when `block`, else returns kind 0 when empty. */
static item q_pop(queue *q, bool block) {
  item it = {0, NULL};
  pthread_mutex_lock(&q->mu);
  while (block && q->count == 0) pthread_cond_wait(&q->cv, &q->mu);
  if (q->count > 0) {
    it = q->items[q->head];
    q->head = (q->head + 1) % QCAP;
    q->count--;
    pthread_cond_broadcast(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  return it;
}

/* ---- shared state ---- */

typedef struct shared {
  const qv_table *source;   /* the table written to the file */
  qv_table *mapped;         /* read from the mmapped file: retained by each worker */
  qv_stream_reader *stream; /* imported stream over `mapped`: the stream worker's only */
  const qv_table *big;      /* written to memory by both workers */
  int rounds;
  pthread_barrier_t start;
} shared;

typedef struct worker {
  shared *sh;
  queue *inbox, *outbox;
  bool is_file;
  bool ok;
  bool peer_done;           /* the other thread sent ITEM_END */
  int64_t handled;          /* items received and released */
} worker;

/* Releases (after checking) what the other thread handed over. Returns
 * false on a failed check. */
static bool consume(worker *w, item it) {
  switch (it.kind) {
    case ITEM_ARRAY: {
      qv_array *a = (qv_array *)it.p;
      WCHECK(qv_array_validate(a, QV_VALIDATE_STRUCTURE, NULL) == QV_OK, "handed-over array invalid");
      qv_array_release(a);
      break;
    }
    case ITEM_BATCH:
      qv_batch_release((qv_batch *)it.p);
      break;
    case ITEM_BUFFER: {
      qv_buffer *buf = (qv_buffer *)it.p;
      qv_table *back = NULL;
      qv_error e;
      WCHECK(qv_ipc_read_buffer(buf, NULL, &back, &e) == QV_OK, "read back: %s", e.message);
      bool same = qv_table_equals(back, w->sh->big);
      qv_table_release(back);
      qv_buffer_release(buf); /* the table held views: the region goes back here */
      WCHECK(same, "table read back from the other thread's output differs");
      break;
    }
    case ITEM_END:
      w->peer_done = true;
      return true;
    default:
      break;
  }
  w->handled++;
  return true;
}

static void drain_available(worker *w) {
  for (item it = q_pop(w->inbox, false); it.kind != 0; it = q_pop(w->inbox, false))
    if (!consume(w, it)) w->ok = false;
}

/* Hands a reference to the other thread; while its inbox is full, works
 * through ours (so two busy threads never wait on each other). */
static void give(worker *w, int kind, void *p) {
  while (!q_try_push(w->outbox, kind, p)) {
    drain_available(w);
    sched_yield();
  }
}

/* Checks a batch against the source and hands its columns (retained and
 * sliced) to the other thread. */
static bool check_and_share(worker *w, qv_batch *b, int64_t index) {
  qv_error e;
  WCHECK(index < w->sh->source->n_batches, "too many batches");
  WCHECK(qv_batch_validate(b, QV_VALIDATE_FULL, &e) == QV_OK, "batch %lld: %s", (long long)index, e.message);
  WCHECK(qv_batch_equals(b, w->sh->source->batches[index]), "batch %lld differs from the source", (long long)index);
  for (int32_t c = 0; c < b->n_columns; c++) {
    qv_array *a = b->columns[c];
    (void)qv_array_null_count(a); /* lazy, cached: races with the other thread's call */
    for (int k = 0; k < 50; k++) qv_array_release(qv_array_retain(a));
    qv_array *s = NULL;
    int64_t off = a->length > 2 ? 1 : 0;
    WCHECK(qv_array_slice(a, off, a->length - off, &s, &e) == QV_OK, "%s", e.message);
    give(w, ITEM_ARRAY, s);
    give(w, ITEM_ARRAY, qv_array_retain(a));
  }
  drain_available(w);
  return true;
}

static bool write_big(worker *w) {
  qv_buffer *out = NULL;
  qv_error e;
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  WCHECK(qv_ipc_write_buffer(w->is_file ? QV_IPC_FORMAT_FILE : QV_IPC_FORMAT_STREAM, w->sh->big, &wo, &out, &e) ==
             QV_OK,
         "%s", e.message);
  /* past 1 MiB the memory sink is an mmap'd region, recycled through the
   * process-wide cache in io.c that both threads share */
  bool region = out->size > (1 << 20);
  give(w, ITEM_BUFFER, out);
  WCHECK(region || du_quick(), "the output is too small to exercise the region cache");
  return true;
}

static bool file_work(worker *w) {
  const qv_table *m = w->sh->mapped;
  for (int r = 0; r < w->sh->rounds; r++) {
    for (int64_t i = 0; i < m->n_batches; i++)
      if (!check_and_share(w, m->batches[i], i)) return false;
    if (!write_big(w)) return false;
  }
  return true;
}

static bool stream_work(worker *w) {
  qv_error e;
  int64_t i = 0;
  for (;;) {
    qv_batch *b = NULL;
    WCHECK(qv_stream_reader_next(w->sh->stream, &b, &e) == QV_OK, "imported stream: %s", e.message);
    if (b == NULL) break;
    bool ok = check_and_share(w, b, i++);
    give(w, ITEM_BATCH, b); /* released by the file thread */
    if (!ok) return false;
  }
  WCHECK(i == w->sh->source->n_batches, "imported stream gave %lld batches", (long long)i);
  const qv_table *m = w->sh->mapped;
  for (int r = 0; r < w->sh->rounds; r++) {
    for (int64_t k = 0; k < m->n_batches; k++)
      if (!check_and_share(w, m->batches[k], k)) return false;
    if (!write_big(w)) return false;
  }
  return true;
}

static void *worker_main(void *arg) {
  worker *w = (worker *)arg;
  qv_table *mine = w->sh->mapped; /* retained for us by main */
  pthread_barrier_wait(&w->sh->start);
  w->ok = true;
  if (!(w->is_file ? file_work(w) : stream_work(w))) w->ok = false;
  give(w, ITEM_END, NULL);
  while (!w->peer_done) /* release everything still coming, until the other side ends */
    if (!consume(w, q_pop(w->inbox, true))) w->ok = false;
  qv_table_release(mine); /* possibly the last reference: unmaps here */
  return NULL;
}

static void run_two_threads(int rounds) {
  char dir[128], path[256];
  du_tmpdir(dir, sizeof dir, "threads");
  snprintf(path, sizeof path, "%s/shared.arrow", dir);
  qv_schema *s = tu_all_types_schema();
  int64_t lens[3] = {200, 100, 57};
  qv_table *source = tu_table(s, lens, 3, true);
  qv_schema_release(s);
  qv_table *big = du_table(du_quick() ? 20000 : 60000, 2); /* > 1 MiB: the mmap'd region path */
  OK(qv_ipc_write_file_path(path, source, NULL, err));

  qv_ipc_file_reader *fr = NULL;
  OK(qv_ipc_file_reader_open_path(path, NULL, &fr, err));
  qv_table *mapped = NULL;
  OK(qv_ipc_file_reader_read_all(fr, &mapped, err));
  qv_ipc_file_reader_free(fr); /* the batches keep the mapping alive */
  unlink(path);                /* and so does the mapping itself */

  struct ArrowArrayStream cs;
  memset(&cs, 0, sizeof cs);
  OK(qv_table_export_stream(mapped, &cs, err));
  qv_stream_reader *imported = NULL;
  OK(qv_stream_import(&cs, &imported, err));

  shared sh;
  memset(&sh, 0, sizeof sh);
  sh.source = source;
  sh.mapped = mapped;
  sh.stream = imported;
  sh.big = big;
  sh.rounds = rounds;
  pthread_barrier_init(&sh.start, NULL, 3);
  queue qa, qb;
  q_init(&qa);
  q_init(&qb);
  worker wf = {&sh, &qa, &qb, true, false, false, 0};
  worker ws = {&sh, &qb, &qa, false, false, false, 0};
  qv_table_retain(mapped);
  qv_table_retain(mapped);
  pthread_t tf, ts;
  assert_int_equal(pthread_create(&tf, NULL, worker_main, &wf), 0);
  assert_int_equal(pthread_create(&ts, NULL, worker_main, &ws), 0);
  pthread_barrier_wait(&sh.start);
  qv_table_release(mapped); /* the workers now hold the only references */
  pthread_join(tf, NULL);
  pthread_join(ts, NULL);
  qv_stream_reader_release(imported); /* its batches were released by the file thread */
  pthread_barrier_destroy(&sh.start);
  q_destroy(&qa);
  q_destroy(&qb);
  if (g_fail[0]) fail_msg("%s", g_fail);
  assert_true(wf.ok && ws.ok);
  print_message("  file thread released %lld items, stream thread %lld\n", (long long)wf.handled,
                (long long)ws.handled);
  assert_true(wf.handled > 0 && ws.handled > 0);
  qv_table_release(big);
  qv_table_release(source);
  du_rmtree(dir);
}

static void test_mmapped_file_and_imported_stream_in_two_threads(void **state) {
  (void)state;
  run_two_threads(du_quick() ? 1 : 3);
}

/* Many threads releasing the last references of one shared buffer and its
 * views at once: exactly one release frees (ASan/TSan would see a double
 * free or a race). */
typedef struct release_args {
  qv_buffer **bufs;
  int n;
  pthread_barrier_t *go;
} release_args;

static void *release_many(void *arg) {
  release_args *r = (release_args *)arg;
  pthread_barrier_wait(r->go);
  for (int i = 0; i < r->n; i++) qv_buffer_release(r->bufs[i]);
  return NULL;
}

static int g_frees;
static void count_free(void *ctx, const uint8_t *data, int64_t size) {
  (void)size;
  __atomic_fetch_add(&g_frees, 1, __ATOMIC_RELAXED);
  free(ctx);
  (void)data;
}

static void test_last_release_races(void **state) {
  (void)state;
  enum { THREADS = 4, REFS = 200, ROUNDS = 20 };
  for (int round = 0; round < ROUNDS; round++) {
    uint8_t *mem = (uint8_t *)malloc(4096);
    memset(mem, round, 4096);
    qv_buffer *foreign = NULL;
    OK(qv_buffer_wrap(mem, 4096, count_free, mem, &foreign, err));
    qv_buffer *refs[THREADS][REFS];
    for (int t = 0; t < THREADS; t++)
      for (int i = 0; i < REFS; i++) {
        if (i % 2)
          refs[t][i] = qv_buffer_retain(foreign);
        else
          OK(qv_buffer_view(foreign, i, 64, &refs[t][i], err));
      }
    qv_buffer_release(foreign);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, THREADS);
    pthread_t th[THREADS];
    release_args ra[THREADS];
    for (int t = 0; t < THREADS; t++) {
      ra[t] = (release_args){refs[t], REFS, &go};
      assert_int_equal(pthread_create(&th[t], NULL, release_many, &ra[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&go);
    assert_int_equal(__atomic_load_n(&g_frees, __ATOMIC_RELAXED), round + 1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mmapped_file_and_imported_stream_in_two_threads),
      cmocka_unit_test(test_last_release_races),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
