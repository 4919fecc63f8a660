/* Parquet: reading row groups through a projection; the batch reader and
 * scans.
 *
 * Reading a row group reads the chunks of the projected fields' leaves,
 * assembles each field, restores its target type (ARROW:schema,
 * read_dictionary, binary_type, pruning) and frees the chunks before
 * returning, so memory holds one row group's projected columns at most. In
 * pread mode a chunk's bytes are read just before it is decoded and
 * released after. The fields of a row group are read on two threads (this
 * one and a helper) taking fields, largest first, from a shared counter; a
 * scan pools the fields of all its row groups the same way, so a scan of a
 * single field reads two row groups at once. Every result lands in its own
 * slot and the error reported is the one of the lowest failing field or
 * row group, so results and messages do not depend on scheduling. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/internal.h"
#include "ipc/io.h"
#include "parquet/arrow_schema.h"
#include "parquet/assemble.h"
#include "parquet/file.h"
#include "parquet/projection.h"

/* The byte range the footer gives chunk `cc`: [*start, *start + *len),
 * clamped to the bytes before the footer. False when it lies outside them
 * (*start is set either way). */
static bool chunk_span(const qv_parquet_file *f, const qv__pq_column_chunk *cc, int64_t *start, int64_t *len) {
  const qv__pq_column_meta *m = &cc->meta;
  int64_t s = m->data_page_offset;
  if (m->dictionary_page_offset > 0 && m->dictionary_page_offset < s) s = m->dictionary_page_offset;
  *start = s;
  *len = 0;
  if (s < 4 || (uint64_t)s >= f->data_end || m->total_compressed_size <= 0) return false;
  *len = m->total_compressed_size < (int64_t)f->data_end - s ? m->total_compressed_size : (int64_t)f->data_end - s;
  return true;
}

/* The bytes chunk `cc` is decoded from: the whole mapping, or (pread mode)
 * its byte range read now. *buf is NULL when the chunk has no values. */
static qv_status chunk_region(qv_parquet_file *f, const qv__pq_column_chunk *cc, const char *path, qv_buffer **buf,
                              int64_t *base, size_t *end, qv_error *err) {
  *buf = NULL;
  *base = 0;
  *end = f->data_end;
  if (f->bytes != NULL) {
    *buf = qv_buffer_retain(f->bytes);
    return QV_OK;
  }
  const qv__pq_column_meta *m = &cc->meta;
  if (m->num_values == 0) return QV_OK;
  int64_t start = 0, len = 0;
  if (!chunk_span(f, cc, &start, &len))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s': chunk of %lld bytes at offset %lld outside the file's %zu data bytes",
                        path, (long long)m->total_compressed_size, (long long)start, f->data_end);
  if (len > f->limits.max_bytes)
    return qv_error_set(err, QV_ERR_LIMIT, "column '%s': chunk of %lld bytes exceeds the reader's limit of %lld", path,
                        (long long)len, (long long)f->limits.max_bytes);
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, len, false, buf, err));
  qv_status st = qv__io_pread_full(f->fd, (*buf)->data, (size_t)len, start, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "column '%s': ", path);
    qv_buffer_release(*buf);
    *buf = NULL;
    return st;
  }
  *base = start;
  *end = (size_t)(start + len);
  return QV_OK;
}

/* A decoded chunk's bytes in a mapped file are not read again: their
 * pages leave the process's page tables now (qv__io_map_forget), on the
 * thread that decoded them, instead of all at once when the file is closed
 * (one thread then walking every page the reads touched). Values that are
 * a view of the mapping (a zero-copy page) keep their pages mapped. */
static void forget_chunk(const qv_parquet_file *f, const qv__pq_column_chunk *cc, const qv__pq_chunk *c) {
  int64_t start = 0, len = 0;
  if (f->bytes == NULL || (c->values.data != NULL && c->values.data->kind_ == QV__BUFFER_VIEW) ||
      !chunk_span(f, cc, &start, &len))
    return;
  qv__io_map_forget(f->bytes, start, len);
}

/* split: this read runs alone, so each chunk's pages are decoded on both
 * threads (chunk.c). */
static qv_status read_field(qv_parquet_file *f, int32_t rg, const qv__pq_node *node, qv__pq_node *const *leaves,
                            qv_type *target, bool split, qv_array **out, qv_error *err) {
  const qv__pq_row_group *g = &f->meta.row_groups[rg];
  qv__pq_chunk *chunks = qv__calloc((size_t)node->n_leaves + 1, sizeof(qv__pq_chunk));
  QV_CHECK_ALLOC(chunks, err);
  qv_status st = QV_OK;
  int32_t done = 0;
  qv_array *raw = NULL;
  for (int32_t i = 0; i < node->n_leaves; i++) {
    const qv__pq_node *leaf = leaves[i];
    const qv__pq_column_chunk *cc = &g->columns[leaf->column];
    qv_buffer *region = NULL;
    int64_t base = 0;
    size_t end = 0;
    QV_GOTO_IF_ERROR(st, chunk_region(f, cc, f->paths[leaf->column], &region, &base, &end, err), done);
    st = qv__pq_chunk_read(region, base, end, cc, leaf->elem, f->paths[leaf->column], leaf->def_level, leaf->rep_level,
                           &f->limits, split && f->threads > 1, &chunks[i], err);
    qv_buffer_release(region);
    if (st != QV_OK) goto done;
    done++;
    forget_chunk(f, cc, &chunks[i]);
  }
  QV_GOTO_IF_ERROR(st, qv__pq_assemble(node, chunks, g->num_rows, &raw, err), done);
  st = qv__pq_arrow_restore(raw, target, out, err);
done:
  for (int32_t i = 0; i < done; i++) qv__pq_chunk_free(&chunks[i]);
  qv__free(chunks);
  qv_array_release(raw);
  if (st != QV_OK) qv_error_prefix(err, "row group %d: ", (int)rg);
  return st;
}

/* The decoding work a field of row group rg stands for: its leaves'
 * decompressed bytes, as the footer states them (a hint for ordering
 * only; a hostile footer can only make the order worse). */
static int64_t field_cost(const qv_parquet_file *f, int32_t rg, const qv__pq_projection *proj, int32_t i) {
  const qv__pq_row_group *g = &f->meta.row_groups[rg];
  int64_t cost = 0;
  for (int32_t k = 0; k < proj->nodes[i]->n_leaves; k++) {
    int64_t c = g->columns[proj->leaves[i][k]->column].meta.total_uncompressed_size;
    if (c > 0 && cost <= INT64_MAX - c) cost += c;
  }
  return cost;
}

/* order[0, n) = the fields 0..n-1 of row group rg, largest first: two
 * threads taking them in that order finish together (the longest field
 * started last would leave one thread idle while the other ends it). */
static void fields_by_cost(const qv_parquet_file *f, int32_t rg, const qv__pq_projection *proj, int32_t *order,
                           int64_t *cost) {
  int32_t n = proj->n;
  for (int32_t i = 0; i < n; i++) {
    int64_t c = field_cost(f, rg, proj, i);
    int32_t j = i;
    for (; j > 0 && cost[j - 1] < c; j--) {
      cost[j] = cost[j - 1];
      order[j] = order[j - 1];
    }
    cost[j] = c;
    order[j] = i;
  }
}

/* ---- a row group's fields on two threads ---- */

typedef struct field_pool {
  qv_parquet_file *f;
  int32_t rg;
  const qv__pq_projection *proj;
  const int32_t *order; /* fields in the order they are taken (largest first) */
  qv_array **cols;
  atomic_int next;
} field_pool;

typedef struct pool_worker {
  void *pool;
  int32_t fail_i; /* lowest index that failed (count: none) */
  qv_status st;
  qv_error err;
} pool_worker;

static void note_failure(pool_worker *w, int32_t i, qv_status st, const qv_error *e) {
  if (st != QV_OK && i < w->fail_i) {
    w->fail_i = i;
    w->st = st;
    w->err = *e;
  }
}

static void *field_thread(void *arg) {
  pool_worker *w = arg;
  field_pool *p = w->pool;
  for (;;) {
    int32_t k = atomic_fetch_add(&p->next, 1);
    if (k >= p->proj->n) return NULL;
    int32_t i = p->order[k];
    qv_error e;
    qv_status st = read_field(p->f, p->rg, p->proj->nodes[i], p->proj->leaves[i], p->proj->schema->fields[i]->type,
                              p->proj->n == 1, &p->cols[i], &e);
    note_failure(w, i, st, &e);
  }
}

/* Runs fn on this thread and, when `two`, on a helper; returns the error
 * of the lowest failing index. */
static qv_status run_pool(void *pool, void *(*fn)(void *), bool two, int32_t count, qv_error *err) {
  pool_worker ws[2];
  for (int t = 0; t < 2; t++) {
    ws[t].pool = pool;
    ws[t].fail_i = count;
    ws[t].st = QV_OK;
    qv_error_clear(&ws[t].err);
  }
  pthread_t th;
  bool started = two && pthread_create(&th, NULL, fn, &ws[1]) == 0;
  fn(&ws[0]);
  if (started) pthread_join(th, NULL);
  int bad = -1;
  for (int t = 0; t < 2; t++)
    if (ws[t].st != QV_OK && (bad < 0 || ws[t].fail_i < ws[bad].fail_i)) bad = t;
  if (bad < 0) return QV_OK;
  if (err) *err = ws[bad].err;
  return ws[bad].st;
}

static qv_status read_group(qv_parquet_file *f, int32_t rg, const qv__pq_projection *proj, qv_batch **out,
                            qv_error *err) {
  if (rg < 0 || rg >= f->meta.n_row_groups)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet row group %d out of range (%d row groups)", (int)rg,
                        (int)f->meta.n_row_groups);
  int32_t count = proj->n;
  qv_array **cols = qv__calloc((size_t)count + 1, sizeof(qv_array *));
  int32_t *order = qv__calloc((size_t)count + 1, sizeof(int32_t));
  int64_t *cost = qv__calloc((size_t)count + 1, sizeof(int64_t));
  qv_status st = QV_OK;
  if (cols == NULL || order == NULL || cost == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  fields_by_cost(f, rg, proj, order, cost);
  field_pool pool = {.f = f, .rg = rg, .proj = proj, .order = order, .cols = cols};
  atomic_init(&pool.next, 0);
  st = run_pool(&pool, field_thread, f->threads > 1 && count > 1, count, err);
  if (st == QV_OK) st = qv_batch_new(proj->schema, f->meta.row_groups[rg].num_rows, cols, NULL, out, err);
done:
  for (int32_t i = 0; cols != NULL && i < count; i++) qv_array_release(cols[i]);
  qv__free(cols);
  qv__free(order);
  qv__free(cost);
  return st;
}

qv_status qv_parquet_file_read_row_group(qv_parquet_file *f, int32_t rg, const int32_t *fields, int32_t n_fields,
                                         qv_batch **out, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  qv__pq_projection proj;
  QV_RETURN_IF_ERROR(qv__pq_projection_fields(&f->tree, f->schema, fields, n_fields, &proj, err));
  qv_status st = read_group(f, rg, &proj, out, err);
  qv__pq_projection_free(&proj);
  return st;
}

/* ---- the batch reader ---- */

struct qv_parquet_batch_reader {
  qv_parquet_file *f;       /* borrowed */
  qv__pq_projection proj;
  int32_t *groups;          /* row groups to read, in order (skipped ones left out) */
  int32_t n_groups;
  int32_t next;
  int32_t skipped;
};

qv_status qv_parquet_batch_reader_open(qv_parquet_file *f, const qv_parquet_scan_options *opts,
                                       qv_parquet_batch_reader **out, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  qv_parquet_scan_options d = {0};
  if (opts == NULL) opts = &d;
  int32_t n = opts->row_groups ? opts->n_row_groups : f->meta.n_row_groups;
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "negative row group count");
  qv_parquet_batch_reader *r = qv__calloc(1, sizeof(*r));
  QV_CHECK_ALLOC(r, err);
  r->f = f;
  qv_status st = QV_OK;
  r->groups = qv__calloc((size_t)n + 1, sizeof(int32_t));
  if (r->groups == NULL) QV_FAIL_GOTO(st, fail, err, QV_ERR_NO_MEMORY, "out of memory");
  if (opts->columns != NULL)
    st = qv__pq_projection_columns(&f->tree, f->schema, opts->columns, opts->n_columns, &r->proj, err);
  else
    st = qv__pq_projection_fields(&f->tree, f->schema, opts->fields, opts->n_fields, &r->proj, err);
  if (st != QV_OK) goto fail;
  for (int32_t i = 0; i < n; i++) {
    int32_t g = opts->row_groups ? opts->row_groups[i] : i;
    bool keep = true;
    if (g < 0 || g >= f->meta.n_row_groups)
      QV_FAIL_GOTO(st, fail, err, QV_ERR_OUT_OF_RANGE, "Parquet row group %d out of range (%d row groups)", (int)g,
                   (int)f->meta.n_row_groups);
    QV_GOTO_IF_ERROR(st, qv_parquet_file_row_group_may_match(f, g, opts->predicates, opts->n_predicates, &keep, err),
                     fail);
    if (keep) r->groups[r->n_groups++] = g;
    else r->skipped++;
  }
  *out = r;
  return QV_OK;
fail:
  qv_parquet_batch_reader_close(r);
  return st;
}

const qv_schema *qv_parquet_batch_reader_schema(const qv_parquet_batch_reader *r) { return r->proj.schema; }
int32_t qv_parquet_batch_reader_row_groups_skipped(const qv_parquet_batch_reader *r) { return r->skipped; }

qv_status qv_parquet_batch_reader_next(qv_parquet_batch_reader *r, qv_batch **out, qv_error *err) {
  if (r == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  if (r->next >= r->n_groups) return QV_OK;
  QV_RETURN_IF_ERROR(read_group(r->f, r->groups[r->next], &r->proj, out, err));
  r->next++;
  return QV_OK;
}

void qv_parquet_batch_reader_close(qv_parquet_batch_reader *r) {
  if (r == NULL) return;
  qv__pq_projection_free(&r->proj);
  qv__free(r->groups);
  qv__free(r);
}

/* ---- scans ---- */

/* A scan's fields of all its row groups are one pool of tasks, row group
 * after row group and, within one, largest field first: the two threads
 * never wait for each other at a row group's end, and a scan of one field
 * reads two row groups at once. Each result lands in its own slot
 * (group * fields + field); the error reported is the lowest slot's. */
typedef struct scan_task {
  int32_t group; /* index into r->groups */
  int32_t field;
} scan_task;

typedef struct scan_pool {
  qv_parquet_batch_reader *r;
  const scan_task *tasks;
  int32_t n_tasks;
  qv_array **cols; /* n_groups * proj.n slots */
  atomic_int next;
} scan_pool;

static void *scan_thread(void *arg) {
  pool_worker *w = arg;
  scan_pool *p = w->pool;
  const qv__pq_projection *proj = &p->r->proj;
  for (;;) {
    int32_t k = atomic_fetch_add(&p->next, 1);
    if (k >= p->n_tasks) return NULL;
    const scan_task *t = &p->tasks[k];
    int32_t slot = t->group * proj->n + t->field;
    qv_error e;
    qv_status st = read_field(p->r->f, p->r->groups[t->group], proj->nodes[t->field], proj->leaves[t->field],
                              proj->schema->fields[t->field]->type, p->n_tasks == 1, &p->cols[slot], &e);
    note_failure(w, slot, st, &e);
  }
}

qv_status qv_parquet_file_scan(qv_parquet_file *f, const qv_parquet_scan_options *opts, qv_table **out,
                               int32_t *skipped, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  qv_parquet_batch_reader *r = NULL;
  QV_RETURN_IF_ERROR(qv_parquet_batch_reader_open(f, opts, &r, err));
  const int32_t nf = r->proj.n, ng = r->n_groups;
  int64_t n_slots = (int64_t)nf * ng;
  qv_batch **batches = qv__calloc((size_t)ng + 1, sizeof(qv_batch *));
  qv_array **cols = n_slots <= INT32_MAX ? qv__calloc((size_t)n_slots + 1, sizeof(qv_array *)) : NULL;
  scan_task *tasks = n_slots <= INT32_MAX ? qv__calloc((size_t)n_slots + 1, sizeof(scan_task)) : NULL;
  int32_t *order = qv__calloc((size_t)nf + 1, sizeof(int32_t));
  int64_t *cost = qv__calloc((size_t)nf + 1, sizeof(int64_t));
  qv_status st = QV_OK;
  if (batches == NULL || cols == NULL || tasks == NULL || order == NULL || cost == NULL)
    QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (a scan of %d row groups)", (int)ng);
  int32_t n_tasks = 0;
  for (int32_t g = 0; g < ng; g++) {
    fields_by_cost(f, r->groups[g], &r->proj, order, cost);
    for (int32_t i = 0; i < nf; i++) tasks[n_tasks++] = (scan_task){.group = g, .field = order[i]};
  }
  scan_pool pool = {.r = r, .tasks = tasks, .n_tasks = n_tasks, .cols = cols};
  atomic_init(&pool.next, 0);
  QV_GOTO_IF_ERROR(st, run_pool(&pool, scan_thread, f->threads > 1 && n_tasks > 1, (int32_t)n_slots, err), done);
  for (int32_t g = 0; g < ng; g++)
    QV_GOTO_IF_ERROR(st, qv_batch_new(r->proj.schema, f->meta.row_groups[r->groups[g]].num_rows, cols + (int64_t)g * nf,
                                      NULL, &batches[g], err),
                     done);
  st = qv_table_new(r->proj.schema, batches, ng, out, err);
  if (st == QV_OK && skipped != NULL) *skipped = r->skipped;
done:
  for (int64_t i = 0; cols != NULL && i < n_slots; i++) qv_array_release(cols[i]);
  for (int32_t i = 0; batches != NULL && i < ng; i++) qv_batch_release(batches[i]);
  qv__free(cols);
  qv__free(tasks);
  qv__free(order);
  qv__free(cost);
  qv__free(batches);
  qv_parquet_batch_reader_close(r);
  return st;
}

qv_status qv_parquet_file_read_table(qv_parquet_file *f, const int32_t *row_groups, int32_t n_row_groups,
                                     const int32_t *fields, int32_t n_fields, qv_table **out, qv_error *err) {
  qv_parquet_scan_options o = {
      .row_groups = row_groups, .n_row_groups = n_row_groups, .fields = fields, .n_fields = n_fields};
  return qv_parquet_file_scan(f, &o, out, NULL, err);
}
