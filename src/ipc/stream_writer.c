/* quiver IPC: writing messages (Schema, DictionaryBatch, RecordBatch, EOS).
 *
 * Framing: <0xFFFFFFFF><int32 metadata length><flatbuffer><zero padding>
 * <body>, or the legacy <int32 length>... when asked. The metadata is
 * padded so that the body starts at a multiple of the alignment (8 or 64)
 * from the start of the output, and the body is a sequence of buffers each
 * padded to that alignment, so every message length is a multiple of 8 and
 * a reader that maps the output sees aligned buffers. Each message goes out
 * in one writev: prefix, metadata and the body's iovecs, which point into
 * the arrays' own memory.
 *
 * Dictionaries: before a batch, its dictionary-encoded columns are walked
 * in schema pre-order (ids are the pre-order slots 0..n-1); nested
 * dictionaries go out before the dictionary whose values contain them. The
 * memo decides between nothing, the whole dictionary, a delta and a
 * replacement (files: never a replacement).
 *
 * Failure: the first failure after bytes may have gone out (a failed
 * write, an allocation or compression failure mid-message) marks the writer
 * failed for good: later calls (write_batch, write_table, close,
 * take_buffer) return that first error and write nothing (no EOS or footer
 * after a lost write), and a path writer's temporary file is closed and
 * unlinked at once, leaving the destination as it was. Argument errors
 * found before anything is written (a batch with another schema) do not
 * break the writer.
 */
#include <unistd.h>

#include "core/internal.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/file_magic.h"
#include "ipc/writer.h"

static const uint8_t k_pad[64];

/* Path writers: drops the temporary file (the destination was never
 * touched). Nothing is written after a failure, so the fd goes too. */
static void discard_temp(qv_ipc_writer *w) {
  if (w->file.tmp_path != NULL) qv__atomic_file_discard(&w->file);
}

qv_status qv__writer_fail(qv_ipc_writer *w, qv_status st, qv_error *err) {
  qv__sticky_fail(&w->failed, st, err);
  discard_temp(w);
  return st;
}

static qv_status check_usable(const qv_ipc_writer *w, qv_error *err) {
  if (w->failed.code != QV_OK) return qv__sticky_report(&w->failed, "the writer failed earlier: ", err);
  if (w->closed) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "the writer is closed");
  return QV_OK;
}

static qv_status block_push(qv_block_list *l, const qv_ipc_block *b, qv_error *err) {
  if (l->n == l->cap) {
    uint32_t cap = l->cap ? l->cap * 2 : 16;
    qv_ipc_block *p = (qv_ipc_block *)qv__realloc(l->items, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, err);
    l->items = p;
    l->cap = cap;
  }
  l->items[l->n++] = *b;
  return QV_OK;
}

/* Writes one framed message: metadata meta[0, len) then, if plan is not
 * NULL, its body, whose arrays are arrays[0, n_arrays) (a pieces writer
 * references their buffers instead of copying them). *block (optional)
 * describes where it went. */
static qv_status write_message(qv_ipc_writer *w, const uint8_t *meta, size_t len, const qv_body_plan *plan,
                               const qv_array *const *arrays, int32_t n_arrays, qv_ipc_block *block,
                               qv_error *err) {
  int64_t pos = w->sink.position;
  int plen = w->opts.legacy_framing ? 4 : 8;
  int64_t align = w->opts.alignment;
  int64_t head = plen + (int64_t)len;
  int64_t pad = (align - ((pos + head) % align)) % align;
  int64_t meta_len = (int64_t)len + pad;
  if (meta_len > INT32_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "message metadata of %lld bytes exceeds 2 GiB", (long long)meta_len);
  if (w->opts.legacy_framing) {
    qv_fb_store_i32(w->prefix, (int32_t)meta_len);
  } else {
    qv_fb_store_u32(w->prefix, 0xFFFFFFFFu);
    qv_fb_store_i32(w->prefix + 4, (int32_t)meta_len);
  }
  int nbody = plan ? plan->n_iov : 0;
  int need = 3 + nbody;
  if (need > w->cap_iov) {
    int cap = w->cap_iov ? w->cap_iov : 64;
    while (cap < need) cap *= 2;
    struct iovec *p = (struct iovec *)qv__realloc(w->iov, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, err);
    w->iov = p;
    w->cap_iov = cap;
  }
  int n = 0;
  w->iov[n++] = (struct iovec){w->prefix, (size_t)plen};
  w->iov[n++] = (struct iovec){(void *)(uintptr_t)meta, len};
  if (pad) w->iov[n++] = (struct iovec){(void *)(uintptr_t)k_pad, (size_t)pad};
  if (nbody) memcpy(w->iov + n, plan->iov, (size_t)nbody * sizeof *w->iov);
  n += nbody;
  int64_t body = plan ? plan->body_length : 0;
  if (w->sink.kind == QV_IO_SINK_MEMORY) QV_RETURN_IF_ERROR(qv__io_sink_reserve(&w->sink, (size_t)(head + pad + body), err));
  if (w->sink.kind == QV_IO_SINK_PIECES && nbody > 0) {
    QV_RETURN_IF_ERROR(qv__buffer_index_build(&w->body_buffers, arrays, n_arrays, err));
    QV_RETURN_IF_ERROR(qv__io_sink_writev_refs(&w->sink, w->iov, n, &w->body_buffers, err));
  } else {
    QV_RETURN_IF_ERROR(qv__io_sink_writev(&w->sink, w->iov, n, err));
  }
  if (block) {
    block->offset = pos;
    block->metadata_length = (int32_t)(plen + meta_len);
    block->body_length = body;
  }
  return QV_OK;
}

static int codec_of(qv_ipc_compression c) {
  switch (c) {
    case QV_IPC_COMPRESSION_LZ4_FRAME: return FB_COMPRESSION_LZ4_FRAME;
    case QV_IPC_COMPRESSION_ZSTD: return FB_COMPRESSION_ZSTD;
    default: return QV_IPC_NO_COMPRESSION;
  }
}

qv_status qv__writer_start(qv_ipc_writer *w, qv_ipc_format format, qv_schema *schema,
                          const qv_ipc_write_options *opts, qv_error *err) {
  qv_ipc_write_options o;
  if (opts)
    o = *opts;
  else
    memset(&o, 0, sizeof o);
  if (o.alignment == 0) o.alignment = 64;
  if (o.alignment != 8 && o.alignment != 64)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "write option alignment must be 8 or 64, not %d", o.alignment);
  if (o.compression != QV_IPC_COMPRESSION_NONE && o.compression != QV_IPC_COMPRESSION_LZ4_FRAME &&
      o.compression != QV_IPC_COMPRESSION_ZSTD)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown compression %d", (int)o.compression);
  if (format != QV_IPC_FORMAT_STREAM && format != QV_IPC_FORMAT_FILE)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown IPC format %d", (int)format);
  if (format == QV_IPC_FORMAT_FILE && o.legacy_framing)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "the file format has no legacy framing");
  if (schema == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "schema is NULL");
  w->format = format;
  w->opts = o;
  w->schema = qv_schema_retain(schema);
  w->n_dicts = qv__ipc_schema_count_dicts(schema);
  qv__fb_builder_init(&w->fb);
  qv__codec_ctx_init(&w->codec);
  qv__body_plan_init(&w->plan, o.alignment, codec_of(o.compression), o.compression_level, &w->codec);
  QV_RETURN_IF_ERROR(qv__dict_memo_init_write(&w->memo, w->n_dicts, err));
  if (format == QV_IPC_FORMAT_FILE) {
    static const uint8_t magic[8] = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
    QV_RETURN_IF_ERROR(qv__io_sink_write(&w->sink, magic, sizeof magic, err));
  }
  const uint8_t *meta;
  size_t len;
  qv__fb_builder_reset(&w->fb);
  QV_RETURN_IF_ERROR(qv__ipc_schema_message_encode(&w->fb, schema, NULL, 0, &meta, &len, err));
  return write_message(w, meta, len, NULL, NULL, 0, NULL, err);
}

/* Sends what dictionary `id` needs for `dict` (whole, delta or nothing). */
static qv_status emit_dictionary(qv_ipc_writer *w, int32_t id, qv_array *dict, qv_error *err) {
  qv_dict_action action;
  int64_t from = 0;
  bool is_file = w->format == QV_IPC_FORMAT_FILE;
  QV_RETURN_IF_ERROR(qv__dict_memo_decide(&w->memo, id, dict, !is_file, is_file || !w->opts.disable_dictionary_deltas,
                                         &action, &from, err));
  if (action == QV_DICT_SKIP) {
    qv__dict_memo_set_sent(&w->memo, id, dict, false);
    return QV_OK;
  }
  bool delta = action == QV_DICT_DELTA;
  qv__body_plan_reset(&w->plan);
  if (delta)
    QV_RETURN_IF_ERROR(qv__body_plan_add_range(&w->plan, dict, from, dict->length - from, err));
  else
    QV_RETURN_IF_ERROR(qv__body_plan_add(&w->plan, dict, err));
  QV_RETURN_IF_ERROR(qv__body_plan_compress(&w->plan, err));
  qv_ipc_batch_desc desc;
  qv__body_plan_desc(&w->plan, delta ? dict->length - from : dict->length, &desc);
  const uint8_t *meta;
  size_t len;
  qv__fb_builder_reset(&w->fb);
  QV_RETURN_IF_ERROR(
      qv__ipc_dict_batch_message_encode(&w->fb, id, delta, &desc, w->plan.body_length, &meta, &len, err));
  qv_ipc_block block;
  const qv_array *body_arrays[1] = {dict};
  QV_RETURN_IF_ERROR(write_message(w, meta, len, &w->plan, body_arrays, 1, &block, err));
  if (is_file) QV_RETURN_IF_ERROR(block_push(&w->dict_blocks, &block, err));
  qv__dict_memo_set_sent(&w->memo, id, dict, delta);
  return QV_OK;
}

/* Walks a field's type and array in pre-order, emitting dictionaries
 * (nested ones before the dictionary that contains them). */
static qv_status write_dicts(qv_ipc_writer *w, const qv_type *type, const qv_array *arr, int32_t *slot,
                             qv_error *err) {
  const qv_type *s = qv_type_storage(type);
  if (s->id == QV_TYPE_DICTIONARY) {
    int32_t k = (*slot)++;
    qv_array *dict = arr->dictionary;
    const qv_type *vs = qv_type_storage(s->value_type);
    for (int32_t i = 0; i < vs->n_children && i < dict->n_children; i++)
      QV_RETURN_IF_ERROR(write_dicts(w, vs->children[i]->type, dict->children[i], slot, err));
    return emit_dictionary(w, k, dict, err);
  }
  for (int32_t i = 0; i < s->n_children && i < arr->n_children; i++)
    QV_RETURN_IF_ERROR(write_dicts(w, s->children[i]->type, arr->children[i], slot, err));
  return QV_OK;
}

static qv_status write_batch(qv_ipc_writer *w, const qv_batch *batch, qv_error *err) {
  if (batch->schema != w->schema && !qv_schema_equals(batch->schema, w->schema, false))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "batch %lld: its schema differs from the schema the writer was opened with",
                        (long long)w->n_batches);
  if (w->n_dicts > 0) {
    int32_t slot = 0;
    for (int32_t i = 0; i < batch->n_columns; i++) {
      qv_status st = write_dicts(w, w->schema->fields[i]->type, batch->columns[i], &slot, err);
      if (st != QV_OK) {
        qv_error_prefix(err, "batch %lld, column '%s': ", (long long)w->n_batches, w->schema->fields[i]->name);
        return st;
      }
    }
  }
  qv__body_plan_reset(&w->plan);
  for (int32_t i = 0; i < batch->n_columns; i++) {
    qv_status st = qv__body_plan_add(&w->plan, batch->columns[i], err);
    if (st != QV_OK) {
      qv_error_prefix(err, "batch %lld, column '%s': ", (long long)w->n_batches, w->schema->fields[i]->name);
      return st;
    }
  }
  qv_status cst = qv__body_plan_compress(&w->plan, err);
  if (cst != QV_OK) {
    qv_error_prefix(err, "batch %lld: ", (long long)w->n_batches);
    return cst;
  }
  qv_ipc_batch_desc desc;
  qv__body_plan_desc(&w->plan, batch->length, &desc);
  qv__fb_builder_reset(&w->fb);
  qv_fb_ref header;
  const uint8_t *meta;
  size_t len;
  QV_RETURN_IF_ERROR(qv__ipc_batch_encode(&w->fb, &desc, &header, err));
  QV_RETURN_IF_ERROR(qv__ipc_message_encode(&w->fb, FB_HEADER_RECORD_BATCH, header, w->plan.body_length,
                                           batch->metadata, &meta, &len, err));
  qv_ipc_block block;
  QV_RETURN_IF_ERROR(write_message(w, meta, len, &w->plan, (const qv_array *const *)batch->columns,
                                   batch->n_columns, &block, err));
  if (w->format == QV_IPC_FORMAT_FILE) QV_RETURN_IF_ERROR(block_push(&w->batch_blocks, &block, err));
  w->n_batches++;
  return QV_OK;
}

qv_status qv_ipc_writer_write_batch(qv_ipc_writer *w, const qv_batch *batch, qv_error *err) {
  if (w == NULL || batch == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_write_batch: %s is NULL",
                        w ? "batch" : "writer");
  QV_RETURN_IF_ERROR(check_usable(w, err));
  qv_error local;
  if (err == NULL) err = &local;
  qv_status st = write_batch(w, batch, err);
  /* Argument errors leave the output intact; anything after bytes may have
   * gone out breaks the writer. */
  if (st != QV_OK && (st != QV_ERR_INVALID_ARGUMENT || w->sink.broken.code != QV_OK)) qv__writer_fail(w, st, err);
  return st;
}

qv_status qv_ipc_writer_write_table(qv_ipc_writer *w, const qv_table *table, qv_error *err) {
  if (w == NULL || table == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_writer_write_table: %s is NULL",
                        w ? "table" : "writer");
  for (int64_t i = 0; i < table->n_batches; i++)
    QV_RETURN_IF_ERROR(qv_ipc_writer_write_batch(w, table->batches[i], err));
  return QV_OK;
}

/* Writes the footer flatbuffer, its int32 length and the trailing magic. */
static qv_status write_footer(qv_ipc_writer *w, qv_error *err) {
  const uint8_t *footer;
  size_t len;
  qv__fb_builder_reset(&w->fb);
  QV_RETURN_IF_ERROR(qv__ipc_footer_encode(&w->fb, w->schema, NULL, 0, w->dict_blocks.items, w->dict_blocks.n,
                                          w->batch_blocks.items, w->batch_blocks.n, &footer, &len, err));
  if (len > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "file footer of %zu bytes exceeds 2 GiB", len);
  uint8_t tail[10];
  qv_fb_store_i32(tail, (int32_t)len);
  memcpy(tail + 4, QV_IPC_MAGIC, QV_IPC_MAGIC_LEN);
  struct iovec iov[2] = {{(void *)(uintptr_t)footer, len}, {tail, sizeof tail}};
  return qv__io_sink_writev(&w->sink, iov, 2, err);
}

qv_status qv__writer_finish_stream(qv_ipc_writer *w, qv_error *err) {
  QV_RETURN_IF_ERROR(check_usable(w, err));
  qv_error local;
  if (err == NULL) err = &local;
  uint8_t eos[8];
  size_t n;
  if (w->opts.legacy_framing) {
    qv_fb_store_i32(eos, 0);
    n = 4;
  } else {
    qv_fb_store_u32(eos, 0xFFFFFFFFu);
    qv_fb_store_i32(eos + 4, 0);
    n = 8;
  }
  qv_status st = qv__io_sink_write(&w->sink, eos, n, err);
  if (st == QV_OK && w->format == QV_IPC_FORMAT_FILE) st = write_footer(w, err);
  if (st != QV_OK) return qv__writer_fail(w, st, err);
  w->closed = true;
  return QV_OK;
}

int64_t qv_ipc_writer_position(const qv_ipc_writer *w) { return w ? w->sink.position : 0; }
