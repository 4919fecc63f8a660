/* quiver Flight: the FlightData message, encoded and parsed by hand.
 *
 * protobuf-c would copy data_body into one contiguous allocation both ways;
 * FlightData is four fields, so this file writes them itself: on send the
 * small fields (descriptor, data_header, app_metadata) and the tag and
 * length of data_body go into one slice and the body follows as the
 * caller's slices, which reference quiver buffers; on receive the message's
 * slices are walked with a cursor, the small fields copied out and the body
 * either viewed where it lies (inside one refcounted slice, 8-byte aligned)
 * or copied once into an aligned buffer (from the caller's body pool, whose
 * blocks are warm: body_pool.c). Every length read from the wire is
 * checked against the bytes that remain before anything is allocated.
 *
 * gRPC reads the socket into slices of at most 64 KiB, so a body of
 * several MiB always spans many of them and is copied. That copy can only
 * start once gRPC hands over the whole message, which makes it the serial
 * tail of a DoGet whose table is one large batch (the peer has sent
 * everything and waits). A large body is therefore copied by two threads,
 * the calling thread and a short-lived helper, which claim it 1 MiB at a
 * time (cursor_copy_body).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/byte_buffer_reader.h>

#include "core/internal.h"
#include "flight/internal.h"

enum {
  FIELD_DESCRIPTOR = 1,
  FIELD_HEADER = 2,
  FIELD_APP_METADATA = 3,
  FIELD_BODY = 1000,
  WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_LEN = 2,
  WIRE_FIXED32 = 5
};

/* Largest data_header accepted (an IPC metadata flatbuffer). */
#define MAX_HEADER_BYTES QV_IPC_DEFAULT_MAX_METADATA

void qv__flight_data_clear(qv__flight_data *d) {
  qv_flight_descriptor_clear(&d->descriptor);
  free(d->header);
  qv_flight_bytes_clear(&d->app_metadata);
  qv_buffer_release(d->body);
  memset(d, 0, sizeof *d);
}

/* ---- receiving ---- */

typedef struct segment {
  const uint8_t *p;
  size_t n;
  grpc_slice *slice; /* refcounted slice holding p, or NULL (copy instead of view) */
} segment;

typedef struct cursor {
  const segment *segs;
  size_t n_segs, seg;
  size_t off;       /* within segs[seg] */
  uint64_t remain;  /* bytes left in the message */
  uint64_t pos;     /* bytes consumed (for messages) */
  qv__body_pool *pool; /* where a copied body goes (NULL: plain allocation) */
} cursor;

static void cursor_norm(cursor *c) {
  while (c->seg < c->n_segs && c->off == c->segs[c->seg].n) {
    c->seg++;
    c->off = 0;
  }
}

static bool cursor_byte(cursor *c, uint8_t *b) {
  cursor_norm(c);
  if (c->remain == 0 || c->seg >= c->n_segs) return false;
  *b = c->segs[c->seg].p[c->off++];
  c->remain--;
  c->pos++;
  return true;
}

static void cursor_copy(cursor *c, uint8_t *dst, size_t n) {
  while (n > 0) {
    cursor_norm(c);
    size_t take = c->segs[c->seg].n - c->off;
    if (take > n) take = n;
    memcpy(dst, c->segs[c->seg].p + c->off, take);
    dst += take;
    c->off += take;
    n -= take;
    c->remain -= take;
    c->pos += take;
  }
}

static void cursor_skip(cursor *c, uint64_t n) {
  while (n > 0) {
    cursor_norm(c);
    size_t take = c->segs[c->seg].n - c->off;
    if (take > n) take = (size_t)n;
    c->off += take;
    n -= take;
    c->remain -= take;
    c->pos += take;
  }
}

/* Bodies from this size on are copied by two threads: below it the copy
 * (about 0.1 ms per MiB) is not worth a thread's start. */
#define SPLIT_COPY_MIN ((uint64_t)4 << 20)
/* The unit the two threads claim: small enough that a thread preempted
 * in the middle of one holds the other up only briefly. */
#define SPLIT_COPY_CHUNK ((size_t)1 << 20)

typedef struct copy_chunk {
  size_t seg, off; /* where its bytes start among the segments */
  uint8_t *dst;
  size_t n;
} copy_chunk;

/* A copy shared by the calling thread and a detached helper. Each claims
 * the next chunk until none is left, so a helper the scheduler starts late
 * (a loaded machine) finds nothing to do and the caller has copied it all:
 * never slower than one thread by more than the thread's start. The
 * caller returns once every claimed chunk is finished; the segments are
 * touched only inside a claimed chunk, so they may go right after. */
typedef struct split_copy {
  pthread_mutex_t lock;
  pthread_cond_t all_done;
  const segment *segs;
  size_t n_segs;
  size_t next, finished, n_chunks; /* guarded by lock */
  int refs;                        /* guarded by lock: caller, helper; the last frees */
  copy_chunk chunks[];
} split_copy;

static void split_release(split_copy *j) {
  pthread_mutex_lock(&j->lock);
  bool last = --j->refs == 0;
  pthread_mutex_unlock(&j->lock);
  if (!last) return;
  pthread_cond_destroy(&j->all_done);
  pthread_mutex_destroy(&j->lock);
  free(j);
}

/* Copies chunks until none is left to claim. */
static void split_work(split_copy *j) {
  for (;;) {
    pthread_mutex_lock(&j->lock);
    size_t i = j->next < j->n_chunks ? j->next++ : j->n_chunks;
    pthread_mutex_unlock(&j->lock);
    if (i == j->n_chunks) return;
    const copy_chunk *k = &j->chunks[i];
    cursor c = {j->segs, j->n_segs, k->seg, k->off, k->n, 0, NULL};
    cursor_copy(&c, k->dst, k->n);
    pthread_mutex_lock(&j->lock);
    if (++j->finished == j->n_chunks) pthread_cond_broadcast(&j->all_done);
    pthread_mutex_unlock(&j->lock);
  }
}

static void *split_helper(void *arg) {
  split_copy *j = (split_copy *)arg;
  split_work(j);
  split_release(j);
  return NULL;
}

/* cursor_copy of n bytes, shared with a helper thread when n is large
 * (one thread when no helper can be had). The cursor advances by n. */
static void cursor_copy_body(cursor *c, uint8_t *dst, size_t n) {
  size_t n_chunks = (n + SPLIT_COPY_CHUNK - 1) / SPLIT_COPY_CHUNK;
  split_copy *j = n < SPLIT_COPY_MIN ? NULL : (split_copy *)malloc(sizeof *j + n_chunks * sizeof(copy_chunk));
  if (j == NULL) {
    cursor_copy(c, dst, n);
    return;
  }
  cursor at = *c;
  for (size_t i = 0; i < n_chunks; i++) {
    size_t len = i + 1 < n_chunks ? SPLIT_COPY_CHUNK : n - i * SPLIT_COPY_CHUNK;
    cursor_norm(&at);
    j->chunks[i] = (copy_chunk){at.seg, at.off, dst + i * SPLIT_COPY_CHUNK, len};
    cursor_skip(&at, len);
  }
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->all_done, NULL);
  j->segs = c->segs;
  j->n_segs = c->n_segs;
  j->next = j->finished = 0;
  j->n_chunks = n_chunks;
  j->refs = 2;
  pthread_attr_t attr;
  pthread_t helper;
  bool started = false;
  if (pthread_attr_init(&attr) == 0) {
    started = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
              pthread_create(&helper, &attr, split_helper, j) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) j->refs = 1;
  split_work(j);
  pthread_mutex_lock(&j->lock);
  while (j->finished < j->n_chunks) pthread_cond_wait(&j->all_done, &j->lock);
  pthread_mutex_unlock(&j->lock);
  split_release(j);
  cursor_skip(c, n);
}

static qv_status read_varint(cursor *c, uint64_t *out, qv_error *err) {
  uint64_t v = 0;
  uint64_t start = c->pos;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b;
    if (!cursor_byte(c, &b))
      return qv_error_set(err, QV_ERR_TRUNCATED, "FlightData: the message ends inside a varint at byte %llu",
                          (unsigned long long)start);
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return QV_OK;
    }
  }
  return qv_error_set(err, QV_ERR_INVALID_DATA, "FlightData: a varint longer than 10 bytes at byte %llu",
                      (unsigned long long)start);
}

/* The length of a bytes field whose key started at byte `at`. */
static qv_status read_len(cursor *c, const char *field, uint64_t at, uint64_t *len, qv_error *err) {
  QV_RETURN_IF_ERROR(read_varint(c, len, err));
  if (*len > c->remain)
    return qv_error_set(err, QV_ERR_TRUNCATED,
                        "FlightData: %s at byte %llu declares %llu bytes but only %llu remain", field,
                        (unsigned long long)at, (unsigned long long)*len, (unsigned long long)c->remain);
  return QV_OK;
}

static qv_status copy_field(cursor *c, uint64_t len, uint8_t **out, qv_error *err) {
  uint8_t *p = (uint8_t *)malloc(len ? (size_t)len : 1);
  QV_CHECK_ALLOC(p, err);
  cursor_copy(c, p, (size_t)len);
  *out = p;
  return QV_OK;
}

static void release_slice(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  grpc_slice *s = (grpc_slice *)ctx;
  grpc_slice_unref(*s);
  free(s);
}

static qv_status take_body(cursor *c, uint64_t len, qv__flight_data *out, qv_error *err) {
  cursor_norm(c);
  qv_buffer_release(out->body);
  out->body = NULL;
  out->body_len = (int64_t)len;
  out->body_copied = false;
  if (len == 0) return QV_OK;
  const segment *sg = c->seg < c->n_segs ? &c->segs[c->seg] : NULL;
  if (sg && sg->slice && sg->n - c->off >= len && ((uintptr_t)(sg->p + c->off) & 7u) == 0) {
    grpc_slice *ref = (grpc_slice *)malloc(sizeof *ref);
    QV_CHECK_ALLOC(ref, err);
    *ref = grpc_slice_ref(*sg->slice);
    qv_status st = qv_buffer_wrap(sg->p + c->off, (int64_t)len, release_slice, ref, &out->body, err);
    if (st != QV_OK) {
      grpc_slice_unref(*ref);
      free(ref);
      return st;
    }
    cursor_skip(c, len);
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv__body_pool_allocate(c->pool, (int64_t)len, &out->body, err));
  cursor_copy_body(c, out->body->data, (size_t)len);
  out->body_copied = true;
  return QV_OK;
}

static qv_status parse(cursor *c, qv__flight_data *out, qv_error *err) {
  while (c->remain > 0) {
    uint64_t at = c->pos, key, len;
    QV_RETURN_IF_ERROR(read_varint(c, &key, err));
    uint64_t field = key >> 3;
    unsigned wire = (unsigned)(key & 7);
    if (field == 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "FlightData: field number 0 at byte %llu",
                          (unsigned long long)at);
    bool known = field == FIELD_DESCRIPTOR || field == FIELD_HEADER || field == FIELD_APP_METADATA ||
                 field == FIELD_BODY;
    if (known && wire != WIRE_LEN)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "FlightData: field %llu at byte %llu has wire type %u, expected 2 (bytes)",
                          (unsigned long long)field, (unsigned long long)at, wire);
    switch (wire) {
      case WIRE_VARINT: QV_RETURN_IF_ERROR(read_varint(c, &len, err)); continue;
      case WIRE_FIXED64:
      case WIRE_FIXED32:
        len = wire == WIRE_FIXED64 ? 8 : 4;
        if (len > c->remain)
          return qv_error_set(err, QV_ERR_TRUNCATED, "FlightData: the message ends inside field %llu",
                              (unsigned long long)field);
        cursor_skip(c, len);
        continue;
      case WIRE_LEN: break;
      default:
        return qv_error_set(err, QV_ERR_INVALID_DATA, "FlightData: wire type %u (field %llu, byte %llu) is not valid",
                            wire, (unsigned long long)field, (unsigned long long)at);
    }
    if (field == FIELD_BODY) {
      QV_RETURN_IF_ERROR(read_len(c, "data_body", at, &len, err));
      QV_RETURN_IF_ERROR(take_body(c, len, out, err));
    } else if (field == FIELD_HEADER) {
      QV_RETURN_IF_ERROR(read_len(c, "data_header", at, &len, err));
      if (len > (uint64_t)MAX_HEADER_BYTES)
        return qv_error_set(err, QV_ERR_LIMIT, "FlightData: data_header of %llu bytes exceeds the %lld-byte limit",
                            (unsigned long long)len, (long long)MAX_HEADER_BYTES);
      free(out->header);
      out->header = NULL;
      QV_RETURN_IF_ERROR(copy_field(c, len, &out->header, err));
      out->header_len = (size_t)len;
    } else if (field == FIELD_APP_METADATA) {
      QV_RETURN_IF_ERROR(read_len(c, "app_metadata", at, &len, err));
      qv_flight_bytes_clear(&out->app_metadata);
      QV_RETURN_IF_ERROR(copy_field(c, len, &out->app_metadata.data, err));
      out->app_metadata.len = (size_t)len;
    } else if (field == FIELD_DESCRIPTOR) {
      QV_RETURN_IF_ERROR(read_len(c, "flight_descriptor", at, &len, err));
      uint8_t *tmp = NULL;
      QV_RETURN_IF_ERROR(copy_field(c, len, &tmp, err));
      qv_flight_descriptor_clear(&out->descriptor);
      qv_status st = qv__descriptor_unpack(tmp, (size_t)len, &out->descriptor, err);
      free(tmp);
      QV_RETURN_IF_ERROR(st);
      out->has_descriptor = true;
    } else {
      QV_RETURN_IF_ERROR(read_len(c, "an unknown field", at, &len, err));
      cursor_skip(c, len);
    }
  }
  return QV_OK;
}

qv_status qv__flight_data_decode_bytes(const uint8_t *p, size_t n, qv__flight_data *out, qv_error *err) {
  memset(out, 0, sizeof *out);
  segment sg = {p, n, NULL};
  cursor c = {&sg, 1, 0, 0, n, 0, NULL};
  qv_status st = parse(&c, out, err);
  if (st != QV_OK) qv__flight_data_clear(out);
  return st;
}

qv_status qv__flight_data_decode(grpc_byte_buffer *bb, qv__body_pool *pool, qv__flight_data *out, qv_error *err) {
  memset(out, 0, sizeof *out);
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, bb))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "FlightData: the message could not be decompressed");
  size_t n_slices = 0, cap = 0;
  grpc_slice *slices = NULL;
  segment *segs = NULL;
  qv_status st = QV_OK;
  uint64_t total = 0;
  grpc_slice s;
  while (grpc_byte_buffer_reader_next(&reader, &s)) {
    if (n_slices == cap) {
      size_t nc = cap ? cap * 2 : 16;
      grpc_slice *ns = (grpc_slice *)realloc(slices, nc * sizeof *ns);
      if (ns == NULL) {
        grpc_slice_unref(s);
        QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
      }
      slices = ns;
      cap = nc;
    }
    slices[n_slices++] = s;
    total += GRPC_SLICE_LENGTH(s);
  }
  segs = (segment *)calloc(n_slices ? n_slices : 1, sizeof *segs);
  QV_CHECK_ALLOC_GOTO(segs, st, err, done);
  for (size_t i = 0; i < n_slices; i++) {
    segs[i].p = GRPC_SLICE_START_PTR(slices[i]);
    segs[i].n = GRPC_SLICE_LENGTH(slices[i]);
    /* inlined slices hold their bytes in the struct itself: copy those */
    segs[i].slice = slices[i].refcount ? &slices[i] : NULL;
  }
  {
    cursor c = {segs, n_slices, 0, 0, total, 0, pool};
    st = parse(&c, out, err);
  }
done:
  for (size_t i = 0; i < n_slices; i++) grpc_slice_unref(slices[i]);
  free(slices);
  free(segs);
  grpc_byte_buffer_reader_destroy(&reader);
  if (st != QV_OK) qv__flight_data_clear(out);
  return st;
}

/* ---- sending ---- */

static size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

static uint8_t *put_varint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p++ = (uint8_t)v;
  return p;
}

static uint8_t *put_bytes_field(uint8_t *p, unsigned field, const void *data, size_t n) {
  p = put_varint(p, ((uint64_t)field << 3) | WIRE_LEN);
  p = put_varint(p, n);
  if (n) memcpy(p, data, n);
  return p + n;
}

static qv_status push_slice(qv__flight_out *o, grpc_slice s, qv_error *err) {
  if (o->n_slices == o->cap_slices) {
    size_t nc = o->cap_slices ? o->cap_slices * 2 : 16;
    grpc_slice *ns = (grpc_slice *)realloc(o->slices, nc * sizeof *ns);
    if (ns == NULL) {
      grpc_slice_unref(s);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__, __LINE__);
    }
    o->slices = ns;
    o->cap_slices = nc;
  }
  o->slices[o->n_slices++] = s;
  return QV_OK;
}

qv_status qv__flight_out_start(qv__flight_out *o, const qv_flight_descriptor *d, const uint8_t *header,
                              size_t header_len, const void *app_md, size_t app_len, int64_t body_len,
                              qv_error *err) {
  memset(o, 0, sizeof *o);
  uint8_t *desc = NULL;
  size_t desc_len = 0;
  if (d) QV_RETURN_IF_ERROR(qv__descriptor_pack(d, &desc, &desc_len, err));
  size_t size = 0;
  if (d) size += 1 + varint_size(desc_len) + desc_len;
  if (header_len) size += 1 + varint_size(header_len) + header_len;
  if (app_len) size += 1 + varint_size(app_len) + app_len;
  if (body_len > 0) size += 2 + varint_size((uint64_t)body_len);
  grpc_slice head = grpc_slice_malloc(size);
  uint8_t *p = GRPC_SLICE_START_PTR(head);
  if (d) p = put_bytes_field(p, FIELD_DESCRIPTOR, desc, desc_len);
  if (header_len) p = put_bytes_field(p, FIELD_HEADER, header, header_len);
  if (app_len) p = put_bytes_field(p, FIELD_APP_METADATA, app_md, app_len);
  if (body_len > 0) {
    p = put_varint(p, ((uint64_t)FIELD_BODY << 3) | WIRE_LEN);
    p = put_varint(p, (uint64_t)body_len);
  }
  free(desc);
  o->body_len = body_len;
  return push_slice(o, head, err);
}

qv_status qv__flight_out_body(qv__flight_out *o, grpc_slice s, qv_error *err) { return push_slice(o, s, err); }

qv_status qv__flight_out_finish(qv__flight_out *o, grpc_byte_buffer **out, qv_error *err) {
  *out = grpc_raw_byte_buffer_create(o->slices, o->n_slices);
  qv__flight_out_free(o);
  if (*out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "flight: could not create a byte buffer");
  return QV_OK;
}

void qv__flight_out_free(qv__flight_out *o) {
  for (size_t i = 0; i < o->n_slices; i++) grpc_slice_unref(o->slices[i]);
  free(o->slices);
  free(o->head);
  memset(o, 0, sizeof *o);
}
