/* quiver Parquet writer: the public API (parquet_writer.h).
 *
 * A writer holds the Parquet schema built at open, the output sink (an
 * fd, memory, or an atomic path through core/atomic_file.h), the batches
 * not yet written (retained, never copied) and the footer's row-group
 * records. A long row group's column chunks are encoded on two threads
 * (this one and a helper taking leaves from a shared counter), each with
 * its own scratch, into per-leaf buffers written out in schema order, so
 * the file is the same bytes whichever thread encoded what. Row groups are cut at row_group_size rows across batch
 * boundaries, as pyarrow's write_table cuts a table; close writes what is
 * left (a table without rows still gets one empty row group, as Arrow C++
 * writes), then FileMetaData, its length and the magic.
 *
 * The file's key-value metadata is the schema's own metadata followed by
 * ARROW:schema: the base64 of the IPC Schema message (continuation marker,
 * length, flatbuffer, padding), serialized by the IPC module, exactly the
 * form pyarrow writes and reads back.
 *
 * Failures are sticky (qv__sticky): after one, every call reports it and a
 * path output's temporary is removed, so no partial file is ever left.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/internal.h"
#include "ipc/metadata.h"
#include "parquet/write_internal.h"
#include "quiver/table.h"

#ifndef QV_VERSION_STRING
#define QV_VERSION_STRING "0.1.0"
#endif

typedef enum sink_kind { SINK_FD = 0, SINK_MEMORY, SINK_ATOMIC } sink_kind;

typedef struct qv__pq_sink {
  sink_kind kind;
  int fd;
  qv__atomic_file file;
  qv__pq_buf mem;
  int64_t pos;
} qv__pq_sink;

/* What one thread needs to encode column chunks (reused across chunks). */
typedef struct pq_worker {
  qv__pq_shred sh;
  qv__pqw_values vals;
  qv__pq_scratch sc;
} pq_worker;

/* One leaf's encoded column chunk of the current row group. */
typedef struct leaf_result {
  qv__pq_buf out;
  qv__pq_buf bloom; /* the chunk's serialized bloom filter, when the leaf has one */
  qv_status st;
  qv_error err;
} leaf_result;

struct qv_parquet_writer {
  qv_parquet_write_options o;
  qv_schema *schema;
  qv__pqw_schema pq;
  qv__pq_sink sink;
  pq_worker workers[2];    /* this thread's and the helper's */
  leaf_result *results;    /* one per leaf, memory reused across row groups */
  qv_batch **pending; /* retained batches not yet written; the first from pending_offset on */
  int64_t n_pending, cap_pending, pending_offset, pending_rows;
  int64_t rows_written;
  qv__pq_row_group_meta *groups;
  int64_t n_groups, cap_groups;
  char *created_by;
  bool closed;
  qv__sticky failed;
};

static qv_status sink_write(qv__pq_sink *s, const void *data, size_t n, qv_error *err) {
  if (n == 0) return QV_OK;
  switch (s->kind) {
    case SINK_MEMORY:
      qv__pq_buf_append(&s->mem, data, n);
      QV_RETURN_IF_ERROR(qv__pq_buf_status(&s->mem, "the Parquet file in memory", err));
      break;
    case SINK_ATOMIC: QV_RETURN_IF_ERROR(qv__atomic_file_write(&s->file, data, n, err)); break;
    case SINK_FD: {
      const uint8_t *p = data;
      size_t left = n;
      while (left > 0) {
        ssize_t r = write(s->fd, p, left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
          int e = r < 0 ? errno : EIO;
          return qv_error_set(err, QV_ERR_IO, "writing Parquet output to fd %d failed: %s (%s, errno %d)", s->fd,
                              strerror(e), qv__errno_name(e), e);
        }
        p += r;
        left -= (size_t)r;
      }
      break;
    }
  }
  s->pos += (int64_t)n;
  return QV_OK;
}

void qv_parquet_write_options_init(qv_parquet_write_options *o) {
  memset(o, 0, sizeof *o);
  o->compression = QV_PARQUET_SNAPPY;
  o->use_dictionary = true;
  o->dictionary_page_size_limit = 1 << 20;
  o->data_page_version = 1;
  o->row_group_size = 1 << 20;
  o->data_page_size = 1 << 20;
  o->write_statistics = true;
  o->statistics_truncate_length = 64;
  o->store_schema = true;
  o->use_threads = true;
}

static void free_groups(qv_parquet_writer *w) {
  for (int64_t g = 0; g < w->n_groups; g++) {
    if (w->groups[g].chunks == NULL) continue;
    for (int32_t c = 0; c < w->pq.n_leaves; c++) qv__pqw_chunk_meta_free(&w->groups[g].chunks[c]);
    free(w->groups[g].chunks);
  }
  free(w->groups);
  w->groups = NULL;
  w->n_groups = w->cap_groups = 0;
}

static void drop_pending(qv_parquet_writer *w) {
  for (int64_t i = 0; i < w->n_pending; i++) qv_batch_release(w->pending[i]);
  w->n_pending = 0;
  w->pending_offset = 0;
  w->pending_rows = 0;
}

void qv_parquet_writer_free(qv_parquet_writer *w) {
  if (w == NULL) return;
  if (w->sink.kind == SINK_ATOMIC) qv__atomic_file_discard(&w->sink.file);
  qv__pq_buf_free(&w->sink.mem);
  drop_pending(w);
  free(w->pending);
  free_groups(w);
  for (int k = 0; k < 2; k++) {
    qv__pq_scratch_free(&w->workers[k].sc);
    qv__pq_shred_free(&w->workers[k].sh);
    qv__pqw_values_free(&w->workers[k].vals);
  }
  if (w->results)
    for (int32_t c = 0; c < w->pq.n_leaves; c++) {
      qv__pq_buf_free(&w->results[c].out);
      qv__pq_buf_free(&w->results[c].bloom);
    }
  free(w->results);
  qv__pqw_schema_free(&w->pq);
  qv_schema_release(w->schema);
  free(w->created_by);
  free(w);
}

static qv_status fail(qv_parquet_writer *w, qv_status st, qv_error *err) {
  qv__sticky_fail(&w->failed, st, err);
  if (w->sink.kind == SINK_ATOMIC) qv__atomic_file_discard(&w->sink.file);
  return st;
}

static qv_status check_options(const qv_parquet_write_options *o, qv_error *err) {
  if (o->data_page_version != 1 && o->data_page_version != 2)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet data_page_version must be 1 or 2, not %d",
                        (int)o->data_page_version);
  if (o->row_group_size <= 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet row_group_size must be positive, not %lld",
                        (long long)o->row_group_size);
  if (o->data_page_size <= 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet data_page_size must be positive, not %lld",
                        (long long)o->data_page_size);
  if (o->dictionary_page_size_limit < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet dictionary_page_size_limit must not be negative");
  if (o->statistics_truncate_length < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet statistics_truncate_length must not be negative");
  return QV_OK;
}

/* Starts a writer whose sink kind is set: options, schema, magic. On
 * failure the writer is freed. */
static qv_status start(qv_parquet_writer *w, qv_schema *schema, const qv_parquet_write_options *opts,
                       qv_parquet_writer **out, qv_error *err) {
  qv_status st = QV_OK;
  if (opts) w->o = *opts;
  else qv_parquet_write_options_init(&w->o);
  QV_GOTO_IF_ERROR(st, check_options(&w->o, err), bad);
  for (int k = 0; k < 2; k++)
    QV_GOTO_IF_ERROR(st, qv__pq_codec_init(&w->workers[k].sc.codec, w->o.compression, w->o.compression_level, err),
                     bad);
  w->schema = qv_schema_retain(schema);
  QV_GOTO_IF_ERROR(st, qv__pqw_schema_build(schema, w->o.store_decimal_as_integer, &w->pq, err), bad);
  QV_GOTO_IF_ERROR(st, qv__pqw_resolve_options(&w->pq, schema, &w->o, err), bad);
  w->o.columns = NULL; /* borrowed during open only: resolved into the leaves */
  w->o.n_columns = 0;
  w->created_by = qv__strdup(w->o.created_by ? w->o.created_by : "quiver version " QV_VERSION_STRING);
  QV_CHECK_ALLOC_GOTO(w->created_by, st, err, bad);
  w->o.created_by = NULL;
  QV_GOTO_IF_ERROR(st, sink_write(&w->sink, QV__PQ_MAGIC, 4, err), bad);
  *out = w;
  return QV_OK;
bad:
  qv_parquet_writer_free(w);
  return st;
}

static qv_status alloc_writer(qv_schema *schema, qv_parquet_writer **out, qv_parquet_writer **w, qv_error *err) {
  if (out == NULL || schema == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: %s is NULL", out ? "schema" : "out");
  *out = NULL;
  *w = calloc(1, sizeof **w);
  QV_CHECK_ALLOC(*w, err);
  (*w)->sink.fd = -1;
  (*w)->sink.file.fd = -1;
  (*w)->sink.file.slot = -1;
  return QV_OK;
}

qv_status qv_parquet_writer_open_path(const char *path, qv_schema *schema, const qv_parquet_write_options *opts,
                                      qv_parquet_writer **out, qv_error *err) {
  if (path == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: path is NULL");
  qv_parquet_writer *w;
  QV_RETURN_IF_ERROR(alloc_writer(schema, out, &w, err));
  w->sink.kind = SINK_ATOMIC;
  qv_status st = qv__atomic_file_open(&w->sink.file, path, err);
  if (st != QV_OK) {
    w->sink.file.fd = -1;
    w->sink.file.tmp_path = NULL;
    w->sink.file.path = NULL;
    qv_parquet_writer_free(w);
    return st;
  }
  return start(w, schema, opts, out, err);
}

qv_status qv_parquet_writer_open_fd(int fd, qv_schema *schema, const qv_parquet_write_options *opts,
                                    qv_parquet_writer **out, qv_error *err) {
  if (fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: fd %d is not open", fd);
  qv_parquet_writer *w;
  QV_RETURN_IF_ERROR(alloc_writer(schema, out, &w, err));
  w->sink.kind = SINK_FD;
  w->sink.fd = fd;
  return start(w, schema, opts, out, err);
}

qv_status qv_parquet_writer_open_memory(qv_schema *schema, const qv_parquet_write_options *opts,
                                        qv_parquet_writer **out, qv_error *err) {
  qv_parquet_writer *w;
  QV_RETURN_IF_ERROR(alloc_writer(schema, out, &w, err));
  w->sink.kind = SINK_MEMORY;
  return start(w, schema, opts, out, err);
}

/* Row groups at least this long, with two columns or more, are encoded on
 * two threads (column chunks are independent; the file order is kept). */
#define QV__PQ_MT_MIN_ROWS 32768

/* The column pieces of one row group: piece p of top-level field f is
 * pieces[f * n_pieces + p] (a slice or the batch's column, retained). */
typedef struct rg_plan {
  qv_parquet_writer *w;
  qv__pq_row_group_meta *rg;
  int64_t n_pieces;
  qv_array **pieces;
  int64_t *piece_row; /* output row of each piece's first row */
  atomic_int next;    /* the next leaf to encode */
} rg_plan;

/* Shreds, gathers and encodes leaf c into w->results[c] with worker k's
 * scratch; the outcome stays in the result (reported in leaf order). */
static void encode_leaf(rg_plan *p, int k, int32_t c) {
  qv_parquet_writer *w = p->w;
  pq_worker *wk = &w->workers[k];
  leaf_result *r = &w->results[c];
  const qv__pq_leaf *leaf = &w->pq.leaves[c];
  qv__pq_shred_reset(&wk->sh);
  qv__pq_values_reset(&wk->vals);
  r->st = QV_OK;
  for (int64_t i = 0; i < p->n_pieces && r->st == QV_OK; i++) {
    const qv_array *piece = p->pieces[(int64_t)leaf->top * p->n_pieces + i];
    const qv_array *leaf_array = NULL;
    r->st = qv__pq_shred_piece(leaf, piece, p->piece_row[i], &wk->sh, &leaf_array, &r->err);
    if (r->st == QV_OK && leaf_array != NULL)
      r->st = qv__pq_values_gather(leaf, leaf_array, wk->sh.all_slots ? NULL : wk->sh.slots, wk->sh.n_slots,
                                   p->piece_row[i], p->n_pieces == 1, &wk->vals, &r->err);
  }
  if (r->st == QV_OK)
    r->st = qv__pq_column_write(leaf, &wk->sh, &wk->vals, &w->o, &wk->sc, &r->out, &p->rg->chunks[c], &r->err);
  if (r->st == QV_OK && leaf->bloom)
    r->st = qv__pqw_bloom_build(leaf, &wk->vals, p->rg->chunks[c].num_values, p->rg->chunks[c].distinct, &r->bloom,
                                &r->err);
  qv__pq_values_reset(&wk->vals); /* borrowed pointers must not outlive the batches */
}

static void encode_leaves(rg_plan *p, int k) {
  for (;;) {
    int c = atomic_fetch_add(&p->next, 1);
    if (c >= p->w->pq.n_leaves) return;
    encode_leaf(p, k, c);
  }
}

static void *helper_main(void *arg) {
  encode_leaves(arg, 1);
  return NULL;
}

/* Writes one row group of `rows` rows from the front of the pending batches. */
static qv_status write_row_group(qv_parquet_writer *w, int64_t rows, qv_error *err) {
  qv_status st = QV_OK;
  rg_plan plan;
  memset(&plan, 0, sizeof plan);
  const int32_t n_fields = w->schema->n_fields, n_leaves = w->pq.n_leaves;
  if (w->n_groups == w->cap_groups) {
    int64_t cap = w->cap_groups ? w->cap_groups * 2 : 8;
    qv__pq_row_group_meta *g = realloc(w->groups, (size_t)cap * sizeof *g);
    QV_CHECK_ALLOC(g, err);
    w->groups = g;
    w->cap_groups = cap;
  }
  if (w->results == NULL) {
    w->results = calloc((size_t)n_leaves, sizeof *w->results);
    QV_CHECK_ALLOC(w->results, err);
  }
  qv__pq_row_group_meta *rg = &w->groups[w->n_groups];
  memset(rg, 0, sizeof *rg);
  rg->chunks = calloc((size_t)n_leaves, sizeof *rg->chunks);
  QV_CHECK_ALLOC(rg->chunks, err);
  w->n_groups++;
  rg->num_rows = rows;
  rg->file_offset = w->sink.pos;
  /* The pieces: the batches (or their slices) covering `rows` rows. */
  {
    int64_t left = rows, off = w->pending_offset;
    for (int64_t b = 0; b < w->n_pending && left > 0; b++, off = 0) {
      int64_t take = w->pending[b]->length - off;
      if (take > left) take = left;
      if (take > 0) plan.n_pieces++;
      left -= take;
    }
  }
  plan.w = w;
  plan.rg = rg;
  plan.pieces = calloc((size_t)(n_fields * plan.n_pieces) + 1, sizeof *plan.pieces);
  plan.piece_row = calloc((size_t)plan.n_pieces + 1, sizeof *plan.piece_row);
  QV_CHECK_ALLOC_GOTO(plan.pieces, st, err, done);
  QV_CHECK_ALLOC_GOTO(plan.piece_row, st, err, done);
  {
    int64_t left = rows, off = w->pending_offset, row = w->rows_written, i = 0;
    for (int64_t b = 0; b < w->n_pending && left > 0; b++, off = 0) {
      qv_batch *batch = w->pending[b];
      int64_t take = batch->length - off;
      if (take > left) take = left;
      if (take <= 0) continue;
      plan.piece_row[i] = row;
      for (int32_t f = 0; f < n_fields; f++) {
        qv_array *col = batch->columns[f], **slot = &plan.pieces[(int64_t)f * plan.n_pieces + i];
        if (off != 0 || take != col->length) QV_GOTO_IF_ERROR(st, qv_array_slice(col, off, take, slot, err), done);
        else *slot = qv_array_retain(col);
      }
      left -= take;
      row += take;
      i++;
    }
  }
  atomic_init(&plan.next, 0);
  pthread_t helper;
  bool threaded = w->o.use_threads && n_leaves >= 2 && rows >= QV__PQ_MT_MIN_ROWS &&
                  pthread_create(&helper, NULL, helper_main, &plan) == 0;
  encode_leaves(&plan, 0);
  if (threaded) pthread_join(helper, NULL);
  /* The chunks go out in schema order; the first failure (in that order) is reported. */
  for (int32_t c = 0; c < n_leaves; c++) {
    leaf_result *r = &w->results[c];
    if (r->st != QV_OK) {
      if (err) *err = r->err;
      st = r->st;
      goto done;
    }
    qv__pq_chunk_meta *m = &rg->chunks[c];
    int64_t base = w->sink.pos;
    m->data_page_offset += base;
    if (m->dictionary_page_offset >= 0) m->dictionary_page_offset += base;
    for (int32_t p = 0; p < m->n_pages; p++) m->pages[p].offset += base;
    QV_GOTO_IF_ERROR(st, sink_write(&w->sink, r->out.data, r->out.len, err), done);
    rg->total_byte_size += m->total_uncompressed;
    rg->total_compressed += m->total_compressed;
  }
  /* Bloom filters follow the row group's chunks (their offsets are in the footer). */
  for (int32_t c = 0; c < n_leaves; c++) {
    if (!w->pq.leaves[c].bloom || w->results[c].bloom.len == 0) continue;
    qv__pq_chunk_meta *m = &rg->chunks[c];
    if (w->results[c].bloom.len > INT32_MAX)
      QV_FAIL_GOTO(st, done, err, QV_ERR_LIMIT, "the bloom filter of column '%s' is larger than 2 GiB",
                   w->pq.leaves[c].dotted);
    m->bloom_offset = w->sink.pos;
    m->bloom_length = (int32_t)w->results[c].bloom.len;
    QV_GOTO_IF_ERROR(st, sink_write(&w->sink, w->results[c].bloom.data, w->results[c].bloom.len, err), done);
  }
  /* Drop what the row group consumed. */
  int64_t left = rows;
  while (left > 0 && w->n_pending > 0) {
    int64_t avail = w->pending[0]->length - w->pending_offset;
    if (avail > left) {
      w->pending_offset += left;
      break;
    }
    left -= avail;
    qv_batch_release(w->pending[0]);
    memmove(w->pending, w->pending + 1, (size_t)(w->n_pending - 1) * sizeof *w->pending);
    w->n_pending--;
    w->pending_offset = 0;
  }
  w->pending_rows -= rows;
  w->rows_written += rows;
done:
  if (plan.pieces)
    for (int64_t i = 0; i < (int64_t)n_fields * plan.n_pieces; i++) qv_array_release(plan.pieces[i]);
  free(plan.pieces);
  free(plan.piece_row);
  return st;
}

static qv_status check_open(qv_parquet_writer *w, const char *what, qv_error *err) {
  if (w == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: writer is NULL", what);
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the Parquet writer failed earlier: ", err);
  if (w->closed) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: the writer is closed", what);
  return QV_OK;
}

qv_status qv_parquet_writer_write_batch(qv_parquet_writer *w, qv_batch *batch, qv_error *err) {
  QV_RETURN_IF_ERROR(check_open(w, "qv_parquet_writer_write_batch", err));
  if (batch == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_writer_write_batch: batch is NULL");
  if (batch->n_columns != w->schema->n_fields)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: the batch has %d columns, the schema %d",
                        (int)batch->n_columns, (int)w->schema->n_fields);
  for (int32_t i = 0; i < batch->n_columns; i++)
    if (!qv_type_equals(batch->columns[i]->type, w->schema->fields[i]->type, false))
      return qv_error_set(err, QV_ERR_TYPE, "Parquet writer: column '%s' of the batch does not have the schema's type",
                          w->schema->fields[i]->name);
  if (batch->length == 0) return QV_OK;
  if (w->n_pending == w->cap_pending) {
    int64_t cap = w->cap_pending ? w->cap_pending * 2 : 16;
    qv_batch **p = realloc(w->pending, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, err);
    w->pending = p;
    w->cap_pending = cap;
  }
  w->pending[w->n_pending++] = qv_batch_retain(batch);
  w->pending_rows += batch->length;
  while (w->pending_rows >= w->o.row_group_size) {
    qv_status st = write_row_group(w, w->o.row_group_size, err);
    if (st != QV_OK) return fail(w, st, err);
  }
  return QV_OK;
}

qv_status qv_parquet_writer_write_table(qv_parquet_writer *w, const qv_table *table, qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_writer_write_table: table is NULL");
  for (int64_t b = 0; b < table->n_batches; b++)
    QV_RETURN_IF_ERROR(qv_parquet_writer_write_batch(w, table->batches[b], err));
  return QV_OK;
}

int64_t qv_parquet_writer_bytes(const qv_parquet_writer *w) { return w ? w->sink.pos : 0; }

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64(const uint8_t *p, size_t n) {
  char *out = malloc((n + 2) / 3 * 4 + 1);
  if (out == NULL) return NULL;
  size_t o = 0, i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
    out[o++] = b64_alphabet[v >> 18];
    out[o++] = b64_alphabet[(v >> 12) & 63];
    out[o++] = b64_alphabet[(v >> 6) & 63];
    out[o++] = b64_alphabet[v & 63];
  }
  if (i < n) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
    out[o++] = b64_alphabet[v >> 18];
    out[o++] = b64_alphabet[(v >> 12) & 63];
    out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  out[o] = '\0';
  return out;
}

/* The schema's metadata plus ARROW:schema (when asked for). */
static qv_status file_metadata(const qv_parquet_writer *w, qv_metadata **out, qv_error *err) {
  qv_status st = QV_OK;
  qv_metadata *md = NULL;
  qv_fb_builder fb;
  qv__fb_builder_init(&fb);
  qv__pq_buf msg = {0};
  char *text = NULL;
  QV_GOTO_IF_ERROR(st, qv_metadata_new(&md, err), done);
  const qv_metadata *own = w->schema->metadata;
  for (int64_t i = 0; own && i < own->n; i++) {
    if (strcmp(own->pairs[i].key, "ARROW:schema") == 0) continue;
    QV_GOTO_IF_ERROR(st,
                     qv_metadata_append(md, own->pairs[i].key, own->pairs[i].key_len, own->pairs[i].value,
                                        own->pairs[i].value_len, err),
                     done);
  }
  if (w->o.store_schema) {
    const uint8_t *data;
    size_t len;
    QV_GOTO_IF_ERROR(st, qv__ipc_schema_message_encode(&fb, w->schema, NULL, 0, &data, &len, err), done);
    /* The encapsulated message: continuation marker, padded length, bytes. */
    size_t padded = (len + 7) & ~(size_t)7;
    qv__pq_buf_u32le(&msg, 0xFFFFFFFFu);
    qv__pq_buf_u32le(&msg, (uint32_t)padded);
    qv__pq_buf_append(&msg, data, len);
    static const uint8_t zeros[8] = {0};
    qv__pq_buf_append(&msg, zeros, padded - len);
    QV_GOTO_IF_ERROR(st, qv__pq_buf_status(&msg, "ARROW:schema", err), done);
    text = base64(msg.data, msg.len);
    QV_CHECK_ALLOC_GOTO(text, st, err, done);
    if (strlen(text) > INT32_MAX)
      QV_FAIL_GOTO(st, done, err, QV_ERR_LIMIT, "ARROW:schema is larger than 2 GiB");
    QV_GOTO_IF_ERROR(st, qv_metadata_append(md, "ARROW:schema", -1, text, -1, err), done);
  }
  *out = md;
  md = NULL;
done:
  qv_metadata_free(md);
  qv__fb_builder_free(&fb);
  qv__pq_buf_free(&msg);
  free(text);
  return st;
}

/* The page index after the last row group: every chunk's ColumnIndex, then
 * every OffsetIndex (the order Arrow C++ writes), their places in the
 * footer. A chunk with a page lacking min/max (only NaN) gets no
 * ColumnIndex, as readers would otherwise trust bounds that are not there. */
static qv_status write_page_index(qv_parquet_writer *w, qv_error *err) {
  qv_status st = QV_OK;
  qv__pq_buf buf = {0};
  for (int pass = 0; pass < 2; pass++) {
    for (int64_t g = 0; g < w->n_groups; g++) {
      for (int32_t c = 0; c < w->pq.n_leaves; c++) {
        qv__pq_chunk_meta *m = &w->groups[g].chunks[c];
        if (m->n_pages == 0 || (pass == 0 && !m->column_index_ok)) continue;
        buf.len = 0;
        if (pass == 0) QV_GOTO_IF_ERROR(st, qv__pqw_column_index_encode(&w->pq.leaves[c], m, &buf, err), done);
        else QV_GOTO_IF_ERROR(st, qv__pqw_offset_index_encode(m, &buf, err), done);
        if (buf.len > INT32_MAX)
          QV_FAIL_GOTO(st, done, err, QV_ERR_LIMIT, "the page index of column '%s' is larger than 2 GiB",
                       w->pq.leaves[c].dotted);
        if (pass == 0) {
          m->column_index_offset = w->sink.pos;
          m->column_index_length = (int32_t)buf.len;
        } else {
          m->offset_index_offset = w->sink.pos;
          m->offset_index_length = (int32_t)buf.len;
        }
        QV_GOTO_IF_ERROR(st, sink_write(&w->sink, buf.data, buf.len, err), done);
      }
    }
  }
done:
  qv__pq_buf_free(&buf);
  return st;
}

qv_status qv_parquet_writer_close(qv_parquet_writer *w, qv_error *err) {
  QV_RETURN_IF_ERROR(check_open(w, "qv_parquet_writer_close", err));
  qv_status st = QV_OK;
  qv_metadata *md = NULL;
  qv__pq_buf footer = {0};
  while (w->pending_rows > 0) {
    int64_t rows = w->pending_rows < w->o.row_group_size ? w->pending_rows : w->o.row_group_size;
    QV_GOTO_IF_ERROR(st, write_row_group(w, rows, err), done);
  }
  if (w->n_groups == 0) QV_GOTO_IF_ERROR(st, write_row_group(w, 0, err), done);
  if (w->o.write_page_index) QV_GOTO_IF_ERROR(st, write_page_index(w, err), done);
  QV_GOTO_IF_ERROR(st, file_metadata(w, &md, err), done);
  QV_GOTO_IF_ERROR(st,
                   qv__pq_file_meta_encode(&w->pq, w->groups, w->n_groups, w->rows_written, md, w->created_by,
                                           (int32_t)w->o.compression, &footer, err),
                   done);
  if (footer.len > UINT32_MAX) QV_FAIL_GOTO(st, done, err, QV_ERR_LIMIT, "Parquet footer is larger than 4 GiB");
  qv__pq_buf_u32le(&footer, (uint32_t)footer.len);
  qv__pq_buf_append(&footer, QV__PQ_MAGIC, 4);
  QV_GOTO_IF_ERROR(st, qv__pq_buf_status(&footer, "the Parquet footer", err), done);
  QV_GOTO_IF_ERROR(st, sink_write(&w->sink, footer.data, footer.len, err), done);
  if (w->sink.kind == SINK_ATOMIC) QV_GOTO_IF_ERROR(st, qv__atomic_file_commit(&w->sink.file, err), done);
  w->closed = true;
done:
  qv_metadata_free(md);
  qv__pq_buf_free(&footer);
  drop_pending(w);
  if (st != QV_OK) return fail(w, st, err);
  return QV_OK;
}

qv_status qv_parquet_writer_take_memory(qv_parquet_writer *w, uint8_t **data, int64_t *len, qv_error *err) {
  if (w == NULL || data == NULL || len == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_writer_take_memory: an argument is NULL");
  *data = NULL;
  *len = 0;
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the Parquet writer failed earlier: ", err);
  if (w->sink.kind != SINK_MEMORY)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_writer_take_memory: not a memory writer");
  if (!w->closed)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_writer_take_memory: close the writer first");
  *data = w->sink.mem.data;
  *len = (int64_t)w->sink.mem.len;
  memset(&w->sink.mem, 0, sizeof w->sink.mem);
  return QV_OK;
}

static qv_status write_all(qv_parquet_writer *w, const qv_table *table, qv_error *err) {
  qv_status st = qv_parquet_writer_write_table(w, table, err);
  if (st == QV_OK) st = qv_parquet_writer_close(w, err);
  return st;
}

qv_status qv_parquet_write_path(const char *path, const qv_table *table, const qv_parquet_write_options *opts,
                                qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_write_path: table is NULL");
  qv_parquet_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_parquet_writer_open_path(path, table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  qv_parquet_writer_free(w);
  return st;
}

qv_status qv_parquet_write_fd(int fd, const qv_table *table, const qv_parquet_write_options *opts, qv_error *err) {
  if (table == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_write_fd: table is NULL");
  qv_parquet_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_parquet_writer_open_fd(fd, table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  qv_parquet_writer_free(w);
  return st;
}

qv_status qv_parquet_write_memory(const qv_table *table, const qv_parquet_write_options *opts, uint8_t **data,
                                  int64_t *len, qv_error *err) {
  if (table == NULL || data == NULL || len == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_write_memory: an argument is NULL");
  *data = NULL;
  *len = 0;
  qv_parquet_writer *w = NULL;
  QV_RETURN_IF_ERROR(qv_parquet_writer_open_memory(table->schema, opts, &w, err));
  qv_status st = write_all(w, table, err);
  if (st == QV_OK) st = qv_parquet_writer_take_memory(w, data, len, err);
  qv_parquet_writer_free(w);
  return st;
}
