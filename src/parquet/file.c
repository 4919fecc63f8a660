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
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "ipc/io.h"
#include "parquet/arrow_schema.h"
#include "parquet/assemble.h"
#include "parquet/chunk.h"
#include "parquet/codec.h"
#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/projection.h"
#include "parquet/schema.h"
#include "parquet/stats_filter.h"
#include "parquet/file.h"
#include "quiver/parquet.h"



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

/* Checks the 8-byte tail (footer length, magic) of a file of `size` bytes
 * whose first 4 bytes are `head`; *footer_len receives the length. */
static qv_status check_tail(const uint8_t *head, const uint8_t *tail, size_t size, int64_t max_meta,
                            uint32_t *footer_len, qv_error *err) {
  if (memcmp(tail + 4, QV__PQ_MAGIC_ENCRYPTED, 4) == 0)
    return qv_error_set(err, QV_ERR_UNSUPPORTED,
                        "Parquet file with an encrypted footer: Parquet modular encryption is not supported");
  if (memcmp(tail + 4, QV__PQ_MAGIC, 4) != 0 || memcmp(head, QV__PQ_MAGIC, 4) != 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "not a Parquet file: the magic \"PAR1\" is missing at %s",
                        memcmp(head, QV__PQ_MAGIC, 4) != 0 ? "the start" : "the end");
  memcpy(footer_len, tail, 4);
  if (*footer_len > size - 12)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet footer of %u bytes does not fit a file of %zu bytes",
                        *footer_len, size);
  if ((int64_t)*footer_len > max_meta)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet footer of %u bytes exceeds the limit of %lld", *footer_len,
                        (long long)max_meta);
  return QV_OK;
}

/* Marks the leaves named by opts->read_dictionary (NULL when none). */
static qv_status dictionary_mask(qv_parquet_file *f, const qv_parquet_read_options *opts, bool **out, qv_error *err) {
  *out = NULL;
  if (opts->n_read_dictionary <= 0 || opts->read_dictionary == NULL) return QV_OK;
  bool *mask = qv__calloc((size_t)f->tree.n_leaves + 1, sizeof(bool));
  QV_CHECK_ALLOC(mask, err);
  for (int32_t i = 0; i < opts->n_read_dictionary; i++) {
    int32_t c = -1;
    qv_status st = qv_parquet_file_column_index(f, opts->read_dictionary[i], &c, err);
    if (st != QV_OK) {
      qv__free(mask);
      qv_error_prefix(err, "read_dictionary: ");
      return st;
    }
    mask[c] = true;
  }
  *out = mask;
  return QV_OK;
}

static bool stores_arrow_schema(const qv_metadata *kv) {
  for (int64_t i = 0; kv != NULL && i < kv->n; i++)
    if (strcmp(kv->pairs[i].key, "ARROW:schema") == 0) return true;
  return false;
}

/* read_dictionary and binary_type applied to the resolved schema's types. */
static qv_status apply_read_types(qv_parquet_file *f, const qv_parquet_read_options *opts, qv_error *err) {
  qv__pq_shape_rules rules = {0};
  if (opts->binary_type == QV_PARQUET_BINARY_LARGE || opts->binary_type == QV_PARQUET_BINARY_VIEW) {
    /* as pyarrow: binary_type gives way to a stored Arrow schema */
    if (opts->ignore_arrow_schema || !stores_arrow_schema(f->meta.kv)) rules.binary_type = opts->binary_type;
  } else if (opts->binary_type != QV_PARQUET_BINARY_DEFAULT) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet: unknown binary_type %d", (int)opts->binary_type);
  }
  bool *dict = NULL;
  QV_RETURN_IF_ERROR(dictionary_mask(f, opts, &dict, err));
  rules.dictionary = dict;
  if (dict == NULL && rules.binary_type == QV_PARQUET_BINARY_DEFAULT) return QV_OK;
  qv_status st = QV_OK;
  int32_t n = f->schema->n_fields;
  qv_field **fs = qv__calloc((size_t)n + 1, sizeof(qv_field *));
  if (fs == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  for (int32_t i = 0; i < n; i++) {
    const qv_field *old = f->schema->fields[i];
    qv_type *t = NULL;
    QV_GOTO_IF_ERROR(st, qv__pq_reshape_type(f->tree.fields[i], old->type, &rules, &t, err), done);
    st = qv_field_new(old->name, t, old->nullable, old->metadata, &fs[i], err);
    qv_type_release(t);
    if (st != QV_OK) goto done;
  }
  qv_schema *s = NULL;
  QV_GOTO_IF_ERROR(st, qv_schema_new(fs, n, f->schema->metadata, &s, err), done);
  qv_schema_release(f->schema);
  f->schema = s;
done:
  for (int32_t i = 0; fs != NULL && i < n; i++) qv_field_release(fs[i]);
  qv__free(fs);
  qv__free(dict);
  return st;
}

/* Everything after the footer bytes are in hand: decode, build, check. */
static qv_status open_footer(qv_parquet_file *f, const uint8_t *footer, uint32_t footer_len,
                             const qv_parquet_read_options *opts, qv_error *err) {
  f->limits.max_page_size = or_default(opts->max_page_size, QV_PARQUET_DEFAULT_MAX_PAGE);
  f->limits.max_values = or_default(opts->max_chunk_values, QV_PARQUET_DEFAULT_MAX_VALUES);
  f->limits.max_bytes = or_default(opts->max_chunk_bytes, QV_PARQUET_DEFAULT_MAX_BYTES);
  f->limits.verify_crc = !opts->skip_crc_check;
  f->threads = opts->max_threads == 1 ? 1 : 2;
  QV_RETURN_IF_ERROR(qv__pq_file_meta_decode(footer, footer_len, &f->meta, err));
  if (f->meta.encrypted)
    return qv_error_set(err, QV_ERR_UNSUPPORTED,
                        "Parquet file with encrypted columns (plaintext footer): Parquet modular encryption is not supported");
  QV_RETURN_IF_ERROR(qv__pq_schema_build(&f->meta, &f->tree, err));
  QV_RETURN_IF_ERROR(leaf_paths(f, err));
  QV_RETURN_IF_ERROR(check_layout(f, err));
  QV_RETURN_IF_ERROR(
      qv__pq_arrow_schema_resolve(f->tree.arrow, f->meta.kv, opts->ignore_arrow_schema, &f->schema, err));
  return apply_read_types(f, opts, err);
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
  uint32_t footer_len;
  QV_RETURN_IF_ERROR(check_tail(b, b + size - 8, size, or_default(opts->max_metadata_size, QV_PARQUET_DEFAULT_MAX_METADATA),
                                &footer_len, err));
  qv_parquet_file *f = qv__calloc(1, sizeof(*f));
  QV_CHECK_ALLOC(f, err);
  f->fd = -1;
  f->bytes = qv_buffer_retain(bytes);
  f->data_end = size - 8 - footer_len;
  qv_status st = open_footer(f, b + f->data_end, footer_len, opts, err);
  if (st != QV_OK) {
    qv_parquet_file_close(f);
    return st;
  }
  *out = f;
  return QV_OK;
}

/* pread mode: only the head, the tail and the footer are read now. */
static qv_status open_pread(const char *path, const qv_parquet_read_options *opts, qv_parquet_file **out,
                            qv_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qv_error_set(err, QV_ERR_IO, "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    return qv_error_set(err, QV_ERR_IO, "use_pread needs a regular file");
  }
  size_t size = (size_t)sb.st_size;
  uint8_t head[4], tail[8];
  qv_parquet_file *f = NULL;
  uint8_t *footer = NULL;
  uint32_t footer_len = 0;
  qv_status st = QV_OK;
  if (size < 12) QV_FAIL_GOTO(st, fail, err, QV_ERR_INVALID_DATA, "not a Parquet file: %zu bytes (the smallest file has 12)", size);
  QV_GOTO_IF_ERROR(st, qv__io_pread_full(fd, head, 4, 0, err), fail);
  QV_GOTO_IF_ERROR(st, qv__io_pread_full(fd, tail, 8, (int64_t)size - 8, err), fail);
  QV_GOTO_IF_ERROR(st, check_tail(head, tail, size, or_default(opts->max_metadata_size, QV_PARQUET_DEFAULT_MAX_METADATA),
                                  &footer_len, err), fail);
  f = qv__calloc(1, sizeof(*f));
  footer = qv__malloc((size_t)footer_len + 1);
  if (f == NULL || footer == NULL) QV_FAIL_GOTO(st, fail, err, QV_ERR_NO_MEMORY, "out of memory");
  f->fd = fd;
  fd = -1;
  f->data_end = size - 8 - footer_len;
  QV_GOTO_IF_ERROR(st, qv__io_pread_full(f->fd, footer, footer_len, (int64_t)f->data_end, err), fail);
  /* the footer's byte strings (statistics) borrow these bytes */
  f->footer_copy = footer;
  footer = NULL;
  QV_GOTO_IF_ERROR(st, open_footer(f, f->footer_copy, footer_len, opts, err), fail);
  *out = f;
  return QV_OK;
fail:
  if (fd >= 0) close(fd);
  qv__free(footer);
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
  if (opts != NULL && opts->use_pread) {
    qv_status st = open_pread(path, opts, out, err);
    if (st != QV_OK) qv_error_prefix(err, "%s: ", path);
    return st;
  }
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
  if (f->fd >= 0) close(f->fd);
  qv__free(f->footer_copy);
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

const char *qv_parquet_file_column_path(const qv_parquet_file *f, int32_t column) {
  return f != NULL && column >= 0 && column < f->tree.n_leaves ? f->paths[column] : NULL;
}

qv_status qv_parquet_file_column_index(const qv_parquet_file *f, const char *path, int32_t *out, qv_error *err) {
  if (f == NULL || path == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  for (int32_t i = 0; i < f->tree.n_leaves; i++)
    if (strcmp(f->paths[i], path) == 0) {
      *out = i;
      return QV_OK;
    }
  return qv_error_set(err, QV_ERR_NOT_FOUND, "Parquet: no leaf column '%s' in the file", path);
}

qv_status qv_parquet_file_row_group_may_match(const qv_parquet_file *f, int32_t rg, const qv_parquet_predicate *preds,
                                              int32_t n, bool *out, qv_error *err) {
  if (f == NULL || out == NULL || (preds == NULL && n > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "NULL argument");
  if (rg < 0 || rg >= f->meta.n_row_groups)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet row group %d out of range (%d row groups)", (int)rg,
                        (int)f->meta.n_row_groups);
  *out = true;
  const qv__pq_row_group *g = &f->meta.row_groups[rg];
  for (int32_t i = 0; i < n; i++) {
    int32_t c = preds[i].column;
    if (c < 0 || c >= f->tree.n_leaves)
      return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "Parquet predicate %d: column %d out of range (%d leaf columns)",
                          (int)i, (int)c, (int)f->tree.n_leaves);
    if ((unsigned)preds[i].op > QV_PARQUET_IS_NOT_NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet predicate %d: unknown operator %d", (int)i,
                          (int)preds[i].op);
  }
  if (g->num_rows == 0 && n > 0) {
    *out = false; /* no row to match */
    return QV_OK;
  }
  for (int32_t i = 0; i < n && *out; i++) {
    const qv__pq_node *leaf = f->tree.leaves[preds[i].column];
    *out = qv__pq_stats_may_match(&g->columns[preds[i].column].meta, leaf->elem, leaf->rep_level > 0, &preds[i]);
  }
  return QV_OK;
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
