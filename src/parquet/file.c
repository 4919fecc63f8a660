/* Parquet: the open file, its footer, and reading row groups.
 *
 * Opening checks the trailing magic and footer length against the file size
 * and max_metadata_size, decodes FileMetaData, builds the schema tree, and
 * checks that every row group lists one chunk per leaf with metadata in
 * this file (external column files and encrypted columns are refused with a
 * clear error). Reading a row group reads the chunks of the projected
 * fields' leaves, assembles each field, restores the stored Arrow type when
 * ARROW:schema allows it, and frees the chunks before returning, so memory
 * holds one row group's projected columns at most. The fields of a row
 * group are read on two threads (this one and a helper) taking fields from
 * a shared counter; every field's result lands in its own slot and the
 * error reported is the one of the lowest failing field, so results and
 * messages do not depend on scheduling. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "ipc/io.h"
#include "parquet/arrow_schema.h"
#include "parquet/assemble.h"
#include "parquet/chunk.h"
#include "parquet/codec.h"
#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "quiver/parquet.h"

struct qv_parquet_file {
  qv_buffer *bytes;         /* the whole file (mapped or borrowed) */
  size_t data_end;          /* where the footer starts */
  qv__pq_file_meta meta;
  qv__pq_schema tree;
  qv_schema *schema;        /* what reads produce (ARROW:schema applied) */
  qv_field **read_fields;   /* the type each field is assembled as (from the tree) */
  char **paths;             /* dotted path per leaf */
  qv__pq_limits limits;
  int32_t threads;          /* 1 or 2 */
};

static int64_t or_default(int64_t v, int64_t d) { return v > 0 ? v : d; }

static qv_status check_layout(qv_parquet_file *f, qv_error *err) {
  for (int32_t g = 0; g < f->meta.n_row_groups; g++) {
    const qv__pq_row_group *rg = &f->meta.row_groups[g];
    if (rg->n_columns != f->tree.n_leaves)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet row group %d has %d column chunks, the schema %d leaves",
                          (int)g, (int)rg->n_columns, (int)f->tree.n_leaves);
    for (int32_t c = 0; c < rg->n_columns; c++) {
      const qv__pq_column_chunk *cc = &rg->columns[c];
      if (cc->encrypted)
        return qv_error_set(err, QV_ERR_UNSUPPORTED,
                            "Parquet column '%s' is encrypted: Parquet modular encryption is not supported",
                            f->paths[c]);
      if (cc->file_path != NULL)
        return qv_error_set(err, QV_ERR_UNSUPPORTED, "Parquet column '%s' lives in another file ('%s'): not supported",
                            f->paths[c], cc->file_path);
      if (!cc->has_meta)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet row group %d, column '%s' has no metadata", (int)g,
                            f->paths[c]);
    }
  }
  return QV_OK;
}

/* Dotted leaf paths, built from the schema elements' names. */
static qv_status leaf_paths(qv_parquet_file *f, qv_error *err) {
  f->paths = qv__calloc((size_t)f->tree.n_leaves, sizeof(char *));
  QV_CHECK_ALLOC(f->paths, err);
  /* walk the flat element list keeping a stack of names */
  const qv__pq_file_meta *m = &f->meta;
  int32_t stack_left[QV__PQ_MAX_SCHEMA_DEPTH + 2];
  const char *names[QV__PQ_MAX_SCHEMA_DEPTH + 2];
  int32_t depth = 0, leaf = 0;
  stack_left[0] = m->schema[0].num_children;
  for (int32_t i = 1; i < m->n_schema && leaf < f->tree.n_leaves; i++) {
    while (depth > 0 && stack_left[depth] == 0) depth--;
    stack_left[depth]--;
    const qv__pq_schema_element *e = &m->schema[i];
    names[depth] = e->name;
    if (e->num_children > 0 || e->type < 0) {
      if (depth + 1 > QV__PQ_MAX_SCHEMA_DEPTH) break;
      depth++;
      stack_left[depth] = e->num_children;
    } else {
      qv_strbuf sb;
      qv__strbuf_init(&sb);
      for (int32_t d = 0; d <= depth; d++) {
        if (d) qv__strbuf_appendc(&sb, '.');
        qv__strbuf_append(&sb, names[d]);
      }
      qv_status st = qv__strbuf_status(&sb, err);
      if (st != QV_OK) {
        qv__strbuf_free(&sb);
        return st;
      }
      f->paths[leaf++] = qv__strdup(qv__strbuf_cstr(&sb));
      qv__strbuf_free(&sb);
      QV_CHECK_ALLOC(f->paths[leaf - 1], err);
    }
  }
  for (; leaf < f->tree.n_leaves; leaf++) {
    f->paths[leaf] = qv__strdup(f->tree.leaves[leaf]->field->name);
    QV_CHECK_ALLOC(f->paths[leaf], err);
  }
  return QV_OK;
}

static qv_status open_bytes(qv_buffer *bytes, const qv_parquet_read_options *opts, qv_parquet_file **out,
                            qv_error *err) {
  qv_parquet_read_options d = {0};
  if (opts == NULL) opts = &d;
  *out = NULL;
  const uint8_t *b = bytes->data;
  size_t size = (size_t)bytes->size;
  if (size < 12 || b == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "not a Parquet file: %zu bytes (the smallest file has 12)", size);
  if (memcmp(b + size - 4, QV__PQ_MAGIC_ENCRYPTED, 4) == 0)
    return qv_error_set(err, QV_ERR_UNSUPPORTED,
                        "Parquet file with an encrypted footer: Parquet modular encryption is not supported");
  if (memcmp(b + size - 4, QV__PQ_MAGIC, 4) != 0 || memcmp(b, QV__PQ_MAGIC, 4) != 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "not a Parquet file: the magic \"PAR1\" is missing at %s",
                        memcmp(b, QV__PQ_MAGIC, 4) != 0 ? "the start" : "the end");
  uint32_t footer_len;
  memcpy(&footer_len, b + size - 8, 4);
  int64_t max_meta = or_default(opts->max_metadata_size, QV_PARQUET_DEFAULT_MAX_METADATA);
  if (footer_len > size - 12)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet footer of %u bytes does not fit a file of %zu bytes",
                        footer_len, size);
  if ((int64_t)footer_len > max_meta)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet footer of %u bytes exceeds the limit of %lld", footer_len,
                        (long long)max_meta);
  qv_parquet_file *f = qv__calloc(1, sizeof(*f));
  QV_CHECK_ALLOC(f, err);
  f->bytes = qv_buffer_retain(bytes);
  f->data_end = size - 8 - footer_len;
  f->limits.max_page_size = or_default(opts->max_page_size, QV_PARQUET_DEFAULT_MAX_PAGE);
  f->limits.max_values = or_default(opts->max_chunk_values, QV_PARQUET_DEFAULT_MAX_VALUES);
  f->limits.max_bytes = or_default(opts->max_chunk_bytes, QV_PARQUET_DEFAULT_MAX_BYTES);
  f->limits.verify_crc = !opts->skip_crc_check;
  f->threads = opts->max_threads == 1 ? 1 : 2;
  qv_status st = qv__pq_file_meta_decode(b + f->data_end, footer_len, &f->meta, err);
  if (st != QV_OK) goto fail;
  if (f->meta.encrypted)
    QV_FAIL_GOTO(st, fail, err, QV_ERR_UNSUPPORTED,
                 "Parquet file with encrypted columns (plaintext footer): Parquet modular encryption is not supported");
  QV_GOTO_IF_ERROR(st, qv__pq_schema_build(&f->meta, &f->tree, err), fail);
  QV_GOTO_IF_ERROR(st, leaf_paths(f, err), fail);
  QV_GOTO_IF_ERROR(st, check_layout(f, err), fail);
  QV_GOTO_IF_ERROR(st,
                   qv__pq_arrow_schema_resolve(f->tree.arrow, f->meta.kv, opts->ignore_arrow_schema, &f->schema, err),
                   fail);
  *out = f;
  return QV_OK;
fail:
  qv_parquet_file_close(f);
  return st;
}

static void release_mapping(void *ctx, const uint8_t *data, int64_t size) { (void)ctx, (void)data, (void)size; }

qv_status qv_parquet_open_memory(const void *data, size_t size, const qv_parquet_read_options *opts,
                                 qv_parquet_file **out, qv_error *err) {
  if (out == NULL || (data == NULL && size > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_open_memory: NULL argument");
  *out = NULL;
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_wrap(data, (int64_t)size, release_mapping, NULL, &b, err));
  qv_status st = open_bytes(b, opts, out, err);
  qv_buffer_release(b);
  return st;
}

qv_status qv_parquet_open_path(const char *path, const qv_parquet_read_options *opts, qv_parquet_file **out,
                               qv_error *err) {
  if (path == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_open_path: NULL argument");
  *out = NULL;
  qv_buffer *b = NULL;
  QV_RETURN_IF_ERROR(qv__io_map_path(path, &b, err));
  qv_status st = open_bytes(b, opts, out, err);
  qv_buffer_release(b);
  if (st != QV_OK) qv_error_prefix(err, "%s: ", path);
  return st;
}

void qv_parquet_file_close(qv_parquet_file *f) {
  if (f == NULL) return;
  if (f->paths)
    for (int32_t i = 0; i < f->tree.n_leaves; i++) qv__free(f->paths[i]);
  qv__free(f->paths);
  qv_schema_release(f->schema);
  qv__pq_schema_free(&f->tree);
  qv__pq_file_meta_free(&f->meta);
  qv_buffer_release(f->bytes);
  qv__free(f);
}

const qv_schema *qv_parquet_file_schema(const qv_parquet_file *f) { return f->schema; }
int64_t qv_parquet_file_num_rows(const qv_parquet_file *f) { return f->meta.num_rows; }
int32_t qv_parquet_file_num_row_groups(const qv_parquet_file *f) { return f->meta.n_row_groups; }
int64_t qv_parquet_file_row_group_num_rows(const qv_parquet_file *f, int32_t rg) {
  return rg >= 0 && rg < f->meta.n_row_groups ? f->meta.row_groups[rg].num_rows : -1;
}
int32_t qv_parquet_file_num_columns(const qv_parquet_file *f) { return f->tree.n_leaves; }
int32_t qv_parquet_file_format_version(const qv_parquet_file *f) { return f->meta.version; }
const char *qv_parquet_file_created_by(const qv_parquet_file *f) { return f->meta.created_by; }
const qv_metadata *qv_parquet_file_key_value_metadata(const qv_parquet_file *f) { return f->meta.kv; }

qv_status qv_parquet_file_column_chunk(const qv_parquet_file *f, int32_t rg, int32_t column,
                                       qv_parquet_column_chunk_info *out, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  if (rg < 0 || rg >= f->meta.n_row_groups || column < 0 || column >= f->tree.n_leaves)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet row group %d / column %d out of range (%d row groups, %d columns)",
                        (int)rg, (int)column, (int)f->meta.n_row_groups, (int)f->tree.n_leaves);
  const qv__pq_column_meta *m = &f->meta.row_groups[rg].columns[column].meta;
  char codec_buf[16];
  memset(out, 0, sizeof(*out));
  out->path = f->paths[column];
  out->physical_type = m->type;
  out->codec = m->codec >= 0 && m->codec <= QV__PQ_CODEC_LZ4_RAW ? qv__pq_codec_name(m->codec, codec_buf) : "UNKNOWN";
  out->num_values = m->num_values;
  out->total_compressed_size = m->total_compressed_size;
  out->total_uncompressed_size = m->total_uncompressed_size;
  const qv__pq_statistics *s = &m->stats;
  out->has_statistics = s->present;
  out->has_null_count = s->has_null_count;
  out->null_count = s->null_count;
  out->has_distinct_count = s->has_distinct_count;
  out->distinct_count = s->distinct_count;
  out->has_min = s->has_min;
  out->has_max = s->has_max;
  out->min = s->min;
  out->max = s->max;
  out->min_len = s->min_len;
  out->max_len = s->max_len;
  return QV_OK;
}

static qv_status read_field(qv_parquet_file *f, int32_t rg, int32_t field, qv_array **out, qv_error *err) {
  const qv__pq_node *node = f->tree.fields[field];
  const qv__pq_row_group *g = &f->meta.row_groups[rg];
  qv__pq_chunk *chunks = qv__calloc((size_t)node->n_leaves, sizeof(qv__pq_chunk));
  QV_CHECK_ALLOC(chunks, err);
  qv_status st = QV_OK;
  int32_t done = 0;
  qv_array *raw = NULL;
  for (int32_t i = 0; i < node->n_leaves; i++) {
    const qv__pq_node *leaf = f->tree.leaves[node->first_leaf + i];
    const qv__pq_column_chunk *cc = &g->columns[leaf->column];
    QV_GOTO_IF_ERROR(st,
                     qv__pq_chunk_read(f->bytes->data, f->data_end, cc, leaf->elem, leaf->def_level, leaf->rep_level,
                                       &f->limits, &chunks[i], err),
                     done);
    done++;
  }
  QV_GOTO_IF_ERROR(st, qv__pq_assemble(node, chunks, g->num_rows, &raw, err), done);
  st = qv__pq_arrow_restore(raw, f->schema->fields[field]->type, out, err);
done:
  for (int32_t i = 0; i < done; i++) qv__pq_chunk_free(&chunks[i]);
  qv__free(chunks);
  qv_array_release(raw);
  if (st != QV_OK) qv_error_prefix(err, "row group %d: ", (int)rg);
  return st;
}

static qv_status projected_schema(qv_parquet_file *f, const int32_t *fields, int32_t n, qv_schema **out,
                                  qv_error *err) {
  if (fields == NULL) {
    *out = qv_schema_retain(f->schema);
    return QV_OK;
  }
  qv_field **fs = qv__calloc((size_t)n, sizeof(qv_field *));
  QV_CHECK_ALLOC(fs, err);
  for (int32_t i = 0; i < n; i++) {
    if (fields[i] < 0 || fields[i] >= f->schema->n_fields) {
      qv__free(fs);
      return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet: field index %d out of range (%d fields)", (int)fields[i],
                          (int)f->schema->n_fields);
    }
    fs[i] = f->schema->fields[fields[i]];
  }
  qv_status st = qv_schema_new(fs, n, f->schema->metadata, out, err);
  qv__free(fs);
  return st;
}

typedef struct field_pool {
  qv_parquet_file *f;
  int32_t rg;
  const int32_t *fields;
  int32_t count;
  qv_array **cols;
  atomic_int next;
} field_pool;

typedef struct field_worker {
  field_pool *pool;
  int32_t fail_i; /* lowest field index that failed (count: none) */
  qv_status st;
  qv_error err;
} field_worker;

static void work_fields(field_worker *w) {
  field_pool *p = w->pool;
  for (;;) {
    int32_t i = atomic_fetch_add(&p->next, 1);
    if (i >= p->count) return;
    qv_error e;
    qv_status st = read_field(p->f, p->rg, p->fields ? p->fields[i] : i, &p->cols[i], &e);
    if (st != QV_OK && i < w->fail_i) {
      w->fail_i = i;
      w->st = st;
      w->err = e;
    }
  }
}

static void *field_thread(void *arg) {
  work_fields((field_worker *)arg);
  return NULL;
}

/* Reads `count` fields into cols (on two threads when there are two or
 * more fields); on failure, the error of the lowest failing field. */
static qv_status read_fields(qv_parquet_file *f, int32_t rg, const int32_t *fields, int32_t count, qv_array **cols,
                             qv_error *err) {
  field_pool pool = {.f = f, .rg = rg, .fields = fields, .count = count, .cols = cols};
  atomic_init(&pool.next, 0);
  field_worker ws[2];
  for (int t = 0; t < 2; t++) {
    ws[t].pool = &pool;
    ws[t].fail_i = count;
    ws[t].st = QV_OK;
    qv_error_clear(&ws[t].err);
  }
  pthread_t th;
  bool started = f->threads > 1 && count > 1 && pthread_create(&th, NULL, field_thread, &ws[1]) == 0;
  work_fields(&ws[0]);
  if (started) pthread_join(th, NULL);
  int bad = -1;
  for (int t = 0; t < 2; t++)
    if (ws[t].st != QV_OK && (bad < 0 || ws[t].fail_i < ws[bad].fail_i)) bad = t;
  if (bad < 0) return QV_OK;
  if (err) *err = ws[bad].err;
  return ws[bad].st;
}

static qv_status read_group(qv_parquet_file *f, int32_t rg, qv_schema *schema, const int32_t *fields, int32_t n,
                            qv_batch **out, qv_error *err) {
  if (rg < 0 || rg >= f->meta.n_row_groups)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet row group %d out of range (%d row groups)", (int)rg,
                        (int)f->meta.n_row_groups);
  int32_t count = schema->n_fields;
  qv_array **cols = qv__calloc((size_t)count, sizeof(qv_array *));
  QV_CHECK_ALLOC(cols, err);
  qv_status st = read_fields(f, rg, fields, count, cols, err);
  if (st == QV_OK) st = qv_batch_new(schema, f->meta.row_groups[rg].num_rows, cols, NULL, out, err);
  for (int32_t i = 0; i < count; i++) qv_array_release(cols[i]);
  qv__free(cols);
  return st;
}

qv_status qv_parquet_file_read_row_group(qv_parquet_file *f, int32_t rg, const int32_t *fields, int32_t n_fields,
                                         qv_batch **out, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  qv_schema *schema = NULL;
  QV_RETURN_IF_ERROR(projected_schema(f, fields, n_fields, &schema, err));
  qv_status st = read_group(f, rg, schema, fields, n_fields, out, err);
  qv_schema_release(schema);
  return st;
}

qv_status qv_parquet_file_read_table(qv_parquet_file *f, const int32_t *row_groups, int32_t n_row_groups,
                                     const int32_t *fields, int32_t n_fields, qv_table **out, qv_error *err) {
  if (f == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  *out = NULL;
  int32_t n = row_groups ? n_row_groups : f->meta.n_row_groups;
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "negative row group count");
  qv_schema *schema = NULL;
  QV_RETURN_IF_ERROR(projected_schema(f, fields, n_fields, &schema, err));
  qv_batch **batches = qv__calloc((size_t)n, sizeof(qv_batch *));
  qv_status st = QV_OK;
  int32_t got = 0;
  if (batches == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  for (int32_t i = 0; i < n; i++) {
    QV_GOTO_IF_ERROR(st, read_group(f, row_groups ? row_groups[i] : i, schema, fields, n_fields, &batches[i], err), done);
    got++;
  }
  st = qv_table_new(schema, batches, n, out, err);
done:
  for (int32_t i = 0; i < got; i++) qv_batch_release(batches[i]);
  qv__free(batches);
  qv_schema_release(schema);
  return st;
}

qv_status qv_parquet_read_path(const char *path, const qv_parquet_read_options *opts, qv_table **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_parquet_read_path: NULL argument");
  *out = NULL;
  qv_parquet_file *f = NULL;
  QV_RETURN_IF_ERROR(qv_parquet_open_path(path, opts, &f, err));
  qv_status st = qv_parquet_file_read_table(f, NULL, 0, NULL, 0, out, err);
  if (st != QV_OK) qv_error_prefix(err, "%s: ", path);
  qv_parquet_file_close(f);
  return st;
}
