/* quiver IPC: the file format reader (random access through the footer)
 * and the format-detecting one-call reads.
 *
 * Layout: "ARROW1\0\0", a stream (Schema, dictionaries, batches, EOS), the
 * Footer flatbuffer, its int32 length, "ARROW1". Invariants (docs/robustness.md,
 * classes 34-36): both magics present; the footer lies between the leading magic
 * and the trailer; every Block lies between the leading magic and the
 * footer, starts with a well-formed prefix whose metadata exactly fills
 * metaDataLength, holds a message of the expected kind whose bodyLength
 * matches the block. Dictionaries are read once, at open, in footer order
 * (deltas appended, replacements rejected); batches are then read on
 * demand, as views of the file's buffer (an mmap for paths and fds), which
 * outlives the reader as long as any batch does.
 *
 * Opened from a path, the reader keeps the file's fd and preads each
 * message's header (prefix and metadata) into a scratch buffer instead of
 * reading it through the mapping: touching the mapping faults its pages in
 * with read-ahead (up to 64 KiB each), so over a file of many small
 * batches the whole file would become resident although only the headers
 * are read. Bodies stay views of the mapping and are paged in only when
 * the caller reads them.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/io.h"
#include "ipc/batch_list.h"
#include "ipc/file_magic.h"
#include "ipc/read_message.h"

struct qv_ipc_file_reader {
  qv_buffer *buf;
  qv_read_core core;
  qv_ipc_footer footer; /* borrows buf */
  int64_t footer_start;
  int fd;            /* >= 0: the mapped file, for preading headers (owned) */
  uint8_t *meta;     /* scratch for preaded headers, reused */
  size_t meta_cap;
};

void qv_ipc_file_reader_free(qv_ipc_file_reader *r) {
  if (r == NULL) return;
  qv__read_core_free(&r->core);
  qv_buffer_release(r->buf);
  if (r->fd >= 0) close(r->fd);
  qv__free(r->meta);
  qv__free(r);
}

/* Frames and decodes the message of a footer Block. *body is NULL (no
 * body) or body_mem, a view of the file borrowed for the caller's call
 * (end it with qv__buffer_borrow_end). */
static qv_status read_block(qv_ipc_file_reader *r, const char *kind, uint32_t index, qv_ipc_block b,
                            uint8_t expect, qv_ipc_message *msg, qv_buffer *body_mem, qv_buffer **body,
                            qv_error *err) {
  *body = NULL;
  int64_t end;
  if (b.offset < 8 || b.metadata_length < 8 || b.body_length < 0 ||
      qv__add_overflow_i64(b.offset, (int64_t)b.metadata_length, &end) ||
      qv__add_overflow_i64(end, b.body_length, &end) || end > r->footer_start)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "footer %s block %u (offset %lld, metaDataLength %d, bodyLength %lld) lies outside the "
                        "file's data section [8, %lld)",
                        kind, index, (long long)b.offset, (int)b.metadata_length, (long long)b.body_length,
                        (long long)r->footer_start);
  const uint8_t *p = r->buf->data + b.offset;
  /* Headers no longer than the metadata limit are preaded (see the top of
   * the file); a longer one gets its error from the mapped bytes below. */
  if (r->fd >= 0 && (int64_t)b.metadata_length - 8 <= r->core.opts.max_metadata_size) {
    size_t need = (size_t)b.metadata_length;
    if (need > r->meta_cap) {
      uint8_t *m = (uint8_t *)qv__realloc(r->meta, need);
      QV_CHECK_ALLOC(m, err);
      r->meta = m;
      r->meta_cap = need;
    }
    QV_RETURN_IF_ERROR(qv__io_pread_full(r->fd, r->meta, need, b.offset, err));
    p = r->meta;
  }
  bool eos;
  int32_t plen, mlen;
  qv_status st = qv__read_frame(p, b.metadata_length, r->core.opts.max_metadata_size, b.offset, &eos, &plen, &mlen,
                               err);
  if (st == QV_ERR_TRUNCATED) { /* inside a file, this is a bad block; err->code mirrors the status */
    st = QV_ERR_INVALID_DATA;
    if (err != NULL) err->code = st;
  }
  if (st == QV_OK && (eos || plen + mlen != b.metadata_length))
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "the message at byte %lld does not fill metaDataLength %d (prefix %d + metadata %d)%s",
                      (long long)b.offset, (int)b.metadata_length, plen, mlen, eos ? ": it is an EOS marker" : "");
  if (st == QV_OK) st = qv__ipc_message_decode(p + plen, (size_t)mlen, msg, err);
  if (st == QV_OK && msg->type != expect)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "expected a %s message, found %s", qv__fb_header_name(expect),
                      qv__fb_header_name(msg->type));
  if (st == QV_OK && msg->body_length != b.body_length)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "message bodyLength %lld differs from the block's bodyLength %lld",
                      (long long)msg->body_length, (long long)b.body_length);
  if (st == QV_OK && b.body_length > 0) {
    st = qv__buffer_view_borrow(body_mem, r->buf, b.offset + b.metadata_length, b.body_length, err);
    if (st == QV_OK) *body = body_mem;
  }
  if (st != QV_OK) qv_error_prefix(err, "footer %s block %u: ", kind, index);
  return st;
}

static qv_status open_file(qv_ipc_file_reader *r, qv_error *err) {
  const uint8_t *d = r->buf->data;
  int64_t size = r->buf->size;
  if (size < 18)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "%lld bytes is too small to be an Arrow IPC file (magic, footer length and magic need 18)",
                        (long long)size);
  if (memcmp(d, QV_IPC_MAGIC, QV_IPC_MAGIC_LEN) != 0) {
    const char *what = qv_ipc_foreign_format(d, (size_t)size);
    if (what != NULL)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "not an Arrow IPC file: it looks like %s", what);
    return qv_error_set(err, QV_ERR_INVALID_DATA, "not an Arrow IPC file: it does not start with \"ARROW1\"");
  }
  if (memcmp(d + size - QV_IPC_MAGIC_LEN, QV_IPC_MAGIC, QV_IPC_MAGIC_LEN) != 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Arrow IPC file does not end with \"ARROW1\" (truncated? the stream reader can recover "
                        "its batches)");
  int32_t flen = qv_fb_load_i32(d + size - 10);
  if (flen <= 0 || (int64_t)flen > size - 18)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "footer length %d is outside [1, %lld] for a %lld-byte file", flen,
                        (long long)(size - 18), (long long)size);
  r->footer_start = size - 10 - flen;
  qv_status st = qv__ipc_footer_decode(d + r->footer_start, (size_t)flen, &r->footer, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "footer at byte %lld: ", (long long)r->footer_start);
    return st;
  }
  QV_RETURN_IF_ERROR(qv__read_core_set_schema(&r->core, &r->footer.schema, err));
  for (uint32_t i = 0; i < r->footer.n_dictionaries; i++) {
    qv_ipc_message msg;
    qv_buffer body_mem, *body = NULL;
    QV_RETURN_IF_ERROR(read_block(r, "dictionary", i, qv_ipc_footer_dictionary(&r->footer, i),
                                  FB_HEADER_DICTIONARY_BATCH, &msg, &body_mem, &body, err));
    int64_t id;
    bool delta;
    st = qv__read_core_dictionary(&r->core, &msg, body, &id, &delta, err);
    qv__buffer_borrow_end(body);
    if (st != QV_OK) {
      qv_error_prefix(err, "footer dictionary block %u: ", i);
      return st;
    }
  }
  return QV_OK;
}

qv_status qv_ipc_file_reader_open_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_ipc_file_reader **out,
                                         qv_error *err) {
  if (out == NULL || buf == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_file_reader_open_buffer: %s is NULL",
                        out ? "buf" : "out");
  *out = NULL;
  qv_ipc_file_reader *r = (qv_ipc_file_reader *)qv__calloc(1, sizeof *r);
  QV_CHECK_ALLOC(r, err);
  r->fd = -1;
  r->buf = qv_buffer_retain(buf);
  qv__read_core_init(&r->core, opts, true);
  qv_status st = open_file(r, err);
  if (st != QV_OK) {
    qv_ipc_file_reader_free(r);
    return st;
  }
  *out = r;
  return QV_OK;
}

qv_status qv_ipc_file_reader_open_path(const char *path, const qv_ipc_read_options *opts, qv_ipc_file_reader **out,
                                       qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_file_reader_open_path: out is NULL");
  *out = NULL;
  qv_buffer *buf = NULL;
  int fd = -1;
  QV_RETURN_IF_ERROR(qv__io_map_path_keep_fd(path, &buf, &fd, err));
  qv_status st = qv_ipc_file_reader_open_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  if (st == QV_OK)
    (*out)->fd = fd; /* from here on headers are preaded */
  else if (fd >= 0)
    close(fd);
  if (st != QV_OK) qv_error_prefix(err, "'%s': ", path);
  return st;
}

qv_status qv_ipc_file_reader_open_fd(int fd, const qv_ipc_read_options *opts, qv_ipc_file_reader **out,
                                     qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_file_reader_open_fd: out is NULL");
  *out = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv__io_map_fd(fd, &buf, err));
  qv_status st = qv_ipc_file_reader_open_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  return st;
}

qv_schema *qv_ipc_file_reader_schema(const qv_ipc_file_reader *r) { return r ? r->core.schema.schema : NULL; }

int64_t qv_ipc_file_reader_num_batches(const qv_ipc_file_reader *r) { return r ? r->footer.n_record_batches : 0; }

qv_status qv_ipc_file_reader_read_batch(qv_ipc_file_reader *r, int64_t i, qv_batch **out, qv_error *err) {
  if (out == NULL || r == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_file_reader_read_batch: %s is NULL", r ? "out" : "reader");
  *out = NULL;
  if (i < 0 || i >= (int64_t)r->footer.n_record_batches)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "batch %lld requested, the file has %u", (long long)i,
                        r->footer.n_record_batches);
  qv_ipc_message msg;
  qv_buffer body_mem, *body = NULL;
  QV_RETURN_IF_ERROR(read_block(r, "record batch", (uint32_t)i, qv_ipc_footer_record_batch(&r->footer, (uint32_t)i),
                                FB_HEADER_RECORD_BATCH, &msg, &body_mem, &body, err));
  qv_status st = qv__read_core_batch(&r->core, &msg, body, out, err);
  qv__buffer_borrow_end(body);
  if (st != QV_OK) qv_error_prefix(err, "record batch %lld: ", (long long)i);
  return st;
}

qv_status qv_ipc_file_reader_read_all(qv_ipc_file_reader *r, qv_table **out, qv_error *err) {
  if (out == NULL || r == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_file_reader_read_all: %s is NULL", r ? "out" : "reader");
  *out = NULL;
  qv_batch_list list;
  qv_batch_list_init(&list);
  qv_status st = QV_OK;
  for (int64_t i = 0; i < (int64_t)r->footer.n_record_batches; i++) {
    qv_batch *b = NULL;
    QV_GOTO_IF_ERROR(st, qv_ipc_file_reader_read_batch(r, i, &b, err), done);
    QV_GOTO_IF_ERROR(st, qv_batch_list_push(&list, b, err), done);
  }
  st = qv__table_new_take(r->core.schema.schema, list.items, list.n, out, err);
  if (st == QV_OK) list.n = 0; /* taken */
done:
  qv_batch_list_free(&list);
  return st;
}

/* ---- one-call reads ---- */

qv_status qv_ipc_read_file_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out) *out = NULL;
  qv_ipc_file_reader *r = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_file_reader_open_buffer(buf, opts, &r, err));
  qv_status st = qv_ipc_file_reader_read_all(r, out, err);
  qv_ipc_file_reader_free(r);
  return st;
}

qv_status qv_ipc_read_file_path(const char *path, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out) *out = NULL;
  qv_ipc_file_reader *r = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_file_reader_open_path(path, opts, &r, err)); /* its errors name the path */
  qv_status st = qv_ipc_file_reader_read_all(r, out, err);
  qv_ipc_file_reader_free(r);
  if (st != QV_OK) qv_error_prefix(err, "'%s': ", path);
  return st;
}

qv_status qv_ipc_read_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (buf == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_read_buffer: buf is NULL");
  if (buf->size >= QV_IPC_MAGIC_LEN && memcmp(buf->data, QV_IPC_MAGIC, QV_IPC_MAGIC_LEN) == 0)
    return qv_ipc_read_file_buffer(buf, opts, out, err);
  return qv_ipc_read_stream_buffer(buf, opts, out, err);
}

qv_status qv_ipc_read_path(const char *path, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out) *out = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv__io_map_path(path, &buf, err));
  qv_status st = qv_ipc_read_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  if (st != QV_OK) qv_error_prefix(err, "'%s': ", path);
  return st;
}

qv_status qv_ipc_read_fd(int fd, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out) *out = NULL;
  struct stat sb;
  qv_buffer *buf = NULL;
  qv_status st;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
    off_t pos = lseek(fd, 0, SEEK_CUR);
    qv_buffer *whole = NULL;
    QV_RETURN_IF_ERROR(qv__io_map_fd(fd, &whole, err));
    if (pos > 0 && pos <= whole->size) {
      st = qv_buffer_view(whole, pos, whole->size - pos, &buf, err);
      qv_buffer_release(whole);
      if (st != QV_OK) return st;
    } else {
      buf = whole;
    }
  } else {
    QV_RETURN_IF_ERROR(qv__io_read_all(fd, &buf, err));
  }
  st = qv_ipc_read_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  return st;
}
