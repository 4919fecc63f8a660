/* quiver IPC: the push decoder (bytes in, schema/dictionaries/batches out).
 *
 * A state machine with no IO inside: PREFIX (the 8-byte continuation marker
 * and length, or a legacy 4-byte length) -> META (the Message flatbuffer)
 * -> BODY (bodyLength bytes) -> dispatch -> PREFIX ..., ending in EOS.
 *
 * Invariants:
 *   - nothing is allocated from an unchecked length: the metadata length is
 *     capped (max_metadata_size) and its scratch, like the body buffer,
 *     grows with the bytes actually received, so a stream that claims a
 *     huge message but stops short costs only what it sent;
 *   - input that ends inside a message is QV_ERR_TRUNCATED, never a clean
 *     end; a cut at a message boundary is clean unless require_eos;
 *   - errors are sticky: once failed, every call returns the same error;
 *   - zero-copy: a message lying entirely inside a buffer given to
 *     qv_ipc_decoder_feed_buffer is decoded in place and its arrays view
 *     that buffer; everything else is copied once, into aligned memory.
 */
#include "ipc/decoder.h"

#include <stdio.h>

#include "core/internal.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/read_message.h"

enum { ST_PREFIX = 0, ST_META, ST_BODY, ST_EOS, ST_FAILED };

/* Bodies and metadata up to these sizes are allocated at once; larger ones
 * grow with the bytes received. */
#define BODY_UPFRONT ((int64_t)16 << 20)
#define META_UPFRONT ((size_t)1 << 20)

struct qv_ipc_decoder {
  qv_read_core core;
  int state;
  uint8_t prefix[8];
  int prefix_have;
  int32_t meta_len;
  uint8_t *meta; /* scratch, reused across messages */
  size_t meta_cap;
  size_t meta_have;
  qv_ipc_message msg; /* decoded when META completes (borrows meta) */
  qv_buffer *body;
  int64_t body_have;
  int64_t position;  /* bytes consumed */
  int64_t msg_start; /* position of the current message's first byte */
  int64_t n_messages;
  qv_ipc_event *queue; /* q_inline until it outgrows it */
  size_t q_head, q_len, q_cap;
  qv_ipc_event q_inline[4]; /* a pull reader keeps at most ~2 events queued */
  qv__sticky failed; /* the first failure, reported by every later call; last (see qv__decoder_init) */
};

_Static_assert(sizeof(struct qv_ipc_decoder) <= QV__DECODER_SIZE_MAX, "raise QV__DECODER_SIZE_MAX");

size_t qv__decoder_size(void) { return sizeof(qv_ipc_decoder); }

qv_ipc_decoder *qv__decoder_init(void *mem, const qv_ipc_read_options *opts) {
  qv_ipc_decoder *d = (qv_ipc_decoder *)mem;
  /* Everything but the core (qv__read_core_init zeroes it) and the
   * failure's message buffer (most of the struct), which qv__sticky_fail
   * fills before anything reads it. */
  _Static_assert(offsetof(qv_ipc_decoder, core) == 0, "core comes first");
  memset((uint8_t *)d + sizeof d->core, 0, offsetof(qv_ipc_decoder, failed.message) - sizeof d->core);
  qv__read_core_init(&d->core, opts, false);
  d->queue = d->q_inline;
  d->q_cap = sizeof d->q_inline / sizeof d->q_inline[0];
  return d;
}

void qv__decoder_dispose(qv_ipc_decoder *d) {
  if (d == NULL) return;
  for (size_t i = d->q_head; i < d->q_len; i++) qv_batch_release(d->queue[i].batch);
  if (d->queue != d->q_inline) qv__free(d->queue);
  qv__free(d->meta);
  qv_buffer_release(d->body);
  qv__read_core_free(&d->core);
}

qv_status qv_ipc_decoder_new(const qv_ipc_read_options *opts, qv_ipc_decoder **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_new: out is NULL");
  void *mem = qv__malloc(sizeof(qv_ipc_decoder));
  QV_CHECK_ALLOC(mem, err);
  *out = qv__decoder_init(mem, opts);
  return QV_OK;
}

void qv_ipc_decoder_free(qv_ipc_decoder *d) {
  if (d == NULL) return;
  qv__decoder_dispose(d);
  qv__free(d);
}

/* Records the first failure; err already holds its message. */
static qv_status fail(qv_ipc_decoder *d, qv_status st, qv_error *err) {
  d->state = ST_FAILED;
  return qv__sticky_fail(&d->failed, st, err);
}

static qv_status failed_again(const qv_ipc_decoder *d, qv_error *err) { return qv__sticky_report(&d->failed, "", err); }

static qv_status push_event(qv_ipc_decoder *d, const qv_ipc_event *ev, qv_error *err) {
  if (d->q_head > 0 && d->q_head == d->q_len) d->q_head = d->q_len = 0;
  if (d->q_len == d->q_cap) {
    if (d->q_head > 0) {
      memmove(d->queue, d->queue + d->q_head, (d->q_len - d->q_head) * sizeof *d->queue);
      d->q_len -= d->q_head;
      d->q_head = 0;
    }
    if (d->q_len == d->q_cap) {
      size_t cap = d->q_cap * 2;
      bool was_inline = d->queue == d->q_inline;
      qv_ipc_event *q = (qv_ipc_event *)qv__realloc(was_inline ? NULL : d->queue, cap * sizeof *q);
      QV_CHECK_ALLOC(q, err);
      if (was_inline) memcpy(q, d->q_inline, d->q_len * sizeof *q);
      d->queue = q;
      d->q_cap = cap;
    }
  }
  d->queue[d->q_len++] = *ev;
  return QV_OK;
}

/* Handles one complete message (metadata decoded in d->msg). */
static qv_status dispatch(qv_ipc_decoder *d, const qv_ipc_message *msg, qv_buffer *body, qv_error *err) {
  qv_ipc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.offset = d->msg_start;
  qv_status st = QV_OK;
  d->n_messages++;
  if (msg->type == FB_HEADER_SCHEMA) {
    if (d->core.have_schema)
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "a second Schema message");
    else
      st = qv__read_core_set_schema_message(&d->core, msg, err);
    ev.kind = QV_IPC_EVENT_SCHEMA;
  } else if (!d->core.have_schema) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "the stream starts with a %s message; the first must be a Schema",
                      qv__fb_header_name(msg->type));
  } else if (msg->type == FB_HEADER_DICTIONARY_BATCH) {
    ev.kind = QV_IPC_EVENT_DICTIONARY;
    st = qv__read_core_dictionary(&d->core, msg, body, &ev.dictionary_id, &ev.dictionary_delta, err);
  } else if (msg->type == FB_HEADER_RECORD_BATCH) {
    ev.kind = QV_IPC_EVENT_BATCH;
    st = qv__read_core_batch(&d->core, msg, body, &ev.batch, err);
  } else {
    st = qv_error_set(err, QV_ERR_UNSUPPORTED, "%s messages are not supported", qv__fb_header_name(msg->type));
  }
  if (st == QV_OK) st = push_event(d, &ev, err);
  if (st != QV_OK) {
    qv_batch_release(ev.batch);
    qv_error_prefix(err, "message %lld at byte %lld: ", (long long)d->n_messages, (long long)d->msg_start);
  }
  return st;
}

static qv_status reach_eos(qv_ipc_decoder *d, qv_error *err) {
  if (!d->core.have_schema)
    return qv_error_set(err, QV_ERR_TRUNCATED,
                        "the stream ended (end-of-stream marker at byte %lld) before its Schema message",
                        (long long)d->msg_start);
  d->state = ST_EOS;
  qv_ipc_event ev;
  memset(&ev, 0, sizeof ev);
  ev.kind = QV_IPC_EVENT_EOS;
  ev.offset = d->msg_start;
  return push_event(d, &ev, err);
}

static void next_message(qv_ipc_decoder *d) {
  d->state = ST_PREFIX;
  d->prefix_have = 0;
  d->meta_have = 0;
  d->meta_len = 0;
  d->body_have = 0;
  d->msg_start = d->position;
}

static qv_status grow_meta(qv_ipc_decoder *d, size_t need, qv_error *err) {
  if (need <= d->meta_cap) return QV_OK;
  size_t cap = d->meta_cap ? d->meta_cap : 4096;
  while (cap < need) cap *= 2;
  uint8_t *p = (uint8_t *)qv__realloc(d->meta, cap);
  QV_CHECK_ALLOC(p, err);
  d->meta = p;
  d->meta_cap = cap;
  return QV_OK;
}

/* Verifies and decodes a message's metadata, except that the first
 * message, when it is a Schema message seen before (ipc/schema_cache.h),
 * is not verified again. Later messages are never looked up: a stream has
 * one Schema, and they should not pay for the lookup. */
static qv_status decode_message(qv_ipc_decoder *d, const uint8_t *meta, size_t len, qv_ipc_message *msg,
                                qv_error *err) {
  if (!d->core.have_schema && d->n_messages == 0 && qv__read_core_schema_lookup(&d->core, meta, len))
    return qv__ipc_message_decode_known(meta, len, msg, err);
  return qv__ipc_message_decode(meta, len, msg, err);
}

/* Metadata fully received: decode it, then expect the body. */
static qv_status meta_done(qv_ipc_decoder *d, qv_error *err) {
  qv_status st = decode_message(d, d->meta, (size_t)d->meta_len, &d->msg, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "message %lld at byte %lld: ", (long long)d->n_messages + 1, (long long)d->msg_start);
    return st;
  }
  if (d->msg.body_length == 0) {
    st = dispatch(d, &d->msg, NULL, err);
    if (st == QV_OK) next_message(d);
    return st;
  }
  int64_t first = d->msg.body_length < BODY_UPFRONT ? d->msg.body_length : BODY_UPFRONT;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, first, false, &d->body, err));
  d->body_have = 0;
  d->state = ST_BODY;
  return QV_OK;
}

/* Interprets the prefix bytes received so far. */
static qv_status prefix_progress(qv_ipc_decoder *d, qv_error *err) {
  qv__frame f;
  QV_RETURN_IF_ERROR(qv__frame_parse(d->prefix, (int64_t)d->prefix_have, d->core.opts.max_metadata_size,
                                     d->msg_start, &f, err));
  if (!f.complete) return QV_OK;
  /* Legacy framing reads 4 bytes past its 4-byte prefix: metadata, or
   * bytes after a legacy EOS that belong to whatever follows the stream. */
  const int extra = (int)d->prefix_have - f.prefix_len;
  if (f.eos) {
    d->position -= extra;
    return reach_eos(d, err);
  }
  const int32_t len = f.meta_len;
  if (extra > len)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "message at byte %lld: metadata length %d is too small",
                        (long long)d->msg_start, len);
  d->meta_len = len;
  size_t first_cap = (size_t)len < META_UPFRONT ? (size_t)len : META_UPFRONT;
  QV_RETURN_IF_ERROR(grow_meta(d, first_cap > (size_t)extra ? first_cap : (size_t)extra, err));
  memcpy(d->meta, d->prefix + 4, (size_t)extra);
  d->meta_have = (size_t)extra;
  d->state = ST_META;
  if (d->meta_have == (size_t)d->meta_len) return meta_done(d, err);
  return QV_OK;
}

qv_status qv__decoder_window(qv_ipc_decoder *d, uint8_t **dst, size_t *n, qv_error *err) {
  *dst = NULL;
  *n = 0;
  switch (d->state) {
    case ST_PREFIX:
      *dst = d->prefix + d->prefix_have;
      *n = (size_t)(8 - d->prefix_have);
      return QV_OK;
    case ST_META: {
      size_t want = d->meta_len - d->meta_have;
      if (d->meta_have == d->meta_cap) {
        size_t need = d->meta_cap * 2;
        if (need > (size_t)d->meta_len) need = (size_t)d->meta_len;
        qv_status st = grow_meta(d, need, err);
        if (st != QV_OK) return fail(d, st, err);
      }
      size_t room = d->meta_cap - d->meta_have;
      *dst = d->meta + d->meta_have;
      *n = want < room ? want : room;
      return QV_OK;
    }
    case ST_BODY: {
      int64_t want = d->msg.body_length - d->body_have;
      if (d->body_have == d->body->size) {
        int64_t next = d->body->size * 2;
        if (next > d->msg.body_length) next = d->msg.body_length;
        qv_status st = qv_buffer_reserve(d->body, next, err);
        if (st != QV_OK) return fail(d, st, err);
        d->body->size = next; /* bytes past body_have are filled before use */
      }
      int64_t room = d->body->size - d->body_have;
      *dst = d->body->data + d->body_have;
      *n = (size_t)(want < room ? want : room);
      return QV_OK;
    }
    case ST_FAILED:
      return failed_again(d, err);
    default:
      return QV_OK;
  }
}

qv_status qv__decoder_commit(qv_ipc_decoder *d, size_t n, qv_error *err) {
  if (d->state == ST_FAILED) return failed_again(d, err);
  if (n == 0 || d->state == ST_EOS) return QV_OK;
  d->position += (int64_t)n;
  qv_status st = QV_OK;
  switch (d->state) {
    case ST_PREFIX:
      d->prefix_have += (int)n;
      st = prefix_progress(d, err);
      break;
    case ST_META:
      d->meta_have += n;
      if (d->meta_have == (size_t)d->meta_len) st = meta_done(d, err);
      break;
    case ST_BODY:
      d->body_have += (int64_t)n;
      if (d->body_have == d->msg.body_length) {
        qv_buffer_set_size(d->body, d->body_have);
        qv_buffer *body = d->body;
        d->body = NULL;
        st = dispatch(d, &d->msg, body, err);
        qv_buffer_release(body);
        if (st == QV_OK) next_message(d);
      }
      break;
    default:
      break;
  }
  if (st != QV_OK) return fail(d, st, err);
  return QV_OK;
}

qv_status qv_ipc_decoder_feed(qv_ipc_decoder *d, const void *data, size_t n, qv_error *err) {
  qv_error local;
  if (err == NULL) err = &local; /* the sticky failure keeps its message */
  if (d == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_feed: decoder is NULL");
  if (n > 0 && data == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_feed: data is NULL");
  const uint8_t *p = (const uint8_t *)data;
  while (n > 0) {
    uint8_t *dst;
    size_t room;
    QV_RETURN_IF_ERROR(qv__decoder_window(d, &dst, &room, err));
    if (room == 0) break; /* EOS: the rest is past the stream */
    size_t k = n < room ? n : room;
    memcpy(dst, p, k);
    QV_RETURN_IF_ERROR(qv__decoder_commit(d, k, err));
    p += k;
    n -= k;
  }
  return d->state == ST_FAILED ? failed_again(d, err) : QV_OK;
}

/* Decodes the message at buf[*pos] in place if it lies entirely inside
 * buf; *done says whether it did (else the copying path must collect it). */
static qv_status step_in_place(qv_ipc_decoder *d, qv_buffer *buf, int64_t *pos, bool *done, qv_error *err) {
  *done = false;
  const uint8_t *p = buf->data + *pos;
  int64_t avail = buf->size - *pos;
  bool eos;
  int32_t plen, mlen;
  qv_error local;
  qv_status st = qv__read_frame(p, avail, d->core.opts.max_metadata_size, d->position, &eos, &plen, &mlen, &local);
  if (st == QV_ERR_TRUNCATED) return QV_OK;
  if (st != QV_OK) {
    qv_error_set(err, st, "%s", local.message);
    return fail(d, st, err);
  }
  if (eos) {
    d->position += plen;
    *pos += plen;
    *done = true;
    st = reach_eos(d, err);
    return st == QV_OK ? QV_OK : fail(d, st, err);
  }
  qv_ipc_message msg;
  st = decode_message(d, p + plen, (size_t)mlen, &msg, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "message %lld at byte %lld: ", (long long)d->n_messages + 1, (long long)d->position);
    return fail(d, st, err);
  }
  int64_t head = (int64_t)plen + mlen;
  if (msg.body_length > avail - head) return QV_OK; /* body incomplete */
  /* The body: a view of buf borrowed for this call (no allocation); the
   * arrays built from it hold references to buf itself. */
  qv_buffer body_view;
  qv_buffer *body = NULL;
  if (msg.body_length > 0) {
    st = qv__buffer_view_borrow(&body_view, buf, *pos + head, msg.body_length, err);
    if (st != QV_OK) return fail(d, st, err);
    body = &body_view;
  }
  d->msg_start = d->position;
  st = dispatch(d, &msg, body, err);
  qv__buffer_borrow_end(body);
  if (st != QV_OK) return fail(d, st, err);
  d->position += head + msg.body_length;
  *pos += head + msg.body_length;
  next_message(d);
  *done = true;
  return QV_OK;
}

qv_status qv__decoder_step_buffer(qv_ipc_decoder *d, qv_buffer *buf, int64_t *pos, qv_error *err) {
  if (d->state == ST_FAILED) return failed_again(d, err);
  if (*pos >= buf->size || d->state == ST_EOS) return QV_OK;
  if (d->state == ST_PREFIX && d->prefix_have == 0) {
    bool done;
    QV_RETURN_IF_ERROR(step_in_place(d, buf, pos, &done, err));
    if (done) return QV_OK;
  }
  /* Copy path until the next message boundary (or the end of buf). */
  do {
    uint8_t *dst;
    size_t room;
    QV_RETURN_IF_ERROR(qv__decoder_window(d, &dst, &room, err));
    if (room == 0) break;
    int64_t left = buf->size - *pos;
    size_t k = (int64_t)room < left ? room : (size_t)left;
    memcpy(dst, buf->data + *pos, k);
    QV_RETURN_IF_ERROR(qv__decoder_commit(d, k, err));
    *pos += (int64_t)k;
  } while (*pos < buf->size && !(d->state == ST_PREFIX && d->prefix_have == 0) && d->state != ST_EOS);
  return QV_OK;
}

qv_status qv_ipc_decoder_feed_buffer(qv_ipc_decoder *d, qv_buffer *buf, qv_error *err) {
  qv_error local;
  if (err == NULL) err = &local;
  if (d == NULL || buf == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_feed_buffer: %s is NULL",
                        d ? "buffer" : "decoder");
  int64_t pos = 0;
  do {
    QV_RETURN_IF_ERROR(qv__decoder_step_buffer(d, buf, &pos, err));
  } while (pos < buf->size && d->state != ST_EOS);
  return QV_OK;
}

qv_status qv_ipc_decoder_next(qv_ipc_decoder *d, qv_ipc_event *ev, qv_error *err) {
  if (ev == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_next: event is NULL");
  if (d != NULL && d->q_head < d->q_len) {
    *ev = d->queue[d->q_head++];
    return QV_OK;
  }
  memset(ev, 0, sizeof *ev);
  if (d == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_next: decoder is NULL");
  if (d->state == ST_FAILED) return failed_again(d, err);
  return QV_OK;
}

size_t qv__decoder_pending(const qv_ipc_decoder *d) { return d->q_len - d->q_head; }

qv_status qv_ipc_decoder_finish(qv_ipc_decoder *d, qv_error *err) {
  qv_error local;
  if (err == NULL) err = &local;
  if (d == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_ipc_decoder_finish: decoder is NULL");
  qv_status st = QV_OK;
  switch (d->state) {
    case ST_FAILED:
      return failed_again(d, err);
    case ST_EOS:
      return QV_OK;
    case ST_PREFIX:
      if (d->prefix_have == 0) {
        if (!d->core.have_schema)
          st = qv_error_set(err, QV_ERR_TRUNCATED, "the stream ended (%lld bytes) before its Schema message",
                            (long long)d->position);
        else if (d->core.opts.require_eos)
          st = qv_error_set(err, QV_ERR_TRUNCATED,
                            "the stream ended at byte %lld after %lld messages without the end-of-stream marker "
                            "(read option require_eos)",
                            (long long)d->position, (long long)d->n_messages);
        else
          return QV_OK;
      } else {
        st = qv_error_set(err, QV_ERR_TRUNCATED,
                          "the stream ends inside a message prefix at byte %lld (%d of %d bytes)",
                          (long long)d->msg_start, d->prefix_have,
                          d->prefix_have >= 4 && qv_fb_load_i32(d->prefix) != -1 ? 4 : 8);
      }
      break;
    case ST_META:
      st = qv_error_set(err, QV_ERR_TRUNCATED,
                        "the stream ends inside message %lld at byte %lld: %zu of %d metadata bytes",
                        (long long)d->n_messages + 1, (long long)d->msg_start, d->meta_have, d->meta_len);
      break;
    case ST_BODY:
      st = qv_error_set(err, QV_ERR_TRUNCATED,
                        "the stream ends inside message %lld at byte %lld: %lld of %lld body bytes",
                        (long long)d->n_messages + 1, (long long)d->msg_start, (long long)d->body_have,
                        (long long)d->msg.body_length);
      break;
  }
  return fail(d, st, err);
}

qv_schema *qv_ipc_decoder_schema(const qv_ipc_decoder *d) {
  return (d && d->core.have_schema) ? d->core.schema.schema : NULL;
}

int64_t qv_ipc_decoder_bytes_needed(const qv_ipc_decoder *d) {
  if (d == NULL) return 0;
  switch (d->state) {
    case ST_PREFIX: return d->prefix_have < 4 ? 4 - d->prefix_have : 8 - d->prefix_have;
    case ST_META: return (int64_t)(d->meta_len - d->meta_have);
    case ST_BODY: return d->msg.body_length - d->body_have;
    default: return 0;
  }
}

int64_t qv_ipc_decoder_position(const qv_ipc_decoder *d) { return d ? d->position : 0; }

bool qv_ipc_decoder_done(const qv_ipc_decoder *d) { return d && d->state == ST_EOS; }
