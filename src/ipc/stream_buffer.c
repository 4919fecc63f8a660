/* quiver IPC: the one-call read of a whole stream held in memory
 * (qv_ipc_read_stream_buffer), straight from the bytes to a table.
 *
 * The pull reader (stream_reader.c) drives the push decoder one message at
 * a time through an event queue, which suits a caller that asks for
 * batches one by one; a caller that wants the whole table pays for the
 * machinery without using it. This path walks the buffer's messages with
 * the same pieces the decoder uses for a message lying in memory
 * (decoder.c step_in_place: qv__read_frame, the schema cache lookup of the
 * first message, qv__ipc_message_decode, a borrowed view of the body, the
 * qv_read_core of read_message.c) and collects the batches as
 * qv_ipc_stream_reader_read_all does.
 *
 * Invariant: it decides only what succeeds. At the first thing it does not
 * handle - any error, the file magic, a message that is not a Schema,
 * DictionaryBatch or RecordBatch, a body that runs past the buffer, a
 * missing end-of-stream marker under require_eos - it drops what it built
 * and returns false; the caller then runs the pull reader over the same
 * bytes, whose verdict and message stand. Reading has no side effect but
 * the schema cache, which the second pass reads the same way.
 */
#include "ipc/stream_buffer.h"

#include "core/internal.h"
#include "ipc/batch_list.h"
#include "ipc/file_magic.h"
#include "ipc/read_message.h"

/* Handles the message at data[pos] (framed, verified and decoded, its body
 * inside buf); false when the pull reader must decide. */
static bool one_message(qv_read_core *core, qv_buffer *buf, const qv_ipc_message *msg, int64_t body_at,
                        qv_batch_list *list, qv_batch **first) {
  qv_error local;
  if (msg->type == FB_HEADER_SCHEMA)
    return !core->have_schema && qv__read_core_set_schema_message(core, msg, &local) == QV_OK;
  if (!core->have_schema) return false;
  qv_buffer body_view;
  qv_buffer *body = NULL;
  if (msg->body_length > 0) {
    if (qv__buffer_view_borrow(&body_view, buf, body_at, msg->body_length, &local) != QV_OK) return false;
    body = &body_view;
  }
  bool ok = false;
  if (msg->type == FB_HEADER_RECORD_BATCH) {
    qv_batch *b = NULL;
    if (qv__read_core_batch(core, msg, body, &b, &local) == QV_OK) {
      if (*first == NULL && list->n == 0) {
        *first = b;
        ok = true;
      } else {
        ok = true;
        if (*first != NULL) {
          ok = qv_batch_list_push(list, *first, &local) == QV_OK; /* releases it on failure */
          *first = NULL;
        }
        if (ok)
          ok = qv_batch_list_push(list, b, &local) == QV_OK;
        else
          qv_batch_release(b);
      }
    }
  } else if (msg->type == FB_HEADER_DICTIONARY_BATCH) {
    int64_t id;
    bool delta;
    ok = qv__read_core_dictionary(core, msg, body, &id, &delta, &local) == QV_OK;
  }
  qv__buffer_borrow_end(body);
  return ok;
}

bool qv__read_stream_buffer_direct(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out) {
  *out = NULL;
  if (buf->size >= 8 && memcmp(buf->data, QV_IPC_MAGIC "\0\0", 8) == 0) return false;
  qv_read_core core;
  qv__read_core_init(&core, opts, false);
  qv_batch_list list;
  qv_batch_list_init(&list);
  qv_batch *first = NULL; /* a stream of one batch (the common case) needs no list */
  qv_error local;
  bool ok = false;
  int64_t pos = 0, n_messages = 0;
  for (;;) {
    const int64_t avail = buf->size - pos;
    if (avail <= 0) { /* the input ended at a message boundary */
      ok = core.have_schema && !core.opts.require_eos;
      break;
    }
    const uint8_t *p = buf->data + pos;
    bool eos;
    int32_t plen, mlen;
    if (qv__read_frame(p, avail, core.opts.max_metadata_size, pos, &eos, &plen, &mlen, &local) != QV_OK) break;
    if (eos) {
      ok = core.have_schema;
      break;
    }
    qv_ipc_message msg;
    qv_status st;
    if (!core.have_schema && n_messages == 0 && qv__read_core_schema_lookup(&core, p + plen, (size_t)mlen))
      st = qv__ipc_message_decode_known(p + plen, (size_t)mlen, &msg, &local);
    else
      st = qv__ipc_message_decode(p + plen, (size_t)mlen, &msg, &local);
    const int64_t head = (int64_t)plen + mlen;
    if (st != QV_OK || msg.body_length > avail - head) break;
    n_messages++;
    if (!one_message(&core, buf, &msg, pos + head, &list, &first)) break;
    pos += head + msg.body_length;
  }
  if (ok) {
    qv_schema *schema = core.schema.schema;
    if (first != NULL) {
      ok = qv__table_new_take_one(schema, first, out, &local) == QV_OK;
      if (ok) first = NULL; /* taken */
    } else {
      ok = qv__table_new_take(schema, list.items, list.n, out, &local) == QV_OK;
      if (ok) list.n = 0; /* taken */
    }
  }
  qv_batch_release(first);
  qv_batch_list_free(&list);
  qv__read_core_free(&core);
  return ok;
}
