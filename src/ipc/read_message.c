/* quiver IPC: from one framed message to a schema, dictionary or batch.
 *
 * Shared by the stream decoder and the file reader. Invariants: a batch is
 * returned only after (1) the loader consumed exactly the nodes, buffers
 * and variadic counts the schema calls for, (2) every column's length
 * equals the RecordBatch length, and (3) unless the caller opted out, every
 * column passed qv_array_validate (structure, or full on request), so the
 * arrays handed out can be read without going out of bounds. The
 * decompression budget of a message is the smaller of the per-message cap
 * and what is left of the reader's total cap; what a message used is
 * charged to the total.
 */
#include "ipc/read_message.h"

#include "core/internal.h"
#include "core/view_block.h"
#include "ipc/body.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/schema_cache.h"
#include "quiver/validate.h"

void qv__read_options_normalize(const qv_ipc_read_options *opts, qv_ipc_read_options *out) {
  if (opts)
    *out = *opts;
  else
    memset(out, 0, sizeof *out);
  if (out->max_decompressed_size <= 0) out->max_decompressed_size = QV_IPC_DEFAULT_MAX_DECOMPRESSED;
  if (out->max_metadata_size <= 0) out->max_metadata_size = QV_IPC_DEFAULT_MAX_METADATA;
  if (out->max_total_decompressed_size == 0) out->max_total_decompressed_size = QV_IPC_DEFAULT_MAX_TOTAL_DECOMPRESSED;
  if (out->max_total_decompressed_size < 0) out->max_total_decompressed_size = INT64_MAX;
}

/* The decompression budget of the next message. */
static int64_t message_budget(const qv_read_core *c) {
  int64_t left = c->opts.max_total_decompressed_size - c->decompressed;
  return left < c->opts.max_decompressed_size ? left : c->opts.max_decompressed_size;
}

/* Charges what a message decompressed to the reader's total; a limit hit
 * because of the total (not the per-message cap) says so. */
static void charge_budget(qv_read_core *c, int64_t budget, int64_t left, qv_status st, qv_error *err) {
  c->decompressed += budget - left;
  if (st == QV_ERR_LIMIT && budget < c->opts.max_decompressed_size)
    qv_error_prefix(err, "%lld of the %lld bytes this reader may decompress in all are used "
                    "(read option max_total_decompressed_size): ",
                    (long long)c->decompressed, (long long)c->opts.max_total_decompressed_size);
}

void qv__read_core_init(qv_read_core *c, const qv_ipc_read_options *opts, bool is_file) {
  memset(c, 0, sizeof *c);
  qv__read_options_normalize(opts, &c->opts);
  qv__codec_ctx_init(&c->codec);
  c->is_file = is_file;
}

void qv__read_core_free(qv_read_core *c) {
  if (c == NULL) return;
  qv__dict_memo_free(&c->memo);
  qv__ipc_schema_info_free(&c->schema);
  qv__codec_ctx_free(&c->codec);
  c->have_schema = false;
  c->schema_looked_up = false;
}

/* The arena a batch's block needs: every array struct, the batch's own
 * and that of the table of a one-batch stream (qv__table_new_take_one).
 * Remembered with the schema (and in the schema cache), with the flat
 * loader's plan (ipc/body_flat.c). */
static void schema_arena(qv_ipc_schema_info *info) {
  if (info->batch_arena != 0) return;
  const qv_schema *s = info->schema;
  size_t n = qv__batch_bytes(s->n_fields) + qv__table_bytes(1);
  for (int32_t i = 0; i < s->n_fields; i++) n += qv__array_tree_bytes(s->fields[i]->type);
  info->batch_arena = n;
  info->flat_buffers = qv__flat_plan_buffers(s);
}

/* With c->schema decoded: the dictionary memo, then the schema is in force. */
static qv_status schema_done(qv_read_core *c, qv_error *err) {
  qv_status st = qv__dict_memo_init_read(&c->memo, &c->schema, err);
  if (st != QV_OK) {
    qv__ipc_schema_info_free(&c->schema);
    return st;
  }
  schema_arena(&c->schema);
  c->batch_array_bytes = c->schema.batch_arena;
  c->have_schema = true;
  return QV_OK;
}

qv_status qv__read_core_set_schema(qv_read_core *c, const qv_fb_table *schema, qv_error *err) {
  if (c->have_schema) return qv_error_set(err, QV_ERR_INVALID_DATA, "a second Schema message");
  QV_RETURN_IF_ERROR(qv__ipc_schema_decode(schema, &c->schema, err));
  return schema_done(c, err);
}

bool qv__read_core_schema_lookup(qv_read_core *c, const uint8_t *meta, size_t len) {
  if (c->have_schema) return false;
  if (c->schema_looked_up) return true; /* the same message, decoded again after more bytes came */
  c->schema_looked_up = qv__schema_cache_get(meta, len, &c->schema);
  return c->schema_looked_up;
}

qv_status qv__read_core_set_schema_message(qv_read_core *c, const qv_ipc_message *msg, qv_error *err) {
  if (c->have_schema) return qv_error_set(err, QV_ERR_INVALID_DATA, "a second Schema message");
  const uint8_t *bytes = msg->message.buf;
  if (c->schema_looked_up) {
    c->schema_looked_up = false;
  } else if (!qv__schema_cache_get(bytes, msg->meta_len, &c->schema)) {
    QV_RETURN_IF_ERROR(qv__ipc_schema_decode(&msg->header, &c->schema, err));
    schema_arena(&c->schema);
    qv__schema_cache_put(bytes, msg->meta_len, &c->schema);
  }
  return schema_done(c, err);
}

static qv_status validate_array(const qv_read_core *c, const qv_array *a, const char *name, qv_error *err) {
  if (c->opts.skip_validation) return QV_OK;
  qv_status st = qv_array_validate(a, c->opts.full_validation ? QV_VALIDATE_FULL : QV_VALIDATE_STRUCTURE, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "column '%s': ", name);
    if (st == QV_ERR_OVERFLOW || st == QV_ERR_LIMIT) return st;
    return QV_ERR_INVALID_DATA;
  }
  return QV_OK;
}

qv_status qv__read_core_dictionary(qv_read_core *c, const qv_ipc_message *msg, qv_buffer *body, int64_t *id,
                                  bool *is_delta, qv_error *err) {
  qv_ipc_dict_batch_header h;
  QV_RETURN_IF_ERROR(qv__ipc_dict_batch_decode(&msg->header, msg->body_length, &h, err));
  *id = h.id;
  *is_delta = h.is_delta;
  qv_dict_entry *e = qv__dict_memo_find(&c->memo, h.id);
  if (e == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "DictionaryBatch id %lld is not declared by the schema",
                        (long long)h.id);
  if (c->is_file && !h.is_delta && e->dict != NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "DictionaryBatch id %lld replaces a dictionary, which the IPC file format forbids",
                        (long long)h.id);
  const qv_ipc_dict_field *df = &c->schema.dicts[e->slot];
  qv_body_loader l;
  const int64_t budget = message_budget(c);
  qv__codec_prefetch(&c->codec, &h.data, body, msg->body_length, budget);
  qv__body_loader_init(&l, &h.data, body, msg->body_length, &c->schema, &c->memo, &c->codec, budget,
                      msg->version < FB_METADATA_V5);
  l.dict_i = e->slot + 1;
  l.array_bytes = qv__array_tree_bytes(df->type->value_type);
  qv_array *values = NULL;
  qv_status st = qv__body_load(&l, df->field->name, df->type->value_type, &values, err);
  if (st == QV_OK) st = qv__body_loader_finish(&l, err);
  charge_budget(c, budget, l.budget, st, err);
  qv__codec_prefetch_drop(&c->codec);
  qv__body_loader_free(&l);
  if (st == QV_OK && values->length != h.data.length)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "dictionary has %lld values but its RecordBatch.length is %lld",
                      (long long)values->length, (long long)h.data.length);
  if (st == QV_OK) st = validate_array(c, values, df->field->name, err);
  if (st == QV_OK) st = qv__dict_memo_apply(&c->memo, e, h.is_delta, values, err);
  if (st != QV_OK) qv_error_prefix(err, "DictionaryBatch id %lld: ", (long long)h.id);
  qv_array_release(values);
  return st;
}

/* After the flat loader built cols: full validation when asked, the
 * message's metadata and the batch (which takes the columns; released
 * here on failure). */
static qv_status flat_batch_finish(const qv_read_core *c, const qv_ipc_message *msg, const qv_ipc_batch_header *h,
                                   qv__view_block *block, qv_array **cols, qv_batch **out, qv_error *err) {
  qv_schema *schema = c->schema.schema;
  const int32_t n = schema->n_fields;
  qv_metadata *md = NULL;
  qv_status st = QV_OK;
  if (c->opts.full_validation)
    for (int32_t i = 0; i < n && st == QV_OK; i++) st = validate_array(c, cols[i], schema->fields[i]->name, err);
  if (st == QV_OK) st = qv__ipc_metadata_decode(&msg->message, FB_MESSAGE_CUSTOM_METADATA, &md, err);
  if (st == QV_OK) st = qv__batch_new_take_in(block, schema, h->length, cols, md, out, err);
  if (st != QV_OK)
    for (int32_t i = 0; i < n; i++) qv_array_release(cols[i]);
  qv_metadata_free(md);
  return st;
}

qv_status qv__read_core_batch(qv_read_core *c, const qv_ipc_message *msg, qv_buffer *body, qv_batch **out,
                             qv_error *err) {
  *out = NULL;
  qv_ipc_batch_header h;
  QV_RETURN_IF_ERROR(qv__ipc_batch_decode(&msg->header, msg->body_length, &h, err));
  qv_schema *schema = c->schema.schema;
  int32_t n = schema->n_fields;
  qv_array *small[16];
  qv_array **cols = small;
  qv_metadata *md = NULL;
  qv_status st = QV_OK;
  int32_t loaded = 0;
  if (n > 16) {
    cols = (qv_array **)qv__malloc((size_t)n * sizeof *cols);
    QV_CHECK_ALLOC(cols, err);
  }
  /* A flat schema's batch in one pass (ipc/body_flat.c); anything it does
   * not accept is left to the general loader below. */
  if (c->schema.flat_buffers > 0) {
    bool handled;
    qv__view_block *block = NULL;
    st = qv__body_load_flat(&h, body, msg->body_length, &c->schema, !c->opts.skip_validation, c->batch_array_bytes,
                            &block, cols, &handled, err);
    if (handled) {
      if (st == QV_OK) st = flat_batch_finish(c, msg, &h, block, cols, out, err);
      qv__view_block_release(block);
      if (cols != small) qv__free(cols);
      return st;
    }
  }
  qv_body_loader l;
  const int64_t budget = message_budget(c);
  bool charged = false;
  qv__codec_prefetch(&c->codec, &h, body, msg->body_length, budget);
  qv__body_loader_init(&l, &h, body, msg->body_length, &c->schema, &c->memo, &c->codec, budget,
                      msg->version < FB_METADATA_V5);
  l.array_bytes = c->batch_array_bytes;
  for (; loaded < n; loaded++) {
    qv_field *f = schema->fields[loaded];
    QV_GOTO_IF_ERROR(st, qv__body_load(&l, f->name, f->type, &cols[loaded], err), done);
    if (cols[loaded]->length != h.length) {
      loaded++;
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA,
                   "column '%s' has %lld rows but the RecordBatch has %lld", f->name,
                   (long long)cols[loaded - 1]->length, (long long)h.length);
    }
  }
  QV_GOTO_IF_ERROR(st, qv__body_loader_finish(&l, err), done);
  charge_budget(c, budget, l.budget, st, err);
  charged = true;
  for (int32_t i = 0; i < n; i++)
    QV_GOTO_IF_ERROR(st, validate_array(c, cols[i], schema->fields[i]->name, err), done);
  QV_GOTO_IF_ERROR(st, qv__ipc_metadata_decode(&msg->message, FB_MESSAGE_CUSTOM_METADATA, &md, err), done);
  QV_GOTO_IF_ERROR(st, qv__batch_new_take_in(l.arena, schema, h.length, cols, md, out, err), done);
  loaded = 0; /* the batch took the columns' references */
done:
  if (!charged) charge_budget(c, budget, l.budget, st, err);
  qv__codec_prefetch_drop(&c->codec);
  qv__body_loader_free(&l);
  for (int32_t i = 0; i < loaded; i++) qv_array_release(cols[i]);
  if (cols != small) qv__free(cols);
  qv_metadata_free(md);
  return st;
}

/* Printable ASCII or white space: what text formats (CSV, JSON, TSV)
 * start with. Four such bytes read as a legacy metadata length are at
 * least 0x09090909 (151 MiB), so no real stream is taken for text unless
 * its first message claims that much metadata. */
static bool looks_like_text(const uint8_t *p, size_t n) {
  size_t i = (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0; /* UTF-8 BOM */
  if (n - i < 4) return false;
  for (; i < n; i++)
    if (!((p[i] >= 0x20 && p[i] < 0x7F) || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) return false;
  return true;
}

const char *qv_ipc_foreign_format(const void *data, size_t n) {
  const uint8_t *p = (const uint8_t *)data;
  if (p == NULL || n < 2) return NULL;
  if (n >= 4 && memcmp(p, "PAR1", 4) == 0) return "a Parquet file";
  if (n >= 4 && memcmp(p, "FEA1", 4) == 0) return "a Feather v1 file";
  if (p[0] == 0x1F && p[1] == 0x8B) return "gzip-compressed data";
  if (looks_like_text(p, n)) return "text (CSV, JSON or other)";
  return NULL;
}

qv_status qv__read_foreign_check(const uint8_t *data, size_t n, qv_error *err) {
  const char *what = qv_ipc_foreign_format(data, n);
  if (what == NULL) return QV_OK;
  char shown[13] = {0};
  size_t k = 0;
  for (; k < n && k < 4; k++) shown[k] = (data[k] >= 0x20 && data[k] < 0x7F) ? (char)data[k] : '.';
  return qv_error_set(err, QV_ERR_INVALID_DATA,
                      "the input is not Arrow IPC: it looks like %s (it starts with \"%s\")", what, shown);
}

qv_status qv__frame_parse(const uint8_t *p, int64_t have, int64_t max_metadata, int64_t where, qv__frame *f,
                          qv_error *err) {
  memset(f, 0, sizeof *f);
  if (have < 4) return QV_OK;
  const int32_t first = qv_fb_load_i32(p);
  int32_t len;
  if (first == -1) {
    if (have < 8) return QV_OK;
    len = qv_fb_load_i32(p + 4);
    f->prefix_len = 8;
  } else {
    /* Legacy (pre-0.15) framing, or another format altogether. */
    if (where == 0) QV_RETURN_IF_ERROR(qv__read_foreign_check(p, 4, err));
    len = first;
    f->prefix_len = 4;
  }
  if (len < 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "message at byte %lld: %s %d is negative", (long long)where,
                        f->prefix_len == 8 ? "metadata length" : "continuation token / metadata length", len);
  if (len > max_metadata)
    return qv_error_set(err, QV_ERR_LIMIT,
                        "message at byte %lld: metadata length %d exceeds the limit of %lld bytes "
                        "(read option max_metadata_size)",
                        (long long)where, len, (long long)max_metadata);
  f->complete = true;
  f->eos = len == 0;
  f->meta_len = len;
  return QV_OK;
}

qv_status qv__read_frame(const uint8_t *data, int64_t avail, int64_t max_metadata, int64_t where, bool *eos,
                         int32_t *prefix_len, int32_t *meta_len, qv_error *err) {
  *eos = false;
  *prefix_len = 0;
  *meta_len = 0;
  qv__frame f;
  QV_RETURN_IF_ERROR(qv__frame_parse(data, avail, max_metadata, where, &f, err));
  if (!f.complete)
    return qv_error_set(err, QV_ERR_TRUNCATED, "message at byte %lld: only %lld of the %d-byte %s",
                        (long long)where, (long long)avail, avail < 4 ? 4 : 8, avail < 4 ? "length prefix" : "prefix");
  if (!f.eos && (int64_t)f.meta_len > avail - f.prefix_len)
    return qv_error_set(err, QV_ERR_TRUNCATED,
                        "message at byte %lld: metadata length %d but only %lld bytes remain", (long long)where,
                        f.meta_len, (long long)(avail - f.prefix_len));
  *eos = f.eos;
  *prefix_len = f.prefix_len;
  *meta_len = f.meta_len;
  return QV_OK;
}
