/* quiver Flight: one gRPC call, driven synchronously.
 *
 * Each call has its own completion queue (GRPC_CQ_NEXT) that sees only that
 * call's ops. A batch is started with a tag that lives on the stack and we
 * wait on the queue until that tag comes back; on the server the
 * RECV_CLOSE_ON_SERVER op is pending for the whole call under its own tag,
 * so its completion may arrive while we wait for another one and is noted.
 * At most one batch besides that one is in flight, which is also the flow
 * control: a message is handed to gRPC only after the previous one was.
 */
#include <stdlib.h>
#include <string.h>

#include <grpc/support/alloc.h>
#include <grpc/support/log.h>
#include <pthread.h>

#include "core/internal.h"
#include "flight/internal.h"

/* gRPC logs to stderr by default; the library never prints, so its log
 * goes nowhere unless QV_FLIGHT_GRPC_LOG is set (for debugging). */
static void quiet_log(gpr_log_func_args *args) { (void)args; }
static void init_once(void) {
  if (getenv("QV_FLIGHT_GRPC_LOG") == NULL) gpr_set_log_function(quiet_log);
  grpc_init();
}
static pthread_once_t init_flag = PTHREAD_ONCE_INIT;

void qv__flight_init(void) {
  pthread_once(&init_flag, init_once);
  grpc_init();
}

/* gRPC's bandwidth-delay probing grows the HTTP/2 receive window until a
 * fast sender fills it: a reader that takes 8 MiB batches one at a time
 * then holds over a hundred MiB of them in gRPC's buffers (measured: 1 GiB
 * DoGet, client anonymous memory 95-150 MiB with it, 20 MiB without; the
 * DoPut server 155 MiB against 26). The default window (64 KiB) keeps
 * loopback and LAN transfers at full speed in our measurements.
 *
 * The largest DATA frame we accept: HTTP/2's default of 16 KiB cuts a
 * 28 MB batch into some 1,700 frames, each a header for the sender to
 * write and the receiver to parse, and the message into as many slices
 * (2,137 for the seed table, against 455 with 1 MiB frames: gRPC reads the
 * socket 64 KiB at a time, so larger frames gain nothing more). Flow
 * control, not the frame size, bounds what is buffered. */
#define FLIGHT_MAX_FRAME (1 << 20)

size_t qv__flight_tuning_args(grpc_arg *args) {
  args[0].type = GRPC_ARG_INTEGER;
  args[0].key = (char *)GRPC_ARG_HTTP2_BDP_PROBE;
  args[0].value.integer = 0;
  args[1].type = GRPC_ARG_INTEGER;
  args[1].key = (char *)GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES;
  args[1].value.integer = QV__FLIGHT_WINDOW;
  args[2].type = GRPC_ARG_INTEGER;
  args[2].key = (char *)GRPC_ARG_HTTP2_MAX_FRAME_SIZE;
  args[2].value.integer = FLIGHT_MAX_FRAME;
  return 3;
}

static const char close_tag_mark = 0;
#define CLOSE_TAG ((void *)&close_tag_mark)

static qv_status wait_tag(qv__rpc *r, void *tag, bool *ok) {
  for (;;) {
    grpc_event ev = grpc_completion_queue_next(r->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    if (ev.type != GRPC_OP_COMPLETE) {
      *ok = false;
      return QV_OK;
    }
    if (ev.tag == CLOSE_TAG) {
      r->close_done = true;
      continue;
    }
    if (ev.tag == tag) {
      *ok = ev.success != 0;
      return QV_OK;
    }
  }
}

qv_status qv__rpc_run(qv__rpc *r, const grpc_op *ops, size_t n, const char *what, qv_error *err) {
  int tag_storage = 0;
  void *tag = &tag_storage;
  grpc_call_error ce = grpc_call_start_batch(r->call, ops, n, tag, NULL);
  if (ce != GRPC_CALL_OK)
    return qv_error_set(err, QV_ERR_IO, "flight: gRPC refused to %s (call error %d)", what, (int)ce);
  bool ok = false;
  wait_tag(r, tag, &ok);
  if (!ok) return qv_error_set(err, QV_ERR_IO, "flight: could not %s: the call was cancelled or broken", what);
  return QV_OK;
}

/* Server: the first op of a reply carries the initial metadata. */
static size_t add_initial_md(qv__rpc *r, grpc_op *op) {
  if (!r->server || r->initial_md_sent) return 0;
  memset(op, 0, sizeof *op);
  op->op = GRPC_OP_SEND_INITIAL_METADATA;
  op->data.send_initial_metadata.count = r->n_extra_initial_md;
  op->data.send_initial_metadata.metadata = r->extra_initial_md;
  r->initial_md_sent = true;
  return 1;
}

qv_status qv__rpc_server_send_initial_md(qv__rpc *r, qv_error *err) {
  grpc_op op;
  if (add_initial_md(r, &op) == 0) return QV_OK;
  return qv__rpc_run(r, &op, 1, "send the initial metadata", err);
}

qv_status qv__rpc_client_recv_initial_md(qv__rpc *r, qv_error *err) {
  if (r->server || r->initial_md_received) return QV_OK;
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_RECV_INITIAL_METADATA;
  op.data.recv_initial_metadata.recv_initial_metadata = &r->initial_md;
  r->initial_md_received = true;
  return qv__rpc_run(r, &op, 1, "receive the initial metadata", err);
}

const char *qv__rpc_initial_md_value(const qv__rpc *r, const char *key, size_t *len) {
  for (size_t i = 0; i < r->initial_md.count; i++) {
    const grpc_metadata *m = &r->initial_md.metadata[i];
    if (grpc_slice_str_cmp(m->key, key) == 0) {
      *len = GRPC_SLICE_LENGTH(m->value);
      return (const char *)GRPC_SLICE_START_PTR(m->value);
    }
  }
  *len = 0;
  return NULL;
}

qv_status qv__rpc_send(qv__rpc *r, grpc_byte_buffer *bb, qv_error *err) {
  grpc_op ops[2];
  size_t n = add_initial_md(r, &ops[0]);
  memset(&ops[n], 0, sizeof ops[n]);
  ops[n].op = GRPC_OP_SEND_MESSAGE;
  ops[n].data.send_message.send_message = bb;
  n++;
  qv_status st = qv__rpc_run(r, ops, n, "send a message", err);
  grpc_byte_buffer_destroy(bb);
  return st;
}

qv_status qv__rpc_recv(qv__rpc *r, grpc_byte_buffer **out, qv_error *err) {
  *out = NULL;
  grpc_op ops[2];
  size_t n = 0;
  memset(ops, 0, sizeof ops);
  if (!r->server && !r->initial_md_received) {
    ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[n].data.recv_initial_metadata.recv_initial_metadata = &r->initial_md;
    n++;
    r->initial_md_received = true;
  }
  ops[n].op = GRPC_OP_RECV_MESSAGE;
  ops[n].data.recv_message.recv_message = out;
  n++;
  qv_status st = qv__rpc_run(r, ops, n, "receive a message", err);
  if (st != QV_OK && *out) {
    grpc_byte_buffer_destroy(*out);
    *out = NULL;
  }
  /* server: no message is the end of the client's stream only if the client
   * ended it; a client that died or cancelled also reads as "no message".
   * (Clients learn the same from the status, which they always read.) */
  if (st == QV_OK && *out == NULL && r->server && grpc_call_failed_before_recv_message(r->call))
    st = qv_error_set(err, QV_ERR_IO, "flight: the peer's stream broke off (cancelled, disconnected or past its deadline)");
  return st;
}

qv_status qv__rpc_half_close(qv__rpc *r, qv_error *err) {
  if (r->server || r->half_closed) return QV_OK;
  r->half_closed = true;
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
  return qv__rpc_run(r, &op, 1, "half-close the call", err);
}

qv_status qv__rpc_client_finish(qv__rpc *r, qv_error *err) {
  if (r->finished) return QV_OK;
  r->finished = true;
  grpc_op ops[2];
  size_t n = 0;
  memset(ops, 0, sizeof ops);
  if (!r->initial_md_received) {
    ops[n].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[n].data.recv_initial_metadata.recv_initial_metadata = &r->initial_md;
    n++;
    r->initial_md_received = true;
  }
  grpc_metadata_array trailing;
  grpc_metadata_array_init(&trailing);
  grpc_status_code code = GRPC_STATUS_UNKNOWN;
  grpc_slice details = grpc_empty_slice();
  const char *error_string = NULL;
  ops[n].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
  ops[n].data.recv_status_on_client.trailing_metadata = &trailing;
  ops[n].data.recv_status_on_client.status = &code;
  ops[n].data.recv_status_on_client.status_details = &details;
  ops[n].data.recv_status_on_client.error_string = &error_string;
  n++;
  qv_status st = qv__rpc_run(r, ops, n, "receive the call's status", err);
  if (st == QV_OK && code != GRPC_STATUS_OK) {
    int dlen = (int)GRPC_SLICE_LENGTH(details);
    st = qv_error_set(err, qv__flight_status_from_grpc(code), "%s: %.*s", qv__flight_grpc_code_name(code), dlen,
                      (const char *)GRPC_SLICE_START_PTR(details));
  }
  grpc_slice_unref(details);
  if (error_string) gpr_free((void *)error_string);
  grpc_metadata_array_destroy(&trailing);
  return st;
}

void qv__rpc_server_finish(qv__rpc *r, grpc_status_code code, const char *message) {
  if (r->status_sent) return;
  r->status_sent = true;
  grpc_op ops[2];
  size_t n = add_initial_md(r, &ops[0]);
  memset(&ops[n], 0, sizeof ops[n]);
  grpc_slice details = grpc_slice_from_copied_string(message ? message : "");
  ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
  ops[n].data.send_status_from_server.status = code;
  ops[n].data.send_status_from_server.status_details = &details;
  n++;
  qv__rpc_run(r, ops, n, "send the status", NULL);
  grpc_slice_unref(details);
}

void qv__rpc_free(qv__rpc *r) {
  if (r == NULL) return;
  if (r->call) {
    if (!r->server && !r->finished) grpc_call_cancel(r->call, NULL);
    if (r->server && r->close_started && !r->close_done) {
      grpc_call_cancel(r->call, NULL);
      bool ok;
      wait_tag(r, CLOSE_TAG, &ok);
      r->close_done = true;
    }
    grpc_call_unref(r->call);
    r->call = NULL;
  }
  grpc_metadata_array_destroy(&r->initial_md);
  if (r->owns_cq && r->cq) {
    grpc_completion_queue_shutdown(r->cq);
    while (grpc_completion_queue_next(r->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type != GRPC_QUEUE_SHUTDOWN) {
    }
    grpc_completion_queue_destroy(r->cq);
    r->cq = NULL;
  }
}

qv_status qv__rpc_server_begin(qv__rpc *r, qv_error *err) {
  grpc_op op;
  memset(&op, 0, sizeof op);
  op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
  op.data.recv_close_on_server.cancelled = &r->cancelled;
  grpc_call_error ce = grpc_call_start_batch(r->call, &op, 1, CLOSE_TAG, NULL);
  if (ce != GRPC_CALL_OK) return qv_error_set(err, QV_ERR_IO, "flight: gRPC call error %d", (int)ce);
  r->close_started = true;
  return QV_OK;
}

bool qv__rpc_server_cancelled(qv__rpc *r) {
  /* called between batches: the only op that can complete is the close */
  while (r->close_started && !r->close_done) {
    grpc_event ev = grpc_completion_queue_next(r->cq, gpr_time_0(GPR_CLOCK_MONOTONIC), NULL);
    if (ev.type != GRPC_OP_COMPLETE) break;
    if (ev.tag == CLOSE_TAG) r->close_done = true;
  }
  return r->close_done && r->cancelled;
}

grpc_status_code qv__flight_status_to_grpc(qv_status st) {
  switch (st) {
    case QV_OK: return GRPC_STATUS_OK;
    case QV_ERR_NOT_FOUND: return GRPC_STATUS_NOT_FOUND;
    case QV_ERR_INVALID_ARGUMENT:
    case QV_ERR_INVALID_DATA:
    case QV_ERR_TYPE:
    case QV_ERR_TRUNCATED: return GRPC_STATUS_INVALID_ARGUMENT;
    case QV_ERR_NOT_IMPLEMENTED:
    case QV_ERR_UNSUPPORTED: return GRPC_STATUS_UNIMPLEMENTED;
    case QV_ERR_OUT_OF_RANGE: return GRPC_STATUS_OUT_OF_RANGE;
    case QV_ERR_LIMIT: return GRPC_STATUS_RESOURCE_EXHAUSTED;
    default: return GRPC_STATUS_INTERNAL;
  }
}

qv_status qv__flight_status_from_grpc(grpc_status_code code) {
  switch (code) {
    case GRPC_STATUS_OK: return QV_OK;
    case GRPC_STATUS_NOT_FOUND: return QV_ERR_NOT_FOUND;
    case GRPC_STATUS_INVALID_ARGUMENT: return QV_ERR_INVALID_ARGUMENT;
    case GRPC_STATUS_UNIMPLEMENTED: return QV_ERR_NOT_IMPLEMENTED;
    case GRPC_STATUS_OUT_OF_RANGE: return QV_ERR_OUT_OF_RANGE;
    case GRPC_STATUS_RESOURCE_EXHAUSTED: return QV_ERR_LIMIT;
    default: return QV_ERR_IO;
  }
}

const char *qv__flight_grpc_code_name(grpc_status_code code) {
  static const char *const names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                      "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  if ((int)code >= 0 && (size_t)code < sizeof names / sizeof names[0]) return names[code];
  return "UNKNOWN";
}
