/* quiver IPC: the pull stream reader (over a buffer, a path or an fd) and
 * the one-call read functions.
 *
 * Over a buffer or a mapped path the input is fed to the push decoder
 * zero-copy, one message per step as batches are asked for (so a huge or
 * compressed input is never decoded ahead of the caller, and errors further
 * on are reported in order, after the batches before them). Over an
 * fd, bytes are read straight into the decoder's window, message by
 * message, so a body travels from the kernel into its final aligned buffer
 * with one copy and the reader never reads past the end of the stream.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "ipc/decoder.h"
#include "ipc/io.h"
#include "ipc/batch_list.h"
#include "ipc/file_magic.h"
#include "ipc/stream_buffer.h"
#include "quiver/ipc.h"

struct qv_ipc_stream_reader {
  qv_ipc_decoder *dec; /* lives in the same allocation, after the reader */
  qv_buffer *src; /* buffer mode: the input (retained), decoded lazily */
  int64_t src_pos;
  int fd;        /* >= 0: incremental fd reader */
  bool input_ended; /* end of input reached (read() returned 0, or src consumed) */
  bool ended;    /* end of stream reported */
};

static void reader_dispose(qv_ipc_stream_reader *r);

void qv_ipc_stream_reader_free(qv_ipc_stream_reader *r) {
  if (r == NULL) return;
  reader_dispose(r);
  qv__free(r);
}

/* The reader and its decoder in one block of memory: one allocation for
 * a reader the caller keeps, or the stack for a one-call read. */
#define READER_SIZE ((sizeof(qv_ipc_stream_reader) + 63) & ~(size_t)63)
#define READER_MEM_MAX (READER_SIZE + QV__DECODER_SIZE_MAX)
static qv_ipc_stream_reader *reader_init(void *mem, const qv_ipc_read_options *opts) {
  qv_ipc_stream_reader *r = (qv_ipc_stream_reader *)mem;
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->dec = qv__decoder_init((uint8_t *)r + READER_SIZE, opts);
  return r;
}

static qv_ipc_stream_reader *reader_new(const qv_ipc_read_options *opts) {
  void *mem = qv__malloc(READER_SIZE + qv__decoder_size());
  return mem ? reader_init(mem, opts) : NULL;
}

/* Releases what the reader holds, not its memory. */
static void reader_dispose(qv_ipc_stream_reader *r) {
  qv__decoder_dispose(r->dec);
  qv_buffer_release(r->src);
}

/* Reads more bytes from the fd into the decoder; at end of file declares
 * the end of input. */
static qv_status fd_pump(qv_ipc_stream_reader *r, qv_error *err) {
  if (r->input_ended) return qv_ipc_decoder_finish(r->dec, err);
  uint8_t *dst;
  size_t n;
  QV_RETURN_IF_ERROR(qv__decoder_window(r->dec, &dst, &n, err));
  if (n == 0) return QV_OK;
  for (;;) {
    ssize_t got = read(r->fd, dst, n);
    if (got < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      return qv_error_set(err, QV_ERR_IO, "read from fd %d failed at stream byte %lld: %s (errno %d)", r->fd,
                          (long long)qv_ipc_decoder_position(r->dec), strerror(e), e);
    }
    if (got == 0) {
      r->input_ended = true;
      return qv_ipc_decoder_finish(r->dec, err);
    }
    return qv__decoder_commit(r->dec, (size_t)got, err);
  }
}

/* Next event that matters (schema, batch or end); dictionaries are applied
 * silently. *ev kind NONE means the input ended cleanly without EOS. */
static qv_status next_event(qv_ipc_stream_reader *r, qv_ipc_event *ev, qv_error *err) {
  for (;;) {
    QV_RETURN_IF_ERROR(qv_ipc_decoder_next(r->dec, ev, err));
    if (ev->kind == QV_IPC_EVENT_DICTIONARY) continue;
    if (ev->kind != QV_IPC_EVENT_NONE) return QV_OK;
    if (qv_ipc_decoder_done(r->dec)) return QV_OK;
    if (r->src != NULL) {
      /* Decode lazily, one message per step: a huge (or compressed) input
       * is never decoded ahead of the caller. */
      if (r->src_pos < r->src->size) {
        QV_RETURN_IF_ERROR(qv__decoder_step_buffer(r->dec, r->src, &r->src_pos, err));
        continue;
      }
      if (r->input_ended) return QV_OK;
      r->input_ended = true;
      QV_RETURN_IF_ERROR(qv_ipc_decoder_finish(r->dec, err));
      continue;
    }
    if (r->fd < 0) return QV_OK;
    if (r->input_ended) return QV_OK; /* finish() already succeeded */
    QV_RETURN_IF_ERROR(fd_pump(r, err));
  }
}

static qv_status open_common(qv_ipc_stream_reader *r, qv_error *err) {
  qv_ipc_event ev;
  QV_RETURN_IF_ERROR(next_event(r, &ev, err));
  if (ev.kind == QV_IPC_EVENT_SCHEMA) return QV_OK;
  qv_batch_release(ev.batch);
  /* Only possible at a clean end before any Schema, which finish() rejects. */
  return qv_error_set(err, QV_ERR_TRUNCATED, "the stream has no Schema message");
}

/* Opens r (fresh from reader_init) over buf: reads up to the Schema. On
 * failure r still needs reader_dispose. */
static qv_status open_buffer_into(qv_ipc_stream_reader *r, qv_buffer *buf, qv_error *err) {
  qv_status st = QV_OK;
  qv_buffer *view = NULL;
  if (buf->size >= 8 && memcmp(buf->data, QV_IPC_MAGIC "\0\0", 8) == 0) {
    /* An IPC file read as a stream (e.g. to recover the batches of a file
     * whose footer was lost): skip its leading magic. */
    st = qv_buffer_view(buf, 8, buf->size - 8, &view, err);
    buf = view;
  }
  if (st == QV_OK) {
    r->src = qv_buffer_retain(buf);
    st = open_common(r, err);
  }
  qv_buffer_release(view);
  return st;
}

qv_status qv_ipc_stream_reader_open_buffer(qv_buffer *buf, const qv_ipc_read_options *opts,
                                           qv_ipc_stream_reader **out, qv_error *err) {
  if (out == NULL || buf == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_open_buffer: %s is NULL",
                        out ? "buf" : "out");
  *out = NULL;
  qv_ipc_stream_reader *r = reader_new(opts);
  QV_CHECK_ALLOC(r, err);
  qv_status st = open_buffer_into(r, buf, err);
  if (st != QV_OK) {
    qv_ipc_stream_reader_free(r);
    return st;
  }
  *out = r;
  return QV_OK;
}

qv_status qv_ipc_stream_reader_open_path(const char *path, const qv_ipc_read_options *opts,
                                         qv_ipc_stream_reader **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_open_path: out is NULL");
  *out = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv__io_map_path(path, &buf, err));
  qv_status st = qv_ipc_stream_reader_open_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  if (st != QV_OK) qv_error_prefix(err, "'%s': ", path);
  return st;
}

/* An IPC file read as a stream over an fd (e.g. to recover the batches of
 * a file whose footer was lost) starts with "ARROW1\0\0": skip it, as
 * open_buffer does. Any stream is longer than 8 bytes (a Schema message
 * comes first), so reading them never reads past the end of the stream. */
static qv_status fd_skip_magic(qv_ipc_stream_reader *r, qv_error *err) {
  uint8_t head[8];
  size_t got = 0;
  QV_RETURN_IF_ERROR(qv__io_read_full(r->fd, head, sizeof head, &got, err));
  if (got == sizeof head && memcmp(head, QV_IPC_MAGIC "\0\0", sizeof head) == 0) return QV_OK;
  return qv_ipc_decoder_feed(r->dec, head, got, err);
}

qv_status qv_ipc_stream_reader_open_fd(int fd, const qv_ipc_read_options *opts, qv_ipc_stream_reader **out,
                                       qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_open_fd: out is NULL");
  *out = NULL;
  if (fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_open_fd: bad fd %d", fd);
  qv_ipc_stream_reader *r = reader_new(opts);
  QV_CHECK_ALLOC(r, err);
  r->fd = fd;
  qv_status st = fd_skip_magic(r, err);
  if (st == QV_OK) st = open_common(r, err);
  if (st != QV_OK) {
    qv_ipc_stream_reader_free(r);
    return st;
  }
  *out = r;
  return QV_OK;
}

qv_schema *qv_ipc_stream_reader_schema(const qv_ipc_stream_reader *r) {
  return r ? qv_ipc_decoder_schema(r->dec) : NULL;
}

qv_status qv_ipc_stream_reader_next(qv_ipc_stream_reader *r, qv_batch **out, qv_error *err) {
  if (out == NULL || r == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_next: %s is NULL", r ? "out" : "reader");
  *out = NULL;
  if (r->ended) return QV_OK;
  qv_ipc_event ev;
  QV_RETURN_IF_ERROR(next_event(r, &ev, err));
  if (ev.kind == QV_IPC_EVENT_BATCH) {
    *out = ev.batch;
    return QV_OK;
  }
  if (ev.kind == QV_IPC_EVENT_SCHEMA) /* cannot happen: the decoder rejects a second schema */
    return qv_error_set(err, QV_ERR_INVALID_DATA, "unexpected second Schema message");
  r->ended = true;
  return QV_OK;
}

bool qv_ipc_stream_reader_eos_missing(const qv_ipc_stream_reader *r) {
  return r != NULL && r->ended && !qv_ipc_decoder_done(r->dec);
}

int64_t qv_ipc_stream_reader_position(const qv_ipc_stream_reader *r) {
  return r ? qv_ipc_decoder_position(r->dec) : 0;
}

qv_status qv_ipc_stream_reader_read_all(qv_ipc_stream_reader *r, qv_table **out, qv_error *err) {
  if (out == NULL || r == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_stream_reader_read_all: %s is NULL",
                        r ? "out" : "reader");
  *out = NULL;
  qv_batch_list list;
  qv_batch_list_init(&list);
  qv_batch *first = NULL; /* a stream of one batch (the common case) needs no list */
  qv_status st = QV_OK;
  for (;;) {
    qv_batch *b = NULL;
    QV_GOTO_IF_ERROR(st, qv_ipc_stream_reader_next(r, &b, err), done);
    if (b == NULL) break;
    if (first == NULL && list.n == 0) {
      first = b;
      continue;
    }
    if (first != NULL) {
      qv_batch *f = first;
      first = NULL;
      st = qv_batch_list_push(&list, f, err); /* releases f on failure */
      if (st != QV_OK) {
        qv_batch_release(b);
        goto done;
      }
    }
    QV_GOTO_IF_ERROR(st, qv_batch_list_push(&list, b, err), done);
  }
  if (first != NULL) {
    st = qv__table_new_take_one(qv_ipc_stream_reader_schema(r), first, out, err);
    if (st == QV_OK) first = NULL; /* taken */
  } else {
    st = qv__table_new_take(qv_ipc_stream_reader_schema(r), list.items, list.n, out, err);
    if (st == QV_OK) list.n = 0; /* taken */
  }
done:
  qv_batch_release(first);
  qv_batch_list_free(&list);
  return st;
}

/* ---- one-call reads ---- */

qv_status qv_ipc_read_stream_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out,
                                    qv_error *err) {
  if (out) *out = NULL;
  if (out == NULL || buf == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_read_stream_buffer: %s is NULL", out ? "buf" : "out");
  /* A whole stream in memory: straight to the table when it reads
   * cleanly; anything else (errors included) through the pull reader. */
  if (qv__read_stream_buffer_direct(buf, opts, out)) return QV_OK;
  /* The reader lives only for this call: on the stack, not the heap. */
  _Alignas(64) uint8_t mem[READER_MEM_MAX];
  qv_ipc_stream_reader *r = reader_init(mem, opts);
  qv_status st = open_buffer_into(r, buf, err);
  if (st == QV_OK) st = qv_ipc_stream_reader_read_all(r, out, err);
  reader_dispose(r);
  return st;
}

qv_status qv_ipc_read_stream_path(const char *path, const qv_ipc_read_options *opts, qv_table **out,
                                  qv_error *err) {
  if (out) *out = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv__io_map_path(path, &buf, err));
  qv_status st = qv_ipc_read_stream_buffer(buf, opts, out, err);
  qv_buffer_release(buf);
  if (st != QV_OK) qv_error_prefix(err, "'%s': ", path);
  return st;
}

qv_status qv_ipc_read_stream_fd(int fd, const qv_ipc_read_options *opts, qv_table **out, qv_error *err) {
  if (out) *out = NULL;
  qv_ipc_stream_reader *r = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_stream_reader_open_fd(fd, opts, &r, err));
  qv_status st = qv_ipc_stream_reader_read_all(r, out, err);
  qv_ipc_stream_reader_free(r);
  return st;
}
