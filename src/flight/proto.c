/* quiver Flight: the messages other than FlightData, through protobuf-c
 * (flight.pb-c.h, generated at build time from flight.proto), and their
 * conversion to and from quiver's value types. Received messages are
 * untrusted: protobuf-c checks the wire format, this file checks what it
 * means (schemas through the IPC decoder with the caller's limits).
 */
#include <stdlib.h>
#include <string.h>

#include <grpc/byte_buffer_reader.h>

#include "core/internal.h"
#include "flight/internal.h"

qv_status qv__pb_pack(const ProtobufCMessage *m, grpc_byte_buffer **out, qv_error *err) {
  size_t n = protobuf_c_message_get_packed_size(m);
  grpc_slice s = grpc_slice_malloc(n);
  protobuf_c_message_pack(m, GRPC_SLICE_START_PTR(s));
  *out = grpc_raw_byte_buffer_create(&s, 1);
  grpc_slice_unref(s);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "flight: could not create a byte buffer");
  return QV_OK;
}

qv_status qv__pb_unpack(const ProtobufCMessageDescriptor *desc, grpc_byte_buffer *bb, ProtobufCMessage **out,
                        qv_error *err) {
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, bb))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "flight: a %s message could not be decompressed", desc->short_name);
  grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
  grpc_byte_buffer_reader_destroy(&reader);
  *out = protobuf_c_message_unpack(desc, NULL, GRPC_SLICE_LENGTH(all), GRPC_SLICE_START_PTR(all));
  size_t n = GRPC_SLICE_LENGTH(all);
  grpc_slice_unref(all);
  if (*out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "flight: a %zu-byte %s message is not valid protobuf", n,
                        desc->short_name);
  return QV_OK;
}

/* ---- descriptors ---- */

void qv__descriptor_to_pb(const qv_flight_descriptor *d, Arrow__Flight__Protocol__FlightDescriptor *pb) {
  arrow__flight__protocol__flight_descriptor__init(pb);
  pb->type = (Arrow__Flight__Protocol__FlightDescriptor__DescriptorType)d->type;
  pb->cmd.data = d->cmd.data;
  pb->cmd.len = d->cmd.len;
  pb->path = d->path;
  pb->n_path = d->n_path;
}

qv_status qv__descriptor_from_pb(const Arrow__Flight__Protocol__FlightDescriptor *pb, qv_flight_descriptor *d,
                                qv_error *err) {
  memset(d, 0, sizeof *d);
  qv_flight_descriptor tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.type = (qv_flight_descriptor_type)pb->type;
  tmp.cmd.data = pb->cmd.data;
  tmp.cmd.len = pb->cmd.len;
  tmp.path = pb->path;
  tmp.n_path = pb->n_path;
  if (tmp.type != QV_FLIGHT_DESCRIPTOR_PATH && tmp.type != QV_FLIGHT_DESCRIPTOR_CMD)
    tmp.type = QV_FLIGHT_DESCRIPTOR_UNKNOWN;
  return qv_flight_descriptor_copy(d, &tmp, err);
}

qv_status qv__descriptor_pack(const qv_flight_descriptor *d, uint8_t **out, size_t *len, qv_error *err) {
  Arrow__Flight__Protocol__FlightDescriptor pb;
  qv__descriptor_to_pb(d, &pb);
  *len = arrow__flight__protocol__flight_descriptor__get_packed_size(&pb);
  *out = (uint8_t *)malloc(*len ? *len : 1);
  QV_CHECK_ALLOC(*out, err);
  arrow__flight__protocol__flight_descriptor__pack(&pb, *out);
  return QV_OK;
}

qv_status qv__descriptor_unpack(const uint8_t *p, size_t n, qv_flight_descriptor *d, qv_error *err) {
  Arrow__Flight__Protocol__FlightDescriptor *pb = arrow__flight__protocol__flight_descriptor__unpack(NULL, n, p);
  if (pb == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "flight: a %zu-byte FlightDescriptor is not valid protobuf", n);
  qv_status st = qv__descriptor_from_pb(pb, d, err);
  arrow__flight__protocol__flight_descriptor__free_unpacked(pb, NULL);
  return st;
}

/* ---- schemas ---- */

qv_status qv__schema_serialize(qv_schema *schema, uint8_t **out, size_t *len, qv_error *err) {
  *out = NULL;
  *len = 0;
  qv_ipc_writer *w = NULL;
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, schema, NULL, &w, err));
  qv_status st = qv_ipc_writer_close(w, err);
  if (st == QV_OK) st = qv_ipc_writer_take_buffer(w, &buf, err);
  qv_ipc_writer_free(w);
  if (st != QV_OK) return st;
  /* the stream is the Schema message then the 8-byte end-of-stream marker */
  size_t n = buf->size >= 8 ? (size_t)buf->size - 8 : 0;
  *out = (uint8_t *)malloc(n ? n : 1);
  if (*out == NULL) {
    qv_buffer_release(buf);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  memcpy(*out, buf->data, n);
  *len = n;
  qv_buffer_release(buf);
  return QV_OK;
}

qv_status qv__schema_deserialize(const uint8_t *p, size_t n, const qv_ipc_read_options *ro, qv_schema **out,
                                 qv_error *err) {
  *out = NULL;
  qv_ipc_decoder *dec = NULL;
  QV_RETURN_IF_ERROR(qv_ipc_decoder_new(ro, &dec, err));
  qv_status st = qv_ipc_decoder_feed(dec, p, n, err);
  qv_ipc_event ev;
  memset(&ev, 0, sizeof ev);
  if (st == QV_OK) st = qv_ipc_decoder_next(dec, &ev, err);
  if (st == QV_OK && ev.kind != QV_IPC_EVENT_SCHEMA)
    st = qv_error_set(err, QV_ERR_INVALID_DATA, "flight: the %zu schema bytes do not hold a whole Schema message", n);
  if (st == QV_OK) *out = qv_schema_retain(qv_ipc_decoder_schema(dec));
  if (st != QV_OK) qv_error_prefix(err, "flight schema: ");
  qv_batch_release(ev.batch);
  qv_ipc_decoder_free(dec);
  return st;
}

/* ---- FlightInfo ---- */

typedef Arrow__Flight__Protocol__FlightInfo PbInfo;
typedef Arrow__Flight__Protocol__FlightEndpoint PbEndpoint;

/* Scratch owned while a PbInfo borrowed from a qv_flight_info exists. */
typedef struct info_scratch {
  Arrow__Flight__Protocol__FlightDescriptor desc;
  PbEndpoint *endpoints;
  PbEndpoint **endpoint_ptrs;
  Arrow__Flight__Protocol__Ticket *tickets;
  Arrow__Flight__Protocol__Timestamp *times;
  Arrow__Flight__Protocol__Location *locations;
  Arrow__Flight__Protocol__Location **location_ptrs;
  uint8_t *schema;
} info_scratch;

static void scratch_free(info_scratch *s) {
  free(s->endpoints);
  free(s->endpoint_ptrs);
  free(s->tickets);
  free(s->times);
  free(s->locations);
  free(s->location_ptrs);
  free(s->schema);
  memset(s, 0, sizeof *s);
}

static qv_status info_to_pb(const qv_flight_info *info, PbInfo *pb, info_scratch *s, qv_error *err) {
  memset(s, 0, sizeof *s);
  arrow__flight__protocol__flight_info__init(pb);
  if (info->schema) {
    size_t n;
    QV_RETURN_IF_ERROR(qv__schema_serialize(info->schema, &s->schema, &n, err));
    pb->schema.data = s->schema;
    pb->schema.len = n;
  }
  qv__descriptor_to_pb(&info->descriptor, &s->desc);
  pb->flight_descriptor = &s->desc;
  size_t ne = info->n_endpoints, nl = 0;
  for (size_t i = 0; i < ne; i++) nl += info->endpoints[i].n_locations;
  s->endpoints = (PbEndpoint *)calloc(ne + 1, sizeof *s->endpoints);
  s->endpoint_ptrs = (PbEndpoint **)calloc(ne + 1, sizeof *s->endpoint_ptrs);
  s->tickets = (Arrow__Flight__Protocol__Ticket *)calloc(ne + 1, sizeof *s->tickets);
  s->times = (Arrow__Flight__Protocol__Timestamp *)calloc(ne + 1, sizeof *s->times);
  s->locations = (Arrow__Flight__Protocol__Location *)calloc(nl + 1, sizeof *s->locations);
  s->location_ptrs = (Arrow__Flight__Protocol__Location **)calloc(nl + 1, sizeof *s->location_ptrs);
  if (!s->endpoints || !s->endpoint_ptrs || !s->tickets || !s->times || !s->locations || !s->location_ptrs) {
    scratch_free(s);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
  }
  size_t li = 0;
  for (size_t i = 0; i < ne; i++) {
    const qv_flight_endpoint *e = &info->endpoints[i];
    PbEndpoint *pe = &s->endpoints[i];
    arrow__flight__protocol__flight_endpoint__init(pe);
    arrow__flight__protocol__ticket__init(&s->tickets[i]);
    s->tickets[i].ticket.data = e->ticket.data;
    s->tickets[i].ticket.len = e->ticket.len;
    pe->ticket = &s->tickets[i];
    pe->location = &s->location_ptrs[li];
    pe->n_location = e->n_locations;
    for (size_t k = 0; k < e->n_locations; k++, li++) {
      arrow__flight__protocol__location__init(&s->locations[li]);
      s->locations[li].uri = e->locations[k];
      s->location_ptrs[li] = &s->locations[li];
    }
    if (e->has_expiration) {
      arrow__flight__protocol__timestamp__init(&s->times[i]);
      s->times[i].seconds = e->expiration_seconds;
      s->times[i].nanos = e->expiration_nanos;
      pe->expiration_time = &s->times[i];
    }
    pe->app_metadata.data = e->app_metadata.data;
    pe->app_metadata.len = e->app_metadata.len;
    s->endpoint_ptrs[i] = pe;
  }
  pb->endpoint = s->endpoint_ptrs;
  pb->n_endpoint = ne;
  pb->total_records = info->total_records;
  pb->total_bytes = info->total_bytes;
  pb->ordered = info->ordered;
  pb->app_metadata.data = info->app_metadata.data;
  pb->app_metadata.len = info->app_metadata.len;
  return QV_OK;
}

static qv_status info_from_pb(const PbInfo *pb, const qv_ipc_read_options *ro, qv_flight_info *out, qv_error *err) {
  qv_flight_info_init(out);
  qv_status st = QV_OK;
  if (pb->schema.len > 0) QV_GOTO_IF_ERROR(st, qv__schema_deserialize(pb->schema.data, pb->schema.len, ro, &out->schema, err), fail);
  if (pb->flight_descriptor) QV_GOTO_IF_ERROR(st, qv__descriptor_from_pb(pb->flight_descriptor, &out->descriptor, err), fail);
  for (size_t i = 0; i < pb->n_endpoint; i++) {
    const PbEndpoint *pe = pb->endpoint[i];
    const uint8_t *t = pe->ticket ? pe->ticket->ticket.data : NULL;
    size_t tn = pe->ticket ? pe->ticket->ticket.len : 0;
    QV_GOTO_IF_ERROR(st, qv_flight_info_add_endpoint(out, t, tn, NULL, err), fail);
    qv_flight_endpoint *e = &out->endpoints[out->n_endpoints - 1];
    if (pe->n_location > 0) {
      e->locations = (char **)calloc(pe->n_location, sizeof *e->locations);
      QV_CHECK_ALLOC_GOTO(e->locations, st, err, fail);
      for (size_t k = 0; k < pe->n_location; k++) {
        const char *u = pe->location[k]->uri ? pe->location[k]->uri : "";
        e->locations[k] = qv__strndup(u, strlen(u));
        QV_CHECK_ALLOC_GOTO(e->locations[k], st, err, fail);
        e->n_locations = k + 1;
      }
    }
    if (pe->expiration_time) {
      e->has_expiration = true;
      e->expiration_seconds = pe->expiration_time->seconds;
      e->expiration_nanos = pe->expiration_time->nanos;
    }
    QV_GOTO_IF_ERROR(st, qv_flight_bytes_set(&e->app_metadata, pe->app_metadata.data, pe->app_metadata.len, err), fail);
  }
  out->total_records = pb->total_records;
  out->total_bytes = pb->total_bytes;
  out->ordered = pb->ordered;
  QV_GOTO_IF_ERROR(st, qv_flight_bytes_set(&out->app_metadata, pb->app_metadata.data, pb->app_metadata.len, err), fail);
  return QV_OK;
fail:
  qv_flight_info_clear(out);
  return st;
}

qv_status qv__info_pack(const qv_flight_info *info, grpc_byte_buffer **out, qv_error *err) {
  PbInfo pb;
  info_scratch s;
  QV_RETURN_IF_ERROR(info_to_pb(info, &pb, &s, err));
  qv_status st = qv__pb_pack(&pb.base, out, err);
  scratch_free(&s);
  return st;
}

qv_status qv__info_unpack(grpc_byte_buffer *bb, const qv_ipc_read_options *ro, qv_flight_info *out, qv_error *err) {
  ProtobufCMessage *m = NULL;
  QV_RETURN_IF_ERROR(qv__pb_unpack(&arrow__flight__protocol__flight_info__descriptor, bb, &m, err));
  qv_status st = info_from_pb((const PbInfo *)m, ro, out, err);
  protobuf_c_message_free_unpacked(m, NULL);
  return st;
}

/* ---- PollInfo ---- */

qv_status qv__poll_pack(const qv_flight_poll_info *p, grpc_byte_buffer **out, qv_error *err) {
  Arrow__Flight__Protocol__PollInfo pb;
  arrow__flight__protocol__poll_info__init(&pb);
  PbInfo info;
  info_scratch s;
  memset(&s, 0, sizeof s);
  Arrow__Flight__Protocol__FlightDescriptor next;
  Arrow__Flight__Protocol__Timestamp ts;
  if (p->has_info) {
    QV_RETURN_IF_ERROR(info_to_pb(&p->info, &info, &s, err));
    pb.info = &info;
  }
  if (p->has_next) {
    qv__descriptor_to_pb(&p->next, &next);
    pb.flight_descriptor = &next;
  }
  if (p->has_progress) {
    pb.progress_present_case = ARROW__FLIGHT__PROTOCOL__POLL_INFO__PROGRESS_PRESENT_PROGRESS;
    pb.progress = p->progress;
  }
  if (p->has_expiration) {
    arrow__flight__protocol__timestamp__init(&ts);
    ts.seconds = p->expiration_seconds;
    ts.nanos = p->expiration_nanos;
    pb.expiration_time = &ts;
  }
  qv_status st = qv__pb_pack(&pb.base, out, err);
  scratch_free(&s);
  return st;
}

qv_status qv__poll_unpack(grpc_byte_buffer *bb, const qv_ipc_read_options *ro, qv_flight_poll_info *out,
                          qv_error *err) {
  memset(out, 0, sizeof *out);
  qv_flight_info_init(&out->info);
  ProtobufCMessage *m = NULL;
  QV_RETURN_IF_ERROR(qv__pb_unpack(&arrow__flight__protocol__poll_info__descriptor, bb, &m, err));
  const Arrow__Flight__Protocol__PollInfo *pb = (const Arrow__Flight__Protocol__PollInfo *)m;
  qv_status st = QV_OK;
  if (pb->info) {
    st = info_from_pb(pb->info, ro, &out->info, err);
    out->has_info = st == QV_OK;
  }
  if (st == QV_OK && pb->flight_descriptor) {
    st = qv__descriptor_from_pb(pb->flight_descriptor, &out->next, err);
    out->has_next = st == QV_OK;
  }
  if (pb->progress_present_case == ARROW__FLIGHT__PROTOCOL__POLL_INFO__PROGRESS_PRESENT_PROGRESS) {
    out->has_progress = true;
    out->progress = pb->progress;
  }
  if (pb->expiration_time) {
    out->has_expiration = true;
    out->expiration_seconds = pb->expiration_time->seconds;
    out->expiration_nanos = pb->expiration_time->nanos;
  }
  protobuf_c_message_free_unpacked(m, NULL);
  if (st != QV_OK) qv_flight_poll_info_clear(out);
  return st;
}
